package main

// The vector exponential of the exponential somas: internal/ref.Exp's
// sequence of float32 operations, one instruction each, so that every path
// gives its bits. (The tests compare the kernels with the reference over
// the whole float32 range: a constant here that differs from the
// reference's by one bit fails them.)

const (
	expMax = 89   // e^89 overflows float32
	expMin = -104 // e^−104 rounds to 0
	log2e  = 1.44269504088896340736
	ln2Hi  = 0.693359375
	ln2Lo  = -2.12194440e-4
)

// expC are the Taylor coefficients 1/k! of q, highest first.
var expC = []float32{1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2}

// exp returns e^x: x clamped to [expMin, expMax] (NaN stays NaN);
// n = round(x·log2e), ties to even (the reference adds and subtracts
// 1.5·2^23, which rounds the same way; a backend may round in one
// instruction); r = x − n·ln2Hi − n·ln2Lo, where n·ln2Hi is exact (n has
// at most 8 significant bits, ln2Hi 9); e^r = (r²·q(r) + r) + 1; scaled by
// 2^n, rounded once.
func exp(e emitter, x vec) vec {
	x = e.Clamp(x, e.Const(expMin), e.Const(expMax))
	n := e.Round(e.Mul(x, e.Const(log2e)))
	r := e.SubExact(x, n, e.Const(ln2Hi))
	r = e.Sub(r, e.Mul(n, e.Const(ln2Lo)))
	q := e.Const(expC[0])
	for _, c := range expC[1:] {
		q = e.Add(e.Mul(q, r), e.Const(c))
	}
	p := e.Add(e.Add(e.Mul(e.Mul(r, r), q), r), e.Const(1))
	return e.Scale(p, n)
}

// scale is p·2^n, rounded once as the reference's two products round it,
// for a backend without an instruction that scales by a power of two. With
// h = ⌊n/2⌋, p·2^(n−h) is exact and normal (p in [0.7, 1.42] and n − h in
// [−75, 64]), and the product by 2^h then rounds once, as the reference's
// last product does. Both powers come from the bits of t = n + scaleBias,
// exact: t's bits are 0x4B4000FE + n, so t >> 1 is 0x25A0007F + h, whose
// low 9 bits, shifted up 23, are the exponent 127 + h of 2^h; and
// t − (t >> 1) is 0x25A0007F + n − h, likewise 2^(n−h). Seven operations;
// converting n to an integer and adding the biases would take eight. (A
// NaN p stays NaN, whatever the powers a NaN n gives: the SIMD paths need
// not keep its payload.)
func scale(e emitter, p, n vec) vec {
	t := e.Int(e.Add(n, e.Const(scaleBias)))
	h := e.ISar(t, 1)
	return e.Mul(e.Mul(p, e.Bits(e.IShl(e.ISub(t, h), 23))), e.Bits(e.IShl(h, 23)))
}

// scaleBias is 1.5·2^23 + 254: n + scaleBias is an integer in [2^23, 2^24),
// where float32 holds integers in its low bits, for n in [−150, 128].
const scaleBias = 0x1.8p23 + 254
