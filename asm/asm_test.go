package asm

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/klauspost/cpuid/v2"

	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/testutil"
)

// kernel is one exported kernel as the generated lists (*_kernels_test.go)
// describe it: enough to build its arguments for any number of units.
type kernel struct {
	name   string
	isa    string // "avx2", "avx512", "neon", "fhm", or "" for a kernel every build runs
	blocks bool   // lengths are whole blocks of 64 units
	fn     any
	args   []arg
	call   func(args []any) any // calls fn, without reflect
}

// arg is one argument: its name, kind (see gen/internal/gowrap.Arg: "n",
// "param", "words", "bits", "idx", "value"; "rows", "matrix", "cols",
// "rowbits"; "offsets", "rowlist") and whether the kernel writes it.
type arg struct {
	name, kind string
	out        bool
}

func kernels() []kernel {
	return slices.Concat(somaKernels, rowsKernels, scatterKernels, f16Kernels, vecKernels)
}

// runs reports whether this build and CPU run k.
func (k kernel) runs() bool {
	switch k.isa {
	case "avx2":
		return hasAVX2
	case "avx512":
		return hasAVX512
	case "neon":
		return hasNEON
	case "fhm":
		return hasFHM
	}
	return true
}

// hasName is the function that reports whether this build and CPU run
// the kernels of an isa.
var hasName = map[string]string{"avx2": "HasAVX2", "avx512": "HasAVX512", "neon": "HasNEON", "fhm": "HasFHM"}

// TestISAs: every listed kernel's isa is one runs knows, so that none is
// run where it cannot (or never run where it can).
func TestISAs(t *testing.T) {
	for _, k := range kernels() {
		if k.isa != "" && hasName[k.isa] == "" {
			t.Errorf("%s: isa %q, which the tests do not know", k.name, k.isa)
		}
	}
}

// matrixRows is the rows the tests give a kernel of a matrix's rows, n
// columns each.
const matrixRows = 3

// scalar reports whether an argument of kind is a value, not a slice.
func scalar(kind string) bool { return kind == "value" || kind == "cols" }

// matrix reports whether k is a kernel of a matrix's rows, whose slices
// must all fit its rows and columns.
func (k kernel) matrix() bool {
	return slices.ContainsFunc(k.args, func(a arg) bool { return a.kind == "cols" })
}

// length is the length an argument of kind has for n units (n columns);
// perUnit picks one value per unit over one block for a parameter.
func length(kind string, n int, perUnit bool) int {
	switch kind {
	case "rows":
		return matrixRows
	case "matrix":
		return matrixRows * n
	case "rowbits":
		return matrixRows * ((n + 63) / 64)
	case "param":
		if !perUnit {
			return 64
		}
	case "words":
		return n / 64
	case "bits":
		return (n + 63) / 64
	}
	return n
}

// rng is the tests' generator.
type rng = testutil.Rng

// call is one call of a kernel: its arguments, each slice in its own
// memory from alloc, filled with raw random bits (a scatter's indices
// increasing within the accumulator).
type call struct {
	k    kernel
	args []reflect.Value
}

// alloc returns a slice of n elements of type t (a slice type) for
// argument i, in memory the test chooses: plain, or next to a guard page.
type alloc func(i int, t reflect.Type, n int) reflect.Value

func plain(_ int, t reflect.Type, n int) reflect.Value { return reflect.MakeSlice(t, n, n) }

