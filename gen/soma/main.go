// Command soma writes the fused updates of the somas and traces for AVX2
// and AVX-512 (asm/soma_amd64.s and its Go declarations).
//
// Each model is described once, in models.go, as the vector operations of
// one vector of units over named streams: state and input arrays, and
// parameters that are uniform or per unit; exp.go describes the vector
// exponential the exponential somas share; a soma stepped with the traces
// of its synapses (fused) composes the two descriptions. A backend
// (avx2.go, avx512.go, neon.go) lowers the operations to its ISA and wraps
// them in the same loop: blocks of 64 units, the units of one spike word,
// whose compare masks it packs into the word. Only whole blocks: the caller runs the last, partial block
// through a padded copy, so that every unit takes the same instructions.
package main

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// blockUnits is the number of units per block: one spike word.
const blockUnits = 64

// kind is what a stream is.
type kind int

const (
	stateF32  kind = iota // float32 state, read and written
	stateU16              // uint16 state (refractory counter), read and written
	inputF32              // float32 input, read
	paramF32              // float32 constant, uniform (64 repeats) or per unit
	paramU16              // uint16 constant, likewise
	outputF32             // float32 output, written
	drainF32              // float32 input, read, then left zero (a sparse accumulator the kernel empties)
	scalarF32             // float32 constant, one value for every unit in every variant (the time step)
)

type stream struct {
	name string
	kind kind
}

func (s stream) u16() bool   { return s.kind == stateU16 || s.kind == paramU16 }
func (s stream) param() bool { return s.kind == paramF32 || s.kind == paramU16 }

// byValue says whether the kernel takes s as one value rather than an
// array: a scalar always, a parameter in the uniform variant.
func (s stream) byValue(uniform bool) bool { return s.kind == scalarF32 || uniform && s.param() }

// size is the bytes per unit.
func (s stream) size() int {
	if s.u16() {
		return 2
	}
	return 4
}

// model is one fused update: its streams and the operations on one vector.
type model struct {
	name     string
	noSpikes bool     // the update emits no spikes (a trace)
	doc      []string // the scalar loop, for the kernel's doc comment
	streams  []stream
	body     func(e emitter)
	bind     binding // how package soma calls a soma's kernels (bind.go)
	// apart are the pairs of streams whose overlap the checked function
	// refuses, for the rule its doc states (out and x of a trace); the
	// doc asks every other pair not to overlap, unchecked.
	apart []pair
}

// pair is two streams that must not overlap, or, with same, may also be the
// very same slice.
type pair struct {
	a, b string
	same bool
}

// Vector values: a backend's registers (or operands), opaque to the models.
type (
	vec  interface{} // float32 lanes
	ivec interface{} // int32 lanes, the same width as the float32 lanes
	uvec interface{} // uint16 lanes (the backend's own layout)
	mask interface{} // a lane mask
)

