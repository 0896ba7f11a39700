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
	size_t ops;			/* operations prepare() lists */
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
	/*
	 * The slice of the list run() performs: operations [op_begin, op_end).
	 * prepare() sets the whole list, [0, ops); with --threads N the runner
	 * gives each workload thread a copy of this context with its own
	 * slice (sb_wl_slice()), sharing priv. run() sets op_done: it completed
	 * [op_begin, op_done), which finish() reports (a workload whose
	 * finish() reports nothing may leave it); finish() is called once per
	 * slice, one slice at a time.
	 */
	size_t op_begin, op_end, op_done;
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
	 * Each operation depends on the one before it (rename-storm moves the
	 * same directories in turn, each move starting where the last left
	 * them): run() must perform the whole list on one thread, and the
	 * runner refuses --threads > 1 (sb_wl_threads_check()).
	 */
	bool serial;
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
	 * Timed: exactly the operations [w->op_begin, w->op_end), no allocation,
	 * no oracle calls, no writes to shared state but its own operations'
	 * slots: several threads may run disjoint slices of one list at once.
	 * Sets w->op_done (see above). Returns 0, or -errno for an unexpected failure.
	 */
	int (*run)(struct sb_wl_ctx *w);
	/* Untimed, after run(): report the slice's deny-mode outcomes to the oracle. */
	void (*finish)(struct sb_wl_ctx *w);
	/* Untimed, after detach: undo prepare()/run(), free w->priv. */
	void (*cleanup)(struct sb_wl_ctx *w);
};

#define SB_WORKLOAD(sym) extern const struct sb_workload_ops sym;
#include "list.h"
#undef SB_WORKLOAD

extern const struct sb_workload_ops *const sb_workloads[];
const struct sb_workload_ops *sb_workload_find(const char *name);

/*
 * Thread i of n: its slice of ops operations, [*begin, *end). The slices
 * are contiguous, disjoint, in thread order and cover [0, ops); their sizes
 * differ by at most one. n = 1 gives [0, ops). Needs 0 < n <= ops, i < n.
 */
void sb_wl_slice(size_t ops, unsigned int n, unsigned int i, size_t *begin, size_t *end);
/*
 * Can wl run ops operations on n threads? 0, or -1 with a message naming
 * the workload and the fix: a serial workload runs on one thread, and
 * every thread needs at least one operation.
 */
int sb_wl_threads_check(const struct sb_workload_ops *wl, unsigned int n, size_t ops,
			char *err, size_t errlen);

#endif