// newCall builds k's arguments for n units with the given lengths, or, where
// lengths is nil, the lengths the kernel's rules ask for.
func newCall(k kernel, n int, perUnit bool, lengths []int, mk alloc, r *rng) *call {
	ft := reflect.TypeOf(k.fn)
	c := &call{k: k}
	for i, a := range k.args {
		t := ft.In(i)
		if scalar(a.kind) {
			v := reflect.New(t).Elem()
			switch t.Kind() {
			case reflect.Int: // cols
				v.SetInt(int64(n))
			case reflect.Float32:
				v.SetFloat(float64(math.Float32frombits(uint32(r.Next()))))
			default:
				v.SetUint(r.Next() % 8) // a cooldown
			}
			c.args = append(c.args, v)
			continue
		}
		l := length(a.kind, n, perUnit)
		if lengths != nil {
			l = lengths[i]
		}
		s := mk(i, t, l)
		b := bytesOf(s)
		for j := range b {
			b[j] = byte(r.Next())
		}
		switch a.kind {
		case "offsets":
			// Rows of 0 to 7 weights over the shorter of idx and w (the
			// two arguments before), the last ending at it if it can.
			n := min(c.args[i-2].Len(), c.args[i-1].Len())
			start := s.Interface().([]int32)
			at := 0
			for j := range start {
				if j == len(start)-1 {
					at = max(at, n)
				}
				start[j] = int32(min(at, n))
				at += int(r.Next() % 8)
			}
		case "rowlist":
			// Rows of start (the argument before), increasing where there
			// are enough, else repeating.
			nrows := max(0, c.args[i-1].Len()-1)
			rows := s.Interface().([]int)
			for j := range rows {
				rows[j] = 0
				if nrows > 0 {
					rows[j] = j * nrows / len(rows)
					if len(rows) <= nrows {
						rows[j] += int(r.Next() % uint64(max(1, nrows/len(rows))))
					}
				}
			}
			if nrows == 0 {
				s = s.Slice(0, 0)
			}
		}
		if a.kind == "idx" {
			// Increasing indices into the first argument, the accumulator.
			acc := c.args[0].Len()
			idx := s.Interface().([]int32)
			next := int32(0)
			for j := range idx {
				if int(next) >= acc {
					idx = idx[:j]
					break
				}
				idx[j] = next
				next += 1 + int32(r.Next()%3)
			}
			s = s.Slice(0, len(idx))
		}
		c.args = append(c.args, s)
	}
	return c
}

// bytesOf is the memory of a slice value.
func bytesOf(s reflect.Value) []byte {
	if s.Len() == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(s.UnsafePointer()), s.Len()*int(s.Type().Elem().Size()))
}

// values returns the arguments as the kernel list's call takes them.
func (c *call) values() []any {
	a := make([]any, len(c.args))
	for i, v := range c.args {
		a[i] = v.Interface()
	}
	return a
}

// run calls the kernel and returns what it panicked with, or nil.
func (c *call) run() (panicked any) {
	defer func() { panicked = recover() }()
	c.k.call(c.values())
	return nil
}

// snapshot copies the memory of every slice argument.
func (c *call) snapshot() [][]byte {
	s := make([][]byte, len(c.args)) // nil for a value argument
	for i, a := range c.args {
		if a.Kind() == reflect.Slice {
			s[i] = slices.Clone(bytesOf(a))
		}
	}
	return s
}

// TestEveryKernelListed: the generated lists hold every exported function
// of the package but HasAVX2, HasAVX512 and HasNEON, so that the tests
// below cover every kernel.
func TestEveryKernelListed(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, f := range pkgs["asm"].Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
				exported[fd.Name.Name] = true
			}
		}
	}
	delete(exported, "HasAVX2")
	delete(exported, "HasAVX512")
	delete(exported, "HasNEON")
	delete(exported, "HasFHM")
	for _, k := range kernels() {
		if !exported[k.name] {
			t.Errorf("%s is listed but not an exported function", k.name)
		}
		delete(exported, k.name)
	}
	for name := range exported {
		t.Errorf("%s is exported but not in the kernel lists: regenerate (go generate ./asm)", name)
	}
	if len(kernels()) < 50 {
		t.Errorf("%d kernels listed", len(kernels()))
	}
}

