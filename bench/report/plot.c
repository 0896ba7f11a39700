// SPDX-License-Identifier: GPL-2.0
/*
 * Plotting: for each figure a gnuplot data file (.dat: one block per series,
 * then the `none` floor) and a script (.gp: the variables the template needs,
 * then the template from scripts/plot/ verbatim), and the figure itself, PNG
 * SVG and PDF, by running gnuplot on the script in the output directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static const char *const backend_color[] = {	/* same index as backend_order */
	"#555555", "#d62728", "#ff7f0e", "#1f77b4",
	"#2ca02c", "#9467bd", "#8c564b", "#b8860b", NULL,
};
static const char *const extra_color[] = {
	"#e377c2", "#17becf", "#bcbd22", "#7f7f7f", NULL,
};
/* Greyscale prints: the point type tells the backend and the dash type the
 * strategy, the colour only repeats the backend. */
static const int backend_pt[] = { 6, 7, 5, 9, 11, 13, 4, 12, 8 };	/* as backend_order; last: others */
#define BACKEND_PT_OTHERS (sizeof(backend_pt) / sizeof(backend_pt[0]) - 1)
static const int strategy_dt[] = { 1, 1, 2, 4, 5, 3, 5, 1 };	/* as strategy_order; the floor uses 2 */

static const char *series_color(const struct run *r)
{
	int i = rank(backend_order, r->backend);
	unsigned int h = 0;

	if (i != INT_MAX)
		return backend_color[i];
	/* Unknown backends: a stable color from the name. */

	for (const char *p = r->backend; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return extra_color[h % 4];
}

static int series_pt(const struct run *r)
{
	int i = rank(backend_order, r->backend);

	return i == INT_MAX ? backend_pt[BACKEND_PT_OTHERS] : backend_pt[i];
}

static int series_dt(const struct run *r)
{
	int i = rank(strategy_order, r->strategy);

	return i == INT_MAX ? strategy_dt[7] : strategy_dt[i];
}

static void dat_row(FILE *f, const struct run *p, double x)
{
	const struct est *m = &p->median, *o = &p->overhead;

	fprintf(f, "%.10g %.10g %.10g %.10g ", x, m->v, m->has_ci ? m->lo : m->v,
		m->has_ci ? m->hi : m->v);
	if (o->has)
		fprintf(f, "%.10g %.10g %.10g ", o->v, o->has_ci ? o->lo : o->v,
			o->has_ci ? o->hi : o->v);
	else
		fputs("NaN NaN NaN ", f);
	fprintf(f, "%lld %s\n", p->has_n ? p->n : 0, p->id);
}

static void estimators_of_group(const struct group *g, struct strlist *med, struct strlist *ovh)
{
	for (size_t k = 0; k < g->ns; k++)
		for (size_t i = 0; i < g->s[k].n; i++) {
			strlist_add_unique(med, g->s[k].pts[i]->median.estimator);
			strlist_add_unique(ovh, g->s[k].pts[i]->overhead.estimator);
		}
}

static void comment_list(FILE *f, const char *what, const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		fprintf(f, "# %s estimator: ", what);
		for (const char *p = l->v[i]; *p; p++)
			fputc(*p == '\n' ? ' ' : *p, f);
		fputc('\n', f);
	}
}

/* The series a figure draws: the floor only in the cost figure, and in the
 * overhead figure only series with an overhead. */
static bool series_drawn(const struct series *s, enum fig fig)
{
	return !s->is_none && !(fig == FIG_OVERHEAD && !s->n_ovh);
}

/* The modes that matter in a figure: of the samples (cost), of the paired
 * differences (overhead). */
static const struct modes *fig_modes(const struct run *p, enum fig fig)
{
	return fig == FIG_COST ? &p->modes : &p->ovh_modes;
}

static bool series_bimodal(const struct series *s, enum fig fig)
{
	for (size_t i = 0; i < s->n; i++)
		if (fig_modes(s->pts[i], fig)->bimodal)
			return true;
	return false;
}

/* A legend entry, with the footnote when some of its points are circled. */
static void gp_series_title(FILE *f, const char *label, bool bimodal)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s%s", label, bimodal ? " (circled: bimodal)" : "");
	gp_str(f, buf);
}

/* A bimodal run's median lies between its modes, where no repetition was:
 * never drawn without a circle and the word. Each command ends with end. */
static void gp_bimodal_mark(FILE *f, double x, double y, const char *end)
{
	fprintf(f, "set label \"bimodal\" at %.10g, %.10g point pt 6 ps 3.2 lw 2 lc rgb \"black\" "
		   "center offset 0, char 1.8 tc rgb \"black\" front%s", x, y, end);
}

/* The marks of the series of `backend` (NULL: all) and of the floor. */
static void gp_bimodal_marks(FILE *f, const struct group *g, enum fig fig, const char *backend,
			     const char *end)
{
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (!series_drawn(s, fig) && !(fig == FIG_COST && s == g->floor))
			continue;
		if (backend && s != g->floor && strcmp(s->pts[0]->backend, backend))
			continue;
		for (size_t i = 0; i < s->n; i++) {
			const struct run *p = s->pts[i];
			double x = s->is_none && s->n == 1 ? g->xmin : run_x(p, g->axis);

			if (fig_modes(p, fig)->bimodal)
				gp_bimodal_mark(f, x, fig == FIG_COST ? p->median.v : p->overhead.v, end);
		}
	}
}

