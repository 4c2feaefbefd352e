//go:build !cgo

package cpeer

// Available reports whether this build has the C peer: not without cgo.
const Available = false

// Flags is the CFLAGS the peer would be compiled with.
const Flags = "-O3 -march=native -ffast-math"

// Exp are the constants of the exponential somas (see cpeer.go).
type Exp struct{ K, Delta, Rh, R, Thr, Reset float32 }

// Izh are Izhikevich's constants (see cpeer.go).
type Izh struct{ Rest, R, A, B, D, Thr, Reset, Dt float32 }

const unavailable = "cpeer: the C peer needs cgo (this build has CGO_ENABLED=0)"

func Leaky(float32, float32, float32, float32, []float32, []float32, []uint8)    { panic(unavailable) }
func Exponential(Exp, []float32, []float32, []uint8)                             { panic(unavailable) }
func RefractoryExponential(Exp, uint16, []float32, []uint16, []float32, []uint8) { panic(unavailable) }
func AdaptiveExponential(Exp, float32, float32, float32, []float32, []float32, []float32, []uint8) {
	panic(unavailable)
}
func SimplifiedAdaptiveExponential(Exp, uint16, float32, float32, []float32, []uint16, []float32, []float32, []uint8) {
	panic(unavailable)
}
func Izhikevich(Izh, []float32, []float32, []float32, []uint8) { panic(unavailable) }
