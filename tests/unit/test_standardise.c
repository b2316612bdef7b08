/* Unit tests of the return rates on the national mix (docs/methodologie.md §12):
 * engine/fold/strata.c (the stratum counts of a cube), engine/figures/standardise.c (the
 * exact Poisson interval, the expected rate, ratio and standardised rate, their rows) and
 * their rows of the catalogue.
 *
 * The expected figures are worked out by hand in the comments. The Poisson interval is
 * checked three ways:
 *   - against the chi-square quantiles of the printed tables (qchisq(0.025, 10) = 3.246973,
 *     qchisq(0.975, 12) = 23.33666; e.g. Abramowitz & Stegun, table 26.8, and any
 *     statistics textbook's chi-square table): R's poisson.test(5, 2.3) gives the interval
 *     (3.246973 / 4.6, 23.33666 / 4.6) = (0.7058637, 5.073187);
 *   - against a reference computed here, independently of the engine, in long double: the
 *     regularized incomplete gamma by its series and its continued fraction (Numerical
 *     Recipes, §6.2), inverted by bisection, through lower = qgamma(alpha/2; O) / E =
 *     qchisq(alpha/2, 2O) / (2E) and upper = qgamma(1 - alpha/2; O + 1) / E;
 *   - for O = 10^6 and 3·10^6, against quantiles computed with mpmath 1.3.0 at 40 digits
 *     (the Poisson tails summed exactly, bisection), written below.
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
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "spie/acc.h"
#include "spie/date.h"
#include "spie/secret.h"
#include "spie/standardise.h"
#include "spie/strata.h"
#include "spie/table.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------ */

static void near(double got, double want, double rel, const char *what)
{
    double tol = rel * fabs(want);
    if (!(fabs(got - want) <= tol) && !(got == want))
        fail_msg("%s: %.17g, expected %.17g (relative tolerance %g)", what, got, want, rel);
}

static size_t st(spie_public pub, int age)
{
    return spie_stratum((unsigned)pub, (unsigned)age);
}

/* ---- an independent reference for the Poisson interval -------------------------------- */

/* P(a, x), the regularized lower incomplete gamma, by its series (x < a + 1) or as 1 - Q
 * by the continued fraction (Lentz), in long double. *q receives Q = 1 - P computed
 * without cancellation on the continued-fraction side. */
static long double ref_gamma_p(long double a, long double x, long double *q)
{
    if (x <= 0) {
        *q = 1;
        return 0;
    }
    long double pre = expl(-x + a * logl(x) - lgammal(a));
    if (x < a + 1) {
        long double ap = a, del = 1 / a, sum = del;
        for (int n = 0; n < 10000000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabsl(del) < fabsl(sum) * 1e-21L)
                break;
        }
        long double p = sum * pre;
        *q = 1 - p;
        return p;
    }
    const long double tiny = 1e-300L;
    long double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (long double i = 1; i < 10000000; i++) {
        long double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabsl(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabsl(c) < tiny)
            c = tiny;
        d = 1 / d;
        long double del = d * c;
        h *= del;
        if (fabsl(del - 1) < 1e-21L)
            break;
    }
    *q = pre * h;
    return 1 - *q;
}

