/* Unit tests of the statistical secret: engine/figures/secret.c (spie_secret_apply), against
 * docs/methodologie.md §7, docs/sorties.md §4 (statut s: valeur, interval and effectif empty) and the
 * lines listed in the header comment of include/spie/secret.h.
 *
 * Every test builds a publication table by hand with spie_table_push (the rows
 * engine/figures/indicators.c and engine/figures/budget_ind.c would emit, each with its
 * identity in the catalogue, which gives its secret rule: COUNT, STAT, RATE or NONE),
 * sorts it, applies the secret and checks each figure's status, and what is left of its
 * value, interval and effectif. Where a test says that nothing can be recovered, it does
 * not trust the masking pattern alone: a small solver (recover() below) plays the reader
 * of the tables, who knows that a line adds up to its total, and solves every line that
 * has a single unknown, again and again; no masked value may come out of it.
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

#include "spie/acc.h"
#include "spie/secret.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "testutil.h"

/* ---- building tables -------------------------------------------------------------------- */

#define DEP SPIE_LEVEL_DEPARTEMENT
#define NAT SPIE_LEVEL_NATIONAL
#define REG SPIE_LEVEL_REGION
#define VAG SPIE_LEVEL_VAGUE
#define ENS SPIE_BD_ENSEMBLE
#define PUB SPIE_BD_PUBLIC
#define COH SPIE_BD_COHORTE

static spie_figure *push(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
                         const char *ind)
{
    spie_figure *f = spie_table_push(t);
    assert_non_null(f);
    f->level = (uint8_t)lv;
    f->breakdown = (uint8_t)bd;
    f->status = SPIE_STATUS_OK;
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->modality, sizeof f->modality, "%s", mod);
    snprintf(f->indicator, sizeof f->indicator, "%s", ind);
    spie_params p;
    spie_params_default(&p);
    if (!spie_ind_parse(ind, &p, &f->id))
        fail_msg("%s: not a name of the catalogue", ind);
    f->libelle = lv == NAT ? "France" : "lib";
    return f;
}

/* A count of persons (indicators.c count()): valeur = effectif = v. */
static void cnt(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *ind,
                int64_t v)
{
    spie_figure *f = push(t, lv, code, bd, mod, ind);
    f->kind = SPIE_VK_COUNT;
    f->ival = v;
    f->has_effectif = true;
    f->effectif = v;
}

/* A share x / n with an interval (indicators.c rate()); n = 0 is nd. */
static void rate(spie_table *t, const char *ind, int64_t x, int64_t n)
{
    spie_figure *f = push(t, NAT, "FR", ENS, "", ind);
    f->num = x;
    f->has_effectif = true;
    f->effectif = n;
    if (n == 0) {
        f->status = SPIE_STATUS_ND;
        return;
    }
    f->kind = SPIE_VK_REAL;
    f->real = (double)x / (double)n;
    f->has_ci = true;
    f->lo = f->real / 2;
    f->hi = (f->real + 1) / 2;
}

/* A statistic over `effectif` persons (mean, quantile, KM median, incidence). */
static void stat(spie_table *t, spie_level lv, const char *code, const char *ind, double v, int64_t effectif)
{
    spie_figure *f = push(t, lv, code, ENS, "", ind);
    f->kind = SPIE_VK_REAL;
    f->real = v;
    f->has_effectif = true;
    f->effectif = effectif;
}

/* Money (budget_ind.c cents_row()): rule NONE, no effectif. */
static void money(spie_table *t, const char *ind, int64_t cents)
{
    spie_figure *f = push(t, NAT, "FR", ENS, "", ind);
    f->kind = SPIE_VK_CENTS;
    f->ival = cents;
}

/* The four publics of a count (RSA, JEUNE, DE, TH) and their ensemble (the sum). */
static void publics(spie_table *t, spie_level lv, const char *code, const char *ind, int64_t rsa, int64_t jeune,
                    int64_t de, int64_t th)
{
    cnt(t, lv, code, PUB, "RSA", ind, rsa);
    cnt(t, lv, code, PUB, "JEUNE", ind, jeune);
    cnt(t, lv, code, PUB, "DE", ind, de);
    cnt(t, lv, code, PUB, "TH", ind, th);
    cnt(t, lv, code, ENS, "", ind, rsa + jeune + de + th);
}

