/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Results: JSON first (raw samples kept), a flat CSV view beside it with the
 * same snake_case names. The file is rewritten atomically after every
 * measured cell, so an interrupted sweep keeps everything it measured.
 *
 * Schema (schema_version 2):
 * {
 *   "schema_version": 2,
 *   "tool": "subtree-bench",
 *   "git_revision": "<sha>[-dirty]",
 *   "created_utc": "2026-11-25T16:30:00Z",
 *   "command_line": "subtree-bench run ...",
 *   "box": { "kind": "host" | "vm" | "vm-icount", "kernel": "<uname -r>",
 *            "kernel_build": "<uname -v>", "cpu_model": "...", "cores": 2,
 *            "time_unit": "ns" | "instructions",
 *            "kmem": "cgroup v2 memory.stat kernel" | null,  where the counting
 *            pass's kmem figures come from; null: none, and "kmem_why" says why }
 *   "plan": { "cells": 12, "sweeps": [ { "variants": ["fanotify-user/walk", ...],
 *            "workloads": [...], "mode": "notify", "rules": [...], "depth": [...],
 *            "hit_ratio": [...], "fs": [...], "ops": n, "reps": n, "count_reps": n,
 *            "files": n, "seed": n, "fanout": n, "files_per_dir": n, "chains": n,
 *            "root_depth": n, "report": "auto" | "fid" | "dfid-name", "root": bool,
 *            "settle_ms": n, "drain_ms": n, "watchdog_ms": n,
 *            "consumer_shares_cpu": bool } ] },   what the sweeps measure,
 *            resolved, one entry per --spec line (bench/cmd_run.c: plan_json)
 *   "shard": "I/N",                          run --shard only: this file has
 *            the cells whose index is I-1 modulo N (bench/shard.h)
 *   "merged_from": [ { "file": "...", "shard": "I/N" | null, "created_utc": "...",
 *            "command_line": "..." } ],     merge only: the files it combined
 *   "missing_shards": [ "I/N", ... ],        merge --partial only
 *   "runs": [ {
 *     "id": "fanotify-user/walk/open-close/notify/r10/d4/h0.5",
 *     "backend": "fanotify-user", "strategy": "walk", "workload": "open-close",
 *     "cell": 3,                               index of its cell in the plan's order
 *     "mode": "notify", "rules": 10, "depth": 4, "hit_ratio": 0.5,
 *     "ops": 2000, "reps": 10, "seed": 1, "fanout": 1, "files_per_dir": 16,
 *     "files": 0, "regime": "distinct" | "burst",  burst: --files N objects reused
 *     "samples_ns_per_op": [ ... ],            raw, one per repetition
 *     "baseline_samples_ns_per_op": [ ... ],   `none`, interleaved with these
 *     "reps_detail": [ { "rep": 0, "position": 1, "ns_per_op": ...,
 *                        "loop_ns_per_op": ..., "drain_cpu_ns_per_op": ...,
 *                        "drain_included": true,
 *                        "attach_ns": n | null,        the backend's attach (null: none)
 *                        "split": { "workload_cpu_ns_per_op": x,
 *                                   "consumer_cpu_ns_per_op": x | null,
 *                                   "consumer_cpu_ns_per_event": x | null,
 *                                   "remainder_ns_per_op": x,
 *                                   "consumer_in_total": bool },
 *                        "workload_cpu": 0, "consumer_cpu": 1,
 *                        "oracle": {...} }, ... ],     the timing pass
 *     "count_reps": 1, "counting_detail": [ { ..., "counters_per_op": {...},
 *                        "counters_per_event": {...},
 *                        "backend_counters": {...},
 *                        "kmem": { "attach_bytes": n, "end_bytes": n } | null,
 *                        "marks": n | null,
 *                        "kmem_why": "..." } ],  the counting pass (kmem_why
 *                        only when kmem is null: none, or no memory cgroup)
 *     "median_ns_per_op": ..., "overhead_ns_per_op": ...,
 *     "stats": { ... },                        added by bench/stats.c
 *     "oracle": { "expected": n, "delivered": n, "missing": n, "merged": n,
 *                 "duplicated": n, "unexpected": n, "extra": n, "overflows": n,
 *                 "dropped_records": n, "valid": true, "why": "" },  summed over
 *                 every step; expected counts events with multiplicity
 *     "counters_per_op": { "task_clock_ns": x | "unsupported", ... },  from the
 *                 counting pass, like backend_counters
 *     "counters_per_event": { ... },
 *     "warnings": [ "..." ]
 *   } ],
 *   "unavailable": [ { "backend": "bpf-lsm", "mode": "notify", "reason": "..." } ]
 * }
 * ns_per_op is the elapsed time of the timed operations (loop_ns_per_op);
 * when the consumer thread shares the workload's CPU (drain_included), plus
 * the CPU time it spent after them on the events they left in the queue
 * (drain_cpu_ns_per_op), so that the figure is the cost of the operations
 * and their delivery however many fit in a scheduler tick. Schema 1 left
 * that drain out. split divides it: the workload thread's CPU time, the
 * consumer's (in the figure only when consumer_in_total) and the rest
 * (interrupts, kernel threads, scheduling, idle). The timing pass runs the
 * operations alone; libperf counters and BPF_ENABLE_STATS run only in the
 * counting pass, whose figures are not samples. attach_ns is the set-up: how
 * long the backend's attach took (its walk, marks, watches, loads), before
 * and outside the timed operations (guest instructions on vm-icount). kmem
 * is its kernel memory, as the kernel charges it to a memory cgroup made for
 * the step (bench/memcg.h), which the process is in for the attach alone:
 * attach_bytes what the attach added, end_bytes what the cgroup holds just
 * before detach (the attach, plus what its BPF maps and its fanotify or
 * inotify group charged since: tags, inode storage, queued events), both
 * signed, relative to the fresh cgroup (only in the counting pass: charging
 * to a non-root cgroup costs instructions). marks: the marks its fanotify
 * or inotify groups hold after the attach (fdinfo; null: it has none),
 * recorded with or without a memory cgroup.
 * `backend: "none"` runs are listed too. Invalid runs are kept (valid: false)
 * and never plotted or compared.
 */
#ifndef SB_RESULTS_H
#define SB_RESULTS_H

#include <jansson.h>

#define SB_SCHEMA_VERSION 2

struct sb_results {
	char *path;		/* JSON path; the CSV view is <path minus .json>.csv */
	json_t *root;
};

int sb_results_open(struct sb_results *r, const char *path, const char *box_kind,
		    int argc, char **argv, char *err, size_t errlen);
/*
 * Append one run (steals the reference) and rewrite JSON and CSV atomically;
 * when they cannot be written, the run is dropped and the files keep the
 * runs before it.
 */
int sb_results_add_run(struct sb_results *r, json_t *run, char *err, size_t errlen);
/* Record a backend this box cannot run; 1 if it was recorded already. */
int sb_results_add_unavailable(struct sb_results *r, const char *backend,
			       const char *mode, const char *reason);
int sb_results_flush(struct sb_results *r, char *err, size_t errlen);
void sb_results_close(struct sb_results *r);

/* "subtree-bench CMD ARGS...", as the results record it (argv[0]: main.c). */
void sb_command_line(int argc, char **argv, char *buf, size_t len);

/* Load and check a results file (schema_version, runs array). */
json_t *sb_results_load(const char *path, char *err, size_t errlen);

#endif
