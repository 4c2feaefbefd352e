package vec

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/mem"
)

// Dot returns Σ x[j]·y[j], in the package's order of summation. x and y
// have the same length.
func Dot(x, y []float32) float32 {
	same("Dot", "x", len(x), "y", len(y))
	if streams(len(x)) {
		return impl.dotStream(x, y)
	}
	return impl.dot(x, y)
}

// DotF16 returns Σ w[j]·x[j] of the binary16 weights w, each converted
// exactly, and the float32 activations x, in the package's order of
// summation: the synaptic input of one unit from the activations (rates,
// traces) of the units that feed it. w and x have the same length.
func DotF16(w []float16.Float16, x []float32) float32 {
	same("DotF16", "w", len(w), "x", len(x))
	if streams(len(w)) {
		return impl.dotF16Stream(w, x)
	}
	return impl.dotF16(w, x)
}

// Sum returns Σ x[j], in the package's order of summation.
func Sum(x []float32) float32 {
	if streams(len(x)) {
		return impl.sumStream(x)
	}
	return impl.sum(x)
}

// Axpy adds a·x[j] to y[j], each product rounded on its own. y and x have
// the same length.
func Axpy(y []float32, a float32, x []float32) {
	same("Axpy", "y", len(y), "x", len(x))
	apart("Axpy", "y", y, "x", x, true)
	impl.axpy(y, a, x)
}

// AxpyF16 adds a·w[j] to y[j] for the binary16 weights w: the event-driven
// update of the units fed by a unit whose output is a. y and w have the
// same length.
func AxpyF16(y []float32, a float32, w []float16.Float16) {
	same("AxpyF16", "y", len(y), "w", len(w))
	impl.axpyF16(y, a, w)
}

// Scale multiplies every x[j] by a.
func Scale(x []float32, a float32) { impl.scale(x, a) }

// Add adds x[j] to y[j]. y and x have the same length.
func Add(y, x []float32) {
	same("Add", "y", len(y), "x", len(x))
	apart("Add", "y", y, "x", x, true)
	impl.add(y, x)
}

// AddF16 adds the binary16 weights w[j] to y[j]: the event-driven update
// of the units fed by one that spiked. y and w have the same length.
func AddF16(y []float32, w []float16.Float16) {
	same("AddF16", "y", len(y), "w", len(w))
	impl.addF16(y, w)
}

// MatVec sets y[i] = Dot(w[i·cols:(i+1)·cols], x) for i < rows: the
// product of the row-major rows × cols matrix w and x. len(y) is rows,
// len(w) rows·cols and len(x) cols.
func MatVec(y, w []float32, rows, cols int, x []float32) {
	shape("MatVec", len(y), len(w), rows, cols, len(x))
	apart("MatVec", "y", y, "w", w, false)
	apart("MatVec", "y", y, "x", x, false)
	matVec(y, w, cols, x, impl.dot, impl.dotStream)
}

// MatVecF16 is MatVec of binary16 weights: y[i] = DotF16(row i of w, x),
// the dense synaptic input of rows units from cols activations.
func MatVecF16(y []float32, w []float16.Float16, rows, cols int, x []float32) {
	shape("MatVecF16", len(y), len(w), rows, cols, len(x))
	apart("MatVecF16", "y", y, "x", x, false)
	matVec(y, w, cols, x, impl.dotF16, impl.dotF16Stream)
}

// matVec sets y[i] to the dot product of row i of w and x, by the
// streaming kernel when the matrix is large enough (see streamMin).
func matVec[W any](y []float32, w []W, cols int, x []float32, dot, stream func([]W, []float32) float32) {
	if streams(len(w)) {
		dot = stream
	}
	for i := range y {
		y[i] = dot(w[i*cols:(i+1)*cols], x)
	}
}

// MaskedSum returns the sum of the w[j] whose bit j in x is set, in the
// package's order of summation: the input of one unit from the spikes of
// the units that feed it. x holds spark.SpikeWords(len(w)) words; bits past
// len(w) are ignored.
func MaskedSum(w []float32, x spark.Spikes) float32 {
	spikeWords("MaskedSum", len(w), len(x))
	if sparseBy(x, len(w), impl.rules32[0].bounds) {
		return maskedSumGeneric(w, x)
	}
	return impl.maskedSum(w, x)
}

