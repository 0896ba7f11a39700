// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench merge A.json B.json ... --out ALL.json`: the shards of one
 * sweep as one results file (bench/merge.h says what must agree).
 */
#include <argp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "merge.h"
#include "results.h"
#include "shard.h"

static const char same_command[] =
	"fix: merge the shards of one run command (the same --spec and options, on one "
	"box and revision: only --shard and --out differ)";

static void msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A JSON value for a message, or "missing"; free() it. */
static char *show(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	return s ? s : strdup("missing");
}

/*
 * The first key in which objects a and b differ (keys of a in order, then
 * those only b has), or NULL.
 */
static const char *first_difference(json_t *a, json_t *b)
{
	const char *key;
	json_t *v;

	json_object_foreach(a, key, v) {
		if (!json_equal(v, json_object_get(b, key)))
			return key;
	}
	json_object_foreach(b, key, v) {
		if (!json_object_get(a, key))
			return key;
	}
	return NULL;
}

/* "'B': FIELD X, 'A' has Y: WHY; FIX" */
static void differs(char *err, size_t errlen, const char *pa, const char *pb, const char *field,
		    json_t *va, json_t *vb, const char *why, const char *fix)
{
	char *sa = show(va), *sb = show(vb);

	msg(err, errlen, "'%s': %s %s, '%s' has %s: %s; %s", pb, field, sb, pa, sa, why, fix);
	free(sa);
	free(sb);
}

/* The plans of two inputs: the same sweeps with the same options. */
static int same_plan(json_t *a, json_t *b, const char *pa, const char *pb, char *err, size_t errlen)
{
	json_t *sa = json_object_get(a, "sweeps"), *sb = json_object_get(b, "sweeps");
	const char *key;
	char field[128];

	if (json_array_size(sa) != json_array_size(sb)) {
		json_t *na = json_integer((json_int_t)json_array_size(sa));
		json_t *nb = json_integer((json_int_t)json_array_size(sb));

		differs(err, errlen, pa, pb, "plan: the number of sweeps (spec lines)", na, nb,
			"another spec", same_command);
		json_decref(na);
		json_decref(nb);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(sa); i++) {
		json_t *x = json_array_get(sa, i), *y = json_array_get(sb, i);

		key = first_difference(x, y);
		if (key) {
			snprintf(field, sizeof(field), "plan: sweep %zu %s", i + 1, key);
			differs(err, errlen, pa, pb, field, json_object_get(x, key), json_object_get(y, key),
				"they measure other cells or with other options", same_command);
			return -1;
		}
	}
	if (!json_equal(json_object_get(a, "cells"), json_object_get(b, "cells"))) {
		differs(err, errlen, pa, pb, "plan.cells", json_object_get(a, "cells"),
			json_object_get(b, "cells"), "another sweep", same_command);
		return -1;
	}
	return 0;
}

/* The header of input i against input 0: what makes their figures one set. */
static int same_header(json_t *a, json_t *b, const char *pa, const char *pb, char *err, size_t errlen)
{
	json_t *ba = json_object_get(a, "box"), *bb = json_object_get(b, "box");
	const char *key;

	if (!json_equal(json_object_get(a, "git_revision"), json_object_get(b, "git_revision"))) {
		differs(err, errlen, pa, pb, "git_revision", json_object_get(a, "git_revision"),
			json_object_get(b, "git_revision"), "measured by different builds of the harness",
			"fix: re-run the shards that differ at one revision");
		return -1;
	}
	if (!json_is_object(ba) || !json_is_object(bb)) {
		msg(err, errlen, "'%s': no \"box\" object: not a results file of 'subtree-bench run'",
		    json_is_object(ba) ? pb : pa);
		return -1;
	}
	key = first_difference(ba, bb);
	if (key) {
		char field[128];

		snprintf(field, sizeof(field), "box.%s", key);
		differs(err, errlen, pa, pb, field, json_object_get(ba, key), json_object_get(bb, key),
			"measured on different boxes or kernels, whose figures do not mix",
			"fix: run every shard on one box kind, kernel and CPU model (vm-icount counts "
			"instructions, which the host's speed and load do not change)");
		return -1;
	}
	return same_plan(json_object_get(a, "plan"), json_object_get(b, "plan"), pa, pb, err, errlen);
}

/* An input's shard; a file without one is the whole sweep, 1/1. */
static int input_shard(json_t *root, const char *path, struct sb_shard *s, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, "shard");
	char why[256];

	if (!v) {
		*s = (struct sb_shard){ 1, 1 };
		return 0;
	}
	if (!json_is_string(v) || sb_shard_parse(json_string_value(v), s, why, sizeof(why))) {
		char *sv = show(v);

		msg(err, errlen, "'%s': \"shard\" %s is not I/N: not written by 'subtree-bench run --shard'", path, sv);
		free(sv);
		return -1;
	}
	return 0;
}

