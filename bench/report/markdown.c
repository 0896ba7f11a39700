// SPDX-License-Identifier: GPL-2.0
/*
 * Writing REPORT.md: the summary (summary.c), the figures (the headline, then
 * per workload and mode), the tables, the box and the method, what was not
 * shown and why, and last the appendix of sentences derived from the numbers. Written once into the output directory with local
 * figure links, and again to --report-md with links relative to it.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void md_estimators(FILE *f, struct run **v, size_t n, const char *lead)
{
	struct strlist med = { 0 }, ovh = { 0 }, mean = { 0 }, sd = { 0 }, out = { 0 };
	struct strlist pct = { 0 }, modes = { 0 };
	/* Optional rows: only when some run records them (newer stats). */
	struct { const char *what; struct strlist *l; bool optional; } rows[] = {
		{ "median and its 95 % CI", &med, false }, { "overhead and its 95 % CI", &ovh, false },
		{ "relative overhead and its 95 % CI", &pct, true },
		{ "modes (bimodal runs)", &modes, true },
		{ "outliers", &out, false }, { "mean", &mean, false }, { "stddev", &sd, false },
	};

	for (size_t i = 0; i < n; i++) {
		strlist_add_unique(&med, v[i]->median.estimator);
		strlist_add_unique(&ovh, v[i]->overhead.estimator);
		strlist_add_unique(&pct, v[i]->overhead_pct.estimator);
		strlist_add_unique(&modes, v[i]->modes.estimator);
		strlist_add_unique(&mean, v[i]->mean.estimator);
		strlist_add_unique(&sd, v[i]->stddev.estimator);
		strlist_add_unique(&out, v[i]->outliers_est);
	}
	fprintf(f, "%s\n", lead);
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		if (rows[k].optional && !rows[k].l->n)
			continue;
		fprintf(f, "- %s: ", rows[k].what);
		if (!rows[k].l->n)
			fputs("(no estimator string in the results)", f);
		for (size_t i = 0; i < rows[k].l->n; i++) {
			fputs(i ? "; " : "", f);
			md_code(f, rows[k].l->v[i]);
		}
		fputc('\n', f);
	}
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
		free(rows[k].l->v);
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
		if (!r->in[i].paired)
			continue;
		md_code(f, r->in[i].path);
		fprintf(f, " (box kind `%s`, time unit %s) is paired with the above: its runs appear only "
			   "under \"Instruction counts and wall clock\", beside the runs with the same id.\n\n",
			r->in[i].kind, r->in[i].time_unit);
	}
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
static long long get_count_reps(const struct run *r, bool *ok)
{
	*ok = r->has_count_reps;
	return r->count_reps;
}

static bool any_run(struct run **v, size_t n, bool (*pred)(const struct run *))
{
	for (size_t i = 0; i < n; i++)
		if (pred(v[i]))
			return true;
	return false;
}

static bool counted(const struct run *p) { return p->has_count_reps; }
static bool regime_known(const struct run *p) { return p->has_regime; }
static bool consumer_known(const struct run *p) { return p->consumer_in_total >= 0; }
static bool bimodal(const struct run *p) { return p->modes.bimodal || p->ovh_modes.bimodal; }
static bool monitored(const struct run *p) { return !is_none(p); }
/* Its overhead is not over interleaved repetitions (hyperfine imports: bench/stats.h). */
static bool unpaired(const struct run *p)
{
	return p->overhead.estimator && !strncmp(p->overhead.estimator, "unpaired:", 9);
}

/* The per-repetition counts of the multiset oracle (it writes `merged`);
 * older files count other things under the same names. */
static bool has_events(const struct run *p)
{
	return p->rep[RM_ORACLE + OR_MERGED].n > 0;
}

static bool has_split(const struct run *p)
{
	return p->rep[RM_WORKLOAD].n > 0;
}

static bool has_attach(const struct run *p)
{
	return p->rep[RM_ATTACH].n > 0;
}

