package ckpt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// pop is a population as the tests checkpoint it.
type pop struct {
	v   []float32
	r   []uint16
	idx []int32
	w   []uint64
}

func newPop(n int) *pop {
	p := &pop{v: make([]float32, n), r: make([]uint16, n), idx: make([]int32, n/2), w: make([]uint64, 3)}
	for i := range n {
		p.v[i] = float32(i) * 0.25
		p.r[i] = uint16(i * 7)
	}
	for i := range p.idx {
		p.idx[i] = int32(2 * i)
	}
	p.w[0], p.w[2] = math.MaxUint64, 1
	return p
}

func header(n int) Header {
	return Header{Kind: "test.Pop", Dt: 0.1, Params: []Param{
		Int("units", n), Values("tau", []float32{20}), Values("rest", []float32{-60, -61, -62}), Flag("sparse", true)}}
}

func (p *pop) arrays(idx *[]int32) []Array {
	return []Array{Of("v", p.v), Of("r", p.r), Var("idx", idx, len(p.v)), Of("w", p.w)}
}

func (p *pop) write(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := Write(&b, header(len(p.v)), p.arrays(&p.idx)...)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("Write: %d bytes, %v; the buffer holds %d", n, err, b.Len())
	}
	if m := Marshal(header(len(p.v)), p.arrays(&p.idx)...); !bytes.Equal(m, b.Bytes()) {
		t.Fatal("Marshal and Write differ")
	}
	return b.Bytes()
}

// read reads rec into a fresh population of n units and returns it, with
// its idx as Read left it.
func read(rec []byte, n int, h Header) (*pop, int64, error) {
	q := &pop{v: make([]float32, n), r: make([]uint16, n), w: make([]uint64, 3)}
	var idx []int32
	m, err := Read(bytes.NewReader(rec), h, nil, q.arrays(&idx)...)
	if err == nil {
		q.idx = idx
	}
	return q, m, err
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 7, 64, 1000, 40000} {
		p := newPop(n)
		rec := p.write(t)
		q, m, err := read(rec, n, header(n))
		if err != nil || m != int64(len(rec)) {
			t.Fatalf("n=%d: Read: %d of %d bytes, %v", n, m, len(rec), err)
		}
		if !slices.Equal(p.v, q.v) || !slices.Equal(p.r, q.r) || !slices.Equal(p.idx, q.idx) || !slices.Equal(p.w, q.w) {
			t.Fatalf("n=%d: restored state differs", n)
		}
	}
}

// TestLayout checks the bytes of a small record against the format the
// package documents.
func TestLayout(t *testing.T) {
	h := Header{Kind: "k", Dt: 2, Params: []Param{Int("units", 3)}}
	rec := Marshal(h, Of("v", []float32{1, -2}))
	want := []byte("SPARKCKP")
	want = binary.LittleEndian.AppendUint32(want, 1)
	var body []byte
	body = binary.LittleEndian.AppendUint32(body, 1)
	body = append(body, 'k')
	body = binary.LittleEndian.AppendUint64(body, math.Float64bits(2))
	body = binary.LittleEndian.AppendUint32(body, 1)
	body = binary.LittleEndian.AppendUint32(body, 5)
	body = append(body, "units"...)
	body = binary.LittleEndian.AppendUint64(body, 1)
	body = binary.LittleEndian.AppendUint64(body, math.Float64bits(3))
	body = binary.LittleEndian.AppendUint64(body, 0)
	body = binary.LittleEndian.AppendUint32(body, 1)
	body = binary.LittleEndian.AppendUint32(body, 1)
	body = append(body, 'v', 1)
	body = binary.LittleEndian.AppendUint64(body, 2)
	body = binary.LittleEndian.AppendUint32(body, math.Float32bits(1))
	body = binary.LittleEndian.AppendUint32(body, math.Float32bits(-2))
	want = binary.LittleEndian.AppendUint64(want, uint64(len(body)))
	want = append(want, body...)
	want = binary.LittleEndian.AppendUint32(want, crc32.Checksum(want, crc32.MakeTable(crc32.Castagnoli)))
	if !bytes.Equal(rec, want) {
		t.Fatalf("record\n%x\nwant\n%x", rec, want)
	}
}

