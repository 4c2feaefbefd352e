package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/lockstep"
	"github.com/sparkgo/spark/record"
	"github.com/sparkgo/spark/soma"
	"github.com/sparkgo/spark/syn"
)

// The CUBA network of Brette et al. (2007), "Simulation of networks of
// spiking neurons: a review of tools and strategies", J Comput Neurosci
// 23:349–398, as Brian2's example defines it:
//
//	dv/dt  = (ge + gi − (v − El))/τm   (unless refractory)
//	dge/dt = −ge/τe,  dgi/dt = −gi/τi
//	v > Vt: v ← Vr, refractory 5 ms
//
// with 80% excitatory units (ge += we at each excitatory spike) and 20%
// inhibitory (gi += wi), each pair connected with probability 80/N.
// Built from the library's public types: a StrictRefractoryLeaky soma (the
// potential held at reset while refractory, rest = El, R = 1 GΩ so that a
// current of 1 pA moves the potential as 1 mV of ge), and two
// TracedSynapses populations (τe, τi) whose trace is ge or gi.
const (
	cubaTauM  = 20   // ms
	cubaTauE  = 5    // ms
	cubaTauI  = 10   // ms
	cubaVt    = -50  // mV
	cubaVr    = -60  // mV
	cubaEl    = -49  // mV
	cubaRefr  = 5    // ms
	cubaWe    = 1.62 // mV: 60·0.27/10
	cubaWi    = 9    // mV: 20·4.5/10, through inhibitory presynaptic units
	cubaInDeg = 80   // synapses per unit at any size (4000 × 0.02)
)

// cubaShards returns how many shards the units of a network of n are cut
// into for threads threads: one per goroutine, min(threads, GOMAXPROCS),
// and at most one per spike word. More shards than goroutines only cost:
// each shard looks up the rows of every spike and gathers every list, a
// fixed cost per shard and spike that cache-sized shards do not earn
// back. Measured on one goroutine (AMD EPYC Zen 5, 1 MB of L2 a core,
// interleaved): 40,000 units in 1 shard 13.0–15.9 µs a step, in 2 (each
// half of L2) 17.8–19.2; 400,000 units in 1 shard 241–284 µs, in 4
// 401–442, in 10 659–770, in 20 1511–1610.
func cubaShards(n, threads int) int {
	return max(1, min(threads, runtime.GOMAXPROCS(0), spark.SpikeWords(n)))
}

// CUBAResult is the CUBA network's run.
type CUBAResult struct {
	Units          int            `json:"units"`
	Excitatory     int            `json:"excitatory"`
	Synapses       int            `json:"synapses"`
	Threads        int            `json:"threads"` // as asked (-threads)
	Pinned         bool           `json:"pinned"`  // several goroutines, each pinned to a CPU (-pin)
	Shards         int            `json:"shards"`  // one per goroutine that stepped them: min(threads, GOMAXPROCS, spike words)
	Dt             float64        `json:"dt_ms"`
	Simulated      float64        `json:"simulated_s"`
	Wall           float64        `json:"wall_s"`
	WallPerSimSec  float64        `json:"wall_per_simulated_s"`
	RealTimeFactor float64        `json:"real_time_factor"`
	Spikes         int            `json:"spikes"`
	RateHz         float64        `json:"mean_rate_hz"`
	Events         int64          `json:"synaptic_events"`
	EventsPerSec   float64        `json:"synaptic_events_per_wall_s"`
	Brian2         []Brian2Peer   `json:"brian2,omitempty"`           // -peers
	SomaFrac       float64        `json:"soma_fraction,omitempty"`    // one thread: share of the wall time in the fused step of the traces and somas (StepTraced)
	SynapseFrac    float64        `json:"synapse_fraction,omitempty"` // in the delivery of the synaptic events (DeliverIndices)
	SpikeFrac      float64        `json:"spike_handling_fraction,omitempty"`
	Path           string         `json:"path"`
	Storage        string         `json:"storage"`
	BuildSeconds   float64        `json:"build_s"`
	raster         *record.Spikes // every spike, the shards' recorders merged
}

// shard is the post units [lo, hi) of the network, a multiple of 64 wide,
// with their somas and the synapses into them. A shard's spike bits are its
// own; what other shards read is the list of the units that spiked, a few
// cache lines a step rather than every word of the population.
type shard struct {
	lo, hi   int
	pop      *soma.StrictRefractoryLeaky
	ce, ci   *syn.TracedSynapses
	current  []float32
	spikes   spark.Spikes // the shard's spikes of the last step
	exc, inh []int        // the inputs of a step: the network's spiking units, excitatory and inhibitory

	// fired[t%2] lists the shard's units (network indices, increasing)
	// that spiked at step t: step t writes one list while the shards
	// read step t−1's, so that a step needs one barrier, at its end.
	fired  [2][]int
	count  int            // spikes so far
	events int64          // synaptic events so far: the spikes' out-degrees
	raster *record.Spikes // the shard's spikes so far, as network units
}

