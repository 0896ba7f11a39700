// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench import`: fio and hyperfine JSON into the results schema
 * (bench/results.h), so realistic mixes sit beside the synthetic workloads
 * in `report` and `compare`.
 *
 * One run per (workload, backend):
 *   fio        "workload": "fio:<job>"; one sample per repetition (one JSON
 *              file), in ns per I/O operation: the time of the file's jobs
 *              divided by their I/Os, where a group of jobs (fio's groupid,
 *              i.e. the jobs between two stonewalls) takes
 *              (its I/Os) / (its summed read + write + trim iops). For one
 *              group that is 1e9 / total iops. Backend, job and repetition
 *              come from the file name: fio-<backend>-<job>-<rep>.json.
 *   hyperfine  "workload": "hyperfine:<name>", <name> from the file name
 *              (hyperfine-<name>.json, else the name without .json); one
 *              run per command, its name (-n) the backend; samples are
 *              times[] in ns per whole command ("ops": 1).
 * "baseline_samples_ns_per_op" are the `none` run's samples of the same
 * workload; "stats" come from sb_stats_json() for fio (the overhead paired
 * by repetition: scripts/realistic.sh interleaves the backends) and from
 * sb_stats_json_unpaired() for hyperfine (its repetitions are not
 * interleaved); no oracle applies to a whole command, and the oracle object
 * says so. The tool's own figures are kept under "fio" / "hyperfine".
 *
 * The results header (box, kernel, git revision) describes the box this
 * command runs in: import where the measurements were taken
 * (scripts/realistic.sh does).
 */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "backend.h"
#include "cmd.h"
#include "import.h"
#include "results.h"
#include "stats.h"

#define NOT_CHECKED "not checked: a whole command (fio or hyperfine), no oracle applies"
#define MAX_GROUPS 64

struct opts {
	struct sb_import_input *in;
	size_t nin;
	enum sb_import_kind cur;	/* 0: no --fio or --hyperfine yet */
	const char *out;
};

/* One repetition (fio) or one sample (hyperfine) of one backend on one workload. */
struct sample {
	const char *backend;	/* static: the backend table's name */
	char *workload;		/* "fio:<job>" or "hyperfine:<name>" */
	long rep;		/* fio: from the file name; hyperfine: index in times[] */
	double ns_per_op;
	double ops;
	const char *file;
	json_t *raw;		/* per-repetition tool figures (fio), or NULL */
	json_t *tool;		/* per-run tool figures (hyperfine result), or NULL */
	const char *tool_version;
};

struct samples {
	struct sample *v;
	size_t n, cap;
};

static void errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void errf(const char *fmt, ...)
{
	va_list ap;

	fputs("subtree-bench import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void list_backends(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; sb_backends[i]; i++) {
		if (i)
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, sb_backends[i]->name, len - strlen(buf) - 1);
	}
}

static struct sample *add_sample(struct samples *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct sample *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	return &s->v[s->n++];
}

/*
 * The JSON object in a file. fio may print warnings ("fio: ...") before its
 * JSON even with --output: the object starts at the first line that opens
 * with '{'; anything after it is ignored.
 */
static json_t *load_json(const char *path, const char *what, const char *fix)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, got;
	json_error_t je;
	json_t *j;

	if (!f) {
		errf("%s: cannot read it: %s; %s", path, strerror(errno), fix);
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				errf("%s: out of memory", path);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, 4096, f);
		len += got;
	} while (got);
	if (ferror(f)) {
		errf("%s: cannot read it: %s; %s", path, strerror(errno), fix);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	for (p = buf; p && *p != '{'; ) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p) {
		errf("%s: no JSON object in it (%zu bytes): not %s output; %s", path, len, what, fix);
		free(buf);
		return NULL;
	}
	j = json_loads(p, JSON_DISABLE_EOF_CHECK, &je);
	if (!j)
		errf("%s: not valid JSON: %s at line %d column %d (of the object): truncated, or "
		     "not %s output; %s", path, je.text, je.line, je.column, what, fix);
	free(buf);
	return j;
}

/* --- fio ------------------------------------------------------------------ */

static const char fio_fix[] =
	"fix: pass files written by `fio --output-format=json --output=FILE`, named "
	"fio-<backend>-<job>-<rep>.json (scripts/realistic.sh does both)";

