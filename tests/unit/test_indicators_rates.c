/* Unit tests of the counts and rates among the person-based indicators: engine/fold/acc.c
 * (folding persons into accumulators and cubes) and engine/figures/indicators.c (the rows
 * of the publication table), against docs/methodologie.md §2, §5 and §9 and
 * docs/sorties.md §4: return rates and add_months, activity counts, breakdowns, cohorts
 * and fixed lists, a group with no included territory, and the effectif of every kind of
 * row.
 *
 * Every test builds spie_person records by hand (the record the reading stage fills),
 * folds them for a period P, produces the rows of one group and checks the figures
 * against values worked out by hand in the comments. Reference values from R are quoted
 * where they help (prop.test(x, n, correct = FALSE)$conf.int for the Wilson score
 * interval); the Wilson bounds are also recomputed from the formula of
 * docs/methodologie.md §4 in long double. The fixture (persons, fold, rows, the checks of
 * a row, the names of one cell) is indicators_fixture.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "indicators_fixture.h"
#include "spie/acc.h"
#include "spie/date.h"
#include "spie/indicators.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"

/* ---- §2: add_months, return rates, durable returns ------------------------------------ */

/* P = 2020-02 (D = 2020-02-29, a leap year), horizons 1 and 3 months. Persons are built
 * through spie_person_add_step, so the type rules of the durable return are the
 * engine's (EMPLOI_DURABLE and CREATION_ENTREPRISE only).
 *   a: E 2020-01-31, REPRISE EMPLOI_TEMPORAIRE 2020-02-29: add_months(E, 1) = 2020-02-29
 *      (clamped) <= D: eligible; the REPRISE on exactly that day succeeds.
 *   b: E 2020-01-29, REPRISE EMPLOI_DURABLE 2020-02-29: limit 2020-02-29: success, durable.
 *   c: E 2020-01-28, REPRISE CREATION_ENTREPRISE 2020-02-29: limit 2020-02-28: eligible,
 *      one day late: neither success nor durable.
 *   d: E 2020-02-01, REPRISE FORMATION_QUALIFIANTE 2020-02-10: limit 2020-03-01 > D: not
 *      eligible.
 *   e: E 2020-01-15, REPRISE FORMATION_QUALIFIANTE 2020-01-20: success, not durable.
 *   f: E 2020-01-10, nothing: eligible, no success.
 *   g: E 2020-01-05, EMPLOI_TEMPORAIRE 2020-01-10 then CREATION_ENTREPRISE 2020-02-01:
 *      limit 2020-02-05: success, and durable (F(REPRISE_DURABLE) = 2020-02-01).
 *   h: E 2020-01-20, FORMATION_QUALIFIANTE and EMPLOI_TEMPORAIRE both on 2020-01-25: the
 *      type of the first return is EMPLOI_TEMPORAIRE (listed first, §9); not durable.
 * 1 month: eligible a b c e f g h = 7, successes a b e g h = 5, durable b g = 2.
 *   R prop.test(5, 7, correct = FALSE)$conf.int = 0.3589345 0.9177811;
 *   prop.test(2, 7, correct = FALSE)$conf.int = 0.0822189 0.6410655.
 * 3 months: nobody eligible: nd with effectif 0 (never 0 %).
 * The persons are set_returns's, built with add_step (indicators_fixture.c). */
