package cpu

import (
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/cpuid/v2"
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
	// SPARK_REQUIRE_PATHS=avx2,avx512 (or generic,neon on arm64) makes a
	// machine that must run those paths fail here rather than skip them
	// silently. A required path must be selectable: this build and CPU run
	// it (Supported), so that SPARK_PATH selects it and every package's
	// Dispatch keeps the kernels of it that its arch file lists, which its
	// tests then run (paths()). Whether a package has kernels of the path
	// at all is the package's own test: one with no assembly kernels for
	// this architecture (every package on arm64 until the NEON kernels are
	// listed in its kernels_arm64.go) runs its portable kernels on the
	// path, and its tests of those cover it.
	for _, name := range strings.FieldsFunc(os.Getenv("SPARK_REQUIRE_PATHS"), func(r rune) bool { return r == ',' }) {
		found := false
		for _, p := range ps {
			found = found || p.String() == strings.TrimSpace(name)
		}
		if !found {
			t.Errorf("SPARK_REQUIRE_PATHS names %s, which this build or CPU cannot run (supported: %v)", name, ps)
		}
	}
}

// TestNEON: the NEON path runs only in arm64 builds without the purego
// tag, on a CPU with ASIMD and FP; there it is the default and SPARK_PATH
// selects it, and everywhere else SPARK_PATH=neon is refused at start-up.
func TestNEON(t *testing.T) {
	arm := runtime.GOARCH == "arm64"
	if HasFeatures(NEON) && !arm {
		t.Errorf("GOARCH=%s: the CPU reports NEON's features", runtime.GOARCH)
	}
	if want := arm && hasAsm && HasFeatures(NEON); Supported(NEON) != want {
		t.Errorf("GOARCH=%s, assembly %v, ASIMD+FP %v: Supported(NEON) = %v, want %v",
			runtime.GOARCH, hasAsm, HasFeatures(NEON), Supported(NEON), want)
	}
	if arm && runtime.GOOS == "linux" && !HasFeatures(NEON) {
		// Every arm64 Linux CPU Go runs on has them (qemu-user's too):
		// cpuid not finding them means its detection failed.
		t.Errorf("arm64 Linux: cpuid reports no ASIMD and FP (features %v)", cpuid.CPU.FeatureSet())
	}
	for _, p := range []Path{AVX2, AVX512} {
		if Supported(p) && arm {
			t.Errorf("arm64: %v supported", p)
		}
	}
	if Supported(NEON) {
		if got := selected("neon"); got != NEON {
			t.Errorf("SPARK_PATH=neon selects %v", got)
		}
		if got := selected(""); got != NEON {
			t.Errorf("no SPARK_PATH selects %v, want neon, the best of %v", got, Paths())
		}
		if ps := Paths(); ps[len(ps)-1] != NEON {
			t.Errorf("paths %v do not end with neon", ps)
		}
		return
	}
	if slices.Contains(Paths(), NEON) {
		t.Errorf("paths %v include neon, which is not supported", Paths())
	}
	func() {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "SPARK_PATH=neon, but this build or CPU cannot run it") {
				t.Errorf("SPARK_PATH=neon where it cannot run: panic %q", r)
			}
		}()
		selected("neon")
	}()
	func() {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "not supported here") {
				t.Errorf("Use(NEON) where it cannot run: panic %q", r)
			}
		}()
		Use(NEON)
	}()
}

// TestNames: every path has its own name, and String, Names and the
// paths command's loop over Names agree.
func TestNames(t *testing.T) {
	if len(Names()) != int(numPaths) {
		t.Fatalf("Names() = %v for %d paths", Names(), numPaths)
	}
	seen := map[string]bool{}
	for i, name := range Names() {
		if name == "" || seen[name] || Path(i).String() != name {
			t.Errorf("path %d: name %q (String %q)", i, name, Path(i).String())
		}
		seen[name] = true
	}
	if NEON.String() != "neon" || NEON.Arch() != "arm64" || AVX512.Arch() != "amd64" || Generic.Arch() != "" {
		t.Errorf("neon: %q on %q", NEON, NEON.Arch())
	}
}

// TestPickArch: a package without a kernel of the selected path falls back
// on the best below it on the same architecture, or the portable one,
// never on another architecture's path.
func TestPickArch(t *testing.T) {
	for _, tc := range []struct {
		have []Path
		p    Path
		want int
	}{
		{[]Path{Generic, AVX2, AVX512}, NEON, 0},
		{[]Path{Generic, AVX2, AVX512}, AVX512, 2},
		{[]Path{Generic, AVX2}, AVX512, 1},
		{[]Path{Generic, NEON}, NEON, 1},
		{[]Path{Generic, NEON}, AVX512, 0},
		{[]Path{Generic, NEON}, AVX2, 0},
		{[]Path{Generic, AVX2, AVX512, NEON}, NEON, 3},
		{[]Path{Generic, AVX2, AVX512, NEON}, AVX2, 1},
		{[]Path{Generic}, NEON, 0},
	} {
		if got := pick(tc.have, tc.p); got != tc.want {
			t.Errorf("pick(%v, %v) = %v, want %v", tc.have, tc.p, tc.have[got], tc.have[tc.want])
		}
	}
}

// TestDispatch: a package's impl follows the selected path, falls back to
// the portable kernels for a path it lacks, and follows Use.
func TestDispatch(t *testing.T) {
	type kernels struct{ path Path }
	generic, avx2, avx512, neon := &kernels{Generic}, &kernels{AVX2}, &kernels{AVX512}, &kernels{NEON}
	var impl, partial *kernels
	all := Dispatch(&impl, func(k *kernels) Path { return k.path }, generic, avx2, avx512, neon)
	// A package with AVX2 kernels only: no AVX-512 ones, no NEON ones yet.
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
		want := Generic
		if p == AVX2 || p == AVX512 {
			want = AVX2
		}
		if partial.path != want {
			t.Errorf("Use(%v): a package with only AVX2 kernels runs %v, want %v", p, partial.path, want)
		}
	}
}

// TestSoftwarePrefetch: SPARK_PREFETCH=on or off (any case) decides;
// unset, the kernels ask; any other value is refused at start-up.
func TestSoftwarePrefetch(t *testing.T) {
	if !softwarePrefetch("on") || !softwarePrefetch("ON") || softwarePrefetch("off") || softwarePrefetch("Off") {
		t.Errorf("SPARK_PREFETCH=on/off not obeyed")
	}
	if !softwarePrefetch("") {
		t.Errorf("no prefetching by default")
	}
	defer func() {
		if r, _ := recover().(string); !strings.Contains(r, "SPARK_PREFETCH=1: want on or off") {
			t.Errorf("SPARK_PREFETCH=1: panic %q", r)
		}
	}()
	softwarePrefetch("1")
}
