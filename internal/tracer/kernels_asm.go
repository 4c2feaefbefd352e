//go:build (amd64 || arm64) && !purego

package tracer

import (
	"github.com/sparkgo/spark/internal/mem"
)

// How the assembly kernels of every ISA (kernels_amd64.go, kernels_arm64.go)
// are called: the adapters from a population's state to a kernel's slices.

// A blockCall runs one kernel of a model on blocks k to k+nb−1 of the
// state, with xb and ob the drive and output of those blocks: the kernel
// that holds every constant in a register when t's are uniform, else the
// one that streams them.
type blockCall func(t *Trace, k, nb int, xb, ob []float32)

// singleCall is the Tracer kernels' blockCall.
func singleCall(f func(t, x, out, l, c, b []float32), u func(t, x, out []float32, l, c, b float32)) blockCall {
	return func(tr *Trace, k, nb int, xb, ob []float32) {
		s := &tr.stages[0]
		t := mem.Blocks(tr.st[0], k, nb)
		if tr.uniform {
			u(t, xb, ob, s.l.At(0), s.c.At(0), s.b.At(0))
			return
		}
		f(t, xb, ob, s.l.Blocks(k, nb), s.c.Blocks(k, nb), s.b.Blocks(k, nb))
	}
}

// pairCall is the blockCall of the two-stage models, RDTracer and
// DoubleTracer, whose kernels take the same arguments.
func pairCall(f func(s0, s1, x, out, l0, c0, b0, l1, c1, b1 []float32),
	u func(s0, s1, x, out []float32, l0, c0, b0, l1, c1, b1 float32)) blockCall {
	return func(t *Trace, k, nb int, xb, ob []float32) {
		p, q := &t.stages[0], &t.stages[1]
		s0, s1 := mem.Blocks(t.st[0], k, nb), mem.Blocks(t.st[1], k, nb)
		if t.uniform {
			u(s0, s1, xb, ob, p.l.At(0), p.c.At(0), p.b.At(0), q.l.At(0), q.c.At(0), q.b.At(0))
			return
		}
		f(s0, s1, xb, ob, p.l.Blocks(k, nb), p.c.Blocks(k, nb), p.b.Blocks(k, nb), q.l.Blocks(k, nb), q.c.Blocks(k, nb),
			q.b.Blocks(k, nb))
	}
}

// rfsCall is RFSTracer's blockCall.
func rfsCall(f func(fr, fd, sr, sd, x, out, l0, c0, b0, l1, c1, b1, l2, c2, b2, l3, c3, b3, alpha, alpha1 []float32),
	u func(fr, fd, sr, sd, x, out []float32, l0, c0, b0, l1, c1, b1, l2, c2, b2, l3, c3, b3, alpha, alpha1 float32)) blockCall {
	return func(t *Trace, k, nb int, xb, ob []float32) {
		s, a := t.stages, &t.alpha
		st := func(i int) []float32 { return mem.Blocks(t.st[i], k, nb) }
		if t.uniform {
			u(st(0), st(1), st(2), st(3), xb, ob, s[0].l.At(0), s[0].c.At(0), s[0].b.At(0), s[1].l.At(0), s[1].c.At(0), s[1].b.At(0),
				s[2].l.At(0), s[2].c.At(0), s[2].b.At(0), s[3].l.At(0), s[3].c.At(0), s[3].b.At(0), a[0].At(0), a[1].At(0))
			return
		}
		p := func(m *mem.Stream[float32]) []float32 { return m.Blocks(k, nb) }
		f(st(0), st(1), st(2), st(3), xb, ob, p(&s[0].l), p(&s[0].c), p(&s[0].b), p(&s[1].l), p(&s[1].c), p(&s[1].b),
			p(&s[2].l), p(&s[2].c), p(&s[2].b), p(&s[3].l), p(&s[3].c), p(&s[3].b), p(&a[0]), p(&a[1]))
	}
}

// asmForms returns a model's steps from its kernels in each form.
func asmForms(calls ...blockCall) [forms]step {
	var s [forms]step
	for f, call := range calls {
		s[f] = blocked(call, form(f))
	}
	return s
}

// blocked is the step of a kernel of form f: the whole blocks straight
// from the caller's slices, the last, partial block through copies: the
// drive in the trace's scratch block, and the output in the block after it
// when it must not share the drive's (an adding form reads it; a draining
// form zeroes the drive's), and the caller's drive zeroed after a drain.
func blocked(call blockCall, f form) step {
	add, drain := f == adding || f == drainAdd, f == draining || f == drainAdd
	return func(t *Trace, x, out []float32) {
		n := t.n
		full := n / mem.BlockLen
		if full > 0 {
			call(t, 0, full, x[:full*mem.BlockLen], out[:full*mem.BlockLen])
		}
		if rem := n % mem.BlockLen; rem != 0 {
			lo := full * mem.BlockLen
			xt, ot := t.tail[:mem.BlockLen], t.tail[:mem.BlockLen]
			copy(xt, x[lo:])
			clear(xt[rem:])
			if add || drain {
				ot = t.tail[mem.BlockLen:]
			}
			if add {
				copy(ot, out[lo:])
			}
			call(t, full, 1, xt, ot)
			copy(out[lo:], ot[:rem])
			if drain {
				clear(x[lo:])
			}
		}
	}
}
