package ref_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// TestDigest hashes every bit the reference computes on a fixed workload:
// every soma, uniform and per unit, at two time steps, with NaN, ±Inf,
// subnormal and huge inputs; every synapse model and its traces; and Exp
// over a sweep of arguments. The hash is
// the same on every GOARCH and GOAMD64, or the reference's rounding is not
// pinned: .ci/run computes it natively, then checks it with GOAMD64=v3 and,
// under qemu, on arm64, passing it in SPARK_REF_DIGEST.
func TestDigest(t *testing.T) {
	got := digest()
	if again := digest(); again != got {
		t.Fatalf("the reference is not deterministic: digest %s, then %s", got, again)
	}
	t.Logf("reference digest %s", got)
	if want := os.Getenv("SPARK_REF_DIGEST"); want != "" && got != want {
		t.Fatalf("reference digest %s, want %s (from another GOARCH/GOAMD64): the reference rounds differently here", got, want)
	}
	if out := os.Getenv("SPARK_REF_DIGEST_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rng is the tests' generator, the same sequence everywhere.
type rng = testutil.Rng

// params draws parameters around the defaults of a model, uniform or per unit.
func params(r *rng, model string, n int, perUnit bool) ref.Params {
	base := map[string]float32{
		"potential_rest": -60, "potential_reset": -50, "potential_tau": 20, "resistance": 0.1,
		"threshold": -40, "cooldown": 2, "threshold_tau": 20, "threshold_delta": 100,
	}
	switch {
	case model == "IzhikevichSoma":
		base = map[string]float32{
			"potential_rest": -65, "potential_reset": -65, "resistance": 0.1, "threshold": 30,
			"recovery_timescale": 0.02, "recovery_sensitivity": 0.2, "recovery_update": 2,
		}
	case strings.HasSuffix(model, "ExponentialSoma"):
		for k, v := range map[string]float32{
			"potential_rest": -70, "potential_reset": -51, "potential_tau": 5, "resistance": 0.5,
			"threshold": -30, "rheobase_threshold": -50, "spike_slope": 2,
			"adaptation_tau": 100, "adaptation_delta": 7, "adaptation_subthreshold": 0.5,
		} {
			base[k] = v
		}
	}
	names := make([]string, 0, len(base))
	for k := range base {
		names = append(names, k)
	}
	sort.Strings(names)
	p := ref.Params{}
	for _, k := range names {
		v := base[k]
		if !perUnit {
			p[k] = ref.P{v}
			continue
		}
		vals := make(ref.P, n)
		for i := range vals {
			vals[i] = v * r.Uniform(0.9, 1.1)
			if k == "cooldown" {
				vals[i] = float32(r.Next() % 4)
			}
		}
		p[k] = vals
	}
	return p
}

// specials are inputs every kernel must survive.
var specials = []float32{
	float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-45, -1e-40, 0,
	float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, 1e30,
}

func digest() string {
	h := sha256.New()
	r := rng(88172645463325252)
	models := make([]string, 0, len(ref.Somas))
	for name := range ref.Somas {
		models = append(models, name)
	}
	sort.Strings(models)
	const n, steps = 67, 300
	for _, model := range models {
		for _, dt := range []float64{0.1, 1} {
			for _, perUnit := range []bool{false, true} {
				m := ref.Somas[model](dt, params(&r, model, n, perUnit))
				st, spikes, cur := newState(n), make([]bool, n), make([]float32, n)
				m.Init(st)
				for step := 0; step < steps; step++ {
					for i := range cur {
						cur[i] = r.Uniform(0, 600)
						if r.Next()%50 == 0 {
							cur[i] = specials[r.Next()%uint64(len(specials))]
						}
					}
					m.Step(st, cur, spikes)
					hashState(h, st, spikes)
				}
			}
		}
	}
	digestSynapses(h, &r)
	for bits := uint32(0); bits < 1<<32-1<<20; bits += 1<<20 + 7 {
		binary.Write(h, binary.LittleEndian, math.Float32bits(ref.Exp(math.Float32frombits(bits))))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashState(h hash.Hash, st ref.State, spikes []bool) {
	for _, a := range [][]float32{st.V, st.Theta, st.W, st.U} {
		for _, x := range a {
			if x != x {
				x = float32(math.NaN()) // NaN payloads may differ between ISAs; NaN-ness may not
			}
			binary.Write(h, binary.LittleEndian, math.Float32bits(x))
		}
	}
	binary.Write(h, binary.LittleEndian, st.R)
	binary.Write(h, binary.LittleEndian, spikes)
}

// digestSynapses hashes every synapse model, with traces per post unit and
// per synapse, synchronous and asynchronous spikes, and random weights.
func digestSynapses(h hash.Hash, r *rng) {
	const post, pre, steps = 13, 71, 100
	models := []string{"LinearSynapses"}
	for name := range ref.Traces {
		models = append(models, name)
	}
	sort.Strings(models[1:])
	w := make([]float32, post*pre)
	for i := range w {
		w[i] = r.Uniform(-40, 40)
	}
	inh := make([]bool, pre)
	for j := range inh {
		inh[j] = r.Next()%5 == 0
	}
	for _, model := range models {
		for _, perConnection := range []bool{false, true} {
			p := ref.Params{}
			for _, f := range ref.TraceParams[model] {
				v := make(ref.P, post*pre)
				for i := range v {
					v[i] = f.Default * r.Uniform(0.5, 1.5)
					if !perConnection {
						v[i] = v[i-i%pre]
					}
				}
				p[f.Name] = v
			}
			if model == "LinearSynapses" && perConnection {
				continue
			}
			m := ref.NewSynapses(model, 0.25, post, pre, w, inh, p, perConnection)
			st := m.NewState()
			cur := make([]float32, post)
			for step := range steps {
				async := step%2 == 1
				s := make([]bool, pre)
				if async {
					s = make([]bool, post*pre)
				}
				for k := range s {
					s[k] = r.Next()%3 == 0
				}
				if async {
					m.StepAsync(st, s, cur)
				} else {
					m.Step(st, s, cur)
				}
				for _, a := range append(st, cur) {
					binary.Write(h, binary.LittleEndian, a)
				}
			}
		}
	}
}
