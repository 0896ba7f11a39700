// SPDX-License-Identifier: GPL-2.0
/* The workload table, generated from workloads/list.h. */
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
