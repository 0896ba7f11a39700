// SPDX-License-Identifier: GPL-2.0
/*
 * Writing REPORT.md: the box, the method, the sentences derived from the
 * numbers, a table (and the figures) per workload and mode, then what was
 * not shown and why. Written once into the output directory with local
 * figure links, and again to --report-md with links relative to it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void md_estimators(FILE *f, struct run **v, size_t n, const char *lead)
{
	struct strlist med = { 0 }, ovh = { 0 }, mean = { 0 }, sd = { 0 }, out = { 0 };
	struct { const char *what; struct strlist *l; } rows[] = {
		{ "median and its 95 % CI", &med }, { "overhead and its 95 % CI", &ovh },
		{ "outliers", &out }, { "mean", &mean }, { "stddev", &sd },
	};

	for (size_t i = 0; i < n; i++) {
		strlist_add_unique(&med, v[i]->median.estimator);
		strlist_add_unique(&ovh, v[i]->overhead.estimator);
		strlist_add_unique(&mean, v[i]->mean.estimator);
		strlist_add_unique(&sd, v[i]->stddev.estimator);
		strlist_add_unique(&out, v[i]->outliers_est);
	}
	fprintf(f, "%s\n", lead);
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		fprintf(f, "- %s: ", rows[k].what);
		if (!rows[k].l->n)
			fputs("(no estimator string in the results)", f);
		for (size_t i = 0; i < rows[k].l->n; i++) {
			fputs(i ? "; " : "", f);
			md_code(f, rows[k].l->v[i]);
		}
		fputc('\n', f);
		free(rows[k].l->v);
	}
}

/* A table's estimators: spelled out only when they differ from the whole
 * report's (listed under Method). */
static void md_table_estimators(FILE *f, const struct report *r, struct run **v, size_t n)
{
	char *all, *mine;
	size_t la, lm;
	FILE *fa = xmemopen(&all, &la), *fm = xmemopen(&mine, &lm);

	md_estimators(fa, r->ok, r->nok, "");
	md_estimators(fm, v, n, "");
	xmemclose(fa);
	xmemclose(fm);
	if (la == lm && !memcmp(all, mine, la))
		fputs("Estimators: as listed under Method (the same for every run here).\n\n", f);
	else
		fprintf(f, "Estimators for this table (from `stats`):\n%s\n", mine);
	free(all);
	free(mine);
}

static void md_box(FILE *f, const struct report *r)
{
	fputs("## Box\n\n", f);
	fputs("| results file | kind | kernel | kernel build | CPU | cores | time unit | harness git revision | created (UTC) |\n", f);
	fputs("|---|---|---|---|---|--:|---|---|---|\n", f);
	for (int i = 0; i < r->nin; i++) {
		const struct input *in = &r->in[i];
		const char *cells[] = { in->kind, in->kernel, in->kernel_build, in->cpu };

		fputs("| ", f);
		md_code(f, in->path);
		for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
			fputs(" | ", f);
			md_text(f, cells[k] ? cells[k] : "?");
		}
		if (in->has_cores)
			fprintf(f, " | %lld | ", in->cores);
		else
			fputs(" | ? | ", f);
		md_text(f, in->time_unit);
		fputs(" | ", f);
		if (in->git)
			md_code(f, in->git);
		else
			fputs("?", f);
		fputs(" | ", f);
		md_text(f, in->created ? in->created : "?");
		fputs(" |\n", f);
	}
	fprintf(f, "\nCost figures are %s%s.\n\n", r->unit,
		!strcmp(r->in[0].time_unit, "instructions")
			? ": guest instructions per operation (QEMU icount: one guest nanosecond per instruction), repeatable across boots"
			: ": wall-clock nanoseconds per operation");
	for (int i = 0; i < r->nin; i++) {
		if (!r->in[i].cmdline)
			continue;
		fputs("Command line", f);
		if (r->nin > 1) {
			fputs(" of ", f);
			md_code(f, r->in[i].path);
		}
		fputs(": ", f);
		md_code(f, r->in[i].cmdline);
		fputs("\n\n", f);
	}
}

