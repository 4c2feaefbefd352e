//go:build !linux

package lockstep

import "errors"

// cpuMask is a thread's CPU affinity: none off Linux.
type cpuMask [16]uint64

var errNoAffinity = errors.New("lockstep: pinning threads to CPUs needs Linux (sched_setaffinity)")

func affinity() (cpuMask, error) { return cpuMask{}, errNoAffinity }
func setAffinity(cpuMask) error  { return errNoAffinity }
