package main

import (
	"fmt"
	"slices"
	"strings"
)

// The somas, as the portable kernels (soma/kernels_generic.go) and
// internal/ref compute them, one vector of units at a time. Streams: v the
// potential, r the refractory counter, theta the adaptive threshold, w the
// adaptation current, u the recovery variable, cur the input current; the
// others are constants.

var leakyParams = []stream{{"d", paramF32}, {"gr", paramF32}, {"thr", paramF32}, {"reset", paramF32}}

var models = []model{
	{
		name: "Leaky",
		bind: bind("leakyAsm", "k *leakyConsts, v", leakyFields),
		doc: []string{
			"V ← d·V + gR·I",
			"s ← V > thr",
			"V ← s ? reset : V",
		},
		streams: append([]stream{{"v", stateF32}, {"cur", inputF32}}, leakyParams...),
		body: func(e emitter) {
			x := e.Add(e.Mul(e.F("d"), e.F("v")), e.Mul(e.F("gr"), e.F("cur")))
			s := e.GT(x, e.F("thr"))
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Spikes(s)
		},
	},
	{
		name: "RefractoryLeaky",
		bind: bind("refractoryAsm", "k *leakyConsts, rf *refractory, v", leakyFields, refractoryFields),
		doc: []string{
			"ready ← r > c",
			"V ← d·V + (ready ? gR·I : 0)",
			"s ← ready ∧ V > thr",
			"V ← s ? reset : V",
			"r ← s ? 0 : min(r + 1, 65535)",
		},
		streams: append([]stream{{"v", stateF32}, {"r", stateU16}, {"cur", inputF32}, {"c", paramU16}}, leakyParams...),
		body: func(e emitter) {
			r := e.U("r")
			ready := e.UGT(r, e.U("c"))
			x := e.Add(e.Mul(e.F("d"), e.F("v")), e.Gate(ready, e.Mul(e.F("gr"), e.F("cur"))))
			s := e.GTIf(ready, x, e.F("thr"))
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Tick("r", r, s)
			e.Spikes(s)
		},
	},
	{
		name: "StrictRefractoryLeaky",
		bind: bind("refractoryAsm", "k *leakyConsts, rf *refractory, v", leakyFields, refractoryFields),
		doc: []string{
			"ready ← r ≥ c",
			"V ← ready ? d·V + gR·I : reset",
			"s ← ready ∧ V > thr",
			"V ← s ? reset : V",
			"r ← s ? 0 : min(r + 1, 65535)",
		},
		streams: append([]stream{{"v", stateF32}, {"r", stateU16}, {"cur", inputF32}, {"c", paramU16}}, leakyParams...),
		body: func(e emitter) {
			r := e.U("r")
			ready := e.UGE(r, e.U("c"))
			x := e.Add(e.Mul(e.F("d"), e.F("v")), e.Mul(e.F("gr"), e.F("cur")))
			s := e.GTIf(ready, x, e.F("thr"))
			reset := e.F("reset")
			// Two blends rather than one on ready ∧ ¬s: mask operations
			// are the scarcer execution units on AVX-512. (AVX2, whose
			// blends take three µops, folds them into one: selection.)
			e.Store("v", e.Select(s, reset, e.Select(ready, x, reset)))
			e.Tick("r", r, s)
			e.Spikes(s)
		},
	},
	{
		name: "AdaptiveLeaky",
		bind: bind("adaptiveAsm", "k *leakyConsts, rf *refractory, th *adaptiveThreshold, v", leakyFields, refractoryFields, thresholdFields),
		doc: []string{
			"ready ← r > c",
			"V ← d·V + (ready ? gR·I : 0)",
			"s ← ready ∧ V > θ",
			"V ← s ? reset : V",
			"r ← s ? 0 : min(r + 1, 65535)",
			"θ ← (θ + λθ·(thr − θ)) + (s ? Δθ : 0)",
		},
		streams: append([]stream{{"v", stateF32}, {"r", stateU16}, {"theta", stateF32}, {"cur", inputF32}, {"c", paramU16}},
			append(leakyParams, stream{"ltheta", paramF32}, stream{"dtheta", paramF32})...),
		body: func(e emitter) {
			r := e.U("r")
			ready := e.UGT(r, e.U("c"))
			x := e.Add(e.Mul(e.F("d"), e.F("v")), e.Gate(ready, e.Mul(e.F("gr"), e.F("cur"))))
			t := e.F("theta")
			s := e.GTIf(ready, x, t)
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Tick("r", r, s)
			e.Store("theta", e.Add(e.Add(t, e.Mul(e.F("ltheta"), e.Sub(e.F("thr"), t))), e.Gate(s, e.F("dtheta"))))
			e.Spikes(s)
		},
	},
}

