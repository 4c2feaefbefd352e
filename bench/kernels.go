package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unsafe"

	"github.com/x448/float16"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/bench/internal/cpeer"
	"github.com/sparkgo/spark/f16"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
	"github.com/sparkgo/spark/soma"
	"github.com/sparkgo/spark/syn"
	"github.com/sparkgo/spark/trace"
)

// The kernel table: every kernel of the library, through its public API,
// at an L1-resident size (4096 units) and a DRAM size (16M units; for the
// synapses a 64 MB kernel), on every path this CPU and build run, forced
// one by one with cpu.Use, and on the scalar reference (internal/ref; for
// the f16 conversions, x448/float16 one element at a time, which the package
// matches bit for bit). Each figure is the median of three timings of
// enough steps to fill a time target, the contenders of one row group
// interleaved (generic, avx2, avx512, ref, generic, …), so that drift on a
// shared machine moves them together.
//
// Bytes per unit count what one step must move per unit, each byte once
// (state read and written in place: 8 bytes per float32 array; no
// write-allocate, as STREAM counts), with uniform parameters, whose
// constants stay in registers:
//
//   - somas: the current I (4), V (8), each other state (refractory counter
//     R 4, adaptive threshold θ 8, adaptation W 8, recovery U 8), the spike
//     bit (1/8). Leaky: 12 1/8 bytes.
//   - traces: the drive x (4), the output (4), each stage's state (8).
//   - synapses, per weight: synchronous, event-driven (every presynaptic
//     unit spiking, k = Pre rows of Post weights added per step): the weight
//     (2 or 4), the accumulator read and written (8), and per post unit the
//     clear (4) and the trace in place (16) spread over the k weights; the
//     asynchronous dense step (one spike per connection, 1/64 of them set):
//     the weight, its spike bit (1/8), and per post unit the sum's write and
//     the trace (20) spread over Pre weights.
//   - f16: the source and the destination (2 + 4).
//
// GB/s is bytes per unit × units per second; pct_of_roof divides it by the
// in-place read-modify-write bandwidth measured in the same run (memory.go)
// at the level of the memory hierarchy the step's bytes (n × bytes per
// unit) fall in: L1, L2 or L3 where they fit in its size, DRAM above
// (roofFor; roof_level names it). Bytes moved count a value read and
// written in place twice, so a step's footprint can be as little as half
// its bytes: near a boundary a row may run from the level below.
//
// A path's rows appear only where the path has a kernel of its own for the
// case: a path whose kernels for it are all the portable code (the
// function of the portable implementation itself, as cpu.Dispatch's
// registry reads it from the packages' kernels structs: cpu.Portable) runs
// what the generic row runs, and its row would report noise as a
// speed-up. Such rows are left out of the table, the JSON and the chart,
// and listed under the table ("portable code"). caseKernels maps each case
// to the kernels it runs.

// KernelReport is the kernel section's figures.
type KernelReport struct {
	Path  string   `json:"path"`  // the path the peers' library side ran on
	Paths []string `json:"paths"` // every path timed
	// Prefetch says whether the soma and trace kernels ask for their lines
	// ahead past L2 (cpu.SoftwarePrefetch; SPARK_PREFETCH).
	Prefetch bool         `json:"prefetch"`
	L1       int          `json:"l1_units"`
	DRAM     int          `json:"dram_units"`
	Memory   MemoryReport `json:"memory"`
	RoofGBs  float64      `json:"roof_gb_per_s"` // the DRAM read-modify-write roof (memory.roof_gb_per_s)
	Roofs    []Roof       `json:"roofs"`         // pct_of_roof's denominators: each level's roof, L1, L2, L3, DRAM
	Rows     []KernelRow  `json:"rows"`
	Sweep    []KernelRow  `json:"sweep,omitempty"` // the chart's kernels at more sizes
	Peers    []PeerRow    `json:"peers"`
	// PortableCode lists the cases whose rows of some paths were left out
	// because those paths run the portable code for them.
	PortableCode []PortableCase `json:"portable_code,omitempty"`
	Charts       []string       `json:"charts,omitempty"`
	Seconds      float64        `json:"seconds"` // the section's wall time
	Quick        bool           `json:"quick"`
	TargetMs     float64        `json:"target_ms"` // timing target per contender and size
}

// KernelRow is one kernel on one path at one size.
type KernelRow struct {
	Kernel       string  `json:"kernel"` // soma, trace, syn, f16
	Model        string  `json:"model"`
	Path         string  `json:"path"` // generic, avx2, avx512, ref (x448 for f16)
	Size         string  `json:"size"` // L1, DRAM, or sweep
	N            int     `json:"n"`    // units (elements, weights) per step
	Shape        string  `json:"shape,omitempty"`
	Steps        int     `json:"steps"`   // per timing
	Samples      int     `json:"samples"` // timings, median taken
	NsPerStep    float64 `json:"ns_per_step"`
	PerS         float64 `json:"per_s"` // units per second
	BytesPerUnit float64 `json:"bytes_per_unit"`
	Bytes        string  `json:"bytes"` // how they are counted
	GBPerS       float64 `json:"gb_per_s"`
	PctOfRoof    float64 `json:"pct_of_roof"` // GB/s against the roof of the level n × bytes_per_unit falls in
	RoofLevel    string  `json:"roof_level"`  // that level: L1, L2, L3, DRAM
	VsRef        float64 `json:"vs_ref"`      // reference time / this time (× faster)
	VsGeneric    float64 `json:"vs_generic"`  // generic path's time / this time
}

// PeerRow compares the library with another implementation of the same
// work, timed interleaved in the same run.
type PeerRow struct {
	Operation   string  `json:"operation"`
	N           int     `json:"n"` // elements per step
	Shape       string  `json:"shape,omitempty"`
	Library     string  `json:"library"` // what was timed, and on which path
	LibraryNs   float64 `json:"library_ns_per_step"`
	LibraryPerS float64 `json:"library_per_s"`
	Peer        string  `json:"peer"`
	PeerNs      float64 `json:"peer_ns_per_step"`
	PeerPerS    float64 `json:"peer_per_s"`
	Speedup     float64 `json:"speedup"` // peer time / library time; bytes rows: library / peer bytes per second
	// Unit is "" where library_per_s and peer_per_s count elements per
	// second, and "bytes" where they count bytes per second: a row that
	// compares a kernel's bandwidth with a bandwidth measured in the same
	// race, pct_of_peer the kernel's as a percentage of the peer's.
	Unit      string  `json:"unit,omitempty"`
	PctOfPeer float64 `json:"pct_of_peer,omitempty"`
}

