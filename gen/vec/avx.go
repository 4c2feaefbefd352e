package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
	"github.com/sparkgo/spark/gen/internal/tails"
)

// avx lowers the shapes to AVX2 or AVX-512, with avo: 8 or 16 lanes a
// vector (YMM, ZMM). An f32 stream's vector is its memory operand, which
// the instruction that uses it reads; a binary16 one is converted into a
// register (VCVTPH2PS). Masked sums: AVX-512 adds under an opmask of the
// vector's 16 spike bits (the step's word by KMOVQ, shifted), AVX2 blends
// each term with +0 by the sign of its lane's spike bit, shifted there
// (VPSLLVD by shifts).
type avx struct {
	isaName string
	nlanes  int
	reg     func() VecVirtual
	gowrap.ISA

	// The kernel being written.
	n     Register     // the elements left
	sh    []VecVirtual // AVX2's shift counts (masked sums)
	zeros VecVirtual   // AVX2: +0s, the blend's other term (masked sums)
	half  VecVirtual   // AVX2: the step's spike dword of the vector's lanes, in every lane
	word  Register     // AVX-512: the step's spike word, in an opmask (masked sums)

	// A matrix's rows: y's pointer, the rows left, the columns, the bytes
	// of a row of each base.
	y, rows, cols Register
	strides       []Register
}

var (
	avx2   = &avx{isaName: "AVX2", nlanes: 8, reg: YMM, ISA: gowrap.AVX2}
	avx512 = &avx{isaName: "AVX512", nlanes: 16, reg: ZMM, ISA: gowrap.AVX512}
)

// shifts: lane i of group g (32 bytes each, g = 0..3) holds 31 − (8g + i),
// the VPSLLVD count that moves bit 8g+i of a spike dword to lane i's sign.
var shifts Mem

// avxData lays out the amd64 kernels' read-only data.
func avxData() {
	shifts = GLOBL("vecshifts", RODATA|NOPTR)
	for i := range 32 {
		DATA(4*i, U32(31-i))
	}
}

func (a *avx) name() string       { return a.isaName }
func (a *avx) lanes() int         { return a.nlanes }
func (a *avx) group() int         { return 1 }
func (a *avx) prefetchOp() string { return "PREFETCHT0" }

// kernel starts the raw (lower-case) assembly of the checked kernel name
// and records the checked function: the ISA check, the statements of body
// (length checks and race annotations), then the call.
func (a *avx) kernel(name, params, result string, doc, body []string) (vec, one lowering) {
	funcs = append(funcs, gowrap.Declare(name, params, result, doc, a.ISA, body, args(params, result)))
	a.n, a.sh, a.zeros, a.half, a.y, a.rows, a.cols = nil, nil, nil, nil, nil, nil, nil
	return avxLowering{a, false}, avxLowering{a, true}
}

func (a *avx) base(param string) addr        { return Mem{Base: Load(Param(param).Base(), GP64())} }
func (a *avx) offset(m addr, bytes int) addr { return m.(Mem).Offset(bytes) }
func (a *avx) advance(m addr, bytes int)     { ADDQ(U32(bytes), m.(Mem).Base) }
func (a *avx) prefetch(m addr)               { PREFETCHT0(m.(Mem)) }
func (a *avx) consume(k int)                 { SUBQ(U32(k), a.n) }
func (a *avx) jump(label string)             { JMP(LabelRef(label)) }
func (a *avx) label(name string)             { Label(name) }
func (a *avx) comment(text string)           { Comment(text) }
func (a *avx) accumulate(acc, t value)       { VADDPS(t.(Op), acc.(Op), acc.(Op)) }
func (a *avx) copyTail(size int, src, dst addr, label string) {
	tails.Copy(size, src.(Mem), dst.(Mem), a.n, label)
}

func (a *avx) local(bytes int) addr {
	m := AllocLocal(bytes)
	tails.Zero(m, bytes)
	return m
}

func (a *avx) count(param string, shift int) {
	if a.n == nil {
		a.n = Load(Param(param).Len(), GP64())
		return
	}
	if shift == 0 {
		tails.MinLen(a.n, param)
		return
	}
	m := Load(Param(param).Len(), GP64())
	SHLQ(U8(shift), m)
	CMPQ(m, a.n)
	CMOVQLT(m, a.n)
}

