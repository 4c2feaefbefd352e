package soma

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/ref"
)

// Boundary tests. Random states and currents (TestPathsMatchReference) almost
// never put a potential exactly on its threshold or a counter exactly on its
// cooldown, so a comparison turned from > into ≥ (or the reverse) in the
// reference or in a kernel went unnoticed. These tests build such states on
// purpose, at every lane position that a vector or block boundary makes
// special, and assert what docs/models.md says in absolute terms, not only that a
// path agrees with the reference (which a mutated reference would fool).

// boundarySizes are the population sizes of the boundary tests: one unit, a
// block less one, one block, a block and one, two blocks and a tail, and a
// longer tail. With every role cycled over every unit, each boundary unit
// lands on the first and last lane of every 8- and 16-lane vector, the first
// and last unit of every 64-unit block, and in partial last blocks.
var boundarySizes = []int{1, 63, 64, 65, 130, 200}

// ordered maps a float32 to a uint32 that sorts as the float does, so that
// bisecting over it walks the float32 values in order.
func ordered(x float32) uint32 {
	b := math.Float32bits(x)
	if b>>31 != 0 {
		return ^b
	}
	return b | 1<<31
}

// unordered is the inverse of ordered.
func unordered(k uint32) float32 {
	if k>>31 != 0 {
		return math.Float32frombits(k &^ (1 << 31))
	}
	return math.Float32frombits(^k)
}

// nextUp and nextDown are the float32 one ulp above and below x.
func nextUp(x float32) float32   { return math.Nextafter32(x, float32(math.Inf(1))) }
func nextDown(x float32) float32 { return math.Nextafter32(x, float32(math.Inf(-1))) }

// lowest returns the smallest x in [lo, hi] with f(x) ≥ target, for f
// nondecreasing, and false unless f(lo) < target ≤ f(hi).
func lowest(f func(float32) float32, target, lo, hi float32) (float32, bool) {
	a, b := ordered(lo), ordered(hi)
	if !(f(lo) < target && f(hi) >= target) {
		return 0, false
	}
	for b-a > 1 { // invariant: f(a) < target ≤ f(b)
		m := a + (b-a)/2
		if f(unordered(m)) >= target {
			b = m
		} else {
			a = m
		}
	}
	return unordered(b), true
}

// paramSet is one value of every parameter of a model, by seed name.
type paramSet map[string]float32

// uniformParams turns a parameter set into config values.
func (ps paramSet) uniform() map[string]spark.Param {
	p := map[string]spark.Param{}
	for name, v := range ps {
		p[name] = spark.Uniform(v)
	}
	return p
}

// perUnitParams gives unit i the parameters of sets[which(i)].
func perUnitParams(sets []paramSet, n int, which func(i int) int) map[string]spark.Param {
	p := map[string]spark.Param{}
	for name := range sets[0] {
		v := make([]float32, n)
		for i := range v {
			v[i] = sets[which(i)][name]
		}
		p[name] = spark.PerUnit(v)
	}
	return p
}

