package asm_test

import (
	"fmt"

	"github.com/sparkgo/spark/asm"
)

// A simulator that keeps its own arrays steps 128 leaky units with the
// widest kernel this build and CPU run, and falls back to its own loop
// elsewhere (purego, an older CPU): the program builds everywhere.
func Example() {
	const n = 128 // a whole number of blocks of 64 units
	v, current := make([]float32, n), make([]float32, n)
	for i := range current {
		current[i] = float32(i) // pA
	}
	spikes := make([]uint64, n/64)
	// d = exp(−dt/τ), gR = (1 − d)·R, thr and reset relative to rest (mV).
	const d, gR, thr, reset = 0.95122945, 0.0048770575, 0.25, 0
	switch {
	case asm.HasAVX512():
		asm.LeakyUniformAVX512(v, current, d, gR, thr, reset, spikes)
	case asm.HasAVX2():
		asm.LeakyUniformAVX2(v, current, d, gR, thr, reset, spikes)
	case asm.HasNEON():
		asm.LeakyUniformNEON(v, current, d, gR, thr, reset, spikes)
	default:
		for i := range v {
			x := float32(d*v[i]) + float32(gR*current[i])
			if x > thr {
				x = reset
				spikes[i/64] |= 1 << (i % 64)
			}
			v[i] = x
		}
	}
	fmt.Printf("spikes %064b %064b\n", spikes[1], spikes[0])
	fmt.Println("unit 51:", v[51])

	// A slice of the wrong length is refused before anything is touched,
	// with a panic naming the kernel and the rule ("asm.LeakyUniformAVX2:
	// len(v) = 100: must be a multiple of 64 (whole blocks of units)"), as
	// is a kernel this build or CPU cannot run.
	defer func() { fmt.Println("refused:", recover() != nil) }()
	asm.LeakyUniformAVX2(v[:100], current[:100], d, gR, thr, reset, spikes)
	// Output:
	// spikes 1111111111111111111111111111111111111111111111111111111111111111 1111111111110000000000000000000000000000000000000000000000000000
	// unit 51: 0.24872993
	// refused: true
}
