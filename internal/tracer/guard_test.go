package tracer

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestGuardPages runs every trace model on every path with the caller's
// drive x and output out each against a guard page at its end and at its
// start (testutil.Region), in every combination: Step(x, out), Step in
// place (out = x), and, where the model and path have them,
// StepAddUnchecked and StepDrainUnchecked with and without add. A kernel
// that touches an element past either end faults and is reported naming
// the call, model, path, size and placements; every result is also
// compared with the reference, bit for bit. The states are the engine's
// own, padded to whole blocks, and not guarded. Sizes 1 to 300 and a few
// larger (fewer with -short), uniform and per-unit parameters.
func TestGuardPages(t *testing.T) {
	sizes := testutil.GuardLengths(1) // every caller has at least one trace
	maxN := slices.Max(sizes)
	xr := testutil.NewRegion[float32](t, maxN)
	or := testutil.NewRegion[float32](t, maxN)
	var calls, faults, mismatches int
	for _, k := range paths() {
		for _, name := range slices.Sorted(maps.Keys(ByName)) {
			m := ByName[name]
			t.Run(k.name+"/"+name, func(t *testing.T) {
				using(t, k)
				r := rng(0xbb67ae8584caa73b)
				errs := 0
				report := func(format string, args ...any) {
					if errs++; errs <= 5 {
						t.Errorf(format, args...)
					}
				}
				x, out, wantOut := make([]float32, maxN), make([]float32, maxN), make([]float32, maxN)
				draw := func(v []float32) {
					for i := range v {
						v[i] = r.Uniform(-50, 50)
						if r.Next()%50 == 0 {
							v[i] = specials[r.Next()%uint64(len(specials))]
						}
					}
				}
				for _, n := range sizes {
				params:
					for _, perUnit := range []bool{false, true} {
						p := params(&r, name, n, perUnit)
						tr := New("trace.Test", m, 0.5, n, p, false)
						rm := ref.Traces[name](0.5, p)
						want := make([][]float32, rm.States())
						for s := range want {
							want[s] = make([]float32, n)
						}
						rm.Init(want)
						// The calls: how each uses x and out.
						type call struct {
							name       string
							add, drain bool // out is added to; x is drained
							inPlace    bool // out is x
							run        func(x, out []float32)
						}
						cs := []call{
							{name: "Step", run: tr.Step},
							{name: "Step in place", inPlace: true, run: tr.Step},
							{name: "StepAddUnchecked", add: true, run: tr.StepAddUnchecked},
						}
						if tr.Drains() {
							cs = append(cs,
								call{name: "StepDrainUnchecked", drain: true, run: func(x, out []float32) { tr.StepDrainUnchecked(x, out, false) }},
								call{name: "StepDrainUnchecked add", add: true, drain: true, run: func(x, out []float32) { tr.StepDrainUnchecked(x, out, true) }})
						}
						for _, c := range cs {
							ps := testutil.Placements(2)
							if c.inPlace {
								ps = testutil.Placements(1)
							}
							for _, pl := range ps {
								xs, ov := x[:n], out[:n]
								draw(xs)
								draw(ov)
								gx := xr.Copy(xs, pl[0])
								gout := gx
								where := fmt.Sprintf("%s path %s n=%d perUnit=%v: %s(x %v", name, k.name, n, perUnit, c.name, pl[0])
								if !c.inPlace {
									gout = or.Copy(ov, pl[1])
									where += fmt.Sprintf(", out %v)", pl[1])
								} else {
									where += " = out)"
								}
								calls++
								if f := testutil.CatchFault(func() { c.run(gx, gout) }); f != nil {
									faults++
									report("%s: %v", where, f)
									continue params // the state is half stepped
								}
								wo := wantOut[:n]
								rm.Step(want, xs, wo)
								if c.add {
									for i := range wo {
										wo[i] = ov[i] + wo[i]
									}
								}
								d := diff("out", gout, wo)
								if d == "" {
									for s := range want {
										if d = diff(fmt.Sprintf("state %d", s), tr.State(s), want[s]); d != "" {
											break
										}
									}
								}
								switch {
								case d != "":
								case c.drain:
									for i, v := range gx {
										if math.Float32bits(v) != 0 {
											d = fmt.Sprintf("x[%d] = %v after a drain, want +0", i, v)
											break
										}
									}
								case !c.inPlace:
									d = diff("x (an input)", gx, xs)
								}
								if d != "" {
									mismatches++
									report("%s: %s", where, d)
									continue params
								}
							}
						}
					}
				}
			})
		}
	}
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}

// diff describes the first element where got and want differ, bit for bit
// (any NaN matching any NaN), or returns "".
func diff(what string, got, want []float32) string {
	for i := range want {
		if !sameBits(got[i], want[i]) {
			return fmt.Sprintf("%s[%d] = %v (%#08x), want %v (%#08x)", what, i,
				got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
	return ""
}
