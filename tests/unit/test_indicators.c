/* Unit tests of the person-based indicators: engine/fold/acc.c (folding persons into
 * accumulators and cubes, adding cubes) and engine/figures/indicators.c (the rows of the
 * publication table), against docs/methodologie.md §1-§5 and §9 and docs/sorties.md §4.
 *
 * Every test builds spie_person records by hand (the record the reading stage fills),
 * folds them for a period P, produces the rows of one group and checks the figures
 * against values worked out by hand in the comments. Reference values from R are quoted
 * where they help (survival::survfit for Kaplan–Meier medians, quantile() type 7,
 * prop.test(x, n, correct = FALSE)$conf.int for the Wilson score interval); the Wilson
 * bounds are also recomputed here from the formula of docs/methodologie.md §4 in long double.
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
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "spie/acc.h"
#include "spie/date.h"
#include "spie/indicators.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------ */

static spie_day day(int y, int m, int d)
{
    spie_day x = SPIE_NO_DAY;
    if (!spie_day_from_ymd(y, m, d, &x))
        fail_msg("bad test date %04d-%02d-%02d", y, m, d);
    return x;
}

/* A person who entered on y-m-d and reached no step (as spie_persons_add initialises
 * one): public RSA, sex and birth year unknown. */
static spie_person mk(int y, int m, int d)
{
    spie_person p;
    spie_person_blank(&p, day(y, m, d));
    p.public_ = SPIE_PUBLIC_RSA;
    p.birth_year = 0;
    return p;
}

/* Parameters, fold context, one cube and the table of one group. The fold context keeps
 * a pointer to params, so a fixture never moves once initialised. */
typedef struct fx {
    spie_params params;
    spie_fold_ctx ctx;
    spie_cube cube;
    spie_table table;
} fx;

static const spie_group_id nation_id = {SPIE_LEVEL_NATIONAL, "FR", "France"};

static void fx_init(fx *f, int y, int m, bool breakdowns)
{
    memset(f, 0, sizeof *f);
    spie_params_default(&f->params);
    spie_month per;
    assert_true(spie_month_from_ym(y, m, &per));
    spie_fold_ctx_init(&f->ctx, &f->params, per);
    assert_true(spie_cube_init(&f->cube, &f->ctx, breakdowns));
}

static void fx_fold(fx *f, const spie_person *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spie_cube_fold(&f->cube, &f->ctx, &ps[i]);
}

static void fx_rows(fx *f, bool available)
{
    spie_error err = {0};
    if (spie_indicators_rows(&f->table, &nation_id, &f->cube, available, &f->params, &err) != SPIE_OK)
        fail_msg("spie_indicators_rows failed: %s", err.msg);
}

static void fx_release(fx *f)
{
    spie_table_release(&f->table);
    spie_cube_release(&f->cube);
}

/* The row (bd, modality, indicator), failing when it is absent or present twice. */
static const spie_figure *row_of(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind)
{
    const spie_figure *hit = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const spie_figure *f = &t->rows[i];
        if (f->breakdown == bd && strcmp(f->modality, mod) == 0 && strcmp(f->indicator, ind) == 0) {
            if (hit)
                fail_msg("row %s/%s/%s is present twice", spie_breakdown_names[bd], mod, ind);
            hit = f;
        }
    }
    if (!hit)
        fail_msg("row %s/%s/%s is missing", spie_breakdown_names[bd], mod, ind);
    return hit;
}

static bool row_exists(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind)
{
    for (size_t i = 0; i < t->n; i++) {
        const spie_figure *f = &t->rows[i];
        if (f->breakdown == bd && strcmp(f->modality, mod) == 0 && strcmp(f->indicator, ind) == 0)
            return true;
    }
    return false;
}

/* A count of docs/sorties.md §4: valeur = effectif = the count, status ok. */
static void check_count_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    if (f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_COUNT || f->ival != v || !f->has_effectif ||
        f->effectif != v || f->has_ci)
        fail_msg("%s/%s/%s: status %d kind %d value %lld effectif %s%lld, expected count %lld",
                 spie_breakdown_names[bd], mod, ind, f->status, f->kind, (long long)f->ival,
                 f->has_effectif ? "" : "(none) ", (long long)f->effectif, (long long)v);
}

