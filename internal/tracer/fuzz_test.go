package tracer

import (
	"fmt"
	"github.com/sparkgo/spark/internal/testutil"
	"math"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
)

// The fuzz inputs are decoded by testutil.FuzzSource.
var newFuzzSource = testutil.NewFuzzSource

var fuzzDts = [4]float64{1, 0.5, 0.1, 0.37}

// The trace models FuzzTrace picks from, by the synapse model that names
// them in internal/ref; the last is the Double tracer with forward-Euler
// rates.
var fuzzModels = []struct {
	name  string
	model Model
	euler bool
}{
	{"TracedSynapses", Single, false},
	{"RDTracedSynapses", RD, false},
	{"RFSTracedSynapses", RFS, false},
	{"DoubleTracedSynapses", Double, false},
	{"DoubleTracedSynapses", Double, true},
}

// The ways FuzzTrace steps a trace; a path that lacks one steps as the
// closest it has.
const (
	opStep     = iota // Step(x, out), apart
	opInPlace         // Step(x, x)
	opAdd             // StepAddUnchecked (Adds)
	opDrain           // StepDrainUnchecked (Drains), or Step
	opDrainAdd        // StepDrainUnchecked adding (Drains), or StepAddUnchecked
	numOps
)

// The layout of FuzzTrace's flags.
const (
	flagDt     = 3 << 0  // time step: fuzzDts[flags&3]
	flagForm   = 3 << 2  // 1: every parameter uniform, 2: every one per unit, else per parameter
	flagSteps  = 3 << 4  // steps − 1
	flagXOff   = 15 << 6 // the drive at this offset of a larger array
	flagOutOff = 15 << 10
)

// sentinel32 marks the memory around the drive and the output: a NaN payload
// no kernel writes, compared by its bits.
const sentinel32 = 0x7fa5c3e1

// FuzzTrace runs every trace model on every path against the reference,
// bit for bit (any NaN matching any NaN, as TestPathsMatchReference): 1 to
// 300 traces, parameters uniform or per unit near their defaults with
// extreme but valid ones among them, states, drives and the currents that
// StepAdd adds to from raw float32 bits, stepped apart, in place (out = x),
// adding (Adds) and draining (Drains). It checks the output and every
// state after each step, that the drive is left as it was (or zero after a
// drain), and that nothing around the drive and the output is written.
func FuzzTrace(f *testing.F) {
	for m := range fuzzModels {
		for op := range numOps {
			flags := uint32(op%4) | uint32(op%4)<<2 | 3<<4 | uint32(op)<<6 | uint32(7-op)<<10
			ops := []byte{byte(op), byte(op + 1), byte(op + 2), byte(op + 3)} // every op, in turns
			f.Add(uint8(m), uint16(op*61%300), flags, uint64(m*numOps+op), ops)
		}
		for _, n := range []uint16{0, 63, 64, 299} {
			f.Add(uint8(m), n, uint32(1<<2|3<<4|3<<6), uint64(n), []byte{byte(n), byte(n + 1), byte(n + 2), byte(n + 3)})
		}
		// Specials spelled out: each op in turn, uniform parameters at
		// their defaults, then every state and drive of the first units.
		data := []byte{opStep, opAdd, opDrain, opDrainAdd}
		for range ref.TraceParams[fuzzModels[m].name] {
			data = append(data, 1, 0, 0, 0, 0x80) // the default (see fuzzParam)
		}
		states := map[Model]int{Single: 1, RD: 2, RFS: 4, Double: 2}[fuzzModels[m].model]
		n := len(testutil.FuzzSpecials) + 1
		for k := range states * n {
			data = append(data, testutil.SpecialValue(k)...)
		}
		for step := range 4 {
			for k := range 2 * n { // the drive, and out's start
				data = append(data, testutil.SpecialValue(k+step)...)
			}
		}
		f.Add(uint8(m), uint16(n-1), uint32(1<<2|3<<4|1<<6), uint64(m), data)
	}
	f.Fuzz(fuzzTrace)
}

