package trace

import (
	"bufio"
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/cpu"
)

// tracers builds one of each model with n traces, parameters per trace, at
// time step dt.
func tracers(t *testing.T, n int, dt float64) []Trace {
	per := func(base float32) spark.Param {
		v := make([]float32, n)
		for i := range v {
			v[i] = base * (1 + float32(i%5)/10)
		}
		return spark.PerUnit(v)
	}
	must := func(tr Trace, err error) Trace {
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	return []Trace{
		must(NewTracer(TracerConfig{Units: n, Dt: dt, Tau: per(5), Base: spark.Uniform(0.5)})),
		must(NewRDTracer(RDTracerConfig{Units: n, Dt: dt, TauDecay: per(5)})),
		must(NewRFSTracer(RFSTracerConfig{Units: n, Dt: dt, Alpha: per(0.5)})),
		must(NewDoubleTracer(DoubleTracerConfig{Units: n, Dt: dt, Tau2: per(3), ForwardEuler: true})),
	}
}

// drive returns the drive of step k: a spike train with a NaN and an Inf
// among its values.
func drive(n, k int) []float32 {
	x := make([]float32, n)
	for i := range x {
		if (i*7+k*3)%5 == 0 {
			x[i] = 1
		}
	}
	if k == 2 {
		x[0], x[n-1] = float32(math.NaN()), float32(math.Inf(1))
	}
	return x
}

// TestCheckpointResumes stops every tracer on every path after a few
// steps, restores its checkpoint into fresh traces of the same config, and
// steps both on: they must agree bit for bit at once and at every step
// after.
func TestCheckpointResumes(t *testing.T) {
	for _, p := range cpu.Paths() {
		t.Run(p.String(), func(t *testing.T) {
			old := cpu.Selected
			cpu.Use(p)
			t.Cleanup(func() { cpu.Use(old) })
			resumes(t)
		})
	}
}

func resumes(t *testing.T) {
	for _, n := range []int{1, 64, 67, 1000} {
		src, dst := tracers(t, n, 0.5), tracers(t, n, 0.5)
		for i, a := range src {
			b := dst[i]
			out, outB := make([]float32, n), make([]float32, n)
			for k := range 6 {
				a.Step(drive(n, k), out)
			}
			data, err := a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				err = b.UnmarshalBinary(data)
			} else {
				_, err = b.ReadFrom(bytes.NewReader(data))
			}
			if err != nil {
				t.Fatal(err)
			}
			same := func() bool {
				for k, st := range a.States() {
					if !slices.EqualFunc(st, b.States()[k], func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }) {
						return false
					}
				}
				return true
			}
			if !same() {
				t.Fatalf("%T n=%d: the restored states differ", a, n)
			}
			for k := range 20 {
				a.Step(drive(n, k+6), out)
				b.Step(drive(n, k+6), outB)
				if !same() || !slices.EqualFunc(out, outB, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) }) {
					t.Fatalf("%T n=%d: step %d after the restore differs", a, n, k)
				}
			}
		}
	}
}

// TestCheckpointRefused restores checkpoints into traces they do not fit.
func TestCheckpointRefused(t *testing.T) {
	src := tracers(t, 10, 1)
	var stream bytes.Buffer
	w := bufio.NewWriter(&stream)
	for _, s := range src {
		s.WriteTo(w)
	}
	w.Flush()
	data, _ := src[0].MarshalBinary()
	euler, _ := NewDoubleTracer(DoubleTracerConfig{Units: 10, Dt: 1, Tau2: spark.PerUnit([]float32{3, 3.3, 3.6, 3.9, 4.2, 3, 3.3, 3.6, 3.9, 4.2})})
	ddata, _ := src[3].MarshalBinary()
	for _, c := range []struct {
		dst  Trace
		data []byte
		want string
	}{
		{src[1], data, "spark: restoring a trace.RDTracer: a checkpoint of trace.Tracer, not of trace.RDTracer"},
		{tracers(t, 11, 1)[0], data, "units = 10 in the checkpoint, 11 here"},
		{tracers(t, 10, 0.25)[0], data, "time step 1 ms in the checkpoint, 0.25 ms here"},
		{euler, ddata, "forward_euler = 1 in the checkpoint, 0 here"},
		{tracers(t, 10, 1)[0], data[:len(data)-4], "unexpected EOF"},
	} {
		before := slices.Clone(c.dst.States()[0])
		err := c.dst.UnmarshalBinary(c.data)
		var ce *spark.CheckpointError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
		if !slices.Equal(before, c.dst.States()[0]) {
			t.Errorf("%q: a refused checkpoint changed the state", c.want)
		}
	}
	// Records in one stream read back in order.
	r := bufio.NewReader(&stream)
	for _, d := range tracers(t, 10, 1) {
		if _, err := d.ReadFrom(r); err != nil {
			t.Fatal(err)
		}
	}
}
