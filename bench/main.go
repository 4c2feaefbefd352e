// Command bench simulates a population of each soma of the library for a
// simulated second and prints, per model, the spikes it fired and how fast
// the step ran on this machine:
//
//	go run ./bench [-n units] [-dt ms] [-duration s] [-seed n]
//
// Each unit gets a constant input current, drawn once per unit from a range
// around the model's rheobase so that the population fires at a spread of
// rates; the timing covers the steps alone.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/sparkgo/spark"
	"github.com/sparkgo/spark/soma"
)

func main() {
	n := flag.Int("n", 4096, "units per population")
	dt := flag.Float64("dt", 0.1, "time step (ms)")
	duration := flag.Float64("duration", 1, "simulated time per model (s)")
	seed := flag.Uint64("seed", 1, "seed of the input currents")
	flag.Parse()
	if *n <= 0 || !(*dt > 0) || !(*duration > 0) {
		fmt.Fprintln(os.Stderr, "bench: -n, -dt and -duration must be > 0")
		os.Exit(2)
	}
	steps := int(*duration*1000 / *dt + 0.5)

	fmt.Printf("spark soma populations: %d units, dt %g ms, %g s simulated (%d steps); %s/%s, %s, path %s\n\n",
		*n, *dt, *duration, steps, runtime.GOOS, runtime.GOARCH, runtime.Version(), spark.Path())
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "model\tspikes\tmean rate (Hz)\ttime/step (µs)\tsteps/s\tupdates/s (M)\t")
	for _, m := range somas {
		s, err := m.build(*n, *dt)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: %v\n", m.name, err)
			os.Exit(1)
		}
		r := run(s, m.drive(*n, *seed), steps)
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.2f\t%.0f\t%.0f\t\n", m.name, r.spikes,
			float64(r.spikes)/float64(*n) / *duration,
			r.elapsed.Seconds()*1e6/float64(steps),
			float64(steps)/r.elapsed.Seconds(),
			float64(steps)*float64(*n)/r.elapsed.Seconds()/1e6)
	}
	w.Flush()
}

// result is what one run of a population gives.
type result struct {
	spikes  int
	elapsed time.Duration
}

// run steps s steps times with a constant current and counts the spikes.
func run(s soma.Soma, current []float32, steps int) result {
	spikes := spark.NewSpikes(s.Units())
	total := 0
	start := time.Now()
	for range steps {
		s.Step(current, spikes)
		total += spikes.Count()
	}
	return result{total, time.Since(start)}
}
