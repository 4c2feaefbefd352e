package soma

import "github.com/sparkgo/spark/internal/cpu"

// kernels is one implementation of every soma update. A kernel updates a
// whole population: its constants, its state, the input currents and the
// spike words, whose lengths Step has checked. Per-unit and uniform
// constants reach it the same way, as streams.
type kernels struct {
	path cpu.Path
	name string

	leaky                         func(k *leakyConsts, v, current []float32, spikes []uint64)
	refractoryLeaky               func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64)
	strictRefractoryLeaky         func(k *leakyConsts, rf *refractory, v, current []float32, spikes []uint64)
	adaptiveLeaky                 func(k *leakyConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64)
	exponential                   func(k *exponentialConsts, v, current []float32, spikes []uint64)
	refractoryExponential         func(k *exponentialConsts, rf *refractory, v, current []float32, spikes []uint64)
	adaptiveExponential           func(k *exponentialConsts, ad *adaptation, v, current []float32, spikes []uint64)
	simplifiedAdaptiveExponential func(k *exponentialConsts, rf *refractory, th *adaptiveThreshold, v, current []float32, spikes []uint64)
	izhikevich                    func(k *izhikevichConsts, v, u, current []float32, spikes []uint64)
}

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