/* fio-<backend>-<job>-<rep>.json: the backend is the longest known name that fits. */
static int parse_fio_name(const char *path, const char **backend, char **job, long *rep)
{
	const char *b = base_name(path), *rest, *dash, *end;
	size_t len = strlen(b), best = 0;
	char names[512], *e;

	*backend = NULL;
	if (strncmp(b, "fio-", 4) || len < 5 + 4 || strcmp(b + len - 5, ".json"))
		goto bad;
	rest = b + 4;
	end = b + len - 5;
	dash = end;
	while (dash > rest && dash[-1] != '-')
		dash--;
	if (dash == rest || dash == end)
		goto bad;
	for (const char *d = dash; d < end; d++)
		if (!isdigit((unsigned char)*d))
			goto bad;
	*rep = strtol(dash, &e, 10);
	for (size_t i = 0; sb_backends[i]; i++) {
		size_t n = strlen(sb_backends[i]->name);

		if (n > best && !strncmp(rest, sb_backends[i]->name, n) && rest[n] == '-' &&
		    rest + n + 1 < dash - 1) {
			best = n;
			*backend = sb_backends[i]->name;
		}
	}
	if (!*backend) {
		list_backends(names, sizeof(names));
		errf("%s: no known backend after 'fio-' (one of: %s); fix: name fio's JSON "
		     "files fio-<backend>-<job>-<rep>.json", path, names);
		return -1;
	}
	*job = strndup(rest + best + 1, (size_t)(dash - 1 - (rest + best + 1)));
	return *job ? 0 : -1;
bad:
	errf("%s: the name does not read fio-<backend>-<job>-<rep>.json (e.g. "
	     "fio-fanotify-user-smallfiles-1.json); fix: rename it, the backend and "
	     "repetition are taken from the name", path);
	return -1;
}

static bool jnum(json_t *o, const char *key, double *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_number(x))
		return false;
	*v = json_number_value(x);
	return true;
}

/* clat percentiles fio printed (clat_ns.percentile), a few of them. */
static json_t *fio_clat(json_t *dir)
{
	static const char *const keys[][2] = {
		{ "50.000000", "p50" }, { "90.000000", "p90" },
		{ "99.000000", "p99" }, { "99.900000", "p99_9" },
	};
	json_t *clat = json_object_get(dir, "clat_ns"), *pct, *out = json_object();
	double v;

	if (!json_is_object(clat))
		return out;
	if (jnum(clat, "mean", &v))
		json_object_set_new(out, "mean", json_real(v));
	if (jnum(clat, "min", &v))
		json_object_set_new(out, "min", json_real(v));
	if (jnum(clat, "max", &v))
		json_object_set_new(out, "max", json_real(v));
	pct = json_object_get(clat, "percentile");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (jnum(pct, keys[i][0], &v))
			json_object_set_new(out, keys[i][1], json_real(v));
	return out;
}