/* Where the consumer ran, per kind of box, from reps_detail[].split. */
static void md_method_consumer(FILE *f, const struct report *r)
{
	bool first = true;

	if (!any_run(r->ok, r->nok, consumer_known) && !any_run(r->other, r->nother, consumer_known))
		return;
	fputs("- What a figure includes (`reps_detail[].split`): the workload thread's CPU time and "
	      "the remainder (interrupts, kernel threads, scheduling, idle), plus the consumer thread's "
	      "CPU time when it shares the workload's CPU;", f);
	for (int pass = 0; pass < 2; pass++) {
		struct run **v = pass ? r->other : r->ok;
		size_t n = pass ? r->nother : r->nok, with = 0, in = 0;

		for (size_t i = 0; i < n; i++) {
			if (v[i]->consumer_in_total < 0 || !v[i]->rep[RM_CONSUMER].n)
				continue;
			with++;
			in += v[i]->consumer_in_total == 1;
		}
		if (!n)
			continue;
		fprintf(f, "%s `%s` box ", first ? " on the" : "; on the", v[0]->in->kind);
		first = false;
		if (!with) {
			fputs("no run has a consumer thread", f);
			continue;
		}
		fprintf(f, "the consumer shared the workload's CPU in %zu of the %zu runs that have one%s",
			in, with, with > in ? " (in the others it had a CPU of its own, and its CPU time is not in the figure)" : "");
	}
	fputs(".\n", f);
}

/* What the newer runner does differently, said only when its results say so. */
static void md_method_passes(FILE *f, const struct report *r)
{
	if (any_run(r->ok, r->nok, counted) || any_run(r->burst, r->nburst, counted))
		fputs("- Timing pass: between the clock reads, the operations alone: no counters and no "
		      "BPF run-time statistics, so the BPF backends' figures no longer include "
		      "BPF_ENABLE_STATS's clock reads. A separate counting pass (`count_reps` repetitions "
		      "per run, in `counting_detail`) reads the counters with libperf and BPF_ENABLE_STATS; "
		      "`counters_per_op` and `counters_per_event` come from it, and its repetitions are no samples.\n", f);
	md_method_consumer(f, r);
	if (any_run(r->ok, r->nok, regime_known) || r->nburst) {
		fputs("- Regime: the summary, figures, tables and sentences outside the burst section are of the distinct "
		      "regime (every operation its own object: nothing identical for fanotify to merge)", f);
		if (r->nburst)
			fprintf(f, "; %zu run%s of the burst regime (`files` objects reused per side) %s in "
				   "their own section, never in those", r->nburst, r->nburst == 1 ? "" : "s",
				r->nburst == 1 ? "is" : "are");
		fputs(".\n", f);
	}
	if (any_run(r->ok, r->nok, is_reference) || any_run(r->burst, r->nburst, is_reference))
		fputs("- References, labelled \"(reference)\": `pass` (the filter sends or allows everything: "
		      "the plumbing alone) and `kfunc` (fanotify-bpf: the BPF filter calls the series' "
		      "in-kernel walk). They are never counted as the cheapest.\n", f);
	if (any_run(r->ok, r->nok, bimodal) || any_run(r->burst, r->nburst, bimodal))
		fputs("- Bimodal runs (`stats.bimodal`): their repetitions fall in two groups, so one median "
		      "would lie between them where no repetition was; tables show each mode's median with "
		      "the number of repetitions in it, figures circle the median they draw.\n", f);
}

