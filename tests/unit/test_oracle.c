// SPDX-License-Identifier: GPL-2.0
/*
 * The oracle compares multisets: each injected fault (a missed, merged,
 * duplicated or out-of-scope event, a full record array) must be counted
 * and named, in each regime (default, burst, pass).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "bench/oracle.h"

static void deliver(struct sb_oracle *o, enum sb_kind kind, const char *name)
{
	struct sb_event ev = { .kind = kind, .pid = 1 };

	sb_event_set_name(&ev, name);
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ev);
}

static struct sb_oracle *three_expected(unsigned int flags)
{
	struct sb_oracle *o = sb_oracle_new(false, flags);

	ck_assert_ptr_nonnull(o);
	sb_oracle_expect(o, SB_EV_CREATE, "f1");
	sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_expect(o, SB_EV_DELETE, "f1");
	return o;
}

static void deliver_three(struct sb_oracle *o)
{
	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_OPEN, "f1");
	deliver(o, SB_EV_DELETE, "f1");
}

/* Everything but the counts the test sets: zero. */
static void assert_only(const struct sb_oracle_result *r, uint64_t missing, uint64_t merged,
			uint64_t duplicated, uint64_t unexpected, uint64_t extra)
{
	ck_assert_uint_eq(r->missing, missing);
	ck_assert_uint_eq(r->merged, merged);
	ck_assert_uint_eq(r->duplicated, duplicated);
	ck_assert_uint_eq(r->unexpected, unexpected);
	ck_assert_uint_eq(r->extra, extra);
	ck_assert_uint_eq(r->overflows, 0);
	ck_assert_uint_eq(r->dropped_records, 0);
}

START_TEST(all_delivered_once_is_valid)
{
	struct sb_oracle *o = three_expected(0);
	struct sb_oracle_result r;

	ck_assert_uint_eq(sb_oracle_nr_expected(o), 3);
	sb_oracle_expect_outside(o, 2);	/* counted for sizing only: nothing to deliver */
	sb_oracle_expect_outside(o, 1);
	ck_assert_uint_eq(sb_oracle_nr_outside(o), 3);
	deliver_three(o);
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_str_eq(r.why, "");
	ck_assert_uint_eq(r.expected, 3);
	ck_assert_uint_eq(r.delivered, 3);
	assert_only(&r, 0, 0, 0, 0, 0);
	sb_oracle_free(o);
}
END_TEST

