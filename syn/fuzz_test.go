package syn

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
)

// fuzzSource hands out the fuzzer's bytes and, once they run out, bits of a
// generator seeded by the input, so that a short input still describes a
// whole case while the fuzzer steers the values it spells out.
type fuzzSource struct {
	data []byte
	r    rng
}

func newFuzzSource(seed uint64, data []byte) *fuzzSource {
	r := rng(seed ^ 0x9e3779b97f4a7c15)
	if r == 0 {
		r = 1 // xorshift sticks at 0
	}
	return &fuzzSource{data: data, r: r}
}

func (s *fuzzSource) u8() uint8 {
	if len(s.data) > 0 {
		b := s.data[0]
		s.data = s.data[1:]
		return b
	}
	return uint8(s.r.Next())
}

func (s *fuzzSource) u16() uint16 {
	if len(s.data) >= 2 {
		v := binary.LittleEndian.Uint16(s.data)
		s.data = s.data[2:]
		return v
	}
	s.data = nil
	return uint16(s.r.Next())
}

func (s *fuzzSource) u32() uint32 {
	if len(s.data) >= 4 {
		v := binary.LittleEndian.Uint32(s.data)
		s.data = s.data[4:]
		return v
	}
	s.data = nil
	return uint32(s.r.Next())
}

func (s *fuzzSource) u64() uint64 { return uint64(s.u32()) | uint64(s.u32())<<32 }

// fuzzSpecials are the values a tagged input picks by index: NaNs with and
// without payloads and of both signs, ±Inf, subnormals, ±0 and the ends of
// the range.
var fuzzSpecials = []uint32{
	0x7fc00000, 0xffc00000, 0x7f800001, 0xffbfffff, 0x7fa5c3e1, // NaNs
	0x7f800000, 0xff800000, // ±Inf
	0x00000001, 0x807fffff, 0x00400000, // subnormals
	0x00000000, 0x80000000, // ±0
	0x7f7fffff, 0xff7fffff, 0x00800000, // ±MaxFloat32, the smallest normal
}

// value decodes one float32 from a tag byte and 32 bits: mostly a value in
// [lo, hi), and otherwise the raw bits (any NaN payload, ±Inf, subnormal,
// ±0) or one of fuzzSpecials.
func (s *fuzzSource) value(lo, hi float32) float32 {
	tag, u := s.u8(), s.u32()
	switch {
	case tag < 24:
		return math.Float32frombits(u)
	case tag < 36:
		return math.Float32frombits(fuzzSpecials[u%uint32(len(fuzzSpecials))])
	}
	return lo + float32((hi-lo)*float32(u>>8)/(1<<24))
}

// finite is value(lo, hi) with a non-finite result replaced by a finite
// one of its bits (the exponent's top bit cleared).
func (s *fuzzSource) finite(lo, hi float32) float32 {
	v := s.value(lo, hi)
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		v = math.Float32frombits(math.Float32bits(v) &^ 0x4000_0000)
	}
	return v
}

// specialValue encodes fuzzSpecials[k] as value reads it, for the seeds.
func specialValue(k int) []byte { return binary.LittleEndian.AppendUint32([]byte{24}, uint32(k)) }

// spikeWord draws a word of spike bits at the density sel names.
func spikeWord(s *fuzzSource, sel int) uint64 {
	r := &s.r
	switch sel {
	case 0:
		return 0
	case 1:
		return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() // 1 in 64
	case 2:
		return r.Next() & r.Next() & r.Next() // 1 in 8
	case 3:
		return r.Next()
	case 4:
		return ^uint64(0)
	}
	return s.u64() // the fuzzer's bits
}

// The layout of FuzzRows' flags.
const (
	rowsRowOff  = 15 << 0  // rows at this offset of larger arrays
	rowsAccOff  = 15 << 4  // accumulators and select's output at this offset
	rowsDensity = 7 << 8   // spike bits: see spikeWord
	rowsPage    = 1 << 11  // rows and outputs end gap elements before a page boundary instead
	rowsGap     = 31 << 12 // the gap
	rowsSorted  = 1 << 17  // scatter indices increasing, as sparse storage keeps them
	rowsLong    = 1 << 18  // 300 to 1100 weights instead of 0 to 300
)

