package vec

import (
	"math"
	"math/bits"
	"unsafe"

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
// whose lane is b): the sparse form of the masked sums for data in cache
// or L3, and portable Go's only one. The lanes are independent, so that a
// row of few spikes costs little more than a plain loop over its set bits
// (one chain of additions). They first list the nonzero words of each 64
// (nonzero, without a branch per word), then visit only those: on a sparse
// row, a branch per word would go the other way about every other word,
// and each of those mispredictions costs more than the word's bits. They
// address the lanes and the weights through pointers, every one within its
// array, rather than convert each word's 64 weights to a bounds-checked
// array: 10–30% faster from L3 (rows of 4096 of a 4 MB matrix, 1/128 and
// 1/64 of the bits set, on an Intel Xeon).
func maskedSumGeneric(w []float32, x []uint64) float32 {
	var lane [lanes]float32
	var nz [64]uint8
	full := len(w) / 64
	lp := unsafe.Pointer(&lane)
	for base := 0; base < full; base += 64 {
		words := x[base:min(base+64, full)]
		wp := unsafe.Pointer(unsafe.SliceData(w[base*64:]))
		for _, k := range nonzero(&nz, words) {
			row := unsafe.Add(wp, int(k)*64*4) // w[64(base+k):][:64], within w: base+k < full
			for word := words[k]; word != 0; word &= word - 1 {
				b := uintptr(bits.TrailingZeros64(word)) * 4
				*(*float32)(unsafe.Add(lp, b)) += *(*float32)(unsafe.Add(row, b))
			}
		}
	}
	maskedTail(&lane, w, x)
	return reduce(&lane)
}

func maskedSumF16Generic(w []float16.Float16, x []uint64) float32 {
	var lane [lanes]float32
	var nz [64]uint8
	t := half.Table()
	full := len(w) / 64
	lp := unsafe.Pointer(&lane)
	for base := 0; base < full; base += 64 {
		words := x[base:min(base+64, full)]
		wp := unsafe.Pointer(unsafe.SliceData(w[base*64:]))
		for _, k := range nonzero(&nz, words) {
			row := unsafe.Add(wp, int(k)*64*2)
			for word := words[k]; word != 0; word &= word - 1 {
				b := uintptr(bits.TrailingZeros64(word))
				*(*float32)(unsafe.Add(lp, b*4)) += math.Float32frombits(t[*(*float16.Float16)(unsafe.Add(row, b*2))])
			}
		}
	}
	maskedTailF16(&lane, w, x)
	return reduce(&lane)
}

// maskedSumStream and maskedSumF16Stream are the sparse form for weights
// that come from DRAM (a matrix of dramBytes or more): the words in order, the bits of each nonzero one added into their lanes as
// they come, through pointers rather than a bounds-checked array per word.
// From DRAM the sum waits on a line for nearly every set bit, and the fewer
// instructions it takes between them, the more of those lines the core asks
// for at once: without nonzero's first pass over each 64 words and with no
// bounds checks, it runs as fast as a plain loop of one chain of additions
// over the set bits, where maskedSumGeneric took 1.4 times as long (rows of
// 32768 in a 256 MB matrix, 1/64 of the bits set, on an Intel Xeon).
func maskedSumStream(w []float32, x []uint64) float32 {
	var lane [lanes]float32
	full := len(w) / 64
	lp, wp := unsafe.Pointer(&lane), unsafe.Pointer(unsafe.SliceData(w))
	for k, word := range x[:full] {
		if word == 0 {
			continue
		}
		row := unsafe.Add(wp, k*64*4) // w[64k:64k+64], within w: k < full
		for ; word != 0; word &= word - 1 {
			b := uintptr(bits.TrailingZeros64(word)) * 4
			*(*float32)(unsafe.Add(lp, b)) += *(*float32)(unsafe.Add(row, b))
		}
	}
	maskedTail(&lane, w, x)
	return reduce(&lane)
}

func maskedSumF16Stream(w []float16.Float16, x []uint64) float32 {
	var lane [lanes]float32
	t := half.Table()
	full := len(w) / 64
	lp, wp := unsafe.Pointer(&lane), unsafe.Pointer(unsafe.SliceData(w))
	for k, word := range x[:full] {
		if word == 0 {
			continue
		}
		row := unsafe.Add(wp, k*64*2)
		for ; word != 0; word &= word - 1 {
			b := uintptr(bits.TrailingZeros64(word))
			*(*float32)(unsafe.Add(lp, b*4)) += math.Float32frombits(t[*(*float16.Float16)(unsafe.Add(row, b*2))])
		}
	}
	maskedTailF16(&lane, w, x)
	return reduce(&lane)
}

// maskedTail and maskedTailF16 add to the lanes the weights of the set
// bits of the last word, where len(w) is not a multiple of 64: the bits of
// elements past len(w) are ignored.
func maskedTail(lane *[lanes]float32, w []float32, x []uint64) {
	full := len(w) / 64
	if r := len(w) % 64; r != 0 {
		row := w[full*64:]
		for word := x[full] & (1<<r - 1); word != 0; word &= word - 1 {
			b := bits.TrailingZeros64(word)
			lane[b&63] += row[b]
		}
	}
}

func maskedTailF16(lane *[lanes]float32, w []float16.Float16, x []uint64) {
	t := half.Table()
	full := len(w) / 64
	if r := len(w) % 64; r != 0 {
		row := w[full*64:]
		for word := x[full] & (1<<r - 1); word != 0; word &= word - 1 {
			b := bits.TrailingZeros64(word)
			lane[b&63] += math.Float32frombits(t[row[b]])
		}
	}
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
