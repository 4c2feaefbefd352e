// Command mca prints a static performance estimate of the library's arm64
// NEON kernels, for want of arm64 hardware to measure them on: llvm-mca's
// estimate of the cycles each kernel's main loop takes per 64 units on
// Arm Neoverse cores, next to the same estimate for the portable Go loop the
// Go compiler emits for the same model. It is a model's estimate, not a
// measurement: llvm-mca simulates the loop's instructions on the core's
// scheduling model with every load hitting the L1 cache and every branch
// predicted, and knows nothing of the memory system.
//
// Usage:
//
//	go run ./bench/mca [-cpus neoverse-n1,neoverse-v1] [-run regexp] [-v] [-mca llvm-mca-19]
//
// It builds the test binaries of ./asm and of the packages whose portable
// loops it compares with (./soma, ./internal/tracer, ./f16, ./vec, ./syn)
// for linux/arm64 (go test -c), finds the NEON kernels in the symbol table
// of asm's (every asm.<name>NEON.abi0, and asm.<name>FHM.abi0 for those that
// need FEAT_FHM, so it works whatever subset exists),
// disassembles each and its portable twin with aarch64-linux-gnu-objdump
// (package binutils-aarch64-linux-gnu), extracts the loop, runs llvm-mca
// on it for 200 iterations and prints a Markdown table: cycles per 64 units
// = Total Cycles / 200 · 64 / units per iteration, which counts the
// loop-carried dependencies. The NEON/portable pairs are a table in this
// file (twins); a kernel without a portable twin (Exp) gets the NEON
// figures only, notEstimated lists the kernels left out and why (Prefetch,
// a hint), a kernel the tables do not know is listed as not estimated, and
// a core that lacks one of a loop's instructions (FMLAL on an N1) gets a
// dash. A twin may add loops on either side, each run once over the same
// units: on the portable side further functions' (also: the conversion
// f16.ToFloat32's portable loop, which the portable binary16 select and
// scatter run before their own), on the NEON side every loop with the most
// units an iteration (phases: the scatters check a row's indices in a loop
// before the adds' loop); the figures add, and the portable column names
// each loop. Where the two sides count different units the row gives no
// ratio (noRatio: the portable masked sums' loop visits the set bits of a
// word, the NEON one every weight). Each row's notes are footnotes, marked
// ¹, ², ….
//
// How it picks the loop. It splits the function into basic blocks, finds
// the natural loops (a back edge u → h where h dominates u; loops with one
// header merged) and keeps the innermost ones, those holding no other
// loop's header. For a NEON kernel it takes the loop with the most units
// per iteration, the last of equals: for the soma and trace kernels that is
// the last loop, <Name>_block, or <Name>_reciprocal_block in the uniform
// kernels whose divisors are powers of two (the default parameters), for
// the f16 ones <Name>_loop32. For a portable Go function it takes, of
// the innermost loops nested deepest, the one with the most instructions:
// the loop over a block's units (in vec's sums the loop over a block of 64
// terms, not the loop over the last, partial block, outside the loop over
// the blocks, which has more bounds checks). These loops are straight
// lines, bar the Go loops' ifs: of each if the estimate takes the longer
// side (the longest path from the loop's header round to it, so that what
// llvm-mca simulates is a path the loop can run; for the somas the side
// where the unit spikes), and a call in the loop to a leaf function without
// loops (internal/ref.Exp) is replaced by that function's longest path to
// its return. -v prints every loop taken.
//
// Units per iteration come from the loop's counter: the register that a
// compare steering the back edge or an exit reads (a CBZ/CBNZ/TBZ/TBNZ, or
// the flags of a CMP or SUBS) and that the loop sets to a register (itself,
// or its copy reloaded from the stack) plus a constant, or, tested by a
// CBZ/CBNZ, a word whose lowest set bit the loop clears (x &= x-1: one set
// bit an iteration). The soma and trace kernels count blocks of 64 units
// (SUBS $1), the f16 and vec ones elements (SUB $32, $64, $16), the
// scatters indices (SUB $4); the Go loops count units, one an iteration
// (the Go compiler does not unroll), the masked sums' set bits.
//
// llvm-mca needs scheduling models of the cores: LLVM 17 and later have
// Neoverse N1 and V1 ones, where older LLVM models them with other cores'
// (LLVM 14: both with the Cortex-A57's; the program checks, and says so
// under the table). The models change between LLVM versions, so the table
// names the version. Without -mca it runs the newest llvm-mca-NN on PATH,
// else llvm-mca.
package main

