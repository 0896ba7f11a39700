// SPDX-License-Identifier: GPL-2.0
/* Unit tests of bench/stats.c against hand-computed and textbook figures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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

/* Two overheads of the same data: the fixed seed draws the same resamples. */
static void ck_same_overhead(const struct sb_paired *a, const struct sb_paired *b)
{
	ck_assert_double_eq(a->diff, b->diff);
	ck_assert_double_eq(a->diff_ci[0], b->diff_ci[0]);
	ck_assert_double_eq(a->diff_ci[1], b->diff_ci[1]);
	ck_assert_double_eq(a->pct, b->pct);
	ck_assert_double_eq(a->pct_ci[0], b->pct_ci[0]);
	ck_assert_double_eq(a->pct_ci[1], b->pct_ci[1]);
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
	struct sb_paired p;

	ck_assert_int_eq(sb_median_ci95(x, N(x), ci), 0);
	ck_assert_double_eq(ci[0], 7);
	ck_assert_double_eq(ci[1], 7);
	/* 5 pairs (the sixth baseline sample has no partner): 3 each, 75 %. */
	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &p), 0);
	ck_assert_uint_eq(p.pairs, 5);
	ck_assert_double_eq(p.diff, 3);
	ck_assert_double_eq(p.diff_ci[0], 3);
	ck_assert_double_eq(p.diff_ci[1], 3);
	ck_assert_double_eq_tol(p.pct, 75, 1e-12);
	ck_assert_double_eq_tol(p.pct_ci[0], 75, 1e-12);
	ck_assert_double_eq_tol(p.pct_ci[1], 75, 1e-12);
	ck_assert_int_eq(sb_median_ci95(x, 0, ci), -1);
	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, 0, &p), -1);
	ck_assert_uint_eq(p.pairs, 0);
	ck_assert(isnan(p.diff));
}
END_TEST

START_TEST(test_ci_spread_reproducible)
{
	const double x[] = { 10, 12, 9, 11, 13, 10, 11, 12, 9, 14, 10, 11 };
	const double base[] = { 5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5 };
	/* x - base: 5 6 4 7 7 5 6 6 5 9 4 6, whose median is 6. */
	double ci[2], again[2], m = sb_median(x, N(x));
	struct sb_paired p, q;

	ck_assert_int_eq(sb_median_ci95(x, N(x), ci), 0);
	ck_assert(ci[0] <= m && m <= ci[1]);
	ck_assert(ci[0] < ci[1]);
	ck_assert(ci[0] >= 9 && ci[1] <= 14);
	/* Fixed seed: the same data gives the same interval. */
	ck_assert_int_eq(sb_median_ci95(x, N(x), again), 0);
	ck_assert_double_eq(ci[0], again[0]);
	ck_assert_double_eq(ci[1], again[1]);

	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &p), 0);
	ck_assert_double_eq(p.diff, 6);
	ck_assert(p.diff_ci[0] <= 6 && 6 <= p.diff_ci[1]);
	ck_assert(p.diff_ci[0] < p.diff_ci[1]);
	/* Pairs resampled: bounded by the smallest and largest difference. */
	ck_assert(p.diff_ci[0] >= 4 && p.diff_ci[1] <= 9);
	ck_assert(p.pct_ci[0] <= p.pct && p.pct <= p.pct_ci[1]);
	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &q), 0);
	ck_same_overhead(&p, &q);
}
END_TEST

START_TEST(test_paired_cancels_drift)
{
	/*
	 * The box drifts by up to 900 between repetitions, the backend costs
	 * 50 +- 1 more than `none` in each: pairs see 50, two independent
	 * samples would see the drift.
	 */
	const double drift[] = { 0, 300, -200, 500, 100, -400, 250, -100, 400, -300 };
	const double noise[] = { 1, -1, 0, 0.5, -0.5, 1, 0, -1, 0.5, 0 };
	double x[N(drift)], base[N(drift)];
	struct sb_paired p;

	for (size_t i = 0; i < N(drift); i++) {
		base[i] = 1000 + drift[i];
		x[i] = base[i] + 50 + noise[i];
	}
	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &p), 0);
	ck_assert_uint_eq(p.pairs, N(drift));
	/* differences 51 49 50 50.5 49.5 51 50 49 50.5 50: median 50 */
	ck_assert_double_eq_tol(p.diff, 50, 1e-12);
	ck_assert(p.diff_ci[0] >= 49 && p.diff_ci[1] <= 51);
	ck_assert(p.diff_ci[0] <= 50 && 50 <= p.diff_ci[1]);
}
END_TEST

