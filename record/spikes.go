// Package record records a simulation: [Spikes] keeps every spike of a
// population as a (step, unit) pair, appended from the [spark.Spikes] bitset
// a soma's Step writes, and [Sampler] keeps chosen units' state (a
// potential, a trace) every k steps in a preallocated matrix. Both allocate
// nothing in steady state: a Spikes recorder grows its buffer by amortized
// doubling (or takes its capacity up front, [Spikes.Grow]) and [Spikes.Reset]
// keeps it; a Sampler allocates its whole matrix when it is made.
//
// A recorder of a shard maps the shard's local units to the network's with
// an offset, and [Merge] puts the shards' recorders back into one, ordered
// by step then unit. Their output is plain slices, for charts and analysis:
// [Spikes.All] (the pairs), [Spikes.Times], [Spikes.Counts], [Spikes.Rates];
// [Sampler.Series], [Sampler.Steps], [Sampler.Times].
//
// Neither type is safe for concurrent use; one recorder per shard is.
package record

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/sparkgo/spark"
)

// Spike is one recorded spike: unit Unit (a network index: the recorder's
// offset plus the population's index) spiked at step Step.
type Spike struct {
	Step, Unit int32
}

// Spikes records the spikes of a population of units, step by step, as a
// list of [Spike] ordered by step then unit. Record walks the set bits of a
// step's spark.Spikes word by word and costs a few ns per spike.
type Spikes struct {
	units, offset int
	words         int
	tail          uint64 // the mask of the last word's bits that are units
	next          int64  // the least step Record takes: the last step recorded + 1, 0 before the first (an int64: MaxInt32 + 1 fits on 32-bit platforms too)
	spikes        []Spike
}

// NewSpikes returns an empty recorder for a population of units units
// whose unit i is unit offset+i of the network. It panics unless
// 0 ≤ units ≤ [spark.MaxUnits], offset ≥ 0 and offset+units ≤ MaxInt32.
func NewSpikes(units, offset int) *Spikes {
	if units < 0 || units > spark.MaxUnits || offset < 0 || offset > math.MaxInt32-units {
		panic(fmt.Sprintf("record: NewSpikes(%d, %d): want 0 ≤ units ≤ %d, offset ≥ 0 and offset+units ≤ MaxInt32", units, offset, spark.MaxUnits))
	}
	r := &Spikes{units: units, offset: offset, words: spark.SpikeWords(units), tail: ^uint64(0)}
	if m := units % 64; m != 0 {
		r.tail = 1<<m - 1
	}
	return r
}

// Units returns the population's size.
func (r *Spikes) Units() int { return r.units }

// Offset returns the network index of the population's unit 0.
func (r *Spikes) Offset() int { return r.offset }

// Len returns the number of spikes recorded.
func (r *Spikes) Len() int { return len(r.spikes) }

// Grow makes room for n more spikes, so that Record allocates nothing
// until they are recorded.
func (r *Spikes) Grow(n int) { r.spikes = slices.Grow(r.spikes, n) }

// Reset forgets every spike and the last step, keeping the buffer's
// capacity.
func (r *Spikes) Reset() {
	r.spikes = r.spikes[:0]
	r.next = 0
}

// Record appends the spikes of step step: a Spike{step, offset+i} for each
// unit i set in s, in increasing order of i. It returns the spikes it
// appended, a window of the recorder's buffer that stays valid (and must
// not be modified) until Reset. Bits of the last word past the population's
// last unit are ignored. It panics unless len(s) is [spark.SpikeWords] of
// the population's size and step is in [0, MaxInt32] and greater than the
// step of the last Record since Reset; it allocates only to grow the buffer.
func (r *Spikes) Record(step int, s spark.Spikes) []Spike {
	if len(s) != r.words || int64(step) < r.next || step > math.MaxInt32 {
		r.badRecord(step, len(s))
	}
	r.next = int64(step) + 1
	if len(s) == 0 {
		return nil
	}
	buf := r.spikes
	start := len(buf)
	st, base := int32(step), int32(r.offset)
	// The whole words, then the last one masked: the bits past the
	// population's last unit are ignored.
	end := len(s) - 1
	last := [1]uint64{s[end] & r.tail}
	for _, part := range [2]struct {
		words []uint64
		u     int32
	}{{s[:end], base}, {last[:], base + int32(end*64)}} {
		for k, w := range part.words {
			if w == 0 {
				continue
			}
			n := bits.OnesCount64(w)
			l := len(buf)
			if cap(buf)-l < n {
				// Double: append's growth (a quarter at a time, for
				// large slices) copies a long run's raster over and
				// over.
				buf = slices.Grow(buf, max(n, cap(buf)))
			}
			out := buf[l : l+n]
			u := part.u + int32(k*64)
			for i := range out {
				out[i] = Spike{st, u + int32(bits.TrailingZeros64(w))}
				w &= w - 1
			}
			buf = buf[:l+n]
		}
	}
	r.spikes = buf
	return buf[start:len(buf):len(buf)]
}

// badRecord is Record's panic, out of line.
//
//go:noinline
func (r *Spikes) badRecord(step, words int) {
	if words != r.words {
		panic(fmt.Sprintf("record: Spikes.Record: %d spike words for %d units, want %d", words, r.units, r.words))
	}
	panic(fmt.Sprintf("record: Spikes.Record(%d): the step must be in [0, MaxInt32] and after the last one recorded (%d)", step, r.next-1))
}

