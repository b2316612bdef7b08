/* Unit tests of the secondary secret: engine/figures/secret.c (spie_secret_apply), against
 * docs/methodologie.md §7 and the lines listed in the header comment of include/spie/secret.h:
 * the lines (breakdowns, types, delay pairs, régions, waves, départements of a région), the
 * smallest other non-zero cell masked where a line has a single masked cell, the cascade
 * across lines, the effectifs hidden; and the leaks found on the demo inbox, kept as
 * regression tests.
 *
 * Every test builds a publication table by hand with spie_table_push (the rows
 * engine/figures/indicators.c and engine/figures/budget_ind.c would emit, each with its
 * identity in the catalogue, which gives its secret rule: COUNT, STAT, RATE or NONE),
 * sorts it, applies the secret and checks each figure's status, and what is left of its
 * value, interval and effectif. Where a test says that nothing can be recovered, it does
 * not trust the masking pattern alone: a small solver (recover() below) plays the reader
 * of the tables, who knows that a line adds up to its total, and solves every line that
 * has a single unknown, again and again; no masked value may come out of it. The fixture
 * (table builders, the secret applied, row lookups, the checks of a masked and of a shown
 * figure) is secret_fixture.c.
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

/* ---- the reader's solver ---------------------------------------------------------------- */

/* total = cells[0] + ... + cells[n-1]. With from_effectif, the total is the published
 * effectif of `total` (a statistic whose effectif is a sum of counts). */
typedef struct eq {
    const spie_figure *total;
    bool from_effectif;
    const spie_figure *cells[8];
    size_t n;
} eq;

#define MAX_ROWS 256

/* Plays the reader: the shown counts are known (nd as 0) and every line with a single
 * unknown left (a cell, or the total when all its cells are known) gives it by
 * subtraction or addition. Every unknown is a masked value, so the first line that can be
 * solved already recovers one: returns that figure (NULL when no line can be solved) and
 * *value its value as solved. */
static const spie_figure *recover(const spie_table *t, const eq *eqs, size_t n_eqs, int64_t *value)
{
    assert_true(t->n <= MAX_ROWS);
    bool known[MAX_ROWS];
    int64_t val[MAX_ROWS];
    for (size_t i = 0; i < t->n; i++) {
        known[i] = t->rows[i].status != SPIE_STATUS_SECRET;
        val[i] = t->rows[i].status == SPIE_STATUS_OK ? t->rows[i].ival : 0;
    }
    for (size_t e = 0; e < n_eqs; e++) {
        const eq *q = &eqs[e];
        size_t ti = (size_t)(q->total - t->rows);
        bool tknown = q->from_effectif ? q->total->has_effectif : known[ti];
        int64_t tv = q->from_effectif ? q->total->effectif : val[ti];
        size_t unknown = 0, last = 0;
        int64_t sum = 0;
        for (size_t c = 0; c < q->n; c++) {
            size_t ci = (size_t)(q->cells[c] - t->rows);
            if (known[ci]) {
                sum += val[ci];
            } else {
                unknown++;
                last = ci;
            }
        }
        if (tknown && unknown == 1) {
            *value = tv - sum;
            return &t->rows[last];
        }
        if (!tknown && !q->from_effectif && unknown == 0) {
            *value = sum;
            return &t->rows[ti];
        }
    }
    return NULL;
}

/* No masked value can be recovered; the message names the one that can. */
static void assert_no_recovery(const spie_table *t, const eq *eqs, size_t n_eqs)
{
    int64_t v = 0;
    const spie_figure *f = recover(t, eqs, n_eqs, &v);
    if (f)
        fail_msg("masked %s %s %s/%s %s recovered as %lld", spie_level_names[f->level], f->code,
                 spie_breakdown_names[f->breakdown], f->modality, f->indicator, (long long)v);
}

