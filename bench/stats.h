/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics: the one module every report and the regression check use,
 * built on GSL. Every figure it writes names its estimator.
 *
 * Estimators and rules:
 * - median: sample median (mean of the two middle values for even n).
 * - mean: arithmetic mean; stddev: sample standard deviation (n-1).
 * - 95 % CI of the median: percentile bootstrap, SB_BOOT_RESAMPLES
 *   resamples, gsl_rng_mt19937 seeded with SB_BOOT_SEED for every call, so
 *   the same data always gives the same interval.
 * - overhead, paired: the runner interleaves repetitions (in repetition i,
 *   `none` and every backend run once each, in a fresh random order), so
 *   x[i] and base[i] come from the same repetition and share its drift.
 *   With m = min(n, nb) pairs and d[i] = x[i] - base[i]:
 *     overhead     = median(d[0..m))
 *     overhead_pct = median(100 d[i] / base[i]) (undefined unless every
 *                    base[i] > 0)
 *   Their 95 % CIs are one percentile bootstrap that resamples repetitions
 *   (pairs) with replacement, SB_BOOT_RESAMPLES times, the same fixed seed.
 * - overhead, unpaired: for samples that were not interleaved (hyperfine
 *   runs each command's repetitions back to back), x[i] and base[i] share
 *   nothing but their index, so nothing is paired:
 *     overhead     = median(x) - median(base)
 *     overhead_pct = 100 (median(x) - median(base)) / median(base)
 *                    (undefined unless every base value > 0)
 *   Their 95 % CIs are one percentile bootstrap that resamples x and base
 *   independently, each with replacement (n from x, then nb from base, from
 *   the one gsl_rng_mt19937 stream), SB_BOOT_RESAMPLES times, the same seed.
 *   Every sample of both counts; drift between the two blocks of
 *   repetitions is in the figure and its CI does not account for it.
 * - modes (bimodal repetitions): the exact 1-D 2-means split of the sorted
 *   values (every split point scanned; the one with the least within-part
 *   sum of squares SSE, the first on ties) into a low and a high part. The
 *   values are bimodal when both parts hold >= 2 values and the gap between
 *   the parts' medians exceeds both
 *     K(n) = max(8, 80 / n) times the pooled within-part
 *       standard deviation sqrt(SSE / (n - 2)), and
 *     SB_BIMODAL_MIN_GAP (0.5 %) of |ref| (the run's median): so that
 *       vm-icount's tens of instructions on ~10,000 per op never count.
 *   The multiplier is calibrated by simulation (20,000 unimodal samples per
 *   n and shape: normal, uniform, lognormal sigma 0.5, exponential, Laplace,
 *   t with 3 df): at most 1.3 % of them are flagged for n <= 8, at most
 *   1.9 % (exponential, n = 9..12) up to n = 100, 2.4 % (t3) at n = 200;
 *   normal samples 0.35 % at n = 5, 0.07 % at n = 10, none at n >= 15.
 *   Two normal modes are flagged 80 % of the time from about 20 sigma apart
 *   at n = 5 and 10 sigma at n = 10..100; the review's 5 repetitions
 *   (20,326 20,377 | 22,570 22,600 22,617) are 79 SDs apart. A fixed 4 x
 *   the pooled MAD was tried first: it flagged 30-45 % of normal samples of
 *   n = 5..10 (a 2-means part of 2 or 3 values has a MAD near 0).
 *   Unimodal values are reported as one mode holding all of them.
 * - outliers: modified z-score (Iglewicz and Hoaglin)
 *   z = 0.6745 |x - median| / MAD > 3.5. When MAD = 0 (more than half the
 *   values equal) the mean absolute deviation stands in for it:
 *   z = |x - median| / (1.253314 MeanAD); when that is 0 too, all values are
 *   equal and there are no outliers.
 * - "first repetition slow": with n >= 3, let m and MAD be the median and MAD
 *   of the other repetitions; the first is slow when
 *   x[0] > m + 3 * 1.4826 * MAD  and  x[0] > 1.05 * m
 *   (more than three robust standard deviations above the rest, and at least
 *   5 % slower, so tiny deterministic differences do not warn).
 * - fewer than SB_MIN_SAMPLES samples: warning.
 * - Welch two-sample t-test, two-sided p-value (gsl_cdf_tdist_Q).
 *
 * Inputs with NaN are not supported. Functions taking (x, n) do not modify x.
 */
#ifndef SB_STATS_H
#define SB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define SB_BOOT_RESAMPLES 2000
#define SB_BOOT_SEED 20261125UL
#define SB_MIN_SAMPLES 5
#define SB_OUTLIER_Z 3.5

#define SB_EST_MEDIAN "sample median; 95% CI: percentile bootstrap, 2000 resamples"
#define SB_EST_MEAN "arithmetic mean"
#define SB_EST_STDDEV "sample standard deviation (n-1)"
#define SB_EST_OVERHEAD \
	"paired: median over repetitions of (backend - none in the same repetition); " \
	"95% CI: percentile bootstrap resampling repetitions (pairs), 2000 resamples"
#define SB_EST_OVERHEAD_PCT \
	"paired: median over repetitions of 100 * (backend - none) / none in the same " \
	"repetition, in %; 95% CI: the same bootstrap of pairs"
#define SB_EST_OVERHEAD_UNPAIRED \
	"unpaired: difference of medians, median(backend) - median(none) (repetitions not " \
	"interleaved); 95% CI: independent bootstrap (percentile; backend and none " \
	"resampled separately, each with replacement), 2000 resamples"
#define SB_EST_OVERHEAD_PCT_UNPAIRED \
	"unpaired: difference of medians relative to none, 100 * (median(backend) - " \
	"median(none)) / median(none), in %; 95% CI: the same independent bootstrap"
#define SB_EST_MODES \
	"exact 2-means split of the sorted values; bimodal when both parts have >= 2 " \
	"values and their medians differ by more than max(8, 80/n) pooled within-part " \
	"standard deviations and 0.5% of the run's median"
#define SB_EST_OUTLIERS "modified z-score (median/MAD) > 3.5"

#define SB_BIMODAL_MIN_GAP 0.005

/* NAN when n == 0 (n < 2 for the stddev). */
double sb_median(const double *x, size_t n);
double sb_mean(const double *x, size_t n);
double sb_stddev(const double *x, size_t n);
/* Median absolute deviation from the median (unscaled); NAN when n == 0. */
double sb_mad(const double *x, size_t n);

/* 95 % percentile-bootstrap CI of the median. -1 (errno set) on n == 0 or ENOMEM. */
int sb_median_ci95(const double *x, size_t n, double ci[2]);

/*
 * The per-repetition differences d[i] = x[i] - base[i] for i < min(n, nb),
 * written to d (room for min(n, nb); NULL to count); returns min(n, nb).
 */
size_t sb_paired_diffs(const double *x, size_t n, const double *base, size_t nb, double *d);

/* The paired overhead of x over base (the rule above). */
struct sb_paired {
	size_t pairs;		/* min(n, nb) */
	double diff;		/* median of x[i] - base[i] */
	double diff_ci[2];	/* its 95 % bootstrap CI */
	double pct;		/* median of 100 (x[i] - base[i]) / base[i]; NAN unless every base[i] > 0 */
	double pct_ci[2];	/* its 95 % CI (the same resamples); NAN with pct */
};
/* -1 (errno set) when there is no pair (EINVAL) or on ENOMEM. */
int sb_paired_overhead(const double *x, size_t n, const double *base, size_t nb,
		       struct sb_paired *out);
/*
 * The unpaired overhead of x over base (the rule above), in the same struct:
 * pairs is 0, diff is median(x) - median(base), pct is 100 diff /
 * median(base) (NAN unless every base value > 0). -1 (errno set) when
 * either side is empty (EINVAL) or on ENOMEM.
 */
int sb_unpaired_overhead(const double *x, size_t n, const double *base, size_t nb,
			 struct sb_paired *out);

/* Modes of a sample (the rule above). */
struct sb_cluster {
	double median, min, max;
	size_t n;
};
struct sb_modes {
	size_t count;		/* 0 (no values), 1, or 2 when bimodal */
	struct sb_cluster mode[2];	/* ascending; one holding every value unless bimodal */
	bool bimodal;
	/*
	 * The best 2-means split, also when not bimodal (NAN for n < 4):
	 * high part's median - low part's median, the pooled within-part
	 * standard deviation, and the multiplier K(n).
	 */
	double gap, spread, k;
};
/*
 * ref: the magnitude the 0.5 % floor is taken of (NAN: median(x)).
 * -1 (errno ENOMEM) on allocation failure.
 */
int sb_modes(const double *x, size_t n, double ref, struct sb_modes *out);

/*
 * Outliers by modified z-score. Writes the indices (ascending) to idx, which
 * has room for n entries, and returns how many; idx may be NULL to count.
 */
size_t sb_outliers(const double *x, size_t n, size_t *idx);

/* The "first repetition slow" rule above. */
bool sb_first_rep_slow(const double *x, size_t n);

/*
 * Welch's two-sample t-test, two-sided. Returns p in [0, 1], or NAN when
 * either side has fewer than 2 samples. Both variances 0: p = 1 if the means
 * are equal, else 0.
 */
double sb_welch_p(const double *a, size_t na, const double *b, size_t nb);

/*
 * Ordinary least squares y = intercept + slope * x (GSL gsl_fit_linear).
 * 0, or -1 with fewer than 2 points or x all equal.
 */
int sb_linear_fit(const double *x, const double *y, size_t n, double *slope,
		  double *intercept);

/*
 * The run's "stats" object (see bench/results.h), a new reference, or NULL
 * on allocation failure:
 * {"n", "median":{value,ci95,estimator}, "mean":{value,estimator},
 *  "stddev":{value,estimator},
 *  "modes":[{median,n,min,max}...], "bimodal":bool, "modes_estimator",
 *  "overhead":{value,ci95,estimator,pairs,
 *              modes:[...],bimodal,modes_estimator},
 *  "overhead_pct":{value,ci95,estimator},
 *  "outliers":{count,indices,estimator}}
 * "modes"/"bimodal" are those of x; inside "overhead", those of the
 * per-repetition differences (with the 0.5 % floor of median(x)): samples
 * that are bimodal because every program of some repetitions ran slower
 * cancel in the differences, and the paired overhead stands.
 * "overhead" and "overhead_pct" are left out when base is NULL. Undefined
 * figures (stddev of one sample, anything of zero samples, a relative
 * overhead over a baseline not > 0) are JSON null. Warnings (too few
 * samples, unequal sample counts, slow first repetition, bimodal samples or
 * differences, outliers) are appended to `warnings` as strings when it is a
 * JSON array.
 */
json_t *sb_stats_json(const double *x, size_t n, const double *base, size_t nb,
		      json_t *warnings);
/*
 * The same object with the unpaired overhead, for samples of x and base that
 * were not interleaved (hyperfine imports): "overhead" is
 * {value,ci95,estimator,"pairs":null} (SB_EST_OVERHEAD_UNPAIRED) without
 * modes (there are no per-repetition differences), "overhead_pct" carries
 * SB_EST_OVERHEAD_PCT_UNPAIRED, and unequal sample counts are no warning
 * (every sample of both counts). Everything else as sb_stats_json().
 */
json_t *sb_stats_json_unpaired(const double *x, size_t n, const double *base, size_t nb,
			       json_t *warnings);

/*
 * The regression decision used by `subtree-bench compare`. Lower is better
 * for every metric it is used on (time, instructions, counters per op).
 *
 * Deterministic boxes (vm-icount): regression when the new value is more
 * than the limit above the base value, improvement when more than the limit
 * below. The limit is threshold_pct, or three times either side's robust
 * spread (1.4826 MAD / median, with 3 or more samples) when that is larger:
 * a consumer sharing the vCPU makes some runs wobble with the scheduling.
 * Wall-clock boxes (host, vm): regression when Welch p < alpha AND the
 * change is >= +min_effect_pct, improvement when p < alpha AND <=
 * -min_effect_pct; without >= 2 samples a side no p can be computed and the
 * verdict is SB_VERDICT_UNDECIDED (reported, never a failure).
 * On both, first: equal values are SAME; |new - base| < noise_floor
 * (absolute, in the metric's unit; 0 for none) is SAME; a base value not
 * > 0 has no relative change (UNDECIDED).
 */
enum sb_verdict {
	SB_VERDICT_SAME,
	SB_VERDICT_REGRESSION,
	SB_VERDICT_IMPROVEMENT,
	SB_VERDICT_UNDECIDED,
};

struct sb_decide_params {
	bool deterministic;
	double threshold_pct;	/* deterministic: |%change| above this counts (1) */
	double alpha;		/* wall clock: significance level (0.05) */
	double min_effect_pct;	/* wall clock: smallest |%change| that counts (5) */
	double noise_floor;	/* absolute; 0: none */
};

struct sb_decision {
	enum sb_verdict verdict;
	double pct_change;	/* 100 (new - base) / base; NAN if undefined */
	double p;		/* Welch p; NAN if not computed */
	const char *why;	/* one short phrase: the rule that decided */
};

/*
 * base_value / new_value: the figures compared (e.g. medians);
 * base / new: their per-repetition samples (may be NULL with 0).
 */
void sb_decide(const struct sb_decide_params *prm, double base_value,
	       const double *base, size_t nb, double new_value,
	       const double *new, size_t nn, struct sb_decision *out);
const char *sb_verdict_name(enum sb_verdict v);

#endif
