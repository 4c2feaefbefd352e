package main

import (
	"runtime"
	"testing"
)

// TestCUBAShards: one shard per goroutine while a goroutine's units fit
// half of L2, then as many more as fit, the same number per goroutine;
// never more goroutines than GOMAXPROCS, nor shards than spike words.
func TestCUBAShards(t *testing.T) {
	g := runtime.GOMAXPROCS(0)
	const l2 = 2 << 20 // half holds 40329 units
	for _, c := range []struct{ n, threads, want int }{
		{4000, 1, 1},
		{40000, 1, 1},
		{40330, 1, 2},
		{400000, 1, 10},
		{4000, g, g},
		{4000, 4 * g, g}, // more threads than GOMAXPROCS: one shard per goroutine
		{400000, g, g * ((400000 + g*40329 - 1) / (g * 40329))},
		{100, 8 * g, min(g, 2)}, // two spike words
	} {
		if got := cubaShards(c.n, c.threads, l2); got != c.want {
			t.Errorf("cubaShards(%d, %d) = %d, want %d", c.n, c.threads, got, c.want)
		}
	}
}
