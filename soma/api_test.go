package soma

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/ref"
)

// configError builds m and returns its *spark.ConfigError, failing the test
// if there is none.
func configError(t *testing.T, m model, n int, dt float64, p map[string]spark.Param) *spark.ConfigError {
	t.Helper()
	s, _, err := m.build(n, dt, p)
	var ce *spark.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("%s(units %d, dt %v, %v): got %v, %v; want a *spark.ConfigError", m.class, n, dt, p, s, err)
	}
	if s != nil {
		t.Errorf("%s: a soma with the error", m.class)
	}
	return ce
}

// TestConfigErrors refuses, for every model and field, each bad value the
// field's rule forbids, with an error naming the config, field, value and
// rule (docs/models.md, "Bad input").
func TestConfigErrors(t *testing.T) {
	const n = 3
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, m := range models {
		_, fields, _ := m.build(1, 1, nil)
		for _, f := range fields {
			type bad struct {
				p     spark.Param
				dt    float64
				index int
				value float64
			}
			cases := []bad{
				{spark.Uniform(nan), 1, -1, math.NaN()},
				{spark.Uniform(-inf), 1, -1, math.Inf(-1)},
				{spark.PerUnit([]float32{f.Default, f.Default, inf}), 1, 2, math.Inf(1)},
			}
			switch f.Rule.Text {
			case config.Positive.Text:
				cases = append(cases, bad{spark.Uniform(0), 1, -1, 0}, bad{spark.PerUnit([]float32{1, -5, 1}), 1, 1, -5})
			case config.Cooldown.Text:
				cases = append(cases, bad{spark.Uniform(-1), 1, -1, -1},
					bad{spark.Uniform(40000), 0.5, -1, 40000}, // 80,000 steps
					bad{spark.PerUnit([]float32{0, 1, 7}), 1e-4, 2, 7})
			}
			for _, c := range cases {
				ce := configError(t, m, n, c.dt, map[string]spark.Param{f.Seed: c.p})
				msg := ce.Error()
				if ce.Field != f.Name || ce.Index != c.index || ce.Length || ce.Rule != f.Rule.Text ||
					!(ce.Value == c.value || math.IsNaN(ce.Value) && math.IsNaN(c.value)) ||
					!strings.HasPrefix(msg, "soma.") || !strings.Contains(msg, "Config."+f.Name) ||
					!strings.Contains(msg, fmt.Sprint(c.value)) || !strings.HasSuffix(msg, f.Rule.Text) {
					t.Errorf("%s.%s = %v (dt %v): error %+v, %q", m.class, f.Name, c.p, c.dt, *ce, msg)
				}
			}

			ce := configError(t, m, n, 1, map[string]spark.Param{f.Seed: spark.PerUnit(make([]float32, n+1))})
			if ce.Field != f.Name || !ce.Length || ce.Value != n+1 || !strings.HasPrefix(ce.Error(), "len(soma.") {
				t.Errorf("%s.%s with %d values for %d units: error %+v, %q", m.class, f.Name, n+1, n, *ce, ce.Error())
			}
		}

		for _, units := range []int{0, -3} {
			if ce := configError(t, m, units, 1, nil); ce.Field != "Units" || ce.Value != float64(units) {
				t.Errorf("%s with %d units: error %+v", m.class, units, *ce)
			}
		}
		for _, dt := range []float64{-1, math.NaN(), math.Inf(1), math.Inf(-1)} {
			if ce := configError(t, m, n, dt, nil); ce.Field != "Dt" || !(ce.Value == dt || math.IsNaN(dt)) {
				t.Errorf("%s with dt %v: error %+v", m.class, dt, *ce)
			}
		}
	}
}

