// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of `merge` (sb_merge, bench/cmd_merge.c) and `export`
 * (sb_export_bmf, sb_export_lkp, bench/cmd_export.c) on small results files
 * made here: a sweep of 3 cells (2 runs each) in 2 shards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "bench/export.h"
#include "bench/merge.h"

/* One run: valid or not, with a median and (but none) an overhead. */
static json_t *run(const char *backend, int cell, bool valid, double median)
{
	char id[128];
	bool none = !strncmp(backend, "none/", 5);

	snprintf(id, sizeof(id), "%s/open-close/notify/r%d/d4/h0.5", backend, cell + 1);
	return json_pack("{s:s, s:s, s:i, s:{s:b, s:s}, s:{s:{s:f, s:[f, f]}, s:o, s:{s:f}, s:{s:f}}}",
			 "id", id, "backend", backend, "cell", cell, "oracle", "valid", valid, "why", "",
			 "stats", "median", "value", median, "ci95", median - 1, median + 1,
			 "overhead", none ? json_null() : json_pack("{s:f, s:[f, f]}", "value", median - 100,
							      "ci95", median - 102, median - 98),
			 "mean", "value", median, "stddev", "value", 2.0);
}

/* Shard i of 2 of a 3-cell sweep (cells 0 and 2 in shard 1, cell 1 in shard 2). */
static json_t *shard(int i, const char *unavailable_backend)
{
	json_t *runs = json_array();
	char s[8];

	for (int cell = i - 1; cell < 3; cell += 2) {
		json_array_append_new(runs, run("none/-", cell, true, 1000));
		json_array_append_new(runs, run("fanotify-user/walk", cell, true, 1500 + cell));
	}
	snprintf(s, sizeof(s), "%d/2", i);
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:i, s:s}, "
			 "s:{s:i, s:[{s:i, s:i}]}, s:s, s:o, s:[{s:s, s:s, s:s}]}",
			 "schema_version", 2, "tool", "subtree-bench", "git_revision", "abc123",
			 "created_utc", i == 1 ? "2026-12-02T01:00:00Z" : "2026-12-02T00:59:00Z",
			 "command_line", "subtree-bench run ...",
			 "box", "kind", "vm-icount", "kernel", "6.12.117", "kernel_build", "#1",
			 "cpu_model", "QEMU", "cores", 1, "time_unit", "instructions",
			 "plan", "cells", 3, "sweeps", "ops", 2000, "reps", 10,
			 "shard", s, "runs", runs,
			 "unavailable", "backend", unavailable_backend, "mode", "notify", "reason", "no");
}

static const char *const paths[] = { "s1.json", "s2.json", "s3.json" };

/* err after a refused merge of a and b (both consumed). */
static void refused(json_t *a, json_t *b, bool partial, const char *const *want)
{
	json_t *in[] = { a, b };
	char err[1024] = "";
	json_t *out = sb_merge(in, paths, b ? 2 : 1, partial, err, sizeof(err));

	ck_assert_msg(!out, "merged, expected: %s", want[0]);
	for (; *want; want++)
		ck_assert_msg(strstr(err, *want), "'%s' not in: %s", *want, err);
	json_decref(a);
	json_decref(b);
}

START_TEST(test_merge_two_shards)
{
	json_t *in[] = { shard(2, "bpf-lsm"), shard(1, "bpf-lsm") };
	char err[1024] = "";
	json_t *out = sb_merge(in, paths, 2, false, err, sizeof(err)), *r, *u;
	const char *order[] = { "none/-/open-close/notify/r1/d4/h0.5",
				"fanotify-user/walk/open-close/notify/r1/d4/h0.5",
				"none/-/open-close/notify/r2/d4/h0.5",
				"fanotify-user/walk/open-close/notify/r2/d4/h0.5",
				"none/-/open-close/notify/r3/d4/h0.5",
				"fanotify-user/walk/open-close/notify/r3/d4/h0.5" };
	size_t i;

	ck_assert_msg(out != NULL, "%s", err);
	/* Every run once, in cell order: the unsharded run's order. */
	ck_assert_uint_eq(json_array_size(json_object_get(out, "runs")), 6);
	json_array_foreach(json_object_get(out, "runs"), i, r)
		ck_assert_str_eq(json_string_value(json_object_get(r, "id")), order[i]);
	ck_assert_ptr_null(json_object_get(out, "shard"));
	ck_assert_ptr_null(json_object_get(out, "missing_shards"));
	/* The earlier start, the same unavailable entry once. */
	ck_assert_str_eq(json_string_value(json_object_get(out, "created_utc")), "2026-12-02T00:59:00Z");
	u = json_object_get(out, "unavailable");
	ck_assert_uint_eq(json_array_size(u), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(out, "merged_from")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(out, "merged_from"), 0),
							   "shard")), "2/2");
	json_decref(out);
	json_decref(in[0]);
	json_decref(in[1]);
}
END_TEST

