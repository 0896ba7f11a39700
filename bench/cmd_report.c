// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench report [--out-dir DIR] [--title T] RESULTS.json...`
 *
 * Reads results files (bench/results.h), merges their runs and writes, under
 * DIR: one gnuplot data file (.dat) and script (.gp) per figure, the figures
 * themselves (PNG + SVG, by running gnuplot on the script; the styling lives
 * in the templates scripts/plot/cost.gp and overhead.gp) and REPORT.md.
 *
 * Figures: for each workload and mode, cost per operation (and overhead over
 * `none`) against rules, depth or hit ratio, one per combination of the other
 * two, drawn when some backend/strategy was measured at two or more values;
 * named <workload>-<mode>[-overhead]-vs-rules-depth<D>-hit<H> (or
 * -vs-depth-rules<R>-hit<H>, -vs-hit-rules<R>-depth<D>).
 *
 * Every number comes from the results: medians, CIs, overheads and the
 * estimator strings from each run's "stats" object (bench/stats.c). The
 * "what the figures show" sentences are derived from the same numbers by the
 * code below (ratios and CI overlaps only), never written by hand.
 *
 * Output is deterministic: the same results give byte-identical .dat, .gp
 * and REPORT.md files (total sort orders, no clocks), so `make report`
 * reproduces a committed REPORT.md exactly.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "results.h"

/* cmd.h: 0 done; 1 an output could not be written or gnuplot failed; 2 bad
 * arguments or an unusable results file (nothing was reported). */
enum { EXIT_OUTPUT = SB_EXIT_FAIL, EXIT_INPUT = SB_EXIT_USAGE };
enum axis { AX_RULES, AX_DEPTH, AX_HIT, AX__COUNT };	/* a figure's x axis */
enum fig { FIG_COST, FIG_OVERHEAD };

/* Display and sort orders; names not listed sort after these, by name. */
static const char *const backend_order[] = {
	"none", "fanotify-user", "fanotify-dirmarks", "fanotify-kmod",
	"fanotify-bpf", "bpf-lsm", "bpf-fentry", NULL,
};
static const char *const backend_color[] = {	/* same index as above */
	"#555555", "#d62728", "#ff7f0e", "#1f77b4",
	"#2ca02c", "#9467bd", "#8c564b", NULL,
};
static const char *const extra_color[] = {
	"#e377c2", "#17becf", "#bcbd22", "#7f7f7f", NULL,
};
static const char *const strategy_order[] = {
	"-", "walk", "loop", "tag", "cache", NULL,
};
static const int strategy_pt[] = { 6, 7, 5, 9, 13, 11 };	/* last: others */
static const int strategy_dt[] = { 1, 1, 4, 5, 3, 1 };	/* none uses 2 */
static const char *const workload_order[] = {
	"open-close", "create-unlink", "mkdir-rmdir", "rename", "outside-fs", NULL,
};
static const char *const mode_order[] = { "notify", "deny", NULL };

struct input {
	const char *path;
	json_t *root;
	const char *kind, *kernel, *kernel_build, *cpu, *time_unit;
	const char *git, *created, *cmdline;
	long long cores;
	bool has_cores;
};

struct est {			/* a number with its optional CI */
	bool has, has_ci;
	double v, lo, hi;
	const char *estimator;
};

struct run {
	const struct input *in;
	json_t *j;
	const char *id, *backend, *strategy, *workload, *mode;
	double rules, depth, hit;
	long long ops, reps, n;
	bool has_ops, has_reps, has_n, valid, has_stats, has_baseline;
	enum { DRAIN_UNKNOWN, DRAIN_NO_CONSUMER, DRAIN_INCLUDED, DRAIN_APART } drain;
	struct est median, mean, stddev, overhead;
	long long outliers;
	bool has_outliers;
	const char *outliers_est;
	long long oracle[5];	/* expected delivered missing unexpected overflows */
	bool has_oracle[5];
	const char *why;
};

static const char *const oracle_keys[5] = {
	"expected", "delivered", "missing", "unexpected", "overflows",
};

struct skipped {
	const char *id, *file;
	char *reason;
};

struct series {
	struct run **pts;	/* sorted by x */
	size_t n;
	size_t n_ovh;		/* points with an overhead value */
	bool is_none;
};

struct group {			/* one figure's worth of runs */
	enum axis axis;
	const char *workload, *mode;
	enum axis fixed_ax[2];	/* the parameters held fixed in this figure */
	double fixed[2];
	struct series *s;
	size_t ns;
	struct series *floor;	/* the `none` series, or NULL */
	double xmin, xmax;	/* over the monitored (non-none) series */
	bool cost_fig, ovh_fig;
	char base[320];		/* file name stem of the cost figure */
	char ovh_base[320];
};

struct strlist {
	const char **v;
	size_t n, cap;
};

struct report {
	const char *out_dir, *title, *report_md, *templates;
	bool no_plots;
	char **files;
	int nfiles;

	struct input *in;
	int nin;
	struct run *runs;
	size_t nruns, cap_runs;
	struct run **ok;	/* valid, with stats: the tables and figures */
	size_t nok;
	struct run **bad;	/* failed the oracle */
	size_t nbad;
	struct skipped *skip;
	size_t nskip, cap_skip;
	struct run **by_axis[AX__COUNT];
	struct group *groups;
	size_t ngroups, cap_groups;
	const char *unit;	/* "ns/op" or "instructions/op" */
	char *dir;		/* out_dir as given or derived */
};

/* --- small helpers --------------------------------------------------- */