// emitter is what a model's description may do with one vector of units.
type emitter interface {
	F(name string) vec   // load a float32 stream
	U(name string) uvec  // load a uint16 stream
	Const(x float32) vec // x in every lane
	Mul(a, b vec) vec    // a·b, rounded (no FMA: the reference rounds each product)
	Div(a, b vec) vec    // a/b, rounded
	// Quot is a divided by the parameter name: Div(a, F(name)), which a
	// kernel computes as a·(1/name) where every value of name it reads is
	// the same ±2^k with a normal reciprocal, the same bits (both round
	// the same real number once), without the division's latency and
	// throughput. Its checked function finds that out (asm's reciprocal)
	// and passes the reciprocal, or 0 to divide.
	Quot(a vec, name string) vec
	Add(a, b vec) vec // a + b
	Sub(a, b vec) vec // a − b
	// SubExact is a − x·y where the product x·y is exact in float32 (the
	// exponential's n·ln2Hi): one fused multiply–subtract where the ISA
	// has one. The same bits as Sub(a, Mul(x, y)): only the difference
	// rounds, in both.
	SubExact(a, x, y vec) vec
	Clamp(a, lo, hi vec) vec          // min(max(a, lo), hi); NaN stays NaN
	Round(a vec) vec                  // a rounded to an integer, ties to even, for |a| < 2^22 (as (a + 1.5·2^23) − 1.5·2^23)
	Scale(p, n vec) vec               // p·2^n for an integral n in [−150, 128], rounded once (see scale)
	GT(a, b vec) mask                 // a > b, false for NaN
	UGT(a, b uvec) mask               // a > b, unsigned
	UGE(a, b uvec) mask               // a ≥ b, unsigned
	And(a, b mask) mask               // a ∧ b
	GTIf(m mask, a, b vec) mask       // m ∧ a > b (false for NaN): one masked compare on AVX-512
	Gate(m mask, a vec) vec           // m ? a : +0
	Select(m mask, a, b vec) vec      // m ? a : b
	Store(name string, v vec)         // store a float32 state
	Tick(name string, r uvec, s mask) // store r ← s ? 0 : min(r + 1, 65535); r is U(name) (AVX2 reads the stream again)
	Spikes(m mask)                    // the vector's spikes

	// Integer lanes, for the exponent bits of a float32.
	ISub(a, b ivec) ivec     // a − b
	ISar(a ivec, k int) ivec // a >> k, arithmetic
	IShl(a ivec, k int) ivec // a << k
	Bits(a ivec) vec         // the float32 whose bits are a
	Int(a vec) ivec          // the int32 of a's bits (Bits' inverse)
}

// lowering is what the ISA-neutral machinery (the plan, the interleaving
// emitter, the checked wrapper) needs of an ISA's backend.
type lowering interface {
	name() string // "AVX2", "AVX512", "NEON"
	lanes() int   // float32 lanes per vector
	// budget says, for a body of pressure p with n scalars, how many
	// scalars to hold in registers and how many vectors to interleave.
	budget(p pressure, n int) (held, group int)
	// pairs says whether two blocks fit the registers when their vectors
	// are interleaved up to the first mask (pressure pre per vector), then
	// each block's from there (post, while the other's across values
	// wait), and how many scalars to hold in registers then.
	pairs(pre, post pressure, across, n int) (held int, ok bool)
	vector(v int)     // lower vector v of the block from here on
	emitter() emitter // the current vector's
	// operation says that one operation of an interleaved group starts
	// (on) or ends: between the two, every call is the same operation on
	// another vector of the group, and a backend may read a scalar once
	// for all of them.
	operation(on bool)
}

// shared is the scalar that the vectors of one operation of an interleaved
// group read from one register, loaded there by the first of them, rather
// than from memory by each (an embedded broadcast on AVX-512, a 32-byte
// operand on AVX2): one scalar an operation, in the register the budget
// keeps for a momentary value. K is the backend's key of a scalar.
type shared[K comparable] struct {
	on, set bool // within an operation; key is loaded into r
	key     K
	r       reg.VecVirtual
}

func (s *shared[K]) operation(on bool) { *s = shared[K]{on: on} }

// get returns the register of key that the operation's vectors share,
// loaded by load on the first use; not within an operation, or for a
// second scalar of one, it returns false.
func (s *shared[K]) get(key K, load func() reg.VecVirtual) (reg.VecVirtual, bool) {
	switch {
	case !s.on || s.set && s.key != key:
		return nil, false
	case !s.set:
		s.key, s.r, s.set = key, load(), true
	}
	return s.r, true
}

// backend lowers the operations to one amd64 ISA, with avo.
type backend interface {
	lowering
	// setup starts a kernel: its own constants, and the scalars held in
	// registers for the whole call (the others are broadcast where used,
	// or put in area, of the size localBytes asked for).
	setup(sc scalars, held []string, area *locals)
	localBytes(sc scalars, held []string) int
	begin(p ptrs)           // start a group of vectors
	storeSpikes(at Mem)     // store the vector's spike bits, lanes/8 bytes, after the body
	drain(name string)      // leave the drain stream's vector, loaded by the body, zero
	end()                   // after the kernel, before RET
	setReciprocals(on bool) // lower Quot as a multiplication by the reciprocal from here on
}

