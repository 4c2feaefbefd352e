package f16

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/testutil"
)

// paths are the implementations this machine can run, each tested against
// x448. The portable kernels run everywhere.
func paths() []*kernels { return all }

// using makes the rest of the test run the kernels k.
func using(t testing.TB, k *kernels) { testutil.Set(t, &impl, k) }

// forEachPath runs f as a subtest, path=name, for every path.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	for _, k := range paths() {
		t.Run("path="+k.name, func(t *testing.T) {
			using(t, k)
			f(t)
		})
	}
}

// TestPathsCovered fails when this build and CPU run a path whose kernels
// f16 lists but its tests would not run, or a path f16 has assembly kernels
// of this architecture for but none of that path, and checks that every
// conversion runs the path the cpu package selected (the portable kernels
// where f16 has none of it).
// See testutil.CoverPaths.
func TestPathsCovered(t *testing.T) {
	testutil.CoverPaths(t, "f16", func(k *kernels) cpu.Path { return k.path }, archKernels(), paths(), impl)
}

// rng is the tests' generator, the same sequence everywhere.
type rng = testutil.Rng

func bits(f float32) uint32        { return math.Float32bits(f) }
func fbits(u uint32) float32       { return math.Float32frombits(u) }
func want16(f float32) uint16      { return uint16(float16.Fromfloat32(f)) }
func want32(h uint16) uint32       { return bits(float16.Float16(h).Float32()) }
func h16(h float16.Float16) uint16 { return uint16(h) }

func TestToFloat32AllHalves(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		src := make([]float16.Float16, 1<<16)
		for i := range src {
			src[i] = float16.Float16(i)
		}
		dst := make([]float32, len(src))
		ToFloat32(dst, src)
		bad := 0
		for i, h := range src {
			if g, w := bits(dst[i]), want32(uint16(h)); g != w {
				if bad++; bad <= 10 {
					t.Errorf("ToFloat32(%#04x) = %#08x, x448 gives %#08x", uint16(h), g, w)
				}
			}
		}
		if bad > 10 {
			t.Errorf("... %d halves wrong in all", bad)
		}
	})
}

// checkFrom converts src with FromFloat32 and compares every result with
// x448, reporting at most a few mismatches.
func checkFrom(t *testing.T, src []float32, dst []float16.Float16) {
	t.Helper()
	FromFloat32(dst, src)
	bad := 0
	for i, f := range src {
		if g, w := h16(dst[i]), want16(f); g != w {
			if bad++; bad <= 10 {
				t.Errorf("FromFloat32(%#08x = %g) = %#04x, x448 gives %#04x", bits(f), f, g, w)
			}
		}
	}
	if bad > 10 {
		t.Errorf("... %d inputs wrong in all", bad)
	}
}

// TestFromFloat32AllFloats compares every one of the 2^32 float32 bit
// patterns with x448. It takes 25 s for three paths on two cores, so it
// runs with SPARK_EXHAUSTIVE=1 (.ci/run does); TestFromFloat32Rounding
// covers every rounding case in the default run.
func TestFromFloat32AllFloats(t *testing.T) {
	if os.Getenv("SPARK_EXHAUSTIVE") != "1" {
		t.Skip("2^32 inputs: set SPARK_EXHAUSTIVE=1; TestFromFloat32Rounding covers every rounding case")
	}
	forEachPath(t, func(t *testing.T) {
		sweep(t, 1<<32, func(k int64) uint32 { return uint32(k) })
	})
}

