package soma

import (
	"reflect"
	"testing"

	"github.com/sparkgo/spark/internal/testutil"
)

// TestZeroValue: a zero model (a soma.Leaky{} made without its
// constructor) is what the package documentation says: its size and state
// accessors return 0 and nil, Reset does nothing, and every other method
// panics with "soma.Leaky: zero value: use NewLeaky", never with a runtime
// error.
func TestZeroValue(t *testing.T) {
	testutil.ZeroValues(t, ".", []string{"Units", "Dt", "Potential", "Refractory", "Threshold", "Adaptation", "Recovery", "Reset"},
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
