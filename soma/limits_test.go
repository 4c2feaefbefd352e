package soma

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestUnitsLimit: every constructor refuses a population too large for the
// library's index types with a *spark.ConfigError for Units, before it
// allocates: rather than dying out of memory (1<<31) or panicking in
// unsafe.Slice (1<<62).
func TestUnitsLimit(t *testing.T) {
	for _, m := range models {
		for _, n := range []int{testutil.Int(1 << 62), math.MaxInt, testutil.Int(1 << 40), testutil.Int(1 << 31), spark.MaxUnits + 1} {
			err := func() (err error) {
				defer func() {
					if v := recover(); v != nil {
						err = fmt.Errorf("constructor panicked: %v", v)
					}
				}()
				_, _, err = m.build(n, 1, nil)
				return err
			}()
			var ce *spark.ConfigError
			if !errors.As(err, &ce) || ce.Field != "Units" {
				t.Errorf("%s Units = %d: %v, want a *spark.ConfigError for Units", m.class, n, err)
			}
		}
	}
}

// TestStateCapacity: the state slices a population hands out end at its
// last unit, capacity included, so that an append copies rather than
// writes into the padding the kernels run over.
func TestStateCapacity(t *testing.T) {
	for _, m := range models {
		s, _, err := m.build(70, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{"Potential": cap(s.Potential())}
		if r, ok := s.(interface{ Refractory() []uint16 }); ok {
			states["Refractory"] = cap(r.Refractory())
		}
		if th, ok := s.(interface{ Threshold() []float32 }); ok {
			states["Threshold"] = cap(th.Threshold())
		}
		if ad, ok := s.(interface{ Adaptation() []float32 }); ok {
			states["Adaptation"] = cap(ad.Adaptation())
		}
		if iz, ok := s.(interface{ Recovery() []float32 }); ok {
			states["Recovery"] = cap(iz.Recovery())
		}
		for name, c := range states {
			if c != 70 {
				t.Errorf("%s: cap(%s()) = %d, want Units = 70", m.class, name, c)
			}
		}
	}
}
