package syn

import (
	"math"
	"testing"
	"unsafe"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// sentinel fills the memory around the slices the row kernels write: a NaN
// whose payload no kernel produces, compared by its bits.
const sentinel = 0x7fa5c3e1

// rowDensities are the spike patterns of the row tests: none, sparse (1 in
// 64, the merged path of the masked sums), 1 in 8 (both paths), half, all.
var rowDensities = []struct {
	name string
	bits func(r *rng) uint64
}{
	{"none", func(*rng) uint64 { return 0 }},
	{"1/64", func(r *rng) uint64 {
		return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next()
	}},
	{"1/8", func(r *rng) uint64 { return r.Next() & r.Next() & r.Next() }},
	{"1/2", func(r *rng) uint64 { return r.Next() }},
	{"all", func(*rng) uint64 { return ^uint64(0) }},
}

// same reports whether a and b have the same bits, or are both NaN.
func same(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

// rowCase is one input of the row kernels: rows of n weights at offset off
// of larger arrays (the elements around them ±Inf and NaN, so that a weight
// read from outside the row shows), and one row of spike bits.
type rowCase struct {
	n, off  int
	special bool
	w32     []float32
	w16     []float16.Float16
	x       []uint64 // bits past n clear, as syn keeps them
	dirty   []uint64 // x with bits past n set too
	acc     []float32
}

func newRowCase(r *rng, n, off int, bits func(*rng) uint64, special bool) *rowCase {
	c := &rowCase{n: n, off: off, special: special}
	all32 := make([]float32, off+n+16)
	all16 := make([]float16.Float16, off+n+32)
	for i := range all32 {
		all32[i] = float32(math.Inf(1 - 2*(i%2)))
	}
	for i := range all16 {
		all16[i] = float16.Frombits(0x7e00 | uint16(i%3)<<15) // NaN
	}
	c.w32, c.w16 = all32[off:off+n], all16[off:off+n]
	for i := range n {
		c.w32[i], c.w16[i] = testutil.Value32(r, special), testutil.Value16(r, special)
	}
	words := spark.SpikeWords(n)
	c.x, c.dirty = make([]uint64, words), make([]uint64, words)
	for k := range c.x {
		c.dirty[k] = bits(r)
		c.x[k] = c.dirty[k]
		if rest := n - 64*k; rest < 64 {
			c.x[k] &= 1<<rest - 1
			c.dirty[k] |= r.Next() &^ (1<<rest - 1)
		}
	}
	c.acc = make([]float32, n)
	for i := range c.acc {
		c.acc[i] = testutil.Value32(r, special)
	}
	return c
}

// sameSlices fails t at the first element where got and want differ (bits,
// or NaN-ness).
func sameSlices(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if !same(got[i], want[i]) {
			t.Fatalf("%s: element %d = %v (%#x), want %v (%#x)", what, i,
				got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// checkOutside fails t if an element of all outside s (a subslice) is not
// the sentinel.
func checkOutside(t *testing.T, what string, all, s []float32) {
	t.Helper()
	lo := int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))-uintptr(unsafe.Pointer(unsafe.SliceData(all)))) / 4
	for i, v := range all {
		if (i < lo || i >= lo+len(s)) && math.Float32bits(v) != sentinel {
			t.Fatalf("%s: wrote element %d outside the slice [%d, %d)", what, i, lo, lo+len(s))
		}
	}
}

// pageEnd returns n elements of a new array, filled with fill, ending gap
// elements before a 4 KiB boundary of the address space, and the whole
// array. The assembly tails change course there: an AVX-512 vector that
// would cross a page past the slices' ends is not loaded (see
// ../gen/rows).
func pageEnd[T any](n, gap int, fill T) (s, all []T) {
	size := int(unsafe.Sizeof(fill))
	all = make([]T, n+gap+4096/size+1)
	for i := range all {
		all[i] = fill
	}
	addr := int(uintptr(unsafe.Pointer(unsafe.SliceData(all))) % 4096)
	end := n + gap
	end += (4096 - (addr+end*size)%4096) % 4096 / size // the boundary
	return all[end-gap-n : end-gap], all
}
