//go:build !(linux || darwin)

package testutil

import (
	"errors"
	"runtime"
)

// Guard pages need mmap and mprotect, which package syscall offers on
// linux and darwin only; NewRegion skips the test elsewhere.
const guardSupported = false

var guardWhy = "no mmap/mprotect guard pages on " + runtime.GOOS

func mapGuarded(int) ([]byte, error) { return nil, errors.New(guardWhy) }

func unmapGuarded([]byte) error { return nil }