func fuzzTrace(t *testing.T, modelSel uint8, units uint16, flags uint32, seed uint64, data []byte) {
	src := newFuzzSource(seed, data)
	fm := fuzzModels[int(modelSel)%len(fuzzModels)]
	n := 1 + int(units)%300
	dt := fuzzDts[flags&flagDt]

	// How each step runs, first in the data.
	steps := 1 + int(flags&flagSteps>>4)
	ops := make([]int, steps)
	for s := range ops {
		ops[s] = int(src.U8()) % numOps
	}

	p := ref.Params{}
	form := flags & flagForm >> 2
	for _, f := range ref.TraceParams[fm.name] {
		perUnit := form == 2
		if form == 0 || form == 3 {
			perUnit = src.U8()&1 != 0
		}
		v := make(ref.P, 1)
		if perUnit {
			v = make(ref.P, n)
		}
		for i := range v {
			v[i] = src.TraceParam(f.Name, f.Default)
		}
		p[f.Name] = v
	}
	rm := ref.Traces[fm.name](dt, p)
	if fm.euler {
		rm = ref.NewDoubleTracer(dt, p, true)
	}
	init := make([][]float32, rm.States())
	for k := range init {
		init[k] = make([]float32, n)
		for i := range init[k] {
			init[k][i] = src.Value(-10, 10)
		}
	}
	xs, outs := make([][]float32, steps), make([][]float32, steps)
	for s := range steps {
		xs[s], outs[s] = make([]float32, n), make([]float32, n)
		for i := range n {
			xs[s][i] = src.Value(-50, 50)
			outs[s][i] = src.Value(-50, 50) // what an add adds to; overwritten otherwise
		}
	}

	// The reference: each step's states and output.
	st := make([][]float32, len(init))
	for k := range st {
		st[k] = append([]float32(nil), init[k]...)
	}
	wantSt, wantOut := make([][][]float32, steps), make([][]float32, steps)
	for s := range steps {
		wantOut[s] = make([]float32, n)
		rm.Step(st, xs[s], wantOut[s])
		wantSt[s] = make([][]float32, len(st))
		for k := range st {
			wantSt[s][k] = append([]float32(nil), st[k]...)
		}
	}

	xOff, outOff := int(flags&flagXOff>>6), int(flags&flagOutOff>>10)
	for _, k := range paths() {
		using(t, k)
		tr := New("trace.Fuzz", fm.model, dt, n, p, fm.euler)
		for s := range init {
			copy(tr.State(s), init[s])
		}
		for s := range steps {
			op := ops[s]
			switch {
			case op == opDrain && !tr.Drains():
				op = opStep
			case op == opDrainAdd && !tr.Drains():
				op = opAdd
			}
			xBuf := guarded(xOff + n + 9)
			x := xBuf[xOff : xOff+n]
			copy(x, xs[s])
			outBuf := guarded(outOff + n + 9)
			out := outBuf[outOff : outOff+n]
			copy(out, outs[s])
			switch op {
			case opStep:
				tr.Step(x, out)
			case opInPlace:
				tr.Step(x, x)
				out, outBuf = x, nil
			case opAdd:
				tr.StepAddUnchecked(x, out)
			case opDrain, opDrainAdd:
				tr.StepDrainUnchecked(x, out, op == opDrainAdd)
			}
			where := func() string {
				return fmt.Sprintf("path %s, %s (model %d, euler %v), n=%d dt=%v, step %d, op %d", k.name, fm.name, fm.model, fm.euler, n, dt, s, op)
			}
			add := op == opAdd || op == opDrainAdd
			for i, v := range out {
				w := wantOut[s][i]
				if add {
					w = outs[s][i] + w
				}
				if !sameBits(v, w) {
					t.Fatalf("%s: out[%d] = %v (%#08x), want %v (%#08x)\n%s", where(), i, v, math.Float32bits(v), w, math.Float32bits(w),
						describe(p, init, xs, outs, i))
				}
			}
			for c := range wantSt[s] {
				for i, v := range tr.State(c) {
					if w := wantSt[s][c][i]; !sameBits(v, w) {
						t.Fatalf("%s: state %d[%d] = %v (%#08x), want %v (%#08x)\n%s", where(), c, i, v, math.Float32bits(v), w, math.Float32bits(w),
							describe(p, init, xs, outs, i))
					}
				}
			}
			if op != opInPlace {
				for i, v := range x {
					w := math.Float32bits(xs[s][i])
					if op == opDrain || op == opDrainAdd {
						w = 0 // +0
					}
					if math.Float32bits(v) != w {
						t.Fatalf("%s: drive[%d] = %#08x after the step, want %#08x", where(), i, math.Float32bits(v), w)
					}
				}
			}
			checkGuard(t, where, "drive", xBuf, xOff, n)
			checkGuard(t, where, "output", outBuf, outOff, n)
		}
	}
}

// guarded returns an array of n sentinels.
func guarded(n int) []float32 {
	b := make([]float32, n)
	for i := range b {
		b[i] = math.Float32frombits(sentinel32)
	}
	return b
}

// checkGuard fails t if an element of buf outside [off, off+n) is not the
// sentinel.
func checkGuard(t *testing.T, where func() string, what string, buf []float32, off, n int) {
	t.Helper()
	for i, v := range buf {
		if (i < off || i >= off+n) && math.Float32bits(v) != sentinel32 {
			t.Fatalf("%s: wrote element %d of the %s's array, outside [%d, %d)", where(), i, what, off, off+n)
		}
	}
}

// describe lists unit i's parameters, initial states, drives and addends,
// for a failure message.
func describe(p ref.Params, init [][]float32, xs, outs [][]float32, i int) string {
	s := fmt.Sprintf("unit %d: parameters", i)
	for name, v := range p {
		x := v.At(i)
		s += fmt.Sprintf(" %s=%v (%#08x)", name, x, math.Float32bits(x))
	}
	s += "; initial states"
	for _, st := range init {
		s += fmt.Sprintf(" %#08x", math.Float32bits(st[i]))
	}
	for k := range xs {
		s += fmt.Sprintf("; step %d drive %#08x out %#08x", k, math.Float32bits(xs[k][i]), math.Float32bits(outs[k][i]))
	}
	return s
}
