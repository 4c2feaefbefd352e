package soma

import (
	"encoding/binary"
	"fmt"
	"github.com/sparkgo/spark/internal/testutil"
	"math"
	"slices"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/config"
	"github.com/sparkgo/spark/internal/ref"
)

// The fuzz inputs are decoded by testutil.FuzzSource.
type fuzzSource = testutil.FuzzSource

var newFuzzSource = testutil.NewFuzzSource

var (
	fuzzDts              = [8]float64{1, 0.5, 0.1, 0.25, 1, 2, 0.37, 0.001}
	extremePositive      = []float32{math.SmallestNonzeroFloat32, 1e-30, 1e-3, 0.05, 1e4, 1e30, math.MaxFloat32}
	extremeFinite        = []float32{0, float32(math.Copysign(0, -1)), math.MaxFloat32, -math.MaxFloat32, 1e30, -1e30, 1e-40, -1e-40, 1e4, -1e4}
	extremeCooldownSteps = []float64{65534, 65533, 65534.5, 1000, 255, 256, 64}
)

// fuzzParam decodes a value of field f that f's rule accepts at time step
// dt: near the default mostly, and now and then an extreme but valid one.
func fuzzParam(s *fuzzSource, f config.Field, dt float64) float32 {
	tag, u := s.U8(), s.U32()
	x := float32(u>>8) / (1 << 24) // [0, 1)
	switch f.Rule.Text {
	case config.Cooldown.Text:
		steps := float64(u % 6)
		if tag%16 == 0 {
			steps = extremeCooldownSteps[u%uint32(len(extremeCooldownSteps))]
		} else if tag&16 != 0 {
			steps += 0.5 // a tie, rounded half to even (or near one, after float32)
		}
		v := float32(steps * dt)
		for ref.CooldownSteps(dt, v) > ref.MaxCooldownSteps {
			v = math.Nextafter32(v, 0) // 65534.5 steps, or float32 rounding, past the limit
		}
		return v
	case config.Positive.Text:
		if tag%16 == 0 {
			return extremePositive[u%uint32(len(extremePositive))]
		}
		return f.Default * float32(math.Exp2(float64(x)*6-3)) // default/8 to default·8
	}
	if tag%16 == 0 {
		return extremeFinite[u%uint32(len(extremeFinite))]
	}
	span := float32(math.Abs(float64(f.Default)))*0.5 + 1
	return f.Default + span*(2*x-1)
}

// The layout of FuzzSoma's flags.
const (
	flagDt       = 7 << 0   // time step: fuzzDts[flags&7]
	flagForm     = 3 << 3   // 1: every parameter uniform, 2: every one per unit, else per parameter
	flagExact    = 7 << 5   // units put exactly at (or one ulp above) their threshold
	flagSteps    = 3 << 8   // steps − 1
	flagCurOff   = 15 << 10 // currents at this offset of a larger array
	flagSpikeOff = 3 << 14  // spike words at this offset of a larger array
)

// FuzzSoma runs every soma on every path against the reference, bit for bit
// (any NaN matching any NaN, as TestPathsMatchReference): a model, 1 to 300
// units, parameters uniform or per unit near their defaults with extreme
// but valid ones among them, states and currents from raw float32 bits,
// refractory counters at, around and far from the cooldown, and units
// whose potential after the update lands exactly on their threshold or
// one ulp above it. It checks the states and spikes after each of a few
// steps, that the currents are left as they were, and that nothing around
// the currents and the spike words is written.
func FuzzSoma(f *testing.F) {
	for m := range models {
		for _, c := range []struct {
			units uint16
			flags uint32
		}{
			{0, 1<<3 | 3<<5 | 2<<8},                        // 1 unit, uniform, exact thresholds
			{63, 2<<3 | 7<<5 | 3<<8 | 5<<10 | 1<<14},       // 64 units, per unit
			{64, 1 | 1<<3 | 7<<5 | 2<<8 | 3<<10},           // 65 units, dt 0.5, uniform
			{299, 2 | 0<<3 | 5<<5 | 3<<8 | 15<<10 | 3<<14}, // 300 units, dt 0.1, mixed
		} {
			f.Add(uint8(m), c.units, c.flags, uint64(m)*7+uint64(c.units), []byte(nil))
		}
	}
	// Specials spelled out for every state and current.
	for m := range models {
		n := len(testutil.FuzzSpecials) + 1
		f.Add(uint8(m), uint16(n-1), uint32(1<<3|2<<5|1<<8), uint64(m), seedData(models[m], nil, n, true))
	}
	// Refractory counters at the cooldown's edges and the saturation with
	// cooldowns of 0, 2, 65533 and 65534 steps (ready only when saturated).
	for m, s := range models {
		if _, f, _ := s.build(1, 1, nil); !slices.ContainsFunc(f, func(f config.Field) bool { return f.Seed == "cooldown" }) {
			continue
		}
		for _, cd := range [][]byte{{1, 0, 0, 0, 0}, {1, 2, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, 0, 0, 0, 0}} {
			f.Add(uint8(m), uint16(69), uint32(1<<3|4<<5|3<<8), uint64(m), seedData(s, cd, 70, false))
		}
	}
	f.Fuzz(fuzzSoma)
}

