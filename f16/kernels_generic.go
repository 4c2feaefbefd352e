package f16

import (
	"math"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/half"
)

// toFloat32Generic sets dst[i] to the float32 of src[i]; len(dst) == len(src).
func toFloat32Generic(dst []float32, src []float16.Float16) {
	t := half.Table()
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = math.Float32frombits(t[h])
	}
}

// fromFloat32Generic sets dst[i] to src[i] rounded to a half, ties to even;
// len(dst) == len(src).
//
// Integer rounding, with one branch that real data does not take (|x| ≥ 65536,
// Inf and NaN) and a conditional move for the subnormal range. Measured against
// a fully branch-free form it is as fast on values spread over all exponents
// and 1.3× faster on typical weights; a base/shift table form was slower.
func fromFloat32Generic(dst []float16.Float16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		u := math.Float32bits(f)
		a := u & 0x7fffffff // |x|
		var n uint32        // the half's bits, without the sign
		if a >= 0x47800000 {
			// |x| ≥ 2^16, ±Inf or NaN: Inf, or NaN. (65520 ≤ |x| < 2^16
			// takes the normal path below and rounds up to Inf there.)
			n = 0x7c00
			if a > 0x7f800000 {
				// NaN: quiet bit set, top 10 payload bits kept, as x448.
				n = 0x7e00 | (a>>13)&0x03ff
			}
		} else {
			// Normal half (2^-14 ≤ |x| < 2^16): rebias the exponent from 127
			// to 15 and drop 13 mantissa bits, adding 0xfff plus the lowest
			// kept bit, which rounds to nearest with ties to even. A carry out
			// of the mantissa bumps the exponent, up to 0x7c00 = Inf.
			n = (a - (127-15)<<23 + 0x0fff + (a>>13)&1) >> 13
			// Subnormal half or zero (|x| < 2^-14): adding 0.5, whose ulp is
			// 2^-24, the smallest subnormal half, makes the float adder round
			// |x| to a multiple of 2^-24, ties to even; the low bits of the sum
			// are that multiple, 0 through 0x400 (the smallest normal half).
			s := math.Float32bits(float32(math.Float32frombits(a)+0.5)) - 0x3f000000
			if a < 0x38800000 {
				n = s
			}
		}
		dst[i] = float16.Float16((u>>16)&0x8000 | n)
	}
}
