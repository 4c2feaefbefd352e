package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The CUBA peer: the same network in Brian2's C++ standalone mode
// (peers/cuba_brian2.py, embedded), run on the same machine in the same
// run as the library's, round after round, so that the ratio of the two
// compares like with like. Brian2's figure is the loop time its generated
// main measures, without code generation and compilation; the library's is
// its runner's wall time, without the build, as the cuba section prints.

//go:embed peers/cuba_brian2.py
var brian2Script []byte

// brian2Rounds is how many times each runs at each size: the figures are
// their medians.
const brian2Rounds = 3

// Brian2Peer is one size's interleaved rounds.
type Brian2Peer struct {
	Units       int       `json:"units"`
	Library     []float64 `json:"library_s_per_simulated_s"` // one a round
	Brian2      []float64 `json:"brian2_s_per_simulated_s"`
	LibraryRate float64   `json:"library_rate_hz"` // medians
	Brian2Rate  float64   `json:"brian2_rate_hz"`
	Ratio       float64   `json:"ratio"` // Brian2's median over the library's
}

// brian2Python returns a Python that imports brian2, "" if none does.
func brian2Python() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import brian2").Run() == nil {
			return py
		}
	}
	return ""
}

// brian2Run is one Brian2 run of n units: its loop time per simulated
// second and its mean rate.
func brian2Run(py, script string, n int, o options, seed uint64) (float64, float64, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("spark-brian2-cuba-%d", n)) // kept: the next run compiles less
	cmd := exec.Command(py, script, fmt.Sprint(n), fmt.Sprint(o.duration), fmt.Sprint(o.dt), fmt.Sprint(seed), dir)
	out, err := cmd.Output()
	if err != nil {
		var msg string
		if ee, ok := err.(*exec.ExitError); ok { // Output kept its standard error
			lines := strings.Split(strings.TrimSpace(string(ee.Stderr)), "\n")
			msg = ": " + lines[len(lines)-1] // Python's exception, last
		}
		return 0, 0, fmt.Errorf("%s %s: %v%s", py, script, err, msg)
	}
	var r struct {
		Loop float64 `json:"loop_s"`
		Rate float64 `json:"rate_hz"`
	}
	lines := slices.DeleteFunc(strings.Split(string(out), "\n"), func(l string) bool { return len(l) == 0 || l[0] != '{' })
	if len(lines) == 0 {
		return 0, 0, fmt.Errorf("brian2: no result in %q", out)
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		return 0, 0, fmt.Errorf("brian2: %v", err)
	}
	return r.Loop / o.duration, r.Rate, nil
}

// libraryRun is one run of the library's CUBA network of n units: its wall
// time per simulated second and its mean rate.
func libraryRun(n int, o options, seed uint64) (float64, float64) {
	net, err := newCUBA(n, cubaShards(n, o.threads), o.dt, seed)
	if err != nil {
		fail(err.Error())
	}
	wall, _, _, _, _ := net.timedRun(cubaSteps(o), o.threads, o.pin)
	return wall / o.duration, float64(net.spikes()) / float64(n) / o.duration
}

// runBrian2Peers runs the peer at 4000 units and at -size, interleaved
// with the library, and prints both, their rates and the ratio. Without
// Brian2 it says so and returns nothing.
func runBrian2Peers(o options) []Brian2Peer {
	py := brian2Python()
	if py == "" {
		fmt.Println("  peers: Brian2 is not installed (Debian: apt-get install python3-brian g++); skipped")
		return nil
	}
	dir, err := os.MkdirTemp("", "spark-brian2")
	if err != nil {
		fail(err.Error())
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "cuba_brian2.py")
	if err := os.WriteFile(script, brian2Script, 0o644); err != nil {
		fail(err.Error())
	}
	sizes := []int{4000}
	if o.size != 4000 {
		sizes = append(sizes, o.size)
	}
	var peers []Brian2Peer
	for _, n := range sizes {
		fmt.Printf("  peers, %d units: Brian2's C++ standalone loop against this library's runner, %d interleaved rounds (%d thread(s) here, one there)\n",
			n, brian2Rounds, o.threads)
		if _, _, err := brian2Run(py, script, n, o, o.seed); err != nil { // generates and compiles; not counted
			fmt.Println("  peers:", err, "; skipped")
			return peers
		}
		p := Brian2Peer{Units: n}
		var libRates, b2Rates []float64
		for round := range brian2Rounds {
			seed := o.seed + uint64(round)
			l, lr := libraryRun(n, o, seed)
			b, br, err := brian2Run(py, script, n, o, seed)
			if err != nil {
				fmt.Println("  peers:", err, "; skipped")
				return peers
			}
			p.Library, p.Brian2 = append(p.Library, l), append(p.Brian2, b)
			libRates, b2Rates = append(libRates, lr), append(b2Rates, br)
			fmt.Printf("    round %d: library %.4f s, %.2f Hz; Brian2 %.4f s, %.2f Hz (per simulated second)\n", round+1, l, lr, b, br)
		}
		p.LibraryRate, p.Brian2Rate = median(libRates), median(b2Rates)
		p.Ratio = median(p.Brian2) / median(p.Library)
		fmt.Printf("    medians: library %.4f s, Brian2 %.4f s: %.1f× Brian2; rates %.2f Hz and %.2f Hz (%+.0f%%)\n",
			median(p.Library), median(p.Brian2), p.Ratio, p.LibraryRate, p.Brian2Rate, 100*(p.LibraryRate/p.Brian2Rate-1))
		peers = append(peers, p)
	}
	return peers
}
