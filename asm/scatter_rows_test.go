package asm

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"
)

// rowScatter is the scatter of rows of one ISA, of binary16 and of
// float32 weights.
type rowScatter struct {
	isa string
	f16 func(acc []float32, idx []int32, w []uint16, start []int32, rows []int)
	f32 func(acc []float32, idx []int32, w []float32, start []int32, rows []int)
}

// rowScatters are the scatters of rows this build and CPU run.
func rowScatters(t *testing.T) []rowScatter {
	var k []rowScatter
	if hasAVX2 {
		k = append(k, rowScatter{"AVX2", ScatterRowsF16AVX2, ScatterRowsF32AVX2})
	}
	if hasNEON {
		k = append(k, rowScatter{"NEON", ScatterRowsF16NEON, ScatterRowsF32NEON})
	}
	if len(k) == 0 {
		t.Skip("no scatter of rows in this build or CPU")
	}
	return k
}

// scatterRowsRef is the scalar loop the scatters of rows compute.
func scatterRowsRef[W any](acc []float32, idx []int32, w []W, start []int32, rows []int, conv func(W) float32) {
	for _, j := range rows {
		for k := start[j]; k < start[j+1]; k++ {
			acc[idx[k]] += conv(w[k])
		}
	}
}

// special are the values the weights and accumulators take now and then:
// zeros, infinities, NaNs (signalling and quiet, of either sign), and
// subnormals, the binary16 ones included.
var special = []uint32{0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001, 0x00000001, 0x80400000, 0x33800000, 0x387fc000}

// TestScatterRows: the scatters of rows give the scalar loop's bits (a NaN
// any NaN), over rows in any order and repeated, of any length to 40,
// indices repeated within a row, weights and accumulators with every
// special value; and refuse a bad row, offset or index, before writing
// anything, with a panic that names it.
func TestScatterRows(t *testing.T) {
	half := func(h uint16) float32 { return float16.Frombits(h).Float32() }
	f32 := func(x float32) float32 { return x }
	for _, k := range rowScatters(t) {
		r := rng(0x5ca7)
		value := func() uint32 {
			if r.Intn(8) == 0 {
				return special[r.Intn(len(special))]
			}
			return uint32(r.Next())
		}
		for trial := range 3000 {
			nacc := 1 + r.Intn(200)
			nrows := r.Intn(30)
			start := []int32{0}
			var idx []int32
			for range nrows {
				for range r.Intn(41) {
					idx = append(idx, int32(r.Intn(nacc))) // any order, repeats: the serial adds allow both
				}
				start = append(start, int32(len(idx)))
			}
			var rows []int
			for range r.Intn(2 * (nrows + 1)) {
				if nrows > 0 {
					rows = append(rows, r.Intn(nrows))
				}
			}
			acc := make([]float32, nacc)
			for i := range acc {
				acc[i] = math.Float32frombits(value())
			}
			w16, w32 := make([]uint16, len(idx)), make([]float32, len(idx))
			for i := range idx {
				v := value()
				w16[i], w32[i] = uint16(v>>16^v), math.Float32frombits(v)
			}
			a, b := slices.Clone(acc), slices.Clone(acc)
			k.f16(a, idx, w16, start, rows)
			scatterRowsRef(b, idx, w16, start, rows, half)
			if !sameBits32(a, b) {
				t.Fatalf("trial %d: ScatterRowsF16%s differs from the scalar loop", trial, k.isa)
			}
			a, b = slices.Clone(acc), slices.Clone(acc)
			k.f32(a, idx, w32, start, rows)
			scatterRowsRef(b, idx, w32, start, rows, f32)
			if !sameBits32(a, b) {
				t.Fatalf("trial %d: ScatterRowsF32%s differs from the scalar loop", trial, k.isa)
			}
		}

		// Bad input: each case breaks one rule of a good call.
		for _, c := range []struct {
			name  string
			idx   []int32
			start []int32
			rows  []int
			nw    int // weights (len(idx) if 0)
			want  string
		}{
			{"row past the offsets", []int32{0, 1}, []int32{0, 1, 2}, []int{0, 2}, 0, "rows[1] = 2: out of range"},
			{"negative row", []int32{0, 1}, []int32{0, 1, 2}, []int{-1}, 0, "rows[0] = -1: out of range"},
			{"no offsets", []int32{0, 1}, nil, []int{0}, 0, "rows[0] = 0: out of range"},
			{"one offset", []int32{0, 1}, []int32{0}, []int{0}, 0, "rows[0] = 0: out of range"},
			{"offsets past idx", []int32{0, 1}, []int32{0, 3}, []int{0}, 0, "want 0 ≤ start[j] ≤ start[j+1] ≤ min"},
			{"offsets past w", []int32{0, 1}, []int32{0, 2}, []int{0}, 1, "want 0 ≤ start[j] ≤ start[j+1] ≤ min"},
			{"offsets decreasing", []int32{0, 1}, []int32{2, 1}, []int{0}, 0, "want 0 ≤ start[j] ≤ start[j+1] ≤ min"},
			{"negative offset", []int32{0, 1}, []int32{-1, 1}, []int{0}, 0, "want 0 ≤ start[j] ≤ start[j+1] ≤ min"},
			{"negative end", []int32{0, 1}, []int32{0, -1}, []int{0}, 0, "want 0 ≤ start[j] ≤ start[j+1] ≤ min"},
			{"index past acc", []int32{0, 5}, []int32{0, 1, 2}, []int{0, 1}, 0, "idx[1] = 5 (row 1): out of range for len(acc) = 5"},
			{"negative index", []int32{0, -1}, []int32{0, 1, 2}, []int{0, 1}, 0, "idx[1] = -1 (row 1): out of range"},
		} {
			for _, f16 := range []bool{true, false} {
				nw := len(c.idx)
				if c.nw > 0 {
					nw = c.nw
				}
				acc := make([]float32, 5)
				name := "ScatterRowsF32" + k.isa
				p := func() (p any) {
					defer func() { p = recover() }()
					if f16 {
						name = "ScatterRowsF16" + k.isa
						k.f16(acc, c.idx, make([]uint16, nw), c.start, c.rows)
					} else {
						k.f32(acc, c.idx, make([]float32, nw), c.start, c.rows)
					}
					return nil
				}()
				msg := fmt.Sprint(p)
				if !strings.HasPrefix(msg, "asm."+name+": ") || !strings.Contains(msg, c.want) {
					t.Errorf("%s, %s: panic %q, want one with %q", c.name, name, msg, c.want)
				}
				if slices.ContainsFunc(acc, func(v float32) bool { return v != 0 }) {
					t.Errorf("%s, %s: wrote %v before panicking", c.name, name, acc)
				}
			}
		}
	}
}

