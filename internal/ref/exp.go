package ref

import "math"

// Exp returns e^x. It is the one exponential of the library: the exponential
// somas evaluate it every step, and every path computes it with this sequence
// of float32 operations, each a single SIMD instruction, so that all paths
// agree bit for bit. It is within 1 ULP of the correctly rounded e^x (checked
// over every float32 argument); NaN gives NaN, +Inf and every x above
// about 88.72 give +Inf, −Inf and every x below about −103.9 give 0, and
// results below 2^−126 are subnormal, rounded once.
//
// The method: clamp x to [expMin, expMax] (beyond it the result has already
// overflowed or underflowed); split x = n·ln2 + r with n = round(x·log2e)
// (to nearest even, by adding and subtracting 1.5·2^23, as a SIMD path can)
// and |r| ≲ ln2/2, subtracting n·ln2 in two parts whose first is exact
// (Cody–Waite); evaluate e^r = 1 + r + r²·q(r), where q is the Taylor series
// of (e^r − 1 − r)/r² up to r⁵ (truncation error below 10⁻⁸ on |r| ≤ 0.35);
// scale by 2^n as two powers of two, 2^⌊n/2⌋ and 2^(n−⌊n/2⌋), both normal, so
// that overflow to +Inf and the rounding of a subnormal happen once, in the
// last product.
func Exp(x float32) float32 {
	switch {
	case x != x:
		return x
	case x < expMin:
		x = expMin
	case x > expMax:
		x = expMax
	}
	n := float32(mul(x, log2e)+roundMagic) - roundMagic
	r := x - mul(n, ln2Hi) // exact: n·ln2Hi has at most 17 significant bits, and x is within a factor 2 of it
	r -= mul(n, ln2Lo)
	q := mul(r, expC7) + expC6
	q = mul(q, r) + expC5
	q = mul(q, r) + expC4
	q = mul(q, r) + expC3
	q = mul(q, r) + expC2
	p := (mul(mul(r, r), q) + r) + 1
	k := int32(n)
	h := k >> 1
	return mul(mul(p, pow2(h)), pow2(k-h))
}

// pow2 returns 2^k for k in [−126, 127].
func pow2(k int32) float32 { return math.Float32frombits(uint32(k+127) << 23) }

const (
	// expMax and expMin bound the arguments Exp reduces: e^89 overflows
	// float32, e^−104 rounds to 0, and n = round(x·log2e) then stays within
	// [−150, 128], so both factors of 2^n are normal.
	expMax = 89
	expMin = -104

	// roundMagic rounds a float32 v with |v| < 2^22 to an integer, ties
	// to even: v + 1.5·2^23 lies in [2^23, 2^24), where float32 has no
	// fraction bits.
	roundMagic = 0x1.8p23

	log2e = 1.44269504088896340736 // log2(e), rounded to float32 where used
	ln2Hi = 0.693359375            // ln 2 to 9 bits (0x3f318000), so n·ln2Hi is exact
	ln2Lo = -2.12194440e-4         // ln 2 − ln2Hi

	// Taylor coefficients 1/k! of q(r) = 1/2 + r/6 + r²/24 + r³/120 + r⁴/720 + r⁵/5040.
	expC2 = 1.0 / 2
	expC3 = 1.0 / 6
	expC4 = 1.0 / 24
	expC5 = 1.0 / 120
	expC6 = 1.0 / 720
	expC7 = 1.0 / 5040
)
