package trace

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestUnitsLimit: every constructor refuses more traces than the library's
// index types hold with a *spark.ConfigError for Units, before it
// allocates: rather than dying out of memory or panicking in unsafe.Slice.
func TestUnitsLimit(t *testing.T) {
	builds := map[string]func(n int) error{
		"Tracer":       func(n int) error { _, err := NewTracer(TracerConfig{Units: n}); return err },
		"RDTracer":     func(n int) error { _, err := NewRDTracer(RDTracerConfig{Units: n}); return err },
		"RFSTracer":    func(n int) error { _, err := NewRFSTracer(RFSTracerConfig{Units: n}); return err },
		"DoubleTracer": func(n int) error { _, err := NewDoubleTracer(DoubleTracerConfig{Units: n}); return err },
	}
	for name, build := range builds {
		for _, n := range []int{testutil.Int(1 << 62), math.MaxInt, testutil.Int(1 << 40), testutil.Int(1 << 31), spark.MaxUnits + 1} {
			err := func() (err error) {
				defer func() {
					if v := recover(); v != nil {
						err = fmt.Errorf("constructor panicked: %v", v)
					}
				}()
				return build(n)
			}()
			var ce *spark.ConfigError
			if !errors.As(err, &ce) || ce.Field != "Units" {
				t.Errorf("%s Units = %d: %v, want a *spark.ConfigError for Units", name, n, err)
			}
		}
	}
}

// TestStateCapacity: the state slices a tracer hands out end at its last
// trace, capacity included, so that an append copies rather than writes
// into the padding the kernels run over.
func TestStateCapacity(t *testing.T) {
	tr, err := NewRFSTracer(RFSTracerConfig{Units: 70})
	if err != nil {
		t.Fatal(err)
	}
	single, err := NewTracer(TracerConfig{Units: 70})
	if err != nil {
		t.Fatal(err)
	}
	states := append(tr.States(), tr.FastRise(), tr.SlowDecay(), single.Value())
	for k, st := range states {
		if len(st) != 70 || cap(st) != 70 {
			t.Errorf("state %d: len %d, cap %d; want 70", k, len(st), cap(st))
		}
	}
}
