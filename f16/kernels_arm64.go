//go:build arm64 && !purego

package f16

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/asm"
	"github.com/sparkgo/spark/internal/cpu"
)

// neon converts 8 elements a vector: halves to floats with FMLAL where the
// CPU has FEAT_FHM (asm.ToFloat32FHM: one micro-operation a vector on any
// vector pipe of a Neoverse V1, where FCVTL takes two on two of them), else
// with FCVTL (asm.ToFloat32NEON); floats to halves with FCVTN
// (asm.FromFloat32NEON). Both widenings give the same bits, x448's
// (kernels_arm64_test.go checks them against each other on every half).
var neon = kernels{
	path:      cpu.NEON,
	name:      "neon",
	toFloat32: neonToFloat32(asm.HasFHM()),
	fromFloat32: func(dst []float16.Float16, src []float32) {
		asm.FromFloat32NEON(halfBits(dst), src)
	},
}

// neonToFloat32 is the NEON widening: FMLAL's if fhm, else FCVTL's.
func neonToFloat32(fhm bool) func(dst []float32, src []float16.Float16) {
	if fhm {
		return func(dst []float32, src []float16.Float16) { asm.ToFloat32FHM(dst, halfBits(src)) }
	}
	return func(dst []float32, src []float16.Float16) { asm.ToFloat32NEON(dst, halfBits(src)) }
}

// archKernels returns the assembly implementations; cpu.Dispatch keeps
// those the CPU can run.
func archKernels() []*kernels { return []*kernels{&neon} }
