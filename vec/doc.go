// Package vec is the library's slice kernels for simulators that keep their
// own arrays: dot products and sums, axpy, and the synaptic sums of
// binary16 weights against float32 activations or spike bits. Each runs the
// best path the CPU has (AVX-512, AVX2, NEON or portable Go; SPARK_PATH
// chooses another, as for the rest of the library) and every path gives the
// same bits.
//
// # Kernels
//
//	Dot(x, y)                          Σ x[j]·y[j]
//	Sum(x)                             Σ x[j]
//	Axpy(y, a, x)                      y[j] += a·x[j]
//	Scale(x, a)                        x[j] = a·x[j]
//	Add(y, x)                          y[j] += x[j]
//	DotF16(w, x)                       Σ w[j]·x[j], w binary16
//	AxpyF16(y, a, w)                   y[j] += a·w[j]
//	AddF16(y, w)                       y[j] += w[j]
//	MatVec(y, w, rows, cols, x)        y[i] = Dot(row i of w, x), w row-major
//	MatVecF16(y, w, rows, cols, x)     the same, w binary16
//	MaskedSum(w, x)                    Σ w[j] over the bits j of x set
//	MaskedSumF16(w, x)                 the same, w binary16
//	MaskedSums(y, w, rows, cols, x)    y[i] = MaskedSum(row i of w, row i of x)
//	MaskedSumsF16(y, w, rows, cols, x) the same, w binary16
//	Select(d, w, x)                    d[j] = bit j of x set ? w[j] : 0
//	SelectF16(d, w, x)                 the same, w binary16
//
// Binary16 weights are [float16.Float16] of github.com/x448/float16, each
// converted exactly to float32 before it is used. Bulk conversions are in
// package f16: f16.ToFloat32 and f16.FromFloat32. Spike bits are
// [spark.Spikes]: bit j%64 of word j/64 for element j.
//
// # Arithmetic
//
// No kernel fuses a multiplication and an addition: each product is
// rounded to float32 on its own, then added. Every sum (Dot, DotF16, Sum,
// MatVec, MatVecF16, MaskedSum, MaskedSumF16) adds in one order, on every
// path: 64 partial sums, lane k adding the terms j ≡ k (mod 64) in
// increasing j, each starting from +0, then the lanes added by halves
// (lane k += lane k+32 for k < 32, then k+16, 8, 4, 2 and 1). It is the
// order of
//
//	var lane [64]float32
//	for j := range x {
//		lane[j%64] += x[j] * y[j] // the product rounded first
//	}
//	for h := 32; h >= 1; h /= 2 {
//		for k := range h {
//			lane[k] += lane[k+h]
//		}
//	}
//	return lane[0]
//
// which keeps a SIMD path's registers independent (four chains of 16
// lanes on AVX-512, eight of 8 on AVX2, sixteen of 4 on NEON) and so fast.
// The result can differ from a loop that sums in increasing j by
// rounding; NaN and ±Inf propagate as IEEE arithmetic says (which of two
// NaNs' payloads survives is not specified).
//
// The dense vector kernel of a float32 masked sum skips each word of no
// spike (64 elements), so that its time falls with the density, except
// near one bit in a hundred, where about half the words are 0 and the core
// mispredicts the skip. A masked sum runs the terms of the set bits only,
// one at a time in the same lanes (the same bits), where measurements of
// the two forms say that is faster than the dense kernel: for set bits
// among n elements, when 64·set + 12288 ≤ n and set ≥ max(176, n/1024),
// that is never on rows shorter than 23552 and, on long rows, between
// about 0.1% and 1.2% of the bits set (binary16, whose dense kernel does
// not skip: when 64·set + 3072 ≤ n, never on rows shorter than 3072 and
// below about one bit in 64 on long rows). The rows of MaskedSums (the
// asynchronous input of a population, one spike bit per connection) follow
// the same rule, except in a matrix of 2^18 elements or more, whose
// weights come from L3 or DRAM: there the dense kernel pays for reading
// every weight and the sparse form only for the lines of the set bits. A
// row of a matrix under 32 MB (L3) takes the sparse form when
// 52·set + 300 ≤ n (float32; 112·set + 300 ≤ n for binary16 weights,
// which the dense kernel reads twice as fast): below about 1.8% (0.8%) of
// the bits set on long rows. In a matrix of 32 MB or more (DRAM), where
// the sparse form waits on a line for nearly every bit and visits the
// words in one pass, as a plain loop over the set bits does, it takes the
// sparse form when 28·set + 300 ≤ n (binary16: 54·set + 300 ≤ n): below
// about 3.4% (1.8%).
//
// Those bounds were measured on an Intel Xeon, and the AVX2 and NEON paths
// follow them. The AVX-512 path of an AMD Zen 5, whose 512-bit units are
// full width, never takes the sparse form and counts no bits: there the
// dense kernels were as fast or faster at every density measured, in
// cache, from L3 and from DRAM, but float32 rows from L3 near 1% of the
// bits set (a row of 4096: 305 ns against 186–209 for the sparse form)
// and binary16 rows of 16384 in cache at 0.2% (374 ns against 333, less
// than the count of their 256 words costs); and counting 64 words cost
// about 30 ns, a quarter of a binary16 row of 4096 from L3.
//
// Where the rule gives no row of the matrix the sparse form, whatever its
// bits (rows shorter than 23552 elements in cache, 3072 for binary16, 300
// from L3 or DRAM), MaskedSums runs one kernel over all the rows, the
// dense kernel's loop inside a loop over the rows, instead of a call per
// row: on a small population the calls, checks and waits between rows
// cost as much as the sums (four rows of 1024 in cache, 1/64 of the bits
// set: 70 ns against 80 a call per row, and a plain Go loop over the set
// bits 66; sixteen rows of 256: 76 ns against 146–162, the plain loop
// 84–86; AVX-512 on an AMD Zen 5).
//
// Dot, DotF16 and Sum of 2^18 elements or more (MatVec and MatVecF16:
// matrices of that many) run kernels that ask for their data's cache lines
// 4 KiB ahead, as data that large comes from L3 or DRAM; shorter ones run
// kernels that do not, which in cache are faster. Both give the same bits.
// The masked sums have no such kernel: their dense kernel never asks ahead,
// whatever the length (MaskedSums' rows from L3 or DRAM take the sparse
// form by the rules above).
//
// # Checks
//
// Every function checks its arguments before it touches anything and
// panics with a message naming the function and the rule broken: the
// slices of one call hold the same number of elements (the spike words,
// spark.SpikeWords of the elements, one bit each; a matrix, rows·cols, and
// its spike words, spark.SpikeWords(cols) a row), rows and cols are not
// negative, and a float32 slice the function writes shares no element
// with a float32 slice it reads (the kernels read and write whole vectors,
// so that overlapping slices would give other results than the scalar
// loop, and differ from path to path; slices of other element types
// overlap only through package unsafe, and are not checked), except that
// Axpy, Add and Select may update in place: y (d) the very same slice as x
// (w). The check costs about 2 ns a call. No kernel reads or writes outside the
// slices it is given. Under the race detector, each call reports what it
// reads and writes, assembly included.
package vec
