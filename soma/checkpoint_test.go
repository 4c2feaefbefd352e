package soma

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/internal/ref"
)

// sameState describes the first difference between two states, bit for
// bit, NaN payloads included (a checkpoint copies the bits, it does not
// compute them), or returns "".
func sameState(got, want ref.State) string {
	if len(got.V) != len(want.V) {
		return fmt.Sprintf("%d units, want %d", len(got.V), len(want.V))
	}
	return diffStateBy(got, want, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// TestCheckpointResumes stops every model on every path after a few steps
// from a random state (NaN, ±Inf and subnormal values among them), writes
// its checkpoint, restores it into a fresh population of the same config,
// and steps both on: the restored one must hold the same bits at once and
// at every step after, spikes included.
func TestCheckpointResumes(t *testing.T) {
	sizes := []int{1, 63, 64, 65, 300, 1000}
	for _, k := range paths() {
		for _, m := range models {
			t.Run(k.name+"/"+m.class, func(t *testing.T) {
				using(t, k)
				r := rng(0x5eed)
				for _, n := range sizes {
					for _, perUnit := range []bool{false, true} {
						p := randomParams(&r, m, n, perUnit)
						a, _ := mustBuild(t, m, n, 0.5, p)
						b, _ := mustBuild(t, m, n, 0.5, p)
						scramble(&r, stateOf(a))
						current := make([]float32, n)
						sa, sb := spark.NewSpikes(n), spark.NewSpikes(n)
						for range 5 {
							currents(&r, current)
							a.Step(current, sa)
						}
						data, err := a.MarshalBinary()
						if err != nil {
							t.Fatal(err)
						}
						var w bytes.Buffer
						if k, err := a.WriteTo(&w); err != nil || k != int64(len(data)) || !bytes.Equal(w.Bytes(), data) {
							t.Fatalf("WriteTo: %d bytes, %v; MarshalBinary's are %d, equal: %v", k, err, len(data), bytes.Equal(w.Bytes(), data))
						}
						if perUnit && n%2 == 1 {
							if k, err := b.ReadFrom(&w); err != nil || k != int64(len(data)) {
								t.Fatalf("ReadFrom: %d of %d bytes, %v", k, len(data), err)
							}
						} else if err := b.UnmarshalBinary(data); err != nil {
							t.Fatal(err)
						}
						where := fmt.Sprintf("n=%d perUnit=%v", n, perUnit)
						if d := sameState(stateOf(b), stateOf(a)); d != "" {
							t.Fatalf("%s: restored: %s", where, d)
						}
						for step := range 10 {
							currents(&r, current)
							a.Step(current, sa)
							b.Step(current, sb)
							if d := sameState(stateOf(b), stateOf(a)); d != "" || !slices.Equal(sa, sb) {
								t.Fatalf("%s: step %d after the restore: %s, spikes equal: %v", where, step, d, slices.Equal(sa, sb))
							}
						}
					}
				}
			})
		}
	}
}

// TestCheckpointRefused restores checkpoints into populations they do not
// fit: each is refused with a *spark.CheckpointError that says why, and
// the population is left as it was.
func TestCheckpointRefused(t *testing.T) {
	leaky := func(n int, dt float64, tau spark.Param) Soma {
		s, err := NewLeaky(LeakyConfig{Units: n, Dt: dt, PotentialTau: tau})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	src := leaky(100, 0.5, spark.Param{})
	for i := range src.Potential() {
		src.Potential()[i] = float32(i)
	}
	data, _ := src.MarshalBinary()
	refr, _ := NewRefractoryLeaky(RefractoryLeakyConfig{Units: 100, Dt: 0.5})
	perUnit := make([]float32, 100)
	for i := range perUnit {
		perUnit[i] = 20
	}
	perUnit[99] = 21
	for _, c := range []struct {
		dst  Soma
		data []byte
		want string
	}{
		{refr, data, "spark: restoring a soma.RefractoryLeaky: a checkpoint of soma.Leaky, not of soma.RefractoryLeaky"},
		{leaky(101, 0.5, spark.Param{}), data, "units = 100 in the checkpoint, 101 here"},
		{leaky(100, 1, spark.Param{}), data, "time step 0.5 ms in the checkpoint, 1 ms here"},
		{leaky(100, 0.5, spark.Uniform(10)), data, "potential_tau = 20 in the checkpoint, 10 here"},
		{leaky(100, 0.5, spark.PerUnit(perUnit)), data, "potential_tau has 1 values in the checkpoint, 100 here"},
		{leaky(100, 0.5, spark.Param{}), data[:len(data)-1], "unexpected EOF"},
		{leaky(100, 0.5, spark.Param{}), append(slices.Clone(data), 0), "1 bytes follow the record"},
		{leaky(100, 0.5, spark.Param{}), nil, "unexpected EOF"},
	} {
		before := slices.Clone(c.dst.Potential())
		err := c.dst.UnmarshalBinary(c.data)
		var ce *spark.CheckpointError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: UnmarshalBinary: %v", c.want, err)
		}
		if !slices.Equal(c.dst.Potential(), before) {
			t.Errorf("%q: a refused checkpoint changed the potential", c.want)
		}
	}
	// Per-unit parameters are compared by their digest.
	a, b := leaky(100, 0.5, spark.PerUnit(perUnit)), leaky(100, 0.5, spark.PerUnit(slices.Repeat([]float32{20}, 100)))
	data, _ = a.MarshalBinary()
	if err := b.UnmarshalBinary(data); err == nil || !strings.Contains(err.Error(), "potential_tau: the checkpoint's 100 values differ from these") {
		t.Errorf("per-unit potential_tau differing in one unit: %v", err)
	}
	// ReadFrom: an empty stream is io.EOF, a truncated one io.ErrUnexpectedEOF.
	if _, err := b.ReadFrom(bytes.NewReader(nil)); !errors.Is(err, io.EOF) {
		t.Errorf("ReadFrom(empty): %v", err)
	}
	if _, err := b.ReadFrom(bytes.NewReader(data[:50])); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("ReadFrom(truncated): %v", err)
	}
}

// TestCheckpointStream writes every model's checkpoint, one after another,
// to one buffered stream, and reads them back in order.
func TestCheckpointStream(t *testing.T) {
	r := rng(7)
	var src, dst []Soma
	for _, m := range models {
		p := randomParams(&r, m, 130, true)
		a, _ := mustBuild(t, m, 130, 1, p)
		b, _ := mustBuild(t, m, 130, 1, p)
		scramble(&r, stateOf(a))
		src, dst = append(src, a), append(dst, b)
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	for _, s := range src {
		if _, err := s.WriteTo(w); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	rd := bufio.NewReader(&buf)
	for i, s := range dst {
		if _, err := s.ReadFrom(rd); err != nil {
			t.Fatalf("%s: %v", models[i].class, err)
		}
		if d := sameState(stateOf(s), stateOf(src[i])); d != "" {
			t.Fatalf("%s: %s", models[i].class, d)
		}
	}
	if _, err := rd.ReadByte(); err != io.EOF {
		t.Fatal("bytes left after the last checkpoint")
	}
}

// BenchmarkCheckpoint writes and restores the checkpoint of a million
// AdEx units (8 MB of state) through memory.
func BenchmarkCheckpoint(b *testing.B) {
	s, err := NewAdaptiveExponential(AdaptiveExponentialConfig{Units: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	data, _ := s.MarshalBinary()
	b.Run("write", func(b *testing.B) {
		var buf bytes.Buffer
		buf.Grow(len(data))
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			buf.Reset()
			s.WriteTo(&buf)
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := s.ReadFrom(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
