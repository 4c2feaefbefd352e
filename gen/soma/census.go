package main

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
)

// A plan is how a backend lowers a model: the scalars it holds in
// registers for the whole call, how many vectors it interleaves, and the
// values it spills.
type plan struct {
	held  []string
	group int
	// split, when the backend pairs blocks, is the first operation that
	// computes a mask: the loop steps two blocks at a time, interleaving
	// all their vectors up to split, then each block's from split on (see
	// pairs). 0: one block at a time.
	split     int
	spills    map[cval]spill
	slots     int      // the stack slots the spills take
	quotients []string // the parameters the body divides by (Quot), sorted
	scales    bool     // the body scales by powers of two (Scale)
	// walk: the loop steps over groups of vectors, across the blocks,
	// rather than over blocks (see deepChain). The amd64 loops do; NEON's
	// groups (powers of two, at most 8 of a block's 16 vectors) divide its
	// blocks, so walk is false there, and its loop would be right without
	// it anyway, group after group within each block.
	walk bool
}

// describe says what p spills, for the kernel's comment.
func (p plan) describe() string {
	var streams, slots int
	for _, s := range p.spills {
		if s.stream != "" {
			streams++
		} else {
			slots++
		}
	}
	if streams+slots == 0 {
		return ""
	}
	return fmt.Sprintf("; between distant reads, %d values reloaded from their streams, %d kept on the stack", streams, slots)
}

// A spill is a value that leaves its register between two of its reads:
// the reads from operation from on take it from memory, from the stream it
// was loaded from (which the body has not stored yet) or from a stack slot
// that the operation computing it stores it to. Each read is then an
// instruction's memory operand, or a load just before it; either costs a
// load port, which is idle in these kernels, rather than a register, which
// would keep a whole vector from being interleaved.
type spill struct {
	from   int
	stream string // the stream it was loaded from; "" for a slot
	u16    bool   // the stream holds counters
	slot   int    // the slot, when stream is ""
}

// name is the pointer that addresses the spilled value: the stream's
// read-only alias or the slot.
func (s spill) name() string {
	if s.stream != "" {
		return s.stream + "'"
	}
	return fmt.Sprintf("$slot%d", s.slot)
}

// longBody is the fewest operations of a body whose values are worth
// spilling: a shorter one's dependency chain is short enough for the
// out-of-order core to overlap the next block's, however many vectors the
// kernel interleaves (measured: the leaky family and Izhikevich run no
// faster interleaved further, and slower with their counters reloaded).
// On a Zen 5, 24 would let Izhikevich (28 operations) read its potential
// again and pair blocks with AVX-512: 1.15× faster at 4096 units (AVX2,
// interleaving 4 vectors rather than 1, 1.10×), but 1.2–1.3× slower at
// 16M units (6.4–7.6 ms a step against 5.6–5.8), so it stays 32.
const longBody = 32

// minGap is the fewest operations between two reads of a value for which
// spilling it is worth a store and a load.
const minGap = 8

// deepChain is the fewest operations of a body's longest dependency chain
// for which its vectors' chains bound a kernel, rather than the ports: the
// exponential somas' (31–37 operations), not Izhikevich's (19) nor the
// traces' (at most 9). A kernel of a deep body interleaves as many vectors
// as spilling lets it (tighten); a uniform one walks its vectors group by
// group across the blocks, where its groups do not divide a block, rather
// than leave each block a short last group, whose chains take as long as
// a whole group's. (Measured on an Intel Xeon, AVX2, 4096 units, uniform
// parameters: the exponential somas 7–11% faster interleaving 6 or 7
// vectors, walking, than 4 or 5, two groups a block; walking alone, 2–3%.)
const deepChain = 24

// bodyCensus is a census of m's body alone, for what it uses.
func bodyCensus(m model) *census {
	c := newCensus(m, scalars{}, false)
	m.body(c)
	return c
}

// quotients returns the parameters model m divides by (Quot), sorted.
func quotients(m model) []string { return slices.Sorted(maps.Keys(bodyCensus(m).quotients)) }