/* Where a .dat file's numbers come from: the first kind of box's files. */
static void dat_source(FILE *f, const struct report *r)
{
	fprintf(f, "# from:");
	for (int i = 0; i < r->nin; i++)
		if (!r->in[i].paired)
			fprintf(f, " %s", r->in[i].path);
	fprintf(f, "\n# unit: %s (box time_unit \"%s\")\n", r->unit, r->in[0].time_unit);
}

/* The .dat file: one block per series (gnuplot `index`), then the floor. */
static char *group_dat(const struct report *r, const struct group *g, enum fig fig, size_t *len,
		       size_t *nblocks, int *floor_index)
{
	const char *xname = g->axis == AX_HIT ? "hit_ratio" : axis_name(g->axis);
	struct strlist med = { 0 }, ovh = { 0 };
	char *buf;
	FILE *f = xmemopen(&buf, len);
	size_t blk = 0;

	estimators_of_group(g, &med, &ovh);
	fprintf(f, "# subtree-bench report data: %s, %s mode, %s vs %s (%s)\n",
		g->workload, g->mode, fig == FIG_COST ? "cost per operation" : "overhead over none",
		axis_title(g->axis), FW(g));
	dat_source(f, r);
	fprintf(f, "# columns: 1 %s  2 median  3 median_ci95_lo  4 median_ci95_hi  5 overhead  "
		   "6 overhead_ci95_lo  7 overhead_ci95_hi  8 n  9 run_id\n", xname);
	fputs("# (a missing CI repeats the value; a missing overhead is NaN)\n", f);
	comment_list(f, "median", &med);
	comment_list(f, "overhead", &ovh);
	fputs("# blocks, in gnuplot `index` order:", f);
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (series_drawn(s, fig))
			fprintf(f, " %zu=%s", blk++, LABEL(s->pts[0]));
	}
	*floor_index = -1;
	if (fig == FIG_COST && g->floor) {
		*floor_index = (int)blk;
		fprintf(f, " %zu=none (floor)", blk++);
	}
	fputc('\n', f);
	*nblocks = blk;

	blk = 0;
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (!series_drawn(s, fig))
			continue;
		fprintf(f, "\n\n# index %zu: %s\n", blk++, LABEL(s->pts[0]));
		for (size_t i = 0; i < s->n; i++)
			dat_row(f, s->pts[i], run_x(s->pts[i], g->axis));
	}
	if (*floor_index >= 0) {
		const struct series *s = g->floor;

		fprintf(f, "\n\n# index %d: none (floor)%s\n", *floor_index,
			s->n == 1 ? ", one measurement drawn across the x range" : "");
		if (s->n == 1) {
			dat_row(f, s->pts[0], g->xmin);
			dat_row(f, s->pts[0], g->xmax);
		} else {
			for (size_t i = 0; i < s->n; i++)
				dat_row(f, s->pts[i], run_x(s->pts[i], g->axis));
		}
	}
	free(med.v);
	free(ovh.v);
	xmemclose(f);
	return buf;
}

static char *read_template(const struct report *r, const char *name)
{
	char path[PATH_MAX];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, got;

	snprintf(path, sizeof(path), "%s/%s", r->templates, name);
	f = fopen(path, "r");
	if (!f) {
		errf("cannot read the gnuplot template %s: %s; fix: run from the repository root or pass --templates DIR (the repository's scripts/plot)",
		     path, strerror(errno));
		return NULL;
	}
	do {
		buf = xgrow(buf, &cap, len + 4096, 1);
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The panels' one legend: a line per strategy drawn (its dash type, as in
 * every panel; the point type and colour are the panel's backend), whether
 * a median is circled as bimodal. */
static void gp_legend(FILE *f, const struct group *g, enum fig fig)
{
	const struct run *v[32];
	size_t n = 0;
	bool bimodal = false;

	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];
		size_t i = 0;

		if (!series_drawn(s, fig) && !(fig == FIG_COST && s == g->floor))
			continue;
		bimodal |= series_bimodal(s, fig);
		if (s->is_none)
			continue;
		while (i < n && strcmp(v[i]->strategy, s->pts[0]->strategy))
			i++;
		if (i < n || n == sizeof(v) / sizeof(v[0]))
			continue;
		for (i = n++; i > 0 && cmp_named(strategy_order, v[i - 1]->strategy,
						 s->pts[0]->strategy) > 0; i--)
			v[i] = v[i - 1];
		v[i] = s->pts[0];
	}
	fprintf(f, "nlegend = %zu\narray legend_title[%zu]\narray legend_dt[%zu]\n", n, n ? n : 1,
		n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		char label[160];

		snprintf(label, sizeof(label), "%s%s", v[i]->strategy,
			 is_reference(v[i]) ? " (reference)" : "");
		fprintf(f, "legend_title[%zu] = ", i + 1);
		gp_str(f, label);
		fprintf(f, "; legend_dt[%zu] = %d\n", i + 1, series_dt(v[i]));
	}
	fprintf(f, "legend_bimodal = %d\n", bimodal);
}