static void test_return_rates_add_months(void **state)
{
    (void)state;
    fx f;
    spie_person ps[8];
    fx_init(&f, 2020, 2, true);
    /* Horizons do not change the accumulators' layout: set them after the init. */
    f.params.horizons[0] = 1;
    f.params.horizons[1] = 3;
    f.params.n_horizons = 2;
    size_t n = set_returns(ps);
    fx_fold(&f, ps, n);
    fx_rows(&f, true);

    E_RATE(&f, "taux_reprise_1m", 5, 7, 0.3589344518, 0.9177810760);
    E_RATE(&f, "taux_reprise_durable_1m", 2, 7, 0.0822189240, 0.6410655482);
    E_ND(&f, "taux_reprise_3m", 0);
    E_ND(&f, "taux_reprise_durable_3m", 0);
    assert_false(row_exists(&f.table, SPIE_BD_ENSEMBLE, "", "taux_reprise_6m"));
    /* Types of the first return: b; a, g, h; d, e; c. */
    E_COUNT(&f, "avec_reprise", 7);
    E_COUNT(&f, "reprise_emploi_durable", 1);
    E_COUNT(&f, "reprise_emploi_temporaire", 3);
    E_COUNT(&f, "reprise_formation_qualifiante", 2);
    E_COUNT(&f, "reprise_creation_entreprise", 1);
    /* D_REPRISE (target 180): nobody has E + 180 <= D: nd, effectif 0. */
    E_ND(&f, "delai_d_reprise_part_cible", 0);
    E_COUNT(&f, "delai_d_reprise_termines", 7);
    /* Every entrant is in 2020-T1: one cohort. */
    check_rate_in(&f.table, SPIE_BD_COHORTE, "2020-T1", "taux_reprise_1m", 5, 7, 0.3589344518, 0.9177810760);
    fx_release(&f);

    /* Non-leap February: P = 2021-02, D = 2021-02-28. E 2021-01-31 + 1 month = 2021-02-28
     * = D: eligible, and a REPRISE that day succeeds; E 2021-01-28 + 1 = 2021-02-28 too,
     * a REPRISE on 2021-02-28 succeeds; E 2021-02-01 + 1 = 2021-03-01: not eligible. */
    fx_init(&f, 2021, 2, false);
    f.params.horizons[0] = 1;
    f.params.n_horizons = 1;
    ps[0] = mk(2021, 1, 31);
    add_step(&ps[0], SPIE_STEP_REPRISE, "EMPLOI_DURABLE", day(2021, 2, 28));
    ps[1] = mk(2021, 1, 28);
    add_step(&ps[1], SPIE_STEP_REPRISE, "EMPLOI_TEMPORAIRE", day(2021, 2, 28));
    ps[2] = mk(2021, 2, 1);
    add_step(&ps[2], SPIE_STEP_REPRISE, "EMPLOI_DURABLE", day(2021, 2, 2));
    fx_fold(&f, ps, 3);
    fx_rows(&f, true);
    /* R prop.test(2, 2, correct = FALSE)$conf.int = 0.3423802 1.0000000; 1/2: 0.09453121 0.90546879. */
    E_RATE(&f, "taux_reprise_1m", 2, 2, 0.3423802275, 1.0);
    E_RATE(&f, "taux_reprise_durable_1m", 1, 2, 0.0945312057, 0.9054687943);
    fx_release(&f);
}

/* ---- §5 and §9: activity counts, first of several on the same day ---------------------- */

/* P = 2021-06 (D = 2021-06-30), built with spie_person_add_step:
 *   r1: E 2021-06-03; SOLUTION FORMATION twice and LOGEMENT once: avec_solution,
 *       solution_formation 1 (persons, not rows), solution_logement 1.
 *   r2: E 2021-05-31; SOLUTION without type: avec_solution only; SORTIE without type:
 *       sorties only.
 *   r3: E 2021-01-10; SORTIE FIN_DROITS and DEMENAGEMENT on 2021-03-01: DEMENAGEMENT.
 *   r4: E 2021-02-01; SORTIE without type and ABANDON on 2021-04-01: the typed one.
 *   r5: E 2021-06-30 (last day of P): an entrant of the month.
 *   r6: E 2021-03-01; SORTIE AUTRE 2021-05-01, DEMENAGEMENT 2021-05-20: AUTRE (first).
 * entrants 6, entrants_mois 2 (r1, r5), en_parcours 2 (r1, r5), sorties 4. */