/* A delay pair's four counts in one cell (population = the sum). */
static void delay(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *c,
                  int64_t termines, int64_t censures, int64_t incoherents)
{
    char name[48];
    snprintf(name, sizeof name, "delai_%s_population", c);
    cnt(t, lv, code, bd, mod, name, termines + censures + incoherents);
    snprintf(name, sizeof name, "delai_%s_termines", c);
    cnt(t, lv, code, bd, mod, name, termines);
    snprintf(name, sizeof name, "delai_%s_censures", c);
    cnt(t, lv, code, bd, mod, name, censures);
    snprintf(name, sizeof name, "delai_%s_incoherents", c);
    cnt(t, lv, code, bd, mod, name, incoherents);
}

static spie_secret_counts apply(spie_table *t, int k)
{
    spie_secret_counts c = {99, 99, 99};
    spie_table_sort(t);
    assert_true(spie_secret_apply(t, k, NULL, &c));
    return c;
}

/* The row, failing when absent or present twice. */
static spie_figure *get(const spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
                        const char *ind)
{
    spie_figure *hit = NULL;
    for (size_t i = 0; i < t->n; i++) {
        spie_figure *f = &t->rows[i];
        if (f->level == lv && f->breakdown == bd && !strcmp(f->code, code) && !strcmp(f->modality, mod) &&
            !strcmp(f->indicator, ind)) {
            if (hit)
                fail_msg("row %s %s %s/%s %s twice", spie_level_names[lv], code, spie_breakdown_names[bd], mod, ind);
            hit = f;
        }
    }
    if (!hit)
        fail_msg("row %s %s %s/%s %s missing", spie_level_names[lv], code, spie_breakdown_names[bd], mod, ind);
    return hit;
}

static spie_figure *nat(const spie_table *t, const char *ind) { return get(t, NAT, "FR", ENS, "", ind); }

/* A masked figure (docs/methodologie.md §7, docs/sorties.md §4): status s, no interval, no effectif. */
static void assert_masked(const spie_figure *f)
{
    if (f->status != SPIE_STATUS_SECRET || f->has_ci || f->has_effectif)
        fail_msg("%s %s %s/%s %s: status %s, interval %d, effectif %d; expected s with neither",
                 spie_level_names[f->level], f->code, spie_breakdown_names[f->breakdown], f->modality, f->indicator,
                 spie_status_names[f->status], f->has_ci, f->has_effectif);
}

/* A shown figure: status ok, its effectif kept. */
static void assert_shown(const spie_figure *f)
{
    if (f->status != SPIE_STATUS_OK || !f->has_effectif)
        fail_msg("%s %s %s/%s %s: status %s, effectif %d; expected ok with its effectif",
                 spie_level_names[f->level], f->code, spie_breakdown_names[f->breakdown], f->modality, f->indicator,
                 spie_status_names[f->status], f->has_effectif);
}

static size_t n_masked(const spie_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->rows[i].status == SPIE_STATUS_SECRET;
    return n;
}

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
    stat(&t, NAT, "FR", "delai_d_orient_moyenne", 12.5, 4);
    stat(&t, NAT, "FR", "delai_d_orient_mediane", 10, 4);
    stat(&t, NAT, "FR", "delai_d_orient_p90", 30, 1);
    stat(&t, NAT, "FR", "delai_d_orient_km_mediane", 14, 3);
    stat(&t, NAT, "FR", "delai_d_diag_moyenne", 12.5, 5);
    stat(&t, NAT, "FR", "delai_d_diag_p25", 7, 5);
    stat(&t, NAT, "FR", "delai_d_diag_km_mediane", 21, 6);
    stat(&t, NAT, "FR", "reprise_km_mediane", 300, 2);
    stat(&t, NAT, "FR", "reprise_incidence_j30", 0.25, 4);
    stat(&t, NAT, "FR", "reprise_incidence_j60", 0.5, 8);
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
    stat(&t, REG, "76", "reprise_incidence_j30", 0.1, 60);
    stat(&t, REG, "76", "reprise_km_mediane", 200, 60);
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
    stat(&t, DEP, "30", "delai_d_orient_moyenne", 12.5, 30);
    stat(&t, DEP, "30", "delai_d_orient_p75", 20, 30);
    spie_figure *pc = push(&t, DEP, "30", ENS, "", "delai_d_orient_part_cible");
    pc->kind = SPIE_VK_REAL;
    pc->num = 20;
    pc->effectif = 28;
    pc->has_effectif = true;
    pc->real = 20.0 / 28.0;
    pc->has_ci = true;
    pc->lo = 0.6;
    pc->hi = 0.9;
    stat(&t, DEP, "31", "delai_d_orient_moyenne", 10, 40);
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
    stat(&t, NAT, "FR", "reprise_km_mediane", 181, 4);
    stat(&t, NAT, "FR", "delai_d_orient_moyenne", 12.5, 20);
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
    stat(&t, NAT, "FR", "delai_d_diag_moyenne", 8.25, 4);
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
    stat(&t, NAT, "FR", "delai_d_diag_km_mediane", 17, 28);
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

