/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space helpers the BPF backends (bpf-lsm, bpf-fentry) share: libbpf
 * messages, the availability probe, the rule maps of bpf/subtree.h, the ring
 * buffer consumer of bpf/events.h, and BPF_ENABLE_STATS run counters. A
 * backend keeps its skeleton and passes its bpf_object here.
 */
#ifndef SB_BPF_COMMON_H
#define SB_BPF_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "backend.h"
#include "rule_table.h"

/*
 * libbpf's print callback: silent unless verbose (then stderr); its warnings
 * are kept either way (per thread) for error messages. Call before open.
 */
void sb_bpf_log_setup(bool verbose);

/*
 * Fill err with "<what>: <strerror> (<ERRNO>)" and, if libbpf warned since
 * sb_bpf_log_setup(), its first warning and the verifier's last line.
 * errnum is positive.
 */
void sb_bpf_error(char *err, size_t len, const char *what, int errnum);

enum sb_bpf_probe_kind {
	SB_BPF_PROBE_LSM,	/* lsm/file_open, and BPF LSM active */
	SB_BPF_PROBE_FENTRY,	/* fentry/security_file_open */
};

/*
 * Load (and attach, then drop) a minimal program of this kind: 0 if that
 * works, else -1 with the kernel's reason in why.
 */
int sb_bpf_probe(enum sb_bpf_probe_kind kind, char *why, size_t len);

/*
 * b->args.strategy -> sb_strategy in subtree.h; -1 with err if the backend
 * (b->ops->strategies) does not implement it.
 */
int sb_bpf_strategy(const struct sb_backend *b, uint32_t *out, char *err, size_t len);

/*
 * The rules as the BPF programs see them: keys (i_ino, s_dev) in rule order
 * (sb_rules, the loop strategy) and the rule table of bench/rule_table.h
 * built from them (sb_table, walk and kfunc). s_dev is the kernel's, from
 * the rule's mount: stat()'s st_dev is not s_dev on every filesystem (btrfs
 * reports a subvolume's device).
 */
struct sb_bpf_rules {
	uint32_t strategy;		/* SB_BPF_STRAT_*: which maps get filled */
	size_t n;
	struct sb_rt_slot *keys;	/* n: rule i, .rule = i */
	struct sb_rt_slot *table;	/* 2^bits slots */
	uint32_t bits;			/* the rodata sb_rt_bits */
	const struct sb_rules *rules;	/* borrowed: the roots' fds, for their tags */
	/* prefix: rule i's path key (bpf/subtree.h), and the cap on paths */
	struct sb_prefix_key *prefixes;
	unsigned int prefix_cap;
};

/*
 * Resolve the keys and build the table (prefix: the path keys, each at most
 * prefix_cap bytes, 0 meaning SB_PREFIX_CAP_MAX); -1 with err. Free with
 * sb_bpf_rules_free().
 */
int sb_bpf_rules_build(struct sb_bpf_rules *t, const struct sb_rules *rules, uint32_t strategy,
		       unsigned int prefix_cap, char *err, size_t len);
void sb_bpf_rules_free(struct sb_bpf_rules *t);

/*
 * Before load: size sb_table (2^bits) and sb_rules (one entry per rule) for
 * the maps the strategy reads, the others to their minimum, and without a
 * ring buffer (deny mode, struct_ops) shrink sb_events to one page.
 */
int sb_bpf_size_maps(struct bpf_object *obj, const struct sb_bpf_rules *t, bool ring,
		     char *err, size_t len);

/* After load: write the maps the strategy reads (tag: the roots' tags too). */
int sb_bpf_fill_rules(struct bpf_object *obj, const struct sb_bpf_rules *t,
		      char *err, size_t len);

/* What a running BPF backend holds besides its skeleton. */
struct sb_bpf_run {
	struct bpf_object *obj;
	struct sb_backend *b;
	struct ring_buffer *rb;	/* NULL without a ring buffer */
	int sb_stats_fd;	/* the per-CPU sb_stats of subtree.h */
	int ncpus;
	uint64_t drops_reported;	/* consumer thread only */
	int stats_fd;		/* BPF_ENABLE_STATS (counting pass only), -1 if off */
	int stats_errno;
	int delivered;		/* in the current consume call */
};

/*
 * After load, before attach: in the counting pass (b->args.counting) turn on
 * run-time stats (held until stop) and, if ring, open the ring buffer
 * consumer.
 */
int sb_bpf_start(struct sb_bpf_run *r, struct bpf_object *obj, struct sb_backend *b,
		 bool ring);

/*
 * The consume op: poll the ring buffer, deliver events and drops to the sink.
 * Without a ring buffer (deny mode) it only waits timeout_ms and returns 0.
 */
int sb_bpf_consume(struct sb_bpf_run *r, int timeout_ms);

/*
 * bpf_raced, bpf_undecided, with a ring buffer ring_drops and with prefix
 * prefix_too_long (sb_stats);
 * in the counting pass bpf_run_cnt and bpf_run_time_ns (summed over the
 * loaded programs).
 */
void sb_bpf_counters(struct sb_bpf_run *r, json_t *out);

/* Free the ring buffer, close the stats fd; idempotent. Before the skeleton goes. */
void sb_bpf_stop(struct sb_bpf_run *r);

#endif
