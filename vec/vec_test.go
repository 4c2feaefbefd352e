package vec

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

func paths() []*kernels { return all }

// TestPathsCovered fails when this build and CPU run a path whose kernels
// vec lists but its tests would not run, or a path vec has assembly
// kernels of this architecture for but none of that path, and checks that
// every call runs the path the cpu package selected (the portable kernels
// where vec has none of it).
// See testutil.CoverPaths.
func TestPathsCovered(t *testing.T) {
	testutil.CoverPaths(t, "vec", func(k *kernels) cpu.Path { return k.path }, archKernels(), paths(), impl)
}

// using makes k the implementation every call runs, for the rest of t.
func using(t testing.TB, k *kernels) { testutil.Set(t, &impl, k) }

type rng = testutil.Rng

// lengths are the lengths every kernel is tested on: each from 0 to 300
// (every tail of a block of 64, on both sides of every step), and longer.
func lengths() []int {
	var ns []int
	for n := range 301 {
		ns = append(ns, n)
	}
	// 8259: two chunks of 64 words of the sparse form and a tail; 32771:
	// a row long enough that the rule picks the sparse form at 1/128.
	return append(ns, 511, 512, 513, 1000, 4096, 4099, 8259, 32771)
}

// at returns a slice of n elements starting off elements into a fresh
// allocation: every misalignment of a vector.
func at[T any](n, off int) []T { return make([]T, n+off+1)[off : off+n] }

// fill32 fills x with testutil's values. Without special values, a long
// x (past the lengths up to 300) draws none of the huge ones (1e38 and
// more) either: a sum of that many terms would meet enough of them, of
// both signs, to overflow to ±Inf and then NaN, and the tests would
// compare two NaNs rather than the bits of long sums.
func fill32(r *rng, x []float32, special bool) []float32 {
	for j := range x {
		v := testutil.Value32(r, special)
		for !special && len(x) > 300 && math.Abs(float64(v)) >= 1e38 {
			v = testutil.Value32(r, special)
		}
		x[j] = v
	}
	return x
}

func fill16(r *rng, w []float16.Float16, special bool) []float16.Float16 {
	for j := range w {
		w[j] = testutil.Value16(r, special)
	}
	return w
}

// densities are the spike patterns of the masked tests: none, 1 in 512
// (the sparse form of binary16, which the rule picks on its rows of 3072
// elements or more, and of the portable path, whose kernel it is) and 1 in
// 128 (float32's, which the rule picks on rows of 32771 at that density:
// 256 bits, within its floor and ceiling), then denser, half, all.
var densities = []struct {
	name string
	bits func(r *rng) uint64
}{
	{"none", func(*rng) uint64 { return 0 }},
	{"1/512", func(r *rng) uint64 {
		return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next()
	}},
	{"1/128", func(r *rng) uint64 {
		return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next()
	}},
	{"1/64", func(r *rng) uint64 { return r.Next() & r.Next() & r.Next() & r.Next() & r.Next() & r.Next() }},
	{"1/16", func(r *rng) uint64 { return r.Next() & r.Next() & r.Next() & r.Next() }},
	{"1/8", func(r *rng) uint64 { return r.Next() & r.Next() & r.Next() }},
	{"1/2", func(r *rng) uint64 { return r.Next() }},
	{"all", func(*rng) uint64 { return ^uint64(0) }},
}

// density returns the pattern of densities named name.
func density(name string) func(*rng) uint64 {
	for _, d := range densities {
		if d.name == name {
			return d.bits
		}
	}
	panic("no density " + name)
}

func spikes(r *rng, n int, bits func(*rng) uint64) spark.Spikes {
	x := spark.NewSpikes(n)
	for k := range x {
		x[k] = bits(r) // bits past n set too: they must be ignored
	}
	return x
}

// sameBits reports whether a and b have the same bits, any NaN being the
// same as any other (no path keeps a NaN's payload in a set order).
func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

func sameAll(a, b []float32) int {
	for j := range a {
		if !sameBits(a[j], b[j]) {
			return j
		}
	}
	return -1
}

