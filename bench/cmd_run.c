// SPDX-License-Identifier: GPL-2.0
/*
 * `run`: measure backends on a workload. Per measured cell (workload, rules,
 * depth, hit ratio) the tree is built once; every repetition runs `none` and
 * each backend in a fresh random order (A B A B, so drift cancels), each
 * step: prepare, attach, the timed operations, drain, detach, cleanup, and
 * the oracle's verdict. Results are rewritten after every cell.
 */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "backend.h"
#include "box.h"
#include "cmd.h"
#include "counters.h"
#include "kmem.h"
#include "oracle.h"
#include "results.h"
#include "scratch.h"
#include "shard.h"
#include "stats.h"
#include "../workloads/workload.h"

#define MAX_LIST 64
#define MAX_VARIANTS 64
#define MAX_BACKENDS 32
/* --threads: the most workload threads a step runs */
#define SB_MAX_THREADS 64

struct uint_list {
	size_t n;
	unsigned long v[MAX_LIST];
};

struct dbl_list {
	size_t n;
	double v[MAX_LIST];
};

struct run_opts {
	const char *backends, *strategies, *workloads, *out, *root, *box, *spec;
	const char *shard_arg;		/* --shard as given, NULL: every cell */
	struct sb_shard shard;
	struct uint_list rules, depth;
	struct uint_list fs;		/* enum sb_fs values (--fs) */
	struct dbl_list hit;
	unsigned long ops, reps, count_reps, files, seed, fanout, files_per_dir, chains, root_depth;
	unsigned long watchdog_ms, drain_ms, settle_ms;
	unsigned long threads;		/* workload threads per step, each on a slice of the operations */
	unsigned long prefix_cap;	/* prefix: the longest path, bytes */
	long workload_cpu, consumer_cpu;
	enum sb_mode mode;
	int report;			/* enum sb_report, or -1: the workload's lightest */
	bool verbose;
	int argc;
	char **argv;
};

/* One backend with one strategy, measured in every repetition of a cell. */
struct variant {
	const struct sb_backend_ops *ops;
	enum sb_strategy strategy;
	double *samples;
	size_t nsamples;		/* repetitions measured so far */
	json_t *reps_detail;		/* the timing pass, one per sample */
	json_t *count_detail;		/* the counting pass */
	json_t *backend_counters;	/* summed over the counting pass */
	struct sb_counter_values counters;	/* the same */
	size_t ncounted;
	uint64_t count_events;		/* delivered in the counting pass */
	struct sb_oracle_result oracle;
	char why[256];
	bool failed;
	bool fs_unavailable;		/* attach failed on a --fs other than tmpfs */
	char count_why[256];		/* the counting pass could not attach: why */
};

enum {
	OPT_OPS = 1000, OPT_REPS, OPT_SEED, OPT_FANOUT, OPT_FILES, OPT_CHAINS,
	OPT_ROOT_DEPTH, OPT_WATCHDOG, OPT_DRAIN, OPT_WCPU, OPT_CCPU, OPT_SETTLE,
	OPT_COUNT_REPS, OPT_FILES_BURST, OPT_REPORT,
	OPT_FS, OPT_SHARD, OPT_PREFIX_CAP, OPT_THREADS,
};

static const struct argp_option run_options[] = {
	{ "backend", 'b', "B[,B...]", 0, "backends to measure, or 'all' (every available one); none is always added", 0 },
	{ "strategy", 's', "S[,S...]", 0, "walk, loop, tag, cache, pass, kfunc, prefix (default walk,tag: each backend runs those it implements); BACKEND:S gives S to that backend alone", 0 },
	{ "workload", 'w', "W[,W...]", 0, "open-close (default), create-unlink, mkdir-rmdir, rename, mkdir-tree, rename-storm, outside-fs", 0 },
	{ "rules", 'r', "N[,N...]", 0, "number of sub-tree roots (default 10)", 0 },
	{ "depth", 'd', "D[,D...]", 0, "directory levels below each root down to the files (default 4)", 0 },
	{ "hit-ratio", 'H', "H[,H...]", 0, "share of operations on in-scope objects, 0..1 (default 0.5)", 0 },
	{ "ops", OPT_OPS, "N", 0, "operations per repetition (default 2000)", 0 },
	{ "threads", OPT_THREADS, "N", 0, "workload threads per step (default 1): each runs its own slice of the --ops operations, all starting together; the figure is the wall time from their start to the last one's end per operation (contention on the backends' maps, ring buffer and queues). One value per run, not a list, at most the CPUs the harness may use; thread i > 0 is pinned to the i-th of those CPUs after --workload-cpu", 0 },
	{ "reps", OPT_REPS, "K", 0, "repetitions of the timing pass (default 10)", 0 },
	{ "count-reps", OPT_COUNT_REPS, "K", 0, "repetitions of the counting pass after it: libperf counters and BPF_ENABLE_STATS on, figures not used as samples (default 1; 0: none)", 0 },
	{ "files", OPT_FILES_BURST, "N", 0, "burst regime: operations reuse N objects per side, so fanotify may merge identical events (reported as merged; default 0: every operation its own object)", 0 },
	{ "prefix-cap", OPT_PREFIX_CAP, "BYTES", 0, "prefix: the longest path (within its filesystem) it matches; longer ones are undecided: denied in deny mode, sent in notify mode (1..251, the most an LPM trie key holds; default 251)", 0 },
	{ "report", OPT_REPORT, "R", 0, "notify mode: how fanotify groups and ring buffer records identify objects: fid (the object's handle), dfid-name (directory handle and name), or auto (default: fid when every event is an open, dfid-name for workloads with directory-entry events)", 0 },
	{ "mode", 'm', "MODE", 0, "notify (default) or deny", 0 },
	{ "out", 'o', "FILE.json", 0, "results file (default results.json); FILE.csv is written beside it", 0 },
	{ "root", 'R', "DIR", 0, "build trees under DIR instead of a tmpfs the harness mounts", 0 },
	{ "fs", OPT_FS, "FS[,FS...]", 0, "the monitored filesystem, made fresh per cell: tmpfs (default), ext4, xfs, btrfs (the tree in a subvolume), overlay (lower and upper on a tmpfs)", 0 },
	{ "seed", OPT_SEED, "N", 0, "seed for the tree, the operations and the order (default 1)", 0 },
	{ "fanout", OPT_FANOUT, "N", 0, "extra sibling directories per level (default 1)", 0 },
	{ "files-per-dir", OPT_FILES, "N", 0, "files in each leaf directory (default 16)", 0 },
	{ "chains", OPT_CHAINS, "N", 0, "roots with activity below them (default 4)", 0 },
	{ "root-depth", OPT_ROOT_DEPTH, "N", 0, "levels from the top to each root (default 1)", 0 },
	{ "watchdog-ms", OPT_WATCHDOG, "MS", 0, "deny mode: allow pending opens when the consumer stalls this long (default 5000)", 0 },
	{ "drain-ms", OPT_DRAIN, "MS", 0, "how long to wait for the last events after the operations (default 30000)", 0 },
	{ "settle-ms", OPT_SETTLE, "MS", 0, "idle this long before each timed loop, so deferred work of the previous step (RCU, workqueues) does not land in it (default 200 on vm-icount, where idle time is free; else 0)", 0 },
	{ "workload-cpu", OPT_WCPU, "CPU", 0, "pin the workload thread (default: the first CPU the harness may run on, from its affinity mask)", 0 },
	{ "consumer-cpu", OPT_CCPU, "CPU", 0, "pin the consumer thread (default: the second CPU the harness may run on, or the first when it has one)", 0 },
	{ "box", 'B', "BOX", 0, "host (default), vm or vm-icount: run inside that box", 0 },
	{ "spec", 'S', "FILE", 0, "run the sweeps of FILE, one line of run options each", 0 },
	{ "shard", OPT_SHARD, "I/N", 0, "measure only shard I of N: the cells whose index in the spec's order is I-1 modulo N (same options and seed in every shard; 'subtree-bench merge' combines the N results files)", 0 },
	{ "verbose", 'v', NULL, 0, "say more (libbpf, skipped combinations)", 0 },
	{ 0 }
};

static int parse_ulong(const char *opt, const char *s, unsigned long min, unsigned long max,
		       unsigned long *out, struct argp_state *state)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		argp_error(state, "--%s '%s': give a whole number from %lu to %lu", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_uint_list(const char *opt, const char *arg, unsigned long min,
			   unsigned long max, struct uint_list *l, struct argp_state *state)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == MAX_LIST) {
			argp_error(state, "--%s: at most %d values", opt, MAX_LIST);
			ret = -1;
			break;
		}
		ret = parse_ulong(opt, tok, min, max, &l->v[l->n++], state);
	}
	if (!l->n && !ret) {
		argp_error(state, "--%s '%s': give at least one value, e.g. --%s 1,10,100", opt, arg, opt);
		ret = -1;
	}
	free(copy);
	return ret;
}

static int parse_hit_list(const char *arg, struct dbl_list *l, struct argp_state *state)
{
	char *copy = strdup(arg), *save = NULL, *tok, *end;

	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		double v = strtod(tok, &end);

		if (end == tok || *end || !(v >= 0 && v <= 1) || l->n == MAX_LIST) {
			argp_error(state, "--hit-ratio '%s': give numbers from 0 to 1, e.g. --hit-ratio 0,0.5,1", tok);
			free(copy);
			return -1;
		}
		l->v[l->n++] = v;
	}
	free(copy);
	return l->n ? 0 : (argp_error(state, "--hit-ratio '%s': give at least one value, e.g. --hit-ratio 0,0.5,1", arg), -1);
}

/* --fs tmpfs,ext4,...: the monitored filesystems, each a cell axis. */
static int parse_fs_list(const char *arg, struct uint_list *l, struct argp_state *state)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		enum sb_fs fs;

		if (sb_fs_parse(tok, &fs) || l->n == MAX_LIST) {
			argp_error(state, "--fs '%s': use tmpfs, ext4, xfs, btrfs or overlay, e.g. --fs tmpfs,ext4", tok);
			free(copy);
			return -1;
		}
		l->v[l->n++] = fs;
	}
	free(copy);
	return l->n ? 0 : (argp_error(state, "--fs '%s': give at least one filesystem", arg), -1);
}

