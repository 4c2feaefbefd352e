package testutil

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark/internal/cpu"
)

// CoverPaths fails t where the tests of package pkg would leave out a path
// that this build and CPU run, or would run the wrong implementation.
// listed are the assembly implementations its arch file
// (kernels_<GOARCH>.go, archKernels) lists, kept those cpu.Dispatch kept,
// the portable one first (the package's paths(), which its tests run
// each), impl the one every call runs, path tells an implementation's
// path.
//
// The rule for a path the CPU has (what CI sets SPARK_REQUIRE_PATHS to):
// it must be selectable, cpu.Supported, which internal/cpu's TestSelected
// checks; and a package whose arch file lists assembly kernels must have
// kernels of every path this build and CPU run, each kept and so tested.
// A package whose arch file lists none (every package on arm64 until its
// NEON kernels are listed) runs its portable kernels on every path, and
// its tests of the portable kernels cover them: that is logged, not a
// failure. A listed kernel of a path another architecture's, or of a path
// SPARK_REQUIRE_PATHS names, that Dispatch dropped, is a failure: its
// tests would silently not run it.
func CoverPaths[K any](t testing.TB, pkg string, path func(*K) cpu.Path, listed, kept []*K, impl *K) {
	t.Helper()
	required := strings.Split(os.Getenv("SPARK_REQUIRE_PATHS"), ",")
	has := func(p cpu.Path) bool {
		return slices.ContainsFunc(kept, func(k *K) bool { return path(k) == p })
	}
	for _, k := range listed {
		p := path(k)
		switch {
		case p.Arch() != runtime.GOARCH:
			t.Errorf("%s: kernels_%s.go lists kernels of path %v, a path of %q", pkg, runtime.GOARCH, p, p.Arch())
		case (cpu.Supported(p) || slices.Contains(required, p.String())) && !has(p):
			t.Errorf("%s: kernels_%s.go lists kernels of path %v, which Dispatch did not keep (this build and CPU run %v): its tests would not run them",
				pkg, runtime.GOARCH, p, cpu.Paths())
		}
	}
	for _, p := range cpu.Paths() {
		switch {
		case has(p):
		case len(listed) == 0:
			t.Logf("%s: no assembly kernels in this build: path %v runs the portable kernels, which the tests run as path generic", pkg, p)
		default:
			t.Errorf("this build and CPU run path %v, but %s has no kernels for it: its tests would not run it", p, pkg)
		}
	}
	// Every call runs the selected path's kernels, or the portable ones
	// where the package has none of it (see cpu.Dispatch).
	want := kept[0]
	for _, k := range kept {
		if path(k) == cpu.Selected {
			want = k
		}
	}
	if impl != want {
		t.Errorf("%s: calls run path %v, want %v (cpu.Selected is %v)", pkg, path(impl), path(want), cpu.Selected)
	}
	for _, k := range kept {
		t.Logf("%s: tests path %v", pkg, path(k))
	}
}