// each runs f on every path, every length, both without and with ±Inf
// and NaN inputs, at a misalignment that varies with the length.
func each(t *testing.T, f func(t *testing.T, r *rng, n, off int, special bool)) {
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			using(t, k)
			r := rng(0x5eed)
			for _, n := range lengths() {
				for _, special := range []bool{false, true} {
					f(t, &r, n, n%17, special)
				}
			}
		})
	}
}

func TestSums(t *testing.T) {
	each(t, func(t *testing.T, r *rng, n, off int, special bool) {
		x, y := fill32(r, at[float32](n, off), special), fill32(r, at[float32](n, off/2), special)
		w := fill16(r, at[float16.Float16](n, off), special)
		for _, c := range []struct {
			name      string
			got, want float32
		}{
			{"Dot", Dot(x, y), ref.Dot(x, y)},
			{"DotF16", DotF16(w, y), ref.DotF16(w, y)},
			{"Sum", Sum(x), ref.Sum(x)},
			// The streaming kernels, which the functions run on inputs
			// longer than these.
			{"dotStream", impl.dotStream(x, y), ref.Dot(x, y)},
			{"dotF16Stream", impl.dotF16Stream(w, y), ref.DotF16(w, y)},
			{"sumStream", impl.sumStream(x), ref.Sum(x)},
		} {
			if !sameBits(c.got, c.want) {
				t.Fatalf("%s n=%d special=%v: %v (%#08x), reference %v (%#08x)", c.name, n, special,
					c.got, math.Float32bits(c.got), c.want, math.Float32bits(c.want))
			}
		}
	})
}

func TestMaps(t *testing.T) {
	each(t, func(t *testing.T, r *rng, n, off int, special bool) {
		x := fill32(r, at[float32](n, off), special)
		w := fill16(r, at[float16.Float16](n, off/3), special)
		a := testutil.Value32(r, special)
		y0 := fill32(r, at[float32](n, off/2), special)
		for _, c := range []struct {
			name     string
			got, ref func(y []float32)
		}{
			{"Axpy", func(y []float32) { Axpy(y, a, x) }, func(y []float32) { ref.Axpy(y, a, x) }},
			{"AxpyF16", func(y []float32) { AxpyF16(y, a, w) }, func(y []float32) { ref.AxpyF16(y, a, w) }},
			{"Scale", func(y []float32) { Scale(y, a) }, func(y []float32) { ref.Scale(y, a) }},
			{"Add", func(y []float32) { Add(y, x) }, func(y []float32) { ref.Add(y, x) }},
			{"AddF16", func(y []float32) { AddF16(y, w) }, func(y []float32) { ref.AddF16(y, w) }},
		} {
			got, want := append(at[float32](0, off), y0...), append([]float32(nil), y0...)
			c.got(got)
			c.ref(want)
			if j := sameAll(got, want); j >= 0 {
				t.Fatalf("%s n=%d special=%v: [%d] = %#08x, reference %#08x", c.name, n, special, j,
					math.Float32bits(got[j]), math.Float32bits(want[j]))
			}
		}
	})
}

