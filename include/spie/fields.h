/* Field types of the extracts (docs/format-extraits.md §2 "Field types"). Each parser takes the
 * field as bytes (already trimmed, already UTF-8) and returns true with the parsed value
 * when the field is in one of the accepted forms, false otherwise (and then leaves *out
 * untouched). No locale is used: the same bytes give the same value under any
 * LC_NUMERIC. No allocation, no NUL terminator needed: these run on every field of
 * every row. */
#ifndef SPIE_FIELDS_H
#define SPIE_FIELDS_H

#include "spie/common.h"

/* Trim surrounding ASCII spaces and tabs (nothing else: not CR, not U+00A0). The result
 * points into f. (Inline, below.) */
static inline spie_str spie_trim(spie_str f);

/* date: YYYY-MM-DD or DD/MM/YYYY (exactly 10 bytes, 4-2-2 or 2-2-4 ASCII digits), a real
 * calendar day of years 0001..9999; no one-digit day or month, no two-digit year, no
 * sign, no space. (Inline, below.) */
static inline bool spie_parse_date(spie_str f, spie_day *out);

/* month: YYYY-MM or MM/YYYY (exactly 7 bytes), month 01..12, year 0001..9999. */
bool spie_parse_month(spie_str f, spie_month *out);

/* amount in euros -> cents: optional '-', at least one digit before the decimal
 * separator, 1 or 2 digits after it. With a ',' in the field, ',' is the decimal
 * separator and '.' a thousands separator; otherwise '.' is the decimal separator.
 * Space, U+00A0 and U+202F (UTF-8) are thousands separators. No '+', no exponent, no
 * NaN; beyond int64 cents is invalid.
 *
 * Choices where docs/format-extraits.md is silent:
 * - the '-' must be the first byte and be followed by a digit ("- 12" is invalid);
 * - a thousands separator stands alone between two digits of the integer part: none
 *   first or last, none next to the decimal separator, no two in a row ("1  234",
 *   "1 ,5", "1.,5" are invalid); grouping is not checked ("1 23 4" is 1234);
 * - so a second decimal separator is invalid ("1,234,56"; without a ',', "1.234.56");
 * - leading zeros are allowed ("007,50" is 750 cents);
 * - the range is exactly INT64_MIN..INT64_MAX cents, checked without overflow;
 * - "-0,00" is 0. */
bool spie_parse_amount(spie_str f, spie_cents *out);
/* The largest amount a budget line may carry, either way: ten billion euros, 125 times the
 * whole envelope (as SPIE_ALLOCATION_MAX). A line beyond it is MONTANT_INVALIDE: a typo,
 * never a movement, and a few of them would overflow the sums. */
#define SPIE_AMOUNT_MAX ((spie_cents)1000000000000) /* cents */

/* id: 1 to SPIE_ID_MAX (64) characters of A-Z a-z 0-9 _ - . (ASCII; case-sensitive, kept as
 * is). (Inline, below.) */
static inline bool spie_valid_id(spie_str f);

/* year: exactly four ASCII digits ("0000" gives 0: plausibility is a row rule). */
bool spie_parse_year(spie_str f, int *out);

/* code: index of f in codes[0..n) compared case-insensitively (ASCII only; a byte >= 0x80
 * must match exactly), or -1. The codes are NUL-terminated; f must match a whole code. */
int spie_parse_code(spie_str f, const char *const *codes, size_t n);

/* The same look-up in one probe, for the code columns read on every row: the codes are
 * spread over 64 slots by length, first and last letter (case folded), with multipliers
 * chosen by spie_codeset_init so that no two codes share a slot, and a field is compared
 * with the one code of its slot 8 bytes at a time, case folded. A list where that cannot
 * be (more than SPIE_CODESET_FAST codes, a code of 0 or more than 32 bytes or with a byte
 * >= 0x80, two codes of the same length, first and last letter) is scanned by
 * spie_parse_code. spie_codeset_find(cs, f) gives exactly spie_parse_code(f, codes, n).
 * Built once; then read-only (any thread). */
#define SPIE_CODESET_SLOTS 64
#define SPIE_CODESET_FAST 16
typedef struct spie_codeset {
    const char *const *codes;
    size_t n;
    bool scan;                          /* look-ups go through spie_parse_code */
    uint8_t mul_len, mul_first;         /* slot = (len * mul_len + first * mul_first + last) % 64 */
    uint8_t slot[SPIE_CODESET_SLOTS];   /* code index + 1; 0 none (bytes folded to lower case) */
    uint8_t xmul_len, xmul_first;       /* the same for the codes as written (xslot) */
    uint8_t xslot[SPIE_CODESET_SLOTS];
    uint8_t len[SPIE_CODESET_FAST];
    uint64_t word[SPIE_CODESET_FAST][4]; /* the code folded to lower case (spie_codeset_init) */
    uint64_t xword[SPIE_CODESET_FAST][4]; /* the code as written */
    unsigned char xpad[SPIE_CODESET_FAST][16]; /* its first 16 bytes as written, zero-padded */
} spie_codeset;

