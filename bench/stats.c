// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics on GSL: see bench/stats.h for every estimator and rule.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "stats.h"

/* Copy and sort; NULL on n == 0 or ENOMEM. */
static double *sorted_copy(const double *x, size_t n)
{
	double *s;

	if (n == 0)
		return NULL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);
	return s;
}

double sb_median(const double *x, size_t n)
{
	double *s = sorted_copy(x, n);
	double m;

	if (!s)
		return NAN;
	m = gsl_stats_median_from_sorted_data(s, 1, n);
	free(s);
	return m;
}

double sb_mean(const double *x, size_t n)
{
	return n ? gsl_stats_mean(x, 1, n) : NAN;
}

double sb_stddev(const double *x, size_t n)
{
	return n >= 2 ? gsl_stats_sd(x, 1, n) : NAN;
}

double sb_mad(const double *x, size_t n)
{
	double *work, *copy, mad;

	if (n == 0)
		return NAN;
	work = malloc(n * sizeof(*work));
	copy = malloc(n * sizeof(*copy));
	if (!work || !copy) {
		free(work);
		free(copy);
		return NAN;
	}
	/* gsl_stats_mad0 is unscaled; it takes a non-const array. */
	memcpy(copy, x, n * sizeof(*copy));
	mad = gsl_stats_mad0(copy, 1, n, work);
	free(work);
	free(copy);
	return mad;
}

/* A gsl_rng_mt19937 seeded with SB_BOOT_SEED: every bootstrap draws the same stream. */
static gsl_rng *boot_rng(void)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (rng)
		gsl_rng_set(rng, SB_BOOT_SEED);
	return rng;
}

/* The 2.5 % and 97.5 % quantiles of the SB_BOOT_RESAMPLES values b (sorted in place). */
static void percentile_ci95(double *b, double ci[2])
{
	gsl_sort(b, 1, SB_BOOT_RESAMPLES);
	ci[0] = gsl_stats_quantile_from_sorted_data(b, 1, SB_BOOT_RESAMPLES, 0.025);
	ci[1] = gsl_stats_quantile_from_sorted_data(b, 1, SB_BOOT_RESAMPLES, 0.975);
}

/*
 * Percentile bootstrap of the medians of ncol columns of n rows: every
 * resample draws n rows with replacement (the same rows for every column, so
 * pairs stay pairs) from gsl_rng_mt19937 seeded with SB_BOOT_SEED. One column
 * draws exactly what the former single-sample bootstrap drew.
 */
static int bootstrap_ci95(const double *const *col, size_t ncol, size_t n, double (*ci)[2])
{
	double *boot = NULL, *scratch = NULL;
	gsl_rng *rng = NULL;
	int ret = -1;

	if (n == 0 || ncol == 0) {
		errno = EINVAL;
		return -1;
	}
	boot = malloc(ncol * SB_BOOT_RESAMPLES * sizeof(*boot));
	scratch = malloc(ncol * n * sizeof(*scratch));
	rng = boot_rng();
	if (!boot || !scratch || !rng) {
		errno = ENOMEM;
		goto cleanup;
	}
	for (size_t r = 0; r < SB_BOOT_RESAMPLES; r++) {
		for (size_t i = 0; i < n; i++) {
			size_t k = gsl_rng_uniform_int(rng, n);

			for (size_t c = 0; c < ncol; c++)
				scratch[c * n + i] = col[c][k];
		}
		for (size_t c = 0; c < ncol; c++) {
			gsl_sort(scratch + c * n, 1, n);
			boot[c * SB_BOOT_RESAMPLES + r] =
				gsl_stats_median_from_sorted_data(scratch + c * n, 1, n);
		}
	}
	for (size_t c = 0; c < ncol; c++)
		percentile_ci95(boot + c * SB_BOOT_RESAMPLES, ci[c]);
	ret = 0;
cleanup:
	gsl_rng_free(rng);
	free(boot);
	free(scratch);
	return ret;
}

int sb_median_ci95(const double *x, size_t n, double ci[2])
{
	const double *col[1] = { x };

	return bootstrap_ci95(col, 1, n, (double (*)[2])ci);
}

size_t sb_paired_diffs(const double *x, size_t n, const double *base, size_t nb, double *d)
{
	size_t m = n < nb ? n : nb;

	if (!x || !base)
		return 0;
	for (size_t i = 0; d && i < m; i++)
		d[i] = x[i] - base[i];
	return m;
}