/* The publics line of a count at one level and code. */
static eq publics_eq(const spie_table *t, spie_level lv, const char *code, const char *ind)
{
    eq q = {.total = get(t, lv, code, ENS, "", ind), .n = 4};
    q.cells[0] = get(t, lv, code, PUB, "RSA", ind);
    q.cells[1] = get(t, lv, code, PUB, "JEUNE", ind);
    q.cells[2] = get(t, lv, code, PUB, "DE", ind);
    q.cells[3] = get(t, lv, code, PUB, "TH", ind);
    return q;
}

/* The partition termines + censures + incoherents = population of one cell. */
static eq delay_eq(const spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
                   const char *c)
{
    char name[48];
    snprintf(name, sizeof name, "delai_%s_population", c);
    eq q = {.total = get(t, lv, code, bd, mod, name), .n = 3};
    snprintf(name, sizeof name, "delai_%s_termines", c);
    q.cells[0] = get(t, lv, code, bd, mod, name);
    snprintf(name, sizeof name, "delai_%s_censures", c);
    q.cells[1] = get(t, lv, code, bd, mod, name);
    snprintf(name, sizeof name, "delai_%s_incoherents", c);
    q.cells[2] = get(t, lv, code, bd, mod, name);
    return q;
}

/* ---- secondary -------------------------------------------------------------------------- */

/* The publics of a région's entrants: RSA 3 is the only primary cell of the line, so the
 * smallest other non-zero cell, DE 7, is masked too; JEUNE 10 stays, TH 0 stays (zero is
 * never masked) and the ensemble (20) keeps its status and value. Without DE, RSA would be
 * 20 - 10 - 0 - 7. */
static void test_secondary_breakdown_line(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, REG, "76", "entrants", 3, 10, 7, 0);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, REG, "76", PUB, "RSA", "entrants"));
    assert_masked(get(&t, REG, "76", PUB, "DE", "entrants"));
    assert_shown(get(&t, REG, "76", PUB, "JEUNE", "entrants"));
    assert_shown(get(&t, REG, "76", PUB, "TH", "entrants"));
    const spie_figure *tot = get(&t, REG, "76", ENS, "", "entrants");
    assert_shown(tot);
    assert_int_equal(tot->ival, 20);
    assert_int_equal(c.primary, 1);
    assert_int_equal(c.secondary, 1);
    eq q = publics_eq(&t, REG, "76", "entrants");
    assert_no_recovery(&t, &q, 1);
    spie_table_release(&t);
}

/* The smallest other cell is the smallest non-zero one: with JEUNE 0, DE 0, TH 9 and RSA 2,
 * TH is masked (not a zero cell, although a zero is smaller). */
static void test_secondary_skips_zero(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, NAT, "FR", "sorties", 2, 0, 0, 9);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, NAT, "FR", PUB, "RSA", "sorties"));
    assert_masked(get(&t, NAT, "FR", PUB, "TH", "sorties"));
    assert_shown(get(&t, NAT, "FR", PUB, "JEUNE", "sorties"));
    assert_shown(get(&t, NAT, "FR", PUB, "DE", "sorties"));
    assert_shown(nat(&t, "sorties"));
    assert_int_equal(c.secondary, 1);
    eq q = publics_eq(&t, NAT, "FR", "sorties");
    assert_no_recovery(&t, &q, 1);
    spie_table_release(&t);
}

/* Two primary cells in a line protect each other: no secondary mask. */
static void test_two_primary_no_secondary(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, REG, "53", "entrants", 2, 3, 10, 12);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, REG, "53", PUB, "RSA", "entrants"));
    assert_masked(get(&t, REG, "53", PUB, "JEUNE", "entrants"));
    assert_shown(get(&t, REG, "53", PUB, "DE", "entrants"));
    assert_shown(get(&t, REG, "53", PUB, "TH", "entrants"));
    assert_int_equal(c.primary, 2);
    assert_int_equal(c.secondary, 0);
    spie_table_release(&t);
}

/* Each count has its own line: RSA's small entrants do not mask anything in the line of
 * sorties, and the solutions (a person may have several: no partition, no line) get no
 * secondary mask. */