func TestMasked(t *testing.T) {
	each(t, func(t *testing.T, r *rng, n, off int, special bool) {
		w32 := fill32(r, at[float32](n, off), special)
		w16 := fill16(r, at[float16.Float16](n, off), special)
		for _, d := range densities {
			x := spikes(r, n, d.bits)
			if got, want := MaskedSum(w32, x), ref.MaskedSumOf(w32, x); !sameBits(got, want) {
				t.Fatalf("MaskedSum n=%d %s special=%v: %#08x, reference %#08x", n, d.name, special, math.Float32bits(got), math.Float32bits(want))
			}
			if got, want := MaskedSumF16(w16, x), ref.MaskedSumF16(w16, x); !sameBits(got, want) {
				t.Fatalf("MaskedSumF16 n=%d %s special=%v: %#08x, reference %#08x", n, d.name, special, math.Float32bits(got), math.Float32bits(want))
			}
			// The sparse forms alone, whatever the density.
			for _, f := range []struct {
				name string
				f32  func([]float32, []uint64) float32
				f16  func([]float16.Float16, []uint64) float32
			}{{"maskedSumGeneric", maskedSumGeneric, maskedSumF16Generic}, {"maskedSumStream", maskedSumStream, maskedSumF16Stream}} {
				if got, want := f.f32(w32, x), ref.MaskedSumOf(w32, x); !sameBits(got, want) {
					t.Fatalf("%s n=%d %s special=%v: %#08x, reference %#08x", f.name, n, d.name, special, math.Float32bits(got), math.Float32bits(want))
				}
				if got, want := f.f16(w16, x), ref.MaskedSumF16(w16, x); !sameBits(got, want) {
					t.Fatalf("%s F16 n=%d %s special=%v: %#08x, reference %#08x", f.name, n, d.name, special, math.Float32bits(got), math.Float32bits(want))
				}
			}
			// The dense kernel alone, whatever the density.
			if got, want := impl.maskedSum(w32, x), ref.MaskedSumOf(w32, x); !sameBits(got, want) {
				t.Fatalf("dense maskedSum n=%d %s special=%v: %#08x, reference %#08x", n, d.name, special, math.Float32bits(got), math.Float32bits(want))
			}
			if got, want := impl.maskedSumF16(w16, x), ref.MaskedSumF16(w16, x); !sameBits(got, want) {
				t.Fatalf("dense maskedSumF16 n=%d %s special=%v: %#08x, reference %#08x", n, d.name, special, math.Float32bits(got), math.Float32bits(want))
			}
			got, want := at[float32](n, off/2), make([]float32, n)
			Select(got, w32, x)
			ref.Select(want, w32, x)
			if j := sameAll(got, want); j >= 0 {
				t.Fatalf("Select n=%d %s: [%d] = %#08x, reference %#08x", n, d.name, j, math.Float32bits(got[j]), math.Float32bits(want[j]))
			}
			SelectF16(got, w16, x)
			ref.SelectF16(want, w16, x)
			if j := sameAll(got, want); j >= 0 {
				t.Fatalf("SelectF16 n=%d %s: [%d] = %#08x, reference %#08x", n, d.name, j, math.Float32bits(got[j]), math.Float32bits(want[j]))
			}
		}
	})
}

func TestMatVec(t *testing.T) {
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			using(t, k)
			r := new(rng)
			*r = 7
			for _, shape := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {3, 63}, {7, 64}, {5, 65}, {17, 130}, {64, 300}, {9, 4099}} {
				rows, cols := shape[0], shape[1]
				for _, special := range []bool{false, true} {
					w := fill32(r, make([]float32, rows*cols), special)
					h := fill16(r, make([]float16.Float16, rows*cols), special)
					x := fill32(r, make([]float32, cols), special)
					got, want := make([]float32, rows), make([]float32, rows)
					MatVec(got, w, rows, cols, x)
					ref.MatVec(want, w, rows, cols, x)
					if j := sameAll(got, want); j >= 0 {
						t.Fatalf("MatVec %d×%d: y[%d] = %#08x, reference %#08x", rows, cols, j, math.Float32bits(got[j]), math.Float32bits(want[j]))
					}
					MatVecF16(got, h, rows, cols, x)
					ref.MatVecF16(want, h, rows, cols, x)
					if j := sameAll(got, want); j >= 0 {
						t.Fatalf("MatVecF16 %d×%d: y[%d] = %#08x, reference %#08x", rows, cols, j, math.Float32bits(got[j]), math.Float32bits(want[j]))
					}
				}
			}
		})
	}
}

