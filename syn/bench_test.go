package syn

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/x448/float16"

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

// BenchmarkScatter times adding one sparse presynaptic row (80 distinct,
// increasing post indices out of 4000, as in the CUBA network) into the
// accumulator, on every path:
//
//	go test ./syn -run '^$' -bench Scatter
func BenchmarkScatter(b *testing.B) {
	const post, deg = 4000, 80
	r := rng(3)
	acc := make([]float32, post)
	idx := make([]int32, 0, deg)
	for i := range post {
		if r.Intn(post/deg) == 0 && len(idx) < deg {
			idx = append(idx, int32(i))
		}
	}
	w32 := make([]float32, len(idx))
	w16 := make([]float16.Float16, len(idx))
	for k := range idx {
		w32[k] = r.Uniform(-1, 1)
		w16[k] = float16.Fromfloat32(w32[k])
	}
	buf := make([]float32, chunk)
	for _, k := range scatterPaths() {
		b.Run(fmt.Sprintf("f16/path=%s", k.name), func(b *testing.B) {
			for b.Loop() {
				k.scatter16(acc, idx, w16, buf)
			}
			b.ReportMetric(float64(len(idx))*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
		})
		b.Run(fmt.Sprintf("f32/path=%s", k.name), func(b *testing.B) {
			for b.Loop() {
				k.scatter32(acc, idx, w32)
			}
			b.ReportMetric(float64(len(idx))*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
		})
	}
}

// BenchmarkAsyncDensity times the asynchronous dense step of
// LinearSynapses (256 post units × 4096 connections each, float32 and
// binary16 weights) against a plain Go loop over each post unit's set bits
// (in increasing j: the loop a simulator would write), at spike densities
// from 1% to 100%. The spikes change from step to step (16 patterns in
// turn), as they do in a simulation, so that no branch predictor learns
// them:
//
//	go test ./syn -run '^$' -bench AsyncDensity
//
// "synapses/s" counts the connections of a step per second.
func BenchmarkAsyncDensity(b *testing.B) {
	const post, pre, patterns = 256, 4096, 16
	words := spark.SpikeWords(pre)
	r := rng(5)
	for _, pct := range []int{1, 2, 5, 10, 25, 50, 100} {
		spikes := make([]spark.Spikes, patterns)
		for p := range spikes {
			spikes[p] = AsyncSpikes(post, pre)
			for i := range post {
				for j := range pre {
					if r.Intn(1000) < 10*pct {
						spikes[p][i*words+j/64] |= 1 << (j % 64)
					}
				}
			}
		}
		cur := make([]float32, post)
		for _, f32 := range []bool{true, false} {
			kind := "f16"
			if f32 {
				kind = "f32"
			}
			s, err := NewLinearSynapses(LinearSynapsesConfig{Post: post, Pre: pre, Init: Uniform(-10, 10, 1), Float32: f32, AsyncSpikes: true})
			if err != nil {
				b.Fatal(err)
			}
			w := s.Kernel(nil)
			w16 := make([]float16.Float16, len(w))
			for k, v := range w {
				w16[k] = float16.Fromfloat32(v)
			}
			run := func(name string, step func(x spark.Spikes)) {
				b.Run(fmt.Sprintf("%d%%/%s/%s", pct, kind, name), func(b *testing.B) {
					p := 0
					for b.Loop() {
						step(spikes[p])
						p = (p + 1) % patterns
					}
					b.ReportMetric(float64(post*pre)*float64(b.N)/b.Elapsed().Seconds(), "synapses/s")
				})
			}
			run("LinearSynapses", func(x spark.Spikes) { s.Step(x, cur) })
			run("plain", func(x spark.Spikes) {
				for i := range post {
					var sum float32
					for k, word := range x[i*words : (i+1)*words] {
						for word != 0 {
							j := k*64 + bits.TrailingZeros64(word)
							if f32 {
								sum += w[i*pre+j]
							} else {
								sum += w16[i*pre+j].Float32()
							}
							word &= word - 1
						}
					}
					cur[i] = sum
				}
			})
		}
	}
}

// BenchmarkDeliverRows times DeliverIndices of 22 spikes into sparse
// storage in cache, rows of 5, 40 and 80 weights (the CUBA network's rows
// cut into 16 shards, 2 and 1), binary16 and float32, on every path:
// the per-row cost that every shard pays for every spike.
//
//	go test ./syn -run '^$' -bench DeliverRows
//
// "ns/row" is per spike's row.
func BenchmarkDeliverRows(b *testing.B) {
	const pre, spikes = 4000, 22
	for _, deg := range []int{5, 40, 80} {
		post := 50 * deg // 2% connectivity
		for _, f32 := range []bool{false, true} {
			kind := map[bool]string{false: "f16", true: "f32"}[f32]
			s, err := NewTracedSynapses(TracedSynapsesConfig{
				LinearSynapsesConfig: LinearSynapsesConfig{Post: post, Pre: pre, Init: SparseUniform(1, 2, 0.02, 7), Float32: f32, Storage: Sparse},
				Dt:                   0.1, Tau: spark.Uniform(5),
			})
			if err != nil {
				b.Fatal(err)
			}
			r := rng(11)
			var lists [16][]int
			for p := range lists {
				seen := map[int]bool{}
				for len(seen) < spikes {
					seen[r.Intn(pre)] = true
				}
				for j := range pre {
					if seen[j] {
						lists[p] = append(lists[p], j)
					}
				}
			}
			for _, k := range paths() {
				b.Run(fmt.Sprintf("deg=%d/%s/%s", deg, kind, k.name), func(b *testing.B) {
					using(b, k)
					p := 0
					for b.Loop() {
						s.DeliverIndices(lists[p%len(lists)])
						s.delivered = false // as a soma's StepTraced would, without its pass
						p++
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/spikes, "ns/row")
				})
			}
		}
	}
}
