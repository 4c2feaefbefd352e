package syn

import (
	"fmt"
	"math"
	"testing"
	"unsafe"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
)

// sentinel fills the memory around the slices the row kernels write: a NaN
// whose payload no kernel produces, compared by its bits.
const sentinel = 0x7fa5c3e1

// rowDensities are the spike patterns of the row tests: none, sparse (1 in
// 64, the merged path of the masked sums), 1 in 8 (both paths), half, all.
var rowDensities = []struct {
	name string
	bits func(r *rng) uint64
}{
	{"none", func(*rng) uint64 { return 0 }},
	{"1/64", func(r *rng) uint64 {
		return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next()
	}},
	{"1/8", func(r *rng) uint64 { return r.Next() & r.Next() & r.Next() }},
	{"1/2", func(r *rng) uint64 { return r.Next() }},
	{"all", func(*rng) uint64 { return ^uint64(0) }},
}

// weight32 draws a float32 weight: mostly ordinary values, with ±0,
// subnormals and values near the top of the range (whose sums overflow);
// special adds ±Inf and NaNs.
func weight32(r *rng, special bool) float32 {
	switch v := r.Intn(20); {
	case v == 0:
		return math.Float32frombits(uint32(r.Next()) & 0x8000_0000) // ±0
	case v == 1:
		return math.Float32frombits(uint32(r.Next()) & 0x807f_ffff) // subnormal
	case v == 2:
		return float32(1-2*r.Intn(2)) * r.Uniform(1e38, 3e38)
	case v == 3 && special:
		return float32(math.Inf(1 - 2*r.Intn(2)))
	case v == 4 && special:
		return math.Float32frombits(uint32(r.Next()) | 0x7f80_0001) // NaN, any sign, payload
	}
	return r.Uniform(-100, 100)
}

// weight16 draws a binary16 weight: any bits; without special, none with
// the all-ones exponent (±Inf, NaN).
func weight16(r *rng, special bool) float16.Float16 {
	h := uint16(r.Next())
	if !special && h&0x7c00 == 0x7c00 {
		h &^= 0x4000
	}
	return float16.Frombits(h)
}

