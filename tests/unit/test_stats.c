// SPDX-License-Identifier: GPL-2.0
/* Unit tests of bench/stats.c against hand-computed and textbook figures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "bench/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Does the warnings array hold a string containing `needle`? */
static int has_warning(json_t *warnings, const char *needle)
{
	size_t i;
	json_t *w;

	json_array_foreach(warnings, i, w)
		if (strstr(json_string_value(w), needle))
			return 1;
	return 0;
}

START_TEST(test_central_and_spread)
{
	/* mean 5; sum of squared deviations 32, so s = sqrt(32/7). */
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	const double odd[] = { 9, 1, 3, 8, 3, 6, 7 };

	ck_assert_double_eq_tol(sb_median(x, N(x)), 4.5, 1e-12);
	ck_assert_double_eq_tol(sb_mean(x, N(x)), 5.0, 1e-12);
	ck_assert_double_eq_tol(sb_stddev(x, N(x)), sqrt(32.0 / 7.0), 1e-12);
	ck_assert_double_eq_tol(sb_median(odd, N(odd)), 6.0, 1e-12);
	/* The input is not reordered. */
	ck_assert_double_eq(odd[0], 9);
	ck_assert_double_eq(odd[6], 7);
}
END_TEST

START_TEST(test_degenerate_sizes)
{
	const double one[] = { 42 };

	ck_assert(isnan(sb_median(NULL, 0)));
	ck_assert(isnan(sb_mean(NULL, 0)));
	ck_assert(isnan(sb_stddev(one, 1)));
	ck_assert(isnan(sb_mad(NULL, 0)));
	ck_assert_double_eq(sb_median(one, 1), 42);
	ck_assert_uint_eq(sb_outliers(NULL, 0, NULL), 0);
	ck_assert(isnan(sb_welch_p(one, 1, one, 1)));
}
END_TEST

START_TEST(test_mad)
{
	/* median 2; |x - 2| = 1 1 0 0 2 4 7, whose median is 1. */
	const double x[] = { 1, 1, 2, 2, 4, 6, 9 };

	ck_assert_double_eq_tol(sb_mad(x, N(x)), 1.0, 1e-12);
}
END_TEST

START_TEST(test_welch_textbook)
{
	/*
	 * R's sleep data set: t.test(extra ~ group, data = sleep) (Welch) gives
	 * t = -1.8608, df = 17.776, p-value = 0.07939.
	 */
	const double g1[] = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0 };
	const double g2[] = { 1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };

	ck_assert_double_eq_tol(sb_welch_p(g1, N(g1), g2, N(g2)), 0.07939, 5e-5);
	ck_assert_double_eq_tol(sb_welch_p(g2, N(g2), g1, N(g1)), 0.07939, 5e-5);
}
END_TEST

START_TEST(test_welch_zero_variance)
{
	const double a[] = { 3, 3, 3 }, b[] = { 3, 3, 3, 3 }, c[] = { 4, 4, 4 };

	ck_assert_double_eq(sb_welch_p(a, N(a), b, N(b)), 1.0);
	ck_assert_double_eq(sb_welch_p(a, N(a), c, N(c)), 0.0);
}
END_TEST

START_TEST(test_outlier_injected)
{
	/* median 100, MAD 1: 150 has z = 0.6745 * 50 = 33.7; 102 has 1.35. */
	const double x[] = { 100, 101, 99, 100, 102, 98, 100, 150 };
	size_t idx[N(x)];

	ck_assert_uint_eq(sb_outliers(x, N(x), idx), 1);
	ck_assert_uint_eq(idx[0], 7);
	ck_assert_uint_eq(sb_outliers(x, N(x), NULL), 1);
}
END_TEST

START_TEST(test_outlier_mad_zero)
{
	/* MAD 0: MeanAD = 4/6, z(9) = 4 / (1.253314 * 0.667) = 4.79 > 3.5. */
	const double x[] = { 5, 5, 5, 5, 5, 9 };
	const double same[] = { 5, 5, 5, 5 };
	size_t idx[N(x)];

	ck_assert_double_eq(sb_mad(x, N(x)), 0);
	ck_assert_uint_eq(sb_outliers(x, N(x), idx), 1);
	ck_assert_uint_eq(idx[0], 5);
	ck_assert_uint_eq(sb_outliers(same, N(same), idx), 0);
}
END_TEST

START_TEST(test_ci_constant)
{
	const double x[] = { 7, 7, 7, 7, 7 }, base[] = { 4, 4, 4, 4, 4, 4 };
	double ci[2];

	ck_assert_int_eq(sb_median_ci95(x, N(x), ci), 0);
	ck_assert_double_eq(ci[0], 7);
	ck_assert_double_eq(ci[1], 7);
	ck_assert_int_eq(sb_overhead_ci95(x, N(x), base, N(base), ci), 0);
	ck_assert_double_eq(ci[0], 3);
	ck_assert_double_eq(ci[1], 3);
	ck_assert_int_eq(sb_median_ci95(x, 0, ci), -1);
}
END_TEST

