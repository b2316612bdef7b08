/* Unit tests of the delays among the person-based indicators: engine/fold/acc.c (folding
 * persons into the delay and incidence accumulators) and engine/figures/indicators.c (their
 * rows in the publication table), against docs/methodologie.md §1-§3 and §9: Kaplan–Meier
 * with ties and plateaus, censoring by exit, inverted pairs and the part_cible
 * denominator, a single completed delay, and the incidence curve of return.
 *
 * Every test builds spie_person records by hand (the record the reading stage fills),
 * folds them for a period P, produces the rows of one group and checks the figures
 * against values worked out by hand in the comments. Reference values from R are quoted
 * where they help (survival::survfit for Kaplan–Meier medians, quantile() type 7,
 * prop.test(x, n, correct = FALSE)$conf.int for the Wilson score interval); the Wilson
 * bounds are also recomputed from the formula of docs/methodologie.md §4 in long double.
 * The fixture (persons, fold, rows, the checks of a row) is indicators_fixture.c.
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
#include <gsl/gsl_statistics_double.h>

#include "indicators_fixture.h"
#include "spie/acc.h"
#include "spie/date.h"
#include "spie/indicators.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"

/* Index of a default delay pair. */
enum { P_ORIENT = 0, P_DIAG, P_CONTRAT, P_SOLUTION, P_REPRISE, P_SUIVI };

/* ---- §1 and §3: a delay with ties, Kaplan–Meier midpoint ------------------------------ */

/* D_ORIENT (ENTREE -> ORIENTATION), P = 2021-12, D = 2021-12-31, every entry on
 * 2021-06-01 (D - E = 213 days):
 *   p1 oriented at +10, p2 and p3 at +20, p5 at +50: completed delays 10, 20, 20, 50;
 *   p4 not oriented, exit (ABANDON) at +20: censored at min(D, X) - E = 20;
 *   p6 not oriented, no exit: censored at D - E = 213.
 * Kaplan–Meier (events before censorings at equal times):
 *   t=10: n=6, d=1, S = 5/6;  t=20: n=5 (p4 censored at 20 is still at risk), d=2,
 *   S = 5/6 * 3/5 = 0.5 (a plateau);  t=50: n=2, d=1, S = 0.25.
 *   S = 0.5 on [20, 50): the median is (20 + 50) / 2 = 35.
 *   R: summary(survfit(Surv(c(10,20,20,20,50,213), c(1,1,1,0,1,0)) ~ 1))$table["median"]
 *   = 35. Had the censoring at 20 been taken before the events, n_20 = 4, S(20) = 5/12
 *   and the median would be 20.
 * Completed delays 10, 20, 20, 50: mean 25, sd sqrt(((-15)^2 + 2 * (-5)^2 + 25^2) / 3) =
 * sqrt(300); R quantile(c(10,20,20,50), c(.25,.5,.75,.9)) = 17.5 20 27.5 41.
 * part_cible (target 30): every F(A) + 30 <= D, so the denominator is the 6 persons (p4,
 * who exited before reaching the target, included: docs/methodologie.md §9); 3 within 30 days
 * (10, 20, 20): 3/6, R prop.test(3, 6, correct = FALSE)$conf.int = 0.1876163 0.8123837.
 * The persons are set_km's (indicators_fixture.c). */
