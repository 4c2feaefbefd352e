package soma

import (
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/conformance"
	"github.com/sparkgo/spark/internal/ref"
)

// modelOf returns the model of a seed class.
func modelOf(t *testing.T, class string) model {
	for _, m := range models {
		if m.class == class {
			return m
		}
	}
	t.Fatalf("no soma for the seed class %q", class)
	return model{}
}

// confParams turns a reference run's parameters into config values.
func confParams(run *conformance.Soma) map[string]spark.Param {
	p := map[string]spark.Param{}
	for name, v := range run.ParamValues() {
		if len(v) == 1 {
			p[name] = spark.Uniform(v[0])
		} else {
			p[name] = spark.PerUnit(v)
		}
	}
	return p
}

// confState returns the state array a reference run names, as float32.
func confState(t *testing.T, st ref.State, name string) []float32 {
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
	t.Fatalf("unknown state %q", name)
	return nil
}

// TestConformance runs every soma reference run through the public API on
// every path: teacher-forced, with the run's state written into the
// population's live state before each step, then freely from Reset.
func TestConformance(t *testing.T) {
	names := conformance.SomaFiles()
	if len(names) != 36 {
		t.Fatalf("found %d soma runs, want 36", len(names))
	}
	for _, k := range paths() {
		for _, name := range names {
			t.Run(k.name+"/"+name, func(t *testing.T) {
				using(t, k)
				run, err := conformance.LoadSoma(name)
				if err != nil {
					t.Fatal(err)
				}
				s, _, err := modelOf(t, run.Model).build(run.Units, run.Dt, confParams(run))
				if err != nil {
					t.Fatal(err)
				}
				st := stateOf(s)
				tol := conformance.SomaTolerance(run.Model)
				spikes := spark.NewSpikes(run.Units)

				for name, want := range run.Initial {
					checkClose(t, "initial "+name, confState(t, st, name), want, conformance.Exact)
				}
				for step, sr := range run.Steps {
					for name, v := range run.Before(step) {
						if name == "refractory" {
							for i, x := range v {
								st.R[i] = uint16(x)
							}
							continue
						}
						copy(confState(t, st, name), conformance.Float32s(v))
					}
					s.Step(conformance.Float32s(sr.Current), spikes)
					for name, want := range sr.After {
						checkClose(t, name, confState(t, st, name), want, tol)
					}
					for i, w := range sr.Spikes {
						if spikes.Has(i) != (w == 1) {
							t.Errorf("spike[%d] = %v, want %v", i, spikes.Has(i), w)
						}
					}
					if t.Failed() {
						t.Fatalf("step %d failed", step)
					}
				}

				s.Reset()
				count := 0
				for _, sr := range run.Steps {
					s.Step(conformance.Float32s(sr.Current), spikes)
					count += spikes.Count()
				}
				if d := math.Abs(float64(count - run.SpikeCount)); d > 0.005*float64(run.SpikeCount) {
					t.Errorf("free run: %d spikes, want %d (±0.5%%)", count, run.SpikeCount)
				}
			})
		}
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
