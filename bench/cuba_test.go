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
// not fill whole spike words.
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
}