// TestLengthRules: a fused kernel takes whole blocks, and every other
// slice as the first one's rule says, and a kernel of a matrix's rows
// slices that fit its rows and columns exactly; any other length panics
// with a message naming the kernel and the argument, before anything is
// written. Kernels of any length take the shortest of their slices: they
// write nothing past it.
func TestLengthRules(t *testing.T) {
	r := rng(0x5eed)
	calls := 0
	for _, k := range kernels() {
		if !k.runs() {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			if k.blocks {
				for _, n := range []int{0, 64, 128, 320} {
					for _, perUnit := range []bool{false, true} {
						c := newCall(k, n, perUnit, nil, plain, &r)
						if p := c.run(); p != nil {
							t.Fatalf("n=%d perUnit=%v: panic %v", n, perUnit, p)
						}
						calls++
					}
				}
			}
			for _, n := range []int{1, 63, 64, 65, 100, 128, 300} {
				for i, a := range k.args {
					if scalar(a.kind) || a.kind == "idx" {
						continue
					}
					for _, delta := range []int{-1, 1, -64, 64} {
						lengths := make([]int, len(k.args))
						for j, b := range k.args {
							lengths[j] = length(b.kind, n, true)
						}
						lengths[i] += delta
						if lengths[i] < 0 {
							continue
						}
						calls++
						c := newCall(k, n, true, lengths, plain, &r)
						before := c.snapshot()
						p := c.run()
						if !k.matrix() && (!k.blocks || validBlocks(k, lengths)) {
							if p != nil {
								t.Fatalf("n=%d len(%s) %+d: panic %v", n, a.name, delta, p)
							}
							checkWritten(t, c, before, fmt.Sprintf("n=%d len(%s) %+d", n, a.name, delta))
							continue
						}
						msg, _ := p.(string)
						if !strings.HasPrefix(msg, "asm."+k.name+": len(") {
							t.Fatalf("n=%d len(%s) %+d: panic %q, want one naming asm.%s and a length", n, a.name, delta, p, k.name)
						}
						if !slices.EqualFunc(c.snapshot(), before, slices.Equal) {
							t.Fatalf("n=%d len(%s) %+d: the kernel panicked after writing", n, a.name, delta)
						}
					}
				}
			}
		})
	}
	t.Logf("%d calls", calls)
}

// validBlocks reports whether lengths satisfy a fused kernel's rules.
func validBlocks(k kernel, lengths []int) bool {
	n := lengths[0]
	if n%64 != 0 {
		return false
	}
	for i, a := range k.args {
		switch {
		case a.kind == "value":
		case a.kind == "param" && lengths[i] == 64:
		case lengths[i] != length(a.kind, n, true):
			return false
		}
	}
	return true
}

// checkWritten fails t when a kernel of any length wrote an element of an
// argument at or past the shortest length it was given (its n), or wrote
// an argument it does not write.
func checkWritten(t *testing.T, c *call, before [][]byte, where string) {
	t.Helper()
	if c.k.blocks {
		return // every element of every slice is the kernel's
	}
	scatter := len(c.k.args) > 1 && c.k.args[1].kind == "idx"
	n := math.MaxInt
	for i, a := range c.k.args {
		switch {
		case a.kind == "n" && !(scatter && i == 0):
			n = min(n, c.args[i].Len())
		case a.kind == "bits":
			n = min(n, 64*c.args[i].Len())
		}
	}
	after := c.snapshot()
	for i, a := range c.k.args {
		if scalar(a.kind) {
			continue
		}
		b, w := before[i], after[i]
		size := int(c.args[i].Type().Elem().Size())
		keep := 0 // the bytes the kernel may write
		if a.out {
			keep = min(len(b), n*size)
			if scatter {
				keep = len(b) // the accumulator: checked by value elsewhere
			}
		}
		if !slices.Equal(b[keep:], w[keep:]) {
			t.Fatalf("%s: %s changed beyond the %d elements the kernel may write", where, a.name, keep/size)
		}
	}
}

