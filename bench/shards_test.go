package main

import (
	"runtime"
	"testing"
)

// TestCUBAShards: one shard per goroutine, min(threads, GOMAXPROCS),
// whatever the size; never more shards than spike words.
func TestCUBAShards(t *testing.T) {
	g := runtime.GOMAXPROCS(0)
	for _, c := range []struct{ n, threads, want int }{
		{4000, 1, 1},
		{40000, 1, 1},
		{400000, 1, 1},
		{4000, g, g},
		{400000, g, g},
		{4000, 4 * g, g},        // more threads than GOMAXPROCS: one shard per goroutine
		{100, 8 * g, min(g, 2)}, // two spike words
		{100, 0, 1},
	} {
		if got := cubaShards(c.n, c.threads); got != c.want {
			t.Errorf("cubaShards(%d, %d) = %d, want %d", c.n, c.threads, got, c.want)
		}
	}
}
