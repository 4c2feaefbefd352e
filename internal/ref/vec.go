package ref

import "github.com/x448/float16"

// SumLanes is the number of partial sums of every sum the library computes
// (Dot, Sum, MatVec, MaskedSum, and their binary16 forms): lane k adds the
// terms j ≡ k (mod 64) in increasing j, starting from +0, and Reduce adds
// the lanes by halves. A SIMD path keeps the lanes in registers (four of
// sixteen floats on AVX-512, eight of eight on AVX2, sixteen of four on NEON), so that four or more
// independent chains of additions hide the adder's latency, and every path
// gives the same bits. A lane that starts at +0 never becomes −0, so adding
// +0 in place of a term that is not there (a tail, a spike bit not set)
// leaves it unchanged: the SIMD paths pad with zeros.
const SumLanes = 64

// Reduce adds the partial sums by halves: lane k += lane k+32 for k < 32,
// then k+16, 8, 4, 2 and 1; it returns lane 0.
func Reduce(lane *[SumLanes]float32) float32 {
	for h := SumLanes / 2; h >= 1; h /= 2 {
		for k := range h {
			lane[k] += lane[k+h]
		}
	}
	return lane[0]
}

// Dot returns Σ x[j]·y[j] over j < len(x), each product rounded on its own
// (no fused multiply-add), summed in SumLanes order.
func Dot(x, y []float32) float32 {
	var lane [SumLanes]float32
	for j := range x {
		lane[j%SumLanes] += mul(x[j], y[j])
	}
	return Reduce(&lane)
}

// DotF16 is Dot of the binary16 weights w, each converted exactly, and x.
func DotF16(w []float16.Float16, x []float32) float32 {
	var lane [SumLanes]float32
	for j := range w {
		lane[j%SumLanes] += mul(w[j].Float32(), x[j])
	}
	return Reduce(&lane)
}

// Sum returns Σ x[j], in SumLanes order.
func Sum(x []float32) float32 {
	var lane [SumLanes]float32
	for j, v := range x {
		lane[j%SumLanes] += v
	}
	return Reduce(&lane)
}

// Axpy adds a·x[j] to y[j], the product rounded on its own.
func Axpy(y []float32, a float32, x []float32) {
	for j := range y {
		y[j] += mul(a, x[j])
	}
}

// AxpyF16 adds a·w[j] to y[j] for binary16 weights w.
func AxpyF16(y []float32, a float32, w []float16.Float16) {
	for j := range y {
		y[j] += mul(a, w[j].Float32())
	}
}

// Scale multiplies x[j] by a.
func Scale(x []float32, a float32) {
	for j := range x {
		x[j] = mul(a, x[j])
	}
}

// Add adds x[j] to y[j].
func Add(y, x []float32) {
	for j := range y {
		y[j] += x[j]
	}
}

// AddF16 adds the binary16 weights w[j] to y[j].
func AddF16(y []float32, w []float16.Float16) {
	for j := range y {
		y[j] += w[j].Float32()
	}
}

// MatVec sets y[i] to Dot of row i of the row-major rows × cols matrix w
// and x.
func MatVec(y, w []float32, rows, cols int, x []float32) {
	for i := range rows {
		y[i] = Dot(w[i*cols:(i+1)*cols], x[:cols])
	}
}

// MatVecF16 is MatVec of binary16 weights.
func MatVecF16(y []float32, w []float16.Float16, rows, cols int, x []float32) {
	for i := range rows {
		y[i] = DotF16(w[i*cols:(i+1)*cols], x[:cols])
	}
}

// bit reports whether bit j of the spike words x is set.
func bit(x []uint64, j int) bool { return x[j/64]>>(j%64)&1 != 0 }

// MaskedSumOf returns the sum of the w[j] whose bit j of x is set, in
// SumLanes order.
func MaskedSumOf(w []float32, x []uint64) float32 {
	return MaskedSum(len(w), func(j int) (float32, bool) { return w[j], bit(x, j) })
}

// MaskedSumF16 is MaskedSumOf of binary16 weights.
func MaskedSumF16(w []float16.Float16, x []uint64) float32 {
	return MaskedSum(len(w), func(j int) (float32, bool) { return w[j].Float32(), bit(x, j) })
}

// Select sets d[j] to w[j] where bit j of x is set and to +0 elsewhere.
func Select(d, w []float32, x []uint64) {
	for j := range d {
		d[j] = sel(bit(x, j), w[j], 0)
	}
}

// SelectF16 is Select of binary16 weights.
func SelectF16(d []float32, w []float16.Float16, x []uint64) {
	for j := range d {
		d[j] = sel(bit(x, j), w[j].Float32(), 0)
	}
}
