package trace

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: a zero tracer (a trace.Tracer{} made without its
// constructor) is what the package documentation says: its size and state
// accessors return 0 and nil, Reset does nothing, and Step panics with
// "trace.Tracer: zero value: use NewTracer", never with a runtime error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".", []string{"Units", "Dt", "States", "Value", "Rise", "Decay", "FastRise", "FastDecay", "SlowRise", "SlowDecay", "First", "Second", "Reset"},
		reflect.TypeFor[Tracer](),
		reflect.TypeFor[RDTracer](),
		reflect.TypeFor[RFSTracer](),
		reflect.TypeFor[DoubleTracer](),
	)
}