static void test_lines_are_per_indicator(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, NAT, "FR", "entrants", 4, 10, 20, 30);
    publics(&t, NAT, "FR", "sorties", 6, 7, 20, 30);
    cnt(&t, NAT, "FR", ENS, "", "avec_solution", 40);
    cnt(&t, NAT, "FR", ENS, "", "solution_formation", 2);
    cnt(&t, NAT, "FR", ENS, "", "solution_sante", 6);
    cnt(&t, NAT, "FR", ENS, "", "solution_logement", 38);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, NAT, "FR", PUB, "RSA", "entrants"));
    assert_masked(get(&t, NAT, "FR", PUB, "JEUNE", "entrants"));
    for (size_t i = 0; i < 4; i++) {
        static const char *const pubs[] = {"RSA", "JEUNE", "DE", "TH"};
        assert_shown(get(&t, NAT, "FR", PUB, pubs[i], "sorties"));
    }
    assert_masked(nat(&t, "solution_formation"));
    assert_shown(nat(&t, "solution_sante"));
    assert_int_equal(c.primary, 2);
    assert_int_equal(c.secondary, 1);
    spie_table_release(&t);
}

/* The type of the first return: reprise_<S> add up to avec_reprise. One small type masks
 * the smallest other non-zero type; the STAT rows named reprise_incidence_* and
 * reprise_km_mediane are not in that line. The exits likewise (sortie_<S>, total
 * sorties). */
static void test_secondary_type_lines(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, REG, "76", ENS, "", "avec_reprise", 40);
    cnt(&t, REG, "76", ENS, "", "reprise_emploi_durable", 2);
    cnt(&t, REG, "76", ENS, "", "reprise_emploi_temporaire", 20);
    cnt(&t, REG, "76", ENS, "", "reprise_formation_qualifiante", 0);
    cnt(&t, REG, "76", ENS, "", "reprise_creation_entreprise", 18);
    statistic(&t, REG, "76", "reprise_incidence_j30", 0.1, 60);
    statistic(&t, REG, "76", "reprise_km_mediane", 200, 60);
    cnt(&t, REG, "76", ENS, "", "sorties", 30);
    cnt(&t, REG, "76", ENS, "", "sortie_abandon", 12);
    cnt(&t, REG, "76", ENS, "", "sortie_demenagement", 1);
    cnt(&t, REG, "76", ENS, "", "sortie_fin_droits", 9);
    cnt(&t, REG, "76", ENS, "", "sortie_autre", 8);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, REG, "76", ENS, "", "reprise_emploi_durable"));
    assert_masked(get(&t, REG, "76", ENS, "", "reprise_creation_entreprise"));
    assert_shown(get(&t, REG, "76", ENS, "", "reprise_emploi_temporaire"));
    assert_shown(get(&t, REG, "76", ENS, "", "reprise_formation_qualifiante"));
    assert_shown(get(&t, REG, "76", ENS, "", "reprise_incidence_j30"));
    assert_shown(get(&t, REG, "76", ENS, "", "reprise_km_mediane"));
    assert_shown(get(&t, REG, "76", ENS, "", "avec_reprise"));
    assert_masked(get(&t, REG, "76", ENS, "", "sortie_demenagement"));
    assert_masked(get(&t, REG, "76", ENS, "", "sortie_autre"));
    assert_shown(get(&t, REG, "76", ENS, "", "sortie_fin_droits"));
    assert_shown(get(&t, REG, "76", ENS, "", "sortie_abandon"));
    assert_shown(get(&t, REG, "76", ENS, "", "sorties"));
    assert_int_equal(c.primary, 2);
    assert_int_equal(c.secondary, 2);
    eq q = {.total = get(&t, REG, "76", ENS, "", "avec_reprise"), .n = 4};
    q.cells[0] = get(&t, REG, "76", ENS, "", "reprise_emploi_durable");
    q.cells[1] = get(&t, REG, "76", ENS, "", "reprise_emploi_temporaire");
    q.cells[2] = get(&t, REG, "76", ENS, "", "reprise_formation_qualifiante");
    q.cells[3] = get(&t, REG, "76", ENS, "", "reprise_creation_entreprise");
    assert_no_recovery(&t, &q, 1);
    spie_table_release(&t);
}

