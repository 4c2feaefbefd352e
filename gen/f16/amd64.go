package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// x86 lowers the conversions to AVX2 (8 elements a YMM vector of floats,
// an XMM of halves) or, wide, to AVX-512 (16, a ZMM and a YMM). The AVX2
// kernels finish with steps of 4, 2 and 1 elements as the bits of the
// remaining count say, the AVX-512 ones with one opmasked step.
type x86 struct {
	wide bool
	// the walk: src and dst point at the next element, n counts those
	// left; an element is srcSize bytes in src and dstSize in dst
	name             string
	src, dst, n      reg.Register
	srcSize, dstSize int
	floats           []reg.VecVirtual // a register of floats per vector
}

// roundNearestEven is VCVTPS2PH's rounding immediate: bits 1:0 = 00, round
// to nearest, ties to even; bit 2 = 0, the immediate rules, not MXCSR.RC.
const roundNearestEven = 0

func (b *x86) isa() gowrap.ISA {
	if b.wide {
		return gowrap.AVX512
	}
	return gowrap.AVX2
}

func (b *x86) suffix() string {
	if b.wide {
		return "AVX512"
	}
	return "AVX2"
}

func (b *x86) lanes() int {
	if b.wide {
		return 16
	}
	return 8
}

func (b *x86) lowers(conversion) bool  { return true }
func (b *x86) comment(lines ...string) { Comment(lines...) }

// vec and half allocate a vector of floats and one of as many halves.
func (b *x86) vec() reg.VecVirtual {
	if b.wide {
		return ZMM()
	}
	return YMM()
}

func (b *x86) half() reg.VecVirtual {
	if b.wide {
		return YMM()
	}
	return XMM()
}

func (b *x86) start(c conversion, d declaration) gowrap.Func {
	f := gowrap.Declare(d.name, d.params, "", d.doc, b.isa(), d.body, args)
	b.name = d.name
	b.dstSize, b.srcSize = c.sizes()
	b.dst = Load(Param("dst").Base(), GP64())
	b.src = Load(Param("src").Base(), GP64())
	b.n = Load(Param("src").Len(), GP64())
	m := Load(Param("dst").Len(), GP64())
	CMPQ(m, b.n)
	CMOVQLT(m, b.n) // n = min(len(dst), len(src)): never write past dst
	b.floats = make([]reg.VecVirtual, unroll)
	for i := range b.floats {
		b.floats[i] = b.vec()
	}
	return f
}

// advance moves the pointers past k elements.
func (b *x86) advance(k int) {
	ADDQ(U32(k*b.srcSize), b.src)
	ADDQ(U32(k*b.dstSize), b.dst)
}

func (b *x86) loop(label string, k int, body func()) {
	top, end := b.name+"_"+label, b.name+"_"+label+"_end"
	CMPQ(b.n, U32(k))
	JB(LabelRef(end))
	Label(top)
	body()
	b.advance(k)
	SUBQ(U32(k), b.n)
	CMPQ(b.n, U32(k))
	JAE(LabelRef(top))
	Label(end)
}

// at addresses base+off.
func at(base reg.Register, off int) Mem { return Mem{Base: base, Disp: off} }

func (b *x86) vectors(c conversion, k int) {
	v := b.floats[:k]
	fb, hb := 4*b.lanes(), 2*b.lanes() // bytes a vector of floats, of halves
	if c.widen {
		for i, x := range v {
			VCVTPH2PS(at(b.src, hb*i), x)
		}
		for i, x := range v {
			VMOVUPS(x, at(b.dst, fb*i))
		}
		return
	}
	for i, x := range v {
		VMOVUPS(at(b.src, fb*i), x)
	}
	for i, x := range v {
		h := b.half()
		toHalves(x, h)
		VMOVDQU(h, at(b.dst, hb*i))
	}
}

