// Package soma holds the neuron models of Spark (docs/models.md gives each
// one's equations, units, defaults and the current that makes it spike): a
// population of units, each with a potential, that Step advances by one
// time step from its input currents (pA) to its spikes, one bit per unit
// ([spark.Spikes]). Every model implements [Soma]; its constructor checks
// the config and returns a *[spark.ConfigError] for a bad one. [New] makes
// any model with its defaults by name ([Models]), for a program that picks
// it from a flag or a file.
//
// A population is not safe for concurrent use: Step updates its state in
// place. To step a large network on several cores, cut its units into
// shards, each stepped by its own goroutine in lockstep (package lockstep
// runs them), with the synapses into a shard built with syn.Rows for its
// units. A shard's somas are either
//
//   - a range of one population: StepRange(lo, hi, current, spikes) steps
//     units lo to hi−1 only, lo and hi each a multiple of 64 or Units(),
//     and reads and writes nothing of the other units, nor any
//     other word of spikes. Goroutines may step disjoint ranges of one
//     population at once, each on the population's full-length current and
//     spikes, and the result is Step's bit for bit: a range runs Step's
//     kernels on Step's blocks. The network keeps one population, one
//     current and one spike set, which the accessors, a checkpoint and the
//     synapses see whole: StepRange takes the full-length slices, not a
//     view of them, for that, and allocates nothing. Use it to spread an
//     existing network over cores without restructuring it; the ranges
//     must start on 64-unit blocks.
//   - one population per shard, with its own currents and spike words:
//     the shards share no memory, not even the cache line of a boundary's
//     spike words, and may be of any size, parameters and model. Use it
//     when the shards differ or each keeps its own state anyway, as
//     bench/cuba.go's do.
//
// The units of two shards never meet in a soma, but the synapses mix them:
// a step's currents come from every shard's spikes of the step before, so
// every shard's step t must finish before any shard's step t+1 starts, as
// lockstep.Team's barrier ensures (see the package's example StepRange).
//
// Every population saves its whole state with WriteTo or MarshalBinary and
// restores it with ReadFrom or UnmarshalBinary, into a population of the same
// model, size, time step and parameters, in another process if need be: it
// then steps on bit for bit as the one that saved it would have.
// docs/checkpoints.md describes what a checkpoint holds, its errors and its
// format, and how a network saves itself (see the example Checkpoint).
//
// A population comes from its constructor. The zero value (Leaky{}) has no
// units: Units and Dt return 0, the state accessors nil and Reset does
// nothing; every other method panics with "soma.Leaky: zero value: use
// NewLeaky".
package soma

import (
	"encoding"
	"fmt"
	"io"
	"reflect"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
	"github.com/sparkgo/spark/syn"
)