/* The régions of the nation and the waves of the nation are lines (ensemble rows). */
static void test_secondary_region_and_wave_lines(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, NAT, "FR", ENS, "", "entrants", 133);
    cnt(&t, REG, "76", ENS, "", "entrants", 3);
    cnt(&t, REG, "53", ENS, "", "entrants", 100);
    cnt(&t, REG, "32", ENS, "", "entrants", 30);
    cnt(&t, VAG, "AMI1", ENS, "", "entrants", 3);
    cnt(&t, VAG, "AMI2", ENS, "", "entrants", 60);
    cnt(&t, VAG, "EXP2020", ENS, "", "entrants", 70);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, REG, "76", ENS, "", "entrants"));
    assert_masked(get(&t, REG, "32", ENS, "", "entrants"));
    assert_shown(get(&t, REG, "53", ENS, "", "entrants"));
    assert_masked(get(&t, VAG, "AMI1", ENS, "", "entrants"));
    assert_masked(get(&t, VAG, "AMI2", ENS, "", "entrants"));
    assert_shown(get(&t, VAG, "EXP2020", ENS, "", "entrants"));
    assert_shown(nat(&t, "entrants"));
    assert_int_equal(nat(&t, "entrants")->ival, 133);
    assert_int_equal(c.primary, 2);
    assert_int_equal(c.secondary, 2);
    spie_table_release(&t);
}

/* The cascade across lines, in the départements of Occitanie (76: Aude 11, Gard 30,
 * Haute-Garonne 31, per the INSEE table of engine/core/geo.c), delay pair D_ORIENT
 * (termines, censures, incoherents):
 *   Aude 2, 0, 9   Haute-Garonne 40, 12, 6   Gard 30, 10, 0   Occitanie 72, 22, 15.
 * Aude's termines 2 is the only primary cell. Then, line by line:
 *   Aude's delay line: incoherents 9 masked (its only other non-zero cell);
 *   the départements' incoherents: Aude masked -> Haute-Garonne's 6 masked;
 *   the départements' termines: Aude masked -> Gard's 30 masked (smaller than 40);
 *   and now the secondary masks have left single masked cells in other lines:
 *   Gard's delay line (termines masked) -> censures 10 masked;
 *   Haute-Garonne's delay line (incoherents masked) -> censures 12 masked (< 40).
 * Each département then has two masked cells, and so has each line of départements; one
 * pass over the lines is not enough (a single pass leaves Gard's and Haute-Garonne's
 * delay lines with one masked cell each). The effectif of Gard's mean (30 completed
 * delays) equals its masked termines: the mean is shown without its effectif; Gard's
 * share within target (effectif 28) keeps its effectif; Haute-Garonne's mean over its 40
 * shown termines keeps its effectif. */
