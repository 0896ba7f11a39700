// SPDX-License-Identifier: GPL-2.0
/*
 * REPORT.md's appendix: the sentences derived from each figure's numbers, by
 * workload and mode (how each series grows, the cheapest at the largest x,
 * the overheads outside the monitored filesystem, where none is measurable).
 * The summary (summary.c) picks from the same facts.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"


/* A median in a sentence; a bimodal run's names its modes beside it. */
static const char *med_words(const struct run *p, char *buf, size_t len)
{
	const struct modes *m = &p->modes;

	if (!m->bimodal)
		return fmt_num(buf, len, p->median.v);
	snprintf(buf, len, "%s (bimodal: modes %s (%lld) and %s (%lld))", NUM(p->median.v),
		 NUM(m->m[0].median), m->m[0].n, NUM(m->m[1].median), m->m[1].n);
	return buf;
}

#define MEDW(p) med_words((p), (char[160]){ 0 }, 160)

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
				XW(g->axis, xa), XW(g->axis, xb), MEDW(a), MEDW(b),
				r->unit);
		else if (a->median.v > 0)
			fprintf(f, "cost per operation %s %.2fx from %s to %s (%s to %s %s)",
				b->median.v >= a->median.v ? "grows" : "falls to",
				b->median.v / a->median.v, XW(g->axis, xa), XW(g->axis, xb),
				MEDW(a), MEDW(b), r->unit);
		else
			fprintf(f, "cost per operation goes from %s to %s %s from %s to %s",
				MEDW(a), MEDW(b), r->unit, XW(g->axis, xa),
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
		MEDW(c->best), r->unit);
	if (c->floor && c->floor->median.v > 0)
		fprintf(f, " (%.2fx the `none` floor of %s)", c->best->median.v / c->floor->median.v,
			MEDW(c->floor));
	fprintf(f, "; the most expensive, %s at %s %s", LABEL(c->worst), MEDW(c->worst),
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

		/* a variant (.../dfid-name, .../t2) is another experiment than its cell */
		if (is_none(p) || is_variant(p) || !o->has)
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

		if (is_none(p) || is_variant(p) || !p->overhead.has || !ci_has_zero(&p->overhead))
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

void md_appendix(FILE *f, const struct report *r)
{
	fputs("## Appendix: what the figures show\n\n", f);
	fputs("Every sentence the report code derives from the figures' numbers, by workload and "
	      "mode (the summary at the top picks from these).\n\n", f);
	for (size_t i = 0, j; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		md_sentences(f, r, r->ok[i]->workload, r->ok[i]->mode, &r->ok[i], j - i);
	}
}