static error_t run_parse(int key, char *arg, struct argp_state *state)
{
	struct run_opts *o = state->input;

	switch (key) {
	case 'b': o->backends = arg; break;
	case 's': o->strategies = arg; break;
	case 'w': o->workloads = arg; break;
	case 'r': return parse_uint_list("rules", arg, 1, 1000000, &o->rules, state) ? EINVAL : 0;
	case 'd': return parse_uint_list("depth", arg, 1, 1024, &o->depth, state) ? EINVAL : 0;
	case OPT_FS: return parse_fs_list(arg, &o->fs, state) ? EINVAL : 0;
	case 'H': return parse_hit_list(arg, &o->hit, state) ? EINVAL : 0;
	case OPT_OPS: return parse_ulong("ops", arg, 1, 100000000, &o->ops, state) ? EINVAL : 0;
	case OPT_THREADS: return parse_ulong("threads", arg, 1, SB_MAX_THREADS, &o->threads, state) ? EINVAL : 0;
	case OPT_REPS: return parse_ulong("reps", arg, 1, 10000, &o->reps, state) ? EINVAL : 0;
	case OPT_COUNT_REPS: return parse_ulong("count-reps", arg, 0, 1000, &o->count_reps, state) ? EINVAL : 0;
	case OPT_FILES_BURST: return parse_ulong("files", arg, 0, 10000000, &o->files, state) ? EINVAL : 0;
	case OPT_PREFIX_CAP: return parse_ulong("prefix-cap", arg, 1, SB_PREFIX_CAP_MAX, &o->prefix_cap, state) ? EINVAL : 0;
	case OPT_REPORT: {
		enum sb_report r;

		if (!strcmp(arg, "auto"))
			o->report = -1;
		else if (!sb_report_parse(arg, &r))
			o->report = r;
		else
			return argp_error(state, "--report '%s': use fid, dfid-name or auto", arg), EINVAL;
		break;
	}
	case OPT_SEED: return parse_ulong("seed", arg, 0, ULONG_MAX, &o->seed, state) ? EINVAL : 0;
	case OPT_FANOUT: return parse_ulong("fanout", arg, 0, 64, &o->fanout, state) ? EINVAL : 0;
	case OPT_FILES: return parse_ulong("files-per-dir", arg, 1, 100000, &o->files_per_dir, state) ? EINVAL : 0;
	case OPT_CHAINS: return parse_ulong("chains", arg, 1, 10000, &o->chains, state) ? EINVAL : 0;
	case OPT_ROOT_DEPTH: return parse_ulong("root-depth", arg, 1, 64, &o->root_depth, state) ? EINVAL : 0;
	case OPT_WATCHDOG: return parse_ulong("watchdog-ms", arg, 10, 3600000, &o->watchdog_ms, state) ? EINVAL : 0;
	case OPT_DRAIN: return parse_ulong("drain-ms", arg, 100, 3600000, &o->drain_ms, state) ? EINVAL : 0;
	case OPT_SETTLE: return parse_ulong("settle-ms", arg, 0, 60000, &o->settle_ms, state) ? EINVAL : 0;
	case OPT_WCPU:
	case OPT_CCPU: {
		bool wl = key == OPT_WCPU;
		unsigned long v;

		if (parse_ulong(wl ? "workload-cpu" : "consumer-cpu", arg, 0, CPU_SETSIZE - 1, &v, state))
			return EINVAL;
		*(wl ? &o->workload_cpu : &o->consumer_cpu) = v;
		break;
	}
	case 'm':
		if (sb_mode_parse(arg, &o->mode))
			return argp_error(state, "--mode '%s': use notify or deny", arg), EINVAL;
		break;
	case 'o': o->out = arg; break;
	case 'R': o->root = arg; break;
	case 'B': o->box = arg; break;
	case 'S': o->spec = arg; break;
	case OPT_SHARD: {
		char err[256];

		if (sb_shard_parse(arg, &o->shard, err, sizeof(err)))
			return argp_error(state, "%s", err), EINVAL;
		o->shard_arg = arg;
		break;
	}
	case 'v': o->verbose = true; break;
	case ARGP_KEY_ARG:
		return argp_error(state, "unexpected argument '%s'", arg), EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int pin_self(long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Split a comma list into the ops tables' entries; clear errors for unknown names. */
static int pick_workloads(const char *arg, const struct sb_workload_ops **out, size_t *n)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct sb_workload_ops *w = sb_workload_find(tok);

		if (!w || *n == MAX_LIST) {
			fprintf(stderr, "subtree-bench run: --workload '%s': unknown; 'subtree-bench list' shows the workloads\n", tok);
			free(copy);
			return -1;
		}
		out[(*n)++] = w;
	}
	free(copy);
	if (!*n) {
		fprintf(stderr, "subtree-bench run: --workload '%s': give at least one workload, e.g. --workload open-close\n", arg);
		return -1;
	}
	return 0;
}

/*
 * --strategy S[,S...]: a plain S applies to every backend that implements
 * it; B:S to backend B alone (so a line can give tag to the backends whose
 * only strategy it is without running every kernel filter's tag too).
 */
struct strategy_pick {
	unsigned int all;		/* SB_BIT(SB_STRAT_*) for every backend */
	unsigned int own[MAX_BACKENDS];	/* more for sb_backends[i] alone */
};

static int pick_strategies(const char *arg, struct strategy_pick *p)
{
	char *copy = strdup(arg), *save = NULL, *tok;

	memset(p, 0, sizeof(*p));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		const char *name = colon ? colon + 1 : tok;
		enum sb_strategy s;
		size_t b = 0;

		if (colon) {
			*colon = '\0';
			while (sb_backends[b] && strcmp(sb_backends[b]->name, tok))
				b++;
			if (!sb_backends[b] || b >= MAX_BACKENDS) {
				fprintf(stderr, "subtree-bench run: --strategy '%s:%s': no backend '%s' ('subtree-bench list' shows them)\n",
					tok, name, tok);
				free(copy);
				return -1;
			}
		}
		if (sb_strategy_parse(name, &s)) {
			fprintf(stderr, "subtree-bench run: --strategy '%s': use walk, loop, tag, cache, pass, kfunc or prefix, or BACKEND:STRATEGY\n", name);
			free(copy);
			return -1;
		}
		if (colon && !(sb_backends[b]->strategies & SB_BIT(s))) {
			fprintf(stderr, "subtree-bench run: --strategy '%s:%s': %s does not implement %s\n",
				tok, name, tok, name);
			free(copy);
			return -1;
		}
		if (colon)
			p->own[b] |= SB_BIT(s);
		else
			p->all |= SB_BIT(s);
	}
	free(copy);
	return 0;
}

/*
 * The variants: each requested backend with each requested strategy it
 * implements. With 'all', backends this box cannot run are recorded as
 * unavailable and skipped; a backend named explicitly must be available.
 */
static int pick_variants(const struct run_opts *o, const struct strategy_pick *pick,
			 struct sb_results *res, struct variant *v, size_t *nv)
{
	bool all = !strcmp(o->backends, "all");
	char *copy = strdup(o->backends), *save = NULL, *tok;
	const char *mode = sb_mode_name(o->mode);
	unsigned int strategies;

	*nv = 0;
	for (size_t i = 0; sb_backends[i]; i++) {
		const struct sb_backend_ops *ops = sb_backends[i];
		bool wanted = all;
		char why[512] = "";

		if (!strcmp(ops->name, "none"))
			continue;
		if (!all) {
			free(copy);
			copy = strdup(o->backends);
			for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				wanted |= !strcmp(tok, ops->name);
		}
		if (!wanted)
			continue;
		if (sb_backend_available(ops, o->mode, why, sizeof(why))) {
			if (sb_results_add_unavailable(res, ops->name, mode, why) != 1)
				fprintf(stderr, "subtree-bench run: %s (%s): unavailable: %s\n",
					ops->name, mode, why);
			if (!all) {
				fprintf(stderr, "subtree-bench run: drop it from --backend, or use --box vm where it runs\n");
				free(copy);
				return -1;
			}
			continue;
		}
		/* Its own mechanism, no strategy of ours: one variant, whatever --strategy lists. */
		if (!ops->strategies) {
			if (*nv < MAX_VARIANTS)
				v[(*nv)++] = (struct variant){ .ops = ops, .strategy = SB_STRAT_OWN };
			continue;
		}
		strategies = pick->all | (i < MAX_BACKENDS ? pick->own[i] : 0);
		for (int s = 0; s < SB_STRAT__COUNT; s++) {
			if (!(strategies & SB_BIT(s)))
				continue;
			if (!(ops->strategies & SB_BIT(s))) {
				if (o->verbose)
					fprintf(stderr, "subtree-bench run: %s does not implement strategy %s: skipped\n",
						ops->name, sb_strategy_name(s));
				continue;
			}
			if (*nv == MAX_VARIANTS)
				break;
			v[(*nv)++] = (struct variant){ .ops = ops, .strategy = s };
		}
	}
	/* Names that match no backend at all are typos. */
	if (!all) {
		free(copy);
		copy = strdup(o->backends);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (!sb_backend_find(tok)) {
				fprintf(stderr, "subtree-bench run: --backend '%s': unknown; 'subtree-bench list' shows the backends\n", tok);
				free(copy);
				return -1;
			}
		}
	}
	free(copy);
	return 0;
}

struct cell {
	size_t index;			/* in the expanded spec order: what --shard splits */
	unsigned int rep_base;		/* the first prepare()'s w->rep: the steps before it */
	const struct sb_workload_ops *wl;
	enum sb_fs fs;
	unsigned long rules, depth;
	double hit;
	struct sb_tree tree;
	struct sb_rules rules_set;
	struct sb_kmem *kmem;		/* how the counting pass reads kernel memory */
	const char *kmem_why;		/* why it has no figures (SB_KMEM_NONE) */
};

struct progress {
	size_t done, total;
	double start;
	const char *clock_file;		/* in the bench VM: a file on the host's share */
};

/*
 * Wall-clock seconds for the ETA. In the bench VM the guest clock runs at
 * the emulation's pace (under icount it counts instructions), so ask the
 * host: touching a file on the writable share stamps it with the host's
 * time. The results file is there already; only its mtime changes.
 */
static double wall_now(const struct progress *p)
{
	struct stat st;

	if (p->clock_file && !utimensat(AT_FDCWD, p->clock_file, NULL, 0) &&
	    !stat(p->clock_file, &st))
		return st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
	return now_s();
}

static void report_progress(struct progress *p, const char *what, double ns_per_op,
			    const char *unit)
{
	double elapsed = wall_now(p) - p->start;
	double eta = p->done ? elapsed / p->done * (p->total - p->done) : 0;

	fprintf(stderr, "[%zu/%zu] %s %.1f %s/op  elapsed %d:%02d  ETA %d:%02d\n",
		p->done, p->total, what, ns_per_op, unit,
		(int)elapsed / 60, (int)elapsed % 60, (int)eta / 60, (int)eta % 60);
}

/* The lightest reporting that identifies the objects of a workload's events. */
static enum sb_report lightest_report(const struct sb_workload_ops *wl)
{
	return wl->needs_names ? SB_REPORT_DFID_NAME : SB_REPORT_FID;
}

