// SPDX-License-Identifier: GPL-2.0
/*
 * `subtree-bench export --format bmf|lkp [--out FILE] RESULTS.json`: the
 * figures of a results file for a tracker (bench/export.h has the formats).
 */
#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "export.h"
#include "results.h"

/* The box's unit of the figures: "instructions" on vm-icount, else "ns". */
static const char *time_unit(json_t *root)
{
	json_t *box = json_object_get(root, "box");
	const char *unit = json_string_value(json_object_get(box, "time_unit"));
	const char *kind = json_string_value(json_object_get(box, "kind"));

	if (unit)
		return unit;
	return kind && !strcmp(kind, "vm-icount") ? "instructions" : "ns";
}

static int by_id(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "id"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "id"));

	return strcmp(x, y);
}

/* The runs to export: valid, with an id; sorted by id. free() the array. */
static json_t **exported_runs(json_t *root, size_t *n)
{
	json_t *runs = json_object_get(root, "runs"), *run, **v;
	size_t i;

	*n = 0;
	v = calloc(json_array_size(runs) + 1, sizeof(*v));
	if (!v)
		return NULL;
	json_array_foreach(runs, i, run) {
		if (json_is_string(json_object_get(run, "id")) &&
		    json_is_true(json_object_get(json_object_get(run, "oracle"), "valid")))
			v[(*n)++] = run;
	}
	qsort(v, *n, sizeof(*v), by_id);
	return v;
}

/* A figure of stats: its value, and its CI when it has one; false if it has no value. */
static bool figure(json_t *run, const char *name, double *value, double ci[2], bool *has_ci)
{
	json_t *f = json_object_get(json_object_get(run, "stats"), name);
	json_t *c = json_object_get(f, "ci95");

	if (!json_is_number(json_object_get(f, "value")))
		return false;
	*value = json_number_value(json_object_get(f, "value"));
	*has_ci = json_array_size(c) == 2 && json_is_number(json_array_get(c, 0)) &&
		  json_is_number(json_array_get(c, 1));
	if (*has_ci) {
		ci[0] = json_number_value(json_array_get(c, 0));
		ci[1] = json_number_value(json_array_get(c, 1));
	}
	return true;
}

json_t *sb_export_bmf(json_t *root)
{
	const char *unit = time_unit(root);
	json_t *bmf = json_object(), **runs;
	size_t n;
	char cost[64], overhead[80];
	const struct { const char *stat, *measure; } measures[] = {
		{ "median", cost }, { "overhead", overhead }, { "overhead_pct", "overhead_percent" },
	};

	snprintf(cost, sizeof(cost), "%s_per_op", unit);
	snprintf(overhead, sizeof(overhead), "overhead_%s_per_op", unit);
	runs = exported_runs(root, &n);
	if (!runs || !bmf) {
		free(runs);
		json_decref(bmf);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *bench = json_object();

		for (size_t m = 0; m < sizeof(measures) / sizeof(*measures); m++) {
			double v, ci[2];
			bool has_ci;
			json_t *e;

			if (!figure(runs[i], measures[m].stat, &v, ci, &has_ci))
				continue;
			e = json_pack("{s:f}", "value", v);
			if (has_ci) {
				json_object_set_new(e, "lower_value", json_real(ci[0]));
				json_object_set_new(e, "upper_value", json_real(ci[1]));
			}
			json_object_set_new(bench, measures[m].measure, e);
		}
		if (json_object_size(bench))
			json_object_set_new(bmf, json_string_value(json_object_get(runs[i], "id")), bench);
		else
			json_decref(bench);
	}
	free(runs);
	return bmf;
}

size_t sb_export_lkp(json_t *root, FILE *out)
{
	static const char *const figures[] = { "median", "overhead", "overhead_pct", "mean", "stddev" };
	size_t n, lines = 0;
	json_t **runs = exported_runs(root, &n);

	for (size_t i = 0; runs && i < n; i++) {
		const char *id = json_string_value(json_object_get(runs[i], "id"));

		for (size_t k = 0; k < sizeof(figures) / sizeof(*figures); k++) {
			double v, ci[2];
			bool has_ci;

			if (!figure(runs[i], figures[k], &v, ci, &has_ci))
				continue;
			fprintf(out, "%s.%s: %.12g\n", id, figures[k], v);
			lines++;
			if (has_ci) {
				fprintf(out, "%s.%s_ci95_lower: %.12g\n", id, figures[k], ci[0]);
				fprintf(out, "%s.%s_ci95_upper: %.12g\n", id, figures[k], ci[1]);
				lines += 2;
			}
		}
	}
	free(runs);
	return lines;
}

