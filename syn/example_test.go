package syn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/soma"
	"github.com/sparkgo/spark/syn"
)

// A small network, composed as a simulator would: 200 Poisson-like input
// units drive 100 leaky units through traced synapses; the leaky units'
// spikes, as the soma writes them, drive 50 more through a second synapse
// population with some inhibitory units. One simulated second at dt 0.1 ms.
func Example_network() {
	const dt, steps = 0.1, 10000
	const in, hidden, out = 200, 100, 50
	r := rand.New(rand.NewPCG(1, 2))

	input, err := syn.NewTracedSynapses(syn.TracedSynapsesConfig{
		LinearSynapsesConfig: syn.LinearSynapsesConfig{
			Post: hidden, Pre: in,
			Init: syn.SparseUniform(0, 80, 0.2, 1), // pA
		},
		Dt:  dt,
		Tau: spark.Uniform(5), // ms
	})
	if err != nil {
		panic(err)
	}
	layer1, err := soma.NewRefractoryLeaky(soma.RefractoryLeakyConfig{Units: hidden, Dt: dt})
	if err != nil {
		panic(err)
	}
	inhibitory := make([]bool, hidden)
	for i := range 20 {
		inhibitory[i] = true
	}
	recurrent, err := syn.NewRDTracedSynapses(syn.RDTracedSynapsesConfig{
		LinearSynapsesConfig: syn.LinearSynapsesConfig{
			Post: out, Pre: hidden,
			Init:       syn.Uniform(0, 200, 2),
			Inhibitory: inhibitory,
		},
		Dt: dt,
	})
	if err != nil {
		panic(err)
	}
	layer2, err := soma.NewLeaky(soma.LeakyConfig{Units: out, Dt: dt})
	if err != nil {
		panic(err)
	}

	// The state of the network between steps: spikes and currents.
	inSpikes, s1, s2 := spark.NewSpikes(in), spark.NewSpikes(hidden), spark.NewSpikes(out)
	i1, i2 := make([]float32, hidden), make([]float32, out)
	var n0, n1, n2 int
	for range steps {
		inSpikes.Clear() // 20 Hz Poisson-like input
		for j := range in {
			if r.Float64() < 20*dt/1000 {
				inSpikes.Set(j)
			}
		}
		input.Step(inSpikes, i1)
		layer1.Step(i1, s1)
		recurrent.Step(s1, i2)
		layer2.Step(i2, s2)
		n0, n1, n2 = n0+inSpikes.Count(), n1+s1.Count(), n2+s2.Count()
	}
	fmt.Printf("input %d spikes, layer 1 %d, layer 2 %d\n", n0, n1, n2)
	// Output:
	// input 4029 spikes, layer 1 688, layer 2 286
}