/* The reporting a cell's notify-mode groups use: asked for, or the workload's lightest. */
static enum sb_report cell_report(const struct run_opts *o, const struct sb_workload_ops *wl)
{
	return o->report >= 0 ? (enum sb_report)o->report : lightest_report(wl);
}

static uint64_t thread_cpu_self_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The workload threads of one step: --threads fresh threads per step, for
 * every backend (none too, so the pairing compares like with like), created
 * and joined outside the timed loop. Thread 0 inherits the main thread's CPU
 * pinning; thread i > 0 pins itself to the i-th allowed CPU after it (workload_cpu_of()).
 * A backend's enter_workload (Landlock's irreversible restriction) applies to
 * the thread that calls it alone and ends with it, so every workload thread
 * calls it, one at a time; the harness's own threads are never restricted.
 * In the counting pass each opens its own libperf counters, which count the
 * calling thread; the step sums them. Each runs its own slice of the one
 * operation list (sb_wl_slice()), all starting together at a barrier once
 * every one is set up.
 */
struct step_shared {
	/* Held while the threads are created: none sets up before all exist. */
	pthread_mutex_t created;
	atomic_bool create_failed;	/* then none runs: they return at once */
	pthread_barrier_t start;	/* every thread set up (or failed): go */
	pthread_mutex_t entry;		/* enter_workload, one thread at a time */
	atomic_bool setup_failed;	/* some thread's set-up failed: none runs */
	atomic_uint running;		/* threads whose loop has not ended */
	uint64_t consumer_at_start;	/* thread 0, before the barrier */
	uint64_t consumer_at_loop_end;	/* the last thread to end its loop */
};

struct step_thread {
	const struct run_opts *o;
	const struct sb_workload_ops *wl;
	struct sb_wl_ctx w;		/* the step's, with this thread's slice */
	struct sb_backend *b;
	struct step_shared *sh;
	unsigned int index;		/* 0 .. --threads - 1 */
	bool counting;
	/* out */
	struct sb_counter_values cv;	/* the counting pass: this thread's counts */
	int ret;			/* the workload's */
	bool started;			/* pthread_create succeeded */
	bool setup_failed;		/* counters or enter_workload: err says */
	bool entry_failed;		/* enter_workload in particular */
	char err[512];
	struct timespec t0, t1;
	uint64_t wl_cpu0, wl_cpu1;
	int cpu;
};

/*
 * The CPUs the harness may run on (its affinity mask when it started, before
 * it pinned anything), in order: where the workload threads go.
 */
static long allowed_cpu[CPU_SETSIZE];
static int n_allowed_cpus;

static void read_allowed_cpus(void)
{
	cpu_set_t set;

	n_allowed_cpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set)) {
		/* A mask wider than cpu_set_t (EINVAL): every CPU online, as the pins will find out. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		for (long c = 0; c < (n > 0 ? n : 1) && c < CPU_SETSIZE; c++)
			allowed_cpu[n_allowed_cpus++] = c;
		return;
	}
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			allowed_cpu[n_allowed_cpus++] = c;
}

/* "0, 1, 4" (the first 8, then "..."): the allowed CPUs, for messages. */
static const char *allowed_cpus_text(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < n_allowed_cpus && k <= 8 && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, k == 8 ? ", ..." : "%s%ld", k ? ", " : "",
				      allowed_cpu[k]);
	return buf;
}

static bool cpu_allowed(long cpu)
{
	for (int k = 0; k < n_allowed_cpus; k++)
		if (allowed_cpu[k] == cpu)
			return true;
	return false;
}

/*
 * Where workload thread i runs: --workload-cpu, then the allowed CPUs after
 * it, in turn. read_allowed_cpus() lists at least one CPU, and
 * prepare_sweep() refused a --workload-cpu outside the list.
 */
static long workload_cpu_of(const struct run_opts *o, unsigned int i)
{
	int first = 0;

	while (first < n_allowed_cpus - 1 && allowed_cpu[first] != o->workload_cpu)
		first++;
	return allowed_cpu[(first + i) % n_allowed_cpus];
}

/* Does the consumer share a CPU with one of the workload threads? */
static bool consumer_shares_cpu(const struct run_opts *o)
{
	for (unsigned int i = 0; i < o->threads; i++)
		if (workload_cpu_of(o, i) == o->consumer_cpu)
			return true;
	return false;
}

/* Counters and enter_workload: 0, or -1 with s->err. */
static int step_thread_setup(struct step_thread *s, struct sb_counters *ctr)
{
	struct sb_backend *b = s->b;
	int ret = 0;

	if (s->index && pin_self(workload_cpu_of(s->o, s->index))) {
		snprintf(s->err, sizeof(s->err), "workload thread %u: cannot pin to CPU %ld: %s",
			 s->index, workload_cpu_of(s->o, s->index), strerror(errno));
		return -1;
	}
	if (s->counting && sb_counters_open(ctr, s->err, sizeof(s->err)))
		return -1;
	if (b->ops->enter_workload) {
		pthread_mutex_lock(&s->sh->entry);
		ret = b->ops->enter_workload(b);
		if (ret)
			snprintf(s->err, sizeof(s->err), "%s", b->err);
		pthread_mutex_unlock(&s->sh->entry);
	}
	if (ret) {
		s->entry_failed = true;
		if (s->counting)
			sb_counters_close(ctr);
		return -1;
	}
	return 0;
}

static void *step_thread_main(void *arg)
{
	struct step_thread *s = arg;
	struct step_shared *sh = s->sh;
	struct sb_backend *b = s->b;
	struct sb_counters ctr;
	sigset_t sigs;

	/* Ctrl-C and the crash cleanup run on the main thread, never restricted. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pthread_mutex_lock(&sh->created);
	pthread_mutex_unlock(&sh->created);
	if (atomic_load(&sh->create_failed))
		return NULL;
	if (step_thread_setup(s, &ctr)) {
		s->setup_failed = true;
		atomic_store(&sh->setup_failed, true);
	} else if (s->o->settle_ms) {
		usleep(s->o->settle_ms * 1000);
	}
	if (s->index == 0 && b->consumer_started)
		sb_thread_cpu_ns(b->consumer, &sh->consumer_at_start);
	/* Every thread comes here, also after a failed set-up: none is left waiting. */
	pthread_barrier_wait(&sh->start);
	if (atomic_load(&sh->setup_failed)) {
		if (s->counting && !s->setup_failed)
			sb_counters_close(&ctr);
		return NULL;
	}
	if (s->counting)
		sb_counters_start(&ctr);
	s->wl_cpu0 = thread_cpu_self_ns();
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	s->ret = s->wl->run(&s->w);
	clock_gettime(CLOCK_MONOTONIC, &s->t1);
	/*
	 * The last thread to end its loop reads the consumer's CPU time, first:
	 * whatever it runs after this read is drain, counted below; read later,
	 * the work it did in between would be in neither the loop nor the drain.
	 */
	if (atomic_fetch_sub(&sh->running, 1) == 1)
		sh->consumer_at_loop_end = sb_backend_loop_ended(b);
	s->wl_cpu1 = thread_cpu_self_ns();
	if (s->counting) {
		sb_counters_stop(&ctr, &s->cv);
		sb_counters_close(&ctr);
	}
	s->cpu = sched_getcpu();
	return NULL;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* What a step's workload threads measured, together. */
struct step_times {
	double loop_ns;			/* the first thread's start to the last one's end */
	uint64_t wl_cpu_ns;		/* the threads' CPU time in their loops, summed */
	uint64_t consumer_at_start, consumer_at_loop_end;
	int ret;			/* the first failing thread's, else 0 */
};

/*
 * Run the step's workload threads, each on its slice of w's list, and join
 * them; in the counting pass (cv) add their counts to cv. 0 when every
 * thread ran its loop; -1 when one could not be created or set up: err says
 * which and why, and *entry_failed whether it was the backend's
 * enter_workload.
 */
static int run_threads(const struct run_opts *o, const struct sb_workload_ops *wl,
		       const struct sb_wl_ctx *w, struct sb_backend *b,
		       struct sb_counter_values *cv, struct step_thread *st,
		       struct step_times *t, char *err, size_t errlen, bool *entry_failed)
{
	unsigned int n = (unsigned int)o->threads, created = 0;
	pthread_t tid[SB_MAX_THREADS];
	struct step_shared sh = { .created = PTHREAD_MUTEX_INITIALIZER,
				  .entry = PTHREAD_MUTEX_INITIALIZER };
	struct timespec t0, t1;
	int ret;

	*entry_failed = false;
	atomic_init(&sh.create_failed, false);
	atomic_init(&sh.setup_failed, false);
	atomic_init(&sh.running, n);
	if ((ret = pthread_barrier_init(&sh.start, NULL, n))) {
		snprintf(err, errlen, "the workload threads' barrier: %s", strerror(ret));
		return -1;
	}
	pthread_mutex_lock(&sh.created);
	for (unsigned int i = 0; i < n; i++) {
		st[i] = (struct step_thread){ .o = o, .wl = wl, .w = *w, .b = b, .sh = &sh,
					      .index = i, .counting = cv != NULL };
		sb_wl_slice(w->ops, n, i, &st[i].w.op_begin, &st[i].w.op_end);
		if ((ret = pthread_create(&tid[i], NULL, step_thread_main, &st[i]))) {
			snprintf(err, errlen, "workload thread %u of %u: %s", i + 1, n, strerror(ret));
			atomic_store(&sh.create_failed, true);
			break;
		}
		created++;
	}
	pthread_mutex_unlock(&sh.created);
	for (unsigned int i = 0; i < created; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&sh.start);
	if (ret)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		if (st[i].setup_failed) {
			snprintf(err, errlen, "%s", st[i].err);
			*entry_failed = st[i].entry_failed;
			return -1;
		}
	}
	*t = (struct step_times){ .consumer_at_start = sh.consumer_at_start,
				  .consumer_at_loop_end = sh.consumer_at_loop_end };
	t0 = st[0].t0;
	t1 = st[0].t1;
	for (unsigned int i = 0; i < n; i++) {
		if (ts_before(&st[i].t0, &t0))
			t0 = st[i].t0;
		if (ts_before(&t1, &st[i].t1))
			t1 = st[i].t1;
		t->wl_cpu_ns += st[i].wl_cpu1 - st[i].wl_cpu0;
		if (!t->ret)
			t->ret = st[i].ret;
		if (cv)
			sb_counter_values_add(cv, &st[i].cv);
	}
	t->loop_ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	return 0;
}

/*
 * The counting pass reads each attach's kernel memory (bench/kmem.h), and the
 * marks its groups hold after it. Never in the timing pass: the reads, and
 * with a memory cgroup every charge to it, cost instructions the figures
 * would include. BPF maps and fanotify or inotify groups charge what they
 * add later to the cgroup they were created in: made inside, it shows in
 * end_bytes.
 */

