package lockstep

import (
	"fmt"
	"syscall"
	"unsafe"
)

// cpuMask is a thread's CPU affinity as Linux's sched_*affinity calls take
// it: bit c of word c/64 for CPU c, 1024 CPUs.
type cpuMask [16]uint64

// affinity returns the calling thread's CPU mask.
func affinity() (cpuMask, error) {
	var m cpuMask
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m))); e != 0 {
		return m, fmt.Errorf("lockstep: Pin: sched_getaffinity: %w", e)
	}
	return m, nil
}

// setAffinity binds the calling thread to the CPUs of m.
func setAffinity(m cpuMask) error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(m), uintptr(unsafe.Pointer(&m))); e != 0 {
		return fmt.Errorf("lockstep: Pin: sched_setaffinity: %w", e)
	}
	return nil
}
