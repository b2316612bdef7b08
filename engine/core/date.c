/* Calendar arithmetic (see spie/date.h).
 *
 * Day numbers use Howard Hinnant's days_from_civil / civil_from_days ("chrono-Compatible
 * Low-Level Date Algorithms", http://howardhinnant.github.io/date_algorithms.html): the
 * year is shifted to start in March so that the leap day is the last day of the shifted
 * year, then eras of 400 years (146097 days) are counted. Arithmetic is done in int64_t
 * so that no input value can overflow; every public entry checks the supported range
 * first, so only years 1..9999 ever reach the conversions.
 *
 * Pure arithmetic: no file, no locale, no time zone, no clock; it may not know the
 * programme's dates (common.h) or a period. */
#include "spie/date.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian); 1 <= m <= 12, any d. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;                                   /* [0, 399] */
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;                                     /* [0, 146096] */
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
    const int64_t mp = (5 * doy + 2) / 153;                                   /* [0, 11] */
    const int64_t dd = doy - (153 * mp + 2) / 5 + 1;                          /* [1, 31] */
    const int64_t mm = mp < 10 ? mp + 3 : mp - 9;                            /* [1, 12] */
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static bool day_in_range(spie_day day)
{
    return day >= SPIE_DAY_MIN && day <= SPIE_DAY_MAX;
}

static bool month_in_range(spie_month month)
{
    return month >= SPIE_MONTH_MIN && month <= SPIE_MONTH_MAX;
}

bool spie_is_leap_year(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

int spie_days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && spie_is_leap_year(y) ? 29 : len[m - 1];
}

bool spie_day_from_ymd(int y, int m, int d, spie_day *out)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > spie_days_in_month(y, m))
        return false;
    *out = (spie_day)days_from_civil(y, m, d);
    return true;
}

void spie_day_to_ymd(spie_day day, int *y, int *m, int *d)
{
    if (!day_in_range(day)) {
        *y = *m = *d = 0;
        return;
    }
    civil_from_days(day, y, m, d);
}

spie_day spie_add_months(spie_day day, int h)
{
    if (!day_in_range(day))
        return SPIE_NO_DAY;
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    /* Month count from year 0 in 64 bits: h is any int. */
    const int64_t target = (int64_t)y * 12 + (m - 1) + h;
    if (target < SPIE_MONTH_MIN || target > SPIE_MONTH_MAX)
        return SPIE_NO_DAY;
    const int ty = (int)(target / 12);
    const int tm = (int)(target % 12) + 1;
    const int last = spie_days_in_month(ty, tm);
    return (spie_day)days_from_civil(ty, tm, d < last ? d : last);
}

bool spie_month_from_ym(int y, int m, spie_month *out)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12)
        return false;
    *out = (spie_month)(y * 12 + m - 1);
    return true;
}

void spie_month_to_ym(spie_month month, int *y, int *m)
{
    if (!month_in_range(month)) {
        *y = *m = 0;
        return;
    }
    *y = month / 12;
    *m = month % 12 + 1;
}

spie_month spie_month_of_day(spie_day day)
{
    if (!day_in_range(day))
        return SPIE_NO_MONTH;
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    return (spie_month)(y * 12 + m - 1);
}

spie_day spie_month_first_day(spie_month month)
{
    if (!month_in_range(month))
        return SPIE_NO_DAY;
    return (spie_day)days_from_civil(month / 12, month % 12 + 1, 1);
}

spie_day spie_month_last_day(spie_month month)
{
    if (!month_in_range(month))
        return SPIE_NO_DAY;
    const int y = month / 12, m = month % 12 + 1;
    return (spie_day)days_from_civil(y, m, spie_days_in_month(y, m));
}

/* Writes v (0 <= v < 10^width) as width ASCII digits, zero-padded. */
static void put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void spie_month_format(spie_month month, char buf[8])
{
    if (!month_in_range(month)) {
        buf[0] = '\0';
        return;
    }
    put_digits(buf, month / 12, 4);
    buf[4] = '-';
    put_digits(buf + 5, month % 12 + 1, 2);
    buf[7] = '\0';
}

void spie_day_format(spie_day day, char buf[11])
{
    if (!day_in_range(day)) {
        buf[0] = '\0';
        return;
    }
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = '\0';
}

void spie_quarter_format(spie_day day, char buf[8])
{
    if (!day_in_range(day)) {
        buf[0] = '\0';
        return;
    }
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    put_digits(buf, y, 4);
    buf[4] = '-';
    buf[5] = 'T';
    buf[6] = (char)('1' + (m - 1) / 3);
    buf[7] = '\0';
}

/* Value of n ASCII digits at p, or -1 when one of them is not a digit. */
static int digits_value(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        const unsigned c = (unsigned char)p[i] - (unsigned)'0';
        if (c > 9)
            return -1;
        v = v * 10 + (int)c;
    }
    return v;
}

bool spie_month_parse_iso(const char *s, size_t n, spie_month *out)
{
    if (n != 7 || s[4] != '-')
        return false;
    const int y = digits_value(s, 4), m = digits_value(s + 5, 2);
    if (y < 0 || m < 0)
        return false;
    return spie_month_from_ym(y, m, out);
}