static void test_activity_counts(void **state)
{
    (void)state;
    fx f;
    spie_person ps[6];
    fx_init(&f, 2021, 6, true);
    ps[0] = mk(2021, 6, 3);
    add_step(&ps[0], SPIE_STEP_SOLUTION, "FORMATION", day(2021, 6, 10));
    add_step(&ps[0], SPIE_STEP_SOLUTION, "FORMATION", day(2021, 6, 12));
    add_step(&ps[0], SPIE_STEP_SOLUTION, "LOGEMENT", day(2021, 6, 15));
    ps[1] = mk(2021, 5, 31);
    add_step(&ps[1], SPIE_STEP_SOLUTION, NULL, day(2021, 6, 1));
    add_step(&ps[1], SPIE_STEP_SORTIE, NULL, day(2021, 6, 20));
    ps[2] = mk(2021, 1, 10);
    add_step(&ps[2], SPIE_STEP_SORTIE, "FIN_DROITS", day(2021, 3, 1));
    add_step(&ps[2], SPIE_STEP_SORTIE, "DEMENAGEMENT", day(2021, 3, 1));
    ps[3] = mk(2021, 2, 1);
    add_step(&ps[3], SPIE_STEP_SORTIE, NULL, day(2021, 4, 1));
    add_step(&ps[3], SPIE_STEP_SORTIE, "ABANDON", day(2021, 4, 1));
    ps[4] = mk(2021, 6, 30);
    ps[5] = mk(2021, 3, 1);
    add_step(&ps[5], SPIE_STEP_SORTIE, "AUTRE", day(2021, 5, 1));
    add_step(&ps[5], SPIE_STEP_SORTIE, "DEMENAGEMENT", day(2021, 5, 20));
    fx_fold(&f, ps, 6);
    fx_rows(&f, true);

    E_COUNT(&f, "entrants", 6);
    E_COUNT(&f, "entrants_mois", 2);
    E_COUNT(&f, "en_parcours", 2);
    E_COUNT(&f, "avec_solution", 2);
    E_COUNT(&f, "solution_formation", 1);
    E_COUNT(&f, "solution_logement", 1);
    E_COUNT(&f, "solution_immersion", 0);
    E_COUNT(&f, "solution_autre", 0);
    E_COUNT(&f, "avec_reprise", 0);
    E_COUNT(&f, "reprise_emploi_durable", 0);
    E_COUNT(&f, "sorties", 4);
    E_COUNT(&f, "sortie_demenagement", 1);
    E_COUNT(&f, "sortie_fin_droits", 0);
    E_COUNT(&f, "sortie_abandon", 1);
    E_COUNT(&f, "sortie_autre", 1);
    /* No return at all: every rate's numerator is 0 (eligible: E + 3 months <= D for r3,
     * r4, r6: 3; 6 and 12 months: nobody). */
    E_RATE(&f, "taux_reprise_3m", 0, 3, 0.0, 0.5614970318);
    E_ND(&f, "taux_reprise_6m", 0);
    E_ND(&f, "taux_reprise_12m", 0);
    /* A late beneficiaires extract (docs/methodologie.md §10): entrants_mois of the ensemble
     * becomes nd with an empty effectif; the other counts and the breakdowns stay. */
    assert_true(spie_indicators_month_unknown(&f.table, 0));
    const spie_figure *m = row_of(&f.table, SPIE_BD_ENSEMBLE, "", "entrants_mois");
    assert_int_equal(m->status, SPIE_STATUS_ND);
    assert_false(m->has_effectif);
    E_COUNT(&f, "entrants", 6);
    check_count_in(&f.table, SPIE_BD_PUBLIC, "RSA", "entrants_mois", 2);
    assert_false(spie_indicators_month_unknown(&f.table, f.table.n));
    fx_release(&f);
}

/* ---- §5 and §9: breakdowns, cohorts, fixed lists --------------------------------------- */

/* P = 2021-12 (cohorts 2020-T1 .. 2021-T4 exist in the cube):
 *   q1: E 2020-02-10, RSA, F, born 1996: age 24: moins_26, cohort 2020-T1.
 *   q2: E 2021-08-15, DE, M, born 1995: 26: 26_49, 2021-T3.
 *   q3: E 2021-09-30, DE, unknown sex, born 1971: 50: 50_plus, 2021-T3.
 *   q4: E 2021-07-01, TH, F, birth year unknown: inconnu, 2021-T3.
 *   q5: E 2021-07-01, DE, F, born 1972: 49: 26_49, 2021-T3.
 * Cohort rows only for 2020-T1 and 2021-T3; every public, sex and age modality has its
 * rows, zeros included (JEUNE: 0 entrants); every cell holds every fixed-list row.
 * The persons are set_breakdowns's (indicators_fixture.c). */
