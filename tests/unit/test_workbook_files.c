/* Tests of the workbooks' files (spie/workbook.h, docs/sorties.md §6, docs/classeurs.md) on
 * the small publication table of workbook_fixture.c:
 * - the file names (national and one per region with a territory, slugs of geo.c) and
 *   nothing else;
 * - two writes give byte-identical files (creation date = D, pitfalls: libxlsxwriter);
 *   shares of the workbooks for writers side by side, each byte-identical to a whole write;
 * - errors: missing arguments, an output folder that does not exist (the message names
 *   the file, no partial file is left), a figure the table lacks;
 * - configurations whose tables differ each give their workbooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"
#include "spie/workbook.h"
#include "testutil.h"
#include "workbook_fixture.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files of dir, sorted, joined by '|'. */
static void list_dir(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[32];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32)
        if (e->d_name[0] != '.') {
            names[n] = strdup(e->d_name);
            assert_non_null(names[n]);
            n++;
        }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strncat(out, names[i], size - strlen(out) - 1);
        if (i + 1 < n)
            strncat(out, "|", size - strlen(out) - 1);
        free(names[i]);
    }
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_files_and_determinism(void **state)
{
    fixture *fx = *state;
    char *d1 = tu_mkdtemp(), *d2 = tu_mkdtemp();
    assert_non_null(d1);
    assert_non_null(d2);
    char msg[512];
    assert_int_equal(spie_workbooks_write(d1, &fx->in, msg, sizeof msg), 0);
    assert_int_equal(spie_workbooks_write(d2, &fx->in, msg, sizeof msg), 0);
    char list[1024];
    list_dir(d1, list, sizeof list);
    assert_string_equal(list,
                        "SPIE_2022-06_R53_bretagne.xlsx|SPIE_2022-06_R76_occitanie.xlsx|SPIE_2022-06_national.xlsx");
    static const char *const files[3] = {"SPIE_2022-06_national.xlsx", "SPIE_2022-06_R53_bretagne.xlsx",
                                         "SPIE_2022-06_R76_occitanie.xlsx"};
    for (int i = 0; i < 3; i++) {
        size_t n1, n2;
        unsigned char *a = read_all(d1, files[i], &n1), *b = read_all(d2, files[i], &n2);
        assert_true(n1 > 1000);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
    assert_int_equal(tu_rmtree(d1), 0);
    assert_int_equal(tu_rmtree(d2), 0);
    free(d1);
    free(d2);
}

/* Shares for writers side by side (the command line forks one with --jobs 2): the
 * workbooks are counted (national = 0, then the régions in code order: 1 Bretagne, 2
 * Occitanie); the shares [0, 2) and [2, 3) write disjoint sets whose union is every
 * workbook, each byte-identical to a whole write; shares of one write one workbook each. */
static void test_shares(void **state)
{
    fixture *fx = *state;
    char *all = tu_mkdtemp(), *p0 = tu_mkdtemp(), *p1 = tu_mkdtemp();
    assert_true(all && p0 && p1);
    char msg[512], list[1024];
    assert_int_equal(spie_workbooks_write(all, &fx->in, msg, sizeof msg), 0);
    assert_int_equal(spie_workbooks_count(fx->in.terr), 3);
    spie_workbook_input in = fx->in;
    in.first = 0;
    in.end = 2;
    assert_int_equal(spie_workbooks_write(p0, &in, msg, sizeof msg), 0);
    in.first = 2;
    in.end = 3;
    assert_int_equal(spie_workbooks_write(p1, &in, msg, sizeof msg), 0);
    list_dir(p0, list, sizeof list);
    assert_string_equal(list, "SPIE_2022-06_R53_bretagne.xlsx|SPIE_2022-06_national.xlsx");
    list_dir(p1, list, sizeof list);
    assert_string_equal(list, "SPIE_2022-06_R76_occitanie.xlsx");
    static const char *const files[3] = {"SPIE_2022-06_national.xlsx", "SPIE_2022-06_R53_bretagne.xlsx",
                                         "SPIE_2022-06_R76_occitanie.xlsx"};
    for (int i = 0; i < 3; i++) {
        size_t n1, n2;
        unsigned char *a = read_all(all, files[i], &n1), *b = read_all(i == 2 ? p1 : p0, files[i], &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(a, b, n1);
        free(a);
        free(b);
    }
    for (size_t k = 0; k < 3; k++) {
        char *d = tu_mkdtemp();
        assert_non_null(d);
        in.first = k;
        in.end = k + 1;
        assert_int_equal(spie_workbooks_write(d, &in, msg, sizeof msg), 0);
        list_dir(d, list, sizeof list);
        assert_string_equal(list, k == 0 ? "SPIE_2022-06_national.xlsx" : k == 1 ? "SPIE_2022-06_R53_bretagne.xlsx"
                                                                              : "SPIE_2022-06_R76_occitanie.xlsx");
        assert_int_equal(tu_rmtree(d), 0);
        free(d);
    }
    assert_int_equal(tu_rmtree(all), 0);
    assert_int_equal(tu_rmtree(p0), 0);
    assert_int_equal(tu_rmtree(p1), 0);
    free(all);
    free(p0);
    free(p1);
}

static void test_errors(void **state)
{
    fixture *fx = *state;
    char msg[512];
    assert_int_equal(spie_workbooks_write(NULL, &fx->in, msg, sizeof msg), EINVAL);
    spie_workbook_input bad = fx->in;
    bad.table = NULL;
    assert_int_equal(spie_workbooks_write("/tmp", &bad, msg, sizeof msg), EINVAL);

    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char missing[512];
    snprintf(missing, sizeof missing, "%s/absent", dir);
    int e = spie_workbooks_write(missing, &fx->in, msg, sizeof msg);
    assert_true(e != 0);
    assert_non_null(strstr(msg, "SPIE_2022-06_national.xlsx"));
    char list[256];
    list_dir(dir, list, sizeof list);
    assert_string_equal(list, ""); /* nothing written, nothing left */
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* A figure a sheet looks up and the table lacks is an error that names it, not an empty
 * cell: the workbook is not written. */
static void test_missing_figure(void **state)
{
    fixture *fx = *state;
    spie_table *t = &fx->table;
    size_t k = 0;
    while (k < t->n && !(t->rows[k].level == SPIE_LEVEL_DEPARTEMENT && strcmp(t->rows[k].code, "31") == 0 &&
                         spie_id_eq(t->rows[k].id, spie_id(SPIE_IND_TAUX_REPRISE, 6))))
        k++;
    assert_true(k < t->n);
    memmove(&t->rows[k], &t->rows[k + 1], (t->n - k - 1) * sizeof *t->rows);
    t->n--;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char msg[512];
    assert_int_equal(spie_workbooks_write(dir, &fx->in, msg, sizeof msg), EINVAL);
    assert_non_null(strstr(msg, "SPIE_2022-06_national.xlsx"));
    assert_non_null(strstr(msg, "figure absente de la table : departement 31 ensemble taux_reprise_6m"));
    char list[256];
    list_dir(dir, list, sizeof list);
    assert_string_equal(list, ""); /* no workbook with an empty cell */
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* Configurations whose tables differ: P after the envelope's window (its series stops,
 * the territories' goes on), P before it, pairs replaced by one of the configuration's,
 * no pair at all, other horizons. Each complete table gives its workbooks. */
static void test_configurations(void **state)
{
    fixture *fx = *state;
    static const struct {
        int y, m;
        int pairs;    /* -1: the defaults */
        int horizon;  /* 0: the defaults */
    } cases[] = {{2024, 3, -1, 0}, {2020, 9, -1, 0}, {2022, 6, 1, 0}, {2022, 6, 0, 0}, {2022, 6, -1, 9}};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        spie_params p;
        spie_params_default(&p);
        if (cases[i].pairs >= 0) {
            p.n_pairs = (size_t)cases[i].pairs;
            if (p.n_pairs)
                snprintf(p.pairs[0].code, sizeof p.pairs[0].code, "D_AUTRE_PAIRE");
        }
        if (cases[i].horizon) {
            p.horizons[0] = cases[i].horizon;
            p.n_horizons = 1;
        }
        spie_table t = {0};
        spie_figure *f = spie_table_push(&t);
        assert_non_null(f);
        f->level = SPIE_LEVEL_NATIONAL;
        snprintf(f->code, sizeof f->code, "FR");
        snprintf(f->indicator, sizeof f->indicator, "entrants");
        f->libelle = "France";
        f->kind = SPIE_VK_COUNT;
        f->ival = 3;
        spie_plan plan = fx->plan;
        assert_true(spie_month_from_ym(cases[i].y, cases[i].m, &plan.period));
        assert_true(tu_table_complete(&t, &fx->terr, &p, plan.period));
        spie_workbook_input in = fx->in;
        in.table = &t;
        in.params = &p;
        in.plan = &plan;
        char *dir = tu_mkdtemp();
        assert_non_null(dir);
        char msg[512] = "";
        if (spie_workbooks_write(dir, &in, msg, sizeof msg) != 0)
            fail_msg("case %zu: %s", i, msg);
        assert_int_equal(tu_rmtree(dir), 0);
        free(dir);
        spie_table_release(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_and_determinism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_figure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configurations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
