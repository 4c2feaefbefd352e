// Package gowrap writes the Go side of the library's public kernels: for
// each raw assembly function (lower-case, unchecked, declared by avo's
// stubs), an exported function that checks its arguments, tells the race
// detector what the kernel reads and writes, and calls it; and, for builds
// without the assembly, stubs of the raw functions, so that package asm
// compiles on every GOARCH and with the purego tag.
//
// A generator describes each kernel once (its streams, its signature) and
// builds the checks from that description; this package lays the functions
// out in files, and Declare starts a raw kernel and its checked function
// the way the slice generators share.
package gowrap

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"

	"github.com/sparkgo/spark/gen/internal/arm64"
)

// The generators' flags, parsed with avo's by build.Generate.
var (
	goOut    = flag.String("go", "", "write the checked exported kernels to this Go file")
	noasmOut = flag.String("noasm", "", "write the raw kernels' stubs for builds without the assembly to this Go file")
	testOut  = flag.String("test", "", "write the list of the kernels, for the tests, to this Go file")
	family   = flag.String("family", "", "the kernels' family, which names the list: <family>Kernels")
)

// Generate writes fs to the files the -go and -noasm flags name, after
// avo's build.Generate (which parses the flags): the program's last call.
func Generate(fs Files) {
	if *goOut == "" || *noasmOut == "" || *testOut == "" || *family == "" {
		log.Fatal("gowrap: -go, -noasm, -test and -family are required")
	}
	fs.Path, fs.NoAsmPath, fs.TestPath, fs.Family = *goOut, *noasmOut, *testOut, *family
	if fs.ARM64 != nil {
		dir := filepath.Dir(*goOut)
		asm, decl := fs.ARM64.Write(fs.Command(), "arm64 && !purego", fs.Pkg)
		if err := os.WriteFile(filepath.Join(dir, *family+"_arm64.s"), []byte(asm), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := write(filepath.Join(dir, *family+"_arm64.go"), []byte(decl)); err != nil {
			log.Fatal(err)
		}
	}
	if err := fs.Write(); err != nil {
		log.Fatal(err)
	}
}

// An ISA is what a kernel needs: its name for the tests, the check in
// package asm that its checked function makes first, and the sentence its
// doc comment ends with.
type ISA struct{ Name, Require, Doc string }

// The ISAs of the kernels.
var (
	AVX2   = ISA{"avx2", "requireAVX2", "It panics, before reading or writing anything, when this build or CPU cannot run it (AVX2, FMA and F16C: see HasAVX2)."}
	AVX512 = ISA{"avx512", "requireAVX512", "It panics, before reading or writing anything, when this build or CPU cannot run it (AVX-512 F, VL, BW and DQ, with AVX2, FMA and F16C: see HasAVX512)."}
	NEON   = ISA{"neon", "requireNEON", "It panics, before reading or writing anything, when this build or CPU cannot run it (arm64 with NEON: see HasNEON)."}
	FHM    = ISA{"fhm", "requireFHM", "It panics, before reading or writing anything, when this build or CPU cannot run it (arm64 with NEON and FEAT_FHM's FMLAL: see HasFHM)."}
)

// arm reports whether the kernels of ISA name are arm64 ones.
func arm(name string) bool { return name == NEON.Name || name == FHM.Name }

// Declare starts the raw (lower-case) assembly function of the checked
// kernel name, whose parameters and result are given, and returns the
// checked function: isa's check, the statements of body (length checks,
// race annotations), then the call of the raw function. args says what
// each parameter, by name, is, for the tests.
func Declare(name, params, result string, doc []string, isa ISA, body []string, args func(names []string) []Arg) Func {
	f, sig := Checked(name, params, result, doc, isa, body, args)
	build.TEXT(f.Raw, attr.NOSPLIT, sig)
	build.Pragma("noescape")
	build.Doc(f.Raw + " is the kernel of " + name + ", unchecked.")
	return f
}

// Checked returns the checked function of kernel name, as Declare
// describes it, and the signature of its raw function, which the caller
// starts with its ISA's assembler.
func Checked(name, params, result string, doc []string, isa ISA, body []string, args func(names []string) []Arg) (Func, string) {
	raw := Lower(name)
	sig := "func(" + params + ")"
	names, _, err := Params(params)
	if err != nil {
		panic(err)
	}
	call := raw + "(" + strings.Join(names, ", ") + ")"
	if result != "" {
		sig += " " + result
		call = "return " + call
	}
	return Func{
		Name: name, Doc: append(doc, "", isa.Doc), Params: params, Results: result,
		Body: append(append([]string{fmt.Sprintf("%s(%q)", isa.Require, name)}, body...), call),
		Raw:  raw, RawParams: params, RawResult: result,
		ISA: isa.Name, Args: args(names),
	}, sig
}

// Func is one public kernel.
type Func struct {
	Name    string   // the exported function, e.g. "LeakyAVX512"
	Doc     []string // its doc comment, one line each, without the //
	Params  string   // its parameters, e.g. "v, cur []float32, spikes []uint64"
	Results string   // its results, e.g. "float32", or ""
	Body    []string // its statements: checks, race annotations, the raw call

	Raw       string // the raw assembly function, e.g. "leakyAVX512"
	RawParams string // its parameters, as avo declares them
	RawResult string // its result, or ""
	// NoAsm is the raw function's body where the assembly does not exist;
	// empty means a panic (the checks before the call refuse every call
	// there, so it is never reached).
	NoAsm []string

	// For the tests of package asm, which call every kernel with slices
	// they build from this: the ISA ("avx2", "avx512" or "" for none),
	// whether lengths are whole blocks of 64 units, and what each argument
	// of the exported function is, in order.
	ISA    string // "avx2", "avx512", "neon", "fhm" or "" for none
	Blocks bool
	Args   []Arg
}

// Arg is one argument of an exported kernel, for the tests: its name and
// kind, which says what length it must have for a kernel of n units:
//
//	"n"      n values
//	"param"  n values, or the 64 of one block (a streamed parameter)
//	"words"  n/64 spike words, one per block
//	"bits"   (n+63)/64 words, one bit per unit
//	"idx"    n indices, increasing, in [0, n)
//	"value"  a value, not a slice
//
// and, for a kernel of the rows of a matrix of n columns (the tests' rows,
// see package asm's matrixRows):
//
//	"rows"     one value a row
//	"matrix"   the rows, n values each
//	"cols"     n, the columns, an int
//	"rowbits"  each row's (n+63)/64 spike words
//
// and, for a scatter of sparse rows (after its "idx" and weights):
//
//	"offsets"  n int32 offsets into them, increasing: row j is [start[j], start[j+1])
//	"rowlist"  n rows, ints, each below len(offsets) − 1
//
// Out says whether the kernel writes it.
type Arg struct {
	Name, Kind string
	Out        bool
}

// Files is what a generator writes besides the assembly and avo's stubs.
type Files struct {
	Pkg     string   // the package, "asm"
	Imports []string // of the exported functions' file
	Funcs   []Func

	Path      string // the exported functions' file, built everywhere
	NoAsmPath string // the raw stubs' file, built where the assembly is not
	NoAsm     string // its build constraint, e.g. "purego || !amd64"
	TestPath  string // the list of the kernels, a _test.go file
	Family    string // which names the list: <Family>Kernels

	// ARM64 is the family's arm64 assembly, if it has any: its kernels
	// (the Funcs of ISA NEON or FHM) are written to the files next to the amd64
	// ones, <family>_arm64.s and <family>_arm64.go, and their stubs for
	// other builds to <family>_noneon.go.
	ARM64 *arm64.File
}

// Command is the go:generate command, for the headers.
func (fs *Files) Command() string {
	return "go run ./" + filepath.Base(os.Args[0]) + " " + strings.Join(os.Args[1:], " ")
}

// Write writes the files.
func (fs *Files) Write() error {
	var b bytes.Buffer
	header(&b, fs.Command(), "", fs.Pkg)
	if len(fs.Imports) > 0 {
		b.WriteString("import (\n")
		for _, i := range fs.Imports {
			fmt.Fprintf(&b, "%q\n", i)
		}
		b.WriteString(")\n\n")
	}
	for _, f := range fs.Funcs {
		for _, l := range f.Doc {
			b.WriteString(strings.TrimRight("// "+l, " ") + "\n")
		}
		fmt.Fprintf(&b, "func %s(%s) %s {\n", f.Name, f.Params, f.Results)
		for _, l := range f.Body {
			b.WriteString(l + "\n")
		}
		b.WriteString("}\n\n")
	}
	if err := write(fs.Path, b.Bytes()); err != nil {
		return err
	}

	// The raw kernels' stubs for the builds without their assembly: the
	// amd64 ones, and the arm64 ones where the family has any.
	stubs := func(path, constraint string, onARM bool) error {
		b.Reset()
		header(&b, fs.Command(), constraint, fs.Pkg)
		for _, f := range fs.Funcs {
			if arm(f.ISA) != onARM {
				continue
			}
			fmt.Fprintf(&b, "func %s(%s) %s {\n", f.Raw, f.RawParams, f.RawResult)
			body := f.NoAsm
			if body == nil {
				body = []string{fmt.Sprintf("panic(%q)", "asm."+f.Raw+": no assembly in this build")}
			}
			for _, l := range body {
				b.WriteString(l + "\n")
			}
			b.WriteString("}\n\n")
		}
		return write(path, b.Bytes())
	}
	if err := stubs(fs.NoAsmPath, fs.NoAsm, false); err != nil {
		return err
	}
	if fs.ARM64 != nil {
		if err := stubs(filepath.Join(filepath.Dir(fs.NoAsmPath), fs.Family+"_noneon.go"), "purego || !arm64", true); err != nil {
			return err
		}
	}

	b.Reset()
	header(&b, fs.Command(), "", fs.Pkg)
	fmt.Fprintf(&b, "// %sKernels lists the kernels of %s, for the tests.\n", fs.Family, filepath.Base(fs.Path))
	fmt.Fprintf(&b, "var %sKernels = []kernel{\n", fs.Family)
	for _, f := range fs.Funcs {
		fmt.Fprintf(&b, "{name: %q, isa: %q, blocks: %v, fn: %s, args: []arg{", f.Name, f.ISA, f.Blocks, f.Name)
		for i, a := range f.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{%q, %q, %v}", a.Name, a.Kind, a.Out)
		}
		// call: the kernel called directly, without reflect (whose pools
		// would order two goroutines' calls for the race detector).
		_, types, err := Params(f.Params)
		if err != nil {
			return err
		}
		call := f.Name + "("
		for i, t := range types {
			if i > 0 {
				call += ", "
			}
			call += fmt.Sprintf("a[%d].(%s)", i, t)
		}
		call += ")"
		if f.Results != "" {
			fmt.Fprintf(&b, "}, call: func(a []any) any { return %s }},\n", call)
		} else {
			fmt.Fprintf(&b, "}, call: func(a []any) any { %s; return nil }},\n", call)
		}
	}
	b.WriteString("}\n")
	return write(fs.TestPath, b.Bytes())
}

