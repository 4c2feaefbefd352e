package soma

import (
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
)

// The portable kernels: plain Go, equal bit for bit to internal/ref. They
// update mem.BlockLen units at a time, the units of one spike word, so that each
// word is written once, whole; every product is rounded on its own by an
// explicit float32 conversion, as in the reference, so that the compiler may
// not fuse it into an FMA. Each block reslices its streams to the block's
// length, which lets the compiler drop the bounds checks of the inner loop.

// tick is the refractory counter's update, r ← s ? 0 : min(r + 1, 65535).
func tick(r uint16, s bool) uint16 {
	if s {
		return 0
	}
	if r != 0xffff {
		r++
	}
	return r
}

// gate is x if ready, else 0: the input a refractory unit ignores.
func gate(ready bool, x float32) float32 {
	if ready {
		return x
	}
	return 0
}

func leakyGeneric(k *leakyConsts, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib := current[lo:hi][:n]
		d, gR, thr, reset := k.d.Block(lo, hi)[:n], k.gR.Block(lo, hi)[:n], k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			x = float32(d[j]*x) + float32(gR[j]*ib[j])
			if x > thr[j] {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
		}
		spikes[w] = bits
	}
}

func refractoryLeakyGeneric(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, r, c := current[lo:hi][:n], rf.r[lo:hi][:n], rf.c.Block(lo, hi)[:n]
		d, gR, thr, reset := k.d.Block(lo, hi)[:n], k.gR.Block(lo, hi)[:n], k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			ready := r[j] > c[j]
			x = float32(d[j]*x) + gate(ready, float32(gR[j]*ib[j]))
			s := ready && x > thr[j]
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			r[j] = tick(r[j], s)
		}
		spikes[w] = bits
	}
}

func strictRefractoryLeakyGeneric(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, r, c := current[lo:hi][:n], rf.r[lo:hi][:n], rf.c.Block(lo, hi)[:n]
		d, gR, thr, reset := k.d.Block(lo, hi)[:n], k.gR.Block(lo, hi)[:n], k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			ready := r[j] >= c[j]
			x = float32(d[j]*x) + float32(gR[j]*ib[j])
			if !ready {
				x = reset[j]
			}
			s := ready && x > thr[j]
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			r[j] = tick(r[j], s)
		}
		spikes[w] = bits
	}
}

func adaptiveLeakyGeneric(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, r, c := current[lo:hi][:n], rf.r[lo:hi][:n], rf.c.Block(lo, hi)[:n]
		d, gR, thr, reset := k.d.Block(lo, hi)[:n], k.gR.Block(lo, hi)[:n], k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		theta, lTheta, deltaTheta := th.theta[lo:hi][:n], th.lTheta.Block(lo, hi)[:n], th.deltaTheta.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			ready := r[j] > c[j]
			x = float32(d[j]*x) + gate(ready, float32(gR[j]*ib[j]))
			t := theta[j]
			s := ready && x > t
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			r[j] = tick(r[j], s)
			theta[j] = (t + float32(lTheta[j]*(thr[j]-t))) + gate(s, deltaTheta[j])
		}
		spikes[w] = bits
	}
}

// drive is −V + Δ·exp((V − rh)/Δ), the leak and spike-initiation current of
// the exponential somas.
func drive(x, delta, rh float32) float32 {
	return -x + float32(delta*ref.Exp(float32((x-rh)/delta)))
}

func exponentialGeneric(k *exponentialConsts, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib := current[lo:hi][:n]
		kk, delta, rh, r := k.k.Block(lo, hi)[:n], k.delta.Block(lo, hi)[:n], k.rh.Block(lo, hi)[:n], k.r.Block(lo, hi)[:n]
		thr, reset := k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			x += float32(kk[j] * (drive(x, delta[j], rh[j]) + float32(r[j]*ib[j])))
			if x > thr[j] {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
		}
		spikes[w] = bits
	}
}

