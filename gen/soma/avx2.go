package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// avx2 lowers a model to AVX2: 8 float32 lanes in a YMM register; the 8
// matching uint16 counters widened to 32-bit lanes, so that they line up
// with the floats; masks as YMM registers of all-ones lanes.
type avx2 struct {
	minus1, max16 reg.VecVirtual // 8 × int32 −1 and 65535
	p             ptrs
	v             int
	loaded        map[string]reg.VecVirtual
	fixed         map[string]reg.VecVirtual // uniform parameters, broadcast once
	spikes        reg.VecVirtual
}

func newAVX2() *avx2 { return &avx2{} }

func (b *avx2) name() string     { return "AVX2" }
func (b *avx2) lanes() int       { return 8 }
func (b *avx2) emitter() emitter { return b }
func (b *avx2) end()             { VZEROUPPER() }

func (b *avx2) broadcast(s stream, addr reg.Register) {
	switch {
	case s.u16():
		w := XMM()
		VPBROADCASTW(Mem{Base: addr}, w)
		x := YMM()
		VPMOVZXWD(w, x)
		b.fixed[s.name] = x
	default:
		x := YMM()
		VBROADCASTSS(Mem{Base: addr}, x)
		b.fixed[s.name] = x
	}
}

func (b *avx2) setup() {
	b.fixed = map[string]reg.VecVirtual{}
	b.minus1, b.max16 = YMM(), YMM()
	VPCMPEQD(b.minus1, b.minus1, b.minus1)
	VPSRLD(U8(16), b.minus1, b.max16)
}

func (b *avx2) begin(p ptrs, v int) {
	b.p, b.v, b.loaded, b.spikes = p, v, map[string]reg.VecVirtual{}, nil
}

func (b *avx2) mem(name string, size int) Mem {
	return Mem{Base: b.p[name], Disp: b.v * 8 * size}
}

func (b *avx2) F(name string) vec {
	if x, ok := b.fixed[name]; ok {
		return x
	}
	if x, ok := b.loaded[name]; ok {
		return x
	}
	x := YMM()
	VMOVUPS(b.mem(name, 4), x)
	b.loaded[name] = x
	return x
}

// U loads 8 counters zero-extended to 32-bit lanes.
func (b *avx2) U(name string) uvec {
	if x, ok := b.fixed[name]; ok {
		return x
	}
	x := YMM()
	VPMOVZXWD(b.mem(name, 2), x)
	return x
}

func (b *avx2) Mul(x, y vec) vec {
	z := YMM()
	VMULPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z)
	return z
}

func (b *avx2) Add(x, y vec) vec {
	z := YMM()
	VADDPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z)
	return z
}

func (b *avx2) Sub(x, y vec) vec {
	z := YMM()
	VSUBPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z) // z = x − y
	return z
}

func (b *avx2) GT(x, y vec) mask {
	z := YMM()
	VCMPPS(U8(cmpGTOQ), y.(reg.VecVirtual), x.(reg.VecVirtual), z) // z = x > y
	return z
}

// UGT compares the widened counters as signed 32-bit integers, exact for
// values in [0, 65535].
func (b *avx2) UGT(x, y uvec) mask {
	z := YMM()
	VPCMPGTD(y.(reg.VecVirtual), x.(reg.VecVirtual), z) // z = x > y
	return z
}

// UGE is x > y − 1, exact for values in [0, 65535].
func (b *avx2) UGE(x, y uvec) mask {
	y1 := YMM()
	VPADDD(b.minus1, y.(reg.VecVirtual), y1)
	z := YMM()
	VPCMPGTD(y1, x.(reg.VecVirtual), z)
	return z
}

func (b *avx2) And(x, y mask) mask {
	z := YMM()
	VANDPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z)
	return z
}

func (b *avx2) GTIf(m mask, x, y vec) mask { return b.And(m, b.GT(x, y)) }

func (b *avx2) Gate(m mask, x vec) vec {
	z := YMM()
	VANDPS(x.(reg.VecVirtual), m.(reg.VecVirtual), z) // all-ones lanes keep x, the others are +0
	return z
}

func (b *avx2) Select(m mask, x, y vec) vec {
	z := YMM()
	VBLENDVPS(m.(reg.VecVirtual), x.(reg.VecVirtual), y.(reg.VecVirtual), z) // z = m ? x : y
	return z
}

func (b *avx2) Store(name string, x vec) {
	VMOVUPS(x.(reg.VecVirtual), b.mem(name, 4))
}

// Tick computes on the widened counters and packs them back to 8 × uint16.
func (b *avx2) Tick(name string, r uvec, s mask) {
	inc := YMM()
	VPSUBD(b.minus1, r.(reg.VecVirtual), inc) // r + 1
	VPMINUD(b.max16, inc, inc)                // saturate at 65535
	out := YMM()
	VPANDN(inc, s.(reg.VecVirtual), out) // s ? 0 : inc
	hi := XMM()
	VEXTRACTI128(U8(1), out, hi)
	packed := XMM()
	VPACKUSDW(hi, out.AsX(), packed) // lanes 0–3 from out, 4–7 from hi
	VMOVDQU(packed, b.mem(name, 2))
}

// drain stores zeros over the vector: AVX2 has no cheap masked store, and
// the line is in L1, just loaded.
func (b *avx2) drain(name string) {
	z := YMM()
	VXORPS(z, z, z)
	VMOVUPS(z, b.mem(name, 4))
}

func (b *avx2) Spikes(m mask) { b.spikes = m.(reg.VecVirtual) }

func (b *avx2) spikeBits() reg.GPVirtual {
	g := GP32()
	VMOVMSKPS(b.spikes, g)
	return g
}
