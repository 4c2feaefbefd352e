package syn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sparkgo/spark"
)

// An Initializer draws a kernel for synapses that are given none, as
// Spark's kernel initializers do. Each is seeded explicitly, so that a
// kernel is the same on every run and machine, and for either storage: it
// emits the non-zero weights, post unit by post unit, so that a sparse
// kernel is drawn without a dense one. W[i, j] is the weight from
// presynaptic unit j to post unit i. Each post unit's row is drawn on its
// own (a random initializer seeds a stream per row from its seed and the
// row), so that a shard's rows ([Rows]) cost only their own draws.
type Initializer interface {
	// entries calls emit for each weight W[i, j] it sets in the rows
	// lo ≤ i < hi, i increasing, then j increasing; every other weight
	// is 0.
	entries(lo, hi, pre int, emit func(i, j int, w float32))
	// size is about how many weights entries emits for those rows, a
	// little more rather than less: the capacity its list is made with,
	// so that a large kernel is not copied again and again as it grows.
	size(lo, hi, pre int) int
	// check returns the rule that keeps the initializer from drawing a
	// kernel of post rows, and the offending value; "" when it can.
	check(post int) (v float64, rule string)
	String() string
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// fill writes an initializer's kernel into w, post-major.
func fill(in Initializer, w []float32, post, pre int) {
	clear(w)
	in.entries(0, post, pre, func(i, j int, v float32) { w[i*pre+j] = v })
}

// Constant sets every weight to v (pA).
func Constant(v float32) Initializer { return constant(v) }

type constant float32

func (c constant) entries(lo, hi, pre int, emit func(i, j int, w float32)) {
	if c == 0 {
		return
	}
	for i := lo; i < hi; i++ {
		for j := range pre {
			emit(i, j, float32(c))
		}
	}
}

func (c constant) size(lo, hi, pre int) int {
	if c == 0 {
		return 0
	}
	return (hi - lo) * pre
}

func (c constant) check(int) (float64, string) {
	if !finite(float32(c)) {
		return float64(c), fmt.Sprintf("%v: the weight must be finite", c)
	}
	return 0, ""
}

func (c constant) String() string { return fmt.Sprintf("Constant(%g)", float32(c)) }

// Uniform draws every weight uniformly from [lo, hi) (pA); lo and hi are
// checked as [SparseUniform]'s.
func Uniform(lo, hi float32, seed uint64) Initializer {
	return sparse{lo: lo, hi: hi, density: 1, seed: seed}
}

// SparseUniform connects each pair (i, j) with probability density, drawing
// the weight of each connection uniformly from [lo, hi) (pA); the other
// weights are 0. A density ≤ 0 connects nothing, ≥ 1 every pair; a NaN
// density is refused. lo and hi must be finite, with lo ≤ hi (lo = hi
// draws that value) and hi − lo finite in float32: a constructor refuses
// the initializer otherwise, rather than draw from a reversed interval or
// draw NaNs.
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
// drawing costs the number of connections, not of pairs; row i from a PCG
// seeded with the seed and a hash of i.
func (s sparse) entries(lo, hi, pre int, emit func(i, j int, w float32)) {
	if !(s.density > 0) {
		return
	}
	var src rand.PCG
	r := rand.New(&src)
	logq := math.Log1p(-s.density) // log(1 − density); −Inf for density 1
	var js []int
	var ws []float32
	for i := lo; i < hi; i++ {
		src.Seed(s.seed, rowHash(i))
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

// size is the expected count of the rows' weights and 4 standard
// deviations more (a binomial count), at most every weight.
func (s sparse) size(lo, hi, pre int) int {
	if !(s.density > 0) {
		return 0
	}
	all := float64(hi-lo) * float64(pre)
	mean := min(s.density, 1) * all
	return int(min(all, mean+4*math.Sqrt(mean)+16))
}

// rowHash is SplitMix64's finalizer of row i: distant states of the PCG
// for neighbouring rows.
func rowHash(i int) uint64 {
	z := uint64(i) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (s sparse) check(int) (float64, string) {
	switch {
	case math.IsNaN(s.density):
		return s.density, fmt.Sprintf("%v: the density must be a number", s)
	case !finite(s.lo):
		return float64(s.lo), fmt.Sprintf("%v: lo and hi must be finite", s)
	case !finite(s.hi):
		return float64(s.hi), fmt.Sprintf("%v: lo and hi must be finite", s)
	case s.lo > s.hi:
		return float64(s.lo), fmt.Sprintf("%v: must have lo ≤ hi", s)
	case !finite(s.hi - s.lo):
		return float64(s.hi - s.lo), fmt.Sprintf("%v: hi − lo must be finite in float32", s)
	}
	return 0, ""
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
// total post units: the rows a shard of a larger population holds, equal to
// theirs in the whole kernel. The synapses it initializes must have
// Post = hi − lo, with 0 ≤ lo ≤ hi ≤ total, 0 < total ≤ spark.MaxUnits and
// in not nil; a constructor refuses it otherwise.
func Rows(in Initializer, lo, hi, total int) Initializer { return rows{in, lo, hi, total} }

type rows struct {
	in          Initializer
	lo, hi, all int
}

// entries draws rows r.lo+lo … r.lo+hi−1 of the whole kernel only.
func (r rows) entries(lo, hi, pre int, emit func(i, j int, w float32)) {
	r.in.entries(r.lo+lo, r.lo+hi, pre, func(i, j int, w float32) { emit(i-r.lo, j, w) })
}

func (r rows) size(lo, hi, pre int) int { return r.in.size(r.lo+lo, r.lo+hi, pre) }

func (r rows) check(post int) (float64, string) {
	switch {
	case r.in == nil:
		return 0, fmt.Sprintf("%v: the initializer to draw rows of must not be nil", r)
	case r.all <= 0 || r.all > spark.MaxUnits:
		return float64(r.all), fmt.Sprintf("%v: must have total > 0 and at most spark.MaxUnits = %d", r, spark.MaxUnits)
	case r.lo < 0:
		return float64(r.lo), fmt.Sprintf("%v: must have 0 ≤ lo", r)
	case r.lo > r.hi:
		return float64(r.lo), fmt.Sprintf("%v: must have lo ≤ hi", r)
	case r.hi > r.all:
		return float64(r.hi), fmt.Sprintf("%v: must have hi ≤ total", r)
	case r.hi-r.lo != post:
		return float64(r.hi - r.lo), fmt.Sprintf("%v: hi − lo = %d rows, want the number of post units, %d", r, r.hi-r.lo, post)
	}
	return r.in.check(r.all)
}

func (r rows) String() string { return fmt.Sprintf("Rows(%v, %d, %d of %d)", r.in, r.lo, r.hi, r.all) }