// PortableCase is a case of the table, and the paths whose rows were left
// out because they run the portable code for it.
type PortableCase struct {
	Model string   `json:"model"`
	Paths []string `json:"paths"`
}

// kernelConfig sizes the section.
type kernelConfig struct {
	l1, dram  int
	sweep     []int         // more sizes for the chart's kernels
	memElems  int           // float32 elements per bandwidth array
	readElems int           // float32 elements of the vec peers' read-bandwidth array
	target    time.Duration // per contender in cache: three timings of target/3
	dramRep   time.Duration // per timing at DRAM size
	slow      time.Duration // a contender slower than a timing gets samples ≈ this long in all (2 at least)
	memTarget time.Duration // per bandwidth loop and run (a quarter of it per cache level's roof)
	reps      int
	caches    [3]int // L1d, L2, L3 bytes for the roofs; zero: cpuid's (tests set them)
}

// testKernelConfig, when set, replaces the sizes (for tests).
var testKernelConfig *kernelConfig

func kernelConfigFor(o options) kernelConfig {
	if testKernelConfig != nil {
		return *testKernelConfig
	}
	if o.quick {
		return kernelConfig{l1: 4096, dram: 1 << 16, memElems: 1 << 24, readElems: 1 << 24, target: 12 * time.Millisecond,
			dramRep: 4 * time.Millisecond, slow: 20 * time.Millisecond, memTarget: 15 * time.Millisecond, reps: 3}
	}
	return kernelConfig{l1: 4096, dram: 1 << 24, sweep: []int{1 << 15, 1 << 18, 1 << 21}, memElems: 1 << 24, readElems: 1 << 26,
		target: 45 * time.Millisecond, dramRep: 20 * time.Millisecond, slow: 150 * time.Millisecond,
		memTarget: 120 * time.Millisecond, reps: 3}
}

// work is one kernel set up at one size: the library's step, whose path
// cpu.Use picks, and the reference's.
type work struct {
	n       int
	shape   string
	bytes   float64 // per unit
	note    string
	step    func()
	ref     func() // nil: none
	refName string
	in      []float32 // a soma's input currents, which its peers read too
}

// kernelCase is one row group of the table.
type kernelCase struct {
	kernel, model string
	chart         bool // in the chart's size sweep
	build         func(n int, dram bool) *work
}

const kernelDt = 0.1 // ms

// uniforms are random values in [0, 1), shared by every input.
var uniforms []float32

func uniform(n int) []float32 {
	if len(uniforms) < n {
		r := rand.New(rand.NewPCG(7, 0xbe7c4))
		uniforms = make([]float32, n)
		for i := range uniforms {
			uniforms[i] = r.Float32()
		}
	}
	return uniforms[:n]
}

// arrays allocates float32 arrays of n zeros as a population's are
// (internal/mem: aligned, staggered within the page).
func arrays(n int, dst ...*[]float32) {
	var blk mem.Block
	for _, d := range dst {
		mem.Array(&blk, d, n)
	}
	blk.Alloc()
	for _, d := range dst {
		clear(*d) // touch every page before timing
	}
}

// halves allocates binary16 arrays as arrays does.
func halves(n int, dst ...*[]float16.Float16) {
	var blk mem.Block
	raw := make([][]uint16, len(dst))
	for k := range dst {
		mem.Array(&blk, &raw[k], n)
	}
	blk.Alloc()
	for k, d := range dst {
		clear(raw[k])
		*d = unsafe.Slice((*float16.Float16)(unsafe.SliceData(raw[k])), n)
	}
}

// fmtBytes formats a kernel's bytes per unit.
func fmtBytes(b float64) string {
	if b == math.Trunc(b) {
		return fmt.Sprintf("%.0f", b)
	}
	return fmt.Sprintf("%.3g", b)
}

// ---- somas ----

