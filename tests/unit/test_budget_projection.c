/* Unit tests of the projection of engine/figures/budget_ind.c (spie_budget_rows): the
 * projection of the State paid at the envelope's end and its exhaustion month
 * (docs/methodologie.md §6, §8, §9 and docs/sorties.md §4): the closed-form fit over the
 * last K months, too few points, P before the window's start and after its end, flat and
 * falling trends, the bounds of the exhaustion month, K above 64.
 *
 * Every test builds a spie_batch by hand (include/spie/batch.h): a small territories
 * table parsed with spie_territories_parse, budget lines whose amounts are parsed with
 * spie_parse_amount from the forms of docs/format-extraits.md §2, and the usability
 * flags. It calls spie_budget_rows and looks the rows up in the table. Every
 * expected figure is worked out by hand in the comments; the projection is recomputed here
 * from the closed-form least-squares formulas in long double (never with GSL), with the
 * Student quantile from the closed-form t distribution function of Abramowitz & Stegun
 * 26.7.3-4 inverted by bisection, and the values are quoted from an exact computation
 * (rational arithmetic; t from mpmath), which is what R gives with
 *   x <- 0:7; y <- c(...); predict(lm(y ~ x), data.frame(x = 11), interval = "prediction")
 * and qt(0.975, df).
 * The fixture (the batch, its budget lines, spie_budget_rows, the lookup and the checks of
 * a row) is budget_fixture.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "budget_fixture.h"
#include "spie/batch.h"
#include "spie/budget_ind.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/params.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "spie/territories.h"
#include "testutil.h"

/* ---- independent reference computations ------------------------------------------------ */

/* Student's t distribution function with nu degrees of freedom (integer), t >= 0:
 * Abramowitz & Stegun 26.7.3 (nu odd) and 26.7.4 (nu even), theta = atan(t / sqrt(nu)). */
static long double t_cdf(long double t, int nu)
{
    const long double th = atanl(t / sqrtl((long double)nu));
    const long double s = sinl(th), c = cosl(th);
    long double a;
    if (nu % 2 == 0) {
        long double term = 1.0L, sum = 1.0L;
        for (int k = 2; k <= nu - 2; k += 2) {
            term *= c * c * (long double)(k - 1) / (long double)k;
            sum += term;
        }
        a = s * sum;
    } else {
        long double sum = 0.0L;
        if (nu > 1) {
            long double term = c;
            sum = c;
            for (int k = 3; k <= nu - 2; k += 2) {
                term *= c * c * (long double)(k - 1) / (long double)k;
                sum += term;
            }
        }
        a = 2.0L / 3.14159265358979323846264338327950288L * (th + s * sum);
    }
    return 0.5L + 0.5L * a;
}

/* The p-quantile (p > 0.5) by bisection on t_cdf. */
static long double t_quantile(long double p, int nu)
{
    long double lo = 0.0L, hi = 1000.0L;
    for (int i = 0; i < 200; i++) {
        long double mid = (lo + hi) / 2.0L;
        if (t_cdf(mid, nu) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2.0L;
}

typedef struct ols {
    long double c0, c1, yhat, lower, upper;
} ols;

/* Closed-form OLS of y on x (n points) and the prediction interval at x_e (level 95 %):
 * c1 = Sxy / Sxx, c0 = ybar - c1 xbar, s2 = RSS / (n - 2),
 * half = t(0.975; n - 2) sqrt(s2 (1 + 1/n + (x_e - xbar)^2 / Sxx)). */
static ols ols_ref(const long double *x, const long double *y, size_t n, long double x_e)
{
    long double xb = 0, yb = 0, sxx = 0, sxy = 0, rss = 0;
    for (size_t i = 0; i < n; i++) {
        xb += x[i];
        yb += y[i];
    }
    xb /= (long double)n;
    yb /= (long double)n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - xb) * (x[i] - xb);
        sxy += (x[i] - xb) * (y[i] - yb);
    }
    ols o;
    o.c1 = sxy / sxx;
    o.c0 = yb - o.c1 * xb;
    for (size_t i = 0; i < n; i++) {
        long double e = y[i] - o.c0 - o.c1 * x[i];
        rss += e * e;
    }
    const long double s2 = rss / (long double)(n - 2);
    const long double t = t_quantile(0.975L, (int)n - 2);
    const long double half = t * sqrtl(s2 * (1.0L + 1.0L / (long double)n + (x_e - xb) * (x_e - xb) / sxx));
    o.yhat = o.c0 + o.c1 * x_e;
    o.lower = o.yhat - half;
    o.upper = o.yhat + half;
    return o;
}

