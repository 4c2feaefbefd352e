package syn

import (
	"os"
	"sync"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestRaceConcurrentStep: two goroutines stepping one synapse population
// is a data race that go test -race reports on every path and storage,
// though on the assembly paths the shared state (the traces; sparse
// storage's accumulator, which the AVX-512 scatter writes) is written by
// assembly, which the detector cannot see unless the kernel tells it. Run
// with -race.
func TestRaceConcurrentStep(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range paths() {
		for _, storage := range []Storage{Dense, Sparse} {
			t.Run(k.name+"/"+storage.String(), func(t *testing.T) {
				testutil.ExpectRace(t, "TestRaceConcurrentStepChild", "SPARK_PATH="+k.name, "SPARK_TEST_STORAGE="+storage.String())
			})
		}
	}
}

// TestRaceConcurrentStepChild steps one TracedSynapses population from two
// goroutines with their own spikes (as indices: no shared spike words are
// listed) and currents, Post a whole number of blocks, so that only the
// kernels write shared memory.
func TestRaceConcurrentStepChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrentStep")
	}
	storage := Dense
	if os.Getenv("SPARK_TEST_STORAGE") == Sparse.String() {
		storage = Sparse
	}
	const post, pre = 256, 100
	s, err := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{
		Post: post, Pre: pre, Init: SparseUniform(1, 2, 0.05, 1), Storage: storage}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			currents := make([]float32, post)
			for range 10 {
				s.StepIndices([]int{3, 17, 40, 99}, currents)
			}
		}()
	}
	wg.Wait()
}