func TestDigest(t *testing.T) {
	// FNV-1a 64 of the little-endian bits of 1.0f (0x3f800000).
	h := uint64(0xcbf29ce484222325)
	for _, b := range []byte{0, 0, 0x80, 0x3f} {
		h ^= uint64(b)
		h *= 0x100000001b3
	}
	if p := Values("x", []float32{1}); p.Digest != h || p.Count != 1 || p.Value != 1 {
		t.Fatalf("Values = %+v, want digest %#x", p, h)
	}
	ps := Params(map[string][]float32{"b": {1}, "a": {1, 2}})
	if len(ps) != 2 || ps[0].Name != "a" || ps[1].Name != "b" || ps[0].Value != 0 || ps[0].Count != 2 {
		t.Fatalf("Params = %+v", ps)
	}
}

// TestConcatenated reads records written one after another to one stream.
func TestConcatenated(t *testing.T) {
	a, b := newPop(10), newPop(100)
	var s bytes.Buffer
	s.Write(a.write(t))
	s.Write(b.write(t))
	r := bytes.NewReader(s.Bytes())
	for _, p := range []*pop{a, b} {
		n := len(p.v)
		q := &pop{v: make([]float32, n), r: make([]uint16, n), w: make([]uint64, 3)}
		if _, err := Read(r, header(n), nil, q.arrays(&q.idx)...); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.v, q.v) || !slices.Equal(p.idx, q.idx) {
			t.Fatal("restored state differs")
		}
	}
	if _, err := Read(r, header(1), nil); err != io.EOF {
		t.Fatalf("Read at the end of the stream: %v, want io.EOF", err)
	}
}

// TestRefused checks that each mismatch is refused with a message naming it,
// and that the population is left as it was.
func TestRefused(t *testing.T) {
	const n = 64
	rec := newPop(n).write(t)
	mod := func(f func(h *Header)) Header { h := header(n); f(&h); return h }
	for _, c := range []struct {
		h    Header
		n    int
		want string
	}{
		{mod(func(h *Header) { h.Kind = "test.Other" }), n, "a checkpoint of test.Pop, not of test.Other"},
		{mod(func(h *Header) { h.Dt = 0.2 }), n, "time step 0.1 ms in the checkpoint, 0.2 ms here"},
		{mod(func(h *Header) { h.Params[0] = Int("units", 65) }), n, "units = 64 in the checkpoint, 65 here"},
		{mod(func(h *Header) { h.Params[1] = Values("tau", []float32{10}) }), n, "tau = 20 in the checkpoint, 10 here"},
		{mod(func(h *Header) { h.Params[2] = Values("rest", []float32{-60, -61}) }), n, "rest has 3 values in the checkpoint, 2 here"},
		{mod(func(h *Header) { h.Params[2] = Values("rest", []float32{-60, -61, -63}) }), n, "rest: the checkpoint's 3 values differ"},
		{mod(func(h *Header) { h.Params[3] = Flag("sparse", false) }), n, "sparse = 1 in the checkpoint, 0 here"},
		{mod(func(h *Header) { h.Params = append(h.Params, Flag("async", false)) }), n, "the checkpoint has no async"},
		{mod(func(h *Header) { h.Params = h.Params[:3] }), n, "the checkpoint has a sparse, which this population has not"},
		{header(n), n + 1, "array v has 64 elements in the checkpoint, 65 here"},
	} {
		h := c.h
		q := &pop{v: make([]float32, c.n), r: make([]uint16, c.n), w: make([]uint64, 3)}
		var idx []int32
		_, err := Read(bytes.NewReader(rec), h, nil, q.arrays(&idx)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Read: %v", c.want, err)
		}
		if slices.ContainsFunc(q.v, func(x float32) bool { return x != 0 }) {
			t.Errorf("%q: a refused record changed the state", c.want)
		}
	}
	// Arrays of another name, type or number.
	q := newPop(n)
	for _, c := range []struct {
		arrays []Array
		want   string
	}{
		{[]Array{Of("v", q.v)}, "4 arrays in the checkpoint, 1 here"},
		{[]Array{Of("x", q.v), Of("r", q.r), Of("idx", q.idx), Of("w", q.w)}, `array 0 is "v" in the checkpoint, "x" here`},
		{[]Array{Of("v", q.r), Of("r", q.r), Of("idx", q.idx), Of("w", q.w)}, "array v holds float32 in the checkpoint, uint16 here"},
		{[]Array{Of("v", q.v), Of("r", q.r), Var("idx", &q.idx, 31), Of("w", q.w)}, "array idx has 32 elements in the checkpoint, at most 31 here"},
	} {
		if _, err := Read(bytes.NewReader(rec), header(n), nil, c.arrays...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Read: %v", c.want, err)
		}
	}
	// The caller's check runs before anything is committed.
	p := &pop{v: make([]float32, n), r: make([]uint16, n), w: make([]uint64, 3)}
	var idx []int32
	boom := errors.New("boom")
	if _, err := Read(bytes.NewReader(rec), header(n), func() error { return boom }, p.arrays(&idx)...); err != boom {
		t.Errorf("Read with a failing check: %v", err)
	}
	if slices.ContainsFunc(p.v, func(x float32) bool { return x != 0 }) {
		t.Error("a failing check let the state change")
	}
	// Another format or version.
	bad := slices.Clone(rec)
	bad[0] = 'X'
	if _, _, err := read(bad, n, header(n)); err == nil || !strings.Contains(err.Error(), "not a checkpoint") {
		t.Errorf("bad magic: %v", err)
	}
	bad = slices.Clone(rec)
	bad[8] = 2
	if _, _, err := read(bad, n, header(n)); err == nil || !strings.Contains(err.Error(), "format version 2; this library reads version 1") {
		t.Errorf("version 2: %v", err)
	}
	// Unmarshal wants exactly one record.
	if err := Unmarshal(append(slices.Clone(rec), 0), header(n), nil, q.arrays(&q.idx)...); err == nil || !strings.Contains(err.Error(), "1 bytes follow the record") {
		t.Errorf("Unmarshal with a trailing byte: %v", err)
	}
	if err := Unmarshal(nil, header(n), nil, q.arrays(&q.idx)...); err != io.ErrUnexpectedEOF {
		t.Errorf("Unmarshal(nil): %v", err)
	}
}

