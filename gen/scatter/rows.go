package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// rowsFunc is the checked function of the scatter of rows name, for a raw
// kernel of isa; half says whether the weights are binary16. Both ISAs'
// kernels are declared by it: the same doc, checks, race annotations and
// failure (badRows).
func rowsFunc(name string, half bool, isa gowrap.ISA) gowrap.Func {
	wtype, conv := "[]float32", "w[k]"
	if half {
		wtype, conv = "[]uint16", "float32(w[k]) (binary16)"
	}
	raw := gowrap.Lower(name)
	params := "acc []float32, idx []int32, w " + wtype + ", start []int32, rows []int"
	features := "AVX2, FMA and F16C: see HasAVX2"
	// The NEON kernel returns 1 or 0, an int (see scatterFunc).
	result, failed := "bool", "!"+raw+"(acc, idx, w, start, rows)"
	if isa == gowrap.NEON {
		features = "arm64 with NEON: see HasNEON"
		result, failed = "int", raw+"(acc, idx, w, start, rows) == 0"
	}
	rules := []string{
		"0 ≤ start[j] ≤ start[j+1] ≤ min(len(idx), len(w)), and every index of the rows is in",
		"[0, len(acc)), or when this build or CPU cannot run it (" + features + ").",
	}
	body := []string{isa.Require + "(" + fmt.Sprintf("%q", name) + ")"}
	if !half {
		// float32 weights may share acc's memory (two subslices of one
		// array): the kernel loads 4 weights before it adds the first,
		// where the scalar loop would add an accumulator written a moment
		// before. It refuses the overlap.
		rules = []string{
			"0 ≤ start[j] ≤ start[j+1] ≤ min(len(idx), len(w)), every index of the rows is in",
			"[0, len(acc)), and acc does not overlap w, or when this build or CPU cannot run it",
			"(" + features + ").",
		}
		body = append(body, "checkApart("+fmt.Sprintf("%q", name)+`, "acc", acc, "w", w, false)`)
	}
	doc := append([]string{
		name + " adds, for each j of rows in turn, " + conv + " to acc[idx[k]] for every k",
		"in [start[j], start[j+1]), in increasing k: the event-driven update of the spikes of",
		"rows on sparse storage (row j's weights w[start[j]:start[j+1]] go to the",
		"accumulators idx[start[j]:start[j+1]]), all of them in one call. Each weight takes one",
		"addition, in the order of the scalar loop, so the result equals it bit for bit; rows",
		"may come in any order, and repeat.",
		"",
		"It panics, before writing anything, unless every row j is in [0, len(start)−1),",
	}, rules...)
	body = append(body,
		"// The kernel checks every row and index itself before it writes.",
		"if "+failed+" {",
		"badRows("+fmt.Sprintf("%q", name)+", acc, idx, min(len(idx), len(w)), start, rows)",
		"}",
		"raceRows(acc, idx, w, start, rows)",
	)
	return gowrap.Func{
		Name:      name,
		Doc:       doc,
		Params:    params,
		Body:      body,
		Raw:       raw,
		RawParams: params,
		RawResult: result,
		ISA:       isa.Name,
		Args: []gowrap.Arg{{Name: "acc", Kind: "n", Out: true}, {Name: "idx", Kind: "idx"}, {Name: "w", Kind: "n"},
			{Name: "start", Kind: "offsets"}, {Name: "rows", Kind: "rowlist"}},
	}
}

// rowsDoc is the doc comment of scatter of rows name's raw kernel, which
// returns no (false, 0) when a row or index is bad.
func rowsDoc(name, no string) []string {
	return []string{gowrap.Lower(name) + " is the kernel of " + name + ". It first checks every row and index, and returns " + no + ",",
		"having written nothing, if one is bad."}
}

