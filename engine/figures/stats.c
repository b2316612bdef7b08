/* Statistics of docs/methodologie.md from day-indexed histograms, and the exact money arithmetic
 * of §8 (rounding to the cent). It may not format a number for an output (numfmt.c does),
 * print, or depend on the locale.
 *
 * Every statistic reads the histogram directly: the k-th smallest delay (0-based) is the
 * day d with cum(d-1) <= k < cum(d), so nothing is expanded and memory does not depend on
 * the population. Choices worth knowing (each is tested in tests/unit/test_stats_delays.c
 * or tests/unit/test_stats_intervals.c):
 *
 *  - Quantiles repeat gsl_stats_quantile_from_sorted_data (GSL 2.7) operation for
 *    operation: index = f * (n - 1), lhs = trunc(index), delta = index - lhs, result =
 *    (1 - delta) * x[lhs] + delta * x[lhs + 1] (x[lhs] alone when lhs = n - 1). The
 *    results are bit-identical to GSL on the expanded sorted data.
 *  - The mean is exact: the sum of the delays is an exact uint64, divided once by n (one
 *    rounding, so it is the correctly rounded mean while the sum is below 2^53).
 *    gsl_stats_mean uses a running mean and can differ in the last bits.
 *  - The standard deviation (n - 1) is a two-pass sum over the histogram in long double
 *    (64-bit significand on x86-64) around the exact mean; every term is >= 0, so there
 *    is no cancellation. It agrees with gsl_stats_sd to ~1e-13 relative.
 *  - Kaplan–Meier multiplies by (n_t - d_t) / n_t (integer subtraction, one rounding per
 *    factor); 1 - d_t/n_t would round twice. The median compares S with 0.5 with the
 *    tolerance of §3.
 *  - Clopper–Pearson does NOT call gsl_cdf_beta_Pinv (see beta_tail_root). */
#include "spie/stats.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

/* Keep a*b+c as two roundings, as GSL (built without FMA contraction) computes it: the
 * quantiles must be bit-identical. GCC does not know this pragma but never contracts
 * under -std=c11 (its default there is -ffp-contract=off). */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

const char *spie_stat_strerror(spie_stat_status st)
{
    switch (st) {
    case SPIE_STAT_OK: return "disponible";
    case SPIE_STAT_NA: return "non disponible";
    case SPIE_STAT_NOT_REACHED: return "non atteint";
    case SPIE_STAT_E_ARG: return "argument invalide";
    case SPIE_STAT_E_OVERFLOW: return "dépassement de capacité d'un compte";
    case SPIE_STAT_E_NUMERIC: return "échec d'un calcul numérique (GSL)";
    case SPIE_STAT_E_MEMORY: return "mémoire insuffisante";
    }
    return "statut inconnu";
}

static bool level_ok(double level)
{
    return level > 0.0 && level < 1.0; /* false for NaN too */
}

/* ---- histograms ------------------------------------------------------------------ */

/* Sum of counts[0 .. len-1]; false on uint64 overflow. */
static bool hist_total(const uint64_t *counts, size_t len, uint64_t *total)
{
    uint64_t n = 0;
    for (size_t d = 0; d < len; d++) {
        if (__builtin_add_overflow(n, counts[d], &n))
            return false;
    }
    *total = n;
    return true;
}

/* The k-th smallest value (0-based) of the expanded histogram; k < total. */
static uint64_t hist_order_stat(const uint64_t *counts, size_t len, uint64_t k)
{
    uint64_t seen = 0;
    for (size_t d = 0; d < len; d++) {
        if (counts[d] > k - seen) /* seen <= k, so seen + counts[d] > k without overflow */
            return (uint64_t)d;
        seen += counts[d];
    }
    return (uint64_t)(len - 1); /* unreachable when k < total */
}

