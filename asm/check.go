package asm

import (
	"fmt"
	"math"
	"math/bits"
	"unsafe"

	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
)

// HasAVX2 reports whether this build and CPU run the kernels whose names
// end in AVX2: an amd64 build without the purego tag, on a CPU with AVX,
// AVX2, FMA and F16C.
func HasAVX2() bool { return hasAVX2 }

// HasAVX512 reports whether this build and CPU run the kernels whose names
// end in AVX512: HasAVX2, and AVX-512 F, VL, BW and DQ.
func HasAVX512() bool { return hasAVX512 }

// HasNEON reports whether this build and CPU run the kernels whose names
// end in NEON: an arm64 build without the purego tag, on a CPU with NEON
// (Advanced SIMD, ASIMD, and FP).
func HasNEON() bool { return hasNEON }

// HasFHM reports whether this build and CPU run the kernels whose names
// end in FHM: HasNEON, and FEAT_FHM's half-precision multiply-add long
// (FMLAL), which Neoverse V1 and later cores have and N1 has not.
func HasFHM() bool { return hasFHM }

var (
	hasFHM    = cpu.FHM()
	hasAVX2   = cpu.Supported(cpu.AVX2)
	hasAVX512 = cpu.Supported(cpu.AVX512)
	hasNEON   = cpu.Supported(cpu.NEON)
)

// The checks every kernel makes before it touches anything. Each panics
// with a message that names the kernel and the rule broken.

func requireAVX2(fn string) {
	if !hasAVX2 {
		panic(fmt.Sprintf("asm.%s: needs an amd64 build without the purego tag and a CPU with AVX2, FMA and F16C; this build or CPU has not (see HasAVX2)", fn))
	}
}

func requireAVX512(fn string) {
	if !hasAVX512 {
		panic(fmt.Sprintf("asm.%s: needs an amd64 build without the purego tag and a CPU with AVX-512 F, VL, BW and DQ; this build or CPU has not (see HasAVX512)", fn))
	}
}

func requireNEON(fn string) {
	if !hasNEON {
		panic(fmt.Sprintf("asm.%s: needs an arm64 build without the purego tag and a CPU with NEON (ASIMD); this build or CPU has not (see HasNEON)", fn))
	}
}

func requireFHM(fn string) {
	if !hasFHM {
		panic(fmt.Sprintf("asm.%s: needs an arm64 build without the purego tag and a CPU with NEON and FEAT_FHM (FMLAL); this build or CPU has not (see HasFHM)", fn))
	}
}

// checkApart: slices a and b, named an and bn, of the same length, must
// share no element, or, where same allows it, be the very same slice (an
// output that overwrites its input, which the kernel reads first): a kernel
// that reads and writes blocks of units would otherwise not give the
// scalar loop's results.
func checkApart(fn, an string, a []float32, bn string, b []float32, same bool) {
	if !mem.Overlap(a, b) || same && mem.Same(a, b) {
		return
	}
	rule := "they must not overlap"
	if same {
		rule = "they must be the same slice or not overlap"
	}
	panic(fmt.Sprintf("asm.%s: %s and %s overlap: %s", fn, an, bn, rule))
}

// checkBlocks: a fused kernel updates whole blocks of 64 units.
func checkBlocks(fn, name string, n int) {
	if n%64 != 0 {
		panic(fmt.Sprintf("asm.%s: len(%s) = %d: must be a multiple of 64 (whole blocks of units)", fn, name, n))
	}
}

// checkLen: slice name must hold want values, as the expression what says.
func checkLen(fn, name string, got int, what string, want int) {
	if got != want {
		panic(fmt.Sprintf("asm.%s: len(%s) = %d, want %s = %d", fn, name, got, what, want))
	}
}

// fitsMatrix: a kernel of the rows (len(y)) of a matrix of cols columns
// takes w of rows·cols elements and x of rows·⌈cols/64⌉ spike words, each
// row's bits from the start of a word. The compiler inlines it, and the
// message (badMatrix) is out of line: on short rows a call counts.
func fitsMatrix(rows, cols, w, x int) bool {
	hi, lo := bits.Mul64(uint64(rows), uint64(cols))
	return cols >= 0 && hi == 0 && lo == uint64(w) && x == rows*((cols+63)>>6)
}

// badMatrix panics with what fitsMatrix found wrong.
func badMatrix(fn string, rows, cols, w, x int) {
	if cols < 0 {
		panic(fmt.Sprintf("asm.%s: cols = %d: must not be negative", fn, cols))
	}
	if hi, lo := bits.Mul64(uint64(rows), uint64(cols)); hi != 0 || lo != uint64(w) {
		panic(fmt.Sprintf("asm.%s: len(w) = %d, want len(y)·cols = %d·%d", fn, w, rows, cols))
	}
	// rows·⌈cols/64⌉ ≤ rows·cols = w: no overflow.
	words := cols/64 + min(cols%64, 1)
	panic(fmt.Sprintf("asm.%s: len(x) = %d, want len(y)·⌈cols/64⌉ = %d·%d", fn, x, rows, words))
}

