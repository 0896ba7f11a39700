/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two import targets (fuzz_import_fio.c, fuzz_import_hyperfine.c):
 * sb_import (bench/cmd_import.c) on up to 8 files separated by FUZZ_SEP,
 * the i-th (from 0) named by name(i). The runs made must serialise as the
 * results file does.
 */
#ifndef SB_FUZZ_IMPORT_H
#define SB_FUZZ_IMPORT_H

#include "bench/cmd.h"
#include "bench/import.h"
#include "fuzz.h"

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
	}
	json_decref(runs);
	return 0;
}

#endif
