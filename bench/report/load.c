// SPDX-License-Identifier: GPL-2.0
/*
 * Loading: results files (bench/results.h) into struct input and struct run.
 * The only job that reads JSON. A run that cannot be used is listed with
 * the reason (struct skipped); a file that cannot be used stops the report.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../results.h"
#include "report.h"

const char *const oracle_keys[N_ORACLE] = {
	[OR_EXPECTED] = "expected", [OR_DELIVERED] = "delivered", [OR_MISSING] = "missing",
	[OR_UNEXPECTED] = "unexpected", [OR_OVERFLOWS] = "overflows", [OR_MERGED] = "merged",
	[OR_DUPLICATED] = "duplicated", [OR_EXTRA] = "extra",
};

static const char *jstr(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jnum(const json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return isfinite(*out);
}

static bool jint(const json_t *o, const char *key, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	/* A whole real in long long's range (casting one outside it is undefined). */
	if (json_is_real(v) && json_real_value(v) >= -0x1p63 && json_real_value(v) < 0x1p63 &&
	    json_real_value(v) == (double)(long long)json_real_value(v)) {
		*out = (long long)json_real_value(v);
		return true;
	}
	return false;
}

static void add_skip(struct report *r, const char *id, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_skip(struct report *r, const char *id, const char *file, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->skip = xgrow(r->skip, &r->cap_skip, r->nskip + 1, sizeof(*r->skip));
	r->skip[r->nskip++] = (struct skipped){ id, file, xstrdup(buf) };
	errf("%s: run %s: %s", file, id, buf);
}

static void parse_est(const json_t *stats, const char *key, struct est *e)
{
	json_t *o = json_object_get(stats, key), *ci;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(o))
		return;
	e->has = jnum(o, "value", &e->v);
	e->estimator = jstr(o, "estimator");
	ci = json_object_get(o, "ci95");
	if (json_is_array(ci) && json_array_size(ci) == 2 &&
	    json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1))) {
		e->lo = json_number_value(json_array_get(ci, 0));
		e->hi = json_number_value(json_array_get(ci, 1));
		e->has_ci = isfinite(e->lo) && isfinite(e->hi) && e->lo <= e->hi;
	}
}

/* Where the consumer ran, from the first repetition (they all share it). */
static enum drain drain_kind(const json_t *rep)
{
	const json_t *inc = json_object_get(rep, "drain_included");

	if (!json_is_boolean(inc))
		return DRAIN_UNKNOWN;
	if (!json_is_number(json_object_get(rep, "drain_cpu_ns_per_op")))
		return DRAIN_NO_CONSUMER;
	return json_is_true(inc) ? DRAIN_INCLUDED : DRAIN_APART;
}

static void parse_warnings(const json_t *arr, struct run *run)
{
	size_t k, cap = 0;
	json_t *e;

	json_array_foreach(arr, k, e) {
		if (!json_is_string(e))
			continue;
		run->warnings = xgrow(run->warnings, &cap, run->nwarnings + 1,
				      sizeof(*run->warnings));
		run->warnings[run->nwarnings++] = json_string_value(e);
	}
}

/* stats.modes / stats.overhead.modes: shown only when "bimodal" is true and
 * the two modes are there to show. */
static void parse_modes(const json_t *o, struct modes *m)
{
	json_t *arr = json_object_get(o, "modes");

	memset(m, 0, sizeof(*m));
	m->estimator = jstr(o, "modes_estimator");
	if (!json_is_true(json_object_get(o, "bimodal")) || json_array_size(arr) != 2)
		return;
	for (size_t i = 0; i < 2; i++) {
		json_t *e = json_array_get(arr, i);
		struct mode *d = &m->m[i];

		if (!jnum(e, "median", &d->median) || !jint(e, "n", &d->n))
			return;
		if (!jnum(e, "min", &d->min))
			d->min = d->median;
		if (!jnum(e, "max", &d->max))
			d->max = d->median;
	}
	m->bimodal = true;
}

static void push_rep(struct per_rep *p, size_t cap, double v)
{
	if (!p->v) {
		p->v = calloc(cap, sizeof(*p->v));
		if (!p->v) {
			errf("out of memory");
			exit(EXIT_OUTPUT);
		}
	}
	p->v[p->n++] = v;
}

