// SPDX-License-Identifier: GPL-2.0
/*
 * merge (bench/cmd_merge.c): the loader it uses (sb_results_load) and
 * sb_merge on up to 8 shard files separated by FUZZ_SEP (fuzz.h). A merged
 * root must serialise as the results file does. An input of odd length is
 * merged with --partial.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/merge.h"
#include "bench/results.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char paths[FUZZ_MAX_FILES][4400];
	struct fuzz_part parts[FUZZ_MAX_FILES];
	json_t *roots[FUZZ_MAX_FILES], *out = NULL;
	const char *names[FUZZ_MAX_FILES];
	size_t n = fuzz_split(data, size, parts, FUZZ_MAX_FILES), loaded;
	char err[1024] = "";

	for (loaded = 0; loaded < n; loaded++) {
		char name[32];

		snprintf(name, sizeof(name), "s%zu.json", loaded + 1);
		names[loaded] = fuzz_file(name, &parts[loaded], paths[loaded], sizeof(paths[loaded]));
		roots[loaded] = sb_results_load(names[loaded], err, sizeof(err));
		if (!roots[loaded])
			break;
	}
	if (loaded == n)
		out = sb_merge(roots, names, n, size % 2, err, sizeof(err));
	if (out) {
		char *s = json_dumps(out, JSON_INDENT(1) | JSON_REAL_PRECISION(12));

		if (!s) {
			fprintf(stderr, "fuzz_merge: the merged results do not serialise\n");
			abort();
		}
		free(s);
		json_decref(out);
	} else if (!err[0]) {
		fprintf(stderr, "fuzz_merge: refused without saying why\n");
		abort();
	}
	for (size_t i = 0; i < loaded; i++)
		json_decref(roots[i]);
	return 0;
}