/*
 * Small multiples: past SERIES_ON_ONE_AXIS lines, one panel per backend with
 * its strategies and the floor, on shared axes (given here, so that every
 * panel has the same), instead of all the lines on one axis. Writes the
 * panel variables and returns the number of panels (1: one axis, as before).
 */
#define SERIES_ON_ONE_AXIS 6
#define MAX_PANELS 12

static size_t gp_panels(FILE *f, const struct group *g, enum fig fig, const char *unit,
			size_t nseries, bool logx, bool logy, double xlo, double xhi, double ylo,
			double yhi)
{
	const char *backend[MAX_PANELS];
	size_t first[MAX_PANELS], last[MAX_PANELS], np = 0, blk = 0, cols;

	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (!series_drawn(s, fig))
			continue;
		blk++;
		if (np && !strcmp(backend[np - 1], s->pts[0]->backend)) {
			last[np - 1] = blk;
			continue;
		}
		if (np == MAX_PANELS) {
			np = 1;	/* too many backends for panels */
			break;
		}
		backend[np] = s->pts[0]->backend;
		first[np] = last[np] = blk;
		np++;
	}
	if (nseries <= SERIES_ON_ONE_AXIS || np < 2) {
		fputs("npanels = 1\n", f);
		return 1;
	}
	cols = np <= 3 ? np : np == 4 ? 2 : 3;
	fprintf(f, "\n# One panel per backend, on the same axes.\nnpanels = %zu\npanel_cols = %zu\n"
		   "panel_rows = %zu\n", np, cols, (np + cols - 1) / cols);
	fprintf(f, "panel_ylabel = \"%s (%s)\"\n", fig == FIG_COST ? "cost" : "overhead", unit);
	if (logx)
		fprintf(f, "panel_xlo = %.10g; panel_xhi = %.10g\n", xlo / 1.4, xhi * 1.4);
	else
		fprintf(f, "panel_xlo = %.10g; panel_xhi = %.10g\n", xlo - 0.05 * (xhi - xlo + 1),
			xhi + 0.05 * (xhi - xlo + 1));
	if (logy)
		fprintf(f, "panel_ylo = %.10g; panel_yhi = %.10g\n", ylo / 1.25, yhi * 1.25);
	else if (fig == FIG_COST)
		fprintf(f, "panel_ylo = 0; panel_yhi = %.10g\n", yhi * 1.08);
	else
		fprintf(f, "panel_ylo = %.10g; panel_yhi = %.10g\n",
			fmin(0, ylo) - 0.06 * (yhi - fmin(0, ylo)), yhi + 0.3 * (yhi - fmin(0, ylo)));
	fprintf(f, "array panel_title[%zu]\narray panel_first[%zu]\narray panel_last[%zu]\n"
		   "array panel_labels[%zu]\n", np, np, np, np);
	for (size_t p = 0; p < np; p++) {
		fprintf(f, "panel_title[%zu] = ", p + 1);
		gp_str(f, backend[p]);
		fprintf(f, "; panel_first[%zu] = %zu; panel_last[%zu] = %zu\n", p + 1, first[p], p + 1,
			last[p]);
		fprintf(f, "panel_labels[%zu] = '", p + 1);
		gp_bimodal_marks(f, g, fig, backend[p], "; ");
		fputs("'\n", f);
	}
	gp_legend(f, g, fig);
	return np;
}

/* A log cost axis of a decade or two shows 1, 2 and 5 of each decade, not
 * one or two labelled powers of ten. */
static void gp_log_ytics(FILE *f, double lo, double hi)
{
	static const double steps[] = { 1, 2, 5 };
	size_t n = 0;

	if (!(lo > 0) || hi / lo > 1000)
		return;
	fputs("set ytics (", f);
	for (double d = pow(10, floor(log10(lo / 1.25))); d <= hi * 1.25; d *= 10)
		for (size_t i = 0; i < 3; i++)
			if (steps[i] * d >= lo / 1.25 && steps[i] * d <= hi * 1.25)
				fprintf(f, "%s\"%.10g\" %.10g", n++ ? ", " : "", steps[i] * d, steps[i] * d);
	fputs(")\n", f);
}

