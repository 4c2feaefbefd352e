package arm64

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// binutils returns the paths of binutils' aarch64 assembler and objcopy,
// skipping the test where they are not installed, unless
// SPARK_REQUIRE_BINUTILS is set (as CI sets it), which fails it.
func binutils(t *testing.T) (as, objcopy string) {
	as, err1 := exec.LookPath("aarch64-linux-gnu-as")
	objcopy, err2 := exec.LookPath("aarch64-linux-gnu-objcopy")
	if err1 != nil || err2 != nil {
		if os.Getenv("SPARK_REQUIRE_BINUTILS") != "" {
			t.Fatal("binutils' aarch64 assembler is required (Debian: binutils-aarch64-linux-gnu)")
		}
		t.Skip("no binutils for aarch64 (Debian: binutils-aarch64-linux-gnu)")
	}
	return as, objcopy
}

// assemble returns the words binutils assembles lines to, one each.
func assemble(t *testing.T, lines []string) []uint32 {
	as, objcopy := binutils(t)
	dir := t.TempDir()
	src, obj, bin := filepath.Join(dir, "a.s"), filepath.Join(dir, "a.o"), filepath.Join(dir, "a.bin")
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(as, "-march=armv8.2-a+fp16fml", "-o", obj, src).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", as, err, out)
	}
	if out, err := exec.Command(objcopy, "-O", "binary", "-j", ".text", obj, bin).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", objcopy, err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 4*len(lines) {
		t.Fatalf("binutils assembled %d lines to %d bytes", len(lines), len(b))
	}
	words := make([]uint32, len(lines))
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return words
}

// TestForms encodes every form on registers that set every bit of each
// register field in turn, and shifts at both ends of their range, and
// checks each word against binutils.
func TestForms(t *testing.T) {
	type enc struct {
		w    uint32
		text string
	}
	var encs []enc
	regs := [][3]int{{0, 0, 0}, {31, 0, 0}, {0, 31, 0}, {0, 0, 31}, {1, 2, 4}, {8, 16, 3}, {17, 9, 30}}
	for op := range forms {
		ks := []int{0}
		switch op {
		case "shl":
			ks = []int{0, 1, 16, 31}
		case "sshr", "ushr":
			ks = []int{1, 2, 16, 23, 31, 32}
		}
		for _, r := range regs {
			for _, k := range ks {
				w, text := encode(op, r[0], r[1], r[2], k)
				encs = append(encs, enc{w, text})
			}
		}
	}
	lines := make([]string, len(encs))
	for i, e := range encs {
		lines[i] = e.text
	}
	for i, w := range assemble(t, lines) {
		if w != encs[i].w {
			t.Errorf("%s: encoded %08x, binutils %08x", encs[i].text, encs[i].w, w)
		}
	}
}

var wordLine = regexp.MustCompile(`^\s*WORD\s+\$0x([0-9a-f]{8})\s*//\s*(.+?)\s*$`)

// TestEncodings checks every WORD in the generated arm64 files of package
// asm against binutils' assembly of the instruction its comment names.
func TestEncodings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "asm", "*_arm64.s"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no generated arm64 assembly yet")
	}
	var words []uint32
	var lines, where []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			m := wordLine.FindStringSubmatch(l)
			if m == nil {
				if strings.Contains(l, "WORD") {
					t.Errorf("%s:%d: a WORD without its instruction: %s", file, i+1, l)
				}
				continue
			}
			var w uint32
			fmt.Sscanf(m[1], "%x", &w)
			words, lines = append(words, w), append(lines, m[2])
			where = append(where, fmt.Sprintf("%s:%d", filepath.Base(file), i+1))
		}
	}
	got := assemble(t, lines)
	for i := range words {
		if words[i] != got[i] {
			t.Errorf("%s: WORD $0x%08x, but binutils assembles %q to %08x", where[i], words[i], lines[i], got[i])
		}
	}
	t.Logf("%d instructions checked in %d files", len(words), len(files))
}