// seedData returns the data of an input of uniform parameters at their
// defaults but for the cooldown, cd encoded as fuzzParam reads it, and n
// units whose counters take each of counter's cases in turn; with special,
// their states and currents take each of testutil.FuzzSpecials in turn.
func seedData(m model, cd []byte, n int, special bool) []byte {
	s, fields, _ := m.build(1, 1, nil)
	has := stateOf(s)
	var data []byte
	for _, f := range fields {
		if f.Seed == "cooldown" {
			data = append(data, cd...)
			continue
		}
		data = append(data, 1, 0, 0, 0, 0x80) // the default (see fuzzParam)
	}
	v := func(k int) []byte {
		if special {
			return testutil.SpecialValue(k)
		}
		return binary.LittleEndian.AppendUint32([]byte{255}, uint32(k)*0x9e3779b9) // in range
	}
	for i := range n {
		data = append(data, v(i)...)
		if has.Theta != nil {
			data = append(data, v(i+1)...)
		}
		if has.W != nil {
			data = append(data, v(i+2)...)
		}
		if has.U != nil {
			data = append(data, v(i+3)...)
		}
		if has.R != nil {
			data = append(data, byte(i), byte(i), 0)
		}
	}
	for step := range 4 {
		for i := range n {
			data = append(data, v(i+step)...)
		}
	}
	return data
}

// fuzzCase is one decoded input of FuzzSoma.
type fuzzCase struct {
	m       model
	n       int
	dt      float64
	vals    map[string][]float32 // each parameter: one value or n
	st      ref.State            // the initial state, every array n long
	cur     [][]float32          // the currents of each step
	c       []uint16             // the cooldown in steps, one or n values (refractory somas)
	checked []exactUnit          // units whose first step the reference must decide as planned
}

// exactUnit is a unit put exactly on its threshold (spike false) or one ulp
// above it (spike true) for the first step.
type exactUnit struct {
	i     int
	spike bool
}