static int load_fio(const char *path, struct samples *all)
{
	static const char *const dirs[] = { "read", "write", "trim" };
	double g_ios[MAX_GROUPS] = { 0 }, g_iops[MAX_GROUPS] = { 0 }, runtime_ms = 0;
	long g_id[MAX_GROUPS];
	size_t ngroups = 0, i;
	json_t *root, *jobs, *job, *raw_jobs;
	const char *backend, *version;
	char *jobname = NULL;
	double ios = 0, secs = 0;
	struct sample *s;
	long rep;

	if (parse_fio_name(path, &backend, &jobname, &rep))
		return -1;
	root = load_json(path, "fio JSON", fio_fix);
	if (!root)
		goto fail;
	jobs = json_object_get(root, "jobs");
	version = json_string_value(json_object_get(root, "fio version"));
	if (!json_is_object(root) || !version || !json_is_array(jobs)) {
		errf("%s: no \"fio version\" string and \"jobs\" array: not fio JSON output "
		     "(hyperfine's? then give it after --hyperfine); %s", path, fio_fix);
		goto fail;
	}
	if (!json_array_size(jobs)) {
		errf("%s: \"jobs\" is empty: fio ran no job; fix: check the job file and "
		     "fio's messages, then measure again", path);
		goto fail;
	}
	raw_jobs = json_array();
	json_array_foreach(jobs, i, job) {
		const char *name = json_string_value(json_object_get(job, "jobname"));
		json_t *err = json_object_get(job, "error"), *gid = json_object_get(job, "groupid");
		json_t *rj;
		double job_ios = 0, job_iops = 0, v;
		size_t g;

		if (!name || !json_is_integer(gid)) {
			errf("%s: job %zu has no \"jobname\" or integer \"groupid\": not fio JSON "
			     "output; %s", path, i, fio_fix);
			json_decref(raw_jobs);
			goto fail;
		}
		if (json_is_integer(err) && json_integer_value(err)) {
			errf("%s: fio job '%s' failed with error %lld (%s): its figures are not "
			     "a measurement; fix: run the job by hand with --directory to see "
			     "fio's message, then measure again", path, name,
			     (long long)json_integer_value(err),
			     strerror((int)json_integer_value(err)));
			json_decref(raw_jobs);
			goto fail;
		}
		rj = json_pack("{s:s, s:I}", "jobname", name, "groupid", json_integer_value(gid));
		for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
			json_t *dir = json_object_get(job, dirs[d]);
			double n, iops, rt;

			if (!json_is_object(dir)) {
				if (d == 2)	/* older fio has no trim */
					continue;
				errf("%s: job '%s' has no \"%s\" object: not fio JSON output; %s",
				     path, name, dirs[d], fio_fix);
				json_decref(rj);
				json_decref(raw_jobs);
				goto fail;
			}
			if (!jnum(dir, "total_ios", &n) || !jnum(dir, "iops", &iops) ||
			    !jnum(dir, "runtime", &rt)) {
				errf("%s: job '%s' \"%s\" lacks \"total_ios\", \"iops\" or "
				     "\"runtime\": not fio JSON output (fio >= 3.0 writes them); %s",
				     path, name, dirs[d], fio_fix);
				json_decref(rj);
				json_decref(raw_jobs);
				goto fail;
			}
			if (iops < 0 || rt < 0) {
				errf("%s: job '%s' \"%s\" has a negative \"iops\" or \"runtime\": "
				     "not fio's figures; %s", path, name, dirs[d], fio_fix);
				json_decref(rj);
				json_decref(raw_jobs);
				goto fail;
			}
			if (n <= 0)
				continue;
			job_ios += n;
			job_iops += iops;
			json_object_set_new(rj, dirs[d], json_pack("{s:f, s:f, s:f, s:o}",
				"iops", iops, "total_ios", n, "runtime_ms", rt, "clat_ns", fio_clat(dir)));
		}
		if (jnum(job, "usr_cpu", &v))
			json_object_set_new(rj, "usr_cpu_pct", json_real(v));
		if (jnum(job, "sys_cpu", &v))
			json_object_set_new(rj, "sys_cpu_pct", json_real(v));
		if (jnum(job, "ctx", &v))
			json_object_set_new(rj, "ctx", json_real(v));
		json_array_append_new(raw_jobs, rj);
		if (job_ios > 0 && !(job_iops > 0)) {
			errf("%s: job '%s' did %.0f I/Os at 0 iops: its runtime is 0 ms; fix: "
			     "make the job run longer (more loops, files or runtime)", path, name,
			     job_ios);
			json_decref(raw_jobs);
			goto fail;
		}
		for (g = 0; g < ngroups && g_id[g] != (long)json_integer_value(gid); g++)
			;
		if (g == ngroups) {
			if (ngroups == MAX_GROUPS) {
				errf("%s: more than %d job groups; fix: fewer stonewalls", path,
				     MAX_GROUPS);
				json_decref(raw_jobs);
				goto fail;
			}
			g_id[ngroups++] = (long)json_integer_value(gid);
		}
		g_ios[g] += job_ios;
		g_iops[g] += job_iops;
	}
	for (size_t g = 0; g < ngroups; g++) {
		if (g_ios[g] <= 0)
			continue;
		ios += g_ios[g];
		secs += g_ios[g] / g_iops[g];
	}
	runtime_ms = secs * 1e3;
	if (!(ios > 0)) {
		errf("%s: fio did no I/O (0 reads, writes and trims); fix: check the job "
		     "file (size, nrfiles, rw) and measure again", path);
		json_decref(raw_jobs);
		goto fail;
	}
	/* Negative or overflowing figures (iops < 0, 1e300 I/Os) give no time per I/O. */
	if (!(secs > 0) || !isfinite(1e9 * secs / ios) || !isfinite(ios / secs) ||
	    !(1e9 * secs / ios > 0)) {
		errf("%s: its I/O counts and iops give no positive, finite time per I/O "
		     "(%g I/Os in %g s): not a measurement; fix: measure again with fio >= 3.0",
		     path, ios, secs);
		json_decref(raw_jobs);
		goto fail;
	}
	for (i = 0; i < all->n; i++) {
		if (!strcmp(all->v[i].backend, backend) && all->v[i].rep == rep && all->v[i].raw &&
		    !strcmp(all->v[i].workload + 4, jobname)) {
			errf("%s and %s: both are repetition %ld of job '%s' on %s; fix: give "
			     "each file once", all->v[i].file, path, rep, jobname, backend);
			json_decref(raw_jobs);
			goto fail;
		}
	}
	s = add_sample(all);
	if (!s || asprintf(&s->workload, "fio:%s", jobname) < 0) {
		errf("out of memory");
		json_decref(raw_jobs);
		goto fail;
	}
	s->backend = backend;
	s->rep = rep;
	s->ops = ios;
	s->ns_per_op = 1e9 * secs / ios;
	s->file = path;
	s->raw = json_pack("{s:s, s:s, s:I, s:f, s:f, s:f, s:o}", "file", path, "version", version,
			   "groups", (json_int_t)ngroups, "ios", ios, "iops", ios / secs,
			   "io_time_ms", runtime_ms, "jobs", raw_jobs);
	s->tool_version = json_string_value(json_object_get(s->raw, "version"));
	free(jobname);
	json_decref(root);
	return 0;