static void range_ll(FILE *f, const char *what, struct run **v, size_t n,
		     long long (*get)(const struct run *, bool *))
{
	long long lo = LLONG_MAX, hi = LLONG_MIN;
	size_t have = 0;

	for (size_t i = 0; i < n; i++) {
		bool ok;
		long long x = get(v[i], &ok);

		if (!ok)
			continue;
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		have++;
	}
	if (!have)
		fprintf(f, "- %s: not recorded in the results\n", what);
	else if (lo == hi)
		fprintf(f, "- %s: %lld (every run)\n", what, lo);
	else
		fprintf(f, "- %s: %lld to %lld (varies by run; see the tables)\n", what, lo, hi);
}

static long long get_reps(const struct run *r, bool *ok) { *ok = r->has_reps; return r->reps; }
static long long get_ops(const struct run *r, bool *ok) { *ok = r->has_ops; return r->ops; }
static long long get_n(const struct run *r, bool *ok) { *ok = r->has_n; return r->n; }

static void md_method(FILE *f, const struct report *r)
{
	size_t mon = 0, inter = 0, with_none = 0, drain[4] = { 0 };

	for (size_t i = 0; i < r->nok; i++) {
		if (is_none(r->ok[i])) {
			with_none++;
			continue;
		}
		mon++;
		inter += r->ok[i]->has_baseline;
		drain[r->ok[i]->drain]++;
	}
	fputs("## Method\n\n", f);
	fprintf(f, "- Runs shown: %zu (%zu monitored, %zu of the `none` baseline); "
		   "%zu failed the oracle (listed, not plotted); %zu not shown for other reasons (listed at the end).\n",
		r->nok, mon, with_none, r->nbad, r->nskip);
	fprintf(f, "- Interleaving: %zu of the %zu monitored runs carry `none` baseline samples "
		   "(`baseline_samples_ns_per_op`) measured interleaved with their own in the same run; "
		   "overheads are relative to that baseline.\n", inter, mon);
	if (drain[DRAIN_INCLUDED] || drain[DRAIN_APART]) {
		fprintf(f, "- Delivery: in %zu of the %zu monitored runs the consumer thread shared the workload's CPU; "
			   "their figures are the elapsed time of the operations plus the CPU time the consumer spent "
			   "after them on the events they left queued (`drain_cpu_ns_per_op`): the cost of the operations "
			   "and of delivering their events.", drain[DRAIN_INCLUDED], mon);
		if (drain[DRAIN_APART])
			fprintf(f, " In %zu it ran on a CPU of its own: its cost is in `consumer_cpu_ns`, not in the figure.",
				drain[DRAIN_APART]);
		if (drain[DRAIN_NO_CONSUMER])
			fprintf(f, " %zu have no consumer thread.", drain[DRAIN_NO_CONSUMER]);
		if (drain[DRAIN_UNKNOWN])
			fprintf(f, " %zu do not record where it ran.", drain[DRAIN_UNKNOWN]);
		fputc('\n', f);
	}
	range_ll(f, "Repetitions per run (`reps`)", r->ok, r->nok, get_reps);
	range_ll(f, "Operations per repetition (`ops`)", r->ok, r->nok, get_ops);
	range_ll(f, "Samples behind each statistic (`stats.n`)", r->ok, r->nok, get_n);
	fputc('\n', f);
	md_estimators(f, r->ok, r->nok,
		      "Estimators, as recorded by the harness in each run's `stats` object:\n");
	fputc('\n', f);
}

static void md_est_cell(FILE *f, const struct est *e)
{
	if (!e->has) {
		fputs("—", f);
		return;
	}
	fputs(NUM(e->v), f);
	if (e->has_ci)
		fprintf(f, " [%s, %s]", NUM(e->lo), NUM(e->hi));
}

