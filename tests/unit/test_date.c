/* Unit tests of spie/date.h: day numbers, leap years, add_months, months, formatting.
 *
 * Reference day numbers were computed independently with GNU date (coreutils), e.g.
 *   TZ=UTC date -u -d 2021-06-30 +%s   ->  1625011200 / 86400 = 18808
 * and agree with Python's datetime.date(y, m, d).toordinal() - date(1970, 1, 1).toordinal()
 * (both proleptic Gregorian). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spie/date.h"
#include "testutil.h"

/* The test's own month lengths, written independently of the engine's. */
static int ref_days_in_month(int y, int m)
{
    if (m == 2)
        return (y % 400 == 0 || (y % 4 == 0 && y % 100 != 0)) ? 29 : 28;
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
}

static spie_day ymd(int y, int m, int d)
{
    spie_day day = 0;
    assert_true(spie_day_from_ymd(y, m, d, &day));
    return day;
}

static void test_known_day_numbers(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        spie_day day; /* `TZ=UTC date -u -d YYYY-MM-DD +%s` / 86400 */
    } cases[] = {
        {1970, 1, 1, 0},          /* 0 */
        {1969, 12, 31, -1},       /* -86400 */
        {2000, 3, 1, 11017},      /* 951868800 */
        {2021, 6, 30, 18808},     /* 1625011200 */
        {2020, 2, 29, 18321},     /* 1582934400 */
        {1900, 1, 1, -25567},     /* -2208988800 */
        {2100, 12, 31, 47846},    /* 4133894400 */
        {1, 1, 1, -719162},       /* -62135596800 */
        {9999, 12, 31, 2932896},  /* 253402214400 */
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        spie_day day = 12345;
        assert_true(spie_day_from_ymd(cases[i].y, cases[i].m, cases[i].d, &day));
        assert_int_equal(day, cases[i].day);
        int y = -1, m = -1, d = -1;
        spie_day_to_ymd(cases[i].day, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
    }
    assert_int_equal(SPIE_DAY_MIN, ymd(1, 1, 1));
    assert_int_equal(SPIE_DAY_MAX, ymd(9999, 12, 31));
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_false(spie_is_leap_year(1900));
    assert_true(spie_is_leap_year(2000));
    assert_true(spie_is_leap_year(2020));
    assert_false(spie_is_leap_year(2021));
    assert_false(spie_is_leap_year(2100));
    assert_true(spie_is_leap_year(2400));
    assert_true(spie_is_leap_year(1600));
    assert_true(spie_is_leap_year(4));
    assert_false(spie_is_leap_year(1));

    spie_day day = 777;
    assert_false(spie_day_from_ymd(1900, 2, 29, &day));
    assert_false(spie_day_from_ymd(2021, 2, 29, &day));
    assert_false(spie_day_from_ymd(2100, 2, 29, &day));
    assert_int_equal(day, 777); /* untouched on failure */
    assert_true(spie_day_from_ymd(2000, 2, 29, &day));
    assert_int_equal(day, 11016); /* the day before 2000-03-01 = 11017 */
    assert_true(spie_day_from_ymd(2020, 2, 29, &day));
    assert_int_equal(day, 18321);
    /* 2000 is a leap year, so 2000-01-01 .. 2001-01-01 is 366 days; 1900 has 365. */
    assert_int_equal(ymd(2001, 1, 1) - ymd(2000, 1, 1), 366);
    assert_int_equal(ymd(1901, 1, 1) - ymd(1900, 1, 1), 365);
    assert_int_equal(ymd(2021, 1, 1) - ymd(2020, 1, 1), 366);

    static const int len2021[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(spie_days_in_month(2021, m), len2021[m - 1]);
    assert_int_equal(spie_days_in_month(2020, 2), 29);
    assert_int_equal(spie_days_in_month(1900, 2), 28);
    assert_int_equal(spie_days_in_month(2000, 2), 29);
    assert_int_equal(spie_days_in_month(2021, 0), 0);
    assert_int_equal(spie_days_in_month(2021, 13), 0);
}

static void test_day_from_ymd_rejects(void **state)
{
    (void)state;
    static const int bad[][3] = {
        {0, 1, 1},     {10000, 1, 1}, {-1, 1, 1},   {2021, 0, 1},   {2021, 13, 1},
        {2021, -1, 1}, {2021, 1, 0},  {2021, 1, 32}, {2021, 4, 31}, {2021, 6, 31},
        {2021, 9, 31}, {2021, 11, 31}, {2021, 2, 30}, {2021, 1, -1}, {0, 0, 0},
        {INT_MAX, 1, 1}, {INT_MIN, 1, 1}, {2021, INT_MAX, 1}, {2021, 1, INT_MAX},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        spie_day day = 4242;
        assert_false(spie_day_from_ymd(bad[i][0], bad[i][1], bad[i][2], &day));
        assert_int_equal(day, 4242);
    }
}

/* Every day of 1900..2100, walked with the test's own calendar: day numbers must be
 * consecutive from -25567 (1900-01-01) and end at 47846 (2100-12-31), and every
 * conversion, month and format must agree. */
static void test_round_trip_1900_2100(void **state)
{
    (void)state;
    spie_day expect = -25567;
    for (int y = 1900; y <= 2100; y++) {
        for (int m = 1; m <= 12; m++) {
            spie_month month = 0;
            assert_true(spie_month_from_ym(y, m, &month));
            assert_int_equal(month, y * 12 + m - 1);
            assert_int_equal(spie_month_first_day(month), expect);
            const int len = ref_days_in_month(y, m);
            assert_int_equal(spie_days_in_month(y, m), len);
            assert_int_equal(spie_month_last_day(month), expect + len - 1);
            for (int d = 1; d <= len; d++, expect++) {
                spie_day day = 0;
                assert_true(spie_day_from_ymd(y, m, d, &day));
                assert_int_equal(day, expect);
                int yy, mm, dd;
                spie_day_to_ymd(expect, &yy, &mm, &dd);
                assert_int_equal(yy, y);
                assert_int_equal(mm, m);
                assert_int_equal(dd, d);
                assert_int_equal(spie_month_of_day(expect), month);
                char buf[11], ref[32];
                spie_day_format(expect, buf);
                snprintf(ref, sizeof ref, "%04d-%02d-%02d", y, m, d);
                assert_string_equal(buf, ref);
            }
        }
    }
    assert_int_equal(expect, 47846 + 1);
}

/* Whole supported range: to_ymd then from_ymd is the identity, and the calendar day
 * advances by one day each step. */
static void test_round_trip_full_range(void **state)
{
    (void)state;
    int py, pm, pd;
    spie_day_to_ymd(SPIE_DAY_MIN, &py, &pm, &pd);
    assert_int_equal(py, 1);
    assert_int_equal(pm, 1);
    assert_int_equal(pd, 1);
    for (spie_day day = SPIE_DAY_MIN + 1; day <= SPIE_DAY_MAX; day++) {
        int y, m, d;
        spie_day_to_ymd(day, &y, &m, &d);
        /* successor of (py, pm, pd) */
        int ey = py, em = pm, ed = pd + 1;
        if (ed > ref_days_in_month(ey, em)) {
            ed = 1;
            if (++em > 12) {
                em = 1;
                ey++;
            }
        }
        if (y != ey || m != em || d != ed)
            fail_msg("day %d is %d-%d-%d, expected %d-%d-%d", (int)day, y, m, d, ey, em, ed);
        spie_day back = 0;
        if (!spie_day_from_ymd(y, m, d, &back) || back != day)
            fail_msg("day %d does not round-trip", (int)day);
        py = y;
        pm = m;
        pd = d;
    }
    assert_int_equal(py, 9999);
    assert_int_equal(pm, 12);
    assert_int_equal(pd, 31);
}

static void test_out_of_range_days(void **state)
{
    (void)state;
    static const spie_day bad[] = {SPIE_NO_DAY, SPIE_DAY_MIN - 1, SPIE_DAY_MAX + 1,
                                   INT32_MAX, INT32_MIN + 1};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        int y = 9, m = 9, d = 9;
        spie_day_to_ymd(bad[i], &y, &m, &d);
        assert_int_equal(y, 0);
        assert_int_equal(m, 0);
        assert_int_equal(d, 0);
        assert_int_equal(spie_month_of_day(bad[i]), SPIE_NO_MONTH);
        assert_int_equal(spie_add_months(bad[i], 0), SPIE_NO_DAY);
        assert_int_equal(spie_add_months(bad[i], 1), SPIE_NO_DAY);
        char dbuf[11] = "xxxxxxxxxx", qbuf[8] = "xxxxxxx";
        spie_day_format(bad[i], dbuf);
        spie_quarter_format(bad[i], qbuf);
        assert_string_equal(dbuf, "");
        assert_string_equal(qbuf, "");
    }
}