func fuzzSoma(t *testing.T, modelSel uint8, units uint16, flags uint32, seed uint64, data []byte) {
	c, src := decodeSoma(t, modelSel, units, flags, seed, data)
	n, steps := c.n, len(c.cur)
	s, rm, err := c.resolve()
	if err != nil {
		t.Fatalf("%s: the decoded config is refused: %v", c.m.class, err)
	}
	// The reference's run.
	want := make([]ref.State, steps)
	wantSpikes := make([][]bool, steps)
	st := cloneState(c.st, n)
	for k := range steps {
		wantSpikes[k] = make([]bool, n)
		rm.Step(st, c.cur[k], wantSpikes[k])
		want[k] = cloneState(st, n)
	}
	for _, u := range c.checked {
		if wantSpikes[0][u.i] != u.spike {
			t.Fatalf("%s: unit %d was put to spike=%v on the first step, the reference says %v: the fuzz target's threshold search is wrong",
				c.m.class, u.i, u.spike, wantSpikes[0][u.i])
		}
	}

	// Every path from the same state.
	curOff, spikeOff := int(flags&flagCurOff>>10), int(flags&flagSpikeOff>>14)
	words := spark.SpikeWords(n)
	for _, k := range paths() {
		using(t, k)
		got := stateOf(s)
		copy(got.V, c.st.V)
		copy(got.R, c.st.R)
		copy(got.Theta, c.st.Theta)
		copy(got.W, c.st.W)
		copy(got.U, c.st.U)
		for step := range steps {
			curBuf := make([]float32, curOff+n+8)
			for i := range curBuf {
				curBuf[i] = math.Float32frombits(sentinel32)
			}
			current := curBuf[curOff : curOff+n]
			copy(current, c.cur[step])
			spikeBuf := make([]uint64, spikeOff+words+2)
			for i := range spikeBuf {
				spikeBuf[i] = src.Rand().Next() // Step must overwrite every word it is given, and no other
			}
			around := append([]uint64(nil), spikeBuf...)
			spikes := spark.Spikes(spikeBuf[spikeOff : spikeOff+words])

			s.Step(current, spikes)

			where := func() string {
				return fmt.Sprintf("path %s, %s, n=%d dt=%v, step %d", k.name, c.m.class, n, c.dt, step)
			}
			if i, d := firstStateDiff(got, want[step]); d != "" {
				t.Fatalf("%s: %s\n%s", where(), d, c.describe(i))
			}
			if d := diffSpikes(spikes, wantSpikes[step]); d != "" {
				t.Fatalf("%s: %s", where(), d)
			}
			for i, v := range curBuf {
				inside := i >= curOff && i < curOff+n
				if inside && math.Float32bits(v) != math.Float32bits(c.cur[step][i-curOff]) ||
					!inside && math.Float32bits(v) != sentinel32 {
					t.Fatalf("%s: Step wrote to element %d of the currents' array (the currents are [%d, %d))", where(), i, curOff, curOff+n)
				}
			}
			for i, w := range spikeBuf {
				if (i < spikeOff || i >= spikeOff+words) && w != around[i] {
					t.Fatalf("%s: Step wrote word %d of the spikes' array (the spikes are [%d, %d))", where(), i, spikeOff, spikeOff+words)
				}
			}
		}
	}
}

// decodeSoma decodes FuzzSoma's input.
func decodeSoma(t *testing.T, modelSel uint8, units uint16, flags uint32, seed uint64, data []byte) (*fuzzCase, *fuzzSource) {
	src := newFuzzSource(seed, data)
	c := &fuzzCase{m: models[int(modelSel)%len(models)], n: 1 + int(units)%300, dt: fuzzDts[flags&flagDt]}
	n := c.n

	// Parameters.
	s0, fields, err := c.m.build(1, c.dt, nil)
	if err != nil {
		t.Fatalf("%s: defaults refused: %v", c.m.class, err)
	}
	c.vals = map[string][]float32{}
	form := flags & flagForm >> 3
	for _, f := range fields {
		perUnit := form == 2
		if form == 0 || form == 3 {
			perUnit = src.U8()&1 != 0
		}
		v := make([]float32, 1)
		if perUnit {
			v = make([]float32, n)
		}
		for i := range v {
			v[i] = fuzzParam(src, f, c.dt)
		}
		c.vals[f.Seed] = v
	}
	if _, _, err := c.resolve(); err != nil {
		t.Skip(err) // a cooldown that rounds past 65534 steps
	}
	if cd, ok := c.vals["cooldown"]; ok {
		c.c = ref.Cooldown(c.dt, cd)
	}

	// States: the model's arrays from raw bits or near their working
	// ranges; counters around the cooldown.
	has := stateOf(s0)
	c.st = ref.State{V: make([]float32, n), R: make([]uint16, n), Theta: make([]float32, n),
		W: make([]float32, n), U: make([]float32, n)}
	for i := range n {
		c.st.V[i] = src.Value(-40, 60)
		if has.Theta != nil {
			c.st.Theta[i] = src.Value(0, 120)
		}
		if has.W != nil {
			c.st.W[i] = src.Value(-50, 50)
		}
		if has.U != nil {
			c.st.U[i] = src.Value(-20, 20)
		}
		if has.R != nil {
			c.st.R[i] = counter(src, c.cAt(i))
		}
	}
	steps := 1 + int(flags&flagSteps>>8)
	c.cur = make([][]float32, steps)
	for k := range c.cur {
		c.cur[k] = make([]float32, n)
		for i := range n {
			c.cur[k][i] = src.Value(-100, 700)
		}
	}
	for range flags & flagExact >> 5 {
		c.exact(t, src, has)
	}

	return c, src
}