fail:
	free(jobname);
	json_decref(root);
	return -1;
}

/* --- hyperfine -------------------------------------------------------------- */

static const char hf_fix[] =
	"fix: pass a file written by `hyperfine --export-json FILE -n <backend> CMD ...`, "
	"one command per backend named with -n (scripts/realistic.sh does this)";

static int load_hyperfine(const char *path, struct samples *all)
{
	const char *b = base_name(path);
	size_t len = strlen(b), i, k;
	json_t *root, *results, *res;
	char *name;

	if (!strncmp(b, "hyperfine-", 10) && len > 10) {
		b += 10;
		len -= 10;
	}
	if (len > 5 && !strcmp(b + len - 5, ".json"))
		len -= 5;
	name = strndup(b, len);
	root = load_json(path, "hyperfine --export-json", hf_fix);
	if (!root || !name)
		goto fail;
	results = json_object_get(root, "results");
	if (!json_is_object(root) || !json_is_array(results)) {
		errf("%s: no \"results\" array: not hyperfine --export-json output%s; %s", path,
		     json_object_get(root, "jobs") ? " (fio's? then give it after --fio)" : "",
		     hf_fix);
		goto fail;
	}
	if (!json_array_size(results)) {
		errf("%s: \"results\" is empty: hyperfine timed no command; %s", path, hf_fix);
		goto fail;
	}
	json_array_foreach(results, i, res) {
		const char *cmd = json_string_value(json_object_get(res, "command"));
		json_t *times = json_object_get(res, "times"), *codes, *t;
		const struct sb_backend_ops *ops;
		char names[512];

		if (!cmd || !json_is_array(times) || !json_array_size(times)) {
			errf("%s: result %zu has no \"command\" string or no \"times\" array: "
			     "not hyperfine --export-json output (hyperfine >= 1.10 writes "
			     "times); %s", path, i, hf_fix);
			goto fail;
		}
		ops = sb_backend_find(cmd);
		if (!ops) {
			list_backends(names, sizeof(names));
			errf("%s: command name '%s' is not a backend (one of: %s); fix: name each "
			     "command after its backend with hyperfine's -n, e.g. -n none 'CMD' "
			     "-n fanotify-user 'subtree-bench monitor --quiet --backend "
			     "fanotify-user --rule DIR -- CMD'", path, cmd, names);
			goto fail;
		}
		codes = json_object_get(res, "exit_codes");
		/* Without them a failed command could pass for a measurement. */
		if (!json_is_array(codes) || json_array_size(codes) != json_array_size(times)) {
			errf("%s: command '%s' has no \"exit_codes\" array as long as its \"times\": "
			     "its exit status is unknown; %s (hyperfine >= 1.12 writes exit_codes)",
			     path, cmd, hf_fix);
			goto fail;
		}
		json_array_foreach(codes, k, t) {
			if (json_is_integer(t) && json_integer_value(t)) {
				errf("%s: command '%s' exited %lld in run %zu: its times are not "
				     "a measurement; fix: run the command by hand, fix it, measure "
				     "again", path, cmd, (long long)json_integer_value(t), k);
				goto fail;
			}
		}
		for (size_t j = 0; j < all->n; j++) {
			if (!strcmp(all->v[j].backend, ops->name) && all->v[j].tool &&
			    !strcmp(all->v[j].workload + 10, name)) {
				errf("%s: backend '%s' of workload '%s' is also in %s; fix: one "
				     "hyperfine file per workload, one command per backend (or "
				     "rename a file: hyperfine-<workload>.json)", path, cmd, name,
				     all->v[j].file);
				goto fail;
			}
		}
		json_array_foreach(times, k, t) {
			struct sample *s;

			/*
			 * hyperfine's default shell mode subtracts its estimate of
			 * spawning the shell and clamps at 0: a command faster than
			 * that estimate reads 0 s, which is no measurement.
			 */
			if (json_is_number(t) && json_number_value(t) == 0) {
				errf("%s: command '%s': times[%zu] is 0 s: hyperfine subtracted "
				     "a shell-spawn estimate larger than the command; fix: time it "
				     "with `hyperfine --shell=none` (scripts/realistic.sh does)",
				     path, cmd, k);
				goto fail;
			}
			/* In ns it must still be a number: 1e300 s is not a time. */
			if (!json_is_number(t) || !(json_number_value(t) > 0) ||
			    !isfinite(json_number_value(t) * 1e9)) {
				errf("%s: command '%s': times[%zu] is not a positive number of "
				     "seconds (below 1e299); %s", path, cmd, k, hf_fix);
				goto fail;
			}
			s = add_sample(all);
			if (!s || asprintf(&s->workload, "hyperfine:%s", name) < 0) {
				errf("out of memory");
				goto fail;
			}
			s->backend = ops->name;
			s->rep = (long)k;
			s->ns_per_op = json_number_value(t) * 1e9;
			s->ops = 1;
			s->file = path;
			if (!k) {
				s->tool = json_deep_copy(res);
				json_object_set_new(s->tool, "unit", json_string("s"));
				json_object_set_new(s->tool, "file", json_string(path));
			}
		}
	}
	free(name);
	json_decref(root);
	return 0;
fail:
	free(name);
	json_decref(root);
	return -1;
}

