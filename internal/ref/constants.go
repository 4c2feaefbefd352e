package ref

import "math"

// The derived constants of docs/models.md. This is the only place they are computed:
// the public packages call these. Those built from an exponential, decay and
// rate, are computed in float64 and rounded once to float32; every other one
// is float32 arithmetic on float32 values, with dt rounded to float32. That is
// what the independent implementation behind the conformance runs does, and
// it reproduces them bit for bit. A per-unit input gives a per-unit constant.

// Decay is exp(−dt/τ), the factor by which a quantity with time constant τ
// decays in one step.
func Decay(dt float64, tau P) P {
	return derive(func(i int) float32 { return float32(math.Exp(-dt / float64(tau.At(i)))) }, tau)
}

// Rate is 1 − exp(−dt/τ), computed as −expm1(−dt/τ) so that it does not
// cancel: the fraction of the way to its target a trace moves in one step.
func Rate(dt float64, tau P) P {
	return derive(func(i int) float32 { return float32(-math.Expm1(-dt / float64(tau.At(i)))) }, tau)
}

// Ratio is dt/τ, the forward-Euler step of a quantity with time constant τ.
func Ratio(dt float64, tau P) P {
	return derive(func(i int) float32 { return div(float32(dt), tau.At(i)) }, tau)
}

// Product is x·y, e.g. gR = rate(τ)·resistance.
func Product(x, y P) P {
	return derive(func(i int) float32 { return mul(x.At(i), y.At(i)) }, x, y)
}

// Rebase is x − rest, a potential relative to the resting potential.
func Rebase(x, rest P) P {
	return derive(func(i int) float32 { return x.At(i) - rest.At(i) }, x, rest)
}

// CooldownSteps is c = round(cooldown/dt), rounding half to even. It returns
// a float64 so that a caller can check the range before converting.
func CooldownSteps(dt float64, cooldown float32) float64 {
	return math.RoundToEven(float64(cooldown) / dt)
}

// MaxCooldownSteps is the largest c a refractory soma accepts: its counter
// saturates at 65535, and a unit becomes ready only once r > c.
const MaxCooldownSteps = 65534

// Cooldown is c = round(cooldown/dt) for each unit (one value when cooldown
// is uniform). Every value must be in [0, MaxCooldownSteps].
func Cooldown(dt float64, cooldown P) []uint16 {
	c := make([]uint16, len(cooldown))
	for i, v := range cooldown {
		steps := CooldownSteps(dt, v)
		if !(steps >= 0 && steps <= MaxCooldownSteps) {
			panic("ref: cooldown out of range")
		}
		c[i] = uint16(steps)
	}
	return c
}

// derive evaluates f for every unit, or once when every input is uniform.
func derive(f func(i int) float32, from ...P) P {
	n := 1
	for _, p := range from {
		n = max(n, len(p))
	}
	out := make(P, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}