/* Half away from zero, as docs/methodologie.md §8 rounds derived amounts. */
static spie_cents round_cents_ld(long double euros)
{
    return (spie_cents)llroundl(euros * 100.0L);
}

static void check_projection(const fx *f, const ols *o, int64_t points, double v_euros)
{
    const spie_figure *r = get(f, NAT, "FR", "projection_paye_fin");
    if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_CENTS || !r->has_ci)
        fail_msg("projection_paye_fin: status %s, expected ok with an interval", spie_status_names[r->status]);
    if (r->ival != round_cents_ld(o->yhat))
        fail_msg("projection_paye_fin = %lld cents, expected %lld (yhat %.10Lf)", (long long)r->ival,
                 (long long)round_cents_ld(o->yhat), o->yhat);
    if (fabsl((long double)r->lo - o->lower) > 1e-6L || fabsl((long double)r->hi - o->upper) > 1e-6L)
        fail_msg("projection interval [%.10f, %.10f], expected [%.10Lf, %.10Lf]", r->lo, r->hi, o->lower, o->upper);
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
    r = get(f, NAT, "FR", "projection_part_enveloppe");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    if (fabsl((long double)r->real - o->yhat / (long double)v_euros) > 1e-12L)
        fail_msg("projection_part_enveloppe = %.17g, expected %.17Lg", r->real, o->yhat / (long double)v_euros);
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
}

/* The exhaustion month (v2, docs/methodologie.md §6): want is the month the trend line
 * reaches the envelope, published as the number of months from P to it; NULL: not
 * reached (nd). */
static void check_exhaustion(const fx *f, const char *want, int64_t points)
{
    const spie_figure *r = get(f, NAT, "FR", "projection_epuisement_dans_mois");
    if (want) {
        int64_t months = (int64_t)month(want) - (int64_t)f->b.fold.period;
        if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_COUNT || r->ival != months)
            fail_msg("projection_epuisement_dans_mois: status %s, %lld, expected %lld (%s)",
                     spie_status_names[r->status], (long long)r->ival, (long long)months, want);
    } else {
        if (r->status != SPIE_STATUS_ND)
            fail_msg("projection_epuisement_dans_mois: status %s %lld, expected nd (not reached)",
                     spie_status_names[r->status], (long long)r->ival);
    }
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
}

/* ---- projection ------------------------------------------------------------------------------ */

/* The monthly State paid of the envelope used below (territory 31 and NAT), in cents,
 * 2021-01 .. 2021-08, and the lines that produce them. */
static const spie_cents proj_monthly[8] = {1000000, 1350050, 980025, 1500000, 1400075, 1600000, 1550010, 1800000};

static void proj_lines(fx *f)
{
    etat(f, "31", "2020-12", "0", "5 000,00"); /* before the window: not in the fit */
    etat(f, "31", "2021-01", "0", "10 000,00");
    etat(f, "31", "2021-02", "0", "12 500,50");
    etat(f, "NAT", "2021-02", "0", "1 000,00");
    etat(f, "31", "2021-03", "0", "9 800,25");
    etat(f, "31", "2021-04", "0", "15 000,00");
    etat(f, "31", "2021-05", "0", "14 200,75");
    etat(f, "NAT", "2021-05", "0", "-200,00");
    etat(f, "31", "2021-06", "0", "16 250,00");
    etat(f, "31", "2021-06", "0", "-250,00");
    etat(f, "31", "2021-07", "0", "15 500,10");
    etat(f, "31", "2021-08", "0", "18 000,00");
}

