package vec

import (
	"math/bits"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/f16"
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
	x = x[:len(w)]
	for len(w) >= lanes {
		ws, xs := w[:lanes], x[:lanes]
		for k := range lanes {
			lane[k] += float32(ws[k].Float32() * xs[k])
		}
		w, x = w[lanes:], x[lanes:]
	}
	for k := range w {
		lane[k] += float32(w[k].Float32() * x[k])
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

// reduce adds the lanes by halves and returns the sum.
func reduce(lane *[lanes]float32) float32 {
	for h := lanes / 2; h >= 1; h /= 2 {
		for k := range h {
			lane[k] += lane[k+h]
		}
	}
	return lane[0]
}

func axpyGeneric(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += float32(a * v)
	}
}

// The portable binary16 kernels convert each weight with x448's Float32
// where they use it: a buffer on the stack handed to f16.ToFloat32, a call
// through a function value, would escape and allocate on every call.

func axpyF16Generic(y []float32, a float32, w []float16.Float16) {
	w = w[:len(y)]
	for j, v := range w {
		y[j] += float32(a * v.Float32())
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
	w = w[:len(y)]
	for j, v := range w {
		y[j] += v.Float32()
	}
}

// maskedSumGeneric and maskedSumF16Generic add the weights of the set bits
// one at a time, each into its lane (bit b of a word is element j with
// j mod 64 = b): portable Go has no cheaper dense form.
func maskedSumGeneric(w []float32, x []uint64) float32 {
	var lane [lanes]float32
	for k, word := range words(x, len(w)) {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			lane[b] += w[k*64+b]
			word &= word - 1
		}
	}
	return reduce(&lane)
}

func maskedSumF16Generic(w []float16.Float16, x []uint64) float32 {
	var lane [lanes]float32
	for k, word := range words(x, len(w)) {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			lane[b] += w[k*64+b].Float32()
			word &= word - 1
		}
	}
	return reduce(&lane)
}

// words returns the spike words of n elements as an iterator's source:
// x[:⌈n/64⌉] with the bits past n cleared in a copy of the last word.
func words(x []uint64, n int) func(yield func(int, uint64) bool) {
	return func(yield func(int, uint64) bool) {
		full := n / 64
		for k, word := range x[:full] {
			if !yield(k, word) {
				return
			}
		}
		if r := n % 64; r != 0 {
			yield(full, x[full]&(1<<r-1))
		}
	}
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