static void md_table(FILE *f, const struct report *r, struct run **v, size_t n)
{
	fprintf(f, "| backend | strategy | rules | depth | hit | median [95%% CI] (%s) | "
		   "overhead vs none [95%% CI] (%s) | n | outliers | oracle (delivered/expected) | run id |\n",
		r->unit, r->unit);
	fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		fputs("| ", f);
		md_text(f, p->backend);
		fputs(" | ", f);
		md_text(f, p->strategy);
		fprintf(f, " | %s | %s | %s | ", PAR(p->rules), PAR(p->depth), PAR(p->hit));
		md_est_cell(f, &p->median);
		fputs(" | ", f);
		if (is_none(p))
			fputs("(baseline)", f);
		else
			md_est_cell(f, &p->overhead);
		if (p->has_n)
			fprintf(f, " | %lld | ", p->n);
		else
			fputs(" | ? | ", f);
		if (p->has_outliers)
			fprintf(f, "%lld", p->outliers);
		else
			fputs("?", f);
		fputs(" | ok", f);
		if (p->has_oracle[1] && p->has_oracle[0])
			fprintf(f, " (%lld/%lld)", p->oracle[1], p->oracle[0]);
		fputs(" | ", f);
		md_code(f, p->id);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void md_figures(FILE *f, const struct report *r, const char *workload, const char *mode,
		       const char *prefix)
{
	bool any = false;

	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];

		if (strcmp(g->workload, workload) || strcmp(g->mode, mode))
			continue;
		for (int fig = FIG_COST; fig <= FIG_OVERHEAD; fig++) {
			const char *base = fig == FIG_COST ? g->base : g->ovh_base;

			if (!(fig == FIG_COST ? g->cost_fig : g->ovh_fig))
				continue;
			if (!any)
				fputs("Figures:\n\n", f);
			any = true;
			fprintf(f, "![%s, %s: %s vs %s, %s](%s%s.png)\n\n", workload, mode,
				fig == FIG_COST ? "cost per operation" : "overhead over none",
				axis_title(g->axis), FW(g), prefix, base);
			fprintf(f, "[SVG](%s%s.svg) · [data](%s%s.dat) · [gnuplot script](%s%s.gp)\n\n",
				prefix, base, prefix, base, prefix, base);
		}
	}
	if (!any)
		fputs("No figure: no monitored backend/strategy was measured at two or more rule counts or depths here.\n\n",
		      f);
}

/* --- derived sentences ------------------------------------------------- */

static void say_growth(FILE *f, const struct report *r, const struct group *g)
{
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];
		const struct run *a, *b;
		double xa, xb;

		if (s->n < 2)
			continue;
		a = s->pts[0];
		b = s->pts[s->n - 1];
		xa = run_x(a, g->axis);
		xb = run_x(b, g->axis);
		fprintf(f, "- %s: ", LABEL(a));
		if (ci_overlap(&a->median, &b->median))
			fprintf(f, "no measurable change from %s to %s (%s to %s %s; the 95 %% CIs overlap)",
				XW(g->axis, xa), XW(g->axis, xb), NUM(a->median.v), NUM(b->median.v),
				r->unit);
		else if (a->median.v > 0)
			fprintf(f, "cost per operation %s %.2fx from %s to %s (%s to %s %s)",
				b->median.v >= a->median.v ? "grows" : "falls to",
				b->median.v / a->median.v, XW(g->axis, xa), XW(g->axis, xb),
				NUM(a->median.v), NUM(b->median.v), r->unit);
		else
			fprintf(f, "cost per operation goes from %s to %s %s from %s to %s",
				NUM(a->median.v), NUM(b->median.v), r->unit, XW(g->axis, xa),
				XW(g->axis, xb));
		fprintf(f, ", at %s.\n", FW(g));
	}
}

static void say_cheapest(FILE *f, const struct report *r, const struct group *g)
{
	const struct cheapest *c = &g->cheap;

	if (!c->best)
		return;
	fprintf(f, "- At %s (%s) the cheapest is %s at %s %s",
		XW(g->axis, c->x), FW(g), LABEL(c->best),
		NUM(c->best->median.v), r->unit);
	if (c->floor && c->floor->median.v > 0)
		fprintf(f, " (%.2fx the `none` floor of %s)", c->best->median.v / c->floor->median.v,
			NUM(c->floor->median.v));
	fprintf(f, "; the most expensive, %s at %s %s", LABEL(c->worst), NUM(c->worst->median.v),
		r->unit);
	if (c->best->median.v > 0)
		fprintf(f, ", costs %.2fx as much", c->worst->median.v / c->best->median.v);
	fputc('.', f);
	if (ci_overlap(&c->best->median, &c->second->median))
		fprintf(f, " %s and %s are within each other's 95 %% CIs, so neither is measurably cheaper.",
			LABEL(c->best), LABEL(c->second));
	fputc('\n', f);
}

