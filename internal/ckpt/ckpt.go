// Package ckpt writes and reads the checkpoint records of every population of
// the library (somas, traces, synapses, spike sets), in the one format that
// docs/checkpoints.md documents:
//
//	magic    8 bytes  "SPARKCKP"
//	version  uint32   1
//	length   uint64   B, the bytes of the body
//	body     B bytes  kind, time step, parameters, arrays
//	crc      uint32   CRC-32C (Castagnoli) of the 20 bytes before the body and the body
//
// every integer and float little-endian. The body is
//
//	kind     string   the type, e.g. "soma.Leaky"
//	dt       float64  the time step (ms); 0 for a type without one
//	params   uint32 n, then n × param: what a population must match to take the record
//	arrays   uint32 n, then n × array: the state
//	param    string name, uint64 count, float64 value (the value when count = 1, else 0),
//	         uint64 digest (FNV-1a 64 of the count values' float32 bits, little-endian)
//	array    string name, uint8 type (1 float32, 2 uint16 or binary16, 3 int32, 4 uint64),
//	         uint64 length, then the elements
//	string   uint32 length, then the UTF-8 bytes
//
// A record is self-delimiting: Read reads exactly its bytes, so records
// written one after another to one stream are read back in the same order.
//
// Read is all or nothing: it reads every array into fresh memory and checks
// the whole record, its CRC included, before it writes any array it
// restores, so a record that does not fit leaves the population as it was.
package ckpt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"unsafe"
)

// Magic opens every record.
const Magic = "SPARKCKP"

// Version is the format version this package writes and the only one it
// reads.
const Version = 1

// prefix is the size of magic, version and body length.
const prefix = 8 + 4 + 8

// Limits on the strings and counts of a record, which no population of the
// library comes near: a corrupt record is refused before it allocates.
const (
	maxString = 256
	maxParams = 256
	maxArrays = 256
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Header is what a population must match to take a record: its type, time
// step and parameters (its shape, its configuration's values, flags of its
// layout).
type Header struct {
	Kind   string
	Dt     float64
	Params []Param
}

// Param is one value a population must match to take a record: a
// parameter's values summed up by their count, their value when there is
// one, and their digest.
type Param struct {
	Name   string
	Count  uint64
	Value  float64 // the value when Count = 1, else 0
	Digest uint64  // FNV-1a 64 of the values' float32 bits, little-endian
}

// Values returns the Param of a parameter with the values v.
func Values(name string, v []float32) Param {
	h := uint64(fnvOffset)
	for _, x := range v {
		b := math.Float32bits(x)
		for range 4 {
			h = (h ^ uint64(b&0xff)) * fnvPrime
			b >>= 8
		}
	}
	p := Param{Name: name, Count: uint64(len(v)), Digest: h}
	if len(v) == 1 {
		p.Value = float64(v[0])
	}
	return p
}

// The constants of FNV-1a 64.
const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
)

// Int returns the Param of a size or count n.
func Int(name string, n int) Param {
	return Param{Name: name, Count: 1, Value: float64(n)}
}

// Flag returns the Param of a flag of the layout.
func Flag(name string, on bool) Param {
	p := Param{Name: name, Count: 1}
	if on {
		p.Value = 1
	}
	return p
}

