package testutil

import (
	"encoding/binary"
	"math"
)

// FuzzSource hands out a fuzz input's bytes and, once they run out, bits
// of a generator seeded by the input, so that a short input still
// describes a whole case while the fuzzer steers the values it spells out.
// The fuzz targets of every package decode their inputs with it.
type FuzzSource struct {
	data []byte
	r    Rng
}

// NewFuzzSource reads data, then the generator seeded by seed.
func NewFuzzSource(seed uint64, data []byte) *FuzzSource {
	r := Rng(seed ^ 0x9e3779b97f4a7c15)
	if r == 0 {
		r = 1 // xorshift sticks at 0
	}
	return &FuzzSource{data: data, r: r}
}

// Rand returns the generator itself, for bits the input should not spend
// its bytes on (junk past a row's end, words a kernel must overwrite).
func (s *FuzzSource) Rand() *Rng { return &s.r }

// U8 returns the next byte.
func (s *FuzzSource) U8() uint8 {
	if len(s.data) > 0 {
		b := s.data[0]
		s.data = s.data[1:]
		return b
	}
	return uint8(s.r.Next())
}

// U16 returns the next two bytes, little-endian.
func (s *FuzzSource) U16() uint16 {
	if len(s.data) >= 2 {
		v := binary.LittleEndian.Uint16(s.data)
		s.data = s.data[2:]
		return v
	}
	s.data = nil
	return uint16(s.r.Next())
}

// U32 returns the next four bytes, little-endian.
func (s *FuzzSource) U32() uint32 {
	if len(s.data) >= 4 {
		v := binary.LittleEndian.Uint32(s.data)
		s.data = s.data[4:]
		return v
	}
	s.data = nil
	return uint32(s.r.Next())
}

// U64 returns the next eight bytes, little-endian.
func (s *FuzzSource) U64() uint64 { return uint64(s.U32()) | uint64(s.U32())<<32 }

// FuzzSpecials are the values a tagged input picks by index: NaNs with and
// without payloads and of both signs, ±Inf, subnormals, ±0 and the ends of
// the range.
var FuzzSpecials = []uint32{
	0x7fc00000, 0xffc00000, 0x7f800001, 0xffbfffff, 0x7fa5c3e1, // NaNs
	0x7f800000, 0xff800000, // ±Inf
	0x00000001, 0x807fffff, 0x00400000, // subnormals
	0x00000000, 0x80000000, // ±0
	0x7f7fffff, 0xff7fffff, 0x00800000, // ±MaxFloat32, the smallest normal
}

// Value decodes one float32 from a tag byte and 32 bits: mostly a value in
// [lo, hi), and otherwise the raw bits (any NaN payload, ±Inf, subnormal,
// ±0) or one of FuzzSpecials.
func (s *FuzzSource) Value(lo, hi float32) float32 {
	tag, u := s.U8(), s.U32()
	switch {
	case tag < 24:
		return math.Float32frombits(u)
	case tag < 36:
		return math.Float32frombits(FuzzSpecials[u%uint32(len(FuzzSpecials))])
	}
	return lo + float32((hi-lo)*float32(u>>8)/(1<<24))
}

// Finite is Value(lo, hi) with a non-finite result replaced by a finite
// one of its bits (the exponent's top bit cleared).
func (s *FuzzSource) Finite(lo, hi float32) float32 {
	v := s.Value(lo, hi)
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		v = math.Float32frombits(math.Float32bits(v) &^ 0x4000_0000)
	}
	return v
}

// SpecialValue encodes FuzzSpecials[k] as Value reads it, for seeds.
func SpecialValue(k int) []byte { return binary.LittleEndian.AppendUint32([]byte{24}, uint32(k)) }

// The extreme but valid values TraceParam picks now and then. The smallest
// time constant is the smallest normal float32: at the fuzzers' time steps
// (at most 1 ms) Dt/τ stays finite, as the constructors require.
var (
	extremePositive = []float32{0x1p-126, 1e-30, 1e-3, 1e4, 1e30, math.MaxFloat32}
	extremeFinite   = []float32{0, float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30, 1e-40, -1e-40}
	extremeFraction = []float32{0, 1, float32(math.Copysign(0, -1)), 1e-40, math.Nextafter32(1, 0)}
)

// TraceParam decodes a valid value of the trace parameter with seed name
// name and default d: a time constant > 0 (d/8 to 8·d), α in [0, 1], any
// finite scale or base (in [−2, 2)); now and then an extreme one.
func (s *FuzzSource) TraceParam(name string, d float32) float32 {
	tag, u := s.U8(), s.U32()
	x := float32(u>>8) / (1 << 24) // [0, 1)
	extreme := tag%16 == 0
	switch {
	case name == "alpha" && extreme:
		return extremeFraction[u%uint32(len(extremeFraction))]
	case name == "alpha":
		return x
	case len(name) >= 3 && name[:3] == "tau" && extreme:
		return extremePositive[u%uint32(len(extremePositive))]
	case len(name) >= 3 && name[:3] == "tau":
		return d * float32(math.Exp2(float64(x)*6-3))
	case extreme:
		return extremeFinite[u%uint32(len(extremeFinite))]
	}
	return 4*x - 2
}