/* Whole days (min, max): an integer value with its effectif. */
static void check_days_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v,
                          int64_t eff)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    if (f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_COUNT || f->ival != v || !f->has_effectif ||
        f->effectif != eff)
        fail_msg("%s/%s/%s: status %d kind %d value %lld effectif %lld, expected %lld days effectif %lld",
                 spie_breakdown_names[bd], mod, ind, f->status, f->kind, (long long)f->ival, (long long)f->effectif,
                 (long long)v, (long long)eff);
}

/* A real value within tol (relative, or absolute below 1) of v, with its effectif. */
static void check_real_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, double v,
                          int64_t eff, double tol)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    if (f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_REAL || !f->has_effectif || f->effectif != eff ||
        !(fabs(f->real - v) <= tol * fmax(1.0, fabs(v))))
        fail_msg("%s/%s/%s: status %d kind %d value %.17g effectif %s%lld, expected %.17g effectif %lld",
                 spie_breakdown_names[bd], mod, ind, f->status, f->kind, f->real, f->has_effectif ? "" : "(none) ",
                 (long long)f->effectif, v, (long long)eff);
}

/* nd; eff < 0 means "no effectif" (an unavailable group). */
static void check_nd_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t eff)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    bool eff_ok = eff < 0 ? !f->has_effectif : (f->has_effectif && f->effectif == eff);
    if (f->status != SPIE_STATUS_ND || !eff_ok || f->has_ci)
        fail_msg("%s/%s/%s: status %d effectif %s%lld, expected nd with effectif %lld", spie_breakdown_names[bd],
                 mod, ind, f->status, f->has_effectif ? "" : "(none) ", (long long)f->effectif, (long long)eff);
}

/* The Wilson score interval of docs/methodologie.md §4, written out here in long double. */
static void wilson_ref(uint64_t x, uint64_t n, double *lo, double *hi)
{
    const long double z = gsl_cdf_ugaussian_Pinv(0.975);
    const long double nn = (long double)n, p = (long double)x / nn, z2 = z * z;
    const long double c = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    const long double h = z * sqrtl(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *lo = (double)(c - h);
    *hi = (double)(c + h);
}

/* A rate x/n with its Wilson interval; r_lo, r_hi the published reference (R's
 * prop.test(x, n, correct = FALSE)), to 1e-9. */
static void check_rate_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, uint64_t x,
                          uint64_t n, double r_lo, double r_hi)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    double lo, hi;
    wilson_ref(x, n, &lo, &hi);
    if (x == 0)
        lo = 0;
    if (x == n)
        hi = 1;
    if (f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_REAL || !f->has_ci || !f->has_effectif ||
        f->effectif != (int64_t)n || f->real != (double)x / (double)n || fabs(f->lo - lo) > 1e-13 ||
        fabs(f->hi - hi) > 1e-13 || fabs(f->lo - r_lo) > 1e-9 || fabs(f->hi - r_hi) > 1e-9)
        fail_msg("%s/%s/%s: status %d value %.17g [%.17g, %.17g] effectif %lld, expected %llu/%llu [%.12g, %.12g]",
                 spie_breakdown_names[bd], mod, ind, f->status, f->real, f->lo, f->hi, (long long)f->effectif,
                 (unsigned long long)x, (unsigned long long)n, r_lo, r_hi);
}

/* The ensemble breakdown, the common case. */
#define E_COUNT(f, ind, v) check_count_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v))
#define E_DAYS(f, ind, v, eff) check_days_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v), (eff))
#define E_REAL(f, ind, v, eff) check_real_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v), (eff), 1e-12)
#define E_ND(f, ind, eff) check_nd_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (eff))
#define E_RATE(f, ind, x, n, lo, hi) check_rate_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (x), (n), (lo), (hi))

/* Index of a default delay pair. */
enum { P_ORIENT = 0, P_DIAG, P_CONTRAT, P_SOLUTION, P_REPRISE, P_SUIVI };

/* ---- the names of one cell, written out independently of the engine ------------------ */

static const char *const count_names[] = {
    "entrants", "entrants_mois", "en_parcours", "avec_solution",
    "solution_formation", "solution_immersion", "solution_emploi_aide", "solution_creation",
    "solution_logement", "solution_sante", "solution_mobilite", "solution_garde_enfants", "solution_autre",
    "avec_reprise", "reprise_emploi_durable", "reprise_emploi_temporaire", "reprise_formation_qualifiante",
    "reprise_creation_entreprise",
    "sorties", "sortie_demenagement", "sortie_fin_droits", "sortie_abandon", "sortie_autre"};