static void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errf(const char *fmt, ...)
{
	va_list ap;

	fputs("subtree-bench report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	np = realloc(p, ncap * size);
	if (!np) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	*cap = ncap;
	return np;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	return d;
}

static int rank(const char *const *tbl, const char *s)
{
	for (int i = 0; tbl[i]; i++)
		if (!strcmp(tbl[i], s))
			return i;
	return INT_MAX;
}

static int cmp_named(const char *const *tbl, const char *a, const char *b)
{
	int ra = rank(tbl, a), rb = rank(tbl, b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(a, b);
}

static int cmp_dbl(double a, double b)
{
	return (a > b) - (a < b);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jnum(json_t *o, const char *key, double *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return isfinite(*out);
}

static bool jint(json_t *o, const char *key, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v)) {
		*out = (long long)json_real_value(v);
		return true;
	}
	return false;
}

/* Numbers as people read them; the same double always prints the same. */
static const char *fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (v == 0)
		v = 0;		/* no "-0" */
	if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else if (a >= 1 || a == 0)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

#define NUM(v) fmt_num((char[32]){ 0 }, 32, (v))

/* A parameter value (rules, depth, hit ratio): shortest exact form. */
#define PAR(v) fmt_par((char[32]){ 0 }, 32, (v))
static const char *fmt_par(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.10g", v);
	return buf;
}

/* Markdown table cell / inline text: no pipes, no line breaks. */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* Inline code: backticks inside become quotes. */
static void md_code(FILE *f, const char *s)
{
	fputc('`', f);
	for (; s && *s; s++) {
		if (*s == '`')
			fputc('\'', f);
		else if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('`', f);
}

/* A gnuplot string literal. */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A file-name component: [A-Za-z0-9._-], anything else becomes '_'. */
static void name_part(char *dst, size_t len, const char *s)
{
	size_t i = 0;

	for (; *s && i + 1 < len; s++, i++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
		dst[i] = ok ? c : '_';
	}
	dst[i] = '\0';
}

static void strlist_add_unique(struct strlist *l, const char *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

static bool ci_overlap(const struct est *a, const struct est *b)
{
	return a->has_ci && b->has_ci && a->lo <= b->hi && b->lo <= a->hi;
}

static bool ci_has_zero(const struct est *e)
{
	return e->has_ci && e->lo <= 0 && e->hi >= 0;
}

static const char *series_label(const struct run *r, char *buf, size_t len)
{
	if (!strcmp(r->backend, "none") || !strcmp(r->strategy, "-"))
		snprintf(buf, len, "%s", r->backend);
	else
		snprintf(buf, len, "%s/%s", r->backend, r->strategy);
	return buf;
}

#define LABEL(r) series_label((r), (char[160]){ 0 }, 160)

static bool is_none(const struct run *r)
{
	return !strcmp(r->backend, "none");
}

/* Write a whole file atomically: DIR/name.tmp then rename. */
static int write_file(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	FILE *f;
	int ret = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errf("%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		errf("cannot write %s: %s; fix: check that the directory exists and is writable",
		     tmp, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len) {
		errf("cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		goto cleanup;
	}
	if (fclose(f)) {
		errf("cannot write %s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	if (rename(tmp, path)) {
		errf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	if (ret)
		unlink(tmp);
	return ret;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

static char *dir_of(const char *path)
{
	char *d = xstrdup(path);
	char *slash = strrchr(d, '/');

	if (!slash) {
		free(d);
		return xstrdup(".");
	}
	if (slash == d)
		slash[1] = '\0';
	else
		*slash = '\0';
	return d;
}

/* The relative path from directory `from` to directory `to`, with a trailing
 * '/' unless empty. Both must exist. */
static int rel_dir(const char *from, const char *to, char *out, size_t len)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t i = 0, common = 0, used = 0;

	if (!realpath(from, a) || !realpath(to, b))
		return -1;
	/* Longest common prefix ending at a component boundary. */
	for (;; i++) {
		bool ea = a[i] == '\0' || a[i] == '/', eb = b[i] == '\0' || b[i] == '/';

		if (ea && eb)
			common = i;
		if (a[i] != b[i] || a[i] == '\0')
			break;
	}
	out[0] = '\0';
	for (const char *p = a + common; *p; p++) {
		if (*p == '/' && p[1]) {
			used += snprintf(out + used, len > used ? len - used : 0, "../");
		}
	}
	if (b[common] == '/' && b[common + 1])
		used += snprintf(out + used, len > used ? len - used : 0, "%s/", b + common + 1);
	return used < len ? 0 : -1;
}

/* --- loading ----------------------------------------------------------- */

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

static void parse_est(json_t *stats, const char *key, struct est *e)
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
static int drain_kind(const json_t *rep)
{
	const json_t *inc = json_object_get(rep, "drain_included");

	if (!json_is_boolean(inc))
		return DRAIN_UNKNOWN;
	if (!json_is_number(json_object_get(rep, "drain_cpu_ns_per_op")))
		return DRAIN_NO_CONSUMER;
	return json_is_true(inc) ? DRAIN_INCLUDED : DRAIN_APART;
}

/* Fill `run` from its JSON; false (with a reason) when it cannot be used. */
static bool parse_run(json_t *j, struct run *run, char *why, size_t len)
{
	static const char *const req_str[] = { "backend", "workload", "mode" };
	json_t *oracle, *stats, *valid, *base;

	run->j = j;
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
	for (int i = 0; i < 5; i++)
		run->has_oracle[i] = jint(oracle, oracle_keys[i], &run->oracle[i]);

	stats = json_object_get(j, "stats");
	if (json_is_object(stats)) {
		json_t *out = json_object_get(stats, "outliers");

		run->has_n = jint(stats, "n", &run->n);
		parse_est(stats, "median", &run->median);
		parse_est(stats, "mean", &run->mean);
		parse_est(stats, "stddev", &run->stddev);
		parse_est(stats, "overhead", &run->overhead);
		if (json_is_object(out)) {
			run->has_outliers = jint(out, "count", &run->outliers);
			run->outliers_est = jstr(out, "estimator");
		}
		run->has_stats = run->median.has;
	}
	return true;
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
			continue;
		}
		for (size_t k = 0; k < r->nruns && !dup; k++)
			dup = !strcmp(r->runs[k].id, run.id);
		if (dup) {
			ndup += run.valid;
			add_skip(r, run.id, path,
				 "not shown: the same run id came earlier (first file wins)");
			continue;
		}
		if (run.valid && !run.has_stats) {
			add_skip(r, run.id, path,
				 "not shown: no \"stats\" object with a median (the results predate bench/stats.c)");
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

/* --- ordering and grouping -------------------------------------------- */

static int cmp_run_common(const struct run *a, const struct run *b)
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

static double run_x(const struct run *r, enum axis ax)
{
	return ax == AX_RULES ? r->rules : ax == AX_DEPTH ? r->depth : r->hit;
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

static const char *axis_name(enum axis ax)
{
	return ax == AX_RULES ? "rules" : ax == AX_DEPTH ? "depth" : "hit";
}

static const char *axis_title(enum axis ax)
{
	return ax == AX_RULES ? "rules" : ax == AX_DEPTH ? "depth" : "hit ratio";
}

/* "10 rules", "depth 4", "hit ratio 0.5" */
static const char *x_words(enum axis ax, double x, char *buf, size_t len)
{
	if (ax == AX_RULES)
		snprintf(buf, len, "%s rule%s", PAR(x), x == 1 ? "" : "s");
	else if (ax == AX_DEPTH)
		snprintf(buf, len, "depth %s", PAR(x));
	else
		snprintf(buf, len, "hit ratio %s", PAR(x));
	return buf;
}

#define XW(ax, x) x_words((ax), (x), (char[64]){ 0 }, 64)

/* What a figure holds fixed: "depth 4, hit ratio 0.5" */
static const char *fixed_words(const struct group *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s, %s", XW(g->fixed_ax[0], g->fixed[0]), XW(g->fixed_ax[1], g->fixed[1]));
	return buf;
}

#define FW(g) fixed_words((g), (char[160]){ 0 }, 160)

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
		r->groups = xgrow(r->groups, &r->cap_groups, r->ngroups + 1, sizeof(*r->groups));
		r->groups[r->ngroups++] = g;
		i = end;
	}
}

/* --- figures ----------------------------------------------------------- */

static const char *series_color(const struct run *r)
{
	int i = rank(backend_order, r->backend);
	unsigned int h = 0;

	if (i != INT_MAX)
		return backend_color[i];
	/* Unknown backends: a stable color from the name. */

	for (const char *p = r->backend; *p; p++)
		h = h * 31 + (unsigned char)*p;
	return extra_color[h % 4];
}

static int series_pt(const struct run *r)
{
	int i = rank(strategy_order, r->strategy);

	return i == INT_MAX ? strategy_pt[5] : strategy_pt[i];
}

static int series_dt(const struct run *r)
{
	int i = rank(strategy_order, r->strategy);

	return i == INT_MAX ? strategy_dt[5] : strategy_dt[i];
}

static void dat_row(FILE *f, const struct run *p, double x)
{
	const struct est *m = &p->median, *o = &p->overhead;

	fprintf(f, "%.10g %.10g %.10g %.10g ", x, m->v, m->has_ci ? m->lo : m->v,
		m->has_ci ? m->hi : m->v);
	if (o->has)
		fprintf(f, "%.10g %.10g %.10g ", o->v, o->has_ci ? o->lo : o->v,
			o->has_ci ? o->hi : o->v);
	else
		fputs("NaN NaN NaN ", f);
	fprintf(f, "%lld %s\n", p->has_n ? p->n : 0, p->id);
}

static void estimators_of_group(const struct group *g, struct strlist *med, struct strlist *ovh)
{
	for (size_t k = 0; k < g->ns; k++)
		for (size_t i = 0; i < g->s[k].n; i++) {
			strlist_add_unique(med, g->s[k].pts[i]->median.estimator);
			strlist_add_unique(ovh, g->s[k].pts[i]->overhead.estimator);
		}
}

static void comment_list(FILE *f, const char *what, const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		fprintf(f, "# %s estimator: ", what);
		for (const char *p = l->v[i]; *p; p++)
			fputc(*p == '\n' ? ' ' : *p, f);
		fputc('\n', f);
	}
}

/* The .dat file: one block per series (gnuplot `index`), then the floor. */
static char *group_dat(const struct report *r, const struct group *g, enum fig fig, size_t *len,
		       size_t *nblocks, int *floor_index)
{
	const char *xname = g->axis == AX_HIT ? "hit_ratio" : axis_name(g->axis);
	struct strlist med = { 0 }, ovh = { 0 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	size_t blk = 0;

	if (!f) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	estimators_of_group(g, &med, &ovh);
	fprintf(f, "# subtree-bench report data: %s, %s mode, %s vs %s (%s)\n",
		g->workload, g->mode, fig == FIG_COST ? "cost per operation" : "overhead over none",
		axis_title(g->axis), FW(g));
	fprintf(f, "# from:");
	for (int i = 0; i < r->nin; i++)
		fprintf(f, " %s", r->in[i].path);
	fprintf(f, "\n# unit: %s (box time_unit \"%s\")\n", r->unit, r->in[0].time_unit);
	fprintf(f, "# columns: 1 %s  2 median  3 median_ci95_lo  4 median_ci95_hi  5 overhead  "
		   "6 overhead_ci95_lo  7 overhead_ci95_hi  8 n  9 run_id\n", xname);
	fputs("# (a missing CI repeats the value; a missing overhead is NaN)\n", f);
	comment_list(f, "median", &med);
	comment_list(f, "overhead", &ovh);
	fputs("# blocks, in gnuplot `index` order:", f);
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (s->is_none || (fig == FIG_OVERHEAD && !s->n_ovh))
			continue;
		fprintf(f, " %zu=%s", blk++, LABEL(s->pts[0]));
	}
	*floor_index = -1;
	if (fig == FIG_COST && g->floor) {
		*floor_index = (int)blk;
		fprintf(f, " %zu=none (floor)", blk++);
	}
	fputc('\n', f);
	*nblocks = blk;

	blk = 0;
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (s->is_none || (fig == FIG_OVERHEAD && !s->n_ovh))
			continue;
		fprintf(f, "\n\n# index %zu: %s\n", blk++, LABEL(s->pts[0]));
		for (size_t i = 0; i < s->n; i++)
			dat_row(f, s->pts[i], run_x(s->pts[i], g->axis));
	}
	if (*floor_index >= 0) {
		const struct series *s = g->floor;

		fprintf(f, "\n\n# index %d: none (floor)%s\n", *floor_index,
			s->n == 1 ? ", one measurement drawn across the x range" : "");
		if (s->n == 1) {
			dat_row(f, s->pts[0], g->xmin);
			dat_row(f, s->pts[0], g->xmax);
		} else {
			for (size_t i = 0; i < s->n; i++)
				dat_row(f, s->pts[i], run_x(s->pts[i], g->axis));
		}
	}
	free(med.v);
	free(ovh.v);
	if (fclose(f)) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	return buf;
}

static char *read_template(const struct report *r, const char *name)
{
	char path[PATH_MAX];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, len = 0, got;

	snprintf(path, sizeof(path), "%s/%s", r->templates, name);
	f = fopen(path, "r");
	if (!f) {
		errf("cannot read the gnuplot template %s: %s; fix: run from the repository root or pass --templates DIR (the repository's scripts/plot)",
		     path, strerror(errno));
		return NULL;
	}
	do {
		buf = xgrow(buf, &cap, len + 4096, 1);
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* The generated script: variables for the template, then the template. */
static char *group_gp(const struct report *r, const struct group *g, enum fig fig,
		      const char *base, size_t nblocks, int floor_index, const char *tmpl,
		      size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	double ylo = INFINITY, yhi = -INFINITY;
	double xs[64];
	size_t nx = 0, blk = 0;
	bool too_many_x = false;
	char title[512];

	if (!f) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (fig == FIG_OVERHEAD && s->is_none)
			continue;
		for (size_t i = 0; i < s->n; i++) {
			const struct est *e = fig == FIG_COST ? &s->pts[i]->median
							      : &s->pts[i]->overhead;
			double x = run_x(s->pts[i], g->axis);
			bool seen = false;

			if (!e->has)
				continue;
			ylo = fmin(ylo, e->has_ci ? e->lo : e->v);
			yhi = fmax(yhi, e->has_ci ? e->hi : e->v);
			if (s->is_none)
				continue;
			for (size_t q = 0; q < nx; q++)
				seen |= xs[q] == x;
			if (!seen && nx < sizeof(xs) / sizeof(xs[0]))
				xs[nx++] = x;
			else if (!seen)
				too_many_x = true;
		}
	}
	for (size_t a = 1; a < nx; a++)	/* insertion sort: few values */
		for (size_t b = a; b > 0 && xs[b - 1] > xs[b]; b--) {
			double t = xs[b];

			xs[b] = xs[b - 1];
			xs[b - 1] = t;
		}

	fprintf(f, "# Generated by `subtree-bench report`; re-plot with: gnuplot %s.gp\n", base);
	fprintf(f, "datafile = \"%s.dat\"\noutbase = \"%s\"\n", base, base);
	snprintf(title, sizeof(title), "%s%s%s, %s mode: %s vs %s (%s; box %s)",
		 r->title ? r->title : "", r->title ? ": " : "", g->workload, g->mode,
		 fig == FIG_COST ? "cost per operation" : "overhead over none", axis_title(g->axis),
		 FW(g), r->in[0].kind);
	fputs("plot_title = ", f);
	gp_str(f, title);
	fprintf(f, "\nxlabel_text = \"%s\"\n",
		g->axis == AX_RULES   ? "rules (sub-tree roots, count)" :
		g->axis == AX_DEPTH   ? "directory depth (levels)" :
					"hit ratio (share of operations on in-scope objects)");
	if (fig == FIG_COST)
		fprintf(f, "ylabel_text = \"median cost per operation (%s), 95%% CI bars\"\n", r->unit);
	else
		fprintf(f, "ylabel_text = \"overhead over none (%s), 95%% CI bars\"\n", r->unit);
	/* Log axes where the range calls for it. */
	fprintf(f, "logx = %d\n", nx >= 2 && xs[0] > 0 && xs[nx - 1] / xs[0] > 20);
	fprintf(f, "logy = %d\n", ylo > 0 && yhi / ylo > 100);
	fprintf(f, "yformat = \"%s\"\n", ylo >= 1 ? "%.0f" : "%g");
	if (nx && !too_many_x && nx <= 12) {
		fputs("set xtics (", f);
		for (size_t q = 0; q < nx; q++)
			fprintf(f, "%s\"%s\" %.10g", q ? ", " : "", PAR(xs[q]), xs[q]);
		fputs(")\n", f);
	}
	fprintf(f, "nseries = %zu\n", nblocks - (floor_index >= 0));
	fprintf(f, "array series_title[%zu]\narray series_color[%zu]\narray series_pt[%zu]\n"
		   "array series_dt[%zu]\n", nblocks ? nblocks : 1, nblocks ? nblocks : 1,
		nblocks ? nblocks : 1, nblocks ? nblocks : 1);
	for (size_t k = 0; k < g->ns; k++) {
		const struct series *s = &g->s[k];

		if (s->is_none || (fig == FIG_OVERHEAD && !s->n_ovh))
			continue;
		blk++;
		fprintf(f, "series_title[%zu] = ", blk);
		gp_str(f, LABEL(s->pts[0]));
		fprintf(f, "; series_color[%zu] = \"%s\"; series_pt[%zu] = %d; series_dt[%zu] = %d\n",
			blk, series_color(s->pts[0]), blk, series_pt(s->pts[0]), blk,
			series_dt(s->pts[0]));
	}
	fprintf(f, "floor_index = %d\n", floor_index);
	if (floor_index >= 0)
		fprintf(f, "floor_title = \"none (no monitoring)%s\"\n",
			g->floor->n == 1 ? ", measured once" : "");
	fprintf(f, "\n# ---- the template (scripts/plot/%s) ----\n",
		fig == FIG_COST ? "cost.gp" : "overhead.gp");
	fputs(tmpl, f);
	if (fclose(f)) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	return buf;
}

static int run_gnuplot(const char *dir, const char *base)
{
	const char *gp = getenv("GNUPLOT");
	char script[340];
	pid_t pid;
	int st;

	if (!gp || !*gp)
		gp = "gnuplot";
	snprintf(script, sizeof(script), "%s.gp", base);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		errf("cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		if (chdir(dir))
			_exit(126);
		execlp(gp, gp, script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			errf("waiting for gnuplot: %s", strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		errf("cannot run %s; fix: install gnuplot (`make deps` installs gnuplot-nox), set GNUPLOT=/path/to/gnuplot, or pass --no-plots",
		     gp);
	else
		errf("gnuplot failed on %s/%s (%s %d); fix: run `gnuplot %s` in %s to see why",
		     dir, script, WIFEXITED(st) ? "exit status" : "signal",
		     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), script, dir);
	return -1;
}

static int write_figure(const struct report *r, const struct group *g, enum fig fig,
			const char *tmpl)
{
	const char *base = fig == FIG_COST ? g->base : g->ovh_base;
	char path[PATH_MAX];
	size_t dlen, glen, nblocks;
	int floor_index, ret = -1;
	char *dat = group_dat(r, g, fig, &dlen, &nblocks, &floor_index);
	char *gp = group_gp(r, g, fig, base, nblocks, floor_index, tmpl, &glen);

	snprintf(path, sizeof(path), "%s/%s.dat", r->dir, base);
	if (write_file(path, dat, dlen))
		goto cleanup;
	snprintf(path, sizeof(path), "%s/%s.gp", r->dir, base);
	if (write_file(path, gp, glen))
		goto cleanup;
	if (!r->no_plots && run_gnuplot(r->dir, base))
		goto cleanup;
	ret = 0;
cleanup:
	free(dat);
	free(gp);
	return ret;
}

/* --- REPORT.md ---------------------------------------------------------- */

static void md_estimators(FILE *f, struct run **v, size_t n, const char *lead)
{
	struct strlist med = { 0 }, ovh = { 0 }, mean = { 0 }, sd = { 0 }, out = { 0 };
	struct { const char *what; struct strlist *l; } rows[] = {
		{ "median and its 95 % CI", &med }, { "overhead and its 95 % CI", &ovh },
		{ "outliers", &out }, { "mean", &mean }, { "stddev", &sd },
	};

	for (size_t i = 0; i < n; i++) {
		strlist_add_unique(&med, v[i]->median.estimator);
		strlist_add_unique(&ovh, v[i]->overhead.estimator);
		strlist_add_unique(&mean, v[i]->mean.estimator);
		strlist_add_unique(&sd, v[i]->stddev.estimator);
		strlist_add_unique(&out, v[i]->outliers_est);
	}
	fprintf(f, "%s\n", lead);
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		fprintf(f, "- %s: ", rows[k].what);
		if (!rows[k].l->n)
			fputs("(no estimator string in the results)", f);
		for (size_t i = 0; i < rows[k].l->n; i++) {
			fputs(i ? "; " : "", f);
			md_code(f, rows[k].l->v[i]);
		}
		fputc('\n', f);
		free(rows[k].l->v);
	}
}

/* A table's estimators: spelled out only when they differ from the whole
 * report's (listed under Method). */
static void md_table_estimators(FILE *f, const struct report *r, struct run **v, size_t n)
{
	char *all = NULL, *mine = NULL;
	size_t la, lm;
	FILE *fa = open_memstream(&all, &la), *fm = open_memstream(&mine, &lm);

	if (!fa || !fm) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	md_estimators(fa, r->ok, r->nok, "");
	md_estimators(fm, v, n, "");
	fclose(fa);
	fclose(fm);
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

static void md_method(FILE *f, const struct report *r)
{
	size_t mon = 0, inter = 0, with_none = 0, drain[4] = { 0 };

	for (size_t i = 0; i < r->nok; i++) {
		if (is_none(r->ok[i])) {
			with_none++;
			continue;
		}
		mon++;
		inter += r->ok[i]->has_baseline;
		drain[r->ok[i]->drain]++;
	}
	fputs("## Method\n\n", f);
	fprintf(f, "- Runs shown: %zu (%zu monitored, %zu of the `none` baseline); "
		   "%zu failed the oracle (listed, not plotted); %zu not shown for other reasons (listed at the end).\n",
		r->nok, mon, with_none, r->nbad, r->nskip);
	fprintf(f, "- Interleaving: %zu of the %zu monitored runs carry `none` baseline samples "
		   "(`baseline_samples_ns_per_op`) measured interleaved with their own in the same run; "
		   "overheads are relative to that baseline.\n", inter, mon);
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
	range_ll(f, "Repetitions per run (`reps`)", r->ok, r->nok, get_reps);
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

static void md_table(FILE *f, const struct report *r, struct run **v, size_t n)
{
	fprintf(f, "| backend | strategy | rules | depth | hit | median [95%% CI] (%s) | "
		   "overhead vs none [95%% CI] (%s) | n | outliers | oracle (delivered/expected) | run id |\n",
		r->unit, r->unit);
	fputs("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];

		fputs("| ", f);
		md_text(f, p->backend);
		fputs(" | ", f);
		md_text(f, p->strategy);
		fprintf(f, " | %s | %s | %s | ", PAR(p->rules), PAR(p->depth), PAR(p->hit));
		md_est_cell(f, &p->median);
		fputs(" | ", f);
		if (is_none(p))
			fputs("(baseline)", f);
		else
			md_est_cell(f, &p->overhead);
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

static void md_figures(FILE *f, const struct report *r, const char *workload, const char *mode,
		       const char *prefix)
{
	bool any = false;

	for (size_t gi = 0; gi < r->ngroups; gi++) {
		const struct group *g = &r->groups[gi];

		if (strcmp(g->workload, workload) || strcmp(g->mode, mode))
			continue;
		for (int fig = FIG_COST; fig <= FIG_OVERHEAD; fig++) {
			const char *base = fig == FIG_COST ? g->base : g->ovh_base;

			if (!(fig == FIG_COST ? g->cost_fig : g->ovh_fig))
				continue;
			if (!any)
				fputs("Figures:\n\n", f);
			any = true;
			fprintf(f, "![%s, %s: %s vs %s, %s](%s%s.png)\n\n", workload, mode,
				fig == FIG_COST ? "cost per operation" : "overhead over none",
				axis_title(g->axis), FW(g), prefix, base);
			fprintf(f, "[SVG](%s%s.svg) · [data](%s%s.dat) · [gnuplot script](%s%s.gp)\n\n",
				prefix, base, prefix, base, prefix, base);
		}
	}
	if (!any)
		fputs("No figure: no monitored backend/strategy was measured at two or more rule counts or depths here.\n\n",
		      f);
}

/* --- derived sentences ------------------------------------------------- */


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
				XW(g->axis, xa), XW(g->axis, xb), NUM(a->median.v), NUM(b->median.v),
				r->unit);
		else if (a->median.v > 0)
			fprintf(f, "cost per operation %s %.2fx from %s to %s (%s to %s %s)",
				b->median.v >= a->median.v ? "grows" : "falls to",
				b->median.v / a->median.v, XW(g->axis, xa), XW(g->axis, xb),
				NUM(a->median.v), NUM(b->median.v), r->unit);
		else
			fprintf(f, "cost per operation goes from %s to %s %s from %s to %s",
				NUM(a->median.v), NUM(b->median.v), r->unit, XW(g->axis, xa),
				XW(g->axis, xb));
		fprintf(f, ", at %s.\n", FW(g));
	}
}

static void say_cheapest(FILE *f, const struct report *r, const struct group *g)
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
	if (cands < 2)
		return;
	fprintf(f, "- At %s (%s) the cheapest is %s at %s %s",
		XW(g->axis, x), FW(g), LABEL(best),
		NUM(best->median.v), r->unit);
	if (floor && floor->median.v > 0)
		fprintf(f, " (%.2fx the `none` floor of %s)", best->median.v / floor->median.v,
			NUM(floor->median.v));
	fprintf(f, "; the most expensive, %s at %s %s", LABEL(worst), NUM(worst->median.v),
		r->unit);
	if (best->median.v > 0)
		fprintf(f, ", costs %.2fx as much", worst->median.v / best->median.v);
	fputc('.', f);
	if (ci_overlap(&best->median, &second->median))
		fprintf(f, " %s and %s are within each other's 95 %% CIs, so neither is measurably cheaper.",
			LABEL(best), LABEL(second));
	fputc('\n', f);
}

static void say_overheads(FILE *f, const struct report *r, struct run **v, size_t n)
{
	bool outside = n && !strcmp(v[0]->workload, "outside-fs");
	size_t zero = 0;

	for (size_t i = 0; i < n; i++) {
		const struct run *p = v[i];
		const struct est *o = &p->overhead;

		if (is_none(p) || !o->has)
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

		if (is_none(p) || !p->overhead.has || !ci_has_zero(&p->overhead))
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

static void md_failed(FILE *f, const struct report *r)
{
	fputs("## Runs that failed the oracle\n\n", f);
	if (!r->nbad) {
		fputs("None: every run passed the oracle.\n\n", f);
		return;
	}
	fputs("These runs are not in the tables or figures above: the backend delivered (or denied) "
	      "something other than what the workload did, so their timings measure a wrong filter.\n\n", f);
	fputs("| run id | expected | delivered | missing | unexpected | overflows | why | results file |\n", f);
	fputs("|---|--:|--:|--:|--:|--:|---|---|\n", f);
	for (size_t i = 0; i < r->nbad; i++) {
		const struct run *p = r->bad[i];

		fputs("| ", f);
		md_code(f, p->id);
		for (int k = 0; k < 5; k++) {
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

struct unavail {
	const char *backend, *mode, *reason, *file;
};

static int cmp_unavail(const void *pa, const void *pb)
{
	const struct unavail *a = pa, *b = pb;
	int c;

	if ((c = cmp_named(backend_order, a->backend, b->backend)) ||
	    (c = cmp_named(mode_order, a->mode, b->mode)) || (c = strcmp(a->reason, b->reason)))
		return c;
	return strcmp(a->file, b->file);
}

static void md_unavailable(FILE *f, const struct report *r)
{
	struct unavail *u = NULL;
	size_t n = 0, cap = 0;

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
	fputs("## Unavailable backends\n\n", f);
	if (!n) {
		fputs("None: every backend the sweep asked for ran on this box.\n\n", f);
		free(u);
		return;
	}
	qsort(u, n, sizeof(*u), cmp_unavail);
	fputs("| backend | mode | reason (from the box's probe) |\n|---|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(u[i].backend, u[i - 1].backend) && !strcmp(u[i].mode, u[i - 1].mode) &&
		    !strcmp(u[i].reason, u[i - 1].reason))
			continue;	/* the same entry from another file */
		fputs("| ", f);
		md_text(f, u[i].backend);
		fputs(" | ", f);
		md_text(f, u[i].mode);
		fputs(" | ", f);
		md_text(f, u[i].reason);
		fputs(" |\n", f);
	}
	fputc('\n', f);
	free(u);
}

static void md_warnings(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->nok + r->nbad; i++) {
		const struct run *p = i < r->nok ? r->ok[i] : r->bad[i - r->nok];
		json_t *w = json_object_get(p->j, "warnings"), *e;
		size_t k;

		json_array_foreach(w, k, e) {
			if (!json_is_string(e))
				continue;
			if (!any)
				fputs("## Warnings recorded by the harness\n\n", f);
			any = true;
			fputs("- ", f);
			md_code(f, p->id);
			fputs(": ", f);
			md_text(f, json_string_value(e));
			fputc('\n', f);
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

/* The whole report; image links are prefixed with `prefix` (relative). */
static char *report_md(const struct report *r, const char *prefix, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	size_t i, j;

	if (!f) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	fprintf(f, "# %s\n\n", r->title ? r->title : "subtree-bench report");
	fputs("<!-- Generated by `subtree-bench report` from the results file(s) below; do not edit: "
	      "`make report` regenerates it byte for byte. -->\n\n", f);
	fputs("What it costs to monitor (or protect) directory sub-trees with each backend and filter "
	      "strategy, compared with no monitoring (`none`), as the number of rules and the "
	      "directory depth grow. Every number below is read from the results; the sentences "
	      "under \"What the figures show\" are derived from those numbers by the report code.\n\n", f);
	md_box(f, r);
	md_method(f, r);

	fputs("## What the figures show\n\n", f);
	for (i = 0; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		md_sentences(f, r, r->ok[i]->workload, r->ok[i]->mode, &r->ok[i], j - i);
	}

	for (i = 0; i < r->nok; i = j) {
		for (j = i; j < r->nok && !cmp_run_common(r->ok[i], r->ok[j]); j++)
			;
		fprintf(f, "## %s, %s mode\n\n", r->ok[i]->workload, r->ok[i]->mode);
		md_table(f, r, &r->ok[i], j - i);
		md_table_estimators(f, r, &r->ok[i], j - i);
		md_figures(f, r, r->ok[i]->workload, r->ok[i]->mode, prefix);
	}
	md_failed(f, r);
	md_unavailable(f, r);
	md_warnings(f, r);
	md_skipped(f, r);
	if (fclose(f)) {
		errf("out of memory");
		exit(EXIT_OUTPUT);
	}
	return buf;
}

/* --- command line and driver --------------------------------------------- */

static const char doc[] =
	"Plots (gnuplot, PNG + SVG, with their .dat and .gp files) and REPORT.md from one or "
	"more results files. Statistics are read from each run's \"stats\" object; runs that "
	"failed the oracle are listed, never plotted.\v"
	"Exit status: 0 done, 1 an output could not be written or gnuplot failed, 2 bad "
	"arguments or an unusable results file.\n\n"
	"EXAMPLES:\n"
	"  subtree-bench report results/default/results.json\n"
	"      writes results/default/REPORT.md and its figures\n"
	"  subtree-bench report --out-dir results/default --report-md REPORT.md \\\n"
	"      results/default/results.json     (what `make report` runs)\n"
	"  subtree-bench report --out-dir /tmp/both --title \"kmod vs bpf\" a.json b.json\n"
	"      merges two result sets from the same kind of box\n";

static const struct argp_option options[] = {
	{ "out-dir", 'o', "DIR", 0,
	  "Write figures, .dat/.gp files and REPORT.md to DIR (default: the first results file's directory)", 0 },
	{ "title", 't', "TITLE", 0, "Title of the report and the figures", 0 },
	{ "report-md", 'm', "PATH", 0,
	  "Also write the report to PATH, with figure links relative to PATH (e.g. the top-level REPORT.md)", 0 },
	{ "templates", 'T', "DIR", 0,
	  "gnuplot templates (default: scripts/plot in the repository of this binary)", 0 },
	{ "no-plots", 'n', 0, 0, "Write the .dat, .gp and REPORT.md files but do not run gnuplot", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct report *r = state->input;

	switch (key) {
	case 'o':
		r->out_dir = arg;
		break;
	case 't':
		r->title = arg;
		break;
	case 'm':
		r->report_md = arg;
		break;
	case 'T':
		r->templates = arg;
		break;
	case 'n':
		r->no_plots = true;
		break;
	case ARGP_KEY_ARG:
		r->files[r->nfiles++] = arg;
		break;
	case ARGP_KEY_END:
		if (!r->nfiles)
			argp_error(state, "no results file given (e.g. results/default/results.json)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int check_merge(const struct report *r)
{
	for (int i = 1; i < r->nin; i++) {
		const struct input *a = &r->in[0], *b = &r->in[i];

		if (strcmp(a->kind, b->kind)) {
			errf("refusing to merge %s (box kind \"%s\") with %s (box kind \"%s\"): figures from different kinds of box are not comparable; fix: report them separately (one `report` per box kind)",
			     a->path, a->kind, b->path, b->kind);
			return -1;
		}
		if (strcmp(a->time_unit, b->time_unit)) {
			errf("refusing to merge %s (time unit \"%s\") with %s (time unit \"%s\"); fix: report them separately",
			     a->path, a->time_unit, b->path, b->time_unit);
			return -1;
		}
	}
	return 0;
}

static void report_free(struct report *r)
{
	for (int i = 0; i < r->nin; i++)
		json_decref(r->in[i].root);
	free(r->in);
	free(r->runs);
	free(r->ok);
	free(r->bad);
	for (size_t i = 0; i < r->nskip; i++)
		free(r->skip[i].reason);
	free(r->skip);
	for (int a = 0; a < AX__COUNT; a++)
		free(r->by_axis[a]);
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->groups[i].s);
	free(r->groups);
	free(r->dir);
	free(r->files);
}

static int write_reports(const struct report *r)
{
	char path[PATH_MAX], prefix[PATH_MAX];
	size_t len;
	char *md = report_md(r, "", &len);
	int ret = -1;

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

int cmd_report(int argc, char **argv)
{
	struct report r = { 0 };
	char tdir[PATH_MAX];
	struct argp argp = { options, parse_opt, "RESULTS.json...", doc, NULL, NULL, NULL };
	char *av0 = argv[0], name[] = "subtree-bench report";
	char *cost_tmpl = NULL, *ovh_tmpl = NULL;
	int ret = EXIT_INPUT;

	/* Numbers in .dat files and REPORT.md always use a decimal point. */
	setlocale(LC_NUMERIC, "C");
	argp_err_exit_status = EXIT_INPUT;
	r.files = calloc(argc > 0 ? argc : 1, sizeof(*r.files));
	if (!r.files) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	argv[0] = name;
	if (argp_parse(&argp, argc, argv, 0, NULL, &r)) {
		argv[0] = av0;
		free(r.files);
		return EXIT_INPUT;
	}
	argv[0] = av0;
	if (!r.templates) {
		/* The repository of this binary, else the current directory. */
		snprintf(tdir, sizeof(tdir), "%s/scripts/plot/cost.gp", sb_repo_dir());
		r.templates = access(tdir, R_OK) ? "scripts/plot" : tdir;
		if (r.templates == tdir)
			*strrchr(tdir, '/') = '\0';
	}

	r.in = calloc(r.nfiles, sizeof(*r.in));
	if (!r.in) {
		errf("out of memory");
		return EXIT_OUTPUT;
	}
	for (int i = 0; i < r.nfiles; i++) {
		r.nin = i + 1;
		if (load_input(&r, &r.in[i], r.files[i]))
			goto cleanup;
	}
	if (check_merge(&r))
		goto cleanup;
	r.unit = !strcmp(r.in[0].time_unit, "instructions") ? "instructions/op" : "ns/op";

	r.ok = calloc(r.nruns + 1, sizeof(*r.ok));
	r.bad = calloc(r.nruns + 1, sizeof(*r.bad));
	for (int a = 0; a < AX__COUNT; a++)
		r.by_axis[a] = calloc(r.nruns + 1, sizeof(*r.by_axis[a]));
	if (!r.ok || !r.bad || !r.by_axis[AX_RULES] || !r.by_axis[AX_DEPTH] || !r.by_axis[AX_HIT]) {
		errf("out of memory");
		ret = EXIT_OUTPUT;
		goto cleanup;
	}
	for (size_t i = 0; i < r.nruns; i++) {
		if (r.runs[i].valid)
			r.ok[r.nok++] = &r.runs[i];
		else
			r.bad[r.nbad++] = &r.runs[i];
	}
	qsort(r.ok, r.nok, sizeof(*r.ok), cmp_table);
	qsort(r.bad, r.nbad, sizeof(*r.bad), cmp_table);
	for (int a = 0; a < AX__COUNT; a++)
		memcpy(r.by_axis[a], r.ok, r.nok * sizeof(*r.ok));
	for (int a = 0; a < AX__COUNT; a++) {
		qsort(r.by_axis[a], r.nok, sizeof(*r.ok), cmp_by_axis[a]);
		build_groups(&r, (enum axis)a);
	}

	ret = EXIT_OUTPUT;
	r.dir = r.out_dir ? xstrdup(r.out_dir) : dir_of(r.in[0].path);
	if (mkdir_p(r.dir)) {
		errf("cannot create the output directory %s: %s; fix: pass a writable --out-dir",
		     r.dir, strerror(errno));
		goto cleanup;
	}
	cost_tmpl = read_template(&r, "cost.gp");
	ovh_tmpl = read_template(&r, "overhead.gp");
	if (!cost_tmpl || !ovh_tmpl)
		goto cleanup;
	for (size_t i = 0; i < r.ngroups; i++) {
		const struct group *g = &r.groups[i];

		if (g->cost_fig && write_figure(&r, g, FIG_COST, cost_tmpl))
			goto cleanup;
		if (g->ovh_fig && write_figure(&r, g, FIG_OVERHEAD, ovh_tmpl))
			goto cleanup;
	}
	if (write_reports(&r))
		goto cleanup;
	ret = 0;
cleanup:
	free(cost_tmpl);
	free(ovh_tmpl);
	report_free(&r);
	return ret;
}
