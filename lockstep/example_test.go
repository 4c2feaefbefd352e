package lockstep_test

import (
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/lockstep"
	"github.com/sparkgo/spark/soma"
)

// One population of 256 leaky units stepped in four shards of 64 units,
// each its own range of the population (StepRange), on up to four
// goroutines in lockstep: the spikes are those of Step on one goroutine.
// A shard's spike count is its own, written by one goroutine only, and
// read once the run has returned.
func ExampleTeam_Run() {
	const units, shards, steps = 256, 4, 1000
	pop, err := soma.NewLeaky(soma.LeakyConfig{Units: units, Dt: 0.1})
	if err != nil {
		panic(err)
	}
	one, _ := soma.NewLeaky(soma.LeakyConfig{Units: units, Dt: 0.1}) // the same, on one goroutine
	current := make([]float32, units)
	for i := range current {
		current[i] = 2 * float32(i) // pA: from silent to fast
	}
	spikes := spark.NewSpikes(units)
	var count [shards]int
	team := lockstep.New(shards, func(s, step int) {
		lo, hi := s*units/shards, (s+1)*units/shards
		pop.StepRange(lo, hi, current, spikes)
		for i := lo; i < hi; i++ {
			if spikes.Has(i) {
				count[s]++
			}
		}
	})
	defer team.Close()
	team.Run(0, steps)
	fmt.Println("spikes per shard:", count)

	alone := spark.NewSpikes(units)
	var total int
	for range steps {
		one.Step(current, alone)
		total += alone.Count()
	}
	fmt.Println("the same as Step:", total == count[0]+count[1]+count[2]+count[3] && slices.Equal(one.Potential(), pop.Potential()))
	// Output:
	// spikes per shard: [0 64 450 853]
	// the same as Step: true
}