static const char *const delay_codes[] = {"d_orient", "d_diag", "d_contrat", "d_solution", "d_reprise", "d_suivi"};
static const char *const delay_count_suffixes[] = {"population", "termines", "censures", "incoherents"};
static const char *const delay_stat_suffixes[] = {"moyenne", "ecart_type", "min", "p25", "mediane",
                                                  "p75", "p90", "max"};

enum { NAME_LEN = 48, MAX_NAMES = 200 };

/* Every indicator name of one cell with the default parameters (docs/sorties.md §4). */
static size_t cell_names(char names[][NAME_LEN])
{
    size_t n = 0;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(count_names); i++)
        snprintf(names[n++], NAME_LEN, "%s", count_names[i]);
    for (size_t c = 0; c < SPIE_ARRAY_LEN(delay_codes); c++) {
        for (size_t i = 0; i < SPIE_ARRAY_LEN(delay_count_suffixes); i++)
            snprintf(names[n++], NAME_LEN, "delai_%s_%s", delay_codes[c], delay_count_suffixes[i]);
        for (size_t i = 0; i < SPIE_ARRAY_LEN(delay_stat_suffixes); i++)
            snprintf(names[n++], NAME_LEN, "delai_%s_%s", delay_codes[c], delay_stat_suffixes[i]);
        snprintf(names[n++], NAME_LEN, "delai_%s_km_mediane", delay_codes[c]);
        snprintf(names[n++], NAME_LEN, "delai_%s_part_cible", delay_codes[c]);
    }
    static const int horizons[] = {3, 6, 12};
    for (size_t h = 0; h < 3; h++) {
        snprintf(names[n++], NAME_LEN, "taux_reprise_%dm", horizons[h]);
        snprintf(names[n++], NAME_LEN, "taux_reprise_durable_%dm", horizons[h]);
    }
    for (int t = 0; t <= 720; t += 30)
        snprintf(names[n++], NAME_LEN, "reprise_incidence_j%d", t);
    snprintf(names[n++], NAME_LEN, "reprise_km_mediane");
    return n;
}

/* 23 counts + 6 pairs x 14 + 3 horizons x 2 + 25 incidence points + 1 median. */
enum { ROWS_PER_CELL = 23 + 6 * 14 + 6 + 25 + 1 };

/* Checks that the cell (bd, mod) has exactly the rows of cell_names, once each. */
static void check_cell_complete(const spie_table *t, spie_breakdown bd, const char *mod)
{
    static char names[MAX_NAMES][NAME_LEN];
    size_t n = cell_names(names);
    assert_int_equal(n, ROWS_PER_CELL);
    size_t in_cell = 0;
    for (size_t i = 0; i < t->n; i++)
        in_cell += t->rows[i].breakdown == bd && strcmp(t->rows[i].modality, mod) == 0;
    if (in_cell != n)
        fail_msg("cell %s/%s has %zu rows, expected %zu", spie_breakdown_names[bd], mod, in_cell, n);
    for (size_t i = 0; i < n; i++)
        (void)row_of(t, bd, mod, names[i]);
}

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
 * (10, 20, 20): 3/6, R prop.test(3, 6, correct = FALSE)$conf.int = 0.1876163 0.8123837. */
static size_t set_km(spie_person *ps)
{
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        ps[n++] = mk(2021, 6, 1);
    const spie_day e = ps[0].entry;
    ps[0].first[SPIE_STEP_ORIENTATION] = e + 10;
    ps[1].first[SPIE_STEP_ORIENTATION] = e + 20;
    ps[2].first[SPIE_STEP_ORIENTATION] = e + 20;
    ps[3].first[SPIE_STEP_SORTIE] = e + 20;
    ps[3].sortie_type = 2; /* ABANDON */
    ps[4].first[SPIE_STEP_ORIENTATION] = e + 50;
    return n;
}

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
 * 3 months: nobody eligible: nd with effectif 0 (never 0 %). */
