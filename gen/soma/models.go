package main

import (
	"slices"
	"strings"
)

// The leaky family, as the portable kernels (soma/kernels_generic.go) and
// internal/ref compute it, one vector of units at a time. Streams: v the
// potential, r the refractory counter, theta the adaptive threshold, cur the
// input current; d, gr, thr, reset, c, ltheta and dtheta the constants.

var leakyParams = []stream{{"d", paramF32}, {"gr", paramF32}, {"thr", paramF32}, {"reset", paramF32}}

var models = []model{
	{
		name: "Leaky",
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
			// are the scarcer execution units on AVX-512.
			e.Store("v", e.Select(s, reset, e.Select(ready, x, reset)))
			e.Tick("r", r, s)
			e.Spikes(s)
		},
	},
	{
		name: "AdaptiveLeaky",
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

// The single-stage trace (package trace, and the traced synapses), whose
// output is written, or added to out (the synapses' StepAdd).
var tracer, tracerAdd = traceStage(false), traceStage(true)

// traceStage is the single-stage trace update; with add, out is read and
// the output added to it, and out must not be x.
func traceStage(add bool) model {
	m := model{
		name:     "Tracer",
		noSpikes: true,
		doc: []string{
			"T ← (T + λ·(b − T)) + c·x",
			"out ← T",
			"",
			"One trace stage (package trace); out may be x.",
		},
		streams: []stream{{"t", stateF32}, {"x", inputF32}, {"out", outputF32}, {"l", paramF32}, {"c", paramF32}, {"b", paramF32}},
	}
	if add {
		m.name = "TracerAdd"
		m.doc[1] = "out ← out + T"
		m.doc[3] = "One trace stage whose output is added to out (the synapses' StepAdd); out must not be x."
		m.streams[2].kind = stateF32 // read and written
	}
	m.body = func(e emitter) {
		t := e.F("t")
		t = e.Add(e.Add(t, e.Mul(e.F("l"), e.Sub(e.F("b"), t))), e.Mul(e.F("c"), e.F("x")))
		e.Store("t", t)
		if add {
			t = e.Add(e.F("out"), t)
		}
		e.Store("out", t)
	}
	return m
}

// drained is m taking its drive x as a sparse accumulator that it leaves
// zero (the sparse synapses' weighted input), instead of an input it only
// reads: m with "Drain" after the trace's name.
func drained(m model) model {
	d := m
	d.name = strings.Replace(m.name, "Tracer", "TracerDrain", 1)
	// The new line joins the equations, before the blank line that ends them.
	blank := slices.Index(m.doc, "")
	d.doc = slices.Concat(m.doc[:blank], []string{"x ← 0"}, m.doc[blank:],
		[]string{"x is a sparse accumulator that the kernel empties."})
	d.streams = append([]stream(nil), m.streams...)
	for k := range d.streams {
		if d.streams[k].name == "x" {
			d.streams[k].kind = drainF32
		}
	}
	return d
}
