// Command scatter writes the kernels of sparse synapse rows
// (asm/scatter_amd64.s and its Go declarations): the AVX-512 scatter-adds,
// which gather the accumulators a row's weights go to, add, and scatter them
// back, 16 at a time (AVX2 has gathers but no scatter, so it has no
// version); and Prefetch, which asks for the rows' cache lines before they
// are added.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// scatterAdd writes one kernel; half says whether the weights are binary16.
func scatterAdd(name string, half bool) {
	wtype, wsize := "[]float32", 4
	if half {
		wtype, wsize = "[]uint16", 2
	}
	raw := gowrap.Lower(name)
	params := "acc []float32, idx []int32, w " + wtype
	TEXT(raw, NOSPLIT, "func("+params+")")
	Pragma("noescape")
	Doc(raw + " is the kernel of " + name + ", unchecked: the indices must be distinct and in [0, len(acc)).")
	conv := "w[k]"
	if half {
		conv = "float32(w[k]) (binary16)"
	}
	funcs = append(funcs, gowrap.Func{
		Name: name,
		Doc: []string{
			name + " adds " + conv + " to acc[idx[k]] for every k < min(len(idx), len(w)):",
			"the event-driven update of one presynaptic spike on sparse storage. Each accumulator",
			"takes one addition, so the result equals the scalar loop bit for bit.",
			"",
			"It panics, before reading or writing anything, unless the indices increase strictly",
			"and lie in [0, len(acc)) (which makes them distinct, as the gathers and scatters of",
			"one vector need), or when this build or CPU cannot run it (AVX-512 F, VL, BW and DQ,",
			"with AVX2, FMA and F16C: see HasAVX512).",
		},
		Params: params,
		Body: []string{
			"requireAVX512(" + fmt.Sprintf("%q", name) + ")",
			"n := min(len(idx), len(w))",
			"checkIndices(" + fmt.Sprintf("%q", name) + ", idx[:n], len(acc))",
			"raceRead(idx[:n])",
			"raceRead(w[:n])",
			"raceWriteAt(acc, idx[:n])",
			raw + "(acc, idx, w)",
		},
		Raw:       raw,
		RawParams: params,
		ISA:       "avx512",
		Args:      []gowrap.Arg{{Name: "acc", Kind: "n", Out: true}, {Name: "idx", Kind: "idx"}, {Name: "w", Kind: "n"}},
	})
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
	TEXT("prefetch", NOSPLIT, "func(b []byte)")
	Pragma("noescape")
	Doc("prefetch is the kernel of Prefetch.")
	funcs = append(funcs, gowrap.Func{
		Name: "Prefetch",
		Doc: []string{
			"Prefetch asks for every 64-byte cache line that b spans to be brought into the L1 cache,",
			"and returns without waiting for them: the rows a step's spikes will add are requested",
			"together, so that their misses overlap. It reads nothing and changes nothing, and runs",
			"on every amd64 CPU (SSE); where this build has no assembly it does nothing.",
		},
		Params:    "b []byte",
		Body:      []string{"prefetch(b)"},
		Raw:       "prefetch",
		RawParams: "b []byte",
		NoAsm:     []string{}, // nothing to do
		Args:      []gowrap.Arg{{Name: "b", Kind: "n"}},
	})
	p := Load(Param("b").Base(), GP64())
	n := Load(Param("b").Len(), GP64())
	end := GP64()
	LEAQ(Mem{Base: p, Index: n, Scale: 1}, end)
	ANDQ(I32(-64), p) // the line holding b[0]
	Label("prefetch_loop")
	CMPQ(p, end)
	JAE(LabelRef("prefetch_done"))
	PREFETCHT0(Mem{Base: p})
	ADDQ(U8(64), p)
	JMP(LabelRef("prefetch_loop"))
	Label("prefetch_done")
	RET()
}

func main() {
	ConstraintExpr("amd64,!purego")
	scatterAdd("ScatterAddF16AVX512", true)
	scatterAdd("ScatterAddF32AVX512", false)
	prefetch()
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64"})
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func