// refSomaParams are the somas' default parameters by seed name, as
// internal/ref takes them (soma/config.go's defaults; the test checks that
// the reference built from them gives the library's bits).
var refSomaParams = func() map[string]ref.Params {
	leaky := ref.Params{"potential_rest": {-60}, "potential_reset": {-50}, "potential_tau": {20}, "resistance": {0.1}, "threshold": {-40}}
	expo := ref.Params{"potential_rest": {-70}, "potential_reset": {-51}, "potential_tau": {5}, "resistance": {0.5}, "threshold": {-30},
		"rheobase_threshold": {-50}, "spike_slope": {2}}
	with := func(p ref.Params, kv ...any) ref.Params {
		q := ref.Params{}
		for k, v := range p {
			q[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			q[kv[i].(string)] = ref.P{float32(kv[i+1].(float64))}
		}
		return q
	}
	return map[string]ref.Params{
		"LeakySoma":                 leaky,
		"RefractoryLeakySoma":       with(leaky, "cooldown", 2.0),
		"StrictRefractoryLeakySoma": with(leaky, "cooldown", 2.0),
		"AdaptiveLeakySoma":         with(leaky, "cooldown", 2.0, "threshold_tau", 20.0, "threshold_delta", 100.0),
		"ExponentialSoma":           expo,
		"RefractoryExponentialSoma": with(expo, "cooldown", 2.0),
		"AdaptiveExponentialSoma": with(expo, "adaptation_tau", 100.0, "adaptation_delta", 7.0,
			"adaptation_subthreshold", 0.5),
		"SimplifiedAdaptiveExponentialSoma": with(expo, "cooldown", 2.0, "threshold_tau", 20.0, "threshold_delta", 100.0),
		"IzhikevichSoma": {"potential_rest": {-65}, "potential_reset": {-65}, "resistance": {0.1}, "threshold": {30},
			"recovery_timescale": {0.02}, "recovery_sensitivity": {0.2}, "recovery_update": {2}},
	}
}()

// somaStates reports which state arrays besides V a soma keeps, as the
// bytes it moves per unit and a note.
func somaStates(s soma.Soma) (st ref.State, bytes float64, note string) {
	bytes, note = 4+8+1.0/8, "I 4 + V 8"
	if _, ok := s.(interface{ Refractory() []uint16 }); ok {
		st.R, bytes, note = []uint16{}, bytes+4, note+" + R 4"
	}
	if _, ok := s.(interface{ Threshold() []float32 }); ok {
		st.Theta, bytes, note = []float32{}, bytes+8, note+" + θ 8"
	}
	if _, ok := s.(interface{ Adaptation() []float32 }); ok {
		st.W, bytes, note = []float32{}, bytes+8, note+" + W 8"
	}
	if _, ok := s.(interface{ Recovery() []float32 }); ok {
		st.U, bytes, note = []float32{}, bytes+8, note+" + U 8"
	}
	return st, bytes, note + " + spike 1/8"
}

// newRefState allocates the arrays of shape (nil: unused) for n units.
func newRefState(shape ref.State, n int) ref.State {
	st := ref.State{V: make([]float32, n)}
	if shape.R != nil {
		st.R = make([]uint16, n)
	}
	if shape.Theta != nil {
		st.Theta = make([]float32, n)
	}
	if shape.W != nil {
		st.W = make([]float32, n)
	}
	if shape.U != nil {
		st.U = make([]float32, n)
	}
	return st
}

func somaCase(m somaModel) kernelCase {
	return kernelCase{kernel: "soma", model: m.name, chart: m.name == "LeakySoma" || m.name == "AdaptiveExponentialSoma",
		build: func(n int, _ bool) *work {
			s, err := m.build(n, kernelDt)
			if err != nil {
				fail(fmt.Sprintf("%s: %v", m.name, err))
			}
			s.Reset() // touch the state
			var cur []float32
			arrays(n, &cur)
			for i, u := range uniform(n) {
				cur[i] = m.lo + (m.hi-m.lo)*u
			}
			spikes := spark.NewSpikes(n)
			spikes.Clear()
			shape, bytes, note := somaStates(s)
			rm := ref.Somas[m.name](kernelDt, refSomaParams[m.name])
			st := newRefState(shape, n)
			rm.Init(st)
			flags := make([]bool, n)
			clear(flags)
			return &work{n: n, bytes: bytes, note: note, refName: "ref", in: cur,
				step: func() { s.Step(cur, spikes) },
				ref:  func() { rm.Step(st, cur, flags) }}
		}}
}

// ---- traces ----

// traceModels are the tracers with the synapse model whose trace
// internal/ref knows them by.
var traceModels = []struct {
	name, refName string
	build         func(n int) (trace.Trace, error)
}{
	{"Tracer", "TracedSynapses", func(n int) (trace.Trace, error) {
		return trace.NewTracer(trace.TracerConfig{Units: n, Dt: kernelDt})
	}},
	{"RDTracer", "RDTracedSynapses", func(n int) (trace.Trace, error) {
		return trace.NewRDTracer(trace.RDTracerConfig{Units: n, Dt: kernelDt})
	}},
	{"RFSTracer", "RFSTracedSynapses", func(n int) (trace.Trace, error) {
		return trace.NewRFSTracer(trace.RFSTracerConfig{Units: n, Dt: kernelDt})
	}},
	{"DoubleTracer", "DoubleTracedSynapses", func(n int) (trace.Trace, error) {
		return trace.NewDoubleTracer(trace.DoubleTracerConfig{Units: n, Dt: kernelDt})
	}},
}

// refTraceParams are a trace's default parameters, as internal/ref lists them.
func refTraceParams(model string) ref.Params {
	p := ref.Params{}
	for _, f := range ref.TraceParams[model] {
		p[f.Name] = ref.P{f.Default}
	}
	return p
}

func traceCase(i int) kernelCase {
	m := traceModels[i]
	return kernelCase{kernel: "trace", model: m.name, chart: m.name == "Tracer",
		build: func(n int, _ bool) *work {
			t, err := m.build(n)
			if err != nil {
				fail(fmt.Sprintf("%s: %v", m.name, err))
			}
			t.Reset()
			var x, out []float32
			arrays(n, &x, &out)
			copy(x, uniform(n))
			states := len(t.States())
			rm := ref.Traces[m.refName](kernelDt, refTraceParams(m.refName))
			st := make([][]float32, rm.States())
			for k := range st {
				st[k] = make([]float32, n)
			}
			rm.Init(st)
			rout := make([]float32, n)
			clear(rout)
			return &work{n: n, bytes: float64(8 + 8*states), refName: "ref",
				note: fmt.Sprintf("x 4 + out 4 + %d state%s × 8", states, plural(states)),
				step: func() { t.Step(x, out) },
				ref:  func() { rm.Step(st, x, rout) }}
		}}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ---- synapses ----

// kernelWeights draws post·pre weights in [−10, 10), post-major, rounded
// to binary16 unless f32.
func kernelWeights(post, pre int, f32 bool, seed uint64) []float32 {
	w := make([]float32, post*pre)
	r := rand.New(rand.NewPCG(seed, 0x3e1))
	for k := range w {
		w[k] = 20*r.Float32() - 10
	}
	if !f32 {
		h := make([]float16.Float16, len(w))
		f16.FromFloat32(h, w)
		f16.ToFloat32(w, h)
	}
	return w
}

func precision(f32 bool) (string, float64) {
	if f32 {
		return "f32", 4
	}
	return "f16", 2
}

var traceParams = ref.Params{"tau": {5}, "scale": {1}, "base": {0}}

// syncCase is the event-driven Step of TracedSynapses: Pre = 2 presynaptic
// units, both spiking, into Post units (n at L1; at DRAM size a 64 MB kernel:
// Post = n binary16 or n/2 float32 weights).
func syncCase(f32 bool) kernelCase {
	kind, wb := precision(f32)
	return kernelCase{kernel: "syn", model: "TracedSynapses sync " + kind, chart: !f32,
		build: func(n int, dram bool) *work {
			post, pre := n, 2
			if dram && f32 {
				post = n / 2
			}
			w := kernelWeights(post, pre, f32, 11)
			s, err := syn.NewTracedSynapses(syn.TracedSynapsesConfig{
				LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, Float32: f32, Storage: syn.Dense},
				Dt:                   kernelDt, Tau: spark.Uniform(5)})
			if err != nil {
				fail(err.Error())
			}
			spikes := spark.NewSpikes(pre)
			flags := make([]bool, pre)
			for j := range pre {
				spikes.Set(j)
				flags[j] = true
			}
			var cur, rcur []float32
			arrays(post, &cur, &rcur)
			m := ref.NewSynapses("TracedSynapses", kernelDt, post, pre, w, make([]bool, pre), traceParams, false)
			st := m.NewState()
			return &work{n: post * pre, shape: fmt.Sprintf("%s post × %d pre, all spiking", count(post), pre),
				bytes: wb + 8 + 20/float64(pre), refName: "ref",
				note: fmt.Sprintf("per weight: w %.0f + acc 8 + (clear 4 + trace 16)/%d", wb, pre),
				step: func() { s.Step(spikes, cur) },
				ref:  func() { m.Step(st, flags, rcur) }}
		}}
}

// asyncShape is the dense async step's shape: n weights at L1 size, a
// 64 MB kernel at DRAM size, Pre = min(32768, weights/4).
func asyncShape(n int, dram bool, wb float64) (post, pre int) {
	weights := n
	if dram {
		weights = int(float64(n) * 4 / wb)
	}
	pre = min(32768, max(64, weights/4))
	return max(1, weights/pre), pre
}

// randomSpikes sets about 1/64 of the bits of x, rows of the spike words
// of pre units, only those of units < pre.
func randomSpikes(x spark.Spikes, pre int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x5b1))
	words := spark.SpikeWords(pre)
	for k := range x {
		x[k] = r.Uint64() & r.Uint64() & r.Uint64() & r.Uint64() & r.Uint64() & r.Uint64()
		if k%words == words-1 && pre%64 != 0 {
			x[k] &= 1<<(pre%64) - 1
		}
	}
}

