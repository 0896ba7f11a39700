// SPDX-License-Identifier: GPL-2.0
/*
 * Deriving: which runs are shown (valid, with statistics) and in what order,
 * which figures they make (a group: one workload and mode, one parameter on
 * the x axis, the other two fixed; one series per backend/strategy) and the
 * facts the sentences state. Comparisons only (orders, ratios, CI overlaps)
 * and medians over repetitions through bench/stats.c:
 * every other statistic is read from the results (bench/stats.c wrote it).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../stats.h"
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

/* The cheapest and the most expensive monitored run at the group's largest x;
 * reference strategies (pass, kfunc) are no candidates. */
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
			if (is_reference(p))
				continue;	/* the plumbing alone is no candidate */
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

	while (i < r->nfig) {
		struct group g = { .axis = ax, .workload = v[i]->workload, .mode = v[i]->mode,
				   .xmin = INFINITY, .xmax = -INFINITY };
		size_t end = i, cap = 0;
		bool multi = false, multi_ovh = false;
		char w[64], m[64], slug[128];

		fixed_axes(ax, g.fixed_ax);
		for (int k = 0; k < 2; k++)
			g.fixed[k] = run_x(v[i], g.fixed_ax[k]);

		while (end < r->nfig && same_group(v[i], v[end], ax))
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

/* --- the cost split ------------------------------------------------------ */

/* The cells the split figure prefers, best first: a middling rule count at
 * the default depth and hit ratio. Another cell only when the data has none
 * of these. */
static const struct { double rules, depth, hit; } split_cells[] = {
	{ 10, 4, 0.5 }, { 100, 4, 0.5 },
};
static const char *const split_workloads[] = { "open-close", NULL };

static bool has_split(const struct run *p)
{
	return p->rep[RM_WORKLOAD].n && p->rep[RM_REMAINDER].n;
}

static int split_cell_rank(const struct run *p)
{
	for (size_t i = 0; i < sizeof(split_cells) / sizeof(split_cells[0]); i++)
		if (p->rules == split_cells[i].rules && p->depth == split_cells[i].depth &&
		    p->hit == split_cells[i].hit)
			return (int)i;
	return INT_MAX;
}

static bool same_cell(const struct run *a, const struct run *b)
{
	return a->rules == b->rules && a->depth == b->depth && a->hit == b->hit &&
	       a->files == b->files && !cmp_run_common(a, b);
}

/* Monitored runs with a split at p's cell, among v[0..n). */
static size_t split_bars_at(struct run **v, size_t n, const struct run *p)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += !is_none(v[i]) && !is_variant(v[i]) && has_split(v[i]) && same_cell(v[i], p);
	return k;
}

/* Is cell a (with k bars) a better split figure than cell b (with kb)? A
 * preferred cell first, then the most bars, then the earlier preferred one;
 * else the first in table order. */
static bool better_split_cell(const struct run *a, size_t k, const struct run *b, size_t kb)
{
	int ra = split_cell_rank(a), rb = split_cell_rank(b);

	if ((ra != INT_MAX) != (rb != INT_MAX))
		return ra != INT_MAX;
	if (k != kb)
		return k > kb;
	return ra < rb;
}

/* One workload and mode (v[0..n), table order): the best cell (above). */
static void build_split(struct report *r, struct run **v, size_t n, size_t *cap)
{
	const struct run *cell = NULL;
	size_t best = 0;
	struct split_fig s = { 0 };
	char w[64], m[64];

	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (is_none(v[i]) || !has_split(v[i]) || is_variant(v[i]))
			continue;
		k = split_bars_at(v, n, v[i]);
		if (!cell || better_split_cell(v[i], k, cell, best)) {
			cell = v[i];
			best = k;
		}
	}
	if (!cell)
		return;
	s = (struct split_fig){ .workload = cell->workload, .mode = cell->mode,
				.rules = cell->rules, .depth = cell->depth, .hit = cell->hit,
				.preferred = split_cell_rank(cell) != INT_MAX };
	s.bars = calloc(n, sizeof(*s.bars));
	if (!s.bars) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	for (size_t i = 0; i < n; i++)
		if (has_split(v[i]) && !is_variant(v[i]) && same_cell(v[i], cell))
			s.bars[s.n++] = v[i];
	name_part(w, sizeof(w), s.workload);
	name_part(m, sizeof(m), s.mode);
	snprintf(s.base, sizeof(s.base), "%s-%s-split-rules%s-depth%s-hit%s", w, m, PAR(s.rules),
		 PAR(s.depth), PAR(s.hit));
	r->splits = xgrow(r->splits, cap, r->nsplits + 1, sizeof(*r->splits));
	r->splits[r->nsplits++] = s;
}

