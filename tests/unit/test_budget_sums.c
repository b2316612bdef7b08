/* Unit tests of the sums, rates and series of engine/figures/budget_ind.c
 * (spie_budget_rows): the budget indicators of docs/methodologie.md §6, §8, §9 and
 * docs/sorties.md §4: exact cent sums over every amount form of docs/format-extraits.md §2
 * (beyond 2^53 cents, an overflow of int64), engagement and consumption rates and
 * co-financing, a late budget extract (docs/methodologie.md §10), the lines of 2020, the
 * monthly series and the envelope's window.
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