/* --- runs ----------------------------------------------------------------- */

static int cmp_rep(const void *a, const void *b)
{
	const struct sample *x = *(struct sample *const *)a, *y = *(struct sample *const *)b;

	return (x->rep > y->rep) - (x->rep < y->rep);
}

/* The samples of one (workload, backend), by repetition. */
static size_t collect(struct samples *all, const char *wl, const char *backend,
		      struct sample **out, double *x)
{
	size_t n = 0;

	for (size_t i = 0; i < all->n; i++)
		if (!strcmp(all->v[i].backend, backend) && !strcmp(all->v[i].workload, wl))
			out[n++] = &all->v[i];
	qsort(out, n, sizeof(*out), cmp_rep);
	for (size_t i = 0; i < n; i++)
		x[i] = out[i]->ns_per_op;
	return n;
}

static json_t *make_run(const char *wl, const char *backend, struct sample **s, size_t n,
			const double *x, const double *base, size_t nb)
{
	bool is_none = !strcmp(backend, "none"), is_fio = !strncmp(wl, "fio:", 4);
	json_t *warnings = json_array(), *stats, *run, *samples = json_array(), *bs, *detail;
	double ops = 0;
	char id[300];

	snprintf(id, sizeof(id), "%s/-/%s/notify", backend, wl);
	/*
	 * fio: paired. scripts/realistic.sh interleaves the backends: in
	 * repetition r every backend (none too) runs each job once, in a shuffled
	 * order, so fio-B-JOB-r.json and fio-none-JOB-r.json share the box's state
	 * of that repetition; collect() sorts both by r, so x[i] and base[i] are
	 * the same repetition when both sides hold the same repetition numbers
	 * (realistic.sh writes 1..REPS for each). hyperfine runs one command's
	 * repetitions back to back, then the next command's: times[i] of two
	 * commands share only their index, so the overhead is unpaired (the
	 * difference of the medians).
	 */
	stats = (is_fio ? sb_stats_json : sb_stats_json_unpaired)(
		x, n, is_none || !nb ? NULL : base, is_none ? 0 : nb, warnings);
	if (!stats || !warnings || !samples)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(samples, json_real(x[i]));
		ops += s[i]->ops;
	}
	ops /= (double)n;
	if (!is_none && !nb)
		json_array_append_new(warnings, json_sprintf(
			"no `none` run of %s was imported: no baseline, no overhead", wl));
	if (!is_fio)
		json_array_append_new(warnings, json_sprintf(
			"hyperfine times each command's repetitions back to back: not "
			"interleaved with the `none` runs%s", is_none || !nb ? "" :
			", so the overhead is unpaired: the difference of the medians, its "
			"CI from resampling each side independently"));
	run = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:I, s:I}",
			"id", id, "backend", backend, "strategy", "-", "workload", wl,
			"mode", "notify", "rules", (json_int_t)1, "depth", (json_int_t)1,
			"hit_ratio", 1.0, "ops", (json_int_t)llround(ops), "reps", (json_int_t)n);
	if (!run)
		return NULL;
	json_object_set_new(run, "samples_ns_per_op", samples);
	if (is_none) {
		json_object_set_new(run, "baseline_samples_ns_per_op", json_null());
	} else {
		bs = json_array();
		for (size_t i = 0; i < nb; i++)
			json_array_append_new(bs, json_real(base[i]));
		json_object_set_new(run, "baseline_samples_ns_per_op", bs);
	}
	detail = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(detail, json_pack("{s:I, s:f, s:f, s:s}",
			"rep", (json_int_t)s[i]->rep, "ns_per_op", x[i], "ops", s[i]->ops,
			"file", s[i]->file));
	json_object_set_new(run, "reps_detail", detail);
	json_object_set_new(run, "median_ns_per_op",
			    json_incref(json_object_get(json_object_get(stats, "median"), "value")));
	if (is_none)
		json_object_set_new(run, "overhead_ns_per_op", json_real(0));
	else if (nb)
		json_object_set_new(run, "overhead_ns_per_op",
			json_incref(json_object_get(json_object_get(stats, "overhead"), "value")));
	else
		json_object_set_new(run, "overhead_ns_per_op", json_null());
	json_object_set_new(run, "stats", stats);
	json_object_set_new(run, "oracle", json_pack("{s:i, s:i, s:i, s:i, s:i, s:b, s:s}",
		"expected", 0, "delivered", 0, "missing", 0, "unexpected", 0, "overflows", 0,
		"valid", 1, "why", NOT_CHECKED));
	/* Only commands that exited 0 get this far: load_fio and load_hyperfine refuse the others. */
	json_object_set_new(run, "exit_status", json_pack("{s:I, s:I, s:s}",
		"checked", (json_int_t)n, "nonzero", (json_int_t)0, "how", is_fio ?
		"each repetition's fio jobs report error 0 (scripts/realistic.sh also stops at a "
		"non-zero exit of fio or of the monitor)" :
		"hyperfine's exit_codes of every timed run are 0 (hyperfine, run without -i, also "
		"stops at a non-zero exit, warmup and prepare included)"));
	if (is_fio) {
		json_t *reps = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append(reps, s[i]->raw);
		json_object_set_new(run, "fio", json_pack("{s:s, s:s, s:o}",
			"version", s[0]->tool_version ? s[0]->tool_version : "unknown",
			"ns_per_op", "1e9 * sum over job groups of (group I/Os / group iops) / all "
			"I/Os; one group: 1e9 / (read + write + trim iops)", "reps", reps));
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i]->tool)
				json_object_set(run, "hyperfine", s[i]->tool);
	}
	json_object_set_new(run, "warnings", warnings);
	return run;
}

