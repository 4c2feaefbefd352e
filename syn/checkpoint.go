package syn

import (
	"fmt"
	"io"
	"math"

	"github.com/x448/float16"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ckpt"
	"github.com/sparkgo/spark/internal/ref"
)

// header returns what a checkpoint of the synapses must match: the model,
// its shape and layout (which the config fixes), the inhibitory units and
// the trace's parameters as the config gave them.
func header(model string, cfg *LinearSynapsesConfig, dt float64, perConn, sparse bool, p ref.Params) ckpt.Header {
	inh := make([]float32, cfg.Pre)
	for j, f := range cfg.Inhibitory {
		if f {
			inh[j] = 1
		}
	}
	return ckpt.Header{Kind: "syn." + model, Dt: dt, Params: append([]ckpt.Param{
		ckpt.Int("post", cfg.Post), ckpt.Int("pre", cfg.Pre),
		ckpt.Flag("async", cfg.AsyncSpikes), ckpt.Flag("float32", cfg.Float32),
		ckpt.Flag("sparse", sparse), ckpt.Flag("per_connection", perConn),
		ckpt.Values("inhibitory", inh),
	}, ckpt.Params(p)...)}
}

// stored are the arrays of the kernel as a checkpoint holds them: the
// weights as stored (signs folded in; binary16 or float32; pre-major or
// post-major as the layout is), and, sparse, the row offsets and post units.
type stored struct {
	start, idx []int32
	w16        []float16.Float16
	w32        []float32
}

// arrays returns the checkpoint's arrays: the traces' states, then the
// kernel's, read into st.
func (s *synapses[T]) arrays(st *stored) []ckpt.Array {
	var a []ckpt.Array
	if s.tr != nil {
		a = s.tr.Arrays()
	}
	size := s.post * s.pre
	if s.sparse {
		size = min(size, maxSparse)
		a = append(a, ckpt.Var("start", &st.start, s.pre+1), ckpt.Var("index", &st.idx, size))
	}
	if s.f32 {
		return append(a, ckpt.Var("weights", &st.w32, size))
	}
	return append(a, ckpt.Var("weights", &st.w16, size))
}

// check refuses a kernel the synapses could not hold: weights that are not
// finite, the wrong number of them, or, sparse, rows out of order or past
// the weights.
func (s *synapses[T]) check(st *stored) error {
	n := len(st.w16) + len(st.w32)
	if s.sparse {
		if len(st.start) != s.pre+1 || st.start[0] != 0 || int(st.start[s.pre]) != n || len(st.idx) != n {
			return fmt.Errorf("sparse kernel: %d row offsets from %d to %d for %d post units and %d weights; want %d from 0 to the number of weights",
				len(st.start), first(st.start), last(st.start), len(st.idx), n, s.pre+1)
		}
		for j := range s.pre {
			if st.start[j+1] < st.start[j] || int(st.start[j+1]) > n {
				return fmt.Errorf("sparse kernel: row %d starts at %d and ends at %d", j, st.start[j], st.start[j+1])
			}
			prev := int32(-1)
			for _, i := range st.idx[st.start[j]:st.start[j+1]] {
				if i <= prev || int(i) >= s.post {
					return fmt.Errorf("sparse kernel: row %d reaches post unit %d after %d (want increasing, in [0, %d))", j, i, prev, s.post)
				}
				prev = i
			}
		}
	} else if n != s.post*s.pre {
		return fmt.Errorf("%d weights in the checkpoint, %d here", n, s.post*s.pre)
	}
	for k, w := range st.w32 {
		if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
			return fmt.Errorf("weight %d is %v", k, w)
		}
	}
	for k, w := range st.w16 {
		if w.IsNaN() || w.IsInf(0) {
			return fmt.Errorf("weight %d is %v", k, w)
		}
	}
	return nil
}

func first(x []int32) int32 {
	if len(x) == 0 {
		return 0
	}
	return x[0]
}

func last(x []int32) int32 {
	if len(x) == 0 {
		return 0
	}
	return x[len(x)-1]
}

// commit makes st the kernel, and drops the input Deliver gathered, which
// no checkpoint holds.
func (s *synapses[T]) commit(st *stored) {
	clear(s.y)
	s.delivered = false
	s.w16, s.w32 = st.w16, st.w32
	if s.sparse {
		s.start, s.idx = st.start, st.idx
	}
}

// WriteTo writes a checkpoint of the synapses to w and returns the bytes
// written: the model, its shape, layout and trace parameters, the traces'
// states and the kernel as stored; see [Synapses].
func (s *synapses[T]) WriteTo(w io.Writer) (int64, error) {
	s.live()
	st := stored{s.start, s.idx, s.w16, s.w32}
	return ckpt.Write(w, s.hdr, s.arrays(&st)...)
}

// ReadFrom restores the synapses from a checkpoint and returns the bytes
// read; see [Synapses].
func (s *synapses[T]) ReadFrom(r io.Reader) (int64, error) {
	s.live()
	var st stored
	n, err := ckpt.Read(r, s.hdr, func() error { return s.check(&st) }, s.arrays(&st)...)
	if err != nil {
		return n, &spark.CheckpointError{Type: s.hdr.Kind, Err: err}
	}
	s.commit(&st)
	return n, nil
}

// MarshalBinary returns the checkpoint that WriteTo writes.
func (s *synapses[T]) MarshalBinary() ([]byte, error) {
	s.live()
	st := stored{s.start, s.idx, s.w16, s.w32}
	return ckpt.Marshal(s.hdr, s.arrays(&st)...), nil
}

// UnmarshalBinary restores the synapses from data, which must hold one
// checkpoint; see [Synapses].
func (s *synapses[T]) UnmarshalBinary(data []byte) error {
	s.live()
	var st stored
	if err := ckpt.Unmarshal(data, s.hdr, func() error { return s.check(&st) }, s.arrays(&st)...); err != nil {
		return &spark.CheckpointError{Type: s.hdr.Kind, Err: err}
	}
	s.commit(&st)
	return nil
}