/* ---- the rates on the national mix (docs/methodologie.md §12) ------------------------------ */

/* The name of a rate's figure at horizon h from its pattern: "ratio_reprise_%dm" with
 * "%d" standing for h (put by hand: formats are literals in this project). */
static void hname(char *buf, size_t size, const char *pattern, int h)
{
    const char *at = strstr(pattern, "%d");
    assert_non_null(at);
    snprintf(buf, size, "%.*s%d%s", (int)(at - pattern), pattern, h, at + 2);
}

static spie_figure *grow(const spie_table *t, spie_level lv, const char *code, const char *pattern, int h)
{
    char name[48];
    hname(name, sizeof name, pattern, h);
    return get(t, lv, code, ENS, "", name);
}

/* A return rate x / n of a group (indicators.c rate()) and its three figures on the
 * national mix as standardise.c writes them: the expected rate e / n, the ratio x / e
 * and the standardised rate ratio * nat_rate, with the exact Poisson interval (here a
 * stand-in: the secret never reads bounds), effectif fn and numerator fx (n and x, as the
 * engine writes them; a test may make them differ to see the rule of following the rate
 * at work). */
static void std_group(spie_table *t, spie_level lv, const char *code, int h, int64_t x, int64_t n, int64_t fx,
                      int64_t fn, double e, double nat_rate)
{
    char name[48];
    hname(name, sizeof name, "taux_reprise_%dm", h);
    spie_figure *f = push(t, lv, code, ENS, "", name);
    f->num = x;
    f->has_effectif = true;
    f->effectif = n;
    f->kind = SPIE_VK_REAL;
    f->real = (double)x / (double)n;
    f->has_ci = true;
    f->lo = f->real / 2;
    f->hi = (f->real + 1) / 2;
    static const char *const tails[] = {"taux_reprise_%dm_attendu", "ratio_reprise_%dm", "taux_reprise_%dm_standardise"};
    for (int i = 0; i < 3; i++) {
        hname(name, sizeof name, tails[i], h);
        f = push(t, lv, code, ENS, "", name);
        f->num = fx;
        f->has_effectif = true;
        f->effectif = fn;
        f->kind = SPIE_VK_REAL;
        double ratio = (double)x / e;
        f->real = i == 0 ? e / (double)fn : i == 1 ? ratio : ratio * nat_rate;
        f->has_ci = i > 0;
        f->lo = f->real * 0.5;
        f->hi = f->real * 1.5;
    }
}

/* Plays the reader of a group's rate and its figures on the national mix: the numerator
 * x of a masked taux_reprise_<h>m comes back from the ratio times the expected rate times
 * their effectif (O = ratio · E / n · n), from the standardised rate over the published
 * national rate in place of the ratio, or from the ratio's interval (its width gives O,
 * whatever E: any shown bound of a masked rate's figure counts). Returns the recovered
 * numerator, or -1 when nothing comes back. */
static int64_t recover_rate(const spie_table *t, spie_level lv, const char *code, int h, double nat_rate)
{
    const spie_figure *r = grow(t, lv, code, "taux_reprise_%dm", h);
    if (r->status != SPIE_STATUS_SECRET)
        return r->status == SPIE_STATUS_OK && r->has_effectif ? (int64_t)llround(r->real * (double)r->effectif) : -1;
    const spie_figure *att = grow(t, lv, code, "taux_reprise_%dm_attendu", h);
    const spie_figure *ratio = grow(t, lv, code, "ratio_reprise_%dm", h);
    const spie_figure *std = grow(t, lv, code, "taux_reprise_%dm_standardise", h);
    bool att_ok = att->status == SPIE_STATUS_OK && att->has_effectif;
    if (att_ok && ratio->status == SPIE_STATUS_OK)
        return (int64_t)llround(ratio->real * att->real * (double)att->effectif);
    if (att_ok && std->status == SPIE_STATUS_OK)
        return (int64_t)llround(std->real / nat_rate * att->real * (double)att->effectif);
    if ((ratio->status == SPIE_STATUS_OK && ratio->has_ci) || (std->status == SPIE_STATUS_OK && std->has_ci))
        return 0; /* the interval's width alone: recovered (its value does not matter here) */
    return -1;
}

