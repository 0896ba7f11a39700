// SPDX-License-Identifier: GPL-2.0
/*
 * Deriving: which runs are shown (valid, with statistics) and in what order,
 * which figures they make (a group: one workload and mode, one parameter on
 * the x axis, the other two fixed; one series per backend/strategy) and the
 * facts the sentences state. Comparisons only (orders, ratios, CI overlaps):
 * every statistic is read from the results (bench/stats.c wrote it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

bool ci_overlap(const struct est *a, const struct est *b)
{
	return a->has_ci && b->has_ci && a->lo <= b->hi && b->lo <= a->hi;
}

bool ci_has_zero(const struct est *e)
{
	return e->has_ci && e->lo <= 0 && e->hi >= 0;
}

/* --- ordering ---------------------------------------------------------- */

int cmp_run_common(const struct run *a, const struct run *b)
{
	int c;

	if ((c = cmp_named(workload_order, a->workload, b->workload)))
		return c;
	return cmp_named(mode_order, a->mode, b->mode);
}

static int cmp_series(const struct run *a, const struct run *b)
{
	int c;

	if ((c = cmp_named(backend_order, a->backend, b->backend)))
		return c;
	return cmp_named(strategy_order, a->strategy, b->strategy);
}

/* Tables: workload, mode, backend, strategy, rules, depth, hit, id. */
static int cmp_table(const void *pa, const void *pb)
{
	const struct run *a = *(struct run *const *)pa, *b = *(struct run *const *)pb;
	int c;

	if ((c = cmp_run_common(a, b)) || (c = cmp_series(a, b)) ||
	    (c = cmp_dbl(a->rules, b->rules)) || (c = cmp_dbl(a->depth, b->depth)) ||
	    (c = cmp_dbl(a->hit, b->hit)))
		return c;
	return strcmp(a->id, b->id);
}

/* The two parameters other than ax, in rules, depth, hit order. */
static void fixed_axes(enum axis ax, enum axis out[2])
{
	out[0] = ax == AX_RULES ? AX_DEPTH : AX_RULES;
	out[1] = ax == AX_HIT ? AX_DEPTH : AX_HIT;
}

static int cmp_fixed(const struct run *a, const struct run *b, enum axis ax)
{
	enum axis f[2];
	int c;

	fixed_axes(ax, f);
	if ((c = cmp_dbl(run_x(a, f[0]), run_x(b, f[0]))))
		return c;
	return cmp_dbl(run_x(a, f[1]), run_x(b, f[1]));
}

static int cmp_axis(const struct run *a, const struct run *b, enum axis ax)
{
	int c;

	if ((c = cmp_run_common(a, b)) || (c = cmp_fixed(a, b, ax)) || (c = cmp_series(a, b)) ||
	    (c = cmp_dbl(run_x(a, ax), run_x(b, ax))))
		return c;
	return strcmp(a->id, b->id);
}

static int cmp_rules_axis(const void *a, const void *b)
{
	return cmp_axis(*(struct run *const *)a, *(struct run *const *)b, AX_RULES);
}

static int cmp_depth_axis(const void *a, const void *b)
{
	return cmp_axis(*(struct run *const *)a, *(struct run *const *)b, AX_DEPTH);
}

static int cmp_hit_axis(const void *a, const void *b)
{
	return cmp_axis(*(struct run *const *)a, *(struct run *const *)b, AX_HIT);
}

static int (*const cmp_by_axis[AX__COUNT])(const void *, const void *) = {
	cmp_rules_axis, cmp_depth_axis, cmp_hit_axis,
};

static bool same_group(const struct run *a, const struct run *b, enum axis ax)
{
	return !cmp_run_common(a, b) && !cmp_fixed(a, b, ax);
}

/* --- facts ------------------------------------------------------------- */

/* The cheapest and the most expensive monitored run at the group's largest x. */
static void find_cheapest(struct group *g)
{
	const struct run *best = NULL, *second = NULL, *worst = NULL, *floor = NULL;
	size_t cands = 0;
	double x = g->xmax;

	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		for (size_t i = 0; i < s->n; i++) {
			const struct run *p = s->pts[i];

			if (run_x(p, g->axis) != x)
				continue;
			if (s->is_none) {
				floor = p;
				continue;
			}
			cands++;
			if (!best || p->median.v < best->median.v) {
				second = best;
				best = p;
			} else if (!second || p->median.v < second->median.v) {
				second = p;
			}
			if (!worst || p->median.v > worst->median.v)
				worst = p;
		}
	}
	g->cheap = (struct cheapest){ .x = x };
	if (cands >= 2)
		g->cheap = (struct cheapest){ x, best, second, worst, floor };
}

