package syn

import (
	"fmt"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/tracer"
)

// Deliver gathers the weighted input of one step's synchronous spikes (the
// words a soma's Step wrote, as Step takes them) without stepping the
// traces: the soma that the synapses feed steps them with itself, in one
// pass over its units, with its StepTraced, which takes the input and
// empties it. Deliver then StepTraced give the bits of Step then the
// soma's Step (see soma.Soma's StepTraced). It needs synchronous spikes
// and traces per post unit, and panics otherwise, or on spikes of another
// length or set past the last presynaptic unit, before anything is
// touched. What Deliver gathers waits for the soma's StepTraced: until it
// (or Reset) has run, Deliver, Step, StepAdd and their Indices forms panic,
// rather than mix it into another step.
func (s *TracedSynapses) Deliver(spikes spark.Spikes) {
	s.checkDeliver("Deliver")
	s.checkSpikes("Deliver", spikes, s.y) // y: Post values, as the currents checkSpikes checks
	s.rows = spikes.AppendIndices(s.rows[:0])
	s.deliver(s.rows)
}

// DeliverIndices is Deliver for spikes given as the indices of the
// presynaptic units that spiked, strictly increasing, as StepIndices takes
// them.
func (s *TracedSynapses) DeliverIndices(pre []int) {
	s.checkDeliver("DeliverIndices")
	s.checkIndices("DeliverIndices", pre, s.y) // y: Post values, as the currents checkIndices checks
	s.deliver(pre)
}

// checkDeliver panics unless the synapses can deliver: synchronous spikes,
// traces per post unit. It makes the accumulator of a dense kernel.
func (s *TracedSynapses) checkDeliver(fn string) {
	s.live()
	if s.async || s.perConn {
		panic(fmt.Sprintf("syn: TracedSynapses.%s: needs synchronous spikes and traces per post unit (these have %s)", fn, s.form()))
	}
	if s.y == nil {
		s.y = padded(s.post)
	}
}

// form describes the spikes and traces of synapses that cannot deliver.
func (s *synapses[T]) form() string {
	if s.async {
		return "asynchronous spikes"
	}
	return "a trace per synapse"
}

// deliver adds the rows of the presynaptic units in rows, increasing, to
// the accumulator y, in the order of Step's sum.
func (s *synapses[T]) deliver(rows []int) {
	s.addRows(s.y, rows)
	s.delivered = true
}

// padded returns n zeros with capacity for whole blocks of 64 (zero too),
// which a soma's fused kernel runs over, written once.
//
// The write matters: memory fresh from the system that is only read is
// mapped to its shared zero page, read-only, and the AVX-512 draining
// kernels store zeros under a mask of the lanes that are not zero yet. A
// masked store to a read-only page, even with no lane set, takes a slow
// path in the core: StrictRefractoryLeaky's fused step with two silent
// inputs ran 2.8× slower on such accumulators at 4096 units, 1.5× at
// 65536.
func padded(n int) []float32 {
	y := make([]float32, (n+mem.BlockLen-1)/mem.BlockLen*mem.BlockLen)
	clear(y)
	return y[:n]
}

func init() {
	tracer.DriveOf = func(x any) (tracer.Drive, string) {
		s, ok := x.(*TracedSynapses)
		switch {
		case !ok || s == nil:
			return tracer.Drive{}, fmt.Sprintf("%T is not a *syn.TracedSynapses", x)
		case s.post == 0:
			return tracer.Drive{}, "a zero syn.TracedSynapses: use NewTracedSynapses"
		case s.async || s.perConn:
			return tracer.Drive{}, "the synapses have " + s.form() + "; StepTraced needs synchronous spikes and traces per post unit"
		}
		if s.y == nil {
			s.y = padded(s.post)
		}
		return tracer.Drive{Trace: s.tr, X: s.y, Delivered: &s.delivered}, ""
	}
}
