//go:build cgo

// Package cpeer is the benchmark's C peer: the leaky soma, the exponential
// somas and Izhikevich written as plain scalar C loops (cpeer.c) and compiled with
// gcc -O3 -march=native -ffast-math, which vectorizes them and their expf
// through glibc's libmvec. A build without cgo has a stub whose Available
// is false.
package cpeer

/*
#cgo CFLAGS: -O3 -march=native -ffast-math
#cgo LDFLAGS: -lm
#include "cpeer.h"
*/
import "C"

import "unsafe"

// Available reports whether this build has the C peer (cgo).
const Available = true

// Flags is the CFLAGS the peer is compiled with.
const Flags = "-O3 -march=native -ffast-math"

// One cgo call steps a whole population. An empty call costs 37 to 40 ns
// (BenchmarkCall, on the 2-core AVX-512 Xeon this was written on: cgo's
// switch to the system stack and back), against 1.8 to 2.5 µs for a C step
// of an exponential soma at 4096 units and 1.0 µs for Izhikevich, measured
// in the same session: 2% of the exponential somas' steps, 4% of
// Izhikevich's, and nothing at the DRAM size.

// Exp are the constants of the exponential somas, as internal/ref derives
// them: k = dt/τ, Δ the spike slope, rh the rheobase threshold, R the
// resistance, thr and reset, potentials relative to rest.
type Exp struct{ K, Delta, Rh, R, Thr, Reset float32 }

func (p Exp) c() C.exp_params {
	return C.exp_params{k: C.float(p.K), delta: C.float(p.Delta), rh: C.float(p.Rh), r: C.float(p.R),
		thr: C.float(p.Thr), reset: C.float(p.Reset)}
}

// Izh are Izhikevich's constants as internal/ref.Izhikevich holds them.
type Izh struct{ Rest, R, A, B, D, Thr, Reset, Dt float32 }

func f32(s []float32) *C.float   { return (*C.float)(unsafe.Pointer(unsafe.SliceData(s))) }
func u16(s []uint16) *C.uint16_t { return (*C.uint16_t)(unsafe.Pointer(unsafe.SliceData(s))) }
func u8(s []uint8) *C.uint8_t    { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(s))) }

// check panics unless every slice has n elements.
func check(n int, lens ...int) {
	for _, l := range lens {
		if l != n {
			panic("cpeer: slices of different lengths")
		}
	}
}

// Leaky steps LeakySoma: v the potentials, cur the currents, spikes one
// flag per unit; d = decay(τ), gr = rate(τ)·R.
func Leaky(d, gr, thr, reset float32, v, cur []float32, spikes []uint8) {
	check(len(v), len(cur), len(spikes))
	C.leaky(C.int(len(v)), f32(v), f32(cur), u8(spikes), C.float(d), C.float(gr), C.float(thr), C.float(reset))
}

// Exponential steps ExponentialSoma: v the potentials, cur the currents,
// spikes one flag (0 or 1) per unit.
func Exponential(p Exp, v, cur []float32, spikes []uint8) {
	check(len(v), len(cur), len(spikes))
	C.exponential(C.int(len(v)), f32(v), f32(cur), u8(spikes), p.c())
}

// RefractoryExponential steps RefractoryExponentialSoma, r the counters,
// c the cooldown in steps.
func RefractoryExponential(p Exp, c uint16, v []float32, r []uint16, cur []float32, spikes []uint8) {
	check(len(v), len(r), len(cur), len(spikes))
	C.refractory_exponential(C.int(len(v)), f32(v), u16(r), f32(cur), u8(spikes), p.c(), C.uint16_t(c))
}

// AdaptiveExponential steps AdaptiveExponentialSoma, w the adaptation
// currents, kw = dt/τw, a and b the subthreshold and spike adaptation.
func AdaptiveExponential(p Exp, kw, a, b float32, v, w, cur []float32, spikes []uint8) {
	check(len(v), len(w), len(cur), len(spikes))
	C.adaptive_exponential(C.int(len(v)), f32(v), f32(w), f32(cur), u8(spikes), p.c(), C.float(kw), C.float(a), C.float(b))
}

// SimplifiedAdaptiveExponential steps SimplifiedAdaptiveExponentialSoma,
// theta the thresholds, lTheta their rate and dTheta their jump.
func SimplifiedAdaptiveExponential(p Exp, c uint16, lTheta, dTheta float32, v []float32, r []uint16, theta, cur []float32,
	spikes []uint8) {
	check(len(v), len(r), len(theta), len(cur), len(spikes))
	C.simplified_adaptive_exponential(C.int(len(v)), f32(v), u16(r), f32(theta), f32(cur), u8(spikes), p.c(), C.uint16_t(c),
		C.float(lTheta), C.float(dTheta))
}

// Izhikevich steps IzhikevichSoma, u the recovery variables.
func Izhikevich(p Izh, v, u, cur []float32, spikes []uint8) {
	check(len(v), len(u), len(cur), len(spikes))
	C.izhikevich(C.int(len(v)), f32(v), f32(u), f32(cur), u8(spikes), C.izh_params{rest: C.float(p.Rest), r: C.float(p.R),
		a: C.float(p.A), b: C.float(p.B), d: C.float(p.D), thr: C.float(p.Thr), reset: C.float(p.Reset), dt: C.float(p.Dt)})
}

// nothing is an empty C call, for BenchmarkCall.
func nothing() { C.nothing() }
