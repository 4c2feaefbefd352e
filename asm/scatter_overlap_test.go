package asm

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark/internal/testutil"
)

// rowsValid is the Go oracle of the rules of a scatter of rows.
func rowsValid(nacc int, idx []int32, nw int, start []int32, rows []int) bool {
	n := min(len(idx), nw)
	for _, j := range rows {
		if j < 0 || j >= len(start)-1 {
			return false
		}
		lo, hi := start[j], start[j+1]
		if lo < 0 || lo > hi || int(hi) > n {
			return false
		}
		for _, i := range idx[lo:hi] {
			if i < 0 || int(i) >= nacc {
				return false
			}
		}
	}
	return true
}

// TestScatterRowsAdversarial: random hostile arguments (offsets
// negative, past idx or w, decreasing; rows out of range or with the top
// bit set; indices past acc or negative; acc empty; len(w) ≠ len(idx)),
// every slice against a guard page: the kernel panics exactly when the
// oracle refuses, writes nothing then, touches nothing outside its
// slices, and otherwise gives the scalar loop's bits.
func TestScatterRowsAdversarial(t *testing.T) {
	if ok, why := testutil.GuardPages(); !ok {
		t.Skip(why)
	}
	const maxN = 64
	accR := testutil.NewRegion[float32](t, maxN)
	idxR := testutil.NewRegion[int32](t, maxN)
	w32R := testutil.NewRegion[float32](t, maxN)
	w16R := testutil.NewRegion[uint16](t, maxN)
	startR := testutil.NewRegion[int32](t, maxN)
	rowsR := testutil.NewRegion[int](t, maxN)
	half := func(h uint16) float32 { return float16.Frombits(h).Float32() }
	f32 := func(x float32) float32 { return x }
	hostile := []int32{-1, math.MinInt32, math.MaxInt32, -2, 1 << 30}
	for _, k := range rowScatters(t) {
		r := rng(0xad17)
		valid, refused := 0, 0
		for trial := range 20000 {
			nacc := r.Intn(12)
			nidx := r.Intn(24)
			nw := nidx
			if r.Intn(4) == 0 {
				nw = r.Intn(24)
			}
			idx := make([]int32, nidx)
			for i := range idx {
				idx[i] = int32(r.Intn(max(nacc, 1)))
				if r.Intn(40) == 0 {
					idx[i] = []int32{int32(nacc), -1, math.MinInt32, math.MaxInt32}[r.Intn(4)]
				}
			}
			nstart := r.Intn(8)
			start := make([]int32, nstart)
			at := 0
			for j := range start {
				start[j] = int32(min(at, nidx))
				at += r.Intn(6)
				if r.Intn(30) == 0 {
					start[j] = hostile[r.Intn(len(hostile))]
				}
				if r.Intn(30) == 0 {
					start[j] = int32(nidx + 1 + r.Intn(3))
				}
			}
			rows := make([]int, r.Intn(8))
			for i := range rows {
				rows[i] = r.Intn(max(nstart-1, 1))
				if r.Intn(40) == 0 {
					rows[i] = []int{nstart - 1, nstart, -1, math.MinInt, math.MaxInt, math.MaxInt/2 + 1}[r.Intn(6)]
				}
			}
			acc := make([]float32, nacc)
			for i := range acc {
				acc[i] = float32(r.Intn(100))
			}
			w32 := make([]float32, nw)
			w16 := make([]uint16, nw)
			for i := range w32 {
				w32[i] = float32(r.Intn(100)) - 50
				w16[i] = float16.Fromfloat32(w32[i]).Bits()
			}
			ok := rowsValid(nacc, idx, nw, start, rows)
			if ok {
				valid++
			} else {
				refused++
			}
			for _, f16 := range []bool{false, true} {
				a := accR.Copy(acc, testutil.Placement(r.Intn(2)))
				ix := idxR.Copy(idx, testutil.Placement(r.Intn(2)))
				st := startR.Copy(start, testutil.Placement(r.Intn(2)))
				rw := rowsR.Copy(rows, testutil.Placement(r.Intn(2)))
				want := slices.Clone(acc)
				name, call := "ScatterRowsF32"+k.isa, func() {}
				if f16 {
					name = "ScatterRowsF16" + k.isa
					w := w16R.Copy(w16, testutil.Placement(r.Intn(2)))
					call = func() { k.f16(a, ix, w, st, rw) }
					if ok {
						scatterRowsRef(want, idx, w16, start, rows, half)
					}
				} else {
					w := w32R.Copy(w32, testutil.Placement(r.Intn(2)))
					call = func() { k.f32(a, ix, w, st, rw) }
					if ok {
						scatterRowsRef(want, idx, w32, start, rows, f32)
					}
				}
				var p any
				fault := testutil.CatchFault(func() {
					p = func() (p any) {
						defer func() { p = recover() }()
						call()
						return nil
					}()
				})
				where := fmt.Sprintf("%s trial %d acc %d idx %v nw %d start %v rows %v", name, trial, nacc, idx, nw, start, rows)
				if fault != nil {
					t.Fatalf("%s: fault %v", where, fault)
				}
				switch {
				case ok && p != nil:
					t.Fatalf("%s: panic %v on a valid call", where, p)
				case !ok && p == nil:
					t.Fatalf("%s: no panic on an invalid call", where)
				case !ok && !strings.HasPrefix(fmt.Sprint(p), "asm."+name+": "):
					t.Fatalf("%s: panic %v", where, p)
				}
				if !sameBits32(a, want) {
					t.Fatalf("%s: acc %v, want %v", where, a, want)
				}
			}
		}
		t.Logf("%s: %d valid, %d refused", k.isa, valid, refused)
	}
}

