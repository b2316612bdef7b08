/* Unit tests of engine/figures/budget_ind.c (spie_budget_rows): the budget indicators of
 * docs/methodologie.md §6, §8, §9 and docs/sorties.md §4.
 *
 * Every test builds a spie_batch by hand (include/spie/batch.h): a small territories
 * table parsed with spie_territories_parse, budget lines whose amounts are parsed with
 * spie_parse_amount from the forms of docs/format-extraits.md §2, one spie_cube per territory holding
 * only the ensemble counts that the unit costs read (entrants, with_return), and the
 * usability flags. It calls spie_budget_rows and looks the rows up in the table. Every
 * expected figure is worked out by hand in the comments; the projection is recomputed here
 * from the closed-form least-squares formulas in long double (never with GSL), with the
 * Student quantile from the closed-form t distribution function of Abramowitz & Stegun
 * 26.7.3-4 inverted by bisection, and the values are quoted from an exact computation
 * (rational arithmetic; t from mpmath), which is what R gives with
 *   x <- 0:7; y <- c(...); predict(lm(y ~ x), data.frame(x = 11), interval = "prediction")
 * and qt(0.975, df).
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

#include "spie/batch.h"
#include "spie/budget_ind.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/params.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "spie/territories.h"
#include "testutil.h"

/* ---- fixture -------------------------------------------------------------------------- */

#define MAXT 8

typedef struct fx {
    spie_params params;
    spie_territories terr;
    spie_batch b;
    spie_acc acc[MAXT];
    spie_cube cube[MAXT];
    bool persons_ok[MAXT];
    bool budget_ok[MAXT];
    spie_budget budgets[MAXT];
    spie_table table;
    const spie_month *budget_month; /* NULL: no territory is late */
} fx;

static spie_month month(const char *s)
{
    spie_month m = 0;
    if (!spie_parse_month(tu_str(s), &m))
        fail_msg("bad test month %s", s);
    return m;
}

static spie_cents cents(const char *s)
{
    spie_cents c = 0;
    if (!spie_parse_amount(tu_str(s), &c))
        fail_msg("spie_parse_amount rejects the accepted form \"%s\"", s);
    return c;
}

/* A batch for period p over the territories of terr_csv: every territory's budget and
 * persons usable, no budget line, no entrant, no NAT file; default parameters. */
static fx *fx_new(const char *terr_csv, const char *p)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    spie_params_default(&f->params);
    spie_error err;
    if (SPIE_OK != spie_territories_parse(terr_csv, strlen(terr_csv), &f->terr, &err))
        fail_msg("territories table, line %zu: %s", err.line, err.msg);
    assert_true(f->terr.count <= MAXT);
    f->b.fold.params = &f->params;
    f->b.fold.period = month(p);
    for (size_t i = 0; i < MAXT; i++) {
        f->cube[i].n_cells = 1;
        f->cube[i].cells = &f->acc[i];
        f->persons_ok[i] = true;
        f->budget_ok[i] = true;
    }
    f->b.dept = f->cube;
    f->b.persons_ok = f->persons_ok;
    f->b.budget_ok = f->budget_ok;
    f->b.budgets = f->budgets;
    return f;
}

static void fx_free(fx *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < MAXT; i++)
        spie_budget_release(&f->budgets[i]);
    spie_budget_release(&f->b.nat_budget);
    spie_territories_free(&f->terr);
    spie_table_release(&f->table);
    free(f);
}

/* Index of a territory in the table. */
static size_t ti(const fx *f, const char *dept)
{
    const spie_territory *t = spie_territories_find(&f->terr, dept, strlen(dept));
    if (!t)
        fail_msg("territory %s is not in the table", dept);
    return (size_t)(t - f->terr.items);
}

/* One budget line of dept ("NAT": the national file, which becomes usable). */
static void line(fx *f, const char *dept, const char *mois, spie_financer fin, const char *engaged, const char *paid)
{
    spie_budget *bud;
    if (strcmp(dept, "NAT") == 0) {
        bud = &f->b.nat_budget;
        f->b.nat_ok = true;
    } else {
        bud = &f->budgets[ti(f, dept)];
    }
    if (bud->count == bud->cap) {
        size_t nc = bud->cap ? 2 * bud->cap : 8;
        spie_budget_line *l = realloc(bud->lines, nc * sizeof *l);
        assert_non_null(l);
        bud->lines = l;
        bud->cap = nc;
    }
    spie_budget_line *l = &bud->lines[bud->count++];
    memset(l, 0, sizeof *l);
    l->month = month(mois);
    l->financer = (uint8_t)fin;
    l->engaged = cents(engaged);
    l->paid = cents(paid);
}

static void etat(fx *f, const char *dept, const char *mois, const char *engaged, const char *paid)
{
    line(f, dept, mois, SPIE_FIN_ETAT, engaged, paid);
}

static void persons(fx *f, const char *dept, uint64_t entrants, uint64_t with_return)
{
    size_t i = ti(f, dept);
    f->acc[i].entrants = entrants;
    f->acc[i].with_return = with_return;
}

static void fx_run(fx *f)
{
    spie_table_release(&f->table);
    spie_error err = {0};
    if (spie_budget_rows(&f->table, &f->b, &f->terr, &f->params, f->budget_month, &err) != SPIE_OK)
        fail_msg("spie_budget_rows failed: %s", err.msg);
}

/* ---- lookups and assertions ------------------------------------------------------------ */

static const spie_figure *find(const fx *f, spie_level lv, const char *code, const char *ind)
{
    const spie_figure *hit = NULL;
    for (size_t i = 0; i < f->table.n; i++) {
        const spie_figure *r = &f->table.rows[i];
        if (r->level == lv && strcmp(r->code, code) == 0 && strcmp(r->indicator, ind) == 0) {
            if (hit)
                fail_msg("row %s/%s/%s is present twice", spie_level_names[lv], code, ind);
            hit = r;
        }
    }
    return hit;
}

static const spie_figure *get(const fx *f, spie_level lv, const char *code, const char *ind)
{
    const spie_figure *r = find(f, lv, code, ind);
    if (!r)
        fail_msg("row %s/%s/%s is missing", spie_level_names[lv], code, ind);
    if (r->breakdown != 0 || r->modality[0])
        fail_msg("row %s/%s/%s is not in the ensemble breakdown", spie_level_names[lv], code, ind);
    return r;
}

#define DEP SPIE_LEVEL_DEPARTEMENT
#define NAT SPIE_LEVEL_NATIONAL
#define REG SPIE_LEVEL_REGION
#define WAV SPIE_LEVEL_VAGUE

/* Money: status ok, exactly `want` cents, no interval, empty effectif. */
static void check_cents(const fx *f, spie_level lv, const char *code, const char *ind, spie_cents want)
{
    const spie_figure *r = get(f, lv, code, ind);
    if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_CENTS)
        fail_msg("%s/%s/%s: status %s kind %d, expected ok money", spie_level_names[lv], code, ind,
                 spie_status_names[r->status], r->kind);
    if (r->ival != want)
        fail_msg("%s/%s/%s = %lld cents, expected %lld", spie_level_names[lv], code, ind, (long long)r->ival,
                 (long long)want);
    if (r->has_effectif || r->has_ci)
        fail_msg("%s/%s/%s: money has an effectif or an interval", spie_level_names[lv], code, ind);
}

/* A share: status ok, exactly the double `want`, empty effectif. */
static void check_share(const fx *f, spie_level lv, const char *code, const char *ind, double want)
{
    const spie_figure *r = get(f, lv, code, ind);
    if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_REAL)
        fail_msg("%s/%s/%s: status %s, expected an ok share", spie_level_names[lv], code, ind,
                 spie_status_names[r->status]);
    if (!(r->real == want))
        fail_msg("%s/%s/%s = %.17g, expected %.17g", spie_level_names[lv], code, ind, r->real, want);
    if (r->has_effectif)
        fail_msg("%s/%s/%s: a budget share has an effectif", spie_level_names[lv], code, ind);
}

