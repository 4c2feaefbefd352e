package main

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/record"
)

// BenchmarkCUBA times one step of the 4000-unit CUBA network, one thread
// (ns/op is per step): whole, as the runner steps it (the traces and the
// soma in one pass, StepTraced) and unfused (the synapses' steps into the
// currents, then the soma's), and phase by phase, each phase timed inside
// real steps and reported as ns per step. (Repeating one phase on one
// step's inputs would not do: the traces of the units those spikes do not
// reach decay, step after step, into subnormal values, whose arithmetic
// takes microcode assists on Intel cores, ten times the kernel's time; in
// the running network every unit gets an input every few ms.)
func BenchmarkCUBA(b *testing.B) {
	net, err := newCUBA(4000, 1, 0.1, 1)
	if err != nil {
		b.Fatal(err)
	}
	s := net.shards[0]
	// Warm up into the asynchronous irregular regime first.
	t := 0
	for ; t < 2000; t++ {
		s.step(net, t)
	}
	// The recorder is emptied every 2^14 steps, as a run of a simulated
	// second or two would have it: its buffer would otherwise grow through
	// the benchmark's millions of steps, and its copies (and the
	// collections they bring) take a tenth of the step.
	forget := func() {
		if t%(1<<14) == 0 {
			s.raster.Reset()
		}
	}
	b.Run("step", func(b *testing.B) {
		for range b.N {
			forget()
			s.step(net, t)
			t++
		}
	})
	b.Run("unfused", func(b *testing.B) {
		for range b.N {
			forget()
			s.unfused(net, t)
			t++
		}
	})
	b.Run("phases", func(b *testing.B) {
		var exc, inh, soma, spikes time.Duration
		for range b.N {
			forget()
			t0 := time.Now()
			s.inputs(net, t)
			s.ce.DeliverIndices(s.exc)
			t1 := time.Now()
			s.ci.DeliverIndices(s.inh)
			t2 := time.Now()
			s.somas()
			t3 := time.Now()
			s.record(net, t)
			spikes += time.Since(t3)
			exc, inh, soma = exc+t1.Sub(t0), inh+t2.Sub(t1), soma+t3.Sub(t2)
			t++
		}
		n := float64(b.N)
		b.ReportMetric(float64(exc.Nanoseconds())/n, "exc-ns/step")
		b.ReportMetric(float64(inh.Nanoseconds())/n, "inh-ns/step")
		b.ReportMetric(float64(soma.Nanoseconds())/n, "fused-ns/step")
		b.ReportMetric(float64(spikes.Nanoseconds())/n, "spikes-ns/step")
	})
}

// TestCUBAThreads checks that sharding changes nothing: the same spikes with
// one, two and three shards, at a size whose shards and excitatory units do
// not fill whole spike words, and the same as stepping the synapses from
// spike words instead of the shards' lists.
func TestCUBAThreads(t *testing.T) {
	run := func(threads int) string {
		net, err := newCUBA(1000, threads, 0.1, 7)
		if err != nil {
			t.Fatal(err)
		}
		for step := range 500 {
			for _, s := range net.shards {
				s.step(net, step)
			}
		}
		all := cubaRaster(net)
		if len(all) == 0 {
			t.Fatalf("%d shards: no spikes", threads)
		}
		return fmt.Sprint(all)
	}
	one := run(1)
	for _, n := range []int{2, 3} {
		if got := run(n); got != one {
			t.Errorf("%d shards: spikes differ from one shard", n)
		}
	}

	// The same network stepped without the shards' lists and unfused:
	// each step's spike words split into the excitatory and inhibitory
	// inputs of the synapses' Step and StepAdd, then the soma's Step.
	net, err := newCUBA(1000, 1, 0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	s := net.shards[0]
	exc, inh := spark.NewSpikes(net.ne), spark.NewSpikes(net.ni)
	var all []record.Spike
	for step := range 500 {
		s.ce.Step(exc, s.current)
		s.ci.StepAdd(inh, s.current)
		s.pop.Step(s.current, s.spikes)
		exc.Clear()
		inh.Clear()
		for _, j := range s.spikes.AppendIndices(nil) {
			all = append(all, record.Spike{Step: int32(step), Unit: int32(j)})
			if j < net.ne {
				exc.Set(j)
			} else {
				inh.Set(j - net.ne)
			}
		}
	}
	if got := fmt.Sprint(all); got != one {
		t.Errorf("stepped from spike words: spikes differ from the shards' lists")
	}
}

// cubaRaster is the spikes the network's shards recorded, ordered by step
// and unit (record.Merge).
func cubaRaster(net *cubaNet) []record.Spike {
	var parts []*record.Spikes
	for _, s := range net.shards {
		parts = append(parts, s.raster)
	}
	return record.Merge(parts...).All()
}

// sameRaster fails t unless got is want, spike for spike.
func sameRaster(t *testing.T, what string, got, want []record.Spike) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	k := 0
	for k < min(len(got), len(want)) && got[k] == want[k] {
		k++
	}
	at := func(r []record.Spike) string {
		if k < len(r) {
			return fmt.Sprintf("step %d unit %d", r[k].Step, r[k].Unit)
		}
		return "none"
	}
	t.Errorf("%s: %d spikes, want %d; spike %d is %s, want %s", what, len(got), len(want), k, at(got), at(want))
}

