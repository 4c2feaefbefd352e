package main

import (
	"fmt"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// The NEON kernels (asm/scatter_arm64.s). NEON has no gather or scatter:
// the index check is vectorized, 4 pairs of neighbours a compare (CMGT,
// signed), as the AVX-512 one is 16; the adds go 4 weights a step, loaded
// (and widened, FCVTL) as one vector, each added to its accumulator as a
// scalar (FADDS, the scalar loop's operands in its order) through a
// register-offset load and store; then one at a time. PrefetchNEON is
// Prefetch's PRFM loop.

// neon is the family's arm64 assembly.
var neon arm64.File

// ins emits one instruction of f.
func ins(f *arm64.Func, format string, defs, uses []arm64.Reg, ops ...arm64.Operand) {
	f.Inst(format, defs, uses, ops...)
}

// param returns a new general register holding the argument slot name.
func param(f *arm64.Func, name string) arm64.Reg {
	r := f.R()
	ins(f, "MOVD %v, %v", []arm64.Reg{r}, nil, arm64.Text(f.Param(name)), arm64.Gen(r))
	return r
}

func regs(rs ...arm64.Reg) []arm64.Reg { return rs }

func scatterAddNEON(name string, half bool) {
	wsize := 4
	if half {
		wsize = 2
	}
	fn := scatterFunc(name, half, gowrap.NEON, 4)
	funcs = append(funcs, fn)
	f := arm64.NewFunc(fn.Raw, "func("+fn.RawParams+") "+fn.RawResult, rawDoc(name, "0")...)
	neon.Funcs = append(neon.Funcs, f)
	G, F := arm64.Gen, arm64.Fp

	acc, idx, w := param(f, "acc_base"), param(f, "idx_base"), param(f, "w_base")
	n, wn := param(f, "idx_len"), param(f, "w_len")
	ins(f, "CMP %v, %v", nil, regs(wn, n), G(wn), G(n))
	ins(f, "CSEL LT, %v, %v, %v", regs(n), regs(n, wn), G(n), G(wn), G(n))
	checkIndicesNEON(f, idx, n)

	widen := func(h arm64.Reg) arm64.Reg { return widenNEON(f, h, half) }
	// add adds the scalars s[j] to the accumulators indexed by i[j]: the
	// loads, then the adds, then the stores (the indices are distinct).
	add := func(i, s []arm64.Reg) {
		a := make([]arm64.Reg, len(i))
		for j := range i {
			a[j] = f.V()
			ins(f, "FMOVS (%v)(%v<<2), %v", regs(a[j]), regs(acc, i[j]), G(acc), G(i[j]), F(a[j]))
		}
		for j := range i {
			ins(f, "FADDS %v, %v, %v", regs(a[j]), regs(s[j], a[j]), F(s[j]), F(a[j]), F(a[j]))
		}
		for j := range i {
			ins(f, "FMOVS %v, (%v)(%v<<2)", nil, regs(a[j], acc, i[j]), F(a[j]), G(acc), G(i[j]))
		}
	}
	step := func(k int) {
		ins(f, "ADD $%v, %v", regs(idx), regs(idx), arm64.Int(4*k), G(idx))
		ins(f, "ADD $%v, %v", regs(w), regs(w), arm64.Int(wsize*k), G(w))
		ins(f, "SUB $%v, %v", regs(n), regs(n), arm64.Int(k), G(n))
	}

	f.Comment("4 weights a step: one vector, each lane added as a scalar")
	loop, loopEnd := f.Name+"_loop4", f.Name+"_loop4_end"
	ins(f, "CMP $4, %v", nil, regs(n), G(n))
	f.Branch("BLO", loopEnd)
	f.Label(loop)
	i := []arm64.Reg{f.R(), f.R(), f.R(), f.R()}
	// One load each rather than LDPW pairs: package arm64's allocator
	// orders two registers first written by one instruction at random, and
	// the generated file must be reproducible.
	for j := range i {
		ins(f, "MOVWU %v(%v), %v", regs(i[j]), regs(idx), arm64.Int(4*j), G(idx), G(i[j]))
	}
	h := f.V()
	if half {
		ins(f, "FMOVD (%v), %v", regs(h), regs(w), G(w), F(h))
	} else {
		ins(f, "FMOVQ (%v), %v", regs(h), regs(w), G(w), F(h))
	}
	v := widen(h)
	s := []arm64.Reg{v}
	for j := 1; j < 4; j++ {
		l := f.V()
		ins(f, "VDUP %v, %v", regs(l), regs(v), arm64.Vec(v, fmt.Sprintf("S[%d]", j)), arm64.Vec(l, "S4")) // lane j in lane 0
		s = append(s, l)
	}
	add(i, s)
	step(4)
	ins(f, "CMP $4, %v", nil, regs(n), G(n))
	f.Branch("BHS", loop)
	f.Label(loopEnd)

	f.Comment("The last n < 4 weights one at a time")
	tail, done := f.Name+"_tail", f.Name+"_done"
	f.Label(tail)
	f.Branch("CBZ", done, n)
	k := f.R()
	ins(f, "MOVWU (%v), %v", regs(k), regs(idx), G(idx), G(k))
	e := f.V()
	if half {
		r := f.R()
		ins(f, "MOVHU (%v), %v", regs(r), regs(w), G(w), G(r))
		ins(f, "FMOVS %v, %v", regs(e), regs(r), G(r), F(e))
	} else {
		ins(f, "FMOVS (%v), %v", regs(e), regs(w), G(w), F(e))
	}
	add([]arm64.Reg{k}, []arm64.Reg{widen(e)})
	step(1)
	f.Branch("", tail)

	f.Label(done)
	result(f, 1)
	f.Label(f.Name + "_bad")
	result(f, 0)
}

// widenNEON returns the float32 vector of h, a vector of binary16 weights
// where half, else already float32.
func widenNEON(f *arm64.Func, h arm64.Reg, half bool) arm64.Reg {
	if !half {
		return h
	}
	v := f.V()
	f.V2("fcvtl", v, h)
	return v
}

// result returns b (1: done; 0: bad indices, nothing written).
func result(f *arm64.Func, b int) {
	r := f.R()
	ins(f, "MOVD $%v, %v", regs(r), nil, arm64.Int(b), arm64.Gen(r))
	ins(f, "MOVD %v, %v", nil, regs(r), arm64.Gen(r), arm64.Text(f.Param("ret")))
	f.Ret()
}

// checkIndicesNEON branches to the kernel's _bad label unless the n
// indices at idx increase strictly and lie in [0, len(acc)): idx[0] ≥ 0,
// the last below len(acc), and each above the one before, 4 pairs a
// compare, the last 4 ending at the last index (overlapping the vector
// before: comparing a pair twice is harmless), their results ANDed and
// tested once; fewer than 4 pairs one at a time. It leaves idx and n as
// they were.
func checkIndicesNEON(f *arm64.Func, idx, n arm64.Reg) {
	G, F := arm64.Gen, arm64.Fp
	bad, checked := f.Name+"_bad", f.Name+"_checked"
	f.Branch("CBZ", checked, n)
	first, last, end := f.R(), f.R(), f.R()
	ins(f, "MOVW (%v), %v", regs(first), regs(idx), G(idx), G(first)) // sign-extended
	ins(f, "CMP $0, %v", nil, regs(first), G(first))
	f.Branch("BLT", bad)
	ins(f, "ADD %v<<2, %v, %v", regs(end), regs(n, idx), G(n), G(idx), G(end))
	ins(f, "MOVW -4(%v), %v", regs(last), regs(end), G(end), G(last))
	accLen := param(f, "acc_len")
	ins(f, "CMP %v, %v", nil, regs(accLen, last), G(accLen), G(last))
	f.Branch("BGE", bad)

	// p walks the later index of each pair, from idx[1]; m pairs are left.
	p, m := f.R(), f.R()
	ins(f, "ADD $4, %v, %v", regs(p), regs(idx), G(idx), G(p))
	ins(f, "SUB $1, %v, %v", regs(m), regs(n), G(n), G(m))
	f.Branch("CBZ", checked, m)
	short := f.Name + "_checkShort"
	ins(f, "CMP $4, %v", nil, regs(m), G(m))
	f.Branch("BLO", short)

	ok := f.V()
	ins(f, "VMOVI $255, %v", regs(ok), nil, arm64.Vec(ok, "B16"))
	greater := func(base arm64.Reg, off int) {
		a, b, g := f.V(), f.V(), f.V()
		ins(f, "FMOVQ %v(%v), %v", regs(a), regs(base), arm64.Int(off), G(base), F(a))
		ins(f, "FMOVQ %v(%v), %v", regs(b), regs(base), arm64.Int(off-4), G(base), F(b))
		f.V3("cmgt", g, a, b)
		ins(f, "VAND %v, %v, %v", regs(ok), regs(g, ok), arm64.Vec(g, "B16"), arm64.Vec(ok, "B16"), arm64.Vec(ok, "B16"))
	}
	loop, lastVec := f.Name+"_check4", f.Name+"_checkLast"
	f.Label(loop)
	ins(f, "CMP $4, %v", nil, regs(m), G(m))
	f.Branch("BLS", lastVec)
	greater(p, 0)
	ins(f, "ADD $16, %v", regs(p), regs(p), G(p))
	ins(f, "SUB $4, %v", regs(m), regs(m), G(m))
	f.Branch("", loop)
	f.Label(lastVec)
	q := f.R()
	ins(f, "ADD %v<<2, %v, %v", regs(q), regs(m, p), G(m), G(p), G(q))
	greater(q, -16)
	lo, hi := f.R(), f.R()
	ins(f, "VMOV %v, %v", regs(lo), regs(ok), arm64.Vec(ok, "D[0]"), G(lo))
	ins(f, "VMOV %v, %v", regs(hi), regs(ok), arm64.Vec(ok, "D[1]"), G(hi))
	ins(f, "AND %v, %v", regs(lo), regs(hi, lo), G(hi), G(lo))
	ins(f, "CMN $1, %v", nil, regs(lo), G(lo)) // every lane all ones
	f.Branch("BNE", bad)
	f.Branch("", checked)

	f.Label(short)
	prev, cur := f.R(), f.R()
	ins(f, "MOVW -4(%v), %v", regs(prev), regs(p), G(p), G(prev))
	ins(f, "MOVW.P 4(%v), %v", regs(cur, p), regs(p), G(p), G(cur))
	ins(f, "CMP %v, %v", nil, regs(prev, cur), G(prev), G(cur))
	f.Branch("BLE", bad) // cur ≤ prev
	ins(f, "SUB $1, %v", regs(m), regs(m), G(m))
	f.Branch("CBNZ", short, m)
	f.Label(checked)
}

// prefetchNEON writes PrefetchNEON: PRFM PLDL1KEEP on every 64-byte line b
// spans, as Prefetch's PREFETCHT0.
func prefetchNEON() {
	const name = "PrefetchNEON"
	raw := gowrap.Lower(name)
	funcs = append(funcs, gowrap.Func{
		Name: name,
		Doc: []string{
			name + " is Prefetch on arm64: it asks for every 64-byte line that b spans to be brought",
			"into the L1 cache (PRFM PLDL1KEEP), and returns without waiting for them. It reads",
			"nothing and changes nothing.",
			"",
			gowrap.NEON.Doc,
		},
		Params:    "b []byte",
		Body:      []string{gowrap.NEON.Require + "(\"" + name + "\")", raw + "(b)"},
		Raw:       raw,
		RawParams: "b []byte",
		ISA:       gowrap.NEON.Name,
		Args:      []gowrap.Arg{{Name: "b", Kind: "n"}},
	})
	f := arm64.NewFunc(raw, "func(b []byte)", raw+" is the kernel of "+name+".")
	neon.Funcs = append(neon.Funcs, f)
	G := arm64.Gen
	p, n, end := param(f, "b_base"), param(f, "b_len"), f.R()
	ins(f, "ADD %v, %v, %v", regs(end), regs(n, p), G(n), G(p), G(end))
	ins(f, "AND $~63, %v", regs(p), regs(p), G(p)) // the line holding b[0]
	loop, done := raw+"_loop", raw+"_done"
	f.Label(loop)
	ins(f, "CMP %v, %v", nil, regs(end, p), G(end), G(p))
	f.Branch("BHS", done)
	ins(f, "PRFM (%v), PLDL1KEEP", nil, regs(p), G(p))
	ins(f, "ADD $64, %v", regs(p), regs(p), G(p))
	f.Branch("", loop)
	f.Label(done)
	f.Ret()
}
