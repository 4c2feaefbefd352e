package soma

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// paths are the implementations this machine can run, each tested against
// the reference. The portable kernels run everywhere.
func paths() []*kernels { return all }

// TestPathsCovered fails when this build and CPU run a path whose kernels
// soma lists but its tests would not run, or a path soma has assembly
// kernels of this architecture for but none of that path, and checks that
// every call runs the path the cpu package selected (the portable kernels
// where soma has none of it).
// See testutil.CoverPaths.
func TestPathsCovered(t *testing.T) {
	testutil.CoverPaths(t, "soma", func(k *kernels) cpu.Path { return k.path }, archKernels(), paths(), impl)
}

// using makes the rest of the test run the kernels k.
func using(t testing.TB, k *kernels) { testutil.Set(t, &impl, k) }

// rng is the tests' generator, the same sequence everywhere.
type rng = testutil.Rng

// specials are the inputs docs/models.md says propagate by IEEE rules, unit by unit.
var specials = []float32{
	float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	math.Float32frombits(1), -math.Float32frombits(0x007fffff), // subnormals
	math.MaxFloat32, -math.MaxFloat32, float32(math.Copysign(0, -1)),
}

// draw returns a value of field f near its default that f's rule allows.
func draw(r *rng, f config.Field) float32 {
	switch f.Seed {
	case "cooldown":
		return r.Uniform(0, 4)
	}
	d := f.Default
	if f.Rule.Text == config.Positive.Text {
		return d * r.Uniform(0.5, 1.5)
	}
	span := float32(math.Abs(float64(d)))*0.3 + 1
	return d + r.Uniform(-span, span)
}

// randomParams draws every parameter of m, uniform or per unit.
func randomParams(r *rng, m model, n int, perUnit bool) map[string]spark.Param {
	_, fields, err := m.build(1, 1, nil)
	if err != nil {
		panic(err)
	}
	p := map[string]spark.Param{}
	for _, f := range fields {
		if !perUnit {
			p[f.Seed] = spark.Uniform(draw(r, f))
			continue
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = draw(r, f)
		}
		p[f.Seed] = spark.PerUnit(v)
	}
	return p
}

// scramble sets every state of s to random values, a few of them special.
func scramble(r *rng, st ref.State) {
	f := func(x []float32, lo, hi float32) {
		for i := range x {
			x[i] = r.Uniform(lo, hi)
			if r.Intn(40) == 0 {
				x[i] = specials[r.Intn(len(specials))]
			}
		}
	}
	f(st.V, -30, 30)
	f(st.Theta, 0, 120)
	f(st.W, -50, 50)
	f(st.U, -20, 20)
	for i := range st.R {
		switch r.Intn(8) {
		case 0:
			st.R[i] = 0xffff
		case 1:
			st.R[i] = 0xfffe
		default:
			st.R[i] = uint16(r.Intn(6))
		}
	}
}

// currents fills x with currents that make some units spike, a few special.
func currents(r *rng, x []float32) {
	for i := range x {
		x[i] = r.Uniform(-50, 600)
		if r.Intn(50) == 0 {
			x[i] = specials[r.Intn(len(specials))]
		}
	}
}

// lengths are the population sizes the paths are tested on: every size up to
// a few hundred, for the tails, and a few larger ones.
func lengths() []int {
	n := make([]int, 0, 310)
	for i := 1; i <= 300; i++ {
		n = append(n, i)
	}
	return append(n, 511, 1000, 4099)
}

// TestPathsMatchReference runs every soma on every path against the
// reference, bit for bit: every size from 1 to 300 and some larger,
// uniform and per-unit parameters, two time steps, random states with NaN,
// ±Inf and subnormal values, and currents read through slices at every
// offset of a larger array.
func TestPathsMatchReference(t *testing.T) {
	const steps = 12
	sizes := lengths()
	if testing.Short() {
		sizes = []int{1, 7, 63, 64, 65, 130, 300}
	}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x9e3779b97f4a7c15)
				buf := make([]float32, 4099+8)
				spiked, quiet := 0, 0
				for _, n := range sizes {
					for _, perUnit := range []bool{false, true} {
						for _, dt := range []float64{1, 0.1} {
							s, rm := mustBuild(t, m, n, dt, randomParams(&r, m, n, perUnit))
							got := stateOf(s)
							scramble(&r, got)
							want := cloneState(got, n)
							spikes, wantSpikes := spark.NewSpikes(n), make([]bool, n)
							off := n % 8
							current := buf[off : off+n]
							for step := range steps {
								currents(&r, current)
								in := slices.Clone(current)
								for i := range spikes {
									spikes[i] = r.Next() // Step must overwrite every word
								}
								s.Step(current, spikes)
								rm.Step(want, in, wantSpikes)
								where := fmt.Sprintf("n=%d perUnit=%v dt=%v step %d", n, perUnit, dt, step)
								if d := diffState(got, want); d != "" {
									t.Fatalf("%s: %s", where, d)
								}
								if d := diffSpikes(spikes, wantSpikes); d != "" {
									t.Fatalf("%s: %s", where, d)
								}
								if !slices.EqualFunc(current, in, sameBits) {
									t.Fatalf("%s: Step wrote to its input currents", where)
								}
								if c := spikes.Count(); c == 0 {
									quiet++
								} else {
									spiked += c
								}
							}
						}
					}
				}
				// The workload is worth its time only if units both spike
				// and stay quiet.
				if spiked == 0 || quiet == 0 {
					t.Errorf("%d spikes, %d quiet steps: the test draws no interesting dynamics", spiked, quiet)
				}
			})
		}
	}
}
