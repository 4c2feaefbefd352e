package vec

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
)

// TestNegativeZeroSums: every lane starts at +0, so a sum whose every
// term is −0 (all 64 lanes touched, and more) is +0 on every path, the
// streaming kernels and the masked sums' forms included.
func TestNegativeZeroSums(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, n := range []int{1, 63, 64, 65, 128, 300, 4096} {
			x, one := make([]float32, n), make([]float32, n)
			h := make([]float16.Float16, n)
			for j := range x {
				x[j], one[j], h[j] = float32(math.Copysign(0, -1)), 1, float16.Frombits(0x8000)
			}
			s := spark.NewSpikes(n)
			for j := range s {
				s[j] = ^uint64(0)
			}
			y := make([]float32, 1)
			sums := func() float32 { MaskedSums(y, x, 1, n, s); return y[0] }
			sums16 := func() float32 { MaskedSumsF16(y, h, 1, n, s); return y[0] }
			for name, got := range map[string]float32{
				"Sum": Sum(x), "Dot": Dot(x, one), "DotF16": DotF16(h, one),
				"MaskedSum": MaskedSum(x, s), "MaskedSumF16": MaskedSumF16(h, s),
				"sumStream": impl.sumStream(x), "dotStream": impl.dotStream(x, one), "dotF16Stream": impl.dotF16Stream(h, one),
				"maskedSumGeneric": maskedSumGeneric(x, s), "maskedSumStream": maskedSumStream(x, s),
				"MaskedSums": sums(), "MaskedSumsF16": sums16(),
			} {
				if math.Float32bits(got) != 0 {
					t.Errorf("%s: %s of %d × −0 = %#08x, want +0", k.name, name, n, math.Float32bits(got))
				}
			}
		}
	}
}

// TestSelectBits: Select copies the selected weights' bits exactly
// (signalling NaNs of either sign included) and SelectF16 widens them as
// x448 does, on every path; TestMasked's comparison takes any NaN for any
// other.
func TestSelectBits(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, n := range []int{1, 7, 16, 64, 65, 300} {
			w, h := make([]float32, n), make([]float16.Float16, n)
			for j := range w {
				w[j] = math.Float32frombits(0x7f800001 + uint32(j) | uint32(j%2)<<31)
				h[j] = float16.Frombits(0x7c01 + uint16(j%500) | uint16(j%2)<<15)
			}
			s := spark.NewSpikes(n)
			for j := range s {
				s[j] = ^uint64(0)
			}
			d := make([]float32, n)
			Select(d, w, s)
			for j := range d {
				if math.Float32bits(d[j]) != math.Float32bits(w[j]) {
					t.Fatalf("%s: Select n=%d: d[%d] = %#08x, want %#08x", k.name, n, j, math.Float32bits(d[j]), math.Float32bits(w[j]))
				}
			}
			SelectF16(d, h, s)
			for j := range d {
				if want := math.Float32bits(h[j].Float32()); math.Float32bits(d[j]) != want {
					t.Fatalf("%s: SelectF16 n=%d: d[%d] = %#08x, want %#08x", k.name, n, j, math.Float32bits(d[j]), want)
				}
			}
		}
	}
}

// TestMaskedSumsWordCount: MaskedSums and MaskedSumsF16 refuse more
// spike words than rows·spark.SpikeWords(cols), on every path, with vec's
// message (TestChecks tries fewer only: nx == … weakened to nx >= … passed
// every test, and the portable path then ran on silently).
func TestMaskedSumsWordCount(t *testing.T) {
	f, h := make([]float32, 10), make([]float16.Float16, 10)
	for _, k := range paths() {
		using(t, k)
		for name, call := range map[string]func(){
			"MaskedSums":    func() { MaskedSums(f[:2], f, 2, 5, spark.NewSpikes(192)) },
			"MaskedSumsF16": func() { MaskedSumsF16(f[:2], h, 2, 5, spark.NewSpikes(192)) },
		} {
			before := fmt.Sprint(f)
			p := func() (p any) { defer func() { p = recover() }(); call(); return nil }()
			msg, _ := p.(string)
			if want := "vec." + name + ": len(x) = 3 spike words, want rows·spark.SpikeWords(cols) = 2·1 = 2"; msg != want {
				t.Errorf("%s: %s: panic %q, want %q", k.name, name, p, want)
			}
			if fmt.Sprint(f) != before {
				t.Errorf("%s: %s wrote before the panic", k.name, name)
			}
		}
	}
}

// TestEmptyHugeShapes: no rows of a huge number of columns is a valid,
// empty matrix: no panic, no overflow of ⌈cols/64⌉, nothing touched.
func TestEmptyHugeShapes(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, cols := range []int{math.MaxInt, math.MaxInt - 63, math.MaxInt/2 + 1} {
			for name, call := range map[string]func(){
				"MaskedSums":    func() { MaskedSums(nil, nil, 0, cols, nil) },
				"MaskedSumsF16": func() { MaskedSumsF16(nil, nil, 0, cols, nil) },
			} {
				if p := func() (p any) { defer func() { p = recover() }(); call(); return nil }(); p != nil {
					t.Errorf("%s: %s(0 × %d): panic %v", k.name, name, cols, p)
				}
			}
			p := func() (p any) { defer func() { p = recover() }(); MatVec(nil, nil, 0, cols, nil); return nil }()
			if msg, _ := p.(string); !strings.HasPrefix(msg, "vec.MatVec: len(x) = 0, want cols = ") {
				t.Errorf("%s: MatVec(0 × %d, x nil): panic %v", k.name, cols, p)
			}
		}
	}
}
