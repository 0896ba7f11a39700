/* SPDX-License-Identifier: GPL-2.0 */
/* Which test box this is, for the results. */
#ifndef SB_BOX_H
#define SB_BOX_H

#include <stdbool.h>
#include <jansson.h>

/* "host", "vm" or "vm-icount" (SUBTREE_BENCH_BOX, set when the VM was booted). */
const char *sb_box_kind(void);
bool sb_in_guest(void);
/* { kind, kernel, kernel_build, cpu_model, cores, time_unit } */
json_t *sb_box_json(void);

#endif