/* The generated script: variables for the template, then the template. */
static char *group_gp(const struct report *r, const struct group *g, enum fig fig,
		      const char *base, size_t nblocks, int floor_index, const char *tmpl,
		      size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);
	double ylo = INFINITY, yhi = -INFINITY;
	double xs[64];
	size_t nx = 0, blk = 0;
	bool too_many_x = false, logx, logy;
	char title[512];

	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (fig == FIG_OVERHEAD && s->is_none)
			continue;
		for (size_t i = 0; i < s->n; i++) {
			const struct est *e = fig == FIG_COST ? &s->pts[i]->median
							      : &s->pts[i]->overhead;
			double x = run_x(s->pts[i], g->axis);
			bool seen = false;

			if (!e->has)
				continue;
			ylo = fmin(ylo, e->has_ci ? e->lo : e->v);
			yhi = fmax(yhi, e->has_ci ? e->hi : e->v);
			if (s->is_none)
				continue;
			for (size_t q = 0; q < nx; q++)
				seen |= xs[q] == x;
			if (!seen && nx < sizeof(xs) / sizeof(xs[0]))
				xs[nx++] = x;
			else if (!seen)
				too_many_x = true;
		}
	}
	for (size_t a = 1; a < nx; a++)	/* insertion sort: few values */
		for (size_t b = a; b > 0 && xs[b - 1] > xs[b]; b--) {
			double t = xs[b];

			xs[b] = xs[b - 1];
			xs[b - 1] = t;
		}

	fprintf(f, "# Generated by `subtree-bench report`; re-plot with: gnuplot %s.gp\n", base);
	fprintf(f, "datafile = \"%s.dat\"\noutbase = \"%s\"\n", base, base);
	snprintf(title, sizeof(title), "%s%s%s, %s mode: %s vs %s (%s; box %s)",
		 r->title ? r->title : "", r->title ? ": " : "", g->workload, g->mode,
		 fig == FIG_COST ? "cost per operation" : "overhead over none", axis_title(g->axis),
		 FW(g), r->in[0].kind);
	fputs("plot_title = ", f);
	gp_str(f, title);
	fprintf(f, "\nxlabel_text = \"%s\"\n",
		g->axis == AX_RULES   ? "rules (sub-tree roots, count)" :
		g->axis == AX_DEPTH   ? "directory depth (levels)" :
					"hit ratio (share of operations on in-scope objects)");
	fprintf(f, "ycols = \"%s\"\nzero_line = %d\n", fig == FIG_COST ? "2:3:4" : "5:6:7",
		fig == FIG_OVERHEAD);
	if (fig == FIG_COST)
		fprintf(f, "ylabel_text = \"median cost per operation (%s), 95%% CI bars\"\n", r->unit);
	else
		fprintf(f, "ylabel_text = \"overhead over none (%s), 95%% CI bars\"\n", r->unit);
	/* Log axes where the range calls for it. */
	logx = nx >= 2 && xs[0] > 0 && xs[nx - 1] / xs[0] > 20;
	logy = ylo > 0 && yhi / ylo > 10;
	fprintf(f, "logx = %d\n", logx);
	fprintf(f, "logy = %d\n", logy);
	if (logy)
		gp_log_ytics(f, ylo, yhi);
	fprintf(f, "yformat = \"%s\"\n", ylo >= 1 ? "%.0f" : "%g");
	if (nx && !too_many_x && nx <= 12) {
		fputs("set xtics (", f);
		for (size_t q = 0; q < nx; q++)
			fprintf(f, "%s\"%s\" %.10g", q ? ", " : "", PAR(xs[q]), xs[q]);
		fputs(")\n", f);
	}
	fprintf(f, "nseries = %zu\n", nblocks - (floor_index >= 0));
	fprintf(f, "array series_title[%zu]\narray series_color[%zu]\narray series_pt[%zu]\n"
		   "array series_dt[%zu]\n", nblocks ? nblocks : 1, nblocks ? nblocks : 1,
		nblocks ? nblocks : 1, nblocks ? nblocks : 1);
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (!series_drawn(s, fig))
			continue;
		blk++;
		fprintf(f, "series_title[%zu] = ", blk);
		gp_series_title(f, LABEL(s->pts[0]), series_bimodal(s, fig));
		fprintf(f, "; series_color[%zu] = \"%s\"; series_pt[%zu] = %d; series_dt[%zu] = %d\n",
			blk, series_color(s->pts[0]), blk, series_pt(s->pts[0]), blk,
			series_dt(s->pts[0]));
	}
	fprintf(f, "floor_index = %d\n", floor_index);
	if (floor_index >= 0)
		fprintf(f, "floor_title = \"none (no monitoring)%s%s\"\n",
			g->floor->n == 1 ? ", measured once" : "",
			series_bimodal(g->floor, fig) ? " (circled: bimodal)" : "");
	if (gp_panels(f, g, fig, r->unit, nblocks - (floor_index >= 0), logx, logy, xs[0], xs[nx ? nx - 1 : 0],
		      ylo, yhi) < 2)
		gp_bimodal_marks(f, g, fig, NULL, "\n");
	fputs("\n# ---- the template (scripts/plot/cost.gp) ----\n", f);
	fputs(tmpl, f);
	xmemclose(f);
	return buf;
}

