package soma

import (
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/tracer"
)

// kernels is one implementation of every soma update. A kernel takes a
// whole population: its constants, its state, the input currents and the
// spike words, whose lengths Step or StepRange has checked; it updates blocks w0 to
// w1−1 only (the units of spike words w0 to w1−1), reading and writing
// nothing of the other blocks, so that disjoint block ranges may run
// concurrently (StepRange). Per-unit and uniform constants reach it the
// same way, as streams.
type kernels struct {
	path cpu.Path
	name string

	leaky                         func(k *leakyConsts, v, current []float32, spikes []uint64, w0, w1 int)
	refractoryLeaky               func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int)
	strictRefractoryLeaky         func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int)
	adaptiveLeaky                 func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int)
	exponential                   func(k *exponentialConsts, v, current []float32, spikes []uint64, w0, w1 int)
	refractoryExponential         func(k *exponentialConsts, rf *refractory, v, current []float32, spikes []uint64, w0, w1 int)
	adaptiveExponential           func(k *exponentialConsts, ad *adaptation, v, current []float32, spikes []uint64, w0, w1 int)
	simplifiedAdaptiveExponential func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64, w0, w1 int)
	izhikevich                    func(k *izhikevichConsts, v, u, current []float32, spikes []uint64, w0, w1 int)

	// The fused steps of a soma with the single-stage traces of the
	// synapse populations that feed it (StepTraced), over the whole
	// population, by the number of inputs: [1] one, [2] two ([0] unused);
	// nil where a path has none, the portable one included: StepTraced
	// then steps the traces, then the soma, which gives the same bits.
	leakyTraced                 leakyTraced
	refractoryLeakyTraced       refractoryTraced
	strictRefractoryLeakyTraced refractoryTraced
	adaptiveLeakyTraced         adaptiveTraced
	exponentialTraced           exponentialTraced
	refractoryExponentialTraced refractoryExponentialTraced
	adaptiveExponentialTraced   adaptiveExponentialTraced
	simplifiedTraced            simplifiedTraced
	izhikevichTraced            izhikevichTraced
}

// The fused kernels of each soma, by the number of inputs.
type (
	leakyTraced                 [3]func(k *leakyConsts, v []float32, in []tracer.Drive, spikes []uint64)
	refractoryTraced            [3]func(k *leakyConsts, rf *refractory, v []float32, in []tracer.Drive, spikes []uint64)
	adaptiveTraced              [3]func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v []float32, in []tracer.Drive, spikes []uint64)
	exponentialTraced           [3]func(k *exponentialConsts, v []float32, in []tracer.Drive, spikes []uint64)
	refractoryExponentialTraced [3]func(k *exponentialConsts, rf *refractory, v []float32, in []tracer.Drive, spikes []uint64)
	adaptiveExponentialTraced   [3]func(k *exponentialConsts, ad *adaptation, v []float32, in []tracer.Drive, spikes []uint64)
	simplifiedTraced            [3]func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v []float32, in []tracer.Drive, spikes []uint64)
	izhikevichTraced            [3]func(k *izhikevichConsts, v, u []float32, in []tracer.Drive, spikes []uint64)
)

// generic is the portable implementation, plain Go built on every platform
// (kernels_generic.go).
var generic = kernels{
	path:                          cpu.Generic,
	name:                          "generic",
	leaky:                         leakyGeneric,
	refractoryLeaky:               refractoryLeakyGeneric,
	strictRefractoryLeaky:         strictRefractoryLeakyGeneric,
	adaptiveLeaky:                 adaptiveLeakyGeneric,
	exponential:                   exponentialGeneric,
	refractoryExponential:         refractoryExponentialGeneric,
	adaptiveExponential:           adaptiveExponentialGeneric,
	simplifiedAdaptiveExponential: simplifiedAdaptiveExponentialGeneric,
	izhikevich:                    izhikevichGeneric,
}

// impl is the implementation every call runs: the one place where the
// package picks its path, cpu.Selected (the best the CPU runs, or
// SPARK_PATH), which cpu.Use may change.
var impl *kernels

// all is every implementation this build and CPU can run, the portable
// one first; the tests run each.
var all = cpu.Dispatch(&impl, func(k *kernels) cpu.Path { return k.path },
	append([]*kernels{&generic}, archKernels()...)...)
