package soma

import (
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
)

// Leaky is a population of leaky integrate-and-fire units (the seed's
// LeakySoma). With V the potential relative to rest, I the input current,
// d = exp(−dt/τ) and gR = (1 − exp(−dt/τ))·R, a step is
//
//	V ← d·V + gR·I
//	s ← V > threshold − rest
//	V ← s ? reset − rest : V
//
// the exact integration of τ·dV/dt = −V + R·I over a step with I held
// constant. Reference: Gerstner, Kistler, Naud and Paninski, Neuronal
// Dynamics (2014), chapter 1.3, https://neuronaldynamics.epfl.ch/online/Ch1.S3.html.
//
// A Leaky is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type Leaky struct {
	leakyPopulation
	k leakyConsts
}

type leakyPopulation = population[Leaky]

// NewLeaky returns a population at rest, or a *[spark.ConfigError].
func NewLeaky(cfg LeakyConfig) (*Leaky, error) {
	dt, p, err := config.Resolve("soma.LeakyConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &Leaky{}
	var b mem.Block
	s.leakyPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	s.k.plan(&b, ref.NewLeaky(dt, p))
	b.Alloc()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *Leaky) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.leakyTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *Leaky) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.leaky(&s.k, s.v, current, spikes, w0, w1)
}

func (s *Leaky) state() []ckpt.Array { return []ckpt.Array{s.potential()} }

// Reset sets every unit to rest.
func (s *Leaky) Reset() { clear(s.v) }

// RefractoryLeaky is a population of leaky integrate-and-fire units with a
// refractory period (the seed's RefractoryLeakySoma). With c the cooldown in
// steps and r the steps since the last spike (c at the start), a step is
//
//	ready ← r > c
//	V ← d·V + (ready ? gR·I : 0)
//	s ← ready ∧ V > threshold − rest
//	V ← s ? reset − rest : V
//	r ← s ? 0 : min(r + 1, 65535)
//
// so a unit ignores its input and cannot spike for c + 1 steps after a spike,
// and on its first step. Reference: Neuronal Dynamics, chapter 1.3.
//
// A RefractoryLeaky is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type RefractoryLeaky struct {
	refractoryLeakyBase
}

type refractoryLeakyBase = refractoryLeaky[RefractoryLeaky]

// refractoryLeaky is the state and constants RefractoryLeaky and
// StrictRefractoryLeaky (T) share; they differ only in their Step.
type refractoryLeaky[T any] struct {
	population[T]
	refractory
	k leakyConsts
}

// NewRefractoryLeaky returns a population at rest, or a *[spark.ConfigError].
func NewRefractoryLeaky(cfg RefractoryLeakyConfig) (*RefractoryLeaky, error) {
	s := &RefractoryLeaky{}
	if err := s.init(cfg, s.run); err != nil {
		return nil, err
	}
	s.traced = s.runTraced
	return s, nil
}

func (s *refractoryLeaky[T]) init(cfg RefractoryLeakyConfig, run runFunc) error {
	dt, p, err := config.Resolve("soma."+s.name()+"Config", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return err
	}
	m := ref.NewRefractoryLeaky(dt, p)
	var b mem.Block
	s.population.plan(&b, cfg.Units, dt, p, run, s.state)
	s.refractory.plan(&b, cfg.Units, m.C)
	s.k.plan(&b, &m.Leaky)
	b.Alloc()
	s.Reset()
	return nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *RefractoryLeaky) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.refractoryLeakyTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.refractory, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *RefractoryLeaky) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.refractoryLeaky(&s.k, &s.refractory, s.v, current, spikes, w0, w1)
}

func (s *refractoryLeaky[T]) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), s.refractory.array()}
}

// Reset sets every unit to rest and its counter to the cooldown.
func (s *refractoryLeaky[T]) Reset() {
	clear(s.v)
	s.refractory.reset()
}

