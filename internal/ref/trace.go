package ref

// Stage is one exponential trace with rate λ, scale c and base b, driven by
// x:
//
//	T ← T + λ·(b − T) + c·x
//
// T relaxes to b with time constant τ (λ = rate(τ)) and jumps by c·x.
type Stage struct {
	L, C, B P
}

// NewStage derives a stage from its time constant, scale and base. With
// euler it uses the forward-Euler rate dt/τ of the earlier release instead
// of rate(τ).
func NewStage(dt float64, tau, scale, base P, euler bool) Stage {
	l := Rate(dt, tau)
	if euler {
		l = Ratio(dt, tau)
	}
	return Stage{L: l, C: scale, B: base}
}

// next is the stage's update of T for unit i.
func (s *Stage) next(i int, t, x float32) float32 {
	return (t + mul(s.L.At(i), s.B.At(i)-t)) + mul(s.C.At(i), x)
}

// init sets T = b.
func (s *Stage) init(t []float32) {
	for i := range t {
		t[i] = s.B.At(i)
	}
}

// Trace is a trace model: States arrays of state, one value per unit each,
// which Step advances given the drive x, writing the output.
type Trace interface {
	States() int
	Init(st [][]float32)
	Step(st [][]float32, x, out []float32)
}

// Traces builds each trace by the name of the synapse model that uses it,
// from the time step and its parameters by seed name (e.g. "tau_rise").
var Traces = map[string]func(dt float64, p Params) Trace{
	"TracedSynapses":       func(dt float64, p Params) Trace { return NewTracer(dt, p) },
	"RDTracedSynapses":     func(dt float64, p Params) Trace { return NewRDTracer(dt, p) },
	"RFSTracedSynapses":    func(dt float64, p Params) Trace { return NewRFSTracer(dt, p) },
	"DoubleTracedSynapses": func(dt float64, p Params) Trace { return NewDoubleTracer(dt, p, false) },
}

// TraceParams lists the parameters of each trace model by seed name, each
// with its default.
var TraceParams = map[string][]struct {
	Name    string
	Default float32
}{
	"TracedSynapses": {{"tau", 5}, {"scale", 1}, {"base", 0}},
	"RDTracedSynapses": {{"tau_rise", 1}, {"scale_rise", 1}, {"base_rise", 0},
		{"tau_decay", 5}, {"scale_decay", 1}, {"base_decay", 0}},
	"RFSTracedSynapses": {{"alpha", 0.8}, {"tau_rise", 1}, {"scale_rise", 1}, {"base_rise", 0},
		{"tau_fast_decay", 5}, {"scale_fast_decay", 1}, {"base_fast_decay", 0},
		{"tau_slow_decay", 50}, {"scale_slow_decay", 1}, {"base_slow_decay", 0}},
	"DoubleTracedSynapses": {{"tau_1", 5}, {"scale_1", 1}, {"base_1", 0},
		{"tau_2", 5}, {"scale_2", 1}, {"base_2", 0}},
}

// Tracer is one stage; its output is T.
type Tracer struct{ Stage }

// NewTracer derives a Tracer from tau, scale and base.
func NewTracer(dt float64, p Params) *Tracer {
	return &Tracer{NewStage(dt, p.get("tau"), p.get("scale"), p.get("base"), false)}
}

func (m *Tracer) States() int { return 1 }

// Init sets T = b.
func (m *Tracer) Init(st [][]float32) { m.init(st[0]) }

// Step advances T and writes it to out.
func (m *Tracer) Step(st [][]float32, x, out []float32) {
	for i, t := range st[0] {
		t = m.next(i, t, x[i])
		st[0][i] = t
		out[i] = t
	}
}

// CoupledRise is the time constant of the rise stage of a rise–decay
// trace, τr·τd/(τr + τd), computed in float64 and rounded once.
func CoupledRise(tauRise, tauDecay P) P {
	return derive(func(i int) float32 {
		r, d := float64(tauRise.At(i)), float64(tauDecay.At(i))
		return float32(r * d / (r + d))
	}, tauRise, tauDecay)
}

// RDTracer is a rise stage (τr' = CoupledRise(τr, τd)) and a decay stage
// (τd), both driven by x; its output is T_decay − T_rise. States: rise, decay.
type RDTracer struct{ Rise, Decay Stage }