static int write_runs(struct samples *all, json_t *runs)
{
	struct sample **s = calloc(all->n + 1, sizeof(*s)), **bs = calloc(all->n + 1, sizeof(*bs));
	double *x = calloc(all->n + 1, sizeof(*x)), *base = calloc(all->n + 1, sizeof(*base));
	int ret = -1;

	if (!s || !bs || !x || !base) {
		errf("out of memory");
		goto out;
	}
	for (size_t i = 0; i < all->n; i++) {
		const char *wl = all->v[i].workload;
		size_t nb, seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(all->v[j].workload, wl);
		if (seen)
			continue;
		nb = collect(all, wl, "none", bs, base);
		/* In the backend table's order: none first. */
		for (size_t k = 0; sb_backends[k]; k++) {
			size_t n = collect(all, wl, sb_backends[k]->name, s, x);
			json_t *run;

			if (!n)
				continue;
			run = make_run(wl, sb_backends[k]->name, s, n, x, base, nb);
			if (!run) {
				errf("out of memory");
				goto out;
			}
			if (json_array_append_new(runs, run)) {
				errf("out of memory");
				goto out;
			}
		}
	}
	ret = 0;
out:
	free(s);
	free(bs);
	free(x);
	free(base);
	return ret;
}

/* --- command line --------------------------------------------------------- */

