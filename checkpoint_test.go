package spark

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestSpikesCheckpoint: a set restores in place from its record, and
// refuses one of another length, a truncated one and a corrupt one,
// unchanged.
func TestSpikesCheckpoint(t *testing.T) {
	s := NewSpikes(130)
	for _, i := range []int{0, 63, 64, 129} {
		s.Set(i)
	}
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if n, err := s.WriteTo(&buf); err != nil || n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("WriteTo: %d bytes, %v", n, err)
	}
	r := NewSpikes(130)
	if n, err := r.ReadFrom(&buf); err != nil || n != int64(len(data)) || !slices.Equal(r, s) {
		t.Fatalf("ReadFrom: %d bytes, %v; %v, want %v", n, err, r, s)
	}
	r.Clear()
	if err := r.UnmarshalBinary(data); err != nil || !slices.Equal(r, s) {
		t.Fatalf("UnmarshalBinary: %v; %v, want %v", err, r, s)
	}
	bad := slices.Clone(data)
	bad[len(bad)-12] ^= 1 // a bit of the last word
	for _, c := range []struct {
		dst  Spikes
		data []byte
		want string
	}{
		{NewSpikes(200), data, "words = 3 in the checkpoint, 4 here"},
		{NewSpikes(130), data[:30], "unexpected EOF"},
		{NewSpikes(130), bad, "CRC-32C"},
	} {
		err := c.dst.UnmarshalBinary(c.data)
		var ce *CheckpointError
		if !errors.As(err, &ce) || ce.Type != "spark.Spikes" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.want, err)
		}
		if c.dst.Count() != 0 {
			t.Errorf("%q: a refused record changed the set", c.want)
		}
	}
	if _, err := NewSpikes(1).ReadFrom(bytes.NewReader(nil)); !errors.Is(err, io.EOF) {
		t.Errorf("ReadFrom(empty): %v", err)
	}
}
