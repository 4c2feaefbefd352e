package syn

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
)

// TestKernelReadBack: Kernel gives the weights post-major, as stored
// (binary16-rounded, or exact in float32), signs unfolded, in every layout;
// SetWeight and SetKernel write them.
func TestKernelReadBack(t *testing.T) {
	const post, pre = 5, 7
	w := make([]float32, post*pre)
	for k := range w {
		w[k] = float32(k)*1.001 - 10
	}
	inh := []bool{true, false, false, true, false, false, true}
	for _, async := range []bool{false, true} {
		for _, f32 := range []bool{false, true} {
			for _, tau := range []spark.Param{{}, spark.PerUnit(slices.Repeat([]float32{1, 2, 3, 4, 5, 6, 7}, post))} {
				s, err := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{
					Post: post, Pre: pre, Kernel: w, Float32: f32, Inhibitory: inh, AsyncSpikes: async}, Tau: tau})
				if err != nil {
					t.Fatal(err)
				}
				got := s.Kernel(nil)
				for k, v := range w {
					want := v
					if !f32 {
						want = float16.Fromfloat32(v).Float32()
					}
					if got[k] != want || s.Weight(k/pre, k%pre) != want {
						t.Fatalf("async=%v f32=%v per-connection=%v: W[%d] = %v, want %v", async, f32, s.PerConnection(), k, got[k], want)
					}
				}
				s.SetWeight(2, 3, 1.5)
				if s.Weight(2, 3) != 1.5 || s.Kernel(nil)[2*pre+3] != 1.5 {
					t.Errorf("SetWeight(2, 3, 1.5): read back %v", s.Weight(2, 3))
				}
				if err := s.SetKernel(make([]float32, post*pre+1)); err == nil {
					t.Error("SetKernel of the wrong length: no error")
				}
				bad := slices.Clone(w)
				bad[4] = float32(math.NaN())
				if err := s.SetKernel(bad); err == nil || s.Weight(0, 4) != got[4] {
					t.Errorf("SetKernel with a NaN: error %v, W[0, 4] = %v (want it unchanged, %v)", err, s.Weight(0, 4), got[4])
				}
				if err := s.SetKernel(make([]float32, post*pre)); err != nil || slices.ContainsFunc(s.Kernel(nil), func(v float32) bool { return v != 0 }) {
					t.Errorf("SetKernel of zeros: %v, %v", err, s.Kernel(nil))
				}
			}
		}
	}
}

// TestInhibitory: an inhibitory unit's spike counts −1.
func TestInhibitory(t *testing.T) {
	s, err := NewLinearSynapses(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: []float32{1, 2, 4, 8, 16, 32}, Inhibitory: []bool{false, true, false}})
	if err != nil {
		t.Fatal(err)
	}
	cur := make([]float32, 2)
	s.StepIndices([]int{0, 1, 2}, cur)
	if cur[0] != 1-2+4 || cur[1] != 8-16+32 {
		t.Errorf("currents %v, want [3 24]", cur)
	}
}

