package main

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCUBAShards times the CUBA network of 40,000 units cut into 1,
// 2 and 16 shards, all stepped on one goroutine (ns/op is per step), and
// reports its phases per step as run times them: the work that sharding
// adds, which caps what threads can gain.
//
//	go test ./bench -run '^$' -bench CUBAShards
func BenchmarkCUBAShards(b *testing.B) {
	for _, shards := range []int{1, 2, 16} {
		b.Run(fmt.Sprintf("n=40000/shards=%d", shards), func(b *testing.B) {
			net, err := newCUBA(40000, shards, 0.1, 1)
			if err != nil {
				b.Fatal(err)
			}
			// run steps from step 0: runs of an even number of steps
			// keep the shards' lists in turn, and the recorders are
			// emptied between runs, as a run of a simulated second
			// would have them.
			const chunk = 1 << 12
			var syn, soma, spike time.Duration
			steps := 0
			for left := b.N + 2*chunk; left > 0; left -= chunk {
				if left == b.N {
					b.ResetTimer()
					syn, soma, spike, steps = 0, 0, 0, 0
				}
				n := min(chunk, left+left%2)
				s0, s1, s2, _ := net.run(n, 1, false)
				syn, soma, spike, steps = syn+s0, soma+s1, spike+s2, steps+n
				b.StopTimer()
				for _, s := range net.shards {
					s.raster.Reset()
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(syn.Nanoseconds())*64/float64(steps), "syn-ns/step")
			b.ReportMetric(float64(soma.Nanoseconds())*64/float64(steps), "soma-ns/step")
			b.ReportMetric(float64(spike.Nanoseconds())*64/float64(steps), "spike-ns/step")
		})
	}
}
