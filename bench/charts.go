package main

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/klauspost/cpuid/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Charts, drawn with gonum.org/v1/plot and written as PNG.

// chartColors are distinct, print-safe colours (Okabe–Ito), one per kernel.
var chartColors = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // green
	color.RGBA{204, 121, 167, 255}, // purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky blue
	color.RGBA{120, 120, 120, 255}, // grey
}

// pathDashes draws each path in its own style: the best path solid.
func pathDashes(path string) []vg.Length {
	switch path {
	case "generic":
		return []vg.Length{vg.Points(2), vg.Points(3)}
	case "avx2":
		return []vg.Length{vg.Points(8), vg.Points(4)}
	}
	return nil
}

// throughputChart draws the GB/s of the chart's kernels on every path
// against the bytes a step moves (log-log), with the roof of each level of
// the memory hierarchy (L1, L2, L3, DRAM; measured in the same run) drawn
// over the sizes it applies to, and the cache sizes that bound them.
func throughputChart(file string, r *KernelReport) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("spark kernels: throughput vs bytes per step, one thread (%s)", cpuid.CPU.BrandName)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "bytes moved per step (n × bytes per unit)"
	p.Y.Label.Text = "GB/s (bytes per unit × units per second)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = byteTicks{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	p.Legend.ThumbnailWidth = vg.Points(28)
	p.Add(plotter.NewGrid())

	// The kernels in the sweep, each with its table rows at both sizes.
	type key struct{ model, path string }
	points := map[key]plotter.XYs{}
	var models []string
	var paths []string
	for _, rows := range [][]KernelRow{r.Rows, r.Sweep} {
		for _, row := range rows {
			if !chartModel(row.Model) || row.Path == "ref" || row.Path == "x448" || row.GBPerS <= 0 {
				continue
			}
			if !slices.Contains(models, row.Model) {
				models = append(models, row.Model)
			}
			if !slices.Contains(paths, row.Path) {
				paths = append(paths, row.Path)
			}
			k := key{row.Model, row.Path}
			points[k] = append(points[k], plotter.XY{X: float64(row.N) * row.BytesPerUnit, Y: row.GBPerS})
		}
	}
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, m := range models {
		for _, path := range paths {
			xy := points[key{m, path}]
			if len(xy) == 0 {
				continue
			}
			slices.SortFunc(xy, func(a, b plotter.XY) int { return cmpFloat(a.X, b.X) })
			for _, q := range xy {
				xmin, xmax = min(xmin, q.X), max(xmax, q.X)
				ymin, ymax = min(ymin, q.Y), max(ymax, q.Y)
			}
			l, s, err := plotter.NewLinePoints(xy)
			if err != nil {
				return err
			}
			c := chartColors[i%len(chartColors)]
			l.Color, l.Width, l.Dashes = c, vg.Points(1.5), pathDashes(path)
			s.Color, s.Radius, s.Shape = c, vg.Points(2.5), draw.CircleGlyph{}
			p.Add(l, s)
			p.Legend.Add(fmt.Sprintf("%s, %s", m, path), l, s)
		}
	}
	if len(models) == 0 {
		return fmt.Errorf("no kernel to chart")
	}
	// The roofs: each level's, measured in the same run, over the sizes it
	// applies to. The axis reaches into every level's range, DRAM's
	// included, so that all four are drawn. The STREAM triad (a DRAM
	// figure of another loop) has no line of its own: its figure is in
	// the DRAM roof's label.
	if len(r.Roofs) > 0 {
		if c := r.Roofs[0].Capacity; c > 0 {
			xmin = min(xmin, float64(c))
		}
		if c := r.Roofs[len(r.Roofs)-1]; c.Capacity == 0 && len(r.Roofs) > 1 {
			xmax = max(xmax, float64(r.Roofs[len(r.Roofs)-2].Capacity))
		}
	}
	xmin, xmax = xmin/2, xmax*2
	var roofLabels plotter.XYLabels
	segs := roofSegments(r.Roofs, xmin, xmax)
	for _, seg := range segs {
		l, err := plotter.NewLine(plotter.XYs{{X: seg.x0, Y: seg.roof.GBs}, {X: seg.x1, Y: seg.roof.GBs}})
		if err != nil {
			return err
		}
		l.Color, l.Width = color.Black, vg.Points(2.5)
		p.Add(l)
		label := fmt.Sprintf("%s roof, %.1f GB/s", seg.roof.Level, seg.roof.GBs)
		legend := label + " (in-place read-modify-write on " + byteLabel(float64(seg.roof.Bytes)) + ")"
		if seg.roof.Level == "DRAM" && r.Memory.Triad.BestGBs > 0 {
			legend += fmt.Sprintf("; STREAM triad %.1f GB/s", r.Memory.Triad.BestGBs)
		}
		p.Legend.Add(legend, l)
		roofLabels.XYs = append(roofLabels.XYs, plotter.XY{X: seg.x0 * 1.08, Y: seg.roof.GBs * 1.06})
		roofLabels.Labels = append(roofLabels.Labels, label)
		ymin, ymax = min(ymin, seg.roof.GBs), max(ymax, seg.roof.GBs)
	}
	if len(roofLabels.XYs) > 0 {
		labels, err := plotter.NewLabels(roofLabels)
		if err != nil {
			return err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font.Size = vg.Points(8)
		}
		// The last segment's label ends at its right end, inside the axis.
		last := len(segs) - 1
		labels.XYs[last].X = segs[last].x1 / 1.08
		labels.TextStyle[last].XAlign = draw.XRight
		p.Add(labels)
	}
	// The data caches' sizes, as vertical lines: the roofs' boundaries.
	grey := color.Gray{Y: 150}
	var marks plotter.XYLabels
	for _, rf := range r.Roofs {
		size := float64(rf.Capacity)
		if size <= 0 || size < xmin || size > xmax {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: size, Y: ymin / 2}, {X: size, Y: ymax * 4}})
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = grey, vg.Points(1), []vg.Length{vg.Points(1), vg.Points(3)}
		p.Add(l)
		name := rf.Level
		if name == "L1" {
			name = "L1d"
		}
		marks.XYs = append(marks.XYs, plotter.XY{X: size * 1.08, Y: ymin / 1.6})
		marks.Labels = append(marks.Labels, name+" "+byteLabel(size))
	}
	if len(marks.XYs) > 0 {
		labels, err := plotter.NewLabels(marks)
		if err != nil {
			return err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Color = color.Gray{Y: 90}
			labels.TextStyle[i].Font.Size = vg.Points(8)
		}
		p.Add(labels)
	}
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = ymin/2, ymax*4 // room for the legend at the top
	return p.Save(12*vg.Inch, 7.5*vg.Inch, file)
}

