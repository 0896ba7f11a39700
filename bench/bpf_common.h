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

/* enum sb_strategy -> sb_strategy in subtree.h; -1 with err if none. */
int sb_bpf_strategy(enum sb_strategy s, uint32_t *out, char *err, size_t len);

/*
 * Before load: size sb_roots and sb_rules for this rule set and, without a
 * ring buffer (deny mode), shrink sb_events to one page.
 */
int sb_bpf_size_maps(struct bpf_object *obj, const struct sb_rules *rules, bool ring,
		     char *err, size_t len);

/* After load: rule i -> sb_rules[i], and every root into sb_roots. */
int sb_bpf_fill_rules(struct bpf_object *obj, const struct sb_rules *rules,
		      char *err, size_t len);

/* What a running BPF backend holds besides its skeleton. */
struct sb_bpf_run {
	struct bpf_object *obj;
	struct sb_backend *b;
	struct ring_buffer *rb;	/* NULL without a ring buffer */
	int drops_fd;		/* sb_drops, -1 if none */
	int ncpus;
	uint64_t drops_reported;	/* consumer thread only */
	int stats_fd;		/* BPF_ENABLE_STATS, -1 if unavailable */
	int stats_errno;
	int delivered;		/* in the current consume call */
};

/*
 * After load, before attach: turn on run-time stats (held until stop) and,
 * if ring, open the ring buffer consumer.
 */
int sb_bpf_start(struct sb_bpf_run *r, struct bpf_object *obj, struct sb_backend *b,
		 bool ring);

/*
 * The consume op: poll the ring buffer, deliver events and drops to the sink.
 * Without a ring buffer (deny mode) it only waits timeout_ms and returns 0.
 */
int sb_bpf_consume(struct sb_bpf_run *r, int timeout_ms);

/* bpf_run_cnt, bpf_run_time_ns (summed over the loaded programs), ring_drops. */
void sb_bpf_counters(struct sb_bpf_run *r, json_t *out);

/* Free the ring buffer, close the stats fd; idempotent. Before the skeleton goes. */
void sb_bpf_stop(struct sb_bpf_run *r);

#endif
