package spark

import (
	"fmt"
	"math/bits"
)

// Spikes is a set of spiking units, one bit per unit: unit i spiked when bit
// i%64 of word i/64 is set. It is the form the SIMD compares produce (a lane
// mask per vector) and costs 1/32 of the memory of a float32 per unit. The bits
// past the last unit of the last word are always zero, so the words of a
// population of n units are exactly [SpikeWords](n) long.
type Spikes []uint64

// SpikeWords is the number of words that hold the spikes of n units.
func SpikeWords(n int) int { return (n + 63) / 64 }

// NewSpikes returns an empty set for n units.
func NewSpikes(n int) Spikes { return make(Spikes, SpikeWords(n)) }

// Has reports whether unit i spiked.
func (s Spikes) Has(i int) bool { return s[i/64]>>(i%64)&1 != 0 }

// Set marks unit i as spiking.
func (s Spikes) Set(i int) { s[i/64] |= 1 << (i % 64) }

// Clear empties the set.
func (s Spikes) Clear() { clear(s) }

// Count returns the number of units that spiked.
func (s Spikes) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// AppendIndices appends the indices of the units that spiked, in increasing
// order, to dst and returns the extended slice.
func (s Spikes) AppendIndices(dst []int) []int {
	// Spikes are sparse: skip four empty words at a time.
	k := 0
	for ; k+4 <= len(s); k += 4 {
		q := s[k : k+4 : k+4]
		if q[0]|q[1]|q[2]|q[3] == 0 {
			continue
		}
		for m, w := range q {
			for w != 0 {
				dst = append(dst, (k+m)*64+bits.TrailingZeros64(w))
				w &= w - 1
			}
		}
	}
	for ; k < len(s); k++ {
		for w := s[k]; w != 0; w &= w - 1 {
			dst = append(dst, k*64+bits.TrailingZeros64(w))
		}
	}
	return dst
}

// Bools writes whether each unit spiked into dst, one bool per unit; len(dst)
// is the population size and must be at most 64·len(s).
func (s Spikes) Bools(dst []bool) {
	if len(dst) > 64*len(s) {
		panic(fmt.Sprintf("spark: Spikes.Bools: len(dst) = %d exceeds the %d units that len(s) = %d words hold", len(dst), 64*len(s), len(s)))
	}
	for i := range dst {
		dst[i] = s.Has(i)
	}
}

// SetBools replaces the set with the units whose entry in b is true; len(b) is
// the population size and must be at most 64·len(s).
func (s Spikes) SetBools(b []bool) {
	if len(b) > 64*len(s) {
		panic(fmt.Sprintf("spark: Spikes.SetBools: len(b) = %d exceeds the %d units that len(s) = %d words hold", len(b), 64*len(s), len(s)))
	}
	s.Clear()
	for i, v := range b {
		if v {
			s.Set(i)
		}
	}
}