// Soma is what every model of the package does: Step takes the input
// current of every unit (pA) and writes which units spiked; it updates the
// state in place and allocates nothing. The models share these methods'
// code, which go doc lists here rather than under each type.
type Soma interface {
	// Units returns the population size.
	Units() int
	// Dt returns the time step (ms).
	Dt() float64
	// Step advances every unit by one time step. len(current) must be
	// Units() and len(spikes) spark.SpikeWords(Units()); Step panics
	// otherwise, before reading or writing anything.
	Step(current []float32, spikes spark.Spikes)
	// StepTraced advances every unit by one time step together with the
	// traces of the synapse populations that feed it, which Deliver or
	// DeliverIndices gave this step's spikes: bit for bit as
	//
	//	inputs[0].Step(…, current)  // the spikes Deliver took
	//	inputs[1].StepAdd(…, current)
	//	…
	//	Step(current, spikes)
	//
	// would, but in one pass over the units where the model and path have
	// a fused kernel for that many inputs (two inputs: every model on AVX2
	// and AVX-512, all but AdaptiveExponential and
	// SimplifiedAdaptiveExponential on NEON; one input: the leaky models
	// and Izhikevich on every vector path; each decays each trace, takes
	// and empties its input, sums the currents, updates the unit and
	// writes its spike bit), without the currents between. Every input
	// must have Post = Units, synchronous spikes and a trace per post
	// unit, and come once (a trace steps once a step); StepTraced panics
	// otherwise, or on spikes of another length, before anything is
	// touched. It allocates nothing (but, once, the currents of a
	// population without a fused kernel, and the input of synapses that
	// never delivered before). Through this interface, give
	// the inputs as a slice (StepTraced(spikes, inputs...)): listed one
	// by one, Go builds their slice on the heap for a call it cannot see
	// the method of, one allocation a step.
	StepTraced(spikes spark.Spikes, inputs ...*syn.TracedSynapses)
	// StepRange advances units lo to hi−1 by one time step, bit for bit as
	// Step does, and touches no other unit nor any other word of spikes,
	// so that goroutines may step disjoint ranges at once (see the package
	// documentation). current and spikes are the population's, of Step's
	// lengths; lo and hi must each be a multiple of 64 or Units(), and
	// 0 ≤ lo ≤ hi ≤ Units(). StepRange panics otherwise, before reading or
	// writing anything.
	StepRange(lo, hi int, current []float32, spikes spark.Spikes)
	// Reset restores every state to its initial value.
	Reset()
	// Potential returns the potential of every unit relative to the resting
	// potential, V = V_abs − potential_rest (mV). The slice is the state
	// itself: a write to it changes the population.
	Potential() []float32
	// AbsolutePotential writes V + potential_rest (mV) of every unit to dst,
	// which must have Units() elements, and returns it; a nil dst is
	// allocated.
	AbsolutePotential(dst []float32) []float32
	// SetAbsolutePotential sets V = src − potential_rest for every unit.
	SetAbsolutePotential(src []float32)

	// WriteTo writes a checkpoint of the population to w (the model, its
	// Units, Dt and parameters, and every state array) and returns the
	// bytes written; MarshalBinary returns the same bytes. ReadFrom and
	// UnmarshalBinary restore one into a population of the same model,
	// Units, Dt and parameters, which then steps on bit for bit as the one
	// that wrote it would have; they return a *[spark.CheckpointError],
	// changing nothing, for any other. ReadFrom reads nothing past the
	// checkpoint, so that a network's checkpoints may follow one another
	// in one stream. docs/checkpoints.md describes the format.
	io.WriterTo
	io.ReaderFrom
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

var (
	_ Soma = (*Leaky)(nil)
	_ Soma = (*RefractoryLeaky)(nil)
	_ Soma = (*StrictRefractoryLeaky)(nil)
	_ Soma = (*AdaptiveLeaky)(nil)
	_ Soma = (*Exponential)(nil)
	_ Soma = (*RefractoryExponential)(nil)
	_ Soma = (*AdaptiveExponential)(nil)
	_ Soma = (*SimplifiedAdaptiveExponential)(nil)
	_ Soma = (*Izhikevich)(nil)
)

// population is what every soma has: its size, time step, and potential.
// T is the public type that embeds it, for messages: a zero value, made
// without its constructor, has no other record of it. Each type embeds it
// through an unexported alias (leakyPopulation = population[Leaky]), which
// go doc leaves out of the type's fields as it does not an instantiation.
type population[T any] struct {
	n     int
	dt    float64
	v     []float32           // potential, rebased
	rest  mem.Stream[float32] // potential_rest, to convert to and from absolute potentials
	run   runFunc             // the model's kernel call, for Step and StepRange
	state stateFunc           // the model's state arrays, for checkpoints
	hdr   ckpt.Header         // what a checkpoint must match: model, Units, Dt, parameters

	traced  tracedFunc      // the model's fused step with one or two traced inputs, nil if it has none
	drives  [2]tracer.Drive // StepTraced's inputs, for traced
	current []float32       // StepTraced's currents, where it steps the traces on their own
}

// runFunc runs a model's kernel (impl's, read at each call) on spike words
// w0 to w1−1 of slices that Step or StepRange has checked.
type runFunc = func(current []float32, spikes []uint64, w0, w1 int)

// stateFunc returns a model's state arrays, as its checkpoint holds them.
type stateFunc = func() []ckpt.Array

func (p *population[T]) plan(b *mem.Block, n int, dt float64, params ref.Params, run runFunc, state stateFunc) {
	p.n, p.dt, p.run, p.state = n, dt, run, state
	p.hdr = ckpt.Header{Kind: "soma." + p.name(), Dt: dt,
		Params: append([]ckpt.Param{ckpt.Int("units", n)}, ckpt.Params(params)...)}
	mem.Array(b, &p.v, n)
	mem.PlanStream(b, &p.rest, params["potential_rest"])
}

// potential is the potential's checkpoint array.
func (p *population[T]) potential() ckpt.Array { return ckpt.Of("potential", p.v) }

// capped returns a state array as the accessors hand it out: its capacity
// cut to its length, so that an append copies it rather than writing into
// the padding that the kernels run over (mem.Array).
func capped[E float32 | uint16](x []E) []E { return x[:len(x):len(x)] }

// name is the type's name, for panics.
func (p *population[T]) name() string { return reflect.TypeFor[T]().Name() }

// live panics unless the population was made by its constructor.
func (p *population[T]) live() {
	if p.n == 0 {
		panic(config.ZeroValue[T]())
	}
}

// Units returns the population size.
func (p *population[T]) Units() int { return p.n }

// Dt returns the time step (ms).
func (p *population[T]) Dt() float64 { return p.dt }

// Potential returns the potential of every unit relative to the resting
// potential (mV). The slice is the state itself: writes to it change the
// population, so it serves to checkpoint and restore.
func (p *population[T]) Potential() []float32 { return capped(p.v) }

// AbsolutePotential writes the absolute potential of every unit (mV) to dst,
// which must have Units() elements (nil: allocated), and returns it.
func (p *population[T]) AbsolutePotential(dst []float32) []float32 {
	return p.toAbsolute("AbsolutePotential", dst, p.v)
}

// SetAbsolutePotential sets the potential of every unit from absolute values
// (mV); len(src) must be Units().
func (p *population[T]) SetAbsolutePotential(src []float32) {
	p.fromAbsolute("SetAbsolutePotential", p.v, src)
}

// toAbsolute writes x + potential_rest to dst.
func (p *population[T]) toAbsolute(fn string, dst, x []float32) []float32 {
	p.live()
	if dst == nil {
		dst = make([]float32, p.n)
	}
	p.checkLen(fn, "dst", len(dst))
	for i := range dst {
		dst[i] = x[i] + p.rest.At(i)
	}
	return dst
}

// fromAbsolute sets x to src − potential_rest.
func (p *population[T]) fromAbsolute(fn string, x, src []float32) {
	p.live()
	p.checkLen(fn, "src", len(src))
	for i := range x {
		x[i] = src[i] - p.rest.At(i)
	}
}

func (p *population[T]) checkLen(fn, arg string, n int) {
	if n != p.n {
		panic(fmt.Sprintf("soma: %s.%s: len(%s) = %d, want Units = %d", p.name(), fn, arg, n, p.n))
	}
}

// Step advances every unit by one time step; see [Soma].
func (p *population[T]) Step(current []float32, spikes spark.Spikes) {
	p.checkStep("Step", current, spikes)
	p.run(current, spikes, 0, len(spikes))
}

// StepRange advances units lo to hi−1 by one time step, as Step does them,
// and leaves the others, and the other words of spikes, untouched; see
// [Soma]. lo and hi must each be a multiple of 64 or Units().
func (p *population[T]) StepRange(lo, hi int, current []float32, spikes spark.Spikes) {
	p.checkStep("StepRange", current, spikes)
	if lo < 0 || lo > hi || hi > p.n || !p.boundary(lo) || !p.boundary(hi) {
		panic(fmt.Sprintf("soma: %s.StepRange: units [%d, %d): want 0 ≤ lo ≤ hi ≤ Units = %d, each a multiple of 64 or Units",
			p.name(), lo, hi, p.n))
	}
	p.run(current, spikes, spark.SpikeWords(lo), spark.SpikeWords(hi))
}

// WriteTo writes the population's checkpoint to w and returns the bytes
// written: its model, Units, Dt and parameters, and its whole state, in the
// format of docs/checkpoints.md; see [Soma].
func (p *population[T]) WriteTo(w io.Writer) (int64, error) {
	p.live()
	return ckpt.Write(w, p.hdr, p.state()...)
}

// ReadFrom restores the population from a checkpoint that WriteTo wrote
// and returns the bytes read; see [Soma].
func (p *population[T]) ReadFrom(r io.Reader) (int64, error) {
	p.live()
	n, err := ckpt.Read(r, p.hdr, nil, p.state()...)
	return n, p.refused(err)
}

// MarshalBinary returns the checkpoint that WriteTo writes.
func (p *population[T]) MarshalBinary() ([]byte, error) {
	p.live()
	return ckpt.Marshal(p.hdr, p.state()...), nil
}

// UnmarshalBinary restores the population from data, which must hold one
// checkpoint; see [Soma].
func (p *population[T]) UnmarshalBinary(data []byte) error {
	p.live()
	return p.refused(ckpt.Unmarshal(data, p.hdr, nil, p.state()...))
}

// refused wraps the error of a checkpoint refused.
func (p *population[T]) refused(err error) error {
	if err == nil {
		return nil
	}
	return &spark.CheckpointError{Type: p.hdr.Kind, Err: err}
}

// boundary reports whether unit i starts a block or ends the population.
func (p *population[T]) boundary(i int) bool { return i%mem.BlockLen == 0 || i == p.n }

// checkStep panics unless the population was made by its constructor and
// the slices of Step or StepRange (fn) fit it.
func (p *population[T]) checkStep(fn string, current []float32, spikes spark.Spikes) {
	if len(current) != p.n || len(spikes) != spark.SpikeWords(p.n) || p.n == 0 {
		p.live()
		panic(fmt.Sprintf("soma: %s.%s: len(current) = %d, len(spikes) = %d words; want %d and spark.SpikeWords(%d) = %d",
			p.name(), fn, len(current), len(spikes), p.n, p.n, spark.SpikeWords(p.n)))
	}
}

// refractory is the counter r of the refractory somas and its cooldown c
// (steps). A unit is ready when r > c (r ≥ c for the strict soma).
type refractory struct {
	r []uint16
	c mem.Stream[uint16]
}

func (rf *refractory) plan(b *mem.Block, n int, c []uint16) {
	mem.Array(b, &rf.r, n)
	mem.PlanStream(b, &rf.c, c)
}

// Refractory returns the refractory counter of every unit: the steps since
// its last spike, starting at the cooldown c and saturating at 65535. The
// slice is the state itself.
func (rf *refractory) Refractory() []uint16 { return capped(rf.r) }

func (rf *refractory) reset() { rf.c.Fill(rf.r) }

func (rf *refractory) array() ckpt.Array { return ckpt.Of("refractory", rf.r) }

// adaptiveThreshold is the moving threshold θ of the adaptive somas, with
// its baseline thr, rate λθ = rate(threshold_tau) and jump threshold_delta.
type adaptiveThreshold struct {
	theta              []float32
	thr                mem.Stream[float32]
	lTheta, deltaTheta mem.Stream[float32]
}

func (th *adaptiveThreshold) plan(b *mem.Block, n int, thr ref.P, m *ref.AdaptiveThreshold) {
	mem.Array(b, &th.theta, n)
	mem.PlanStream(b, &th.thr, thr)
	mem.PlanStream(b, &th.lTheta, m.LTheta)
	mem.PlanStream(b, &th.deltaTheta, m.DeltaTheta)
}

func (th *adaptiveThreshold) reset() { th.thr.Fill(th.theta) }

func (th *adaptiveThreshold) array() ckpt.Array { return ckpt.Of("threshold", th.theta) }

// Threshold returns the threshold θ of every unit relative to the resting
// potential (mV). The slice is the state itself.
func (th *adaptiveThreshold) Threshold() []float32 { return capped(th.theta) }

// leakyConsts are the constants of the leaky somas' potential update, and
// the scratch block through which the assembly kernels run the last,
// partial block of units.
type leakyConsts struct {
	d, gR, thr, reset mem.Stream[float32]
	tail              []float32 // mem.BlockLen inputs
}

func (k *leakyConsts) plan(b *mem.Block, m *ref.Leaky) {
	mem.Array(b, &k.tail, mem.BlockLen)
	mem.PlanStream(b, &k.d, m.D)
	mem.PlanStream(b, &k.gR, m.GR)
	mem.PlanStream(b, &k.thr, m.Thr)
	mem.PlanStream(b, &k.reset, m.Reset)
}

// exponentialConsts are the constants of the exponential somas' potential
// update, and the scratch block of the assembly kernels' last block.
type exponentialConsts struct {
	k, delta, rh, r, thr, reset mem.Stream[float32]
	tail                        []float32 // mem.BlockLen inputs
}

func (k *exponentialConsts) plan(b *mem.Block, m *ref.Exponential) {
	mem.Array(b, &k.tail, mem.BlockLen)
	mem.PlanStream(b, &k.k, m.K)
	mem.PlanStream(b, &k.delta, m.Delta)
	mem.PlanStream(b, &k.rh, m.Rh)
	mem.PlanStream(b, &k.r, m.R)
	mem.PlanStream(b, &k.thr, m.Thr)
	mem.PlanStream(b, &k.reset, m.Reset)
}