// asyncCase is the dense Step of TracedSynapses with asynchronous spikes
// (one per connection, 1/64 of them set).
func asyncCase(f32 bool) kernelCase {
	kind, wb := precision(f32)
	return kernelCase{kernel: "syn", model: "TracedSynapses async " + kind,
		build: func(n int, dram bool) *work {
			post, pre := asyncShape(n, dram, wb)
			w := kernelWeights(post, pre, f32, 13)
			s, err := syn.NewTracedSynapses(syn.TracedSynapsesConfig{
				LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, Float32: f32, AsyncSpikes: true},
				Dt:                   kernelDt, Tau: spark.Uniform(5)})
			if err != nil {
				fail(err.Error())
			}
			spikes := syn.AsyncSpikes(post, pre)
			randomSpikes(spikes, pre, 17)
			words := spark.SpikeWords(pre)
			flags := make([]bool, post*pre)
			for i := range post {
				spikes[i*words : (i+1)*words].Bools(flags[i*pre : (i+1)*pre])
			}
			var cur, rcur []float32
			arrays(post, &cur, &rcur)
			m := ref.NewSynapses("TracedSynapses", kernelDt, post, pre, w, make([]bool, pre), traceParams, false)
			st := m.NewState()
			return &work{n: post * pre, shape: fmt.Sprintf("%s post × %s pre, 1/64 spiking", count(post), count(pre)),
				bytes: wb + 1.0/8 + 20/float64(pre), refName: "ref",
				note: fmt.Sprintf("per weight: w %.0f + spike 1/8 + (sum 4 + trace 16)/%s", wb, count(pre)),
				step: func() { s.Step(spikes, cur) },
				ref:  func() { m.StepAsync(st, flags, rcur) }}
		}}
}

// ---- f16 ----

func f16Case(to bool) kernelCase {
	name := "FromFloat32"
	if to {
		name = "ToFloat32"
	}
	return kernelCase{kernel: "f16", model: name, chart: to,
		build: func(n int, _ bool) *work {
			var f []float32
			var h []float16.Float16
			arrays(n, &f)
			halves(n, &h)
			for i, u := range uniform(n) {
				f[i] = 20*u - 10
			}
			f16.FromFloat32(h, f)
			w := &work{n: n, bytes: 6, refName: "x448"}
			if to {
				w.note = "src 2 + dst 4"
				w.step = func() { f16.ToFloat32(f, h) }
				w.ref = func() {
					for i, x := range h {
						f[i] = x.Float32()
					}
				}
			} else {
				w.note = "src 4 + dst 2"
				w.step = func() { f16.FromFloat32(h, f) }
				w.ref = func() {
					for i, x := range f {
						h[i] = float16.Fromfloat32(x)
					}
				}
			}
			return w
		}}
}

func kernelCases() []kernelCase {
	var cs []kernelCase
	for _, m := range somas {
		cs = append(cs, somaCase(m))
	}
	for i := range traceModels {
		cs = append(cs, traceCase(i))
	}
	for _, f32 := range []bool{false, true} {
		cs = append(cs, syncCase(f32))
	}
	for _, f32 := range []bool{false, true} {
		cs = append(cs, asyncCase(f32))
	}
	cs = append(cs, f16Case(true), f16Case(false))
	return cs
}

// ---- which kernels a case runs ----

// kernelRef names one kernel: the kernels struct type that cpu.Dispatch
// registered ("import/path.kernels") and the kernel's name in it (a field,
// or an element of an array of them: "step[1][0]").
type kernelRef struct{ kernels, kernel string }

const module = "github.com/sparkgo/spark/"

func somaKernel(field string) kernelRef { return kernelRef{module + "soma.kernels", field} }

// traceKernel is the plain form (internal/tracer's form 0: out ← output)
// of model m, the one Step runs.
func traceKernel(m tracer.Model) kernelRef {
	return kernelRef{module + "internal/tracer.kernels", fmt.Sprintf("step[%d][0]", m)}
}

func vecKernel(field string) kernelRef { return kernelRef{module + "vec.kernels", field} }
func f16Kernel(field string) kernelRef { return kernelRef{module + "f16.kernels", field} }

// caseKernels maps each case of the table to the kernels its step runs: a
// path's rows are shown where at least one of them is the path's own.
var caseKernels = map[string][]kernelRef{
	"LeakySoma":                         {somaKernel("leaky")},
	"RefractoryLeakySoma":               {somaKernel("refractoryLeaky")},
	"StrictRefractoryLeakySoma":         {somaKernel("strictRefractoryLeaky")},
	"AdaptiveLeakySoma":                 {somaKernel("adaptiveLeaky")},
	"ExponentialSoma":                   {somaKernel("exponential")},
	"RefractoryExponentialSoma":         {somaKernel("refractoryExponential")},
	"AdaptiveExponentialSoma":           {somaKernel("adaptiveExponential")},
	"SimplifiedAdaptiveExponentialSoma": {somaKernel("simplifiedAdaptiveExponential")},
	"IzhikevichSoma":                    {somaKernel("izhikevich")},
	"Tracer":                            {traceKernel(tracer.Single)},
	"RDTracer":                          {traceKernel(tracer.RD)},
	"RFSTracer":                         {traceKernel(tracer.RFS)},
	"DoubleTracer":                      {traceKernel(tracer.Double)},
	// Dense synapses, synchronous spikes: each spiking unit's row added,
	// then the trace; asynchronous: the post units' masked sums (rows
	// short enough that one kernel sums them all), then the trace.
	"TracedSynapses sync f16":  {vecKernel("addF16"), traceKernel(tracer.Single)},
	"TracedSynapses sync f32":  {vecKernel("add"), traceKernel(tracer.Single)},
	"TracedSynapses async f16": {vecKernel("maskedSumsF16"), traceKernel(tracer.Single)},
	"TracedSynapses async f32": {vecKernel("maskedSums"), traceKernel(tracer.Single)},
	"ToFloat32":                {f16Kernel("toFloat32")},
	"FromFloat32":              {f16Kernel("fromFloat32")},
}