// fusesExact says whether m's body subtracts an exact product in one
// fused operation (SubExact).
func fusesExact(m model) bool { return bodyCensus(m).exact }

// makePlan decides how b lowers m, from what a census of the body counts:
// each scalar's uses (the most used are held), and the registers one
// vector keeps live at once. It interleaves as many vectors as the backend
// allows, spilling the values with the longest gaps between reads (the
// potential, read first and last; the exponent of 2^n, read by the
// reduction and by the final scaling) where that lets it interleave more.
func makePlan(m model, sc scalars, b lowering, uniform bool) plan {
	c := newCensus(m, sc, uniform)
	m.body(c)
	c.finish(m)
	keys := make([]string, 0, len(c.uses))
	for k := range c.uses {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		if d := cmp.Compare(c.uses[y], c.uses[x]); d != 0 {
			return d
		}
		return cmp.Compare(c.first[x], c.first[y])
	})
	var gaps []gap
	if c.ops >= longBody {
		gaps = c.gaps()
	}
	var best plan
	for k := 0; k <= len(gaps); k++ {
		p := spilling(gaps[:k])
		n, group := b.budget(c.pressure(p.spills), len(keys))
		p.held, p.group = keys[:n], group
		if k == 0 || group > best.group {
			best = p
		}
	}
	deep := c.depth >= deepChain
	if deep {
		best = c.tighten(best, b, keys, uniform)
	}
	// Pairing blocks, with the fewest spills that let it, where the part
	// before the first mask is most of the body: the exponential's chain
	// of some thirty dependent operations, four cycles each, keeps the two
	// vector ports busy only with eight chains side by side. (Measured on
	// an Intel Xeon at 4096 units, against one block's four vectors: the
	// exponential somas 6–28% faster, the one-stage trace 35%, the leaky
	// soma the same.) A streamed kernel pairs only a deep body: it reads
	// the second block's parameters a stride further on, which its
	// argument holds, loaded into an index register at each use. (Measured
	// likewise, 1024 and 4096 units, the divisor one block: the streamed
	// exponential somas 6–16% faster paired, the streamed traces and leaky
	// somas 10–18% slower at 1024.)
	if split := c.firstMask(); (uniform || deep) && 2*split >= c.ops {
		for k := 0; k <= len(gaps); k++ {
			p := spilling(gaps[:k])
			pre, post := c.pressureIn(p.spills, 0, split), c.pressureIn(p.spills, split, c.ops)
			if n, ok := b.pairs(pre, post, c.across(p.spills, split), len(keys)); ok {
				p.held, p.group, p.split = keys[:n], blockUnits/b.lanes(), split
				best = p
				break
			}
		}
	}
	best.quotients = slices.Sorted(maps.Keys(c.quotients))
	best.scales = c.scales
	best.walk = uniform && deep && best.split == 0 && (blockUnits/b.lanes())%best.group != 0
	return best
}

// tighten spills more of a deep body's values where that lets b step it
// faster than p does (more vectors interleaved, walking; else fewer groups
// a block): at each operation where one vector keeps the most registers,
// the value live through it whose next read is the farthest (Belady's
// choice) leaves its register from that read on, however short the gap.
// (The exponential's reduction keeps its argument, the exponent n and
// n·ln2Hi at once, and its polynomial r, q and r² at once: reading n and r
// again from their slots leaves two registers a vector, seven vectors
// interleaved on AVX2 rather than five.)
func (c *census) tighten(p plan, b lowering, keys []string, uniform bool) plan {
	// A uniform kernel can walk its groups across the blocks; any other
	// steps a block in ⌈vectors/group⌉ groups, each as long as its
	// chains: a larger group helps it only with fewer groups.
	vectors := blockUnits / b.lanes()
	better := func(group int) bool {
		if uniform {
			return group > p.group
		}
		return (vectors+group-1)/group < (vectors+p.group-1)/p.group
	}
	for {
		spills := maps.Clone(p.spills)
		slots := p.slots
		peak := c.pressure(spills).tightAll
		for at := range c.ops {
			if c.pressureIn(spills, at, at+1).tightAll < peak {
				continue
			}
			v, next := cval(-1), -1
			for u := range c.masks {
				if c.masks[u] || c.kinds[c.origin[u]] == drainF32 || c.def[u] >= at || c.last(u, spills) <= at {
					continue
				}
				for _, r := range c.reads[u] {
					if r > at {
						if r > next {
							v, next = cval(u), r
						}
						break
					}
				}
			}
			if v < 0 {
				return p
			}
			s, ok := spills[v]
			if !ok {
				s.stream, s.u16 = c.reload(v)
				if s.stream == "" {
					s.slot = slots
					slots++
				}
			}
			s.from = next
			spills[v] = s
		}
		held, group := b.budget(c.pressure(spills), len(keys))
		if !better(group) {
			return p
		}
		p.spills, p.slots, p.held, p.group = spills, slots, keys[:held], group
	}
}

