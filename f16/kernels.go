package f16

import "github.com/x448/float16"

// kernels is one implementation of the conversions. Each kernel converts
// whole slices, whose lengths the exported functions have checked to be equal
// and non-zero.
type kernels struct {
	name string

	toFloat32   func(dst []float32, src []float16.Float16)
	fromFloat32 func(dst []float16.Float16, src []float32)
}

// generic is the portable implementation, plain Go built on every platform
// (kernels_generic.go).
var generic = kernels{
	name:        "generic",
	toFloat32:   toFloat32Generic,
	fromFloat32: fromFloat32Generic,
}

// impl is the implementation every conversion runs: the one place where the
// package picks its path. Today that is always the portable Go kernels; the
// SIMD paths (F16C/AVX-512, NEON) are chosen here, once, from the CPU's
// features.
var impl = &generic
