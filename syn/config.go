package syn

import (
	"fmt"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
)

// LinearSynapsesConfig configures [LinearSynapses]; every synapse config
// embeds it (as the seed's configs derive from LinearSynapsesConfig).
//
// The kernel W[i, j] (pA) connects presynaptic unit j to post unit i. It is
// given post-major (W[i, j] at index i·Pre + j), by exactly one of Kernel,
// KernelF16 and Init, and stored as IEEE binary16 unless Float32 is set:
// float32 values are rounded to the nearest half, so each must be finite
// and at most 65504 in magnitude.
type LinearSynapsesConfig struct {
	// Post is the number of post units (the population the currents go
	// to), Pre of presynaptic units (the spikes' source): each > 0 and at
	// most spark.MaxUnits, with Post·Pre at most spark.MaxSynapses.
	Post int
	Pre  int

	Kernel    []float32         // Post·Pre weights (pA), post-major
	KernelF16 []float16.Float16 // or the same as binary16 values
	Init      Initializer       // or an initializer that draws them
	Float32   bool              // store the kernel as float32 instead of binary16

	// Inhibitory marks the presynaptic units whose spikes count −1 (nil:
	// none); its length is Pre.
	Inhibitory []bool

	// Storage chooses how the kernel is stored; see [Storage].
	Storage Storage

	// AsyncSpikes selects one spike per connection (as per-connection
	// delays produce) instead of one per presynaptic unit; see
	// [Synapses.Step].
	AsyncSpikes bool
}

// Every trace parameter of a traced synapse config is uniform, one value
// per post unit (Post values) or one per synapse (Post·Pre values,
// post-major). When every parameter is uniform along the presynaptic axis
// (one value, one per post unit, or per synapse but equal along each post
// unit's row), the synapses keep one trace per post unit; otherwise one per
// synapse. See the package documentation.

// TracedSynapsesConfig configures [TracedSynapses].
type TracedSynapsesConfig struct {
	LinearSynapsesConfig
	Dt float64 // time step (ms), > 0; 0 means 1 ms

	Tau   spark.Param // time constant τ (ms), > 0; default 5
	Scale spark.Param // scale c of the weighted input; default 1
	Base  spark.Param // base b of a synapse's trace; default 0
}

// RDTracedSynapsesConfig configures [RDTracedSynapses].
type RDTracedSynapsesConfig struct {
	LinearSynapsesConfig
	Dt float64 // time step (ms), > 0; 0 means 1 ms

	TauRise    spark.Param // rise time constant τr (ms), > 0; default 1
	ScaleRise  spark.Param // scale of the rise stage; default 1
	BaseRise   spark.Param // base of the rise stage; default 0
	TauDecay   spark.Param // decay time constant τd (ms), > 0; default 5
	ScaleDecay spark.Param // scale of the decay stage; default 1
	BaseDecay  spark.Param // base of the decay stage; default 0
}

// RFSTracedSynapsesConfig configures [RFSTracedSynapses].
type RFSTracedSynapsesConfig struct {
	LinearSynapsesConfig
	Dt float64 // time step (ms), > 0; 0 means 1 ms

	Alpha          spark.Param // weight α of the fast component, in [0, 1]; default 0.8
	TauRise        spark.Param // rise time constant τr (ms), > 0; default 1
	ScaleRise      spark.Param // scale of both rise stages; default 1
	BaseRise       spark.Param // base of both rise stages; default 0
	TauFastDecay   spark.Param // fast decay time constant (ms), > 0; default 5
	ScaleFastDecay spark.Param // scale of the fast decay stage; default 1
	BaseFastDecay  spark.Param // base of the fast decay stage; default 0
	TauSlowDecay   spark.Param // slow decay time constant (ms), > 0; default 50
	ScaleSlowDecay spark.Param // scale of the slow decay stage; default 1
	BaseSlowDecay  spark.Param // base of the slow decay stage; default 0
}

// DoubleTracedSynapsesConfig configures [DoubleTracedSynapses].
type DoubleTracedSynapsesConfig struct {
	LinearSynapsesConfig
	Dt float64 // time step (ms), > 0; 0 means 1 ms

	Tau1   spark.Param // first stage's time constant (ms), > 0; default 5
	Scale1 spark.Param // scale of the weighted input into the first stage; default 1
	Base1  spark.Param // first stage's base; default 0
	Tau2   spark.Param // second stage's time constant (ms), > 0; default 5
	Scale2 spark.Param // scale of T1 into the second stage; default 1
	Base2  spark.Param // second stage's base; default 0
}

func (c *TracedSynapsesConfig) fields() []config.Field {
	return config.TraceStage("", "", &c.Tau, &c.Scale, &c.Base, 5)
}

func (c *RDTracedSynapsesConfig) fields() []config.Field {
	return append(config.TraceStage("Rise", "_rise", &c.TauRise, &c.ScaleRise, &c.BaseRise, 1),
		config.TraceStage("Decay", "_decay", &c.TauDecay, &c.ScaleDecay, &c.BaseDecay, 5)...)
}

func (c *RFSTracedSynapsesConfig) fields() []config.Field {
	f := []config.Field{{Name: "Alpha", Seed: "alpha", Param: &c.Alpha, Default: 0.8, Rule: config.Fraction}}
	f = append(f, config.TraceStage("Rise", "_rise", &c.TauRise, &c.ScaleRise, &c.BaseRise, 1)...)
	f = append(f, config.TraceStage("FastDecay", "_fast_decay", &c.TauFastDecay, &c.ScaleFastDecay, &c.BaseFastDecay, 5)...)
	return append(f, config.TraceStage("SlowDecay", "_slow_decay", &c.TauSlowDecay, &c.ScaleSlowDecay, &c.BaseSlowDecay, 50)...)
}

func (c *DoubleTracedSynapsesConfig) fields() []config.Field {
	return append(config.TraceStage("1", "_1", &c.Tau1, &c.Scale1, &c.Base1, 5),
		config.TraceStage("2", "_2", &c.Tau2, &c.Scale2, &c.Base2, 5)...)
}

// Storage is how synapses store their kernel.
type Storage int

const (
	// AutoStorage is Sparse for synchronous spikes into traces per post
	// unit when at most 10% of the weights are non-zero, Dense otherwise.
	AutoStorage Storage = iota
	// Dense stores every weight: a row of Post weights per presynaptic
	// unit (synchronous spikes), or of Pre per post unit.
	Dense
	// Sparse stores, per presynaptic unit, the post units it reaches and
	// their weights; a spike scatters them. Synchronous spikes only. It
	// gives the same currents as Dense, bit for bit. It stores no zero
	// weight: one it does not store reads as +0 (a −0 of the kernel it was
	// made from too, where Dense keeps the −0); SetWeight may set it to
	// ±0 only (which changes nothing), and panics on another value;
	// SetKernel stores any kernel.
	Sparse
)

// String returns the storage's name: "auto", "dense" or "sparse", or
// "Storage(n)" for a value the package does not know.
func (s Storage) String() string {
	switch s {
	case AutoStorage:
		return "auto"
	case Dense:
		return "dense"
	case Sparse:
		return "sparse"
	}
	return fmt.Sprintf("Storage(%d)", int(s))
}
