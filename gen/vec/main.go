// Command vec generates the slice kernels of package vec: ../asm/vec_amd64.s
// (AVX2 and AVX-512, written with avo), ../asm/vec_arm64.s (NEON, written
// with gen/internal/arm64), their Go declarations and checked functions:
//
//	go run ./vec -out ../asm/vec_amd64.s -stubs ../asm/vec_amd64.go -pkg asm …
//
// Each kernel is described once, below, as what it does to one vector of
// elements (sums, mappings). A shape walks a kernel's slices and calls its
// description on each vector; an isa lowers the shape and the description
// to its registers and instructions: avx.go for AVX2 and AVX-512, neon.go
// for NEON, three lowerings of the same descriptions and shapes. Two
// shapes:
//
//   - a sum (Dot, DotF16, Sum, MaskedSum, MaskedSumF16) keeps the 64
//     partial sums of internal/ref.SumLanes in 64/lanes registers, lane k
//     of register r holding partial sum r·lanes + k, which adds the terms
//     j ≡ r·lanes + k (mod 64) in increasing j from +0: each step adds the
//     terms of 64 elements, one vector to each register, and the registers
//     are independent chains of additions (four on AVX-512, eight on AVX2,
//     sixteen on NEON), enough to hide the adder's latency. The float32
//     masked sum skips a step whose spike word is 0. The last n mod
//     64 elements go through a zeroed copy on the stack: their padding adds
//     +0, which leaves a lane unchanged (a sum that starts at +0 never
//     becomes −0). At the end the lanes are added by halves, as ref.Reduce
//     does: the registers (lane k of register r += lane k of register
//     r + h), then the lanes of the last (lane k += lane k + h). The
//     masked sums have a second form, MaskedSums and MaskedSumsF16, the
//     same body in a loop over the rows of a matrix, one sum a row.
//   - a map (Axpy, AxpyF16, Scale) computes each element on its own: four
//     vectors a step, then one, then the last elements one at a time with
//     the scalar forms of the same instructions, which round alike.
//
// No kernel fuses a multiply and an add: each product is rounded on its
// own, as in internal/ref, so that every path gives the reference's bits.
// binary16 is converted exactly (VCVTPH2PS, FCVTL). No kernel reads or
// writes outside its slices.
package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// elem is the type of a stream's elements: float32, or binary16 converted
// exactly (VCVTPH2PS, FCVTL: the bits of github.com/x448/float16).
type elem struct {
	gotype string
	size   int
}

var (
	f32 = elem{"float32", 4}
	f16 = elem{"uint16", 2}
)

// sumLanes is internal/ref.SumLanes: the partial sums of every sum.
const sumLanes = 64

// prefetchAhead is how far ahead of each step a streaming sum (DotStream,
// …) asks for its streams' cache lines (PREFETCHT0, PRFM, which never
// fault, past a slice's end included). A sum over a DRAM-sized matrix
// otherwise waits on the hardware prefetcher: measured with AVX-512 on a
// 16384 × 4096 MatVecF16, 4.2–4.6 G weights/s without, 5.5–5.9 with 4 KiB
// (1 KiB: 4.3; 8 KiB: 5.1; 16 KiB: 4.7), float32 3.0 → 3.3. In L1 the
// prefetches take load ports that the sum needs (Dot of 4096: 31–34 G/s
// with, 31–37 without), so the plain kernels do without, and package vec
// picks by size. (NEON: the same distance, not measured on an arm64 CPU.)
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
	term    func(l lowering, in []value) value
	// skip: a masked sum skips each step whose spike word is 0 (see
	// generate).
	skip bool
	// rows names the kernel of a matrix's rows that a masked sum also
	// has (see generateRows), "" where it has none.
	rows string
}

// mapping describes a map kernel: the streams (the first is written), the
// scalar a, and the new value of one vector of the first stream.
type mapping struct {
	name    string
	streams []stream
	doc     string
	value   func(l lowering, a value, in []value) value
}