static void test_km_ties_and_midpoint(void **state)
{
    (void)state;
    fx f;
    spie_person ps[8];
    fx_init(&f, 2021, 12, true);
    size_t n = set_km(ps);
    fx_fold(&f, ps, n);

    /* The accumulator's histograms: the raw material of every statistic. */
    const spie_delay_acc *d = &f.cube.cells[0].delay[P_ORIENT];
    assert_int_equal(spie_hist_at(&d->done, 10), 1);
    assert_int_equal(spie_hist_at(&d->done, 20), 2);
    assert_int_equal(spie_hist_at(&d->done, 50), 1);
    assert_int_equal(spie_hist_at(&d->cens, 20), 1);
    assert_int_equal(spie_hist_at(&d->cens, 213), 1);

    fx_rows(&f, true);
    E_COUNT(&f, "delai_d_orient_population", 6);
    E_COUNT(&f, "delai_d_orient_termines", 4);
    E_COUNT(&f, "delai_d_orient_censures", 2);
    E_COUNT(&f, "delai_d_orient_incoherents", 0);
    E_REAL(&f, "delai_d_orient_moyenne", 25.0, 4);
    E_REAL(&f, "delai_d_orient_ecart_type", sqrt(300.0), 4);
    E_DAYS(&f, "delai_d_orient_min", 10, 4);
    E_DAYS(&f, "delai_d_orient_max", 50, 4);
    E_REAL(&f, "delai_d_orient_p25", 17.5, 4);
    E_REAL(&f, "delai_d_orient_mediane", 20.0, 4);
    E_REAL(&f, "delai_d_orient_p75", 27.5, 4);
    E_REAL(&f, "delai_d_orient_p90", 41.0, 4);
    /* The quantiles are those of gsl_stats_quantile_from_sorted_data, bit for bit. */
    const double sorted[4] = {10, 20, 20, 50};
    assert_true(row_of(&f.table, SPIE_BD_ENSEMBLE, "", "delai_d_orient_p90")->real ==
                gsl_stats_quantile_from_sorted_data(sorted, 1, 4, 0.9));
    assert_true(row_of(&f.table, SPIE_BD_ENSEMBLE, "", "delai_d_orient_p25")->real ==
                gsl_stats_quantile_from_sorted_data(sorted, 1, 4, 0.25));
    E_REAL(&f, "delai_d_orient_km_mediane", 35.0, 6);
    E_RATE(&f, "delai_d_orient_part_cible", 3, 6, 0.1876163065, 0.8123836935);
    /* Activity counts of the same persons. */
    E_COUNT(&f, "entrants", 6);
    E_COUNT(&f, "en_parcours", 5);
    E_COUNT(&f, "sorties", 1);
    E_COUNT(&f, "sortie_abandon", 1);
    E_COUNT(&f, "sortie_demenagement", 0);
    /* D_DIAG: F(A) = ORIENTATION is defined for 4 persons, none has a DIAGNOSTIC: four
     * censored, no completed delay; min/max/mean nd with effectif 0. */
    E_COUNT(&f, "delai_d_diag_population", 4);
    E_COUNT(&f, "delai_d_diag_censures", 4);
    E_ND(&f, "delai_d_diag_moyenne", 0);
    E_ND(&f, "delai_d_diag_min", 0);
    E_ND(&f, "delai_d_diag_km_mediane", 4);
    fx_release(&f);
}

/* Kaplan–Meier median at a 0.5 plateau with no later event: not reached (nd).
 * D_ORIENT, P = 2021-12, entries 2021-06-01: events at 10 and 20, censorings at 30 (exit)
 * and 213 (D). t=10: S = 3/4; t=20: S = 3/4 * 2/3 = 0.5 (floating point: 0.5 within
 * 1e-9), and no event follows: nd (docs/methodologie.md §3). The same with S falling just below
 * 0.5 (a third event at 20) gives 20. */
static void test_km_plateau_to_the_end(void **state)
{
    (void)state;
    fx f;
    spie_person ps[5];
    fx_init(&f, 2021, 12, false);
    for (int i = 0; i < 4; i++)
        ps[i] = mk(2021, 6, 1);
    const spie_day e = ps[0].entry;
    ps[0].first[SPIE_STEP_ORIENTATION] = e + 10;
    ps[1].first[SPIE_STEP_ORIENTATION] = e + 20;
    ps[2].first[SPIE_STEP_SORTIE] = e + 30;
    fx_fold(&f, ps, 4);
    fx_rows(&f, true);
    E_ND(&f, "delai_d_orient_km_mediane", 4);
    /* not reached: the longest observed time (the censoring at D, 213 days) is kept for
     * the workbooks' note */
    assert_int_equal(row_of(&f.table, SPIE_BD_ENSEMBLE, "", "delai_d_orient_km_mediane")->num, 213);
    E_REAL(&f, "delai_d_orient_mediane", 15.0, 2);
    fx_release(&f);

    /* A fifth person oriented at +20: t=10: 4/5; t=20: n=4, d=2: S = 4/5 * 2/4 = 0.4. */
    fx_init(&f, 2021, 12, false);
    ps[4] = mk(2021, 6, 1);
    ps[4].first[SPIE_STEP_ORIENTATION] = e + 20;
    fx_fold(&f, ps, 5);
    fx_rows(&f, true);
    E_REAL(&f, "delai_d_orient_km_mediane", 20.0, 5);
    fx_release(&f);
}

