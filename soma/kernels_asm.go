//go:build (amd64 || arm64) && !purego

package soma

import (
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/tracer"
)

// How the assembly kernels of every ISA (kernels_amd64.go, kernels_arm64.go)
// are called: the adapters from a population's state to a kernel's slices.

// blocks runs a kernel over blocks w0 to w1−1 of a population of n =
// len(current) units: call(b, nb, cur) runs nb blocks from block b with
// the inputs cur (nb·64 of them), the last, partial block, if in range,
// through tail. Only the range's blocks of the state, inputs and spike
// words are passed on (and, for the race detector, annotated): disjoint
// ranges touch disjoint memory, tail but by the range of the last block.
func blocks(tail, current []float32, spikes []uint64, w0, w1 int, call func(b, nb int, cur []float32)) {
	n := len(current)
	full := n / mem.BlockLen
	if e := min(w1, full); e > w0 {
		call(w0, e-w0, current[w0*mem.BlockLen:e*mem.BlockLen])
	}
	if rem := n % mem.BlockLen; rem != 0 && w1 > full && w0 < w1 {
		copy(tail, current[full*mem.BlockLen:])
		clear(tail[rem:])
		call(full, 1, tail[:mem.BlockLen])
		spikes[full] &= 1<<rem - 1
	}
}

// Each model has two kernels: one that streams a block of every parameter
// per block of units, and one, for populations whose parameters are all
// uniform, that holds them in registers. The states are passed whole
// blocks of their padded storage (mem.Blocks), the parameters as their
// streams hold them (mem.Stream.Blocks).

type (
	leakyFunc        = func(v, cur, d, gr, thr, reset []float32, spikes []uint64)
	leakyUniformFunc = func(v, cur []float32, d, gr, thr, reset float32, spikes []uint64)
)

func (k *leakyConsts) uniform() bool {
	return k.d.Uniform() && k.gR.Uniform() && k.thr.Uniform() && k.reset.Uniform()
}

func leakyAsm(f leakyFunc, u leakyUniformFunc) func(k *leakyConsts, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *leakyConsts, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, sb := mem.Blocks(v, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, cur, k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0), sb)
				return
			}
			f(vb, cur, k.d.Blocks(b, nb), k.gR.Blocks(b, nb), k.thr.Blocks(b, nb), k.reset.Blocks(b, nb), sb)
		})
	}
}

type (
	refractoryFunc        = func(v []float32, r []uint16, cur []float32, c []uint16, d, gr, thr, reset []float32, spikes []uint64)
	refractoryUniformFunc = func(v []float32, r []uint16, cur []float32, c uint16, d, gr, thr, reset float32, spikes []uint64)
)

func refractoryAsm(f refractoryFunc, u refractoryUniformFunc) func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform() && rf.c.Uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, rb, sb := mem.Blocks(v, b, nb), mem.Blocks(rf.r, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, rb, cur, rf.c.At(0), k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0), sb)
				return
			}
			f(vb, rb, cur, rf.c.Blocks(b, nb), k.d.Blocks(b, nb), k.gR.Blocks(b, nb), k.thr.Blocks(b, nb), k.reset.Blocks(b, nb), sb)
		})
	}
}

type (
	adaptiveFunc = func(v []float32, r []uint16, theta, cur []float32, c []uint16, d, gr, thr, reset, ltheta, dtheta []float32,
		spikes []uint64)
	adaptiveUniformFunc = func(v []float32, r []uint16, theta, cur []float32, c uint16, d, gr, thr, reset, ltheta, dtheta float32,
		spikes []uint64)
)

func adaptiveAsm(f adaptiveFunc, u adaptiveUniformFunc) func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform() && rf.c.Uniform() && th.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, rb, tb, sb := mem.Blocks(v, b, nb), mem.Blocks(rf.r, b, nb), mem.Blocks(th.theta, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, rb, tb, cur, rf.c.At(0), k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0),
					th.lTheta.At(0), th.deltaTheta.At(0), sb)
				return
			}
			f(vb, rb, tb, cur, rf.c.Blocks(b, nb), k.d.Blocks(b, nb), k.gR.Blocks(b, nb), k.thr.Blocks(b, nb), k.reset.Blocks(b, nb),
				th.lTheta.Blocks(b, nb), th.deltaTheta.Blocks(b, nb), sb)
		})
	}
}

