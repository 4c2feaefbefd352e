package tracer

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// paths are the implementations this machine can run.
func paths() []*kernels { return all }

// TestPathsCovered fails when this build and CPU run a path whose kernels
// tracer lists but its tests would not run, or a path tracer has assembly
// kernels of this architecture for but none of that path, and checks that
// every call runs the path the cpu package selected (the portable kernels
// where tracer has none of it).
// See testutil.CoverPaths.
func TestPathsCovered(t *testing.T) {
	testutil.CoverPaths(t, "tracer", func(k *kernels) cpu.Path { return k.path }, archKernels(), paths(), impl)
}

// using makes the rest of the test run the kernels k.
func using(t testing.TB, k *kernels) { testutil.Set(t, &impl, k) }

// rng is the tests' generator, the same sequence everywhere.
type rng = testutil.Rng

var specials = []float32{
	float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	math.Float32frombits(1), math.MaxFloat32, float32(math.Copysign(0, -1)),
}

// params draws every parameter of a model, uniform or per unit.
func params(r *rng, model string, n int, perUnit bool) ref.Params {
	p := ref.Params{}
	for _, f := range ref.TraceParams[model] {
		draw := func() float32 {
			switch {
			case f.Name == "alpha":
				return r.Uniform(0, 1)
			case f.Name[:3] == "tau":
				return f.Default * r.Uniform(0.3, 3)
			}
			return r.Uniform(-2, 2)
		}
		if !perUnit {
			p[f.Name] = ref.P{draw()}
			continue
		}
		v := make(ref.P, n)
		for i := range v {
			v[i] = draw()
		}
		p[f.Name] = v
	}
	return p
}

func sameBits(x, y float32) bool {
	return x != x && y != y || math.Float32bits(x) == math.Float32bits(y)
}

// TestPathsMatchReference runs every trace model on every path against the
// reference, bit for bit, on every size from 1 to 300 and some larger, with
// NaN, ±Inf and subnormal drives and states, output in place, apart and
// added (StepAdd), and with the drive drained where the path can.
func TestPathsMatchReference(t *testing.T) {
	sizes := []int{1, 2, 3, 63, 64, 65, 200, 4099}
	if !testing.Short() {
		sizes = sizes[:0]
		for n := 1; n <= 300; n++ {
			sizes = append(sizes, n)
		}
		sizes = append(sizes, 1000, 4099)
	}
	for _, k := range paths() {
		for name, m := range ByName {
			t.Run(k.name+"/"+name, func(t *testing.T) {
				using(t, k)
				r := rng(42)
				for _, n := range sizes {
					for _, perUnit := range []bool{false, true} {
						p := params(&r, name, n, perUnit)
						tr := New("trace.Test", m, 0.5, n, p, false)
						rm := ref.Traces[name](0.5, p)
						want := make([][]float32, rm.States())
						for s := range want {
							want[s] = make([]float32, n)
						}
						rm.Init(want)
						for s := range want {
							if !slices.Equal(tr.State(s), want[s]) {
								t.Fatalf("n=%d: initial state %d differs", n, s)
							}
						}
						x, out, wantOut := make([]float32, n), make([]float32, n), make([]float32, n)
						for step := range 6 {
							for i := range x {
								x[i] = r.Uniform(-50, 50)
								if r.Next()%50 == 0 {
									x[i] = specials[r.Next()%uint64(len(specials))]
								}
							}
							rm.Step(want, x, wantOut)
							add := step == 2 || step == 4
							if add {
								for i := range out {
									out[i] = r.Uniform(-50, 50)
									if r.Next()%50 == 0 {
										out[i] = specials[r.Next()%uint64(len(specials))]
									}
									wantOut[i] = out[i] + wantOut[i]
								}
							}
							switch {
							case step >= 3 && step <= 4 && tr.Drains():
								xd := slices.Clone(x)
								tr.StepDrainUnchecked(xd, out, add)
								for i, v := range xd {
									if math.Float32bits(v) != 0 {
										t.Fatalf("n=%d step %d: drive[%d] = %v after a drain, want +0", n, step, i, v)
									}
								}
							case add:
								tr.StepAddUnchecked(x, out)
							case step == 1:
								copy(out, x)
								tr.Step(out, out) // in place
							default:
								tr.Step(x, out)
							}
							where := fmt.Sprintf("n=%d perUnit=%v step %d", n, perUnit, step)
							for i := range out {
								if !sameBits(out[i], wantOut[i]) {
									t.Fatalf("%s: out[%d] = %v, want %v", where, i, out[i], wantOut[i])
								}
							}
							for s := range want {
								for i, v := range tr.State(s) {
									if !sameBits(v, want[s][i]) {
										t.Fatalf("%s: state %d[%d] = %v, want %v", where, s, i, v, want[s][i])
									}
								}
							}
						}
					}
				}
			})
		}
	}
}

func TestStepPanics(t *testing.T) {
	tr := New("trace.Tracer", Single, 1, 5, ref.Params{"tau": {5}, "scale": {1}, "base": {3}}, false)
	for _, c := range [][2]int{{4, 5}, {5, 6}, {0, 0}} {
		x, out := make([]float32, c[0]), make([]float32, c[1])
		func() {
			defer func() {
				want := fmt.Sprintf("trace.Tracer.Step: len(x) = %d, len(out) = %d, want Units = 5", c[0], c[1])
				if r := recover(); r != want {
					t.Errorf("panic %v, want %q", r, want)
				}
			}()
			tr.Step(x, out)
		}()
		for _, v := range tr.State(0) {
			if v != 3 {
				t.Fatal("a refused Step changed the state")
			}
		}
	}
}

func TestStepAllocates(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for name, m := range ByName {
			for _, perUnit := range []bool{false, true} {
				r := rng(1)
				tr := New(name, m, 1, 1000, params(&r, name, 1000, perUnit), false)
				x, out := make([]float32, 1000), make([]float32, 1000)
				steps := map[string]func(){
					"Step":    func() { tr.Step(x, x) },
					"StepAdd": func() { tr.StepAddUnchecked(x, out) },
				}
				if tr.Drains() {
					steps["StepDrain"] = func() { tr.StepDrainUnchecked(x, out, false) }
					steps["StepDrain add"] = func() { tr.StepDrainUnchecked(x, out, true) }
				}
				for what, f := range steps {
					if a := testing.AllocsPerRun(20, f); a != 0 {
						t.Errorf("%s %s perUnit=%v %s: %v allocations per call", k.name, name, perUnit, what, a)
					}
				}
			}
		}
	}
}

// TestForwardEuler: the Double tracer's euler option uses λ = dt/τ.
func TestForwardEuler(t *testing.T) {
	p := ref.Params{"tau_1": {4}, "scale_1": {1}, "base_1": {0}, "tau_2": {8}, "scale_2": {1}, "base_2": {0}}
	tr := New("trace.DoubleTracer", Double, 1, 1, p, true)
	tr.State(0)[0] = 1
	out := make([]float32, 1)
	tr.Step([]float32{0}, out)
	if t1 := tr.State(0)[0]; t1 != 0.75 { // 1 + (1/4)·(0 − 1)
		t.Errorf("T1 = %v, want 0.75", t1)
	}
	if out[0] != 0.75 { // 0 + (1/8)·(0 − 0) + 1·0.75
		t.Errorf("T2 = %v, want 0.75", out[0])
	}
}
