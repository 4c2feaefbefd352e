// Command vec generates ../asm/vec_amd64.s and its Go declarations: the
// slice kernels of package vec, for AVX2 and AVX-512:
//
//	go run ./vec -out ../asm/vec_amd64.s -stubs ../asm/vec_amd64.go -pkg asm …
//
// Each kernel is described once, below, as what it does to one vector of
// elements; an isa lowers the description to its registers. Two shapes:
//
//   - a sum (Dot, DotF16, Sum, MaskedSum, MaskedSumF16) keeps the 64
//     partial sums of internal/ref.SumLanes in 64/lanes registers, lane k
//     of the sum adding the terms j ≡ k (mod 64) in increasing j from +0:
//     each step adds the terms of 64 elements, one vector to each
//     register, and the registers are independent chains of additions
//     (four on AVX-512, eight on AVX2), enough to hide the adder's latency.
//     The last n mod 64 elements go through a zeroed copy on the stack:
//     their padding adds +0, which leaves a lane unchanged (a sum that
//     starts at +0 never becomes −0). At the end the lanes are added by
//     halves, as ref.Reduce does.
//   - a map (Axpy, AxpyF16, Scale) computes each element on its own: four
//     vectors a step, then one, then the last elements one at a time with
//     the scalar forms of the same instructions, which round alike.
//
// No kernel fuses a multiply and an add: each product is rounded on its
// own, as in internal/ref, so that every path gives the reference's bits.
// No kernel reads or writes outside its slices.
package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/gowrap"
	"github.com/sparkgo/spark/gen/internal/tails"
)

// elem is the type of a stream's elements: float32, or binary16 converted
// exactly with VCVTPH2PS (the bits of github.com/x448/float16).
type elem struct {
	gotype string
	size   int
}

var (
	f32 = elem{"float32", 4}
	f16 = elem{"uint16", 2}
)

// isa is one lowering: its vector width and registers, and what its
// kernels need.
type isa struct {
	name  string // in kernel names
	lanes int    // float32 lanes per vector
	reg   func() VecVirtual
	gowrap.ISA
}

var isas = []isa{{"AVX2", 8, YMM, gowrap.AVX2}, {"AVX512", 16, ZMM, gowrap.AVX512}}

// sumLanes is internal/ref.SumLanes: the partial sums of every sum.
const sumLanes = 64

// prefetchAhead is how far ahead of each step a streaming sum (DotStream,
// …) asks for its streams' cache lines (PREFETCHT0, which never faults,
// past a slice's end included). A sum over a DRAM-sized matrix otherwise
// waits on the hardware prefetcher: measured on a 16384 × 4096 MatVecF16,
// 4.2–4.6 G weights/s without, 5.5–5.9 with 4 KiB (1 KiB: 4.3; 8 KiB: 5.1;
// 16 KiB: 4.7), float32 3.0 → 3.3. In L1 the prefetches take load ports
// that the sum needs (Dot of 4096: 31–34 G/s with, 31–37 without), so the
// plain kernels do without, and package vec picks by size.
const prefetchAhead = 4096

// A stream is one slice argument of a kernel.
type stream struct {
	name string
	e    elem
}

// sum describes a sum kernel: its streams, all of n elements (the first's
// length), and the term of one vector of them. masked sums take spike words
// x as well, a term counting only where its bit is set.
type sum struct {
	name    string
	streams []stream
	masked  bool
	doc     string // the scalar loop
	term    func(l lowering, in []Op) Op
}

// mapping describes a map kernel: the streams (the first is written), the
// scalar a, and the new value of one vector of the first stream.
type mapping struct {
	name    string
	streams []stream
	doc     string
	value   func(l lowering, a Op, in []Op) Op
}

var sums = []sum{
	{"Dot", []stream{{"x", f32}, {"y", f32}}, false, "s += x[j]·y[j]",
		func(l lowering, in []Op) Op { return l.mul(in[0], in[1]) }},
	{"DotF16", []stream{{"w", f16}, {"x", f32}}, false, "s += float32(w[j])·x[j]",
		func(l lowering, in []Op) Op { return l.mul(in[0], in[1]) }},
	{"Sum", []stream{{"x", f32}}, false, "s += x[j]",
		func(l lowering, in []Op) Op { return in[0] }},
	{"MaskedSum", []stream{{"w", f32}}, true, "if bit j of x is set { s += w[j] }",
		func(l lowering, in []Op) Op { return in[0] }},
	{"MaskedSumF16", []stream{{"w", f16}}, true, "if bit j of x is set { s += float32(w[j]) }",
		func(l lowering, in []Op) Op { return in[0] }},
}

