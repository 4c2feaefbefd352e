package soma_test

import (
	"fmt"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/soma"
)

// A population of 4 leaky units, one with a per-unit threshold, driven for
// 100 ms by constant currents.
func Example() {
	pop, err := soma.NewRefractoryLeaky(soma.RefractoryLeakyConfig{
		Units:     4,
		Dt:        0.1,                                          // ms
		Threshold: spark.PerUnit([]float32{-40, -40, -40, -45}), // mV
	})
	if err != nil {
		panic(err)
	}
	current := []float32{100, 250, 400, 250} // pA
	spikes := spark.NewSpikes(pop.Units())
	count := make([]int, pop.Units())
	for range 1000 {
		pop.Step(current, spikes)
		for _, i := range spikes.AppendIndices(nil) {
			count[i]++
		}
	}
	fmt.Println("spikes per unit:", count)
	fmt.Printf("potential of unit 0: %.2f mV\n", pop.AbsolutePotential(nil)[0])
	// Output:
	// spikes per unit: [0 3 8 8]
	// potential of unit 0: -50.07 mV
}

func ExampleNewLeaky_error() {
	_, err := soma.NewLeaky(soma.LeakyConfig{Units: 100, PotentialTau: spark.Uniform(0)})
	fmt.Println(err)
	// Output: soma.LeakyConfig.PotentialTau = 0: must be finite and > 0
}