var sums = []sum{
	{"Dot", []stream{{"x", f32}, {"y", f32}}, false, "s += x[j]·y[j]",
		func(l lowering, in []value) value { return l.mul(in[0], in[1]) }, false, ""},
	{"DotF16", []stream{{"w", f16}, {"x", f32}}, false, "s += float32(w[j])·x[j]",
		func(l lowering, in []value) value { return l.mul(in[0], in[1]) }, false, ""},
	{"Sum", []stream{{"x", f32}}, false, "s += x[j]",
		func(l lowering, in []value) value { return in[0] }, false, ""},
	{"MaskedSum", []stream{{"w", f32}}, true, "if bit j of x is set { s += w[j] }",
		func(l lowering, in []value) value { return in[0] }, true, "MaskedSums"},
	{"MaskedSumF16", []stream{{"w", f16}}, true, "if bit j of x is set { s += float32(w[j]) }",
		func(l lowering, in []value) value { return in[0] }, false, "MaskedSumsF16"},
}

var mappings = []mapping{
	{"Axpy", []stream{{"y", f32}, {"x", f32}}, "y[j] += a·x[j]",
		func(l lowering, a value, in []value) value { return l.add(in[0], l.mul(a, in[1])) }},
	{"AxpyF16", []stream{{"y", f32}, {"w", f16}}, "y[j] += a·float32(w[j])",
		func(l lowering, a value, in []value) value { return l.add(in[0], l.mul(a, in[1])) }},
	{"Scale", []stream{{"x", f32}}, "x[j] = a·x[j]",
		func(l lowering, a value, in []value) value { return l.mul(a, in[0]) }},
}

// isas are the lowerings, in the order of the kernels in each group.
var isas = []isa{avx2, avx512, newNEON()}

func main() {
	ConstraintExpr("amd64,!purego")
	avxData()
	for _, s := range sums {
		for _, stream := range []bool{false, true} {
			if stream && s.masked {
				continue // a row of spikes' weights: one post unit's, in cache
			}
			for _, i := range isas {
				s.generate(i, stream)
			}
		}
		if s.rows != "" {
			for _, i := range isas {
				s.generateRows(i)
			}
		}
	}
	for _, m := range mappings {
		for _, i := range isas {
			m.generate(i)
		}
	}
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neonFile})
}

// ---------------------------------------------------------------- lowerings

// value is one vector of float32s (or, in a lowering of one element, one
// float32) as an isa holds it: an avo operand (a register, or a memory
// operand an instruction reads) on amd64, an arm64.Reg on arm64.
type value any

// addr is an element of a slice or of the stack as an isa addresses it: an
// avo Mem on amd64, a neonAddr on arm64.
type addr any

// lowering is how a description's operations become instructions: on whole
// vectors of an isa, or on one element (the scalar forms, for a map's last
// elements). A vector is lanes elements, one element in a lowering of one.
type lowering interface {
	mul(x, y value) value // x·y, rounded (never fused with an addition)
	add(x, y value) value // x + y, rounded
	// load returns the k consecutive vectors of elements e at m as float32s
	// (binary16 converted exactly).
	load(e elem, m addr, k int) []value
	// store writes the float32 vectors xs to consecutive vectors from m.
	store(xs []value, m addr)
}

