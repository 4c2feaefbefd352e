package spark

import (
	"fmt"
	"io"

	"github.com/sparkgo/spark/internal/ckpt"
)

// CheckpointError is the error a population's ReadFrom or UnmarshalBinary
// returns for a checkpoint it refuses: one of another model, shape, time
// step or configuration, one of another format version, a truncated or
// corrupt one (its CRC fails). The population is then left as it was.
// docs/checkpoints.md describes the format.
type CheckpointError struct {
	Type string // the type restoring, e.g. "soma.Leaky"
	Err  error  // what is wrong
}

// Error formats the error as "spark: restoring a Type: Err".
func (e *CheckpointError) Error() string {
	return fmt.Sprintf("spark: restoring a %s: %v", e.Type, e.Err)
}

// Unwrap returns Err: io.ErrUnexpectedEOF for a truncated checkpoint,
// io.EOF for a stream that holds none.
func (e *CheckpointError) Unwrap() error { return e.Err }

// header is the checkpoint header of a set of n words.
func (s Spikes) header() ckpt.Header {
	return ckpt.Header{Kind: "spark.Spikes", Params: []ckpt.Param{ckpt.Int("words", len(s))}}
}

// WriteTo writes the set as a checkpoint record to w and returns the bytes
// written: its words, which a network keeps between steps (the spikes of
// step t drive the synapses at step t+1).
func (s Spikes) WriteTo(w io.Writer) (int64, error) {
	return ckpt.Write(w, s.header(), ckpt.Of("words", s))
}

// ReadFrom reads a record that WriteTo wrote into the set, which must have
// as many words, and returns the bytes read. It reads nothing past the
// record, and returns a *[CheckpointError], leaving the set as it was, for
// a record it refuses.
func (s Spikes) ReadFrom(r io.Reader) (int64, error) {
	n, err := ckpt.Read(r, s.header(), nil, ckpt.Of("words", s))
	if err != nil {
		return n, &CheckpointError{Type: "spark.Spikes", Err: err}
	}
	return n, nil
}

// MarshalBinary returns the record that WriteTo writes.
func (s Spikes) MarshalBinary() ([]byte, error) {
	return ckpt.Marshal(s.header(), ckpt.Of("words", s)), nil
}

// UnmarshalBinary restores the set from data, which must hold one record
// that MarshalBinary or WriteTo wrote of a set of as many words.
func (s Spikes) UnmarshalBinary(data []byte) error {
	if err := ckpt.Unmarshal(data, s.header(), nil, ckpt.Of("words", s)); err != nil {
		return &CheckpointError{Type: "spark.Spikes", Err: err}
	}
	return nil
}