// cubaNet is the network.
type cubaNet struct {
	n, ne, ni int
	shards    []*shard
	outdeg    []int64 // each unit's synapses, for the event count

	// onStep, nil but in tests, is called by the threaded runner on the
	// goroutine that steps a shard, before (end false) and after (end
	// true) the shard's step t: a test checks there that the barrier
	// holds, whatever the timing of the run.
	onStep func(s *shard, t int, end bool)
}

func newCUBA(n, threads int, dt float64, seed uint64) (*cubaNet, error) {
	ne := n * 4 / 5
	net := &cubaNet{n: n, ne: ne, ni: n - ne, outdeg: make([]int64, n)}
	p := float64(cubaInDeg) / float64(n)
	exc := syn.SparseUniform(cubaWe, cubaWe, p, seed)
	inh := syn.SparseUniform(cubaWi, cubaWi, p, seed+1)
	inhibitory := make([]bool, net.ni)
	for j := range inhibitory {
		inhibitory[j] = true
	}
	r := rand.New(rand.NewPCG(seed, 0xc0ba))
	v0 := make([]float32, n)
	for i := range v0 {
		v0[i] = cubaVr + float32(r.Float64())*(cubaVt-cubaVr)
	}
	// Shards of whole spike words, as even as words allow.
	words := spark.SpikeWords(n)
	for t := range threads {
		lo, hi := min(n, words*t/threads*64), min(n, words*(t+1)/threads*64)
		if lo == hi {
			continue
		}
		s := &shard{lo: lo, hi: hi, current: make([]float32, hi-lo), spikes: spark.NewSpikes(hi - lo),
			raster: record.NewSpikes(hi-lo, lo)}
		var err error
		s.pop, err = soma.NewStrictRefractoryLeaky(soma.StrictRefractoryLeakyConfig{
			Units: hi - lo, Dt: dt,
			PotentialRest: spark.Uniform(cubaEl), PotentialReset: spark.Uniform(cubaVr),
			PotentialTau: spark.Uniform(cubaTauM), Resistance: spark.Uniform(1),
			Threshold: spark.Uniform(cubaVt), Cooldown: spark.Uniform(cubaRefr),
		})
		if err != nil {
			return nil, err
		}
		s.pop.SetAbsolutePotential(v0[lo:hi])
		s.ce, err = syn.NewTracedSynapses(syn.TracedSynapsesConfig{
			LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: hi - lo, Pre: ne, Init: syn.Rows(exc, lo, hi, n)},
			Dt:                   dt, Tau: spark.Uniform(cubaTauE),
		})
		if err != nil {
			return nil, err
		}
		s.ci, err = syn.NewTracedSynapses(syn.TracedSynapsesConfig{
			LinearSynapsesConfig: syn.LinearSynapsesConfig{Post: hi - lo, Pre: net.ni, Init: syn.Rows(inh, lo, hi, n), Inhibitory: inhibitory},
			Dt:                   dt, Tau: spark.Uniform(cubaTauI),
		})
		if err != nil {
			return nil, err
		}
		for j := range ne {
			net.outdeg[j] += int64(s.ce.OutDegree(j))
		}
		for j := range net.ni {
			net.outdeg[ne+j] += int64(s.ci.OutDegree(j))
		}
		net.shards = append(net.shards, s)
	}
	return net, nil
}

// synapses delivers to a shard's synapses the spikes of step t−1, which
// every shard listed: the weighted input that their traces, ge and gi,
// take in the shard's soma step.
func (s *shard) synapses(net *cubaNet, t int) {
	s.inputs(net, t)
	s.ce.DeliverIndices(s.exc)
	s.ci.DeliverIndices(s.inh)
}

// inputs gathers the shard's inputs of step t: the units every shard
// listed at step t−1, split into excitatory and inhibitory.
func (s *shard) inputs(net *cubaNet, t int) {
	s.exc, s.inh = s.exc[:0], s.inh[:0]
	for _, o := range net.shards { // in order: the lists increase
		for _, j := range o.fired[(t+1)%2] {
			if j < net.ne {
				s.exc = append(s.exc, j)
			} else {
				s.inh = append(s.inh, j-net.ne)
			}
		}
	}
}

