package trace

import (
	"fmt"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/mem"
)

// BenchmarkStep times one Step of every tracer at its default parameters on
// the selected path (SPARK_PATH), at an L1/L2-resident size and a DRAM size:
//
//	go test ./trace -run '^$' -bench Step
func BenchmarkStep(b *testing.B) {
	type stepper interface{ Step(x, out []float32) }
	builds := []struct {
		name string
		new  func(n int) (stepper, error)
	}{
		{"Tracer", func(n int) (stepper, error) { return NewTracer(TracerConfig{Units: n, Dt: 0.1, Tau: spark.Uniform(5)}) }},
		{"RDTracer", func(n int) (stepper, error) { return NewRDTracer(RDTracerConfig{Units: n, Dt: 0.1}) }},
		{"RFSTracer", func(n int) (stepper, error) { return NewRFSTracer(RFSTracerConfig{Units: n, Dt: 0.1}) }},
		{"DoubleTracer", func(n int) (stepper, error) { return NewDoubleTracer(DoubleTracerConfig{Units: n, Dt: 0.1}) }},
	}
	for _, m := range builds {
		for _, n := range []int{4096, 1 << 22} {
			b.Run(fmt.Sprintf("%s/n=%d", m.name, n), func(b *testing.B) {
				t, err := m.new(n)
				if err != nil {
					b.Fatal(err)
				}
				// The caller's arrays staggered, as a population's are:
				// two plain allocations of this size start at the same
				// offset within a page, and their streams would alias.
				var blk mem.Block
				var x, out []float32
				mem.Array(&blk, &x, n)
				mem.Array(&blk, &out, n)
				blk.Alloc()
				for i := range x {
					x[i] = float32(i % 7)
				}
				t.Step(x, out) // untimed: faults in the pages a fresh state has not written yet
				for b.Loop() {
					t.Step(x, out)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
			})
		}
	}
}

// BenchmarkSubnormal times a Tracer of 4096 traces decaying without input
// from normal values and from subnormal ones (which a trace reaches after
// a long silence: a τ = 5 ms trace at dt = 0.1 ms falls from 1 below 2^-126
// in about 4400 steps). The library computes subnormals as IEEE says, on
// every path; Intel cores take microcode assists for them:
//
//	go test ./trace -run '^$' -bench Subnormal
func BenchmarkSubnormal(b *testing.B) {
	for _, c := range []struct {
		name string
		v    float32
	}{{"normal", 1}, {"subnormal", 1e-39}} {
		b.Run(c.name, func(b *testing.B) {
			const n = 4096
			t, err := NewTracer(TracerConfig{Units: n, Dt: 0.1, Tau: spark.Uniform(5)})
			if err != nil {
				b.Fatal(err)
			}
			x, out, fill := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range fill {
				fill[i] = c.v
			}
			v := t.Value()
			for b.Loop() {
				copy(v, fill) // a trace stays subnormal for a few hundred steps: refill it each one
				t.Step(x, out)
			}
		})
	}
}