/* nd, without value; effectif empty when eff < 0, else exactly eff. */
static void check_nd(const fx *f, spie_level lv, const char *code, const char *ind, int64_t eff)
{
    const spie_figure *r = get(f, lv, code, ind);
    if (r->status != SPIE_STATUS_ND)
        fail_msg("%s/%s/%s: status %s, expected nd", spie_level_names[lv], code, ind, spie_status_names[r->status]);
    if (eff < 0 && r->has_effectif)
        fail_msg("%s/%s/%s: effectif %lld, expected empty", spie_level_names[lv], code, ind, (long long)r->effectif);
    if (eff >= 0 && (!r->has_effectif || r->effectif != eff))
        fail_msg("%s/%s/%s: effectif %s%lld, expected %lld", spie_level_names[lv], code, ind,
                 r->has_effectif ? "" : "(empty) ", (long long)r->effectif, (long long)eff);
}

/* A unit cost: ok, `want` cents, effectif = the divisor. */
static void check_cost(const fx *f, spie_level lv, const char *code, const char *ind, spie_cents want, int64_t eff)
{
    const spie_figure *r = get(f, lv, code, ind);
    if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_CENTS || r->ival != want)
        fail_msg("%s/%s/%s: status %s, %lld cents, expected ok %lld", spie_level_names[lv], code, ind,
                 spie_status_names[r->status], (long long)r->ival, (long long)want);
    if (!r->has_effectif || r->effectif != eff)
        fail_msg("%s/%s/%s: effectif %lld, expected %lld", spie_level_names[lv], code, ind, (long long)r->effectif,
                 (long long)eff);
}

static size_t count_prefix(const fx *f, spie_level lv, const char *code, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < f->table.n; i++) {
        const spie_figure *r = &f->table.rows[i];
        if (r->level == lv && strcmp(r->code, code) == 0 && strncmp(r->indicator, prefix, strlen(prefix)) == 0)
            n++;
    }
    return n;
}

/* The budget rows every group has (docs/sorties.md §4), series aside. */
static const char *const group_names[] = {
    "allocation_etat",  "engage_etat",       "paye_etat",
    "taux_engagement",  "taux_consommation", "cofinancement_departement",
    "cofinancement_france_travail", "cofinancement_caf", "cofinancement_autre",
    "cout_par_entrant", "cout_par_reprise"};

/* ---- independent reference computations ------------------------------------------------ */

/* Student's t distribution function with nu degrees of freedom (integer), t >= 0:
 * Abramowitz & Stegun 26.7.3 (nu odd) and 26.7.4 (nu even), theta = atan(t / sqrt(nu)). */
static long double t_cdf(long double t, int nu)
{
    const long double th = atanl(t / sqrtl((long double)nu));
    const long double s = sinl(th), c = cosl(th);
    long double a;
    if (nu % 2 == 0) {
        long double term = 1.0L, sum = 1.0L;
        for (int k = 2; k <= nu - 2; k += 2) {
            term *= c * c * (long double)(k - 1) / (long double)k;
            sum += term;
        }
        a = s * sum;
    } else {
        long double sum = 0.0L;
        if (nu > 1) {
            long double term = c;
            sum = c;
            for (int k = 3; k <= nu - 2; k += 2) {
                term *= c * c * (long double)(k - 1) / (long double)k;
                sum += term;
            }
        }
        a = 2.0L / 3.14159265358979323846264338327950288L * (th + s * sum);
    }
    return 0.5L + 0.5L * a;
}

/* The p-quantile (p > 0.5) by bisection on t_cdf. */
static long double t_quantile(long double p, int nu)
{
    long double lo = 0.0L, hi = 1000.0L;
    for (int i = 0; i < 200; i++) {
        long double mid = (lo + hi) / 2.0L;
        if (t_cdf(mid, nu) < p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2.0L;
}

typedef struct ols {
    long double c0, c1, yhat, lower, upper;
} ols;

/* Closed-form OLS of y on x (n points) and the prediction interval at x_e (level 95 %):
 * c1 = Sxy / Sxx, c0 = ybar - c1 xbar, s2 = RSS / (n - 2),
 * half = t(0.975; n - 2) sqrt(s2 (1 + 1/n + (x_e - xbar)^2 / Sxx)). */
static ols ols_ref(const long double *x, const long double *y, size_t n, long double x_e)
{
    long double xb = 0, yb = 0, sxx = 0, sxy = 0, rss = 0;
    for (size_t i = 0; i < n; i++) {
        xb += x[i];
        yb += y[i];
    }
    xb /= (long double)n;
    yb /= (long double)n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - xb) * (x[i] - xb);
        sxy += (x[i] - xb) * (y[i] - yb);
    }
    ols o;
    o.c1 = sxy / sxx;
    o.c0 = yb - o.c1 * xb;
    for (size_t i = 0; i < n; i++) {
        long double e = y[i] - o.c0 - o.c1 * x[i];
        rss += e * e;
    }
    const long double s2 = rss / (long double)(n - 2);
    const long double t = t_quantile(0.975L, (int)n - 2);
    const long double half = t * sqrtl(s2 * (1.0L + 1.0L / (long double)n + (x_e - xb) * (x_e - xb) / sxx));
    o.yhat = o.c0 + o.c1 * x_e;
    o.lower = o.yhat - half;
    o.upper = o.yhat + half;
    return o;
}

/* Half away from zero, as docs/methodologie.md §8 rounds derived amounts. */
static spie_cents round_cents_ld(long double euros)
{
    return (spie_cents)llroundl(euros * 100.0L);
}

static void check_projection(const fx *f, const ols *o, int64_t points, double v_euros)
{
    const spie_figure *r = get(f, NAT, "FR", "projection_paye_fin");
    if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_CENTS || !r->has_ci)
        fail_msg("projection_paye_fin: status %s, expected ok with an interval", spie_status_names[r->status]);
    if (r->ival != round_cents_ld(o->yhat))
        fail_msg("projection_paye_fin = %lld cents, expected %lld (yhat %.10Lf)", (long long)r->ival,
                 (long long)round_cents_ld(o->yhat), o->yhat);
    if (fabsl((long double)r->lo - o->lower) > 1e-6L || fabsl((long double)r->hi - o->upper) > 1e-6L)
        fail_msg("projection interval [%.10f, %.10f], expected [%.10Lf, %.10Lf]", r->lo, r->hi, o->lower, o->upper);
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
    r = get(f, NAT, "FR", "projection_part_enveloppe");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    if (fabsl((long double)r->real - o->yhat / (long double)v_euros) > 1e-12L)
        fail_msg("projection_part_enveloppe = %.17g, expected %.17Lg", r->real, o->yhat / (long double)v_euros);
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
}

/* The exhaustion month (v2, docs/methodologie.md §6): want is the month the trend line
 * reaches the envelope, published as the number of months from P to it; NULL: not
 * reached (nd). */
static void check_exhaustion(const fx *f, const char *want, int64_t points)
{
    const spie_figure *r = get(f, NAT, "FR", "projection_epuisement_dans_mois");
    if (want) {
        int64_t months = (int64_t)month(want) - (int64_t)f->b.fold.period;
        if (r->status != SPIE_STATUS_OK || r->kind != SPIE_VK_COUNT || r->ival != months)
            fail_msg("projection_epuisement_dans_mois: status %s, %lld, expected %lld (%s)",
                     spie_status_names[r->status], (long long)r->ival, (long long)months, want);
    } else {
        if (r->status != SPIE_STATUS_ND)
            fail_msg("projection_epuisement_dans_mois: status %s %lld, expected nd (not reached)",
                     spie_status_names[r->status], (long long)r->ival);
    }
    assert_true(r->has_effectif);
    assert_int_equal(r->effectif, points);
}

