package ref_test

import (
	"math"
	"os"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
)

// expULPs is the bound on Exp's error, in units in the last place of the
// correctly rounded result (float32(math.Exp), whose float64 evaluation
// makes it correctly rounded for all but a vanishing few inputs).
const expULPs = 1

// ulpDistance is the number of float32 values between a and b, both ≥ 0.
func ulpDistance(a, b float32) int64 {
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

// expSweep checks Exp on every stride-th float32 bit pattern, both signs,
// over the range where e^x is neither 0 nor +Inf after rounding.
func expSweep(t *testing.T, stride uint32) {
	var worst int64
	var worstX float32
	for _, sign := range []uint32{0, 1 << 31} {
		for bits := uint32(0); bits < 0x7f800000; bits += stride {
			x := math.Float32frombits(bits | sign)
			if x > 89 || x < -104 {
				continue
			}
			got, want := ref.Exp(x), float32(math.Exp(float64(x)))
			if d := ulpDistance(got, want); d > worst {
				worst, worstX = d, x
			}
		}
	}
	t.Logf("stride %d: worst error %d ULP at x = %v", stride, worst, worstX)
	if worst > expULPs {
		t.Errorf("Exp(%v) is %d ULP from e^x, want at most %d", worstX, worst, expULPs)
	}
}

// TestExpAccuracy checks every 61st argument in the finite range, some 36
// million; set SPARK_EXHAUSTIVE=1 to check all 2.2 billion (over a minute).
func TestExpAccuracy(t *testing.T) {
	stride := uint32(61)
	if os.Getenv("SPARK_EXHAUSTIVE") != "" {
		stride = 1
	}
	expSweep(t, stride)
}

func TestExpSpecialValues(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct{ x, want float32 }{
		{0, 1},
		{float32(math.Copysign(0, -1)), 1},
		{1, float32(math.E)},
		{inf, inf},
		{-inf, 0},
		{89, inf},
		{88.72284, inf}, // just above ln(MaxFloat32)
		{1000, inf},
		{math.MaxFloat32, inf},
		{-104, 0},
		{-1000, 0},
		{-math.MaxFloat32, 0},
		{-103.2789, math.SmallestNonzeroFloat32}, // ln(2^−149): the smallest subnormal
		{math.SmallestNonzeroFloat32, 1},
	} {
		if got := ref.Exp(c.x); got != c.want {
			t.Errorf("Exp(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if got := ref.Exp(float32(math.NaN())); got == got {
		t.Errorf("Exp(NaN) = %v, want NaN", got)
	}
	// The largest finite result comes from the largest argument below overflow.
	if got := ref.Exp(88.72283); math.IsInf(float64(got), 0) || got < 3.4e38 {
		t.Errorf("Exp(88.72283) = %v, want finite, about 3.4028e38", got)
	}
	// Subnormal results are rounded once, so they are as accurate as normal ones.
	for _, x := range []float32{-88, -90, -95, -100, -103} {
		got, want := ref.Exp(x), float32(math.Exp(float64(x)))
		if ulpDistance(got, want) > expULPs {
			t.Errorf("Exp(%v) = %v, want %v", x, got, want)
		}
	}
}