START_TEST(test_paired_pct)
{
	const double x[] = { 110, 220, 330 }, base[] = { 100, 200, 300 };
	const double zero[] = { 100, 0, 300 };
	struct sb_paired p;

	/* differences 10 20 30, each 10 % of its own baseline */
	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &p), 0);
	ck_assert_double_eq(p.diff, 20);
	ck_assert_double_eq_tol(p.pct, 10, 1e-12);
	ck_assert_double_eq_tol(p.pct_ci[0], 10, 1e-12);
	ck_assert_double_eq_tol(p.pct_ci[1], 10, 1e-12);
	/* A baseline of 0: no relative overhead, the absolute one stands. */
	ck_assert_int_eq(sb_paired_overhead(x, N(x), zero, N(zero), &p), 0);
	ck_assert_double_eq(p.diff, 30);
	ck_assert(isnan(p.pct) && isnan(p.pct_ci[0]) && isnan(p.pct_ci[1]));
	ck_assert(isfinite(p.diff_ci[0]));
	ck_assert_uint_eq(sb_paired_diffs(x, N(x), base, 2, NULL), 2);
}
END_TEST

START_TEST(test_unpaired_hand)
{
	/*
	 * Sorted x: 11 12 13 14 15, median 13; sorted base: 8 9 10 11, median
	 * 9.5 (five against four: nothing pairs). 13 - 9.5 = 3.5, and
	 * 100 * 3.5 / 9.5 = 36.84 %.
	 */
	const double x[] = { 15, 11, 13, 12, 14 }, base[] = { 10, 8, 11, 9 };
	struct sb_paired u, again;

	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, N(base), &u), 0);
	ck_assert_uint_eq(u.pairs, 0);
	ck_assert_double_eq(u.diff, 3.5);
	ck_assert_double_eq_tol(u.pct, 350.0 / 9.5, 1e-12);
	ck_assert(u.diff_ci[0] <= 3.5 && 3.5 <= u.diff_ci[1]);
	ck_assert(u.diff_ci[0] < u.diff_ci[1]);
	/* Each resampled median lies in its sample's range: 11 - 11 .. 15 - 8. */
	ck_assert(u.diff_ci[0] >= 0 && u.diff_ci[1] <= 7);
	ck_assert(u.pct_ci[0] <= u.pct && u.pct <= u.pct_ci[1]);
	/* Fixed seed: the same data gives the same intervals. */
	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, N(base), &again), 0);
	ck_same_overhead(&u, &again);
}
END_TEST

START_TEST(test_unpaired_degenerate)
{
	const double x[] = { 7, 7, 7, 7, 7 }, base[] = { 4, 4, 4 }, zero[] = { 0, 4, 4 };
	struct sb_paired u;

	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, N(base), &u), 0);
	ck_assert_double_eq(u.diff, 3);
	ck_assert_double_eq(u.diff_ci[0], 3);
	ck_assert_double_eq(u.diff_ci[1], 3);
	ck_assert_double_eq_tol(u.pct, 75, 1e-12);
	ck_assert_double_eq_tol(u.pct_ci[0], 75, 1e-12);
	ck_assert_double_eq_tol(u.pct_ci[1], 75, 1e-12);
	/* A baseline value not > 0: no relative overhead, the difference stands. */
	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), zero, N(zero), &u), 0);
	ck_assert_double_eq(u.diff, 3);
	ck_assert(isnan(u.pct) && isnan(u.pct_ci[0]) && isnan(u.pct_ci[1]));
	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, 0, &u), -1);
	ck_assert(isnan(u.diff));
	ck_assert_int_eq(sb_unpaired_overhead(x, 0, base, N(base), &u), -1);
	ck_assert(isnan(u.diff));
}
END_TEST

