package spark

import "testing"

// BenchmarkAppendIndices lists the spikes of 40,000 units at a sparse
// network's rate, 23 per step:
//
//	go test . -run '^$' -bench AppendIndices
func BenchmarkAppendIndices(b *testing.B) {
	s := NewSpikes(40000)
	for k := range 23 {
		s.Set(k * 1733 % 40000)
	}
	dst := make([]int, 0, 64)
	for b.Loop() {
		dst = s.AppendIndices(dst[:0])
	}
	if len(dst) != 23 {
		b.Fatal(len(dst))
	}
}
