// SPDX-License-Identifier: GPL-2.0
/*
 * fanotify-kmod: one FAN_MARK_FILESYSTEM mark plus the in-kernel "subtree"
 * filter of kmod/ (kernel/patches adds the filter API). Only in-scope events
 * are queued; in deny mode the filter answers FAN_OPEN_PERM itself, with no
 * round trip to user space. Rules beyond the few that fit the 64-byte init
 * args are added at run time with FAN_IOC_FILTER_CTL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../cmd.h"
#include "../fanotify_common.h"
#include "../fanotify_filter.h"

#define MODULE_NAME "fanotify_subtree"
/*
 * Rules past the init args go in FAN_IOC_FILTER_CTL calls as large as the
 * series allows: each call rebuilds the module's rule set and frees the old
 * one after a grace period, so small chunks would hold many old sets at once
 * (4,096 per call held about 100 MB for 100,000 rules).
 */
#define CTL_CHUNK (FAN_FILTER_CTL_SIZE_MAX / sizeof(__s32))
#define UNLOAD_TRIES 200

struct fan_kmod {
	struct sb_fan fan;
	bool loaded;			/* we loaded the module: we unload it */
	struct subtree_stats stats;
};

/*
 * The module built against the running kernel: build/kmod/ holds the bench
 * kernel's; SUBTREE_BENCH_KMOD names another (make soak sets it to the debug
 * kernel's, build/kmod-debug/).
 */
static void module_path(char *buf, size_t len)
{
	const char *ko = getenv("SUBTREE_BENCH_KMOD");

	if (ko && *ko)
		snprintf(buf, len, "%s", ko);
	else
		snprintf(buf, len, "%s/build/kmod/" MODULE_NAME ".ko", sb_repo_dir());
}