static void add_step(spie_person *p, spie_step s, const char *type, spie_day d)
{
    unsigned t = SPIE_NO_TYPE;
    if (type) {
        size_t n;
        const char *const *list = spie_step_types(s, &n);
        for (size_t i = 0; i < n; i++)
            if (strcmp(list[i], type) == 0)
                t = (unsigned)i;
        if (t == SPIE_NO_TYPE)
            fail_msg("unknown type %s", type);
    }
    spie_person_add_step(p, s, t, d);
}

static size_t set_returns(spie_person *ps)
{
    ps[0] = mk(2020, 1, 31);
    add_step(&ps[0], SPIE_STEP_REPRISE, "EMPLOI_TEMPORAIRE", day(2020, 2, 29));
    ps[1] = mk(2020, 1, 29);
    add_step(&ps[1], SPIE_STEP_REPRISE, "EMPLOI_DURABLE", day(2020, 2, 29));
    ps[2] = mk(2020, 1, 28);
    add_step(&ps[2], SPIE_STEP_REPRISE, "CREATION_ENTREPRISE", day(2020, 2, 29));
    ps[3] = mk(2020, 2, 1);
    add_step(&ps[3], SPIE_STEP_REPRISE, "FORMATION_QUALIFIANTE", day(2020, 2, 10));
    ps[4] = mk(2020, 1, 15);
    add_step(&ps[4], SPIE_STEP_REPRISE, "FORMATION_QUALIFIANTE", day(2020, 1, 20));
    ps[5] = mk(2020, 1, 10);
    ps[6] = mk(2020, 1, 5);
    add_step(&ps[6], SPIE_STEP_REPRISE, "CREATION_ENTREPRISE", day(2020, 2, 1));
    add_step(&ps[6], SPIE_STEP_REPRISE, "EMPLOI_TEMPORAIRE", day(2020, 1, 10));
    ps[7] = mk(2020, 1, 20);
    add_step(&ps[7], SPIE_STEP_REPRISE, "FORMATION_QUALIFIANTE", day(2020, 1, 25));
    add_step(&ps[7], SPIE_STEP_REPRISE, "EMPLOI_TEMPORAIRE", day(2020, 1, 25));
    return 8;
}

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

/* ---- §5 and §9: breakdowns, cohorts, fixed lists --------------------------------------- */

/* P = 2021-12 (cohorts 2020-T1 .. 2021-T4 exist in the cube):
 *   q1: E 2020-02-10, RSA, F, born 1996: age 24: moins_26, cohort 2020-T1.
 *   q2: E 2021-08-15, DE, M, born 1995: 26: 26_49, 2021-T3.
 *   q3: E 2021-09-30, DE, unknown sex, born 1971: 50: 50_plus, 2021-T3.
 *   q4: E 2021-07-01, TH, F, birth year unknown: inconnu, 2021-T3.
 *   q5: E 2021-07-01, DE, F, born 1972: 49: 26_49, 2021-T3.
 * Cohort rows only for 2020-T1 and 2021-T3; every public, sex and age modality has its
 * rows, zeros included (JEUNE: 0 entrants); every cell holds every fixed-list row. */
static size_t set_breakdowns(spie_person *ps)
{
    static const struct { int y, m, d, pub, sex, birth; } def[5] = {
        {2020, 2, 10, SPIE_PUBLIC_RSA, SPIE_SEX_F, 1996}, {2021, 8, 15, SPIE_PUBLIC_DE, SPIE_SEX_M, 1995},
        {2021, 9, 30, SPIE_PUBLIC_DE, SPIE_SEX_UNKNOWN, 1971}, {2021, 7, 1, SPIE_PUBLIC_TH, SPIE_SEX_F, 0},
        {2021, 7, 1, SPIE_PUBLIC_DE, SPIE_SEX_F, 1972}};
    for (int i = 0; i < 5; i++) {
        ps[i] = mk(def[i].y, def[i].m, def[i].d);
        ps[i].public_ = (uint8_t)def[i].pub;
        ps[i].sex = (uint8_t)def[i].sex;
        ps[i].birth_year = (int16_t)def[i].birth;
    }
    return 5;
}

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

/* ---- merging: territories into groups ----------------------------------------------- */

/* All test persons at P = 2021-12; the rows from one cube holding everyone are
 * byte-identical (as CSV) to those from a cube that is the sum of two cubes holding the
 * odd and even persons, whatever the order of the additions; a cube without breakdowns
 * (a département, a wave) that receives the same cubes gives the ensemble rows. */
