package asm

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestApart: a trace's kernel, and Exp, whose doc says out must not be x,
// or may be x itself but not overlap it otherwise, panic before writing
// anything when out overlaps x by part of an element or more against that
// rule; where out may be x, the very same slice gives the bits of separate
// slices.
func TestApart(t *testing.T) {
	r := rng(0xa9a)
	const n = 128
	count := 0
	for _, k := range kernels() {
		ix := slices.IndexFunc(k.args, func(a arg) bool { return a.name == "x" })
		iout := slices.IndexFunc(k.args, func(a arg) bool { return a.name == "out" })
		if !k.runs() || !k.blocks || ix < 0 || iout < 0 {
			continue
		}
		count++
		same := mayBeX(k)
		t.Run(k.name, func(t *testing.T) {
			for _, shift := range []int{-4 * n, -4*n + 4, -4, 0, 4, 2 * n, 4*n - 4, 4 * n} { // bytes from x's start to out's
				adjacent := shift == -4*n || shift == 4*n
				if shift == 0 && same {
					continue
				}
				c := newCall(k, n, true, nil, plain, &r)
				buf := make([]float32, 3*n)
				x := buf[n : 2*n]
				out := unsafe.Slice((*float32)(unsafe.Add(unsafe.Pointer(&x[0]), shift)), n)
				copy(x, c.args[ix].Interface().([]float32))
				c.args[ix], c.args[iout] = reflect.ValueOf(x), reflect.ValueOf(out)
				before := bytesOf(reflect.ValueOf(slices.Clone(buf)))
				got := c.run()
				if adjacent {
					if got != nil {
						t.Fatalf("out just %s x: panic %v", map[bool]string{true: "before", false: "after"}[shift < 0], got)
					}
					continue
				}
				msg, _ := got.(string)
				if !strings.HasPrefix(msg, "asm."+k.name+": out and x overlap: ") {
					t.Fatalf("out %+d bytes from x: panic %v, want one naming asm.%s and the overlap", shift, got, k.name)
				}
				if !slices.Equal(bytesOf(reflect.ValueOf(buf)), before) {
					t.Fatalf("out %+d bytes from x: the kernel panicked after writing", shift)
				}
			}
			if !same {
				return
			}
			a := newCall(k, n, true, nil, plain, &r)
			b := &call{k: k, args: slices.Clone(a.args)}
			for i, v := range a.args {
				if v.Kind() == reflect.Slice {
					b.args[i] = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(b.args[i], v)
				}
			}
			b.args[iout] = b.args[ix]
			if p := a.run(); p != nil {
				t.Fatal(p)
			}
			if p := b.run(); p != nil {
				t.Fatalf("out = x: panic %v", p)
			}
			for i := range a.args {
				if i != ix && a.args[i].Kind() == reflect.Slice && !sameBits(a.args[i], b.args[i]) {
					t.Errorf("out = x: %s differs from the call with separate slices", k.args[i].name)
				}
			}
		})
	}
	if count == 0 && hasAVX2 {
		t.Error("no kernel with out and x")
	}
}

// mayBeX reports whether k's doc lets out be x itself: Exp, and a trace's
// kernel that neither adds to out nor drains x.
func mayBeX(k kernel) bool {
	name := k.name
	for _, s := range []string{"AVX2", "AVX512", "NEON", "Uniform"} {
		name = strings.TrimSuffix(name, s)
	}
	return name == "Exp" || strings.HasSuffix(name, "Tracer")
}
