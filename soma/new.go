package soma

import (
	"fmt"
	"strings"
)

// constructors make a population of each model with its defaults, by the
// model's type name.
var constructors = []struct {
	name string
	make func(units int, dt float64) (Soma, error)
}{
	{"Leaky", func(n int, dt float64) (Soma, error) { return as(NewLeaky(LeakyConfig{Units: n, Dt: dt})) }},
	{"RefractoryLeaky", func(n int, dt float64) (Soma, error) {
		return as(NewRefractoryLeaky(RefractoryLeakyConfig{Units: n, Dt: dt}))
	}},
	{"StrictRefractoryLeaky", func(n int, dt float64) (Soma, error) {
		return as(NewStrictRefractoryLeaky(StrictRefractoryLeakyConfig{Units: n, Dt: dt}))
	}},
	{"AdaptiveLeaky", func(n int, dt float64) (Soma, error) {
		return as(NewAdaptiveLeaky(AdaptiveLeakyConfig{Units: n, Dt: dt}))
	}},
	{"Exponential", func(n int, dt float64) (Soma, error) { return as(NewExponential(ExponentialConfig{Units: n, Dt: dt})) }},
	{"RefractoryExponential", func(n int, dt float64) (Soma, error) {
		return as(NewRefractoryExponential(RefractoryExponentialConfig{Units: n, Dt: dt}))
	}},
	{"AdaptiveExponential", func(n int, dt float64) (Soma, error) {
		return as(NewAdaptiveExponential(AdaptiveExponentialConfig{Units: n, Dt: dt}))
	}},
	{"SimplifiedAdaptiveExponential", func(n int, dt float64) (Soma, error) {
		return as(NewSimplifiedAdaptiveExponential(SimplifiedAdaptiveExponentialConfig{Units: n, Dt: dt}))
	}},
	{"Izhikevich", func(n int, dt float64) (Soma, error) { return as(NewIzhikevich(IzhikevichConfig{Units: n, Dt: dt})) }},
}

// as turns a constructor's result into a Soma, nil (not a typed nil) on
// error.
func as[T Soma](s T, err error) (Soma, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Models returns the names of the models New makes, in the order of the
// seeds: "Leaky", "RefractoryLeaky", …, "Izhikevich" (the type names).
func Models() []string {
	names := make([]string, len(constructors))
	for i, c := range constructors {
		names[i] = c.name
	}
	return names
}

// New returns a population of units units of the model named model (a
// type name of Models) with every parameter at its default and time step
// dt (ms; 0 means 1 ms), as its constructor with a config of only Units
// and Dt would: for a program that picks its model by name, from a flag or
// a file. It returns the constructor's error, or one for a name it does not
// know.
func New(model string, units int, dt float64) (Soma, error) {
	for _, c := range constructors {
		if c.name == model {
			return c.make(units, dt)
		}
	}
	return nil, fmt.Errorf("soma: unknown model %q, want one of %s", model, strings.Join(Models(), ", "))
}