/* Type-7 quantile of a histogram of n >= 1 values, as GSL 2.7 computes it:
 *   index = f * (n - 1); lhs = (int)index; delta = index - lhs;
 *   lhs == n - 1 ? x[lhs] : (1 - delta) * x[lhs] + delta * x[lhs + 1]. */
static double hist_quantile_n(const uint64_t *counts, size_t len, uint64_t n, double f)
{
    const double index = f * (double)(n - 1);
    const uint64_t lhs = (uint64_t)index;
    const double delta = index - (double)lhs;
    const double lo = (double)hist_order_stat(counts, len, lhs);

    if (lhs >= n - 1)
        return lo;
    const double hi = (double)hist_order_stat(counts, len, lhs + 1);
    return (1 - delta) * lo + delta * hi;
}

spie_stat_status spie_hist_quantile(const uint64_t *counts, size_t len, double f, double *q)
{
    uint64_t n;

    if (!(f >= 0.0 && f <= 1.0) || (len > 0 && counts == NULL))
        return SPIE_STAT_E_ARG;
    if (!hist_total(counts, len, &n))
        return SPIE_STAT_E_OVERFLOW;
    if (n == 0)
        return SPIE_STAT_NA;
    *q = hist_quantile_n(counts, len, n, f);
    return SPIE_STAT_OK;
}

spie_stat_status spie_delay_stats_compute(const uint64_t *counts, size_t len,
                                          spie_delay_stats *out)
{
    uint64_t n = 0, sum = 0;

    memset(out, 0, sizeof *out);
    if (len > 0 && counts == NULL)
        return SPIE_STAT_E_ARG;
    for (size_t d = 0; d < len; d++) {
        uint64_t part;
        if (__builtin_add_overflow(n, counts[d], &n)
            || __builtin_mul_overflow(counts[d], (uint64_t)d, &part)
            || __builtin_add_overflow(sum, part, &sum))
            return SPIE_STAT_E_OVERFLOW;
    }
    out->n = n;
    if (n == 0)
        return SPIE_STAT_NA;

    out->mean = (double)sum / (double)n;
    out->min = hist_order_stat(counts, len, 0);
    out->max = hist_order_stat(counts, len, n - 1);
    out->p25 = hist_quantile_n(counts, len, n, 0.25);
    out->median = hist_quantile_n(counts, len, n, 0.5);
    out->p75 = hist_quantile_n(counts, len, n, 0.75);
    out->p90 = hist_quantile_n(counts, len, n, 0.9);

    if (n >= 2) {
        const long double mean = (long double)sum / (long double)n;
        long double m2 = 0.0L;
        for (size_t d = 0; d < len; d++) {
            if (counts[d] == 0)
                continue;
            const long double dev = (long double)d - mean;
            m2 += (long double)counts[d] * dev * dev;
        }
        out->sd = (double)sqrtl(m2 / (long double)(n - 1));
        out->has_sd = true;
    }
    return SPIE_STAT_OK;
}

/* ---- Kaplan–Meier ------------------------------------------------------------------ */

/* Totals of a group; false on overflow. */
static bool km_totals(const uint64_t *events, const uint64_t *censored, size_t len,
                      uint64_t *n_events, uint64_t *n_censored, uint64_t *n)
{
    if (!hist_total(events, len, n_events) || !hist_total(censored, len, n_censored))
        return false;
    return !__builtin_add_overflow(*n_events, *n_censored, n);
}

static bool km_last_time(const uint64_t *events, const uint64_t *censored, size_t len,
                         uint64_t *last)
{
    for (size_t t = len; t-- > 0;) {
        if (events[t] > 0 || censored[t] > 0) {
            *last = (uint64_t)t;
            return true;
        }
    }
    return false;
}