static int kmod_probe(enum sb_mode mode, char *why, size_t len)
{
	char ko[400];

	if (sb_fan_filter_probe(mode == SB_MODE_DENY, why, len))
		return -1;
	if (access("/sys/fs/fanotify/filters/" SUBTREE_FILTER_NAME, F_OK) == 0)
		return 0;	/* already registered */
	if (access("/proc/modules", F_OK)) {
		snprintf(why, len, "the running kernel has no module support (no /proc/modules)");
		return -1;
	}
	module_path(ko, sizeof(ko));
	if (access(ko, R_OK)) {
		snprintf(why, len, "%s: %s: run 'make build' (it builds the module against the bench kernel)",
			 ko, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_module(struct fan_kmod *k, char *err, size_t errlen)
{
	char ko[400];
	int fd;

	if (access("/sys/fs/fanotify/filters/" SUBTREE_FILTER_NAME, F_OK) == 0)
		return 0;
	module_path(ko, sizeof(ko));
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
		if (errno != EEXIST) {
			snprintf(err, errlen, "loading %s: %s", ko, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
	} else {
		k->loaded = true;
	}
	close(fd);
	return 0;
}

/* The rules the init args cannot hold, FAN_IOC_FILTER_CTL a chunk at a time. */
static int add_more_rules(struct fan_kmod *k, const struct sb_rules *rules, size_t from,
			  char *err, size_t errlen)
{
	size_t chunk;
	__s32 *fds;
	int ret = 0;

	if (from >= rules->n)
		return 0;
	chunk = rules->n - from < CTL_CHUNK ? rules->n - from : CTL_CHUNK;
	fds = calloc(chunk, sizeof(*fds));
	if (!fds) {
		snprintf(err, errlen, "out of memory for %zu rule fds", chunk);
		return -1;
	}
	while (from < rules->n) {
		size_t n = rules->n - from < chunk ? rules->n - from : chunk;
		struct fanotify_filter_ctl ctl = {
			.cmd = SUBTREE_CTL_ADD, .size = n * sizeof(__s32), .arg = (uintptr_t)fds,
		};

		for (size_t i = 0; i < n; i++)
			fds[i] = rules->v[from + i].fd;
		if (ioctl(k->fan.fd, FAN_IOC_FILTER_CTL, &ctl) < 0) {
			snprintf(err, errlen, "FAN_IOC_FILTER_CTL(SUBTREE_CTL_ADD, %zu rules): %s%s",
				 n, strerror(errno),
				 errno == ENOMEM ? ": the kernel has no memory for a rule table this size: give fewer rules or more memory" :
				 errno == ENOSPC || errno == E2BIG ? ": more rules than the module's table holds: give fewer rules" : "");
			ret = -1;
			break;
		}
		from += n;
	}
	free(fds);
	return ret;
}

/*
 * The counting pass only: the filter's per-event counters, off in the
 * timing pass as BPF_ENABLE_STATS is (bench/fanotify_filter.h).
 */
static int count_events(struct fan_kmod *k, char *err, size_t errlen)
{
	struct fanotify_filter_ctl ctl = { .cmd = SUBTREE_CTL_COUNT_EVENTS };

	if (ioctl(k->fan.fd, FAN_IOC_FILTER_CTL, &ctl) < 0) {
		snprintf(err, errlen, "FAN_IOC_FILTER_CTL(SUBTREE_CTL_COUNT_EVENTS): %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int kmod_attach(struct sb_backend *b)
{
	const struct sb_rules *rules = b->args.rules;
	struct subtree_init_args init = {
		.strategy = b->args.strategy == SB_STRAT_LOOP ? SUBTREE_STRATEGY_LOOP :
			    b->args.strategy == SB_STRAT_PASS ? SUBTREE_STRATEGY_PASS :
			    b->args.strategy == SB_STRAT_TAG ? SUBTREE_STRATEGY_TAG :
			    SUBTREE_STRATEGY_WALK,
		.mode = b->args.mode == SB_MODE_DENY ? SUBTREE_MODE_DENY : SUBTREE_MODE_NOTIFY,
	};
	struct fan_kmod *k = calloc(1, sizeof(*k));

	if (!k) {
		snprintf(b->err, sizeof(b->err), "out of memory");
		return -1;
	}
	k->fan.fd = -1;
	b->priv = k;
	if (load_module(k, b->err, sizeof(b->err)))
		return -1;
	if (sb_fan_open_report(&k->fan, b->args.mode == SB_MODE_DENY, b->args.report, rules,
			       b->err, sizeof(b->err)))
		return -1;
	for (init.nr_fds = 0; init.nr_fds < SUBTREE_INIT_FDS && init.nr_fds < rules->n; init.nr_fds++)
		init.fds[init.nr_fds] = rules->v[init.nr_fds].fd;
	/* The filter is in place before the mark: no unfiltered event is queued. */
	if (sb_fan_add_filter(&k->fan, SUBTREE_FILTER_NAME, &init, sizeof(init),
			      b->err, sizeof(b->err)) ||
	    add_more_rules(k, rules, init.nr_fds, b->err, sizeof(b->err)))
		return -1;
	if (b->args.counting && count_events(k, b->err, sizeof(b->err)))
		return -1;
	return sb_fan_mark_filesystems(&k->fan, rules, b->err, sizeof(b->err));
}

static int kmod_event(struct sb_backend *b, struct sb_fan_event *e)
{
	struct fan_kmod *k = b->priv;

	return sb_fan_filtered_event(b, &k->fan, e);
}

static int kmod_consume(struct sb_backend *b, int timeout_ms)
{
	struct fan_kmod *k = b->priv;

	return sb_fan_read(b, &k->fan, timeout_ms, kmod_event);
}

static void kmod_release_pending(struct sb_backend *b)
{
	struct fan_kmod *k = b->priv;

	sb_fan_release(&k->fan);
}

static void kmod_detach(struct sb_backend *b)
{
	struct fan_kmod *k = b->priv;

	if (!k)
		return;
	/* Closing the group drops its reference on the module. */
	sb_fan_close(&k->fan);
	if (k->loaded) {
		int tries = 0, ret;

		/* The group is freed after a grace period: the module may stay busy a moment. */
		while ((ret = syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK)) &&
		       (errno == EAGAIN || errno == EBUSY) && ++tries < UNLOAD_TRIES)
			usleep(10000);
		if (ret)
			fprintf(stderr, "subtree-bench: fanotify-kmod: could not unload %s: %s (rmmod it by hand)\n",
				MODULE_NAME, strerror(errno));
	}
	free(k);
	b->priv = NULL;
}

static void kmod_counters(struct sb_backend *b, json_t *out)
{
	struct fan_kmod *k = b->priv;
	struct subtree_stats st = { 0 };
	struct fanotify_filter_ctl ctl = {
		.cmd = SUBTREE_CTL_STATS, .size = sizeof(st), .arg = (uintptr_t)&st,
	};

	if (ioctl(k->fan.fd, FAN_IOC_FILTER_CTL, &ctl) < 0)
		return;
	json_object_set_new(out, "filter_calls", json_integer(st.events));
	json_object_set_new(out, "filter_sent", json_integer(st.sent));
	json_object_set_new(out, "filter_skipped", json_integer(st.skipped));
	json_object_set_new(out, "filter_denied", json_integer(st.denied));
	json_object_set_new(out, "filter_retries", json_integer(st.retries));
	json_object_set_new(out, "filter_undecided", json_integer(st.undecided));
	json_object_set_new(out, "queue_overflows", json_integer(k->fan.queue_overflows));
}

const struct sb_backend_ops sb_backend_fanotify_kmod = {
	.name = "fanotify-kmod",
	.summary = "FAN_MARK_FILESYSTEM plus the in-kernel sub-tree filter, as a kernel module",
	.modes = SB_BIT(SB_MODE_NOTIFY) | SB_BIT(SB_MODE_DENY),
	.strategies = SB_BIT(SB_STRAT_WALK) | SB_BIT(SB_STRAT_LOOP) | SB_BIT(SB_STRAT_PASS) |
		      SB_BIT(SB_STRAT_TAG),
	.merges = true,
	.probe = kmod_probe,
	.attach = kmod_attach,
	.consume = kmod_consume,
	.release_pending = kmod_release_pending,
	.detach = kmod_detach,
	.counters = kmod_counters,
};
