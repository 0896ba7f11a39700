// SPDX-License-Identifier: GPL-2.0
/* `list`: what this box can run, decided by trying, with the reason when not. */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "backend.h"
#include "box.h"
#include "cmd.h"
#include "oracle.h"
#include "rules.h"
#include "scratch.h"
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

/* why: the reason when unavailable; note: what an available line adds, or "". */
static void print_status_note(const char *kind, const char *name, const char *mode, int ret,
			      const char *why, const char *note)
{
	printf("%-9s %-18s %-7s %s%s%s%s\n", kind, name, mode,
	       ret ? "unavailable: " : "available", ret ? why : note[0] ? " (" : "",
	       ret ? "" : note, !ret && note[0] ? ")" : "");
}

static void print_status(const char *kind, const char *name, const char *mode, int ret,
			 const char *why)
{
	print_status_note(kind, name, mode, ret, why, "");
}

/* What an available backend's line adds: a denial other than EPERM, no privilege needed. */
static void backend_notes(const struct sb_backend_ops *ops, int mode, char *buf, size_t len)
{
	int e = sb_backend_deny_errno(ops);

	snprintf(buf, len, "%s%s%s%s", mode == SB_MODE_DENY && e != EPERM ? "denies with " : "",
		 mode == SB_MODE_DENY && e != EPERM ? strerrorname_np(e) : "",
		 mode == SB_MODE_DENY && e != EPERM && ops->unprivileged ? "; " : "",
		 ops->unprivileged ? "needs no privilege: no capability, no_new_privs on the workload thread" : "");
}

/*
 * Attach every backend this box runs, in each mode, with one rule on a fresh
 * fs: a kernel that refuses a mark or a program there says why. Only the
 * refusals are printed, one line per (backend, mode).
 */
static void probe_backends_on(const struct sb_scratch *s)
{
	char dir[PATH_MAX + 8], *paths[1] = { dir }, why[512];
	struct sb_rules rules;

	snprintf(dir, sizeof(dir), "%s/probe", s->mon);
	if (mkdir(dir, 0755) || sb_rules_resolve(&rules, paths, 1, why, sizeof(why)))
		return;
	for (size_t i = 0; sb_backends[i]; i++) {
		const struct sb_backend_ops *ops = sb_backends[i];
		int strategy = 0;

		if (!strcmp(ops->name, "none"))
			continue;
		while (strategy < SB_STRAT__COUNT && !(ops->strategies & SB_BIT(strategy)))
			strategy++;
		if (!ops->strategies)
			strategy = SB_STRAT_OWN;
		for (int m = 0; m < SB_MODE__COUNT && (strategy < SB_STRAT__COUNT || !ops->strategies); m++) {
			struct sb_oracle *o;
			struct sb_backend b = { 0 };
			char name[64];

			if (sb_backend_available(ops, m, why, sizeof(why)))
				continue;
			o = sb_oracle_new(m == SB_MODE_DENY, 0);
			if (!o)
				continue;
			struct sb_attach args = {
				.rules = &rules, .strategy = strategy, .mode = m,
				.report = SB_REPORT_DFID_NAME, .sink = sb_oracle_sink(o),
			};
			snprintf(name, sizeof(name), "%s@%s", ops->name, sb_fs_name(s->fs));
			if (sb_backend_start(&b, ops, &args, 5000, 0)) {
				snprintf(why, sizeof(why), "%.250s%s", b.err, sb_fs_refusal_hint(s->fs, b.err));
				print_status("on-fs", name, sb_mode_name(m), -1, why);
			}
			sb_backend_stop(&b);
			sb_oracle_free(o);
		}
	}
	sb_rules_free(&rules);
}

/* A filesystem line per `run --fs` value; for those this box makes, the refusals. */
static void list_filesystems(void)
{
	struct sb_scratch s;
	bool opened = false;

	for (int fs = 0; fs < SB_FS__COUNT; fs++) {
		char why[512] = "";
		int ret = sb_fs_available(fs, why, sizeof(why));

		if (!ret && !opened) {
			sb_scratch_reap_stale();
			ret = sb_scratch_open(&s, NULL, why, sizeof(why));
			opened = !ret;
			if (opened)
				sb_install_signal_handlers(&s);
		}
		if (!ret)
			ret = sb_scratch_reset_fs(&s, fs, why, sizeof(why));
		print_status("filesystem", sb_fs_name(fs), "-", ret, why);
		if (!ret)
			probe_backends_on(&s);
	}
	if (opened)
		sb_scratch_close(&s);
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
			char why[512] = "", note[256] = "";
			int ret;

			ret = sb_backend_available(ops, m, why, sizeof(why));
			backend_notes(ops, m, note, sizeof(note));
			print_status_note("backend", ops->name, sb_mode_name(m), ret, why, note);
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
	list_filesystems();
	return SB_EXIT_OK;
}