spie_stat_status spie_km_summarise(const uint64_t *events, const uint64_t *censored,
                                   size_t len, spie_km_summary *out)
{
    memset(out, 0, sizeof *out);
    out->median_status = SPIE_STAT_NA;
    if (len > 0 && (events == NULL || censored == NULL))
        return SPIE_STAT_E_ARG;
    if (!km_totals(events, censored, len, &out->n_events, &out->n_censored, &out->n))
        return SPIE_STAT_E_OVERFLOW;
    out->has_last = km_last_time(events, censored, len, &out->last_time);
    if (out->n == 0)
        return SPIE_STAT_OK; /* empty group: median NA */

    uint64_t at_risk = out->n;
    double s = 1.0;
    bool plateau = false; /* S(t_j) within the tolerance of 0.5 */
    uint64_t t_plateau = 0;

    out->median_status = SPIE_STAT_NOT_REACHED;
    for (size_t t = 0; t < len; t++) {
        const uint64_t d = events[t];
        if (d > 0) {
            s *= (double)(at_risk - d) / (double)at_risk;
            if (plateau) {
                out->median = ((double)t_plateau + (double)t) / 2.0;
                out->median_status = SPIE_STAT_OK;
                break;
            }
            if (s < 0.5 - SPIE_KM_TOLERANCE) {
                out->median = (double)t;
                out->median_status = SPIE_STAT_OK;
                break;
            }
            if (fabs(s - 0.5) <= SPIE_KM_TOLERANCE) {
                plateau = true;
                t_plateau = (uint64_t)t;
            }
        }
        at_risk -= d + censored[t]; /* the totals did not overflow, so neither does this */
    }
    return SPIE_STAT_OK;
}

/* S(t) at t = first + k * step for k < count, in one walk of the curve: st[k] is
 * SPIE_STAT_OK with s[k] set, or SPIE_STAT_NA beyond the largest observed time (§9).
 * Returns SPIE_STAT_OK, or the status every t takes: SPIE_STAT_E_ARG, SPIE_STAT_E_OVERFLOW,
 * SPIE_STAT_NA for an empty group. */
static spie_stat_status km_walk(const uint64_t *events, const uint64_t *censored, size_t len, uint64_t first,
                                uint64_t step, size_t count, double *s, spie_stat_status *st)
{
    uint64_t n_events, n_censored, n, last = 0;
    spie_stat_status all = SPIE_STAT_OK;

    if (len > 0 && (events == NULL || censored == NULL))
        all = SPIE_STAT_E_ARG;
    else if (!km_totals(events, censored, len, &n_events, &n_censored, &n))
        all = SPIE_STAT_E_OVERFLOW;
    else if (n == 0 || !km_last_time(events, censored, len, &last))
        all = SPIE_STAT_NA;
    if (all != SPIE_STAT_OK) {
        for (size_t k = 0; k < count; k++)
            st[k] = all;
        return all;
    }
    uint64_t at_risk = n;
    double surv = 1.0;
    size_t k = 0;
    for (size_t u = 0; k < count && u <= last; u++) { /* last < len */
        const uint64_t d = events[u];
        if (d > 0)
            surv *= (double)(at_risk - d) / (double)at_risk;
        at_risk -= d + censored[u];
        if (u == first + k * step) {
            s[k] = surv;
            st[k++] = SPIE_STAT_OK;
        }
    }
    for (; k < count; k++)
        st[k] = SPIE_STAT_NA;
    return SPIE_STAT_OK;
}

spie_stat_status spie_km_survival(const uint64_t *events, const uint64_t *censored,
                                  size_t len, uint64_t t, double *s)
{
    spie_stat_status st;
    const spie_stat_status all = km_walk(events, censored, len, t, 1, 1, s, &st);
    return all != SPIE_STAT_OK ? all : st;
}

spie_stat_status spie_km_incidence(const uint64_t *events, const uint64_t *censored,
                                   size_t len, uint64_t t, double *ci)
{
    double s;
    const spie_stat_status st = spie_km_survival(events, censored, len, t, &s);
    if (st == SPIE_STAT_OK)
        *ci = 1.0 - s;
    return st;
}

