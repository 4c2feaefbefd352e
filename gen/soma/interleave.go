package main

import "math"

// interleaved is the emitter of a group of vectors: each operation runs on
// every vector of the group in turn, so that the independent instructions
// of the vectors lie side by side for the out-of-order core, rather than a
// whole dependency chain (the exponential's is some thirty operations long)
// after another. A census runs alongside, numbering the values as the
// plan's census did, so that the plan's spills apply: a spilled value
// computed here is stored to its slot, and its reads past the gap take it
// from memory.
//
// A pass may emit a part of the body only, the operations from from up to
// to: before from, it takes the values an earlier pass over these vectors
// emitted and recorded (the vectors of two blocks up to a plan's split,
// then each block's vectors from there); from to on, it emits nothing.
type interleaved struct {
	b        lowering
	vs       []int
	c        *census
	p        plan
	stored   map[cval]bool // the spilled values stored to their slots
	from, to int
	rec      map[cval]map[int]interface{} // the values of the passes, by vector
	seen     *int                         // the census's operations at the last call
}

func newInterleaved(b lowering, vs []int, c *census, p plan) interleaved {
	return interleaved{b: b, vs: vs, c: c, p: p, stored: map[cval]bool{}, to: math.MaxInt, seen: new(int)}
}

// part is g emitting the operations from from up to to only, recording
// and taking earlier passes' values in rec.
func (g interleaved) part(from, to int, rec map[cval]map[int]interface{}) interleaved {
	g.from, g.to, g.rec = from, to, rec
	return g
}

// multi is a value of the group: its census number, and one backend value
// per vector.
type multi struct {
	id cval
	xs []interface{}
}

// each runs f on every vector of the group, with the backend's emitter
// set to it, and collects the results as the value id, storing them to
// id's slot if it is spilled to one.
func (g interleaved) each(id interface{}, f func(e emitter, i int) interface{}) multi {
	out := multi{id: id.(cval), xs: make([]interface{}, len(g.vs))}
	// The operation's place in the body: the census's last, if this call
	// counted one; else the next (a value already loaded, a scalar).
	at, counted := g.c.ops, g.c.ops > *g.seen
	if counted {
		at--
	}
	*g.seen = g.c.ops
	if at >= g.to {
		return out // a later pass's
	}
	if at < g.from && (counted || out.id >= 0) {
		if out.id >= 0 { // an earlier pass's value
			for i, v := range g.vs {
				out.xs[i] = g.rec[out.id][v]
			}
		}
		return out
	}
	defer func() {
		if g.rec != nil && out.id >= 0 {
			if g.rec[out.id] == nil {
				g.rec[out.id] = map[int]interface{}{}
			}
			for i, v := range g.vs {
				g.rec[out.id][v] = out.xs[i]
			}
		}
	}()
	s, slot := g.p.spills[out.id]
	slot = slot && s.stream == "" && !g.stored[out.id]
	g.b.operation(true)
	defer g.b.operation(false)
	for i, v := range g.vs {
		g.b.vector(v)
		out.xs[i] = f(g.b.emitter(), i)
		if slot {
			g.b.emitter().Store(s.name(), out.xs[i])
		}
	}
	if slot {
		g.stored[out.id] = true
	}
	return out
}

// at is vector i's value of x for the operation being emitted: from
// memory if x is spilled and the operation is past its gap.
func (g interleaved) at(x interface{}, i int) interface{} {
	m := x.(multi)
	if s, ok := g.p.spills[m.id]; ok && g.c.ops-1 >= s.from {
		if s.u16 {
			return g.b.emitter().U(s.name())
		}
		return g.b.emitter().F(s.name())
	}
	return m.xs[i]
}

func id(x interface{}) interface{} { return x.(multi).id }

