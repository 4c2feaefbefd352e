// Package tracer implements the four trace models of docs/models.md ("Traces") over
// float32 arrays: the engine of the public trace package, and of the traced
// synapses, which drive one trace per post unit or per connection.
package tracer

import (
	"fmt"

	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
)

// Model is one of the trace models.
type Model int

const (
	Single Model = iota // Tracer: T ← T + λ·(b − T) + c·x, output T
	RD                  // RDTracer: rise and decay stages, output T_decay − T_rise
	RFS                 // RFSTracer: two RD tracers, output α·fast + (1 − α)·slow
	Double              // DoubleTracer: two stages in cascade, output T2
	models
)

// ByName maps the synapse models to their trace models.
var ByName = map[string]Model{
	"TracedSynapses":       Single,
	"RDTracedSynapses":     RD,
	"RFSTracedSynapses":    RFS,
	"DoubleTracedSynapses": Double,
}

// stageNames are the names of each model's stages, as its checkpoint
// names their state arrays.
var stageNames = [models][]string{
	Single: {"value"},
	RD:     {"rise", "decay"},
	RFS:    {"fast_rise", "fast_decay", "slow_rise", "slow_decay"},
	Double: {"first", "second"},
}

// stage is the constants of one exponential stage: rate λ, scale c, base b.
type stage struct {
	l, c, b mem.Stream[float32]
}

func (s *stage) plan(b *mem.Block, r *ref.Stage) {
	mem.PlanStream(b, &s.l, r.L)
	mem.PlanStream(b, &s.c, r.C)
	mem.PlanStream(b, &s.b, r.B)
}

// Trace is a population of traces of one model.
type Trace struct {
	name   string // the public type, for panics
	model  Model
	n      int
	dt     float64
	stages []stage                // 1 (Single), 2 (RD: rise, decay; Double: first, second) or 4 (RFS: fast rise, fast decay, slow rise, slow decay)
	alpha  [2]mem.Stream[float32] // RFS: α and 1 − α
	st     [][]float32            // one state array per stage
	// uniform says whether every constant is one value for all traces:
	// the assembly kernels then hold them in registers.
	uniform bool
	// tail is the scratch through which the assembly kernels run the last,
	// partial block: 2·mem.BlockLen values, the drive's and the output's.
	tail []float32
	// hdr is what a checkpoint of the traces must match.
	hdr ckpt.Header
}

// New builds n traces of model m at time step dt (ms) from parameters by
// seed name (validated), each one value or n values. name is the public type,
// for panics; euler selects the forward-Euler rate dt/τ (Double only).
func New(name string, m Model, dt float64, n int, p ref.Params, euler bool) *Trace {
	t := &Trace{name: name, model: m, n: n, dt: dt}
	t.hdr = ckpt.Header{Kind: name, Dt: dt, Params: append([]ckpt.Param{ckpt.Int("units", n), ckpt.Flag("forward_euler", euler)},
		ckpt.Params(p)...)}
	var b mem.Block
	var stages []*ref.Stage
	switch m {
	case Single:
		r := ref.NewTracer(dt, p)
		stages = []*ref.Stage{&r.Stage}
	case RD:
		r := ref.NewRDTracer(dt, p)
		stages = []*ref.Stage{&r.Rise, &r.Decay}
	case RFS:
		r := ref.NewRFSTracer(dt, p)
		stages = []*ref.Stage{&r.Fast.Rise, &r.Fast.Decay, &r.Slow.Rise, &r.Slow.Decay}
		mem.PlanStream(&b, &t.alpha[0], r.Alpha)
		mem.PlanStream(&b, &t.alpha[1], r.Alpha1)
	case Double:
		r := ref.NewDoubleTracer(dt, p, euler)
		stages = []*ref.Stage{&r.First, &r.Second}
	default:
		panic(fmt.Sprintf("tracer: unknown model %d", m))
	}
	t.stages = make([]stage, len(stages))
	t.st = make([][]float32, len(stages))
	for k, r := range stages {
		mem.Array(&b, &t.st[k], n)
		t.stages[k].plan(&b, r)
	}
	mem.Array(&b, &t.tail, 2*mem.BlockLen)
	b.Alloc()
	t.uniform = m != RFS || t.alpha[0].Uniform() && t.alpha[1].Uniform()
	for k := range t.stages {
		s := &t.stages[k]
		t.uniform = t.uniform && s.l.Uniform() && s.c.Uniform() && s.b.Uniform()
	}
	t.Reset()
	return t
}

