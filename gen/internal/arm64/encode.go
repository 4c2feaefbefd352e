package arm64

import (
	"fmt"
	"strings"
)

// A form is one Advanced SIMD instruction the kernels use that Go's
// assembler does not spell: its encoding with every register field 0, the
// arrangements binutils writes its operands with (destination first), and
// whether it reads its destination (an insert into half of it, a bitwise
// select).
type form struct {
	base     uint32
	arr      [3]string // of d, n, m ("" where the form has fewer operands)
	readsDst bool
}

// forms, by binutils mnemonic. Each was read off binutils' aarch64
// assembler; TestForms checks them all against it.
var forms = map[string]form{
	// Three registers: d = n op m (Rm at bit 16, Rn at 5, Rd at 0).
	"fadd":  {base: 0x4e20d400, arr: [3]string{"4s", "4s", "4s"}},
	"fsub":  {base: 0x4ea0d400, arr: [3]string{"4s", "4s", "4s"}},
	"fmul":  {base: 0x6e20dc00, arr: [3]string{"4s", "4s", "4s"}},
	"fdiv":  {base: 0x6e20fc00, arr: [3]string{"4s", "4s", "4s"}},
	"fmax":  {base: 0x4e20f400, arr: [3]string{"4s", "4s", "4s"}},
	"fmin":  {base: 0x4ea0f400, arr: [3]string{"4s", "4s", "4s"}},
	"fcmgt": {base: 0x6ea0e400, arr: [3]string{"4s", "4s", "4s"}},
	"fcmge": {base: 0x6e20e400, arr: [3]string{"4s", "4s", "4s"}},
	"fcmeq": {base: 0x4e20e400, arr: [3]string{"4s", "4s", "4s"}},
	"sub":   {base: 0x6ea08400, arr: [3]string{"4s", "4s", "4s"}},
	"and":   {base: 0x4e201c00, arr: [3]string{"16b", "16b", "16b"}},
	"orr":   {base: 0x4ea01c00, arr: [3]string{"16b", "16b", "16b"}},
	"eor":   {base: 0x6e201c00, arr: [3]string{"16b", "16b", "16b"}},
	"bic":   {base: 0x4e601c00, arr: [3]string{"16b", "16b", "16b"}},
	"bsl":   {base: 0x6e601c00, arr: [3]string{"16b", "16b", "16b"}, readsDst: true},
	"bit":   {base: 0x6ea01c00, arr: [3]string{"16b", "16b", "16b"}, readsDst: true},
	"bif":   {base: 0x6ee01c00, arr: [3]string{"16b", "16b", "16b"}, readsDst: true},
	"cmhi":  {base: 0x6ea03400, arr: [3]string{"4s", "4s", "4s"}},
	"cmhs":  {base: 0x6ea03c00, arr: [3]string{"4s", "4s", "4s"}},
	"addp":  {base: 0x4e20bc00, arr: [3]string{"16b", "16b", "16b"}},

	// d −= n·m, one rounding.
	"fmls": {base: 0x4ea0cc00, arr: [3]string{"4s", "4s", "4s"}, readsDst: true},

	// The counters' saturating r + 1: four halves, the low 8 bytes.
	"uqadd.4h": {base: 0x2e600c00, arr: [3]string{"4h", "4h", "4h"}},

	// d += n·m, the low (fmlal) or high (fmlal2) four halves of n and m
	// widened to floats, one rounding: FEAT_FHM.
	"fmlal":  {base: 0x4e20ec00, arr: [3]string{"4s", "4h", "4h"}, readsDst: true},
	"fmlal2": {base: 0x6e20cc00, arr: [3]string{"4s", "4h", "4h"}, readsDst: true},

	// Two registers: d = op n.
	"frintn":   {base: 0x4e218800, arr: [3]string{"4s", "4s"}},
	"fcvtzs":   {base: 0x4ea1b800, arr: [3]string{"4s", "4s"}},
	"scvtf":    {base: 0x4e21d800, arr: [3]string{"4s", "4s"}},
	"fcvtl":    {base: 0x0e217800, arr: [3]string{"4s", "4h"}},
	"fcvtl2":   {base: 0x4e217800, arr: [3]string{"4s", "8h"}},
	"fcvtn":    {base: 0x0e216800, arr: [3]string{"4h", "4s"}},
	"fcvtn2":   {base: 0x4e216800, arr: [3]string{"8h", "4s"}, readsDst: true},
	"not":      {base: 0x6e205800, arr: [3]string{"16b", "16b"}},
	"xtn":      {base: 0x0e612800, arr: [3]string{"4h", "4s"}},
	"xtn2":     {base: 0x4e612800, arr: [3]string{"8h", "4s"}, readsDst: true},
	"xtn.8b":   {base: 0x0e212800, arr: [3]string{"8b", "8h"}},
	"xtn2.16b": {base: 0x4e212800, arr: [3]string{"16b", "8h"}, readsDst: true},
	"uxtl":     {base: 0x2f10a400, arr: [3]string{"4s", "4h"}},
	"uxtl2":    {base: 0x6f10a400, arr: [3]string{"4s", "8h"}},

	// Shifts by an immediate k (added into bits 16–22 by encode).
	"shl":  {base: 0x4f205400, arr: [3]string{"4s", "4s"}},
	"sshr": {base: 0x4f000400, arr: [3]string{"4s", "4s"}},
	"ushr": {base: 0x6f000400, arr: [3]string{"4s", "4s"}},
}

