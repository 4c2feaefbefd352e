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

// TestShardPanics: a shard that panics, on the caller's goroutine or on a
// worker, makes Step or Run panic once every goroutine has finished the
// step (no shard runs the next step early, none is left behind), with shard
// 0's own value or a *ShardPanic; a Run stops after that step; the team
// then steps on, in lockstep.
func TestShardPanics(t *testing.T) {
	for _, spin := range []int{0, Spin} {
		for _, bad := range []int{0, 1, 3} {
			for _, run := range []bool{false, true} {
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
				// Steps 0–7 one by one, or as Run(0, 8), which stops after
				// step 3, then Run(4, 8).
				calls := [][2]int{{0, 8}, {4, 8}}
				if !run {
					calls = nil
					for step := range 8 {
						calls = append(calls, [2]int{step, step + 1})
					}
				}
				for _, c := range calls {
					what := fmt.Sprintf("spin %d, shard %d fails, Run %v: after [%d, %d)", spin, bad, run, c[0], c[1])
					var p any
					within(t, what, func() {
						defer func() { p = recover() }()
						if run {
							team.Run(c[0], c[1])
						} else {
							team.Step(c[0])
						}
					})
					last := c[1] - 1
					if c[0] <= 3 && 3 <= last {
						last = 3 // the run stops after the step that panicked
					}
					for s := range shards {
						want := int64(last)
						if last == 3 && s%g == bad%g && s > bad {
							want = 2 // after the panic, its goroutine's later shards skip the step
						}
						if got := ran[s].Load(); got != want {
							t.Fatalf("%s, shard %d last ran step %d, want %d", what, s, got, want)
						}
					}
					switch {
					case last != 3:
						if p != nil {
							t.Fatalf("%s: panic %v", what, p)
						}
					case bad == 0:
						if p != "shard 0 fails" {
							t.Fatalf("%s: panic %v, want shard 0's", what, p)
						}
					default:
						sp, _ := p.(*ShardPanic)
						if sp == nil || sp.Shard != bad || sp.Step != 3 || sp.Value != fmt.Sprintf("shard %d fails", bad) || !strings.Contains(sp.Error(), "shard "+fmt.Sprint(bad)+" panicked at step 3") {
							t.Fatalf("%s: panic %#v", what, p)
						}
					}
				}
				within(t, "Close", team.Close) // a worker left in a run would never let it return
			}
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
