// Package syn holds the synapse models of Spark (docs/models.md, "Synapses"): a
// population of Post units fed by Pre presynaptic units through a kernel of
// weights W[i, j] (pA, post i, pre j), stored as binary16 by default.
//
// A presynaptic spike counts σ[j] = −1 when unit j is inhibitory and +1
// otherwise, so the weighted input of post unit i is
//
//	y[i] = Σ_j W[i,j]·σ[j]·x[i,j]
//
// with x[i,j] = s[j] for synchronous spikes (one per presynaptic unit) and
// the spike of connection (i, j) for asynchronous ones. The sum is taken in
// float32 over the spiking j, whose terms are exact: in increasing j for
// synchronous spikes, and for asynchronous ones in the order of every sum of
// package vec (vec.MaskedSum: 64 interleaved partial sums reduced by
// halves).
// [LinearSynapses] output y. The traced models filter it through their
// trace (package trace), one per post unit, driven by y, with every base
// multiplied by Pre. When a trace parameter varies along the presynaptic
// axis, they keep one trace per synapse instead, driven by W[i,j]·σ[j]·x[i,j],
// and output the sum of post unit i's traces. The two forms give the same
// currents when the parameters allow both; the constructor picks the
// contracted one whenever it can.
//
// Synchronous spikes take the event-driven path: each spike adds one row of
// weights, so the kernel is stored transposed (pre-major) internally.
// Asynchronous spikes and per-synapse traces take the dense path over the
// post-major kernel. [Synapses.Kernel] always reads it back post-major.
//
// Synapses are not safe for concurrent use: Step updates their traces and
// scratch buffers in place. To step a large population on several cores,
// shard it by post units: one synapse population per shard, whose kernel
// [Rows] draws as rows [lo, hi) of the whole population's, each stepped by
// its own goroutine into its own currents. Step only reads the spikes (and
// StepIndices the list of indices), so the shards may share them while
// nothing writes them. bench/cuba.go does this.
//
// A soma may step the traces of the synapses that feed it together with
// its units, in one pass (soma.Soma's StepTraced): the synapses then
// Deliver the step's spikes, gathering their weighted input, rather than
// Step.
//
// Synapses save their traces and their kernel, as SetKernel and SetWeight
// left it, with WriteTo or MarshalBinary, and restore them with ReadFrom or
// UnmarshalBinary into synapses built from a config of the same shape,
// storage, inhibitory units and trace parameters (docs/checkpoints.md).
//
// Synapses come from their constructor. The zero value (TracedSynapses{})
// has no units: Post, Pre, Dt, Async and PerConnection return 0 or false,
// Traces nil and Reset does nothing; every other method panics with
// "syn.TracedSynapses: zero value: use NewTracedSynapses".
package syn

import (
	"encoding"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"unsafe"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
	"github.com/sparkgo/spark/vec"
)