// isa is one lowering of the shapes: what a sum or a map kernel does
// besides its description, in one ISA's registers and instructions. Each
// kernel keeps n, the elements left, in a register of the isa's.
type isa interface {
	name() string       // in kernel names: "AVX2", "AVX512", "NEON"
	lanes() int         // float32 lanes per vector
	group() int         // vectors of a stream loaded together (a pair where loads pair)
	prefetchOp() string // the instruction a streaming sum asks for cache lines with, for its doc

	// kernel starts the raw (lower-case) kernel of the checked function
	// name and records the checked function (gowrap.Declare, DeclareARM64:
	// the ISA check, the statements of body, the call), and returns the
	// kernel's lowerings: on whole vectors, on one element.
	kernel(name, params, result string, doc, body []string) (vec, one lowering)
	base(param string) addr        // the first element of slice param, its address in a register
	offset(m addr, bytes int) addr // bytes past m
	advance(m addr, bytes int)     // moves m's register bytes on
	prefetch(m addr)               // asks for m's cache line
	local(bytes int) addr          // a zeroed buffer of bytes (a multiple of 32) on the stack

	count(param string, shift int)           // n = len(param) << shift, the first time; then n = min(n, that)
	consume(k int)                           // n -= k
	branch(cond string, k int, label string) // goes to label if n < k ("<"), n ≥ k (">="), or n = 0 ("==", k = 0)
	jump(label string)
	label(name string)
	comment(text string)

	// Sums.
	zero() value             // a new register of +0s
	accumulate(acc, t value) // acc += t, in acc
	// maskInit sets up, before the loop, what maskedAccumulate needs.
	maskInit()
	// skipZero goes to label if the spike word at words is 0: a step of
	// 64 elements none of whose bits is set adds nothing.
	skipZero(words addr, label string)
	// maskedAccumulate adds t to acc in the lanes whose spike bit is set:
	// acc is vector r of a step of 64 elements whose spike word is at
	// words; the steps call it for r = 0, 1, … in order.
	maskedAccumulate(acc, t value, words addr, r int)
	// copyTail copies the n ≥ 1 elements of size bytes at src to dst,
	// looping at label; it may move src's register (the shapes read it no
	// more).
	copyTail(size int, src, dst addr, label string)
	halve(v value, h int) value // a vector whose lane k < h is v's lane k + lane k+h (h < lanes)
	result(v value)             // returns v's lane 0, the kernel's end

	// Sums of a matrix's rows, y[i] = the sum of row i.
	// rowsStart keeps y's pointer, the rows (len(y)), cols, and the
	// bytes of a row of elements of each of sizes (cols·size; size 0: a
	// row's ⌈cols/64⌉ spike words) in registers, and goes to label if
	// there are no rows.
	rowsStart(y, cols string, sizes []int, label string)
	// rowStart starts a row: n = cols, and a pointer for each of bases
	// (the row's first element), which the row's steps move.
	rowStart(bases []addr) []addr
	// rowEnd stores v's lane 0 to y[i] and moves y on, moves base k on by
	// a row of sizes[k], and goes back to label while rows are left.
	rowEnd(v value, bases []addr, label string)

	// Maps.
	broadcast(param string) (vec, one value) // float32 param in every lane; as one element
	end()                                    // the kernel's end
}

// ---------------------------------------------------------------- sums

func (s sum) generate(i isa, stream bool) {
	name := s.name + i.name()
	if stream {
		name = s.name + "Stream" + i.name()
	}
	params := make([]string, 0, len(s.streams)+1)
	for _, st := range s.streams {
		params = append(params, st.name+" []"+st.e.gotype)
	}
	if s.masked {
		params = append(params, "x []uint64")
	}
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
		"adding term j, reduced by halves.",
	}
	if strings.Contains(s.doc, "·") {
		doc[len(doc)-1] += " Each product is rounded on its own."
	}
	if s.skip {
		doc = append(doc, "", "It skips each 64 elements whose spike word is 0, which add nothing.")
	}
	if stream {
		doc = append(doc, "", "It asks for its slices' cache lines 4 KiB ahead of each step ("+i.prefetchOp()+",",
			"which never faults): for slices that come from DRAM, as a large",
			"matrix's rows do; on slices in cache the "+s.name+i.name()+" kernel, which does",
			"not, is faster.")
	}
	vec, _ := i.kernel(name, strings.Join(params, ", "), "float32", doc, body)

	ptr := make([]addr, len(s.streams))
	for k, st := range s.streams {
		ptr[k] = i.base(st.name)
	}
	var words addr
	if s.masked {
		words = i.base("x")
	}
	for _, st := range s.streams {
		i.count(st.name, 0)
	}
	if s.masked {
		i.count("x", 6)
		i.maskInit()
	}
	i.result(s.body(i, vec, name, stream, ptr, words))
}

