/* Unit tests of the code look-ups of spie/fields.h: spie_parse_code (case folded for
 * ASCII letters only, whole codes only, the first match), spie_codeset_find (the same
 * answers in one probe, on lists whose codes share a slot) and spie_codeset_find_padded
 * (the same answers again, whatever the padding after the field holds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fields_fixture.h"
#include "spie/fields.h"
#include "testutil.h"

static void test_code(void **state)
{
    (void)state;
    static const char *const publics[] = {"RSA", "JEUNE", "DE", "TH"};
    static const struct {
        bytes in;
        int idx;
    } cases[] = {
        {B("RSA"), 0},   {B("rsa"), 0},   {B("rSa"), 0},   {B("JEUNE"), 1}, {B("Jeune"), 1},
        {B("de"), 2},    {B("De"), 2},    {B("TH"), 3},    {B("th"), 3},    {B("D"), -1},
        {B("DEE"), -1},  {B("DE "), -1},  {B(" DE"), -1},  {B(""), -1},     {B("RS"), -1},
        {B("RSA\0"), -1}, {B("R\0A"), -1}, {B("JEUN"), -1}, {B("JEUNES"), -1},
        {B("T"), -1},    {B("THX"), -1},  {B("RSB"), -1},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        char *p = exact_copy(cases[i].in.s, cases[i].in.n);
        const int idx = spie_parse_code((spie_str){p, cases[i].in.n}, publics,
                                        SPIE_ARRAY_LEN(publics));
        if (idx != cases[i].idx)
            fail_msg("code case %zu: %d, expected %d", i, idx, cases[i].idx);
        free(p);
    }
    /* Folding is ASCII letters only: '@' (0x40) is not '`' (0x60), '[' is not '{',
     * and non-ASCII bytes must match exactly (no "é" = "É"). */
    static const char *const odd[] = {"A@", "B[", "\xC3\x89TAT", ""};
    static const struct {
        bytes in;
        int idx;
    } odd_cases[] = {
        {B("a@"), 0},  {B("a`"), -1}, {B("b["), 1},   {B("b{"), -1},
        {B("\xC3\x89TAT"), 2}, {B("\xC3\x89tat"), 2}, {B("\xC3\xA9TAT"), -1},
        {B(""), 3},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(odd_cases); i++) {
        char *p = exact_copy(odd_cases[i].in.s, odd_cases[i].in.n);
        const int idx = spie_parse_code((spie_str){p, odd_cases[i].in.n}, odd,
                                        SPIE_ARRAY_LEN(odd));
        if (idx != odd_cases[i].idx)
            fail_msg("odd code case %zu: %d, expected %d", i, idx, odd_cases[i].idx);
        free(p);
    }
    assert_int_equal(spie_parse_code(tu_str("RSA"), publics, 0), -1);
    /* The first match wins. */
    static const char *const dup[] = {"x", "X"};
    assert_int_equal(spie_parse_code(tu_str("X"), dup, 2), 0);

    /* spie_codeset_find gives spie_parse_code's answer, on every case above and on lists
     * whose codes share a slot (same length, first and last letter: "AXB", "AYB"). */
    static const char *const shared[] = {"AXB", "AYB", "ab", "A", "a", "B2", "AXXB"};
    static const char *const *const lists[] = {publics, odd, dup, shared};
    static const size_t lens[] = {SPIE_ARRAY_LEN(publics), SPIE_ARRAY_LEN(odd), SPIE_ARRAY_LEN(dup),
                                  SPIE_ARRAY_LEN(shared)};
    static const char *const extra[] = {"axb", "AYB", "ayb", "AZB", "AB", "a", "b2", "AXXB", "axxb", "AXYB", "x"};
    for (size_t l = 0; l < SPIE_ARRAY_LEN(lists); l++) {
        spie_codeset cs;
        assert_true(spie_codeset_init(&cs, lists[l], lens[l]));
        for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
            spie_str f = {cases[i].in.s, cases[i].in.n};
            assert_int_equal(spie_codeset_find(&cs, f), spie_parse_code(f, lists[l], lens[l]));
        }
        for (size_t i = 0; i < SPIE_ARRAY_LEN(odd_cases); i++) {
            spie_str f = {odd_cases[i].in.s, odd_cases[i].in.n};
            assert_int_equal(spie_codeset_find(&cs, f), spie_parse_code(f, lists[l], lens[l]));
        }
        for (size_t i = 0; i < SPIE_ARRAY_LEN(extra); i++)
            assert_int_equal(spie_codeset_find(&cs, tu_str(extra[i])), spie_parse_code(tu_str(extra[i]), lists[l], lens[l]));
    }
    spie_codeset cs;
    assert_true(spie_codeset_init(&cs, shared, SPIE_ARRAY_LEN(shared)));
    assert_int_equal(spie_codeset_find(&cs, tu_str("ayb")), 1); /* through the shared slot */
    assert_int_equal(spie_codeset_find(&cs, tu_str("A")), 3);   /* "A" before "a" */
    assert_int_equal(spie_codeset_find(&cs, tu_str("AZB")), -1);
    assert_true(spie_codeset_init(&cs, publics, 0));
    assert_int_equal(spie_codeset_find(&cs, tu_str("RSA")), -1);
    assert_false(spie_codeset_init(&cs, publics, 255));
}

