package cpu

import (
	"os"
	"strings"
	"testing"
)

func TestSelected(t *testing.T) {
	ps := Paths()
	if ps[0] != Generic {
		t.Fatalf("paths %v do not start with generic", ps)
	}
	if os.Getenv("SPARK_PATH") == "" && Selected != ps[len(ps)-1] {
		t.Errorf("selected %v, want the best of %v", Selected, ps)
	}
	for _, p := range ps {
		if got := selected(strings.ToUpper(p.String())); got != p {
			t.Errorf("SPARK_PATH=%s selects %v", p, got)
		}
	}
	func() {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "unknown path") {
				t.Errorf("SPARK_PATH=sse9: panic %q", r)
			}
		}()
		selected("sse9")
	}()
	// SPARK_REQUIRE_PATHS=avx2,avx512 makes a machine that must run those
	// paths fail here rather than skip them silently.
	for _, name := range strings.FieldsFunc(os.Getenv("SPARK_REQUIRE_PATHS"), func(r rune) bool { return r == ',' }) {
		found := false
		for _, p := range ps {
			found = found || p.String() == name
		}
		if !found {
			t.Errorf("SPARK_REQUIRE_PATHS names %s, which this build or CPU cannot run (supported: %v)", name, ps)
		}
	}
}

// TestDispatch: a package's impl follows the selected path, falls back to
// the portable kernels for a path it lacks, and follows Use.
func TestDispatch(t *testing.T) {
	type kernels struct{ path Path }
	generic, avx2, avx512 := &kernels{Generic}, &kernels{AVX2}, &kernels{AVX512}
	var impl, partial *kernels
	all := Dispatch(&impl, func(k *kernels) Path { return k.path }, generic, avx2, avx512)
	Dispatch(&partial, func(k *kernels) Path { return k.path }, generic, avx2)
	if len(all) != len(Paths()) || all[0] != generic {
		t.Fatalf("kept %d implementations for paths %v", len(all), Paths())
	}
	saved := Selected
	defer Use(saved)
	for _, p := range Paths() {
		Use(p)
		if impl.path != p {
			t.Errorf("Use(%v): impl runs %v", p, impl.path)
		}
		if want := min(p, AVX2); partial.path != want {
			t.Errorf("Use(%v): a package without AVX-512 kernels runs %v, want %v", p, partial.path, want)
		}
	}
}