// TestContractedEqualsPerConnection: with parameters uniform along the
// presynaptic axis, the per-synapse form (forced here) gives the currents of
// the contracted form the constructor picks, to the rounding of the sums.
func TestContractedEqualsPerConnection(t *testing.T) {
	const post, pre = 9, 41
	r := rng(11)
	w := make([]float32, post*pre)
	for k := range w {
		w[k] = float32(int(r.Next()%21) - 10)
	}
	for model, build := range models {
		if model == "LinearSynapses" {
			continue
		}
		for _, async := range []bool{false, true} {
			p, _ := drawParams(&r, model, post, pre, "post")
			cfg := LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, AsyncSpikes: async}
			a, err := build(cfg, 0.25, p)
			if err != nil {
				t.Fatal(err)
			}
			forcePerConnection = true
			b, err := build(cfg, 0.25, p)
			forcePerConnection = false
			if err != nil {
				t.Fatal(err)
			}
			if a.(traced).PerConnection() || !b.(traced).PerConnection() {
				t.Fatalf("%s: the forms are not the ones asked for", model)
			}
			n := spark.SpikeWords(pre)
			if async {
				n *= post
			}
			spikes := make(spark.Spikes, n)
			ca, cb := make([]float32, post), make([]float32, post)
			for step := range 100 {
				for k := range spikes {
					spikes[k] = r.Next() & r.Next() & r.Next()
					if (k+1)%spark.SpikeWords(pre) == 0 {
						spikes[k] &= 1<<(pre%64) - 1
					}
				}
				a.Step(spikes, ca)
				b.Step(spikes, cb)
				for i := range ca {
					var mag float64
					for _, st := range b.(traced).Traces() {
						for _, x := range st[i*pre : (i+1)*pre] {
							mag += math.Abs(float64(x))
						}
					}
					if d := math.Abs(float64(ca[i] - cb[i])); d > float64(pre+3)*math.Ldexp(mag, -24) {
						t.Fatalf("%s async=%v step %d: current[%d] contracted %v, per synapse %v", model, async, step, i, ca[i], cb[i])
					}
				}
			}
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestConfigErrors: one error per rule.
func TestConfigErrors(t *testing.T) {
	nan := float32(math.NaN())
	k6 := []float32{1, 2, 3, 4, 5, 6}
	lin := func(c LinearSynapsesConfig) error { return second(NewLinearSynapses(c)) }
	for _, c := range []struct {
		err  error
		want string
	}{
		{lin(LinearSynapsesConfig{Post: 0, Pre: 3, Kernel: k6}), "syn.LinearSynapsesConfig.Post = 0: must be > 0"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: -1, Kernel: k6}), "syn.LinearSynapsesConfig.Pre = -1: must be > 0"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3}), "syn.LinearSynapsesConfig.Kernel = 0: exactly one of Kernel, KernelF16 and Init must be given"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6, Init: Constant(1)}), "syn.LinearSynapsesConfig.Kernel = 2: exactly one of Kernel, KernelF16 and Init must be given"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6[:5]}), "len(syn.LinearSynapsesConfig.Kernel) = 5: needs Post·Pre = 6 weights"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, KernelF16: make([]float16.Float16, 7)}), "len(syn.LinearSynapsesConfig.KernelF16) = 7: needs Post·Pre = 6 weights"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: []float32{1, 2, nan, 4, 5, 6}}), "syn.LinearSynapsesConfig.Kernel[2] = NaN: must be finite"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, KernelF16: []float16.Float16{0, 0, 0, 0, 0, float16.Inf(-1)}}), "syn.LinearSynapsesConfig.KernelF16[5] = -Inf: must be finite"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: []float32{1, 2, 3, 70000, 5, 6}}), "syn.LinearSynapsesConfig.Kernel[3] = 70000: must be at most 65504 in magnitude to be stored as binary16 (or set Float32)"},
		{lin(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6, Inhibitory: []bool{true}}), "len(syn.LinearSynapsesConfig.Inhibitory) = 1: needs one flag per presynaptic unit (Pre = 3), or nil"},
		{second(NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6}, Dt: -1})),
			"syn.TracedSynapsesConfig.Dt = -1: must be finite and > 0 (or 0 for the default, 1 ms)"},
		{second(NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6}, Tau: spark.PerUnit([]float32{1, 2, 3})})),
			"len(syn.TracedSynapsesConfig.Tau) = 3: needs one value per post unit (Post = 2) or per synapse (Post·Pre = 6)"},
		{second(NewRDTracedSynapses(RDTracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6}, TauRise: spark.PerUnit([]float32{1, 0})})),
			"syn.RDTracedSynapsesConfig.TauRise[1] = 0: must be finite and > 0"},
		{second(NewRFSTracedSynapses(RFSTracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6}, Alpha: spark.Uniform(-0.1)})),
			"syn.RFSTracedSynapsesConfig.Alpha = -0.1: must be in [0, 1]"},
		{second(NewDoubleTracedSynapses(DoubleTracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: k6}, Base2: spark.Uniform(nan)})),
			"syn.DoubleTracedSynapsesConfig.Base2 = NaN: must be finite"},
	} {
		var ce *spark.ConfigError
		if !errors.As(c.err, &ce) || c.err.Error() != c.want {
			t.Errorf("error %v, want %q", c.err, c.want)
		}
	}
	if _, err := NewLinearSynapses(LinearSynapsesConfig{Post: 2, Pre: 3, Kernel: []float32{1, 2, 3, 70000, 5, 6}, Float32: true}); err != nil {
		t.Errorf("70000 pA stored as float32: %v", err)
	}
}

