package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/x448/float16"
)

// Synapses is a reference run of a synapse population.
type Synapses struct {
	Name          string // the file name without extension
	Model         string // the seed class name, e.g. "RFSTracedSynapses"
	Dt            float64
	Post, Pre     int
	KernelF16Bits []uint16         `json:"kernel_f16_bits"` // post-major
	Inhibitory    []int            // 1 where the presynaptic unit is inhibitory
	Params        map[string]Param // by seed field name; per synapse: post·pre values, post-major
	AsyncSpikes   bool             `json:"async_spikes"`
	PerSynapseTau bool             `json:"per_synapse_tau"`
	Steps         []SynapsesStep
}

// SynapsesStep is one step of a run: the spikes, the currents after it and,
// for contracted traces, their states after it.
type SynapsesStep struct {
	Spikes      Flags   // Pre flags, or Post·Pre (post-major) for asynchronous spikes
	Currents    []Num   // one per post unit
	TracesAfter [][]Num `json:"traces_after"` // one list per trace component
}

// Flags are 0/1 values, read from a list or a list of lists (flattened).
type Flags []bool

// UnmarshalJSON reads a list of 0/1, or a list of such lists.
func (f *Flags) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[[")) {
		var rows [][]int
		if err := json.Unmarshal(b, &rows); err != nil {
			return err
		}
		*f = nil
		for _, r := range rows {
			*f = append(*f, flags(r)...)
		}
		return nil
	}
	var v []int
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = flags(v)
	return nil
}

func flags(v []int) []bool {
	out := make([]bool, len(v))
	for i, x := range v {
		out[i] = x != 0
	}
	return out
}

// Kernel returns the kernel as float32 values, post-major.
func (s *Synapses) Kernel() []float32 {
	w := make([]float32, len(s.KernelF16Bits))
	for i, b := range s.KernelF16Bits {
		w[i] = float16.Frombits(b).Float32()
	}
	return w
}

// InhibitoryFlags returns the inhibitory mask as bools.
func (s *Synapses) InhibitoryFlags() []bool { return flags(s.Inhibitory) }

// ParamValues returns the values of every parameter by name.
func (s *Synapses) ParamValues() map[string][]float32 {
	p := map[string][]float32{}
	for name, v := range s.Params {
		p[name] = v.Values
	}
	return p
}

// SynapsesFiles lists the synapse reference runs by name, sorted.
func SynapsesFiles() []string { return list("Synapses-") }

// LoadSynapses reads the synapse run name (as SynapsesFiles lists it).
func LoadSynapses(name string) (*Synapses, error) {
	var s Synapses
	if err := load(name, &s); err != nil {
		return nil, err
	}
	s.Name = name
	n := s.Pre
	if s.AsyncSpikes {
		n = s.Post * s.Pre
	}
	if len(s.Steps) == 0 || len(s.KernelF16Bits) != s.Post*s.Pre || len(s.Inhibitory) != s.Pre {
		return nil, fmt.Errorf("conformance: %s: malformed", name)
	}
	for t, st := range s.Steps {
		if len(st.Spikes) != n || len(st.Currents) != s.Post {
			return nil, fmt.Errorf("conformance: %s step %d: %d spikes, %d currents", name, t, len(st.Spikes), len(st.Currents))
		}
	}
	return &s, nil
}

// SumTolerance is how far a float32 sum of n terms whose absolute values sum
// to mag may be from the same sum taken in float64 and rounded once: the
// bound (n + 1)·2⁻²⁴·mag of sequential float32 summation, plus the rounding
// of the result.
func SumTolerance(n int, mag float64) float64 {
	return float64(n+1)*math.Ldexp(mag, -24) + math.Ldexp(mag, -23)
}

// SynapsesImpl is a synapse implementation under test, built from a run.
type SynapsesImpl struct {
	// Step advances one step given the run's spikes (Pre flags, or
	// Post·Pre for asynchronous spikes) and writes the currents.
	Step func(spikes []bool, currents []float32)
	// Traces returns the live contracted trace states, one array per
	// component, or nil when the run has none.
	Traces func() [][]float32
	// Magnitude returns Σ_j |T[i,j]| after a step for per-connection
	// traces: the scale of the sum that makes current i.
	Magnitude func(i int) float64
}

// CheckSynapses runs a synapse run through impl. Contracted traces are
// teacher-forced: before each step their states are set to the run's. The
// currents must be within SumTolerance of the run's, over the terms of the
// sum that makes them: σ·W·x (times the largest |scale| of the trace) for
// linear and contracted synapses, the per-connection traces otherwise; the
// traces within the same tolerance.
func CheckSynapses(t testing.TB, run *Synapses, impl SynapsesImpl) {
	t.Helper()
	w := run.Kernel()
	gain := 1.0
	for name, p := range run.Params {
		if strings.HasPrefix(name, "scale") {
			for _, v := range p.Values {
				gain = math.Max(gain, math.Abs(float64(v)))
			}
		}
	}
	currents := make([]float32, run.Post)
	bad := 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf(format, args...)
		}
	}
	for step, s := range run.Steps {
		if step > 0 && len(s.TracesAfter) > 0 {
			for k, v := range run.Steps[step-1].TracesAfter {
				copy(impl.Traces()[k], float32s(v))
			}
		}
		impl.Step(s.Spikes, currents)
		tol := make([]float64, run.Post)
		for i := range tol {
			var mag float64
			if run.PerSynapseTau {
				mag = impl.Magnitude(i)
			} else {
				for j := range run.Pre {
					x := s.Spikes[j%len(s.Spikes)]
					if run.AsyncSpikes {
						x = s.Spikes[i*run.Pre+j]
					}
					if x {
						mag += math.Abs(float64(w[i*run.Pre+j]))
					}
				}
				mag *= gain
			}
			tol[i] = SumTolerance(run.Pre, mag)
		}
		for i, want := range float32s(s.Currents) {
			if d := math.Abs(float64(currents[i]) - float64(want)); !(d <= tol[i]) {
				fail("%s step %d: current[%d] = %v, want %v (tolerance %g)", run.Name, step, i, currents[i], want, tol[i])
			}
		}
		for k, v := range s.TracesAfter {
			for i, want := range float32s(v) {
				got := impl.Traces()[k][i]
				if d := math.Abs(float64(got) - float64(want)); !(d <= tol[i]) {
					fail("%s step %d: trace %d[%d] = %v, want %v (tolerance %g)", run.Name, step, k, i, got, want, tol[i])
				}
			}
		}
		if bad > 0 {
			t.Fatalf("%s: step %d failed", run.Name, step)
		}
	}
}