// All returns the recorded spikes, ordered by step then unit: the
// recorder's buffer, valid (and not to be modified) until Reset.
func (r *Spikes) All() []Spike { return r.spikes[:len(r.spikes):len(r.spikes)] }

// Window returns the spikes of the steps in [from, to), a window of All
// found by binary search.
func (r *Spikes) Window(from, to int) []Spike {
	a, b := r.search(from), r.search(to)
	b = max(a, b)
	return r.spikes[a:b:b]
}

// search is the index of the first spike at a step ≥ step.
func (r *Spikes) search(step int) int {
	k, _ := slices.BinarySearchFunc(r.spikes, step, func(s Spike, step int) int { return cmp.Compare(int(s.Step), step) })
	return k
}

// Times appends the time of each spike of All, its step times dt, to dst
// and returns the extended slice: a chart's x coordinates.
func (r *Spikes) Times(dst []float64, dt float64) []float64 {
	for _, s := range r.spikes {
		dst = append(dst, float64(s.Step)*dt)
	}
	return dst
}

// Counts returns each unit's number of spikes at steps in [from, to),
// indexed by the population's index (network unit − offset): dst, grown or
// cut to the population's size.
func (r *Spikes) Counts(dst []int, from, to int) []int {
	dst = slices.Grow(dst[:0], r.units)[:r.units]
	clear(dst)
	for _, s := range r.Window(from, to) {
		dst[int(s.Unit)-r.offset]++
	}
	return dst
}

// Rates returns each unit's mean rate in Hz over the steps [from, to) of dt
// ms: its count over (to − from)·dt/1000 s, indexed as [Spikes.Counts],
// in dst grown or cut to the population's size. It panics unless from < to
// and dt > 0.
func (r *Spikes) Rates(dst []float64, from, to int, dt float64) []float64 {
	checkSpan("Rates", from, to, dt)
	dst = slices.Grow(dst[:0], r.units)[:r.units]
	clear(dst)
	for _, s := range r.Window(from, to) {
		dst[int(s.Unit)-r.offset]++
	}
	sec := span(from, to) * dt / 1000
	for i := range dst {
		dst[i] /= sec
	}
	return dst
}

// Rate returns the population's mean rate per unit in Hz over the steps
// [from, to) of dt ms: NaN for a population of no units. It panics unless
// from < to and dt > 0.
func (r *Spikes) Rate(from, to int, dt float64) float64 {
	checkSpan("Rate", from, to, dt)
	return float64(len(r.Window(from, to))) / float64(r.units) / (span(from, to) * dt / 1000)
}

// span is the number of steps in [from, to), from < to: exact in a uint,
// where to − from may overflow an int.
func span(from, to int) float64 { return float64(uint(to - from)) }

// Merge returns one recorder with the spikes of parts, ordered by step
// then unit: the recorders of a network's shards put back together. Its
// population spans the parts' units, from the least offset to the greatest
// offset+units; it allocates its list once. Steps recorded by several parts
// interleave by unit; when the parts' units are disjoint ranges, as shards'
// are, each step's spikes are copied part by part without sorting. It
// panics on a nil part.
func Merge(parts ...*Spikes) *Spikes {
	lo, hi, n := math.MaxInt32, 0, 0
	for i, p := range parts {
		if p == nil {
			panic(fmt.Sprintf("record: Merge: part %d is nil", i))
		}
		lo, hi, n = min(lo, p.offset), max(hi, p.offset+p.units), n+len(p.spikes)
	}
	if len(parts) == 0 {
		lo = 0
	}
	if hi-lo > spark.MaxUnits {
		panic(fmt.Sprintf("record: Merge: the parts span units [%d, %d), more than spark.MaxUnits = %d", lo, hi, spark.MaxUnits))
	}
	m := NewSpikes(hi-lo, lo)
	m.spikes = make([]Spike, 0, n)
	ps := slices.Clone(parts)
	slices.SortStableFunc(ps, func(a, b *Spikes) int { return cmp.Compare(a.offset, b.offset) })
	next := make([]int, len(ps)) // each part's first spike not yet merged
	for len(m.spikes) < n {
		step := int32(math.MaxInt32)
		for i, p := range ps {
			if next[i] < len(p.spikes) {
				step = min(step, p.spikes[next[i]].Step)
			}
		}
		start := len(m.spikes)
		for i, p := range ps {
			k := next[i]
			for k < len(p.spikes) && p.spikes[k].Step == step {
				k++
			}
			m.spikes = append(m.spikes, p.spikes[next[i]:k]...)
			next[i] = k
		}
		if run := m.spikes[start:]; !slices.IsSortedFunc(run, byUnit) {
			slices.SortFunc(run, byUnit)
		}
		m.next = int64(step) + 1
	}
	for _, p := range parts {
		m.next = max(m.next, p.next)
	}
	return m
}

func byUnit(a, b Spike) int { return cmp.Compare(a.Unit, b.Unit) }

// checkSpan panics unless the steps [from, to) of dt ms are a time span
// over which a rate is defined.
func checkSpan(fn string, from, to int, dt float64) {
	if !(from < to && dt > 0) {
		panic(fmt.Sprintf("record: Spikes.%s(%d, %d, dt %v): want from < to and dt > 0", fn, from, to, dt))
	}
}
