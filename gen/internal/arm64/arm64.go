// Package arm64 builds the library's arm64 assembly, the counterpart of avo
// (which writes amd64 only): functions of instructions over virtual
// registers, allocated to physical ones when the file is written.
//
// Go's arm64 assembler spells the loads, stores, integer and branch
// instructions the kernels use, which this package writes as Go assembly; it
// spells few of the Advanced SIMD (NEON) data-processing instructions, which
// this package writes as WORD $0x… with the instruction in binutils' syntax
// in a comment (encode.go). TestEncodings assembles every such comment in
// the generated files with binutils' aarch64 assembler and checks the word.
//
// Registers: V0–V31 are all scratch in Go's arm64 ABI; of the general
// registers, R0–R15 and R19–R25 (R16 and R17 are the linker's, R18 the
// platform's, R26–R30 the runtime's and the assembler's).
package arm64

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// A Reg is a virtual register: a vector (128-bit V) or a general (64-bit X)
// register.
type Reg struct {
	vec bool
	id  int
}

// IsVec says whether r is a vector register.
func (r Reg) IsVec() bool { return r.vec }

// A Func is one assembly function being built.
type Func struct {
	Name string   // its symbol, without the package's middle dot
	Sig  string   // its Go signature, "func(dst []float32, src []uint16)"
	Doc  []string // its stub's doc comment
	// Frame is the bytes of stack it keeps at 0(RSP) and up (16-byte aligned).
	Frame int

	params  map[string]param
	argSize int
	insts   []inst
	nregs   int
	labels  map[string]bool
}

type param struct {
	off  int
	size int
}

// inst is one line of the function: an instruction (its text given the
// physical registers), a label, or a branch.
type inst struct {
	text       func(p func(Reg) int) string
	uses, defs []Reg
	label      string // this line is label:
	target     string // a branch to target
	cond       bool   // a conditional branch: it also falls through
	ret        bool
	copyOf     *Reg // a copy of this register into defs[0]: nothing where both share one
}

// NewFunc starts function name of Go signature sig ("func(a []float32, n
// int)"): its arguments are addressed by the names go vet's asmdecl
// expects (a_base, a_len, n).
func NewFunc(name, sig string, doc ...string) *Func {
	f := &Func{Name: name, Sig: sig, Doc: doc, params: map[string]param{}, labels: map[string]bool{}}
	f.layout()
	return f
}

// layout computes the argument frame of f.Sig as the gc compiler lays it
// out on arm64.
func (f *Func) layout() {
	src := "package p\nvar _ " + f.Sig
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "sig.go", src, 0)
	if err != nil {
		panic(fmt.Sprintf("arm64: %s: %v", f.Name, err))
	}
	conf := types.Config{Importer: importer.Default()}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	if _, err := conf.Check("p", fset, []*ast.File{file}, info); err != nil {
		panic(fmt.Sprintf("arm64: %s: %v", f.Name, err))
	}
	var sig *types.Signature
	for e, tv := range info.Types {
		if s, ok := tv.Type.(*types.Signature); ok {
			if _, ok := e.(*ast.FuncType); ok {
				sig = s
			}
		}
	}
	sizes := types.SizesFor("gc", "arm64")
	off := 0
	add := func(name string, t types.Type) {
		a := int(sizes.Alignof(t))
		off = (off + a - 1) / a * a
		switch u := t.Underlying().(type) {
		case *types.Slice:
			f.params[name+"_base"] = param{off, 8}
			f.params[name+"_len"] = param{off + 8, 8}
			f.params[name+"_cap"] = param{off + 16, 8}
		case *types.Basic:
			if u.Kind() == types.String {
				f.params[name+"_base"] = param{off, 8}
				f.params[name+"_len"] = param{off + 8, 8}
				break
			}
			f.params[name] = param{off, int(sizes.Sizeof(t))}
		default:
			f.params[name] = param{off, int(sizes.Sizeof(t))}
		}
		off += int(sizes.Sizeof(t))
	}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		add(p.Name(), p.Type())
	}
	if sig.Results().Len() > 0 {
		off = (off + 7) / 8 * 8 // the results start at a word
		for i := 0; i < sig.Results().Len(); i++ {
			r := sig.Results().At(i)
			name := r.Name()
			if name == "" {
				name = "ret"
				if sig.Results().Len() > 1 {
					name = fmt.Sprintf("ret%d", i)
				}
			}
			add(name, r.Type())
		}
	}
	f.argSize = off
}

// Param returns the argument slot name (e.g. "dst_base", "n") as an operand.
func (f *Func) Param(name string) string {
	p, ok := f.params[name]
	if !ok {
		panic(fmt.Sprintf("arm64: %s has no argument %s", f.Name, name))
	}
	return fmt.Sprintf("%s+%d(FP)", name, p.off)
}

// V returns a new vector register, R a new general one.
func (f *Func) V() Reg { f.nregs++; return Reg{vec: true, id: f.nregs} }
func (f *Func) R() Reg { f.nregs++; return Reg{id: f.nregs} }

