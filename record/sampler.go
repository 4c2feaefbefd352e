package record

import (
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
)

// Sampler samples a state array (a soma's Potential, a trace: any
// []float32 with one value per unit) at chosen units every k steps into a
// matrix allocated when it is made, one row per sample and one column per
// chosen unit. Sampling allocates nothing. Once the matrix is full, Sample
// takes no more samples until Reset.
type Sampler struct {
	units []int // the chosen units, the matrix's columns
	every int
	need  int       // the least state length: the greatest chosen unit + 1
	data  []float32 // the samples, row-major, len = samples taken × len(units)
	steps []int     // the step of each sample
}

// NewSampler returns a sampler of the state of units (indices into the
// state array; copied) at every step that is a multiple of every, with room
// for samples samples. It panics if a unit is negative or not below
// spark.MaxUnits, every < 1, samples < 0, or samples or the matrix's
// values (units·samples) are more than spark.MaxSynapses, a limit under
// which the matrix's bytes fit the address space.
func NewSampler(units []int, every, samples int) *Sampler {
	if every < 1 || samples < 0 || samples > spark.MaxSynapses || len(units) > 0 && samples > spark.MaxSynapses/len(units) {
		panic(fmt.Sprintf("record: NewSampler: %d units, every = %d, samples = %d: want every ≥ 1, 0 ≤ samples and units·samples at most spark.MaxSynapses", len(units), every, samples))
	}
	s := &Sampler{units: slices.Clone(units), every: every}
	for _, u := range units {
		if u < 0 || u >= spark.MaxUnits {
			panic(fmt.Sprintf("record: NewSampler: unit %d: want 0 ≤ unit < spark.MaxUnits = %d", u, spark.MaxUnits))
		}
		s.need = max(s.need, u+1)
	}
	s.data = make([]float32, 0, samples*len(units))
	s.steps = make([]int, 0, samples)
	return s
}

// Sample records state at the chosen units if step is a multiple of the
// sampler's period and the matrix has room, and reports whether it did. It
// panics if step is negative or state is too short for a chosen unit.
func (s *Sampler) Sample(step int, state []float32) bool {
	if s.every == 0 {
		panic("record: Sampler: zero value: use NewSampler")
	}
	if step < 0 || len(state) < s.need {
		panic(fmt.Sprintf("record: Sampler.Sample(%d, state of %d units): want step ≥ 0 and at least %d units", step, len(state), s.need))
	}
	if step%s.every != 0 || len(s.steps) == cap(s.steps) {
		return false
	}
	n := len(s.data)
	row := s.data[n : n+len(s.units)]
	for i, u := range s.units {
		row[i] = state[u]
	}
	s.data = s.data[:n+len(s.units)]
	s.steps = append(s.steps, step)
	return true
}

// Reset forgets every sample, keeping the matrix.
func (s *Sampler) Reset() {
	s.data, s.steps = s.data[:0], s.steps[:0]
}

// Units returns the chosen units, in column order. It must not be modified.
func (s *Sampler) Units() []int { return s.units }

// Every returns the sampling period in steps.
func (s *Sampler) Every() int { return s.every }

// Len returns the number of samples taken.
func (s *Sampler) Len() int { return len(s.steps) }

// Cap returns the number of samples the matrix holds.
func (s *Sampler) Cap() int { return cap(s.steps) }

// Full reports whether the matrix is full.
func (s *Sampler) Full() bool { return len(s.steps) == cap(s.steps) }

// Steps returns the step of each sample. It must not be modified.
func (s *Sampler) Steps() []int { return s.steps[:len(s.steps):len(s.steps)] }

// Times appends the time of each sample, its step times dt, to dst and
// returns the extended slice.
func (s *Sampler) Times(dst []float64, dt float64) []float64 {
	for _, t := range s.steps {
		dst = append(dst, float64(t)*dt)
	}
	return dst
}

// Row returns sample i: the state of each chosen unit, in column order. It
// is a window of the matrix, not to be modified.
func (s *Sampler) Row(i int) []float32 {
	if i < 0 || i >= len(s.steps) {
		panic(fmt.Sprintf("record: Sampler.Row(%d): %d samples", i, len(s.steps)))
	}
	n := len(s.units)
	return s.data[i*n : (i+1)*n : (i+1)*n]
}

// Series appends the k-th chosen unit's state (column k, unit Units()[k])
// at each sample to dst and returns the extended slice.
func (s *Sampler) Series(dst []float32, k int) []float32 {
	if k < 0 || k >= len(s.units) {
		panic(fmt.Sprintf("record: Sampler.Series(%d): %d units chosen", k, len(s.units)))
	}
	for i := k; i < len(s.data); i += len(s.units) {
		dst = append(dst, s.data[i])
	}
	return dst
}
