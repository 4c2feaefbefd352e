package main

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sparkgo/spark/gen/internal/arm64"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// neon lowers a model to arm64's Advanced SIMD: 4 float32 (or int32) lanes
// in a V register, so 16 vectors a block; the counters widened to 32-bit
// lanes, and advanced in their own 16-bit lanes (Tick); masks are vectors
// of all-ones lanes, as the compares write them.
// NEON has no memory operands and no broadcast loads into an operation: a
// scalar is held in a register for the whole call, or its 16-byte copy,
// laid out on the stack at the start, is loaded where it is used; a
// parameter stream's vector (and a spilled value) is loaded where used.
//
// The spike word: each 4 vectors' masks narrow to one vector of 16 byte
// masks; at the end of the block the 4 such vectors, ANDed with the bit
// weights 1, 2, 4 … 128 of each byte's unit, add pairwise three times to 8
// bytes, the word.
type neon struct {
	f  *arm64.Func
	sc scalars

	fixed  map[string]arm64.Reg // scalars held for the whole call
	copies map[string]int       // the others: their stack copies' offsets
	ptrs   map[string]neonPtr   // where each stream's block is

	v      int                          // the vector of the block being lowered
	loaded map[int]map[string]arm64.Reg // the streams loaded, by vector
	masks  map[int]arm64.Reg            // each vector's spike mask
	quads  []arm64.Reg                  // the narrowed masks of the block's quads so far

	reciprocals bool
	weights     arm64.Reg // the bit weights of a spike word's bytes
	zero        arm64.Reg // +0
	ones16      arm64.Reg // 1 in each 16-bit lane (counters)
	frame       int       // the stack bytes laid out so far, from 16(RSP)
}

// A neonPtr is a stream's address: a register plus an offset (or RSP for
// the stack), and whether its vectors are loaded where used rather than
// once per vector (a parameter, a spilled value).
type neonPtr struct {
	r     arm64.Reg
	sp    bool
	off   int
	fresh bool
}

// nmem is a vector in memory, loaded where used: size 16 (a float32 or
// int32 vector) or 8 (4 counters, widened when loaded).
type nmem struct {
	p    neonPtr
	off  int
	size int
}

func newNEON() *neon { return &neon{} }

func (b *neon) name() string { return "NEON" }
func (b *neon) lanes() int   { return 4 }

// neonReserve is the registers a NEON kernel keeps for itself: the zero,
// the spike weights, 3 narrowed quads, 2 for the moment (an operand loaded
// from memory, a select's copy of its mask).
const neonReserve = 7

// budget interleaves as many vectors as the 32 registers hold, a power of
// two up to 8, after the reserve and the counters' constants, counting an
// operation's result in the register of an input it reads last (masks are
// vectors here), and holds as many scalars as remain.
func (b *neon) budget(p pressure, n int) (held, group int) {
	avail := 32 - neonReserve
	if p.counters {
		avail-- // ones16
	}
	live := max(p.tightAll, 1)
	group = 1
	for group < 8 && 2*group*live <= avail {
		group *= 2
	}
	return max(0, min(n, avail-group*live)), group
}

func (b *neon) pairs(pressure, pressure, int, int) (int, bool) { return 0, false }

func (b *neon) vector(v int) {
	if b.loaded[v] == nil {
		b.loaded[v] = map[string]arm64.Reg{}
	}
	b.v = v
}

func (b *neon) operation(bool)   {}
func (b *neon) emitter() emitter { return b }

// ins emits one instruction of Go assembly.
func (b *neon) ins(format string, defs, uses []arm64.Reg, ops ...arm64.Operand) {
	b.f.Inst(format, defs, uses, ops...)
}

// gen returns a new general register holding the value of a MOVD operand.
func (b *neon) gen(src string) arm64.Reg {
	r := b.f.R()
	b.ins("MOVD %v, %v", []arm64.Reg{r}, nil, arm64.Text(src), arm64.Gen(r))
	return r
}

// dup returns a vector with the low 32 bits of general register r in
// every lane.
func (b *neon) dup(r arm64.Reg) arm64.Reg {
	x := b.f.V()
	b.ins("VDUP %v, %v", []arm64.Reg{x}, []arm64.Reg{r}, arm64.Gen(r), arm64.Vec(x, "S4"))
	return x
}

