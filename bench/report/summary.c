// SPDX-License-Identifier: GPL-2.0
/*
 * REPORT.md's summary: the answer in a few sentences at the top, each derived
 * from the numbers (derive.c's headline, groups and split figures) and
 * naming the figure it comes from. At most SUMMARY_LINES lines, its heading
 * included; what has no data says so.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* " Figure: `base.png`." */
static void say_figure(FILE *f, const char *base)
{
	fprintf(f, " Figure: `%s.png`.\n", base);
}

/* "+9624 [9624, 9629] (+120 %)": the overhead, its CI, and relative to `none`. */
static void say_overhead(FILE *f, const struct run *p, const struct run *none)
{
	const struct est *o = &p->overhead;

	fprintf(f, "%s%s", o->v > 0 ? "+" : "", NUM(o->v));
	if (o->has_ci)
		fprintf(f, " [%s, %s]", NUM(o->lo), NUM(o->hi));
	if (none && none->median.v > 0) {
		double pct = 100 * o->v / none->median.v, a = fabs(pct);

		fprintf(f, a >= 10 ? " (%+.0f %%)" : a >= 1 ? " (%+.1f %%)" : " (%+.2f %%)", pct);
	}
	if (ci_has_zero(o))
		fputs(", no measurable overhead", f);
}

/* The cheapest and the most expensive of v[0..n) by overhead, with a tie
 * when the next cheapest's CI overlaps. */
static void say_range(FILE *f, const struct run **v, size_t n,
		      const struct run *none)
{
	const struct run *best = NULL, *next = NULL, *worst = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		if (!best || p->overhead.v < best->overhead.v) {
			next = best;
			best = p;
		} else if (!next || p->overhead.v < next->overhead.v) {
			next = p;
		}
		if (!worst || p->overhead.v > worst->overhead.v)
			worst = p;
	}
	fprintf(f, "cheapest %s ", LABEL(best));
	say_overhead(f, best, none);
	if (next && ci_overlap(&best->overhead, &next->overhead))
		fprintf(f, ", tied with %s within the 95 %% CIs", LABEL(next));
	if (worst != best) {
		fprintf(f, "; most expensive %s ", LABEL(worst));
		say_overhead(f, worst, none);
	}
	fputc('.', f);
}

static void say_scope(FILE *f, const struct report *r, enum scope sc)
{
	static const char *const lead[SC__COUNT] = {
		"In scope", "Out of scope on the monitored filesystem", "On another filesystem",
	};
	const struct headline *h = &r->headline;
	const struct headline_cell *c = &h->cell[sc];
	const struct run *v[64];
	size_t n = 0;

	if (!c->found) {
		fprintf(f, "- %s: not measured (no %s run of a filter in notify mode%s).\n", lead[sc],
			sc == SC_OTHER_FS ? "outside-fs" : "open-close",
			sc == SC_IN ? " at hit ratio 1" : sc == SC_OUT ? " at hit ratio 0" : "");
		return;
	}
	for (size_t i = 0; i < h->n && n < sizeof(v) / sizeof(v[0]); i++)
		if (h->bars[i].run[sc])
			v[n++] = h->bars[i].run[sc];
	fprintf(f, "- %s (%s; ", lead[sc], CW(c));
	if (c->none)
		fprintf(f, "`none` %s %s", NUM(c->none->median.v), r->unit);
	else
		fprintf(f, "`none` not measured there; %s", r->unit);
	fputs("), overhead over `none` [95 % CI] of each backend's cheapest strategy: ", f);
	say_range(f, v, n, c->none);
	for (size_t i = 0, k = 0; i < h->n; i++)
		if (!h->bars[i].run[sc])
			fprintf(f, "%s%s", k++ ? ", " : " Not measured here: ", h->bars[i].backend);
	if (n < h->n)
		fputc('.', f);
	say_figure(f, h->base);
}

/* How far each strategy's cost grows over the rules: its steepest series. */
static void say_rules(FILE *f, const struct report *r)
{
	const struct group *g = main_group(r, AX_RULES);
	struct strlist strategies = { 0 };
	size_t said = 0;

	if (!g) {
		fputs("- Rules: no open-close figure against rules (no filter measured at two or more rule counts).\n",
		      f);
		return;
	}
	for (size_t k = 0; k < g->ns; k++)
		if (!g->s[k].is_none && !is_reference(g->s[k].pts[0]) && g->s[k].n >= 2)
			strlist_add_unique(&strategies, g->s[k].pts[0]->strategy);
	fprintf(f, "- Rules, %s to %s (%s): from its fewest to its most rules, cost per operation grows ",
		PAR(g->xmin), PAR(g->xmax), FW(g));
	for (size_t q = 0; q < strategies.n; q++) {
		const struct run *a = NULL, *b = NULL;
		double worst = -INFINITY;

		for (size_t k = 0; k < g->ns; k++) {
			const struct series *s = &g->s[k];
			double gr;

			if (s->is_none || s->n < 2 || strcmp(s->pts[0]->strategy, strategies.v[q]) ||
			    !(s->pts[0]->median.v > 0))
				continue;
			gr = s->pts[s->n - 1]->median.v / s->pts[0]->median.v;
			if (gr > worst) {
				worst = gr;
				a = s->pts[0];
				b = s->pts[s->n - 1];
			}
		}
		if (!a)
			continue;
		fprintf(f, "%sat most %.2fx with %s (%s, to %s)", said++ ? ", " : "", worst,
			strategies.v[q], LABEL(b), XW(AX_RULES, b->rules));
	}
	if (!said)
		fputs("(no filter with a cost at two rule counts)", f);
	fputc('.', f);
	free(strategies.v);
	say_figure(f, g->base);
}

