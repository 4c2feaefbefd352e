//go:build amd64 && !purego

package syn

// archKernels returns the assembly implementations the CPU can run.
func archKernels() []*kernels { return nil }
