/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `export`: a results file in a tracker's format. Only runs the oracle
 * passed (oracle.valid true) are exported: invalid runs are not figures,
 * and unavailable backends have no runs. Figures that are null (an
 * overhead of `none`, a CI of one repetition) are left out. Runs come in
 * the order of their ids.
 *
 * BMF, Bencher Metric Format: one benchmark per run id, its measures
 *   "<unit>_per_op"          stats.median: the cost per operation
 *   "overhead_<unit>_per_op" stats.overhead: paired, over `none`
 *   "overhead_percent"       stats.overhead_pct
 * each { "value": v, "lower_value": ci95[0], "upper_value": ci95[1] },
 * <unit> the box's time_unit: "instructions" on vm-icount, else "ns".
 *
 * LKP: `key: value` lines, key "<run id>.<figure>", the figures median,
 * overhead and overhead_pct, each followed by its _ci95_lower and
 * _ci95_upper, then mean and stddev; values in the box's time_unit.
 */
#ifndef SB_EXPORT_H
#define SB_EXPORT_H

#include <stdio.h>

#include <jansson.h>

/* The BMF object of a loaded results file (a new reference). */
json_t *sb_export_bmf(json_t *root);
/* The LKP lines of a loaded results file; the number of lines. */
size_t sb_export_lkp(json_t *root, FILE *out);

#endif