// TestMaskedSums: every row of MaskedSums and MaskedSumsF16 is the masked
// sum of the reference, on every path, on matrices under and over
// streamMin (the rule for data in cache, and the one for data from L3 or
// DRAM), at every density of the masked tests: each row's form is the
// rule's, and both give the reference's bits. On every row length to 300
// (three rows, the weights one element off alignment for odd lengths, at
// two densities) the kernel of all the rows at once walks each row's
// tail and steps to the next row's weights and words.
func TestMaskedSums(t *testing.T) {
	type shape struct{ rows, cols, off int }
	shapes := []shape{{0, 0, 0}, {0, 5, 0}, {3, 0, 0}, {1, 1, 0}, {3, 63, 0}, {7, 64, 0}, {5, 65, 0}, {4, 4099, 0}, {9, 8259, 0}}
	shapes = append(shapes, shape{streamMin/4096 + 1, 4096, 0}) // over streamMin: the cold rule
	for cols := range 301 {
		shapes = append(shapes, shape{3, cols, cols % 2})
	}
	for _, k := range paths() {
		t.Run(k.name, func(t *testing.T) {
			using(t, k)
			r := new(rng)
			*r = 11
			for _, sh := range shapes {
				rows, cols := sh.rows, sh.cols
				words := spark.SpikeWords(cols)
				special := rows*cols < 1<<16 // NaN, ±Inf and subnormals on the small ones
				w := fill32(r, make([]float32, sh.off+rows*cols), special)[sh.off:]
				h := fill16(r, make([]float16.Float16, sh.off+rows*cols), special)[sh.off:]
				ds := densities
				if rows == 3 && cols > 0 {
					ds = append(ds[:0:0], densities[3], densities[6]) // 1/64, 1/2
				}
				for _, d := range ds {
					x := spikes(r, rows*words*64, d.bits)[:rows*words]
					for _, c := range []struct {
						name string
						sums func(y []float32)
						row  func(i int) float32 // the reference's sum of row i
					}{
						{"MaskedSums", func(y []float32) { MaskedSums(y, w, rows, cols, x) },
							func(i int) float32 { return ref.MaskedSumOf(w[i*cols:(i+1)*cols], x[i*words:(i+1)*words]) }},
						{"MaskedSumsF16", func(y []float32) { MaskedSumsF16(y, h, rows, cols, x) },
							func(i int) float32 { return ref.MaskedSumF16(h[i*cols:(i+1)*cols], x[i*words:(i+1)*words]) }},
					} {
						got, want := make([]float32, rows), make([]float32, rows)
						c.sums(got)
						for i := range want {
							want[i] = c.row(i)
						}
						if j := sameAll(got, want); j >= 0 {
							t.Fatalf("%s %d×%d %s: y[%d] = %#08x, reference %#08x", c.name, rows, cols, d.name, j,
								math.Float32bits(got[j]), math.Float32bits(want[j]))
						}
					}
				}
			}
		})
	}
}

// TestSparseRule: the rules' forms, at their edges. The rules
// without a floor, for binary16 in cache and for the cold matrices of
// MaskedSums: the sparse form exactly when set·bit + fixed ≤ n. The
// float32 rule in cache, in the numbers its docs state: between
// max(176, n/1024) and (n − 12288)/64 set bits, so from rows of 23552,
// the floor n/1024 from rows of 180224.
func TestSparseRule(t *testing.T) {
	{
		for _, c := range []struct {
			n int
			b bounds
		}{{4096, f16Rules[0].bounds}, {8192, f16Rules[0].bounds}, {4096, f32Rules[1].bounds},
			{4096, f16Rules[1].bounds}, {100000, f32Rules[2].bounds}, {32768, f16Rules[2].bounds}} {
			if c.b.floor != 0 || c.b.floorDiv != 0 {
				t.Fatalf("n=%d %+v: a floor this loop does not test", c.n, c.b)
			}
			limit := (c.n - c.b.fixed) / c.b.bit
			for _, set := range []int{0, limit - 1, limit, limit + 1} {
				x := spark.NewSpikes(c.n)
				for j := range set {
					x.Set(j * (c.n / max(set, 1)))
				}
				want := set <= limit
				if got := sparseBy(x, c.n, c.b); got != want {
					t.Errorf("n=%d %+v, %d bits set: sparse %v, want %v", c.n, c.b, set, got, want)
				}
			}
		}
		for _, c := range []struct {
			n, set int
			sparse bool
		}{
			{4096, 0, false}, {4096, 16, false}, {20480, 128, false}, {23551, 175, false}, {23551, 176, false},
			{23552, 175, false}, {23552, 176, true}, {23552, 177, false},
			{65536, 175, false}, {65536, 176, true}, {65536, 832, true}, {65536, 833, false},
			{524288, 511, false}, {524288, 512, true}, {524288, 8000, true}, {524288, 8001, false},
		} {
			x := spark.NewSpikes(c.n)
			for j := range c.set {
				x.Set(j)
			}
			want := c.sparse
			if got := sparseBy(x, c.n, f32Rules[0].bounds); got != want {
				t.Errorf("float32 in cache, n=%d, %d bits set: sparse %v, want %v", c.n, c.set, got, want)
			}
		}
	}
}