// mnemonic is the binutils name of op: a form of a mnemonic with another
// arrangement is keyed mnemonic.arrangement ("xtn.8b").
func mnemonic(op string) string {
	if i := strings.IndexByte(op, '.'); i >= 0 {
		return op[:i]
	}
	return op
}

// encode returns the word of op on physical registers d, n, m (m unused
// by a two-register form) and shift k (shifts only), and the instruction
// in binutils' syntax.
func encode(op string, d, n, m, k int) (uint32, string) {
	f, ok := forms[op]
	if !ok {
		panic("arm64: no form " + op)
	}
	w := f.base | uint32(n)<<5 | uint32(d)
	text := fmt.Sprintf("%s v%d.%s, v%d.%s", mnemonic(op), d, f.arr[0], n, f.arr[1])
	switch op {
	case "shl":
		if k < 0 || k > 31 {
			panic(fmt.Sprintf("arm64: shl by %d", k))
		}
		w |= uint32(k) << 16
		text += fmt.Sprintf(", #%d", k)
	case "sshr", "ushr":
		if k < 1 || k > 32 {
			panic(fmt.Sprintf("arm64: %s by %d", op, k))
		}
		w |= uint32(64-k) << 16
		text += fmt.Sprintf(", #%d", k)
	default:
		if f.arr[2] != "" {
			w |= uint32(m) << 16
			text += fmt.Sprintf(", v%d.%s", m, f.arr[2])
		}
	}
	return w, text
}

// word appends the WORD of op with its binutils text as a comment.
func (f *Func) word(op string, d, n, m Reg, k int, three bool) {
	fm := forms[op]
	uses := []Reg{n}
	if three {
		uses = append(uses, m)
	}
	if fm.readsDst {
		uses = append(uses, d)
	}
	f.insts = append(f.insts, inst{
		text: func(p func(Reg) int) string {
			mm := 0
			if three {
				mm = p(m)
			}
			w, text := encode(op, p(d), p(n), mm, k)
			return fmt.Sprintf("WORD $0x%08x // %s", w, text)
		},
		defs: []Reg{d}, uses: uses,
	})
}

// V3 appends d = n op m, a three-register form ("fadd", "bsl"…).
func (f *Func) V3(op string, d, n, m Reg) {
	if forms[op].arr[2] == "" {
		panic("arm64: " + op + " takes two registers")
	}
	f.word(op, d, n, m, 0, true)
}

// V2 appends d = op n, a two-register form ("fcvtl", "not"…).
func (f *Func) V2(op string, d, n Reg) {
	if forms[op].arr[2] != "" || op == "shl" || op == "sshr" || op == "ushr" {
		panic("arm64: " + op + " is not a two-register form")
	}
	f.word(op, d, n, Reg{}, 0, false)
}

// VShift appends d = n shifted by k ("shl", "sshr", "ushr" on 4 lanes).
func (f *Func) VShift(op string, d, n Reg, k int) {
	if op != "shl" && op != "sshr" && op != "ushr" {
		panic("arm64: " + op + " is not a shift")
	}
	f.word(op, d, n, Reg{}, k, false)
}