/* ---- sums -------------------------------------------------------------------------------- */

/* Exact cent sums over amounts in every accepted form (docs/format-extraits.md §2), per territory,
 * region, wave and nation; the CSV prints money with exactly two decimals and an empty
 * effectif. */
static void test_sums_every_amount_form(void **state)
{
    (void)state;
    fx *f = fx_new("departement;vague;allocation_etat\n11;AMI1;1 000,00\n31;AMI2;600 000,00\n75;AMI2;50000\n",
                   "2021-03");
    /* 31: engaged 1234,56 + 10000 + 0,05 + 1234,56 - 0,01 = 12469,16;
     *     paid 1234,50 - 250,00 + 1234,56 (U+00A0) + 1000,01 (U+202F) + 7,00 = 3226,07 */
    etat(f, "31", "2021-01", "1 234,56", "1234.5");
    etat(f, "31", "2021-02", "10 000", "-250,00");
    etat(f, "31", "2021-03", "0,05", "1\xc2\xa0" "234,56");
    etat(f, "31", "03/2021", "1.234,56", "1\xe2\x80\xaf" "000,01");
    etat(f, "31", "2021-03", "-0,01", "7");
    /* 11: engaged 0,10 + 0,20 = 0,30 (0.1 + 0.2 != 0.3 in double); paid 1 234.5 + 0,7 = 1235,20 */
    etat(f, "11", "2021-02", "0.1", "1 234.5");
    etat(f, "11", "2021-03", "0,20", "0,7");
    /* 75: engaged 99,99, paid -0,01 */
    etat(f, "75", "2021-01", "99.99", "-0.01");
    fx_run(f);

    check_cents(f, DEP, "31", "engage_etat", 1246916);
    check_cents(f, DEP, "31", "paye_etat", 322607);
    check_cents(f, DEP, "11", "engage_etat", 30);
    check_cents(f, DEP, "11", "paye_etat", 123520);
    check_cents(f, DEP, "75", "engage_etat", 9999);
    check_cents(f, DEP, "75", "paye_etat", -1);
    /* Occitanie (76) = 11 + 31; Île-de-France (11) = 75 */
    check_cents(f, REG, "76", "engage_etat", 1246916 + 30);
    check_cents(f, REG, "76", "paye_etat", 322607 + 123520);
    check_cents(f, REG, "76", "allocation_etat", 100000 + 60000000);
    check_cents(f, REG, "11", "paye_etat", -1);
    /* AMI2 = 31 + 75; AMI1 = 11 */
    check_cents(f, WAV, "AMI2", "engage_etat", 1246916 + 9999);
    check_cents(f, WAV, "AMI2", "paye_etat", 322607 - 1);
    check_cents(f, WAV, "AMI2", "allocation_etat", 60000000 + 5000000);
    check_cents(f, WAV, "AMI1", "paye_etat", 123520);
    check_cents(f, NAT, "FR", "engage_etat", 1246916 + 30 + 9999);
    check_cents(f, NAT, "FR", "paye_etat", 322607 + 123520 - 1);
    check_cents(f, NAT, "FR", "allocation_etat", 100000 + 60000000 + 5000000);
    /* series: 31 paid 1234,50 in January, -250,00 in February, 2241,57 in March */
    check_cents(f, DEP, "31", "paye_etat_mois_2021-01", 123450);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-02", -25000);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-03", 123456 + 100001 + 700);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-02", 98450);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-03", 322607);

    /* The CSV: euros with exactly two decimals, empty effectif, statut ok. */
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/indicateurs.csv", dir);
    assert_int_equal(spie_table_write_csv(&f->table, path), 0);
    size_t n = 0;
    char *csv = tu_read_file(path, &n);
    assert_non_null(csv);
    static const char *const want[] = {
        "\ndepartement,31,Haute-Garonne,ensemble,,paye_etat,3226.07,,,,ok\n",
        "\ndepartement,31,Haute-Garonne,ensemble,,engage_etat,12469.16,,,,ok\n",
        "\ndepartement,11,Aude,ensemble,,engage_etat,0.30,,,,ok\n",
        "\ndepartement,75,Paris,ensemble,,paye_etat,-0.01,,,,ok\n",
        "\ndepartement,31,Haute-Garonne,ensemble,,paye_etat_mois_2021-02,-250.00,,,,ok\n",
        "\nnational,FR,France,ensemble,,paye_etat,4461.26,,,,ok\n",
        "\nnational,FR,France,ensemble,,enveloppe,80000000.00,,,,ok\n",
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(want); i++)
        if (!strstr(csv, want[i]))
            fail_msg("the CSV lacks the line %s", want[i] + 1);
    free(csv);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
    fx_free(f);
}

/* Sums stay exact beyond 2^53 cents, where a sum in double loses cents:
 * 2^53 + 1 + 1 cents is 9007199254740994 (in double: 9007199254740992). */
static void test_sums_exact_beyond_double(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n75,AMI2,1000\n", "2021-02");
    etat(f, "31", "2021-01", "0", "90 071 992 547 409,92"); /* 2^53 cents */
    etat(f, "31", "2021-01", "0", "0,01");
    etat(f, "31", "2021-02", "0", "0,01");
    etat(f, "75", "2021-02", "0", "0,01");
    fx_run(f);
    check_cents(f, DEP, "31", "paye_etat", INT64_C(9007199254740994));
    check_cents(f, DEP, "31", "paye_etat_mois_2021-01", INT64_C(9007199254740993));
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-02", INT64_C(9007199254740994));
    check_cents(f, NAT, "FR", "paye_etat", INT64_C(9007199254740995));
    check_cents(f, WAV, "AMI2", "paye_etat_cumul_2021-02", INT64_C(9007199254740995));
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-02", INT64_C(9007199254740995));
    /* V - paid in the window: 8 000 000 000 - 9007199254740995 */
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000) - INT64_C(9007199254740995));
    fx_free(f);
}

/* A sum beyond int64 cents is not published as a number (never a wrapped value). */
static void test_sum_overflow(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-03");
    etat(f, "31", "2021-01", "0", "50 000 000 000 000 000,00");
    etat(f, "31", "2021-02", "0", "50 000 000 000 000 000,00");
    spie_error err = {0};
    if (spie_budget_rows(&f->table, &f->b, &f->terr, &f->params, f->budget_month, &err) == SPIE_OK) {
        const spie_figure *r = get(f, DEP, "31", "paye_etat");
        if (r->status == SPIE_STATUS_OK)
            fail_msg("paye_etat beyond int64 published as %lld cents", (long long)r->ival);
        r = get(f, NAT, "FR", "paye_etat");
        assert_int_not_equal(r->status, SPIE_STATUS_OK);
    }
    fx_free(f);
}

/* Engagement and consumption rates from the cents; allocation 0 -> nd (also for a group
 * whose included allocations sum to 0); co-financing per financer, paid amounts only. */
