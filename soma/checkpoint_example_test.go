package soma_test

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/soma"
)

// A population saved mid-run and restored into a fresh one of the same
// config steps on exactly as the original does; one of another config
// refuses the checkpoint, unchanged.
func Example_checkpoint() {
	cfg := soma.AdaptiveExponentialConfig{Units: 3, Dt: 0.1}
	current := []float32{40, 60, 80} // pA
	run, _ := soma.NewAdaptiveExponential(cfg)
	spikes := spark.NewSpikes(3)
	for range 5000 {
		run.Step(current, spikes)
	}

	var saved bytes.Buffer // a file, in a real simulation
	if _, err := run.WriteTo(&saved); err != nil {
		panic(err)
	}
	restored, _ := soma.NewAdaptiveExponential(cfg)
	if _, err := restored.ReadFrom(bytes.NewReader(saved.Bytes())); err != nil {
		panic(err)
	}

	other := spark.NewSpikes(3)
	count := 0
	for range 5000 {
		run.Step(current, spikes)
		restored.Step(current, other)
		if !slices.Equal(spikes, other) {
			panic("the runs differ")
		}
		count += spikes.Count()
	}
	fmt.Println("spikes after the checkpoint, in both runs:", count)
	fmt.Println("same state:", slices.Equal(run.Adaptation(), restored.Adaptation()))

	cfg.AdaptationTau = spark.Uniform(50)
	different, _ := soma.NewAdaptiveExponential(cfg)
	fmt.Println(different.UnmarshalBinary(saved.Bytes()))
	// Output:
	// spikes after the checkpoint, in both runs: 34
	// same state: true
	// spark: restoring a soma.AdaptiveExponential: adaptation_tau = 100 in the checkpoint, 50 here
}