START_TEST(duplicate_is_caught)
{
	struct sb_oracle *o = three_expected(0);
	struct sb_oracle_result r;

	deliver_three(o);
	deliver(o, SB_EV_OPEN, "f1");	/* once too often: counts, not sets */
	deliver(o, SB_EV_OPEN, "f1");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.delivered, 5);
	assert_only(&r, 0, 0, 2, 0, 0);
	ck_assert_msg(strstr(r.why, "2 duplicated (e.g. open/f1)"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(missed_event_is_caught)
{
	struct sb_oracle *o = three_expected(0);
	struct sb_oracle_result r;

	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_DELETE, "f1");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 1, 0, 0, 0, 0);
	ck_assert_msg(strstr(r.why, "1 missing (e.g. open/f1)"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(missing_counts_every_expected_copy)
{
	struct sb_oracle *o = sb_oracle_new(false, SB_ORACLE_BURST);
	struct sb_oracle_result r;

	/* expected in this order: why names the first expected, not the least key */
	sb_oracle_expect(o, SB_EV_OPEN, "f2");
	sb_oracle_expect(o, SB_EV_OPEN, "f2");
	sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.expected, 3);
	assert_only(&r, 3, 0, 0, 0, 0);
	ck_assert_msg(strstr(r.why, "(e.g. open/f2)"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

/* f1 opened 3 times, delivered once (fanotify merged two); f2 delivered as expected. */
static void merged_case(unsigned int flags, struct sb_oracle_result *r)
{
	struct sb_oracle *o = sb_oracle_new(false, flags);

	for (int i = 0; i < 3; i++)
		sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_expect(o, SB_EV_OPEN, "f2");
	deliver(o, SB_EV_OPEN, "f2");
	deliver(o, SB_EV_OPEN, "f1");
	sb_oracle_finish(o, r);
	ck_assert_uint_eq(r->expected, 4);
	ck_assert_uint_eq(r->delivered, 2);
	assert_only(r, 0, 2, 0, 0, 0);
	sb_oracle_free(o);
}

START_TEST(merged_invalid_by_default)
{
	struct sb_oracle_result r;

	merged_case(0, &r);
	ck_assert(!r.valid);
	ck_assert_msg(strstr(r.why, "2 merged (e.g. open/f1)"), "%s", r.why);
}
END_TEST

START_TEST(merged_allowed_in_burst)
{
	struct sb_oracle_result r;

	merged_case(SB_ORACLE_BURST, &r);
	ck_assert_msg(r.valid, "%s", r.why);
}
END_TEST

START_TEST(burst_still_catches_the_rest)
{
	struct sb_oracle *o = sb_oracle_new(false, SB_ORACLE_BURST);
	struct sb_oracle_result r;

	sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_expect(o, SB_EV_OPEN, "f2");
	sb_oracle_expect(o, SB_EV_OPEN, "f3");
	deliver(o, SB_EV_OPEN, "f1");	/* merged: allowed */
	deliver(o, SB_EV_OPEN, "f2");	/* duplicated */
	deliver(o, SB_EV_OPEN, "f2");
	deliver(o, SB_EV_OPEN, "g1");	/* unexpected; f3 missing */
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 1, 1, 1, 1, 0);
	ck_assert_msg(strstr(r.why, "missing (e.g. open/f3)") &&
		      strstr(r.why, "duplicated (e.g. open/f2)") &&
		      strstr(r.why, "unexpected (e.g. open/g1)") && !strstr(r.why, "merged"),
		      "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(extra_event_is_caught)
{
	struct sb_oracle *o = three_expected(0);
	struct sb_oracle_result r;

	deliver_three(o);
	deliver(o, SB_EV_OPEN, "g7");	/* an out-of-scope object */
	deliver(o, SB_EV_MOVED_TO, "f1");	/* the right object, the wrong kind */
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 0, 0, 0, 2, 0);
	/* the first in delivery order, though moved_to/f1 sorts first */
	ck_assert_msg(strstr(r.why, "2 unexpected (e.g. open/g7)"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(pass_counts_out_of_scope_as_extra)
{
	struct sb_oracle *o = three_expected(SB_ORACLE_PASS);
	struct sb_oracle_result r;

	sb_oracle_expect_outside(o, 3);
	deliver_three(o);
	deliver(o, SB_EV_OPEN, "g7");
	deliver(o, SB_EV_OPEN, "g7");
	deliver(o, SB_EV_CREATE, "g8");
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.delivered, 6);
	assert_only(&r, 0, 0, 0, 0, 3);
	sb_oracle_free(o);

	/* each announced out-of-scope event once: one lost is wrong */
	o = three_expected(SB_ORACLE_PASS);
	sb_oracle_expect_outside(o, 3);
	deliver_three(o);
	deliver(o, SB_EV_OPEN, "g7");
	deliver(o, SB_EV_CREATE, "g8");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 0, 0, 0, 0, 2);
	ck_assert_msg(strstr(r.why, "2 out-of-scope events delivered for 3 caused"), "%s", r.why);
	sb_oracle_free(o);

	/* pass still needs every in-scope event exactly once */
	o = three_expected(SB_ORACLE_PASS);
	sb_oracle_expect_outside(o, 1);
	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_OPEN, "g7");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 2, 0, 1, 0, 1);
	ck_assert_msg(!strstr(r.why, "unexpected") && !strstr(r.why, "out-of-scope"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(pass_deny_allows_everything)
{
	struct sb_oracle *o = sb_oracle_new(true, SB_ORACLE_PASS);
	struct sb_oracle_result r;

	sb_oracle_open_outcome(o, true, 0);
	sb_oracle_open_outcome(o, true, 0);
	sb_oracle_open_outcome(o, false, 0);
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 2);
	ck_assert_uint_eq(r.delivered, 0);
	assert_only(&r, 0, 0, 0, 0, 0);
	sb_oracle_free(o);

	/* a reference filter that denies anything is wrong, in scope or not */
	o = sb_oracle_new(true, SB_ORACLE_PASS);
	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_open_outcome(o, false, EPERM);
	sb_oracle_open_outcome(o, false, 0);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.expected, 1);
	ck_assert_uint_eq(r.delivered, 2);
	assert_only(&r, 0, 0, 0, 2, 0);
	ck_assert_msg(strstr(r.why, "2 denied"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(full_record_array_invalidates)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	char name[32];

	/* without sb_oracle_reserve(): the default capacity, then drops */
	for (int i = 0; i < SB_ORACLE_DEFAULT_RECORDS + 10; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		sb_oracle_expect(o, SB_EV_OPEN, name);
		deliver(o, SB_EV_OPEN, name);
	}
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.delivered, SB_ORACLE_DEFAULT_RECORDS + 10);
	ck_assert_uint_eq(r.dropped_records, 10);
	ck_assert_msg(strstr(r.why, "record array was full: 10 events not recorded"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(reserve_grows_and_keeps_records)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;
	char name[32];
	int n = 3 * SB_ORACLE_DEFAULT_RECORDS;

	deliver(o, SB_EV_OPEN, "early");	/* recorded before the reserve */
	sb_oracle_expect(o, SB_EV_OPEN, "early");
	ck_assert_int_eq(sb_oracle_reserve(o, n + 1), 0);
	ck_assert_int_eq(sb_oracle_reserve(o, 10), 0);	/* never shrinks */
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		sb_oracle_expect(o, SB_EV_OPEN, name);
		deliver(o, SB_EV_OPEN, name);
	}
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, n + 1);
	ck_assert_uint_eq(r.delivered, n + 1);
	assert_only(&r, 0, 0, 0, 0, 0);
	sb_oracle_free(o);
}
END_TEST

#define LARGE 100000

START_TEST(large_case_is_exact_and_fast)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	static const enum sb_kind kinds[] = { SB_EV_CREATE, SB_EV_OPEN, SB_EV_DELETE };
	struct sb_oracle_result r;
	struct timespec t0, t1;
	size_t *order = malloc(LARGE * sizeof(*order));
	uint64_t rng = 42;
	char name[32];
	double ms;

	ck_assert_ptr_nonnull(order);
	for (size_t i = 0; i < LARGE; i++) {
		snprintf(name, sizeof(name), "cu7_%zu", i / 3);
		sb_oracle_expect(o, kinds[i % 3], name);
		order[i] = i;
	}
	ck_assert_int_eq(sb_oracle_reserve(o, 2 * LARGE + 1024), 0);
	/* delivered in a shuffled order (a backend with several CPUs) */
	for (size_t i = LARGE - 1; i > 0; i--) {
		size_t j, tmp;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (rng >> 33) % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t k = 0; k < LARGE; k++) {
		size_t i = order[k];

		if (i == 17 || i == 50001 || i == 99998)
			continue;	/* 3 missing */
		snprintf(name, sizeof(name), "cu7_%zu", i / 3);
		deliver(o, kinds[i % 3], name);
		if (i == 600 || i == 70000)
			deliver(o, kinds[i % 3], name);	/* 2 duplicated */
	}
	deliver(o, SB_EV_OPEN, "cu7_999999");	/* 1 unexpected */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sb_oracle_finish(o, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.expected, LARGE);
	ck_assert_uint_eq(r.delivered, LARGE - 3 + 2 + 1);
	assert_only(&r, 3, 0, 2, 1, 0);
	/* the first missing in expectation order: i = 17, the third event of op 5 */
	ck_assert_msg(strstr(r.why, "3 missing (e.g. delete/cu7_5)"), "%s", r.why);
	/* generous: a sort of 2 x 10^5 keys takes tens of ms, even under ASan */
	ck_assert_msg(ms < 2000, "finish() took %.0f ms for %d events", ms, LARGE);
	free(order);
	sb_oracle_free(o);
}
END_TEST

/* Several consumer threads delivering at once: every event recorded once. */
#define THREADS 4
#define PER_THREAD 20000

struct feeder {
	struct sb_oracle *o;
	int id;
};

static void *feed(void *arg)
{
	const struct feeder *f = arg;
	char name[32];

	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(name, sizeof(name), "f%d_%d", f->id, i);
		deliver(f->o, SB_EV_OPEN, name);
	}
	return NULL;
}

START_TEST(concurrent_delivery)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct feeder f[THREADS];
	pthread_t th[THREADS];
	struct sb_oracle_result r;
	char name[32];

	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < PER_THREAD; i++) {
			snprintf(name, sizeof(name), "f%d_%d", t, i);
			sb_oracle_expect(o, SB_EV_OPEN, name);
		}
	}
	ck_assert_int_eq(sb_oracle_reserve(o, THREADS * PER_THREAD), 0);	/* exactly */
	for (int t = 0; t < THREADS; t++) {
		f[t] = (struct feeder){ .o = o, .id = t };
		ck_assert_int_eq(pthread_create(&th[t], NULL, feed, &f[t]), 0);
	}
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.delivered, THREADS * PER_THREAD);
	assert_only(&r, 0, 0, 0, 0, 0);
	sb_oracle_free(o);
}
END_TEST

