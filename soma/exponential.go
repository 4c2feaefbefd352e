package soma

import (
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
)

// Exponential is a population of exponential integrate-and-fire units (the
// seed's ExponentialSoma). With V the potential relative to rest,
// k = dt/τ, Δ the spike slope, rh = rheobase_threshold − rest and R the
// resistance, a forward-Euler step is
//
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + R·I)
//	s ← V > threshold − rest
//	V ← s ? reset − rest : V
//
// The exponential runs away once V passes rh; when it overflows, the unit
// spikes and resets, and a finite input never yields NaN.
//
// References: Fourcaud-Trocmé, Hansel, van Vreeswijk and Brunel, How spike
// generation mechanisms determine the neuronal response to fluctuating
// inputs, J. Neurosci. 23(37):11628–11640 (2003),
// https://www.jneurosci.org/content/23/37/11628; Neuronal Dynamics,
// chapter 5.2, https://neuronaldynamics.epfl.ch/online/Ch5.S2.html.
//
// An Exponential is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type Exponential struct {
	exponentialPopulation
	k exponentialConsts
}

type exponentialPopulation = population[Exponential]

// NewExponential returns a population at rest, or a *[spark.ConfigError].
func NewExponential(cfg ExponentialConfig) (*Exponential, error) {
	dt, p, err := config.Resolve("soma.ExponentialConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &Exponential{}
	var b mem.Block
	s.exponentialPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	s.k.plan(&b, ref.NewExponential(dt, p))
	b.Alloc()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *Exponential) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.exponentialTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *Exponential) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.exponential(&s.k, s.v, current, spikes, w0, w1)
}

func (s *Exponential) state() []ckpt.Array { return []ckpt.Array{s.potential()} }

// Reset sets every unit to rest.
func (s *Exponential) Reset() { clear(s.v) }

// RefractoryExponential is an exponential population with a refractory
// period (the seed's RefractoryExponentialSoma): with c the cooldown in steps
// and r the steps since the last spike (c at the start),
//
//	ready ← r > c
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > threshold − rest
//	V ← s ? reset − rest : V
//	r ← s ? 0 : min(r + 1, 65535)
//
// References: as [Exponential].
//
// A RefractoryExponential is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type RefractoryExponential struct {
	refractoryExponentialPopulation
	refractory
	k exponentialConsts
}

type refractoryExponentialPopulation = population[RefractoryExponential]

// NewRefractoryExponential returns a population at rest, or a *[spark.ConfigError].
func NewRefractoryExponential(cfg RefractoryExponentialConfig) (*RefractoryExponential, error) {
	dt, p, err := config.Resolve("soma.RefractoryExponentialConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &RefractoryExponential{}
	m := ref.NewRefractoryExponential(dt, p)
	var b mem.Block
	s.refractoryExponentialPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	s.refractory.plan(&b, cfg.Units, m.C)
	s.k.plan(&b, &m.Exponential)
	b.Alloc()
	s.Reset()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *RefractoryExponential) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.refractoryExponentialTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.refractory, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *RefractoryExponential) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.refractoryExponential(&s.k, &s.refractory, s.v, current, spikes, w0, w1)
}

func (s *RefractoryExponential) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), s.refractory.array()}
}

// Reset sets every unit to rest and its counter to the cooldown.
func (s *RefractoryExponential) Reset() {
	clear(s.v)
	s.refractory.reset()
}

// AdaptiveExponential is a population of adaptive exponential
// integrate-and-fire (AdEx) units (the seed's AdaptiveExponentialSoma): an
// adaptation current w, driven below threshold by a·V and raised by b at
// each spike, is subtracted from the input. With kw = dt/adaptation_tau,
// a = adaptation_subthreshold and b = adaptation_delta:
//
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) − R·w + R·I)
//	s ← V > threshold − rest
//	V ← s ? reset − rest : V
//	w ← w + kw·(−w + a·V) + b·s
//
// (w sees the potential after the reset.) References: Brette and Gerstner,
// Adaptive exponential integrate-and-fire model as an effective description
// of neuronal activity, J. Neurophysiol. 94(5):3637–3642 (2005),
// https://doi.org/10.1152/jn.00686.2005; Neuronal Dynamics, chapter 5.2.
//
// An AdaptiveExponential is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type AdaptiveExponential struct {
	adaptiveExponentialPopulation
	adaptation
	k exponentialConsts
}

type adaptiveExponentialPopulation = population[AdaptiveExponential]

