package syn

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// guardReport returns a function that fails t with the first few messages
// and counts the rest, so that a kernel that faults on every length does
// not bury the first case in thousands of lines.
func guardReport(t *testing.T) func(format string, args ...any) {
	errs := 0
	return func(format string, args ...any) {
		if errs++; errs <= 5 {
			t.Errorf(format, args...)
		}
	}
}

// sameMemory reports whether a and b hold the same bytes: an input a
// kernel must not have written.
func sameMemory[T any](a, b []T) bool { return bytes.Equal(bytesOf(a), bytesOf(b)) }

// sameFloats describes the first element where got and want differ (bits,
// or NaN-ness), or returns "".
func sameFloats(what string, got, want []float32) string {
	for i := range want {
		if !same(got[i], want[i]) {
			return fmt.Sprintf("%s[%d] = %v (%#x), want %v (%#x)", what, i,
				got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
	return ""
}

// TestGuardPagesScatter runs every scatter and prefetch of every path with each of its
// slice arguments against a guard page at its end and at its start
// (testutil.Region), in every combination, on every length from 0 to 300
// and a few larger (fewer with -short): a kernel that reads or writes an
// element past either end of any argument faults, and the fault is
// reported naming the kernel, path, length and placements. Each result is
// also compared with the portable kernel's on ordinary slices, bit for bit
// (NaN-ness for NaNs), and the read-only arguments must come back
// unchanged. The binary16 kernels' scratch buffer is guarded at the length
// the callers promise, min(n, chunk). prefetch cannot fault (a prefetch of
// an inaccessible line is dropped), so its calls only show that it runs.
// (The row kernels are package vec's, guarded there.)
func TestGuardPagesScatter(t *testing.T) {
	sizes := testutil.GuardLengths(0)
	maxN := slices.Max(sizes)
	acc := testutil.NewRegion[float32](t, maxN) // acc, d
	f32 := testutil.NewRegion[float32](t, maxN) // row, w
	buf := testutil.NewRegion[float32](t, chunk)
	f16 := testutil.NewRegion[float16.Float16](t, maxN)
	idx := testutil.NewRegion[int32](t, maxN)
	raw := testutil.NewRegion[byte](t, 4*maxN)
	var calls, faults, mismatches int
	for _, k := range scatterPaths() {
		t.Run(k.name, func(t *testing.T) {
			report := guardReport(t)
			r := rng(0x3c6ef372fe94f82b)
			// check runs one call under CatchFault, and if it returns,
			// the check of its results.
			check := func(what string, n int, pl []testutil.Placement, call func(), results func() string) {
				where := func() string { return fmt.Sprintf("path %s n=%d: %s %v", k.name, n, what, pl) }
				calls++
				if f := testutil.CatchFault(call); f != nil {
					faults++
					report("%s: %v", where(), f)
					return
				}
				if d := results(); d != "" {
					mismatches++
					report("%s: %s", where(), d)
				}
			}
			for _, n := range sizes {
				dens := rowDensities[n%len(rowDensities)]
				c := newRowCase(&r, n, 0, dens.bits, true)
				nb := min(n, chunk)
				perm32 := make([]int32, n) // every index of the accumulator, increasing, as a sparse row's
				for i := range perm32 {
					perm32[i] = int32(i)
				}
				plain := make([]float32, chunk)

				// scatter: the row's indices are every one of the
				// accumulator's, so that both of its ends are written.
				want := slices.Clone(c.acc)
				scatter32Generic(want, perm32, c.w32)
				for _, pl := range testutil.Placements(3) {
					a, ix, w := acc.Copy(c.acc, pl[0]), idx.Copy(perm32, pl[1]), f32.Copy(c.w32, pl[2])
					check("scatter32(acc, idx, w)", n, pl, func() { k.scatter32(a, ix, w) }, func() string {
						if !sameMemory(ix, perm32) || !sameMemory(w, c.w32) {
							return "wrote to idx or w"
						}
						return sameFloats("acc", a, want)
					})
				}
				want = slices.Clone(c.acc)
				scatter16Generic(want, perm32, c.w16, plain)
				for _, pl := range testutil.Placements(4) {
					a, ix, w, b := acc.Copy(c.acc, pl[0]), idx.Copy(perm32, pl[1]), f16.Copy(c.w16, pl[2]), buf.Slice(nb, pl[3])
					check("scatter16(acc, idx, w, buf)", n, pl, func() { k.scatter16(a, ix, w, b) }, func() string {
						if !sameMemory(ix, perm32) || !sameMemory(w, c.w16) {
							return "wrote to idx or w"
						}
						return sameFloats("acc", a, want)
					})
				}

				for _, pl := range testutil.Placements(1) {
					b := raw.Slice(4*n, pl[0])
					check("prefetch(b)", n, pl, func() { k.prefetch(b) }, func() string { return "" })
				}
			}
		})
	}
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}

// TestGuardPagesSteps runs Step, StepAdd, StepIndices and StepAddIndices
// of every synapse model on every path with the caller's slices, the spike
// words or indices and the currents, each against a guard page at its end
// and at its start, in every combination: synchronous spikes on dense and
// sparse storage, asynchronous spikes, binary16 and float32 kernels,
// traces uniform, per post unit and per synapse. Post runs over every
// size from 1 to 300 (fewer with -short) and Pre over every third, the
// other over a few sizes. Every current is compared, bit for bit, with a twin population
// stepped by the portable kernels on ordinary slices.
func TestGuardPagesSteps(t *testing.T) {
	var sizes []int
	for _, n := range testutil.GuardLengths(1) {
		if n <= 300 { // the kernel is Post·Pre: keep the time modest
			sizes = append(sizes, n)
		}
	}
	others := []int{1, 2, 5, 65} // the size of the axis that does not run
	maxN, maxWords := slices.Max(sizes), slices.Max(sizes)*spark.SpikeWords(slices.Max(others))
	cur := testutil.NewRegion[float32](t, maxN)
	spk := testutil.NewRegion[uint64](t, maxWords)
	ids := testutil.NewRegion[int](t, maxN)
	portable := paths()[0]
	testutil.Set(t, &impl, impl) // restored at the end; set per path below
	var calls, faults, mismatches int
	for _, model := range slices.Sorted(maps.Keys(models)) {
		t.Run(model, func(t *testing.T) {
			report := guardReport(t)
			r := rng(0xa54ff53a5f1d36f1)
			for i, n := range sizes {
				for shape := range 2 {
					post, pre := n, others[i%len(others)]
					if shape == 1 {
						if i%3 != 0 {
							// Pre = n changes only how many spike words
							// and indices the caller passes: every third
							// size still meets every Pre mod 64.
							continue
						}
						post, pre = others[(i+1)%len(others)], n
					}
					form := []string{"uniform", "post", "synapse"}[(i+shape)%3]
					if model == "LinearSynapses" {
						form = "none"
					}
					f32 := (i/3+shape)%2 == 1
					for _, variant := range []string{"sync dense", "sync sparse", "async"} {
						async, st := variant == "async", Dense
						if variant == "sync sparse" {
							if form == "synapse" {
								continue // sparse storage needs traces per post unit
							}
							st = Sparse
						}
						w := make([]float32, post*pre)
						for i := range w {
							if r.Next()%3 == 0 {
								w[i] = r.Uniform(-30, 30)
							}
						}
						inh := make([]bool, pre)
						for j := range inh {
							inh[j] = r.Next()%4 == 0
						}
						p, _ := drawParams(&r, model, post, pre, form)
						cfg := LinearSynapsesConfig{Post: post, Pre: pre, Kernel: w, Float32: f32, Inhibitory: inh, AsyncSpikes: async, Storage: st}
						s, err := models[model](cfg, 0.5, p)
						if err != nil {
							t.Fatalf("%d×%d %s: %v", post, pre, variant, err)
						}
						twin, _ := models[model](cfg, 0.5, p)
						desc := fmt.Sprintf("%s %d×%d %s f32=%v traces=%s", model, post, pre, variant, f32, form)
						guardSteps(&r, s, twin, portable, cur, spk, ids, desc, report, &calls, &faults, &mismatches)
					}
				}
			}
		})
	}
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}

// guardSteps steps s on every path, with guarded slices, and twin on the
// portable kernels with ordinary ones, and compares their currents and
// traces. It returns false after a fault or a mismatch, when s and twin
// are no longer in step.
func guardSteps(r *rng, s, twin Synapses, portable *kernels, cur *testutil.Region[float32], spk *testutil.Region[uint64],
	ids *testutil.Region[int], desc string, report func(string, ...any), calls, faults, mismatches *int) bool {
	post, pre, async := s.Post(), s.Pre(), s.Async()
	words := spark.SpikeWords(pre)
	rows := 1
	if async {
		rows = post
	}
	spikes := make(spark.Spikes, rows*words)
	var idx []int
	got, want := make([]float32, post), make([]float32, post)
	type call struct {
		name    string
		add     bool
		indices bool
	}
	cs := []call{{"Step", false, false}, {"StepAdd", true, false}}
	if !async {
		cs = append(cs, call{"StepIndices", false, true}, call{"StepAddIndices", true, true})
	}
	// Two complementary placements of the two slices, in turn the
	// uniform ones and the mixed ones: each slice meets both guards on
	// every call and every path, at half the cost of all four.
	pls, turn := testutil.Placements(2), (post+pre)%2
	for _, k := range paths() {
		for ci, c := range cs {
			h := (ci + turn) % 2 * 2
			for _, pl := range pls[h : h+2] {
				// New spikes, about one in four, none past Pre.
				idx = idx[:0]
				clear(spikes)
				for row := range rows {
					for j := range pre {
						if r.Next()%4 == 0 {
							spikes[row*words : (row+1)*words].Set(j)
							if row == 0 {
								idx = append(idx, j)
							}
						}
					}
				}
				for i := range want {
					want[i] = r.Uniform(-100, 100) // what StepAdd adds to; Step overwrites it
				}
				gc := cur.Copy(want, pl[1])
				var run, runTwin func()
				arg := "spikes"
				if c.indices {
					arg = "indices"
					gi := ids.Copy(idx, pl[0])
					run = func() {
						if c.add {
							s.StepAddIndices(gi, gc)
						} else {
							s.StepIndices(gi, gc)
						}
					}
					runTwin = func() {
						if c.add {
							twin.StepAddIndices(idx, want)
						} else {
							twin.StepIndices(idx, want)
						}
					}
				} else {
					gs := spark.Spikes(spk.Copy(spikes, pl[0]))
					run = func() {
						if c.add {
							s.StepAdd(gs, gc)
						} else {
							s.Step(gs, gc)
						}
					}
					runTwin = func() {
						if c.add {
							twin.StepAdd(spikes, want)
						} else {
							twin.Step(spikes, want)
						}
					}
				}
				where := func() string {
					return fmt.Sprintf("%s path %s: %s(%s %v, currents %v)", desc, k.name, c.name, arg, pl[0], pl[1])
				}
				impl = k
				*calls++
				if f := testutil.CatchFault(run); f != nil {
					*faults++
					report("%s: %v", where(), f)
					return false
				}
				impl = portable
				runTwin()
				copy(got, gc)
				d := sameFloats("current", got, want)
				if tr, ok := s.(traced); ok && d == "" {
					tt := twin.(traced).Traces()
					for st, arr := range tr.Traces() {
						if d = sameFloats(fmt.Sprintf("trace %d", st), arr, tt[st]); d != "" {
							break
						}
					}
				}
				if d != "" {
					*mismatches++
					report("%s: %s", where(), d)
					return false
				}
			}
		}
	}
	return true
}