// broadcast returns scalar key in every lane of a new register.
func (b *neon) broadcast(key string) arm64.Reg {
	s := b.sc[key]
	r := b.f.R()
	switch {
	case s.constant:
		b.ins("MOVW $%v, %v", []arm64.Reg{r}, nil, arm64.Text(fmt.Sprintf("0x%08x", s.bits)), arm64.Gen(r))
	case s.u16:
		b.ins("MOVHU %v, %v", []arm64.Reg{r}, nil, arm64.Text(b.f.Param(s.name)), arm64.Gen(r))
	case s.name != "":
		b.ins("MOVWU %v, %v", []arm64.Reg{r}, nil, arm64.Text(b.f.Param(s.name)), arm64.Gen(r))
	default:
		panic("neon: scalar " + key + " has no value")
	}
	return b.dup(r)
}

// setup lays out the scalars: held in registers, or copied to the stack;
// and the kernel's own constants.
func (b *neon) setup(sc scalars, held []string, counters, spikes bool) {
	b.sc, b.fixed, b.copies = sc, map[string]arm64.Reg{}, map[string]int{}
	b.zero = b.f.V()
	b.ins("VMOVI $0, %v", []arm64.Reg{b.zero}, nil, arm64.Vec(b.zero, "B16"))
	if spikes {
		r := b.f.R()
		b.ins("MOVD $0x8040201008040201, %v", []arm64.Reg{r}, nil, arm64.Gen(r))
		b.weights = b.f.V()
		b.ins("VDUP %v, %v", []arm64.Reg{b.weights}, []arm64.Reg{r}, arm64.Gen(r), arm64.Vec(b.weights, "D2"))
	}
	if counters {
		b.ones16 = b.broadcast(b.sc.constant(0x00010001))
	}
	isHeld := map[string]bool{}
	for _, k := range held {
		isHeld[k] = true
		b.fixed[k] = b.broadcast(k)
	}
	for _, k := range sortedKeys(sc) {
		if isHeld[k] || sc[k].name == "" && !sc[k].constant {
			continue
		}
		b.copy(k, b.broadcast(k))
	}
}

// copy stores x as scalar key's stack copy.
func (b *neon) copy(key string, x arm64.Reg) {
	b.copies[key] = b.alloc(16)
	b.ins("FMOVQ %v, %v(RSP)", nil, []arm64.Reg{x}, arm64.Fp(x), arm64.Int(b.copies[key]))
}

// alloc lays out n bytes of the stack frame and returns their offset from
// RSP: from 16, past the saved frame pointer and link register.
func (b *neon) alloc(n int) int {
	off := 16 + b.frame
	b.frame += (n + 15) / 16 * 16
	return off
}

// value is a scalar by key: its register or its stack copy.
func (b *neon) value(key string) interface{} {
	if x, ok := b.fixed[key]; ok {
		return x
	}
	if off, ok := b.copies[key]; ok {
		return nmem{p: neonPtr{sp: true, fresh: true}, off: off, size: 16}
	}
	s := b.sc[key]
	if !s.constant {
		panic("neon: scalar " + key + " not laid out")
	}
	// A constant only the lowering uses (the census did not see it):
	// made where used.
	return b.broadcast(key)
}

// reg returns x in a register, loading it from memory (counters widened
// to 32-bit lanes).
func (b *neon) reg(x interface{}) arm64.Reg {
	m, ok := x.(nmem)
	if !ok {
		return x.(arm64.Reg)
	}
	r := b.load(m)
	if m.size == 16 {
		return r
	}
	w := b.f.V()
	b.f.V2("uxtl", w, r)
	return w
}

// load loads m's 16 bytes, or its 8 (4 counters, not widened).
func (b *neon) load(m nmem) arm64.Reg {
	op := "FMOVQ"
	if m.size == 8 {
		op = "FMOVD"
	}
	r := b.f.V()
	if m.p.sp {
		b.ins(op+" %v(RSP), %v", []arm64.Reg{r}, nil, arm64.Int(m.p.off+m.off), arm64.Fp(r))
	} else {
		b.ins(op+" %v(%v), %v", []arm64.Reg{r}, []arm64.Reg{m.p.r}, arm64.Int(m.p.off+m.off), arm64.Gen(m.p.r), arm64.Fp(r))
	}
	return r
}

