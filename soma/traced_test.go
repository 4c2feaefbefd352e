package soma

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/syn"
)

// tracedInputs builds k synapse populations into n units, twice (one set
// for each run), each with its own kernel (sparse or dense storage), some
// inhibitory units, and trace parameters uniform or per post unit.
func tracedInputs(t *testing.T, r *rng, n, k int, sparse, perUnit bool) (a, b []*syn.TracedSynapses) {
	for i := range k {
		pre := 20 + 30*i
		cfg := syn.TracedSynapsesConfig{LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: n, Pre: pre}, Dt: 0.5}
		if sparse {
			cfg.Init, cfg.Storage = syn.SparseUniform(-20, 60, 0.1, r.Next()), syn.Sparse
		} else {
			cfg.Init, cfg.Storage = syn.Uniform(-20, 60, r.Next()), syn.Dense
		}
		cfg.Inhibitory = make([]bool, pre)
		for j := range pre {
			cfg.Inhibitory[j] = j%4 == 3
		}
		cfg.Tau, cfg.Scale, cfg.Base = spark.Uniform(r.Uniform(2, 10)), spark.Uniform(r.Uniform(0.5, 2)), spark.Uniform(r.Uniform(-1, 1))
		if perUnit {
			tau, scale := make([]float32, n), make([]float32, n)
			for u := range n {
				tau[u], scale[u] = r.Uniform(2, 10), r.Uniform(0.5, 2)
			}
			cfg.Tau, cfg.Scale = spark.PerUnit(tau), spark.PerUnit(scale)
		}
		x, err := syn.NewTracedSynapses(cfg)
		if err != nil {
			t.Fatal(err)
		}
		y, _ := syn.NewTracedSynapses(cfg)
		// The same random traces in both, a few special.
		for st, v := range x.Traces() {
			for u := range v {
				v[u] = r.Uniform(-50, 50)
				if r.Intn(30) == 0 {
					v[u] = specials[r.Intn(len(specials))]
				}
			}
			copy(y.Traces()[st], v)
		}
		a, b = append(a, x), append(b, y)
	}
	return a, b
}

// TestStepTracedMatchesSteps runs every soma on every path with one, two
// and three traced inputs (one and two take the fused kernels where the
// path has them, three the steps one after the other),
// sparse and dense, with uniform and per-unit parameters, from random
// states with NaN, ±Inf and subnormal values: Deliver then StepTraced must
// give, bit for bit, the spikes, states and traces of the synapses' Step,
// StepAdd… then the soma's Step.
func TestStepTracedMatchesSteps(t *testing.T) {
	sizes := []int{1, 63, 64, 65, 130, 300, 1000}
	if testing.Short() {
		sizes = []int{1, 65, 300}
	}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x7ace)
				spiked := 0
				for _, n := range sizes {
					for _, inputs := range []int{1, 2, 3} {
						for _, form := range []struct{ sparse, perUnit bool }{{true, false}, {false, true}} {
							a, b := twins(t, &r, m, n, form.perUnit)
							ia, ib := tracedInputs(t, &r, n, inputs, form.sparse, form.perUnit)
							cur := make([]float32, n)
							sa, sb := spark.NewSpikes(n), spark.NewSpikes(n)
							for step := range 8 {
								for i := range ia {
									x := spark.NewSpikes(ia[i].Pre())
									for j := range ia[i].Pre() {
										if r.Intn(5) == 0 {
											x.Set(j)
										}
									}
									if i == 0 {
										ia[i].Step(x, cur)
									} else {
										ia[i].StepAdd(x, cur)
									}
									if step%2 == 0 {
										ib[i].Deliver(x)
									} else {
										ib[i].DeliverIndices(x.AppendIndices(nil))
									}
								}
								a.Step(cur, sa)
								sb[len(sb)-1] = math.MaxUint64 // StepTraced must write every bit
								b.StepTraced(sb, ib...)
								where := fmt.Sprintf("n=%d inputs=%d sparse=%v perUnit=%v step %d", n, inputs, form.sparse, form.perUnit, step)
								if d := diffState(stateOf(b), stateOf(a)); d != "" {
									t.Fatalf("%s: %s", where, d)
								}
								if !slices.Equal(sa, sb) {
									t.Fatalf("%s: spikes %x, want %x", where, sb, sa)
								}
								for i := range ia {
									for st, v := range ia[i].Traces() {
										if !slices.EqualFunc(v, ib[i].Traces()[st], sameBits) {
											t.Fatalf("%s: input %d's trace differs", where, i)
										}
									}
								}
								spiked += sa.Count()
							}
						}
					}
				}
				if spiked == 0 {
					t.Error("no spikes: the test draws no interesting dynamics")
				}
			})
		}
	}
}

