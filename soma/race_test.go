package soma

import (
	"os"
	"sync"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestRaceConcurrentStep: two goroutines stepping one population is a data
// race (a population is not safe for concurrent use), and go test -race
// reports it on every path and model, although on the assembly paths the
// population's state is written by assembly, which the detector cannot see
// unless the kernel tells it (package asm does). Run with -race.
func TestRaceConcurrentStep(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				testutil.ExpectRace(t, "TestRaceConcurrentStepChild", "SPARK_PATH="+k.name, "SPARK_TEST_MODEL="+m.class)
			})
		}
	}
}

// TestRaceConcurrentStepChild steps one population from two goroutines, each
// with its own current and spikes, so that the only memory they share is
// the population's state. 4096 units: whole blocks, so that no Go code of
// the partial last block writes shared memory and only the kernel does.
func TestRaceConcurrentStepChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrentStep")
	}
	const n = 4096
	for _, m := range models {
		if m.class != os.Getenv("SPARK_TEST_MODEL") {
			continue
		}
		s, _, err := m.build(n, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				current, spikes := make([]float32, n), spark.NewSpikes(n)
				for i := range current {
					current[i] = 300
				}
				for range 20 {
					s.Step(current, spikes)
				}
			}()
		}
		wg.Wait()
	}
}
