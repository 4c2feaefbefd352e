//go:build arm64 && !purego

package f16

import (
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/asm"
)

// TestWideningsAgree: where the CPU has FEAT_FHM, the path's tests run the
// FMLAL widening; this runs the FCVTL one, which CPUs without it run, on
// every half at every length up to 80 and every offset of a vector, and
// checks that both give x448's bits.
func TestWideningsAgree(t *testing.T) {
	if !asm.HasNEON() {
		t.Skip("no NEON")
	}
	src := make([]float16.Float16, 1<<16+80)
	for i := range src {
		src[i] = float16.Float16(i * 40503) // every half, in a scattered order
	}
	ways := map[string]func([]float32, []float16.Float16){"fcvtl": neonToFloat32(false)}
	if asm.HasFHM() {
		ways["fmlal"] = neonToFloat32(true)
	} else {
		t.Log("no FEAT_FHM: FMLAL's widening not run")
	}
	for name, way := range ways {
		dst := make([]float32, len(src)+1)
		for off := range 8 {
			for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 63, 80, 1 << 16} {
				for i := range dst {
					dst[i] = -1
				}
				way(dst[off:off+n], src[off:off+n])
				for i := range dst {
					want := uint32(0xbf800000) // −1: untouched
					if i >= off && i < off+n {
						want = want32(uint16(src[i]))
					}
					if got := bits(dst[i]); got != want {
						t.Fatalf("%s, offset %d, n %d: dst[%d] = %#08x, want %#08x", name, off, n, i, got, want)
					}
				}
			}
		}
	}
}
