// SPDX-License-Identifier: GPL-2.0
/* The workload table, generated from workloads/list.h, and the threads' slices. */
#include <stdio.h>
#include <string.h>

#include "workload.h"

#define SB_WORKLOAD(sym) &sym,
const struct sb_workload_ops *const sb_workloads[] = {
#include "list.h"
	NULL,
};
#undef SB_WORKLOAD

const struct sb_workload_ops *sb_workload_find(const char *name)
{
	for (size_t i = 0; sb_workloads[i]; i++) {
		if (!strcmp(sb_workloads[i]->name, name))
			return sb_workloads[i];
	}
	return NULL;
}

void sb_wl_slice(size_t ops, unsigned int n, unsigned int i, size_t *begin, size_t *end)
{
	/* The first ops % n threads take one operation more than the others. */
	size_t q = ops / n, r = ops % n;

	*begin = q * i + (i < r ? i : r);
	*end = *begin + q + (i < r);
}

int sb_wl_threads_check(const struct sb_workload_ops *wl, unsigned int n, size_t ops,
			char *err, size_t errlen)
{
	if (n > 1 && wl->serial) {
		snprintf(err, errlen, "%s: --threads %u: its operations follow each other on the same objects (each starts where the one before left them), so its list cannot be split between threads: run it with --threads 1",
			 wl->name, n);
		return -1;
	}
	if (n > ops) {
		snprintf(err, errlen, "%s: --threads %u with --ops %zu: every thread needs at least one operation: give --ops %u or more",
			 wl->name, n, ops, n);
		return -1;
	}
	return 0;
}
