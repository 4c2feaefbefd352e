//go:build (amd64 || arm64) && !purego

package soma

import (
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/tracer"
)

// How the assembly kernels of every ISA (kernels_amd64.go, kernels_arm64.go)
// are called: the adapters from a population's state to a kernel's slices.

// blocks runs a kernel over blocks w0 to w1−1 of a population of n =
// len(current) units: call(b, nb, cur) runs nb blocks from block b with
// the inputs cur (nb·64 of them), the last, partial block, if in range,
// through tail. Only the range's blocks of the state, inputs and spike
// words are passed on (and, for the race detector, annotated): disjoint
// ranges touch disjoint memory, tail but by the range of the last block.
func blocks(tail, current []float32, spikes []uint64, w0, w1 int, call func(b, nb int, cur []float32)) {
	n := len(current)
	full := n / mem.BlockLen
	if e := min(w1, full); e > w0 {
		call(w0, e-w0, current[w0*mem.BlockLen:e*mem.BlockLen])
	}
	if rem := n % mem.BlockLen; rem != 0 && w1 > full && w0 < w1 {
		copy(tail, current[full*mem.BlockLen:])
		clear(tail[rem:])
		call(full, 1, tail[:mem.BlockLen])
		spikes[full] &= 1<<rem - 1
	}
}

// Each model has two kernels: one that streams a block of every parameter
// per block of units, and one, for populations whose parameters are all
// uniform, that holds them in registers. The adapters that call them
// (kernels_adapters.go) are generated with the kernels by gen/soma, from
// each model's streams and the fields of the population that hold them:
// the states are passed whole blocks of their padded storage (mem.Blocks),
// the parameters as their streams hold them (mem.Stream.Blocks), or their
// one value (At(0)) when every parameter is uniform.

// The fused kernels of a soma and the single-stage traces of the synapse
// populations that feed it (StepTraced): they run the whole population,
// every block on the padding of the state and of the synapses'
// accumulators (which the kernel leaves zero), and the last spike word is
// cut to the population.

// traced are the streams of the single-stage traces of one or two inputs:
// each trace's stage and its rate, scale and base, and the input it
// drains (those of a second input nil for one).
type traced struct {
	t1, x1, t2, x2         []float32
	l1, c1, b1, l2, c2, b2 *mem.Stream[float32]
}

func traces(in []tracer.Drive) traced {
	var a traced
	a.t1, a.l1, a.c1, a.b1 = in[0].Trace.Stage(0)
	a.x1 = in[0].X
	if len(in) > 1 {
		a.t2, a.l2, a.c2, a.b2 = in[1].Trace.Stage(0)
		a.x2 = in[1].X
	}
	return a
}

// cut clears the spike bits of the padding past the last of n units.
func cut(spikes []uint64, n int) {
	if rem := n % mem.BlockLen; rem != 0 {
		spikes[len(spikes)-1] &= 1<<rem - 1
	}
}
