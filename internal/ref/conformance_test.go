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
				conformance.Check(t, "initial "+k, st, k, want, conformance.Exact)
			}

			for step, s := range run.Steps {
				if err := conformance.Set(st, run.Before(step)); err != nil {
					t.Fatal(err)
				}
				m.Step(st, conformance.Float32s(s.Current), spikes)
				for k, want := range s.After {
					conformance.Check(t, k, st, k, want, tol)
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
