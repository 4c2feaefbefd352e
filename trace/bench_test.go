package trace

import (
	"fmt"
	"testing"

	"github.com/sparkgo/spark"
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
				x, out := make([]float32, n), make([]float32, n)
				for i := range x {
					x[i] = float32(i % 7)
				}
				for b.Loop() {
					t.Step(x, out)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
			})
		}
	}
}
