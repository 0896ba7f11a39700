// SPDX-License-Identifier: GPL-2.0
/*
 * import --fio (bench/cmd_import.c): fio JSON files named as
 * scripts/realistic.sh names them, none and fanotify-user alternately,
 * repetitions 1, 1, 2, 2, ... (fuzz_import.h).
 */
#include "fuzz_import.h"

static void name(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "fio-%s-job-%zu.json", i % 2 ? "fanotify-user" : "none", i / 2 + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, SB_IMPORT_FIO, name);
}