// MaskedSumF16 is MaskedSum of binary16 weights.
func MaskedSumF16(w []float16.Float16, x spark.Spikes) float32 {
	spikeWords("MaskedSumF16", len(w), len(x))
	if sparseBy(x, len(w), impl.rules16[0].bounds) {
		return maskedSumF16Generic(w, x)
	}
	return impl.maskedSumF16(w, x)
}

// MaskedSums sets y[i] = MaskedSum(w[i·cols:(i+1)·cols], row i of x) for
// i < rows: the input of rows units, each from the spikes of its own cols
// connections (asynchronous spikes, one bit per connection). x holds rows
// rows of spark.SpikeWords(cols) words; len(y) is rows and len(w)
// rows·cols. Each row takes the sparse form or the dense kernel by the
// masked sums' rule for where the matrix likely is: in cache, in L3 (from
// streamMin elements), or in DRAM (from dramBytes). Where the rule gives
// no row of cols the sparse form (rows shorter than 23552 in cache, 300
// from L3 or DRAM), one call of the dense kernel sums every row.
func MaskedSums(y, w []float32, rows, cols int, x spark.Spikes) {
	if !maskedShape(len(y), len(w), len(x), rows, cols) {
		badMaskedShape("MaskedSums", len(y), len(w), len(x), rows, cols)
	}
	apart("MaskedSums", "y", y, "w", w, false)
	maskedSums(y, w, cols, x, matrixRule(len(w), 4, impl.rules32), impl.maskedSum, impl.maskedSums)
}

// MaskedSumsF16 is MaskedSums of binary16 weights.
func MaskedSumsF16(y []float32, w []float16.Float16, rows, cols int, x spark.Spikes) {
	if !maskedShape(len(y), len(w), len(x), rows, cols) {
		badMaskedShape("MaskedSumsF16", len(y), len(w), len(x), rows, cols)
	}
	maskedSums(y, w, cols, x, matrixRule(len(w), 2, impl.rules16), impl.maskedSumF16, impl.maskedSumsF16)
}

// maskedSums runs the rows, each by rule r's sparse form or the dense
// kernel; all by the dense kernel of every row, rows, where r gives no row
// of cols the sparse form. On short rows that one call is much faster
// than a call per row: four rows of 1024 in cache, 1/64 of the bits set,
// 70 ns against 80 (AVX-512, AMD Zen 5); sixteen rows of 256, 76 against
// 146–162.
func maskedSums[W any](y []float32, w []W, cols int, x []uint64, r *rule[W],
	dense func([]W, []uint64) float32, rows func([]float32, []W, int, []uint64)) {
	floor, limit := r.limits(cols)
	if floor > limit {
		rows(y, w, cols, x)
		return
	}
	eachRow(y, w, cols, x, func(row []W, xi []uint64) float32 {
		if setWithin(xi, cols, floor, limit) {
			return r.sparse(row, xi)
		}
		return dense(row, xi)
	})
}

// A rule is how the rows of a matrix pick their form: the bounds of the
// sparse form, and which sparse form.
type rule[W any] struct {
	bounds
	sparse func([]W, []uint64) float32
}

// bounds are where a row of n elements with set bits takes the sparse
// form (see sparseBit): where
//
//	set·bit + fixed ≤ n  and  set ≥ floor  and, if floorDiv > 0,  set·floorDiv ≥ n
type bounds struct {
	bit, fixed      int
	floor, floorDiv int
}

// rules are the rules of a weight type for a matrix in cache, in L3 and in
// DRAM.
type rules[W any] [3]rule[W]

// matrixRule returns the rule for the rows of a matrix of n elements of
// size bytes: the rule for data in cache below streamMin elements, for
// data from L3 below dramBytes, for data from DRAM from there.
func matrixRule[W any](n, size int, rs *rules[W]) *rule[W] {
	switch {
	case !streams(n):
		return &rs[0]
	case n < dramBytes/size:
		return &rs[1]
	}
	return &rs[2]
}

// streamMin is the fewest elements a sum (or a matrix's) must have for
// package vec to run the streaming kernel, which asks for the cache lines
// ahead: a million bytes of float32, more than this library's CPUs keep in
// L2, so the data likely comes from L3 or DRAM, where asking ahead pays
// (MatVecF16 of 16384 × 4096: 5.5–5.9 G weights/s against 4.2–4.6); in L1
// the prefetches take load ports the sum needs (Dot of 4096: about 8%).
const streamMin = 1 << 18