static void md_method(FILE *f, const struct report *r)
{
	size_t mon = 0, inter = 0, apart = 0, with_none = 0, drain[4] = { 0 };

	for (size_t i = 0; i < r->nok; i++) {
		if (is_none(r->ok[i])) {
			with_none++;
			continue;
		}
		mon++;
		if (r->ok[i]->has_baseline && unpaired(r->ok[i]))
			apart++;
		else
			inter += r->ok[i]->has_baseline;
		drain[r->ok[i]->drain]++;
	}
	fputs("## Method\n\n", f);
	fprintf(f, "- Runs shown: %zu (%zu monitored, %zu of the `none` baseline); "
		   "%zu failed the oracle (listed, not plotted); %zu not shown for other reasons (listed at the end).\n",
		r->nok, mon, with_none, r->nbad, r->nskip);
	fprintf(f, "- Interleaving: %zu of the %zu monitored runs carry `none` baseline samples "
		   "(`baseline_samples_ns_per_op`) measured interleaved with their own in the same run; "
		   "overheads are relative to that baseline.", inter, mon);
	if (apart)
		fprintf(f, " %zu more %s `none` samples measured apart from their own (imported "
			   "hyperfine timings: each command's repetitions back to back): their overhead "
			   "is unpaired, the difference of the medians (`stats.overhead.estimator`).",
			apart, apart == 1 ? "carries" : "carry");
	fputc('\n', f);
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
	md_method_passes(f, r);
	range_ll(f, "Repetitions per run (`reps`)", r->ok, r->nok, get_reps);
	if (any_run(r->ok, r->nok, counted))
		range_ll(f, "Counting repetitions per run (`count_reps`)", r->ok, r->nok, get_count_reps);
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

/* A bimodal figure: each mode's median and how many repetitions it holds,
 * "20350 (3) \| 22590 (2)", instead of one median between them. */
static void md_modes_or_est(FILE *f, const struct est *e, const struct modes *m)
{
	if (!m->bimodal) {
		md_est_cell(f, e);
		return;
	}
	fprintf(f, "%s (%lld) \\| ", NUM(m->m[0].median), m->m[0].n);
	fprintf(f, "%s (%lld)", NUM(m->m[1].median), m->m[1].n);
}

/* The strategy as tables show it: references say so. */
static void md_strategy(FILE *f, const struct run *p)
{
	md_text(f, p->strategy);
	if (is_reference(p))
		fputs(" (reference)", f);
}

/* "| backend | strategy | rules | depth | hit | ": the start of a run's row. */
static void md_run_key(FILE *f, const struct run *p)
{
	fputs("| ", f);
	md_text(f, p->backend);
	fputs(" | ", f);
	md_strategy(f, p);
	fprintf(f, " | %s | %s | %s | ", PAR(p->rules), PAR(p->depth), PAR(p->hit));
}

static void md_table(FILE *f, const struct report *r, struct run **v, size_t n)
{
	fprintf(f, "| backend | strategy | rules | depth | hit | median [95%% CI] (%s) | "
		   "overhead vs none [95%% CI] (%s) | n | outliers | oracle (delivered/expected) | run id |\n",
		r->unit, r->unit);
	fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		md_run_key(f, p);
		md_modes_or_est(f, &p->median, &p->modes);
		fputs(" | ", f);
		if (is_none(p))
			fputs("(baseline)", f);
		else
			md_modes_or_est(f, &p->overhead, &p->ovh_modes);
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

/* --- what each repetition recorded ---------------------------------------- */

static const char *per_event_unit(const struct report *r)
{
	return !strcmp(r->in[0].time_unit, "instructions") ? "instructions/event" : "ns/event";
}

/* A median over the repetitions that recorded it; a dash when none did. */
static void md_rep_cell(FILE *f, const struct per_rep *p)
{
	fputs(p->n ? NUM(p->median) : "—", f);
	fputs(" | ", f);
}

/* A median of counts: whole unless it fell between two. */
static void md_count_cell(FILE *f, const struct per_rep *p)
{
	if (!p->n)
		fputs("—", f);
	else
		fprintf(f, p->median == floor(p->median) ? "%.0f" : "%.1f", p->median);
	fputs(" | ", f);
}

static void md_bimodal_note(FILE *f, struct run **v, size_t n)
{
	size_t k = 0;

	if (!any_run(v, n, bimodal))
		return;
	fputs("Bimodal (`stats.bimodal`): ", f);
	for (size_t i = 0; i < n; i++) {
		if (!bimodal(v[i]))
			continue;
		fputs(k++ ? ", " : "", f);
		md_code(f, v[i]->id);
		if (!v[i]->modes.bimodal)
			fputs(" (its paired differences)", f);
	}
	fputs(". Their repetitions fall in two groups: the cells show each mode's median and, in "
	      "parentheses, how many repetitions it holds, not one median between them; the figures "
	      "circle the median they draw.\n\n", f);
}

/* The oracle's counts per timing repetition, for the monitored runs. */
static void md_events(FILE *f, struct run **v, size_t n)
{
	static const int cols[] = {
		OR_EXPECTED, OR_DELIVERED, OR_MERGED, OR_DUPLICATED, OR_MISSING, OR_UNEXPECTED,
		OR_EXTRA, OR_OVERFLOWS,
	};
	bool any = false;

	for (size_t i = 0; i < n; i++)
		any |= monitored(v[i]) && has_events(v[i]);
	if (!any)
		return;
	fputs("Events per timing repetition (medians over the repetitions of `reps_detail[].oracle`): "
	      "expected, the in-scope events the workload generated, with multiplicity (deny mode: "
	      "in-scope opens); delivered (deny: opens denied); merged, expected events fanotify folded "
	      "into an identical unread one; duplicated, delivered more often than generated; extra, "
	      "out-of-scope events a `pass` reference delivers (it sends everything).\n\n", f);
	fputs("| backend | strategy | rules | depth | hit | expected | delivered | merged | duplicated | "
	      "missing | unexpected | extra | overflows | run id |\n", f);
	fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		if (!monitored(p) || !has_events(p))
			continue;
		md_run_key(f, p);
		for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			md_count_cell(f, &p->rep[RM_ORACLE + cols[k]]);
		md_code(f, p->id);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static const char *consumer_place(const struct run *p)
{
	if (!p->rep[RM_CONSUMER].n)
		return "— (no consumer)";
	if (p->consumer_in_total < 0)
		return "? (not recorded)";
	return p->consumer_in_total ? "yes (shares the workload's CPU)" : "no (a CPU of its own)";
}

/* The set-up is not per operation: ns, or guest instructions on vm-icount. */
static const char *attach_unit(const struct report *r)
{
	return !strcmp(r->in[0].time_unit, "instructions") ? "instructions" : "ns";
}

static void md_split(FILE *f, const struct report *r, struct run **v, size_t n)
{
	/* Older results have no attach time: their tables stay as they were. */
	bool attach = any_run(v, n, has_attach);

	if (!any_run(v, n, has_split))
		return;
	fprintf(f, "Cost split per operation (%s; medians over the timing repetitions of "
		   "`reps_detail[].split`): the figure is the workload thread's CPU time plus the "
		   "remainder, plus the consumer's CPU time where it shares the workload's CPU. The parts' "
		   "medians need not add up to the figure's median.", r->unit);
	if (attach)
		fprintf(f, " Attach is the set-up, once per repetition and outside the figure: how long "
			   "the backend's attach took (median of `reps_detail[].attach_ns`, %s: its tree "
			   "walk, marks, watches or program loads).", attach_unit(r));
	fprintf(f, "\n\n| backend | strategy | rules | depth | hit | workload CPU | consumer CPU | "
		   "consumer in the figure | remainder | consumer CPU per event (%s) | figure: median "
		   "[95%% CI] | %srun id |\n", per_event_unit(r), attach ? "attach | " : "");
	fprintf(f, "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|%s---|\n", attach ? "--:|" : "");
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		if (!has_split(p))
			continue;
		md_run_key(f, p);
		md_rep_cell(f, &p->rep[RM_WORKLOAD]);
		md_rep_cell(f, &p->rep[RM_CONSUMER]);
		fprintf(f, "%s | ", consumer_place(p));
		md_rep_cell(f, &p->rep[RM_REMAINDER]);
		md_rep_cell(f, &p->rep[RM_CONSUMER_EVENT]);
		md_modes_or_est(f, &p->median, &p->modes);
		fputs(" | ", f);
		if (attach)
			md_rep_cell(f, &p->rep[RM_ATTACH]);
		md_code(f, p->id);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static const struct split_fig *split_of_slice(const struct report *r, const char *workload,
					      const char *mode)
{
	for (size_t i = 0; i < r->nsplits; i++)
		if (!strcmp(r->splits[i].workload, workload) && !strcmp(r->splits[i].mode, mode))
			return &r->splits[i];
	return NULL;
}

void md_figure_links(FILE *f, const char *prefix, const char *base)
{
	fprintf(f, "[SVG](%s%s.svg) · [PDF](%s%s.pdf) · [data](%s%s.dat) · [gnuplot script](%s%s.gp)\n\n",
		prefix, base, prefix, base, prefix, base, prefix, base);
}

static void md_split_figure(FILE *f, const struct split_fig *s, const char *prefix)
{
	fprintf(f, "Where an operation's cost goes, at %s, depth %s, hit ratio %s: ",
		XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit));
	if (s->preferred)
		fputs("the cell of 10 or 100 rules at depth 4, hit ratio 0.5 with the most backends measured "
		      "with a split (10 rules on a tie).\n\n", f);
	else
		fputs("no backend was measured with a split at 10 or 100 rules, depth 4, hit ratio 0.5, so "
		      "this is the cell with the most.\n\n", f);
	fprintf(f, "![%s, %s: cost split at %s, depth %s, hit ratio %s](%s%s.png)\n\n", s->workload,
		s->mode, XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit), prefix, s->base);
	md_figure_links(f, prefix, s->base);
}

static void md_figures(FILE *f, const struct report *r, const char *workload, const char *mode,
		       const char *prefix)
{
	const struct split_fig *split = split_of_slice(r, workload, mode);
	bool any = false;

	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];

		if (strcmp(g->workload, workload) || strcmp(g->mode, mode))
			continue;
		for (int fig = FIG_COST; fig <= FIG_OVERHEAD; fig++) {
			const char *base = fig == FIG_COST ? g->base : g->ovh_base;

			if (!(fig == FIG_COST ? g->cost_fig : g->ovh_fig))
				continue;
			any = true;
			fprintf(f, "![%s, %s: %s vs %s, %s](%s%s.png)\n\n", workload, mode,
				fig == FIG_COST ? "cost per operation" : "overhead over none",
				axis_title(g->axis), FW(g), prefix, base);
			md_figure_links(f, prefix, base);
		}
	}
	if (!any && split)
		fputs("No figure against rules, depth or the hit ratio (no monitored backend/strategy was "
		      "measured at two or more of them here).\n\n", f);
	if (split)
		md_split_figure(f, split, prefix);
}

