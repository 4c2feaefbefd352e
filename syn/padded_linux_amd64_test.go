package syn

import (
	"encoding/binary"
	"os"
	"runtime"
	"testing"
	"unsafe"
)

// TestPaddedWritten: the accumulators that the draining kernels empty are
// written once when they are made, so that every page of them is the
// process's own (present and mapped once in /proc/self/pagemap), not the
// system's shared zero page, on which the AVX-512 kernels' masked stores
// take a slow path (see padded). amd64 only: those kernels are its own,
// and under emulation the pagemap would be the emulator's.
func TestPaddedWritten(t *testing.T) {
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Skip("no /proc/self/pagemap:", err)
	}
	defer f.Close()
	const page = 4096
	for _, n := range []int{100, 4096, 1 << 16, 1 << 20} {
		y := padded(n)
		y = y[:cap(y)]
		first := uintptr(unsafe.Pointer(unsafe.SliceData(y))) / page
		last := (uintptr(unsafe.Pointer(&y[len(y)-1]))) / page
		for p := first; p <= last; p++ {
			var e [8]byte
			if _, err := f.ReadAt(e[:], int64(p)*8); err != nil {
				t.Skip("pagemap unreadable:", err)
			}
			bits := binary.LittleEndian.Uint64(e[:])
			const present, exclusive = 1 << 63, 1 << 56
			if bits&present == 0 || bits&exclusive == 0 {
				t.Fatalf("padded(%d): page %d of %d is not the process's own (pagemap entry %#x)", n, p-first, last-first+1, bits)
			}
		}
		// y is read through page numbers only: without this, the
		// collector may free it mid-loop and the runtime return its pages
		// to the system, which the test would report as never written.
		runtime.KeepAlive(y)
	}
}