// TestConfigErrorMessages pins the text of a few errors.
func TestConfigErrorMessages(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(NewLeaky(LeakyConfig{Units: 3, PotentialTau: spark.Uniform(-5)})),
			"soma.LeakyConfig.PotentialTau = -5: must be finite and > 0"},
		{second(NewLeaky(LeakyConfig{Units: 3, Threshold: spark.PerUnit([]float32{1, 2, 3, 4})})),
			"len(soma.LeakyConfig.Threshold) = 4: a per-unit parameter needs one value per unit (Units = 3)"},
		{second(NewRefractoryLeaky(RefractoryLeakyConfig{Units: 2, Cooldown: spark.PerUnit([]float32{1, -1})})),
			"soma.RefractoryLeakyConfig.Cooldown[1] = -1: must be finite and ≥ 0, and round(value/Dt) at most 65534 steps"},
		{second(NewStrictRefractoryLeaky(StrictRefractoryLeakyConfig{Units: 0})),
			"soma.StrictRefractoryLeakyConfig.Units = 0: must be > 0"},
		{second(NewIzhikevich(IzhikevichConfig{Units: 1, Dt: -0.1})),
			"soma.IzhikevichConfig.Dt = -0.1: must be finite and > 0 (or 0 for the default, 1 ms)"},
		{second(NewExponential(ExponentialConfig{Units: 1, SpikeSlope: spark.Uniform(0)})),
			"soma.ExponentialConfig.SpikeSlope = 0: must be finite and > 0"},
		// A time constant so small that Dt/τ overflows float32 (k = +Inf
		// would turn a finite input into NaN), and a Dt beyond float32.
		{second(NewExponential(ExponentialConfig{Units: 1, PotentialTau: spark.Uniform(1e-39)})),
			"soma.ExponentialConfig.PotentialTau = 1e-39: must be at least Dt/3.4028235e+38, so that Dt/value is finite in float32"},
		{second(NewAdaptiveExponential(AdaptiveExponentialConfig{Units: 2, Dt: 0.5, AdaptationTau: spark.PerUnit([]float32{1, 1e-39})})),
			"soma.AdaptiveExponentialConfig.AdaptationTau[1] = 1e-39: must be at least Dt/3.4028235e+38, so that Dt/value is finite in float32"},
		{second(NewLeaky(LeakyConfig{Units: 1, Dt: 1e39})),
			"soma.LeakyConfig.Dt = 1e+39: must be at most 3.4028235e+38, float32's largest value"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestConfigAccepts: the edges of the rules are allowed, and Dt 0 means 1 ms.
func TestConfigAccepts(t *testing.T) {
	s, err := NewRefractoryLeaky(RefractoryLeakyConfig{Units: 1, Cooldown: spark.Uniform(65534)})
	if err != nil {
		t.Fatalf("cooldown of 65534 steps: %v", err)
	}
	if s.Dt() != 1 || s.Refractory()[0] != 65534 {
		t.Errorf("Dt %v, counter %d; want 1 and 65534", s.Dt(), s.Refractory()[0])
	}
	if _, err := NewAdaptiveLeaky(AdaptiveLeakyConfig{Units: 2, Dt: 0.1, Cooldown: spark.PerUnit([]float32{0, 0.05})}); err != nil {
		t.Errorf("cooldown 0 and half a step: %v", err)
	}
	if _, err := NewIzhikevich(IzhikevichConfig{Units: 1, Resistance: spark.Uniform(-2), RecoveryTimescale: spark.Uniform(0)}); err != nil {
		t.Errorf("Izhikevich with negative resistance and zero recovery timescale: %v", err)
	}
	// The smallest normal time constant at Dt = 1: Dt/τ = 2^126, finite.
	if _, err := NewExponential(ExponentialConfig{Units: 1, PotentialTau: spark.Uniform(0x1p-126)}); err != nil {
		t.Errorf("PotentialTau 2^-126: %v", err)
	}
}

// TestStepPanics: a Step with slices of the wrong length panics with a
// message naming the function and the lengths, before it reads or writes
// anything.
func TestStepPanics(t *testing.T) {
	const n = 70
	for _, m := range models {
		s, _ := mustBuild(t, m, n, 1, nil)
		r := rng(3)
		scramble(&r, stateOf(s))
		before := cloneState(stateOf(s), n)
		for _, c := range []struct{ current, words int }{{n - 1, 2}, {n + 1, 2}, {0, 2}, {n, 1}, {n, 3}, {n, 0}} {
			current, spikes := make([]float32, c.current), make(spark.Spikes, c.words)
			for i := range current {
				current[i] = 1e9
			}
			for i := range spikes {
				spikes[i] = 0xdead
			}
			msg := catch(func() { s.Step(current, spikes) })
			name := strings.TrimSuffix(m.class, "Soma")
			if want := fmt.Sprintf("soma: %s.Step: len(current) = %d, len(spikes) = %d words; want %d and spark.SpikeWords(%d) = 2",
				name, c.current, c.words, n, n); msg != want {
				t.Errorf("%s.Step(%d currents, %d words): panic %q, want %q", m.class, c.current, c.words, msg, want)
			}
			if d := diffState(stateOf(s), before); d != "" {
				t.Errorf("%s: a refused Step changed the state: %s", m.class, d)
			}
			for _, w := range spikes {
				if w != 0xdead {
					t.Errorf("%s: a refused Step wrote spikes", m.class)
				}
			}
		}
		if msg := catch(func() { s.AbsolutePotential(make([]float32, n-1)) }); !strings.Contains(msg, "AbsolutePotential: len(dst) = 69, want Units = 70") {
			t.Errorf("%s.AbsolutePotential(short dst): panic %q", m.class, msg)
		}
		if msg := catch(func() { s.SetAbsolutePotential(make([]float32, n+1)) }); !strings.Contains(msg, "SetAbsolutePotential: len(src) = 71, want Units = 70") {
			t.Errorf("%s.SetAbsolutePotential(long src): panic %q", m.class, msg)
		}
		if d := diffState(stateOf(s), before); d != "" {
			t.Errorf("%s: a refused SetAbsolutePotential changed the state: %s", m.class, d)
		}
	}
}

// catch returns what f panics with, as text, or "".
func catch(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestStepAllocates nothing.
func TestStepAllocates(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			r := rng(1)
			// Uniform parameters (the kernels that hold them in
			// registers) and per-unit ones (those that stream them).
			for _, p := range []map[string]spark.Param{nil, randomParams(&r, m, 1000, true)} {
				s, _ := mustBuild(t, m, 1000, 1, p)
				in, spikes := make([]float32, 1000), spark.NewSpikes(1000)
				currents(&r, in)
				if a := testing.AllocsPerRun(50, func() { s.Step(in, spikes) }); a != 0 {
					t.Errorf("%s %s per unit %v: %v allocations per Step", k.name, m.class, p != nil, a)
				}
			}
		}
	}
}