// portableOn reports whether case model runs only the portable code on
// path p: every kernel it runs is the portable implementation's there.
func portableOn(model string, p cpu.Path) (bool, error) {
	refs, ok := caseKernels[model]
	if !ok || len(refs) == 0 {
		return false, fmt.Errorf("bench: case %s has no entry in caseKernels", model)
	}
	for _, r := range refs {
		portable, err := cpu.Portable(r.kernels, r.kernel, p)
		if err != nil || !portable {
			return false, err
		}
	}
	return true, nil
}

// ownPaths splits paths into those that have a kernel of their own for
// case model, generic first (the reference of × generic), and those that
// run the portable code.
func ownPaths(model string, paths []cpu.Path) (own, portable []cpu.Path) {
	for _, p := range paths {
		isPortable, err := portableOn(model, p)
		if err != nil {
			fail(err.Error())
		}
		if p != cpu.Generic && isPortable {
			portable = append(portable, p)
		} else {
			own = append(own, p)
		}
	}
	return own, portable
}

// ---- timing ----

// contender is one thing timed in a race.
type contender struct {
	label string
	use   func() // before each timing (nil: nothing)
	step  func()

	k       int       // steps per timing
	slow    int       // > 0: a slow contender, this many timings of one step
	samples []float64 // ns per step
}

func (c *contender) ns() float64 { return median(c.samples) }

type timer struct {
	cfg  kernelConfig
	prog *progress
}

// perRep is the duration of one timing: a third of the target in cache,
// less at DRAM size, where one step is long enough to time, and half as
// long for the chart's sweep.
func (t *timer) perRep(dram, sweep bool) time.Duration {
	d := t.cfg.target / time.Duration(t.cfg.reps)
	if dram {
		d = t.cfg.dramRep
	}
	if sweep {
		d /= 2
	}
	return d
}

// race times the contenders on work of one size: each is warmed up and
// calibrated, then timed cfg.reps times for about perRep each, the
// contenders interleaved.
func (t *timer) race(what string, perRep time.Duration, cs ...*contender) {
	for _, c := range cs {
		t.prog.next(what + " " + c.label)
		if c.use != nil {
			c.use()
		}
		t0 := time.Now()
		c.step() // warm-up: caches, and the first call's one-off work
		d := time.Since(t0)
		if d >= perRep {
			// One step fills a timing: the warm-up counts (every array
			// was touched before), and one or two more are timed.
			c.k, c.slow = 1, min(t.cfg.reps-1, max(1, int(t.cfg.slow/d)-1))
			c.samples = append(c.samples, float64(d.Nanoseconds()))
			continue
		}
		k := max(1, int(perRep/10/max(d, 1)))
		t0 = time.Now()
		for range k {
			c.step()
		}
		per := time.Since(t0) / time.Duration(k)
		c.k = max(1, int(perRep/max(per, 1)))
	}
	for r := range t.cfg.reps {
		for _, c := range cs {
			if c.slow > 0 && r >= c.slow {
				continue
			}
			t.prog.show(fmt.Sprintf("%s %s (timing %d/%d)", what, c.label, r+1, t.cfg.reps))
			if c.use != nil {
				c.use()
			}
			t0 := time.Now()
			for range c.k {
				c.step()
			}
			c.samples = append(c.samples, float64(time.Since(t0).Nanoseconds())/float64(c.k))
		}
	}
}

// count formats a size as 4096, 64K, 16M.
func count(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n > 4096 && n%1024 == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprint(n)
}

// ---- the section ----

func runKernels(o options) *KernelReport {
	cfg := kernelConfigFor(o)
	begin := time.Now()
	orig := cpu.Selected
	defer cpu.Use(orig)
	paths := cpu.Paths()
	r := &KernelReport{Path: orig.String(), L1: cfg.l1, DRAM: cfg.dram, Quick: o.quick,
		TargetMs: float64(cfg.target) / 1e6}
	for _, p := range paths {
		r.Paths = append(r.Paths, p.String())
	}
	fmt.Printf("\nkernels: every path (%s) forced in turn, and the scalar reference; L1 size %s units, DRAM size %s; one thread\n",
		strings.Join(r.Paths, ", "), count(cfg.l1), count(cfg.dram))
	r.Prefetch = cpu.SoftwarePrefetch()
	if runtime.GOARCH == "amd64" {
		fmt.Printf("  soma and trace kernels past L2 ask for their lines ahead: %v (SPARK_PREFETCH=on|off)\n", r.Prefetch)
	}

	cases := kernelCases()
	total := 2*(3+3+2+2) + vecPeerContenders(false) + vecPeerContenders(true) // the peers' contenders
	if cpeer.Available {
		total += 2 * 2 * len(cPeerModels)
	}
	for _, c := range cases {
		own, portable := ownPaths(c.model, paths)
		total += 2 * (len(own) + 1)
		if c.chart {
			total += len(cfg.sweep) * len(own)
		}
		if len(portable) > 0 {
			pc := PortableCase{Model: c.model}
			for _, p := range portable {
				pc.Paths = append(pc.Paths, p.String())
			}
			r.PortableCode = append(r.PortableCode, pc)
		}
	}
	t := &timer{cfg: cfg, prog: newProgress("kernels", total)}
	defer t.prog.clear()

	t.prog.show("memory bandwidth")
	mb := newMemBench(cfg.memElems, cfg.memTarget)
	mb.measure()
	t.prog.show("cache roofs")
	caches := cacheLevels(cfg.caches)
	r.Roofs = measureRoofs(caches, 8*cfg.memElems, cfg.memTarget/4)
	runtime.GC()

	// The table: each case at both sizes, then the chart's sweep.
	sizes := []struct {
		name string
		n    int
		dram bool
	}{{"L1", cfg.l1, false}, {"DRAM", cfg.dram, true}}
	for _, c := range cases {
		for _, sz := range sizes {
			r.Rows = append(r.Rows, t.kernelRows(c, sz.name, sz.n, sz.dram, paths, true)...)
		}
	}
	for _, c := range cases {
		if !c.chart {
			continue
		}
		for _, n := range cfg.sweep {
			r.Sweep = append(r.Sweep, t.kernelRows(c, "sweep", n, n >= 1<<20, paths, false)...)
		}
	}
	cpu.Use(orig)
	r.Peers = t.peers(cfg, orig)
	r.Peers = append(r.Peers, f16Peers(r.Rows, orig.String())...)

	t.prog.show("memory bandwidth, again")
	mb.measure()
	r.Memory = mb.report()
	r.RoofGBs = r.Memory.RoofGBs
	r.Roofs = append(r.Roofs, dramRoof(r.Memory, caches))
	for _, rows := range [][]KernelRow{r.Rows, r.Sweep} {
		for i := range rows {
			roof := roofFor(r.Roofs, float64(rows[i].N)*rows[i].BytesPerUnit)
			rows[i].RoofLevel = roof.Level
			if roof.GBs > 0 {
				rows[i].PctOfRoof = 100 * rows[i].GBPerS / roof.GBs
			}
		}
	}
	uniforms = nil
	runtime.GC()
	t.prog.clear()

	if o.outDir != "" {
		if err := os.MkdirAll(o.outDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "bench: charts:", err)
		} else {
			file := filepath.Join(o.outDir, "kernels_throughput.png")
			if err := throughputChart(file, r); err != nil {
				fmt.Fprintln(os.Stderr, "bench: charts:", err)
			} else {
				r.Charts = append(r.Charts, file)
			}
		}
	}
	r.Seconds = time.Since(begin).Seconds()
	printKernels(r)
	return r
}

