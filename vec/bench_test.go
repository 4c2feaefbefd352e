package vec

import (
	"fmt"
	"math/bits"
	"sync"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
)

// The benchmarks time every kernel on every path at an L1-resident size
// (4096 elements) and at a DRAM size (dramN), and MatVec at 4096 × 4096:
//
//	go test ./vec -run '^$' -bench .
//
// (-short: the 4096 sizes only.) Each reports "elements/s" (elements, or
// weights, per second) and, through b.SetBytes, MB/s of the bytes a call
// must move: every weight, every element of y read and written (axpy:
// 4 + 8 bytes, 2 + 8 for binary16), one spike bit per weight; at the DRAM
// size, the shared activations x once per call.
//
// At the DRAM size Dot and DotF16 are the synaptic case: rows of
// benchCols weights, each dotted against one shared x that stays in cache
// while the weights stream from memory, so that DotF16 moves half the
// weight bytes of Dot.

// benchCols is the row length of the DRAM-size dot products and MatVec.
const benchCols = 4096

// dramN is the DRAM size in elements: 256 MB of float32 weights, 128 MB of
// binary16. Smaller arrays do not leave the cache on every machine: a
// 2-core VM of a Xeon with a 260 MB L3 read 64 MB at twice the speed of
// 128 MB and more (vec.Sum, 27 against 14 GB/s).
const dramN = 1 << 26

func benchSizes() []int {
	if testing.Short() {
		return []int{4096}
	}
	return []int{4096, dramN}
}

// benchData is the inputs, drawn once at the largest size and shared; each
// benchmark takes a prefix.
var benchData = sync.OnceValue(func() (d struct {
	w32, x32, y32 []float32
	w16           []float16.Float16
}) {
	n := benchCols
	for _, m := range benchSizes() {
		n = max(n, m)
	}
	r := rng(0xbe7c4)
	d.w32, d.x32, d.y32 = make([]float32, n), make([]float32, n), make([]float32, n)
	d.w16 = make([]float16.Float16, n)
	for j := range n {
		d.w32[j] = r.Uniform(-1, 1)
		d.x32[j] = r.Uniform(-1, 1)
		d.y32[j] = r.Uniform(-1, 1)
		d.w16[j] = float16.Fromfloat32(r.Uniform(-1, 1))
	}
	return d
})

// sink keeps results alive.
var sink float32

// onPaths runs f as sub-benchmark name/path on every path, reporting
// elems elements per call and SetBytes(bytes).
func onPaths(b *testing.B, name string, elems, bytes int, f func()) {
	for _, k := range paths() {
		b.Run(name+"/"+k.name, func(b *testing.B) {
			using(b, k)
			b.SetBytes(int64(bytes))
			for b.Loop() {
				f()
			}
			b.ReportMetric(float64(elems)*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
		})
	}
}

// rows returns the row length and count of the dot products at n: one
// row of n, or rows of benchCols.
func rows(n int) (cols, count int) {
	if n <= benchCols {
		return n, 1
	}
	return benchCols, n / benchCols
}

func BenchmarkDot(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		cols, count := rows(n)
		w, x := d.w32[:n], d.x32[:cols]
		onPaths(b, fmt.Sprintf("n=%d", n), n, 4*n+4*cols, func() {
			for i := range count {
				sink += Dot(w[i*cols:(i+1)*cols], x)
			}
		})
	}
}

func BenchmarkDotF16(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		cols, count := rows(n)
		w, x := d.w16[:n], d.x32[:cols]
		onPaths(b, fmt.Sprintf("n=%d", n), n, 2*n+4*cols, func() {
			for i := range count {
				sink += DotF16(w[i*cols:(i+1)*cols], x)
			}
		})
	}
}

func BenchmarkSum(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		x := d.w32[:n]
		onPaths(b, fmt.Sprintf("n=%d", n), n, 4*n, func() { sink += Sum(x) })
	}
}

// The axpy benchmarks add a small multiple of values in [−1, 1) to y again
// and again: y stays far from overflow and from the subnormals.
const benchA = 0x1p-12

func BenchmarkAxpy(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		y, x := d.y32[:n], d.x32[:n]
		onPaths(b, fmt.Sprintf("n=%d", n), n, 12*n, func() { Axpy(y, benchA, x) })
	}
}

func BenchmarkAxpyF16(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		y, w := d.y32[:n], d.w16[:n]
		onPaths(b, fmt.Sprintf("n=%d", n), n, 10*n, func() { AxpyF16(y, benchA, w) })
	}
}

