// SPDX-License-Identifier: GPL-2.0
/*
 * The proposal's open question, in one table: a per-filesystem mark with an
 * in-kernel filter (walk, tag), per-directory marks or watches (managed from
 * user space; inherited in the kernel), or BPF LSM (walk, tag). One row per
 * approach, each from this set's own runs: the overhead over `none` in the
 * three headline places, how it moves along the rules and the depth figures,
 * the attach and the kernel memory at the most rules, and the events the
 * directory-entry workloads lost. An approach with no run says so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct approach {
	const char *what;		/* the approach, as the question names it */
	const char *backend, *strategy;
	bool fs_filter;			/* a per-filesystem mark with an in-kernel filter */
	const char *absent;		/* why no run can exist yet, or NULL */
};

static const struct approach approaches[] = {
	{ "per-filesystem mark + module filter", "fanotify-kmod", "walk", true, NULL },
	{ "per-filesystem mark + module filter", "fanotify-kmod", "tag", true, NULL },
	{ "per-filesystem mark + BPF filter", "fanotify-bpf", "walk", true, NULL },
	{ "per-filesystem mark + BPF filter", "fanotify-bpf", "tag", true, NULL },
	{ "per-directory marks, managed from user space", "fanotify-dirmarks", "tag", false, NULL },
	{ "per-directory watches, managed from user space (recursive inotify)", "inotify", "tag",
	  false, NULL },
	{ "per-directory marks, inherited in the kernel", "fanotify-inherit", "-", false,
	  "not built: the series has no mark inheritance on mkdir yet" },
	{ "BPF LSM", "bpf-lsm", "walk", false, NULL },
	{ "BPF LSM", "bpf-lsm", "tag", false, NULL },
};

/* The workloads whose races lose events (directories made, moved, removed). */
static const char *const race_workloads[] = {
	"create-unlink", "mkdir-rmdir", "rename", "mkdir-tree", "rename-storm",
};

#define N_ARRAY(a) (sizeof(a) / sizeof((a)[0]))

static bool is_approach(const struct run *p, const struct approach *a)
{
	return !strcmp(p->backend, a->backend) && !strcmp(p->strategy, a->strategy) &&
	       !strcmp(p->mode, "notify") && !is_variant(p) && !p->burst && !p->in->paired;
}

/* a's run at the headline cell c, or NULL. */
static const struct run *at_cell(const struct report *r, const struct approach *a,
				 const struct headline_cell *c)
{
	if (!c->found)
		return NULL;
	for (size_t i = 0; i < r->nok; i++) {
		const struct run *p = r->ok[i];

		if (is_approach(p, a) && !strcmp(p->workload, c->workload) && p->rules == c->rules &&
		    p->depth == c->depth && p->hit == c->hit && p->overhead.has)
			return p;
	}
	return NULL;
}

/* a's series in group g, or NULL. */
static const struct series *series_of(const struct group *g, const struct approach *a)
{
	if (!g)
		return NULL;
	for (size_t k = 0; k < g->ns; k++)
		if (!g->s[k].is_none && g->s[k].n && is_approach(g->s[k].pts[0], a))
			return &g->s[k];
	return NULL;
}

/* "+a → +b": the overhead at the series' first and last points with one. */
static void growth_cell(FILE *f, const struct series *s)
{
	const struct run *lo = NULL, *hi = NULL;

	for (size_t i = 0; s && i < s->n; i++) {
		if (!s->pts[i]->overhead.has)
			continue;
		if (!lo)
			lo = s->pts[i];
		hi = s->pts[i];
	}
	if (!lo || lo == hi) {
		fputs("—", f);
		return;
	}
	fprintf(f, "%s%s → %s%s", lo->overhead.v > 0 ? "+" : "", NUM(lo->overhead.v),
		hi->overhead.v > 0 ? "+" : "", NUM(hi->overhead.v));
}

static void overhead_cell(FILE *f, const struct run *p)
{
	if (!p) {
		fputs("—", f);
		return;
	}
	fprintf(f, "%s%s", p->overhead.v > 0 ? "+" : "", NUM(p->overhead.v));
	if (p->overhead.has_ci)
		fprintf(f, " [%s, %s]", NUM(p->overhead.lo), NUM(p->overhead.hi));
}

struct lost {
	long long missing, expected;
	size_t nw, nruns, invalid;	/* workloads and runs measured, runs that failed the oracle */
};

/* The events a's runs of the race workloads lost (every cell): missing of expected, summed. */
static struct lost lost_of(const struct report *r, const struct approach *a)
{
	struct lost l = { 0 };