// TestReset: after Reset a population is as new, and a new population is as
// docs/models.md starts it (V = 0, r = c, θ = thr, w = u = 0).
func TestReset(t *testing.T) {
	const n = 77
	for _, m := range models {
		r := rng(99)
		p := randomParams(&r, m, n, true)
		s, rm := mustBuild(t, m, n, 0.5, p)
		fresh, _ := mustBuild(t, m, n, 0.5, p)
		want := cloneState(ref.State{}, n)
		rm.Init(want)
		if d := diffState(stateOf(fresh), want); d != "" {
			t.Errorf("%s: a new population differs from the reference's initial state: %s", m.class, d)
		}
		in, spikes := make([]float32, n), spark.NewSpikes(n)
		total := 0
		for range 40 {
			currents(&r, in)
			s.Step(in, spikes)
			total += spikes.Count()
		}
		if total == 0 || diffState(stateOf(s), stateOf(fresh)) == "" {
			t.Fatalf("%s: 40 steps left the state as new, %d spikes", m.class, total)
		}
		s.Reset()
		if d := diffState(stateOf(s), stateOf(fresh)); d != "" {
			t.Errorf("%s: after Reset: %s", m.class, d)
		}
	}
}

// TestAbsolute: the absolute potential and threshold are the rebased ones
// plus potential_rest, per unit, and setting them rebases.
func TestAbsolute(t *testing.T) {
	const n = 5
	rest := []float32{-60, -70.5, 0, 12.25, -65}
	for _, m := range models {
		s, _ := mustBuild(t, m, n, 1, map[string]spark.Param{"potential_rest": spark.PerUnit(rest)})
		v := s.Potential()
		copy(v, []float32{0, 1.5, -3, 1e-3, 80})
		abs := s.AbsolutePotential(nil)
		for i := range v {
			if abs[i] != v[i]+rest[i] {
				t.Errorf("%s: AbsolutePotential()[%d] = %v, want %v + %v", m.class, i, abs[i], v[i], rest[i])
			}
		}
		dst := make([]float32, n)
		if got := s.AbsolutePotential(dst); &got[0] != &dst[0] || !slices.Equal(got, abs) {
			t.Errorf("%s: AbsolutePotential(dst) does not fill and return dst", m.class)
		}
		src := []float32{-40, -41, 7, 0.1, math.MaxFloat32}
		s.SetAbsolutePotential(src)
		for i := range v {
			if v[i] != src[i]-rest[i] {
				t.Errorf("%s: after SetAbsolutePotential, V[%d] = %v, want %v − %v", m.class, i, v[i], src[i], rest[i])
			}
		}

		th, ok := s.(interface {
			Threshold() []float32
			AbsoluteThreshold([]float32) []float32
			SetAbsoluteThreshold([]float32)
		})
		if !ok {
			continue
		}
		_, fields, _ := m.build(1, 1, nil)
		var base float32
		for _, f := range fields {
			if f.Seed == "threshold" {
				base = f.Default
			}
		}
		for i, x := range th.AbsoluteThreshold(nil) {
			if x != base {
				t.Errorf("%s: new AbsoluteThreshold()[%d] = %v, want the threshold %v", m.class, i, x, base)
			}
		}
		th.SetAbsoluteThreshold(src)
		for i, x := range th.Threshold() {
			if x != src[i]-rest[i] {
				t.Errorf("%s: after SetAbsoluteThreshold, θ[%d] = %v, want %v − %v", m.class, i, x, src[i], rest[i])
			}
		}
	}
}