static size_t all_persons(spie_person *ps)
{
    size_t n = 0;
    n += set_km(ps + n);
    n += set_returns(ps + n);
    n += set_breakdowns(ps + n);
    ps[n] = mk(2021, 9, 1);
    ps[n].first[SPIE_STEP_DIAGNOSTIC] = day(2021, 11, 10);
    ps[n].first[SPIE_STEP_CONTRAT] = day(2021, 11, 5);
    ps[n].public_ = SPIE_PUBLIC_JEUNE;
    n++;
    ps[n] = mk(2020, 4, 1);
    add_step(&ps[n], SPIE_STEP_ORIENTATION, NULL, day(2020, 4, 20));
    add_step(&ps[n], SPIE_STEP_DIAGNOSTIC, NULL, day(2020, 5, 2));
    add_step(&ps[n], SPIE_STEP_CONTRAT, NULL, day(2020, 5, 30));
    add_step(&ps[n], SPIE_STEP_SOLUTION, "MOBILITE", day(2020, 6, 15));
    add_step(&ps[n], SPIE_STEP_REPRISE, "EMPLOI_DURABLE", day(2020, 11, 2));
    add_step(&ps[n], SPIE_STEP_SUIVI, NULL, day(2020, 12, 1));
    add_step(&ps[n], SPIE_STEP_SORTIE, "AUTRE", day(2021, 3, 1));
    ps[n].public_ = SPIE_PUBLIC_TH;
    ps[n].sex = SPIE_SEX_M;
    ps[n].birth_year = 1980;
    n++;
    return n;
}

static char *table_csv(fx *f, const spie_cube *cube, const spie_group_id *g, const char *dir, const char *name)
{
    spie_table t = {0};
    spie_error err = {0};
    assert_int_equal(spie_indicators_rows(&t, g, cube, true, &f->params, &err), SPIE_OK);
    spie_table_sort(&t);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/%s", dir, name);
    assert_int_equal(spie_table_write_csv(&t, path), 0);
    spie_table_release(&t);
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(text);
    free(path);
    return text;
}

static void test_merge_is_exact(void **state)
{
    (void)state;
    fx f;
    spie_person ps[40];
    size_t n = all_persons(ps);
    fx_init(&f, 2021, 12, true);
    fx_fold(&f, ps, n);

    spie_cube odd, even, sum_ab, sum_ba, dept;
    assert_true(spie_cube_init(&odd, &f.ctx, true));
    assert_true(spie_cube_init(&even, &f.ctx, true));
    assert_true(spie_cube_init(&sum_ab, &f.ctx, true));
    assert_true(spie_cube_init(&sum_ba, &f.ctx, true));
    assert_true(spie_cube_init(&dept, &f.ctx, false));
    for (size_t i = 0; i < n; i++)
        spie_cube_fold(i % 2 ? &odd : &even, &f.ctx, &ps[i]);
    spie_cube_add(&sum_ab, &odd);
    spie_cube_add(&sum_ab, &even);
    spie_cube_add(&sum_ba, &even);
    spie_cube_add(&sum_ba, &odd);
    spie_cube_add(&dept, &even);
    spie_cube_add(&dept, &odd);

    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char *all = table_csv(&f, &f.cube, &nation_id, dir, "all.csv");
    char *ab = table_csv(&f, &sum_ab, &nation_id, dir, "ab.csv");
    char *ba = table_csv(&f, &sum_ba, &nation_id, dir, "ba.csv");
    assert_true(strlen(all) > 1000);
    assert_string_equal(all, ab);
    assert_string_equal(all, ba);

    /* The département cube: the header and the ensemble lines only. */
    char *d = table_csv(&f, &dept, &nation_id, dir, "dept.csv");
    char *ens = malloc(strlen(all) + 1);
    assert_non_null(ens);
    size_t ens_len = 0;
    for (const char *p = all; *p;) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        if (p == all || strncmp(p, "national,FR,France,ensemble,", 28) == 0) {
            memcpy(ens + ens_len, p, (size_t)(nl + 1 - p));
            ens_len += (size_t)(nl + 1 - p);
        }
        p = nl + 1;
    }
    ens[ens_len] = 0;
    assert_true(ens_len > 1000);
    assert_string_equal(d, ens);
    free(ens);

    /* A reset cube is empty again: adding everything back gives the same table. */
    spie_cube_reset(&sum_ab);
    spie_cube_add(&sum_ab, &f.cube);
    char *again = table_csv(&f, &sum_ab, &nation_id, dir, "again.csv");
    assert_string_equal(all, again);

    free(again);
    free(d);
    free(ba);
    free(ab);
    free(all);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
    spie_cube_release(&dept);
    spie_cube_release(&sum_ba);
    spie_cube_release(&sum_ab);
    spie_cube_release(&even);
    spie_cube_release(&odd);
    fx_release(&f);
}

