package f16_test

import (
	"fmt"

	"github.com/sparkgo/spark/f16"
	"github.com/x448/float16"
)

func ExampleToFloat32() {
	halves := []float16.Float16{0x3c00, 0xc100, 0x3555, 0x7bff, 0x0001, 0x7c00}
	out := make([]float32, len(halves))
	f16.ToFloat32(out, halves)
	fmt.Println(out)
	// Output: [1 -2.5 0.33325195 65504 5.9604645e-08 +Inf]
}

func ExampleFromFloat32() {
	in := []float32{0.1, 65519, 65520, 1e-8, 3e-8}
	out := make([]float16.Float16, len(in))
	f16.FromFloat32(out, in)
	for i, h := range out {
		fmt.Printf("%g → %#04x = %g\n", in[i], uint16(h), h.Float32())
	}
	// Output:
	// 0.1 → 0x2e66 = 0.099975586
	// 65519 → 0x7bff = 65504
	// 65520 → 0x7c00 = +Inf
	// 1e-08 → 0x0000 = 0
	// 3e-08 → 0x0001 = 5.9604645e-08
}
