package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// avx512 lowers a model to AVX-512: 16 float32 (or int32) lanes in a ZMM
// register, the 16 matching uint16 counters in a YMM register, masks in
// opmask registers, which are also the spike bits. A scalar that is not
// held in a register is an operand broadcast from memory ({1to16}) where
// the instruction takes one, so that it costs no register.
type avx512 struct {
	frame
	ones   reg.VecVirtual       // 16 × uint16 1, for the counters
	zero   reg.VecVirtual       // +0 in every lane
	spikes map[int]reg.Register // each vector's spike mask
	shared shared[scalar]       // the scalar an operation's vectors share
}

func (b *avx512) operation(on bool) { b.shared.operation(on) }

// share returns the register of scalar s that the operation's vectors
// share, broadcast by the first, if s may be shared (not a uint16).
func (b *avx512) share(s scalar) (reg.VecVirtual, bool) {
	if s.u16 {
		return nil, false
	}
	return b.shared.get(s, func() reg.VecVirtual { return b.broadcast(s) })
}

func newAVX512() *avx512 { return &avx512{} }

func (b *avx512) name() string { return "AVX512" }
func (b *avx512) lanes() int   { return 16 }

// budget interleaves as many of a block's 4 vectors as the 32 vector and
// 7 mask registers hold, keeping 4 vector registers for the kernel's own
// constants and the momentary, and holds as many scalars as remain.
func (b *avx512) budget(p pressure, n int) (held, group int) {
	const vecs, masks, reserve = 32, 7, 4
	group = min(4, (vecs-reserve)/max(p.vecs, 1), masks/max(p.masks, 1))
	return max(0, min(n, vecs-reserve-group*p.vecs)), max(group, 1)
}

// pairs counts an operation's result in one of its inputs' registers
// (tight), which the allocator does, and keeps 3 registers for the
// counters' ones, the zero and a momentary broadcast.
func (b *avx512) pairs(pre, post pressure, across, n int) (int, bool) {
	const vecs, masks, reserve, block = 32, 7, 3, 4
	need := max(2*block*pre.tight, block*(post.tight+across))
	if pre.masks > 0 || block*post.masks > masks || need > vecs-reserve {
		return 0, false
	}
	return min(n, vecs-reserve-need), true
}

func (b *avx512) emitter() emitter { return b }
func (b *avx512) end()             { VZEROUPPER() }

func (b *avx512) localBytes(scalars, []string) int { return 0 }

func (b *avx512) setup(sc scalars, held []string, _ *locals) {
	b.start(sc)
	b.ones = YMM()
	VPCMPEQW(b.ones, b.ones, b.ones) // all ones
	VPSRLW(U8(15), b.ones, b.ones)   // 1 per word
	// Once per call: avo takes VPXORD's inputs for reads (it knows the
	// zeroing idiom of VPXOR only), which in the loop would keep the
	// register live throughout anyway.
	b.zero = ZMM()
	VPXORD(b.zero, b.zero, b.zero)
	for _, k := range held {
		b.fixed[k] = b.broadcast(sc[k])
	}
}

func (b *avx512) begin(p ptrs) {
	b.frame.begin(p)
	b.spikes = map[int]reg.Register{}
}

// broadcast loads a scalar into every lane of a register.
func (b *avx512) broadcast(s scalar) reg.VecVirtual {
	if s.u16 {
		x := YMM()
		VPBROADCASTW(s.m(), x)
		return x
	}
	x := ZMM()
	VBROADCASTSS(s.m(), x)
	return x
}

// value is a scalar by key: its register, or the scalar itself.
func (b *avx512) value(key string) interface{} {
	if x, ok := b.fixed[key]; ok {
		return x
	}
	return b.sc[key]
}

// reg returns x in a register, broadcasting a scalar, loading a memvec.
func (b *avx512) reg(x interface{}) reg.VecVirtual {
	switch x := x.(type) {
	case scalar:
		if r, ok := b.share(x); ok {
			return r
		}
		return b.broadcast(x)
	case memvec:
		z := ZMM()
		VMOVUPS(b.mem(x), z)
		return z
	}
	return x.(reg.VecVirtual)
}

// rm returns x as an instruction's register-or-memory operand.
func (b *avx512) rm(x interface{}) Op {
	if m, ok := x.(memvec); ok {
		return b.mem(m)
	}
	return b.reg(x)
}

// inMemory says whether x is an operand in memory.
func inMemory(x interface{}) bool {
	switch x.(type) {
	case scalar, memvec:
		return true
	}
	return false
}

// binary emits z = x ∘ y with op, with y (or x, for an operation that
// commutes) a memory operand where it is one: with bcst for a scalar.
func (b *avx512) binary(op, bcst func(...Op), x, y interface{}, commutes bool) reg.VecVirtual {
	z := ZMM()
	if inMemory(x) && !inMemory(y) && commutes {
		x, y = y, x
	}
	if s, ok := y.(scalar); ok {
		if r, ok := b.share(s); ok {
			op(r, b.reg(x), z)
		} else {
			bcst(s.m(), b.reg(x), z)
		}
		return z
	}
	op(b.rm(y), b.reg(x), z)
	return z
}

func (b *avx512) F(name string) vec { return b.float(name, 16, b.value, ZMM) }

func (b *avx512) U(name string) uvec {
	if _, ok := b.sc[name]; ok {
		return b.reg(b.value(name))
	}
	x := YMM()
	VMOVDQU16(b.at(name, 16, 2), x) // EVEX: any of the 32 registers
	return x
}

