// Command scatter writes the kernels of sparse synapse rows
// (asm/scatter_amd64.s and its Go declarations): the AVX-512 scatter-adds,
// which gather the accumulators a row's weights go to, add, and scatter them
// back, 16 at a time (AVX2 has gathers but no scatter, so it has no
// version); and Prefetch, which asks for the rows' cache lines before they
// are added.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// scatterAdd writes one kernel; half says whether the weights are binary16.
func scatterAdd(name string, half bool) {
	wtype, wsize := "[]float32", 4
	if half {
		wtype, wsize = "[]uint16", 2
	}
	TEXT(name, NOSPLIT, "func(acc []float32, idx []int32, w "+wtype+")")
	Pragma("noescape")
	conv := "w[k]"
	if half {
		conv = "float32(w[k]) (binary16)"
	}
	Doc(name+" adds "+conv+" to acc[idx[k]] for every k < min(len(idx), len(w)):",
		"the event-driven update of one presynaptic spike on sparse storage. The indices",
		"must be distinct and in [0, len(acc)) (the caller's invariant; not checked).",
		"Each accumulator takes one addition, so the result equals the scalar loop bit for bit.",
		"Requires AVX-512 F, VL and BW.")
	acc := Load(Param("acc").Base(), GP64())
	idx := Load(Param("idx").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	n := Load(Param("idx").Len(), GP64())
	wn := Load(Param("w").Len(), GP64())
	CMPQ(wn, n)
	CMOVQLT(wn, n)

	// body adds 16 weights under mask k (all ones in the loop).
	body := func(k reg.Register) {
		vi, vw, va := ZMM(), ZMM(), ZMM()
		VMOVDQU32_Z(Mem{Base: idx}, k, vi)
		if half {
			VCVTPH2PS_Z(Mem{Base: w}, k, vw)
		} else {
			VMOVUPS_Z(Mem{Base: w}, k, vw)
		}
		g, s := K(), K()
		KMOVW(k, g) // the gather and the scatter consume their masks
		KMOVW(k, s)
		VXORPS(va, va, va)
		VGATHERDPS(Mem{Base: acc, Index: vi, Scale: 4}, g, va)
		VADDPS(vw, va, va)
		VSCATTERDPS(va, s, Mem{Base: acc, Index: vi, Scale: 4})
	}

	all := K()
	KXNORW(all, all, all)
	Label(name + "_loop")
	CMPQ(n, U8(16))
	JL(LabelRef(name + "_tail"))
	body(all)
	ADDQ(U8(16*4), idx)
	ADDQ(U8(16*wsize), w)
	SUBQ(U8(16), n)
	JMP(LabelRef(name + "_loop"))

	Label(name + "_tail")
	TESTQ(n, n)
	JZ(LabelRef(name + "_done"))
	// The last n < 16 weights, under the mask (1 << n) − 1.
	bitsReg := GP32()
	MOVL(U32(1), bitsReg)
	MOVQ(n, reg.RCX)
	SHLL(reg.CL, bitsReg)
	DECL(bitsReg)
	tail := K()
	KMOVW(bitsReg, tail)
	body(tail)
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// prefetch writes Prefetch: PREFETCHT0 on every cache line b spans.
func prefetch() {
	TEXT("Prefetch", NOSPLIT, "func(b []byte)")
	Pragma("noescape")
	Doc("Prefetch asks for every 64-byte cache line that b spans to be brought into the L1 cache,",
		"and returns without waiting for them: the rows a step's spikes will add are requested",
		"together, so that their misses overlap. It reads nothing and changes nothing.",
		"Requires SSE (every amd64 CPU).")
	p := Load(Param("b").Base(), GP64())
	n := Load(Param("b").Len(), GP64())
	end := GP64()
	LEAQ(Mem{Base: p, Index: n, Scale: 1}, end)
	ANDQ(I32(-64), p) // the line holding b[0]
	Label("Prefetch_loop")
	CMPQ(p, end)
	JAE(LabelRef("Prefetch_done"))
	PREFETCHT0(Mem{Base: p})
	ADDQ(U8(64), p)
	JMP(LabelRef("Prefetch_loop"))
	Label("Prefetch_done")
	RET()
}

func main() {
	ConstraintExpr("amd64,!purego")
	scatterAdd("ScatterAddF16AVX512", true)
	scatterAdd("ScatterAddF32AVX512", false)
	prefetch()
	Generate()
}