// adaptation is AdEx's adaptation current w, with kw = dt/adaptation_tau,
// a = adaptation_subthreshold and b = adaptation_delta.
type adaptation struct {
	w        []float32
	kw, a, b mem.Stream[float32]
}

// Adaptation returns the adaptation current w of every unit (pA). The slice
// is the state itself.
func (ad *adaptation) Adaptation() []float32 { return capped(ad.w) }

// NewAdaptiveExponential returns a population at rest, or a *[spark.ConfigError].
func NewAdaptiveExponential(cfg AdaptiveExponentialConfig) (*AdaptiveExponential, error) {
	dt, p, err := config.Resolve("soma.AdaptiveExponentialConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &AdaptiveExponential{}
	m := ref.NewAdaptiveExponential(dt, p)
	var b mem.Block
	s.adaptiveExponentialPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	mem.Array(&b, &s.w, cfg.Units)
	mem.PlanStream(&b, &s.adaptation.kw, m.KW)
	mem.PlanStream(&b, &s.adaptation.a, m.A)
	mem.PlanStream(&b, &s.adaptation.b, m.B)
	s.k.plan(&b, &m.Exponential)
	b.Alloc()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *AdaptiveExponential) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.adaptiveExponentialTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.adaptation, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *AdaptiveExponential) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.adaptiveExponential(&s.k, &s.adaptation, s.v, current, spikes, w0, w1)
}

func (s *AdaptiveExponential) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), ckpt.Of("adaptation", s.w)}
}

// Reset sets every unit to rest and its adaptation current to 0.
func (s *AdaptiveExponential) Reset() {
	clear(s.v)
	clear(s.w)
}

// SimplifiedAdaptiveExponential is a refractory exponential population with
// the adaptive threshold of [AdaptiveLeaky] in place of AdEx's subthreshold
// adaptation (the seed's SimplifiedAdaptiveExponentialSoma):
//
//	ready ← r > c
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > θ
//	V ← s ? reset − rest : V
//	r ← s ? 0 : min(r + 1, 65535)
//	θ ← θ + λθ·(thr − θ) + threshold_delta·s
//
// References: as [AdaptiveExponential].
//
// A SimplifiedAdaptiveExponential is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type SimplifiedAdaptiveExponential struct {
	simplifiedAdaptiveExponentialPopulation
	refractory
	adaptiveThreshold
	k exponentialConsts
}

type simplifiedAdaptiveExponentialPopulation = population[SimplifiedAdaptiveExponential]

// NewSimplifiedAdaptiveExponential returns a population at rest, or a *[spark.ConfigError].
func NewSimplifiedAdaptiveExponential(cfg SimplifiedAdaptiveExponentialConfig) (*SimplifiedAdaptiveExponential, error) {
	dt, p, err := config.Resolve("soma.SimplifiedAdaptiveExponentialConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &SimplifiedAdaptiveExponential{}
	m := ref.NewSimplifiedAdaptiveExponential(dt, p)
	var b mem.Block
	s.simplifiedAdaptiveExponentialPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	s.refractory.plan(&b, cfg.Units, m.C)
	s.adaptiveThreshold.plan(&b, cfg.Units, m.Thr, &m.AdaptiveThreshold)
	s.k.plan(&b, &m.Exponential)
	b.Alloc()
	s.Reset()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *SimplifiedAdaptiveExponential) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.simplifiedTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.refractory, &s.adaptiveThreshold, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *SimplifiedAdaptiveExponential) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.simplifiedAdaptiveExponential(&s.k, &s.refractory, &s.adaptiveThreshold, s.v, current, spikes, w0, w1)
}

func (s *SimplifiedAdaptiveExponential) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), s.refractory.array(), s.adaptiveThreshold.array()}
}

// Reset sets every unit to rest, its counter to the cooldown and its
// threshold to the baseline.
func (s *SimplifiedAdaptiveExponential) Reset() {
	clear(s.v)
	s.refractory.reset()
	s.adaptiveThreshold.reset()
}

// AbsoluteThreshold writes θ + potential_rest (mV) of every unit to dst (nil:
// allocated), which must have Units() elements, and returns it.
func (s *SimplifiedAdaptiveExponential) AbsoluteThreshold(dst []float32) []float32 {
	return s.toAbsolute("AbsoluteThreshold", dst, s.theta)
}

// SetAbsoluteThreshold sets θ = src − potential_rest for every unit;
// len(src) must be Units().
func (s *SimplifiedAdaptiveExponential) SetAbsoluteThreshold(src []float32) {
	s.fromAbsolute("SetAbsoluteThreshold", s.theta, src)
}