/* Cumulative euros of proj_monthly at indices from .. to-1, as x and y of the fit. */
static size_t proj_points(size_t from, size_t to, long double *x, long double *y)
{
    spie_cents cum = 0;
    size_t n = 0;
    for (size_t i = 0; i < to; i++) {
        cum += proj_monthly[i];
        if (i >= from) {
            x[n] = (long double)i;
            y[n] = (long double)cum / 100.0L;
            n++;
        }
    }
    return n;
}

/* Our Student quantiles against R's qt(0.975, df) (the same to 18 digits with mpmath). */
static void test_t_quantile_reference(void **state)
{
    (void)state;
    assert_true(fabsl(t_quantile(0.975L, 6) - 2.446911851144969971L) < 1e-15L); /* qt(0.975, 6) */
    assert_true(fabsl(t_quantile(0.975L, 3) - 3.182446305283709593L) < 1e-15L); /* qt(0.975, 3) */
    assert_true(fabsl(t_quantile(0.975L, 4) - 2.776445105197794358L) < 1e-15L); /* qt(0.975, 4) */
    assert_true(fabsl(t_quantile(0.975L, 1) - 12.70620473617470465L) < 1e-13L); /* qt(0.975, 1) */
}

/* Window 2021-01 .. 2021-12 (x_e = 11), P = 2021-08, K = 12 with only 8 months available:
 * the fit has 8 points, x = 0..7, y = cumulative euros
 * 10000, 23500.5, 33300.75, 48300.75, 62301.5, 78301.5, 93801.6, 111801.6.
 * Exact values (rational arithmetic): c0 = 7116.8708333..., c1 = 14441.901190476...,
 * RSS = 44581287.77994..., yhat = 165977.78392857142857 (-> 165977.78),
 * se_fit = 3298.4780030752346, t = qt(0.975, 6) = 2.4469118511449699711,
 * interval [155507.35354478864930, 176448.21431235420784], yhat / V = 1.1065185595238095
 * with V = 150 000,00; the line reaches V at x = (V - c0) / c1 = 9.8937: month index 10,
 * 2021-11. */
static void test_projection_closed_form(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    proj_lines(f);
    fx_run(f);
    long double x[12], y[12];
    size_t n = proj_points(0, 8, x, y);
    ols o = ols_ref(x, y, n, 11.0L);
    assert_true(fabsl(o.yhat - 165977.78392857142857L) < 1e-6L);
    assert_true(fabsl(o.lower - 155507.35354478864930L) < 1e-6L);
    assert_true(fabsl(o.upper - 176448.21431235420784L) < 1e-6L);
    check_projection(f, &o, 8, 150000.0);
    check_exhaustion(f, "2021-11", 8);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-08", 11180160);
    check_cents(f, DEP, "31", "paye_etat", 11180160 - 80000 + 500000); /* NAT out, 2020 in */
    fx_free(f);
}

/* The same with K = 5: the last 5 months (x = 3..7). Exact: c0 = -349.51, c1 = 15850.18,
 * yhat = 174002.47, t = qt(0.975, 3) = 3.1824463052837096, interval
 * [165488.34636105073, 182516.59363894927]; V is reached at x = 9.4857: 2021-11. */
static void test_projection_last_k(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    f->params.projection_months = 5;
    proj_lines(f);
    fx_run(f);
    long double x[12], y[12];
    size_t n = proj_points(3, 8, x, y);
    ols o = ols_ref(x, y, n, 11.0L);
    assert_true(fabsl(o.yhat - 174002.47L) < 1e-6L);
    assert_true(fabsl(o.lower - 165488.34636105073L) < 1e-6L);
    check_projection(f, &o, 5, 150000.0);
    check_exhaustion(f, "2021-11", 5);
    fx_free(f);
}

