/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload ops table. A workload is one file in workloads/ and one
 * SB_WORKLOAD() line in workloads/list.h.
 */
#ifndef SB_WORKLOAD_H
#define SB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../bench/backend.h"
#include "../bench/oracle.h"
#include "tree.h"

struct sb_wl_ctx {
	const struct sb_tree *tree;
	size_t ops;			/* operations in run() */
	double hit_ratio;		/* share of operations on in-scope objects */
	uint64_t seed;
	unsigned int rep;		/* unique per prepare(): makes new names unique */
	/*
	 * 0: every operation touches its own object (the default; the oracle
	 * expects each event once). N > 0: the burst regime, operations reuse N
	 * objects per side (run it with SB_ORACLE_BURST).
	 */
	size_t files;
	enum sb_mode mode;
	int deny_errno;			/* deny mode: what a denied open fails with; 0: EPERM */
	struct sb_oracle *oracle;
	void *priv;
};

struct sb_workload_ops {
	const char *name;		/* kebab-case id, e.g. "open-close" */
	const char *summary;
	unsigned int modes;		/* SB_BIT(SB_MODE_*) it supports */
	/* 0 if this box can run it, else -1 with the reason. May be NULL. */
	int (*probe)(char *why, size_t len);
	/*
	 * Its events include directory-entry events (create, delete, moves),
	 * which a backend can only attribute to an object by the entry name:
	 * such a workload needs dfid-name reporting; opens alone need fid.
	 */
	bool needs_names;
	/*
	 * Files the tree must hold on each side (sb_tree_params.min_files) for
	 * run() with this many operations and this w->files. NULL: the workload
	 * needs no tree files beyond one per leaf.
	 */
	size_t (*files_needed)(size_t ops, size_t files);
	/*
	 * Untimed, before attach: create the objects run() needs, precompute
	 * the operation list, and (notify mode) record every in-scope event
	 * run() will cause with sb_oracle_expect(), and count the others with
	 * sb_oracle_expect_outside().
	 */
	int (*prepare)(struct sb_wl_ctx *w, char *err, size_t errlen);
	/*
	 * Timed: exactly w->ops operations, no allocation, no oracle calls.
	 * Returns 0, or -errno for an unexpected failure.
	 */
	int (*run)(struct sb_wl_ctx *w);
	/* Untimed, after run(): report deny-mode outcomes to the oracle. */
	void (*finish)(struct sb_wl_ctx *w);
	/* Untimed, after detach: undo prepare()/run(), free w->priv. */
	void (*cleanup)(struct sb_wl_ctx *w);
};

#define SB_WORKLOAD(sym) extern const struct sb_workload_ops sym;
#include "list.h"
#undef SB_WORKLOAD

extern const struct sb_workload_ops *const sb_workloads[];
const struct sb_workload_ops *sb_workload_find(const char *name);

#endif
