/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread performance counters through libperf (built from the kernel
 * source's tools/lib/perf by scripts/libperf.sh), and thread CPU time.
 *
 * Use on the workload thread:
 *	struct sb_counters c;
 *	struct sb_counter_values v, total = { 0 };
 *	if (sb_counters_open(&c, err, sizeof(err)))	// counts this thread only
 *		...;
 *	for each repetition:
 *		sb_counters_start(&c);			// enable
 *		... timed loop ...
 *		sb_counters_stop(&c, &v);		// disable, read the delta
 *		sb_counter_values_add(&total, &v);
 *	sb_counters_close(&c);
 *	sb_counters_json(&total, ops, events, per_op, per_event);
 *
 * Software counters (task-clock, context-switches, page-faults,
 * cpu-migrations) must open; hardware ones (cycles, instructions) are
 * "unsupported" when perf_event_open says there is no such event or PMU
 * (ENOENT, EOPNOTSUPP, ENODEV): the bench VM and many cloud hosts have no PMU.
 * The kernel is counted too (the monitoring cost is in the kernel), so an
 * unprivileged run needs kernel.perf_event_paranoid <= 1.
 */
#ifndef SB_COUNTERS_H
#define SB_COUNTERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

enum sb_counter {
	SB_CTR_TASK_CLOCK,		/* ns */
	SB_CTR_CONTEXT_SWITCHES,
	SB_CTR_PAGE_FAULTS,
	SB_CTR_CPU_MIGRATIONS,
	SB_CTR_CYCLES,
	SB_CTR_INSTRUCTIONS,
	SB_CTR__COUNT,
};

enum sb_counter_state {
	SB_CTR_OK,		/* counted */
	SB_CTR_UNSUPPORTED,	/* no such event / no PMU on this box */
	SB_CTR_NOT_COUNTED,	/* open, but never scheduled on the PMU (run time 0) */
};

struct sb_counter_values {
	enum sb_counter_state state[SB_CTR__COUNT];
	double value[SB_CTR__COUNT];	/* scaled for multiplexing: val * ena / run */
	bool has_consumer_cpu;
	uint64_t consumer_cpu_ns;	/* set by the caller, see sb_thread_cpu_ns() */
};

struct perf_cpu_map;
struct perf_evsel;
struct perf_thread_map;

struct sb_counters {
	struct perf_cpu_map *cpus;		/* "any CPU" */
	struct perf_thread_map *threads;	/* the opening thread */
	struct perf_evsel *evsel[SB_CTR__COUNT];	/* NULL: unsupported */
	/* Raw val/ena/run read at sb_counters_start(). */
	uint64_t start[SB_CTR__COUNT][3];
};

/* JSON key of a counter, e.g. "task_clock_ns". */
const char *sb_counter_key(enum sb_counter c);

/*
 * Open every counter, disabled, on the calling thread only. 0 on success;
 * -1 with a message naming the counter and the fix in err if a software
 * counter (or a hardware one, for a reason other than "unsupported") fails.
 */
int sb_counters_open(struct sb_counters *c, char *err, size_t errlen);
/* Enable (after noting the current counts). 0 or -errno. */
int sb_counters_start(struct sb_counters *c);
/* Disable and store the counts since sb_counters_start() in v. 0 or -errno. */
int sb_counters_stop(struct sb_counters *c, struct sb_counter_values *v);
/* Idempotent; safe after a failed open and on a zeroed struct. */
void sb_counters_close(struct sb_counters *c);

/*
 * acc += v per counter. A zero-initialized acc starts as "counted 0" and
 * takes the state of the first v that is not OK.
 */
void sb_counter_values_add(struct sb_counter_values *acc, const struct sb_counter_values *v);

/*
 * Write "task_clock_ns", "context_switches", "page_faults", "cpu_migrations",
 * "cycles", "instructions" (a number, or "unsupported" / "not counted") and
 * "consumer_cpu_ns" (when has_consumer_cpu) divided by per_op_divisor into
 * per_op and by per_event_divisor into per_event. A NULL object or a divisor
 * <= 0 (e.g. no event delivered) skips that object.
 */
void sb_counters_json(const struct sb_counter_values *v, double per_op_divisor,
		      double per_event_divisor, json_t *per_op, json_t *per_event);

/*
 * CPU time (user + system) consumed so far by thread t, in ns, from
 * clock_gettime() on pthread_getcpuclockid(). Read it before and after the
 * timed loop for the consumer thread's cost. 0 or -errno.
 */
int sb_thread_cpu_ns(pthread_t t, uint64_t *ns);

#endif