// TestScatterIndices: a scatter panics, before writing anything, on an
// index out of [0, len(acc)) or not above the one before it.
func TestScatterIndices(t *testing.T) {
	for _, k := range scatterKernels {
		if !k.runs() || strings.HasPrefix(k.name, "Prefetch") || strings.HasPrefix(k.name, "ScatterRows") { // Prefetch, PrefetchNEON; the scatters of rows: TestScatterRows
			continue
		}
		for _, tc := range []struct {
			idx  []int32
			want string
		}{
			{[]int32{0, 1, 10}, "out of range"},
			{[]int32{-1, 2}, "out of range"},
			{[]int32{0, 5, 5}, "increase strictly"},
			{[]int32{3, 2}, "increase strictly"},
			{[]int32{9, -4}, "out of range"},
		} {
			acc := make([]float32, 10)
			w := reflect.MakeSlice(reflect.TypeOf(k.fn).In(2), len(tc.idx), len(tc.idx))
			c := &call{k: k, args: []reflect.Value{reflect.ValueOf(acc), reflect.ValueOf(tc.idx), w}}
			for i := range w.Len() {
				if w.Type().Elem().Kind() == reflect.Float32 {
					w.Index(i).SetFloat(1)
				} else {
					w.Index(i).SetUint(0x3c00) // 1 as binary16
				}
			}
			p, _ := c.run().(string)
			if !strings.HasPrefix(p, "asm."+k.name+": idx[") || !strings.Contains(p, tc.want) {
				t.Errorf("%s idx %v: panic %q, want %q", k.name, tc.idx, p, tc.want)
			}
			if slices.ContainsFunc(acc, func(v float32) bool { return v != 0 }) {
				t.Errorf("%s idx %v: wrote %v before panicking", k.name, tc.idx, acc)
			}
		}
	}
}

// powerOfTwoSlope sets the spike slope (delta) of calls a and b, where it
// is one block, to 2 in every unit, which the kernels multiply by the
// reciprocal of; it says whether it did.
func powerOfTwoSlope(k kernel, a, b *call) bool {
	for i, arg := range k.args {
		if arg.name == "delta" && arg.kind == "param" && a.args[i].Len() == 64 {
			for _, c := range []*call{a, b} {
				for j := range 64 {
					c.args[i].Index(j).SetFloat(2)
				}
			}
			return true
		}
	}
	return false
}

// TestTwins: each AVX2 kernel and its AVX-512 twin compute the same bits
// (NaNs as NaNs) from the same random bits, on every length to 300 and
// every whole number of blocks to 16 (a kernel that walks its vectors in
// groups of up to 8 across the blocks ends on every remainder): each
// is tested against the reference through its package, and this checks
// the two against each other where the package's dispatch does not reach
// (every parameter in both forms, and the forms mixed; raw-bit inputs;
// the spike slope a power of two, which the kernels multiply by the
// reciprocal of, where it is one block). A NEON kernel has no
// twin that runs on the same CPU; only its package's tests check it.
func TestTwins(t *testing.T) {
	byName := map[string]kernel{}
	for _, k := range kernels() {
		byName[k.name] = k
	}
	pairs := 0
	for _, k := range kernels() {
		twin, ok := byName[strings.TrimSuffix(k.name, "AVX2")+"AVX512"]
		if k.isa != "avx2" || !ok || !k.runs() || !twin.runs() {
			continue
		}
		pairs++
		t.Run(k.name, func(t *testing.T) {
			for n := 0; n <= 16*64; n++ {
				if k.blocks && n%64 != 0 || !k.blocks && n > 300 {
					continue
				}
				// The parameters: all one block, all per unit, and
				// alternately one and the other (so that a kernel that
				// steps two blocks at a time reads each parameter's
				// second block at its own stride), both ways round.
				for mode, perUnit := range []func(j int) bool{
					func(int) bool { return false },
					func(int) bool { return true },
					func(j int) bool { return j%2 == 0 },
					func(j int) bool { return j%2 == 1 },
				} {
					lengths := make([]int, len(k.args))
					for j, arg := range k.args {
						lengths[j] = length(arg.kind, n, perUnit(j))
					}
					for _, slope := range []bool{false, true} {
						r, s := rng(n+1), rng(n+1)
						a, b := newCall(k, n, false, lengths, plain, &r), newCall(twin, n, false, lengths, plain, &s)
						if slope && !powerOfTwoSlope(k, a, b) {
							continue
						}
						ra, rb := k.call(a.values()), twin.call(b.values())
						for i, arg := range k.args {
							if arg.out && !sameBits(a.args[i], b.args[i]) {
								t.Fatalf("n=%d parameters %d slope 2 %v: %s differs", n, mode, slope, arg.name)
							}
						}
						if ra != nil && !sameBits(reflect.ValueOf(ra), reflect.ValueOf(rb)) {
							t.Fatalf("n=%d: results %v and %v", n, ra, rb)
						}
					}
				}
			}
		})
	}
	if hasAVX512 && pairs < 20 {
		t.Errorf("only %d pairs of twins", pairs)
	}
}

