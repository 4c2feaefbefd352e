// Command scatter writes the kernels of sparse synapse rows
// (asm/scatter_amd64.s and its Go declarations): the AVX-512 scatter-adds,
// which gather the accumulators a row's weights go to, add, and scatter them
// back, 16 at a time (AVX2 has gathers but no scatter, so it has no
// version); and Prefetch, which asks for the rows' cache lines before they
// are added. Their NEON versions (asm/scatter_arm64.s, neon.go) share each
// kernel's checked function (scatterFunc: the checks, the race annotations,
// the doc, the panic on bad indices) and its raw kernel's contract (check
// every index first; on a bad one return having written nothing); the lowering,
// AVX-512's gathers and scatters or NEON's lane-by-lane adds, is written
// per ISA.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// scatterFunc is the checked function of scatter kernel name, for a raw
// kernel of isa that checks lanes indices at a time; half says whether the
// weights are binary16. Both ISAs' kernels are declared by it: the same
// checks, race annotations, doc and failure (badIndices).
func scatterFunc(name string, half bool, isa gowrap.ISA, lanes int) gowrap.Func {
	wtype := "[]float32"
	if half {
		wtype = "[]uint16"
	}
	raw := gowrap.Lower(name)
	params := "acc []float32, idx []int32, w " + wtype
	conv := "w[k]"
	if half {
		conv = "float32(w[k]) (binary16)"
	}
	doc := []string{
		name + " adds " + conv + " to acc[idx[k]] for every k < min(len(idx), len(w)):",
		"the event-driven update of one presynaptic spike on sparse storage. Each accumulator",
		"takes one addition, so the result equals the scalar loop bit for bit.",
		"",
	}
	// float32 weights may share acc's memory (two subslices of one
	// array): the kernel loads several weights before it adds the first,
	// where the scalar loop would add an accumulator written a moment
	// before. It refuses the overlap.
	var apart []string
	if !half {
		apart = []string{"checkApart(" + fmt.Sprintf("%q", name) + `, "acc", acc, "w", w, false)`}
		doc = append(doc, "It panics, before writing anything, when acc overlaps w.", "")
	}
	if isa == gowrap.AVX512 {
		doc = append(doc,
			"It panics, before reading or writing anything, unless the indices increase strictly",
			"and lie in [0, len(acc)) (which makes them distinct, as the gathers and scatters of",
			"one vector need), or when this build or CPU cannot run it (AVX-512 F, VL, BW and DQ,",
			"with AVX2, FMA and F16C: see HasAVX512).",
		)
	} else {
		doc = append(doc,
			"It panics, before reading or writing anything, unless the indices increase strictly",
			"and lie in [0, len(acc)) (which makes them distinct), or when this build or CPU cannot",
			"run it (arm64 with NEON: see HasNEON).",
		)
	}
	// The NEON kernel returns 1 or 0, an int: package arm64 lays a result
	// of under 8 bytes out as 8, which go vet refuses.
	result, failed := "bool", "!"+raw+"(acc, idx, w)"
	if isa == gowrap.NEON {
		result, failed = "int", raw+"(acc, idx, w) == 0"
	}
	why := "." // (the comparison with a Go loop was measured on amd64)
	if isa == gowrap.AVX512 {
		why = ": a Go loop over them cost more than the scatter."
	}
	return gowrap.Func{
		Name:   name,
		Doc:    doc,
		Params: params,
		Body: append(append([]string{
			isa.Require + "(" + fmt.Sprintf("%q", name) + ")"}, apart...),
			"n := min(len(idx), len(w))",
			"raceRead(idx[:n])",
			"raceRead(w[:n])",
			"raceScatter("+fmt.Sprintf("%q", name)+", acc, idx[:n])",
			fmt.Sprintf("// The kernel checks the indices itself, %d at a time, before it", lanes),
			"// writes"+why,
			"if "+failed+" {",
			"badIndices("+fmt.Sprintf("%q", name)+", idx[:n], len(acc))",
			"}",
		),
		Raw:       raw,
		RawParams: params,
		RawResult: result,
		ISA:       isa.Name,
		Args:      []gowrap.Arg{{Name: "acc", Kind: "n", Out: true}, {Name: "idx", Kind: "idx"}, {Name: "w", Kind: "n"}},
	}
}

// rawDoc is the doc comment of scatter kernel name's raw kernel, which
// returns no (false, 0) when the indices are bad.
func rawDoc(name, no string) []string {
	return []string{gowrap.Lower(name) + " is the kernel of " + name + ". It first checks that the indices increase strictly",
		"and lie in [0, len(acc)), and returns " + no + ", having written nothing, if they do not."}
}