START_TEST(test_merge_unavailable_union)
{
	json_t *in[] = { shard(1, "bpf-lsm"), shard(2, "fanotify-kmod") };
	char err[1024] = "";
	json_t *out = sb_merge(in, paths, 2, false, err, sizeof(err));

	ck_assert_msg(out != NULL, "%s", err);
	ck_assert_uint_eq(json_array_size(json_object_get(out, "unavailable")), 2);
	json_decref(out);
	json_decref(in[0]);
	json_decref(in[1]);
}
END_TEST

START_TEST(test_merge_refusals)
{
	json_t *b;

	b = shard(2, "x");
	json_object_set_new(b, "git_revision", json_string("def456"));
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json'", "git_revision \"def456\"", "'s1.json' has \"abc123\"", "fix:", NULL });
	b = shard(2, "x");
	json_object_set_new(json_object_get(b, "box"), "kernel", json_string("6.1"));
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json'", "box.kernel \"6.1\"", "\"6.12.117\"", "fix:", NULL });
	b = shard(2, "x");
	json_object_del(json_object_get(b, "box"), "cpu_model");
	refused(shard(1, "x"), b, false, (const char *[]){ "box.cpu_model missing", NULL });
	b = shard(2, "x");
	json_object_set_new(json_array_get(json_object_get(json_object_get(b, "plan"), "sweeps"), 0),
			    "reps", json_integer(5));
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json'", "sweep 1 reps 5", "has 10", "fix:", NULL });
	b = shard(2, "x");
	json_object_del(b, "plan");
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json'", "no \"plan\"", NULL });
	refused(shard(1, "x"), shard(1, "x"), false, (const char *[]){ "'s1.json' and 's2.json' are both shard 1/2", NULL });
	refused(shard(1, "x"), NULL, false, (const char *[]){ "shard 2/2 is missing", "--partial", NULL });
	b = shard(2, "x");
	json_object_set_new(b, "shard", json_string("2/3"));
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json': shard 2/3", "--shard I/2", NULL });
	/* A run of shard 1 in shard 2's file: a cell it does not measure. */
	b = shard(2, "x");
	json_array_append_new(json_object_get(b, "runs"), run("bpf-lsm/walk", 0, true, 1));
	refused(shard(1, "x"), b, false, (const char *[]){ "'s2.json'", "cell 0", "shard 2/2", NULL });
	/* A shard that stopped before its last cell (cell 2: its runs 3 and 4). */
	b = shard(1, "x");
	json_array_remove(json_object_get(b, "runs"), 3);
	json_array_remove(json_object_get(b, "runs"), 2);
	refused(b, shard(2, "x"), false, (const char *[]){ "'s1.json' (shard 1/2) has no run of cell 2 of 3", "re-run that shard", "--partial", NULL });
	/* --partial with a shard missing, refused later: the missing list is
	 * freed (a leak the fuzz target found; the SAN build checks it). */
	b = shard(1, "x");
	json_object_del(json_array_get(json_object_get(b, "runs"), 0), "cell");
	refused(b, NULL, true, (const char *[]){ "'s1.json': run #1 has no \"id\" or no \"cell\"", NULL });
	/* More shards than merge takes files: refused before anything is sized by N. */
	b = shard(2, "x");
	json_object_set_new(b, "shard", json_string("1/18446744073709551615"));
	refused(b, NULL, true, (const char *[]){ "'s1.json': \"shard\"", "is not I/N", NULL });
}
END_TEST

START_TEST(test_merge_duplicate_id)
{
	json_t *a = shard(1, "x"), *b = shard(2, "x");

	/* Shard 2's cell-1 run also in shard 1's file under cell 2's number. */
	json_array_append_new(json_object_get(a, "runs"), run("none/-", 1, true, 1));
	json_object_set_new(json_array_get(json_object_get(a, "runs"), 4), "cell", json_integer(2));
	refused(a, b, false, (const char *[]){ "'s2.json': run id \"none/-/open-close/notify/r2/d4/h0.5\" is in 's1.json' too", NULL });
}
END_TEST

