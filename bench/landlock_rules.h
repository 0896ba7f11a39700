/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The landlock backend's deny-inside construction, as pure logic. Landlock
 * is an allow-list: a restricted thread may use a handled access right only
 * beneath a path that a rule grants it on. To deny the sub-trees and allow
 * the rest, every path that is neither a root nor an ancestor of one gets
 * the rights: for each ancestor A of a root (from / down), one rule on each
 * entry of A that is not on the way to a root. What is left without a rule
 * is the roots (so everything beneath them) and the ancestors themselves.
 *
 * Also the Landlock rights each ABI version knows: only those may be handled.
 */
#ifndef SB_LANDLOCK_RULES_H
#define SB_LANDLOCK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sb_ll_type {
	SB_LL_DIR,		/* a rule beneath it: every handled right */
	SB_LL_FILE,		/* any other non-symlink: the file rights only */
	SB_LL_SKIP,		/* a symlink: reached through its target, which has its own rule */
};

struct sb_ll_entry {
	char *path;
	enum sb_ll_type type;
};

struct sb_ll_plan {
	struct sb_ll_entry *v;
	size_t n, cap;
	size_t ancestors;	/* directories listed */
};

/* Called by a lister for each entry of a directory ("." and ".." left out). */
typedef int (*sb_ll_emit)(void *plan, const char *name, enum sb_ll_type type);
/* List dir through emit(plan, ...). 0, or -errno (the planner names dir). */
typedef int (*sb_ll_lister)(void *ctx, const char *dir, sb_ll_emit emit, void *plan);

/*
 * The rules for roots (absolute, normalised by realpath, none nested in
 * another). Returns 0, or -1 with err naming what failed.
 */
int sb_ll_plan_build(struct sb_ll_plan *p, char *const *roots, size_t n,
		     sb_ll_lister list, void *ctx, char *err, size_t errlen);
void sb_ll_plan_free(struct sb_ll_plan *p);

/* The lister for the running system: opendir/readdir, d_type or lstat. */
int sb_ll_list_dir(void *ctx, const char *dir, sb_ll_emit emit, void *plan);

/*
 * LANDLOCK_ACCESS_FS_* rights the given ABI version knows (0 for abi < 1),
 * and the subset a rule on a non-directory may grant.
 */
uint64_t sb_ll_abi_fs_rights(int abi);
uint64_t sb_ll_file_rights(void);

#endif
