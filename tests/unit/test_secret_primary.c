/* Unit tests of the primary secret: engine/figures/secret.c (spie_secret_apply), against
 * docs/methodologie.md §7 and docs/sorties.md §4 (statut s: valeur, interval and effectif
 * empty): which counts, rates and statistics are masked by their own rule (COUNT, RATE, STAT)
 * for the threshold k given, and that the figures of rule NONE never are.
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
#include "testutil.h"

/* ---- primary: counts -------------------------------------------------------------------- */

/* Counts 0, 1, k-1, k, k+1 of one cell (k = 5, the default of docs/methodologie.md §0): 0 is shown
 * ("Zero is shown as 0"), 1 and 4 are s, 5 and 6 shown. No line joins them (none is a
 * reprise_, sortie_ or delai_ count), so nothing is masked in secondary. */
static void test_count_primary_k5(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, NAT, "FR", ENS, "", "entrants", 6);
    cnt(&t, NAT, "FR", ENS, "", "entrants_mois", 1);
    cnt(&t, NAT, "FR", ENS, "", "en_parcours", 5);
    cnt(&t, NAT, "FR", ENS, "", "avec_solution", 4);
    cnt(&t, NAT, "FR", ENS, "", "sorties", 0);
    spie_secret_counts c = apply(&t, 5);
    assert_shown(nat(&t, "entrants"));
    assert_masked(nat(&t, "entrants_mois"));
    assert_shown(nat(&t, "en_parcours"));
    assert_masked(nat(&t, "avec_solution"));
    const spie_figure *zero = nat(&t, "sorties");
    assert_shown(zero);
    assert_int_equal(zero->ival, 0);
    assert_int_equal(c.primary, 2);
    assert_int_equal(c.secondary, 0);
    assert_int_equal(n_masked(&t), 2);
    /* Masking changes statuses only: the values stay in the table (the writers skip them). */
    assert_int_equal(nat(&t, "entrants_mois")->ival, 1);
    assert_int_equal(nat(&t, "avec_solution")->ival, 4);
    spie_table_release(&t);
}

/* A masked count of 3 persons hides the effectif 3 of the cell's figures about persons (a
 * mean over those 3 would give it away), but not that of a count of territories: its
 * effectif is its own shown value and counts no person. */
static void test_territory_count_effectif_kept(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, REG, "76", ENS, "", "entrants", 40);
    cnt(&t, REG, "76", ENS, "", "avec_reprise", 3);
    spie_figure *m = push(&t, REG, "76", ENS, "", "delai_d_orient_moyenne");
    m->kind = SPIE_VK_REAL;
    m->real = 12.5;
    m->has_effectif = true;
    m->effectif = 3;
    spie_figure *ta = push(&t, REG, "76", ENS, "", "territoires_attendus");
    ta->kind = SPIE_VK_COUNT;
    ta->ival = 3;
    ta->has_effectif = true;
    ta->effectif = 3;
    apply(&t, 5);
    assert_masked(get(&t, REG, "76", ENS, "", "avec_reprise"));
    assert_false(get(&t, REG, "76", ENS, "", "delai_d_orient_moyenne")->has_effectif);
    const spie_figure *terr = get(&t, REG, "76", ENS, "", "territoires_attendus");
    assert_shown(terr);
    assert_true(terr->has_effectif);
    assert_int_equal(terr->effectif, 3);
    spie_table_release(&t);
}

/* k comes from the argument (the configuration), not from a constant: k = 3 masks 1 and 2
 * and shows 3; k = 11 masks 10 and shows 11. */
static void test_count_primary_k_argument(void **state)
{
    (void)state;
    static const int64_t v[] = {0, 1, 2, 3, 4, 10, 11, 12};
    static const char *const names[] = {"entrants", "entrants_mois", "en_parcours", "avec_solution",
                                        "avec_reprise", "sorties", "solution_formation", "solution_sante"};
    static const int ks[] = {3, 11, 1};
    for (size_t kk = 0; kk < SPIE_ARRAY_LEN(ks); kk++) {
        int k = ks[kk];
        spie_table t = {0};
        for (size_t i = 0; i < SPIE_ARRAY_LEN(v); i++)
            cnt(&t, NAT, "FR", ENS, "", names[i], v[i]);
        spie_secret_counts c = apply(&t, k);
        size_t expect = 0;
        for (size_t i = 0; i < SPIE_ARRAY_LEN(v); i++) {
            const spie_figure *f = nat(&t, names[i]);
            if (v[i] >= 1 && v[i] < k) {
                assert_masked(f);
                expect++;
            } else {
                assert_shown(f);
            }
        }
        assert_int_equal(c.primary, expect);
        assert_int_equal(c.secondary, 0);
        spie_table_release(&t);
    }
}

