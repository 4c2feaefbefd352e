package syn

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
)

// TestSparseEqualsDense: sparse storage gives the currents and traces of
// dense storage, bit for bit, on every path, every model, binary16 and
// float32, with inhibitory units, spikes as bits and as indices.
func TestSparseEqualsDense(t *testing.T) {
	for _, k := range paths() {
		for model, build := range models {
			t.Run(k.name+"/"+model, func(t *testing.T) {
				using(t, k)
				r := rng(21)
				for _, shape := range [][2]int{{1, 1}, {7, 65}, {130, 64}, {300, 200}} {
					post, pre := shape[0], shape[1]
					for _, f32 := range []bool{false, true} {
						inh := make([]bool, pre)
						for j := range inh {
							inh[j] = r.Next()%3 == 0
						}
						p, _ := drawParams(&r, model, post, pre, "post")
						init := SparseUniform(-20, 40, 0.05, r.Next())
						cfg := LinearSynapsesConfig{Post: post, Pre: pre, Init: init, Float32: f32, Inhibitory: inh}
						cfg.Storage = Dense
						d, err := build(cfg, 0.5, p)
						if err != nil {
							t.Fatal(err)
						}
						cfg.Storage = Sparse
						s, err := build(cfg, 0.5, p)
						if err != nil {
							t.Fatal(err)
						}
						where := fmt.Sprintf("%d×%d f32=%v", post, pre, f32)
						if !slices.Equal(d.Kernel(nil), s.Kernel(nil)) {
							t.Fatalf("%s: kernels differ", where)
						}
						cd, cs := make([]float32, post), make([]float32, post)
						spikes := spark.NewSpikes(pre)
						for step := range 12 {
							var idx []int
							spikes.Clear()
							for j := range pre {
								if r.Next()%4 == 0 {
									spikes.Set(j)
									idx = append(idx, j)
								}
							}
							d.Step(spikes, cd)
							if step%2 == 0 {
								s.Step(spikes, cs)
							} else {
								s.StepIndices(idx, cs)
							}
							for i := range cd {
								if math.Float32bits(cd[i]) != math.Float32bits(cs[i]) {
									t.Fatalf("%s step %d: current[%d] sparse %v, dense %v", where, step, i, cs[i], cd[i])
								}
							}
						}
					}
				}
			})
		}
	}
}

