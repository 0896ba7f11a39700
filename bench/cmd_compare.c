// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench compare BASE.json NEW.json`: the regression check.
 *
 * Runs are matched by "id" (valid runs only); each matched pair is compared
 * metric by metric with sb_decide() (bench/stats.c), and an LKP-style table
 * is printed:
 *	base ±%stddev  %change  new ±%stddev  p  verdict  id/metric
 * Metrics: median_ns_per_op (samples_ns_per_op), overhead_ns_per_op (the
 * paired estimator of bench/stats.c: the median of the per-repetition
 * differences samples - baseline samples, which are its samples) and every
 * number present on both sides in counters_per_op and counters_per_event
 * (with per-repetition samples from reps_detail[i].counters_per_op /
 * counters_per_event when recorded there; on vm-icount they are shown, not
 * gated: how the scheduler splits time between the threads does not repeat
 * exactly).
 * Lower is better for all of them.
 *
 * A run valid in BASE that NEW lacks, has invalid, or lists unavailable is
 * "lost": named with the reason, and a failure unless --allow-missing.
 *
 * Exit status: 0 no regression and nothing lost (or --allow-missing), 1 a
 * metric regressed past its threshold or a run was lost, 2 bad input
 * (unreadable or wrong-schema file, different box kinds).
 */
#include <argp.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "results.h"
#include "stats.h"

/* An overhead below this fraction of the baseline median is not gated. */
#define OVERHEAD_FLOOR_FRAC 0.01
/*
 * vm-icount: one boot's layout moves a run's instruction count by up to
 * about 0.3 % of its cost, and its overhead with it (a fresh machine's
 * default matrix, results/reproduce/README.md): an overhead change smaller
 * than this fraction of the base run's cost is that, not a regression.
 */
#define ICOUNT_OVERHEAD_FLOOR_FRAC 0.003
/* Event counters: a change of fewer events than this per repetition is noise. */
#define COUNT_FLOOR_EVENTS 2.0

/* A run whose overhead the harness estimated unpaired (stats.h). */
static bool unpaired(json_t *run)
{
	json_t *ov = json_object_get(json_object_get(run, "stats"), "overhead");
	const char *est = json_string_value(json_object_get(ov, "estimator"));

	return est && !strncmp(est, "unpaired", 8);
}

struct opts {
	double threshold_icount;	/* % */
	double alpha;
	double min_effect;		/* % */
	bool changed_only;
	bool allow_missing;		/* lost runs are listed, not failed */
	const char *path[2];		/* BASE, NEW */
	int npaths;
};

struct side {
	const char *path;
	const char *label;		/* "BASE" or "NEW" */
	json_t *root;
	const char *kind, *time_unit, *git, *created;
	json_t *runs;			/* borrowed from root */
	json_t *by_id;			/* id -> run (borrowed references inside) */
};

struct tally {
	size_t runs, metrics, regressions, improvements, same, undecided;
};

