package main

import (
	"fmt"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// scatterRowsNEON writes the NEON scatter of rows: the three passes of
// scatterRows (check the rows and ask for their lines with PRFM; check the
// indices by their maximum, UMAX 4 at a time; add), the weights 4 at a
// time loaded (and widened, FCVTL) as one vector, each lane added to its
// accumulator as a scalar (FADDS, the scalar loop's operands in its
// order), load, add and store one after the other, as a row's indices may
// repeat; then one at a time.
func scatterRowsNEON(name string, half bool) {
	wshift := 2
	if half {
		wshift = 1
	}
	fn := rowsFunc(name, half, gowrap.NEON)
	funcs = append(funcs, fn)
	f := arm64.NewFunc(fn.Raw, "func("+fn.RawParams+") "+fn.RawResult, rowsDoc(name, "0")...)
	neon.Funcs = append(neon.Funcs, f)
	G, F := arm64.Gen, arm64.Fp
	label := func(s string) string { return f.Name + "_" + s }
	bad := label("bad")

	// bounds loads row j's [lo, hi) from start (sign-extended).
	bounds := func(start, j, lo, hi arm64.Reg) {
		a := f.R()
		ins(f, "ADD %v<<2, %v, %v", regs(a), regs(j, start), G(j), G(start), G(a))
		ins(f, "MOVW (%v), %v", regs(lo), regs(a), G(a), G(lo))
		ins(f, "MOVW 4(%v), %v", regs(hi), regs(a), G(a), G(hi))
	}
	// lines asks for the lines of [base + lo<<shift, base + hi<<shift).
	lines := func(l string, base, lo, hi arm64.Reg, shift int) {
		q, e := f.R(), f.R()
		ins(f, "ADD %v<<%v, %v, %v", regs(q), regs(lo, base), G(lo), arm64.Int(shift), G(base), G(q))
		ins(f, "ADD %v<<%v, %v, %v", regs(e), regs(hi, base), G(hi), arm64.Int(shift), G(base), G(e))
		ins(f, "AND $~63, %v", regs(q), regs(q), G(q))
		f.Label(l)
		ins(f, "CMP %v, %v", nil, regs(e, q), G(e), G(q))
		f.Branch("BHS", l+"Done")
		ins(f, "PRFM (%v), PLDL1KEEP", nil, regs(q), G(q))
		ins(f, "ADD $64, %v", regs(q), regs(q), G(q))
		f.Branch("", l)
		f.Label(l + "Done")
	}
	// walk loads the rows' bounds, start and end.
	walk := func() (p, end, start arm64.Reg) {
		p, end = param(f, "rows_base"), param(f, "rows_len")
		ins(f, "ADD %v<<3, %v, %v", regs(end), regs(end, p), G(end), G(p), G(end))
		return p, end, param(f, "start_base")
	}
	next := func(p arm64.Reg) arm64.Reg {
		j := f.R()
		ins(f, "MOVD.P 8(%v), %v", regs(j, p), regs(p), G(p), G(j))
		return j
	}
	// row starts the body of a pass over the checked rows, at label top:
	// the next row's [lo, hi), or, past the last, a branch to exit.
	row := func(top, exit string, p, end, start arm64.Reg) (lo, hi arm64.Reg) {
		f.Label(label(top))
		ins(f, "CMP %v, %v", nil, regs(end, p), G(end), G(p))
		f.Branch("BHS", label(exit))
		j := next(p)
		lo, hi = f.R(), f.R()
		bounds(start, j, lo, hi)
		return lo, hi
	}
	// four starts a loop, at label top, over the row's next 4 elements
	// from k, while there are 4 before hi, and branches to tail after:
	// it returns k + 4.
	four := func(top, tail string, k, hi arm64.Reg) arm64.Reg {
		f.Label(label(top))
		t := f.R()
		ins(f, "ADD $4, %v, %v", regs(t), regs(k), G(k), G(t))
		ins(f, "CMP %v, %v", nil, regs(hi, t), G(hi), G(t))
		f.Branch("BHI", label(tail))
		return t
	}
	// again moves k to t, the next 4, and goes back to label top.
	again := func(top string, k, t arm64.Reg) {
		ins(f, "MOVD %v, %v", regs(k), regs(t), G(t), G(k))
		f.Branch("", label(top))
	}
	// one starts a loop, at label top, over the row's elements from k to
	// hi, one at a time, and branches to exit after.
	one := func(top, exit string, k, hi arm64.Reg) {
		f.Label(label(top))
		ins(f, "CMP %v, %v", nil, regs(hi, k), G(hi), G(k))
		f.Branch("BHS", label(exit))
	}

	f.Comment("Pass 1: check every row; ask for its indices and weights.")
	some := f.R() // not 0 once a row has a weight
	ins(f, "MOVD $0, %v", regs(some), nil, G(some))
	{
		p, end, start := walk()
		limit := param(f, "start_len") // rows are below len(start) − 1, none where start is empty
		ins(f, "SUBS $1, %v, %v", regs(limit), regs(limit), G(limit), G(limit))
		ins(f, "CSEL LT, ZR, %v, %v", regs(limit), regs(limit), G(limit), G(limit))
		n, wn := param(f, "idx_len"), param(f, "w_len")
		ins(f, "CMP %v, %v", nil, regs(wn, n), G(wn), G(n))
		ins(f, "CSEL LT, %v, %v, %v", regs(n), regs(n, wn), G(n), G(wn), G(n))
		idx, w := param(f, "idx_base"), param(f, "w_base")
		f.Label(label("row1"))
		ins(f, "CMP %v, %v", nil, regs(end, p), G(end), G(p))
		f.Branch("BHS", label("rows"))
		j := next(p)
		ins(f, "CMP %v, %v", nil, regs(limit, j), G(limit), G(j))
		f.Branch("BHS", bad) // unsigned: j < 0 too
		lo, hi := f.R(), f.R()
		bounds(start, j, lo, hi)
		ins(f, "CMP %v, %v", nil, regs(n, hi), G(n), G(hi))
		f.Branch("BHI", bad) // unsigned: hi < 0 too
		ins(f, "CMP %v, %v", nil, regs(hi, lo), G(hi), G(lo))
		f.Branch("BHI", bad) // unsigned: lo < 0 too
		d := f.R()
		ins(f, "SUB %v, %v, %v", regs(d), regs(lo, hi), G(lo), G(hi), G(d))
		ins(f, "ORR %v, %v, %v", regs(some), regs(d, some), G(d), G(some), G(some))
		lines(label("idxLines"), idx, lo, hi, 2)
		lines(label("wLines"), w, lo, hi, wshift)
		f.Branch("", label("row1"))
	}

	f.Comment("Pass 2: check the indices by their unsigned maximum, 4 at a time, then one")
	f.Comment("at a time.")
	f.Label(label("rows"))
	f.Branch("CBZ", label("done"), some) // no weight to add
	{
		p, end, start := walk()
		idx := param(f, "idx_base")
		vmax, m := f.V(), f.R()
		ins(f, "VMOVI $0, %v", regs(vmax), nil, arm64.Vec(vmax, "B16"))
		ins(f, "MOVD $0, %v", regs(m), nil, G(m))
		lo, hi := row("check", "checked", p, end, start)
		t := four("max4", "max1", lo, hi)
		a, v := f.R(), f.V()
		ins(f, "ADD %v<<2, %v, %v", regs(a), regs(lo, idx), G(lo), G(idx), G(a))
		ins(f, "FMOVQ (%v), %v", regs(v), regs(a), G(a), F(v))
		ins(f, "VUMAX %v, %v, %v", regs(vmax), regs(v, vmax), arm64.Vec(v, "S4"), arm64.Vec(vmax, "S4"), arm64.Vec(vmax, "S4"))
		again("max4", lo, t)
		one("max1", "check", lo, hi)
		i := f.R()
		ins(f, "MOVWU (%v)(%v<<2), %v", regs(i), regs(idx, lo), G(idx), G(lo), G(i))
		ins(f, "CMP %v, %v", nil, regs(m, i), G(m), G(i))
		ins(f, "CSEL HI, %v, %v, %v", regs(m), regs(i, m), G(i), G(m), G(m))
		ins(f, "ADD $1, %v", regs(lo), regs(lo), G(lo))
		f.Branch("", label("max1"))

		f.Label(label("checked"))
		for lane := range 4 {
			x := f.R()
			ins(f, "VMOV %v, %v", regs(x), regs(vmax), arm64.Vec(vmax, fmt.Sprintf("S[%d]", lane)), G(x))
			ins(f, "CMP %v, %v", nil, regs(m, x), G(m), G(x))
			ins(f, "CSEL HI, %v, %v, %v", regs(m), regs(x, m), G(x), G(m), G(m))
		}
		// Every index below len(acc): the maximum below it (a negative
		// index's is 2³¹ or more, and a length at or above 2³¹ leaves
		// only those out).
		accLen, big := param(f, "acc_len"), f.R()
		ins(f, "MOVD $0x80000000, %v", regs(big), nil, G(big))
		ins(f, "CMP %v, %v", nil, regs(big, accLen), G(big), G(accLen))
		ins(f, "CSEL GT, %v, %v, %v", regs(accLen), regs(big, accLen), G(big), G(accLen), G(accLen))
		ins(f, "CMP %v, %v", nil, regs(accLen, m), G(accLen), G(m))
		f.Branch("BHS", bad)
	}

	f.Comment("Pass 3: add, row by row, one weight at a time, the weights 4 at a time into")
	f.Comment("a vector then each from its lane, then the last one at a time.")
	{
		p, end, start := walk()
		idx, w, acc := param(f, "idx_base"), param(f, "w_base"), param(f, "acc_base")
		// add adds s's lane 0 to acc[i]: load, add (the accumulator the
		// first operand), store.
		add := func(i, s arm64.Reg) {
			a := f.V()
			ins(f, "FMOVS (%v)(%v<<2), %v", regs(a), regs(acc, i), G(acc), G(i), F(a))
			ins(f, "FADDS %v, %v, %v", regs(a), regs(s, a), F(s), F(a), F(a))
			ins(f, "FMOVS %v, (%v)(%v<<2)", nil, regs(a, acc, i), F(a), G(acc), G(i))
		}
		widen := func(h arm64.Reg) arm64.Reg { return widenNEON(f, h, half) }
		k, hi := row("row", "done", p, end, start)
		t := four("weights4", "weight", k, hi)
		a, b, h := f.R(), f.R(), f.V()
		ins(f, "ADD %v<<2, %v, %v", regs(a), regs(k, idx), G(k), G(idx), G(a))
		ins(f, "ADD %v<<%v, %v, %v", regs(b), regs(k, w), G(k), arm64.Int(wshift), G(w), G(b))
		if half {
			ins(f, "FMOVD (%v), %v", regs(h), regs(b), G(b), F(h))
		} else {
			ins(f, "FMOVQ (%v), %v", regs(h), regs(b), G(b), F(h))
		}
		v := widen(h)
		for lane := range 4 {
			i := f.R()
			ins(f, "MOVWU %v(%v), %v", regs(i), regs(a), arm64.Int(4*lane), G(a), G(i))
			s := v
			if lane > 0 {
				s = f.V()
				ins(f, "VDUP %v, %v", regs(s), regs(v), arm64.Vec(v, fmt.Sprintf("S[%d]", lane)), arm64.Vec(s, "S4")) // lane in lane 0
			}
			add(i, s)
		}
		again("weights4", k, t)
		one("weight", "row", k, hi)
		i := f.R()
		ins(f, "MOVWU (%v)(%v<<2), %v", regs(i), regs(idx, k), G(idx), G(k), G(i))
		e := f.V()
		if half {
			r := f.R()
			ins(f, "MOVHU (%v)(%v<<1), %v", regs(r), regs(w, k), G(w), G(k), G(r))
			ins(f, "FMOVS %v, %v", regs(e), regs(r), G(r), F(e))
		} else {
			ins(f, "FMOVS (%v)(%v<<2), %v", regs(e), regs(w, k), G(w), G(k), F(e))
		}
		add(i, widen(e))
		ins(f, "ADD $1, %v", regs(k), regs(k), G(k))
		f.Branch("", label("weight"))
	}

	f.Label(label("done"))
	result(f, 1)
	f.Label(bad)
	result(f, 0)
}
