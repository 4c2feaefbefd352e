package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress is a single status line on stderr, rewritten in place as a
// section advances ("kernels: 37/120 LeakySoma avx512 n=16777216, 12 s")
// and cleared at the end. It writes nothing when stderr is not a terminal,
// so that a redirected log stays clean.
type progress struct {
	w     io.Writer // nil: silent
	name  string
	done  int
	total int
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(name string, total int) *progress {
	p := &progress{name: name, total: total, start: time.Now()}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		p.w = os.Stderr
	}
	return p
}

// next counts one more item of work and shows it.
func (p *progress) next(label string) {
	p.done++
	p.show(label)
}

// show rewrites the line with label, without counting an item.
func (p *progress) show(label string) {
	if p.w == nil {
		return
	}
	now := time.Now()
	if p.shown && now.Sub(p.last) < 50*time.Millisecond {
		return // at most 20 redraws a second
	}
	p.last, p.shown = now, true
	line := fmt.Sprintf("%s: %d/%d %s, %.0f s", p.name, p.done, p.total, label, now.Sub(p.start).Seconds())
	if len(line) > 100 {
		line = line[:100]
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

// clear erases the line.
func (p *progress) clear() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	p.shown = false
}
