package main

import (
	"fmt"
	"testing"
)

func BenchmarkProbeShards(b *testing.B) {
	for _, k := range []int{1, 2, 4} {
		b.Run(fmt.Sprint(k), func(b *testing.B) {
			net, _ := newCUBA(40000, k, 0.1, 1)
			t := 0
			for ; t < 1000; t++ {
				for _, s := range net.shards {
					s.step(net, t)
				}
			}
			b.ResetTimer()
			for range b.N {
				for _, s := range net.shards {
					s.step(net, t)
				}
				t++
			}
		})
	}
}