// printRoofs prints each level's read-modify-write roof.
func printRoofs(roofs []Roof) {
	fmt.Println("  roofs: in-place read-modify-write, one thread, best pass of the best loop, on half of each cache's size; DRAM the roof above:")
	lo := 0
	for _, r := range roofs {
		span := "above " + byteLabel(float64(lo))
		switch {
		case r.Capacity > 0 && lo == 0:
			span = "up to " + byteLabel(float64(r.Capacity))
		case r.Capacity > 0:
			span = fmt.Sprintf("of %s to %s", byteLabel(float64(lo)), byteLabel(float64(r.Capacity)))
		}
		note := ""
		if r.Note != "" {
			note = "; " + r.Note
		}
		fmt.Printf("    %-4s roof %6.1f GB/s on %-7s for steps %-18s (%s%s)\n", r.Level, r.GBs, byteLabel(float64(r.Bytes)), span, r.Method, note)
		lo = r.Capacity
	}
}

// kernelRows builds case c at n units and times it on every path that has
// a kernel of its own for it (ownPaths), and on the reference when withRef.
func (t *timer) kernelRows(c kernelCase, size string, n int, dram bool, paths []cpu.Path, withRef bool) []KernelRow {
	if dram {
		runtime.GC() // the previous size's arrays, before this one's
	}
	paths, _ = ownPaths(c.model, paths)
	t.prog.show(fmt.Sprintf("%s n=%s (setting up)", c.model, count(n)))
	w := c.build(n, dram)
	var cs []*contender
	for _, p := range paths {
		cs = append(cs, &contender{label: p.String(), use: func() { cpu.Use(p) }, step: w.step})
	}
	if withRef && w.ref != nil {
		cs = append(cs, &contender{label: w.refName, step: w.ref})
	}
	t.race(fmt.Sprintf("%s n=%s", c.model, count(n)), t.perRep(dram, size == "sweep"), cs...)
	var refNs, genericNs float64
	for _, k := range cs {
		switch k.label {
		case w.refName:
			refNs = k.ns()
		case cpu.Generic.String():
			genericNs = k.ns()
		}
	}
	var rows []KernelRow
	order := slices.Concat(cs[len(paths):], cs[:len(paths)]) // the reference first
	for _, k := range order {
		ns := k.ns()
		row := KernelRow{Kernel: c.kernel, Model: c.model, Path: k.label, Size: size, N: w.n, Shape: w.shape,
			Steps: k.k, Samples: len(k.samples), NsPerStep: ns, BytesPerUnit: w.bytes, Bytes: w.note}
		if ns > 0 {
			row.PerS = float64(w.n) / ns * 1e9
			row.GBPerS = row.PerS * w.bytes / 1e9
			if refNs > 0 {
				row.VsRef = refNs / ns
			}
			if genericNs > 0 {
				row.VsGeneric = genericNs / ns
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// ---- peers ----

// peers times the library (on path p) against other implementations of
// the same work at both sizes: plain Go loops, gonum's float32 BLAS, and,
// in builds with cgo, the exponential somas and Izhikevich in C compiled
// with gcc -O3 -march=native -ffast-math (bench/internal/cpeer); and
// package vec's dot products, axpy and matrix-vector products against
// gonum, viterin/vek and plain Go loops, with MatVecF16's bandwidth against
// a read of a DRAM-sized array (vecpeers.go). The f16 conversions' peer,
// x448 one element at a time, is the table's reference row.
func (t *timer) peers(cfg kernelConfig, p cpu.Path) []PeerRow {
	var out []PeerRow
	use := func() { cpu.Use(p) }
	add := func(op string, n int, shape, lib string, l *contender, peers ...*contender) {
		out = append(out, peerRows(op, n, shape, lib, p, l, peers...)...)
	}
	for _, sz := range []struct {
		n    int
		dram bool
	}{{cfg.l1, false}, {cfg.dram, true}} {
		n := sz.n
		if sz.dram {
			runtime.GC()
		}
		// A row add is an axpy with alpha = 1: the event-driven step of
		// LinearSynapses (float32, one presynaptic unit of n post units,
		// spiking) clears the currents and adds the row; the peers do the
		// same with gonum's Saxpy and a plain Go loop.
		{
			var row, acc, acc2 []float32
			arrays(n, &row, &acc, &acc2)
			for i, u := range uniform(n) {
				row[i] = 20*u - 10
			}
			s, err := syn.NewLinearSynapses(syn.LinearSynapsesConfig{Post: n, Pre: 1, Kernel: row, Float32: true, Storage: syn.Dense})
			if err != nil {
				fail(err.Error())
			}
			pre := []int{0}
			x, y := blas32.Vector{N: n, Inc: 1, Data: row}, blas32.Vector{N: n, Inc: 1, Data: acc2}
			lib := &contender{label: "LinearSynapses " + p.String(), use: use, step: func() { s.StepIndices(pre, acc) }}
			gonum := &contender{label: "gonum blas32.Axpy", step: func() { clear(acc2); blas32.Axpy(1, x, y) }}
			plain := &contender{label: "plain Go loop", step: func() { clear(acc2); addGo(acc2, row) }}
			t.race(fmt.Sprintf("row add n=%s", count(n)), t.perRep(sz.dram, false), lib, gonum, plain)
			add("row add f32 (acc = 0; acc += w)", n, "", "syn.LinearSynapses.StepIndices", lib, gonum, plain)
		}
		// The dense async step sums each post unit's weights over its
		// spiking connections: a dot product of the weight row with the
		// spikes as 0/1 floats, which gonum's Sdot computes (reading 4
		// bytes per spike instead of a bit). The spikes change from step
		// to step, 16 patterns in turn, as in a simulation, so that the
		// branch predictor cannot learn one pattern's branches (the plain
		// loop's, the sparse form's).
		{
			post, pre := asyncShape(n, sz.dram, 4)
			w := kernelWeights(post, pre, true, 19)
			s, err := syn.NewLinearSynapses(syn.LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, Float32: true, AsyncSpikes: true})
			if err != nil {
				fail(err.Error())
			}
			const patterns = 16
			var spikes [patterns]spark.Spikes
			for k := range spikes {
				spikes[k] = syn.AsyncSpikes(post, pre)
				randomSpikes(spikes[k], pre, 23+uint64(k))
			}
			words := spark.SpikeWords(pre)
			xs := make([]float32, post*pre)
			for i := range post {
				for j := range pre {
					if spikes[0][i*words : (i+1)*words].Has(j) {
						xs[i*pre+j] = 1
					}
				}
			}
			var cur, cur2 []float32
			arrays(post, &cur, &cur2)
			libStep, plainStep := 0, 0
			lib := &contender{label: "LinearSynapses " + p.String(), use: use, step: func() {
				s.Step(spikes[libStep%patterns], cur)
				libStep++
			}}
			gonum := &contender{label: "gonum blas32.Dot", step: func() {
				for i := range post {
					cur2[i] = blas32.Dot(blas32.Vector{N: pre, Inc: 1, Data: w[i*pre : (i+1)*pre]},
						blas32.Vector{N: pre, Inc: 1, Data: xs[i*pre : (i+1)*pre]})
				}
			}}
			plain := &contender{label: "plain Go loop", step: func() {
				x := spikes[plainStep%patterns]
				for i := range post {
					cur2[i] = maskedSumGo(w[i*pre:(i+1)*pre], x[i*words:(i+1)*words])
				}
				plainStep++
			}}
			t.race(fmt.Sprintf("masked sum n=%s", count(post*pre)), t.perRep(sz.dram, false), lib, gonum, plain)
			add("async dense sum f32 (y[i] = Σ_j w[i,j]·x[i,j])", post*pre,
				fmt.Sprintf("%s post × %s pre", count(post), count(pre)), "syn.LinearSynapses.Step", lib, gonum, plain)
		}
		// The fused leaky update, as one would write it in Go.
		{
			l, err := soma.NewLeaky(soma.LeakyConfig{Units: n, Dt: kernelDt})
			if err != nil {
				fail(err.Error())
			}
			l.Reset()
			var cur, v []float32
			arrays(n, &cur, &v)
			for i, u := range uniform(n) {
				cur[i] = 150 + 200*u
			}
			spikes, spikes2 := spark.NewSpikes(n), spark.NewSpikes(n)
			spikes.Clear()
			spikes2.Clear()
			lib := &contender{label: "soma.Leaky " + p.String(), use: use, step: func() { l.Step(cur, spikes) }}
			plain := &contender{label: "plain Go loop", step: func() { leakyGo(v, cur, spikes2) }}
			t.race(fmt.Sprintf("leaky n=%s", count(n)), t.perRep(sz.dram, false), lib, plain)
			add("fused leaky update (LeakySoma)", n, "", "soma.Leaky.Step", lib, plain)
		}
		// One exponential trace stage.
		{
			tr, err := trace.NewTracer(trace.TracerConfig{Units: n, Dt: kernelDt})
			if err != nil {
				fail(err.Error())
			}
			tr.Reset()
			var x, out1, tt, out2 []float32
			arrays(n, &x, &out1, &tt, &out2)
			copy(x, uniform(n))
			lib := &contender{label: "trace.Tracer " + p.String(), use: use, step: func() { tr.Step(x, out1) }}
			plain := &contender{label: "plain Go loop", step: func() { tracerGo(tt, x, out2) }}
			t.race(fmt.Sprintf("tracer n=%s", count(n)), t.perRep(sz.dram, false), lib, plain)
			add("trace stage (Tracer)", n, "", "trace.Tracer.Step", lib, plain)
		}
		// The leaky soma, the exponential somas and Izhikevich, through
		// the public API, against the same updates in C compiled by gcc -O3
		// -march=native -ffast-math, which vectorizes them and their expf
		// (libmvec): one
		// cgo call per step, the constants internal/ref derives from the
		// same defaults, the same currents as the table's.
		for _, name := range cPeerModels {
			if !cpeer.Available {
				break
			}
			w := somaCase(somaNamed(name)).build(n, sz.dram)
			c := newCSoma(name, ref.Somas[name](kernelDt, refSomaParams[name]), n)
			api := "soma." + strings.TrimSuffix(name, "Soma")
			lib := &contender{label: api + " " + p.String(), use: use, step: w.step}
			peer := &contender{label: cPeerLabel(name), step: func() { c.step(w.in) }}
			t.race(fmt.Sprintf("%s vs C n=%s", name, count(n)), t.perRep(sz.dram, false), lib, peer)
			add(name+" update", n, "", api+".Step", lib, peer)
		}
		out = append(out, t.vecPeers(cfg, p, n, sz.dram)...)
	}
	return out
}

// peerRows are the rows of library contender l (lib, on path p) against
// each of peers, n elements per step.
func peerRows(op string, n int, shape, lib string, p cpu.Path, l *contender, peers ...*contender) []PeerRow {
	var out []PeerRow
	for _, q := range peers {
		row := PeerRow{Operation: op, N: n, Shape: shape, Library: lib + ", " + p.String(), LibraryNs: l.ns(),
			Peer: q.label, PeerNs: q.ns()}
		if row.LibraryNs > 0 && row.PeerNs > 0 {
			row.LibraryPerS = float64(n) / row.LibraryNs * 1e9
			row.PeerPerS = float64(n) / row.PeerNs * 1e9
			row.Speedup = row.PeerNs / row.LibraryNs
		}
		out = append(out, row)
	}
	return out
}

// f16Peers are the f16 conversions against x448 one element at a time:
// the table's reference rows, timed in the same race.
func f16Peers(rows []KernelRow, path string) []PeerRow {
	var out []PeerRow
	for _, row := range rows {
		if row.Kernel != "f16" || row.Path != path {
			continue
		}
		for _, q := range rows {
			if q.Model == row.Model && q.Size == row.Size && q.Path == "x448" {
				out = append(out, PeerRow{Operation: "f16." + row.Model, N: row.N, Library: "f16." + row.Model + ", " + path,
					LibraryNs: row.NsPerStep, LibraryPerS: row.PerS, Peer: "x448/float16 per element",
					PeerNs: q.NsPerStep, PeerPerS: q.PerS, Speedup: row.VsRef})
			}
		}
	}
	return out
}

// leakyGo is LeakySoma's update at its defaults (dt 0.1 ms) as a plain Go
// loop: V ← d·V + gR·I; a spike where V > threshold, V ← reset.
func leakyGo(v, cur []float32, spikes []uint64) {
	const (
		d     = 0.99501246 // exp(−0.1/20)
		gR    = 0.00049875 // (1 − d)·0.1 GΩ
		thr   = 20         // mV above rest
		reset = 10
	)
	cur = cur[:len(v)]
	for w := range spikes {
		lo, hi := w*64, min(len(v), w*64+64)
		var word uint64
		for i := lo; i < hi; i++ {
			x := d*v[i] + gR*cur[i]
			if x > thr {
				x = reset
				word |= 1 << (i - lo)
			}
			v[i] = x
		}
		spikes[w] = word
	}
}

// tracerGo is one trace stage at its defaults (τ 5 ms, dt 0.1 ms) as a
// plain Go loop: T ← T + λ·(b − T) + c·x; out = T.
func tracerGo(t, x, out []float32) {
	const (
		l = 0.019801327 // 1 − exp(−0.1/5)
		c = 1
		b = 0
	)
	x, out = x[:len(t)], out[:len(t)]
	for i, v := range t {
		v += l*(b-v) + c*x[i]
		t[i] = v
		out[i] = v
	}
}

// maskedSumGo sums row[j] over the bits of x set, in increasing j.
func maskedSumGo(row []float32, x []uint64) float32 {
	var s float32
	for w, word := range x {
		for word != 0 {
			s += row[w*64+bits.TrailingZeros64(word)]
			word &= word - 1
		}
	}
	return s
}

// ---- output ----

func fmtNs(ns float64) string {
	switch {
	case ns <= 0:
		return "-"
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

// fmtRate formats units per second in millions.
func fmtRate(x float64) string {
	if x >= 100e6 {
		return fmt.Sprintf("%.0f", x/1e6)
	}
	return fmt.Sprintf("%.1f", x/1e6)
}

func fmtRatio(x float64) string {
	switch {
	case x <= 0:
		return "-"
	case x >= 10:
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

func printKernels(r *KernelReport) {
	m := r.Memory
	fmt.Printf("  memory, one thread, 3 × %d MB float32 arrays (bytes as STREAM counts them, no write-allocate):\n", m.ArrayBytes>>20)
	for _, b := range []struct {
		name string
		bw   Bandwidth
	}{{"copy", m.Copy}, {"triad", m.Triad}, {"in-place read-modify-write", m.RMW}, {"  the same, plain Go loop", m.RMWGoLoop}} {
		fmt.Printf("    %-27s %6.1f GB/s best, %6.1f median (before %.1f, after %.1f; in cache %.0f): %s\n",
			b.name, b.bw.BestGBs, b.bw.MedianGBs, b.bw.BeforeGBs, b.bw.AfterGBs, b.bw.InCacheGBs, b.bw.Method)
	}
	printRoofs(r.Roofs)
	fmt.Println("  % roof: GB/s against the roof of the level the step's bytes (n × B/unit) fall in (level)")
	fmt.Println()

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "kernel\tmodel\tn\tpath\ttime/step\tM/s\tB/unit\tGB/s\t% roof\tlevel\t× ref\t× generic\t")
	last := ""
	for _, row := range r.Rows {
		if row.Model != last && last != "" {
			fmt.Fprintln(w, "\t\t\t\t\t\t\t\t\t\t\t\t")
		}
		last = row.Model
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.0f\t%s\t%s\t%s\t\n", row.Kernel, row.Model, count(row.N), row.Path,
			fmtNs(row.NsPerStep), fmtRate(row.PerS), fmtBytes(row.BytesPerUnit), row.GBPerS, row.PctOfRoof, row.RoofLevel,
			fmtRatio(row.VsRef), fmtRatio(row.VsGeneric))
	}
	w.Flush()
	if len(r.PortableCode) > 0 {
		fmt.Println("\n  portable code: rows left out, where a path runs the portable code for the case (cpu.Portable):")
		for _, pc := range r.PortableCode {
			fmt.Printf("    %-34s %s\n", pc.Model, strings.Join(pc.Paths, ", "))
		}
	}
	fmt.Println("\n  bytes per unit:")
	seen := map[string]bool{}
	for _, row := range r.Rows {
		key := row.Model + "/" + row.Size
		if seen[row.Model] && row.Kernel != "syn" || seen[key] {
			continue
		}
		seen[row.Model], seen[key] = true, true
		shape := ""
		if row.Shape != "" {
			shape = " [" + row.Size + ": " + row.Shape + "]"
		}
		fmt.Printf("    %-34s %s%s\n", row.Model, row.Bytes, shape)
	}

	fmt.Printf("\n  peers, same run (library on %s):\n\n", r.Path)
	w = tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "operation\tn\tlibrary M/s\tpeer\tpeer M/s\tlibrary speed-up\t")
	for _, p := range r.Peers {
		lib, peer, speedup := fmtRate(p.LibraryPerS), fmtRate(p.PeerPerS), fmtRatio(p.Speedup)
		if p.Unit == "bytes" {
			lib, peer = fmt.Sprintf("%.1f GB/s", p.LibraryPerS/1e9), fmt.Sprintf("%.1f GB/s", p.PeerPerS/1e9)
			speedup = fmt.Sprintf("%.0f%% of peer", p.PctOfPeer)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Operation, count(p.N), lib, p.Peer, peer, speedup)
	}
	w.Flush()
	for _, c := range r.Charts {
		fmt.Printf("\n  chart: %s\n", c)
	}
	fmt.Printf("  kernels section: %.1f s\n", r.Seconds)
}