struct export_opts {
	const char *format, *out, *path;
};

static const struct argp_option export_options[] = {
	{ "format", 'f', "FORMAT", 0, "bmf (Bencher Metric Format JSON) or lkp (LKP-style 'key: value' lines)", 0 },
	{ "out", 'o', "FILE", 0, "write there instead of to stdout", 0 },
	{ 0 }
};

static error_t export_parse(int key, char *arg, struct argp_state *state)
{
	struct export_opts *o = state->input;

	switch (key) {
	case 'f':
		if (strcmp(arg, "bmf") && strcmp(arg, "lkp"))
			argp_error(state, "--format '%s': use bmf or lkp", arg);
		o->format = arg;
		break;
	case 'o': o->out = arg; break;
	case ARGP_KEY_ARG:
		if (o->path)
			argp_error(state, "one results file at a time ('%s' and '%s'): merge shards first with 'subtree-bench merge'",
				   o->path, arg);
		o->path = arg;
		break;
	case ARGP_KEY_END:
		if (!o->path)
			argp_error(state, "no results file given, e.g. export --format bmf results.json");
		if (!o->format)
			argp_error(state, "no --format: give --format bmf or --format lkp");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp export_argp = {
	export_options, export_parse, "RESULTS.json",
	"Write the figures of a results file in a tracker's format, to stdout or\n"
	"--out FILE. Only runs that passed the oracle are written (invalid runs and\n"
	"unavailable backends are left out), in the order of their ids; figures in\n"
	"the box's time unit (instructions on vm-icount, else ns).\n\n"
	"bmf: Bencher Metric Format, one benchmark per run id with the measures\n"
	"<unit>_per_op (the median), overhead_<unit>_per_op (paired, over none) and\n"
	"overhead_percent, each with lower_value/upper_value from its 95 % CI.\n"
	"lkp: one '<run id>.<figure>: value' line per figure: median, overhead,\n"
	"overhead_pct (each then _ci95_lower, _ci95_upper), mean, stddev.\n\n"
	"Examples:\n"
	"  subtree-bench export --format bmf results.json > bmf.json\n"
	"  bencher run --file bmf.json --adapter json ...   # then upload it to Bencher\n"
	"  subtree-bench export --format lkp --out stats results.json\n"
	"\vExit status: 0 written; 2 bad input (unreadable file, unknown format) or\n"
	"--out cannot be written.",
	NULL, NULL, NULL
};

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { 0 };
	char err[1024];
	json_t *root, *bmf = NULL;
	FILE *out = stdout;
	int ret = SB_EXIT_OK;
	size_t n;

	if (argp_parse(&export_argp, argc, argv, 0, NULL, &o))
		return SB_EXIT_USAGE;
	root = sb_results_load(o.path, err, sizeof(err));
	if (!root) {
		fprintf(stderr, "subtree-bench export: %s\n", err);
		return SB_EXIT_USAGE;
	}
	if (!strcmp(o.format, "bmf")) {
		bmf = sb_export_bmf(root);
		if (!bmf) {
			fprintf(stderr, "subtree-bench export: out of memory\n");
			json_decref(root);
			return SB_EXIT_FAIL;
		}
	}
	if (o.out && !(out = fopen(o.out, "w"))) {
		fprintf(stderr, "subtree-bench export: --out '%s': %s\n", o.out, strerror(errno));
		json_decref(bmf);
		json_decref(root);
		return SB_EXIT_USAGE;
	}
	if (bmf) {
		n = json_object_size(bmf);
		if (json_dumpf(bmf, out, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) || fputc('\n', out) == EOF)
			ret = SB_EXIT_USAGE;
	} else {
		n = sb_export_lkp(root, out);
	}
	if ((out != stdout ? fclose(out) : fflush(out)) || ret) {
		fprintf(stderr, "subtree-bench export: writing %s: %s\n", o.out ? o.out : "stdout",
			strerror(errno));
		ret = SB_EXIT_USAGE;
	}
	if (!ret && !n)
		fprintf(stderr, "subtree-bench export: '%s' has no run that passed the oracle: nothing exported\n",
			o.path);
	json_decref(bmf);
	json_decref(root);
	return ret;
}