func streams(n int) bool { return n >= streamMin }

// The rule that picks a masked sum's form, from measurements of the two:
// the dense vector kernel reads every weight but skips the words of no
// spike, whose branch the core cannot predict where about half the words
// are 0 (a density near 1%); the sparse form costs a pass over the words,
// the reduction of its lanes and a part per set bit. Measured on an Intel
// Xeon (AVX-512), float32, one row in cache, the spikes changing from call
// to call, dense/sparse in ns:
//
//	n        64 bits     128         192         256         512         1024
//	24576    402/585     396/674     763/775     941/871     691/2025    937/4236
//	32768    657/1192    677/1308    1281/1537   1619/1009   1034/1800   1044/4303
//	65536    1287/1950   1958/2379   2372/2452   3104/2741   5376/3479   4147/5195
//	131072   2643/4441   3398/4342   3687/3003   4458/3052   7046/4355   11930/8515
//	262144   4325/6840   5209/7078   6003/7430   6976/7593   9796/6180   14901/7195
//
// and at 4096, whatever the density, the dense kernel (49–58 ns with 1 to
// 16 bits, 91–113 with 32 to 64, against 114–159 and 198–265). So the
// sparse form wins on long rows at densities around 1%, between a floor
// that grows with n (about 180 bits to 131072, 300 at 262144, 500 at
// 524288) and a ceiling of about 1.2% of n (at 32768, 256 to 384 bits; at
// 65536, to 768; at 262144, to 3072): a masked sum in cache of set bits
// among n takes the sparse form when
//
//	set·sparseBit + sparseFixed ≤ n  and  set ≥ max(sparseFloor, n/sparseFloorDiv)
//
// that is, from rows of 23552. (Before the dense kernel skipped
// empty words, it took 110–140 ns a row of 4096 whatever the density, and
// this rule took the sparse form from rows of 3072; before the floor, it
// took it on rows of 65536 from a single bit, twice as slow there as the
// dense kernel below 64 bits.) Both forms give the same bits; the rule
// only picks. The binary16 dense kernel, which does not skip (see
// gen/vec), keeps the rule measured before, from rows of 3072, with no
// floor. (Counting the bits, a pass over the words, costs about as much
// as the dense kernel on a sparse row of that length: about 1 ns a word
// built with GOAMD64=v1, which checks the CPU's popcount at each word,
// half that with v3. Both forms pay it; it is spent only where the sparse
// form can be picked.)
const (
	sparseBit      = 64
	sparseFixed    = 12288
	sparseFloor    = 176
	sparseFloorDiv = 1024
	sparseFixedF16 = 3072
)

// For a matrix whose weights come from L3 or DRAM (MaskedSums of
// streamMin elements or more), the dense kernel is bound by the bandwidth
// of reading every weight, and the sparse form reads the lines of the set
// bits only. Measured on an Intel Xeon (AVX-512), the spikes changing from
// step to step, minimums of 12 interleaved rounds:
//
//   - from L3, float32 rows of 4096 of a 4 MB matrix: dense 480–560 ns a
//     row; maskedSumGeneric 187 ns at 0.5% of the bits set, 283 at 1%,
//     403 at 1.5%, 531 at 2%: the sparse form below about 1.8% (52·set +
//     300 ≤ n, 73 bits of 4096). Binary16, dense 230 ns: below 0.8%.
//   - from DRAM, float32 rows of 32768 of a 256 MB matrix: dense 8.7–9.9
//     µs a row; maskedSumStream 3.6 µs at 0.5%, 4.7 at 1%, 6.9 at 2%, 8.2
//     at 3%, 10.5 at 4%: the sparse form below about 3.4% (28·set + 300
//     ≤ n). Binary16, dense 6.4 µs, maskedSumF16Stream 5.8 at 1.5%, 7.1
//     at 2%: below about 1.8%.
//
// Which sparse form: from L3, maskedSumGeneric's first pass over the
// words is worth its cost (rows of 32768 of a 16 MB matrix at 1%: 2.7 µs
// against maskedSumStream's 3.4); from DRAM, it is not (a 64 MB matrix:
// 4.3 µs against 4.2; 256 MB: 5.3 against 4.4 at 1/128). Between 16 and
// 64 MB, a matrix of dramBytes or more is taken to come from DRAM.
const (
	l3SparseBit      = 52
	l3SparseBitF16   = 112
	dramSparseBit    = 28
	dramSparseBitF16 = 54
	coldSparseFixed  = 300
	dramBytes        = 32 << 20
)