// sameBits compares two values or slices bit for bit, a float32 NaN equal
// to any NaN.
func sameBits(a, b reflect.Value) bool {
	if a.Kind() != reflect.Slice {
		a, b = reflect.ValueOf([]float32{float32(a.Float())}), reflect.ValueOf([]float32{float32(b.Float())})
	}
	if a.Type().Elem().Kind() == reflect.Float32 {
		return slices.EqualFunc(a.Interface().([]float32), b.Interface().([]float32), func(x, y float32) bool {
			return math.Float32bits(x) == math.Float32bits(y) || x != x && y != y
		})
	}
	return slices.Equal(bytesOf(a), bytesOf(b))
}

// TestRequiresISA: a kernel this build or CPU cannot run panics, naming
// itself and what it needs, before touching anything, instead of stopping
// on an illegal instruction. The check is forced off here; on builds
// without the ISA's assembly (purego, the other architecture) it is off
// for real.
func TestRequiresISA(t *testing.T) {
	testutil.Set(t, &hasAVX2, false)
	testutil.Set(t, &hasAVX512, false)
	testutil.Set(t, &hasNEON, false)
	testutil.Set(t, &hasFHM, false)
	r := rng(3)
	for _, k := range kernels() {
		if k.isa == "" {
			continue
		}
		c := newCall(k, 128, true, nil, plain, &r)
		before := c.snapshot()
		p, _ := c.run().(string)
		if !strings.HasPrefix(p, "asm."+k.name+": needs") || !strings.Contains(p, "(see "+hasName[k.isa]+")") {
			t.Errorf("%s without its ISA: panic %q", k.name, p)
		}
		if !slices.EqualFunc(c.snapshot(), before, slices.Equal) {
			t.Errorf("%s without its ISA: wrote before panicking", k.name)
		}
	}
}

// TestRequireNEON: the check every NEON kernel makes, before any NEON
// kernel exists, and HasNEON: true exactly in arm64 builds without purego
// on a CPU with NEON.
func TestRequireNEON(t *testing.T) {
	if HasNEON() != cpu.Supported(cpu.NEON) || HasNEON() && runtime.GOARCH != "arm64" {
		t.Errorf("GOARCH=%s: HasNEON() = %v, cpu.Supported(cpu.NEON) = %v", runtime.GOARCH, HasNEON(), cpu.Supported(cpu.NEON))
	}
	testutil.Set(t, &hasNEON, false)
	p := func() (p any) {
		defer func() { p = recover() }()
		requireNEON("LeakyNEON")
		return nil
	}()
	want := "asm.LeakyNEON: needs an arm64 build without the purego tag and a CPU with NEON (ASIMD); this build or CPU has not (see HasNEON)"
	if p != want {
		t.Errorf("requireNEON without NEON: panic %q, want %q", p, want)
	}
	hasNEON = true
	requireNEON("LeakyNEON") // no panic
}

// TestHasFHM: the FHM kernels run only where the NEON ones do, and only
// with cpuid's FEAT_FHM.
func TestHasFHM(t *testing.T) {
	if HasFHM() && !HasNEON() {
		t.Error("HasFHM() without HasNEON()")
	}
	if HasFHM() != (HasNEON() && cpuid.CPU.Supports(cpuid.FHM)) {
		t.Errorf("HasFHM() = %v; HasNEON() = %v, cpuid FHM = %v", HasFHM(), HasNEON(), cpuid.CPU.Supports(cpuid.FHM))
	}
}

// TestRaceConcurrentKernel: two goroutines calling a kernel on the same
// slices, one of which it writes, is a data race that go test -race
// reports, although the race detector cannot see inside assembly: every
// kernel tells it what it reads and writes. Run with -race.
func TestRaceConcurrentKernel(t *testing.T) {
	if !testutil.RaceEnabled {
		t.Skip("needs go test -race")
	}
	for _, k := range kernels() {
		if !k.runs() || !slices.ContainsFunc(k.args, func(a arg) bool { return a.out }) {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			testutil.ExpectRace(t, "TestRaceConcurrentKernelChild", "SPARK_TEST_KERNEL="+k.name)
		})
	}
}