/* ---- the CSV rendering of a few rows (docs/sorties.md §4, docs/methodologie.md §8) ------------------ */

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

static void test_csv_rendering(void **state)
{
    (void)state;
    fx f;
    spie_person ps[8];
    fx_init(&f, 2021, 12, true);
    size_t n = set_km(ps);
    fx_fold(&f, ps, n);
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char *csv = table_csv(&f, &f.cube, &nation_id, dir, "t.csv");
    static const char header[] =
        "niveau,code,libelle,ventilation,modalite,indicateur,valeur,ic_bas,ic_haut,effectif,statut\n";
    assert_true(strncmp(csv, header, strlen(header)) == 0);
    assert_true(has_line(csv, "national,FR,France,ensemble,,entrants,6,,,6,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,delai_d_orient_km_mediane,35,,,6,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,delai_d_orient_moyenne,25,,,4,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,delai_d_orient_p25,17.5,,,4,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,delai_d_orient_min,10,,,4,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,delai_d_diag_moyenne,,,,0,nd"));
    assert_true(has_line(csv, "national,FR,France,public,RSA,entrants,6,,,6,ok"));
    assert_true(has_line(csv, "national,FR,France,public,JEUNE,entrants,0,,,0,ok"));
    assert_true(has_line(csv, "national,FR,France,cohorte,2021-T2,entrants,6,,,6,ok"));
    /* The rate 3/6 = 0.5 with its Wilson bounds printed in full (shortest round trip):
     * 0.187616306482... and 0.812383693517... */
    const char *p = strstr(csv, "\nnational,FR,France,ensemble,,delai_d_orient_part_cible,0.5,0.18761630648");
    assert_non_null(p);
    const char *q = strchr(strstr(p, ",0.5,") + 5, ','); /* after ic_bas */
    assert_true(strncmp(q, ",0.81238369351", 14) == 0);
    assert_null(strstr(csv, "nan"));
    assert_null(strstr(csv, "inf"));
    free(csv);

    /* An unavailable group: empty valeur, interval and effectif. */
    spie_table t = {0};
    spie_error err = {0};
    spie_group_id dep = {SPIE_LEVEL_DEPARTEMENT, "31", "Haute-Garonne"};
    assert_int_equal(spie_indicators_rows(&t, &dep, &f.cube, false, &f.params, &err), SPIE_OK);
    assert_true(spie_indicators_territory_counts(&t, &nation_id, 3, 2, 1, 1));
    spie_table_sort(&t);
    char path[512];
    snprintf(path, sizeof path, "%s/nd.csv", dir);
    assert_int_equal(spie_table_write_csv(&t, path), 0);
    size_t len;
    csv = tu_read_file(path, &len);
    assert_non_null(csv);
    assert_true(has_line(csv, "departement,31,Haute-Garonne,ensemble,,entrants,,,,,nd"));
    assert_true(has_line(csv, "departement,31,Haute-Garonne,ensemble,,delai_d_orient_part_cible,,,,,nd"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,territoires_attendus,3,,,3,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,territoires_inclus,2,,,2,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,territoires_inclus_budget,1,,,1,ok"));
    assert_true(has_line(csv, "national,FR,France,ensemble,,territoires_en_retard,1,,,1,ok"));
    /* Sorted: départements before national. */
    assert_true(strstr(csv, "departement,") < strstr(csv, "national,"));
    free(csv);
    spie_table_release(&t);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
    fx_release(&f);
}

/* ---- the catalogue ------------------------------------------------------------------------ */

/* Each row's name is its identity's in the catalogue, and every cell of the group holds
 * exactly the catalogue's person-based identities (the workbooks look them up), under the
 * default parameters and under a configuration with other horizons and an added pair. */
static void check_cells_are_catalogue(const fx *f)
{
    size_t expected = 0;
    for (unsigned ind = SPIE_IND_NONE + 1; ind < SPIE_IND_COUNT; ind++)
        if (spie_ind_def_of(ind)->scope == SPIE_SCOPE_PERSONS)
            expected += spie_ind_args(ind, &f->params, 0, NULL, 0);
    size_t cells = 0;
    for (size_t i = 0; i < f->table.n;) {
        const spie_figure *a = &f->table.rows[i];
        size_t j = i;
        while (j < f->table.n && f->table.rows[j].breakdown == a->breakdown &&
               strcmp(f->table.rows[j].modality, a->modality) == 0)
            j++;
        if (j - i != expected)
            fail_msg("cell %s/%s: %zu rows, the catalogue has %zu", spie_breakdown_names[a->breakdown], a->modality,
                     j - i, expected);
        for (size_t k = i; k < j; k++) {
            const spie_figure *r = &f->table.rows[k];
            char name[SPIE_IND_NAME_MAX];
            const spie_ind_def *d = spie_ind_def_of(r->id.ind);
            if (!d || d->scope != SPIE_SCOPE_PERSONS || !spie_ind_name(r->id, &f->params, name, sizeof name) ||
                strcmp(name, r->indicator) != 0)
                fail_msg("row %s: identity %u (%ld) is not its name's", r->indicator, r->id.ind, (long)r->id.arg);
            for (size_t m = i; m < k; m++) /* each identity once */
                assert_false(spie_id_eq(f->table.rows[m].id, r->id));
        }
        cells++;
        i = j;
    }
    assert_true(cells > 10); /* ensemble, publics, sexes, ages, cohorts */
}

static void test_rows_are_the_catalogue(void **state)
{
    (void)state;
    spie_person ps[3] = {mk(2021, 3, 2), mk(2021, 11, 20), mk(2022, 1, 5)};
    ps[1].first[SPIE_STEP_ORIENTATION] = day(2021, 12, 1);
    fx f;
    fx_init(&f, 2022, 6, true);
    fx_fold(&f, ps, 3);
    fx_rows(&f, true);
    spie_table_sort(&f.table);
    check_cells_are_catalogue(&f);
    fx_release(&f);

    /* a configuration: horizons 1 and 24, a seventh pair */
    memset(&f, 0, sizeof f);
    spie_params_default(&f.params);
    f.params.horizons[0] = 1;
    f.params.horizons[1] = 24;
    f.params.n_horizons = 2;
    spie_pair *q = &f.params.pairs[f.params.n_pairs++];
    memset(q, 0, sizeof *q);
    snprintf(q->code, sizeof q->code, "D_DIAG_SUIVI");
    q->from = SPIE_EP_DIAGNOSTIC;
    q->to = SPIE_EP_SUIVI;
    q->target = 60;
    spie_month per;
    assert_true(spie_month_from_ym(2022, 6, &per));
    spie_fold_ctx_init(&f.ctx, &f.params, per);
    assert_true(spie_cube_init(&f.cube, &f.ctx, true));
    fx_fold(&f, ps, 3);
    fx_rows(&f, true);
    spie_table_sort(&f.table);
    check_cells_are_catalogue(&f);
    const spie_figure *r = row_of(&f.table, SPIE_BD_ENSEMBLE, "", "delai_d_diag_suivi_km_mediane");
    assert_true(spie_id_eq(r->id, spie_id(SPIE_IND_DELAI_KM_MEDIANE, 6)));
    r = row_of(&f.table, SPIE_BD_ENSEMBLE, "", "taux_reprise_durable_24m");
    assert_true(spie_id_eq(r->id, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, 24)));
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
        cmocka_unit_test(test_return_rates_add_months),
        cmocka_unit_test(test_activity_counts),
        cmocka_unit_test(test_single_delay),
        cmocka_unit_test(test_incidence_curve),
        cmocka_unit_test(test_breakdowns_and_cohorts),
        cmocka_unit_test(test_unavailable_group),
        cmocka_unit_test(test_effectif_rules),
        cmocka_unit_test(test_merge_is_exact),
        cmocka_unit_test(test_csv_rendering),
        cmocka_unit_test(test_rows_are_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