START_TEST(test_unpaired_ignores_order)
{
	/*
	 * The backend costs 50 more than `none` in every repetition, but its
	 * repetitions come in another order than none's (as two blocks of
	 * hyperfine repetitions would): x is base + 50 rotated by three.
	 * Pairing by index pairs unrelated repetitions: differences 550 -150
	 * -150 -200 -150 850 -500 150 -50 150, median -100. The difference of
	 * medians, 1100 - 1050, does not depend on the order.
	 */
	const double base[] = { 1000, 1300, 800, 1500, 1100, 600, 1250, 900, 1400, 700 };
	const double x[] = { 1550, 1150, 650, 1300, 950, 1450, 750, 1050, 1350, 850 };
	struct sb_paired p, u;

	ck_assert_int_eq(sb_paired_overhead(x, N(x), base, N(base), &p), 0);
	ck_assert_double_eq(p.diff, -100);
	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, N(base), &u), 0);
	ck_assert_double_eq(u.diff, 50);
	ck_assert(u.diff_ci[0] <= 50 && 50 <= u.diff_ci[1]);
}
END_TEST

/* The review's run: 5 repetitions in two clusters. */
static const double review[] = { 20326, 22570, 20377, 22617, 22600 };

START_TEST(test_modes_bimodal)
{
	/* 5 at 1000 and 5 at 1100, +- 2; and an 8/2 split of the same. */
	const double ten[] = { 1000, 1101, 998, 1099, 1002, 1100, 1001, 1102, 999, 1098 };
	const double eight[] = { 1000, 998, 1002, 1001, 999, 1000, 1001, 999, 1100, 1102 };
	const double two_values[] = { 5, 9, 5, 9 };
	struct sb_modes m;

	ck_assert_int_eq(sb_modes(review, N(review), NAN, &m), 0);
	ck_assert(m.bimodal);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_double_eq(m.mode[0].median, 20351.5);
	ck_assert_uint_eq(m.mode[0].n, 2);
	ck_assert_double_eq(m.mode[0].min, 20326);
	ck_assert_double_eq(m.mode[0].max, 20377);
	ck_assert_double_eq(m.mode[1].median, 22600);
	ck_assert_uint_eq(m.mode[1].n, 3);
	ck_assert_double_eq(m.mode[1].min, 22570);
	ck_assert_double_eq(m.mode[1].max, 22617);
	/* SSE 1300.5 + 3398/3 over 3 df: SD 28.5; gap 2248.5 = 79 SDs > K(5) = 16 */
	ck_assert_double_eq_tol(m.spread, sqrt((1300.5 + 3398.0 / 3) / 3), 1e-9);
	ck_assert_double_eq_tol(m.gap, 2248.5, 1e-9);
	ck_assert_double_eq(m.k, 16);

	ck_assert_int_eq(sb_modes(ten, N(ten), NAN, &m), 0);
	ck_assert(m.bimodal);
	ck_assert_uint_eq(m.mode[0].n, 5);
	ck_assert_double_eq(m.mode[0].median, 1000);
	ck_assert_double_eq(m.mode[1].median, 1100);

	ck_assert_int_eq(sb_modes(eight, N(eight), NAN, &m), 0);
	ck_assert(m.bimodal);
	ck_assert_uint_eq(m.mode[0].n, 8);
	ck_assert_uint_eq(m.mode[1].n, 2);
	ck_assert_double_eq(m.mode[1].median, 1101);

	/* No spread within either mode: any gap above the floor counts. */
	ck_assert_int_eq(sb_modes(two_values, N(two_values), NAN, &m), 0);
	ck_assert(m.bimodal);
	ck_assert_double_eq(m.spread, 0);
}
END_TEST

/* How many of `trials` samples of n draws from N(1000, sd) sb_modes flags. */
static size_t normal_flagged(gsl_rng *rng, size_t n, double sd, size_t trials)
{
	double x[64];
	size_t flagged = 0;
	struct sb_modes m;

	for (size_t t = 0; t < trials; t++) {
		for (size_t i = 0; i < n; i++)
			x[i] = 1000 + gsl_ran_gaussian(rng, sd);
		ck_assert_int_eq(sb_modes(x, n, NAN, &m), 0);
		ck_assert_uint_eq(m.count, m.bimodal ? 2 : 1);
		flagged += m.bimodal;
	}
	return flagged;
}

