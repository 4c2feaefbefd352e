package soma

import (
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/conformance"
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
					conformance.Check(t, "initial "+name, st, name, want, conformance.Exact)
				}
				for step, sr := range run.Steps {
					if err := conformance.Set(st, run.Before(step)); err != nil {
						t.Fatal(err)
					}
					s.Step(conformance.Float32s(sr.Current), spikes)
					for name, want := range sr.After {
						conformance.Check(t, name, st, name, want, tol)
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
