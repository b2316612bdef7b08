/* Field types of the extracts (extracts.md §2 "Field types"). Each parser takes the
 * field as bytes (already trimmed, already UTF-8) and returns true with the parsed value
 * when the field is in one of the accepted forms, false otherwise (and then leaves *out
 * untouched). No locale is used: the same bytes give the same value under any
 * LC_NUMERIC. No allocation, no NUL terminator needed: these run on every field of
 * every row. */
#ifndef SPIE_FIELDS_H
#define SPIE_FIELDS_H

#include "spie/common.h"

/* Trim surrounding ASCII spaces and tabs (nothing else: not CR, not U+00A0). The result
 * points into f. */
spie_str spie_trim(spie_str f);

/* date: YYYY-MM-DD or DD/MM/YYYY (exactly 10 bytes, 4-2-2 or 2-2-4 ASCII digits), a real
 * calendar day of years 0001..9999; no one-digit day or month, no two-digit year, no
 * sign, no space. */
bool spie_parse_date(spie_str f, spie_day *out);

/* month: YYYY-MM or MM/YYYY (exactly 7 bytes), month 01..12, year 0001..9999. */
bool spie_parse_month(spie_str f, spie_month *out);

/* amount in euros -> cents: optional '-', at least one digit before the decimal
 * separator, 1 or 2 digits after it. With a ',' in the field, ',' is the decimal
 * separator and '.' a thousands separator; otherwise '.' is the decimal separator.
 * Space, U+00A0 and U+202F (UTF-8) are thousands separators. No '+', no exponent, no
 * NaN; beyond int64 cents is invalid.
 *
 * Choices where extracts.md is silent:
 * - the '-' must be the first byte and be followed by a digit ("- 12" is invalid);
 * - a thousands separator stands alone between two digits of the integer part: none
 *   first or last, none next to the decimal separator, no two in a row ("1  234",
 *   "1 ,5", "1.,5" are invalid); grouping is not checked ("1 23 4" is 1234);
 * - so a second decimal separator is invalid ("1,234,56"; without a ',', "1.234.56");
 * - leading zeros are allowed ("007,50" is 750 cents);
 * - the range is exactly INT64_MIN..INT64_MAX cents, checked without overflow;
 * - "-0,00" is 0. */
bool spie_parse_amount(spie_str f, spie_cents *out);

/* id: 1 to SPIE_ID_MAX (64) characters of A-Z a-z 0-9 _ - . (ASCII; case-sensitive, kept as is). */
bool spie_valid_id(spie_str f);

/* year: exactly four ASCII digits ("0000" gives 0: plausibility is a row rule). */
bool spie_parse_year(spie_str f, int *out);

/* code: index of f in codes[0..n) compared case-insensitively (ASCII only; a byte >= 0x80
 * must match exactly), or -1. The codes are NUL-terminated; f must match a whole code. */
int spie_parse_code(spie_str f, const char *const *codes, size_t n);

/* The same look-up in one probe, for the code columns read on every row: the codes are
 * spread over 64 slots by length, first and last letter (case folded); a slot that two
 * codes share falls back to spie_parse_code. spie_codeset_find(cs, f) gives exactly
 * spie_parse_code(f, codes, n). Built once; then read-only (any thread). */
#define SPIE_CODESET_SLOTS 64
typedef struct spie_codeset {
    const char *const *codes;
    size_t n;
    uint8_t slot[SPIE_CODESET_SLOTS]; /* code index + 1; 0 none; SPIE_CODESET_SHARED: scan */
} spie_codeset;
#define SPIE_CODESET_SHARED 0xFF

/* false when n > 254 (the slots hold an index + 1 below SPIE_CODESET_SHARED). */
bool spie_codeset_init(spie_codeset *cs, const char *const *codes, size_t n);
int spie_codeset_find(const spie_codeset *cs, spie_str f);

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

#endif