int sb_paired_overhead(const double *x, size_t n, const double *base, size_t nb,
		       struct sb_paired *out)
{
	size_t m = sb_paired_diffs(x, n, base, nb, NULL);
	double *d, *pct, ci[2][2];
	bool rel = true;
	int ret = -1;

	out->pairs = m;
	out->diff = out->pct = NAN;
	out->diff_ci[0] = out->diff_ci[1] = out->pct_ci[0] = out->pct_ci[1] = NAN;
	if (m == 0) {
		errno = EINVAL;
		return -1;
	}
	d = malloc(m * sizeof(*d));
	pct = malloc(m * sizeof(*pct));
	if (!d || !pct) {
		errno = ENOMEM;
		goto cleanup;
	}
	sb_paired_diffs(x, n, base, nb, d);
	for (size_t i = 0; i < m; i++) {
		rel = rel && base[i] > 0;
		pct[i] = rel ? 100.0 * d[i] / base[i] : NAN;
	}
	{
		const double *col[2] = { d, pct };

		if (bootstrap_ci95(col, rel ? 2 : 1, m, ci))
			goto cleanup;
	}
	out->diff = sb_median(d, m);
	out->diff_ci[0] = ci[0][0];
	out->diff_ci[1] = ci[0][1];
	if (rel) {
		out->pct = sb_median(pct, m);
		out->pct_ci[0] = ci[1][0];
		out->pct_ci[1] = ci[1][1];
	}
	ret = 0;
cleanup:
	free(d);
	free(pct);
	return ret;
}

/*
 * Percentile bootstrap of median(x) - median(base) (ci[0]) and, when rel, of
 * 100 (median(x) - median(base)) / median(base) (ci[1]): every resample draws
 * n values of x, then nb values of base, each with replacement and
 * independently of the other, from gsl_rng_mt19937 seeded with SB_BOOT_SEED.
 */
static int bootstrap_unpaired_ci95(const double *x, size_t n, const double *base, size_t nb,
				   bool rel, double (*ci)[2])
{
	double *boot = malloc(2 * SB_BOOT_RESAMPLES * sizeof(*boot));
	double *rx = malloc(n * sizeof(*rx)), *rb = malloc(nb * sizeof(*rb));
	gsl_rng *rng = boot_rng();
	int ret = -1;

	if (!boot || !rx || !rb || !rng) {
		errno = ENOMEM;
		goto cleanup;
	}
	for (size_t r = 0; r < SB_BOOT_RESAMPLES; r++) {
		double mx, mb;

		for (size_t i = 0; i < n; i++)
			rx[i] = x[gsl_rng_uniform_int(rng, n)];
		for (size_t i = 0; i < nb; i++)
			rb[i] = base[gsl_rng_uniform_int(rng, nb)];
		gsl_sort(rx, 1, n);
		gsl_sort(rb, 1, nb);
		mx = gsl_stats_median_from_sorted_data(rx, 1, n);
		mb = gsl_stats_median_from_sorted_data(rb, 1, nb);
		boot[r] = mx - mb;
		boot[SB_BOOT_RESAMPLES + r] = rel ? 100.0 * (mx - mb) / mb : NAN;
	}
	percentile_ci95(boot, ci[0]);
	if (rel)
		percentile_ci95(boot + SB_BOOT_RESAMPLES, ci[1]);
	ret = 0;
cleanup:
	gsl_rng_free(rng);
	free(boot);
	free(rx);
	free(rb);
	return ret;
}

int sb_unpaired_overhead(const double *x, size_t n, const double *base, size_t nb,
			 struct sb_paired *out)
{
	double ci[2][2], mx, mb;
	bool rel = true;

	out->pairs = 0;
	out->diff = out->pct = NAN;
	out->diff_ci[0] = out->diff_ci[1] = out->pct_ci[0] = out->pct_ci[1] = NAN;
	if (!x || !base || n == 0 || nb == 0) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < nb; i++)
		rel = rel && base[i] > 0;
	if (bootstrap_unpaired_ci95(x, n, base, nb, rel, ci))
		return -1;
	mx = sb_median(x, n);
	mb = sb_median(base, nb);
	out->diff = mx - mb;
	out->diff_ci[0] = ci[0][0];
	out->diff_ci[1] = ci[0][1];
	if (rel) {
		out->pct = 100.0 * (mx - mb) / mb;
		out->pct_ci[0] = ci[1][0];
		out->pct_ci[1] = ci[1][1];
	}
	return 0;
}

