//go:build amd64 && !purego

package soma

import (
	"fmt"
	"testing"

	"github.com/sparkgo/spark/asm"
	"github.com/sparkgo/spark/internal/cpu"
	"github.com/sparkgo/spark/internal/mem"
)

// BenchmarkRoof is the fair roof of LeakySoma's update: an in-place
// read-modify-write over the same bytes (v += cur: read 8, write 4 bytes per
// unit, no write-allocate), by the widest row-add kernel the CPU runs, on
// arrays allocated as a population's are. Compare its MB/s with
// BenchmarkStep/LeakySoma's in the same run:
//
//	go test ./soma -run '^$' -bench 'Roof|Step/LeakySoma/.*/n=16777216'
func BenchmarkRoof(b *testing.B) {
	add, name := asm.AddRowF32AVX2, "avx2"
	if cpu.Supported(cpu.AVX512) {
		add, name = asm.AddRowF32AVX512, "avx512"
	} else if !cpu.Supported(cpu.AVX2) {
		b.Skip("no AVX2")
	}
	for _, n := range []int{4096, 1 << 24} {
		b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
			var blk mem.Block
			var v, cur []float32
			mem.Array(&blk, &v, n)
			mem.Array(&blk, &cur, n)
			blk.Alloc()
			b.SetBytes(int64(12 * n))
			for b.Loop() {
				add(v, cur)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}