// Inst appends an instruction: format is its text, in which each %v of the
// operands is replaced by a register (Go's name: R3, F3 or V3, as the
// operand's form says, see Op) or kept as is; defs are the registers it
// writes (overwriting them whole), uses those it reads.
func (f *Func) Inst(format string, defs, uses []Reg, operands ...Operand) {
	f.insts = append(f.insts, inst{
		text: func(p func(Reg) int) string {
			args := make([]any, len(operands))
			for i, o := range operands {
				args[i] = o.format(p)
			}
			return fmt.Sprintf(format, args...)
		},
		uses: uses, defs: defs,
	})
}

// An Operand is a register in one of its spellings, or a fixed text.
type Operand struct {
	r    Reg
	kind string // "R", "F", "V", "V.S4"…, or "" for text
	text string
}

func (o Operand) format(p func(Reg) int) string {
	if o.kind == "" {
		return o.text
	}
	n := p(o.r)
	if o.kind == "R" {
		return fmt.Sprintf("R%d", n)
	}
	if o.kind == "F" {
		return fmt.Sprintf("F%d", n)
	}
	if strings.HasPrefix(o.kind, "V.") {
		return fmt.Sprintf("V%d%s", n, o.kind[1:])
	}
	return fmt.Sprintf("V%d", n)
}

// Gen is r spelled as a general register (R3), Fp as a floating-point one
// (F3, the low bits of V3), Vec as a vector with an arrangement (V3.S4 for
// arr "S4"), Text a fixed operand, Int an integer.
func Gen(r Reg) Operand             { return Operand{r: r, kind: "R"} }
func Fp(r Reg) Operand              { return Operand{r: r, kind: "F"} }
func Vec(r Reg, arr string) Operand { return Operand{r: r, kind: "V." + arr} }
func Text(s string) Operand         { return Operand{text: s} }
func Int(k int) Operand             { return Operand{text: fmt.Sprint(k)} }

// Copy appends d = a, a vector move, which vanishes where the allocator
// gives d a's register (a is not read after it).
func (f *Func) Copy(d, a Reg) {
	f.V3("orr", d, a, a)
	f.insts[len(f.insts)-1].copyOf = &a
}

// Label places a label.
func (f *Func) Label(name string) {
	if f.labels[name] {
		panic("arm64: label " + name + " placed twice")
	}
	f.labels[name] = true
	f.insts = append(f.insts, inst{label: name})
}

// Branch appends a branch to label: B if cond is "", else B<cond> (BEQ,
// BNE, BLO, BHS…); uses are the registers a compare-and-branch reads
// (CBZ/CBNZ: cond "CBZ", "CBNZ" with the register).
func (f *Func) Branch(cond, label string, uses ...Reg) {
	op := "B"
	if cond != "" {
		op = cond
	}
	in := inst{target: label, cond: cond != "", uses: uses}
	in.text = func(p func(Reg) int) string {
		if len(uses) > 0 {
			return fmt.Sprintf("%s R%d, %s", op, p(uses[0]), label)
		}
		return fmt.Sprintf("%s %s", op, label)
	}
	f.insts = append(f.insts, in)
}

// Ret appends RET.
func (f *Func) Ret() {
	f.insts = append(f.insts, inst{text: func(func(Reg) int) string { return "RET" }, ret: true})
}

// Comment appends a comment line.
func (f *Func) Comment(lines ...string) {
	for _, l := range lines {
		l := l
		f.insts = append(f.insts, inst{text: func(func(Reg) int) string { return "// " + l }})
	}
}

