package syn

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/cpu"
)

// kernels is one implementation of the sparse synaptic kernels: the
// scatters of event-driven rows on sparse storage. (The dense sums and row
// operations are package vec's: syn calls vec.Add, vec.AddF16,
// vec.MaskedSums, vec.MaskedSumsF16, vec.Select and vec.SelectF16, which run
// the path vec selects, the same as this package's.)
type kernels struct {
	path cpu.Path
	name string

	// scatter adds w[k] to acc[idx[k]] for every k: the event-driven
	// update of one synchronous spike on sparse storage (the indices of a
	// row increase strictly, as package asm's scatters require). scatter16
	// may use buf, of at least min(len(idx), chunk) values, as scratch.
	scatter16 func(acc []float32, idx []int32, w []float16.Float16, buf []float32)
	scatter32 func(acc []float32, idx []int32, w []float32)
	// prefetch asks for the cache lines of b without waiting for them,
	// or does nothing: before the rows of a step's spikes are added.
	prefetch func(b []byte)
}

// generic is the portable implementation, plain Go on every platform
// (kernels_generic.go).
var generic = kernels{
	path:      cpu.Generic,
	name:      "generic",
	scatter16: scatter16Generic,
	scatter32: scatter32Generic,
	prefetch:  func([]byte) {}, // portable Go has no prefetch
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)