// FuzzRows runs the row kernels (addRow, maskedSum, select and scatter, on
// binary16 and float32 weights) of every path against the portable ones,
// and the portable ones against plain loops and ref.MaskedSum: bit for bit,
// any NaN matching any NaN where a sum is computed (as TestRowKernels),
// exactly for select. Weights and accumulators are raw bits (binary16 any
// bits, NaN and Inf included), spike bits any, with bits set past the
// row's end for the assembly kernels (which must ignore them); the slices
// lie at odd offsets of larger arrays, or end just before a page boundary,
// with sentinels around the outputs, which no kernel may write, and their
// inputs must be left as they were.
func FuzzRows(f *testing.F) {
	for _, n := range []uint16{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 255, 256, 257, 300} {
		for dens := range uint32(6) {
			flags := uint32(n)%16 | (uint32(n)*7%16)<<4 | dens<<8 | uint32(n%2)<<17
			f.Add(n, flags, uint64(n)*6+uint64(dens), []byte(nil))
		}
		f.Add(n, uint32(3<<8|rowsPage|uint32(n%21)<<12), uint64(n), []byte(nil))
	}
	f.Add(uint16(500), uint32(rowsLong|4<<8|3|5<<4), uint64(1), []byte(nil))
	// Specials spelled out: every float32 special as a weight and an
	// accumulator, every binary16 NaN and Inf class as a weight.
	var data []byte
	halves := []uint16{0x7c00, 0xfc00, 0x7c01, 0xfe00, 0x7dff, 0x0001, 0x8000, 0x7bff, 0xfbff, 0x03ff}
	for i := range 40 {
		data = append(data, specialValue(i)...)                              // w32
		data = binary.LittleEndian.AppendUint16(data, halves[i%len(halves)]) // w16
		data = append(data, specialValue(i+3)...)                            // acc
	}
	f.Add(uint16(40), uint32(4<<8|1|2<<4), uint64(3), data)
	f.Fuzz(fuzzRows)
}