// fieldsOf returns the config fields of model m.
func fieldsOf(t testing.TB, m model) []config.Field {
	t.Helper()
	_, fields, err := m.build(1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fields
}

// boundaryParamSets returns the defaults of m and two sets of odd values
// near them. Every set keeps the resistance positive, so that the potential
// grows with the input current, and the cooldown short.
func boundaryParamSets(t testing.TB, m model) []paramSet {
	fields := fieldsOf(t, m)
	sets := []paramSet{{}}
	for _, f := range fields {
		sets[0][f.Seed] = f.Default
	}
	r := rng(0x5eed0fb0)
	for range 2 {
		ps := paramSet{}
		for _, f := range fields {
			switch f.Seed {
			case "potential_rest", "potential_reset", "threshold", "rheobase_threshold":
				ps[f.Seed] = f.Default + r.Uniform(-3, 3)
			default: // time constants, resistance, cooldown, jumps, Izhikevich's a, b, d
				ps[f.Seed] = f.Default * r.Uniform(0.7, 1.3)
			}
		}
		sets = append(sets, ps)
	}
	return sets
}

// rebased is x − rest in float32, as docs/models.md defines thr and reset.
func (ps paramSet) rebased(name string) float32 { return ps[name] - ps["potential_rest"] }

// adaptive reports whether the threshold of class is the state θ.
func adaptive(class string) bool {
	return class == "AdaptiveLeakySoma" || class == "SimplifiedAdaptiveExponentialSoma"
}

// refractoryClass reports whether class has a refractory counter, and
// whether it is the strict soma (ready at r ≥ c rather than r > c).
func refractoryClass(class string) (refractory, strict bool) {
	switch class {
	case "RefractoryLeakySoma", "AdaptiveLeakySoma", "RefractoryExponentialSoma", "SimplifiedAdaptiveExponentialSoma":
		return true, false
	case "StrictRefractoryLeakySoma":
		return true, true
	}
	return false, false
}

// unitState is the state of one unit.
type unitState struct {
	v, theta, w, u float32
	r              uint16
}

func (u unitState) put(st ref.State, i int) {
	st.V[i] = u.v
	if st.R != nil {
		st.R[i] = u.r
	}
	if st.Theta != nil {
		st.Theta[i] = u.theta
	}
	if st.W != nil {
		st.W[i] = u.w
	}
	if st.U != nil {
		st.U[i] = u.u
	}
}

// fullState returns a state of n units with every array, as the reference
// takes.
func fullState(n int) ref.State {
	return ref.State{V: make([]float32, n), R: make([]uint16, n), Theta: make([]float32, n),
		W: make([]float32, n), U: make([]float32, n)}
}

// rawUpdate returns the potential of one unit of model m after one step of
// the reference from state u with current I, before any reset: the reference
// with its threshold (or θ) moved out of reach, which does not change the
// potential's update. The unit must be ready.
func rawUpdate(t testing.TB, m model, ps paramSet, dt float64) func(u unitState, I float32) float32 {
	p := ps.uniform()
	p["threshold"] = spark.Uniform(3e38)
	_, rm := mustBuild(t, m, 1, dt, p)
	st, spikes := fullState(1), make([]bool, 1)
	return func(u unitState, I float32) float32 {
		if adaptive(m.class) {
			u.theta = float32(math.Inf(1))
		}
		u.put(st, 0)
		rm.Step(st, []float32{I}, spikes)
		if spikes[0] {
			panic("rawUpdate: the unit spiked")
		}
		return st.V[0]
	}
}

// Roles of the units of TestThresholdIsStrict: the potential after the
// update lands one ulp below the threshold, exactly on it, or one ulp above.
const (
	below = iota
	at
	above
	roles
)

var roleName = [roles]string{"one ulp below", "exactly at", "one ulp above"}

// landing is a unit state and a current whose update puts the potential on
// a target: v is that potential, bit for bit.
type landing struct {
	state unitState
	I, v  float32
}

// landings finds, for model m with parameters ps (the set-th set) at time
// step dt, a state and current for each role, searching with the reference:
// for each of a series of starting states, it bisects over the float32
// currents for the smallest one whose update reaches the target, and keeps
// it if the update equals the target exactly. The first set starts from
// rest, with θ at its baseline; the others from random states, with θ away
// from its baseline, so that a kernel that compared with the baseline
// instead of θ, or dropped the decay of V, would fail.
func landings(t testing.TB, m model, ps paramSet, set int, dt float64) [roles]landing {
	t.Helper()
	f := rawUpdate(t, m, ps, dt)
	thr := ps.rebased("threshold")
	r := rng(0xb0a4d + uint64(set))
	var out [roles]landing
	for role := range roles {
		found := false
		for try := 0; try < 64 && !found; try++ {
			u := unitState{r: 0xffff, theta: thr}
			if set > 0 || try > 0 {
				u.v = r.Uniform(-5, 15)
				u.w = r.Uniform(-5, 5)
				u.u = r.Uniform(-5, 5)
				u.theta = thr + r.Uniform(-4, 10)
			}
			target := u.theta // the threshold of this unit
			if !adaptive(m.class) {
				target = thr
			}
			switch role {
			case below:
				target = nextDown(target)
			case above:
				target = nextUp(target)
			}
			g := func(I float32) float32 { return f(u, I) }
			I, ok := lowest(g, target, -1e7, 1e7)
			if ok && g(I) == target {
				out[role], found = landing{u, I, target}, true
			}
		}
		if !found {
			t.Fatalf("%s %v dt=%v: no current puts the potential %s the threshold", m.class, ps, dt, roleName[role])
		}
	}
	// The search is worth something only if the landings straddle the
	// threshold as the roles say.
	for role, l := range out {
		th := thr
		if adaptive(m.class) {
			th = l.state.theta
		}
		if want := []float32{nextDown(th), th, nextUp(th)}[role]; l.v != want {
			t.Fatalf("%s: landing %s the threshold %v is %v", m.class, roleName[role], th, l.v)
		}
	}
	return out
}

// primePadding makes the lanes past the population spike if a kernel runs
// them: the assembly kernels update the padding of the last block with the
// real units, and must cut its spikes from the last word. Its potentials are
// set far above any threshold, its counters ready.
func primePadding(st ref.State) {
	n := len(st.V)
	for i := n; i < cap(st.V); i++ {
		st.V[:cap(st.V)][i] = 1e30
	}
	if st.R != nil {
		for i := n; i < cap(st.R); i++ {
			st.R[:cap(st.R)][i] = 0xffff
		}
	}
}

// readyCounters are counters at which a unit of cooldown c is ready:
// just ready, and saturated.
func readyCounters(c uint16, strict bool) []uint16 {
	if strict {
		return []uint16{c, c + 1, 0xffff}
	}
	return []uint16{c + 1, 0xffff}
}

// cooldownOf returns the reference's cooldown of unit i of a refractory
// model.
func cooldownOf(rm ref.Soma, i int) uint16 {
	return rm.(interface{ CAt(int) uint16 }).CAt(i)
}

// TestThresholdIsStrict: a unit whose potential lands exactly on its
// threshold (the threshold parameter, or the state θ of the adaptive somas)
// does not spike, one ulp above it spikes and resets, one ulp below it does
// not, on every path, for every soma, at every lane position: docs/models.md says
// every comparison is strict. The states and currents that land exactly are
// found with the reference for several parameter sets and both time steps;
// populations have one parameter set, or a different one per unit.
func TestThresholdIsStrict(t *testing.T) {
	for _, m := range models {
		isRefractory, strict := refractoryClass(m.class)
		for _, dt := range []float64{1, 0.1} {
			sets := boundaryParamSets(t, m)
			table := make([][roles]landing, len(sets))
			for k, ps := range sets {
				table[k] = landings(t, m, ps, k, dt)
			}
			for _, n := range boundarySizes {
				// Populations of one parameter set each, then one that
				// mixes them unit by unit (set -1).
				for set := -1; set < len(sets); set++ {
					setOf := func(i int) int { return set }
					p := map[string]spark.Param(nil)
					if set < 0 {
						setOf = func(i int) int { return (i / roles) % len(sets) }
						p = perUnitParams(sets, n, setOf)
					} else {
						p = sets[set].uniform()
					}
					// One population serves every path and shift: each
					// run sets the whole state.
					s, rm := mustBuild(t, m, n, dt, p)
					for _, k := range paths() {
						using(t, k)
						for shift := range roles {
							where := fmt.Sprintf("%s %s dt=%v n=%d set=%d shift=%d", k.name, m.class, dt, n, set, shift)
							s.Reset()
							got := stateOf(s)
							role := func(i int) int { return (i + shift) % roles }
							current := make([]float32, n)
							for i := range n {
								l := table[setOf(i)][role(i)]
								u := l.state
								if isRefractory {
									rc := readyCounters(cooldownOf(rm, i), strict)
									u.r = rc[(i/roles)%len(rc)]
								}
								u.put(got, i)
								current[i] = l.I
							}
							primePadding(got)
							want := cloneState(got, n)
							before := cloneState(got, n)
							spikes, wantSpikes := spark.NewSpikes(n), make([]bool, n)
							for i := range spikes {
								spikes[i] = ^uint64(0) // Step must overwrite every bit
							}
							s.Step(current, spikes)
							rm.Step(want, slices.Clone(current), wantSpikes)

							for i := range n {
								ps := sets[setOf(i)]
								l := table[setOf(i)][role(i)]
								spiked := role(i) == above
								if spikes.Has(i) != spiked {
									t.Fatalf("%s: unit %d, potential %s the threshold (%v): spike %v, want %v",
										where, i, roleName[role(i)], l.v, spikes.Has(i), spiked)
								}
								wantV := l.v
								if spiked {
									wantV = ps.rebased("potential_reset")
								}
								if !sameBits(got.V[i], wantV) {
									t.Fatalf("%s: unit %d, potential %s the threshold: V = %v, want %v",
										where, i, roleName[role(i)], got.V[i], wantV)
								}
								if isRefractory {
									wantR := min(int(before.R[i])+1, 0xffff)
									if spiked {
										wantR = 0
									}
									if int(got.R[i]) != wantR {
										t.Fatalf("%s: unit %d, potential %s the threshold: r = %d → %d, want %d",
											where, i, roleName[role(i)], before.R[i], got.R[i], wantR)
									}
								}
							}
							if d := diffState(got, want); d != "" {
								t.Fatalf("%s: path differs from the reference: %s", where, d)
							}
							if d := diffSpikes(spikes, wantSpikes); d != "" {
								t.Fatalf("%s: path differs from the reference: %s", where, d)
							}
						}
					}
				}
			}
		}
	}
}

// counterCase is a unit of TestCooldownBoundary: its counter relative to its
// cooldown c (or an absolute value), and whether it is driven hard enough to
// spike if ready.
type counterCase struct {
	name string
	r    func(c uint16) (uint16, bool) // false: no such counter for this c
	kick bool
}

func counterCases() []counterCase {
	rel := func(d int) func(c uint16) (uint16, bool) {
		return func(c uint16) (uint16, bool) {
			r := int(c) + d
			return uint16(r), r >= 0 && r <= 0xffff
		}
	}
	abs := func(r uint16) func(c uint16) (uint16, bool) {
		return func(uint16) (uint16, bool) { return r, true }
	}
	var cases []counterCase
	for _, kick := range []bool{true, false} {
		cases = append(cases,
			counterCase{"c−1", rel(-1), kick},
			counterCase{"c", rel(0), kick},
			counterCase{"c+1", rel(1), kick},
			counterCase{"c+2", rel(2), kick},
			counterCase{"0", abs(0), kick},
			counterCase{"65534", abs(0xfffe), kick},
			counterCase{"65535", abs(0xffff), kick},
		)
	}
	return cases
}

// boundaryCooldowns are the cooldowns (steps) of TestCooldownBoundary: none,
// short ones, and the longest a config accepts, at which only a saturated
// counter is ready.
var boundaryCooldowns = []uint16{0, 1, 2, 3, 7, 100, 65533, ref.MaxCooldownSteps}

// TestCooldownBoundary: a refractory unit is ready iff r > c (r ≥ c for the
// strict soma); a ready unit driven hard spikes, resets, and sets r to 0; a
// unit that is not ready ignores its input (the strict one is held at
// reset); a counter that does not reset counts up and saturates at 65535:
// 65534 → 65535, 65535 stays. Checked with counters c − 1, c, c + 1, c + 2,
// 0, 65534 and 65535, driven or not, for cooldowns from 0 to the largest,
// uniform and per unit, at every lane position, on every path, in absolute
// terms and against the reference.
func TestCooldownBoundary(t *testing.T) {
	cases := counterCases()
	huge := float32(1e6)
	for _, m := range models {
		isRefractory, strict := refractoryClass(m.class)
		if !isRefractory {
			continue
		}
		for _, dt := range []float64{1, 0.1} {
			// The potential of a unit at rest after a step without input,
			// from the reference: what a unit that is not ready (and not
			// strict) must hold whatever its input.
			quiet := rawUpdate(t, m, boundaryParamSets(t, m)[0], dt)(unitState{r: 0xffff}, 0)
			if leaky := m.class != "RefractoryExponentialSoma" && m.class != "SimplifiedAdaptiveExponentialSoma"; leaky && quiet != 0 {
				t.Fatalf("%s: a leaky unit at rest without input moves to %v", m.class, quiet)
			}
			reset := boundaryParamSets(t, m)[0].rebased("potential_reset") // the defaults
			// Cooldowns in ms that round to the wanted steps.
			cooldownMs := func(c uint16) float32 { return float32(float64(c) * dt) }
			for _, n := range boundarySizes {
				// Uniform cooldowns, then per unit (-1): unit i has
				// boundaryCooldowns[i % len], which the case stride
				// below combines with every case.
				for ci := -1; ci < len(boundaryCooldowns); ci++ {
					cOf := func(i int) uint16 { return boundaryCooldowns[ci] }
					var cooldown spark.Param
					if ci < 0 {
						cOf = func(i int) uint16 { return boundaryCooldowns[i%len(boundaryCooldowns)] }
						v := make([]float32, n)
						for i := range v {
							v[i] = cooldownMs(cOf(i))
						}
						cooldown = spark.PerUnit(v)
					} else {
						cooldown = spark.Uniform(cooldownMs(cOf(0)))
					}
					// One population serves every path and shift, reset
					// before each run.
					s, rm := mustBuild(t, m, n, dt, map[string]spark.Param{"cooldown": cooldown})
					for _, k := range paths() {
						using(t, k)
						for shift := range cases {
							where := func() string {
								return fmt.Sprintf("%s %s dt=%v n=%d cooldowns=%d shift=%d", k.name, m.class, dt, n, ci, shift)
							}
							s.Reset()
							got := stateOf(s)
							current := make([]float32, n)
							caseOf := func(i int) counterCase { return cases[(i/len(boundaryCooldowns)+i+shift)%len(cases)] }
							for i := range n {
								c := cooldownOf(rm, i)
								if c != cOf(i) || got.R[i] != c {
									t.Fatalf("%s: unit %d: cooldown %v ms at dt %v gives c = %d, counter %d; want %d",
										where(), i, cooldownMs(cOf(i)), dt, c, got.R[i], cOf(i))
								}
								r, ok := caseOf(i).r(c)
								if !ok {
									r = c
								}
								got.R[i] = r
								if caseOf(i).kick {
									current[i] = huge
								}
							}
							primePadding(got)
							want, before := cloneState(got, n), cloneState(got, n)
							spikes, wantSpikes := spark.NewSpikes(n), make([]bool, n)
							for i := range spikes {
								spikes[i] = ^uint64(0)
							}
							s.Step(current, spikes)
							rm.Step(want, slices.Clone(current), wantSpikes)

							for i := range n {
								r0, c, kick := before.R[i], cOf(i), caseOf(i).kick
								ready := r0 > c
								if strict {
									ready = r0 >= c
								}
								spiked := ready && kick
								what := func() string {
									return fmt.Sprintf("%s: unit %d, r = %d (case %s), c = %d, driven %v", where(), i, r0, caseOf(i).name, c, kick)
								}
								if spikes.Has(i) != spiked {
									t.Fatalf("%s: spike %v, want %v", what(), spikes.Has(i), spiked)
								}
								wantR := min(int(r0)+1, 0xffff)
								if spiked {
									wantR = 0
								}
								if int(got.R[i]) != wantR {
									t.Fatalf("%s: r → %d, want %d", what(), got.R[i], wantR)
								}
								wantV := quiet
								if spiked || strict && !ready {
									wantV = reset
								}
								if !sameBits(got.V[i], wantV) {
									t.Fatalf("%s: V = %v, want %v", what(), got.V[i], wantV)
								}
							}
							if d := diffState(got, want); d != "" {
								t.Fatalf("%s: path differs from the reference: %s", where(), d)
							}
							if d := diffSpikes(spikes, wantSpikes); d != "" {
								t.Fatalf("%s: path differs from the reference: %s", where(), d)
							}
						}
					}
				}
			}
		}
	}
}

// jumpCase is one population of TestSpikeJumps: a model, its parameters,
// the state and currents it starts from (set by prime), and the absolute
// outcome it must reach.
type jumpCase struct {
	class string
	jump  string // what the case checks
	p     map[string]spark.Param
	prime func(t *testing.T, st ref.State, in []float32)
	check func(t *testing.T, st ref.State, spiked func(i int) bool)
}

// TestSpikeJumps checks, in absolute terms on every path and on the
// reference, what a spike does besides setting its bit, with parameters
// chosen so that every value is exact in float32 and a wrong sign, a
// missing term or a term taken at the wrong time gives another number: the
// potential resets to reset − rest; the adaptive threshold jumps by
// threshold_delta (and relaxes toward its baseline, not away); AdEx's w
// jumps by b and sees the potential after the reset; Izhikevich's u jumps by
// d, after its update from the potential before the reset. Every unit of a
// 130-unit population (two blocks and a tail) is checked.
func TestSpikeJumps(t *testing.T) {
	const n = 130
	values := func(what string, got []float32, want func(i int) float32) func(t *testing.T) {
		return func(t *testing.T) {
			t.Helper()
			for i, x := range got {
				if w := want(i); !sameBits(x, w) {
					t.Fatalf("%s of unit %d = %v, want %v", what, i, x, w)
				}
			}
		}
	}
	even := func(a, b float32) func(i int) float32 {
		return func(i int) float32 {
			if i%2 == 0 {
				return a
			}
			return b
		}
	}
	spikesEven := func(t *testing.T, class string, spiked func(i int) bool) {
		t.Helper()
		for i := range n {
			if spiked(i) != (i%2 == 0) {
				t.Fatalf("%s unit %d: spike %v, want %v", class, i, spiked(i), i%2 == 0)
			}
		}
	}
	var cases []jumpCase

	// Every soma: a unit driven far over its threshold resets to
	// reset − rest = −48.5 − (−61) = 12.5.
	for _, m := range models {
		cases = append(cases, jumpCase{
			class: m.class,
			jump:  "reset",
			p:     map[string]spark.Param{"potential_rest": spark.Uniform(-61), "potential_reset": spark.Uniform(-48.5)},
			prime: func(t *testing.T, st ref.State, in []float32) {
				for i := range n {
					st.R[i] = 0xffff // ready
					in[i] = 1e6
				}
			},
			check: func(t *testing.T, st ref.State, spiked func(i int) bool) {
				for i := range n {
					if !spiked(i) {
						t.Fatalf("%s unit %d did not spike", m.class, i)
					}
				}
				values(m.class+" V after a spike", st.V, func(int) float32 { return 12.5 })(t)
			},
		})
	}

	// The adaptive threshold, baseline thr = −40 − (−60) = 20 and
	// threshold_delta 37.25: even units spike from θ = thr and jump to
	// thr + 37.25 (thr − θ = 0, so the relaxation adds nothing); odd units
	// start at θ = thr + 16, do not spike, and relax toward thr by
	// λθ·(thr − θ) = −16·λθ, with λθ = rate(threshold_tau) = 1 − exp(−1/20).
	lambda := float32(-math.Expm1(-1.0 / 20))
	relaxed := 36 + float32(lambda*-16)
	if !(20 < relaxed && relaxed < 36) {
		t.Fatalf("relaxed θ %v is not between thr and θ", relaxed)
	}
	for _, class := range []string{"AdaptiveLeakySoma", "SimplifiedAdaptiveExponentialSoma"} {
		cases = append(cases, jumpCase{
			class: class,
			jump:  "theta",
			p: map[string]spark.Param{
				"potential_rest": spark.Uniform(-60), "threshold": spark.Uniform(-40),
				"threshold_tau": spark.Uniform(20), "threshold_delta": spark.Uniform(37.25),
			},
			prime: func(t *testing.T, st ref.State, in []float32) {
				values(class+" initial θ", st.Theta, func(int) float32 { return 20 })(t)
				for i := range n {
					st.R[i] = 0xffff
					if i%2 == 0 {
						in[i] = 1e6
					} else {
						st.Theta[i] = 36
					}
				}
			},
			check: func(t *testing.T, st ref.State, spiked func(i int) bool) {
				spikesEven(t, class, spiked)
				values(class+" θ after a step", st.Theta, even(20+37.25, relaxed))(t)
			},
		})
	}

	// AdEx, with kw = dt/adaptation_tau = 1/4, a = 0.5, b = 7 and
	// reset − rest = −62 − (−70) = 8: a spiking unit's w becomes
	// w + kw·(−w + a·8) + b, that is 1 + 7 = 8 from w = 0 and 4 + 0 + 7 = 11
	// from w = 4. The potential before the reset is over 40, and would give
	// other values.
	cases = append(cases, jumpCase{
		class: "AdaptiveExponentialSoma",
		jump:  "w",
		p: map[string]spark.Param{
			"potential_rest": spark.Uniform(-70), "potential_reset": spark.Uniform(-62),
			"adaptation_tau": spark.Uniform(4), "adaptation_subthreshold": spark.Uniform(0.5),
			"adaptation_delta": spark.Uniform(7),
		},
		prime: func(t *testing.T, st ref.State, in []float32) {
			for i := range n {
				in[i] = 1e6
				if i%2 == 1 {
					st.W[i] = 4
				}
			}
		},
		check: func(t *testing.T, st ref.State, spiked func(i int) bool) {
			for i := range n {
				if !spiked(i) {
					t.Fatalf("AdEx unit %d did not spike", i)
				}
			}
			values("AdEx V after a spike", st.V, func(int) float32 { return 8 })(t)
			values("AdEx w after a spike", st.W, even(8, 11))(t)
		},
	})

	// Izhikevich, with dt = 1, R = 0.5, a = 0.5, b = 0.25, d = 2, rest −65
	// and threshold 30 (thr = 95), from V = 65 (v = 0, where 0.04·v² + 5·v
	// vanishes) and u = 0: with I = 0, V rises by 140 to 205, over thr;
	// u ← 0.5·(0.25·(205 − 65)) = 17.5 from the potential before the reset,
	// then jumps by d to 19.5. With I = −400, V rises by 140 − 200 to 5, no
	// spike, and u ← 0.5·(0.25·(5 − 65)) = −7.5, without d.
	cases = append(cases, jumpCase{
		class: "IzhikevichSoma",
		jump:  "u",
		p: map[string]spark.Param{
			"potential_rest": spark.Uniform(-65), "potential_reset": spark.Uniform(-65),
			"threshold": spark.Uniform(30), "resistance": spark.Uniform(0.5),
			"recovery_timescale": spark.Uniform(0.5), "recovery_sensitivity": spark.Uniform(0.25),
			"recovery_update": spark.Uniform(2),
		},
		prime: func(t *testing.T, st ref.State, in []float32) {
			for i := range n {
				st.V[i] = 65
				if i%2 == 1 {
					in[i] = -400
				}
			}
		},
		check: func(t *testing.T, st ref.State, spiked func(i int) bool) {
			spikesEven(t, "Izhikevich", spiked)
			values("Izhikevich V", st.V, even(0, 5))(t)
			values("Izhikevich u", st.U, even(19.5, -7.5))(t)
		},
	})

	for _, c := range cases {
		// The reference first: the same absolute outcome is asked of it.
		t.Run("ref/"+c.class+"/"+c.jump, func(t *testing.T) {
			s, rm := mustBuild(t, modelOf(t, c.class), n, 1, c.p)
			st, in := cloneState(stateOf(s), n), make([]float32, n)
			c.prime(t, st, in)
			spikes := make([]bool, n)
			rm.Step(st, in, spikes)
			c.check(t, st, func(i int) bool { return spikes[i] })
		})
		for _, k := range paths() {
			t.Run(k.name+"/"+c.class+"/"+c.jump, func(t *testing.T) {
				using(t, k)
				s, _ := mustBuild(t, modelOf(t, c.class), n, 1, c.p)
				st, in := stateOf(s), make([]float32, n)
				if st.R == nil {
					st.R = make([]uint16, n) // prime may set it; the soma has none
				}
				c.prime(t, st, in)
				spikes := spark.NewSpikes(n)
				s.Step(in, spikes)
				c.check(t, st, spikes.Has)
			})
		}
	}
}
