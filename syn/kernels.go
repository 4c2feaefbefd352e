package syn

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/cpu"
)

// kernels is one implementation of the synaptic building blocks. Rows hold
// weights with their signs folded in; spike words are a row's bits, bit j%64
// of word j/64 for column j. Every implementation sums in the same order
// (ref.MaskedSum's), so that all give the same bits.
type kernels struct {
	path cpu.Path
	name string

	// addRow adds row to acc element-wise: acc[i] += row[i]. It is the
	// event-driven update of one synchronous spike. addRow16 may use buf,
	// of at least min(len(acc), chunk) values, as scratch.
	addRow16 func(acc []float32, row []float16.Float16, buf []float32)
	addRow32 func(acc []float32, row []float32)
	// maskedSum returns Σ row[j] over the bits of x set, in the order of
	// ref.MaskedSum: one post unit's input from asynchronous spikes.
	maskedSum16 func(row []float16.Float16, x []uint64) float32
	maskedSum32 func(row []float32, x []uint64) float32
	// select sets d[j] to row[j] where bit j of x is set and to 0
	// elsewhere: the drive of one post unit's per-synapse traces.
	select16 func(d []float32, row []float16.Float16, x []uint64)
	select32 func(d []float32, row []float32, x []uint64)
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
	path:        cpu.Generic,
	name:        "generic",
	addRow16:    addRow16Generic,
	addRow32:    addRow32Generic,
	maskedSum16: maskedSum16Generic,
	maskedSum32: maskedSum32Generic,
	select16:    select16Generic,
	select32:    select32Generic,
	scatter16:   scatter16Generic,
	scatter32:   scatter32Generic,
	prefetch:    func([]byte) {}, // portable Go has no prefetch
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)
