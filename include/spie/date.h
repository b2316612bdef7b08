/* Calendar arithmetic on day numbers and month numbers (see common.h). Pure functions,
 * no locale, no time zone, no allocation.
 *
 * The calendar is the proleptic Gregorian one (every year divisible by 4 is a leap year,
 * except the centuries not divisible by 400: 1900 is not, 2000 is). The supported range
 * is 0001-01-01 (day -719162) to 9999-12-31 (day 2932896); SPIE_NO_DAY and any day or
 * month outside that range are "no date": the functions below say what they do with
 * one, and none of them has undefined behaviour on any input value. */
#ifndef SPIE_DATE_H
#define SPIE_DATE_H

#include "spie/common.h"

#define SPIE_DAY_MIN (-719162)  /* 0001-01-01 */
#define SPIE_DAY_MAX 2932896    /* 9999-12-31 */
#define SPIE_MONTH_MIN 12       /* 0001-01 */
#define SPIE_MONTH_MAX 119999   /* 9999-12 */
#define SPIE_NO_MONTH INT32_MIN /* "no such month" */

/* True for a leap year of the proleptic Gregorian calendar (any y). */
bool spie_is_leap_year(int y);
/* 28..31 for 1 <= m <= 12 (any y), 0 for any other m. */
int spie_days_in_month(int y, int m);

/* True and *out set when (y, m, d) is a real calendar day with 1 <= y <= 9999; false
 * (and *out untouched) otherwise. */
bool spie_day_from_ymd(int y, int m, int d, spie_day *out);

/* The day number of (y, m, d) known to be a real calendar day with 1 <= y <= 9999 (no
 * check): the years before y, then a table of the days before each month. Inline, for the
 * parsers of every row. */
static inline spie_day spie_day_of_valid_ymd(int y, int m, int d)
{
    static const int16_t before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const int y1 = y - 1;
    const int leap = m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    /* 719162 days from 0001-01-01 to 1970-01-01 */
    return (spie_day)(y1 * 365 + y1 / 4 - y1 / 100 + y1 / 400 - 719162 + before[m - 1] + leap + d - 1);
}
/* The calendar day of a day number. Outside SPIE_DAY_MIN..SPIE_DAY_MAX (SPIE_NO_DAY
 * included) sets 0, 0, 0. */
void spie_day_to_ymd(spie_day day, int *y, int *m, int *d);

/* Same day-of-month h months later (h may be negative), clamped to the last day of the
 * target month: 2021-01-31 + 1 = 2021-02-28, 2020-01-31 + 1 = 2020-02-29,
 * 2021-03-31 - 1 = 2021-02-28 (docs/methodologie.md §0). Returns SPIE_NO_DAY when day is not in
 * the supported range or the result would not be. */
spie_day spie_add_months(spie_day day, int h);

/* Month numbers (year * 12 + month - 1). */
bool spie_month_from_ym(int y, int m, spie_month *out); /* 1 <= y <= 9999, 1 <= m <= 12 */
/* Sets 0, 0 for a month outside SPIE_MONTH_MIN..SPIE_MONTH_MAX. */
void spie_month_to_ym(spie_month month, int *y, int *m);
/* The month of a day; SPIE_NO_MONTH for a day out of range. */
spie_month spie_month_of_day(spie_day day);
/* First and last day of a month; SPIE_NO_DAY for a month out of range. */
spie_day spie_month_first_day(spie_month month);
spie_day spie_month_last_day(spie_month month);

/* Formatting (ASCII, locale-free). buf must hold 8 ("YYYY-MM") or 11 ("YYYY-MM-DD")
 * bytes including the terminating NUL. A day or month out of range (SPIE_NO_DAY
 * included) is written as the empty string, so "no date" prints as an empty cell. */
void spie_month_format(spie_month month, char buf[8]);
void spie_day_format(spie_day day, char buf[11]);
/* Quarter label of a day: "2021-T3" (buf of 8 bytes; T1 = January to March). Empty
 * string for a day out of range. */
void spie_quarter_format(spie_day day, char buf[8]);

/* Strict "YYYY-MM" as used on the command line and in file names (exactly 7 bytes: four
 * digits, '-', two digits; year 0001..9999, month 01..12). s need not be NUL-terminated.
 * *out untouched on failure. */
bool spie_month_parse_iso(const char *s, size_t n, spie_month *out);

#endif
