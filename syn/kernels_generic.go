package syn

import (
	"math/bits"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/f16"
	"github.com/sparkgo/spark/internal/ref"
)

// chunk is how many binary16 weights the portable kernels convert at a
// time, into a scratch buffer.
const chunk = 256

func addRow32Generic(acc []float32, row []float32) {
	row = row[:len(acc)]
	for i, w := range row {
		acc[i] += w
	}
}

func addRow16Generic(acc []float32, row []float16.Float16, buf []float32) {
	for lo := 0; lo < len(acc); lo += chunk {
		a := acc[lo:min(lo+chunk, len(acc))]
		w := buf[:len(a)]
		f16.ToFloat32(w, row[lo:lo+len(a)])
		for i, v := range w {
			a[i] += v
		}
	}
}

// maskedSum32Generic and maskedSum16Generic sum in ref.MaskedSum's order:
// ref.SumLanes partial sums over the columns j ≡ k (mod 64), reduced by halves.
func maskedSum32Generic(row []float32, x []uint64) float32 {
	var lane [ref.SumLanes]float32
	for k, word := range x {
		for word != 0 {
			j := k*64 + bits.TrailingZeros64(word)
			lane[j%ref.SumLanes] += row[j]
			word &= word - 1
		}
	}
	return reduce(&lane)
}

func maskedSum16Generic(row []float16.Float16, x []uint64) float32 {
	var lane [ref.SumLanes]float32
	for k, word := range x {
		for word != 0 {
			j := k*64 + bits.TrailingZeros64(word)
			lane[j%ref.SumLanes] += row[j].Float32()
			word &= word - 1
		}
	}
	return reduce(&lane)
}

func reduce(lane *[ref.SumLanes]float32) float32 { return ref.Reduce(lane) }

func select32Generic(d []float32, row []float32, x []uint64) {
	row = row[:len(d)]
	for j, w := range row {
		if x[j/64]>>(j%64)&1 != 0 {
			d[j] = w
		} else {
			d[j] = 0
		}
	}
}

func select16Generic(d []float32, row []float16.Float16, x []uint64) {
	f16.ToFloat32(d, row[:len(d)])
	for j := range d {
		if x[j/64]>>(j%64)&1 == 0 {
			d[j] = 0
		}
	}
}

func scatter32Generic(acc []float32, idx []int32, w []float32) {
	w = w[:len(idx)]
	for k, i := range idx {
		acc[i] += w[k]
	}
}

func scatter16Generic(acc []float32, idx []int32, w []float16.Float16, buf []float32) {
	for lo := 0; lo < len(idx); lo += chunk {
		ix := idx[lo:min(lo+chunk, len(idx))]
		v := buf[:len(ix)]
		f16.ToFloat32(v, w[lo:lo+len(ix)])
		for k, i := range ix {
			acc[i] += v[k]
		}
	}
}
