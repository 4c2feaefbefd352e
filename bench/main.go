// Command bench is the library's main job: it measures what the library
// does on the machine it runs on and prints
//
//   - somas: a population of each soma model stepped for a simulated
//     second, with spike counts and steps per second;
//   - cuba: the CUBA network of Brette et al. (2007), built from the
//     library's somas and synapses, with wall time per simulated second,
//     rates and synaptic events;
//   - kernels: each kernel on every path the CPU has, against the memory
//     bandwidth measured in the same run.
//
// Usage:
//
//	go run ./bench [-only somas,cuba,kernels] [-json file] [flags]
//
// Run with -h for the flags.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/klauspost/cpuid/v2"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/cpu"
)

// options are the command's flags.
type options struct {
	only     map[string]bool
	jsonOut  string
	outDir   string
	n        int
	dt       float64
	duration float64
	seed     uint64
	size     int
	threads  int
	pin      bool
	peers    bool
	path     string
	quick    bool
}

// Report is everything the command measured, as -json writes it.
type Report struct {
	Machine Machine       `json:"machine"`
	Somas   []SomaResult  `json:"somas,omitempty"`
	CUBA    *CUBAResult   `json:"cuba,omitempty"`
	Kernels *KernelReport `json:"kernels,omitempty"`
}

// Machine describes where the figures come from.
type Machine struct {
	CPU    string   `json:"cpu"`
	Cores  int      `json:"cores"`
	GOOS   string   `json:"goos"`
	GOARCH string   `json:"goarch"`
	Go     string   `json:"go"`
	Path   string   `json:"path"`  // the path the somas and CUBA ran on
	Paths  []string `json:"paths"` // every path this CPU and build run
}

// sections are what -only picks from.
var sections = []string{"somas", "cuba", "kernels"}

// parseOnly returns the sections -only names, an error for a name that is
// not one.
func parseOnly(only string) (map[string]bool, error) {
	m := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(sections, s) {
			return nil, fmt.Errorf("-only %s: no section %q (the sections: %s)", only, s, strings.Join(sections, ", "))
		}
		m[s] = true
	}
	return m, nil
}

func main() {
	var o options
	only := flag.String("only", "somas,cuba,kernels", "sections to run, comma-separated: somas, cuba, kernels")
	flag.StringVar(&o.jsonOut, "json", "", "also write every figure as JSON to this file (-: to standard output, and the report to standard error)")
	flag.StringVar(&o.outDir, "out", "bench-out", "folder for the charts")
	flag.IntVar(&o.n, "n", 4096, "somas: units per population")
	flag.Float64Var(&o.dt, "dt", 0.1, "somas and cuba: time step (ms)")
	flag.Float64Var(&o.duration, "duration", 1, "somas and cuba: simulated time (s)")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of inputs and connectivity")
	flag.IntVar(&o.size, "size", 4000, "cuba: number of units (80 synapses per unit at any size)")
	flag.IntVar(&o.threads, "threads", 1, "cuba: shards of the units, stepped on min(threads, GOMAXPROCS) goroutines")
	flag.BoolVar(&o.pin, "pin", true, "cuba: with several goroutines, pin each to a CPU of its own (Linux; lockstep.Team.Pin)")
	flag.StringVar(&o.path, "path", "", "kernel path for somas and cuba: generic, avx2, avx512 or neon (default: the best)")
	flag.BoolVar(&o.peers, "peers", false, "cuba: also run the network in Brian2's C++ standalone mode (python3-brian, g++), interleaved, at 4000 units and -size")
	flag.BoolVar(&o.quick, "quick", false, "kernels: fewer sizes and shorter timings")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fail(err.Error())
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err.Error())
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	if o.only, err = parseOnly(*only); err != nil {
		fail(err.Error())
	}
	if o.n <= 0 || !(o.dt > 0) || !(o.duration > 0) || o.size <= 0 || o.threads <= 0 {
		fail("-n, -dt, -duration, -size and -threads must be > 0")
	}
	// The steps, int(duration/dt + 0.5) (cubaSteps), are at least one (a
	// time a step and a rate need some) and at most what a recorder
	// numbers (record.Spikes.Record: MaxInt32).
	if s := o.duration*1000/o.dt + 0.5; !(s >= 1 && s < math.MaxInt32+1) {
		fail(fmt.Sprintf("-duration %g s at -dt %g ms: want 1 to %d steps", o.duration, o.dt, math.MaxInt32))
	}
	if o.path != "" {
		p, ok := pathNamed(o.path)
		if !ok || !cpu.Supported(p) {
			fail(fmt.Sprintf("-path %s: not a path this CPU and build run (%v)", o.path, cpu.Paths()))
		}
		cpu.Use(p)
	}

	jsonTo := os.Stdout
	if o.jsonOut == "-" {
		// Standard output holds the JSON alone, for a pipe; the report
		// goes to standard error.
		os.Stdout = os.Stderr
	}
	r := Report{Machine: machine()}
	fmt.Printf("spark bench: %s, %d cores; %s/%s, %s; paths %v, running %s\n",
		r.Machine.CPU, r.Machine.Cores, r.Machine.GOOS, r.Machine.GOARCH, r.Machine.Go, r.Machine.Paths, r.Machine.Path)
	if o.only["somas"] {
		r.Somas = runSomas(o)
	}
	if o.only["cuba"] {
		r.CUBA = runCUBA(o)
	}
	if o.only["kernels"] {
		r.Kernels = runKernels(o)
	}
	if o.jsonOut != "" {
		writeJSON(o.jsonOut, jsonTo, r)
	}
}

func machine() Machine {
	m := Machine{
		CPU: cpuid.CPU.BrandName, Cores: runtime.NumCPU(),
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Go: runtime.Version(), Path: spark.Path(),
	}
	for _, p := range cpu.Paths() {
		m.Paths = append(m.Paths, p.String())
	}
	return m
}

func pathNamed(name string) (cpu.Path, bool) {
	for p, n := range cpu.Names() {
		if strings.EqualFold(n, name) {
			return cpu.Path(p), true
		}
	}
	return 0, false
}

// writeJSON writes r as JSON to file, or to stdout where file is "-".
func writeJSON(file string, stdout *os.File, r Report) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		fail(err.Error())
	}
	b = append(b, '\n')
	if file == "-" {
		if _, err := stdout.Write(b); err != nil {
			fail(err.Error())
		}
		return
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		fail(err.Error())
	}
	fmt.Printf("\nwrote %s\n", file)
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(2)
}
