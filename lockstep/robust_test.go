package lockstep

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestShardPanics: a shard that panics, on the caller's goroutine or on a
// worker, makes Step or Run panic once every goroutine has finished the
// step (no shard runs the next step early, none is left behind), with shard
// 0's own value or a *ShardPanic; a Run stops after that step; the team
// then steps on, in lockstep.
func TestShardPanics(t *testing.T) {
	for _, spin := range []int{0, Spin} {
		for _, bad := range []int{0, 1, 3} {
			for _, run := range []bool{false, true} {
				const shards, g = 4, 2
				var ran [shards]atomic.Int64 // each shard's last step
				var team *Team
				team = newTeam(shards, g, spin, func(s, step int) {
					time.Sleep(time.Duration(s) * 100 * time.Microsecond) // the others finish later
					ran[s].Store(int64(step))
					if step == 3 && s == bad {
						panic(fmt.Sprintf("shard %d fails", s))
					}
				})
				// Steps 0–7 one by one, or as Run(0, 8), which stops after
				// step 3, then Run(4, 8).
				calls := [][2]int{{0, 8}, {4, 8}}
				if !run {
					calls = nil
					for step := range 8 {
						calls = append(calls, [2]int{step, step + 1})
					}
				}
				for _, c := range calls {
					what := fmt.Sprintf("spin %d, shard %d fails, Run %v: after [%d, %d)", spin, bad, run, c[0], c[1])
					var p any
					within(t, what, func() {
						defer func() { p = recover() }()
						if run {
							team.Run(c[0], c[1])
						} else {
							team.Step(c[0])
						}
					})
					last := c[1] - 1
					if c[0] <= 3 && 3 <= last {
						last = 3 // the run stops after the step that panicked
					}
					for s := range shards {
						want := int64(last)
						if last == 3 && s%g == bad%g && s > bad {
							want = 2 // after the panic, its goroutine's later shards skip the step
						}
						if got := ran[s].Load(); got != want {
							t.Fatalf("%s, shard %d last ran step %d, want %d", what, s, got, want)
						}
					}
					switch {
					case last != 3:
						if p != nil {
							t.Fatalf("%s: panic %v", what, p)
						}
					case bad == 0:
						if p != "shard 0 fails" {
							t.Fatalf("%s: panic %v, want shard 0's", what, p)
						}
					default:
						sp, _ := p.(*ShardPanic)
						if sp == nil || sp.Shard != bad || sp.Step != 3 || sp.Value != fmt.Sprintf("shard %d fails", bad) || !strings.Contains(sp.Error(), "shard "+fmt.Sprint(bad)+" panicked at step 3") {
							t.Fatalf("%s: panic %#v", what, p)
						}
					}
				}
				within(t, "Close", team.Close) // a worker left in a run would never let it return
			}
		}
	}
	err := error(&ShardPanic{Value: os.ErrClosed})
	if !errors.Is(err, os.ErrClosed) {
		t.Error("a ShardPanic of an error does not unwrap to it")
	}
}