var (
	f32Rules = rules[float32]{
		{bounds{sparseBit, sparseFixed, sparseFloor, sparseFloorDiv}, maskedSumGeneric},
		{bounds{bit: l3SparseBit, fixed: coldSparseFixed}, maskedSumGeneric},
		{bounds{bit: dramSparseBit, fixed: coldSparseFixed}, maskedSumStream},
	}
	f16Rules = rules[float16.Float16]{
		{bounds{bit: sparseBit, fixed: sparseFixedF16}, maskedSumF16Generic},
		{bounds{bit: l3SparseBitF16, fixed: coldSparseFixed}, maskedSumF16Generic},
		{bounds{bit: dramSparseBitF16, fixed: coldSparseFixed}, maskedSumF16Stream},
	}
)

// denseF32 and denseF16 never take the sparse form: the rules of the
// portable path, whose dense kernel is the sparse form, and of the
// AVX-512 path where the CPU's dense kernels win at every density
// (cpu.DenseMaskedSums: AMD's Zen 5). A masked sum by them counts no bits.
var (
	denseF32 = rules[float32]{{never, maskedSumGeneric}, {never, maskedSumGeneric}, {never, maskedSumStream}}
	denseF16 = rules[float16.Float16]{{never, maskedSumF16Generic}, {never, maskedSumF16Generic}, {never, maskedSumF16Stream}}
)

// never is the bounds of no row: every n but MaxInt is below its fixed
// part, and MaxInt takes no bit (its limit) from at least one (its floor).
var never = bounds{bit: 1, fixed: math.MaxInt, floor: 1}

// limits returns the fewest and the most set bits with which a row of n
// elements takes the sparse form: floor > limit where it never does.
func (b bounds) limits(n int) (floor, limit int) {
	if n < b.fixed {
		return 1, 0
	}
	limit, floor = (n-b.fixed)/b.bit, b.floor
	if b.floorDiv > 0 {
		floor = max(floor, (n+b.floorDiv-1)/b.floorDiv)
	}
	return floor, limit
}

// eachRow sets y[i] to sum of row i of w (cols elements) and of x (its
// spark.SpikeWords(cols) words): the portable maskedSums, and the rows
// of a matrix whose rule may give some the sparse form.
func eachRow[W any](y []float32, w []W, cols int, x []uint64, sum func([]W, []uint64) float32) {
	words := spark.SpikeWords(cols)
	for i := range y {
		y[i] = sum(w[i*cols:(i+1)*cols], x[i*words:(i+1)*words])
	}
}

// sparseBy reports whether the set bits of x are within b for a row of n
// elements: it counts them until there are too many, and not at all where
// no count is.
func sparseBy(x []uint64, n int, b bounds) bool {
	floor, limit := b.limits(n)
	return floor <= limit && setWithin(x, n, floor, limit)
}

// setWithin reports whether the bits of x that stand for the n elements
// (those past n in the last word not counted) number from floor to limit.
// It counts four words at a time, until there are too many: with a
// popcount instruction that Go checks the CPU for at each word
// (GOAMD64=v1), a word at a time took about 0.8 ns a word on an AMD Zen 5,
// as long as the dense kernel on the row of 4096 weights it decided for.
func setWithin(x []uint64, n, floor, limit int) bool {
	if len(x) == 0 {
		return floor <= 0 && 0 <= limit
	}
	last := len(x) - 1
	set, k := 0, 0
	for ; k+4 <= last; k += 4 {
		q := x[k : k+4 : k+4]
		if set += bits.OnesCount64(q[0]) + bits.OnesCount64(q[1]) + bits.OnesCount64(q[2]) + bits.OnesCount64(q[3]); set > limit {
			return false
		}
	}
	for _, w := range x[k:last] {
		set += bits.OnesCount64(w)
	}
	tail := x[last]
	if m := n % 64; m != 0 {
		tail &= 1<<m - 1
	}
	set += bits.OnesCount64(tail)
	return floor <= set && set <= limit
}

