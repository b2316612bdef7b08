/* Statistics of docs/methodologie.md (§1 delays, §3 Kaplan–Meier, §4 intervals, §6 projection)
 * and the exact money arithmetic of §8 (rounding to the cent; the formatting of numbers
 * is spie/numfmt.h).
 *
 * Inputs are day-indexed histograms: counts[d] = number of persons whose delay (or event,
 * or censoring) is d whole days, d = 0 .. len-1. Histograms merge exactly by addition, so
 * every statistic here is a pure function of the merged counts and does not depend on the
 * order in which persons or territories were folded in. No per-person array is built.
 *
 * Contract shared by every function:
 *  - the result is a status; a value is written only with SPIE_STAT_OK, and no output
 *    ever holds NaN or an infinity (fields that are not available are set to 0);
 *  - "not available" (SPIE_STAT_NA) and "not reached" (SPIE_STAT_NOT_REACHED) are
 *    ordinary outcomes that the renderer publishes as `nd`; the SPIE_STAT_E_* values are
 *    errors (a caller bug, a counter overflow, a numerical failure);
 *  - GSL is called with its error handler switched off (the program does it once at
 *    start); every GSL status and result is checked here;
 *  - nothing prints, nothing depends on the locale, all functions are thread-safe. */
#ifndef SPIE_STATS_H
#define SPIE_STATS_H

#include "spie/common.h"
#include "spie/numfmt.h"

typedef enum spie_stat_status {
    SPIE_STAT_OK = 0,
    SPIE_STAT_NA,          /* not available: empty group, n < 2 for a deviation, ... */
    SPIE_STAT_NOT_REACHED, /* Kaplan–Meier median or exhaustion month not reached */
    SPIE_STAT_E_ARG,       /* invalid argument (x > n, level outside (0,1), NaN input) */
    SPIE_STAT_E_OVERFLOW,  /* a count or sum does not fit the exact integer type */
    SPIE_STAT_E_NUMERIC,   /* a GSL routine failed or returned a non-finite value */
    SPIE_STAT_E_MEMORY     /* allocation failed */
} spie_stat_status;

/* French message for a status ("non disponible", "non atteint", ...). Never NULL. */
const char *spie_stat_strerror(spie_stat_status st);

/* ---- §1 Delays: descriptive statistics of completed delays ---------------------- */

typedef struct spie_delay_stats {
    uint64_t n;      /* completed delays (sum of the histogram) */
    /* Available when n >= 1 (the function returned SPIE_STAT_OK): */
    double mean;     /* exact: (sum of delays, uint64) / n, one rounding */
    uint64_t min;    /* days */
    uint64_t max;    /* days */
    double p25;      /* quantiles of type 7, bit-identical to           */
    double median;   /* gsl_stats_quantile_from_sorted_data on the      */
    double p75;      /* sorted expanded delays                          */
    double p90;
    /* Available when n >= 2; otherwise has_sd is false and sd is 0 (§9: nd). */
    bool has_sd;
    double sd;       /* denominator n - 1 (gsl_stats_sd); see stats.c for the sums */
} spie_delay_stats;

/* Statistics of the completed delays in counts[0 .. len-1] (counts may be NULL when len
 * is 0). SPIE_STAT_OK when n >= 1; SPIE_STAT_NA when n = 0 (out is zeroed);
 * SPIE_STAT_E_OVERFLOW when n or the sum of the delays exceeds UINT64_MAX. */
spie_stat_status spie_delay_stats_compute(const uint64_t *counts, size_t len,
                                          spie_delay_stats *out);

/* One quantile of type 7 at probability f in [0, 1] from the histogram, bit-identical to
 * gsl_stats_quantile_from_sorted_data(f) on the sorted expanded data. SPIE_STAT_NA when
 * the histogram is empty, SPIE_STAT_E_ARG when f is outside [0, 1] or NaN. */
spie_stat_status spie_hist_quantile(const uint64_t *counts, size_t len, double f, double *q);

/* ---- §3 Kaplan–Meier on whole days ---------------------------------------------- */

/* Tolerance of the comparison of S with 0.5 for the median (§3). */
#define SPIE_KM_TOLERANCE 1e-9

/* events[t] = persons whose event happened t days after the origin; censored[t] =
 * persons censored at t days. Both arrays have len entries (NULL allowed when len = 0).
 * At an event time t: S(t) = S(t-) * (n_t - d_t) / n_t, n_t = persons with an event or a
 * censoring at t or later (events come before censorings at equal times). */
typedef struct spie_km_summary {
    uint64_t n;          /* persons in the group: sum of events and censorings */
    uint64_t n_events;
    uint64_t n_censored;
    bool has_last;       /* false for an empty group */
    uint64_t last_time;  /* largest observed time, event or censoring (days) */
    /* SPIE_STAT_OK (median set), SPIE_STAT_NOT_REACHED or SPIE_STAT_NA (empty group). */
    spie_stat_status median_status;
    double median;       /* days; a midpoint t_j + (t_{j+1} - t_j) / 2 can be x.5 */
} spie_km_summary;

/* Fills *out. The median is the smallest event time t with S(t) < 0.5 - tolerance; when
 * |S(t_j) - 0.5| <= tolerance it is (t_j + t_{j+1}) / 2 with t_{j+1} the next event time;
 * not reached when S never falls below 0.5, or stays at 0.5 with no later event.
 * Returns SPIE_STAT_OK (also for an empty group: see out->median_status) or
 * SPIE_STAT_E_OVERFLOW when the counts do not sum in uint64. */
