// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread counters through libperf; see bench/counters.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>

#include "counters.h"

static const struct {
	const char *key;	/* JSON key */
	const char *event;	/* perf's name, for messages */
	__u32 type;
	__u64 config;
} counter_def[SB_CTR__COUNT] = {
	[SB_CTR_TASK_CLOCK] = { "task_clock_ns", "task-clock",
				PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	[SB_CTR_CONTEXT_SWITCHES] = { "context_switches", "context-switches",
				      PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	[SB_CTR_PAGE_FAULTS] = { "page_faults", "page-faults",
				 PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	[SB_CTR_CPU_MIGRATIONS] = { "cpu_migrations", "cpu-migrations",
				    PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	[SB_CTR_CYCLES] = { "cycles", "cycles",
			    PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	[SB_CTR_INSTRUCTIONS] = { "instructions", "instructions",
				  PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
};

const char *sb_counter_key(enum sb_counter c)
{
	return (unsigned int)c < SB_CTR__COUNT ? counter_def[c].key : "?";
}

/* libperf's messages are debugging aids; the harness reports errors itself. */
static int quiet_print(enum libperf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static pthread_once_t libperf_once = PTHREAD_ONCE_INIT;

static void libperf_setup(void)
{
	libperf_init(quiet_print);
}

static bool unsupported_errno(int e)
{
	return e == ENOENT || e == EOPNOTSUPP || e == ENODEV;
}

int sb_counters_open(struct sb_counters *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	pthread_once(&libperf_once, libperf_setup);

	c->cpus = perf_cpu_map__new_any_cpu();
	c->threads = perf_thread_map__new_dummy();
	if (!c->cpus || !c->threads) {
		snprintf(err, errlen, "counters: out of memory");
		goto fail;
	}
	perf_thread_map__set_pid(c->threads, 0, 0);	/* 0: the calling thread */

	for (int i = 0; i < SB_CTR__COUNT; i++) {
		struct perf_event_attr attr = {
			.size = sizeof(attr),
			.type = counter_def[i].type,
			.config = counter_def[i].config,
			.disabled = 1,
			.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				       PERF_FORMAT_TOTAL_TIME_RUNNING,
		};
		struct perf_evsel *ev = perf_evsel__new(&attr);
		int ret;

		if (!ev) {
			snprintf(err, errlen, "counters: out of memory");
			goto fail;
		}
		ret = perf_evsel__open(ev, c->cpus, c->threads);
		if (ret == 0) {
			c->evsel[i] = ev;
			continue;
		}
		perf_evsel__delete(ev);
		if (counter_def[i].type == PERF_TYPE_HARDWARE && unsupported_errno(-ret))
			continue;	/* no PMU: reported as "unsupported" */
		if (-ret == EACCES || -ret == EPERM)
			snprintf(err, errlen, "perf_event_open(%s): %s: run as root or set "
				 "sysctl kernel.perf_event_paranoid=1 (it counts kernel time too)",
				 counter_def[i].event, strerror(-ret));
		else
			snprintf(err, errlen, "perf_event_open(%s): %s: is CONFIG_PERF_EVENTS "
				 "enabled in this kernel?", counter_def[i].event, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	sb_counters_close(c);
	return -1;
}

static int read_raw(struct perf_evsel *ev, uint64_t raw[3])
{
	struct perf_counts_values cv;
	int ret = perf_evsel__read(ev, 0, 0, &cv);

	if (ret)
		return ret;
	raw[0] = cv.val;
	raw[1] = cv.ena;
	raw[2] = cv.run;
	return 0;
}

int sb_counters_start(struct sb_counters *c)
{
	int ret;

	for (int i = 0; i < SB_CTR__COUNT; i++) {
		if (!c->evsel[i])
			continue;
		ret = read_raw(c->evsel[i], c->start[i]);
		if (ret)
			return ret;
	}
	for (int i = 0; i < SB_CTR__COUNT; i++) {
		if (!c->evsel[i])
			continue;
		if (perf_evsel__enable(c->evsel[i]))
			return -errno;
	}
	return 0;
}

int sb_counters_stop(struct sb_counters *c, struct sb_counter_values *v)
{
	uint64_t now[3];
	int ret = 0;

	/* Disable all first, so reading does not count itself. */
	for (int i = 0; i < SB_CTR__COUNT; i++)
		if (c->evsel[i] && perf_evsel__disable(c->evsel[i]) && !ret)
			ret = -errno;

	memset(v, 0, sizeof(*v));
	for (int i = 0; i < SB_CTR__COUNT; i++) {
		uint64_t val, ena, run;
		int r;

		if (!c->evsel[i]) {
			v->state[i] = SB_CTR_UNSUPPORTED;
			continue;
		}
		r = read_raw(c->evsel[i], now);
		if (r) {
			v->state[i] = SB_CTR_NOT_COUNTED;
			if (!ret)
				ret = r;
			continue;
		}
		val = now[0] - c->start[i][0];
		ena = now[1] - c->start[i][1];
		run = now[2] - c->start[i][2];
		if (run == 0 && val == 0 && ena != 0) {
			v->state[i] = SB_CTR_NOT_COUNTED;
			continue;
		}
		v->state[i] = SB_CTR_OK;
		v->value[i] = run && run < ena ? (double)val * (double)ena / (double)run
					       : (double)val;
	}
	return ret;
}

void sb_counters_close(struct sb_counters *c)
{
	for (int i = 0; i < SB_CTR__COUNT; i++) {
		if (!c->evsel[i])
			continue;
		perf_evsel__close(c->evsel[i]);
		perf_evsel__delete(c->evsel[i]);
		c->evsel[i] = NULL;
	}
	perf_thread_map__put(c->threads);
	c->threads = NULL;
	perf_cpu_map__put(c->cpus);
	c->cpus = NULL;
}

void sb_counter_values_add(struct sb_counter_values *acc, const struct sb_counter_values *v)
{
	for (int i = 0; i < SB_CTR__COUNT; i++) {
		if (acc->state[i] != SB_CTR_OK)
			continue;
		if (v->state[i] != SB_CTR_OK) {
			acc->state[i] = v->state[i];
			acc->value[i] = 0;
			continue;
		}
		acc->value[i] += v->value[i];
	}
	if (v->has_consumer_cpu) {
		acc->has_consumer_cpu = true;
		acc->consumer_cpu_ns += v->consumer_cpu_ns;
	}
}

static void put_all(const struct sb_counter_values *v, double div, json_t *out)
{
	if (!out || !(div > 0))
		return;
	for (int i = 0; i < SB_CTR__COUNT; i++) {
		json_t *val;

		switch (v->state[i]) {
		case SB_CTR_OK:
			val = json_real(v->value[i] / div);
			break;
		case SB_CTR_UNSUPPORTED:
			val = json_string("unsupported");
			break;
		default:
			val = json_string("not counted");
			break;
		}
		json_object_set_new(out, counter_def[i].key, val);
	}
	if (v->has_consumer_cpu)
		json_object_set_new(out, "consumer_cpu_ns",
				    json_real((double)v->consumer_cpu_ns / div));
}

void sb_counters_json(const struct sb_counter_values *v, double per_op_divisor,
		      double per_event_divisor, json_t *per_op, json_t *per_event)
{
	put_all(v, per_op_divisor, per_op);
	put_all(v, per_event_divisor, per_event);
}

int sb_thread_cpu_ns(pthread_t t, uint64_t *ns)
{
	clockid_t cid;
	struct timespec ts;
	int ret = pthread_getcpuclockid(t, &cid);

	if (ret)
		return -ret;
	if (clock_gettime(cid, &ts))
		return -errno;
	*ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return 0;
}
