package record

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
)

// randomSpikes returns a set for n units with each bit set with probability
// p, and garbage in the bits of the last word past the last unit, which
// the recorder must ignore.
func randomSpikes(r *rand.Rand, n int, p float64) spark.Spikes {
	s := spark.NewSpikes(n)
	for i := range n {
		if r.Float64() < p {
			s.Set(i)
		}
	}
	if m := n % 64; m != 0 {
		s[len(s)-1] |= r.Uint64() &^ (1<<m - 1)
	}
	return s
}

// naive is the spikes of s for n units at step t, by Has.
func naive(dst []Spike, s spark.Spikes, n, offset, t int) []Spike {
	for i := range n {
		if s.Has(i) {
			dst = append(dst, Spike{int32(t), int32(offset + i)})
		}
	}
	return dst
}

func TestRecordMatchesHas(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		offset := r.IntN(1000)
		rec := NewSpikes(n, offset)
		var want []Spike
		step := 0
		for _, p := range []float64{0, 0.01, 0.1, 0.5, 0.9, 1} {
			step += 1 + r.IntN(3)
			s := randomSpikes(r, n, p)
			if n > 0 && p == 0.01 {
				s.Clear() // one word set among empty ones: the four-word skip
				s.Set(r.IntN(n))
			}
			start := len(want)
			want = naive(want, s, n, offset, step)
			if got := rec.Record(step, s); !slices.Equal(got, want[start:]) {
				t.Fatalf("n=%d p=%g: Record returned %v, want %v", n, p, got, want[start:])
			}
		}
		if !slices.Equal(rec.All(), want) {
			t.Fatalf("n=%d: All() = %v, want %v", n, rec.All(), want)
		}
		if rec.Len() != len(want) || rec.Units() != n || rec.Offset() != offset {
			t.Fatalf("n=%d: Len %d Units %d Offset %d, want %d %d %d", n, rec.Len(), rec.Units(), rec.Offset(), len(want), n, offset)
		}
	}
}

func TestRecordPanics(t *testing.T) {
	for _, c := range []struct {
		what string
		f    func()
	}{
		{"short spikes", func() { NewSpikes(65, 0).Record(0, spark.NewSpikes(64)) }},
		{"long spikes", func() { NewSpikes(64, 0).Record(0, spark.NewSpikes(65)) }},
		{"negative step", func() { NewSpikes(10, 0).Record(-1, spark.NewSpikes(10)) }},
		{"repeated step", func() {
			r := NewSpikes(10, 0)
			r.Record(3, spark.NewSpikes(10))
			r.Record(3, spark.NewSpikes(10))
		}},
		{"step past MaxInt32", func() { past := int64(math.MaxInt32) + 1; NewSpikes(10, 0).Record(int(past), spark.NewSpikes(10)) }}, // 32-bit: wraps negative
		{"negative units", func() { NewSpikes(-1, 0) }},
		{"negative offset", func() { NewSpikes(1, -1) }},
		{"offset overflow", func() { NewSpikes(10, 1<<31-5) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.what)
				}
			}()
			c.f()
		}()
	}
}

func TestReset(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	rec := NewSpikes(200, 5)
	s := randomSpikes(r, 200, 0.3)
	rec.Record(7, s)
	c := cap(rec.spikes)
	rec.Reset()
	if rec.Len() != 0 || cap(rec.spikes) != c {
		t.Fatalf("after Reset: Len %d cap %d, want 0 and %d", rec.Len(), cap(rec.spikes), c)
	}
	// Step 0 again is allowed after Reset, and writes over the old buffer.
	got := rec.Record(0, s)
	if want := naive(nil, s, 200, 5, 0); !slices.Equal(got, want) || !slices.Equal(rec.All(), want) {
		t.Fatalf("after Reset: %v, want %v", rec.All(), want)
	}
}

