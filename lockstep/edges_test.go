package lockstep

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestStepMaxInt: Step(math.MaxInt) runs every shard at step
// math.MaxInt, as Step(t) does for any other t. Step is Run(step, step+1),
// and step+1 wraps to math.MinInt, an empty run: nothing ran.
func TestStepMaxInt(t *testing.T) {
	for _, g := range []int{1, 2} {
		var ran [2]atomic.Int64
		team := newTeam(2, g, Spin, func(s, step int) {
			if step == math.MaxInt {
				ran[s].Add(1)
			}
		})
		within(t, fmt.Sprintf("g=%d: Step(MaxInt)", g), func() { team.Step(math.MaxInt) })
		within(t, fmt.Sprintf("g=%d: Run(MaxInt, MaxInt)", g), func() { team.Run(math.MaxInt, math.MaxInt) })
		team.Close()
		for s := range ran {
			if r := ran[s].Load(); r != 1 {
				t.Errorf("%d goroutines: Step(math.MaxInt) ran shard %d %d times at step MaxInt, want 1", g, s, r)
			}
		}
	}
}

// TestRunBackwards: Run(first, last) with first > last is a caller's
// mistake (swapped arguments, a count gone negative): it panics, naming Run
// and the rule, rather than running nothing in silence.
func TestRunBackwards(t *testing.T) {
	for _, g := range []int{1, 2} {
		var ran atomic.Int64
		team := newTeam(2, g, Spin, func(int, int) { ran.Add(1) })
		var msg string
		within(t, "Run(5, 3)", func() {
			defer func() { msg = fmt.Sprint(recover()) }()
			team.Run(5, 3)
		})
		team.Close()
		if !strings.Contains(msg, "lockstep: Run(5, 3)") || ran.Load() != 0 {
			t.Errorf("%d goroutines: Run(5, 3): panic %q, %d shard steps run; want a lockstep: Run(5, 3) panic and none", g, msg, ran.Load())
		}
	}
}

// TestNoStalePanic: when the caller's shard and a worker's panic in the
// same step, the caller's value is what Step panics with, and the worker's
// is dropped: a later panic of a worker's shard is reported as itself, not
// as the old one. (Removing stepCaller's t.failed.Store(nil) passes every
// other test.)
func TestNoStalePanic(t *testing.T) {
	for _, spin := range []int{0, Spin} {
		team := newTeam(2, 2, spin, func(s, step int) {
			if step == 3 || step == 5 && s == 1 {
				panic(fmt.Sprintf("shard %d fails at %d", s, step))
			}
		})
		var p any
		for step := range 6 {
			within(t, fmt.Sprintf("Step(%d)", step), func() {
				defer func() { p = recover() }()
				team.Step(step)
			})
			switch step {
			case 3:
				if p != "shard 0 fails at 3" {
					t.Fatalf("spin %d: Step(3): panic %v, want shard 0's", spin, p)
				}
			case 5:
				if sp, _ := p.(*ShardPanic); sp == nil || sp.Step != 5 || sp.Shard != 1 || sp.Value != "shard 1 fails at 5" {
					t.Fatalf("spin %d: Step(5): panic %#v, want shard 1's of step 5", spin, p)
				}
			default:
				if p != nil {
					t.Fatalf("spin %d: Step(%d): panic %v", spin, step, p)
				}
			}
		}
		team.Close()
	}
}

// TestFirstWorkerPanic: of two workers' shards that panic in one step,
// Step panics with the first (the doc: "the first panic of a shard on
// another goroutine"). (CompareAndSwap → Store passes every other test.)
func TestFirstWorkerPanic(t *testing.T) {
	team := newTeam(3, 3, 0, func(s, step int) {
		switch s {
		case 1:
			panic("first")
		case 2:
			time.Sleep(20 * time.Millisecond)
			panic("second")
		}
	})
	defer team.Close()
	var p any
	within(t, "Step(0)", func() {
		defer func() { p = recover() }()
		team.Step(0)
	})
	if sp, _ := p.(*ShardPanic); sp == nil || sp.Value != "first" || sp.Shard != 1 {
		t.Errorf("Step(0): panic %#v, want shard 1's, the first", p)
	}
}

// TestWorkerGoexit: a shard that calls runtime.Goexit (t.FailNow,
// t.SkipNow in a test's shard) on the caller's goroutine leaves the team in
// lockstep (stepCaller's ran flag); on a worker it ends the worker before
// it arrives at the barrier, and Step waits for it for ever. Step must
// return (panic) instead, and the team refuse to step on.
func TestWorkerGoexit(t *testing.T) {
	team := newTeam(2, 2, 0, func(s, step int) {
		if s == 1 && step == 1 {
			runtime.Goexit()
		}
	})
	stepWithin(t, team, 0)
	var p any
	within(t, "Step(1), shard 1 calling runtime.Goexit on a worker", func() {
		defer func() { p = recover() }()
		team.Step(1)
	})
	if sp, _ := p.(*ShardPanic); sp == nil || sp.Shard != 1 || sp.Step != 1 {
		t.Errorf("Step(1): panic %#v, want a *ShardPanic of shard 1 at step 1", p)
	}
	within(t, "Step(2) after the worker's Goexit", func() {
		defer func() { p = recover() }()
		team.Step(2)
	})
	if msg := fmt.Sprint(p); !strings.Contains(msg, "lockstep:") || !strings.Contains(msg, "Goexit") {
		t.Errorf("Step(2) after a worker's Goexit: panic %q, want a lockstep: message naming Goexit", msg)
	}
	within(t, "Close", team.Close)
}

// TestPinErrorNamed: an error of the sched_setaffinity that Pin makes
// names lockstep and Pin, as its other errors do ("lockstep: Pin: …"),
// rather than a bare errno ("invalid argument"). CPU 1023, which no test
// machine has, makes the call fail.
func TestPinErrorNamed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := affinity()
	if err != nil {
		t.Fatal(err)
	}
	if before[15]>>63&1 != 0 {
		t.Skip("the thread may run on CPU 1023")
	}
	team := newTeam(2, 2, Spin, func(int, int) {})
	defer team.Close()
	err = team.pinTo(before, []int{1023, 1022})
	if err == nil {
		t.Fatal("pinned to CPU 1023")
	}
	if !strings.HasPrefix(err.Error(), "lockstep: Pin") {
		t.Errorf("Pin's error %q does not name lockstep: Pin", err)
	}
	if after, _ := affinity(); after != before || team.cpus != nil {
		t.Error("pinned after the error")
	}
}
