//go:build purego || !(amd64 || arm64)

package soma

// archKernels returns the assembly implementations: none in this build.
func archKernels() []*kernels { return nil }
