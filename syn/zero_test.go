package syn

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: zero synapses (a syn.TracedSynapses{} made without their
// constructor) are what the package documentation says: their sizes and
// traces are 0 and nil, Reset does nothing, and every other method panics
// with "syn.TracedSynapses: zero value: use NewTracedSynapses", never with a
// runtime error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".", []string{"Post", "Pre", "Dt", "Async", "PerConnection", "Traces", "Reset"},
		reflect.TypeFor[LinearSynapses](),
		reflect.TypeFor[TracedSynapses](),
		reflect.TypeFor[RDTracedSynapses](),
		reflect.TypeFor[RFSTracedSynapses](),
		reflect.TypeFor[DoubleTracedSynapses](),
	)
}
