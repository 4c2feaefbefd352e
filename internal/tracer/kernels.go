package tracer

import (
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
)

// form is how a step takes its drive and gives its output.
type form int

const (
	plain    form = iota // out ← output; out may be x
	adding               // out ← out + output; out must not overlap x
	draining             // plain, and x ← 0 (a sparse accumulator, emptied where the pass reads it); out must not overlap x
	drainAdd             // adding and draining
	forms
)

// step advances every trace of t given the drive x, into out, whose
// lengths the caller has checked.
type step func(t *Trace, x, out []float32)

// kernels is one implementation of every trace update: step[m][f] runs
// model m in form f. A path may leave the draining forms nil where they
// are no cheaper than the caller zeroing what it wrote (the portable one).
type kernels struct {
	path cpu.Path
	name string
	step [models][forms]step
}

// generic is the portable implementation, plain Go on every platform.
var generic = kernels{
	path: cpu.Generic,
	name: "generic",
	step: [models][forms]step{
		Single: {plain: singleGeneric(false), adding: singleGeneric(true)},
		RD:     {plain: rdGeneric(false), adding: rdGeneric(true)},
		RFS:    {plain: rfsGeneric(false), adding: rfsGeneric(true)},
		Double: {plain: doubleGeneric(false), adding: doubleGeneric(true)},
	},
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)

// next is one stage's update, T + λ·(b − T) + c·x, each product rounded on
// its own as in internal/ref.
func next(l, c, b, t, x float32) float32 {
	return (t + float32(l*(b-t))) + float32(c*x)
}

// blocks returns the number of blocks of n units.
func blocks(n int) int { return (n + mem.BlockLen - 1) / mem.BlockLen }

// consts returns a stage's constants for the units lo to hi, k of them.
func (s *stage) consts(lo, hi, k int) (l, c, b []float32) {
	return s.l.Block(lo, hi)[:k], s.c.Block(lo, hi)[:k], s.b.Block(lo, hi)[:k]
}

// The portable kernels take their model's stages and states, and with add
// add their output to out; each model's step wraps one.

func singleGeneric(add bool) step {
	return func(t *Trace, x, out []float32) { singleInto(&t.stages[0], t.st[0], x, out, add) }
}

func rdGeneric(add bool) step {
	return func(t *Trace, x, out []float32) { rdInto(&t.stages[0], &t.stages[1], t.st[0], t.st[1], x, out, add) }
}

func rfsGeneric(add bool) step {
	return func(t *Trace, x, out []float32) { rfsInto(t.stages, t.st, &t.alpha, x, out, add) }
}

func doubleGeneric(add bool) step {
	return func(t *Trace, x, out []float32) {
		doubleInto(&t.stages[0], &t.stages[1], t.st[0], t.st[1], x, out, add)
	}
}

func singleInto(s *stage, t, x, out []float32, add bool) {
	for w := range blocks(len(t)) {
		lo, hi := mem.Span(w, len(t))
		tb := t[lo:hi]
		k := len(tb)
		xb, ob := x[lo:hi][:k], out[lo:hi][:k]
		l, c, b := s.consts(lo, hi, k)
		for j, v := range tb {
			v = next(l[j], c[j], b[j], v, xb[j])
			tb[j] = v
			if add {
				v = ob[j] + v
			}
			ob[j] = v
		}
	}
}

func rdInto(rise, decay *stage, tr, td, x, out []float32, add bool) {
	for w := range blocks(len(tr)) {
		lo, hi := mem.Span(w, len(tr))
		rb := tr[lo:hi]
		k := len(rb)
		db, xb, ob := td[lo:hi][:k], x[lo:hi][:k], out[lo:hi][:k]
		lr, cr, br := rise.consts(lo, hi, k)
		ld, cd, bd := decay.consts(lo, hi, k)
		for j, r := range rb {
			xj := xb[j]
			r = next(lr[j], cr[j], br[j], r, xj)
			d := next(ld[j], cd[j], bd[j], db[j], xj)
			rb[j], db[j] = r, d
			v := d - r
			if add {
				v = ob[j] + v
			}
			ob[j] = v
		}
	}
}

func rfsInto(s []stage, st [][]float32, alpha *[2]mem.Stream[float32], x, out []float32, add bool) {
	fr := st[0]
	for w := range blocks(len(fr)) {
		lo, hi := mem.Span(w, len(fr))
		frb := fr[lo:hi]
		k := len(frb)
		fdb, srb, sdb := st[1][lo:hi][:k], st[2][lo:hi][:k], st[3][lo:hi][:k]
		xb, ob := x[lo:hi][:k], out[lo:hi][:k]
		l0, c0, b0 := s[0].consts(lo, hi, k)
		l1, c1, b1 := s[1].consts(lo, hi, k)
		l2, c2, b2 := s[2].consts(lo, hi, k)
		l3, c3, b3 := s[3].consts(lo, hi, k)
		a, a1 := alpha[0].Block(lo, hi)[:k], alpha[1].Block(lo, hi)[:k]
		for j := range frb {
			xj := xb[j]
			r0 := next(l0[j], c0[j], b0[j], frb[j], xj)
			d0 := next(l1[j], c1[j], b1[j], fdb[j], xj)
			r1 := next(l2[j], c2[j], b2[j], srb[j], xj)
			d1 := next(l3[j], c3[j], b3[j], sdb[j], xj)
			frb[j], fdb[j], srb[j], sdb[j] = r0, d0, r1, d1
			v := float32(a[j]*(d0-r0)) + float32(a1[j]*(d1-r1))
			if add {
				v = ob[j] + v
			}
			ob[j] = v
		}
	}
}

func doubleInto(first, second *stage, t1, t2, x, out []float32, add bool) {
	for w := range blocks(len(t1)) {
		lo, hi := mem.Span(w, len(t1))
		ab := t1[lo:hi]
		k := len(ab)
		bb, xb, ob := t2[lo:hi][:k], x[lo:hi][:k], out[lo:hi][:k]
		l1, c1, b1 := first.consts(lo, hi, k)
		l2, c2, b2 := second.consts(lo, hi, k)
		for j, v := range ab {
			v = next(l1[j], c1[j], b1[j], v, xb[j])
			u := next(l2[j], c2[j], b2[j], bb[j], v)
			ab[j], bb[j] = v, u
			if add {
				u = ob[j] + u
			}
			ob[j] = u
		}
	}
}