/* {median, min, max, n} of the sorted values s[0..n). */
static struct sb_cluster mode_of(const double *s, size_t n)
{
	return (struct sb_cluster){ .median = gsl_stats_median_from_sorted_data(s, 1, n),
				    .min = s[0], .max = s[n - 1], .n = n };
}

int sb_modes(const double *x, size_t n, double ref, struct sb_modes *out)
{
	double *s, *pre, *pre2, best = INFINITY, mean;
	size_t split = 0;

	memset(out, 0, sizeof(*out));
	out->gap = out->spread = out->k = NAN;
	if (n == 0)
		return 0;
	s = sorted_copy(x, n);
	pre = calloc(n + 1, sizeof(*pre));
	pre2 = calloc(n + 1, sizeof(*pre2));
	if (!s || !pre || !pre2) {
		free(s);
		free(pre);
		free(pre2);
		errno = ENOMEM;
		return -1;
	}
	if (isnan(ref))
		ref = gsl_stats_median_from_sorted_data(s, 1, n);
	out->count = 1;
	out->mode[0] = mode_of(s, n);
	if (n >= 4) {
		/* Prefix sums of the centred values: SSE(a, b) = S2 - S1^2 / len. */
		mean = gsl_stats_mean(s, 1, n);
		for (size_t i = 0; i < n; i++) {
			pre[i + 1] = pre[i] + (s[i] - mean);
			pre2[i + 1] = pre2[i] + (s[i] - mean) * (s[i] - mean);
		}
		for (size_t k = 1; k < n; k++) {
			double l1 = pre[k], h1 = pre[n] - pre[k];
			double sse = pre2[k] - l1 * l1 / (double)k +
				     (pre2[n] - pre2[k]) - h1 * h1 / (double)(n - k);

			if (sse < best) {
				best = sse;
				split = k;
			}
		}
		out->gap = gsl_stats_median_from_sorted_data(s + split, 1, n - split) -
			   gsl_stats_median_from_sorted_data(s, 1, split);
		out->spread = sqrt(fmax(best, 0) / (double)(n - 2));
		out->k = fmax(8.0, 80.0 / (double)n);
		out->bimodal = split >= 2 && n - split >= 2 && out->gap > out->k * out->spread &&
			       out->gap > SB_BIMODAL_MIN_GAP * fabs(ref);
	}
	if (out->bimodal) {
		out->count = 2;
		out->mode[0] = mode_of(s, split);
		out->mode[1] = mode_of(s + split, n - split);
	}
	free(s);
	free(pre);
	free(pre2);
	return 0;
}

size_t sb_outliers(const double *x, size_t n, size_t *idx)
{
	double med, mad, scale, meanad = 0;
	size_t k = 0;

	if (n == 0)
		return 0;
	med = sb_median(x, n);
	mad = sb_mad(x, n);
	if (isnan(med) || isnan(mad))
		return 0;
	if (mad > 0) {
		scale = mad / 0.6745;
	} else {
		for (size_t i = 0; i < n; i++)
			meanad += fabs(x[i] - med);
		meanad /= (double)n;
		if (meanad == 0)
			return 0;	/* all values equal */
		scale = 1.253314 * meanad;
	}
	for (size_t i = 0; i < n; i++) {
		if (fabs(x[i] - med) / scale > SB_OUTLIER_Z) {
			if (idx)
				idx[k] = i;
			k++;
		}
	}
	return k;
}

bool sb_first_rep_slow(const double *x, size_t n)
{
	double m, mad;

	if (n < 3)
		return false;
	m = sb_median(x + 1, n - 1);
	mad = sb_mad(x + 1, n - 1);
	if (isnan(m) || isnan(mad))
		return false;
	return x[0] > m + 3 * 1.4826 * mad && x[0] > 1.05 * m;
}

