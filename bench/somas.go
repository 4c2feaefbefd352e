package main

import (
	"math/rand/v2"

	"github.com/sparkgo/spark/soma"
)

// A somaModel is one soma of the library at its default parameters, with
// the range of constant input currents (pA) that makes its units fire at a
// spread of rates: from below the rheobase to a few times above it.
type somaModel struct {
	name   string
	build  func(n int, dt float64) (soma.Soma, error)
	lo, hi float32
}

// drive draws each unit's current uniformly from [lo, hi).
func (m somaModel) drive(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float32, n)
	for i := range x {
		x[i] = m.lo + (m.hi-m.lo)*r.Float32()
	}
	return x
}

// asSoma turns a constructor's result into a soma.Soma, nil on error.
func asSoma[T soma.Soma](s T, err error) (soma.Soma, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// somas are the models, in the order of the seeds. The leaky somas need
// R·I > threshold − rest = 20 mV, 200 pA at R = 0.1 GΩ; the exponential ones
// about (rheobase − rest − spike slope)/R = 36 pA; Izhikevich's regular
// spiking unit, whose recovery current is scaled by R as well, R·I > 15 mV.
var somas = []somaModel{
	{"LeakySoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewLeaky(soma.LeakyConfig{Units: n, Dt: dt}))
	}, 150, 350},
	{"RefractoryLeakySoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewRefractoryLeaky(soma.RefractoryLeakyConfig{Units: n, Dt: dt}))
	}, 150, 350},
	{"StrictRefractoryLeakySoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewStrictRefractoryLeaky(soma.StrictRefractoryLeakyConfig{Units: n, Dt: dt}))
	}, 150, 350},
	{"AdaptiveLeakySoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewAdaptiveLeaky(soma.AdaptiveLeakyConfig{Units: n, Dt: dt}))
	}, 150, 350},
	{"ExponentialSoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewExponential(soma.ExponentialConfig{Units: n, Dt: dt}))
	}, 20, 60},
	{"RefractoryExponentialSoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewRefractoryExponential(soma.RefractoryExponentialConfig{Units: n, Dt: dt}))
	}, 20, 60},
	{"AdaptiveExponentialSoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewAdaptiveExponential(soma.AdaptiveExponentialConfig{Units: n, Dt: dt}))
	}, 20, 100},
	{"SimplifiedAdaptiveExponentialSoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewSimplifiedAdaptiveExponential(soma.SimplifiedAdaptiveExponentialConfig{Units: n, Dt: dt}))
	}, 20, 60},
	{"IzhikevichSoma", func(n int, dt float64) (soma.Soma, error) {
		return asSoma(soma.NewIzhikevich(soma.IzhikevichConfig{Units: n, Dt: dt}))
	}, 100, 220},
}
