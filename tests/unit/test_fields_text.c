/* Unit tests of the text layer of spie/fields.h: strict UTF-8 (a table of forms, then
 * every sequence of up to four bytes of interest against a reference decoder) and
 * Windows-1252 transcoding (docs/format-extraits.md §2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fields_fixture.h"
#include "spie/fields.h"
#include "testutil.h"

static bool utf8_valid(bytes b)
{
    char *p = exact_copy(b.s, b.n);
    const bool ok = spie_utf8_valid(p, b.n);
    free(p);
    return ok;
}

static void test_utf8_table(void **state)
{
    (void)state;
    static const bytes good[] = {
        B(""), B("abc"), B("\0"), B("a\0b"),
        B("\xC3\xA9"),                 /* U+00E9 é */
        B("\xE2\x82\xAC"),             /* U+20AC € */
        B("\xF0\x9D\x84\x9E"),         /* U+1D11E */
        B("\xC2\x80"), B("\xDF\xBF"),  /* U+0080, U+07FF */
        B("\xE0\xA0\x80"),             /* U+0800 */
        B("\xED\x9F\xBF"),             /* U+D7FF, last before the surrogates */
        B("\xEE\x80\x80"),             /* U+E000, first after them */
        B("\xEF\xBF\xBF"),             /* U+FFFF */
        B("\xEF\xBB\xBF"),             /* BOM U+FEFF */
        B("\xF0\x90\x80\x80"),         /* U+10000 */
        B("\xF4\x8F\xBF\xBF"),         /* U+10FFFF */
        B("abcdefgh"), B("abcdefghijklmnop"),
        B("abcdefghijk\xC3\xA9lmnopqrstuvwxyz"),
        B("Caf\xC3\xA9 cr\xC3\xA8me \xE2\x80\xAF 12\xC2\xA0\xE2\x82\xAC"),
    };
    static const bytes bad[] = {
        B("\x80"), B("\xBF"), B("a\x80" "b"),
        B("\xC0\x80"),                 /* overlong NUL */
        B("\xC1\xBF"),                 /* overlong U+007F */
        B("\xC2"), B("\xC2" "A"), B("\xC2\xC2"), B("\xC2\xC0"),
        B("\xE0\x80\x80"), B("\xE0\x9F\xBF"), /* overlong 3-byte */
        B("\xED\xA0\x80"), B("\xED\xBF\xBF"), /* U+D800, U+DFFF */
        B("\xED\xA0\xBD\xED\xB2\xA9"),        /* CESU-8 surrogate pair */
        B("\xE2\x82"), B("\xE2\x82" "A"), B("\xE2" "A\xAC"), B("\xE2\x82\xC0"),
        B("\xF0\x80\x80\x80"), B("\xF0\x8F\xBF\xBF"), /* overlong 4-byte */
        B("\xF4\x90\x80\x80"),                         /* U+110000 */
        B("\xF5\x80\x80\x80"), B("\xF7\xBF\xBF\xBF"),
        B("\xF8\x88\x80\x80\x80"), B("\xFC\x84\x80\x80\x80\x80"),
        B("\xFE"), B("\xFF"),
        B("\xF0\x9D\x84"), B("\xF0\x9D\x84" "A"), B("\xF0\x9D" "A\x9E"),
        B("abcdefgh\x80"), B("abcdefghijklmno\xC3"), B("abcdefg\xC3"),
        B("Caf\xE9"), B("\xE9t\xE9"), /* Windows-1252 text */
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(good); i++)
        if (!utf8_valid(good[i]))
            fail_msg("rejected valid UTF-8 case %zu", i);
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++)
        if (utf8_valid(bad[i]))
            fail_msg("accepted invalid UTF-8 case %zu", i);
}

/* The test's own encoder: UTF-8 of cp (RFC 3629 §3); returns the length. */
static size_t ref_encode(uint32_t cp, unsigned char *o)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Oracle: b[0..n) is one well-formed character iff decoding it the naive way gives a
 * scalar value (not a surrogate, <= U+10FFFF) whose shortest encoding is those bytes. */