/* At the deepest level measured: the cheapest and dearest against the floor. */
static void say_depth(FILE *f, const struct report *r)
{
	const struct group *g = main_group(r, AX_DEPTH);
	const struct cheapest *c = g ? &g->cheap : NULL;

	if (!g || !c->best) {
		fputs("- Depth: no open-close figure against depth with two or more filters.\n", f);
		return;
	}
	fprintf(f, "- Depth, %s to %s (%s): at depth %s the cheapest is %s at %s %s",
		PAR(g->xmin), PAR(g->xmax), FW(g), PAR(c->x), LABEL(c->best), NUM(c->best->median.v),
		r->unit);
	if (c->floor && c->floor->median.v > 0)
		fprintf(f, " (%.2fx the `none` floor of %s, which itself grows with depth)",
			c->best->median.v / c->floor->median.v, NUM(c->floor->median.v));
	fprintf(f, ", the most expensive %s at %s", LABEL(c->worst), NUM(c->worst->median.v));
	if (c->floor && c->floor->median.v > 0)
		fprintf(f, " (%.2fx)", c->worst->median.v / c->floor->median.v);
	fputc('.', f);
	say_figure(f, g->base);
}

static const struct split_fig *split_of_mode(const struct report *r, const char *mode)
{
	for (size_t i = 0; i < r->nsplits; i++)
		if (!strcmp(r->splits[i].mode, mode))
			return &r->splits[i];
	return NULL;
}

/* Deny mode at the cell of its cost-split figure. */
static void say_deny(FILE *f, const struct report *r)
{
	const struct split_fig *s = split_of_mode(r, "deny");
	const struct run *v[64], *none = NULL;
	size_t n = 0;

	if (!s) {
		fputs("- Deny mode: no figure (no filter measured in deny mode with a cost split).\n", f);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct run *p = s->bars[i];

		if (is_none(p))
			none = p;
		else if (!is_reference(p) && p->overhead.has && n < sizeof(v) / sizeof(v[0]))
			v[n++] = p;
	}
	fprintf(f, "- Deny mode (%s, %s, depth %s, hit ratio %s), overhead over `none` in %s: ", s->workload,
		XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit), r->unit);
	if (!n)
		fputs("no filter with an overhead there.", f);
	else
		say_range(f, v, n, none);
	say_figure(f, s->base);
}

/* The consumer's share of the figure where it shares the workload's CPU. */
static void say_split(FILE *f, const struct report *r)
{
	const struct split_fig *s = split_of_mode(r, "notify");
	const struct run *lo = NULL, *hi = NULL;
	double slo = INFINITY, shi = -INFINITY;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		const struct run *p = s->bars[i];
		double share;

		if (is_none(p) || is_reference(p) || p->consumer_in_total != 1 || !p->rep[RM_CONSUMER].n ||
		    !(p->median.v > 0))
			continue;
		share = 100 * p->rep[RM_CONSUMER].median / p->median.v;
		if (share < slo) {
			slo = share;
			lo = p;
		}
		if (share > shi) {
			shi = share;
			hi = p;
		}
	}
	fprintf(f, "- Where the cost goes (%s, %s, depth %s, hit ratio %s): ", s->workload,
		XW(AX_RULES, s->rules), PAR(s->depth), PAR(s->hit));
	if (!lo)
		fputs("no consumer shares the workload's CPU, so each figure is the workload thread's CPU time and the remainder.",
		      f);
	else if (lo == hi)
		fprintf(f, "the consumer, sharing the workload's CPU, is %.0f %% of %s's figure.", shi,
			LABEL(hi));
	else
		fprintf(f, "the consumer, sharing the workload's CPU, is from %.0f %% (%s) to %.0f %% (%s) of the figure.",
			slo, LABEL(lo), shi, LABEL(hi));
	say_figure(f, s->base);
}

void md_summary(FILE *f, const struct report *r)
{
	fputs("## Summary\n\n", f);
	if (r->headline.n)
		for (int sc = 0; sc < SC__COUNT; sc++)
			say_scope(f, r, (enum scope)sc);
	else
		fputs("- No headline figure: no filter in notify mode was measured in scope (open-close, hit ratio 1), out of scope (hit ratio 0) or on another filesystem (outside-fs).\n",
		      f);
	say_rules(f, r);
	say_depth(f, r);
	say_deny(f, r);
	say_split(f, r);
	fputc('\n', f);
}
