/* Unit tests of the publication table of the person-based indicators: engine/fold/acc.c
 * (adding cubes: territories into groups) and engine/figures/indicators.c (the rows of
 * the table), against docs/methodologie.md §8 and docs/sorties.md §4: merging is exact
 * whatever the order of the additions, the CSV rendering of a few rows, and the rows are
 * the catalogue's person-based identities.
 *
 * Every test builds spie_person records by hand (the record the reading stage fills),
 * folds them for a period P and produces the rows of one group. The fixture (persons,
 * fold, rows, the checks of a row) is indicators_fixture.c.
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
#include "spie/indicators_csv.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"
#include "testutil.h"

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
        cmocka_unit_test(test_merge_is_exact),
        cmocka_unit_test(test_csv_rendering),
        cmocka_unit_test(test_rows_are_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
