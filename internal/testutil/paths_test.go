package testutil

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/sparkgo/spark/internal/cpu"
)

// errRecorder is a testing.TB that keeps the errors reported to it.
type errRecorder struct {
	testing.TB
	errors []string
}

func (r *errRecorder) Helper()             {}
func (r *errRecorder) Logf(string, ...any) {}
func (r *errRecorder) Errorf(f string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(f, args...))
}

type fakeKernels struct{ path cpu.Path }

func fakePath(k *fakeKernels) cpu.Path { return k.path }

// TestCoverPaths: CoverPaths fails a package whose tests would miss a path
// this build and CPU run, and only then.
func TestCoverPaths(t *testing.T) {
	t.Setenv("SPARK_REQUIRE_PATHS", "")
	generic := &fakeKernels{cpu.Generic}
	var native, foreign []*fakeKernels // one per assembly path of this build's CPU; one of another architecture
	for _, p := range cpu.Paths()[1:] {
		native = append(native, &fakeKernels{p})
	}
	if runtime.GOARCH == "arm64" {
		foreign = []*fakeKernels{{cpu.AVX2}}
	} else {
		foreign = []*fakeKernels{{cpu.NEON}}
	}
	all := append([]*fakeKernels{generic}, native...)
	// runs is the one of kept that Dispatch would run on cpu.Selected
	// (SPARK_PATH may name any path).
	runs := func(kept []*fakeKernels) *fakeKernels {
		for _, k := range kept {
			if k.path == cpu.Selected {
				return k
			}
		}
		return kept[0]
	}
	selected := runs(all)
	for _, tc := range []struct {
		name         string
		listed, kept []*fakeKernels
		impl         *fakeKernels
		want         string // in the one error, "" for none
	}{
		{"every path", native, all, selected, ""},
		{"no assembly kernels", nil, all[:1], generic, ""},
		{"another architecture's", foreign, all, selected, "a path of"},
		{"wrong impl", nil, all[:1], &fakeKernels{cpu.Generic}, "calls run path"},
	} {
		r := &errRecorder{TB: t}
		CoverPaths(r, "fake", fakePath, tc.listed, tc.kept, tc.impl)
		if tc.want == "" && len(r.errors) > 0 || tc.want != "" && (len(r.errors) != 1 || !strings.Contains(r.errors[0], tc.want)) {
			t.Errorf("%s: errors %q, want one saying %q", tc.name, r.errors, tc.want)
		}
	}
	if len(native) == 0 {
		t.Log("this build and CPU run generic only: the cases of a missing path do not apply")
		return
	}
	// An assembly path listed but not kept (Dispatch dropped it), and a
	// path the CPU runs with none listed, while others are.
	r := &errRecorder{TB: t}
	CoverPaths(r, "fake", fakePath, native, all[:len(all)-1], runs(all[:len(all)-1]))
	if len(r.errors) != 2 || !strings.Contains(r.errors[0], "did not keep") || !strings.Contains(r.errors[1], "has no kernels for it") {
		t.Errorf("a listed path not kept: errors %q", r.errors)
	}
	// A required path listed and dropped fails even where the CPU lacks it.
	t.Setenv("SPARK_REQUIRE_PATHS", "generic,"+native[0].path.String())
	r = &errRecorder{TB: t}
	CoverPaths(r, "fake", fakePath, native[:1], all[:1], generic)
	if len(r.errors) == 0 || !strings.Contains(r.errors[0], "did not keep") {
		t.Errorf("a required path dropped: errors %q", r.errors)
	}
}
