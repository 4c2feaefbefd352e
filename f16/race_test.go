package f16

import (
	"os"
	"sync"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestRaceConcurrentConvert: two goroutines converting into one slice is a
// data race that go test -race reports on every path, though the assembly
// conversions write where the detector cannot see unless they tell it. Run
// with -race.
func TestRaceConcurrentConvert(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range all {
		for _, dir := range []string{"to", "from"} {
			t.Run(k.name+"/"+dir, func(t *testing.T) {
				testutil.ExpectRace(t, "TestRaceConcurrentConvertChild", "SPARK_PATH="+k.name, "SPARK_TEST_DIR="+dir)
			})
		}
	}
}

// TestRaceConcurrentConvertChild converts into one destination from two
// goroutines, each from its own source.
func TestRaceConcurrentConvertChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrentConvert")
	}
	const n = 1000
	halves, floats := make([]float16.Float16, n), make([]float32, n)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if os.Getenv("SPARK_TEST_DIR") == "to" {
					ToFloat32(floats, make([]float16.Float16, n))
				} else {
					FromFloat32(halves, make([]float32, n))
				}
			}
		}()
	}
	wg.Wait()
}
