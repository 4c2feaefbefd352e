package record_test

import (
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/record"
	"github.com/sparkgo/spark/soma"
)

// Four leaky units driven by constant currents for 100 ms, their spikes
// recorded at every step.
func ExampleSpikes() {
	pop, err := soma.NewLeaky(soma.LeakyConfig{Units: 4, Dt: 0.1})
	if err != nil {
		panic(err)
	}
	current := []float32{100, 250, 400, 550} // pA
	spikes := spark.NewSpikes(pop.Units())
	rec := record.NewSpikes(pop.Units(), 0)
	rec.Grow(100) // room for 100 spikes: no allocation until then
	const steps = 1000
	for t := range steps {
		pop.Step(current, spikes)
		rec.Record(t, spikes)
	}
	fmt.Println("spikes:", rec.Len())
	fmt.Println("first:", rec.All()[:3])
	fmt.Println("per unit:", rec.Counts(nil, 0, steps))
	fmt.Printf("mean rate: %.0f Hz\n", rec.Rate(0, steps, pop.Dt()))
	// Output:
	// spikes: 33
	// first: [{90 3} {138 2} {141 3}]
	// per unit: [0 4 11 18]
	// mean rate: 82 Hz
}

// The potential of two units of the same population sampled every
// millisecond (10 steps) for 5 ms.
func ExampleSampler() {
	pop, err := soma.NewLeaky(soma.LeakyConfig{Units: 4, Dt: 0.1})
	if err != nil {
		panic(err)
	}
	current := []float32{100, 250, 400, 550} // pA
	spikes := spark.NewSpikes(pop.Units())
	s := record.NewSampler([]int{0, 3}, 10, 5)
	for t := range 100 {
		s.Sample(t, pop.Potential()) // the state before step t
		pop.Step(current, spikes)
	}
	fmt.Println("times (ms):", s.Times(nil, pop.Dt()))
	fmt.Printf("unit 0 (mV above rest): %.2f\n", s.Series(nil, 0))
	fmt.Printf("unit 3 (mV above rest): %.2f\n", s.Series(nil, 1))
	fmt.Println("full:", s.Full())
	// Output:
	// times (ms): [0 1 2 3 4]
	// unit 0 (mV above rest): [0.00 0.49 0.95 1.39 1.81]
	// unit 3 (mV above rest): [0.00 2.68 5.23 7.66 9.97]
	// full: true
}

// A population of 200 units stepped as two shards, units [0, 128) and
// [128, 200), each with its own recorder; Merge puts their spikes back in
// the order of one recorder of the whole population.
func ExampleMerge() {
	current := make([]float32, 200)
	for i := range current {
		current[i] = 200 + float32(i) // pA
	}
	whole := record.NewSpikes(200, 0)
	var parts []*record.Spikes
	for _, sh := range [][2]int{{0, 128}, {128, 200}} {
		lo, hi := sh[0], sh[1]
		pop, err := soma.NewLeaky(soma.LeakyConfig{Units: hi - lo, Dt: 0.1})
		if err != nil {
			panic(err)
		}
		spikes := spark.NewSpikes(hi - lo)
		rec := record.NewSpikes(hi-lo, lo) // local unit i is unit lo+i
		for t := range 500 {
			pop.Step(current[lo:hi], spikes)
			rec.Record(t, spikes)
		}
		parts = append(parts, rec)
	}
	pop, _ := soma.NewLeaky(soma.LeakyConfig{Units: 200, Dt: 0.1})
	spikes := spark.NewSpikes(200)
	for t := range 500 {
		pop.Step(current, spikes)
		whole.Record(t, spikes)
	}
	m := record.Merge(parts...)
	fmt.Println("spikes:", parts[0].Len(), "+", parts[1].Len(), "=", m.Len())
	fmt.Println("units:", m.Offset(), "to", m.Offset()+m.Units())
	fmt.Println("same as one recorder:", slices.Equal(m.All(), whole.All()))
	// Output:
	// spikes: 208 + 291 = 499
	// units: 0 to 200
	// same as one recorder: true
}
