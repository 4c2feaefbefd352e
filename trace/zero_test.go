package trace

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: every method of a zero tracer (a trace.Tracer{} made
// without its constructor) returns as an empty population would, or panics
// with "trace.Tracer: zero value: use NewTracer": never with a runtime
// error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".",
		reflect.TypeFor[Tracer](),
		reflect.TypeFor[RDTracer](),
		reflect.TypeFor[RFSTracer](),
		reflect.TypeFor[DoubleTracer](),
	)
}
