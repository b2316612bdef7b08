/* Number formatting of docs/methodologie.md §8 (include/spie/numfmt.h): doubles in their
 * shortest correctly rounded decimal form and euro cents with two decimals, with '.'
 * whatever the locale. It may not compute a figure or round money (stats.c does).
 *
 * Doubles are formatted through snprintf("%.*e") for the digits only (the decimal point
 * the locale puts there is skipped) and checked by strtod_l in a private "C" locale, so
 * LC_NUMERIC never matters. The shortest length: an integer below 2^53 is its own digits;
 * other doubles try 16 digits (most figures are ratios that need 16 or 17), then 15, and
 * when 15 read back that form is the shortest (DBL_DIG), except for a subnormal double
 * (a binary search below 15); a power of two tries every length in order. The 16- and
 * 15-digit forms are rounded from the 17-digit one (snprintf only when its dropped digits
 * are exactly one half): one snprintf and at most two strtod per double, none for an
 * integer. The CSV of a national publication has about 48 000 doubles. */
#include "spie/numfmt.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0; /* created once, kept for the process */

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* Correctly rounded significant digits of a > 0 (finite) with `prec` digits, from
 * snprintf("%.*e"): digits[0 .. prec-1] and the decimal exponent. The decimal point that
 * the current locale puts after the first digit (any bytes) is skipped. */
static bool sci_digits(double a, int prec, char *digits, int *e10)
{
    char tmp[64];
    const int w = snprintf(tmp, sizeof tmp, "%.*e", prec - 1, a);
    if (w <= 0 || (size_t)w >= sizeof tmp)
        return false;

    const char *s = tmp;
    int k = 0;
    if (*s < '0' || *s > '9')
        return false;
    digits[k++] = *s++;
    if (prec > 1) {
        while (*s != '\0' && (*s < '0' || *s > '9') && *s != 'e')
            s++; /* the locale's decimal point, one or more bytes */
        while (k < prec && *s >= '0' && *s <= '9')
            digits[k++] = *s++;
    }
    if (k != prec || *s != 'e')
        return false;
    s++;
    const bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    int e = 0;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        e = e * 10 + (*s++ - '0'); /* at most 3 digits for a double */
    if (*s != '\0')
        return false;
    *e10 = neg ? -e : e;
    return true;
}

/* digits[0 .. nd-1] x 10^(e10 - nd + 1), written in the plain or exponent form. */
static size_t render_decimal(bool negative, const char *digits, int nd, int e10, char *buf)
{
    size_t k = 0;

    if (negative)
        buf[k++] = '-';
    if (e10 >= -4 && e10 <= 15) {
        if (e10 >= 0) {
            for (int i = 0; i <= e10; i++)
                buf[k++] = i < nd ? digits[i] : '0';
            if (nd > e10 + 1) {
                buf[k++] = '.';
                for (int i = e10 + 1; i < nd; i++)
                    buf[k++] = digits[i];
            }
        } else {
            buf[k++] = '0';
            buf[k++] = '.';
            for (int i = 0; i < -e10 - 1; i++)
                buf[k++] = '0';
            for (int i = 0; i < nd; i++)
                buf[k++] = digits[i];
        }
    } else {
        buf[k++] = digits[0];
        if (nd > 1) {
            buf[k++] = '.';
            for (int i = 1; i < nd; i++)
                buf[k++] = digits[i];
        }
        buf[k++] = 'e';
        buf[k++] = e10 < 0 ? '-' : '+';
        const int e = e10 < 0 ? -e10 : e10;
        if (e >= 100)
            buf[k++] = (char)('0' + e / 100);
        buf[k++] = (char)('0' + e / 10 % 10); /* at least two digits, as %e writes */
        buf[k++] = (char)('0' + e % 10);
    }
    buf[k] = '\0';
    return k;
}

/* Whether digits[0 .. nd-1] x 10^(e10 - nd + 1) reads back to a (strtod in "C"). */
static bool reads_back(double a, const char *digits, int nd, int e10)
{
    char sci[40];
    size_t k = 0;

    sci[k++] = digits[0]; /* the digits, a point after the first, 'e', the exponent */
    sci[k++] = '.';
    for (int i = 1; i < nd; i++)
        sci[k++] = digits[i];
    sci[k++] = 'e';
    int e = e10;
    if (e < 0) {
        sci[k++] = '-';
        e = -e;
    }
    if (e >= 100)
        sci[k++] = (char)('0' + e / 100);
    if (e >= 10)
        sci[k++] = (char)('0' + e / 10 % 10);
    sci[k++] = (char)('0' + e % 10);
    sci[k] = '\0';
    return strtod_l(sci, NULL, c_locale) == a;
}

/* 1 when the nd-digit correctly rounded form of a > 0 reads back to a, 0 when not, -1 on
 * a formatting failure; digits and *e10 receive that form. */
static int probe_digits(double a, int nd, char *digits, int *e10)
{
    if (!sci_digits(a, nd, digits, e10))
        return -1;
    return reads_back(a, digits, nd, *e10);
}