// A scalar is one value that every lane takes: a parameter passed by value
// (in the argument frame) or a constant (read-only data), by key: the
// stream's name, or constKey of its bits.
type (
	scalar struct {
		name string // the argument, for a parameter
		u16  bool

		constant bool   // a constant, of these bits (else a parameter)
		bits     uint32 // (which a backend may lay out as a whole vector)
	}
	scalars map[string]scalar
)

// m is the scalar's memory operand in an amd64 kernel: its argument, its
// slot or its read-only data (added to the file the first time).
func (s scalar) m() Mem {
	switch {
	case s.constant:
		m, ok := constants[s.bits]
		if !ok {
			m = ConstData(fmt.Sprintf("const%08x", s.bits), U32(s.bits))
			constants[s.bits] = m
		}
		return m
	case s.name != "":
		return arg(s.name)
	}
	panic("scalar with no argument and no value")
}

// constKey is the key of a constant, which no stream's name can be.
func constKey(bits uint32) string { return fmt.Sprintf("$%08x", bits) }

// constants are the read-only data of the file, one symbol per value.
var constants = map[uint32]Mem{}

// constant returns the key of the scalar of a constant, adding it to sc
// the first time.
func (sc scalars) constant(bits uint32) string {
	key := constKey(bits)
	if _, ok := sc[key]; !ok {
		sc[key] = scalar{constant: true, bits: bits}
	}
	return key
}

// frame is what both backends keep while they lower a kernel: where each
// stream and scalar is, and the registers that hold values.
type frame struct {
	p       ptrs
	v       int // the vector of the block being lowered
	sc      scalars
	fixed   map[string]reg.VecVirtual         // scalars held for the whole call
	loaded  map[string]reg.VecVirtual         // the streams loaded for the current vector
	vectors map[int]map[string]reg.VecVirtual // loaded, by vector
	// reciprocals: the loop being lowered is the one for divisors that
	// are powers of two, where Quot multiplies by reciprocalKey's scalar.
	reciprocals bool
}

func (f *frame) setReciprocals(on bool) { f.reciprocals = on }

// subExact is an amd64 backend's SubExact: one VFNMADD into z, which first
// takes y where y is in memory (a load, which takes no arithmetic port) or
// a scalar's register held for the call (a copy, which the core drops at
// renaming), else a copy of a. (A copy of a value that dies there, as the
// exponential's argument does, would get its register from the allocator
// and stay, an instruction that moves nothing; the exponential's y is the
// scalar ln2Hi.)
func subExact(b interface {
	rm(x interface{}) Op
	reg(x interface{}) reg.VecVirtual
	loads(x interface{}) bool             // whether x is in memory
	fill(z reg.VecVirtual, x interface{}) // loads or copies x into z
	held(x interface{}) bool
}, z reg.VecVirtual, a, x, y vec) vec {
	if b.loads(y) || b.held(y) {
		b.fill(z, y)
		VFNMADD213PS(b.rm(a), b.reg(x), z) // z = −(x·z) + a
		return z
	}
	b.fill(z, a)
	VFNMADD231PS(b.rm(y), b.reg(x), z) // z = −(x·y) + z
	return z
}

// held says whether x is the register of a scalar held for the call.
func (f *frame) held(x interface{}) bool {
	for _, r := range f.fixed {
		if r == x {
			return true
		}
	}
	return false
}

// quot is a backend's Quot: it divides by the parameter, or, in the loop
// for a power of two, multiplies by its reciprocal.
func quot(e emitter, reciprocals bool, x vec, name string) vec {
	if reciprocals {
		return e.Mul(x, e.F(reciprocalKey(name)))
	}
	return e.Div(x, e.F(name))
}

// reciprocalKey is the key of the scalar 1/name, which no stream's name
// can be.
func reciprocalKey(name string) string { return "1/" + name }

// reciprocalArg is the raw kernel's argument that holds 1/name, or 0.
func reciprocalArg(name string) string { return name + "Reciprocal" }

func (f *frame) start(sc scalars) {
	f.sc, f.fixed = sc, map[string]reg.VecVirtual{}
}

func (f *frame) begin(p ptrs) {
	f.p, f.vectors = p, map[int]map[string]reg.VecVirtual{}
}