static int run_gnuplot(const char *dir, const char *base)
{
	const char *gp = getenv("GNUPLOT");
	char script[340];
	pid_t pid;
	int st;

	if (!gp || !*gp)
		gp = "gnuplot";
	snprintf(script, sizeof(script), "%s.gp", base);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		errf("cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		if (chdir(dir))
			_exit(126);
		/* cairo dates a PDF in local time: UTC, for pdf_fix_date. */
		setenv("TZ", "UTC0", 1);
		execlp(gp, gp, script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			errf("waiting for gnuplot: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		errf("cannot run %s; fix: install gnuplot (`make deps` installs gnuplot-nox), set GNUPLOT=/path/to/gnuplot, or pass --no-plots",
		     gp);
	else
		errf("gnuplot failed on %s/%s (%s %d); fix: run `gnuplot %s` in %s to see why",
		     dir, script, WIFEXITED(st) ? "exit status" : "signal",
		     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), script, dir);
	return -1;
}

/*
 * The date a PDF says it was made: cairo writes the time gnuplot ran
 * (/CreationDate (D:YYYYMMDDHHMMSS...), local time; gnuplot runs with
 * TZ=UTC0, so "Z"). Replaced, in place and at the same length, by the time
 * of SOURCE_DATE_EPOCH when set, else of the first results file's
 * created_utc: the same results give the same PDF bytes.
 */
static void pdf_stamp(const struct report *r, char out[15])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	const char *c = r->in[0].created;
	size_t n = 0;

	memcpy(out, "19700101000000", 15);
	if (sde && *sde && strspn(sde, "0123456789") == strlen(sde)) {
		time_t t = (time_t)strtoll(sde, NULL, 10);
		struct tm tm;

		if (gmtime_r(&t, &tm) && strftime(out, 15, "%Y%m%d%H%M%S", &tm) == 14)
			return;
		memcpy(out, "19700101000000", 15);
		return;
	}
	for (; c && *c && n < 14; c++)
		if (*c >= '0' && *c <= '9')
			out[n++] = *c;
	if (n != 14)
		memcpy(out, "19700101000000", 15);
}

static int pdf_fix_date(const struct report *r, const char *base)
{
	static const char *const keys[] = { "/CreationDate (D:", "/ModDate (D:" };
	char path[PATH_MAX], stamp[15];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, got;
	bool changed = false;
	int ret;

	snprintf(path, sizeof(path), "%s/%s.pdf", r->dir, base);
	f = fopen(path, "rb");
	if (!f)
		return 0;	/* no pdfcairo terminal: no PDF */
	do {
		buf = xgrow(buf, &cap, len + 65536, 1);
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	pdf_stamp(r, stamp);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k]);

		for (size_t i = 0; i + kl + 14 <= len; i++) {
			bool digits = true;

			if (memcmp(buf + i, keys[k], kl))
				continue;
			for (size_t d = 0; d < 14; d++)
				digits &= buf[i + kl + d] >= '0' && buf[i + kl + d] <= '9';
			if (digits) {
				memcpy(buf + i + kl, stamp, 14);
				changed = true;
			}
		}
	}
	ret = changed ? write_file(path, buf, len) : 0;
	free(buf);
	return ret;
}

/* base.dat and base.gp, from dat and gp (which it frees), then (unless
 * --no-plots) base.png, base.svg and, with the pdfcairo terminal, base.pdf. */
static int write_plot_files(const struct report *r, const char *base, char *dat, size_t dlen,
			    char *gp, size_t glen)
{
	char path[PATH_MAX];
	int ret = -1;

	snprintf(path, sizeof(path), "%s/%s.dat", r->dir, base);
	if (write_file(path, dat, dlen))
		goto cleanup;
	snprintf(path, sizeof(path), "%s/%s.gp", r->dir, base);
	if (write_file(path, gp, glen))
		goto cleanup;
	if (!r->no_plots && (run_gnuplot(r->dir, base) || pdf_fix_date(r, base)))
		goto cleanup;
	ret = 0;
cleanup:
	free(dat);
	free(gp);
	return ret;
}

static int write_figure(const struct report *r, const struct group *g, enum fig fig,
			const char *tmpl)
{
	const char *base = fig == FIG_COST ? g->base : g->ovh_base;
	size_t dlen, glen, nblocks;
	int floor_index;
	char *dat = group_dat(r, g, fig, &dlen, &nblocks, &floor_index);
	char *gp = group_gp(r, g, fig, base, nblocks, floor_index, tmpl, &glen);

	return write_plot_files(r, base, dat, dlen, gp, glen);
}

/* --- the cost-split figure ------------------------------------------------ */

/* One bar's medians over the timing repetitions. The consumer is in the
 * stack only when it shared the workload's CPU (consumer_in_total). */
struct split_bar {
	double workload, consumer_in, remainder, consumer_apart;
};

static struct split_bar split_of(const struct run *p)
{
	bool consumer = p->rep[RM_CONSUMER].n > 0;
	bool in = consumer && p->consumer_in_total == 1;

	return (struct split_bar){
		.workload = p->rep[RM_WORKLOAD].median,
		.consumer_in = in ? p->rep[RM_CONSUMER].median : NAN,
		.remainder = p->rep[RM_REMAINDER].median,
		.consumer_apart = consumer && !in ? p->rep[RM_CONSUMER].median : NAN,
	};
}

static void dat_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" NaN", f);
}

