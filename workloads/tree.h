/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tree builder: a deterministic directory tree with R rule roots.
 *
 * Every entry name in the tree is unique across the whole tree (and the
 * outside tree), so the oracle can identify objects by (event kind, name).
 */
#ifndef SB_TREE_H
#define SB_TREE_H

#include <stddef.h>
#include <stdint.h>

struct sb_tree_params {
	unsigned int rules;		/* R rule roots */
	unsigned int depth;		/* levels below a root down to the leaf dir */
	unsigned int root_depth;	/* levels from top to each root (>= 1) */
	unsigned int fanout;		/* extra sibling dirs per chain level */
	unsigned int files_per_dir;	/* files in each leaf directory (at least) */
	/*
	 * Files the workload needs on each side (in scope, out of scope,
	 * outside): files_per_dir is raised to ceil(min_files / chains) when
	 * that is more. 0: files_per_dir as given.
	 */
	size_t min_files;
	unsigned int chains;		/* active chains (in and out), <= rules */
	uint64_t seed;
};

struct sb_tree {
	struct sb_tree_params p;	/* as built: chains clamped, files_per_dir raised */
	char *top;			/* scratch top dir on the monitored fs */
	char *outside_top;		/* top dir on the unmonitored fs, or NULL */
	size_t nr_roots;
	char **roots;			/* absolute rule root paths */
	size_t nr_chains;
	char **in_leaf;			/* [nr_chains] deepest dir below a root */
	char **out_leaf;		/* [nr_chains] same depth, in no root */
	char **outside_leaf;		/* [nr_chains] on the unmonitored fs, or NULL */
	size_t nr_files;		/* per side: nr_chains * p.files_per_dir, >= p.min_files */
	char **in_files;		/* [nr_files] absolute paths */
	char **out_files;
	char **outside_files;		/* or NULL */
	size_t nr_dirs;			/* directories in scope (marks dirmarks needs) */
};

/* Build below top (and outside_top if not NULL); both must exist and be empty. */
int sb_tree_build(struct sb_tree *t, const char *top, const char *outside_top,
		  const struct sb_tree_params *p, char *err, size_t errlen);
void sb_tree_free(struct sb_tree *t);

/* Deterministic PRNG (splitmix64) shared by the builder and the workloads. */
uint64_t sb_rand_next(uint64_t *state);
double sb_rand_unit(uint64_t *state);	/* [0, 1) */

#endif
