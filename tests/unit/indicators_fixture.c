/* The indicator tests' fixture (indicators_fixture.h). */
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

#include "indicators_fixture.h"
#include "spie/acc.h"
#include "spie/date.h"
#include "spie/indicators.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"

/* ---- helpers ------------------------------------------------------------------------ */

spie_day day(int y, int m, int d)
{
    spie_day x = SPIE_NO_DAY;
    if (!spie_day_from_ymd(y, m, d, &x))
        fail_msg("bad test date %04d-%02d-%02d", y, m, d);
    return x;
}

/* A person who entered on y-m-d and reached no step (as spie_persons_add initialises
 * one): public RSA, sex and birth year unknown. */
spie_person mk(int y, int m, int d)
{
    spie_person p;
    spie_person_blank(&p, day(y, m, d));
    p.public_ = SPIE_PUBLIC_RSA;
    p.birth_year = 0;
    return p;
}

const spie_group_id nation_id = {SPIE_LEVEL_NATIONAL, "FR", "France"};

void fx_init(fx *f, int y, int m, bool breakdowns)
{
    memset(f, 0, sizeof *f);
    spie_params_default(&f->params);
    spie_month per;
    assert_true(spie_month_from_ym(y, m, &per));
    spie_fold_ctx_init(&f->ctx, &f->params, per);
    assert_true(spie_cube_init(&f->cube, &f->ctx, breakdowns));
}

void fx_fold(fx *f, const spie_person *ps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spie_cube_fold(&f->cube, &f->ctx, &ps[i]);
}

void fx_rows(fx *f, bool available)
{
    spie_error err = {0};
    if (spie_indicators_rows(&f->table, &nation_id, &f->cube, available, &f->params, &err) != SPIE_OK)
        fail_msg("spie_indicators_rows failed: %s", err.msg);
}

void fx_release(fx *f)
{
    spie_table_release(&f->table);
    spie_cube_release(&f->cube);
}

/* The row (bd, modality, indicator), failing when it is absent or present twice. */
const spie_figure *row_of(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind)
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

bool row_exists(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind)
{
    for (size_t i = 0; i < t->n; i++) {
        const spie_figure *f = &t->rows[i];
        if (f->breakdown == bd && strcmp(f->modality, mod) == 0 && strcmp(f->indicator, ind) == 0)
            return true;
    }
    return false;
}

/* A count of docs/sorties.md §4: valeur = effectif = the count, status ok. */
void check_count_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    if (f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_COUNT || f->ival != v || !f->has_effectif ||
        f->effectif != v || f->has_ci)
        fail_msg("%s/%s/%s: status %d kind %d value %lld effectif %s%lld, expected count %lld",
                 spie_breakdown_names[bd], mod, ind, f->status, f->kind, (long long)f->ival,
                 f->has_effectif ? "" : "(none) ", (long long)f->effectif, (long long)v);
}

/* Whole days (min, max): an integer value with its effectif. */
void check_days_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v,
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
void check_real_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, double v,
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
void check_nd_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t eff)
{
    const spie_figure *f = row_of(t, bd, mod, ind);
    bool eff_ok = eff < 0 ? !f->has_effectif : (f->has_effectif && f->effectif == eff);
    if (f->status != SPIE_STATUS_ND || !eff_ok || f->has_ci)
        fail_msg("%s/%s/%s: status %d effectif %s%lld, expected nd with effectif %lld", spie_breakdown_names[bd],
                 mod, ind, f->status, f->has_effectif ? "" : "(none) ", (long long)f->effectif, (long long)eff);
}

/* The Wilson score interval of docs/methodologie.md §4, written out here in long double. */
void wilson_ref(uint64_t x, uint64_t n, double *lo, double *hi)
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
void check_rate_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, uint64_t x,
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

/* ---- the names of one cell, written out independently of the engine ------------------ */

static const char *const count_names[] = {
    "entrants", "entrants_mois", "en_parcours", "avec_solution",
    "solution_formation", "solution_immersion", "solution_emploi_aide", "solution_creation",
    "solution_logement", "solution_sante", "solution_mobilite", "solution_garde_enfants", "solution_autre",
    "avec_reprise", "reprise_emploi_durable", "reprise_emploi_temporaire", "reprise_formation_qualifiante",
    "reprise_creation_entreprise",
    "sorties", "sortie_demenagement", "sortie_fin_droits", "sortie_abandon", "sortie_autre"};
const char *const delay_codes[] = {"d_orient", "d_diag", "d_contrat", "d_solution", "d_reprise", "d_suivi"};
const char *const delay_count_suffixes[] = {"population", "termines", "censures", "incoherents"};
static const char *const delay_stat_suffixes[] = {"moyenne", "ecart_type", "min", "p25", "mediane",
                                                  "p75", "p90", "max"};

/* Every indicator name of one cell with the default parameters (docs/sorties.md §4). */
size_t cell_names(char names[][NAME_LEN])
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

/* Checks that the cell (bd, mod) has exactly the rows of cell_names, once each. */
void check_cell_complete(const spie_table *t, spie_breakdown bd, const char *mod)
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

/* ---- persons shared by several tests ------------------------------------------------ */

/* The persons of test_km_ties_and_midpoint (test_indicators_delays.c), where the
 * expected figures are worked out: six entries on 2021-06-01, oriented at +10, +20, +20
 * and +50, one exit (ABANDON) at +20, one neither. */
size_t set_km(spie_person *ps)
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

/* A step of type type (NULL: none) on day d, through spie_person_add_step. */
void add_step(spie_person *p, spie_step s, const char *type, spie_day d)
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

/* The persons a .. h of test_return_rates_add_months (test_indicators_rates.c), where
 * the expected figures are worked out: entries in January and February 2020, returns of
 * every type around the one-month horizon. */
size_t set_returns(spie_person *ps)
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

/* The persons q1 .. q5 of test_breakdowns_and_cohorts (test_indicators_rates.c): every
 * public, sex, age band and two cohorts. */
size_t set_breakdowns(spie_person *ps)
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