/* ---- §1: censoring by exit ------------------------------------------------------------ */

/* D_DIAG (ORIENTATION -> DIAGNOSTIC), P = 2021-12, D = 2021-12-31; entries 2021-10-01.
 *   A: O = 2021-11-01, exit 2021-11-11, no diagnostic: censored at X - O = 10.
 *   B: O = 2021-11-21, exit 2021-11-16 (before O: it does not count), no diagnostic:
 *      censored at D - O = 40.
 *   C: O = 2021-11-01, diagnostic 2021-11-26: 25.
 *   E: O = 2021-11-01, diagnostic 2021-12-06: 35.
 *   F: O = 2021-11-01, exit 2021-11-04, diagnostic 2021-11-13 (after the exit: still a
 *      completed delay, §9): 12.
 *   G: O = 2021-11-01, exit 2021-11-01 (X = F(A) counts): censored at 0.
 * Kaplan–Meier: t=12: at risk 4 (G at 0 and A at 10 gone), S = 3/4; t=25: at risk 3
 * (C, E, B), S = 1/2, a plateau; t=35: at risk 2 (E, B), S = 1/4: median (25+35)/2 = 30.
 * R: survfit(Surv(c(10,40,25,35,12,0), c(0,0,1,1,1,0)) ~ 1): median 30.
 * (Censoring A at D would give 35 or nd, B at its exit 25, F as censored 35, G at D 35.)
 * part_cible: all six have O + 30 <= D; within 30 days: C and F: 2/6,
 * R prop.test(2, 6, correct = FALSE)$conf.int = 0.09677141 0.70000668. */
static void test_censoring_by_exit(void **state)
{
    (void)state;
    fx f;
    spie_person ps[6];
    fx_init(&f, 2021, 12, false);
    for (int i = 0; i < 6; i++)
        ps[i] = mk(2021, 10, 1);
    ps[0].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 1);
    ps[0].first[SPIE_STEP_SORTIE] = day(2021, 11, 11);
    ps[1].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 21);
    ps[1].first[SPIE_STEP_SORTIE] = day(2021, 11, 16);
    ps[2].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 1);
    ps[2].first[SPIE_STEP_DIAGNOSTIC] = day(2021, 11, 26);
    ps[3].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 1);
    ps[3].first[SPIE_STEP_DIAGNOSTIC] = day(2021, 12, 6);
    ps[4].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 1);
    ps[4].first[SPIE_STEP_SORTIE] = day(2021, 11, 4);
    ps[4].first[SPIE_STEP_DIAGNOSTIC] = day(2021, 11, 13);
    ps[5].first[SPIE_STEP_ORIENTATION] = day(2021, 11, 1);
    ps[5].first[SPIE_STEP_SORTIE] = day(2021, 11, 1);
    fx_fold(&f, ps, 6);

    const spie_delay_acc *d = &f.cube.cells[0].delay[P_DIAG];
    assert_int_equal(spie_hist_at(&d->cens, 0), 1);
    assert_int_equal(spie_hist_at(&d->cens, 10), 1);
    assert_int_equal(spie_hist_at(&d->cens, 40), 1);
    assert_int_equal(spie_hist_at(&d->done, 12), 1);
    assert_int_equal(spie_hist_at(&d->done, 25), 1);
    assert_int_equal(spie_hist_at(&d->done, 35), 1);

    fx_rows(&f, true);
    E_COUNT(&f, "delai_d_diag_population", 6);
    E_COUNT(&f, "delai_d_diag_termines", 3);
    E_COUNT(&f, "delai_d_diag_censures", 3);
    E_COUNT(&f, "delai_d_diag_incoherents", 0);
    E_REAL(&f, "delai_d_diag_moyenne", 24.0, 3); /* (12 + 25 + 35) / 3 */
    E_REAL(&f, "delai_d_diag_km_mediane", 30.0, 6);
    E_RATE(&f, "delai_d_diag_part_cible", 2, 6, 0.0967714111, 0.7000066849);
    /* Incidence of return: nobody returned; censoring times are X - E for A, F, G (41,
     * 34, 31), D - E = 91 for B (its exit is after its entry: it counts) and C, E. */
    const spie_acc *a = &f.cube.cells[0];
    assert_int_equal(spie_hist_at(&a->inc_cens, 41), 1);
    assert_int_equal(spie_hist_at(&a->inc_cens, 34), 1);
    assert_int_equal(spie_hist_at(&a->inc_cens, 31), 1);
    assert_int_equal(spie_hist_at(&a->inc_cens, 46), 1); /* B: exit 2021-11-16 - 2021-10-01 */
    assert_int_equal(spie_hist_at(&a->inc_cens, 91), 2);
    fx_release(&f);
}