// TestStorageChoice: AutoStorage picks sparse for sparse kernels into
// synchronous spikes, dense otherwise; Sparse is refused where it cannot
// serve; absent weights read +0 (a −0 too) and can be set to ±0 only.
func TestStorageChoice(t *testing.T) {
	mk := func(c LinearSynapsesConfig) *LinearSynapses {
		s, err := NewLinearSynapses(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := mk(LinearSynapsesConfig{Post: 100, Pre: 100, Init: SparseUniform(1, 2, 0.02, 1)}); !s.sparse {
		t.Error("2% density, synchronous: not sparse")
	}
	if s := mk(LinearSynapsesConfig{Post: 100, Pre: 100, Init: SparseUniform(1, 2, 0.5, 1)}); s.sparse {
		t.Error("50% density: sparse")
	}
	if s := mk(LinearSynapsesConfig{Post: 100, Pre: 100, Init: SparseUniform(1, 2, 0.02, 1), AsyncSpikes: true}); s.sparse {
		t.Error("asynchronous spikes: sparse")
	}
	_, err := NewLinearSynapses(LinearSynapsesConfig{Post: 2, Pre: 2, Init: Constant(1), AsyncSpikes: true, Storage: Sparse})
	var ce *spark.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Storage" {
		t.Errorf("Sparse with asynchronous spikes: %v", err)
	}
	s := mk(LinearSynapsesConfig{Post: 3, Pre: 2, Kernel: []float32{1, 0, 0, 2, 0, 0}, Storage: Sparse})
	if s.Weight(0, 1) != 0 || s.Weight(1, 1) != 2 {
		t.Errorf("weights %v, %v; want 0 and 2", s.Weight(0, 1), s.Weight(1, 1))
	}
	s.SetWeight(1, 1, 5)
	s.SetWeight(0, 1, 0) // setting an absent weight to 0 is allowed
	s.SetWeight(0, 1, float32(math.Copysign(0, -1)))
	if b := math.Float32bits(s.Weight(0, 1)); b != 0 {
		t.Errorf("absent weight set to −0 reads %#08x, want +0", b)
	}
	neg := mk(LinearSynapsesConfig{Post: 2, Pre: 1, Kernel: []float32{float32(math.Copysign(0, -1)), 3}, Storage: Sparse})
	if b := math.Float32bits(neg.Kernel(nil)[0]); b != 0 {
		t.Errorf("a −0 of the kernel reads %#08x from sparse storage, want +0 (not stored)", b)
	}
	func() {
		defer func() {
			if r, _ := recover().(string); !strings.Contains(r, "sparse storage has no synapse from 1 to 2") {
				t.Errorf("SetWeight(2, 1) on an absent synapse: panic %q", r)
			}
		}()
		s.SetWeight(2, 1, 1)
	}()
	if err := s.SetKernel([]float32{0, 0, 0, 0, 7, 7}); err != nil || s.Weight(2, 0) != 7 || s.Weight(1, 1) != 0 {
		t.Errorf("SetKernel on sparse storage: %v, %v", err, s.Kernel(nil))
	}
	cur := make([]float32, 3)
	s.StepIndices([]int{0, 1}, cur)
	if !slices.Equal(cur, []float32{0, 0, 14}) {
		t.Errorf("currents %v, want [0 0 14]", cur)
	}
}

// TestRows: the rows of a kernel drawn for a shard equal the whole's.
func TestRows(t *testing.T) {
	in := SparseUniform(1, 2, 0.1, 9)
	whole := make([]float32, 50*40)
	fill(in, whole, 50, 40)
	part := make([]float32, 20*40)
	fill(Rows(in, 10, 30, 50), part, 20, 40)
	if !slices.Equal(part, whole[10*40:30*40]) {
		t.Error("Rows(10, 30) differs from rows 10 to 30 of the whole kernel")
	}
	// Every initializer, and rows of rows: each row is drawn on its own.
	for _, in := range []Initializer{Constant(3), Uniform(-1, 1, 4), NormalizedSparseUniform(1, 2, 0.3, 5), SparseUniform(1, 2, 0.1, 9)} {
		whole := make([]float32, 50*40)
		fill(in, whole, 50, 40)
		for _, c := range []struct {
			in     Initializer
			lo, hi int
		}{{Rows(in, 0, 50, 50), 0, 50}, {Rows(in, 49, 50, 50), 49, 50}, {Rows(Rows(in, 10, 30, 50), 5, 12, 20), 15, 22}} {
			part := make([]float32, (c.hi-c.lo)*40)
			fill(c.in, part, c.hi-c.lo, 40)
			if !slices.Equal(part, whole[c.lo*40:c.hi*40]) {
				t.Errorf("%v differs from rows %d to %d of the whole kernel", c.in, c.lo, c.hi)
			}
		}
	}
	// Rows differ: no two rows of a random kernel are drawn alike.
	u := make([]float32, 50*40)
	fill(Uniform(0, 1, 7), u, 50, 40)
	for i := 1; i < 50; i++ {
		if slices.Equal(u[i*40:i*40+40], u[(i-1)*40:i*40]) || u[i*40] == u[(i-1)*40] {
			t.Fatalf("rows %d and %d of Uniform begin alike", i-1, i)
		}
	}
	s, _ := NewLinearSynapses(LinearSynapsesConfig{Post: 50, Pre: 40, Init: in, Storage: Sparse})
	d, _ := NewLinearSynapses(LinearSynapsesConfig{Post: 50, Pre: 40, Init: in, Storage: Dense})
	for j := range 40 {
		n := 0
		for i := range 50 {
			if whole[i*40+j] != 0 {
				n++
			}
		}
		if s.OutDegree(j) != n || d.OutDegree(j) != n {
			t.Fatalf("OutDegree(%d) = %d sparse, %d dense; want %d", j, s.OutDegree(j), d.OutDegree(j), n)
		}
	}
	// A stored weight set to 0, or rounded to ±0 in binary16, is no
	// synapse: both storages count the non-zero weights.
	for _, f32 := range []bool{false, true} {
		s, _ := NewLinearSynapses(LinearSynapsesConfig{Post: 3, Pre: 2, Kernel: []float32{1, 2, 1e-9, -1e-9, 5, 6}, Float32: f32, Storage: Sparse})
		d, _ := NewLinearSynapses(LinearSynapsesConfig{Post: 3, Pre: 2, Kernel: []float32{1, 2, 1e-9, -1e-9, 5, 6}, Float32: f32, Storage: Dense})
		for _, x := range []*LinearSynapses{s, d} {
			x.SetWeight(2, 0, 0)
		}
		want := []int{2, 3} // float32 keeps 1e-9
		if !f32 {
			want = []int{1, 2}
		}
		for j := range 2 {
			if s.OutDegree(j) != want[j] || d.OutDegree(j) != want[j] {
				t.Errorf("float32 %v: OutDegree(%d) = %d sparse, %d dense; want %d", f32, j, s.OutDegree(j), d.OutDegree(j), want[j])
			}
		}
	}
}

// TestStepAdd adds to the currents what Step writes.
func TestStepAdd(t *testing.T) {
	s, _ := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 70, Pre: 30, Init: Uniform(-3, 5, 2)}})
	u, _ := NewTracedSynapses(TracedSynapsesConfig{LinearSynapsesConfig: LinearSynapsesConfig{Post: 70, Pre: 30, Init: Uniform(-3, 5, 2)}})
	spikes := spark.NewSpikes(30)
	base, want, got := make([]float32, 70), make([]float32, 70), make([]float32, 70)
	for k := range base {
		base[k] = float32(k) - 20.5
	}
	for step := range 5 {
		spikes[0] = uint64(0x2a5a5a5a) << step & (1<<30 - 1)
		s.Step(spikes, want)
		for k := range want {
			want[k] = base[k] + want[k]
		}
		copy(got, base)
		u.StepAdd(spikes, got)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: StepAdd %v, want %v", step, got[:4], want[:4])
		}
	}
	if a := testing.AllocsPerRun(10, func() { u.StepAdd(spikes, got) }); a != 0 {
		t.Errorf("%v allocations per StepAdd", a)
	}
}