/* reps_detail[i].split, .attach_ns, .loop_ns_per_op and .oracle of the timing repetitions; a field a
 * repetition lacks (older runners, null without a consumer) is left out. */
static void parse_reps(const json_t *reps, struct run *run)
{
	static const char *const split_keys[RM_ORACLE] = {
		[RM_WORKLOAD] = "workload_cpu_ns_per_op",
		[RM_CONSUMER] = "consumer_cpu_ns_per_op",
		[RM_CONSUMER_EVENT] = "consumer_cpu_ns_per_event",
		[RM_REMAINDER] = "remainder_ns_per_op",
		[RM_ATTACH] = NULL,	/* beside split, below */
		[RM_LOOP] = NULL,
	};
	size_t cap = json_array_size(reps), i;
	json_t *rep;

	run->consumer_in_total = -1;
	json_array_foreach(reps, i, rep) {
		json_t *split = json_object_get(rep, "split"), *oracle = json_object_get(rep, "oracle");
		json_t *inc = json_object_get(split, "consumer_in_total");
		double v;
		long long c;

		for (int k = 0; k < RM_ORACLE; k++)
			if (split_keys[k] && jnum(split, split_keys[k], &v))
				push_rep(&run->rep[k], cap, v);
		if (jnum(rep, "attach_ns", &v))
			push_rep(&run->rep[RM_ATTACH], cap, v);
		if (jnum(rep, "loop_ns_per_op", &v))
			push_rep(&run->rep[RM_LOOP], cap, v);
		if (json_is_boolean(inc) && run->consumer_in_total < 0)
			run->consumer_in_total = json_is_true(inc);
		for (int k = 0; k < N_ORACLE; k++)
			if (jint(oracle, oracle_keys[k], &c))
				push_rep(&run->rep[RM_ORACLE + k], cap, (double)c);
	}
}

/* counting_detail[i]'s set-up figures (bench/kmem.h, bench/cmd_run.c); a
 * figure a repetition has as null (no method, no group, no map) is left out. */
static void parse_counting(const json_t *reps, struct run *run)
{
	size_t cap = json_array_size(reps), i;
	json_t *rep;

	json_array_foreach(reps, i, rep) {
		json_t *kmem = json_object_get(rep, "kmem");
		double v;

		if (jnum(kmem, "attach_bytes", &v))
			push_rep(&run->count[CM_KMEM_ATTACH], cap, v);
		if (jnum(kmem, "end_bytes", &v))
			push_rep(&run->count[CM_KMEM_END], cap, v);
		if (!run->kmem_method)
			run->kmem_method = jstr(kmem, "method");
		if (json_is_false(json_object_get(kmem, "settled")))
			run->kmem_unsettled++;
		if (jnum(rep, "marks", &v))
			push_rep(&run->count[CM_MARKS], cap, v);
		if (jnum(rep, "map_bytes", &v))
			push_rep(&run->count[CM_MAP_BYTES], cap, v);
	}
}

/* Which experiment: "distinct" (every operation its own object, also when
 * the file predates the field) or "burst" (`files` objects reused). */
static void parse_regime(const json_t *j, struct run *run)
{
	const char *regime = jstr(j, "regime");

	run->has_regime = regime != NULL;
	if (!jint(j, "files", &run->files))
		run->files = 0;
	run->burst = regime ? !strcmp(regime, "burst") : run->files > 0;
}

