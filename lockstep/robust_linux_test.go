package lockstep

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

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