func (a *avx) branch(cond string, k int, label string) {
	switch cond {
	case "<":
		CMPQ(a.n, U32(k))
		JLT(LabelRef(label))
	case ">=":
		CMPQ(a.n, U32(k))
		JGE(LabelRef(label))
	case "==":
		if k != 0 {
			panic("vec: n == k only for k = 0")
		}
		TESTQ(a.n, a.n)
		JZ(LabelRef(label))
	default:
		panic("vec: no branch if n " + cond)
	}
}

func (a *avx) zero() value {
	r := a.reg()
	VXORPS(r, r, r)
	return r
}

func (a *avx) maskInit() {
	if a.nlanes != 8 {
		return
	}
	a.zeros = YMM()
	VXORPS(a.zeros, a.zeros, a.zeros)
	a.sh = make([]VecVirtual, 4)
	for g := range a.sh {
		a.sh[g] = YMM()
		VMOVDQU(shifts.Offset(32*g), a.sh[g])
	}
}

func (a *avx) skipZero(words addr, label string) {
	CMPQ(words.(Mem), U8(0))
	JE(LabelRef(label))
}

func (a *avx) maskedAccumulate(acc, t value, words addr, r int) {
	x := words.(Mem)
	if a.nlanes == 16 {
		// Lanes whose bit is clear keep their sum: a merging add. The
		// step's word goes to an opmask once (KMOVQ), and each vector
		// takes its 16 bits by a shift: on AMD's Zen 5 the four KMOVW
		// loads of a word bound the loop (rows of 4096 in L1: 70 ns
		// against 83–93); on Intel's cores both take port 5 four times.
		k := K()
		if r%4 == 0 {
			a.word = k
			KMOVQ(x.Offset(8*(r/4)), k)
		} else {
			KSHIFTRQ(U8(16*(r%4)), a.word, k)
		}
		VADDPS(t.(Op), acc.(Op), k, acc.(Op))
		return
	}
	// Each lane's bit to its sign; the weight or +0 by it, into the mask's
	// register. The four vectors of a dword share its broadcast, and every
	// vector the register of +0s: 1.75 instructions a vector fewer than a
	// broadcast and a zeroing each. On AMD Zen 5 (one CPU, 6 interleaved
	// rounds), MaskedSum of 4096 in cache 78–83 ns against 86–88 at 1% of
	// the bits set and 148–151 against 158–161 at 100%; MaskedSums of four
	// rows of 1024 at 1/64, 107–115 against 114–119.
	if r%4 == 0 {
		a.half = YMM()
		VPBROADCASTD(x.Offset(4*(r/4)), a.half)
	}
	m := YMM()
	VPSLLVD(a.sh[r%4], a.half, m)
	VBLENDVPS(m, t.(Op), a.zeros, m)
	VADDPS(m, acc.(Op), acc.(Op))
}

// halve: the upper 256 bits of a ZMM, the upper 128 of a YMM, the upper 64
// of an XMM (VMOVHLPS), lane 1 (VMOVSHDUP).
func (a *avx) halve(v value, h int) value {
	switch x := v.(VecVirtual); h {
	case 8:
		hi, s := YMM(), YMM()
		VEXTRACTF64X4(U8(1), x, hi)
		VADDPS(hi, x.AsY(), s)
		return s
	case 4:
		hi, s := XMM(), XMM()
		VEXTRACTF128(U8(1), x, hi)
		VADDPS(hi, x.AsX(), s)
		return s
	case 2:
		hi, s := XMM(), XMM()
		VMOVHLPS(x, x, hi)
		VADDPS(hi, x, s)
		return s
	case 1:
		hi, s := XMM(), XMM()
		VMOVSHDUP(x, hi)
		VADDSS(hi, x, s)
		return s
	}
	panic(fmt.Sprintf("vec: halve by %d", h))
}

func (a *avx) result(v value) {
	VZEROUPPER()
	Store(v.(Register), ReturnIndex(0))
	RET()
}