/* ---- §1: inverted pairs, the part_cible denominator ------------------------------------ */

/* D_CONTRAT (DIAGNOSTIC -> CONTRAT), P = 2021-12, D = 2021-12-31; entries 2021-09-01.
 *   G: diagnostic 2021-11-10, contract 2021-11-05: inverted (out of every statistic and
 *      of the part_cible denominator although G's F(A) + 30 <= D).
 *   H: 2021-11-01 -> 2021-11-11: 10.       I: 2021-11-01 -> 2021-12-02: 31 (> target).
 *   J: diagnostic 2021-12-20, no contract: censored at 11; F(A) + 30 > D: not in the
 *      denominator.
 *   K: 2021-12-01 -> 2021-12-31: 30; F(A) + 30 = D: in the denominator; 30 <= 30: in the
 *      numerator (inclusive target).
 *   L: 2021-12-02 -> 2021-12-03: 1, but F(A) + 30 = 2022-01-01 > D: in neither.
 * population 6, incoherents 1, termines 4 (H, I, K, L), censures 1 (J).
 * Completed 1, 10, 30, 31: mean 18, sd sqrt((17^2 + 8^2 + 12^2 + 13^2) / 3) = sqrt(222);
 * R quantile(c(1,10,30,31), c(.25,.5,.75,.9)) = 7.75 20.00 30.25 30.70.
 * Kaplan–Meier over 5 (population less inverted): t=1: 4/5; t=10: n=4, 3/5; (J censored
 * at 11); t=30: n=2, 3/10: median 30.
 * part_cible: denominator H, I, K = 3; numerator H, K = 2: 2/3,
 * R prop.test(2, 3, correct = FALSE)$conf.int = 0.2076596 0.9385081. */