static void build_splits(struct report *r)
{
	size_t cap = 0;

	for (size_t i = 0, j; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		if (rank(split_workloads, r->ok[i]->workload) != INT_MAX)
			build_split(r, &r->ok[i], j - i, &cap);
	}
}

/* --- the headline figure -------------------------------------------------- */

const char *const scope_words[SC__COUNT] = {
	"in scope", "out of scope on the monitored filesystem", "on another filesystem",
};

static bool cell_run(const struct run *p, const char *mode)
{
	return !is_variant(p) && !strcmp(p->mode, mode);
}

/* Monitored non-reference runs with an overhead at p's cell. */
static size_t filters_at(const struct report *r, const struct run *p)
{
	size_t k = 0;

	for (size_t i = 0; i < r->nok; i++) {
		const struct run *q = r->ok[i];

		k += !is_variant(q) && !is_none(q) && !is_reference(q) && q->overhead.has &&
		     same_cell(q, p);
	}
	return k;
}

/*
 * The cell of a scope: the runs of `workload` in `mode` at `rules` and hit
 * ratio `hit` (any when < 0) with the most filters measured; on a tie the one
 * at `like`'s rules and depth, then the most rules, then depth 4, then the first.
 */
static struct headline_cell pick_cell(const struct report *r, const char *workload,
				      const char *mode, double rules, double hit,
				      const struct headline_cell *like)
{
	struct headline_cell c = { 0 };
	size_t best = 0;

	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];
		size_t k;
		bool better;

		if (!cell_run(p, mode) || is_none(p) || strcmp(p->workload, workload) ||
		    (rules >= 0 && p->rules != rules) || (hit >= 0 && p->hit != hit))
			continue;
		k = filters_at(r, p);
		if (!k)
			continue;
		if (!c.found || k != best) {
			better = !c.found || k > best;
		} else {
			bool pl = like && like->found && p->rules == like->rules && p->depth == like->depth;
			bool cl = like && like->found && c.rules == like->rules && c.depth == like->depth;

			better = pl != cl ? pl : p->rules != c.rules ? p->rules > c.rules
						 : (p->depth == 4) > (c.depth == 4);
		}
		if (better) {
			c = (struct headline_cell){ true, p->workload, p->mode, p->rules, p->depth,
						    p->hit, NULL };
			best = k;
		}
	}
	if (!c.found)
		return c;
	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];

		if (cell_run(p, c.mode) && is_none(p) && !strcmp(p->workload, c.workload) &&
		    p->rules == c.rules && p->depth == c.depth && p->hit == c.hit)
			c.none = p;
	}
	return c;
}

static bool at_cell(const struct run *p, const struct headline_cell *c)
{
	return c->found && cell_run(p, c->mode) && !strcmp(p->workload, c->workload) &&
	       p->rules == c->rules && p->depth == c->depth && p->hit == c->hit;
}

/* backend/strategy's run at cell c, or NULL. */
static const struct run *bar_run(const struct report *r, const struct headline_bar *b,
				 const struct headline_cell *c)
{
	const struct run *found = NULL;

	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];

		if (!strcmp(p->backend, b->backend) && !strcmp(p->strategy, b->strategy) &&
		    p->overhead.has && at_cell(p, c))
			found = p;
	}
	return found;
}

static bool has_bar(const struct headline *h, const char *backend)
{
	for (size_t k = 0; k < h->n; k++)
		if (!strcmp(h->bars[k].backend, backend))
			return true;
	return false;
}

/* Deny mode at DENY_RULES, the cover letter's last column: each bar's
 * backend/strategy there, and a backend measured there but in no scope (so
 * with no bar) in its cheapest strategy, in h->deny_extra. */