// sentinel32 marks the memory around the currents: a NaN payload no kernel
// writes, compared by its bits.
const sentinel32 = 0x7fa5c3e1

// counter decodes a refractory counter: at, one below or one above the
// cooldown c, at the saturation or one below it, 0, or any value.
func counter(src *fuzzSource, c uint16) uint16 {
	sel, u := src.U8(), src.U16()
	switch sel % 8 {
	case 0:
		return c - min(c, 1)
	case 1:
		return c
	case 2:
		return c + min(65535-c, 1)
	case 3:
		return 65534
	case 4:
		return 65535
	case 5:
		return 0
	case 6:
		return u
	}
	return c + min(65535-c, u%4)
}

// cAt returns the cooldown of unit i in steps, 0 for a soma without one.
func (c *fuzzCase) cAt(i int) uint16 {
	switch len(c.c) {
	case 0:
		return 0
	case 1:
		return c.c[0]
	}
	return c.c[i]
}

// params returns the parameters for the constructors.
func (c *fuzzCase) params() map[string]spark.Param {
	p := map[string]spark.Param{}
	for name, v := range c.vals {
		if len(v) == 1 {
			p[name] = spark.Uniform(v[0])
		} else {
			p[name] = spark.PerUnit(v)
		}
	}
	return p
}

// resolve builds the soma and the reference from the parameters, or
// returns the constructor's error.
func (c *fuzzCase) resolve() (Soma, ref.Soma, error) {
	s, fields, err := c.m.build(c.n, c.dt, c.params())
	if err != nil {
		return nil, nil, err
	}
	dt, params, err := config.Resolve(c.m.class, c.n, c.dt, fields)
	if err != nil {
		return nil, nil, err
	}
	return s, ref.Somas[c.m.class](dt, params), nil
}

// exact picks a unit and puts its potential after the first update exactly
// on its threshold, or one ulp above it: it computes that potential with the
// reference, on the unit alone and with no threshold to cross, then sets
// the threshold to it (the state θ of the adaptive somas, the threshold
// parameter of the others, which the update does not read). A threshold
// shared by every unit is set once; further units then take the first
// one's state and current, so that with uniform parameters they land on
// it too, in other lanes.
func (c *fuzzCase) exact(t *testing.T, src *fuzzSource, has ref.State) {
	n := c.n
	var i int
	switch sel, u := src.U8(), src.U16(); sel % 4 {
	case 0:
		i = n - 1 // the tail
	case 1:
		i = (n - 1) &^ 63 // the first unit of the last block
	default:
		i = int(u) % n
	}
	variant := src.U8()
	spike := variant&1 != 0
	for _, u := range c.checked {
		if u.i == i {
			return // changing its state would undo it
		}
	}
	if has.R != nil {
		switch cd := c.cAt(i); (variant >> 1) % 4 {
		case 1:
			c.st.R[i] = cd // ready for the strict soma only
		case 2, 3:
			c.st.R[i] = cd + min(65535-cd, 1) // ready
		}
	}
	thr := c.vals["threshold"]
	if has.Theta == nil && len(thr) == 1 && len(c.checked) > 0 {
		// The shared threshold is taken: land on it as the first unit did.
		j := c.checked[0].i
		c.st.V[i], c.st.R[i], c.st.W[i], c.st.U[i] = c.st.V[j], c.st.R[j], c.st.W[j], c.st.U[j]
		c.cur[0][i] = c.cur[0][j]
		return
	}

	// The potential after the update, from the reference on unit i alone.
	p := ref.Params{}
	for name, v := range c.vals {
		p[name] = ref.P{v[min(i, len(v)-1)]}
	}
	m := ref.Somas[c.m.class](c.dt, p)
	noThreshold(t, m)
	one := ref.State{V: []float32{c.st.V[i]}, R: []uint16{c.st.R[i]}, Theta: []float32{float32(math.Inf(1))},
		W: []float32{c.st.W[i]}, U: []float32{c.st.U[i]}}
	m.Step(one, []float32{c.cur[0][i]}, make([]bool, 1))
	v := one.V[0]
	target := v
	if spike {
		target = math.Nextafter32(v, float32(math.Inf(-1)))
	}
	if math.IsInf(float64(target), 0) || target != target {
		return
	}
	// Only a ready unit can spike.
	ready := true
	if has.R != nil {
		r, cd := c.st.R[i], c.cAt(i)
		ready = r > cd
		if c.m.class == "StrictRefractoryLeakySoma" {
			ready = r >= cd
		}
	}
	if has.Theta != nil {
		c.st.Theta[i] = target
		if ready {
			c.checked = append(c.checked, exactUnit{i, spike})
		}
		return
	}
	// threshold − rest must round to the target exactly.
	rest := c.vals["potential_rest"]
	r := rest[min(i, len(rest)-1)]
	t0 := float32(target + r)
	for _, d := range []int{0, 1, -1, 2, -2, 3, -3} {
		th := math.Float32frombits(uint32(int32(math.Float32bits(t0)) + int32(d)))
		if math.IsInf(float64(th), 0) || th != th || float32(th-r) != target {
			continue
		}
		thr[min(i, len(thr)-1)] = th
		if ready || len(thr) == 1 {
			// (A shared threshold is taken even by a unit that is not
			// ready: the units that copy it may be.)
			c.checked = append(c.checked, exactUnit{i, spike && ready})
		}
		return
	}
}