func TestWindowCountsRates(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n, offset, dt = 130, 64, 0.1
	rec := NewSpikes(n, offset)
	var all []Spike
	for step := 0; step < 400; step += 1 + r.IntN(2) {
		s := randomSpikes(r, n, 0.05)
		all = naive(all, s, n, offset, step)
		rec.Record(step, s)
	}
	for _, w := range [][2]int{{0, 400}, {0, 1}, {10, 11}, {100, 250}, {399, 1000}, {250, 100}, {-5, 3}} {
		from, to := w[0], w[1]
		var want []Spike
		counts := make([]int, n)
		for _, s := range all {
			if int(s.Step) >= from && int(s.Step) < to {
				want = append(want, s)
				counts[int(s.Unit)-offset]++
			}
		}
		if got := rec.Window(from, to); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("Window(%d, %d) = %v, want %v", from, to, got, want)
		}
		if to <= from {
			continue
		}
		if got := rec.Counts([]int{1, 2, 3}, from, to); !slices.Equal(got, counts) {
			t.Errorf("Counts(%d, %d) = %v, want %v", from, to, got, counts)
		}
		sec := float64(to-from) * dt / 1000
		rates := rec.Rates(make([]float64, 500), from, to, dt)
		total := 0
		for i, c := range counts {
			total += c
			if rates[i] != float64(c)/sec {
				t.Fatalf("Rates(%d, %d)[%d] = %g, want %g", from, to, i, rates[i], float64(c)/sec)
			}
		}
		if len(rates) != n {
			t.Fatalf("Rates: %d units, want %d", len(rates), n)
		}
		if got, want := rec.Rate(from, to, dt), float64(total)/n/sec; got != want {
			t.Errorf("Rate(%d, %d) = %g, want %g", from, to, got, want)
		}
	}
	times := rec.Times(nil, dt)
	for k, s := range all {
		if times[k] != float64(s.Step)*dt {
			t.Fatalf("Times[%d] = %g, want %g", k, times[k], float64(s.Step)*dt)
		}
	}
}

func TestMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sorted := func(s []Spike) []Spike {
		s = slices.Clone(s)
		slices.SortStableFunc(s, func(a, b Spike) int { return cmp.Or(cmp.Compare(a.Step, b.Step), cmp.Compare(a.Unit, b.Unit)) })
		return s
	}
	for _, c := range []struct {
		name   string
		ranges [][2]int // each part's units [lo, hi)
	}{
		{"none", nil},
		{"one", [][2]int{{0, 100}}},
		{"shards", [][2]int{{0, 64}, {64, 192}, {192, 250}}},
		{"shards out of order", [][2]int{{192, 250}, {0, 64}, {64, 192}}},
		{"gaps", [][2]int{{300, 301}, {10, 20}}},
		{"overlapping", [][2]int{{0, 100}, {50, 150}, {20, 30}}},
		{"empty part", [][2]int{{0, 64}, {64, 64}, {64, 70}}},
	} {
		var parts []*Spikes
		var all []Spike
		lo, hi := math.MaxInt32, 0
		for _, rg := range c.ranges {
			n := rg[1] - rg[0]
			lo, hi = min(lo, rg[0]), max(hi, rg[1])
			p := NewSpikes(n, rg[0])
			for step := r.IntN(3); step < 60; step += 1 + r.IntN(3) {
				s := randomSpikes(r, n, 0.1)
				all = naive(all, s, n, rg[0], step)
				p.Record(step, s)
			}
			parts = append(parts, p)
		}
		if len(c.ranges) == 0 {
			lo = 0
		}
		m := Merge(parts...)
		if want := sorted(all); !slices.Equal(m.All(), want) {
			t.Errorf("%s: Merge = %v, want %v", c.name, m.All(), want)
		}
		if m.Offset() != lo || m.Units() != hi-lo {
			t.Errorf("%s: Merge spans [%d, %d), want [%d, %d)", c.name, m.Offset(), m.Offset()+m.Units(), lo, hi)
		}
		// The merged recorder goes on after the parts' last step.
		if len(c.ranges) > 0 {
			m.Record(60, spark.NewSpikes(m.Units()))
		}
	}
}

