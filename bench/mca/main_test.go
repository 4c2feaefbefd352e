package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFamily(t *testing.T) {
	for _, c := range []struct {
		raw, fn string
		unit    int
		drain   bool
	}{
		{"leakyNEON", "leakyGeneric", 64, false},
		{"leakyUniformNEON", "leakyGeneric", 64, false},
		{"rDTracerDrainAddUniformNEON", "rdInto", 64, true},
		{"tracerAddNEON", "singleInto", 64, false},
		{"doubleTracerDrainNEON", "doubleInto", 64, true},
		{"expNEON", "", 64, false},
		{"fromFloat32NEON", "fromFloat32Generic", 1, false},
		{"toFloat32FHM", "toFloat32Generic", 1, false},
	} {
		tw, ok := family(c.raw)
		if !ok || tw.fn != c.fn || tw.countUnit != c.unit || (tw.note != "") != c.drain {
			t.Errorf("family(%q) = %+v, %v; want fn %q, count unit %d, drain note %v", c.raw, tw, ok, c.fn, c.unit, c.drain)
		}
	}
	if _, ok := family("noSuchKernelNEON"); ok {
		t.Error(`family("noSuchKernelNEON") has a rule`)
	}
	// The slice kernels: their twins, and no ratio where the portable
	// loop's cost is the spike density's.
	if tw, ok := family("dotF16StreamNEON"); !ok || tw.pkg != "vec" || tw.fn != "dotF16Generic" || tw.note != streamNote {
		t.Errorf(`family("dotF16StreamNEON") = %+v, %v`, tw, ok)
	}
	if tw, ok := family("maskedSumNEON"); !ok || tw.fn != "" || tw.note != maskedNote {
		t.Errorf(`family("maskedSumNEON") = %+v, %v; want no portable twin, the masked note`, tw, ok)
	}
	if _, ok := notEstimated["prefetch"]; !ok {
		t.Error("PrefetchNEON is neither estimated nor said why not")
	}
}

func TestSplitArgs(t *testing.T) {
	got := splitArgs("x0, [x1, x2, lsl #2], #8")
	if want := []string{"x0", "[x1, x2, lsl #2]", "#8"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitArgs = %q, want %q", got, want)
	}
}

// TestExtract builds the arm64 binaries of ./f16 and ./asm and checks the
// loops found in a portable function and a NEON kernel, where objdump and
// llvm-mca are installed.
func TestExtract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds arm64 test binaries")
	}
	if _, err := exec.LookPath(objdump); err != nil {
		t.Skipf("%s not installed (package binutils-aarch64-linux-gnu)", objdump)
	}
	mca, _, err := tools("")
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if err := build(dir, []string{"f16", "asm"}); err != nil {
		t.Fatal(err)
	}

	check := func(bin *binary, fn string, pick func([]*loop) *loop, countUnit, units, minInsts, maxInsts int) {
		t.Helper()
		l, err := extract(bin, fn, pick, countUnit)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(l.describe())
		if !l.hasBackwardBranch() {
			t.Errorf("%s: the loop has no backward branch", fn)
		}
		if n := l.size(); n < minInsts || n > maxInsts {
			t.Errorf("%s: the loop has %d instructions, want %d to %d", fn, n, minInsts, maxInsts)
		}
		if len(l.path) < 2 || len(l.path) > l.size()+200 {
			t.Errorf("%s: path of %d instructions for a loop of %d", fn, len(l.path), l.size())
		}
		if l.units != units {
			t.Errorf("%s: %d units an iteration, want %d", fn, l.units, units)
		}
		text := l.mcaText()
		if strings.Contains(text, "//") || strings.Contains(text, "<") {
			t.Errorf("%s: llvm-mca text keeps objdump's comments or symbols:\n%s", fn, text)
		}
		r, err := runMCA(mca, "neoverse-n1", text)
		if err != nil {
			t.Fatal(err)
		}
		if r.totalCycles <= 0 || r.blockRThroughput <= 0 {
			t.Errorf("%s: llvm-mca gave %+v", fn, r)
		}
	}

	f16, err := openBinary(filepath.Join(dir, binName("f16")))
	if err != nil {
		t.Fatal(err)
	}
	// One unit an iteration: the Go compiler does not unroll.
	check(f16, module+"/f16.fromFloat32Generic", portableLoop, 1, 1, 8, 80)

	asmBin, err := openBinary(filepath.Join(dir, binName("asm")))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		raw       string
		countUnit int
		units     int
	}{
		{"toFloat32NEON", 1, 32},
		{"leakyUniformNEON", 64, 64},
	} {
		fn := module + "/asm." + k.raw + ".abi0"
		if _, ok := asmBin.byName[fn]; !ok {
			t.Logf("%s: not in this build", fn)
			continue
		}
		check(asmBin, fn, neonLoop, k.countUnit, k.units, 8, 5000)
		return
	}
	t.Skip("no NEON kernel in the arm64 build of ./asm yet")
}