/* The x where P(a, x) = p (lower) or Q(a, x) = p (upper), by bisection in long double. */
static long double ref_qgamma(long double a, long double p, bool upper_tail)
{
    long double lo = 0, hi = a + 60 * sqrtl(a) + 60;
    for (int i = 0; i < 300; i++) {
        long double mid = (lo + hi) / 2, q, P = ref_gamma_p(a, mid, &q);
        bool below = upper_tail ? q > p : P < p; /* the root is above mid */
        if (below)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/* poisson.test(O, E)$conf.int at level: (qgamma(a/2; O) / E, qgamma(a/2 upper; O + 1) / E). */
static void ref_interval(uint64_t o, double e, double level, double *lo, double *hi)
{
    long double t = (1.0L - level) / 2;
    *lo = o == 0 ? 0.0 : (double)(ref_qgamma((long double)o, t, false) / e);
    *hi = (double)(ref_qgamma((long double)o + 1, t, true) / e);
}

/* ---- the Poisson interval ------------------------------------------------------------- */

/* poisson.test(5, 2.3): 95 % interval (0.7058637, 5.073187), from the chi-square table:
 * qchisq(0.025, 10) / 4.6 and qchisq(0.975, 12) / 4.6 (table values to 7 digits). The
 * well-known intervals of one count (E = 1): O = 0: (0, 3.688879) (= -ln 0.025);
 * O = 1: (0.02531781, 5.571643); O = 10: (4.795389, 18.39036). */
static void test_poisson_published(void **state)
{
    (void)state;
    spie_interval iv;
    assert_int_equal(spie_poisson_ratio_interval(5, 2.3, 0.95, &iv), SPIE_STAT_OK);
    near(iv.lower, 3.246973 / 4.6, 3e-7, "poisson.test(5, 2.3) lower");
    near(iv.upper, 23.33666 / 4.6, 3e-7, "poisson.test(5, 2.3) upper");
    assert_int_equal(spie_poisson_ratio_interval(0, 1.0, 0.95, &iv), SPIE_STAT_OK);
    assert_true(iv.lower == 0.0);
    near(iv.upper, -log(0.025), 1e-15, "O = 0 upper = -ln(alpha/2)");
    near(iv.upper, 3.688879, 3e-7, "poisson.test(0) upper");
    assert_int_equal(spie_poisson_ratio_interval(1, 1.0, 0.95, &iv), SPIE_STAT_OK);
    near(iv.lower, 0.02531781, 3e-7, "poisson.test(1) lower");
    near(iv.upper, 5.571643, 3e-7, "poisson.test(1) upper");
    assert_int_equal(spie_poisson_ratio_interval(10, 1.0, 0.95, &iv), SPIE_STAT_OK);
    near(iv.lower, 4.795389, 3e-7, "poisson.test(10) lower");
    near(iv.upper, 18.39036, 3e-7, "poisson.test(10) upper");
}

/* The interval against the long double reference for O from 0 to 10^5, three levels, two
 * values of E: to 1e-12 relative (the reference's own precision; the engine's is ~1e-16).
 * Where GSL's gsl_cdf_chisq_Pinv converges it agrees to its own tolerance (1e-9). */
static void test_poisson_reference(void **state)
{
    (void)state;
    static const uint64_t os[] = {0, 1, 2, 3, 4, 5, 7, 10, 20, 33, 50, 100, 250, 1000, 2316, 5000, 10797, 100000};
    static const double levels[] = {0.95, 0.9, 0.99, 0.5};
    static const double es[] = {1.0, 37.25};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(os); i++)
        for (size_t l = 0; l < SPIE_ARRAY_LEN(levels); l++)
            for (size_t k = 0; k < SPIE_ARRAY_LEN(es); k++) {
                spie_interval iv;
                double lo, hi;
                char what[96];
                assert_int_equal(spie_poisson_ratio_interval(os[i], es[k], levels[l], &iv), SPIE_STAT_OK);
                ref_interval(os[i], es[k], levels[l], &lo, &hi);
                snprintf(what, sizeof what, "O = %llu, E = %g, level %g, lower", (unsigned long long)os[i], es[k],
                         levels[l]);
                if (os[i] == 0)
                    assert_true(iv.lower == 0.0);
                else
                    near(iv.lower, lo, 1e-12, what);
                snprintf(what, sizeof what, "O = %llu, E = %g, level %g, upper", (unsigned long long)os[i], es[k],
                         levels[l]);
                near(iv.upper, hi, 1e-12, what);
                assert_true(iv.lower < (double)os[i] / es[k] || os[i] == 0);
                assert_true(iv.upper > (double)os[i] / es[k]);
                /* GSL, where it converges (the definition of docs/methodologie.md §12) */
                double a = 1 - levels[l];
                double glo = os[i] ? gsl_cdf_chisq_Pinv(a / 2, 2.0 * (double)os[i]) / (2 * es[k]) : 0.0;
                double ghi = gsl_cdf_chisq_Pinv(1 - a / 2, 2.0 * (double)os[i] + 2) / (2 * es[k]);
                if (isfinite(glo))
                    near(iv.lower, glo, 1e-9, "against gsl_cdf_chisq_Pinv, lower");
                if (isfinite(ghi))
                    near(iv.upper, ghi, 1e-9, "against gsl_cdf_chisq_Pinv, upper");
            }
}

/* Large counts, where GSL's quantile gives NaN and its incomplete gamma loses digits:
 * the quantiles of mpmath 1.3.0 at 40 digits (E = 1). */
static void test_poisson_large(void **state)
{
    (void)state;
    static const struct {
        uint64_t o;
        double level, lo, hi;
    } cases[] = {
        {1000000, 0.95, 998040.9833402939029958194, 1001961.911945432193944761},
        {3000000, 0.95, 2996606.190049971235510599, 3003396.704821656663982959},
        {1000000, 0.99, 997426.0490212408121225025, 1002578.708864006286111327},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        spie_interval iv;
        assert_int_equal(spie_poisson_ratio_interval(cases[i].o, 1.0, cases[i].level, &iv), SPIE_STAT_OK);
        near(iv.lower, cases[i].lo, 4e-16, "large O, lower");
        near(iv.upper, cases[i].hi, 4e-16, "large O, upper");
    }
    /* far beyond any programme, still finite and ordered */
    spie_interval iv;
    assert_int_equal(spie_poisson_ratio_interval(1000000000, 1.0, 0.95, &iv), SPIE_STAT_OK);
    assert_true(iv.lower < 1e9 && iv.upper > 1e9 && iv.upper - iv.lower < 2e5);
}

/* Arguments: E must be finite and positive, the level in (0, 1). */
static void test_poisson_arguments(void **state)
{
    (void)state;
    spie_interval iv;
    assert_int_equal(spie_poisson_ratio_interval(3, 0.0, 0.95, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, -1.0, 0.95, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, INFINITY, 0.95, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, NAN, 0.95, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, 1.0, 0.0, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, 1.0, 1.0, &iv), SPIE_STAT_E_ARG);
    assert_int_equal(spie_poisson_ratio_interval(3, 1.0, NAN, &iv), SPIE_STAT_E_ARG);
    /* extreme but valid levels */
    assert_int_equal(spie_poisson_ratio_interval(3, 1.0, 0.999999, &iv), SPIE_STAT_OK);
    assert_true(iv.lower > 0 && iv.upper > 3);
    assert_int_equal(spie_poisson_ratio_interval(3, 1.0, 0.01, &iv), SPIE_STAT_OK);
    assert_true(iv.lower < 3 && iv.upper > 3);
}

/* ---- the figures of a group from stratum counts ---------------------------------------- */

/* National strata (one horizon):
 *   RSA × moins_26: 20 / 100 (p = 0.2)     RSA × 26_49: 20 / 200 (p = 0.1)
 *   JEUNE × moins_26: 25 / 50 (p = 0.5)     DE × 50_plus: 10 / 40 (p = 0.25)
 *   TH × moins_26: 0 / 30 (p = 0)           TH × inconnu: no eligible (no rate)
 * N = 420, X = 75: national rate 75 / 420 = 0.17857142857142858. */
typedef struct nat_fx {
    uint64_t n[SPIE_STRATA], x[SPIE_STRATA];
} nat_fx;

static nat_fx nation(void)
{
    nat_fx f;
    memset(&f, 0, sizeof f);
    f.n[st(SPIE_PUBLIC_RSA, SPIE_AGE_LT26)] = 100;
    f.x[st(SPIE_PUBLIC_RSA, SPIE_AGE_LT26)] = 20;
    f.n[st(SPIE_PUBLIC_RSA, SPIE_AGE_26_49)] = 200;
    f.x[st(SPIE_PUBLIC_RSA, SPIE_AGE_26_49)] = 20;
    f.n[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 50;
    f.x[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 25;
    f.n[st(SPIE_PUBLIC_DE, SPIE_AGE_50P)] = 40;
    f.x[st(SPIE_PUBLIC_DE, SPIE_AGE_50P)] = 10;
    f.n[st(SPIE_PUBLIC_TH, SPIE_AGE_LT26)] = 30;
    return f;
}

/* A group: RSA × moins_26 3 / 10, RSA × 26_49 1 / 20, JEUNE × moins_26 3 / 4, and the
 * strata TH × inconnu (5 eligible, no national eligible: no weight) and DE × 50_plus
 * (none in the group).
 *   n = 39, O = 7, E = 10 · 0.2 + 20 · 0.1 + 4 · 0.5 + 5 · (no rate) = 6;
 *   expected rate = 6 / 39 = 0.15384615384615385; ratio = 7 / 6 = 1.1666666666666667;
 *   standardised rate = 7/6 · 75/420 = 0.20833333333333334 (25/120);
 *   interval: poisson.test(7, 6) × (1, 75/420). */
static void test_group_by_hand(void **state)
{
    (void)state;
    nat_fx nat = nation();
    uint64_t n[SPIE_STRATA] = {0}, x[SPIE_STRATA] = {0};
    n[st(SPIE_PUBLIC_RSA, SPIE_AGE_LT26)] = 10;
    x[st(SPIE_PUBLIC_RSA, SPIE_AGE_LT26)] = 3;
    n[st(SPIE_PUBLIC_RSA, SPIE_AGE_26_49)] = 20;
    x[st(SPIE_PUBLIC_RSA, SPIE_AGE_26_49)] = 1;
    n[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 4;
    x[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 3;
    n[st(SPIE_PUBLIC_TH, SPIE_AGE_UNKNOWN)] = 5;
    spie_std s;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_int_equal(s.n, 39);
    assert_int_equal(s.o, 7);
    near(s.expected, 6.0, 1e-15, "E");
    assert_int_equal(s.expected_st, SPIE_STAT_OK);
    near(s.expected_rate, 6.0 / 39.0, 1e-15, "expected rate");
    assert_int_equal(s.ratio_st, SPIE_STAT_OK);
    near(s.ratio, 7.0 / 6.0, 1e-15, "ratio");
    near(s.national_rate, 75.0 / 420.0, 1e-15, "national rate");
    assert_int_equal(s.std_st, SPIE_STAT_OK);
    near(s.std_rate, 25.0 / 120.0, 1e-15, "standardised rate");
    double lo, hi;
    ref_interval(7, 6.0, 0.95, &lo, &hi);
    near(s.ratio_ci.lower, lo, 1e-12, "ratio lower");
    near(s.ratio_ci.upper, hi, 1e-12, "ratio upper");
    near(s.std_ci.lower, lo * 75.0 / 420.0, 1e-12, "standardised lower");
    near(s.std_ci.upper, hi * 75.0 / 420.0, 1e-12, "standardised upper");
}

/* A group of one stratum: the ratio is its observed rate over the national rate of that
 * stratum. JEUNE × moins_26, 6 / 8: E = 8 · 0.5 = 4, ratio = 6 / 4 = 1.5 = (6/8) / 0.5;
 * expected rate = 0.5, the stratum's national rate. */
static void test_one_stratum(void **state)
{
    (void)state;
    nat_fx nat = nation();
    uint64_t n[SPIE_STRATA] = {0}, x[SPIE_STRATA] = {0};
    n[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 8;
    x[st(SPIE_PUBLIC_JEUNE, SPIE_AGE_LT26)] = 6;
    spie_std s;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_true(s.expected_rate == 0.5);
    assert_true(s.ratio == 1.5);
    assert_true(s.ratio == (6.0 / 8.0) / 0.5);
    /* the same with the DE × 50_plus stratum: 3 / 12, E = 3, ratio 1 */
    memset(n, 0, sizeof n);
    memset(x, 0, sizeof x);
    n[st(SPIE_PUBLIC_DE, SPIE_AGE_50P)] = 12;
    x[st(SPIE_PUBLIC_DE, SPIE_AGE_50P)] = 3;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_true(s.ratio == 1.0);
    assert_true(s.std_rate == 75.0 / 420.0);
}

/* O = 0: RSA × 26_49, 0 / 10: E = 1, ratio 0 with the interval (0, -ln 0.025); the
 * standardised rate is 0, its upper bound -ln 0.025 · 75/420. */
static void test_no_success(void **state)
{
    (void)state;
    nat_fx nat = nation();
    uint64_t n[SPIE_STRATA] = {0}, x[SPIE_STRATA] = {0};
    n[st(SPIE_PUBLIC_RSA, SPIE_AGE_26_49)] = 10;
    spie_std s;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    near(s.expected, 1.0, 1e-15, "E");
    assert_int_equal(s.ratio_st, SPIE_STAT_OK);
    assert_true(s.ratio == 0.0 && s.ratio_ci.lower == 0.0);
    near(s.ratio_ci.upper, -log(0.025), 1e-15, "upper");
    assert_true(s.std_rate == 0.0 && s.std_ci.lower == 0.0);
    near(s.std_ci.upper, -log(0.025) * 75.0 / 420.0, 1e-15, "standardised upper");
}

/* E = 0: a group whose only stratum has a national rate of 0 (TH × moins_26, 0 / 6): the
 * expected rate is 0, the ratio and the standardised rate are not available. A group of
 * the stratum without national eligible (TH × inconnu, 0 / 5) too. No eligible at all:
 * nothing is available. */
static void test_not_available(void **state)
{
    (void)state;
    nat_fx nat = nation();
    uint64_t n[SPIE_STRATA] = {0}, x[SPIE_STRATA] = {0};
    n[st(SPIE_PUBLIC_TH, SPIE_AGE_LT26)] = 6;
    spie_std s;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_int_equal(s.expected_st, SPIE_STAT_OK);
    assert_true(s.expected_rate == 0.0);
    assert_int_equal(s.ratio_st, SPIE_STAT_NA);
    assert_int_equal(s.std_st, SPIE_STAT_NA);
    assert_int_equal(s.n, 6);

    memset(n, 0, sizeof n);
    n[st(SPIE_PUBLIC_TH, SPIE_AGE_UNKNOWN)] = 5;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_true(s.expected == 0.0);
    assert_int_equal(s.ratio_st, SPIE_STAT_NA);

    memset(n, 0, sizeof n);
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    assert_int_equal(s.expected_st, SPIE_STAT_NA);
    assert_int_equal(s.ratio_st, SPIE_STAT_NA);
    assert_int_equal(s.std_st, SPIE_STAT_NA);
    assert_int_equal(s.n, 0);

    /* bad counts: more successes than eligible; a bad level */
    n[0] = 2;
    x[0] = 3;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_E_ARG);
    x[0] = 1;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 1.5, &s), SPIE_STAT_E_ARG);
    n[1] = UINT64_MAX;
    assert_int_equal(spie_std_compute(n, x, nat.n, nat.x, 0.95, &s), SPIE_STAT_E_OVERFLOW);
}

/* The nation against itself: E = X, ratio 1, standardised rate = the national rate; and
 * the expected successes of a partition of the nation add up to X. */
static void test_nation_balances(void **state)
{
    (void)state;
    nat_fx nat = nation();
    spie_std s;
    assert_int_equal(spie_std_compute(nat.n, nat.x, nat.n, nat.x, 0.95, &s), SPIE_STAT_OK);
    near(s.expected, 75.0, 1e-15, "E of the nation");
    near(s.ratio, 1.0, 1e-15, "ratio of the nation");
    /* two halves: the even strata and the odd ones, each stratum split 3 : 7 */
    uint64_t an[SPIE_STRATA], ax[SPIE_STRATA], bn[SPIE_STRATA], bx[SPIE_STRATA];
    for (size_t i = 0; i < SPIE_STRATA; i++) {
        an[i] = nat.n[i] * 3 / 10;
        ax[i] = nat.x[i] * 3 / 10 < an[i] ? nat.x[i] * 3 / 10 : an[i];
        bn[i] = nat.n[i] - an[i];
        bx[i] = nat.x[i] - ax[i];
    }
    spie_std a, b;
    assert_int_equal(spie_std_compute(an, ax, nat.n, nat.x, 0.95, &a), SPIE_STAT_OK);
    assert_int_equal(spie_std_compute(bn, bx, nat.n, nat.x, 0.95, &b), SPIE_STAT_OK);
    near(a.expected + b.expected, 75.0, 1e-14, "E_a + E_b = X");
    near(a.expected_rate * (double)a.n + b.expected_rate * (double)b.n, 75.0, 1e-14, "attendu x effectif");
}

/* ---- strata in the cubes ------------------------------------------------------------- */

static spie_day day(int y, int m, int d)
{
    spie_day x = SPIE_NO_DAY;
    if (!spie_day_from_ymd(y, m, d, &x))
        fail_msg("bad test date %04d-%02d-%02d", y, m, d);
    return x;
}

/* A person entered on y-m-d, of public pub, born in birth (0: unknown). */
static spie_person mk(int y, int m, int d, spie_public pub, int birth)
{
    spie_person p;
    spie_person_blank(&p, day(y, m, d));
    p.public_ = (uint8_t)pub;
    p.birth_year = (int16_t)birth;
    return p;
}

typedef struct fx {
    spie_params params;
    spie_fold_ctx ctx;
} fx;

static void fx_init(fx *f, int y, int m)
{
    memset(f, 0, sizeof *f);
    spie_params_default(&f->params);
    spie_month per;
    assert_true(spie_month_from_ym(y, m, &per));
    spie_fold_ctx_init(&f->ctx, &f->params, per);
}

/* Period 2022-06 (D = 2022-06-30), horizons 3, 6, 12 (indices 0, 1, 2):
 *   a  RSA, born 2000, entered 2021-03-15 (age 21: moins_26): REPRISE 2021-05-01
 *      (durable), within 3 months: eligible at 3, 6, 12; success and durable at all;
 *   b  RSA, born 1960, entered 2021-12-31 (61: 50_plus): REPRISE 2022-04-30 (not durable),
 *      after add_months(E, 3) = 2022-03-31: eligible at 3 and 6 (2022-06-30 <= D), not
 *      12; success at 6 only;
 *   c  JEUNE, birth unknown, entered 2022-04-01: eligible at none (2022-07-01 > D);
 *   d  DE, born 1980, entered 2021-06-30 (41: 26_49): no REPRISE; eligible at 3, 6, 12;
 *   e  TH, born 1998, entered 2020-01-31 (22: moins_26): REPRISE 2020-04-30: add_months
 *      gives 2020-04-30: success at 3 (the day itself counts), durable none. */
static void persons(spie_person ps[5])
{
    ps[0] = mk(2021, 3, 15, SPIE_PUBLIC_RSA, 2000);
    ps[0].first[SPIE_STEP_REPRISE] = ps[0].first_durable = day(2021, 5, 1);
    ps[1] = mk(2021, 12, 31, SPIE_PUBLIC_RSA, 1960);
    ps[1].first[SPIE_STEP_REPRISE] = day(2022, 4, 30);
    ps[2] = mk(2022, 4, 1, SPIE_PUBLIC_JEUNE, 0);
    ps[3] = mk(2021, 6, 30, SPIE_PUBLIC_DE, 1980);
    ps[4] = mk(2020, 1, 31, SPIE_PUBLIC_TH, 1998);
    ps[4].first[SPIE_STEP_REPRISE] = day(2020, 4, 30);
}

static void test_strata_fold(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 2022, 6);
    spie_person ps[5];
    persons(ps);
    spie_cube c;
    assert_true(spie_cube_init(&c, &f.ctx, false)); /* a département's cube has strata too */
    for (size_t i = 0; i < 5; i++)
        spie_cube_fold(&c, &f.ctx, &ps[i]);
    const spie_strata *s = &c.strata;
    size_t a = st(SPIE_PUBLIC_RSA, SPIE_AGE_LT26), b = st(SPIE_PUBLIC_RSA, SPIE_AGE_50P),
           cc = st(SPIE_PUBLIC_JEUNE, SPIE_AGE_UNKNOWN), d = st(SPIE_PUBLIC_DE, SPIE_AGE_26_49),
           e = st(SPIE_PUBLIC_TH, SPIE_AGE_LT26);
    assert_int_equal(a, 0);
    assert_int_equal(e, 12);
    /* horizon 3 */
    assert_int_equal(s->eligible[0][a], 1);
    assert_int_equal(s->success[0][a], 1);
    assert_int_equal(s->durable[0][a], 1);
    assert_int_equal(s->eligible[0][b], 1);
    assert_int_equal(s->success[0][b], 0);
    assert_int_equal(s->eligible[0][cc], 0);
    assert_int_equal(s->eligible[0][d], 1);
    assert_int_equal(s->success[0][d], 0);
    assert_int_equal(s->eligible[0][e], 1);
    assert_int_equal(s->success[0][e], 1);
    assert_int_equal(s->durable[0][e], 0);
    /* horizon 6 */
    assert_int_equal(s->eligible[1][b], 1);
    assert_int_equal(s->success[1][b], 1);
    assert_int_equal(s->durable[1][b], 0);
    /* horizon 12: b is not eligible */
    assert_int_equal(s->eligible[2][b], 0);
    assert_int_equal(s->eligible[2][a] + s->eligible[2][d] + s->eligible[2][e], 3);
    /* every stratum adds up to the ensemble's counters, at every horizon */
    for (size_t h = 0; h < f.params.n_horizons; h++) {
        uint64_t n = 0, x = 0, du = 0;
        for (size_t k = 0; k < SPIE_STRATA; k++) {
            n += s->eligible[h][k];
            x += s->success[h][k];
            du += s->durable[h][k];
        }
        assert_int_equal(n, c.cells[0].horizon[h].eligible);
        assert_int_equal(x, c.cells[0].horizon[h].success);
        assert_int_equal(du, c.cells[0].horizon[h].durable_success);
    }
    assert_int_equal(c.cells[0].horizon[0].eligible, 4);

    /* adding cubes adds the strata exactly, in any order; a reset empties them */
    spie_cube odd, even, ab, ba;
    assert_true(spie_cube_init(&odd, &f.ctx, true));
    assert_true(spie_cube_init(&even, &f.ctx, true));
    assert_true(spie_cube_init(&ab, &f.ctx, false));
    assert_true(spie_cube_init(&ba, &f.ctx, true));
    for (size_t i = 0; i < 5; i++)
        spie_cube_fold(i % 2 ? &odd : &even, &f.ctx, &ps[i]);
    spie_cube_add(&ab, &odd);
    spie_cube_add(&ab, &even);
    spie_cube_add(&ba, &even);
    spie_cube_add(&ba, &odd);
    assert_memory_equal(&ab.strata, &c.strata, sizeof c.strata);
    assert_memory_equal(&ba.strata, &c.strata, sizeof c.strata);
    spie_cube_reset(&ab);
    spie_strata zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&ab.strata, &zero, sizeof zero);

    /* the strata alone, with and without what the cube's fold computed */
    spie_strata alone;
    spie_strata_reset(&alone);
    for (size_t i = 0; i < 5; i++)
        spie_strata_fold(&alone, &f.ctx, &ps[i], -1, NULL);
    assert_memory_equal(&alone, &c.strata, sizeof alone);
    spie_cube_release(&c);
    spie_cube_release(&odd);
    spie_cube_release(&even);
    spie_cube_release(&ab);
    spie_cube_release(&ba);
}

/* ---- rows --------------------------------------------------------------------------- */

static const spie_figure *find(const spie_table *t, const char *ind)
{
    const spie_figure *hit = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].indicator, ind) == 0) {
            if (hit)
                fail_msg("%s twice", ind);
            hit = &t->rows[i];
        }
    if (!hit)
        fail_msg("%s missing", ind);
    return hit;
}

