// SPDX-License-Identifier: GPL-2.0
/*
 * REPORT.md's "Real-world workloads": the --realistic results file (whole
 * commands imported by `subtree-bench import`, measured by
 * scripts/realistic.sh), one table per workload: each backend's median with
 * its CI, its ratio over `none` and its overhead over `none` with its CI,
 * all read from the runs' "stats" (bench/stats.c). Its box is its own: the
 * figures are not comparable with the synthetic ones above them, only with
 * each other.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static bool is_hyperfine(const struct run *p)
{
	return !strncmp(p->workload, "hyperfine:", 10);
}

static int cmp_real(const void *a, const void *b)
{
	const struct run *x = *(const struct run *const *)a, *y = *(const struct run *const *)b;
	int c = is_hyperfine(x) - is_hyperfine(y);

	if (c)
		return c;	/* fio jobs first */
	c = strcmp(x->workload, y->workload);
	return c ? c : cmp_named(backend_order, x->backend, y->backend);
}

/* A figure in the table's unit: ms per command (hyperfine), µs per I/O (fio). */
static void md_scaled(FILE *f, const struct est *e, double scale)
{
	if (!e->has) {
		fputs("—", f);
		return;
	}
	fputs(NUM(e->v / scale), f);
	if (e->has_ci)
		fprintf(f, " [%s, %s]", NUM(e->lo / scale), NUM(e->hi / scale));
}

static void md_workload(FILE *f, struct run **v, size_t n)
{
	const struct run *none = NULL;
	bool hf = is_hyperfine(v[0]);
	double scale = hf ? 1e6 : 1e3;
	long long checked = 0, nonzero = 0;
	struct strlist est = { 0 };
	bool exit_known = true;

	for (size_t i = 0; i < n; i++) {
		if (is_none(v[i]))
			none = v[i];
		exit_known = exit_known && v[i]->has_exit;
		checked += v[i]->exit_checked;
		nonzero += v[i]->exit_nonzero;
	}
	fputs("### ", f);
	md_text(f, v[0]->workload);
	fputs("\n\n", f);
	fprintf(f, "| backend | median [95%% CI] (%s) | ratio over none | overhead vs none "
		   "[95%% CI] (%%) | n |\n", hf ? "ms per command" : "µs per I/O");
	fputs("|---|--:|--:|--:|--:|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		fputs("| ", f);
		md_text(f, p->backend);
		fputs(" | ", f);
		md_scaled(f, &p->median, scale);
		fputs(" | ", f);
		if (is_none(p))
			fputs("1 (baseline)", f);
		else if (none && none->median.has && none->median.v > 0 && p->median.has)
			fprintf(f, "%.2f", p->median.v / none->median.v);
		else
			fputs("— (no none run)", f);
		fputs(" | ", f);
		if (is_none(p)) {
			fputs("(baseline) | ", f);
		} else {
			md_scaled(f, &p->overhead_pct, 1);
			if (p->overhead_pct.estimator)
				strlist_add_unique(&est, p->overhead_pct.estimator);
			fputs(" | ", f);
		}
		if (p->has_n)
			fprintf(f, "%lld |\n", p->n);
		else
			fputs("? |\n", f);
	}
	fputc('\n', f);
	for (size_t i = 0; i < est.n; i++) {
		fputs("Overhead: ", f);
		md_code(f, est.v[i]);
		fputs(".\n", f);
	}
	free(est.v);
	if (est.n)
		fputc('\n', f);
	if (exit_known)
		fprintf(f, "Exit status: %lld timed commands checked, %lld exited non-zero.\n\n",
			checked, nonzero);
	else
		fputs("Exit status: not recorded for every run (results imported before "
		      "`exit_status`).\n\n", f);
}

void md_realistic(FILE *f, const struct report *r)
{
	const struct report *q = r->real;
	const struct input *in;
	struct run **v;
	size_t n = 0, i, j;

	if (!q)
		return;
	in = &q->in[0];
	v = calloc(q->nruns + 1, sizeof(*v));
	if (!v) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	for (i = 0; i < q->nruns; i++)
		if (q->runs[i].valid && q->runs[i].has_stats)
			v[n++] = &q->runs[i];
	qsort(v, n, sizeof(*v), cmp_real);

	fputs("## Real-world workloads\n\n", f);
	fputs("Whole commands under each backend, from ", f);
	md_code(f, in->path);
	fputs(" (box kind ", f);
	md_code(f, in->kind);
	fputs(", kernel ", f);
	md_text(f, in->kernel ? in->kernel : "?");
	fputs(", ", f);
	if (in->has_cores)
		fprintf(f, "%lld CPUs, ", in->cores);
	fputs("harness ", f);
	md_code(f, in->git ? in->git : "?");
	fputs(", ", f);
	md_text(f, in->created ? in->created : "?");
	fputs("; its README says how it was made). A box of its own, in wall-clock time: compare "
	      "these figures with each other, not with the synthetic ones above. "
	      "`hyperfine:` rows time the whole command, in ms: under a backend that is "
	      "`subtree-bench monitor --quiet --backend B --rule DIR -- CMD`, so the monitor's "
	      "start, attach, consumer (its own thread, counting the events), the drain of "
	      "the queue after the command has exited and the detach are in the figure; hyperfine runs each backend's repetitions back to back, "
	      "so their overhead is unpaired (the difference of the medians). `fio:` rows are "
	      "fio's own time per I/O, in µs, from its iops (the monitor's start and detach "
	      "fall outside it); the backends are interleaved per repetition, so their "
	      "overhead is paired. The ratio is the median over `none`'s median.\n\n", f);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !strcmp(v[i]->workload, v[j]->workload); j++)
			;
		md_workload(f, &v[i], j - i);
	}
	if (!n)
		fputs("No valid run in it.\n\n", f);
	free(v);
}