/* false when n > 254. */
bool spie_codeset_init(spie_codeset *cs, const char *const *codes, size_t n);
static inline int spie_codeset_find(const spie_codeset *cs, spie_str f); /* inline, below */

/* The same answer, for a field followed by at least SPIE_FIELD_PAD readable bytes (the
 * buffers of the extract reader keep them: CHUNK_ALLOC and spie_rd_buf_reserve in
 * engine/read/).
 * A field of 1 to 16 bytes written as its code is compared in one 16-byte load, masked
 * to its length: no branch depends on the length, which changes from row to row (the
 * steps' codes have 5 to 11 bytes, so a compare whose way depends on it is mispredicted
 * on most rows). A field the one load does not match is looked up folded to lower case,
 * as spie_codeset_find does next; any other field goes through spie_codeset_find. So the
 * answer is always spie_codeset_find's. Measured on
 * the largest territory of the national sample (spie check, 40 alternated runs each way,
 * CPU time): 2.5 to 3.5 % less. */
#define SPIE_FIELD_PAD 16
static inline int spie_codeset_find_padded(const spie_codeset *cs, spie_str f); /* inline, below */

/* Text layer. */

/* Strict UTF-8 (RFC 3629, Unicode Table 3-7): no overlong form, no surrogate
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence, no stray continuation
 * byte. NUL bytes are valid UTF-8. */
bool spie_utf8_valid(const char *s, size_t n);
/* Windows-1252 -> UTF-8. out must hold 3 * n bytes; returns the bytes written. The five
 * bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the C1
 * control of the same number. 0x00..0x7F are copied, 0xA0..0xFF are Latin-1. out must
 * not overlap s. */
size_t spie_cp1252_to_utf8(const char *s, size_t n, char *out);

/* ---- inline bodies -----------------------------------------------------------------------
 * The parsers that run on every row of etapes and beneficiaires, inline so that the row
 * rules pay no call for them. */

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "spie/date.h"

#if defined(__GNUC__)
#define SPIE_HOT static inline __attribute__((always_inline))
#else
#define SPIE_HOT static inline
#endif

SPIE_HOT spie_str spie_trim(spie_str f)
{
    /* Bytes above ' ' are neither space nor tab: most fields end there at once. */
    if (f.n && (unsigned char)f.s[0] > ' ' && (unsigned char)f.s[f.n - 1] > ' ')
        return f;
    while (f.n > 0 && (f.s[0] == ' ' || f.s[0] == '\t')) {
        f.s++;
        f.n--;
    }
    while (f.n > 0 && (f.s[f.n - 1] == ' ' || f.s[f.n - 1] == '\t'))
        f.n--;
    return f;
}

