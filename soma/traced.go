package soma

import (
	"fmt"
	"slices"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/tracer"
	"github.com/sparkgo/spark/syn"
)

// tracedFunc runs a model's fused step with len(in) inputs on the whole
// population, if the path has one, and reports whether it did.
type tracedFunc = func(in []tracer.Drive, spikes []uint64) bool

// StepTraced advances every unit by one time step together with the
// traces of the synapse populations that feed it; see [Soma].
func (p *population[T]) StepTraced(spikes spark.Spikes, inputs ...*syn.TracedSynapses) {
	if len(spikes) != spark.SpikeWords(p.n) || p.n == 0 || len(inputs) == 0 {
		p.live()
		panic(fmt.Sprintf("soma: %s.StepTraced: len(spikes) = %d words, %d inputs; want spark.SpikeWords(%d) = %d and at least one input",
			p.name(), len(spikes), len(inputs), p.n, spark.SpikeWords(p.n)))
	}
	// Every input is checked before anything is touched; the first two
	// are kept for a fused kernel (one or two inputs), in the population:
	// a local array would escape through the kernel call, an allocation a
	// step.
	in := &p.drives
	for i, s := range inputs {
		if j := slices.Index(inputs[:i], s); j >= 0 {
			p.live()
			panic(fmt.Sprintf("soma: %s.StepTraced: input %d is input %d: each synapse population's trace steps once a step", p.name(), i, j))
		}
		d := p.drive(i, s)
		if i < len(in) {
			in[i] = d
		}
	}
	if len(inputs) <= len(in) && p.traced != nil && p.traced(in[:len(inputs)], spikes) {
		for _, d := range in[:len(inputs)] {
			*d.Delivered = false // taken: the synapses may step or deliver again
		}
		*in = [2]tracer.Drive{} // holds no synapses between steps
		return
	}
	*in = [2]tracer.Drive{}
	// One after the other, as the synapses' Step, StepAdd… and the soma's
	// Step would: the same bits.
	if p.current == nil {
		p.current = make([]float32, p.n)
	}
	for i, s := range inputs {
		d := p.drive(i, s)
		d.Trace.StepDrain(d.X, p.current, i > 0)
		*d.Delivered = false
	}
	p.run(p.current, spikes, 0, len(spikes))
}

// drive returns input i's trace and accumulator, or panics, before
// anything is touched, on synapses StepTraced cannot take.
func (p *population[T]) drive(i int, s *syn.TracedSynapses) tracer.Drive {
	d, why := tracer.DriveOf(s)
	switch {
	case why != "":
	case d.Trace.Units() != p.n:
		why = fmt.Sprintf("Post = %d, want Units = %d", d.Trace.Units(), p.n)
	case !d.Trace.Single() || cap(d.X) < spark.SpikeWords(p.n)*mem.BlockLen:
		why = "not a single-stage trace per post unit" // syn never makes one; a guard
	}
	if why != "" {
		panic(fmt.Sprintf("soma: %s.StepTraced: input %d: %s", p.name(), i, why))
	}
	return d
}