import (
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const (
	module     = "github.com/sparkgo/spark"
	objdump    = "aarch64-linux-gnu-objdump"
	iterations = 200
	blockUnits = 64 // the units of a spike word: what the table's figures are per
)

// twin is a NEON kernel family's portable loop and how the family counts.
type twin struct {
	pkg string // the portable function's package, relative to the module
	fn  string // its name, "" where the kernel has none
	// also are further portable functions, "<package>.<name>" relative to
	// the module, whose loops the portable path runs over the same units
	// before or after fn's (the conversion of binary16 weights by
	// f16.ToFloat32): their figures add to fn's.
	also      []string
	countUnit int // units one step of the NEON loop's counter stands for
	// phases: the NEON kernel runs each of its loops with the most units
	// an iteration once over all the units, one after the other (the
	// scatters' index check, then their adds), so their figures add,
	// where otherwise the last of them is taken.
	phases bool
	// noRatio: the portable loop's unit is not the NEON loop's (the note
	// says what it is), so the row gives both figures and no ratio.
	noRatio bool
	notes   []string // footnotes for the kernel's row
}

const streamNote = "the Stream kernels prefetch ahead for DRAM-sized slices, which llvm-mca does not model; the portable path has no such variant"

const maskedNote = "the NEON masked sums' unit is a weight, spike or not; the portable ones' loop visits only the set bits, so their figure is per 64 set bits (per 64 weights at density 1): at density p a row costs about p times it, plus the word loop's few cycles per 64 weights, which is not counted; no ratio, which the density sets: the portable loop is the faster below a density of about NEON / portable"

const convertNote = "the portable path converts the binary16 weights first (f16.ToFloat32, whose portable loop is toFloat32Generic), then runs this loop: the two loops' figures add"

const scatterNote = "one unit is one destination element updated (an index of the row); the NEON kernel first checks the row's indices (increasing, in range) in a loop of its own, whose figure adds to the adds' loop's, where the portable loop bounds-checks each index as it goes"

const fusedNote = "the fused step of a soma and two single-stage traces (StepTraced): the portable path steps the two traces (singleInto twice, draining: the clear not counted), then the soma, each loop once over the units: the three figures add"

const fused1Note = "the fused step of a soma and one single-stage trace (StepTraced): the portable path steps the trace (singleInto, draining: the clear not counted), then the soma, each loop once over the units: the two figures add"

const drainNote = "the portable path has no draining kernel: it runs this loop, then clears x, which is not counted"

// twins maps a NEON kernel's base name (its symbol's, less NEON, Uniform
// and a trace form's Add, Drain or DrainAdd) to its family. The soma and
// trace kernels' uniform forms run the same portable loop as the others,
// on streams of 64 equal values.
var twins = map[string]twin{
	"leaky":                         {pkg: "soma", fn: "leakyGeneric", countUnit: 64},
	"refractoryLeaky":               {pkg: "soma", fn: "refractoryLeakyGeneric", countUnit: 64},
	"strictRefractoryLeaky":         {pkg: "soma", fn: "strictRefractoryLeakyGeneric", countUnit: 64},
	"adaptiveLeaky":                 {pkg: "soma", fn: "adaptiveLeakyGeneric", countUnit: 64},
	"exponential":                   {pkg: "soma", fn: "exponentialGeneric", countUnit: 64},
	"refractoryExponential":         {pkg: "soma", fn: "refractoryExponentialGeneric", countUnit: 64},
	"adaptiveExponential":           {pkg: "soma", fn: "adaptiveExponentialGeneric", countUnit: 64},
	"simplifiedAdaptiveExponential": {pkg: "soma", fn: "simplifiedAdaptiveExponentialGeneric", countUnit: 64},
	"izhikevich":                    {pkg: "soma", fn: "izhikevichGeneric", countUnit: 64},
	"leakyTraced2":                  fusedTwin("leakyGeneric"),
	"refractoryLeakyTraced2":        fusedTwin("refractoryLeakyGeneric"),
	"strictRefractoryLeakyTraced2":  fusedTwin("strictRefractoryLeakyGeneric"),
	"adaptiveLeakyTraced2":          fusedTwin("adaptiveLeakyGeneric"),
	"exponentialTraced2":            fusedTwin("exponentialGeneric"),
	"refractoryExponentialTraced2":  fusedTwin("refractoryExponentialGeneric"),
	"izhikevichTraced2":             fusedTwin("izhikevichGeneric"),
	"leakyTraced1":                  fusedTwin1("leakyGeneric"),
	"refractoryLeakyTraced1":        fusedTwin1("refractoryLeakyGeneric"),
	"strictRefractoryLeakyTraced1":  fusedTwin1("strictRefractoryLeakyGeneric"),
	"adaptiveLeakyTraced1":          fusedTwin1("adaptiveLeakyGeneric"),
	"izhikevichTraced1":             fusedTwin1("izhikevichGeneric"),
	"tracer":                        {pkg: "internal/tracer", fn: "singleInto", countUnit: 64},
	"rDTracer":                      {pkg: "internal/tracer", fn: "rdInto", countUnit: 64},
	"rFSTracer":                     {pkg: "internal/tracer", fn: "rfsInto", countUnit: 64},
	"doubleTracer":                  {pkg: "internal/tracer", fn: "doubleInto", countUnit: 64},
	"exp":                           {countUnit: 64},
	"toFloat32":                     {pkg: "f16", fn: "toFloat32Generic", countUnit: 1},
	"fromFloat32":                   {pkg: "f16", fn: "fromFloat32Generic", countUnit: 1},
	"dot":                           {pkg: "vec", fn: "dotGeneric", countUnit: 1},
	"dotStream":                     {pkg: "vec", fn: "dotGeneric", countUnit: 1, notes: []string{streamNote}},
	"dotF16":                        {pkg: "vec", fn: "dotF16Generic", countUnit: 1},
	"dotF16Stream":                  {pkg: "vec", fn: "dotF16Generic", countUnit: 1, notes: []string{streamNote}},
	"sum":                           {pkg: "vec", fn: "sumGeneric", countUnit: 1},
	"sumStream":                     {pkg: "vec", fn: "sumGeneric", countUnit: 1, notes: []string{streamNote}},
	"axpy":                          {pkg: "vec", fn: "axpyGeneric", countUnit: 1},
	"axpyF16":                       {pkg: "vec", fn: "axpyF16Generic", countUnit: 1},
	"scale":                         {pkg: "vec", fn: "scaleGeneric", countUnit: 1},
	"addRowF32":                     {pkg: "vec", fn: "addGeneric", countUnit: 1},
	"addRowF16":                     {pkg: "vec", fn: "addF16Generic", countUnit: 1},
	"maskedSum":                     {pkg: "vec", fn: "maskedSumGeneric", countUnit: 1, noRatio: true, notes: []string{maskedNote}},
	"maskedSumF16":                  {pkg: "vec", fn: "maskedSumF16Generic", countUnit: 1, noRatio: true, notes: []string{maskedNote}},
	"selectF32":                     {pkg: "vec", fn: "selectGeneric", countUnit: 1},
	"selectF16":                     {pkg: "vec", fn: "selectF16Generic", also: []string{"f16.toFloat32Generic"}, countUnit: 1, notes: []string{convertNote}},
	"scatterAddF32":                 {pkg: "syn", fn: "scatter32Generic", countUnit: 1, phases: true, notes: []string{scatterNote}},
	"scatterAddF16":                 {pkg: "syn", fn: "scatter16Generic", also: []string{"f16.toFloat32Generic"}, countUnit: 1, phases: true, notes: []string{scatterNote, convertNote}},
}

// fusedTwin is the twin of a soma's fused step with two traces, whose
// portable soma loop is fn.
func fusedTwin(fn string) twin {
	return twin{pkg: "soma", fn: fn, also: []string{"internal/tracer.singleInto", "internal/tracer.singleInto"}, countUnit: 64,
		notes: []string{fusedNote}}
}

// fusedTwin1 is the twin of a soma's fused step with one trace.
func fusedTwin1(fn string) twin {
	return twin{pkg: "soma", fn: fn, also: []string{"internal/tracer.singleInto"}, countUnit: 64, notes: []string{fused1Note}}
}

// notEstimated are the NEON kernels the table leaves out, by base name,
// and why.
var notEstimated = map[string]string{
	"prefetch": "a cache hint (PRFM) per row: no work per unit to count, and the portable path does not prefetch",
}

// family returns the twin of the NEON kernel raw (asm.<raw>.abi0).
func family(raw string) (twin, bool) {
	base := strings.TrimSuffix(strings.TrimSuffix(raw, "NEON"), "FHM")
	base = strings.TrimSuffix(base, "Uniform")
	drain := false
	for _, form := range []string{"DrainAdd", "Drain", "Add"} {
		if strings.HasSuffix(base, form) && strings.Contains(base, "racer") {
			base = strings.TrimSuffix(base, form)
			drain = strings.HasPrefix(form, "Drain")
			break
		}
	}
	t, ok := twins[base]
	if ok && drain && t.fn != "" {
		t.notes = append(slices.Clip(t.notes), drainNote)
	}
	return t, ok
}

// splitFunc splits "<package>.<name>" (the package relative to the
// module, e.g. internal/tracer.rdInto) at the dot after its last slash.
func splitFunc(q string) (pkg, name string) {
	i := strings.LastIndex(q, "/") + 1
	j := strings.Index(q[i:], ".")
	if j < 0 {
		return q, ""
	}
	return q[:i+j], q[i+j+1:]
}

// superscript writes n in superscript digits: a footnote's mark.
func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var sb strings.Builder
	for _, d := range strconv.Itoa(n) {
		sb.WriteString(string([]rune(digits)[d-'0']))
	}
	return sb.String()
}