// barrierCheck sets net's test hook to check the barrier of the threaded
// runner as it runs: a shard starts step t only when every shard has
// finished step t−1, whose lists step t reads and whose buffers the
// shards reuse for step t+1. It catches steps that really overlapped,
// however rare: each shard's count of finished steps is an atomic, read
// by every shard at the start of each step.
//
// A shard that starts too early waits there (up to a few seconds) for
// the steps it should have waited for, so that the run, made whole
// again, goes on to report the breach rather than crash in a kernel on
// a half-written list. The returned func reports the first breach and
// checks that every shard ran every step.
//
// The check's atomics order the steps they find in order, hiding those
// from a race detector: the race detector's view, which sees an access
// left unordered even where the timing was benign, needs a run without
// the check.
//
// It also checks that no more than goroutines shards run at once.
func barrierCheck(net *cubaNet, steps, goroutines int) func() error {
	index := map[*shard]int{}
	for k, s := range net.shards {
		index[s] = k
	}
	finished := make([]atomic.Int64, len(net.shards)) // steps each shard has finished
	var breaches atomic.Int64
	var first atomic.Pointer[string]
	var over atomic.Bool // the test has read the result: a stray worker no longer waits
	var inFlight atomic.Int64
	breach := func(format string, a ...any) {
		breaches.Add(1)
		msg := fmt.Sprintf(format, a...)
		first.CompareAndSwap(nil, &msg)
	}
	net.onStep = func(s *shard, t int, end bool) {
		k := index[s]
		if end {
			inFlight.Add(-1)
			if !finished[k].CompareAndSwap(int64(t), int64(t+1)) {
				breach("shard %d finished step %d after %d steps", k, t, finished[k].Load())
			}
			return
		}
		if n := inFlight.Add(1); n > int64(goroutines) {
			breach("shard %d started step %d with %d shards in flight, on %d goroutines", k, t, n, goroutines)
		}
		for o := range finished {
			f := finished[o].Load()
			if f >= int64(t) {
				continue
			}
			breach("shard %d started step %d when shard %d had finished %d steps", k, t, o, f)
			for deadline := time.Now().Add(5 * time.Second); finished[o].Load() < int64(t) && !over.Load() && time.Now().Before(deadline); {
				runtime.Gosched()
			}
		}
	}
	return func() error {
		over.Store(true)
		if p := first.Load(); p != nil {
			return fmt.Errorf("%d barrier breaches, the first: %s", breaches.Load(), *p)
		}
		for k := range finished {
			if f := finished[k].Load(); f != int64(steps) {
				return fmt.Errorf("shard %d finished %d steps, want %d", k, f, steps)
			}
		}
		return nil
	}
}

// TestCUBARunner runs the runner itself, workers, barrier and all, with 2
// and 3 shards on one goroutine, on 2, and on 3 (on a 2-core machine the
// team has 2: GOMAXPROCS), and checks it makes the spikes of one shard
// and of the same shards stepped one after the other, at sizes whose
// shards and excitatory units do not fill whole spike words. A run with
// the barrier check catches steps that overlapped, and more shards in
// flight than goroutines; a run without it lets the race detector (go
// test -race) see accesses the barrier leaves unordered, overlapped or
// not. The latter is left out when the check has failed: run with a
// broken barrier, it may crash in a kernel's input check.
func TestCUBARunner(t *testing.T) {
	const steps = 500
	for _, n := range []int{1000, 333} {
		build := func(t *testing.T, shards int) *cubaNet {
			net, err := newCUBA(n, shards, 0.1, 7)
			if err != nil {
				t.Fatal(err)
			}
			if len(net.shards) != shards {
				t.Fatalf("%d units: %d shards, want %d", n, len(net.shards), shards)
			}
			return net
		}
		serial := func(t *testing.T, shards, steps int) []record.Spike {
			net := build(t, shards)
			for step := range steps {
				for _, s := range net.shards {
					s.step(net, step)
				}
			}
			return cubaRaster(net)
		}
		one := serial(t, 1, steps)
		if len(one) == 0 {
			t.Fatalf("%d units: no spikes", n)
		}
		t.Run(fmt.Sprintf("n=%d/shards=1/goroutines=1", n), func(t *testing.T) {
			net := build(t, 1)
			net.run(steps, 1, false)
			sameRaster(t, "runner", cubaRaster(net), one)
		})
		for _, c := range [][2]int{{2, 1}, {3, 1}, {2, 2}, {3, 3}, {3, 2}} {
			shards, g := c[0], c[1]
			want := one[:cut(one, steps)]
			checked := true
			name := fmt.Sprintf("n=%d/shards=%d/goroutines=%d", n, shards, g)
			t.Run(name+"/checked", func(t *testing.T) {
				sameRaster(t, "stepped serially", serial(t, shards, steps), want)
				net := build(t, shards)
				check := barrierCheck(net, steps, min(g, runtime.GOMAXPROCS(0)))
				start := time.Now()
				net.run(steps, g, false)
				t.Logf("%d steps in %v", steps, time.Since(start))
				if err := check(); err != nil {
					checked = false
					t.Error(err)
				}
				sameRaster(t, "runner", cubaRaster(net), want)
			})
			t.Run(name+"/unchecked", func(t *testing.T) {
				if !checked {
					t.Skip("the barrier check failed")
				}
				net := build(t, shards)
				start := time.Now()
				net.run(steps, g, true) // pinned where g > 1
				t.Logf("%d steps in %v", steps, time.Since(start))
				sameRaster(t, "runner", cubaRaster(net), want)
			})
		}
	}
}

// cut is the number of spikes of raster, ordered by step, before step
// steps.
func cut(raster []record.Spike, steps int) int {
	k, _ := slices.BinarySearchFunc(raster, int32(steps), func(r record.Spike, step int32) int { return cmp.Compare(r.Step, step) })
	return k
}
