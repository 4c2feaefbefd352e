//go:build arm64 && !purego

package f16

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/asm"
	"github.com/sparkgo/spark/internal/cpu"
)

// neon converts with FCVTL and FCVTN, 8 elements a vector
// (asm.ToFloat32NEON, asm.FromFloat32NEON).
var neon = kernels{
	path: cpu.NEON,
	name: "neon",
	toFloat32: func(dst []float32, src []float16.Float16) {
		asm.ToFloat32NEON(dst, halfBits(src))
	},
	fromFloat32: func(dst []float16.Float16, src []float32) {
		asm.FromFloat32NEON(halfBits(dst), src)
	},
}

// archKernels returns the assembly implementations; cpu.Dispatch keeps
// those the CPU can run.
func archKernels() []*kernels { return []*kernels{&neon} }
