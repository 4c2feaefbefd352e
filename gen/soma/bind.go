package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// The somas' kernels as package soma calls them: for each model, an
// adapter from a population's state and parameters to its kernels' slices
// (soma/kernels_adapters.go), generated from the model's streams and its
// binding, so that a model's fields are named once, here, and not again in
// every adapter.

var adaptersOut = flag.String("adapters", "", "write package soma's adapters of the soma kernels to this Go file")

// A binding is how package soma reaches a model's streams: the name of the
// adapter it calls (the fused kernels' adapter adds Traced2), the
// adapter's leading parameters (the population's constants, its other
// parts, its state arrays; the consts first, named k, whose tail is the
// padded copy of a partial last block), and each stream's array or
// mem.Stream. A stream it does not name is a parameter of the adapter of
// the same name (the potential v); cur is the input current.
type binding struct {
	adapter string
	params  string
	fields  fields
	inputs  int // the traced inputs of a fused model's kernels; 0 for a soma's own
}

// fields maps a stream to a Go expression.
type fields map[string]string

// bind is a binding whose fields are those of parts, in turn.
func bind(adapter, params string, parts ...fields) binding {
	b := binding{adapter: adapter, params: params, fields: fields{}}
	for _, p := range parts {
		maps.Copy(b.fields, p)
	}
	return b
}

// The parts of the populations, as package soma names them.
var (
	leakyFields       = fields{"d": "k.d", "gr": "k.gR", "thr": "k.thr", "reset": "k.reset"}
	refractoryFields  = fields{"r": "rf.r", "c": "rf.c"}
	thresholdFields   = fields{"theta": "th.theta", "ltheta": "th.lTheta", "dtheta": "th.deltaTheta"}
	exponentialFields = fields{"k": "k.k", "delta": "k.delta", "rh": "k.rh", "res": "k.r", "thr": "k.thr", "reset": "k.reset"}
	adaptationFields  = fields{"w": "ad.w", "kw": "ad.kw", "a": "ad.a", "b": "ad.b"}
	izhikevichFields  = fields{"rest": "k.rest", "res": "k.r", "a": "k.a", "b": "k.b", "d": "k.d", "thr": "k.thr",
		"reset": "k.reset", "dt": "k.dt"}
)

// traced is the binding of the model's fused kernels: the adapter gets the
// inputs' traces (tracedBlocks), the streams of input i in a's fields.
func (b binding) traced(inputs int) binding {
	t := binding{adapter: strings.TrimSuffix(b.adapter, "Asm") + fmt.Sprintf("Traced%dAsm", inputs), params: b.params,
		fields: maps.Clone(b.fields), inputs: inputs}
	for i := 1; i <= inputs; i++ {
		sfx := suffix(fmt.Sprintf("t%d", i))
		t.fields[fmt.Sprintf("t%d", i)] = fmt.Sprintf("a.t%d", i)
		t.fields[fmt.Sprintf("x%d", i)] = fmt.Sprintf("a.x%d", i)
		for _, p := range []string{"l", "c", "b"} {
			t.fields[p+sfx] = fmt.Sprintf("a.%s%d", p, i)
		}
	}
	return t
}

// expr is the Go expression of stream s.
func (b binding) expr(s string) string {
	if x, ok := b.fields[s]; ok {
		return x
	}
	return s
}

// numbers names the input counts.
var numbers = []string{"no", "one", "two", "three", "four"}

// kernelType is the Go type of model m's checked kernel, streamed or
// uniform.
func kernelType(m model, uniform bool) string {
	return "func(" + gowrap.Group(checkedParams(m, uniform)...) + ")"
}

