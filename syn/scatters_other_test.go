//go:build !amd64 || purego

package syn

// otherScatters: only the AVX-512 path has a second lowering of its
// scatters.
func otherScatters() []*kernels { return nil }