/* Does a workload and mode have a figure against rules, depth or the hit ratio? */
static bool slice_has_lines(const struct report *r, const char *workload, const char *mode)
{
	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];

		if (!strcmp(g->workload, workload) && !strcmp(g->mode, mode) &&
		    (g->cost_fig || g->ovh_fig))
			return true;
	}
	return false;
}

/* The figures of each workload and mode; one line names those without. */
static void md_all_figures(FILE *f, const struct report *r, const char *prefix)
{
	size_t none = 0;

	for (size_t i = 0, j; i < r->nok; i = j) {
		const char *w = r->ok[i]->workload, *m = r->ok[i]->mode;

		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		if (!slice_has_lines(r, w, m) && !split_of_slice(r, w, m))
			continue;
		fprintf(f, "### %s, %s mode\n\n", w, m);
		md_figures(f, r, w, m, prefix);
	}
	for (size_t i = 0, j; i < r->nok; i = j) {
		const char *w = r->ok[i]->workload, *m = r->ok[i]->mode;

		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		if (slice_has_lines(r, w, m) || split_of_slice(r, w, m))
			continue;
		fprintf(f, "%s%s %s", none++ ? ", " : "No figure for ", w, m);
		for (int sc = 0; sc < SC__COUNT; sc++)
			if (r->headline.n && r->headline.cell[sc].found && !strcmp(m, "notify") &&
			    !strcmp(r->headline.cell[sc].workload, w)) {
				fputs(" (but in the headline figure)", f);
				break;
			}
	}
	if (none)
		fputs(": no monitored backend/strategy was measured there at two or more rule counts, "
		      "depths or hit ratios, nor with a cost split; their numbers are in the tables.\n\n", f);
}

