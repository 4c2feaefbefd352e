package ref

import "math"

// Soma is the update of a soma population: Init sets a state to its initial
// values, Step advances it by one time step given the input currents (pA),
// writing one spike flag per unit.
type Soma interface {
	Init(st State)
	Step(st State, current []float32, spikes []bool)
}

// Somas builds each soma by its seed class name from a time step (ms) and
// its parameters.
var Somas = map[string]func(dt float64, p Params) Soma{
	"LeakySoma":                         func(dt float64, p Params) Soma { return NewLeaky(dt, p) },
	"RefractoryLeakySoma":               func(dt float64, p Params) Soma { return NewRefractoryLeaky(dt, p) },
	"StrictRefractoryLeakySoma":         func(dt float64, p Params) Soma { return NewStrictRefractoryLeaky(dt, p) },
	"AdaptiveLeakySoma":                 func(dt float64, p Params) Soma { return NewAdaptiveLeaky(dt, p) },
	"ExponentialSoma":                   func(dt float64, p Params) Soma { return NewExponential(dt, p) },
	"RefractoryExponentialSoma":         func(dt float64, p Params) Soma { return NewRefractoryExponential(dt, p) },
	"AdaptiveExponentialSoma":           func(dt float64, p Params) Soma { return NewAdaptiveExponential(dt, p) },
	"SimplifiedAdaptiveExponentialSoma": func(dt float64, p Params) Soma { return NewSimplifiedAdaptiveExponential(dt, p) },
	"IzhikevichSoma":                    func(dt float64, p Params) Soma { return NewIzhikevich(dt, p) },
}

// Leaky is LeakySoma, with d = decay(tau) and gR = rate(tau)·resistance:
//
//	V ← d·V + gR·I
//	s ← V > thr
//	V ← s ? reset : V
type Leaky struct {
	D, GR, Thr, Reset P
}

// NewLeaky derives LeakySoma's constants.
func NewLeaky(dt float64, p Params) *Leaky {
	tau, rest := p.get("potential_tau"), p.get("potential_rest")
	return &Leaky{
		D:     Decay(dt, tau),
		GR:    Product(Rate(dt, tau), p.get("resistance")),
		Thr:   Rebase(p.get("threshold"), rest),
		Reset: Rebase(p.get("potential_reset"), rest),
	}
}

// Init sets V = 0 (the resting potential).
func (m *Leaky) Init(st State) { clear(st.V) }

// Step advances the state by one step.
func (m *Leaky) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		v := mul(m.D.At(i), st.V[i]) + mul(m.GR.At(i), current[i])
		s := v > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), v)
		spikes[i] = s
	}
}

// Refractory is the cooldown shared by the refractory somas: c = round(cooldown/dt)
// steps, and the counter r that starts at c.
type Refractory struct {
	C []uint16 // one value, or one per unit
}

func newRefractory(dt float64, p Params) Refractory {
	return Refractory{C: Cooldown(dt, p.get("cooldown"))}
}

// CAt returns c for unit i.
func (m *Refractory) CAt(i int) uint16 {
	if len(m.C) == 1 {
		return m.C[0]
	}
	return m.C[i]
}

// Init sets every counter to c: a new unit is not ready on its first step.
func (m *Refractory) Init(r []uint16) {
	for i := range r {
		r[i] = m.CAt(i)
	}
}

// count is r ← s ? 0 : min(r + 1, 65535).
func count(r uint16, s bool) uint16 {
	switch {
	case s:
		return 0
	case r == math.MaxUint16:
		return r
	}
	return r + 1
}

// RefractoryLeaky is RefractoryLeakySoma:
//
//	ready ← r > c
//	V ← d·V + (ready ? gR·I : 0)
//	s ← ready ∧ V > thr
//	V ← s ? reset : V
//	r ← s ? 0 : min(r + 1, 65535)
type RefractoryLeaky struct {
	Leaky
	Refractory
}

