package lockstep

import (
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// modes are the waits a team can use: polls then parking (New's), parking
// at once, and a few polls then parking (in the tests, parking where the
// polls run out in the middle of a step).
var modes = []struct {
	name string
	spin int
}{{"spin", Spin}, {"park", 0}, {"short-spin", 3}}

// stepWithin runs team.Step(step) and fails t if it has not returned
// within 10 s: a worker that misses its wake-up, or a count of the
// finished that never reaches the team's, would otherwise hang the test
// binary until go test's own timeout, with no word of which step.
func stepWithin(t *testing.T, team *Team, step int) {
	t.Helper()
	within(t, fmt.Sprintf("Step(%d)", step), func() { team.Step(step) })
}

// within runs f and fails t if it has not returned within 10 s. Its timer
// and channel are made before f starts, so that f's allocations are f's.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-timer.C:
		t.Fatalf("%s has not returned after 10 s", what)
	}
}

// closing closes team, or reports that Close has not returned after 10
// s: a deferred Close of a test that failed on a hung team must not hang
// the test binary in its turn.
func closing(t testing.TB, team *Team) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		team.Close()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("Close has not returned after 10 s")
	}
}

// TestLockstep: no shard starts step t+1 before every shard has finished
// step t, every shard runs every step once, with the step Step or Run was
// given, and Step and Run return only when all have finished (runs of 0, 1
// and many steps, after Steps); with teams of one shard,
// a few, and four times GOMAXPROCS, on one goroutine a shard (some of them
// more goroutines than GOMAXPROCS) and on fewer.
func TestLockstep(t *testing.T) {
	p := runtime.GOMAXPROCS(0)
	for _, m := range modes {
		for _, c := range [][2]int{{1, 1}, {2, 2}, {3, 3}, {8, 8}, {4 * p, 4 * p}, {8, 3}, {4 * p, p}} {
			n, g := c[0], c[1]
			ok := t.Run(fmt.Sprintf("%s/n=%d/g=%d", m.name, n, g), func(t *testing.T) {
				started := make([]atomic.Int64, n)
				finished := make([]atomic.Int64, n)
				ran := make([]atomic.Int64, n)
				for s := range n {
					started[s].Store(-1)
					finished[s].Store(-1)
				}
				var bad atomic.Value
				team := newTeam(n, g, m.spin, func(s, step int) {
					started[s].Store(int64(step))
					ran[s].Add(1)
					for o := range n {
						if f := finished[o].Load(); f < int64(step)-1 {
							bad.CompareAndSwap(nil, fmt.Sprintf("shard %d started step %d while shard %d had finished only %d", s, step, o, f))
						}
						if st := started[o].Load(); st > int64(step) {
							bad.CompareAndSwap(nil, fmt.Sprintf("shard %d in step %d while shard %d had started %d", s, step, o, st))
						}
					}
					finished[s].Store(int64(step))
				})
				defer closing(t, team)
				// Steps 0–99 one Step at a time, then Runs of 1, 0, 7 and
				// the rest of the steps.
				const steps = 300
				check := func(last int) {
					for s := range n {
						if f := finished[s].Load(); f != int64(last) {
							t.Fatalf("step %d done: Step or Run returned with shard %d at step %d", last, s, f)
						}
					}
				}
				for step := range 100 {
					stepWithin(t, team, step)
					check(step)
				}
				for _, r := range [][2]int{{100, 101}, {101, 101}, {101, 108}, {108, steps}} {
					within(t, fmt.Sprintf("Run(%d, %d)", r[0], r[1]), func() { team.Run(r[0], r[1]) })
					check(r[1] - 1)
				}
				if b := bad.Load(); b != nil {
					t.Fatal(b)
				}
				for s := range n {
					if r := ran[s].Load(); r != steps {
						t.Errorf("shard %d ran %d steps, want %d", s, r, steps)
					}
				}
			})
			if !ok {
				return // a team that hangs would make each case wait out stepWithin
			}
		}
	}
}

// TestParkedWorkersWake: workers parked through a pause longer than their
// polls still run the next step.
func TestParkedWorkersWake(t *testing.T) {
	var sum atomic.Int64
	team := newTeam(4, 4, 100, func(s, step int) { sum.Add(int64(step)) })
	defer closing(t, team)
	for step := range 5 {
		time.Sleep(2 * time.Millisecond) // every worker parks
		stepWithin(t, team, step)
	}
	if got, want := sum.Load(), int64(4*(0+1+2+3+4)); got != want {
		t.Errorf("sum of the steps run = %d, want %d", got, want)
	}
}

// TestClose: Close stops every worker, parked or polling, and may be called
// twice; Step after it panics.
func TestClose(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, m := range modes {
		team := newTeam(6, 6, m.spin, func(int, int) {})
		team.Step(0)
		team.Close()
		team.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before the teams", n, before)
	}
	team := New(2, func(int, int) {})
	team.Close()
	defer func() {
		if recover() == nil {
			t.Error("Step after Close did not panic")
		}
	}()
	team.Step(1)
}