	for (size_t w = 0; w < N_ARRAY(race_workloads); w++) {
		bool seen = false;

		for (size_t i = 0; i < r->nok + r->nbad; i++) {
			const struct run *p = i < r->nok ? r->ok[i] : r->bad[i - r->nok];

			if (!is_approach(p, a) || strcmp(p->workload, race_workloads[w]) ||
			    !p->has_oracle[OR_MISSING] || !p->has_oracle[OR_EXPECTED])
				continue;
			seen = true;
			l.nruns++;
			l.invalid += !p->valid;
			l.missing += p->oracle[OR_MISSING];
			l.expected += p->oracle[OR_EXPECTED];
		}
		l.nw += seen;
	}
	return l;
}

static void lost_cell(FILE *f, const struct report *r, const struct approach *a)
{
	struct lost l = lost_of(r, a);

	if (!l.nw) {
		fputs("—", f);
		return;
	}
	fprintf(f, "%lld of %lld in %zu workload%s", l.missing, l.expected, l.nw, l.nw == 1 ? "" : "s");
	if (l.invalid)
		fprintf(f, " (%zu of %zu run%s failed the oracle)", l.invalid, l.nruns, l.nruns == 1 ? "" : "s");
}

/* The attach at the most rules of the rules figure, and the memory it added. */
static void setup_cells(FILE *f, const struct series *s)
{
	const struct run *p = s && s->n ? s->pts[s->n - 1] : NULL;

	if (!p || !p->rep[RM_ATTACH].n)
		fputs("—", f);
	else if (isfinite(p->dirs))
		fprintf(f, "%s at %s rules, %s directories", NUM(p->rep[RM_ATTACH].median),
			PAR(p->rules), PAR(p->dirs));
	else
		fprintf(f, "%s at %s rules", NUM(p->rep[RM_ATTACH].median), PAR(p->rules));
	fputs(" | ", f);
	if (p && p->count[CM_KMEM_ATTACH].n)
		fputs(NUM(p->count[CM_KMEM_ATTACH].median / 1024), f);
	else
		fputs("—", f);
}

static bool measured(const struct report *r, const struct approach *a)
{
	for (size_t i = 0; i < r->nok + r->nbad; i++)
		if (is_approach(i < r->nok ? r->ok[i] : r->bad[i - r->nok], a))
			return true;
	return false;
}

/* The approach (its row) of run p, or NULL. */
static const struct approach *approach_of(const struct run *p)
{
	for (size_t i = 0; i < N_ARRAY(approaches); i++)
		if (is_approach(p, &approaches[i]))
			return &approaches[i];
	return NULL;
}

/* ", which loses events (below)", when it lost some in the directory-entry workloads. */
static void say_lossy(FILE *f, const struct report *r, const struct run *p)
{
	const struct approach *a = approach_of(p);
	struct lost l = a ? lost_of(r, a) : (struct lost){ 0 };

	if (l.missing)
		fputs(", which loses events (below)", f);
}

/* The other approaches at cell c whose overhead CI overlaps best's: a tie. */
static void say_ties(FILE *f, const struct report *r, const struct headline_cell *c,
		     const struct run *best)
{
	size_t n = 0;

	for (size_t i = 0; i < N_ARRAY(approaches); i++) {
		const struct run *p = at_cell(r, &approaches[i], c);

		if (!p || p == best || !ci_overlap(&p->overhead, &best->overhead))
			continue;
		fprintf(f, "%s%s", n++ ? ", " : ", tied within the 95 % CIs with ", LABEL(p));
		say_lossy(f, r, p);
	}
}

/*
 * What the table says: in each place the cheapest approach, and beside it the
 * cheapest per-filesystem filter; then which approaches lost events.
 */
static void say_answer(FILE *f, const struct report *r)
{
	static const char *const lead[SC__COUNT] = {
		"In scope", "Out of scope on the monitored filesystem", "On another filesystem",
	};
	const struct headline *h = &r->headline;
	size_t nlossy = 0, nclean = 0;

	for (int sc = 0; sc < SC__COUNT; sc++) {
		const struct run *best = NULL, *best_fs = NULL;
		size_t n = 0;

		for (size_t i = 0; i < N_ARRAY(approaches); i++) {
			const struct run *p = at_cell(r, &approaches[i], &h->cell[sc]);

			if (!p)
				continue;
			n++;
			if (!best || p->overhead.v < best->overhead.v)
				best = p;
			if (approaches[i].fs_filter && (!best_fs || p->overhead.v < best_fs->overhead.v))
				best_fs = p;
		}
		if (!best)
			continue;
		fprintf(f, "- %s, the %s is %s (%s%s", lead[sc],
			n == 1 ? "only approach measured" : "cheapest approach", LABEL(best),
			best->overhead.v > 0 ? "+" : "", NUM(best->overhead.v));
		if (ci_has_zero(&best->overhead))
			fputs(", not distinguishable from `none`", f);
		fputc(')', f);
		say_lossy(f, r, best);
		say_ties(f, r, &h->cell[sc], best);
		if (best_fs == best)
			fputs("; it is a per-filesystem filter", f);
		else if (best_fs && best->overhead.v > 0)
			fprintf(f, "; the cheapest per-filesystem filter, %s, adds %s%s, %s times as much",
				LABEL(best_fs), best_fs->overhead.v > 0 ? "+" : "", NUM(best_fs->overhead.v),
				NUM(best_fs->overhead.v / best->overhead.v));
		else if (best_fs)
			fprintf(f, "; the cheapest per-filesystem filter, %s, adds %s%s", LABEL(best_fs),
				best_fs->overhead.v > 0 ? "+" : "", NUM(best_fs->overhead.v));
		fputs(".\n", f);
	}
	for (size_t i = 0; i < N_ARRAY(approaches); i++) {
		struct lost l = lost_of(r, &approaches[i]);

		if (!l.nw)
			continue;
		if (!l.missing) {
			nclean++;
			continue;
		}
		fprintf(f, "%s%s/%s lost %lld of %lld", nlossy ? "; " : "- Events lost in the directory-entry workloads: ",
			approaches[i].backend, approaches[i].strategy, l.missing, l.expected);
		nlossy++;
	}
	if (nlossy && nclean)
		fprintf(f, "; the other %zu approach%s measured there lost none.\n", nclean,
			nclean == 1 ? "" : "es");
	else if (nlossy)
		fputs(".\n", f);
	else if (nclean)
		fputs("- No approach measured in the directory-entry workloads lost an event.\n", f);
	fputc('\n', f);
}

