package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/klauspost/cpuid/v2"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/vec"
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
// either), so pct_of_roof divides by its best figure: at DRAM size this
// one's, in a cache that level's (the roofs, below).
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
//
// The roofs: the same read-modify-write (the best pass of the best loop) on
// a working set of half of each data cache the CPU reports (L1d, L2, L3;
// 32 KiB, 1 MiB and 32 MiB where cpuid does not know), each level below the
// next one's, and the DRAM-sized figure above as the DRAM roof. In a cache
// gonum's SSE loop and the plain Go loop, not the cache, are the limit (a
// third or less of what the library's AVX-512 kernels move from L1), so the
// cache levels race a third loop: the library's own vec.Add(y, x), y += x
// on the path selected, the row add of the kernel table. A kernel's row is
// compared with the roof of the level its bytes per step fall in (roofFor).

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

// Roof is the in-place read-modify-write bandwidth at one level of the
// memory hierarchy.
type Roof struct {
	Level string `json:"level"` // L1, L2, L3, DRAM
	// Bytes is the working set measured: the two arrays, x and y (a pass
	// moves 1.5 times that, counted as STREAM counts).
	Bytes int `json:"bytes"`
	// Capacity is the level's size: the roof applies to steps that move
	// more bytes than the level below holds and at most this many; 0 for
	// DRAM (any larger).
	Capacity int     `json:"capacity_bytes"`
	GBs      float64 `json:"gb_per_s"` // best pass, the best loop
	Method   string  `json:"method"`   // that loop
	Note     string  `json:"note,omitempty"`
}

// cacheLevel is a data cache's size, as cpuid reports it or assumed.
type cacheLevel struct {
	name    string
	size    int
	assumed bool
}

// cacheLevels returns the L1d, L2 and L3 sizes: override's where it is
// set (tests), else cpuid's, else 32 KiB, 1 MiB and 32 MiB; each at least
// twice the one below, so that the levels' ranges do not overlap.
func cacheLevels(override [3]int) []cacheLevel {
	reported := [3]int{cpuid.CPU.Cache.L1D, cpuid.CPU.Cache.L2, cpuid.CPU.Cache.L3}
	for i, size := range override {
		if size > 0 {
			reported[i] = size
		}
	}
	return cacheLevelsOf(reported)
}

// cacheLevelsOf is cacheLevels on the sizes given (<= 0: unknown).
func cacheLevelsOf(sizes [3]int) []cacheLevel {
	fallback := [3]int{32 << 10, 1 << 20, 32 << 20}
	out := make([]cacheLevel, 3)
	for i, name := range []string{"L1", "L2", "L3"} {
		c := cacheLevel{name: name, size: sizes[i]}
		if c.size <= 0 {
			c.size, c.assumed = fallback[i], true
		}
		if i > 0 {
			c.size = max(c.size, 2*out[i-1].size)
		}
		out[i] = c
	}
	return out
}

// roofSizes returns the working set measured at each cache level: half of
// its size, each at most half of the next level's (the last cache's half of
// dram, the DRAM figure's working set), so that the sizes increase.
func roofSizes(caches []cacheLevel, dram int) []int {
	ws := make([]int, len(caches))
	for i, c := range caches {
		ws[i] = c.size / 2
	}
	next := dram
	for i := len(ws) - 1; i >= 0; i-- {
		ws[i] = min(ws[i], next/2)
		next = ws[i]
	}
	return ws
}

// measureRoofs measures the read-modify-write roof of each cache level,
// target per loop, on arrays allocated for it and dropped after; dram is
// the DRAM figure's working set. Their bandwidth is the better loop's best
// pass, as the DRAM roof's is.
func measureRoofs(caches []cacheLevel, dram int, target time.Duration) []Roof {
	var out []Roof
	for i, ws := range roofSizes(caches, dram) {
		c := caches[i]
		n := max(64, ws/8) // elements per array: x and y, 4 bytes each
		m := newMemBench(n, target, "rmw", "rmw_go", "rmw_vec")
		m.measure()
		r := Roof{Level: c.name, Bytes: 8 * n, Capacity: c.size}
		for _, l := range m.loops {
			if best := maxOf(l.before); best > r.GBs {
				r.GBs, r.Method = best, l.method
			}
		}
		switch {
		case c.assumed:
			r.Note = "size unknown to cpuid, assumed"
		case ws < c.size/2:
			r.Note = "working set kept below the DRAM figure's, " + byteLabel(float64(dram))
		}
		out = append(out, r)
	}
	return out
}

