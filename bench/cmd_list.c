// SPDX-License-Identifier: GPL-2.0
/* `list`: what this box can run, decided by trying, with the reason when not. */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "backend.h"
#include "box.h"
#include "cmd.h"
#include "../workloads/workload.h"

struct list_args {
	const char *box;
};

static const struct argp_option list_options[] = {
	{ "box", 'B', "BOX", 0, "host (default), vm or vm-icount: list what that box can run", 0 },
	{ 0 }
};

static error_t list_parse(int key, char *arg, struct argp_state *state)
{
	struct list_args *a = state->input;

	switch (key) {
	case 'B': a->box = arg; break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_status(const char *kind, const char *name, const char *mode, int ret,
			 const char *why)
{
	printf("%-9s %-18s %-7s %s%s%s\n", kind, name, mode,
	       ret ? "unavailable: " : "available", ret ? why : "", "");
}

int cmd_list(int argc, char **argv)
{
	static const struct argp argp = {
		list_options, list_parse, NULL,
		"Print every backend (per mode), strategy and workload as 'available' or\n"
		"'unavailable: <reason>' on this box. Availability is decided by trying:\n"
		"loading a minimal program of the backend's type, or trying its ioctl.\n\n"
		"Examples:\n"
		"  subtree-bench list\n"
		"  subtree-bench list --box vm",
		NULL, NULL, NULL
	};
	struct list_args a = { .box = "host" };
	bool strat_ok[SB_STRAT__COUNT] = { 0 };
	char by[SB_STRAT__COUNT][512] = { { 0 } };
	struct utsname u;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return SB_EXIT_USAGE;
	if (strcmp(a.box, "host") && !sb_in_guest())
		return sb_vm_exec(a.box, argc, argv, NULL, SB_VM_TIMEOUT_SHORT);

	uname(&u);
	printf("box       %s (kernel %s)\n", sb_box_kind(), u.release);
	for (size_t i = 0; sb_backends[i]; i++) {
		const struct sb_backend_ops *ops = sb_backends[i];

		for (int m = 0; m < SB_MODE__COUNT; m++) {
			char why[512] = "";
			int ret;

			ret = sb_backend_available(ops, m, why, sizeof(why));
			print_status("backend", ops->name, sb_mode_name(m), ret, why);
			if (ret || m != SB_MODE_NOTIFY)
				continue;
			for (int s = 0; s < SB_STRAT__COUNT; s++) {
				if (!(ops->strategies & SB_BIT(s)))
					continue;
				strat_ok[s] = true;
				snprintf(by[s] + strlen(by[s]), sizeof(by[s]) - strlen(by[s]), " %s",
					 ops->name);
			}
		}
	}
	for (int s = 0; s < SB_STRAT__COUNT; s++) {
		if (strat_ok[s])
			printf("%-9s %-18s %-7s available (by%s)\n", "strategy", sb_strategy_name(s), "-", by[s]);
		else
			printf("%-9s %-18s %-7s unavailable: no backend available on this box implements it\n",
			       "strategy", sb_strategy_name(s), "-");
	}
	for (size_t i = 0; sb_workloads[i]; i++) {
		const struct sb_workload_ops *w = sb_workloads[i];
		char why[512] = "";
		int ret = w->probe ? w->probe(why, sizeof(why)) : 0;

		print_status("workload", w->name, "-", ret, why);
	}
	return SB_EXIT_OK;
}