// same reports whether a and b have the same bits, or are both NaN.
func same(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// rowCase is one input of the row kernels: rows of n weights at offset off
// of larger arrays (the elements around them ±Inf and NaN, so that a weight
// read from outside the row shows), and one row of spike bits.
type rowCase struct {
	n, off  int
	special bool
	w32     []float32
	w16     []float16.Float16
	x       []uint64 // bits past n clear, as syn keeps them
	dirty   []uint64 // x with bits past n set too
	acc     []float32
}

func newRowCase(r *rng, n, off int, bits func(*rng) uint64, special bool) *rowCase {
	c := &rowCase{n: n, off: off, special: special}
	all32 := make([]float32, off+n+16)
	all16 := make([]float16.Float16, off+n+32)
	for i := range all32 {
		all32[i] = float32(math.Inf(1 - 2*(i%2)))
	}
	for i := range all16 {
		all16[i] = float16.Frombits(0x7e00 | uint16(i%3)<<15) // NaN
	}
	c.w32, c.w16 = all32[off:off+n], all16[off:off+n]
	for i := range n {
		c.w32[i], c.w16[i] = weight32(r, special), weight16(r, special)
	}
	words := spark.SpikeWords(n)
	c.x, c.dirty = make([]uint64, words), make([]uint64, words)
	for k := range c.x {
		c.dirty[k] = bits(r)
		c.x[k] = c.dirty[k]
		if rest := n - 64*k; rest < 64 {
			c.x[k] &= 1<<rest - 1
			c.dirty[k] |= r.Next() &^ (1<<rest - 1)
		}
	}
	c.acc = make([]float32, n)
	for i := range c.acc {
		c.acc[i] = weight32(r, special)
	}
	return c
}

// guarded returns a slice of n values at offset off of a larger array
// filled with the sentinel, and a check that the sentinels are intact.
func guarded(n, off int, init []float32) ([]float32, func(t *testing.T, what string)) {
	all := make([]float32, off+n+19)
	for i := range all {
		all[i] = math.Float32frombits(sentinel)
	}
	s := all[off : off+n]
	copy(s, init)
	return s, func(t *testing.T, what string) {
		t.Helper()
		for i, v := range all {
			if (i < off || i >= off+n) && math.Float32bits(v) != sentinel {
				t.Fatalf("%s: wrote element %d outside the slice [%d, %d): %#x", what, i, off, off+n, math.Float32bits(v))
			}
		}
	}
}

// sameSlices fails t at the first element where got and want differ (bits,
// or NaN-ness).
func sameSlices(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if !same(got[i], want[i]) {
			t.Fatalf("%s: element %d = %v (%#x), want %v (%#x)", what, i,
				got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// check runs every row kernel of k on c and compares it with the portable
// kernels, and the masked sums with ref.MaskedSum.
func (c *rowCase) check(t *testing.T, k *kernels, where string) {
	t.Helper()
	n, off := c.n, c.off
	buf := make([]float32, min(n, chunk))

	for _, half := range []bool{false, true} {
		kind := "32"
		if half {
			kind = "16"
		}

		// addRow
		want := append([]float32(nil), c.acc...)
		acc, intact := guarded(n, off, c.acc)
		if half {
			addRow16Generic(want, c.w16, buf)
			k.addRow16(acc, c.w16, buf)
		} else {
			addRow32Generic(want, c.w32)
			k.addRow32(acc, c.w32)
		}
		what := fmt.Sprintf("%s: addRow%s", where, kind)
		intact(t, what)
		sameSlices(t, what, acc, want)

		// maskedSum
		var got, gen, refSum float32
		w := func(j int) float32 {
			if half {
				return c.w16[j].Float32()
			}
			return c.w32[j]
		}
		refSum = ref.MaskedSum(n, func(j int) (float32, bool) { return w(j), c.x[j/64]>>(j%64)&1 != 0 })
		if half {
			gen, got = maskedSum16Generic(c.w16, c.x), k.maskedSum16(c.w16, c.x)
		} else {
			gen, got = maskedSum32Generic(c.w32, c.x), k.maskedSum32(c.w32, c.x)
		}
		what = fmt.Sprintf("%s: maskedSum%s", where, kind)
		if !same(gen, refSum) {
			t.Fatalf("%s: generic %v (%#x), ref.MaskedSum %v (%#x)", what, gen, math.Float32bits(gen), refSum, math.Float32bits(refSum))
		}
		if !same(got, gen) {
			t.Fatalf("%s = %v (%#x), want %v (%#x)", what, got, math.Float32bits(got), gen, math.Float32bits(gen))
		}
		if k.path != cpu.Generic {
			// The assembly kernels ignore the bits past the row's end (the
			// portable ones require them clear).
			if half {
				got = k.maskedSum16(c.w16, c.dirty)
			} else {
				got = k.maskedSum32(c.w32, c.dirty)
			}
			if !same(got, gen) {
				t.Fatalf("%s, bits set past the row's end: %v (%#x), want %v (%#x)", what, got, math.Float32bits(got), gen, math.Float32bits(gen))
			}
		}

		// select: every element written, with the exact bits of the weight
		// or +0; the bits past the row's end are ignored.
		want = make([]float32, n)
		garbage := make([]float32, n)
		for i := range garbage {
			garbage[i] = math.Float32frombits(sentinel ^ 1)
		}
		d, intact := guarded(n, off, garbage)
		if half {
			select16Generic(want, c.w16, c.x)
			k.select16(d, c.w16, c.dirty)
		} else {
			select32Generic(want, c.w32, c.x)
			k.select32(d, c.w32, c.dirty)
		}
		what = fmt.Sprintf("%s: select%s", where, kind)
		intact(t, what)
		for j := range want {
			if math.Float32bits(d[j]) != math.Float32bits(want[j]) {
				t.Fatalf("%s: element %d = %#x, want %#x", what, j, math.Float32bits(d[j]), math.Float32bits(want[j]))
			}
		}
	}
}

// TestRowKernels runs every row kernel on every path against the portable
// kernels, bit for bit (NaN-ness for NaNs): every length from 0 to 300 and
// two larger ones, rows and accumulators at offsets 0 to 7 of larger arrays
// (sentinels around the written slices), spike densities from none to all,
// weights with ±0, subnormals, overflowing sums, and ±Inf and NaN.
func TestRowKernels(t *testing.T) {
	maxLen := 300
	if testing.Short() {
		maxLen = 80
	}
	var lengths []int
	for n := range maxLen + 1 {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 1000, 4099)
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			r := rng(11)
			for _, n := range lengths {
				for off := range 8 {
					for _, dens := range rowDensities {
						for _, special := range []bool{false, true} {
							c := newRowCase(&r, n, off, dens.bits, special)
							c.check(t, k, fmt.Sprintf("n=%d off=%d spikes=%s special=%v", n, off, dens.name, special))
						}
					}
				}
			}
		})
	}
}

// TestMaskedSumOrder pins the order of the sixteen partial sums on every
// path with weights whose sum depends on it: in lane k, a huge weight, its
// negation, then a small one; summed in any other order the small one is
// lost or the huge ones overflow.
func TestMaskedSumOrder(t *testing.T) {
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			for _, n := range []int{16, 48, 64, 100, 128, 200} {
				row := make([]float32, n)
				h := make([]float16.Float16, n)
				x := make([]uint64, spark.SpikeWords(n))
				for j := range n {
					switch g := j / 16; g % 3 {
					case 0:
						row[j], h[j] = 3e38, float16.Fromfloat32(60000)
					case 1:
						row[j], h[j] = -3e38, float16.Fromfloat32(-60000)
					case 2:
						row[j], h[j] = float32(j%16+1)/1024, float16.Fromfloat32(float32(j%16+1)/1024)
					}
					x[j/64] |= 1 << (j % 64)
				}
				want := ref.MaskedSum(n, func(j int) (float32, bool) { return row[j], true })
				if got := k.maskedSum32(row, x); !same(got, want) {
					t.Errorf("n=%d: maskedSum32 = %v, want %v", n, got, want)
				}
				want = ref.MaskedSum(n, func(j int) (float32, bool) { return h[j].Float32(), true })
				if got := k.maskedSum16(h, x); !same(got, want) {
					t.Errorf("n=%d: maskedSum16 = %v, want %v", n, got, want)
				}
			}
		})
	}
}

