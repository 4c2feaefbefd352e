package trace

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
)

// TestTracerImpulse: a unit drive makes T jump by c, then decay by
// exp(−dt/τ) per step, towards b.
func TestTracerImpulse(t *testing.T) {
	tr, err := NewTracer(TracerConfig{Units: 2, Dt: 0.5, Tau: spark.PerUnit([]float32{5, 10}), Base: spark.Uniform(1)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 2)
	tr.Step([]float32{1, 2}, out)
	if out[0] != 2 || out[1] != 3 {
		t.Fatalf("after the impulse: %v, want [2 3]", out)
	}
	for step := 1; step <= 20; step++ {
		tr.Step([]float32{0, 0}, out)
		for i, tau := range []float64{5, 10} {
			want := 1 + float64(i+1)*math.Exp(-float64(step)*0.5/tau)
			if math.Abs(float64(out[i])-want) > 1e-5 {
				t.Fatalf("step %d unit %d: %v, want %v", step, i, out[i], want)
			}
		}
	}
	if &tr.Value()[0] != &tr.States()[0][0] {
		t.Error("Value is not the live state")
	}
	tr.Reset()
	if v := tr.Value(); v[0] != 1 || v[1] != 1 {
		t.Errorf("after Reset: %v, want the base", v)
	}
}

// TestRDTracerPeak: the rise–decay output of an impulse is the difference of
// two exponentials, rising with τr' = τr·τd/(τr + τd) and decaying with τd.
func TestRDTracerPeak(t *testing.T) {
	tr, err := NewRDTracer(RDTracerConfig{Units: 1, Dt: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 1)
	tr.Step([]float32{1}, out)
	if out[0] != 0 {
		t.Fatalf("right after the impulse: %v, want 0 (both stages jump by 1)", out[0])
	}
	tauR := 1.0 * 5 / (1 + 5)
	for step := 1; step <= 2000; step++ {
		tr.Step([]float32{0}, out)
		s := float64(step) * 0.01
		if want := math.Exp(-s/5) - math.Exp(-s/tauR); math.Abs(float64(out[0])-want) > 1e-4 {
			t.Fatalf("t = %v ms: %v, want %v", s, out[0], want)
		}
	}
}

// TestRFSTracerMix: the output is α·fast + (1 − α)·slow.
func TestRFSTracerMix(t *testing.T) {
	for _, alpha := range []float32{0, 0.3, 1} {
		rfs, err := NewRFSTracer(RFSTracerConfig{Units: 1, Alpha: spark.Uniform(alpha)})
		if err != nil {
			t.Fatal(err)
		}
		fast, _ := NewRDTracer(RDTracerConfig{Units: 1, TauDecay: spark.Uniform(5)})
		slow, _ := NewRDTracer(RDTracerConfig{Units: 1, TauDecay: spark.Uniform(50)})
		o, of, os := make([]float32, 1), make([]float32, 1), make([]float32, 1)
		for step := range 100 {
			x := []float32{float32(step % 7)}
			rfs.Step(x, o)
			fast.Step(x, of)
			slow.Step(x, os)
			if want := alpha*of[0] + (1-alpha)*os[0]; math.Abs(float64(o[0]-want)) > 1e-5*(1+math.Abs(float64(want))) {
				t.Fatalf("α = %v step %d: %v, want %v", alpha, step, o[0], want)
			}
		}
		if rfs.FastDecay()[0] != fast.Decay()[0] || rfs.SlowRise()[0] != slow.Rise()[0] {
			t.Errorf("α = %v: stages differ from the RD tracers'", alpha)
		}
	}
}

// TestDoubleTracerCascade: T2 is driven by the new T1.
func TestDoubleTracerCascade(t *testing.T) {
	tr, err := NewDoubleTracer(DoubleTracerConfig{Units: 1, Scale2: spark.Uniform(0.5)})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, 1)
	tr.Step([]float32{2}, out)
	if tr.First()[0] != 2 || out[0] != 1 || tr.Second()[0] != 1 {
		t.Errorf("T1 %v, T2 %v, out %v; want 2, 1, 1", tr.First()[0], tr.Second()[0], out[0])
	}
}

// TestConfigErrors: one error per rule: units, dt, non-finite values,
// non-positive time constants, α outside [0, 1], per-unit lengths.
func TestConfigErrors(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(NewTracer(TracerConfig{Units: 0})), "trace.TracerConfig.Units = 0: must be > 0"},
		{second(NewTracer(TracerConfig{Units: 1, Dt: -1})), "trace.TracerConfig.Dt = -1: must be finite and > 0 (or 0 for the default, 1 ms)"},
		{second(NewTracer(TracerConfig{Units: 2, Tau: spark.PerUnit([]float32{1, 0})})), "trace.TracerConfig.Tau[1] = 0: must be finite and > 0"},
		{second(NewTracer(TracerConfig{Units: 2, Scale: spark.Uniform(nan)})), "trace.TracerConfig.Scale = NaN: must be finite"},
		{second(NewTracer(TracerConfig{Units: 2, Base: spark.PerUnit([]float32{1})})), "len(trace.TracerConfig.Base) = 1: a per-unit parameter needs one value per unit (Units = 2)"},
		{second(NewRDTracer(RDTracerConfig{Units: 1, TauDecay: spark.Uniform(-5)})), "trace.RDTracerConfig.TauDecay = -5: must be finite and > 0"},
		{second(NewRFSTracer(RFSTracerConfig{Units: 1, Alpha: spark.Uniform(1.5)})), "trace.RFSTracerConfig.Alpha = 1.5: must be in [0, 1]"},
		{second(NewRFSTracer(RFSTracerConfig{Units: 1, Alpha: spark.Uniform(nan)})), "trace.RFSTracerConfig.Alpha = NaN: must be in [0, 1]"},
		{second(NewRFSTracer(RFSTracerConfig{Units: 1, BaseSlowDecay: spark.Uniform(float32(math.Inf(1)))})), "trace.RFSTracerConfig.BaseSlowDecay = +Inf: must be finite"},
		{second(NewDoubleTracer(DoubleTracerConfig{Units: 1, Tau2: spark.Uniform(0)})), "trace.DoubleTracerConfig.Tau2 = 0: must be finite and > 0"},
	} {
		var ce *spark.ConfigError
		if !errors.As(c.err, &ce) || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestStepPanics(t *testing.T) {
	tr, _ := NewRFSTracer(RFSTracerConfig{Units: 3})
	defer func() {
		if r, _ := recover().(string); !strings.Contains(r, "trace.RFSTracer.Step: len(x) = 2, len(out) = 3, want Units = 3") {
			t.Errorf("panic %q", r)
		}
	}()
	tr.Step(make([]float32, 2), make([]float32, 3))
}
