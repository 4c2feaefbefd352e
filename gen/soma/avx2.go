package main

import (
	"fmt"
	"maps"
	"math"
	"slices"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// avx2 lowers a model to AVX2: 8 float32 (or int32) lanes in a YMM
// register; the 8 matching uint16 counters widened to 32-bit lanes, so that
// they line up with the floats, and advanced in their own 16-bit lanes
// (Tick); masks as YMM registers of all-ones lanes.
// A scalar that is not held in a register is a whole vector in memory (a
// constant in read-only data, a parameter broadcast once into the stack),
// an instruction's memory operand where it is used: AVX2 has no broadcast
// operand, and a broadcast load per use would take an instruction and a
// register.
type avx2 struct {
	frame
	ones16 reg.VecVirtual         // 16 × uint16 1
	spikes map[int]reg.VecVirtual // each vector's spike mask
	vmems  map[string]vmem        // the scalars not held
	shared shared[vmem]           // the scalar an operation's vectors share
}

// A notMask is a mask held as its complement: UGE's, which takes one
// compare so (y > x is ¬(x ≥ y)) where the mask itself would take two.
// The operations that read masks take it as it is (VANDNPS for And and
// Gate, the blend's sides swapped for Select); positive makes the mask.
type notMask struct{ not reg.VecVirtual }

// vmem is a scalar laid out as a whole vector in memory.
type vmem struct{ m Mem }

// vconstants are the constants laid out as vectors, one symbol per value.
var vconstants = map[uint32]Mem{}

// vconstant returns the vector of a constant, adding its data to the file
// the first time.
func vconstant(bits uint32) Mem {
	m, ok := vconstants[bits]
	if !ok {
		m = GLOBL(fmt.Sprintf("vconst%08x", bits), RODATA|NOPTR)
		for i := range 8 {
			DATA(4*i, U32(bits))
		}
		vconstants[bits] = m
	}
	return m
}

func newAVX2() *avx2 { return &avx2{} }

func (b *avx2) name() string { return "AVX2" }
func (b *avx2) lanes() int   { return 8 }

// budget interleaves as many of a block's 8 vectors as the 16 vector
// registers hold, masks included, after one for the momentary, one in a
// long body for the scalar an operation's vectors share, one for the
// counters' 16-bit ones where the body has counters and, in a short body,
// up to 6 for held scalars; it holds as many scalars as remain. A long body interleaves first: its
// dependency chain is what bounds it, and a scalar not held costs only a
// broadcast load where it is used; it counts an operation's result in the
// register of an input it reads last (tightAll), as the allocator does.
// (Measured: a short body runs faster with its scalars held than interleaved
// further; the adaptive exponential somas 13–25% faster interleaving 4 or 5
// vectors than 3.)
func (b *avx2) budget(p pressure, n int) (held, group int) {
	const vecs = 16
	reserve := 1 // the momentary
	if p.long {
		reserve++ // the scalar an operation's vectors share
	}
	if p.counters {
		reserve++ // ones16
	}
	scalars := 0
	if !p.long {
		scalars = min(n, 6)
	}
	live := max(p.all, 1)
	if p.long {
		live = max(p.tightAll, 1)
	}
	group = max(1, min(8, (vecs-reserve-scalars)/live))
	return max(0, min(n, vecs-reserve-group*live)), group
}

// pairs: 16 registers hold no two blocks' vectors.
func (b *avx2) pairs(pressure, pressure, int, int) (int, bool) { return 0, false }

func (b *avx2) operation(on bool) { b.shared.operation(on) }

// share returns the register of the scalar x that the operation's vectors
// share, loaded by the first, if x is one in memory that may be shared.
func (b *avx2) share(x interface{}) (reg.VecVirtual, bool) {
	v, ok := x.(vmem)
	if !ok {
		return nil, false
	}
	return b.shared.get(v, func() reg.VecVirtual {
		r := YMM()
		VMOVUPS(v.m, r)
		return r
	})
}

func (b *avx2) emitter() emitter { return b }
func (b *avx2) end()             { VZEROUPPER() }

// localBytes is a vector for each parameter passed by value and not held.
func (b *avx2) localBytes(sc scalars, held []string) int {
	n := 0
	for k, s := range sc {
		if !s.constant && !slices.Contains(held, k) {
			n += 32
		}
	}
	return n
}

func (b *avx2) setup(sc scalars, held []string, area *locals) {
	b.start(sc)
	minus1 := YMM()
	b.ones16 = YMM()
	VPCMPEQD(minus1, minus1, minus1)
	VPSRLW(U8(15), minus1, b.ones16)
	b.vmems = map[string]vmem{}
	keys := slices.Sorted(maps.Keys(sc))
	for _, k := range keys {
		s := sc[k]
		switch {
		case slices.Contains(held, k):
			b.fixed[k] = b.broadcast(s)
		case s.constant:
			b.vmems[k] = vmem{vconstant(s.bits)}
		default:
			m := Mem{Base: area.base, Disp: area.alloc(32)}
			VMOVUPS(b.broadcast(s), m)
			b.vmems[k] = vmem{m}
		}
	}
}

func (b *avx2) begin(p ptrs) {
	b.frame.begin(p)
	b.spikes = map[int]reg.VecVirtual{}
}

// broadcast loads a scalar into every lane of a register, a uint16
// widened to 32 bits.
func (b *avx2) broadcast(s scalar) reg.VecVirtual {
	x := YMM()
	if s.u16 {
		w := XMM()
		VPBROADCASTW(s.m(), w)
		VPMOVZXWD(w, x)
		return x
	}
	VBROADCASTSS(s.m(), x)
	return x
}

// value returns a scalar by key: its register or its vector in memory (a
// constant that only the lowering uses, which the census did not see,
// laid out here).
func (b *avx2) value(key string) interface{} {
	if x, ok := b.fixed[key]; ok {
		return x
	}
	if x, ok := b.vmems[key]; ok {
		return x
	}
	s := b.sc[key]
	if !s.constant {
		panic("scalar " + key + " not laid out")
	}
	b.vmems[key] = vmem{vconstant(s.bits)}
	return b.vmems[key]
}

func (b *avx2) F(name string) vec { return b.float(name, 8, b.value, YMM) }

// U loads 8 counters zero-extended to 32-bit lanes.
func (b *avx2) U(name string) uvec {
	if _, ok := b.sc[name]; ok {
		return b.value(name)
	}
	x := YMM()
	VPMOVZXWD(b.at(name, 8, 2), x)
	return x
}

func (b *avx2) Const(x float32) vec { return b.value(b.sc.constant(math.Float32bits(x))) }

// reg returns x in a register, loading it from memory, blending a
// selection.
func (b *avx2) reg(x interface{}) reg.VecVirtual {
	if r, ok := b.share(x); ok {
		return r
	}
	if m, ok := b.memory(x); ok {
		z := YMM()
		VMOVUPS(m, z)
		return z
	}
	if s, ok := x.(*selection); ok {
		return b.blend(s)
	}
	return x.(reg.VecVirtual)
}

// memory returns the address of x, if it is in memory.
func (b *avx2) memory(x interface{}) (Mem, bool) {
	switch x := x.(type) {
	case memvec:
		return b.mem(x), true
	case vmem:
		return x.m, true
	}
	return Mem{}, false
}

// rm returns x as an instruction's register-or-memory operand.
func (b *avx2) rm(x interface{}) Op {
	if r, ok := b.share(x); ok {
		return r
	}
	if m, ok := b.memory(x); ok {
		return m
	}
	return b.reg(x)
}

// binary emits z = x ∘ y with op, y a memory operand where it is one.
func (b *avx2) binary(op func(...Op), x, y interface{}) reg.VecVirtual {
	z := YMM()
	op(b.rm(y), b.reg(x), z)
	return z
}

// commuting is binary for an operation that commutes: x, rather than y,
// may be the memory operand.
func (b *avx2) commuting(op func(...Op), x, y interface{}) reg.VecVirtual {
	if _, ok := b.memory(x); ok {
		x, y = y, x
	}
	return b.binary(op, x, y)
}

func (b *avx2) Mul(x, y vec) vec { return b.commuting(VMULPS, x, y) }
func (b *avx2) Div(x, y vec) vec { return b.binary(VDIVPS, x, y) }

func (b *avx2) Quot(x vec, name string) vec { return quot(b, b.reciprocals, x, name) }
func (b *avx2) Add(x, y vec) vec            { return b.commuting(VADDPS, x, y) }
func (b *avx2) Sub(x, y vec) vec            { return b.binary(VSUBPS, x, y) }

func (b *avx2) SubExact(a, x, y vec) vec { return subExact(b, YMM(), a, x, y) }

func (b *avx2) loads(x interface{}) bool {
	_, ok := b.memory(x)
	return ok
}

// fill puts x in z: loaded where it is in memory, else copied.
func (b *avx2) fill(z reg.VecVirtual, x interface{}) {
	if r, ok := b.share(x); ok {
		VMOVAPS(r, z)
		return
	}
	if m, ok := b.memory(x); ok {
		VMOVUPS(m, z)
		return
	}
	VMOVAPS(b.reg(x), z)
}

// Clamp takes x as the second source of MAXPS and MINPS, which return it
// when either source is NaN.
func (b *avx2) Clamp(x, lo, hi vec) vec {
	return b.binary(VMINPS, hi, b.binary(VMAXPS, lo, x)) // hi < (lo > x ? lo : x) ? …
}

// Round adds and subtracts 1.5·2^23, as the reference does: two additions
// of latency 2–3 rather than VROUNDPS's two micro-operations of latency 8.
func (b *avx2) Round(x vec) vec {
	const magic = 0x1.8p23
	return b.Sub(b.Add(x, b.Const(magic)), b.Const(magic))
}

// Scale has no instruction before AVX-512: the reference's two products.
func (b *avx2) Scale(p, n vec) vec { return scale(b, p, n) }

func (b *avx2) GT(x, y vec) mask {
	z := YMM()
	VCMPPS(U8(cmpGTOQ), b.rm(y), b.reg(x), z) // z = x > y
	return z
}

// UGT compares the widened counters as signed 32-bit integers, exact for
// values in [0, 65535].
func (b *avx2) UGT(x, y uvec) mask { return b.binary(VPCMPGTD, x, y) }

// UGE is ¬(y > x), held as its complement (notMask).
func (b *avx2) UGE(x, y uvec) mask { return notMask{b.binary(VPCMPGTD, y, x)} }

// And takes a notMask by VANDNPS (¬a ∧ y), the other mask made positive
// if it is one too.
func (b *avx2) And(x, y mask) mask {
	if _, ok := y.(notMask); ok {
		x, y = y, x
	}
	if n, ok := x.(notMask); ok {
		return b.binary(VANDNPS, n.not, b.positive(y))
	}
	return b.binary(VANDPS, x, y)
}

func (b *avx2) GTIf(m mask, x, y vec) mask { return b.And(m, b.GT(x, y)) }

// Gate keeps x in the lanes where m is set, +0 in the others.
func (b *avx2) Gate(m mask, x vec) vec {
	if n, ok := m.(notMask); ok {
		return b.binary(VANDNPS, n.not, x)
	}
	return b.commuting(VANDPS, x, m)
}

// A selection is m ? x : y not blended yet: the blend, three µops on
// Intel cores, is emitted where the value is first read (reg), unless a
// Select of the form s ? x : (m ? w : x) reads it, m a notMask, which
// takes one blend on s ∨ ¬m, ¬m being what the notMask holds:
// StrictRefractoryLeaky's potential, s ? reset : (ready ? V : reset),
// ready its counter's UGE.
type selection struct {
	m    mask
	x, y vec
	z    reg.VecVirtual // the blend, once emitted
}

func (b *avx2) Select(m mask, x, y vec) vec {
	if in, ok := y.(*selection); ok && in.z == nil && in.y == x {
		if not, ok := in.m.(notMask); ok {
			return &selection{m: b.binary(VORPS, b.positive(m), not.not), x: x, y: in.x} // s ∨ ¬m
		}
	}
	return &selection{m: m, x: x, y: y}
}

// blend emits selection s, once.
func (b *avx2) blend(s *selection) reg.VecVirtual {
	if s.z != nil {
		return s.z
	}
	m, x, y := s.m, s.x, s.y
	if n, ok := m.(notMask); ok {
		m, x, y = n.not, y, x
	}
	s.z = YMM()
	VBLENDVPS(m.(reg.VecVirtual), b.rm(x), b.reg(y), s.z) // z = m ? x : y
	return s.z
}

// positive returns mask m itself, complementing a notMask.
func (b *avx2) positive(m mask) reg.VecVirtual {
	n, ok := m.(notMask)
	if !ok {
		return m.(reg.VecVirtual)
	}
	ones, z := YMM(), YMM()
	VPCMPEQD(ones, ones, ones)
	VXORPS(ones, n.not, z)
	return z
}

func (b *avx2) Store(name string, x vec) {
	VMOVUPS(b.reg(x), b.at(name, 8, 4))
}

// Tick computes in the counters' own 16-bit lanes, read again from the
// stream: a saturating r + 1 (VPADDUSW), cleared where s is set, s packed
// from 32-bit to 16-bit lanes (all-ones stays all-ones). Four operations
// where the widened counters would take six: no widening, and the
// saturation is the addition's.
func (b *avx2) Tick(name string, _ uvec, s mask) {
	at := b.at(name, 8, 2)
	inc := XMM()
	VPADDUSW(at, b.ones16.AsX(), inc) // min(r + 1, 65535)
	m := b.positive(s)
	hi := XMM()
	VEXTRACTI128(U8(1), m, hi)
	s16 := XMM()
	VPACKSSDW(hi, m.AsX(), s16) // lanes 0–3 from m, 4–7 from hi
	out := XMM()
	VPANDN(inc, s16, out) // s ? 0 : inc
	VMOVDQU(out, at)
}

func (b *avx2) ISub(x, y ivec) ivec { return b.binary(VPSUBD, x, y) }

func (b *avx2) ISar(x ivec, k int) ivec {
	z := YMM()
	VPSRAD(U8(k), b.reg(x), z)
	return z
}

func (b *avx2) IShl(x ivec, k int) ivec {
	z := YMM()
	VPSLLD(U8(k), b.reg(x), z)
	return z
}

func (b *avx2) Bits(x ivec) vec { return x }
func (b *avx2) Int(x vec) ivec  { return x }

// drain stores zeros over the vector: AVX2 has no cheap masked store, and
// the line is in L1, just loaded.
func (b *avx2) drain(name string) {
	z := YMM()
	VXORPS(z, z, z)
	VMOVUPS(z, b.at(name, 8, 4))
}

func (b *avx2) Spikes(m mask) { b.spikes[b.v] = b.positive(m) }

func (b *avx2) storeSpikes(at Mem) {
	g := GP32()
	VMOVMSKPS(b.spikes[b.v], g)
	MOVB(g.As8(), at)
}
