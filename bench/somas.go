package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/soma"
)

// SomaResult is one soma population's run.
type SomaResult struct {
	Model         string  `json:"model"`
	Units         int     `json:"units"`
	Steps         int     `json:"steps"`
	Spikes        int     `json:"spikes"`
	RateHz        float64 `json:"mean_rate_hz"`
	StepMicros    float64 `json:"time_per_step_us"`
	UpdatesPerSec float64 `json:"updates_per_s"`
}

// runSomas steps a population of each soma for the simulated duration,
// each unit driven by a constant current drawn around the model's rheobase.
func runSomas(o options) []SomaResult {
	steps := int(o.duration*1000/o.dt + 0.5)
	fmt.Printf("\nsomas: %d units each, dt %g ms, %g s simulated (%d steps), path %s\n\n", o.n, o.dt, o.duration, steps, spark.Path())
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "model\tspikes\tmean rate (Hz)\ttime/step (µs)\tsteps/s\tupdates/s (M)\t")
	var out []SomaResult
	for _, m := range somas {
		s, err := m.build(o.n, o.dt)
		if err != nil {
			fail(fmt.Sprintf("%s: %v", m.name, err))
		}
		current := m.drive(o.n, o.seed)
		spikes := spark.NewSpikes(o.n)
		total := 0
		start := time.Now()
		for range steps {
			s.Step(current, spikes)
			total += spikes.Count()
		}
		elapsed := time.Since(start).Seconds()
		r := SomaResult{Model: m.name, Units: o.n, Steps: steps, Spikes: total,
			RateHz: float64(total) / float64(o.n) / o.duration, StepMicros: elapsed * 1e6 / float64(steps),
			UpdatesPerSec: float64(steps) * float64(o.n) / elapsed}
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.2f\t%.0f\t%.0f\t\n", r.Model, r.Spikes, r.RateHz, r.StepMicros,
			float64(steps)/elapsed, r.UpdatesPerSec/1e6)
		out = append(out, r)
	}
	w.Flush()
	return out
}

// A somaModel is one soma of the library at its default parameters, with
// the range of constant input currents (pA) that makes its units fire at a
// spread of rates: from below the rheobase to a few times above it.
type somaModel struct {
	name   string // the seeds' class name: soma's model name and "Soma"
	lo, hi float32
}

// build makes n units of the model with its defaults (soma.New).
func (m somaModel) build(n int, dt float64) (soma.Soma, error) {
	return soma.New(strings.TrimSuffix(m.name, "Soma"), n, dt)
}

// drive draws each unit's current uniformly from [lo, hi).
func (m somaModel) drive(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float32, n)
	for i := range x {
		x[i] = m.lo + (m.hi-m.lo)*r.Float32()
	}
	return x
}

// somas are the models, in the order of the seeds. The leaky somas need
// R·I > threshold − rest = 20 mV, 200 pA at R = 0.1 GΩ; the exponential ones
// about (rheobase − rest − spike slope)/R = 36 pA; Izhikevich's regular
// spiking unit, whose recovery current is scaled by R as well, R·I > 15 mV.
var somas = []somaModel{
	{"LeakySoma", 150, 350},
	{"RefractoryLeakySoma", 150, 350},
	{"StrictRefractoryLeakySoma", 150, 350},
	{"AdaptiveLeakySoma", 150, 350},
	{"ExponentialSoma", 20, 60},
	{"RefractoryExponentialSoma", 20, 60},
	{"AdaptiveExponentialSoma", 20, 100},
	{"SimplifiedAdaptiveExponentialSoma", 20, 60},
	{"IzhikevichSoma", 100, 220},
}

// somaNamed returns the soma model named name.
func somaNamed(name string) somaModel {
	for _, m := range somas {
		if m.name == name {
			return m
		}
	}
	panic("bench: no soma " + name)
}
