package gowrap

import (
	"fmt"
	"strings"

	"github.com/sparkgo/spark/gen/internal/arm64"
)

// DeclareARM64 is Declare for a kernel written with package arm64 rather
// than avo: it starts the raw (lower-case) function of the checked kernel
// name in fl, whose Go declaration and TEXT the family's arm64 files get
// (see Files.ARM64), and returns it with the checked function: isa's check,
// the statements of body, then the call of the raw function. The checked
// function is the one Declare writes for the same arguments, so a generator
// describes a kernel once and declares it for each ISA it lowers it to.
func DeclareARM64(fl *arm64.File, name, params, result string, doc []string, isa ISA, body []string, args func(names []string) []Arg) (*arm64.Func, Func) {
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
	f := arm64.NewFunc(raw, sig, raw+" is the kernel of "+name+", unchecked.")
	fl.Funcs = append(fl.Funcs, f)
	return f, Func{
		Name: name, Doc: append(doc, "", isa.Doc), Params: params, Results: result,
		Body: append(append([]string{fmt.Sprintf("%s(%q)", isa.Require, name)}, body...), call),
		Raw:  raw, RawParams: params, RawResult: result,
		ISA: isa.Name, Args: args(names),
	}
}
