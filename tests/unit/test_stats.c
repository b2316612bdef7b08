/* Unit tests of engine/figures/stats.c and engine/figures/numfmt.c: delay statistics from
 * histograms (against GSL on the expanded data), Kaplan–Meier (hand-worked cases and R's
 * survival::survfit on the aml data), Wilson and Clopper–Pearson intervals (R references
 * and an independent binomial tail computation), the projection of §6 (closed-form OLS
 * computed here in long double), and the locale-free number formatters. */
#include <fcntl.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "spie/numfmt.h"
#include "spie/stats.h"
#include "testutil.h"

/* |a - b| <= rel * max(|a|, |b|), or both within abs_floor of each other. */
static bool close_rel(double a, double b, double rel, double abs_floor)
{
    const double d = fabs(a - b);
    return d <= abs_floor || d <= rel * fmax(fabs(a), fabs(b));
}

#define assert_close(a, b, rel)                                                            \
    do {                                                                                   \
        const double a_ = (a), b_ = (b);                                                   \
        if (!close_rel(a_, b_, (rel), 0.0))                                                \
            fail_msg("%s = %.17g, expected %.17g (rel %g)", #a, a_, b_, (double)(rel));    \
    } while (0)

#define assert_double_eq(a, b)                                                             \
    do {                                                                                   \
        const double a_ = (a), b_ = (b);                                                   \
        if (!(a_ == b_))                                                                   \
            fail_msg("%s = %.17g, expected exactly %.17g", #a, a_, b_);                    \
    } while (0)

/* splitmix64: a deterministic generator for the randomised comparisons. */
static uint64_t rng_state = 0x5EED5EED12345678ULL;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static uint64_t rng_below(uint64_t m)
{
    return rng_next() % m;
}

/* ---- delays ------------------------------------------------------------------------ */

/* Delays 1..10, once each. R: quantile(1:10, c(.25, .5, .75, .9)) = 3.25 5.50 7.75 9.10;
 * mean(1:10) = 5.5; sd(1:10) = 3.02765 = sqrt(55/6). */
static void test_delay_one_to_ten(void **state)
{
    (void)state;
    uint64_t h[11] = { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    spie_delay_stats s;

    assert_int_equal(spie_delay_stats_compute(h, 11, &s), SPIE_STAT_OK);
    assert_int_equal(s.n, 10);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.max, 10);
    assert_double_eq(s.mean, 5.5);
    assert_true(s.has_sd);
    assert_close(s.sd, sqrt(55.0 / 6.0), 1e-15);
    assert_close(s.sd, 3.0276503540974917, 1e-15);
    assert_double_eq(s.p25, 3.25);
    assert_double_eq(s.median, 5.5);
    assert_double_eq(s.p75, 7.75);
    assert_close(s.p90, 9.1, 1e-15);

    /* And bit-identical to GSL on the sorted data. */
    const double d[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    assert_double_eq(s.p90, gsl_stats_quantile_from_sorted_data(d, 1, 10, 0.9));
    assert_double_eq(s.p25, gsl_stats_quantile_from_sorted_data(d, 1, 10, 0.25));
}

/* Delays 1 and 3: P90 = (1 - 0.9) * 1 + 0.9 * 3 = 2.8000000000000003 in GSL's order of
 * operations; 1 + 0.9 * (3 - 1) would give 2.7999999999999998 (and R, whose h is
 * (1 + 0.9) - 1, the latter). The contract is GSL's. */
static void test_delay_gsl_rounding(void **state)
{
    (void)state;
    uint64_t h[4] = { 0, 1, 0, 1 };
    const double d[2] = { 1, 3 };
    spie_delay_stats s;

    assert_int_equal(spie_delay_stats_compute(h, 4, &s), SPIE_STAT_OK);
    assert_double_eq(s.p90, gsl_stats_quantile_from_sorted_data(d, 1, 2, 0.9));
    assert_double_eq(s.p90, 2.8000000000000003);
    assert_double_eq(s.median, 2.0);
    assert_close(s.sd, sqrt(2.0), 1e-15);
}

/* Sorted data 0 0 0 10 (R: quantile(c(0,0,0,10), .75) = 2.5, .9 -> 7). */
static void test_delay_ties_and_gap(void **state)
{
    (void)state;
    uint64_t h[11] = { 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    spie_delay_stats s;

    assert_int_equal(spie_delay_stats_compute(h, 11, &s), SPIE_STAT_OK);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.min, 0);
    assert_int_equal(s.max, 10);
    assert_double_eq(s.mean, 2.5);
    assert_close(s.sd, 5.0, 1e-15); /* deviations -2.5 x3, 7.5: 75 / 3 = 25 */
    assert_double_eq(s.p25, 0.0);
    assert_double_eq(s.median, 0.0);
    assert_double_eq(s.p75, 2.5);
    assert_close(s.p90, 7.0, 1e-15);
}

static void test_delay_single_and_empty(void **state)
{
    (void)state;
    uint64_t h[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    uint64_t zero[5] = { 0 };
    spie_delay_stats s;

    /* One delay of 7 days: everything is 7, the deviation is nd (§9). */
    assert_int_equal(spie_delay_stats_compute(h, 8, &s), SPIE_STAT_OK);
    assert_int_equal(s.n, 1);
    assert_double_eq(s.mean, 7.0);
    assert_int_equal(s.min, 7);
    assert_int_equal(s.max, 7);
    assert_double_eq(s.p25, 7.0);
    assert_double_eq(s.median, 7.0);
    assert_double_eq(s.p90, 7.0);
    assert_false(s.has_sd);
    assert_double_eq(s.sd, 0.0);

    /* No completed delay: not available, everything zeroed. */
    assert_int_equal(spie_delay_stats_compute(zero, 5, &s), SPIE_STAT_NA);
    assert_int_equal(s.n, 0);
    assert_false(s.has_sd);
    assert_double_eq(s.mean, 0.0);
    assert_int_equal(spie_delay_stats_compute(NULL, 0, &s), SPIE_STAT_NA);
    assert_int_equal(spie_delay_stats_compute(NULL, 3, &s), SPIE_STAT_E_ARG);

    double q = -1.0;
    assert_int_equal(spie_hist_quantile(zero, 5, 0.5, &q), SPIE_STAT_NA);
    assert_double_eq(q, -1.0);
}

static void test_delay_overflow(void **state)
{
    (void)state;
    uint64_t h[3] = { UINT64_MAX, 1, 0 };
    uint64_t big[4] = { 0, 0, 0, UINT64_MAX / 2 }; /* n fits, 3 * n does not */
    spie_delay_stats s;

    assert_int_equal(spie_delay_stats_compute(h, 3, &s), SPIE_STAT_E_OVERFLOW);
    assert_int_equal(spie_delay_stats_compute(big, 4, &s), SPIE_STAT_E_OVERFLOW);
    double q;
    assert_int_equal(spie_hist_quantile(h, 3, 0.5, &q), SPIE_STAT_E_OVERFLOW);
}

static void test_hist_quantile_bounds(void **state)
{
    (void)state;
    uint64_t h[6] = { 0, 2, 0, 1, 0, 4 }; /* 1 1 3 5 5 5 5 */
    double q;

    assert_int_equal(spie_hist_quantile(h, 6, 0.0, &q), SPIE_STAT_OK);
    assert_double_eq(q, 1.0);
    assert_int_equal(spie_hist_quantile(h, 6, 1.0, &q), SPIE_STAT_OK);
    assert_double_eq(q, 5.0);
    /* index = 0.5 * 6 = 3 -> x[3] = 5; R: quantile(c(1,1,3,5,5,5,5), .5) = 5 */
    assert_int_equal(spie_hist_quantile(h, 6, 0.5, &q), SPIE_STAT_OK);
    assert_double_eq(q, 5.0);
    /* f = 0.3: index 0.3 * 6 = 1.8 -> 0.2 * x[1] + 0.8 * x[2] = 0.2 + 2.4 = 2.6 */
    assert_int_equal(spie_hist_quantile(h, 6, 0.3, &q), SPIE_STAT_OK);
    assert_close(q, 2.6, 1e-15);
    assert_int_equal(spie_hist_quantile(h, 6, -0.01, &q), SPIE_STAT_E_ARG);
    assert_int_equal(spie_hist_quantile(h, 6, 1.01, &q), SPIE_STAT_E_ARG);
    assert_int_equal(spie_hist_quantile(h, 6, NAN, &q), SPIE_STAT_E_ARG);
}

/* Many random histograms: quantiles bit-identical to gsl_stats_quantile_from_sorted_data
 * on the expanded sorted data; mean and sd within 1e-12 relative of gsl_stats_mean and
 * gsl_stats_sd (ours are the exact-sum mean and a long double two-pass deviation). */
static void test_delay_random_matches_gsl(void **state)
{
    (void)state;
    enum { MAXLEN = 400, MAXN = 30000 };
    uint64_t *h = calloc(MAXLEN, sizeof *h);
    double *data = malloc(MAXN * sizeof *data);
    const double fs[] = { 0.0, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9, 0.95, 0.99, 1.0 };
    assert_non_null(h);
    assert_non_null(data);

    for (int trial = 0; trial < 3000; trial++) {
        const size_t len = 1 + (size_t)rng_below(MAXLEN);
        const int shape = (int)rng_below(6);
        memset(h, 0, MAXLEN * sizeof *h);
        uint64_t n = 0;
        for (size_t d = 0; d < len && n < MAXN - 1000; d++) {
            uint64_t c = 0;
            switch (shape) {
            case 0: c = rng_below(4); break;                             /* dense, small */
            case 1: c = rng_below(20) == 0 ? 1 + rng_below(50) : 0; break; /* sparse */
            case 2: c = rng_below(60) == 0 ? 1 + rng_below(900) : 0; break; /* few, large */
            case 3: c = d == len - 1 || d == 0 ? 1 + rng_below(3) : 0; break; /* two ends */
            case 4: c = d > 0 && rng_below(len) < 3 ? 1 : 0; break;      /* n ~ 3, no 0 */
            default: c = rng_below(3) == 0 ? rng_below(40) : 0; break;
            }
            h[d] = c;
            n += c;
        }
        if (n == 0)
            h[rng_below(len)] = n = 1;

        size_t k = 0;
        for (size_t d = 0; d < len; d++)
            for (uint64_t c = 0; c < h[d]; c++)
                data[k++] = (double)d;
        assert_int_equal(k, n);

        spie_delay_stats s;
        assert_int_equal(spie_delay_stats_compute(h, len, &s), SPIE_STAT_OK);
        assert_int_equal(s.n, n);
        assert_double_eq((double)s.min, data[0]);
        assert_double_eq((double)s.max, data[n - 1]);
        assert_double_eq(s.p25, gsl_stats_quantile_from_sorted_data(data, 1, n, 0.25));
        assert_double_eq(s.median, gsl_stats_quantile_from_sorted_data(data, 1, n, 0.5));
        assert_double_eq(s.p75, gsl_stats_quantile_from_sorted_data(data, 1, n, 0.75));
        assert_double_eq(s.p90, gsl_stats_quantile_from_sorted_data(data, 1, n, 0.9));
        for (size_t i = 0; i < SPIE_ARRAY_LEN(fs); i++) {
            double q;
            assert_int_equal(spie_hist_quantile(h, len, fs[i], &q), SPIE_STAT_OK);
            assert_double_eq(q, gsl_stats_quantile_from_sorted_data(data, 1, n, fs[i]));
        }
        const double gmean = gsl_stats_mean(data, 1, n);
        if (!close_rel(s.mean, gmean, 1e-12, 1e-300))
            fail_msg("trial %d: mean %.17g, gsl %.17g", trial, s.mean, gmean);
        if (n >= 2) {
            const double gsd = gsl_stats_sd(data, 1, n);
            assert_true(s.has_sd);
            /* An sd of 0 (all equal) against GSL's rounding noise: absolute floor. */
            if (!close_rel(s.sd, gsd, 1e-12, 1e-12 * (1.0 + s.mean)))
                fail_msg("trial %d: sd %.17g, gsl %.17g", trial, s.sd, gsd);
        } else {
            assert_false(s.has_sd);
        }
    }
    free(data);
    free(h);
}

/* Counts far too large to expand: positions are found by walking the histogram.
 * 10^12 delays of 3 days and 10^12 of 8 days: median index 0.5 * (2e12 - 1) =
 * 999999999999.5 -> x[999999999999] = 3 and x[10^12] = 8 -> 0.5 * 3 + 0.5 * 8 = 5.5. */
static void test_delay_large_counts(void **state)
{
    (void)state;
    uint64_t h[9] = { 0 };
    h[3] = 1000000000000ULL;
    h[8] = 1000000000000ULL;
    spie_delay_stats s;

    assert_int_equal(spie_delay_stats_compute(h, 9, &s), SPIE_STAT_OK);
    assert_int_equal(s.n, 2000000000000ULL);
    assert_double_eq(s.mean, 5.5);
    assert_double_eq(s.median, 5.5);
    assert_double_eq(s.p25, 3.0);
    assert_double_eq(s.p75, 8.0);
    /* sd = 2.5 * sqrt(n / (n - 1)) */
    assert_close(s.sd, 2.5 * sqrt(2e12 / (2e12 - 1)), 1e-15);
}

/* ---- Kaplan–Meier ------------------------------------------------------------------ */

#define KM_LEN 200

typedef struct km_data {
    uint64_t ev[KM_LEN];
    uint64_t ce[KM_LEN];
} km_data;

static void km_clear(km_data *k)
{
    memset(k, 0, sizeof *k);
}

static double km_s(const km_data *k, uint64_t t)
{
    double s = -1.0;
    assert_int_equal(spie_km_survival(k->ev, k->ce, KM_LEN, t, &s), SPIE_STAT_OK);
    return s;
}

static spie_km_summary km_sum(const km_data *k)
{
    spie_km_summary sm;
    assert_int_equal(spie_km_summarise(k->ev, k->ce, KM_LEN, &sm), SPIE_STAT_OK);
    return sm;
}

/* 4 persons: events at 10, 10 and 20, censored at 30.
 *   t = 10: n = 4, d = 2 -> S = 2/4 = 0.5 exactly (the plateau)
 *   t = 20: n = 2, d = 1 -> S = 0.25
 * Median: S = 0.5 on [10, 20), next event 20 -> (10 + 20) / 2 = 15.
 * R: survfit(Surv(c(10,10,20,30), c(1,1,1,0)) ~ 1) prints median 15. */
static void test_km_plateau_midpoint(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[10] = 2;
    k.ev[20] = 1;
    k.ce[30] = 1;

    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.n, 4);
    assert_int_equal(sm.n_events, 3);
    assert_int_equal(sm.n_censored, 1);
    assert_true(sm.has_last);
    assert_int_equal(sm.last_time, 30);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 15.0);
    assert_double_eq(km_s(&k, 9), 1.0);
    assert_double_eq(km_s(&k, 10), 0.5);
    assert_double_eq(km_s(&k, 19), 0.5);
    assert_double_eq(km_s(&k, 20), 0.25);
    assert_double_eq(km_s(&k, 30), 0.25);
    double ci;
    assert_int_equal(spie_km_incidence(k.ev, k.ce, KM_LEN, 20, &ci), SPIE_STAT_OK);
    assert_double_eq(ci, 0.75);
    /* Beyond the largest observed time the curve is nd (§9). */
    assert_int_equal(spie_km_incidence(k.ev, k.ce, KM_LEN, 31, &ci), SPIE_STAT_NA);
}

/* 4 persons: event at 10, event at 20, event at 30, censored at 40.
 *   S(10) = 3/4 = 0.75; S(20) = 0.75 * 2/3 = 0.5; S(30) = 0.5 * 1/2 = 0.25.
 * Median (20 + 30) / 2 = 25 (R: survfit(Surv(c(10,20,30,40), c(1,1,1,0)) ~ 1): 25).
 * Without the event at 30 (censored at 30 instead) S stays at 0.5 to the end: not
 * reached (§3; R's print() says 20, its quantile() NA: the spec's chosen case). */
static void test_km_plateau_to_end(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[10] = 1;
    k.ev[20] = 1;
    k.ev[30] = 1;
    k.ce[40] = 1;

    assert_double_eq(km_s(&k, 10), 0.75);
    assert_close(km_s(&k, 20), 0.5, 1e-15);
    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 25.0);

    k.ev[30] = 0;
    k.ce[30] = 1;
    sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_NOT_REACHED);
    assert_double_eq(sm.median, 0.0);
    assert_int_equal(sm.last_time, 40);
}