/* Does list hold an entry equal to e in every key? */
static bool listed(json_t *list, json_t *e, const char *const *keys)
{
	json_t *u;
	size_t i;

	json_array_foreach(list, i, u) {
		bool same = true;

		for (const char *const *k = keys; *k && same; k++)
			same = json_equal(json_object_get(u, *k), json_object_get(e, *k));
		if (same)
			return true;
	}
	return false;
}

/* out[name]: the entries of every input's name list, each (by keys) once. */
static void union_lists(json_t *out, json_t *const *roots, size_t n, const char *name,
			const char *const *keys)
{
	json_t *all = json_array(), *e;
	bool any = false;
	size_t i;

	for (size_t f = 0; f < n; f++) {
		json_t *list = json_object_get(roots[f], name);

		any |= list != NULL;
		json_array_foreach(list, i, e) {
			if (!listed(all, e, keys))
				json_array_append(all, e);
		}
	}
	if (any)
		json_object_set_new(out, name, all);
	else
		json_decref(all);
}

struct placed {
	json_int_t cell;
	size_t file, pos;
	json_t *run;
};

static int by_cell(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * A shard that stopped early (interrupted, or a fatal error) has no runs of
 * its last cells: every cell a shard measured has its `none` at least. Its
 * runs are sorted by cell: which cell of a given shard has none?
 */
static int incomplete(const struct placed *all, size_t k,
		      const char *const *paths, size_t n, const struct sb_shard *shards,
		      json_int_t cells, char *err, size_t errlen)
{
	size_t j = 0;

	for (json_int_t c = 0; c < cells; c++) {
		while (j < k && all[j].cell < c)
			j++;
		if (j < k && all[j].cell == c)
			continue;
		for (size_t f = 0; f < n; f++) {
			if (!sb_shard_owns(&shards[f], (size_t)c))
				continue;
			msg(err, errlen, "'%s' (shard %lu/%lu) has no run of cell %lld of %lld: it stopped early (interrupted, or an error: see its log); fix: re-run that shard, or --partial to merge what there is",
			    paths[f], shards[f].index, shards[f].count, (long long)c, (long long)cells);
			return -1;
		}
	}
	return 0;
}

/* Every run, checked (id once, in a cell its shard measures), in cell order. */
static json_t *merged_runs(json_t *const *roots, const char *const *paths, size_t n,
			   const struct sb_shard *shards, json_int_t cells, bool partial,
			   char *err, size_t errlen)
{
	json_t *seen = json_object(), *runs = NULL, *run;
	struct placed *all = NULL;
	size_t total = 0, k = 0, i;

	for (size_t f = 0; f < n; f++)
		total += json_array_size(json_object_get(roots[f], "runs"));
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all || !seen) {
		msg(err, errlen, "out of memory");
		goto out;
	}
	for (size_t f = 0; f < n; f++) {
		json_array_foreach(json_object_get(roots[f], "runs"), i, run) {
			const char *id = json_string_value(json_object_get(run, "id"));
			json_t *cell = json_object_get(run, "cell"), *other;

			if (!id || !json_is_integer(cell)) {
				msg(err, errlen, "'%s': run #%zu has no \"id\" or no \"cell\": not a results file of 'subtree-bench run' at this revision",
				    paths[f], i + 1);
				goto out;
			}
			other = json_object_get(seen, id);
			if (other && (size_t)json_integer_value(other) == f) {
				msg(err, errlen, "'%s': run id \"%s\" appears twice in it: ids name a cell's run and are unique; fix: re-run that shard",
				    paths[f], id);
				goto out;
			}
			if (other) {
				msg(err, errlen, "'%s': run id \"%s\" is in '%s' too: fix: give each shard once (a re-run shard replaces its file)",
				    paths[f], id, paths[json_integer_value(other)]);
				goto out;
			}
			if (json_integer_value(cell) < 0 || json_integer_value(cell) >= cells ||
			    !sb_shard_owns(&shards[f], (size_t)json_integer_value(cell))) {
				msg(err, errlen, "'%s': run \"%s\" is of cell %lld, which shard %lu/%lu of %lld cells does not measure: the file was edited or mislabelled; fix: re-run that shard",
				    paths[f], id, (long long)json_integer_value(cell), shards[f].index,
				    shards[f].count, (long long)cells);
				goto out;
			}
			json_object_set_new(seen, id, json_integer((json_int_t)f));
			all[k++] = (struct placed){ json_integer_value(cell), f, i, run };
		}
	}
	qsort(all, k, sizeof(*all), by_cell);
	if (!partial && incomplete(all, k, paths, n, shards, cells, err, errlen))
		goto out;
	runs = json_array();
	for (i = 0; runs && i < k; i++)
		json_array_append(runs, all[i].run);
out:
	free(all);
	json_decref(seen);
	return runs;
}

