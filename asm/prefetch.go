package asm

import "github.com/sparkgo/spark/internal/cpu"

// prefetching tells the amd64 soma and trace kernels whether a call over a
// population past L2's size asks for its streams' cache lines ahead of
// each step (1) or leaves that to the CPU's own prefetchers (0):
// cpu.SoftwarePrefetch's choice, read by the kernels at entry. Either way a
// kernel computes the same bits; the tests run both loops by setting it,
// never while a kernel runs.
var prefetching = flag(cpu.SoftwarePrefetch())

func flag(on bool) uint8 {
	if on {
		return 1
	}
	return 0
}
