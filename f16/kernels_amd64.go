//go:build amd64 && !purego

package f16

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/asm"
	"github.com/sparkgo/spark/internal/cpu"
)

// avx2 converts with F16C, 8 elements a vector (asm.ToFloat32AVX2,
// asm.FromFloat32AVX2).
var avx2 = kernels{
	path: cpu.AVX2,
	name: "avx2",
	toFloat32: func(dst []float32, src []float16.Float16) {
		asm.ToFloat32AVX2(dst, halfBits(src))
	},
	fromFloat32: func(dst []float16.Float16, src []float32) {
		asm.FromFloat32AVX2(halfBits(dst), src)
	},
}

// avx512 converts with AVX-512, 16 elements a vector and an opmasked tail
// (asm.ToFloat32AVX512, asm.FromFloat32AVX512).
var avx512 = kernels{
	path: cpu.AVX512,
	name: "avx512",
	toFloat32: func(dst []float32, src []float16.Float16) {
		asm.ToFloat32AVX512(dst, halfBits(src))
	},
	fromFloat32: func(dst []float16.Float16, src []float32) {
		asm.FromFloat32AVX512(halfBits(dst), src)
	},
}

// archKernels returns the assembly implementations; cpu.Dispatch keeps
// those the CPU can run.
func archKernels() []*kernels { return []*kernels{&avx2, &avx512} }
