// Command f16 generates the bulk binary16 ↔ float32 conversion kernels of
// package asm (asm/f16_amd64.s and their Go declarations, asm/f16_amd64.go):
//
//	go run ./f16 -out ../asm/f16_amd64.s -stubs ../asm/f16_amd64.go -pkg asm
//
// Every element, tails included, is converted by the hardware instruction
// (VCVTPH2PS; VCVTPS2PH rounding to nearest even), which gives the bits of
// github.com/x448/float16 on every input, NaNs included: both set the quiet
// bit and keep the sign and the top payload bits. MXCSR does not matter:
// VCVTPS2PH takes its rounding from the immediate, Go runs with DAZ and FTZ
// off, and a float32 subnormal, the only input DAZ could touch, rounds to ±0
// either way.
//
// Each kernel converts n = min(len(dst), len(src)) elements, reads nothing
// past src[n-1] and writes nothing past dst[n-1]: after the vector loops the
// AVX2 kernels finish with steps of 4, 2 and 1 elements as the bits of the
// remaining count say, the AVX-512 ones with one opmasked step.
package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// unroll is the number of vectors one main-loop iteration converts.
const unroll = 4

// roundNearestEven is VCVTPS2PH's rounding immediate: bits 1:0 = 00, round
// to nearest, ties to even; bit 2 = 0, the immediate rules, not MXCSR.RC.
const roundNearestEven = 0

func main() {
	// avo v0.5.0 parses the old "+build" syntax (a comma is "and") and
	// prints "//go:build amd64 && !purego".
	ConstraintExpr("amd64,!purego")

	toFloat32AVX2()
	fromFloat32AVX2()
	toFloat32AVX512()
	fromFloat32AVX512()

	toFloat32NEON()
	fromFloat32NEON()

	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neon})
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func

// kernel starts a function converting between slices dst and src and loads
// the slices' bases and n = min(len(dst), len(src)).
// toDoc and fromDoc are the doc comments of the conversions, one per
// direction, whatever the ISA.
func toDoc(name string) []string {
	return []string{
		name + " sets dst[i] to the float32 value of the IEEE binary16 value with",
		"bits src[i], for every i < min(len(dst), len(src)), as",
		"float16.Float16(src[i]).Float32() of github.com/x448/float16 does: exactly;",
		"a NaN keeps its sign and payload and gets its quiet bit set.",
	}
}

func fromDoc(name string) []string {
	return []string{
		name + " sets dst[i] to the bits of the IEEE binary16 value nearest to",
		"src[i], ties to even, for every i < min(len(dst), len(src)), as",
		"float16.Fromfloat32(src[i]) of github.com/x448/float16 does: finite values",
		"of magnitude 65520 or more give ±Inf, subnormal halves are kept, and a NaN",
		"keeps its sign and the top 10 bits of its payload and gets its quiet bit set.",
	}
}

func kernel(name, signature string, doc ...string) (dst, src, n reg.Register) {
	raw := gowrap.Lower(name)
	TEXT(raw, NOSPLIT, signature)
	Pragma("noescape") // avo adds none: without it the caller's slices escape
	Doc(raw + " is the kernel of " + name + ".")
	req, check, isa := "AVX2, FMA and F16C: see HasAVX2", "requireAVX2", "avx2"
	if strings.HasSuffix(name, "AVX512") {
		req, check, isa = "AVX-512 F, VL, BW and DQ, with AVX2, FMA and F16C: see HasAVX512", "requireAVX512", "avx512"
	}
	params := strings.TrimSuffix(strings.TrimPrefix(signature, "func("), ")")
	funcs = append(funcs, gowrap.Func{
		Name: name,
		Doc: append(doc, "", "It panics, before reading or writing anything, when this build or CPU cannot run it",
			"("+req+")."),
		Params: params,
		Body: []string{
			fmt.Sprintf("%s(%q)", check, name),
			"n := min(len(dst), len(src))",
			"raceWrite(dst[:n])",
			"raceRead(src[:n])",
			raw + "(dst, src)",
		},
		Raw:       raw,
		RawParams: params,
		ISA:       isa,
		Args:      []gowrap.Arg{{Name: "dst", Kind: "n", Out: true}, {Name: "src", Kind: "n"}},
	})
	dst = Load(Param("dst").Base(), GP64())
	src = Load(Param("src").Base(), GP64())
	n = Load(Param("src").Len(), GP64())
	m := Load(Param("dst").Len(), GP64())
	CMPQ(m, n)
	CMOVQLT(m, n) // n = min(len(dst), len(src)): never write past dst
	return dst, src, n
}

