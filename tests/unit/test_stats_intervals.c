/* Unit tests of the intervals of engine/figures/stats.c: Wilson and Clopper–Pearson
 * intervals (R references and an independent binomial tail computation), with their edges.
 * The fixture (the checks of a double) is stats_fixture.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "spie/stats.h"
#include "stats_fixture.h"
#include "testutil.h"

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

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_references),
        cmocka_unit_test(test_wilson_edges),
        cmocka_unit_test(test_cp_references),
        cmocka_unit_test(test_cp_large_n),
        cmocka_unit_test(test_cp_all_small_n),
        cmocka_unit_test(test_cp_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