START_TEST(long_names)
{
	struct sb_oracle *o = three_expected(0);
	struct sb_oracle_result r;
	char name[200];

	/* a long delivered name never matches and is shown cut */
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	deliver_three(o);
	deliver(o, SB_EV_OPEN, name);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	assert_only(&r, 0, 0, 0, 1, 0);
	ck_assert_msg(strstr(r.why, "xxx...)"), "%s", r.why);
	sb_oracle_free(o);

	/* a name the records cannot hold is a harness error, said as such */
	o = sb_oracle_new(false, 0);
	sb_oracle_expect(o, SB_EV_OPEN, name);
	deliver(o, SB_EV_OPEN, name);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_msg(strstr(r.why, "longer than the oracle records"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(overflow_invalidates)
{
	struct sb_oracle *o = three_expected(SB_ORACLE_BURST | SB_ORACLE_PASS);
	struct sb_event ov = { .kind = SB_EV_OVERFLOW, .count = 3 };
	struct sb_oracle_result r;

	deliver_three(o);
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ov);
	ov.count = 0;	/* unknown: one */
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ov);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.overflows, 4);
	ck_assert_uint_eq(r.delivered, 3);
	ck_assert_msg(strstr(r.why, "4 lost to overflow"), "%s", r.why);
	sb_oracle_free(o);
}
END_TEST

