package mem

import (
	"testing"
	"unsafe"
)

func addr[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

// TestStaggered: arrays start on cache lines, large ones at distinct page
// offsets away from 0, and none overlaps another.
func TestStaggered(t *testing.T) {
	var b Block
	var f1, f2, f3 []float32
	var u []uint16
	var small []float32
	src := []uint16{1, 2, 3}
	var cp []uint16
	Array(&b, &f1, 5000)
	Array(&b, &small, 3)
	Array(&b, &u, 5000)
	Copy(&b, &cp, src)
	Array(&b, &f2, 5000)
	Array(&b, &f3, 1025)
	b.Alloc()

	if len(f1) != 5000 || len(small) != 3 || len(u) != 5000 || len(f2) != 5000 || len(f3) != 1025 || len(cp) != 3 {
		t.Fatal("wrong lengths")
	}
	if cp[0] != 1 || cp[2] != 3 {
		t.Errorf("Copy: %v", cp)
	}
	src[0] = 9
	if cp[0] != 1 {
		t.Error("Copy aliases its source")
	}
	type span struct{ lo, hi uintptr }
	spans := []span{
		{addr(f1), addr(f1) + 4*5000}, {addr(small), addr(small) + 12}, {addr(u), addr(u) + 2*5000},
		{addr(cp), addr(cp) + 6}, {addr(f2), addr(f2) + 4*5000}, {addr(f3), addr(f3) + 4*1025},
	}
	offsets := map[uintptr]bool{}
	for i, s := range spans {
		if s.lo%64 != 0 {
			t.Errorf("array %d not on a cache line: %#x", i, s.lo)
		}
		for j := range i {
			if s.lo < spans[j].hi && spans[j].lo < s.hi {
				t.Errorf("arrays %d and %d overlap", j, i)
			}
		}
		if s.hi-s.lo >= 4096 {
			off := s.lo % 4096
			if off == 0 || offsets[off] {
				t.Errorf("large array %d at page offset %d: zero or shared", i, off)
			}
			offsets[off] = true
		}
	}
	for i := range f1 {
		if f1[i] != 0 || f2[i] != 0 {
			t.Fatal("arrays not zeroed")
		}
	}
}

// TestPadded: arrays have room for whole blocks, zeroed, and Copy copies.
func TestPadded(t *testing.T) {
	var b Block
	var a []float32
	var c []uint16
	Array(&b, &a, 70)
	Copy(&b, &c, []uint16{1, 2, 3})
	b.Alloc()
	if len(a) != 70 || cap(a) != 128 || len(c) != 3 || cap(c) != 64 || c[2] != 3 {
		t.Fatalf("len/cap %d/%d and %d/%d, c = %v", len(a), cap(a), len(c), cap(c), c)
	}
	for _, v := range a[:cap(a)] {
		if v != 0 {
			t.Fatal("padding not zero")
		}
	}
	var s Stream[float32]
	var u Stream[float32]
	PlanStream(&b, &s, make([]float32, 130))
	PlanStream(&b, &u, []float32{7})
	b.Alloc()
	// A kernel takes whole blocks: of the per-unit stream, the padded
	// storage from the block on; of the uniform one, its 64 repeats.
	if b2 := s.Blocks(2, 1); len(b2) != BlockLen || &b2[0] != &s.v[:cap(s.v)][128] {
		t.Errorf("per-unit stream: block 2 is %d values at %p, want 64 at unit 128", len(b2), &b2[0])
	}
	if b5 := u.Blocks(5, 3); len(b5) != BlockLen || b5[63] != 7 {
		t.Errorf("uniform stream: blocks 5–7 are %d values, last %v; want the 64 repeats of 7", len(b5), b5[len(b5)-1])
	}
	if x := Blocks(a, 1, 1); len(x) != BlockLen || &x[0] != &a[64] {
		t.Errorf("Blocks(a, 1, 1) is %d values at %p, want 64 at a[64]", len(x), &x[0])
	}
}

// TestOverlap: slices share an element when one starts within the other,
// whatever their order; side by side or empty, they do not.
func TestOverlap(t *testing.T) {
	buf := make([]float32, 20)
	for _, c := range []struct {
		name       string
		a, b       []float32
		over, same bool
	}{
		{"same", buf[2:8], buf[2:8], true, true},
		{"same start, longer", buf[2:8], buf[2:9], true, false},
		{"b starts within a", buf[2:8], buf[7:12], true, false},
		{"a starts within b", buf[7:12], buf[2:8], true, false},
		{"b inside a", buf[2:12], buf[4:5], true, false},
		{"side by side", buf[2:8], buf[8:12], false, false},
		{"side by side, reversed", buf[8:12], buf[2:8], false, false},
		{"apart", buf[0:3], buf[10:20], false, false},
		{"empty within", buf[2:8], buf[4:4], false, false},
		{"both empty", buf[4:4], buf[4:4], false, true},
		{"nil", nil, buf, false, false},
	} {
		if got := Overlap(c.a, c.b); got != c.over {
			t.Errorf("%s: Overlap = %v, want %v", c.name, got, c.over)
		}
		if got := Same(c.a, c.b); got != c.same {
			t.Errorf("%s: Same = %v, want %v", c.name, got, c.same)
		}
	}
}
