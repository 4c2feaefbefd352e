package spark

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParam(t *testing.T) {
	var unset Param
	if unset.IsSet() || unset.String() != "unset" {
		t.Errorf("zero Param: IsSet %v, %q", unset.IsSet(), unset)
	}
	u := Uniform(-60)
	if !u.IsSet() || !u.IsUniform() || !slices.Equal(u.Values(), []float32{-60}) || u.String() != "-60" {
		t.Errorf("Uniform(-60) = %+v, %q", u, u)
	}
	p := PerUnit([]float32{1, 2.5})
	if !p.IsSet() || p.IsUniform() || !slices.Equal(p.Values(), []float32{1, 2.5}) || p.String() != "[1 2.5]" {
		t.Errorf("PerUnit = %+v, %q", p, p)
	}
	if one := PerUnit([]float32{3}); one.IsUniform() {
		t.Error("PerUnit of one value is uniform; it must be checked against Units")
	}
	if e := PerUnit(nil); !e.IsSet() || len(e.Values()) != 0 {
		t.Error("PerUnit(nil) is unset; it must be set, so that its length is refused")
	}
}

func TestConfigError(t *testing.T) {
	for _, c := range []struct {
		e    ConfigError
		want string
	}{
		{ConfigError{Config: "soma.LeakyConfig", Field: "PotentialTau", Index: -1, Value: -5, Rule: "must be finite and > 0"},
			"soma.LeakyConfig.PotentialTau = -5: must be finite and > 0"},
		{ConfigError{Config: "soma.LeakyConfig", Field: "Threshold", Index: 7, Value: 1e40, Rule: "must be finite"},
			"soma.LeakyConfig.Threshold[7] = 1e+40: must be finite"},
		{ConfigError{Config: "soma.LeakyConfig", Field: "Threshold", Index: -1, Length: true, Value: 4, Rule: "r"},
			"len(soma.LeakyConfig.Threshold) = 4: r"},
		{ConfigError{Config: "soma.LeakyConfig", Field: "Units", Index: -1, Value: 1 << 31, Rule: "r"},
			"soma.LeakyConfig.Units = 2147483648: r"}, // a size in full, not as the float32 2.1474836e+09
		{ConfigError{Config: "soma.LeakyConfig", Field: "Threshold", Index: -1, Value: -40.25, Rule: "r"},
			"soma.LeakyConfig.Threshold = -40.25: r"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestSpikes(t *testing.T) {
	for k, n := range []int{0, 1, 63, 64, 65, 127, 128, 129, 1000, 0, 1, 63, 64, 65, 127, 128, 129, 1000, 5000} {
		density := 3 // one unit in three; then sparse, for AppendIndices' skipping of empty words
		if k >= 9 {
			density = 150
		}
		s := NewSpikes(n)
		if len(s) != (n+63)/64 || SpikeWords(n) != len(s) {
			t.Fatalf("NewSpikes(%d): %d words", n, len(s))
		}
		r := rand.New(rand.NewPCG(uint64(n), 1))
		want := make([]bool, n)
		var idx []int
		for i := range want {
			want[i] = r.IntN(density) == 0
			if want[i] {
				s.Set(i)
				idx = append(idx, i)
			}
		}
		got := make([]bool, n)
		s.Bools(got)
		if !slices.Equal(got, want) || s.Count() != len(idx) || !slices.Equal(s.AppendIndices(nil), idx) {
			t.Fatalf("n=%d: Bools, Count or AppendIndices disagree with Set", n)
		}
		for i := range want {
			if s.Has(i) != want[i] {
				t.Fatalf("n=%d: Has(%d) = %v", n, i, s.Has(i))
			}
		}
		if pre := s.AppendIndices([]int{-1}); pre[0] != -1 || len(pre) != len(idx)+1 {
			t.Errorf("AppendIndices does not append")
		}
		t2 := NewSpikes(n)
		for i := range t2 {
			t2[i] = ^uint64(0)
		}
		t2.SetBools(want)
		if !slices.Equal(t2, s) {
			t.Errorf("n=%d: SetBools gives %x, want %x", n, t2, s)
		}
		s.Clear()
		if s.Count() != 0 {
			t.Errorf("Clear leaves %d", s.Count())
		}
	}
}

func TestSpikesPanics(t *testing.T) {
	s := NewSpikes(64)
	for name, f := range map[string]func(){
		"Bools":    func() { s.Bools(make([]bool, 65)) },
		"SetBools": func() { s.SetBools(make([]bool, 65)) },
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.Contains(r, name+": len") || !strings.Contains(r, "65") {
					t.Errorf("%s with 65 bools for 1 word: panic %q", name, r)
				}
			}()
			f()
		}()
	}
}