// TestFromFloat32Rounding compares with x448 every input whose conversion
// rounds differently: for every sign and exponent, every pattern of the 13
// mantissa bits a normal half drops and the one it keeps last, under six
// patterns of the other nine; and every mantissa of the exponents whose
// halves are subnormal or lie next to them (2^-27 to 2^-14), where the
// dropped bits are more, and of the two binades below the overflow to
// infinity: about 320M inputs.
func TestFromFloat32Rounding(t *testing.T) {
	if testing.Short() {
		t.Skip("about 320M inputs; -short runs TestFromFloat32Edges and a random sample instead")
	}
	tops := []uint32{0x000, 0x001, 0x0aa, 0x155, 0x1fe, 0x1ff} // mantissa bits 14–22
	const low = 1 << 14                                        // bits 0–13
	structured := int64(2 * 256 * len(tops) * low)
	whole := []uint32{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 141, 142} // biased float32 exponents
	n := structured + int64(2*len(whole))<<23
	forEachPath(t, func(t *testing.T) {
		sweep(t, n, func(k int64) uint32 {
			if k < structured {
				m := uint32(k % low)
				k /= low
				top := tops[k%int64(len(tops))]
				k /= int64(len(tops))
				return uint32(k)<<23 | top<<14 | m // sign and exponent, then mantissa
			}
			k -= structured
			m := uint32(k & (1<<23 - 1))
			k >>= 23
			return uint32(k&1)<<31 | whole[k>>1]<<23 | m
		})
	})
}

