package main

import (
	"math"
	"testing"

	"github.com/sparkgo/spark/bench/internal/cpeer"
	"github.com/sparkgo/spark/internal/ref"
)

// cPeerAgreement steps c and the reference model rm (both from their
// initial state) on the currents for steps steps, and returns the fraction
// of the unit-steps whose state differs: a potential (or θ, w, u) by more
// than a relative 1e-3 (of the larger, at least 1), or a refractory counter
// at all; and the two spike counts.
func cPeerAgreement(c *cSoma, rm ref.Soma, shape ref.State, cur []float32, steps int) (off float64, cSpikes, refSpikes int) {
	n := len(cur)
	st := newRefState(shape, n)
	rm.Init(st)
	flags := make([]bool, n)
	bad := 0
	for range steps {
		c.step(cur)
		rm.Step(st, cur, flags)
		cSpikes += c.count()
		for i, s := range flags {
			if s {
				refSpikes++
			}
			if !close(c.st.V, st.V, i) || !close(c.st.Theta, st.Theta, i) || !close(c.st.W, st.W, i) ||
				!close(c.st.U, st.U, i) || c.st.R != nil && c.st.R[i] != st.R[i] {
				bad++
			}
		}
	}
	return float64(bad) / float64(steps*n), cSpikes, refSpikes
}

// TestCPeerModels checks that the C peer computes the models the peers
// table says: from the same constants and currents as the bench's, its
// potentials and other states follow internal/ref's for 2000 steps
// (200 ms) within a loose tolerance (99% of the unit-steps), as gcc -ffast-math and libmvec's expf do not give the same
// bits, and its spike counts are within 1%. A C model with one of its
// constants off by 10% (or its cooldown by a step) must fail the same
// check, so that the tolerance cannot hide a wrong equation.
func TestCPeerModels(t *testing.T) {
	if !cpeer.Available {
		t.Skip("no C peer in this build (cgo disabled)")
	}
	const n, steps = 512, 2000
	agree := func(off float64, cs, rs int) bool {
		return off <= 0.01 && math.Abs(float64(cs-rs)) <= 0.01*float64(rs)
	}
	// perturb changes the distinctive constant of each model.
	perturb := map[string]func(p ref.Params){
		"LeakySoma":                         func(p ref.Params) { p["potential_tau"] = ref.P{22} },
		"ExponentialSoma":                   func(p ref.Params) { p["spike_slope"] = ref.P{2.2} },
		"RefractoryExponentialSoma":         func(p ref.Params) { p["cooldown"] = ref.P{2.1} },
		"AdaptiveExponentialSoma":           func(p ref.Params) { p["adaptation_delta"] = ref.P{7.7} },
		"SimplifiedAdaptiveExponentialSoma": func(p ref.Params) { p["threshold_tau"] = ref.P{22} },
		"IzhikevichSoma":                    func(p ref.Params) { p["recovery_update"] = ref.P{2.2} },
	}
	for _, name := range cPeerModels {
		m := somaNamed(name)
		s, err := m.build(1, kernelDt)
		if err != nil {
			t.Fatal(err)
		}
		shape, _, _ := somaStates(s)
		cur := m.drive(n, 3)
		rm := func(p ref.Params) ref.Soma { return ref.Somas[name](kernelDt, p) }

		off, cs, rs := cPeerAgreement(newCSoma(name, rm(refSomaParams[name]), n), rm(refSomaParams[name]), shape, cur, steps)
		t.Logf("%s: %.3f%% of unit-steps off, spikes C %d, ref %d", name, 100*off, cs, rs)
		if rs < n {
			t.Errorf("%s: %d spikes in %d steps of %d units: the check compares little", name, rs, steps, n)
		}
		if !agree(off, cs, rs) {
			t.Errorf("%s: the C peer disagrees with internal/ref: %.2f%% of potentials off, spikes %d vs %d",
				name, 100*off, cs, rs)
		}

		wrong := ref.Params{}
		for k, v := range refSomaParams[name] {
			wrong[k] = v
		}
		perturb[name](wrong)
		off, cs, rs = cPeerAgreement(newCSoma(name, rm(wrong), n), rm(refSomaParams[name]), shape, cur, steps)
		t.Logf("%s, C perturbed: %.3f%% of unit-steps off, spikes C %d, ref %d", name, 100*off, cs, rs)
		if agree(off, cs, rs) {
			t.Errorf("%s: a C peer with a wrong constant passes the check (%.2f%% off, spikes %d vs %d)", name, 100*off, cs, rs)
		}
	}
}

// close reports whether a[i] and b[i] agree within a relative 1e-3 (of
// the larger, at least 1); arrays the model lacks (nil) agree.
func close(a, b []float32, i int) bool {
	if a == nil {
		return true
	}
	x, y := float64(a[i]), float64(b[i])
	return math.Abs(x-y) <= 1e-3*max(1, math.Abs(x), math.Abs(y))
}
