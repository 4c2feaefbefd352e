// Package testutil holds what the tests of several packages share.
package testutil

import "testing"

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
