package syn

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// try runs a constructor and turns a panic into an error, so that a
// constructor that panics (rather than refusing its config) fails the test
// instead of ending it.
func try(build func() (Synapses, error)) (s Synapses, err error) {
	defer func() {
		if v := recover(); v != nil {
			s, err = nil, fmt.Errorf("constructor panicked: %v", v)
		}
	}()
	return build()
}

// wantConfigError requires err to be a *spark.ConfigError for field whose
// message holds every one of rule.
func wantConfigError(t *testing.T, where string, err error, field string, rule ...string) {
	t.Helper()
	var ce *spark.ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("%s: error %v, want a *spark.ConfigError for %s", where, err, field)
		return
	}
	if ce.Field != field {
		t.Errorf("%s: %v: field %s, want %s", where, err, ce.Field, field)
	}
	for _, r := range rule {
		if !strings.Contains(ce.Error(), r) {
			t.Errorf("%s: %q lacks %q", where, ce.Error(), r)
		}
	}
}

// wantPanic requires f to panic with a string (not a runtime error) that
// holds every one of want.
func wantPanic(t *testing.T, where string, f func(), want ...string) {
	t.Helper()
	v := func() (v any) {
		defer func() { v = recover() }()
		f()
		return nil
	}()
	s, ok := v.(string)
	switch _, rt := v.(runtime.Error); {
	case v == nil:
		t.Errorf("%s: no panic", where)
	case rt:
		t.Errorf("%s: runtime error %q, want a clear panic", where, v)
	case !ok:
		t.Errorf("%s: panic %#v, want a string", where, v)
	default:
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: panic %q lacks %q", where, s, w)
			}
		}
	}
}

