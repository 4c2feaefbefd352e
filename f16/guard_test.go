package f16

import (
	"fmt"
	"slices"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestGuardPages runs ToFloat32 and FromFloat32 on every path with dst and
// src each against a guard page at its end and at its start
// (testutil.Region), in every combination, on every length from 0 to 300
// and a few larger (fewer with -short): a kernel that reads or writes an
// element past either end faults, and the fault is reported naming the
// conversion, path, length and placements. Every element is also compared
// with x448's, bit for bit, and the source must come back unchanged.
func TestGuardPages(t *testing.T) {
	sizes := testutil.GuardLengths(0)
	maxN := slices.Max(sizes)
	// Any halves; floats over the half range and beyond (subnormal and
	// overflowing results), every 37th any bit pattern.
	r := rng(0x510e527fade682d1)
	halves, floats := make([]float16.Float16, maxN), make([]float32, maxN)
	for i := range halves {
		halves[i] = float16.Float16(r.Next())
		u := r.Next()
		floats[i] = fbits(uint32(u>>32)&0x807fffff | uint32(98+u%50)<<23)
		if i%37 == 0 {
			floats[i] = fbits(uint32(u))
		}
	}
	r16 := testutil.NewRegion[float16.Float16](t, maxN)
	r32 := testutil.NewRegion[float32](t, maxN)
	var calls, faults, mismatches int
	forEachPath(t, func(t *testing.T) {
		errs := 0
		report := func(format string, args ...any) {
			if errs++; errs <= 5 {
				t.Errorf(format, args...)
			}
		}
		for _, n := range sizes {
			for _, pl := range testutil.Placements(2) {
				for _, to32 := range []bool{true, false} {
					var call func()
					var check func() string
					name := "FromFloat32"
					if to32 {
						name = "ToFloat32"
						dst, src := r32.Slice(n, pl[0]), r16.Copy(halves[:n], pl[1])
						for i := range dst {
							dst[i] = fbits(sentinel32)
						}
						call = func() { ToFloat32(dst, src) }
						check = func() string {
							for i, h := range src {
								if g, w := bits(dst[i]), want32(h16(h)); g != w {
									return fmt.Sprintf("dst[%d] = %#08x, x448 gives %#08x", i, g, w)
								}
								if h != halves[i] {
									return fmt.Sprintf("src[%d] changed", i)
								}
							}
							return ""
						}
					} else {
						dst, src := r16.Slice(n, pl[0]), r32.Copy(floats[:n], pl[1])
						for i := range dst {
							dst[i] = sentinel16
						}
						call = func() { FromFloat32(dst, src) }
						check = func() string {
							for i, f := range src {
								if g, w := h16(dst[i]), want16(f); g != w {
									return fmt.Sprintf("dst[%d] = %#04x, x448 gives %#04x", i, g, w)
								}
								if bits(f) != bits(floats[i]) {
									return fmt.Sprintf("src[%d] changed", i)
								}
							}
							return ""
						}
					}
					calls++
					if f := testutil.CatchFault(call); f != nil {
						faults++
						report("%s n=%d: %s(dst %v, src %v): %v", impl.name, n, name, pl[0], pl[1], f)
						continue
					}
					if d := check(); d != "" {
						mismatches++
						report("%s n=%d: %s(dst %v, src %v): %s", impl.name, n, name, pl[0], pl[1], d)
					}
				}
			}
		}
	})
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}
