package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// scatterRows writes the kernel that adds many sparse rows in one call:
// the rows of a step's spikes, one weight at a time, as the portable loop
// does (the cores whose scatters are microcoded, and AVX2, which has none).
// A call per row cost more than its few weights where the rows are short
// (the rows of a shard of a network). The kernel makes two passes: the
// first checks every row and index (so that a bad one is refused before
// anything is written) and asks for each row's weights, whose index loads
// bring the indices in; the second adds. half says whether the weights are
// binary16.
func scatterRows(name string, half bool) {
	wsize, wtype, conv := 4, "[]float32", "w[k]"
	if half {
		wsize, wtype, conv = 2, "[]uint16", "float32(w[k]) (binary16)"
	}
	raw := gowrap.Lower(name)
	params := "acc []float32, idx []int32, w " + wtype + ", start []int32, rows []int"
	funcs = append(funcs, gowrap.Func{
		Name: name,
		Doc: []string{
			name + " adds, for each j of rows in turn, " + conv + " to acc[idx[k]] for every k",
			"in [start[j], start[j+1]), in increasing k: the event-driven update of the spikes of",
			"rows on sparse storage (row j's weights w[start[j]:start[j+1]] go to the",
			"accumulators idx[start[j]:start[j+1]]), all of them in one call. Each weight takes one",
			"addition, in the order of the scalar loop, so the result equals it bit for bit; rows",
			"may come in any order, and repeat.",
			"",
			"It panics, before writing anything, unless every row j is in [0, len(start)−1),",
			"0 ≤ start[j] ≤ start[j+1] ≤ min(len(idx), len(w)), and every index of the rows is in",
			"[0, len(acc)), or when this build or CPU cannot run it (AVX2, FMA and F16C: see HasAVX2).",
		},
		Params: params,
		Body: []string{
			gowrap.AVX2.Require + "(" + fmt.Sprintf("%q", name) + ")",
			"// The kernel checks every row and index itself before it writes.",
			"if !" + raw + "(acc, idx, w, start, rows) {",
			"badRows(" + fmt.Sprintf("%q", name) + ", acc, idx, min(len(idx), len(w)), start, rows)",
			"}",
			"raceRows(acc, idx, w, start, rows)",
		},
		Raw:       raw,
		RawParams: params,
		RawResult: "bool",
		ISA:       gowrap.AVX2.Name,
		Args: []gowrap.Arg{{Name: "acc", Kind: "n", Out: true}, {Name: "idx", Kind: "idx"}, {Name: "w", Kind: "n"},
			{Name: "start", Kind: "offsets"}, {Name: "rows", Kind: "rowlist"}},
	})
	TEXT(raw, NOSPLIT, "func("+params+") bool")
	Pragma("noescape")
	Doc(raw+" is the kernel of "+name+". It first checks every row and index, and returns false,",
		"having written nothing, if one is bad.")
	bad := LabelRef(name + "_bad")

	// rowBounds loads row j's [lo, hi) from start.
	rowBounds := func(start, j reg.Register) (lo, hi reg.GPVirtual) {
		lo, hi = GP64(), GP64()
		MOVLQSX(Mem{Base: start, Index: j, Scale: 4}, lo)
		MOVLQSX(Mem{Base: start, Index: j, Scale: 4, Disp: 4}, hi)
		return lo, hi
	}

	Comment("Pass 1: check every row and index; ask for each row's weights.")
	{
		p := Load(Param("rows").Base(), GP64())
		end := Load(Param("rows").Len(), GP64())
		LEAQ(Mem{Base: p, Index: end, Scale: 8}, end)
		start := Load(Param("start").Base(), GP64())
		limit := Load(Param("start").Len(), GP64()) // rows are below len(start) − 1, none where start is empty
		zero := GP64()
		XORQ(zero, zero)
		DECQ(limit)
		CMOVQLT(zero, limit)
		n := Load(Param("idx").Len(), GP64())
		wn := Load(Param("w").Len(), GP64())
		CMPQ(wn, n)
		CMOVQLT(wn, n)
		idx := Load(Param("idx").Base(), GP64())
		w := Load(Param("w").Base(), GP64())
		accLen := Load(Param("acc").Len(), GP64())

		Label(name + "_check")
		CMPQ(p, end)
		JAE(LabelRef(name + "_add"))
		j := GP64()
		MOVQ(Mem{Base: p}, j)
		CMPQ(j, limit)
		JAE(bad) // unsigned: j < 0 too
		lo, hi := rowBounds(start, j)
		CMPQ(hi, n)
		JA(bad) // unsigned: hi < 0 too
		CMPQ(lo, hi)
		JA(bad) // unsigned: lo < 0 too
		q, e := GP64(), GP64()
		LEAQ(Mem{Base: w, Index: lo, Scale: uint8(wsize)}, q)
		LEAQ(Mem{Base: w, Index: hi, Scale: uint8(wsize)}, e)
		ANDQ(I32(-64), q) // the line holding w[lo]
		Label(name + "_prefetch")
		CMPQ(q, e)
		JAE(LabelRef(name + "_indices"))
		PREFETCHT0(Mem{Base: q})
		ADDQ(U8(64), q)
		JMP(LabelRef(name + "_prefetch"))
		Label(name + "_indices")
		CMPQ(lo, hi)
		JAE(LabelRef(name + "_next"))
		i := GP64()
		MOVLQSX(Mem{Base: idx, Index: lo, Scale: 4}, i)
		CMPQ(i, accLen)
		JAE(bad) // unsigned: i < 0 too
		INCQ(lo)
		JMP(LabelRef(name + "_indices"))
		Label(name + "_next")
		ADDQ(U8(8), p)
		JMP(LabelRef(name + "_check"))
	}

	Comment("Pass 2: add, row by row, one weight at a time.")
	Label(name + "_add")
	{
		p := Load(Param("rows").Base(), GP64())
		end := Load(Param("rows").Len(), GP64())
		LEAQ(Mem{Base: p, Index: end, Scale: 8}, end)
		start := Load(Param("start").Base(), GP64())
		idx := Load(Param("idx").Base(), GP64())
		w := Load(Param("w").Base(), GP64())
		acc := Load(Param("acc").Base(), GP64())

		Label(name + "_row")
		CMPQ(p, end)
		JAE(LabelRef(name + "_done"))
		j := GP64()
		MOVQ(Mem{Base: p}, j)
		k, hi := rowBounds(start, j)
		Label(name + "_weight")
		CMPQ(k, hi)
		JAE(LabelRef(name + "_rowDone"))
		i := GP64()
		MOVLQSX(Mem{Base: idx, Index: k, Scale: 4}, i)
		x, a := XMM(), XMM()
		if half {
			h := GP32()
			MOVWLZX(Mem{Base: w, Index: k, Scale: 2}, h)
			MOVD(h, x)
			VCVTPH2PS(x, x)
		} else {
			VMOVSS(Mem{Base: w, Index: k, Scale: 4}, x)
		}
		// acc[i] + w[k], the accumulator the first operand, as the
		// scalar loop's acc[i] += w[k] has it (which NaN a sum of two
		// gives).
		VMOVSS(Mem{Base: acc, Index: i, Scale: 4}, a)
		VADDSS(x, a, a)
		VMOVSS(a, Mem{Base: acc, Index: i, Scale: 4})
		INCQ(k)
		JMP(LabelRef(name + "_weight"))
		Label(name + "_rowDone")
		ADDQ(U8(8), p)
		JMP(LabelRef(name + "_row"))
	}

	Label(name + "_done")
	MOVB(U8(1), reg.AL)
	Store(reg.AL, ReturnIndex(0))
	RET()
	Label(name + "_bad")
	MOVB(U8(0), reg.AL)
	Store(reg.AL, ReturnIndex(0))
	RET()
}
