package soma

import (
	"fmt"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// BenchmarkStep times one Step of every soma at its default parameters, on
// every path and on the reference, at an L1/L2-resident size and a DRAM
// size:
//
//	go test ./soma -run '^$' -bench Step
//
// The "updates/s" metric is units stepped per second.
func BenchmarkStep(b *testing.B) {
	for _, m := range models {
		for _, n := range []int{4096, 1 << 24} {
			in := make([]float32, n)
			r := rng(1)
			for i := range in {
				in[i] = r.Uniform(0, 300)
			}
			for _, k := range paths() {
				b.Run(fmt.Sprintf("%s/%s/n=%d", m.class, k.name, n), func(b *testing.B) {
					using(b, k)
					s, _ := mustBuild(b, m, n, 0.1, nil)
					spikes := spark.NewSpikes(n)
					for b.Loop() {
						s.Step(in, spikes)
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
				})
			}
			b.Run(fmt.Sprintf("%s/ref/n=%d", m.class, n), func(b *testing.B) {
				_, rm := mustBuild(b, m, n, 0.1, nil)
				st, spikes := cloneState(ref.State{}, n), make([]bool, n)
				rm.Init(st)
				for b.Loop() {
					rm.Step(st, in, spikes)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
			})
		}
	}
}