// The exponential family: k = dt/τ, Δ (delta) the spike slope, rh the
// rheobase, res the resistance.
var exponentialParams = []stream{{"k", paramF32}, {"delta", paramF32}, {"rh", paramF32}, {"res", paramF32},
	{"thr", paramF32}, {"reset", paramF32}}

// drive is −V + Δ·exp((V − rh)/Δ), the leak and the spike-initiation
// current, as y − V (the same bits: IEEE addition commutes).
func drive(e emitter, v vec) vec {
	delta := e.F("delta")
	return e.Sub(e.Mul(delta, exp(e, e.Quot(e.Sub(v, e.F("rh")), "delta"))), v)
}

// advanceTheta stores the adaptive threshold's update.
func advanceTheta(e emitter, t vec, s mask) {
	e.Store("theta", e.Add(e.Add(t, e.Mul(e.F("ltheta"), e.Sub(e.F("thr"), t))), e.Gate(s, e.F("dtheta"))))
}

var exponentialModels = []model{
	{
		name: "Exponential",
		bind: bind("exponentialAsm", "k *exponentialConsts, v", exponentialFields),
		doc: []string{
			"V ← V + k·(−V + Δ·exp((V − rh)/Δ) + R·I)",
			"s ← V > thr",
			"V ← s ? reset : V",
		},
		streams: append([]stream{{"v", stateF32}, {"cur", inputF32}}, exponentialParams...),
		body: func(e emitter) {
			v := e.F("v")
			x := e.Add(v, e.Mul(e.F("k"), e.Add(drive(e, v), e.Mul(e.F("res"), e.F("cur")))))
			s := e.GT(x, e.F("thr"))
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Spikes(s)
		},
	},
	{
		name: "RefractoryExponential",
		bind: bind("refractoryExponentialAsm", "k *exponentialConsts, rf *refractory, v", exponentialFields, refractoryFields),
		doc: []string{
			"ready ← r > c",
			"V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))",
			"s ← ready ∧ V > thr",
			"V ← s ? reset : V",
			"r ← s ? 0 : min(r + 1, 65535)",
		},
		streams: append([]stream{{"v", stateF32}, {"r", stateU16}, {"cur", inputF32}, {"c", paramU16}}, exponentialParams...),
		body: func(e emitter) {
			// The counter and its test after the exponential: nothing of
			// theirs is live through it.
			v := e.F("v")
			d := drive(e, v)
			r := e.U("r")
			ready := e.UGT(r, e.U("c"))
			x := e.Add(v, e.Mul(e.F("k"), e.Add(d, e.Gate(ready, e.Mul(e.F("res"), e.F("cur"))))))
			s := e.GTIf(ready, x, e.F("thr"))
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Tick("r", r, s)
			e.Spikes(s)
		},
	},
	{
		name: "AdaptiveExponential",
		bind: bind("adaptiveExponentialAsm", "k *exponentialConsts, ad *adaptation, v", exponentialFields, adaptationFields),
		doc: []string{
			"V ← V + k·(−V + Δ·exp((V − rh)/Δ) − R·w + R·I)",
			"s ← V > thr",
			"V ← s ? reset : V",
			"w ← (w + kw·(−w + a·V)) + (s ? b : 0)",
		},
		streams: append(append([]stream{{"v", stateF32}, {"w", stateF32}, {"cur", inputF32}}, exponentialParams...),
			stream{"kw", paramF32}, stream{"a", paramF32}, stream{"b", paramF32}),
		body: func(e emitter) {
			v, res := e.F("v"), e.F("res")
			d := drive(e, v)
			w := e.F("w") // after the exponential: one register fewer through it
			x := e.Add(v, e.Mul(e.F("k"), e.Add(e.Sub(d, e.Mul(res, w)), e.Mul(res, e.F("cur")))))
			s := e.GT(x, e.F("thr"))
			x = e.Select(s, e.F("reset"), x)
			e.Store("v", x)
			e.Store("w", e.Add(e.Add(w, e.Mul(e.F("kw"), e.Sub(e.Mul(e.F("a"), x), w))), e.Gate(s, e.F("b"))))
			e.Spikes(s)
		},
	},
	{
		name: "SimplifiedAdaptiveExponential",
		bind: bind("simplifiedAsm", "k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v", exponentialFields, refractoryFields, thresholdFields),
		doc: []string{
			"ready ← r > c",
			"V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))",
			"s ← ready ∧ V > θ",
			"V ← s ? reset : V",
			"r ← s ? 0 : min(r + 1, 65535)",
			"θ ← (θ + λθ·(thr − θ)) + (s ? Δθ : 0)",
		},
		streams: append(append([]stream{{"v", stateF32}, {"r", stateU16}, {"theta", stateF32}, {"cur", inputF32}, {"c", paramU16}},
			exponentialParams...), stream{"ltheta", paramF32}, stream{"dtheta", paramF32}),
		body: func(e emitter) {
			v := e.F("v")
			d := drive(e, v) // before the counter, as in RefractoryExponential
			r := e.U("r")
			ready := e.UGT(r, e.U("c"))
			x := e.Add(v, e.Mul(e.F("k"), e.Add(d, e.Gate(ready, e.Mul(e.F("res"), e.F("cur"))))))
			t := e.F("theta")
			s := e.GTIf(ready, x, t)
			e.Store("v", e.Select(s, e.F("reset"), x))
			e.Tick("r", r, s)
			advanceTheta(e, t, s)
			e.Spikes(s)
		},
	},
}

