package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark/internal/cpu"
)

// TestMain runs the command itself when the tests start it as a child
// process: TWOLAYER_ARGS holds its arguments.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("TWOLAYER_ARGS"); ok {
		if err := run(strings.Fields(args), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "twolayer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child runs the command in a fresh process on path p and returns its
// output.
func child(t *testing.T, p cpu.Path, args ...string) (string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TWOLAYER_ARGS="+strings.Join(args, " "), "SPARK_PATH="+p.String())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, errb.String())
	}
	return out.String(), nil
}

// spikes returns the spike lines of an output, and the number of each
// layer's.
func spikes(out string) (lines []string, layer1, layer2 int) {
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
		case strings.Fields(l)[1] == "1":
			layer1++
			lines = append(lines, l)
		default:
			layer2++
			lines = append(lines, l)
		}
	}
	return lines, layer1, layer2
}

// TestCheckpointInAnotherProcess runs the network of every soma without a
// stop, then on every path in two processes: one stops it mid-run and
// writes its checkpoint, the next restores it and finishes the run. The
// two give the spikes of the uninterrupted run, step for step and unit for
// unit, and both layers spike before and after the stop.
func TestCheckpointInAnotherProcess(t *testing.T) {
	const steps, stop = 1200, 500
	dir := t.TempDir()
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, model := range names {
		t.Run(model, func(t *testing.T) {
			var whole bytes.Buffer
			if err := run([]string{"-soma", model, "-steps", fmt.Sprint(steps)}, &whole); err != nil {
				t.Fatal(err)
			}
			want, _, _ := spikes(whole.String())
			for _, p := range cpu.Paths() {
				file := filepath.Join(dir, model+"-"+p.String()+".ckpt")
				first, err := child(t, p, "-soma", model, "-steps", fmt.Sprint(steps), "-stop", fmt.Sprint(stop), "-save", file)
				if err != nil {
					t.Fatalf("%v: %v", p, err)
				}
				second, err := child(t, p, "-soma", model, "-steps", fmt.Sprint(steps), "-restore", file)
				if err != nil {
					t.Fatalf("%v: %v", p, err)
				}
				a, a1, a2 := spikes(first)
				b, b1, b2 := spikes(second)
				if a1 == 0 || a2 == 0 || b1 == 0 || b2 == 0 {
					t.Fatalf("%v: spikes per layer %d and %d before the stop, %d and %d after: the run tests too little", p, a1, a2, b1, b2)
				}
				if got := append(a, b...); !slices.Equal(got, want) {
					i := 0
					for i < min(len(got), len(want)) && got[i] == want[i] {
						i++
					}
					t.Fatalf("%v: the stopped and restored run differs from the whole one at spike %d of %d/%d", p, i, len(got), len(want))
				}
				if !strings.HasPrefix(b[0], fmt.Sprint(stop)+" ") {
					t.Fatalf("%v: the restored run starts with %q, not at step %d", p, b[0], stop)
				}
			}
		})
	}
	// A checkpoint restored into a network of another soma is refused.
	_, err := child(t, cpu.Selected, "-soma", "Leaky", "-restore", filepath.Join(dir, "Izhikevich-"+cpu.Paths()[0].String()+".ckpt"))
	if err == nil || !strings.Contains(err.Error(), "spark: restoring a soma.Leaky: a checkpoint of soma.Izhikevich, not of soma.Leaky") {
		t.Errorf("a checkpoint of another soma: %v", err)
	}
}