double sb_welch_p(const double *a, size_t na, const double *b, size_t nb)
{
	double ma, mb, va, vb, sa, sb, t, df;

	if (na < 2 || nb < 2)
		return NAN;
	ma = gsl_stats_mean(a, 1, na);
	mb = gsl_stats_mean(b, 1, nb);
	va = gsl_stats_variance_m(a, 1, na, ma);
	vb = gsl_stats_variance_m(b, 1, nb, mb);
	sa = va / (double)na;
	sb = vb / (double)nb;
	if (sa + sb == 0)
		return ma == mb ? 1.0 : 0.0;
	t = (ma - mb) / sqrt(sa + sb);
	/* Welch-Satterthwaite degrees of freedom. */
	df = (sa + sb) * (sa + sb) /
	     (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
	return fmin(1.0, 2 * gsl_cdf_tdist_Q(fabs(t), df));
}

/* A JSON number, or null for NaN/inf (JSON has no NaN). */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int add_warning(json_t *warnings, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_warning(json_t *warnings, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!json_is_array(warnings))
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_array_append_new(warnings, json_string(buf));
}

/* {"value": v, "ci95": [lo, hi] (if ci), "estimator": est} */
static json_t *figure(double v, const double *ci, const char *est)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "value", num(v)))
		goto fail;
	if (ci && json_object_set_new(o, "ci95", json_pack("[oo]", num(ci[0]), num(ci[1]))))
		goto fail;
	if (json_object_set_new(o, "estimator", json_string(est)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* [{"median", "n", "min", "max"}, ...] */
static json_t *modes_json(const struct sb_modes *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->count; i++) {
		const struct sb_cluster *o = &m->mode[i];

		if (json_array_append_new(a, json_pack("{s:o, s:I, s:o, s:o}", "median",
						       num(o->median), "n", (json_int_t)o->n,
						       "min", num(o->min), "max", num(o->max)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Add "modes", "bimodal" and "modes_estimator" to o; -1 on ENOMEM. */
static int set_modes(json_t *o, const struct sb_modes *m)
{
	return json_object_set_new(o, "modes", modes_json(m)) ||
	       json_object_set_new(o, "bimodal", json_boolean(m->bimodal)) ||
	       json_object_set_new(o, "modes_estimator", json_string(SB_EST_MODES)) ? -1 : 0;
}

/* "2 at 20351.5 (20326..20377) and 3 at 22600 (22570..22617), 79 SDs apart" */
static void describe_modes(char *buf, size_t len, const struct sb_modes *m)
{
	const struct sb_cluster *lo = &m->mode[0], *hi = &m->mode[1];
	int k = snprintf(buf, len, "%zu at %.6g (%.6g..%.6g) and %zu at %.6g (%.6g..%.6g)",
			 lo->n, lo->median, lo->min, lo->max, hi->n, hi->median, hi->min,
			 hi->max);

	if (k < 0 || (size_t)k >= len)
		return;
	if (m->spread > 0)
		snprintf(buf + k, len - (size_t)k, ", %.3g within-mode SDs apart",
			 m->gap / m->spread);
	else
		snprintf(buf + k, len - (size_t)k, ", no spread within either");
}

/* sb_stats_json() (paired) and sb_stats_json_unpaired(). */
static json_t *stats_json(const double *x, size_t n, const double *base, size_t nb,
			  json_t *warnings, bool paired)
{
	const char *est = paired ? SB_EST_OVERHEAD : SB_EST_OVERHEAD_UNPAIRED;
	const char *est_pct = paired ? SB_EST_OVERHEAD_PCT : SB_EST_OVERHEAD_PCT_UNPAIRED;
	double ci[2] = { NAN, NAN }, *d = NULL;
	json_t *st = NULL, *out = NULL, *indices = NULL, *ov = NULL;
	size_t *idx = NULL, k = 0;
	const double *ciarg = NULL;
	struct sb_modes mx, md = { 0 };
	struct sb_paired p = { 0 };
	char desc[256];

	if (n && sb_median_ci95(x, n, ci) == 0)
		ciarg = ci;
	if (sb_modes(x, n, NAN, &mx))
		return NULL;
	if (n) {
		idx = malloc(n * sizeof(*idx));
		if (!idx)
			return NULL;
		k = sb_outliers(x, n, idx);
	}
	if (base && !paired) {
		if (sb_unpaired_overhead(x, n, base, nb, &p) && errno == ENOMEM)
			goto cleanup;
	} else if (base) {
		size_t m = sb_paired_diffs(x, n, base, nb, NULL);

		if (sb_paired_overhead(x, n, base, nb, &p) && errno == ENOMEM)
			goto cleanup;
		d = malloc((m ? m : 1) * sizeof(*d));
		if (!d)
			goto cleanup;
		sb_paired_diffs(x, n, base, nb, d);
		if (sb_modes(d, m, sb_median(x, n), &md))
			goto cleanup;
	}

	st = json_object();
	indices = json_array();
	if (!st || !indices)
		goto cleanup;
	for (size_t i = 0; i < k; i++)
		if (json_array_append_new(indices, json_integer((json_int_t)idx[i])))
			goto cleanup;

	if (json_object_set_new(st, "n", json_integer((json_int_t)n)) ||
	    json_object_set_new(st, "median", figure(sb_median(x, n), ciarg, SB_EST_MEDIAN)) ||
	    json_object_set_new(st, "mean", figure(sb_mean(x, n), NULL, SB_EST_MEAN)) ||
	    json_object_set_new(st, "stddev", figure(sb_stddev(x, n), NULL, SB_EST_STDDEV)) ||
	    set_modes(st, &mx))
		goto cleanup;
	if (base) {
		ov = figure(p.diff, isfinite(p.diff_ci[0]) ? p.diff_ci : NULL, est);
		if (!ov ||
		    json_object_set_new(ov, "pairs",
					paired ? json_integer((json_int_t)p.pairs) : json_null()) ||
		    (paired && set_modes(ov, &md)) ||
		    json_object_set_new(st, "overhead", json_incref(ov)) ||
		    json_object_set_new(st, "overhead_pct",
					figure(p.pct, isfinite(p.pct_ci[0]) ? p.pct_ci : NULL,
					       est_pct)))
			goto cleanup;
	}
	if (json_object_set_new(st, "outliers",
				json_pack("{s:I, s:O, s:s}", "count", (json_int_t)k,
					  "indices", indices, "estimator", SB_EST_OUTLIERS)))
		goto cleanup;

	if (n < SB_MIN_SAMPLES)
		add_warning(warnings, "only %zu samples (fewer than %d): the CI and outlier "
			    "detection are unreliable; run more repetitions", n, SB_MIN_SAMPLES);
	if (base && nb < SB_MIN_SAMPLES)
		add_warning(warnings, "only %zu baseline samples (fewer than %d): the "
			    "overhead CI is unreliable; run more repetitions", nb, SB_MIN_SAMPLES);
	if (base && paired && n != nb)
		add_warning(warnings, "%zu samples but %zu baseline samples: the paired "
			    "overhead uses the first %zu repetitions of each (an interrupted "
			    "repetition?)", n, nb, p.pairs);
	if (sb_first_rep_slow(x, n))
		add_warning(warnings, "first repetition slow (%.6g vs median of the rest "
			    "%.6g): caches or lazy setup not warmed; add a warm-up repetition",
			    x[0], sb_median(x + 1, n - 1));
	if (base && sb_first_rep_slow(base, nb))
		add_warning(warnings, "first baseline repetition slow (%.6g vs median of "
			    "the rest %.6g): add a warm-up repetition",
			    base[0], sb_median(base + 1, nb - 1));
	if (mx.bimodal) {
		describe_modes(desc, sizeof(desc), &mx);
		add_warning(warnings, "bimodal repetitions: %s: the median and its CI describe "
			    "neither mode (both are in stats.modes); find what differs between "
			    "the repetitions (CPU frequency, placement, a background task)%s", desc,
			    base && p.pairs >= 4 && !md.bimodal ?
			    "; the per-repetition differences from `none` are not bimodal, so "
			    "the paired overhead stands" : "");
	}
	if (md.bimodal) {
		describe_modes(desc, sizeof(desc), &md);
		add_warning(warnings, "bimodal overhead: the per-repetition differences from "
			    "`none` form two modes, %s: the overhead and its CI describe neither "
			    "(both are in stats.overhead.modes)", desc);
	}
	if (k)
		add_warning(warnings, "%zu statistical outlier%s (modified z-score > 3.5) "
			    "in %zu samples: the box may be noisy", k, k == 1 ? "" : "s", n);
	out = st;
	st = NULL;
cleanup:
	json_decref(ov);
	json_decref(indices);
	json_decref(st);
	free(idx);
	free(d);
	return out;
}

json_t *sb_stats_json(const double *x, size_t n, const double *base, size_t nb,
		      json_t *warnings)
{
	return stats_json(x, n, base, nb, warnings, true);
}

json_t *sb_stats_json_unpaired(const double *x, size_t n, const double *base, size_t nb,
			       json_t *warnings)
{
	return stats_json(x, n, base, nb, warnings, false);
}

const char *sb_verdict_name(enum sb_verdict v)
{
	switch (v) {
	case SB_VERDICT_SAME: return "same";
	case SB_VERDICT_REGRESSION: return "REGRESSION";
	case SB_VERDICT_IMPROVEMENT: return "improved";
	case SB_VERDICT_UNDECIDED: return "undecided";
	}
	return "?";
}

/*
 * Rounding slack in percent: 1.05 * x / x - 1 is not exactly 5 %, and "5 % slower"
 * must count as 5 %.
 */
#define PCT_EPS 1e-9

void sb_decide(const struct sb_decide_params *prm, double base_value,
	       const double *base, size_t nb, double new_value,
	       const double *new, size_t nn, struct sb_decision *out)
{
	double pct;

	out->verdict = SB_VERDICT_UNDECIDED;
	out->p = NAN;
	out->pct_change = NAN;
	if (!isfinite(base_value) || !isfinite(new_value)) {
		out->why = "value missing";
		return;
	}
	if (!prm->deterministic && base && new)
		out->p = sb_welch_p(base, nb, new, nn);
	if (new_value == base_value) {
		out->verdict = SB_VERDICT_SAME;
		out->pct_change = base_value != 0 ? 0 : NAN;
		out->why = "no change";
		return;
	}
	if (base_value > 0)
		out->pct_change = 100.0 * (new_value - base_value) / base_value;
	if (prm->noise_floor > 0 && fabs(new_value - base_value) < prm->noise_floor) {
		out->verdict = SB_VERDICT_SAME;
		out->why = "below noise floor";
		return;
	}
	if (!(base_value > 0)) {
		out->why = "base not > 0: no relative change";
		return;
	}
	pct = out->pct_change;

	if (prm->deterministic) {
		/*
		 * Instruction counts repeat where one thread runs alone; where a
		 * consumer shares the vCPU they wobble by the scheduling. Never
		 * gate tighter than three times the runs' own robust spread
		 * (1.4826 MAD / median: a slow first repetition does not count).
		 */
		double limit = prm->threshold_pct;

		if (base && nb >= 3 && sb_median(base, nb) > 0)
			limit = fmax(limit, 300.0 * 1.4826 * sb_mad(base, nb) / sb_median(base, nb));
		if (new && nn >= 3 && sb_median(new, nn) > 0)
			limit = fmax(limit, 300.0 * 1.4826 * sb_mad(new, nn) / sb_median(new, nn));
		if (pct > limit + PCT_EPS) {
			out->verdict = SB_VERDICT_REGRESSION;
			out->why = "above threshold";
		} else if (pct < -limit - PCT_EPS) {
			out->verdict = SB_VERDICT_IMPROVEMENT;
			out->why = "below -threshold";
		} else {
			out->verdict = SB_VERDICT_SAME;
			out->why = "within threshold";
		}
		return;
	}
	if (isnan(out->p)) {
		out->why = "fewer than 2 samples a side: no significance test";
		return;
	}
	if (out->p >= prm->alpha) {
		out->verdict = SB_VERDICT_SAME;
		out->why = "not significant";
	} else if (pct >= prm->min_effect_pct - PCT_EPS) {
		out->verdict = SB_VERDICT_REGRESSION;
		out->why = "significant, above min effect";
	} else if (pct <= -prm->min_effect_pct + PCT_EPS) {
		out->verdict = SB_VERDICT_IMPROVEMENT;
		out->why = "significant, below -min effect";
	} else {
		out->verdict = SB_VERDICT_SAME;
		out->why = "significant, below min effect";
	}
}

int sb_linear_fit(const double *x, const double *y, size_t n, double *slope,
		  double *intercept)
{
	double c0, c1, cov00, cov01, cov11, sumsq;

	if (n < 2 || gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) ||
	    !isfinite(c1))
		return -1;
	*slope = c1;
	*intercept = c0;
	return 0;
}
