package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/bench/internal/cpeer"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
)

// TestKernels runs the kernel section on tiny sizes and checks that every
// figure is there, finite and positive, that the report survives a JSON
// round trip, that the chart is written, and that the path is restored.
func TestKernels(t *testing.T) {
	testKernelConfig = &kernelConfig{l1: 256, dram: 2048, sweep: []int{1024}, memElems: 1 << 16, readElems: 1 << 16,
		target: 3 * time.Millisecond, dramRep: time.Millisecond, slow: 2 * time.Millisecond,
		memTarget: time.Millisecond, reps: 3, caches: [3]int{16 << 10, 128 << 10, 256 << 10}}
	t.Cleanup(func() { testKernelConfig = nil })
	orig := cpu.Selected
	dir := filepath.Join(t.TempDir(), "charts")
	r := runKernels(options{quick: true, outDir: dir})
	if r == nil {
		t.Fatal("runKernels returned nil")
	}
	if cpu.Selected != orig {
		t.Errorf("path left at %v, want %v", cpu.Selected, orig)
	}

	// Each case at both sizes on the reference and every path with a
	// kernel of its own for it; the chart's cases on those paths at each
	// sweep size.
	wantRows, wantSweep := 0, 0
	for _, c := range kernelCases() {
		own, _ := ownPaths(c.model, cpu.Paths())
		wantRows += 2 * (len(own) + 1)
		if c.chart {
			wantSweep += len(testKernelConfig.sweep) * len(own)
		}
	}
	if len(r.Rows) != wantRows {
		t.Errorf("%d rows, want %d", len(r.Rows), wantRows)
	}
	if len(r.Sweep) != wantSweep {
		t.Errorf("%d sweep rows, want %d", len(r.Sweep), wantSweep)
	}
	checkNoPortableRows(t, r)
	positive := func(what string, x float64) {
		t.Helper()
		if !(x > 0) || math.IsInf(x, 0) {
			t.Errorf("%s = %v, want finite > 0", what, x)
		}
	}
	for _, row := range append(r.Rows, r.Sweep...) {
		id := row.Model + "/" + row.Path + "/" + row.Size
		if row.Kernel == "" || row.Model == "" || row.Path == "" || row.Bytes == "" || row.N <= 0 || row.Steps <= 0 || row.Samples <= 0 {
			t.Errorf("%s: incomplete row %+v", id, row)
		}
		for name, x := range map[string]float64{"ns_per_step": row.NsPerStep, "per_s": row.PerS,
			"bytes_per_unit": row.BytesPerUnit, "gb_per_s": row.GBPerS, "pct_of_roof": row.PctOfRoof, "vs_generic": row.VsGeneric} {
			positive(id+" "+name, x)
		}
		if row.Size != "sweep" {
			positive(id+" vs_ref", row.VsRef)
		}
		if row.Path == "generic" && row.VsGeneric != 1 {
			t.Errorf("%s: vs_generic = %v, want 1", id, row.VsGeneric)
		}
		roof := roofFor(r.Roofs, float64(row.N)*row.BytesPerUnit)
		if row.RoofLevel != roof.Level || math.Abs(row.PctOfRoof-100*row.GBPerS/roof.GBs) > 1e-9*row.PctOfRoof {
			t.Errorf("%s: %v%% of the %s roof, want %v%% of the %s roof (%v GB/s)", id, row.PctOfRoof, row.RoofLevel,
				100*row.GBPerS/roof.GBs, roof.Level, roof.GBs)
		}
	}
	// The roofs: every level, measured, on increasing working sets, each
	// within half its level's size; DRAM's the memory roof.
	var levels []string
	for i, rf := range r.Roofs {
		levels = append(levels, rf.Level)
		positive("roof "+rf.Level, rf.GBs)
		if rf.Level != "DRAM" && (rf.Capacity <= 0 || rf.Bytes > rf.Capacity/2) {
			t.Errorf("%s roof: %d bytes measured for a %d-byte level", rf.Level, rf.Bytes, rf.Capacity)
		}
		if i > 0 && (rf.Bytes <= r.Roofs[i-1].Bytes || rf.Capacity != 0 && rf.Capacity <= r.Roofs[i-1].Capacity) {
			t.Errorf("%s roof: %d bytes (level %d) after %d (%d)", rf.Level, rf.Bytes, rf.Capacity,
				r.Roofs[i-1].Bytes, r.Roofs[i-1].Capacity)
		}
	}
	if want := []string{"L1", "L2", "L3", "DRAM"}; !slices.Equal(levels, want) {
		t.Fatalf("roofs of %v, want %v", levels, want)
	}
	if d := r.Roofs[3]; d.GBs != r.RoofGBs || d.Capacity != 0 || d.Bytes != 2*r.Memory.ArrayBytes {
		t.Errorf("DRAM roof %+v, want %v GB/s on %d bytes", d, r.RoofGBs, 2*r.Memory.ArrayBytes)
	}
	if got := [3]int{r.Roofs[0].Capacity, r.Roofs[1].Capacity, r.Roofs[2].Capacity}; got != testKernelConfig.caches {
		t.Errorf("roof levels of %v bytes, want the configured %v", got, testKernelConfig.caches)
	}
	m := r.Memory
	for name, x := range map[string]float64{"copy": m.Copy.BestGBs, "triad": m.Triad.BestGBs, "rmw": m.RMW.BestGBs,
		"rmw go": m.RMWGoLoop.BestGBs, "rmw median": m.RMW.MedianGBs, "rmw in cache": m.RMW.InCacheGBs, "roof": r.RoofGBs} {
		positive("memory "+name, x)
	}
	// Per size: row add and dense sum against gonum and plain Go, the leaky
	// update and the trace against plain Go, with cgo the exponential
	// somas and Izhikevich against C; package vec's Dot (3 peers), DotF16
	// (4) and Axpy (3), at the DRAM size MatVec (2), MatVecF16 (3) and its
	// bandwidth against two reads (2); then the f16 conversions against
	// x448 at both sizes.
	want := 2*(2+2+1+1) + 2*(3+4+3) + 2 + 3 + 2 + 2*2
	if cpeer.Available {
		want += 2 * len(cPeerModels)
	}
	if len(r.Peers) != want {
		t.Errorf("%d peers, want %d", len(r.Peers), want)
	}
	cRows := map[string]int{}
	for _, p := range r.Peers {
		if p.Peer == cPeerLabel(strings.TrimSuffix(p.Operation, " update")) {
			cRows[p.Operation]++
		}
	}
	for _, name := range cPeerModels {
		if got, want := cRows[name+" update"], map[bool]int{true: 2, false: 0}[cpeer.Available]; got != want {
			t.Errorf("%d peer rows of %s against C, want %d (cgo: %v)", got, name, want, cpeer.Available)
		}
	}
	vecRows := map[string]int{}
	for _, p := range r.Peers {
		if strings.HasPrefix(p.Operation, "vec ") {
			vecRows[strings.Fields(p.Operation)[1]]++
		}
		if p.Unit == "bytes" {
			positive(p.Operation+" pct_of_peer", p.PctOfPeer)
			if math.Abs(p.PctOfPeer-100*p.LibraryPerS/p.PeerPerS) > 1e-9*p.PctOfPeer {
				t.Errorf("%s: pct_of_peer %v, want 100·%v/%v", p.Operation, p.PctOfPeer, p.LibraryPerS, p.PeerPerS)
			}
		} else if p.Unit != "" || p.PctOfPeer != 0 {
			t.Errorf("%s vs %s: unit %q, pct_of_peer %v", p.Operation, p.Peer, p.Unit, p.PctOfPeer)
		}
	}
	if want := map[string]int{"Dot": 6, "DotF16": 8, "Axpy": 6, "MatVec": 2, "MatVecF16": 5}; !reflect.DeepEqual(vecRows, want) {
		t.Errorf("vec peer rows %v, want %v", vecRows, want)
	}
	for _, p := range r.Peers {
		positive(p.Operation+" vs "+p.Peer+" speedup", p.Speedup)
		positive(p.Operation+" library_per_s", p.LibraryPerS)
		positive(p.Operation+" peer_per_s", p.PeerPerS)
	}

	// The chart is a PNG.
	if len(r.Charts) != 1 {
		t.Fatalf("charts %v, want one", r.Charts)
	}
	png, err := os.ReadFile(r.Charts[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", r.Charts[0])
	}

	// The whole report marshals, and reads back.
	b, err := json.Marshal(Report{Machine: machine(), Kernels: r})
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Kernels == nil || len(back.Kernels.Rows) != len(r.Rows) || back.Kernels.Rows[0] != r.Rows[0] ||
		len(back.Kernels.Peers) != len(r.Peers) || back.Kernels.Memory != r.Memory || !reflect.DeepEqual(back.Kernels.Roofs, r.Roofs) {
		t.Errorf("report changed in a JSON round trip")
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	rows := generic["kernels"].(map[string]any)["rows"].([]any)
	for _, field := range []string{"kernel", "model", "path", "n", "ns_per_step", "per_s", "bytes_per_unit", "gb_per_s",
		"pct_of_roof", "roof_level", "vs_ref", "vs_generic"} {
		if _, ok := rows[0].(map[string]any)[field]; !ok {
			t.Errorf("row has no %q field", field)
		}
	}
	roofs := generic["kernels"].(map[string]any)["roofs"].([]any)
	for _, field := range []string{"level", "bytes", "capacity_bytes", "gb_per_s"} {
		if _, ok := roofs[0].(map[string]any)[field]; !ok {
			t.Errorf("roof has no %q field", field)
		}
	}
}

// testRoofs are four levels' roofs: caches of 100, 1000 and 10000 bytes.
var testRoofs = []Roof{
	{Level: "L1", Bytes: 50, Capacity: 100, GBs: 400},
	{Level: "L2", Bytes: 500, Capacity: 1000, GBs: 200},
	{Level: "L3", Bytes: 5000, Capacity: 10000, GBs: 100},
	{Level: "DRAM", Bytes: 100000, GBs: 20},
}

// TestRoofFor checks the level picked for a step's bytes, at the
// boundaries: a level holds up to its size, the next takes a byte more.
func TestRoofFor(t *testing.T) {
	for _, c := range []struct {
		bytes float64
		want  string
	}{
		{0, "L1"}, {1, "L1"}, {99.5, "L1"}, {100, "L1"}, {100.5, "L2"}, {101, "L2"}, {1000, "L2"},
		{1001, "L3"}, {10000, "L3"}, {10000.01, "DRAM"}, {10001, "DRAM"}, {1e15, "DRAM"},
	} {
		if got := roofFor(testRoofs, c.bytes).Level; got != c.want {
			t.Errorf("roofFor(%v bytes) = %s, want %s", c.bytes, got, c.want)
		}
	}
	if got := roofFor(testRoofs[:2], 5000); got.Level != "L2" {
		t.Errorf("roofFor beyond the last level = %s, want that level (L2)", got.Level)
	}
	if got := roofFor(nil, 1); got.GBs != 0 {
		t.Errorf("roofFor(no roofs) = %+v", got)
	}
}

// TestRoofSizes checks the cache sizes the roofs are measured on: cpuid's
// or the fallback's, increasing, and the working sets half of each level's
// size, each below the next one's and the DRAM figure's.
func TestRoofSizes(t *testing.T) {
	caches := cacheLevels([3]int{})
	for i, c := range caches {
		if c.size <= 0 || i > 0 && c.size < 2*caches[i-1].size {
			t.Errorf("cache levels %+v: not increasing", caches)
		}
	}
	if got := cacheLevelsOf([3]int{0, -1, 0}); got[0].size != 32<<10 || got[1].size != 1<<20 || got[2].size != 32<<20 ||
		!got[0].assumed || !got[1].assumed || !got[2].assumed {
		t.Errorf("unknown sizes give %+v, want 32 KiB, 1 MiB, 32 MiB assumed", got)
	}
	if got := cacheLevelsOf([3]int{48 << 10, 0, 1 << 20}); got[1].size != 1<<20 || !got[1].assumed || got[2].size != 2<<20 || got[2].assumed {
		t.Errorf("sizes 48K, unknown, 1M give %+v, want L2 1 MiB assumed, L3 raised to 2 MiB", got)
	}
	for _, c := range []struct {
		sizes [3]int
		dram  int
		want  []int
	}{
		{[3]int{48 << 10, 2 << 20, 32 << 20}, 128 << 20, []int{24 << 10, 1 << 20, 16 << 20}},
		// An L3 larger than the DRAM figure's working set (a VM reporting
		// its host's): measured on half of that.
		{[3]int{48 << 10, 2 << 20, 260 << 20}, 128 << 20, []int{24 << 10, 1 << 20, 64 << 20}},
		// A DRAM figure smaller still: every level below half the next.
		{[3]int{48 << 10, 2 << 20, 32 << 20}, 1 << 20, []int{24 << 10, 256 << 10, 512 << 10}},
	} {
		if got := roofSizes(cacheLevelsOf(c.sizes), c.dram); !slices.Equal(got, c.want) {
			t.Errorf("roofSizes(%v, %d) = %v, want %v", c.sizes, c.dram, got, c.want)
		}
	}
}

// TestMeasureRoofs measures tiny levels' roofs.
func TestMeasureRoofs(t *testing.T) {
	caches := cacheLevelsOf([3]int{16 << 10, 128 << 10, 1 << 20})
	roofs := measureRoofs(caches, 4<<20, 500*time.Microsecond)
	if len(roofs) != 3 {
		t.Fatalf("%d roofs, want 3", len(roofs))
	}
	for i, rf := range roofs {
		if rf.Level != caches[i].name || rf.Capacity != caches[i].size || rf.Bytes != caches[i].size/2 ||
			!(rf.GBs > 0) || math.IsInf(rf.GBs, 0) || rf.Note != "" {
			t.Errorf("roof %d: %+v", i, rf)
		}
	}
}

// TestRoofSegments checks the chart's roof segments: each level over its
// range, clipped to the axis, meeting the next at the level's size.
func TestRoofSegments(t *testing.T) {
	segs := roofSegments(testRoofs, 10, 1e6)
	want := []roofSegment{{testRoofs[0], 10, 100}, {testRoofs[1], 100, 1000}, {testRoofs[2], 1000, 10000}, {testRoofs[3], 10000, 1e6}}
	if !reflect.DeepEqual(segs, want) {
		t.Errorf("segments %+v, want %+v", segs, want)
	}
	if segs := roofSegments(testRoofs, 200, 5000); len(segs) != 2 || segs[0].x0 != 200 || segs[0].x1 != 1000 ||
		segs[1].roof.Level != "L3" || segs[1].x1 != 5000 {
		t.Errorf("clipped to 200..5000: %+v, want L2 from 200, L3 to 5000", segs)
	}
}

// TestThroughputChart draws the chart from a report made up: points in
// every level, and with the last cache beyond every point.
func TestThroughputChart(t *testing.T) {
	model := ""
	for _, c := range kernelCases() {
		if c.chart {
			model = c.model
			break
		}
	}
	if model == "" {
		t.Skip("no case in the chart")
	}
	dir := t.TempDir()
	for i, maxN := range []int{1 << 12, 1 << 24} {
		r := &KernelReport{Roofs: []Roof{
			{Level: "L1", Bytes: 24 << 10, Capacity: 48 << 10, GBs: 180},
			{Level: "L2", Bytes: 1 << 20, Capacity: 2 << 20, GBs: 90},
			{Level: "L3", Bytes: 64 << 20, Capacity: 260 << 20, GBs: 40},
			{Level: "DRAM", Bytes: 128 << 20, GBs: 20},
		}}
		r.Memory.Triad.BestGBs = 15
		for n := 1 << 10; n <= maxN; n *= 8 {
			for _, path := range []string{"generic", "avx2"} {
				r.Rows = append(r.Rows, KernelRow{Model: model, Path: path, N: n, BytesPerUnit: 12, GBPerS: 100 / float64(len(path))})
			}
		}
		file := filepath.Join(dir, fmt.Sprintf("chart%d.png", i))
		if err := throughputChart(file, r); err != nil {
			t.Fatal(err)
		}
		if png, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s: not a PNG (%v)", file, err)
		}
	}
}

// checkNoPortableRows checks that r has no row (table or sweep) of a path
// that the registry says runs the portable code for the row's case, that
// it has the rows of every path that does not, and that the cases left out
// are listed.
func checkNoPortableRows(t *testing.T, r *KernelReport) {
	t.Helper()
	have := map[string]bool{}
	for _, row := range append(r.Rows, r.Sweep...) {
		have[row.Model+"/"+row.Path+"/"+row.Size] = true
		p, ok := pathNamed(row.Path)
		if !ok || p == cpu.Generic {
			continue // the reference, or the portable path itself
		}
		if portable, err := portableOn(row.Model, p); err != nil || portable {
			t.Errorf("%s/%s: a row of a path that runs the portable code (%v)", row.Model, row.Path, err)
		}
	}
	for _, c := range kernelCases() {
		own, portable := ownPaths(c.model, cpu.Paths())
		for _, p := range own {
			for _, size := range []string{"L1", "DRAM"} {
				if !have[c.model+"/"+p.String()+"/"+size] {
					t.Errorf("%s: no %s row on %v, which has a kernel of its own", c.model, size, p)
				}
			}
		}
		listed := slices.ContainsFunc(r.PortableCode, func(pc PortableCase) bool { return pc.Model == c.model })
		if listed != (len(portable) > 0) {
			t.Errorf("%s: listed under portable code %v, with paths %v running it", c.model, listed, portable)
		}
	}
}

// TestCaseKernels checks the table of the kernels each case runs: every
// case has an entry, every entry names a kernel that the packages
// registered, for every path, and no entry is left without its case.
func TestCaseKernels(t *testing.T) {
	cases := map[string]bool{}
	for _, c := range kernelCases() {
		cases[c.model] = true
		if len(caseKernels[c.model]) == 0 {
			t.Errorf("case %s: no entry in caseKernels", c.model)
		}
		for p := range cpu.Names() {
			if _, err := portableOn(c.model, cpu.Path(p)); err != nil {
				t.Errorf("case %s on %v: %v", c.model, p, err)
			}
		}
	}
	for model := range caseKernels {
		if !cases[model] {
			t.Errorf("caseKernels has %s, which is no case", model)
		}
	}
}

// fakeKernels is a package's kernels struct for TestPortableRows.
type fakeKernels struct {
	path        cpu.Path
	own, shared func(*int)
}

func fakeGeneric(x *int) { *x++ }
func fakeAsm(x *int)     { *x += 2 }

// TestPortableRows times two cases of a package whose assembly paths have
// their own kernel for one and the portable function for the other: the
// second has no row but the generic one and the reference's.
func TestPortableRows(t *testing.T) {
	if len(cpu.Paths()) < 2 {
		t.Skip("this build or CPU has no path but the portable one")
	}
	var impl *fakeKernels
	generic := &fakeKernels{path: cpu.Generic, own: fakeGeneric, shared: fakeGeneric}
	avx2 := &fakeKernels{path: cpu.AVX2, own: fakeAsm, shared: fakeGeneric}
	avx512 := &fakeKernels{path: cpu.AVX512, own: fakeAsm, shared: fakeGeneric}
	neon := &fakeKernels{path: cpu.NEON, own: fakeAsm, shared: fakeGeneric}
	cpu.Dispatch(&impl, func(k *fakeKernels) cpu.Path { return k.path }, generic, avx2, avx512, neon)
	orig := cpu.Selected
	defer cpu.Use(orig)
	typ := reflect.TypeFor[fakeKernels]()
	name := typ.PkgPath() + "." + typ.Name()
	caseKernels["FakeOwn"] = []kernelRef{{name, "own"}}
	caseKernels["FakeShared"] = []kernelRef{{name, "shared"}}
	defer delete(caseKernels, "FakeOwn")
	defer delete(caseKernels, "FakeShared")

	tm := &timer{cfg: kernelConfig{target: 3 * time.Millisecond, dramRep: time.Millisecond, slow: 2 * time.Millisecond, reps: 3},
		prog: newProgress("test", 1)}
	defer tm.prog.clear()
	for _, c := range []struct {
		model string
		step  func(*int)
		paths []string
	}{
		{"FakeOwn", func(x *int) { impl.own(x) }, []string{"ref"}},
		{"FakeShared", func(x *int) { impl.shared(x) }, []string{"ref", "generic"}},
	} {
		if c.model == "FakeOwn" {
			for _, p := range cpu.Paths() {
				c.paths = append(c.paths, p.String())
			}
		}
		var x int
		kc := kernelCase{kernel: "fake", model: c.model, build: func(n int, _ bool) *work {
			return &work{n: n, bytes: 8, note: "x 8", refName: "ref", step: func() { c.step(&x) }, ref: func() { fakeGeneric(&x) }}
		}}
		var got []string
		for _, row := range tm.kernelRows(kc, "L1", 64, false, cpu.Paths(), true) {
			got = append(got, row.Path)
		}
		if !slices.Equal(got, c.paths) {
			t.Errorf("%s: rows of %v, want %v", c.model, got, c.paths)
		}
	}
}

// TestRefSomaParams checks that the reference somas built from
// refSomaParams compute what the library's somas at their defaults do, bit
// for bit, so that the table's ratio to the reference compares the same
// work.
func TestRefSomaParams(t *testing.T) {
	const n = 200
	for _, m := range somas {
		s, err := m.build(n, kernelDt)
		if err != nil {
			t.Fatal(err)
		}
		shape, _, _ := somaStates(s)
		rm := ref.Somas[m.name](kernelDt, refSomaParams[m.name])
		st := newRefState(shape, n)
		rm.Init(st)
		cur := m.drive(n, 1)
		spikes, flags := spark.NewSpikes(n), make([]bool, n)
		total := 0
		for step := range 500 {
			s.Step(cur, spikes)
			rm.Step(st, cur, flags)
			for i := range n {
				if spikes.Has(i) != flags[i] || math.Float32bits(s.Potential()[i]) != math.Float32bits(st.V[i]) {
					t.Fatalf("%s: step %d unit %d: library spike %v V %v, reference %v %v",
						m.name, step, i, spikes.Has(i), s.Potential()[i], flags[i], st.V[i])
				}
			}
			total += spikes.Count()
		}
		if total == 0 {
			t.Errorf("%s: no spike in 500 steps: the check compared little", m.name)
		}
	}
}

// TestPlotHelpers draws a raster and a histogram.
func TestPlotHelpers(t *testing.T) {
	dir := t.TempDir()
	times, units := []float64{0.1, 0.5, 3, 7.5}, []int{0, 3, 1, 2}
	for _, f := range []struct {
		name string
		draw func(string) error
	}{
		{"raster.png", func(f string) error { return rasterPNG(f, times, units, "raster") }},
		{"empty-raster.png", func(f string) error { return rasterPNG(f, nil, nil, "no spikes") }},
		{"hist.png", func(f string) error { return histogramPNG(f, []float64{1, 2, 2, 3, 5, 8}, 4, "rates", "rate (Hz)") }},
		{"flat-hist.png", func(f string) error { return histogramPNG(f, []float64{4, 4, 4}, 10, "rates", "rate (Hz)") }},
	} {
		file := filepath.Join(dir, f.name)
		if err := f.draw(file); err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
			t.Errorf("%s: not written (%v)", f.name, err)
		}
	}
	if err := rasterPNG(filepath.Join(dir, "bad.png"), times, units[:2], ""); err == nil {
		t.Error("rasterPNG took times and units of different lengths")
	}
}
