// SPDX-License-Identifier: GPL-2.0
/* Unit tests of bench/counters.c: libperf counters and thread CPU time. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <linux/perf_event.h>

#include "bench/counters.h"

static volatile uint64_t sink;

/* 20 ms of this thread's CPU time, touching fresh pages so page faults happen too. */
static void busy(void)
{
	struct timespec t0, t;
	size_t len = 4u << 20;
	char *p = malloc(len);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < len; i += 4096)
		p[i] = (char)i;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			sink += (uint64_t)i * 2654435761u;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 20000000L);
	free(p);
}

/* 0 if this thread can open the counter (kernel included), else errno. */
static int probe(__u32 type, __u64 config)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = type,
		.config = config,
		.disabled = 1,
	};
	long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);

	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

static int hw_supported(__u64 config)
{
	return probe(PERF_TYPE_HARDWARE, config) == 0;
}

START_TEST(test_software_counters_count)
{
	struct sb_counters c;
	struct sb_counter_values v;
	char err[256] = "";

	ck_assert_msg(sb_counters_open(&c, err, sizeof(err)) == 0, "open: %s", err);
	ck_assert_int_eq(sb_counters_start(&c), 0);
	busy();
	ck_assert_int_eq(sb_counters_stop(&c, &v), 0);
	sb_counters_close(&c);
	sb_counters_close(&c);	/* idempotent */

	ck_assert_int_eq(v.state[SB_CTR_TASK_CLOCK], SB_CTR_OK);
	/* 20 ms busy: at least 10 ms of task clock. */
	ck_assert_msg(v.value[SB_CTR_TASK_CLOCK] > 10e6, "task clock %g ns",
		      v.value[SB_CTR_TASK_CLOCK]);
	ck_assert_int_eq(v.state[SB_CTR_PAGE_FAULTS], SB_CTR_OK);
	ck_assert_msg(v.value[SB_CTR_PAGE_FAULTS] > 0, "page faults %g",
		      v.value[SB_CTR_PAGE_FAULTS]);
	ck_assert_int_eq(v.state[SB_CTR_CONTEXT_SWITCHES], SB_CTR_OK);
	ck_assert(v.value[SB_CTR_CONTEXT_SWITCHES] >= 0);
	ck_assert_int_eq(v.state[SB_CTR_CPU_MIGRATIONS], SB_CTR_OK);
	ck_assert(v.value[SB_CTR_CPU_MIGRATIONS] >= 0);
}
END_TEST

START_TEST(test_disabled_outside_window)
{
	struct sb_counters c;
	struct sb_counter_values v;
	char err[256] = "";

	ck_assert_msg(sb_counters_open(&c, err, sizeof(err)) == 0, "open: %s", err);
	busy();		/* not counted: the counters start disabled */
	ck_assert_int_eq(sb_counters_start(&c), 0);
	ck_assert_int_eq(sb_counters_stop(&c, &v), 0);
	busy();		/* not counted: stopped */
	/* An empty window counts far less than one busy() (20 ms). */
	ck_assert_msg(v.value[SB_CTR_TASK_CLOCK] < 5e6, "task clock %g ns",
		      v.value[SB_CTR_TASK_CLOCK]);
	/* A second window counts only itself. */
	ck_assert_int_eq(sb_counters_start(&c), 0);
	busy();
	ck_assert_int_eq(sb_counters_stop(&c, &v), 0);
	ck_assert(v.value[SB_CTR_TASK_CLOCK] > 10e6 && v.value[SB_CTR_TASK_CLOCK] < 1e9);
	sb_counters_close(&c);
}
END_TEST

START_TEST(test_hardware_consistent_with_pmu)
{
	struct sb_counters c;
	struct sb_counter_values v;
	char err[256] = "";
	const struct {
		enum sb_counter ctr;
		__u64 config;
	} hw[] = { { SB_CTR_CYCLES, PERF_COUNT_HW_CPU_CYCLES },
		   { SB_CTR_INSTRUCTIONS, PERF_COUNT_HW_INSTRUCTIONS } };
	json_t *per_op = json_object();

	ck_assert_msg(sb_counters_open(&c, err, sizeof(err)) == 0, "open: %s", err);
	ck_assert_int_eq(sb_counters_start(&c), 0);
	busy();
	ck_assert_int_eq(sb_counters_stop(&c, &v), 0);
	sb_counters_close(&c);
	sb_counters_json(&v, 1000, 0, per_op, NULL);

	for (size_t i = 0; i < 2; i++) {
		json_t *j = json_object_get(per_op, sb_counter_key(hw[i].ctr));

		ck_assert_ptr_nonnull(j);
		if (hw_supported(hw[i].config)) {
			/* A PMU: counted (or multiplexed out, never "unsupported"). */
			ck_assert_int_ne(v.state[hw[i].ctr], SB_CTR_UNSUPPORTED);
			if (v.state[hw[i].ctr] == SB_CTR_OK) {
				ck_assert(v.value[hw[i].ctr] > 0);
				ck_assert(json_is_number(j));
			}
		} else {
			ck_assert_int_eq(v.state[hw[i].ctr], SB_CTR_UNSUPPORTED);
			ck_assert_str_eq(json_string_value(j), "unsupported");
		}
	}
	json_decref(per_op);
}
END_TEST

