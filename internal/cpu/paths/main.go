// Command paths prints the kernel paths whose features this CPU has (per
// cpuid), whatever the build: the paths CI must test here.
//
//	go run ./internal/cpu/paths    # e.g. "generic avx2 avx512"
package main

import (
	"fmt"
	"strings"

	"github.com/sparkgo/spark/internal/cpu"
)

func main() {
	var have []string
	for p, name := range cpu.Names() {
		if cpu.HasFeatures(cpu.Path(p)) {
			have = append(have, name)
		}
	}
	fmt.Println(strings.Join(have, " "))
}