START_TEST(invalidate_keeps_first_reason)
{
	struct sb_oracle *o = sb_oracle_new(false, 0);
	struct sb_oracle_result r;

	sb_oracle_invalidate(o, "watchdog fired");
	sb_oracle_invalidate(o, "second reason");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_str_eq(r.why, "watchdog fired");
	sb_oracle_free(o);
}
END_TEST

START_TEST(deny_outcomes)
{
	struct sb_oracle *o = sb_oracle_new(true, 0);
	struct sb_oracle_result r;

	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_open_outcome(o, false, 0);
	deliver(o, SB_EV_DENY, "f1");	/* deny mode judges outcomes, not deliveries */
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.expected, 2);
	ck_assert_uint_eq(r.delivered, 2);
	sb_oracle_free(o);

	/* An in-scope open let through, and an out-of-scope open denied. */
	o = sb_oracle_new(true, 0);
	sb_oracle_open_outcome(o, true, 0);
	sb_oracle_open_outcome(o, false, EPERM);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.missing, 1);
	ck_assert_uint_eq(r.unexpected, 1);
	sb_oracle_free(o);

	/* Any other error is not a verdict: the run cannot be trusted. */
	o = sb_oracle_new(true, SB_ORACLE_PASS);
	sb_oracle_open_outcome(o, true, ENOENT);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_ptr_nonnull(strstr(r.why, "other than EPERM"));
	sb_oracle_free(o);
}
END_TEST

/* A backend that denies with another errno (Landlock: EACCES) is judged by it, and only by it. */
START_TEST(deny_outcomes_own_errno)
{
	struct sb_oracle *o = sb_oracle_new(true, 0);
	struct sb_oracle_result r;

	sb_oracle_set_deny_errno(o, EACCES);
	sb_oracle_open_outcome(o, true, EACCES);
	sb_oracle_open_outcome(o, false, 0);
	sb_oracle_finish(o, &r);
	ck_assert_msg(r.valid, "%s", r.why);
	ck_assert_uint_eq(r.delivered, 1);
	sb_oracle_free(o);

	/* EPERM from it is not its denial: an error, and named as such. */
	o = sb_oracle_new(true, 0);
	sb_oracle_set_deny_errno(o, EACCES);
	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.delivered, 0);
	ck_assert_msg(strstr(r.why, "other than EACCES"), "%s", r.why);
	sb_oracle_free(o);

	/* Out of scope, its denial is an unexpected one. */
	o = sb_oracle_new(true, 0);
	sb_oracle_set_deny_errno(o, EACCES);
	sb_oracle_open_outcome(o, false, EACCES);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.unexpected, 1);
	sb_oracle_free(o);
}
END_TEST


/*
 * fid reporting: events that carry a file handle, or a dev and ino, instead
 * of a name are attributed through the expected paths after the loop.
 */
struct id_files {
	char dir[64];
	char path[3][96];
};

