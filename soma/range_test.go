package soma

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/lockstep"
)

// copyState copies the arrays of src into those of dst (both a
// population's, of one model).
func copyState(dst, src ref.State) {
	copy(dst.V, src.V)
	copy(dst.R, src.R)
	copy(dst.Theta, src.Theta)
	copy(dst.W, src.W)
	copy(dst.U, src.U)
}

// twins builds two populations of m with the same parameters, uniform or
// per unit, and the same scrambled state.
func twins(t *testing.T, r *rng, m model, n int, perUnit bool) (a, b Soma) {
	t.Helper()
	p := randomParams(r, m, n, perUnit)
	a, _ = mustBuild(t, m, n, 0.5, p)
	b, _ = mustBuild(t, m, n, 0.5, p)
	scramble(r, stateOf(a))
	copyState(stateOf(b), stateOf(a))
	return a, b
}

// bounds returns every range boundary of n units: the multiples of 64
// below n, and n.
func bounds(n int) []int {
	var b []int
	for lo := 0; lo < n; lo += 64 {
		b = append(b, lo)
	}
	return append(b, n)
}

// partition cuts [0, n) into block-aligned ranges at random: each boundary
// is a cut with probability 1/2, and one in four cuts is doubled, an empty
// range. The ranges come in a random order.
func partition(r *rng, n int) [][2]int {
	cuts := []int{0}
	for _, c := range bounds(n)[1:] {
		if c == n || r.Intn(2) == 0 {
			if r.Intn(4) == 0 {
				cuts = append(cuts, cuts[len(cuts)-1]) // an empty range
			}
			cuts = append(cuts, c)
		}
	}
	ranges := make([][2]int, 0, len(cuts)-1)
	for i := 1; i < len(cuts); i++ {
		ranges = append(ranges, [2]int{cuts[i-1], cuts[i]})
	}
	for i := len(ranges) - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		ranges[i], ranges[j] = ranges[j], ranges[i]
	}
	return ranges
}

// rangeSizes are the sizes the range tests run: below, at and past one
// block, whole blocks and not.
func rangeSizes() []int {
	if testing.Short() {
		return []int{1, 64, 65, 200}
	}
	return []int{1, 63, 64, 65, 127, 128, 200, 256, 320, 1000}
}

// TestStepRangeMatchesStep: stepping a population range by range, ranges
// of 0, 1 and several blocks in any order, the last ending at the size,
// gives Step's state and spikes bit for bit, on every path and model, with
// uniform and per-unit parameters.
func TestStepRangeMatchesStep(t *testing.T) {
	const steps = 8
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x5eed)
				for _, n := range rangeSizes() {
					for _, perUnit := range []bool{false, true} {
						a, b := twins(t, &r, m, n, perUnit)
						current := make([]float32, n)
						sa, sb := spark.NewSpikes(n), spark.NewSpikes(n)
						for step := range steps {
							currents(&r, current)
							for i := range sb {
								sb[i] = r.Next() // the ranges must overwrite every word
							}
							a.Step(current, sa)
							ranges := partition(&r, n)
							for _, rg := range ranges {
								b.StepRange(rg[0], rg[1], current, sb)
							}
							where := fmt.Sprintf("n=%d perUnit=%v step %d, ranges %v", n, perUnit, step, ranges)
							if d := diffState(stateOf(b), stateOf(a)); d != "" {
								t.Fatalf("%s: %s", where, d)
							}
							if !slices.Equal(sb, sa) {
								t.Fatalf("%s: spikes %#x, want Step's %#x", where, sb, sa)
							}
						}
					}
				}
			})
		}
	}
}

// TestStepRangeTouchesOnlyItsRange: StepRange(lo, hi) updates units lo to
// hi−1 as Step does and leaves every other unit and spike word as it was,
// for every block-aligned range of a few sizes, so that a kernel run on a
// block too many or too few fails it.
func TestStepRangeTouchesOnlyItsRange(t *testing.T) {
	sizes := []int{65, 200, 320}
	if testing.Short() {
		sizes = []int{200}
	}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x7a9e)
				for _, n := range sizes {
					for _, perUnit := range []bool{false, true} {
						a, b := twins(t, &r, m, n, perUnit)
						before := cloneState(stateOf(a), n)
						current := make([]float32, n)
						currents(&r, current)
						stepped := spark.NewSpikes(n)
						a.Step(current, stepped)
						after := cloneState(stateOf(a), n)
						garbage := make(spark.Spikes, len(stepped))
						for i := range garbage {
							garbage[i] = r.Next()
						}
						bs := bounds(n)
						for i, lo := range bs {
							for _, hi := range bs[i:] {
								copyState(stateOf(b), before)
								spikes := slices.Clone(garbage)
								b.StepRange(lo, hi, current, spikes)
								// want: after's units in [lo, hi), before's elsewhere.
								want := cloneState(before, n)
								copy(want.V[lo:hi], after.V[lo:hi])
								copy(want.R[lo:hi], after.R[lo:hi])
								copy(want.Theta[lo:hi], after.Theta[lo:hi])
								copy(want.W[lo:hi], after.W[lo:hi])
								copy(want.U[lo:hi], after.U[lo:hi])
								where := fmt.Sprintf("n=%d perUnit=%v StepRange(%d, %d)", n, perUnit, lo, hi)
								if d := diffState(stateOf(b), want); d != "" {
									t.Fatalf("%s: %s", where, d)
								}
								w0, w1 := spark.SpikeWords(lo), spark.SpikeWords(hi)
								for w := range spikes {
									exp := garbage[w]
									if w0 <= w && w < w1 {
										exp = stepped[w]
									}
									if spikes[w] != exp {
										t.Fatalf("%s: spike word %d = %#x, want %#x", where, w, spikes[w], exp)
									}
								}
							}
						}
					}
				}
			})
		}
	}
}