// sweep compares with x448 the n inputs input(0) … input(n−1), in chunks
// spread over GOMAXPROCS goroutines.
func sweep(t *testing.T, n int64, input func(k int64) uint32) {
	const chunk = 1 << 16
	var next, bad atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := make([]float32, chunk)
			dst := make([]float16.Float16, chunk)
			for {
				c := next.Add(1) - 1
				if c*chunk >= n || bad.Load() > 10 {
					return
				}
				m := min(chunk, n-c*chunk)
				for i := range m {
					src[i] = fbits(input(c*chunk + i))
				}
				FromFloat32(dst[:m], src[:m])
				for i, f := range src[:m] {
					if g, w := h16(dst[i]), want16(f); g != w {
						if bad.Add(1) <= 10 {
							t.Errorf("FromFloat32(%#08x = %g) = %#04x, x448 gives %#04x", bits(f), f, g, w)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d inputs in %v on %d goroutines", n, time.Since(start).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	if k := bad.Load(); k > 10 {
		t.Errorf("stopped after %d mismatches", k)
	}
}

// edges returns the float32 inputs where a half conversion can go wrong, with
// both signs.
func edges() []float32 {
	var pos []uint32
	add := func(fs ...float32) {
		for _, f := range fs {
			pos = append(pos, bits(f))
		}
	}
	// Zero, the float32 subnormals' ends, and every power of two from well
	// below the smallest subnormal half (2^-24) to beyond the largest half,
	// with the middle and the top of its binade.
	pos = append(pos, 0, 1, 2, 0x007fffff, 0x00800000)
	for e := -30; e <= 20; e++ {
		p := float32(math.Ldexp(1, e))
		add(p, 1.5*p, math.Nextafter32(2*p, 0))
	}
	// Every half, every tie between two adjacent halves (exact in float32:
	// halves have 11 significant bits) and one float32 ulp either side,
	// including the tie between the largest half and 2^16 (65520), which
	// rounds to Inf, and the underflow ties 2^-25 (→ 0) and 3·2^-25 (→ 2^-23).
	for h := uint32(0); h < 0x7c00; h++ {
		lo, hi := float64(float16.Float16(h).Float32()), float64(float16.Float16(h+1).Float32())
		if h+1 == 0x7c00 {
			hi = 65536 // the next half if the exponent did not end here
		}
		mid := bits(float32((lo + hi) / 2))
		pos = append(pos, bits(float32(lo)), mid-1, mid, mid+1)
	}
	// The overflow boundary.
	add(65504, math.Nextafter32(65504, 0), math.Nextafter32(65504, 1e9),
		math.Nextafter32(65520, 0), 65520, math.Nextafter32(65520, 1e9), 65535, 65536,
		math.Nextafter32(65536, 1e9), 7e4, 1e5, math.Nextafter32(math.MaxFloat32, 0), math.MaxFloat32)
	// The smallest subnormal half and half of it.
	add(0x1p-24, math.Nextafter32(0x1p-24, 0), math.Nextafter32(0x1p-24, 1),
		0x1p-25, math.Nextafter32(0x1p-25, 0), math.Nextafter32(0x1p-25, 1),
		3*0x1p-25, 0x1p-26, 0x1p-14, math.Nextafter32(0x1p-14, 0))
	// Inf, and NaNs: quiet and signalling, payload bits in the top 10 mantissa
	// bits (kept), only in the low 13 (dropped), or both.
	pos = append(pos, 0x7f800000,
		0x7fc00000, 0x7fc00001, 0x7fc01fff, 0x7fc02000, 0x7fe00000, 0x7fffffff, 0x7fffe000,
		0x7f800001, 0x7f800002, 0x7f801000, 0x7f801fff, 0x7f802000, 0x7f802001, 0x7fa00000, 0x7fbfffff,
		0x7f9fe000)
	out := make([]float32, 0, 2*len(pos))
	for _, u := range pos {
		out = append(out, fbits(u), fbits(u|0x80000000))
	}
	return out
}

func TestFromFloat32Edges(t *testing.T) {
	src := edges()
	forEachPath(t, func(t *testing.T) {
		checkFrom(t, src, make([]float16.Float16, len(src)))
	})
}

// TestFromFloat32Sample compares 2^22 random float32 bit patterns with x448.
func TestFromFloat32Sample(t *testing.T) {
	src := make([]float32, 1<<22)
	r := rng(0x9e3779b97f4a7c15)
	for i := range src {
		u := r.Next()
		src[i] = fbits(uint32(u))
		if i%2 == 1 { // half of them within the half range, where rounding happens
			src[i] = fbits(uint32(u>>32)&0x807fffff | uint32(100+u%46)<<23)
		}
	}
	forEachPath(t, func(t *testing.T) {
		checkFrom(t, src, make([]float16.Float16, len(src)))
	})
}

// sentinel values around a slice: a NaN payload no conversion produces.
const (
	sentinel32 = 0x7fa5a5a5
	sentinel16 = 0x7d5a
)

// TestLengthsAndOffsets converts n = 0..300 elements at offsets 0..7 of a
// larger array and checks the results, and that nothing outside dst[:n] is
// written and the source is left alone.
func TestLengthsAndOffsets(t *testing.T) {
	const maxN, maxOff, pad = 300, 7, 16
	// fill sets the sources: any halves, and floats over the half range and
	// beyond (some subnormal, some overflowing), every 37th any bit pattern.
	fill := func(halves []float16.Float16, floats []float32) {
		r := rng(1)
		for i := range halves {
			halves[i] = float16.Float16(r.Next())
			u := r.Next()
			floats[i] = fbits(uint32(u>>32)&0x807fffff | uint32(98+u%50)<<23)
			if i%37 == 0 {
				floats[i] = fbits(uint32(u))
			}
		}
	}
	halves := make([]float16.Float16, maxN+maxOff+pad)
	floats := make([]float32, maxN+maxOff+pad)
	fill(halves, floats)
	forEachPath(t, func(t *testing.T) {
		d32 := make([]float32, len(floats))
		d16 := make([]float16.Float16, len(halves))
		for n := 0; n <= maxN; n++ {
			for off := 0; off <= maxOff; off++ {
				for i := range d32 {
					d32[i] = fbits(sentinel32)
					d16[i] = sentinel16
				}
				src16 := halves[off : off+n]
				src32 := floats[off : off+n]
				ToFloat32(d32[off:off+n], src16)
				FromFloat32(d16[off:off+n], src32)
				for i := range d32 {
					inside := i >= off && i < off+n
					switch g := bits(d32[i]); {
					case inside && g != want32(h16(halves[i])):
						t.Fatalf("n=%d off=%d: ToFloat32 dst[%d] = %#08x, x448 gives %#08x", n, off, i-off, g, want32(h16(halves[i])))
					case !inside && g != sentinel32:
						t.Fatalf("n=%d off=%d: ToFloat32 wrote %#08x at %d, outside dst[%d:%d]", n, off, g, i, off, off+n)
					}
					switch g := h16(d16[i]); {
					case inside && g != want16(floats[i]):
						t.Fatalf("n=%d off=%d: FromFloat32 dst[%d] = %#04x, x448 gives %#04x", n, off, i-off, g, want16(floats[i]))
					case !inside && g != sentinel16:
						t.Fatalf("n=%d off=%d: FromFloat32 wrote %#04x at %d, outside dst[%d:%d]", n, off, g, i, off, off+n)
					}
				}
			}
		}
		// The sources were only read.
		h0 := make([]float16.Float16, len(halves))
		f0 := make([]float32, len(floats))
		fill(h0, f0)
		for i := range halves {
			if halves[i] != h0[i] || bits(floats[i]) != bits(f0[i]) {
				t.Fatalf("source changed at %d", i)
			}
		}
	})
}

func TestLengthMismatchPanics(t *testing.T) {
	mustPanic := func(t *testing.T, want string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			r := recover()
			if r == nil {
				t.Fatalf("no panic, want %q", want)
			}
			if s := fmt.Sprint(r); s != want {
				t.Fatalf("panic %q, want %q", s, want)
			}
		}()
		f()
	}
	forEachPath(t, func(t *testing.T) {
		for _, c := range []struct{ nd, ns int }{{3, 4}, {4, 3}, {0, 1}, {1, 0}, {100, 99}} {
			d32 := make([]float32, c.nd)
			d16 := make([]float16.Float16, c.nd)
			for i := range d32 {
				d32[i], d16[i] = fbits(sentinel32), sentinel16
			}
			s16 := make([]float16.Float16, c.ns)
			s32 := make([]float32, c.ns)
			for i := range s16 {
				s16[i], s32[i] = 0x3c00, 1
			}
			mustPanic(t, fmt.Sprintf("f16: ToFloat32: len(dst) = %d, len(src) = %d", c.nd, c.ns),
				func() { ToFloat32(d32, s16) })
			mustPanic(t, fmt.Sprintf("f16: FromFloat32: len(dst) = %d, len(src) = %d", c.nd, c.ns),
				func() { FromFloat32(d16, s32) })
			for i := range d32 {
				if bits(d32[i]) != sentinel32 || d16[i] != sentinel16 {
					t.Fatalf("len(dst) = %d, len(src) = %d: dst[%d] written before the panic", c.nd, c.ns, i)
				}
			}
		}
		ToFloat32(nil, nil) // equal lengths, nothing to do
		FromFloat32(nil, nil)
	})
}

// TestRoundTrip checks FromFloat32(ToFloat32(h)) == h for every half but
// NaNs, and that a NaN comes back with its quiet bit set and nothing else
// changed.
func TestRoundTrip(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		src := make([]float16.Float16, 1<<16)
		for i := range src {
			src[i] = float16.Float16(i)
		}
		f := make([]float32, len(src))
		back := make([]float16.Float16, len(src))
		ToFloat32(f, src)
		FromFloat32(back, f)
		for i, h := range src {
			want := h
			if h.IsNaN() {
				want = h | 0x0200
			}
			if back[i] != want {
				t.Errorf("%#04x → %#08x → %#04x, want %#04x", uint16(h), bits(f[i]), uint16(back[i]), uint16(want))
			}
		}
	})
}