// binName is the test binary go test -c writes for package pkg.
func binName(pkg string) string { return filepath.Base(pkg) + ".test" }

func main() {
	cpus := flag.String("cpus", "neoverse-n1,neoverse-v1", "llvm-mca's -mcpu values, comma-separated: one column pair each")
	run := flag.String("run", "", "estimate only the NEON kernels whose name matches this regexp")
	verbose := flag.Bool("v", false, "dump each extracted loop, its counter and llvm-mca's Block RThroughput")
	mca := flag.String("mca", "", "the llvm-mca to run (default: the newest llvm-mca-NN on PATH, else llvm-mca)")
	flag.Parse()
	var re *regexp.Regexp
	if *run != "" {
		var err error
		if re, err = regexp.Compile(*run); err != nil {
			fatal(err)
		}
	}
	var cpuList []string
	for c := range strings.SplitSeq(*cpus, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cpuList = append(cpuList, c)
		}
	}
	if len(cpuList) == 0 {
		fatal(errors.New("-cpus names no CPU"))
	}
	if err := estimate(os.Stdout, *mca, cpuList, re, *verbose); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mca:", err)
	os.Exit(1)
}

// tools checks that objdump is on PATH and returns the llvm-mca to run and
// its version.
func tools(mca string) (string, string, error) {
	if _, err := exec.LookPath(objdump); err != nil {
		return "", "", fmt.Errorf("%s not found: install package binutils-aarch64-linux-gnu (apt-get install -y binutils-aarch64-linux-gnu)", objdump)
	}
	if mca == "" {
		mca = newestMCA()
	}
	path, err := exec.LookPath(mca)
	if err != nil {
		return "", "", fmt.Errorf("%s not found: install LLVM's llvm-mca, 17 or later for the Neoverse models (e.g. apt-get install -y llvm-19), or name it with -mca", mca)
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("%s --version: %v", path, err)
	}
	version := "?"
	if m := regexp.MustCompile(`LLVM version (\S+)`).FindSubmatch(out); m != nil {
		version = string(m[1])
	}
	return path, version, nil
}

// newestMCA returns the llvm-mca-NN on PATH with the largest NN, or llvm-mca.
func newestMCA() string {
	best, bestV := "llvm-mca", -1
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		matches, _ := filepath.Glob(filepath.Join(dir, "llvm-mca-*"))
		for _, m := range matches {
			v, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(m), "llvm-mca-"))
			if err == nil && v > bestV {
				best, bestV = filepath.Base(m), v
			}
		}
	}
	return best
}

