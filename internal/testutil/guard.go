package testutil

import (
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
)

// Guard pages catch a kernel that touches memory outside its slices: the
// slice is placed against a page the process may not read or write, so an
// access one byte past its end (AtEnd) or before its start (AtStart) raises
// SIGSEGV. Sentinel values around a slice see only writes, and only those
// that land on them; a guard page also sees reads, however far they go.
//
// CatchFault turns such a fault into an error the test reports, naming the
// case, instead of a crash of the whole test binary: the runtime delivers a
// fault as a panic when debug.SetPanicOnFault is on, in assembly code too
// (checked on linux/amd64 with the AVX2 and AVX-512 kernels of package asm
// and runtime.memmove). The panic unwinds the kernel's frame; the kernel may
// have written part of its output, so the test should stop using the state
// it was stepping.
//
// The typical test keeps one Region per slice argument, sized for the
// longest case, and re-slices it per length and placement, since mapping
// memory per call is slow:
//
//	acc := testutil.NewRegion[float32](t, 300)
//	row := testutil.NewRegion[float32](t, 300)
//	for n := range 301 {
//		for _, p := range testutil.Placements(2) {
//			a, w := acc.Copy(accValues[:n], p[0]), row.Copy(rowValues[:n], p[1])
//			if f := testutil.CatchFault(func() { kernel(a, w) }); f != nil {
//				t.Errorf("kernel n=%d acc %v row %v: %v", n, p[0], p[1], f)
//			}
//		}
//	}
//
// Where guard pages are not supported (see GuardPages), NewRegion skips the
// test with a message.
//
// What a guard page cannot see: an access that skips over the guard page
// into other memory (a wild index, not an overrun), a write inside the
// slice where none belongs (compare the results), and the lanes a masked
// AVX-512 load or store leaves off, which never fault, nor do prefetches:
// both are legitimate ways to handle a tail.
//
// A fault outside CatchFault (in a goroutine of its own, say) still ends the
// test binary, which is still a failed test: the runtime prints
// "unexpected fault address 0x…", "fatal error: fault" and
// "[signal SIGSEGV: segmentation violation code=0x2 addr=0x… pc=0x…]"
// (code 2, SEGV_ACCERR: a page mapped but not accessible, the guard), then
// the faulting goroutine's stack, whose first frame below runtime.sigpanic
// is the kernel (an assembly file and line) and whose next frames are the
// test's call, naming the case.

// Placement says which end of a guarded slice touches a guard page.
type Placement int

const (
	// AtEnd places the slice's last element last before a guard page:
	// reading s[len(s)] (through unsafe, or in assembly) faults. The
	// slice's capacity is its length.
	AtEnd Placement = iota
	// AtStart places the slice's first element first after a guard page:
	// reading s[-1] faults.
	AtStart
)

func (p Placement) String() string {
	switch p {
	case AtEnd:
		return "AtEnd"
	case AtStart:
		return "AtStart"
	}
	return fmt.Sprintf("Placement(%d)", int(p))
}

// Placements returns every assignment of a placement to k slice arguments,
// 2^k of them, all AtEnd first and all AtStart second: each argument meets
// a guard page at each end, alone and with the others.
func Placements(k int) [][]Placement {
	if k < 0 || k > 16 {
		panic(fmt.Sprintf("testutil: Placements(%d): want 0 to 16 arguments", k))
	}
	all := func(p Placement) []Placement {
		s := make([]Placement, k)
		for i := range s {
			s[i] = p
		}
		return s
	}
	if k == 0 {
		return [][]Placement{{}}
	}
	out := [][]Placement{all(AtEnd), all(AtStart)}
	for m := 1; m < 1<<k-1; m++ {
		p := make([]Placement, k)
		for i := range p {
			p[i] = Placement(m >> i & 1)
		}
		out = append(out, p)
	}
	return out
}

// PageSize is the size of the pages that guard the regions: the system's.
var PageSize = os.Getpagesize()

// GuardPages reports whether this system supports guarded regions, and if
// not why: they need mmap and mprotect.
func GuardPages() (ok bool, why string) { return guardSupported, guardWhy }

