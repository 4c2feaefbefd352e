// Package ref is the scalar reference of the library: plain float32 Go written
// straight from docs/models.md, one unit at a time, with no concern for speed. Every
// other path (portable Go, AVX2, AVX-512, NEON) is tested against it, so it
// favours being obviously right over being fast.
//
// # Rounding
//
// Go may fuse x*y + z into one fused multiply-add (it always may on arm64, and
// does on amd64 with GOAMD64=v3), which changes the last bit of a result. The
// reference must give the same bits on every GOARCH and GOAMD64, so every
// product is rounded on its own by [mul], whose explicit float32 conversion
// the Go specification says forbids fusion. Sums are evaluated left to right
// in the order docs/models.md writes them. The exponential is [Exp], a fixed
// sequence of float32 operations, rather than math.Exp, whose assembly
// versions differ between architectures.
//
// # Layout
//
// A model is built from [Params] (its config by seed field name, every value
// validated) into a struct of derived constants, each a [P]: one value for
// the whole population or one per unit. Its state is a [State], a structure
// of arrays.
package ref

import "fmt"

// P is a parameter or derived constant of a population: one value for every
// unit (len 1) or one value per unit.
type P []float32

// At returns the value for unit i.
func (p P) At(i int) float32 {
	if len(p) == 1 {
		return p[0]
	}
	return p[i]
}

// Params are a model's parameters by their seed name (e.g. "potential_tau").
type Params map[string]P

// get returns the parameter name, which a caller must have supplied.
func (p Params) get(name string) P {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		panic(fmt.Sprintf("ref: parameter %q missing", name))
	}
	return v
}

// State is the state of a soma population as a structure of arrays. A model
// uses the fields it has and ignores the rest.
type State struct {
	V     []float32 // potential, rebased: V = V_abs − potential_rest (mV)
	R     []uint16  // refractory counter (steps since the last spike, saturating)
	Theta []float32 // adaptive threshold, rebased (mV)
	W     []float32 // adaptation current (pA)
	U     []float32 // Izhikevich recovery variable
}

// mul returns x·y rounded to float32 on its own: the explicit conversion
// forbids the compiler to fuse the product into a neighbouring addition.
func mul(x, y float32) float32 { return float32(x * y) }

// div returns x/y, rounded on its own like mul.
func div(x, y float32) float32 { return float32(x / y) }

// sel returns a if c holds and b otherwise, the select every SIMD path
// computes with a blend: it never computes 0·x, so a NaN or ±Inf it does not
// select cannot leak into the result.
func sel(c bool, a, b float32) float32 {
	if c {
		return a
	}
	return b
}
