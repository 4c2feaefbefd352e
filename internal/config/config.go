// Package config turns the public configs into what internal/ref takes: it
// fills in defaults and refuses bad values as docs/models.md, "Bad input", says, with
// errors that name the field, the value and the rule.
package config

import (
	"fmt"
	"math"
	"reflect"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// DefaultDt is the time step (ms) a zero Dt stands for.
const DefaultDt = 1.0

// Rule is a condition every value of a parameter must meet.
type Rule struct {
	Text string                           // what a value must be, for the error
	OK   func(v float32, dt float64) bool // whether v (at time step dt) meets it
	Then *Rule                            // if not nil, what a value that meets this rule must meet too
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

var (
	// Finite: any finite value (potentials, resistances, gains).
	Finite = Rule{Text: "must be finite", OK: func(v float32, _ float64) bool { return finite(v) }}

	// Positive: a finite value > 0 (the spike slope).
	Positive = Rule{Text: "must be finite and > 0", OK: func(v float32, _ float64) bool { return finite(v) && v > 0 }}

	// TimeConstant: Positive, and not so small that Dt/τ, which the
	// exponential somas and the forward-Euler traces compute in float32,
	// overflows: a subnormal τ at Dt = 1 would make it +Inf, and a unit's
	// potential NaN from a finite input.
	TimeConstant = Rule{Text: Positive.Text, OK: Positive.OK, Then: &Rule{
		Text: fmt.Sprintf("must be at least Dt/%g, so that Dt/value is finite in float32", float32(math.MaxFloat32)),
		OK:   func(v float32, dt float64) bool { return finite(float32(dt) / v) },
	}}

	// Fraction: a value in [0, 1] (the RFS tracer's α).
	Fraction = Rule{Text: "must be in [0, 1]", OK: func(v float32, _ float64) bool { return v >= 0 && v <= 1 }}

	// Cooldown: a finite value ≥ 0 that is at most ref.MaxCooldownSteps time
	// steps, so that the saturating 16-bit counter can pass it.
	Cooldown = Rule{
		Text: fmt.Sprintf("must be finite and ≥ 0, and round(value/Dt) at most %d steps", ref.MaxCooldownSteps),
		OK: func(v float32, dt float64) bool {
			return finite(v) && v >= 0 && ref.CooldownSteps(dt, v) <= ref.MaxCooldownSteps
		},
	}
)

// Field is one parameter of a config.
type Field struct {
	Name    string       // Go field name, e.g. "PotentialTau"
	Seed    string       // the seed's field name, e.g. "potential_tau"
	Param   *spark.Param // the value; unset means Default
	Default float32
	Rule    Rule
}

// Resolve checks a config named cfg (e.g. "soma.LeakyConfig") with units
// units, time step dt (0 for the default) and the given fields. It returns
// the time step and the parameters by seed name, each one value (uniform) or
// units values, or the first error found.
func Resolve(cfg string, units int, dt float64, fields []Field) (float64, ref.Params, error) {
	if err := Size(cfg, "Units", units); err != nil {
		return 0, nil, err
	}
	return ResolveShape(cfg, dt, []int{units}, fmt.Sprintf("a per-unit parameter needs one value per unit (Units = %d)", units), fields)
}

// Size checks the population size n given as field of config cfg: > 0 and
// at most spark.MaxUnits, so that every array and index of the population
// is valid.
func Size(cfg, field string, n int) error {
	switch {
	case n <= 0:
		return &spark.ConfigError{Config: cfg, Field: field, Index: -1, Value: float64(n), Rule: "must be > 0"}
	case n > spark.MaxUnits:
		return &spark.ConfigError{Config: cfg, Field: field, Index: -1, Value: float64(n),
			Rule: fmt.Sprintf("must be at most spark.MaxUnits = %d", spark.MaxUnits)}
	}
	return nil
}

// ZeroValue is the panic of a method that a zero T, a model made without
// its constructor, cannot run: "soma.Leaky: zero value: use NewLeaky".
func ZeroValue[T any]() string {
	t := reflect.TypeFor[T]()
	return fmt.Sprintf("%s: zero value: use New%s", t, t.Name())
}

// ResolveShape is Resolve for a population whose per-unit parameters may
// have any of the given lengths (e.g. one per post unit or one per synapse),
// which lengthRule states. The caller has checked the population's size.
func ResolveShape(cfg string, dt float64, lengths []int, lengthRule string, fields []Field) (float64, ref.Params, error) {
	if dt == 0 {
		dt = DefaultDt
	}
	switch {
	case !(dt > 0 && !math.IsInf(dt, 1)):
		return 0, nil, &spark.ConfigError{Config: cfg, Field: "Dt", Index: -1, Value: dt, Rule: "must be finite and > 0 (or 0 for the default, 1 ms)"}
	case dt > math.MaxFloat32: // the kernels take it as a float32
		return 0, nil, &spark.ConfigError{Config: cfg, Field: "Dt", Index: -1, Value: dt, Rule: fmt.Sprintf("must be at most %g, float32's largest value", float32(math.MaxFloat32))}
	}
	params := ref.Params{}
	for _, f := range fields {
		p := *f.Param
		if !p.IsSet() {
			p = spark.Uniform(f.Default)
		}
		vals := p.Values()
		if !p.IsUniform() && !slices.Contains(lengths, len(vals)) {
			return 0, nil, &spark.ConfigError{Config: cfg, Field: f.Name, Index: -1, Length: true, Value: float64(len(vals)), Rule: lengthRule}
		}
		for i, v := range vals {
			for r := &f.Rule; r != nil; r = r.Then {
				if !r.OK(v, dt) {
					if p.IsUniform() {
						i = -1
					}
					return 0, nil, &spark.ConfigError{Config: cfg, Field: f.Name, Index: i, Value: float64(v), Rule: r.Text}
				}
			}
		}
		params[f.Seed] = append(ref.P(nil), vals...)
	}
	return dt, params, nil
}

// TraceStage returns the fields of one trace stage: its time constant Tau
// (default tauDefault), Scale (default 1) and Base (default 0), with the Go
// name suffix and seed name suffix given, e.g. ("Rise", "_rise").
func TraceStage(suffix, seed string, tau, scale, base *spark.Param, tauDefault float32) []Field {
	return []Field{
		{Name: "Tau" + suffix, Seed: "tau" + seed, Param: tau, Default: tauDefault, Rule: TimeConstant},
		{Name: "Scale" + suffix, Seed: "scale" + seed, Param: scale, Default: 1, Rule: Finite},
		{Name: "Base" + suffix, Seed: "base" + seed, Param: base, Default: 0, Rule: Finite},
	}
}