/* Fewer than 3 points: nd (effectif: the points there are); exactly 3: a fit. */
static void test_projection_too_few_points(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-02");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    proj_lines(f);
    /* the lines after P would be rejected by the reading stage; keep only those <= P */
    spie_budget *bud = &f->budgets[0];
    size_t k = 0;
    for (size_t i = 0; i < bud->count; i++)
        if (bud->lines[i].month <= month("2021-02"))
            bud->lines[k++] = bud->lines[i];
    bud->count = k;
    f->b.nat_budget.count = 1; /* NAT 2021-02 */
    fx_run(f);
    check_nd(f, NAT, "FR", "projection_paye_fin", 2);
    check_nd(f, NAT, "FR", "projection_part_enveloppe", 2);
    check_nd(f, NAT, "FR", "projection_epuisement_dans_mois", 2);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-02", 2350050);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-03");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    etat(f, "31", "2021-01", "0", "10 000,00");
    etat(f, "31", "2021-02", "0", "13 500,50");
    etat(f, "31", "2021-03", "0", "9 800,25");
    fx_run(f);
    long double x[3], y[3];
    size_t n = proj_points(0, 3, x, y);
    ols o = ols_ref(x, y, n, 11.0L); /* t = qt(0.975, 1) */
    check_projection(f, &o, 3, 150000.0);
    fx_free(f);
}

/* P before the window's start: projection nd (no point), no envelope series, nothing
 * paid in the window; the territory's figures are there. */
static void test_projection_p_before_window(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2020-12");
    etat(f, "31", "2020-03", "2 000,00", "1 000,00");
    etat(f, "31", "2020-12", "0", "500,00");
    etat(f, "NAT", "2020-12", "0", "70,00");
    fx_run(f);
    check_nd(f, NAT, "FR", "projection_paye_fin", 0);
    check_nd(f, NAT, "FR", "projection_part_enveloppe", 0);
    check_nd(f, NAT, "FR", "projection_epuisement_dans_mois", 0);
    assert_int_equal(count_prefix(f, NAT, "FR", "paye_enveloppe_"), 0);
    assert_int_equal(count_prefix(f, DEP, "31", "paye_etat_mois_"), 0);
    check_cents(f, DEP, "31", "paye_etat", 150000);
    check_cents(f, NAT, "FR", "paye_etat_national", 7000);
    check_share(f, NAT, "FR", "part_enveloppe_payee", 0.0);
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000));
    fx_free(f);
}

/* P after the window's end: the fit is over the last K months up to the window's end and
 * the exhaustion month is nd, though the trend line reaches V inside the window.
 * Window 2021-01 .. 2021-06, P = 2021-09, K = 12: 6 points (x = 0..5, x_e = 5), monthly
 * paid 100, 120, 90, 130, 110, 140 (cumulative 100 .. 690), V = 300: the line reaches V
 * near x = 2.3, the exhaustion month would be 2021-06 (x_P = 5) if P were in the window. */
static void test_projection_p_after_window(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-09");
    f->params.window_end = month("2021-06");
    f->params.envelope = 30000;
    static const char *const paid[] = {"100", "120", "90", "130", "110", "140", "999", "999", "999"};
    static const char *const months[] = {"2021-01", "2021-02", "2021-03", "2021-04", "2021-05",
                                         "2021-06", "2021-07", "2021-08", "2021-09"};
    for (size_t i = 0; i < 9; i++)
        etat(f, "31", months[i], "0", paid[i]);
    fx_run(f);
    long double x[6], y[6], cum = 0;
    static const long double m[6] = {100, 120, 90, 130, 110, 140};
    for (int i = 0; i < 6; i++) {
        cum += m[i];
        x[i] = i;
        y[i] = cum;
    }
    ols o = ols_ref(x, y, 6, 5.0L);
    check_projection(f, &o, 6, 300.0);
    check_exhaustion(f, NULL, 6);
    check_cents(f, NAT, "FR", "reste_enveloppe", 30000 - 69000);
    check_cents(f, DEP, "31", "paye_etat", 69000 + 299700);
    fx_free(f);
}