// izhikevich: rest the resting potential (the quadratic takes the absolute
// potential), res the resistance, a, b and d the recovery timescale,
// sensitivity and update, dt the time step.
var izhikevich = model{
	name: "Izhikevich",
	bind: bind("izhikevichAsm", "k *izhikevichConsts, v, u", izhikevichFields),
	doc: []string{
		"v ← V + rest",
		"V′ ← V + dt·((((0.04·v·v + 5·v) + 140) − R·u) + R·I)",
		"u ← u + dt·(a·(b·(V′ + rest) − u))",
		"s ← V′ > thr",
		"V ← s ? reset : V′",
		"u ← s ? u + d : u",
	},
	streams: []stream{{"v", stateF32}, {"u", stateF32}, {"cur", inputF32}, {"rest", paramF32}, {"res", paramF32},
		{"a", paramF32}, {"b", paramF32}, {"d", paramF32}, {"thr", paramF32}, {"reset", paramF32}, {"dt", scalarF32}},
	body: func(e emitter) {
		v, u, rest, res, dt := e.F("v"), e.F("u"), e.F("rest"), e.F("res"), e.F("dt")
		va := e.Add(v, rest)
		quad := e.Add(e.Add(e.Mul(e.Mul(e.Const(0.04), va), va), e.Mul(e.Const(5), va)), e.Const(140))
		x := e.Add(v, e.Mul(dt, e.Add(e.Sub(quad, e.Mul(res, u)), e.Mul(res, e.F("cur")))))
		u = e.Add(u, e.Mul(dt, e.Mul(e.F("a"), e.Sub(e.Mul(e.F("b"), e.Add(x, rest)), u))))
		s := e.GT(x, e.F("thr"))
		e.Store("v", e.Select(s, e.F("reset"), x))
		e.Store("u", e.Select(s, e.Add(u, e.F("d")), u))
		e.Spikes(s)
	},
}

// A trace is a model of package trace (and of the traced synapses): its
// stages, each a state T with its rate λ (l), scale c and base b,
//
//	T ← (T + λ·(b − T)) + c·x
//
// and its output. Each has four kernels: the output written (out may be
// x), added to out (the synapses' StepAdd), and both with the drive x
// drained (a sparse accumulator that the kernel leaves zero).
type trace struct {
	name   string
	doc    []string // the equations, the stages' first
	stages []string // the state of each stage; its constants are l, c and b with the state's name as suffix
	extra  []stream // the constants besides the stages'
	// out advances the stages, storing them, and returns the output.
	out func(e emitter, x vec) vec
}