/* ---- primary: rates --------------------------------------------------------------------- */

/* A rate x / n (k = 5) is s when n < 5, or x in 1..4, or n - x in 1..4; x = 0 and x = n
 * are shown when n >= 5 (the complement 0 is "zero", not a small count); n = 0 is nd and
 * stays nd. */
static void test_rate_primary(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int64_t x, n;
        int expect; /* spie_status */
    } cases[] = {
        {"r_den4_x2", 2, 4, SPIE_STATUS_SECRET},     /* small denominator */
        {"r_den4_x0", 0, 4, SPIE_STATUS_SECRET},     /* small denominator, even with x = 0 */
        {"r_den4_x4", 4, 4, SPIE_STATUS_SECRET},     /* small denominator, even with x = n */
        {"r_den1_x1", 1, 1, SPIE_STATUS_SECRET},
        {"r_num3", 3, 20, SPIE_STATUS_SECRET},       /* small numerator */
        {"r_num1", 1, 100, SPIE_STATUS_SECRET},
        {"r_num4", 4, 100, SPIE_STATUS_SECRET},
        {"r_num5", 5, 100, SPIE_STATUS_OK},          /* numerator k: shown */
        {"r_comp3", 17, 20, SPIE_STATUS_SECRET},     /* small complement */
        {"r_comp1", 99, 100, SPIE_STATUS_SECRET},
        {"r_comp4", 5, 9, SPIE_STATUS_SECRET},       /* numerator 5 but complement 4 */
        {"r_comp5", 5, 10, SPIE_STATUS_OK},          /* 5 and 5 */
        {"r_zero", 0, 20, SPIE_STATUS_OK},           /* x = 0, n >= k, complement 20 */
        {"r_zero_k", 0, 5, SPIE_STATUS_OK},          /* x = 0 with n = k */
        {"r_full", 20, 20, SPIE_STATUS_OK},          /* x = n: complement 0 */
        {"r_full_k", 5, 5, SPIE_STATUS_OK},          /* x = n = k */
        {"r_nd", 0, 0, SPIE_STATUS_ND},              /* no denominator: nd, not s */
    };
    /* each case is a rate of its own: taux_reprise_<i + 1>m */
    spie_table t = {0};
    char ind[SPIE_ARRAY_LEN(cases)][32];
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        snprintf(ind[i], sizeof ind[i], "taux_reprise_%zum", i + 1);
        rate(&t, ind[i], cases[i].x, cases[i].n);
    }
    spie_secret_counts c = apply(&t, 5);
    size_t expect = 0;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        const spie_figure *f = nat(&t, ind[i]);
        if (f->status != cases[i].expect)
            fail_msg("%s (%lld / %lld): status %s, expected %s", cases[i].name, (long long)cases[i].x,
                     (long long)cases[i].n, spie_status_names[f->status], spie_status_names[cases[i].expect]);
        if (cases[i].expect == SPIE_STATUS_SECRET) {
            assert_masked(f);
            expect++;
        } else if (cases[i].expect == SPIE_STATUS_OK) {
            assert_shown(f);
            assert_true(f->has_ci);
            assert_int_equal(f->effectif, cases[i].n);
        }
    }
    assert_int_equal(c.primary, expect);
    assert_int_equal(c.secondary, 0);
    spie_table_release(&t);
}

/* The same rate under k = 3 and k = 11: x = 3 of n = 20 is shown with k = 3; x = 10 of
 * n = 40 is s with k = 11, x = 11 of n = 22 shown (complement 11). */
static void test_rate_primary_k_argument(void **state)
{
    (void)state;
    spie_table t = {0};
    rate(&t, "taux_reprise_1m", 3, 20);
    rate(&t, "taux_reprise_2m", 2, 20);
    rate(&t, "taux_reprise_3m", 18, 20);
    rate(&t, "taux_reprise_4m", 3, 3);
    apply(&t, 3);
    assert_shown(nat(&t, "taux_reprise_1m"));
    assert_masked(nat(&t, "taux_reprise_2m"));
    assert_masked(nat(&t, "taux_reprise_3m"));
    assert_shown(nat(&t, "taux_reprise_4m"));
    spie_table_release(&t);

    spie_table u = {0};
    rate(&u, "taux_reprise_1m", 10, 40);
    rate(&u, "taux_reprise_2m", 11, 22);
    rate(&u, "taux_reprise_3m", 30, 40);
    rate(&u, "taux_reprise_4m", 0, 10);
    rate(&u, "taux_reprise_5m", 0, 11);
    apply(&u, 11);
    assert_masked(nat(&u, "taux_reprise_1m"));
    assert_shown(nat(&u, "taux_reprise_2m"));
    assert_masked(nat(&u, "taux_reprise_3m")); /* complement 10 */
    assert_masked(nat(&u, "taux_reprise_4m")); /* denominator 10 */
    assert_shown(nat(&u, "taux_reprise_5m"));
    spie_table_release(&u);
}