static void test_add_months_table(void **state)
{
    (void)state;
    static const struct {
        int y, m, d, h, ey, em, ed;
    } cases[] = {
        {2021, 1, 31, 1, 2021, 2, 28},   /* docs/methodologie.md §0 */
        {2020, 1, 31, 1, 2020, 2, 29},   /* docs/methodologie.md §0, leap year */
        {2020, 2, 29, 12, 2021, 2, 28},  /* leap day, next year clamps */
        {2021, 3, 31, -1, 2021, 2, 28},  /* backwards, clamped */
        {2020, 3, 31, -1, 2020, 2, 29},
        {2021, 11, 30, 3, 2022, 2, 28},  /* +3 over a year end, clamped */
        {2021, 10, 15, 3, 2022, 1, 15},  /* +3 over a year end */
        {2021, 12, 31, 2, 2022, 2, 28},
        {2021, 12, 1, 1, 2022, 1, 1},
        {2022, 1, 1, -1, 2021, 12, 1},   /* backwards over a year start */
        {2022, 1, 31, -2, 2021, 11, 30},
        {2021, 5, 31, 1, 2021, 6, 30},
        {2021, 6, 30, 6, 2021, 12, 30},  /* no clamping up: day 30 stays 30 */
        {2021, 6, 15, 0, 2021, 6, 15},
        {2021, 6, 15, 12, 2022, 6, 15},
        {2021, 6, 15, -12, 2020, 6, 15},
        {2020, 3, 31, -13, 2019, 2, 28},
        {2024, 2, 29, -48, 2020, 2, 29},
        {2000, 2, 29, 1200, 2100, 2, 28}, /* 2100 is not a leap year */
        {2000, 2, 29, -1200, 1900, 2, 28},
        {2000, 2, 29, 4800, 2400, 2, 29},
        {2021, 8, 31, 1, 2021, 9, 30},
        {2021, 1, 29, 1, 2021, 2, 28},
        {2021, 1, 28, 1, 2021, 2, 28},
        {1, 12, 31, -11, 1, 1, 31},
        {9999, 1, 31, 11, 9999, 12, 31},
        {1, 1, 1, 119987, 9999, 12, 1},   /* first to last supported month */
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        const spie_day r = spie_add_months(ymd(cases[i].y, cases[i].m, cases[i].d), cases[i].h);
        int y, m, d;
        spie_day_to_ymd(r, &y, &m, &d);
        if (y != cases[i].ey || m != cases[i].em || d != cases[i].ed)
            fail_msg("case %zu: %04d-%02d-%02d %+d months gave %04d-%02d-%02d", i, cases[i].y,
                     cases[i].m, cases[i].d, cases[i].h, y, m, d);
    }
    /* Leaving the supported range. */
    assert_int_equal(spie_add_months(ymd(9999, 12, 1), 1), SPIE_NO_DAY);
    assert_int_equal(spie_add_months(ymd(1, 1, 31), -1), SPIE_NO_DAY);
    assert_int_equal(spie_add_months(ymd(2021, 6, 30), INT_MAX), SPIE_NO_DAY);
    assert_int_equal(spie_add_months(ymd(2021, 6, 30), INT_MIN), SPIE_NO_DAY);
    assert_int_equal(spie_add_months(ymd(9999, 12, 31), 0), ymd(9999, 12, 31));
}

