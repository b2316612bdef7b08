/* Tests of the workbooks' helpers (reports/workbook/workbook_int.h, docs/classeurs.md):
 * the lookups of the table's figures (on the small publication table of
 * workbook_fixture.c), the index of the table against the bisection it replaces, the French number words of the Lecture lines ("1 234", "12,3 %",
 * "80 000 000,00 €"), the funnel plot's control limits, and the text lines and heights of
 * the cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../reports/workbook/workbook_int.h"
#include "spie/date.h"
#include "workbook_fixture.h"

/* The lookups: an identity the catalogue does not know is recorded as such; a figure of a
 * breakdown that may not exist is probed without being recorded. */
static void test_lookups(void **state)
{
    fixture *fx = *state;
    spie_wb w;
    memset(&w, 0, sizeof w);
    w.in = &fx->in;
    spie_wb_unit u = {SPIE_LEVEL_NATIONAL, "FR", "France", 0, false, SIZE_MAX};
    const spie_figure *f = spie_wb_fig(&w, &u, spie_id(SPIE_IND_ENTRANTS, 0));
    assert_non_null(f);
    assert_int_equal(f->ival, 1234567);
    assert_string_equal(w.missing, "");
    assert_true(spie_wb_has(&w, SPIE_LEVEL_REGION, "76", SPIE_BD_PUBLIC, "RSA", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_false(spie_wb_has(&w, SPIE_LEVEL_REGION, "76", SPIE_BD_PUBLIC, "TH", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_string_equal(w.missing, "");
    assert_null(spie_wb_fig(&w, &u, spie_id(SPIE_IND_DELAI_MOYENNE, 6))); /* six pairs: 0 .. 5 */
    assert_string_equal(w.missing, "identité inconnue du catalogue : indicateur DELAI_MOYENNE, paramètre 6");
    w.missing[0] = 0;
    assert_false(spie_wb_has(&w, SPIE_LEVEL_NATIONAL, "FR", SPIE_BD_ENSEMBLE, "", spie_id(SPIE_IND_NONE, 0)));
    assert_non_null(strstr(w.missing, "identité inconnue du catalogue"));
    w.missing[0] = 0;
    assert_null(spie_wb_fig(&w, &u, spie_id(SPIE_IND_TAUX_REPRISE, 7))); /* not a horizon in force */
    assert_string_equal(w.missing, "figure absente de la table : national FR ensemble taux_reprise_7m");
}

/* The identity of row f, looked up in x. */
static const spie_figure *find_row(const spie_wb_index *x, const spie_figure *f)
{
    return spie_wb_index_find(x, (spie_level)f->level, f->code, (spie_breakdown)f->breakdown, f->modality,
                              f->indicator);
}

/* The index finds what bisecting the sorted table finds, the first of equal rows, and
 * nothing for an identity that is not there. The table is built to trip a wrong index:
 * codes, modalities and names that are prefixes of one another or differ in their last
 * byte, every level and breakdown, many rows of one identity, and rows that differ from
 * another in one field only. */
static void test_index(void **state)
{
    (void)state;
    static const char *const codes[] = {"1", "11", "111", "12", "2A", "2B", "FR", "76", "971"};
    static const char *const mods[] = {"", "RSA", "RS", "RSAA", "2021-T1", "2021-T2", "F", "H"};
    static const char *const names[] = {"entrants", "entrant", "entrantsx", "taux_reprise_6m", "taux_reprise_6n",
                                        "delai_mediane_D_ORIENT", "a"};
    spie_table t = {0};
    srand(20261202);
    for (int i = 0; i < 6000; i++) {
        spie_figure *f = spie_table_push(&t);
        assert_non_null(f);
        f->level = (uint8_t)(rand() % SPIE_LEVEL_COUNT);
        f->breakdown = (uint8_t)(rand() % SPIE_BD_COUNT);
        strcpy(f->code, codes[rand() % 9]);
        strcpy(f->modality, mods[rand() % 8]);
        strcpy(f->indicator, names[rand() % 7]);
        f->ival = i;
    }
    for (int i = 0; i < 400; i++) { /* one identity many times */
        spie_figure *f = spie_table_push(&t);
        assert_non_null(f);
        f->level = SPIE_LEVEL_REGION;
        f->breakdown = SPIE_BD_AGE;
        strcpy(f->code, "76");
        strcpy(f->modality, "RSA");
        strcpy(f->indicator, "entrants");
        f->ival = 6000 + i;
    }
    spie_table_sort(&t);
    spie_wb_index *x = spie_wb_index_new(&t);
    assert_non_null(x);
    for (size_t r = 0; r < t.n; r++) {
        const spie_figure *f = &t.rows[r], *got = find_row(x, f);
        assert_non_null(got);
        const spie_figure *b = bsearch(f, t.rows, t.n, sizeof *t.rows, spie_figure_cmp);
        assert_non_null(b);
        assert_int_equal(spie_figure_cmp(got, b), 0);
        size_t first = r; /* equal rows are together in the sorted table */
        while (first > 0 && spie_figure_cmp(&t.rows[first - 1], f) == 0)
            first--;
        assert_ptr_equal(got, &t.rows[first]);
    }
    /* Identities that are not in the table: every combination of the lists, checked by a
     * walk through all the rows. */
    size_t absent = 0;
    for (int lv = 0; lv < SPIE_LEVEL_COUNT; lv++)
        for (int bd = 0; bd < SPIE_BD_COUNT; bd++)
            for (int c = 0; c < 9; c++)
                for (int m = 0; m < 8; m++)
                    for (int n = 0; n < 7; n++) {
                        spie_figure k = {0};
                        k.level = (uint8_t)lv;
                        k.breakdown = (uint8_t)bd;
                        strcpy(k.code, codes[c]);
                        strcpy(k.modality, mods[m]);
                        strcpy(k.indicator, names[n]);
                        bool present = false;
                        for (size_t r = 0; r < t.n && !present; r++)
                            present = spie_figure_cmp(&t.rows[r], &k) == 0;
                        const spie_figure *got = find_row(x, &k);
                        if (present) {
                            assert_non_null(got);
                            assert_int_equal(spie_figure_cmp(got, &k), 0);
                        } else {
                            assert_null(got);
                            absent++;
                        }
                    }
    assert_true(absent > 1000); /* the loop above did test absent identities */
    spie_wb_index_free(x);
    spie_wb_index_free(NULL);
    /* An empty table: nothing is found. */
    spie_table empty = {0};
    x = spie_wb_index_new(&empty);
    assert_non_null(x);
    assert_null(spie_wb_index_find(x, SPIE_LEVEL_NATIONAL, "FR", SPIE_BD_ENSEMBLE, "", "entrants"));
    spie_wb_index_free(x);
    free(t.rows);
}

/* On the fixture's table, every figure a workbook may ask for is the same row with the
 * index as by bisection, and a figure the table lacks is recorded the same way. */
static void test_lookups_indexed(void **state)
{
    fixture *fx = *state;
    spie_wb plain, indexed;
    memset(&plain, 0, sizeof plain);
    memset(&indexed, 0, sizeof indexed);
    plain.in = indexed.in = &fx->in;
    spie_wb_index *x = spie_wb_index_new(&fx->table);
    assert_non_null(x);
    indexed.index = x;
    assert_true(fx->table.n > 10);
    for (size_t r = 0; r < fx->table.n; r++) {
        const spie_figure *f = &fx->table.rows[r];
        const spie_figure *a = spie_wb_get(&plain, (spie_level)f->level, f->code, (spie_breakdown)f->breakdown,
                                           f->modality, f->id);
        const spie_figure *b = spie_wb_get(&indexed, (spie_level)f->level, f->code, (spie_breakdown)f->breakdown,
                                           f->modality, f->id);
        assert_non_null(a);
        assert_ptr_equal(a, b);
    }
    assert_null(spie_wb_get(&plain, SPIE_LEVEL_REGION, "99", SPIE_BD_ENSEMBLE, "", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_null(spie_wb_get(&indexed, SPIE_LEVEL_REGION, "99", SPIE_BD_ENSEMBLE, "", spie_id(SPIE_IND_ENTRANTS, 0)));
    assert_string_equal(plain.missing, indexed.missing);
    assert_non_null(strstr(indexed.missing, "figure absente de la table : "));
    /* A code longer than the table's field is not there either. */
    assert_null(spie_wb_get(&indexed, SPIE_LEVEL_REGION, "7600000000000", SPIE_BD_ENSEMBLE, "",
                            spie_id(SPIE_IND_ENTRANTS, 0)));
    spie_wb_index_free(x);
}

static void test_french_words(void **state)
{
    (void)state;
    char b[64];
    spie_wb_fr_int(b, sizeof b, 1234567);
    assert_string_equal(b, "1" NBSP "234" NBSP "567");
    spie_wb_fr_int(b, sizeof b, -999);
    assert_string_equal(b, "-999");
    spie_wb_fr_int(b, sizeof b, 0);
    assert_string_equal(b, "0");
    spie_wb_fr_pct1(b, sizeof b, 0.1234);
    assert_string_equal(b, "12,3" NBSP "%");
    spie_wb_fr_pct1(b, sizeof b, 4.0 / 7.0); /* 57.142857... */
    assert_string_equal(b, "57,1" NBSP "%");
    spie_wb_fr_dec1(b, sizeof b, 35);
    assert_string_equal(b, "35,0");
    spie_wb_fr_dec1(b, sizeof b, 2.25); /* 22.5 tenths, half away from zero */
    assert_string_equal(b, "2,3");
    spie_wb_fr_dec1(b, sizeof b, NAN);
    assert_string_equal(b, "nd");
    spie_wb_fr_level(b, sizeof b, 0.95);
    assert_string_equal(b, "95" NBSP "%");
    spie_wb_fr_level(b, sizeof b, 0.975);
    assert_string_equal(b, "97,5" NBSP "%");
    spie_wb_fr_euros(b, sizeof b, 8000000000);
    assert_string_equal(b, "80" NBSP "000" NBSP "000,00" NBSP "€");
    spie_wb_fr_euros(b, sizeof b, -5);
    assert_string_equal(b, "-0,05" NBSP "€");
    /* Lecture lines: euros to the unit, half away from zero */
    spie_wb_fr_euros0(b, sizeof b, 123456789);
    assert_string_equal(b, "1" NBSP "234" NBSP "568" NBSP "€");
    spie_wb_fr_euros0(b, sizeof b, -149);
    assert_string_equal(b, "-1" NBSP "€");
    spie_wb_fr_euros0(b, sizeof b, -49);
    assert_string_equal(b, "0" NBSP "€");
    spie_month m;
    assert_true(spie_month_from_ym(2021, 8, &m));
    spie_wb_fr_month(b, sizeof b, m);
    assert_string_equal(b, "août 2021");
    spie_wb_fr_of_month(b, sizeof b, m);
    assert_string_equal(b, "d'août 2021");
    assert_true(spie_month_from_ym(2021, 5, &m));
    spie_wb_fr_of_month(b, sizeof b, m);
    assert_string_equal(b, "de mai 2021");
    spie_params p;
    spie_params_default(&p);
    spie_wb_pair_label(&p.pairs[0], true, b, sizeof b);
    assert_string_equal(b, "Entrée → orientation");
    spie_wb_pair_label(&p.pairs[2], false, b, sizeof b);
    assert_string_equal(b, "diagnostic → contrat d'engagement");
}

/* The funnel plot's control limits, p0 ± z·√(p0(1 − p0)/n), clipped to [0, 1]:
 * p0 = 0.2, n = 100: √(0.16/100) = 0.04; z = 2: 0.12 and 0.28; n = 1, z = 3: 0.2 ± 1.2
 * clipped to 0 and 1. */
static void test_funnel_limits(void **state)
{
    (void)state;
    assert_true(fabs(spie_wb_funnel_limit(0.2, 100, 2.0, false) - 0.12) < 1e-15);
    assert_true(fabs(spie_wb_funnel_limit(0.2, 100, 2.0, true) - 0.28) < 1e-15);
    assert_true(spie_wb_funnel_limit(0.2, 1, 3.0, false) == 0.0);
    assert_true(spie_wb_funnel_limit(0.2, 1, 3.0, true) == 1.0);
    assert_true(isnan(spie_wb_funnel_limit(0.2, 0, 2.0, true)));
}

/* Text widths and heights (page.c): a word never broken is what a header's column is
 * widened to; a long text takes several lines; more lines, a taller row. */
static void test_text_lines(void **state)
{
    (void)state;
    assert_int_equal(spie_wb_lines("Entrants", 10, true), 1);
    assert_int_equal(spie_wb_lines("", 10, false), 1);
    assert_true(spie_wb_lines("En parcours à la date de référence", 10, true) >= 3);
    assert_int_equal(spie_wb_lines("a\nb", 50, false), 2);
    assert_true(spie_wb_line_height(2, 11) > spie_wb_line_height(1, 11));
    assert_true(spie_wb_line_height(1, 11) > 15.0); /* above the default: an explicit height */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
        cmocka_unit_test(test_index),
        cmocka_unit_test_setup_teardown(test_lookups_indexed, setup, teardown),
        cmocka_unit_test(test_french_words),
        cmocka_unit_test(test_funnel_limits),
        cmocka_unit_test(test_text_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
