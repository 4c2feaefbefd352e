//go:build !race

package asm

// Without the race detector the annotations cost nothing (see race.go).

func raceRead[T any]([]T)                                     {}
func raceWrite[T any]([]T)                                    {}
func raceScatter(string, []float32, []int32)                  {}
func raceRows[W any]([]float32, []int32, []W, []int32, []int) {}
