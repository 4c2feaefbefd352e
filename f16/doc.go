// Package f16 converts between IEEE binary16 ([float16.Float16] of
// github.com/x448/float16) and float32 in bulk, bit for bit as x448 converts
// one value.
//
// [ToFloat32] is exact: every half, subnormals included, is a float32. [FromFloat32]
// rounds to nearest, ties to even; finite values of magnitude 65520 or more
// become ±Inf, values of magnitude 2^-25 or less become ±0, and subnormal halves
// are kept.
//
// NaNs follow x448 (and the F16C, AVX-512 and NEON conversions, which agree
// with it; on arm64, halves widen with FMLAL, −0 + h·1, where the CPU has
// FEAT_FHM, else with FCVTL, the same bits):
//
//   - half → float32 sets the quiet bit: a signalling half NaN becomes a quiet
//     float32 NaN; the sign and the 10 payload bits are kept, in the top of the
//     float32 mantissa (0x7c01 → 0x7fc02000).
//   - float32 → half keeps the sign and the top 10 mantissa bits and sets the
//     quiet bit, so a NaN stays a NaN even when its payload lies only in the 13
//     low bits that are dropped (0x7f800001 → 0x7e00).
//
// A quiet half NaN therefore survives the round trip, and a signalling one
// comes back quiet (h | 0x0200); every other half comes back unchanged.
//
// Both functions work on whole slices, panic before writing anything when the
// lengths differ, and allocate nothing (but for a table built once, see
// [ToFloat32]).
package f16