func fuzzRows(t *testing.T, length uint16, flags uint32, seed uint64, data []byte) {
	src := newFuzzSource(seed, data)
	n := int(length) % 301
	if flags&rowsLong != 0 {
		n = 300 + int(length)%801
	}
	rowOff, accOff := int(flags&rowsRowOff), int(flags&rowsAccOff>>4)
	page, gap := flags&rowsPage != 0, int(flags&rowsGap>>12)
	density := int(flags & rowsDensity >> 8)

	// The inputs.
	w32, w16, acc0 := make([]float32, n), make([]float16.Float16, n), make([]float32, n)
	for i := range n {
		w32[i] = src.value(-100, 100)
		w16[i] = float16.Frombits(src.u16())
		acc0[i] = src.value(-100, 100)
	}
	words := spark.SpikeWords(n)
	x, dirty := make([]uint64, words), make([]uint64, words)
	for k := range x {
		x[k] = spikeWord(src, density)
		dirty[k] = x[k]
		if rest := n - 64*k; rest < 64 {
			x[k] &= 1<<rest - 1
			dirty[k] |= src.r.Next() &^ (1<<rest - 1)
		}
	}
	// Scatter: n distinct indices into post ≥ n accumulators.
	post := n + int(src.u8()%64)
	perm := make([]int32, post)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := range n {
		j := i + int(src.u16())%(post-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	idx := perm[:n]
	if flags&rowsSorted != 0 {
		slices.Sort(idx)
	}
	post0 := make([]float32, post)
	for i := range post0 {
		post0[i] = src.value(-100, 100)
	}

	// The rows as the kernels see them: at an offset of a larger array,
	// or ending gap elements before a page boundary, with weights around
	// them that show if read (±Inf, NaN).
	var row32, all32 []float32
	var row16, all16 []float16.Float16
	var xs, allX []uint64
	if page {
		row32, all32 = pageEnd(n, gap, float32(math.Inf(1)))
		row16, all16 = pageEnd(n, gap, float16.Frombits(0x7e00))
		xs, allX = pageEnd(words, gap/4, uint64(0))
	} else {
		all32, all16 = make([]float32, rowOff+n+17), make([]float16.Float16, rowOff+n+33)
		for i := range all32 {
			all32[i] = float32(math.Inf(1 - 2*(i%2)))
		}
		for i := range all16 {
			all16[i] = float16.Frombits(0x7e00 | uint16(i%3)<<15)
		}
		row32, row16 = all32[rowOff:rowOff+n], all16[rowOff:rowOff+n]
		allX = make([]uint64, words+2)
		for i := range allX {
			allX[i] = ^uint64(0)
		}
		xs = allX[1 : 1+words]
	}
	copy(row32, w32)
	copy(row16, w16)
	keep32, keep16 := slices.Clone(all32), slices.Clone(all16)
	idxKeep := slices.Clone(idx)
	out := func(m int) (s, all []float32) { // an output of m values with sentinels around it
		if page {
			return pageEnd(m, gap, math.Float32frombits(sentinel))
		}
		all = make([]float32, accOff+m+19)
		for i := range all {
			all[i] = math.Float32frombits(sentinel)
		}
		return all[accOff : accOff+m], all
	}

	// The portable kernels against plain loops and the reference.
	buf := make([]float32, min(n, chunk))
	wantAdd32, wantAdd16 := slices.Clone(acc0), slices.Clone(acc0)
	addRow32Generic(wantAdd32, w32)
	addRow16Generic(wantAdd16, w16, buf)
	wantSel32, wantSel16 := make([]float32, n), make([]float32, n)
	select32Generic(wantSel32, w32, x)
	select16Generic(wantSel16, w16, x)
	wantSc32, wantSc16 := slices.Clone(post0), slices.Clone(post0)
	scatter32Generic(wantSc32, idx, w32)
	scatter16Generic(wantSc16, idx, w16, buf)
	wantSum32, wantSum16 := maskedSum32Generic(w32, x), maskedSum16Generic(w16, x)
	for i := range n {
		spiked := x[i/64]>>(i%64)&1 != 0
		for _, c := range []struct {
			what      string
			got, want float32
			exact     bool
		}{
			{"addRow32", wantAdd32[i], acc0[i] + w32[i], false},
			{"addRow16", wantAdd16[i], acc0[i] + w16[i].Float32(), false},
			{"select32", wantSel32[i], selectOne(spiked, w32[i]), true},
			{"select16", wantSel16[i], selectOne(spiked, w16[i].Float32()), true},
			{"scatter32", wantSc32[idx[i]], post0[idx[i]] + w32[i], false},
			{"scatter16", wantSc16[idx[i]], post0[idx[i]] + w16[i].Float32(), false},
		} {
			if c.exact && math.Float32bits(c.got) != math.Float32bits(c.want) || !same(c.got, c.want) {
				t.Fatalf("n=%d: portable %s gives %#08x at %d, want %#08x", n, c.what, math.Float32bits(c.got), i, math.Float32bits(c.want))
			}
		}
	}
	mask := func(j int) bool { return x[j/64]>>(j%64)&1 != 0 }
	if r := ref.MaskedSum(n, func(j int) (float32, bool) { return w32[j], mask(j) }); !same(wantSum32, r) {
		t.Fatalf("n=%d: portable maskedSum32 %#08x, ref.MaskedSum %#08x", n, math.Float32bits(wantSum32), math.Float32bits(r))
	}
	if r := ref.MaskedSum(n, func(j int) (float32, bool) { return w16[j].Float32(), mask(j) }); !same(wantSum16, r) {
		t.Fatalf("n=%d: portable maskedSum16 %#08x, ref.MaskedSum %#08x", n, math.Float32bits(wantSum16), math.Float32bits(r))
	}

	// Every path against the portable kernels.
	for _, k := range paths() {
		where := func(what string) string {
			return fmt.Sprintf("path %s, n=%d rowOff=%d accOff=%d page=%v gap=%d: %s", k.name, n, rowOff, accOff, page, gap, what)
		}
		// The assembly kernels ignore the bits past the row's end; the
		// portable ones require them clear.
		copy(xs, x)
		if k.path != cpu.Generic {
			copy(xs, dirty)
		}
		xKeep := slices.Clone(allX)
		for _, half := range []bool{false, true} {
			kind := "32"
			if half {
				kind = "16"
			}

			acc, all := out(n)
			copy(acc, acc0)
			want := wantAdd32
			if half {
				k.addRow16(acc, row16, buf)
				want = wantAdd16
			} else {
				k.addRow32(acc, row32)
			}
			sameSlices(t, where("addRow"+kind), acc, want)
			checkOutside(t, where("addRow"+kind), all, acc)

			var got, wantSum float32
			if half {
				got, wantSum = k.maskedSum16(row16, xs), wantSum16
			} else {
				got, wantSum = k.maskedSum32(row32, xs), wantSum32
			}
			if !same(got, wantSum) {
				t.Fatalf("%s = %v (%#08x), want %v (%#08x)", where("maskedSum"+kind), got, math.Float32bits(got), wantSum, math.Float32bits(wantSum))
			}

			d, all := out(n)
			for i := range d {
				d[i] = math.Float32frombits(sentinel ^ 1) // every element must be written
			}
			want = wantSel32
			if half {
				k.select16(d, row16, xs)
				want = wantSel16
			} else {
				k.select32(d, row32, xs)
			}
			for i := range d {
				if math.Float32bits(d[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s: element %d = %#08x, want %#08x", where("select"+kind), i, math.Float32bits(d[i]), math.Float32bits(want[i]))
				}
			}
			checkOutside(t, where("select"+kind), all, d)

			acc, all = out(post)
			copy(acc, post0)
			want = wantSc32
			if half {
				k.scatter16(acc, idx, row16, buf)
				want = wantSc16
			} else {
				k.scatter32(acc, idx, row32)
			}
			sameSlices(t, where("scatter"+kind), acc, want)
			for i := range acc {
				if !slices.Contains(idx, int32(i)) && math.Float32bits(acc[i]) != math.Float32bits(post0[i]) {
					t.Fatalf("%s: wrote accumulator %d, which no index names", where("scatter"+kind), i)
				}
			}
			checkOutside(t, where("scatter"+kind), all, acc)
		}
		if !slices.EqualFunc(all32, keep32, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) ||
			!slices.Equal(all16, keep16) || !slices.Equal(allX, xKeep) || !slices.Equal(idx, idxKeep) {
			t.Fatalf("%s", where("a kernel wrote to its weights, spike bits or indices"))
		}
	}
}

// selectOne is select's result for one element.
func selectOne(spiked bool, w float32) float32 {
	if spiked {
		return w
	}
	return 0
}
