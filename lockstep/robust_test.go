package lockstep

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestLateWorker replays an interleaving the scheduler can produce: the
// last worker of step 0 is preempted between counting itself done and
// taking back Step's parked count. Step 0 returns on the count alone; step
// 1 parks; the late worker then resumes. Its signal belongs to step 0 and
// must not release step 1, which returns only once the worker has run step
// 1 too. The worker is played by the test, statement by statement, on a
// team of one goroutine told it has one worker.
func TestLateWorker(t *testing.T) {
	var team *Team
	team = newTeam(1, 1, 0, func(_, step int) {
		if step == 0 {
			team.done.Add(1) // the worker's step 0, counted; preempted before the rest
		}
	})
	team.workers = 1
	defer func() { team.workers = 0; team.Close() }()
	team.Step(0)

	var ran1 atomic.Bool
	late := make(chan bool)
	go func() {
		for team.waiting.Load() == 0 { // step 1 has parked
			time.Sleep(time.Microsecond)
		}
		// The rest of the worker's step 0 (the first Step started): its
		// signal.
		ok := team.waiting.CompareAndSwap(1, 0)
		if ok {
			team.finished <- struct{}{}
		}
		late <- ok
		// Its step 1.
		ran1.Store(true)
		if team.done.Add(1) == team.workers && team.waiting.CompareAndSwap(2, 0) {
			team.finished <- struct{}{}
		}
	}()
	returned := make(chan struct{})
	go func() { team.Step(1); close(returned) }()
	if <-late {
		t.Fatal("the worker's late signal of step 0 was taken by step 1")
	}
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("Step(1) did not return once the worker had run it")
	}
	if !ran1.Load() {
		t.Fatal("Step(1) returned before the worker ran step 1")
	}
}

// TestShardPanics: a shard that panics, on the caller's goroutine or on a
// worker, makes Step panic once every goroutine has finished the step (no
// shard runs the next step early, none is left behind), with shard 0's own
// value or a *ShardPanic; the team then steps on, in lockstep.
func TestShardPanics(t *testing.T) {
	for _, spin := range []int{0, Spin} {
		for _, bad := range []int{0, 1, 3} {
			const shards, g = 4, 2
			var ran [shards]atomic.Int64 // each shard's last step
			var team *Team
			team = newTeam(shards, g, spin, func(s, step int) {
				time.Sleep(time.Duration(s) * 100 * time.Microsecond) // the others finish later
				ran[s].Store(int64(step))
				if step == 3 && s == bad {
					panic(fmt.Sprintf("shard %d fails", s))
				}
			})
			for step := range 8 {
				p := func() (p any) {
					defer func() { p = recover() }()
					team.Step(step)
					return nil
				}()
				for s := range shards {
					want := int64(step)
					if step == 3 && s%g == bad%g && s > bad {
						want = 2 // after the panic, its goroutine's later shards skip the step
					}
					if got := ran[s].Load(); got != want {
						t.Fatalf("spin %d, shard %d fails: after Step(%d), shard %d last ran step %d, want %d", spin, bad, step, s, got, want)
					}
				}
				switch {
				case step != 3:
					if p != nil {
						t.Fatalf("spin %d: Step(%d) panicked: %v", spin, step, p)
					}
				case bad == 0:
					if p != "shard 0 fails" {
						t.Fatalf("spin %d: Step(3) with shard 0 failing: panic %v", spin, p)
					}
				default:
					sp, _ := p.(*ShardPanic)
					if sp == nil || sp.Shard != bad || sp.Step != 3 || sp.Value != fmt.Sprintf("shard %d fails", bad) || !strings.Contains(sp.Error(), "shard "+fmt.Sprint(bad)+" panicked at step 3") {
						t.Fatalf("spin %d: Step(3) with shard %d failing: panic %#v", spin, bad, p)
					}
				}
			}
			team.Close()
		}
	}
	err := error(&ShardPanic{Value: os.ErrClosed})
	if !errors.Is(err, os.ErrClosed) {
		t.Error("a ShardPanic of an error does not unwrap to it")
	}
}

// TestPinLeavesNoThread: after pinned teams are closed, every thread that
// ran a pinned worker is back, unlocked, with the process's CPUs (a
// goroutine that exits locked ends its thread, or, the main thread, leaves
// it parked with its mask for good), and no thread of the process keeps a
// narrowed mask.
func TestPinLeavesNoThread(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs Linux and two processors")
	}
	full, err := affinity()
	if err != nil || full.count() < 2 {
		t.Skip("needs two CPUs")
	}
	want := threadMasks(t)[fmt.Sprint(os.Getpid())]
	var mu sync.Mutex
	workers := map[string]bool{} // the threads that ran a worker's shard
	for range 50 {
		done := make(chan struct{})
		go func() { // a fresh goroutine: any thread, the main one too
			defer close(done)
			team := NewOn(4, 2, func(s, _ int) {
				if s%2 == 1 { // goroutine 1's
					mu.Lock()
					workers[fmt.Sprint(syscall.Gettid())] = true
					mu.Unlock()
				}
			})
			if err := team.Pin(); err != nil {
				t.Error(err)
				return
			}
			for s := range 10 {
				team.Step(s)
			}
			team.Close()
		}()
		<-done
	}
	time.Sleep(20 * time.Millisecond)
	masks := threadMasks(t)
	for tid := range workers {
		if masks[tid] != want {
			t.Errorf("thread %s ran a pinned worker: after Close, CPUs %q (\"\": the thread ended), want %s", tid, masks[tid], want)
		}
	}
	for tid, m := range masks {
		if m != want {
			t.Errorf("thread %s (the process is %d) has CPUs %s after Close, want %s", tid, os.Getpid(), m, want)
		}
	}
}

// threadMasks returns each thread's CPUs as /proc lists them.
func threadMasks(t *testing.T) map[string]string {
	dirs, err := filepath.Glob("/proc/self/task/*")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "status"))
		if err != nil {
			continue // exited
		}
		for l := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Cpus_allowed_list:"); ok {
				m[filepath.Base(d)] = strings.TrimSpace(v)
			}
		}
	}
	return m
}