spie_stat_status spie_km_summarise(const uint64_t *events, const uint64_t *censored,
                                   size_t len, spie_km_summary *out);

/* S(t) (right-continuous: the events at t are included). SPIE_STAT_NA for an empty group
 * and for t beyond the largest observed time (§9: the curve is nd there);
 * SPIE_STAT_E_OVERFLOW as above. */
spie_stat_status spie_km_survival(const uint64_t *events, const uint64_t *censored,
                                  size_t len, uint64_t t, double *s);

/* Cumulative incidence 1 - S(t), same availability as spie_km_survival. */
spie_stat_status spie_km_incidence(const uint64_t *events, const uint64_t *censored,
                                   size_t len, uint64_t t, double *ci);

/* The cumulative incidence at t = 0, step, 2 step, ... (count times) in one walk of the
 * curve: ci[k] and st[k] are what spie_km_incidence gives at t = k * step (ci[k] set only
 * where st[k] is SPIE_STAT_OK). Returns SPIE_STAT_OK, or the status every t takes
 * (SPIE_STAT_E_ARG also for step 0). */
spie_stat_status spie_km_incidence_grid(const uint64_t *events, const uint64_t *censored, size_t len,
                                        uint64_t step, size_t count, double *ci, spie_stat_status *st);

/* ---- §4 Intervals for a proportion x / n ---------------------------------------- */

typedef struct spie_interval {
    double lower;
    double upper;
} spie_interval;

/* Wilson score interval at confidence level `level` (0.95 for 95 %), exactly the formula
 * of §4 with z = gsl_cdf_ugaussian_Pinv(1 - alpha/2), alpha = 1 - level. The lower bound
 * at x = 0 is 0 and the upper bound at x = n is 1 exactly (the formula's values, which
 * floating point misses by ~1e-17); bounds are clamped to [0, 1].
 * SPIE_STAT_NA when n = 0; SPIE_STAT_E_ARG when x > n or level is not in (0, 1). */
spie_stat_status spie_wilson(uint64_t x, uint64_t n, double level, spie_interval *out);

/* Clopper–Pearson interval: lower = Beta^-1(alpha/2; x, n-x+1) (0 when x = 0), upper =
 * Beta^-1(1-alpha/2; x+1, n-x) (1 when x = n). Computed by a Brent root search on the
 * regularized incomplete beta (see stats.c for why not gsl_cdf_beta_Pinv); robust at
 * x = 0, x = n, n = 1 and large n. Same statuses as spie_wilson, plus
 * SPIE_STAT_E_NUMERIC / SPIE_STAT_E_MEMORY from the root search. */
spie_stat_status spie_clopper_pearson(uint64_t x, uint64_t n, double level,
                                      spie_interval *out);

/* ---- §6 Projection of the cumulative payments ----------------------------------- */

typedef struct spie_projection {
    size_t n;        /* points of the fit */
    double c0;       /* intercept (gsl_fit_linear) */
    double c1;       /* slope per unit of x */
    double sumsq;    /* residual sum of squares */
    double sigma2;   /* sumsq / (n - 2) */
    double x_e;      /* where the projection is made */
    double yhat;     /* c0 + c1 * x_e (gsl_fit_linear_est) */
    double se_fit;   /* standard error of the mean response at x_e (gsl_fit_linear_est) */
    double t;        /* gsl_cdf_tdist_Pinv(1 - alpha/2, n - 2) */
    double lower;    /* yhat - t * sqrt(sigma2 + se_fit^2): prediction interval */
    double upper;    /* yhat + t * sqrt(sigma2 + se_fit^2) */
} spie_projection;

/* Ordinary least squares of y on x over n points and the prediction interval at x_e at
 * confidence level `level` (§6). SPIE_STAT_NA when n < 3 or all x are equal (out is
 * zeroed); SPIE_STAT_E_ARG for a non-finite input or a level outside (0, 1);
 * SPIE_STAT_E_NUMERIC when GSL fails or gives a non-finite result. */
spie_stat_status spie_projection_fit(const double *x, const double *y, size_t n, double x_e,
                                     double level, spie_projection *out);

/* Exhaustion index: the first whole x >= x_from with c0 + c1 * x >= v (evaluated in
 * double as written). SPIE_STAT_OK with *x_out; SPIE_STAT_NOT_REACHED when c1 <= 0 or
 * when that x is after x_end; SPIE_STAT_E_ARG when x_from > x_end or v is not finite. */
spie_stat_status spie_projection_exhaustion(const spie_projection *p, int64_t x_from,
                                            int64_t x_end, double v, int64_t *x_out);

/* ---- §8 Exact money arithmetic (number formatting: spie/numfmt.h) ----------------- */

/* euros -> cents, rounding the exact product euros * 100 half away from zero (the double
 * 1.005 is below 1.005, so it gives 100). SPIE_STAT_E_ARG when euros is not finite,
 * SPIE_STAT_E_OVERFLOW when |euros * 100| >= 2^51 (about 2.2e13 euros). */
spie_stat_status spie_round_cents(double euros, spie_cents *out);

/* num / den rounded half away from zero, exactly (a unit cost in cents from cents and a
 * count). SPIE_STAT_NA when den = 0, SPIE_STAT_E_OVERFLOW for INT64_MIN / -1. */
spie_stat_status spie_cents_div_round(spie_cents num, int64_t den, spie_cents *out);

#endif