static void test_rates_and_cofinancing(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n11,AMI1,0\n31,AMI2,\"600 000,00\"\n", "2021-06");
    etat(f, "31", "2021-02", "150 000,00", "40 000,00");
    etat(f, "31", "2021-05", "0", "5 000,00");
    etat(f, "11", "2021-03", "30 000,00", "12 000,00");
    line(f, "31", "2020-11", SPIE_FIN_DEPARTEMENT, "9 999,99", "1 000,00"); /* 2020 counts (mois <= P) */
    line(f, "31", "2021-03", SPIE_FIN_DEPARTEMENT, "0", "500,50");
    line(f, "31", "2021-03", SPIE_FIN_FRANCE_TRAVAIL, "0", "200,00"); /* POLE_EMPLOI is read as this */
    line(f, "31", "2021-04", SPIE_FIN_FRANCE_TRAVAIL, "0", "-20,00");
    line(f, "31", "2021-04", SPIE_FIN_CAF, "7 000,00", "300,00");
    line(f, "11", "2021-06", SPIE_FIN_AUTRE, "0", "42,42");
    fx_run(f);

    /* 31: 150 000 / 600 000 = 0.25; 45 000 / 600 000 = 0.075 (the nearest double) */
    check_cents(f, DEP, "31", "allocation_etat", 60000000);
    check_share(f, DEP, "31", "taux_engagement", 0.25);
    check_share(f, DEP, "31", "taux_consommation", 0.075);
    check_cents(f, DEP, "31", "cofinancement_departement", 150050);
    check_cents(f, DEP, "31", "cofinancement_france_travail", 18000);
    check_cents(f, DEP, "31", "cofinancement_caf", 30000);
    check_cents(f, DEP, "31", "cofinancement_autre", 0);
    assert_null(find(f, DEP, "31", "cofinancement_etat"));
    assert_null(find(f, DEP, "31", "cofinancement_pole_emploi"));
    /* 11: allocation 0: the amounts are published, the rates are nd */
    check_cents(f, DEP, "11", "allocation_etat", 0);
    check_cents(f, DEP, "11", "engage_etat", 3000000);
    check_nd(f, DEP, "11", "taux_engagement", -1);
    check_nd(f, DEP, "11", "taux_consommation", -1);
    check_cents(f, DEP, "11", "cofinancement_autre", 4242);
    /* wave AMI1 = 11 alone: allocation 0, rates nd */
    check_cents(f, WAV, "AMI1", "allocation_etat", 0);
    check_nd(f, WAV, "AMI1", "taux_engagement", -1);
    /* region 76 = 11 + 31: 180 000 / 600 000 = 0.3; 57 000 / 600 000 = 0.095 */
    check_share(f, REG, "76", "taux_engagement", 18000000.0 / 60000000.0);
    check_share(f, REG, "76", "taux_consommation", 5700000.0 / 60000000.0);
    check_cents(f, REG, "76", "cofinancement_autre", 4242);
    check_cents(f, NAT, "FR", "cofinancement_departement", 150050);
    check_share(f, NAT, "FR", "taux_consommation", 5700000.0 / 60000000.0);
    fx_free(f);
}

/* ---- series, 2020 lines, the envelope ----------------------------------------------------- */

/* A late budget extract (docs/methodologie.md §10): 31's is of 2021-02 for P = 2021-03, so
 * its series say nothing of 2021-03: paye_etat_mois_2021-03 and paye_etat_cumul_2021-03
 * are nd; its earlier months and its paye_etat stay (computed from its extract). 11's
 * extract is of P: nothing changes. The région 76 and the nation keep their sums over both:
 *   31: 2021-01 paid 100,00, 2021-02 paid 200,00 -> mois 10000, 20000; cumul 10000, 30000;
 *       paye_etat 30000 cents;
 *   11: 2021-01 paid 10,00, 2021-03 paid 30,00 -> mois 1000, 0, 3000; cumul 1000, 1000, 4000;
 *   76: mois_2021-03 = 0 + 3000 = 3000; cumul_2021-03 = 30000 + 4000 = 34000. */
static void test_late_budget_months(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n11,AMI1,1000\n31,AMI2,1000\n", "2021-03");
    etat(f, "31", "2021-01", "0", "100,00");
    etat(f, "31", "2021-02", "0", "200,00");
    etat(f, "11", "2021-01", "0", "10,00");
    etat(f, "11", "2021-03", "0", "30,00");
    spie_month bm[MAXT];
    for (size_t i = 0; i < MAXT; i++)
        bm[i] = SPIE_NO_MONTH;
    bm[ti(f, "31")] = month("2021-02");
    bm[ti(f, "11")] = month("2021-03");
    f->budget_month = bm;
    fx_run(f);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-01", 10000);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-02", 20000);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-02", 30000);
    check_nd(f, DEP, "31", "paye_etat_mois_2021-03", -1);
    check_nd(f, DEP, "31", "paye_etat_cumul_2021-03", -1);
    check_cents(f, DEP, "31", "paye_etat", 30000);
    check_cents(f, DEP, "11", "paye_etat_mois_2021-03", 3000);
    check_cents(f, DEP, "11", "paye_etat_cumul_2021-03", 4000);
    check_cents(f, REG, "76", "paye_etat_mois_2021-03", 3000);
    check_cents(f, REG, "76", "paye_etat_cumul_2021-03", 34000);
    check_cents(f, NAT, "FR", "paye_etat_cumul_2021-03", 34000);
    check_cents(f, SPIE_LEVEL_VAGUE, "AMI2", "paye_etat_cumul_2021-03", 30000);
    /* without the months (NULL), every figure is known */
    f->budget_month = NULL;
    fx_run(f);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-03", 30000);
    fx_free(f);
}

/* A budget line of 2020 counts in the territory's paye_etat and cumulative series from the
 * first month on, never in the envelope (outside its window). */
static void test_line_of_2020(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,10000\n", "2021-02");
    etat(f, "31", "2020-06", "2 000,00", "1 000,00");
    etat(f, "31", "2021-01", "300,00", "200,00");
    etat(f, "31", "2021-02", "400,00", "300,00");
    etat(f, "NAT", "2020-12", "50,00", "40,00"); /* NAT of 2020: not in the envelope either */
    etat(f, "NAT", "2021-02", "5,00", "4,00");
    fx_run(f);
    check_cents(f, DEP, "31", "paye_etat", 150000);
    check_cents(f, DEP, "31", "engage_etat", 270000);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-01", 20000);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-01", 120000);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-02", 150000);
    check_cents(f, NAT, "FR", "paye_etat_cumul_2021-01", 120000);
    assert_null(find(f, DEP, "31", "paye_etat_mois_2020-12"));
    assert_null(find(f, DEP, "31", "paye_etat_cumul_2020-12"));
    /* the envelope: 200 + 300 + 4 paid, 300 + 400 + 5 engaged, inside the window */
    check_cents(f, NAT, "FR", "paye_enveloppe_mois_2021-01", 20000);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-01", 20000);
    check_cents(f, NAT, "FR", "paye_enveloppe_mois_2021-02", 30400);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-02", 50400);
    check_share(f, NAT, "FR", "part_enveloppe_payee", 50400.0 / 8000000000.0);
    check_share(f, NAT, "FR", "part_enveloppe_engagee", 70500.0 / 8000000000.0);
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000) - 50400);
    /* NAT: every month <= P, 2020 included, apart */
    check_cents(f, NAT, "FR", "paye_etat_national", 4400);
    check_cents(f, NAT, "FR", "engage_etat_national", 5500);
    check_cents(f, NAT, "FR", "enveloppe", INT64_C(8000000000));
    check_share(f, NAT, "FR", "part_enveloppe_allouee", 1000000.0 / 8000000000.0);
    fx_free(f);
}

/* The series run from the window's start to P for the groups, and to min(P, window end)
 * for the envelope; payments after the window's end are in the territory's figures but
 * not in the envelope. */
