package spark

import (
	"fmt"
	"math/bits"
)

// Spikes is a set of spiking units, one bit per unit: unit i spiked when bit
// i%64 of word i/64 is set. It is the form the SIMD compares produce (a lane
// mask per vector) and costs 1/32 of the memory of a float32 per unit. The words
// of a population of n units are exactly [SpikeWords](n) long; the bits past
// the last unit of the last word are zero as the somas write them (Set can
// set them: a Spikes knows its words, not its units), and the library's
// readers that know the population ignore them or refuse them, as each
// says.
type Spikes []uint64

// SpikeWords is the number of words that hold the spikes of n units. It
// panics if n is negative.
func SpikeWords(n int) int {
	if n < 0 {
		panic(negativeUnits(n))
	}
	return n/64 + (n%64+63)/64 // (n + 63)/64 without overflow near math.MaxInt
}

// NewSpikes returns an empty set for n units. It panics unless
// 0 ≤ n ≤ [MaxUnits].
func NewSpikes(n int) Spikes {
	if n < 0 || n > MaxUnits {
		panic(fmt.Sprintf("spark: NewSpikes(%d): the number of units must be in [0, MaxUnits = %d]", n, MaxUnits))
	}
	return make(Spikes, SpikeWords(n))
}

// Has reports whether unit i spiked. It panics unless 0 ≤ i < 64·len(s).
func (s Spikes) Has(i int) bool {
	// One unsigned compare refuses both a negative i (a huge word index)
	// and one past the last word, and spares the index its bounds check.
	if w := uint(i) / 64; w < uint(len(s)) {
		return s[w]>>(uint(i)%64)&1 != 0
	}
	panic(indexError{"Has", i, len(s)})
}

// Set marks unit i as spiking. It panics unless 0 ≤ i < 64·len(s).
func (s Spikes) Set(i int) {
	if w := uint(i) / 64; w < uint(len(s)) {
		s[w] |= 1 << (uint(i) % 64)
		return
	}
	panic(indexError{"Set", i, len(s)})
}

// indexError is what Has and Set panic with for an index out of range: a
// value formatted only when printed, which keeps them cheap enough to
// inline.
type indexError struct {
	fn       string
	i, words int
}

func (e indexError) Error() string {
	return fmt.Sprintf("spark: Spikes.%s(%d): index out of range [0, %d) of a set of %d words", e.fn, e.i, 64*e.words, e.words)
}

// negativeUnits is SpikeWords' panic, out of line.
//
//go:noinline
func negativeUnits(n int) string {
	return fmt.Sprintf("spark: SpikeWords(%d): the number of units must be ≥ 0", n)
}

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
