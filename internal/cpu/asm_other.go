//go:build purego || !amd64

package cpu

// hasAsm: this build has no assembly kernels.
const hasAsm = false