// store writes vector x (16 bytes) or its low 8 (counters, narrowed by
// the caller) to stream name's current vector.
func (b *neon) store(p neonPtr, off int, x arm64.Reg, size int) {
	op := "FMOVQ"
	if size == 8 {
		op = "FMOVD"
	}
	if p.sp {
		b.ins(op+" %v, %v(RSP)", nil, []arm64.Reg{x}, arm64.Fp(x), arm64.Int(p.off+off))
		return
	}
	b.ins(op+" %v, %v(%v)", nil, []arm64.Reg{x, p.r}, arm64.Fp(x), arm64.Int(p.off+off), arm64.Gen(p.r))
}

func (b *neon) ptr(name string) neonPtr {
	p, ok := b.ptrs[name]
	if !ok {
		panic("neon: no stream " + name)
	}
	return p
}

func (b *neon) F(name string) vec { return b.vector16(name, 16) }

// U loads 4 counters widened to 32-bit lanes.
func (b *neon) U(name string) uvec { return b.vector16(name, 8) }

// vector16 is F and U: a scalar's value, or the current vector of stream
// name, size bytes (16 floats' or 8 counters'), loaded once per vector, or
// left in memory for a stream read where used.
func (b *neon) vector16(name string, size int) interface{} {
	if _, ok := b.sc[name]; ok {
		return b.value(name)
	}
	p := b.ptr(name)
	m := nmem{p: p, off: size * b.v, size: size}
	if p.fresh {
		return m
	}
	if x, ok := b.loaded[b.v][name]; ok {
		return x
	}
	x := b.reg(m)
	b.loaded[b.v][name] = x
	return x
}

func (b *neon) Const(x float32) vec { return b.value(b.sc.constant(math.Float32bits(x))) }

// op3 emits d = x op y.
func (b *neon) op3(op string, x, y interface{}) arm64.Reg {
	xr, yr := b.reg(x), b.reg(y)
	d := b.f.V()
	b.f.V3(op, d, xr, yr)
	return d
}

func (b *neon) Mul(x, y vec) vec            { return b.op3("fmul", x, y) }
func (b *neon) Div(x, y vec) vec            { return b.op3("fdiv", x, y) }
func (b *neon) Quot(x vec, name string) vec { return quot(b, b.reciprocals, x, name) }
func (b *neon) Add(x, y vec) vec            { return b.op3("fadd", x, y) }
func (b *neon) Sub(x, y vec) vec            { return b.op3("fsub", x, y) }

// SubExact is FMLS into a copy of a, which vanishes where a is not read
// after it.
func (b *neon) SubExact(a, x, y vec) vec {
	xr, yr := b.reg(x), b.reg(y)
	d := b.f.V()
	b.f.Copy(d, b.reg(a))
	b.f.V3("fmls", d, xr, yr) // d = d − x·y
	return d
}

// Clamp: FMAX and FMIN return a NaN operand (quieted), so NaN stays NaN.
func (b *neon) Clamp(x, lo, hi vec) vec { return b.op3("fmin", b.op3("fmax", x, lo), hi) }

// Round is FRINTN: to nearest, ties to even.
func (b *neon) Round(x vec) vec {
	d := b.f.V()
	b.f.V2("frintn", d, b.reg(x))
	return d
}

// Scale is the reference's two products (NEON has no instruction that
// scales by a power of two).
func (b *neon) Scale(p, n vec) vec { return scale(b, p, n) }

func (b *neon) GT(x, y vec) mask   { return b.op3("fcmgt", x, y) }
func (b *neon) UGT(x, y uvec) mask { return b.op3("cmhi", x, y) }
func (b *neon) UGE(x, y uvec) mask { return b.op3("cmhs", x, y) }
func (b *neon) And(x, y mask) mask { return b.op3("and", x, y) }
func (b *neon) GTIf(m mask, x, y vec) mask {
	return b.op3("and", m, b.op3("fcmgt", x, y))
}

// Gate is x's bits where m, +0 elsewhere.
func (b *neon) Gate(m mask, x vec) vec { return b.op3("and", x, m) }

// Select inserts x into a copy of y where m (BIT), or y into a copy of x
// where not m (BIF) when y is not in a register: the copy vanishes where
// the value copied is not read after it, as the value a select replaces
// (the potential before its reset) usually is not.
func (b *neon) Select(m mask, x, y vec) vec {
	mr := b.reg(m)
	d := b.f.V()
	if _, ok := y.(arm64.Reg); ok || !isReg(x) {
		b.f.Copy(d, b.reg(y))
		b.f.V3("bit", d, b.reg(x), mr) // d = m ? x : d
		return d
	}
	b.f.Copy(d, b.reg(x))
	b.f.V3("bif", d, b.reg(y), mr) // d = m ? d : y
	return d
}