static const char doc[] =
	"Convert fio and hyperfine JSON into a subtree-bench results file (the same schema "
	"as `run`: report and compare read it). One run per workload and backend:\n"
	"  fio:        \"workload\": \"fio:<job>\", one sample per file (repetition) in ns "
	"per I/O operation = 1e9 / total iops (reads + writes + trims; jobs in several "
	"stonewalled groups: their total time / their total I/Os). The backend, job "
	"and repetition come from the file name: fio-<backend>-<job>-<rep>.json.\n"
	"  hyperfine:  \"workload\": \"hyperfine:<name>\" with <name> from the file name "
	"(hyperfine-<name>.json), one run per command, named with hyperfine's -n after "
	"its backend; samples are the times of the whole command in ns (\"ops\": 1).\n"
	"The `none` samples of a workload are every run's baseline: the overhead is paired "
	"by repetition for fio (scripts/realistic.sh interleaves the backends) and unpaired "
	"for hyperfine, which runs each command's repetitions back to back (the difference "
	"of the medians, its CI from resampling each side independently). \"oracle\" is valid "
	"with why \"not checked\": no event oracle applies to a whole command. The "
	"tools' own figures are kept under \"fio\" (per repetition: iops, clat "
	"percentiles, CPU) and \"hyperfine\" (mean, stddev, user, system, ... in s). "
	"The header's box is the box import runs in: import where you measured."
	"\vExit status: 0 written, 1 the output could not be written, 2 bad arguments or "
	"unreadable or unexpected input (nothing written).\n\n"
	"EXAMPLES:\n"
	"  subtree-bench import --fio raw/fio-*.json --out realistic.json\n"
	"  subtree-bench import --fio raw/fio-none-smallfiles-1.json \\\n"
	"      raw/fio-fanotify-user-smallfiles-1.json \\\n"
	"      --hyperfine raw/hyperfine-untar.json --out realistic.json\n"
	"  hyperfine --export-json hyperfine-untar.json --runs 5 \\\n"
	"      -n none 'tar -xf s.tar -C /d' \\\n"
	"      -n fanotify-user 'subtree-bench monitor --quiet \\\n"
	"          --backend fanotify-user --rule /d -- tar -xf s.tar -C /d'\n"
	"  subtree-bench import --hyperfine hyperfine-untar.json --out untar.json\n"
	"  scripts/realistic.sh OUT_DIR [REPS]     measures both, then imports\n";