/* Property over 2019..2025 and horizons -25..25: the target month is month + h and the
 * day of month is min(d, length of the target month). */
static void test_add_months_property(void **state)
{
    (void)state;
    for (spie_day day = ymd(2019, 1, 1); day <= ymd(2025, 12, 31); day++) {
        int y, m, d;
        spie_day_to_ymd(day, &y, &m, &d);
        for (int h = -25; h <= 25; h++) {
            const spie_day r = spie_add_months(day, h);
            const int target = y * 12 + m - 1 + h;
            const int ty = target / 12, tm = target % 12 + 1;
            const int len = ref_days_in_month(ty, tm);
            spie_day want = 0;
            assert_true(spie_day_from_ymd(ty, tm, d < len ? d : len, &want));
            if (r != want)
                fail_msg("%04d-%02d-%02d %+d", y, m, d, h);
        }
    }
}

static void test_months(void **state)
{
    (void)state;
    spie_month mo = 0;
    assert_true(spie_month_from_ym(2021, 6, &mo));
    assert_int_equal(mo, 24257); /* 2021 * 12 + 5 */
    int y, m;
    spie_month_to_ym(mo, &y, &m);
    assert_int_equal(y, 2021);
    assert_int_equal(m, 6);
    spie_month_to_ym(24264, &y, &m); /* 2022 * 12 + 0 */
    assert_int_equal(y, 2022);
    assert_int_equal(m, 1);

    /* Lateness in months is a subtraction (common.h). */
    spie_month p, late;
    assert_true(spie_month_from_ym(2022, 3, &p));
    assert_true(spie_month_from_ym(2021, 11, &late));
    assert_int_equal(p - late, 4);

    mo = 99;
    assert_false(spie_month_from_ym(2021, 0, &mo));
    assert_false(spie_month_from_ym(2021, 13, &mo));
    assert_false(spie_month_from_ym(0, 1, &mo));
    assert_false(spie_month_from_ym(10000, 1, &mo));
    assert_int_equal(mo, 99);
    assert_true(spie_month_from_ym(1, 1, &mo));
    assert_int_equal(mo, SPIE_MONTH_MIN);
    assert_true(spie_month_from_ym(9999, 12, &mo));
    assert_int_equal(mo, SPIE_MONTH_MAX);

    assert_int_equal(spie_month_of_day(ymd(2021, 6, 30)), 24257);
    assert_int_equal(spie_month_of_day(ymd(2021, 6, 1)), 24257);
    assert_int_equal(spie_month_of_day(ymd(2021, 7, 1)), 24258);
    assert_int_equal(spie_month_first_day(24257), ymd(2021, 6, 1));
    assert_int_equal(spie_month_last_day(24257), 18808); /* 2021-06-30, see above */
    assert_true(spie_month_from_ym(2021, 2, &mo));
    assert_int_equal(spie_month_last_day(mo), ymd(2021, 2, 28));
    assert_true(spie_month_from_ym(2020, 2, &mo));
    assert_int_equal(spie_month_last_day(mo), ymd(2020, 2, 29));
    assert_true(spie_month_from_ym(1900, 2, &mo));
    assert_int_equal(spie_month_last_day(mo), ymd(1900, 2, 28));
    assert_true(spie_month_from_ym(2000, 2, &mo));
    assert_int_equal(spie_month_last_day(mo), 11016); /* 2000-02-29 */

    static const spie_month bad[] = {SPIE_NO_MONTH, SPIE_MONTH_MIN - 1, SPIE_MONTH_MAX + 1,
                                     0, -1, INT32_MAX};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        y = m = 7;
        spie_month_to_ym(bad[i], &y, &m);
        assert_int_equal(y, 0);
        assert_int_equal(m, 0);
        assert_int_equal(spie_month_first_day(bad[i]), SPIE_NO_DAY);
        assert_int_equal(spie_month_last_day(bad[i]), SPIE_NO_DAY);
        char buf[8] = "xxxxxxx";
        spie_month_format(bad[i], buf);
        assert_string_equal(buf, "");
    }
}