static const char *const unavailable_keys[] = { "backend", "mode", NULL };
static const char *const unavailable_fs_keys[] = { "backend", "strategy", "mode", "fs", NULL };

json_t *sb_merge(json_t *const *roots, const char *const *paths, size_t n, bool partial,
		 char *err, size_t errlen)
{
	struct sb_shard *shards = calloc(n ? n : 1, sizeof(*shards));
	const char **given = NULL;	/* given[index]: the file of that shard */
	json_t *out = NULL, *runs, *from, *missing = NULL, *cells;
	const char *created = NULL;

	if (!shards || !n) {
		msg(err, errlen, n ? "out of memory" : "no results file to merge");
		goto fail;
	}
	for (size_t f = 0; f < n; f++) {
		const char *tool = json_string_value(json_object_get(roots[f], "tool"));

		if (!tool || strcmp(tool, "subtree-bench")) {
			msg(err, errlen, "'%s': \"tool\" is not \"subtree-bench\": give results files of 'subtree-bench run'", paths[f]);
			goto fail;
		}
		if (!json_is_array(json_object_get(json_object_get(roots[f], "plan"), "sweeps"))) {
			msg(err, errlen, "'%s': no \"plan\" with its sweeps: written by a subtree-bench run older than --shard, or by import; fix: run every shard with this revision",
			    paths[f]);
			goto fail;
		}
		if ((f && same_header(roots[0], roots[f], paths[0], paths[f], err, errlen)) ||
		    input_shard(roots[f], paths[f], &shards[f], err, errlen))
			goto fail;
		if (shards[f].count != shards[0].count) {
			msg(err, errlen, "'%s': shard %lu/%lu, '%s' is shard %lu/%lu: the shards of one sweep have one N; fix: run them all with --shard I/%lu",
			    paths[f], shards[f].index, shards[f].count, paths[0], shards[0].index,
			    shards[0].count, shards[0].count);
			goto fail;
		}
	}
	given = calloc(shards[0].count + 1, sizeof(*given));
	if (!given) {
		msg(err, errlen, "--shard I/%lu: out of memory for that many shards", shards[0].count);
		goto fail;
	}
	for (size_t f = 0; f < n; f++) {
		if (given[shards[f].index]) {
			msg(err, errlen, "'%s' and '%s' are both shard %lu/%lu%s: fix: give each shard once",
			    given[shards[f].index], paths[f], shards[f].index, shards[f].count,
			    shards[f].count == 1 ? " (the whole sweep)" : "");
			goto fail;
		}
		given[shards[f].index] = paths[f];
	}
	for (unsigned long i = 1; i <= shards[0].count; i++) {
		char name[64];

		if (given[i])
			continue;
		if (!partial) {
			msg(err, errlen, "shard %lu/%lu is missing (%zu of the %lu shards given): fix: add its results file, or --partial to merge those there are",
			    i, shards[0].count, n, shards[0].count);
			goto fail;
		}
		if (!missing)
			missing = json_array();
		snprintf(name, sizeof(name), "%lu/%lu", i, shards[0].count);
		json_array_append_new(missing, json_string(name));
	}
	cells = json_object_get(json_object_get(roots[0], "plan"), "cells");
	runs = merged_runs(roots, paths, n, shards, json_is_integer(cells) ? json_integer_value(cells) : 0,
			   partial, err, errlen);
	if (!runs)
		goto fail;
	/* The first file's header; the sweep started when its first shard did. */
	out = json_copy(roots[0]);
	from = json_array();
	for (size_t f = 0; f < n; f++) {
		const char *c = json_string_value(json_object_get(roots[f], "created_utc"));

		if (c && (!created || strcmp(c, created) < 0))
			created = c;
		json_array_append_new(from, json_pack("{s:s, s:O?, s:O?, s:O?}", "file", paths[f],
			"shard", json_object_get(roots[f], "shard"),
			"created_utc", json_object_get(roots[f], "created_utc"),
			"command_line", json_object_get(roots[f], "command_line")));
	}
	json_object_del(out, "shard");
	if (created)
		json_object_set_new(out, "created_utc", json_string(created));
	json_object_set_new(out, "runs", runs);
	json_object_set_new(out, "unavailable", json_array());
	union_lists(out, roots, n, "unavailable", unavailable_keys);
	json_object_del(out, "unavailable_on_fs");
	union_lists(out, roots, n, "unavailable_on_fs", unavailable_fs_keys);
	json_object_set_new(out, "merged_from", from);
	if (missing)
		json_object_set_new(out, "missing_shards", missing);
fail:
	if (!out)
		json_decref(missing);	/* else out holds it */
	free(shards);
	free(given);
	return out;
}