static void say_overheads(FILE *f, const struct report *r, struct run **v, size_t n)
{
	bool outside = n && !strcmp(v[0]->workload, "outside-fs");
	size_t zero = 0;

	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];
		const struct est *o = &p->overhead;

		if (is_none(p) || !o->has)
			continue;
		zero += ci_has_zero(o);
		if (!outside)
			continue;
		fprintf(f, "- Outside the monitored filesystem, %s (%s, depth %s, hit ratio %s) ",
			LABEL(p), XW(AX_RULES, p->rules), PAR(p->depth), PAR(p->hit));
		if (ci_has_zero(o))
			fprintf(f, "shows no measurable overhead over `none` (%s %s, 95 %% CI [%s, %s] includes 0).\n",
				NUM(o->v), r->unit, NUM(o->lo), NUM(o->hi));
		else if (o->has_ci)
			fprintf(f, "adds %s %s over `none` (95 %% CI [%s, %s]).\n", NUM(o->v), r->unit,
				NUM(o->lo), NUM(o->hi));
		else
			fprintf(f, "adds %s %s over `none` (no CI in the results).\n", NUM(o->v),
				r->unit);
	}
	if (outside || !zero)
		return;
	fputs("- No measurable overhead over `none` (overhead 95 % CI includes 0): ", f);
	for (size_t i = 0, k = 0; i < n; i++) {
		const struct run *p = v[i];

		if (is_none(p) || !p->overhead.has || !ci_has_zero(&p->overhead))
			continue;
		fprintf(f, "%s%s at %s, depth %s, hit ratio %s", k++ ? "; " : "", LABEL(p),
			XW(AX_RULES, p->rules), PAR(p->depth), PAR(p->hit));
	}
	fputs(".\n", f);
}

static void md_sentences(FILE *f, const struct report *r, const char *workload, const char *mode,
			 struct run **v, size_t n)
{
	long start;

	fprintf(f, "### %s, %s mode\n\n", workload, mode);
	start = ftell(f);
	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];

		if (strcmp(g->workload, workload) || strcmp(g->mode, mode) || !g->cost_fig)
			continue;
		say_growth(f, r, g);
		say_cheapest(f, r, g);
	}
	say_overheads(f, r, v, n);
	if (ftell(f) == start)
		fputs("- Nothing derived here: no monitored backend/strategy that passed the oracle was measured at two or more rule counts or depths (single measurements are in the table).\n",
		      f);
	fputc('\n', f);
}

/* --- what is not shown ------------------------------------------------- */