// TestStepRangePanics: StepRange refuses, naming itself, a range that is
// not block-aligned or not within the population and slices that are not
// Step's, before it reads or writes anything.
func TestStepRangePanics(t *testing.T) {
	const n = 200
	for _, m := range models {
		s, _ := mustBuild(t, m, n, 1, nil)
		r := rng(5)
		scramble(&r, stateOf(s))
		before := cloneState(stateOf(s), n)
		name := strings.TrimSuffix(m.class, "Soma")
		check := func(lo, hi, units, words int, want string) {
			t.Helper()
			current, spikes := make([]float32, units), make(spark.Spikes, words)
			for i := range current {
				current[i] = 1e9
			}
			for i := range spikes {
				spikes[i] = 0xdead
			}
			msg := catch(func() { s.StepRange(lo, hi, current, spikes) })
			if want = "soma: " + name + ".StepRange: " + want; msg != want {
				t.Errorf("%s.StepRange(%d, %d, %d currents, %d words): panic %q, want %q", m.class, lo, hi, units, words, msg, want)
			}
			if d := diffState(stateOf(s), before); d != "" {
				t.Errorf("%s: a refused StepRange changed the state: %s", m.class, d)
			}
			for _, w := range spikes {
				if w != 0xdead {
					t.Errorf("%s: a refused StepRange wrote spikes", m.class)
				}
			}
		}
		bad := func(lo, hi int) {
			t.Helper()
			check(lo, hi, n, 4, fmt.Sprintf("units [%d, %d): want 0 ≤ lo ≤ hi ≤ Units = 200, each a multiple of 64 or Units", lo, hi))
		}
		bad(1, 64)               // lo unaligned
		bad(0, 65)               // hi unaligned, not Units
		bad(64, 199)             // hi unaligned, not Units
		bad(128, 64)             // lo > hi
		bad(-64, 64)             // lo < 0
		bad(192, 256)            // hi > Units
		bad(256, 256)            // past the end
		bad(199, 200)            // lo unaligned, not Units
		bad(200, 192)            // lo > hi
		bad(0, 201)              // hi > Units
		bad(128, 0)              // lo > hi
		bad(-1, -1)              // negative
		bad(0, math.MaxInt/2+1)  // huge
		bad(math.MaxInt/2+1, 64) // huge lo
		for _, c := range []struct{ units, words int }{{n - 1, 4}, {n + 1, 4}, {0, 4}, {n, 3}, {n, 5}, {n, 0}} {
			// Lengths are checked first, whatever the range.
			for _, rg := range [][2]int{{0, 64}, {1, 2}} {
				check(rg[0], rg[1], c.units, c.words, fmt.Sprintf("len(current) = %d, len(spikes) = %d words; want 200 and spark.SpikeWords(200) = 4", c.units, c.words))
			}
		}
	}
}

// TestStepRangeLockstep steps the ranges of one population on the
// goroutines of a lockstep.Team, as a sharded network does, and one twin
// population with Step on one goroutine: their potentials, counters and
// other states and their spikes must agree bit for bit at every step, on
// every path and model, uniform and per-unit. Run it with -race too: the
// shards share the population, its currents and its spike set, and the
// race detector sees what the assembly kernels touch (package asm tells
// it), so a kernel that touched another shard's blocks would be reported.
func TestStepRangeLockstep(t *testing.T) {
	const n = 1000 // 15 whole blocks and a partial one
	steps := 200
	if testing.Short() {
		steps = 40
	}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x10c5)
				for _, perUnit := range []bool{false, true} {
					for _, shards := range []int{2, 3, 5} {
						a, b := twins(t, &r, m, n, perUnit)
						// Shard s steps blocks s·16/shards to (s+1)·16/shards − 1.
						nb := spark.SpikeWords(n)
						lo := func(s int) int { return min(s*nb/shards*64, n) }
						current := make([]float32, n)
						sa, sb := spark.NewSpikes(n), spark.NewSpikes(n)
						team := lockstep.New(shards, func(shard, step int) {
							b.StepRange(lo(shard), lo(shard+1), current, sb)
						})
						spiked := 0
						for step := range steps {
							currents(&r, current)
							a.Step(current, sa)
							team.Step(step)
							if d := diffState(stateOf(b), stateOf(a)); d != "" {
								team.Close()
								t.Fatalf("perUnit=%v %d shards step %d: %s", perUnit, shards, step, d)
							}
							if !slices.Equal(sb, sa) {
								team.Close()
								t.Fatalf("perUnit=%v %d shards step %d: spikes %#x, want %#x", perUnit, shards, step, sb, sa)
							}
							spiked += sa.Count()
						}
						team.Close()
						if spiked == 0 {
							t.Errorf("perUnit=%v %d shards: no unit spiked: the test shows nothing", perUnit, shards)
						}
					}
				}
			})
		}
	}
}

// TestStepRangeAllocates nothing.
func TestStepRangeAllocates(t *testing.T) {
	for _, k := range paths() {
		using(t, k)
		for _, m := range models {
			s, _ := mustBuild(t, m, 1000, 1, nil)
			in, spikes := make([]float32, 1000), spark.NewSpikes(1000)
			if a := testing.AllocsPerRun(20, func() { s.StepRange(512, 1000, in, spikes) }); a != 0 {
				t.Errorf("%s %s: %v allocations per StepRange", k.name, m.class, a)
			}
		}
	}
}
