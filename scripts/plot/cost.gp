# scripts/plot/cost.gp: cost per operation, or overhead over `none`, against
# rules, depth or the hit ratio.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one block (gnuplot `index`)
# per backend/strategy, then (cost figures) the `none` floor; columns 1 x,
# 2 median, 3-4 median 95 % CI, 5 overhead (stats.overhead.value), 6-7 its
# 95 % CI. ycols picks the columns: "2:3:4" (cost) or "5:6:7" (overhead, with
# a zero line: a CI that crosses it is no measurable overhead).
#
# Set by the preamble: datafile, outbase, plot_title, xlabel_text,
# ylabel_text, ycols, zero_line, logx, logy, nseries, series_title[],
# series_color[], yformat, series_pt[] (by backend), series_dt[] (by
# strategy), floor_index (-1: no floor), floor_title; optionally xtics and
# ytics. npanels: 1 draws every series on one axis; more draw one panel per
# backend (small multiples) on shared axes, with panel_cols, panel_rows,
# panel_title[], panel_first[], panel_last[] (its series), panel_labels[]
# (its bimodal marks), panel_ylabel, panel_xlo/xhi/ylo/yhi, and one legend
# for them all: nlegend, legend_title[], legend_dt[] (a line per strategy),
# legend_bimodal. Readable at 1280x720 and in greyscale: point type (the
# backend) and dash type (the strategy) tell the series apart without colour.

set title plot_title
set xlabel xlabel_text
set ylabel ylabel_text
set grid xtics ytics mytics lc rgb "#dddddd"
set border 3
set tics nomirror
set bars 0.8
set pointsize 1.4
if (zero_line) { set xzeroaxis lt 1 lw 1.5 lc rgb "#555555" }
if (logx) { set logscale x }
if (logy) { set logscale y; set format y yformat }

series_part = 'datafile index (i - 1) using 1:' . ycols . ' with yerrorlines lw 2 ' \
	. 'dt series_dt[i] lc rgb series_color[i] pt series_pt[i]'
if (npanels == 1) {
	# The title centred on the page, not over the plot (the legend takes the
	# right), where a long one would run off the left edge.
	unset title
	set label 99 plot_title at screen 0.5, screen 0.965 center font ",14"
	set tmargin 3
	# The legend goes right of the plot, never over the data.
	set key outside right top vertical box spacing 1.2 width 1
	# A little room around the data; a linear cost axis starts at 0.
	set autoscale xfix
	set autoscale yfix
	set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
	if (!logy && !zero_line) { set offsets graph 0.04, graph 0.04, graph 0.06, 0; set yrange [0:*] }
	page = 'plot for [i=1:nseries] ' . series_part . ' title series_title[i]' \
		. (floor_index >= 0 ? ', datafile index floor_index using 1:2:3:4 ' \
		. 'with yerrorlines lw 2 dt 2 lc rgb "#555555" pt 6 title floor_title' : '')
} else {
	# One legend for all panels, in a strip below them: the dash type is the
	# strategy in every panel, the point type and colour the panel's backend.
	legend = 'plot for [j = 1:nlegend] NaN with lines lw 2 dt legend_dt[j] lc rgb "black" title legend_title[j]' \
		. (floor_index >= 0 ? ', NaN with linespoints lw 2 dt 2 pt 6 lc rgb "#555555" title "none (no monitoring)"' : '') \
		. (legend_bimodal ? ', NaN with points pt 6 ps 2.4 lw 2 lc rgb "black" title "circled: bimodal"' : '')
	pw = 0.94 / panel_cols
	ph = 0.79 / panel_rows
	page = 'set multiplot title plot_title font ",14"; ' \
		. 'set lmargin -1; set rmargin -1; set border 3; set grid xtics ytics mytics lc rgb "#dddddd"; ' \
		. 'set xtics scale 1 nomirror; set ytics scale 1 nomirror; ' \
		. 'set format x "% h"; set format y (logy ? yformat : "% h"); ' \
		. 'if (logx) { set logscale x }; if (logy) { set logscale y }; unset key; ' \
		. 'set xrange [panel_xlo : panel_xhi]; set yrange [panel_ylo : panel_yhi]; ' \
		. 'do for [p = 1:npanels] { ' \
		. 'set origin 0.04 + ((p - 1) % panel_cols) * pw, 0.12 + (panel_rows - 1 - (p - 1) / panel_cols) * ph; ' \
		. 'set size pw, ph; ' \
		. 'set title panel_title[p] font ",13"; unset label; eval(panel_labels[p]); ' \
		. 'set xlabel (p > npanels - panel_cols ? xlabel_text : ""); ' \
		. 'set ylabel ((p - 1) % panel_cols == 0 ? panel_ylabel : ""); ' \
		. 'plot for [i = panel_first[p] : panel_last[p]] ' . series_part . ' notitle' \
		. (floor_index >= 0 ? ', datafile index floor_index using 1:2:3:4 ' \
		. 'with yerrorlines lw 2 dt 2 lc rgb "#555555" pt 6 notitle' : '') . ' }; ' \
		. 'set origin 0, 0; set size 1, 0.1; unset title; unset xlabel; unset ylabel; unset label; ' \
		. 'unset logscale; unset grid; set border 0; set xtics scale 0 format ""; set ytics scale 0 format ""; ' \
		. 'set xrange [0.11 : 0.12]; set yrange [0.11 : 0.12]; ' \
		. 'set lmargin 0; set rmargin 0; ' \
		. 'set key center center horizontal maxcols 8 samplen 3 width -3 font ",12" nobox; ' \
		. legend . '; unset multiplot'
}

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1280,720 font "Sans,13" noenhanced
} else {
	set terminal png size 1280,720 noenhanced
}
set output outbase.".png"
eval(page)

set terminal svg size 1280,720 dynamic font "Sans,13" noenhanced background "white"
set output outbase.".svg"
eval(page)

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
	set terminal pdfcairo size 17.78in,10in font "Sans,13" noenhanced
	set output outbase.".pdf"
	eval(page)
}
unset output