/* "from X to Y (fixed)" of group g, for the method sentence. */
static void say_axis(FILE *f, const struct group *g, const char *name)
{
	if (!g)
		fprintf(f, "no open-close figure against %s", name);
	else
		fprintf(f, "%s from %s to %s (%s)", name, PAR(g->xmin), PAR(g->xmax), FW(g));
}

void md_question(FILE *f, const struct report *r)
{
	const struct headline *h = &r->headline;
	const struct group *gr = main_group(r, AX_RULES), *gd = main_group(r, AX_DEPTH);
	bool any = false;

	for (size_t i = 0; i < N_ARRAY(approaches) && !any; i++)
		any = measured(r, &approaches[i]);
	if (!any)
		return;
	fputs("## The question: per-filesystem filter, per-directory marks or BPF LSM\n\n", f);
	fputs("Does a per-filesystem mark with an in-kernel filter scale to many rules, or do "
	      "per-directory marks, and how do both compare with BPF LSM? Each row is one approach "
	      "in one strategy, from this set's runs, in notify mode: its overhead over `none` ", f);
	fprintf(f, "(%s) with its 95 %% CI in scope (%s), out of scope on the monitored filesystem "
		"(%s) and on another filesystem (%s); ", r->unit, CW(&h->cell[SC_IN]),
		CW(&h->cell[SC_OUT]), CW(&h->cell[SC_OTHER_FS]));
	fputs("the overhead at the ends of the figures against ", f);
	say_axis(f, gr, "rules");
	fputs(" and against ", f);
	say_axis(f, gd, "depth");
	fputs("; the attach (`attach_ns`) at the most rules of that figure (a run that failed the "
	      "oracle is not in it: the cell says at how many rules), with the directories in "
	      "scope, and the kernel memory it added (KiB, the counting pass; the set-up section "
	      "has every point); and the events lost by the directory-entry workloads (", f);
	for (size_t w = 0; w < N_ARRAY(race_workloads); w++)
		fprintf(f, "%s%s", w ? ", " : "", race_workloads[w]);
	fputs("): the oracle's missing events of all their repetitions, of those expected. "
	      "A dash: not measured.\n\n", f);
	fprintf(f, "| approach | backend | strategy | in scope | out of scope | other filesystem | "
		   "overhead vs rules | overhead vs depth | attach (%s) | kernel memory at attach "
		   "(KiB) | events lost |\n", strcmp(r->unit, "instructions/op") ? "ns" : "instructions");
	fputs("|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t i = 0; i < N_ARRAY(approaches); i++) {
		const struct approach *a = &approaches[i];

		fputs("| ", f);
		md_text(f, a->what);
		fputs(" | ", f);
		md_text(f, a->backend);
		fputs(" | ", f);
		md_text(f, a->strategy);
		fputs(" | ", f);
		if (!measured(r, a)) {
			fprintf(f, "%s | | | | | | | |\n", a->absent ? a->absent : "not measured in this set");
			continue;
		}
		for (int sc = 0; sc < SC__COUNT; sc++) {
			overhead_cell(f, at_cell(r, a, &h->cell[sc]));
			fputs(" | ", f);
		}
		growth_cell(f, series_of(gr, a));
		fputs(" | ", f);
		growth_cell(f, series_of(gd, a));
		fputs(" | ", f);
		setup_cells(f, series_of(gr, a));
		fputs(" | ", f);
		lost_cell(f, r, a);
		fputs(" |\n", f);
	}
	fputc('\n', f);
	say_answer(f, r);
}