/*
 * One step: one backend (or none), one repetition. In the timing pass
 * (!counting) nothing but the operations runs on the workload thread
 * between the two clock reads; the counting pass (counting) enables the
 * libperf counters around the same loop and has the backend count too
 * (BPF_ENABLE_STATS), and its figure is not a sample.
 */
static int measure_step(const struct run_opts *o, struct cell *c, const struct sb_backend_ops *ops,
			enum sb_strategy strategy, unsigned int rep_id, bool counting,
			double *ns_per_op, json_t *detail, struct sb_counter_values *cv,
			json_t *backend_counters, struct sb_oracle_result *res)
{
	bool baseline = !strcmp(ops->name, "none");
	bool pass = !baseline && strategy == SB_STRAT_PASS;
	struct sb_oracle *oracle = sb_oracle_new(o->mode == SB_MODE_DENY,
						  (o->files && ops->merges ? SB_ORACLE_BURST : 0) | (pass ? SB_ORACLE_PASS : 0));
	struct sb_wl_ctx w = {
		.tree = &c->tree, .ops = o->ops, .hit_ratio = c->hit, .files = o->files,
		.seed = o->seed, .rep = rep_id, .mode = o->mode,
		.deny_errno = sb_backend_deny_errno(ops), .oracle = oracle,
	};
	struct sb_attach args = {
		.rules = &c->rules_set, .strategy = strategy, .mode = o->mode,
		.report = cell_report(o, c->wl),
		.prefix_cap = (unsigned int)o->prefix_cap,
		.sink = sb_oracle_sink(oracle), .verbose = o->verbose, .counting = counting,
	};
	struct sb_backend b = { 0 };
	struct sb_kmem_step kmem = { .kmem = c->kmem };
	long marks = -1;
	long long map_bytes = -1;
	struct step_thread st[SB_MAX_THREADS];
	struct step_times t;
	bool entry_failed;
	char err[512] = "";
	const char *failure;
	uint64_t drain_cpu_ns = 0;
	bool shared_cpu = ops->consume && consumer_shares_cpu(o);
	double loop_ns, total_ns, consumer_ns, remainder_ns;
	int ret;

	if (!oracle)
		return -1;
	sb_oracle_set_deny_errno(oracle, w.deny_errno);
	if (c->wl->prepare(&w, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: %s: prepare: %s\n", c->wl->name, err);
		sb_oracle_free(oracle);
		return -1;
	}
	/*
	 * Untimed: the consumer then records without allocating. A pass filter
	 * delivers the out-of-scope events too.
	 */
	if (sb_oracle_reserve(oracle, 2 * (sb_oracle_nr_expected(oracle) +
				       (pass ? sb_oracle_nr_outside(oracle) : 0)) + 1024)) {
		fprintf(stderr, "subtree-bench run: %s: out of memory for the oracle's records: lower --ops\n",
			c->wl->name);
		c->wl->cleanup(&w);
		sb_oracle_free(oracle);
		return -1;
	}
	if (counting && baseline) {
		snprintf(kmem.why, sizeof(kmem.why), "none attaches nothing");
	} else if (counting && c->kmem->method == SB_KMEM_NONE) {
		snprintf(kmem.why, sizeof(kmem.why), "%s", c->kmem_why);
	} else if (counting) {
		args.around_attach = sb_kmem_around;
		args.around_arg = &kmem;
	}
	ret = sb_backend_start(&b, ops, &args, o->watchdog_ms, o->consumer_cpu);
	if (sb_kmem_stuck(&kmem)) {
		/* It could not move back (leave_err): every later step would be charged to it. */
		fprintf(stderr, "subtree-bench run: %s\n", kmem.leave_err);
		if (!ret)
			sb_backend_stop(&b);
		c->wl->cleanup(&w);
		sb_oracle_free(oracle);
		return -1;
	}
	if (ret) {
		fprintf(stderr, "subtree-bench run: %s: attach: %s\n", ops->name, b.err);
		snprintf(res->why, sizeof(res->why), "attach failed: %.200s", b.err);
		c->wl->cleanup(&w);
		sb_oracle_free(oracle);
		return -2;
	}
	/* The marks and BPF map memory the attach added, before any event adds more. */
	marks = counting && !baseline ? sb_count_marks() : -1;
	map_bytes = counting && !baseline ? sb_count_map_bytes() : -1;
	if (run_threads(o, c->wl, &w, &b, counting ? cv : NULL, st, &t, err, sizeof(err),
			&entry_failed)) {
		fprintf(stderr, "subtree-bench run: %s: %s\n", ops->name, err);
		snprintf(res->why, sizeof(res->why), "%.200s", err);
		sb_backend_stop(&b);
		c->wl->cleanup(&w);
		sb_oracle_free(oracle);
		/* A backend that cannot restrict its thread is like one that cannot attach. */
		return entry_failed ? -2 : -1;
	}
	ret = t.ret;
	if (ret) {
		char why[160];

		snprintf(why, sizeof(why), "the workload failed an operation: %s",
			 ret < 0 ? strerror(-ret) : "unknown error");
		sb_oracle_invalidate(oracle, why);
	}
	/* A consumer that died or stalled will not drain: say why instead. */
	failure = sb_backend_failure(&b);
	if (failure)
		sb_oracle_invalidate(oracle, failure);
	else if (sb_backend_drain(&b, o->drain_ms))
		sb_oracle_invalidate(oracle, "the consumer did not drain the queue in time");
	else
		drain_cpu_ns = sb_backend_drain_cpu_ns(&b, t.consumer_at_loop_end);
	if (counting && b.consumer_started) {
		uint64_t ns;

		if (!sb_thread_cpu_ns(b.consumer, &ns)) {
			cv->has_consumer_cpu = true;
			cv->consumer_cpu_ns = ns;
		}
	}
	for (unsigned long i = 0; i < o->threads; i++)
		c->wl->finish(&st[i].w);
	failure = sb_backend_failure(&b);
	if (failure)
		sb_oracle_invalidate(oracle, failure);
	if (counting && ops->counters && b.priv)
		ops->counters(&b, backend_counters);
	/* What the backend holds at the end: the attach and what it charged since. */
	sb_kmem_end(&kmem);
	sb_backend_stop(&b);
	if (sb_count_attach_fds(err, sizeof(err)) > 0) {
		/* A detach that leaves the group or a program behind is a harness bug. */
		fprintf(stderr, "subtree-bench run: %s left an attachment behind after detach: %s\n",
			ops->name, err);
		c->wl->cleanup(&w);
		sb_oracle_free(oracle);
		return -1;
	}
	c->wl->cleanup(&w);
	sb_oracle_finish(oracle, res);
	if (baseline) {
		/* Nothing is monitored: the oracle's expectations do not apply. */
		bool ok = res->delivered == 0 && res->unexpected == 0;

		memset(res, 0, sizeof(*res));
		res->valid = ok && !ret;
		if (!res->valid)
			snprintf(res->why, sizeof(res->why), "the baseline run failed");
	}
	sb_oracle_free(oracle);

	/*
	 * The elapsed time is from the first workload thread's start to the last
	 * one's end (with --threads 1, the one loop). Sharing a CPU with one of
	 * them, the consumer delivers events while the operations run
	 * and after them: the cost of the operations and their delivery is the
	 * elapsed time plus what it still spent afterwards. Without that a loop
	 * shorter than a scheduler tick would leave the consumer's work out.
	 * On a CPU of its own it runs beside the operations and its cost is in
	 * consumer_cpu_ns_per_op, not in ns_per_op.
	 *
	 * The split of that total: the workload threads' CPU time, summed (the
	 * operations and the filter work done in their system calls), the
	 * consumer's CPU time while the loops ran and after them until the
	 * queue was drained (in the total only when it shares a CPU), and the
	 * remainder of the workload CPUs' time, --threads times the total
	 * (interrupts, kernel threads, scheduling, idle: a thread that ended
	 * first waits for the last).
	 */
	loop_ns = t.loop_ns;
	total_ns = loop_ns + (shared_cpu ? (double)drain_cpu_ns : 0);
	consumer_ns = ops->consume ?
		(double)(t.consumer_at_loop_end - t.consumer_at_start) + (double)drain_cpu_ns : 0;
	remainder_ns = o->threads * total_ns - (double)t.wl_cpu_ns - (shared_cpu ? consumer_ns : 0);
	*ns_per_op = total_ns / o->ops;
	json_object_set_new(detail, "ns_per_op", json_real(*ns_per_op));
	json_object_set_new(detail, "loop_ns_per_op", json_real(loop_ns / o->ops));
	/* Set-up, untimed by the figure: the backend's attach (its walk, marks, loads). */
	json_object_set_new(detail, "attach_ns", baseline ? json_null() : json_integer((json_int_t)b.attach_ns));
	if (counting) {
		json_object_set_new(detail, "kmem", kmem.ok ? sb_kmem_json(&kmem) : json_null());
		json_object_set_new(detail, "marks", marks < 0 ? json_null() : json_integer(marks));
		json_object_set_new(detail, "map_bytes", map_bytes < 0 ? json_null() : json_integer(map_bytes));
		if (!kmem.ok)
			json_object_set_new(detail, "kmem_why", json_string(kmem.why));
	}
	json_object_set_new(detail, "drain_cpu_ns_per_op", ops->consume ?
			    json_real((double)drain_cpu_ns / o->ops) : json_null());
	json_object_set_new(detail, "drain_included", json_boolean(shared_cpu));
	json_object_set_new(detail, "report", ops->consume && o->mode == SB_MODE_NOTIFY ?
			    json_string(sb_report_name(b.report)) : json_null());
	json_object_set_new(detail, "split", json_pack("{s:f, s:o, s:o, s:f, s:b}",
		"workload_cpu_ns_per_op", (double)t.wl_cpu_ns / o->ops,
		"consumer_cpu_ns_per_op", ops->consume ? json_real(consumer_ns / o->ops) : json_null(),
		"consumer_cpu_ns_per_event", ops->consume && res->delivered ?
			json_real(consumer_ns / (double)res->delivered) : json_null(),
		"remainder_ns_per_op", remainder_ns / o->ops,
		"consumer_in_total", shared_cpu));
	json_object_set_new(detail, "workload_cpu", json_integer(st[0].cpu));
	if (o->threads > 1) {
		json_t *cpus = json_array();

		for (unsigned long i = 0; i < o->threads; i++)
			json_array_append_new(cpus, json_integer(st[i].cpu));
		json_object_set_new(detail, "workload_cpus", cpus);
	}
	json_object_set_new(detail, "consumer_cpu", ops->consume ? json_integer(o->consumer_cpu) : json_null());
	json_object_set_new(detail, "oracle", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:s}",
		"expected", (json_int_t)res->expected, "delivered", (json_int_t)res->delivered,
		"missing", (json_int_t)res->missing, "merged", (json_int_t)res->merged,
		"duplicated", (json_int_t)res->duplicated, "unexpected", (json_int_t)res->unexpected,
		"extra", (json_int_t)res->extra, "overflows", (json_int_t)res->overflows,
		"dropped_records", (json_int_t)res->dropped_records, "valid", res->valid, "why", res->why));
	return 0;
}