// TestScatterOverlap: the float32 scatters load several weights before
// they add the first, so that accumulators overlapping the weights (two
// subslices of one array, which safe Go allows) would not get the scalar
// loop's bits, which their docs promise: they refuse such a call, naming
// the kernel and the overlap, before they write anything.
func TestScatterOverlap(t *testing.T) {
	type kernel struct {
		name string
		runs bool
		f    func(acc []float32, idx []int32, w []float32)
	}
	oneRow := func(f func(acc []float32, idx []int32, w []float32, start []int32, rows []int)) func([]float32, []int32, []float32) {
		return func(acc []float32, idx []int32, w []float32) { f(acc, idx, w, []int32{0, int32(len(idx))}, []int{0}) }
	}
	ks := []kernel{
		{"ScatterRowsF32AVX2", hasAVX2, oneRow(ScatterRowsF32AVX2)},
		{"ScatterRowsF32NEON", hasNEON, oneRow(ScatterRowsF32NEON)},
		{"ScatterAddF32AVX512", hasAVX512, ScatterAddF32AVX512},
		{"ScatterAddF32NEON", hasNEON, ScatterAddF32NEON},
	}
	ran := false
	for _, k := range ks {
		if !k.runs {
			continue
		}
		ran = true
		// buf[0:10] is acc, buf[4:12] is w: acc[4+k] is w[k]. The row adds
		// w[0] to acc[5] (= w[1]), then w[1] to acc[6], …: the scalar loop
		// would carry each sum into the next weight.
		buf := make([]float32, 12)
		for i := range buf {
			buf[i] = float32(i + 1)
		}
		before := slices.Clone(buf)
		p := func() (p any) {
			defer func() { p = recover() }()
			k.f(buf[0:10], []int32{5, 6, 7, 8}, buf[4:12])
			return nil
		}()
		if msg := fmt.Sprint(p); !strings.HasPrefix(msg, "asm."+k.name+": acc and w overlap") {
			t.Errorf("%s: acc overlapping w: panic %q, want one naming the overlap", k.name, msg)
		}
		if !slices.Equal(buf, before) {
			t.Errorf("%s: acc overlapping w: wrote %v before panicking", k.name, buf)
		}
	}
	if !ran {
		t.Skip("no float32 scatter in this build or CPU")
	}
}
