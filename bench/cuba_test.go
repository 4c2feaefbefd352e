package main

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
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
	b.Run("exc", func(b *testing.B) {
		exc := net.exc[(t+1)%2]
		for range b.N {
			s.ce.Step(exc, s.current)
		}
	})
	b.Run("inh", func(b *testing.B) {
		inh := net.inh[(t+1)%2]
		for range b.N {
			s.ci.StepAdd(inh, s.current)
		}
	})
	b.Run("soma", func(b *testing.B) {
		for range b.N {
			s.somas(t)
		}
	})
}

// TestCUBAThreads checks that sharding changes nothing: the same spikes with
// one, two and three shards, at a size whose excitatory units do not fill
// whole spike words.
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
			net.splitSpikes(step)
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
}