struct merge_opts {
	const char *out;
	bool partial;
	const char *paths[SB_SHARD_MAX];
	size_t n;
};

static const struct argp_option merge_options[] = {
	{ "out", 'o', "FILE.json", 0, "the merged results file (FILE.csv is written beside it, as by run)", 0 },
	{ "partial", 'p', NULL, 0, "merge the shards given although some are missing (listed in \"missing_shards\") or stopped early", 0 },
	{ 0 }
};

static error_t merge_parse(int key, char *arg, struct argp_state *state)
{
	struct merge_opts *o = state->input;

	switch (key) {
	case 'o': o->out = arg; break;
	case 'p': o->partial = true; break;
	case ARGP_KEY_ARG:
		if (o->n == sizeof(o->paths) / sizeof(*o->paths))
			argp_error(state, "at most %zu results files", o->n);
		o->paths[o->n++] = arg;
		break;
	case ARGP_KEY_END:
		if (!o->n)
			argp_error(state, "no results file given: give the shards' files, e.g. merge s1.json s2.json --out all.json");
		if (!o->out)
			argp_error(state, "no --out FILE.json: where the merged results go");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp merge_argp = {
	merge_options, merge_parse, "SHARD.json...",
	"Combine the results files of the shards of one sweep (run --shard I/N) into\n"
	"one results file, as the unsharded run would have written it: the runs in\n"
	"the sweep's order, the unavailable backends of every shard once. The files\n"
	"must have the same git_revision, box (kind, kernel, kernel_build, cpu_model,\n"
	"cores, time_unit), schema_version and plan (the resolved options of every\n"
	"sweep: variants, axes, ops, reps, count-reps, files, seed, tree shape,\n"
	"reporting, settle/drain/watchdog, whether the consumer shares the workload's\n"
	"CPU), the same N and each shard once, every one of them unless --partial;\n"
	"no run id twice; and, unless --partial, runs of every cell of each shard (a\n"
	"shard that was interrupted has none of its last cells).\n\n"
	"Examples:\n"
	"  subtree-bench run --spec s.spec --shard 1/2 --out s1.json   # one job\n"
	"  subtree-bench run --spec s.spec --shard 2/2 --out s2.json   # another\n"
	"  subtree-bench merge s1.json s2.json --out all.json\n"
	"  subtree-bench merge --partial s1.json --out some.json\n"
	"\vExit status: 0 merged; 2 bad input: files that do not belong together (the\n"
	"message names the file and the field), a missing or repeated shard, a file\n"
	"that cannot be read or written.",
	NULL, NULL, NULL
};

int cmd_merge(int argc, char **argv)
{
	static struct merge_opts o;
	json_t *roots[sizeof(o.paths) / sizeof(*o.paths)];
	struct sb_results res = { 0 };
	char err[1024] = "", cmdline[4096] = "";
	int ret = SB_EXIT_USAGE;
	size_t loaded = 0;

	/* Before argp permutes argv. */
	sb_command_line(argc, argv, cmdline, sizeof(cmdline));
	if (argp_parse(&merge_argp, argc, argv, 0, NULL, &o))
		return SB_EXIT_USAGE;
	for (; loaded < o.n; loaded++) {
		roots[loaded] = sb_results_load(o.paths[loaded], err, sizeof(err));
		if (!roots[loaded]) {
			fprintf(stderr, "subtree-bench merge: %s\n", err);
			goto out;
		}
	}
	res.root = sb_merge(roots, o.paths, o.n, o.partial, err, sizeof(err));
	if (!res.root) {
		fprintf(stderr, "subtree-bench merge: %s\n", err);
		goto out;
	}
	json_object_set_new(res.root, "command_line", json_string(cmdline));
	res.path = strdup(o.out);
	if (!res.path || sb_results_flush(&res, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench merge: %s\n", res.path ? err : "out of memory");
		goto out;
	}
	fprintf(stderr, "subtree-bench merge: %zu runs from %zu file(s) into %s%s\n",
		json_array_size(json_object_get(res.root, "runs")), o.n, o.out,
		json_object_get(res.root, "missing_shards") ? " (partial: shards missing)" : "");
	ret = SB_EXIT_OK;
out:
	sb_results_close(&res);
	for (size_t i = 0; i < loaded; i++)
		json_decref(roots[i]);
	return ret;
}
