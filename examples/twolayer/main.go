// Command twolayer runs a small two-layer network of any soma, records its
// spikes, and checkpoints it mid-run, so that another process can restore
// it and finish the run with the same spikes as an uninterrupted one.
//
// 200 Poisson-like input units drive layer 1 (300 units) through traced
// synapses; layer 1's spikes of the step before drive layer 2 (100 units)
// through rise–decay synapses, a fifth of them inhibitory. Both layers are
// of the model -soma names, with its defaults, their weights scaled by the
// model's onset current and rate (docs/models.md), at Dt = 0.1 ms.
//
//	twolayer -soma AdaptiveExponential -steps 4000                # run, print the spikes
//	twolayer -soma AdaptiveExponential -steps 4000 -stop 2000 -save net.ckpt
//	twolayer -soma AdaptiveExponential -steps 4000 -restore net.ckpt
//
// The second command stops after step 2000 and writes the network's
// checkpoint; the third restores it, in a fresh process, and runs steps 2000
// to 3999. The spikes the two print are those the first prints. The output
// is one line per spike, "step layer unit", then a summary line.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/record"
	"github.com/sparkgo/spark/soma"
	"github.com/sparkgo/spark/syn"
)

const (
	dt                    = 0.1 // ms
	inputs, n1, n2        = 200, 300, 100
	inputRate             = 20.0 // Hz
	seed           uint64 = 42
)

// models are the somas by name, each with the constant current (pA) from
// which it fires repeatedly and its rate (Hz) at 1.5× that current, with its
// defaults at Dt = 0.1 ms (docs/models.md).
var models = map[string]struct{ onset, rate float32 }{
	"Leaky": {200, 72}, "RefractoryLeaky": {200, 59}, "StrictRefractoryLeaky": {200, 63},
	"AdaptiveLeaky": {200, 20}, "Exponential": {36, 303}, "RefractoryExponential": {36, 122},
	"AdaptiveExponential": {46, 32}, "SimplifiedAdaptiveExponential": {36, 122}, "Izhikevich": {150, 244},
}

// network is the whole simulation: its populations, and what it keeps
// between steps (the spikes of layer 1, which drive layer 2 one step
// later). step is the next step to run.
type network struct {
	model          string
	layer1, layer2 soma.Soma
	in, hidden     syn.Synapses // input to layer 1, layer 1 to layer 2
	s0, s1, s2     spark.Spikes // input, layer 1, layer 2
	i1, i2         []float32    // currents
	step           int
	rec1, rec2     *record.Spikes
}

func newNetwork(model string) (*network, error) {
	m, ok := models[model]
	if !ok {
		return nil, fmt.Errorf("unknown soma %q (want one of Leaky, RefractoryLeaky, StrictRefractoryLeaky, AdaptiveLeaky, Exponential, RefractoryExponential, AdaptiveExponential, SimplifiedAdaptiveExponential, Izhikevich)", model)
	}
	n := &network{model: model}
	var err error
	if n.layer1, err = soma.New(model, n1, dt); err != nil {
		return nil, err
	}
	if n.layer2, err = soma.New(model, n2, dt); err != nil {
		return nil, err
	}
	// Input to layer 1: 40 synapses per unit on average, each of mean
	// weight 0.4·onset, and a 5 ms trace: about 1.6× the onset on average.
	n.in, err = syn.NewTracedSynapses(syn.TracedSynapsesConfig{
		LinearSynapsesConfig: syn.LinearSynapsesConfig{
			Post: n1, Pre: inputs,
			Init: syn.SparseUniform(0, 0.8*m.onset, 0.2, seed),
		},
		Dt:  dt,
		Tau: spark.Uniform(5),
	})
	if err != nil {
		return nil, err
	}
	// Layer 1 to layer 2: 90 synapses per unit, scaled by the onset and
	// by the inverse of layer 1's rate.
	inhibitory := make([]bool, n1)
	for j := range n1 / 5 {
		inhibitory[j] = true
	}
	n.hidden, err = syn.NewRDTracedSynapses(syn.RDTracedSynapsesConfig{
		LinearSynapsesConfig: syn.LinearSynapsesConfig{
			Post: n2, Pre: n1,
			Init:       syn.SparseUniform(0, 15*m.onset/m.rate, 0.3, seed+1),
			Inhibitory: inhibitory,
		},
		Dt: dt,
	})
	if err != nil {
		return nil, err
	}
	n.s0, n.s1, n.s2 = spark.NewSpikes(inputs), spark.NewSpikes(n1), spark.NewSpikes(n2)
	n.i1, n.i2 = make([]float32, n1), make([]float32, n2)
	n.rec1, n.rec2 = record.NewSpikes(n1, 0), record.NewSpikes(n2, n1)
	return n, nil
}

