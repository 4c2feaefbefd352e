package ref_test

import (
	"math"
	"testing"

	"github.com/sparkgo/spark/internal/conformance"
	"github.com/sparkgo/spark/internal/ref"
)

// TestSynapsesConformance runs every synapse reference run through the
// reference, contracted traces teacher-forced.
func TestSynapsesConformance(t *testing.T) {
	names := conformance.SynapsesFiles()
	if len(names) != 11 {
		t.Fatalf("found %d synapse runs, want 11", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			run, err := conformance.LoadSynapses(name)
			if err != nil {
				t.Fatal(err)
			}
			p := ref.Params{}
			for k, v := range run.ParamValues() {
				p[k] = v
			}
			m := ref.NewSynapses(run.Model, run.Dt, run.Post, run.Pre, run.Kernel(), run.InhibitoryFlags(), p, !ref.Contractible(run.Post, run.Pre, p))
			if m.PerConnection != run.PerSynapseTau {
				t.Fatalf("per connection %v, want %v", m.PerConnection, run.PerSynapseTau)
			}
			st := m.NewState()
			conformance.CheckSynapses(t, run, conformance.SynapsesImpl{
				Step: func(spikes []bool, currents []float32) {
					if run.AsyncSpikes {
						m.StepAsync(st, spikes, currents)
					} else {
						m.Step(st, spikes, currents)
					}
				},
				Traces: func() [][]float32 { return st },
				Magnitude: func(i int) float64 {
					var mag float64
					for _, x := range st[0][i*run.Pre : (i+1)*run.Pre] {
						mag += math.Abs(float64(x))
					}
					return mag
				},
			})
		})
	}
}

// TestContractedEqualsPerConnection: with parameters uniform along the
// presynaptic axis, one trace per post unit gives the currents of one trace
// per synapse, to the rounding of the sums.
func TestContractedEqualsPerConnection(t *testing.T) {
	const post, pre = 13, 37
	r := rng(5)
	w := make([]float32, post*pre)
	for i := range w {
		w[i] = float32(int(r.Next()%41) - 20) // small integers: every sum is exact
	}
	inh := make([]bool, pre)
	for j := range inh {
		inh[j] = r.Next()%4 == 0
	}
	perPost := func(lo, hi float32) ref.P {
		v := make(ref.P, post)
		for i := range v {
			v[i] = r.Uniform(lo, hi)
		}
		return v
	}
	worst := 0.0
	defer func() { t.Logf("worst difference: %.3g × SumTolerance", worst) }()
	for model, fields := range ref.TraceParams {
		for _, async := range []bool{false, true} {
			p := ref.Params{}
			for _, f := range fields {
				switch {
				case f.Name == "alpha":
					p[f.Name] = perPost(0, 1)
				case f.Name[:3] == "tau":
					p[f.Name] = perPost(f.Default*0.5, f.Default*2)
				case f.Name[:4] == "base":
					p[f.Name] = ref.P{r.Uniform(-2, 2)}
				default:
					p[f.Name] = perPost(-1, 2)
				}
			}
			a := ref.NewSynapses(model, 0.5, post, pre, w, inh, p, false)
			b := ref.NewSynapses(model, 0.5, post, pre, w, inh, p, true)
			sa, sb := a.NewState(), b.NewState()
			ca, cb := make([]float32, post), make([]float32, post)
			for step := range 80 {
				n := pre
				if async {
					n = post * pre
				}
				s := make([]bool, n)
				for k := range s {
					s[k] = r.Next()%5 == 0
				}
				if async {
					a.StepAsync(sa, s, ca)
					b.StepAsync(sb, s, cb)
				} else {
					a.Step(sa, s, ca)
					b.Step(sb, s, cb)
				}
				for i := range ca {
					var mag float64
					for k := range sb {
						for _, x := range sb[k][i*pre : (i+1)*pre] {
							mag += math.Abs(float64(x))
						}
					}
					// Within the rounding bound of a float32 sum over the
					// magnitude of the per-connection states.
					d := math.Abs(float64(ca[i] - cb[i]))
					worst = max(worst, d/conformance.SumTolerance(pre, mag))
					if d > conformance.SumTolerance(pre, mag) {
						t.Fatalf("%s async=%v step %d: current[%d] contracted %v, per connection %v", model, async, step, i, ca[i], cb[i])
					}
				}
			}
		}
	}
}
