package syn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// An Initializer draws a kernel for synapses that are given none, as
// Spark's kernel initializers do. Each is seeded explicitly, so that a
// kernel is the same on every run and machine, and for either storage: it
// emits the non-zero weights, post unit by post unit, so that a sparse
// kernel is drawn without a dense one. W[i, j] is the weight from
// presynaptic unit j to post unit i.
type Initializer interface {
	// entries calls emit for each weight W[i, j] it sets, i increasing,
	// then j increasing; every other weight is 0.
	entries(post, pre int, emit func(i, j int, w float32))
	String() string
}

// fill writes an initializer's kernel into w, post-major.
func fill(in Initializer, w []float32, post, pre int) {
	clear(w)
	in.entries(post, pre, func(i, j int, v float32) { w[i*pre+j] = v })
}

// Constant sets every weight to v (pA).
func Constant(v float32) Initializer { return constant(v) }

type constant float32

func (c constant) entries(post, pre int, emit func(i, j int, w float32)) {
	if c == 0 {
		return
	}
	for i := range post {
		for j := range pre {
			emit(i, j, float32(c))
		}
	}
}

func (c constant) String() string { return fmt.Sprintf("Constant(%g)", float32(c)) }

// Uniform draws every weight uniformly from [lo, hi) (pA).
func Uniform(lo, hi float32, seed uint64) Initializer {
	return sparse{lo: lo, hi: hi, density: 1, seed: seed}
}

// SparseUniform connects each pair (i, j) with probability density, drawing
// the weight of each connection uniformly from [lo, hi) (pA); the other
// weights are 0. A density ≤ 0 connects nothing, ≥ 1 every pair.
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

// entries draws each post unit's connections by geometric skips (the gap
// to the next connected j is geometric with parameter density), so that
// drawing costs the number of connections, not of pairs.
func (s sparse) entries(post, pre int, emit func(i, j int, w float32)) {
	if !(s.density > 0) {
		return
	}
	r := rand.New(rand.NewPCG(s.seed, 0x5ba4c))
	logq := math.Log1p(-s.density) // log(1 − density); −Inf for density 1
	var js []int
	var ws []float32
	for i := range post {
		js, ws = js[:0], ws[:0]
		for j := -1; ; {
			if s.density >= 1 {
				j++
			} else {
				j += 1 + int(math.Floor(math.Log(1-r.Float64())/logq))
			}
			if j >= pre || j < 0 {
				break
			}
			js = append(js, j)
			ws = append(ws, s.lo+(s.hi-s.lo)*r.Float32())
		}
		for k, j := range js {
			w := ws[k]
			if s.normalized {
				w /= float32(len(js))
			}
			emit(i, j, w)
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

// Rows draws the kernel of in for post units [lo, hi) of a population of
// post units: the rows a shard of a larger population holds, equal to
// theirs in the whole kernel. The synapses it initializes have hi − lo post
// units.
func Rows(in Initializer, lo, hi, post int) Initializer { return rows{in, lo, hi, post} }

type rows struct {
	in          Initializer
	lo, hi, all int
}

func (r rows) entries(_, pre int, emit func(i, j int, w float32)) {
	r.in.entries(r.all, pre, func(i, j int, w float32) {
		if i >= r.lo && i < r.hi {
			emit(i-r.lo, j, w)
		}
	})
}

func (r rows) String() string { return fmt.Sprintf("Rows(%v, %d, %d of %d)", r.in, r.lo, r.hi, r.all) }