START_TEST(test_ci_spread_reproducible)
{
	const double x[] = { 10, 12, 9, 11, 13, 10, 11, 12, 9, 14, 10, 11 };
	const double base[] = { 5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5 };
	double ci[2], again[2], m = sb_median(x, N(x));

	ck_assert_int_eq(sb_median_ci95(x, N(x), ci), 0);
	ck_assert(ci[0] <= m && m <= ci[1]);
	ck_assert(ci[0] < ci[1]);
	ck_assert(ci[0] >= 9 && ci[1] <= 14);
	/* Fixed seed: the same data gives the same interval. */
	ck_assert_int_eq(sb_median_ci95(x, N(x), again), 0);
	ck_assert_double_eq(ci[0], again[0]);
	ck_assert_double_eq(ci[1], again[1]);

	ck_assert_int_eq(sb_overhead_ci95(x, N(x), base, N(base), ci), 0);
	m = sb_median(x, N(x)) - sb_median(base, N(base));
	ck_assert(ci[0] <= m && m <= ci[1]);
	/* Bounded by the extreme differences of the two samples. */
	ck_assert(ci[0] >= 9 - 6 && ci[1] <= 14 - 4);
}
END_TEST

START_TEST(test_first_rep_slow)
{
	const double slow[] = { 200, 100, 101, 99, 100, 100 };
	const double fine[] = { 100, 100, 101, 99, 100, 100 };
	/* Deterministic box: 0.5 % above an exact median is not "slow". */
	const double tiny[] = { 100.5, 100, 100, 100, 100 };

	ck_assert(sb_first_rep_slow(slow, N(slow)));
	ck_assert(!sb_first_rep_slow(fine, N(fine)));
	ck_assert(!sb_first_rep_slow(tiny, N(tiny)));
	ck_assert(!sb_first_rep_slow(slow, 2));
}
END_TEST

START_TEST(test_json_shape)
{
	const double x[] = { 110, 112, 111, 109, 113, 111, 111 };
	const double base[] = { 100, 101, 99, 100, 102, 100, 100 };
	json_t *w = json_array(), *st, *o;
	double ci[2];

	st = sb_stats_json(x, N(x), base, N(base), w);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "n")), 7);

	o = json_object_get(st, "median");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")), 111, 1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), SB_EST_MEDIAN);
	ck_assert_int_eq(json_array_size(json_object_get(o, "ci95")), 2);
	sb_median_ci95(x, N(x), ci);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(o, "ci95"), 0)), ci[0]);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(o, "ci95"), 1)), ci[1]);

	o = json_object_get(st, "mean");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")), 111, 1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), "arithmetic mean");

	o = json_object_get(st, "stddev");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")),
				sqrt(10.0 / 6.0), 1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")),
			 "sample standard deviation (n-1)");

	o = json_object_get(st, "overhead");
	ck_assert_ptr_nonnull(o);
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")), 11, 1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), SB_EST_OVERHEAD);
	ck_assert_int_eq(json_array_size(json_object_get(o, "ci95")), 2);

	o = json_object_get(st, "outliers");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "count")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(o, "indices")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), SB_EST_OUTLIERS);

	/* Seven ordinary samples a side: no warnings. */
	ck_assert_int_eq(json_array_size(w), 0);
	json_decref(st);

	/* No baseline: no overhead; one sample: stddev is null. */
	st = sb_stats_json(x, 1, NULL, 0, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_null(json_object_get(st, "overhead"));
	ck_assert(json_is_null(json_object_get(json_object_get(st, "stddev"), "value")));
	json_decref(st);
	json_decref(w);
}
END_TEST

START_TEST(test_json_outlier_indices)
{
	const double x[] = { 100, 101, 99, 100, 102, 98, 100, 150 };
	json_t *w = json_array(), *st, *o;

	st = sb_stats_json(x, N(x), NULL, 0, w);
	o = json_object_get(st, "outliers");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "count")), 1);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(o, "indices"), 0)), 7);
	ck_assert(has_warning(w, "outlier"));
	json_decref(st);
	json_decref(w);
}
END_TEST

START_TEST(test_warnings)
{
	const double few[] = { 100, 101, 99 };
	const double slow[] = { 200, 100, 101, 99, 100, 100 };
	json_t *w = json_array(), *st;

	st = sb_stats_json(few, N(few), few, 2, w);
	ck_assert(has_warning(w, "only 3 samples"));
	ck_assert(has_warning(w, "only 2 baseline samples"));
	ck_assert(!has_warning(w, "first repetition slow"));
	json_decref(st);
	json_array_clear(w);

	st = sb_stats_json(slow, N(slow), NULL, 0, w);
	ck_assert(has_warning(w, "first repetition slow"));
	ck_assert(!has_warning(w, "samples (fewer"));
	json_decref(st);
	json_decref(w);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_central_and_spread);
	tcase_add_test(tc, test_degenerate_sizes);
	tcase_add_test(tc, test_mad);
	tcase_add_test(tc, test_welch_textbook);
	tcase_add_test(tc, test_welch_zero_variance);
	tcase_add_test(tc, test_outlier_injected);
	tcase_add_test(tc, test_outlier_mad_zero);
	tcase_add_test(tc, test_ci_constant);
	tcase_add_test(tc, test_ci_spread_reproducible);
	tcase_add_test(tc, test_first_rep_slow);
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_json_outlier_indices);
	tcase_add_test(tc, test_warnings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