static void test_breakdowns_and_cohorts(void **state)
{
    (void)state;
    fx f;
    spie_person ps[5];
    fx_init(&f, 2021, 12, true);
    size_t n = set_breakdowns(ps);
    fx_fold(&f, ps, n);
    fx_rows(&f, true);
    const spie_table *t = &f.table;

    static const char *const pubs[] = {"RSA", "JEUNE", "DE", "TH"};
    static const int64_t pub_n[] = {1, 0, 3, 1};
    static const char *const sexes[] = {"F", "M", "inconnu"};
    static const int64_t sex_n[] = {3, 1, 1};
    static const char *const ages[] = {"moins_26", "26_49", "50_plus", "inconnu"};
    static const int64_t age_n[] = {1, 2, 1, 1};

    check_cell_complete(t, SPIE_BD_ENSEMBLE, "");
    for (int i = 0; i < 4; i++) {
        check_cell_complete(t, SPIE_BD_PUBLIC, pubs[i]);
        check_count_in(t, SPIE_BD_PUBLIC, pubs[i], "entrants", pub_n[i]);
        check_cell_complete(t, SPIE_BD_AGE, ages[i]);
        check_count_in(t, SPIE_BD_AGE, ages[i], "entrants", age_n[i]);
    }
    for (int i = 0; i < 3; i++) {
        check_cell_complete(t, SPIE_BD_SEXE, sexes[i]);
        check_count_in(t, SPIE_BD_SEXE, sexes[i], "entrants", sex_n[i]);
    }
    check_cell_complete(t, SPIE_BD_COHORTE, "2020-T1");
    check_cell_complete(t, SPIE_BD_COHORTE, "2021-T3");
    check_count_in(t, SPIE_BD_COHORTE, "2020-T1", "entrants", 1);
    check_count_in(t, SPIE_BD_COHORTE, "2021-T3", "entrants", 4);
    /* No other cohort: 1 + 4 + 3 + 4 + 2 cells in all. */
    assert_int_equal(t->n, (size_t)ROWS_PER_CELL * 14);
    assert_false(row_exists(t, SPIE_BD_COHORTE, "2021-T4", "entrants"));
    assert_false(row_exists(t, SPIE_BD_COHORTE, "2020-T2", "entrants"));

    /* The empty JEUNE cell: counts 0 with effectif 0, statistics nd with effectif 0. */
    check_count_in(t, SPIE_BD_PUBLIC, "JEUNE", "solution_sante", 0);
    check_count_in(t, SPIE_BD_PUBLIC, "JEUNE", "delai_d_orient_population", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "delai_d_orient_moyenne", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "delai_d_orient_km_mediane", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "delai_d_orient_part_cible", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "taux_reprise_3m", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "reprise_incidence_j0", 0);
    check_nd_in(t, SPIE_BD_PUBLIC, "JEUNE", "reprise_km_mediane", 0);

    /* Libellé, level and code are the group's on every row. */
    for (size_t i = 0; i < t->n; i++) {
        assert_int_equal(t->rows[i].level, SPIE_LEVEL_NATIONAL);
        assert_string_equal(t->rows[i].code, "FR");
        assert_string_equal(t->rows[i].libelle, "France");
    }
    /* Incidence of return for the 2021-T3 cohort: nobody returned; the largest
     * censoring time is D - 2021-07-01 = 183 days: j180 is 0, j210 nd. */
    check_real_in(t, SPIE_BD_COHORTE, "2021-T3", "reprise_incidence_j180", 0.0, 4, 0.0);
    check_nd_in(t, SPIE_BD_COHORTE, "2021-T3", "reprise_incidence_j210", 4);
    fx_release(&f);
}

/* ---- §9: a group with no included territory -------------------------------------------- */

/* available = false: every ensemble row nd with no effectif and no value, no breakdown
 * row, even though the cube holds persons. */
static void test_unavailable_group(void **state)
{
    (void)state;
    fx f;
    spie_person ps[8];
    fx_init(&f, 2021, 12, true);
    size_t n = set_km(ps);
    fx_fold(&f, ps, n);
    fx_rows(&f, false);
    check_cell_complete(&f.table, SPIE_BD_ENSEMBLE, "");
    assert_int_equal(f.table.n, ROWS_PER_CELL);
    for (size_t i = 0; i < f.table.n; i++) {
        const spie_figure *r = &f.table.rows[i];
        assert_int_equal(r->breakdown, SPIE_BD_ENSEMBLE);
        assert_int_equal(r->status, SPIE_STATUS_ND);
        assert_false(r->has_effectif);
        assert_false(r->has_ci);
        assert_int_equal(r->kind, SPIE_VK_NONE);
    }
    E_ND(&f, "entrants", -1);
    fx_release(&f);
}

/* ---- docs/sorties.md §4: the effectif of every kind of row ---------------------------------- */

static int64_t cell_value(const spie_table *t, const spie_figure *r, const char *name)
{
    const spie_figure *f = row_of(t, (spie_breakdown)r->breakdown, r->modality, name);
    assert_int_equal(f->kind, SPIE_VK_COUNT);
    return f->ival;
}

/* Every row of a mixed group, classified by name: counts carry their own value; delay
 * statistics the completed delays; the Kaplan–Meier median the population less the
 * inverted; part_cible at most that; rates the eligible (the same for a horizon's two
 * rates, at most the entrants); the incidence curve and its median the entrants. No row is
 * ever "not a number". */
