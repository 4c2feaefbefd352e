package syn

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: every method of zero synapses (a syn.TracedSynapses{} made
// without its constructor) returns as an empty population would, or panics
// with "syn.TracedSynapses: zero value: use NewTracedSynapses": never with
// a runtime error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".",
		reflect.TypeFor[LinearSynapses](),
		reflect.TypeFor[TracedSynapses](),
		reflect.TypeFor[RDTracedSynapses](),
		reflect.TypeFor[RFSTracedSynapses](),
		reflect.TypeFor[DoubleTracedSynapses](),
	)
}
