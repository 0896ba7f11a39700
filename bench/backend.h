/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend ops table. A backend is one file in bench/backends/ (plus its
 * kernel side in bpf/ or kmod/) and one SB_BACKEND() line in
 * bench/backends/list.h.
 */
#ifndef SB_BACKEND_H
#define SB_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "event.h"
#include "rules.h"

enum sb_mode {
	SB_MODE_NOTIFY,		/* deliver in-scope events to user space */
	SB_MODE_DENY,		/* opens of in-scope files fail with EPERM (landlock: EACCES) */
	SB_MODE__COUNT,
};

enum sb_strategy {
	SB_STRAT_WALK,		/* ascend d_parent, look ancestors up in a hash of roots */
	SB_STRAT_LOOP,		/* one is_subdir()-style check per rule */
	SB_STRAT_TAG,		/* directories in scope carry a tag */
	SB_STRAT_CACHE,		/* walk plus a per-directory verdict cache */
	SB_STRAT_PASS,		/* reference: the filter sends or allows everything */
	SB_STRAT_KFUNC,		/* reference: BPF calls the series' in-kernel walk */
	SB_STRAT_PREFIX,	/* match the object's path against rule paths (LPM trie) */
	SB_STRAT__COUNT,
};
/*
 * The strategy of a backend that has none of ours (strategies == 0: its
 * mechanism is its own, e.g. Landlock's walk). Named "-", like none's.
 */
#define SB_STRAT_OWN SB_STRAT__COUNT

/*
 * How a fanotify group (or a ring buffer record) identifies the object of a
 * notify-mode event: fid, the object's own file handle (or dev and ino),
 * which is all an open needs; dfid-name, the directory's handle and the
 * entry name (and the object's handle), which directory-entry events need
 * and which makes fanotify snapshot the parent and the name of every event
 * on a file (FS_EVENT_ON_CHILD).
 */
enum sb_report {
	SB_REPORT_DFID_NAME,	/* the default of a zeroed struct sb_attach */
	SB_REPORT_FID,
	SB_REPORT__COUNT,
};

#define SB_BIT(x) (1u << (x))

/*
 * prefix: the longest path (within its filesystem, in bytes) that an LPM
 * trie key holds (bpf/subtree.h: SB_PREFIX_PATH_MAX less the slash after it).
 */
#define SB_PREFIX_CAP_MAX 251

struct sb_attach {
	const struct sb_rules *rules;
	enum sb_strategy strategy;
	enum sb_mode mode;
	enum sb_report report;		/* notify mode; a backend that needs names uses dfid-name */
	struct sb_sink *sink;
	bool describe;			/* resolve paths and inodes for display (monitor) */
	bool counting;			/* the counting pass: backend counters (BPF_ENABLE_STATS) on */
	/* prefix: paths longer than this many bytes are undecided (0: SB_PREFIX_CAP_MAX) */
	unsigned int prefix_cap;
	bool verbose;
	/*
	 * Called right before ops->attach (after: false) and right after it
	 * (true), outside attach_ns: the counting pass's kernel memory
	 * (bench/cmd_run.c). NULL: nothing.
	 */
	void (*around_attach)(void *arg, bool after);
	void *around_arg;
};

struct sb_backend {
	const struct sb_backend_ops *ops;
	struct sb_attach args;
	void *priv;			/* the backend's own state */
	char err[512];			/* why attach or consume failed */
	/*
	 * The reporting the backend uses: args.report, unless it needs names
	 * whatever was asked (its attach sets SB_REPORT_DFID_NAME).
	 */
	enum sb_report report;
	/* How long ops->attach took (CLOCK_MONOTONIC: instructions on vm-icount). */
	uint64_t attach_ns;

	/* Owned by bench/consumer.c. */
	pthread_t consumer;
	pthread_t watchdog;
	bool consumer_started, watchdog_started, attached;
	atomic_bool stop;
	atomic_llong heartbeat_ns;	/* last time the consumer made progress */
	atomic_bool consumer_dead;
	atomic_bool watchdog_fired;
	atomic_int consumer_tid;	/* events from this thread are the harness's own */
	atomic_ulong idle_polls;		/* consume() calls that found nothing */
	atomic_bool loop_ended;		/* the timed operations are over */
	atomic_ullong last_batch_cpu_ns;	/* consumer CPU time after its last batch since then */
	unsigned int watchdog_ms;
	int consumer_cpu;		/* pin the consumer here; -1: do not pin */
};

struct sb_backend_ops {
	const char *name;		/* kebab-case id, e.g. "fanotify-user" */
	const char *summary;		/* one line for `list` and --help */
	unsigned int modes;		/* SB_BIT(SB_MODE_*) it implements */
	unsigned int strategies;	/* SB_BIT(SB_STRAT_*); 0: not applicable */
	/*
	 * It can merge identical unread events (fanotify does; a ring buffer
	 * never does): only then may a burst study deliver fewer than expected.
	 */
	bool merges;
	/*
	 * The errno its deny mode fails an in-scope open with; 0: EPERM (what
	 * fanotify and the LSM hooks return). Landlock returns EACCES.
	 */
	int deny_errno;
	/* Runs with no privilege at all (`list` says so). */
	bool unprivileged;