/* spie_codeset_find_padded(cs, f) for f copied into a heap block of exactly its bytes and
 * SPIE_FIELD_PAD more (so that AddressSanitizer catches a read beyond the padding), the
 * padding filled with `fill`, or, when fill < 0, with the bytes that follow f in `after`. */
static int find_padded(const spie_codeset *cs, const char *s, size_t n, int fill, const char *after)
{
    char *p = malloc(n + SPIE_FIELD_PAD);
    assert_non_null(p);
    memcpy(p, s, n);
    for (size_t j = 0; j < SPIE_FIELD_PAD; j++)
        p[n + j] = fill >= 0 ? (char)fill : after[j % (strlen(after) ? strlen(after) : 1)];
    int idx = spie_codeset_find_padded(cs, (spie_str){p, n});
    free(p);
    return idx;
}

/* spie_codeset_find_padded gives spie_codeset_find's answer whatever the padding after the
 * field holds: on lists with codes of 1 to 17 bytes (16 is the longest compared in one
 * load), every field equal to a code, one byte shorter, one byte longer, with one byte
 * changed at each place, its last byte changed in its top bits only (so that the field
 * falls in the code's slot), in lower case, and followed by the code's next bytes, zeros,
 * 0xFF or a byte >= 0x80. */
static void test_code_padded(void **state)
{
    (void)state;
    static const char *const steps[] = {"ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION", "REPRISE", "SUIVI", "SORTIE"};
    static const char *const edges[] = {"ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "A", "BC", "xyz", "Q_RS"};
    static const char *const publics[] = {"RSA", "JEUNE", "DE", "TH"};
    static const char *const *const lists[] = {steps, edges, publics};
    static const size_t lens[] = {SPIE_ARRAY_LEN(steps), SPIE_ARRAY_LEN(edges), SPIE_ARRAY_LEN(publics)};
    static const int fills[] = {0, 0xFF, 0x80, 'A', -1};
    size_t checked = 0;
    for (size_t l = 0; l < SPIE_ARRAY_LEN(lists); l++) {
        spie_codeset cs;
        assert_true(spie_codeset_init(&cs, lists[l], lens[l]));
        assert_false(cs.scan); /* the one-probe path, which the padded look-up shortens */
        for (size_t l2 = 0; l2 < SPIE_ARRAY_LEN(lists); l2++)
            for (size_t i = 0; i < lens[l2]; i++) {
                const char *code = lists[l2][i];
                size_t n = strlen(code);
                char f[40];
                for (size_t variant = 0; variant < 3 + n + 1 + 3; variant++) {
                    size_t fn = n;
                    memcpy(f, code, n + 1);
                    if (variant == 1 && n > 1)
                        fn = n - 1; /* one byte shorter: the code's last byte is in the padding */
                    else if (variant == 2) {
                        f[n] = 'X'; /* one byte longer */
                        fn = n + 1;
                    } else if (variant >= 3 && variant < 3 + n)
                        f[variant - 3] = (char)(f[variant - 3] == 'Z' ? 'Y' : 'Z'); /* one byte changed */
                    else if (variant == 3 + n)
                        for (size_t j = 0; j < n; j++) /* lower case: the folded path */
                            f[j] = (char)(f[j] >= 'A' && f[j] <= 'Z' ? f[j] - 'A' + 'a' : f[j]);
                    else if (variant > 3 + n) /* the last byte changed in its top bits only: the same slot */
                        f[n - 1] = (char)((unsigned char)f[n - 1] ^ (0x40u * (unsigned)(variant - 3 - n)));
                    int want = spie_codeset_find(&cs, (spie_str){f, fn});
                    for (size_t k = 0; k < SPIE_ARRAY_LEN(fills); k++) {
                        int got = find_padded(&cs, f, fn, fills[k], code + (fn < n ? fn : n));
                        if (got != want)
                            fail_msg("list %zu, code %s, variant %zu, fill %d: %d, expected %d", l, code, variant,
                                     fills[k], got, want);
                        checked++;
                    }
                }
            }
    }
    assert_true(checked > 1000);
    /* An empty field is no code, and reads nothing. */
    spie_codeset cs;
    assert_true(spie_codeset_init(&cs, steps, SPIE_ARRAY_LEN(steps)));
    assert_int_equal(spie_codeset_find_padded(&cs, (spie_str){"", 0}), -1);
    assert_int_equal(find_padded(&cs, "SUIVI", 5, -1, "SUIVI"), 5);
    assert_int_equal(find_padded(&cs, "SUIV", 4, -1, "I"), -1); /* the padding is not the field */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code),
        cmocka_unit_test(test_code_padded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
