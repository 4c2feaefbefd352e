package f16

import (
	"fmt"

	"github.com/x448/float16"
)

// ToFloat32 sets dst[i] = src[i].Float32() for every i: each IEEE binary16
// value widened, exactly, to float32, bit for bit as x448 does it (a NaN gets
// its quiet bit set and keeps its sign and payload).
//
// It panics, before writing anything, when len(dst) != len(src). On the
// portable path, the first call that converts anything builds a 256 KiB
// table, once per process.
func ToFloat32(dst []float32, src []float16.Float16) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("f16: ToFloat32: len(dst) = %d, len(src) = %d", len(dst), len(src)))
	}
	if len(src) == 0 {
		return
	}
	impl.toFloat32(dst, src)
}

// FromFloat32 sets dst[i] = float16.Fromfloat32(src[i]) for every i: each
// float32 rounded to the nearest IEEE binary16 value, ties to even, bit for bit
// as x448 does it. Finite values of magnitude 65520 or more give ±Inf;
// subnormal results are kept; a NaN stays a NaN with its sign, the top 10 bits
// of its payload and the quiet bit set.
//
// It panics, before writing anything, when len(dst) != len(src).
func FromFloat32(dst []float16.Float16, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("f16: FromFloat32: len(dst) = %d, len(src) = %d", len(dst), len(src)))
	}
	if len(src) == 0 {
		return
	}
	impl.fromFloat32(dst, src)
}