spie_stat_status spie_km_incidence_grid(const uint64_t *events, const uint64_t *censored, size_t len,
                                        uint64_t step, size_t count, double *ci, spie_stat_status *st)
{
    if (step == 0) {
        for (size_t k = 0; k < count; k++)
            st[k] = SPIE_STAT_E_ARG;
        return SPIE_STAT_E_ARG;
    }
    /* S at each day of the grid into ci, then the incidence in place. */
    const spie_stat_status all = km_walk(events, censored, len, 0, step, count, ci, st);
    for (size_t k = 0; k < count; k++)
        if (st[k] == SPIE_STAT_OK)
            ci[k] = 1.0 - ci[k];
    return all;
}

/* ---- intervals ------------------------------------------------------------------- */

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

spie_stat_status spie_wilson(uint64_t x, uint64_t n, double level, spie_interval *out)
{
    if (!level_ok(level) || x > n)
        return SPIE_STAT_E_ARG;
    if (n == 0)
        return SPIE_STAT_NA;

    const double alpha = 1.0 - level;
    const double z = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0);
    if (!gsl_finite(z))
        return SPIE_STAT_E_NUMERIC;
    const double nn = (double)n;
    const double p = (double)x / nn;
    const double z2 = z * z;
    const double centre = (p + z2 / (2.0 * nn)) / (1.0 + z2 / nn);
    const double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / (1.0 + z2 / nn);
    if (!gsl_finite(centre) || !gsl_finite(half))
        return SPIE_STAT_E_NUMERIC;
    /* At x = 0 (x = n) the formula's lower (upper) bound is exactly 0 (1) but rounds to
     * about 1e-17 from it: publish the exact value. */
    out->lower = x == 0 ? 0.0 : clamp01(centre - half);
    out->upper = x == n ? 1.0 : clamp01(centre + half);
    return SPIE_STAT_OK;
}

/* f(q) = I_q(a, b) - target (lower tail) or 1 - I_q(a, b) - target (upper tail). */
struct beta_tail {
    double a, b, target;
    bool upper;
    double mean, sd; /* of Beta(a, b), for the stand-in below */
};

/* GSL 2.7's incomplete beta (gsl_cdf_beta_P/_Q, and gsl_sf_beta_inc alike) gives NaN in
 * a narrow band around the mean once a + b is in the millions: its continued fraction
 * needs more than its iteration limit there (n = 3.2e6: |q - mean| < ~0.2 sd; n = 1e10:
 * < ~0.7 sd). Inside that band the tail is between 0.24 and 0.76, far from alpha/2 for
 * any usual level, so the normal approximation there only tells Brent on which side of
 * the root it stands; the root itself (at ~z sd from the mean) is evaluated by GSL. */
static double beta_tail_fn(double q, void *params)
{
    const struct beta_tail *bt = params;
    double v = bt->upper ? gsl_cdf_beta_Q(q, bt->a, bt->b) : gsl_cdf_beta_P(q, bt->a, bt->b);
    if (!gsl_finite(v)) {
        const double u = (q - bt->mean) / bt->sd;
        v = bt->upper ? gsl_cdf_ugaussian_Q(u) : gsl_cdf_ugaussian_P(u);
    }
    return v - bt->target;
}

/* The q in (0, 1) where the chosen tail of Beta(a, b) equals `target` (a, b >= 1).
 *
 * Why not gsl_cdf_beta_Pinv (GSL 2.7): for p > 0.5 it calls gsl_cdf_beta_Qinv, which
 * fails to converge for x = 1, n = 10^6 (NaN); a non-finite starting value makes its
 * bisection loop forever (a = 0); and it accepts |P(q) - p| <= sqrt(eps) * p. A tail
 * equation solved by Brent on gsl_cdf_beta_P (lower bound, tail alpha/2) or
 * gsl_cdf_beta_Q (upper bound, tail alpha/2, no 1 - small cancellation) over [0, 1]
 * always brackets the root (f(0) and f(1) have opposite signs), always converges, and
 * stops at the resolution of the double (GSL's Brent step tolerance is eps/2 * |q|). */