static void build_deny(struct report *r)
{
	struct headline *h = &r->headline;
	size_t cap = 0;

	h->deny_cell = pick_cell(r, "open-close", "deny", DENY_RULES, -1, &h->cell[SC_IN]);
	for (size_t k = 0; k < h->n; k++)
		h->bars[k].deny = bar_run(r, &h->bars[k], &h->deny_cell);
	/* r->ok is in backend order, so a backend's runs are contiguous. */
	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];
		const struct run **last = h->ndeny_extra ? &h->deny_extra[h->ndeny_extra - 1] : NULL;

		if (is_none(p) || is_reference(p) || !p->overhead.has || !at_cell(p, &h->deny_cell) ||
		    has_bar(h, p->backend))
			continue;
		if (last && !strcmp((*last)->backend, p->backend)) {
			if (p->overhead.v < (*last)->overhead.v)
				*last = p;
			continue;
		}
		h->deny_extra = xgrow(h->deny_extra, &cap, h->ndeny_extra + 1, sizeof(*h->deny_extra));
		h->deny_extra[h->ndeny_extra++] = p;
	}
}

static void build_headline(struct report *r)
{
	struct headline *h = &r->headline;
	size_t cap = 0;

	h->cell[SC_IN] = pick_cell(r, "open-close", "notify", -1, 1, NULL);
	h->cell[SC_OUT] = pick_cell(r, "open-close", "notify", -1, 0, &h->cell[SC_IN]);
	h->cell[SC_OTHER_FS] = pick_cell(r, "outside-fs", "notify", -1, -1, &h->cell[SC_IN]);
	snprintf(h->base, sizeof(h->base), "headline-overhead-by-scope");
	/* One bar per backend measured in some scope, in backend order; its
	 * strategy: the cheapest in the first scope that has the backend. */
	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];
		size_t k = 0;
		int sc = 0;

		if (is_none(p) || is_reference(p) || !p->overhead.has)
			continue;
		while (sc < SC__COUNT && !at_cell(p, &h->cell[sc]))
			sc++;
		while (k < h->n && strcmp(h->bars[k].backend, p->backend))
			k++;
		if (sc == SC__COUNT || k < h->n)
			continue;
		h->bars = xgrow(h->bars, &cap, h->n + 1, sizeof(*h->bars));
		for (k = h->n++; k > 0 && cmp_named(backend_order, h->bars[k - 1].backend, p->backend) > 0; k--)
			h->bars[k] = h->bars[k - 1];
		h->bars[k] = (struct headline_bar){ .backend = p->backend };
	}
	for (size_t k = 0; k < h->n; k++) {
		struct headline_bar *b = &h->bars[k];

		for (int sc = 0; sc < SC__COUNT && !b->strategy; sc++) {
			const struct run *best = NULL;

			for (size_t i = 0; i < r->nok; i++) {
				const struct run *p = r->ok[i];

				if (strcmp(p->backend, b->backend) || is_reference(p) ||
				    !p->overhead.has || !at_cell(p, &h->cell[sc]))
					continue;
				if (!best || p->overhead.v < best->overhead.v)
					best = p;
			}
			if (best)
				b->strategy = best->strategy;
		}
		for (int sc = 0; sc < SC__COUNT; sc++)
			b->run[sc] = bar_run(r, b, &h->cell[sc]);
	}
	build_deny(r);
}

/* --- instruction counts against wall clock ------------------------------- */

static const struct run *none_at(struct run **v, size_t n, const struct run *p)
{
	for (size_t i = 0; i < n; i++)
		if (is_none(v[i]) && same_cell(v[i], p))
			return v[i];
	return NULL;
}

static bool is_instructions(const struct run *p)
{
	return !strcmp(p->in->time_unit, "instructions");
}

/*
 * Instructions: median / median(none). Wall clock: 1 + the relative overhead,
 * from the paired stats (overhead_pct, with its CI) when the run has them,
 * else the overhead and its CI over the none median. False without a none
 * run (or a none median > 0) to divide by.
 */