// Region is memory for up to Max elements of T between two guard pages.
// Slice and Copy hand out slices of it against one guard or the other; one
// region serves one slice at a time (each call may reuse the memory of the
// last). A region lives until the end of the test that made it.
type Region[T any] struct {
	data []T     // every element between the guards, rounded up to whole pages
	max  int     // the most elements a slice may have
	m    *mapped // the mapping, for faults to be described and for Cleanup
}

// NewRegion maps a region for up to maxLen elements of T for the rest of
// the test, or skips the test where guard pages are not supported. T must hold
// no pointers: the garbage collector does not see this memory.
func NewRegion[T any](t testing.TB, maxLen int) *Region[T] {
	t.Helper()
	if !guardSupported {
		t.Skipf("testutil: guard pages are not supported here: %s", guardWhy)
	}
	typ := reflect.TypeFor[T]()
	if !pointerFree(typ) {
		panic(fmt.Sprintf("testutil: NewRegion[%v]: the type holds pointers, which the garbage collector would not see in mapped memory", typ))
	}
	size := int(typ.Size())
	if size == 0 || maxLen < 0 {
		panic(fmt.Sprintf("testutil: NewRegion[%v](%d): want a non-empty type and maxLen ≥ 0", typ, maxLen))
	}
	// At least one page between the guards, and whole pages, so that the
	// data ends where the back guard starts.
	dataLen := max(1, (maxLen*size+PageSize-1)/PageSize) * PageSize
	mem, err := mapGuarded(dataLen)
	if err != nil {
		t.Fatalf("testutil: NewRegion[%v](%d): %v", typ, maxLen, err)
	}
	data := mem[PageSize : PageSize+dataLen]
	m := &mapped{
		mem:  mem,
		lo:   uintptr(unsafe.Pointer(unsafe.SliceData(data))),
		typ:  typ.String(),
		size: size,
	}
	m.hi = m.lo + uintptr(dataLen)
	register(m)
	t.Cleanup(func() {
		unregister(m)
		if err := unmapGuarded(mem); err != nil {
			t.Errorf("testutil: unmapping a guarded region: %v", err)
		}
	})
	return &Region[T]{
		data: unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(data))), dataLen/size),
		max:  maxLen,
		m:    m,
	}
}

// Max returns the most elements a slice of r may have.
func (r *Region[T]) Max() int { return r.max }

// Slice returns n elements of r against the guard page where says, with
// capacity n. They hold whatever r last held there (zero at first).
func (r *Region[T]) Slice(n int, where Placement) []T {
	if n < 0 || n > r.max {
		panic(fmt.Sprintf("testutil: Region[%s].Slice(%d): want 0 to %d elements", r.m.typ, n, r.max))
	}
	off := 0 // bytes before the slice
	switch where {
	case AtEnd:
		// In bytes: a size that does not divide the page size leaves
		// less than an element between the last whole element of r.data
		// and the guard. The offset is a multiple of T's alignment, as
		// T's size and the page size are.
		off = int(r.m.hi-r.m.lo) - n*r.m.size
	case AtStart:
	default:
		panic(fmt.Sprintf("testutil: Region.Slice: bad placement %v", where))
	}
	// Through unsafe rather than r.data[off:off+n:off+n], which for n = 0
	// would point at the start of r.data, not against the guard.
	p := unsafe.Add(unsafe.Pointer(unsafe.SliceData(r.data)), off)
	s := unsafe.Slice((*T)(p), n)
	lo := r.m.lo + uintptr(off)
	r.m.last.Store(&handed{lo: lo, hi: lo + uintptr(n*r.m.size), n: n, where: where})
	return s
}

// Copy returns a slice of r against the guard page where says, holding a
// copy of src.
func (r *Region[T]) Copy(src []T, where Placement) []T {
	s := r.Slice(len(src), where)
	copy(s, src)
	return s
}

// Guarded returns n zero elements of T against a guard page, in a region
// of their own that lives until the end of the test; see NewRegion. For
// many slices, a Region re-sliced per case is much faster.
func Guarded[T any](t testing.TB, n int, where Placement) []T {
	t.Helper()
	return NewRegion[T](t, n).Slice(n, where)
}

