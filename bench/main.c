// SPDX-License-Identifier: GPL-2.0
/* subtree-bench: what does it cost to monitor or protect directory sub-trees? */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cmd.h"

static const struct {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "list", "what this box can run: backends, strategies, workloads", cmd_list },
	{ "run", "measure backends on a workload, checked by the oracle", cmd_run },
	{ "monitor", "attach a filter and print the events of a command as JSON lines", cmd_monitor },
	{ "vm", "run a command inside the bench VM", cmd_vm },
	{ "report", "plots and REPORT.md from results files", cmd_report },
	{ "compare", "compare two results files; exit 1 on a regression", cmd_compare },
	{ "import", "fio and hyperfine JSON into a results file", cmd_import },
	{ "merge", "combine the results files of the shards of a sweep (run --shard I/N)", cmd_merge },
	{ "export", "a results file as Bencher Metric Format JSON or LKP-style stats", cmd_export },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: subtree-bench COMMAND [OPTION...]\n\n"
		"Measures what it costs to monitor or protect directory sub-trees with\n"
		"fanotify (plain, per-directory marks, an in-kernel filter as a module or\n"
		"BPF struct_ops), BPF LSM and BPF tracing programs.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'subtree-bench COMMAND --help' describes each command.\n\n"
		"Examples:\n"
		"  subtree-bench list\n"
		"  subtree-bench run --backend all --workload open-close --rules 10 --out r.json\n"
		"  subtree-bench monitor --backend fanotify-user --rule /srv/data -- touch /srv/data/x\n"
		"  subtree-bench vm --box vm-icount -- subtree-bench list\n"
		"  subtree-bench compare results/baseline/quick.json new.json\n"
		"  subtree-bench merge s1.json s2.json --out all.json\n"
		"  subtree-bench export --format bmf results.json\n");
}

/*
 * Each rule holds an fd, and 10,000 rules are a sweep point: lift the limit
 * on open files to fs.nr_open (root may), else at least to the hard limit.
 */
static void raise_nofile(void)
{
	struct rlimit rl;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");
	unsigned long nr_open = 0;

	if (f) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (nr_open > rl.rlim_max) {
		struct rlimit want = { nr_open, nr_open };

		if (!setrlimit(RLIMIT_NOFILE, &want))
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	raise_nofile();
	if (argc < 2) {
		usage(stderr);
		return SB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return SB_EXIT_OK;
	}
	argp_err_exit_status = SB_EXIT_USAGE;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char name[64];

		if (strcmp(argv[1], commands[i].name))
			continue;
		/* Messages from argp then read "subtree-bench run: ...". */
		snprintf(name, sizeof(name), "subtree-bench %s", commands[i].name);
		argv[1] = name;
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "subtree-bench: unknown command '%s': try 'subtree-bench --help'\n", argv[1]);
	return SB_EXIT_USAGE;
}
