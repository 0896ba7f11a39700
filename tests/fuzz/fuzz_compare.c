// SPDX-License-Identifier: GPL-2.0
/*
 * compare (bench/cmd_compare.c), the command itself: the input is BASE and
 * NEW separated by FUZZ_SEP (fuzz.h); without a separator the file is
 * compared with itself. Its exit status must be one it documents.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/cmd.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char base[4400], new[4400];
	char cmd[] = "compare";
	struct fuzz_part parts[2];
	size_t n = fuzz_split(data, size, parts, 2);
	char *argv[] = { cmd, base, new, NULL };
	int rc;

	fuzz_file("base.json", &parts[0], base, sizeof(base));
	fuzz_file("new.json", &parts[n - 1], new, sizeof(new));
	rc = cmd_compare(3, argv);
	if (rc != SB_EXIT_OK && rc != SB_EXIT_FAIL && rc != SB_EXIT_USAGE) {
		fprintf(stderr, "fuzz_compare: exit status %d\n", rc);
		abort();
	}
	return 0;
}
