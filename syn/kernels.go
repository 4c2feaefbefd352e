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

	// rows16 and rows32, where not nil, add the rows of a step's spikes
	// in one call: for each j of rows, the weights w[start[j]:start[j+1]]
	// to acc at idx[start[j]:start[j+1]], as scatter16 and scatter32 row
	// by row. Where they are nil, addRows16 and addRows32 prefetch the
	// rows, then scatter them one by one.
	rows16 func(acc []float32, idx []int32, w []float16.Float16, start []int32, rows []int)
	rows32 func(acc []float32, idx []int32, w []float32, start []int32, rows []int)
}

// addRows16 adds the rows of binary16 weights of a step's spikes (see
// rows16) to acc, with buf as scatter16's scratch.
func (k *kernels) addRows16(acc []float32, idx []int32, w []float16.Float16, start []int32, rows []int, buf []float32) {
	if k.rows16 != nil {
		k.rows16(acc, idx, w, start, rows)
		return
	}
	prefetchRows(k, idx, w, start, rows)
	for _, j := range rows {
		lo, hi := start[j], start[j+1]
		k.scatter16(acc, idx[lo:hi], w[lo:hi], buf)
	}
}

// addRows32 is addRows16 of float32 weights.
func (k *kernels) addRows32(acc []float32, idx []int32, w []float32, start []int32, rows []int) {
	if k.rows32 != nil {
		k.rows32(acc, idx, w, start, rows)
		return
	}
	prefetchRows(k, idx, w, start, rows)
	for _, j := range rows {
		lo, hi := start[j], start[j+1]
		k.scatter32(acc, idx[lo:hi], w[lo:hi])
	}
}

// prefetchRows asks for the cache lines of the rows' indices and weights
// before the first row is added, so that the misses of rows evicted since
// their last spike overlap instead of following one another.
func prefetchRows[W any](k *kernels, idx []int32, w []W, start []int32, rows []int) {
	for _, j := range rows {
		lo, hi := start[j], start[j+1]
		if lo == hi {
			continue
		}
		k.prefetch(bytesOf(idx[lo:hi]))
		k.prefetch(bytesOf(w[lo:hi]))
	}
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
