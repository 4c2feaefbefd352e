package vec

import (
	"math"
	"math/bits"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/f16"
	"github.com/sparkgo/spark/internal/half"
)

// lanes is the number of partial sums of every sum (internal/ref.SumLanes).
const lanes = 64

// The portable sums keep the 64 lanes in an array and add a block of 64
// terms to it at a time. Each product is converted to float32 explicitly,
// which the Go compiler never fuses with the addition that follows.

func dotGeneric(x, y []float32) float32 {
	var lane [lanes]float32
	y = y[:len(x)]
	for len(x) >= lanes {
		xs, ys := x[:lanes], y[:lanes]
		for k := range lanes {
			lane[k] += float32(xs[k] * ys[k])
		}
		x, y = x[lanes:], y[lanes:]
	}
	for k := range x {
		lane[k] += float32(x[k] * y[k])
	}
	return reduce(&lane)
}

func dotF16Generic(w []float16.Float16, x []float32) float32 {
	var lane [lanes]float32
	t := half.Table()
	x = x[:len(w)]
	for len(w) >= lanes {
		ws, xs := w[:lanes], x[:lanes]
		for k := range lanes {
			lane[k] += float32(math.Float32frombits(t[ws[k]]) * xs[k])
		}
		w, x = w[lanes:], x[lanes:]
	}
	for k := range w {
		lane[k] += float32(math.Float32frombits(t[w[k]]) * x[k])
	}
	return reduce(&lane)
}

func sumGeneric(x []float32) float32 {
	var lane [lanes]float32
	for len(x) >= lanes {
		xs := x[:lanes]
		for k := range lanes {
			lane[k] += xs[k]
		}
		x = x[lanes:]
	}
	for k, v := range x {
		lane[k] += v
	}
	return reduce(&lane)
}

// reduce adds the lanes by halves and returns the sum. (Constant bounds:
// no bounds checks.)
func reduce(l *[lanes]float32) float32 {
	for k := range 32 {
		l[k] += l[k+32]
	}
	for k := range 16 {
		l[k] += l[k+16]
	}
	for k := range 8 {
		l[k] += l[k+8]
	}
	for k := range 4 {
		l[k] += l[k+4]
	}
	l[0] += l[2]
	l[1] += l[3]
	return l[0] + l[1]
}

func axpyGeneric(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += float32(a * v)
	}
}

// The portable binary16 kernels convert each weight where they use it, by
// the table f16's portable conversion uses (x448's bits, 3–4× faster than
// x448's Float32): a buffer on the stack handed to f16.ToFloat32, a call
// through a function value, would escape and allocate on every call.

func axpyF16Generic(y []float32, a float32, w []float16.Float16) {
	t := half.Table()
	w = w[:len(y)]
	for j, v := range w {
		y[j] += float32(a * math.Float32frombits(t[v]))
	}
}

func scaleGeneric(x []float32, a float32) {
	for j, v := range x {
		x[j] = a * v
	}
}

func addGeneric(y, x []float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += v
	}
}

func addF16Generic(y []float32, w []float16.Float16) {
	t := half.Table()
	w = w[:len(y)]
	for j, v := range w {
		y[j] += math.Float32frombits(t[v])
	}
}

// maskedSumGeneric and maskedSumF16Generic add the weights of the set bits
// one at a time, each into its lane (bit b of word k is element 64k + b,
// whose lane is b): the sparse form of the masked sums, and portable Go's
// only one. The lanes are independent, so that a row of few spikes costs
// little more than a plain loop over its set bits (one chain of additions).
// They first list the nonzero words of each 64 (nonzero, without a branch
// per word), then visit only those: on a sparse row, a branch per word
// would go the other way about every other word, and each of those
// mispredictions costs more than the word's bits.
func maskedSumGeneric(w []float32, x []uint64) float32 {
	var lane [lanes]float32
	var nz [64]uint8
	full := len(w) / 64
	for base := 0; base < full; base += 64 {
		words := x[base:min(base+64, full)]
		for _, k := range nonzero(&nz, words) {
			row := (*[64]float32)(w[(base+int(k))*64:])
			for word := words[k]; word != 0; word &= word - 1 {
				b := bits.TrailingZeros64(word) & 63
				lane[b] += row[b]
			}
		}
	}
	if r := len(w) % 64; r != 0 {
		row := w[full*64:]
		for word := x[full] & (1<<r - 1); word != 0; word &= word - 1 {
			b := bits.TrailingZeros64(word)
			lane[b&63] += row[b]
		}
	}
	return reduce(&lane)
}

func maskedSumF16Generic(w []float16.Float16, x []uint64) float32 {
	var lane [lanes]float32
	var nz [64]uint8
	t := half.Table()
	full := len(w) / 64
	for base := 0; base < full; base += 64 {
		words := x[base:min(base+64, full)]
		for _, k := range nonzero(&nz, words) {
			row := (*[64]float16.Float16)(w[(base+int(k))*64:])
			for word := words[k]; word != 0; word &= word - 1 {
				b := bits.TrailingZeros64(word) & 63
				lane[b] += math.Float32frombits(t[row[b]])
			}
		}
	}
	if r := len(w) % 64; r != 0 {
		row := w[full*64:]
		for word := x[full] & (1<<r - 1); word != 0; word &= word - 1 {
			b := bits.TrailingZeros64(word)
			lane[b&63] += math.Float32frombits(t[row[b]])
		}
	}
	return reduce(&lane)
}

// nonzero lists in nz the indices of the nonzero words among words (at
// most 64), in increasing order, and returns the list. Each index is
// written whether or not its word counts, and the count moves on only if it
// does: no branch on the word.
func nonzero(nz *[64]uint8, words []uint64) []uint8 {
	n := 0
	for k, word := range words[:min(len(words), 64)] {
		nz[n&63] = uint8(k)
		if word != 0 {
			n++
		}
	}
	return nz[:n]
}

func selectGeneric(d, w []float32, x []uint64) {
	w = w[:len(d)]
	for j, v := range w {
		if x[j/64]>>(j%64)&1 != 0 {
			d[j] = v
		} else {
			d[j] = 0
		}
	}
}

func selectF16Generic(d []float32, w []float16.Float16, x []uint64) {
	f16.ToFloat32(d, w[:len(d)])
	for j := range d {
		if x[j/64]>>(j%64)&1 == 0 {
			d[j] = 0
		}
	}
}