// TestStepPanics: wrong lengths, bits past the last presynaptic unit and
// bad indices panic before any current is written.
func TestStepPanics(t *testing.T) {
	sync, _ := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 3, Pre: 70, Init: Constant(1)}})
	async, _ := NewLinearSynapses(LinearSynapsesConfig{Post: 3, Pre: 70, Init: Constant(1), AsyncSpikes: true})
	over := spark.NewSpikes(70)
	over[1] = 1 << 6 // unit 70
	for _, c := range []struct {
		f    func(cur []float32)
		want string
	}{
		{func(cur []float32) { sync.Step(spark.NewSpikes(70), cur[:2]) }, "syn: TracedSynapses.Step: len(spikes) = 2 words, len(currents) = 2; want 2 and Post = 3"},
		{func(cur []float32) { sync.Step(spark.NewSpikes(64), cur) }, "syn: TracedSynapses.Step: len(spikes) = 1 words, len(currents) = 3; want 2 and Post = 3"},
		{func(cur []float32) { async.Step(spark.NewSpikes(70), cur) }, "syn: LinearSynapses.Step: len(spikes) = 2 words, len(currents) = 3; want 6 and Post = 3"},
		{func(cur []float32) { sync.Step(over, cur) }, "syn: TracedSynapses.Step: spikes set past the last presynaptic unit (Pre = 70) in word 1"},
		{func(cur []float32) { sync.StepIndices([]int{3, 3}, cur) }, "syn: TracedSynapses.StepIndices: index 3 after 3: indices must increase strictly and be < Pre = 70"},
		{func(cur []float32) { sync.StepIndices([]int{70}, cur) }, "syn: TracedSynapses.StepIndices: index 70 after -1: indices must increase strictly and be < Pre = 70"},
		{func(cur []float32) { async.StepIndices(nil, cur) }, "syn: LinearSynapses.StepIndices: the synapses take asynchronous spikes"},
		{func(cur []float32) { sync.StepAddIndices([]int{5, 2}, cur) }, "syn: TracedSynapses.StepAddIndices: index 2 after 5: indices must increase strictly and be < Pre = 70"},
		{func(cur []float32) { sync.StepAddIndices([]int{1}, cur[:1]) }, "syn: TracedSynapses.StepAddIndices: len(currents) = 1, want Post = 3"},
		{func(cur []float32) { sync.StepAdd(over, cur) }, "syn: TracedSynapses.StepAdd: spikes set past the last presynaptic unit (Pre = 70) in word 1"},
		{func(cur []float32) { sync.Weight(3, 0) }, "syn: TracedSynapses.Weight(3, 0): out of range 3×70"},
	} {
		cur := []float32{7, 7, 7}
		func() {
			defer func() {
				if r, _ := recover().(string); r != c.want {
					t.Errorf("panic %q, want %q", r, c.want)
				}
			}()
			c.f(cur)
		}()
		if cur[0] != 7 || cur[1] != 7 || cur[2] != 7 || sync.Traces()[0][0] != 0 {
			t.Errorf("%q: a refused step wrote", c.want)
		}
	}
}

// TestStepAllocates nothing, on every path through Step.
func TestStepAllocates(t *testing.T) {
	for _, async := range []bool{false, true} {
		for _, tau := range []spark.Param{{}, spark.PerUnit(slices.Repeat([]float32{1, 2, 3, 4}, 100*50/4))} {
			s, err := NewRFSTracedSynapses(RFSTracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{
				Post: 100, Pre: 50, Init: Uniform(-1, 1, 1), AsyncSpikes: async}, TauRise: tau})
			if err != nil {
				t.Fatal(err)
			}
			spikes := spark.NewSpikes(50)
			if async {
				spikes = AsyncSpikes(100, 50)
			}
			for k := range spikes {
				spikes[k] = 0x0123456789abcdef & (1<<50 - 1)
			}
			cur := make([]float32, 100)
			if a := testing.AllocsPerRun(20, func() { s.Step(spikes, cur) }); a != 0 {
				t.Errorf("async=%v per-connection=%v: %v allocations per Step", async, s.PerConnection(), a)
			}
			if !async {
				idx := []int{0, 5, 49}
				if a := testing.AllocsPerRun(20, func() { s.StepIndices(idx, cur) }); a != 0 {
					t.Errorf("per-connection=%v: %v allocations per StepIndices", s.PerConnection(), a)
				}
				s.StepAddIndices(idx, cur) // the first StepAdd makes its scratch
				if a := testing.AllocsPerRun(20, func() { s.StepAddIndices(idx, cur) }); a != 0 {
					t.Errorf("per-connection=%v: %v allocations per StepAddIndices", s.PerConnection(), a)
				}
			}
		}
	}
}

