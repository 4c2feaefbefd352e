// Package spark holds what every part of the library shares: [Param], a model
// parameter given once for a whole population or once per unit; [Spikes], the
// compact one-bit-per-unit form in which somas emit spikes and synapses take
// them; [ConfigError], the error every constructor returns for a bad config;
// and [CheckpointError], the error of a checkpoint a population refuses to
// restore (docs/checkpoints.md).
//
// The models themselves live in the subpackages: soma (the neuron models),
// trace (the traces), syn (the synapses, with float16 kernels), f16 (the
// float16 conversions) and vec (slice-level kernels for other simulators);
// lockstep steps shards of a network on several cores, and record records
// its spikes and states. Every model is a structure of arrays
// updated in place by one fused kernel per time step; the kernel runs on the
// fastest path the CPU offers and is tested against a plain scalar reference
// (internal/ref) written straight from the equations of docs/models.md.
package spark

import (
	"fmt"
	"math"
	"strconv"

	"github.com/sparkgo/spark/internal/cpu"
)

// The size limits every constructor checks (soma, trace and syn), refusing
// a larger config with a *[ConfigError] before it allocates anything.
//
// They lie far beyond what one process simulates: 2³⁰ units is a billion
// neurons, whose potentials alone take 4 GiB, and 2⁴⁰ synapses take 2 TiB
// as binary16. What they guarantee is that every size and index the library
// computes is valid: a unit index fits the int32 indices of sparse synapse
// storage, and the bytes of all the arrays one population allocates
// together (fewer than 128 per unit, trace or synapse) fit an int, so that
// no size wraps around. On 32-bit platforms, where an int has 31 bits of
// magnitude, both are math.MaxInt>>7 = 2²⁴ − 1 for that reason.
//
// A limit is not a promise that the memory exists: below it, an allocation
// that the machine cannot satisfy still ends the program.
const (
	// MaxUnits is the most units a population may have: a soma's or a
	// trace's Units, and a synapse population's Post and Pre.
	MaxUnits = min(1<<30, math.MaxInt>>7)

	// MaxSynapses is the most synapses, Post·Pre, that one synapse
	// population may connect, whether stored densely or not; traces per
	// synapse hold Post·Pre values per stage under the same limit.
	MaxSynapses = min(1<<40, math.MaxInt>>7)
)

// Param is a model parameter: one value for every unit of a population
// ([Uniform]) or one value per unit ([PerUnit]). The zero Param is unset, and
// a constructor replaces it with the model's default.
type Param struct {
	values  []float32 // nil: unset; otherwise the uniform value or the per-unit values
	uniform bool
}

// Uniform returns a parameter with the value v for every unit.
func Uniform(v float32) Param { return Param{values: []float32{v}, uniform: true} }

// PerUnit returns a parameter with the value v[i] for unit i. A constructor
// reads v when it runs and keeps no reference to it; len(v) must equal the
// population size.
func PerUnit(v []float32) Param {
	if v == nil {
		v = []float32{} // a nil slice still marks the parameter as set, so that its length is checked
	}
	return Param{values: v}
}

// IsSet reports whether the parameter was given; an unset one takes the default.
func (p Param) IsSet() bool { return p.values != nil }

// IsUniform reports whether the parameter has one value for every unit.
func (p Param) IsUniform() bool { return p.uniform }

// Values returns the uniform value as a one-element slice, or the per-unit
// values. The slice aliases the parameter's storage.
func (p Param) Values() []float32 { return p.values }

// String formats the parameter as its value or list of values.
func (p Param) String() string {
	switch {
	case !p.IsSet():
		return "unset"
	case p.uniform:
		return fmt.Sprint(p.values[0])
	default:
		return fmt.Sprint(p.values)
	}
}

// ConfigError is the error a constructor returns for a config it refuses. It
// names the config type and field, the offending value and the rule broken.
type ConfigError struct {
	Config string  // the config type, e.g. "soma.LeakyConfig"
	Field  string  // the Go field name, e.g. "PotentialTau"
	Index  int     // the unit whose value is bad, or -1 for a uniform value or the field as a whole
	Length bool    // Value is the number of per-unit values, not a value
	Value  float64 // the offending value
	Rule   string  // what the value must be, e.g. "must be > 0"
}

// Error formats the error as "Config.Field = value: rule", the field as
// Field[i] for a per-unit value and len(Config.Field) for a length.
func (e *ConfigError) Error() string {
	name := e.Config + "." + e.Field
	switch {
	case e.Length:
		name = "len(" + name + ")"
	case e.Index >= 0:
		name = fmt.Sprintf("%s[%d]", name, e.Index)
	}
	v := strconv.FormatFloat(e.Value, 'g', -1, 64)
	switch {
	case e.Value == math.Trunc(e.Value) && math.Abs(e.Value) <= 1<<53:
		v = strconv.FormatFloat(e.Value, 'f', -1, 64) // a size or count, in full
	case float64(float32(e.Value)) == e.Value:
		v = strconv.FormatFloat(e.Value, 'g', -1, 32) // a float32 parameter, as it was written
	}
	return fmt.Sprintf("%s = %s: %s", name, v, e.Rule)
}

// Path returns the name of the kernel path every model runs: "avx512",
// "avx2" or "generic" on amd64, "neon" or "generic" on arm64, the best
// this CPU and build support unless the SPARK_PATH environment variable
// names another.
func Path() string { return cpu.Selected.String() }
