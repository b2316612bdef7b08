/* Unit tests of engine/core/numfmt.c and of the money arithmetic of
 * engine/figures/stats.c: the locale-free number formatters (examples, random round trips,
 * a decimal-comma locale), the rounding to the cent, the division of cents, and the
 * messages of the statuses. The fixture (the checks of a double, the generator of the
 * randomised comparisons) is stats_fixture.c. */
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
#include <gsl/gsl_errno.h>

#include "spie/numfmt.h"
#include "spie/stats.h"
#include "stats_fixture.h"
#include "testutil.h"

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

/* The significant digits and decimal exponent of a number as spie_format_double or %e
 * write it, its leading and trailing zeros dropped: "0.000125" -> "125" and -4, "1000" ->
 * "1" and 3, "1.5e+16" -> "15" and 16. */
static void digits_of(const char *buf, char digits[64], int *e10)
{
    char all[64];
    int na = 0, int_digits = -1, e = 0;
    const char *s = buf + (*buf == '-');
    for (; *s != '\0' && *s != 'e'; s++) {
        if (*s == '.') {
            int_digits = na;
            continue;
        }
        assert_true(*s >= '0' && *s <= '9' && na < 63);
        all[na++] = *s;
    }
    if (int_digits < 0)
        int_digits = na;
    if (*s == 'e')
        e = atoi(s + 1);
    int f = 0, l = na;
    while (f < na && all[f] == '0')
        f++;
    while (l > f && all[l - 1] == '0')
        l--;
    memcpy(digits, all + f, (size_t)(l - f));
    digits[l - f] = '\0';
    *e10 = e + int_digits - 1 - f;
}

/* v written by spie_format_double has the digits and exponent of the correctly rounded
 * form of the shortest length that reads back (found by trying every length, and
 * rounded by the C library's %e): the very form, not only its length. */
static void check_exact(double v, locale_t c)
{
    char buf[SPIE_NUM_BUF], want[64], got_d[64], want_d[64];
    assert_true(spie_format_double(v, buf) > 0);
    const int len = shortest_len(v, c);
    assert_true(len <= 17);
    uselocale(c);
    snprintf(want, sizeof want, "%.*e", len - 1, v);
    uselocale(LC_GLOBAL_LOCALE);
    int got_e = 0, want_e = 0;
    digits_of(buf, got_d, &got_e);
    digits_of(want, want_d, &want_e);
    if (strcmp(got_d, want_d) != 0 || got_e != want_e || (v < 0) != (buf[0] == '-'))
        fail_msg("%.17g -> \"%s\", expected the digits of \"%s\"", v, buf, want);
}

/* The exact form, on the values a publication holds and at the edges of the shortcuts of
 * spie_format_double: rates k/n and percentages, integers (below 2^53 they are written
 * from their own digits), short decimals, random doubles of ordinary magnitude, subnormal
 * doubles (fewer digits of precision: the shortcut at 15 digits does not hold there) and
 * the values around 2^53. */
static void test_format_exact_form(void **state)
{
    (void)state;
    const locale_t c = test_c_locale();
    for (int i = 0; i < 6000; i++) {
        double n = (double)(1 + rng_below(5000)), k = (double)rng_below((uint64_t)n + 1);
        check_exact(k / n, c);
        check_exact(100.0 * k / n, c);
        check_exact(-(k + 0.5) / n, c);
    }
    for (int i = 0; i < 4000; i++) {
        check_exact((double)rng_below(100000), c);
        check_exact((double)(rng_next() >> 11), c); /* below 2^53 */
        check_exact(-(double)(rng_next() >> (11 + rng_below(40))), c);
        check_exact((double)(int64_t)rng_below(2000000) / pow(10.0, (double)rng_below(12)), c);
    }
    for (int i = 0; i < 4000; i++) {
        uint64_t bits = (rng_next() & 0x800FFFFFFFFFFFFFULL) | ((uint64_t)(1000 + rng_below(80)) << 52);
        double v;
        memcpy(&v, &bits, sizeof v);
        check_exact(v, c);
        bits = rng_next() & 0x800FFFFFFFFFFFFFULL; /* a subnormal (exponent bits 0) */
        memcpy(&v, &bits, sizeof v);
        if (v != 0.0)
            check_exact(v, c);
    }
    const double edges[] = {0x1p53 - 1, 0x1p53 - 2, 0x1p52 + 0.5, 0x1p52 - 0.5, 0x1p53 + 2, 0x1p53,
                            1e15, 1e16, 999999999999999.0, 9999999999999998.0, DBL_MIN, DBL_MIN * 3,
                            DBL_TRUE_MIN, DBL_TRUE_MIN * 7, 1.0 / 3.0, 0.1, 0.5, 1.0};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(edges); i++) {
        check_exact(edges[i], c);
        check_exact(-edges[i], c);
    }
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
    /* The generator where test_delay_random_matches_gsl (test_stats_delays.c) leaves it:
     * test_format_roundtrip_random draws the values it drew when both ran in one program. */
    rng_state = 0x9FE2DC001EEAA63FULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_examples),
        cmocka_unit_test(test_format_roundtrip_random),
        cmocka_unit_test(test_format_exact_form),
        cmocka_unit_test(test_format_decimal_comma_locale),
        cmocka_unit_test(test_round_cents),
        cmocka_unit_test(test_cents_div_round),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
