//go:build cgo

package cpeer

import (
	"debug/elf"
	"os"
	"regexp"
	"runtime"
	"testing"
)

// TestVectorizedExp checks that gcc vectorized the exponential somas'
// expf: the test binary, built with the package's flags, imports a vector
// expf from libmvec (_ZGVeN16v_expf for AVX-512, _ZGVdN8v_expf for AVX2, …).
// Without one every unit calls the scalar expf, and the peer is not the
// vectorized C the benchmark says it is.
func TestVectorizedExp(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("libmvec is glibc's, on Linux")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	vector := regexp.MustCompile(`^_ZGV[a-z]N[0-9]+v_expf$`)
	var found []string
	for _, s := range syms {
		if vector.MatchString(s.Name) {
			found = append(found, s.Name+" from "+s.Library)
		}
	}
	if len(found) == 0 {
		t.Fatalf("%s imports no vector expf: gcc did not vectorize the C peer's loops", exe)
	}
	t.Logf("vector expf: %v", found)
}

// TestLengths: slices of different lengths are refused rather than read
// past their end.
func TestLengths(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Exponential took 4 potentials and 3 currents")
		}
	}()
	Exponential(Exp{}, make([]float32, 4), make([]float32, 3), make([]uint8, 4))
}

// BenchmarkCall times an empty cgo call, the cost each step of the peer
// pays once.
func BenchmarkCall(b *testing.B) {
	for b.Loop() {
		nothing()
	}
}