SPIE_HOT uint64_t spie_load8_(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* Value of two ASCII digits at p, or 65536 when one is not a digit (so that a year of two
 * such pairs is above 9999 too). */
SPIE_HOT unsigned spie_digits2_(const unsigned char *p)
{
    unsigned a = (unsigned)p[0] - '0', b = (unsigned)p[1] - '0';
    return a > 9 || b > 9 ? 65536u : a * 10 + b;
}

SPIE_HOT bool spie_parse_date(spie_str f, spie_day *out)
{
    if (f.n != 10)
        return false;
    const unsigned char *s = (const unsigned char *)f.s;
    unsigned y, m, d;
    if (s[4] == '-' && s[7] == '-') { /* YYYY-MM-DD */
        y = spie_digits2_(s) * 100 + spie_digits2_(s + 2);
        m = spie_digits2_(s + 5);
        d = spie_digits2_(s + 8);
    } else if (s[2] == '/' && s[5] == '/') { /* DD/MM/YYYY */
        d = spie_digits2_(s);
        m = spie_digits2_(s + 3);
        y = spie_digits2_(s + 6) * 100 + spie_digits2_(s + 8);
    } else {
        return false;
    }
    static const uint8_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y - 1 > 9998u || m - 1 > 11u || d == 0)
        return false;
    if (d > dim[m - 1] &&
        !(m == 2 && d == 29 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    *out = spie_day_of_valid_ymd((int)y, (int)m, (int)d);
    return true;
}

/* Bytes of w (all below 0x80) between lo and hi: their bit 7 set. */
SPIE_HOT uint64_t spie_in_range8_(uint64_t w, unsigned lo, unsigned hi)
{
    const uint64_t ones = 0x0101010101010101ULL;
    return (w + ones * (0x80u - lo)) & ~(w + ones * (0x7Fu - hi)) & (ones * 0x80u);
}

/* Bytes of w (all below 0x80) equal to c: their bit 7 set. */
SPIE_HOT uint64_t spie_eq8_(uint64_t w, unsigned c)
{
    const uint64_t ones = 0x0101010101010101ULL, low7 = ones * 0x7Fu;
    uint64_t x = w ^ (ones * c);
    return ~(((x & low7) + low7) | x | low7);
}

/* Whether the 8 bytes of w are all id characters ([0-9A-Za-z_.-]). */
SPIE_HOT bool spie_id_word_ok_(uint64_t w)
{
    const uint64_t high = 0x8080808080808080ULL;
    if (w & high)
        return false;
    uint64_t ok = spie_in_range8_(w, '0', '9') | spie_in_range8_(w | 0x2020202020202020ULL, 'a', 'z') |
                  spie_eq8_(w, '_') | spie_eq8_(w, '-') | spie_eq8_(w, '.');
    return ok == high;
}

#if defined(__SSE2__)
/* Whether the 16 bytes of v are all id characters. */
SPIE_HOT bool spie_id_vec_ok_(__m128i v)
{
    const __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* letters to lower case */
    __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1))));
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
    /* signed compares: a byte >= 0x80 is negative, below every bound, so never ok */
    return _mm_movemask_epi8(ok) == 0xFFFF;
}
#endif

SPIE_HOT bool spie_valid_id(spie_str f)
{
    if (f.n < 1 || f.n > SPIE_ID_MAX)
        return false;
    const unsigned char *s = (const unsigned char *)f.s;
#if defined(__SSE2__)
    if (f.n >= 16) { /* 16 bytes at a time, the last ones overlapping the ones before */
        for (size_t i = 0; i + 16 < f.n; i += 16)
            if (!spie_id_vec_ok_(_mm_loadu_si128((const __m128i *)(const void *)(s + i))))
                return false;
        return spie_id_vec_ok_(_mm_loadu_si128((const __m128i *)(const void *)(s + f.n - 16)));
    }
    if (f.n >= 8) /* the first 8 bytes and the last 8 */
        return spie_id_vec_ok_(_mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)s),
                                                  _mm_loadl_epi64((const __m128i *)(const void *)(s + f.n - 8))));
#endif
    if (f.n >= 8) { /* 8 bytes at a time, the last word overlapping the one before */
        for (size_t i = 0; i + 8 < f.n; i += 8)
            if (!spie_id_word_ok_(spie_load8_(s + i)))
                return false;
        return spie_id_word_ok_(spie_load8_(s + f.n - 8));
    }
    /* [0-9A-Za-z_.-] as a bitmap of the 128 ASCII codes: one load and one test a byte. */
    static const uint64_t id_chars[2] = {
        0x03FF600000000000ULL, /* '-' (45), '.' (46), '0'-'9' (48-57) */
        0x07FFFFFE87FFFFFEULL, /* 'A'-'Z' (65-90), '_' (95), 'a'-'z' (97-122) */
    };
    for (size_t i = 0; i < f.n; i++) {
        unsigned c = s[i];
        if (c >= 128 || !((id_chars[c >> 6] >> (c & 63)) & 1u))
            return false;
    }
    return true;
}

/* ASCII lower case of the bytes of w (bytes below 0x80 only: others give garbage). */
SPIE_HOT uint64_t spie_fold8_(uint64_t w)
{
    const uint64_t hi = 0x8080808080808080ULL;
    uint64_t up = (w + 0x3F3F3F3F3F3F3F3FULL) & ~(w + 0x2525252525252525ULL) & hi; /* 'A' <= b <= 'Z' */
    return w | (up >> 2);
}

/* n < 8 bytes as one word, by shifts (the same on any byte order as spie_codeset_init). */
SPIE_HOT uint64_t spie_pack_short_(const unsigned char *s, size_t n)
{
    uint64_t w = 0;
    for (size_t j = 0; j < n; j++)
        w |= (uint64_t)s[j] << (8 * j);
    return w;
}

SPIE_HOT unsigned spie_lower_(unsigned c)
{
    return c - 'A' <= 25u ? c | 0x20u : c;
}

