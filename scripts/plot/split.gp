# scripts/plot/split.gp: where the cost of one operation goes, per
# backend/strategy at one cell (rules, depth, hit ratio), as stacked bars.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one row per bar (its header
# names the columns): the medians over the timing repetitions of the
# workload thread's CPU time, of the consumer's CPU time when it shares the
# workload's CPU (then it is part of the figure) and of the remainder,
# stacked; the consumer's CPU time on a CPU of its own as a hatched bar
# beside the stack (not part of the figure); the figure itself (the run's
# median with its 95 % CI) as a black point over the stack.
# The parts differ by fill pattern as well as colour, for greyscale prints.
#
# Set by the preamble: datafile, outbase, plot_title, ylabel_text, nbars,
# have_consumer_in, have_remainder (some bar has a remainder > 0), have_beside,
# have_bimodal (0 or 1 each).

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1280,720 font "Sans,12" noenhanced
} else {
	set terminal png size 1280,720 noenhanced
}
set output outbase.".png"

# A part a bar does not have is NaN in the data: skip it, draw nothing.
set datafile missing "NaN"
set title plot_title
set ylabel ylabel_text
set grid ytics lc rgb "#dddddd"
# The legend goes below the plot, never over the bars.
set key outside below center horizontal maxcols 2 box spacing 1.2 width 1
set border 3
set tics nomirror
set xtics rotate by -20 left scale 0 nomirror
set rmargin 16
set xrange [0.4 : nbars + 0.6]
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set bars 2.5
set style fill solid 1.0 border lc rgb "black"

# The plot command is assembled so that parts no bar has are left out
# (gnuplot would warn about them, having no points to draw).
workload_part = 'datafile using 1:(0):2:3:(0):6:xticlabels(15) with boxxyerror' \
	. ' fs solid 0.35 border lc rgb "black" lc rgb "#1f77b4"' \
	. ' title "workload CPU (the operations'' own thread)"'
consumer_part = ', datafile using 1:(0):2:3:6:7 with boxxyerror' \
	. ' fs pattern 4 border lc rgb "black" lc rgb "#d62728"' \
	. ' title "consumer CPU, sharing the workload''s CPU (in the figure)"'
remainder_part = ', datafile using 1:(0):2:3:8:9 with boxxyerror' \
	. ' fs pattern 1 border lc rgb "black" lc rgb "#7f7f7f"' \
	. ' title "remainder (interrupts, kernel threads, scheduling, idle)"'
beside_part = ', datafile using 1:(0):4:5:(0):10 with boxxyerror' \
	. ' fs pattern 5 border lc rgb "#d62728" lw 1.5 dt 2 lc rgb "#d62728"' \
	. ' title "consumer CPU on a CPU of its own (not in the figure)"' \
	. ', datafile using (($4 + $5) / 2):10:("not in\nthe figure") with labels' \
	. ' offset 0, 1.4 font ",10" notitle'
figure_part = ', datafile using (($2 + $3) / 2):11:12:13 with yerrorbars' \
	. ' pt 7 ps 1.4 lw 2 lc rgb "black" title "the figure: median per operation, 95 % CI"'
bimodal_part = ', datafile using (($2 + $3) / 2):($14 > 0 ? $11 : NaN) with points' \
	. ' pt 6 ps 4 lw 2 lc rgb "black"' \
	. ' title "circled: a bimodal run, its median between two modes"'
plot_cmd = 'plot ' . workload_part . (have_consumer_in ? consumer_part : '') \
	. (have_remainder ? remainder_part : '') \
	. (have_beside ? beside_part : '') . figure_part . (have_bimodal ? bimodal_part : '')
eval(plot_cmd)

set terminal svg size 1280,720 dynamic font "Sans,12" noenhanced background "white"
set output outbase.".svg"
replot

if (strstrt(GPVAL_TERMINALS, "pdfcairo") > 0) {
	set terminal pdfcairo size 17.78in,10in font "Sans,12" noenhanced
	set output outbase.".pdf"
	replot
}
unset output