/* Events before censorings at equal times. 5 persons: event 5; event 8 and censored 8;
 * event 12; censored 15.
 *   t = 5:  n = 5, d = 1 -> 0.8
 *   t = 8:  n = 4 (the person censored at 8 is still at risk), d = 1 -> 0.8 * 3/4 = 0.6
 *           (censorings first would give n = 3 and 0.8 * 2/3 = 0.5333)
 *   t = 12: n = 2, d = 1 -> 0.3; median 12.
 * R: survfit(Surv(c(5,8,8,12,15), c(1,1,0,1,0)) ~ 1): surv 0.8 0.6 0.3, median 12. */
static void test_km_ties_events_first(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[5] = 1;
    k.ev[8] = 1;
    k.ce[8] = 1;
    k.ev[12] = 1;
    k.ce[15] = 1;

    assert_close(km_s(&k, 5), 0.8, 1e-15);
    assert_close(km_s(&k, 8), 0.6, 1e-15);
    assert_close(km_s(&k, 11), 0.6, 1e-15);
    assert_close(km_s(&k, 12), 0.3, 1e-15);
    assert_close(km_s(&k, 15), 0.3, 1e-15);
    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 12.0);
    assert_int_equal(sm.last_time, 15);
    double s;
    assert_int_equal(spie_km_survival(k.ev, k.ce, KM_LEN, 16, &s), SPIE_STAT_NA);
}