static bool make_pair(const struct run *a, const struct run *an, const struct run *b,
		      const struct run *bn, struct pair *p)
{
	const struct run *ic = is_instructions(a) ? a : b, *icn = ic == a ? an : bn;
	const struct run *w = ic == a ? b : a, *wn = ic == a ? bn : an;
	double base;

	if (!icn || !wn || !(icn->median.v > 0) || !(wn->median.v > 0))
		return false;
	base = wn->median.v;
	*p = (struct pair){ .icount = ic, .wall = w, .icount_ratio = ic->median.v / icn->median.v };
	if (w->overhead_pct.has) {
		const struct est *e = &w->overhead_pct;

		p->wall_from_pct = true;
		p->wall_ratio = 1 + e->v / 100;
		p->has_wall_ci = e->has_ci;
		p->wall_lo = 1 + e->lo / 100;
		p->wall_hi = 1 + e->hi / 100;
	} else if (w->overhead.has) {
		const struct est *e = &w->overhead;

		p->wall_ratio = 1 + e->v / base;
		p->has_wall_ci = e->has_ci;
		p->wall_lo = 1 + e->lo / base;
		p->wall_hi = 1 + e->hi / base;
	} else {
		p->wall_ratio = w->median.v / base;
	}
	p->inside = p->has_wall_ci && p->icount_ratio >= p->wall_lo &&
		    p->icount_ratio <= p->wall_hi;
	if (w->rep[RM_WORKLOAD].n && wn->rep[RM_WORKLOAD].n && wn->rep[RM_WORKLOAD].median > 0) {
		double cpu = w->rep[RM_WORKLOAD].median;

		if (w->rep[RM_CONSUMER].n)
			cpu += w->rep[RM_CONSUMER].median;
		p->cpu_ratio = cpu / wn->rep[RM_WORKLOAD].median;
		p->has_cpu = true;
	}
	return true;
}


static int cmp_pair(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	int c;

	if ((c = cmp_series(a->icount, b->icount)))
		return c;
	return cmp_table(&a->icount, &b->icount);
}

static void summarize_pairs(struct report *r)
{
	size_t cap = 0;

	for (size_t i = 0, j; i < r->npairs; i = j) {
		struct pair_series s = { .p = &r->pairs[i], .off_lo = INFINITY, .off_hi = -INFINITY,
					  .cpu_lo = INFINITY, .cpu_hi = -INFINITY };

		for (j = i; j < r->npairs && !cmp_series(r->pairs[i].icount, r->pairs[j].icount); j++) {
			const struct pair *p = &r->pairs[j];
			double off = p->icount_ratio - p->wall_ratio;

			s.n++;
			if (p->has_cpu && p->icount_ratio > 0) {
				s.with_cpu++;
				s.cpu_lo = fmin(s.cpu_lo, p->cpu_ratio / p->icount_ratio);
				s.cpu_hi = fmax(s.cpu_hi, p->cpu_ratio / p->icount_ratio);
			}
			s.with_ci += p->has_wall_ci;
			s.inside += p->inside;
			if (!p->has_wall_ci || p->inside)
				continue;
			s.off_lo = fmin(s.off_lo, off);
			s.off_hi = fmax(s.off_hi, off);
			if (!s.worst || fabs(off) > fabs(s.worst->icount_ratio - s.worst->wall_ratio))
				s.worst = p;
		}
		r->pair_series = xgrow(r->pair_series, &cap, r->npair_series + 1,
				       sizeof(*r->pair_series));
		r->pair_series[r->npair_series++] = s;
	}
}

static void build_pairs(struct report *r)
{
	size_t cap = 0;

	for (size_t i = 0; i < r->nok; i++) {
		const struct run *a = r->ok[i];

		if (is_none(a))
			continue;
		for (size_t k = 0; k < r->nother; k++) {
			const struct run *b = r->other[k];
			struct pair p;

			if (b->burst || strcmp(a->id, b->id) || cmp_series(a, b) || !same_cell(a, b))
				continue;
			if (!make_pair(a, none_at(r->ok, r->nok, a), b, none_at(r->other, r->nother, b), &p))
				continue;
			r->pairs = xgrow(r->pairs, &cap, r->npairs + 1, sizeof(*r->pairs));
			r->pairs[r->npairs++] = p;
		}
	}
	if (r->npairs)
		qsort(r->pairs, r->npairs, sizeof(*r->pairs), cmp_pair);
	summarize_pairs(r);
}

/* --- the lists ----------------------------------------------------------- */

/* Burst runs: by the number of objects reused, then as the tables. */
static int cmp_burst(const void *pa, const void *pb)
{
	const struct run *a = *(struct run *const *)pa, *b = *(struct run *const *)pb;

	if (a->files != b->files)
		return a->files < b->files ? -1 : 1;
	return cmp_table(pa, pb);
}

