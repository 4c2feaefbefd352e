package syn

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ckpt"
)

// layout is one storage and spike form of the checkpoint tests.
type layout struct {
	name              string
	async, f32        bool
	storage           Storage
	form              string // the trace parameters' form, as drawParams takes it
	inhibitory, drawn bool   // inhibitory units; an initializer's kernel
}

var layouts = []layout{
	{"sync-dense-f16", false, false, Dense, "uniform", true, false},
	{"sync-sparse-f32", false, true, Sparse, "post", true, true},
	{"sync-sparse-f16", false, false, Sparse, "uniform", false, true},
	{"async-f16", true, false, AutoStorage, "post", false, false},
	{"per-synapse-f32", false, true, AutoStorage, "synapse", true, false},
}

// build makes a pair of synapses of one config: both as the constructor
// builds them.
func (l layout) build(t *testing.T, model string, post, pre int, seed uint64) (Synapses, Synapses) {
	r := rng(seed)
	cfg := LinearSynapsesConfig{Post: post, Pre: pre, AsyncSpikes: l.async, Float32: l.f32, Storage: l.storage}
	if l.drawn {
		cfg.Init = SparseUniform(-20, 40, 0.1, r.Next())
	} else {
		cfg.Kernel = make([]float32, post*pre)
		for k := range cfg.Kernel {
			cfg.Kernel[k] = r.Uniform(-30, 30)
		}
	}
	if l.inhibitory {
		cfg.Inhibitory = make([]bool, pre)
		for j := range pre {
			cfg.Inhibitory[j] = j%3 == 0
		}
	}
	p, _ := drawParams(&r, model, post, pre, l.form)
	a, err := models[model](cfg, 0.5, p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := models[model](cfg, 0.5, p)
	return a, b
}

// spikesFor draws the spikes of one step.
func spikesFor(r *rng, s Synapses) spark.Spikes {
	x := spark.NewSpikes(s.Pre())
	if s.Async() {
		x = AsyncSpikes(s.Post(), s.Pre())
	}
	w := spark.SpikeWords(s.Pre())
	for k := range x {
		x[k] = r.Next() & r.Next()
		if k%w == w-1 && s.Pre()%64 != 0 {
			x[k] &= 1<<(s.Pre()%64) - 1
		}
	}
	return x
}

func sameFloatBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// sameSynapses describes how b differs from a: kernel or traces.
func sameSynapses(a, b Synapses) string {
	if !sameFloatBits(a.Kernel(nil), b.Kernel(nil)) {
		return "kernels differ"
	}
	if ta, ok := a.(traced); ok {
		for k, st := range ta.Traces() {
			if !sameFloatBits(st, b.(traced).Traces()[k]) {
				return fmt.Sprintf("trace stage %d differs", k)
			}
		}
	}
	return ""
}

// TestCheckpointResumes runs every model in every layout on every path,
// changes its kernel (SetWeight, or SetKernel, which changes the number of
// non-zero weights of a sparse kernel), writes its checkpoint, restores it
// into synapses built from the same config, and steps both on: they must
// give the same currents, bit for bit.
func TestCheckpointResumes(t *testing.T) {
	for _, k := range paths() {
		for _, model := range synModels() {
			t.Run(k.name+"/"+model, func(t *testing.T) {
				using(t, k)
				for li, l := range layouts {
					if model == "LinearSynapses" && l.form == "synapse" {
						continue
					}
					r := rng(uint64(li))
					post, pre := 37, 70
					a, b := l.build(t, model, post, pre, uint64(li))
					w := a.Kernel(nil)
					for k := range w {
						if r.Intn(7) == 0 {
							w[k] = r.Uniform(-5, 5) // new synapses too, when sparse
						}
					}
					if err := a.SetKernel(w); err != nil {
						t.Fatal(err)
					}
					a.SetWeight(3, 5, 1.5)
					ca, cb := make([]float32, post), make([]float32, post)
					for range 4 {
						a.Step(spikesFor(&r, a), ca)
					}
					data, err := a.MarshalBinary()
					if err != nil {
						t.Fatal(err)
					}
					if li%2 == 0 {
						_, err = b.ReadFrom(bytes.NewReader(data))
					} else {
						err = b.UnmarshalBinary(data)
					}
					if err != nil {
						t.Fatalf("%s: %v", l.name, err)
					}
					if d := sameSynapses(a, b); d != "" {
						t.Fatalf("%s: restored: %s", l.name, d)
					}
					for step := range 8 {
						x := spikesFor(&r, a)
						if step%2 == 0 {
							a.Step(x, ca)
							b.Step(x, cb)
						} else {
							a.StepAdd(x, ca)
							b.StepAdd(x, cb)
						}
						if !sameFloatBits(ca, cb) {
							t.Fatalf("%s: step %d after the restore: currents differ", l.name, step)
						}
					}
					if d := sameSynapses(a, b); d != "" {
						t.Fatalf("%s: after the steps: %s", l.name, d)
					}
				}
			})
		}
	}
}

// TestCheckpointRefused restores checkpoints into synapses they do not fit,
// and crafted kernels the synapses could not hold: each is refused with a
// *spark.CheckpointError, and leaves the synapses as they were.
func TestCheckpointRefused(t *testing.T) {
	a, _ := layouts[1].build(t, "TracedSynapses", 37, 70, 1) // sparse, float32, inhibitory
	data, _ := a.MarshalBinary()
	other := func(l layout, model string, post, pre int) Synapses {
		s, _ := l.build(t, model, post, pre, 1)
		return s
	}
	noInh := layouts[1]
	noInh.inhibitory = false
	f16 := layouts[1]
	f16.f32 = false
	dense := layouts[1]
	dense.storage = Dense
	perPost := layouts[1]
	perPost.form = "uniform"
	for _, c := range []struct {
		dst  Synapses
		want string
	}{
		{other(layouts[1], "RDTracedSynapses", 37, 70), "a checkpoint of syn.TracedSynapses, not of syn.RDTracedSynapses"},
		{other(layouts[1], "TracedSynapses", 38, 70), "post = 37 in the checkpoint, 38 here"},
		{other(noInh, "TracedSynapses", 37, 70), "inhibitory: the checkpoint's 70 values differ from these"},
		{other(f16, "TracedSynapses", 37, 70), "float32 = 1 in the checkpoint, 0 here"},
		{other(dense, "TracedSynapses", 37, 70), "sparse = 1 in the checkpoint, 0 here"},
		{other(perPost, "TracedSynapses", 37, 70), "base has 37 values in the checkpoint, 1 here"},
	} {
		before := c.dst.Kernel(nil)
		err := c.dst.UnmarshalBinary(data)
		var ce *spark.CheckpointError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
		if !slices.Equal(before, c.dst.Kernel(nil)) {
			t.Errorf("%q: a refused checkpoint changed the kernel", c.want)
		}
	}

	// Crafted kernels, each written in the record's own format.
	s := a.(*TracedSynapses)
	good := stored{slices.Clone(s.start), slices.Clone(s.idx), nil, slices.Clone(s.w32)}
	craft := func(f func(st *stored)) []byte {
		st := stored{slices.Clone(good.start), slices.Clone(good.idx), nil, slices.Clone(good.w32)}
		f(&st)
		return ckpt.Marshal(s.hdr, s.arrays(&st)...)
	}
	row := func(st *stored) int { // a row with at least two synapses
		for j := range s.pre {
			if st.start[j+1]-st.start[j] >= 2 {
				return j
			}
		}
		t.Fatal("no row with two synapses")
		return 0
	}
	b := other(layouts[1], "TracedSynapses", 37, 70)
	for _, c := range []struct {
		data []byte
		want string
	}{
		{craft(func(st *stored) { st.idx[st.start[row(st)]+1] = st.idx[st.start[row(st)]] }), "want increasing"},
		{craft(func(st *stored) { st.idx[0] = 37 }), "in [0, 37)"},
		{craft(func(st *stored) { st.idx[0] = -1 }), "in [0, 37)"},
		{craft(func(st *stored) { j := row(st); st.start[j+1] = st.start[j+2] + 1 }), "row"},
		{craft(func(st *stored) { st.start[0] = 1 }), "row offsets"},
		// Offsets that increase but run past the weights before the last.
		{craft(func(st *stored) { st.start[1] = 1 << 30 }), "row 0 starts at 0 and ends at 1073741824"},
		{craft(func(st *stored) { st.start[69] = st.start[70] + 1 }), "row 68"},
		{craft(func(st *stored) { st.start = st.start[:70] }), "row offsets"},
		{craft(func(st *stored) { st.w32 = st.w32[1:] }), "row offsets"},
		{craft(func(st *stored) { st.w32[3] = float32(math.NaN()) }), "weight 3 is NaN"},
		{craft(func(st *stored) { st.w32[2] = float32(math.Inf(-1)) }), "weight 2 is -Inf"},
	} {
		before := b.Kernel(nil)
		err := b.UnmarshalBinary(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
		if !slices.Equal(before, b.Kernel(nil)) {
			t.Errorf("%q: a refused checkpoint changed the kernel", c.want)
		}
	}
	if err := b.UnmarshalBinary(craft(func(*stored) {})); err != nil {
		t.Errorf("the crafted kernel as written: %v", err)
	}

	// A dense binary16 kernel: its count, and infinite halves.
	d, _ := layouts[0].build(t, "LinearSynapses", 5, 9, 1)
	ds := d.(*LinearSynapses)
	for _, c := range []struct {
		w    []float16.Float16
		want string
	}{
		{slices.Clone(ds.w16[1:]), "44 weights in the checkpoint, 45 here"},
		{append(slices.Clone(ds.w16[1:]), float16.Inf(1)), "weight 44 is +Inf"},
		{append(slices.Clone(ds.w16[1:]), float16.NaN()), "weight 44 is NaN"},
	} {
		st := stored{w16: c.w}
		if err := d.UnmarshalBinary(ckpt.Marshal(ds.hdr, ds.arrays(&st)...)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
	}
}