// TestRaceConcurrentKernelChild calls one kernel from two goroutines on
// the same arguments.
func TestRaceConcurrentKernelChild(t *testing.T) {
	if !testutil.RaceChild() {
		t.Skip("run by TestRaceConcurrentKernel")
	}
	for _, k := range kernels() {
		if k.name != os.Getenv("SPARK_TEST_KERNEL") {
			continue
		}
		r := rng(1)
		args := newCall(k, 256, true, nil, plain, &r).values()
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					k.call(args)
				}
			}()
		}
		wg.Wait()
		return
	}
	t.Fatal("SPARK_TEST_KERNEL names no kernel")
}

// TestScatterIndicesEverywhere: the kernel's own check (16 indices at a
// time, then a masked tail) finds a bad index at every position of every
// length to 100, and accepts every good row: the first index 0 or the
// last len(acc) − 1 included.
func TestScatterIndicesEverywhere(t *testing.T) {
	for _, k := range scatterKernels {
		if !k.runs() || strings.HasPrefix(k.name, "Prefetch") || strings.HasPrefix(k.name, "ScatterRows") { // Prefetch, PrefetchNEON; the scatters of rows: TestScatterRows
			continue
		}
		wt := reflect.TypeOf(k.fn).In(2)
		for n := 1; n <= 100; n++ {
			good := make([]int32, n)
			for i := range good {
				good[i] = int32(2 * i)
			}
			accLen := int(good[n-1]) + 1
			for bad := -1; bad < n; bad++ {
				for _, how := range []string{"dup", "down", "range"} {
					idx := slices.Clone(good)
					switch {
					case bad < 0: // none
					case how == "dup" && bad > 0:
						idx[bad] = idx[bad-1]
					case how == "down" && bad > 0:
						idx[bad] = idx[bad-1] - 1
					case bad == 0:
						idx[0] = -1
					case bad == n-1:
						idx[bad] = int32(accLen)
					default:
						continue
					}
					acc := make([]float32, accLen)
					w := reflect.MakeSlice(wt, n, n)
					c := &call{k: k, args: []reflect.Value{reflect.ValueOf(acc), reflect.ValueOf(idx), w}}
					p := c.run()
					if (p == nil) != (bad < 0) {
						t.Fatalf("%s n=%d idx %v: panic %v", k.name, n, idx, p)
					}
					if s, _ := p.(string); p != nil && !strings.HasPrefix(s, "asm."+k.name+": idx[") {
						t.Fatalf("%s n=%d idx %v: panic %v", k.name, n, idx, p)
					}
					if bad < 0 {
						break
					}
				}
			}
		}
	}
}

// guarded returns an alloc that places argument i's slice against a guard
// page as where[i] says, in regions of k's element types mapped once for
// lengths up to maxN units.
func guarded(t *testing.T, k kernel, maxN int, where *[]testutil.Placement) alloc {
	ft := reflect.TypeOf(k.fn)
	regions := make([]func(n int, p testutil.Placement) reflect.Value, len(k.args))
	for i, a := range k.args {
		if scalar(a.kind) {
			continue
		}
		m := length(a.kind, maxN, true) + 64
		switch ft.In(i).Elem().Kind() {
		case reflect.Float32:
			regions[i] = region[float32](t, m)
		case reflect.Uint16:
			regions[i] = region[uint16](t, m)
		case reflect.Uint64:
			regions[i] = region[uint64](t, m)
		case reflect.Int32:
			regions[i] = region[int32](t, m)
		case reflect.Int:
			regions[i] = region[int](t, m)
		case reflect.Uint8:
			regions[i] = region[byte](t, m)
		default:
			t.Fatalf("%s: no region for %v", k.name, ft.In(i))
		}
	}
	return func(i int, _ reflect.Type, n int) reflect.Value { return regions[i](n, (*where)[i]) }
}

func region[T any](t *testing.T, n int) func(int, testutil.Placement) reflect.Value {
	r := testutil.NewRegion[T](t, n)
	return func(n int, p testutil.Placement) reflect.Value { return reflect.ValueOf(r.Slice(n, p)) }
}