// BenchmarkMatVec is the 4096 × 4096 product, float32 and binary16
// weights: 64 and 32 MB.
func BenchmarkMatVec(b *testing.B) {
	d := benchData()
	const r, c = 4096, benchCols
	if len(d.w32) < r*c {
		b.Skip("-short: no 4096 × 4096 matrix")
	}
	y, x := make([]float32, r), d.x32[:c]
	w32, w16 := d.w32[:r*c], d.w16[:r*c]
	onPaths(b, "f32/4096x4096", r*c, 4*r*c+4*c+4*r, func() { MatVec(y, w32, r, c, x) })
	onPaths(b, "f16/4096x4096", r*c, 2*r*c+4*c+4*r, func() { MatVecF16(y, w16, r, c, x) })
}

// benchDensities are the masked sums' spike densities, in percent.
var benchDensities = []int{1, 10, 50, 100}

// spikesAt returns n spike bits, each set with probability pct/100.
func spikesAt(n, pct int) spark.Spikes {
	x := spark.NewSpikes(n)
	r := rng(uint64(0x5b1 + pct))
	for j := range n {
		if pct == 100 || int(r.Next()%100) < pct {
			x.Set(j)
		}
	}
	return x
}

// The masked sums' bytes count every weight and spike bit, as the dense
// kernel reads them; a sparse sum (see sparse: few bits on a long row)
// touches only the set bits' weights. The "dense" sub-benchmarks time the
// path's dense kernel alone at every density, the one MaskedSum runs where
// the rule says dense: where it beats the public call that took the sparse
// form, the rule picked the slower form.
func BenchmarkMaskedSum(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		w := d.w32[:n]
		for _, pct := range benchDensities {
			x := spikesAt(n, pct)
			onPaths(b, fmt.Sprintf("n=%d/%d%%", n, pct), n, 4*n+n/8, func() { sink += MaskedSum(w, x) })
			onPaths(b, fmt.Sprintf("n=%d/%d%%/dense", n, pct), n, 4*n+n/8, func() { sink += impl.maskedSum(w, x) })
		}
	}
}

func BenchmarkMaskedSumF16(b *testing.B) {
	d := benchData()
	for _, n := range benchSizes() {
		w := d.w16[:n]
		for _, pct := range benchDensities {
			x := spikesAt(n, pct)
			onPaths(b, fmt.Sprintf("n=%d/%d%%", n, pct), n, 2*n+n/8, func() { sink += MaskedSumF16(w, x) })
			onPaths(b, fmt.Sprintf("n=%d/%d%%/dense", n, pct), n, 2*n+n/8, func() { sink += impl.maskedSumF16(w, x) })
		}
	}
}

// BenchmarkMaskedSumRule times MaskedSum on long float32 rows in cache,
// where its rule picks the dense kernel or the sparse form by the number
// of set bits: the public function (the rule's pick), the dense kernel
// and the sparse form, at a few counts, the spikes changing from call to
// call (16 patterns in turn) so that no branch predictor learns one:
//
//	go test ./vec -run '^$' -bench MaskedSumRule
//
// The rule before the floor (see sparseBit) took the sparse form at all
// of these counts but the largest on rows of 32768.
func BenchmarkMaskedSumRule(b *testing.B) {
	const patterns = 16
	for _, n := range []int{32768, 65536, 131072} {
		r := rng(uint64(n))
		w := make([]float32, n)
		for j := range w {
			w[j] = r.Uniform(-1, 1)
		}
		for _, set := range []int{16, 64, 128, 256, 512} {
			var xs [patterns]spark.Spikes
			for p := range xs {
				xs[p] = spark.NewSpikes(n)
				for xs[p].Count() < set {
					xs[p].Set(int(r.Next() % uint64(n)))
				}
			}
			for _, f := range []struct {
				name string
				sum  func(w []float32, x []uint64) float32
			}{
				{"MaskedSum", func(w []float32, x []uint64) float32 { return MaskedSum(w, x) }},
				{"dense", func(w []float32, x []uint64) float32 { return impl.maskedSum(w, x) }},
				{"sparse", maskedSumGeneric},
			} {
				b.Run(fmt.Sprintf("n=%d/set=%d/%s", n, set, f.name), func(b *testing.B) {
					p := 0
					for b.Loop() {
						sink += f.sum(w, xs[p])
						p = (p + 1) % patterns
					}
				})
			}
		}
	}
}

