/* Field parsers and the text layer (see spie/fields.h, docs/format-extraits.md §2).
 *
 * Workload: tens of millions of fields per batch, each a few bytes long. So: hand-written
 * digit loops over the bytes (no sscanf, strtol or strtod, which also follow the locale),
 * no allocation, no NUL terminator needed, one pass per field (two for an amount: the
 * presence of a ',' decides what '.' means).
 *
 * A parser says whether one field is in an accepted form; it may not apply a row rule
 * (which reason, which order: extract_rules.c), trim, or keep anything between calls. */
#include "spie/fields.h"

#include <string.h>

#include "spie/date.h"

static bool is_digit(unsigned char c)
{
    return (unsigned)(c - '0') <= 9u;
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

bool spie_parse_month(spie_str f, spie_month *out)
{
    if (f.n != 7)
        return false;
    const char *s = f.s;
    int y, m;
    if (s[4] == '-') { /* YYYY-MM */
        y = digits_value(s, 4);
        m = digits_value(s + 5, 2);
    } else if (s[2] == '/') { /* MM/YYYY */
        m = digits_value(s, 2);
        y = digits_value(s + 3, 4);
    } else {
        return false;
    }
    if (y < 0 || m < 0)
        return false;
    return spie_month_from_ym(y, m, out);
}

/* Length of the thousands separator at p (0 when there is none): space, U+00A0 (C2 A0),
 * U+202F (E2 80 AF), and '.' when the field's decimal separator is ','. */
static size_t thousands_sep_len(const unsigned char *p, const unsigned char *end,
                                bool dot_is_thousands)
{
    switch (*p) {
    case ' ':
        return 1;
    case '.':
        return dot_is_thousands ? 1 : 0;
    case 0xC2:
        return end - p >= 2 && p[1] == 0xA0 ? 2 : 0;
    case 0xE2:
        return end - p >= 3 && p[1] == 0x80 && p[2] == 0xAF ? 3 : 0;
    default:
        return 0;
    }
}

bool spie_parse_amount(spie_str f, spie_cents *out)
{
    const unsigned char *p = (const unsigned char *)f.s;
    const unsigned char *const end = p + f.n;
    const bool comma = f.n > 0 && memchr(f.s, ',', f.n) != NULL;
    const unsigned char dec = comma ? ',' : '.';

    bool neg = false;
    if (p < end && *p == '-') {
        neg = true;
        p++;
    }
    if (p == end || !is_digit(*p))
        return false; /* "", "-", "+1", "- 1", ",5", "NaN" */

    /* Integer part: digit runs joined by single thousands separators. Far beyond int64
     * cents the loop stops early; the exact bound is checked at the end. */
    uint64_t units = 0;
    for (;;) {
        while (p < end && is_digit(*p)) {
            if (units > (UINT64_MAX - 9) / 10)
                return false;
            units = units * 10 + (uint64_t)(*p - '0');
            p++;
        }
        if (p == end)
            break;
        const size_t sep = thousands_sep_len(p, end, comma);
        if (sep == 0)
            break;
        p += sep;
        if (p == end || !is_digit(*p))
            return false; /* separator last, doubled, or before the decimal separator */
    }

    /* Decimal part: 1 or 2 digits, then the end of the field. */
    uint64_t cents = 0;
    if (p < end && *p == dec) {
        p++;
        if (p == end || !is_digit(*p))
            return false; /* "12," */
        cents = (uint64_t)(*p++ - '0') * 10;
        if (p < end && is_digit(*p))
            cents += (uint64_t)(*p++ - '0');
    }
    if (p != end)
        return false; /* 3 decimals, second separator, exponent, any other byte */

    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (units > (limit - cents) / 100)
        return false;
    const uint64_t mag = units * 100 + cents;
    if (!neg)
        *out = (spie_cents)mag;
    else if (mag == (uint64_t)INT64_MAX + 1)
        *out = INT64_MIN;
    else
        *out = -(spie_cents)mag;
    return true;
}

bool spie_parse_year(spie_str f, int *out)
{
    if (f.n != 4)
        return false;
    const int y = digits_value(f.s, 4);
    if (y < 0)
        return false;
    *out = y;
    return true;
}

static unsigned char ascii_lower(unsigned char c)
{
    return (unsigned)(c - 'A') <= 25u ? (unsigned char)(c | 0x20) : c;
}

/* The slot of a code of n bytes under the multipliers (a, b), its first and last bytes
 * folded to lower case or as written; the same as spie_codeset_find. */
static unsigned codeset_key(const unsigned char *s, size_t n, unsigned a, unsigned b, bool fold)
{
    unsigned first = fold ? spie_lower_(s[0]) : s[0], last = fold ? spie_lower_(s[n - 1]) : s[n - 1];
    return (unsigned)(n * a + first * b + last) & (SPIE_CODESET_SLOTS - 1);
}

/* Multipliers under which no two codes share a slot: a few tries for these short lists.
 * Two codes of the same length, first and last letter share one under any. false when
 * there are none. */
static bool find_multipliers(const char *const *codes, size_t n, bool fold, uint8_t *ma, uint8_t *mb)
{
    for (unsigned a = 1; a < SPIE_CODESET_SLOTS; a++)
        for (unsigned b = 1; b < SPIE_CODESET_SLOTS; b++) {
            uint64_t used = 0;
            size_t i = 0;
            for (; i < n; i++) {
                unsigned k = codeset_key((const unsigned char *)codes[i], strlen(codes[i]), a, b, fold);
                if (used >> k & 1u)
                    break;
                used |= (uint64_t)1 << k;
            }
            if (i == n) {
                *ma = (uint8_t)a;
                *mb = (uint8_t)b;
                return true;
            }
        }
    return false;
}

const unsigned char spie_first_bytes_mask_[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* Whether the list can take the one-probe path: at most SPIE_CODESET_FAST codes of 1 to
 * 32 ASCII bytes. */
static bool codes_fast(const char *const *codes, size_t n)
{
    if (n > SPIE_CODESET_FAST)
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(codes[i]);
        if (len == 0 || len > 32)
            return false;
        for (size_t j = 0; j < len; j++)
            if ((unsigned char)codes[i][j] >= 0x80)
                return false;
    }
    return true;
}

bool spie_codeset_init(spie_codeset *cs, const char *const *codes, size_t n)
{
    memset(cs, 0, sizeof *cs);
    if (n > 254)
        return false;
    cs->codes = codes;
    cs->n = n;
    cs->scan = true;
    if (!codes_fast(codes, n))
        return true;
    /* Folded to lower case, the codes differ (else the list is scanned); as written too. */
    if (!find_multipliers(codes, n, true, &cs->mul_len, &cs->mul_first) ||
        !find_multipliers(codes, n, false, &cs->xmul_len, &cs->xmul_first))
        return true;
    cs->scan = false;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = (const unsigned char *)codes[i];
        size_t len = strlen(codes[i]);
        cs->slot[codeset_key(c, len, cs->mul_len, cs->mul_first, true)] = (uint8_t)(i + 1);
        cs->xslot[codeset_key(c, len, cs->xmul_len, cs->xmul_first, false)] = (uint8_t)(i + 1);
        (void)spie_words_(c, len, cs->xword[i]);
        memcpy(cs->xpad[i], c, len < 16 ? len : 16); /* read only for a code of at most 16 bytes */
        cs->len[i] = (uint8_t)len;
        /* As spie_codeset_find reads a field (spie_words_), folded. */
        if (len < 8) {
            cs->word[i][0] = spie_fold8_(spie_pack_short_(c, len));
        } else {
            unsigned nw = spie_words_(c, len, cs->word[i]);
            for (unsigned k = 0; k < nw; k++)
                cs->word[i][k] = spie_fold8_(cs->word[i][k]);
        }
    }
    return true;
}

