package asm

import (
	"slices"
	"strings"
	"testing"
)

// TestRawOverlap: the exported element-wise kernels whose written
// float32 slice and read float32 slice may overlap (Axpy, AddRowF32,
// SelectF32) document the scalar loop bit for bit. With the written slice
// one element past the read one, the loop carries each result into the
// next element (a prefix sum) and a vector kernel does not, so such a call
// must panic, naming the kernel, before it writes; the very same slice (an
// update in place) stays allowed.
func TestRawOverlap(t *testing.T) {
	const n = 64
	all := ^uint64(0)
	type kern struct {
		name string
		runs bool
		f    func(out, in []float32)
	}
	var ks []kern
	for _, isa := range []struct {
		name string
		runs bool
	}{{"AVX2", HasAVX2()}, {"AVX512", HasAVX512()}, {"NEON", HasNEON()}} {
		axpy := map[string]func([]float32, float32, []float32){"AVX2": AxpyAVX2, "AVX512": AxpyAVX512, "NEON": AxpyNEON}[isa.name]
		add := map[string]func([]float32, []float32){"AVX2": AddRowF32AVX2, "AVX512": AddRowF32AVX512, "NEON": AddRowF32NEON}[isa.name]
		sel := map[string]func([]float32, []float32, []uint64){"AVX2": SelectF32AVX2, "AVX512": SelectF32AVX512, "NEON": SelectF32NEON}[isa.name]
		ks = append(ks,
			kern{"Axpy" + isa.name, isa.runs, func(o, i []float32) { axpy(o, 1, i) }},
			kern{"AddRowF32" + isa.name, isa.runs, add},
			kern{"SelectF32" + isa.name, isa.runs, func(o, i []float32) { sel(o, i, []uint64{all}) }})
	}
	fresh := func() []float32 {
		b := make([]float32, n+1)
		for i := range b {
			b[i] = float32(i + 1)
		}
		return b
	}
	for _, k := range ks {
		if !k.runs {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			for _, c := range []struct {
				where   string
				out, in func(b []float32) []float32
			}{
				{"out one element after in", func(b []float32) []float32 { return b[1:] }, func(b []float32) []float32 { return b[:n] }},
				{"out one element before in", func(b []float32) []float32 { return b[:n] }, func(b []float32) []float32 { return b[1:] }},
			} {
				buf := fresh()
				before := slices.Clone(buf)
				p := func() (p any) {
					defer func() { p = recover() }()
					k.f(c.out(buf), c.in(buf))
					return nil
				}()
				msg, _ := p.(string)
				if !strings.HasPrefix(msg, "asm."+k.name+": ") || !strings.Contains(msg, "overlap") {
					t.Errorf("%s: panic %v, want one naming asm.%s and the overlap (results %v…, before %v…)", c.where, p, k.name, buf[:6], before[:6])
					continue
				}
				if !slices.Equal(buf, before) {
					t.Errorf("%s: written before the panic", c.where)
				}
			}
			// The very same slice: in place, the bits of separate slices.
			a, b := fresh(), fresh()
			k.f(a, slices.Clone(a))
			k.f(b, b)
			if !slices.Equal(a, b) {
				t.Errorf("in place: %v…, separate slices %v…", b[:6], a[:6])
			}
		})
	}
}