// Units returns the number of traces.
func (t *Trace) Units() int { return t.n }

// Dt returns the time step (ms).
func (t *Trace) Dt() float64 { return t.dt }

// Reset sets every stage to its base.
func (t *Trace) Reset() {
	for k := range t.stages {
		t.stages[k].b.Fill(t.st[k])
	}
}

// States returns the live state arrays, one per stage: the slices are the
// state itself, so that a simulator can read, checkpoint and restore it.
func (t *Trace) States() [][]float32 { return append([][]float32(nil), t.st...) }

// Stage returns stage k's state and constants: rate λ, scale c, base b.
func (t *Trace) Stage(k int) (state []float32, l, c, b *mem.Stream[float32]) {
	s := &t.stages[k]
	return t.st[k], &s.l, &s.c, &s.b
}

// Single reports whether the traces have one stage (model Single).
func (t *Trace) Single() bool { return t.model == Single }

// StepDrain steps the traces on the sparse accumulator x and leaves it
// zero, writing (add: adding) their output to out: StepDrainUnchecked
// where the path has a draining kernel, else StepUnchecked or
// StepAddUnchecked, then a clear, which give the same bits. out must not
// overlap x.
func (t *Trace) StepDrain(x, out []float32, add bool) {
	switch {
	case t.Drains():
		t.StepDrainUnchecked(x, out, add)
	case add:
		t.StepAddUnchecked(x, out)
		clear(x)
	default:
		t.StepUnchecked(x, out)
		clear(x)
	}
}

// Drive is a traced synapse population as a soma's StepTraced takes it:
// its trace, one per post unit, and the scattered input that the trace
// drains, padded to whole blocks (cap), zero but for what Deliver added.
type Drive struct {
	Trace *Trace
	X     []float32
	// Delivered is the synapses' flag that Deliver gathered X for this
	// step: the soma's StepTraced clears it once it has taken X.
	Delivered *bool
}

// DriveOf returns the Drive of a traced synapse population (a
// *syn.TracedSynapses), or the reason it has none. Package syn sets it:
// soma, which calls it, sees syn's types but not their fields.
var DriveOf func(synapses any) (Drive, string)

// Header returns what a checkpoint of the traces must match: their
// public type, number, time step and parameters.
func (t *Trace) Header() ckpt.Header { return t.hdr }

// Arrays returns the state arrays, one per stage, as a checkpoint holds
// them.
func (t *Trace) Arrays() []ckpt.Array {
	a := make([]ckpt.Array, len(t.st))
	for k, st := range t.st {
		a[k] = ckpt.Of(stageNames[t.model][k], st)
	}
	return a
}

// State returns the live state array of stage k.
func (t *Trace) State(k int) []float32 { return t.st[k] }

// Step advances every trace by one time step given its drive x and writes
// its output to out; len(x) and len(out) must be Units(), and out may be x.
// It panics, before reading or writing anything, on other lengths.
func (t *Trace) Step(x, out []float32) {
	if len(x) != t.n || len(out) != t.n {
		panic(fmt.Sprintf("%s.Step: len(x) = %d, len(out) = %d, want Units = %d", t.name, len(x), len(out), t.n))
	}
	t.StepUnchecked(x, out)
}

// StepAddUnchecked is Step adding the output to out (out[i] += output)
// rather than writing it; out must not overlap x, and the caller has
// checked the lengths.
func (t *Trace) StepAddUnchecked(x, out []float32) { impl.step[t.model][adding](t, x, out) }

// Drains reports whether StepDrainUnchecked runs in the same pass as the
// update: on the assembly paths.
func (t *Trace) Drains() bool { return impl.step[t.model][draining] != nil }

// StepDrainUnchecked is StepUnchecked, or with add StepAddUnchecked, that
// also sets x to zero as it reads it: for a drive accumulated sparsely,
// which would otherwise be zeroed entry by entry afterwards. It needs
// Drains; out must not overlap x.
func (t *Trace) StepDrainUnchecked(x, out []float32, add bool) {
	if !t.Drains() {
		panic(fmt.Sprintf("%s: StepDrain without a draining kernel", t.name))
	}
	f := draining
	if add {
		f = drainAdd
	}
	impl.step[t.model][f](t, x, out)
}

// StepUnchecked is Step for callers that have checked the lengths.
func (t *Trace) StepUnchecked(x, out []float32) { impl.step[t.model][plain](t, x, out) }
