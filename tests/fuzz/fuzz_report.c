// SPDX-License-Identifier: GPL-2.0
/*
 * report (bench/report/): load, derive and the Markdown text, as `report`
 * runs them but for the files it writes. The input is up to 4 results files
 * separated by FUZZ_SEP (fuzz.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/report/report.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char paths[4][4400];
	struct fuzz_part parts[4];
	char *files[4];
	struct report r = { .files = files, .no_plots = true };
	int ret;

	r.nfiles = (int)fuzz_split(data, size, parts, 4);
	for (int i = 0; i < r.nfiles; i++) {
		char name[32];

		snprintf(name, sizeof(name), "r%d.json", i + 1);
		files[i] = (char *)fuzz_file(name, &parts[i], paths[i], sizeof(paths[i]));
	}
	ret = report_load(&r);
	if (!ret)
		ret = report_derive(&r);
	if (!ret) {
		size_t len;

		free(report_md(&r, "", &len));
	}
	if (ret && ret != EXIT_INPUT) {
		fprintf(stderr, "fuzz_report: status %d on input\n", ret);
		abort();
	}
	report_derive_free(&r);
	report_load_free(&r);
	return 0;
}
