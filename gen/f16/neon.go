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
// whose elements are dstSize and srcSize bytes, and returns its walk.
func neonKernel(name, sig string, dstSize, srcSize int, doc []string) *neonStream {
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
	s := &neonStream{f: f, name: name, dst: f.R(), src: f.R(), n: f.R(), dstSize: dstSize, srcSize: srcSize}
	m := f.R()
	f.Inst("MOVD %v, %v", []arm64.Reg{s.dst}, nil, arm64.Text(f.Param("dst_base")), arm64.Gen(s.dst))
	f.Inst("MOVD %v, %v", []arm64.Reg{s.src}, nil, arm64.Text(f.Param("src_base")), arm64.Gen(s.src))
	f.Inst("MOVD %v, %v", []arm64.Reg{s.n}, nil, arm64.Text(f.Param("src_len")), arm64.Gen(s.n))
	f.Inst("MOVD %v, %v", []arm64.Reg{m}, nil, arm64.Text(f.Param("dst_len")), arm64.Gen(m))
	f.Inst("CMP %v, %v", nil, []arm64.Reg{m, s.n}, arm64.Gen(m), arm64.Gen(s.n))
	// n = min(len(dst), len(src)): never write past dst
	f.Inst("CSEL LT, %v, %v, %v", []arm64.Reg{s.n}, []arm64.Reg{m, s.n}, arm64.Gen(s.n), arm64.Gen(m), arm64.Gen(s.n))
	return s
}

// neonStream is a NEON kernel's walk over its slices, as stream is AVX's.
type neonStream struct {
	f                *arm64.Func
	name             string
	dst, src, n      arm64.Reg
	dstSize, srcSize int
}

// loop emits `for n >= k { body(); advance by k; n -= k }`.
func (s *neonStream) loop(label string, k int, body func()) {
	f := s.f
	top, end := s.name+"_"+label, s.name+"_"+label+"_end"
	f.Inst("CMP $%v, %v", nil, []arm64.Reg{s.n}, arm64.Int(k), arm64.Gen(s.n))
	f.Branch("BLO", end)
	f.Label(top)
	body()
	f.Inst("ADD $%v, %v", []arm64.Reg{s.src}, []arm64.Reg{s.src}, arm64.Int(k*s.srcSize), arm64.Gen(s.src))
	f.Inst("ADD $%v, %v", []arm64.Reg{s.dst}, []arm64.Reg{s.dst}, arm64.Int(k*s.dstSize), arm64.Gen(s.dst))
	f.Inst("SUB $%v, %v", []arm64.Reg{s.n}, []arm64.Reg{s.n}, arm64.Int(k), arm64.Gen(s.n))
	f.Inst("CMP $%v, %v", nil, []arm64.Reg{s.n}, arm64.Int(k), arm64.Gen(s.n))
	f.Branch("BHS", top)
	f.Label(end)
}

// each emits `for n > 0 { body(); n-- }`, body advancing the pointers.
func (s *neonStream) each(label string, body func()) {
	f := s.f
	top, end := s.name+"_"+label, s.name+"_"+label+"_end"
	f.Label(top)
	f.Branch("CBZ", end, s.n)
	body()
	f.Inst("SUB $1, %v", []arm64.Reg{s.n}, []arm64.Reg{s.n}, arm64.Gen(s.n))
	f.Branch("", top)
	f.Label(end)
	f.Ret()
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
	s := neonKernel(name, "func(dst []float32, src []uint16)", 4, 2, toDoc(name))
	f := s.f
	f.Comment("8 halves a vector, 4 vectors an iteration: loads first, then stores")
	s.loop("loop32", 8*unroll, func() {
		var h, lo, hi [unroll]arm64.Reg
		for k := 0; k < unroll; k += 2 {
			h[k], h[k+1] = f.V(), f.V()
			loadQQ(f, h[k], h[k+1], s.src, 16*k)
		}
		for k := range h {
			lo[k], hi[k] = f.V(), f.V()
			f.V2("fcvtl", lo[k], h[k])
			f.V2("fcvtl2", hi[k], h[k])
		}
		for k := range h {
			storeQQ(f, lo[k], hi[k], s.dst, 32*k)
		}
	})
	f.Comment("One vector at a time, then n < 8")
	s.loop("loop8", 8, func() {
		h, lo, hi := f.V(), f.V(), f.V()
		loadQ(f, h, s.src, 0)
		f.V2("fcvtl", lo, h)
		f.V2("fcvtl2", hi, h)
		storeQ(f, lo, s.dst, 0)
		storeQ(f, hi, s.dst, 16)
	})
	f.Comment("The tail, n < 8: one element at a time, in lane 0")
	s.each("tail", func() {
		h, x := f.V(), f.V()
		f.Inst("VMOVI $0, %v", []arm64.Reg{h}, nil, arm64.Vec(h, "B16"))
		f.Inst("VLD1.P 2(%v), %v[0]", []arm64.Reg{h, s.src}, []arm64.Reg{h, s.src}, arm64.Gen(s.src), arm64.Vec(h, "H"))
		f.V2("fcvtl", x, h)
		f.Inst("VST1.P %v[0], 4(%v)", []arm64.Reg{s.dst}, []arm64.Reg{x, s.dst}, arm64.Vec(x, "S"), arm64.Gen(s.dst))
	})
}

func fromFloat32NEON() {
	const name = "FromFloat32NEON"
	s := neonKernel(name, "func(dst []uint16, src []float32)", 2, 4, fromDoc(name))
	f := s.f
	f.Comment("8 floats a vector of halves, 4 such an iteration: loads first, then stores")
	s.loop("loop32", 8*unroll, func() {
		var lo, hi, h [unroll]arm64.Reg
		for k := range lo {
			lo[k], hi[k] = f.V(), f.V()
			loadQQ(f, lo[k], hi[k], s.src, 32*k)
		}
		for k := range lo {
			h[k] = f.V()
			f.V2("fcvtn", h[k], lo[k])
			f.V2("fcvtn2", h[k], hi[k])
		}
		for k := 0; k < unroll; k += 2 {
			storeQQ(f, h[k], h[k+1], s.dst, 16*k)
		}
	})
	f.Comment("One vector at a time, then n < 8")
	s.loop("loop8", 8, func() {
		lo, hi, h := f.V(), f.V(), f.V()
		loadQ(f, lo, s.src, 0)
		loadQ(f, hi, s.src, 16)
		f.V2("fcvtn", h, lo)
		f.V2("fcvtn2", h, hi)
		storeQ(f, h, s.dst, 0)
	})
	f.Comment("The tail, n < 8: one element at a time, in lane 0")
	s.each("tail", func() {
		x, h := f.V(), f.V()
		f.Inst("VMOVI $0, %v", []arm64.Reg{x}, nil, arm64.Vec(x, "B16"))
		f.Inst("VLD1.P 4(%v), %v[0]", []arm64.Reg{x, s.src}, []arm64.Reg{x, s.src}, arm64.Gen(s.src), arm64.Vec(x, "S"))
		f.V2("fcvtn", h, x)
		f.Inst("VST1.P %v[0], 2(%v)", []arm64.Reg{s.dst}, []arm64.Reg{h, s.dst}, arm64.Vec(h, "H"), arm64.Gen(s.dst))
	})
}
