// SPDX-License-Identifier: GPL-2.0
/*
 * run --spec's parser (bench/cmd_run.c: parse_spec through
 * sb_run_check_spec): the input is a spec file. A spec that parses must
 * measure at least one cell.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	size_t cells;

	if (!f)
		return 0;	/* fmemopen refuses a zero-length buffer */
	if (!sb_run_check_spec(f, "fuzz.spec", &cells) && !cells) {
		fprintf(stderr, "fuzz_spec: a spec that parses measures no cell\n");
		abort();
	}
	fclose(f);
	return 0;
}
