package vec

import (
	"math"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/testutil"
)

// FuzzKernels runs every function of the package on every path against
// internal/ref: inputs of any length up to 1100 at any misalignment, raw
// float32 and binary16 bits (NaN, ±Inf, subnormals), spike bits of a
// fuzzed density (bits past the length set too), and a matrix of the
// fuzzed shape. Sums must give the reference's bits (any NaN matching any
// NaN), element-wise kernels likewise, element by element.
func FuzzKernels(f *testing.F) {
	for _, n := range []uint16{0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 300, 1100} {
		f.Add(n, uint8(n%4), uint8(n%9), uint64(n)*3+1, []byte(nil))
	}
	var data []byte
	for k := range 60 {
		data = append(data, testutil.SpecialValue(k)...)
	}
	f.Add(uint16(60), uint8(1), uint8(2), uint64(9), data)
	f.Fuzz(func(t *testing.T, length uint16, off, density uint8, seed uint64, data []byte) {
		src := testutil.NewFuzzSource(seed, data)
		n, o := int(length)%1101, int(off)%4
		x, y := at[float32](n, o), at[float32](n, 3-o)
		w := at[float16.Float16](n, o)
		for j := range n {
			x[j], y[j] = src.Value(-100, 100), src.Value(-100, 100)
			w[j] = float16.Frombits(src.U16())
		}
		a := src.Value(-4, 4)
		s := spark.NewSpikes(n)
		for k := range s {
			word := src.U64()
			for range density % 10 { // each AND halves the density
				word &= src.U64()
			}
			s[k] = word
		}
		rows, cols := 0, 0
		if n > 0 {
			cols = 1 + int(seed%uint64(min(n, 67)))
			rows = n / cols
		}
		for _, k := range paths() {
			using(t, k)
			check := func(what string, got, want float32) {
				t.Helper()
				if !sameBits(got, want) {
					t.Fatalf("path %s n=%d off=%d: %s = %#08x, reference %#08x", k.name, n, o, what, math.Float32bits(got), math.Float32bits(want))
				}
			}
			check("Dot", Dot(x, y), ref.Dot(x, y))
			check("DotF16", DotF16(w, y), ref.DotF16(w, y))
			check("Sum", Sum(x), ref.Sum(x))
			check("MaskedSum", MaskedSum(x, s), ref.MaskedSumOf(x, s))
			check("MaskedSumF16", MaskedSumF16(w, s), ref.MaskedSumF16(w, s))
			gotM, wantM := make([]float32, rows), make([]float32, rows)
			MatVec(gotM, x[:rows*cols], rows, cols, y[:cols])
			ref.MatVec(wantM, x[:rows*cols], rows, cols, y[:cols])
			for i := range gotM {
				check("MatVec", gotM[i], wantM[i])
			}
			MatVecF16(gotM, w[:rows*cols], rows, cols, y[:cols])
			ref.MatVecF16(wantM, w[:rows*cols], rows, cols, y[:cols])
			for i := range gotM {
				check("MatVecF16", gotM[i], wantM[i])
			}
			// The rows of the matrix against spike rows of their own
			// (as many as s holds: its words cut into rows).
			if words := spark.SpikeWords(cols); rows > 0 && len(s) >= rows*words {
				xs := s[:rows*words]
				MaskedSums(gotM, x[:rows*cols], rows, cols, xs)
				for i := range gotM {
					check("MaskedSums", gotM[i], ref.MaskedSumOf(x[i*cols:(i+1)*cols], xs[i*words:(i+1)*words]))
				}
				MaskedSumsF16(gotM, w[:rows*cols], rows, cols, xs)
				for i := range gotM {
					check("MaskedSumsF16", gotM[i], ref.MaskedSumF16(w[i*cols:(i+1)*cols], xs[i*words:(i+1)*words]))
				}
			}
			for _, c := range []struct {
				name     string
				got, ref func(d []float32)
			}{
				{"Axpy", func(d []float32) { Axpy(d, a, x) }, func(d []float32) { ref.Axpy(d, a, x) }},
				{"AxpyF16", func(d []float32) { AxpyF16(d, a, w) }, func(d []float32) { ref.AxpyF16(d, a, w) }},
				{"Scale", func(d []float32) { Scale(d, a) }, func(d []float32) { ref.Scale(d, a) }},
				{"Add", func(d []float32) { Add(d, x) }, func(d []float32) { ref.Add(d, x) }},
				{"AddF16", func(d []float32) { AddF16(d, w) }, func(d []float32) { ref.AddF16(d, w) }},
				{"Select", func(d []float32) { Select(d, x, s) }, func(d []float32) { ref.Select(d, x, s) }},
				{"SelectF16", func(d []float32) { SelectF16(d, w, s) }, func(d []float32) { ref.SelectF16(d, w, s) }},
			} {
				got, want := append([]float32(nil), y...), append([]float32(nil), y...)
				c.got(got)
				c.ref(want)
				for j := range got {
					check(c.name, got[j], want[j])
				}
			}
		}
	})
}