// Params returns the Params of a configuration's parameters by name,
// sorted by name.
func Params[P ~[]float32](params map[string]P) []Param {
	out := make([]Param, 0, len(params))
	for name, v := range params {
		out = append(out, Values(name, v))
	}
	slices.SortFunc(out, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Elem are the element types of an array.
type Elem interface {
	~float32 | ~uint16 | ~int32 | ~uint64
}

// Type is an array's element type, as the record writes it.
type Type uint8

const (
	Float32 Type = 1 // float32
	Uint16  Type = 2 // uint16 or binary16
	Int32   Type = 3 // int32
	Uint64  Type = 4 // uint64
)

func (t Type) String() string {
	switch t {
	case Float32:
		return "float32"
	case Uint16:
		return "uint16"
	case Int32:
		return "int32"
	case Uint64:
		return "uint64"
	}
	return fmt.Sprintf("type %d", uint8(t))
}

func (t Type) size() int {
	switch t {
	case Uint16:
		return 2
	case Uint64:
		return 8
	}
	return 4
}

func typeOf[E Elem]() Type {
	switch reflect.TypeFor[E]().Kind() {
	case reflect.Float32:
		return Float32
	case reflect.Uint16:
		return Uint16
	case reflect.Int32:
		return Int32
	}
	return Uint64
}

// Array is one named array of a record: written from a live slice, and
// read either into it (Of) or into a fresh slice the caller commits (Var).
type Array struct {
	Name string
	typ  Type
	n    int // the length written, and, for Of, the length read
	max  int // Var: the longest length read; −1 for Of
	// bytes returns the elements' memory.
	bytes func() []byte
	// read reads n elements into fresh memory and returns what copies them
	// into the live slice, or, for Var, sets the caller's slice and
	// returns nil.
	read func(r *reader, n int) (commit func(), err error)
}

// Of is an array of fixed length: the record's must have len(v) elements,
// which Read copies into v.
func Of[E Elem](name string, v []E) Array {
	return Array{Name: name, typ: typeOf[E](), n: len(v), max: -1,
		bytes: func() []byte { return asBytes(v) },
		read: func(r *reader, n int) (func(), error) {
			tmp := make([]E, n)
			if err := r.elems(asBytes(tmp), typeOf[E]()); err != nil {
				return nil, err
			}
			return func() { copy(v, tmp) }, nil
		}}
}

// Var is an array of variable length, at most most: Write writes *p; Read
// reads the record's into a fresh slice and sets *p to it before it
// returns, whether it then succeeds or not, so p must be the caller's own
// variable, which it commits once Read succeeds.
func Var[E Elem](name string, p *[]E, most int) Array {
	return Array{Name: name, typ: typeOf[E](), n: len(*p), max: most,
		bytes: func() []byte { return asBytes(*p) },
		read: func(r *reader, n int) (func(), error) {
			// Grow the slice as its bytes arrive, so that a corrupt length
			// fails at the end of the stream, not in an allocation.
			v := make([]E, 0, min(n, chunk))
			for len(v) < n {
				k := min(n-len(v), max(len(v), chunk))
				v = slices.Grow(v, k)
				if err := r.elems(asBytes(v[len(v):len(v)+k]), typeOf[E]()); err != nil {
					return nil, err
				}
				v = v[:len(v)+k]
			}
			*p = v
			return nil, nil
		}}
}

// asBytes returns the memory of v.
func asBytes[E Elem](v []E) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}

// bigEndian reports whether the host stores integers big-endian: the
// elements are then swapped to and from the record's little-endian order.
var bigEndian = binary.NativeEndian.Uint16([]byte{1, 0}) != 1

// swap reverses the bytes of each element of size n in b.
func swap(b []byte, n int) {
	for i := 0; i+n <= len(b); i += n {
		slices.Reverse(b[i : i+n])
	}
}

// chunk is the most bytes of an array written at a time.
const chunk = 64 << 10

// Write writes the record of h and arrays to w and returns the bytes
// written.
func Write(w io.Writer, h Header, arrays ...Array) (int64, error) {
	e := &writer{w: w, crc: crc32.New(castagnoli)}
	body := 4 + len(h.Kind) + 8 + 4 + 4
	for _, p := range h.Params {
		body += 4 + len(p.Name) + 24
	}
	for _, a := range arrays {
		body += 4 + len(a.Name) + 1 + 8 + a.n*a.typ.size()
	}
	e.buf = append(e.buf, Magic...)
	e.buf = binary.LittleEndian.AppendUint32(e.buf, Version)
	e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(body))
	e.string(h.Kind)
	e.u64(math.Float64bits(h.Dt))
	e.u32(uint32(len(h.Params)))
	for _, p := range h.Params {
		e.string(p.Name)
		e.u64(p.Count)
		e.u64(math.Float64bits(p.Value))
		e.u64(p.Digest)
	}
	e.u32(uint32(len(arrays)))
	for _, a := range arrays {
		e.string(a.Name)
		e.buf = append(e.buf, byte(a.typ))
		e.u64(uint64(a.n))
		b := a.bytes()
		for len(b) > 0 {
			k := min(len(b), chunk)
			off := len(e.buf)
			e.buf = append(e.buf, b[:k]...)
			if bigEndian {
				swap(e.buf[off:], a.typ.size())
			}
			b = b[k:]
			if err := e.flush(chunk); err != nil {
				return e.n, err
			}
		}
	}
	if err := e.flush(0); err != nil {
		return e.n, err
	}
	e.buf = binary.LittleEndian.AppendUint32(e.buf, e.crc.Sum32())
	n, err := w.Write(e.buf)
	return e.n + int64(n), err
}