// somas steps a shard's units with the traces of its synapses, ge and gi,
// in one pass (StepTraced): the bits of the synapses' StepIndices and
// StepAddIndices into the currents, then the soma's Step, which unfused
// does.
func (s *shard) somas() { s.pop.StepTraced(s.spikes, s.ce, s.ci) }

// unfused is the shard's step t as three passes: the synapses' steps into
// the currents, then the soma's. The same bits as step; for the tests and
// the benchmark's comparison.
func (s *shard) unfused(net *cubaNet, t int) {
	s.inputs(net, t)
	s.ce.StepIndices(s.exc, s.current)
	s.ci.StepAddIndices(s.inh, s.current)
	s.pop.Step(s.current, s.spikes)
	s.record(net, t)
}

// record lists, counts and records the shard's spikes of step t.
func (s *shard) record(net *cubaNet, t int) {
	fired := s.fired[t%2][:0]
	spikes := s.raster.Record(t, s.spikes) // network units: lo + the shard's index
	for _, sp := range spikes {
		j := int(sp.Unit)
		fired = append(fired, j)
		s.events += net.outdeg[j]
	}
	s.count += len(spikes)
	s.fired[t%2] = fired
}

// step is a shard's whole step t.
func (s *shard) step(net *cubaNet, t int) {
	s.synapses(net, t)
	s.somas()
	s.record(net, t)
}

// run steps the network from step 0 to step steps−1 on min(goroutines,
// GOMAXPROCS) goroutines, the calling one included: one runs the shards
// one after the other, step by step; more run them through a
// lockstep.Team, the shards dealt out among the goroutines. On one
// goroutine every 64th step is timed phase by phase, and run returns the
// phases' times; on several the phases overlap and are not timed (zero
// times). With pin, several goroutines are pinned to CPUs of their own
// (lockstep.Team.Pin), where the system allows; pinned says whether they
// were.
func (net *cubaNet) run(steps, goroutines int, pin bool) (tSyn, tSoma, tSpike time.Duration, pinned bool) {
	if min(goroutines, len(net.shards), runtime.GOMAXPROCS(0)) <= 1 {
		// Every 64th step is timed phase by phase, for the split; the
		// clock reads would otherwise cost a few percent of the step.
		for t := range steps {
			if t%64 != 0 {
				for _, s := range net.shards {
					net.step(s, t)
				}
				continue
			}
			for _, s := range net.shards {
				net.hook(s, t, false)
				t0 := time.Now()
				s.synapses(net, t)
				t1 := time.Now()
				s.somas()
				t2 := time.Now()
				s.record(net, t)
				tSyn, tSoma, tSpike = tSyn+t1.Sub(t0), tSoma+t2.Sub(t1), tSpike+time.Since(t2)
				net.hook(s, t, true)
			}
		}
		return tSyn, tSoma, tSpike, false
	}
	// One barrier a step, at its end (lockstep.Team.Run): every shard
	// finishes step t, and so has listed its spikes of step t and read
	// every list of step t−1, before any shard starts step t+1, which
	// reads the first lists and overwrites the second.
	team := lockstep.NewOn(len(net.shards), goroutines, func(s, t int) { net.step(net.shards[s], t) })
	defer team.Close()
	if pin {
		if err := team.Pin(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: cuba: the goroutines are not pinned:", err)
		} else {
			pinned = true
		}
	}
	team.Run(0, steps)
	return 0, 0, 0, pinned
}

// step is shard s's step t in the runner, between the calls of the test
// hook.
func (net *cubaNet) step(s *shard, t int) {
	net.hook(s, t, false)
	s.step(net, t)
	net.hook(s, t, true)
}

// hook calls the test hook onStep, if there is one.
func (net *cubaNet) hook(s *shard, t int, end bool) {
	if net.onStep != nil {
		net.onStep(s, t, end)
	}
}

// timedRun runs the network for steps steps on goroutines goroutines (see
// run) after collecting the build's garbage (a collection that runs into
// the timed loop takes the second core and preempts the stepping goroutine
// again and again to scan its stack): the wall time in seconds and run's
// phase times.
func (net *cubaNet) timedRun(steps, goroutines int, pin bool) (wall float64, tSyn, tSoma, tSpike time.Duration, pinned bool) {
	runtime.GC()
	begin := time.Now()
	tSyn, tSoma, tSpike, pinned = net.run(steps, goroutines, pin)
	return time.Since(begin).Seconds(), tSyn, tSoma, tSpike, pinned
}

// spikes is the number of spikes of every shard so far.
func (net *cubaNet) spikes() int {
	n := 0
	for _, s := range net.shards {
		n += s.count
	}
	return n
}

