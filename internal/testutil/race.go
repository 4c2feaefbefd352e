package testutil

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// childEnv marks a process that ExpectRace started.
const childEnv = "SPARK_TEST_RACE_CHILD"

// RaceChild reports whether this test binary runs as ExpectRace's child:
// a test that only makes sense there (two goroutines racing on purpose)
// skips otherwise.
func RaceChild() bool { return os.Getenv(childEnv) != "" }

// ExpectRace runs this test binary again with only the test named child,
// with env added to the environment, and fails t unless the race detector
// reports a data race in it: the way to test that -race sees what an
// assembly kernel reads and writes, which it cannot see by itself. It
// skips unless the binary was built with -race.
func ExpectRace(t *testing.T, child string, env ...string) {
	t.Helper()
	if !RaceEnabled {
		t.Skip("needs go test -race")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1", "-test.v")
	// The first report is all it takes: halting there keeps a child on
	// Go code, where every element races, from reporting for seconds. The
	// detector reports a race only if it can still find the earlier
	// access's stack in its history, which by default holds 32K events a
	// goroutine: a step of 4096 units can outrun it (seen once in CI on
	// the portable path, a loaded machine); the largest history keeps it.
	cmd.Env = append(append(os.Environ(), childEnv+"=1", "GORACE=halt_on_error=1 history_size=7"), env...)
	out, _ := cmd.CombinedOutput() // the child fails when it races: that is the point
	if !strings.Contains(string(out), "WARNING: DATA RACE") {
		t.Errorf("%s %v: the race detector reported no data race; output:\n%s", child, env, out)
	}
	if !strings.Contains(string(out), "=== RUN   "+child) {
		t.Errorf("%s %v: the child test did not run; output:\n%s", child, env, out)
	}
}
