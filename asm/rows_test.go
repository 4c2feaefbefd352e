package asm

import (
	"math"
	"reflect"
	"testing"

	"github.com/x448/float16"
)

// TestRowsReference: every row kernel this build and CPU run computes its
// documented scalar loop bit for bit (NaN as any NaN), on raw random bits
// (NaNs, infinities, subnormals) and on ordinary values, for every length
// to 300, the row one longer than the accumulator, and random spike bits
// past the row's end: the NEON kernels have no twin on the same CPU, and
// this is their check against the loop (package vec's tests check the
// AVX ones through its dispatch too).
func TestRowsReference(t *testing.T) {
	conv32 := func(row any, i int) float32 {
		if r, ok := row.([]float32); ok {
			return r[i]
		}
		return float16.Frombits(row.([]uint16)[i]).Float32()
	}
	for _, k := range rowsKernels {
		if !k.runs() {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			r := rng(0x70e5)
			for n := 0; n <= 300; n++ {
				for _, raw := range []bool{true, false} {
					value := func() uint32 {
						if raw {
							return uint32(r.Next())
						}
						return math.Float32bits(float32(int64(r.Next()%2001)-1000) / 8)
					}
					out := make([]float32, n)
					for i := range out {
						out[i] = math.Float32frombits(value())
					}
					var row any
					if reflect.TypeOf(k.fn).In(1) == reflect.TypeOf([]uint16(nil)) {
						h := make([]uint16, n+1)
						for i := range h {
							h[i] = uint16(r.Next())
							if !raw {
								h[i] = float16.Fromfloat32(math.Float32frombits(value())).Bits()
							}
						}
						row = h
					} else {
						w := make([]float32, n+1)
						for i := range w {
							w[i] = math.Float32frombits(value())
						}
						row = w
					}
					want := make([]float32, n)
					copy(want, out)
					args := []any{out, row}
					if len(k.args) == 3 { // select
						x := make([]uint64, (n+63)/64)
						for i := range x {
							x[i] = r.Next()
						}
						args = append(args, x)
						for j := range want {
							want[j] = 0
							if x[j/64]>>(j%64)&1 != 0 {
								want[j] = conv32(row, j)
							}
						}
					} else {
						for i := range want {
							want[i] += conv32(row, i)
						}
					}
					k.call(args)
					for i := range want {
						g, w := out[i], want[i]
						if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
							t.Fatalf("n=%d raw=%v: [%d] = %#08x, want %#08x", n, raw, i, math.Float32bits(g), math.Float32bits(w))
						}
					}
				}
			}
		})
	}
}