static void test_secondary_cascade(void **state)
{
    (void)state;
    spie_table t = {0};
    delay(&t, DEP, "11", ENS, "", "d_orient", 2, 0, 9);
    delay(&t, DEP, "31", ENS, "", "d_orient", 40, 12, 6);
    delay(&t, DEP, "30", ENS, "", "d_orient", 30, 10, 0);
    delay(&t, REG, "76", ENS, "", "d_orient", 72, 22, 15);
    statistic(&t, DEP, "30", "delai_d_orient_moyenne", 12.5, 30);
    statistic(&t, DEP, "30", "delai_d_orient_p75", 20, 30);
    spie_figure *pc = push(&t, DEP, "30", ENS, "", "delai_d_orient_part_cible");
    pc->kind = SPIE_VK_REAL;
    pc->num = 20;
    pc->effectif = 28;
    pc->has_effectif = true;
    pc->real = 20.0 / 28.0;
    pc->has_ci = true;
    pc->lo = 0.6;
    pc->hi = 0.9;
    statistic(&t, DEP, "31", "delai_d_orient_moyenne", 10, 40);
    spie_secret_counts c = apply(&t, 5);

    static const struct {
        const char *dept, *tail;
        bool masked;
    } expect[] = {
        {"11", "termines", true},  {"11", "censures", false},   {"11", "incoherents", true},
        {"31", "termines", false}, {"31", "censures", true},    {"31", "incoherents", true},
        {"30", "termines", true},  {"30", "censures", true},    {"30", "incoherents", false},
        {"11", "population", false}, {"31", "population", false}, {"30", "population", false},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(expect); i++) {
        char name[48];
        snprintf(name, sizeof name, "delai_d_orient_%s", expect[i].tail);
        const spie_figure *f = get(&t, DEP, expect[i].dept, ENS, "", name);
        if (expect[i].masked)
            assert_masked(f);
        else
            assert_int_equal(f->status, SPIE_STATUS_OK);
    }
    static const char *const tail[] = {"population", "termines", "censures", "incoherents"};
    for (size_t i = 0; i < 4; i++) {
        char name[48];
        snprintf(name, sizeof name, "delai_d_orient_%s", tail[i]);
        assert_shown(get(&t, REG, "76", ENS, "", name));
    }
    assert_int_equal(c.primary, 1);
    assert_int_equal(c.secondary, 5);

    /* the effectif hiding */
    const spie_figure *mean = get(&t, DEP, "30", ENS, "", "delai_d_orient_moyenne");
    assert_int_equal(mean->status, SPIE_STATUS_OK);
    assert_false(mean->has_effectif);
    assert_true(mean->real == 12.5);
    assert_false(get(&t, DEP, "30", ENS, "", "delai_d_orient_p75")->has_effectif);
    const spie_figure *share = get(&t, DEP, "30", ENS, "", "delai_d_orient_part_cible");
    assert_shown(share);
    assert_true(share->has_ci);
    assert_int_equal(share->effectif, 28);
    assert_shown(get(&t, DEP, "31", ENS, "", "delai_d_orient_moyenne"));
    assert_int_equal(get(&t, DEP, "31", ENS, "", "delai_d_orient_moyenne")->effectif, 40);
    assert_int_equal(c.effectifs_hidden, 2);

    /* the reader: the three delay lines and the three lines of départements */
    eq q[6];
    q[0] = delay_eq(&t, DEP, "11", ENS, "", "d_orient");
    q[1] = delay_eq(&t, DEP, "31", ENS, "", "d_orient");
    q[2] = delay_eq(&t, DEP, "30", ENS, "", "d_orient");
    for (size_t i = 1; i < 4; i++) {
        char name[48];
        snprintf(name, sizeof name, "delai_d_orient_%s", tail[i]);
        q[2 + i] = (eq){.total = get(&t, REG, "76", ENS, "", name), .n = 3};
        q[2 + i].cells[0] = get(&t, DEP, "11", ENS, "", name);
        q[2 + i].cells[1] = get(&t, DEP, "31", ENS, "", name);
        q[2 + i].cells[2] = get(&t, DEP, "30", ENS, "", name);
    }
    assert_no_recovery(&t, q, 6);
    spie_table_release(&t);
}

/* The lines of départements only join départements of the same région (INSEE table of
 * engine/core/geo.c): Aude (11) and Haute-Garonne (31) are in Occitanie (76), Finistère (29) and
 * Ille-et-Vilaine (35) in Bretagne (53); Aude's 3 is protected by Haute-Garonne's 60, not
 * by Finistère's smaller 50. */