static void oracle_add(struct sb_oracle_result *acc, const struct sb_oracle_result *r)
{
	acc->expected += r->expected;
	acc->delivered += r->delivered;
	acc->missing += r->missing;
	acc->merged += r->merged;
	acc->duplicated += r->duplicated;
	acc->unexpected += r->unexpected;
	acc->extra += r->extra;
	acc->overflows += r->overflows;
	acc->dropped_records += r->dropped_records;
	if (acc->valid && !r->valid)
		snprintf(acc->why, sizeof(acc->why), "%s", r->why);
	acc->valid = acc->valid && r->valid;
}

/* Sum the integer counters a backend reports, over the repetitions. */
static void counters_add(json_t *acc, json_t *rep)
{
	const char *key;
	json_t *val;

	json_object_foreach(rep, key, val) {
		json_t *old = json_object_get(acc, key);

		if (json_is_integer(val))
			json_object_set_new(acc, key, json_integer(json_integer_value(val) +
				(json_is_integer(old) ? json_integer_value(old) : 0)));
	}
}

/*
 * What a run id adds to backend/strategy/workload/mode/rules/depth/hit: a
 * burst study (/fN), a reporting other than the workload's lightest
 * (/fid, /dfid-name) and more than one workload thread (/tN) are other
 * experiments, whose ids never match the default ones. The baseline of
 * such a sweep carries it too.
 */
static void id_suffix(const struct run_opts *o, const struct sb_workload_ops *wl,
		      char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (o->files)
		n = snprintf(buf, len, "/f%lu", o->files);
	if (n < len && o->report >= 0 && o->mode == SB_MODE_NOTIFY &&
	    o->report != (int)lightest_report(wl))
		n += snprintf(buf + n, len - n, "/%s", sb_report_name(o->report));
	if (n < len && o->threads > 1)
		snprintf(buf + n, len - n, "/t%lu", o->threads);
}

/*
 * An invalid prefix run whose paths outgrew the cap: say so, as that is why
 * its filter sent events it could not decide (counted in the counting pass).
 */
static void prefix_cap_hint(const struct run_opts *o, struct variant *v)
{
	json_int_t n = json_integer_value(json_object_get(v->backend_counters, "prefix_too_long"));
	size_t len = strlen(v->oracle.why);

	if (v->oracle.valid || n <= 0 || len >= sizeof(v->oracle.why) - 1)
		return;
	snprintf(v->oracle.why + len, sizeof(v->oracle.why) - len,
		 "; %lld paths in the counting pass were longer than the prefix cap of %lu bytes (--prefix-cap): undecided, so sent",
		 (long long)n, o->prefix_cap);
}

static json_t *run_json(const struct run_opts *o, const struct cell *c, const struct variant *v,
			const double *base, size_t nbase, bool baseline)
{
	const char *strategy = baseline ? "-" : sb_strategy_name(v->strategy);
	json_t *warnings = json_array(), *stats, *per_op = json_object(), *per_event = json_object();
	json_t *run;
	char id[256];
	double events;

	snprintf(id, sizeof(id), "%s/%s/%s/%s/r%lu/d%lu/h%g", v->ops->name, strategy,
		 c->wl->name, sb_mode_name(o->mode), c->rules, c->depth, c->hit);
	id_suffix(o, c->wl, id + strlen(id), sizeof(id) - strlen(id));
	/* prefix with another cap is another experiment */
	if (!baseline && v->strategy == SB_STRAT_PREFIX && o->prefix_cap != SB_PREFIX_CAP_MAX)
		snprintf(id + strlen(id), sizeof(id) - strlen(id), "/cap%lu", o->prefix_cap);
	/* Another filesystem is another experiment; tmpfs ids stay as they were. */
	if (c->fs != SB_FS_TMPFS)
		snprintf(id + strlen(id), sizeof(id) - strlen(id), "/fs-%s", sb_fs_name(c->fs));
	stats = sb_stats_json(v->samples, v->nsamples, baseline || !nbase ? NULL : base,
			      baseline ? 0 : nbase, warnings);
	events = (double)v->count_events;
	sb_counters_json(&v->counters, (double)o->ops * v->ncounted, events, per_op, per_event);
	run = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"id", id, "backend", v->ops->name, "strategy", strategy,
			"workload", c->wl->name, "mode", sb_mode_name(o->mode),
			"rules", (json_int_t)c->rules, "depth", (json_int_t)c->depth,
			"hit_ratio", c->hit, "ops", (json_int_t)o->ops, "reps", (json_int_t)v->nsamples,
			"seed", (json_int_t)o->seed, "fanout", (json_int_t)o->fanout,
			"files_per_dir", (json_int_t)o->files_per_dir,
			"chains", (json_int_t)o->chains, "root_depth", (json_int_t)o->root_depth);
	/* The set-up axis: what dirmarks marks and a tag may cache. */
	json_object_set_new(run, "dirs_in_scope", json_integer((json_int_t)c->tree.nr_dirs));
	/* Which shard measures it, and where merge puts it back (bench/shard.h). */
	json_object_set_new(run, "cell", json_integer((json_int_t)c->index));
	/* With --root the tree is on whatever filesystem DIR is on. */
	json_object_set_new(run, "fs", o->root ? json_null() : json_string(sb_fs_name(c->fs)));
	json_t *samples = json_array(), *bsamples = json_array();

	for (size_t i = 0; i < v->nsamples; i++)
		json_array_append_new(samples, json_real(v->samples[i]));
	for (size_t i = 0; !baseline && i < nbase; i++)
		json_array_append_new(bsamples, json_real(base[i]));
	if (v->nsamples < o->reps)
		json_object_set_new(run, "interrupted_after_reps", json_integer(v->nsamples));
	json_object_set_new(run, "samples_ns_per_op", samples);
	json_object_set_new(run, "baseline_samples_ns_per_op", baseline ? json_null() : bsamples);
	if (baseline)
		json_decref(bsamples);
	json_object_set_new(run, "reps_detail", json_incref(v->reps_detail));
	json_object_set_new(run, "count_reps", json_integer(v->ncounted));
	if (v->count_why[0])
		json_object_set_new(run, "counting_failed", json_string(v->count_why));
	json_object_set_new(run, "counting_detail", json_incref(v->count_detail));
	json_object_set_new(run, "files", json_integer(o->files));
	json_object_set_new(run, "threads", json_integer((json_int_t)o->threads));
	json_object_set_new(run, "regime", json_string(o->files ? "burst" : "distinct"));
	json_object_set_new(run, "prefix_cap", !baseline && v->strategy == SB_STRAT_PREFIX ?
			    json_integer((json_int_t)o->prefix_cap) : json_null());
	{
		json_t *used = json_object_get(json_array_get(v->reps_detail, 0), "report");

		json_object_set_new(run, "report", used ? json_incref(used) : json_null());
	}
	json_object_set_new(run, "median_ns_per_op",
			    json_incref(json_object_get(json_object_get(stats, "median"), "value")));
	json_object_set_new(run, "overhead_ns_per_op", baseline ? json_real(0) :
			    json_incref(json_object_get(json_object_get(stats, "overhead"), "value")));
	json_object_set_new(run, "stats", stats);
	json_object_set_new(run, "oracle", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:s}",
		"expected", (json_int_t)v->oracle.expected, "delivered", (json_int_t)v->oracle.delivered,
		"missing", (json_int_t)v->oracle.missing, "merged", (json_int_t)v->oracle.merged,
		"duplicated", (json_int_t)v->oracle.duplicated, "unexpected", (json_int_t)v->oracle.unexpected,
		"extra", (json_int_t)v->oracle.extra, "overflows", (json_int_t)v->oracle.overflows,
		"dropped_records", (json_int_t)v->oracle.dropped_records, "valid", v->oracle.valid,
		"why", v->oracle.why));
	json_object_set_new(run, "counters_per_op", per_op);
	json_object_set_new(run, "counters_per_event", per_event);
	json_object_set_new(run, "backend_counters", json_incref(v->backend_counters));
	json_object_set_new(run, "warnings", warnings);
	return run;
}

static void shuffle(size_t *order, size_t n, uint64_t *state)
{
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = sb_rand_next(state) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

/*
 * A backend that cannot attach on this filesystem (the kernel refused a mark
 * or a program there) is not a run that failed the oracle: it is listed,
 * with the kernel's reason, in "unavailable_on_fs" (once per backend,
 * strategy, mode and filesystem) and said on stderr.
 */
static void unavailable_on_fs(struct sb_results *res, const struct run_opts *o,
			      const struct cell *c, const struct variant *v)
{
	json_t *list = json_object_get(res->root, "unavailable_on_fs"), *u;
	const char *strategy = sb_strategy_name(v->strategy), *mode = sb_mode_name(o->mode);
	const char *fs = sb_fs_name(c->fs);
	char reason[sizeof(v->oracle.why) + 256];
	size_t i;

	if (!list) {
		list = json_array();
		json_object_set_new(res->root, "unavailable_on_fs", list);
	}
	json_array_foreach(list, i, u) {
		if (!strcmp(json_string_value(json_object_get(u, "backend")), v->ops->name) &&
		    !strcmp(json_string_value(json_object_get(u, "strategy")), strategy) &&
		    !strcmp(json_string_value(json_object_get(u, "mode")), mode) &&
		    !strcmp(json_string_value(json_object_get(u, "fs")), fs))
			return;
	}
	fprintf(stderr, "subtree-bench run: %s/%s (%s) on --fs %s: unavailable: %s%s\n",
		v->ops->name, strategy, mode, fs, v->oracle.why, sb_fs_refusal_hint(c->fs, v->oracle.why));
	snprintf(reason, sizeof(reason), "%s%s", v->oracle.why, sb_fs_refusal_hint(c->fs, v->oracle.why));
	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "backend", v->ops->name,
					      "strategy", strategy, "mode", mode, "fs", fs,
					      "reason", reason));
}

/* Measure one cell: none and every variant, interleaved, o->reps times. */
static int measure_cell(const struct run_opts *o, struct cell *c, struct variant *vars,
			size_t nv, struct sb_results *res,
			struct progress *prog, bool *any_invalid)
{
	unsigned int rep_id = c->rep_base;
	const char *unit = strcmp(sb_box_kind(), "vm-icount") ? "ns" : "instr";
	size_t n = nv + 1, order[MAX_VARIANTS + 1];
	struct variant *all[MAX_VARIANTS + 1];
	struct variant none = { .ops = &sb_backend_none };
	uint64_t rng = o->seed ^ (c->rules * 0x9e3779b97f4a7c15ULL) ^ (c->depth << 20);
	char err[512];
	bool unwritable = false;
	int ret = 0;

