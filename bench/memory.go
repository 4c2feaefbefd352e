package main

import (
	"slices"
	"time"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sparkgo/spark/internal/mem"
)

// The memory bandwidth the kernels are compared with, measured by the
// command itself, one thread, over three float32 arrays allocated as a
// population's are (internal/mem: cache-line aligned, staggered within the
// page, so that no 4K aliasing slows a loop down).
//
// Bytes are counted as STREAM counts them, without the write-allocate: a
// copy moves 8 bytes per element, a triad 12, an in-place read-modify-write
// (y += x) 12. The read-modify-write is the fair roof of a state update (a
// kernel that reads and writes its state in place pays no write-allocate
// either), so pct_of_roof divides by its best figure.
//
// Implementations, the best this portable command has without assembly of
// its own:
//   - copy: Go's built-in copy (the runtime's memmove: vector moves, and
//     non-temporal stores for large blocks on amd64);
//   - triad: a plain Go loop, a[i] = b[i] + s·c[i];
//   - read-modify-write: gonum's blas32.Axpy(1, x, y) (SSE assembly on amd64,
//     Go elsewhere), which reaches the bandwidth of the library's AVX2 and
//     AVX-512 row-add kernels on DRAM-sized arrays; a plain Go loop, y[i] +=
//     x[i], is measured too and the better of the two is the roof. A plain
//     Go loop issues one element per cycle or so: fast enough for a DRAM triad
//     on some machines, not for a read-modify-write.
//
// Each loop also runs on in-cache arrays (4096 elements): a DRAM figure close
// to that one means the loop, not the memory, was the limit.

// Bandwidth is one loop's figure.
type Bandwidth struct {
	Method          string  `json:"method"`
	BytesPerElement float64 `json:"bytes_per_element"`
	BestGBs         float64 `json:"best_gb_per_s"`   // the fastest pass of all
	MedianGBs       float64 `json:"median_gb_per_s"` // over every pass
	BeforeGBs       float64 `json:"before_gb_per_s"` // median before the kernels ran
	AfterGBs        float64 `json:"after_gb_per_s"`  // and after
	InCacheGBs      float64 `json:"in_cache_gb_per_s"`
	Passes          int     `json:"passes"`
}

// MemoryReport is the bandwidth measured in the run.
type MemoryReport struct {
	Elements   int       `json:"elements"` // per array
	ArrayBytes int       `json:"array_bytes"`
	Threads    int       `json:"threads"`
	Copy       Bandwidth `json:"copy"`
	Triad      Bandwidth `json:"triad"`
	RMW        Bandwidth `json:"rmw"`         // gonum axpy
	RMWGoLoop  Bandwidth `json:"rmw_go_loop"` // plain Go loop
	RoofGBs    float64   `json:"roof_gb_per_s"`
	RoofMethod string    `json:"roof_method"`
}

// memBench holds the arrays and every pass's figures.
type memBench struct {
	n       int
	a, b, c []float32
	target  time.Duration // per loop and run
	loops   []*memLoop
	before  bool
}

type memLoop struct {
	name, method string
	bytes        float64
	run          func(a, b, c []float32)
	before       []float64 // GB/s of each pass
	after        []float64
}

func newMemBench(n int, target time.Duration) *memBench {
	m := &memBench{n: n, target: target, before: true}
	var blk mem.Block
	mem.Array(&blk, &m.a, n)
	mem.Array(&blk, &m.b, n)
	mem.Array(&blk, &m.c, n)
	blk.Alloc()
	for i := range n { // touch every page before timing
		m.a[i], m.b[i], m.c[i] = 0, 1, float32(i&1023)*0x1p-10
	}
	m.loops = []*memLoop{
		{name: "copy", method: "Go built-in copy (runtime memmove)", bytes: 8,
			run: func(a, b, _ []float32) { copy(a, b) }},
		{name: "triad", method: "plain Go loop a[i] = b[i] + s·c[i]", bytes: 12,
			run: func(a, b, c []float32) { triadGo(a, b, c, 0.5) }},
		{name: "rmw", method: "gonum blas32.Axpy(1, x, y): y += x in place", bytes: 12,
			run: func(a, b, _ []float32) {
				blas32.Axpy(1, blas32.Vector{N: len(b), Inc: 1, Data: b}, blas32.Vector{N: len(a), Inc: 1, Data: a})
			}},
		{name: "rmw_go", method: "plain Go loop y[i] += x[i]", bytes: 12,
			run: func(a, b, _ []float32) { addGo(a, b) }},
	}
	return m
}