// TestPathRules: each path picks the forms by the rules measured for it:
// the portable path and, where cpu.DenseMaskedSums, the AVX-512 path never
// take the sparse form (and count no bits), the others by the rules
// measured on an Intel Xeon; a masked sum of any length by the dense rules
// runs the dense kernel.
func TestPathRules(t *testing.T) {
	for _, k := range paths() {
		dense := k == &generic || k.path == cpu.AVX512 && cpu.DenseMaskedSums()
		if got := k.rules32 == &denseF32 && k.rules16 == &denseF16; got != dense {
			t.Errorf("%s: the dense rules %v, want %v", k.name, got, dense)
		}
		if !dense && (k.rules32 != &f32Rules || k.rules16 != &f16Rules) {
			t.Errorf("%s: rules other than those measured", k.name)
		}
	}
	for _, n := range []int{0, 1, 4096, 23552, 1 << 20, math.MaxInt} {
		for tier := range 3 {
			for _, b := range []bounds{denseF32[tier].bounds, denseF16[tier].bounds} {
				if floor, limit := b.limits(n); floor <= limit {
					t.Errorf("dense rules, tier %d, n=%d: sparse from %d to %d bits", tier, n, floor, limit)
				}
			}
		}
	}
}

// TestMatrixRule: a matrix under streamMin elements takes the rule for
// data in cache, one of streamMin or more the one for data from L3, one of
// dramBytes or more the one for data from DRAM, with its sparse form.
func TestMatrixRule(t *testing.T) {
	name := func(f any) string { return runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name() }
	for _, c := range []struct {
		n, bit int
		sparse string
		f16    bool
	}{
		{0, sparseBit, "maskedSumGeneric", false}, {streamMin - 1, sparseBit, "maskedSumGeneric", false},
		{streamMin, l3SparseBit, "maskedSumGeneric", false}, {dramBytes/4 - 1, l3SparseBit, "maskedSumGeneric", false},
		{dramBytes / 4, dramSparseBit, "maskedSumStream", false}, {math.MaxInt, dramSparseBit, "maskedSumStream", false},
		{streamMin - 1, sparseBit, "maskedSumF16Generic", true}, {dramBytes/2 - 1, l3SparseBitF16, "maskedSumF16Generic", true},
		{dramBytes / 2, dramSparseBitF16, "maskedSumF16Stream", true},
	} {
		var b bounds
		var sparse string
		if c.f16 {
			r := matrixRule(c.n, 2, &f16Rules)
			b, sparse = r.bounds, name(r.sparse)
		} else {
			r := matrixRule(c.n, 4, &f32Rules)
			b, sparse = r.bounds, name(r.sparse)
		}
		want := bounds{bit: c.bit, fixed: coldSparseFixed}
		switch {
		case c.bit == sparseBit && c.f16:
			want.fixed = sparseFixedF16
		case c.bit == sparseBit:
			want = bounds{sparseBit, sparseFixed, sparseFloor, sparseFloorDiv}
		}
		if b != want || !strings.HasSuffix(sparse, "."+c.sparse) {
			t.Errorf("matrixRule(%d, f16 %v) = %+v, %s; want %+v, %s", c.n, c.f16, b, sparse, want, c.sparse)
		}
	}
}

