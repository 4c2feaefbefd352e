//go:build (amd64 || arm64) && !purego

package f16

import (
	"unsafe"

	"github.com/x448/float16"
)

// halfBits returns s as its bits, the same memory: float16.Float16 is a
// uint16.
func halfBits(s []float16.Float16) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.SliceData(s)), len(s))
}