/* Fill `run` from its JSON; false (with a reason) when it cannot be used. */
static bool parse_run(const json_t *j, struct run *run, char *why, size_t len)
{
	static const char *const req_str[] = { "backend", "workload", "mode" };
	json_t *oracle, *stats, *valid, *base;

	run->id = jstr(j, "id");
	if (!run->id) {
		snprintf(why, len, "no \"id\" string");
		return false;
	}
	for (size_t i = 0; i < sizeof(req_str) / sizeof(req_str[0]); i++) {
		if (!jstr(j, req_str[i])) {
			snprintf(why, len, "no \"%s\" string", req_str[i]);
			return false;
		}
	}
	run->backend = jstr(j, "backend");
	run->workload = jstr(j, "workload");
	run->mode = jstr(j, "mode");
	run->strategy = jstr(j, "strategy");
	if (!run->strategy || !*run->strategy)
		run->strategy = "-";
	if (!jnum(j, "rules", &run->rules) || !jnum(j, "depth", &run->depth) ||
	    !jnum(j, "hit_ratio", &run->hit)) {
		snprintf(why, len, "\"rules\", \"depth\" and \"hit_ratio\" must be numbers");
		return false;
	}
	run->has_ops = jint(j, "ops", &run->ops);
	run->has_reps = jint(j, "reps", &run->reps);
	base = json_object_get(j, "baseline_samples_ns_per_op");
	run->has_baseline = json_is_array(base) && json_array_size(base) > 0;
	run->drain = drain_kind(json_array_get(json_object_get(j, "reps_detail"), 0));

	oracle = json_object_get(j, "oracle");
	valid = json_object_get(oracle, "valid");
	if (!json_is_object(oracle) || !json_is_boolean(valid)) {
		snprintf(why, len, "no \"oracle\" object with a \"valid\" boolean");
		return false;
	}
	run->valid = json_is_true(valid);
	run->why = jstr(oracle, "why");
	for (int i = 0; i < N_ORACLE; i++)
		run->has_oracle[i] = jint(oracle, oracle_keys[i], &run->oracle[i]);

	stats = json_object_get(j, "stats");
	if (json_is_object(stats)) {
		json_t *out = json_object_get(stats, "outliers");

		run->has_n = jint(stats, "n", &run->n);
		parse_est(stats, "median", &run->median);
		parse_est(stats, "mean", &run->mean);
		parse_est(stats, "stddev", &run->stddev);
		parse_est(stats, "overhead", &run->overhead);
		parse_est(stats, "overhead_pct", &run->overhead_pct);
		parse_modes(stats, &run->modes);
		parse_modes(json_object_get(stats, "overhead"), &run->ovh_modes);
		if (json_is_object(out)) {
			run->has_outliers = jint(out, "count", &run->outliers);
			run->outliers_est = jstr(out, "estimator");
		}
		run->has_stats = run->median.has;
	}
	{
		json_t *ex = json_object_get(j, "exit_status");

		run->has_exit = jint(ex, "checked", &run->exit_checked) &&
				jint(ex, "nonzero", &run->exit_nonzero);
	}
	parse_warnings(json_object_get(j, "warnings"), run);
	parse_reps(json_object_get(j, "reps_detail"), run);
	parse_counting(json_object_get(j, "counting_detail"), run);
	if (!jnum(j, "dirs_in_scope", &run->dirs))
		run->dirs = NAN;
	parse_regime(j, run);
	if (!jint(j, "threads", &run->threads))
		run->threads = 1;
	run->has_count_reps = jint(j, "count_reps", &run->count_reps);
	return true;
}

static void free_run(struct run *run)
{
	free(run->warnings);
	run->warnings = NULL;
	for (int k = 0; k < RM__COUNT; k++) {
		free(run->rep[k].v);
		run->rep[k].v = NULL;
	}
	for (int k = 0; k < CM__COUNT; k++) {
		free(run->count[k].v);
		run->count[k].v = NULL;
	}
}