// NewRefractoryLeaky derives RefractoryLeakySoma's constants.
func NewRefractoryLeaky(dt float64, p Params) *RefractoryLeaky {
	return &RefractoryLeaky{*NewLeaky(dt, p), newRefractory(dt, p)}
}

// Init sets V = 0 and r = c.
func (m *RefractoryLeaky) Init(st State) {
	clear(st.V)
	m.Refractory.Init(st.R)
}

// Step advances the state by one step.
func (m *RefractoryLeaky) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		ready := st.R[i] > m.CAt(i)
		v := mul(m.D.At(i), st.V[i]) + sel(ready, mul(m.GR.At(i), current[i]), 0)
		s := ready && v > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), v)
		st.R[i] = count(st.R[i], s)
		spikes[i] = s
	}
}

// StrictRefractoryLeaky is StrictRefractoryLeakySoma: the potential is held
// at reset while the unit is not ready.
//
//	ready ← r ≥ c
//	V ← ready ? d·V + gR·I : reset
//	s ← ready ∧ V > thr
//	V ← s ? reset : V
//	r ← s ? 0 : min(r + 1, 65535)
type StrictRefractoryLeaky struct {
	RefractoryLeaky
}

// NewStrictRefractoryLeaky derives StrictRefractoryLeakySoma's constants.
func NewStrictRefractoryLeaky(dt float64, p Params) *StrictRefractoryLeaky {
	return &StrictRefractoryLeaky{*NewRefractoryLeaky(dt, p)}
}

// Step advances the state by one step.
func (m *StrictRefractoryLeaky) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		ready := st.R[i] >= m.CAt(i)
		v := sel(ready, mul(m.D.At(i), st.V[i])+mul(m.GR.At(i), current[i]), m.Reset.At(i))
		s := ready && v > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), v)
		st.R[i] = count(st.R[i], s)
		spikes[i] = s
	}
}

// AdaptiveThreshold is the moving threshold θ of the adaptive somas: it
// relaxes to thr at the rate λθ = rate(threshold_tau) and jumps by
// threshold_delta at each spike.
type AdaptiveThreshold struct {
	LTheta, DeltaTheta P
}

func newAdaptiveThreshold(dt float64, p Params) AdaptiveThreshold {
	return AdaptiveThreshold{
		LTheta:     Rate(dt, p.get("threshold_tau")),
		DeltaTheta: p.get("threshold_delta"),
	}
}

// next is θ + λθ·(thr − θ) + threshold_delta·s for unit i.
func (m *AdaptiveThreshold) next(i int, theta, thr float32, s bool) float32 {
	return (theta + mul(m.LTheta.At(i), thr-theta)) + sel(s, m.DeltaTheta.At(i), 0)
}

// initTheta sets θ = thr.
func initTheta(theta []float32, thr P) {
	for i := range theta {
		theta[i] = thr.At(i)
	}
}

// AdaptiveLeaky is AdaptiveLeakySoma:
//
//	ready ← r > c
//	V ← d·V + (ready ? gR·I : 0)
//	s ← ready ∧ V > θ
//	V ← s ? reset : V
//	r ← s ? 0 : min(r + 1, 65535)
//	θ ← θ + λθ·(thr − θ) + threshold_delta·s
type AdaptiveLeaky struct {
	RefractoryLeaky
	AdaptiveThreshold
}

// NewAdaptiveLeaky derives AdaptiveLeakySoma's constants.
func NewAdaptiveLeaky(dt float64, p Params) *AdaptiveLeaky {
	return &AdaptiveLeaky{*NewRefractoryLeaky(dt, p), newAdaptiveThreshold(dt, p)}
}

// Init sets V = 0, r = c and θ = thr.
func (m *AdaptiveLeaky) Init(st State) {
	m.RefractoryLeaky.Init(st)
	initTheta(st.Theta, m.Thr)
}