static void test_formatting(void **state)
{
    (void)state;
    /* Exactly-sized buffers: AddressSanitizer catches a write past them. */
    char mbuf[8], dbuf[11], qbuf[8];
    spie_month mo = 0;
    assert_true(spie_month_from_ym(2021, 6, &mo));
    spie_month_format(mo, mbuf);
    assert_string_equal(mbuf, "2021-06");
    assert_true(spie_month_from_ym(1, 1, &mo));
    spie_month_format(mo, mbuf);
    assert_string_equal(mbuf, "0001-01");
    assert_true(spie_month_from_ym(9999, 12, &mo));
    spie_month_format(mo, mbuf);
    assert_string_equal(mbuf, "9999-12");

    spie_day_format(0, dbuf);
    assert_string_equal(dbuf, "1970-01-01");
    spie_day_format(18808, dbuf);
    assert_string_equal(dbuf, "2021-06-30");
    spie_day_format(SPIE_DAY_MIN, dbuf);
    assert_string_equal(dbuf, "0001-01-01");
    spie_day_format(SPIE_DAY_MAX, dbuf);
    assert_string_equal(dbuf, "9999-12-31");
    spie_day_format(-1, dbuf);
    assert_string_equal(dbuf, "1969-12-31");

    static const char *const q2021[12] = {"2021-T1", "2021-T1", "2021-T1", "2021-T2",
                                          "2021-T2", "2021-T2", "2021-T3", "2021-T3",
                                          "2021-T3", "2021-T4", "2021-T4", "2021-T4"};
    for (int m = 1; m <= 12; m++) {
        spie_quarter_format(ymd(2021, m, 1), qbuf);
        assert_string_equal(qbuf, q2021[m - 1]);
        spie_quarter_format(ymd(2021, m, ref_days_in_month(2021, m)), qbuf);
        assert_string_equal(qbuf, q2021[m - 1]);
    }
    spie_quarter_format(ymd(2020, 12, 31), qbuf);
    assert_string_equal(qbuf, "2020-T4");
    spie_quarter_format(ymd(2022, 1, 1), qbuf);
    assert_string_equal(qbuf, "2022-T1");
}