// spilling is a plan that spills the values of gaps.
func spilling(gaps []gap) plan {
	p := plan{spills: map[cval]spill{}}
	for _, g := range gaps {
		s := spill{from: g.to, stream: g.stream, u16: g.u16}
		if s.stream == "" {
			s.slot = p.slots
			p.slots++
		}
		p.spills[g.v] = s
	}
	return p
}

// pressure is what one vector of a body keeps in registers at most at
// once: vectors (float32, int32 or counter lanes) and masks.
type pressure struct {
	vecs, masks int
	tight       int  // vectors, an operation's result taking an input's register (as masks)
	all         int  // both together, for a backend whose masks are vectors
	tightAll    int  // both together, tight
	counters    bool // the body has counters (which take the backend constants)
	long        bool // the body is long (see longBody)
}

// census is an emitter that emits nothing: it counts the uses of each
// scalar of a body, adding its constants to sc, and follows the values it
// computes to find the body's register pressure and the gaps between their
// reads. The interleaved emitter runs one alongside the backend, so that
// the values it emits carry the census's numbers.
type census struct {
	sc     scalars
	uses   map[string]int
	first  map[string]int
	kinds  map[string]kind // the streams'
	memory map[string]bool // streams left in memory (parameters, streamed)
	loads  map[string]cval // the value of each stream loaded
	stored map[string]int  // the operation that stores each stream

	masks     []bool   // by value: whether it is a mask
	def       []int    // by value: the operation that computes it
	reads     [][]int  // by value: the operations that read it
	origin    []string // by value: the stream it was loaded from
	height    []int    // by value: the operations of its longest chain
	depth     int      // the body's longest chain of dependent operations
	ops       int
	spikes    interface{}
	counters  bool            // whether the body loads counters
	quotients map[string]bool // the parameters the body divides by (Quot)
	scales    bool            // whether the body scales (Scale)
	exact     bool            // whether the body fuses an exact product (SubExact)
}

func newCensus(m model, sc scalars, uniform bool) *census {
	c := &census{sc: sc, uses: map[string]int{}, first: map[string]int{}, kinds: map[string]kind{},
		memory: map[string]bool{}, loads: map[string]cval{}, stored: map[string]int{}}
	for _, s := range m.streams {
		c.kinds[s.name] = s.kind
		c.memory[s.name] = s.kind == paramF32 && !uniform // a memvec until used
	}
	return c
}

// finish counts the reads after the body: the spike masks, for the word,
// and the drained streams' vectors, which the backend may test.
func (c *census) finish(m model) {
	if c.spikes != nil {
		c.op(false, false, c.spikes)
	}
	for _, s := range m.streams {
		if x, ok := c.loads[s.name]; ok && s.kind == drainF32 {
			c.op(false, false, x)
		}
	}
}

// cval is a census value: its index, or −1 for none in a register.
type cval int

func (c *census) use(key string) bool {
	if _, ok := c.sc[key]; !ok {
		return false
	}
	if _, ok := c.first[key]; !ok {
		c.first[key] = len(c.first)
	}
	c.uses[key]++
	return true
}