// writer buffers a record's bytes, summing them into its CRC as it writes
// them.
type writer struct {
	w   io.Writer
	crc hash.Hash32
	buf []byte
	n   int64
}

func (e *writer) u32(v uint32)    { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }
func (e *writer) u64(v uint64)    { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }
func (e *writer) string(s string) { e.u32(uint32(len(s))); e.buf = append(e.buf, s...) }
func (e *writer) flush(atLeast int) error {
	if len(e.buf) < atLeast {
		return nil
	}
	e.crc.Write(e.buf)
	n, err := e.w.Write(e.buf)
	e.n += int64(n)
	e.buf = e.buf[:0]
	return err
}

// Marshal returns the record of h and arrays.
func Marshal(h Header, arrays ...Array) []byte {
	var b bytes.Buffer
	Write(&b, h, arrays...) // a bytes.Buffer's Write fails only by running out of memory, which panics
	return b.Bytes()
}

// Read reads one record from r into arrays, which must be those the
// population writes, in its order, and returns the bytes read. It refuses
// a record whose kind, time step or parameters are not h's, whose arrays
// differ in name, type or length, or whose CRC fails. check, if not nil,
// runs once every array is read, before any is committed: the caller's
// checks of its Var arrays. On any error nothing of the population has
// changed (but the Var slices).
func Read(r io.Reader, h Header, check func() error, arrays ...Array) (int64, error) {
	d := &reader{r: r, crc: crc32.New(castagnoli)}
	if err := d.full(prefix); err != nil {
		if d.n == 0 && err == io.ErrUnexpectedEOF {
			err = io.EOF // no record at all
		}
		return d.n, err
	}
	if string(d.buf[:8]) != Magic {
		return d.n, fmt.Errorf("not a checkpoint: it starts with %q, not %q", d.buf[:8], Magic)
	}
	if v := binary.LittleEndian.Uint32(d.buf[8:]); v != Version {
		return d.n, fmt.Errorf("format version %d; this library reads version %d", v, Version)
	}
	d.left, d.inBody = binary.LittleEndian.Uint64(d.buf[12:]), true
	commits, err := d.body(h, arrays)
	if err == nil && d.left != 0 {
		err = fmt.Errorf("%d bytes of the body are left unread: the record has more than %s writes", d.left, h.Kind)
	}
	if err != nil {
		return d.n, err
	}
	sum := d.crc.Sum32()
	d.inBody = false
	if err := d.full(4); err != nil { // the CRC, summed into the hash after sum was taken
		return d.n, err
	}
	if got := binary.LittleEndian.Uint32(d.buf); got != sum {
		return d.n, fmt.Errorf("CRC-32C %#08x, but the record's bytes sum to %#08x: it is corrupt", got, sum)
	}
	if check != nil {
		if err := check(); err != nil {
			return d.n, err
		}
	}
	for _, c := range commits {
		if c != nil {
			c()
		}
	}
	return d.n, nil
}