START_TEST(test_json_divisors)
{
	struct sb_counter_values v;
	json_t *per_op = json_object(), *per_event = json_object(), *skipped = json_object();
	static const char *const keys[] = { "task_clock_ns", "context_switches", "page_faults",
					    "cpu_migrations", "cycles", "instructions" };

	memset(&v, 0, sizeof(v));
	v.value[SB_CTR_TASK_CLOCK] = 4000;
	v.value[SB_CTR_PAGE_FAULTS] = 8;
	v.state[SB_CTR_CYCLES] = SB_CTR_UNSUPPORTED;
	v.state[SB_CTR_INSTRUCTIONS] = SB_CTR_UNSUPPORTED;
	v.has_consumer_cpu = true;
	v.consumer_cpu_ns = 600;

	sb_counters_json(&v, 100, 3, per_op, per_event);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_ptr_nonnull(json_object_get(per_op, keys[i]));
		ck_assert_ptr_nonnull(json_object_get(per_event, keys[i]));
	}
	ck_assert_double_eq_tol(json_real_value(json_object_get(per_op, "task_clock_ns")), 40, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(per_op, "page_faults")), 0.08, 1e-12);
	ck_assert_double_eq_tol(json_real_value(json_object_get(per_event, "consumer_cpu_ns")),
				200, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(per_op, "consumer_cpu_ns")),
				6, 1e-9);
	ck_assert_str_eq(json_string_value(json_object_get(per_op, "cycles")), "unsupported");
	ck_assert_str_eq(json_string_value(json_object_get(per_event, "instructions")),
			 "unsupported");

	/* No events delivered: per-event figures are left out. */
	sb_counters_json(&v, 100, 0, NULL, skipped);
	ck_assert_int_eq(json_object_size(skipped), 0);
	json_decref(per_op);
	json_decref(per_event);
	json_decref(skipped);
}
END_TEST

START_TEST(test_values_add)
{
	struct sb_counter_values acc, a, b;

	memset(&acc, 0, sizeof(acc));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.value[SB_CTR_TASK_CLOCK] = 10;
	b.value[SB_CTR_TASK_CLOCK] = 5;
	a.state[SB_CTR_CYCLES] = SB_CTR_UNSUPPORTED;
	b.value[SB_CTR_CYCLES] = 7;
	b.has_consumer_cpu = true;
	b.consumer_cpu_ns = 9;
	sb_counter_values_add(&acc, &a);
	sb_counter_values_add(&acc, &b);
	ck_assert_double_eq(acc.value[SB_CTR_TASK_CLOCK], 15);
	ck_assert_int_eq(acc.state[SB_CTR_CYCLES], SB_CTR_UNSUPPORTED);
	ck_assert(acc.has_consumer_cpu);
	ck_assert_uint_eq(acc.consumer_cpu_ns, 9);
}
END_TEST

/*
 * Where perf_event_open is refused (kernel.perf_event_paranoid >= 2 for a
 * non-root user, no CONFIG_PERF_EVENTS), opening fails with a message that
 * names the counter and the errno; where it works, it opens.
 */
START_TEST(test_open_consistent_with_kernel)
{
	struct sb_counters c;
	char err[256] = "";
	int e = probe(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	int ret = sb_counters_open(&c, err, sizeof(err));

	if (e == 0) {
		ck_assert_msg(ret == 0, "open: %s", err);
		sb_counters_close(&c);
	} else {
		ck_assert_int_eq(ret, -1);
		ck_assert_msg(strstr(err, "task-clock") && strstr(err, strerror(e)), "err: %s", err);
	}
}
END_TEST

static atomic_bool spin_stop;

static void *spin_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&spin_stop))
		sink++;
	return NULL;
}

START_TEST(test_thread_cpu_ns)
{
	pthread_t t;
	uint64_t before, after, self0, self1;
	struct timespec ms = { 0, 30 * 1000000L };

	ck_assert_int_eq(sb_thread_cpu_ns(pthread_self(), &self0), 0);
	/* Another thread's CPU time grows while it runs... */
	ck_assert_int_eq(pthread_create(&t, NULL, spin_thread, NULL), 0);
	ck_assert_int_eq(sb_thread_cpu_ns(t, &before), 0);
	nanosleep(&ms, NULL);
	ck_assert_int_eq(sb_thread_cpu_ns(t, &after), 0);
	atomic_store(&spin_stop, true);
	ck_assert_msg(after > before, "before %llu after %llu",
		      (unsigned long long)before, (unsigned long long)after);
	pthread_join(t, NULL);
	/* ...and not ours while we sleep. */
	ck_assert_int_eq(sb_thread_cpu_ns(pthread_self(), &self1), 0);
	ck_assert(self1 - self0 < 15 * 1000000ull);
}
END_TEST

static Suite *counters_suite(void)
{
	Suite *s = suite_create("counters");
	TCase *tc = tcase_create("core");
	int e;

	tcase_add_test(tc, test_open_consistent_with_kernel);
	if ((e = probe(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK)) == 0) {
		tcase_add_test(tc, test_software_counters_count);
		tcase_add_test(tc, test_disabled_outside_window);
		tcase_add_test(tc, test_hardware_consistent_with_pmu);
	} else {
		printf("test_counters: perf_event_open(task-clock) refused here (%s): "
		       "the counting tests do not run\n", strerror(e));
	}
	tcase_add_test(tc, test_json_divisors);
	tcase_add_test(tc, test_values_add);
	tcase_add_test(tc, test_thread_cpu_ns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(counters_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