static bool ref_one_char(const unsigned char *b, size_t n)
{
    size_t len;
    uint32_t cp;
    if (b[0] < 0x80) {
        len = 1;
        cp = b[0];
    } else if ((b[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = b[0] & 0x1Fu;
    } else if ((b[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = b[0] & 0x0Fu;
    } else if ((b[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = b[0] & 0x07u;
    } else {
        return false;
    }
    if (len != n)
        return false;
    for (size_t k = 1; k < n; k++) {
        if ((b[k] & 0xC0) != 0x80)
            return false;
        cp = (cp << 6) | (b[k] & 0x3Fu);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return false;
    unsigned char enc[4];
    return ref_encode(cp, enc) == n && memcmp(enc, b, n) == 0;
}

/* Every scalar value's encoding is accepted, every surrogate's is rejected; on every
 * 2-byte string, every 3-byte string whose first byte is >= C0, and a sample of 4-byte
 * strings, the validator agrees with the oracle. */
static void test_utf8_exhaustive(void **state)
{
    (void)state;
    unsigned char b[4];
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        const size_t n = ref_encode(cp, b);
        const bool want = !(cp >= 0xD800 && cp <= 0xDFFF);
        if (spie_utf8_valid((const char *)b, n) != want)
            fail_msg("U+%04X", (unsigned)cp);
    }
    for (unsigned x = 0; x < 0x10000; x++) {
        b[0] = (unsigned char)(x >> 8);
        b[1] = (unsigned char)x;
        /* one 2-byte character, or two ASCII characters */
        const bool want = ref_one_char(b, 2) || (b[0] < 0x80 && b[1] < 0x80);
        if (spie_utf8_valid((const char *)b, 2) != want)
            fail_msg("%02X %02X", b[0], b[1]);
    }
    for (unsigned x = 0xC00000; x < 0x1000000; x++) {
        b[0] = (unsigned char)(x >> 16);
        b[1] = (unsigned char)(x >> 8);
        b[2] = (unsigned char)x;
        /* A lead byte >= C0 starts a character: either it is the whole 3 bytes, or a
         * 2-byte character followed by ASCII. */
        const bool want = ref_one_char(b, 3) || (ref_one_char(b, 2) && b[2] < 0x80);
        if (spie_utf8_valid((const char *)b, 3) != want)
            fail_msg("%02X %02X %02X", b[0], b[1], b[2]);
    }
    /* 4-byte strings starting F0..F7 with the last two bytes from a small set. */
    static const unsigned char tail[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                         0xA0, 0xBF, 0xC0, 0xC2, 0xFF};
    for (unsigned l = 0xF0; l <= 0xF7; l++)
        for (unsigned s = 0; s < 256; s++)
            for (size_t i = 0; i < sizeof tail; i++)
                for (size_t j = 0; j < sizeof tail; j++) {
                    b[0] = (unsigned char)l;
                    b[1] = (unsigned char)s;
                    b[2] = tail[i];
                    b[3] = tail[j];
                    if (spie_utf8_valid((const char *)b, 4) != ref_one_char(b, 4))
                        fail_msg("%02X %02X %02X %02X", b[0], b[1], b[2], b[3]);
                }
}

static size_t cp1252(bytes in, char *out)
{
    char *p = exact_copy(in.s, in.n);
    const size_t n = spie_cp1252_to_utf8(p, in.n, out);
    free(p);
    return n;
}

static void test_cp1252(void **state)
{
    (void)state;
    /* 0x80..0x9F: generated with Python 3 bytes([b]).decode("cp1252").encode("utf-8")
     * (which follows unicode.org CP1252.TXT); the five bytes Python rejects as undefined
     * are the C1 controls by docs/format-extraits.md §2. */
    static const struct {
        unsigned char byte;
        const char *utf8;
    } high[32] = {
        {0x80, "\xE2\x82\xAC"}, /* U+20AC euro */
        {0x81, "\xC2\x81"},     /* undefined -> U+0081 */
        {0x82, "\xE2\x80\x9A"}, {0x83, "\xC6\x92"},     {0x84, "\xE2\x80\x9E"},
        {0x85, "\xE2\x80\xA6"}, {0x86, "\xE2\x80\xA0"}, {0x87, "\xE2\x80\xA1"},
        {0x88, "\xCB\x86"},     {0x89, "\xE2\x80\xB0"}, {0x8A, "\xC5\xA0"},
        {0x8B, "\xE2\x80\xB9"}, {0x8C, "\xC5\x92"},
        {0x8D, "\xC2\x8D"}, /* undefined -> U+008D */
        {0x8E, "\xC5\xBD"},
        {0x8F, "\xC2\x8F"}, /* undefined -> U+008F */
        {0x90, "\xC2\x90"}, /* undefined -> U+0090 */
        {0x91, "\xE2\x80\x98"},
        {0x92, "\xE2\x80\x99"}, /* U+2019 right single quotation mark */
        {0x93, "\xE2\x80\x9C"}, {0x94, "\xE2\x80\x9D"}, {0x95, "\xE2\x80\xA2"},
        {0x96, "\xE2\x80\x93"}, {0x97, "\xE2\x80\x94"}, {0x98, "\xCB\x9C"},
        {0x99, "\xE2\x84\xA2"}, {0x9A, "\xC5\xA1"},     {0x9B, "\xE2\x80\xBA"},
        {0x9C, "\xC5\x93"}, /* U+0153 oe */
        {0x9D, "\xC2\x9D"}, /* undefined -> U+009D */
        {0x9E, "\xC5\xBE"},     {0x9F, "\xC5\xB8"},
    };
    char out[3 * 64];
    for (size_t i = 0; i < 32; i++) {
        assert_int_equal(high[i].byte, 0x80 + i);
        const char in = (char)high[i].byte;
        const size_t n = cp1252((bytes){&in, 1}, out);
        assert_int_equal(n, strlen(high[i].utf8));
        assert_memory_equal(out, high[i].utf8, n);
    }
    /* 0xA0..0xFF are Latin-1: spot checks, then validity and length of all. */
    static const struct {
        unsigned char byte;
        const char *utf8;
    } latin1[] = {
        {0xA0, "\xC2\xA0"}, {0xA9, "\xC2\xA9"}, {0xBF, "\xC2\xBF"}, {0xC0, "\xC3\x80"},
        {0xC9, "\xC3\x89"}, {0xE9, "\xC3\xA9"}, /* é */
        {0xE8, "\xC3\xA8"}, {0xE7, "\xC3\xA7"}, {0xFF, "\xC3\xBF"},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(latin1); i++) {
        const char in = (char)latin1[i].byte;
        const size_t n = cp1252((bytes){&in, 1}, out);
        assert_int_equal(n, 2);
        assert_memory_equal(out, latin1[i].utf8, 2);
    }
    /* ASCII (NUL included) is copied. */
    for (int c = 0; c < 0x80; c++) {
        const char in = (char)c;
        assert_int_equal(cp1252((bytes){&in, 1}, out), 1);
        assert_int_equal((unsigned char)out[0], c);
    }
    /* All 256 bytes at once: valid UTF-8 of 128 + 96 * 2 + 32 characters' lengths. */
    char all[256];
    for (int c = 0; c < 256; c++)
        all[c] = (char)c;
    char *big = malloc(3 * 256);
    assert_non_null(big);
    size_t expect = 128 + 96 * 2;
    for (size_t i = 0; i < 32; i++)
        expect += strlen(high[i].utf8);
    const size_t n = cp1252((bytes){all, 256}, big);
    assert_int_equal(n, expect);
    assert_true(spie_utf8_valid(big, n));
    free(big);
    /* A typical French export line. */
    const size_t m = cp1252((bytes)B("Caf\xE9 cr\xE8me \x80 12 \x9C" "uvre l\x92" "an"), out);
    static const char want[] =
        "Caf\xC3\xA9 cr\xC3\xA8me \xE2\x82\xAC 12 \xC5\x93uvre l\xE2\x80\x99" "an";
    assert_int_equal(m, sizeof want - 1);
    assert_memory_equal(out, want, m);
    /* Worst case is exactly 3 bytes per input byte. */
    char *worst = malloc(3 * 40);
    assert_non_null(worst);
    char euros[40];
    memset(euros, 0x80, sizeof euros);
    assert_int_equal(cp1252((bytes){euros, sizeof euros}, worst), 3 * 40);
    free(worst);
    assert_int_equal(cp1252((bytes){"", 0}, out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_table),
        cmocka_unit_test(test_utf8_exhaustive),
        cmocka_unit_test(test_cp1252),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