// checkParam: a parameter holds one value per unit of n, or one block of
// 64 values that every block reads.
func checkParam(fn, name string, got, n int) {
	if got != n && got != 64 {
		panic(fmt.Sprintf("asm.%s: len(%s) = %d: want one value per unit (%d) or one block of 64", fn, name, got, n))
	}
}

// stride is the bytes a kernel advances a parameter of l values by from
// one block to the next: a block's worth when it has one value per unit of
// n, 0 when it is one block that every block reads.
func stride(l, n, size int) int {
	if l == n {
		return 64 * size
	}
	return 0
}

// reciprocal is a streamed kernel's divisor q as its raw kernel takes it
// (see reciprocalOf): 1/q[0] when q is one block (64 values, stride 0) of
// the one value q[0] and reciprocalOf(q[0]) is not 0, else 0. A divisor
// of one value per unit is not scanned: it costs a pass over its values,
// and one value for every unit comes as a block.
func reciprocal(q []float32) float32 {
	if len(q) != 64 {
		return 0
	}
	// Every value's bits against the first's, in four chains, without a
	// branch: 20 ns a call, against 45 for one chain and 47 for a loop
	// that returns at the first other value.
	b := math.Float32bits(q[0])
	w := (*[64]uint32)(unsafe.Pointer(unsafe.SliceData(q)))
	var d0, d1, d2, d3 uint32
	for i := 0; i < 64; i += 4 {
		d0 |= w[i] ^ b
		d1 |= w[i+1] ^ b
		d2 |= w[i+2] ^ b
		d3 |= w[i+3] ^ b
	}
	if d0|d1|d2|d3 != 0 {
		return 0
	}
	return reciprocalOf(q[0])
}

// reciprocalOf is a uniform divisor q as its raw kernel takes it: 1/q
// where q is ±2^k and 1/q is normal too, so that x·(1/q) rounds the same
// real number as x/q, once, and gives its bits; else 0, and the kernel
// divides.
func reciprocalOf(q float32) float32 {
	b := math.Float32bits(q)
	if b&0x7fffff != 0 { // a fraction: not a power of two (NaN among them)
		return 0
	}
	// The biased exponent in [1, 253]: q and 1/q normal. (0 and ±Inf are
	// out; 2^127, whose reciprocal is subnormal, would give the same bits,
	// but a subnormal operand can take the core's slow path.)
	if e := b >> 23 & 0xff; e-1 > 252 {
		return 0
	}
	return 1 / q
}

// checkIndices: a scatter's indices increase strictly and lie in [0, n):
// distinct, as the gathers and scatters of one vector need, and inside acc.
func checkIndices(fn string, idx []int32, n int) {
	prev := int32(-1)
	for k, i := range idx {
		if i <= prev {
			if i < 0 {
				panic(fmt.Sprintf("asm.%s: idx[%d] = %d: out of range for len(acc) = %d", fn, k, i, n))
			}
			panic(fmt.Sprintf("asm.%s: idx[%d] = %d after %d: indices must increase strictly", fn, k, i, prev))
		}
		prev = i
	}
	if prev >= 0 && int(prev) >= n {
		panic(fmt.Sprintf("asm.%s: idx[%d] = %d: out of range for len(acc) = %d", fn, len(idx)-1, prev, n))
	}
}

// badIndices panics with what is wrong with a scatter's indices, which its
// kernel refused.
func badIndices(fn string, idx []int32, n int) {
	checkIndices(fn, idx, n)
	panic(fmt.Sprintf("asm.%s: the kernel refused indices %v for len(acc) = %d that the checks accept", fn, idx, n))
}

// badRows panics with what is wrong with the rows of a scatter of rows
// (n: min(len(idx), len(w))), which its kernel refused.
func badRows(fn string, acc []float32, idx []int32, n int, start []int32, rows []int) {
	for r, j := range rows {
		if j < 0 || j >= len(start)-1 {
			panic(fmt.Sprintf("asm.%s: rows[%d] = %d: out of range for len(start) = %d (a row j needs start[j] and start[j+1])", fn, r, j, len(start)))
		}
		lo, hi := start[j], start[j+1]
		if lo < 0 || lo > hi || int(hi) > n {
			panic(fmt.Sprintf("asm.%s: rows[%d] = %d: start[%d], start[%d] = %d, %d: want 0 ≤ start[j] ≤ start[j+1] ≤ min(len(idx), len(w)) = %d", fn, r, j, j, j+1, lo, hi, n))
		}
		for k := lo; k < hi; k++ {
			if i := idx[k]; i < 0 || int(i) >= len(acc) {
				panic(fmt.Sprintf("asm.%s: idx[%d] = %d (row %d): out of range for len(acc) = %d", fn, k, i, j, len(acc)))
			}
		}
	}
	panic(fmt.Sprintf("asm.%s: the kernel refused rows %v that the checks accept", fn, rows))
}
