package main

import (
	"fmt"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// The NEON conversions: FCVTL and FCVTL2 widen the low and high four halves
// of a vector to floats, FCVTN and FCVTN2 narrow four floats into the low and
// high halves of one; both give x448's bits, NaNs included (FPCR as Go leaves
// it: round to nearest even, no flush to zero, NaNs propagated). Eight halves
// a vector, four vectors an iteration, then one vector at a time, then one
// element at a time through lane 0, so that the tail touches nothing past
// the slices.

// neon is the family's arm64 assembly.
var neon arm64.File

// neonKernel starts NEON kernel name, converting between slices dst and src
// whose elements are dstSize and srcSize bytes, and returns its walk
// (Ptrs: dst, src).
func neonKernel(name, sig string, dstSize, srcSize int, doc []string) (*arm64.Func, *arm64.Walk) {
	raw := gowrap.Lower(name)
	f := arm64.NewFunc(raw, sig, raw+" is the kernel of "+name+".")
	params := sig[len("func(") : len(sig)-1]
	funcs = append(funcs, gowrap.Func{
		Name: name, Doc: append(doc, "", gowrap.NEON.Doc), Params: params,
		Body: []string{
			fmt.Sprintf("%s(%q)", gowrap.NEON.Require, name),
			"n := min(len(dst), len(src))",
			"raceWrite(dst[:n])",
			"raceRead(src[:n])",
			raw + "(dst, src)",
		},
		Raw: raw, RawParams: params, ISA: gowrap.NEON.Name,
		Args: []gowrap.Arg{{Name: "dst", Kind: "n", Out: true}, {Name: "src", Kind: "n"}},
	})
	neon.Funcs = append(neon.Funcs, f)
	// n = min(len(dst), len(src)): never write past dst
	return f, arm64.NewWalk(f, []string{"dst", "src"}, []int{dstSize, srcSize})
}

// loadQ and storeQ move the 16 bytes at off(base).
func loadQ(f *arm64.Func, v, base arm64.Reg, off int) {
	f.Inst("FMOVQ %v(%v), %v", []arm64.Reg{v}, []arm64.Reg{base}, arm64.Int(off), arm64.Gen(base), arm64.Fp(v))
}

func storeQ(f *arm64.Func, v, base arm64.Reg, off int) {
	f.Inst("FMOVQ %v, %v(%v)", nil, []arm64.Reg{v, base}, arm64.Fp(v), arm64.Int(off), arm64.Gen(base))
}

// loadQQ and storeQQ move the 32 bytes at off(base), a pair of registers
// (LDP, STP: one instruction, half the stores' issue slots).
func loadQQ(f *arm64.Func, v, w, base arm64.Reg, off int) {
	f.Inst("FLDPQ %v(%v), (%v, %v)", []arm64.Reg{v, w}, []arm64.Reg{base}, arm64.Int(off), arm64.Gen(base), arm64.Fp(v), arm64.Fp(w))
}

func storeQQ(f *arm64.Func, v, w, base arm64.Reg, off int) {
	f.Inst("FSTPQ (%v, %v), %v(%v)", nil, []arm64.Reg{v, w, base}, arm64.Fp(v), arm64.Fp(w), arm64.Int(off), arm64.Gen(base))
}

func toFloat32NEON() {
	const name = "ToFloat32NEON"
	f, s := neonKernel(name, "func(dst []float32, src []uint16)", 4, 2, toDoc(name))
	dst, src := s.Ptrs[0], s.Ptrs[1]
	f.Comment("8 halves a vector, 4 vectors an iteration: loads first, then stores")
	s.Loop("loop32", 8*unroll, func() {
		var h, lo, hi [unroll]arm64.Reg
		for k := 0; k < unroll; k += 2 {
			h[k], h[k+1] = f.V(), f.V()
			loadQQ(f, h[k], h[k+1], src, 16*k)
		}
		for k := range h {
			lo[k], hi[k] = f.V(), f.V()
			f.V2("fcvtl", lo[k], h[k])
			f.V2("fcvtl2", hi[k], h[k])
		}
		for k := range h {
			storeQQ(f, lo[k], hi[k], dst, 32*k)
		}
	})
	f.Comment("One vector at a time, then n < 8")
	s.Loop("loop8", 8, func() {
		h, lo, hi := f.V(), f.V(), f.V()
		loadQ(f, h, src, 0)
		f.V2("fcvtl", lo, h)
		f.V2("fcvtl2", hi, h)
		storeQ(f, lo, dst, 0)
		storeQ(f, hi, dst, 16)
	})
	f.Comment("The tail, n < 8: one element at a time, in lane 0")
	s.Each("tail", func() {
		h, x := f.V(), f.V()
		f.Inst("VMOVI $0, %v", []arm64.Reg{h}, nil, arm64.Vec(h, "B16"))
		f.Inst("VLD1 (%v), %v[0]", []arm64.Reg{h}, []arm64.Reg{h, src}, arm64.Gen(src), arm64.Vec(h, "H"))
		f.V2("fcvtl", x, h)
		f.Inst("VST1 %v[0], (%v)", nil, []arm64.Reg{x, dst}, arm64.Vec(x, "S"), arm64.Gen(dst))
	})
	f.Ret()
}

func fromFloat32NEON() {
	const name = "FromFloat32NEON"
	f, s := neonKernel(name, "func(dst []uint16, src []float32)", 2, 4, fromDoc(name))
	dst, src := s.Ptrs[0], s.Ptrs[1]
	f.Comment("8 floats a vector of halves, 4 such an iteration: loads first, then stores")
	s.Loop("loop32", 8*unroll, func() {
		var lo, hi, h [unroll]arm64.Reg
		for k := range lo {
			lo[k], hi[k] = f.V(), f.V()
			loadQQ(f, lo[k], hi[k], src, 32*k)
		}
		for k := range lo {
			h[k] = f.V()
			f.V2("fcvtn", h[k], lo[k])
			f.V2("fcvtn2", h[k], hi[k])
		}
		for k := 0; k < unroll; k += 2 {
			storeQQ(f, h[k], h[k+1], dst, 16*k)
		}
	})
	f.Comment("One vector at a time, then n < 8")
	s.Loop("loop8", 8, func() {
		lo, hi, h := f.V(), f.V(), f.V()
		loadQ(f, lo, src, 0)
		loadQ(f, hi, src, 16)
		f.V2("fcvtn", h, lo)
		f.V2("fcvtn2", h, hi)
		storeQ(f, h, dst, 0)
	})
	f.Comment("The tail, n < 8: one element at a time, in lane 0")
	s.Each("tail", func() {
		x, h := f.V(), f.V()
		f.Inst("VMOVI $0, %v", []arm64.Reg{x}, nil, arm64.Vec(x, "B16"))
		f.Inst("VLD1 (%v), %v[0]", []arm64.Reg{x}, []arm64.Reg{x, src}, arm64.Gen(src), arm64.Vec(x, "S"))
		f.V2("fcvtn", h, x)
		f.Inst("VST1 %v[0], (%v)", nil, []arm64.Reg{h, dst}, arm64.Vec(h, "H"), arm64.Gen(dst))
	})
	f.Ret()
}