// scatterRows writes the kernel that adds many sparse rows in one call:
// the rows of a step's spikes, one weight at a time, as the portable loop
// does (for the cores whose scatters are microcoded, and AVX2, which has
// none). A call per row cost more than its few weights where the rows are
// short (the rows of a shard of a network). The kernel makes three passes
// over the rows: the first checks each row's offsets and asks for its
// indices and weights (prefetches, which do not wait, so that the rows'
// misses overlap); the second checks the indices, by their maximum; the
// third adds. A bad row or index is refused before anything is written.
// half says whether the weights are binary16.
func scatterRows(name string, half bool) {
	wsize := 4
	if half {
		wsize = 2
	}
	fn := rowsFunc(name, half, gowrap.AVX2)
	funcs = append(funcs, fn)
	raw, params := fn.Raw, fn.RawParams
	TEXT(raw, NOSPLIT, "func("+params+") bool")
	Pragma("noescape")
	Doc(rowsDoc(name, "false")...)
	bad := LabelRef(name + "_bad")

	// rowBounds loads row j's [lo, hi) from start.
	rowBounds := func(start, j reg.Register) (lo, hi reg.GPVirtual) {
		lo, hi = GP64(), GP64()
		MOVLQSX(Mem{Base: start, Index: j, Scale: 4}, lo)
		MOVLQSX(Mem{Base: start, Index: j, Scale: 4, Disp: 4}, hi)
		return lo, hi
	}

	// row starts the body of a pass over the checked rows, at label top:
	// the next row's [lo, hi) (p walks the rows to end), or, past the
	// last, a jump to exit.
	row := func(top, exit string, p, end, start reg.Register) (lo, hi reg.GPVirtual) {
		Label(name + top)
		CMPQ(p, end)
		JAE(LabelRef(name + exit))
		j := GP64()
		MOVQ(Mem{Base: p}, j)
		return rowBounds(start, j)
	}
	// several starts a loop, at label top, over the row's next m elements
	// from k, while there are m before hi, and jumps to tail after: it
	// returns k + m.
	several := func(top, tail string, m int, k, hi reg.Register) reg.GPVirtual {
		Label(name + top)
		t := GP64()
		LEAQ(Mem{Base: k, Disp: m}, t)
		CMPQ(t, hi)
		JA(LabelRef(name + tail))
		return t
	}
	// again moves k to t, past the elements just done, and jumps back to
	// label top.
	again := func(top string, k, t reg.Register) {
		MOVQ(t, k)
		JMP(LabelRef(name + top))
	}
	// one starts a loop, at label top, over the row's elements from k to
	// hi, one at a time, and jumps to exit after.
	one := func(top, exit string, k, hi reg.Register) {
		Label(name + top)
		CMPQ(k, hi)
		JAE(LabelRef(name + exit))
	}

	// prefetchLines asks for the lines of [base+lo·size, base+hi·size):
	// the first's and the last's, which hold a row of up to 64 bytes, with
	// no loop whose trips vary from row to row (a mispredicted exit a row,
	// on the short rows of a shard), then, for a longer row, those between.
	// The row is not empty.
	prefetchLines := func(label string, base, lo, hi reg.Register, size int) {
		q, e := GP64(), GP64()
		LEAQ(Mem{Base: base, Index: lo, Scale: uint8(size)}, q)
		LEAQ(Mem{Base: base, Index: hi, Scale: uint8(size), Disp: -1}, e)
		PREFETCHT0(Mem{Base: q})
		PREFETCHT0(Mem{Base: e})
		ANDQ(I32(-64), q)
		ADDQ(U8(64), q)   // the line after the first's
		ANDQ(I32(-64), e) // the last's
		Label(label)
		CMPQ(q, e)
		JAE(LabelRef(label + "Done"))
		PREFETCHT0(Mem{Base: q})
		ADDQ(U8(64), q)
		JMP(LabelRef(label))
		Label(label + "Done")
	}

	Comment("Pass 1: check every row; ask for its indices and weights, so that the misses")
	Comment("of the rows overlap.")
	some := GP64() // not 0 once a row has a weight
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
		XORQ(some, some)

		Label(name + "_row1")
		CMPQ(p, end)
		JAE(LabelRef(name + "_rows"))
		j := GP64()
		MOVQ(Mem{Base: p}, j)
		CMPQ(j, limit)
		JAE(bad) // unsigned: j < 0 too
		lo, hi := rowBounds(start, j)
		CMPQ(hi, n)
		JA(bad) // unsigned: hi < 0 too
		CMPQ(lo, hi)
		JA(bad) // unsigned: lo < 0 too
		d := GP64()
		MOVQ(hi, d)
		SUBQ(lo, d)
		ORQ(d, some)
		TESTQ(d, d)
		JZ(LabelRef(name + "_empty")) // no line to ask for (and a nil slice's last byte would be 2⁶⁴ − 1)
		prefetchLines(name+"_idxLines", idx, lo, hi, 4)
		prefetchLines(name+"_wLines", w, lo, hi, wsize)
		Label(name + "_empty")
		ADDQ(U8(8), p)
		JMP(LabelRef(name + "_row1"))
	}

	Comment("Pass 2: check the rows' indices by their unsigned maximum, 8 at a time, then")
	Comment("the last ones by a load of the lanes below their count.")
	Label(name + "_rows")
	TESTQ(some, some)
	JZ(LabelRef(name + "_done")) // no weight to add
	{
		p := Load(Param("rows").Base(), GP64())
		end := Load(Param("rows").Len(), GP64())
		LEAQ(Mem{Base: p, Index: end, Scale: 8}, end)
		start := Load(Param("start").Base(), GP64())
		idx := Load(Param("idx").Base(), GP64())
		// The indices' unsigned maximum, in a vector: a negative index is
		// above any length below 2³¹.
		vmax := YMM()
		VPXOR(vmax, vmax, vmax)

		lo, hi := row("_check", "_checked", p, end, start)
		t := several("_max8", "_last", 8, lo, hi)
		VPMAXUD(Mem{Base: idx, Index: lo, Scale: 4}, vmax, vmax)
		again("_max8", lo, t)
		// The last r < 8 indices: the lanes below r, those whose place in
		// iota8 is below r, loaded (VPMASKMOVD reads nothing for the
		// others, and gives them 0, which changes no maximum), rather than
		// a loop one at a time whose exit a short row mispredicts.
		Label(name + "_last")
		r, rv, mask, x := GP64(), YMM(), YMM(), YMM()
		MOVQ(hi, r)
		SUBQ(lo, r)
		VMOVQ(r, rv.AsX())
		VPBROADCASTD(rv.AsX(), rv)
		VPCMPGTD(iota8, rv, mask) // r > lane
		VPMASKMOVD(Mem{Base: idx, Index: lo, Scale: 4}, mask, x)
		VPMAXUD(x, vmax, vmax)
		ADDQ(U8(8), p)
		JMP(LabelRef(name + "_check"))

		Label(name + "_checked")
		h := XMM()
		VEXTRACTI128(U8(1), vmax, h)
		VPMAXUD(h, vmax.AsX(), h)
		l := XMM()
		VPSHUFD(U8(0x4e), h, l) // the upper two lanes down
		VPMAXUD(l, h, h)
		VPSHUFD(U8(0xb1), h, l) // odd and even lanes swapped
		VPMAXUD(l, h, h)
		m := GP32()
		VMOVD(h, m)
		// Every index below len(acc): the maximum, as a 64-bit number,
		// below it (a negative index's is 2³¹ or more, and a length at
		// or above 2³¹ leaves only those out).
		accLen := Load(Param("acc").Len(), GP64())
		big := GP64()
		MOVQ(U32(1<<31), big)
		CMPQ(accLen, big)
		CMOVQGT(big, accLen)
		MOVL(m, big.As32()) // zero-extended
		CMPQ(big, accLen)
		JAE(bad)
	}

	Comment("Pass 3: add, row by row, one weight at a time, the weights 4 at a time into")
	Comment("a vector then each from its lane, then the last one at a time.")
	Label(name + "_add")
	{
		p := Load(Param("rows").Base(), GP64())
		end := Load(Param("rows").Len(), GP64())
		LEAQ(Mem{Base: p, Index: end, Scale: 8}, end)
		start := Load(Param("start").Base(), GP64())
		idx := Load(Param("idx").Base(), GP64())
		w := Load(Param("w").Base(), GP64())
		acc := Load(Param("acc").Base(), GP64())

		// add adds x's lane 0 to acc[idx[k+d]], the accumulator the
		// first operand, as the scalar loop's acc[i] += w[k] has it.
		add := func(k reg.Register, d int, x reg.VecVirtual) {
			i, a := GP64(), XMM()
			MOVLQSX(Mem{Base: idx, Index: k, Scale: 4, Disp: 4 * d}, i)
			VMOVSS(Mem{Base: acc, Index: i, Scale: 4}, a)
			VADDSS(x, a, a)
			VMOVSS(a, Mem{Base: acc, Index: i, Scale: 4})
		}

		k, hi := row("_row", "_done", p, end, start)
		t := several("_weights4", "_weight", 4, k, hi)
		x := XMM()
		if half {
			VCVTPH2PS(Mem{Base: w, Index: k, Scale: 2}, x)
		} else {
			VMOVUPS(Mem{Base: w, Index: k, Scale: 4}, x)
		}
		add(k, 0, x)
		l1, l2, l3 := XMM(), XMM(), XMM()
		VMOVSHDUP(x, l1) // lane 1 in lane 0
		add(k, 1, l1)
		VMOVHLPS(x, x, l2) // lane 2
		add(k, 2, l2)
		VPERMILPS(U8(3), x, l3) // lane 3
		add(k, 3, l3)
		again("_weights4", k, t)
		one("_weight", "_rowDone", k, hi)
		y := XMM()
		if half {
			h := GP32()
			MOVWLZX(Mem{Base: w, Index: k, Scale: 2}, h)
			MOVD(h, y)
			VCVTPH2PS(y, y)
		} else {
			VMOVSS(Mem{Base: w, Index: k, Scale: 4}, y)
		}
		add(k, 0, y)
		INCQ(k)
		JMP(LabelRef(name + "_weight"))
		Label(name + "_rowDone")
		ADDQ(U8(8), p)
		JMP(LabelRef(name + "_row"))
	}

	returns(name)
}

// iota8 is the dwords 0, 1, …, 7: lane i holds i, which the scatter of
// rows compares with a count to load the lanes below it.
var iota8 Mem

// rowsData lays out the scatter of rows' read-only data.
func rowsData() {
	iota8 = GLOBL("rowsiota", RODATA|NOPTR)
	for i := range 8 {
		DATA(4*i, U32(i))
	}
}
