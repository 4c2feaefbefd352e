package main

import (
	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// neonISA lowers the conversions to NEON, eight elements a vector (one Q
// register of halves, two of floats): FCVTL and FCVTL2 widen the low and
// high four halves of a vector to floats, FCVTN and FCVTN2 narrow four
// floats into the low and high halves of one. With fhm (FEAT_FHM, a kernel
// of its own) it widens with FMLAL and FMLAL2 instead: −0 + h·1, exact,
// −0 keeping a half's −0 and +0 its +0, a NaN propagated with its payload,
// quieted, as FCVTL does; one micro-operation on any of Neoverse V1's four
// vector pipes, where FCVTL takes two on two of them. The tail converts
// one element at a time through lane 0 (with FCVTL, both kernels), so
// that it touches nothing past the slices.
type neonISA struct {
	fhm          bool
	f            *arm64.Func
	w            *arm64.Walk
	one, negZero arm64.Reg // FMLAL's operands: halves of 1, floats of −0
}

// neon is the family's arm64 assembly.
var neon arm64.File

func (b *neonISA) isa() gowrap.ISA {
	if b.fhm {
		return gowrap.FHM
	}
	return gowrap.NEON
}

func (b *neonISA) suffix() string {
	if b.fhm {
		return "FHM"
	}
	return "NEON"
}

func (b *neonISA) lanes() int                        { return 8 }
func (b *neonISA) lowers(c conversion) bool          { return c.widen || !b.fhm }
func (b *neonISA) comment(lines ...string)           { b.f.Comment(lines...) }
func (b *neonISA) loop(l string, k int, body func()) { b.w.Loop(l, k, body) }

func (b *neonISA) start(c conversion, d declaration) gowrap.Func {
	f, fn := gowrap.DeclareARM64(&neon, d.name, d.params, "", d.doc, b.isa(), d.body, args)
	dst, src := c.sizes()
	b.f, b.w = f, arm64.NewWalk(f, []string{"dst", "src"}, []int{dst, src})
	if b.fhm {
		b.one, b.negZero = b.dup(0x3c00, "H8"), b.dup(0x80000000, "S4")
	}
	return fn
}

// dup returns a vector of the constant k in every lane of arrangement arr.
func (b *neonISA) dup(k uint32, arr string) arm64.Reg {
	r, x := b.f.R(), b.f.V()
	b.f.Inst("MOVD $%v, %v", []arm64.Reg{r}, nil, arm64.Int(int(k)), arm64.Gen(r))
	b.f.Inst("VDUP %v, %v", []arm64.Reg{x}, []arm64.Reg{r}, arm64.Gen(r), arm64.Vec(x, arr))
	return x
}

// load and store move vectors at 16 bytes apart from off(base): two at a
// time (LDP, STP: one instruction, half the stores' issue slots), the last
// alone where they are odd.
func (b *neonISA) load(vs []arm64.Reg, base arm64.Reg, off int) {
	for i := 0; i < len(vs); i += 2 {
		if i+1 < len(vs) {
			b.f.Inst("FLDPQ %v(%v), (%v, %v)", []arm64.Reg{vs[i], vs[i+1]}, []arm64.Reg{base},
				arm64.Int(off+16*i), arm64.Gen(base), arm64.Fp(vs[i]), arm64.Fp(vs[i+1]))
		} else {
			b.f.Inst("FMOVQ %v(%v), %v", []arm64.Reg{vs[i]}, []arm64.Reg{base},
				arm64.Int(off+16*i), arm64.Gen(base), arm64.Fp(vs[i]))
		}
	}
}

func (b *neonISA) store(vs []arm64.Reg, base arm64.Reg, off int) {
	for i := 0; i < len(vs); i += 2 {
		if i+1 < len(vs) {
			b.f.Inst("FSTPQ (%v, %v), %v(%v)", nil, []arm64.Reg{vs[i], vs[i+1], base},
				arm64.Fp(vs[i]), arm64.Fp(vs[i+1]), arm64.Int(off+16*i), arm64.Gen(base))
		} else {
			b.f.Inst("FMOVQ %v, %v(%v)", nil, []arm64.Reg{vs[i], base},
				arm64.Fp(vs[i]), arm64.Int(off+16*i), arm64.Gen(base))
		}
	}
}

// regs allocates k vector registers.
func (b *neonISA) regs(k int) []arm64.Reg {
	vs := make([]arm64.Reg, k)
	for i := range vs {
		vs[i] = b.f.V()
	}
	return vs
}

func (b *neonISA) vectors(c conversion, k int) {
	dst, src := b.w.Ptrs[0], b.w.Ptrs[1]
	halves, floats := b.regs(k), b.regs(2*k) // floats: each vector's low then high four
	if c.widen {
		b.load(halves, src, 0)
		for i, h := range halves {
			lo, hi := floats[2*i], floats[2*i+1]
			if b.fhm {
				b.f.Copy(lo, b.negZero)
				b.f.V3("fmlal", lo, h, b.one)
				b.f.Copy(hi, b.negZero)
				b.f.V3("fmlal2", hi, h, b.one)
			} else {
				b.f.V2("fcvtl", lo, h)
				b.f.V2("fcvtl2", hi, h)
			}
		}
		b.store(floats, dst, 0)
		return
	}
	b.load(floats, src, 0)
	for i, h := range halves {
		b.f.V2("fcvtn", h, floats[2*i])
		b.f.V2("fcvtn2", h, floats[2*i+1])
	}
	b.store(halves, dst, 0)
}

func (b *neonISA) tail(c conversion) {
	f, dst, src := b.f, b.w.Ptrs[0], b.w.Ptrs[1]
	f.Comment("The tail, n < 8: one element at a time, in lane 0")
	b.w.Each("tail", func() {
		x, y := f.V(), f.V()
		f.Inst("VMOVI $0, %v", []arm64.Reg{x}, nil, arm64.Vec(x, "B16"))
		if c.widen {
			f.Inst("VLD1 (%v), %v[0]", []arm64.Reg{x}, []arm64.Reg{x, src}, arm64.Gen(src), arm64.Vec(x, "H"))
			f.V2("fcvtl", y, x)
			f.Inst("VST1 %v[0], (%v)", nil, []arm64.Reg{y, dst}, arm64.Vec(y, "S"), arm64.Gen(dst))
		} else {
			f.Inst("VLD1 (%v), %v[0]", []arm64.Reg{x}, []arm64.Reg{x, src}, arm64.Gen(src), arm64.Vec(x, "S"))
			f.V2("fcvtn", y, x)
			f.Inst("VST1 %v[0], (%v)", nil, []arm64.Reg{y, dst}, arm64.Vec(y, "H"), arm64.Gen(dst))
		}
	})
	f.Ret()
}