static void test_department_lines_by_region(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, DEP, "11", ENS, "", "entrants", 3);
    cnt(&t, DEP, "29", ENS, "", "entrants", 50);
    cnt(&t, DEP, "31", ENS, "", "entrants", 60);
    cnt(&t, DEP, "35", ENS, "", "entrants", 70);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, DEP, "11", ENS, "", "entrants"));
    assert_masked(get(&t, DEP, "31", ENS, "", "entrants"));
    assert_shown(get(&t, DEP, "29", ENS, "", "entrants"));
    assert_shown(get(&t, DEP, "35", ENS, "", "entrants"));
    assert_int_equal(c.secondary, 1);
    spie_table_release(&t);
}

/* ---- leaks found on the demo inbox, kept as regression tests ----------------------------- */

/* Nation 18 sorties = Occitanie 3 (primary) + Bretagne 15; Bretagne's publics 5 + 5 + 5 + 0.
 * The line of the régions masks Bretagne (15) in secondary, but Bretagne's own line of
 * publics shows every cell, so 15 = 5 + 5 + 5 + 0 and Occitanie = 18 - 15 = 3. */
static void test_masked_total_of_shown_line(void **state)
{
    (void)state;
    spie_table t = {0};
    cnt(&t, NAT, "FR", ENS, "", "sorties", 18);
    cnt(&t, REG, "76", ENS, "", "sorties", 3);
    cnt(&t, REG, "53", PUB, "RSA", "sorties", 5);
    cnt(&t, REG, "53", PUB, "JEUNE", "sorties", 5);
    cnt(&t, REG, "53", PUB, "DE", "sorties", 5);
    cnt(&t, REG, "53", PUB, "TH", "sorties", 0);
    cnt(&t, REG, "53", ENS, "", "sorties", 15);
    apply(&t, 5);
    assert_masked(get(&t, REG, "76", ENS, "", "sorties"));
    eq q[2];
    q[0] = (eq){.total = nat(&t, "sorties"), .n = 2};
    q[0].cells[0] = get(&t, REG, "76", ENS, "", "sorties");
    q[0].cells[1] = get(&t, REG, "53", ENS, "", "sorties");
    q[1] = publics_eq(&t, REG, "53", "sorties");
    assert_no_recovery(&t, q, 2);
    spie_table_release(&t);
}

/* National cohorts of D_SOLUTION (termines, censures, incoherents):
 *   2020-T1: 5, 0, 0   2020-T2: 3, 3, 0   2021-T1: 40, 10, 0   ensemble: 48, 13, 0.
 * 2020-T2's termines 3 and censures 3 are primary; the line of the cohorts' termines masks
 * 2020-T1's 5 in secondary, but 2020-T1's delay line has no other non-zero cell: its
 * termines are its population, 5, which is shown. */
static void test_single_mask_without_candidate(void **state)
{
    (void)state;
    spie_table t = {0};
    delay(&t, NAT, "FR", COH, "2020-T1", "d_solution", 5, 0, 0);
    delay(&t, NAT, "FR", COH, "2020-T2", "d_solution", 3, 3, 0);
    delay(&t, NAT, "FR", COH, "2021-T1", "d_solution", 40, 10, 0);
    delay(&t, NAT, "FR", ENS, "", "d_solution", 48, 13, 0);
    apply(&t, 5);
    assert_masked(get(&t, NAT, "FR", COH, "2020-T2", "delai_d_solution_termines"));
    assert_masked(get(&t, NAT, "FR", COH, "2020-T2", "delai_d_solution_censures"));
    eq q[8];
    size_t n = 0;
    static const char *const cohorts[] = {"2020-T1", "2020-T2", "2021-T1"};
    for (size_t i = 0; i < 3; i++)
        q[n++] = delay_eq(&t, NAT, "FR", COH, cohorts[i], "d_solution");
    q[n++] = delay_eq(&t, NAT, "FR", ENS, "", "d_solution");
    static const char *const tail[] = {"population", "termines", "censures", "incoherents"};
    for (size_t j = 0; j < 4; j++) {
        char name[48];
        snprintf(name, sizeof name, "delai_d_solution_%s", tail[j]);
        q[n] = (eq){.total = nat(&t, name), .n = 3};
        for (size_t i = 0; i < 3; i++)
            q[n].cells[i] = get(&t, NAT, "FR", COH, cohorts[i], name);
        n++;
    }
    assert_no_recovery(&t, q, n);
    spie_table_release(&t);
}