// build writes the linux/arm64 test binaries of the packages pkgs
// (relative to the module) into dir, as <last element>.test.
func build(dir string, pkgs []string) error {
	args := []string{"test", "-c", "-o", dir + string(filepath.Separator)}
	for _, p := range pkgs {
		args = append(args, module+"/"+p)
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("GOARCH=arm64 go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// kernel is one row of the table.
type kernel struct {
	raw  string // the assembly function's name, e.g. leakyUniformNEON
	twin twin
}

// name is the kernel's exported name, e.g. LeakyUniformNEON.
func (k kernel) name() string { return strings.ToUpper(k.raw[:1]) + k.raw[1:] }

// estimate builds the binaries, estimates every kernel matching re and
// writes the table to w.
func estimate(w io.Writer, mcaFlag string, cpus []string, re *regexp.Regexp, verbose bool) error {
	mca, version, err := tools(mcaFlag)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "spark-mca-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := build(dir, []string{"asm"}); err != nil {
		return err
	}
	asmBin, err := openBinary(filepath.Join(dir, binName("asm")))
	if err != nil {
		return err
	}
	var kernels []kernel
	var unknown, skipped []string
	for _, s := range asmBin.funcs {
		raw, ok := strings.CutPrefix(s.name, module+"/asm.")
		if !ok {
			continue
		}
		// The NEON kernels, and the NEON+FEAT_FHM ones (…FHM).
		isa := "NEON"
		raw, ok = strings.CutSuffix(raw, "NEON.abi0")
		if !ok {
			if raw, ok = strings.CutSuffix(raw, "FHM.abi0"); !ok {
				continue
			}
			isa = "FHM"
		}
		raw += isa
		k := kernel{raw: raw}
		if re != nil && !re.MatchString(k.name()) && !re.MatchString(raw) {
			continue
		}
		t, ok := family(raw)
		if why, skip := notEstimated[strings.TrimSuffix(raw, "NEON")]; skip {
			skipped = append(skipped, k.name()+" ("+why+")")
			continue
		}
		if !ok {
			unknown = append(unknown, k.name())
			continue
		}
		k.twin = t
		kernels = append(kernels, k)
	}
	if len(kernels) == 0 && len(unknown) == 0 && len(skipped) == 0 {
		return fmt.Errorf("no NEON kernel (asm.*NEON.abi0) in the arm64 build of ./asm matches")
	}

	// The portable twins' packages.
	var pkgs []string
	for _, k := range kernels {
		if k.twin.fn == "" {
			continue
		}
		for _, q := range append([]string{k.twin.pkg + "." + k.twin.fn}, k.twin.also...) {
			if pkg, _ := splitFunc(q); !slices.Contains(pkgs, pkg) {
				pkgs = append(pkgs, pkg)
			}
		}
	}
	bins := map[string]*binary{}
	if len(pkgs) > 0 {
		if err := build(dir, pkgs); err != nil {
			return err
		}
		for _, p := range pkgs {
			if bins[p], err = openBinary(filepath.Join(dir, binName(p))); err != nil {
				return err
			}
		}
	}

	var notes []string
	if major, _, _ := strings.Cut(version, "."); slices.ContainsFunc(cpus, func(c string) bool { return strings.HasPrefix(c, "neoverse-") }) {
		if v, err := strconv.Atoi(major); err == nil && v < 17 {
			notes = append(notes, fmt.Sprintf("llvm-mca %s predates LLVM 17, the first with Neoverse N1 and V1 scheduling models; -mca names a newer one.", version))
		}
	}
	for _, c := range cpus {
		if same, err := modelsAsA57(mca, c); err != nil {
			return err
		} else if same {
			notes = append(notes, fmt.Sprintf("llvm-mca %s has no scheduling model of its own for %s: it models it as a Cortex-A57.", version, c))
		}
	}

	type figures struct {
		cycles []float64 // per 64 units, per CPU
		err    error
	}
	portable := map[string]figures{}
	// est estimates the loops pick takes of fn: their cycles per 64
	// units, added.
	est := func(bin *binary, fn string, pick func([]*loop) []*loop, countUnit int) figures {
		ls, err := extract(bin, fn, pick, countUnit)
		if err != nil {
			return figures{err: err}
		}
		f := figures{cycles: make([]float64, len(cpus))}
		for li, l := range ls {
			text := l.mcaText()
			if verbose {
				title := fn
				if len(ls) > 1 {
					title += fmt.Sprintf(" (loop %d of %d, added)", li+1, len(ls))
				}
				fmt.Fprintf(w, "### %s\n\n%s\n\n```\n%s```\n\n", title, l.describe(), text)
			}
			for i, c := range cpus {
				r, err := runMCA(mca, c, text)
				if errors.Is(err, errUnsupported) {
					// An instruction this core lacks (FMLAL on an N1): the
					// kernel does not run there.
					f.cycles[i] = math.NaN()
					continue
				}
				if err != nil {
					return figures{err: fmt.Errorf("%s: %v", fn, err)}
				}
				per := r.totalCycles / iterations
				f.cycles[i] += per * blockUnits / float64(l.units)
				if verbose {
					fmt.Fprintf(w, "%s: %.2f cycles an iteration (Total Cycles / %d), Block RThroughput %.2f, %.2f cycles per 64 units\n",
						c, per, iterations, r.blockRThroughput, per*blockUnits/float64(l.units))
				}
			}
			if verbose {
				fmt.Fprintln(w)
			}
		}
		return f
	}

	short := make([]string, len(cpus))
	for i, c := range cpus {
		short[i] = c
		if s, ok := strings.CutPrefix(c, "neoverse-"); ok {
			short[i] = strings.ToUpper(s)
		}
	}
	var rows [][]string
	var footnotes []string
	unsupported := false // a kernel whose instructions a core lacks
	var failures []string
	for _, k := range kernels {
		pickNEON := neonLoop
		if k.twin.phases {
			pickNEON = neonPhases
		}
		nf := est(asmBin, module+"/asm."+k.raw+".abi0", pickNEON, k.twin.countUnit)
		if nf.err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", k.name(), nf.err))
			continue
		}
		name := k.name()
		var nums []int
		for _, n := range k.twin.notes {
			i := slices.Index(footnotes, n)
			if i < 0 {
				footnotes = append(footnotes, n)
				i = len(footnotes) - 1
			}
			nums = append(nums, i+1)
		}
		slices.Sort(nums)
		for i, n := range nums {
			if i > 0 {
				name += "˒"
			}
			name += superscript(n)
		}
		row := []string{name, "—"}
		var pf figures
		if k.twin.fn != "" {
			// The portable loops: fn's, and those of also, added.
			var names []string
			pf.cycles = make([]float64, len(cpus))
			for _, q := range append([]string{k.twin.pkg + "." + k.twin.fn}, k.twin.also...) {
				pkg, _ := splitFunc(q)
				fn := module + "/" + q
				f, ok := portable[fn]
				if !ok {
					f = est(bins[pkg], fn, portableLoop, 1)
					portable[fn] = f
				}
				names = append(names, path.Base(q))
				if f.err != nil {
					failures = append(failures, fmt.Sprintf("%s (portable twin of %s): %v", fn, k.name(), f.err))
					pf = figures{err: f.err}
					break
				}
				for i := range cpus {
					pf.cycles[i] += f.cycles[i]
				}
			}
			row[1] = strings.Join(names, " + ")
		}
		for i := range cpus {
			if pf.cycles != nil {
				row = append(row, fmt.Sprintf("%.1f", pf.cycles[i]))
			} else {
				row = append(row, "—")
			}
		}
		for i := range cpus {
			if math.IsNaN(nf.cycles[i]) {
				row = append(row, "—")
				unsupported = true
				continue
			}
			row = append(row, fmt.Sprintf("%.1f", nf.cycles[i]))
		}
		for i := range cpus {
			if pf.cycles != nil && !math.IsNaN(nf.cycles[i]) && !k.twin.noRatio {
				row = append(row, fmt.Sprintf("%.1f×", pf.cycles[i]/nf.cycles[i]))
			} else {
				row = append(row, "—")
			}
		}
		rows = append(rows, row)
	}

	fmt.Fprintf(w, "Static estimate by llvm-mca %s (-mcpu=%s, %d iterations), not a measurement: cycles per 64 units of each kernel's main loop, from llvm-mca's Total Cycles; ratio = portable / NEON.\n\n",
		version, strings.Join(cpus, ", "), iterations)
	header := []string{"kernel", "portable loop"}
	for _, s := range short {
		header = append(header, "portable "+s)
	}
	for _, s := range short {
		header = append(header, "NEON "+s)
	}
	for _, s := range short {
		header = append(header, "ratio "+s)
	}
	fmt.Fprintln(w, "| "+strings.Join(header, " | ")+" |")
	align := []string{"---", "---"}
	for range len(header) - 2 {
		align = append(align, "---:")
	}
	fmt.Fprintln(w, "|"+strings.Join(align, "|")+"|")
	for _, r := range rows {
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
	if len(footnotes) > 0 || len(notes) > 0 || len(unknown) > 0 || len(skipped) > 0 || unsupported {
		fmt.Fprintln(w)
	}
	for i, n := range footnotes {
		fmt.Fprintf(w, "%s %s.\n", superscript(i+1), strings.ToUpper(n[:1])+n[1:])
	}
	if unsupported {
		fmt.Fprintln(w, "—: the core lacks an instruction of the kernel (FEAT_FHM's FMLAL: Neoverse N1 has none; the library runs the FCVTL kernel there).")
	}
	for _, n := range notes {
		fmt.Fprintln(w, "Note:", n)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "Not estimated: %s.\n", strings.Join(skipped, "; "))
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "Not estimated (no rule in bench/mca for them): %s.\n", strings.Join(unknown, ", "))
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d failed:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	return nil
}

// modelsAsA57 reports whether llvm-mca mca gives cpu the Cortex-A57's
// scheduling model, its fallback where it has none of the core's, by
// comparing their summaries of a few instructions.
func modelsAsA57(mca, cpu string) (bool, error) {
	if cpu == "cortex-a57" {
		return false, nil
	}
	const probe = "fmul v0.4s, v1.4s, v2.4s\nfadd v3.4s, v0.4s, v3.4s\nldr q4, [x1, #16]\nadd x2, x2, #1\nsubs x3, x3, #1\n"
	a, err := runMCA(mca, cpu, probe)
	if err != nil {
		return false, err
	}
	b, err := runMCA(mca, "cortex-a57", probe)
	if err != nil {
		return false, err
	}
	return a == b, nil
}

// mcaResult is what the table takes of llvm-mca's summary.
type mcaResult struct {
	totalCycles      float64
	blockRThroughput float64
	dispatchWidth    float64
}

var (
	totalCyclesRE   = regexp.MustCompile(`(?m)^Total Cycles:\s+([0-9.]+)`)
	rThroughputRE   = regexp.MustCompile(`(?m)^Block RThroughput:\s+([0-9.]+)`)
	dispatchWidthRE = regexp.MustCompile(`(?m)^Dispatch Width:\s+([0-9.]+)`)
)

// errUnsupported is runMCA's error for a loop with an instruction the core
// does not have.
var errUnsupported = errors.New("an instruction the core lacks")

// runMCA runs llvm-mca on the assembly text for cpu.
func runMCA(mca, cpu, text string) (mcaResult, error) {
	cmd := exec.Command(mca, "-mtriple=aarch64", "-mcpu="+cpu, fmt.Sprintf("-iterations=%d", iterations),
		"-instruction-info=false", "-resource-pressure=false")
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "instruction requires:") {
			return mcaResult{}, fmt.Errorf("llvm-mca -mcpu=%s: %w: %s", cpu, errUnsupported, firstLines(stderr.String(), 1))
		}
		return mcaResult{}, fmt.Errorf("llvm-mca -mcpu=%s: %v\n%s", cpu, err, firstLines(stderr.String(), 10))
	}
	if strings.Contains(stderr.String(), "is not a recognized processor") {
		return mcaResult{}, fmt.Errorf("llvm-mca: %s", firstLines(stderr.String(), 2))
	}
	out := stdout.String()
	var r mcaResult
	for _, f := range []struct {
		re  *regexp.Regexp
		dst *float64
	}{{totalCyclesRE, &r.totalCycles}, {rThroughputRE, &r.blockRThroughput}, {dispatchWidthRE, &r.dispatchWidth}} {
		m := f.re.FindStringSubmatch(out)
		if m == nil {
			return mcaResult{}, fmt.Errorf("llvm-mca -mcpu=%s: no %q in its output", cpu, f.re.String())
		}
		*f.dst, _ = strconv.ParseFloat(m[1], 64)
	}
	return r, nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// binary is an arm64 ELF executable's functions.