type (
	exponentialFunc        = func(v, cur, k, delta, rh, res, thr, reset []float32, spikes []uint64)
	exponentialUniformFunc = func(v, cur []float32, k, delta, rh, res, thr, reset float32, spikes []uint64)
)

func (th *adaptiveThreshold) uniform() bool { return th.lTheta.Uniform() && th.deltaTheta.Uniform() }

func (ad *adaptation) uniform() bool { return ad.kw.Uniform() && ad.a.Uniform() && ad.b.Uniform() }

func (k *izhikevichConsts) uniform() bool {
	return k.rest.Uniform() && k.r.Uniform() && k.a.Uniform() && k.b.Uniform() && k.d.Uniform() && k.thr.Uniform() &&
		k.reset.Uniform()
}

func (k *exponentialConsts) uniform() bool {
	return k.k.Uniform() && k.delta.Uniform() && k.rh.Uniform() && k.r.Uniform() && k.thr.Uniform() && k.reset.Uniform()
}

func exponentialAsm(f exponentialFunc, u exponentialUniformFunc) func(k *exponentialConsts, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *exponentialConsts, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, sb := mem.Blocks(v, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, cur, k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0), sb)
				return
			}
			f(vb, cur, k.k.Blocks(b, nb), k.delta.Blocks(b, nb), k.rh.Blocks(b, nb), k.r.Blocks(b, nb), k.thr.Blocks(b, nb),
				k.reset.Blocks(b, nb), sb)
		})
	}
}

type (
	refractoryExponentialFunc = func(v []float32, r []uint16, cur []float32, c []uint16, k, delta, rh, res, thr, reset []float32,
		spikes []uint64)
	refractoryExponentialUniformFunc = func(v []float32, r []uint16, cur []float32, c uint16, k, delta, rh, res, thr, reset float32,
		spikes []uint64)
)

func refractoryExponentialAsm(f refractoryExponentialFunc, u refractoryExponentialUniformFunc) func(k *exponentialConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *exponentialConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform() && rf.c.Uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, rb, sb := mem.Blocks(v, b, nb), mem.Blocks(rf.r, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, rb, cur, rf.c.At(0), k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0), sb)
				return
			}
			f(vb, rb, cur, rf.c.Blocks(b, nb), k.k.Blocks(b, nb), k.delta.Blocks(b, nb), k.rh.Blocks(b, nb), k.r.Blocks(b, nb),
				k.thr.Blocks(b, nb), k.reset.Blocks(b, nb), sb)
		})
	}
}

type (
	adaptiveExponentialFunc        = func(v, w, cur, k, delta, rh, res, thr, reset, kw, a, b []float32, spikes []uint64)
	adaptiveExponentialUniformFunc = func(v, w, cur []float32, k, delta, rh, res, thr, reset, kw, a, b float32, spikes []uint64)
)

func adaptiveExponentialAsm(f adaptiveExponentialFunc, u adaptiveExponentialUniformFunc) func(k *exponentialConsts, ad *adaptation, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *exponentialConsts, ad *adaptation, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform() && ad.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, wb, sb := mem.Blocks(v, b, nb), mem.Blocks(ad.w, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, wb, cur, k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
					ad.kw.At(0), ad.a.At(0), ad.b.At(0), sb)
				return
			}
			f(vb, wb, cur, k.k.Blocks(b, nb), k.delta.Blocks(b, nb), k.rh.Blocks(b, nb), k.r.Blocks(b, nb), k.thr.Blocks(b, nb),
				k.reset.Blocks(b, nb), ad.kw.Blocks(b, nb), ad.a.Blocks(b, nb), ad.b.Blocks(b, nb), sb)
		})
	}
}

type (
	simplifiedFunc = func(v []float32, r []uint16, theta, cur []float32, c []uint16, k, delta, rh, res, thr, reset, ltheta, dtheta []float32,
		spikes []uint64)
	simplifiedUniformFunc = func(v []float32, r []uint16, theta, cur []float32, c uint16, k, delta, rh, res, thr, reset, ltheta, dtheta float32,
		spikes []uint64)
)

