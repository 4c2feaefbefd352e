package syn

import (
	"fmt"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// BenchmarkStep times one Step of TracedSynapses on every path and on the
// reference: synchronous spikes (event-driven, 16 of 1024 presynaptic units
// spiking into 4096 post units) and asynchronous ones (1024×1024
// connections, 1.6% spiking), binary16 and float32 kernels:
//
//	go test ./syn -run '^$' -bench Step
//
// "rows/s" counts the spikes' rows added (synchronous) or the post units
// summed (asynchronous) per second.
func BenchmarkStep(b *testing.B) {
	for _, c := range []struct {
		name      string
		post, pre int
		async     bool
	}{{"sync", 4096, 1024, false}, {"async", 1024, 1024, true}} {
		for _, f32 := range []bool{false, true} {
			kind := "f16"
			if f32 {
				kind = "f32"
			}
			cfg := LinearSynapsesConfig{Post: c.post, Pre: c.pre, Init: Uniform(-10, 10, 1), Float32: f32, AsyncSpikes: c.async}
			spikes := spark.NewSpikes(c.pre)
			if c.async {
				spikes = AsyncSpikes(c.post, c.pre)
			}
			r := rng(3)
			flags := make([]bool, 0, len(spikes)*64)
			for k := range spikes {
				spikes[k] = r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() // 1/64 of the bits
			}
			rows := spikes.Count()
			if c.async {
				rows = c.post
			}
			for _, k := range paths() {
				b.Run(fmt.Sprintf("%s/%s/path=%s", c.name, kind, k.name), func(b *testing.B) {
					using(b, k)
					s, err := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: cfg})
					if err != nil {
						b.Fatal(err)
					}
					cur := make([]float32, c.post)
					b.ReportAllocs()
					for b.Loop() {
						s.Step(spikes, cur)
					}
					b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				})
			}
			b.Run(fmt.Sprintf("%s/%s/ref", c.name, kind), func(b *testing.B) {
				s, _ := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: cfg})
				m := ref.NewSynapses("TracedSynapses", 1, c.post, c.pre, s.Kernel(nil), make([]bool, c.pre),
					ref.Params{"tau": {5}, "scale": {1}, "base": {0}}, false)
				st, cur := m.NewState(), make([]float32, c.post)
				flags = flags[:0]
				if c.async {
					w := spark.SpikeWords(c.pre)
					for i := range c.post {
						for j := range c.pre {
							flags = append(flags, spikes[i*w:(i+1)*w].Has(j))
						}
					}
				} else {
					flags = flags[:c.pre]
					spikes.Bools(flags)
				}
				for b.Loop() {
					if c.async {
						m.StepAsync(st, flags, cur)
					} else {
						m.Step(st, flags, cur)
					}
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
