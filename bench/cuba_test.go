package main

import "testing"

// BenchmarkCUBA times one step of the 4000-unit CUBA network, one thread,
// phase by phase and whole (ns/op is per step).
func BenchmarkCUBA(b *testing.B) {
	net, err := newCUBA(4000, 1, 0.1, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := net.shards[0]
	// Warm up into the asynchronous irregular regime first.
	for range 2000 {
		s.synapses(net)
		s.somas()
		net.gather()
	}
	b.Run("step", func(b *testing.B) {
		for range b.N {
			s.synapses(net)
			s.somas()
			net.gather()
		}
	})
	b.Run("exc", func(b *testing.B) {
		for range b.N {
			s.ce.Step(net.exc, s.current)
		}
	})
	b.Run("inh", func(b *testing.B) {
		for range b.N {
			s.ci.StepAdd(net.inh, s.current)
		}
	})
	b.Run("soma", func(b *testing.B) {
		for range b.N {
			s.somas()
		}
	})
}
