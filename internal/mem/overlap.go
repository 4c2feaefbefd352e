package mem

import "unsafe"

// Overlap reports whether a and b share an element. A kernel that reads
// one and writes the other by whole vectors gives other results than the
// scalar loop where they do, unless they are the very same slice (Same),
// which an element-wise update in place reads before it writes. Packages
// asm and vec refuse such calls with it.
func Overlap(a, b []float32) bool {
	pa, pb := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	// a starts within b, or b within a (unsigned: a start below the
	// other's wraps to a large difference), and neither is empty.
	return (pa-pb < uintptr(len(b))*4 || pb-pa < uintptr(len(a))*4) && len(a) != 0 && len(b) != 0
}

// Same reports whether a and b are the very same slice: one start, one
// length.
func Same(a, b []float32) bool {
	return unsafe.SliceData(a) == unsafe.SliceData(b) && len(a) == len(b)
}