// Select sets d[j] to w[j] where bit j of x is set and to +0 elsewhere:
// the drive of one unit's per-synapse traces from its inputs' spikes. d
// and w have the same length; x holds spark.SpikeWords(len(d)) words.
func Select(d, w []float32, x spark.Spikes) {
	same("Select", "d", len(d), "w", len(w))
	spikeWords("Select", len(d), len(x))
	apart("Select", "d", d, "w", w, true)
	impl.select32(d, w, x)
}

// SelectF16 is Select of binary16 weights.
func SelectF16(d []float32, w []float16.Float16, x spark.Spikes) {
	same("SelectF16", "d", len(d), "w", len(w))
	spikeWords("SelectF16", len(d), len(x))
	impl.select16(d, w, x)
}

// The checks. Each panics with a message naming the function.

func same(fn, a string, na int, b string, nb int) {
	if na != nb {
		panic(fmt.Sprintf("vec.%s: len(%s) = %d, len(%s) = %d: want the same length", fn, a, na, b, nb))
	}
}

// apart panics unless y, which the call writes, and b, which it reads,
// share no element, or, where same allows it, are the very same slice (an
// element-wise update in place, which reads each element before it writes
// it): the kernels read and write whole vectors, so that overlapping
// slices would give other results than the scalar loop, and differ from
// path to path. Only slices of one element type are checked: others
// overlap only through package unsafe. The test (mem.Overlap) is inlined;
// the rest (overlapping) runs only for slices that overlap.
func apart(fn, an string, y []float32, bn string, b []float32, same bool) {
	if mem.Overlap(y, b) {
		overlapping(fn, an, y, bn, b, same)
	}
}

// overlapping panics unless same allows y and b, which overlap, to be the
// very same slice.
func overlapping(fn, a string, y []float32, b string, x []float32, same bool) {
	if same && mem.Same(y, x) {
		return
	}
	rule := "they must not overlap"
	if same {
		rule = "they must be the same slice or not overlap"
	}
	panic(fmt.Sprintf("vec.%s: %s and %s overlap: %s", fn, a, b, rule))
}

func spikeWords(fn string, n, words int) {
	if want := spark.SpikeWords(n); words != want {
		panic(fmt.Sprintf("vec.%s: len(x) = %d spike words, want spark.SpikeWords(%d) = %d", fn, words, n, want))
	}
}

// maskedShape reports whether the masked sums of a matrix's rows have y
// of rows values, w of rows·cols weights and x of rows rows of
// spark.SpikeWords(cols) words. The compiler inlines it, and the message
// (badMaskedShape) is out of line: the rows of a small population are
// short enough that calls count (four rows of 1024 at 1/64 of the bits
// set, in cache, take about 60 ns; each layer of calls and checks above
// the kernel took 3 to 9 more).
func maskedShape(ny, nw, nx, rows, cols int) bool {
	return rows >= 0 && cols >= 0 && !overflows(rows, cols) && ny == rows && nw == rows*cols && nx == rows*((cols+63)>>6)
}

func badMaskedShape(fn string, ny, nw, nx, rows, cols int) {
	shape(fn, ny, nw, rows, cols, cols)
	panic(fmt.Sprintf("vec.%s: len(x) = %d spike words, want rows·spark.SpikeWords(cols) = %d·%d = %d", fn, nx, rows,
		spark.SpikeWords(cols), rows*spark.SpikeWords(cols)))
}

// overflows reports whether rows·cols (both ≥ 0) overflows int: by a
// multiplication, not a division, which costs a few ns a call.
func overflows(rows, cols int) bool {
	hi, lo := bits.Mul64(uint64(rows), uint64(cols))
	return hi != 0 || lo > math.MaxInt
}

func shape(fn string, ny, nw, rows, cols, nx int) {
	switch {
	case rows < 0 || cols < 0:
		panic(fmt.Sprintf("vec.%s: rows = %d, cols = %d: want both ≥ 0", fn, rows, cols))
	case overflows(rows, cols):
		panic(fmt.Sprintf("vec.%s: rows·cols = %d·%d overflows int", fn, rows, cols))
	case ny != rows:
		panic(fmt.Sprintf("vec.%s: len(y) = %d, want rows = %d", fn, ny, rows))
	case nw != rows*cols:
		panic(fmt.Sprintf("vec.%s: len(w) = %d, want rows·cols = %d", fn, nw, rows*cols))
	case nx != cols:
		panic(fmt.Sprintf("vec.%s: len(x) = %d, want cols = %d", fn, nx, cols))
	}
}