// pageEnd returns n elements of a new array, filled with fill, ending gap
// elements before a 4 KiB boundary of the address space, and the whole
// array. The assembly tails change course there: an AVX-512 vector that
// would cross a page past the slices' ends is not loaded (see
// ../gen/rows).
func pageEnd[T any](n, gap int, fill T) (s, all []T) {
	size := int(unsafe.Sizeof(fill))
	all = make([]T, n+gap+4096/size+1)
	for i := range all {
		all[i] = fill
	}
	addr := int(uintptr(unsafe.Pointer(unsafe.SliceData(all))) % 4096)
	end := n + gap
	end += (4096 - (addr+end*size)%4096) % 4096 / size // the boundary
	return all[end-gap-n : end-gap], all
}

// TestRowKernelsPageEnds runs the row kernels on slices that end at every
// distance up to 20 elements before a page boundary, against the portable
// kernels.
func TestRowKernelsPageEnds(t *testing.T) {
	lengths := []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 47, 63, 64, 65, 79, 100, 127, 129}
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			r := rng(23)
			for _, n := range lengths {
				for gap := range 21 {
					for _, dens := range rowDensities {
						c := newRowCase(&r, n, 0, dens.bits, true)
						where := fmt.Sprintf("n=%d gap=%d spikes=%s", n, gap, dens.name)
						nan := math.Float32frombits(sentinel)
						w32, _ := pageEnd(n, gap, float32(math.Inf(1)))
						w16, _ := pageEnd(n, gap, float16.Frombits(0x7e00))
						copy(w32, c.w32)
						copy(w16, c.w16)
						// The assembly kernels ignore the bits past the row's end.
						x, _ := pageEnd(len(c.x), gap/4, uint64(0))
						copy(x, c.x)
						if k.path != cpu.Generic {
							copy(x, c.dirty)
						}
						buf := make([]float32, min(n, chunk))
						for _, half := range []bool{false, true} {
							want := append([]float32(nil), c.acc...)
							acc, all := pageEnd(n, gap, nan)
							copy(acc, c.acc)
							var got, sum float32
							if half {
								addRow16Generic(want, c.w16, buf)
								k.addRow16(acc, w16, buf)
								sum, got = maskedSum16Generic(c.w16, c.x), k.maskedSum16(w16, x)
							} else {
								addRow32Generic(want, c.w32)
								k.addRow32(acc, w32)
								sum, got = maskedSum32Generic(c.w32, c.x), k.maskedSum32(w32, x)
							}
							sameSlices(t, fmt.Sprintf("%s half=%v: addRow", where, half), acc, want)
							if !same(got, sum) {
								t.Fatalf("%s half=%v: maskedSum = %v, want %v", where, half, got, sum)
							}
							d, dall := pageEnd(n, gap, nan)
							if half {
								select16Generic(want, c.w16, c.x)
								k.select16(d, w16, x)
							} else {
								select32Generic(want, c.w32, c.x)
								k.select32(d, w32, x)
							}
							sameSlices(t, fmt.Sprintf("%s half=%v: select", where, half), d, want)
							checkOutside(t, where+" addRow", all, acc)
							checkOutside(t, where+" select", dall, d)
						}
					}
				}
			}
		})
	}
}

// checkOutside fails t if an element of all outside s (a subslice) is not
// the sentinel.
func checkOutside(t *testing.T, what string, all, s []float32) {
	t.Helper()
	lo := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))-uintptr(unsafe.Pointer(unsafe.SliceData(all)))) / 4
	for i, v := range all {
		if (i < lo || i >= lo+len(s)) && math.Float32bits(v) != sentinel {
			t.Fatalf("%s: wrote element %d outside the slice [%d, %d)", what, i, lo, lo+len(s))
		}
	}
}
