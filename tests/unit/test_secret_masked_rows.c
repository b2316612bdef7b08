/* Unit tests of what the statistical secret (engine/figures/secret.c, spie_secret_apply)
 * leaves of a masked row, against docs/sorties.md §4 (statut s: valeur, interval and
 * effectif empty) and docs/methodologie.md §7: the CSV written from the table, values that
 * never change, an empty table and counts that may be NULL.
 *
 * Every test builds a publication table by hand with spie_table_push (the rows
 * engine/figures/indicators.c and engine/figures/budget_ind.c would emit, each with its
 * identity in the catalogue, which gives its secret rule: COUNT, STAT, RATE or NONE),
 * sorts it, applies the secret and checks each figure's status, and what is left of its
 * value, interval and effectif. The fixture (table builders, the secret applied, row
 * lookups, the checks of a masked and of a shown figure) is secret_fixture.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "secret_fixture.h"
#include "spie/acc.h"
#include "spie/secret.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "testutil.h"

/* ---- what is left of a masked row ------------------------------------------------------- */

/* docs/sorties.md §4: a masked row is written with valeur, ic_bas, ic_haut and effectif empty
 * and statut s; a shown row whose effectif was hidden keeps its value; the totals are
 * written as they were. Checked on the CSV the engine writes from the table. */
static void test_masked_rows_in_csv(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, NAT, "FR", "entrants", 3, 10, 7, 0);
    rate(&t, "taux_reprise_6m", 3, 40);
    rate(&t, "taux_reprise_12m", 10, 40);
    statistic(&t, NAT, "FR", "reprise_km_mediane", 181, 4);
    statistic(&t, NAT, "FR", "delai_d_orient_moyenne", 12.5, 20);
    /* a statistic of the RSA cell over the 3 RSA entrants: s itself; and one over 7
     * persons in the DE cell whose entrants (7) are masked in secondary */
    spie_figure *f = push(&t, NAT, "FR", PUB, "DE", "reprise_km_mediane");
    f->kind = SPIE_VK_COUNT;
    f->ival = 90;
    f->has_effectif = true;
    f->effectif = 7;
    apply(&t, 5);

    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    size_t len = strlen(dir) + 32;
    char *path = malloc(len);
    assert_non_null(path);
    snprintf(path, len, "%s/indicateurs.csv", dir);
    assert_int_equal(spie_table_write_csv(&t, path), 0);
    size_t n = 0;
    char *csv = tu_read_file(path, &n);
    assert_non_null(csv);
    static const char *const expect[] = {
        "national,FR,France,ensemble,,entrants,20,,,20,ok\n",
        "national,FR,France,ensemble,,taux_reprise_6m,,,,,s\n",
        "national,FR,France,ensemble,,reprise_km_mediane,,,,,s\n",
        "national,FR,France,ensemble,,delai_d_orient_moyenne,12.5,,,20,ok\n",
        "national,FR,France,public,DE,entrants,,,,,s\n",
        "national,FR,France,public,DE,reprise_km_mediane,90,,,,ok\n",
        "national,FR,France,public,JEUNE,entrants,10,,,10,ok\n",
        "national,FR,France,public,RSA,entrants,,,,,s\n",
        "national,FR,France,public,TH,entrants,0,,,0,ok\n",
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(expect); i++)
        if (!strstr(csv, expect[i]))
            fail_msg("line not found in the CSV: %s---\n%s", expect[i], csv);
    /* the shown rate keeps its interval */
    assert_non_null(strstr(csv, "national,FR,France,ensemble,,taux_reprise_12m,0.25,0.125,0.625,40,ok\n"));
    free(csv);
    assert_int_equal(tu_rmtree(dir), 0);
    free(path);
    free(dir);
    spie_table_release(&t);
}

/* Masking never changes a value: after the secret, every row has the value, interval
 * bounds, numerator and identity it had (only status, has_ci and has_effectif move, and
 * only towards s / hidden). */
static void test_values_never_change(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, NAT, "FR", "entrants", 3, 10, 7, 0);
    publics(&t, REG, "76", "entrants", 1, 4, 0, 30);
    cnt(&t, REG, "53", ENS, "", "entrants", 0);
    delay(&t, NAT, "FR", ENS, "", "d_diag", 4, 30, 1);
    rate(&t, "taux_reprise_3m", 2, 30);
    statistic(&t, NAT, "FR", "delai_d_diag_moyenne", 8.25, 4);
    money(&t, "paye_etat", 5);
    spie_table_sort(&t);
    spie_figure *before = malloc(t.n * sizeof *before);
    assert_non_null(before);
    memcpy(before, t.rows, t.n * sizeof *before);
    spie_secret_counts c;
    assert_true(spie_secret_apply(&t, 5, NULL, &c));
    for (size_t i = 0; i < t.n; i++) {
        const spie_figure *a = &before[i], *b = &t.rows[i];
        assert_string_equal(a->indicator, b->indicator);
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->modality, b->modality);
        assert_int_equal(a->level, b->level);
        assert_true(spie_id_eq(a->id, b->id));
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->ival, b->ival);
        assert_true(a->real == b->real);
        assert_true(a->lo == b->lo && a->hi == b->hi);
        assert_int_equal(a->num, b->num);
        assert_int_equal(a->effectif, b->effectif);
        if (b->status != a->status)
            assert_int_equal(b->status, SPIE_STATUS_SECRET);
        assert_true(b->has_ci <= a->has_ci);
        assert_true(b->has_effectif <= a->has_effectif);
    }
    /* the totals of the lines that had a primary cell keep their status too */
    assert_shown(nat(&t, "entrants"));
    assert_shown(get(&t, REG, "76", ENS, "", "entrants"));
    assert_shown(nat(&t, "delai_d_diag_population"));
    assert_int_equal(n_masked(&t), c.primary + c.secondary);
    free(before);
    spie_table_release(&t);
}

/* An empty table is fine; the counts may be NULL. */
static void test_empty_and_null_counts(void **state)
{
    (void)state;
    spie_table t = {0};
    assert_true(spie_secret_apply(&t, 5, NULL, NULL));
    cnt(&t, NAT, "FR", ENS, "", "entrants", 2);
    spie_table_sort(&t);
    assert_true(spie_secret_apply(&t, 5, NULL, NULL));
    assert_masked(nat(&t, "entrants"));
    spie_table_release(&t);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masked_rows_in_csv),
        cmocka_unit_test(test_values_never_change),
        cmocka_unit_test(test_empty_and_null_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