// Synapses is what every synapse model does. The models share these
// methods' code, which go doc lists here rather than under each type; the
// traced models add those of [Traced].
type Synapses interface {
	// Post and Pre return the kernel's shape.
	Post() int
	Pre() int
	// Async reports whether Step takes one spike per connection.
	Async() bool
	// Step advances the synapses by one time step and writes the current
	// of every post unit (pA) to currents, which must have Post() values.
	// Synchronous spikes are spark.SpikeWords(Pre()) words, the form a
	// soma's Step writes; asynchronous spikes are Post() rows of
	// spark.SpikeWords(Pre()) words, row i holding the spikes that reach
	// post unit i (see [AsyncSpikes]). Step panics on other lengths, or
	// on bits set past the last presynaptic unit, before reading or
	// writing anything else. It allocates nothing.
	Step(spikes spark.Spikes, currents []float32)
	// StepIndices is Step for synchronous spikes given as the indices of
	// the presynaptic units that spiked, strictly increasing.
	StepIndices(pre []int, currents []float32)
	// StepAdd is Step adding its currents to those in currents, for
	// several synapse populations onto one: currents[i] += I[i].
	StepAdd(spikes spark.Spikes, currents []float32)
	// StepAddIndices is StepAdd for spikes given as StepIndices takes
	// them.
	StepAddIndices(pre []int, currents []float32)
	// Reset sets every trace to its base and drops the input that
	// Deliver gathered, if a soma's StepTraced has not taken it yet.
	Reset()
	// Kernel writes the weights, post-major, to dst (nil: allocated),
	// which must have Post()·Pre() values, and returns it.
	Kernel(dst []float32) []float32
	// SetKernel replaces the weights, given post-major, as the
	// constructor would take them: an error leaves the kernel unchanged.
	SetKernel(w []float32) error
	// Weight returns W[i, j]; SetWeight sets it, rounded to the storage
	// precision. SetWeight panics, changing nothing, on a weight the
	// constructor would refuse: NaN, ±Inf, or, stored as binary16, one
	// beyond 65504 in magnitude.
	Weight(i, j int) float32
	SetWeight(i, j int, w float32)

	// WriteTo writes a checkpoint of the synapses to w (the model, its
	// shape, storage, inhibitory units and trace parameters, the traces'
	// states and the kernel, whose weights SetKernel and SetWeight may
	// have changed) and returns the bytes written; MarshalBinary returns
	// the same bytes. ReadFrom and UnmarshalBinary restore one into
	// synapses built from the same config (the kernel aside), which then
	// step on bit for bit as the ones that wrote it would have; they
	// return a *[spark.CheckpointError], changing nothing, for any other.
	// A checkpoint holds no input that Deliver gathered and a soma's
	// StepTraced has not taken yet: write one between steps. A restore
	// drops any such input, as Reset does.
	// ReadFrom reads nothing past the checkpoint. docs/checkpoints.md
	// describes the format.
	io.WriterTo
	io.ReaderFrom
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// Traced is what the traced models (all but LinearSynapses) add to
// [Synapses].
type Traced interface {
	Synapses
	// Dt returns the time step (ms).
	Dt() float64
	// PerConnection reports whether the synapses keep one trace per
	// synapse rather than one per post unit.
	PerConnection() bool
	// Traces returns the live trace states, one array per stage of the
	// trace: Post values each, or Post·Pre (post-major) per connection.
	// Writing to them changes the traces.
	Traces() [][]float32
}

var (
	_ Synapses = (*LinearSynapses)(nil)
	_ Traced   = (*TracedSynapses)(nil)
	_ Traced   = (*RDTracedSynapses)(nil)
	_ Traced   = (*RFSTracedSynapses)(nil)
	_ Traced   = (*DoubleTracedSynapses)(nil)
)

// AsyncSpikes returns an empty set of asynchronous spikes for post·pre
// connections: post rows of spark.SpikeWords(pre) words. Connection (i, j)
// is bit j%64 of word i·spark.SpikeWords(pre) + j/64.
// It panics unless post and pre are in [0, spark.MaxUnits] and post·pre is
// at most spark.MaxSynapses: sizes that some synapses could take.
func AsyncSpikes(post, pre int) spark.Spikes {
	if post < 0 || pre < 0 || post > spark.MaxUnits || pre > spark.MaxUnits || uint64(post)*uint64(pre) > spark.MaxSynapses {
		panic(fmt.Sprintf("syn: AsyncSpikes(%d, %d): post and pre must be in [0, spark.MaxUnits = %d] and post·pre at most spark.MaxSynapses = %d",
			post, pre, spark.MaxUnits, spark.MaxSynapses))
	}
	return make(spark.Spikes, post*spark.SpikeWords(pre))
}

// LinearSynapses output the weighted input: I[i] = Σ_j W[i,j]·σ[j]·x[i,j]
// (Spark's LinearSynapses). Reference: Gerstner, Kistler, Naud and
// Paninski, Neuronal Dynamics (2014), chapter 1.3,
// https://neuronaldynamics.epfl.ch/online/Ch1.S3.html.
//
// LinearSynapses are not safe for concurrent use: Step updates their
// state and scratch buffers in place (see the package documentation to
// shard them).
type LinearSynapses struct{ linearBase }

type linearBase = synapses[LinearSynapses]

// NewLinearSynapses returns the synapses, or a *[spark.ConfigError].
func NewLinearSynapses(cfg LinearSynapsesConfig) (*LinearSynapses, error) {
	s := &LinearSynapses{}
	if err := s.init(&cfg, 0, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// TracedSynapses filter the weighted input through a [trace.Tracer]
// (Spark's TracedSynapses): per post unit,
//
//	T ← T + λ·(b·Pre − T) + c·y,  λ = 1 − exp(−dt/τ)
//
// and I = T; per synapse when τ, c or b vary along the presynaptic axis.
//
// TracedSynapses are not safe for concurrent use: Step updates their
// state and scratch buffers in place (see the package documentation to
// shard them).
type TracedSynapses struct{ tracedBase }

type tracedBase = withTraces[TracedSynapses]

// NewTracedSynapses returns the synapses with every trace at its base, or
// a *[spark.ConfigError].
func NewTracedSynapses(cfg TracedSynapsesConfig) (*TracedSynapses, error) {
	s := &TracedSynapses{}
	if err := s.init(&cfg.LinearSynapsesConfig, cfg.Dt, cfg.fields()); err != nil {
		return nil, err
	}
	return s, nil
}

// RDTracedSynapses filter the weighted input through a rise–decay trace
// ([trace.RDTracer]; Spark's RDTracedSynapses): the current is
// T_decay − T_rise, a difference of exponentials.
//
// RDTracedSynapses are not safe for concurrent use: Step updates their
// state and scratch buffers in place (see the package documentation to
// shard them).
type RDTracedSynapses struct{ rdTracedBase }

type rdTracedBase = withTraces[RDTracedSynapses]

// NewRDTracedSynapses returns the synapses with every trace at its base, or
// a *[spark.ConfigError].
func NewRDTracedSynapses(cfg RDTracedSynapsesConfig) (*RDTracedSynapses, error) {
	s := &RDTracedSynapses{}
	if err := s.init(&cfg.LinearSynapsesConfig, cfg.Dt, cfg.fields()); err != nil {
		return nil, err
	}
	return s, nil
}

// RFSTracedSynapses filter the weighted input through a rise, fast-decay
// and slow-decay trace ([trace.RFSTracer]; Spark's RFSTracedSynapses): the
// current is α·fast + (1 − α)·slow.
//
// RFSTracedSynapses are not safe for concurrent use: Step updates their
// state and scratch buffers in place (see the package documentation to
// shard them).
type RFSTracedSynapses struct{ rfsTracedBase }

type rfsTracedBase = withTraces[RFSTracedSynapses]

// NewRFSTracedSynapses returns the synapses with every trace at its base,
// or a *[spark.ConfigError].
func NewRFSTracedSynapses(cfg RFSTracedSynapsesConfig) (*RFSTracedSynapses, error) {
	s := &RFSTracedSynapses{}
	if err := s.init(&cfg.LinearSynapsesConfig, cfg.Dt, cfg.fields()); err != nil {
		return nil, err
	}
	return s, nil
}

// DoubleTracedSynapses filter the weighted input through two traces in
// cascade ([trace.DoubleTracer]; the earlier release's
// DoubleTracedSynapses): the current is T2, driven by T1.
//
// DoubleTracedSynapses are not safe for concurrent use: Step updates their
// state and scratch buffers in place (see the package documentation to
// shard them).
type DoubleTracedSynapses struct{ doubleTracedBase }

type doubleTracedBase = withTraces[DoubleTracedSynapses]

// NewDoubleTracedSynapses returns the synapses with every trace at its
// base, or a *[spark.ConfigError].
func NewDoubleTracedSynapses(cfg DoubleTracedSynapsesConfig) (*DoubleTracedSynapses, error) {
	s := &DoubleTracedSynapses{}
	if err := s.init(&cfg.LinearSynapsesConfig, cfg.Dt, cfg.fields()); err != nil {
		return nil, err
	}
	return s, nil
}

// synapses is the state and kernel every model shares; the models differ
// only in their trace. T is the public type that embeds it, for messages:
// a zero value, made without its constructor, has no other record of it.
// Each type embeds it through an unexported alias (linearBase =
// synapses[LinearSynapses]), which go doc leaves out of the type's fields as
// it does not an instantiation.
type synapses[T any] struct {
	post, pre int
	words     int // spark.SpikeWords(pre)
	dt        float64
	async     bool
	inh       []bool

	// The kernel, signs folded in (σ[j]·W[i,j]), as binary16 (w16) or
	// float32 (w32). postMajor: row i holds post unit i's weights, Pre of
	// them; otherwise row j holds presynaptic unit j's, Post of them.
	w16       []float16.Float16
	w32       []float32
	postMajor bool

	f32    bool    // weights stored as float32 rather than binary16
	sparse bool    // stored by presynaptic row: only the non-zero weights
	start  []int32 // sparse: row j's weights are [start[j], start[j+1])
	idx    []int32 // sparse: the post unit of each weight

	tr         *tracer.Trace // nil for LinearSynapses
	perConn    bool          // one trace per synapse
	drive, out []float32     // per synapse: the traces' drive and output
	buf        []float32     // scratch of the binary16 row kernels
	bits       spark.Spikes  // StepIndices' spikes when post-major
	sum        []float32     // StepAdd's currents
	y          []float32     // sparse, traced: the weighted input, zero between steps
	delivered  bool          // y holds what Deliver gathered, which no soma's StepTraced has taken yet
	rows       []int         // synchronous: the spiking rows of a Step, Pre at most
	hdr        ckpt.Header   // what a checkpoint must match
}

// name is the model's name, for errors and panics.
func (s *synapses[T]) name() string { return reflect.TypeFor[T]().Name() }

// live panics unless the synapses were made by their constructor.
func (s *synapses[T]) live() {
	if s.post == 0 {
		panic(config.ZeroValue[T]())
	}
}

// forcePerConnection makes the constructors keep one trace per synapse even
// when they could contract them: for tests.
var forcePerConnection bool

// init validates a config and builds the synapses; fields are the trace
// parameters (none for LinearSynapses).
func (s *synapses[T]) init(cfg *LinearSynapsesConfig, dt float64, fields []config.Field) error {
	model := s.name()
	name := "syn." + model + "Config"
	if err := cfg.checkShape(name); err != nil {
		return err
	}
	s.post, s.pre, s.async = cfg.Post, cfg.Pre, cfg.AsyncSpikes
	s.words = spark.SpikeWords(cfg.Pre)
	if cfg.Inhibitory != nil && len(cfg.Inhibitory) != cfg.Pre {
		return &spark.ConfigError{Config: name, Field: "Inhibitory", Index: -1, Length: true, Value: float64(len(cfg.Inhibitory)),
			Rule: fmt.Sprintf("needs one flag per presynaptic unit (Pre = %d), or nil", cfg.Pre)}
	}
	s.inh = make([]bool, cfg.Pre)
	copy(s.inh, cfg.Inhibitory)
	w, err := cfg.kernel(name)
	if err != nil {
		return err
	}
	var p ref.Params
	defer func() { s.hdr = header(model, cfg, s.dt, s.perConn, s.sparse, p) }() // once the layout is settled
	if fields != nil {
		lengths := []int{cfg.Post, cfg.Post * cfg.Pre}
		rule := fmt.Sprintf("needs one value per post unit (Post = %d) or per synapse (Post·Pre = %d)", cfg.Post, cfg.Post*cfg.Pre)
		if s.dt, p, err = config.ResolveShape(name, dt, lengths, rule, fields); err != nil {
			return err
		}
		s.perConn = forcePerConnection || !ref.Contractible(cfg.Post, cfg.Pre, p)
		m := tracer.ByName[model]
		if s.perConn {
			s.tr = tracer.New("syn."+model, m, s.dt, cfg.Post*cfg.Pre, ref.ExpandParams(cfg.Post, cfg.Pre, p), false)
			s.drive, s.out = make([]float32, cfg.Post*cfg.Pre), make([]float32, cfg.Post*cfg.Pre)
		} else {
			s.tr = tracer.New("syn."+model, m, s.dt, cfg.Post, ref.ContractParams(cfg.Post, cfg.Pre, p), false)
		}
	}
	s.postMajor = s.async || s.perConn
	nnz := w.nonzero()
	switch cfg.Storage {
	case Sparse:
		if s.postMajor {
			return &spark.ConfigError{Config: name, Field: "Storage", Index: -1, Value: float64(cfg.Storage),
				Rule: "sparse storage needs synchronous spikes and traces per post unit"}
		}
		if nnz > maxSparse {
			return &spark.ConfigError{Config: name, Field: "Storage", Index: -1, Value: float64(cfg.Storage),
				Rule: fmt.Sprintf("sparse storage holds at most %d non-zero weights (its offsets are int32); the kernel has %d", maxSparse, nnz)}
		}
		s.sparse = true
	case AutoStorage:
		s.sparse = !s.postMajor && nnz <= maxSparse && float64(nnz) <= sparseDensity*float64(cfg.Post)*float64(cfg.Pre)
	}
	if s.postMajor {
		s.bits = spark.NewSpikes(cfg.Pre)
	} else {
		s.rows = make([]int, 0, cfg.Pre)
	}
	size := cfg.Post * cfg.Pre
	if s.sparse {
		size = nnz
	}
	s.f32 = cfg.Float32
	if !cfg.Float32 && s.sparse {
		s.buf = make([]float32, chunk) // the portable f16 scatter's scratch
	}
	if s.sparse {
		s.storeSparse(w, nnz)
		if s.tr != nil {
			s.y = padded(cfg.Post) // whole blocks: a soma's StepTraced runs over them
		}
		return nil
	}
	s.alloc(size)
	dense := w.dense
	if dense == nil {
		dense = make([]float32, size)
		w.each(cfg.Pre, func(i, j int, v float32) { dense[i*cfg.Pre+j] = v })
	}
	s.store(dense)
	return nil
}

// checkShape refuses sizes out of range, before anything is allocated:
// Post and Pre in [1, spark.MaxUnits], Post·Pre (computed in uint64, so
// that it cannot wrap around on any platform) at most spark.MaxSynapses,
// and a Storage the package knows.
func (c *LinearSynapsesConfig) checkShape(name string) error {
	if err := config.Size(name, "Post", c.Post); err != nil {
		return err
	}
	if err := config.Size(name, "Pre", c.Pre); err != nil {
		return err
	}
	if n := uint64(c.Post) * uint64(c.Pre); n > spark.MaxSynapses {
		return &spark.ConfigError{Config: name, Field: "Pre", Index: -1, Value: float64(c.Pre),
			Rule: fmt.Sprintf("Post·Pre = %d·%d = %d synapses must be at most spark.MaxSynapses = %d", c.Post, c.Pre, n, spark.MaxSynapses)}
	}
	switch c.Storage {
	case AutoStorage, Dense, Sparse:
	default:
		return &spark.ConfigError{Config: name, Field: "Storage", Index: -1, Value: float64(c.Storage),
			Rule: "must be AutoStorage, Dense or Sparse"}
	}
	return nil
}

// maxSparse is the most non-zero weights sparse storage holds: its row
// offsets are int32. A variable, so that a test can lower it.
var maxSparse = math.MaxInt32

// sparseDensity is the largest fraction of non-zero weights for which
// AutoStorage picks sparse storage.
const sparseDensity = 0.1

// alloc makes room for n stored weights.
func (s *synapses[T]) alloc(n int) {
	if s.f32 {
		s.w32 = make([]float32, n)
	} else {
		s.w16 = make([]float16.Float16, n)
	}
}

// storeSparse stores the non-zero weights by presynaptic unit: row j holds
// the post units j reaches, increasing, and their weights, signs folded in.
func (s *synapses[T]) storeSparse(w *weights, nnz int) {
	s.start = make([]int32, s.pre+1)
	w.each(s.pre, func(_, j int, _ float32) { s.start[j+1]++ })
	for j := range s.pre {
		s.start[j+1] += s.start[j]
	}
	s.idx = make([]int32, nnz)
	s.alloc(nnz)
	next := append([]int32(nil), s.start[:s.pre]...)
	w.each(s.pre, func(i, j int, v float32) {
		k := next[j]
		next[j]++
		s.idx[k] = int32(i)
		s.put(int(k), j, v)
	})
}

// weights are a kernel as the config gives it: dense (post-major), or, from
// an initializer, as its non-zero entries.
type weights struct {
	dense   []float32 // nil when drawn by an initializer
	entries []entry   // the non-zero weights, post-major order
}

// entry is one non-zero weight W[i, j].
type entry struct {
	i, j int32
	w    float32
}

// nonzero returns the number of non-zero weights.
func (w *weights) nonzero() int {
	if w.dense == nil {
		return len(w.entries)
	}
	n := 0
	for _, v := range w.dense {
		if v != 0 {
			n++
		}
	}
	return n
}

// each calls f for every non-zero weight, post-major.
func (w *weights) each(pre int, f func(i, j int, v float32)) {
	if w.dense == nil {
		for _, e := range w.entries {
			f(int(e.i), int(e.j), e.w)
		}
		return
	}
	for k, v := range w.dense {
		if v != 0 {
			f(k/pre, k%pre, v)
		}
	}
}

// kernel returns the weights the config gives, checked.
func (c *LinearSynapsesConfig) kernel(name string) (*weights, error) {
	n := c.Post * c.Pre // checkShape has bounded it
	given := 0
	for _, set := range []bool{c.Kernel != nil, c.KernelF16 != nil, c.Init != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, &spark.ConfigError{Config: name, Field: "Kernel", Index: -1, Value: float64(given),
			Rule: "exactly one of Kernel, KernelF16 and Init must be given"}
	}
	w := &weights{}
	switch {
	case c.Kernel != nil:
		if len(c.Kernel) != n {
			return nil, kernelLength(name, "Kernel", len(c.Kernel), n)
		}
		w.dense = append([]float32(nil), c.Kernel...)
	case c.KernelF16 != nil:
		if len(c.KernelF16) != n {
			return nil, kernelLength(name, "KernelF16", len(c.KernelF16), n)
		}
		w.dense = make([]float32, n)
		for i, h := range c.KernelF16 {
			w.dense[i] = h.Float32()
		}
	default:
		// Refuse an initializer that cannot draw these rows before it
		// draws: Rows with the wrong bounds would emit post units past
		// Post.
		if v, rule := c.Init.check(c.Post); rule != "" {
			return nil, &spark.ConfigError{Config: name, Field: "Init", Index: -1, Value: v, Rule: rule}
		}
		w.entries = make([]entry, 0, c.Init.size(0, c.Post, c.Pre))
		c.Init.entries(0, c.Post, c.Pre, func(i, j int, v float32) {
			w.entries = append(w.entries, entry{int32(i), int32(j), v})
		})
		for _, e := range w.entries {
			if rule := weightRule(e.w, c.Float32); rule != "" {
				return nil, &spark.ConfigError{Config: name, Field: "Init", Index: int(e.i)*c.Pre + int(e.j), Value: float64(e.w),
					Rule: fmt.Sprintf("%v drew this weight, which %s", c.Init, rule)}
			}
		}
		return w, nil
	}
	field := "Kernel"
	if c.KernelF16 != nil {
		field = "KernelF16"
	}
	if err := checkKernel(name, field, w.dense, c.Float32); err != nil {
		return nil, err
	}
	return w, nil
}

func kernelLength(name, field string, got, want int) error {
	return &spark.ConfigError{Config: name, Field: field, Index: -1, Length: true, Value: float64(got),
		Rule: fmt.Sprintf("needs Post·Pre = %d weights", want)}
}

// checkKernel refuses a weight of field that is not finite, or that
// binary16 cannot hold unless float32 storage is asked for.
func checkKernel(name, field string, w []float32, f32 bool) error {
	for k, v := range w {
		if rule := weightRule(v, f32); rule != "" {
			return &spark.ConfigError{Config: name, Field: field, Index: k, Value: float64(v), Rule: rule}
		}
	}
	return nil
}

// weightRule returns the rule a weight breaks, or "": it must be finite
// and, stored as binary16 (f32 false), at most 65504 in magnitude.
func weightRule(v float32, f32 bool) string {
	switch {
	case math.IsNaN(float64(v)) || math.IsInf(float64(v), 0):
		return "must be finite"
	case !f32 && math.Abs(float64(v)) > maxHalf:
		return "must be at most 65504 in magnitude to be stored as binary16 (or set Float32)"
	}
	return ""
}

// maxHalf is the largest binary16 value; values up to the midpoint to the
// next power of two round to it, larger ones to +Inf.
const maxHalf = 65504

// store writes the post-major weights w into the kernel, signs folded in.
func (s *synapses[T]) store(w []float32) {
	for i := range s.post {
		for j := range s.pre {
			s.set(i, j, w[i*s.pre+j])
		}
	}
}

// index returns where W[i, j] is stored, or −1 when sparse storage has no
// synapse (i, j).
func (s *synapses[T]) index(i, j int) int {
	switch {
	case s.sparse:
		row := s.idx[s.start[j]:s.start[j+1]]
		k, ok := slices.BinarySearch(row, int32(i))
		if !ok {
			return -1
		}
		return int(s.start[j]) + k
	case s.postMajor:
		return i*s.pre + j
	}
	return j*s.post + i
}

func (s *synapses[T]) set(i, j int, w float32) {
	k := s.index(i, j)
	if k < 0 {
		if w == 0 {
			return
		}
		panic(fmt.Sprintf("syn: %s.SetWeight(%d, %d, %g): sparse storage has no synapse from %d to %d", s.name(), i, j, w, j, i))
	}
	s.put(k, j, w)
}

// put stores weight w of presynaptic unit j at k, its sign folded in.
func (s *synapses[T]) put(k, j int, w float32) {
	if s.inh[j] {
		w = -w
	}
	if s.f32 {
		s.w32[k] = w
	} else {
		s.w16[k] = float16.Fromfloat32(w)
	}
}

// OutDegree returns the number of post units presynaptic unit j reaches:
// its non-zero weights.
func (s *synapses[T]) OutDegree(j int) int {
	if uint(j) >= uint(s.pre) {
		s.live()
		panic(fmt.Sprintf("syn: %s.OutDegree(%d): out of range [0, Pre = %d)", s.name(), j, s.pre))
	}
	n := 0
	if s.sparse { // a stored weight may be 0: set so, or rounded to it
		for k := s.start[j]; k < s.start[j+1]; k++ {
			if s.f32 && s.w32[k] != 0 || !s.f32 && s.w16[k]&0x7fff != 0 {
				n++
			}
		}
		return n
	}
	for i := range s.post {
		if s.Weight(i, j) != 0 {
			n++
		}
	}
	return n
}

// Post returns the number of post units.
func (s *synapses[T]) Post() int { return s.post }

// Pre returns the number of presynaptic units.
func (s *synapses[T]) Pre() int { return s.pre }

// Async reports whether Step takes one spike per connection.
func (s *synapses[T]) Async() bool { return s.async }

// withTraces is what the traced models add to the shared synapses: access
// to their traces. T is the public type that embeds it.
type withTraces[T any] struct{ synapses[T] }

// Dt returns the time step (ms).
func (s *withTraces[T]) Dt() float64 { return s.dt }

// PerConnection reports whether the synapses keep one trace per synapse
// rather than one per post unit.
func (s *withTraces[T]) PerConnection() bool { return s.perConn }

// Traces returns the live trace states, one array per stage of the trace:
// Post values each, or Post·Pre (post-major) per connection. Writing to
// them changes the traces.
func (s *withTraces[T]) Traces() [][]float32 {
	if s.tr == nil {
		return nil // a zero value
	}
	states := s.tr.States() // a fresh slice of the arrays
	for k, st := range states {
		states[k] = st[:len(st):len(st)] // an append copies, rather than writing into the padding
	}
	return states
}

// Reset restores the initial state: every trace at its base, and no input
// gathered by Deliver waiting for a soma's StepTraced.
func (s *synapses[T]) Reset() {
	if s.tr != nil {
		s.tr.Reset()
	}
	clear(s.y) // between steps it holds only what Deliver gathered
	s.delivered = false
}

// Weight returns W[i, j].
func (s *synapses[T]) Weight(i, j int) float32 {
	s.checkIndex("Weight", i, j)
	k := s.index(i, j)
	if k < 0 {
		return 0
	}
	var w float32
	if s.f32 {
		w = s.w32[k]
	} else {
		w = s.w16[k].Float32()
	}
	if s.inh[j] {
		w = -w
	}
	return w
}

// SetWeight sets W[i, j] to w, rounded to the storage precision. It
// panics, changing nothing, on a weight the constructor would refuse: one
// that is not finite or, stored as binary16, beyond 65504 in magnitude.
func (s *synapses[T]) SetWeight(i, j int, w float32) {
	s.checkIndex("SetWeight", i, j)
	if rule := weightRule(w, s.f32); rule != "" {
		panic(fmt.Sprintf("syn: %s.SetWeight(%d, %d, %g): the weight %s", s.name(), i, j, w, rule))
	}
	s.set(i, j, w)
}

func (s *synapses[T]) checkIndex(fn string, i, j int) {
	if uint(i) >= uint(s.post) || uint(j) >= uint(s.pre) {
		s.live()
		panic(fmt.Sprintf("syn: %s.%s(%d, %d): out of range %d×%d", s.name(), fn, i, j, s.post, s.pre))
	}
}

// Kernel writes the weights, post-major, to dst (nil: allocated) and
// returns it.
func (s *synapses[T]) Kernel(dst []float32) []float32 {
	s.live()
	if dst == nil {
		dst = make([]float32, s.post*s.pre)
	}
	if len(dst) != s.post*s.pre {
		panic(fmt.Sprintf("syn: %s.Kernel: len(dst) = %d, want Post·Pre = %d", s.name(), len(dst), s.post*s.pre))
	}
	for i := range s.post {
		for j := range s.pre {
			dst[i*s.pre+j] = s.Weight(i, j)
		}
	}
	return dst
}

// SetKernel replaces the weights, given post-major, or returns a
// *[spark.ConfigError] and leaves them unchanged.
func (s *synapses[T]) SetKernel(w []float32) error {
	s.live()
	name := "syn." + s.name() + ".SetKernel"
	if len(w) != s.post*s.pre {
		return kernelLength(name, "Kernel", len(w), s.post*s.pre)
	}
	if err := checkKernel(name, "Kernel", w, s.f32); err != nil {
		return err
	}
	if s.sparse {
		kw := &weights{dense: w}
		nnz := kw.nonzero()
		if nnz > maxSparse {
			return &spark.ConfigError{Config: name, Field: "Kernel", Index: -1, Value: float64(nnz),
				Rule: fmt.Sprintf("sparse storage holds at most %d non-zero weights (its offsets are int32)", maxSparse)}
		}
		s.storeSparse(kw, nnz)
		return nil
	}
	s.store(w)
	return nil
}

// checkStep panics unless Step's slices fit the synapses.
func (s *synapses[T]) checkStep(fn string, nspikes int, currents []float32) {
	words := s.words
	if s.async {
		words = s.post * s.words
	}
	if nspikes != words || len(currents) != s.post || s.post == 0 {
		s.live()
		panic(fmt.Sprintf("syn: %s.%s: len(spikes) = %d words, len(currents) = %d; want %d and Post = %d",
			s.name(), fn, nspikes, len(currents), words, s.post))
	}
	s.checkTaken(fn)
}

// checkTaken panics if what Deliver gathered still waits for a soma's
// StepTraced: a Step, StepAdd or Deliver now would mix it into this step.
func (s *synapses[T]) checkTaken(fn string) {
	if s.delivered {
		panic(fmt.Sprintf("syn: %s.%s: the input the last Deliver gathered waits for the soma's StepTraced (or Reset)", s.name(), fn))
	}
}

// tail is the mask of the bits past the last presynaptic unit in a row's
// last word.
func (s *synapses[T]) tail() uint64 {
	if r := s.pre % 64; r != 0 {
		return ^uint64(0) << r
	}
	return 0
}

// Step advances the synapses by one time step; see [Synapses].
func (s *synapses[T]) Step(spikes spark.Spikes, currents []float32) {
	s.checkSpikes("Step", spikes, currents)
	s.step(spikes, currents, false)
}

// StepAdd advances the synapses by one time step and adds their currents
// to currents; see [Synapses].
func (s *synapses[T]) StepAdd(spikes spark.Spikes, currents []float32) {
	s.checkSpikes("StepAdd", spikes, currents)
	s.step(spikes, currents, true)
}

// checkSpikes panics unless spikes and currents fit the synapses and no
// spike is set past the last presynaptic unit.
func (s *synapses[T]) checkSpikes(fn string, spikes spark.Spikes, currents []float32) {
	s.checkStep(fn, len(spikes), currents)
	tail := s.tail()
	if tail == 0 {
		return // Pre a multiple of 64: no bit past the last unit
	}
	for r := s.words - 1; r < len(spikes); r += s.words {
		if spikes[r]&tail != 0 {
			panic(fmt.Sprintf("syn: %s.%s: spikes set past the last presynaptic unit (Pre = %d) in word %d", s.name(), fn, s.pre, r))
		}
	}
}

// StepIndices advances the synapses by one time step given the indices of
// the presynaptic units that spiked, strictly increasing; see [Synapses].
func (s *synapses[T]) StepIndices(pre []int, currents []float32) {
	s.checkIndices("StepIndices", pre, currents)
	s.stepIndices(pre, currents, false)
}

// StepAddIndices advances the synapses by one time step given the indices
// of the presynaptic units that spiked, strictly increasing, and adds their
// currents to currents; see [Synapses].
func (s *synapses[T]) StepAddIndices(pre []int, currents []float32) {
	s.checkIndices("StepAddIndices", pre, currents)
	s.stepIndices(pre, currents, true)
}

// checkIndices panics unless the synapses take synchronous spikes, currents
// has Post values and pre increases strictly within [0, Pre).
func (s *synapses[T]) checkIndices(fn string, pre []int, currents []float32) {
	s.live()
	if s.async {
		panic(fmt.Sprintf("syn: %s.%s: the synapses take asynchronous spikes", s.name(), fn))
	}
	if len(currents) != s.post {
		panic(fmt.Sprintf("syn: %s.%s: len(currents) = %d, want Post = %d", s.name(), fn, len(currents), s.post))
	}
	s.checkTaken(fn)
	last := -1
	for _, j := range pre {
		if j <= last || j >= s.pre {
			panic(fmt.Sprintf("syn: %s.%s: index %d after %d: indices must increase strictly and be < Pre = %d", s.name(), fn, j, last, s.pre))
		}
		last = j
	}
}

// stepIndices is StepIndices, or StepAddIndices with add, once the indices
// are checked: the event-driven paths take them as they are.
func (s *synapses[T]) stepIndices(pre []int, currents []float32, add bool) {
	if !s.postMajor {
		s.stepRows(pre, currents, add)
		return
	}
	s.bits.Clear()
	for _, j := range pre {
		s.bits.Set(j)
	}
	s.step(s.bits, currents, add)
}

// step is Step, or StepAdd with add, once the spikes are checked.
func (s *synapses[T]) step(spikes spark.Spikes, currents []float32, add bool) {
	if !s.postMajor {
		// Synchronous spikes, event-driven: the rows of the units that
		// spiked.
		s.rows = spikes.AppendIndices(s.rows[:0])
		s.stepRows(s.rows, currents, add)
		return
	}
	if add && (s.perConn || s.tr == nil) {
		// No trace that adds its output in the same pass: step into
		// scratch, then add.
		s.step(spikes, s.scratch(), false)
		vec.Add(currents, s.sum)
		return
	}
	if s.perConn {
		s.stepPerConnection(spikes, currents)
		return
	}
	// Asynchronous spikes: each post unit's masked row sum.
	x := currents
	if add {
		x = s.scratch()
	}
	if s.f32 {
		vec.MaskedSums(x, s.w32, s.post, s.pre, spikes)
	} else {
		vec.MaskedSumsF16(x, s.w16, s.post, s.pre, spikes)
	}
	s.filter(x, currents, add)
}

// stepRows is the event-driven step: it adds the rows of the presynaptic
// units in rows, increasing, and passes the sum through the trace.
func (s *synapses[T]) stepRows(rows []int, currents []float32, add bool) {
	if add && s.tr == nil {
		// No trace that adds its output in the same pass: step into
		// scratch, then add.
		s.stepRows(rows, s.scratch(), false)
		vec.Add(currents, s.sum)
		return
	}
	// From here on, add means that the trace adds its output.
	if s.sparse && s.tr != nil {
		// The weighted input gathers in y, kept zero between steps: the
		// trace's pass reads it and zeroes it where it reads (Drains),
		// or only the entries the rows touched are zeroed again
		// afterwards, instead of clearing Post values every step.
		s.addRows(s.y, rows)
		if s.tr.Drains() {
			s.tr.StepDrainUnchecked(s.y, currents, add)
			return
		}
		s.filter(s.y, currents, add)
		s.zeroRows(rows)
		return
	}
	x := currents
	if add {
		x = s.scratch()
	}
	clear(x)
	s.addRows(x, rows)
	s.filter(x, currents, add)
}

// scratch returns StepAdd's buffer of Post values.
func (s *synapses[T]) scratch() []float32 {
	if s.sum == nil {
		s.sum = make([]float32, s.post) // once: the first StepAdd
	}
	return s.sum
}

// bytesOf views a slice's memory as bytes.
func bytesOf[T any](v []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*int(unsafe.Sizeof(v[0])))
}

// zeroRows sets the entries of y that the rows touched back to 0.
func (s *synapses[T]) zeroRows(rows []int) {
	y := s.y
	for _, j := range rows {
		for _, i := range s.idx[s.start[j]:s.start[j+1]] {
			y[i] = 0
		}
	}
}

// filter passes the weighted input x through the trace into currents (x
// may be currents), or with add adds the trace's output to them. Without a
// trace, x is currents.
func (s *synapses[T]) filter(x, currents []float32, add bool) {
	switch {
	case s.tr == nil:
	case add:
		s.tr.StepAddUnchecked(x, currents)
	default:
		s.tr.StepUnchecked(x, currents)
	}
}

// addRows adds the rows of the presynaptic units in rows, increasing, to
// acc (σ[j]·W[:, j] each): a row of Post weights, or, sparse, its
// non-zero weights scattered to their post units.
func (s *synapses[T]) addRows(acc []float32, rows []int) {
	switch {
	case s.sparse && s.f32:
		impl.addRows32(acc, s.idx, s.w32, s.start, rows)
	case s.sparse:
		impl.addRows16(acc, s.idx, s.w16, s.start, rows, s.buf)
	case s.f32:
		for _, j := range rows {
			vec.Add(acc, s.w32[j*s.post:(j+1)*s.post])
		}
	default:
		for _, j := range rows {
			vec.AddF16(acc, s.w16[j*s.post:(j+1)*s.post])
		}
	}
}

// stepPerConnection drives every synapse's trace with σ[j]·W[i,j]·x[i,j]
// and sums each post unit's outputs in increasing j.
func (s *synapses[T]) stepPerConnection(spikes spark.Spikes, currents []float32) {
	for i := range s.post {
		x := spikes[:s.words]
		if s.async {
			x = spikes[i*s.words : (i+1)*s.words]
		}
		d := s.drive[i*s.pre : (i+1)*s.pre]
		if s.f32 {
			vec.Select(d, s.w32[i*s.pre:(i+1)*s.pre], x)
		} else {
			vec.SelectF16(d, s.w16[i*s.pre:(i+1)*s.pre], x)
		}
	}
	s.tr.StepUnchecked(s.drive, s.out)
	for i := range currents {
		var sum float32
		for _, t := range s.out[i*s.pre : (i+1)*s.pre] {
			sum += t
		}
		currents[i] = sum
	}
}
