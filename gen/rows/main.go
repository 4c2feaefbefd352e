// Command rows generates ../asm/rows_amd64.s and its Go declarations: the
// row kernels of package syn (add a row of weights to an accumulator,
// select a row by spike bits), for float32 and binary16 rows, in AVX2 and
// AVX-512 versions; and, with package arm64, their NEON versions
// (../asm/rows_arm64.s, neon.go):
//
//	go run ./rows -out ../asm/rows_amd64.s -stubs ../asm/rows_amd64.go -pkg asm
//
// What the ISAs share in code: each kernel's description (elem: the
// weights' type, size and doc; addRowKernel and selectKernel: its
// signature, doc, race annotations and ISA check, declared with
// gowrap.Declare or gowrap.DeclareARM64). Each ISA is a lowering (the
// interface of that name: AVX2, AVX-512, NEON), which main runs on every
// kernel and element type; the lowerings follow one plan (a wide loop,
// narrower steps, then one element at a time), but their tails differ
// (opmasks, page checks, scalar loops) where NEON needs none of that, so
// the NEON one is a single step function per kernel, lowered at 16, 4 and
// 1 columns.
//
// Every kernel computes its scalar loop exactly: no fused or reassociated
// arithmetic. (The sums over spike bits are package vec's, ../vec.)
//
// No kernel reads or writes outside its slices. Full groups of columns are
// loaded without masks. The AVX-512 tails use opmasks of the row's length,
// unless the vector would cross a 4 KiB page beyond the row's end: a masked
// access whose masked-off part lies on a page that is not mapped or not yet
// touched makes the CPU take a microcode assist of hundreds of cycles on
// every call (measured: ~170 ns a load on the project's AMD machine), so
// those tails, and every AVX2 tail, go through scalar code or a zeroed copy
// on the stack. For the same reason no load is masked by spike bits alone
// (a group without spikes would touch nothing).
package main

import (
	"fmt"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
	"github.com/sparkgo/spark/gen/internal/tails"
)

// elem describes the weights of a row: float32, or binary16 converted with
// VCVTPH2PS (which gives the same bits as github.com/x448/float16).
type elem struct {
	name   string // in kernel names: F32, F16
	gotype string // in signatures
	size   int    // bytes
}

var (
	f32 = elem{"F32", "float32", 4}
	f16 = elem{"F16", "uint16", 2}
)

func (e elem) half() bool { return e.size == 2 }

// conv is how the doc comments write weight i as a float32.
func (e elem) conv(i string) string {
	if e.half() {
		return "float32(row[" + i + "])"
	}
	return "row[" + i + "]"
}