// toHalves rounds the floats in v to halves, ties to even, into h, a vector
// of half v's width. The conversions store from a register: VCVTPS2PH with a
// memory destination measured up to 2.4 times slower (AVX2, 65,536 floats,
// on the project's AMD EPYC: 11.7 against 27.6 G elements/s).
func toHalves(v, h reg.VecVirtual) {
	VCVTPS2PH(U8(roundNearestEven), v, h)
}

func (b *x86) tail(c conversion) {
	if b.wide {
		b.maskedTail(c)
	} else {
		b.bitsTail(c)
	}
	// Every kernel may have touched the upper halves of the vector
	// registers; VZEROUPPER clears them so that SSE code after it pays no
	// transition penalty.
	VZEROUPPER()
	RET()
}

// ifBit emits `if n&k != 0 { body(); advance(k) }`, a tail step of k
// elements (a power of two) once n < 2k. It leaves n alone: the lower bits,
// which the next steps test, would not change.
func (b *x86) ifBit(label string, k int, body func()) {
	skip := b.name + "_" + label + "_end"
	TESTQ(U32(k), b.n)
	JZ(LabelRef(skip))
	body()
	if k > 1 { // the last step has nothing after it
		b.advance(k)
	}
	Label(skip)
}

// bitsTail is AVX2's tail: 4, 2 and 1 elements as the bits of n say.
func (b *x86) bitsTail(c conversion) {
	Comment("The tail, n < 8: 4, 2 and 1 elements as the bits of n say")
	x := XMM()
	src, dst := at(b.src, 0), at(b.dst, 0)
	if c.widen {
		b.ifBit("tail4", 4, func() {
			VCVTPH2PS(src, x) // 8 bytes
			VMOVUPS(x, dst)
		})
		b.ifBit("tail2", 2, func() {
			VMOVD(src, x)
			VCVTPH2PS(x, x)
			VMOVQ(x, dst)
		})
		b.ifBit("tail1", 1, func() {
			h := GP32()
			MOVWLZX(src, h)
			VMOVD(h, x)
			VCVTPH2PS(x, x)
			VMOVSS(x, dst)
		})
		return
	}
	b.ifBit("tail4", 4, func() {
		VMOVUPS(src, x)
		toHalves(x, x)
		VMOVQ(x, dst)
	})
	b.ifBit("tail2", 2, func() {
		VMOVQ(src, x)
		toHalves(x, x)
		VMOVD(x, dst)
	})
	b.ifBit("tail1", 1, func() {
		VMOVSS(src, x)
		toHalves(x, x)
		VPEXTRW(U8(0), x, dst)
	})
}

// maskedTail is AVX-512's tail: one step under the mask of the low n lanes.
func (b *x86) maskedTail(c conversion) {
	Comment("The tail, 0 < n < 16: one step under the mask of the low n lanes;")
	Comment("the masked load and store touch no memory in the other lanes")
	skip := b.name + "_tail_end"
	TESTQ(b.n, b.n)
	JZ(LabelRef(skip))
	k := K()
	tailMask(b.n, k)
	h, z := YMM(), b.floats[0]
	if c.widen {
		VMOVDQU16_Z(at(b.src, 0), k, h)
		VCVTPH2PS(h, z)
		VMOVUPS(z, k, at(b.dst, 0))
	} else {
		VMOVUPS_Z(at(b.src, 0), k, z)
		toHalves(z, h)
		VMOVDQU16(h, k, at(b.dst, 0))
	}
	Label(skip)
}

// tailMask sets k to the opmask of the low n bits, 0 < n < 16. It shifts by
// CL rather than using BZHI, so that the kernel needs no BMI2, which the
// AVX-512 path does not check.
func tailMask(n reg.Register, k reg.Register) {
	m := GP32()
	MOVQ(n, reg.RCX)
	MOVL(U32(1), m)
	SHLL(reg.CL, m)
	DECL(m) // (1 << n) - 1
	KMOVW(m, k)
}
