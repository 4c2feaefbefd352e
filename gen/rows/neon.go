package main

import (
	"fmt"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// The NEON kernels (asm/rows_arm64.s): the same kernels, declared by the
// same addRowKernel and selectKernel, in 4-lane vectors. A kernel is one
// step function on a number of columns, 16 (four vectors, stored in pairs
// with STP), 4 (one vector) or 1 (lane 0 of one vector), walked over the
// slices 16 columns at a time, then 4, then one at a time, so that nothing
// is read or written past the shortest slice and no tail needs a mask. A select's masks come from its spike word with CMTST against the
// bit of each lane (rowbits), a 32-bit half of the word in every lane.

// neon is the family's arm64 assembly.
var neon arm64.File

// neonBits lays out rowbits: vector g (g = 0..7) holds 1<<(4g+i) in lane
// i, the bit of a 32-bit half of a spike word that selects column 4g+i of
// the half.
func neonBits() {
	for g := range 8 {
		for i := range 4 {
			neon.Data = append(neon.Data, fmt.Sprintf("DATA rowbits<>+%d(SB)/4, $0x%08x", 16*g+4*i, uint32(1)<<(4*g+i)))
		}
	}
	neon.Data = append(neon.Data, "GLOBL rowbits<>(SB), RODATA|NOPTR, $128")
}

// nwalk is a row kernel's walk over its slices (arm64.Walk), with the
// loads and stores of its steps.
type nwalk struct {
	*arm64.Walk
	f *arm64.Func
}

// newWalk starts the walk of f over the slice parameters named, of
// elements of sizes bytes.
func newWalk(f *arm64.Func, slices []string, sizes []int) *nwalk {
	return &nwalk{Walk: arm64.NewWalk(f, slices, sizes), f: f}
}

// load returns the cols (16, 4 or 1) elements of e at column col of the
// slice at p as float32 vectors, four columns a vector (one: in lane 0, the
// others +0). binary16 widens with FCVTL and FCVTL2, exact.
func (w *nwalk) load(e elem, p arm64.Reg, col, cols int) []arm64.Reg {
	f, off := w.f, col*e.size
	ld := func(op string, off int) arm64.Reg {
		v := f.V()
		f.Inst(op+" %v(%v), %v", []arm64.Reg{v}, []arm64.Reg{p}, arm64.Int(off), arm64.Gen(p), arm64.Fp(v))
		return v
	}
	// pair loads two vectors, as two loads rather than an LDP: package
	// arm64's allocator orders two registers first written by one
	// instruction at random, and the generated file must be reproducible.
	pair := func(off int) (arm64.Reg, arm64.Reg) { return ld("FMOVQ", off), ld("FMOVQ", off+16) }
	widen := func(h arm64.Reg, high bool) arm64.Reg {
		v := f.V()
		if high {
			f.V2("fcvtl2", v, h)
		} else {
			f.V2("fcvtl", v, h)
		}
		return v
	}
	switch {
	case cols == 16 && !e.half():
		a, b := pair(off)
		c, d := pair(off + 32)
		return []arm64.Reg{a, b, c, d}
	case cols == 16:
		h, k := pair(off)
		return []arm64.Reg{widen(h, false), widen(h, true), widen(k, false), widen(k, true)}
	case cols == 4 && !e.half():
		return []arm64.Reg{ld("FMOVQ", off)}
	case cols == 4:
		return []arm64.Reg{widen(ld("FMOVD", off), false)}
	case cols == 1 && !e.half():
		return []arm64.Reg{ld("FMOVS", off)}
	case cols == 1:
		r, h := f.R(), f.V()
		f.Inst("MOVHU %v(%v), %v", []arm64.Reg{r}, []arm64.Reg{p}, arm64.Int(off), arm64.Gen(p), arm64.Gen(r))
		f.Inst("FMOVS %v, %v", []arm64.Reg{h}, []arm64.Reg{r}, arm64.Gen(r), arm64.Fp(h))
		return []arm64.Reg{widen(h, false)}
	}
	panic(fmt.Sprintf("rows: %d columns", cols))
}

// store writes the float32 vectors vs, as load read them, at column col of
// the float32 slice at p.
func (w *nwalk) store(vs []arm64.Reg, p arm64.Reg, col, cols int) {
	f, off := w.f, 4*col
	switch cols {
	case 16:
		for k := 0; k < 4; k += 2 {
			f.Inst("FSTPQ (%v, %v), %v(%v)", nil, []arm64.Reg{vs[k], vs[k+1], p}, arm64.Fp(vs[k]), arm64.Fp(vs[k+1]), arm64.Int(off+16*k), arm64.Gen(p))
		}
	case 4:
		f.Inst("FMOVQ %v, %v(%v)", nil, []arm64.Reg{vs[0], p}, arm64.Fp(vs[0]), arm64.Int(off), arm64.Gen(p))
	case 1:
		f.Inst("FMOVS %v, %v(%v)", nil, []arm64.Reg{vs[0], p}, arm64.Fp(vs[0]), arm64.Int(off), arm64.Gen(p))
	}
}

func (neonISA) addRow(e elem) {
	name := "AddRow" + e.name + "NEON"
	f := addRowKernel(name, e, gowrap.NEON)
	w := newWalk(f, []string{"acc", "row"}, []int{4, e.size})
	acc, row := w.Ptrs[0], w.Ptrs[1]
	// step adds cols weights to their accumulators: FADD, the sum's
	// operands in the scalar loop's order.
	step := func(cols int) {
		a, x := w.load(f32, acc, 0, cols), w.load(e, row, 0, cols)
		for k := range a {
			f.V3("fadd", a[k], a[k], x[k])
		}
		w.store(a, acc, 0, cols)
	}
	f.Comment("16 columns a step, then 4, then one at a time")
	w.Loop("loop16", 16, func() { step(16) })
	w.Loop("loop4", 4, func() { step(4) })
	w.Each("loop1", func() { step(1) })
	f.Ret()
}

func (neonISA) selectRow(e elem) {
	name := "Select" + e.name + "NEON"
	f := selectKernel(name, e, gowrap.NEON)
	w := newWalk(f, []string{"d", "row"}, []int{4, e.size})
	w.AtMost("x_len", 6)
	d, row := w.Ptrs[0], w.Ptrs[1]
	x, word := f.R(), f.R()
	f.Inst("MOVD %v, %v", []arm64.Reg{x}, nil, arm64.Text(f.Param("x_base")), arm64.Gen(x))
	t := f.R()
	f.Inst("MOVD $rowbits<>(SB), %v", []arm64.Reg{t}, nil, arm64.Gen(t))
	var bits [8]arm64.Reg
	for g := range bits {
		bits[g] = f.V()
		f.Inst("FMOVQ %v(%v), %v", []arm64.Reg{bits[g]}, []arm64.Reg{t}, arm64.Int(16*g), arm64.Gen(t), arm64.Fp(bits[g]))
	}
	// dup returns the low 32 bits of r in every lane of a new vector.
	dup := func(r arm64.Reg) arm64.Reg {
		v := f.V()
		f.Inst("VDUP %v, %v", []arm64.Reg{v}, []arm64.Reg{r}, arm64.Gen(r), arm64.Vec(v, "S4"))
		return v
	}
	// mask returns the lanes of v (a 32-bit half of spike bits) whose bit
	// in rowbits vector g is set, all ones.
	mask := func(v arm64.Reg, g int) arm64.Reg {
		m := f.V()
		f.Inst("VCMTST %v, %v, %v", []arm64.Reg{m}, []arm64.Reg{bits[g], v}, arm64.Vec(bits[g], "S4"), arm64.Vec(v, "S4"), arm64.Vec(m, "S4"))
		return m
	}
	// step stores the cols weights from column col, ANDed with their
	// masks: the weight's bits or +0.
	step := func(col, cols int, masks []arm64.Reg) {
		x := w.load(e, row, col, cols)
		for k := range x {
			f.Inst("VAND %v, %v, %v", []arm64.Reg{x[k]}, []arm64.Reg{masks[k], x[k]}, arm64.Vec(masks[k], "B16"), arm64.Vec(x[k], "B16"), arm64.Vec(x[k], "B16"))
		}
		w.store(x, d, col, cols)
	}
	shift := func(k int) {
		f.Inst("LSR $%v, %v", []arm64.Reg{word}, []arm64.Reg{word}, arm64.Int(k), arm64.Gen(word))
	}

	f.Comment("64 columns (one spike word) a step")
	w.Loop("loop64", 64, func() {
		f.Inst("MOVD.P 8(%v), %v", []arm64.Reg{word, x}, []arm64.Reg{x}, arm64.Gen(x), arm64.Gen(word))
		hi := f.R()
		f.Inst("LSR $32, %v, %v", []arm64.Reg{hi}, []arm64.Reg{word}, arm64.Gen(word), arm64.Gen(hi))
		halves := [2]arm64.Reg{dup(word), dup(hi)}
		for c := range 4 {
			var masks []arm64.Reg
			for g := 4 * c; g < 4*c+4; g++ {
				masks = append(masks, mask(halves[g/8], g%8))
			}
			step(16*c, 16, masks)
		}
	})
	f.Comment("The last n < 64 columns from the word x points to: 4 a step, then one at a time")
	f.Branch("CBZ", f.Name+"_done", w.N)
	f.Inst("MOVD (%v), %v", []arm64.Reg{word}, []arm64.Reg{x}, arm64.Gen(x), arm64.Gen(word))
	w.Loop("loop4", 4, func() {
		step(0, 4, []arm64.Reg{mask(dup(word), 0)})
		shift(4)
	})
	w.Each("loop1", func() {
		r, m := f.R(), f.V()
		f.Inst("SBFX $0, %v, $1, %v", []arm64.Reg{r}, []arm64.Reg{word}, arm64.Gen(word), arm64.Gen(r)) // 0 or −1
		f.Inst("FMOVS %v, %v", []arm64.Reg{m}, []arm64.Reg{r}, arm64.Gen(r), arm64.Fp(m))
		step(0, 1, []arm64.Reg{m})
		shift(1)
	})
	f.Label(f.Name + "_done")
	f.Ret()
}
