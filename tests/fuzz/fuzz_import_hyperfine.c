// SPDX-License-Identifier: GPL-2.0
/*
 * import --hyperfine (bench/cmd_import.c): hyperfine --export-json files
 * named hyperfine-w1.json, hyperfine-w2.json, ... (the workloads;
 * fuzz_import.h).
 */
#include "fuzz_import.h"

static void name(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "hyperfine-w%zu.json", i + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, SB_IMPORT_HYPERFINE, name);
}
