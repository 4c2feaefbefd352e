package syn

import (
	"encoding/binary"
	"fmt"
	"github.com/sparkgo/spark/internal/testutil"
	"github.com/sparkgo/spark/vec"
	"math"
	"slices"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// The fuzz inputs are decoded by testutil.FuzzSource.
type fuzzSource = testutil.FuzzSource

var newFuzzSource = testutil.NewFuzzSource

// spikeWord draws a word of spike bits at the density sel names.
func spikeWord(s *fuzzSource, sel int) uint64 {
	r := s.Rand()
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
	return s.U64() // the fuzzer's bits
}

// The layout of FuzzRows' flags.
const (
	rowsRowOff  = 15 << 0  // rows at this offset of larger arrays
	rowsAccOff  = 15 << 4  // accumulators and select's output at this offset
	rowsDensity = 7 << 8   // spike bits: see spikeWord
	rowsPage    = 1 << 11  // rows and outputs end gap elements before a page boundary instead
	rowsGap     = 31 << 12 // the gap
	rowsLong    = 1 << 18  // 300 to 1100 weights instead of 0 to 300
)

// FuzzRows runs the row kernels (package vec's Add, MaskedSum and Select,
// this package's scatters, on binary16 and float32 weights) of every path
// against the reference (the scatters against plain loops): bit for bit,
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
		data = append(data, testutil.SpecialValue(i)...)                     // w32
		data = binary.LittleEndian.AppendUint16(data, halves[i%len(halves)]) // w16
		data = append(data, testutil.SpecialValue(i+3)...)                   // acc
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
		w32[i] = src.Value(-100, 100)
		w16[i] = float16.Frombits(src.U16())
		acc0[i] = src.Value(-100, 100)
	}
	words := spark.SpikeWords(n)
	x, dirty := make([]uint64, words), make([]uint64, words)
	for k := range x {
		x[k] = spikeWord(src, density)
		dirty[k] = x[k]
		if rest := n - 64*k; rest < 64 {
			x[k] &= 1<<rest - 1
			dirty[k] |= src.Rand().Next() &^ (1<<rest - 1)
		}
	}
	// Scatter: n increasing indices into post ≥ n accumulators, as a
	// sparse row's (package asm's scatters refuse others).
	post := n + int(src.U8()%64)
	perm := make([]int32, post)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := range n {
		j := i + int(src.U16())%(post-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	idx := perm[:n]
	slices.Sort(idx)
	post0 := make([]float32, post)
	for i := range post0 {
		post0[i] = src.Value(-100, 100)
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

	// The reference, and the portable scatters against plain loops.
	buf := make([]float32, min(n, chunk))
	wantAdd32, wantAdd16 := slices.Clone(acc0), slices.Clone(acc0)
	ref.Add(wantAdd32, w32)
	ref.AddF16(wantAdd16, w16)
	wantSel32, wantSel16 := make([]float32, n), make([]float32, n)
	ref.Select(wantSel32, w32, x)
	ref.SelectF16(wantSel16, w16, x)
	wantSc32, wantSc16 := slices.Clone(post0), slices.Clone(post0)
	scatter32Generic(wantSc32, idx, w32)
	scatter16Generic(wantSc16, idx, w16, buf)
	wantSum32, wantSum16 := ref.MaskedSumOf(w32, x), ref.MaskedSumF16(w16, x)
	for i := range n {
		for _, c := range []struct {
			what      string
			got, want float32
		}{
			{"scatter32", wantSc32[idx[i]], post0[idx[i]] + w32[i]},
			{"scatter16", wantSc16[idx[i]], post0[idx[i]] + w16[i].Float32()},
		} {
			if !same(c.got, c.want) {
				t.Fatalf("n=%d: portable %s gives %#08x at %d, want %#08x", n, c.what, math.Float32bits(c.got), i, math.Float32bits(c.want))
			}
		}
	}

	// Every path against the reference: the row kernels through package
	// vec (which runs the path using selects), the scatters this package's.
	for _, k := range paths() {
		using(t, k)
		where := func(what string) string {
			return fmt.Sprintf("path %s, n=%d rowOff=%d accOff=%d page=%v gap=%d: %s", k.name, n, rowOff, accOff, page, gap, what)
		}
		// Every kernel ignores the bits past the row's end.
		copy(xs, dirty)
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
				vec.AddF16(acc, row16)
				want = wantAdd16
			} else {
				vec.Add(acc, row32)
			}
			sameSlices(t, where("addRow"+kind), acc, want)
			checkOutside(t, where("addRow"+kind), all, acc)

			var got, wantSum float32
			if half {
				got, wantSum = vec.MaskedSumF16(row16, xs), wantSum16
			} else {
				got, wantSum = vec.MaskedSum(row32, xs), wantSum32
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
				vec.SelectF16(d, row16, xs)
				want = wantSel16
			} else {
				vec.Select(d, row32, xs)
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

// The layout of FuzzSynapses' flags.
const (
	synAsync    = 1 << 0  // asynchronous spikes
	synF32      = 1 << 1  // float32 storage
	synStorage  = 3 << 2  // 1: Dense, 2: Sparse (where it may serve, else Dense), else AutoStorage
	synForm     = 3 << 4  // trace parameters: 0 uniform, 1 per post unit, 2 per synapse, 3 per synapse equal along each row
	synForce    = 1 << 6  // per-connection traces even where they contract
	synSteps    = 3 << 7  // steps − 1
	synZeros    = 7 << 9  // the fraction of zero weights: see fuzzZeros
	synDensity  = 7 << 12 // spike bits: see spikeWord
	synKernel16 = 1 << 15 // the kernel given as binary16 bits (KernelF16) rather than float32
	synInh      = 1 << 16 // some presynaptic units inhibitory
	synRawState = 1 << 17 // traces start from raw bits rather than their bases
	synDt       = 3 << 18 // time step: fuzzSynDts
	synCurOff   = 15 << 20
)

var (
	// fuzzZeros is the chance, in 256ths, of a zero weight.
	fuzzZeros  = [8]int{0, 128, 224, 240, 252, 256, 0, 250}
	fuzzSynDts = [4]float64{0.5, 1, 0.1, 0.37}
)

// synModels are the names of models, in a fixed order.
func synModels() []string {
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// FuzzSynapses runs every synapse model on every path against the
// reference synapses of internal/ref, bit for bit (any NaN matching any
// NaN): 1 to 71 post and 1 to 140 presynaptic units, synchronous and
// asynchronous spikes, dense, sparse and automatic storage, binary16 (from
// raw bits) and float32 kernels, inhibitory units, trace parameters
// uniform, per post unit or per synapse (contracted or per connection, or
// per connection forced), traces from raw bits, and Step, StepIndices,
// StepAdd (onto raw-bit currents) and StepAddIndices. It checks the
// currents and traces after each step, that the spikes are left as they
// were, and that nothing around the currents is written.
func FuzzSynapses(f *testing.F) {
	for m := range synModels() {
		for k, flags := range []uint32{
			3<<7 | 3<<12,                                                       // binary16, dense rows, synchronous
			synAsync | synF32 | 2<<4 | 1<<7 | 3<<12,                            // asynchronous, float32, per connection
			2<<2 | 1<<4 | 3<<7 | 3<<9 | 2<<12 | synInh,                         // sparse, traces per post unit (drained)
			synKernel16 | 3<<4 | 2<<7 | 1<<9 | 3<<12 | synRawState | 5<<20,     // binary16 bits, per synapse but contracted
			synForce | 1<<4 | 3<<7 | 2<<12 | synInh | 1<<18 | 3<<20,            // binary16, per connection, forced
			synAsync | synKernel16 | 2<<4 | 3<<7 | 3<<12 | synRawState | 2<<20, // asynchronous, binary16, per connection
			synF32 | 1<<2 | 1<<4 | 3<<7 | 2<<12 | synInh | 1<<18,               // float32, dense rows
			synAsync | 3<<4 | synRawState | 2<<7 | 4<<12 | 2<<18 | 7<<20,       // asynchronous, every spike
			2<<2 | synF32 | 3<<9 | 4<<12 | 1<<7 | synInh | synRawState,         // sparse, float32, every spike
		} {
			shape := uint16([]int{0, 64 + 71*64, 65 + 71*129, 63 + 71*63, 7 + 71*2, 9 + 71*70, 65 + 71*64, 70 + 71*139, 33 + 71*127}[k])
			ops := []byte{byte(k), byte(k + 1), byte(k + 2), byte(k + 3)} // every way of stepping
			f.Add(uint8(m), shape, flags, uint64(k), ops)
		}
	}
	f.Fuzz(fuzzSynapses)
}

func fuzzSynapses(t *testing.T, modelSel uint8, shape uint16, flags uint32, seed uint64, data []byte) {
	src := newFuzzSource(seed, data)
	names := synModels()
	model := names[int(modelSel)%len(names)]
	post, pre := 1+int(shape%71), 1+int(shape/71)%140
	async, f32 := flags&synAsync != 0, flags&synF32 != 0

	// How each step runs, first in the data: 0 Step, 1 StepIndices, 2
	// StepAdd, 3 StepAddIndices (synchronous spikes only).
	steps := 1 + int(flags&synSteps>>7)
	ops := make([]int, steps)
	for s := range ops {
		ops[s] = int(src.U8() % 4)
		if async {
			ops[s] &^= 1
		}
	}
	form, force := int(flags&synForm>>4), flags&synForce != 0
	dt := fuzzSynDts[flags&synDt>>18]
	if model == "LinearSynapses" {
		force = false
	}

	// The kernel: finite weights (the constructors refuse others), some
	// zero, from raw bits or near the working range.
	n := post * pre
	zeros := fuzzZeros[flags&synZeros>>9]
	cfg := LinearSynapsesConfig{Post: post, Pre: pre, Float32: f32, AsyncSpikes: async}
	if flags&synKernel16 != 0 && !f32 {
		cfg.KernelF16 = make([]float16.Float16, n)
		for k := range n {
			h := src.U16() &^ 0x4000 // finite: no all-ones exponent
			if int(src.U8()) < zeros {
				h &= 0x8000 // ±0
			}
			cfg.KernelF16[k] = float16.Frombits(h)
		}
	} else {
		cfg.Kernel = make([]float32, n)
		for k := range n {
			w := src.Finite(-30, 30)
			if !f32 && math.Abs(float64(w)) > maxHalf {
				w = float32(math.Mod(float64(w), maxHalf))
			}
			if int(src.U8()) < zeros {
				w = 0
			}
			cfg.Kernel[k] = w
		}
	}
	inh := make([]bool, pre)
	if flags&synInh != 0 {
		for j := range inh {
			inh[j] = src.U8()%3 == 0
		}
		cfg.Inhibitory = inh
	}

	// The trace parameters.
	p, q := map[string]spark.Param{}, ref.Params{}
	for _, f := range ref.TraceParams[model] {
		var v []float32
		switch vary := src.U8()&1 != 0; {
		case form == 1 && vary:
			v = make([]float32, post)
			for i := range v {
				v[i] = src.TraceParam(f.Name, f.Default)
			}
		case form == 2 && vary:
			v = make([]float32, n)
			for k := range v {
				v[k] = src.TraceParam(f.Name, f.Default)
			}
		case form == 3 && vary:
			v = make([]float32, n)
			for i := range post {
				x := src.TraceParam(f.Name, f.Default)
				for j := range pre {
					v[i*pre+j] = x
				}
			}
		default:
			v = []float32{src.TraceParam(f.Name, f.Default)}
		}
		q[f.Name] = v
		if len(v) == 1 {
			p[f.Name] = spark.Uniform(v[0])
		} else {
			p[f.Name] = spark.PerUnit(v)
		}
	}
	perConn := model != "LinearSynapses" && (force || !ref.Contractible(post, pre, q))
	switch flags & synStorage >> 2 {
	case 1:
		cfg.Storage = Dense
	case 2:
		cfg.Storage = Sparse
		if async || perConn {
			cfg.Storage = Dense // sparse storage cannot serve
		}
	}

	// The spikes and currents of each step.
	density := int(flags & synDensity >> 12)
	words := spark.SpikeWords(pre)
	rows := 1
	if async {
		rows = post
	}
	type step struct {
		op     int // 0 Step, 1 StepIndices, 2 StepAdd, 3 StepAddIndices
		spikes spark.Spikes
		flags  []bool
		idx    []int
		cur    []float32 // what an add adds to; overwritten otherwise
	}
	plan := make([]step, steps)
	for s := range plan {
		st := &plan[s]
		st.op = ops[s]
		st.spikes = make(spark.Spikes, rows*words)
		for r := range rows {
			for k := range words {
				w := spikeWord(src, density)
				if rest := pre - 64*k; rest < 64 {
					w &= 1<<rest - 1
				}
				st.spikes[r*words+k] = w
			}
		}
		st.flags = make([]bool, rows*pre)
		for r := range rows {
			st.spikes[r*words : (r+1)*words].Bools(st.flags[r*pre : (r+1)*pre])
		}
		if !async {
			st.idx = st.spikes.AppendIndices(nil)
		}
		st.cur = make([]float32, post)
		for i := range st.cur {
			st.cur[i] = src.Value(-100, 100)
		}
	}
	rawState := flags&synRawState != 0
	var init [][]float32 // the traces' first states, when raw

	// The reference.
	build := func() Synapses {
		forcePerConnection = force
		defer func() { forcePerConnection = false }()
		s, err := models[model](cfg, dt, p)
		if err != nil {
			t.Fatalf("%s: the decoded config is refused: %v", model, err)
		}
		return s
	}
	s0 := build()
	tr0, _ := s0.(traced)
	if tr0 != nil && tr0.PerConnection() != perConn {
		t.Fatalf("%s: per connection %v, want %v", model, tr0.PerConnection(), perConn)
	}
	m := ref.NewSynapses(model, dt, post, pre, s0.Kernel(nil), inh, q, perConn)
	state := m.NewState()
	if rawState {
		for c := range state {
			for i := range state[c] {
				state[c][i] = src.Value(-10, 10)
			}
		}
	}
	for c := range state {
		init = append(init, slices.Clone(state[c]))
	}
	want := make([][]float32, steps)
	wantTr := make([][][]float32, steps)
	for s, st := range plan {
		want[s] = make([]float32, post)
		if async {
			m.StepAsync(state, st.flags, want[s])
		} else {
			m.Step(state, st.flags, want[s])
		}
		if st.op >= 2 {
			for i := range want[s] {
				want[s][i] = st.cur[i] + want[s][i]
			}
		}
		for c := range state {
			wantTr[s] = append(wantTr[s], slices.Clone(state[c]))
		}
	}

	curOff := int(flags & synCurOff >> 20)
	for _, k := range paths() {
		using(t, k)
		s := build()
		tr, _ := s.(traced)
		if tr != nil {
			for c, arr := range tr.Traces() {
				copy(arr, init[c])
			}
		}
		for si, st := range plan {
			buf := make([]float32, curOff+post+9)
			for i := range buf {
				buf[i] = math.Float32frombits(sentinel)
			}
			cur := buf[curOff : curOff+post]
			copy(cur, st.cur)
			spikes := slices.Clone(st.spikes)
			switch st.op {
			case 0:
				s.Step(spikes, cur)
			case 1:
				s.StepIndices(st.idx, cur)
			case 2:
				s.StepAdd(spikes, cur)
			case 3:
				s.StepAddIndices(st.idx, cur)
			}
			where := func() string {
				return fmt.Sprintf("path %s, %s %d×%d async=%v f32=%v storage=%v per-connection=%v (forced %v) dt=%v, step %d op %d",
					k.name, model, post, pre, async, f32, cfg.Storage, perConn, force, dt, si, st.op)
			}
			for i := range cur {
				if !same(cur[i], want[si][i]) {
					t.Fatalf("%s: current[%d] = %v (%#08x), want %v (%#08x)", where(), i, cur[i], math.Float32bits(cur[i]), want[si][i], math.Float32bits(want[si][i]))
				}
			}
			if tr != nil {
				for c, arr := range tr.Traces() {
					for i := range arr {
						if !same(arr[i], wantTr[si][c][i]) {
							t.Fatalf("%s: trace %d[%d] = %v (%#08x), want %v (%#08x)", where(), c, i, arr[i], math.Float32bits(arr[i]), wantTr[si][c][i], math.Float32bits(wantTr[si][c][i]))
						}
					}
				}
			}
			checkOutside(t, where(), buf, cur)
			if !slices.Equal(spikes, st.spikes) {
				t.Fatalf("%s: the step wrote to its spikes", where())
			}
		}
	}
}
