package ref_test

import (
	"math"
	"testing"

	"github.com/sparkgo/spark/internal/conformance"
	"github.com/sparkgo/spark/internal/ref"
)

// newState allocates every state array for n units.
func newState(n int) ref.State {
	return ref.State{
		V: make([]float32, n), R: make([]uint16, n), Theta: make([]float32, n),
		W: make([]float32, n), U: make([]float32, n),
	}
}

// stateVar returns the state array a reference run names, as float32.
func stateVar(st ref.State, name string) []float32 {
	switch name {
	case "potential":
		return st.V
	case "threshold":
		return st.Theta
	case "adaptation":
		return st.W
	case "recovery":
		return st.U
	case "refractory":
		out := make([]float32, len(st.R))
		for i, r := range st.R {
			out[i] = float32(r)
		}
		return out
	}
	panic("unknown state " + name)
}

// setState sets the state a reference run gives.
func setState(t *testing.T, st ref.State, vals map[string][]conformance.Num) {
	for name, v := range vals {
		switch name {
		case "potential":
			copy(st.V, conformance.Float32s(v))
		case "threshold":
			copy(st.Theta, conformance.Float32s(v))
		case "adaptation":
			copy(st.W, conformance.Float32s(v))
		case "recovery":
			copy(st.U, conformance.Float32s(v))
		case "refractory":
			for i, x := range v {
				st.R[i] = uint16(x)
			}
		default:
			t.Fatalf("unknown state %q", name)
		}
	}
}

func refParams(run *conformance.Soma) ref.Params {
	p := ref.Params{}
	for k, v := range run.ParamValues() {
		p[k] = v
	}
	return p
}

// TestSomaConformance runs every soma reference run through the reference,
// teacher-forced one step at a time, then freely from the initial state.
func TestSomaConformance(t *testing.T) {
	names := conformance.SomaFiles()
	if len(names) != 36 {
		t.Fatalf("found %d soma runs, want 36 (9 models × uniform/per-unit × 2 time steps)", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			run, err := conformance.LoadSoma(name)
			if err != nil {
				t.Fatal(err)
			}
			build, ok := ref.Somas[run.Model]
			if !ok {
				t.Fatalf("no reference model %q", run.Model)
			}
			m := build(run.Dt, refParams(run))
			tol := conformance.SomaTolerance(run.Model)
			st, spikes := newState(run.Units), make([]bool, run.Units)

			// The initial state is what Init gives.
			m.Init(st)
			for k, want := range run.Initial {
				checkClose(t, "initial "+k, stateVar(st, k), want, conformance.Exact)
			}

			for step, s := range run.Steps {
				setState(t, st, run.Before(step))
				m.Step(st, conformance.Float32s(s.Current), spikes)
				for k, want := range s.After {
					checkClose(t, k, stateVar(st, k), want, tol)
				}
				for i, sp := range spikes {
					if sp != (s.Spikes[i] == 1) {
						t.Fatalf("step %d unit %d: spike %v, want %d", step, i, sp, s.Spikes[i])
					}
				}
				if t.Failed() {
					t.Fatalf("step %d failed", step)
				}
			}

			m.Init(st)
			count := 0
			for _, s := range run.Steps {
				m.Step(st, conformance.Float32s(s.Current), spikes)
				for _, sp := range spikes {
					if sp {
						count++
					}
				}
			}
			if d := math.Abs(float64(count - run.SpikeCount)); d > 0.005*float64(run.SpikeCount) {
				t.Errorf("free run: %d spikes, want %d (±0.5%%)", count, run.SpikeCount)
			}
		})
	}
}

func checkClose(t *testing.T, what string, got []float32, want []conformance.Num, tol conformance.Tolerance) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if w := float32(want[i]); !tol.Close(got[i], w) {
			t.Errorf("%s[%d] = %v, want %v (tolerance %+v)", what, i, got[i], w, tol)
		}
	}
}