func (b *avx512) Const(x float32) vec { return b.value(b.sc.constant(math.Float32bits(x))) }

func (b *avx512) Mul(x, y vec) vec { return b.binary(VMULPS, VMULPS_BCST, x, y, true) }
func (b *avx512) Div(x, y vec) vec { return b.binary(VDIVPS, VDIVPS_BCST, x, y, false) }

func (b *avx512) Quot(x vec, name string) vec { return quot(b, b.reciprocals, x, name) }
func (b *avx512) Add(x, y vec) vec            { return b.binary(VADDPS, VADDPS_BCST, x, y, true) }
func (b *avx512) Sub(x, y vec) vec            { return b.binary(VSUBPS, VSUBPS_BCST, x, y, false) }

func (b *avx512) SubExact(a, x, y vec) vec { return subExact(b, ZMM(), a, x, y) }

func (b *avx512) loads(x interface{}) bool { return inMemory(x) }

// fill puts x in z: broadcast where it is a scalar in memory, loaded
// where it is a vector in memory, else copied.
func (b *avx512) fill(z reg.VecVirtual, x interface{}) {
	switch m := x.(type) {
	case scalar:
		if r, ok := b.share(m); ok {
			VMOVAPS(r, z) // a copy, which the core drops at renaming
		} else {
			VBROADCASTSS(m.m(), z)
		}
	case memvec:
		VMOVUPS(b.mem(m), z)
	default:
		VMOVAPS(b.reg(x), z)
	}
}

// Clamp takes x as the second source of MAXPS and MINPS, which return it
// when either source is NaN.
func (b *avx512) Clamp(x, lo, hi vec) vec {
	t, z := ZMM(), ZMM()
	VMAXPS(b.reg(x), b.reg(lo), t) // t = lo > x ? lo : x
	VMINPS(t, b.reg(hi), z)        // z = hi < t ? hi : t
	return z
}

// Round rounds to nearest, ties to even (VRNDSCALEPS, imm 0: no fraction
// bits kept, the MXCSR's rounding not used).
func (b *avx512) Round(x vec) vec {
	z := ZMM()
	VRNDSCALEPS(U8(0), b.rm(x), z)
	return z
}

// Scale is VSCALEFPS, p·2^⌊n⌋ rounded once: the bits of the reference's
// two products (an exact one, then one that rounds).
func (b *avx512) Scale(p, n vec) vec { return b.binary(VSCALEFPS, VSCALEFPS_BCST, p, n, false) }

// Compare predicates: _CMP_GT_OQ (ordered: NaN compares false), and the
// unsigned integer NLE (>) and NLT (≥).
const (
	cmpGTOQ = 0x1e
	cmpNLE  = 6
	cmpNLT  = 5
)

func (b *avx512) GT(x, y vec) mask {
	k := K()
	VCMPPS(U8(cmpGTOQ), b.rm(y), b.reg(x), k) // k = x > y
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
	VCMPPS(U8(cmpGTOQ), b.rm(y), b.reg(x), m.(reg.Register), k) // k = m ∧ x > y
	return k
}

func (b *avx512) Gate(m mask, x vec) vec {
	z := ZMM()
	VMOVUPS_Z(b.rm(x), m.(reg.Register), z) // z = m ? x : 0
	return z
}

func (b *avx512) Select(m mask, x, y vec) vec {
	// A false side in memory is loaded into a register (a load port)
	// rather than swapped into x's place under the inverted mask: KNOTW
	// would take a port of the vector units, which bound these kernels.
	z := ZMM()
	// avo takes VBLENDMPS for a read of its destination too (its merging
	// form), and would keep z's register live from the kernel's entry:
	// z's zeroing idiom before it, which the core drops at renaming, ends
	// that.
	VXORPS(z, z, z)
	VBLENDMPS(b.rm(x), b.reg(y), m.(reg.Register), z) // z = m ? x : y
	return z
}

func (b *avx512) Store(name string, x vec) {
	VMOVUPS(b.reg(x), b.at(name, 16, 4))
}

func (b *avx512) Tick(name string, r uvec, s mask) {
	out := YMM()
	VPADDUSW(b.ones, r.(reg.VecVirtual), out)      // min(r + 1, 65535)
	VMOVDQU16(b.zero.AsY(), s.(reg.Register), out) // s ? 0 : out, merging: no mask inversion
	VMOVDQU16(out, b.at(name, 16, 2))
}

func (b *avx512) ISub(x, y ivec) ivec { return b.binary(VPSUBD, VPSUBD_BCST, x, y, false) }

func (b *avx512) ISar(x ivec, k int) ivec {
	z := ZMM()
	VPSRAD(U8(k), b.reg(x), z)
	return z
}

func (b *avx512) IShl(x ivec, k int) ivec {
	z := ZMM()
	VPSLLD(U8(k), b.reg(x), z)
	return z
}

func (b *avx512) Bits(x ivec) vec { return x }
func (b *avx512) Int(x vec) ivec  { return x }

// drain zeroes the lanes that are not already +0, under a mask: a vector
// with no input stores nothing, and the line is in L1, just loaded.
func (b *avx512) drain(name string) {
	k := K()
	x := b.loaded[name]
	VPTESTMD(x, x, k)
	VMOVDQU32(b.zero, k, b.at(name, 16, 4))
}

func (b *avx512) Spikes(m mask) { b.spikes[b.v] = m.(reg.Register) }

// storeSpikes stores the mask itself (KMOVW to memory: a store, which
// takes none of the vector ports that moving it to a general register
// would).
func (b *avx512) storeSpikes(at Mem) { KMOVW(b.spikes[b.v], at) }