/* A flat trend (c1 = 0) and a falling one (c1 < 0): not reached, even when the fitted
 * line is already above V (the rule is c1 <= 0 first). The projection itself is
 * published. */
static void test_projection_flat_and_falling(void **state)
{
    (void)state;
    /* flat: everything paid in January, nothing after; K = 5 over 2021-04 .. 2021-08 */
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 10000; /* 100,00, below the 500,00 already paid */
    f->params.projection_months = 5;
    etat(f, "31", "2021-01", "0", "500,00");
    fx_run(f);
    const spie_figure *r = get(f, NAT, "FR", "projection_paye_fin");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    assert_int_equal(r->ival, 50000);
    assert_true(r->lo == 500.0 && r->hi == 500.0); /* no residual: a zero-width interval */
    check_exhaustion(f, NULL, 5);
    fx_free(f);

    /* falling: recoveries of 10,00 every month after a first payment of 1 000,00 */
    f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-06");
    f->params.window_end = month("2021-12");
    f->params.envelope = 10000;
    etat(f, "31", "2021-01", "0", "1 000,00");
    etat(f, "31", "2021-02", "0", "-10,00");
    etat(f, "31", "2021-03", "0", "-30,00");
    etat(f, "31", "2021-04", "0", "-10,00");
    etat(f, "31", "2021-05", "0", "-20,00");
    etat(f, "31", "2021-06", "0", "-10,00");
    fx_run(f);
    long double x[6], y[6];
    static const long double c[6] = {1000, 990, 960, 950, 930, 920};
    for (int i = 0; i < 6; i++) {
        x[i] = i;
        y[i] = c[i];
    }
    ols o = ols_ref(x, y, 6, 11.0L);
    assert_true(o.c1 < 0);
    check_projection(f, &o, 6, 100.0);
    check_exhaustion(f, NULL, 6);
    fx_free(f);
}

/* The exhaustion month is the first x >= x_P where the line reaches V: P itself when the
 * line is already above V there; nd when the crossing is after the window's end. */
static void test_exhaustion_bounds(void **state)
{
    (void)state;
    /* Same data as test_projection_closed_form: c0 + c1 * 7 = 108210.18 at P. */
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 5000000; /* 50 000,00: the line crossed it near x = 2.97 */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, "2021-08", 8);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 16597700; /* 165 977,00 < yhat = 165 977,78: reached at x_e */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, "2021-12", 8);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 16597800; /* 165 978,00 > yhat: crossed only after the window */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, NULL, 8);
    fx_free(f);
}

/* K above 64 (a longer window): the fit over the last K months. Window 2021-01 ..
 * 2027-12 (x_e = 83), P = 2026-12 (72 months), K = 70: x = 2..71, 1 000,00 paid every
 * month and 50,00 more in odd months. */
static void test_projection_k_over_64(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2026-12");
    f->params.window_end = month("2027-12");
    f->params.projection_months = 70;
    f->params.envelope = INT64_C(8000000000);
    long double x[72], y[72], cum = 0;
    for (int i = 0; i < 72; i++) {
        char mo[8];
        spie_month_format(month("2021-01") + i, mo);
        etat(f, "31", mo, "0", i % 2 ? "1 050,00" : "1 000,00");
        cum += i % 2 ? 1050.0L : 1000.0L;
        x[i] = i;
        y[i] = cum;
    }
    fx_run(f);
    ols o = ols_ref(x + 2, y + 2, 70, 83.0L);
    check_projection(f, &o, 70, 80000000.0);
    fx_free(f);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_quantile_reference),
        cmocka_unit_test(test_projection_closed_form),
        cmocka_unit_test(test_projection_last_k),
        cmocka_unit_test(test_projection_too_few_points),
        cmocka_unit_test(test_projection_p_before_window),
        cmocka_unit_test(test_projection_p_after_window),
        cmocka_unit_test(test_projection_flat_and_falling),
        cmocka_unit_test(test_exhaustion_bounds),
        cmocka_unit_test(test_projection_k_over_64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
