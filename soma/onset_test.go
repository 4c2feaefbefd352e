package soma

import (
	"testing"

	"github.com/sparkgo/spark"
)

// TestOnsets: with the defaults and dt 0.1 ms, a constant current fires a
// unit only above the onset docs/models.md gives for its model (the
// leaky family at (Threshold − PotentialRest)/R = 200 pA, the exponential
// ones at (rh − Δ)/R = 36 pA, AdEx at 46 pA, Izhikevich at 150 pA): 1 pA
// below it a unit is silent through the second second of a 2 s run, 1 pA
// above it fires there. (The first second holds the transients: AdEx,
// whose adaptation builds up over τw = 100 ms, fires twice at 45 pA.)
func TestOnsets(t *testing.T) {
	const dt, steps = 0.1, 20000
	for _, c := range []struct {
		name  string
		onset float32
		pop   func() (interface{ Step([]float32, spark.Spikes) }, error)
	}{
		{"Leaky", 200, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewLeaky(LeakyConfig{Units: 2, Dt: dt})
		}},
		{"RefractoryLeaky", 200, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewRefractoryLeaky(RefractoryLeakyConfig{Units: 2, Dt: dt})
		}},
		{"StrictRefractoryLeaky", 200, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewStrictRefractoryLeaky(StrictRefractoryLeakyConfig{Units: 2, Dt: dt})
		}},
		{"AdaptiveLeaky", 200, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewAdaptiveLeaky(AdaptiveLeakyConfig{Units: 2, Dt: dt})
		}},
		{"Exponential", 36, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewExponential(ExponentialConfig{Units: 2, Dt: dt})
		}},
		{"RefractoryExponential", 36, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewRefractoryExponential(RefractoryExponentialConfig{Units: 2, Dt: dt})
		}},
		{"AdaptiveExponential", 46, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewAdaptiveExponential(AdaptiveExponentialConfig{Units: 2, Dt: dt})
		}},
		{"SimplifiedAdaptiveExponential", 36, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewSimplifiedAdaptiveExponential(SimplifiedAdaptiveExponentialConfig{Units: 2, Dt: dt})
		}},
		{"Izhikevich", 150, func() (interface{ Step([]float32, spark.Spikes) }, error) {
			return NewIzhikevich(IzhikevichConfig{Units: 2, Dt: dt})
		}},
	} {
		p, err := c.pop()
		if err != nil {
			t.Fatal(err)
		}
		cur := []float32{c.onset - 1, c.onset + 1}
		s := spark.NewSpikes(2)
		var fired [2]int
		for k := range steps {
			p.Step(cur, s)
			for i := range fired {
				if k >= steps/2 && s.Has(i) {
					fired[i]++
				}
			}
		}
		if fired[0] != 0 || fired[1] == 0 {
			t.Errorf("%s: %g pA fired %d times in the second second, %g pA %d times; want none below the onset, %g pA, some above",
				c.name, cur[0], fired[0], cur[1], fired[1], c.onset)
		}
	}
}
