/* Unit tests of the order of the publication table (engine/figures/table.c,
 * spie_table_sort): rows sorted on (niveau, code, ventilation, modalite, indicateur),
 * byte-wise, as docs/sorties.md §4 says, with rows of one identity kept in their order.
 *
 * spie_table_sort ranks each column's distinct strings once and radix-sorts one number
 * per row; spie_figure_cmp (five strcmp) stays the definition of the order. So every test
 * compares spie_table_sort with the C library's qsort under spie_figure_cmp, ties broken
 * by the row's first position, on tables made to trip a wrong ranking: strings that are
 * prefixes of one another, bytes above 0x7F, strings of the longest length, bytes left
 * after a string's end, many equal rows, thousands of distinct names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spie/acc.h"
#include "spie/table.h"

/* A small generator of its own, so that the tables are the same on every machine. */
static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)((rng_state >> 33) % n);
}

/* Writes s into a field of cap bytes, leaving random bytes after its end: the order may
 * look at the string only. */
static void put_str(char *field, size_t cap, const char *s)
{
    for (size_t i = 0; i < cap; i++)
        field[i] = (char)(1 + rnd(255));
    memcpy(field, s, strlen(s) + 1);
}

static const char *const codes[] = {"", "0", "01", "011", "1", "2A", "2B", "971", "FR", "R1", "R11", "R94",
                                    "V1", "V10", "V2", "ZZZZZZZ", "\xC3\xA9", "~"};
static const char *const modalities[] = {"", "F", "FEMME", "F\xC3\xA9", "H", "RSA", "RSA_JEUNE", "2021-T1",
                                         "2021-T10", "2021-T2", "26-44 ans", "ABCDEFGHIJK", "ABCDEFGHIJ",
                                         "ABCDEFGHIJL", "\x7F"};

/* Indicator names: some prefixes of others, some differing only at their end. */
static void indicator_name(char *out, size_t cap, uint32_t k)
{
    switch (k % 4) {
    case 0: snprintf(out, cap, "taux_%u", (unsigned)(k / 4)); break;
    case 1: snprintf(out, cap, "taux_%u_ic", (unsigned)(k / 4)); break;
    case 2: snprintf(out, cap, "delai_%03u_median_jours", (unsigned)(k / 4)); break;
    default: snprintf(out, cap, "beneficiaires_%u", (unsigned)(k / 4)); break;
    }
}

/* n random rows whose ival is their position; names drawn among nnames. */
static spie_table random_table(size_t n, uint32_t nnames)
{
    spie_table t = {0};
    for (size_t i = 0; i < n; i++) {
        spie_figure *f = spie_table_push(&t);
        assert_non_null(f);
        f->level = (uint8_t)rnd(SPIE_LEVEL_COUNT);
        f->breakdown = (uint8_t)rnd(SPIE_BD_COUNT);
        put_str(f->code, sizeof f->code, codes[rnd(sizeof codes / sizeof *codes)]);
        put_str(f->modality, sizeof f->modality, modalities[rnd(sizeof modalities / sizeof *modalities)]);
        uint32_t k = rnd(nnames);
        char name[SPIE_IND_NAME_MAX];
        indicator_name(name, sizeof name, k);
        put_str(f->indicator, sizeof f->indicator, name);
        f->id.ind = (uint16_t)(1 + k % 60);
        f->id.arg = (int32_t)(k / 60);
        f->ival = (int64_t)i;
    }
    return t;
}

static int oracle_cmp(const void *a, const void *b)
{
    int c = spie_figure_cmp(a, b);
    if (c)
        return c;
    const spie_figure *x = a, *y = b;
    return x->ival < y->ival ? -1 : x->ival > y->ival;
}

/* spie_table_sort gives the order of qsort under spie_figure_cmp, rows of one identity in
 * their first order (each row tells its first position in ival). */
static void assert_sorted_as_oracle(spie_table *t)
{
    spie_figure *want = malloc((t->n ? t->n : 1) * sizeof *want);
    assert_non_null(want);
    if (t->n)
        memcpy(want, t->rows, t->n * sizeof *want);
    qsort(want, t->n, sizeof *want, oracle_cmp);
    spie_table_sort(t);
    for (size_t i = 0; i < t->n; i++) {
        if (t->rows[i].ival != want[i].ival)
            fail_msg("row %zu: the row first at %lld, want the row first at %lld (%s %s %s)", i,
                     (long long)t->rows[i].ival, (long long)want[i].ival, want[i].code, want[i].modality,
                     want[i].indicator);
        assert_memory_equal(&t->rows[i], &want[i], sizeof want[i]); /* moved whole */
    }
    free(want);
}

/* Tables of every size from 0 to 40 rows, then larger ones, with few names (many equal
 * rows) and many (thousands of distinct names, several growths of the name table). */
static void test_sort_is_the_comparators(void **state)
{
    (void)state;
    rng_state = 20261202;
    for (size_t n = 0; n <= 40; n++) {
        spie_table t = random_table(n, 6);
        assert_sorted_as_oracle(&t);
        spie_table_release(&t);
    }
    const struct {
        size_t n;
        uint32_t names;
    } cases[] = {{1000, 1}, {5000, 3}, {20000, 40}, {20000, 5000}, {60000, 400}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        spie_table t = random_table(cases[c].n, cases[c].names);
        assert_sorted_as_oracle(&t);
        spie_table_release(&t);
    }
}

/* Each row's ival: its position now. */
static void number_rows(spie_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        t->rows[i].ival = (int64_t)i;
}

/* A table already sorted, and one in reverse order: the same as the oracle. */
static void test_sort_sorted_and_reversed(void **state)
{
    (void)state;
    rng_state = 7;
    spie_table t = random_table(3000, 50);
    qsort(t.rows, t.n, sizeof *t.rows, oracle_cmp);
    number_rows(&t);
    assert_sorted_as_oracle(&t);
    for (size_t i = 0; i < t.n / 2; i++) {
        spie_figure x = t.rows[i];
        t.rows[i] = t.rows[t.n - 1 - i];
        t.rows[t.n - 1 - i] = x;
    }
    number_rows(&t);
    assert_sorted_as_oracle(&t);
    spie_table_release(&t);
}

/* A field with no end within its size (a code of 8 bytes, a modality of 12, a name of
 * SPIE_IND_NAME_MAX) cannot be ranked as a string: the table is still sorted under
 * spie_figure_cmp (which then reads past the field, into the next one, as strcmp does:
 * the fields that follow are the row's own, and end). */
static void test_sort_unterminated_code(void **state)
{
    (void)state;
    rng_state = 99;
    spie_table t = random_table(500, 20);
    memcpy(t.rows[17].code, "ABCDEFGH", 8); /* no NUL: spie_figure_cmp goes on into modality */
    spie_table_sort(&t);
    for (size_t i = 1; i < t.n; i++)
        assert_true(spie_figure_cmp(&t.rows[i - 1], &t.rows[i]) <= 0);
    spie_table_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_is_the_comparators),
        cmocka_unit_test(test_sort_sorted_and_reversed),
        cmocka_unit_test(test_sort_unterminated_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