/* --- the walk's cost per level ------------------------------------------ */

static const struct series *find_series(const struct group *g, const char *backend,
					const char *strategy)
{
	for (size_t i = 0; i < g->ns; i++) {
		const struct run *p = g->s[i].pts[0];

		if (!strcmp(p->backend, backend) && !strcmp(p->strategy, strategy))
			return &g->s[i];
	}
	return NULL;
}

/*
 * Per depth figure: what one more directory level costs each filter, from
 * the workload thread's CPU time (where the kernel filters run), over none.
 * Then the module's walk against the BPF walk on the same rule table, and
 * the kfunc reference, which runs the module's kind of walk behind BPF
 * dispatch: it tells BPF dispatch and BPF-coded walking apart.
 */
static void md_levels(FILE *f, const struct report *r)
{
	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];
		const struct series *km, *bw, *bk;
		double floor = 0, s, k = NAN, b = NAN, kf = NAN;
		bool any = false;

		if (g->axis != AX_DEPTH || !g->floor || !series_level_slope(g->floor, &floor))
			continue;
		for (size_t i = 0; i < g->ns; i++) {
			const struct series *ser = &g->s[i];

			if (ser->is_none || !series_level_slope(ser, &s))
				continue;
			if (!any)
				fprintf(f, "## The walk's cost per directory level (%s, %s mode, %s)\n\n"
					   "The least-squares slope over depth of the workload thread's CPU time per "
					   "operation (the split's `workload_cpu_ns_per_op`: the kernel filters run in the "
					   "operations' system calls, user-space consumers do not), minus `none`'s slope "
					   "(%s per level: the path lookup itself).\n\n"
					   "| backend/strategy | %s per level over none |\n|---|---|\n",
					g->workload, g->mode, FW(g), NUM(floor), r->unit);
			any = true;
			fprintf(f, "| %s | %s |\n", LABEL(ser->pts[0]), NUM(s - floor));
		}
		if (!any)
			continue;
		fputc('\n', f);
		km = find_series(g, "fanotify-kmod", "walk");
		bw = find_series(g, "fanotify-bpf", "walk");
		bk = find_series(g, "fanotify-bpf", "kfunc");
		if (km && series_level_slope(km, &k))
			k -= floor;
		if (bw && series_level_slope(bw, &b))
			b -= floor;
		if (bk && series_level_slope(bk, &kf))
			kf -= floor;
		if (isnan(k) || isnan(b) || k <= 0) {
			fputc('\n', f);
			continue;
		}
		fprintf(f, "- Per level the BPF walk (fanotify-bpf/walk, %s) costs %.1f times the module's "
			   "(fanotify-kmod/walk, %s), on the same rule table, hash and rename policy",
			NUM(b), b / k, NUM(k));
		if (b / k <= 2)
			fputs(": within 2x.\n", f);
		else if (!isnan(kf) && kf <= 1.5 * k)
			fprintf(f, ". fanotify-bpf/kfunc (reference), the same BPF program calling the series' C walk "
				   "of the same table, costs %s per level, as the module does: the gap is in the "
				   "BPF-coded walk, not in BPF dispatch (kernel/README.md: each load through the "
				   "dentry and inode pointers is a guarded PROBE_MEM load in the 6.12 x86 JIT, and "
				   "the array lookup is inlined as more instructions than C's indexing).\n", NUM(kf));
		else
			fputs(".\n", f);
		fputc('\n', f);
	}
}

