/* One fuzz input through one field parser of spie/fields.h, checked against a reference
 * written here independently from the contract (docs/format-extraits.md §2 "Field types", Unicode
 * Table 3-7, the Windows-1252 code page) rather than from engine/core/fields.c. Shared by the
 * libFuzzer target tests/fuzz/fuzz_fields.c and tests/unit/test_hostile.c (replay of the
 * corpus and of tests/fuzz/regressions/fuzz_fields/).
 *
 * Input layout: byte 0 modulo FF_COUNT chooses the parser, the rest is the field. The
 * field is copied into a buffer of exactly its size, so that AddressSanitizer sees any
 * read past its end (the parsers take no NUL terminator).
 *
 * FUZZ_CHECK(cond) as in fuzz_extract_run.h. */
#ifndef SPIE_FUZZ_FIELDS_RUN_H
#define SPIE_FUZZ_FIELDS_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"
#include "spie/fields.h"

#include "fuzz_check.h"

enum { FF_DATE, FF_MONTH, FF_AMOUNT, FF_ID, FF_YEAR, FF_CODE, FF_UTF8, FF_CP1252, FF_TRIM, FF_COUNT };

__extension__ typedef unsigned __int128 ff_u128;

static bool ff_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int ff_num(const unsigned char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!ff_digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Gregorian leap years, and the day count from 0001-01-01 summed year by year in
 * 400-year blocks (146 097 days each): a different road from engine/core/date.c's. */
static bool ff_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int ff_mdays(int y, int m)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ff_leap(y) ? 29 : md[m - 1];
}

static long ff_days_since_0001(int y, int m, int d)
{
    long days = (long)((y - 1) / 400) * 146097;
    for (int yy = (y - 1) / 400 * 400 + 1; yy < y; yy++)
        days += ff_leap(yy) ? 366 : 365;
    for (int mm = 1; mm < m; mm++)
        days += ff_mdays(y, mm);
    return days + d - 1;
}

static void ff_date(const unsigned char *s, size_t n)
{
    spie_day got = 12345;
    bool ok = spie_parse_date((spie_str){(const char *)s, n}, &got);
    int y = -1, m = -1, d = -1;
    if (n == 10 && s[4] == '-' && s[7] == '-') {
        y = ff_num(s, 4), m = ff_num(s + 5, 2), d = ff_num(s + 8, 2);
    } else if (n == 10 && s[2] == '/' && s[5] == '/') {
        d = ff_num(s, 2), m = ff_num(s + 3, 2), y = ff_num(s + 6, 4);
    }
    bool want = y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= ff_mdays(y, m);
    FUZZ_CHECK(ok == want);
    if (!ok) {
        FUZZ_CHECK(got == 12345); /* untouched */
        return;
    }
    /* 0001-01-01 is day -719162 (date.h). */
    FUZZ_CHECK((long)got == ff_days_since_0001(y, m, d) - 719162L);
    char iso[11], want_iso[40];
    spie_day_format(got, iso);
    snprintf(want_iso, sizeof want_iso, "%04d-%02d-%02d", y, m, d);
    FUZZ_CHECK(strcmp(iso, want_iso) == 0);
}

static void ff_month(const unsigned char *s, size_t n)
{
    spie_month got = 12345;
    bool ok = spie_parse_month((spie_str){(const char *)s, n}, &got);
    int y = -1, m = -1;
    if (n == 7 && s[4] == '-') {
        y = ff_num(s, 4), m = ff_num(s + 5, 2);
    } else if (n == 7 && s[2] == '/') {
        m = ff_num(s, 2), y = ff_num(s + 3, 4);
    }
    bool want = y >= 1 && m >= 1 && m <= 12;
    FUZZ_CHECK(ok == want);
    if (ok)
        FUZZ_CHECK(got == y * 12 + m - 1);
    else
        FUZZ_CHECK(got == 12345);
}

/* Thousands separator at s[i] (its length, 0 if none): space, U+00A0, U+202F, and '.'
 * when the field holds a ','. */