// TestScatterRowsIndices: the check of the indices, several at a time by
// their maximum, the last ones of a row together (AVX2: by a masked load;
// NEON: one at a time), finds a bad one (past acc, or
// negative) at every place in rows of every length to 20, in the first row
// or the second, and accepts rows without weights whatever len(acc).
func TestScatterRowsIndices(t *testing.T) {
	for _, k := range rowScatters(t) {
		for n := 1; n <= 20; n++ {
			for bad := range 2 * n {
				for _, v := range []int32{int32(n), -1, math.MinInt32} {
					idx := make([]int32, 2*n)
					for i := range idx {
						idx[i] = int32(i % n)
					}
					idx[bad] = v
					acc := make([]float32, n)
					p := func() (p any) {
						defer func() { p = recover() }()
						k.f32(acc, idx, make([]float32, 2*n), []int32{0, int32(n), int32(2 * n)}, []int{0, 1})
						return nil
					}()
					if msg := fmt.Sprint(p); !strings.Contains(msg, fmt.Sprintf("idx[%d] = %d", bad, v)) {
						t.Fatalf("%s n=%d, idx[%d] = %d: panic %q", k.isa, n, bad, v, msg)
					}
					if slices.ContainsFunc(acc, func(v float32) bool { return v != 0 }) {
						t.Fatalf("%s n=%d, idx[%d] = %d: wrote before panicking", k.isa, n, bad, v)
					}
				}
			}
		}
		for _, rows := range [][]int{nil, {0}, {0, 1, 0}} {
			k.f16(nil, []int32{5}, []uint16{1}, []int32{0, 0, 0}, rows) // rows of no weight
			k.f32([]float32{}, nil, nil, []int32{0, 0}, rows[:min(len(rows), 1)])
		}
	}
}

// sameBits32 compares two float32 slices bit for bit, a NaN equal to any
// NaN (which of two NaNs a sum keeps, IEEE 754 leaves open, and Go's
// compiler picks the order of a scalar loop's operands).
func sameBits32(a, b []float32) bool {
	return sameBits(reflect.ValueOf(a), reflect.ValueOf(b))
}
