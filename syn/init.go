package syn

import (
	"fmt"
	"math/rand/v2"
)

// An Initializer draws a kernel for synapses that are given none, as
// Spark's kernel initializers do. Each is seeded explicitly, so that a
// kernel is the same on every run and machine. The kernel is post-major:
// W[i, j] is the weight from presynaptic unit j to post unit i.
type Initializer interface {
	fill(w []float32, post, pre int)
	String() string
}

// Constant sets every weight to v (pA).
func Constant(v float32) Initializer { return constant(v) }

type constant float32

func (c constant) fill(w []float32, _, _ int) {
	for i := range w {
		w[i] = float32(c)
	}
}

func (c constant) String() string { return fmt.Sprintf("Constant(%g)", float32(c)) }

// Uniform draws every weight uniformly from [lo, hi) (pA).
func Uniform(lo, hi float32, seed uint64) Initializer {
	return sparse{lo: lo, hi: hi, density: 1, seed: seed}
}

// SparseUniform connects each pair (i, j) with probability density, drawing
// the weight of each connection uniformly from [lo, hi) (pA); the other
// weights are 0.
func SparseUniform(lo, hi float32, density float64, seed uint64) Initializer {
	return sparse{lo: lo, hi: hi, density: density, seed: seed}
}

// NormalizedSparseUniform is SparseUniform with each post unit's weights
// divided by the number of its connections, so that the summed weight of a
// post unit is the mean of its draws, in [lo, hi), whatever the population
// sizes and density. A post unit with no connection keeps weights of 0.
func NormalizedSparseUniform(lo, hi float32, density float64, seed uint64) Initializer {
	return sparse{lo: lo, hi: hi, density: density, seed: seed, normalized: true}
}

type sparse struct {
	lo, hi     float32
	density    float64
	seed       uint64
	normalized bool
}

func (s sparse) fill(w []float32, post, pre int) {
	r := rand.New(rand.NewPCG(s.seed, 0x5ba4c))
	for i := range post {
		row := w[i*pre : (i+1)*pre]
		n := 0
		for j := range row {
			row[j] = 0
			if s.density >= 1 || r.Float64() < s.density {
				row[j] = s.lo + (s.hi-s.lo)*r.Float32()
				n++
			}
		}
		if s.normalized && n > 0 {
			for j := range row {
				row[j] /= float32(n)
			}
		}
	}
}

func (s sparse) String() string {
	name := "SparseUniform"
	if s.normalized {
		name = "NormalizedSparseUniform"
	}
	if s.density >= 1 && !s.normalized {
		return fmt.Sprintf("Uniform(%g, %g, seed %d)", s.lo, s.hi, s.seed)
	}
	return fmt.Sprintf("%s(%g, %g, density %g, seed %d)", name, s.lo, s.hi, s.density, s.seed)
}
