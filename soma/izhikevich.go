package soma

import (
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/mem"
	"github.com/sparkgo/spark/internal/ref"
	"github.com/sparkgo/spark/internal/tracer"
)

// Izhikevich is a population of Izhikevich's simple model neurons (the
// seed's IzhikevichSoma): a quadratic potential and a recovery variable u.
// With v = V + rest the absolute potential, R the resistance and a, b, d the
// recovery timescale, sensitivity and update, a forward-Euler step is
//
//	V ← V + dt·(0.04·v·v + 5·v + 140 − R·u + R·I)
//	u ← u + dt·(a·(b·(V + rest) − u))
//	s ← V > threshold − rest
//	V ← s ? reset − rest : V
//	u ← s ? u + d : u
//
// Unlike the JAX library, which evaluates the quadratic at V − reset (a sign
// error that makes a unit at rest fire every step), the quadratic is taken at
// the absolute potential, as in the paper. Reference: Izhikevich, Simple
// model of spiking neurons, IEEE Trans. Neural Netw. 14(6):1569–1572 (2003),
// https://doi.org/10.1109/TNN.2003.820440.
//
// An Izhikevich is not safe for concurrent use: Step updates its state in place
// (see the package documentation to shard a population).
type Izhikevich struct {
	izhikevichPopulation
	u []float32 // recovery variable
	k izhikevichConsts
}

type izhikevichPopulation = population[Izhikevich]

// izhikevichConsts are the constants of the Izhikevich update, and the
// scratch block of the assembly kernels' last block.
type izhikevichConsts struct {
	dt                           float32
	rest, r, a, b, d, thr, reset mem.Stream[float32]
	tail                         []float32 // mem.BlockLen inputs
}

// NewIzhikevich returns a population at rest, or a *[spark.ConfigError].
func NewIzhikevich(cfg IzhikevichConfig) (*Izhikevich, error) {
	dt, p, err := config.Resolve("soma.IzhikevichConfig", cfg.Units, cfg.Dt, cfg.fields())
	if err != nil {
		return nil, err
	}
	s := &Izhikevich{}
	m := ref.NewIzhikevich(dt, p)
	var b mem.Block
	s.izhikevichPopulation.plan(&b, cfg.Units, dt, p, s.run, s.state)
	mem.Array(&b, &s.u, cfg.Units)
	s.k.dt = m.Dt
	mem.Array(&b, &s.k.tail, mem.BlockLen)
	mem.PlanStream(&b, &s.k.r, m.R)
	mem.PlanStream(&b, &s.k.a, m.A)
	mem.PlanStream(&b, &s.k.b, m.B)
	mem.PlanStream(&b, &s.k.d, m.D)
	mem.PlanStream(&b, &s.k.thr, m.Thr)
	mem.PlanStream(&b, &s.k.reset, m.Reset)
	b.Alloc()
	s.k.rest = s.rest // the kernel reads the population's resting potential
	s.traced = s.runTraced
	return s, nil
}

// runTraced runs the fused kernel of impl with len(in) inputs, if it has one.
func (s *Izhikevich) runTraced(in []tracer.Drive, spikes []uint64) bool {
	f := impl.izhikevichTraced[len(in)]
	if f == nil {
		return false
	}
	f(&s.k, s.v, s.u, in, spikes)
	return true
}

// run runs the kernel of impl on spike words w0 to w1−1.
func (s *Izhikevich) run(current []float32, spikes []uint64, w0, w1 int) {
	impl.izhikevich(&s.k, s.v, s.u, current, spikes, w0, w1)
}

func (s *Izhikevich) state() []ckpt.Array {
	return []ckpt.Array{s.potential(), ckpt.Of("recovery", s.u)}
}

// Reset sets every unit to rest and its recovery variable to 0.
func (s *Izhikevich) Reset() {
	clear(s.v)
	clear(s.u)
}

// Recovery returns the recovery variable u of every unit (pA, entering
// the potential's equation as R·u). The slice is the state itself.
func (s *Izhikevich) Recovery() []float32 { return capped(s.u) }
