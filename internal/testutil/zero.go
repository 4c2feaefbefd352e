package testutil

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// ZeroValues calls every exported method of a zero value of each of types
// (model types of the package in dir, e.g. soma.Leaky), with argument sets
// of each kind: zeros and nil slices, small plausible values, and hostile
// ones (negative, NaN, long slices). The methods named in returns (those
// that describe an empty population, e.g. Units) must return zero values
// (0, false, nil); every other one must panic with a string of the form
// "pkg.Type: zero value: use NewType": never a runtime error (nil
// dereference, index out of range) nor another message.
//
// It fails when the package declares an exported struct type, other than a
// config (a name ending in "Config"), that types lacks, so that a new model
// cannot skip the check.
func ZeroValues(t *testing.T, dir string, returns []string, types ...reflect.Type) {
	t.Helper()
	listed := map[string]bool{}
	for _, typ := range types {
		listed[typ.Name()] = true
	}
	for _, name := range exportedStructs(t, dir) {
		if !strings.HasSuffix(name, "Config") && !listed[name] {
			t.Errorf("exported type %s is not checked: add it to the list", name)
		}
	}
	for _, typ := range types {
		ptr := reflect.PointerTo(typ)
		if ptr.NumMethod() == 0 {
			t.Errorf("%s has no exported method", typ)
		}
		want := fmt.Sprintf("%s: zero value: use New%s", typ.String(), typ.Name())
		for m := range ptr.NumMethod() {
			method := ptr.Method(m)
			for _, set := range []argSet{zeroArgs, plausibleArgs, hostileArgs} {
				args := []reflect.Value{reflect.New(typ)} // a fresh zero value each call
				for k := 1; k < method.Type.NumIn(); k++ {
					args = append(args, set.value(method.Type.In(k)))
				}
				if method.Type.IsVariadic() {
					args = args[:len(args)-1]
				}
				out, v := call(method.Func, args)
				where := fmt.Sprintf("zero %s.%s(%s)", typ, method.Name, set)
				if slices.Contains(returns, method.Name) {
					if v != nil {
						t.Errorf("%s: panic %v, want it to return", where, v)
					}
					for _, o := range out {
						if !o.IsZero() {
							t.Errorf("%s returned %v, want the zero %s", where, o, o.Type())
						}
					}
					continue
				}
				s, ok := v.(string)
				switch {
				case v == nil:
					t.Errorf("%s returned: want a panic", where)
				case isRuntimeError(v):
					t.Errorf("%s: runtime error: %v", where, v)
				case !ok:
					t.Errorf("%s: panic %#v, want a string", where, v)
				case !strings.Contains(s, want):
					t.Errorf("%s: panic %q, want one with %q", where, s, want)
				}
			}
		}
	}
}

func isRuntimeError(v any) bool { _, ok := v.(runtime.Error); return ok }

// call calls f with args and returns its results, or what it panicked
// with.
func call(f reflect.Value, args []reflect.Value) (out []reflect.Value, v any) {
	defer func() { v = recover() }()
	return f.Call(args), nil
}

// argSet is a way of making arguments.
type argSet int

const (
	zeroArgs      argSet = iota // 0, nil, false
	plausibleArgs               // 1, 1.5, slices of 3
	hostileArgs                 // −1, NaN, slices of 70
)

func (s argSet) String() string { return [...]string{"zeros", "plausible", "hostile"}[s] }

// value returns an argument of type t.
func (s argSet) value(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([...]int64{0, 1, -1}[s])
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint([...]uint64{0, 1, math.MaxUint16}[s])
	case reflect.Float32, reflect.Float64:
		v.SetFloat([...]float64{0, 1.5, math.NaN()}[s])
	case reflect.Bool:
		v.SetBool(s != zeroArgs)
	case reflect.String:
		v.SetString([...]string{"", "x", "\xff"}[s])
	case reflect.Slice:
		if s == zeroArgs {
			break
		}
		n := [...]int{0, 3, 70}[s]
		v = reflect.MakeSlice(t, n, n)
		for i := range n {
			v.Index(i).Set(s.value(t.Elem()))
		}
		if t.Elem().Kind() == reflect.Int && s == plausibleArgs {
			for i := range n {
				v.Index(i).SetInt(int64(i)) // increasing indices
			}
		}
	}
	return v
}

// exportedStructs returns the exported struct types the package in dir
// declares, tests aside.
func exportedStructs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, sp := range g.Specs {
				ts := sp.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); ok && ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names
}