type binary struct {
	path   string
	funcs  []sym // by address
	byName map[string]sym
	byAddr map[uint64]sym
}

type sym struct {
	name       string
	addr, size uint64
}

func openBinary(path string) (*binary, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		return nil, fmt.Errorf("%s: not an arm64 executable", path)
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	b := &binary{path: path, byName: map[string]sym{}, byAddr: map[uint64]sym{}}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Size == 0 {
			continue
		}
		x := sym{s.Name, s.Value, s.Size}
		b.funcs = append(b.funcs, x)
		b.byName[x.name] = x
		b.byAddr[x.addr] = x
	}
	sort.Slice(b.funcs, func(i, j int) bool { return b.funcs[i].addr < b.funcs[j].addr })
	return b, nil
}

// inst is one disassembled instruction.
type inst struct {
	addr   uint64
	op     string   // the mnemonic, e.g. b.ne
	args   []string // the operands, split at top-level commas, comment dropped
	target uint64   // a branch's target, or the address an operand names
	hasTgt bool
	callee string // a bl's target function
}

var (
	instLineRE = regexp.MustCompile(`^\s*([0-9a-f]+):\t(\S+)(?:\t(.*))?$`)
	addrRefRE  = regexp.MustCompile(`^([0-9a-f]+) <([^>]*)>$`)
)

// disasm disassembles the function name of b with objdump.
func (b *binary) disasm(name string) ([]inst, error) {
	s, ok := b.byName[name]
	if !ok {
		return nil, fmt.Errorf("no function %s in %s", name, filepath.Base(b.path))
	}
	out, err := exec.Command(objdump, "-d", "--no-show-raw-insn",
		fmt.Sprintf("--start-address=0x%x", s.addr), fmt.Sprintf("--stop-address=0x%x", s.addr+s.size), b.path).Output()
	if err != nil {
		return nil, fmt.Errorf("%s -d %s: %v", objdump, name, err)
	}
	var insts []inst
	for line := range strings.SplitSeq(string(out), "\n") {
		m := instLineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		addr, _ := strconv.ParseUint(m[1], 16, 64)
		in := inst{addr: addr, op: m[2]}
		operands := m[3]
		if i := strings.Index(operands, "//"); i >= 0 {
			operands = operands[:i]
		}
		in.args = splitArgs(strings.TrimSpace(operands))
		if n := len(in.args); n > 0 {
			if r := addrRefRE.FindStringSubmatch(in.args[n-1]); r != nil {
				in.target, _ = strconv.ParseUint(r[1], 16, 64)
				in.hasTgt = true
				if in.op == "bl" && !strings.Contains(r[2], "+0x") {
					in.callee = r[2]
				}
			}
		}
		insts = append(insts, in)
	}
	if len(insts) == 0 {
		return nil, fmt.Errorf("%s: objdump gave no instructions", name)
	}
	return insts, nil
}

