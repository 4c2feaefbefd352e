package mem

// BlockLen is the number of units the portable kernels update at a time:
// the units of one spike word.
const BlockLen = 64

// Stream is a constant as the kernels read it: one value per unit or, when
// uniform, the value repeated BlockLen times, so that a kernel reads a block
// of either form the same way.
type Stream[T float32 | uint16] struct {
	v       []T
	uniform bool
}

// PlanStream plans s to hold p in b: one value for all units (len(p) = 1)
// or one per unit.
func PlanStream[T float32 | uint16](b *Block, s *Stream[T], p []T) {
	s.uniform = len(p) == 1
	if s.uniform {
		rep := make([]T, BlockLen)
		for i := range rep {
			rep[i] = p[0]
		}
		p = rep
	}
	Copy(b, &s.v, p)
}

// Block returns the values of units lo to hi, at most BlockLen of them.
func (s *Stream[T]) Block(lo, hi int) []T {
	if s.uniform {
		return s.v[:hi-lo]
	}
	return s.v[lo:hi]
}

// At returns the value of unit i.
func (s *Stream[T]) At(i int) T {
	if s.uniform {
		return s.v[0]
	}
	return s.v[i]
}

// Fill sets dst[i] to the value of unit i.
func (s *Stream[T]) Fill(dst []T) {
	if !s.uniform {
		copy(dst, s.v)
		return
	}
	for i := range dst {
		dst[i] = s.v[0]
	}
}

// Blocks returns the values of blocks b to b+nb−1, as a kernel of package
// asm takes them: 64 per block, or, uniform, the one block of 64 repeats
// that every block reads.
func (s *Stream[T]) Blocks(b, nb int) []T {
	if s.uniform {
		return s.v[:BlockLen]
	}
	return Blocks(s.v, b, nb)
}

// Uniform reports whether the stream holds one value for every unit.
func (s *Stream[T]) Uniform() bool { return s.uniform }

// Blocks returns blocks b to b+nb−1 of x's padded storage: the units from
// 64·b on, the last block whole, which may lie past len(x) but within
// cap(x).
func Blocks[T any](x []T, b, nb int) []T { return x[:cap(x)][b*BlockLen : (b+nb)*BlockLen] }

// Span returns the units of block w of a population of n: the units of
// spike word w.
func Span(w, n int) (lo, hi int) { return w * BlockLen, min((w+1)*BlockLen, n) }
