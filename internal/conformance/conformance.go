// Package conformance reads the reference runs in testdata: runs of every
// model computed by an independent float32 implementation (see
// testdata/README.md). The files are copied as the project received them
// and never edited. Only tests import this package, so only test binaries embed
// the data.
package conformance

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/sparkgo/spark/internal/ref"
)

//go:embed testdata/*.json.gz
var files embed.FS

// Num is a number of a reference run; non-finite values are written as the
// strings "nan", "inf" and "-inf".
type Num float64

// UnmarshalJSON reads a number or one of the non-finite strings.
func (n *Num) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"nan"`:
		*n = Num(math.NaN())
	case `"inf"`:
		*n = Num(math.Inf(1))
	case `"-inf"`:
		*n = Num(math.Inf(-1))
	default:
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		*n = Num(f)
	}
	return nil
}

// Param is a parameter of a reference run: one value (uniform) or one per unit.
type Param struct {
	Values  []float32
	Uniform bool
}

// UnmarshalJSON reads a number or a list of numbers.
func (p *Param) UnmarshalJSON(b []byte) error {
	var list []Num
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*p = Param{Values: float32s(list)}
		return nil
	}
	var one Num
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*p = Param{Values: []float32{float32(one)}, Uniform: true}
	return nil
}

// Soma is a reference run of a soma population.
type Soma struct {
	Name   string // the file name without extension
	Model  string // the seed class name, e.g. "LeakySoma"
	Dt     float64
	Units  int
	Params map[string]Param // by seed field name

	// Initial is the state right after construction, by state name:
	// "potential" (rebased), "refractory", "threshold" (rebased),
	// "adaptation", "recovery".
	Initial map[string][]Num
	Steps   []SomaStep

	SpikeCount        int   `json:"spike_count"`
	SpikeCountPerUnit []int `json:"spike_count_per_unit"`
}

// SomaStep is one step of a run: its input, and the state and spikes after it.
type SomaStep struct {
	Current []Num
	After   map[string][]Num
	Spikes  []int
}

// Before returns the state before step t: the initial state for t = 0.
func (s *Soma) Before(t int) map[string][]Num {
	if t == 0 {
		return s.Initial
	}
	return s.Steps[t-1].After
}

// ParamValues returns the values of every parameter by name: one value when
// it is uniform, one per unit otherwise.
func (s *Soma) ParamValues() map[string][]float32 {
	p := map[string][]float32{}
	for name, v := range s.Params {
		p[name] = v.Values
	}
	return p
}

// SomaFiles lists the soma reference runs by name, sorted.
func SomaFiles() []string { return list("Soma-") }

// list returns the names of the runs whose file name contains kind, sorted.
func list(kind string) []string {
	entries, err := files.ReadDir("testdata")
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json.gz")
		if strings.Contains(name, kind) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// LoadSoma reads the soma run name (as SomaFiles lists it).
func LoadSoma(name string) (*Soma, error) {
	var s Soma
	if err := load(name, &s); err != nil {
		return nil, err
	}
	s.Name = name
	if len(s.Steps) == 0 || s.Units <= 0 {
		return nil, fmt.Errorf("conformance: %s: no steps or units", name)
	}
	return &s, nil
}

func load(name string, v any) error {
	f, err := files.Open(path.Join("testdata", name+".json.gz"))
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("conformance: %s: %w", name, err)
	}
	if err := json.NewDecoder(z).Decode(v); err != nil {
		return fmt.Errorf("conformance: %s: %w", name, err)
	}
	return nil
}

// Float32s converts a list of numbers to float32.
func Float32s(v []Num) []float32 { return float32s(v) }

func float32s(v []Num) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// Tolerance is how far a value may be from a reference run's: ULPs units in
// the last place of the larger of |want| and Scale. Scale is the magnitude of
// the terms a state is summed from, so that a value that cancels to near
// zero is held to the precision of its terms, not its own.
type Tolerance struct {
	ULPs  float64
	Scale float64
}

// Exact is the tolerance of a model whose arithmetic reproduces the reference
// runs bit for bit.
var Exact = Tolerance{}

// Close reports whether got is within tol of want; NaN matches only NaN, and
// an infinity only itself.
func (tol Tolerance) Close(got, want float32) bool {
	if got == want || (got != got && want != want) {
		return true
	}
	mag := math.Max(math.Abs(float64(want)), tol.Scale)
	ulp := float64(math.Nextafter32(float32(mag), float32(math.Inf(1)))) - float64(float32(mag))
	return math.Abs(float64(got)-float64(want)) <= tol.ULPs*ulp
}

// SomaTolerance is the tolerance for a soma model's states: exact for the
// models the reference implements with the reference runs' own operations,
// a few ULPs of the terms (tens of mV or pA) for the exponential models,
// whose exponential is a different (equally accurate) one.
func SomaTolerance(model string) Tolerance {
	if strings.Contains(model, "Exponential") {
		return Tolerance{ULPs: 4, Scale: 32}
	}
	return Exact
}

// Get returns the array of st that a run names ("potential", "refractory",
// "threshold", "adaptation", "recovery"), as float32: the live array, or a
// copy for the counters.
func Get(st ref.State, name string) ([]float32, error) {
	switch name {
	case "potential":
		return st.V, nil
	case "threshold":
		return st.Theta, nil
	case "adaptation":
		return st.W, nil
	case "recovery":
		return st.U, nil
	case "refractory":
		out := make([]float32, len(st.R))
		for i, r := range st.R {
			out[i] = float32(r)
		}
		return out, nil
	}
	return nil, fmt.Errorf("conformance: unknown state %q", name)
}

// Set writes a run's state (Initial or a step's After) into st.
func Set(st ref.State, vals map[string][]Num) error {
	for name, v := range vals {
		if name == "refractory" {
			for i, x := range v {
				st.R[i] = uint16(x)
			}
			continue
		}
		dst, err := Get(st, name)
		if err != nil {
			return err
		}
		copy(dst, float32s(v))
	}
	return nil
}

// Check reports, as errors of t, the elements of the state array name of
// st that are not within tol of want (the first ten).
func Check(t testing.TB, what string, st ref.State, name string, want []Num, tol Tolerance) {
	t.Helper()
	got, err := Get(st, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range want {
		if w := float32(want[i]); !tol.Close(got[i], w) {
			if bad++; bad <= 10 {
				t.Errorf("%s[%d] = %v, want %v (tolerance %+v)", what, i, got[i], w, tol)
			}
		}
	}
}