static spie_stat_status beta_tail_root(double a, double b, double target, bool upper,
                                       double *q)
{
    struct beta_tail bt = { a, b, target, upper, a / (a + b),
                            sqrt(a * b / ((a + b) * (a + b) * (a + b + 1.0))) };
    gsl_function fn = { beta_tail_fn, &bt };
    spie_stat_status st = SPIE_STAT_E_NUMERIC;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);

    if (s == NULL)
        return SPIE_STAT_E_MEMORY;
    if (gsl_root_fsolver_set(s, &fn, 0.0, 1.0) != GSL_SUCCESS)
        goto out_free_solver;
    for (int iter = 0; iter < 1000; iter++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            goto out_free_solver;
        const double lo = gsl_root_fsolver_x_lower(s);
        const double hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0.0, 2.0 * DBL_EPSILON) == GSL_SUCCESS) {
            const double r = gsl_root_fsolver_root(s);
            if (gsl_finite(r) && r >= 0.0 && r <= 1.0) {
                *q = r;
                st = SPIE_STAT_OK;
            }
            goto out_free_solver;
        }
    }
out_free_solver:
    gsl_root_fsolver_free(s);
    return st;
}

spie_stat_status spie_clopper_pearson(uint64_t x, uint64_t n, double level,
                                      spie_interval *out)
{
    spie_stat_status st;
    double lower = 0.0, upper = 1.0;

    if (!level_ok(level) || x > n)
        return SPIE_STAT_E_ARG;
    if (n == 0)
        return SPIE_STAT_NA;

    const double tail = (1.0 - level) / 2.0;
    if (x > 0) { /* Beta^-1(alpha/2; x, n - x + 1) */
        st = beta_tail_root((double)x, (double)(n - x) + 1.0, tail, false, &lower);
        if (st != SPIE_STAT_OK)
            return st;
    }
    if (x < n) { /* Beta^-1(1 - alpha/2; x + 1, n - x): upper tail = alpha/2 */
        st = beta_tail_root((double)x + 1.0, (double)(n - x), tail, true, &upper);
        if (st != SPIE_STAT_OK)
            return st;
    }
    out->lower = lower;
    out->upper = upper;
    return SPIE_STAT_OK;
}

/* ---- projection ------------------------------------------------------------------ */

spie_stat_status spie_projection_fit(const double *x, const double *y, size_t n, double x_e,
                                     double level, spie_projection *out)
{
    double c0, c1, cov00, cov01, cov11, sumsq, yhat, se_fit;
    bool constant_x = true;

    memset(out, 0, sizeof *out);
    if (!level_ok(level) || !gsl_finite(x_e) || (n > 0 && (x == NULL || y == NULL)))
        return SPIE_STAT_E_ARG;
    for (size_t i = 0; i < n; i++) {
        if (!gsl_finite(x[i]) || !gsl_finite(y[i]))
            return SPIE_STAT_E_ARG;
        if (x[i] != x[0])
            constant_x = false;
    }
    /* gsl_fit_linear checks neither: it returns NaN with status 0. */
    if (n < 3 || constant_x)
        return SPIE_STAT_NA;

    if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) != GSL_SUCCESS
        || gsl_fit_linear_est(x_e, c0, c1, cov00, cov01, cov11, &yhat, &se_fit) != GSL_SUCCESS)
        return SPIE_STAT_E_NUMERIC;

    const double alpha = 1.0 - level;
    const double t = gsl_cdf_tdist_Pinv(1.0 - alpha / 2.0, (double)(n - 2));
    const double sigma2 = sumsq / (double)(n - 2);
    const double half = t * sqrt(sigma2 + se_fit * se_fit);
    if (!gsl_finite(c0) || !gsl_finite(c1) || !gsl_finite(sumsq) || !gsl_finite(yhat)
        || !gsl_finite(se_fit) || !gsl_finite(t) || !gsl_finite(half))
        return SPIE_STAT_E_NUMERIC;

    out->n = n;
    out->c0 = c0;
    out->c1 = c1;
    out->sumsq = sumsq;
    out->sigma2 = sigma2;
    out->x_e = x_e;
    out->yhat = yhat;
    out->se_fit = se_fit;
    out->t = t;
    out->lower = yhat - half;
    out->upper = yhat + half;
    return SPIE_STAT_OK;
}

