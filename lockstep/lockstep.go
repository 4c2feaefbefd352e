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
// Step(t) runs one step; Run(first, last) runs many, and is faster: its
// goroutines go from one step to the next at the barrier, where with Step
// each worker must also learn from the caller that the next step has
// begun.
//
// Memory: everything a worker wrote in step t happens before everything
// any goroutine does in step t+1, and before Step or Run returns (the counters are
// sync/atomic's, which order memory as the Go memory model says).
//
// Panics: a shard that panics, on any goroutine, makes Step or Run panic
// in the caller's goroutine once every goroutine has finished the step
// (see Step), so that the caller may recover, and the team stays in
// lockstep.
//
// One goroutine drives a team: Step, Run and Close are not safe for
// concurrent use, and a shard's work must not call them (the team would
// wait for the very shard that waits for it).
package lockstep

import (
	"errors"
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
// order, goroutine 0 being the one that calls Step or Run. It is not for
// concurrent use: one goroutine calls Step, Run and Close.
type Team struct {
	work       func(shard, step int)
	shards     int
	goroutines int
	spin       int // polls before parking

	_ [64]byte // what the caller writes, apart from what the workers only read
	// A run, Step's one step or Run's: its n steps first, first+1, …
	// (a count, so that a run may end at math.MaxInt), written before gen
	// moves, which the workers wait for between runs.
	first int
	n     uint
	gen   atomic.Int64 // how many runs have started
	stop  atomic.Bool
	lost  atomic.Bool // a worker has exited (runtime.Goexit in a shard): no run can pass a barrier

	_ [64]byte // the barrier's line, written by every goroutine every step, apart
	// The barrier: a goroutine that has run its shards of a step adds 1
	// to arrived, and the b-th barrier since the team started is passed
	// once arrived reaches b·goroutines. Every goroutine counts the
	// barriers it has passed, and all run the same steps, so each knows
	// which b its arrival is for; the count is never reset, so no arrival
	// can be taken for another step's. halt is the barrier after which a
	// run stops, that of a step in which a shard panicked, stored before
	// the arrival of its goroutine. Waiters park on wake, under mu (idle
	// workers too, until gen moves); sleepers counts them, so that the
	// last to arrive (and a run's start) takes mu only when one may be
	// parked.
	arrived  atomic.Int64
	halt     atomic.Int64
	sleepers atomic.Int64
	_        [64]byte

	mu     sync.Mutex
	wake   *sync.Cond
	exited sync.WaitGroup

	// failed holds the first panic of a shard on a worker goroutine in
	// this step, which Step or Run panics with.
	failed atomic.Pointer[ShardPanic]

	// Pin: goroutine k's CPU, written before a run moves gen; the
	// caller's thread's mask before it.
	cpus    []int
	restore cpuMask

	_        [64]byte
	barriers int64 // the barriers the caller's goroutine has passed, on no line a worker polls
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
// With one goroutine, Step and Run run every shard on the caller's, in
// order, and start none.
func NewOn(n, goroutines int, work func(shard, step int)) *Team {
	return newTeam(n, min(goroutines, runtime.GOMAXPROCS(0)), Spin, work)
}

// newTeam is New on g goroutines with the polls before parking given.
func newTeam(n, g, spin int, work func(shard, step int)) *Team {
	if n < 1 || work == nil {
		panic(fmt.Sprintf("lockstep: a team needs at least one shard (n = %d) and a work function (nil: %v)", n, work == nil))
	}
	g = max(1, min(g, n))
	t := &Team{work: work, shards: n, goroutines: g, spin: spin}
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

// runWorker is run on worker k, for step, the b-th barrier's: a shard's
// panic is kept for the caller, the worker's other shards of the step are
// skipped, and the run stops after the step. A shard that calls
// runtime.Goexit ends the worker: it is reported as a panic, the worker
// arrives at the barrier on its way out, and the team steps no more.
func (t *Team) runWorker(k, step int, b int64) {
	s := k
	ran := false
	defer func() {
		v := recover()
		goexit := v == nil && !ran
		if goexit {
			v = errGoexit
		}
		if v != nil {
			t.failed.CompareAndSwap(nil, &ShardPanic{Step: step, Shard: s, Value: v, Stack: debug.Stack()})
			t.halt.Store(b)
		}
		if goexit {
			t.lost.Store(true) // before the arrival: the caller sees it once the step is done
			t.arrive(b)
		}
	}()
	for ; s < t.shards; s += t.goroutines {
		t.work(s, step)
	}
	ran = true
}

// errGoexit is what a shard that called runtime.Goexit on a worker is
// reported to have panicked with.
var errGoexit = errors.New("lockstep: the shard called runtime.Goexit on a worker goroutine, which ended it")

// Step runs work(s, step) for every shard s and returns when all are done.
//
// A shard that panics does not break the team: Step still waits for every
// goroutine to finish the step, then panics, with what a shard of the
// caller's goroutine panicked with, or else with a *ShardPanic holding
// the first panic of a shard on another goroutine. After a recovered
// panic, the team steps on. A shard that calls runtime.Goexit on a worker
// goroutine ends it: Step panics with a *ShardPanic saying so, and the
// team can only be closed.
func (t *Team) Step(step int) { t.steps(step, 1) }

// Run runs steps first, first+1, …, last−1 as that many calls of Step
// would, and returns when every shard has finished the last. The
// goroutines pass from one step to the next at the barrier that ends a
// step, without waiting for the caller's goroutine to start the next:
// with Step, a worker learns of each step from the caller, a cross-core
// transfer more a step (on a 2-core VM, AMD Zen 5, with no work: 0.2–0.3
// µs a step with Run, 0.6 with Step).
//
// A shard that panics stops the run after the step, which every shard
// finishes; Run then panics as Step does.
//
// It panics if first > last.
func (t *Team) Run(first, last int) {
	if first > last {
		panic(fmt.Sprintf("lockstep: Run(%d, %d): want first ≤ last", first, last))
	}
	t.steps(first, uint(last-first)) // exact: last−first < 2⁶⁴
}

// steps runs the n steps first, first+1, … (wrapping never: the last is at
// most math.MaxInt).
func (t *Team) steps(first int, n uint) {
	if t.stop.Load() {
		panic("lockstep: Step or Run after Close")
	}
	if t.work == nil {
		panic("lockstep: Step or Run of a zero Team: use New or NewOn")
	}
	if t.lost.Load() {
		panic("lockstep: Step or Run after a shard called runtime.Goexit on a worker goroutine, which ended it")
	}
	if t.goroutines == 1 {
		for i := range n {
			t.run(0, first+int(i))
		}
		return
	}
	if n == 0 {
		return
	}
	t.first, t.n = first, n
	t.gen.Add(1)
	if t.sleepers.Load() > 0 {
		t.mu.Lock()
		t.wake.Broadcast()
		t.mu.Unlock()
	}
	for i := range n {
		t.barriers++
		if !t.stepCaller(first+int(i), t.barriers) {
			panic(t.failed.Swap(nil))
		}
	}
}

// stepCaller runs the caller's shards of step and waits at the step's
// barrier, the b-th, and reports whether the run goes on: not after a
// shard on a worker panicked. When one of the caller's panics, the others
// finish the step and stop, and the panic goes on once they have.
func (t *Team) stepCaller(step int, b int64) bool {
	ran := false
	defer func() {
		if !ran {
			t.halt.Store(b)
			t.arrive(b)
			t.failed.Store(nil)
		}
	}()
	t.run(0, step)
	ran = true
	t.arrive(b)
	return t.halt.Load() != b
}

// arrive counts the goroutine's arrival at the b-th barrier and returns
// once every goroutine has arrived: it polls, then parks.
func (t *Team) arrive(b int64) {
	all := b * int64(t.goroutines)
	if t.arrived.Add(1) == all {
		// The last: wake any that parked. A waiter counts itself in
		// sleepers before it looks at arrived, and this looks at
		// sleepers after arrived moved (both sequentially consistent):
		// either the waiter sees the arrival or this sees the waiter,
		// and broadcasts under mu, so only once the waiter waits.
		if t.sleepers.Load() > 0 {
			t.mu.Lock()
			t.wake.Broadcast()
			t.mu.Unlock()
		}
		return
	}
	if poll(t.spin, func() bool { return t.arrived.Load() >= all }) {
		return
	}
	t.mu.Lock()
	t.sleepers.Add(1)
	for t.arrived.Load() < all {
		t.wake.Wait()
	}
	t.sleepers.Add(-1)
	t.mu.Unlock()
}

// A ShardPanic is what Step or Run panics with when a shard run by a
// worker goroutine panicked: the step, the shard, what it panicked with, and the
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

// worker runs goroutine k's shards, run after run, step after step, until
// Close.
func (t *Team) worker(k int) {
	defer t.exited.Done()
	pinned := false
	defer t.unpinWorker(&pinned)
	var b int64 // the barriers passed
	for seen := int64(0); ; {
		g := t.next(seen)
		if g < 0 {
			return
		}
		seen = g
		t.pin(k, &pinned)
		// Read once: past the run's last barrier, the caller may be
		// writing the next run's.
		first, n := t.first, t.n
		for i := range n {
			b++
			t.runWorker(k, first+int(i), b)
			t.arrive(b)
			if t.halt.Load() == b {
				break
			}
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
