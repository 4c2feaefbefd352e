//go:build purego || !(amd64 || arm64)

package cpu

// hasAsm: this build has no assembly kernels (the purego tag, or an
// architecture without any).
const hasAsm = false