// stage advances the stage of state t driven by x, stores and returns it.
func stage(e emitter, t string, x vec) vec {
	sfx := suffix(t)
	v := e.F(t)
	v = e.Add(e.Add(v, e.Mul(e.F("l"+sfx), e.Sub(e.F("b"+sfx), v))), e.Mul(e.F("c"+sfx), x))
	e.Store(t, v)
	return v
}

// suffix is the name of a stage's constants after l, c and b: none for the
// single stage's t, else the state's, capitalised.
func suffix(t string) string {
	if t == "t" {
		return ""
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

var traces = []trace{
	{
		name:   "Tracer",
		doc:    []string{"T ← (T + λ·(b − T)) + c·x", "out ← T"},
		stages: []string{"t"},
		out:    func(e emitter, x vec) vec { return stage(e, "t", x) },
	},
	{
		name: "RDTracer",
		doc: []string{
			"rise ← (rise + λRise·(bRise − rise)) + cRise·x",
			"decay ← (decay + λDecay·(bDecay − decay)) + cDecay·x",
			"out ← decay − rise",
		},
		stages: []string{"rise", "decay"},
		out: func(e emitter, x vec) vec {
			r := stage(e, "rise", x)
			return e.Sub(stage(e, "decay", x), r)
		},
	},
	{
		name: "RFSTracer",
		doc: []string{
			"each of fastRise, fastDecay, slowRise and slowDecay:",
			"    T ← (T + λT·(bT − T)) + cT·x",
			"out ← α·(fastDecay − fastRise) + α′·(slowDecay − slowRise)",
		},
		stages: []string{"fastRise", "fastDecay", "slowRise", "slowDecay"},
		extra:  []stream{{"alpha", paramF32}, {"alpha1", paramF32}},
		out: func(e emitter, x vec) vec {
			fr := stage(e, "fastRise", x)
			fast := e.Sub(stage(e, "fastDecay", x), fr)
			sr := stage(e, "slowRise", x)
			slow := e.Sub(stage(e, "slowDecay", x), sr)
			return e.Add(e.Mul(e.F("alpha"), fast), e.Mul(e.F("alpha1"), slow))
		},
	},
	{
		name: "DoubleTracer",
		doc: []string{
			"t1 ← (t1 + λ1·(b1 − t1)) + c1·x",
			"t2 ← (t2 + λ2·(b2 − t2)) + c2·t1",
			"out ← t2",
		},
		stages: []string{"t1", "t2"},
		out:    func(e emitter, x vec) vec { return stage(e, "t2", stage(e, "t1", x)) },
	},
}

// model returns one of the trace's kernels: with add, the output is added
// to out (which is read, and must not be x); with drain, x is left zero
// (and must not be out).
func (t trace) model(add, drain bool) model {
	m := model{name: t.name, noSpikes: true, doc: slices.Clone(t.doc)}
	for _, st := range t.stages {
		m.streams = append(m.streams, stream{st, stateF32})
	}
	m.streams = append(m.streams, stream{"x", inputF32}, stream{"out", outputF32})
	for _, st := range t.stages {
		sfx := suffix(st)
		m.streams = append(m.streams, stream{"l" + sfx, paramF32}, stream{"c" + sfx, paramF32}, stream{"b" + sfx, paramF32})
	}
	m.streams = append(m.streams, t.extra...)
	prose := "out may be x."
	m.apart = []pair{{"out", "x", !drain && !add}}
	if drain {
		m.name += "Drain"
		m.streams[len(t.stages)].kind = drainF32
		m.doc = append(m.doc, "x ← 0")
		prose = "x is a sparse accumulator that the kernel empties; out must not be x."
	}
	if add {
		m.name += "Add"
		m.streams[len(t.stages)+1].kind = stateF32 // read and written
		last := len(t.doc) - 1
		m.doc[last] = strings.Replace(m.doc[last], "out ← ", "out ← out + ", 1)
		prose = "The output is added to out (the synapses' StepAdd); out must not be x."
		if drain {
			prose = "The output is added to out (the synapses' StepAdd), and x is a sparse accumulator that the kernel empties; out must not be x."
		}
	}
	m.doc = append(m.doc, "", prose)
	m.body = func(e emitter) {
		y := t.out(e, e.F("x"))
		if add {
			y = e.Add(e.F("out"), y)
		}
		e.Store("out", y)
	}
	return m
}

// expModel is the vector exponential alone, for its tests and for callers.
var expModel = model{
	name:     "Exp",
	noSpikes: true,
	doc: []string{
		"out ← exp(x)",
		"",
		"The library's one exponential (internal/ref.Exp), within 1 ULP of e^x; NaN gives NaN, x above about 88.72 +Inf, below about −103.9 0. out may be x.",
	},
	streams: []stream{{"x", inputF32}, {"out", outputF32}},
	body:    func(e emitter) { e.Store("out", exp(e, e.F("x"))) },
	apart:   []pair{{"out", "x", true}},
}

// fused returns soma m stepped together with the single-stage traces of
// inputs synapse populations, in one pass over the units: each trace
// drained from its scattered input (the synapses' sparse accumulator, as
// the Tracer's draining kernel takes it), their outputs summed into the
// soma's current, in the order of the synapses' Step then StepAdd, so that
// the pass gives the bits of the separate steps.
func fused(m model, inputs int) model {
	f := model{name: fmt.Sprintf("%sTraced%d", m.name, inputs), bind: m.bind.traced(inputs)}
	var sum []string
	for i := 1; i <= inputs; i++ {
		f.doc = append(f.doc, fmt.Sprintf("T%[1]d ← (T%[1]d + λ%[1]d·(b%[1]d − T%[1]d)) + c%[1]d·x%[1]d,  x%[1]d ← 0", i))
		sum = append(sum, fmt.Sprintf("T%d", i))
	}
	f.doc = append(f.doc, "I ← "+strings.Join(sum, " + "))
	f.doc = append(f.doc, m.doc...)
	var params []stream
	for _, s := range m.streams {
		switch {
		case s.name == "cur":
		case s.param() || s.kind == scalarF32:
			params = append(params, s)
		default:
			f.streams = append(f.streams, s)
		}
	}
	for i := 1; i <= inputs; i++ {
		f.streams = append(f.streams, stream{fmt.Sprintf("t%d", i), stateF32}, stream{fmt.Sprintf("x%d", i), drainF32})
	}
	f.streams = append(f.streams, params...)
	for i := 1; i <= inputs; i++ {
		sfx := suffix(fmt.Sprintf("t%d", i))
		f.streams = append(f.streams, stream{"l" + sfx, paramF32}, stream{"c" + sfx, paramF32}, stream{"b" + sfx, paramF32})
	}
	f.body = func(e emitter) {
		var cur vec
		for i := 1; i <= inputs; i++ {
			t := stage(e, fmt.Sprintf("t%d", i), e.F(fmt.Sprintf("x%d", i)))
			if cur == nil {
				cur = t
			} else {
				cur = e.Add(cur, t)
			}
		}
		m.body(withCurrent{e, cur})
	}
	return f
}

// withCurrent is an emitter whose input current is a value the body
// computed, not a stream.
type withCurrent struct {
	emitter
	cur vec
}

func (w withCurrent) F(name string) vec {
	if name == "cur" {
		return w.cur
	}
	return w.emitter.F(name)
}

// fusedModels are the somas that have fused kernels with traced inputs:
// every one with two inputs (an excitatory and an inhibitory population,
// as in CUBA), and the memory-bound ones, the leaky family and Izhikevich,
// with one (a layer fed forward); on NEON those whose streams fit its
// registers (neonFits). Another number of inputs, or an exponential soma
// with one, steps the traces and the soma one after the other (soma's
// StepTraced), with the same bits. (Measured with one input, AVX-512, 4096
// units: fused 1.2–1.4× faster for the leaky family and Izhikevich,
// 0.90–1.05× for the exponential family, whose exponential bounds it.)
func fusedModels() []model {
	var out []model
	for _, m := range slices.Concat(models, []model{izhikevich}) {
		out = append(out, fused(m, 1))
	}
	for _, m := range slices.Concat(models, exponentialModels, []model{izhikevich}) {
		out = append(out, fused(m, 2))
	}
	return out
}