/* A censoring at the time of an event decides the median. 4 persons: event 1; event 2
 * and censored 2; event 5.
 *   S(1) = 3/4; S(2) = 3/4 * 2/3 = 0.5 (n = 3: the censored person is at risk at 2);
 *   S(5) = 0 -> median (2 + 5) / 2 = 3.5.
 * Censorings first would give n = 2 at t = 2, S = 0.375 and a median of 2.
 * R: survfit(Surv(c(1,2,2,5), c(1,1,0,1)) ~ 1) prints median 3.5. */
static void test_km_censored_with_event(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[1] = 1;
    k.ev[2] = 1;
    k.ce[2] = 1;
    k.ev[5] = 1;

    assert_close(km_s(&k, 2), 0.5, 1e-15);
    assert_double_eq(km_s(&k, 5), 0.0);
    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 3.5);
}

/* The floating-point plateau of §3. 12 persons: 1 event at 3, 5 events at 7, the 6 others
 * censored at 20: S(7) = (11/12) * (6/11) = 0.49999999999999994 in double, which an exact
 * "< 0.5" would take as the median (7). Within the 1e-9 tolerance it is the 0.5 plateau,
 * and with no later event the median is not reached. With one of the 6 having an event at
 * 11 instead: S(11) = 0.5 * 5/6, median (7 + 11) / 2 = 9. */
static void test_km_tolerance(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[3] = 1;
    k.ev[7] = 5;
    k.ce[20] = 6;

    const double s7 = km_s(&k, 7);
    assert_double_eq(s7, (11.0 / 12.0) * (6.0 / 11.0));
    assert_double_eq(s7, 0.49999999999999994);
    assert_true(s7 < 0.5);
    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_NOT_REACHED);

    k.ce[20] = 5;
    k.ev[11] = 1;
    sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 9.0);
    assert_close(km_s(&k, 11), 0.5 * 5.0 / 6.0, 1e-15);
}

/* All censored: S = 1 everywhere, median not reached, incidence 0. */
static void test_km_all_censored(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ce[5] = 2;
    k.ce[9] = 1;

    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.n, 3);
    assert_int_equal(sm.n_events, 0);
    assert_int_equal(sm.median_status, SPIE_STAT_NOT_REACHED);
    assert_int_equal(sm.last_time, 9);
    assert_double_eq(km_s(&k, 0), 1.0);
    assert_double_eq(km_s(&k, 9), 1.0);
    double ci;
    assert_int_equal(spie_km_incidence(k.ev, k.ce, KM_LEN, 9, &ci), SPIE_STAT_OK);
    assert_double_eq(ci, 0.0);
}

/* Everyone has the event on day 0: S(0) = 0, median 0, incidence 1. */
static void test_km_all_events_day0(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    k.ev[0] = 3;

    spie_km_summary sm = km_sum(&k);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 0.0);
    assert_int_equal(sm.last_time, 0);
    double ci;
    assert_int_equal(spie_km_incidence(k.ev, k.ce, KM_LEN, 0, &ci), SPIE_STAT_OK);
    assert_double_eq(ci, 1.0);
}

static void test_km_empty(void **state)
{
    (void)state;
    km_data k;
    km_clear(&k);
    spie_km_summary sm;
    double s = -1.0;

    assert_int_equal(spie_km_summarise(k.ev, k.ce, KM_LEN, &sm), SPIE_STAT_OK);
    assert_int_equal(sm.n, 0);
    assert_false(sm.has_last);
    assert_int_equal(sm.median_status, SPIE_STAT_NA);
    assert_int_equal(spie_km_survival(k.ev, k.ce, KM_LEN, 0, &s), SPIE_STAT_NA);
    assert_double_eq(s, -1.0);
    assert_int_equal(spie_km_summarise(NULL, NULL, 0, &sm), SPIE_STAT_OK);
    assert_int_equal(sm.median_status, SPIE_STAT_NA);
    assert_int_equal(spie_km_survival(NULL, NULL, 0, 0, &s), SPIE_STAT_NA);
    assert_int_equal(spie_km_summarise(NULL, k.ce, 3, &sm), SPIE_STAT_E_ARG);

    uint64_t ev[2] = { UINT64_MAX, 0 }, ce[2] = { 0, 1 };
    assert_int_equal(spie_km_summarise(ev, ce, 2, &sm), SPIE_STAT_E_OVERFLOW);
    assert_int_equal(spie_km_survival(ev, ce, 2, 0, &s), SPIE_STAT_E_OVERFLOW);
}

/* R's survival package, data aml (acute myelogenous leukemia, Miller 1981):
 *
 *   > library(survival)
 *   > fit <- survfit(Surv(time, status) ~ x, data = aml); fit
 *                    n events median 0.95LCL 0.95UCL
 *   x=Maintained    11      7     31      18      NA
 *   x=Nonmaintained 12     11     23       8      NA
 *   > summary(fit)$surv
 *   Maintained:    0.909 0.818 0.716 0.614 0.491 0.368 0.184     (t = 9 13 18 23 31 34 48)
 *   Nonmaintained: 0.8333 0.6667 0.5833 0.4861 0.3889 0.2917 0.1944 0.0972 0
 *                  (t = 5 8 12 23 27 30 33 43 45)
 *
 * Maintained: 9 13 13+ 18 23 28+ 31 34 45+ 48 161+. By hand: S(9) = 10/11,
 * S(13) = 9/11, S(18) = 9/11 * 7/8 = 63/88, S(23) = 54/88, S(31) = 54/88 * 4/5 = 0.490909
 * (first < 0.5: median 31), S(34) = 0.368182, S(48) = 0.184091.
 * Nonmaintained: 5 5 8 8 12 16+ 23 27 30 33 43 45. S(5) = 10/12, S(8) = 8/12,
 * S(12) = 7/12, S(23) = 7/12 * 5/6 = 0.486111 (median 23), ..., S(45) = 0. */
static void test_km_aml_matches_r(void **state)
{
    (void)state;
    km_data m, u;
    km_clear(&m);
    km_clear(&u);
    const int m_ev[] = { 9, 13, 18, 23, 31, 34, 48 }, m_ce[] = { 13, 28, 45, 161 };
    const int u_ev[] = { 5, 5, 8, 8, 12, 23, 27, 30, 33, 43, 45 }, u_ce[] = { 16 };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(m_ev); i++)
        m.ev[m_ev[i]]++;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(m_ce); i++)
        m.ce[m_ce[i]]++;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(u_ev); i++)
        u.ev[u_ev[i]]++;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(u_ce); i++)
        u.ce[u_ce[i]]++;

    spie_km_summary sm = km_sum(&m);
    assert_int_equal(sm.n, 11);
    assert_int_equal(sm.n_events, 7);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 31.0);
    assert_int_equal(sm.last_time, 161);
    const double m_r[] = { 0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184 };
    const double m_exact[] = { 10.0 / 11, 9.0 / 11, 63.0 / 88, 54.0 / 88, 54.0 / 88 * 0.8,
                               54.0 / 88 * 0.6, 54.0 / 88 * 0.3 };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(m_ev); i++) {
        const double s = km_s(&m, (uint64_t)m_ev[i]);
        assert_true(fabs(s - m_r[i]) < 5e-4);
        assert_close(s, m_exact[i], 1e-14);
    }
    assert_close(km_s(&m, 161), 54.0 / 88 * 0.3, 1e-14);

    sm = km_sum(&u);
    assert_int_equal(sm.n, 12);
    assert_int_equal(sm.n_events, 11);
    assert_int_equal(sm.median_status, SPIE_STAT_OK);
    assert_double_eq(sm.median, 23.0);
    const int u_t[] = { 5, 8, 12, 23, 27, 30, 33, 43, 45 };
    const double u_r[] = { 0.8333, 0.6667, 0.5833, 0.4861, 0.3889, 0.2917, 0.1944, 0.0972, 0 };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(u_t); i++)
        assert_true(fabs(km_s(&u, (uint64_t)u_t[i]) - u_r[i]) < 5e-5);
    assert_double_eq(km_s(&u, 45), 0.0);
}

