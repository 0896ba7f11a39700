/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fanotify in-kernel filter ABI, for user space and for kmod/.
 *
 * 1. A copy of the uapi additions of kernel/patches/ (include/uapi/linux/
 *    fanotify.h), used when the build host's headers lack them.  Keep it
 *    identical to the patch.
 * 2. The ABI of the "subtree" filter (kmod/fanotify_subtree.c): its init
 *    args (FAN_IOC_ADD_FILTER) and its FAN_IOC_FILTER_CTL commands.  The
 *    module includes this file, so it is the single definition.
 */
#ifndef SUBTREE_BENCH_FANOTIFY_FILTER_H
#define SUBTREE_BENCH_FANOTIFY_FILTER_H

#include <linux/types.h>
#include <linux/ioctl.h>

#ifndef FAN_IOC_ADD_FILTER
#define FAN_FILTER_NAME_MAX	64
#define FAN_FILTER_ARGS_MAX	64

/*
 * Argument of FAN_IOC_ADD_FILTER: 80 bytes and no implicit padding on every
 * ABI, so that the ioctl number, which encodes the size, is the same for
 * 32-bit callers.
 */
struct fanotify_filter_args {
	char name[FAN_FILTER_NAME_MAX];	/* registered filter name */
	__u64 init_args;		/* user pointer to filter init args */
	__u32 init_args_size;		/* must equal the filter's size */
	__u32 flags;			/* none defined yet: must be 0 */
};

/* Argument of FAN_IOC_FILTER_CTL: run-time reconfiguration */
struct fanotify_filter_ctl {
	__u32 cmd;			/* filter specific command */
	__u32 size;			/* size of the buffer at @arg */
	__u64 arg;			/* user pointer to a filter specific buffer */
};

#define FAN_FILTER_CTL_SIZE_MAX	(1U << 20)

#define FAN_IOC_ADD_FILTER	_IOW('F', 0, struct fanotify_filter_args)
#define FAN_IOC_DEL_FILTER	_IO('F', 1)
#define FAN_IOC_FILTER_CTL	_IOW('F', 2, struct fanotify_filter_ctl)

/* Return values of a filter */
enum {
	FAN_FILTER_RET_SKIP_EVENT = 0,
	FAN_FILTER_RET_SEND_TO_USERSPACE = 1,
};
#endif /* FAN_IOC_ADD_FILTER */

/* sysfs directory listing the registered filters */
#define FAN_FILTER_SYSFS_DIR	"/sys/fs/fanotify/filters"

/*
 * The "subtree" filter (kmod/fanotify_subtree.c; the BPF struct_ops filter
 * bpf/fanotify_bpf.bpf.c registers as "subtree_bpf" and keeps its rules in
 * maps instead).
 *
 * A rule is a directory, identified by (st_dev, st_ino) of the directory an
 * fd refers to (O_PATH fds are fine).  The filter keeps only that key: it
 * pins no mount and holds no dentry.  An event is in scope when its object
 * (FAN_OPEN, FAN_OPEN_PERM, and any other non-directory-entry event) or its
 * parent directory (FAN_CREATE, FAN_DELETE, FAN_MOVED_FROM, FAN_MOVED_TO,
 * FAN_RENAME) is a rule's directory or lies below one.
 */
#define SUBTREE_FILTER_NAME	"subtree"

enum subtree_strategy {
	SUBTREE_STRATEGY_WALK = 0,	/* ascend d_parent, rule table: O(depth) */
	SUBTREE_STRATEGY_LOOP = 1,	/* each rule: ancestor scan: O(R x depth) */
	/* reference, no walk: every event SEND_TO_USERSPACE, except that in
	 * SUBTREE_MODE_DENY a permission event is SKIP (allowed, no round trip)
	 */
	SUBTREE_STRATEGY_PASS = 2,
	/* the BPF filter's only (the series' kfunc): EINVAL for the module; the
	 * numbers are those of bpf/subtree.h's strategies
	 */
	SUBTREE_STRATEGY_KFUNC = 3,
	/* walk, with each directory's verdict cached per CPU until a rename
	 * or a rule change (kmod/fanotify_subtree.c)
	 */
	SUBTREE_STRATEGY_TAG = 4,
};

enum subtree_mode {
	/* in scope: FAN_FILTER_RET_SEND_TO_USERSPACE, else SKIP */
	SUBTREE_MODE_NOTIFY = 0,
	/* permission event in scope: -EPERM; other permission events: SKIP
	 * (allowed, no round trip); non-permission events as in NOTIFY
	 */
	SUBTREE_MODE_DENY = 1,
};

#define SUBTREE_INIT_FDS	13

/* Init args of FAN_IOC_ADD_FILTER; init_args_size = sizeof() = 64 */
struct subtree_init_args {
	__u32 strategy;			/* enum subtree_strategy */
	__u32 mode;			/* enum subtree_mode */
	__u32 nr_fds;			/* valid entries in fds[] */
	__s32 fds[SUBTREE_INIT_FDS];	/* initial rules */
};

/*
 * FAN_IOC_FILTER_CTL commands.  Unless said otherwise arg points to an
 * array of __s32 fds and size is its size in bytes (a multiple of 4, up to
 * FAN_FILTER_CTL_SIZE_MAX); the ioctl returns a count or -errno.
 * A change is all or nothing: on an error no rule was added or removed.
 * Errors besides those of the ioctl itself: EBADF, ENOTDIR (a bad fd),
 * EINVAL (a key with dev 0 or not a 32-bit dev_t), ENOSPC (more than 2^20
 * rules), ENOMEM.
 */
enum subtree_ctl_cmd {
	SUBTREE_CTL_ADD = 1,		/* add rules; returns how many were new */
	SUBTREE_CTL_DEL = 2,		/* remove rules; returns how many existed */
	SUBTREE_CTL_CLEAR = 3,		/* remove all rules (arg, size: 0);
					 * returns how many there were
					 */
	SUBTREE_CTL_COUNT = 4,		/* returns the number of rules */
	SUBTREE_CTL_STATS = 5,		/* arg: struct subtree_stats, size:
					 * sizeof(); returns 0
					 */
	SUBTREE_CTL_ADD_KEYS = 6,	/* arg: array of struct subtree_key;
					 * add rules by key, no fd needed
					 */
	SUBTREE_CTL_COUNT_EVENTS = 7,	/* arg, size: 0; the per-event counters
					 * of struct subtree_stats count from
					 * now on (off by default: they cost
					 * the timed path)
					 */
};

/* A rule's key, as stat(2) reports it for the directory */
struct subtree_key {
	__u64 dev;			/* st_dev (new_encode_dev format); the
					 * module keys rules by the kernel dev_t
					 */
	__u64 ino;			/* st_ino */
};

/* Counters since attach (approximate under concurrency) */
struct subtree_stats {
	/* per event, after SUBTREE_CTL_COUNT_EVENTS: */
	__u64 events;			/* ->filter() calls */
	__u64 sent;			/* FAN_FILTER_RET_SEND_TO_USERSPACE */
	__u64 skipped;			/* FAN_FILTER_RET_SKIP_EVENT */
	__u64 denied;			/* -EPERM verdicts */
	/* always: */
	__u64 no_dentry;		/* no dentry found: out of scope, but
					 * denied if a permission event in
					 * deny mode
					 */
	__u64 retries;			/* walks redone: a rename raced with one */
	__u64 undecided;		/* the redone walk raced too, or the
					 * chain was deeper than the cap: a
					 * permission event denied in deny mode,
					 * any other event sent
					 */
};

#endif /* SUBTREE_BENCH_FANOTIFY_FILTER_H */
