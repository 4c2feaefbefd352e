package soma

import (
	"fmt"
	"math"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// expClasses are the somas whose update takes an exponential.
var expClasses = []string{"ExponentialSoma", "RefractoryExponentialSoma", "AdaptiveExponentialSoma", "SimplifiedAdaptiveExponentialSoma"}

// expArgPotentials returns potentials V that put the exponential's argument
// (V − rh)/Δ, for rh = 20 and Δ = 2 (the defaults: rheobase −50 mV, rest
// −70 mV, slope 2 mV), on the points where its computation changes: 0 (V
// at the rheobase, the spike-initiation point) and its neighbours, each
// clamp (89 and −104) and the floats around them, the overflow point
// (≈ 88.72) and the last normal and subnormal results (≈ −87.3 and
// ≈ −103.3), far beyond both clamps, and ±Inf.
func expArgPotentials() []float32 {
	const rh, delta = 20, 2
	var vs []float32
	around := func(x float32, k int) {
		v := rh + delta*x // exact for these x: Δ is a power of two
		vs = append(vs, v)
		up, down := v, v
		for range k {
			up, down = nextUp(up), nextDown(down)
			vs = append(vs, up, down)
		}
	}
	for _, x := range []float32{0, 89, -104, 88.72284, -87.33655, -103.2789, 50, -50} {
		around(x, 3)
	}
	vs = append(vs, rh+delta*1000, rh-delta*1000, math.MaxFloat32, -math.MaxFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	return vs
}

// TestExpArgumentBoundaries steps every exponential soma, on every path,
// from potentials whose exponential argument lies on its clamps, around
// them, beyond them and at zero (the spike-initiation point), in every lane
// position of a block and its tail, with zero and non-zero currents and
// with uniform and per-unit parameters, and compares the state and spikes
// with the reference bit for bit.
func TestExpArgumentBoundaries(t *testing.T) {
	vs := expArgPotentials()
	for _, class := range expClasses {
		m := modelOf(t, class)
		for _, k := range paths() {
			for _, perUnit := range []bool{false, true} {
				for _, n := range []int{len(vs), 64 + len(vs)} {
					t.Run(fmt.Sprintf("%s/%s/perUnit=%v/n=%d", class, k.name, perUnit, n), func(t *testing.T) {
						using(t, k)
						var p map[string]spark.Param
						if perUnit {
							// The defaults, one value per unit: the streamed kernels.
							p = map[string]spark.Param{"spike_slope": spark.PerUnit(repeat(2, n)),
								"rheobase_threshold": spark.PerUnit(repeat(-50, n))}
						}
						s, rm := mustBuild(t, m, n, 0.1, p)
						got := stateOf(s)
						for off := range 3 { // each potential in several lanes
							for i := range got.V {
								got.V[i] = vs[(i+off)%len(vs)]
							}
							for i := range got.R {
								got.R[i] = 0xffff // ready
							}
							want := cloneState(got, n)
							cur := make([]float32, n)
							for i := range cur {
								cur[i] = float32(i%3) * 40
							}
							spikes, wantSpikes := spark.NewSpikes(n), make([]bool, n)
							s.Step(cur, spikes)
							rm.Step(want, cur, wantSpikes)
							if d := diffState(got, want); d != "" {
								t.Fatalf("offset %d: %s", off, d)
							}
							if d := diffSpikes(spikes, wantSpikes); d != "" {
								t.Fatalf("offset %d: %s", off, d)
							}
						}
					})
				}
			}
		}
	}
}

func repeat(x float32, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = x
	}
	return v
}

// TestExpArgumentsReachTheirCases checks that expArgPotentials does what
// it says: the reference's exponential of its arguments takes the clamps,
// overflows to +Inf, gives 0, a subnormal, and 1 at the spike-initiation
// point.
func TestExpArgumentsReachTheirCases(t *testing.T) {
	var inf, zero, subnormal, one, nan int
	for _, v := range expArgPotentials() {
		e := ref.Exp((v - 20) / 2)
		switch {
		case e != e:
			nan++
		case math.IsInf(float64(e), 1):
			inf++
		case e == 0:
			zero++
		case e < 0x1p-126:
			subnormal++
		case e == 1:
			one++
		}
	}
	if inf < 5 || zero < 5 || subnormal < 3 || one != 1 || nan != 1 {
		t.Errorf("+Inf %d, 0 %d, subnormal %d, 1 %d, NaN %d: the potentials miss cases", inf, zero, subnormal, one, nan)
	}
}

// TestSpikeSlopeLoops: a spike slope that is a power of two, one value for
// every unit, runs the kernels' second loop, which multiplies by its
// reciprocal instead of dividing; every other runs the first. Both must
// give the reference's bits: slopes that are powers of two (down to the
// smallest whose reciprocal is normal), and slopes just off them, on every
// path, with random states (NaN, ±Inf and subnormal values among them);
// in the uniform kernels, in the streamed ones (a threshold per unit
// beside the one slope), and with a slope per unit: the same power of two
// in all 64 units but one, which must divide.
func TestSpikeSlopeLoops(t *testing.T) {
	slopes := []float32{2, 0.5, 1, 4, 0x1p-20, 0x1p20, 0x1p-126, 0x1p126, 0x1p127,
		3, 1.5, 0.3, math.Nextafter32(2, 3), math.Nextafter32(2, 1), 0x1p-127}
	params := func(form string, slope float32, n int) map[string]spark.Param {
		switch form {
		case "uniform":
			return map[string]spark.Param{"spike_slope": spark.Uniform(slope)}
		case "threshold per unit":
			thr := make([]float32, n)
			for i := range thr {
				thr[i] = -30 + float32(i%7)
			}
			return map[string]spark.Param{"spike_slope": spark.Uniform(slope), "threshold": spark.PerUnit(thr)}
		}
		slopes := make([]float32, n)
		for i := range slopes {
			slopes[i] = slope
		}
		if form == "slope per unit, one off" {
			slopes[n/2] = 2 * slope
		}
		return map[string]spark.Param{"spike_slope": spark.PerUnit(slopes)}
	}
	for _, class := range expClasses {
		m := modelOf(t, class)
		for _, k := range paths() {
			t.Run(class+"/"+k.name, func(t *testing.T) {
				using(t, k)
				r := rng(0x51093)
				for _, slope := range slopes {
					for _, c := range []struct {
						form string
						ns   []int
					}{{"uniform", []int{64, 100, 300}}, {"threshold per unit", []int{64, 100, 300}},
						{"slope per unit", []int{64, 100}}, {"slope per unit, one off", []int{64}}} {
						for _, n := range c.ns {
							if c.form == "slope per unit, one off" && math.IsInf(float64(2*slope), 0) {
								continue
							}
							s, rm := mustBuild(t, m, n, 0.1, params(c.form, slope, n))
							got := stateOf(s)
							scramble(&r, got)
							want := cloneState(got, n)
							cur := make([]float32, n)
							spikes, wantSpikes := spark.NewSpikes(n), make([]bool, n)
							for step := range 3 {
								currents(&r, cur)
								s.Step(cur, spikes)
								rm.Step(want, cur, wantSpikes)
								if d := diffState(got, want); d != "" {
									t.Fatalf("slope %v, %s, n=%d step %d: %s", slope, c.form, n, step, d)
								}
								if d := diffSpikes(spikes, wantSpikes); d != "" {
									t.Fatalf("slope %v, %s, n=%d step %d: %s", slope, c.form, n, step, d)
								}
							}
						}
					}
				}
			})
		}
	}
}
