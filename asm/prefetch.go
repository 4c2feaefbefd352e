package asm

import "github.com/sparkgo/spark/internal/cpu"

// prefetching tells the amd64 soma and trace kernels, which read it (a
// byte, 0 or 1) at entry, whether a call over a population past L2's size
// asks for its streams' cache lines ahead of each step or leaves that to
// the CPU's own prefetchers: cpu.SoftwarePrefetch's choice. Either way a
// kernel computes the same bits; the tests run both loops by setting it,
// never while a kernel runs.
var prefetching = cpu.SoftwarePrefetch()