// TestRowsShape: synapses refuse a Rows initializer whose rows do not fit
// them (hi − lo other than Post, lo > hi, lo < 0, hi > total, total ≤ 0),
// with a *spark.ConfigError for Init, on every path, model, storage and
// precision, for synchronous and asynchronous spikes. Before, such rows
// were accepted: sparse storage then scattered rows past the currents
// (with 5 post units and Rows(…, 0, 1000, 1000), floats 5–62 past them),
// the portable path panicked with an index error and dense storage inside
// the constructor.
func TestRowsShape(t *testing.T) {
	const post, pre = 5, 3
	in := SparseUniform(1, 2, 0.05, 3)
	cases := []struct {
		init Initializer
		rule string
	}{
		{Rows(in, 0, 1000, 1000), "post units, 5"},
		{Rows(in, 0, 4, 10), "post units, 5"},
		{Rows(in, 2, 8, 10), "post units, 5"},
		{Rows(in, 5, 2, 10), "lo ≤ hi"},
		{Rows(in, -1, 4, 10), "0 ≤ lo"},
		{Rows(in, 8, 13, 10), "hi ≤ total"},
		{Rows(in, 0, 5, 0), "total > 0"},
		{Rows(in, 0, 5, -5), "total > 0"},
		{Rows(Rows(in, 0, 5, 1000), 0, 5, 10), "post units, 10"}, // the inner Rows must draw the outer's 10 rows, not 5
		{Rows(in, 0, 5, testutil.Int(1<<40)), "MaxUnits"},
		{Rows(nil, 0, 5, 5), "nil"},
	}
	for _, k := range paths() {
		for model, build := range models {
			t.Run(k.name+"/"+model, func(t *testing.T) {
				using(t, k)
				for _, storage := range []Storage{AutoStorage, Dense, Sparse} {
					for _, f32 := range []bool{false, true} {
						for _, async := range []bool{false, true} {
							if async && storage == Sparse {
								continue // refused for its storage
							}
							for _, c := range cases {
								cfg := LinearSynapsesConfig{Post: post, Pre: pre, Init: c.init, Storage: storage, Float32: f32, AsyncSpikes: async}
								where := fmt.Sprintf("%v %v f32=%v async=%v", c.init, storage, f32, async)
								s, err := try(func() (Synapses, error) { return build(cfg, 1, nil) })
								wantConfigError(t, where, err, "Init", c.rule)
								if s != nil && model == "LinearSynapses" {
									stepGuarded(t, where, s)
								}
							}
						}
					}
				}
			})
		}
	}
	// The same rows that fit are accepted, and are the whole kernel's.
	whole, err := NewLinearSynapses(LinearSynapsesConfig{Post: 10, Pre: pre, Init: in})
	if err != nil {
		t.Fatal(err)
	}
	part, err := NewLinearSynapses(LinearSynapsesConfig{Post: post, Pre: pre, Init: Rows(in, 3, 8, 10)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range post {
		for j := range pre {
			if part.Weight(i, j) != whole.Weight(i+3, j) {
				t.Fatalf("Rows(3, 8): W[%d, %d] = %v, want the whole's W[%d, %d] = %v", i, j, part.Weight(i, j), i+3, j, whole.Weight(i+3, j))
			}
		}
	}
}

// stepGuarded steps synapses that were wrongly built, every presynaptic
// unit spiking, with currents inside a larger array of sentinels, and
// reports any write past them: what a bad config did before it was
// refused.
func stepGuarded(t *testing.T, where string, s Synapses) {
	t.Helper()
	const guard = 16
	mem := make([]float32, 2048)
	for i := range mem {
		mem[i] = math.Float32frombits(sentinel)
	}
	currents := mem[guard : guard+s.Post() : guard+s.Post()]
	spikes := spark.NewSpikes(s.Pre())
	if s.Async() {
		spikes = AsyncSpikes(s.Post(), s.Pre())
	}
	for j := range s.Pre() {
		for r := 0; r < len(spikes); r += spark.SpikeWords(s.Pre()) {
			spikes[r : r+spark.SpikeWords(s.Pre())].Set(j)
		}
	}
	if v := func() (v any) {
		defer func() { v = recover() }()
		s.Step(spikes, currents)
		return nil
	}(); v != nil {
		t.Errorf("%s: Step panicked: %v", where, v)
	}
	first, last := -1, -1
	for i, v := range mem {
		if (i < guard || i >= guard+s.Post()) && math.Float32bits(v) != sentinel {
			if first < 0 {
				first = i - guard
			}
			last = i - guard
		}
	}
	if first >= 0 {
		t.Errorf("%s: Step wrote outside currents, at floats %d to %d of them", where, first, last)
	}
}

// TestSizeLimits: a population or kernel too large for the library's index
// types is a *spark.ConfigError, not an allocation that panics, dies out of
// memory or wraps around.
func TestSizeLimits(t *testing.T) {
	cases := []struct {
		post, pre int
		field     string
	}{
		{testutil.Int(1 << 62), 4, "Post"}, // Post·Pre wraps to 0, which an empty kernel matched
		{4, testutil.Int(1 << 62), "Pre"},
		{testutil.Int(1 << 31), 1, "Post"},
		{1, testutil.Int(1 << 31), "Pre"},
		{math.MaxInt, 1, "Post"},
		{spark.MaxUnits / 4, spark.MaxSynapses/(spark.MaxUnits/4) + 1, "Pre"}, // each fits, Post·Pre does not
		{spark.MaxSynapses/(spark.MaxUnits/4) + 1, spark.MaxUnits / 4, "Pre"},
		{spark.MaxUnits + 1, 1, "Post"},
		{1, spark.MaxUnits + 1, "Pre"},
		{spark.MaxUnits, spark.MaxSynapses/spark.MaxUnits + 1, "Pre"},
		{spark.MaxUnits, spark.MaxSynapses / spark.MaxUnits, "Kernel"}, // at the limits: only the weights are missing
		{-1, 3, "Post"},
		{3, 0, "Pre"},
	}
	for model, build := range models {
		for _, c := range cases {
			for _, kernel := range [][]float32{{}, {1}} {
				if c.field == "Kernel" && len(kernel) == 0 {
					continue // an empty kernel is the nil Kernel: none given
				}
				cfg := LinearSynapsesConfig{Post: c.post, Pre: c.pre, Kernel: kernel}
				where := fmt.Sprintf("%s %d×%d, %d weights", model, c.post, c.pre, len(kernel))
				_, err := try(func() (Synapses, error) { return build(cfg, 1, nil) })
				wantConfigError(t, where, err, c.field)
			}
		}
	}
}

// TestInitializerValues: initializers whose draws are not numbers, or not
// the interval they name, are refused as Init.
func TestInitializerValues(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		init Initializer
		rule string
	}{
		{SparseUniform(1, 2, math.NaN(), 1), "density"},
		{NormalizedSparseUniform(1, 2, math.NaN(), 1), "density"},
		{SparseUniform(nan, 2, 0.5, 1), "finite"},
		{SparseUniform(1, nan, 0.5, 1), "finite"},
		{Uniform(-inf, 2, 1), "finite"},
		{Uniform(1, inf, 1), "finite"},
		{Uniform(2, 1, 1), "lo ≤ hi"},
		{NormalizedSparseUniform(3, -3, 0.5, 1), "lo ≤ hi"},
		{Uniform(-3e38, 3e38, 1), "hi − lo"},
		{Constant(nan), "finite"},
		{Constant(-inf), "finite"},
		{Rows(SparseUniform(1, 2, math.NaN(), 1), 0, 4, 4), "density"},
	} {
		for _, f32 := range []bool{false, true} {
			_, err := try(func() (Synapses, error) {
				return NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: c.init, Float32: f32})
			})
			wantConfigError(t, fmt.Sprintf("%v f32=%v", c.init, f32), err, "Init", c.rule)
		}
	}
	// What the documentation allows: a density outside [0, 1] connects
	// nothing or everything, lo = hi draws a constant.
	for _, in := range []Initializer{SparseUniform(1, 2, -1, 1), SparseUniform(1, 2, 7, 1), SparseUniform(1, 2, math.Inf(1), 1), Uniform(3, 3, 1)} {
		if _, err := NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: in}); err != nil {
			t.Errorf("%v: %v", in, err)
		}
	}
	// A draw that binary16 cannot hold is refused for binary16 storage
	// only.
	big := Uniform(7e4, 8e4, 1)
	_, err := NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: big})
	wantConfigError(t, "binary16 "+big.String(), err, "Init", "65504")
	if _, err := NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: big, Float32: true}); err != nil {
		t.Errorf("float32 %v: %v", big, err)
	}
}