// splitArgs splits operands at the commas outside brackets and braces.
func splitArgs(s string) []string {
	if s == "" {
		return nil
	}
	var args []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}

// Instruction classes.

func isCondBranch(op string) bool {
	return strings.HasPrefix(op, "b.") || op == "cbz" || op == "cbnz" || op == "tbz" || op == "tbnz"
}

// noReturn reports whether a call to fn does not come back: the Go
// runtime's panics and stack growth.
func noReturn(fn string) bool {
	for _, p := range []string{"runtime.panic", "runtime.goPanic", "runtime.morestack", "runtime.throw"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// ends reports whether in ends a basic block, and whether execution can
// fall through past it.
func ends(in inst) (end, fallsThrough bool) {
	switch {
	case in.op == "b", in.op == "br", in.op == "ret", in.op == "udf", in.op == "brk", in.op == "hlt":
		return true, false
	case isCondBranch(in.op):
		return true, true
	case in.op == "bl" && noReturn(in.callee):
		return true, false
	}
	return false, true
}

// block is a basic block, insts[start:end] of its function.
type block struct {
	start, end int
	succ       []int
}

// cfg is a function's control-flow graph.
type cfg struct {
	name   string
	insts  []inst
	blocks []block
	idom   []int // immediate dominators, -1 for the entry and unreachable blocks
}

func newCFG(name string, insts []inst) *cfg {
	index := map[uint64]int{}
	for i, in := range insts {
		index[in.addr] = i
	}
	leader := make([]bool, len(insts)+1)
	leader[0] = true
	for i, in := range insts {
		if end, _ := ends(in); end {
			leader[i+1] = true
		}
		if in.hasTgt && (in.op == "b" || isCondBranch(in.op)) {
			if j, ok := index[in.target]; ok {
				leader[j] = true
			}
		}
	}
	g := &cfg{name: name, insts: insts}
	blockOf := make([]int, len(insts))
	for i := 0; i < len(insts); {
		j := i + 1
		for j < len(insts) && !leader[j] {
			j++
		}
		for k := i; k < j; k++ {
			blockOf[k] = len(g.blocks)
		}
		g.blocks = append(g.blocks, block{start: i, end: j})
		i = j
	}
	for bi := range g.blocks {
		b := &g.blocks[bi]
		last := insts[b.end-1]
		end, falls := ends(last)
		if !end || falls {
			if b.end < len(insts) {
				b.succ = append(b.succ, blockOf[b.end])
			}
		}
		if last.hasTgt && (last.op == "b" || isCondBranch(last.op)) {
			if j, ok := index[last.target]; ok && !slices.Contains(b.succ, blockOf[j]) {
				b.succ = append(b.succ, blockOf[j])
			}
		}
	}
	g.dominators()
	return g
}

// dominators computes idom by Cooper, Harvey and Kennedy's iteration.
func (g *cfg) dominators() {
	n := len(g.blocks)
	order := make([]int, 0, n) // postorder
	seen := make([]bool, n)
	var dfs func(int)
	dfs = func(b int) {
		seen[b] = true
		for _, s := range g.blocks[b].succ {
			if !seen[s] {
				dfs(s)
			}
		}
		order = append(order, b)
	}
	dfs(0)
	po := make([]int, n)
	for i := range po {
		po[i] = -1
	}
	for i, b := range order {
		po[b] = i
	}
	preds := make([][]int, n)
	for b := range g.blocks {
		for _, s := range g.blocks[b].succ {
			preds[s] = append(preds[s], b)
		}
	}
	idom := make([]int, n)
	for i := range idom {
		idom[i] = -1
	}
	idom[0] = 0
	intersect := func(a, b int) int {
		for a != b {
			for po[a] < po[b] {
				a = idom[a]
			}
			for po[b] < po[a] {
				b = idom[b]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(order) - 1; i >= 0; i-- {
			b := order[i]
			if b == 0 {
				continue
			}
			nd := -1
			for _, p := range preds[b] {
				if idom[p] < 0 {
					continue
				}
				if nd < 0 {
					nd = p
				} else {
					nd = intersect(p, nd)
				}
			}
			if nd != idom[b] {
				idom[b], changed = nd, true
			}
		}
	}
	idom[0] = -1
	g.idom = idom
}

// dominates reports whether block a dominates block b.
func (g *cfg) dominates(a, b int) bool {
	for ; b >= 0; b = g.idom[b] {
		if a == b {
			return true
		}
	}
	return false
}

// loop is a natural loop of a function.
type loop struct {
	g         *cfg
	header    int
	body      []int // its blocks, by address
	latches   []int // the blocks with an edge to the header
	innerMost bool

	// Set by extract:
	path      []inst // what llvm-mca simulates: the longest path round the loop
	spliced   []string
	counter   string // the counter register
	step      int    // its constant increment
	countUnit int    // units per unit of the counter
	units     int    // units per iteration
}

func (l *loop) size() int {
	n := 0
	for _, b := range l.body {
		n += l.g.blocks[b].end - l.g.blocks[b].start
	}
	return n
}

func (l *loop) contains(b int) bool { _, ok := slices.BinarySearch(l.body, b); return ok }

// loops returns the function's natural loops, one per header, by header
// address.
func (g *cfg) loops() []*loop {
	byHeader := map[int]*loop{}
	preds := make([][]int, len(g.blocks))
	for b := range g.blocks {
		for _, s := range g.blocks[b].succ {
			preds[s] = append(preds[s], b)
		}
	}
	for u := range g.blocks {
		if u != 0 && g.idom[u] < 0 {
			continue // unreachable
		}
		for _, h := range g.blocks[u].succ {
			if !g.dominates(h, u) {
				continue
			}
			l := byHeader[h]
			if l == nil {
				l = &loop{g: g, header: h, body: []int{h}}
				byHeader[h] = l
			}
			l.latches = append(l.latches, u)
			stack := []int{u}
			for len(stack) > 0 {
				b := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if slices.Contains(l.body, b) || (b != 0 && g.idom[b] < 0) {
					continue
				}
				l.body = append(l.body, b)
				stack = append(stack, preds[b]...)
			}
		}
	}
	var ls []*loop
	for _, l := range byHeader {
		slices.Sort(l.body)
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].header < ls[j].header })
	for _, l := range ls {
		l.innerMost = true
		for _, m := range ls {
			if m != l && l.contains(m.header) {
				l.innerMost = false
			}
		}
	}
	return ls
}

// neonLoop picks a NEON kernel's loop: the innermost with the most units
// per iteration, the last of equals.
func neonLoop(ls []*loop) []*loop {
	all := neonPhases(ls)
	if len(all) == 0 {
		return nil
	}
	return all[len(all)-1:]
}

// neonPhases picks every innermost loop of a NEON kernel with the most
// units per iteration: the loops of a kernel that runs them one after the
// other over the same units (twin.phases).
func neonPhases(ls []*loop) []*loop {
	var best []*loop
	for _, l := range ls {
		if !l.innerMost || l.units == 0 {
			continue
		}
		if len(best) > 0 && l.units > best[0].units {
			best = best[:0]
		}
		if len(best) == 0 || l.units == best[0].units {
			best = append(best, l)
		}
	}
	return best
}

// portableLoop picks a Go function's loop: of the innermost loops nested
// deepest, the one with the most instructions. (The portable sums add a
// block of 64 terms at a time in a loop inside the loop over the blocks;
// the loop over the last, partial block, outside it, has the bounds checks
// the block loop does not.)
func portableLoop(ls []*loop) []*loop {
	var best *loop
	bestDepth := -1
	for _, l := range ls {
		if !l.innerMost {
			continue
		}
		depth := 0
		for _, m := range ls {
			if m != l && m.contains(l.header) {
				depth++
			}
		}
		if depth > bestDepth || (depth == bestDepth && l.size() > best.size()) {
			best, bestDepth = l, depth
		}
	}
	if best == nil {
		return nil
	}
	return []*loop{best}
}

// extract disassembles the function fn of bin and returns the loops pick
// chooses, each with its counter found and its path laid out; the
// counters count countUnit units a step.
func extract(bin *binary, fn string, pick func([]*loop) []*loop, countUnit int) ([]*loop, error) {
	insts, err := bin.disasm(fn)
	if err != nil {
		return nil, err
	}
	g := newCFG(fn, insts)
	ls := g.loops()
	for _, l := range ls {
		if l.innerMost {
			if l.counter, l.step, err = l.findCounter(); err == nil {
				l.countUnit = countUnit
				l.units = l.step * countUnit
			}
		}
	}
	picked := pick(ls)
	if len(picked) == 0 {
		return nil, fmt.Errorf("%s: no loop with a counter found (%d loops)", fn, len(ls))
	}
	for _, l := range picked {
		if l.units == 0 {
			_, _, err := l.findCounter()
			return nil, fmt.Errorf("%s: loop at %#x: %v", fn, insts[g.blocks[l.header].start].addr, err)
		}
		if l.path, err = l.longestPath(); err != nil {
			return nil, fmt.Errorf("%s: %v", fn, err)
		}
		l.splice(bin)
	}
	return picked, nil
}

// regNum returns the number of general register r (x3 or w3), or "".
func regNum(r string) string {
	if len(r) > 1 && (r[0] == 'x' || r[0] == 'w') {
		if _, err := strconv.Atoi(r[1:]); err == nil {
			return r[1:]
		}
	}
	return ""
}

// immediate parses #n or #0xn.
func immediate(s string) (int, bool) {
	s, ok := strings.CutPrefix(s, "#")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 0, 64)
	return int(v), err == nil
}

var flagSetters = map[string]bool{
	"cmp": true, "cmn": true, "subs": true, "adds": true, "tst": true, "ands": true, "bics": true,
	"negs": true, "ccmp": true, "ccmn": true, "fcmp": true, "fcmpe": true, "adcs": true, "sbcs": true,
}

// findCounter finds the loop's counter: a register that a conditional
// branch with an edge out of the loop or to its header tests and that the
// loop sets to a register plus a constant (add, sub, adds or subs with an
// immediate): itself, or, where a call in the loop makes Go spill the
// counter, its copy reloaded from the stack. Failing that, a register that
// a CBZ/CBNZ tests and that the loop sets to itself AND itself less one
// (word &= word - 1) counts the word's set bits, one a step.
func (l *loop) findCounter() (string, int, error) {
	g := l.g
	steps := map[string]int{}
	minusOne := map[string]string{} // d → s for each d = s - 1
	clears := map[string]bool{}     // the registers x = x & (x-1)
	for _, b := range l.body {
		for _, in := range g.insts[g.blocks[b].start:g.blocks[b].end] {
			if in.op == "and" && len(in.args) == 3 {
				d, a, c := regNum(in.args[0]), regNum(in.args[1]), regNum(in.args[2])
				if d != "" && ((a == d && minusOne[c] == d) || (c == d && minusOne[a] == d)) {
					clears[d] = true
				}
			}
			if (in.op == "sub" || in.op == "subs") && len(in.args) == 3 && in.args[2] == "#0x1" {
				if d, s := regNum(in.args[0]), regNum(in.args[1]); d != "" && s != "" {
					minusOne[d] = s
				}
			}
			switch in.op {
			case "add", "sub", "adds", "subs":
			default:
				continue
			}
			if len(in.args) < 3 || len(in.args) > 4 {
				continue
			}
			d := regNum(in.args[0])
			if d == "" || regNum(in.args[1]) == "" {
				continue
			}
			v, ok := immediate(in.args[2])
			if !ok {
				continue
			}
			if len(in.args) == 4 {
				if in.args[3] != "lsl #12" {
					continue
				}
				v <<= 12
			}
			steps[d] = max(steps[d], v)
		}
	}
	for _, b := range l.body {
		blk := g.blocks[b]
		last := g.insts[blk.end-1]
		if !isCondBranch(last.op) {
			continue
		}
		steers := false
		for _, s := range blk.succ {
			if s == l.header || !l.contains(s) {
				steers = true
			}
		}
		if !steers {
			continue
		}
		var tested []string
		if strings.HasPrefix(last.op, "b.") {
			for i := blk.end - 2; i >= blk.start; i-- {
				if in := g.insts[i]; flagSetters[in.op] {
					tested = in.args
					break
				}
			}
		} else if len(last.args) > 0 {
			tested = last.args[:1]
		}
		for _, a := range tested {
			// an operand such as "x5, lsl #6" is split off; the register
			// comes first
			f := strings.Fields(a)
			if len(f) == 0 {
				continue
			}
			r := regNum(f[0])
			if s, ok := steps[r]; ok && s > 0 {
				return "x" + r, s, nil
			}
			if clears[r] && (last.op == "cbz" || last.op == "cbnz") {
				// a loop over the set bits of a word, one an iteration
				return "x" + r, 1, nil
			}
		}
	}
	return "", 0, errors.New("no counter: no register stepped by a constant is tested by a branch leaving the loop or to its header")
}

// longest returns the instructions of the longest path (in instructions)
// from block from along the edges next allows to a block end accepts; those
// edges must form no cycle.
func (g *cfg) longest(from int, next func(s int) bool, end func(b int) bool) ([]inst, error) {
	size := func(b int) int { return g.blocks[b].end - g.blocks[b].start }
	// a topological order, by DFS
	state := map[int]int{} // 1 on the stack, 2 done
	var topo []int
	var visit func(int) error
	visit = func(b int) error {
		state[b] = 1
		for _, s := range g.blocks[b].succ {
			if !next(s) {
				continue
			}
			switch state[s] {
			case 1:
				return fmt.Errorf("a cycle through %#x", g.insts[g.blocks[s].start].addr)
			case 0:
				if err := visit(s); err != nil {
					return err
				}
			}
		}
		state[b] = 2
		topo = append(topo, b)
		return nil
	}
	if err := visit(from); err != nil {
		return nil, err
	}
	slices.Reverse(topo)
	dist := map[int]int{from: size(from)}
	prev := map[int]int{}
	for _, b := range topo {
		for _, s := range g.blocks[b].succ {
			if next(s) && dist[b]+size(s) > dist[s] {
				dist[s], prev[s] = dist[b]+size(s), b
			}
		}
	}
	last, best := -1, -1
	for _, b := range topo {
		if end(b) && dist[b] > best {
			last, best = b, dist[b]
		}
	}
	if last < 0 {
		return nil, errors.New("no path")
	}
	var blocks []int
	for b := last; ; b = prev[b] {
		blocks = append(blocks, b)
		if b == from {
			break
		}
	}
	slices.Reverse(blocks)
	var path []inst
	for _, b := range blocks {
		path = append(path, g.insts[g.blocks[b].start:g.blocks[b].end]...)
	}
	return path, nil
}

// longestPath lays out the loop's longest path from its header round to
// it; the body less the edges to the header is acyclic, as an innermost
// natural loop's is.
func (l *loop) longestPath() ([]inst, error) {
	path, err := l.g.longest(l.header,
		func(s int) bool { return s != l.header && l.contains(s) },
		func(b int) bool { return slices.Contains(l.latches, b) })
	if err != nil {
		return nil, fmt.Errorf("loop at %#x: %v", l.g.insts[l.g.blocks[l.header].start].addr, err)
	}
	return path, nil
}

// splice replaces each call on the path to a leaf function without loops
// by that function's longest path to a return, after the bl.
func (l *loop) splice(bin *binary) {
	var out []inst
	for _, in := range l.path {
		out = append(out, in)
		if in.op != "bl" || in.callee == "" || noReturn(in.callee) {
			continue
		}
		body, err := leafPath(bin, in.callee)
		if err != nil {
			l.spliced = append(l.spliced, fmt.Sprintf("%s not followed: %v", in.callee, err))
			continue
		}
		out = append(out, body...)
		l.spliced = append(l.spliced, fmt.Sprintf("%s: %d instructions spliced in", in.callee, len(body)))
	}
	l.path = out
}

// leafPath returns the longest path of the leaf function fn from its entry
// to a ret.
func leafPath(bin *binary, fn string) ([]inst, error) {
	insts, err := bin.disasm(fn)
	if err != nil {
		return nil, err
	}
	for _, in := range insts {
		if (in.op == "bl" && !noReturn(in.callee)) || in.op == "blr" {
			return nil, errors.New("not a leaf")
		}
	}
	g := newCFG(fn, insts)
	if len(g.loops()) > 0 {
		return nil, errors.New("has a loop")
	}
	return g.longest(0, func(int) bool { return true },
		func(b int) bool { return insts[g.blocks[b].end-1].op == "ret" })
}

// hasBackwardBranch reports whether the loop holds a branch to an address
// not after its own: a loop's mark in the layout.
func (l *loop) hasBackwardBranch() bool {
	g := l.g
	for _, b := range l.body {
		for _, in := range g.insts[g.blocks[b].start:g.blocks[b].end] {
			if in.hasTgt && (in.op == "b" || isCondBranch(in.op)) && in.target <= in.addr {
				return true
			}
		}
	}
	return false
}

// mcaText is the loop's path as llvm-mca reads it: no addresses or
// encodings, every address an operand names (branch targets, adrp pages)
// replaced by the label of the loop's top.
func (l *loop) mcaText() string {
	var sb strings.Builder
	sb.WriteString(".Lloop:\n")
	for _, in := range l.path {
		args := slices.Clone(in.args)
		if in.hasTgt {
			args[len(args)-1] = ".Lloop"
		}
		sb.WriteString("\t" + in.op)
		if len(args) > 0 {
			sb.WriteString("\t" + strings.Join(args, ", "))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// describe says which loop was taken, for -v.
func (l *loop) describe() string {
	g := l.g
	first := g.insts[g.blocks[l.header].start].addr
	var last uint64
	for _, b := range l.body {
		last = max(last, g.insts[g.blocks[b].end-1].addr)
	}
	s := fmt.Sprintf("Loop %#x–%#x: %d blocks, %d instructions; path laid out: %d instructions; counter %s steps by %d (×%d units) = %d units an iteration; backward branch: %v.",
		first, last, len(l.body), l.size(), len(l.path), l.counter, l.step, l.countUnit, l.units, l.hasBackwardBranch())
	for _, sp := range l.spliced {
		s += " Call " + sp + "."
	}
	return s
}