/* D_DIAG: population 30 = termines 20 + censures 8 + incoherents 2. incoherents 2 is
 * primary, censures 8 masked in secondary; the Kaplan–Meier median over population -
 * incoherents = 28 persons keeps its effectif, and 28 - 20 = 8. */
static void test_km_effectif_sum(void **state)
{
    (void)state;
    spie_table t = {0};
    delay(&t, NAT, "FR", ENS, "", "d_diag", 20, 8, 2);
    statistic(&t, NAT, "FR", "delai_d_diag_km_mediane", 17, 28);
    apply(&t, 5);
    assert_masked(nat(&t, "delai_d_diag_incoherents"));
    assert_masked(nat(&t, "delai_d_diag_censures"));
    assert_shown(nat(&t, "delai_d_diag_termines"));
    eq q[2];
    q[0] = delay_eq(&t, NAT, "FR", ENS, "", "d_diag");
    q[1] = (eq){.total = nat(&t, "delai_d_diag_km_mediane"), .from_effectif = true, .n = 2};
    q[1].cells[0] = nat(&t, "delai_d_diag_termines");
    q[1].cells[1] = nat(&t, "delai_d_diag_censures");
    assert_no_recovery(&t, q, 2);
    spie_table_release(&t);
}

/* Entrants RSA: nation 43 = Occitanie 3 + Bretagne 40. Occitanie's publics line masks its
 * RSA (3) and JEUNE (10); the nation's RSA (43) and Bretagne's (40) are shown. */
static void test_region_modality_lines(void **state)
{
    (void)state;
    spie_table t = {0};
    publics(&t, REG, "76", "entrants", 3, 10, 0, 0);
    publics(&t, REG, "53", "entrants", 40, 20, 0, 0);
    publics(&t, NAT, "FR", "entrants", 43, 30, 0, 0);
    apply(&t, 5);
    assert_masked(get(&t, REG, "76", PUB, "RSA", "entrants"));
    assert_masked(get(&t, REG, "76", PUB, "JEUNE", "entrants"));
    eq q[5];
    q[0] = publics_eq(&t, REG, "76", "entrants");
    q[1] = publics_eq(&t, REG, "53", "entrants");
    q[2] = publics_eq(&t, NAT, "FR", "entrants");
    q[3] = (eq){.total = get(&t, NAT, "FR", PUB, "RSA", "entrants"), .n = 2};
    q[3].cells[0] = get(&t, REG, "76", PUB, "RSA", "entrants");
    q[3].cells[1] = get(&t, REG, "53", PUB, "RSA", "entrants");
    q[4] = (eq){.total = get(&t, NAT, "FR", PUB, "JEUNE", "entrants"), .n = 2};
    q[4].cells[0] = get(&t, REG, "76", PUB, "JEUNE", "entrants");
    q[4].cells[1] = get(&t, REG, "53", PUB, "JEUNE", "entrants");
    assert_no_recovery(&t, q, 5);
    spie_table_release(&t);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secondary_breakdown_line),
        cmocka_unit_test(test_secondary_skips_zero),
        cmocka_unit_test(test_two_primary_no_secondary),
        cmocka_unit_test(test_lines_are_per_indicator),
        cmocka_unit_test(test_secondary_type_lines),
        cmocka_unit_test(test_secondary_region_and_wave_lines),
        cmocka_unit_test(test_secondary_cascade),
        cmocka_unit_test(test_department_lines_by_region),
        cmocka_unit_test(test_masked_total_of_shown_line),
        cmocka_unit_test(test_single_mask_without_candidate),
        cmocka_unit_test(test_km_effectif_sum),
        cmocka_unit_test(test_region_modality_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
