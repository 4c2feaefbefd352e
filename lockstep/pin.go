package lockstep

import (
	"fmt"
	"math/bits"
	"runtime"
)

// Pin keeps each of the team's goroutines on a CPU of its own until Close:
// goroutine k (0, the caller's, included) is locked to its OS thread
// (runtime.LockOSThread) and that thread bound to the k-th CPU the caller's
// thread may run on (Linux's sched_setaffinity). A shard then stays in its
// core's caches from step to step. Unpinned, the Go scheduler (a waiter
// yields its processor every Yield polls) and the OS move the goroutines
// between cores, and a shard's state follows from the other core's cache:
// measured on a 2-core VM (AMD Zen 5, 1 MB of L2 a core), 5000 steps of
// the CUBA network of 40,000 units on two goroutines took 59–64 ms pinned
// against 70–78 unpinned (5 interleaved rounds).
//
// The goroutine that calls Step and Close must call Pin, before a Step;
// Close gives its thread back its CPUs and unlocks it. Pin returns an
// error, and pins nothing, off Linux, where the caller's thread may run on
// fewer CPUs than the team has goroutines, or where the team is pinned
// already or closed. Goroutine k takes the k-th of the caller's CPUs in
// increasing order (taskset, say, picks which those are). Pinning suits a machine whose cores the simulation has to
// itself: a pinned goroutine cannot move away from another process that
// takes its core.
func (t *Team) Pin() error {
	runtime.LockOSThread() // first: the mask read is the thread's that stays
	mask, err := affinity()
	if err == nil {
		var cpus []int
		for w, word := range mask {
			for ; word != 0; word &= word - 1 {
				cpus = append(cpus, 64*w+bits.TrailingZeros64(word))
			}
		}
		err = t.pinTo(mask, cpus)
	}
	if err != nil {
		runtime.UnlockOSThread()
	}
	return err
}

// pinTo is Pin on the CPUs cpus, the caller's thread, locked, having mask.
func (t *Team) pinTo(mask cpuMask, cpus []int) error {
	switch {
	case t.work == nil:
		return fmt.Errorf("lockstep: Pin of a zero Team: use New or NewOn")
	case t.stop.Load():
		return fmt.Errorf("lockstep: Pin after Close")
	case t.cpus != nil:
		return fmt.Errorf("lockstep: Pin: the team is pinned already")
	case len(cpus) < t.goroutines:
		return fmt.Errorf("lockstep: Pin: %d goroutines, and the caller's thread may run on %d CPUs", t.goroutines, len(cpus))
	}
	if err := setAffinity(only(cpus[0])); err != nil {
		return err
	}
	t.restore, t.cpus = mask, cpus[:t.goroutines] // the workers pin themselves at their next step
	return nil
}

// only is the mask of CPU c.
func only(c int) cpuMask {
	var m cpuMask
	m[c/64] = 1 << (c % 64)
	return m
}

// pin binds worker k's thread to its CPU, once, at the first step it runs
// after Pin. A worker that cannot keeps running unpinned.
func (t *Team) pin(k int, pinned *bool) {
	if *pinned || t.cpus == nil {
		return
	}
	*pinned = true
	runtime.LockOSThread() // until the worker exits (unpinWorker)
	_ = setAffinity(only(t.cpus[k]))
}

// unpinWorker gives a pinned worker's thread back the caller's mask as the
// worker exits, and unlocks it: a goroutine that exits locked ends its
// thread, except the process's main thread, which Go keeps, parked, with
// whatever mask it had, which then is the process's too.
func (t *Team) unpinWorker(pinned *bool) {
	if *pinned {
		_ = setAffinity(t.restore)
		runtime.UnlockOSThread()
	}
}

// unpin gives the caller's thread back the CPUs it had before Pin.
func (t *Team) unpin() {
	if t.cpus == nil {
		return
	}
	_ = setAffinity(t.restore)
	runtime.UnlockOSThread()
}