// TestStepTracedAllocates: StepTraced allocates nothing, fused (one or two
// inputs into a leaky soma) or not (three inputs; after the first call,
// which makes the currents), nor do Deliver and DeliverIndices.
func TestStepTracedAllocates(t *testing.T) {
	r := rng(3)
	for _, inputs := range []int{1, 2, 3} {
		pop, err := NewStrictRefractoryLeaky(StrictRefractoryLeakyConfig{Units: 300})
		if err != nil {
			t.Fatal(err)
		}
		in, _ := tracedInputs(t, &r, 300, inputs, true, false)
		spikes := spark.NewSpikes(300)
		x := spark.NewSpikes(in[0].Pre())
		x.Set(3)
		idx := []int{1, 5}
		step := func() {
			in[0].Deliver(x)
			for _, s := range in[1:] {
				s.DeliverIndices(idx)
			}
			pop.StepTraced(spikes, in...)
		}
		step()
		if n := testing.AllocsPerRun(50, step); n != 0 {
			t.Errorf("%d inputs: %v allocations a step", inputs, n)
		}
		// Through the Soma interface, the inputs given as a slice.
		var soma Soma = pop
		viaInterface := func() {
			in[0].Deliver(x)
			for _, s := range in[1:] {
				s.DeliverIndices(idx)
			}
			soma.StepTraced(spikes, in...)
		}
		if n := testing.AllocsPerRun(50, viaInterface); n != 0 {
			t.Errorf("%d inputs, through Soma: %v allocations a step", inputs, n)
		}
	}
}

// TestStepTracedPanics: inputs StepTraced cannot take are refused, naming
// the input and the reason, before anything is touched.
func TestStepTracedPanics(t *testing.T) {
	pop, _ := NewLeaky(LeakyConfig{Units: 100})
	r := rng(4)
	good, _ := tracedInputs(t, &r, 100, 1, true, false)
	other, _ := tracedInputs(t, &r, 99, 1, true, false)
	two, _ := tracedInputs(t, &r, 100, 1, false, false)
	traces := slices.Clone(good[0].Traces()[0])
	perSyn, err := syn.NewTracedSynapses(syn.TracedSynapsesConfig{
		LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: 100, Pre: 3, Init: syn.Uniform(0, 1, 1)},
		Tau:                  spark.PerUnit(slices.Repeat([]float32{5, 6, 7}, 100)),
	})
	if err != nil {
		t.Fatal(err)
	}
	spikes := spark.NewSpikes(100)
	before := slices.Clone(pop.Potential())
	for _, c := range []struct {
		f    func()
		want string
	}{
		{func() { pop.StepTraced(spikes) }, "soma: Leaky.StepTraced: len(spikes) = 2 words, 0 inputs; want spark.SpikeWords(100) = 2 and at least one input"},
		{func() { pop.StepTraced(spikes[:1], good[0]) }, "len(spikes) = 1 words"},
		{func() { pop.StepTraced(spikes, good[0], other[0]) }, "soma: Leaky.StepTraced: input 1: Post = 99, want Units = 100"},
		{func() { pop.StepTraced(spikes, good[0], perSyn) }, "input 1: the synapses have a trace per synapse; StepTraced needs synchronous spikes and traces per post unit"},
		{func() { pop.StepTraced(spikes, good[0], nil) }, "input 1: *syn.TracedSynapses is not a *syn.TracedSynapses"},
		{func() { pop.StepTraced(spikes, &syn.TracedSynapses{}) }, "input 0: a zero syn.TracedSynapses: use NewTracedSynapses"},
		{func() { pop.StepTraced(spikes, good[0], good[0]) }, "soma: Leaky.StepTraced: input 1 is input 0: each synapse population's trace steps once a step"},
		{func() { pop.StepTraced(spikes, good[0], two[0], good[0]) }, "input 2 is input 0"},
		{func() { perSyn.Deliver(spark.NewSpikes(3)) }, "syn: TracedSynapses.Deliver: needs synchronous spikes and traces per post unit (these have a trace per synapse)"},
	} {
		if msg := catch(c.f); !strings.Contains(msg, c.want) {
			t.Errorf("panic %q, want %q", msg, c.want)
		}
	}
	if !slices.Equal(pop.Potential(), before) {
		t.Error("a refused StepTraced changed the population")
	}
	if !slices.EqualFunc(good[0].Traces()[0], traces, sameBits) {
		t.Error("a refused StepTraced changed an input's trace")
	}
}

