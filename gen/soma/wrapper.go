package main

import (
	"fmt"
	"strings"

	"github.com/sparkgo/spark/gen/internal/gowrap"
)

// wrapper returns the checked function users call for the raw kernel raw
// of model m: it takes slices instead of pointers and a block count,
// checks every length against the first stream's before anything is
// touched, tells the race detector what the kernel reads and writes, and
// passes the slices' data to raw.
//
// Lengths: every state, input and output stream holds n values, n a whole
// number of blocks of 64; a streamed parameter holds n values (one per
// unit) or 64 (one block that every block reuses: stride 0); the spike
// words are n/64. A uniform kernel takes each parameter by value.
func wrapper(m model, b lowering, uniform bool, name, raw, rawSig string) gowrap.Func {
	first := m.streams[0].name
	var kinds []gowrap.Arg
	var body, race, args, strides, arrays, perUnit, values []string
	check := func(format string, a ...any) {
		body = append(body, fmt.Sprintf(format, a...))
	}
	check("require%s(%q)", b.name(), name)
	check("n := len(%s)", first)
	check("checkBlocks(%q, %q, n)", name, first)
	for _, s := range m.streams {
		if s.byValue(uniform) {
			kinds = append(kinds, gowrap.Arg{Name: s.name, Kind: "value"})
			args = append(args, s.name)
			if !s.param() {
				values = append(values, s.name)
			}
			continue
		}
		kind := "n"
		if s.param() {
			kind = "param"
		}
		out := s.kind != inputF32 && !s.param()
		kinds = append(kinds, gowrap.Arg{Name: s.name, Kind: kind, Out: out})
		args = append(args, "unsafe.SliceData("+s.name+")")
		switch {
		case s.param():
			perUnit = append(perUnit, s.name)
			check("checkParam(%q, %q, len(%s), n)", name, s.name, s.name)
			strides = append(strides, fmt.Sprintf("stride(len(%s), n, %d)", s.name, s.size()))
		case s.name != first:
			arrays = append(arrays, s.name)
			check("checkLen(%q, %q, len(%s), %q, n)", name, s.name, s.name, "len("+first+")")
		}
		switch s.kind {
		case inputF32, paramF32, paramU16:
			race = append(race, "raceRead("+s.name+")")
		default: // written, or read and written
			race = append(race, "raceWrite("+s.name+")")
		}
	}
	args = append(args, strides...)
	for _, q := range quotients(m) {
		if uniform {
			args = append(args, "reciprocalOf("+q+")")
		} else {
			args = append(args, "reciprocal("+q+")")
		}
	}
	if !m.noSpikes {
		kinds = append(kinds, gowrap.Arg{Name: "spikes", Kind: "words", Out: true})
		check("checkLen(%q, %q, len(spikes), %q, n/64)", name, "spikes", "len("+first+")/64")
		race = append(race, "raceWrite(spikes)")
		args = append(args, "unsafe.SliceData(spikes)")
	}
	args = append(args, "n/64")
	body = append(body, apart(m, name)...)
	body = append(body, race...)
	body = append(body, raw+"("+strings.Join(args, ", ")+")")

	// The doc comment: what it computes, the rule of every length, and
	// when it panics.
	doc := []string{fmt.Sprintf("%s runs %s's update on the len(%s) units of %s, a whole number of blocks of 64:", name, m.name, first, first), ""}
	// The equations, as code; after a blank line, prose.
	prose := false
	for _, l := range m.doc {
		prose = prose || l == ""
		if !prose {
			l = "\t" + l
		}
		doc = append(doc, l)
	}
	doc = append(doc, "")
	var rules string
	switch len(arrays) {
	case 0:
	case 1:
		rules = fmt.Sprintf("%s holds one value per unit, as %s does. ", arrays[0], first)
	default:
		rules = fmt.Sprintf("%s hold one value per unit each, as %s does. ", list(arrays), first)
	}
	switch {
	case uniform:
		rules += "Each parameter is one value for every unit. "
	case len(perUnit) > 0:
		rules += fmt.Sprintf("Each parameter (%s) holds one value per unit, or the 64 values of one block, which every block then reads (a uniform value repeated 64 times). ", list(perUnit))
	}
	if len(values) > 0 {
		rules += fmt.Sprintf("%s is one value for every unit. ", list(values))
	}
	if !m.noSpikes {
		rules += "The spikes are one word per block: bit j of word k for unit 64·k + j. "
	}
	rules += "No slice it writes may overlap another"
	var checked []string
	for _, p := range m.apart {
		if p.same {
			rules += fmt.Sprintf(", but %s may be %s itself", p.a, p.b)
		}
		checked = append(checked, p.a+" and "+p.b)
	}
	if len(checked) > 0 {
		rules += fmt.Sprintf(" (checked for %s only). ", strings.Join(checked, "; "))
	} else {
		rules += " (not checked). "
	}
	fma := "(no FMA)"
	if fusesExact(m) {
		fma = "(one fused multiply–subtract, the exponential's x − n·ln2Hi, whose product is exact)"
	}
	doc = append(doc, gowrap.Wrap(rules+"Products are rounded on their own "+fma+", as in internal/ref, so the "+
		"results equal the scalar loop bit for bit.")...)
	if qs := quotients(m); len(qs) > 0 {
		doc = append(doc, "")
		what := "one block (64 values, stride 0) of one value ±2^k with a normal reciprocal"
		if uniform {
			what = "±2^k with a normal reciprocal"
		}
		doc = append(doc, gowrap.Wrap(fmt.Sprintf("Where %s is %s, the kernel multiplies by the reciprocal "+
			"instead of dividing: the same bits, faster.", list(qs), what))...)
	}
	var drained []string
	for _, s := range m.streams {
		if s.kind == drainF32 {
			drained = append(drained, s.name)
		}
	}
	if b.name() == "AVX512" && len(drained) > 0 {
		// Measured with StrictRefractoryLeakyTraced2 (syn's padded).
		verb := "is"
		if len(drained) > 1 {
			verb = "are"
		}
		doc = append(doc, "")
		doc = append(doc, gowrap.Wrap(fmt.Sprintf("%s %s emptied by masked stores over the lanes that are not "+
			"zero already. Memory never written since the system gave it (Linux maps it to its shared "+
			"zero page, read-only) makes each of those stores slow, even one with no lane to store: write "+
			"it once (clear) after allocating it, or a step may take 1.5–2.8× as long.", list(drained), verb))...)
	}
	doc = append(doc, "")
	doc = append(doc, gowrap.Wrap(fmt.Sprintf("It panics, before reading or writing anything, when a length breaks these rules "+
		"or when this build or CPU cannot run it (%s).", requires(b)))...)
	return gowrap.Func{
		Name:      name,
		Doc:       doc,
		Params:    gowrap.Group(checkedParams(m, uniform)...),
		Body:      body,
		Raw:       raw,
		RawParams: rawSig,
		ISA:       strings.ToLower(b.name()),
		Blocks:    true,
		Args:      kinds,
	}
}