// isReg says whether x is a value in a register, not in memory.
func isReg(x interface{}) bool {
	_, ok := x.(arm64.Reg)
	return ok
}

func (b *neon) Store(name string, x vec) {
	b.store(b.ptr(name), 16*b.v, b.reg(x), 16)
	delete(b.loaded[b.v], name)
}

// Tick computes in the counters' own 16-bit lanes, read again from the
// stream: a saturating r + 1 (UQADD), cleared where s, narrowed to 16
// bits, is set. Three operations where the widened counters take four.
func (b *neon) Tick(name string, _ uvec, s mask) {
	p := b.ptr(name)
	t := b.op3("uqadd.4h", b.load(nmem{p: p, off: 8 * b.v, size: 8}), b.ones16)
	h := b.f.V()
	b.f.V2("xtn", h, b.reg(s))
	b.store(p, 8*b.v, b.op3("bic", t, h), 8)
	delete(b.loaded[b.v], name)
}

func (b *neon) Spikes(m mask) { b.masks[b.v] = b.reg(m) }

func (b *neon) ISub(x, y ivec) ivec { return b.op3("sub", x, y) }

func (b *neon) ISar(x ivec, k int) ivec {
	d := b.f.V()
	b.f.VShift("sshr", d, b.reg(x), k)
	return d
}

func (b *neon) IShl(x ivec, k int) ivec {
	d := b.f.V()
	b.f.VShift("shl", d, b.reg(x), k)
	return d
}

func (b *neon) Bits(x ivec) vec { return x }
func (b *neon) Int(x vec) ivec  { return x }

// drain zeroes the stream's current vector, which the body has read.
func (b *neon) drain(name string) { b.store(b.ptr(name), 16*b.v, b.zero, 16) }

// quad narrows the masks of vectors 4q … 4q+3 to one vector of 16 byte
// masks, the block's quad q.
func (b *neon) quad(q int) {
	m := func(i int) arm64.Reg { return b.masks[4*q+i] }
	lo, hi, bytes := b.f.V(), b.f.V(), b.f.V()
	b.f.V2("xtn", lo, m(0))
	b.f.V2("xtn2", lo, m(1))
	b.f.V2("xtn", hi, m(2))
	b.f.V2("xtn2", hi, m(3))
	b.f.V2("xtn.8b", bytes, lo)
	b.f.V2("xtn2.16b", bytes, hi)
	b.quads = append(b.quads, bytes)
}

// word returns the block's spike word from its 4 quads.
func (b *neon) word() arm64.Reg {
	w := b.weights
	var q [4]arm64.Reg
	for i := range q {
		q[i] = b.f.V()
		b.f.V3("and", q[i], b.quads[i], w)
	}
	p, s, t, u := b.f.V(), b.f.V(), b.f.V(), b.f.V()
	b.f.V3("addp", p, q[0], q[1])
	b.f.V3("addp", s, q[2], q[3])
	b.f.V3("addp", t, p, s)
	b.f.V3("addp", u, t, t)
	out := b.f.R()
	b.ins("FMOVD %v, %v", []arm64.Reg{out}, []arm64.Reg{u}, arm64.Fp(u), arm64.Gen(out))
	b.quads = nil
	return out
}

// neonFile is the arm64 assembly of the family.
var neonFile arm64.File