func simplifiedAsm(f simplifiedFunc, u simplifiedUniformFunc) func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform() && rf.c.Uniform() && th.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, rb, tb, sb := mem.Blocks(v, b, nb), mem.Blocks(rf.r, b, nb), mem.Blocks(th.theta, b, nb), spikes[b:b+nb]
			if uniform {
				u(vb, rb, tb, cur, rf.c.At(0), k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
					th.lTheta.At(0), th.deltaTheta.At(0), sb)
				return
			}
			f(vb, rb, tb, cur, rf.c.Blocks(b, nb), k.k.Blocks(b, nb), k.delta.Blocks(b, nb), k.rh.Blocks(b, nb), k.r.Blocks(b, nb),
				k.thr.Blocks(b, nb), k.reset.Blocks(b, nb), th.lTheta.Blocks(b, nb), th.deltaTheta.Blocks(b, nb), sb)
		})
	}
}

type (
	izhikevichFunc        = func(v, u, cur, rest, res, a, b, d, thr, reset []float32, dt float32, spikes []uint64)
	izhikevichUniformFunc = func(v, u, cur []float32, rest, res, a, b, d, thr, reset, dt float32, spikes []uint64)
)

func izhikevichAsm(f izhikevichFunc, uf izhikevichUniformFunc) func(k *izhikevichConsts, v, u, current []float32, spikes []uint64, w0, w1 int) {
	return func(k *izhikevichConsts, v, u, current []float32, spikes []uint64, w0, w1 int) {
		uniform := k.uniform()
		blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {
			vb, ub, sb := mem.Blocks(v, b, nb), mem.Blocks(u, b, nb), spikes[b:b+nb]
			if uniform {
				uf(vb, ub, cur, k.rest.At(0), k.r.At(0), k.a.At(0), k.b.At(0), k.d.At(0), k.thr.At(0), k.reset.At(0), k.dt, sb)
				return
			}
			f(vb, ub, cur, k.rest.Blocks(b, nb), k.r.Blocks(b, nb), k.a.Blocks(b, nb), k.b.Blocks(b, nb), k.d.Blocks(b, nb),
				k.thr.Blocks(b, nb), k.reset.Blocks(b, nb), k.dt, sb)
		})
	}
}

// The fused kernels of a soma and the single-stage traces of two synapse
// populations (StepTraced): they run the whole population, every block on
// the padding of the state and of the synapses' accumulators (which the
// kernel leaves zero), and the last spike word is cut to the population.

// traced2 are the trace streams of two inputs, blocks 0 to nb−1.
type traced2 struct {
	t1, x1, t2, x2         []float32
	l1, c1, b1, l2, c2, b2 *mem.Stream[float32]
	nb                     int
}

func tracedBlocks(in *[2]tracer.Drive, nb int) traced2 {
	var a traced2
	var st1, st2 []float32
	st1, a.l1, a.c1, a.b1 = in[0].Trace.Stage(0)
	st2, a.l2, a.c2, a.b2 = in[1].Trace.Stage(0)
	a.t1, a.x1 = mem.Blocks(st1, 0, nb), mem.Blocks(in[0].X, 0, nb)
	a.t2, a.x2 = mem.Blocks(st2, 0, nb), mem.Blocks(in[1].X, 0, nb)
	a.nb = nb
	return a
}

func (a *traced2) uniform() bool {
	return a.l1.Uniform() && a.c1.Uniform() && a.b1.Uniform() && a.l2.Uniform() && a.c2.Uniform() && a.b2.Uniform()
}

// cut clears the spike bits of the padding past the last of n units.
func cut(spikes []uint64, n int) {
	if rem := n % mem.BlockLen; rem != 0 {
		spikes[len(spikes)-1] &= 1<<rem - 1
	}
}