// TestGuardPages calls every kernel on every length to 300 (a fused
// kernel's: every whole number of blocks to 320, parameters per unit and
// uniform) with each slice against a guard page, at its end and at its
// start, in every combination for up to three slices and the two uniform
// ones and alternating ones beyond: no kernel reads or writes a byte
// outside its slices, and each computes what it computes on plain memory.
func TestGuardPages(t *testing.T) {
	if ok, why := testutil.GuardPages(); !ok {
		t.Skip(why)
	}
	calls, faults, mismatches := 0, 0, 0
	for _, k := range kernels() {
		if !k.runs() {
			continue
		}
		var where []testutil.Placement
		mk := guarded(t, k, 320, &where)
		nslices := 0
		for _, a := range k.args {
			if !scalar(a.kind) {
				nslices++
			}
		}
		var placements [][]testutil.Placement
		if nslices <= 3 {
			placements = testutil.Placements(len(k.args))
		} else {
			// Each slice at each end: all at their ends, all at their
			// starts, and alternating both ways.
			placements = make([][]testutil.Placement, 4)
			for i := range k.args {
				placements[0] = append(placements[0], testutil.AtEnd)
				placements[1] = append(placements[1], testutil.AtStart)
				placements[2] = append(placements[2], testutil.Placement(i%2))
				placements[3] = append(placements[3], testutil.Placement(1-i%2))
			}
		}
		failed := false // report a kernel's first failure only
		for n := 0; n <= 320 && !failed; n++ {
			if k.blocks && n%64 != 0 || !k.blocks && n > 300 {
				continue
			}
			for _, perUnit := range []bool{false, true} {
				if !k.blocks && perUnit {
					continue
				}
				for _, pl := range placements {
					where = pl
					r, s := rng(n+7), rng(n+7)
					g, p := newCall(k, n, perUnit, nil, mk, &r), newCall(k, n, perUnit, nil, plain, &s)
					var got, want any
					fault := testutil.CatchFault(func() { got = k.call(g.values()) })
					want = k.call(p.values())
					calls++
					if fault != nil {
						faults++
						if !failed {
							t.Errorf("%s n=%d perUnit=%v placements %v: %v", k.name, n, perUnit, pl, fault)
						}
						failed = true
						continue
					}
					same := got == nil || sameBits(reflect.ValueOf(got), reflect.ValueOf(want))
					for i, a := range k.args {
						same = same && (scalar(a.kind) || sameBits(g.args[i], p.args[i]))
					}
					if !same {
						mismatches++
						if !failed {
							t.Errorf("%s n=%d perUnit=%v placements %v: results differ from plain memory's", k.name, n, perUnit, pl)
						}
						failed = true
					}
				}
			}
		}
	}
	t.Logf("guard: %d calls, %d faults, %d mismatches", calls, faults, mismatches)
}

// TestAVX2Registers: no AVX2 kernel names a register that only AVX-512
// has (X16–X31, Y16–Y31, a ZMM or a mask register). avo's allocator knows
// 32 vector registers whatever the instructions, and the Go assembler
// encodes an instruction on Y16 as EVEX where it can: a kernel that
// over-allocated would pass on this machine and fault on an AVX2 CPU.
func TestAVX2Registers(t *testing.T) {
	files, err := filepath.Glob("*_amd64.s")
	if err != nil || len(files) == 0 {
		t.Fatalf("no amd64 assembly: %v", err)
	}
	kernels := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n, bad := avx2Misuse(string(src))
		kernels += n
		for _, b := range bad {
			t.Errorf("%s:%s", f, b)
		}
	}
	if kernels < 80 {
		t.Errorf("only %d AVX2 kernels found", kernels)
	}
	// The check itself, on a kernel that over-allocated.
	if _, bad := avx2Misuse("TEXT ·fooAVX2(SB), $0\n\tVADDPS Y1, Y2, Y3\n\tVADDPS Y16, Y2, Y3\nTEXT ·fooAVX512(SB), $0\n\tVADDPS Z1, Z16, Z3\n"); len(bad) != 1 {
		t.Errorf("avx2Misuse found %q, want the one line of Y16", bad)
	}
}

