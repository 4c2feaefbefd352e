package main

import (
	"fmt"
	"strings"

	"github.com/sparkgo/spark/bench/internal/cpeer"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
)

// The C peer of the soma rows of the peers table: the same updates as
// plain scalar C loops that gcc vectorizes (bench/internal/cpeer), stepped
// with the constants internal/ref derives from the models' default
// parameters (refSomaParams), so that both sides compute the same model.
// Builds without cgo have no C peer and no such rows.

// cPeerModels are the somas the C peer has.
var cPeerModels = []string{"LeakySoma", "ExponentialSoma", "RefractoryExponentialSoma", "AdaptiveExponentialSoma",
	"SimplifiedAdaptiveExponentialSoma", "IzhikevichSoma"}

// cPeerLabel names the C peer of a model in the peers table.
func cPeerLabel(model string) string {
	if strings.Contains(model, "Exponential") {
		return "gcc " + cpeer.Flags + " (C, expf from libmvec)"
	}
	return "gcc " + cpeer.Flags + " (C)"
}

// cSoma is a population of one soma stepped by the C peer.
type cSoma struct {
	st     ref.State // the arrays the model has, in ref's layout
	spikes []uint8   // one flag per unit
	step   func(cur []float32)
}

// uniformAt returns the one value of a uniform constant.
func uniformAt(p ref.P) float32 {
	if len(p) != 1 {
		panic("bench: the C peer takes uniform parameters")
	}
	return p[0]
}

func cExp(m *ref.Exponential) cpeer.Exp {
	return cpeer.Exp{K: uniformAt(m.K), Delta: uniformAt(m.Delta), Rh: uniformAt(m.Rh), R: uniformAt(m.R),
		Thr: uniformAt(m.Thr), Reset: uniformAt(m.Reset)}
}

// newCSoma sets up n units of model (one of cPeerModels) with the
// constants of rm, internal/ref's model, at their initial state (rm.Init),
// the arrays allocated as a population's are (internal/mem).
func newCSoma(model string, rm ref.Soma, n int) *cSoma {
	c := &cSoma{spikes: make([]uint8, n)}
	var blk mem.Block
	mem.Array(&blk, &c.st.V, n)
	switch rm.(type) {
	case *ref.RefractoryExponential:
		mem.Array(&blk, &c.st.R, n)
	case *ref.AdaptiveExponential:
		mem.Array(&blk, &c.st.W, n)
	case *ref.SimplifiedAdaptiveExponential:
		mem.Array(&blk, &c.st.R, n)
		mem.Array(&blk, &c.st.Theta, n)
	case *ref.Izhikevich:
		mem.Array(&blk, &c.st.U, n)
	}
	blk.Alloc()
	// Touch every page now, as a population's first steps do: make's
	// pages of a large slice are mapped on first write, and a fault per
	// 4 KiB in the timed steps cut the C side's DRAM figures by up to 4×.
	for _, a := range [][]float32{c.st.V, c.st.W, c.st.Theta, c.st.U} {
		clear(a)
	}
	clear(c.st.R)
	clear(c.spikes)
	rm.Init(c.st)
	st := c.st
	switch m := rm.(type) {
	case *ref.Leaky:
		d, gr, thr, reset := uniformAt(m.D), uniformAt(m.GR), uniformAt(m.Thr), uniformAt(m.Reset)
		c.step = func(cur []float32) { cpeer.Leaky(d, gr, thr, reset, st.V, cur, c.spikes) }
	case *ref.Exponential:
		p := cExp(m)
		c.step = func(cur []float32) { cpeer.Exponential(p, st.V, cur, c.spikes) }
	case *ref.RefractoryExponential:
		p, cool := cExp(&m.Exponential), m.CAt(0)
		c.step = func(cur []float32) { cpeer.RefractoryExponential(p, cool, st.V, st.R, cur, c.spikes) }
	case *ref.AdaptiveExponential:
		p, kw, a, b := cExp(&m.Exponential), uniformAt(m.KW), uniformAt(m.A), uniformAt(m.B)
		c.step = func(cur []float32) { cpeer.AdaptiveExponential(p, kw, a, b, st.V, st.W, cur, c.spikes) }
	case *ref.SimplifiedAdaptiveExponential:
		p, cool := cExp(&m.Exponential), m.CAt(0)
		lt, dt := uniformAt(m.LTheta), uniformAt(m.DeltaTheta)
		c.step = func(cur []float32) {
			cpeer.SimplifiedAdaptiveExponential(p, cool, lt, dt, st.V, st.R, st.Theta, cur, c.spikes)
		}
	case *ref.Izhikevich:
		p := cpeer.Izh{Rest: uniformAt(m.Rest), R: uniformAt(m.R), A: uniformAt(m.A), B: uniformAt(m.B), D: uniformAt(m.D),
			Thr: uniformAt(m.Thr), Reset: uniformAt(m.Reset), Dt: m.Dt}
		c.step = func(cur []float32) { cpeer.Izhikevich(p, st.V, st.U, cur, c.spikes) }
	default:
		panic(fmt.Sprintf("bench: no C peer for %s", model))
	}
	return c
}

// count returns the number of units that spiked in the last step.
func (c *cSoma) count() int {
	k := 0
	for _, s := range c.spikes {
		k += int(s)
	}
	return k
}
