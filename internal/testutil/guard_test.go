package testutil

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/x448/float16"
)

// past reads the element i places after the start of s through unsafe:
// past the end, or before the start for negative i. It keeps the value in
// sink so that the compiler keeps the load.
func past[T any](s []T, i int) {
	p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), i*int(unsafe.Sizeof(*new(T))))
	sink = *(*T)(p)
}

var sink any

// TestGuardedEnds: the element just past a slice placed AtEnd and the one
// just before a slice placed AtStart fault, for several types and lengths
// (a page and more); every element of the slice reads and writes; the
// fault names the placement and the distance from the slice.
func TestGuardedEnds(t *testing.T) {
	for _, n := range []int{0, 1, 3, PageSize/4 - 1, PageSize / 4, PageSize/4 + 1, 3 * PageSize} {
		checkEnds[float32](t, n, "float32")
		checkEnds[uint16](t, n, "uint16")
		checkEnds[uint64](t, n, "uint64")
		checkEnds[int32](t, n, "int32")
		checkEnds[float16.Float16](t, n, "float16.Float16")
		checkEnds[[3]byte](t, n, "[3]uint8")
	}
}

func checkEnds[T any](t *testing.T, n int, typ string) {
	t.Helper()
	r := NewRegion[T](t, n)
	for _, where := range []Placement{AtEnd, AtStart} {
		s := r.Slice(n, where)
		if len(s) != n || cap(s) != n {
			t.Fatalf("[]%s n=%d %v: len %d, cap %d", typ, n, where, len(s), cap(s))
		}
		var zero T
		for i := range s {
			s[i] = zero
			_ = s[i]
		}
		i, want := n, "end+0 of a []"+typ
		if where == AtStart {
			i, want = -1, "start-"
		}
		f := CatchFault(func() { past(s, i) })
		if f == nil {
			t.Fatalf("[]%s n=%d %v: element %d read without a fault", typ, n, where, i)
		}
		if !strings.Contains(f.Where, want) || !strings.Contains(f.Where, where.String()) {
			t.Errorf("[]%s n=%d %v: fault %q, want it to say %q and the placement", typ, n, where, f.Where, want)
		}
		if where == AtStart && !strings.HasSuffix(strings.Fields(f.Where)[0], "-"+strconv.Itoa(int(unsafe.Sizeof(zero)))) {
			t.Errorf("[]%s n=%d AtStart: fault %q, want start-%d", typ, n, f.Where, unsafe.Sizeof(zero))
		}
		var re interface{ RuntimeError() }
		if !errors.As(f.Err, &re) {
			t.Errorf("fault error %T is not a runtime error", f.Err)
		}
	}
}

// TestCopyFills: Copy and GuardedCopy hold the values given, against the
// guard asked for; Guarded is zero.
func TestCopyFills(t *testing.T) {
	src := []float32{1, float32(math.NaN()), float32(math.Copysign(0, -1)), 3e38, 5}
	for _, where := range []Placement{AtEnd, AtStart} {
		g := GuardedCopy(t, src, where)
		if !slices.EqualFunc(g, src, func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }) {
			t.Errorf("%v: %v, want %v", where, g, src)
		}
		if CatchFault(func() { past(g, map[Placement]int{AtEnd: len(g), AtStart: -1}[where]) }) == nil {
			t.Errorf("GuardedCopy %v: not against its guard", where)
		}
		z := Guarded[uint64](t, 700, where)
		for i, v := range z {
			if v != 0 {
				t.Fatalf("Guarded %v: element %d = %d", where, i, v)
			}
		}
	}
	r := NewRegion[int32](t, 10)
	a := r.Copy([]int32{1, 2, 3}, AtEnd)
	b := r.Copy([]int32{7, 8}, AtStart)
	if !slices.Equal(a, []int32{1, 2, 3}) || !slices.Equal(b, []int32{7, 8}) {
		t.Errorf("a region's two ends: %v, %v", a, b)
	}
}

// TestFaultInAssembly: a fault raised in assembly (runtime.memmove, which
// copy calls) is caught too, on a write past the end and on a read before
// the start.
func TestFaultInAssembly(t *testing.T) {
	for _, n := range []int{1, 100, 1000} {
		r := NewRegion[float32](t, n)
		s := r.Slice(n, AtEnd)
		over := unsafe.Slice(unsafe.SliceData(s), n+8) // runs past the guard
		src := make([]float32, n+8)
		for i := range src {
			src[i] = float32(i + 1)
		}
		f := CatchFault(func() { copy(over, src) })
		if f == nil || !strings.Contains(f.Where, "AtEnd") {
			t.Fatalf("n=%d: copy past the guard: fault %v", n, f)
		}
		s = r.Slice(n, AtStart)
		under := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s)), -16)), n)
		if f := CatchFault(func() { copy(src, under) }); f == nil || !strings.Contains(f.Where, "start-16 ") {
			t.Fatalf("n=%d: copy from before the guard: fault %v", n, f)
		}
	}
}

// TestOtherPanicsGoOn: CatchFault passes on panics that are not faults,
// and returns nil when nothing faults.
func TestOtherPanicsGoOn(t *testing.T) {
	if f := CatchFault(func() {}); f != nil {
		t.Errorf("no fault: %v", f)
	}
	defer func() {
		if r := recover(); r != "not a fault" {
			t.Errorf("recovered %v, want the panic to go on", r)
		}
	}()
	CatchFault(func() { panic("not a fault") })
}

// TestNoFault fails the test it is given, naming the case, on a fault.
func TestNoFault(t *testing.T) {
	s := Guarded[byte](t, 5, AtEnd)
	rec := &recorder{TB: t}
	if NoFault(rec, "kernel n=5", func() { past(s, 5) }) || !strings.Contains(rec.msg, "kernel n=5: memory fault at") {
		t.Errorf("NoFault on a fault: message %q", rec.msg)
	}
	if !NoFault(t, "no fault", func() { _ = s[4] }) {
		t.Error("NoFault without a fault reported one")
	}
}

type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Errorf(format string, args ...any) { r.msg = fmt.Sprintf(format, args...) }

func (r *recorder) Helper() {}

// TestRegionChecks: a region refuses pointer types, and slices longer than
// it.
func TestRegionChecks(t *testing.T) {
	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", what)
			}
		}()
		f()
	}
	mustPanic("pointer type", func() { NewRegion[*int](t, 1) })
	mustPanic("struct with a slice", func() { NewRegion[struct{ s []int }](t, 1) })
	mustPanic("too long", func() { NewRegion[int](t, 3).Slice(4, AtEnd) })
}

// TestPlacements: every assignment, once, all AtEnd then all AtStart first.
func TestPlacements(t *testing.T) {
	for k := range 5 {
		p := Placements(k)
		if len(p) != 1<<k {
			t.Fatalf("k=%d: %d assignments", k, len(p))
		}
		seen := map[string]bool{}
		for _, a := range p {
			seen[placementsKey(a)] = true
		}
		if len(seen) != 1<<k {
			t.Errorf("k=%d: %d distinct assignments of %d", k, len(seen), 1<<k)
		}
		if k > 0 && (slices.Contains(p[0], AtStart) || slices.Contains(p[1], AtEnd)) {
			t.Errorf("k=%d: first two %v, %v", k, p[0], p[1])
		}
	}
}

func placementsKey(p []Placement) string {
	var b strings.Builder
	for _, x := range p {
		b.WriteString(x.String())
	}
	return b.String()
}