// BenchmarkMaskedSums times MaskedSums on a small population's matrix in
// cache, 4096 weights in rows of 256, 1024 and 4096, about 1/64 of the
// bits set, the spikes changing from call to call (16 patterns in turn):
// MaskedSums (one kernel over every row, where no row can take the sparse
// form), the path's single dense kernel called row by row (how MaskedSums
// ran before), and a plain Go loop over the set bits in its own order
// (the same code on every path, run once). On the Zen 5 VM, one CPU (taskset -c 1),
// AVX-512, 3 runs: 16 × 256 75 ns, 147–149 row by row, 119–122 the plain
// loop; 4 × 1024 67 ns, 78–107, 78–80; 1 × 4096 59–60, 58–59, 78–79.
//
//	go test ./vec -run '^$' -bench MaskedSums
func BenchmarkMaskedSums(b *testing.B) {
	const patterns = 16
	r := rng(0x5a)
	w := make([]float32, 4096)
	for j := range w {
		w[j] = r.Uniform(-1, 1)
	}
	for _, cols := range []int{256, 1024, 4096} {
		rows, words := len(w)/cols, spark.SpikeWords(cols)
		var xs [patterns]spark.Spikes
		for p := range xs {
			xs[p] = make(spark.Spikes, rows*words)
			for k := range xs[p] {
				xs[p][k] = r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next()
			}
		}
		y := make([]float32, rows)
		p := 0
		next := func() []uint64 { p++; return xs[p%patterns] }
		name := fmt.Sprintf("%dx%d", rows, cols)
		onPaths(b, name+"/MaskedSums", len(w), 4*len(w)+len(w)/8, func() { MaskedSums(y, w, rows, cols, next()) })
		onPaths(b, name+"/row-by-row", len(w), 4*len(w)+len(w)/8, func() { eachRow(y, w, cols, next(), impl.maskedSum) })
		b.Run(name+"/plain", func(b *testing.B) { // the same code on every path
			for b.Loop() {
				eachRow(y, w, cols, next(), plainMaskedSum)
			}
		})
	}
}

// plainMaskedSum is the plain Go loop a simulator would write: the set
// bits' weights added in one chain, in increasing j.
func plainMaskedSum(w []float32, x []uint64) float32 {
	var s float32
	for k, word := range x {
		for ; word != 0; word &= word - 1 {
			s += w[k*64+bits.TrailingZeros64(word)]
		}
	}
	return s
}

// BenchmarkMaskedSumsForms times the two forms of MaskedSums and
// MaskedSumsF16 on matrices in cache (8 rows of 16384, 512 KB of float32),
// from L3 (256 rows of 4096) and from DRAM (2048 rows of 32768), at
// densities around the rules' bounds: the
// public call (the rule's pick), the dense kernel on every row and the
// tier's sparse form on every row, ns/op per call and ns/row. It measures
// the bounds of matrixRule's tiers on the machine it runs on:
//
//	go test ./vec -run '^$' -bench MaskedSumsForms
func BenchmarkMaskedSumsForms(b *testing.B) {
	for _, m := range []struct {
		tier       string
		rows, cols int
	}{{"cache", 8, 16384}, {"L3", 256, 4096}, {"DRAM", 2048, 32768}} {
		if testing.Short() && m.tier == "DRAM" {
			continue
		}
		n, words := m.rows*m.cols, spark.SpikeWords(m.cols)
		r := rng(uint64(n))
		w32 := make([]float32, n)
		w16 := make([]float16.Float16, n)
		for j := range w32 {
			w32[j] = r.Uniform(-1, 1)
			w16[j] = float16.Fromfloat32(w32[j])
		}
		y := make([]float32, m.rows)
		for _, permille := range []int{2, 5, 10, 20, 30, 40} {
			const patterns = 4 // the rows are longer than a branch predictor's memory
			var xs [patterns]spark.Spikes
			for p := range xs {
				xs[p] = make(spark.Spikes, m.rows*words)
				for i := range m.rows {
					for range m.cols * permille / 1000 {
						j := int(r.Next() % uint64(m.cols))
						xs[p][i*words+j/64] |= 1 << (j % 64)
					}
				}
			}
			r32, r16 := matrixRule(n, 4, &f32Rules), matrixRule(n, 2, &f16Rules)
			for _, f := range []struct {
				name string
				sum  func(x spark.Spikes)
			}{
				{"f32/MaskedSums", func(x spark.Spikes) { MaskedSums(y, w32, m.rows, m.cols, x) }},
				{"f32/dense", func(x spark.Spikes) { eachRow(y, w32, m.cols, x, impl.maskedSum) }},
				{"f32/sparse", func(x spark.Spikes) { eachRow(y, w32, m.cols, x, r32.sparse) }},
				{"f16/MaskedSums", func(x spark.Spikes) { MaskedSumsF16(y, w16, m.rows, m.cols, x) }},
				{"f16/dense", func(x spark.Spikes) { eachRow(y, w16, m.cols, x, impl.maskedSumF16) }},
				{"f16/sparse", func(x spark.Spikes) { eachRow(y, w16, m.cols, x, r16.sparse) }},
			} {
				b.Run(fmt.Sprintf("%s/%.1f%%/%s", m.tier, float64(permille)/10, f.name), func(b *testing.B) {
					p := 0
					for b.Loop() {
						f.sum(xs[p%patterns])
						p++
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(m.rows), "ns/row")
				})
			}
		}
	}
}