// TestOrder: the sums add in the documented order, not in increasing j: a
// case where the two differ. Terms 0, 1 and 65 are 2^24, 1 and 1: in
// increasing j, 2^24 + 1 rounds to 2^24 (ties to even), and again with the
// second 1; in lanes, lane 1 holds 1 + 1 = 2 before the halving adds it to
// lane 0's 2^24, exactly.
func TestOrder(t *testing.T) {
	x, ones := make([]float32, 66), make([]float32, 66)
	x[0], x[1], x[65] = 1<<24, 1, 1
	for j := range ones {
		ones[j] = 1
	}
	if got := ref.Sum(x); got != 1<<24+2 {
		t.Fatalf("ref.Sum = %v, want 2^24+2 (lane order)", got)
	}
	for _, k := range paths() {
		using(t, k)
		if got := Sum(x); got != 1<<24+2 {
			t.Errorf("%s: Sum = %v, want 2^24+2 (lane order; in increasing j it is 2^24)", k.name, got)
		}
		if got := Dot(x, ones); got != 1<<24+2 {
			t.Errorf("%s: Dot = %v, want 2^24+2", k.name, got)
		}
		if got := MaskedSum(x, spark.Spikes{^uint64(0), ^uint64(0)}); got != 1<<24+2 {
			t.Errorf("%s: MaskedSum = %v, want 2^24+2", k.name, got)
		}
	}
}

// TestChecks: every rule broken panics with a message naming the function,
// before anything is written.
func TestChecks(t *testing.T) {
	f, h, s := make([]float32, 10), make([]float16.Float16, 10), spark.NewSpikes(10)
	s2 := spark.NewSpikes(128)
	for _, c := range []struct {
		name string
		call func()
		want string
	}{
		{"Dot", func() { Dot(f, f[:9]) }, "vec.Dot: len(x) = 10, len(y) = 9"},
		{"DotF16", func() { DotF16(h[:9], f) }, "vec.DotF16: len(w) = 9, len(x) = 10"},
		{"Axpy", func() { Axpy(f, 2, f[:3]) }, "vec.Axpy: len(y) = 10, len(x) = 3"},
		{"AxpyF16", func() { AxpyF16(f[:3], 2, h) }, "vec.AxpyF16: len(y) = 3, len(w) = 10"},
		{"Add", func() { Add(f, f[:0]) }, "vec.Add: len(y) = 10, len(x) = 0"},
		{"AddF16", func() { AddF16(f, h[:1]) }, "vec.AddF16: len(y) = 10, len(w) = 1"},
		{"MaskedSum", func() { MaskedSum(make([]float32, 65), s) }, "vec.MaskedSum: len(x) = 1 spike words, want spark.SpikeWords(65) = 2"},
		{"MaskedSumF16", func() { MaskedSumF16(h, spark.NewSpikes(200)) }, "vec.MaskedSumF16: len(x) = 4 spike words"},
		{"Select", func() { Select(f, f[:9], s) }, "vec.Select: len(d) = 10, len(w) = 9"},
		{"SelectF16", func() { SelectF16(f, h, nil) }, "vec.SelectF16: len(x) = 0 spike words"},
		{"MatVec rows", func() { MatVec(f, f, -1, 2, f) }, "vec.MatVec: rows = -1"},
		{"MatVec y", func() { MatVec(f, f, 5, 2, f[:2]) }, "vec.MatVec: len(y) = 10, want rows = 5"},
		{"MatVec w", func() { MatVec(f[:2], f, 2, 2, f[:2]) }, "vec.MatVec: len(w) = 10, want rows·cols = 4"},
		{"MatVec x", func() { MatVec(f[:2], f, 2, 5, f[:4]) }, "vec.MatVec: len(x) = 4, want cols = 5"},
		{"MatVecF16 overflow", func() { MatVecF16(f, h, math.MaxInt/2, 3, f) }, "vec.MatVecF16: rows·cols"},
		{"MaskedSums y", func() { MaskedSums(f[:3], f, 2, 5, s[:1]) }, "vec.MaskedSums: len(y) = 3, want rows = 2"},
		{"MaskedSums w", func() { MaskedSums(f[:2], f[:9], 2, 5, s[:1]) }, "vec.MaskedSums: len(w) = 9, want rows·cols = 10"},
		{"MaskedSums x", func() { MaskedSums(f[:2], f, 2, 5, s[:1]) }, "vec.MaskedSums: len(x) = 1 spike words, want rows·spark.SpikeWords(cols) = 2·1 = 2"},
		{"MaskedSumsF16 cols", func() { MaskedSumsF16(f[:2], h, 2, -5, s) }, "vec.MaskedSumsF16: rows = 2, cols = -5"},
		{"MaskedSumsF16 x", func() { MaskedSumsF16(f[:1], h, 1, 10, nil) }, "vec.MaskedSumsF16: len(x) = 0 spike words"},
		// rows·cols ≥ 2^64 (the product's high word) and in [2^63, 2^64).
		{"MaskedSums overflow", func() { MaskedSums(f, f[:0], math.MaxInt, math.MaxInt, nil) }, "vec.MaskedSums: rows·cols"},
		{"MaskedSumsF16 overflow", func() { MaskedSumsF16(f, h, math.MaxInt/2, 3, s) }, "vec.MaskedSumsF16: rows·cols"},
		{"MaskedSums rows", func() { MaskedSums(f, f, -1, 0, nil) }, "vec.MaskedSums: rows = -1"},
		// A slice written that overlaps one read, but in place where allowed.
		{"Axpy overlap", func() { Axpy(f[1:], 2, f[:9]) }, "vec.Axpy: y and x overlap: they must be the same slice or not overlap"},
		{"Add overlap", func() { Add(f[:5], f[4:9]) }, "vec.Add: y and x overlap"},
		{"Select overlap", func() { Select(f[:9], f[1:], s) }, "vec.Select: d and w overlap"},
		{"MatVec y x", func() { MatVec(f[:2], f[2:6], 2, 2, f[1:3]) }, "vec.MatVec: y and x overlap"},
		{"MatVec y w", func() { MatVec(f[:2], f[1:5], 2, 2, f[6:8]) }, "vec.MatVec: y and w overlap"},
		{"MatVecF16 y x", func() { MatVecF16(f[:2], h[:4], 2, 2, f[1:3]) }, "vec.MatVecF16: y and x overlap"},
		{"MaskedSums y w", func() { MaskedSums(f[:2], f[:10], 2, 5, s2) }, "vec.MaskedSums: y and w overlap"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := fmt.Sprint(f, h)
			defer func() {
				p := recover()
				msg, _ := p.(string)
				if !strings.HasPrefix(msg, c.want) {
					t.Fatalf("panic %q, want one starting %q", p, c.want)
				}
				if fmt.Sprint(f, h) != before {
					t.Fatal("written before the panic")
				}
			}()
			c.call()
		})
	}
}