static void test_inverted_and_target(void **state)
{
    (void)state;
    fx f;
    spie_person ps[6];
    fx_init(&f, 2021, 12, false);
    static const int dates[6][6] = {
        {2021, 11, 10, 2021, 11, 5},  {2021, 11, 1, 2021, 11, 11}, {2021, 11, 1, 2021, 12, 2},
        {2021, 12, 20, 0, 0, 0},      {2021, 12, 1, 2021, 12, 31}, {2021, 12, 2, 2021, 12, 3}};
    for (int i = 0; i < 6; i++) {
        ps[i] = mk(2021, 9, 1);
        ps[i].first[SPIE_STEP_DIAGNOSTIC] = day(dates[i][0], dates[i][1], dates[i][2]);
        if (dates[i][3])
            ps[i].first[SPIE_STEP_CONTRAT] = day(dates[i][3], dates[i][4], dates[i][5]);
    }
    fx_fold(&f, ps, 6);
    const spie_delay_acc *d = &f.cube.cells[0].delay[P_CONTRAT];
    uint64_t done = 0, cens = 0;
    for (size_t t = 0; t < f.cube.cells[0].len; t++) {
        done += spie_hist_at(&d->done, t);
        cens += spie_hist_at(&d->cens, t);
    }
    assert_int_equal(done, 4); /* the inverted pair is in no histogram */
    assert_int_equal(cens, 1);
    assert_int_equal(spie_hist_at(&d->cens, 11), 1);

    fx_rows(&f, true);
    E_COUNT(&f, "delai_d_contrat_population", 6);
    E_COUNT(&f, "delai_d_contrat_incoherents", 1);
    E_COUNT(&f, "delai_d_contrat_termines", 4);
    E_COUNT(&f, "delai_d_contrat_censures", 1);
    E_REAL(&f, "delai_d_contrat_moyenne", 18.0, 4);
    E_REAL(&f, "delai_d_contrat_ecart_type", sqrt(222.0), 4);
    E_DAYS(&f, "delai_d_contrat_min", 1, 4);
    E_DAYS(&f, "delai_d_contrat_max", 31, 4);
    E_REAL(&f, "delai_d_contrat_p25", 7.75, 4);
    E_REAL(&f, "delai_d_contrat_mediane", 20.0, 4);
    E_REAL(&f, "delai_d_contrat_p75", 30.25, 4);
    E_REAL(&f, "delai_d_contrat_p90", 30.7, 4);
    E_REAL(&f, "delai_d_contrat_km_mediane", 30.0, 5);
    E_RATE(&f, "delai_d_contrat_part_cible", 2, 3, 0.2076596008, 0.9385080553);
    fx_release(&f);
}

/* ---- §9: a single completed delay, empty populations ---------------------------------- */

/* P = 2021-12; one person, E 2021-11-01, oriented 2021-11-08: a single delay of 7 days.
 * mean, min, max, quantiles 7 (effectif 1); the standard deviation is nd with effectif 1;
 * Kaplan–Meier: S(7) = 0: median 7; part_cible 1/1 with R prop.test(1, 1, correct =
 * FALSE)$conf.int = 0.2065493 1.0000000. Every other pair has an empty population:
 * counts 0 and statistics nd with effectif 0. */
static void test_single_delay(void **state)
{
    (void)state;
    fx f;
    spie_person p = mk(2021, 11, 1);
    p.first[SPIE_STEP_ORIENTATION] = day(2021, 11, 8);
    fx_init(&f, 2021, 12, false);
    fx_fold(&f, &p, 1);
    fx_rows(&f, true);
    E_REAL(&f, "delai_d_orient_moyenne", 7.0, 1);
    E_ND(&f, "delai_d_orient_ecart_type", 1);
    E_DAYS(&f, "delai_d_orient_min", 7, 1);
    E_DAYS(&f, "delai_d_orient_max", 7, 1);
    E_REAL(&f, "delai_d_orient_p25", 7.0, 1);
    E_REAL(&f, "delai_d_orient_mediane", 7.0, 1);
    E_REAL(&f, "delai_d_orient_p90", 7.0, 1);
    E_REAL(&f, "delai_d_orient_km_mediane", 7.0, 1);
    E_RATE(&f, "delai_d_orient_part_cible", 1, 1, 0.2065493144, 1.0);
    E_COUNT(&f, "delai_d_solution_population", 0);
    E_COUNT(&f, "delai_d_solution_termines", 0);
    E_ND(&f, "delai_d_solution_moyenne", 0);
    E_ND(&f, "delai_d_solution_ecart_type", 0);
    E_ND(&f, "delai_d_solution_max", 0);
    E_ND(&f, "delai_d_solution_p75", 0);
    E_ND(&f, "delai_d_solution_km_mediane", 0);
    E_ND(&f, "delai_d_solution_part_cible", 0);
    fx_release(&f);
}