static size_t ff_sep(const unsigned char *s, size_t n, size_t i, bool comma)
{
    if (s[i] == ' ' || (comma && s[i] == '.'))
        return 1;
    if (n - i >= 2 && s[i] == 0xC2 && s[i + 1] == 0xA0)
        return 2;
    if (n - i >= 3 && s[i] == 0xE2 && s[i + 1] == 0x80 && s[i + 2] == 0xAF)
        return 3;
    return 0;
}

/* The amount grammar of docs/format-extraits.md §2 as a token scan: [-] digits (sep digits)*
 * [dec d [d]]; the value in 128 bits, then the int64 range. */
static bool ff_amount_ref(const unsigned char *s, size_t n, int64_t *out)
{
    bool comma = memchr(s, ',', n) != NULL;
    size_t i = 0;
    bool neg = false;
    if (i < n && s[i] == '-')
        neg = true, i++;
    ff_u128 v = 0;
    size_t sig = 0; /* significant digits so far */
    bool after_digit = false, any = false;
    while (i < n) {
        if (ff_digit(s[i])) {
            if (sig || s[i] != '0')
                sig++;
            if (sig > 30)
                return false; /* far beyond int64 cents */
            v = v * 10 + (unsigned)(s[i] - '0');
            after_digit = any = true;
            i++;
            continue;
        }
        size_t k = ff_sep(s, n, i, comma);
        if (!k)
            break;
        if (!after_digit)
            return false;
        after_digit = false;
        i += k;
    }
    if (!any || !after_digit)
        return false;
    unsigned frac = 0;
    if (i < n && s[i] == (comma ? ',' : '.')) {
        i++;
        size_t nf = 0;
        while (i < n && ff_digit(s[i]))
            frac = frac * 10 + (unsigned)(s[i++] - '0'), nf++;
        if (nf == 0 || nf > 2)
            return false;
        if (nf == 1)
            frac *= 10;
    }
    if (i != n)
        return false;
    ff_u128 c = v * 100 + frac;
    ff_u128 lim = neg ? (ff_u128)INT64_MAX + 1 : (ff_u128)INT64_MAX;
    if (c > lim)
        return false;
    *out = neg ? (c == (ff_u128)INT64_MAX + 1 ? INT64_MIN : -(int64_t)c) : (int64_t)c;
    return true;
}

static void ff_amount(const unsigned char *s, size_t n)
{
    spie_cents got = 777, want = 0;
    bool ok = spie_parse_amount((spie_str){(const char *)s, n}, &got);
    bool wok = ff_amount_ref(s, n, &want);
    FUZZ_CHECK(ok == wok);
    FUZZ_CHECK(ok ? got == want : got == 777);
}

static void ff_id(const unsigned char *s, size_t n)
{
    static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.";
    bool want = n >= 1 && n <= 64;
    for (size_t i = 0; i < n && want; i++)
        want = s[i] != 0 && strchr(allowed, s[i]) != NULL;
    FUZZ_CHECK(spie_valid_id((spie_str){(const char *)s, n}) == want);
}

static void ff_year(const unsigned char *s, size_t n)
{
    int got = -7;
    bool ok = spie_parse_year((spie_str){(const char *)s, n}, &got);
    int want = n == 4 ? ff_num(s, 4) : -1;
    FUZZ_CHECK(ok == (want >= 0));
    FUZZ_CHECK(got == (ok ? want : -7));
}

static void ff_code(const unsigned char *s, size_t n)
{
    static const char *const codes[] = {"RSA", "JEUNE", "DE", "TH", "ORIENTATION", "POLE_EMPLOI", "\xc3\xa9t\xc3\xa9",
                                        "A", ""};
    const size_t nc = sizeof codes / sizeof codes[0];
    int want = -1;
    for (size_t i = 0; i < nc && want < 0; i++) {
        size_t cl = strlen(codes[i]);
        if (cl != n)
            continue;
        size_t j = 0;
        for (; j < n; j++) {
            unsigned char a = s[j], b = (unsigned char)codes[i][j];
            if (a >= 'a' && a <= 'z')
                a = (unsigned char)(a - 32);
            if (b >= 'a' && b <= 'z')
                b = (unsigned char)(b - 32);
            if (a != b)
                break;
        }
        if (j == n)
            want = (int)i;
    }
    FUZZ_CHECK(spie_parse_code((spie_str){(const char *)s, n}, codes, nc) == want);
    spie_codeset cs;
    FUZZ_CHECK(spie_codeset_init(&cs, codes, nc));
    FUZZ_CHECK(spie_codeset_find(&cs, (spie_str){(const char *)s, n}) == want);
}