static void test_effectif_rules(void **state)
{
    (void)state;
    fx f;
    spie_person ps[40];
    size_t n = 0;
    n += set_km(ps + n);
    n += set_returns(ps + n);
    n += set_breakdowns(ps + n);
    ps[n] = mk(2021, 9, 1); /* an inverted D_CONTRAT pair */
    ps[n].first[SPIE_STEP_DIAGNOSTIC] = day(2021, 11, 10);
    ps[n].first[SPIE_STEP_CONTRAT] = day(2021, 11, 5);
    n++;
    fx_init(&f, 2021, 12, true);
    fx_fold(&f, ps, n);
    fx_rows(&f, true);
    const spie_table *t = &f.table;
    size_t checked = 0;
    char name[NAME_LEN];
    for (size_t i = 0; i < t->n; i++) {
        const spie_figure *r = &t->rows[i];
        const char *ind = r->indicator;
        assert_true(r->has_effectif);
        assert_true(r->effectif >= 0);
        if (r->kind == SPIE_VK_REAL) {
            assert_true(isfinite(r->real));
            if (r->has_ci)
                assert_true(isfinite(r->lo) && isfinite(r->hi) && r->lo <= r->real && r->real <= r->hi);
        }
        int64_t entrants = cell_value(t, r, "entrants");
        if (strncmp(ind, "delai_", 6) == 0) {
            /* delai_<c>_<suffix> with <c> a default code. */
            const char *c = NULL;
            for (size_t k = 0; k < SPIE_ARRAY_LEN(delay_codes); k++) {
                size_t l = strlen(delay_codes[k]);
                if (strncmp(ind + 6, delay_codes[k], l) == 0 && ind[6 + l] == '_')
                    c = delay_codes[k];
            }
            assert_non_null(c);
            const char *suffix = ind + 6 + strlen(c) + 1;
            snprintf(name, sizeof name, "delai_%s_population", c);
            int64_t pop = cell_value(t, r, name);
            snprintf(name, sizeof name, "delai_%s_termines", c);
            int64_t done = cell_value(t, r, name);
            snprintf(name, sizeof name, "delai_%s_incoherents", c);
            int64_t inv = cell_value(t, r, name);
            bool is_count = false;
            for (size_t k = 0; k < SPIE_ARRAY_LEN(delay_count_suffixes); k++)
                is_count |= strcmp(suffix, delay_count_suffixes[k]) == 0;
            if (is_count) {
                assert_int_equal(r->kind, SPIE_VK_COUNT);
                assert_int_equal(r->effectif, r->ival);
            } else if (strcmp(suffix, "km_mediane") == 0) {
                assert_int_equal(r->effectif, pop - inv);
            } else if (strcmp(suffix, "part_cible") == 0) {
                assert_true(r->effectif <= pop - inv);
                assert_true(r->status == SPIE_STATUS_ND ? r->effectif == 0 : r->has_ci);
            } else {
                assert_int_equal(r->effectif, done);
            }
            assert_true(pop <= entrants);
        } else if (strncmp(ind, "taux_reprise_", 13) == 0) {
            const char *h = strncmp(ind + 13, "durable_", 8) == 0 ? ind + 21 : ind + 13;
            snprintf(name, sizeof name, "taux_reprise_%s", h);
            const spie_figure *plain = row_of(t, (spie_breakdown)r->breakdown, r->modality, name);
            assert_int_equal(r->effectif, plain->effectif);
            assert_true(r->effectif <= entrants);
            assert_true(r->status == SPIE_STATUS_ND ? r->effectif == 0 : r->has_ci);
        } else if (strncmp(ind, "reprise_incidence_j", 19) == 0 || strcmp(ind, "reprise_km_mediane") == 0) {
            assert_int_equal(r->effectif, entrants);
        } else {
            assert_int_equal(r->kind, SPIE_VK_COUNT);
            assert_int_equal(r->status, SPIE_STATUS_OK);
            assert_int_equal(r->effectif, r->ival);
        }
        checked++;
    }
    assert_true(checked >= (size_t)ROWS_PER_CELL * 12);
    /* In the RSA cell (set_km, set_returns, q1 and the inverted person) the only
     * DIAGNOSTIC is the inverted person's: D_CONTRAT population 1, incoherents 1, and the
     * Kaplan–Meier median has an effectif of 0 (population less inverted). */
    check_count_in(t, SPIE_BD_PUBLIC, "RSA", "delai_d_contrat_population", 1);
    check_count_in(t, SPIE_BD_PUBLIC, "RSA", "delai_d_contrat_incoherents", 1);
    check_nd_in(t, SPIE_BD_PUBLIC, "RSA", "delai_d_contrat_km_mediane", 0);
    fx_release(&f);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_rates_add_months),
        cmocka_unit_test(test_activity_counts),
        cmocka_unit_test(test_breakdowns_and_cohorts),
        cmocka_unit_test(test_unavailable_group),
        cmocka_unit_test(test_effectif_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
