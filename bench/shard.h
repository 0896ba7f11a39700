/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sharded sweeps: `run --shard I/N` measures the cells whose index in the
 * expanded spec order (sweep by sweep, then fs, workload, rules, depth, hit
 * ratio: the order an unsharded run measures them in) is I-1 modulo N.
 * Whole cells, so every run keeps its interleaved `none`; round robin, so
 * the expensive end of an axis (10,000 rules) is spread over the shards;
 * the N shards together measure every cell exactly once. `merge` puts them
 * back together (bench/merge.h).
 */
#ifndef SB_SHARD_H
#define SB_SHARD_H

#include <stdbool.h>
#include <stddef.h>

struct sb_shard {
	unsigned long index;		/* 1..count */
	unsigned long count;		/* 1: not sharded */
};

/* merge takes at most this many files: more shards could not be merged. */
#define SB_SHARD_MAX 4096

/* Parse "I/N" (1 <= I <= N <= SB_SHARD_MAX); on error a message naming --shard and the fix. */
int sb_shard_parse(const char *s, struct sb_shard *out, char *err, size_t errlen);
/* Does this shard measure the cell at this index (0-based)? */
bool sb_shard_owns(const struct sb_shard *s, size_t cell);

#endif
