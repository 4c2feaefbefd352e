// Package lockstep runs a simulation's shards on a team of goroutines that
// stay alive across steps, in lockstep: every shard finishes step t before
// any starts step t+1. It is the runner of the library's CUBA benchmark,
// kept small so that a simulator author can use it or copy its pattern.
//
// One step of a sharded network is short (a few µs for 4000 units), so the
// runner avoids what would cost more than the step:
//
//   - Forking and joining goroutines per step: the workers live as long as
//     the Team, and the caller's goroutine steps shard 0 itself.
//   - Parking a goroutine between steps: waking one takes tens of µs. Each
//     waiter polls an atomic counter first, for up to Spin polls (a
//     millisecond or so), yielding its processor now and then, and parks
//     only then: when other processes hold the cores.
//   - More goroutines than GOMAXPROCS: a spinner would hold the core that
//     the goroutine it waits for needs (measured: a CUBA run with 3
//     spinning threads on 2 cores was 10–15 times slower than with 2), and
//     a parked one costs a wake-up a step. A team of more shards than
//     GOMAXPROCS runs them on GOMAXPROCS goroutines, several shards each,
//     one after the other.
//   - Moving between cores: Pin binds each goroutine to a CPU of its own
//     (Linux), so that a shard stays in one core's caches from step to
//     step.
//
// A step needs one barrier, at its end, if what shard s writes in step t is
// read by other shards only in step t+1 and what they read of it in step t
// is not overwritten before t+1: double-buffer it by t%2, as the benchmark
// does with each shard's list of spiking units.
//
// Memory: everything a worker wrote in step t happens before everything
// any goroutine does in step t+1, and before Step returns (the counters are
// sync/atomic's, which order memory as the Go memory model says).
//
// Panics: a shard that panics, on any goroutine, makes Step panic in the
// caller's goroutine once every goroutine has finished the step (see
// Step), so that the caller may recover, and the team stays in lockstep.
package lockstep

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Spin is how many times a waiter polls before it parks: a millisecond or so, far longer than a typical
// shard's step, so that a team that has its cores never parks (waking a
// parked goroutine costs more than a step: the runtime must start a thread
// to run it), and one whose cores other processes take parks soon. Every
// Yield polls, the waiter yields its processor to any other goroutine.
const (
	Spin  = 1 << 20
	Yield = 1 << 14
)

// poll returns after at most spin calls of done (polls), whether the last
// returned true; it yields every Yield polls.
func poll(spin int, done func() bool) bool {
	for i := 1; i <= spin; i++ {
		if done() {
			return true
		}
		if i%Yield == 0 {
			runtime.Gosched()
		}
	}
	return false
}

// A Team steps shards 0..n−1 with work(shard, step) on g = min(n,
// GOMAXPROCS) goroutines: goroutine k runs shards k, k+g, k+2g… in that
// order, goroutine 0 being the one that calls Step. It is not for
// concurrent use: one goroutine calls Step and Close.
type Team struct {
	work       func(shard, step int)
	shards     int
	goroutines int
	workers    int64 // the goroutines besides the caller's
	spin       int   // polls before parking

	current int          // the step being run, written before gen moves
	gen     atomic.Int64 // how many steps Step has started
	stop    atomic.Bool

	// Workers park on wake, under mu, until gen moves; sleepers counts
	// them, so that Step takes mu only when one may be parked.
	mu       sync.Mutex
	wake     *sync.Cond
	sleepers atomic.Int64

	// done counts the workers that finished the step; Step waits for it
	// to reach workers. Parked, Step first stores in waiting which step
	// it waits for (g, the g-th it started), and the worker that brings
	// done to workers in step g, and only it, takes waiting back (to 0)
	// and sends a token on finished: a worker late from an earlier step,
	// held up between counting itself and looking at waiting, finds
	// another step there and sends nothing.
	done     atomic.Int64
	waiting  atomic.Int64
	finished chan struct{}
	exited   sync.WaitGroup

	// failed holds the first panic of a shard on a worker goroutine in
	// this step, which Step panics with.
	failed atomic.Pointer[ShardPanic]

	// Pin: goroutine k's CPU, written before a Step moves gen; the
	// caller's thread's mask before it.
	cpus    []int
	restore cpuMask
}

// New starts a team of n shards (n ≥ 1) that run work, on min(n,
// GOMAXPROCS) goroutines, the caller's and as many more as that takes.
// Close stops them.
func New(n int, work func(shard, step int)) *Team {
	return NewOn(n, n, work)
}

// NewOn is New on at most goroutines goroutines: min(n, goroutines,
// GOMAXPROCS), and at least one, the caller's. A simulation that cuts its
// units into more shards than the threads it was given (shards sized to a
// cache, say) runs them on those threads: NewOn(shards, threads, work).
// With one goroutine, Step runs every shard on the caller's, in order, and
// starts none.
func NewOn(n, goroutines int, work func(shard, step int)) *Team {
	return newTeam(n, min(goroutines, runtime.GOMAXPROCS(0)), Spin, work)
}

