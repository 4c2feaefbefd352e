//go:build arm64 && !purego

package f16

// archKernels returns the assembly implementations of arm64: the NEON
// kernels are listed here (&neon, whose path is cpu.NEON), and cpu.Dispatch
// keeps them where the CPU has NEON. None yet: on the NEON path the package
// runs its portable kernels.
func archKernels() []*kernels { return nil }