var mappings = []mapping{
	{"Axpy", []stream{{"y", f32}, {"x", f32}}, "y[j] += a·x[j]",
		func(l lowering, a Op, in []Op) Op { return l.add(in[0], l.mul(a, in[1])) }},
	{"AxpyF16", []stream{{"y", f32}, {"w", f16}}, "y[j] += a·float32(w[j])",
		func(l lowering, a Op, in []Op) Op { return l.add(in[0], l.mul(a, in[1])) }},
	{"Scale", []stream{{"x", f32}}, "x[j] = a·x[j]",
		func(l lowering, a Op, in []Op) Op { return l.mul(a, in[0]) }},
}

func main() {
	ConstraintExpr("amd64,!purego")
	shifts = GLOBL("vecshifts", RODATA|NOPTR)
	for i := range 32 {
		DATA(4*i, U32(31-i))
	}
	for _, s := range sums {
		for _, stream := range []bool{false, true} {
			if stream && s.masked {
				continue // a row of spikes' weights: one post unit's, in cache
			}
			for _, i := range isas {
				s.generate(i, stream)
			}
		}
	}
	for _, m := range mappings {
		for _, i := range isas {
			m.generate(i)
		}
	}
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64"})
}

// lowering is how a description's operations become instructions: on whole
// vectors of an isa, or on one element (the scalar forms, for a map's last
// elements).
type lowering struct {
	isa    isa
	scalar bool
}

func (l lowering) reg() VecVirtual {
	if l.scalar {
		return XMM()
	}
	return l.isa.reg()
}

