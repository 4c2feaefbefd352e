package gowrap

import "github.com/sparkgo/spark/gen/internal/arm64"

// DeclareARM64 is Declare for a kernel written with package arm64 rather
// than avo: it starts the raw (lower-case) function of the checked kernel
// name in fl, whose Go declaration and TEXT the family's arm64 files get
// (see Files.ARM64), and returns it with the checked function: isa's check,
// the statements of body, then the call of the raw function. The checked
// function is the one Declare writes for the same arguments, so a generator
// describes a kernel once and declares it for each ISA it lowers it to.
func DeclareARM64(fl *arm64.File, name, params, result string, doc []string, isa ISA, body []string, args func(names []string) []Arg) (*arm64.Func, Func) {
	c, sig := Checked(name, params, result, doc, isa, body, args)
	f := arm64.NewFunc(c.Raw, sig, c.Raw+" is the kernel of "+name+", unchecked.")
	fl.Funcs = append(fl.Funcs, f)
	return f, c
}
