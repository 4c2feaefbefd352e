package f16

import (
	"encoding/binary"
	"testing"

	"github.com/x448/float16"
)

// FuzzF16 converts the fuzzer's bytes, read as binary16 values and as
// float32 values (little-endian, any bits), with ToFloat32 and FromFloat32
// on every path, and compares each result with x448 bit for bit. The
// destination lies at an offset of a larger array, the source at another:
// nothing outside the destination may be written, and the source must be
// left as it was.
func FuzzF16(f *testing.F) {
	// Specials: NaNs (quiet, signalling, payloads kept or dropped), ±Inf,
	// ±0, subnormals, the overflow boundary and rounding ties, as float32
	// and as binary16 bits.
	var floats []byte
	for _, u := range []uint32{
		0x7fc00000, 0xffc00000, 0x7f800001, 0xff801fff, 0x7f802000, 0x7fffffff, 0x7fa5a5a5,
		0x7f800000, 0xff800000, 0x00000000, 0x80000000, 0x00000001, 0x807fffff,
		0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0x7f7fffff, // 65504, the 65520 tie, 2^16, MaxFloat32
		0x33000000, 0x33000001, 0xb3400000, 0x38800000, 0x387fffff, 0x3f801000, 0x3f803000, // underflow and rounding ties
	} {
		floats = binary.LittleEndian.AppendUint32(floats, u)
	}
	var halves []byte
	for _, h := range []uint16{0x7c00, 0xfc00, 0x7c01, 0xfe00, 0x7dff, 0x7e00, 0x0000, 0x8000, 0x0001, 0x83ff, 0x0400, 0x7bff, 0xfbff, 0x3c00} {
		halves = binary.LittleEndian.AppendUint16(halves, h)
	}
	for off := range 16 {
		f.Add(uint8(off*17), floats[:len(floats)-off])
		f.Add(uint8(off), halves[:len(halves)-off])
	}
	long := make([]byte, 4*67+2)
	for i := range long {
		long[i] = byte(i * 37)
	}
	f.Add(uint8(0x35), long)
	f.Add(uint8(0), []byte{}) // nothing to convert
	f.Add(uint8(0x71), []byte{0x7c})
	f.Fuzz(func(t *testing.T, offsets uint8, data []byte) {
		dstOff, srcOff := int(offsets&15), int(offsets>>4)

		// The bytes as halves, and as floats.
		nh, nf := len(data)/2, len(data)/4
		srcH := make([]float16.Float16, srcOff+nh+5)
		srcF := make([]float32, srcOff+nf+5)
		for i := range srcH {
			srcH[i] = sentinel16
		}
		for i := range srcF {
			srcF[i] = fbits(sentinel32)
		}
		for i := range nh {
			srcH[srcOff+i] = float16.Float16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		for i := range nf {
			srcF[srcOff+i] = fbits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		keepH, keepF := append([]float16.Float16(nil), srcH...), append([]float32(nil), srcF...)

		for _, k := range paths() {
			using(t, k)
			d32 := make([]float32, dstOff+nh+5)
			for i := range d32 {
				d32[i] = fbits(sentinel32)
			}
			ToFloat32(d32[dstOff:dstOff+nh], srcH[srcOff:srcOff+nh])
			for i, v := range d32 {
				switch g := bits(v); {
				case i >= dstOff && i < dstOff+nh:
					if h := h16(srcH[srcOff+i-dstOff]); g != want32(h) {
						t.Fatalf("path %s, n=%d off=%d/%d: ToFloat32(%#04x) = %#08x, x448 gives %#08x", k.name, nh, srcOff, dstOff, h, g, want32(h))
					}
				case g != sentinel32:
					t.Fatalf("path %s, n=%d off=%d/%d: ToFloat32 wrote %#08x at %d, outside dst[%d:%d]", k.name, nh, srcOff, dstOff, g, i, dstOff, dstOff+nh)
				}
			}

			d16 := make([]float16.Float16, dstOff+nf+5)
			for i := range d16 {
				d16[i] = sentinel16
			}
			FromFloat32(d16[dstOff:dstOff+nf], srcF[srcOff:srcOff+nf])
			for i, v := range d16 {
				switch g := h16(v); {
				case i >= dstOff && i < dstOff+nf:
					if x := srcF[srcOff+i-dstOff]; g != want16(x) {
						t.Fatalf("path %s, n=%d off=%d/%d: FromFloat32(%#08x) = %#04x, x448 gives %#04x", k.name, nf, srcOff, dstOff, bits(x), g, want16(x))
					}
				case g != sentinel16:
					t.Fatalf("path %s, n=%d off=%d/%d: FromFloat32 wrote %#04x at %d, outside dst[%d:%d]", k.name, nf, srcOff, dstOff, g, i, dstOff, dstOff+nf)
				}
			}

			for i := range srcH {
				if srcH[i] != keepH[i] {
					t.Fatalf("path %s: ToFloat32 wrote to its source, at %d", k.name, i)
				}
			}
			for i := range srcF {
				if bits(srcF[i]) != bits(keepF[i]) {
					t.Fatalf("path %s: FromFloat32 wrote to its source, at %d", k.name, i)
				}
			}
		}
	})
}