// Unmarshal is Read from data, which must hold exactly one record.
func Unmarshal(data []byte, h Header, check func() error, arrays ...Array) error {
	r := bytes.NewReader(data)
	whole := func() error { // runs after the CRC is read, before any commit
		if r.Len() != 0 {
			return fmt.Errorf("%d bytes follow the record", r.Len())
		}
		if check != nil {
			return check()
		}
		return nil
	}
	_, err := Read(r, h, whole, arrays...)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// body reads the body and returns the commits of arrays.
func (d *reader) body(h Header, arrays []Array) ([]func(), error) {
	kind, err := d.string()
	if err != nil {
		return nil, err
	}
	if kind != h.Kind {
		return nil, fmt.Errorf("a checkpoint of %s, not of %s", kind, h.Kind)
	}
	dt, err := d.u64()
	if err != nil {
		return nil, err
	}
	if got := math.Float64frombits(dt); got != h.Dt && !(got == 0 && h.Dt == 0) {
		return nil, fmt.Errorf("time step %g ms in the checkpoint, %g ms here", got, h.Dt)
	}
	if err := d.params(h.Params); err != nil {
		return nil, err
	}
	n, err := d.u32()
	if err != nil {
		return nil, err
	}
	if int(n) != len(arrays) {
		return nil, fmt.Errorf("%d arrays in the checkpoint, %d here", n, len(arrays))
	}
	commits := make([]func(), len(arrays))
	for i, a := range arrays {
		name, err := d.string()
		if err != nil {
			return nil, err
		}
		if name != a.Name {
			return nil, fmt.Errorf("array %d is %q in the checkpoint, %q here", i, name, a.Name)
		}
		if err := d.full(1); err != nil {
			return nil, err
		}
		if t := Type(d.buf[0]); t != a.typ {
			return nil, fmt.Errorf("array %s holds %v in the checkpoint, %v here", name, t, a.typ)
		}
		m, err := d.u64()
		if err != nil {
			return nil, err
		}
		switch {
		case a.max < 0 && m != uint64(a.n):
			return nil, fmt.Errorf("array %s has %d elements in the checkpoint, %d here", name, m, a.n)
		case a.max >= 0 && m > uint64(a.max):
			return nil, fmt.Errorf("array %s has %d elements in the checkpoint, at most %d here", name, m, a.max)
		case m > d.left/uint64(a.typ.size()):
			return nil, fmt.Errorf("array %s claims %d elements, more than the %d bytes left of the body", name, m, d.left)
		}
		if commits[i], err = a.read(d, int(m)); err != nil {
			return nil, err
		}
	}
	return commits, nil
}

// params reads the record's parameters and checks them against want.
func (d *reader) params(want []Param) error {
	n, err := d.u32()
	if err != nil {
		return err
	}
	if n > maxParams {
		return fmt.Errorf("%d parameters: corrupt", n)
	}
	got := make([]Param, n)
	for i := range got {
		p := &got[i]
		if p.Name, err = d.string(); err != nil {
			return err
		}
		var v uint64
		if p.Count, err = d.u64(); err == nil {
			if v, err = d.u64(); err == nil {
				p.Digest, err = d.u64()
			}
		}
		if err != nil {
			return err
		}
		p.Value = math.Float64frombits(v)
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(p Param) bool { return p.Name == w.Name })
		if i < 0 {
			return fmt.Errorf("the checkpoint has no %s", w.Name)
		}
		if err := differ(got[i], w); err != nil {
			return err
		}
	}
	for _, g := range got {
		if !slices.ContainsFunc(want, func(p Param) bool { return p.Name == g.Name }) {
			return fmt.Errorf("the checkpoint has a %s, which this population has not", g.Name)
		}
	}
	return nil
}

// differ describes how the checkpoint's p differs from the population's w.
func differ(p, w Param) error {
	switch {
	case p.Count == 1 && w.Count == 1 && (p.Value != w.Value || p.Digest != w.Digest):
		return fmt.Errorf("%s = %g in the checkpoint, %g here", p.Name, p.Value, w.Value)
	case p.Count != w.Count:
		return fmt.Errorf("%s has %d values in the checkpoint, %d here", p.Name, p.Count, w.Count)
	case p.Digest != w.Digest:
		return fmt.Errorf("%s: the checkpoint's %d values differ from these", p.Name, p.Count)
	}
	return nil
}

// reader reads a record's bytes, summing them into its CRC, and counts the
// bytes of the body left.
type reader struct {
	r      io.Reader
	crc    hash.Hash32
	buf    []byte
	n      int64
	inBody bool   // reading the body: left counts down
	left   uint64 // bytes of the body still to read
}

var errTooLong = errors.New("a field runs past the end of the body: corrupt")

// full reads n bytes into d.buf.
func (d *reader) full(n int) error {
	d.buf = slices.Grow(d.buf[:0], n)[:n]
	return d.read(d.buf)
}

// read reads len(b) bytes into b, summing them into the CRC.
func (d *reader) read(b []byte) error {
	if d.inBody && uint64(len(b)) > d.left {
		return errTooLong
	}
	k, err := io.ReadFull(d.r, b)
	d.n += int64(k)
	if d.inBody {
		d.left -= uint64(k)
	}
	d.crc.Write(b[:k])
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func (d *reader) u32() (uint32, error) {
	if err := d.full(4); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(d.buf), nil
}

func (d *reader) u64() (uint64, error) {
	if err := d.full(8); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(d.buf), nil
}

func (d *reader) string() (string, error) {
	n, err := d.u32()
	if err != nil {
		return "", err
	}
	if n > maxString {
		return "", fmt.Errorf("a string of %d bytes: corrupt", n)
	}
	if err := d.full(int(n)); err != nil {
		return "", err
	}
	return string(d.buf), nil
}

// elems reads the elements of an array, of type t, into b, their memory.
func (d *reader) elems(b []byte, t Type) error {
	if err := d.read(b); err != nil {
		return err
	}
	if bigEndian {
		swap(b, t.size())
	}
	return nil
}