// BenchmarkStepTraced times a step of every soma of 4096 units, from its
// initial state, with one and with two traced inputs (sparse, 10% of
// connections, 200 presynaptic units each, 1% of them spiking a step,
// traces from zero), fused (Deliver, then StepTraced) and unfused (the
// synapses' Step and StepAdd into the currents, then the soma's Step), on
// the selected path:
//
//	go test ./soma -run '^$' -bench StepTraced
func BenchmarkStepTraced(b *testing.B) {
	const n, pre = 4096, 200
	for _, m := range models {
		for _, inputs := range []int{1, 2} {
			s, _ := mustBuild(b, m, n, 0.1, nil)
			in := make([]*syn.TracedSynapses, inputs)
			for i := range in {
				var err error
				in[i], err = syn.NewTracedSynapses(syn.TracedSynapsesConfig{
					LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: n, Pre: pre, Init: syn.SparseUniform(0, 20, 0.1, uint64(i+1)),
						Storage: syn.Sparse, Inhibitory: make([]bool, pre)},
					Dt: 0.1, Tau: spark.Uniform(5 + 5*float32(i)),
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			x := make([]spark.Spikes, inputs)
			for i := range x {
				x[i] = spark.NewSpikes(in[i].Pre())
				for j := range in[i].Pre() {
					if j%100 == 0 {
						x[i].Set(j)
					}
				}
			}
			spikes, cur := spark.NewSpikes(n), make([]float32, n)
			b.Run(fmt.Sprintf("%s/inputs=%d/fused", m.class, inputs), func(b *testing.B) {
				for b.Loop() {
					for i, s := range in {
						s.Deliver(x[i])
					}
					s.StepTraced(spikes, in...)
				}
			})
			b.Run(fmt.Sprintf("%s/inputs=%d/unfused", m.class, inputs), func(b *testing.B) {
				for b.Loop() {
					in[0].Step(x[0], cur)
					for i, s := range in[1:] {
						s.StepAdd(x[i+1], cur)
					}
					s.Step(cur, spikes)
				}
			})
		}
	}
}

// TestDeliverPanics: Deliver refuses spikes of another length or set past
// the last presynaptic unit, before anything is touched.
func TestDeliverPanics(t *testing.T) {
	r := rng(6)
	in, _ := tracedInputs(t, &r, 10, 1, true, false) // Pre = 20
	s := in[0]
	for _, c := range []struct {
		x    spark.Spikes
		want string
	}{
		{spark.NewSpikes(64 + 20), "syn: TracedSynapses.Deliver: len(spikes) = 2 words"},
		{spark.Spikes{1 << 20}, "syn: TracedSynapses.Deliver: spikes set past the last presynaptic unit (Pre = 20)"},
	} {
		if msg := catch(func() { s.Deliver(c.x) }); !strings.Contains(msg, c.want) {
			t.Errorf("panic %q, want %q", msg, c.want)
		}
	}
	if msg := catch(func() { s.DeliverIndices([]int{3, 3}) }); !strings.Contains(msg, "syn: TracedSynapses.DeliverIndices: index 3 after 3") {
		t.Errorf("panic %q", msg)
	}
}

// TestDeliveredDropped checks that input Deliver gathered and no
// StepTraced took is dropped by the synapses' Reset and by the restore of
// a checkpoint, which holds none: afterwards StepTraced steps as it would
// on synapses that never delivered it, for sparse and dense storage.
func TestDeliveredDropped(t *testing.T) {
	const n, pre = 70, 50
	all := spark.NewSpikes(pre)
	for j := range pre {
		all.Set(j)
	}
	for _, storage := range []syn.Storage{syn.Dense, syn.Sparse} {
		for _, drop := range []string{"Reset", "UnmarshalBinary"} {
			var s [2]*syn.TracedSynapses
			for k := range s {
				var err error
				s[k], err = syn.NewTracedSynapses(syn.TracedSynapsesConfig{LinearSynapsesConfig: syn.LinearSynapsesConfig{
					Post: n, Pre: pre, Init: syn.SparseUniform(100, 200, 0.08, 3), Storage: storage}})
				if err != nil {
					t.Fatal(err)
				}
			}
			saved, err := s[0].MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			s[0].Deliver(all)
			if drop == "Reset" {
				s[0].Reset()
			} else if err := s[0].UnmarshalBinary(saved); err != nil {
				t.Fatal(err)
			}
			for k := range s {
				pop, err := NewLeaky(LeakyConfig{Units: n})
				if err != nil {
					t.Fatal(err)
				}
				pop.StepTraced(spark.NewSpikes(n), s[k])
			}
			if got, want := s[0].Traces()[0], s[1].Traces()[0]; !slices.Equal(got, want) {
				t.Errorf("%v storage, Deliver then %s: StepTraced took the delivered input: traces %v, want %v", storage, drop, got[:4], want[:4])
			}
		}
	}
}

// TestDeliveredWaits checks that once Deliver has gathered a step's input,
// the synapses refuse to step or deliver again, touching nothing, until a
// soma's StepTraced has taken it, or Reset has dropped it.
func TestDeliveredWaits(t *testing.T) {
	for _, k := range paths() { // the fused kernels and the steps one after the other
		using(t, k)
		deliveredWaits(t, k.name)
	}
}

func deliveredWaits(t *testing.T, path string) {
	t.Helper()
	const n, pre = 70, 50
	all := spark.NewSpikes(pre)
	for j := range pre {
		all.Set(j)
	}
	s, err := syn.NewTracedSynapses(syn.TracedSynapsesConfig{LinearSynapsesConfig: syn.LinearSynapsesConfig{
		Post: n, Pre: pre, Init: syn.SparseUniform(100, 200, 0.08, 3)}})
	if err != nil {
		t.Fatal(err)
	}
	pop, err := NewLeaky(LeakyConfig{Units: n})
	if err != nil {
		t.Fatal(err)
	}
	cur := make([]float32, n)
	calls := map[string]func(){
		"Deliver":        func() { s.Deliver(all) },
		"DeliverIndices": func() { s.DeliverIndices([]int{1, 2}) },
		"Step":           func() { s.Step(all, cur) },
		"StepAdd":        func() { s.StepAdd(all, cur) },
		"StepIndices":    func() { s.StepIndices([]int{3}, cur) },
		"StepAddIndices": func() { s.StepAddIndices([]int{3}, cur) },
	}
	for name, call := range calls {
		s.Deliver(all)
		traces := slices.Clone(s.Traces()[0])
		msg := catch(call)
		if want := "syn: TracedSynapses." + name + ": the input the last Deliver gathered waits for the soma's StepTraced"; !strings.HasPrefix(msg, want) {
			t.Errorf("%s: %s after Deliver: panic %q, want %q", path, name, msg, want)
		}
		if !slices.Equal(s.Traces()[0], traces) || slices.ContainsFunc(cur, func(v float32) bool { return v != 0 }) {
			t.Errorf("%s: %s after Deliver: refused, but wrote", path, name)
		}
		pop.StepTraced(spark.NewSpikes(n), s) // takes the input
		if msg := catch(call); msg != "" {
			t.Errorf("%s: %s after StepTraced: panic %q", path, name, msg)
		}
		clear(cur)
		s.Reset()
		pop.Reset()
	}
	s.Deliver(all)
	s.Reset()
	if msg := catch(calls["Step"]); msg != "" {
		t.Errorf("%s: Step after Deliver and Reset: panic %q", path, msg)
	}
}
