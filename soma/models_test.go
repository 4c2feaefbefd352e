package soma

import (
	"fmt"
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/ref"
)

// model is one soma of the package as the tests drive it: by its seed class
// name, with parameters by their seed field names.
type model struct {
	class string // the seed's class, the key of ref.Somas
	// build makes a population of n units at time step dt with the given
	// parameters (the others at their defaults). It returns the soma and
	// its config's fields, from which the tests derive the reference's
	// parameters.
	build func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error)
}

// set fills the fields named in p.
func set(fields []config.Field, p map[string]spark.Param) []config.Field {
	for _, f := range fields {
		if v, ok := p[f.Seed]; ok {
			*f.Param = v
		}
	}
	return fields
}

// soma turns a constructor's result into a Soma, nil on error.
func asSoma[T Soma](s T, err error) (Soma, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

var models = []model{
	{"LeakySoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := LeakyConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewLeaky(c))
		return s, f, err
	}},
	{"RefractoryLeakySoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := RefractoryLeakyConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewRefractoryLeaky(c))
		return s, f, err
	}},
	{"StrictRefractoryLeakySoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := StrictRefractoryLeakyConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewStrictRefractoryLeaky(c))
		return s, f, err
	}},
	{"AdaptiveLeakySoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := AdaptiveLeakyConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewAdaptiveLeaky(c))
		return s, f, err
	}},
	{"ExponentialSoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := ExponentialConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewExponential(c))
		return s, f, err
	}},
	{"RefractoryExponentialSoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := RefractoryExponentialConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewRefractoryExponential(c))
		return s, f, err
	}},
	{"AdaptiveExponentialSoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := AdaptiveExponentialConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewAdaptiveExponential(c))
		return s, f, err
	}},
	{"SimplifiedAdaptiveExponentialSoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := SimplifiedAdaptiveExponentialConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewSimplifiedAdaptiveExponential(c))
		return s, f, err
	}},
	{"IzhikevichSoma", func(n int, dt float64, p map[string]spark.Param) (Soma, []config.Field, error) {
		c := IzhikevichConfig{Units: n, Dt: dt}
		f := set(c.fields(), p)
		s, err := asSoma(NewIzhikevich(c))
		return s, f, err
	}},
}

// TestModelsCoverReference checks that the table above has every soma of the
// reference, once.
func TestModelsCoverReference(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range models {
		if _, ok := ref.Somas[m.class]; !ok || seen[m.class] {
			t.Errorf("model %s: not in ref.Somas, or twice in the table", m.class)
		}
		seen[m.class] = true
	}
	if len(seen) != len(ref.Somas) {
		t.Errorf("%d models tested, the reference has %d", len(seen), len(ref.Somas))
	}
}

// mustBuild builds m, failing the test on error, and the reference model of
// the same parameters.
func mustBuild(t testing.TB, m model, n int, dt float64, p map[string]spark.Param) (Soma, ref.Soma) {
	t.Helper()
	s, fields, err := m.build(n, dt, p)
	if err != nil {
		t.Fatalf("%s: %v", m.class, err)
	}
	dt, params, err := config.Resolve(m.class, n, dt, fields)
	if err != nil {
		t.Fatalf("%s: %v", m.class, err)
	}
	return s, ref.Somas[m.class](dt, params)
}

// stateOf returns the live state arrays of s, those it has.
func stateOf(s Soma) ref.State {
	st := ref.State{V: s.Potential()}
	if x, ok := s.(interface{ Refractory() []uint16 }); ok {
		st.R = x.Refractory()
	}
	if x, ok := s.(interface{ Threshold() []float32 }); ok {
		st.Theta = x.Threshold()
	}
	if x, ok := s.(interface{ Adaptation() []float32 }); ok {
		st.W = x.Adaptation()
	}
	if x, ok := s.(interface{ Recovery() []float32 }); ok {
		st.U = x.Recovery()
	}
	return st
}

// cloneState returns a copy of st, with arrays of n units for those st lacks,
// as the reference's Step takes every array.
func cloneState(st ref.State, n int) ref.State {
	f := func(x []float32) []float32 {
		if x == nil {
			return make([]float32, n)
		}
		return append([]float32(nil), x...)
	}
	r := make([]uint16, n)
	copy(r, st.R)
	return ref.State{V: f(st.V), R: r, Theta: f(st.Theta), W: f(st.W), U: f(st.U)}
}

// sameBits reports whether x and y are the same float32, any NaN being the
// same as any other (the SIMD paths need not keep a NaN's payload).
func sameBits(x, y float32) bool {
	if x != x && y != y {
		return true
	}
	return math.Float32bits(x) == math.Float32bits(y)
}

// diffState describes the first difference of the arrays s has between got
// and want, or returns "".
func diffState(got, want ref.State) string { return diffStateBy(got, want, sameBits) }

// diffStateBy is diffState with the float32 comparison same.
func diffStateBy(got, want ref.State, same func(x, y float32) bool) string {
	for _, a := range []struct {
		name      string
		got, want []float32
	}{{"V", got.V, want.V}, {"Theta", got.Theta, want.Theta}, {"W", got.W, want.W}, {"U", got.U, want.U}} {
		if a.got == nil {
			continue
		}
		for i := range a.got {
			if !same(a.got[i], a.want[i]) {
				return fmt.Sprintf("%s[%d] = %v (%#08x), want %v (%#08x)", a.name, i,
					a.got[i], math.Float32bits(a.got[i]), a.want[i], math.Float32bits(a.want[i]))
			}
		}
	}
	for i := range got.R {
		if got.R[i] != want.R[i] {
			return fmt.Sprintf("R[%d] = %d, want %d", i, got.R[i], want.R[i])
		}
	}
	return ""
}

// diffSpikes describes the first difference between a spike bitset and the
// reference's bools, including a bit set beyond the last unit.
func diffSpikes(got spark.Spikes, want []bool) string {
	for i, w := range want {
		if got.Has(i) != w {
			return fmt.Sprintf("spike[%d] = %v, want %v", i, got.Has(i), w)
		}
	}
	if n := len(want); n%64 != 0 && got[len(got)-1]>>(n%64) != 0 {
		return fmt.Sprintf("bits set beyond unit %d: last word %#x", n-1, got[len(got)-1])
	}
	return ""
}
