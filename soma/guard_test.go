package soma

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestGuardPages steps every soma on every path with the caller's slices,
// the currents and the spike words, each placed against a guard page at its
// end and at its start (testutil.Region), in every combination: a kernel
// that reads or writes an element past either end faults, and the fault is
// reported naming the model, path, size and placements. The state is the
// library's own and padded to whole blocks by design, so it is not guarded.
// Each step is also compared with the reference, bit for bit, so that a
// placement cannot change a result either. Sizes 1 to 300 and a few larger
// (fewer with -short), uniform and per-unit parameters.
func TestGuardPages(t *testing.T) {
	sizes := testutil.GuardLengths(1)
	maxN := slices.Max(sizes)
	cur := testutil.NewRegion[float32](t, maxN)
	spk := testutil.NewRegion[uint64](t, spark.SpikeWords(maxN))
	var calls, faults, mismatches int
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x6a09e667f3bcc908)
				in, wantSpikes := make([]float32, maxN), make([]bool, maxN)
				errs := 0
				report := func(format string, args ...any) {
					if errs++; errs <= 5 {
						t.Errorf(format, args...)
					}
				}
				for _, n := range sizes {
					for _, perUnit := range []bool{false, true} {
						s, rm := mustBuild(t, m, n, 1, randomParams(&r, m, n, perUnit))
						got := stateOf(s)
						scramble(&r, got)
						want := cloneState(got, n)
						for _, p := range testutil.Placements(2) {
							x := in[:n]
							currents(&r, x)
							c := cur.Copy(x, p[0])
							sp := spark.Spikes(spk.Slice(spark.SpikeWords(n), p[1]))
							for i := range sp {
								sp[i] = r.Next() // Step must overwrite every word
							}
							where := fmt.Sprintf("%s path %s n=%d perUnit=%v: Step(current %v, spikes %v)",
								m.class, k.name, n, perUnit, p[0], p[1])
							calls++
							if f := testutil.CatchFault(func() { s.Step(c, sp) }); f != nil {
								faults++
								report("%s: %v", where, f)
								break // the state is half stepped
							}
							rm.Step(want, x, wantSpikes[:n])
							d := diffState(got, want)
							if d == "" {
								d = diffSpikes(sp, wantSpikes[:n])
							}
							if d == "" && !slices.EqualFunc(c, x, sameBits) {
								d = "wrote to its input currents"
							}
							if d != "" {
								mismatches++
								report("%s: %s", where, d)
								break
							}
						}
					}
				}
			})
		}
	}
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}