static void test_series_and_window_end(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,10000\n", "2021-08");
    f->params.window_end = month("2021-06");
    f->params.envelope = 100000000; /* 1 000 000,00 */
    etat(f, "31", "2021-01", "100,00", "100,00");
    etat(f, "31", "2021-06", "10,00", "10,00");
    etat(f, "31", "2021-07", "1,00", "1,00");
    etat(f, "31", "2021-08", "1 000,00", "1 000,00");
    fx_run(f);
    assert_int_equal(count_prefix(f, DEP, "31", "paye_etat_mois_"), 8);
    assert_int_equal(count_prefix(f, DEP, "31", "paye_etat_cumul_"), 8);
    assert_int_equal(count_prefix(f, WAV, "AMI2", "paye_etat_mois_"), 8);
    assert_int_equal(count_prefix(f, NAT, "FR", "paye_enveloppe_mois_"), 6);
    assert_int_equal(count_prefix(f, NAT, "FR", "paye_enveloppe_cumul_"), 6);
    check_cents(f, DEP, "31", "paye_etat_mois_2021-08", 100000);
    check_cents(f, DEP, "31", "paye_etat_cumul_2021-08", 111100);
    check_cents(f, NAT, "FR", "paye_etat_cumul_2021-07", 11100);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-06", 11000);
    assert_null(find(f, NAT, "FR", "paye_enveloppe_mois_2021-07"));
    check_cents(f, NAT, "FR", "reste_enveloppe", 100000000 - 11000);
    check_share(f, NAT, "FR", "part_enveloppe_payee", 11000.0 / 100000000.0);
    check_share(f, NAT, "FR", "part_enveloppe_engagee", 11000.0 / 100000000.0);
    /* The envelope, NAT lines and projection exist at the national level only; budget
     * rows exist in the ensemble breakdown only (get() checks it). */
    static const char *const national_only[] = {"enveloppe", "reste_enveloppe", "part_enveloppe_allouee",
                                                "engage_etat_national", "projection_paye_fin"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(national_only); i++) {
        assert_null(find(f, DEP, "31", national_only[i]));
        assert_null(find(f, REG, "76", national_only[i]));
        assert_null(find(f, WAV, "AMI2", national_only[i]));
        assert_non_null(find(f, NAT, "FR", national_only[i]));
    }
    for (size_t i = 0; i < f->table.n; i++)
        if (f->table.rows[i].breakdown != 0 || f->table.rows[i].modality[0])
            fail_msg("budget row %s outside the ensemble breakdown", f->table.rows[i].indicator);
    fx_free(f);
}

/* ---- NAT ---------------------------------------------------------------------------------- */

static bool envelope_row(const spie_figure *r)
{
    static const char *const pre[] = {"part_enveloppe_", "reste_enveloppe", "paye_enveloppe_", "projection_",
                                      "engage_etat_national", "paye_etat_national"};
    if (r->level != SPIE_LEVEL_NATIONAL)
        return false;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(pre); i++)
        if (strncmp(r->indicator, pre[i], strlen(pre[i])) == 0)
            return true;
    return false;
}

static bool same_figure(const spie_figure *a, const spie_figure *b)
{
    return a->status == b->status && a->kind == b->kind && a->ival == b->ival &&
           memcmp(&a->real, &b->real, sizeof a->real) == 0 && a->has_effectif == b->has_effectif &&
           a->effectif == b->effectif && a->has_ci == b->has_ci && strcmp(a->text, b->text) == 0;
}

/* NAT lines change no territorial figure (sums, rates, series, unit costs at every
 * level); they count in engage/paye_etat_national and in the envelope; their non-ETAT
 * lines count nowhere. */
static void test_nat_changes_no_territorial_figure(void **state)
{
    (void)state;
    static const char terr[] = "departement,vague,allocation_etat\n11,AMI1,20000\n31,AMI2,30000\n";
    fx *f = fx_new(terr, "2021-04");
    etat(f, "31", "2021-01", "1 000,00", "600,00");
    etat(f, "31", "2021-03", "0", "400,00");
    etat(f, "11", "2021-02", "500,00", "250,00");
    persons(f, "31", 4, 1);
    persons(f, "11", 2, 2);
    fx_run(f); /* without NAT */
    check_nd(f, NAT, "FR", "engage_etat_national", -1);
    check_nd(f, NAT, "FR", "paye_etat_national", -1);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-04", 125000);
    spie_table without = f->table;
    memset(&f->table, 0, sizeof f->table);

    etat(f, "NAT", "2021-01", "10 000,00", "7 000,00");
    etat(f, "NAT", "2021-04", "-1 000,00", "-500,00");
    line(f, "NAT", "2021-02", SPIE_FIN_CAF, "3 000,00", "3 000,00");
    line(f, "NAT", "2021-02", SPIE_FIN_DEPARTEMENT, "0", "77,00");
    fx_run(f);
    assert_int_equal(f->table.n, without.n);
    size_t compared = 0;
    for (size_t i = 0; i < without.n; i++) {
        const spie_figure *a = &without.rows[i];
        const spie_figure *b = get(f, a->level, a->code, a->indicator);
        if (envelope_row(a))
            continue;
        if (!same_figure(a, b))
            fail_msg("%s/%s/%s changed with the NAT lines", spie_level_names[a->level], a->code, a->indicator);
        compared++;
    }
    assert_true(compared > 100);
    spie_table_release(&without);
    check_cents(f, NAT, "FR", "paye_etat", 125000);
    check_cents(f, NAT, "FR", "cofinancement_caf", 0);
    check_cents(f, NAT, "FR", "cofinancement_departement", 0);
    check_cost(f, NAT, "FR", "cout_par_entrant", 20833, 6); /* 125 000 / 6 = 20 833,33 cents */
    check_cents(f, NAT, "FR", "engage_etat_national", 900000);
    check_cents(f, NAT, "FR", "paye_etat_national", 650000);
    /* envelope: territories 1250,00 + NAT 6500,00 paid; 1500,00 + 9000,00 engaged */
    check_cents(f, NAT, "FR", "paye_enveloppe_mois_2021-01", 60000 + 700000);
    check_cents(f, NAT, "FR", "paye_enveloppe_mois_2021-04", -50000);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-04", 125000 + 650000);
    check_share(f, NAT, "FR", "part_enveloppe_payee", 775000.0 / 8000000000.0);
    check_share(f, NAT, "FR", "part_enveloppe_engagee", 1050000.0 / 8000000000.0);
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000) - 775000);
    fx_free(f);
}

/* ---- usability of the budget extract ------------------------------------------------------- */

/* A territory whose budget extract is unusable: its amounts, rates, co-financing and
 * series are nd, its allocation stays; it is out of the budget aggregates (their
 * allocation too) and of the envelope, while part_enveloppe_allouee counts every
 * territory of the table. A group with no budget-included territory has every budget row
 * nd, allocation_etat included. */