static void id_files_make(struct id_files *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/sb-oracle-id-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	for (int i = 0; i < 3; i++) {
		int fd;

		snprintf(f->path[i], sizeof(f->path[i]), "%s/obj%d", f->dir, i);
		fd = open(f->path[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
}

static void id_files_remove(struct id_files *f)
{
	for (int i = 0; i < 3; i++)
		unlink(f->path[i]);
	rmdir(f->dir);
}

static void deliver_handle(struct sb_oracle *o, enum sb_kind kind, const char *path)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u = { .fh.handle_bytes = MAX_HANDLE_SZ };
	struct sb_event ev = { .kind = kind, .pid = 1, .handle = &u.fh };
	int mount_id;

	ck_assert_int_eq(name_to_handle_at(AT_FDCWD, path, &u.fh, &mount_id, 0), 0);
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ev);
}

static void deliver_ino(struct sb_oracle *o, enum sb_kind kind, const char *path)
{
	struct stat st;
	struct sb_event ev = { .kind = kind, .pid = 1 };

	ck_assert_int_eq(stat(path, &st), 0);
	ev.dev_major = major(st.st_dev);
	ev.dev_minor = minor(st.st_dev);
	ev.ino = st.st_ino;
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ev);
}

START_TEST(identities_map_to_expected_names)
{
	struct id_files f;
	struct sb_oracle_result r;
	struct sb_oracle *o;

	id_files_make(&f);
	o = sb_oracle_new(false, _i ? SB_ORACLE_PASS : 0);
	ck_assert_ptr_nonnull(o);
	sb_oracle_expect_path(o, SB_EV_OPEN, f.path[0]);
	sb_oracle_expect_path(o, SB_EV_OPEN, f.path[1]);
	if (_i)
		sb_oracle_expect_outside(o, 1);	/* path[2], below */
	deliver_handle(o, SB_EV_OPEN, f.path[0]);
	deliver_ino(o, SB_EV_OPEN, f.path[1]);
	deliver_handle(o, SB_EV_OPEN, f.path[2]);	/* never expected */
	sb_oracle_finish(o, &r);
	ck_assert_uint_eq(r.expected, 2);
	ck_assert_uint_eq(r.delivered, 3);
	if (_i) {
		assert_only(&r, 0, 0, 0, 0, 1);
		ck_assert(r.valid);
	} else {
		assert_only(&r, 0, 0, 0, 1, 0);
		ck_assert(!r.valid);
		ck_assert_ptr_nonnull(strstr(r.why, "known only by its file handle"));
	}
	sb_oracle_free(o);
	id_files_remove(&f);
}
END_TEST

START_TEST(identity_of_the_wrong_kind_is_caught)
{
	struct id_files f;
	struct sb_oracle_result r;
	struct sb_oracle *o;

	id_files_make(&f);
	o = sb_oracle_new(false, 0);
	ck_assert_ptr_nonnull(o);
	sb_oracle_expect_path(o, SB_EV_OPEN, f.path[0]);
	deliver_ino(o, SB_EV_OPEN, f.path[0]);
	deliver_ino(o, SB_EV_OPEN, f.path[0]);	/* twice: duplicated */
	deliver_handle(o, SB_EV_CREATE, f.path[0]);	/* an object expected for another kind */
	sb_oracle_finish(o, &r);
	assert_only(&r, 0, 0, 1, 1, 0);
	ck_assert(!r.valid);
	sb_oracle_free(o);
	id_files_remove(&f);
}
END_TEST
int main(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, all_delivered_once_is_valid);
	tcase_add_test(tc, duplicate_is_caught);
	tcase_add_test(tc, missed_event_is_caught);
	tcase_add_test(tc, missing_counts_every_expected_copy);
	tcase_add_test(tc, merged_invalid_by_default);
	tcase_add_test(tc, merged_allowed_in_burst);
	tcase_add_test(tc, burst_still_catches_the_rest);
	tcase_add_test(tc, extra_event_is_caught);
	tcase_add_test(tc, pass_counts_out_of_scope_as_extra);
	tcase_add_test(tc, pass_deny_allows_everything);
	tcase_add_test(tc, full_record_array_invalidates);
	tcase_add_test(tc, reserve_grows_and_keeps_records);
	tcase_add_test(tc, large_case_is_exact_and_fast);
	tcase_add_test(tc, concurrent_delivery);
	tcase_add_test(tc, long_names);
	tcase_add_test(tc, overflow_invalidates);
	tcase_add_loop_test(tc, identities_map_to_expected_names, 0, 2);
	tcase_add_test(tc, identity_of_the_wrong_kind_is_caught);
	tcase_add_test(tc, invalidate_keeps_first_reason);
	tcase_add_test(tc, deny_outcomes);
	tcase_add_test(tc, deny_outcomes_own_errno);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
