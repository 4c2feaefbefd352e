package syn

import (
	"testing"

	"github.com/sparkgo/spark"
)

func BenchmarkProbeSyn(b *testing.B) {
	s, err := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 4000, Pre: 3200, Init: SparseUniform(1, 1, 0.02, 1)}, Dt: 0.1, Tau: spark.Uniform(5)})
	if err != nil {
		b.Fatal(err)
	}
	one := spark.NewSpikes(3200)
	one.Set(77)
	cur := make([]float32, 4000)
	b.Run("scatter-add-zero", func(b *testing.B) {
		for range b.N {
			s.scatterRows(one)
			s.zeroRows()
		}
	})
	b.Run("scatter-add-only", func(b *testing.B) {
		for range b.N {
			s.scatterRows(one)
		}
		clear(s.y)
	})
	b.Run("tracer", func(b *testing.B) {
		for range b.N {
			s.tr.StepUnchecked(s.y, cur)
		}
	})
	b.Run("step-one", func(b *testing.B) {
		for range b.N {
			s.Step(one, cur)
		}
	})
	empty := spark.NewSpikes(3200)
	b.Run("step-empty", func(b *testing.B) {
		for range b.N {
			s.Step(empty, cur)
		}
	})
}
