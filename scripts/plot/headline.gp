# scripts/plot/headline.gp: the headline figure. Each backend's overhead per
# operation over `none`, in its cheapest filter strategy (references
# excluded), in three panels: in scope, out of scope on the monitored
# filesystem, on a filesystem nobody monitors. Each panel has its own y axis
# (the overheads differ by orders of magnitude); its zero line is the `none`
# floor, whose own cost the panel's subtitle states.
#
# `subtree-bench report` writes <figure>.gp = a preamble that sets the
# variables below, followed by this template; run it with `gnuplot <figure>.gp`
# in the figure's directory. Data: <figure>.dat, one row per backend (its
# header names the columns). Bars are told apart by their labels, so the
# figure reads in greyscale.
#
# Set by the preamble: datafile, outbase, plot_title (with the unit),
# plot_subtitle, nbars,
# panel_title[3], panel_cell[3], panel_floor[3], panel_ymin[3], panel_ymax[3].

set datafile separator whitespace
set border 3
set xtics rotate by 40 right scale 0 nomirror
set ytics nomirror
set grid ytics lc rgb "#dddddd"
set xrange [0.4 : nbars + 0.6]
set boxwidth 0.62
set style fill solid 0.6 border lc rgb "black"
set bars 1.5
unset key

# One page: three panels side by side.
page = 'set multiplot layout 1,3 title plot_title . "\n" . plot_subtitle font ",16" margins 0.08, 0.97, 0.27, 0.80 spacing 0.06, 0; ' \
	. 'do for [p = 1:3] { ' \
	. 'set title sprintf("%s\n%s\n%s", panel_title[p], panel_cell[p], panel_floor[p]); ' \
	. 'if (panel_cell[p] eq "not measured") { set label 1 "not measured" at graph 0.5, 0.5 center font ",16" tc rgb "#555555"; unset ytics } ' \
	. 'else { unset label 1; set ytics nomirror }; ' \
	. 'set yrange [panel_ymin[p] : panel_ymax[p]]; ' \
	. 'c = 3 + 5 * (p - 1); ' \
	. 'plot 0 with lines lw 2.5 lc rgb "black", ' \
	. 'datafile using 1:(column(c)):21:xticlabels(2) with boxes lc rgb variable, ' \
	. 'datafile using 1:(column(c)):(column(c + 1)):(column(c + 2)) with yerrorbars pt 7 ps 0.8 lw 2 lc rgb "black", ' \
	. 'datafile using 1:(column(c + 4) > 0.5 ? column(c + 2) : 0):(column(c + 4) > 0.5 ? stringcolumn(c + 3) : "") with labels rotate by 90 left offset 0, 0.5 font ",12", ' \
	. 'datafile using 1:(0):(column(c + 4) > 0.5 || panel_cell[p] eq "not measured" ? "" : stringcolumn(c + 3)) with labels rotate by 90 left offset 0, 0.6 font ",13" tc rgb "#555555" ' \
	. '}; unset multiplot'

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
