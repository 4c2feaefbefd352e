package main

import (
	"maps"
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
