// Command soma writes the fused updates of the leaky soma family for AVX2
// and AVX-512 (asm/soma_amd64.s and its Go declarations).
//
// Each model is described once, in models.go, as the vector operations of
// one vector of units over named streams: state and input arrays, and
// parameters that are uniform or per unit. A backend (avx2.go, avx512.go)
// lowers the operations to its ISA and wraps them in the same loop: blocks
// of 64 units, the units of one spike word, whose compare masks it packs
// into the word. Only whole blocks: the caller runs the last, partial block
// through a padded copy, so that every unit takes the same instructions.
package main

import (
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
)

type stream struct {
	name string
	kind kind
}

func (s stream) u16() bool   { return s.kind == stateU16 || s.kind == paramU16 }
func (s stream) param() bool { return s.kind == paramF32 || s.kind == paramU16 }

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
}

// Vector values: a backend's registers, opaque to the models.
type (
	vec  interface{} // float32 lanes
	uvec interface{} // uint16 lanes (the backend's own layout)
	mask interface{} // a lane mask
)

// emitter is what a model's description may do with one vector of units.
type emitter interface {
	F(name string) vec                // load a float32 stream
	U(name string) uvec               // load a uint16 stream
	Mul(a, b vec) vec                 // a·b, rounded (no FMA: the reference rounds each product)
	Add(a, b vec) vec                 // a + b
	Sub(a, b vec) vec                 // a − b
	GT(a, b vec) mask                 // a > b, false for NaN
	UGT(a, b uvec) mask               // a > b, unsigned
	UGE(a, b uvec) mask               // a ≥ b, unsigned
	And(a, b mask) mask               // a ∧ b
	GTIf(m mask, a, b vec) mask       // m ∧ a > b (false for NaN): one masked compare on AVX-512
	Gate(m mask, a vec) vec           // m ? a : +0
	Select(m mask, a, b vec) vec      // m ? a : b
	Store(name string, v vec)         // store a float32 state
	Tick(name string, r uvec, s mask) // store r ← s ? 0 : min(r + 1, 65535)
	Spikes(m mask)                    // the vector's spikes
}

// backend lowers the operations to one ISA.
type backend interface {
	name() string                          // "AVX2", "AVX512"
	lanes() int                            // float32 lanes per vector
	setup()                                // constants, once per call
	broadcast(s stream, addr reg.Register) // hold a uniform parameter in a register for the whole call
	begin(p ptrs, v int)                   // start vector v of the block
	emitter() emitter
	spikeBits() reg.GPVirtual // the vector's spike bits, after the body
	drain(name string)        // leave the drain stream's vector, loaded by the body, zero
	end()                     // after the kernel, before RET
}

// ptrs are the registers holding each stream's address in the block.
type ptrs map[string]reg.Register

// generate writes one model's kernel for one backend. The uniform variant
// takes every parameter as one value, broadcast once into a register; the
// streamed one reads a block of each parameter per block of units. The
// kernel itself is raw (lower case, pointers and a block count, nothing
// checked); what users call is the checked function that wrapper returns.
func generate(m model, b backend, uniform bool) gowrap.Func {
	var sig []string
	for _, s := range m.streams {
		t := "*float32"
		if s.u16() {
			t = "*uint16"
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
	if !m.noSpikes {
		sig = append(sig, "spikes *uint64")
	}
	sig = append(sig, "blocks int")
	name := m.name + b.name()
	if uniform {
		name = m.name + "Uniform" + b.name()
	}
	raw := gowrap.Lower(name)
	TEXT(raw, NOSPLIT, "func("+strings.Join(sig, ", ")+")")
	Pragma("noescape")
	Doc(raw+" is the kernel of "+name+" on blocks·64 units, unchecked: every pointer must",
		"address the blocks·64 values (64 per block for a parameter of stride 0, one for a",
		"uniform kernel's parameters) that "+name+" checks its slices hold.")
	b.setup()
	p := ptrs{}
	for _, s := range m.streams {
		addr := Load(Param(s.name), GP64())
		if uniform && s.param() {
			b.broadcast(s, addr)
			continue
		}
		p[s.name] = addr
	}
	// The strides stay in the argument frame: a kernel has more streams
	// than there are spare general registers.
	stride := map[string]Mem{}
	for _, s := range m.streams {
		if s.param() && !uniform {
			b, err := Param(s.name + "Stride").Resolve()
			if err != nil {
				panic(err)
			}
			stride[s.name] = b.Addr
		}
	}
	var spikes reg.Register
	if !m.noSpikes {
		spikes = Load(Param("spikes"), GP64())
	}
	blocks := Load(Param("blocks"), GP64())

	TESTQ(blocks, blocks)
	JZ(LabelRef(name + "_done"))
	Label(name + "_block")
	var word reg.GPVirtual
	if !m.noSpikes {
		word = GP64()
		XORQ(word, word)
	}
	for v := 0; v < blockUnits/b.lanes(); v++ {
		b.begin(p, v)
		m.body(b.emitter())
		for _, s := range m.streams {
			if s.kind == drainF32 {
				b.drain(s.name)
			}
		}
		if m.noSpikes {
			continue
		}
		bitsReg := b.spikeBits()
		if v > 0 {
			SHLQ(U8(v*b.lanes()), bitsReg.As64())
		}
		ORQ(bitsReg.As64(), word)
	}
	if !m.noSpikes {
		MOVQ(word, Mem{Base: spikes})
		ADDQ(U8(8), spikes)
	}
	for _, s := range m.streams {
		switch {
		case s.param() && uniform:
		case s.param():
			ADDQ(stride[s.name], p[s.name])
		default:
			ADDQ(U32(blockUnits*s.size()), p[s.name])
		}
	}
	DECQ(blocks)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_done")
	b.end()
	RET()
	return wrapper(m, b, uniform, name, raw, strings.Join(sig, ", "))
}

func main() {
	ConstraintExpr("amd64,!purego")
	var funcs []gowrap.Func
	for _, m := range append(models, tracer, tracerAdd, drained(tracer), drained(tracerAdd)) {
		for _, uniform := range []bool{false, true} {
			funcs = append(funcs, generate(m, newAVX512(), uniform), generate(m, newAVX2(), uniform))
		}
	}
	Generate()
	gowrap.Generate(gowrap.Files{Pkg: "asm", Imports: []string{"unsafe"}, Funcs: funcs, NoAsm: "purego || !amd64"})
}