static void test_month_parse_iso(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int y, m;
    } good[] = {{"2021-06", 2021, 6}, {"0001-01", 1, 1}, {"9999-12", 9999, 12},
                {"2020-02", 2020, 2}, {"1999-10", 1999, 10}};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(good); i++) {
        spie_month mo = -5, want = 0;
        assert_true(spie_month_parse_iso(good[i].s, strlen(good[i].s), &mo));
        assert_true(spie_month_from_ym(good[i].y, good[i].m, &want));
        assert_int_equal(mo, want);
    }
    static const char *const bad[] = {
        "",         "2021",     "2021-6",   "2021-13",  "2021-00",  "0000-01",  "2021/06",
        "06/2021",  "2021-06-01", "2021-06 ", " 2021-06", "2021-0a", "+021-06", "-021-06",
        "2021--6",  "2021_06",  "20210-6",  "2021-1 ",  "202a-06",  "２021-06", "2021-+1",
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        spie_month mo = -5;
        if (spie_month_parse_iso(bad[i], strlen(bad[i]), &mo))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(mo, -5);
    }
    /* Only n bytes are read: no NUL terminator needed. */
    spie_month mo = 0, want = 0;
    assert_true(spie_month_parse_iso("2021-06-30", 7, &mo));
    assert_true(spie_month_from_ym(2021, 6, &want));
    assert_int_equal(mo, want);
    assert_false(spie_month_parse_iso("2021-06", 6, &mo));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_day_numbers),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_day_from_ymd_rejects),
        cmocka_unit_test(test_round_trip_1900_2100),
        cmocka_unit_test(test_round_trip_full_range),
        cmocka_unit_test(test_out_of_range_days),
        cmocka_unit_test(test_add_months_table),
        cmocka_unit_test(test_add_months_property),
        cmocka_unit_test(test_months),
        cmocka_unit_test(test_formatting),
        cmocka_unit_test(test_month_parse_iso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