static void md_failed(FILE *f, const struct report *r)
{
	fputs("## Runs that failed the oracle\n\n", f);
	if (!r->nbad) {
		fputs("None: every run passed the oracle.\n\n", f);
		return;
	}
	fputs("These runs are not in the tables or figures above: the backend delivered (or denied) "
	      "something other than what the workload did, so their timings measure a wrong filter.\n\n", f);
	fputs("| run id | expected | delivered | missing | unexpected | overflows | why | results file |\n", f);
	fputs("|---|--:|--:|--:|--:|--:|---|---|\n", f);
	for (size_t i = 0; i < r->nbad; i++) {
		const struct run *p = r->bad[i];

		fputs("| ", f);
		md_code(f, p->id);
		for (int k = 0; k < N_ORACLE; k++) {
			if (p->has_oracle[k])
				fprintf(f, " | %lld", p->oracle[k]);
			else
				fputs(" | ?", f);
		}
		fputs(" | ", f);
		md_text(f, p->why && *p->why ? p->why : "(no reason recorded)");
		fputs(" | ", f);
		md_code(f, p->in->path);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void md_unavailable(FILE *f, const struct report *r)
{
	fputs("## Unavailable backends\n\n", f);
	if (!r->nunavail) {
		fputs("None: every backend the sweep asked for ran on this box.\n\n", f);
		return;
	}
	fputs("| backend | mode | reason (from the box's probe) |\n|---|---|---|\n", f);
	for (size_t i = 0; i < r->nunavail; i++) {
		fputs("| ", f);
		md_text(f, r->unavail[i].backend);
		fputs(" | ", f);
		md_text(f, r->unavail[i].mode);
		fputs(" | ", f);
		md_text(f, r->unavail[i].reason);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void md_warnings(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->nok + r->nbad; i++) {
		const struct run *p = i < r->nok ? r->ok[i] : r->bad[i - r->nok];

		for (size_t k = 0; k < p->nwarnings; k++) {
			if (!any)
				fputs("## Warnings recorded by the harness\n\n", f);
			any = true;
			fputs("- ", f);
			md_code(f, p->id);
			fputs(": ", f);
			md_text(f, p->warnings[k]);
			fputc('\n', f);
		}
	}
	if (any)
		fputc('\n', f);
}

static void md_skipped(FILE *f, const struct report *r)
{
	if (!r->nskip)
		return;
	fputs("## Runs not shown for other reasons\n\n| run id | results file | why |\n|---|---|---|\n", f);
	for (size_t i = 0; i < r->nskip; i++) {
		fputs("| ", f);
		md_code(f, r->skip[i].id);
		fputs(" | ", f);
		md_code(f, r->skip[i].file);
		fputs(" | ", f);
		md_text(f, r->skip[i].reason);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

/* The whole report; image links are prefixed with `prefix` (relative). */
static char *report_md(const struct report *r, const char *prefix, size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);
	size_t i, j;

	fprintf(f, "# %s\n\n", r->title ? r->title : "subtree-bench report");
	fputs("<!-- Generated by `subtree-bench report` from the results file(s) below; do not edit: "
	      "`make report` regenerates it byte for byte. -->\n\n", f);
	fputs("What it costs to monitor (or protect) directory sub-trees with each backend and filter "
	      "strategy, compared with no monitoring (`none`), as the number of rules and the "
	      "directory depth grow. Every number below is read from the results; the sentences "
	      "under \"What the figures show\" are derived from those numbers by the report code.\n\n", f);
	md_box(f, r);
	md_method(f, r);

	fputs("## What the figures show\n\n", f);
	for (i = 0; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		md_sentences(f, r, r->ok[i]->workload, r->ok[i]->mode, &r->ok[i], j - i);
	}

	for (i = 0; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		fprintf(f, "## %s, %s mode\n\n", r->ok[i]->workload, r->ok[i]->mode);
		md_table(f, r, &r->ok[i], j - i);
		md_table_estimators(f, r, &r->ok[i], j - i);
		md_figures(f, r, r->ok[i]->workload, r->ok[i]->mode, prefix);
	}
	md_failed(f, r);
	md_unavailable(f, r);
	md_warnings(f, r);
	md_skipped(f, r);
	xmemclose(f);
	return buf;
}

int report_write_md(const struct report *r)
{
	char path[PATH_MAX], prefix[PATH_MAX];
	size_t len;
	char *md = report_md(r, "", &len);
	int ret = EXIT_OUTPUT;

	snprintf(path, sizeof(path), "%s/REPORT.md", r->dir);
	if (write_file(path, md, len))
		goto cleanup;
	if (r->report_md) {
		char *mdir = dir_of(r->report_md);
		int rc = rel_dir(mdir, r->dir, prefix, sizeof(prefix));

		if (rc)
			errf("%s: cannot reach %s from %s: %s; fix: create the directory first",
			     r->report_md, r->dir, mdir, strerror(errno));
		free(mdir);
		if (rc)
			goto cleanup;
		free(md);
		md = report_md(r, prefix, &len);
		if (write_file(r->report_md, md, len))
			goto cleanup;
	}
	ret = 0;
cleanup:
	free(md);
	return ret;
}
