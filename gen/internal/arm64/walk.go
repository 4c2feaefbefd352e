package arm64

// A Walk is a kernel's walk over its slices: a pointer into each (Ptrs),
// advanced by its element's size an element, and N, the elements left.
type Walk struct {
	f     *Func
	name  string
	Ptrs  []Reg
	sizes []int
	N     Reg
}

// NewWalk starts the walk of f over the slice parameters named, of
// elements of sizes bytes: N is the shortest length.
func NewWalk(f *Func, slices []string, sizes []int) *Walk {
	w := &Walk{f: f, name: f.Name, sizes: sizes, N: f.R()}
	for _, s := range slices {
		p := f.R()
		f.Inst("MOVD %v, %v", []Reg{p}, nil, Text(f.Param(s+"_base")), Gen(p))
		w.Ptrs = append(w.Ptrs, p)
	}
	f.Inst("MOVD %v, %v", []Reg{w.N}, nil, Text(f.Param(slices[0]+"_len")), Gen(w.N))
	for _, s := range slices[1:] {
		w.AtMost(s+"_len", 0)
	}
	return w
}

// AtMost sets N to min(n, param << shift).
func (w *Walk) AtMost(param string, shift int) {
	f, m := w.f, w.f.R()
	f.Inst("MOVD %v, %v", []Reg{m}, nil, Text(f.Param(param)), Gen(m))
	if shift > 0 {
		f.Inst("LSL $%v, %v", []Reg{m}, []Reg{m}, Int(shift), Gen(m))
	}
	f.Inst("CMP %v, %v", nil, []Reg{m, w.N}, Gen(m), Gen(w.N))
	f.Inst("CSEL LT, %v, %v, %v", []Reg{w.N}, []Reg{m, w.N}, Gen(w.N), Gen(m), Gen(w.N))
}

// Advance moves every pointer k elements on and takes k from N.
func (w *Walk) Advance(k int) {
	f := w.f
	for i, p := range w.Ptrs {
		f.Inst("ADD $%v, %v", []Reg{p}, []Reg{p}, Int(k*w.sizes[i]), Gen(p))
	}
	f.Inst("SUB $%v, %v", []Reg{w.N}, []Reg{w.N}, Int(k), Gen(w.N))
}

// Loop emits `for N >= k { body(); Advance(k) }`.
func (w *Walk) Loop(label string, k int, body func()) {
	f := w.f
	top, end := w.name+"_"+label, w.name+"_"+label+"_end"
	f.Inst("CMP $%v, %v", nil, []Reg{w.N}, Int(k), Gen(w.N))
	f.Branch("BLO", end)
	f.Label(top)
	body()
	w.Advance(k)
	f.Inst("CMP $%v, %v", nil, []Reg{w.N}, Int(k), Gen(w.N))
	f.Branch("BHS", top)
	f.Label(end)
}

// Each emits `for N > 0 { body(); Advance(1) }`.
func (w *Walk) Each(label string, body func()) {
	f := w.f
	top, end := w.name+"_"+label, w.name+"_"+label+"_end"
	f.Label(top)
	f.Branch("CBZ", end, w.N)
	body()
	w.Advance(1)
	f.Branch("", top)
	f.Label(end)
}
