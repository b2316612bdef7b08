/* Tests of the workbooks' helpers (reports/workbook/workbook_int.h, docs/classeurs.md):
 * the lookups of the table's figures (on the small publication table of
 * workbook_fixture.c), the French number words of the Lecture lines ("1 234", "12,3 %",
 * "80 000 000,00 €"), the funnel plot's control limits, and the text lines and heights of
 * the cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
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
        cmocka_unit_test(test_french_words),
        cmocka_unit_test(test_funnel_limits),
        cmocka_unit_test(test_text_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