// newTeam is New on g goroutines with the polls before parking given.
func newTeam(n, g, spin int, work func(shard, step int)) *Team {
	if n < 1 || work == nil {
		panic(fmt.Sprintf("lockstep: a team needs at least one shard (n = %d) and a work function (nil: %v)", n, work == nil))
	}
	g = max(1, min(g, n))
	t := &Team{work: work, shards: n, goroutines: g, workers: int64(g - 1), spin: spin, finished: make(chan struct{}, 1)}
	t.wake = sync.NewCond(&t.mu)
	for k := 1; k < g; k++ {
		t.exited.Add(1)
		go t.worker(k)
	}
	return t
}

// run runs goroutine k's shards of step.
func (t *Team) run(k, step int) {
	for s := k; s < t.shards; s += t.goroutines {
		t.work(s, step)
	}
}

// runWorker is run on worker k: a shard's panic is kept for Step, and the
// worker's other shards of the step are skipped.
func (t *Team) runWorker(k, step int) {
	s := k
	defer func() {
		if v := recover(); v != nil {
			t.failed.CompareAndSwap(nil, &ShardPanic{Step: step, Shard: s, Value: v, Stack: debug.Stack()})
		}
	}()
	for ; s < t.shards; s += t.goroutines {
		t.work(s, step)
	}
}

// Step runs work(s, step) for every shard s and returns when all are done.
//
// A shard that panics does not break the team: Step still waits for every
// goroutine to finish the step, then panics, with what shard 0 (run by the
// caller's goroutine) panicked with, or else with a *ShardPanic holding
// the first panic of a shard on another goroutine. After a recovered
// panic, the team steps on.
func (t *Team) Step(step int) {
	if t.stop.Load() {
		panic("lockstep: Step after Close")
	}
	if t.work == nil {
		panic("lockstep: Step of a zero Team: use New or NewOn")
	}
	t.done.Store(0)
	t.current = step
	g := t.gen.Add(1)
	if t.sleepers.Load() > 0 {
		t.mu.Lock()
		t.wake.Broadcast()
		t.mu.Unlock()
	}
	ran := false
	defer func() {
		if !ran { // shard 0 panicked: wait for the others, then go on panicking
			t.await(g)
			t.failed.Store(nil)
		}
	}()
	t.run(0, step)
	ran = true
	t.await(g)
	if t.failed.Load() != nil { // a load, not a write, on the common path
		panic(t.failed.Swap(nil))
	}
}

// await returns once every worker has finished step g (the g-th that Step
// started).
func (t *Team) await(g int64) {
	if poll(t.spin, func() bool { return t.done.Load() == t.workers }) {
		return
	}
	t.waiting.Store(g)
	if t.done.Load() == t.workers {
		// Finished between the polls and now: take the step back, or
		// the token of the worker that took it.
		if !t.waiting.CompareAndSwap(g, 0) {
			<-t.finished
		}
		return
	}
	<-t.finished
}

// A ShardPanic is what Step panics with when a shard run by a worker
// goroutine panicked: the step, the shard, what it panicked with, and the
// worker's stack then.
type ShardPanic struct {
	Step, Shard int
	Value       any
	Stack       []byte
}

func (p *ShardPanic) Error() string {
	return fmt.Sprintf("lockstep: shard %d panicked at step %d: %v\n\n%s", p.Shard, p.Step, p.Value, p.Stack)
}

// Unwrap returns what the shard panicked with, if it is an error.
func (p *ShardPanic) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// worker runs goroutine k's shards, step after step, until Close.
func (t *Team) worker(k int) {
	defer t.exited.Done()
	pinned := false
	defer t.unpinWorker(&pinned)
	for seen := int64(0); ; {
		g := t.next(seen)
		if g < 0 {
			return
		}
		seen = g
		t.pin(k, &pinned)
		t.runWorker(k, t.current)
		if t.done.Add(1) == t.workers && t.waiting.CompareAndSwap(g, 0) {
			t.finished <- struct{}{}
		}
	}
}

// next returns gen once it differs from seen, or −1 once the team is
// closed: it polls, then parks.
func (t *Team) next(seen int64) int64 {
	var g int64
	if poll(t.spin, func() bool { g = t.gen.Load(); return g != seen || t.stop.Load() }) {
		if g == seen {
			return -1 // stopped
		}
		return g
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// Counted before gen is checked: a Step that moves gen after the
	// check sees the sleeper and broadcasts, which it can do only once
	// Wait has released mu.
	t.sleepers.Add(1)
	defer t.sleepers.Add(-1)
	for {
		if t.stop.Load() {
			return -1
		}
		if g := t.gen.Load(); g != seen {
			return g
		}
		t.wake.Wait()
	}
}

// Close stops the workers and waits for them to exit. The team cannot be
// stepped after it.
func (t *Team) Close() {
	if t.stop.Swap(true) || t.work == nil { // closed already, or a zero Team: no workers
		return
	}
	t.mu.Lock()
	t.wake.Broadcast()
	t.mu.Unlock()
	t.exited.Wait()
	t.unpin()
}
