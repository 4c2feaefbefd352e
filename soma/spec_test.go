package soma

import (
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
)

// What docs/models.md says in words, checked on every path.

// spikeSteps runs s for steps steps with a constant current to every unit
// and returns the steps at which unit 0 spiked.
func spikeSteps(s Soma, current float32, steps int) []int {
	in := make([]float32, s.Units())
	for i := range in {
		in[i] = current
	}
	spikes := spark.NewSpikes(s.Units())
	var at []int
	for step := range steps {
		s.Step(in, spikes)
		if spikes.Has(0) {
			at = append(at, step)
		}
	}
	return at
}

// TestRefractoryTiming: after a spike a refractory unit ignores its input
// and cannot spike for c + 1 steps, and it is not ready on its first step
// (its counter starts at c). Driven hard, it spikes every c + 2 steps from
// step 1. The strict soma is ready at r ≥ c: it spikes every c + 1 steps
// from step 0, its potential held at reset while it waits.
func TestRefractoryTiming(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, c := range []int{0, 1, 2, 5, 13} {
			cooldown := spark.Uniform(float32(c) * 0.5)
			for _, class := range []string{"RefractoryLeakySoma", "AdaptiveLeakySoma", "RefractoryExponentialSoma", "SimplifiedAdaptiveExponentialSoma"} {
				p := map[string]spark.Param{"cooldown": cooldown, "threshold_delta": spark.Uniform(0)}
				s, _ := mustBuild(t, modelOf(t, class), 3, 0.5, p)
				got := spikeSteps(s, 1e6, 60)
				var want []int
				for step := 1; step < 60; step += c + 2 {
					want = append(want, step)
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s %s c=%d: spikes at %v, want %v", k.name, class, c, got, want)
				}
			}

			s, err := NewStrictRefractoryLeaky(StrictRefractoryLeakyConfig{Units: 3, Dt: 0.5, Cooldown: cooldown})
			if err != nil {
				t.Fatal(err)
			}
			in, spikes := []float32{1e6, 1e6, 1e6}, spark.NewSpikes(3)
			reset := float32(-50 - -60)
			for step := range 60 {
				s.Step(in, spikes)
				if want := step%(c+1) == 0; spikes.Has(0) != want {
					t.Fatalf("%s strict c=%d step %d: spike %v, want %v", k.name, c, step, spikes.Has(0), want)
				}
				if v := s.Potential()[0]; v != reset {
					t.Fatalf("%s strict c=%d step %d: V = %v, want reset − rest = %v (spiking or held)", k.name, c, step, v, reset)
				}
			}
		}
	}
}

// TestRefractoryIgnoresInput: while not ready, a RefractoryLeaky unit only
// decays, whatever its input.
func TestRefractoryIgnoresInput(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		s, err := NewRefractoryLeaky(RefractoryLeakyConfig{Units: 1, Cooldown: spark.Uniform(4)})
		if err != nil {
			t.Fatal(err)
		}
		spikes := spark.NewSpikes(1)
		s.Step([]float32{1e6}, spikes) // not ready: decays from 0 to 0
		s.Step([]float32{1e6}, spikes) // ready: spikes
		if !spikes.Has(0) {
			t.Fatalf("%s: no spike on the first ready step", k.name)
		}
		d := s.k.d.At(0)
		for step := range 5 {
			v := s.Potential()[0]
			s.Step([]float32{float32(math.Inf(1))}, spikes)
			if got, want := s.Potential()[0], float32(d*v); got != want || spikes.Has(0) {
				t.Fatalf("%s: refractory step %d: V = %v, spike %v; want d·V = %v, no spike", k.name, step, got, spikes.Has(0), want)
			}
		}
	}
}

// TestCounterSaturates: a refractory counter counts up from c and saturates
// at 65535 over a 70,000-step run, instead of wrapping; a unit whose counter
// saturated is still ready and spikes.
func TestCounterSaturates(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			s, _ := mustBuild(t, m, 70, 1, nil)
			rs, ok := s.(interface{ Refractory() []uint16 })
			if !ok {
				continue
			}
			r := rs.Refractory()
			zero, spikes := make([]float32, s.Units()), spark.NewSpikes(s.Units())
			c := int(r[0])
			for step := 1; step <= 70000; step++ {
				s.Step(zero, spikes)
				if want := min(c+step, 65535); int(r[0]) != want || int(r[69]) != want || spikes.Count() != 0 {
					t.Fatalf("%s %s step %d: counters %d, %d, %d spikes; want %d, no spikes", k.name, m.class, step, r[0], r[69], spikes.Count(), want)
				}
			}
			kick := make([]float32, s.Units())
			kick[5] = 1e9
			s.Step(kick, spikes)
			if !spikes.Has(5) || spikes.Count() != 1 || r[5] != 0 || r[4] != 65535 {
				t.Errorf("%s %s: after saturation, a kick gives %d spikes (unit 5: %v), counters %d, %d; want unit 5 alone, 0 and 65535",
					k.name, m.class, spikes.Count(), spikes.Has(5), r[5], r[4])
			}
		}
	}
}