static char *split_dat(const struct report *r, const struct split_fig *s, size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);

	fprintf(f, "# subtree-bench report data: %s, %s mode, cost split at %s, depth %s, hit ratio %s\n",
		s->workload, s->mode, XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit));
	dat_source(f, r);
	fputs("# medians over the timing repetitions of reps_detail[].split (bench/stats.c sb_median),\n"
	      "# stacked: workload CPU, consumer CPU when consumer_in_total (NaN: not in the\n"
	      "# figure), remainder (drawn only when > 0); consumer CPU on a CPU of its own beside\n"
	      "# the stack (NaN: none); the figure: stats.median and its 95 % CI\n", f);
	fputs("# columns: 1 x  2-3 stack x range  4-5 beside-bar x range  6 workload_top  7 consumer_top\n"
	      "#  8 remainder_bottom  9 remainder_top  10 consumer_apart  11 median  12 median_ci95_lo\n"
	      "#  13 median_ci95_hi  14 bimodal  15 label  16 run_id  17 workload  18 consumer_in_total\n"
	      "#  19 remainder\n", f);
	for (size_t i = 0; i < s->n; i++) {
		const struct run *p = s->bars[i];
		const struct est *m = &p->median;
		struct split_bar b = split_of(p);
		double x = (double)(i + 1), in = isfinite(b.consumer_in) ? b.consumer_in : 0;
		bool beside = isfinite(b.consumer_apart);

		fprintf(f, "%zu %.10g %.10g", i + 1, x - (beside ? 0.38 : 0.3), x + (beside ? 0.0 : 0.3));
		dat_num(f, beside ? x + 0.04 : NAN);
		dat_num(f, beside ? x + 0.34 : NAN);
		dat_num(f, b.workload);
		dat_num(f, isfinite(b.consumer_in) ? b.workload + b.consumer_in : NAN);
		dat_num(f, b.workload + in);
		dat_num(f, b.remainder > 0 ? b.workload + in + b.remainder : NAN);
		dat_num(f, b.consumer_apart);
		fprintf(f, " %.10g %.10g %.10g %d \"", m->v, m->has_ci ? m->lo : m->v,
			m->has_ci ? m->hi : m->v, p->modes.bimodal);
		fputs(LABEL(p), f);
		fprintf(f, "\" %s", p->id);
		dat_num(f, b.workload);
		dat_num(f, b.consumer_in);
		dat_num(f, b.remainder);
		fputc('\n', f);
	}
	xmemclose(f);
	return buf;
}

static char *split_gp(const struct report *r, const struct split_fig *s, const char *tmpl,
		      size_t *len)
{
	bool in = false, beside = false, bimodal = false, rem = false;
	char *buf;
	FILE *f = xmemopen(&buf, len);
	char title[512];

	for (size_t i = 0; i < s->n; i++) {
		struct split_bar b = split_of(s->bars[i]);

		in |= isfinite(b.consumer_in);
		beside |= isfinite(b.consumer_apart);
		bimodal |= s->bars[i]->modes.bimodal;
		rem |= b.remainder > 0;
	}
	fprintf(f, "# Generated by `subtree-bench report`; re-plot with: gnuplot %s.gp\n", s->base);
	fprintf(f, "datafile = \"%s.dat\"\noutbase = \"%s\"\n", s->base, s->base);
	snprintf(title, sizeof(title), "%s%s%s, %s mode: cost split at %s, depth %s, hit ratio %s (box %s)",
		 r->title ? r->title : "", r->title ? ": " : "", s->workload, s->mode,
		 XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit), r->in[0].kind);
	fputs("plot_title = ", f);
	gp_str(f, title);
	fprintf(f, "\nylabel_text = \"median over the timing repetitions (%s)\"\n", r->unit);
	fprintf(f, "nbars = %zu\nhave_consumer_in = %d\nhave_remainder = %d\nhave_beside = %d\n"
		   "have_bimodal = %d\n",
		s->n, in, rem, beside, bimodal);
	fputs("\n# ---- the template (scripts/plot/split.gp) ----\n", f);
	fputs(tmpl, f);
	xmemclose(f);
	return buf;
}

static int write_split(const struct report *r, const struct split_fig *s, const char *tmpl)
{
	size_t dlen, glen;
	char *dat = split_dat(r, s, &dlen);
	char *gp = split_gp(r, s, tmpl, &glen);
	return write_plot_files(r, s->base, dat, dlen, gp, glen);
}

/* --- the headline figure -------------------------------------------------- */

static unsigned long color_int(const char *hex)
{
	return strtoul(hex + 1, NULL, 16);
}

/* One row per backend: per scope its overhead, CI and the number printed
 * over the bar ("not measured" where it was not). */