// StrictRefractoryLeaky is RefractoryLeaky with the potential held at reset
// during the refractory period (the seed's StrictRefractoryLeakySoma, kept,
// like the seed's, mostly for didactic reasons):
//
//	ready ← r ≥ c
//	V ← ready ? d·V + gR·I : reset − rest
//	s ← ready ∧ V > threshold − rest
//	V ← s ? reset − rest : V
//	r ← s ? 0 : min(r + 1, 65535)
//
// Reference: Neuronal Dynamics, chapter 1.3.
//
// A StrictRefractoryLeaky is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type StrictRefractoryLeaky struct {
	strictRefractoryLeakyBase
}

type strictRefractoryLeakyBase = refractoryLeaky[StrictRefractoryLeaky]

// NewStrictRefractoryLeaky returns a population at rest, or a *[spark.ConfigError].
func NewStrictRefractoryLeaky(cfg StrictRefractoryLeakyConfig) (*StrictRefractoryLeaky, error) {
	s := &StrictRefractoryLeaky{}
	if err := s.init(RefractoryLeakyConfig(cfg), s.run); err != nil {
		return nil, err
	}
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *StrictRefractoryLeaky) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.strictRefractoryLeakyTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.refractory, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *StrictRefractoryLeaky) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.strictRefractoryLeaky(&s.k, &s.refractory, s.v, current, spikes, w0, w1)
}

// AdaptiveLeaky is a refractory leaky population whose threshold θ rises by
// threshold_delta at each spike and relaxes back to its baseline with time
// constant threshold_tau (the seed's AdaptiveLeakySoma). With
// λθ = 1 − exp(−dt/threshold_tau) and thr = threshold − rest:
//
//	ready ← r > c
//	V ← d·V + (ready ? gR·I : 0)
//	s ← ready ∧ V > θ
//	V ← s ? reset − rest : V
//	r ← s ? 0 : min(r + 1, 65535)
//	θ ← θ + λθ·(thr − θ) + threshold_delta·s
//
// Reference: Neuronal Dynamics, chapter 5.1,
// https://neuronaldynamics.epfl.ch/online/Ch5.S1.html.
//
// An AdaptiveLeaky is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type AdaptiveLeaky struct {
	adaptiveLeakyPopulation
	refractory
	adaptiveThreshold
	k leakyConsts
}

type adaptiveLeakyPopulation = population[AdaptiveLeaky]

// NewAdaptiveLeaky returns a population at rest, or a *[spark.ConfigError].
func NewAdaptiveLeaky(cfg AdaptiveLeakyConfig) (*AdaptiveLeaky, error) {
	dt, p, err := config.Resolve("soma.AdaptiveLeakyConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &AdaptiveLeaky{}
	m := ref.NewAdaptiveLeaky(dt, p)
	var b mem.Block
	s.adaptiveLeakyPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	s.refractory.plan(&b, cfg.Units, m.C)
	s.adaptiveThreshold.plan(&b, cfg.Units, m.Thr, &m.AdaptiveThreshold)
	s.k.plan(&b, &m.Leaky)
	b.Alloc()
	s.Reset()
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *AdaptiveLeaky) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.adaptiveLeakyTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, &s.refractory, &s.adaptiveThreshold, s.v, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *AdaptiveLeaky) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.adaptiveLeaky(&s.k, &s.refractory, &s.adaptiveThreshold, s.v, current, spikes, w0, w1)
}

func (s *AdaptiveLeaky) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), s.refractory.array(), s.adaptiveThreshold.array()}
}

// Reset sets every unit to rest, its counter to the cooldown and its
// threshold to the baseline.
func (s *AdaptiveLeaky) Reset() {
	clear(s.v)
	s.refractory.reset()
	s.adaptiveThreshold.reset()
}

// AbsoluteThreshold writes θ + potential_rest (mV) of every unit to dst (nil:
// allocated), which must have Units() elements, and returns it.
func (s *AdaptiveLeaky) AbsoluteThreshold(dst []float32) []float32 {
	return s.toAbsolute("AbsoluteThreshold", dst, s.theta)
}

// SetAbsoluteThreshold sets θ = src − potential_rest for every unit;
// len(src) must be Units().
func (s *AdaptiveLeaky) SetAbsoluteThreshold(src []float32) {
	s.fromAbsolute("SetAbsoluteThreshold", s.theta, src)
}
