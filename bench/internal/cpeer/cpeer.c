//go:build cgo

// The somas' updates as one would write them in C for gcc to vectorize:
// plain scalar loops over a structure of arrays, uniform float parameters,
// expf from math.h (which gcc -O3 -ffast-math turns into glibc libmvec's
// vector expf, _ZGVeN16v_expf or _ZGVdN8v_expf), one spike flag byte per
// unit, and each equation written as internal/ref writes it (soma.go), the
// exponential's argument a division.
//
// gcc 12 vectorizes every loop here (cpeer_test.go checks that the binary
// calls a libmvec expf). The refractory loops read the current before the
// select and the counter as an int: written with a conditional read of
// cur[i] and the counter kept in a uint16, the same equations stay scalar,
// calling expf one unit at a time.

#include <math.h>
#include <stdint.h>

#include "cpeer.h"

// Leaky is LeakySoma: V ← d·V + gR·I; s ← V > thr; V ← s ? reset : V
void leaky(int n, float *restrict v, const float *restrict cur, uint8_t *restrict spk, float d, float gr, float thr,
	float reset) {
	for (int i = 0; i < n; i++) {
		float x = d * v[i] + gr * cur[i];
		int s = x > thr;
		v[i] = s ? reset : x;
		spk[i] = s;
	}
}

// Exponential is ExponentialSoma:
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) + R·I); s ← V > thr; V ← s ? reset : V
void exponential(int n, float *restrict v, const float *restrict cur, uint8_t *restrict spk, exp_params p) {
	const float k = p.k, delta = p.delta, rh = p.rh, r = p.r, thr = p.thr, reset = p.reset;
	for (int i = 0; i < n; i++) {
		float x = v[i];
		x += k * ((-x + delta * expf((x - rh) / delta)) + r * cur[i]);
		int s = x > thr;
		v[i] = s ? reset : x;
		spk[i] = s;
	}
}

// RefractoryExponential is RefractoryExponentialSoma:
//	ready ← r > c; V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > thr; V ← s ? reset : V; r ← s ? 0 : min(r + 1, 65535)
void refractory_exponential(int n, float *restrict v, uint16_t *restrict rc, const float *restrict cur,
	uint8_t *restrict spk, exp_params p, uint16_t c) {
	const float k = p.k, delta = p.delta, rh = p.rh, r = p.r, thr = p.thr, reset = p.reset;
	for (int i = 0; i < n; i++) {
		float x = v[i], in = cur[i];
		int q = rc[i];
		float g = q > c ? r * in : 0.0f;
		x += k * ((-x + delta * expf((x - rh) / delta)) + g);
		int s = q > c && x > thr;
		v[i] = s ? reset : x;
		rc[i] = s ? 0 : q + (q < UINT16_MAX);
		spk[i] = s;
	}
}

// AdaptiveExponential is AdaptiveExponentialSoma (AdEx):
//	V ← V + k·(−V + Δ·exp((V − rh)/Δ) − R·w + R·I); s ← V > thr; V ← s ? reset : V
//	w ← w + kw·(−w + a·V) + b·s
void adaptive_exponential(int n, float *restrict v, float *restrict w, const float *restrict cur,
	uint8_t *restrict spk, exp_params p, float kw, float a, float b) {
	const float k = p.k, delta = p.delta, rh = p.rh, r = p.r, thr = p.thr, reset = p.reset;
	for (int i = 0; i < n; i++) {
		float x = v[i], y = w[i];
		x += k * (((-x + delta * expf((x - rh) / delta)) - r * y) + r * cur[i]);
		int s = x > thr;
		x = s ? reset : x;
		v[i] = x;
		w[i] = (y + kw * (-y + a * x)) + (s ? b : 0.0f);
		spk[i] = s;
	}
}

// SimplifiedAdaptiveExponential is SimplifiedAdaptiveExponentialSoma:
//	ready ← r > c; V ← V + k·(−V + Δ·exp((V − rh)/Δ) + (ready ? R·I : 0))
//	s ← ready ∧ V > θ; V ← s ? reset : V; r ← s ? 0 : min(r + 1, 65535)
//	θ ← θ + λθ·(thr − θ) + threshold_delta·s
void simplified_adaptive_exponential(int n, float *restrict v, uint16_t *restrict rc, float *restrict theta,
	const float *restrict cur, uint8_t *restrict spk, exp_params p, uint16_t c, float ltheta, float dtheta) {
	const float k = p.k, delta = p.delta, rh = p.rh, r = p.r, thr = p.thr, reset = p.reset;
	for (int i = 0; i < n; i++) {
		float x = v[i], in = cur[i], t = theta[i];
		int q = rc[i];
		float g = q > c ? r * in : 0.0f;
		x += k * ((-x + delta * expf((x - rh) / delta)) + g);
		int s = q > c && x > t;
		v[i] = s ? reset : x;
		rc[i] = s ? 0 : q + (q < UINT16_MAX);
		theta[i] = (t + ltheta * (thr - t)) + (s ? dtheta : 0.0f);
		spk[i] = s;
	}
}

// Izhikevich is IzhikevichSoma, v = V + rest:
//	V ← V + dt·(0.04·v·v + 5·v + 140 − R·u + R·I); u ← u + dt·(a·(b·(V + rest) − u))
//	s ← V > thr; V ← s ? reset : V; u ← s ? u + d : u
void izhikevich(int n, float *restrict v, float *restrict u, const float *restrict cur, uint8_t *restrict spk,
	izh_params p) {
	const float rest = p.rest, r = p.r, a = p.a, b = p.b, d = p.d, thr = p.thr, reset = p.reset, dt = p.dt;
	for (int i = 0; i < n; i++) {
		float x = v[i] + rest, y = u[i];
		float dv = ((((0.04f * x) * x + 5.0f * x) + 140.0f) - r * y) + r * cur[i];
		float next = v[i] + dt * dv;
		y += dt * (a * (b * (next + rest) - y));
		int s = next > thr;
		v[i] = s ? reset : next;
		u[i] = s ? y + d : y;
		spk[i] = s;
	}
}

// nothing is an empty call, to time cgo's cost of a call.
void nothing(void) {}
