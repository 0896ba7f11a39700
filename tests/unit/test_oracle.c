// SPDX-License-Identifier: GPL-2.0
/* The oracle must catch an injected missed event and an injected extra one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bench/oracle.h"

static void deliver(struct sb_oracle *o, enum sb_kind kind, const char *name)
{
	struct sb_event ev = { .kind = kind, .pid = 1 };

	sb_event_set_name(&ev, name);
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ev);
}

static struct sb_oracle *three_expected(void)
{
	struct sb_oracle *o = sb_oracle_new(false);

	ck_assert_ptr_nonnull(o);
	sb_oracle_expect(o, SB_EV_CREATE, "f1");
	sb_oracle_expect(o, SB_EV_OPEN, "f1");
	sb_oracle_expect(o, SB_EV_DELETE, "f1");
	return o;
}

START_TEST(all_delivered_is_valid)
{
	struct sb_oracle *o = three_expected();
	struct sb_oracle_result r;

	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_OPEN, "f1");
	deliver(o, SB_EV_OPEN, "f1");	/* delivered twice: sets, not counts */
	deliver(o, SB_EV_DELETE, "f1");
	sb_oracle_finish(o, &r);
	ck_assert(r.valid);
	ck_assert_uint_eq(r.expected, 3);
	ck_assert_uint_eq(r.delivered, 4);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 0);
	sb_oracle_free(o);
}
END_TEST

START_TEST(missed_event_is_caught)
{
	struct sb_oracle *o = three_expected();
	struct sb_oracle_result r;

	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_DELETE, "f1");
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.missing, 1);
	ck_assert_uint_eq(r.unexpected, 0);
	ck_assert_ptr_nonnull(strstr(r.why, "open/f1"));
	sb_oracle_free(o);
}
END_TEST

START_TEST(extra_event_is_caught)
{
	struct sb_oracle *o = three_expected();
	struct sb_oracle_result r;

	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_OPEN, "f1");
	deliver(o, SB_EV_DELETE, "f1");
	deliver(o, SB_EV_OPEN, "g7");	/* an out-of-scope object */
	deliver(o, SB_EV_MOVED_TO, "f1");	/* the right object, the wrong kind */
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.missing, 0);
	ck_assert_uint_eq(r.unexpected, 2);
	sb_oracle_free(o);
}
END_TEST

START_TEST(overflow_invalidates)
{
	struct sb_oracle *o = three_expected();
	struct sb_event ov = { .kind = SB_EV_OVERFLOW, .count = 3 };
	struct sb_oracle_result r;

	deliver(o, SB_EV_CREATE, "f1");
	deliver(o, SB_EV_OPEN, "f1");
	deliver(o, SB_EV_DELETE, "f1");
	sb_oracle_sink(o)->deliver(sb_oracle_sink(o), &ov);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.overflows, 3);
	sb_oracle_free(o);
}
END_TEST

START_TEST(invalidate_keeps_first_reason)
{
	struct sb_oracle *o = sb_oracle_new(false);
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
	struct sb_oracle *o = sb_oracle_new(true);
	struct sb_oracle_result r;

	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_open_outcome(o, true, EPERM);
	sb_oracle_open_outcome(o, false, 0);
	sb_oracle_finish(o, &r);
	ck_assert(r.valid);
	ck_assert_uint_eq(r.expected, 2);
	ck_assert_uint_eq(r.delivered, 2);
	sb_oracle_free(o);

	/* An in-scope open let through, and an out-of-scope open denied. */
	o = sb_oracle_new(true);
	sb_oracle_open_outcome(o, true, 0);
	sb_oracle_open_outcome(o, false, EPERM);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_uint_eq(r.missing, 1);
	ck_assert_uint_eq(r.unexpected, 1);
	sb_oracle_free(o);

	/* Any other error is not a verdict: the run cannot be trusted. */
	o = sb_oracle_new(true);
	sb_oracle_open_outcome(o, true, ENOENT);
	sb_oracle_finish(o, &r);
	ck_assert(!r.valid);
	ck_assert_ptr_nonnull(strstr(r.why, "other than EPERM"));
	sb_oracle_free(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, all_delivered_is_valid);
	tcase_add_test(tc, missed_event_is_caught);
	tcase_add_test(tc, extra_event_is_caught);
	tcase_add_test(tc, overflow_invalidates);
	tcase_add_test(tc, invalidate_keeps_first_reason);
	tcase_add_test(tc, deny_outcomes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
