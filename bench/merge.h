/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `merge`: the results files of the shards of one sweep (run --shard I/N,
 * bench/shard.h) as one results file, the same as the unsharded run's but
 * for the measurements: its runs in cell order, the union of "unavailable"
 * and "unavailable_on_fs" without repeats, "merged_from" naming the inputs.
 *
 * The inputs must agree on what makes their figures comparable: tool,
 * schema_version (sb_results_load checks it), git_revision, every field of
 * "box" (kind, kernel, kernel_build, cpu_model, cores, time_unit) and the
 * "plan" (every sweep's resolved options: variants, axes, ops, reps,
 * count_reps, files, seed, tree shape, reporting, settle/drain/watchdog,
 * whether the consumer shares the workload's CPU); all shards of the same
 * N, each index once (unless partial, all of them), no run id twice, every
 * run in a cell its shard measures, and (unless partial) runs of every cell
 * its shard measures: a shard that stopped early has none of its last cells.
 */
#ifndef SB_MERGE_H
#define SB_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/*
 * Merge n loaded results files (paths name them in messages). Returns a new
 * root (it shares references with the inputs), or NULL with a message in err
 * naming the file, the field and the fix.
 */
json_t *sb_merge(json_t *const *roots, const char *const *paths, size_t n, bool partial,
		 char *err, size_t errlen);

#endif