func (f *frame) vector(v int) {
	if f.vectors[v] == nil {
		f.vectors[v] = map[string]reg.VecVirtual{}
	}
	f.v, f.loaded = v, f.vectors[v]
}

// at is the address of the current vector of stream name, of size bytes
// per unit and lanes units per vector.
func (f *frame) at(name string, lanes, size int) Mem { return f.p.at(name, f.v*lanes*size) }

// ptrs are where each stream's address in the block is: a register, or,
// when the kernel has more streams than there are general registers to
// spare, the argument that the kernel advances in place.
type ptrs map[string]pointer

type pointer struct {
	r     reg.Register // the address, or nil
	off   int          // added to r
	slot  Mem          // the argument holding the address when r is nil
	param bool         // a parameter stream: read only, its vectors left in memory until used
	// A streamed kernel's parameter is one value per unit or one block
	// that every block reads: its stride, an argument, is block bytes or
	// 0. The second block of a pair is that stride past the first.
	block  int
	stride Mem
}

// A memvec is the current vector of a parameter stream, left in memory:
// an operand that instructions take as it is, loaded into a register only
// where one must be. (A parameter loaded once and held through the
// exponential's thirty instructions would take a register from the
// interleaved vectors; L1 serves two or three loads a cycle.)
type memvec struct {
	name string
	disp int
}

// mem returns the address of m.
func (f *frame) mem(m memvec) Mem { return f.p.at(m.name, m.disp) }

// param returns the current vector of stream name, when it is a parameter
// stream, as a memvec.
func (f *frame) param(name string, lanes, size int) (memvec, bool) {
	if q, ok := f.p[name]; ok && q.param {
		return memvec{name, f.v * lanes * size}, true
	}
	return memvec{}, false
}

// float is a backend's F: a scalar as value gives it, a parameter
// stream's vector as a memvec, any other stream's vector loaded once per
// vector into a register from newReg.
func (f *frame) float(name string, lanes int, value func(key string) interface{}, newReg func() reg.VecVirtual) interface{} {
	if _, ok := f.sc[name]; ok {
		return value(name)
	}
	if m, ok := f.param(name, lanes, 4); ok {
		return m
	}
	if x, ok := f.loaded[name]; ok {
		return x
	}
	x := newReg()
	VMOVUPS(f.at(name, lanes, 4), x)
	f.loaded[name] = x
	return x
}

// at returns the address disp bytes past the stream's current block: for
// a streamed parameter, disp − block bytes past the next block, its
// stride read into an index register where used (a load, which takes no
// arithmetic port, and a register for one instruction).
func (p ptrs) at(name string, disp int) Mem {
	q, ok := p[name]
	if !ok {
		panic("no stream " + name)
	}
	var m Mem
	if q.r != nil {
		m = Mem{Base: q.r, Disp: q.off + disp}
	} else {
		t := GP64()
		MOVQ(q.slot, t)
		m = Mem{Base: t, Disp: disp}
	}
	if q.block > 0 && disp >= q.block {
		t := GP64()
		MOVQ(q.stride, t)
		m.Index, m.Scale, m.Disp = t, 1, m.Disp-q.block
	}
	return m
}

// advance moves the stream's address on by n bytes (a register or memory
// operand).
func (p ptrs) advance(name string, n Op) {
	q := p[name]
	if q.r != nil {
		ADDQ(n, q.r)
		return
	}
	if m, ok := n.(Mem); ok {
		t := GP64()
		MOVQ(m, t)
		n = t
	}
	ADDQ(n, q.slot)
}