// TestExpOverflow: a potential far above the rheobase makes exp overflow to
// +Inf; a ready unit then spikes and resets, and no NaN comes out.
func TestExpOverflow(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, class := range []string{"ExponentialSoma", "RefractoryExponentialSoma", "AdaptiveExponentialSoma", "SimplifiedAdaptiveExponentialSoma"} {
			s, _ := mustBuild(t, modelOf(t, class), 4, 1, nil)
			st := stateOf(s)
			for i := range st.R {
				st.R[i] = 0xffff // ready
			}
			copy(st.V, []float32{300, 1e6, math.MaxFloat32, 0})
			in := []float32{0, 0, 0, math.MaxFloat32}
			spikes := spark.NewSpikes(4)
			s.Step(in, spikes)
			reset := float32(-51 - -70)
			if spikes[0] != 0b1111 {
				t.Errorf("%s %s: spikes %04b, want 1111", k.name, class, spikes[0])
			}
			for i, v := range st.V {
				if v != reset {
					t.Errorf("%s %s: V[%d] = %v, want reset − rest = %v", k.name, class, i, v, reset)
				}
			}
			for _, x := range [][]float32{st.Theta, st.W} {
				for i, v := range x {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Errorf("%s %s: state[%d] = %v after an overflow", k.name, class, i, v)
					}
				}
			}
		}
	}
}

// TestPerUnitEqualsUniform: per-unit parameters of equal values give the
// same bits as the uniform parameter.
func TestPerUnitEqualsUniform(t *testing.T) {
	const n = 131
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			r := rng(12345)
			uni := randomParams(&r, m, n, false)
			per := map[string]spark.Param{}
			for name, p := range uni {
				v := make([]float32, n)
				for i := range v {
					v[i] = p.Values()[0]
				}
				per[name] = spark.PerUnit(v)
			}
			a, _ := mustBuild(t, m, n, 0.25, uni)
			b, _ := mustBuild(t, m, n, 0.25, per)
			sa, sb := spark.NewSpikes(n), spark.NewSpikes(n)
			in := make([]float32, n)
			for step := range 300 {
				currents(&r, in)
				a.Step(in, sa)
				b.Step(in, sb)
				if d := diffState(stateOf(a), stateOf(b)); d != "" || !slices.Equal(sa, sb) {
					t.Fatalf("%s %s step %d: per-unit differs from uniform: %s; spikes %x vs %x", k.name, m.class, step, d, sa, sb)
				}
			}
		}
	}
}

// TestNaNStaysInItsUnit: NaN and ±Inf inputs change only their own unit.
func TestNaNStaysInItsUnit(t *testing.T) {
	const n = 100
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			clean, _ := mustBuild(t, m, n, 1, nil)
			dirty, _ := mustBuild(t, m, n, 1, nil)
			in, bad := make([]float32, n), make([]float32, n)
			sc, sd := spark.NewSpikes(n), spark.NewSpikes(n)
			r := rng(7)
			for step := range 50 {
				currents(&r, in)
				for i := range in {
					if math.IsNaN(float64(in[i])) || math.IsInf(float64(in[i]), 0) {
						in[i] = 0
					}
				}
				copy(bad, in)
				bad[37], bad[64], bad[65] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
				clean.Step(in, sc)
				dirty.Step(bad, sd)
				a, b := stateOf(clean), stateOf(dirty)
				for i := range n {
					if i == 37 || i == 64 || i == 65 {
						continue
					}
					if !sameBits(a.V[i], b.V[i]) || sc.Has(i) != sd.Has(i) {
						t.Fatalf("%s %s step %d: unit %d changed by its neighbours' NaN/Inf input", k.name, m.class, step, i)
					}
				}
			}
		}
	}
}
