package main

import (
	"fmt"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// neon lowers the shapes to arm64's Advanced SIMD, with gen/internal/arm64:
// 4 float32 lanes a V register, so a sum's 64 partial sums are 16
// registers, lane k of register r holding partial sum 4r + k. NEON has no
// memory operands: every vector is loaded into a register, two at a time
// (LDP of Q registers; a binary16 pair is one Q register widened by FCVTL
// and FCVTL2, exact), and a map stores pairs (STP). A map's last elements
// go through lane 0 with the scalar forms (FMULS, FADDS), which round
// alike. The reduction's lane halves: EXT of the upper 64 bits, then lane 1
// (DUP) and a scalar FADDS. Masked sums: the spike word's two 32-bit halves
// are duplicated into every lane of two registers at the start of a step,
// CMTST against vecbits (vector g holds bit 4g + i of a half in lane i)
// makes each vector's mask, and the term ANDed with it (the term or +0) is
// added.
type neon struct {
	// The kernel being written.
	f      *arm64.Func
	n      arm64.Reg // the elements left
	counts int       // count's calls so far
	frame  int       // the stack laid out, from 16(RSP)
	bits   [8]arm64.Reg
	halves [2]arm64.Reg
	word   arm64.Reg // the spike word skipZero loaded for the step's first maskedAccumulate, or the zero Reg

	// A matrix's rows: y's pointer, the rows left, the columns, the bytes
	// of a row of each base.
	y, rows, cols arm64.Reg
	strides       []arm64.Reg

	data bool // vecbits laid out
}

// neonFile is the family's arm64 assembly.
var neonFile arm64.File

func newNEON() *neon { return &neon{} }

// neonAddr is an address: a register (or RSP, sp) plus off bytes.
type neonAddr struct {
	r   arm64.Reg
	sp  bool
	off int
}

// at returns the operands of m's address plus off bytes, off(base), and the
// registers it reads.
func (m neonAddr) at(off int) (arm64.Operand, arm64.Operand, []arm64.Reg) {
	if m.sp {
		return arm64.Int(m.off + off), arm64.Text("RSP"), nil
	}
	return arm64.Int(m.off + off), arm64.Gen(m.r), []arm64.Reg{m.r}
}

func reg(v value) arm64.Reg { return v.(arm64.Reg) }

func (b *neon) name() string       { return "NEON" }
func (b *neon) lanes() int         { return 4 }
func (b *neon) group() int         { return 2 }
func (b *neon) prefetchOp() string { return "PRFM PLDL1KEEP" }

// ins appends an instruction (see arm64.Func.Inst).
func (b *neon) ins(format string, defs, uses []arm64.Reg, ops ...arm64.Operand) {
	b.f.Inst(format, defs, uses, ops...)
}

func (b *neon) kernel(name, params, result string, doc, body []string) (vec, one lowering) {
	f, fn := gowrap.DeclareARM64(&neonFile, name, params, result, doc, gowrap.NEON, body, args(params, result))
	funcs = append(funcs, fn)
	*b = neon{f: f, data: b.data}
	return neonLowering{b, false}, neonLowering{b, true}
}

func (b *neon) base(param string) addr {
	r := b.f.R()
	b.ins("MOVD %v, %v", []arm64.Reg{r}, nil, arm64.Text(b.f.Param(param+"_base")), arm64.Gen(r))
	return neonAddr{r: r}
}

func (b *neon) offset(m addr, bytes int) addr {
	a := m.(neonAddr)
	a.off += bytes
	return a
}

func (b *neon) advance(m addr, bytes int) {
	a := m.(neonAddr)
	if a.sp || a.off != 0 {
		panic("vec: advance of an address that is not a pointer")
	}
	b.ins("ADD $%v, %v", []arm64.Reg{a.r}, []arm64.Reg{a.r}, arm64.Int(bytes), arm64.Gen(a.r))
}

func (b *neon) prefetch(m addr) {
	off, base, uses := m.(neonAddr).at(0)
	b.ins("PRFM %v(%v), PLDL1KEEP", nil, uses, off, base)
}

func (b *neon) local(bytes int) addr {
	m := neonAddr{sp: true, off: 16 + b.frame}
	b.frame += bytes
	b.f.Frame = 16 + b.frame
	z := b.zero().(arm64.Reg)
	for o := 0; o < bytes; o += 32 {
		off, base, _ := m.at(o)
		b.ins("FSTPQ (%v, %v), %v(%v)", nil, []arm64.Reg{z}, arm64.Fp(z), arm64.Fp(z), off, base)
	}
	return m
}

func (b *neon) count(param string, shift int) {
	f := b.f
	b.counts++
	if b.counts == 1 {
		b.n = f.R()
		b.ins("MOVD %v, %v", []arm64.Reg{b.n}, nil, arm64.Text(f.Param(param+"_len")), arm64.Gen(b.n))
		return
	}
	m := f.R()
	b.ins("MOVD %v, %v", []arm64.Reg{m}, nil, arm64.Text(f.Param(param+"_len")), arm64.Gen(m))
	if shift > 0 {
		b.ins("LSL $%v, %v", []arm64.Reg{m}, []arm64.Reg{m}, arm64.Int(shift), arm64.Gen(m))
	}
	b.ins("CMP %v, %v", nil, []arm64.Reg{m, b.n}, arm64.Gen(m), arm64.Gen(b.n))
	b.ins("CSEL LT, %v, %v, %v", []arm64.Reg{b.n}, []arm64.Reg{m, b.n}, arm64.Gen(b.n), arm64.Gen(m), arm64.Gen(b.n))
}

func (b *neon) consume(k int) {
	b.ins("SUB $%v, %v", []arm64.Reg{b.n}, []arm64.Reg{b.n}, arm64.Int(k), arm64.Gen(b.n))
}

func (b *neon) branch(cond string, k int, label string) {
	switch cond {
	case "<", ">=":
		b.ins("CMP $%v, %v", nil, []arm64.Reg{b.n}, arm64.Int(k), arm64.Gen(b.n))
		op := map[string]string{"<": "BLT", ">=": "BGE"}[cond]
		b.f.Branch(op, label)
	case "==":
		if k != 0 {
			panic("vec: n == k only for k = 0")
		}
		b.f.Branch("CBZ", label, b.n)
	default:
		panic("vec: no branch if n " + cond)
	}
}

func (b *neon) jump(label string)   { b.f.Branch("", label) }
func (b *neon) label(name string)   { b.f.Label(name) }
func (b *neon) comment(text string) { b.f.Comment(text) }

func (b *neon) zero() value {
	v := b.f.V()
	b.ins("VMOVI $0, %v", []arm64.Reg{v}, nil, arm64.Vec(v, "B16"))
	return v
}

func (b *neon) accumulate(acc, t value) { b.f.V3("fadd", reg(acc), reg(acc), reg(t)) }

// maskInit loads vecbits, laid out in the file the first time.
func (b *neon) maskInit() {
	if !b.data {
		for g := range 8 {
			for i := range 4 {
				neonFile.Data = append(neonFile.Data, fmt.Sprintf("DATA vecbits<>+%d(SB)/4, $0x%08x", 16*g+4*i, uint32(1)<<(4*g+i)))
			}
		}
		neonFile.Data = append(neonFile.Data, "GLOBL vecbits<>(SB), RODATA|NOPTR, $128")
		b.data = true
	}
	t := b.f.R()
	b.ins("MOVD $vecbits<>(SB), %v", []arm64.Reg{t}, nil, arm64.Gen(t))
	for g := 0; g < 8; g += 2 {
		b.bits[g], b.bits[g+1] = b.f.V(), b.f.V()
		b.ins("FLDPQ %v(%v), (%v, %v)", []arm64.Reg{b.bits[g], b.bits[g+1]}, []arm64.Reg{t},
			arm64.Int(16*g), arm64.Gen(t), arm64.Fp(b.bits[g]), arm64.Fp(b.bits[g+1]))
	}
}

// loadWord loads the spike word at words into a general register.
func (b *neon) loadWord(words addr) arm64.Reg {
	w := b.f.R()
	off, base, uses := words.(neonAddr).at(0)
	b.ins("MOVD %v(%v), %v", []arm64.Reg{w}, uses, off, base, arm64.Gen(w))
	return w
}

// skipZero keeps the word it tests for the step's maskedAccumulate.
func (b *neon) skipZero(words addr, label string) {
	b.word = b.loadWord(words)
	b.f.Branch("CBZ", label, b.word)
}

func (b *neon) maskedAccumulate(acc, t value, words addr, r int) {
	f := b.f
	if r == 0 {
		w, hi := b.word, f.R()
		if w == (arm64.Reg{}) {
			w = b.loadWord(words) // a step that does not skip: the tail's
		}
		b.word = arm64.Reg{}
		b.ins("LSR $32, %v, %v", []arm64.Reg{hi}, []arm64.Reg{w}, arm64.Gen(w), arm64.Gen(hi))
		for k, g := range []arm64.Reg{w, hi} {
			b.halves[k] = f.V()
			b.ins("VDUP %v, %v", []arm64.Reg{b.halves[k]}, []arm64.Reg{g}, arm64.Gen(g), arm64.Vec(b.halves[k], "S4"))
		}
	}
	m, u := f.V(), f.V()
	bits, half := b.bits[r%8], b.halves[r/8]
	b.ins("VCMTST %v, %v, %v", []arm64.Reg{m}, []arm64.Reg{bits, half}, arm64.Vec(bits, "S4"), arm64.Vec(half, "S4"), arm64.Vec(m, "S4"))
	b.ins("VAND %v, %v, %v", []arm64.Reg{u}, []arm64.Reg{m, reg(t)}, arm64.Vec(m, "B16"), arm64.Vec(reg(t), "B16"), arm64.Vec(u, "B16"))
	f.V3("fadd", reg(acc), reg(acc), u)
}

// copyTail walks src's register itself (the shapes read it no more) and a
// pointer into dst up to dst's end, n elements on.
func (b *neon) copyTail(size int, src, dst addr, label string) {
	f, s := b.f, src.(neonAddr)
	if s.sp || s.off != 0 {
		panic("vec: a tail copied from an address that is not a pointer")
	}
	d, end := f.R(), f.R()
	off, base, uses := dst.(neonAddr).at(0)
	b.ins("ADD $%v, %v, %v", []arm64.Reg{d}, uses, off, base, arm64.Gen(d))
	shift := map[int]int{2: 1, 4: 2}[size]
	b.ins("ADD %v<<%v, %v, %v", []arm64.Reg{end}, []arm64.Reg{b.n, d}, arm64.Gen(b.n), arm64.Int(shift), arm64.Gen(d), arm64.Gen(end))
	load, store := map[int]string{2: "MOVHU", 4: "MOVWU"}[size], map[int]string{2: "MOVH", 4: "MOVW"}[size]
	f.Label(label)
	t := f.R()
	b.ins(load+".P %v(%v), %v", []arm64.Reg{t, s.r}, []arm64.Reg{s.r}, arm64.Int(size), arm64.Gen(s.r), arm64.Gen(t))
	b.ins(store+".P %v, %v(%v)", []arm64.Reg{d}, []arm64.Reg{t, d}, arm64.Gen(t), arm64.Int(size), arm64.Gen(d))
	b.ins("CMP %v, %v", nil, []arm64.Reg{end, d}, arm64.Gen(end), arm64.Gen(d))
	f.Branch("BNE", label)
}

// halve: lanes 2 and 3 to 0 and 1 (EXT by 8 bytes), then lane 1 to 0 (DUP)
// and a scalar addition.
func (b *neon) halve(v value, h int) value {
	f, x := b.f, reg(v)
	t, s := f.V(), f.V()
	switch h {
	case 2:
		b.ins("VEXT $8, %v, %v, %v", []arm64.Reg{t}, []arm64.Reg{x}, arm64.Vec(x, "B16"), arm64.Vec(x, "B16"), arm64.Vec(t, "B16"))
		f.V3("fadd", s, x, t)
	case 1:
		b.ins("VDUP %v, %v", []arm64.Reg{t}, []arm64.Reg{x}, arm64.Vec(x, "S[1]"), arm64.Vec(t, "S4"))
		b.ins("FADDS %v, %v, %v", []arm64.Reg{s}, []arm64.Reg{x, t}, arm64.Fp(t), arm64.Fp(x), arm64.Fp(s))
	default:
		panic(fmt.Sprintf("vec: halve by %d", h))
	}
	return s
}

func (b *neon) result(v value) {
	x := reg(v)
	b.ins("FMOVS %v, %v", nil, []arm64.Reg{x}, arm64.Fp(x), arm64.Text(b.f.Param("ret")))
	b.f.Ret()
}

func (b *neon) rowsStart(y, cols string, sizes []int, label string) {
	f := b.f
	b.y, b.rows, b.cols = f.R(), f.R(), f.R()
	for _, p := range []struct {
		r    arm64.Reg
		text string
	}{{b.y, y + "_base"}, {b.rows, y + "_len"}, {b.cols, cols}} {
		b.ins("MOVD %v, %v", []arm64.Reg{p.r}, nil, arm64.Text(f.Param(p.text)), arm64.Gen(p.r))
	}
	b.strides = make([]arm64.Reg, len(sizes))
	for k, size := range sizes {
		t := f.R()
		if size == 0 {
			b.ins("ADD $63, %v, %v", []arm64.Reg{t}, []arm64.Reg{b.cols}, arm64.Gen(b.cols), arm64.Gen(t))
			b.ins("LSR $6, %v, %v", []arm64.Reg{t}, []arm64.Reg{t}, arm64.Gen(t), arm64.Gen(t))
			b.ins("LSL $3, %v, %v", []arm64.Reg{t}, []arm64.Reg{t}, arm64.Gen(t), arm64.Gen(t))
		} else {
			b.ins("LSL $%v, %v, %v", []arm64.Reg{t}, []arm64.Reg{b.cols}, arm64.Int(map[int]int{2: 1, 4: 2}[size]), arm64.Gen(b.cols), arm64.Gen(t))
		}
		b.strides[k] = t
	}
	f.Branch("CBZ", label, b.rows)
}

func (b *neon) rowStart(bases []addr) []addr {
	if b.n == (arm64.Reg{}) {
		b.n = b.f.R()
	}
	b.ins("MOVD %v, %v", []arm64.Reg{b.n}, []arm64.Reg{b.cols}, arm64.Gen(b.cols), arm64.Gen(b.n))
	at := make([]addr, len(bases))
	for k, m := range bases {
		r, base := b.f.R(), m.(neonAddr).r
		b.ins("MOVD %v, %v", []arm64.Reg{r}, []arm64.Reg{base}, arm64.Gen(base), arm64.Gen(r))
		at[k] = neonAddr{r: r}
	}
	return at
}

func (b *neon) rowEnd(v value, bases []addr, label string) {
	x := reg(v)
	b.ins("FMOVS %v, (%v)", nil, []arm64.Reg{x, b.y}, arm64.Fp(x), arm64.Gen(b.y))
	b.ins("ADD $4, %v", []arm64.Reg{b.y}, []arm64.Reg{b.y}, arm64.Gen(b.y))
	for k, m := range bases {
		r, s := m.(neonAddr).r, b.strides[k]
		b.ins("ADD %v, %v, %v", []arm64.Reg{r}, []arm64.Reg{s, r}, arm64.Gen(s), arm64.Gen(r), arm64.Gen(r))
	}
	b.ins("SUBS $1, %v, %v", []arm64.Reg{b.rows}, []arm64.Reg{b.rows}, arm64.Gen(b.rows), arm64.Gen(b.rows))
	b.f.Branch("BNE", label)
}

func (b *neon) broadcast(param string) (vec, one value) {
	r, v := b.f.R(), b.f.V()
	b.ins("MOVWU %v, %v", []arm64.Reg{r}, nil, arm64.Text(b.f.Param(param)), arm64.Gen(r))
	b.ins("VDUP %v, %v", []arm64.Reg{v}, []arm64.Reg{r}, arm64.Gen(r), arm64.Vec(v, "S4"))
	return v, v // lane 0 is the element
}

func (b *neon) end() { b.f.Ret() }

// neonLowering is the lowering of a description to NEON vectors of 4
// lanes, or, scalar, to one element in lane 0 (FMOVS, FMULS, FADDS).
type neonLowering struct {
	b      *neon
	scalar bool
}

func (l neonLowering) load(e elem, m addr, k int) []value {
	f, a := l.b.f, m.(neonAddr)
	var out []value
	if l.scalar {
		if k != 1 {
			panic("vec: one element at a time")
		}
		off, base, uses := a.at(0)
		v := f.V()
		if e == f32 {
			l.b.ins("FMOVS %v(%v), %v", []arm64.Reg{v}, uses, off, base, arm64.Fp(v))
			return []value{v}
		}
		r, h := f.R(), f.V()
		l.b.ins("MOVHU %v(%v), %v", []arm64.Reg{r}, uses, off, base, arm64.Gen(r))
		l.b.ins("FMOVS %v, %v", []arm64.Reg{h}, []arm64.Reg{r}, arm64.Gen(r), arm64.Fp(h))
		f.V2("fcvtl", v, h)
		return []value{v}
	}
	for r := 0; r < k; r += 2 {
		off, base, uses := a.at(r * 4 * e.size)
		pair := r+1 < k
		switch {
		case e == f32 && pair:
			v, w := f.V(), f.V()
			l.b.ins("FLDPQ %v(%v), (%v, %v)", []arm64.Reg{v, w}, uses, off, base, arm64.Fp(v), arm64.Fp(w))
			out = append(out, v, w)
		case e == f32:
			v := f.V()
			l.b.ins("FMOVQ %v(%v), %v", []arm64.Reg{v}, uses, off, base, arm64.Fp(v))
			out = append(out, v)
		case pair:
			h, v, w := f.V(), f.V(), f.V()
			l.b.ins("FMOVQ %v(%v), %v", []arm64.Reg{h}, uses, off, base, arm64.Fp(h))
			f.V2("fcvtl", v, h)
			f.V2("fcvtl2", w, h)
			out = append(out, v, w)
		default:
			h, v := f.V(), f.V()
			l.b.ins("FMOVD %v(%v), %v", []arm64.Reg{h}, uses, off, base, arm64.Fp(h))
			f.V2("fcvtl", v, h)
			out = append(out, v)
		}
	}
	return out
}

func (l neonLowering) store(xs []value, m addr) {
	a := m.(neonAddr)
	if l.scalar {
		off, base, uses := a.at(0)
		x := reg(xs[0])
		l.b.ins("FMOVS %v, %v(%v)", nil, append([]arm64.Reg{x}, uses...), arm64.Fp(x), off, base)
		return
	}
	for r := 0; r < len(xs); r += 2 {
		off, base, uses := a.at(16 * r)
		x := reg(xs[r])
		if r+1 < len(xs) {
			y := reg(xs[r+1])
			l.b.ins("FSTPQ (%v, %v), %v(%v)", nil, append([]arm64.Reg{x, y}, uses...), arm64.Fp(x), arm64.Fp(y), off, base)
			continue
		}
		l.b.ins("FMOVQ %v, %v(%v)", nil, append([]arm64.Reg{x}, uses...), arm64.Fp(x), off, base)
	}
}

// binary emits z = x op y: a vector form (fmul, fadd) or its scalar one.
func (l neonLowering) binary(vec, scalar string, x, y value) value {
	z := l.b.f.V()
	if l.scalar {
		l.b.ins(scalar+" %v, %v, %v", []arm64.Reg{z}, []arm64.Reg{reg(x), reg(y)}, arm64.Fp(reg(y)), arm64.Fp(reg(x)), arm64.Fp(z))
		return z
	}
	l.b.f.V3(vec, z, reg(x), reg(y))
	return z
}

func (l neonLowering) mul(x, y value) value { return l.binary("fmul", "FMULS", x, y) }
func (l neonLowering) add(x, y value) value { return l.binary("fadd", "FADDS", x, y) }