// TestScatterKernels: every path's scatter-add equals the portable one,
// bit for bit, on rows of every length to 300 with increasing indices, and
// writes no accumulator it is not given.
func TestScatterKernels(t *testing.T) {
	r := rng(31)
	const post = 700
	for _, k := range scatterPaths() {
		for n := 0; n <= 300; n++ {
			idx := make([]int32, 0, n)
			for _, i := range perm(&r, post)[:n] {
				idx = append(idx, int32(i))
			}
			slices.Sort(idx) // a sparse row's indices increase
			w32 := make([]float32, n)
			w16 := make([]float16.Float16, n)
			for j := range w32 {
				w32[j] = r.Uniform(-100, 100)
				w16[j] = float16.Fromfloat32(w32[j])
			}
			base := make([]float32, post)
			for i := range base {
				base[i] = r.Uniform(-5, 5)
			}
			for _, half := range []bool{false, true} {
				got, want := slices.Clone(base), slices.Clone(base)
				buf := make([]float32, chunk)
				if half {
					k.scatter16(got, idx, w16, buf)
					scatter16Generic(want, idx, w16, buf)
				} else {
					k.scatter32(got, idx, w32)
					scatter32Generic(want, idx, w32)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s n=%d half=%v: scatter differs", k.name, n, half)
				}
			}
		}
	}
}

// TestAddRows: every path adds the rows of a step (its kernel of every
// row, or its scatter a row) as the portable scatter does row by row, bit
// for bit: rows of 0 to 90 weights, in increasing order as the synapses
// give them and in any order, repeated, and none.
func TestAddRows(t *testing.T) {
	r := rng(37)
	const post = 500
	for _, k := range scatterPaths() {
		for trial := range 300 {
			nrows := 1 + r.Intn(40)
			start := []int32{0}
			var idx []int32
			for range nrows {
				row := perm(&r, post)[:r.Intn(91)]
				slices.Sort(row)
				for _, i := range row {
					idx = append(idx, int32(i))
				}
				start = append(start, int32(len(idx)))
			}
			w32 := make([]float32, len(idx))
			w16 := make([]float16.Float16, len(idx))
			for j := range w32 {
				w32[j] = r.Uniform(-100, 100)
				w16[j] = float16.Fromfloat32(w32[j])
			}
			var rows []int
			for j := range nrows {
				if r.Intn(2) == 0 {
					rows = append(rows, j)
				}
			}
			if trial%2 == 1 { // any order, repeated
				rows = rows[:0]
				for range r.Intn(2 * nrows) {
					rows = append(rows, r.Intn(nrows))
				}
			}
			base := make([]float32, post)
			for i := range base {
				base[i] = r.Uniform(-5, 5)
			}
			buf := make([]float32, chunk)
			got, want := slices.Clone(base), slices.Clone(base)
			k.addRows16(got, idx, w16, start, rows, buf)
			for _, j := range rows {
				scatter16Generic(want, idx[start[j]:start[j+1]], w16[start[j]:start[j+1]], buf)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s trial %d: binary16 rows differ", k.name, trial)
			}
			got, want = slices.Clone(base), slices.Clone(base)
			k.addRows32(got, idx, w32, start, rows)
			for _, j := range rows {
				scatter32Generic(want, idx[start[j]:start[j+1]], w32[start[j]:start[j+1]])
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s trial %d: float32 rows differ", k.name, trial)
			}
		}
	}
}

// perm returns a random permutation of [0, n).
func perm(r *rng, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.Intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