// generateRows writes the kernel of a masked sum over each row of a
// matrix, y[i] = the sum of row i: the single sum's body in a loop over
// the rows, without a call, a check and a reduction waited for between
// rows. For four rows of 1024 weights, 1/64 of their bits set, in cache
// (the dense async step of four post units), vec.MaskedSums took 70 ns on
// it against 80 for the single kernel called row by row (AVX-512, AMD Zen
// 5); for sixteen rows of 256, 76 against 146–162.
func (s sum) generateRows(i isa) {
	name := s.rows + i.name()
	w := s.streams[0]
	params := "y []float32, w []" + w.e.gotype + ", cols int, x []uint64"
	body := []string{
		"rows := len(y)",
		"if !fitsMatrix(rows, cols, len(w), len(x)) {",
		fmt.Sprintf("badMatrix(%q, rows, cols, len(w), len(x))", name),
		"}",
		"raceWrite(y)",
		"raceRead(w[:rows*cols])",
		"raceRead(x[:rows*((cols+63)/64)])",
	}
	doc := []string{
		name + " sets y[i], for each row i < len(y) of w (len(y) rows of cols",
		"elements, row i from w[i·cols]), to " + s.name + i.name() + " of the row and its spike",
		"words x[i·⌈cols/64⌉:(i+1)·⌈cols/64⌉]: the sum over j < cols of",
		"",
		"\t" + strings.ReplaceAll(strings.ReplaceAll(s.doc, "w[j]", "w[i·cols+j]"), "bit j of x", "bit j of row i's words"),
		"",
		"in the order of internal/ref.SumLanes. It panics, before reading or writing",
		"anything, unless len(w) = len(y)·cols and len(x) = len(y)·⌈cols/64⌉.",
	}
	vec, _ := i.kernel(name, params, "", doc, body)
	lb := func(s string) string { return name + "_" + s }
	bases := []addr{i.base(w.name), i.base("x")}
	i.maskInit()
	i.rowsStart("y", "cols", []int{w.e.size, 0}, lb("done"))
	i.label(lb("row"))
	at := i.rowStart(bases)
	v := s.body(i, vec, name, false, at[:1], at[1])
	i.rowEnd(v, bases, lb("row"))
	i.label(lb("done"))
	i.end()
}

// body emits the sum of n elements of the streams at ptr (and, masked, of
// their spike words at words) and returns it in lane 0 of a register.
func (s sum) body(i isa, vec lowering, name string, stream bool, ptr []addr, words addr) value {
	lanes := i.lanes()
	regs := sumLanes / lanes
	acc := make([]value, regs)
	for k := range acc {
		acc[k] = i.zero()
	}
	// step adds the terms of the 64 elements at the streams' addresses
	// in (whose spike word is at x), vector r of them to register r.
	step := func(in []addr, x addr) {
		g := i.group()
		for r0 := 0; r0 < regs; r0 += g {
			loaded := make([][]value, len(s.streams))
			for k, st := range s.streams {
				loaded[k] = vec.load(st.e, i.offset(in[k], r0*lanes*st.e.size), g)
			}
			for j := range g {
				ops := make([]value, len(s.streams))
				for k := range s.streams {
					ops[k] = loaded[k][j]
				}
				t := s.term(vec, ops)
				if s.masked {
					i.maskedAccumulate(acc[r0+j], t, x, r0+j)
				} else {
					i.accumulate(acc[r0+j], t)
				}
			}
		}
	}
	lb := func(s string) string { return name + "_" + s }
	i.comment("64 elements a step, one vector to each partial-sum register")
	i.branch("<", 64, lb("tail"))
	i.label(lb("loop"))
	if stream {
		for k := range s.streams {
			i.prefetch(i.offset(ptr[k], prefetchAhead))
		}
	}
	if s.skip {
		// A word of no spike skips its step: the same sums (a masked add
		// leaves its lanes), and at the densities of asynchronous spikes,
		// a few in a hundred, a third or more of the words are 0. Measured
		// with AVX-512 on an Intel Xeon, the spikes changing from call to
		// call, float32 rows of 1024 and 4096: 22 ns against 26 and 74
		// against 103 at 1/64 of the bits set, 20 against 27 and 70
		// against 100 at 1/128; within ±5% at 1/8 and 1/2; a 256 × 4096
		// matrix (MaskedSums, from L3) 10–12% faster at 1% and 2%. The
		// binary16 sum, whose step reads half the bytes, ran faster so in
		// L1 (31 ns against 50 at 1/64) but 10–30% slower on that matrix
		// at 1% and 2%, where half the words are 0 at random and the
		// branch mispredicts: it does not skip.
		i.skipZero(words, lb("next"))
	}
	step(ptr, words)
	if s.skip {
		i.label(lb("next"))
	}
	for k, st := range s.streams {
		i.advance(ptr[k], 64*st.e.size)
	}
	if s.masked {
		i.advance(words, 8)
	}
	i.consume(64)
	i.branch(">=", 64, lb("loop"))

	i.comment("The last n < 64 elements from zeroed copies on the stack.")
	i.label(lb("tail"))
	i.branch("==", 0, lb("reduce"))
	bufs := make([]addr, len(s.streams))
	for k, st := range s.streams {
		bufs[k] = i.local(64 * st.e.size)
		i.copyTail(st.e.size, ptr[k], bufs[k], lb(fmt.Sprintf("copy%d", k)))
	}
	step(bufs, words)

	i.label(lb("reduce"))
	i.comment("By halves: the registers, then the lanes of the last")
	for h := regs / 2; h >= 1; h /= 2 {
		for k := range h {
			i.accumulate(acc[k], acc[k+h])
		}
	}
	v := acc[0]
	for h := lanes / 2; h >= 1; h /= 2 {
		v = i.halve(v, h)
	}
	return v
}