// apart returns the checks of m.apart (asm's checkApart).
func apart(m model, name string) []string {
	var checks []string
	for _, p := range m.apart {
		checks = append(checks, fmt.Sprintf("checkApart(%q, %q, %s, %q, %s, %v)", name, p.a, p.a, p.b, p.b, p.same))
	}
	return checks
}

// checkedParams are the parameters of m's checked kernel, name and type:
// a slice per stream, a value per stream the variant takes by value, and
// the spike words.
func checkedParams(m model, uniform bool) [][2]string {
	var params [][2]string
	for _, s := range m.streams {
		elem := "float32"
		if s.u16() {
			elem = "uint16"
		}
		if !s.byValue(uniform) {
			elem = "[]" + elem
		}
		params = append(params, [2]string{s.name, elem})
	}
	if !m.noSpikes {
		params = append(params, [2]string{"spikes", "[]uint64"})
	}
	return params
}

// requires names what a backend's kernels need.
func requires(b lowering) string {
	switch b.name() {
	case "NEON":
		return "arm64 with NEON: see HasNEON"
	case "AVX512":
		return "AVX-512 F, VL, BW and DQ, with AVX2, FMA and F16C: see HasAVX512"
	}
	return "AVX2, FMA and F16C: see HasAVX2"
}

// list writes names as "a", "a and b", "a, b and c".
func list(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