/* --- groups ------------------------------------------------------------ */

static void build_groups(struct report *r, enum axis ax)
{
	struct run **v = r->by_axis[ax];
	size_t i = 0;

	while (i < r->nok) {
		struct group g = { .axis = ax, .workload = v[i]->workload, .mode = v[i]->mode,
				   .xmin = INFINITY, .xmax = -INFINITY };
		size_t end = i, cap = 0;
		bool multi = false, multi_ovh = false;
		char w[64], m[64], slug[128];

		fixed_axes(ax, g.fixed_ax);
		for (int k = 0; k < 2; k++)
			g.fixed[k] = run_x(v[i], g.fixed_ax[k]);

		while (end < r->nok && same_group(v[i], v[end], ax))
			end++;
		for (size_t k = i; k < end;) {
			struct series s = { .pts = &v[k], .is_none = is_none(v[k]) };

			while (k < end && !cmp_series(v[k], s.pts[0])) {
				s.n++;
				s.n_ovh += v[k]->overhead.has;
				if (!s.is_none) {
					g.xmin = fmin(g.xmin, run_x(v[k], ax));
					g.xmax = fmax(g.xmax, run_x(v[k], ax));
				}
				k++;
			}
			if (!s.is_none) {
				multi |= s.n >= 2;
				multi_ovh |= s.n_ovh >= 2;
			}
			g.s = xgrow(g.s, &cap, g.ns + 1, sizeof(*g.s));
			g.s[g.ns++] = s;
		}
		for (size_t k = 0; k < g.ns; k++)
			if (g.s[k].is_none)
				g.floor = &g.s[k];
		g.cost_fig = multi;
		g.ovh_fig = multi_ovh;
		name_part(w, sizeof(w), g.workload);
		name_part(m, sizeof(m), g.mode);
		/* e.g. open-close-notify-vs-rules-depth4-hit0.5 */
		snprintf(slug, sizeof(slug), "vs-%s-%s%s-%s%s", axis_name(ax),
			 axis_name(g.fixed_ax[0]), PAR(g.fixed[0]), axis_name(g.fixed_ax[1]),
			 PAR(g.fixed[1]));
		snprintf(g.base, sizeof(g.base), "%s-%s-%s", w, m, slug);
		snprintf(g.ovh_base, sizeof(g.ovh_base), "%s-%s-overhead-%s", w, m, slug);
		if (g.cost_fig)
			find_cheapest(&g);
		r->groups = xgrow(r->groups, &r->cap_groups, r->ngroups + 1, sizeof(*r->groups));
		r->groups[r->ngroups++] = g;
		i = end;
	}
}

int report_derive(struct report *r)
{
	r->ok = calloc(r->nruns + 1, sizeof(*r->ok));
	r->bad = calloc(r->nruns + 1, sizeof(*r->bad));
	for (int a = 0; a < AX__COUNT; a++)
		r->by_axis[a] = calloc(r->nruns + 1, sizeof(*r->by_axis[a]));
	if (!r->ok || !r->bad || !r->by_axis[AX_RULES] || !r->by_axis[AX_DEPTH] || !r->by_axis[AX_HIT]) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	for (size_t i = 0; i < r->nruns; i++) {
		if (r->runs[i].valid)
			r->ok[r->nok++] = &r->runs[i];
		else
			r->bad[r->nbad++] = &r->runs[i];
	}
	qsort(r->ok, r->nok, sizeof(*r->ok), cmp_table);
	qsort(r->bad, r->nbad, sizeof(*r->bad), cmp_table);
	for (int a = 0; a < AX__COUNT; a++) {
		memcpy(r->by_axis[a], r->ok, r->nok * sizeof(*r->ok));
		qsort(r->by_axis[a], r->nok, sizeof(*r->ok), cmp_by_axis[a]);
		build_groups(r, (enum axis)a);
	}
	return 0;
}

void report_derive_free(struct report *r)
{
	free(r->ok);
	free(r->bad);
	for (int a = 0; a < AX__COUNT; a++)
		free(r->by_axis[a]);
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->groups[i].s);
	free(r->groups);
}