	/*
	 * Can this box run it in this mode? Decided by trying (load a minimal
	 * program, try the ioctl), never from version numbers. Returns 0 when
	 * available, else -1 with the kernel's own reason in why.
	 */
	int (*probe)(enum sb_mode mode, char *why, size_t len);

	/* Start monitoring b->args.rules; on failure undo everything, fill b->err. */
	int (*attach)(struct sb_backend *b);

	/*
	 * The consumer: wait up to timeout_ms for events and deliver each to
	 * b->args.sink (answering permission events). Returns the number of
	 * events handled, or -1 with b->err on a fatal error. NULL when the
	 * backend delivers nothing (none).
	 */
	int (*consume)(struct sb_backend *b, int timeout_ms);

	/*
	 * Called after attach on the thread that runs the workload's
	 * operations (run: on each of a step's --threads fresh threads, one
	 * at a time, outside the timed loop; monitor: the forked child before
	 * it execs COMMAND). Whatever it does to that thread (a Landlock
	 * restriction is irreversible) ends with the thread. 0, or -1 with
	 * b->err. NULL: nothing to do.
	 */
	int (*enter_workload)(struct sb_backend *b);

	/*
	 * The watchdog found the consumer stalled: let every pending
	 * permission event through now (e.g. replace the fanotify fd with
	 * /dev/null, which releases the group and allows pending opens).
	 * Called from the watchdog thread. NULL if nothing can be pending.
	 */
	void (*release_pending)(struct sb_backend *b);

	/* Mandatory, idempotent, safe after a partial attach. */
	void (*detach)(struct sb_backend *b);

	/* Add backend counters (bpf_run_cnt, ring_drops, ...) to out. May be NULL. */
	void (*counters)(struct sb_backend *b, json_t *out);
};

#define SB_BACKEND(sym) extern const struct sb_backend_ops sym;
#include "backends/list.h"
#undef SB_BACKEND

/* NULL-terminated, in list.h order. */
extern const struct sb_backend_ops *const sb_backends[];

const struct sb_backend_ops *sb_backend_find(const char *name);
/* Can this box run ops in mode? 0, or -1 with the reason in why. */
int sb_backend_available(const struct sb_backend_ops *ops, enum sb_mode mode, char *why, size_t len);
/* The errno ops's deny mode fails an in-scope open with (EPERM unless it says). */
int sb_backend_deny_errno(const struct sb_backend_ops *ops);
const char *sb_mode_name(enum sb_mode mode);
int sb_mode_parse(const char *s, enum sb_mode *mode);
const char *sb_strategy_name(enum sb_strategy s);
const char *sb_report_name(enum sb_report r);
int sb_report_parse(const char *s, enum sb_report *r);
int sb_strategy_parse(const char *s, enum sb_strategy *st);

/*
 * bench/consumer.c: attach, run the consumer thread and (in deny mode) the
 * permission-event watchdog; stop them and detach on every path.
 */
int sb_backend_start(struct sb_backend *b, const struct sb_backend_ops *ops,
		     const struct sb_attach *args, unsigned int watchdog_ms,
		     int consumer_cpu);
/*
 * The timed operations are over: from now on the consumer notes its CPU
 * time after each batch of events. Returns the consumer thread's CPU time so
 * far in ns (0 without a consumer).
 */
uint64_t sb_backend_loop_ended(struct sb_backend *b);
/*
 * After sb_backend_drain(): the CPU time the consumer spent, after the
 * operations ended, on the events they left in the queue. at_loop_end is
 * what sb_backend_loop_ended() returned.
 */
uint64_t sb_backend_drain_cpu_ns(struct sb_backend *b, uint64_t at_loop_end);
/*
 * Is the test hook name in SUBTREE_BENCH_FAULT (a comma-separated list)?
 * For the fault and limit tests only (tests/README.md).
 */
bool sb_fault(const char *name);
/* Did the run lose its consumer (died, stalled, watchdog fired)? Why, or NULL. */
const char *sb_backend_failure(struct sb_backend *b);
/*
 * Wait until the consumer has found the queue empty twice since the call:
 * the kernel queues events in the syscall that causes them, so everything
 * the workload caused has then been delivered. -1 on timeout.
 */
int sb_backend_drain(struct sb_backend *b, int timeout_ms);
void sb_backend_stop(struct sb_backend *b);
/*
 * fanotify groups, inotify instances, BPF objects and Landlock rulesets this
 * process still holds (anon inode fds): after a detach there must be none.
 * Names the first in what.
 */
int sb_count_attach_fds(char *what, size_t len);
/*
 * The marks this process's fanotify groups and inotify instances hold, from
 * their fdinfo (a line per mark: "fanotify ino:", "mnt_id:" or "sdev:",
 * "inotify wd:"); -1 when it holds no such group.
 */
long sb_count_marks(void);
/*
 * The memory the kernel reports for this process's BPF maps (the sum of
 * their fdinfo "memlock:", bpf_map_memory_usage()); -1 when it holds no map.
 * A local storage map's elements (inode storage) are not in it.
 */
long long sb_count_map_bytes(void);

#endif
