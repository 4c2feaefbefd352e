// Package cpu decides, once, which kernel path the library runs: the
// fastest one that both this build and this CPU support, unless the
// SPARK_PATH environment variable names another.
//
// The paths: Generic, the portable Go code every build has; on amd64, best
// first, AVX512 (AVX-512 F, VL, BW and DQ, with AVX2, FMA and F16C) and AVX2
// (AVX2, FMA and F16C); on arm64, NEON (Advanced SIMD, ASIMD, with FP),
// whose kernels are being written: a package without NEON kernels runs its
// portable ones there. A path runs only on its own architecture, and a
// package without a kernel for the selected path runs the best one it has
// below it on that architecture, or the portable one. A build with the
// purego tag, or for an architecture without assembly kernels, has only
// Generic.
//
// SPARK_PATH=generic, avx2, avx512 or neon forces a path; a path this build
// or CPU cannot run (avx2 on arm64, neon on amd64, any but generic with
// purego) is refused with a panic at start-up rather than crashing later
// on an illegal instruction.
package cpu

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Path is a family of kernels.
type Path int

const (
	Generic Path = iota // portable Go
	AVX2                // AVX2 + FMA + F16C, 8 float32 lanes
	AVX512              // AVX-512 F/VL/BW/DQ, 16 float32 lanes, opmasks
	NEON                // arm64 Advanced SIMD (ASIMD) and FP, 4 float32 lanes

	numPaths = iota // the number of paths; a new one goes above
)

var names = [numPaths]string{Generic: "generic", AVX2: "avx2", AVX512: "avx512", NEON: "neon"}

func (p Path) String() string {
	if p < 0 || p >= numPaths {
		return fmt.Sprintf("Path(%d)", int(p))
	}
	return names[p]
}

// Arch is the GOARCH whose instructions path p's kernels are, "" for the
// portable code. Within one architecture a later path is a better one.
func (p Path) Arch() string {
	switch p {
	case AVX2, AVX512:
		return "amd64"
	case NEON:
		return "arm64"
	}
	return ""
}

// Supported reports whether this build and this CPU can run path p: the
// portable code always; an assembly path in a build with assembly kernels
// (amd64 or arm64, without the purego tag) for its own architecture, on a
// CPU with its features.
func Supported(p Path) bool { return p == Generic || hasAsm && HasFeatures(p) }

// FHM reports whether this build and CPU run the NEON path and the
// half-precision multiply-add long (FMLAL, FEAT_FHM, an optional Armv8.2
// feature: Neoverse V1 and later have it, N1 has not), which the f16
// kernels widen halves with where they can.
func FHM() bool { return Supported(NEON) && cpuid.CPU.Supports(cpuid.FHM) }

// SerialScatter reports whether the AVX-512 path adds a sparse row's
// weights one at a time, with the portable loops, rather than by gathers
// and scatters of 16: on AMD's cores, whose VSCATTERDPS is microcoded (Zen
// 4 and 5). Measured on a Zen 5 VM, rows of 80 weights: binary16 45–48 ns
// against 53–59, float32 35–50 against 51–58 (go test ./syn -bench
// Scatter, two runs). Both make the same additions, so the choice changes
// no result.
func SerialScatter() bool { return Supported(AVX512) && cpuid.CPU.VendorID == cpuid.AMD }

// DenseMaskedSums reports whether the AVX-512 path's dense masked sums
// (package vec) beat their sparse forms at every density, so that a
// masked sum never counts its bits to choose: on AMD's Zen 5 (family 26),
// whose 512-bit units are full width. Measured on a Zen 5 VM (go test
// ./vec -bench MaskedSumsForms), rows in cache, from L3 and from DRAM: the
// dense kernels as fast or faster everywhere but float32 rows from L3 near
// 1% of the bits set (305 ns a row of 4096 against 186–209) and binary16
// rows of 16384 in cache at 0.2% (374 ns against 333, less than their
// count costs); binary16 rows from DRAM 1.9–2.9 µs against 3.4–7.3 for
// the sparse form.
func DenseMaskedSums() bool {
	return Supported(AVX512) && cpuid.CPU.VendorID == cpuid.AMD && cpuid.CPU.Family >= 26
}

