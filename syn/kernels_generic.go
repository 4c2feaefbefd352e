package syn

import (
	"github.com/x448/float16"

	"github.com/sparkgo/spark/f16"
)

// chunk is how many binary16 weights the portable kernels convert at a
// time, into a scratch buffer.
const chunk = 256

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