// load returns the elements at m as float32s: m itself as an operand for
// float32, a register converted from binary16.
func (l lowering) load(e elem, m Mem) Op {
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
func (l lowering) inReg(x Op) Register {
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
func (l lowering) binary(vec, ss func(...Op), x, y Op) Op {
	if _, ok := x.(Mem); ok {
		x, y = y, x
	}
	z := l.reg()
	op := vec
	if l.scalar {
		op = ss
	}
	op(y, l.inReg(x), z)
	return z
}

func (l lowering) mul(x, y Op) Op { return l.binary(VMULPS, VMULSS, x, y) }
func (l lowering) add(x, y Op) Op { return l.binary(VADDPS, VADDSS, x, y) }

// store writes x to m.
func (l lowering) store(x Op, m Mem) {
	if l.scalar {
		VMOVSS(l.inReg(x), m)
		return
	}
	VMOVUPS(l.inReg(x), m)
}

// ---------------------------------------------------------------- sums

// shifts: lane i of group g (32 bytes each, g = 0..3) holds 31 − (8g + i),
// the VPSLLVD count that moves bit 8g+i of a spike dword to lane i's sign.
var shifts Mem

func (s sum) generate(i isa, stream bool) {
	name := s.name + i.name
	if stream {
		name = s.name + "Stream" + i.name
	}
	params := make([]string, 0, len(s.streams)+1)
	for _, st := range s.streams {
		params = append(params, st.name+" []"+st.e.gotype)
	}
	if s.masked {
		params = append(params, "x []uint64")
	}
	first := s.streams[0].name
	nDoc, body := shortest(s.streams, s.masked)
	for _, st := range s.streams {
		body = append(body, "raceRead("+st.name+"[:n])")
	}
	if s.masked {
		body = append(body, "raceRead(x[:(n+63)/64])")
	}
	doc := []string{
		name + " returns the sum over j < " + nDoc + " of",
		"",
		"\t" + s.doc,
		"",
		"in the order of internal/ref.SumLanes: 64 partial sums, lane j mod 64",
		"adding term j, reduced by halves. Each product is rounded on its own.",
	}
	if stream {
		doc = append(doc, "", "It asks for its slices' cache lines 4 KiB ahead of each step (PREFETCHT0,",
			"which never faults): for slices that come from DRAM, as a large",
			"matrix's rows do; on slices in cache the "+s.name+i.name+" kernel, which does",
			"not, is faster.")
	}
	declare(name, strings.Join(params, ", "), "float32", doc, i, body)

	l := lowering{isa: i}
	ptr := make([]Mem, len(s.streams))
	for k, st := range s.streams {
		ptr[k] = Mem{Base: Load(Param(st.name).Base(), GP64())}
	}
	var words Mem
	if s.masked {
		words = Mem{Base: Load(Param("x").Base(), GP64())}
	}
	n := Load(Param(first).Len(), GP64())
	for _, st := range s.streams[1:] {
		tails.MinLen(n, st.name)
	}
	if s.masked {
		m := Load(Param("x").Len(), GP64())
		SHLQ(U8(6), m)
		CMPQ(m, n)
		CMOVQLT(m, n)
	}
	regs := sumLanes / i.lanes
	acc := make([]VecVirtual, regs)
	for k := range acc {
		acc[k] = i.reg()
		VXORPS(acc[k], acc[k], acc[k])
	}
	var sh []VecVirtual
	if s.masked && i.lanes == 8 {
		sh = make([]VecVirtual, 4)
		for g := range sh {
			sh[g] = YMM()
			VMOVDQU(shifts.Offset(32*g), sh[g])
		}
	}
	// step adds the terms of the 64 elements at the streams' addresses
	// in (whose spike word is at x).
	step := func(in []Mem, x Mem) {
		for r := range acc {
			ops := make([]Op, len(s.streams))
			for k, st := range s.streams {
				ops[k] = l.load(st.e, in[k].Offset(r*i.lanes*st.e.size))
			}
			t := s.term(l, ops)
			if !s.masked {
				VADDPS(t, acc[r], acc[r])
				continue
			}
			if i.lanes == 16 {
				// Lanes whose bit is clear keep their sum: a merging add.
				k := K()
				KMOVW(x.Offset(2*r), k)
				VADDPS(t, acc[r], k, acc[r])
				continue
			}
			// Each lane's bit to its sign; the weight or +0 by it.
			d, m, z := YMM(), YMM(), YMM()
			VPBROADCASTD(x.Offset(4*(r/4)), d)
			VPSLLVD(sh[r%4], d, m)
			VXORPS(z, z, z)
			VBLENDVPS(m, t, z, z)
			VADDPS(z, acc[r], acc[r])
		}
	}
	lb := func(s string) string { return name + "_" + s }
	Comment("64 elements a step, one vector to each partial-sum register")
	CMPQ(n, U32(64))
	JLT(LabelRef(lb("tail")))
	Label(lb("loop"))
	if stream {
		for k := range s.streams {
			PREFETCHT0(ptr[k].Offset(prefetchAhead))
		}
	}
	step(ptr, words)
	for k, st := range s.streams {
		ADDQ(U32(64*st.e.size), ptr[k].Base)
	}
	if s.masked {
		ADDQ(U32(8), words.Base)
	}
	SUBQ(U32(64), n)
	CMPQ(n, U32(64))
	JGE(LabelRef(lb("loop")))

	Comment("The last n < 64 elements from zeroed copies on the stack.")
	Label(lb("tail"))
	TESTQ(n, n)
	JZ(LabelRef(lb("reduce")))
	bufs := make([]Mem, len(s.streams))
	for k, st := range s.streams {
		bufs[k] = AllocLocal(64 * st.e.size)
		tails.Zero(bufs[k], 64*st.e.size)
		tails.Copy(st.e.size, ptr[k], bufs[k], n, lb(fmt.Sprintf("copy%d", k)))
	}
	step(bufs, words)

	Label(lb("reduce"))
	Comment("By halves: the registers, then the lanes of the last")
	for h := regs / 2; h >= 1; h /= 2 {
		for k := range h {
			VADDPS(acc[k+h], acc[k], acc[k])
		}
	}
	s8 := acc[0]
	if i.lanes == 16 {
		hi := YMM()
		s8 = YMM()
		VEXTRACTF64X4(U8(1), acc[0], hi)
		VADDPS(hi, acc[0].AsY(), s8)
	}
	hi4, s4 := XMM(), XMM()
	VEXTRACTF128(U8(1), s8, hi4)
	VADDPS(hi4, s8.AsX(), s4)
	hi2, s2 := XMM(), XMM()
	VMOVHLPS(s4, s4, hi2)
	VADDPS(hi2, s4, s2)
	hi1, s1 := XMM(), XMM()
	VMOVSHDUP(s2, hi1)
	VADDSS(hi1, s2, s1)
	VZEROUPPER()
	Store(s1, ReturnIndex(0))
	RET()
}

// ---------------------------------------------------------------- maps

func (m mapping) generate(i isa) {
	name := m.name + i.name
	first := m.streams[0].name
	params := []string{first + " []float32", "a float32"}
	for _, st := range m.streams[1:] {
		params = append(params, st.name+" []"+st.e.gotype)
	}
	nDoc, body := shortest(m.streams, false)
	body = append(body, "raceWrite("+first+"[:n])")
	for _, st := range m.streams[1:] {
		body = append(body, "raceRead("+st.name+"[:n])")
	}
	doc := []string{
		name + " sets, for j < " + nDoc + ",",
		"",
		"\t" + m.doc,
		"",
		"each product rounded on its own.",
	}
	declare(name, strings.Join(params, ", "), "", doc, i, body)

	ptr := make([]Mem, len(m.streams))
	for k, st := range m.streams {
		ptr[k] = Mem{Base: Load(Param(st.name).Base(), GP64())}
	}
	n := Load(Param(first).Len(), GP64())
	for _, st := range m.streams[1:] {
		tails.MinLen(n, st.name)
	}
	a := i.reg()
	aa, err := Param("a").Resolve()
	if err != nil {
		panic(err)
	}
	VBROADCASTSS(aa.Addr, a)
	lb := func(s string) string { return name + "_" + s }
	// run computes v vectors (or, scalar, one element) at the addresses.
	run := func(l lowering, v int) {
		width := i.lanes
		if l.scalar {
			width = 1
		}
		av := Op(a)
		if l.scalar {
			av = a.AsX()
		}
		out := make([]Op, v)
		for r := range v {
			in := make([]Op, len(m.streams))
			for k, st := range m.streams {
				in[k] = l.load(st.e, ptr[k].Offset(r*width*st.e.size))
			}
			out[r] = m.value(l, av, in)
		}
		for r := range v {
			l.store(out[r], ptr[0].Offset(r*width*4))
		}
		for k, st := range m.streams {
			ADDQ(U32(v*width*st.e.size), ptr[k].Base)
		}
		SUBQ(U32(v*width), n)
	}
	vec, one := lowering{isa: i}, lowering{isa: i, scalar: true}
	Comment(fmt.Sprintf("%d elements a step, then %d, then one", 4*i.lanes, i.lanes))
	Label(lb("loop4"))
	CMPQ(n, U32(4*i.lanes))
	JLT(LabelRef(lb("loop1")))
	run(vec, 4)
	JMP(LabelRef(lb("loop4")))
	Label(lb("loop1"))
	CMPQ(n, U32(i.lanes))
	JLT(LabelRef(lb("tail")))
	run(vec, 1)
	JMP(LabelRef(lb("loop1")))
	Label(lb("tail"))
	TESTQ(n, n)
	JZ(LabelRef(lb("done")))
	run(one, 1)
	JMP(LabelRef(lb("tail")))
	Label(lb("done"))
	VZEROUPPER()
	RET()
}

// ---------------------------------------------------------------- helpers

// shortest returns how the doc comment writes n, the elements a kernel of
// these streams (and, masked, spike words x) runs on, the shortest of its
// slices, and the checked function's statement that computes it.
func shortest(streams []stream, masked bool) (doc string, body []string) {
	lens := make([]string, 0, len(streams)+1)
	for _, st := range streams {
		lens = append(lens, "len("+st.name+")")
	}
	if masked {
		lens = append(lens, "64*len(x)")
	}
	if len(lens) == 1 {
		return lens[0], []string{"n := " + lens[0]}
	}
	n := "min(" + strings.Join(lens, ", ") + ")"
	return "n = " + n, []string{"n := " + n}
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func

// declare starts the raw (lower-case) assembly of the checked kernel name
// and records the checked function: the ISA check, the statements of body
// (length checks and race annotations), then the call.
func declare(name, params, result string, doc []string, i isa, body []string) {
	funcs = append(funcs, gowrap.Declare(name, params, result, doc, i.ISA, body, func(names []string) []gowrap.Arg {
		var args []gowrap.Arg
		for k, nm := range names {
			a := gowrap.Arg{Name: nm, Kind: "n", Out: k == 0 && result == ""} // a map writes its first slice
			switch {
			case nm == "a":
				a.Kind = "value"
			case nm == "x" && strings.Contains(params, "x []uint64"):
				a.Kind = "bits"
			}
			args = append(args, a)
		}
		return args
	}))
}