int spie_parse_code(spie_str f, const char *const *codes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = (const unsigned char *)codes[i];
        size_t j = 0;
        while (j < f.n && c[j] != '\0' &&
               ascii_lower((unsigned char)f.s[j]) == ascii_lower(c[j]))
            j++;
        if (j == f.n && c[j] == '\0')
            return (int)i;
    }
    return -1;
}

bool spie_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *const end = p + n;
    while (p < end) {
        /* ASCII runs, 8 bytes at a time. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            p += 8;
        }
        if (p == end)
            break;
        const unsigned char c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        /* Unicode 15, Table 3-7 "Well-Formed UTF-8 Byte Sequences": the second byte's
         * range depends on the first; the others are always 80..BF. */
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* no overlong */
            else if (c == 0xED)
                hi = 0x9F; /* no surrogate */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; /* no overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* nothing above U+10FFFF */
        } else {
            return false; /* 80..C1 (continuation or overlong lead), F5..FF */
        }
        if ((size_t)(end - p) < len)
            return false;
        if (p[1] < lo || p[1] > hi)
            return false;
        for (size_t k = 2; k < len; k++)
            if ((p[k] & 0xC0) != 0x80)
                return false;
        p += len;
    }
    return true;
}

/* Windows-1252 0x80..0x9F (unicode.org MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT); the
 * five undefined bytes map to the C1 control of the same number. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80..87 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, /* 88..8F */
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90..97 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, /* 98..9F */
};

size_t spie_cp1252_to_utf8(const char *s, size_t n, char *out)
{
    unsigned char *o = (unsigned char *)out;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            *o++ = c;
            continue;
        }
        const unsigned cp = c < 0xA0 ? cp1252_high[c - 0x80] : c;
        if (cp < 0x800) {
            *o++ = (unsigned char)(0xC0 | (cp >> 6));
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (unsigned char)(0xE0 | (cp >> 12));
            *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        }
    }
    return (size_t)(o - (unsigned char *)out);
}
