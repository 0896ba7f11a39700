// SPDX-License-Identifier: GPL-2.0
/*
 * The set-up section: what each backend's attach costs, in time and in
 * kernel memory, against the directories in scope (issue "per-directory
 * marks"' set-up question). The figures are per run: the median over the
 * timing repetitions of reps_detail[].attach_ns (instructions on vm-icount,
 * ns elsewhere), and over the counting repetitions of counting_detail[]'s
 * kmem (bench/kmem.h), marks and map_bytes. Only open-close runs: the attach
 * does not depend on the workload, and open-close is measured at every
 * number of rules. plot.c draws the figures from the setup_fig list.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static bool setup_run(const struct run *p)
{
	return !strcmp(p->workload, "open-close") && !is_none(p) && !is_variant(p) && !p->burst &&
	       !p->in->paired &&
	       isfinite(p->dirs) && (p->rep[RM_ATTACH].n || p->count[CM_KMEM_ATTACH].n ||
				     p->count[CM_MARKS].n || p->count[CM_MAP_BYTES].n);
}

/* Mode, depth, hit ratio (the figure), then backend, strategy (the series), then dirs. */
static int cmp_setup(const void *pa, const void *pb)
{
	const struct run *a = *(struct run *const *)pa, *b = *(struct run *const *)pb;
	int c = cmp_named(mode_order, a->mode, b->mode);

	if (!c)
		c = cmp_dbl(a->depth, b->depth);
	if (!c)
		c = cmp_dbl(a->hit, b->hit);
	if (!c)
		c = cmp_named(backend_order, a->backend, b->backend);
	if (!c)
		c = cmp_named(strategy_order, a->strategy, b->strategy);
	return c ? c : cmp_dbl(a->dirs, b->dirs);
}

static bool same_fig(const struct run *a, const struct run *b)
{
	return !strcmp(a->mode, b->mode) && a->depth == b->depth && a->hit == b->hit;
}

static bool same_series(const struct run *a, const struct run *b)
{
	return same_fig(a, b) && !strcmp(a->backend, b->backend) && !strcmp(a->strategy, b->strategy);
}

/* One figure from v[0..n) (one mode, depth, hit): false when it has one x only. */
static bool build_fig(struct setup_fig *fig, struct run **v, size_t n)
{
	size_t cap = 0;

	memset(fig, 0, sizeof(*fig));
	fig->mode = v[0]->mode;
	fig->depth = v[0]->depth;
	fig->hit = v[0]->hit;
	fig->xmin = fig->xmax = v[0]->dirs;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && same_series(v[i], v[j]); j++) {
			fig->xmin = fmin(fig->xmin, v[j]->dirs);
			fig->xmax = fmax(fig->xmax, v[j]->dirs);
			fig->has_kmem |= v[j]->count[CM_KMEM_ATTACH].n > 0;
		}
		fig->s = xgrow(fig->s, &cap, fig->ns + 1, sizeof(*fig->s));
		fig->s[fig->ns++] = (struct series){ .pts = &v[i], .n = j - i };
	}
	if (fig->xmin == fig->xmax) {
		free(fig->s);
		return false;
	}
	snprintf(fig->base, sizeof(fig->base), "setup-%s-depth%s-hit%s", fig->mode, PAR(fig->depth),
		 PAR(fig->hit));
	return true;
}

int setup_derive(struct report *r)
{
	struct run **v = calloc(r->nok + r->nbad + 1, sizeof(*v));
	size_t n = 0, cap = 0;

	if (!v) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	for (size_t i = 0; i < r->nok; i++)
		if (setup_run(r->ok[i]))
			v[n++] = r->ok[i];
	/* The attach does not depend on the events: a run that failed the oracle is here too. */
	for (size_t i = 0; i < r->nbad; i++)
		if (setup_run(r->bad[i]))
			v[n++] = r->bad[i];
	qsort(v, n, sizeof(*v), cmp_setup);
	for (size_t i = 0, j; i < n; i = j) {
		struct setup_fig fig;

		for (j = i; j < n && same_fig(v[i], v[j]); j++)
			;
		if (!build_fig(&fig, &v[i], j - i))
			continue;
		r->setups = xgrow(r->setups, &cap, r->nsetups + 1, sizeof(*r->setups));
		r->setups[r->nsetups++] = fig;
	}
	r->setup_runs = v;
	return 0;
}

