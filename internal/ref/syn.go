package ref

import (
	"fmt"
	"strings"
)

// Synapses is a synapse population of Post units fed by Pre presynaptic
// units through the kernel W[i, j] (post i, pre j, pA), post-major. A spike
// of presynaptic unit j counts σ[j] = −1 when j is inhibitory and +1
// otherwise. The weighted input of post unit i is
//
//	y[i] = Σ_j W[i,j]·σ[j]·x[i,j]
//
// summed in float32 over the spiking j, where x[i,j] is s[j] for synchronous
// spikes and the spike of connection (i, j) for asynchronous ones. Each term
// is ±W[i,j], exact. Synchronous spikes are summed in increasing j (each
// spike adds a row of weights to every post unit's sum in turn);
// asynchronous ones in the order of MaskedSum (a SIMD row sum's).
//
// LinearSynapses (Trace nil) output y. The traced models apply their trace:
// contracted, one trace per post unit driven by y, with every base
// multiplied by Pre; or per connection (PerConnection), one trace per
// synapse driven by σ[j]·W[i,j]·x[i,j], the current of post unit i being
// the float32 sum of its traces' outputs in increasing j.
type Synapses struct {
	Post, Pre     int
	W             []float32 // post-major
	Sign          []float32 // σ per presynaptic unit
	Trace         Trace     // nil: LinearSynapses
	PerConnection bool
	drive, out    []float32 // per connection: scratch
}

// Contractible reports whether every parameter is uniform along the
// presynaptic axis: one value, one per post unit, or one per synapse equal
// along each post unit's row.
func Contractible(post, pre int, p Params) bool {
	for _, v := range p {
		if len(v) != post*pre || len(v) == post {
			continue
		}
		for i := range post {
			row := v[i*pre : (i+1)*pre]
			for _, x := range row {
				if x != row[0] {
					return false
				}
			}
		}
	}
	return true
}

// NewSynapses builds the synapses of a model ("LinearSynapses",
// "TracedSynapses", …) from the kernel w (post-major, post·pre values), the
// inhibitory flags of the presynaptic units and the trace parameters by
// seed name, each one value, one per post unit or one per synapse. The
// trace is per connection if perConnection holds, which it must when
// Contractible(post, pre, p) does not, and contracted otherwise.
func NewSynapses(model string, dt float64, post, pre int, w []float32, inhibitory []bool, p Params, perConnection bool) *Synapses {
	if len(w) != post*pre || len(inhibitory) != pre {
		panic(fmt.Sprintf("ref: NewSynapses: %d weights, %d flags for %d×%d", len(w), len(inhibitory), post, pre))
	}
	m := &Synapses{Post: post, Pre: pre, W: w, Sign: make([]float32, pre)}
	for j, inh := range inhibitory {
		m.Sign[j] = sel(inh, -1, 1)
	}
	if model == "LinearSynapses" {
		return m
	}
	build, ok := Traces[model]
	if !ok {
		panic("ref: unknown synapse model " + model)
	}
	if !perConnection && !Contractible(post, pre, p) {
		panic("ref: NewSynapses: parameters vary along the presynaptic axis; the trace must be per connection")
	}
	m.PerConnection = perConnection
	if perConnection {
		m.Trace = build(dt, ExpandParams(post, pre, p))
	} else {
		m.Trace = build(dt, ContractParams(post, pre, p))
	}
	if m.PerConnection {
		m.drive, m.out = make([]float32, post*pre), make([]float32, post*pre)
	}
	return m
}

// ContractParams turns trace parameters that Contractible accepts into
// those of one trace per post unit: one value or one per post unit, every
// base multiplied by pre (the post unit's trace sums pre traces that each
// relax to the base).
func ContractParams(post, pre int, p Params) Params {
	q := Params{}
	for name, v := range p {
		if len(v) == post*pre && len(v) != post {
			w := make(P, post)
			for i := range w {
				w[i] = v[i*pre]
			}
			v = w
		}
		if strings.HasPrefix(name, "base") {
			v = derive(func(i int) float32 { return mul(v.At(i), float32(pre)) }, v)
		}
		q[name] = v
	}
	return q
}

// ExpandParams turns trace parameters into those of one trace per synapse,
// post-major: a value per post unit is repeated along its row.
func ExpandParams(post, pre int, p Params) Params {
	q := Params{}
	for name, v := range p {
		if len(v) == post && len(v) != post*pre {
			w := make(P, post*pre)
			for k := range w {
				w[k] = v[k/pre]
			}
			v = w
		}
		q[name] = v
	}
	return q
}

// Units is the number of trace units: Post, or Post·Pre per connection.
func (m *Synapses) Units() int {
	if m.PerConnection {
		return m.Post * m.Pre
	}
	return m.Post
}

// NewState returns the trace state (none for LinearSynapses), initialized.
func (m *Synapses) NewState() [][]float32 {
	if m.Trace == nil {
		return nil
	}
	st := make([][]float32, m.Trace.States())
	for k := range st {
		st[k] = make([]float32, m.Units())
	}
	m.Trace.Init(st)
	return st
}

// Step advances the synapses given the spikes s of the presynaptic units,
// writing the current of every post unit.
func (m *Synapses) Step(st [][]float32, s []bool, currents []float32) {
	m.step(st, func(i, j int) bool { return s[j] }, false, currents)
}

// StepAsync advances the synapses given one spike per connection,
// post-major, writing the current of every post unit.
func (m *Synapses) StepAsync(st [][]float32, s []bool, currents []float32) {
	m.step(st, func(i, j int) bool { return s[i*m.Pre+j] }, true, currents)
}

func (m *Synapses) step(st [][]float32, x func(i, j int) bool, async bool, currents []float32) {
	if m.PerConnection {
		for i := range m.Post {
			for j := range m.Pre {
				k := i*m.Pre + j
				m.drive[k] = sel(x(i, j), mul(m.Sign[j], m.W[k]), 0)
			}
		}
		m.Trace.Step(st, m.drive, m.out)
		for i := range m.Post {
			var sum float32
			for _, t := range m.out[i*m.Pre : (i+1)*m.Pre] {
				sum += t
			}
			currents[i] = sum
		}
		return
	}
	for i := range m.Post {
		if async {
			currents[i] = MaskedSum(m.Pre, func(j int) (float32, bool) { return mul(m.Sign[j], m.W[i*m.Pre+j]), x(i, j) })
			continue
		}
		var y float32
		for j := range m.Pre {
			if x(i, j) {
				y += mul(m.Sign[j], m.W[i*m.Pre+j])
			}
		}
		currents[i] = y
	}
	if m.Trace != nil {
		m.Trace.Step(st, currents, currents)
	}
}

// MaskedSum returns the float32 sum of the terms w(j) for j in [0, n) where
// w's second result holds, in the order of every sum of the library (see
// SumLanes): lane j mod 64 adds term j.
func MaskedSum(n int, w func(j int) (float32, bool)) float32 {
	var lane [SumLanes]float32
	for j := range n {
		if v, ok := w(j); ok {
			lane[j%SumLanes] += v
		}
	}
	return Reduce(&lane)
}