START_TEST(test_modes_unimodal_normal)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double x[30];
	struct sb_modes m;

	ck_assert_ptr_nonnull(rng);
	gsl_rng_set(rng, 1);
	/* One sample of 10 and one of 30, 5 % spread (the 0.5 % floor is far). */
	for (size_t n = 10; n <= 30; n += 20) {
		for (size_t i = 0; i < n; i++)
			x[i] = 1000 + gsl_ran_gaussian(rng, 50);
		ck_assert_int_eq(sb_modes(x, n, NAN, &m), 0);
		ck_assert(!m.bimodal);
		ck_assert_uint_eq(m.count, 1);
		ck_assert_uint_eq(m.mode[0].n, n);
		ck_assert_double_eq(m.mode[0].median, sb_median(x, n));
		ck_assert(m.gap > 0 && m.gap < m.k * m.spread);
	}
	/*
	 * The calibration in stats.h: normal samples are flagged 0.35 % of
	 * the time at n = 5, 0.07 % at 10, never at 30. Allow 1 %.
	 */
	ck_assert_uint_le(normal_flagged(rng, 5, 50, 2000), 20);
	ck_assert_uint_le(normal_flagged(rng, 10, 50, 2000), 20);
	ck_assert_uint_le(normal_flagged(rng, 30, 50, 2000), 20);
	gsl_rng_free(rng);
}
END_TEST

START_TEST(test_modes_icount_noise)
{
	/*
	 * vm-icount: 10,000 instructions +- 20. Even two tight clusters 40
	 * apart (many SDs) are below 0.5 % of the median: never bimodal.
	 */
	const double clusters[] = { 9980, 10020, 9981, 10019, 9980, 10020 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double x[30];
	struct sb_modes m;

	ck_assert_int_eq(sb_modes(clusters, N(clusters), NAN, &m), 0);
	ck_assert(m.gap > m.k * m.spread);
	ck_assert(!m.bimodal);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_ptr_nonnull(rng);
	gsl_rng_set(rng, 2);
	for (size_t t = 0; t < 1000; t++) {
		size_t n = t % 2 ? 5 : 30;

		for (size_t i = 0; i < n; i++)
			x[i] = 10000 + gsl_rng_uniform_int(rng, 41) - 20.0;
		ck_assert_int_eq(sb_modes(x, n, NAN, &m), 0);
		ck_assert(!m.bimodal);
	}
	gsl_rng_free(rng);
}
END_TEST

START_TEST(test_modes_constant_and_small)
{
	const double same[] = { 7, 7, 7, 7, 7 }, three[] = { 1, 100, 101 };
	struct sb_modes m;

	ck_assert_int_eq(sb_modes(same, N(same), NAN, &m), 0);
	ck_assert(!m.bimodal);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_double_eq(m.mode[0].median, 7);
	ck_assert_double_eq(m.mode[0].min, 7);
	ck_assert_double_eq(m.mode[0].max, 7);
	ck_assert_uint_eq(m.mode[0].n, 5);
	ck_assert_double_eq(m.gap, 0);
	/* Fewer than 4 values cannot make two modes of 2. */
	ck_assert_int_eq(sb_modes(three, N(three), NAN, &m), 0);
	ck_assert(!m.bimodal);
	ck_assert(isnan(m.gap));
	ck_assert_int_eq(sb_modes(NULL, 0, NAN, &m), 0);
	ck_assert_uint_eq(m.count, 0);
	/* ref sets the floor: 0.5 % of 1e6 is more than the review's gap. */
	ck_assert_int_eq(sb_modes(review, N(review), 1e6, &m), 0);
	ck_assert(!m.bimodal);
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
	ck_assert_int_eq(json_integer_value(json_object_get(o, "pairs")), 7);
	ck_assert(json_is_false(json_object_get(o, "bimodal")));
	ck_assert_int_eq(json_array_size(json_object_get(o, "modes")), 1);

	/*
	 * 100 d / base: 10, 10.89, 12.12, 9, 10.78, 11, 11: the median is the
	 * second repetition's 1100 / 101.
	 */
	o = json_object_get(st, "overhead_pct");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")), 1100.0 / 101,
				1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), SB_EST_OVERHEAD_PCT);
	ck_assert_int_eq(json_array_size(json_object_get(o, "ci95")), 2);

	/* Unimodal: one mode holding every sample. */
	ck_assert(json_is_false(json_object_get(st, "bimodal")));
	ck_assert_str_eq(json_string_value(json_object_get(st, "modes_estimator")), SB_EST_MODES);
	o = json_array_get(json_object_get(st, "modes"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(st, "modes")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "n")), 7);
	ck_assert_double_eq(json_real_value(json_object_get(o, "median")), 111);
	ck_assert_double_eq(json_real_value(json_object_get(o, "min")), 109);
	ck_assert_double_eq(json_real_value(json_object_get(o, "max")), 113);

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
	ck_assert_ptr_null(json_object_get(st, "overhead_pct"));
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

