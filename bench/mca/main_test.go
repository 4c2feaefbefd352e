package main

import (
	"os/exec"
	"path/filepath"
	"slices"
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
		if !ok || tw.fn != c.fn || tw.countUnit != c.unit || slices.Contains(tw.notes, drainNote) != c.drain {
			t.Errorf("family(%q) = %+v, %v; want fn %q, count unit %d, drain note %v", c.raw, tw, ok, c.fn, c.unit, c.drain)
		}
	}
	if _, ok := family("noSuchKernelNEON"); ok {
		t.Error(`family("noSuchKernelNEON") has a rule`)
	}
	// The slice kernels: their twins, no ratio where the portable loop
	// counts set bits, the conversion's loop added where the portable
	// path converts first, the NEON scatters' check loop added.
	if tw, ok := family("dotF16StreamNEON"); !ok || tw.pkg != "vec" || tw.fn != "dotF16Generic" || !slices.Equal(tw.notes, []string{streamNote}) {
		t.Errorf(`family("dotF16StreamNEON") = %+v, %v`, tw, ok)
	}
	if tw, ok := family("maskedSumNEON"); !ok || tw.fn != "maskedSumGeneric" || !tw.noRatio || !slices.Equal(tw.notes, []string{maskedNote}) {
		t.Errorf(`family("maskedSumNEON") = %+v, %v; want maskedSumGeneric, no ratio, the masked note`, tw, ok)
	}
	if tw, ok := family("selectF16NEON"); !ok || !slices.Equal(tw.also, []string{"f16.toFloat32Generic"}) || tw.phases {
		t.Errorf(`family("selectF16NEON") = %+v, %v; want the conversion's loop added`, tw, ok)
	}
	if tw, ok := family("scatterAddF16NEON"); !ok || !tw.phases || len(tw.also) != 1 || len(tw.notes) != 2 {
		t.Errorf(`family("scatterAddF16NEON") = %+v, %v; want phases, the conversion added, two notes`, tw, ok)
	}
	// The drain note is added to a row's notes, not put in the table's.
	if tw, _ := family("tracerDrainNEON"); !slices.Equal(tw.notes, []string{drainNote}) || len(twins["tracer"].notes) != 0 {
		t.Errorf(`family("tracerDrainNEON").notes = %q; twins["tracer"].notes = %q`, tw.notes, twins["tracer"].notes)
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

func TestSplitFunc(t *testing.T) {
	for _, c := range []struct{ q, pkg, name string }{
		{"f16.toFloat32Generic", "f16", "toFloat32Generic"},
		{"internal/tracer.rdInto", "internal/tracer", "rdInto"},
	} {
		if pkg, name := splitFunc(c.q); pkg != c.pkg || name != c.name {
			t.Errorf("splitFunc(%q) = %q, %q; want %q, %q", c.q, pkg, name, c.pkg, c.name)
		}
	}
	if got := superscript(12); got != "¹²" {
		t.Errorf("superscript(12) = %q", got)
	}
}

// TestExtract builds the arm64 binaries of ./f16, ./vec and ./asm and
// checks the loops found in portable functions and NEON kernels, where
// objdump and llvm-mca are installed.
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
	if err := build(dir, []string{"f16", "vec", "asm"}); err != nil {
		t.Fatal(err)
	}

	// check extracts the loops pick takes of fn, wants n of them, each of
	// units units an iteration and minInsts to maxInsts instructions, and
	// returns them.
	check := func(bin *binary, fn string, pick func([]*loop) []*loop, countUnit, n, units, minInsts, maxInsts int) []*loop {
		t.Helper()
		ls, err := extract(bin, fn, pick, countUnit)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != n {
			t.Errorf("%s: %d loops taken, want %d", fn, len(ls), n)
		}
		for _, l := range ls {
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
		return ls
	}
	// has reports whether the loop's path holds an instruction op whose
	// operands include arg.
	has := func(l *loop, op, arg string) bool {
		for _, in := range l.path {
			if in.op == op && slices.Contains(in.args, arg) {
				return true
			}
		}
		return false
	}

	f16, err := openBinary(filepath.Join(dir, binName("f16")))
	if err != nil {
		t.Fatal(err)
	}
	// One unit an iteration: the Go compiler does not unroll.
	check(f16, module+"/f16.fromFloat32Generic", portableLoop, 1, 1, 1, 8, 80)

	vec, err := openBinary(filepath.Join(dir, binName("vec")))
	if err != nil {
		t.Fatal(err)
	}
	// The block loop, nested in the loop over the blocks, runs to the
	// constant 64; the loop over the last block, longer by a bounds
	// check, is not the one.
	if ls := check(vec, module+"/vec.dotGeneric", portableLoop, 1, 1, 1, 5, 20); len(ls) == 1 && !has(ls[0], "cmp", "#0x40") {
		t.Errorf("vec.dotGeneric: the loop taken does not count to 64 (the block loop's bound)")
	}
	// The masked sum's loop over the set bits of a word: counted by
	// word &= word-1, one set bit an iteration, and nested in the loop
	// over the words.
	if ls := check(vec, module+"/vec.maskedSumGeneric", portableLoop, 1, 1, 1, 5, 20); len(ls) == 1 && !has(ls[0], "rbit", ls[0].counter) {
		t.Errorf("vec.maskedSumGeneric: counter %s is not the word whose bits the loop visits", ls[0].counter)
	}

	asmBin, err := openBinary(filepath.Join(dir, binName("asm")))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range []struct {
		raw         string
		pick        func([]*loop) []*loop
		countUnit   int
		loops       int
		units       int
		instsAtMost int
	}{
		{"toFloat32NEON", neonLoop, 1, 1, 32, 5000},
		{"leakyUniformNEON", neonLoop, 64, 1, 64, 5000},
		{"dotNEON", neonLoop, 1, 1, 64, 5000},
		// the index check's loop, then the adds'; 4 indices each
		{"scatterAddF32NEON", neonPhases, 1, 2, 4, 40},
	} {
		fn := module + "/asm." + k.raw + ".abi0"
		if _, ok := asmBin.byName[fn]; !ok {
			t.Logf("%s: not in this build", fn)
			continue
		}
		found = true
		check(asmBin, fn, k.pick, k.countUnit, k.loops, k.units, 5, k.instsAtMost)
	}
	if !found {
		t.Skip("no NEON kernel in the arm64 build of ./asm yet")
	}
}