// TestInPlace: Axpy, Add and Select may write the slice they read, on
// every path, with the bits of separate slices; slices side by side do not
// overlap.
func TestInPlace(t *testing.T) {
	const n = 300
	r := new(rng)
	*r = 12
	for _, k := range paths() {
		using(t, k)
		x := fill32(r, make([]float32, n), true)
		s := spikes(r, n, density("1/2"))
		for name, f := range map[string]func(y, x []float32){
			"Axpy":   func(y, x []float32) { Axpy(y, 0.75, x) },
			"Add":    func(y, x []float32) { Add(y, x) },
			"Select": func(y, x []float32) { Select(y, x, s) },
		} {
			want := slices.Clone(x)
			f(want, slices.Clone(x))
			got := slices.Clone(x)
			f(got, got)
			if !slices.EqualFunc(got, want, sameBits) {
				t.Errorf("%s: %s in place differs from separate slices", k.name, name)
			}
			buf := make([]float32, 2*n)
			f(buf[:n], buf[n:]) // side by side: no panic
		}
	}
}

// TestNoAllocs: no function allocates, on any path.
func TestNoAllocs(t *testing.T) {
	const n = 300
	r := new(rng)
	*r = 11
	x, y := fill32(r, make([]float32, n), false), fill32(r, make([]float32, n), false)
	w := fill16(r, make([]float16.Float16, n), false)
	s := spikes(r, n, density("1/2"))
	sparseSpikes := spikes(r, n, density("1/512")) // the sparse form
	m := fill32(r, make([]float32, 3*n), false)
	h := fill16(r, make([]float16.Float16, 3*n), false)
	out := make([]float32, 3)
	for _, k := range paths() {
		using(t, k)
		var sink float32
		for name, f := range map[string]func(){
			"Dot":          func() { sink += Dot(x, y) },
			"DotF16":       func() { sink += DotF16(w, x) },
			"Sum":          func() { sink += Sum(x) },
			"Axpy":         func() { Axpy(y, 0.5, x) },
			"AxpyF16":      func() { AxpyF16(y, 0.5, w) },
			"Scale":        func() { Scale(y, 0.5) },
			"Add":          func() { Add(y, x) },
			"AddF16":       func() { AddF16(y, w) },
			"MatVec":       func() { MatVec(out, m, 3, n, x) },
			"MatVecF16":    func() { MatVecF16(out, h, 3, n, x) },
			"MaskedSum":    func() { sink += MaskedSum(x, s) + MaskedSum(x, sparseSpikes) },
			"MaskedSumF16": func() { sink += MaskedSumF16(w, s) + MaskedSumF16(w, sparseSpikes) },
			"Select":       func() { Select(y, x, s) },
			"SelectF16":    func() { SelectF16(y, w, s) },
		} {
			if a := testing.AllocsPerRun(10, f); a != 0 {
				t.Errorf("%s: %s: %v allocations per call", k.name, name, a)
			}
		}
		_ = sink
	}
}