/* ---- primary: statistics ---------------------------------------------------------------- */

/* Means, quantiles, Kaplan–Meier medians, incidences and unit costs computed on fewer than
 * k persons are s; on k persons shown; an nd statistic stays nd whatever its effectif. */
static void test_stat_primary(void **state)
{
    (void)state;
    spie_table t = {0};
    statistic(&t, NAT, "FR", "delai_d_orient_moyenne", 12.5, 4);
    statistic(&t, NAT, "FR", "delai_d_orient_mediane", 10, 4);
    statistic(&t, NAT, "FR", "delai_d_orient_p90", 30, 1);
    statistic(&t, NAT, "FR", "delai_d_orient_km_mediane", 14, 3);
    statistic(&t, NAT, "FR", "delai_d_diag_moyenne", 12.5, 5);
    statistic(&t, NAT, "FR", "delai_d_diag_p25", 7, 5);
    statistic(&t, NAT, "FR", "delai_d_diag_km_mediane", 21, 6);
    statistic(&t, NAT, "FR", "reprise_km_mediane", 300, 2);
    statistic(&t, NAT, "FR", "reprise_incidence_j30", 0.25, 4);
    statistic(&t, NAT, "FR", "reprise_incidence_j60", 0.5, 8);
    spie_figure *cost = push(&t, NAT, "FR", ENS, "", "cout_par_entrant"); /* budget_ind.c cost_row() */
    cost->kind = SPIE_VK_CENTS;
    cost->ival = 123456;
    cost->has_effectif = true;
    cost->effectif = 3;
    spie_figure *nd = push(&t, NAT, "FR", ENS, "", "delai_d_suivi_moyenne");
    nd->status = SPIE_STATUS_ND;
    nd->has_effectif = true;
    nd->effectif = 0;
    spie_secret_counts c = apply(&t, 5);
    assert_masked(nat(&t, "delai_d_orient_moyenne"));
    assert_masked(nat(&t, "delai_d_orient_mediane"));
    assert_masked(nat(&t, "delai_d_orient_p90"));
    assert_masked(nat(&t, "delai_d_orient_km_mediane"));
    assert_shown(nat(&t, "delai_d_diag_moyenne"));
    assert_shown(nat(&t, "delai_d_diag_p25"));
    assert_shown(nat(&t, "delai_d_diag_km_mediane"));
    assert_masked(nat(&t, "reprise_km_mediane"));
    assert_masked(nat(&t, "reprise_incidence_j30"));
    assert_shown(nat(&t, "reprise_incidence_j60"));
    assert_masked(nat(&t, "cout_par_entrant"));
    assert_int_equal(nat(&t, "delai_d_suivi_moyenne")->status, SPIE_STATUS_ND);
    assert_int_equal(c.primary, 7);
    assert_int_equal(c.secondary, 0);
    spie_table_release(&t);
}

/* Money and other figures that are not about persons (rule NONE: amounts, shares of
 * money, territory counts) are never masked, however small. */
static void test_none_never_masked(void **state)
{
    (void)state;
    spie_table t = {0};
    money(&t, "paye_etat", 1);
    money(&t, "engage_etat", 300);
    money(&t, "allocation_etat", 0);
    spie_figure *share = push(&t, NAT, "FR", ENS, "", "taux_consommation");
    share->kind = SPIE_VK_REAL;
    share->real = 0.001;
    spie_figure *terr = push(&t, NAT, "FR", ENS, "", "territoires_inclus");
    terr->kind = SPIE_VK_COUNT;
    terr->ival = 2;
    terr->has_effectif = true;
    terr->effectif = 2;
    spie_secret_counts c = apply(&t, 5);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.rows[i].status, SPIE_STATUS_OK);
    assert_true(nat(&t, "territoires_inclus")->has_effectif);
    assert_int_equal(nat(&t, "paye_etat")->ival, 1);
    assert_int_equal(c.primary, 0);
    assert_int_equal(c.secondary, 0);
    spie_table_release(&t);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_primary_k5),
        cmocka_unit_test(test_territory_count_effectif_kept),
        cmocka_unit_test(test_count_primary_k_argument),
        cmocka_unit_test(test_rate_primary),
        cmocka_unit_test(test_rate_primary_k_argument),
        cmocka_unit_test(test_stat_primary),
        cmocka_unit_test(test_none_never_masked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
