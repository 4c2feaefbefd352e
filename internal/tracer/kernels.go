package tracer

import (
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
)

// kernels is one implementation of every trace update, over whole arrays
// whose lengths the caller has checked; out may be x.
type kernels struct {
	path   cpu.Path
	name   string
	single func(s *stage, t, x, out []float32)
	// singleAdd is single adding its output to out (out[i] += T[i]);
	// out must not overlap x.
	singleAdd func(s *stage, t, x, out []float32)
	// singleDrain and singleAddDrain are single and singleAdd that leave
	// x zero (a sparse accumulator, emptied where the pass reads it), or
	// nil where that is no cheaper than the caller zeroing what it wrote.
	singleDrain, singleAddDrain func(s *stage, t, x, out []float32)
	rd                          func(rise, decay *stage, tr, td, x, out []float32)
	rfs                         func(s []stage, st [][]float32, alpha *[2]mem.Stream[float32], x, out []float32)
	double                      func(first, second *stage, t1, t2, x, out []float32)
}

// generic is the portable implementation, plain Go on every platform.
var generic = kernels{
	path:      cpu.Generic,
	name:      "generic",
	single:    singleGeneric,
	singleAdd: singleAddGeneric,
	rd:        rdGeneric,
	rfs:       rfsGeneric,
	double:    doubleGeneric,
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

func singleGeneric(s *stage, t, x, out []float32)    { singleInto(s, t, x, out, false) }
func singleAddGeneric(s *stage, t, x, out []float32) { singleInto(s, t, x, out, true) }

// singleInto writes the output to out, or with add adds it: out[i] + T[i].
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

func rdGeneric(rise, decay *stage, tr, td, x, out []float32) {
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
			ob[j] = d - r
		}
	}
}

func rfsGeneric(s []stage, st [][]float32, alpha *[2]mem.Stream[float32], x, out []float32) {
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
			ob[j] = float32(a[j]*(d0-r0)) + float32(a1[j]*(d1-r1))
		}
	}
}

func doubleGeneric(first, second *stage, t1, t2, x, out []float32) {
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
			ob[j] = u
		}
	}
}