static void rep_medians(struct run *p)
{
	for (int k = 0; k < RM__COUNT; k++)
		p->rep[k].median = p->rep[k].n ? sb_median(p->rep[k].v, p->rep[k].n) : NAN;
	for (int k = 0; k < CM__COUNT; k++)
		p->count[k].median = p->count[k].n ? sb_median(p->count[k].v, p->count[k].n) : NAN;
}

int report_derive(struct report *r)
{
	r->ok = calloc(r->nruns + 1, sizeof(*r->ok));
	r->bad = calloc(r->nruns + 1, sizeof(*r->bad));
	r->burst = calloc(r->nruns + 1, sizeof(*r->burst));
	r->other = calloc(r->nruns + 1, sizeof(*r->other));
	for (int a = 0; a < AX__COUNT; a++)
		r->by_axis[a] = calloc(r->nruns + 1, sizeof(*r->by_axis[a]));
	if (!r->ok || !r->bad || !r->burst || !r->other || !r->by_axis[AX_RULES] ||
	    !r->by_axis[AX_DEPTH] || !r->by_axis[AX_HIT]) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	for (size_t i = 0; i < r->nruns; i++) {
		struct run *p = &r->runs[i];

		rep_medians(p);
		if (!p->valid)
			r->bad[r->nbad++] = p;
		else if (p->in->paired)
			r->other[r->nother++] = p;
		else if (p->burst)
			r->burst[r->nburst++] = p;
		else
			r->ok[r->nok++] = p;
	}
	qsort(r->ok, r->nok, sizeof(*r->ok), cmp_table);
	qsort(r->bad, r->nbad, sizeof(*r->bad), cmp_table);
	qsort(r->burst, r->nburst, sizeof(*r->burst), cmp_burst);
	qsort(r->other, r->nother, sizeof(*r->other), cmp_table);
	for (size_t i = 0; i < r->nok; i++)
		if (!is_variant(r->ok[i]))
			r->by_axis[0][r->nfig++] = r->ok[i];
	for (int a = 0; a < AX__COUNT; a++) {
		if (a)
			memcpy(r->by_axis[a], r->by_axis[0], r->nfig * sizeof(*r->ok));
		qsort(r->by_axis[a], r->nfig, sizeof(*r->ok), cmp_by_axis[a]);
		build_groups(r, (enum axis)a);
	}
	build_splits(r);
	build_headline(r);
	build_pairs(r);
	if (setup_derive(r))
		return EXIT_OUTPUT;
	return 0;
}

void report_derive_free(struct report *r)
{
	free(r->ok);
	free(r->bad);
	free(r->burst);
	free(r->other);
	for (int a = 0; a < AX__COUNT; a++)
		free(r->by_axis[a]);
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->groups[i].s);
	free(r->groups);
	for (size_t i = 0; i < r->nsplits; i++)
		free(r->splits[i].bars);
	free(r->splits);
	free(r->headline.bars);
	free(r->headline.deny_extra);
	free(r->pairs);
	free(r->pair_series);
	setup_free(r);
}

/*
 * Per-level cost of a depth series: the least-squares slope of the workload
 * thread's CPU time per operation (the filter runs in the workload's system
 * calls; the consumer's work is left out) over the depth. Needs three depths.
 */
bool series_level_slope(const struct series *s, double *slope)
{
	double x[64], y[64], intercept;
	size_t n = 0;

	for (size_t i = 0; i < s->n && n < 64; i++) {
		const struct run *p = s->pts[i];

		if (isnan(p->rep[RM_WORKLOAD].median))
			continue;
		x[n] = p->depth;
		y[n++] = p->rep[RM_WORKLOAD].median;
	}
	return n >= 3 && !sb_linear_fit(x, y, n, slope, &intercept);
}

/* The figure against `ax` of open-close in notify mode with the most series. */
const struct group *main_group(const struct report *r, enum axis ax)
{
	const struct group *best = NULL;

	for (size_t i = 0; i < r->ngroups; i++) {
		const struct group *g = &r->groups[i];

		if (g->axis != ax || !g->cost_fig || strcmp(g->workload, "open-close") ||
		    strcmp(g->mode, "notify"))
			continue;
		if (!best || g->ns > best->ns)
			best = g;
	}
	return best;
}