// Params returns the name and type of each parameter in a parameter list
// such as "acc []float32, row []uint16" (every one named).
func Params(params string) (names, types []string, err error) {
	e, err := parser.ParseExpr("func(" + params + ")")
	if err != nil {
		return nil, nil, err
	}
	for _, f := range e.(*ast.FuncType).Params.List {
		var t strings.Builder
		if err := printer.Fprint(&t, token.NewFileSet(), f.Type); err != nil {
			return nil, nil, err
		}
		for _, n := range f.Names {
			names, types = append(names, n.Name), append(types, t.String())
		}
	}
	return names, types, nil
}

func header(b *bytes.Buffer, command, constraint, pkg string) {
	fmt.Fprintf(b, "// Code generated by command: %s. DO NOT EDIT.\n\n", command)
	if constraint != "" {
		fmt.Fprintf(b, "//go:build %s\n\n", constraint)
	}
	fmt.Fprintf(b, "package %s\n\n", pkg)
}

// write formats src as Go and writes it to path.
func write(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("gowrap: %s: %v\n%s", path, err, src)
	}
	return os.WriteFile(path, out, 0o644)
}

// Lower returns name with its first letter in lower case: the raw
// function of an exported kernel.
func Lower(name string) string { return strings.ToLower(name[:1]) + name[1:] }

// Group joins parameters given as (name, type) pairs, merging neighbours
// of the same type: "v, cur []float32, spikes []uint64".
func Group(pairs ...[2]string) string {
	var out []string
	for i := 0; i < len(pairs); {
		j := i
		var names []string
		for ; j < len(pairs) && pairs[j][1] == pairs[i][1]; j++ {
			names = append(names, pairs[j][0])
		}
		out = append(out, strings.Join(names, ", ")+" "+pairs[i][1])
		i = j
	}
	return strings.Join(out, ", ")
}

// Wrap splits text into lines of at most 90 columns.
func Wrap(text string) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > 90 {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
