package main

import (
	"fmt"
	"runtime"

	"github.com/viterin/vek"
	"github.com/viterin/vek/vek32"
	"github.com/x448/float16"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/sparkgo/spark/f16"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/vec"
)

// The peers of package vec: its dot products, axpy and matrix-vector
// products against gonum's float32 BLAS (SSE assembly on amd64),
// viterin/vek's vek32 (AVX2 + FMA assembly where the CPU has both, which it
// picks by itself: vekLabel says which ran) and plain Go loops, in the same
// races as the rest of the peers table.
//
// At the L1 size a dot product is one row of 4096 (cfg.l1) weights; at the
// DRAM size it is the synaptic case, rows of 4096 weights each dotted
// against one shared x: the weights stream from memory, x stays in cache,
// and DotF16 reads half the weight bytes of Dot. DotF16's peers are the
// float32 peers on the same weights in float32, and a plain Go loop that
// converts each binary16 weight with x448/float16. MatVec and MatVecF16
// run the same weights at the DRAM size as one rows × 4096 matrix
// (4096 × 4096 at the default DRAM size), against gonum's Gemv and plain
// loops; and MatVecF16's bytes per second (weights, x and y) against the
// read bandwidth of the same run: vec.Sum over a readElems float32 array
// (256 MB: beyond the caches) and over an array of the f16 weights' bytes
// (the bandwidth at that size: the weights may fit a large L3).

// vekLabel names vek32's implementation: its AVX2 + FMA assembly, or its
// Go fallback where the CPU lacks either.
func vekLabel() string {
	if vek.Info().Acceleration {
		return "vek32 AVX2+FMA"
	}
	return "vek32 Go fallback (no AVX2+FMA)"
}

// vecSink keeps the peers' results alive.
var vecSink float32

// vecPeerContenders is how many contenders vecPeers races at one size
// (dot: 6, axpy: 4; at the DRAM size, matvec: 7).
func vecPeerContenders(dram bool) int {
	if dram {
		return 6 + 4 + 7
	}
	return 6 + 4
}

