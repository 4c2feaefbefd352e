// Package tails holds what the slice generators (../../rows, ../../vec)
// emit alike around their loops: taking the shortest of the slices, and
// the zeroed copy on the stack through which a kernel's last, partial
// group of elements goes, so that no vector reads past a slice.
package tails

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// MinLen sets n to min(n, len of the slice parameter p).
func MinLen(n Register, p string) {
	m := Load(Param(p).Len(), GP64())
	CMPQ(m, n)
	CMOVQLT(m, n)
}

// Copy copies the n ≥ 1 elements of size bytes (2 or 4) at src to dst,
// one at a time, looping at label.
func Copy(size int, src, dst Mem, n Register, label string) {
	i := GP64()
	XORQ(i, i)
	Label(label)
	switch size {
	case 2:
		t := GP16()
		MOVW(src.Idx(i, 2), t)
		MOVW(t, dst.Idx(i, 2))
	case 4:
		t := GP32()
		MOVL(src.Idx(i, 4), t)
		MOVL(t, dst.Idx(i, 4))
	default:
		panic("tails: elements of 2 or 4 bytes")
	}
	INCQ(i)
	CMPQ(i, n)
	JLT(LabelRef(label))
}

// Zero clears size bytes (a multiple of 32) of the stack at m.
func Zero(m Mem, size int) {
	z := YMM()
	VXORPS(z, z, z)
	for off := 0; off < size; off += 32 {
		VMOVDQU(z, m.Offset(off))
	}
}
