// Package testutil holds what the tests of several packages share.
package testutil

import (
	"math"
	"testing"

	"github.com/x448/float16"
)

// Rng is a small xorshift generator: the same sequence on every platform,
// so that a failing case repeats. Start it from any non-zero value.
type Rng uint64

// Next returns the next 64 random bits.
func (r *Rng) Next() uint64 {
	*r ^= *r << 13
	*r ^= *r >> 7
	*r ^= *r << 17
	return uint64(*r)
}

// Uniform returns a float32 in [lo, hi), the same bits everywhere: the
// float32() conversion keeps the compiler from fusing the multiply and add.
func (r *Rng) Uniform(lo, hi float32) float32 {
	return lo + float32((hi-lo)*float32(r.Next()>>40)/(1<<24))
}

// Intn returns an int in [0, n).
func (r *Rng) Intn(n int) int { return int(r.Next() % uint64(n)) }

// Set sets *p to v for the rest of the test, then restores it: for
// instance a package's kernel implementation, so that a test runs a path.
func Set[T any](t testing.TB, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

// Value32 draws a float32 for a kernel's tests: mostly ordinary values in
// [−100, 100), with ±0, subnormals and values near the top of the range
// (whose sums overflow); special adds ±Inf and NaNs of any sign and
// payload.
func Value32(r *Rng, special bool) float32 {
	switch v := r.Intn(20); {
	case v == 0:
		return math.Float32frombits(uint32(r.Next()) & 0x8000_0000) // ±0
	case v == 1:
		return math.Float32frombits(uint32(r.Next()) & 0x807f_ffff) // subnormal
	case v == 2:
		return float32(1-2*r.Intn(2)) * r.Uniform(1e38, 3e38)
	case v == 3 && special:
		return float32(math.Inf(1 - 2*r.Intn(2)))
	case v == 4 && special:
		return math.Float32frombits(uint32(r.Next()) | 0x7f80_0001) // NaN, any sign, payload
	}
	return r.Uniform(-100, 100)
}

// Value16 draws binary16 bits: any; without special, none with the
// all-ones exponent (±Inf, NaN).
func Value16(r *Rng, special bool) float16.Float16 {
	h := uint16(r.Next())
	if !special && h&0x7c00 == 0x7c00 {
		h &^= 0x4000
	}
	return float16.Frombits(h)
}