// scatterAdd writes one kernel; half says whether the weights are binary16.
func scatterAdd(name string, half bool) {
	wsize := 4
	if half {
		wsize = 2
	}
	fn := scatterFunc(name, half, gowrap.AVX512, 16)
	funcs = append(funcs, fn)
	TEXT(fn.Raw, NOSPLIT, "func("+fn.RawParams+") bool")
	Pragma("noescape")
	Doc(rawDoc(name, "false")...)
	acc := Load(Param("acc").Base(), GP64())
	idx := Load(Param("idx").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	n := Load(Param("idx").Len(), GP64())
	wn := Load(Param("w").Len(), GP64())
	CMPQ(wn, n)
	CMOVQLT(wn, n)
	checkIndices(name, idx, n)

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
	returns(name)
}

// returns places the kernel's two ends: _done returns true, _bad false
// (nothing written), each after VZEROUPPER.
func returns(name string) {
	for _, end := range []struct {
		label string
		ok    uint8
	}{{"_done", 1}, {"_bad", 0}} {
		Label(name + end.label)
		VZEROUPPER()
		MOVB(U8(end.ok), reg.AL)
		Store(reg.AL, ReturnIndex(0))
		RET()
	}
}

// checkIndices jumps to the kernel's _bad label unless the n indices at
// idx increase strictly and lie in [0, len(acc)): idx[0] ≥ 0, each above
// the one before (compared 16 at a time with the vector one element
// back), and the last below len(acc). It leaves idx and n as they were.
func checkIndices(name string, idx, n reg.Register) {
	bad := LabelRef(name + "_bad")
	TESTQ(n, n)
	JZ(LabelRef(name + "_checked"))
	first, last := GP64(), GP64()
	MOVLQSX(Mem{Base: idx}, first)
	TESTQ(first, first)
	JS(bad)
	MOVLQSX(Mem{Base: idx, Index: n, Scale: 4, Disp: -4}, last)
	accLen := Load(Param("acc").Len(), GP64())
	CMPQ(last, accLen)
	JGE(bad)

	// k from 1: idx[k..k+15] > idx[k-1..k+14], for the m = n − 1 pairs.
	p, m := GP64(), GP64()
	LEAQ(Mem{Base: idx, Disp: 4}, p)
	MOVQ(n, m)
	DECQ(m)
	JZ(LabelRef(name + "_checked"))
	CMPQ(m, U8(16))
	JL(LabelRef(name + "_checkShort"))
	// Vectors of 16 pairs while more than 16 are left, then the 16 that
	// end at the last index (overlapping the vector before: comparing a
	// pair twice is harmless), so that no tail needs a mask.
	greater := func(at Mem) {
		a, gt := ZMM(), K()
		VMOVDQU32(at, a)
		VPCMPGTD(at.Offset(-4), a, gt)
		KORTESTW(gt, gt)
		JCC(bad) // carry clear: some lane not greater
	}
	Label(name + "_check16")
	CMPQ(m, U8(16))
	JLE(LabelRef(name + "_checkLast"))
	greater(Mem{Base: p})
	ADDQ(U8(64), p)
	SUBQ(U8(16), m)
	JMP(LabelRef(name + "_check16"))
	Label(name + "_checkLast")
	greater(Mem{Base: p, Index: m, Scale: 4, Disp: -64})
	JMP(LabelRef(name + "_checked"))

	// Fewer than 16 pairs: under the mask (1 << m) − 1, the lanes that
	// compare greater must be exactly the mask's.
	Label(name + "_checkShort")
	bits := GP32()
	MOVL(U32(1), bits)
	MOVQ(m, reg.RCX)
	SHLL(reg.CL, bits)
	DECL(bits)
	tail := K()
	KMOVW(bits, tail)
	b, c, got := ZMM(), ZMM(), K()
	VMOVDQU32_Z(Mem{Base: p}, tail, b)
	VMOVDQU32_Z(Mem{Base: p, Disp: -4}, tail, c)
	VPCMPGTD(c, b, tail, got)
	gotBits := GP32()
	KMOVW(got, gotBits)
	CMPL(gotBits, bits)
	JNE(bad)
	Label(name + "_checked")
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
	rowsData()
	scatterRows("ScatterRowsF16AVX2", true)
	scatterRows("ScatterRowsF32AVX2", false)
	scatterAddNEON("ScatterAddF16NEON", true)
	scatterAddNEON("ScatterAddF32NEON", false)
	prefetchNEON()
	scatterRowsNEON("ScatterRowsF16NEON", true)
	scatterRowsNEON("ScatterRowsF32NEON", false)
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neon})
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func
