package asm

import (
	"math"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
)

// TestExpMatchesReference compares the vector exponential, on each ISA
// this CPU runs, with internal/ref.Exp bit for bit (any NaN equal to any
// other) over float32 bit patterns: every one of them with
// SPARK_EXHAUSTIVE=1 (.ci/run), else one in 997 (one in 65521 with
// -short), and always every one within 2^15 ulps of the points where the
// computation changes: 0, both clamps, the overflow to +Inf, and the first
// subnormal and zero results.
func TestExpMatchesReference(t *testing.T) {
	var kernels []func(x, out []float32)
	var names []string
	if HasAVX2() {
		kernels, names = append(kernels, ExpAVX2), append(names, "ExpAVX2")
	}
	if HasAVX512() {
		kernels, names = append(kernels, ExpAVX512), append(names, "ExpAVX512")
	}
	if HasNEON() {
		kernels, names = append(kernels, ExpNEON), append(names, "ExpNEON")
	}
	if len(kernels) == 0 {
		t.Skip("no ISA with the kernels here")
	}
	stride := uint64(997)
	switch {
	case os.Getenv("SPARK_EXHAUSTIVE") == "1":
		stride = 1
	case testing.Short():
		stride = 65521
	}
	const batch = 1 << 16 // a whole number of blocks
	// check compares the kernels with the reference on x, a whole number
	// of blocks, using out and want as scratch.
	check := func(x, out, want []float32) bool {
		for i, v := range x {
			want[i] = ref.Exp(v)
		}
		for k, f := range kernels {
			f(x, out)
			for i, v := range x {
				if got := out[i]; math.Float32bits(got) != math.Float32bits(want[i]) && !(got != got && want[i] != want[i]) {
					t.Errorf("%s(%v) = %v (%#08x), reference %v (%#08x)", names[k], v, got, math.Float32bits(got), want[i],
						math.Float32bits(want[i]))
					return false
				}
			}
		}
		return true
	}
	// The sweep, in batches spread over the cores.
	batches := (uint64(1)<<32/stride + batch - 1) / batch
	var wg sync.WaitGroup
	var next uint64
	var mu sync.Mutex
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, out, want := make([]float32, batch), make([]float32, batch), make([]float32, batch)
			for {
				mu.Lock()
				b := next
				next++
				mu.Unlock()
				if b >= batches {
					return
				}
				for i := range x {
					// Past the last pattern: 0, which pads the last batch.
					if p := (b*batch + uint64(i)) * stride; p < 1<<32 {
						x[i] = math.Float32frombits(uint32(p))
					} else {
						x[i] = 0
					}
				}
				if !check(x, out, want) {
					mu.Lock()
					next = batches // stop the others
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	// Around the points where the computation changes.
	x, out, want := make([]float32, batch), make([]float32, batch), make([]float32, batch)
	for _, p := range []float32{0, 89, -104, 88.72284, -87.33655, -103.2789} {
		n := 0
		for _, dir := range []float32{1, -1} {
			v := p
			for range batch / 2 {
				x[n] = v
				n++
				v = math.Nextafter32(v, dir*float32(math.Inf(1)))
			}
		}
		if !check(x, out, want) {
			return
		}
	}
}