// stream is a kernel's walk over its slices: src and dst point at the next
// element, n counts the elements left; an element is srcSize bytes in src and
// dstSize bytes in dst.
type stream struct {
	name             string // the kernel's, for unique labels
	src, dst, n      reg.Register
	srcSize, dstSize int
}

// advance moves the pointers past k elements.
func (s stream) advance(k int) {
	ADDQ(U32(k*s.srcSize), s.src)
	ADDQ(U32(k*s.dstSize), s.dst)
}

// loop emits `for n >= k { body(); advance(k); n -= k }`.
func (s stream) loop(label string, k int, body func()) {
	top, end := s.name+"_"+label, s.name+"_"+label+"_end"
	CMPQ(s.n, U32(k))
	JB(LabelRef(end))
	Label(top)
	body()
	s.advance(k)
	SUBQ(U32(k), s.n)
	CMPQ(s.n, U32(k))
	JAE(LabelRef(top))
	Label(end)
}

// ifBit emits `if n&k != 0 { body(); advance(k) }`, a tail step of k
// elements (a power of two) once n < 2k. It leaves n alone: the lower bits,
// which the next steps test, would not change.
func (s stream) ifBit(label string, k int, body func()) {
	skip := s.name + "_" + label + "_end"
	TESTQ(U32(k), s.n)
	JZ(LabelRef(skip))
	body()
	if k > 1 { // the last step has nothing after it
		s.advance(k)
	}
	Label(skip)
}

// ifAny emits `if n != 0 { body() }`.
func (s stream) ifAny(label string, body func()) {
	skip := s.name + "_" + label + "_end"
	TESTQ(s.n, s.n)
	JZ(LabelRef(skip))
	body()
	Label(skip)
}

// ret emits a kernel's one exit. Every kernel may have touched the upper
// halves of the vector registers; VZEROUPPER clears them so that SSE code
// after it pays no transition penalty.
func ret() {
	VZEROUPPER()
	RET()
}

// at addresses base+off.
func at(base reg.Register, off int) Mem { return Mem{Base: base, Disp: off} }

// vectors allocates k vector registers with alloc.
func vectors(k int, alloc func() reg.VecVirtual) []reg.VecVirtual {
	v := make([]reg.VecVirtual, k)
	for i := range v {
		v[i] = alloc()
	}
	return v
}

func toFloat32AVX2() {
	const name = "ToFloat32AVX2"
	dst, src, n := kernel(name, "func(dst []float32, src []uint16)", toDoc(name)...)
	s := stream{name: name, src: src, dst: dst, n: n, srcSize: 2, dstSize: 4}
	y := vectors(unroll, YMM)

	Comment("8 halves a vector, 4 vectors an iteration: loads first, then stores")
	s.loop("loop32", 8*unroll, func() {
		for k, v := range y {
			VCVTPH2PS(at(src, 16*k), v)
		}
		for k, v := range y {
			VMOVUPS(v, at(dst, 32*k))
		}
	})
	Comment("One vector at a time, then n < 8")
	s.loop("loop8", 8, func() {
		VCVTPH2PS(at(src, 0), y[0])
		VMOVUPS(y[0], at(dst, 0))
	})
	Comment("The tail, n < 8: 4, 2 and 1 elements as the bits of n say")
	x := XMM()
	s.ifBit("tail4", 4, func() {
		VCVTPH2PS(at(src, 0), x) // 8 bytes
		VMOVUPS(x, at(dst, 0))
	})
	s.ifBit("tail2", 2, func() {
		VMOVD(at(src, 0), x)
		VCVTPH2PS(x, x)
		VMOVQ(x, at(dst, 0))
	})
	s.ifBit("tail1", 1, func() {
		h := GP32()
		MOVWLZX(at(src, 0), h)
		VMOVD(h, x)
		VCVTPH2PS(x, x)
		VMOVSS(x, at(dst, 0))
	})
	ret()
}