// TestX448NaN pins the x448 behaviour the package documents, so that an
// upgrade of x448 that changes it is noticed.
func TestX448NaN(t *testing.T) {
	for _, c := range []struct {
		h uint16
		f uint32
	}{{0x7c01, 0x7fc02000}, {0xfe00, 0xffc00000}, {0x7dff, 0x7fffe000}, {0x7c00, 0x7f800000}} {
		if g := want32(c.h); g != c.f {
			t.Errorf("x448: %#04x.Float32() = %#08x, documented %#08x", c.h, g, c.f)
		}
	}
	for _, c := range []struct {
		f uint32
		h uint16
	}{{0x7f800001, 0x7e00}, {0xff801fff, 0xfe00}, {0x7f802000, 0x7e01}, {0x7fffffff, 0x7fff}, {0x477ff000, 0x7c00}} {
		if g := want16(fbits(c.f)); g != c.h {
			t.Errorf("x448: Fromfloat32(%#08x) = %#04x, documented %#04x", c.f, g, c.h)
		}
	}
}

// benchSizes are the benchmark lengths: 4096 (L1-resident), all 65,536
// halves (the figure; L2-resident: 384 KiB read and written) and 16M
// (DRAM).
var benchSizes = []int{1 << 12, 1 << 16, 1 << 24}