// Step advances the state by one step.
func (m *AdaptiveLeaky) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		ready := st.R[i] > m.CAt(i)
		v := mul(m.D.At(i), st.V[i]) + sel(ready, mul(m.GR.At(i), current[i]), 0)
		s := ready && v > st.Theta[i]
		st.V[i] = sel(s, m.Reset.At(i), v)
		st.R[i] = count(st.R[i], s)
		st.Theta[i] = m.next(i, st.Theta[i], m.Thr.At(i), s)
		spikes[i] = s
	}
}

// Exponential is ExponentialSoma, with k = dt/tau, Δ = spike_slope and
// R = resistance:
//
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + R·I)
//	s ← V > thr
//	V ← s ? reset : V
type Exponential struct {
	K, Delta, Rh, R, Thr, Reset P
}

// NewExponential derives ExponentialSoma's constants.
func NewExponential(dt float64, p Params) *Exponential {
	rest := p.get("potential_rest")
	return &Exponential{
		K:     Ratio(dt, p.get("potential_tau")),
		Delta: p.get("spike_slope"),
		Rh:    Rebase(p.get("rheobase_threshold"), rest),
		R:     p.get("resistance"),
		Thr:   Rebase(p.get("threshold"), rest),
		Reset: Rebase(p.get("potential_reset"), rest),
	}
}

// drive is −V + Δ·exp((V − rh)/Δ), the leak and the exponential spike
// current of unit i at potential v.
func (m *Exponential) drive(i int, v float32) float32 {
	delta := m.Delta.At(i)
	return -v + mul(delta, Exp(div(v-m.Rh.At(i), delta)))
}

// Init sets V = 0.
func (m *Exponential) Init(st State) { clear(st.V) }

// Step advances the state by one step.
func (m *Exponential) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		v := st.V[i]
		v += mul(m.K.At(i), m.drive(i, v)+mul(m.R.At(i), current[i]))
		s := v > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), v)
		spikes[i] = s
	}
}

// RefractoryExponential is RefractoryExponentialSoma:
//
//	ready ← r > c
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > thr
//	V ← s ? reset : V
//	r ← s ? 0 : min(r + 1, 65535)
type RefractoryExponential struct {
	Exponential
	Refractory
}

// NewRefractoryExponential derives RefractoryExponentialSoma's constants.
func NewRefractoryExponential(dt float64, p Params) *RefractoryExponential {
	return &RefractoryExponential{*NewExponential(dt, p), newRefractory(dt, p)}
}

// Init sets V = 0 and r = c.
func (m *RefractoryExponential) Init(st State) {
	clear(st.V)
	m.Refractory.Init(st.R)
}

// Step advances the state by one step.
func (m *RefractoryExponential) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		ready := st.R[i] > m.CAt(i)
		v := st.V[i]
		v += mul(m.K.At(i), m.drive(i, v)+sel(ready, mul(m.R.At(i), current[i]), 0))
		s := ready && v > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), v)
		st.R[i] = count(st.R[i], s)
		spikes[i] = s
	}
}

// AdaptiveExponential is AdaptiveExponentialSoma (AdEx), with
// kw = dt/adaptation_tau, a = adaptation_subthreshold, b = adaptation_delta:
//
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) − R·w + R·I)
//	s ← V > thr
//	V ← s ? reset : V
//	w ← w + kw·(−w + a·V) + b·s
type AdaptiveExponential struct {
	Exponential
	KW, A, B P
}

// NewAdaptiveExponential derives AdaptiveExponentialSoma's constants.
func NewAdaptiveExponential(dt float64, p Params) *AdaptiveExponential {
	return &AdaptiveExponential{
		Exponential: *NewExponential(dt, p),
		KW:          Ratio(dt, p.get("adaptation_tau")),
		A:           p.get("adaptation_subthreshold"),
		B:           p.get("adaptation_delta"),
	}
}

// Init sets V = 0 and w = 0.
func (m *AdaptiveExponential) Init(st State) {
	clear(st.V)
	clear(st.W)
}

