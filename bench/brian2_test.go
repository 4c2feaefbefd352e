package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrian2Run: brian2Run takes the last JSON line of the script's
// output (Brian2 prints warnings before it) and scales the loop time to a
// simulated second; a script that fails or prints no result is an error.
func TestBrian2Run(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.sh")
	os.WriteFile(ok, []byte("echo 'FutureWarning: …'\necho '{\"loop_s\": 0.25, \"spikes\": 10, \"rate_hz\": 5.5}'\n"), 0o644)
	loop, rate, err := brian2Run("sh", ok, 4000, options{duration: 0.5, dt: 0.1}, 1)
	if err != nil || math.Abs(loop-0.5) > 1e-12 || rate != 5.5 {
		t.Errorf("brian2Run = %v, %v, %v; want 0.5 s per simulated s, 5.5 Hz", loop, rate, err)
	}
	fails := filepath.Join(dir, "traceback.sh")
	os.WriteFile(fails, []byte("echo 'Traceback …' >&2\necho 'ModuleNotFoundError: brian2' >&2\nexit 1\n"), 0o644)
	if _, _, err := brian2Run("sh", fails, 4000, options{duration: 1, dt: 0.1}, 1); err == nil || !strings.Contains(err.Error(), "ModuleNotFoundError: brian2") {
		t.Errorf("a failing script: error %v, want one ending with its exception", err)
	}
	for name, body := range map[string]string{"none.sh": "echo compiled\n", "fails.sh": "exit 3\n"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, _, err := brian2Run("sh", p, 4000, options{duration: 1, dt: 0.1}, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