// A kernel over a population whose state, input and output streams take
// prefetchMin bytes or more (the parameters not counted) asks for each
// stream's cache lines prefetchAhead bytes ahead of each step (PREFETCHT0,
// which never faults, past a slice's end included): the hardware
// prefetcher alone leaves the compute-bound kernels waiting on memory.
// Measured with AVX-512 on an Intel Xeon (2 MB of L2), uniform kernels,
// 16M units: Exponential 14.8 → 10.7 ms a step, AdaptiveExponential
// 18.5 → 14.7, Izhikevich 17.2 → 13.8, Tracer 15.6 → 12.6, Leaky 9.7 →
// 8.6, StrictRefractoryLeakyTraced2 27.1 → 23.3 (1 KiB ahead: 11.0 for
// Exponential; 4 KiB: 11.2); 1M units (8–40 MB) 5–32% faster. In L2 the
// prefetches cost 5–8% (RFSTracer and StrictRefractoryLeakyTraced2 on
// 64K units, 1.4–1.5 MB), hence the threshold, L2's size; below it a step
// costs a compare and a jump. SPARK_PREFETCH=off turns them off
// (cpu.SoftwarePrefetch), read at entry from asm's prefetching flag.
// The NEON kernels, not measured on arm64 hardware, do without.
const (
	prefetchMin   = 2 << 20
	prefetchAhead = 2048
	// prefetchTested is the most blocks a kernel may need before it
	// prefetches: asm's TestPrefetchingLoop runs every kernel on this
	// many, so that its prefetching loop is tested (8 bytes a unit).
	prefetchTested = 4096
)

// pointerRegisters is how many stream addresses a kernel keeps in general
// registers; the others stay in their arguments. The block loop needs
// three more (the block count, the spike words and the word), and a
// spilled address or a spike mask one more each while it is used.
const pointerRegisters = 11

// signature returns the raw kernel's parameters of model m, and the name
// of its checked function on backend b.
func signature(m model, b lowering, uniform bool) (sig []string, name string) {
	for _, s := range m.streams {
		t := "*float32"
		if s.u16() {
			t = "*uint16"
		}
		if s.byValue(uniform) {
			t = t[1:]
		}
		sig = append(sig, s.name+" "+t)
	}
	var strides []string
	for _, s := range m.streams {
		if s.param() && !uniform {
			strides = append(strides, s.name+"Stride")
		}
	}
	if len(strides) > 0 {
		sig = append(sig, strings.Join(strides, ", ")+" int")
	}
	for _, q := range quotients(m) {
		sig = append(sig, reciprocalArg(q)+" float32")
	}
	if !m.noSpikes {
		sig = append(sig, "spikes *uint64")
	}
	sig = append(sig, "blocks int")
	name = m.name + b.name()
	if uniform {
		name = m.name + "Uniform" + b.name()
	}
	if uniform && !slices.ContainsFunc(m.streams, stream.param) {
		panic(m.name + " has no parameter: no uniform variant")
	}
	return sig, name
}