func (a *avx) rowsStart(y, cols string, sizes []int, label string) {
	a.y = Load(Param(y).Base(), GP64())
	a.rows = Load(Param(y).Len(), GP64())
	a.cols = Load(Param(cols), GP64())
	a.strides = make([]Register, len(sizes))
	for k, size := range sizes {
		t := GP64()
		MOVQ(a.cols, t)
		if size == 0 {
			ADDQ(U8(63), t)
			SHRQ(U8(6), t)
			SHLQ(U8(3), t)
		} else {
			SHLQ(U8(map[int]uint8{2: 1, 4: 2}[size]), t)
		}
		a.strides[k] = t
	}
	TESTQ(a.rows, a.rows)
	JZ(LabelRef(label))
}

func (a *avx) rowStart(bases []addr) []addr {
	if a.n == nil {
		a.n = GP64()
	}
	MOVQ(a.cols, a.n)
	at := make([]addr, len(bases))
	for k, b := range bases {
		r := GP64()
		MOVQ(b.(Mem).Base, r)
		at[k] = Mem{Base: r}
	}
	return at
}

func (a *avx) rowEnd(v value, bases []addr, label string) {
	VMOVSS(v.(VecVirtual).AsX(), Mem{Base: a.y})
	ADDQ(U8(4), a.y)
	for k, b := range bases {
		ADDQ(a.strides[k], b.(Mem).Base)
	}
	DECQ(a.rows)
	JNZ(LabelRef(label))
}

func (a *avx) broadcast(param string) (vec, one value) {
	r := a.reg()
	p, err := Param(param).Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSS(p.Addr, r)
	return r, r.AsX()
}

func (a *avx) end() {
	VZEROUPPER()
	RET()
}

// avxLowering is the lowering of a description to whole vectors of an avx
// isa, or, scalar, to one element (an XMM's lane 0: VMULSS, VADDSS).
type avxLowering struct {
	isa    *avx
	scalar bool
}

func (l avxLowering) reg() VecVirtual {
	if l.scalar {
		return XMM()
	}
	return l.isa.reg()
}

// width is the elements of a vector of the lowering.
func (l avxLowering) width() int {
	if l.scalar {
		return 1
	}
	return l.isa.nlanes
}

func (l avxLowering) load(e elem, m addr, k int) []value {
	out := make([]value, k)
	for r := range out {
		out[r] = l.load1(e, m.(Mem).Offset(r*l.width()*e.size))
	}
	return out
}

// load1 returns the elements at m as float32s: m itself as an operand for
// float32, a register converted from binary16.
func (l avxLowering) load1(e elem, m Mem) Op {
	if e == f32 {
		return m
	}
	r := l.reg()
	if l.scalar {
		g := GP32()
		MOVWLZX(m, g)
		VMOVD(g, r)
		VCVTPH2PS(r, r)
		return r
	}
	VCVTPH2PS(m, r)
	return r
}

// inReg returns x in a register.
func (l avxLowering) inReg(x Op) Register {
	if m, ok := x.(Mem); ok {
		r := l.reg()
		if l.scalar {
			VMOVSS(m, r)
		} else {
			VMOVUPS(m, r)
		}
		return r
	}
	return x.(Register)
}

// binary emits z = x ∘ y, x or y (which commute) a memory operand.
func (l avxLowering) binary(vec, ss func(...Op), x, y value) value {
	a, b := x.(Op), y.(Op)
	if _, ok := a.(Mem); ok {
		a, b = b, a
	}
	z := l.reg()
	op := vec
	if l.scalar {
		op = ss
	}
	op(b, l.inReg(a), z)
	return z
}

func (l avxLowering) mul(x, y value) value { return l.binary(VMULPS, VMULSS, x, y) }
func (l avxLowering) add(x, y value) value { return l.binary(VADDPS, VADDSS, x, y) }

func (l avxLowering) store(xs []value, m addr) {
	for r, x := range xs {
		at := m.(Mem).Offset(r * l.width() * 4)
		if l.scalar {
			VMOVSS(l.inReg(x.(Op)), at)
		} else {
			VMOVUPS(l.inReg(x.(Op)), at)
		}
	}
}
