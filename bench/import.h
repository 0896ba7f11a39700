/* SPDX-License-Identifier: GPL-2.0 */
/* `import`: fio and hyperfine JSON as results runs (bench/cmd_import.c). */
#ifndef SB_IMPORT_H
#define SB_IMPORT_H

#include <stddef.h>

#include <jansson.h>

enum sb_import_kind { SB_IMPORT_FIO = 1, SB_IMPORT_HYPERFINE };

struct sb_import_input {
	const char *path;
	enum sb_import_kind kind;
};

/*
 * Read the n input files and append one run per (workload, backend) to
 * runs. 0, or SB_EXIT_USAGE (bad input) or SB_EXIT_FAIL (out of memory)
 * after saying on stderr which file and the fix.
 */
int sb_import(const struct sb_import_input *in, size_t n, json_t *runs);

#endif
