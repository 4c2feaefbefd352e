package testutil

import "math"

// Int returns v as an int, saturated at math.MaxInt: a size such as 1<<40
// that a test writes for 64-bit platforms and that must still compile, as
// the largest int, on 32-bit ones.
func Int(v uint64) int { return int(min(v, math.MaxInt)) }
