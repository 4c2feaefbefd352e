package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// avx512 lowers a model to AVX-512: 16 float32 lanes in a ZMM register,
// the 16 matching uint16 counters in a YMM register, masks in opmask
// registers, which are also the spike bits.
type avx512 struct {
	ones   reg.VecVirtual // 16 × uint16 1, for the counters
	p      ptrs
	v      int
	loaded map[string]reg.VecVirtual
	fixed  map[string]reg.VecVirtual // uniform parameters, broadcast once
	spikes reg.Register              // the vector's spike mask
}

func newAVX512() *avx512 { return &avx512{} }

func (b *avx512) name() string     { return "AVX512" }
func (b *avx512) lanes() int       { return 16 }
func (b *avx512) emitter() emitter { return b }
func (b *avx512) end()             { VZEROUPPER() }

func (b *avx512) broadcast(s stream, addr reg.Register) {
	switch {
	case s.u16():
		x := YMM()
		VPBROADCASTW(Mem{Base: addr}, x)
		b.fixed[s.name] = x
	default:
		x := ZMM()
		VBROADCASTSS(Mem{Base: addr}, x)
		b.fixed[s.name] = x
	}
}

func (b *avx512) setup() {
	b.fixed = map[string]reg.VecVirtual{}
	b.ones = YMM()
	VPCMPEQW(b.ones, b.ones, b.ones) // all ones
	VPSRLW(U8(15), b.ones, b.ones)   // 1 per word
}

func (b *avx512) begin(p ptrs, v int) {
	b.p, b.v, b.loaded, b.spikes = p, v, map[string]reg.VecVirtual{}, nil
}

func (b *avx512) mem(name string, size int) Mem {
	return Mem{Base: b.p[name], Disp: b.v * 16 * size}
}

func (b *avx512) F(name string) vec {
	if x, ok := b.fixed[name]; ok {
		return x
	}
	if x, ok := b.loaded[name]; ok {
		return x
	}
	x := ZMM()
	VMOVUPS(b.mem(name, 4), x)
	b.loaded[name] = x
	return x
}

func (b *avx512) U(name string) uvec {
	if x, ok := b.fixed[name]; ok {
		return x
	}
	x := YMM()
	VMOVDQU(b.mem(name, 2), x)
	return x
}

func (b *avx512) Mul(x, y vec) vec {
	z := ZMM()
	VMULPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z)
	return z
}

func (b *avx512) Add(x, y vec) vec {
	z := ZMM()
	VADDPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z)
	return z
}

func (b *avx512) Sub(x, y vec) vec {
	z := ZMM()
	VSUBPS(y.(reg.VecVirtual), x.(reg.VecVirtual), z) // z = x − y
	return z
}

// Compare predicates: _CMP_GT_OQ (ordered: NaN compares false), and the
// unsigned integer NLE (>) and NLT (≥).
const (
	cmpGTOQ = 0x1e
	cmpNLE  = 6
	cmpNLT  = 5
)

func (b *avx512) GT(x, y vec) mask {
	k := K()
	VCMPPS(U8(cmpGTOQ), y.(reg.VecVirtual), x.(reg.VecVirtual), k) // k = x > y
	return k
}

func (b *avx512) UGT(x, y uvec) mask {
	k := K()
	VPCMPUW(U8(cmpNLE), y.(reg.VecVirtual), x.(reg.VecVirtual), k) // k = x > y
	return k
}

func (b *avx512) UGE(x, y uvec) mask {
	k := K()
	VPCMPUW(U8(cmpNLT), y.(reg.VecVirtual), x.(reg.VecVirtual), k) // k = x ≥ y
	return k
}

func (b *avx512) And(x, y mask) mask {
	k := K()
	KANDW(y.(reg.Register), x.(reg.Register), k)
	return k
}

func (b *avx512) GTIf(m mask, x, y vec) mask {
	k := K()
	VCMPPS(U8(cmpGTOQ), y.(reg.VecVirtual), x.(reg.VecVirtual), m.(reg.Register), k) // k = m ∧ x > y
	return k
}

func (b *avx512) Gate(m mask, x vec) vec {
	z := ZMM()
	VMOVAPS_Z(x.(reg.VecVirtual), m.(reg.Register), z) // z = m ? x : 0
	return z
}

func (b *avx512) Select(m mask, x, y vec) vec {
	z := ZMM()
	VBLENDMPS(x.(reg.VecVirtual), y.(reg.VecVirtual), m.(reg.Register), z) // z = m ? x : y
	return z
}

func (b *avx512) Store(name string, x vec) {
	VMOVUPS(x.(reg.VecVirtual), b.mem(name, 4))
}

func (b *avx512) Tick(name string, r uvec, s mask) {
	out := YMM()
	VPADDUSW(b.ones, r.(reg.VecVirtual), out) // min(r + 1, 65535)
	zero := YMM()
	VPXOR(zero, zero, zero)
	VMOVDQU16(zero, s.(reg.Register), out) // s ? 0 : out, merging: no mask inversion
	VMOVDQU(out, b.mem(name, 2))
}

// drain zeroes the lanes that are not already +0, under a mask: a vector
// with no input stores nothing, and the line is in L1, just loaded. (The
// zeroing idiom costs no execution unit.)
func (b *avx512) drain(name string) {
	k := K()
	x := b.loaded[name]
	VPTESTMD(x, x, k)
	z := ZMM()
	VPXORD(z, z, z)
	VMOVDQU32(z, k, b.mem(name, 4))
}

func (b *avx512) Spikes(m mask) { b.spikes = m.(reg.Register) }

func (b *avx512) spikeBits() reg.GPVirtual {
	g := GP32()
	KMOVW(b.spikes, g)
	return g
}
