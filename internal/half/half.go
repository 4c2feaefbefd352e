// Package half holds what several packages do with binary16 values: the
// portable code's binary16 → float32 table, shared by package f16's
// portable conversion and package vec's portable kernels, and the view of
// a slice of them as bits for the assembly kernels.
package half

import (
	"math"
	"sync"
	"unsafe"

	"github.com/x448/float16"
)

// Bits views binary16 values as their bits, the form package asm's kernels
// take.
func Bits(h []float16.Float16) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.SliceData(h)), len(h))
}

// half → float32: a 64K-entry table.
//
// The table is the portable path because it measured clearly faster than
// every bit-manipulation loop tried (on the project's AMD EPYC benchmark
// machine, go 1.26, 65,536 halves): 2.6–3.4 G elements/s against 0.9–1.3 G/s for the best
// branch-light rebias (normal halves shifted and rebiased, subnormals by a
// float multiply, one rarely taken branch for Inf/NaN), 0.6–0.8 G/s for fully
// branch-free variants and 1.25 G/s for van der Zijp's 12 KiB three-table
// method. With the caches flushed by a 4 MiB sweep between calls it was still
// twice as fast (1.7–2.0 µs against 3.3–3.8 µs for 4096 halves). Its costs:
// 256 KiB of memory and about 0.13 ms to build it, paid once, on the first call
// that converts anything; a program that never converts pays nothing.

// Table returns the table, t[h] = the float32 bits of half h, building it
// on the first call.
var Table = sync.OnceValue(func() *[1 << 16]uint32 {
	t := new([1 << 16]uint32)
	for h := range t {
		t[h] = toFloat32Bits(uint16(h))
	}
	return t
})

// toFloat32Bits returns the float32 bits of the half h, as x448 gives
// them; it fills the table, so its speed does not matter.
func toFloat32Bits(h uint16) uint32 {
	sign := uint32(h&0x8000) << 16
	em := uint32(h & 0x7fff) // exponent and mantissa
	switch {
	case em >= 0x7c00: // Inf, NaN: exponent 255, payload on top, quiet bit set for NaN
		r := 0x7f800000 | (em&0x3ff)<<13
		if em != 0x7c00 {
			r |= 0x00400000
		}
		return sign | r
	case em < 0x0400: // ±0 and subnormals: em·2^-24, exact in float32
		return sign | math.Float32bits(float32(float32(em)*0x1p-24))
	default: // normal: rebias the exponent from 15 to 127
		return sign | (em<<13 + (127-15)<<23)
	}
}