// SoftwarePrefetch reports whether the soma and trace kernels (package asm,
// amd64) ask for their streams' cache lines 2 KiB ahead of each step over
// a population past L2's size, or leave it to the CPU's own prefetchers.
// SPARK_PREFETCH=on or off decides; by default they ask. Measured on an
// Intel Xeon (AVX-512, 16M units: Exponential 14.8 → 10.7 ms a step, Tracer
// 15.6 → 12.6, Leaky 9.7 → 8.6), and on a Zen 5 VM both ways: on a quiet host its own prefetchers alone ran 10 of
// the 13 AVX-512 kernels faster (AdaptiveExponential 6.4 against 8.5 ms,
// Exponential 4.8 against 5.1; Izhikevich 6.3 against 5.3), and two hours
// later, the same binaries interleaved in the same way, 1.1–1.8× slower
// (Exponential 8.5–10.8 against 4.6–6.4 ms): the CPU's prefetchers back
// off when memory is busy, the kernels' requests do not. Prefetches change
// no result.
func SoftwarePrefetch() bool { return softwarePrefetch(os.Getenv("SPARK_PREFETCH")) }

func softwarePrefetch(env string) bool {
	switch strings.ToLower(env) {
	case "", "on":
		return true
	case "off":
		return false
	}
	panic(fmt.Sprintf("spark: SPARK_PREFETCH=%s: want on or off", env))
}

// HasFeatures reports whether the CPU has the features path p needs,
// whatever this build (purego included): what CI checks every path it
// tests against. A path of another architecture than this program's
// (GOARCH) is never one the CPU has.
func HasFeatures(p Path) bool {
	if p != Generic && p.Arch() != runtime.GOARCH {
		return false
	}
	switch p {
	case Generic:
		return true
	case AVX2:
		return cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2, cpuid.FMA3, cpuid.F16C)
	case AVX512:
		return HasFeatures(AVX2) && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512VL, cpuid.AVX512BW, cpuid.AVX512DQ)
	case NEON:
		// On Linux cpuid reads the kernel's HWCAP bits (the auxiliary
		// vector, which qemu-user emulates too); on Darwin, sysctl.
		return cpuid.CPU.Supports(cpuid.ASIMD, cpuid.FP)
	}
	return false
}

// Names returns the names of the paths, in Path order: generic first, then
// each architecture's paths, best last within it.
func Names() []string { return names[:] }

// Paths lists the paths this build and CPU support, best last: generic,
// then those of this build's architecture.
func Paths() []Path {
	var ps []Path
	for p := Generic; p < numPaths; p++ {
		if Supported(p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// Selected is the path every kernel runs, decided at start-up.
var Selected = selected(os.Getenv("SPARK_PATH"))

func selected(env string) Path {
	ps := Paths()
	if env == "" {
		return ps[len(ps)-1]
	}
	for p, name := range names {
		if strings.EqualFold(env, name) {
			if !Supported(Path(p)) {
				panic(fmt.Sprintf("spark: SPARK_PATH=%s, but this build or CPU cannot run it (supported: %v)", env, ps))
			}
			return Path(p)
		}
	}
	panic(fmt.Sprintf("spark: SPARK_PATH=%s: unknown path (want one of %v)", env, names))
}

// users are the packages' path switches, registered by Dispatch.
var users []func(Path)

// Dispatch is how a package with kernels picks its path. candidates are its
// implementations, the portable one first, and path tells an
// implementation's path. Dispatch drops those whose path this build or CPU
// cannot run, sets *impl to the one of the selected path (or of the best
// path below it the package has), now and after every Use, and returns
// the ones it kept, portable first, for the tests to run each. A package
// calls it once, from a var initializer. It records which kernels of each
// kept implementation are the portable code (Portable).
func Dispatch[K any](impl **K, path func(*K) Path, candidates ...*K) []*K {
	kept := candidates[:1:1]
	for _, k := range candidates[1:] {
		if Supported(path(k)) {
			kept = append(kept, k)
		}
	}
	register(kept, path)
	paths := make([]Path, len(kept))
	for i, k := range kept {
		paths[i] = path(k)
	}
	use := func(p Path) { *impl = kept[pick(paths, p)] }
	users = append(users, use)
	use(Selected)
	return kept
}

// pick returns which of the implementations of paths (the portable one
// first) runs on path p: p's own, or the best below it on p's
// architecture, or the portable one (never a path of another
// architecture: on NEON, not AVX-512's, which is below it in Path order).
func pick(paths []Path, p Path) int {
	run := 0
	for i, q := range paths {
		if q <= p && q > paths[run] && q.Arch() == p.Arch() {
			run = i
		}
	}
	return run
}

// Use switches every package to path p, as SPARK_PATH would have at
// start-up: for benchmarks that compare paths in one run. It panics if
// this build or CPU cannot run p, and must not run while kernels do.
func Use(p Path) {
	if !Supported(p) {
		panic(fmt.Sprintf("spark: path %v is not supported here (supported: %v)", p, Paths()))
	}
	Selected = p
	for _, use := range users {
		use(p)
	}
}