func (g interleaved) F(name string) vec {
	return g.each(g.c.F(name), func(e emitter, _ int) interface{} { return e.F(name) })
}
func (g interleaved) U(name string) uvec {
	return g.each(g.c.U(name), func(e emitter, _ int) interface{} { return e.U(name) })
}
func (g interleaved) Const(x float32) vec {
	return g.each(g.c.Const(x), func(e emitter, _ int) interface{} { return e.Const(x) })
}
func (g interleaved) Mul(a, b vec) vec {
	return g.each(g.c.Mul(id(a), id(b)), func(e emitter, i int) interface{} { return e.Mul(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) Div(a, b vec) vec {
	return g.each(g.c.Div(id(a), id(b)), func(e emitter, i int) interface{} { return e.Div(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) Quot(a vec, name string) vec {
	return g.each(g.c.Quot(id(a), name), func(e emitter, i int) interface{} { return e.Quot(g.at(a, i), name) })
}
func (g interleaved) Add(a, b vec) vec {
	return g.each(g.c.Add(id(a), id(b)), func(e emitter, i int) interface{} { return e.Add(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) Sub(a, b vec) vec {
	return g.each(g.c.Sub(id(a), id(b)), func(e emitter, i int) interface{} { return e.Sub(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) SubExact(a, x, y vec) vec {
	return g.each(g.c.SubExact(id(a), id(x), id(y)), func(e emitter, i int) interface{} {
		return e.SubExact(g.at(a, i), g.at(x, i), g.at(y, i))
	})
}
func (g interleaved) Clamp(a, lo, hi vec) vec {
	return g.each(g.c.Clamp(id(a), id(lo), id(hi)), func(e emitter, i int) interface{} {
		return e.Clamp(g.at(a, i), g.at(lo, i), g.at(hi, i))
	})
}
func (g interleaved) Round(a vec) vec {
	return g.each(g.c.Round(id(a)), func(e emitter, i int) interface{} { return e.Round(g.at(a, i)) })
}
func (g interleaved) Scale(p, n vec) vec {
	return g.each(g.c.Scale(id(p), id(n)), func(e emitter, i int) interface{} { return e.Scale(g.at(p, i), g.at(n, i)) })
}
func (g interleaved) GT(a, b vec) mask {
	return g.each(g.c.GT(id(a), id(b)), func(e emitter, i int) interface{} { return e.GT(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) UGT(a, b uvec) mask {
	return g.each(g.c.UGT(id(a), id(b)), func(e emitter, i int) interface{} { return e.UGT(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) UGE(a, b uvec) mask {
	return g.each(g.c.UGE(id(a), id(b)), func(e emitter, i int) interface{} { return e.UGE(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) And(a, b mask) mask {
	return g.each(g.c.And(id(a), id(b)), func(e emitter, i int) interface{} { return e.And(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) GTIf(m mask, a, b vec) mask {
	return g.each(g.c.GTIf(id(m), id(a), id(b)), func(e emitter, i int) interface{} {
		return e.GTIf(g.at(m, i), g.at(a, i), g.at(b, i))
	})
}
func (g interleaved) Gate(m mask, a vec) vec {
	return g.each(g.c.Gate(id(m), id(a)), func(e emitter, i int) interface{} { return e.Gate(g.at(m, i), g.at(a, i)) })
}
func (g interleaved) Select(m mask, a, b vec) vec {
	return g.each(g.c.Select(id(m), id(a), id(b)), func(e emitter, i int) interface{} {
		return e.Select(g.at(m, i), g.at(a, i), g.at(b, i))
	})
}
func (g interleaved) Store(name string, v vec) {
	g.c.Store(name, id(v))
	g.each(cval(-1), func(e emitter, i int) interface{} { e.Store(name, g.at(v, i)); return nil })
}
func (g interleaved) Tick(name string, r uvec, s mask) {
	g.c.Tick(name, id(r), id(s))
	g.each(cval(-1), func(e emitter, i int) interface{} { e.Tick(name, g.at(r, i), g.at(s, i)); return nil })
}
func (g interleaved) Spikes(m mask) {
	g.c.Spikes(id(m))
	g.each(cval(-1), func(e emitter, i int) interface{} { e.Spikes(g.at(m, i)); return nil })
}
func (g interleaved) ISub(a, b ivec) ivec {
	return g.each(g.c.ISub(id(a), id(b)), func(e emitter, i int) interface{} { return e.ISub(g.at(a, i), g.at(b, i)) })
}
func (g interleaved) ISar(a ivec, k int) ivec {
	return g.each(g.c.ISar(id(a), k), func(e emitter, i int) interface{} { return e.ISar(g.at(a, i), k) })
}
func (g interleaved) IShl(a ivec, k int) ivec {
	return g.each(g.c.IShl(id(a), k), func(e emitter, i int) interface{} { return e.IShl(g.at(a, i), k) })
}
func (g interleaved) Int(a vec) ivec {
	return g.each(g.c.Int(id(a)), func(e emitter, i int) interface{} { return e.Int(g.at(a, i)) })
}
func (g interleaved) Bits(a ivec) vec {
	return g.each(g.c.Bits(id(a)), func(e emitter, i int) interface{} { return e.Bits(g.at(a, i)) })
}
