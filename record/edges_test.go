package record

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
)

// TestRatesSpanOverflow: Rates and Rate take from < to as a span of
// to − from steps; where that difference overflows an int (a span over
// every step, [math.MinInt, math.MaxInt)), the seconds came out negative,
// and so did every rate.
func TestRatesSpanOverflow(t *testing.T) {
	r := NewSpikes(2, 0)
	r.Record(5, spark.Spikes{3})
	for _, w := range [][2]int{{math.MinInt, math.MaxInt}, {math.MinInt/2 - 1, math.MaxInt/2 + 1}, {math.MinInt, 10}} {
		rates := r.Rates(nil, w[0], w[1], 0.1)
		rate := r.Rate(w[0], w[1], 0.1)
		if rates[0] <= 0 || rates[1] <= 0 || rate <= 0 {
			t.Errorf("span [%d, %d): Rates = %v, Rate = %g; want positive rates", w[0], w[1], rates, rate)
		}
	}
}

// TestMergeSpanPanic: parts whose units span more than spark.MaxUnits
// make Merge panic with a message naming Merge and the rule, not the
// NewSpikes call the caller never made.
func TestMergeSpanPanic(t *testing.T) {
	defer func() {
		if msg := fmt.Sprint(recover()); !strings.HasPrefix(msg, "record: Merge") {
			t.Errorf("Merge of parts spanning MaxUnits+1 units: panic %q, want a record: Merge message", msg)
		}
	}()
	Merge(NewSpikes(1, 0), NewSpikes(1, spark.MaxUnits))
}

// TestSamplerHuge: a matrix that cannot be allocated is refused with a
// record: message. The check let every matrix of at most math.MaxInt values
// (and any number of samples of no unit) through to make, whose byte count
// overflows first: "runtime error: makeslice: cap out of range".
func TestSamplerHuge(t *testing.T) {
	for _, c := range []struct {
		units   []int
		samples int
	}{{[]int{0, 1}, math.MaxInt / 4}, {nil, math.MaxInt}, {[]int{0}, math.MaxInt / 2}} {
		func() {
			defer func() {
				if msg := fmt.Sprint(recover()); !strings.HasPrefix(msg, "record: NewSampler") {
					t.Errorf("NewSampler(%d units, 1, %d): panic %q, want a record: NewSampler message", len(c.units), c.samples, msg)
				}
			}()
			NewSampler(c.units, 1, c.samples)
		}()
	}
}

// TestRecordLastStep: after Record(math.MaxInt32), the last step a
// recorder takes, no step is after it: every Record panics. On 32-bit
// platforms next = step+1 wrapped to math.MinInt32, and the recorder took
// step 0 after step MaxInt32, out of order (Window's binary search and
// Merge rely on the order).
func TestRecordLastStep(t *testing.T) {
	r := NewSpikes(3, 0)
	r.Record(math.MaxInt32, spark.Spikes{1})
	defer func() {
		if msg := fmt.Sprint(recover()); !strings.HasPrefix(msg, "record: Spikes.Record") {
			t.Errorf("Record(0) after Record(MaxInt32): panic %q, want a record: Spikes.Record message; recorded %v", msg, r.All())
		}
	}()
	r.Record(0, spark.Spikes{2})
}