// vecPeers races vec (on path p) against its peers at n elements.
func (t *timer) vecPeers(cfg kernelConfig, p cpu.Path, n int, dram bool) []PeerRow {
	use := func() { cpu.Use(p) }
	cols := min(n, cfg.l1)
	rows := n / cols
	n = rows * cols
	perRep := t.perRep(dram, false)
	var out []PeerRow

	var w32, x, y, tmp []float32
	arrays(n, &w32, &y, &tmp)
	arrays(cols, &x)
	var w16 []float16.Float16
	halves(n, &w16)
	for i, u := range uniform(n) {
		w32[i] = 2*u - 1
	}
	f16.FromFloat32(w16, w32)
	f16.ToFloat32(w32, w16) // the same weights in both precisions
	for i, u := range uniform(cols) {
		x[i] = 4*u - 2
	}
	vk := vekLabel()
	shape := ""
	if rows > 1 {
		shape = fmt.Sprintf("%s rows × %s", count(rows), count(cols))
	}

	// Dot and DotF16.
	{
		row := func(i int) (int, int) { return i * cols, (i + 1) * cols }
		libDot := &contender{label: "vec.Dot " + p.String(), use: use, step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += vec.Dot(w32[a:b], x)
			}
		}}
		libF16 := &contender{label: "vec.DotF16 " + p.String(), use: use, step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += vec.DotF16(w16[a:b], x)
			}
		}}
		xv := blas32.Vector{N: cols, Inc: 1, Data: x}
		gonum := &contender{label: "gonum blas32.Dot, f32 weights", step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += blas32.Dot(blas32.Vector{N: cols, Inc: 1, Data: w32[a:b]}, xv)
			}
		}}
		vekC := &contender{label: vk + " Dot, f32 weights", step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += vek32.Dot(w32[a:b], x)
			}
		}}
		plain := &contender{label: "plain Go loop, f32 weights", step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += dotGo(w32[a:b], x)
			}
		}}
		plain16 := &contender{label: "plain Go loop, w[j].Float32() (x448)", step: func() {
			for i := range rows {
				a, b := row(i)
				vecSink += dotF16Go(w16[a:b], x)
			}
		}}
		t.race(fmt.Sprintf("dot n=%s", count(n)), perRep, libDot, libF16, gonum, vekC, plain, plain16)
		what := "one row"
		if rows > 1 {
			what = "rows of " + count(cols) + " · one shared x"
		}
		out = append(out, peerRows("vec Dot f32 (Σ w·x, "+what+")", n, shape, "vec.Dot", p, libDot, gonum, vekC, plain)...)
		out = append(out, peerRows("vec DotF16 (w binary16, x f32, "+what+")", n, shape, "vec.DotF16", p, libF16,
			gonum, vekC, plain, plain16)...)
	}

	// Axpy: y += a·x, float32, in place. vek has no axpy: its peer scales x
	// into a scratch array, then adds that to y (two passes).
	{
		const a = 0x1p-12 // y stays far from overflow
		lib := &contender{label: "vec.Axpy " + p.String(), use: use, step: func() { vec.Axpy(y, a, w32) }}
		xv, yv := blas32.Vector{N: n, Inc: 1, Data: w32}, blas32.Vector{N: n, Inc: 1, Data: y}
		gonum := &contender{label: "gonum blas32.Axpy", step: func() { blas32.Axpy(a, xv, yv) }}
		vekC := &contender{label: vk + " MulNumber_Into(t, x, a) + Add_Inplace(y, t)", step: func() {
			vek32.MulNumber_Into(tmp, w32, a)
			vek32.Add_Inplace(y, tmp)
		}}
		plain := &contender{label: "plain Go loop", step: func() { axpyGo(y, a, w32) }}
		t.race(fmt.Sprintf("axpy n=%s", count(n)), perRep, lib, gonum, vekC, plain)
		out = append(out, peerRows("vec Axpy f32 (y += a·x)", n, "", "vec.Axpy", p, lib, gonum, vekC, plain)...)
	}
	if !dram {
		return out
	}

	// MatVec and MatVecF16 of the same weights as a rows × cols matrix, and
	// the read bandwidth.
	{
		runtime.GC()
		var big, same []float32
		arrays(cfg.readElems, &big)
		arrays(n/2, &same) // the f16 weights' bytes
		for i := range big {
			big[i] = 1
		}
		for i := range same {
			same[i] = 1
		}
		mv := &contender{label: "vec.MatVec " + p.String(), use: use, step: func() { vec.MatVec(y[:rows], w32, rows, cols, x) }}
		mv16 := &contender{label: "vec.MatVecF16 " + p.String(), use: use, step: func() { vec.MatVecF16(y[:rows], w16, rows, cols, x) }}
		g := blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: w32}
		xv, yv := blas32.Vector{N: cols, Inc: 1, Data: x}, blas32.Vector{N: rows, Inc: 1, Data: tmp[:rows]}
		gonum := &contender{label: "gonum blas32.Gemv, f32 weights", step: func() { blas32.Gemv(blas.NoTrans, 1, g, xv, 0, yv) }}
		plain := &contender{label: "plain Go loop, f32 weights", step: func() { matVecGo(tmp[:rows], w32, cols, x) }}
		plain16 := &contender{label: "plain Go loop, w[j].Float32() (x448)", step: func() { matVecF16Go(tmp[:rows], w16, cols, x) }}
		readBig := &contender{label: fmt.Sprintf("vec.Sum %s over %s", p, fmtSize(4*len(big))), use: use,
			step: func() { vecSink += vec.Sum(big) }}
		readSame := &contender{label: fmt.Sprintf("vec.Sum %s over %s", p, fmtSize(4*len(same))), use: use,
			step: func() { vecSink += vec.Sum(same) }}
		t.race(fmt.Sprintf("matvec %s", shape), perRep, mv, mv16, gonum, plain, plain16, readBig, readSame)
		mshape := fmt.Sprintf("%s × %s", count(rows), count(cols))
		out = append(out, peerRows("vec MatVec f32 "+mshape+" (y = W·x)", n, mshape, "vec.MatVec", p, mv, gonum, plain)...)
		out = append(out, peerRows("vec MatVecF16 "+mshape+" (W binary16, x f32)", n, mshape, "vec.MatVecF16", p, mv16,
			gonum, plain, plain16)...)
		// Bytes per second: MatVecF16 moves its weights, x and y; a sum
		// reads its array.
		mvBytes := float64(2*n + 4*cols + 4*rows)
		for _, r := range []*contender{readBig, readSame} {
			row := PeerRow{Operation: "vec MatVecF16 " + mshape + " GB/s (w, x, y) vs one-thread read",
				N: n, Shape: mshape, Unit: "bytes", Library: "vec.MatVecF16, " + p.String(), LibraryNs: mv16.ns(),
				Peer: "read: " + r.label, PeerNs: r.ns()}
			if row.LibraryNs > 0 && row.PeerNs > 0 {
				row.LibraryPerS = mvBytes / row.LibraryNs * 1e9
				elems := len(big)
				if r == readSame {
					elems = len(same)
				}
				row.PeerPerS = 4 * float64(elems) / row.PeerNs * 1e9
				row.Speedup = row.LibraryPerS / row.PeerPerS
				row.PctOfPeer = 100 * row.Speedup
			}
			out = append(out, row)
		}
	}
	return out
}

// fmtSize formats bytes as 256 MB, 32 KB.
func fmtSize(b int) string {
	if b >= 1<<20 {
		return fmt.Sprintf("%d MB", b>>20)
	}
	return fmt.Sprintf("%d KB", b>>10)
}

// dotGo is a dot product as a plain Go loop, in increasing j.
func dotGo(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	for j := range x {
		s += x[j] * y[j]
	}
	return s
}

// dotF16Go is dotGo of binary16 weights, each converted by x448/float16.
func dotF16Go(w []float16.Float16, x []float32) float32 {
	x = x[:len(w)]
	var s float32
	for j := range w {
		s += w[j].Float32() * x[j]
	}
	return s
}

func axpyGo(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	for j := range y {
		y[j] += a * x[j]
	}
}

func matVecGo(y, w []float32, cols int, x []float32) {
	for i := range y {
		y[i] = dotGo(w[i*cols:(i+1)*cols], x)
	}
}

func matVecF16Go(y []float32, w []float16.Float16, cols int, x []float32) {
	for i := range y {
		y[i] = dotF16Go(w[i*cols:(i+1)*cols], x)
	}
}
