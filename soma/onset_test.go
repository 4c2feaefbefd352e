package soma

import (
	"testing"

	"github.com/sparkgo/spark"
)

// onsets are the constant currents (pA) from which each soma fires with
// its defaults at dt 0.1 ms, as docs/models.md gives them: the leaky family
// at (Threshold − PotentialRest)/R = 200 pA, the exponential ones at
// (rh − Δ)/R = 36 pA, AdEx at 46 pA, Izhikevich at 150 pA.
var onsets = map[string]float32{
	"LeakySoma": 200, "RefractoryLeakySoma": 200, "StrictRefractoryLeakySoma": 200, "AdaptiveLeakySoma": 200,
	"ExponentialSoma": 36, "RefractoryExponentialSoma": 36, "AdaptiveExponentialSoma": 46,
	"SimplifiedAdaptiveExponentialSoma": 36, "IzhikevichSoma": 150,
}

// TestOnsets: on every path, 1 pA below its onset a unit is silent through
// the second second of a 2 s run, 1 pA above it fires there. (The first
// second holds the transients: AdEx, whose adaptation builds up over
// τw = 100 ms, fires twice at 45 pA.)
func TestOnsets(t *testing.T) {
	const dt, steps = 0.1, 20000
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			onset, ok := onsets[m.class]
			if !ok {
				t.Fatalf("%s: no onset in docs/models.md's table", m.class)
			}
			p, _, err := m.build(2, dt, nil)
			if err != nil {
				t.Fatal(err)
			}
			cur := []float32{onset - 1, onset + 1}
			s := spark.NewSpikes(2)
			var fired [2]int
			for step := range steps {
				p.Step(cur, s)
				for i := range fired {
					if step >= steps/2 && s.Has(i) {
						fired[i]++
					}
				}
			}
			if fired[0] != 0 || fired[1] == 0 {
				t.Errorf("%s, %s: %g pA fired %d times in the second second, %g pA %d times; want none below the onset, %g pA, some above",
					k.name, m.class, cur[0], fired[0], cur[1], fired[1], onset)
			}
		}
	}
}