START_TEST(test_json_bimodal)
{
	/* `none` drifts with the backend: the differences are 2000 +- 1. */
	const double same_drift[] = { 18325, 20571, 18377, 22617 - 2001, 20600 };
	const double flat[] = { 18000, 18001, 17999, 18000, 18002 };
	json_t *w = json_array(), *st, *modes, *m;

	st = sb_stats_json(review, N(review), same_drift, N(same_drift), w);
	ck_assert_ptr_nonnull(st);
	ck_assert(json_is_true(json_object_get(st, "bimodal")));
	modes = json_object_get(st, "modes");
	ck_assert_int_eq(json_array_size(modes), 2);
	m = json_array_get(modes, 0);
	ck_assert_double_eq(json_real_value(json_object_get(m, "median")), 20351.5);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "n")), 2);
	ck_assert_double_eq(json_real_value(json_object_get(m, "min")), 20326);
	ck_assert_double_eq(json_real_value(json_object_get(m, "max")), 20377);
	m = json_array_get(modes, 1);
	ck_assert_double_eq(json_real_value(json_object_get(m, "median")), 22600);
	ck_assert_int_eq(json_integer_value(json_object_get(m, "n")), 3);
	ck_assert(has_warning(w, "bimodal repetitions: 2 at 20351.5 (20326..20377) and 3 at "
			      "22600 (22570..22617), 79 within-mode SDs apart"));
	ck_assert(has_warning(w, "the paired overhead stands"));
	ck_assert(!has_warning(w, "bimodal overhead"));
	m = json_object_get(st, "overhead");
	ck_assert(json_is_false(json_object_get(m, "bimodal")));
	ck_assert_int_eq(json_array_size(json_object_get(m, "modes")), 1);
	ck_assert_double_eq(json_real_value(json_object_get(m, "value")), 2000);
	json_decref(st);
	json_array_clear(w);

	/* A flat `none`: the differences are as bimodal as the samples. */
	st = sb_stats_json(review, N(review), flat, N(flat), w);
	ck_assert_ptr_nonnull(st);
	m = json_object_get(st, "overhead");
	ck_assert(json_is_true(json_object_get(m, "bimodal")));
	ck_assert_int_eq(json_array_size(json_object_get(m, "modes")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(m, "modes_estimator")), SB_EST_MODES);
	ck_assert(has_warning(w, "bimodal repetitions"));
	ck_assert(!has_warning(w, "the paired overhead stands"));
	ck_assert(has_warning(w, "bimodal overhead: the per-repetition differences"));
	json_decref(st);
	json_decref(w);
}
END_TEST

START_TEST(test_json_unequal_pairs)
{
	const double x[] = { 110, 112, 111, 109, 113, 111 };
	const double base[] = { 100, 101, 99, 100 };
	json_t *w = json_array(), *st;

	st = sb_stats_json(x, N(x), base, N(base), w);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(st, "overhead"),
							    "pairs")), 4);
	/* 10 11 12 9: median 10.5 */
	ck_assert_double_eq(json_real_value(json_object_get(json_object_get(st, "overhead"),
							    "value")), 10.5);
	ck_assert(has_warning(w, "6 samples but 4 baseline samples: the paired overhead uses "
			      "the first 4"));
	json_decref(st);
	json_decref(w);
}
END_TEST

