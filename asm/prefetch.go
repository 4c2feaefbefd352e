package asm

import "github.com/sparkgo/spark/internal/cpu"

// prefetchAVX2 and prefetchAVX512 tell the amd64 soma and trace kernels of
// each path whether a call over a population past L2's size asks for its
// streams' cache lines ahead of each step (1) or leaves that to the CPU's
// own prefetchers (0): cpu.SoftwarePrefetch's choice, read by the kernels
// at entry. Either way a kernel computes the same bits; the tests run both
// loops by setting them, never while a kernel runs.
var prefetchAVX2, prefetchAVX512 = flag(cpu.SoftwarePrefetch(cpu.AVX2)), flag(cpu.SoftwarePrefetch(cpu.AVX512))

func flag(on bool) uint8 {
	if on {
		return 1
	}
	return 0
}
