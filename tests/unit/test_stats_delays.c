/* Unit tests of the delay statistics of engine/figures/stats.c: delay statistics from
 * histograms (count, bounds, exact mean, deviation and quantiles, against GSL on the
 * expanded data, with random histograms and counts too large to expand) and Kaplan–Meier
 * (hand-worked cases with ties, plateaus and the tolerance of §3, and R's survival::survfit
 * on the aml data). The fixture (the checks of a double, the generator of the randomised
 * comparisons) is stats_fixture.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "spie/stats.h"
#include "stats_fixture.h"
#include "testutil.h"

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

/* The incidence on a grid of days, in one walk of the curve, is at every day of the grid
 * the very double spie_km_incidence gives there, with its status: random histograms
 * (sparse or dense, some with no event, some that end before the grid does), an empty
 * one, counts that overflow, and a step of 0. */
static void test_km_incidence_grid(void **state)
{
    (void)state;
    enum { COUNT = 12, STEP = 17 }; /* the grid reaches day 187 of KM_LEN */
    for (int trial = 0; trial < 400; trial++) {
        km_data k;
        memset(&k, 0, sizeof k);
        size_t end = 1 + (size_t)rng_below(KM_LEN);  /* the last day with a count, at most */
        uint64_t density = 1 + rng_below(6);
        for (size_t t = 0; t < end; t++) {
            if (rng_below(density) == 0)
                k.ev[t] = trial % 7 == 0 ? 0 : rng_below(40);
            if (rng_below(density) == 0)
                k.ce[t] = rng_below(30);
        }
        double ci[COUNT];
        spie_stat_status st[COUNT];
        spie_stat_status all = spie_km_incidence_grid(k.ev, k.ce, KM_LEN, STEP, COUNT, ci, st);
        bool some_ok = false;
        for (size_t j = 0; j < COUNT; j++) {
            double want = -1;
            spie_stat_status ws = spie_km_incidence(k.ev, k.ce, KM_LEN, j * STEP, &want);
            assert_int_equal(st[j], ws);
            if (ws == SPIE_STAT_OK) {
                some_ok = true;
                if (memcmp(&ci[j], &want, sizeof want) != 0)
                    fail_msg("trial %d, t = %zu: %.17g, expected %.17g", trial, j * STEP, ci[j], want);
            }
        }
        uint64_t n = 0;
        for (size_t t = 0; t < KM_LEN; t++)
            n += k.ev[t] + k.ce[t];
        assert_int_equal(all, n ? SPIE_STAT_OK : SPIE_STAT_NA);
        assert_true(some_ok == (n > 0)); /* day 0 is never beyond the last observed time */
    }
    km_data k;
    memset(&k, 0, sizeof k);
    double ci[3];
    spie_stat_status st[3];
    assert_int_equal(spie_km_incidence_grid(k.ev, k.ce, KM_LEN, 5, 3, ci, st), SPIE_STAT_NA);
    assert_int_equal(st[0], SPIE_STAT_NA);
    assert_int_equal(st[2], SPIE_STAT_NA);
    k.ev[3] = UINT64_MAX;
    k.ce[4] = 2;
    assert_int_equal(spie_km_incidence_grid(k.ev, k.ce, KM_LEN, 5, 3, ci, st), SPIE_STAT_E_OVERFLOW);
    assert_int_equal(st[1], SPIE_STAT_E_OVERFLOW);
    k.ev[3] = 4;
    assert_int_equal(spie_km_incidence_grid(k.ev, k.ce, KM_LEN, 0, 3, ci, st), SPIE_STAT_E_ARG);
    assert_int_equal(spie_km_incidence_grid(k.ev, k.ce, KM_LEN, 2, 3, ci, st), SPIE_STAT_OK);
    assert_int_equal(st[0], SPIE_STAT_OK);
    assert_int_equal(st[2], SPIE_STAT_OK); /* day 4, the last with a count */
    assert_true(ci[0] == 0.0 && fabs(ci[2] - 2.0 / 3.0) < 1e-15); /* 4 events of 6 at risk on day 3 */
    assert_int_equal(spie_km_incidence_grid(k.ev, k.ce, KM_LEN, 3, 3, ci, st), SPIE_STAT_OK);
    assert_int_equal(st[2], SPIE_STAT_NA); /* day 6: beyond the last observed time */
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
        cmocka_unit_test(test_km_incidence_grid),
        cmocka_unit_test(test_km_plateau_midpoint),
        cmocka_unit_test(test_km_plateau_to_end),
        cmocka_unit_test(test_km_ties_events_first),
        cmocka_unit_test(test_km_censored_with_event),
        cmocka_unit_test(test_km_tolerance),
        cmocka_unit_test(test_km_all_censored),
        cmocka_unit_test(test_km_all_events_day0),
        cmocka_unit_test(test_km_empty),
        cmocka_unit_test(test_km_aml_matches_r),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