// avx2Misuse returns the number of AVX2 kernels in an assembly file, and
// the lines of those that name a register of AVX-512 only.
func avx2Misuse(src string) (kernels int, bad []string) {
	name := ""
	for i, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			name = strings.Fields(line)[1]
			if strings.Contains(name, "AVX2") {
				kernels++
			}
			continue
		}
		if !strings.Contains(name, "AVX2") || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		for _, op := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '(' || r == ')' }) {
			if avx512Only(op) {
				bad = append(bad, fmt.Sprintf("%d: %s uses %s: %s", i+1, name, op, strings.TrimSpace(line)))
			}
		}
	}
	return kernels, bad
}

// avx512Only reports whether an operand is a register of AVX-512 only.
func avx512Only(op string) bool {
	if len(op) < 2 {
		return false
	}
	switch op[0] {
	case 'Z':
		return isNumber(op[1:])
	case 'K':
		return isNumber(op[1:]) && len(op) == 2
	case 'X', 'Y':
		if len(op) == 3 && isNumber(op[1:]) {
			return op[1:] >= "16" && op[1:] <= "31"
		}
	}
	return false
}

func isNumber(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// TestPrefetchingLoop: an amd64 soma or trace kernel over a population of
// 2 MB of streams or more asks for cache lines ahead of each step (gen/soma's
// prefetchMin; 4096 blocks at most, 8 bytes a unit), and must compute what
// it computes over a small one: each such kernel on 4096 blocks (the
// random arguments of 16 blocks, tiled) against the same call cut into
// 16-block calls, uniform and per unit; the big call with the kernels
// asking for lines ahead and leaving it to the CPU (prefetching), whatever
// the default.
func TestPrefetchingLoop(t *testing.T) {
	const small, big = 16, 4096 // blocks; big is gen/soma's prefetchTested, which it checks
	was := prefetching
	defer func() { prefetching = was }()
	for _, k := range kernels() {
		if !k.blocks || !k.runs() || k.isa != "avx2" && k.isa != "avx512" {
			continue
		}
		for _, c := range []struct{ perUnit, prefetch bool }{{false, true}, {true, true}, {false, false}, {true, false}} {
			perUnit := c.perUnit
			r := rng(7)
			seed := newCall(k, small*64, perUnit, nil, plain, &r)
			// tile repeats a seed argument over big blocks; cut takes
			// blocks lo to hi of an argument of the big call.
			tile := func(i int) reflect.Value {
				a, s := k.args[i], seed.args[i]
				if a.kind == "value" || a.kind == "param" && !perUnit {
					return s
				}
				v := reflect.MakeSlice(s.Type(), 0, s.Len()*big/small)
				for range big / small {
					v = reflect.AppendSlice(v, s)
				}
				return v
			}
			cut := func(i int, v reflect.Value, lo, hi int) reflect.Value {
				switch a := k.args[i]; {
				case a.kind == "value" || a.kind == "param" && !perUnit:
					return v
				case a.kind == "words":
					return v.Slice(lo, hi)
				}
				return v.Slice(lo*64, hi*64)
			}
			whole, parts := &call{k: k}, &call{k: k}
			for i := range k.args {
				// Each call's own copy; a uniform parameter, read only, shared.
				whole.args = append(whole.args, tile(i))
				parts.args = append(parts.args, tile(i))
			}
			prefetching = c.prefetch
			k.call(whole.values())
			// The short calls, below the threshold, never prefetch; with
			// the flags set they do not zero their count either, so that
			// a kernel that zeroed it before reading it differs from them.
			prefetching = true
			for lo := 0; lo < big; lo += small {
				c := &call{k: k}
				for i, v := range parts.args {
					c.args = append(c.args, cut(i, v, lo, lo+small))
				}
				k.call(c.values())
			}
			for i, a := range k.args {
				if a.out && !sameBits(whole.args[i], parts.args[i]) {
					t.Fatalf("%s perUnit=%v prefetch=%v: %s differs between one call over %d blocks and calls of %d", k.name, perUnit, c.prefetch, a.name, big, small)
				}
			}
		}
	}
}