// generateNEON writes one model's NEON kernel, as generate does an amd64
// backend's.
func generateNEON(m model, uniform bool) gowrap.Func {
	b := newNEON()
	sig, name := signature(m, b, uniform)
	raw := gowrap.Lower(name)
	f := arm64.NewFunc(raw, "func("+strings.Join(sig, ", ")+")",
		raw+" is the kernel of "+name+" on blocks·64 units, unchecked: every pointer must",
		"address the blocks·64 values (64 per block for a parameter of stride 0, one for a",
		"uniform kernel's parameters) that "+name+" checks its slices hold.")
	b.f = f
	neonFile.Funcs = append(neonFile.Funcs, f)

	sc := scalars{}
	for _, s := range m.streams {
		if s.byValue(uniform) {
			sc[s.name] = scalar{name: s.name, u16: s.u16()}
		}
	}
	pl := makePlan(m, sc, b, uniform)
	f.Comment(fmt.Sprintf("%d scalars held in registers, %d loaded from the stack where used; vectors interleaved %d at a time%s.",
		len(pl.held), len(sc)-len(pl.held), pl.group, pl.describe()))

	counters := false
	for _, s := range m.streams {
		counters = counters || s.u16()
	}
	held := pl.held
	if pl.scales {
		// scale's exponent bias, which the census does not see: held, in
		// place of the least used scalar.
		held = append(held[:max(0, len(held)-1):max(0, len(held)-1)], sc.constant(127))
	}
	// The reciprocals of the divisors, for the loop that multiplies
	// (see Quot): arguments, copied to the stack as the scalars not held.
	reciprocal := len(pl.quotients) > 0
	for _, q := range pl.quotients {
		sc[reciprocalKey(q)] = scalar{name: reciprocalArg(q)}
	}
	b.setup(sc, held, counters, !m.noSpikes)

	// The streams' addresses, and the spill slots' on the stack.
	b.ptrs = map[string]neonPtr{}
	for k := range pl.slots {
		b.ptrs[spill{slot: k}.name()] = neonPtr{sp: true, off: b.alloc(blockUnits * 4), fresh: true}
	}
	for _, s := range m.streams {
		if s.byValue(uniform) {
			continue
		}
		b.ptrs[s.name] = neonPtr{r: b.gen(f.Param(s.name)), fresh: s.param()}
	}
	for _, s := range pl.spills {
		if s.stream != "" {
			p := b.ptrs[s.stream]
			p.fresh = true
			b.ptrs[s.name()] = p
		}
	}
	var spikes arm64.Reg
	if !m.noSpikes {
		spikes = b.gen(f.Param("spikes"))
	}
	blocks := b.gen(f.Param("blocks"))
	if b.frame > 0 {
		f.Frame = 16 + b.frame
	}
	f.Branch("CBZ", name+"_done", blocks)
	if reciprocal {
		f.Comment("Which loop: the second if the checked function passed every",
			"divisor's reciprocal (not 0), by which it multiplies.")
		for _, q := range pl.quotients {
			bits := f.R()
			b.ins("MOVWU %v, %v", []arm64.Reg{bits}, nil, arm64.Text(f.Param(reciprocalArg(q))), arm64.Gen(bits))
			f.Branch("CBZW", name+"_block", bits)
		}
		f.Branch("", name+"_reciprocal_block")
	}
	vectors := blockUnits / b.lanes()
	loop := func(label string) {
		f.Label(label)
		b.loaded, b.masks = map[int]map[string]arm64.Reg{}, map[int]arm64.Reg{}
		for g := 0; g < vectors; g += pl.group {
			var vs []int
			for v := g; v < min(g+pl.group, vectors); v++ {
				vs = append(vs, v)
			}
			m.body(newInterleaved(b, vs, newCensus(m, sc, uniform), pl))
			for _, v := range vs {
				b.vector(v)
				for _, s := range m.streams {
					if s.kind == drainF32 {
						b.drain(s.name)
					}
				}
				if !m.noSpikes && v%4 == 3 {
					b.quad(v / 4)
				}
			}
		}
		if !m.noSpikes {
			w := b.word()
			b.ins("MOVD.P %v, 8(%v)", []arm64.Reg{spikes}, []arm64.Reg{w, spikes}, arm64.Gen(w), arm64.Gen(spikes))
		}
		for _, s := range m.streams {
			switch {
			case s.byValue(uniform):
			case s.param():
				st := b.gen(f.Param(s.name + "Stride"))
				p := b.ptrs[s.name].r
				b.ins("ADD %v, %v", []arm64.Reg{p}, []arm64.Reg{p, st}, arm64.Gen(st), arm64.Gen(p))
			default:
				p := b.ptrs[s.name].r
				b.ins("ADD $%v, %v", []arm64.Reg{p}, []arm64.Reg{p}, arm64.Int(blockUnits*s.size()), arm64.Gen(p))
			}
		}
		b.ins("SUBS $1, %v", []arm64.Reg{blocks}, []arm64.Reg{blocks}, arm64.Gen(blocks))
		f.Branch("BNE", label)
	}
	loop(name + "_block")
	if reciprocal {
		f.Branch("", name+"_done")
		b.reciprocals = true
		loop(name + "_reciprocal_block")
		b.reciprocals = false
	}
	f.Label(name + "_done")
	f.Ret()
	return wrapper(m, b, uniform, name, raw, strings.Join(sig, ", "))
}

// sortedKeys returns the keys of sc in order.
func sortedKeys(sc scalars) []string {
	keys := make([]string, 0, len(sc))
	for k := range sc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