// TestStorageUnknown: a Storage other than the three is refused.
func TestStorageUnknown(t *testing.T) {
	for _, st := range []Storage{-1, 3, 7} {
		_, err := try(func() (Synapses, error) {
			return NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: Constant(1), Storage: st})
		})
		wantConfigError(t, st.String(), err, "Storage", "AutoStorage, Dense or Sparse")
	}
}

// TestSetWeightRefuses: SetWeight panics, naming itself and the rule, on a
// weight the constructor would refuse, and leaves the weight unchanged.
func TestSetWeightRefuses(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, storage := range []Storage{Dense, Sparse} {
		for _, f32 := range []bool{false, true} {
			for model, build := range models {
				s, err := build(LinearSynapsesConfig{Post: 3, Pre: 2, Kernel: []float32{1, 2, 3, 4, 5, 6}, Storage: storage, Float32: f32,
					Inhibitory: []bool{false, true}}, 1, nil)
				if err != nil {
					t.Fatal(err)
				}
				bad := []float32{nan, inf, -inf}
				if !f32 {
					bad = append(bad, 65520, -65536, 1e30)
				}
				for _, w := range bad {
					where := fmt.Sprintf("%s %v f32=%v SetWeight(1, 1, %v)", model, storage, f32, w)
					wantPanic(t, where, func() { s.SetWeight(1, 1, w) }, "syn: "+model+".SetWeight(1, 1, ")
					if got := s.Weight(1, 1); got != 4 {
						t.Errorf("%s: W[1, 1] = %v after the refusal, want 4", where, got)
					}
				}
				for _, w := range []float32{65504, -65504, 0.5} {
					s.SetWeight(1, 1, w)
					if got := s.Weight(1, 1); got != w {
						t.Errorf("%s %v f32=%v: SetWeight(1, 1, %v) then Weight = %v", model, storage, f32, w, got)
					}
				}
			}
		}
	}
}