// TestTruncatedAndCorrupt cuts a record at every byte and flips every bit
// of it: each is refused, and leaves the population as it was.
func TestTruncatedAndCorrupt(t *testing.T) {
	const n = 20
	p := newPop(n)
	rec := p.write(t)
	check := func(what string, rec []byte) {
		t.Helper()
		q, _, err := read(rec, n, header(n))
		if err == nil {
			t.Fatalf("%s: accepted", what)
		}
		if slices.ContainsFunc(q.v, func(x float32) bool { return x != 0 }) || q.idx != nil {
			t.Fatalf("%s: %v, and the state changed", what, err)
		}
	}
	for k := range len(rec) {
		check("cut at "+itoa(k), rec[:k])
	}
	for k := range 8 * len(rec) {
		bad := slices.Clone(rec)
		bad[k/8] ^= 1 << (k % 8)
		check("bit "+itoa(k)+" flipped", bad)
	}
	// A body length beyond the stream, and lengths beyond the body, fail
	// without allocating what they claim.
	bad := slices.Clone(rec)
	binary.LittleEndian.PutUint64(bad[12:], math.MaxUint64)
	check("huge body", bad)
	allocs := testing.AllocsPerRun(1, func() {
		q := &pop{v: make([]float32, n), r: make([]uint16, n), w: make([]uint64, 3)}
		var idx []int32
		Read(bytes.NewReader(bad), header(n), nil, Of("v", q.v), Of("r", q.r), Var("idx", &idx, math.MaxInt))
	})
	if allocs > 100 {
		t.Errorf("%v allocations reading a corrupt record", allocs)
	}
}

func itoa(k int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + k%10)}, b...)
		if k /= 10; k == 0 {
			return string(b)
		}
	}
}

func TestSwap(t *testing.T) {
	b := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	swap(b, 4)
	if !bytes.Equal(b, []byte{4, 3, 2, 1, 8, 7, 6, 5}) {
		t.Fatalf("swap = %v", b)
	}
	swap(b, 2)
	if !bytes.Equal(b, []byte{3, 4, 1, 2, 7, 8, 5, 6}) {
		t.Fatalf("swap = %v", b)
	}
}

// TestWriteError passes on the writer's error.
func TestWriteError(t *testing.T) {
	p := newPop(100000)
	w := &failing{after: 1000}
	if _, err := Write(w, header(len(p.v)), p.arrays(&p.idx)...); err != errFail {
		t.Fatalf("Write to a failing writer: %v", err)
	}
}

var errFail = errors.New("disk full")

type failing struct{ after int }

func (f *failing) Write(b []byte) (int, error) {
	if len(b) > f.after {
		return f.after, errFail
	}
	f.after -= len(b)
	return len(b), nil
}
