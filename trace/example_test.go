package trace_test

import (
	"fmt"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/trace"
)

// A trace per unit of a spike train: each spike adds 1 (the scale), and the
// trace decays back to 0 with τ = 10 ms.
func ExampleTracer() {
	tr, err := trace.NewTracer(trace.TracerConfig{Units: 2, Dt: 1, Tau: spark.Uniform(10)})
	if err != nil {
		panic(err)
	}
	x, out := make([]float32, 2), make([]float32, 2)
	for step := range 30 {
		x[0], x[1] = 0, 0
		if step%10 == 0 {
			x[0] = 1 // unit 0 spikes every 10 ms, unit 1 never
		}
		tr.Step(x, out)
	}
	fmt.Printf("after 30 ms: %.3f %.3f\n", out[0], out[1])
	// Output: after 30 ms: 0.611 0.000
}

// The response of a rise–decay trace to one spike: it rises with
// τr' = τr·τd/(τr + τd) and decays with τd, as e^(−t/τd) − e^(−t/τr'),
// which peaks at t* = ln(τd/τr')·τd·τr'/(τd − τr'): with τr = 1 ms and
// τd = 5 ms, τr' = 5/6 ms and t* = ln 6 ≈ 1.79 ms, where it is
// e^(−0.358) − e^(−2.15) ≈ 0.582.
func ExampleRDTracer() {
	tr, err := trace.NewRDTracer(trace.RDTracerConfig{Units: 1, Dt: 0.1,
		TauRise: spark.Uniform(1), TauDecay: spark.Uniform(5)})
	if err != nil {
		panic(err)
	}
	x, out := []float32{1}, []float32{0}
	peak, at := float32(0), 0
	for step := range 500 {
		tr.Step(x, out)
		x[0] = 0
		if out[0] > peak {
			peak, at = out[0], step
		}
	}
	fmt.Printf("peak %.3f at %.1f ms\n", peak, float64(at)*0.1)
	// Output: peak 0.582 at 1.8 ms
}