static char *headline_dat(const struct report *r, const struct headline *h, size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);

	fputs("# subtree-bench report data: the headline figure, each backend's overhead over none\n"
	      "# in its cheapest non-reference strategy (the lowest stats.overhead in the first scope\n"
	      "# that has the backend), in three scopes:\n", f);
	for (int sc = 0; sc < SC__COUNT; sc++)
		fprintf(f, "#   %s: %s\n", scope_words[sc], CW(&h->cell[sc]));
	dat_source(f, r);
	fputs("# columns: 1 x  2 label  then per scope (in scope 3-7, out of scope 8-12, another\n"
	      "#  filesystem 13-17): overhead, ci95_lo, ci95_hi, the text over the bar, measured (0/1);\n"
	      "#  18-20 the run ids (- where not measured)  21 colour (0xRRGGBB)\n", f);
	for (size_t i = 0; i < h->n; i++) {
		const struct headline_bar *b = &h->bars[i];
		char label[160];

		snprintf(label, sizeof(label), "%s/%s", b->backend, b->strategy);
		fprintf(f, "%zu ", i + 1);
		gp_str(f, label);
		for (int sc = 0; sc < SC__COUNT; sc++) {
			const struct run *p = b->run[sc];
			const struct est *o = p ? &p->overhead : NULL;
			char txt[64];

			if (!p) {
				fputs(" NaN NaN NaN \"not measured\" 0", f);
				continue;
			}
			snprintf(txt, sizeof(txt), "%s", NUM(o->v));
			fprintf(f, " %.10g %.10g %.10g ", o->v, o->has_ci ? o->lo : o->v,
				o->has_ci ? o->hi : o->v);
			gp_str(f, txt);
			fputs(" 1", f);
		}
		for (int sc = 0; sc < SC__COUNT; sc++)
			fprintf(f, " %s", b->run[sc] ? b->run[sc]->id : "-");
		fprintf(f, " %lu\n", color_int(series_color(b->run[0] ? b->run[0] : b->run[1] ? b->run[1] : b->run[2])));
	}
	xmemclose(f);
	return buf;
}

static char *headline_gp(const struct report *r, const struct headline *h, const char *tmpl,
			 size_t *len)
{
	static const char *const title[SC__COUNT] = {
		"In scope", "Out of scope, monitored filesystem", "Another filesystem",
	};
	char *buf, t[512];
	FILE *f = xmemopen(&buf, len);

	fprintf(f, "# Generated by `subtree-bench report`; re-plot with: gnuplot %s.gp\n", h->base);
	fprintf(f, "datafile = \"%s.dat\"\noutbase = \"%s\"\n", h->base, h->base);
	snprintf(t, sizeof(t), "%s%sOverhead per operation over no monitoring (%s, 95 %% CI)",
		 r->title ? r->title : "", r->title ? ": " : "", r->unit);
	fputs("plot_title = ", f);
	gp_str(f, t);
	snprintf(t, sizeof(t), "each backend in its cheapest filter strategy (references left out); box %s",
		 r->in[0].kind);
	fputs("\nplot_subtitle = ", f);
	gp_str(f, t);
	fputc('\n', f);
	fprintf(f, "nbars = %zu\narray panel_title[%d]\narray panel_cell[%d]\narray panel_floor[%d]\n"
		   "array panel_ymin[%d]\narray panel_ymax[%d]\n", h->n, SC__COUNT, SC__COUNT, SC__COUNT,
		SC__COUNT, SC__COUNT);
	for (int sc = 0; sc < SC__COUNT; sc++) {
		const struct headline_cell *c = &h->cell[sc];
		double lo = 0, hi = 0;

		for (size_t i = 0; i < h->n; i++) {
			const struct run *p = h->bars[i].run[sc];

			if (!p)
				continue;
			lo = fmin(lo, p->overhead.has_ci ? p->overhead.lo : p->overhead.v);
			hi = fmax(hi, p->overhead.has_ci ? p->overhead.hi : p->overhead.v);
		}
		if (!(hi > lo))
			hi = lo + 1;
		fprintf(f, "panel_title[%d] = ", sc + 1);
		gp_str(f, title[sc]);
		snprintf(t, sizeof(t), "%s", c->found ? CW(c) : "not measured");
		fprintf(f, "; panel_cell[%d] = ", sc + 1);
		gp_str(f, t);
		if (c->none)
			snprintf(t, sizeof(t), "none (the zero line): %s %s", NUM(c->none->median.v), r->unit);
		else
			snprintf(t, sizeof(t), "%s", c->found ? "none: not measured at this cell" : "");
		fprintf(f, "; panel_floor[%d] = ", sc + 1);
		gp_str(f, t);
		/* Room over the bars for their numbers, under them for a negative CI. */
		fprintf(f, "\npanel_ymin[%d] = %.10g; panel_ymax[%d] = %.10g\n", sc + 1,
			lo < 0 ? lo - 0.08 * (hi - lo) : 0, sc + 1, hi + 0.24 * (hi - lo));
	}
	fputs("\n# ---- the template (scripts/plot/headline.gp) ----\n", f);
	fputs(tmpl, f);
	xmemclose(f);
	return buf;
}

static int write_headline(const struct report *r, const char *tmpl)
{
	const struct headline *h = &r->headline;
	size_t dlen, glen;
	char *dat = headline_dat(r, h, &dlen);
	char *gp = headline_gp(r, h, tmpl, &glen);
	return write_plot_files(r, h->base, dat, dlen, gp, glen);
}

/* --- the set-up figure ---------------------------------------------------- */

/* A value for a log axis: NaN (not drawn) unless > 0. */
static void dat_log(FILE *f, double v)
{
	dat_num(f, v > 0 ? v : NAN);
}