// triadGo is STREAM's triad as a plain Go loop.
func triadGo(a, b, c []float32, s float32) {
	b, c = b[:len(a)], c[:len(a)]
	for i := range a {
		a[i] = b[i] + s*c[i]
	}
}

// addGo is an in-place add as a plain Go loop, unrolled by four.
func addGo(y, x []float32) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += x[i]
		y[i+1] += x[i+1]
		y[i+2] += x[i+2]
		y[i+3] += x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += x[i]
	}
}

// measure runs every loop for the target time, passes interleaved loop by
// loop, recording each pass; the first call's figures are "before", the
// next's "after".
func (m *memBench) measure() {
	into := func(l *memLoop) *[]float64 {
		if m.before {
			return &l.before
		}
		return &l.after
	}
	// One untimed pass each, then rounds of one pass per loop until the
	// time is spent (at least 5 rounds, at most 200).
	for _, l := range m.loops {
		l.run(m.a, m.b, m.c)
	}
	start := time.Now()
	for round := 0; round < 200 && (round < 5 || time.Since(start) < time.Duration(len(m.loops))*m.target); round++ {
		for _, l := range m.loops {
			t0 := time.Now()
			l.run(m.a, m.b, m.c)
			d := time.Since(t0).Seconds()
			if d > 0 {
				*into(l) = append(*into(l), l.bytes*float64(m.n)/d/1e9)
			}
		}
	}
	m.before = false
}

// inCache times the same loops on 4096 elements.
func (m *memBench) inCache() map[string]float64 {
	const n = 4096
	var blk mem.Block
	var a, b, c []float32
	mem.Array(&blk, &a, n)
	mem.Array(&blk, &b, n)
	mem.Array(&blk, &c, n)
	blk.Alloc()
	out := map[string]float64{}
	for _, l := range m.loops {
		reps := 64
		var best float64
		for range 5 {
			t0 := time.Now()
			for range reps {
				l.run(a, b, c)
			}
			d := time.Since(t0).Seconds()
			if d > 0 {
				best = max(best, l.bytes*n*float64(reps)/d/1e9)
			}
			if d < float64(m.target)/1e9/20 && reps < 1<<20 {
				reps *= 4
			}
		}
		out[l.name] = best
	}
	return out
}

// report summarizes every pass.
func (m *memBench) report() MemoryReport {
	cache := m.inCache()
	r := MemoryReport{Elements: m.n, ArrayBytes: 4 * m.n, Threads: 1}
	for _, l := range m.loops {
		all := append(slices.Clone(l.before), l.after...)
		bw := Bandwidth{Method: l.method, BytesPerElement: l.bytes, BestGBs: maxOf(all), MedianGBs: median(all),
			BeforeGBs: median(l.before), AfterGBs: median(l.after), InCacheGBs: cache[l.name], Passes: len(all)}
		switch l.name {
		case "copy":
			r.Copy = bw
		case "triad":
			r.Triad = bw
		case "rmw":
			r.RMW = bw
		case "rmw_go":
			r.RMWGoLoop = bw
		}
	}
	r.RoofGBs, r.RoofMethod = r.RMW.BestGBs, r.RMW.Method
	if r.RMWGoLoop.BestGBs > r.RoofGBs {
		r.RoofGBs, r.RoofMethod = r.RMWGoLoop.BestGBs, r.RMWGoLoop.Method
	}
	return r
}

func maxOf(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	return slices.Max(x)
}

// median returns the median of x, 0 for none.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := slices.Clone(x)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