START_TEST(test_json_unpaired)
{
	/* test_unpaired_hand's samples: five against four. */
	const double x[] = { 15, 11, 13, 12, 14 }, base[] = { 10, 8, 11, 9 };
	static const char *const paired_keys[] = { "value", "ci95", "estimator", "pairs",
						   "modes", "bimodal", "modes_estimator" };
	json_t *w = json_array(), *st, *o, *v;
	struct sb_paired u;
	const char *key;
	size_t k = 0;

	ck_assert_int_eq(sb_unpaired_overhead(x, N(x), base, N(base), &u), 0);
	st = sb_stats_json_unpaired(x, N(x), base, N(base), w);
	ck_assert_ptr_nonnull(st);
	o = json_object_get(st, "overhead");
	ck_assert_double_eq(json_real_value(json_object_get(o, "value")), 3.5);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")),
			 SB_EST_OVERHEAD_UNPAIRED);
	ck_assert(!strncmp(SB_EST_OVERHEAD_UNPAIRED, "unpaired: difference of medians", 31));
	ck_assert(strstr(SB_EST_OVERHEAD_UNPAIRED, "independent bootstrap"));
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(o, "ci95"), 0)),
			    u.diff_ci[0]);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(o, "ci95"), 1)),
			    u.diff_ci[1]);
	/* Nothing is paired: no pair count, no modes of per-repetition differences. */
	ck_assert(json_is_null(json_object_get(o, "pairs")));
	ck_assert_ptr_null(json_object_get(o, "modes"));
	ck_assert_ptr_null(json_object_get(o, "bimodal"));
	ck_assert_ptr_null(json_object_get(o, "modes_estimator"));
	o = json_object_get(st, "overhead_pct");
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "value")), 350.0 / 9.5, 1e-12);
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")),
			 SB_EST_OVERHEAD_PCT_UNPAIRED);
	ck_assert(!strncmp(SB_EST_OVERHEAD_PCT_UNPAIRED, "unpaired: difference of medians", 31));
	/* Every sample of both counts: unequal counts are no warning. */
	ck_assert(!has_warning(w, "baseline samples: the paired"));
	ck_assert(has_warning(w, "only 4 baseline samples"));
	json_decref(st);
	json_array_clear(w);

	/* The paired call on the same samples is what it was. */
	st = sb_stats_json(x, N(x), base, N(base), w);
	ck_assert_ptr_nonnull(st);
	o = json_object_get(st, "overhead");
	ck_assert_str_eq(json_string_value(json_object_get(o, "estimator")), SB_EST_OVERHEAD);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "pairs")), 4);
	/* 15-10 11-8 13-11 12-9: 5 3 2 3, median 3 */
	ck_assert_double_eq(json_real_value(json_object_get(o, "value")), 3);
	json_object_foreach(o, key, v) {
		ck_assert_uint_lt(k, N(paired_keys));
		ck_assert_str_eq(key, paired_keys[k]);
		k++;
	}
	ck_assert_uint_eq(k, N(paired_keys));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(st, "overhead_pct"),
							   "estimator")), SB_EST_OVERHEAD_PCT);
	ck_assert(has_warning(w, "5 samples but 4 baseline samples: the paired overhead uses "
			      "the first 4"));
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
	tcase_add_test(tc, test_paired_cancels_drift);
	tcase_add_test(tc, test_paired_pct);
	tcase_add_test(tc, test_unpaired_hand);
	tcase_add_test(tc, test_unpaired_degenerate);
	tcase_add_test(tc, test_unpaired_ignores_order);
	tcase_add_test(tc, test_modes_bimodal);
	tcase_add_test(tc, test_modes_unimodal_normal);
	tcase_add_test(tc, test_modes_icount_noise);
	tcase_add_test(tc, test_modes_constant_and_small);
	tcase_add_test(tc, test_first_rep_slow);
	tcase_add_test(tc, test_json_shape);
	tcase_add_test(tc, test_json_outlier_indices);
	tcase_add_test(tc, test_json_bimodal);
	tcase_add_test(tc, test_json_unequal_pairs);
	tcase_add_test(tc, test_json_unpaired);
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