/* The correctly rounded nd-digit form of a (nd = 15 or 16) from its correctly rounded
 * 17-digit form d17, e17, without formatting a again. The exact value lies within half a
 * unit of the 17th digit of d17; the nd-digit rounding point lies where the dropped
 * digits are exactly one half (5, or 50). Dropped digits below it put the exact value
 * below the point (round down), above it above the point (round up); exactly on it, d17
 * cannot tell, and snprintf decides. false on a formatting failure. */
static bool rounded_from_17(double a, const char *d17, int e17, int nd, char *out, int *e_out)
{
    int dropped = 0, half = 5;
    for (int i = nd; i < 17; i++) {
        dropped = dropped * 10 + (d17[i] - '0');
        if (i > nd)
            half *= 10;
    }
    if (dropped == half)
        return sci_digits(a, nd, out, e_out);
    memcpy(out, d17, (size_t)nd);
    *e_out = e17;
    if (dropped > half) { /* round up, carrying */
        int i = nd - 1;
        while (i >= 0 && out[i] == '9')
            out[i--] = '0';
        if (i >= 0) {
            out[i]++;
        } else { /* 99..9 became 100..0: one more decade */
            out[0] = '1';
            (*e_out)++;
        }
    }
    return true;
}

size_t spie_format_double(double v, char buf[SPIE_NUM_BUF])
{
    char digits[17];
    int e10 = 0, nd, r;

    buf[0] = '\0';
    if (!isfinite(v))
        return 0;
    if (v == 0.0) {
        buf[0] = '0';
        buf[1] = '\0';
        return 1;
    }
    if (pthread_once(&c_locale_once, c_locale_init) != 0 || c_locale == (locale_t)0)
        return 0;

    const double a = fabs(v);
    int exp2;
    if (a < 0x1p53 && a == floor(a)) {
        /* An integer below 2^53: its own digits. The doubles around it are at most 1
         * apart, so no form with fewer significant digits (another multiple of a power of
         * ten, at least 1 away) reads back to it. */
        uint64_t u = (uint64_t)a;
        char rev[17];
        nd = 0;
        do {
            rev[nd++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        for (int i = 0; i < nd; i++)
            digits[i] = rev[nd - 1 - i];
        e10 = nd - 1;
    } else if (frexp(a, &exp2) == 0.5) {
        /* A power of two: the doubles around it are not evenly spaced, so "nd digits read
         * back" need not hold for every nd above the shortest. Try them in order. */
        for (nd = 1; nd <= 17; nd++) {
            if ((r = probe_digits(a, nd, digits, &e10)) < 0)
                return 0;
            if (r == 1)
                break;
        }
        if (nd > 17)
            return 0; /* cannot happen: 17 digits always read back */
    } else {
        /* Elsewhere the rounding interval of a is symmetric, and the correctly rounded
         * (nd + 1)-digit form is at least as close as the nd-digit one: once a length reads
         * back, every longer one does. Most figures are ratios that need 16 or 17 digits,
         * so 16 is tried first. The 17-digit form is formatted once, and the 16- and
         * 15-digit forms are rounded from it. */
        char d17[17];
        int e17 = 0;
        if (!sci_digits(a, 17, d17, &e17) || !rounded_from_17(a, d17, e17, 16, digits, &e10))
            return 0;
        if (!reads_back(a, digits, 16, e10)) { /* 17 digits, which always read back */
            nd = 17;
            memcpy(digits, d17, 17);
            e10 = e17;
        } else {
            char tried[17];
            int tried_e10 = 0;
            if (!rounded_from_17(a, d17, e17, 15, tried, &tried_e10))
                return 0;
            if (!reads_back(a, tried, 15, tried_e10)) {
                nd = 16;
            } else if (a >= DBL_MIN) {
                /* 15 digits read back. Two decimals of at most 15 significant digits that
                 * read back to one normal double are the same number (DBL_DIG is 15), so
                 * the shortest form is this one, less its trailing zeros. */
                nd = 15;
                memcpy(digits, tried, 15);
                e10 = tried_e10;
            } else {
                /* A subnormal double has fewer digits of precision: binary search for
                 * the shortest below 15. */
                int lo = 1, hi = 15;
                memcpy(digits, tried, 15);
                e10 = tried_e10;
                while (lo < hi) {
                    const int mid = (lo + hi) / 2;
                    if ((r = probe_digits(a, mid, tried, &tried_e10)) < 0)
                        return 0;
                    if (r == 1) {
                        hi = mid;
                        memcpy(digits, tried, (size_t)mid);
                        e10 = tried_e10;
                    } else {
                        lo = mid + 1;
                    }
                }
                nd = hi;
            }
        }
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    return render_decimal(v < 0.0, digits, nd, e10, buf);
}

size_t spie_format_cents(spie_cents cents, char buf[SPIE_NUM_BUF])
{
    char rev[24];
    size_t r = 0, k = 0;
    uint64_t mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;

    rev[r++] = (char)('0' + mag % 10);
    mag /= 10;
    rev[r++] = (char)('0' + mag % 10);
    mag /= 10;
    do {
        rev[r++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag > 0);

    if (cents < 0)
        buf[k++] = '-';
    while (r > 2)
        buf[k++] = rev[--r];
    buf[k++] = '.';
    buf[k++] = rev[1];
    buf[k++] = rev[0];
    buf[k] = '\0';
    return k;
}