// noThreshold sets the threshold of a reference soma to +Inf, which no
// potential exceeds: its step then leaves the updated potential in place.
func noThreshold(t *testing.T, m ref.Soma) {
	inf := ref.P{float32(math.Inf(1))}
	switch m := m.(type) {
	case *ref.Leaky:
		m.Thr = inf
	case *ref.RefractoryLeaky:
		m.Thr = inf
	case *ref.StrictRefractoryLeaky:
		m.Thr = inf
	case *ref.AdaptiveLeaky:
		m.Thr = inf // θ, the state, is +Inf too
	case *ref.Exponential:
		m.Thr = inf
	case *ref.RefractoryExponential:
		m.Thr = inf
	case *ref.AdaptiveExponential:
		m.Thr = inf
	case *ref.SimplifiedAdaptiveExponential:
		m.Thr = inf
	case *ref.Izhikevich:
		m.Thr = inf
	default:
		t.Fatalf("reference soma %T: the fuzz target does not know its threshold", m)
	}
}

// firstStateDiff returns the unit of the first difference of the arrays got
// has from want, and its description; "" if none.
func firstStateDiff(got, want ref.State) (int, string) {
	for _, a := range []struct {
		name      string
		got, want []float32
	}{{"V", got.V, want.V}, {"Theta", got.Theta, want.Theta}, {"W", got.W, want.W}, {"U", got.U, want.U}} {
		for i := range a.got {
			if !sameBits(a.got[i], a.want[i]) {
				return i, fmt.Sprintf("%s[%d] = %v (%#08x), want %v (%#08x)", a.name, i,
					a.got[i], math.Float32bits(a.got[i]), a.want[i], math.Float32bits(a.want[i]))
			}
		}
	}
	for i := range got.R {
		if got.R[i] != want.R[i] {
			return i, fmt.Sprintf("R[%d] = %d, want %d", i, got.R[i], want.R[i])
		}
	}
	return 0, ""
}

// describe lists unit i's parameters, initial state and currents, for a
// failure message.
func (c *fuzzCase) describe(i int) string {
	s := fmt.Sprintf("unit %d: V=%#08x R=%d Theta=%#08x W=%#08x U=%#08x c=%d; currents", i,
		math.Float32bits(c.st.V[i]), c.st.R[i], math.Float32bits(c.st.Theta[i]),
		math.Float32bits(c.st.W[i]), math.Float32bits(c.st.U[i]), c.cAt(i))
	for _, cur := range c.cur {
		s += fmt.Sprintf(" %#08x", math.Float32bits(cur[i]))
	}
	s += "; parameters"
	for _, f := range modelFields(c.m) {
		v := c.vals[f.Seed]
		x := v[min(i, len(v)-1)]
		s += fmt.Sprintf(" %s=%v (%#08x)", f.Seed, x, math.Float32bits(x))
	}
	return s
}

// modelFields returns m's config fields, in the config's order.
func modelFields(m model) []config.Field {
	_, f, _ := m.build(1, 1, nil)
	return f
}
