/* Unit tests of what each territory brings to the groups in engine/figures/budget_ind.c
 * (spie_budget_rows): the budget indicators of docs/methodologie.md §6, §8, §9 and
 * docs/sorties.md §4: NAT lines change no territorial figure, a territory whose budget
 * extract is unusable and groups with no budget-included territory, the unit costs
 * (territories included for both activity and budget, rounding half away from zero), and
 * every group's rows are the catalogue's budget identities.
 *
 * Every test builds a spie_batch by hand (include/spie/batch.h): a small territories
 * table parsed with spie_territories_parse, budget lines whose amounts are parsed with
 * spie_parse_amount from the forms of docs/format-extraits.md §2, one spie_cube per territory holding
 * only the ensemble counts that the unit costs read (entrants, with_return), and the
 * usability flags. It calls spie_budget_rows and looks the rows up in the table. Every
 * expected figure is worked out by hand in the comments.
 * The fixture (the batch, its budget lines, spie_budget_rows, the lookup and the checks of
 * a row) is budget_fixture.c.
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

#include "budget_fixture.h"
#include "spie/batch.h"
#include "spie/budget_ind.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/params.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "spie/territories.h"
#include "testutil.h"

/* ---- entrants and returns, unit costs, the rows of a group ------------------------------ */

/* The ensemble counts the unit costs read, for dept: entrants and persons with a return. */
static void persons(fx *f, const char *dept, uint64_t entrants, uint64_t with_return)
{
    size_t i = ti(f, dept);
    f->acc[i].entrants = entrants;
    f->acc[i].with_return = with_return;
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

/* The budget rows every group has (docs/sorties.md §4), series aside. */
static const char *const group_names[] = {
    "allocation_etat",  "engage_etat",       "paye_etat",
    "taux_engagement",  "taux_consommation", "cofinancement_departement",
    "cofinancement_france_travail", "cofinancement_caf", "cofinancement_autre",
    "cout_par_entrant", "cout_par_reprise"};

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
        cmocka_unit_test(test_nat_changes_no_territorial_figure),
        cmocka_unit_test(test_unusable_budget),
        cmocka_unit_test(test_no_budget_territory_anywhere),
        cmocka_unit_test(test_unit_costs),
        cmocka_unit_test(test_unit_cost_negative),
        cmocka_unit_test(test_rows_are_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
