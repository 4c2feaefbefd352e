package tracer

import (
	"os"
	"sync"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestRaceConcurrentStep: two goroutines stepping one trace population is a
// data race that go test -race reports on every path and model, though the
// assembly kernels write the state where the detector cannot see it unless
// they tell it. Run with -race.
func TestRaceConcurrentStep(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range paths() {
		for name := range ByName {
			t.Run(k.name+"/"+name, func(t *testing.T) {
				testutil.ExpectRace(t, "TestRaceConcurrentStepChild", "SPARK_PATH="+k.name, "SPARK_TEST_MODEL="+name)
			})
		}
	}
}

// TestRaceConcurrentStepChild steps one population from two goroutines with
// their own drives and outputs (whole blocks: no Go code of a partial block
// writes shared memory), the single-stage kernels in every form.
func TestRaceConcurrentStepChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrentStep")
	}
	const n = 1024
	m, ok := ByName[os.Getenv("SPARK_TEST_MODEL")]
	if !ok {
		t.Fatal("SPARK_TEST_MODEL names no model")
	}
	p := ref.Params{}
	for _, f := range ref.TraceParams[os.Getenv("SPARK_TEST_MODEL")] {
		p[f.Name] = ref.P{f.Default}
	}
	tr := New("trace.Test", m, 1, n, p, false)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, out := make([]float32, n), make([]float32, n)
			for range 10 {
				tr.StepUnchecked(x, out)
				tr.StepAddUnchecked(x, out)
				if tr.Drains() {
					tr.StepDrainUnchecked(x, out, false)
				}
			}
		}()
	}
	wg.Wait()
}