static void test_unusable_budget(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n11,AMI1,200000\n13,EXP2020,50000\n31,AMI2,300000\n",
                   "2021-03");
    etat(f, "31", "2021-01", "1 000,00", "500,00");
    etat(f, "11", "2021-02", "9 000,00", "9 000,00"); /* lines of an unusable file: ignored */
    etat(f, "13", "2021-02", "7 000,00", "7 000,00");
    f->budget_ok[ti(f, "11")] = false;
    f->budget_ok[ti(f, "13")] = false;
    persons(f, "11", 10, 3);
    persons(f, "31", 5, 1);
    persons(f, "13", 8, 2);
    fx_run(f);

    check_cents(f, DEP, "11", "allocation_etat", 20000000);
    static const char *const nd_rows[] = {"engage_etat", "paye_etat", "taux_engagement", "taux_consommation",
                                          "cofinancement_departement", "cofinancement_caf",
                                          "paye_etat_mois_2021-02", "paye_etat_cumul_2021-03",
                                          "cout_par_entrant", "cout_par_reprise"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(nd_rows); i++)
        check_nd(f, DEP, "11", nd_rows[i], -1);
    /* region 76 = 31 alone */
    check_cents(f, REG, "76", "allocation_etat", 30000000);
    check_cents(f, REG, "76", "paye_etat", 50000);
    check_share(f, REG, "76", "taux_consommation", 50000.0 / 30000000.0);
    check_cents(f, REG, "76", "paye_etat_mois_2021-02", 0);
    check_cost(f, REG, "76", "cout_par_entrant", 10000, 5);
    check_cents(f, NAT, "FR", "allocation_etat", 30000000);
    check_cents(f, NAT, "FR", "paye_etat", 50000);
    /* envelope: only 31's lines; the allocated share counts 11 and 13 */
    check_cents(f, NAT, "FR", "paye_enveloppe_mois_2021-02", 0);
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000) - 50000);
    check_share(f, NAT, "FR", "part_enveloppe_allouee", 55000000.0 / 8000000000.0);
    /* region 93 (13 alone), wave EXP2020 (13 alone), wave AMI1 (11 alone): every budget
     * row nd, allocation included; unit costs with an empty effectif */
    const struct {
        spie_level lv;
        const char *code;
    } empty[] = {{REG, "93"}, {WAV, "EXP2020"}, {WAV, "AMI1"}};
    for (size_t g = 0; g < SPIE_ARRAY_LEN(empty); g++) {
        for (size_t i = 0; i < SPIE_ARRAY_LEN(group_names); i++)
            check_nd(f, empty[g].lv, empty[g].code, group_names[i], -1);
        check_nd(f, empty[g].lv, empty[g].code, "paye_etat_mois_2021-01", -1);
        check_nd(f, empty[g].lv, empty[g].code, "paye_etat_cumul_2021-03", -1);
    }
    assert_null(find(f, REG, "11", "allocation_etat")); /* no programme territory in Île-de-France */
    fx_free(f);
}

/* A wave with no territory at all, and a nation with no budget-included territory. */
static void test_no_budget_territory_anywhere(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,300000\n", "2021-03");
    f->budget_ok[0] = false;
    persons(f, "31", 5, 1);
    fx_run(f);
    for (size_t i = 0; i < SPIE_ARRAY_LEN(group_names); i++) {
        check_nd(f, NAT, "FR", group_names[i], -1);
        check_nd(f, WAV, "AMI1", group_names[i], -1);
        check_nd(f, REG, "76", group_names[i], -1);
    }
    check_cents(f, DEP, "31", "allocation_etat", 30000000);
    /* the envelope is still computed (nothing paid), with every territory's allocation */
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000));
    check_share(f, NAT, "FR", "part_enveloppe_allouee", 30000000.0 / 8000000000.0);
    fx_free(f);
}

/* ---- unit costs ----------------------------------------------------------------------------- */

/* cout_par_entrant = paye_etat / entrants, cout_par_reprise = paye_etat / returns, rounded
 * half away from zero; aggregates over the territories included for both activity and
 * budget; effectif = the divisor (0 when it is 0, with nd); empty when no territory is
 * included for both. */
static void test_unit_costs(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n11,AMI1,1000\n13,EXP2020,1000\n31,AMI2,1000\n"
                   "75,AMI2,1000\n",
                   "2021-03");
    etat(f, "31", "2021-01", "0", "1 000,00"); /* 100000 cents */
    etat(f, "11", "2021-02", "0", "100,01");   /* 10001 cents */
    etat(f, "75", "2021-02", "0", "500,00");   /* persons unusable */
    etat(f, "13", "2021-02", "0", "800,00");   /* budget unusable */
    persons(f, "31", 3, 2);
    persons(f, "11", 2, 0);
    persons(f, "13", 4, 1);
    f->persons_ok[ti(f, "75")] = false;
    f->budget_ok[ti(f, "13")] = false;
    fx_run(f);
    /* 100000 / 3 = 33333.33 -> 33333; 100000 / 2 = 50000 */
    check_cost(f, DEP, "31", "cout_par_entrant", 33333, 3);
    check_cost(f, DEP, "31", "cout_par_reprise", 50000, 2);
    /* 10001 / 2 = 5000.5 -> 5001 (half away from zero); no return: nd, effectif 0 */
    check_cost(f, DEP, "11", "cout_par_entrant", 5001, 2);
    check_nd(f, DEP, "11", "cout_par_reprise", 0);
    check_nd(f, DEP, "75", "cout_par_entrant", -1);
    check_nd(f, DEP, "13", "cout_par_entrant", -1);
    /* region 76 = 11 + 31: 110001 / 5 = 22000.2 -> 22000; 110001 / 2 = 55000.5 -> 55001 */
    check_cost(f, REG, "76", "cout_par_entrant", 22000, 5);
    check_cost(f, REG, "76", "cout_par_reprise", 55001, 2);
    /* nation: 75 (no persons) and 13 (no budget) are out of the unit costs, but 75 is in
     * paye_etat */
    check_cents(f, NAT, "FR", "paye_etat", 160001);
    check_cost(f, NAT, "FR", "cout_par_entrant", 22000, 5);
    check_cost(f, NAT, "FR", "cout_par_reprise", 55001, 2);
    /* AMI2 = 31 (both) + 75 (budget only) */
    check_cents(f, WAV, "AMI2", "paye_etat", 150000);
    check_cost(f, WAV, "AMI2", "cout_par_entrant", 33333, 3);
    /* Île-de-France = 75 alone: budget included, nobody included for both */
    check_cents(f, REG, "11", "paye_etat", 50000);
    check_nd(f, REG, "11", "cout_par_entrant", -1);
    check_nd(f, REG, "11", "cout_par_reprise", -1);
    fx_free(f);
}

/* A negative paid amount (recoveries) gives a negative unit cost, rounded away from zero. */
static void test_unit_cost_negative(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-03");
    etat(f, "31", "2021-01", "0", "-0,05");
    persons(f, "31", 2, 2);
    fx_run(f);
    check_cost(f, DEP, "31", "cout_par_entrant", -3, 2); /* -2.5 -> -3 */
    fx_free(f);
}

/* ---- projection ------------------------------------------------------------------------------ */

/* The monthly State paid of the envelope used below (territory 31 and NAT), in cents,
 * 2021-01 .. 2021-08, and the lines that produce them. */
static const spie_cents proj_monthly[8] = {1000000, 1350050, 980025, 1500000, 1400075, 1600000, 1550010, 1800000};

static void proj_lines(fx *f)
{
    etat(f, "31", "2020-12", "0", "5 000,00"); /* before the window: not in the fit */
    etat(f, "31", "2021-01", "0", "10 000,00");
    etat(f, "31", "2021-02", "0", "12 500,50");
    etat(f, "NAT", "2021-02", "0", "1 000,00");
    etat(f, "31", "2021-03", "0", "9 800,25");
    etat(f, "31", "2021-04", "0", "15 000,00");
    etat(f, "31", "2021-05", "0", "14 200,75");
    etat(f, "NAT", "2021-05", "0", "-200,00");
    etat(f, "31", "2021-06", "0", "16 250,00");
    etat(f, "31", "2021-06", "0", "-250,00");
    etat(f, "31", "2021-07", "0", "15 500,10");
    etat(f, "31", "2021-08", "0", "18 000,00");
}

/* Cumulative euros of proj_monthly at indices from .. to-1, as x and y of the fit. */
static size_t proj_points(size_t from, size_t to, long double *x, long double *y)
{
    spie_cents cum = 0;
    size_t n = 0;
    for (size_t i = 0; i < to; i++) {
        cum += proj_monthly[i];
        if (i >= from) {
            x[n] = (long double)i;
            y[n] = (long double)cum / 100.0L;
            n++;
        }
    }
    return n;
}