static int load_input(struct report *r, struct input *in, const char *path)
{
	json_error_t jerr;
	struct stat sb;
	json_t *ver, *box, *runs, *v;
	size_t i, nvalid = 0, ndup = 0, before = r->nruns;

	memset(in, 0, sizeof(*in));
	in->path = path;
	if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) {
		errf("%s: is a directory; fix: pass the results file in it (e.g. %s/results.json)",
		     path, path);
		return -1;
	}
	if (!stat(path, &sb) && sb.st_size == 0) {
		errf("%s: is empty; fix: pass the results.json written by `subtree-bench run`, or re-run the sweep",
		     path);
		return -1;
	}
	in->root = json_load_file(path, 0, &jerr);
	if (!in->root) {
		if (jerr.line <= 0 && access(path, R_OK))
			errf("%s: cannot read: %s; fix: pass the results.json written by `subtree-bench run` (e.g. results/default/results.json)",
			     path, strerror(errno));
		else
			errf("%s: not valid JSON (line %d, column %d: %s); fix: pass the results.json written by `subtree-bench run`, or re-run the sweep if the file was truncated",
			     path, jerr.line, jerr.column, jerr.text);
		return -1;
	}
	if (!json_is_object(in->root)) {
		errf("%s: the top level is not a JSON object; fix: pass a results file written by `subtree-bench run`",
		     path);
		return -1;
	}
	ver = json_object_get(in->root, "schema_version");
	if (!json_is_integer(ver) || json_integer_value(ver) != SB_SCHEMA_VERSION) {
		char got[64];

		if (json_is_integer(ver))
			snprintf(got, sizeof(got), "%lld", (long long)json_integer_value(ver));
		else
			snprintf(got, sizeof(got), "%s", ver ? "not an integer" : "missing");
		errf("%s: schema_version is %s, this report reads schema_version %d; fix: regenerate the file with this revision's `subtree-bench run`, or report it with the revision that wrote it",
		     path, got, SB_SCHEMA_VERSION);
		return -1;
	}
	box = json_object_get(in->root, "box");
	in->kind = jstr(box, "kind");
	if (!json_is_object(box) || !in->kind) {
		errf("%s: no \"box\" object with a \"kind\"; fix: regenerate the file with `subtree-bench run`",
		     path);
		return -1;
	}
	in->kernel = jstr(box, "kernel");
	in->kernel_build = jstr(box, "kernel_build");
	in->cpu = jstr(box, "cpu_model");
	in->time_unit = jstr(box, "time_unit");
	if (!in->time_unit)
		in->time_unit = "ns";
	in->has_cores = jint(box, "cores", &in->cores);
	in->git = jstr(in->root, "git_revision");
	in->created = jstr(in->root, "created_utc");
	in->cmdline = jstr(in->root, "command_line");
	/* Runs pair across kinds of box and repeat within one (check_merge). */
	in->paired = in != r->in && strcmp(in->kind, r->in[0].kind);

	runs = json_object_get(in->root, "runs");
	if (!json_is_array(runs)) {
		errf("%s: no \"runs\" array; fix: regenerate the file with `subtree-bench run`", path);
		return -1;
	}
	json_array_foreach(runs, i, v) {
		struct run run = { .in = in };
		char why[256];
		bool dup = false;

		if (!json_is_object(v) || !parse_run(v, &run, why, sizeof(why))) {
			char idx[32];

			snprintf(idx, sizeof(idx), "#%zu", i);
			add_skip(r, run.id ? run.id : "(no id)", path, "not shown: %s (run %s)",
				 json_is_object(v) ? why : "not an object", idx);
			free_run(&run);
			continue;
		}
		for (size_t k = 0; k < r->nruns && !dup; k++)
			dup = r->runs[k].in->paired == in->paired && !strcmp(r->runs[k].id, run.id);
		if (dup) {
			ndup += run.valid;
			add_skip(r, run.id, path,
				 "not shown: the same run id came earlier (first file wins)");
			free_run(&run);
			continue;
		}
		if (run.valid && !run.has_stats) {
			add_skip(r, run.id, path,
				 "not shown: no \"stats\" object with a median (the results predate bench/stats.c)");
			free_run(&run);
			continue;
		}
		r->runs = xgrow(r->runs, &r->cap_runs, r->nruns + 1, sizeof(*r->runs));
		r->runs[r->nruns++] = run;
		nvalid += run.valid;
	}
	if (!nvalid) {
		if (ndup)
			errf("%s: no valid runs of its own: every valid run repeats a run id from an earlier file; fix: pass each results file once",
			     path);
		else
			errf("%s: no valid runs: none of its %zu run(s) passed the oracle with statistics (%zu failed the oracle); fix: re-run the sweep, and see why runs fail with `subtree-bench run -v`",
			     path, json_array_size(runs), r->nruns - before);
		return -1;
	}
	return 0;
}

/* A valid monitored run of the first kind of box with a valid twin (the
 * same id) from the paired kind: something for the pairing section. */
static bool any_pair(const struct report *r)
{
	for (size_t i = 0; i < r->nruns; i++) {
		const struct run *a = &r->runs[i];

		if (a->in->paired || !a->valid || !strcmp(a->backend, "none"))
			continue;
		for (size_t k = 0; k < r->nruns; k++)
			if (r->runs[k].in->paired && r->runs[k].valid && !strcmp(r->runs[k].id, a->id))
				return true;
	}
	return false;
}

