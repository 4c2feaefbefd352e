package soma_test

import (
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/lockstep"
	"github.com/sparkgo/spark/soma"
)

// Two goroutines step the two halves of one population in lockstep, each
// its own block-aligned range of units, on the population's one current
// and one spike set; the result is Step's on one goroutine, bit for bit.
func Example_stepRange() {
	const n = 1000 // 15 blocks of 64 units and a partial one
	cfg := soma.LeakyConfig{Units: n, Dt: 0.1}
	sharded, err := soma.NewLeaky(cfg)
	if err != nil {
		panic(err)
	}
	whole, _ := soma.NewLeaky(cfg)
	current := make([]float32, n)
	for i := range current {
		current[i] = float32(i) // pA
	}
	spikes, want := spark.NewSpikes(n), spark.NewSpikes(n)

	// Shard 0 steps units [0, 512), shard 1 units [512, 1000).
	cut := []int{0, 512, n}
	team := lockstep.New(2, func(shard, step int) {
		sharded.StepRange(cut[shard], cut[shard+1], current, spikes)
	})
	defer team.Close()

	same := true
	count := make([]int, 2)
	var fired []int
	for t := range 1000 { // 100 ms
		team.Step(t) // returns when both shards have stepped
		whole.Step(current, want)
		same = same && slices.Equal(spikes, want)
		fired = spikes.AppendIndices(fired[:0])
		for _, i := range fired {
			count[i/512]++
		}
	}
	same = same && slices.Equal(sharded.Potential(), whole.Potential())
	fmt.Println("spikes per shard:", count)
	fmt.Println("same as Step:", same)
	// Output:
	// spikes per shard: [2743 13860]
	// same as Step: true
}