static char *setup_dat(const struct report *r, const struct setup_fig *s, size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);

	fprintf(f, "# subtree-bench report data: open-close, %s mode, set-up vs directories in scope, "
		   "depth %s, hit ratio %s\n", s->mode, PAR(s->depth), PAR(s->hit));
	dat_source(f, r);
	fputs("# medians (bench/stats.c sb_median): attach over reps_detail[].attach_ns, the rest over\n"
	      "# counting_detail[]; NaN: not recorded, or not > 0 (a log axis cannot draw it)\n", f);
	fputs("# columns: 1 dirs_in_scope  2 attach  3 kmem_attach_bytes  4 kmem_end_bytes  5 marks\n"
	      "#  6 map_bytes  7 rules  8 run_id\n", f);
	for (size_t k = 0; k < s->ns; k++) {
		fprintf(f, "\n\n# index %zu: %s\n", k, LABEL(s->s[k].pts[0]));
		for (size_t i = 0; i < s->s[k].n; i++) {
			const struct run *p = s->s[k].pts[i];

			fprintf(f, "%.10g", p->dirs);
			dat_log(f, p->rep[RM_ATTACH].median);
			dat_log(f, p->count[CM_KMEM_ATTACH].median);
			dat_log(f, p->count[CM_KMEM_END].median);
			dat_log(f, p->count[CM_MARKS].median);
			dat_log(f, p->count[CM_MAP_BYTES].median);
			fprintf(f, " %s %s\n", PAR(p->rules), p->id);
		}
	}
	xmemclose(f);
	return buf;
}

static char *setup_gp(const struct report *r, const struct setup_fig *s, const char *tmpl,
		      size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);
	char title[512];

	fprintf(f, "# Generated by `subtree-bench report`; re-plot with: gnuplot %s.gp\n", s->base);
	fprintf(f, "datafile = \"%s.dat\"\noutbase = \"%s\"\n", s->base, s->base);
	snprintf(title, sizeof(title), "%s%sset-up, %s mode: attach and kernel memory vs directories "
		 "in scope (open-close, depth %s, hit ratio %s; box %s)", r->title ? r->title : "",
		 r->title ? ": " : "", s->mode, PAR(s->depth), PAR(s->hit), r->in[0].kind);
	fputs("plot_title = ", f);
	gp_str(f, title);
	fprintf(f, "\nattach_label = \"attach, median over the timing repetitions (%s)\"\n",
		!strcmp(r->in[0].time_unit, "instructions") ? "instructions" : "ns");
	fprintf(f, "have_kmem = %d\nxlo = %.10g; xhi = %.10g\nnseries = %zu\n", s->has_kmem,
		s->xmin / 1.5, s->xmax * 1.5, s->ns);
	fprintf(f, "array series_title[%zu]\narray series_color[%zu]\narray series_pt[%zu]\n"
		   "array series_dt[%zu]\n", s->ns, s->ns, s->ns, s->ns);
	for (size_t k = 0; k < s->ns; k++) {
		const struct run *p = s->s[k].pts[0];

		fprintf(f, "series_title[%zu] = ", k + 1);
		gp_str(f, LABEL(p));
		fprintf(f, "; series_color[%zu] = \"%s\"; series_pt[%zu] = %d; series_dt[%zu] = %d\n",
			k + 1, series_color(p), k + 1, series_pt(p), k + 1, series_dt(p));
	}
	fputs("\n# ---- the template (scripts/plot/setup.gp) ----\n", f);
	fputs(tmpl, f);
	xmemclose(f);
	return buf;
}

static int write_setup(const struct report *r, const struct setup_fig *s, const char *tmpl)
{
	size_t dlen, glen;
	char *dat = setup_dat(r, s, &dlen);
	char *gp = setup_gp(r, s, tmpl, &glen);
	return write_plot_files(r, s->base, dat, dlen, gp, glen);
}

int report_plot(const struct report *r)
{
	char *cost_tmpl = read_template(r, "cost.gp");
	char *split_tmpl = r->nsplits ? read_template(r, "split.gp") : NULL;
	char *headline_tmpl = r->headline.n ? read_template(r, "headline.gp") : NULL;
	char *setup_tmpl = r->nsetups ? read_template(r, "setup.gp") : NULL;
	int ret = EXIT_OUTPUT;

	if (!cost_tmpl || (r->nsplits && !split_tmpl) || (r->headline.n && !headline_tmpl) ||
	    (r->nsetups && !setup_tmpl))
		goto cleanup;
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct group *g = &r->groups[i];

		if (g->cost_fig && write_figure(r, g, FIG_COST, cost_tmpl))
			goto cleanup;
		if (g->ovh_fig && write_figure(r, g, FIG_OVERHEAD, cost_tmpl))
			goto cleanup;
	}
	for (size_t i = 0; i < r->nsplits; i++)
		if (write_split(r, &r->splits[i], split_tmpl))
			goto cleanup;
	if (r->headline.n && write_headline(r, headline_tmpl))
		goto cleanup;
	for (size_t i = 0; i < r->nsetups; i++)
		if (write_setup(r, &r->setups[i], setup_tmpl))
			goto cleanup;
	ret = 0;
cleanup:
	free(cost_tmpl);
	free(split_tmpl);
	free(headline_tmpl);
	free(setup_tmpl);
	return ret;
}