static const struct argp_option options[] = {
	{ "fio", 'f', "FILE", OPTION_ARG_OPTIONAL,
	  "The FILEs that follow (or =FILE) are fio JSON, named fio-<backend>-<job>-<rep>.json", 0 },
	{ "hyperfine", 'H', "FILE", OPTION_ARG_OPTIONAL,
	  "The FILEs that follow (or =FILE) are hyperfine --export-json files, commands named "
	  "after their backends (-n)", 0 },
	{ "out", 'o', "RESULTS.json", 0, "Write the results here (and the CSV view beside it)", 0 },
	{ 0 }
};

static int add_input(struct opts *o, const char *path, enum sb_import_kind k)
{
	struct sb_import_input *in = realloc(o->in, (o->nin + 1) * sizeof(*in));

	if (!in)
		return -1;
	o->in = in;
	o->in[o->nin].path = path;
	o->in[o->nin++].kind = k;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct opts *o = state->input;

	switch (key) {
	case 'f':
	case 'H':
		o->cur = key == 'f' ? SB_IMPORT_FIO : SB_IMPORT_HYPERFINE;
		if (arg && add_input(o, arg, o->cur))
			argp_failure(state, SB_EXIT_USAGE, ENOMEM, "out of memory");
		break;
	case 'o':
		o->out = arg;
		break;
	case ARGP_KEY_ARG:
		if (!o->cur)
			argp_error(state, "'%s': say what it is: --fio FILE... or --hyperfine FILE...",
				   arg);
		if (add_input(o, arg, o->cur))
			argp_failure(state, SB_EXIT_USAGE, ENOMEM, "out of memory");
		break;
	case ARGP_KEY_END:
		if (!o->nin)
			argp_error(state, "no input: give --fio FILE... and/or --hyperfine FILE...");
		if (!o->out)
			argp_error(state, "no --out RESULTS.json: say where to write the results");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The samples of the runs: each run has its (workload, backend)'s all. */
static size_t samples_in(json_t *runs)
{
	size_t i, n = 0;
	json_t *run;

	json_array_foreach(runs, i, run)
		n += json_integer_value(json_object_get(run, "reps"));
	return n;
}

int sb_import(const struct sb_import_input *in, size_t n, json_t *runs)
{
	struct samples all = { 0 };
	int ret = SB_EXIT_USAGE;

	for (size_t i = 0; i < n; i++) {
		int rc = in[i].kind == SB_IMPORT_FIO ? load_fio(in[i].path, &all)
						     : load_hyperfine(in[i].path, &all);

		if (rc)
			goto out;
	}
	if (!all.n) {
		errf("no samples in the input files; fix: give fio or hyperfine JSON of a "
		     "finished measurement");
		goto out;
	}
	ret = write_runs(&all, runs) ? SB_EXIT_FAIL : 0;
out:
	for (size_t i = 0; i < all.n; i++) {
		free(all.v[i].workload);
		json_decref(all.v[i].raw);
		json_decref(all.v[i].tool);
	}
	free(all.v);
	return ret;
}

int cmd_import(int argc, char **argv)
{
	struct argp argp = { options, parse_opt, "[FILE...]", doc, NULL, NULL, NULL };
	struct opts o = { 0 };
	struct sb_results res = { 0 };
	json_t *runs = json_array();
	char err[512];
	int ret = SB_EXIT_USAGE;

	argp_err_exit_status = SB_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &o))
		goto out;
	if (!runs) {
		errf("out of memory");
		ret = SB_EXIT_FAIL;
		goto out;
	}
	if ((ret = sb_import(o.in, o.nin, runs)))
		goto out;
	ret = SB_EXIT_FAIL;
	if (sb_results_open(&res, o.out, NULL, argc, argv, err, sizeof(err))) {
		errf("%s", err);
		goto out;
	}
	if (json_array_extend(json_object_get(res.root, "runs"), runs)) {
		errf("out of memory");
		goto out;
	}
	if (sb_results_flush(&res, err, sizeof(err))) {
		errf("%s", err);
		goto out;
	}
	ret = SB_EXIT_OK;
	fprintf(stderr, "subtree-bench import: %zu samples from %zu files -> %s (%zu runs)\n",
		samples_in(runs), o.nin, o.out, json_array_size(runs));
out:
	if (res.root)
		sb_results_close(&res);
	json_decref(runs);
	free(o.in);
	return ret;
}
