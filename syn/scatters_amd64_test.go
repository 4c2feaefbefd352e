//go:build amd64 && !purego

package syn

import "github.com/sparkgo/spark/internal/cpu"

// otherScatters is the AVX-512 path with the scatter lowering it does not
// run on this CPU, where the CPU runs the path.
func otherScatters() []*kernels {
	if !cpu.Supported(cpu.AVX512) {
		return nil
	}
	k := avx512
	serial := !cpu.SerialScatter()
	k.name = map[bool]string{false: "avx512-gather", true: "avx512-serial"}[serial]
	k.scatter16, k.scatter32 = scatters[serial].f16, scatters[serial].f32
	k.rows16, k.rows32 = scatters[serial].rows16, scatters[serial].rows32
	return []*kernels{&k}
}
