package spark

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"
)

// panicOf runs f and returns what it panicked with, or nil.
func panicOf(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// wantPanic requires f to panic with a string or an error (not a runtime
// error) whose text contains every one of want.
func wantPanic(t *testing.T, what string, f func(), want ...string) {
	t.Helper()
	v := panicOf(f)
	if v == nil {
		t.Errorf("%s: no panic", what)
		return
	}
	if _, ok := v.(runtime.Error); ok {
		t.Errorf("%s: runtime error %q, want a clear panic", what, v)
		return
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case error:
		s = v.Error()
	default:
		t.Errorf("%s: panic %#v, want a string or an error", what, v)
		return
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s: panic %q lacks %q", what, s, w)
		}
	}
}

// TestSpikesRange: Has and Set refuse an index outside the words, naming
// the index and the size, rather than a runtime index error (or, for an
// index inside the last word's padding, nothing: those bits are the set's).
func TestSpikesRange(t *testing.T) {
	s := NewSpikes(100) // 2 words, 128 bits
	for _, i := range []int{-1, -64, -65, 128, 129, math.MaxInt / 2, math.MinInt, math.MaxInt} {
		wantPanic(t, fmt.Sprintf("Has(%d)", i), func() { s.Has(i) },
			fmt.Sprintf("spark: Spikes.Has(%d): ", i), "128")
		wantPanic(t, fmt.Sprintf("Set(%d)", i), func() { s.Set(i) },
			fmt.Sprintf("spark: Spikes.Set(%d): ", i), "128")
	}
	var empty Spikes
	wantPanic(t, "nil Has(0)", func() { empty.Has(0) }, "spark: Spikes.Has(0): ")
	for _, i := range []int{0, 63, 64, 99, 127} {
		s.Set(i)
		if !s.Has(i) {
			t.Errorf("Set(%d) then Has(%d) = false", i, i)
		}
	}
	if s.Count() != 5 {
		t.Errorf("Count = %d after 5 sets", s.Count())
	}
}

// TestSpikesSizes: NewSpikes and SpikeWords refuse a negative count, and
// SpikeWords does not overflow near the top of int.
func TestSpikesSizes(t *testing.T) {
	wantPanic(t, "NewSpikes(-1)", func() { NewSpikes(-1) }, "spark: NewSpikes(-1)")
	wantPanic(t, "NewSpikes(MinInt)", func() { NewSpikes(math.MinInt) }, "spark: NewSpikes(")
	wantPanic(t, "NewSpikes(MaxUnits+1)", func() { NewSpikes(MaxUnits + 1) }, fmt.Sprintf("spark: NewSpikes(%d)", MaxUnits+1))
	if s := NewSpikes(0); len(s) != 0 {
		t.Errorf("NewSpikes(0): %d words", len(s))
	}
	wantPanic(t, "SpikeWords(-1)", func() { SpikeWords(-1) }, "spark: SpikeWords(-1)")
	wantPanic(t, "SpikeWords(-64)", func() { SpikeWords(-64) }, "spark: SpikeWords(-64)")
	for n, want := range map[int]int{0: 0, 1: 1, 64: 1, 65: 2, math.MaxInt: math.MaxInt/64 + 1, math.MaxInt - 63: math.MaxInt / 64} {
		if got := SpikeWords(n); got != want {
			t.Errorf("SpikeWords(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestLimits: the size limits keep what their documentation says they keep,
// whatever the platform: a unit index fits an int32 (sparse storage's
// indices), and 128 bytes per unit or synapse fit an int.
func TestLimits(t *testing.T) {
	if MaxUnits > math.MaxInt32 || MaxUnits > MaxSynapses {
		t.Errorf("MaxUnits = %d: above math.MaxInt32 or MaxSynapses = %d", MaxUnits, MaxSynapses)
	}
	if uint64(MaxSynapses)*128 > math.MaxInt || uint64(MaxUnits)*128 > math.MaxInt {
		t.Errorf("128 bytes per unit (MaxUnits = %d) or synapse (MaxSynapses = %d) overflow an int", MaxUnits, MaxSynapses)
	}
}