void setup_free(struct report *r)
{
	for (size_t i = 0; i < r->nsetups; i++)
		free(r->setups[i].s);
	free(r->setups);
	r->setups = NULL;
	free(r->setup_runs);
	r->setup_runs = NULL;
	r->nsetups = 0;
}

/*
 * A median over the repetitions that recorded it, with their range where
 * they differ (kernel memory read by meminfo moves between repetitions of
 * the same attach), or — (never recorded).
 */
static void md_median(FILE *f, const struct per_rep *p, double scale)
{
	double lo = INFINITY, hi = -INFINITY;

	fputs(" | ", f);
	if (!p->n) {
		fputs("—", f);
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		lo = fmin(lo, p->v[i]);
		hi = fmax(hi, p->v[i]);
	}
	fputs(NUM(p->median / scale), f);
	if (lo < hi)
		fprintf(f, " (%s to %s)", NUM(lo / scale), NUM(hi / scale));
}

/* A count (marks): its median as it is. */
static void md_count(FILE *f, const struct per_rep *p)
{
	fputs(" | ", f);
	fputs(p->n ? PAR(p->median) : "—", f);
}

/* The point of series s at x, or NULL. */
static const struct run *point_at(const struct series *s, double x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pts[i]->dirs == x)
			return s->pts[i];
	return NULL;
}

/* At the most directories: the cheapest and the dearest attach, the most memory. */
static void md_fig_sentence(FILE *f, const struct report *r, const struct setup_fig *s)
{
	const struct run *lo = NULL, *hi = NULL, *mem = NULL;

	for (size_t k = 0; k < s->ns; k++) {
		const struct run *p = point_at(&s->s[k], s->xmax);

		if (!p)
			continue;
		if (p->rep[RM_ATTACH].n) {
			if (!lo || p->rep[RM_ATTACH].median < lo->rep[RM_ATTACH].median)
				lo = p;
			if (!hi || p->rep[RM_ATTACH].median > hi->rep[RM_ATTACH].median)
				hi = p;
		}
		if (p->count[CM_KMEM_ATTACH].n &&
		    (!mem || p->count[CM_KMEM_ATTACH].median > mem->count[CM_KMEM_ATTACH].median))
			mem = p;
	}
	if (lo && hi && lo != hi && lo->rep[RM_ATTACH].median > 0)
		fprintf(f, "At %s directories in scope the attach costs from %s (%s) to %s %s (%s), "
			   "%s times as much.", PAR(s->xmax), NUM(lo->rep[RM_ATTACH].median), LABEL(lo),
			NUM(hi->rep[RM_ATTACH].median),
			!strcmp(r->in[0].time_unit, "instructions") ? "instructions" : "ns", LABEL(hi),
			NUM(hi->rep[RM_ATTACH].median / lo->rep[RM_ATTACH].median));
	if (mem)
		fprintf(f, "%sThe most kernel memory at attach at %s directories: %s KiB (%s).",
			lo && hi && lo != hi && lo->rep[RM_ATTACH].median > 0 ? " " : "", PAR(s->xmax), NUM(mem->count[CM_KMEM_ATTACH].median / 1024), LABEL(mem));
	if ((lo && hi && lo != hi && lo->rep[RM_ATTACH].median > 0) || mem)
		fputs("\n\n", f);
}