// Step advances the state by one step.
func (m *AdaptiveExponential) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		v, w, r := st.V[i], st.W[i], m.R.At(i)
		v += mul(m.K.At(i), (m.drive(i, v)-mul(r, w))+mul(r, current[i]))
		s := v > m.Thr.At(i)
		v = sel(s, m.Reset.At(i), v)
		st.V[i] = v
		st.W[i] = (w + mul(m.KW.At(i), -w+mul(m.A.At(i), v))) + sel(s, m.B.At(i), 0)
		spikes[i] = s
	}
}

// SimplifiedAdaptiveExponential is SimplifiedAdaptiveExponentialSoma:
//
//	ready ← r > c
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > θ
//	V ← s ? reset : V
//	r ← s ? 0 : min(r + 1, 65535)
//	θ ← θ + λθ·(thr − θ) + threshold_delta·s
type SimplifiedAdaptiveExponential struct {
	RefractoryExponential
	AdaptiveThreshold
}

// NewSimplifiedAdaptiveExponential derives SimplifiedAdaptiveExponentialSoma's constants.
func NewSimplifiedAdaptiveExponential(dt float64, p Params) *SimplifiedAdaptiveExponential {
	return &SimplifiedAdaptiveExponential{*NewRefractoryExponential(dt, p), newAdaptiveThreshold(dt, p)}
}

// Init sets V = 0, r = c and θ = thr.
func (m *SimplifiedAdaptiveExponential) Init(st State) {
	m.RefractoryExponential.Init(st)
	initTheta(st.Theta, m.Thr)
}

// Step advances the state by one step.
func (m *SimplifiedAdaptiveExponential) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		ready := st.R[i] > m.CAt(i)
		v := st.V[i]
		v += mul(m.K.At(i), m.drive(i, v)+sel(ready, mul(m.R.At(i), current[i]), 0))
		s := ready && v > st.Theta[i]
		st.V[i] = sel(s, m.Reset.At(i), v)
		st.R[i] = count(st.R[i], s)
		st.Theta[i] = m.next(i, st.Theta[i], m.Thr.At(i), s)
		spikes[i] = s
	}
}

// Izhikevich is IzhikevichSoma, with the absolute potential v = V + rest,
// R = resistance, and a, b, d the recovery timescale, sensitivity and update:
//
//	V ← V + dt·(0.04·v·v + 5·v + 140 − R·u + R·I)
//	u ← u + dt·(a·(b·(V + rest) − u))
//	s ← V > thr
//	V ← s ? reset : V
//	u ← s ? u + d : u
type Izhikevich struct {
	Dt                           float32
	Rest, R, A, B, D, Thr, Reset P
}

// NewIzhikevich derives IzhikevichSoma's constants.
func NewIzhikevich(dt float64, p Params) *Izhikevich {
	rest := p.get("potential_rest")
	return &Izhikevich{
		Dt:    float32(dt),
		Rest:  rest,
		R:     p.get("resistance"),
		A:     p.get("recovery_timescale"),
		B:     p.get("recovery_sensitivity"),
		D:     p.get("recovery_update"),
		Thr:   Rebase(p.get("threshold"), rest),
		Reset: Rebase(p.get("potential_reset"), rest),
	}
}

// Init sets V = 0 and u = 0.
func (m *Izhikevich) Init(st State) {
	clear(st.V)
	clear(st.U)
}

// Step advances the state by one step.
func (m *Izhikevich) Step(st State, current []float32, spikes []bool) {
	for i := range st.V {
		rest, r, u := m.Rest.At(i), m.R.At(i), st.U[i]
		v := st.V[i] + rest
		dv := (((mul(mul(0.04, v), v) + mul(5, v)) + 140) - mul(r, u)) + mul(r, current[i])
		next := st.V[i] + mul(m.Dt, dv)
		u += mul(m.Dt, mul(m.A.At(i), mul(m.B.At(i), next+rest)-u))
		s := next > m.Thr.At(i)
		st.V[i] = sel(s, m.Reset.At(i), next)
		st.U[i] = sel(s, u+m.D.At(i), u)
		spikes[i] = s
	}
}
