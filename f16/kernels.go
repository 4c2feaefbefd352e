package f16

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/cpu"
)

// kernels is one implementation of the conversions. Each kernel converts
// whole slices, whose lengths the exported functions have checked to be equal
// and non-zero.
type kernels struct {
	path cpu.Path
	name string

	toFloat32   func(dst []float32, src []float16.Float16)
	fromFloat32 func(dst []float16.Float16, src []float32)
}

// generic is the portable implementation, plain Go built on every platform
// (kernels_generic.go).
var generic = kernels{
	path:        cpu.Generic,
	name:        "generic",
	toFloat32:   toFloat32Generic,
	fromFloat32: fromFloat32Generic,
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)