// TestReset returns every trace to its base (times Pre, contracted).
func TestReset(t *testing.T) {
	s, err := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 2, Pre: 4, Init: Constant(3)}, Base: spark.Uniform(0.5)})
	if err != nil {
		t.Fatal(err)
	}
	cur := make([]float32, 2)
	s.StepIndices([]int{1, 2}, cur)
	if cur[0] == 2 {
		t.Fatal("no input reached the traces")
	}
	s.Reset()
	if tr := s.Traces()[0]; tr[0] != 2 || tr[1] != 2 {
		t.Errorf("after Reset: %v, want the base times Pre, 2", tr)
	}
}

func TestInitializers(t *testing.T) {
	const post, pre = 40, 500
	fill := func(in Initializer) []float32 {
		w := make([]float32, post*pre)
		fill(in, w, post, pre)
		return w
	}
	if w := fill(Constant(2.5)); slices.ContainsFunc(w, func(v float32) bool { return v != 2.5 }) {
		t.Error("Constant(2.5) is not 2.5 everywhere")
	}
	u := fill(Uniform(-1, 3, 7))
	if slices.Min(u) < -1 || slices.Max(u) >= 3 || !slices.Equal(u, fill(Uniform(-1, 3, 7))) || slices.Equal(u, fill(Uniform(-1, 3, 8))) {
		t.Error("Uniform: out of range, or not determined by its seed")
	}
	sp := fill(SparseUniform(1, 2, 0.1, 3))
	nonzero := 0
	for _, v := range sp {
		if v != 0 {
			nonzero++
			if v < 1 || v >= 2 {
				t.Fatalf("SparseUniform weight %v outside [1, 2)", v)
			}
		}
	}
	if f := float64(nonzero) / (post * pre); math.Abs(f-0.1) > 0.01 {
		t.Errorf("SparseUniform(density 0.1): %.3f of the weights are set", f)
	}
	nsp := fill(NormalizedSparseUniform(1, 2, 0.1, 3))
	for i := range post {
		var sum float64
		for _, v := range nsp[i*pre : (i+1)*pre] {
			sum += float64(v)
		}
		if sum < 1-1e-4 || sum > 2+1e-4 {
			t.Errorf("NormalizedSparseUniform: post unit %d sums to %v, want within [1, 2]", i, sum)
		}
	}
	if !strings.Contains(SparseUniform(1, 2, 0.1, 3).String(), "density 0.1") {
		t.Errorf("String: %v", SparseUniform(1, 2, 0.1, 3))
	}
}

// TestInitializerSize: the capacity an initializer asks for its list of
// weights holds every weight it draws, and not much more: at most every
// weight, and for the sparse ones at most 4 standard deviations and a few
// more than the mean.
func TestInitializerSize(t *testing.T) {
	const post, pre = 300, 700
	for _, in := range []Initializer{
		Constant(0), Constant(1.5), Uniform(-1, 1, 2),
		SparseUniform(1, 2, 0, 3), SparseUniform(1, 2, 1e-4, 3), SparseUniform(1, 2, 0.02, 4), SparseUniform(1, 2, 0.5, 5), SparseUniform(1, 2, 1, 6),
		NormalizedSparseUniform(1, 2, 0.1, 7),
		Rows(SparseUniform(1, 2, 0.02, 8), 100, 200, post), Rows(Constant(2), 0, 100, post),
	} {
		lo, hi := 0, post
		if r, ok := in.(rows); ok {
			lo, hi = 0, r.hi-r.lo
		}
		count := 0
		in.entries(lo, hi, pre, func(int, int, float32) { count++ })
		size, all := in.size(lo, hi, pre), (hi-lo)*pre
		if size < count || size > all {
			t.Errorf("%v: size %d for %d weights of %d", in, size, count, all)
		}
		if s, ok := in.(sparse); ok {
			mean := s.density * float64(all)
			if float64(size) > mean+4*math.Sqrt(mean)+16 {
				t.Errorf("%v: size %d, more than the mean %.0f and 4 standard deviations", in, size, mean)
			}
		}
	}
}
