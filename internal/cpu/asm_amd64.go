//go:build amd64 && !purego

package cpu

// hasAsm: this build has the amd64 assembly kernels.
const hasAsm = true
