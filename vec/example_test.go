package vec_test

import (
	"fmt"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/vec"
)

// The examples use values whose products and sums are exact in float32,
// so that every order of summation, and every path, prints the same.

func ExampleDot() {
	x := []float32{1, 2, 3, 4}
	y := []float32{0.5, 0.25, 2, -1}
	fmt.Println(vec.Dot(x, y)) // 0.5 + 0.5 + 6 − 4
	// Output: 3
}

func ExampleDotF16() {
	// The weights of one unit's synapses, in binary16 (each converted
	// exactly), and the activations of the units that feed it.
	w := []float16.Float16{
		float16.Fromfloat32(0.5), float16.Fromfloat32(-1.25),
		float16.Fromfloat32(2), float16.Fromfloat32(0.125),
	}
	x := []float32{4, 2, 0.75, 8}
	fmt.Println(vec.DotF16(w, x)) // 2 − 2.5 + 1.5 + 1
	// Output: 2
}

func ExampleMatVecF16() {
	// Two units fed by three: row i of the row-major 2 × 3 matrix holds
	// unit i's weights.
	w := make([]float16.Float16, 6)
	for k, v := range []float32{
		1, 0.5, -2,
		0.25, 0, 4,
	} {
		w[k] = float16.Fromfloat32(v)
	}
	x := []float32{2, 6, 1.5}
	y := make([]float32, 2)
	vec.MatVecF16(y, w, 2, 3, x)
	fmt.Println(y) // [2 + 3 − 3, 0.5 + 0 + 6]
	// Output: [2 6.5]
}

func ExampleMaskedSum() {
	// The input of one unit: the weights of the synapses whose
	// presynaptic unit spiked (units 0, 2 and 4 of 5).
	w := []float32{1, 2, 4, 8, 16}
	spikes := spark.NewSpikes(len(w))
	for _, j := range []int{0, 2, 4} {
		spikes.Set(j)
	}
	fmt.Println(vec.MaskedSum(w, spikes))
	// Output: 21
}

func ExampleMaskedSums() {
	// The asynchronous input of two units, each fed by three connections
	// with a spike bit of its own: row i of w holds unit i's weights, and
	// its spike bits are words [i·SpikeWords(3), (i+1)·SpikeWords(3)).
	w := []float32{
		1, 2, 4,
		8, 16, 32,
	}
	words := spark.SpikeWords(3)
	spikes := make(spark.Spikes, 2*words)
	spikes[0] = 0b101 // unit 0: connections 0 and 2
	spikes[words] = 0b010
	y := make([]float32, 2)
	vec.MaskedSums(y, w, 2, 3, spikes)
	fmt.Println(y)
	// Output: [5 16]
}