#define SPIE_INDEX_LIMIT 9007199254740992LL /* 2^53: indices stay exact in double */

spie_stat_status spie_projection_exhaustion(const spie_projection *p, int64_t x_from,
                                            int64_t x_end, double v, int64_t *x_out)
{
    if (!gsl_finite(v) || x_from > x_end || x_from < -SPIE_INDEX_LIMIT
        || x_end > SPIE_INDEX_LIMIT)
        return SPIE_STAT_E_ARG;
    if (!(p->c1 > 0.0))
        return SPIE_STAT_NOT_REACHED;

    const double c0 = p->c0, c1 = p->c1;
    int64_t x = x_from;
    if (!(c0 + c1 * (double)x >= v)) {
        /* The crossing is near (v - c0) / c1; the predicate as written decides. */
        const double xs = ceil((v - c0) / c1);
        if (!(xs <= (double)x_end + 1.0))
            return SPIE_STAT_NOT_REACHED; /* far beyond x_end (or not finite) */
        if (xs > (double)x_from)
            x = (int64_t)xs;
        while (x > x_from && c0 + c1 * (double)(x - 1) >= v)
            x--;
        while (x <= x_end && !(c0 + c1 * (double)x >= v))
            x++;
    }
    if (x > x_end)
        return SPIE_STAT_NOT_REACHED;
    *x_out = x;
    return SPIE_STAT_OK;
}

/* ---- exact money arithmetic (§8) ---------------------------------------------------- */

spie_stat_status spie_round_cents(double euros, spie_cents *out)
{
    if (!isfinite(euros))
        return SPIE_STAT_E_ARG;
    const double p = euros * 100.0;
    if (!(fabs(p) < 0x1p51))
        return SPIE_STAT_E_OVERFLOW;
    /* euros * 100 = p + err exactly. Below 2^51 the grid of p is at most 1/4, so the
     * exact product can sit on the other side of a half than p only when p is exactly
     * a half; then err decides, and an exact half goes away from zero. */
    const double err = fma(euros, 100.0, -p);
    const double f = floor(p);
    const double frac = p - f;
    double r;
    if (frac > 0.5)
        r = f + 1.0;
    else if (frac < 0.5)
        r = f;
    else if (err > 0.0)
        r = f + 1.0;
    else if (err < 0.0)
        r = f;
    else
        r = p > 0.0 ? f + 1.0 : f;
    *out = (spie_cents)r;
    return SPIE_STAT_OK;
}

spie_stat_status spie_cents_div_round(spie_cents num, int64_t den, spie_cents *out)
{
    if (den == 0)
        return SPIE_STAT_NA;
    if (num == INT64_MIN && den == -1)
        return SPIE_STAT_E_OVERFLOW;

    int64_t q = num / den; /* truncated toward zero */
    const int64_t r = num % den;
    const uint64_t ar = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
    const uint64_t ad = den < 0 ? (uint64_t)0 - (uint64_t)den : (uint64_t)den;
    if (ar != 0 && 2 * ar >= ad) /* ar < ad <= 2^63: 2 * ar fits in uint64 */
        q += ((num < 0) != (den < 0)) ? -1 : 1; /* |den| >= 2 here: no overflow */
    *out = q;
    return SPIE_STAT_OK;
}
