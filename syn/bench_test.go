package syn

import (
	"fmt"
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

// BenchmarkRows times each row kernel on every path and a plain Go loop
// ("go": the scalar loop of the kernel's doc comment, per-element binary16
// conversion with x448/float16, and for the masked sums one running sum in
// increasing j), on rows of 4096 weights (L1/L2) and of 16M (DRAM):
//
//	go test ./syn -run '^$' -bench Rows
//
// The masked sums run at 2% and 50% spike density. b.SetBytes counts the
// bytes read and written per call (weights, accumulator or output, spike
// bits); "elements/s" counts the row's weights per second.
func BenchmarkRows(b *testing.B) {
	for _, n := range []int{4096, 1 << 24} {
		benchmarkRows(b, n)
	}
}

func benchmarkRows(b *testing.B, n int) {
	r := rng(9)
	// One block, the streams staggered within the page (no 4K aliasing).
	block := make([]float32, 3*n+3*64)
	acc, row32, d := block[:n], block[n+64:2*n+64], block[2*n+128:3*n+128]
	row16 := make([]float16.Float16, n)
	for j := range n {
		row32[j] = r.Uniform(-10, 10)
		row16[j] = float16.Fromfloat32(r.Uniform(-10, 10))
	}
	buf := make([]float32, min(n, chunk))
	words := spark.SpikeWords(n)
	sparse, half := make([]uint64, words), make([]uint64, words)
	for j := range n {
		if r.Intn(50) == 0 {
			sparse[j/64] |= 1 << (j % 64)
		}
	}
	for k := range half {
		half[k] = r.Next()
	}
	var sink float32

	type kernel struct {
		name  string
		bytes int // per call
		run   func(k *kernels)
		peer  func()
	}
	var cases []kernel
	cases = append(cases,
		kernel{"addRow16", n * (2 + 4 + 4),
			func(k *kernels) { k.addRow16(acc, row16, buf) },
			func() {
				for i, w := range row16 {
					acc[i] += w.Float32()
				}
			}},
		kernel{"addRow32", n * (4 + 4 + 4),
			func(k *kernels) { k.addRow32(acc, row32) },
			func() {
				for i, w := range row32 {
					acc[i] += w
				}
			}},
	)
	for _, x := range []struct {
		name string
		x    []uint64
	}{{"2%", sparse}, {"50%", half}} {
		cases = append(cases,
			kernel{"maskedSum16/" + x.name, n*2 + n/8,
				func(k *kernels) { sink += k.maskedSum16(row16, x.x) },
				func() {
					var s float32
					for j, w := range row16 {
						if x.x[j/64]>>(j%64)&1 != 0 {
							s += w.Float32()
						}
					}
					sink += s
				}},
			kernel{"maskedSum32/" + x.name, n*4 + n/8,
				func(k *kernels) { sink += k.maskedSum32(row32, x.x) },
				func() {
					var s float32
					for j, w := range row32 {
						if x.x[j/64]>>(j%64)&1 != 0 {
							s += w
						}
					}
					sink += s
				}},
		)
	}
	cases = append(cases,
		kernel{"select16", n*(2+4) + n/8,
			func(k *kernels) { k.select16(d, row16, half) },
			func() {
				for j, w := range row16 {
					if half[j/64]>>(j%64)&1 != 0 {
						d[j] = w.Float32()
					} else {
						d[j] = 0
					}
				}
			}},
		kernel{"select32", n*(4+4) + n/8,
			func(k *kernels) { k.select32(d, row32, half) },
			func() {
				for j, w := range row32 {
					if half[j/64]>>(j%64)&1 != 0 {
						d[j] = w
					} else {
						d[j] = 0
					}
				}
			}},
	)
	for _, c := range cases {
		report := func(b *testing.B) {
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
		}
		for _, k := range paths() {
			b.Run(fmt.Sprintf("%s/path=%s/n=%d", c.name, k.name, n), func(b *testing.B) {
				clear(acc)
				b.SetBytes(int64(c.bytes))
				b.ReportAllocs()
				for b.Loop() {
					c.run(k)
				}
				report(b)
			})
		}
		b.Run(fmt.Sprintf("%s/go/n=%d", c.name, n), func(b *testing.B) {
			clear(acc)
			b.SetBytes(int64(c.bytes))
			b.ReportAllocs()
			for b.Loop() {
				c.peer()
			}
			report(b)
		})
	}
	_ = sink
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
	for _, k := range paths() {
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