/*
 * Files of one kind of box merge. Another kind merges only as the other
 * side of "Instruction counts and wall clock": one kind, in the other unit,
 * with runs to pair; its figures are never mixed with the first kind's.
 */
static int check_merge(const struct report *r)
{
	const struct input *a = &r->in[0], *other = NULL;

	for (int i = 1; i < r->nin; i++) {
		const struct input *b = &r->in[i];
		bool instr_a = !strcmp(a->time_unit, "instructions");
		bool instr_b = !strcmp(b->time_unit, "instructions");

		if (b->paired && (instr_a == instr_b || (other && strcmp(other->kind, b->kind)))) {
			errf("refusing to merge %s (box kind \"%s\") with %s (box kind \"%s\"): figures from different kinds of box are not comparable; fix: report them separately (one `report` per box kind)",
			     a->path, a->kind, b->path, b->kind);
			return -1;
		}
		if (b->paired) {
			other = b;
			continue;
		}
		if (strcmp(a->time_unit, b->time_unit)) {
			errf("refusing to merge %s (time unit \"%s\") with %s (time unit \"%s\"); fix: report them separately",
			     a->path, a->time_unit, b->path, b->time_unit);
			return -1;
		}
	}
	if (other && !any_pair(r)) {
		errf("refusing to merge %s (box kind \"%s\") with %s (box kind \"%s\"): figures from different kinds of box are not comparable, and no valid run of one has the same id as a run of the other to pair instruction counts with wall clock; fix: report them separately (one `report` per box kind), or pass results of the same matrix from both boxes",
		     a->path, a->kind, other->path, other->kind);
		return -1;
	}
	return 0;
}

static int cmp_unavail(const void *pa, const void *pb)
{
	const struct unavail *a = pa, *b = pb;
	int c;

	if ((c = cmp_named(backend_order, a->backend, b->backend)) ||
	    (c = cmp_named(mode_order, a->mode, b->mode)) || (c = strcmp(a->reason, b->reason)))
		return c;
	return strcmp(a->file, b->file);
}

static bool same_unavail(const struct unavail *a, const struct unavail *b)
{
	return !strcmp(a->backend, b->backend) && !strcmp(a->mode, b->mode) &&
	       !strcmp(a->reason, b->reason);
}

/* Every file's "unavailable" list, sorted; the same entry from another file once. */
static void load_unavailable(struct report *r)
{
	struct unavail *u = NULL;
	size_t n = 0, cap = 0, kept = 0;

	for (int i = 0; i < r->nin; i++) {
		json_t *arr = json_object_get(r->in[i].root, "unavailable"), *e;
		size_t k;

		json_array_foreach(arr, k, e) {
			u = xgrow(u, &cap, n + 1, sizeof(*u));
			u[n].backend = jstr(e, "backend") ? jstr(e, "backend") : "?";
			u[n].mode = jstr(e, "mode") ? jstr(e, "mode") : "-";
			u[n].reason = jstr(e, "reason") ? jstr(e, "reason") : "(no reason recorded)";
			u[n].file = r->in[i].path;
			n++;
		}
	}
	if (n)
		qsort(u, n, sizeof(*u), cmp_unavail);
	for (size_t i = 0; i < n; i++)
		if (!kept || !same_unavail(&u[i], &u[kept - 1]))
			u[kept++] = u[i];
	r->unavail = u;
	r->nunavail = kept;
}

int report_load(struct report *r)
{
	r->in = calloc(r->nfiles, sizeof(*r->in));
	if (!r->in) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	for (int i = 0; i < r->nfiles; i++) {
		r->nin = i + 1;
		if (load_input(r, &r->in[i], r->files[i]))
			return EXIT_INPUT;
	}
	if (check_merge(r))
		return EXIT_INPUT;
	r->unit = !strcmp(r->in[0].time_unit, "instructions") ? "instructions/op" : "ns/op";
	load_unavailable(r);
	return 0;
}

void report_load_free(struct report *r)
{
	for (size_t i = 0; i < r->nruns; i++)
		free_run(&r->runs[i]);
	free(r->runs);
	for (int i = 0; i < r->nin; i++)
		json_decref(r->in[i].root);
	free(r->in);
	for (size_t i = 0; i < r->nskip; i++)
		free(r->skip[i].reason);
	free(r->skip);
	free(r->unavail);
}
