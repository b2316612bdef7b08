/* Unit tests of the projection of §6 in engine/figures/stats.c: the fit and its prediction
 * interval (closed-form OLS computed here in long double, against R's lm and predict), and
 * the month the envelope is exhausted. The fixture (the checks of a double) is
 * stats_fixture.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "spie/stats.h"
#include "stats_fixture.h"
#include "testutil.h"

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

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projection_reference),
        cmocka_unit_test(test_projection_perfect_fit),
        cmocka_unit_test(test_projection_falling),
        cmocka_unit_test(test_projection_not_available),
        cmocka_unit_test(test_projection_exhaustion_rounding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
