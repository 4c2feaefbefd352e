// Command f16 generates the bulk binary16 ↔ float32 conversion kernels of
// package asm (asm/f16_amd64.s, asm/f16_arm64.s and their Go declarations):
//
//	go run ./f16 -out ../asm/f16_amd64.s -stubs ../asm/f16_amd64.go -pkg asm
//
// Each conversion is described once (conversions: its direction, element
// sizes and doc) and lowered for each ISA (lowering: AVX2 and AVX-512 in
// amd64.go, NEON and NEON with FEAT_FHM in neon.go). Every kernel has the
// same shape: a loop of four vectors an iteration, loads first, then
// stores; a loop of one vector; then the tail, which each ISA does its own
// way without touching anything past the slices.
//
// Every element, tails included, is converted by the hardware (VCVTPH2PS;
// VCVTPS2PH rounding to nearest even; FCVTL, FMLAL, FCVTN), which gives the
// bits of github.com/x448/float16 on every input, NaNs included: each sets
// the quiet bit and keeps the sign and the top payload bits. MXCSR and FPCR
// do not matter: VCVTPS2PH takes its rounding from the immediate, Go runs
// with DAZ, FTZ, FZ and DN off, and a float32 subnormal, the only input DAZ
// could touch, rounds to ±0 either way.
//
// Each kernel converts n = min(len(dst), len(src)) elements, reads nothing
// past src[n-1] and writes nothing past dst[n-1].
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// unroll is the number of vectors one main-loop iteration converts.
const unroll = 4

// A conversion is one kernel family: halves to floats (widen) or floats to
// halves.
type conversion struct {
	name  string
	widen bool
}

var conversions = []conversion{{"ToFloat32", true}, {"FromFloat32", false}}

// sizes are the bytes of an element of dst and of src.
func (c conversion) sizes() (dst, src int) {
	if c.widen {
		return 4, 2
	}
	return 2, 4
}

// params are the kernel's parameters.
func (c conversion) params() string {
	if c.widen {
		return "dst []float32, src []uint16"
	}
	return "dst []uint16, src []float32"
}

// elements names what src holds, for the comments.
func (c conversion) elements() string {
	if c.widen {
		return "halves"
	}
	return "floats"
}

// doc is the doc comment of kernel name, whatever the ISA.
func (c conversion) doc(name string) []string {
	if c.widen {
		return []string{
			name + " sets dst[i] to the float32 value of the IEEE binary16 value with",
			"bits src[i], for every i < min(len(dst), len(src)), as",
			"float16.Float16(src[i]).Float32() of github.com/x448/float16 does: exactly;",
			"a NaN keeps its sign and payload and gets its quiet bit set.",
		}
	}
	return []string{
		name + " sets dst[i] to the bits of the IEEE binary16 value nearest to",
		"src[i], ties to even, for every i < min(len(dst), len(src)), as",
		"float16.Fromfloat32(src[i]) of github.com/x448/float16 does: finite values",
		"of magnitude 65520 or more give ±Inf, subnormal halves are kept, and a NaN",
		"keeps its sign and the top 10 bits of its payload and gets its quiet bit set.",
	}
}

// A lowering writes the conversions for one ISA.
type lowering interface {
	isa() gowrap.ISA
	suffix() string // of the kernels' names: "AVX2"…
	lanes() int     // elements a vector
	// lowers reports whether the ISA has its own kernel of c.
	lowers(c conversion) bool
	// start declares the kernel and sets up its walk over the slices.
	start(c conversion, d declaration) gowrap.Func
	comment(lines ...string)
	// loop emits `for n >= k { body(); advance k elements }`.
	loop(label string, k int, body func())
	// vectors converts k vectors at the walk's pointers: loads first,
	// then stores.
	vectors(c conversion, k int)
	// tail converts the n < lanes() elements left and returns.
	tail(c conversion)
}

// emit writes conversion c for l.
func emit(c conversion, l lowering) {
	name := c.name + l.suffix()
	funcs = append(funcs, l.start(c, declaration{
		name: name, params: c.params(), doc: c.doc(name),
		body: []string{"n := min(len(dst), len(src))", "raceWrite(dst[:n])", "raceRead(src[:n])"},
	}))
	k := l.lanes()
	l.comment(fmt.Sprintf("%d %s a vector, %d vectors an iteration: loads first, then stores", k, c.elements(), unroll))
	l.loop(fmt.Sprintf("loop%d", unroll*k), unroll*k, func() { l.vectors(c, unroll) })
	l.comment(fmt.Sprintf("One vector at a time, then n < %d", k))
	l.loop(fmt.Sprintf("loop%d", k), k, func() { l.vectors(c, 1) })
	l.tail(c)
}

// A declaration is what gowrap.Declare and DeclareARM64 take of a kernel.
type declaration struct {
	name, params string
	doc, body    []string
}

// args says what the parameters are, for the tests: n elements each.
func args([]string) []gowrap.Arg {
	return []gowrap.Arg{{Name: "dst", Kind: "n", Out: true}, {Name: "src", Kind: "n"}}
}

// funcs are the checked kernels users call, one per raw kernel written.
var funcs []gowrap.Func

func main() {
	// avo v0.5.0 parses the old "+build" syntax (a comma is "and") and
	// prints "//go:build amd64 && !purego".
	ConstraintExpr("amd64,!purego")
	for _, l := range []lowering{&x86{wide: false}, &x86{wide: true}, &neonISA{}, &neonISA{fhm: true}} {
		for _, c := range conversions {
			if l.lowers(c) {
				emit(c, l)
			}
		}
	}
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neon})
}
