package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestParseOnly: -only takes the known sections, in any order and with
// spaces, and refuses any other name, naming it.
func TestParseOnly(t *testing.T) {
	m, err := parseOnly("kernels, somas")
	if err != nil || !slices.Equal(slices.Sorted(maps.Keys(m)), []string{"kernels", "somas"}) {
		t.Errorf(`parseOnly("kernels, somas") = %v, %v`, m, err)
	}
	for _, bad := range []string{"cuba,kernal", "", "somas,"} {
		if _, err := parseOnly(bad); err == nil || !strings.Contains(err.Error(), "no section") {
			t.Errorf("parseOnly(%q): error %v, want one naming the section", bad, err)
		}
	}
}

// TestJSONToStdout: with -json -, standard output is the JSON alone (a pipe
// can decode it) and the report goes to standard error. The test runs the
// command's main in a child process of the test binary.
func TestJSONToStdout(t *testing.T) {
	if args := os.Getenv("SPARK_BENCH_ARGS"); args != "" {
		flag.CommandLine = flag.NewFlagSet("bench", flag.ExitOnError)
		os.Args = append([]string{"bench"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestJSONToStdout$")
	cmd.Env = append(os.Environ(), "SPARK_BENCH_ARGS=-json - -only somas -n 64 -duration 0.01 -out "+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bench -json -: %v\n%s", err, stderr.String())
	}
	var r Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("standard output is not the JSON report: %v\n%s", err, stdout.String())
	}
	if len(r.Somas) == 0 || r.Machine.GOARCH == "" {
		t.Errorf("the JSON report has no somas or machine: %+v", r)
	}
	if !strings.Contains(stderr.String(), "spark bench:") || !strings.Contains(stderr.String(), "Leaky") {
		t.Errorf("the report is not on standard error:\n%s", stderr.String())
	}
}
