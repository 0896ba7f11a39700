/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands: one table in main.c, one file each. */
#ifndef SB_CMD_H
#define SB_CMD_H

#include <stddef.h>
#include <stdio.h>

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_export(int argc, char **argv);

/*
 * run --spec's parser on f (name in messages), with run's defaults: 0 and
 * the number of cells its sweeps measure, or -1 after saying why on stderr.
 * Checks what needs no box: options, workloads, strategies (tests/fuzz).
 */
int sb_run_check_spec(FILE *f, const char *name, size_t *cells);

/* Exit codes shared by the subcommands. */
#define SB_EXIT_OK 0
#define SB_EXIT_FAIL 1		/* ran, but a run was invalid or a check failed */
#define SB_EXIT_USAGE 2		/* bad input: nothing was measured */

/*
 * --box: re-execute this command inside the bench VM (bench/vm.c), killing
 * the guest after timeout_s (SUBTREE_BENCH_VM_TIMEOUT overrides).
 */
int sb_vm_exec(const char *box, int argc, char **argv, const char *share_dir,
	       unsigned int timeout_s);
#define SB_VM_TIMEOUT_SHORT 600		/* list, monitor */
#define SB_VM_TIMEOUT_RUN (6 * 3600)	/* a whole sweep */
/* The directory of this executable's repository (for scripts/). */
const char *sb_repo_dir(void);

#endif
