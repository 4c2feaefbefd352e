package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDurationSteps: a -duration that rounds to no step of -dt (or to
// more than a recorder's MaxInt32 steps, or past an int) is refused by the
// flags' check, naming the flags, as -duration ≤ 0 is. It was let through:
// cuba then panicked in record.Spikes.Rates(0, 0, …) after the run, somas
// printed +Inf µs a step and -json failed on it ("json: unsupported value:
// +Inf"). The command runs in a child process (TestJSONToStdout's hook).
func TestDurationSteps(t *testing.T) {
	dir := t.TempDir()
	for _, args := range []string{
		"-only cuba -size 100 -duration 0.00001",
		"-only somas -n 64 -duration 0.00001 -json " + dir + "/somas.json",
		"-only cuba -size 100 -duration 1e300",
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestJSONToStdout$")
		cmd.Env = append(os.Environ(), "SPARK_BENCH_ARGS="+args+" -out "+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err == nil || strings.Contains(out.String(), "panic:") || !strings.Contains(out.String(), "bench: -") || !strings.Contains(out.String(), "duration") {
			t.Errorf("bench %s: %v, want the flags refused by name; output:\n%.600s", args, err, out.String())
		}
	}
}
