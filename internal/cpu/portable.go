package cpu

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
)

// The registry of portable kernels: which kernels of a path are the
// portable code rather than its own, read from the implementations
// themselves when Dispatch keeps them, so that it cannot disagree with
// what runs.
//
// A package's implementations are a struct of functions (its kernels,
// every function-typed field, or element of an array of them, is one) per
// path, the portable one first. A path's kernel is the portable code where
// its function is the portable implementation's: the same code pointer
// (reflect.Value.Pointer), as when a path assigns the portable function
// itself (syn's AVX2 scatter is scatter16Generic), or where the path has
// none (nil). Closures compare by their code: two made by one function
// literal share it whatever they capture (unless inlining copied the
// literal into their callers), so a path whose kernel comes from the
// portable implementation's closure factory may read as the portable code,
// a conservative answer; a different function that merely calls the
// portable one would read as its own kernel, so a path without a kernel of
// its own assigns the portable function itself.

// registered is one kernels type's implementations as Dispatch kept them.
type registered struct {
	paths    []Path            // of the kept implementations, portable first
	kernels  []string          // the kernels, as field names: "leaky", "step[1][0]"
	portable []map[string]bool // per kept implementation: kernel → it is the portable code
}

// registry holds the registrations by kernels type, "import/path.Type".
var registry = map[string]*registered{}

// register records the kept implementations of a kernels struct type K
// under its import path and name. A later registration of the same type
// replaces an earlier one (a package dispatches once; a test may again).
func register[K any](kept []*K, path func(*K) Path) {
	t := reflect.TypeFor[K]()
	if t.Kind() != reflect.Struct {
		return
	}
	generic := funcs(reflect.ValueOf(kept[0]).Elem())
	r := &registered{}
	for name := range generic {
		r.kernels = append(r.kernels, name)
	}
	sort.Strings(r.kernels)
	for _, k := range kept {
		own := funcs(reflect.ValueOf(k).Elem())
		p := map[string]bool{}
		for name, g := range generic {
			p[name] = own[name] == 0 || own[name] == g
		}
		r.paths = append(r.paths, path(k))
		r.portable = append(r.portable, p)
	}
	registry[t.PkgPath()+"."+t.Name()] = r
}

// funcs returns the code pointer of every function in struct v (0 for
// nil), by field name; an array's functions are named by their indices,
// "step[1][0]", a nested struct's by their path, "a.b".
func funcs(v reflect.Value) map[string]uintptr {
	out := map[string]uintptr{}
	var walk func(name string, v reflect.Value)
	walk = func(name string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Func:
			out[name] = v.Pointer()
		case reflect.Array:
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", name, i), v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i).Name
				if name != "" {
					f = name + "." + f
				}
				walk(f, v.Field(i))
			}
		}
	}
	walk("", v)
	return out
}

// Portable reports whether, on path p, the kernel named kernel of the
// kernels type named kernels ("github.com/sparkgo/spark/soma.kernels")
// runs the portable code: the implementation that Dispatch picks for p
// (p's own, or the best below it the package has) gives it the portable
// implementation's function, or none. It returns an error for a type
// that no Dispatch registered or a name that is none of its kernels.
func Portable(kernels, kernel string, p Path) (bool, error) {
	r, ok := registry[kernels]
	if !ok {
		return false, fmt.Errorf("cpu: no kernels %s registered (have %v)", kernels, Registered())
	}
	if !slices.Contains(r.kernels, kernel) {
		return false, fmt.Errorf("cpu: %s has no kernel %q (has %v)", kernels, kernel, r.kernels)
	}
	return r.portable[pick(r.paths, p)][kernel], nil
}

// Registered lists the kernels types Dispatch registered, sorted.
func Registered() []string {
	var names []string
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
