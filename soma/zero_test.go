package soma

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: every method of a zero model (a soma.Leaky{} made without
// its constructor) returns as an empty population would, or panics with
// "soma.Leaky: zero value: use NewLeaky": never with a runtime error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".",
		reflect.TypeFor[Leaky](),
		reflect.TypeFor[RefractoryLeaky](),
		reflect.TypeFor[StrictRefractoryLeaky](),
		reflect.TypeFor[AdaptiveLeaky](),
		reflect.TypeFor[Exponential](),
		reflect.TypeFor[RefractoryExponential](),
		reflect.TypeFor[AdaptiveExponential](),
		reflect.TypeFor[SimplifiedAdaptiveExponential](),
		reflect.TypeFor[Izhikevich](),
	)
}
