package conformance

import (
	"encoding/json"
	"math"
	"testing"
)

func TestNum(t *testing.T) {
	var v []Num
	if err := json.Unmarshal([]byte(`[1.5, "nan", "inf", "-inf", -0.0]`), &v); err != nil {
		t.Fatal(err)
	}
	if v[0] != 1.5 || !math.IsNaN(float64(v[1])) || !math.IsInf(float64(v[2]), 1) || !math.IsInf(float64(v[3]), -1) {
		t.Errorf("got %v", v)
	}
	if err := json.Unmarshal([]byte(`["x"]`), &v); err == nil {
		t.Error("a string other than nan/inf/-inf is accepted")
	}
}

func TestTolerance(t *testing.T) {
	up := func(x float32, k int) float32 {
		for range k {
			x = math.Nextafter32(x, float32(math.Inf(1)))
		}
		return x
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tol := Tolerance{ULPs: 4, Scale: 32}
	for _, c := range []struct {
		tol       Tolerance
		got, want float32
		ok        bool
	}{
		{Exact, 1, 1, true},
		{Exact, up(1, 1), 1, false},
		{Exact, nan, nan, true},
		{Exact, nan, 1, false},
		{Exact, 1, nan, false},
		{tol, up(40, 4), 40, true},
		{tol, up(40, 5), 40, false},
		{tol, 1e-6, 0, true}, // within 4 ULP of 32
		{tol, 2e-5, 0, false},
		{tol, inf, inf, true},
		{tol, math.MaxFloat32, inf, false},
		{tol, -inf, inf, false},
	} {
		if got := c.tol.Close(c.got, c.want); got != c.ok {
			t.Errorf("%+v.Close(%v, %v) = %v, want %v", c.tol, c.got, c.want, got, c.ok)
		}
	}
}

func TestLoadEverySoma(t *testing.T) {
	names := SomaFiles()
	if len(names) != 36 {
		t.Fatalf("%d soma runs, want 36", len(names))
	}
	for _, name := range names {
		run, err := LoadSoma(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if run.Units <= 0 || len(run.Steps) == 0 || run.Dt <= 0 || len(run.Initial) == 0 {
			t.Errorf("%s: %d units, %d steps, dt %v", name, run.Units, len(run.Steps), run.Dt)
		}
		for i, s := range run.Steps {
			if len(s.Current) != run.Units || len(s.Spikes) != run.Units {
				t.Fatalf("%s step %d: %d currents, %d spikes for %d units", name, i, len(s.Current), len(s.Spikes), run.Units)
			}
		}
	}
}