// TestNewPanics: a team of no shard is an error.
func TestNewPanics(t *testing.T) {
	for _, c := range []struct {
		n    int
		work func(int, int)
	}{{0, func(int, int) {}}, {2, nil}} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "lockstep: a team needs") {
					t.Errorf("New(%d, work nil %v): panic %q", c.n, c.work == nil, msg)
				}
			}()
			New(c.n, c.work).Close()
		}()
	}
}

// TestZeroTeam: a Team not made by New or NewOn refuses Step and Pin with
// a message, and Close does nothing.
func TestZeroTeam(t *testing.T) {
	var team Team
	if err := team.Pin(); err == nil || !strings.Contains(err.Error(), "zero Team") {
		t.Errorf("Pin of a zero Team: %v", err)
	}
	func() {
		defer func() {
			if msg, _ := recover().(string); !strings.Contains(msg, "zero Team") {
				t.Errorf("Step of a zero Team: panic %q", msg)
			}
		}()
		team.Step(0)
	}()
	team.Close()
	team.Close()
}

// TestNewGoroutines: New runs no more goroutines than GOMAXPROCS, and
// one a shard up to that.
func TestNewGoroutines(t *testing.T) {
	p := runtime.GOMAXPROCS(0)
	for _, n := range []int{1, p, p + 1, 3 * p} {
		team := New(n, func(int, int) {})
		if want := min(n, p); team.goroutines != want {
			t.Errorf("GOMAXPROCS %d: a team of %d shards on %d goroutines, want %d", p, n, team.goroutines, want)
		}
		team.Close()
	}
}

// TestNewOn: NewOn runs min(n, goroutines, GOMAXPROCS) goroutines, at
// least one, and never more shards at once than that.
func TestNewOn(t *testing.T) {
	p := runtime.GOMAXPROCS(0)
	for _, c := range [][2]int{{1, 1}, {3, 1}, {8, 2}, {8, 0}, {2, 8}, {4 * p, p}, {4 * p, 2 * p}} {
		n, g := c[0], c[1]
		want := max(1, min(n, g, p))
		var inFlight, most atomic.Int64
		team := NewOn(n, g, func(int, int) {
			now := inFlight.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			time.Sleep(50 * time.Microsecond) // long enough for the others to start, were they to
			inFlight.Add(-1)
		})
		if team.goroutines != want {
			t.Errorf("NewOn(%d, %d), GOMAXPROCS %d: %d goroutines, want %d", n, g, p, team.goroutines, want)
		}
		for step := range 20 {
			stepWithin(t, team, step)
		}
		team.Close()
		if m := most.Load(); m > int64(want) {
			t.Errorf("NewOn(%d, %d): %d shards ran at once on %d goroutines", n, g, m, want)
		}
	}
}

// BenchmarkStep is the cost of an empty step: the barrier alone, for a
// team of as many goroutines as GOMAXPROCS, polling and parking at once,
// and of twice as many, parking at once (what a team of one goroutine a
// shard would have to do). ns/op is per step: Step, one call a step, and
// Run, one call for b.N steps.
func BenchmarkStep(b *testing.B) {
	p := runtime.GOMAXPROCS(0)
	for _, g := range []int{p, 2 * p} {
		for _, m := range modes[:2] {
			if m.spin > 0 && g > p {
				continue // a spinner would hold the core another needs
			}
			b.Run(fmt.Sprintf("goroutines=%d/%s/Step", g, m.name), func(b *testing.B) {
				team := newTeam(g, g, m.spin, func(int, int) {})
				defer team.Close()
				for i := 0; b.Loop(); i++ {
					team.Step(i)
				}
			})
			b.Run(fmt.Sprintf("goroutines=%d/%s/Run", g, m.name), func(b *testing.B) {
				team := newTeam(g, g, m.spin, func(int, int) {})
				defer team.Close()
				team.Step(0) // the workers started
				b.ResetTimer()
				team.Run(1, 1+b.N)
			})
		}
	}
}

// TestStepAllocatesNothing: a step, the barrier included, allocates
// nothing, polling or parking, with Step or Run.
func TestStepAllocatesNothing(t *testing.T) {
	for _, m := range modes {
		team := newTeam(3, 3, m.spin, func(int, int) {})
		step := 0
		var a float64
		within(t, m.name+": 200 steps", func() { a = testing.AllocsPerRun(200, func() { team.Step(step); step++ }) })
		if a != 0 {
			t.Errorf("%s: %v allocations a step", m.name, a)
		}
		within(t, m.name+": 20 runs", func() { a = testing.AllocsPerRun(20, func() { team.Run(step, step+10); step += 10 }) })
		if a != 0 {
			t.Errorf("%s: %v allocations a run of 10 steps", m.name, a)
		}
		team.Close()
	}
}