/* A département of persons a, b (its RSA) against a nation of all five: rows for every
 * horizon, with their identities, names, effectif n and num O; at horizon 3 the
 * département has 2 eligible (a: moins_26, b: 50_plus), 1 success (a). National strata at
 * 3 months: RSA × moins_26 1 / 1, RSA × 50_plus 0 / 1, DE × 26_49 0 / 1, TH × moins_26
 * 1 / 1; so E = 1 · 1 + 1 · 0 = 1, expected rate 1/2, ratio 1 / 1, standardised rate
 * 1 · 2/4 = 0.5 (national 2 successes of 4 eligible). At 12 months: a alone, 1 / 1
 * against RSA × moins_26 1 / 1: ratio 1. Durable at 6 months: a, durable, 1 / 2 eligible;
 * national durable RSA × moins_26 1 / 1, RSA × 50_plus 0 / 1: E = 1, ratio 1. */
static void test_rows(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 2022, 6);
    spie_person ps[5];
    persons(ps);
    spie_cube nat, dep;
    assert_true(spie_cube_init(&nat, &f.ctx, true));
    assert_true(spie_cube_init(&dep, &f.ctx, false));
    for (size_t i = 0; i < 5; i++)
        spie_cube_fold(&nat, &f.ctx, &ps[i]);
    spie_cube_fold(&dep, &f.ctx, &ps[0]);
    spie_cube_fold(&dep, &f.ctx, &ps[1]);
    spie_table t = {0};
    spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, "31", "Haute-Garonne"};
    spie_error err = {0};
    assert_int_equal(spie_std_rows(&t, &g, &dep, &nat, true, &f.params, &err), SPIE_OK);
    assert_int_equal(t.n, 3 * 6);
    for (size_t i = 0; i < t.n; i++) {
        const spie_figure *r = &t.rows[i];
        char name[SPIE_IND_NAME_MAX];
        assert_true(spie_ind_name(r->id, &f.params, name, sizeof name) > 0);
        assert_string_equal(name, r->indicator);
        assert_int_equal(r->level, SPIE_LEVEL_DEPARTEMENT);
        assert_int_equal(r->breakdown, SPIE_BD_ENSEMBLE);
        assert_string_equal(r->code, "31");
        assert_string_equal(r->modality, "");
        assert_true(r->has_effectif);
        assert_int_equal(r->has_ci, spie_ind_has_interval(r->id) && r->status == SPIE_STATUS_OK);
        assert_int_equal(spie_ind_rule(r->id), SPIE_RULE_RATE);
    }
    const spie_figure *r = find(&t, "taux_reprise_3m_attendu");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    assert_true(r->real == 0.5);
    assert_int_equal(r->effectif, 2);
    assert_int_equal(r->num, 1);
    assert_false(r->has_ci);
    r = find(&t, "ratio_reprise_3m");
    assert_true(r->real == 1.0);
    double lo, hi;
    ref_interval(1, 1.0, 0.95, &lo, &hi);
    near(r->lo, lo, 1e-12, "ratio_reprise_3m lower");
    near(r->hi, hi, 1e-12, "ratio_reprise_3m upper");
    r = find(&t, "taux_reprise_3m_standardise");
    assert_true(r->real == 0.5);
    near(r->lo, lo * 0.5, 1e-12, "standardised lower");
    near(r->hi, hi * 0.5, 1e-12, "standardised upper");
    assert_true(find(&t, "ratio_reprise_12m")->real == 1.0);
    assert_int_equal(find(&t, "ratio_reprise_12m")->effectif, 1);
    assert_true(find(&t, "ratio_reprise_durable_6m")->real == 1.0);
    assert_int_equal(find(&t, "ratio_reprise_durable_6m")->effectif, 2);
    /* durable at 3 months: a, durable, against RSA × moins_26 1 / 1 and RSA × 50_plus 0 / 1 */
    assert_true(find(&t, "taux_reprise_durable_3m_attendu")->real == 0.5);
    spie_table_release(&t);

    /* a group that is not available: every row nd with an empty effectif */
    assert_int_equal(spie_std_rows(&t, &g, &dep, &nat, false, &f.params, &err), SPIE_OK);
    assert_int_equal(t.n, 18);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.rows[i].status, SPIE_STATUS_ND);
        assert_false(t.rows[i].has_effectif);
        assert_false(t.rows[i].has_ci);
    }
    spie_table_release(&t);

    /* a département with nobody eligible at 12 months: nd with effectif 0 */
    spie_cube late;
    assert_true(spie_cube_init(&late, &f.ctx, false));
    spie_cube_fold(&late, &f.ctx, &ps[1]);
    assert_int_equal(spie_std_rows(&t, &g, &late, &nat, true, &f.params, &err), SPIE_OK);
    r = find(&t, "taux_reprise_12m_attendu");
    assert_int_equal(r->status, SPIE_STATUS_ND);
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, 0);
    assert_int_equal(find(&t, "ratio_reprise_12m")->status, SPIE_STATUS_ND);
    assert_int_equal(find(&t, "taux_reprise_12m_standardise")->status, SPIE_STATUS_ND);
    /* b alone at 3 months: RSA × 50_plus, national rate 0: E = 0, expected 0, ratio nd */
    r = find(&t, "taux_reprise_3m_attendu");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    assert_true(r->real == 0.0);
    r = find(&t, "ratio_reprise_3m");
    assert_int_equal(r->status, SPIE_STATUS_ND);
    assert_int_equal(r->effectif, 1);
    spie_table_release(&t);

    /* strata that do not add up to the ensemble's counters are a bug, said as such */
    late.strata.eligible[1][0]++;
    assert_int_equal(spie_std_rows(&t, &g, &late, &nat, true, &f.params, &err), SPIE_E_INTERNAL);
    assert_non_null(strstr(err.msg, "strates"));
    assert_non_null(strstr(err.msg, "6 mois"));
    spie_table_release(&t);

    spie_cube_release(&late);
    spie_cube_release(&nat);
    spie_cube_release(&dep);
}