// roofSegment is a level's roof on the chart, from x0 to x1 bytes per step.
type roofSegment struct {
	roof   Roof
	x0, x1 float64
}

// roofSegments returns each level's range of bytes per step (above the
// capacity of the level below, up to its own; DRAM's without end: the
// ranges roofFor picks from) clipped to [xmin, xmax]; a level outside it
// or without a figure is left out.
func roofSegments(roofs []Roof, xmin, xmax float64) []roofSegment {
	var out []roofSegment
	lo := 0.0
	for _, r := range roofs {
		hi := math.Inf(1)
		if r.Capacity > 0 {
			hi = float64(r.Capacity)
		}
		if x0, x1 := max(lo, xmin), min(hi, xmax); x0 < x1 && r.GBs > 0 {
			out = append(out, roofSegment{r, x0, x1})
		}
		lo = hi
	}
	return out
}

// chartModel reports whether a model is drawn when no sweep was run.
func chartModel(model string) bool {
	for _, c := range kernelCases() {
		if c.model == model {
			return c.chart
		}
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// byteTicks marks a log axis of bytes at powers of 8 (labelled: 4 KB,
// 32 KB, …) and every power of 2 between.
type byteTicks struct{}

func (byteTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log2(lo)); e <= math.Ceil(math.Log2(hi)); e++ {
		v := math.Exp2(e)
		t := plot.Tick{Value: v}
		if int(e)%3 == 0 {
			t.Label = byteLabel(v)
		}
		ts = append(ts, t)
	}
	return ts
}

// byteLabel formats a byte count in binary units.
func byteLabel(b float64) string {
	for _, u := range []struct {
		s string
		v float64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if b >= u.v {
			return fmt.Sprintf("%g %s", math.Round(b/u.v*10)/10, u.s)
		}
	}
	return fmt.Sprintf("%g B", b)
}

// rasterPNG draws a spike raster: one dot per spike at (times[k], units[k]),
// times in ms.
func rasterPNG(file string, times []float64, units []int, title string) error {
	if len(times) != len(units) {
		return fmt.Errorf("rasterPNG: %d times, %d units", len(times), len(units))
	}
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "time (ms)"
	p.Y.Label.Text = "unit"
	xy := make(plotter.XYs, len(times))
	for k := range times {
		xy[k] = plotter.XY{X: times[k], Y: float64(units[k])}
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	s.Shape = draw.BoxGlyph{}
	s.Radius = vg.Points(0.6)
	s.Color = color.Black
	if len(xy) > 200000 {
		s.Radius = vg.Points(0.35)
	}
	p.Add(s)
	if len(times) == 0 {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	}
	return p.Save(10*vg.Inch, 6*vg.Inch, file)
}

// histogramPNG draws a histogram of values in about bins bins. Values on a
// lattice (counts, or rates over a fixed duration) get bins of whole lattice
// steps centred on the lattice points, so that no bin is empty by aliasing.
func histogramPNG(file string, values []float64, bins int, title, xlabel string) error {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "count"
	var vs []float64
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vs = append(vs, v)
		}
	}
	if len(vs) > 0 {
		h := &plotter.Histogram{Bins: histogramBins(vs, max(1, bins)), FillColor: plotutil.Color(0), LineStyle: plotter.DefaultLineStyle}
		h.Width = h.Bins[0].Max - h.Bins[0].Min
		h.LineStyle.Width = vg.Points(0.5)
		p.Add(h)
	}
	return p.Save(8*vg.Inch, 5*vg.Inch, file)
}

