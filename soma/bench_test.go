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
// The "updates/s" metric is units stepped per second; MB/s counts the bytes
// a step must move per unit (bytesPerUnit), so that it compares with the
// memory bandwidth.
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
					b.SetBytes(int64(bytesPerUnit(s) * float64(n)))
					// One step untimed: it faults in the pages a fresh
					// population has not written yet (the first soma a
					// process builds took 8–13 ms a step at 16M units, not 3).
					s.Step(in, spikes)
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

// bytesPerUnit is what one step moves per unit with uniform parameters:
// the input current, every state read and written, and a spike bit.
func bytesPerUnit(s Soma) float64 {
	st := stateOf(s)
	bytes := 4 + 1.0/8
	for _, a := range [][]float32{st.V, st.Theta, st.W, st.U} {
		if a != nil {
			bytes += 2 * 4
		}
	}
	if st.R != nil {
		bytes += 2 * 2
	}
	return bytes
}