// GuardedCopy is Guarded holding a copy of src.
func GuardedCopy[T any](t testing.TB, src []T, where Placement) []T {
	t.Helper()
	return NewRegion[T](t, len(src)).Copy(src, where)
}

// pointerFree reports whether values of t hold no pointers.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// Fault is a memory fault that CatchFault caught: an access to memory the
// process may not touch.
type Fault struct {
	Addr uintptr // the faulting address the kernel reported
	// Where places Addr against the slice last handed out by the region
	// whose guard it is in: "end+0 of a []float32 of 37 elements placed
	// AtEnd" is the first byte past that slice, "start-1 of ..." the last
	// byte before it; or it says that Addr is in no guarded region (the
	// fault is elsewhere: a wild pointer, or state the kernel owns).
	Where string
	Err   error // the runtime's error
}

func (f *Fault) Error() string {
	return fmt.Sprintf("memory fault at %#x: %s", f.Addr, f.Where)
}

// CatchFault calls f with debug.SetPanicOnFault on and returns the fault f
// raised, or nil. Other panics go on. The setting is per goroutine: a fault
// in a goroutine that f starts still crashes the binary.
func CatchFault(f func()) (fault *Fault) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		err, ok := r.(interface {
			error
			Addr() uintptr
		})
		if !ok {
			panic(r)
		}
		fault = &Fault{Addr: err.Addr(), Where: describe(err.Addr()), Err: err}
	}()
	f()
	return nil
}

// NoFault calls f under CatchFault and fails t, naming what, when f
// faults; it reports whether f ran without a fault.
func NoFault(t testing.TB, what string, f func()) bool {
	t.Helper()
	if fault := CatchFault(f); fault != nil {
		t.Errorf("%s: %v", what, fault)
		return false
	}
	return true
}

// mapped is one live region: its mapping, the address range between its
// guards, and the slice it last handed out, to describe a fault.
type mapped struct {
	mem    []byte
	lo, hi uintptr // the data between the guards
	typ    string
	size   int
	last   atomic.Pointer[handed]
}

// handed is a slice a region handed out.
type handed struct {
	lo, hi uintptr
	n      int
	where  Placement
}

var regions struct {
	sync.Mutex
	live map[*mapped]bool
}

func register(m *mapped) {
	regions.Lock()
	defer regions.Unlock()
	if regions.live == nil {
		regions.live = map[*mapped]bool{}
	}
	regions.live[m] = true
}

func unregister(m *mapped) {
	regions.Lock()
	defer regions.Unlock()
	delete(regions.live, m)
}

// describe places addr against the guarded slice whose region it is in
// (guards included).
func describe(addr uintptr) string {
	regions.Lock()
	defer regions.Unlock()
	for m := range regions.live {
		if addr < m.lo-uintptr(PageSize) || addr >= m.hi+uintptr(PageSize) {
			continue
		}
		h := m.last.Load()
		if h == nil {
			return fmt.Sprintf("in a guarded region of []%s that handed out no slice", m.typ)
		}
		s := fmt.Sprintf("a []%s of %d elements placed %v", m.typ, h.n, h.where)
		switch {
		case addr >= h.hi:
			return fmt.Sprintf("end+%d of %s", addr-h.hi, s)
		case addr < h.lo:
			return fmt.Sprintf("start-%d of %s", h.lo-addr, s)
		}
		return fmt.Sprintf("byte %d inside %s (not a guard page: the fault has another cause)", addr-h.lo, s)
	}
	return "not in a guarded region"
}

// GuardLengths returns the lengths a guard test runs: every length from
// first to 300, which takes every tail of vectors of up to 64 elements and
// blocks of 64 to both guards, and a few longer ones; with -short, first
// to 70 and a few around the block sizes.
func GuardLengths(first int) []int {
	last, more := 300, []int{511, 1000, 4099}
	if testing.Short() {
		last, more = 70, []int{127, 128, 129, 255, 256, 300}
	}
	var n []int
	for i := first; i <= last; i++ {
		n = append(n, i)
	}
	return append(n, more...)
}