// benchHalves returns n halves: every half once, in a scrambled order, so
// that no class (zero, subnormal, normal, Inf, NaN) comes in long runs,
// repeated or cut to length n.
func benchHalves(n int) []float16.Float16 {
	all := make([]float16.Float16, 1<<16)
	for i := range all {
		all[i] = float16.Float16(i)
	}
	r := rng(88172645463325252)
	for i := len(all) - 1; i > 0; i-- {
		j := int(r.Next() % uint64(i+1))
		all[i], all[j] = all[j], all[i]
	}
	s := make([]float16.Float16, n)
	for i := 0; i < n; i += len(all) {
		copy(s[i:], all)
	}
	return s
}

// benchFloats returns the float32 of n halves (as benchHalves), with random
// bits in the 13 mantissa bits a conversion drops, so that every value
// rounds; NaNs stay NaNs, Infs Infs.
func benchFloats(n int) []float32 {
	h := benchHalves(n)
	s := make([]float32, len(h))
	r := rng(7)
	for i := range s {
		u := bits(h[i].Float32())
		if u&0x7f800000 != 0x7f800000 && u&0x7fffffff != 0 {
			u += uint32(r.Next()) & 0x1fff
		}
		s[i] = fbits(u)
	}
	return s
}

// benchEach runs, for every size n, prepare(n), then convert as
// path=name/n=size on every path and perElement, a loop over x448, as
// x448/n=size; both convert the n elements prepare set up. Each reports the
// bytes read and written (6 an element) and elements/s.
func benchEach(b *testing.B, prepare func(n int), convert func(), perElement func()) {
	run := func(b *testing.B, n int, f func()) {
		f() // once: a path may build tables on its first call
		b.SetBytes(int64(n) * (2 + 4))
		b.ReportAllocs()
		for b.Loop() {
			f()
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "elements/s")
	}
	for _, n := range benchSizes {
		prepare(n)
		for _, k := range paths() {
			b.Run(fmt.Sprintf("path=%s/n=%d", k.name, n), func(b *testing.B) {
				using(b, k)
				run(b, n, convert)
			})
		}
		b.Run(fmt.Sprintf("x448/n=%d", n), func(b *testing.B) { run(b, n, perElement) })
	}
}

func BenchmarkToFloat32(b *testing.B) {
	var src []float16.Float16
	var dst []float32
	benchEach(b,
		func(n int) { src, dst = benchHalves(n), make([]float32, n) },
		func() { ToFloat32(dst, src) },
		func() {
			for i, h := range src {
				dst[i] = h.Float32()
			}
		})
}

func BenchmarkFromFloat32(b *testing.B) {
	var src []float32
	var dst []float16.Float16
	benchEach(b,
		func(n int) { src, dst = benchFloats(n), make([]float16.Float16, n) },
		func() { FromFloat32(dst, src) },
		func() {
			for i, f := range src {
				dst[i] = float16.Fromfloat32(f)
			}
		})
}
