//go:build linux || darwin

package testutil

import "syscall"

const guardSupported, guardWhy = true, ""

// mapGuarded maps dataLen bytes, a whole number of pages, between two pages
// that may not be read or written, and returns the whole mapping.
func mapGuarded(dataLen int) ([]byte, error) {
	mem, err := syscall.Mmap(-1, 0, dataLen+2*PageSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, err
	}
	for _, g := range [][]byte{mem[:PageSize], mem[PageSize+dataLen:]} {
		if err := syscall.Mprotect(g, syscall.PROT_NONE); err != nil {
			syscall.Munmap(mem)
			return nil, err
		}
	}
	return mem, nil
}

func unmapGuarded(mem []byte) error { return syscall.Munmap(mem) }