// cubaSteps is the number of steps of o's simulated time.
func cubaSteps(o options) int { return int(o.duration*1000/o.dt + 0.5) }

func runCUBA(o options) *CUBAResult {
	steps := cubaSteps(o)
	fmt.Printf("\ncuba: %d units (80%% excitatory), %d synapses per unit, dt %g ms, %g s simulated, %d thread(s), path %s\n",
		o.size, cubaInDeg, o.dt, o.duration, o.threads, spark.Path())
	start := time.Now()
	net, err := newCUBA(o.size, cubaShards(o.size, o.threads), o.dt, o.seed)
	if err != nil {
		fail(err.Error())
	}
	r := &CUBAResult{Units: o.size, Excitatory: net.ne, Threads: o.threads, Shards: len(net.shards), Dt: o.dt, Simulated: o.duration,
		Path: spark.Path(), BuildSeconds: time.Since(start).Seconds(), Storage: "sparse"}
	for _, d := range net.outdeg {
		r.Synapses += int(d)
	}

	var tSyn, tSoma, tSpike time.Duration
	r.Wall, tSyn, tSoma, tSpike, r.Pinned = net.timedRun(steps, o.threads, o.pin)
	r.Spikes = net.spikes()
	rasters := make([]*record.Spikes, len(net.shards))
	for k, s := range net.shards {
		r.Events += s.events
		rasters[k] = s.raster
	}
	r.raster = record.Merge(rasters...) // after the clock: for the charts
	r.WallPerSimSec = r.Wall / o.duration
	r.RealTimeFactor = o.duration / r.Wall
	r.RateHz = float64(r.Spikes) / float64(o.size) / o.duration
	r.EventsPerSec = float64(r.Events) / r.Wall
	if tot := (tSyn + tSoma + tSpike).Seconds(); tot > 0 {
		r.SynapseFrac, r.SomaFrac, r.SpikeFrac = tSyn.Seconds()/tot, tSoma.Seconds()/tot, tSpike.Seconds()/tot
	}
	pinned := ""
	if r.Pinned {
		pinned = ", each goroutine pinned to a CPU"
	}
	fmt.Printf("  %d synapses (%s storage), %d shard(s)%s, built in %.2f s\n", r.Synapses, r.Storage, r.Shards, pinned, r.BuildSeconds)
	fmt.Printf("  wall %.4f s for %g s simulated: %.4f s per simulated second, real-time factor %.1f\n",
		r.Wall, o.duration, r.WallPerSimSec, r.RealTimeFactor)
	fmt.Printf("  %d spikes, mean rate %.2f Hz, %d synaptic events (%.3g per wall second)\n", r.Spikes, r.RateHz, r.Events, r.EventsPerSec)
	if r.SomaFrac > 0 {
		fmt.Printf("  time: synaptic events %.0f%%, traces and somas %.0f%%, spike handling %.0f%%\n", 100*r.SynapseFrac, 100*r.SomaFrac, 100*r.SpikeFrac)
	}
	cubaCharts(o, r)
	if o.peers {
		r.Brian2 = runBrian2Peers(o)
	}
	return r
}

// cubaCharts writes the spike raster of the first 500 units and the
// histogram of every unit's rate to o.outDir.
func cubaCharts(o options, r *CUBAResult) {
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "bench: cuba charts:", err)
		return
	}
	var times []float64
	var units []int
	for _, s := range r.raster.All() {
		if s.Unit < 500 {
			times = append(times, float64(s.Step)*r.Dt)
			units = append(units, int(s.Unit))
		}
	}
	steps := int(r.Simulated*1000/r.Dt + 0.5)
	rates := r.raster.Rates(nil, 0, steps, r.Dt) // Hz, per unit (the raster's offset is 0)
	raster := filepath.Join(o.outDir, "cuba_raster.png")
	ratesPNG := filepath.Join(o.outDir, "cuba_rates.png")
	if err := rasterPNG(raster, times, units, fmt.Sprintf("CUBA, %d units: spikes of units 0–499", r.Units)); err != nil {
		fmt.Fprintln(os.Stderr, "bench: cuba raster:", err)
		return
	}
	if err := histogramPNG(ratesPNG, rates, 40, fmt.Sprintf("CUBA, %d units: firing rates (mean %.2f Hz)", r.Units, r.RateHz), "rate (Hz)"); err != nil {
		fmt.Fprintln(os.Stderr, "bench: cuba rates:", err)
		return
	}
	fmt.Printf("  wrote %s, %s\n", raster, ratesPNG)
}