// input sets the input spikes of step t: unit j spikes with probability
// inputRate·dt, drawn from a hash of (t, j), so that a restored run needs
// no generator state.
func (n *network) input(t int) {
	n.s0.Clear()
	prob := inputRate * dt / 1000 // per step
	p := uint64(prob * (1 << 53))
	for j := range inputs {
		if splitmix(uint64(t)<<32|uint64(j)^seed)>>11 < p {
			n.s0.Set(j)
		}
	}
}

// splitmix is SplitMix64's output function: a well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// run steps the network up to step stop, recording both layers.
func (n *network) run(stop int) {
	for ; n.step < stop; n.step++ {
		n.input(n.step)
		n.in.Step(n.s0, n.i1)
		n.hidden.Step(n.s1, n.i2) // layer 1's spikes of the step before
		n.layer1.Step(n.i1, n.s1)
		n.layer2.Step(n.i2, n.s2)
		n.rec1.Record(n.step, n.s1)
		n.rec2.Record(n.step, n.s2)
	}
}

// magic opens the checkpoint file, before the step and the records.
const magic = "twolayer checkpoint\n"

// parts are what a checkpoint holds, in its order: the populations and the
// spikes the network keeps between steps. The input spikes and currents
// are recomputed every step, and the recorders are the run's output.
func (n *network) parts() []part {
	return []part{n.layer1, n.layer2, n.in, n.hidden, n.s1}
}

// part is what every soma, synapse population and spike set does to
// checkpoint itself.
type part interface {
	io.WriterTo
	io.ReaderFrom
}

// save writes the network's checkpoint to path.
func (n *network) save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(magic)
	binary.Write(w, binary.LittleEndian, uint64(n.step))
	for _, p := range n.parts() {
		if _, err := p.WriteTo(w); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// restore reads the checkpoint at path into the network.
func (n *network) restore(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return fmt.Errorf("%s: not a twolayer checkpoint", path)
	}
	var step uint64
	if err := binary.Read(r, binary.LittleEndian, &step); err != nil {
		return err
	}
	for _, p := range n.parts() {
		if _, err := p.ReadFrom(r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%s: bytes follow the last record", path)
	}
	n.step = int(step)
	return nil
}

// print writes the recorded spikes, "step layer unit" (unit within its
// layer), ordered by step, then the summary.
func (n *network) print(w io.Writer, from int) error {
	b := bufio.NewWriter(w)
	all := record.Merge(n.rec1, n.rec2).All()
	for _, s := range all {
		layer, unit := 1, int(s.Unit)
		if unit >= n1 {
			layer, unit = 2, unit-n1
		}
		fmt.Fprintf(b, "%d %d %d\n", s.Step, layer, unit)
	}
	fmt.Fprintf(b, "# %s: steps %d to %d, %d spikes in layer 1, %d in layer 2\n",
		n.model, from, n.step-1, n.rec1.Len(), n.rec2.Len())
	return b.Flush()
}

// run is the command: args are its flags, the spikes go to out.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("twolayer", flag.ContinueOnError)
	model := fs.String("soma", "Leaky", "the soma of both layers")
	steps := fs.Int("steps", 4000, "the steps of the whole run")
	stop := fs.Int("stop", -1, "stop after this many steps (default: -steps)")
	save := fs.String("save", "", "write the network's checkpoint here when it stops")
	restore := fs.String("restore", "", "restore the network from this checkpoint and continue")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stop < 0 || *stop > *steps {
		*stop = *steps
	}
	n, err := newNetwork(*model)
	if err != nil {
		return err
	}
	if *restore != "" {
		if err := n.restore(*restore); err != nil {
			return err
		}
		if n.step > *stop {
			return errors.New("the checkpoint is past the step to stop at")
		}
	}
	from := n.step
	n.run(*stop)
	if *save != "" {
		if err := n.save(*save); err != nil {
			return err
		}
	}
	return n.print(out, from)
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "twolayer:", err)
		os.Exit(1)
	}
}