// generate writes one model's kernel for one backend. The uniform variant
// takes every parameter as one value, broadcast once into a register; the
// streamed one reads a block of each parameter per block of units. The
// kernel itself is raw (lower case, pointers and a block count, nothing
// checked); what users call is the checked function that wrapper returns.
func generate(m model, b backend, uniform bool) gowrap.Func {
	sig, name := signature(m, b, uniform)
	raw := gowrap.Lower(name)
	TEXT(raw, NOSPLIT, "func("+strings.Join(sig, ", ")+")")
	Pragma("noescape")
	Doc(raw+" is the kernel of "+name+" on blocks·64 units, unchecked: every pointer must",
		"address the blocks·64 values (64 per block for a parameter of stride 0, one for a",
		"uniform kernel's parameters) that "+name+" checks its slices hold.")
	// The scalars: the parameters passed by value, and the constants the
	// body uses. The most used are held in registers, as many as the
	// backend can spare.
	sc := scalars{}
	for _, s := range m.streams {
		if s.byValue(uniform) {
			sc[s.name] = scalar{name: s.name, u16: s.u16()}
		}
	}
	pl := makePlan(m, sc, b, uniform)
	vectors := blockUnits / b.lanes()
	switch {
	case pl.walk:
		Comment(fmt.Sprintf("%d scalars held in registers, %d read from memory where used; vectors interleaved %d at a time,"+
			" the groups walking across the blocks%s.", len(pl.held), len(sc)-len(pl.held), pl.group, pl.describe()))
	case pl.split > 0:
		Comment(fmt.Sprintf("%d scalars held in registers, %d read from memory where used; two blocks a step, their %d vectors"+
			" interleaved up to the first mask, then each block's %d%s.",
			len(pl.held), len(sc)-len(pl.held), 2*pl.group, pl.group, pl.describe()))
	default:
		Comment(fmt.Sprintf("%d scalars held in registers, %d read from memory where used; vectors interleaved %d at a time%s.",
			len(pl.held), len(sc)-len(pl.held), pl.group, pl.describe()))
	}
	// The stack area, 64-byte aligned: the backend's scalar vectors, then
	// the spill slots.
	p := ptrs{}
	registers := pointerRegisters
	// A kernel that divides by a parameter has a second loop, which
	// multiplies by the reciprocal that the checked function passes where
	// that gives the division's bits (see Quot).
	reciprocal := len(pl.quotients) > 0
	for _, q := range pl.quotients {
		sc[reciprocalKey(q)] = scalar{name: reciprocalArg(q)}
	}
	var area locals
	perStep := 1 // blocks
	if pl.split > 0 {
		perStep = 2
	}
	if n := b.localBytes(sc, pl.held) + pl.slots*perStep*blockUnits*4; n > 0 {
		area = newLocals(n)
		registers--
	}
	b.setup(sc, pl.held, &area)
	for k := range pl.slots {
		p[spill{slot: k}.name()] = pointer{r: area.base, off: area.alloc(perStep * blockUnits * 4), param: true}
	}
	// The addresses: the state, input and output streams first, then the
	// parameters, in registers while they last.
	order := slices.Clone(m.streams)
	slices.SortStableFunc(order, func(x, y stream) int { return cmp.Compare(b2i(x.param()), b2i(y.param())) })
	for _, s := range order {
		if s.byValue(uniform) {
			continue
		}
		q := pointer{param: s.param()}
		if s.param() && !uniform {
			// The strides stay in the argument frame: a kernel has more
			// streams than there are spare general registers.
			q.block, q.stride = blockUnits*s.size(), arg(s.name+"Stride")
		}
		if len(p)-pl.slots < registers {
			q.r = Load(Param(s.name), GP64())
		} else {
			q.slot = arg(s.name)
		}
		p[s.name] = q
	}
	// The streams that spilled values are reloaded from, read only.
	for _, s := range pl.spills {
		if s.stream != "" {
			q := p[s.stream]
			q.param = true
			p[s.name()] = q
		}
	}
	var spikes reg.Register
	if !m.noSpikes {
		spikes = Load(Param("spikes"), GP64())
	}
	blocks := Load(Param("blocks"), GP64())
	if pl.walk { // the register counts the vectors left
		SHLQ(U8(bits.TrailingZeros(uint(vectors))), blocks)
	}

	// ahead asks for the lines prefetchAhead bytes past the next units of
	// each state, input and output stream, in a call over prefetchMin
	// bytes of them or more (a compare and a jump otherwise).
	var streamed []stream
	unitBytes := 0
	for _, s := range m.streams {
		if !s.param() && !s.byValue(uniform) {
			streamed = append(streamed, s)
			unitBytes += s.size()
		}
	}
	minBlocks := (prefetchMin + blockUnits*unitBytes - 1) / (blockUnits * unitBytes)
	if minBlocks > prefetchTested {
		panic(fmt.Sprintf("%s: prefetches from %d blocks, past the %d that asm's TestPrefetchingLoop runs", name, minBlocks, prefetchTested))
	}
	if len(streamed) > 0 {
		Comment("Whether to ask for lines ahead is set at start-up (asm's prefetching,",
			"SPARK_PREFETCH): if not, the kernel zeroes its copy of blocks, which the",
			"far test of each step reads (an ABI0 argument is the callee's to write).")
		CMPB(NewDataAddr(Symbol{Name: "·prefetching"}, 0), U8(0))
		JNE(LabelRef(name + "_far"))
		MOVQ(U32(0), arg("blocks"))
		Label(name + "_far")
	}
	aheads := 0
	ahead := func(units int) {
		skip := fmt.Sprintf("%s_near%d", name, aheads)
		aheads++
		CMPQ(arg("blocks"), U32(minBlocks))
		JB(LabelRef(skip))
		for _, s := range streamed {
			for k := 0; k < units*s.size(); k += 64 {
				PREFETCHT0(p.at(s.name, prefetchAhead+k))
			}
		}
		Label(skip)
	}

	TESTQ(blocks, blocks)
	JZ(LabelRef(name + "_done"))
	if reciprocal {
		Comment("Which loop: the second if the checked function passed every",
			"divisor's reciprocal (not 0), by which it multiplies.")
		for _, q := range pl.quotients {
			bits := GP32()
			MOVL(arg(reciprocalArg(q)), bits)
			TESTL(bits, bits)
			JZ(LabelRef(name + "_block"))
		}
		JMP(LabelRef(name + "_reciprocal_block"))
	}
	span := func(from, to int) (vs []int) {
		for v := from; v < to; v++ {
			vs = append(vs, v)
		}
		return vs
	}
	// drain leaves vector v of each drained stream zero.
	drain := func(v int) {
		b.vector(v)
		for _, s := range m.streams {
			if s.kind == drainF32 {
				b.drain(s.name)
			}
		}
	}
	// step emits the body for n consecutive blocks: two when the plan
	// pairs them, their vectors interleaved up to its split, then each
	// block's; else one, its vectors interleaved pl.group at a time.
	step := func(n int) {
		ahead(n * blockUnits)
		// finish drains the vectors vs of block k and stores their
		// spikes, each vector's lanes/8 bytes of the block's word.
		finish := func(k int, vs []int) {
			for _, v := range vs {
				drain(v)
				if !m.noSpikes {
					b.storeSpikes(Mem{Base: spikes, Disp: 8*k + (v-k*vectors)*b.lanes()/8})
				}
			}
		}
		if pl.split > 0 {
			b.begin(p)
			rec := map[cval]map[int]interface{}{}
			m.body(newInterleaved(b, span(0, n*vectors), newCensus(m, sc, uniform), pl).part(0, pl.split, rec))
			for k := range n {
				vs := span(k*vectors, (k+1)*vectors)
				m.body(newInterleaved(b, vs, newCensus(m, sc, uniform), pl).part(pl.split, math.MaxInt, rec))
				finish(k, vs)
			}
		} else {
			for g := 0; g < vectors; g += pl.group {
				b.begin(p)
				vs := span(g, min(g+pl.group, vectors))
				m.body(newInterleaved(b, vs, newCensus(m, sc, uniform), pl))
				finish(0, vs)
			}
		}
		if !m.noSpikes {
			ADDQ(U8(8*n), spikes)
		}
		for _, s := range m.streams {
			switch {
			case s.byValue(uniform):
			case s.param():
				for range n {
					p.advance(s.name, p[s.name].stride)
				}
			default:
				p.advance(s.name, U32(n*blockUnits*s.size()))
			}
		}
	}
	// walkStep emits the body for the next n vectors, interleaved, and
	// stores each vector's spike bits, lanes/8 bytes of the words.
	walkStep := func(n int) {
		ahead(n * b.lanes())
		b.begin(p)
		vs := span(0, n)
		m.body(newInterleaved(b, vs, newCensus(m, sc, uniform), pl))
		for _, v := range vs {
			drain(v)
			if m.noSpikes {
				continue
			}
			b.storeSpikes(Mem{Base: spikes, Disp: v * b.lanes() / 8})
		}
		if !m.noSpikes {
			ADDQ(U8(n*b.lanes()/8), spikes)
		}
		for _, s := range m.streams {
			if !s.byValue(uniform) {
				p.advance(s.name, U32(n*b.lanes()*s.size()))
			}
		}
	}
	// loop emits the block loop at label: two blocks a step while two
	// remain, if the plan pairs them, then the last; or, walking, a group
	// of vectors a step while a group remains, then one at a time.
	loop := func(label string) {
		if pl.walk {
			g := U8(pl.group)
			Label(label)
			SUBQ(g, blocks)
			JCS(LabelRef(label + "_rest"))
			Label(label + "_group")
			walkStep(pl.group)
			SUBQ(g, blocks)
			JCC(LabelRef(label + "_group"))
			Label(label + "_rest")
			ADDQ(g, blocks) // the vectors left, fewer than a group
			JZ(LabelRef(label + "_end"))
			Label(label + "_one")
			walkStep(1)
			DECQ(blocks)
			JNZ(LabelRef(label + "_one"))
			Label(label + "_end")
			return
		}
		if pl.split == 0 {
			Label(label)
			step(1)
			DECQ(blocks)
			JNZ(LabelRef(label))
			return
		}
		Label(label)
		SUBQ(U8(2), blocks)
		JCS(LabelRef(label + "_last")) // fewer than two
		Label(label + "_pair")
		step(2)
		SUBQ(U8(2), blocks)
		JCC(LabelRef(label + "_pair"))
		Label(label + "_last")
		TESTQ(U32(1), blocks) // blocks − 2·(pairs + 1): −1 if one is left
		JZ(LabelRef(label + "_end"))
		step(1)
		Label(label + "_end")
	}
	loop(name + "_block")
	if reciprocal {
		JMP(LabelRef(name + "_done"))
		b.setReciprocals(true)
		loop(name + "_reciprocal_block")
		b.setReciprocals(false)
	}
	Label(name + "_done")
	b.end()
	RET()
	return wrapper(m, b, uniform, name, raw, strings.Join(sig, ", "))
}