/* --- the burst regime ---------------------------------------------------- */

static void md_burst(FILE *f, const struct report *r)
{
	for (size_t i = 0, j; i < r->nburst; i = j) {
		long long files = r->burst[i]->files;

		for (j = i; j < r->nburst && r->burst[j]->files == files; j++)
			;
		fprintf(f, "## Burst regime: %lld objects reused, fanotify merges identical events\n\n", files);
		fprintf(f, "These runs reuse %lld objects per side (`files` = %lld; their ids end in `/f%lld`): "
			   "identical events wait unread in the queue and fanotify merges them, which `merged` "
			   "counts. Another experiment than the distinct regime: never in the summary, the figures or "
			   "the other sections' sentences.\n\n", files, files, files);
		md_table(f, r, &r->burst[i], j - i);
		md_bimodal_note(f, &r->burst[i], j - i);
		md_events(f, &r->burst[i], j - i);
	}
}

/* --- instruction counts against wall clock -------------------------------- */

#define RATIO(v) fmt_ratio((char[32]){ 0 }, 32, (v))
static const char *fmt_ratio(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.3f", v);
	return buf;
}

static void md_wall_ratio(FILE *f, const struct pair *p)
{
	fputs(RATIO(p->wall_ratio), f);
	if (p->has_wall_ci)
		fprintf(f, " [%s, %s]", RATIO(p->wall_lo), RATIO(p->wall_hi));
}

/* "open-close notify, 10 rules, depth 4, hit ratio 0.5" */
static void md_cell_words(FILE *f, const struct run *p)
{
	fprintf(f, "%s %s, %s, depth %s, hit ratio %s", p->workload, p->mode, XW(AX_RULES, p->rules),
		PAR(p->depth), PAR(p->hit));
}

/* Does the instruction count predict wall-clock time for this backend? */
static void say_pair_series(FILE *f, const struct pair_series *s)
{
	const struct pair *w = s->worst;

	fprintf(f, "- %s: ", LABEL(s->p[0].icount));
	if (!s->with_ci) {
		fprintf(f, "no wall-clock CI at its %zu paired cell%s, so it cannot be told whether the "
			   "instruction count predicts time.\n", s->n, s->n == 1 ? "" : "s");
		return;
	}
	if (s->inside == s->with_ci) {
		if (s->n == 1) {
			fprintf(f, "the instruction count predicts wall-clock time at its one paired cell: "
				   "its ratio %s lies inside the wall-clock ", RATIO(s->p[0].icount_ratio));
			md_wall_ratio(f, &s->p[0]);
			fputs(".\n", f);
			return;
		}
		fprintf(f, "the instruction count predicts wall-clock time at all %zu paired cells with a "
			   "wall-clock CI: its ratio lies inside the CI at each.\n", s->with_ci);
		return;
	}
	fprintf(f, "the instruction count does not predict wall-clock time at %zu of %zu paired cell%s: "
		   "its ratio is off by %+.3f", s->with_ci - s->inside, s->with_ci,
		s->with_ci == 1 ? "" : "s", s->off_lo);
	if (s->off_hi != s->off_lo)
		fprintf(f, " to %+.3f", s->off_hi);
	fprintf(f, " (instruction-count minus wall-clock ratio%s %s against ",
		s->with_ci - s->inside == 1 ? ":" : "; the farthest:", RATIO(w->icount_ratio));
	md_wall_ratio(f, w);
	fputs(" at ", f);
	md_cell_words(f, w->icount);
	fputs(").\n", f);
}