// op records an operation reading ins and, unless out is false, computing
// a value (a mask if mask).
func (c *census) op(mask bool, out bool, ins ...interface{}) interface{} {
	h := 1
	for _, in := range ins {
		if v := in.(cval); v >= 0 {
			c.reads[v] = append(c.reads[v], c.ops)
			h = max(h, c.height[v]+1)
		}
	}
	c.ops++
	c.depth = max(c.depth, h)
	if !out {
		return cval(-1)
	}
	c.height = append(c.height, h)
	c.masks = append(c.masks, mask)
	c.def = append(c.def, c.ops-1)
	c.reads = append(c.reads, nil)
	c.origin = append(c.origin, "")
	return cval(len(c.masks) - 1)
}

// last is the last operation that reads v (or computes it), with the
// spills.
func (c *census) last(v int, spills map[cval]spill) int {
	end := c.def[v]
	for _, r := range c.reads[v] {
		if s, ok := spills[cval(v)]; ok && r >= s.from {
			break
		}
		end = r
	}
	return end
}

// pressure returns the most registers of each kind that one vector needs
// at once, with the spills: during an operation, the values live through
// it (computed before, read after from a register), and its result and its
// inputs read for the last time. For masks, only the result or the inputs,
// whichever are more: the result takes an input's register. For vectors,
// both, which leaves each vector of a group one register for what the
// backend needs for a moment (a broadcast scalar, a clamp's middle value).
func (c *census) pressure(spills map[cval]spill) pressure { return c.pressureIn(spills, 0, c.ops) }

// firstMask is the operation that computes the body's first mask (c.ops
// if none).
func (c *census) firstMask() int {
	for v, m := range c.masks {
		if m {
			return c.def[v]
		}
	}
	return c.ops
}

// across counts the vectors computed before operation at and read from a
// register at or after it.
func (c *census) across(spills map[cval]spill, at int) int {
	n := 0
	for v := range c.masks {
		if c.def[v] < at && c.last(v, spills) >= at {
			n++
		}
	}
	return n
}

// pressureIn is pressure over the operations from lo up to hi.
func (c *census) pressureIn(spills map[cval]spill, lo, hi int) pressure {
	var p pressure
	for at := lo; at < hi; at++ {
		var through, dying, out pressure
		for v := range c.masks {
			q := &through
			switch last := c.last(v, spills); {
			case c.def[v] == at:
				q = &out
			case c.def[v] > at || last < at:
				continue
			case last == at:
				q = &dying
			}
			if c.masks[v] {
				q.masks++
			} else {
				q.vecs++
			}
		}
		p.vecs = max(p.vecs, through.vecs+dying.vecs+out.vecs)
		p.masks = max(p.masks, through.masks+max(dying.masks, out.masks))
		p.tight = max(p.tight, through.vecs+max(dying.vecs, out.vecs))
		p.all = max(p.all, through.vecs+through.masks+dying.vecs+dying.masks+out.vecs+out.masks)
		p.tightAll = max(p.tightAll, through.vecs+through.masks+max(dying.vecs+dying.masks, out.vecs+out.masks))
	}
	p.counters, p.long = c.counters, c.ops >= longBody
	return p
}

// A gap is where a value could leave its register: after the read at from,
// to the read at to.
type gap struct {
	v        cval
	from, to int
	stream   string // the stream to reload it from, if it can be
	u16      bool
}

// gaps returns, for each vector value (not a mask, not a drained stream's,
// which the backend reads after the body), its longest gap between reads if
// it is at least minGap, longest first.
func (c *census) gaps() []gap {
	var gs []gap
	for v := range c.masks {
		if c.masks[v] || c.kinds[c.origin[v]] == drainF32 {
			continue
		}
		at := append([]int{c.def[v]}, c.reads[v]...)
		g := gap{v: cval(v)}
		for i := 1; i < len(at); i++ {
			if at[i]-at[i-1] > g.to-g.from {
				g.from, g.to = at[i-1], at[i]
			}
		}
		if g.to-g.from < minGap {
			continue
		}
		g.stream, g.u16 = c.reload(cval(v))
		gs = append(gs, g)
	}
	slices.SortStableFunc(gs, func(x, y gap) int { return cmp.Compare(y.to-y.from, x.to-x.from) })
	return gs
}