// TestAsyncSpikesSizes: AsyncSpikes refuses sizes no synapses take, rather
// than allocating a wrapped-around size or panicking in make.
func TestAsyncSpikesSizes(t *testing.T) {
	for _, c := range [][2]int{{-1, 3}, {3, -1}, {-1, -1}, {testutil.Int(1 << 62), 1 << 10}, {testutil.Int(1 << 40), 1}, {1, testutil.Int(1 << 40)},
		{math.MaxInt, math.MaxInt}, {spark.MaxUnits, spark.MaxSynapses/spark.MaxUnits + 1}} {
		wantPanic(t, fmt.Sprintf("AsyncSpikes(%d, %d)", c[0], c[1]), func() { AsyncSpikes(c[0], c[1]) },
			fmt.Sprintf("syn: AsyncSpikes(%d, %d)", c[0], c[1]))
	}
	if s := AsyncSpikes(3, 65); len(s) != 6 {
		t.Errorf("AsyncSpikes(3, 65): %d words, want 6", len(s))
	}
	if s := AsyncSpikes(0, 0); len(s) != 0 {
		t.Errorf("AsyncSpikes(0, 0): %d words", len(s))
	}
}

// TestSparseLimit: sparse storage refuses more non-zero weights than its
// int32 offsets hold, and AutoStorage then stores them densely. The limit
// (math.MaxInt32) is lowered here: reaching it takes tens of GiB.
func TestSparseLimit(t *testing.T) {
	testutil.Set(t, &maxSparse, 10)
	_, err := NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Init: Constant(1), Storage: Sparse})
	wantConfigError(t, "24 weights, at most 10 sparse", err, "Storage", "at most 10 non-zero weights")
	cfg := LinearSynapsesConfig{Post: 60, Pre: 60, Init: SparseUniform(1, 2, 0.05, 4)}
	s, err := NewLinearSynapses(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.sparse {
		t.Errorf("AutoStorage chose sparse storage for %d non-zero weights, more than its limit 10", len(s.w16))
	}
	// SetKernel of sparse synapses refuses the same, leaving the kernel
	// as it was.
	few := make([]float32, 24)
	few[3], few[17] = 1, 2
	sp, err := NewLinearSynapses(LinearSynapsesConfig{Post: 4, Pre: 6, Kernel: few, Storage: Sparse})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]float32, 24)
	for k := range many {
		many[k] = 1
	}
	wantConfigError(t, "SetKernel of 24 weights, at most 10 sparse", sp.SetKernel(many), "Kernel", "at most 10 non-zero weights")
	if got := sp.Kernel(nil); !slices.Equal(got, few) {
		t.Errorf("kernel after the refused SetKernel: %v, want %v", got, few)
	}
	maxSparse = math.MaxInt32
	if s, _ := NewLinearSynapses(cfg); !s.sparse {
		t.Error("AutoStorage chose dense storage for 5% non-zero weights")
	}
}

// TestTracesCapacity: the trace states synapses hand out end at their last
// value, capacity included, so that an append copies rather than writes
// into the padding the kernels run over.
func TestTracesCapacity(t *testing.T) {
	for _, perConn := range []bool{false, true} {
		p := map[string]spark.Param{}
		if perConn {
			tau := make([]float32, 7*9)
			for k := range tau {
				tau[k] = float32(1 + k%9)
			}
			p["tau"] = spark.PerUnit(tau)
		}
		s, err := models["TracedSynapses"](LinearSynapsesConfig{Post: 7, Pre: 9, Init: Constant(1)}, 1, p)
		if err != nil {
			t.Fatal(err)
		}
		for k, st := range s.(traced).Traces() {
			if cap(st) != len(st) {
				t.Errorf("per connection %v: trace %d: len %d, cap %d", perConn, k, len(st), cap(st))
			}
		}
	}
}