/* The same backend in CPU time: how far the instruction count is from it. */
static void say_pair_cpu(FILE *f, const struct pair_series *s)
{
	if (!s->with_cpu)
		return;
	fprintf(f, "  - In CPU time (workload + consumer): its CPU ratio is %s", RATIO(s->cpu_lo));
	if (s->cpu_hi != s->cpu_lo)
		fprintf(f, " to %s", RATIO(s->cpu_hi));
	fprintf(f, " times its instruction-count ratio at %s %zu cell%s with a split.\n",
		s->with_cpu == 1 ? "its" : "the", s->with_cpu, s->with_cpu == 1 ? "" : "s");
}

static void md_pair_inputs(FILE *f, const struct report *r, bool instructions)
{
	size_t k = 0;

	for (int i = 0; i < r->nin; i++) {
		if (!strcmp(r->in[i].time_unit, "instructions") != instructions)
			continue;
		fputs(k++ ? ", " : "", f);
		md_code(f, r->in[i].path);
	}
}

static void md_pairs(FILE *f, const struct report *r)
{
	if (!r->npairs)
		return;
	fputs("## Instruction counts and wall clock\n\n", f);
	fputs("The same runs (the same id: backend, strategy, workload, mode, rules, depth and hit "
	      "ratio) measured in guest instructions (", f);
	md_pair_inputs(f, r, true);
	fputs(") and in wall-clock time (", f);
	md_pair_inputs(f, r, false);
	fputs("). Instruction-count ratio: the run's median over the median of `none` at the same "
	      "cell. Wall-clock ratio: 1 + the relative overhead over `none` with its 95 % CI, from the "
	      "paired `stats.overhead_pct` where the run has it (marked *), else `stats.overhead` and its "
	      "CI over the `none` median. The instruction count predicts time where its ratio lies inside "
	      "that CI. CPU ratio: the wall-clock box's workload plus consumer thread CPU time per "
	      "operation (medians of `reps_detail[].split`) over `none`'s workload CPU time: where the "
	      "consumer has a CPU of its own, the elapsed time leaves its work out, and the instruction "
	      "count, on one vCPU, has it in.\n\n", f);
	fputs("| backend | strategy | workload | mode | rules | depth | hit | instruction-count ratio | "
	      "wall-clock ratio [95 % CI] | inside the CI | CPU ratio | run id |\n", f);
	fputs("|---|---|---|---|--:|--:|--:|--:|--:|---|--:|---|\n", f);
	for (size_t i = 0; i < r->npairs; i++) {
		const struct pair *p = &r->pairs[i];
		const struct run *a = p->icount;

		fputs("| ", f);
		md_text(f, a->backend);
		fputs(" | ", f);
		md_strategy(f, a);
		fputs(" | ", f);
		md_text(f, a->workload);
		fputs(" | ", f);
		md_text(f, a->mode);
		fprintf(f, " | %s | %s | %s | %s%s | ", PAR(a->rules), PAR(a->depth), PAR(a->hit),
			RATIO(p->icount_ratio), a->modes.bimodal ? " (bimodal)" : "");
		md_wall_ratio(f, p);
		fprintf(f, "%s%s | %s | ", p->wall_from_pct ? " *" : "",
			p->wall->ovh_modes.bimodal ? " (bimodal)" : "",
			!p->has_wall_ci ? "? (no CI)" : p->inside ? "yes" : "no");
		fputs(p->has_cpu ? RATIO(p->cpu_ratio) : "-", f);
		fputs(" | ", f);
		md_code(f, a->id);
		fputs(" |\n", f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->npair_series; i++) {
		say_pair_series(f, &r->pair_series[i]);
		say_pair_cpu(f, &r->pair_series[i]);
	}
	fputc('\n', f);
}

/* --- what is not shown ------------------------------------------------- */

static void md_failed(FILE *f, const struct report *r)
{
	int cols = ORACLE_FAILED_COLS;

	fputs("## Runs that failed the oracle\n\n", f);
	if (!r->nbad) {
		fputs("None: every run passed the oracle.\n\n", f);
		return;
	}
	/* Newer oracles also count merged, duplicated and extra events. */
	for (size_t i = 0; i < r->nbad; i++)
		if (r->bad[i]->has_oracle[OR_MERGED])
			cols = N_ORACLE;
	fputs("These runs are not in the summary, figures or other tables: the backend delivered (or denied) "
	      "something other than what the workload did, so their timings measure a wrong filter.\n\n", f);
	fputs("| run id | expected | delivered | missing | unexpected | overflows |", f);
	if (cols > ORACLE_FAILED_COLS)
		fputs(" merged | duplicated | extra |", f);
	fputs(" why | results file |\n|---|", f);
	for (int k = 0; k < cols; k++)
		fputs("--:|", f);
	fputs("---|---|\n", f);
	for (size_t i = 0; i < r->nbad; i++) {
		const struct run *p = r->bad[i];

		fputs("| ", f);
		md_code(f, p->id);
		for (int k = 0; k < cols; k++) {
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
	struct { struct run **v; size_t n; } lists[] = {
		{ r->ok, r->nok }, { r->burst, r->nburst }, { r->other, r->nother }, { r->bad, r->nbad },
	};
	bool any = false;

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (size_t i = 0; i < lists[l].n; i++) {
			const struct run *p = lists[l].v[i];

			for (size_t k = 0; k < p->nwarnings; k++) {
				if (!any)
					fputs("## Warnings recorded by the harness\n\n", f);
				any = true;
				fputs("- ", f);
				md_code(f, p->id);
				if (p->in->paired) {
					fputs(" (", f);
					md_text(f, p->in->kind);
					fputc(')', f);
				}
				fputs(": ", f);
				md_text(f, p->warnings[k]);
				fputc('\n', f);
			}
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

/* The headline figure, first under Figures. */
static void md_headline(FILE *f, const struct report *r, const char *prefix)
{
	const struct headline *h = &r->headline;

	if (!h->n)
		return;
	fputs("### Headline: the overhead of each backend, in scope, out of scope and on another filesystem\n\n", f);
	fputs("Each backend in its cheapest filter strategy (the lowest overhead in the first of these "
	      "scopes that has the backend; the references `pass` and `kfunc` are left out), as the "
	      "overhead over `none` with its 95 % CI; a panel's zero line is the `none` floor, whose "
	      "cost its subtitle states. Each panel has its own y axis.\n\n", f);
	fprintf(f, "![The overhead of each backend in scope, out of scope and on another filesystem](%s%s.png)\n\n",
		prefix, h->base);
	md_figure_links(f, prefix, h->base);
}

char *report_md(const struct report *r, const char *prefix, size_t *len)
{
	char *buf;
	FILE *f = xmemopen(&buf, len);
	size_t i, j;

	fprintf(f, "# %s\n\n", r->title ? r->title : "subtree-bench report");
	fputs("<!-- Generated by `subtree-bench report` from the results file(s) below; do not edit: "
	      "`make report` regenerates it byte for byte. -->\n\n", f);
	md_summary(f, r);

	fputs("## Figures\n\n", f);
	fputs("What it costs to monitor (or protect) directory sub-trees with each backend and filter "
	      "strategy, compared with no monitoring (`none`), as the number of rules and the "
	      "directory depth grow. Every figure has an SVG and a PDF beside its PNG, and the data "
	      "and gnuplot script it was drawn from; the tables follow the figures, and the "
	      "sentences each figure's numbers give are in the appendix.\n\n", f);
	md_headline(f, r, prefix);
	md_all_figures(f, r, prefix);
	md_question(f, r);

	for (i = 0; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		fprintf(f, "## Table: %s, %s mode\n\n", r->ok[i]->workload, r->ok[i]->mode);
		md_table(f, r, &r->ok[i], j - i);
		md_bimodal_note(f, &r->ok[i], j - i);
		md_table_estimators(f, r, &r->ok[i], j - i);
		md_events(f, &r->ok[i], j - i);
		md_split(f, r, &r->ok[i], j - i);
	}
	md_levels(f, r);
	md_setup(f, r, prefix);
	md_threads(f, r);
	md_burst(f, r);
	md_pairs(f, r);
	md_realistic(f, r);
	md_box(f, r);
	md_method(f, r);
	md_failed(f, r);
	md_unavailable(f, r);
	md_warnings(f, r);
	md_skipped(f, r);
	md_appendix(f, r);
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
