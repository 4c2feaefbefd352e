package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/cpuid/v2"
	"github.com/viterin/vek/vek32"
	"github.com/x448/float16"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sparkgo/spark/vec"
)

// TestVekAccelerated: where the CPU has AVX2 and FMA, vek32 runs its
// assembly (it picks it by itself), and the peers' label says so.
func TestVekAccelerated(t *testing.T) {
	simd := runtime.GOARCH == "amd64" && runtime.GOOS != "darwin" && cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3)
	if got := strings.HasPrefix(vekLabel(), "vek32 AVX2+FMA"); got != simd {
		t.Errorf("vek label %q, CPU with AVX2 and FMA on amd64: %v", vekLabel(), simd)
	}
}

// TestVecPeersSameWork: every peer of the vec rows computes what vec does,
// on small integers, whose sums are exact in any order.
func TestVecPeersSameWork(t *testing.T) {
	const rows, cols = 3, 70
	w := make([]float32, rows*cols)
	h := make([]float16.Float16, rows*cols)
	x := make([]float32, cols)
	for j := range w {
		w[j] = float32(j%7 - 3)
		h[j] = float16.Fromfloat32(w[j])
	}
	for j := range x {
		x[j] = float32(j%5 - 2)
	}
	want := vec.Dot(w[:cols], x)
	xv := blas32.Vector{N: cols, Inc: 1, Data: x}
	for name, got := range map[string]float32{
		"dotGo": dotGo(w[:cols], x), "dotF16Go": dotF16Go(h[:cols], x), "vec.DotF16": vec.DotF16(h[:cols], x),
		"vek32.Dot": vek32.Dot(w[:cols], x), "blas32.Dot": blas32.Dot(blas32.Vector{N: cols, Inc: 1, Data: w[:cols]}, xv),
	} {
		if got != want {
			t.Errorf("%s = %v, vec.Dot %v", name, got, want)
		}
	}

	y := make([]float32, rows)
	vec.MatVec(y, w, rows, cols, x)
	for name, mv := range map[string]func(y []float32){
		"matVecGo":      func(y []float32) { matVecGo(y, w, cols, x) },
		"matVecF16Go":   func(y []float32) { matVecF16Go(y, h, cols, x) },
		"vec.MatVecF16": func(y []float32) { vec.MatVecF16(y, h, rows, cols, x) },
		"blas32.Gemv": func(y []float32) {
			blas32.Gemv(blas.NoTrans, 1, blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: w}, xv, 0,
				blas32.Vector{N: rows, Inc: 1, Data: y})
		},
	} {
		got := make([]float32, rows)
		mv(got)
		for i := range y {
			if got[i] != y[i] {
				t.Errorf("%s: y[%d] = %v, vec.MatVec %v", name, i, got[i], y[i])
			}
		}
	}

	const a = 0.5
	ref, tmp := make([]float32, cols), make([]float32, cols)
	vec.Axpy(ref, a, x)
	for name, axpy := range map[string]func(y []float32){
		"axpyGo":      func(y []float32) { axpyGo(y, a, x) },
		"blas32.Axpy": func(y []float32) { blas32.Axpy(a, xv, blas32.Vector{N: cols, Inc: 1, Data: y}) },
		"vek32":       func(y []float32) { vek32.MulNumber_Into(tmp, x, a); vek32.Add_Inplace(y, tmp) },
	} {
		got := make([]float32, cols)
		axpy(got)
		for j := range got {
			if got[j] != ref[j] {
				t.Errorf("%s: y[%d] = %v, vec.Axpy %v", name, j, got[j], ref[j])
			}
		}
	}
}