func refractoryExponentialGeneric(k *exponentialConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, rc, c := current[lo:hi][:n], rf.r[lo:hi][:n], rf.c.Block(lo, hi)[:n]
		kk, delta, rh, r := k.k.Block(lo, hi)[:n], k.delta.Block(lo, hi)[:n], k.rh.Block(lo, hi)[:n], k.r.Block(lo, hi)[:n]
		thr, reset := k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			ready := rc[j] > c[j]
			x += float32(kk[j] * (drive(x, delta[j], rh[j]) + gate(ready, float32(r[j]*ib[j]))))
			s := ready && x > thr[j]
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			rc[j] = tick(rc[j], s)
		}
		spikes[w] = bits
	}
}

func adaptiveExponentialGeneric(k *exponentialConsts, ad *adaptation, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, wb := current[lo:hi][:n], ad.w[lo:hi][:n]
		kk, delta, rh, r := k.k.Block(lo, hi)[:n], k.delta.Block(lo, hi)[:n], k.rh.Block(lo, hi)[:n], k.r.Block(lo, hi)[:n]
		thr, reset := k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		kw, a, b := ad.kw.Block(lo, hi)[:n], ad.a.Block(lo, hi)[:n], ad.b.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			aw := wb[j]
			x += float32(kk[j] * ((drive(x, delta[j], rh[j]) - float32(r[j]*aw)) + float32(r[j]*ib[j])))
			s := x > thr[j]
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			wb[j] = (aw + float32(kw[j]*(-aw+float32(a[j]*x)))) + gate(s, b[j])
		}
		spikes[w] = bits
	}
}

func simplifiedAdaptiveExponentialGeneric(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, rc, c := current[lo:hi][:n], rf.r[lo:hi][:n], rf.c.Block(lo, hi)[:n]
		kk, delta, rh, r := k.k.Block(lo, hi)[:n], k.delta.Block(lo, hi)[:n], k.rh.Block(lo, hi)[:n], k.r.Block(lo, hi)[:n]
		thr, reset := k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		theta, lTheta, deltaTheta := th.theta[lo:hi][:n], th.lTheta.Block(lo, hi)[:n], th.deltaTheta.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			ready := rc[j] > c[j]
			x += float32(kk[j] * (drive(x, delta[j], rh[j]) + gate(ready, float32(r[j]*ib[j]))))
			t := theta[j]
			s := ready && x > t
			if s {
				x = reset[j]
				bits |= 1 << j
			}
			vb[j] = x
			rc[j] = tick(rc[j], s)
			theta[j] = (t + float32(lTheta[j]*(thr[j]-t))) + gate(s, deltaTheta[j])
		}
		spikes[w] = bits
	}
}

func izhikevichGeneric(k *izhikevichConsts, v, u, current []float32, spikes []uint64, w0, w1 int) {
	dt := k.dt
	for w := w0; w < w1; w++ {
		lo, hi := mem.Span(w, len(v))
		vb := v[lo:hi]
		n := len(vb)
		ib, ub := current[lo:hi][:n], u[lo:hi][:n]
		rest, r, a, b, d := k.rest.Block(lo, hi)[:n], k.r.Block(lo, hi)[:n], k.a.Block(lo, hi)[:n], k.b.Block(lo, hi)[:n], k.d.Block(lo, hi)[:n]
		thr, reset := k.thr.Block(lo, hi)[:n], k.reset.Block(lo, hi)[:n]
		var bits uint64
		for j, x := range vb {
			uj, va := ub[j], x+rest[j]
			dv := (((float32(float32(0.04*va)*va) + float32(5*va)) + 140) - float32(r[j]*uj)) + float32(r[j]*ib[j])
			x += float32(dt * dv)
			uj += float32(dt * float32(a[j]*(float32(b[j]*(x+rest[j]))-uj)))
			if x > thr[j] {
				x = reset[j]
				uj += d[j]
				bits |= 1 << j
			}
			vb[j] = x
			ub[j] = uj
		}
		spikes[w] = bits
	}
}
