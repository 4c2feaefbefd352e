package cpu

import (
	"strings"
	"testing"
)

// fakeKernels is a package's kernels struct: each kernel one way a path
// may or may not have its own.
type fakeKernels struct {
	path Path
	name string

	own     func(int) int    // every path its own
	shared  func(int) int    // every path the portable function
	partial func(int) int    // AVX2 the portable function, AVX-512 its own
	added   func(int) int    // no portable kernel (nil), the assembly paths one
	dropped func(int) int    // a portable kernel, AVX-512 none (nil)
	table   [2][2]func() int // an array of kernels: [1][0] AVX2's own, the rest portable
	factory func(int) int    // every path a closure of one literal, capturing its own value
}

func ownGeneric(x int) int     { return x + 1 }
func ownAVX2(x int) int        { return x + 2 }
func ownAVX512(x int) int      { return x + 3 }
func ownNEON(x int) int        { return x + 4 }
func sharedGeneric(x int) int  { return x * 2 }
func partialGeneric(x int) int { return x * 3 }
func partialAVX512(x int) int  { return x * 4 }
func addedAsm(x int) int       { return x - 1 }
func cellGeneric() int         { return 10 }
func cellAVX2() int            { return 20 }

// adder is a closure factory: its closures share one code pointer (not
// inlined: an inlined factory's literal is copied into each caller).
//
//go:noinline
func adder(k int) func(int) int { return func(x int) int { return x + k } }

var (
	fakeGeneric = fakeKernels{path: Generic, name: "generic", own: ownGeneric, shared: sharedGeneric, partial: partialGeneric,
		dropped: ownGeneric, table: [2][2]func() int{{cellGeneric, cellGeneric}, {cellGeneric, cellGeneric}}, factory: adder(0)}
	fakeAVX2 = fakeKernels{path: AVX2, name: "avx2", own: ownAVX2, shared: sharedGeneric, partial: partialGeneric,
		added: addedAsm, dropped: ownAVX2, table: [2][2]func() int{{cellGeneric, cellGeneric}, {cellAVX2, cellGeneric}},
		factory: adder(2)}
	fakeAVX512 = fakeKernels{path: AVX512, name: "avx512", own: ownAVX512, shared: sharedGeneric, partial: partialAVX512,
		added: addedAsm, table: [2][2]func() int{{cellGeneric, cellGeneric}, {cellGeneric, cellGeneric}}, factory: adder(3)}
	fakeNEON = fakeKernels{path: NEON, name: "neon", own: ownNEON, shared: sharedGeneric, partial: partialGeneric,
		table: [2][2]func() int{{cellGeneric, cellGeneric}, {cellGeneric, cellGeneric}}, factory: adder(4)}
)

const fakeName = "github.com/sparkgo/spark/internal/cpu.fakeKernels"

func fakePath(k *fakeKernels) Path { return k.path }

// TestPortable: the registry tells, for every path, which kernels are the
// portable function, whatever this CPU runs (the implementations are
// registered as if every path were kept).
func TestPortable(t *testing.T) {
	register([]*fakeKernels{&fakeGeneric, &fakeAVX2, &fakeAVX512}, fakePath)
	t.Cleanup(func() { delete(registry, fakeName) })
	for kernel, want := range map[string][3]bool{ // generic, avx2, avx512
		"own":         {true, false, false},
		"shared":      {true, true, true},
		"partial":     {true, true, false},
		"added":       {true, false, false},
		"dropped":     {true, false, true},
		"table[0][0]": {true, true, true},
		"table[0][1]": {true, true, true},
		"table[1][0]": {true, false, true},
		"table[1][1]": {true, true, true},
		// Conservative: one literal's closures read as the portable code.
		"factory": {true, true, true},
	} {
		for p := Generic; p <= AVX512; p++ {
			got, err := Portable(fakeName, kernel, p)
			if err != nil {
				t.Fatal(err)
			}
			if got != want[p] {
				t.Errorf("%s on %v: portable %v, want %v", kernel, p, got, want[p])
			}
		}
		// No NEON implementation: NEON runs the portable one, not
		// AVX-512's (another architecture's) although it is below it.
		if got, err := Portable(fakeName, kernel, NEON); err != nil || !got {
			t.Errorf("%s on neon without NEON kernels: portable %v (%v), want true", kernel, got, err)
		}
	}
	for _, bad := range []struct{ kernels, kernel, err string }{
		{fakeName, "path", "no kernel"}, // not a function
		{fakeName, "name", "no kernel"},
		{fakeName, "table[2][0]", "no kernel"},
		{fakeName, "missing", "no kernel"},
		{"github.com/sparkgo/spark/internal/cpu.nothing", "own", "no kernels"},
	} {
		if _, err := Portable(bad.kernels, bad.kernel, AVX2); err == nil || !strings.Contains(err.Error(), bad.err) {
			t.Errorf("Portable(%s, %s): error %v, want one saying %q", bad.kernels, bad.kernel, err, bad.err)
		}
	}
	if names := Registered(); !contains(names, fakeName) {
		t.Errorf("Registered() = %v, without %s", names, fakeName)
	}

	// A package without AVX-512 kernels runs AVX2's on the AVX-512 path:
	// its answer there is AVX2's.
	register([]*fakeKernels{&fakeGeneric, &fakeAVX2}, fakePath)
	for kernel, want := range map[string]bool{"own": false, "partial": true, "dropped": false, "table[1][0]": false} {
		if got, _ := Portable(fakeName, kernel, AVX512); got != want {
			t.Errorf("without AVX-512 kernels, %s on avx512: portable %v, want %v (AVX2's)", kernel, got, want)
		}
	}
}

// TestDispatchRegisters: Dispatch registers what it keeps, so that
// Portable answers for the paths this CPU runs as their kernels are.
func TestDispatchRegisters(t *testing.T) {
	var impl *fakeKernels
	Dispatch(&impl, fakePath, &fakeGeneric, &fakeAVX2, &fakeAVX512, &fakeNEON)
	t.Cleanup(func() { delete(registry, fakeName) })
	for _, p := range Paths() {
		own, err := Portable(fakeName, "own", p)
		if err != nil {
			t.Fatal(err)
		}
		shared, _ := Portable(fakeName, "shared", p)
		if own != (p == Generic) || !shared {
			t.Errorf("on %v: own portable %v, shared portable %v; want %v, true", p, own, shared, p == Generic)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