func TestSampler(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	units := []int{7, 0, 99, 7}
	s := NewSampler(units, 3, 5)
	state := make([]float32, 100)
	var want [][]float32
	var steps []int
	for step := range 40 {
		for i := range state {
			state[i] = r.Float32()
		}
		took := s.Sample(step, state)
		if wantTook := step%3 == 0 && len(steps) < 5; took != wantTook {
			t.Fatalf("step %d: Sample = %v, want %v", step, took, wantTook)
		}
		if took {
			row := make([]float32, len(units))
			for k, u := range units {
				row[k] = state[u]
			}
			want, steps = append(want, row), append(steps, step)
		}
	}
	if s.Len() != 5 || s.Cap() != 5 || !s.Full() || s.Every() != 3 || !slices.Equal(s.Units(), units) {
		t.Fatalf("Len %d Cap %d Full %v Every %d Units %v", s.Len(), s.Cap(), s.Full(), s.Every(), s.Units())
	}
	if !slices.Equal(s.Steps(), steps) {
		t.Errorf("Steps = %v, want %v", s.Steps(), steps)
	}
	if times := s.Times(nil, 0.5); !slices.Equal(times, []float64{0, 1.5, 3, 4.5, 6}) {
		t.Errorf("Times = %v", times)
	}
	for i, row := range want {
		if !slices.Equal(s.Row(i), row) {
			t.Errorf("Row(%d) = %v, want %v", i, s.Row(i), row)
		}
	}
	for k := range units {
		var col []float32
		for _, row := range want {
			col = append(col, row[k])
		}
		if got := s.Series(nil, k); !slices.Equal(got, col) {
			t.Errorf("Series(%d) = %v, want %v", k, got, col)
		}
	}
	s.Reset()
	if s.Len() != 0 || s.Full() || !s.Sample(3, state) || s.Row(0)[2] != state[99] {
		t.Errorf("after Reset: Len %d", s.Len())
	}
	for _, f := range []func(){
		func() { s.Sample(0, state[:99]) },
		func() { s.Sample(-3, state) },
		func() { s.Row(1) },
		func() { s.Series(nil, 4) },
		func() { NewSampler([]int{-1}, 1, 1) },
		func() { NewSampler(nil, 0, 1) },
		func() { NewSampler(nil, 1, -1) },
		func() { NewSampler([]int{math.MaxInt}, 1, 1) }, // need = unit+1 would wrap
		func() { NewSampler([]int{spark.MaxUnits}, 1, 1) },
		func() { NewSampler([]int{0, 1, 2}, 1, math.MaxInt/2) }, // units·samples overflows
		func() { new(Sampler).Sample(0, nil) },                  // the zero value
		func() { NewSpikes(3, 0).Rates(nil, 5, 5, 0.1) },        // no time to take a rate over
		func() { NewSpikes(3, 0).Rate(6, 5, 0.1) },
		func() { NewSpikes(3, 0).Rates(nil, 0, 5, 0) },
		func() { Merge(NewSpikes(3, 0), nil) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "record: ") {
					t.Errorf("panic %q, want a record: message", msg)
				}
			}()
			f()
		}()
	}
}