static void md_fig(FILE *f, const struct report *r, const struct setup_fig *s, const char *prefix)
{
	bool instr = !strcmp(r->in[0].time_unit, "instructions");

	fprintf(f, "### Set-up, %s mode, depth %s, hit ratio %s\n\n", s->mode, PAR(s->depth),
		PAR(s->hit));
	fprintf(f, "![Attach cost and kernel memory against directories in scope, %s mode](%s%s.png)\n\n",
		s->mode, prefix, s->base);
	md_figure_links(f, prefix, s->base);
	md_fig_sentence(f, r, s);
	fprintf(f, "| backend | strategy | rules | directories in scope | attach (%s) | "
		   "kernel memory at attach (KiB) | at the end (KiB) | marks | BPF map memory (KiB) | run id |\n",
		instr ? "instructions" : "ns");
	fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t k = 0; k < s->ns; k++) {
		for (size_t i = 0; i < s->s[k].n; i++) {
			const struct run *p = s->s[k].pts[i];

			fprintf(f, "| %s | %s | %s | %s", p->backend, p->strategy, PAR(p->rules),
				PAR(p->dirs));
			md_median(f, &p->rep[RM_ATTACH], 1);
			md_median(f, &p->count[CM_KMEM_ATTACH], 1024);
			md_median(f, &p->count[CM_KMEM_END], 1024);
			md_count(f, &p->count[CM_MARKS]);
			md_median(f, &p->count[CM_MAP_BYTES], 1024);
			fputs(" | ", f);
			md_code(f, p->id);
			if (!p->valid) {
				fputs(" (failed the oracle: ", f);
				md_text(f, p->why ? p->why : "no reason recorded");
				fputc(')', f);
			}
			fputs(" |\n", f);
		}
	}
	fputc('\n', f);
}

/* Which ways the runs read kernel memory (bench/kmem.h), for the method note. */
static void md_methods(FILE *f, const struct report *r)
{
	struct strlist l = { 0 };
	int unsettled = 0;

	for (size_t i = 0; i < r->nsetups; i++)
		for (size_t k = 0; k < r->setups[i].ns; k++)
			for (size_t j = 0; j < r->setups[i].s[k].n; j++) {
				const struct run *p = r->setups[i].s[k].pts[j];

				if (p->kmem_method)
					strlist_add_unique(&l, p->kmem_method);
				unsettled += p->kmem_unsettled;
			}
	if (!l.n) {
		fputs("No run recorded kernel memory (`kmem` is null: the box's `kmem_why` says why).", f);
	} else {
		fputs("Kernel memory was read by", f);
		for (size_t i = 0; i < l.n; i++)
			fprintf(f, "%s `%s`", i ? (i + 1 == l.n ? " and" : ",") : "", l.v[i]);
		fputs(" (bench/kmem.h: `memcg` is what a memory cgroup made for the step was charged "
		      "during the attach; `meminfo` is the whole kernel's slab, per-CPU, vmalloc, "
		      "kernel-stack and page-table memory before and after the attach: what else the "
		      "kernel frees or allocates meanwhile (RCU callbacks, slab pages reused) is in it "
		      "too, so repetitions of the same attach differ by some pages, and it counts slab "
		      "pages, so a small attach reads as 0 or a page or two; pages a map allocates "
		      "directly, such as a BPF ring buffer's, are not in it but are in its BPF map "
		      "memory).", f);
		if (unsettled)
			fprintf(f, " In %d counting repetition%s the `meminfo` read before the attach "
				"never settled (`settled: false`: no two reads in a row agreed): "
				"read those figures as noisier.", unsettled, unsettled == 1 ? "" : "s");
	}
	free(l.v);
}

void md_setup(FILE *f, const struct report *r, const char *prefix)
{
	if (!r->nsetups)
		return;
	fputs("## Set-up: attach cost and kernel memory against directories in scope\n\n", f);
	fputs("What each backend's attach costs before the first event: its walk of the rule roots, "
	      "the marks, watches, map entries or Landlock rules it adds, and its program loads. "
	      "Attach is the median over the timing repetitions of `reps_detail[].attach_ns`; the "
	      "memory, marks and BPF map memory (fdinfo `memlock` of its maps) are medians over "
	      "the separate counting pass (`counting_detail[]`), never the timing pass; the range "
	      "follows in brackets where repetitions differ. "
	      "`directories in scope` is `dirs_in_scope`: every directory below a rule root, what a "
	      "per-directory scheme must mark or tag. A run that failed the oracle is listed too, with "
	      "why: its attach did the same work. ", f);
	md_methods(f, r);
	fputs(" Both axes are logarithmic; a point of 0 bytes is not drawn (it is in the table).\n\n", f);
	for (size_t i = 0; i < r->nsetups; i++)
		md_fig(f, r, &r->setups[i], prefix);
}
