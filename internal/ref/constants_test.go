package ref_test

import (
	"math"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
)

func TestCooldownStepsRoundsHalfToEven(t *testing.T) {
	for _, c := range []struct {
		dt       float64
		cooldown float32
		want     float64
	}{
		{1, 0, 0}, {1, 0.5, 0}, {1, 1.5, 2}, {1, 2.5, 2}, {1, 3.5, 4}, {1, 2.4999, 2},
		{0.1, 2, 20}, {0.1, 0.25, 2}, {0.5, 0.25, 0}, {0.5, 0.75, 2}, {0.25, 1, 4},
	} {
		if got := ref.CooldownSteps(c.dt, c.cooldown); got != c.want {
			t.Errorf("CooldownSteps(dt %v, cooldown %v) = %v, want %v", c.dt, c.cooldown, got, c.want)
		}
	}
	if got := ref.Cooldown(0.1, ref.P{2, 1, 0.04}); got[0] != 20 || got[1] != 10 || got[2] != 0 {
		t.Errorf("Cooldown(0.1, [2 1 0.04]) = %v, want [20 10 0]", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Cooldown accepted 65535 steps")
		}
	}()
	ref.Cooldown(1, ref.P{65535})
}

func TestRateDoesNotCancel(t *testing.T) {
	// For dt ≪ τ, 1 − exp(−dt/τ) computed naively keeps few digits; the rate
	// must stay within a float32 rounding of its series x − x²/2 + x³/6, x = dt/τ.
	for _, x := range []float64{1e-3, 1e-6, 1e-9} {
		got := float64(ref.Rate(x, ref.P{1})[0])
		want := x - x*x/2 + x*x*x/6
		if math.Abs(got-want) > 1e-7*want {
			t.Errorf("Rate(dt %v, τ 1) = %v, want %v", x, got, want)
		}
	}
	d, r := ref.Decay(0.1, ref.P{20})[0], ref.Rate(0.1, ref.P{20})[0]
	if got := float64(d) + float64(r); math.Abs(got-1) > 1e-7 {
		t.Errorf("Decay + Rate = %v, want 1", got)
	}
}

func TestDerivedConstantsKeepTheirForm(t *testing.T) {
	if got := ref.Decay(1, ref.P{5}); len(got) != 1 {
		t.Errorf("a uniform τ gave %d decays, want 1", len(got))
	}
	got := ref.Rebase(ref.P{-40}, ref.P{-60, -65, -70})
	if len(got) != 3 || got[0] != 20 || got[1] != 25 || got[2] != 30 {
		t.Errorf("Rebase(−40, [−60 −65 −70]) = %v, want [20 25 30]", got)
	}
	// gR = rate(τ)·R, the rate rounded to float32 first, as the reference runs do.
	rate := ref.Rate(1, ref.P{20})[0]
	if got := ref.Product(ref.Rate(1, ref.P{20}), ref.P{0.1})[0]; got != float32(rate*0.1) {
		t.Errorf("Product(rate, 0.1) = %v, want %v", got, float32(rate*0.1))
	}
	// k = dt/τ in float32, with dt rounded to float32.
	if got := ref.Ratio(0.1, ref.P{3})[0]; got != float32(0.1)/3 {
		t.Errorf("Ratio(0.1, 3) = %v, want %v", got, float32(0.1)/3)
	}
}