/* A département's rate 3 / 40 is masked in primary (numerator 3), and so are its three
 * figures on the national mix (their rule is the rate's, on the same 40 and 3); a rate
 * 10 / 40 is shown with its figures; an nd ratio (no expected success) stays nd beside a
 * masked rate. The reader gets no masked numerator back. */
static void test_std_primary_as_the_rate(void **state)
{
    (void)state;
    const double nat_rate = 0.25;
    spie_table t = {0};
    std_group(&t, DEP, "11", 6, 3, 40, 3, 40, 8.0, nat_rate);
    std_group(&t, DEP, "31", 6, 10, 40, 10, 40, 12.5, nat_rate);
    std_group(&t, DEP, "30", 6, 2, 40, 2, 40, 8.0, nat_rate);
    spie_figure *nd = grow(&t, DEP, "30", "ratio_reprise_%dm", 6);
    nd->status = SPIE_STATUS_ND;
    nd->kind = SPIE_VK_NONE;
    nd->has_ci = false;
    spie_secret_counts c = apply(&t, 5);
    static const char *const names[] = {"taux_reprise_%dm", "taux_reprise_%dm_attendu", "ratio_reprise_%dm",
                                        "taux_reprise_%dm_standardise"};
    for (size_t i = 0; i < 4; i++) {
        assert_masked(grow(&t, DEP, "11", names[i], 6));
        assert_shown(grow(&t, DEP, "31", names[i], 6));
    }
    assert_int_equal(grow(&t, DEP, "30", "ratio_reprise_%dm", 6)->status, SPIE_STATUS_ND);
    assert_masked(grow(&t, DEP, "30", "taux_reprise_%dm_standardise", 6));
    assert_int_equal(c.primary, 4 + 3);
    assert_int_equal(c.secondary, 0);
    assert_int_equal(recover_rate(&t, DEP, "11", 6, nat_rate), -1);
    assert_int_equal(recover_rate(&t, DEP, "30", 6, nat_rate), -1);
    assert_int_equal(recover_rate(&t, DEP, "31", 6, nat_rate), 10);
    spie_table_release(&t);
}

/* The figures follow their rate even where their own primary rule would show them (here
 * they are given a numerator of 10 while the rate's is 3: whatever masks a rate, primary
 * or secondary, masks them): masked as secondary cells. The same table without the
 * secret gives the masked numerator back to the reader: the check can fail. */
static void test_std_follow_the_rate(void **state)
{
    (void)state;
    const double nat_rate = 0.2;
    spie_table t = {0};
    std_group(&t, REG, "76", 12, 3, 40, 10, 40, 6.0, nat_rate);
    std_group(&t, VAG, "AMI1", 12, 20, 40, 20, 40, 16.0, nat_rate);
    spie_table_sort(&t);
    assert_int_equal(recover_rate(&t, REG, "76", 12, nat_rate), 3); /* before the secret */
    spie_secret_counts c = apply(&t, 5);
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm", 12));
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm_attendu", 12));
    assert_masked(grow(&t, REG, "76", "ratio_reprise_%dm", 12));
    assert_masked(grow(&t, REG, "76", "taux_reprise_%dm_standardise", 12));
    assert_shown(grow(&t, VAG, "AMI1", "ratio_reprise_%dm", 12));
    assert_int_equal(c.primary, 1);
    assert_int_equal(c.secondary, 3);
    assert_int_equal(n_masked(&t), c.primary + c.secondary);
    assert_int_equal(recover_rate(&t, REG, "76", 12, nat_rate), -1);
    assert_int_equal(recover_rate(&t, VAG, "AMI1", 12, nat_rate), 20);
    /* a figure is matched to the rate of its own group and horizon only */
    spie_table u = {0};
    std_group(&u, DEP, "31", 3, 3, 40, 10, 40, 6.0, nat_rate);
    std_group(&u, DEP, "31", 6, 10, 40, 10, 40, 6.0, nat_rate);
    std_group(&u, DEP, "11", 3, 10, 40, 10, 40, 6.0, nat_rate);
    apply(&u, 5);
    assert_masked(grow(&u, DEP, "31", "ratio_reprise_%dm", 3));
    assert_shown(grow(&u, DEP, "31", "ratio_reprise_%dm", 6));
    assert_shown(grow(&u, DEP, "11", "ratio_reprise_%dm", 3));
    spie_table_release(&u);
    spie_table_release(&t);
}