func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("AllocsPerRun")
	}
	r := rand.New(rand.NewPCG(11, 12))
	s := randomSpikes(r, 1000, 0.2)
	rec := NewSpikes(1000, 0)
	step := 0
	record := func() {
		rec.Record(step, s)
		step++
	}
	// Grown by use, then reset: steady state.
	for range 200 {
		record()
	}
	rec.Reset()
	step = 0
	if a := testing.AllocsPerRun(100, record); a != 0 {
		t.Errorf("Spikes.Record after Reset: %g allocations per run", a)
	}
	// Preallocated.
	rec = NewSpikes(1000, 0)
	rec.Grow(200 * s.Count())
	step = 0
	if a := testing.AllocsPerRun(100, record); a != 0 {
		t.Errorf("Spikes.Record after Grow: %g allocations per run", a)
	}

	sm := NewSampler([]int{1, 5, 999}, 2, 1000)
	state := make([]float32, 1000)
	step = 0
	if a := testing.AllocsPerRun(100, func() {
		sm.Sample(step, state)
		step++
	}); a != 0 {
		t.Errorf("Sampler.Sample: %g allocations per run", a)
	}
	if sm.Len() != 51 {
		t.Errorf("Sampler: %d samples, want 51", sm.Len())
	}
}

// BenchmarkRecord is the cost of Record per spike (ns/spike) and per step
// (ns/op) for 4000 units at a few densities (the fraction of units that
// spike in a step), and for the 40,000 units of the CUBA network at its
// rate (23 spikes a step), the buffer reused.
func BenchmarkRecord(b *testing.B) {
	for _, c := range []struct {
		n int
		p float64
	}{{4000, 0.001}, {4000, 0.01}, {4000, 0.1}, {4000, 0.5}, {40000, 0.0006}} {
		n, p := c.n, c.p
		b.Run(fmt.Sprintf("n=%d/density=%g", n, p), func(b *testing.B) {
			r := rand.New(rand.NewPCG(13, 14))
			sets := make([]spark.Spikes, 16)
			count := 0
			for i := range sets {
				sets[i] = randomSpikes(r, n, p)
				count += sets[i].Count()
			}
			rec := NewSpikes(n, 0)
			rec.Grow(1 << 16)
			step := 0
			for b.Loop() {
				if rec.Len() > 1<<16-n {
					rec.Reset()
					step = 0
				}
				rec.Record(step, sets[step%16])
				step++
			}
			spikes := float64(b.N) * float64(count) / float64(len(sets))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/spikes, "ns/spike")
		})
	}
}

// BenchmarkSample is the cost of a sample of 100 units.
func BenchmarkSample(b *testing.B) {
	units := make([]int, 100)
	for i := range units {
		units[i] = 37 * i
	}
	state := make([]float32, 4000)
	s := NewSampler(units, 1, 1024)
	step := 0
	for b.Loop() {
		if s.Full() {
			s.Reset()
		}
		s.Sample(step, state)
		step++
	}
}

// TestRecordDoubles: the buffer at least doubles when it grows, so that
// a long run copies its raster a few times, not dozens (append's growth
// of a quarter would take 50 copies to reach a million spikes).
func TestRecordDoubles(t *testing.T) {
	const units, steps = 640, 20000
	r := NewSpikes(units, 0)
	s := spark.NewSpikes(units)
	for i := range units {
		if i%8 == 0 {
			s.Set(i) // 80 spikes a step: 1.6M in all
		}
	}
	grows, last := 0, cap(r.spikes)
	for step := range steps {
		r.Record(step, s)
		if c := cap(r.spikes); c != last {
			if c < 2*last {
				t.Fatalf("step %d: the buffer grew from %d to %d spikes, less than double", step, last, c)
			}
			grows, last = grows+1, c
		}
	}
	if r.Len() != 80*steps || grows > 22 {
		t.Errorf("%d spikes in %d growths", r.Len(), grows)
	}
}

// TestZeroSpikes: the zero Spikes records a population of no units from
// step 0 on, as NewSpikes(0, 0) does.
func TestZeroSpikes(t *testing.T) {
	var r Spikes
	for _, rec := range []*Spikes{&r, NewSpikes(0, 0)} {
		if got := rec.Record(0, nil); len(got) != 0 {
			t.Errorf("Record(0) = %v", got)
		}
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, "after the last one recorded (0)") {
					t.Errorf("Record(0) twice: panic %q", msg)
				}
			}()
			rec.Record(0, nil)
		}()
		rec.Reset()
		rec.Record(0, nil)
	}
}