/* Our Student quantiles against R's qt(0.975, df) (the same to 18 digits with mpmath). */
static void test_t_quantile_reference(void **state)
{
    (void)state;
    assert_true(fabsl(t_quantile(0.975L, 6) - 2.446911851144969971L) < 1e-15L); /* qt(0.975, 6) */
    assert_true(fabsl(t_quantile(0.975L, 3) - 3.182446305283709593L) < 1e-15L); /* qt(0.975, 3) */
    assert_true(fabsl(t_quantile(0.975L, 4) - 2.776445105197794358L) < 1e-15L); /* qt(0.975, 4) */
    assert_true(fabsl(t_quantile(0.975L, 1) - 12.70620473617470465L) < 1e-13L); /* qt(0.975, 1) */
}

/* Window 2021-01 .. 2021-12 (x_e = 11), P = 2021-08, K = 12 with only 8 months available:
 * the fit has 8 points, x = 0..7, y = cumulative euros
 * 10000, 23500.5, 33300.75, 48300.75, 62301.5, 78301.5, 93801.6, 111801.6.
 * Exact values (rational arithmetic): c0 = 7116.8708333..., c1 = 14441.901190476...,
 * RSS = 44581287.77994..., yhat = 165977.78392857142857 (-> 165977.78),
 * se_fit = 3298.4780030752346, t = qt(0.975, 6) = 2.4469118511449699711,
 * interval [155507.35354478864930, 176448.21431235420784], yhat / V = 1.1065185595238095
 * with V = 150 000,00; the line reaches V at x = (V - c0) / c1 = 9.8937: month index 10,
 * 2021-11. */
static void test_projection_closed_form(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    proj_lines(f);
    fx_run(f);
    long double x[12], y[12];
    size_t n = proj_points(0, 8, x, y);
    ols o = ols_ref(x, y, n, 11.0L);
    assert_true(fabsl(o.yhat - 165977.78392857142857L) < 1e-6L);
    assert_true(fabsl(o.lower - 155507.35354478864930L) < 1e-6L);
    assert_true(fabsl(o.upper - 176448.21431235420784L) < 1e-6L);
    check_projection(f, &o, 8, 150000.0);
    check_exhaustion(f, "2021-11", 8);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-08", 11180160);
    check_cents(f, DEP, "31", "paye_etat", 11180160 - 80000 + 500000); /* NAT out, 2020 in */
    fx_free(f);
}

/* The same with K = 5: the last 5 months (x = 3..7). Exact: c0 = -349.51, c1 = 15850.18,
 * yhat = 174002.47, t = qt(0.975, 3) = 3.1824463052837096, interval
 * [165488.34636105073, 182516.59363894927]; V is reached at x = 9.4857: 2021-11. */
static void test_projection_last_k(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    f->params.projection_months = 5;
    proj_lines(f);
    fx_run(f);
    long double x[12], y[12];
    size_t n = proj_points(3, 8, x, y);
    ols o = ols_ref(x, y, n, 11.0L);
    assert_true(fabsl(o.yhat - 174002.47L) < 1e-6L);
    assert_true(fabsl(o.lower - 165488.34636105073L) < 1e-6L);
    check_projection(f, &o, 5, 150000.0);
    check_exhaustion(f, "2021-11", 5);
    fx_free(f);
}

/* Fewer than 3 points: nd (effectif: the points there are); exactly 3: a fit. */
static void test_projection_too_few_points(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-02");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    proj_lines(f);
    /* the lines after P would be rejected by the reading stage; keep only those <= P */
    spie_budget *bud = &f->budgets[0];
    size_t k = 0;
    for (size_t i = 0; i < bud->count; i++)
        if (bud->lines[i].month <= month("2021-02"))
            bud->lines[k++] = bud->lines[i];
    bud->count = k;
    f->b.nat_budget.count = 1; /* NAT 2021-02 */
    fx_run(f);
    check_nd(f, NAT, "FR", "projection_paye_fin", 2);
    check_nd(f, NAT, "FR", "projection_part_enveloppe", 2);
    check_nd(f, NAT, "FR", "projection_epuisement_dans_mois", 2);
    check_cents(f, NAT, "FR", "paye_enveloppe_cumul_2021-02", 2350050);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-03");
    f->params.window_end = month("2021-12");
    f->params.envelope = 15000000;
    etat(f, "31", "2021-01", "0", "10 000,00");
    etat(f, "31", "2021-02", "0", "13 500,50");
    etat(f, "31", "2021-03", "0", "9 800,25");
    fx_run(f);
    long double x[3], y[3];
    size_t n = proj_points(0, 3, x, y);
    ols o = ols_ref(x, y, n, 11.0L); /* t = qt(0.975, 1) */
    check_projection(f, &o, 3, 150000.0);
    fx_free(f);
}

/* P before the window's start: projection nd (no point), no envelope series, nothing
 * paid in the window; the territory's figures are there. */
static void test_projection_p_before_window(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2020-12");
    etat(f, "31", "2020-03", "2 000,00", "1 000,00");
    etat(f, "31", "2020-12", "0", "500,00");
    etat(f, "NAT", "2020-12", "0", "70,00");
    fx_run(f);
    check_nd(f, NAT, "FR", "projection_paye_fin", 0);
    check_nd(f, NAT, "FR", "projection_part_enveloppe", 0);
    check_nd(f, NAT, "FR", "projection_epuisement_dans_mois", 0);
    assert_int_equal(count_prefix(f, NAT, "FR", "paye_enveloppe_"), 0);
    assert_int_equal(count_prefix(f, DEP, "31", "paye_etat_mois_"), 0);
    check_cents(f, DEP, "31", "paye_etat", 150000);
    check_cents(f, NAT, "FR", "paye_etat_national", 7000);
    check_share(f, NAT, "FR", "part_enveloppe_payee", 0.0);
    check_cents(f, NAT, "FR", "reste_enveloppe", INT64_C(8000000000));
    fx_free(f);
}

/* P after the window's end: the fit is over the last K months up to the window's end and
 * the exhaustion month is nd, though the trend line reaches V inside the window.
 * Window 2021-01 .. 2021-06, P = 2021-09, K = 12: 6 points (x = 0..5, x_e = 5), monthly
 * paid 100, 120, 90, 130, 110, 140 (cumulative 100 .. 690), V = 300: the line reaches V
 * near x = 2.3, the exhaustion month would be 2021-06 (x_P = 5) if P were in the window. */
static void test_projection_p_after_window(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-09");
    f->params.window_end = month("2021-06");
    f->params.envelope = 30000;
    static const char *const paid[] = {"100", "120", "90", "130", "110", "140", "999", "999", "999"};
    static const char *const months[] = {"2021-01", "2021-02", "2021-03", "2021-04", "2021-05",
                                         "2021-06", "2021-07", "2021-08", "2021-09"};
    for (size_t i = 0; i < 9; i++)
        etat(f, "31", months[i], "0", paid[i]);
    fx_run(f);
    long double x[6], y[6], cum = 0;
    static const long double m[6] = {100, 120, 90, 130, 110, 140};
    for (int i = 0; i < 6; i++) {
        cum += m[i];
        x[i] = i;
        y[i] = cum;
    }
    ols o = ols_ref(x, y, 6, 5.0L);
    check_projection(f, &o, 6, 300.0);
    check_exhaustion(f, NULL, 6);
    check_cents(f, NAT, "FR", "reste_enveloppe", 30000 - 69000);
    check_cents(f, DEP, "31", "paye_etat", 69000 + 299700);
    fx_free(f);
}

/* A flat trend (c1 = 0) and a falling one (c1 < 0): not reached, even when the fitted
 * line is already above V (the rule is c1 <= 0 first). The projection itself is
 * published. */