/* Strict UTF-8 by decoding each code point and checking its range: no overlong form, no
 * surrogate, nothing above U+10FFFF. */
static bool ff_utf8_ref(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned long cp, min;
        if (c < 0x80)
            len = 1, cp = c, min = 0;
        else if ((c & 0xE0) == 0xC0)
            len = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0)
            len = 3, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0)
            len = 4, cp = c & 0x07, min = 0x10000;
        else
            return false;
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static void ff_utf8(const unsigned char *s, size_t n)
{
    FUZZ_CHECK(spie_utf8_valid((const char *)s, n) == ff_utf8_ref(s, n));
}

static void ff_cp1252(const unsigned char *s, size_t n)
{
    /* unicode.org MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT, 0x80..0x9F; the five
     * undefined bytes as the C1 control of the same number (docs/format-extraits.md §2). */
    static const unsigned long high[32] = {
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178};
    unsigned char *out = malloc(3 * n + 1);
    FUZZ_CHECK(out != NULL);
    size_t w = spie_cp1252_to_utf8((const char *)s, n, (char *)out);
    FUZZ_CHECK(w <= 3 * n);
    FUZZ_CHECK(ff_utf8_ref(out, w));
    /* Decode back: one code point per input byte, the code page's. */
    size_t i = 0, j = 0;
    for (; i < w && j < n; j++) {
        unsigned c = out[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
        unsigned long cp = len == 1 ? c : len == 2 ? c & 0x1Fu : c & 0x0Fu;
        for (size_t k = 1; k < len; k++)
            cp = cp << 6 | (out[i + k] & 0x3Fu);
        unsigned long want = s[j] < 0x80 || s[j] >= 0xA0 ? s[j] : high[s[j] - 0x80];
        FUZZ_CHECK(cp == want);
        i += len;
    }
    FUZZ_CHECK(i == w && j == n);
    free(out);
}

static void ff_trim(const unsigned char *s, size_t n)
{
    spie_str t = spie_trim((spie_str){(const char *)s, n});
    FUZZ_CHECK(t.s >= (const char *)s && t.s + t.n <= (const char *)s + n);
    for (const unsigned char *p = s; p < (const unsigned char *)t.s; p++)
        FUZZ_CHECK(*p == ' ' || *p == '\t');
    for (const unsigned char *p = (const unsigned char *)t.s + t.n; p < s + n; p++)
        FUZZ_CHECK(*p == ' ' || *p == '\t');
    if (t.n)
        FUZZ_CHECK(t.s[0] != ' ' && t.s[0] != '\t' && t.s[t.n - 1] != ' ' && t.s[t.n - 1] != '\t');
}

static void ff_fields_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    unsigned which = data[0] % FF_COUNT;
    size_t n = size - 1;
    unsigned char *f = malloc(n ? n : 1); /* exactly the field: a read past it is caught */
    FUZZ_CHECK(f != NULL);
    if (n)
        memcpy(f, data + 1, n);
    switch (which) {
    case FF_DATE: ff_date(f, n); break;
    case FF_MONTH: ff_month(f, n); break;
    case FF_AMOUNT: ff_amount(f, n); break;
    case FF_ID: ff_id(f, n); break;
    case FF_YEAR: ff_year(f, n); break;
    case FF_CODE: ff_code(f, n); break;
    case FF_UTF8: ff_utf8(f, n); break;
    case FF_CP1252: ff_cp1252(f, n); break;
    default: ff_trim(f, n); break;
    }
    free(f);
}

#endif