// NewRDTracer derives an RDTracer from its rise and decay parameters.
func NewRDTracer(dt float64, p Params) *RDTracer {
	return newRD(dt, p, "decay")
}

func newRD(dt float64, p Params, decay string) *RDTracer {
	tr, td := p.get("tau_rise"), p.get("tau_"+decay)
	return &RDTracer{
		Rise:  NewStage(dt, CoupledRise(tr, td), p.get("scale_rise"), p.get("base_rise"), false),
		Decay: NewStage(dt, td, p.get("scale_"+decay), p.get("base_"+decay), false),
	}
}

func (m *RDTracer) States() int { return 2 }

// Init sets each stage to its base.
func (m *RDTracer) Init(st [][]float32) {
	m.Rise.init(st[0])
	m.Decay.init(st[1])
}

// Step advances both stages and writes T_decay − T_rise.
func (m *RDTracer) Step(st [][]float32, x, out []float32) {
	for i := range out {
		out[i] = m.step(i, st[0], st[1], x[i])
	}
}

func (m *RDTracer) step(i int, rise, decay []float32, x float32) float32 {
	rise[i] = m.Rise.next(i, rise[i], x)
	decay[i] = m.Decay.next(i, decay[i], x)
	return decay[i] - rise[i]
}

// RFSTracer is two RDTracers sharing the rise parameters, with the fast and
// the slow decay; its output is α·fast + (1 − α)·slow. States: fast rise,
// fast decay, slow rise, slow decay.
type RFSTracer struct {
	Fast, Slow    *RDTracer
	Alpha, Alpha1 P // α and 1 − α
}

// NewRFSTracer derives an RFSTracer from alpha and its rise, fast decay and
// slow decay parameters.
func NewRFSTracer(dt float64, p Params) *RFSTracer {
	alpha := p.get("alpha")
	return &RFSTracer{
		Fast:   newRD(dt, p, "fast_decay"),
		Slow:   newRD(dt, p, "slow_decay"),
		Alpha:  alpha,
		Alpha1: derive(func(i int) float32 { return 1 - alpha.At(i) }, alpha),
	}
}

func (m *RFSTracer) States() int { return 4 }

// Init sets each stage to its base.
func (m *RFSTracer) Init(st [][]float32) {
	m.Fast.Init(st[0:2])
	m.Slow.Init(st[2:4])
}

// Step advances the four stages and writes α·fast + (1 − α)·slow.
func (m *RFSTracer) Step(st [][]float32, x, out []float32) {
	for i := range out {
		fast := m.Fast.step(i, st[0], st[1], x[i])
		slow := m.Slow.step(i, st[2], st[3], x[i])
		out[i] = mul(m.Alpha.At(i), fast) + mul(m.Alpha1.At(i), slow)
	}
}

// DoubleTracer is a cascade of two stages: the first driven by x, the
// second by the first's new value; its output is T2. States: T1, T2.
type DoubleTracer struct{ First, Second Stage }

// NewDoubleTracer derives a DoubleTracer from tau_1, scale_1, base_1,
// tau_2, scale_2 and base_2; euler selects the forward-Euler rate dt/τ.
func NewDoubleTracer(dt float64, p Params, euler bool) *DoubleTracer {
	return &DoubleTracer{
		First:  NewStage(dt, p.get("tau_1"), p.get("scale_1"), p.get("base_1"), euler),
		Second: NewStage(dt, p.get("tau_2"), p.get("scale_2"), p.get("base_2"), euler),
	}
}

func (m *DoubleTracer) States() int { return 2 }

// Init sets each stage to its base.
func (m *DoubleTracer) Init(st [][]float32) {
	m.First.init(st[0])
	m.Second.init(st[1])
}

// Step advances T1, then T2 driven by the new T1, and writes T2.
func (m *DoubleTracer) Step(st [][]float32, x, out []float32) {
	for i := range out {
		t1 := m.First.next(i, st[0][i], x[i])
		t2 := m.Second.next(i, st[1][i], t1)
		st[0][i], st[1][i] = t1, t2
		out[i] = t2
	}
}