// TestStreams: inputs of streamMin elements and more run the streaming
// kernels, and give the reference's bits.
func TestStreams(t *testing.T) {
	n := streamMin + 77
	r := new(rng)
	*r = 13
	x, y := fill32(r, make([]float32, n), false), fill32(r, make([]float32, n), false)
	w := fill16(r, make([]float16.Float16, n), false)
	for _, k := range paths() {
		using(t, k)
		if got, want := Dot(x, y), ref.Dot(x, y); !sameBits(got, want) {
			t.Fatalf("%s: Dot = %v, reference %v", k.name, got, want)
		}
		if got, want := DotF16(w, y), ref.DotF16(w, y); !sameBits(got, want) {
			t.Fatalf("%s: DotF16 = %v, reference %v", k.name, got, want)
		}
		if got, want := Sum(x), ref.Sum(x); !sameBits(got, want) {
			t.Fatalf("%s: Sum = %v, reference %v", k.name, got, want)
		}
		cols := 1000
		rows := n / cols
		got, want := make([]float32, rows), make([]float32, rows)
		MatVecF16(got, w[:rows*cols], rows, cols, y[:cols])
		ref.MatVecF16(want, w[:rows*cols], rows, cols, y[:cols])
		if j := sameAll(got, want); j >= 0 {
			t.Fatalf("%s: MatVecF16 y[%d] = %v, reference %v", k.name, j, got[j], want[j])
		}
		MatVec(got, x[:rows*cols], rows, cols, y[:cols])
		ref.MatVec(want, x[:rows*cols], rows, cols, y[:cols])
		if j := sameAll(got, want); j >= 0 {
			t.Fatalf("%s: MatVec y[%d] = %v, reference %v", k.name, j, got[j], want[j])
		}
	}
}

// TestSetWithin: the count that picks a masked sum's form is that of the
// bits that stand for elements (bits past n in the last word ignored), at
// its bounds, whatever the number of words (the four-at-a-time loop and
// its tail).
func TestSetWithin(t *testing.T) {
	r := rng(0x5e7)
	for n := 0; n <= 600; n++ {
		x := make([]uint64, spark.SpikeWords(n))
		for k := range x {
			x[k] = r.Next() & r.Next()
		}
		set := 0
		for j := range n {
			set += int(x[j/64] >> (j % 64) & 1)
		}
		for _, c := range []struct {
			floor, limit int
			want         bool
		}{
			{set, set, true}, {0, set, true}, {set, n, true}, {set + 1, n + 1, false}, {0, set - 1, false},
			{1, 0, false},
		} {
			if got := setWithin(x, n, c.floor, c.limit); got != c.want {
				t.Fatalf("n=%d, %d bits set: setWithin(floor %d, limit %d) = %v, want %v", n, set, c.floor, c.limit, got, c.want)
			}
		}
	}
}