	all[0] = &none;
	for (size_t i = 0; i < nv; i++)
		all[i + 1] = &vars[i];
	for (size_t i = 0; i < n; i++) {
		all[i]->samples = calloc(o->reps, sizeof(double));
		all[i]->reps_detail = json_array();
		all[i]->count_detail = json_array();
		all[i]->ncounted = 0;
		all[i]->count_why[0] = '\0';
		all[i]->count_events = 0;
		all[i]->backend_counters = json_object();
		memset(&all[i]->counters, 0, sizeof(all[i]->counters));
		memset(&all[i]->oracle, 0, sizeof(all[i]->oracle));
		all[i]->oracle.valid = true;
		all[i]->failed = false;
		all[i]->fs_unavailable = false;
		all[i]->nsamples = 0;
		order[i] = i;
		if (!all[i]->samples)
			return -1;
	}

	/*
	 * The timing pass: o->reps repetitions, each running none and every
	 * variant once in a fresh random order. Then the counting pass:
	 * o->count_reps more, with the counters on; their figures are not
	 * samples.
	 */
	for (unsigned long rep = 0; rep < o->reps + o->count_reps && !ret; rep++) {
		bool counting = rep >= o->reps;

		shuffle(order, n, &rng);
		for (size_t k = 0; k < n && !ret; k++) {
			struct variant *v = all[order[k]];
			json_t *detail = json_pack("{s:I, s:I}", "rep", (json_int_t)rep,
						   "position", (json_int_t)k);
			json_t *bc = json_object();
			struct sb_counter_values cv = { 0 };
			struct sb_oracle_result r = { 0 };
			double ns_per_op;
			char what[256];
			int step;

			if (sb_interrupted) {
				ret = -1;
				json_decref(detail);
				json_decref(bc);
				break;
			}
			if (v->failed) {
				json_decref(detail);
				json_decref(bc);
				continue;
			}
			step = measure_step(o, c, v->ops, v->strategy, rep_id++, counting,
					    &ns_per_op, detail, &cv, bc, &r);
			if (step) {
				json_decref(detail);
				json_decref(bc);
				if (step != -2) {
					ret = -1;
					break;
				}
				/*
				 * The counting pass could not attach: its counts are
				 * missing, the timing pass stands.
				 */
				if (counting) {
					snprintf(v->count_why, sizeof(v->count_why), "%s", r.why);
					prog->done++;
					continue;
				}
				/*
				 * This size is too much for it (e.g. marks): the others
				 * go on. Refused before it measured anything on a
				 * filesystem other than tmpfs, it is unavailable there;
				 * a later failure is the run's own.
				 */
				v->failed = true;
				v->oracle.valid = false;
				snprintf(v->oracle.why, sizeof(v->oracle.why), "%s", r.why);
				v->fs_unavailable = c->fs != SB_FS_TMPFS && !v->nsamples;
				prog->done += o->reps + o->count_reps - rep;
				continue;
			}
			if (counting) {
				json_t *po = json_object(), *pe = json_object();

				json_object_set_new(detail, "backend_counters", json_incref(bc));
				sb_counters_json(&cv, (double)o->ops, (double)r.delivered, po, pe);
				json_object_set_new(detail, "counters_per_op", po);
				json_object_set_new(detail, "counters_per_event", pe);
				json_array_append_new(v->count_detail, detail);
				counters_add(v->backend_counters, bc);
				sb_counter_values_add(&v->counters, &cv);
				v->count_events += r.delivered;
				v->ncounted++;
			} else {
				v->samples[v->nsamples++] = ns_per_op;
				json_array_append_new(v->reps_detail, detail);
			}
			json_decref(bc);
			oracle_add(&v->oracle, &r);
			prog->done++;
			snprintf(what, sizeof(what), "%s/%s/%s r%lu d%lu h%g %s %lu/%lu:",
				 v->ops->name, v == &none ? "-" : sb_strategy_name(v->strategy),
				 c->wl->name, c->rules, c->depth, c->hit,
				 counting ? "counting" : "rep", counting ? rep - o->reps + 1 : rep + 1,
				 counting ? o->count_reps : o->reps);
			report_progress(prog, what, ns_per_op, unit);
			if (!r.valid)
				fprintf(stderr, "INVALID: %s %s\n", what, r.why);
		}
	}
	/*
	 * What was measured is kept, also when the cell was cut short (the run
	 * then says after how many repetitions): nothing measured is lost.
	 */
	for (size_t i = 0; i < n; i++) {
		json_t *run;

		if (!all[i]->nsamples && !all[i]->failed)
			continue;
		if (all[i]->fs_unavailable) {
			unavailable_on_fs(res, o, c, all[i]);
			continue;
		}
		prefix_cap_hint(o, all[i]);
		run = run_json(o, c, all[i], none.samples, none.nsamples, all[i] == &none);

		if (!all[i]->oracle.valid) {
			*any_invalid = true;
			fprintf(stderr, "INVALID RUN %s: %s (kept in the results as invalid, never plotted)\n",
				json_string_value(json_object_get(run, "id")), all[i]->oracle.why);
		}
		if (unwritable)
			json_decref(run);	/* the results cannot be written: stop */
		else if (sb_results_add_run(res, run, err, sizeof(err))) {
			fprintf(stderr, "subtree-bench run: %s\n", err);
			fprintf(stderr, "subtree-bench run: stopping: %s keeps the %zu runs written before\n",
				res->path, json_array_size(json_object_get(res->root, "runs")));
			unwritable = true;
			ret = -1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(all[i]->samples);
		all[i]->samples = NULL;
		json_decref(all[i]->reps_detail);
		json_decref(all[i]->count_detail);
		json_decref(all[i]->backend_counters);
	}
	return ret;
}

static int setup_cell(const struct run_opts *o, struct sb_scratch *s, struct cell *c)
{
	struct sb_tree_params p = {
		.rules = c->rules, .depth = c->depth, .root_depth = o->root_depth,
		.fanout = o->fanout, .files_per_dir = o->files_per_dir, .chains = o->chains,
		/* open-close opens ops distinct files per side */
		.min_files = c->wl->files_needed ? c->wl->files_needed(o->ops, o->files) : 0,
		.seed = o->seed,
	};
	char err[512] = "";

	if (sb_scratch_reset_fs(s, c->fs, err, sizeof(err)) ||
	    sb_tree_build(&c->tree, s->mon, s->out, &p, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: building the tree: %s\n", err);
		return -1;
	}
	if (sb_rules_resolve(&c->rules_set, c->tree.roots, c->tree.nr_roots, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: rules: %s\n", err);
		sb_tree_free(&c->tree);
		return -1;
	}
	return 0;
}

/*
 * The bench VM is ours and has 1 GiB: its default fs.fanotify.max_user_marks
 * (8721) stops dirmarks short of 10,000 rules, and fs.inotify.max_user_watches
 * (sized from memory the same way) inotify. Raise them there, and say so;
 * on a host the limit is the admin's, and a run past it is reported failed.
 */
static void raise_guest_limits(void)
{
	static const char *const limits[] = { "fs.fanotify.max_user_marks", "fs.inotify.max_user_watches" };

	if (!sb_in_guest())
		return;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		char path[64], *p;
		FILE *f;

		/* fs.x.y is /proc/sys/fs/x/y */
		snprintf(path, sizeof(path), "/proc/sys/%s", limits[i]);
		for (p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		f = fopen(path, "w");
		if (!f)
			continue;
		if (fprintf(f, "1048576\n") > 0)
			fprintf(stderr, "subtree-bench run: bench VM: %s raised to 1048576\n", limits[i]);
		fclose(f);
	}
}

/* One sweep: the cartesian product of its lists, validated before anything runs. */
struct sweep {
	struct run_opts o;
	char *words;			/* the spec line the options point into */
	const struct sb_workload_ops *wls[MAX_LIST];
	size_t nw, nv;
	struct strategy_pick strategies;
	struct variant vars[MAX_VARIANTS];
};

static int prepare_sweep(struct sweep *s, struct sb_results *res)
{
	char why[512];

	if (pick_workloads(s->o.workloads, s->wls, &s->nw) ||
	    pick_strategies(s->o.strategies, &s->strategies))
		return -1;
	if (!cpu_allowed(s->o.workload_cpu) || !cpu_allowed(s->o.consumer_cpu)) {
		bool wl = !cpu_allowed(s->o.workload_cpu);
		char cpus[96];

		fprintf(stderr, "subtree-bench run: --%s-cpu %ld: the harness may not run there (its affinity mask allows CPU %s): pick one of those, or run it with a wider mask\n",
			wl ? "workload" : "consumer", wl ? s->o.workload_cpu : s->o.consumer_cpu,
			allowed_cpus_text(cpus, sizeof(cpus)));
		return -1;
	}
	if (s->o.threads > (unsigned long)n_allowed_cpus) {
		fprintf(stderr, "subtree-bench run: --threads %lu: the harness may run on %d CPU%s (its affinity mask), and two workload threads on one CPU measure the scheduler: use --threads %d or fewer, or run it on more CPUs\n",
			s->o.threads, n_allowed_cpus, n_allowed_cpus == 1 ? "" : "s", n_allowed_cpus);
		return -1;
	}
	for (size_t i = 0; i < s->nw; i++) {
		if (s->o.report == SB_REPORT_FID && s->wls[i]->needs_names) {
			fprintf(stderr, "subtree-bench run: --report fid: workload %s has directory-entry events, which only a name attributes to their object: use --report dfid-name or auto\n",
				s->wls[i]->name);
			return -1;
		}
		if (s->o.files && !s->wls[i]->files_needed) {
			fprintf(stderr, "subtree-bench run: --files %lu: workload %s makes a new object per operation and has no burst regime: use --files with open-close or outside-fs\n",
				s->o.files, s->wls[i]->name);
			return -1;
		}
		if (sb_wl_threads_check(s->wls[i], (unsigned int)s->o.threads, s->o.ops, why,
					sizeof(why))) {
			fprintf(stderr, "subtree-bench run: %s\n", why);
			return -1;
		}
		if (!(s->wls[i]->modes & SB_BIT(s->o.mode))) {
			fprintf(stderr, "subtree-bench run: workload %s has no %s mode: use --mode notify, or open-close/outside-fs for deny\n",
				s->wls[i]->name, sb_mode_name(s->o.mode));
			return -1;
		}
	}
	for (size_t i = 0; i < s->o.fs.n; i++) {
		if (s->o.fs.v[i] == SB_FS_TMPFS)
			continue;
		if (s->o.root) {
			fprintf(stderr, "subtree-bench run: --root and --fs %s: the tree is under --root, on its filesystem; drop one\n",
				sb_fs_name(s->o.fs.v[i]));
			return -1;
		}
		if (sb_fs_available(s->o.fs.v[i], why, sizeof(why))) {
			fprintf(stderr, "subtree-bench run: --fs %s: unavailable: %s\n",
				sb_fs_name(s->o.fs.v[i]), why);
			return -1;
		}
	}
	return pick_variants(&s->o, &s->strategies, res, s->vars, &s->nv);
}

/* Does sweep a measure a cell (workload, mode, rules, depth, hit) that b does too? */
static bool fs_overlap(const struct run_opts *a, const struct run_opts *b)
{
	for (size_t i = 0; i < a->fs.n; i++)
		for (size_t j = 0; j < b->fs.n; j++)
			if (a->fs.v[i] == b->fs.v[j])
				return true;
	return false;
}

static bool sweeps_overlap(const struct sweep *a, const struct sweep *b, char *cell, size_t len)
{
	if (a->o.mode != b->o.mode)
		return false;
	if (!fs_overlap(&a->o, &b->o))
		return false;
	for (size_t w = 0; w < a->nw; w++)
	for (size_t v = 0; v < b->nw; v++)
	for (size_t r = 0; r < a->o.rules.n; r++)
	for (size_t q = 0; q < b->o.rules.n; q++)
	for (size_t d = 0; d < a->o.depth.n; d++)
	for (size_t e = 0; e < b->o.depth.n; e++)
	for (size_t h = 0; h < a->o.hit.n; h++)
	for (size_t i = 0; i < b->o.hit.n; i++) {
		char sa[64], sb[64];

		if (a->wls[w] != b->wls[v] || a->o.rules.v[r] != b->o.rules.v[q] ||
		    a->o.depth.v[d] != b->o.depth.v[e] || a->o.hit.v[h] != b->o.hit.v[i])
			continue;
		id_suffix(&a->o, a->wls[w], sa, sizeof(sa));
		id_suffix(&b->o, b->wls[v], sb, sizeof(sb));
		if (strcmp(sa, sb))
			continue;
		snprintf(cell, len, "%s/%s/r%lu/d%lu/h%g%s", a->wls[w]->name,
			 sb_mode_name(a->o.mode), a->o.rules.v[r], a->o.depth.v[d], a->o.hit.v[h], sa);
		return true;
	}
	return false;
}

static size_t sweep_cells(const struct sweep *s)
{
	const struct run_opts *o = &s->o;

	return o->fs.n * s->nw * o->rules.n * o->depth.n * o->hit.n;
}

/* The steps of one of its cells: none and every variant, every repetition. */
static size_t cell_steps(const struct sweep *s)
{
	return (s->o.reps + s->o.count_reps) * (s->nv + 1);
}

static json_t *uint_list_json(const struct uint_list *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_integer((json_int_t)l->v[i]));
	return a;
}

/*
 * What the sweeps measure, as resolved: every option that changes a figure
 * or the set of runs. The shards of one sweep must agree on it (merge
 * checks); --out, --shard, --box (the "box" object says where it ran),
 * --root's path, the CPU numbers (only whether the consumer shares the
 * workload's CPU) and --verbose are not in it.
 */
static json_t *plan_json(const struct sweep *sweeps, size_t nsweeps, size_t cells)
{
	json_t *list = json_array();

	for (size_t i = 0; i < nsweeps; i++) {
		const struct sweep *s = &sweeps[i];
		const struct run_opts *o = &s->o;
		json_t *hit = json_array(), *fs = json_array(), *wls = json_array(), *vars = json_array();

		for (size_t k = 0; k < o->hit.n; k++)
			json_array_append_new(hit, json_real(o->hit.v[k]));
		for (size_t k = 0; k < o->fs.n; k++)
			json_array_append_new(fs, json_string(sb_fs_name(o->fs.v[k])));
		for (size_t k = 0; k < s->nw; k++)
			json_array_append_new(wls, json_string(s->wls[k]->name));
		for (size_t k = 0; k < s->nv; k++) {
			char name[128];

			snprintf(name, sizeof(name), "%s/%s", s->vars[k].ops->name,
				 sb_strategy_name(s->vars[k].strategy));
			json_array_append_new(vars, json_string(name));
		}
		json_array_append_new(list, json_pack(
			"{s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"variants", vars, "workloads", wls, "mode", sb_mode_name(o->mode),
			"rules", uint_list_json(&o->rules), "depth", uint_list_json(&o->depth),
			"hit_ratio", hit, "fs", fs, "ops", (json_int_t)o->ops,
			"reps", (json_int_t)o->reps, "count_reps", (json_int_t)o->count_reps,
			"files", (json_int_t)o->files, "seed", (json_int_t)o->seed,
			"fanout", (json_int_t)o->fanout, "files_per_dir", (json_int_t)o->files_per_dir,
			"chains", (json_int_t)o->chains, "root_depth", (json_int_t)o->root_depth));
		json_object_update_new(json_array_get(list, i), json_pack(
			"{s:s, s:b, s:I, s:I, s:I, s:b}",
			"report", o->report < 0 ? "auto" : sb_report_name(o->report),
			"root", o->root != NULL, "settle_ms", (json_int_t)o->settle_ms,
			"drain_ms", (json_int_t)o->drain_ms, "watchdog_ms", (json_int_t)o->watchdog_ms,
			"consumer_shares_cpu", consumer_shares_cpu(o)));
		json_object_set_new(json_array_get(list, i), "threads", json_integer((json_int_t)o->threads));
	}
	return json_pack("{s:I, s:o}", "cells", (json_int_t)cells, "sweeps", list);
}

static int run_sweeps(struct run_opts *main_opts, struct sweep *sweeps, size_t nsweeps)
{
	struct sb_scratch scratch;
	struct sb_results res = { 0 };
	struct sb_counters ctr;
	struct sb_kmem kmem;
	char kmem_why[768] = "";
	json_t *box;
	struct progress prog = { .clock_file = sb_in_guest() ? main_opts->out : NULL };
	char err[512] = "";
	bool any_invalid = false;
	size_t cells = 0, owned = 0, cell = 0, steps_before = 0;
	int ret = 0;

	if (sb_results_open(&res, main_opts->out, sb_box_kind(), main_opts->argc, main_opts->argv,
			    err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: %s\n", err);
		sb_results_close(&res);
		return SB_EXIT_USAGE;
	}
	for (size_t i = 0; i < nsweeps; i++) {
		if (prepare_sweep(&sweeps[i], &res)) {
			sb_results_close(&res);
			return SB_EXIT_USAGE;
		}
		for (size_t k = 0; k < sweep_cells(&sweeps[i]); k++, cells++) {
			if (sb_shard_owns(&main_opts->shard, cells)) {
				prog.total += cell_steps(&sweeps[i]);
				owned++;
			}
		}
		for (size_t j = 0; j < i; j++) {
			char cell[256];

			/* Run ids must be unique: compare and report match on them. */
			if (sweeps_overlap(&sweeps[j], &sweeps[i], cell, sizeof(cell))) {
				fprintf(stderr, "subtree-bench run: sweeps %zu and %zu both measure %s: drop the value from one of them\n",
					j + 1, i + 1, cell);
				sb_results_close(&res);
				return SB_EXIT_USAGE;
			}
		}
	}
	json_object_set_new(res.root, "plan", plan_json(sweeps, nsweeps, cells));
	if (main_opts->shard_arg) {
		char shard[64];

		snprintf(shard, sizeof(shard), "%lu/%lu", main_opts->shard.index, main_opts->shard.count);
		json_object_set_new(res.root, "shard", json_string(shard));
		fprintf(stderr, "subtree-bench run: shard %s: %zu of the %zu cells%s\n", shard, owned,
			cells, owned ? "" : " (none: the results file will have no runs)");
	}
	prog.start = wall_now(&prog);
	if (pin_self(main_opts->workload_cpu))
		fprintf(stderr, "subtree-bench run: cannot pin to CPU %ld: %s\n",
			main_opts->workload_cpu, strerror(errno));
	/*
	 * Each step's workload thread opens its own counters in the counting
	 * pass; this checks up front that it will be able to.
	 */
	if (sb_counters_open(&ctr, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: counters: %s\n", err);
		sb_results_close(&res);
		return SB_EXIT_FAIL;
	}
	sb_counters_close(&ctr);
	raise_guest_limits();
	sb_scratch_reap_stale();
	/*
	 * Opened for every run, counting pass or not: the first memory cgroup
	 * of a boot turns the kernel's accounting of kernel memory on for good,
	 * so every run's timing pass runs on a kernel in the same state. A box
	 * without one reads the whole kernel's (meminfo), or has no kmem and
	 * says why.
	 */
	box = json_object_get(res.root, "box");
	if (sb_kmem_open(&kmem, kmem_why, sizeof(kmem_why)) == SB_KMEM_NONE) {
		fprintf(stderr, "subtree-bench run: no kernel memory figures (kmem): %s\n", kmem_why);
		json_object_set_new(box, "kmem", json_null());
	} else {
		json_object_set_new(box, "kmem", json_string(kmem.desc));
	}
	if (kmem_why[0])
		json_object_set_new(box, "kmem_why", json_string(kmem_why));
	if (sb_scratch_open(&scratch, main_opts->root, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: %s\n", err);
		sb_kmem_close(&kmem);
		sb_results_close(&res);
		return SB_EXIT_USAGE;
	}
	sb_install_signal_handlers(&scratch);
	/*
	 * The first write of --out, after every check that can refuse the
	 * command (an existing file stays as it was until then).
	 */
	if (sb_results_flush(&res, err, sizeof(err))) {
		fprintf(stderr, "subtree-bench run: %s\n", err);
		sb_kmem_close(&kmem);
		sb_scratch_close(&scratch);
		sb_results_close(&res);
		return SB_EXIT_FAIL;
	}
	fprintf(stderr, "subtree-bench run: box %s; workload thread on CPU %ld", sb_box_kind(),
		main_opts->workload_cpu);
	if (main_opts->threads > 1)
		fprintf(stderr, " and %lu more on the CPUs after it", main_opts->threads - 1);
	fprintf(stderr, ", consumer threads on CPU %ld; %zu sweep(s), %zu steps\n",
		main_opts->consumer_cpu, nsweeps, prog.total);

	for (size_t is = 0; is < nsweeps && !ret; is++) {
		struct sweep *s = &sweeps[is];
		struct run_opts *o = &s->o;

		for (size_t ifs = 0; ifs < o->fs.n && !ret; ifs++)
		for (size_t iw = 0; iw < s->nw && !ret; iw++)
		for (size_t ir = 0; ir < o->rules.n && !ret; ir++)
		for (size_t id = 0; id < o->depth.n && !ret; id++)
		for (size_t ih = 0; ih < o->hit.n && !ret; ih++) {
			struct cell c = {
				.index = cell++, .rep_base = (unsigned int)steps_before,
				.wl = s->wls[iw], .fs = o->fs.v[ifs], .rules = o->rules.v[ir], .depth = o->depth.v[id],
				.hit = o->hit.v[ih],
				.kmem = &kmem, .kmem_why = kmem_why,
			};

			/*
			 * Every step makes its own names (w->rep); counted over
			 * every cell, shard or not, a cell's names are those it
			 * has in the unsharded run.
			 */
			steps_before += cell_steps(s);
			if (!sb_shard_owns(&main_opts->shard, c.index))
				continue;
			if (setup_cell(o, &scratch, &c)) {
				ret = -1;
				break;
			}
			ret = measure_cell(o, &c, s->vars, s->nv, &res, &prog, &any_invalid);
			sb_rules_free(&c.rules_set);
			sb_tree_free(&c.tree);
		}
	}
	sb_kmem_close(&kmem);
	sb_scratch_close(&scratch);
	sb_results_close(&res);
	if (sb_interrupted) {
		fprintf(stderr, "subtree-bench run: interrupted; everything measured is in %s\n",
			main_opts->out);
		return 128 + sb_interrupted;
	}
	if (ret)
		return SB_EXIT_FAIL;
	if (any_invalid) {
		fprintf(stderr, "subtree-bench run: some runs FAILED the oracle (see INVALID above)\n");
		return SB_EXIT_FAIL;
	}
	return SB_EXIT_OK;
}

static const struct argp run_argp = {
	run_options, run_parse, NULL,
	"Measure the per-operation cost of sub-tree monitoring backends on a\n"
	"workload, with `none` interleaved as the baseline, and check every run\n"
	"against the oracle. Lists (--rules 1,10,100) make a sweep; --spec FILE\n"
	"runs one sweep per line of FILE (each line: run options, '#' comments),\n"
	"with the command line's options as defaults, into one results file.\n"
	"Results are written after every measured cell.\n\n"
	"Examples:\n"
	"  subtree-bench run --backend all --workload open-close --rules 10 --out r.json\n"
	"  subtree-bench run --backend fanotify-user,fanotify-dirmarks --mode deny --out deny.json\n"
	"  subtree-bench run --backend all --rules 1,10,100,1000 --depth 1,4,16 --hit-ratio 0,0.5,1\n"
	"  subtree-bench run --box vm-icount --spec scripts/matrices/default.spec --out results/default/results.json\n"
	"  subtree-bench run --spec scripts/matrices/quick.spec --shard 2/4 --out q2.json   # then: subtree-bench merge q*.json --out q.json\n"
	"\vExit status: 0 all runs valid; 1 a run failed the oracle; 2 bad input;\n"
	"128+signal when interrupted (what was measured is kept).",
	NULL, NULL, NULL
};

#define MAX_SWEEPS 64
#define MAX_SPEC_ARGS 64

/*
 * Parse a spec file: one sweep per line, the command line's options as
 * defaults. Every line is checked before anything is measured; an error
 * names the file and line.
 */
static int parse_spec(const struct run_opts *defaults, FILE *f, const char *path,
		      struct sweep *sweeps, size_t *n)
{
	char line[4096];
	int lineno = 0, bad = 0;

	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *argv[MAX_SPEC_ARGS + 2], *save = NULL, *tok, *words, where[4200];
		char *hash = strchr(line, '#');
		size_t len = strlen(line);
		int argc = 0;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		/* fgets would read the rest of a longer line as a sweep of its own. */
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && ungetc(getc(f), f) != EOF) {
			fprintf(stderr, "%s: longer than %zu characters: split the sweep over several lines\n",
				where, sizeof(line) - 2);
			bad = 1;
			break;
		}
		if (hash)
			*hash = '\0';
		argv[argc++] = where;
		/* The options point into the words: they live as long as the run. */
		words = strdup(line);
		if (!words) {
			bad = 1;
			break;
		}
		for (tok = strtok_r(words, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			if (argc > MAX_SPEC_ARGS)
				break;
			argv[argc++] = tok;
		}
		argv[argc] = NULL;
		if (tok) {
			free(words);
			fprintf(stderr, "%s: more than %d words: split the sweep over several lines\n",
				where, MAX_SPEC_ARGS);
			bad = 1;
			break;
		}
		if (argc == 1) {
			free(words);
			continue;
		}
		if (*n == MAX_SWEEPS) {
			free(words);
			fprintf(stderr, "%s: at most %d sweeps in a spec file\n", where, MAX_SWEEPS);
			bad = 1;
			break;
		}
		sweeps[*n] = (struct sweep){ .o = *defaults, .words = words };
		if (argp_parse(&run_argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP, NULL, &sweeps[*n].o)) {
			bad = 1;
			break;
		}
		if (sweeps[*n].o.spec != defaults->spec || sweeps[*n].o.out != defaults->out ||
		    sweeps[*n].o.box != defaults->box || sweeps[*n].o.root != defaults->root ||
		    sweeps[*n].o.shard_arg != defaults->shard_arg) {
			fprintf(stderr, "%s: --spec, --out, --box, --root and --shard belong on the command line\n", where);
			bad = 1;
			break;
		}
		(*n)++;
	}
	if (!bad && ferror(f)) {
		fprintf(stderr, "subtree-bench run: --spec '%s': %s\n", path, strerror(errno));
		bad = 1;
	}
	if (!bad && !*n) {
		fprintf(stderr, "subtree-bench run: --spec '%s' has no sweep: give one line of run options per sweep\n", path);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* run's defaults; argc and argv are the command line the results record. */
static struct run_opts run_defaults(int argc, char **argv)
{
	return (struct run_opts){
		.backends = "all", .strategies = "walk,tag", .workloads = "open-close",
		.out = "results.json", .box = "host",
		.rules = { 1, { 10 } }, .depth = { 1, { 4 } }, .hit = { 1, { 0.5 } },
		.fs = { 1, { SB_FS_TMPFS } },
		.threads = 1, .ops = 2000, .reps = 10, .count_reps = 1, .files = 0, .seed = 1, .fanout = 1, .files_per_dir = 16,
		.chains = 4, .root_depth = 1, .watchdog_ms = 5000, .drain_ms = 30000,
		.workload_cpu = -2, .consumer_cpu = -2, .mode = SB_MODE_NOTIFY, .settle_ms = ULONG_MAX,
		.report = -1, .shard = { 1, 1 },
		.prefix_cap = SB_PREFIX_CAP_MAX,
		.argc = argc, .argv = argv,
	};
}

int sb_run_check_spec(FILE *f, const char *name, size_t *cells)
{
	static struct sweep sweeps[MAX_SWEEPS];
	struct run_opts o = run_defaults(0, NULL);
	size_t n = 0;
	int ret;

	*cells = 0;
	ret = parse_spec(&o, f, name, sweeps, &n);
	for (size_t i = 0; i < n && !ret; i++) {
		ret = pick_workloads(sweeps[i].o.workloads, sweeps[i].wls, &sweeps[i].nw) ||
		      pick_strategies(sweeps[i].o.strategies, &sweeps[i].strategies) ? -1 : 0;
		*cells += ret ? 0 : sweep_cells(&sweeps[i]);
	}
	for (size_t i = 0; i < MAX_SWEEPS; i++) {
		free(sweeps[i].words);
		sweeps[i].words = NULL;
	}
	return ret;
}

/*
 * The guest's own tmpfs is on /tmp, /run and /dev/shm, and its scratch tree
 * (a fixed path) is in /tmp; / is its root. Sharing one of them whole, as
 * the directory of --out, would put the tree on the host's filesystem, and
 * two guests' in one place.
 */
static bool guest_owns_dir(const char *dir)
{
	static const char *const own[] = { "/", "/tmp", "/run", "/dev/shm" };

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(dir, own[i]))
			return true;
	return false;
}

static int refuse_guest_dir(const char *out, const char *dir)
{
	const char *name = strrchr(out, '/');

	fprintf(stderr, "subtree-bench run: --out '%s': the bench VM shares the results file's directory, and %s is the guest's own: give a directory of its own (e.g. %s/sb/%s)\n",
		out, dir, strcmp(dir, "/") ? dir : "/var/tmp", name ? name + 1 : out);
	return SB_EXIT_USAGE;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = run_defaults(argc, argv);
	static struct sweep sweeps[MAX_SWEEPS];
	size_t nsweeps = 1;
	int ret;

	if (argp_parse(&run_argp, argc, argv, 0, NULL, &o))
		return SB_EXIT_USAGE;
	if (strcmp(o.box, "host") && !sb_in_guest()) {
		char out[PATH_MAX], dir[PATH_MAX];
		bool existed = !access(o.out, F_OK);
		FILE *f;

		snprintf(dir, sizeof(dir), "%s", o.out);
		if (realpath(dirname(dir), out) && guest_owns_dir(out))
			return refuse_guest_dir(o.out, out);
		/* The guest writes the results straight into the host directory. */
		f = fopen(o.out, "a");
		if (!f) {
			fprintf(stderr, "subtree-bench run: --out '%s': %s\n", o.out, strerror(errno));
			return SB_EXIT_USAGE;
		}
		fclose(f);
		if (!realpath(o.out, out))
			return SB_EXIT_USAGE;
		snprintf(dir, sizeof(dir), "%s", out);
		/* --out may be a symbolic link into one of them: what is shared is where it points. */
		if (guest_owns_dir(dirname(dir))) {
			if (!existed)
				unlink(out);
			return refuse_guest_dir(o.out, dir);
		}
		return sb_vm_exec(o.box, argc, argv, dir, SB_VM_TIMEOUT_RUN);
	}
	read_allowed_cpus();
	if (o.settle_ms == ULONG_MAX)
		o.settle_ms = strcmp(sb_box_kind(), "vm-icount") ? 0 : 200;
	/* The first two CPUs the harness may run on (-2: not given). */
	if (o.workload_cpu == -2)
		o.workload_cpu = allowed_cpu[0];
	if (o.consumer_cpu == -2)
		o.consumer_cpu = allowed_cpu[n_allowed_cpus > 1 ? 1 : 0];
	if (o.spec) {
		FILE *f = fopen(o.spec, "r");

		if (!f) {
			fprintf(stderr, "subtree-bench run: --spec '%s': %s\n", o.spec, strerror(errno));
			return SB_EXIT_USAGE;
		}
		ret = parse_spec(&o, f, o.spec, sweeps, &nsweeps);
		fclose(f);
		ret = ret ? SB_EXIT_USAGE : run_sweeps(&o, sweeps, nsweeps);
	} else {
		sweeps[0].o = o;
		ret = run_sweeps(&o, sweeps, nsweeps);
	}
	for (size_t i = 0; i < MAX_SWEEPS; i++)
		free(sweeps[i].words);
	return ret;
}
