# scripts/plot/cost.gp: cost per operation against rules or depth.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one block (gnuplot `index`)
# per backend/strategy, then the `none` floor; columns 1 x, 2 median,
# 3-4 median 95 % CI.
#
# Set by the preamble: datafile, outbase, plot_title, xlabel_text,
# ylabel_text, logx, logy, nseries, series_title[], series_color[],
# yformat, series_pt[], series_dt[], floor_index (-1: no floor), floor_title; optionally xtics.

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
# A little room around the data; a linear cost axis starts at 0.
set autoscale xfix
set autoscale yfix
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
if (!logy) { set offsets graph 0.04, graph 0.04, graph 0.06, 0 }
if (logx) { set logscale x }
if (logy) { set logscale y; set format y yformat }
if (!logy) { set yrange [0:*] }

if (floor_index >= 0) {
	plot for [i=1:nseries] datafile index (i - 1) using 1:2:3:4 \
		with yerrorlines lw 2 dt series_dt[i] lc rgb series_color[i] pt series_pt[i] \
		title series_title[i], \
	     datafile index floor_index using 1:2:3:4 \
		with yerrorlines lw 2 dt 2 lc rgb "#555555" pt 6 title floor_title
} else {
	plot for [i=1:nseries] datafile index (i - 1) using 1:2:3:4 \
		with yerrorlines lw 2 dt series_dt[i] lc rgb series_color[i] pt series_pt[i] \
		title series_title[i]
}

set terminal svg size 1100,680 dynamic font "Sans,11" noenhanced background "white"
set output outbase.".svg"
replot

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
	set terminal pdfcairo size 13.33in,7.5in font "Sans,13" noenhanced
	set output outbase.".pdf"
	replot
}
unset output