/* ---- Wilson ------------------------------------------------------------------------ */

/* Reference values: the formula of §4 evaluated with 40-digit arithmetic (mpmath,
 * z = sqrt(2) * erfinv(0.95) = 1.959963984540054235...), checked against R where R prints
 * them: Hmisc::binconf(12, 50, method = "wilson") = 0.142974 0.374127,
 * binconf(520, 1000) = 0.4890177 0.5508292. 5/10: [0.236593, 0.763407] (pitfalls.md). */
static void test_wilson_references(void **state)
{
    (void)state;
    spie_interval ci;

    assert_int_equal(spie_wilson(5, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.23659309051256398, 1e-13);
    assert_close(ci.upper, 0.76340690948743602, 1e-13);
    assert_true(fabs(ci.lower - 0.236593) < 5e-7 && fabs(ci.upper - 0.763407) < 5e-7);

    /* 0/10: lower = 0 exactly (clamped), upper = (z^2/n) / (1 + z^2/n). */
    assert_int_equal(spie_wilson(0, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_double_eq(ci.lower, 0.0);
    assert_close(ci.upper, 0.27753279986288925, 1e-13);
    /* 10/10: symmetric. */
    assert_int_equal(spie_wilson(10, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.72246720013711075, 1e-13);
    assert_double_eq(ci.upper, 1.0);
    /* 1/1000000 */
    assert_int_equal(spie_wilson(1, 1000000, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 1.7652457674537147e-7, 1e-10);
    assert_close(ci.upper, 5.664911804311443e-6, 1e-10);
    assert_int_equal(spie_wilson(12, 50, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.14297391396991729, 1e-13);
    assert_close(ci.upper, 0.37412683757942925, 1e-13);
    assert_int_equal(spie_wilson(520, 1000, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.48901772465751902, 1e-13);
    assert_close(ci.upper, 0.55082920500305877, 1e-13);
    /* Level 90 %: z = 1.6448536269514727. */
    assert_int_equal(spie_wilson(5, 10, 0.90, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.26927182113826718, 1e-13);
    assert_close(ci.upper, 0.73072817886173282, 1e-13);
}

static void test_wilson_edges(void **state)
{
    (void)state;
    spie_interval ci = { -1.0, -1.0 };

    assert_int_equal(spie_wilson(0, 0, 0.95, &ci), SPIE_STAT_NA);
    assert_double_eq(ci.lower, -1.0);
    assert_int_equal(spie_wilson(11, 10, 0.95, &ci), SPIE_STAT_E_ARG);
    assert_int_equal(spie_wilson(1, 10, 0.0, &ci), SPIE_STAT_E_ARG);
    assert_int_equal(spie_wilson(1, 10, 1.0, &ci), SPIE_STAT_E_ARG);
    assert_int_equal(spie_wilson(1, 10, NAN, &ci), SPIE_STAT_E_ARG);
    /* Large n: within [0, 1] and around p. */
    assert_int_equal(spie_wilson(3000000000ULL, 7000000000ULL, 0.95, &ci), SPIE_STAT_OK);
    assert_true(ci.lower < 3.0 / 7.0 && ci.upper > 3.0 / 7.0);
    assert_true(ci.upper - ci.lower < 3e-5);
}

/* ---- Clopper–Pearson --------------------------------------------------------------- */

/* Independent reference: the binomial tails in long double (pmf by lgammal and a ratio
 * recurrence, no GSL), and a bisection in p. lower solves P(X >= x | p) = alpha/2, upper
 * solves P(X <= x | p) = alpha/2 (the definition of Clopper and Pearson, 1934). */

/* Sum of pmf(k) from k = k0 going up (dir = +1) or down (dir = -1), k0 being on the far
 * side of the mean so that the terms decrease. */
static long double binom_sum_from(uint64_t n, uint64_t k0, long double p, int dir)
{
    const long double lp = logl(p), lq = log1pl(-p);
    long double term = expl(lgammal((long double)n + 1) - lgammal((long double)k0 + 1)
                            - lgammal((long double)(n - k0) + 1) + (long double)k0 * lp
                            + (long double)(n - k0) * lq);
    long double sum = 0.0L;
    uint64_t k = k0;
    for (;;) {
        sum += term;
        if (term < 1e-30L * sum || term == 0.0L)
            break;
        if (dir > 0) {
            if (k == n)
                break;
            term *= (long double)(n - k) / (long double)(k + 1) * (p / (1.0L - p));
            k++;
        } else {
            if (k == 0)
                break;
            term *= (long double)k / (long double)(n - k + 1) * ((1.0L - p) / p);
            k--;
        }
    }
    return sum;
}

static long double binom_ge(uint64_t n, uint64_t x, long double p) /* P(X >= x), x >= 1 */
{
    if ((long double)x >= (long double)n * p)
        return binom_sum_from(n, x, p, +1);
    return 1.0L - binom_sum_from(n, x - 1, p, -1);
}

static long double binom_le(uint64_t n, uint64_t x, long double p) /* P(X <= x), x < n */
{
    if ((long double)x <= (long double)n * p)
        return binom_sum_from(n, x, p, -1);
    return 1.0L - binom_sum_from(n, x + 1, p, +1);
}

static double ref_cp_lower(uint64_t x, uint64_t n, long double tail)
{
    long double lo = 0.0L, hi = 1.0L;
    for (int i = 0; i < 100; i++) {
        const long double mid = (lo + hi) / 2;
        if (binom_ge(n, x, mid) < tail)
            lo = mid;
        else
            hi = mid;
    }
    return (double)((lo + hi) / 2);
}

static double ref_cp_upper(uint64_t x, uint64_t n, long double tail)
{
    long double lo = 0.0L, hi = 1.0L;
    for (int i = 0; i < 100; i++) {
        const long double mid = (lo + hi) / 2;
        if (binom_le(n, x, mid) > tail)
            lo = mid;
        else
            hi = mid;
    }
    return (double)((lo + hi) / 2);
}

/* R: binom.test(5, 10)$conf.int = 0.1870860 0.8129140; binom.test(0, 10): 0 0.3084971;
 * binom.test(9, 24): 0.1879929 0.5940636; binom.test(1, 1497, conf.level = 0.9):
 * 3.426347e-05 3.164954e-03; binom.test(12, 50, conf.level = 0.9): 0.1447182 0.3596557;
 * binom.test(1, 1e6) lower: 2.531781e-08 (its upper: see test_cp_large_n). Digits
 * beyond R's print: 40-digit bisection on the regularized incomplete beta (mpmath). */
static void test_cp_references(void **state)
{
    (void)state;
    spie_interval ci;

    assert_int_equal(spie_clopper_pearson(5, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.18708602844739853, 1e-12);
    assert_close(ci.upper, 0.81291397155260147, 1e-12);
    assert_true(fabs(ci.lower - 0.187086) < 5e-7 && fabs(ci.upper - 0.812914) < 5e-7);
    /* Where it converges, gsl_cdf_beta_Pinv agrees (to its own tolerance). */
    assert_close(ci.lower, gsl_cdf_beta_Pinv(0.025, 5, 6), 1e-9);

    assert_int_equal(spie_clopper_pearson(0, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_double_eq(ci.lower, 0.0);
    assert_close(ci.upper, 0.30849710781876082, 1e-12);
    assert_int_equal(spie_clopper_pearson(10, 10, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.69150289218123918, 1e-12);
    assert_double_eq(ci.upper, 1.0);
    assert_int_equal(spie_clopper_pearson(9, 24, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.18799292819600227, 1e-12);
    assert_close(ci.upper, 0.594063615992056, 1e-12);
    assert_int_equal(spie_clopper_pearson(1, 1497, 0.90, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 3.426347070099373e-5, 1e-11);
    assert_close(ci.upper, 0.0031649543449938606, 1e-11);
    assert_int_equal(spie_clopper_pearson(12, 50, 0.90, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.14471815520804996, 1e-12);
    assert_close(ci.upper, 0.35965569683213119, 1e-12);

    /* n = 1: Beta(1, 1) is uniform, so the bounds are the tails themselves. */
    assert_int_equal(spie_clopper_pearson(0, 1, 0.95, &ci), SPIE_STAT_OK);
    assert_double_eq(ci.lower, 0.0);
    assert_close(ci.upper, 0.975, 1e-14);
    assert_int_equal(spie_clopper_pearson(1, 1, 0.95, &ci), SPIE_STAT_OK);
    assert_close(ci.lower, 0.025, 1e-14);
    assert_double_eq(ci.upper, 1.0);
}

/* x = 1 and x = n - 1 of n = 10^6, where gsl_cdf_beta_Qinv fails (NaN). Closed forms:
 * lower(1, n) solves 1 - (1 - p)^n = a  ->  p = 1 - (1 - a)^(1/n) = -expm1(log1p(-a) / n);
 * upper(n - 1, n) solves 1 - p^n = a    ->  p = (1 - a)^(1/n); upper(1, n) by bisection of
 * (1 - p)^n + n p (1 - p)^(n - 1) = a; lower(n - 1, n) = 1 - upper(1, n) by symmetry. */
static void test_cp_large_n(void **state)
{
    (void)state;
    const uint64_t n = 1000000;
    const long double a = 0.025L;
    spie_interval ci;

    assert_int_equal(spie_clopper_pearson(1, n, 0.95, &ci), SPIE_STAT_OK);
    const double lo_ref = (double)-expm1l(log1pl(-a) / (long double)n);
    assert_close(ci.lower, lo_ref, 1e-12);
    assert_true(fabs(ci.lower - 2.531781e-08) < 5e-15);
    long double l = 0.0L, h = 1e-3L;
    for (int i = 0; i < 200; i++) {
        const long double p = (l + h) / 2;
        const long double q = log1pl(-p);
        const long double cdf1 = expl((long double)n * q)
                                 + (long double)n * p * expl((long double)(n - 1) * q);
        if (cdf1 > a)
            l = p;
        else
            h = p;
    }
    const double up_ref = (double)((l + h) / 2);
    assert_close(ci.upper, up_ref, 1e-12);
    /* The brief quoted R's upper bound as 5.571516e-06; that value does not solve the
     * equation above (its binomial P(X <= 1) is 0.0250024). A 40-digit bisection (mpmath)
     * gives 5.5716306551722443e-06, and so does the Gamma(2) limit: e^-g (1 + g) = 0.025
     * at g = 5.5716, p ~ g / n. R was not available here to recheck its print. */
    assert_close(ci.upper, 5.5716306551722443e-06, 1e-12);

    spie_interval cj;
    assert_int_equal(spie_clopper_pearson(n - 1, n, 0.95, &cj), SPIE_STAT_OK);
    assert_close(cj.upper, (double)expl(log1pl(-a) / (long double)n), 1e-15);
    assert_close(1.0 - cj.lower, up_ref, 1e-9); /* 1 - lower loses ~1e-11 to cancellation */
    assert_int_equal(spie_clopper_pearson(0, n, 0.95, &cj), SPIE_STAT_OK);
    assert_double_eq(cj.lower, 0.0);
    /* x = 0: (1 - p)^n = a -> p = 1 - a^(1/n) */
    assert_close(cj.upper, (double)-expm1l(logl(a) / (long double)n), 1e-12);
    assert_int_equal(spie_clopper_pearson(n, n, 0.95, &cj), SPIE_STAT_OK);
    assert_double_eq(cj.upper, 1.0);

    /* Half of 10^6 and of 10^9 (a national rate): against the binomial tails. */
    const uint64_t xs[] = { 500000, 1000000000 / 3 };
    const uint64_t ns[] = { 1000000, 1000000000 };
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(spie_clopper_pearson(xs[i], ns[i], 0.95, &ci), SPIE_STAT_OK);
        assert_close(ci.lower, ref_cp_lower(xs[i], ns[i], a), 1e-9);
        assert_close(ci.upper, ref_cp_upper(xs[i], ns[i], a), 1e-9);
    }
}

/* Every x of several small n, at 95 % and 80 %, against the binomial tails. */
static void test_cp_all_small_n(void **state)
{
    (void)state;
    const uint64_t ns[] = { 1, 2, 3, 7, 10, 20, 50, 137 };
    const double levels[] = { 0.95, 0.80 };

    for (size_t li = 0; li < SPIE_ARRAY_LEN(levels); li++) {
        const long double tail = (1.0L - (long double)levels[li]) / 2.0L;
        for (size_t ni = 0; ni < SPIE_ARRAY_LEN(ns); ni++) {
            const uint64_t n = ns[ni];
            for (uint64_t x = 0; x <= n; x++) {
                spie_interval ci;
                assert_int_equal(spie_clopper_pearson(x, n, levels[li], &ci), SPIE_STAT_OK);
                if (x == 0)
                    assert_double_eq(ci.lower, 0.0);
                else if (!close_rel(ci.lower, ref_cp_lower(x, n, tail), 1e-9, 0.0))
                    fail_msg("lower %llu/%llu: %.17g vs %.17g", (unsigned long long)x,
                             (unsigned long long)n, ci.lower, ref_cp_lower(x, n, tail));
                if (x == n)
                    assert_double_eq(ci.upper, 1.0);
                else if (!close_rel(ci.upper, ref_cp_upper(x, n, tail), 1e-9, 0.0))
                    fail_msg("upper %llu/%llu: %.17g vs %.17g", (unsigned long long)x,
                             (unsigned long long)n, ci.upper, ref_cp_upper(x, n, tail));
                assert_true(ci.lower <= (double)x / (double)n);
                assert_true(ci.upper >= (double)x / (double)n);
            }
        }
    }
}

static void test_cp_edges(void **state)
{
    (void)state;
    spie_interval ci = { -1.0, -1.0 };
    assert_int_equal(spie_clopper_pearson(0, 0, 0.95, &ci), SPIE_STAT_NA);
    assert_double_eq(ci.lower, -1.0);
    assert_int_equal(spie_clopper_pearson(3, 2, 0.95, &ci), SPIE_STAT_E_ARG);
    assert_int_equal(spie_clopper_pearson(1, 2, 1.5, &ci), SPIE_STAT_E_ARG);
}

/* ---- projection -------------------------------------------------------------------- */

/* Cumulative State payments (euros) over the last 12 months, month index 12..23 of a
 * window 0..35, projected at x_e = 35. R:
 *   x <- 12:23
 *   y <- c(13612345.67, 14720010.10, 15990123.45, 17015000, 18230555.55, 19520000.01,
 *          20480999.99, 21900300.30, 23050000, 24100123.12, 25450450.45, 26600000)
 *   fit <- lm(y ~ x); predict(fit, data.frame(x = 35), interval = "prediction", level = 0.95)
 *          fit      lwr      upr
 *     40759268 40419800 41098736
 * Expected values are computed below from the closed forms, in long double:
 *   b = Sxy / Sxx, a = ybar - b xbar, s2 = RSS / (n - 2),
 *   se_fit^2 = s2 (1/n + (x_e - xbar)^2 / Sxx), PI = yhat -+ t sqrt(s2 + se_fit^2),
 * with t = qt(0.975, 10) = 2.2281388519862747 (R; 20 digits by mpmath: 2.2281388519862747484).
 * 40-digit values: a = -647616.14101398601399, b = 1183053.8206293706294,
 * yhat = 40759267.581013986014, lwr = 40419799.575899784563, upr = 41098735.586128187465. */
static const double proj_y[12] = { 13612345.67, 14720010.10, 15990123.45, 17015000,
                                   18230555.55, 19520000.01, 20480999.99, 21900300.30,
                                   23050000,    24100123.12, 25450450.45, 26600000 };

static void test_projection_reference(void **state)
{
    (void)state;
    double x[12];
    for (int i = 0; i < 12; i++)
        x[i] = 12 + i;
    spie_projection p;
    assert_int_equal(spie_projection_fit(x, proj_y, 12, 35.0, 0.95, &p), SPIE_STAT_OK);

    long double xb = 0, yb = 0, sxx = 0, sxy = 0, rss = 0;
    for (int i = 0; i < 12; i++) {
        xb += x[i];
        yb += proj_y[i];
    }
    xb /= 12;
    yb /= 12;
    for (int i = 0; i < 12; i++) {
        sxx += (x[i] - xb) * (x[i] - xb);
        sxy += (x[i] - xb) * (proj_y[i] - yb);
    }
    const long double b = sxy / sxx, a = yb - b * xb;
    for (int i = 0; i < 12; i++) {
        const long double r = proj_y[i] - a - b * x[i];
        rss += r * r;
    }
    const long double s2 = rss / 10, xe = 35;
    const long double se2 = s2 * (1.0L / 12 + (xe - xb) * (xe - xb) / sxx);
    const long double yhat = a + b * xe, t = 2.2281388519862747484L;
    const long double half = t * sqrtl(s2 + se2);

    assert_int_equal(p.n, 12);
    assert_close(p.c0, (double)a, 1e-9); /* intercept: cancellation, ~1e-10 relative */
    assert_close(p.c1, (double)b, 1e-12);
    assert_close(p.sumsq, (double)rss, 1e-9);
    assert_close(p.sigma2, (double)s2, 1e-9);
    assert_close(p.yhat, (double)yhat, 1e-12);
    assert_close(p.se_fit, (double)sqrtl(se2), 1e-9);
    assert_close(p.t, (double)t, 1e-13);
    assert_close(p.lower, (double)(yhat - half), 1e-12);
    assert_close(p.upper, (double)(yhat + half), 1e-12);
    /* The 40-digit values and R's print. */
    assert_close(p.yhat, 40759267.581013986014, 1e-12);
    assert_close(p.lower, 40419799.575899784563, 1e-12);
    assert_close(p.upper, 41098735.586128187465, 1e-12);
    assert_true(fabs(p.yhat - 40759268) < 1 && fabs(p.lower - 40419800) < 1
                && fabs(p.upper - 41098736) < 1);
    assert_double_eq(p.x_e, 35.0);

    /* Exhaustion of V = 35 000 000 from x_P = 23: (V - a) / b = 30.13 -> 31. Of the
     * 80 000 000 envelope: (V - a) / b = 68.17 -> 69, after x_e = 35: not reached. */
    int64_t xm = -1;
    assert_int_equal(spie_projection_exhaustion(&p, 23, 35, 35e6, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 31);
    assert_true(p.c0 + p.c1 * 31 >= 35e6 && p.c0 + p.c1 * 30 < 35e6);
    assert_int_equal(spie_projection_exhaustion(&p, 23, 35, 80e6, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(spie_projection_exhaustion(&p, 23, 68, 80e6, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(spie_projection_exhaustion(&p, 23, 69, 80e6, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 69);
    /* Already above V at x_P: x_P itself. */
    assert_int_equal(spie_projection_exhaustion(&p, 23, 35, 1e6, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 23);

    /* Level 90 %: t = qt(0.95, 10) = 1.8124611228116764 (R; mpmath 1.8124611228116764136). */
    spie_projection p90;
    assert_int_equal(spie_projection_fit(x, proj_y, 12, 35.0, 0.90, &p90), SPIE_STAT_OK);
    assert_close(p90.t, 1.8124611228116764136, 1e-13);
    assert_close(p90.upper - p90.yhat, (double)(1.8124611228116764136L * sqrtl(s2 + se2)),
                 1e-9);
}

/* y = 1000 + 500 x on x = 0..4: the fit is exact, the interval collapses on yhat. */
static void test_projection_perfect_fit(void **state)
{
    (void)state;
    const double x[5] = { 0, 1, 2, 3, 4 };
    const double y[5] = { 1000, 1500, 2000, 2500, 3000 };
    spie_projection p;

    assert_int_equal(spie_projection_fit(x, y, 5, 10.0, 0.95, &p), SPIE_STAT_OK);
    assert_close(p.c0, 1000.0, 1e-14);
    assert_close(p.c1, 500.0, 1e-14);
    assert_close(p.yhat, 6000.0, 1e-14);
    assert_true(p.sumsq < 1e-18);
    assert_true(p.upper - p.lower < 1e-6);
    assert_true(p.lower <= p.yhat && p.yhat <= p.upper);
    /* t(0.975; 3) = 3.1824463052837096 (R qt(0.975, 3) = 3.182446). */
    assert_close(p.t, 3.1824463052837096, 1e-13);

    int64_t xm;
    assert_int_equal(spie_projection_exhaustion(&p, 4, 10, 4500, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 7); /* 1000 + 500 * 7 = 4500 >= 4500, at 6: 4000 */
}

/* Falling trend: the fit exists, the exhaustion is never reached (c1 <= 0). */
static void test_projection_falling(void **state)
{
    (void)state;
    const double x[4] = { 0, 1, 2, 3 };
    const double y[4] = { 100, 90, 85, 70 };
    spie_projection p;

    assert_int_equal(spie_projection_fit(x, y, 4, 6.0, 0.95, &p), SPIE_STAT_OK);
    /* By hand: xbar 1.5, ybar 86.25, Sxx 5, Sxy = -47.5 -> b = -9.5, a = 100.5;
     * yhat(6) = 43.5; residuals -0.5, -1, 3.5, -2 -> RSS 17.5, s2 8.75. */
    assert_close(p.c1, -9.5, 1e-13);
    assert_close(p.c0, 100.5, 1e-13);
    assert_close(p.yhat, 43.5, 1e-13);
    assert_close(p.sumsq, 17.5, 1e-12);
    assert_close(p.sigma2, 8.75, 1e-12);
    /* se_fit^2 = 8.75 (1/4 + 4.5^2 / 5) = 37.625; t(0.975; 2) = 4.302652729749464. */
    assert_close(p.se_fit, sqrt(37.625), 1e-12);
    assert_close(p.upper, 43.5 + 4.3026527297494638523 * sqrt(8.75 + 37.625), 1e-12);
    assert_close(p.lower, 43.5 - 4.3026527297494638523 * sqrt(8.75 + 37.625), 1e-12);

    int64_t xm = -7;
    assert_int_equal(spie_projection_exhaustion(&p, 3, 6, 50, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(spie_projection_exhaustion(&p, 3, 6, 1000, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(xm, -7);
}

static void test_projection_not_available(void **state)
{
    (void)state;
    const double x[3] = { 4, 4, 4 };
    const double y[3] = { 1, 2, 3 };
    const double x2[2] = { 0, 1 };
    const double xn[3] = { 0, 1, NAN };
    spie_projection p;

    assert_int_equal(spie_projection_fit(x2, y, 2, 5, 0.95, &p), SPIE_STAT_NA);
    assert_int_equal(spie_projection_fit(x2, y, 0, 5, 0.95, &p), SPIE_STAT_NA);
    assert_int_equal(spie_projection_fit(NULL, NULL, 0, 5, 0.95, &p), SPIE_STAT_NA);
    assert_int_equal(spie_projection_fit(x, y, 3, 5, 0.95, &p), SPIE_STAT_NA);
    assert_double_eq(p.yhat, 0.0);
    assert_int_equal(spie_projection_fit(xn, y, 3, 5, 0.95, &p), SPIE_STAT_E_ARG);
    assert_int_equal(spie_projection_fit(x2, y, 2, NAN, 0.95, &p), SPIE_STAT_E_ARG);
    assert_int_equal(spie_projection_fit(x, y, 3, 5, 0.0, &p), SPIE_STAT_E_ARG);
}

/* The exhaustion predicate is c0 + c1 x >= V in double, not the rounded (V - c0) / c1. */
static void test_projection_exhaustion_rounding(void **state)
{
    (void)state;
    spie_projection p;
    int64_t xm;
    memset(&p, 0, sizeof p);
    p.c0 = 0.0;
    p.c1 = 0.1;

    /* 0.1 * 3 = 0.30000000000000004 >= V while V / 0.1 = 3.0000000000000004 (ceil 4). */
    assert_int_equal(spie_projection_exhaustion(&p, 0, 10, 0.30000000000000004, &xm),
                     SPIE_STAT_OK);
    assert_int_equal(xm, 3);
    /* 0.1 * 7 = 0.7000000000000001 >= 0.7; 0.7 / 0.1 = 6.999999999999999 (ceil 7). */
    assert_int_equal(spie_projection_exhaustion(&p, 0, 10, 0.7, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 7);
    assert_int_equal(spie_projection_exhaustion(&p, 8, 10, 0.7, &xm), SPIE_STAT_OK);
    assert_int_equal(xm, 8);
    assert_int_equal(spie_projection_exhaustion(&p, 0, 6, 0.7, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(spie_projection_exhaustion(&p, 0, 10, 1e300, &xm), SPIE_STAT_NOT_REACHED);
    assert_int_equal(spie_projection_exhaustion(&p, 5, 4, 0.7, &xm), SPIE_STAT_E_ARG);
    assert_int_equal(spie_projection_exhaustion(&p, 0, 4, NAN, &xm), SPIE_STAT_E_ARG);
    p.c1 = 0.0;
    p.c0 = 5.0; /* flat line above V: still "not reached" (c1 <= 0, §6) */
    assert_int_equal(spie_projection_exhaustion(&p, 0, 10, 1.0, &xm), SPIE_STAT_NOT_REACHED);
}

/* ---- formatting -------------------------------------------------------------------- */

static locale_t test_c_locale(void)
{
    static locale_t loc = (locale_t)0;
    if (loc == (locale_t)0)
        loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    assert_true(loc != (locale_t)0);
    return loc;
}

static void expect_fmt(double v, const char *want)
{
    char buf[SPIE_NUM_BUF];
    const size_t n = spie_format_double(v, buf);
    if (strcmp(buf, want) != 0 || n != strlen(want))
        fail_msg("format(%.17g) = \"%s\", expected \"%s\"", v, buf, want);
}

static void expect_cents(spie_cents c, const char *want)
{
    char buf[SPIE_NUM_BUF];
    const size_t n = spie_format_cents(c, buf);
    if (strcmp(buf, want) != 0 || n != strlen(want))
        fail_msg("cents(%lld) = \"%s\", expected \"%s\"", (long long)c, buf, want);
}

static void check_formatters(void)
{
    expect_fmt(0.0, "0");
    expect_fmt(-0.0, "0");
    expect_fmt(0.1, "0.1");
    expect_fmt(1.0 / 3.0, "0.3333333333333333");
    expect_fmt(2.0 / 3.0, "0.6666666666666666");
    expect_fmt(0.1 + 0.2, "0.30000000000000004");
    expect_fmt(0.49999999999999994, "0.49999999999999994");
    expect_fmt(29.999999999999996, "29.999999999999996");
    expect_fmt(100.0, "100");
    expect_fmt(-2.5, "-2.5");
    expect_fmt(9.1, "9.1");
    expect_fmt(123456.789, "123456.789");
    expect_fmt(40759267.581013986, "40759267.581013985");
    expect_fmt(1e15, "1000000000000000");
    expect_fmt(9007199254740992.0, "9007199254740992");
    expect_fmt(1234567890123456.75, "1234567890123456.8");
    expect_fmt(1e16, "1e+16");
    expect_fmt(-1.5e16, "-1.5e+16");
    expect_fmt(1e100, "1e+100");
    expect_fmt(1e-4, "0.0001");
    expect_fmt(1.25e-4, "0.000125");
    expect_fmt(-0.00012345678901234567, "-0.00012345678901234567");
    expect_fmt(1e-5, "1e-05");
    expect_fmt(1.2345e-7, "1.2345e-07");
    expect_fmt(2.531781e-08, "2.531781e-08");
    expect_fmt(5e-324, "5e-324");
    expect_fmt(DBL_MIN, "2.2250738585072014e-308");
    expect_fmt(DBL_MAX, "1.7976931348623157e+308");
    expect_fmt(-DBL_MAX, "-1.7976931348623157e+308");

    char buf[SPIE_NUM_BUF] = "x";
    assert_int_equal(spie_format_double(NAN, buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(spie_format_double(INFINITY, buf), 0);
    assert_int_equal(spie_format_double(-INFINITY, buf), 0);

    expect_cents(0, "0.00");
    expect_cents(5, "0.05");
    expect_cents(-5, "-0.05");
    expect_cents(100, "1.00");
    expect_cents(-123456, "-1234.56");
    expect_cents(8000000000LL, "80000000.00");
    expect_cents(INT64_MAX, "92233720368547758.07");
    expect_cents(INT64_MIN, "-92233720368547758.08");
}

static void test_format_examples(void **state)
{
    (void)state;
    check_formatters();
}

/* The length of the shortest correctly rounded form of v that reads back, by trying every
 * length in order (what spie_format_double must find, by whatever search). */
static int shortest_len(double v, locale_t c)
{
    char tmp[64];
    for (int p = 1; p <= 17; p++) {
        uselocale(c);
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        uselocale(LC_GLOBAL_LOCALE);
        if (strtod_l(tmp, NULL, c) == v)
            return p;
    }
    return 99;
}

/* Significant digits of a formatted number ("0.000125" -> 3, "1000" -> 1, "1.5e+16" -> 2). */
static int sig_digits(const char *buf)
{
    int digits = 0, trailing_zeros = 0;
    bool leading = true;
    for (const char *s = buf; *s != '\0' && *s != 'e'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (*s != '0')
            leading = false;
        if (leading)
            continue;
        digits++;
        trailing_zeros = *s == '0' ? trailing_zeros + 1 : 0;
    }
    /* "1000": the zeros before an absent decimal point are not significant. */
    if (strchr(buf, '.') == NULL)
        digits -= trailing_zeros;
    return digits;
}

static void check_roundtrip(double v, locale_t c, bool check_shortest)
{
    char buf[SPIE_NUM_BUF];
    const size_t n = spie_format_double(v, buf);
    assert_true(n > 0 && n < SPIE_NUM_BUF && n == strlen(buf));
    assert_null(strchr(buf, ','));
    char *end;
    const double back = strtod_l(buf, &end, c);
    assert_true(*end == '\0');
    if (!(back == v))
        fail_msg("%.17g -> \"%s\" -> %.17g", v, buf, back);
    if (check_shortest && v != 0.0 && sig_digits(buf) != shortest_len(v, c))
        fail_msg("%.17g -> \"%s\": %d digits, shortest is %d", v, buf, sig_digits(buf),
                 shortest_len(v, c));
}

/* Random bit patterns: the output reads back (strtod_l, C locale) to the same double; for
 * one in four, and for every power of two (where the doubles around v are unevenly spaced),
 * it has exactly the shortest length found by trying 1, 2, ... 17 digits. */
static void test_format_roundtrip_random(void **state)
{
    (void)state;
    const locale_t c = test_c_locale();
    for (int i = 0; i < 100000; i++) {
        uint64_t bits = rng_next();
        double v;
        if (i % 2 == 0) /* also values of ordinary magnitude */
            bits = (bits & 0x800FFFFFFFFFFFFFULL) | ((uint64_t)(1000 + rng_below(80)) << 52);
        if (i % 8 == 1) /* and short decimals: k / 10^j */
            v = (double)(int64_t)rng_below(2000000) / pow(10.0, (double)rng_below(12));
        else
            memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        check_roundtrip(v, c, i % 4 == 1 || i % 4 == 2);
    }
    for (int e = -1074; e <= 1023; e++) {
        check_roundtrip(ldexp(1.0, e), c, true);
        check_roundtrip(-ldexp(1.0, e), c, true);
    }
    expect_fmt(0.5, "0.5");
    expect_fmt(1024.0, "1024");
    expect_fmt(ldexp(1.0, -20), "9.5367431640625e-07");
    expect_fmt(ldexp(1.0, 60), "1.152921504606847e+18");
}

/* Compiles the fr_FR.UTF-8 locale into dir with localedef (for machines where no
 * decimal-comma locale is installed, such as minimal containers). True on success. */
static bool build_fr_locale(const char *dir)
{
    char out[4096];
    if (snprintf(out, sizeof out, "%s/fr_FR.UTF-8", dir) >= (int)sizeof out)
        return false;
    char *argv[] = { "localedef", "-i", "fr_FR", "-f", "UTF-8", out, NULL };
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    bool ok = false;

    if (posix_spawn_file_actions_init(&fa) != 0)
        return false;
    if (posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) == 0
        && posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0) == 0
        && posix_spawnp(&pid, "localedef", &fa, NULL, argv, environ) == 0
        && waitpid(pid, &status, 0) == pid)
        ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    posix_spawn_file_actions_destroy(&fa);
    return ok;
}

static bool set_comma_locale(void)
{
    const char *names[] = { "fr_FR.UTF-8", "fr_FR.utf8", "fr_FR", "de_DE.UTF-8",
                            "de_DE.utf8",  "de_DE",      "nl_NL.UTF-8", "ru_RU.UTF-8" };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(names); i++) {
        if (setlocale(LC_ALL, names[i]) != NULL) {
            if (strcmp(localeconv()->decimal_point, ",") == 0)
                return true;
            setlocale(LC_ALL, "C");
        }
    }
    return false;
}

/* Under a decimal-comma locale the output is the same. An installed locale is used when
 * there is one (`locale -a`); otherwise fr_FR is compiled into a temporary LOCPATH with
 * localedef. Where neither is possible the test says so on stderr and checks nothing
 * more (cmocka's skip() would read as a failure to prove). */
static void test_format_decimal_comma_locale(void **state)
{
    (void)state;
    char *dir = NULL;
    bool active = set_comma_locale();
    if (!active && (dir = tu_mkdtemp()) != NULL && build_fr_locale(dir)) {
        assert_int_equal(setenv("LOCPATH", dir, 1), 0);
        active = set_comma_locale();
    }
    if (!active) {
        fprintf(stderr, "# no decimal-comma locale available: locale test not run\n");
    } else {
        char probe[16];
        snprintf(probe, sizeof probe, "%.1f", 2.5);
        assert_string_equal(probe, "2,5"); /* the locale is really active */
        check_formatters();
        spie_cents c;
        assert_int_equal(spie_round_cents(2.5, &c), SPIE_STAT_OK);
        assert_int_equal(c, 250);
        spie_interval ci;
        assert_int_equal(spie_wilson(5, 10, 0.95, &ci), SPIE_STAT_OK);
        assert_close(ci.lower, 0.23659309051256398, 1e-13);
    }
    setlocale(LC_ALL, "C");
    if (dir != NULL) {
        unsetenv("LOCPATH");
        assert_int_equal(tu_rmtree(dir), 0);
        free(dir);
    }
}

/* Half away from zero on the exact value of euros * 100:
 *   0.125 is exact in binary: 12.5 -> 13 (and -13);
 *   the double 1.005 is 1.00499999999999989..., so 100 (Python: round(1.005, 2) = 1.0);
 *   the double 0.015 is 0.01499999999999999944...: 0.015 * 100 rounds to exactly 1.5
 *   in double, yet the exact product is below 1.5, so 1 (round(0.015 * 100) would say 2);
 *   the double 0.025 is 0.02500000000000000139: 3. */
static void test_round_cents(void **state)
{
    (void)state;
    spie_cents c;

    assert_int_equal(spie_round_cents(0.125, &c), SPIE_STAT_OK);
    assert_int_equal(c, 13);
    assert_int_equal(spie_round_cents(-0.125, &c), SPIE_STAT_OK);
    assert_int_equal(c, -13);
    assert_int_equal(spie_round_cents(1.005, &c), SPIE_STAT_OK);
    assert_int_equal(c, 100);
    assert_int_equal(spie_round_cents(0.015, &c), SPIE_STAT_OK);
    assert_int_equal(c, 1);
    assert_int_equal(spie_round_cents(-0.015, &c), SPIE_STAT_OK);
    assert_int_equal(c, -1);
    assert_int_equal(spie_round_cents(0.025, &c), SPIE_STAT_OK);
    assert_int_equal(c, 3);
    assert_int_equal(spie_round_cents(0.0, &c), SPIE_STAT_OK);
    assert_int_equal(c, 0);
    assert_int_equal(spie_round_cents(-0.004, &c), SPIE_STAT_OK);
    assert_int_equal(c, 0);
    assert_int_equal(spie_round_cents(-0.006, &c), SPIE_STAT_OK);
    assert_int_equal(c, -1);
    assert_int_equal(spie_round_cents(40759267.581013986, &c), SPIE_STAT_OK);
    assert_int_equal(c, 4075926758);
    assert_int_equal(spie_round_cents(80000000.0, &c), SPIE_STAT_OK);
    assert_int_equal(c, 8000000000LL);
    assert_int_equal(spie_round_cents(1e13, &c), SPIE_STAT_OK);
    assert_int_equal(c, 1000000000000000LL);
    assert_int_equal(spie_round_cents(1e14, &c), SPIE_STAT_E_OVERFLOW);
    assert_int_equal(spie_round_cents(NAN, &c), SPIE_STAT_E_ARG);
    assert_int_equal(spie_round_cents(-INFINITY, &c), SPIE_STAT_E_ARG);

    /* k / 8 euros are exact in binary and k / 8 * 100 = 12.5 k is an exact half for odd
     * k: away from zero, (25 k + 1) / 2 cents. */
    for (int k = -41; k <= 41; k += 2) {
        assert_int_equal(spie_round_cents(k / 8.0, &c), SPIE_STAT_OK);
        const long long want = k > 0 ? (25LL * k + 1) / 2 : -((25LL * -k + 1) / 2);
        assert_int_equal(c, want);
    }
}

static void test_cents_div_round(void **state)
{
    (void)state;
    spie_cents c;

    assert_int_equal(spie_cents_div_round(7, 2, &c), SPIE_STAT_OK);
    assert_int_equal(c, 4);
    assert_int_equal(spie_cents_div_round(-7, 2, &c), SPIE_STAT_OK);
    assert_int_equal(c, -4);
    assert_int_equal(spie_cents_div_round(7, -2, &c), SPIE_STAT_OK);
    assert_int_equal(c, -4);
    assert_int_equal(spie_cents_div_round(5, 3, &c), SPIE_STAT_OK);
    assert_int_equal(c, 2);
    assert_int_equal(spie_cents_div_round(4, 3, &c), SPIE_STAT_OK);
    assert_int_equal(c, 1);
    assert_int_equal(spie_cents_div_round(-4, 3, &c), SPIE_STAT_OK);
    assert_int_equal(c, -1);
    assert_int_equal(spie_cents_div_round(0, 3, &c), SPIE_STAT_OK);
    assert_int_equal(c, 0);
    /* 8 000 000 000 cents over 3 entrants = 2 666 666 666.67 -> 2 666 666 667 */
    assert_int_equal(spie_cents_div_round(8000000000LL, 3, &c), SPIE_STAT_OK);
    assert_int_equal(c, 2666666667LL);
    assert_int_equal(spie_cents_div_round(INT64_MAX, INT64_MAX, &c), SPIE_STAT_OK);
    assert_int_equal(c, 1);
    assert_int_equal(spie_cents_div_round(INT64_MIN, 2, &c), SPIE_STAT_OK);
    assert_int_equal(c, INT64_MIN / 2);
    assert_int_equal(spie_cents_div_round(INT64_MIN, INT64_MIN, &c), SPIE_STAT_OK);
    assert_int_equal(c, 1);
    assert_int_equal(spie_cents_div_round(INT64_MAX, INT64_MIN, &c), SPIE_STAT_OK);
    assert_int_equal(c, -1);
    assert_int_equal(spie_cents_div_round(3, 0, &c), SPIE_STAT_NA);
    assert_int_equal(spie_cents_div_round(INT64_MIN, -1, &c), SPIE_STAT_E_OVERFLOW);
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(spie_stat_strerror(SPIE_STAT_NA), "non disponible");
    assert_string_equal(spie_stat_strerror(SPIE_STAT_NOT_REACHED), "non atteint");
    assert_non_null(spie_stat_strerror((spie_stat_status)99));
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay_one_to_ten),
        cmocka_unit_test(test_delay_gsl_rounding),
        cmocka_unit_test(test_delay_ties_and_gap),
        cmocka_unit_test(test_delay_single_and_empty),
        cmocka_unit_test(test_delay_overflow),
        cmocka_unit_test(test_hist_quantile_bounds),
        cmocka_unit_test(test_delay_random_matches_gsl),
        cmocka_unit_test(test_delay_large_counts),
        cmocka_unit_test(test_km_plateau_midpoint),
        cmocka_unit_test(test_km_plateau_to_end),
        cmocka_unit_test(test_km_ties_events_first),
        cmocka_unit_test(test_km_censored_with_event),
        cmocka_unit_test(test_km_tolerance),
        cmocka_unit_test(test_km_all_censored),
        cmocka_unit_test(test_km_all_events_day0),
        cmocka_unit_test(test_km_empty),
        cmocka_unit_test(test_km_aml_matches_r),
        cmocka_unit_test(test_wilson_references),
        cmocka_unit_test(test_wilson_edges),
        cmocka_unit_test(test_cp_references),
        cmocka_unit_test(test_cp_large_n),
        cmocka_unit_test(test_cp_all_small_n),
        cmocka_unit_test(test_cp_edges),
        cmocka_unit_test(test_projection_reference),
        cmocka_unit_test(test_projection_perfect_fit),
        cmocka_unit_test(test_projection_falling),
        cmocka_unit_test(test_projection_not_available),
        cmocka_unit_test(test_projection_exhaustion_rounding),
        cmocka_unit_test(test_format_examples),
        cmocka_unit_test(test_format_roundtrip_random),
        cmocka_unit_test(test_format_decimal_comma_locale),
        cmocka_unit_test(test_round_cents),
        cmocka_unit_test(test_cents_div_round),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
