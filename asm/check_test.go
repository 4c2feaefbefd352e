package asm

import (
	"math"
	"testing"
)

// TestReciprocal: the divisors whose reciprocal a kernel multiplies by
// (the bits of the division) and those it divides by (0).
func TestReciprocal(t *testing.T) {
	for _, c := range []struct {
		q, want float32
	}{
		{2, 0.5}, {-2, -0.5}, {1, 1}, {0.25, 4}, {0x1p-126, 0x1p126}, {0x1p126, 0x1p-126},
		{3, 0}, {1.5, 0}, {math.Nextafter32(2, 3), 0}, {0, 0}, {float32(math.Copysign(0, -1)), 0},
		{0x1p127, 0}, {0x1p-127, 0}, {0x1p-149, 0}, // a subnormal reciprocal, subnormal divisors
		{float32(math.Inf(1)), 0}, {float32(math.Inf(-1)), 0}, {float32(math.NaN()), 0},
	} {
		if got := reciprocalOf(c.q); math.Float32bits(got) != math.Float32bits(c.want) {
			t.Errorf("reciprocalOf(%g) = %g, want %g", c.q, got, c.want)
		}
		block := make([]float32, 64)
		for i := range block {
			block[i] = c.q
		}
		if got := reciprocal(block); math.Float32bits(got) != math.Float32bits(c.want) {
			t.Errorf("reciprocal(64 × %g) = %g, want %g", c.q, got, c.want)
		}
	}
	block := make([]float32, 64)
	for i := range block {
		block[i] = 2
	}
	for _, c := range []struct {
		name string
		q    []float32
	}{
		{"a block with one other value", append(append([]float32{}, block[:63]...), 4)},
		{"a block with -2 among 2", append([]float32{-2}, block[1:]...)},
		{"one value per unit (128)", append(append([]float32{}, block...), block...)},
		{"too short", block[:63]},
	} {
		if got := reciprocal(c.q); got != 0 {
			t.Errorf("%s: reciprocal = %g, want 0", c.name, got)
		}
	}
}

// TestFitsMatrix: the shapes a kernel of a matrix's rows takes, and the
// panic that names what is wrong with the others, rows·cols overflowing
// included.
func TestFitsMatrix(t *testing.T) {
	for _, c := range []struct {
		rows, cols, w, x int
		want             string // "" when it fits
	}{
		{0, 0, 0, 0, ""}, {3, 0, 0, 0, ""}, {0, 100, 0, 0, ""}, {3, 64, 192, 3, ""}, {3, 65, 195, 6, ""}, {1, 1, 1, 1, ""},
		{3, -1, 0, 0, "asm.K: cols = -1: must not be negative"},
		{3, 64, 191, 3, "asm.K: len(w) = 191, want len(y)·cols = 3·64"},
		{0, 5, 5, 0, "asm.K: len(w) = 5, want len(y)·cols = 0·5"},
		{2, math.MaxInt/2 + 1, 2, 2, "asm.K: len(w) = 2, want len(y)·cols = 2·4611686018427387904"},
		{math.MaxInt, math.MaxInt, 1, 0, "asm.K: len(w) = 1, want len(y)·cols = 9223372036854775807·9223372036854775807"}, // ≡ 1 mod 2^64
		{3, 65, 195, 5, "asm.K: len(x) = 5, want len(y)·⌈cols/64⌉ = 3·2"},
		{3, 0, 0, 1, "asm.K: len(x) = 1, want len(y)·⌈cols/64⌉ = 3·0"},
	} {
		if fits := fitsMatrix(c.rows, c.cols, c.w, c.x); fits != (c.want == "") {
			t.Errorf("fitsMatrix(%d, %d, %d, %d) = %v", c.rows, c.cols, c.w, c.x, fits)
		}
		if c.want == "" {
			continue
		}
		p := func() (p any) {
			defer func() { p = recover() }()
			badMatrix("K", c.rows, c.cols, c.w, c.x)
			return nil
		}()
		if p != c.want {
			t.Errorf("badMatrix(%d, %d, %d, %d): panic %q, want %q", c.rows, c.cols, c.w, c.x, p, c.want)
		}
	}
}
