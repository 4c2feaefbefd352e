// Package trace holds the traces of Spark's tracers (docs/models.md, "Traces"):
// exponential traces over float32 arrays, the low-pass filters that turn
// spikes into synaptic currents. Each is a population of Units traces,
// stepped with a drive x (one value per trace) into an output.
//
// One stage with rate λ = 1 − exp(−dt/τ), scale c and base b is
//
//	T ← T + λ·(b − T) + c·x
//
// starting at b: T relaxes to b with time constant τ and jumps by c·x. The
// tracers combine stages: [Tracer] is one, [RDTracer] a rise and a decay
// stage, [RFSTracer] a rise with a fast and a slow decay, [DoubleTracer] two
// in cascade. Every parameter is uniform or one value per trace.
//
// A tracer is not safe for concurrent use: Step updates its states in
// place. To step many traces on several cores, shard them: one tracer per
// shard of units, each stepped by its own goroutine on its own part of the
// drive and output.
//
// Every tracer saves its states with WriteTo or MarshalBinary and restores
// them with ReadFrom or UnmarshalBinary into traces of the same config
// (docs/checkpoints.md).
//
// A tracer comes from its constructor. The zero value (Tracer{}) has no
// traces: Units and Dt return 0, the state accessors nil and Reset does
// nothing; every other method panics with "trace.Tracer: zero value: use
// NewTracer".
package trace

import (
	"encoding"
	"io"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/tracer"
)