/* ---- §2 and §9: the incidence curve ------------------------------------------------- */

/* P = 2020-03, D = 2020-03-31 (time from entry to the first REPRISE):
 *   p1: E 2020-01-01, REPRISE 2020-01-31: event at 30.
 *   p2: E 2020-01-01, nothing: censored at D - E = 90.
 *   p3: E 2020-03-01, nothing: censored at 30.
 *   p4: E 2020-02-01, REPRISE 2020-03-02 (29 days in February 2020): event at 30.
 *   p5: E 2020-01-01, exit 2020-01-21: censored at 20.
 * t=30: at risk 4 (p5 gone; p3, censored at 30, still at risk), d=2: S = 1/2.
 * 1 - S: j0 = 0, j30 = j60 = j90 = 0.5; j120 .. j720 beyond the largest observed time
 * (90): nd. S = 0.5 from 30 with no later event: reprise_km_mediane nd. Effectif: the 5
 * entrants, on every row. (Censoring p5 at D would give 0.4 at j30; censorings before
 * events, 2/3.)
 * Then p6: E 2020-03-31, REPRISE the same day: event at 0. t=0: S = 5/6 (j0 = 1/6); t=30:
 * at risk 4, S = 5/6 * 2/4 = 5/12 (j30 = 7/12 < 0.5 crossed): median 30. */
static void test_incidence_curve(void **state)
{
    (void)state;
    fx f;
    spie_person ps[6];
    fx_init(&f, 2020, 3, true);
    ps[0] = mk(2020, 1, 1);
    add_step(&ps[0], SPIE_STEP_REPRISE, "EMPLOI_TEMPORAIRE", day(2020, 1, 31));
    ps[1] = mk(2020, 1, 1);
    ps[2] = mk(2020, 3, 1);
    ps[3] = mk(2020, 2, 1);
    add_step(&ps[3], SPIE_STEP_REPRISE, "EMPLOI_DURABLE", day(2020, 3, 2));
    ps[4] = mk(2020, 1, 1);
    add_step(&ps[4], SPIE_STEP_SORTIE, "ABANDON", day(2020, 1, 21));
    fx_fold(&f, ps, 5);
    fx_rows(&f, true);
    E_REAL(&f, "reprise_incidence_j0", 0.0, 5);
    E_REAL(&f, "reprise_incidence_j30", 0.5, 5);
    E_REAL(&f, "reprise_incidence_j60", 0.5, 5);
    E_REAL(&f, "reprise_incidence_j90", 0.5, 5);
    char name[NAME_LEN];
    for (int t = 120; t <= 720; t += 30) {
        snprintf(name, sizeof name, "reprise_incidence_j%d", t);
        E_ND(&f, name, 5);
    }
    E_ND(&f, "reprise_km_mediane", 5);
    fx_release(&f);

    fx_init(&f, 2020, 3, false);
    ps[5] = mk(2020, 3, 31);
    add_step(&ps[5], SPIE_STEP_REPRISE, "FORMATION_QUALIFIANTE", day(2020, 3, 31));
    fx_fold(&f, ps, 6);
    fx_rows(&f, true);
    E_REAL(&f, "reprise_incidence_j0", 1.0 / 6.0, 6);
    E_REAL(&f, "reprise_incidence_j30", 7.0 / 12.0, 6);
    E_REAL(&f, "reprise_incidence_j90", 7.0 / 12.0, 6);
    E_ND(&f, "reprise_incidence_j120", 6);
    E_REAL(&f, "reprise_km_mediane", 30.0, 6);
    fx_release(&f);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_ties_and_midpoint),
        cmocka_unit_test(test_km_plateau_to_the_end),
        cmocka_unit_test(test_censoring_by_exit),
        cmocka_unit_test(test_inverted_and_target),
        cmocka_unit_test(test_single_delay),
        cmocka_unit_test(test_incidence_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