// ---------------------------------------------------------------- maps

func (m mapping) generate(i isa) {
	name := m.name + i.name()
	first := m.streams[0].name
	params := []string{first + " []float32", "a float32"}
	for _, st := range m.streams[1:] {
		params = append(params, st.name+" []"+st.e.gotype)
	}
	nDoc, body := shortest(m.streams, false)
	// A float32 stream read must not overlap the one written, or be the
	// very same slice (in place): the kernel reads and writes whole
	// vectors, so that the written slice past the read one by part of a
	// vector would not give the scalar loop's results.
	apart := len(m.streams) == 2 && m.streams[1].e == f32
	if apart {
		body = append(body, fmt.Sprintf("checkApart(%q, %q, %s[:n], %q, %s[:n], true)", name, first, first, m.streams[1].name, m.streams[1].name))
	}
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
	if apart {
		doc = append(doc, "", first+" and "+m.streams[1].name+" must be the same slice or not overlap: it panics, before",
			"writing anything, when they overlap otherwise.")
	}
	vec, one := i.kernel(name, strings.Join(params, ", "), "", doc, body)

	lanes := i.lanes()
	ptr := make([]addr, len(m.streams))
	for k, st := range m.streams {
		ptr[k] = i.base(st.name)
	}
	for _, st := range m.streams {
		i.count(st.name, 0)
	}
	a, a1 := i.broadcast("a")
	lb := func(s string) string { return name + "_" + s }
	// run computes v vectors of width elements (one, scalar) at the
	// addresses, a being the lowering's a.
	run := func(l lowering, a value, v, width int) {
		g := min(i.group(), v)
		out := make([]value, 0, v)
		for r0 := 0; r0 < v; r0 += g {
			loaded := make([][]value, len(m.streams))
			for k, st := range m.streams {
				loaded[k] = l.load(st.e, i.offset(ptr[k], r0*width*st.e.size), g)
			}
			for j := range g {
				in := make([]value, len(m.streams))
				for k := range m.streams {
					in[k] = loaded[k][j]
				}
				out = append(out, m.value(l, a, in))
			}
		}
		for r0 := 0; r0 < v; r0 += g {
			l.store(out[r0:r0+g], i.offset(ptr[0], r0*width*4))
		}
		for k, st := range m.streams {
			i.advance(ptr[k], v*width*st.e.size)
		}
		i.consume(v * width)
	}
	i.comment(fmt.Sprintf("%d elements a step, then %d, then one", 4*lanes, lanes))
	i.label(lb("loop4"))
	i.branch("<", 4*lanes, lb("loop1"))
	run(vec, a, 4, lanes)
	i.jump(lb("loop4"))
	i.label(lb("loop1"))
	i.branch("<", lanes, lb("tail"))
	run(vec, a, 1, lanes)
	i.jump(lb("loop1"))
	i.label(lb("tail"))
	i.branch("==", 0, lb("done"))
	run(one, a1, 1, 1)
	i.jump(lb("tail"))
	i.label(lb("done"))
	i.end()
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

// args says what each parameter of a kernel of params and result is, for
// the tests: a map writes its first slice; a is a value; x []uint64, spike
// bits; a kernel of a matrix's rows (cols int) writes y, one value a row,
// of the rows of w and their spike words x.
func args(params, result string) func(names []string) []gowrap.Arg {
	return func(names []string) []gowrap.Arg {
		var args []gowrap.Arg
		for k, nm := range names {
			a := gowrap.Arg{Name: nm, Kind: "n", Out: k == 0 && result == ""}
			matrix := strings.Contains(params, "cols int")
			switch {
			case nm == "a":
				a.Kind = "value"
			case matrix && nm == "y":
				a.Kind = "rows"
			case matrix && nm == "w":
				a.Kind = "matrix"
			case nm == "cols":
				a.Kind = "cols"
			case nm == "x" && matrix:
				a.Kind = "rowbits"
			case nm == "x" && strings.Contains(params, "x []uint64"):
				a.Kind = "bits"
			}
			args = append(args, a)
		}
		return args
	}
}