// dramRoof is the DRAM level: the roof of the DRAM-sized arrays, whose
// working set (x and y) is noted where it fits in the last cache's size.
func dramRoof(m MemoryReport, caches []cacheLevel) Roof {
	r := Roof{Level: "DRAM", Bytes: 2 * m.ArrayBytes, GBs: m.RoofGBs, Method: m.RoofMethod}
	if last := caches[len(caches)-1]; r.Bytes <= last.size {
		r.Note = fmt.Sprintf("working set within %s's %s: partly a cache figure", last.name, byteLabel(float64(last.size)))
	}
	return r
}

// roofFor returns the roof of the level a step that moves bytes falls in:
// the first whose capacity holds them, or the last (DRAM).
func roofFor(roofs []Roof, bytes float64) Roof {
	for _, r := range roofs {
		if r.Capacity > 0 && bytes <= float64(r.Capacity) {
			return r
		}
	}
	if len(roofs) == 0 {
		return Roof{}
	}
	return roofs[len(roofs)-1]
}

// memBench holds the arrays and every pass's figures.
type memBench struct {
	n       int
	a, b, c []float32
	target  time.Duration // per loop and run
	loops   []*memLoop
	before  bool
	reps    int // passes per timing: 1, or more where one pass is too short to time
}

type memLoop struct {
	name, method string
	bytes        float64
	run          func(a, b, c []float32)
	before       []float64 // GB/s of each pass
	after        []float64
}

// newMemBench sets up the loops named on arrays of n elements; none named:
// copy, triad, rmw and rmw_go (the DRAM figures).
func newMemBench(n int, target time.Duration, names ...string) *memBench {
	m := &memBench{n: n, target: target, before: true}
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
		{name: "rmw_vec", method: "spark vec.Add(y, x) on " + cpu.Selected.String() + ": y += x in place", bytes: 12,
			run: func(a, b, _ []float32) { vec.Add(a, b) }},
	}
	if len(names) == 0 {
		names = []string{"copy", "triad", "rmw", "rmw_go"}
	}
	m.loops = slices.DeleteFunc(m.loops, func(l *memLoop) bool { return !slices.Contains(names, l.name) })
	triad := slices.ContainsFunc(m.loops, func(l *memLoop) bool { return l.name == "triad" })
	var blk mem.Block
	mem.Array(&blk, &m.a, n)
	mem.Array(&blk, &m.b, n)
	if triad { // the only loop that reads c
		mem.Array(&blk, &m.c, n)
	}
	blk.Alloc()
	for i := range n { // touch every page before timing
		m.a[i], m.b[i] = 0, 1
		if triad {
			m.c[i] = float32(i&1023) * 0x1p-10
		}
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
	// One untimed pass each, then rounds of one timing per loop until the
	// time is spent (at least 5 rounds, at most 200). A timing is one pass,
	// or, on arrays small enough that a pass takes under minTiming (the
	// cache levels' roofs), as many as take that long.
	const minTiming = 50 * time.Microsecond
	for _, l := range m.loops {
		t0 := time.Now()
		l.run(m.a, m.b, m.c)
		if m.reps == 0 && time.Since(t0) >= minTiming {
			m.reps = 1
		}
	}
	if m.reps == 0 {
		m.reps = 1
		for m.reps < 1<<16 && m.time(m.loops[0]) < minTiming {
			m.reps *= 2
		}
	}
	start := time.Now()
	for round := 0; round < 200 && (round < 5 || time.Since(start) < time.Duration(len(m.loops))*m.target); round++ {
		for _, l := range m.loops {
			d := m.time(l).Seconds()
			if d > 0 {
				*into(l) = append(*into(l), l.bytes*float64(m.n)*float64(m.reps)/d/1e9)
			}
		}
	}
	m.before = false
}

// time times m.reps passes of l.
func (m *memBench) time(l *memLoop) time.Duration {
	t0 := time.Now()
	for range m.reps {
		l.run(m.a, m.b, m.c)
	}
	return time.Since(t0)
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