/* The durable rate's figures follow the durable rate, not the other one. */
static void test_std_durable(void **state)
{
    (void)state;
    spie_table t = {0};
    rate(&t, "taux_reprise_6m", 20, 40);
    rate(&t, "taux_reprise_durable_6m", 2, 40);
    static const char *const names[] = {"taux_reprise_6m_attendu", "ratio_reprise_6m", "taux_reprise_6m_standardise",
                                        "taux_reprise_durable_6m_attendu", "ratio_reprise_durable_6m",
                                        "taux_reprise_durable_6m_standardise"};
    for (size_t i = 0; i < 6; i++) {
        /* at the national level only for the test (the engine writes none there) */
        spie_figure *f = push(&t, NAT, "FR", ENS, "", names[i]);
        f->kind = SPIE_VK_REAL;
        f->real = 1;
        f->has_effectif = true;
        f->effectif = 40;
        f->num = 20; /* not small: only following can mask them */
    }
    apply(&t, 5);
    for (size_t i = 0; i < 3; i++)
        assert_shown(nat(&t, names[i]));
    for (size_t i = 3; i < 6; i++)
        assert_masked(nat(&t, names[i]));
    spie_table_release(&t);
}

/* A rate shown whose effectif equals a masked count of its cell (secret.md §4) loses its
 * effectif, and so do its figures on the national mix; their values stay. Département
 * 11: D_ORIENT termines 40, censures 3 (primary), incoherents 0: termines is masked in
 * secondary; taux_reprise_6m 20 / 40 is shown without its effectif. */
static void test_std_effectif_hidden(void **state)
{
    (void)state;
    spie_table t = {0};
    delay(&t, DEP, "11", ENS, "", "d_orient", 40, 3, 0);
    std_group(&t, DEP, "11", 6, 20, 40, 20, 40, 16.0, 0.3);
    spie_secret_counts c = apply(&t, 5);
    assert_masked(get(&t, DEP, "11", ENS, "", "delai_d_orient_termines"));
    static const char *const names[] = {"taux_reprise_%dm", "taux_reprise_%dm_attendu", "ratio_reprise_%dm",
                                        "taux_reprise_%dm_standardise"};
    for (size_t i = 0; i < 4; i++) {
        const spie_figure *f = grow(&t, DEP, "11", names[i], 6);
        assert_int_equal(f->status, SPIE_STATUS_OK);
        assert_false(f->has_effectif);
    }
    assert_true(grow(&t, DEP, "11", "ratio_reprise_%dm", 6)->real == 20.0 / 16.0);
    assert_int_equal(c.effectifs_hidden, 4);
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
        cmocka_unit_test(test_secondary_breakdown_line),
        cmocka_unit_test(test_secondary_skips_zero),
        cmocka_unit_test(test_two_primary_no_secondary),
        cmocka_unit_test(test_lines_are_per_indicator),
        cmocka_unit_test(test_secondary_type_lines),
        cmocka_unit_test(test_secondary_region_and_wave_lines),
        cmocka_unit_test(test_secondary_cascade),
        cmocka_unit_test(test_department_lines_by_region),
        cmocka_unit_test(test_masked_rows_in_csv),
        cmocka_unit_test(test_values_never_change),
        cmocka_unit_test(test_empty_and_null_counts),
        cmocka_unit_test(test_masked_total_of_shown_line),
        cmocka_unit_test(test_single_mask_without_candidate),
        cmocka_unit_test(test_km_effectif_sum),
        cmocka_unit_test(test_region_modality_lines),
        cmocka_unit_test(test_std_primary_as_the_rate),
        cmocka_unit_test(test_std_follow_the_rate),
        cmocka_unit_test(test_std_durable),
        cmocka_unit_test(test_std_effectif_hidden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
