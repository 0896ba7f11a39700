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

/* Median of n values drawn with replacement from x; scratch has room for n. */
static double resample_median(const gsl_rng *rng, const double *x, size_t n,
			      double *scratch)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = x[gsl_rng_uniform_int(rng, n)];
	gsl_sort(scratch, 1, n);
	return gsl_stats_median_from_sorted_data(scratch, 1, n);
}

/*
 * Percentile bootstrap of median(x) (base == NULL) or of
 * median(x) - median(base), with the fixed seed.
 */
static int bootstrap_ci95(const double *x, size_t n, const double *base, size_t nb,
			  double ci[2])
{
	double *boot = NULL, *sx = NULL, *sb = NULL;
	gsl_rng *rng = NULL;
	int ret = -1;

	if (n == 0 || (base && nb == 0)) {
		errno = EINVAL;
		return -1;
	}
	boot = malloc(SB_BOOT_RESAMPLES * sizeof(*boot));
	sx = malloc(n * sizeof(*sx));
	sb = base ? malloc(nb * sizeof(*sb)) : NULL;
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!boot || !sx || (base && !sb) || !rng) {
		errno = ENOMEM;
		goto cleanup;
	}
	gsl_rng_set(rng, SB_BOOT_SEED);
	for (size_t r = 0; r < SB_BOOT_RESAMPLES; r++) {
		boot[r] = resample_median(rng, x, n, sx);
		if (base)
			boot[r] -= resample_median(rng, base, nb, sb);
	}
	gsl_sort(boot, 1, SB_BOOT_RESAMPLES);
	ci[0] = gsl_stats_quantile_from_sorted_data(boot, 1, SB_BOOT_RESAMPLES, 0.025);
	ci[1] = gsl_stats_quantile_from_sorted_data(boot, 1, SB_BOOT_RESAMPLES, 0.975);
	ret = 0;
cleanup:
	gsl_rng_free(rng);
	free(boot);
	free(sx);
	free(sb);
	return ret;
}

int sb_median_ci95(const double *x, size_t n, double ci[2])
{
	return bootstrap_ci95(x, n, NULL, 0, ci);
}

int sb_overhead_ci95(const double *x, size_t n, const double *base, size_t nb,
		     double ci[2])
{
	if (!base) {
		errno = EINVAL;
		return -1;
	}
	return bootstrap_ci95(x, n, base, nb, ci);
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
	char buf[256];
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

json_t *sb_stats_json(const double *x, size_t n, const double *base, size_t nb,
		      json_t *warnings)
{
	double ci[2] = { NAN, NAN }, oci[2] = { NAN, NAN };
	json_t *st = NULL, *out = NULL, *indices = NULL;
	size_t *idx = NULL, k = 0;
	const double *ciarg = NULL, *ociarg = NULL;

	if (n && sb_median_ci95(x, n, ci) == 0)
		ciarg = ci;
	if (n) {
		idx = malloc(n * sizeof(*idx));
		if (!idx)
			return NULL;
		k = sb_outliers(x, n, idx);
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
	    json_object_set_new(st, "stddev", figure(sb_stddev(x, n), NULL, SB_EST_STDDEV)))
		goto cleanup;
	if (base) {
		double ov = sb_median(x, n) - sb_median(base, nb);

		if (n && nb && sb_overhead_ci95(x, n, base, nb, oci) == 0)
			ociarg = oci;
		if (json_object_set_new(st, "overhead", figure(ov, ociarg, SB_EST_OVERHEAD)))
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
	if (sb_first_rep_slow(x, n))
		add_warning(warnings, "first repetition slow (%.6g vs median of the rest "
			    "%.6g): caches or lazy setup not warmed; add a warm-up repetition",
			    x[0], sb_median(x + 1, n - 1));
	if (base && sb_first_rep_slow(base, nb))
		add_warning(warnings, "first baseline repetition slow (%.6g vs median of "
			    "the rest %.6g): add a warm-up repetition",
			    base[0], sb_median(base + 1, nb - 1));
	if (k)
		add_warning(warnings, "%zu statistical outlier%s (modified z-score > 3.5) "
			    "in %zu samples: the box may be noisy", k, k == 1 ? "" : "s", n);
	out = st;
	st = NULL;
cleanup:
	json_decref(indices);
	json_decref(st);
	free(idx);
	return out;
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
