//go:build arm64 && !purego

package cpu

// hasAsm: this build has the arm64 assembly kernels (NEON).
const hasAsm = true
