/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two import targets (fuzz_import_fio.c, fuzz_import_hyperfine.c):
 * sb_import (bench/cmd_import.c) on up to 8 files separated by FUZZ_SEP,
 * the i-th (from 0) named by name(i). The runs made must serialise as the
 * results file does, with every sample and the median in it.
 */
#ifndef SB_FUZZ_IMPORT_H
#define SB_FUZZ_IMPORT_H

#include "bench/cmd.h"
#include "bench/import.h"
#include "fuzz.h"

/* Every run made has a sample per repetition and a median: a figure that
 * did not fit in JSON (an overflow to inf) would be dropped silently. */
static inline void fuzz_check_runs(json_t *runs)
{
	size_t i;
	json_t *run;

	json_array_foreach(runs, i, run) {
		json_t *samples = json_object_get(run, "samples_ns_per_op");
		json_int_t reps = json_integer_value(json_object_get(run, "reps"));

		if (reps < 1 || json_array_size(samples) != (size_t)reps ||
		    !json_is_number(json_object_get(run, "median_ns_per_op"))) {
			fprintf(stderr, "fuzz: run %s: %zu samples of %lld repetitions, median %s\n",
				json_string_value(json_object_get(run, "id")), json_array_size(samples),
				(long long)reps,
				json_is_number(json_object_get(run, "median_ns_per_op")) ? "a number" : "missing");
			abort();
		}
	}
}

static inline int fuzz_import(const uint8_t *data, size_t size, enum sb_import_kind kind,
			      void (*name)(size_t i, char *buf, size_t len))
{
	static char paths[FUZZ_MAX_FILES][4400];
	struct fuzz_part parts[FUZZ_MAX_FILES];
	struct sb_import_input in[FUZZ_MAX_FILES];
	size_t n = fuzz_split(data, size, parts, FUZZ_MAX_FILES);
	json_t *runs = json_array();
	int rc;

	for (size_t i = 0; i < n; i++) {
		char file[64];

		name(i, file, sizeof(file));
		in[i] = (struct sb_import_input){
			fuzz_file(file, &parts[i], paths[i], sizeof(paths[i])), kind };
	}
	rc = sb_import(in, n, runs);
	if (rc != 0 && rc != SB_EXIT_USAGE) {
		fprintf(stderr, "fuzz: sb_import returned %d\n", rc);
		abort();
	}
	if (!rc) {
		char *s = json_dumps(runs, JSON_REAL_PRECISION(12));

		if (!s || !json_array_size(runs)) {
			fprintf(stderr, "fuzz: %s\n", s ? "no run made" : "the runs do not serialise");
			abort();
		}
		free(s);
		fuzz_check_runs(runs);
	}
	json_decref(runs);
	return 0;
}

#endif