static void test_projection_flat_and_falling(void **state)
{
    (void)state;
    /* flat: everything paid in January, nothing after; K = 5 over 2021-04 .. 2021-08 */
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 10000; /* 100,00, below the 500,00 already paid */
    f->params.projection_months = 5;
    etat(f, "31", "2021-01", "0", "500,00");
    fx_run(f);
    const spie_figure *r = get(f, NAT, "FR", "projection_paye_fin");
    assert_int_equal(r->status, SPIE_STATUS_OK);
    assert_int_equal(r->ival, 50000);
    assert_true(r->lo == 500.0 && r->hi == 500.0); /* no residual: a zero-width interval */
    check_exhaustion(f, NULL, 5);
    fx_free(f);

    /* falling: recoveries of 10,00 every month after a first payment of 1 000,00 */
    f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2021-06");
    f->params.window_end = month("2021-12");
    f->params.envelope = 10000;
    etat(f, "31", "2021-01", "0", "1 000,00");
    etat(f, "31", "2021-02", "0", "-10,00");
    etat(f, "31", "2021-03", "0", "-30,00");
    etat(f, "31", "2021-04", "0", "-10,00");
    etat(f, "31", "2021-05", "0", "-20,00");
    etat(f, "31", "2021-06", "0", "-10,00");
    fx_run(f);
    long double x[6], y[6];
    static const long double c[6] = {1000, 990, 960, 950, 930, 920};
    for (int i = 0; i < 6; i++) {
        x[i] = i;
        y[i] = c[i];
    }
    ols o = ols_ref(x, y, 6, 11.0L);
    assert_true(o.c1 < 0);
    check_projection(f, &o, 6, 100.0);
    check_exhaustion(f, NULL, 6);
    fx_free(f);
}

/* The exhaustion month is the first x >= x_P where the line reaches V: P itself when the
 * line is already above V there; nd when the crossing is after the window's end. */
static void test_exhaustion_bounds(void **state)
{
    (void)state;
    /* Same data as test_projection_closed_form: c0 + c1 * 7 = 108210.18 at P. */
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 5000000; /* 50 000,00: the line crossed it near x = 2.97 */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, "2021-08", 8);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 16597700; /* 165 977,00 < yhat = 165 977,78: reached at x_e */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, "2021-12", 8);
    fx_free(f);

    f = fx_new("departement,vague,allocation_etat\n31,AMI2,150000\n", "2021-08");
    f->params.window_end = month("2021-12");
    f->params.envelope = 16597800; /* 165 978,00 > yhat: crossed only after the window */
    proj_lines(f);
    fx_run(f);
    check_exhaustion(f, NULL, 8);
    fx_free(f);
}

/* K above 64 (a longer window): the fit over the last K months. Window 2021-01 ..
 * 2027-12 (x_e = 83), P = 2026-12 (72 months), K = 70: x = 2..71, 1 000,00 paid every
 * month and 50,00 more in odd months. */
static void test_projection_k_over_64(void **state)
{
    (void)state;
    fx *f = fx_new("departement,vague,allocation_etat\n31,AMI2,1000\n", "2026-12");
    f->params.window_end = month("2027-12");
    f->params.projection_months = 70;
    f->params.envelope = INT64_C(8000000000);
    long double x[72], y[72], cum = 0;
    for (int i = 0; i < 72; i++) {
        char mo[8];
        spie_month_format(month("2021-01") + i, mo);
        etat(f, "31", mo, "0", i % 2 ? "1 050,00" : "1 000,00");
        cum += i % 2 ? 1050.0L : 1000.0L;
        x[i] = i;
        y[i] = cum;
    }
    fx_run(f);
    ols o = ols_ref(x + 2, y + 2, 70, 83.0L);
    check_projection(f, &o, 70, 80000000.0);
    fx_free(f);
}

/* ---- the catalogue ------------------------------------------------------------------------ */

/* Every group holds exactly the budget identities the catalogue says it publishes (the
 * workbooks look them up), each named as the catalogue names it: with P inside the
 * envelope's window, after its end (the territories' series go on, the envelope's stops)
 * and before its start (no series). */
static void check_groups_are_catalogue(const fx *f)
{
    spie_month period = f->b.fold.period;
    for (size_t i = 0; i < f->table.n;) {
        const spie_figure *a = &f->table.rows[i];
        size_t j = i;
        while (j < f->table.n && f->table.rows[j].level == a->level && strcmp(f->table.rows[j].code, a->code) == 0)
            j++;
        size_t expected = 0;
        for (unsigned ind = SPIE_IND_NONE + 1; ind < SPIE_IND_COUNT; ind++) {
            const spie_ind_def *d = spie_ind_def_of(ind);
            if (d->family == SPIE_FAM_BUDGET && spie_ind_published_at(ind, (spie_level)a->level))
                expected += spie_ind_args(ind, &f->params, period, NULL, 0);
        }
        if (j - i != expected)
            fail_msg("%s %s: %zu budget rows, the catalogue has %zu", spie_level_names[a->level], a->code, j - i,
                     expected);
        for (size_t k = i; k < j; k++) {
            const spie_figure *r = &f->table.rows[k];
            char name[SPIE_IND_NAME_MAX];
            const spie_ind_def *d = spie_ind_def_of(r->id.ind);
            if (!d || d->family != SPIE_FAM_BUDGET || !spie_ind_published_at(r->id.ind, (spie_level)r->level) ||
                !spie_ind_name(r->id, &f->params, name, sizeof name) || strcmp(name, r->indicator) != 0)
                fail_msg("row %s: identity %u (%ld) is not its name's", r->indicator, r->id.ind, (long)r->id.arg);
            /* a month series within its range */
            int32_t args[128];
            size_t na = spie_ind_args(r->id.ind, &f->params, period, args, 128), m = 0;
            while (m < na && args[m] != r->id.arg)
                m++;
            if (m == na)
                fail_msg("row %s: parameter outside the catalogue's values", r->indicator);
        }
        i = j;
    }
}

static void test_rows_are_the_catalogue(void **state)
{
    (void)state;
    static const char terr[] = "departement,vague,allocation_etat\n11,AMI1,20000\n31,AMI2,30000\n29,EXP2020,1\n";
    static const char *const periods[] = {"2022-06", "2024-03", "2020-11"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(periods); i++) {
        fx *f = fx_new(terr, periods[i]);
        etat(f, "31", "2021-01", "1 000,00", "600,00");
        f->budget_ok[ti(f, "29")] = false;
        fx_run(f);
        spie_table_sort(&f->table);
        check_groups_are_catalogue(f);
        fx_free(f);
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sums_every_amount_form),
        cmocka_unit_test(test_sums_exact_beyond_double),
        cmocka_unit_test(test_sum_overflow),
        cmocka_unit_test(test_rates_and_cofinancing),
        cmocka_unit_test(test_late_budget_months),
        cmocka_unit_test(test_line_of_2020),
        cmocka_unit_test(test_series_and_window_end),
        cmocka_unit_test(test_nat_changes_no_territorial_figure),
        cmocka_unit_test(test_unusable_budget),
        cmocka_unit_test(test_no_budget_territory_anywhere),
        cmocka_unit_test(test_unit_costs),
        cmocka_unit_test(test_unit_cost_negative),
        cmocka_unit_test(test_t_quantile_reference),
        cmocka_unit_test(test_projection_closed_form),
        cmocka_unit_test(test_projection_last_k),
        cmocka_unit_test(test_projection_too_few_points),
        cmocka_unit_test(test_projection_p_before_window),
        cmocka_unit_test(test_projection_p_after_window),
        cmocka_unit_test(test_projection_flat_and_falling),
        cmocka_unit_test(test_exhaustion_bounds),
        cmocka_unit_test(test_projection_k_over_64),
        cmocka_unit_test(test_rows_are_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
