package main

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
)

// BenchmarkCUBA times one step of the 4000-unit CUBA network, one thread,
// phase by phase and whole (ns/op is per step).
func BenchmarkCUBA(b *testing.B) {
	net, err := newCUBA(4000, 1, 0.1, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := net.shards[0]
	// Warm up into the asynchronous irregular regime first.
	t := 0
	for ; t < 2000; t++ {
		s.step(net, t)
	}
	b.Run("step", func(b *testing.B) {
		for range b.N {
			s.step(net, t)
			t++
		}
	})
	// The phases repeat the last step's inputs.
	b.Run("exc", func(b *testing.B) {
		for range b.N {
			s.ce.StepIndices(s.exc, s.current)
		}
	})
	b.Run("inh", func(b *testing.B) {
		for range b.N {
			s.ci.StepAddIndices(s.inh, s.current)
		}
	})
	b.Run("soma", func(b *testing.B) {
		for range b.N {
			s.somas()
		}
	})
}

// TestCUBAThreads checks that sharding changes nothing: the same spikes with
// one, two and three shards, at a size whose shards and excitatory units do
// not fill whole spike words, and the same as stepping the synapses from
// spike words instead of the shards' lists.
func TestCUBAThreads(t *testing.T) {
	run := func(threads int) string {
		net, err := newCUBA(1000, threads, 0.1, 7)
		if err != nil {
			t.Fatal(err)
		}
		for step := range 500 {
			for _, s := range net.shards {
				s.step(net, step)
			}
		}
		var all []rasterSpike
		for _, s := range net.shards {
			all = append(all, s.raster...)
		}
		slices.SortFunc(all, func(a, b rasterSpike) int {
			return cmp.Or(cmp.Compare(a.step, b.step), cmp.Compare(a.unit, b.unit))
		})
		if len(all) == 0 {
			t.Fatalf("%d shards: no spikes", threads)
		}
		return fmt.Sprint(all)
	}
	one := run(1)
	for _, n := range []int{2, 3} {
		if got := run(n); got != one {
			t.Errorf("%d shards: spikes differ from one shard", n)
		}
	}

	// The same network stepped without the shards' lists: each step's
	// spike words split into the excitatory and inhibitory inputs of
	// Step and StepAdd.
	net, err := newCUBA(1000, 1, 0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	s := net.shards[0]
	exc, inh := spark.NewSpikes(net.ne), spark.NewSpikes(net.ni)
	var all []rasterSpike
	for step := range 500 {
		s.ce.Step(exc, s.current)
		s.ci.StepAdd(inh, s.current)
		s.pop.Step(s.current, s.spikes)
		exc.Clear()
		inh.Clear()
		for _, j := range s.spikes.AppendIndices(nil) {
			all = append(all, rasterSpike{int32(step), int32(j)})
			if j < net.ne {
				exc.Set(j)
			} else {
				inh.Set(j - net.ne)
			}
		}
	}
	if got := fmt.Sprint(all); got != one {
		t.Errorf("stepped from spike words: spikes differ from the shards' lists")
	}
}
