package half

import (
	"math"
	"testing"

	"github.com/x448/float16"
)

// TestToFloat32Bits checks the function that fills the table directly, so
// that a table built from it cannot hide a mistake in it, and the table.
func TestToFloat32Bits(t *testing.T) {
	table := Table()
	for h := range 1 << 16 {
		want := math.Float32bits(float16.Frombits(uint16(h)).Float32())
		if g := toFloat32Bits(uint16(h)); g != want {
			t.Fatalf("toFloat32Bits(%#04x) = %#08x, x448 gives %#08x", h, g, want)
		}
		if g := table[h]; g != want {
			t.Fatalf("Table()[%#04x] = %#08x, x448 gives %#08x", h, g, want)
		}
	}
}