// adapter writes the adapter of m's kernels to w: the plain step over a
// range of blocks, or, for a fused model, the whole population.
func adapter(w *bytes.Buffer, m model, names []string) {
	b := m.bind
	fused := b.inputs > 0
	var sig string
	if fused {
		sig = b.params + " []float32, in []tracer.Drive, spikes []uint64"
	} else {
		sig = b.params + ", current []float32, spikes []uint64, w0, w1 int"
	}
	// The arguments of each kernel, and the test that picks the uniform one.
	from, spikes := "b", "spikes[b:b+nb]"
	if fused {
		from, spikes = "0", "spikes"
	}
	var uniformArgs, streamArgs, uniform []string
	for _, s := range m.streams {
		x := b.expr(s.name)
		switch {
		case s.kind == scalarF32:
			uniformArgs, streamArgs = append(uniformArgs, x), append(streamArgs, x)
		case s.param():
			uniform = append(uniform, x+".Uniform()")
			uniformArgs, streamArgs = append(uniformArgs, x+".At(0)"), append(streamArgs, fmt.Sprintf("%s.Blocks(%s, nb)", x, from))
		case s.kind == inputF32: // the current, cut to the range by blocks
			uniformArgs, streamArgs = append(uniformArgs, x), append(streamArgs, x)
		default:
			a := fmt.Sprintf("mem.Blocks(%s, %s, nb)", x, from)
			uniformArgs, streamArgs = append(uniformArgs, a), append(streamArgs, a)
		}
	}
	uniformArgs, streamArgs = append(uniformArgs, spikes), append(streamArgs, spikes)
	kind := "the step of a range of blocks (blocks)"
	switch b.inputs {
	case 0:
	case 1:
		kind = "the fused step of the whole population with the trace of one input (traces)"
	default:
		kind = fmt.Sprintf("the fused step of the whole population with the traces of %s inputs (traces)", numbers[b.inputs])
	}
	w.WriteString("\n")
	for _, l := range gowrap.Wrap(fmt.Sprintf("%s adapts the kernels of %s, streamed and uniform, to %s.", b.adapter, list(names), kind)) {
		fmt.Fprintf(w, "// %s\n", l)
	}
	fmt.Fprintf(w, "func %s(\nstreamed %s,\nuniform %s,\n) func(%s) {\n", b.adapter, kernelType(m, false), kernelType(m, true), sig)
	fmt.Fprintf(w, "return func(%s) {\n", sig)
	call := func(k string, args []string) string { return k + "(" + strings.Join(args, ", ") + ")" }
	if fused {
		fmt.Fprintf(w, "nb := len(spikes)\na := traces(in)\n")
		fmt.Fprintf(w, "if %s {\n%s\n} else {\n%s\n}\n", strings.Join(uniform, " && "), call("uniform", uniformArgs), call("streamed", streamArgs))
		fmt.Fprintf(w, "cut(spikes, len(v))\n}\n}\n")
		return
	}
	fmt.Fprintf(w, "allUniform := %s\n", strings.Join(uniform, " && "))
	fmt.Fprintf(w, "blocks(k.tail, current, spikes, w0, w1, func(b, nb int, cur []float32) {\n")
	fmt.Fprintf(w, "if allUniform {\n%s\nreturn\n}\n%s\n})\n}\n}\n", call("uniform", uniformArgs), call("streamed", streamArgs))
}

// writeAdapters writes package soma's adapters of the somas and their
// fused kernels, one per adapter name (models of the same streams share
// one), to the -adapters file.
func writeAdapters(somas, fusedSomas []model) {
	if *adaptersOut == "" {
		log.Fatal("soma: -adapters is required")
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, "// Code generated by command: go run ./%s %s. DO NOT EDIT.\n\n", filepath.Base(os.Args[0]), strings.Join(os.Args[1:], " "))
	fmt.Fprintf(&w, "//go:build (amd64 || arm64) && !purego\n\npackage soma\n\n")
	fmt.Fprintf(&w, "import (\n\"github.com/sparkgo/spark/internal/mem\"\n\"github.com/sparkgo/spark/internal/tracer\"\n)\n")
	fmt.Fprintf(&w, "\n// The adapters from a population to its kernels (kernels_asm.go), one per\n// model of gen/soma, from its streams and binding.\n")
	names := map[string][]string{}
	all := slices.Concat(somas, fusedSomas)
	for _, m := range all {
		names[m.bind.adapter] = append(names[m.bind.adapter], m.name)
	}
	for _, m := range all {
		if n := names[m.bind.adapter]; n != nil {
			adapter(&w, m, n)
			names[m.bind.adapter] = nil
		}
	}
	src, err := format.Source(w.Bytes())
	if err != nil {
		log.Fatalf("soma: formatting the adapters: %v\n%s", err, w.Bytes())
	}
	if err := os.WriteFile(*adaptersOut, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