static void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void errf(const char *fmt, ...)
{
	va_list ap;

	fputs("subtree-bench compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Load and check one results file; on error print why and the fix. */
static int load_side(struct side *s)
{
	static const char fix[] = "fix: pass a results file written by `subtree-bench run --out FILE`";
	json_error_t je;
	json_t *box, *ver, *run;
	size_t i;

	s->root = json_load_file(s->path, JSON_DECODE_ANY, &je);
	if (!s->root) {
		FILE *f = fopen(s->path, "r");

		if (!f)
			errf("%s (%s): cannot read it: %s; %s", s->path, s->label,
			     strerror(errno), fix);
		else
			errf("%s (%s): not JSON: %s at line %d column %d; %s", s->path,
			     s->label, je.text, je.line, je.column, fix);
		if (f)
			fclose(f);
		return -1;
	}
	if (!json_is_object(s->root)) {
		errf("%s (%s): not a subtree-bench results file (the top level is not an "
		     "object); %s", s->path, s->label, fix);
		return -1;
	}
	if (jstr(s->root, "tool") && strcmp(jstr(s->root, "tool"), "subtree-bench")) {
		errf("%s (%s): written by \"%s\", not subtree-bench; %s", s->path, s->label,
		     jstr(s->root, "tool"), fix);
		return -1;
	}
	ver = json_object_get(s->root, "schema_version");
	if (!json_is_integer(ver) || json_integer_value(ver) != SB_SCHEMA_VERSION) {
		if (json_is_integer(ver))
			errf("%s (%s): schema_version %lld, this subtree-bench reads %d; fix: "
			     "regenerate it with this revision's `subtree-bench run`, or compare "
			     "with the revision that wrote it", s->path, s->label,
			     (long long)json_integer_value(ver), SB_SCHEMA_VERSION);
		else
			errf("%s (%s): no integer \"schema_version\": not a subtree-bench "
			     "results file; %s", s->path, s->label, fix);
		return -1;
	}
	box = json_object_get(s->root, "box");
	s->kind = jstr(box, "kind");
	if (!s->kind) {
		errf("%s (%s): no \"box\" object with a \"kind\"; %s", s->path, s->label, fix);
		return -1;
	}
	if (strcmp(s->kind, "host") && strcmp(s->kind, "vm") && strcmp(s->kind, "vm-icount")) {
		errf("%s (%s): unknown box kind \"%s\" (host, vm or vm-icount); %s", s->path,
		     s->label, s->kind, fix);
		return -1;
	}
	s->time_unit = jstr(box, "time_unit");
	if (!s->time_unit)
		s->time_unit = strcmp(s->kind, "vm-icount") ? "ns" : "instructions";
	s->git = jstr(s->root, "git_revision");
	s->created = jstr(s->root, "created_utc");
	s->runs = json_object_get(s->root, "runs");
	if (!json_is_array(s->runs)) {
		errf("%s (%s): no \"runs\" array; %s", s->path, s->label, fix);
		return -1;
	}
	s->by_id = json_object();
	if (!s->by_id) {
		errf("out of memory");
		return -1;
	}
	json_array_foreach(s->runs, i, run) {
		const char *id = jstr(run, "id");

		if (!json_is_object(run) || !id || !*id) {
			errf("%s (%s): run #%zu has no \"id\"; %s", s->path, s->label, i, fix);
			return -1;
		}
		if (json_object_get(s->by_id, id)) {
			errf("%s (%s): run id \"%s\" appears twice; fix: keep one of them "
			     "(ids name a cell of the sweep and must be unique)", s->path,
			     s->label, id);
			return -1;
		}
		if (json_object_set(s->by_id, id, run)) {
			errf("out of memory");
			return -1;
		}
	}
	return 0;
}

static void free_side(struct side *s)
{
	json_decref(s->by_id);
	json_decref(s->root);
}

/* A run is compared only when the oracle said it was right. */
static bool run_valid(json_t *run, const char **why)
{
	json_t *oracle = json_object_get(run, "oracle");

	*why = NULL;
	if (!json_is_object(oracle)) {
		*why = "no \"oracle\" object";
		return false;
	}
	if (json_is_true(json_object_get(oracle, "valid")))
		return true;
	*why = jstr(oracle, "why");
	if (!*why || !**why)
		*why = "oracle: valid is not true";
	return false;
}

/*
 * The reason s's "unavailable" list gives for backend in mode (any mode
 * when the run names none), or NULL when it does not list it.
 */
static const char *unavailable_reason(const struct side *s, const char *backend,
				      const char *mode)
{
	json_t *e;
	size_t i;

	if (!backend)
		return NULL;
	json_array_foreach(json_object_get(s->root, "unavailable"), i, e) {
		const char *b = jstr(e, "backend"), *m = jstr(e, "mode"), *why = jstr(e, "reason");

		if (b && !strcmp(b, backend) && (!mode || !m || !strcmp(m, mode)))
			return why && *why ? why : "listed unavailable (no reason given)";
	}
	return NULL;
}

/*
 * The numbers of array `key` in run, or NULL with *n = 0 when absent or null
 * (the `none` run has "baseline_samples_ns_per_op": null).
 * -1 when present but not an array of numbers.
 */
static int get_samples(json_t *run, const char *key, double **out, size_t *n)
{
	json_t *arr = json_object_get(run, key), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return -1;
	if (json_array_size(arr) == 0)
		return 0;
	*out = malloc(json_array_size(arr) * sizeof(**out));
	if (!*out)
		return -1;
	json_array_foreach(arr, i, v) {
		if (!json_is_number(v)) {
			free(*out);
			*out = NULL;
			return -1;
		}
		(*out)[i] = json_number_value(v);
	}
	*n = json_array_size(arr);
	return 0;
}

/*
 * Per-repetition samples of a counter, reps_detail[i].<group>.<key>, when
 * every repetition records it as a number (else NULL): with them, counters on
 * wall-clock boxes get a significance test too.
 */
static double *rep_counter_samples(json_t *run, const char *group, const char *key,
				   size_t *n)
{
	json_t *reps = json_object_get(run, "reps_detail"), *r;
	double *x;
	size_t i;

	*n = 0;
	if (!json_is_array(reps) || json_array_size(reps) < 2)
		return NULL;
	x = malloc(json_array_size(reps) * sizeof(*x));
	if (!x)
		return NULL;
	json_array_foreach(reps, i, r) {
		json_t *v = json_object_get(json_object_get(r, group), key);

		if (!json_is_number(v)) {
			free(x);
			return NULL;
		}
		x[i] = json_number_value(v);
	}
	*n = json_array_size(reps);
	return x;
}

struct metric {
	const char *name;		/* e.g. "median_ns_per_op", "task_clock_ns" */
	const char *group;		/* NULL, "counters_per_op", "counters_per_event" */
	double base_value, new_value;
	const double *bs, *ns;		/* samples, may be NULL */
	size_t nbs, nns;
	double noise_floor;
	const char *no_gate;		/* set: reported, never gated, and why */
};

static void fmt_value(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.6g", v);
	else
		snprintf(buf, len, "-");
}

/* "±  1.2%" relative standard deviation of the samples, or blank. */
static void fmt_rsd(char *buf, size_t len, const double *x, size_t n)
{
	double m = sb_mean(x, n), sd = sb_stddev(x, n);

	if (n >= 2 && isfinite(sd) && m != 0)
		snprintf(buf, len, "±%5.2f%%", 100.0 * sd / fabs(m));
	else
		snprintf(buf, len, " ");
}

static void print_header(void)
{
	printf("%14s %7s  %9s  %14s %7s  %8s  %-10s  %s\n", "base", "±%stddev", "%change",
	       "new", "±%stddev", "p", "verdict", "id/metric");
}

static void report_metric(const struct opts *o, bool deterministic, const char *id,
			  const struct metric *m, struct tally *t)
{
	struct sb_decide_params prm = {
		.deterministic = deterministic,
		.threshold_pct = o->threshold_icount,
		.alpha = o->alpha,
		.min_effect_pct = o->min_effect,
		.noise_floor = m->noise_floor,
	};
	struct sb_decision d;
	char bv[32], nv[32], brsd[16], nrsd[16], pct[16], p[16];

	sb_decide(&prm, m->base_value, m->bs, m->nbs, m->new_value, m->ns, m->nns, &d);
	if (m->no_gate && d.verdict != SB_VERDICT_SAME) {
		d.verdict = SB_VERDICT_UNDECIDED;
		d.why = m->no_gate;
	}
	t->metrics++;
	switch (d.verdict) {
	case SB_VERDICT_REGRESSION: t->regressions++; break;
	case SB_VERDICT_IMPROVEMENT: t->improvements++; break;
	case SB_VERDICT_SAME: t->same++; break;
	case SB_VERDICT_UNDECIDED: t->undecided++; break;
	}
	if (o->changed_only && (d.verdict == SB_VERDICT_SAME || d.verdict == SB_VERDICT_UNDECIDED))
		return;

	fmt_value(bv, sizeof(bv), m->base_value);
	fmt_value(nv, sizeof(nv), m->new_value);
	fmt_rsd(brsd, sizeof(brsd), m->bs, m->nbs);
	fmt_rsd(nrsd, sizeof(nrsd), m->ns, m->nns);
	if (isfinite(d.pct_change))
		snprintf(pct, sizeof(pct), "%+.2f%%", d.pct_change);
	else
		snprintf(pct, sizeof(pct), "-");
	if (isfinite(d.p))
		snprintf(p, sizeof(p), "%.2g", d.p);
	else
		snprintf(p, sizeof(p), "-");
	printf("%14s %7s  %9s  %14s %7s  %8s  %-10s  %s/%s%s%s",
	       bv, brsd, pct, nv, nrsd, p, sb_verdict_name(d.verdict), id,
	       m->group ? m->group : "", m->group ? "." : "", m->name);
	if (d.verdict == SB_VERDICT_UNDECIDED)
		printf("  (%s)", d.why);
	putchar('\n');
}

static bool is_event_count(const char *key)
{
	return !strcmp(key, "context_switches") || !strcmp(key, "page_faults") ||
	       !strcmp(key, "cpu_migrations");
}

/* Compare one matched pair of valid runs. -1 on malformed input. */
static int compare_run(const struct opts *o, bool deterministic, const char *id,
		       json_t *b, json_t *n, const struct side *sb, const struct side *sn,
		       struct tally *t)
{
	static const char *const groups[] = { "counters_per_op", "counters_per_event" };
	double *bx = NULL, *bbase = NULL, *nx = NULL, *nbase = NULL;
	double *bdiff = NULL, *ndiff = NULL;
	size_t nbx, nbb, nnx, nnb;
	int ret = -1;
	struct metric m;

	if (get_samples(b, "samples_ns_per_op", &bx, &nbx) ||
	    get_samples(b, "baseline_samples_ns_per_op", &bbase, &nbb)) {
		errf("%s (%s): run \"%s\": samples are not arrays of numbers; fix: "
		     "regenerate the file with `subtree-bench run`", sb->path, sb->label, id);
		goto cleanup;
	}
	if (get_samples(n, "samples_ns_per_op", &nx, &nnx) ||
	    get_samples(n, "baseline_samples_ns_per_op", &nbase, &nnb)) {
		errf("%s (%s): run \"%s\": samples are not arrays of numbers; fix: "
		     "regenerate the file with `subtree-bench run`", sn->path, sn->label, id);
		goto cleanup;
	}
	t->runs++;

	/* Median cost per op: from the raw samples, else the recorded median. */
	memset(&m, 0, sizeof(m));
	m.name = "median_ns_per_op";
	m.base_value = nbx ? sb_median(bx, nbx)
			   : json_number_value(json_object_get(b, "median_ns_per_op"));
	m.new_value = nnx ? sb_median(nx, nnx)
			  : json_number_value(json_object_get(n, "median_ns_per_op"));
	if (!json_object_get(b, "median_ns_per_op") && !nbx)
		m.base_value = NAN;
	if (!json_object_get(n, "median_ns_per_op") && !nnx)
		m.new_value = NAN;
	m.bs = bx;
	m.nbs = nbx;
	m.ns = nx;
	m.nns = nnx;
	report_metric(o, deterministic, id, &m, t);

	/*
	 * Overhead over the interleaved `none` baseline (absent for `none`
	 * itself): the paired estimator of bench/stats.c, the median of the
	 * per-repetition differences, which are its samples.
	 */
	if (nbx && nbb && nnx && nnb) {
		size_t bm = sb_paired_diffs(bx, nbx, bbase, nbb, NULL);
		size_t nm = sb_paired_diffs(nx, nnx, nbase, nnb, NULL);

		bdiff = malloc(bm * sizeof(*bdiff));
		ndiff = malloc(nm * sizeof(*ndiff));
		if (!bdiff || !ndiff) {
			errf("out of memory");
			goto cleanup;
		}
		sb_paired_diffs(bx, nbx, bbase, nbb, bdiff);
		sb_paired_diffs(nx, nnx, nbase, nnb, ndiff);
		memset(&m, 0, sizeof(m));
		m.name = "overhead_ns_per_op";
		m.base_value = sb_median(bdiff, bm);
		m.new_value = sb_median(ndiff, nm);
		m.bs = bdiff;
		m.nbs = bm;
		m.ns = ndiff;
		m.nns = nm;
		if (deterministic)
			m.noise_floor = ICOUNT_OVERHEAD_FLOOR_FRAC * sb_median(bx, nbx);
		if (!(m.base_value > OVERHEAD_FLOOR_FRAC * sb_median(bbase, nbb)))
			m.no_gate = "base overhead below 1% of the baseline: "
				    "relative change not meaningful";
		/*
		 * Not interleaved (an imported hyperfine run): repetition i of
		 * the backend and of `none` are no pair, so neither are their
		 * differences; show the difference of medians, gate nothing.
		 */
		if (unpaired(b) || unpaired(n)) {
			m.base_value = sb_median(bx, nbx) - sb_median(bbase, nbb);
			m.new_value = sb_median(nx, nnx) - sb_median(nbase, nnb);
			m.bs = m.ns = NULL;
			m.nbs = m.nns = 0;
			m.no_gate = "unpaired (repetitions not interleaved with none): "
				    "difference of medians, reported, not gated";
		}
		report_metric(o, deterministic, id, &m, t);
	}

	/* Counters: every number present on both sides (not "unsupported"). */
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		json_t *bc = json_object_get(b, groups[g]), *nc = json_object_get(n, groups[g]);
		json_t *bvj, *nvj;
		double *cbs, *cns;
		const char *key;
		double ops = json_number_value(json_object_get(b, "ops"));

		if (!json_is_object(bc) || !json_is_object(nc))
			continue;
		json_object_foreach(bc, key, bvj) {
			nvj = json_object_get(nc, key);
			if (!json_is_number(bvj) || !json_is_number(nvj))
				continue;
			memset(&m, 0, sizeof(m));
			m.name = key;
			m.group = groups[g];
			m.base_value = json_number_value(bvj);
			m.new_value = json_number_value(nvj);
			if (g == 0 && is_event_count(key) && ops > 0)
				m.noise_floor = COUNT_FLOOR_EVENTS / ops;
			/*
			 * Under icount the time per op repeats; how the scheduler
			 * splits it between workload and consumer (context switches,
			 * consumer and task clock) does not, so those are shown only.
			 */
			if (deterministic)
				m.no_gate = "a counter: reported, not gated on vm-icount";
			cbs = rep_counter_samples(b, groups[g], key, &m.nbs);
			cns = rep_counter_samples(n, groups[g], key, &m.nns);
			m.bs = cbs;
			m.ns = cns;
			report_metric(o, deterministic, id, &m, t);
			free(cbs);
			free(cns);
		}
	}
	ret = 0;
cleanup:
	free(bx);
	free(bbase);
	free(nx);
	free(nbase);
	free(bdiff);
	free(ndiff);
	return ret;
}

static void describe(const struct side *s)
{
	printf("%-4s %s: box %s, unit %s/op, revision %s, created %s\n", s->label, s->path,
	       s->kind, s->time_unit, s->git ? s->git : "?", s->created ? s->created : "?");
}

static int compare(const struct opts *o)
{
	struct side side[2] = {
		{ .path = o->path[0], .label = "BASE" },
		{ .path = o->path[1], .label = "NEW" },
	};
	struct tally t = { 0 };
	bool deterministic;
	size_t i, lost = 0, only_new = 0, invalid = 0;
	json_t *run;
	int ret = SB_EXIT_USAGE;

	if (load_side(&side[0]) || load_side(&side[1]))
		goto cleanup;
	if (strcmp(side[0].kind, side[1].kind)) {
		errf("%s (BASE) comes from a \"%s\" box and %s (NEW) from a \"%s\" box: their "
		     "numbers are not comparable (%s vs %s per op); fix: compare results of "
		     "the same box kind, e.g. re-run NEW with --box %s", side[0].path,
		     side[0].kind, side[1].path, side[1].kind, side[0].time_unit,
		     side[1].time_unit, side[0].kind);
		goto cleanup;
	}
	deterministic = !strcmp(side[0].kind, "vm-icount");

	describe(&side[0]);
	describe(&side[1]);
	if (deterministic)
		printf("rule (%s, deterministic): regression when %%change > +%g%%; "
		       "improvement when < -%g%%\n", side[0].kind, o->threshold_icount,
		       o->threshold_icount);
	else
		printf("rule (%s, wall clock): regression when Welch p < %g and %%change >= "
		       "+%g%%; improvement when p < %g and %%change <= -%g%%\n", side[0].kind,
		       o->alpha, o->min_effect, o->alpha, o->min_effect);
	printf("lower is better for every metric; ±%%stddev: sample stddev / mean of the "
	       "repetitions; value: median of the repetitions (overhead: of the per-repetition "
	       "differences from `none`)\n\n");
	print_header();

	json_array_foreach(side[0].runs, i, run) {
		const char *id = jstr(run, "id"), *bwhy, *nwhy;
		json_t *other = json_object_get(side[1].by_id, id);
		bool bok, nok;

		if (!other)
			continue;
		bok = run_valid(run, &bwhy);
		nok = run_valid(other, &nwhy);
		if (!bok || !nok)
			continue;
		if (compare_run(o, deterministic, id, run, other, &side[0], &side[1], &t))
			goto cleanup;
	}
	/*
	 * Runs not compared, and why. A run valid in BASE that NEW lost
	 * (missing, invalid, or its backend unavailable) fails the gate: a
	 * backend that stops working must not pass as "no regression".
	 */
	json_array_foreach(side[0].runs, i, run) {
		const char *id = jstr(run, "id"), *bwhy, *nwhy = NULL, *unavail;
		json_t *other = json_object_get(side[1].by_id, id);
		bool bok = run_valid(run, &bwhy), nok = other && run_valid(other, &nwhy);

		if (bok && nok)
			continue;
		if (!bok) {
			if (!invalid++)
				printf("\ninvalid in BASE (oracle mismatch; not compared):\n");
			printf("  %s: %s%s%s\n", id, bwhy, nwhy ? "; in NEW too: " : "",
			       nwhy ? nwhy : "");
			continue;
		}
		if (!lost++)
			printf("\nlost: valid in BASE, not comparable in NEW (%s):\n",
			       o->allow_missing ? "allowed by --allow-missing" : "a failure");
		unavail = unavailable_reason(&side[1], jstr(run, "backend"), jstr(run, "mode"));
		if (other)
			printf("  %s: invalid in NEW: %s\n", id, nwhy);
		else if (unavail)
			printf("  %s: unavailable in NEW: %s\n", id, unavail);
		else
			printf("  %s: missing from NEW\n", id);
	}
	json_array_foreach(side[1].runs, i, run) {
		const char *id = jstr(run, "id");

		if (json_object_get(side[0].by_id, id))
			continue;
		if (!only_new++)
			printf("\nonly in NEW (not compared):\n");
		printf("  %s\n", id);
	}

	printf("\n%zu runs compared, %zu metrics: %zu regression%s, %zu improvement%s, "
	       "%zu same, %zu undecided; %zu lost in NEW, %zu invalid in BASE, %zu only in NEW\n",
	       t.runs, t.metrics, t.regressions, t.regressions == 1 ? "" : "s",
	       t.improvements, t.improvements == 1 ? "" : "s", t.same, t.undecided,
	       lost, invalid, only_new);
	if (t.runs == 0)
		printf("warning: no run was compared: the files share no valid run id\n");
	ret = SB_EXIT_OK;
	if (t.regressions) {
		printf("compare: REGRESSION: %zu metric%s past the threshold\n", t.regressions,
		       t.regressions == 1 ? "" : "s");
		ret = SB_EXIT_FAIL;
	}
	if (lost && !o->allow_missing) {
		printf("compare: FAIL: %zu run%s valid in %s %s missing, invalid or unavailable "
		       "in %s (listed above under \"lost\"); fix: make NEW measure %s again, or "
		       "pass --allow-missing if dropping %s is intended\n", lost,
		       lost == 1 ? "" : "s", side[0].path, lost == 1 ? "is" : "are", side[1].path,
		       lost == 1 ? "it" : "them", lost == 1 ? "it" : "them");
		ret = SB_EXIT_FAIL;
	}
	if (ret == SB_EXIT_OK)
		printf("compare: OK: no regression%s\n", lost ?
		       " (runs lost in NEW, allowed by --allow-missing: listed above)" : "");
cleanup:
	fflush(stdout);
	free_side(&side[0]);
	free_side(&side[1]);
	return ret;
}

enum { OPT_THRESHOLD_ICOUNT = 0x100, OPT_ALPHA, OPT_MIN_EFFECT, OPT_ALLOW_MISSING };

static const struct argp_option options[] = {
	{ "threshold-icount", OPT_THRESHOLD_ICOUNT, "PCT", 0,
	  "vm-icount boxes: a metric regressed when it grew by more than PCT % (default 1)", 0 },
	{ "alpha", OPT_ALPHA, "P", 0,
	  "wall-clock boxes: significance level of Welch's t-test (default 0.05)", 0 },
	{ "min-effect", OPT_MIN_EFFECT, "PCT", 0,
	  "wall-clock boxes: smallest change that counts, in % (default 5)", 0 },
	{ "allow-missing", OPT_ALLOW_MISSING, NULL, 0,
	  "runs valid in BASE but missing, invalid or unavailable in NEW are listed, "
	  "not failed (for a NEW that measures less on purpose)", 0 },
	{ "changed-only", 'c', NULL, 0,
	  "print only regressions and improvements (the summary counts everything)", 0 },
	{ 0 }
};

static const char doc[] =
	"Compare two results files (bench/results.h) run by run, matched by \"id\" "
	"(valid runs only), and exit 1 when a metric regressed past its threshold or "
	"when a run valid in BASE is missing, invalid or unavailable in NEW."
	"\v"
	"Metrics: median_ns_per_op, overhead_ns_per_op (the median over repetitions of "
	"the backend minus the `none` run of the same repetition) and the numbers in "
	"counters_per_op / counters_per_event present on both sides; lower is better "
	"for all of them. On vm-icount boxes (deterministic: \"ns\" are instructions) a "
	"metric regressed when it grew by more than --threshold-icount % and, for an "
	"overhead, by more than 0.3 % of the run's cost (how far one boot's layout moves "
	"it: results/reproduce/README.md). An unpaired overhead (an imported hyperfine run, "
	"not interleaved with `none`) is shown as a difference of medians, not gated. On wall-clock "
	"boxes (host, vm) it regressed when Welch's t-test over the repetitions gives "
	"p < --alpha AND it grew by at least --min-effect %; figures without "
	"per-repetition samples (counters, unless reps_detail records them) are "
	"reported as undecided. Improvements are reported and never fail.\n"
	"\n"
	"A run that is valid in BASE and missing from NEW, invalid in NEW (the oracle "
	"found a mismatch), or whose backend NEW lists as unavailable is \"lost\": each "
	"is named with the reason and fails the check, so that a backend that stops "
	"loading or stops being correct does not pass as \"no regression\". "
	"--allow-missing lists them and does not fail. Runs invalid in BASE, and runs "
	"only in NEW, are listed and not compared.\n"
	"\n"
	"Exit status: 0 no regression and no lost run (or --allow-missing), 1 a "
	"regression or a lost run, 2 bad input (unreadable or wrong-schema file, "
	"different box kinds).\n"
	"\n"
	"Examples:\n"
	"  subtree-bench compare results/baseline/quick.json new.json\n"
	"  subtree-bench compare --threshold-icount 0.5 base.json new.json\n"
	"  subtree-bench compare --alpha 0.01 --min-effect 3 -c a.json b.json\n"
	"  # NEW ran --backend fanotify-user only: the other backends are not lost\n"
	"  subtree-bench compare --allow-missing results/baseline/quick.json user.json";

static int parse_double(struct argp_state *state, const char *opt, const char *arg,
			double lo, double hi, bool lo_open, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < lo || v > hi ||
	    (lo_open && v == lo)) {
		argp_error(state, "--%s: '%s' is not a number in %s%g, %g]", opt, arg,
			   lo_open ? "(" : "[", lo, hi);
		return EINVAL;
	}
	*out = v;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case OPT_THRESHOLD_ICOUNT:
		return parse_double(state, "threshold-icount", arg, 0, 1000, false,
				    &o->threshold_icount);
	case OPT_ALPHA:
		return parse_double(state, "alpha", arg, 0, 1, true, &o->alpha);
	case OPT_MIN_EFFECT:
		return parse_double(state, "min-effect", arg, 0, 1000, false, &o->min_effect);
	case OPT_ALLOW_MISSING:
		o->allow_missing = true;
		return 0;
	case 'c':
		o->changed_only = true;
		return 0;
	case ARGP_KEY_ARG:
		if (o->npaths >= 2)
			argp_error(state, "too many files: give BASE.json and NEW.json");
		o->path[o->npaths++] = arg;
		return 0;
	case ARGP_KEY_END:
		if (o->npaths != 2)
			argp_error(state, "give two results files: BASE.json NEW.json");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

int cmd_compare(int argc, char **argv)
{
	struct opts o = {
		.threshold_icount = 1.0,
		.alpha = 0.05,
		.min_effect = 5.0,
	};
	struct argp argp = { options, parse_opt, "BASE.json NEW.json", doc, NULL, NULL, NULL };
	char name[] = "subtree-bench compare", *av0 = argc > 0 ? argv[0] : NULL;
	int err;

	argp_err_exit_status = SB_EXIT_USAGE;
	if (argc > 0)
		argv[0] = name;
	err = argp_parse(&argp, argc, argv, 0, NULL, &o);
	if (argc > 0)
		argv[0] = av0;
	if (err)
		return SB_EXIT_USAGE;
	return compare(&o);
}