// Trace is what every tracer does. The tracers share these methods' code,
// which go doc lists here rather than under each type.
type Trace interface {
	// Units returns the number of traces.
	Units() int
	// Dt returns the time step (ms).
	Dt() float64
	// Step advances every trace by one time step given its drive x and
	// writes its output to out, which may be x. len(x) and len(out) must
	// be Units(); Step panics otherwise, before reading or writing
	// anything. It allocates nothing.
	Step(x, out []float32)
	// Reset sets every stage to its base.
	Reset()
	// States returns the live state arrays, one per stage: writing to
	// them changes the traces.
	States() [][]float32

	// WriteTo writes a checkpoint of the traces to w (the model, Units,
	// Dt and parameters, and every stage's state) and returns the bytes
	// written; MarshalBinary returns the same bytes. ReadFrom and
	// UnmarshalBinary restore one into traces of the same model, Units,
	// Dt and parameters, which then step on bit for bit as the ones that
	// wrote it would have; they return a *[spark.CheckpointError],
	// changing nothing, for any other. ReadFrom reads nothing past the
	// checkpoint. docs/checkpoints.md describes the format.
	io.WriterTo
	io.ReaderFrom
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

var (
	_ Trace = (*Tracer)(nil)
	_ Trace = (*RDTracer)(nil)
	_ Trace = (*RFSTracer)(nil)
	_ Trace = (*DoubleTracer)(nil)
)

// core is what every tracer embeds: the engine, whose methods it forwards.
// T is the public type, for the panic of a zero value, which has no engine;
// each type embeds it through an unexported alias (tracerCore =
// core[Tracer]), which go doc leaves out of the type's fields as it does
// not an instantiation.
type core[T any] struct{ t *tracer.Trace }

// live panics unless the traces were made by their constructor.
func (c core[T]) live() {
	if c.t == nil {
		panic(config.ZeroValue[T]())
	}
}

// Units returns the number of traces.
func (c core[T]) Units() int {
	if c.t == nil {
		return 0
	}
	return c.t.Units()
}

// Dt returns the time step (ms).
func (c core[T]) Dt() float64 {
	if c.t == nil {
		return 0
	}
	return c.t.Dt()
}

// Step advances every trace by one time step; see [Trace].
func (c core[T]) Step(x, out []float32) {
	c.live()
	c.t.Step(x, out)
}

// Reset sets every stage to its base.
func (c core[T]) Reset() {
	if c.t != nil {
		c.t.Reset()
	}
}

// States returns the live state arrays, one per stage; see [Trace].
func (c core[T]) States() [][]float32 {
	if c.t == nil {
		return nil
	}
	return capped(c.t.States())
}

// WriteTo writes a checkpoint of the traces to w; see [Trace].
func (c core[T]) WriteTo(w io.Writer) (int64, error) {
	c.live()
	return ckpt.Write(w, c.t.Header(), c.t.Arrays()...)
}

// ReadFrom restores the traces from a checkpoint; see [Trace].
func (c core[T]) ReadFrom(r io.Reader) (int64, error) {
	c.live()
	n, err := ckpt.Read(r, c.t.Header(), nil, c.t.Arrays()...)
	return n, c.refused(err)
}

// MarshalBinary returns the checkpoint that WriteTo writes.
func (c core[T]) MarshalBinary() ([]byte, error) {
	c.live()
	return ckpt.Marshal(c.t.Header(), c.t.Arrays()...), nil
}

// UnmarshalBinary restores the traces from data, which must hold one
// checkpoint; see [Trace].
func (c core[T]) UnmarshalBinary(data []byte) error {
	c.live()
	return c.refused(ckpt.Unmarshal(data, c.t.Header(), nil, c.t.Arrays()...))
}

// refused wraps the error of a checkpoint refused.
func (c core[T]) refused(err error) error {
	if err == nil {
		return nil
	}
	return &spark.CheckpointError{Type: c.t.Header().Kind, Err: err}
}

// state returns the live state of stage k; nil for a zero value.
func (c core[T]) state(k int) []float32 {
	if c.t == nil {
		return nil
	}
	st := c.t.State(k)
	return st[:len(st):len(st)]
}

// capped cuts the capacity of each state array to its length, so that an
// append copies it rather than writing into the padding that the kernels
// run over.
func capped(states [][]float32) [][]float32 {
	for k, st := range states {
		states[k] = st[:len(st):len(st)]
	}
	return states
}

// build validates a config and builds its traces.
func build[T any](typ string, m tracer.Model, units int, dt float64, euler bool, fields []config.Field) (core[T], error) {
	dt, p, err := config.Resolve("trace."+typ+"Config", units, dt, fields)
	if err != nil {
		return core[T]{}, err
	}
	return core[T]{tracer.New("trace."+typ, m, dt, units, p, euler)}, nil
}

// TracerConfig configures a [Tracer].
type TracerConfig struct {
	Units int     // number of traces, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	Tau   spark.Param // time constant τ (ms), > 0; default 5
	Scale spark.Param // scale c of the drive; default 1
	Base  spark.Param // base b, the value T relaxes to; default 0
}

// Tracer is one exponential stage per unit (Spark's Tracer):
//
//	T ← T + λ·(b − T) + c·x,  λ = 1 − exp(−dt/τ)
//
// Its output is T.
//
// A Tracer is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type Tracer struct{ tracerCore }

type tracerCore = core[Tracer]

// NewTracer returns traces at their base, or a *[spark.ConfigError].
func NewTracer(cfg TracerConfig) (*Tracer, error) {
	c, err := build[Tracer]("Tracer", tracer.Single, cfg.Units, cfg.Dt, false,
		config.TraceStage("", "", &cfg.Tau, &cfg.Scale, &cfg.Base, 5))
	if err != nil {
		return nil, err
	}
	return &Tracer{c}, nil
}

// Value returns T of every unit; the slice is the state itself.
func (t *Tracer) Value() []float32 { return t.state(0) }

// RDTracerConfig configures an [RDTracer].
type RDTracerConfig struct {
	Units int     // number of traces, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	TauRise    spark.Param // rise time constant τr (ms), > 0; default 1
	ScaleRise  spark.Param // scale of the rise stage's drive; default 1
	BaseRise   spark.Param // base of the rise stage; default 0
	TauDecay   spark.Param // decay time constant τd (ms), > 0; default 5
	ScaleDecay spark.Param // scale of the decay stage's drive; default 1
	BaseDecay  spark.Param // base of the decay stage; default 0
}

// RDTracer is a rise–decay trace (Spark's RDTracer): a rise stage with the
// coupled time constant τr' = τr·τd/(τr + τd) and a decay stage with τd,
// both driven by x. Its output, T_decay − T_rise, is a difference of
// exponentials: for scales of 1 a spike gives a current that rises with
// τr' and decays with τd.
//
// A RDTracer is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type RDTracer struct{ rDTracerCore }

type rDTracerCore = core[RDTracer]

// NewRDTracer returns traces at their bases, or a *[spark.ConfigError].
func NewRDTracer(cfg RDTracerConfig) (*RDTracer, error) {
	c, err := build[RDTracer]("RDTracer", tracer.RD, cfg.Units, cfg.Dt, false, append(
		config.TraceStage("Rise", "_rise", &cfg.TauRise, &cfg.ScaleRise, &cfg.BaseRise, 1),
		config.TraceStage("Decay", "_decay", &cfg.TauDecay, &cfg.ScaleDecay, &cfg.BaseDecay, 5)...))
	if err != nil {
		return nil, err
	}
	return &RDTracer{c}, nil
}

// Rise returns the rise stage's state; the slice is the state itself.
func (t *RDTracer) Rise() []float32 { return t.state(0) }

// Decay returns the decay stage's state; the slice is the state itself.
func (t *RDTracer) Decay() []float32 { return t.state(1) }

// RFSTracerConfig configures an [RFSTracer].
type RFSTracerConfig struct {
	Units int     // number of traces, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	Alpha          spark.Param // weight α of the fast component, in [0, 1]; default 0.8
	TauRise        spark.Param // rise time constant τr (ms), > 0; default 1
	ScaleRise      spark.Param // scale of both rise stages; default 1
	BaseRise       spark.Param // base of both rise stages; default 0
	TauFastDecay   spark.Param // fast decay time constant (ms), > 0; default 5
	ScaleFastDecay spark.Param // scale of the fast decay stage; default 1
	BaseFastDecay  spark.Param // base of the fast decay stage; default 0
	TauSlowDecay   spark.Param // slow decay time constant (ms), > 0; default 50
	ScaleSlowDecay spark.Param // scale of the slow decay stage; default 1
	BaseSlowDecay  spark.Param // base of the slow decay stage; default 0
}

// RFSTracer is a rise, fast-decay and slow-decay trace (Spark's RFSTracer):
// two [RDTracer]s sharing the rise parameters, one decaying with
// τ_fast_decay and one with τ_slow_decay. Its output is
//
//	α·(T_fast_decay − T_fast_rise) + (1 − α)·(T_slow_decay − T_slow_rise)
//
// A RFSTracer is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type RFSTracer struct{ rFSTracerCore }

type rFSTracerCore = core[RFSTracer]

// NewRFSTracer returns traces at their bases, or a *[spark.ConfigError].
func NewRFSTracer(cfg RFSTracerConfig) (*RFSTracer, error) {
	f := []config.Field{{Name: "Alpha", Seed: "alpha", Param: &cfg.Alpha, Default: 0.8, Rule: config.Fraction}}
	f = append(f, config.TraceStage("Rise", "_rise", &cfg.TauRise, &cfg.ScaleRise, &cfg.BaseRise, 1)...)
	f = append(f, config.TraceStage("FastDecay", "_fast_decay", &cfg.TauFastDecay, &cfg.ScaleFastDecay, &cfg.BaseFastDecay, 5)...)
	f = append(f, config.TraceStage("SlowDecay", "_slow_decay", &cfg.TauSlowDecay, &cfg.ScaleSlowDecay, &cfg.BaseSlowDecay, 50)...)
	c, err := build[RFSTracer]("RFSTracer", tracer.RFS, cfg.Units, cfg.Dt, false, f)
	if err != nil {
		return nil, err
	}
	return &RFSTracer{c}, nil
}

// FastRise returns the fast component's rise stage; the slice is the state
// itself, as for every stage accessor.
func (t *RFSTracer) FastRise() []float32 { return t.state(0) }

// FastDecay returns the fast component's decay stage.
func (t *RFSTracer) FastDecay() []float32 { return t.state(1) }

// SlowRise returns the slow component's rise stage.
func (t *RFSTracer) SlowRise() []float32 { return t.state(2) }

// SlowDecay returns the slow component's decay stage.
func (t *RFSTracer) SlowDecay() []float32 { return t.state(3) }

// DoubleTracerConfig configures a [DoubleTracer].
type DoubleTracerConfig struct {
	Units int     // number of traces, > 0 and at most spark.MaxUnits
	Dt    float64 // time step (ms), > 0; 0 means 1 ms

	Tau1   spark.Param // first stage's time constant (ms), > 0; default 5
	Scale1 spark.Param // scale of the first stage's drive; default 1
	Base1  spark.Param // first stage's base; default 0
	Tau2   spark.Param // second stage's time constant (ms), > 0; default 5
	Scale2 spark.Param // scale of the second stage's drive, T1; default 1
	Base2  spark.Param // second stage's base; default 0

	// ForwardEuler selects the earlier release's rate λ = dt/τ for both
	// stages instead of 1 − exp(−dt/τ).
	ForwardEuler bool
}

// DoubleTracer is two stages in cascade (the earlier release's
// DoubleTracer):
//
//	T1 ← T1 + λ1·(b1 − T1) + c1·x
//	T2 ← T2 + λ2·(b2 − T2) + c2·T1
//
// the second driven by the first's new value. Its output is T2.
//
// A DoubleTracer is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type DoubleTracer struct{ doubleTracerCore }

type doubleTracerCore = core[DoubleTracer]

// NewDoubleTracer returns traces at their bases, or a *[spark.ConfigError].
func NewDoubleTracer(cfg DoubleTracerConfig) (*DoubleTracer, error) {
	c, err := build[DoubleTracer]("DoubleTracer", tracer.Double, cfg.Units, cfg.Dt, cfg.ForwardEuler, append(
		config.TraceStage("1", "_1", &cfg.Tau1, &cfg.Scale1, &cfg.Base1, 5),
		config.TraceStage("2", "_2", &cfg.Tau2, &cfg.Scale2, &cfg.Base2, 5)...))
	if err != nil {
		return nil, err
	}
	return &DoubleTracer{c}, nil
}

// First returns T1 of every unit; the slice is the state itself.
func (t *DoubleTracer) First() []float32 { return t.state(0) }

// Second returns T2 of every unit; the slice is the state itself.
func (t *DoubleTracer) Second() []float32 { return t.state(1) }
