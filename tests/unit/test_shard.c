// SPDX-License-Identifier: GPL-2.0
/* Unit tests of `run --shard I/N` (bench/shard.c): parsing, and that N shards cover every cell once. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bench/shard.h"

START_TEST(test_parse_good)
{
	struct sb_shard s;
	char err[256];

	ck_assert_int_eq(sb_shard_parse("1/2", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.index, 1);
	ck_assert_uint_eq(s.count, 2);
	ck_assert_int_eq(sb_shard_parse("7/7", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.index, 7);
	ck_assert_int_eq(sb_shard_parse("1/1", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.count, 1);
}
END_TEST

/* N is bounded by what merge can take back (its files), so nothing sized by N overflows. */
START_TEST(test_parse_max)
{
	struct sb_shard s;
	char err[256];

	ck_assert_int_eq(sb_shard_parse("4096/4096", &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.count, SB_SHARD_MAX);
	ck_assert_int_eq(sb_shard_parse("1/4097", &s, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "--shard '1/4097': at most 4096 shards") && strstr(err, "fix:"), "%s", err);
	ck_assert_int_eq(sb_shard_parse("1/18446744073709551615", &s, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_parse_bad)
{
	static const char *const bad[] = {
		"0/2", "3/2", "x", "1/0", "0/0", "1/2/3", "", "/2", "1/", "1", " 1/2", "1/2 ",
		"-1/2", "1/-2", "+1/2", "1.0/2", "99999999999999999999999/2",
	};
	struct sb_shard s = { 5, 9 };
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err[0] = '\0';
		ck_assert_msg(sb_shard_parse(bad[i], &s, err, sizeof(err)) == -1, "'%s' accepted", bad[i]);
		/* The message names the option, the value and the fix. */
		ck_assert_msg(strstr(err, "--shard '") && strstr(err, bad[i]) && strstr(err, "e.g. --shard"),
			      "'%s': %s", bad[i], err);
		ck_assert_uint_eq(s.index, 5);
		ck_assert_uint_eq(s.count, 9);
	}
}
END_TEST

/* The N shards of a sweep measure every cell exactly once, and round robin. */
START_TEST(test_partition)
{
	for (unsigned long n = 1; n <= 9; n++) {
		size_t per[10] = { 0 };

		for (size_t cell = 0; cell < 100; cell++) {
			unsigned long owners = 0;

			for (unsigned long i = 1; i <= n; i++) {
				struct sb_shard s = { i, n };

				if (sb_shard_owns(&s, cell)) {
					owners++;
					per[i]++;
				}
			}
			ck_assert_uint_eq(owners, 1);
		}
		/* Balanced: shard sizes differ by one cell at most. */
		for (unsigned long i = 1; i <= n; i++)
			ck_assert(per[i] == 100 / n || per[i] == 100 / n + 1);
	}
	ck_assert(sb_shard_owns(&(struct sb_shard){ 1, 1 }, 12345));
	ck_assert(sb_shard_owns(&(struct sb_shard){ 2, 3 }, 4));
	ck_assert(!sb_shard_owns(&(struct sb_shard){ 2, 3 }, 3));
}
END_TEST

static Suite *shard_suite(void)
{
	Suite *s = suite_create("shard");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_good);
	tcase_add_test(tc, test_parse_max);
	tcase_add_test(tc, test_parse_bad);
	tcase_add_test(tc, test_partition);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