// histogramBins bins finite values into about n bins.
func histogramBins(vs []float64, n int) []plotter.HistogramBin {
	s := slices.Clone(vs)
	slices.Sort(s)
	s = slices.Compact(s)
	lo, hi := s[0], s[len(s)-1]
	width, start := (hi-lo)/float64(n), lo
	if len(s) > 1 {
		// The smallest gap between distinct values: a lattice step if
		// every value is a whole number of them from the lowest.
		step := math.Inf(1)
		for i := 1; i < len(s); i++ {
			step = min(step, s[i]-s[i-1])
		}
		lattice := true
		for _, v := range s {
			k := (v - lo) / step
			if math.Abs(k-math.Round(k)) > 1e-6*max(1, k) {
				lattice = false
				break
			}
		}
		if lattice {
			points := math.Round((hi-lo)/step) + 1
			width = step * math.Ceil(points/float64(n))
			start = lo - step/2
		}
	}
	if !(width > 0) {
		width, start = 1, lo-0.5
	}
	count := int(math.Floor((hi-start)/width)) + 1
	bins := make([]plotter.HistogramBin, count)
	for i := range bins {
		bins[i].Min, bins[i].Max = start+float64(i)*width, start+float64(i+1)*width
	}
	for _, v := range vs {
		bins[min(count-1, int((v-start)/width))].Weight++
	}
	return bins
}
