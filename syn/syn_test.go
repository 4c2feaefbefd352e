package syn

import (
	"fmt"
	"github.com/sparkgo/spark/internal/cpu"
	"math"
	"slices"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/conformance"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// paths are the implementations this machine can run.
func paths() []*kernels { return all }

// scatterPaths are paths and, where a path has two lowerings of its
// scatters (AVX-512: gathers and scatters, or one weight at a time; see
// cpu.SerialScatter), the path again with the one it does not run: the
// tests of the scatters run both on every machine.
func scatterPaths() []*kernels { return slices.Concat(paths(), otherScatters()) }

// TestPathsCovered fails when this build and CPU run a path whose kernels
// syn lists but its tests would not run, or a path syn has assembly
// kernels of this architecture for but none of that path, and checks that
// every call runs the path the cpu package selected (the portable kernels
// where syn has none of it).
// See testutil.CoverPaths.
func TestPathsCovered(t *testing.T) {
	testutil.CoverPaths(t, "syn", func(k *kernels) cpu.Path { return k.path }, archKernels(), paths(), impl)
}

// using makes the rest of the test run the path of the kernels k, in this
// package and in those it calls (vec's row kernels).
func using(t testing.TB, k *kernels) {
	old := cpu.Selected
	cpu.Use(k.path)
	t.Cleanup(func() { cpu.Use(old) })
}

// rng is the tests' generator, the same sequence everywhere.
type rng = testutil.Rng

// models builds each synapse model by its seed class name from the shared
// part of the config and trace parameters by seed name.
var models = map[string]func(c LinearSynapsesConfig, dt float64, p map[string]spark.Param) (Synapses, error){
	"LinearSynapses": func(c LinearSynapsesConfig, _ float64, _ map[string]spark.Param) (Synapses, error) {
		return as(NewLinearSynapses(c))
	},
	"TracedSynapses": func(c LinearSynapsesConfig, dt float64, p map[string]spark.Param) (Synapses, error) {
		cfg := TracedSynapsesConfig{LinearSynapsesConfig: c, Dt: dt}
		set(cfg.fields(), p)
		return as(NewTracedSynapses(cfg))
	},
	"RDTracedSynapses": func(c LinearSynapsesConfig, dt float64, p map[string]spark.Param) (Synapses, error) {
		cfg := RDTracedSynapsesConfig{LinearSynapsesConfig: c, Dt: dt}
		set(cfg.fields(), p)
		return as(NewRDTracedSynapses(cfg))
	},
	"RFSTracedSynapses": func(c LinearSynapsesConfig, dt float64, p map[string]spark.Param) (Synapses, error) {
		cfg := RFSTracedSynapsesConfig{LinearSynapsesConfig: c, Dt: dt}
		set(cfg.fields(), p)
		return as(NewRFSTracedSynapses(cfg))
	},
	"DoubleTracedSynapses": func(c LinearSynapsesConfig, dt float64, p map[string]spark.Param) (Synapses, error) {
		cfg := DoubleTracedSynapsesConfig{LinearSynapsesConfig: c, Dt: dt}
		set(cfg.fields(), p)
		return as(NewDoubleTracedSynapses(cfg))
	},
}

func as[T Synapses](s T, err error) (Synapses, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// traced is what the traced models add to Synapses.
type traced interface {
	Traces() [][]float32
	PerConnection() bool
}

// spikesOf packs the bools a reference run gives into the form Step takes.
func spikesOf(flags []bool, post, pre int, async bool) spark.Spikes {
	if !async {
		s := spark.NewSpikes(pre)
		s.SetBools(flags)
		return s
	}
	s := AsyncSpikes(post, pre)
	w := spark.SpikeWords(pre)
	for i := range post {
		s[i*w : (i+1)*w].SetBools(flags[i*pre : (i+1)*pre])
	}
	return s
}

// TestConformance runs every synapse reference run through the public API on
// every path, contracted traces teacher-forced.
func TestConformance(t *testing.T) {
	names := conformance.SynapsesFiles()
	if len(names) != 11 {
		t.Fatalf("found %d synapse runs, want 11", len(names))
	}
	for _, k := range paths() {
		for _, name := range names {
			t.Run(k.name+"/"+name, func(t *testing.T) {
				using(t, k)
				run, err := conformance.LoadSynapses(name)
				if err != nil {
					t.Fatal(err)
				}
				h := make([]float16.Float16, len(run.KernelF16Bits))
				for i, b := range run.KernelF16Bits {
					h[i] = float16.Frombits(b)
				}
				p := map[string]spark.Param{}
				for name, v := range run.ParamValues() {
					if len(v) == 1 {
						p[name] = spark.Uniform(v[0])
					} else {
						p[name] = spark.PerUnit(v)
					}
				}
				s, err := models[run.Model](LinearSynapsesConfig{Post: run.Post, Pre: run.Pre, KernelF16: h,
					Inhibitory: run.InhibitoryFlags(), AsyncSpikes: run.AsyncSpikes}, run.Dt, p)
				if err != nil {
					t.Fatal(err)
				}
				tr, _ := s.(traced)
				if tr != nil && tr.PerConnection() != run.PerSynapseTau {
					t.Fatalf("per connection %v, want %v", tr.PerConnection(), run.PerSynapseTau)
				}
				conformance.CheckSynapses(t, run, conformance.SynapsesImpl{
					Step: func(spikes []bool, currents []float32) {
						s.Step(spikesOf(spikes, run.Post, run.Pre, run.AsyncSpikes), currents)
					},
					Traces: func() [][]float32 { return tr.Traces() },
					Magnitude: func(i int) float64 {
						var mag float64
						for _, x := range tr.Traces()[0][i*run.Pre : (i+1)*run.Pre] {
							mag += math.Abs(float64(x))
						}
						return mag
					},
				})
			})
		}
	}
}

// drawParams draws a model's trace parameters: uniform, per post unit, or
// per synapse (varying along the presynaptic axis, so per connection).
func drawParams(r *rng, model string, post, pre int, form string) (map[string]spark.Param, ref.Params) {
	p, q := map[string]spark.Param{}, ref.Params{}
	for _, f := range ref.TraceParams[model] {
		draw := func() float32 {
			switch {
			case f.Name == "alpha":
				return r.Uniform(0, 1)
			case f.Name[:3] == "tau":
				return f.Default * r.Uniform(0.5, 2)
			}
			return r.Uniform(-1, 2)
		}
		n := 1
		switch {
		case form == "post":
			n = post
		case form == "synapse" && f.Name[:3] == "tau":
			n = post * pre
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = draw()
		}
		if n == 1 {
			p[f.Name] = spark.Uniform(v[0])
		} else {
			p[f.Name] = spark.PerUnit(v)
		}
		q[f.Name] = v
	}
	return p, q
}

// TestPathsMatchReference runs every model on every path against the
// reference, bit for bit: shapes with tails on both axes, binary16 and
// float32 kernels, inhibitory units, synchronous spikes (as bits and as
// indices) and asynchronous ones, traces per post unit and per synapse.
func TestPathsMatchReference(t *testing.T) {
	posts, pres := []int{1, 3, 64, 65, 130}, []int{1, 2, 63, 64, 65, 200}
	for _, k := range paths() {
		for model := range models {
			t.Run(k.name+"/"+model, func(t *testing.T) {
				using(t, k)
				r := rng(77)
				for _, post := range posts {
					for _, pre := range pres {
						for _, form := range []string{"uniform", "post", "synapse"} {
							for _, async := range []bool{false, true} {
								for _, f32 := range []bool{false, true} {
									for _, st := range []Storage{AutoStorage, Sparse} {
										if st == Sparse && (async || form == "synapse") {
											continue // sparse storage needs synchronous spikes and traces per post unit
										}
										where := fmt.Sprintf("%d×%d %s async=%v f32=%v storage=%v", post, pre, form, async, f32, st)
										compare(t, &r, model, post, pre, form, async, f32, st, where)
									}
								}
							}
						}
					}
				}
			})
		}
	}
}

// compare runs one model against the reference for 8 steps, through Step,
// StepIndices, StepAdd and StepAddIndices (the adds onto random currents,
// which must come out as those plus the reference's, rounded once).
func compare(t *testing.T, r *rng, model string, post, pre int, form string, async, f32 bool, st Storage, where string) {
	t.Helper()
	w := make([]float32, post*pre)
	for i := range w {
		w[i] = r.Uniform(-30, 30)
		if r.Next()%7 == 0 {
			w[i] = 0
		}
	}
	inh := make([]bool, pre)
	for j := range inh {
		inh[j] = r.Next()%4 == 0
	}
	p, q := drawParams(r, model, post, pre, form)
	s, err := models[model](LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, Float32: f32, Inhibitory: inh, AsyncSpikes: async, Storage: st}, 0.5, p)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	stored := s.Kernel(nil) // the weights as stored (binary16-rounded)
	m := ref.NewSynapses(model, 0.5, post, pre, stored, inh, q, !ref.Contractible(post, pre, q))
	state := m.NewState()
	tr, _ := s.(traced)
	if tr != nil && tr.PerConnection() != m.PerConnection {
		t.Fatalf("%s: per connection %v, want %v", where, tr.PerConnection(), m.PerConnection)
	}
	n := pre
	if async {
		n = post * pre
	}
	flags := make([]bool, n)
	got, want := make([]float32, post), make([]float32, post)
	for step := range 8 {
		density := []uint64{0, 2, 5, 50}[step%4]
		var idx []int
		for k := range flags {
			flags[k] = density > 0 && r.Next()%density == 0
			if flags[k] {
				idx = append(idx, k)
			}
		}
		if async {
			m.StepAsync(state, flags, want)
		} else {
			m.Step(state, flags, want)
		}
		switch {
		case step%3 == 2:
			for i := range got {
				got[i] = r.Uniform(-100, 100)
				want[i] = got[i] + want[i]
			}
			if !async && step%2 == 1 {
				s.StepAddIndices(idx, got)
			} else {
				s.StepAdd(spikesOf(flags, post, pre, async), got)
			}
		case !async && step%2 == 1:
			s.StepIndices(idx, got)
		default:
			s.Step(spikesOf(flags, post, pre, async), got)
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s step %d: current[%d] = %v, want %v", where, step, i, got[i], want[i])
			}
		}
		if tr == nil {
			continue
		}
		for c, arr := range tr.Traces() {
			for i := range arr {
				if math.Float32bits(arr[i]) != math.Float32bits(state[c][i]) {
					t.Fatalf("%s step %d: trace %d[%d] = %v, want %v", where, step, c, i, arr[i], state[c][i])
				}
			}
		}
	}
}

// set fills the fields named in p.
func set(fields []config.Field, p map[string]spark.Param) {
	for _, f := range fields {
		if v, ok := p[f.Seed]; ok {
			*f.Param = v
		}
	}
}