// allocate assigns physical registers: liveness over the function's flow
// (branches included), then each virtual register, in the order of its
// first definition, takes the lowest physical register that no register
// live where it is written holds.
func (f *Func) allocate() map[Reg]int {
	n := len(f.insts)
	at := map[string]int{}
	for i, in := range f.insts {
		if in.label != "" {
			at[in.label] = i
		}
	}
	succ := make([][]int, n)
	for i, in := range f.insts {
		switch {
		case in.ret:
		case in.target != "":
			t, ok := at[in.target]
			if !ok {
				panic("arm64: " + f.Name + ": no label " + in.target)
			}
			succ[i] = append(succ[i], t)
			if in.cond && i+1 < n {
				succ[i] = append(succ[i], i+1)
			}
		case i+1 < n:
			succ[i] = append(succ[i], i+1)
		}
	}
	type set map[Reg]bool
	in, out := make([]set, n), make([]set, n)
	for i := range f.insts {
		in[i], out[i] = set{}, set{}
	}
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			for _, s := range succ[i] {
				for r := range in[s] {
					if !out[i][r] {
						out[i][r], changed = true, true
					}
				}
			}
			def := set{}
			for _, d := range f.insts[i].defs {
				def[d] = true
			}
			for _, u := range f.insts[i].uses {
				if !in[i][u] {
					in[i][u], changed = true, true
				}
			}
			for r := range out[i] {
				if !def[r] && !in[i][r] {
					in[i][r], changed = true, true
				}
			}
		}
	}
	// A register read before any definition is a bug in the generator.
	for r := range in[0] {
		panic(fmt.Sprintf("arm64: %s: register %v read before it is written", f.Name, r))
	}
	interf := map[Reg]set{}
	link := func(a, b Reg) {
		if a == b || a.vec != b.vec {
			return
		}
		if interf[a] == nil {
			interf[a] = set{}
		}
		if interf[b] == nil {
			interf[b] = set{}
		}
		interf[a][b], interf[b][a] = true, true
	}
	first := map[Reg]int{}
	prefer := map[Reg]Reg{} // a copy's destination: its source's register, if free
	for _, ins := range f.insts {
		if ins.copyOf != nil {
			prefer[ins.defs[0]] = *ins.copyOf
		}
	}
	for i, ins := range f.insts {
		for _, d := range ins.defs {
			if _, ok := first[d]; !ok {
				first[d] = i
			}
			for r := range out[i] {
				link(d, r)
			}
			for _, e := range ins.defs {
				link(d, e)
			}
		}
	}
	regs := make([]Reg, 0, len(first))
	for r := range first {
		regs = append(regs, r)
	}
	// In the order of their first definition, those of one instruction by
	// number: the same allocation on every run.
	sort.Slice(regs, func(i, j int) bool {
		if first[regs[i]] != first[regs[j]] {
			return first[regs[i]] < first[regs[j]]
		}
		return regs[i].id < regs[j].id
	})
	phys := map[Reg]int{}
	for _, r := range regs {
		pool := gpRegs
		if r.vec {
			pool = vecRegs
		}
		taken := map[int]bool{}
		for o := range interf[r] {
			if p, ok := phys[o]; ok {
				taken[p] = true
			}
		}
		ok := false
		if src, has := prefer[r]; has {
			if p, done := phys[src]; done && !taken[p] {
				phys[r], ok = p, true
			}
		}
		for _, p := range pool {
			if ok {
				break
			}
			if !taken[p] {
				phys[r], ok = p, true
			}
		}
		if !ok {
			kind := "general"
			if r.vec {
				kind = "vector"
			}
			panic(fmt.Sprintf("arm64: %s: out of %s registers", f.Name, kind))
		}
	}
	return phys
}

var (
	vecRegs = func() []int {
		var rs []int
		for i := 0; i < 32; i++ {
			rs = append(rs, i)
		}
		return rs
	}()
	gpRegs = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 23, 24, 25}
)

// text writes f's TEXT block.
func (f *Func) text(b *strings.Builder) {
	phys := f.allocate()
	p := func(r Reg) int {
		n, ok := phys[r]
		if !ok {
			panic(fmt.Sprintf("arm64: %s: register %v never written", f.Name, r))
		}
		return n
	}
	// A large frame takes the stack check: the linker refuses a NOSPLIT
	// function whose frame could overflow the stack's guard.
	flags := "NOSPLIT"
	if f.Frame > 256 {
		flags = "0"
	}
	fmt.Fprintf(b, "// func %s%s\nTEXT ·%s(SB), %s, $%d-%d\n", f.Name, strings.TrimPrefix(f.Sig, "func"), f.Name, flags, f.Frame, f.argSize)
	for _, in := range f.insts {
		if in.label != "" {
			fmt.Fprintf(b, "\n%s:\n", in.label)
			continue
		}
		if in.copyOf != nil && p(*in.copyOf) == p(in.defs[0]) {
			continue // coalesced
		}
		fmt.Fprintf(b, "\t%s\n", in.text(p))
	}
	b.WriteString("\n")
}

// File is the functions of one generated file pair: the assembly and the
// Go declarations of its functions.
type File struct {
	Funcs []*Func
	Data  []string // DATA and GLOBL lines of read-only constants
}

// Write returns the assembly file and the declarations' file, headed by
// the generating command, for package pkg, built with constraint.
func (fl *File) Write(command, constraint, pkg string) (asm, decl string) {
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by command: %s. DO NOT EDIT.\n\n//go:build %s\n\n#include \"textflag.h\"\n\n", command, constraint)
	for _, l := range fl.Data {
		b.WriteString(l + "\n")
	}
	if len(fl.Data) > 0 {
		b.WriteString("\n")
	}
	for _, f := range fl.Funcs {
		f.text(&b)
	}
	asm = b.String()

	b.Reset()
	fmt.Fprintf(&b, "// Code generated by command: %s. DO NOT EDIT.\n\n//go:build %s\n\npackage %s\n\n", command, constraint, pkg)
	for _, f := range fl.Funcs {
		for _, l := range f.Doc {
			b.WriteString(strings.TrimRight("// "+l, " ") + "\n")
		}
		if len(f.Doc) > 0 {
			b.WriteString("//\n")
		}
		fmt.Fprintf(&b, "//go:noescape\nfunc %s%s\n\n", f.Name, strings.TrimPrefix(f.Sig, "func"))
	}
	return asm, b.String()
}
