//go:build amd64 && !purego

package f16

// archKernels returns the assembly implementations the CPU can run.
func archKernels() []*kernels { return nil }