// reload returns the stream that value v, spilled, is read again from,
// if it can be: the stream it was loaded from, where the body has not
// stored it before v's last read (a store in that read's operation comes
// after the load); else "", for a slot.
func (c *census) reload(v cval) (stream string, u16 bool) {
	o := c.origin[v]
	if o == "" {
		return "", false
	}
	if st, ok := c.stored[o]; ok && st < c.reads[v][len(c.reads[v])-1] {
		return "", false
	}
	return o, c.kinds[o] == stateU16
}

// load is a stream's vector: none for a scalar or a stream left in memory,
// else one value per stream however often the body loads it (the backend
// loads it once per vector).
func (c *census) load(name string) interface{} {
	if c.use(name) || c.memory[name] {
		return cval(-1)
	}
	if x, ok := c.loads[name]; ok {
		return x
	}
	x := c.op(false, true).(cval)
	c.origin[x] = name
	c.loads[name] = x
	return x
}

func (c *census) store(name string, ins ...interface{}) {
	if _, ok := c.stored[name]; !ok {
		c.stored[name] = c.ops
	}
	c.op(false, false, ins...)
}

func (c *census) F(name string) vec   { return c.load(name) }
func (c *census) U(name string) uvec  { c.counters = true; return c.load(name) }
func (c *census) Const(x float32) vec { c.use(c.sc.constant(math.Float32bits(x))); return cval(-1) }

func (c *census) Mul(a, b vec) vec { return c.op(false, true, a, b) }
func (c *census) Div(a, b vec) vec { return c.op(false, true, a, b) }
func (c *census) Quot(a vec, name string) vec {
	if c.quotients == nil {
		c.quotients = map[string]bool{}
	}
	c.quotients[name] = true
	return c.op(false, true, a, c.load(name))
}
func (c *census) Add(a, b vec) vec                 { return c.op(false, true, a, b) }
func (c *census) Sub(a, b vec) vec                 { return c.op(false, true, a, b) }
func (c *census) SubExact(a, x, y vec) vec         { c.exact = true; return c.op(false, true, a, x, y) }
func (c *census) Clamp(a, lo, hi vec) vec          { return c.op(false, true, a, lo, hi) }
func (c *census) Round(a vec) vec                  { return c.op(false, true, a) }
func (c *census) Scale(p, n vec) vec               { c.scales = true; return c.op(false, true, p, n) }
func (c *census) GT(a, b vec) mask                 { return c.op(true, true, a, b) }
func (c *census) UGT(a, b uvec) mask               { return c.op(true, true, a, b) }
func (c *census) UGE(a, b uvec) mask               { return c.op(true, true, a, b) }
func (c *census) And(a, b mask) mask               { return c.op(true, true, a, b) }
func (c *census) GTIf(m mask, a, b vec) mask       { return c.op(true, true, m, a, b) }
func (c *census) Gate(m mask, a vec) vec           { return c.op(false, true, m, a) }
func (c *census) Select(m mask, a, b vec) vec      { return c.op(false, true, m, a, b) }
func (c *census) Store(name string, v vec)         { c.store(name, v) }
func (c *census) Tick(name string, r uvec, s mask) { c.store(name, r, s) }
func (c *census) Spikes(m mask)                    { c.spikes = m }
func (c *census) ISub(a, b ivec) ivec              { return c.op(false, true, a, b) }
func (c *census) ISar(a ivec, k int) ivec          { return c.op(false, true, a) }
func (c *census) IShl(a ivec, k int) ivec          { return c.op(false, true, a) }
func (c *census) Bits(a ivec) vec                  { return a }
func (c *census) Int(a vec) ivec                   { return a }