// rowDoc says what a binary16 row holds, and how a kernel of isa widens it.
func (e elem) rowDoc(isa gowrap.ISA) string {
	if e.half() {
		cvt := "VCVTPH2PS"
		if isa == gowrap.NEON {
			cvt = "FCVTL"
		}
		return "The weights are binary16 bits; float32(row[i]) is their exact value (" + cvt + ", the same bits as github.com/x448/float16)."
	}
	return ""
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func

// kernel starts the raw (lower-case) assembly of the public kernel name,
// whose parameters and result are given, and records the checked function
// that calls it: the ISA check, then the statements of race (what the
// kernel reads and writes), then the call.
// A NEON kernel is declared the same way, and its arm64 function returned
// (nil for avo's).
func kernel(name, params, result string, doc []string, req gowrap.ISA, race ...string) *arm64.Func {
	args := func(names []string) []gowrap.Arg {
		var args []gowrap.Arg
		for _, name := range names {
			a := gowrap.Arg{Name: name, Kind: "n", Out: name == "acc" || name == "d"} // what addRow and select write
			if name == "x" {
				a.Kind = "bits" // a row's spike bits
			}
			args = append(args, a)
		}
		return args
	}
	if req == gowrap.NEON {
		f, fn := gowrap.DeclareARM64(&neon, name, params, result, doc, req, race, args)
		funcs = append(funcs, fn)
		return f
	}
	funcs = append(funcs, gowrap.Declare(name, params, result, doc, req, race, args))
	return nil
}

// doc returns a doc comment from paragraphs, wrapped at 76 columns; a
// paragraph starting with a tab is code, kept as it is.
func doc(paras ...string) []string {
	var lines []string
	for i, p := range paras {
		if p == "" {
			continue
		}
		if i > 0 {
			lines = append(lines, "")
		}
		if strings.HasPrefix(p, "\t") {
			lines = append(lines, strings.Split(p, "\n")...)
			continue
		}
		line := ""
		for _, w := range strings.Fields(p) {
			if line != "" && len(line)+1+len(w) > 76 {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return lines
}

// labels makes function-unique label names.
type labels struct {
	fn string
	n  int
}

func (l *labels) next(what string) string {
	l.n++
	return fmt.Sprintf("%s_%s%d", l.fn, what, l.n)
}

func (l *labels) named(what string) string { return l.fn + "_" + what }

// outOfLine collects the blocks a function emits after its RET: rare cases
// (overlapping spike groups, tails crossing a page), kept off the straight
// path so that a loop step takes one taken branch.
type outOfLine []func()

func (o *outOfLine) add(f func()) { *o = append(*o, f) }

func (o outOfLine) emit() {
	for _, f := range o {
		f()
	}
}

// shifts: lane i of the 8-lane group g (g = 0..3, 32 bytes each) holds
// 31 − (8g + i), the left shift (VPSLLVD) that moves bit 8g+i of a spike
// dword to the sign bit of lane i, which VBLENDVPS selects by.
var shifts Mem

// A lowering writes each row kernel for one ISA, from the kernel's
// description (addRowKernel, selectKernel: its name, signature, doc, race
// annotations and ISA check): AVX2 and AVX-512 here, NEON in neon.go. A
// new ISA is a new lowering.
type lowering interface {
	addRow(e elem)    // acc[i] += row[i]
	selectRow(e elem) // d[j] = bit j of the spike words x ? row[j] : 0
}

type (
	avx2    struct{}
	avx512  struct{}
	neonISA struct{}
)

// kernels are the family's kernels, each lowered by every ISA for float32
// and binary16 rows.
var kernels = []func(lowering, elem){lowering.addRow, lowering.selectRow}

func main() {
	ConstraintExpr("amd64,!purego") // avo v0.5.0 parses only the "+build" syntax; it writes //go:build amd64 && !purego

	shifts = GLOBL("rowshifts", RODATA|NOPTR)
	for i := range 32 {
		DATA(4*i, U32(31-i))
	}

	neonBits()
	for _, kernel := range kernels {
		for _, e := range []elem{f32, f16} {
			for _, l := range []lowering{avx2{}, avx512{}, neonISA{}} {
				kernel(l, e)
			}
		}
	}
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neon})
}

// ---------------------------------------------------------------- helpers

// slice returns a slice parameter's data pointer as a memory operand.
func slice(p string) Mem { return Mem{Base: Load(Param(p).Base(), GP64())} }

// minBits sets n to min(n, 64·len(x)).
func minBits(n Register) {
	m := Load(Param("x").Len(), GP64())
	SHLQ(U8(6), m)
	CMPQ(m, n)
	CMOVQLT(m, n)
}

// lowMask returns a register holding (1 << n) − 1 for 0 ≤ n < 64; it uses CX.
func lowMask(n Register) GPVirtual {
	MOVQ(n, RCX)
	m := GP64()
	MOVQ(U64(1), m)
	SHLQ(CL, m)
	DECQ(m)
	return m
}

// crossesPage jumps to slow when the size bytes at m's base cross a 4 KiB
// boundary.
func crossesPage(m Mem, size int, slow string) {
	t := GP64()
	MOVQ(m.Base, t)
	ANDQ(U32(4095), t)
	CMPQ(t, U32(4096-size))
	JA(LabelRef(slow))
}

// scalarAdd adds the n ≥ 1 weights at row to the float32s at acc, one at a
// time: acc[i] += row[i], the same scalar addition as the vector lanes'.
func scalarAdd(e elem, acc, row Mem, n Register, label string) {
	Label(label)
	s := XMM()
	VMOVSS(acc, s)
	if e.half() {
		h, w := GP32(), XMM()
		MOVWLZX(row, h)
		VMOVD(h, w)
		VCVTPH2PS(w, w)
		VADDSS(w, s, s)
	} else {
		VADDSS(row, s, s)
	}
	VMOVSS(s, acc)
	ADDQ(U32(4), acc.Base)
	ADDQ(U32(e.size), row.Base)
	DECQ(n)
	JNZ(LabelRef(label))
}

// scalarSelect writes the n ≥ 1 elements of d one at a time: the weight's
// bits AND −(spike bit), the spike bits taken from bit 0 of bits up.
func scalarSelect(e elem, d, row Mem, bits, n Register, label string) {
	Label(label)
	m, w := GP32(), GP32()
	MOVL(bits, m)
	ANDL(U32(1), m)
	NEGL(m)
	if e.half() {
		h := XMM()
		MOVWLZX(row, w)
		VMOVD(w, h)
		VCVTPH2PS(h, h)
		VMOVD(h, w)
	} else {
		MOVL(row, w)
	}
	ANDL(m, w)
	MOVL(w, d)
	SHRL(U8(1), bits)
	ADDQ(U32(e.size), row.Base)
	ADDQ(U32(4), d.Base)
	DECQ(n)
	JNZ(LabelRef(label))
}

// load16 returns the 16 weights at m as float32s in a new ZMM register.
func load16(e elem, m Mem) VecVirtual {
	v := ZMM()
	if e.half() {
		VCVTPH2PS(m, v)
	} else {
		VMOVUPS(m, v)
	}
	return v
}

// load16Masked returns the weights at m under the opmask k (lanes not in k
// +0) in a new ZMM register; masked-off lanes are neither read nor faulted
// on (VMOVDQU16 for binary16: BW).
func load16Masked(e elem, m Mem, k Op) VecVirtual {
	v := ZMM()
	if e.half() {
		h := YMM()
		VMOVDQU16_Z(m, k, h)
		VCVTPH2PS(h, v)
	} else {
		VMOVUPS_Z(m, k, v)
	}
	return v
}

// load8Blend returns, in a new YMM register, the 8 weights at m where the
// sign bit of the lane of mask is set and +0 elsewhere.
func load8Blend(e elem, m Mem, mask, zero VecVirtual) VecVirtual {
	v := YMM()
	if e.half() {
		t := YMM()
		VCVTPH2PS(m, t)
		VBLENDVPS(mask, t, zero, v)
	} else {
		VBLENDVPS(mask, m, zero, v)
	}
	return v
}

func ret() {
	VZEROUPPER()
	RET()
}

// ---------------------------------------------------------------- addRow

// addRowKernel starts an addRow kernel (and returns a NEON one's function).
func addRowKernel(name string, e elem, req gowrap.ISA) *arm64.Func {
	return kernel(name, fmt.Sprintf("acc []float32, row []%s", e.gotype), "", doc(
		name+" computes",
		"\tfor i := range min(len(acc), len(row)) {\n\t\tacc[i] += "+e.conv("i")+"\n\t}",
		"with one float32 addition per element, so its results equal the loop's bit for bit. "+e.rowDoc(req)+e.apartDoc("acc"),
	), req, append([]string{"n := min(len(acc), len(row))"},
		append(e.apart(name, "acc"), "raceWrite(acc[:n])", "raceRead(row[:n])")...)...,
	)
}

// apartDoc and apart: a float32 row and the slice out that a kernel
// writes must not overlap, or must be the very same slice (an update in
// place, which reads each element before it writes it): a vector kernel
// reads and writes whole vectors, so that out past row by part of a vector
// would not give the scalar loop's results. (A binary16 row overlaps out
// only through package unsafe.)
func (e elem) apartDoc(out string) string {
	if e.half() {
		return ""
	}
	return " " + out + " and row must be the same slice or not overlap: it panics, before writing anything, when they overlap otherwise."
}

func (e elem) apart(name, out string) []string {
	if e.half() {
		return nil
	}
	return []string{fmt.Sprintf("checkApart(%q, %q, %s[:n], \"row\", row[:n], true)", name, out, out)}
}

func (avx2) addRow(e elem) {
	name := "AddRow" + e.name + "AVX2"
	addRowKernel(name, e, gowrap.AVX2)
	l := &labels{fn: name}

	acc, row := slice("acc"), slice("row")
	n := Load(Param("acc").Len(), GP64())
	tails.MinLen(n, "row")

	// load8 returns 8 weights at m as float32s: a new register, or m
	// itself for a float32 row.
	load8 := func(m Mem) Op {
		if !e.half() {
			return m
		}
		t := YMM()
		VCVTPH2PS(m, t)
		return t
	}

	Comment("32 elements a step, in four registers")
	CMPQ(n, U32(32))
	JLT(LabelRef(l.named("loop8")))
	Label(l.named("loop32"))
	a := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for k := range a {
		VMOVUPS(acc.Offset(32*k), a[k])
	}
	for k := range a {
		VADDPS(load8(row.Offset(8*e.size*k)), a[k], a[k])
	}
	for k := range a {
		VMOVUPS(a[k], acc.Offset(32*k))
	}
	ADDQ(U32(128), acc.Base)
	ADDQ(U32(32*e.size), row.Base)
	SUBQ(U32(32), n)
	CMPQ(n, U32(32))
	JGE(LabelRef(l.named("loop32")))

	Label(l.named("loop8"))
	CMPQ(n, U32(8))
	JLT(LabelRef(l.named("tail")))
	b := YMM()
	VMOVUPS(acc, b)
	VADDPS(load8(row), b, b)
	VMOVUPS(b, acc)
	ADDQ(U32(32), acc.Base)
	ADDQ(U32(8*e.size), row.Base)
	SUBQ(U32(8), n)
	JMP(LabelRef(l.named("loop8")))

	Comment("The last n < 8 elements one at a time.")
	Label(l.named("tail"))
	TESTQ(n, n)
	JZ(LabelRef(l.named("done")))
	scalarAdd(e, acc, row, n, l.named("loop1"))

	Label(l.named("done"))
	ret()
}

func (avx512) addRow(e elem) {
	name := "AddRow" + e.name + "AVX512"
	addRowKernel(name, e, gowrap.AVX512)
	l := &labels{fn: name}
	var ool outOfLine

	acc, row := slice("acc"), slice("row")
	n := Load(Param("acc").Len(), GP64())
	tails.MinLen(n, "row")

	Comment("64 elements a step, in four registers")
	CMPQ(n, U32(64))
	JLT(LabelRef(l.named("loop16")))
	Label(l.named("loop64"))
	a := []VecVirtual{ZMM(), ZMM(), ZMM(), ZMM()}
	for k := range a {
		VMOVUPS(acc.Offset(64*k), a[k])
	}
	for k := range a {
		if e.half() {
			VADDPS(load16(e, row.Offset(16*e.size*k)), a[k], a[k])
		} else {
			VADDPS(row.Offset(64*k), a[k], a[k])
		}
	}
	for k := range a {
		VMOVUPS(a[k], acc.Offset(64*k))
	}
	ADDQ(U32(256), acc.Base)
	ADDQ(U32(64*e.size), row.Base)
	SUBQ(U32(64), n)
	CMPQ(n, U32(64))
	JGE(LabelRef(l.named("loop64")))

	Label(l.named("loop16"))
	CMPQ(n, U32(16))
	JLT(LabelRef(l.named("tail")))
	b := ZMM()
	VMOVUPS(acc, b)
	if e.half() {
		VADDPS(load16(e, row), b, b)
	} else {
		VADDPS(row, b, b)
	}
	VMOVUPS(b, acc)
	ADDQ(U32(64), acc.Base)
	ADDQ(U32(16*e.size), row.Base)
	SUBQ(U32(16), n)
	JMP(LabelRef(l.named("loop16")))

	Comment("The last n < 16 elements under the opmask (1<<n)-1, unless a vector",
		"would cross a page past the slices' ends.")
	Label(l.named("tail"))
	TESTQ(n, n)
	JZ(LabelRef(l.named("done")))
	slow := l.named("scalar")
	crossesPage(acc, 64, slow)
	crossesPage(row, 16*e.size, slow)
	k := K()
	KMOVQ(lowMask(n), k)
	c := ZMM()
	VMOVUPS_Z(acc, k, c)
	VADDPS(load16Masked(e, row, k), c, c)
	VMOVUPS(c, k, acc)

	Label(l.named("done"))
	ret()

	ool.add(func() {
		Label(slow)
		scalarAdd(e, acc, row, n, l.named("loop1"))
		JMP(LabelRef(l.named("done")))
	})
	ool.emit()
}

// ---------------------------------------------------------------- select

// selectKernel starts a select kernel (and returns a NEON one's function).
func selectKernel(name string, e elem, req gowrap.ISA) *arm64.Func {
	return kernel(name, fmt.Sprintf("d []float32, row []%s, x []uint64", e.gotype), "", doc(
		name+" computes",
		"\tfor j := range min(len(d), len(row), 64*len(x)) {\n\t\tif x[j/64]>>(j%64)&1 != 0 {\n\t\t\td[j] = "+e.conv("j")+"\n\t\t} else {\n\t\t\td[j] = 0\n\t\t}\n\t}",
		strings.TrimPrefix(e.rowDoc(req)+e.apartDoc("d"), " "),
	), req, append([]string{"n := min(len(d), len(row), 64*len(x))"},
		append(e.apart(name, "d"), "raceWrite(d[:n])", "raceRead(row[:n])", "raceRead(x[:(n+63)/64])")...)...,
	)
}

func (avx2) selectRow(e elem) {
	name := "Select" + e.name + "AVX2"
	selectKernel(name, e, gowrap.AVX2)
	l := &labels{fn: name}

	d, row, x := slice("d"), slice("row"), slice("x")
	n := Load(Param("d").Len(), GP64())
	tails.MinLen(n, "row")
	minBits(n)
	zero := YMM()
	VXORPS(zero, zero, zero)
	sh := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
	for g := range sh {
		VMOVDQU(shifts.Offset(32*g), sh[g])
	}
	// group stores at dm the 8 weights at rm selected by bits 8g..8g+7 of
	// the dword broadcast in b.
	group := func(b VecVirtual, g int, rm, dm Mem) {
		m := YMM()
		VPSLLVD(sh[g], b, m)
		VMOVUPS(load8Blend(e, rm, m, zero), dm)
	}

	Comment("32 columns (one spike dword) a step")
	CMPQ(n, U32(32))
	JLT(LabelRef(l.named("loop8")))
	Label(l.named("loop32"))
	b := YMM()
	VPBROADCASTD(x, b)
	for g := range 4 {
		group(b, g, row.Offset(8*e.size*g), d.Offset(32*g))
	}
	ADDQ(U32(4), x.Base)
	ADDQ(U32(32*e.size), row.Base)
	ADDQ(U32(128), d.Base)
	SUBQ(U32(32), n)
	CMPQ(n, U32(32))
	JGE(LabelRef(l.named("loop32")))

	Comment("8 columns (one spike byte) a step")
	Label(l.named("loop8"))
	CMPQ(n, U32(8))
	JLT(LabelRef(l.named("tail")))
	by, bx, bb := GP32(), XMM(), YMM()
	MOVBLZX(x, by)
	VMOVD(by, bx)
	VPBROADCASTD(bx, bb)
	group(bb, 0, row, d)
	INCQ(x.Base)
	ADDQ(U32(8*e.size), row.Base)
	ADDQ(U32(32), d.Base)
	SUBQ(U32(8), n)
	JMP(LabelRef(l.named("loop8")))

	Comment("The last n < 8 columns one at a time.")
	Label(l.named("tail"))
	TESTQ(n, n)
	JZ(LabelRef(l.named("done")))
	bits := GP32()
	MOVBLZX(x, bits)
	scalarSelect(e, d, row, bits, n, l.named("loop1"))

	Label(l.named("done"))
	ret()
}

func (avx512) selectRow(e elem) {
	name := "Select" + e.name + "AVX512"
	selectKernel(name, e, gowrap.AVX512)
	l := &labels{fn: name}
	var ool outOfLine

	d, row, x := slice("d"), slice("row"), slice("x")
	n := Load(Param("d").Len(), GP64())
	tails.MinLen(n, "row")
	minBits(n)

	// group stores at dm the 16 weights at rm selected by the opmask of
	// their spike bits at xm (masked-off lanes +0).
	group := func(xm, rm, dm Mem) {
		k, v := K(), ZMM()
		KMOVW(xm, k)
		if e.half() {
			h := YMM()
			VMOVDQU(rm, h)
			VCVTPH2PS_Z(h, k, v)
		} else {
			t := ZMM()
			VMOVUPS(rm, t)
			VMOVAPS_Z(t, k, v)
		}
		VMOVUPS(v, dm)
	}

	Comment("64 columns (one spike word) a step")
	CMPQ(n, U32(64))
	JLT(LabelRef(l.named("loop16")))
	Label(l.named("loop64"))
	for g := range 4 {
		group(x.Offset(2*g), row.Offset(16*e.size*g), d.Offset(64*g))
	}
	ADDQ(U32(8), x.Base)
	ADDQ(U32(64*e.size), row.Base)
	ADDQ(U32(256), d.Base)
	SUBQ(U32(64), n)
	CMPQ(n, U32(64))
	JGE(LabelRef(l.named("loop64")))

	Comment("16 columns a step")
	Label(l.named("loop16"))
	CMPQ(n, U32(16))
	JLT(LabelRef(l.named("tail")))
	group(x, row, d)
	ADDQ(U32(2), x.Base)
	ADDQ(U32(16*e.size), row.Base)
	ADDQ(U32(64), d.Base)
	SUBQ(U32(16), n)
	JMP(LabelRef(l.named("loop16")))

	Comment("The last n < 16 columns: loaded and stored under the opmask of their",
		"length, selected under that of their spikes, unless a vector would",
		"cross a page past the slices' ends.")
	Label(l.named("tail"))
	TESTQ(n, n)
	JZ(LabelRef(l.named("done")))
	slow := l.named("scalar")
	crossesPage(row, 16*e.size, slow)
	crossesPage(d, 64, slow)
	kl, ks := K(), K()
	KMOVQ(lowMask(n), kl)
	KMOVW(x, ks)
	KANDW(kl, ks, ks)
	v := ZMM()
	if e.half() {
		h := YMM()
		VMOVDQU16_Z(row, kl, h)
		VCVTPH2PS_Z(h, ks, v)
	} else {
		VMOVAPS_Z(load16Masked(e, row, kl), ks, v)
	}
	VMOVUPS(v, kl, d)

	Label(l.named("done"))
	ret()

	ool.add(func() {
		Label(slow)
		bits := GP32()
		MOVWLZX(x, bits)
		scalarSelect(e, d, row, bits, n, l.named("loop1"))
		JMP(LabelRef(l.named("done")))
	})
	ool.emit()
}
