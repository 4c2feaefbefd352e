//go:build race

package asm

import (
	"runtime"
	"unsafe"
)

// The race detector does not see the memory an assembly kernel touches:
// every kernel tells it, before the call, the ranges it reads and writes
// (klauspost/reedsolomon does the same), so that `go test -race` reports
// two goroutines stepping one population on every path.

func raceRead[T any](s []T) {
	if len(s) > 0 {
		runtime.RaceReadRange(unsafe.Pointer(unsafe.SliceData(s)), len(s)*int(unsafe.Sizeof(s[0])))
	}
}

func raceWrite[T any](s []T) {
	if len(s) > 0 {
		runtime.RaceWriteRange(unsafe.Pointer(unsafe.SliceData(s)), len(s)*int(unsafe.Sizeof(s[0])))
	}
}

// raceScatter: a scatter reads and writes acc[i] for each i in idx, and
// nothing else of acc. The indices are checked first, as the kernel will,
// so that a bad one panics as it does without the race detector.
func raceScatter(fn string, acc []float32, idx []int32) {
	checkIndices(fn, idx, len(acc))
	for _, i := range idx {
		runtime.RaceWriteRange(unsafe.Pointer(&acc[i]), 4)
	}
}

// raceRows: a scatter of rows reads rows, their offsets, indices and
// weights, and reads and writes acc[i] for each of their indices, once
// the kernel has checked them.
func raceRows[W any](acc []float32, idx []int32, w []W, start []int32, rows []int) {
	raceRead(rows)
	for _, j := range rows {
		raceRead(start[j : j+2])
		lo, hi := start[j], start[j+1]
		raceRead(idx[lo:hi])
		raceRead(w[lo:hi])
		for _, i := range idx[lo:hi] {
			runtime.RaceWriteRange(unsafe.Pointer(&acc[i]), 4)
		}
	}
}
