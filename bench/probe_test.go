package main

import (
	"testing"

	"github.com/sparkgo/spark"
)

func BenchmarkProbe(b *testing.B) {
	net, _ := newCUBA(4000, 1, 0.1, 1)
	s := net.shards[0]
	t := 0
	for ; t < 2000; t++ {
		s.step(net, t)
	}
	empty := spark.NewSpikes(net.ne)
	one := spark.NewSpikes(net.ne)
	one.Set(77)
	two := spark.NewSpikes(net.ne)
	b.Run("exc-empty", func(b *testing.B) {
		for range b.N {
			s.ce.Step(empty, s.current)
		}
	})
	b.Run("exc-one-hot", func(b *testing.B) {
		for range b.N {
			s.ce.Step(one, s.current)
		}
	})
	b.Run("exc-rotating", func(b *testing.B) {
		k := 0
		for range b.N {
			two[k/64] = 0
			k = (k + 997) % net.ne
			two.Set(k)
			s.ce.Step(two, s.current)
		}
	})
	b.Run("inh-empty", func(b *testing.B) {
		for range b.N {
			s.ci.StepAdd(spark.NewSpikes(0)[:len(net.inh[0])], s.current)
		}
	})
}