func fromFloat32AVX2() {
	const name = "FromFloat32AVX2"
	dst, src, n := kernel(name, "func(dst []uint16, src []float32)", fromDoc(name)...)
	s := stream{name: name, src: src, dst: dst, n: n, srcSize: 4, dstSize: 2}
	y := vectors(unroll, YMM)

	Comment("8 floats a vector, 4 vectors an iteration: loads first, then stores")
	s.loop("loop32", 8*unroll, func() {
		for k, v := range y {
			VMOVUPS(at(src, 32*k), v)
		}
		for k, v := range y {
			h := XMM()
			toHalves(v, h)
			VMOVDQU(h, at(dst, 16*k))
		}
	})
	Comment("One vector at a time, then n < 8")
	s.loop("loop8", 8, func() {
		h := XMM()
		VMOVUPS(at(src, 0), y[0])
		toHalves(y[0], h)
		VMOVDQU(h, at(dst, 0))
	})
	Comment("The tail, n < 8: 4, 2 and 1 elements as the bits of n say")
	x := XMM()
	s.ifBit("tail4", 4, func() {
		VMOVUPS(at(src, 0), x)
		toHalves(x, x)
		VMOVQ(x, at(dst, 0))
	})
	s.ifBit("tail2", 2, func() {
		VMOVQ(at(src, 0), x)
		toHalves(x, x)
		VMOVD(x, at(dst, 0))
	})
	s.ifBit("tail1", 1, func() {
		VMOVSS(at(src, 0), x)
		toHalves(x, x)
		VPEXTRW(U8(0), x, at(dst, 0))
	})
	ret()
}

// toHalves rounds the floats in v to halves, ties to even, into h, a vector
// of half v's width. The conversions store from a register: VCVTPS2PH with a
// memory destination measured up to 2.4 times slower (AVX2, 65,536 floats,
// on the project's AMD EPYC: 11.7 against 27.6 G elements/s).
func toHalves(v, h reg.VecVirtual) {
	VCVTPS2PH(U8(roundNearestEven), v, h)
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

func toFloat32AVX512() {
	const name = "ToFloat32AVX512"
	dst, src, n := kernel(name, "func(dst []float32, src []uint16)", toDoc(name)...)
	s := stream{name: name, src: src, dst: dst, n: n, srcSize: 2, dstSize: 4}
	z := vectors(unroll, ZMM)

	Comment("16 halves a vector, 4 vectors an iteration: loads first, then stores")
	s.loop("loop64", 16*unroll, func() {
		for k, v := range z {
			VCVTPH2PS(at(src, 32*k), v)
		}
		for k, v := range z {
			VMOVUPS(v, at(dst, 64*k))
		}
	})
	Comment("One vector at a time, then n < 16")
	s.loop("loop16", 16, func() {
		VCVTPH2PS(at(src, 0), z[0])
		VMOVUPS(z[0], at(dst, 0))
	})
	Comment("The tail, 0 < n < 16: one step under the mask of the low n lanes;")
	Comment("the masked load and store touch no memory in the other lanes")
	s.ifAny("tail", func() {
		k := K()
		tailMask(n, k)
		h := YMM()
		VMOVDQU16_Z(at(src, 0), k, h)
		VCVTPH2PS(h, z[0])
		VMOVUPS(z[0], k, at(dst, 0))
	})
	ret()
}

func fromFloat32AVX512() {
	const name = "FromFloat32AVX512"
	dst, src, n := kernel(name, "func(dst []uint16, src []float32)", fromDoc(name)...)
	s := stream{name: name, src: src, dst: dst, n: n, srcSize: 4, dstSize: 2}
	z := vectors(unroll, ZMM)

	Comment("16 floats a vector, 4 vectors an iteration: loads first, then stores")
	s.loop("loop64", 16*unroll, func() {
		for k, v := range z {
			VMOVUPS(at(src, 64*k), v)
		}
		for k, v := range z {
			h := YMM()
			toHalves(v, h)
			VMOVDQU(h, at(dst, 32*k))
		}
	})
	Comment("One vector at a time, then n < 16")
	s.loop("loop16", 16, func() {
		h := YMM()
		VMOVUPS(at(src, 0), z[0])
		toHalves(z[0], h)
		VMOVDQU(h, at(dst, 0))
	})
	Comment("The tail, 0 < n < 16: one step under the mask of the low n lanes;")
	Comment("the masked load and store touch no memory in the other lanes")
	s.ifAny("tail", func() {
		k := K()
		tailMask(n, k)
		h := YMM()
		VMOVUPS_Z(at(src, 0), k, z[0])
		toHalves(z[0], h)
		VMOVDQU16(h, k, at(dst, 0))
	})
	ret()
}
