// SPDX-License-Identifier: GPL-2.0
/*
 * The bench VM from the harness's side: `subtree-bench vm` and `--box vm`
 * hand over to scripts/vm/run.sh, which boots our kernel with the host root
 * shared read-only and runs the same binary inside. SUBTREE_BENCH_BOX tells
 * the guest which box it is, for the results.
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

const char *sb_repo_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];

	if (dir[0])
		return dir;
	if (!realpath("/proc/self/exe", exe))
		return ".";
	/* The binary is <repo>/build/subtree-bench (or build-san/). */
	snprintf(dir, sizeof(dir), "%s", dirname(dirname(exe)));
	return dir;
}

static int exec_run_sh(const char *box, const char *timeout, const char *variant,
		       const char *share, char **cmd)
{
	char script[PATH_MAX];
	char *argv[16 + 256];
	int n = 0;

	snprintf(script, sizeof(script), "%s/scripts/vm/run.sh", sb_repo_dir());
	argv[n++] = script;
	argv[n++] = "--box";
	argv[n++] = (char *)box;
	if (timeout) {
		argv[n++] = "--timeout";
		argv[n++] = (char *)timeout;
	}
	if (variant) {
		argv[n++] = "--variant";
		argv[n++] = (char *)variant;
	}
	if (share) {
		argv[n++] = "--share";
		argv[n++] = (char *)share;
	}
	argv[n++] = "--";
	for (int i = 0; cmd[i] && n < (int)(sizeof(argv) / sizeof(argv[0])) - 1; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	setenv("SUBTREE_BENCH_BOX", box, 1);
	execv(script, argv);
	fprintf(stderr, "subtree-bench: cannot run %s: %s (is the repository complete?)\n",
		script, strerror(errno));
	return SB_EXIT_USAGE;
}

static int valid_box(const char *box)
{
	return !strcmp(box, "vm") || !strcmp(box, "vm-icount");
}

int sb_vm_exec(const char *box, int argc, char **argv, const char *share_dir,
	       unsigned int timeout_s)
{
	char timeout[32];
	const char *env = getenv("SUBTREE_BENCH_VM_TIMEOUT");
	char exe[PATH_MAX];
	char **cmd;
	int n = 0;

	if (!valid_box(box)) {
		fprintf(stderr, "subtree-bench: --box '%s': use host, vm or vm-icount\n", box);
		return SB_EXIT_USAGE;
	}
	if (!realpath("/proc/self/exe", exe)) {
		perror("subtree-bench: /proc/self/exe");
		return SB_EXIT_USAGE;
	}
	cmd = calloc(argc + 2, sizeof(*cmd));
	if (!cmd)
		return SB_EXIT_USAGE;
	cmd[n++] = exe;
	/* The same command without --box: the guest runs it on itself. */
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			for (; i < argc; i++)
				cmd[n++] = argv[i];
			break;
		}
		if (!strcmp(argv[i], "--box") || !strcmp(argv[i], "-B")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--box=", 6))
			continue;
		/* argv[0] is "subtree-bench COMMAND" (see main.c): keep COMMAND. */
		if (i == 0 && strchr(argv[0], ' '))
			cmd[n++] = strchr(argv[0], ' ') + 1;
		else
			cmd[n++] = argv[i];
	}
	cmd[n] = NULL;
	snprintf(timeout, sizeof(timeout), "%u", timeout_s);
	return exec_run_sh(box, env ? env : timeout, NULL, share_dir, cmd);
}

struct vm_args {
	const char *box, *timeout, *variant, *share;
	char **cmd;
};

static const struct argp_option vm_options[] = {
	{ "box", 'B', "BOX", 0, "vm (TCG, 2 vCPUs, wall clock) or vm-icount (1 vCPU, ns = instructions); default vm", 0 },
	{ "timeout", 't', "SECONDS", 0, "kill the guest after this long (default: run.sh's)", 0 },
	{ "variant", 'k', "KERNEL", 0, "bench (default) or debug (KASAN, lockdep, kmemleak)", 0 },
	{ "share", 's', "DIR", 0, "make host DIR writable at the same path in the guest", 0 },
	{ 0 }
};

static error_t vm_parse(int key, char *arg, struct argp_state *state)
{
	struct vm_args *a = state->input;

	switch (key) {
	case 'B': a->box = arg; break;
	case 't': a->timeout = arg; break;
	case 'k': a->variant = arg; break;
	case 's': a->share = arg; break;
	case ARGP_KEY_ARG:
		/* The command starts here: its own options are not ours. */
		a->cmd = state->argv + state->next - 1;
		state->next = state->argc;
		break;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no COMMAND given: subtree-bench vm -- COMMAND [ARGS...]");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	static const struct argp argp = {
		vm_options, vm_parse, "-- COMMAND [ARGS...]",
		"Boot the bench VM (our 6.12 kernel under QEMU TCG, the host root shared\n"
		"read-only at its own paths, /tmp a writable tmpfs, the current directory\n"
		"kept) and run COMMAND in it; its stdout, stderr and exit status come back.\n\n"
		"Examples:\n"
		"  subtree-bench vm -- subtree-bench list\n"
		"  subtree-bench vm --box vm-icount -- subtree-bench run --workload open-close --backend all\n"
		"  subtree-bench vm -- /bin/sh -c 'cat /sys/kernel/security/lsm'\n"
		"\vExit status: COMMAND's; 124 when the guest timed out and was killed.",
		NULL, NULL, NULL
	};
	struct vm_args a = { .box = "vm" };

	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a))
		return SB_EXIT_USAGE;
	if (!valid_box(a.box)) {
		fprintf(stderr, "subtree-bench vm: --box '%s': use vm or vm-icount\n", a.box);
		return SB_EXIT_USAGE;
	}
	return exec_run_sh(a.box, a.timeout, a.variant, a.share, a.cmd);
}