/* ---- the catalogue's rows ------------------------------------------------------------- */

static void test_catalogue_rows(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    static const struct {
        spie_ind ind;
        const char *name; /* at 6 months */
        spie_ind rate;
        spie_unit unit;
        bool interval;
    } rows[] = {
        {SPIE_IND_TAUX_REPRISE_ATTENDU, "taux_reprise_6m_attendu", SPIE_IND_TAUX_REPRISE, SPIE_UNIT_SHARE, false},
        {SPIE_IND_RATIO_REPRISE, "ratio_reprise_6m", SPIE_IND_TAUX_REPRISE, SPIE_UNIT_RATIO, true},
        {SPIE_IND_TAUX_REPRISE_STANDARDISE, "taux_reprise_6m_standardise", SPIE_IND_TAUX_REPRISE, SPIE_UNIT_SHARE,
         true},
        {SPIE_IND_TAUX_REPRISE_DURABLE_ATTENDU, "taux_reprise_durable_6m_attendu", SPIE_IND_TAUX_REPRISE_DURABLE,
         SPIE_UNIT_SHARE, false},
        {SPIE_IND_RATIO_REPRISE_DURABLE, "ratio_reprise_durable_6m", SPIE_IND_TAUX_REPRISE_DURABLE, SPIE_UNIT_RATIO,
         true},
        {SPIE_IND_TAUX_REPRISE_DURABLE_STANDARDISE, "taux_reprise_durable_6m_standardise",
         SPIE_IND_TAUX_REPRISE_DURABLE, SPIE_UNIT_SHARE, true},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(rows); i++) {
        spie_ind_id id = spie_id(rows[i].ind, 6), back, rate;
        char name[SPIE_IND_NAME_MAX];
        assert_true(spie_ind_name(id, &p, name, sizeof name) > 0);
        assert_string_equal(name, rows[i].name);
        assert_true(spie_ind_parse(name, &p, &back));
        assert_true(spie_id_eq(back, id));
        assert_int_equal(spie_ind_unit(id), rows[i].unit);
        assert_int_equal(spie_ind_has_interval(id), rows[i].interval);
        assert_int_equal(spie_ind_rule(id), SPIE_RULE_RATE);
        assert_true(spie_std_rate_of(id, &rate));
        assert_true(spie_id_eq(rate, spie_id(rows[i].rate, 6)));
        assert_true(spie_ind_published_at(rows[i].ind, SPIE_LEVEL_DEPARTEMENT));
        assert_true(spie_ind_published_at(rows[i].ind, SPIE_LEVEL_REGION));
        assert_true(spie_ind_published_at(rows[i].ind, SPIE_LEVEL_VAGUE));
        assert_false(spie_ind_published_at(rows[i].ind, SPIE_LEVEL_NATIONAL));
    }
    spie_ind_id rate;
    assert_false(spie_std_rate_of(spie_id(SPIE_IND_TAUX_REPRISE, 6), &rate));
    assert_false(spie_std_rate_of(spie_id(SPIE_IND_ENTRANTS, 0), &rate));
    assert_string_equal(spie_unit_word(SPIE_UNIT_RATIO), "ratio");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_published),
        cmocka_unit_test(test_poisson_reference),
        cmocka_unit_test(test_poisson_large),
        cmocka_unit_test(test_poisson_arguments),
        cmocka_unit_test(test_group_by_hand),
        cmocka_unit_test(test_one_stratum),
        cmocka_unit_test(test_no_success),
        cmocka_unit_test(test_not_available),
        cmocka_unit_test(test_nation_balances),
        cmocka_unit_test(test_strata_fold),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_catalogue_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