START_TEST(test_merge_partial)
{
	json_t *in[] = { shard(1, "x") };
	char err[1024] = "";
	json_t *out = sb_merge(in, paths, 1, true, err, sizeof(err));

	ck_assert_msg(out != NULL, "%s", err);
	ck_assert_uint_eq(json_array_size(json_object_get(out, "runs")), 4);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(out, "missing_shards"), 0)), "2/2");
	json_decref(out);
	json_decref(in[0]);
}
END_TEST

START_TEST(test_export_bmf)
{
	json_t *root = shard(1, "x"), *bmf, *m;

	/* An invalid run is left out. */
	json_array_append_new(json_object_get(root, "runs"), run("bpf-lsm/walk", 2, false, 1));
	bmf = sb_export_bmf(root);
	ck_assert_ptr_nonnull(bmf);
	ck_assert_uint_eq(json_object_size(bmf), 4);
	ck_assert_ptr_null(json_object_get(bmf, "bpf-lsm/walk/open-close/notify/r3/d4/h0.5"));
	m = json_object_get(json_object_get(bmf, "fanotify-user/walk/open-close/notify/r3/d4/h0.5"),
			    "instructions_per_op");
	ck_assert_double_eq(json_real_value(json_object_get(m, "value")), 1502);
	ck_assert_double_eq(json_real_value(json_object_get(m, "lower_value")), 1501);
	ck_assert_double_eq(json_real_value(json_object_get(m, "upper_value")), 1503);
	m = json_object_get(json_object_get(bmf, "fanotify-user/walk/open-close/notify/r3/d4/h0.5"),
			    "overhead_instructions_per_op");
	ck_assert_double_eq(json_real_value(json_object_get(m, "value")), 1402);
	ck_assert_double_eq(json_real_value(json_object_get(m, "lower_value")), 1400);
	/* none: a cost, no overhead (null). */
	m = json_object_get(bmf, "none/-/open-close/notify/r1/d4/h0.5");
	ck_assert_uint_eq(json_object_size(m), 1);
	ck_assert_ptr_nonnull(json_object_get(m, "instructions_per_op"));
	json_decref(bmf);
	/* On a wall-clock box the unit is ns. */
	json_object_set_new(json_object_get(root, "box"), "time_unit", json_string("ns"));
	bmf = sb_export_bmf(root);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(bmf, "none/-/open-close/notify/r1/d4/h0.5"),
					      "ns_per_op"));
	json_decref(bmf);
	json_decref(root);
}
END_TEST

START_TEST(test_export_lkp)
{
	json_t *root = shard(2, "x");
	char *buf = NULL;
	size_t len = 0, lines;
	FILE *f = open_memstream(&buf, &len);

	json_array_append_new(json_object_get(root, "runs"), run("bpf-lsm/walk", 1, false, 1));
	lines = sb_export_lkp(root, f);
	fclose(f);
	/* fanotify-user: median, overhead with CIs, mean, stddev; none without overhead. */
	ck_assert_uint_eq(lines, 8 + 5);
	ck_assert_str_eq(buf,
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.median: 1501\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.median_ci95_lower: 1500\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.median_ci95_upper: 1502\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.overhead: 1401\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.overhead_ci95_lower: 1399\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.overhead_ci95_upper: 1403\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.mean: 1501\n"
		"fanotify-user/walk/open-close/notify/r2/d4/h0.5.stddev: 2\n"
		"none/-/open-close/notify/r2/d4/h0.5.median: 1000\n"
		"none/-/open-close/notify/r2/d4/h0.5.median_ci95_lower: 999\n"
		"none/-/open-close/notify/r2/d4/h0.5.median_ci95_upper: 1001\n"
		"none/-/open-close/notify/r2/d4/h0.5.mean: 1000\n"
		"none/-/open-close/notify/r2/d4/h0.5.stddev: 2\n");
	free(buf);
	json_decref(root);
}
END_TEST

static Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_merge_two_shards);
	tcase_add_test(tc, test_merge_unavailable_union);
	tcase_add_test(tc, test_merge_refusals);
	tcase_add_test(tc, test_merge_duplicate_id);
	tcase_add_test(tc, test_merge_partial);
	tcase_add_test(tc, test_export_bmf);
	tcase_add_test(tc, test_export_lkp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(merge_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
