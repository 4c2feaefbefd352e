package vec

import (
	"os"
	"sync"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// raceCases are the kernels the race tests run: each either writes y,
// which the other goroutine writes too, or reads it while the other
// goroutine writes it (MatVec reads it as x: its output must not overlap
// x).
var raceCases = map[string]func(y, x []float32, w []float16.Float16, s spark.Spikes){
	"Dot":       func(y, x []float32, _ []float16.Float16, _ spark.Spikes) { Dot(y, x) },
	"DotF16":    func(y, _ []float32, w []float16.Float16, _ spark.Spikes) { DotF16(w, y) },
	"Sum":       func(y, _ []float32, _ []float16.Float16, _ spark.Spikes) { Sum(y) },
	"MaskedSum": func(y, _ []float32, _ []float16.Float16, s spark.Spikes) { MaskedSum(y, s) },
	"Axpy":      func(y, x []float32, _ []float16.Float16, _ spark.Spikes) { Axpy(y, 2, x) },
	"AxpyF16":   func(y, _ []float32, w []float16.Float16, _ spark.Spikes) { AxpyF16(y, 2, w) },
	"Scale":     func(y, _ []float32, _ []float16.Float16, _ spark.Spikes) { Scale(y, 2) },
	"Add":       func(y, x []float32, _ []float16.Float16, _ spark.Spikes) { Add(y, x) },
	"AddF16":    func(y, _ []float32, w []float16.Float16, _ spark.Spikes) { AddF16(y, w) },
	"Select":    func(y, x []float32, _ []float16.Float16, s spark.Spikes) { Select(y, x, s) },
	"SelectF16": func(y, _ []float32, w []float16.Float16, s spark.Spikes) { SelectF16(y, w, s) },
	"MatVec":    func(y, x []float32, _ []float16.Float16, _ spark.Spikes) { MatVec(make([]float32, 1), x, 1, len(x), y) },
	"MatVecF16": func(y, _ []float32, w []float16.Float16, _ spark.Spikes) {
		MatVecF16(make([]float32, 1), w, 1, len(w), y)
	},
	"MaskedSums":   func(y, x []float32, _ []float16.Float16, s spark.Spikes) { MaskedSums(y[:1], x, 1, len(x), s) },
	"MaskedSumF16": nil, // reads binary16 weights only: nothing of y
}

// TestRaceConcurrent: a kernel that writes or reads a slice while another
// goroutine writes it is a data race that go test -race reports on every
// path, though the assembly kernels touch memory where the detector cannot
// see unless they tell it. Run with -race.
func TestRaceConcurrent(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range all {
		for name, f := range raceCases {
			if f == nil {
				continue
			}
			t.Run(k.name+"/"+name, func(t *testing.T) {
				testutil.ExpectRace(t, "TestRaceConcurrentChild", "SPARK_PATH="+k.name, "SPARK_TEST_KERNEL="+name)
			})
		}
	}
}

// TestRaceConcurrentChild runs one kernel on y in one goroutine while
// another writes y with Scale.
func TestRaceConcurrentChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrent")
	}
	const n = 1000
	y, x, w, s := make([]float32, n), make([]float32, n), make([]float16.Float16, n), spark.NewSpikes(n)
	for j := range x {
		x[j], y[j], w[j] = 1, 1, float16.Fromfloat32(1)
	}
	for k := range s {
		s[k] = ^uint64(0)
	}
	f := raceCases[os.Getenv("SPARK_TEST_KERNEL")]
	f(make([]float32, n), x, w, s) // once before: a first call's one-time work (f16's table) is not what races
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 10 {
			f(y, x, w, s)
		}
	}()
	go func() {
		defer wg.Done()
		for range 10 {
			Scale(y, 1)
		}
	}()
	wg.Wait()
}
