package lockstep

import (
	"errors"
	"math/bits"
	"runtime"
	"sync"
	"testing"
)

// count is the number of CPUs of m.
func (m cpuMask) count() int {
	n := 0
	for _, w := range m {
		n += bits.OnesCount64(w)
	}
	return n
}

// TestPin: a pinned team runs each goroutine's shards on a thread bound to
// one CPU, a different one for each goroutine, every step; Close gives the
// caller's thread back its CPUs. Off Linux, Pin refuses.
func TestPin(t *testing.T) {
	if runtime.GOOS != "linux" {
		team := New(2, func(int, int) {})
		defer team.Close()
		if team.Pin() == nil {
			t.Fatal("Pin off Linux did not refuse")
		}
		return
	}
	const steps = 50
	var (
		mu            sync.Mutex
		seen          []map[cpuMask]bool
		before, after cpuMask
		g             int
		errs          []error
	)
	// One goroutine pins, steps and closes, as Pin asks (within runs f on
	// a goroutine of its own).
	within(t, "a pinned team's steps", func() {
		runtime.LockOSThread() // so that the masks compared are one thread's
		defer runtime.UnlockOSThread()
		var err error
		if before, err = affinity(); err != nil {
			errs = append(errs, err)
			return
		}
		if g = min(runtime.GOMAXPROCS(0), before.count()); g < 2 {
			return
		}
		n := 2 * g // two shards a goroutine
		seen = make([]map[cpuMask]bool, n)
		for s := range seen {
			seen[s] = map[cpuMask]bool{}
		}
		team := NewOn(n, g, func(s, step int) {
			m, err := affinity()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			seen[s][m] = true
		})
		if err := team.Pin(); err != nil {
			errs = append(errs, err)
		}
		if team.Pin() == nil {
			errs = append(errs, errors.New("a second Pin did not refuse"))
		}
		for step := range steps {
			team.Step(step)
		}
		team.Close()
		after, err = affinity()
		if err != nil {
			errs = append(errs, err)
		}
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if g < 2 {
		t.Skipf("%d CPUs to pin to", g)
	}
	used := map[cpuMask]int{}
	for s, masks := range seen {
		if len(masks) != 1 {
			t.Fatalf("shard %d ran on threads of %d masks", s, len(masks))
		}
		for m := range masks {
			if m.count() != 1 {
				t.Fatalf("shard %d ran on a thread of %d CPUs", s, m.count())
			}
			if k, ok := used[m]; ok && k != s%g {
				t.Fatalf("shards of goroutines %d and %d on the same CPU", k, s%g)
			}
			used[m] = s % g
		}
	}
	if len(used) != g {
		t.Errorf("%d goroutines on %d CPUs", g, len(used))
	}
	if after != before {
		t.Errorf("the caller's thread after Close may run on %d CPUs, before Pin on %d", after.count(), before.count())
	}
}

// TestPinRefuses: a team of more goroutines than CPUs is not pinned, nor
// a closed one, and the caller's thread keeps its CPUs.
func TestPinRefuses(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs Linux and two processors")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, err := affinity()
	if err != nil {
		t.Fatal(err)
	}
	team := New(2, func(int, int) {})
	defer team.Close()
	if err := team.pinTo(before, []int{0}); err == nil {
		t.Fatal("2 goroutines pinned to 1 CPU")
	}
	if after, _ := affinity(); after != before || team.cpus != nil {
		t.Fatal("pinned after refusing")
	}
	stepWithin(t, team, 0)
	team.Close()
	if err := team.Pin(); err == nil {
		t.Fatal("pinned after Close")
	}
	if after, _ := affinity(); after != before {
		t.Fatal("the caller's thread pinned after Close")
	}
}
