package vec

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/cpu"
)

// kernels is one implementation of the package's kernels. Each takes
// slices whose lengths the exported functions have checked: equal, and
// for spike words exactly one bit per element, the last word's bits past
// the elements ignored.
type kernels struct {
	path cpu.Path
	name string

	dot    func(x, y []float32) float32
	dotF16 func(w []float16.Float16, x []float32) float32
	sum    func(x []float32) float32
	// The streaming sums: the same, asking for the cache lines ahead (for
	// slices that come from DRAM; slower on slices in cache).
	dotStream    func(x, y []float32) float32
	dotF16Stream func(w []float16.Float16, x []float32) float32
	sumStream    func(x []float32) float32
	axpy         func(y []float32, a float32, x []float32)
	axpyF16      func(y []float32, a float32, w []float16.Float16)
	scale        func(x []float32, a float32)
	add          func(y, x []float32)
	addF16       func(y []float32, w []float16.Float16)
	maskedSum    func(w []float32, x []uint64) float32
	maskedSumF16 func(w []float16.Float16, x []uint64) float32
	// The dense masked sums of each row of a matrix of cols columns, in
	// one call: y[i] = maskedSum(row i, its spike words).
	maskedSums    func(y, w []float32, cols int, x []uint64)
	maskedSumsF16 func(y []float32, w []float16.Float16, cols int, x []uint64)
	select32      func(d, w []float32, x []uint64)
	select16      func(d []float32, w []float16.Float16, x []uint64)

	// Where a masked sum takes the sparse form rather than the dense
	// kernel (see rules): the rules measured for the path on the CPU.
	rules32 *rules[float32]
	rules16 *rules[float16.Float16]
}

// generic is the portable implementation, plain Go built on every platform
// (kernels_generic.go).
var generic = kernels{
	path:         cpu.Generic,
	name:         "generic",
	dot:          dotGeneric,
	dotF16:       dotF16Generic,
	sum:          sumGeneric,
	dotStream:    dotGeneric, // portable Go has no prefetch
	dotF16Stream: dotF16Generic,
	sumStream:    sumGeneric,
	axpy:         axpyGeneric,
	axpyF16:      axpyF16Generic,
	scale:        scaleGeneric,
	add:          addGeneric,
	addF16:       addF16Generic,
	maskedSum:    maskedSumGeneric,
	maskedSumF16: maskedSumF16Generic,
	maskedSums: func(y, w []float32, cols int, x []uint64) {
		eachRow(y, w, cols, x, maskedSumGeneric)
	},
	maskedSumsF16: func(y []float32, w []float16.Float16, cols int, x []uint64) {
		eachRow(y, w, cols, x, maskedSumF16Generic)
	},
	select32: selectGeneric,
	select16: selectF16Generic,
	rules32:  &denseF32, // its dense kernel is the sparse form
	rules16:  &denseF16,
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)
