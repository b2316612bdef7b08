/* Types that cross stage boundaries: calendar days, months, money, borrowed strings.
 *
 * Dates are whole days since 1970-01-01 (proleptic Gregorian), so a duration is a
 * subtraction. Months are counted from year 0 (y * 12 + m - 1), so P - M is a lateness
 * in months. Money is always int64 cents, never floating point. */
#ifndef SPIE_COMMON_H
#define SPIE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t spie_day;   /* days since 1970-01-01 */
typedef int32_t spie_month; /* year * 12 + (month - 1) */
typedef int64_t spie_cents; /* euro cents */

#define SPIE_NO_DAY INT32_MIN /* "no such date" (a step never reached) */

/* The programme starts on 1 January of this year: an earlier date is
 * DATE_HORS_PROGRAMME (docs/format-extraits.md §6), entry cohorts count quarters from it. */
#define SPIE_PROGRAMME_START_YEAR 2020

/* The longest person id, in bytes (docs/format-extraits.md §2). */
#define SPIE_ID_MAX 64

/* A string that is not owned and not NUL-terminated: valid only as long as the
 * object that lent it says (usually the current row callback). */
typedef struct spie_str {
    const char *s;
    size_t n;
} spie_str;

#define SPIE_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
