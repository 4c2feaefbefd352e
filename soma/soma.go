package soma

import (
	"fmt"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
)

// Soma is what every model of the package does. Step takes the input current
// of every unit (pA) and writes which units spiked; it updates the state in
// place and allocates nothing.
type Soma interface {
	// Units returns the population size.
	Units() int
	// Dt returns the time step (ms).
	Dt() float64
	// Step advances every unit by one time step. len(current) must be
	// Units() and len(spikes) spark.SpikeWords(Units()); Step panics
	// otherwise, before reading or writing anything.
	Step(current []float32, spikes spark.Spikes)
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

// blockLen is the number of units the portable kernels update at a time: the
// units of one spike word.
const blockLen = 64

// stream is a constant as the kernels read it: one value per unit, or, when
// uniform, the value repeated blockLen times, so that a kernel reads a block
// of either form the same way.
type stream[T float32 | uint16] struct {
	v       []T
	uniform bool
}

// planStream plans s to hold p, one value for all units (len(p) = 1) or one
// per unit.
func planStream[T float32 | uint16](b *mem.Block, s *stream[T], p []T) {
	s.uniform = len(p) == 1
	if s.uniform {
		rep := make([]T, blockLen)
		for i := range rep {
			rep[i] = p[0]
		}
		p = rep
	}
	mem.Copy(b, &s.v, p)
}

// block returns the values of units lo to hi, at most blockLen of them.
func (s *stream[T]) block(lo, hi int) []T {
	if s.uniform {
		return s.v[:hi-lo]
	}
	return s.v[lo:hi]
}

// at returns the value of unit i.
func (s *stream[T]) at(i int) T {
	if s.uniform {
		return s.v[0]
	}
	return s.v[i]
}

// fill sets dst[i] to the value of unit i.
func (s *stream[T]) fill(dst []T) {
	if !s.uniform {
		copy(dst, s.v)
		return
	}
	for i := range dst {
		dst[i] = s.v[0]
	}
}

// population is what every soma has: its size, time step, and potential.
type population struct {
	name string // the type, for panics
	n    int
	dt   float64
	v    []float32       // potential, rebased
	rest stream[float32] // potential_rest, to convert to and from absolute potentials
}

func (p *population) plan(b *mem.Block, name string, n int, dt float64, params ref.Params) {
	p.name, p.n, p.dt = name, n, dt
	mem.Array(b, &p.v, n)
	planStream(b, &p.rest, params["potential_rest"])
}

// Units returns the population size.
func (p *population) Units() int { return p.n }

// Dt returns the time step (ms).
func (p *population) Dt() float64 { return p.dt }

// Potential returns the potential of every unit relative to the resting
// potential (mV). The slice is the state itself: writes to it change the
// population, so it serves to checkpoint and restore.
func (p *population) Potential() []float32 { return p.v }

// AbsolutePotential writes the absolute potential of every unit (mV) to dst,
// which must have Units() elements (nil: allocated), and returns it.
func (p *population) AbsolutePotential(dst []float32) []float32 {
	return p.toAbsolute("AbsolutePotential", dst, p.v)
}

// SetAbsolutePotential sets the potential of every unit from absolute values
// (mV); len(src) must be Units().
func (p *population) SetAbsolutePotential(src []float32) {
	p.fromAbsolute("SetAbsolutePotential", p.v, src)
}

// toAbsolute writes x + potential_rest to dst.
func (p *population) toAbsolute(fn string, dst, x []float32) []float32 {
	if dst == nil {
		dst = make([]float32, p.n)
	}
	p.checkLen(fn, "dst", len(dst))
	for i := range dst {
		dst[i] = x[i] + p.rest.at(i)
	}
	return dst
}

// fromAbsolute sets x to src − potential_rest.
func (p *population) fromAbsolute(fn string, x, src []float32) {
	p.checkLen(fn, "src", len(src))
	for i := range x {
		x[i] = src[i] - p.rest.at(i)
	}
}

func (p *population) checkLen(fn, arg string, n int) {
	if n != p.n {
		panic(fmt.Sprintf("soma: %s.%s: len(%s) = %d, want Units = %d", p.name, fn, arg, n, p.n))
	}
}

// checkStep panics unless Step's slices fit the population.
func (p *population) checkStep(current []float32, spikes spark.Spikes) {
	if len(current) != p.n || len(spikes) != spark.SpikeWords(p.n) {
		panic(fmt.Sprintf("soma: %s.Step: len(current) = %d, len(spikes) = %d words; want %d and spark.SpikeWords(%d) = %d",
			p.name, len(current), len(spikes), p.n, p.n, spark.SpikeWords(p.n)))
	}
}

// refractory is the counter r of the refractory somas and its cooldown c
// (steps). A unit is ready when r > c (r ≥ c for the strict soma).
type refractory struct {
	r []uint16
	c stream[uint16]
}

func (rf *refractory) plan(b *mem.Block, n int, c []uint16) {
	mem.Array(b, &rf.r, n)
	planStream(b, &rf.c, c)
}

// Refractory returns the refractory counter of every unit: the steps since
// its last spike, starting at the cooldown c and saturating at 65535. The
// slice is the state itself.
func (rf *refractory) Refractory() []uint16 { return rf.r }

func (rf *refractory) reset() { rf.c.fill(rf.r) }

// adaptiveThreshold is the moving threshold θ of the adaptive somas, with
// its baseline thr, rate λθ = rate(threshold_tau) and jump threshold_delta.
type adaptiveThreshold struct {
	theta              []float32
	thr                stream[float32]
	lTheta, deltaTheta stream[float32]
	pop                *population // for absolute thresholds
}

func (th *adaptiveThreshold) plan(b *mem.Block, pop *population, thr ref.P, m *ref.AdaptiveThreshold) {
	th.pop = pop
	mem.Array(b, &th.theta, pop.n)
	planStream(b, &th.thr, thr)
	planStream(b, &th.lTheta, m.LTheta)
	planStream(b, &th.deltaTheta, m.DeltaTheta)
}

func (th *adaptiveThreshold) reset() { th.thr.fill(th.theta) }

// Threshold returns the threshold θ of every unit relative to the resting
// potential (mV). The slice is the state itself.
func (th *adaptiveThreshold) Threshold() []float32 { return th.theta }

// AbsoluteThreshold writes θ + potential_rest (mV) of every unit to dst (nil:
// allocated), which must have Units() elements, and returns it.
func (th *adaptiveThreshold) AbsoluteThreshold(dst []float32) []float32 {
	return th.pop.toAbsolute("AbsoluteThreshold", dst, th.theta)
}

// SetAbsoluteThreshold sets θ = src − potential_rest for every unit.
func (th *adaptiveThreshold) SetAbsoluteThreshold(src []float32) {
	th.pop.fromAbsolute("SetAbsoluteThreshold", th.theta, src)
}

// leakyConsts are the constants of the leaky somas' potential update.
type leakyConsts struct {
	d, gR, thr, reset stream[float32]
}

func (k *leakyConsts) plan(b *mem.Block, m *ref.Leaky) {
	planStream(b, &k.d, m.D)
	planStream(b, &k.gR, m.GR)
	planStream(b, &k.thr, m.Thr)
	planStream(b, &k.reset, m.Reset)
}

// exponentialConsts are the constants of the exponential somas' potential update.
type exponentialConsts struct {
	k, delta, rh, r, thr, reset stream[float32]
}

func (k *exponentialConsts) plan(b *mem.Block, m *ref.Exponential) {
	planStream(b, &k.k, m.K)
	planStream(b, &k.delta, m.Delta)
	planStream(b, &k.rh, m.Rh)
	planStream(b, &k.r, m.R)
	planStream(b, &k.thr, m.Thr)
	planStream(b, &k.reset, m.Reset)
}