// locals is a kernel's area on the stack, 64-byte aligned (no vector in
// it straddles a cache line), addressed from one register.
type locals struct {
	base reg.GPVirtual
	used int
}

// newLocals allocates an area of n bytes and its base register.
func newLocals(n int) locals {
	if n > 256 {
		Attributes(0) // more than a nosplit function may take
	}
	base := GP64()
	LEAQ(AllocLocal(n+64), base) // the frame stays 8-byte aligned
	ADDQ(U8(63), base)
	ANDQ(I8(-64), base)
	return locals{base: base}
}

// alloc returns the offset of n more bytes of the area.
func (l *locals) alloc(n int) int {
	off := l.used
	l.used += n
	return off
}

// arg is the argument frame's slot of a parameter of the kernel.
func arg(name string) Mem {
	a, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return a.Addr
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// neonPointers is the most stream addresses a NEON kernel keeps: it holds
// each in a general register (where the amd64 kernels leave the surplus in
// the argument frame), beside the spike words, the block count and the
// registers the body needs.
const neonPointers = 20

// neonFits reports whether m's streamed variant, which has the most
// addresses, fits the NEON kernels' registers: every model but the fused
// steps of AdEx and SimplifiedAdEx with two traces (21 and 22 streams).
func neonFits(m model) bool {
	n := 0
	for _, s := range m.streams {
		if s.kind != scalarF32 {
			n++
		}
	}
	return n <= neonPointers
}

func main() {
	ConstraintExpr("amd64,!purego")
	var funcs []gowrap.Func
	all := slices.Concat(models, exponentialModels, []model{izhikevich}, fusedModels())
	for _, t := range traces {
		all = append(all, t.model(false, false), t.model(true, false), t.model(false, true), t.model(true, true))
	}
	all = append(all, expModel)
	for _, m := range all {
		for _, uniform := range []bool{false, true} {
			if uniform && !slices.ContainsFunc(m.streams, stream.param) {
				continue // no parameter: one kernel
			}
			funcs = append(funcs, generate(m, newAVX512(), uniform), generate(m, newAVX2(), uniform))
		}
	}
	for _, m := range all {
		if !neonFits(m) {
			continue // the portable path runs it (StepTraced: one step after the other)
		}
		for _, uniform := range []bool{false, true} {
			if uniform && !slices.ContainsFunc(m.streams, stream.param) {
				continue
			}
			funcs = append(funcs, generateNEON(m, uniform))
		}
	}
	Generate()
	writeAdapters(slices.Concat(models, exponentialModels, []model{izhikevich}), fusedModels())
	gowrap.Generate(gowrap.Files{Pkg: "asm", Imports: []string{"unsafe"}, Funcs: funcs, NoAsm: "purego || !amd64", ARM64: &neonFile})
}