/* The bytes of s[0..n) (1 <= n <= 32) as up to 4 words, the same for two strings of the
 * same length exactly when they are equal: whole words, then the last 8 bytes; below 8
 * bytes, the first and last 4 (below 4, the first, middle and last byte). */
SPIE_HOT unsigned spie_words_(const unsigned char *s, size_t n, uint64_t w[4])
{
    if (n < 4) {
        w[0] = (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
        return 1;
    }
    if (n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        w[0] = (uint64_t)a | (uint64_t)b << 32;
        return 1;
    }
    /* Unrolled: as a loop, compilers make it a byte copy. */
    unsigned k = 1;
    w[0] = spie_load8_(s);
    if (n >= 16)
        w[k++] = spie_load8_(s + 8);
    if (n >= 24)
        w[k++] = spie_load8_(s + 16);
    if (n >= 32)
        w[k++] = spie_load8_(s + 24);
    if (n & 7)
        w[k++] = spie_load8_(s + n - 8);
    return k;
}

/* The code as written whose slot a field of n bytes (1 to 32) from s falls in, if it has
 * n bytes too: its index + 1, or 0. */
SPIE_HOT unsigned spie_codeset_exact_slot_(const spie_codeset *cs, const unsigned char *s, size_t n)
{
    unsigned xs = cs->xslot[(n * cs->xmul_len + s[0] * cs->xmul_first + s[n - 1]) & (SPIE_CODESET_SLOTS - 1)];
    return xs && cs->len[xs - 1] == n ? xs : 0;
}

/* The look-up folded to lower case, for a field of 1 to 32 bytes that is not a code as
 * written (of a list that is not scanned). */
SPIE_HOT int spie_codeset_find_folded_(const spie_codeset *cs, const unsigned char *s, size_t n)
{
    unsigned v = cs->slot[(n * cs->mul_len + spie_lower_(s[0]) * cs->mul_first + spie_lower_(s[n - 1])) &
                          (SPIE_CODESET_SLOTS - 1)];
    if (v == 0 || cs->len[v - 1] != n)
        return -1;
    const uint64_t *w = cs->word[v - 1];
    uint64_t diff, high;
    if (n < 8) {
        uint64_t x = spie_pack_short_(s, n);
        high = x;
        diff = spie_fold8_(x) ^ w[0];
    } else {
        uint64_t fw[4];
        unsigned nw = spie_words_(s, n, fw);
        high = diff = 0;
        for (unsigned k = 0; k < nw; k++) {
            high |= fw[k];
            diff |= spie_fold8_(fw[k]) ^ w[k];
        }
    }
    /* A byte >= 0x80 never matches: every code is ASCII. */
    return diff == 0 && !(high & 0x8080808080808080ULL) ? (int)(v - 1) : -1;
}

SPIE_HOT int spie_codeset_find(const spie_codeset *cs, spie_str f)
{
    if (cs->scan)
        return spie_parse_code(f, cs->codes, cs->n);
    if (f.n == 0 || f.n > 32)
        return -1; /* every code has 1 to 32 bytes */
    const unsigned char *s = (const unsigned char *)f.s;
    /* First the code as written, byte for byte (the usual case). */
    unsigned xs = spie_codeset_exact_slot_(cs, s, f.n);
    if (xs) {
        uint64_t fw[4];
        unsigned nw = spie_words_(s, f.n, fw);
        uint64_t same = 0;
        for (unsigned k = 0; k < nw; k++)
            same |= fw[k] ^ cs->xword[xs - 1][k];
        if (same == 0)
            return (int)(xs - 1);
    }
    return spie_codeset_find_folded_(cs, s, f.n);
}

/* Bytes 0xFF then 0x00: from index 16 - n, a mask of the first n of 16 bytes. */
extern const unsigned char spie_first_bytes_mask_[32];

SPIE_HOT int spie_codeset_find_padded(const spie_codeset *cs, spie_str f)
{
#if defined(__SSE2__)
    if (!cs->scan && f.n - 1 < 16) { /* 1 to 16 bytes (f.n - 1 wraps for 0) */
        const unsigned char *s = (const unsigned char *)f.s;
        unsigned xs = spie_codeset_exact_slot_(cs, s, f.n);
        if (xs) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s); /* within the field's padding */
            __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(spie_first_bytes_mask_ + 16 - f.n));
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)cs->xpad[xs - 1]);
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, m), c)) == 0xFFFF)
                return (int)(xs - 1);
        }
        return spie_codeset_find_folded_(cs, s, f.n);
    }
#endif
    return spie_codeset_find(cs, f);
}

#endif