type (
	leakyTraced2Func        = func(v, t1, x1, t2, x2, d, gr, thr, reset, l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	leakyTraced2UniformFunc = func(v, t1, x1, t2, x2 []float32, d, gr, thr, reset, l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func leakyTraced2Asm(f leakyTraced2Func, u leakyTraced2UniformFunc) func(k *leakyConsts, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *leakyConsts, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb := mem.Blocks(v, 0, nb)
		if k.uniform() && a.uniform() {
			u(vb, a.t1, a.x1, a.t2, a.x2, k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0),
				a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, a.t1, a.x1, a.t2, a.x2, k.d.Blocks(0, nb), k.gR.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	refractoryTraced2Func        = func(v []float32, r []uint16, t1, x1, t2, x2 []float32, c []uint16, d, gr, thr, reset, l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	refractoryTraced2UniformFunc = func(v []float32, r []uint16, t1, x1, t2, x2 []float32, c uint16, d, gr, thr, reset, l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func refractoryTraced2Asm(f refractoryTraced2Func, u refractoryTraced2UniformFunc) func(k *leakyConsts, rf *refractory, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *leakyConsts, rf *refractory, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, rb := mem.Blocks(v, 0, nb), mem.Blocks(rf.r, 0, nb)
		if k.uniform() && rf.c.Uniform() && a.uniform() {
			u(vb, rb, a.t1, a.x1, a.t2, a.x2, rf.c.At(0), k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0),
				a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, rb, a.t1, a.x1, a.t2, a.x2, rf.c.Blocks(0, nb), k.d.Blocks(0, nb), k.gR.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	adaptiveTraced2Func        = func(v []float32, r []uint16, theta, t1, x1, t2, x2 []float32, c []uint16, d, gr, thr, reset, ltheta, dtheta, l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	adaptiveTraced2UniformFunc = func(v []float32, r []uint16, theta, t1, x1, t2, x2 []float32, c uint16, d, gr, thr, reset, ltheta, dtheta, l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func adaptiveTraced2Asm(f adaptiveTraced2Func, u adaptiveTraced2UniformFunc) func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, rb, tb := mem.Blocks(v, 0, nb), mem.Blocks(rf.r, 0, nb), mem.Blocks(th.theta, 0, nb)
		if k.uniform() && rf.c.Uniform() && th.uniform() && a.uniform() {
			u(vb, rb, tb, a.t1, a.x1, a.t2, a.x2, rf.c.At(0), k.d.At(0), k.gR.At(0), k.thr.At(0), k.reset.At(0),
				th.lTheta.At(0), th.deltaTheta.At(0), a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, rb, tb, a.t1, a.x1, a.t2, a.x2, rf.c.Blocks(0, nb), k.d.Blocks(0, nb), k.gR.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb),
				th.lTheta.Blocks(0, nb), th.deltaTheta.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	exponentialTraced2Func = func(v, t1, x1, t2, x2, k, delta, rh, res, thr, reset, l1, c1, b1, l2, c2, b2 []float32,
		spikes []uint64)
	exponentialTraced2UniformFunc = func(v, t1, x1, t2, x2 []float32, k, delta, rh, res, thr, reset, l1, c1, b1, l2, c2, b2 float32,
		spikes []uint64)
)

func exponentialTraced2Asm(f exponentialTraced2Func, u exponentialTraced2UniformFunc) func(k *exponentialConsts, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *exponentialConsts, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb := mem.Blocks(v, 0, nb)
		if k.uniform() && a.uniform() {
			u(vb, a.t1, a.x1, a.t2, a.x2, k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
				a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, a.t1, a.x1, a.t2, a.x2, k.k.Blocks(0, nb), k.delta.Blocks(0, nb), k.rh.Blocks(0, nb), k.r.Blocks(0, nb),
				k.thr.Blocks(0, nb), k.reset.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	refractoryExponentialTraced2Func = func(v []float32, r []uint16, t1, x1, t2, x2 []float32, c []uint16,
		k, delta, rh, res, thr, reset, l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	refractoryExponentialTraced2UniformFunc = func(v []float32, r []uint16, t1, x1, t2, x2 []float32, c uint16,
		k, delta, rh, res, thr, reset, l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func refractoryExponentialTraced2Asm(f refractoryExponentialTraced2Func, u refractoryExponentialTraced2UniformFunc) func(k *exponentialConsts, rf *refractory, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *exponentialConsts, rf *refractory, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, rb := mem.Blocks(v, 0, nb), mem.Blocks(rf.r, 0, nb)
		if k.uniform() && rf.c.Uniform() && a.uniform() {
			u(vb, rb, a.t1, a.x1, a.t2, a.x2, rf.c.At(0), k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
				a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, rb, a.t1, a.x1, a.t2, a.x2, rf.c.Blocks(0, nb), k.k.Blocks(0, nb), k.delta.Blocks(0, nb), k.rh.Blocks(0, nb),
				k.r.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	adaptiveExponentialTraced2Func = func(v, w, t1, x1, t2, x2, k, delta, rh, res, thr, reset, kw, aa, bb, l1, c1, b1, l2, c2, b2 []float32,
		spikes []uint64)
	adaptiveExponentialTraced2UniformFunc = func(v, w, t1, x1, t2, x2 []float32, k, delta, rh, res, thr, reset, kw, aa, bb, l1, c1, b1, l2, c2, b2 float32,
		spikes []uint64)
)

func adaptiveExponentialTraced2Asm(f adaptiveExponentialTraced2Func, u adaptiveExponentialTraced2UniformFunc) func(k *exponentialConsts, ad *adaptation, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *exponentialConsts, ad *adaptation, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, wb := mem.Blocks(v, 0, nb), mem.Blocks(ad.w, 0, nb)
		if k.uniform() && ad.uniform() && a.uniform() {
			u(vb, wb, a.t1, a.x1, a.t2, a.x2, k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
				ad.kw.At(0), ad.a.At(0), ad.b.At(0), a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, wb, a.t1, a.x1, a.t2, a.x2, k.k.Blocks(0, nb), k.delta.Blocks(0, nb), k.rh.Blocks(0, nb), k.r.Blocks(0, nb),
				k.thr.Blocks(0, nb), k.reset.Blocks(0, nb), ad.kw.Blocks(0, nb), ad.a.Blocks(0, nb), ad.b.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	simplifiedTraced2Func = func(v []float32, r []uint16, theta, t1, x1, t2, x2 []float32, c []uint16,
		k, delta, rh, res, thr, reset, ltheta, dtheta, l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	simplifiedTraced2UniformFunc = func(v []float32, r []uint16, theta, t1, x1, t2, x2 []float32, c uint16,
		k, delta, rh, res, thr, reset, ltheta, dtheta, l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func simplifiedTraced2Asm(f simplifiedTraced2Func, u simplifiedTraced2UniformFunc) func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, rb, tb := mem.Blocks(v, 0, nb), mem.Blocks(rf.r, 0, nb), mem.Blocks(th.theta, 0, nb)
		if k.uniform() && rf.c.Uniform() && th.uniform() && a.uniform() {
			u(vb, rb, tb, a.t1, a.x1, a.t2, a.x2, rf.c.At(0), k.k.At(0), k.delta.At(0), k.rh.At(0), k.r.At(0), k.thr.At(0), k.reset.At(0),
				th.lTheta.At(0), th.deltaTheta.At(0), a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, rb, tb, a.t1, a.x1, a.t2, a.x2, rf.c.Blocks(0, nb), k.k.Blocks(0, nb), k.delta.Blocks(0, nb), k.rh.Blocks(0, nb),
				k.r.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb), th.lTheta.Blocks(0, nb), th.deltaTheta.Blocks(0, nb),
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}

type (
	izhikevichTraced2Func = func(v, u, t1, x1, t2, x2, rest, res, a, b, d, thr, reset []float32, dt float32,
		l1, c1, b1, l2, c2, b2 []float32, spikes []uint64)
	izhikevichTraced2UniformFunc = func(v, u, t1, x1, t2, x2 []float32, rest, res, a, b, d, thr, reset, dt,
		l1, c1, b1, l2, c2, b2 float32, spikes []uint64)
)

func izhikevichTraced2Asm(f izhikevichTraced2Func, uf izhikevichTraced2UniformFunc) func(k *izhikevichConsts, v, u []float32, in *[2]tracer.Drive, spikes []uint64) {
	return func(k *izhikevichConsts, v, u []float32, in *[2]tracer.Drive, spikes []uint64) {
		a := tracedBlocks(in, len(spikes))
		nb := a.nb
		vb, ub := mem.Blocks(v, 0, nb), mem.Blocks(u, 0, nb)
		if k.uniform() && a.uniform() {
			uf(vb, ub, a.t1, a.x1, a.t2, a.x2, k.rest.At(0), k.r.At(0), k.a.At(0), k.b.At(0), k.d.At(0), k.thr.At(0), k.reset.At(0), k.dt,
				a.l1.At(0), a.c1.At(0), a.b1.At(0), a.l2.At(0), a.c2.At(0), a.b2.At(0), spikes)
		} else {
			f(vb, ub, a.t1, a.x1, a.t2, a.x2, k.rest.Blocks(0, nb), k.r.Blocks(0, nb), k.a.Blocks(0, nb), k.b.Blocks(0, nb),
				k.d.Blocks(0, nb), k.thr.Blocks(0, nb), k.reset.Blocks(0, nb), k.dt,
				a.l1.Blocks(0, nb), a.c1.Blocks(0, nb), a.b1.Blocks(0, nb), a.l2.Blocks(0, nb), a.c2.Blocks(0, nb), a.b2.Blocks(0, nb), spikes)
		}
		cut(spikes, len(v))
	}
}
