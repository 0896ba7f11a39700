# scripts/plot/setup.gp: the set-up of each backend/strategy against the
# directories in scope: attach cost (left) and the kernel memory the attach
# added (right), both on log axes.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one block (gnuplot `index`)
# per backend/strategy; columns 1 dirs_in_scope, 2 attach (median over the
# timing repetitions), 3 kernel memory at attach in bytes (median over the
# counting repetitions), 4 at the end, 5 marks, 6 BPF map bytes; NaN where
# not recorded or not > 0 (a log axis cannot draw 0: the table has it).
#
# Set by the preamble: datafile, outbase, plot_title, attach_label, have_kmem
# (0: no run recorded kernel memory; the right panel says so), xlo, xhi,
# nseries, series_title[], series_color[], series_pt[] (by backend),
# series_dt[] (by strategy).

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1280,720 font "Sans,12" noenhanced
} else {
	set terminal png size 1280,720 noenhanced
}
set output outbase.".png"

set datafile missing "NaN"
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set border 3
set tics nomirror
set pointsize 1.4
set logscale x
set xrange [xlo:xhi]
set xlabel "directories in scope (count)"
set format x "%.0f"

series_part = 'datafile index (i - 1) using 1:COL with linespoints lw 2 ' \
	. 'dt series_dt[i] lc rgb series_color[i] pt series_pt[i]'

# Two panels of the same size side by side, the title above them and one
# legend for both in a strip below (gnuplot's multiplot does not make room
# for either when the panels are placed by hand).
draw = 'set multiplot; ' \
	. 'set label 99 plot_title at screen 0.5, screen 0.97 center font ",14"; ' \
	. 'unset key; set size 0.5, 0.76; set logscale y; set format y "%g"; ' \
	. 'set origin 0, 0.17; set ylabel attach_label; COL = 2; ' \
	. 'plot for [i=1:nseries] ' . series_part . ' notitle; unset label 99; ' \
	. 'set origin 0.5, 0.17; set ylabel "kernel memory added by the attach (bytes)"; COL = 3; ' \
	. (have_kmem ? 'plot for [i=1:nseries] ' . series_part . ' notitle; ' \
	   : 'set label 1 "no run recorded kernel memory" at graph 0.5, 0.5 center; ' \
	   . 'plot [xlo:xhi] [1:10] NaN notitle; unset label 1; ') \
	. 'set origin 0, 0; set size 1, 0.17; unset logscale; unset border; unset tics; ' \
	. 'unset xlabel; unset ylabel; unset grid; set yrange [0:1]; ' \
	. 'set key inside center center horizontal maxcols 4 box spacing 1.2 width 1; ' \
	. 'plot for [i=1:nseries] NaN with linespoints lw 2 dt series_dt[i] lc rgb series_color[i] ' \
	. 'pt series_pt[i] title series_title[i]; ' \
	. 'set border 3; set tics; set grid; set logscale x; set xlabel "directories in scope (count)"; ' \
	. 'set xrange [xlo:xhi]; set yrange [*:*]; ' \
	. 'unset multiplot'
eval(draw)

set terminal svg size 1280,720 dynamic font "Sans,12" noenhanced background "white"
set output outbase.".svg"
eval(draw)

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
	set terminal pdfcairo size 17.78in,10in font "Sans,12" noenhanced
	set output outbase.".pdf"
	eval(draw)
}
unset output
