# scripts/plot/overhead.gp: overhead over `none` against rules or depth.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one block (gnuplot `index`)
# per backend/strategy; columns 1 x, 5 overhead (stats.overhead.value),
# 6-7 its 95 % CI. A CI that crosses the zero line: no measurable overhead.
#
# Set by the preamble: datafile, outbase, plot_title, xlabel_text,
# ylabel_text, logx, logy, nseries, series_title[], series_color[],
# yformat, series_pt[], series_dt[]; optionally xtics.

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1100,680 font "Sans,11" noenhanced
} else {
	set terminal png size 1100,680 noenhanced
}
set output outbase.".png"

set title plot_title
set xlabel xlabel_text
set ylabel ylabel_text
set grid xtics ytics mytics lc rgb "#dddddd"
# The legend goes right of the plot, never over the data.
set key outside right top vertical box spacing 1.2 width 1
set border 3
set tics nomirror
set bars 0.8
set pointsize 1.3
set autoscale xfix
set autoscale yfix
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
set xzeroaxis lt 1 lw 1.5 lc rgb "#555555"
if (logx) { set logscale x }
if (logy) { set logscale y; set format y yformat }

plot for [i=1:nseries] datafile index (i - 1) using 1:5:6:7 \
	with yerrorlines lw 2 dt series_dt[i] lc rgb series_color[i] pt series_pt[i] \
	title series_title[i]

set terminal svg size 1100,680 dynamic font "Sans,11" noenhanced background "white"
set output outbase.".svg"
replot

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
	set terminal pdfcairo size 13.33in,7.5in font "Sans,13" noenhanced
	set output outbase.".pdf"
	replot
}
unset output
