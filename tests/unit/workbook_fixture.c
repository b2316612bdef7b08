/* The workbook tests' fixture (workbook_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reports/workbook/workbook_int.h"
#include "spie/date.h"
#include "testutil.h"
#include "workbook_fixture.h"

static spie_figure *fig(spie_table *t, spie_level lv, const char *code, const char *lib, spie_breakdown bd,
                        const char *mod, const char *ind)
{
    spie_figure *f = spie_table_push(t);
    assert_non_null(f);
    f->level = (uint8_t)lv;
    f->breakdown = (uint8_t)bd;
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->modality, sizeof f->modality, "%s", mod);
    snprintf(f->indicator, sizeof f->indicator, "%s", ind);
    f->libelle = lib;
    return f;
}

static void count(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, int64_t v)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_COUNT;
    f->ival = v;
    f->has_effectif = true;
    f->effectif = v;
}

static void status(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, spie_status st)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->status = (uint8_t)st;
}

static void rate(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, double v, double lo,
                 double hi, int64_t n)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_REAL;
    f->real = v;
    f->has_ci = true;
    f->lo = lo;
    f->hi = hi;
    f->has_effectif = true;
    f->effectif = n;
}

static void cents(spie_table *t, spie_level lv, const char *code, const char *lib, const char *ind, spie_cents v)
{
    spie_figure *f = fig(t, lv, code, lib, SPIE_BD_ENSEMBLE, "", ind);
    f->kind = SPIE_VK_CENTS;
    f->ival = v;
}

static void entry(fixture *fx, size_t i, const spie_territory *tr, const char *dept, spie_kind k, const char *file)
{
    spie_plan_entry *e = &fx->entries[i];
    e->terr = tr;
    snprintf(e->dept, sizeof e->dept, "%s", dept);
    e->kind = k;
    e->file = (char *)(uintptr_t)file;
    e->month = file ? fx->plan.period : SPIE_NO_MONTH;
    spie_entry_result *r = &fx->results[i];
    r->status = file ? SPIE_ENTRY_OK : SPIE_ENTRY_MISSING;
    if (file) {
        r->rep.usable = true;
        r->rep.rows_read = 12;
        r->rep.rows_accepted = 10;
        r->rep.rows_rejected = 2;
        r->rep.by_reason[SPIE_R_DOUBLON] = 2;
    }
}

int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    spie_params_default(&fx->params);
    assert_true(spie_month_from_ym(2022, 6, &fx->plan.period));

    static const struct {
        const char *code;
        spie_wave wave;
        spie_cents alloc;
    } terrs[3] = {{"11", SPIE_WAVE_AMI1, 50000000}, {"29", SPIE_WAVE_EXP2020, 60000000},
                  {"31", SPIE_WAVE_AMI2, 37000000}};
    for (int i = 0; i < 3; i++) {
        fx->items[i].dept = spie_dept_find(terrs[i].code, strlen(terrs[i].code));
        assert_non_null(fx->items[i].dept);
        fx->items[i].wave = terrs[i].wave;
        fx->items[i].allocation = terrs[i].alloc;
    }
    fx->terr.items = fx->items;
    fx->terr.count = 3;

    /* The table. */
    spie_table *t = &fx->table;
    const spie_level N = SPIE_LEVEL_NATIONAL, R = SPIE_LEVEL_REGION, D = SPIE_LEVEL_DEPARTEMENT;
    count(t, N, "FR", "France", "entrants", 1234567);
    count(t, N, "FR", "France", "en_parcours", 1000000);
    count(t, N, "FR", "France", "territoires_attendus", 3);
    rate(t, N, "FR", "France", "taux_reprise_6m", 0.123456, 0.1, 0.15, 2000);
    cents(t, N, "FR", "France", "paye_etat", 123456789);
    cents(t, N, "FR", "France", "enveloppe", 8000000000);
    {
        /* 10 months after P = 2022-06: the workbooks write "avril 2023" */
        spie_figure *f = fig(t, N, "FR", "France", SPIE_BD_ENSEMBLE, "", "projection_epuisement_dans_mois");
        f->kind = SPIE_VK_COUNT;
        f->ival = 10;
        f->has_effectif = true;
        f->effectif = 12;
    }
    /* A non-finite value that slipped into the table: never written. */
    rate(t, N, "FR", "France", "taux_reprise_3m", NAN, 0, INFINITY, 10);
    {
        spie_figure *f = fig(t, N, "FR", "France", SPIE_BD_ENSEMBLE, "", "reprise_incidence_j30"); /* a chart's data */
        f->kind = SPIE_VK_REAL;
        f->real = -INFINITY;
    }
    count(t, R, "76", "Occitanie", "entrants", 14);
    status(t, R, "76", "Occitanie", "entrants_mois", SPIE_STATUS_SECRET);
    rate(t, R, "76", "Occitanie", "taux_reprise_6m", 4.0 / 7.0, 0.25, 0.84, 7);
    count(t, R, "53", "Bretagne", "entrants", 20);
    count(t, D, "11", "Aude", "entrants", 4);
    /* two points of the funnel plot */
    rate(t, D, "11", "Aude", "taux_reprise_6m", 0.1, 0.05, 0.2, 50);
    rate(t, D, "31", "Haute-Garonne", "taux_reprise_6m", 0.3, 0.2, 0.4, 100);
    /* rates on the national mix: Aude's ratio wholly above 1, Haute-Garonne's below */
    rate(t, D, "11", "Aude", "ratio_reprise_6m", 1.3, 1.1, 1.5, 50);
    rate(t, D, "31", "Haute-Garonne", "ratio_reprise_6m", 0.7, 0.5, 0.9, 100);
    rate(t, D, "31", "Haute-Garonne", "ratio_reprise_durable_6m", 0.8, 0.5, 1.2, 100);
    count(t, D, "31", "Haute-Garonne", "entrants", 10);
    status(t, D, "29", "Finistère", "entrants", SPIE_STATUS_ND);
    {
        spie_figure *f = fig(t, R, "76", "Occitanie", SPIE_BD_PUBLIC, "RSA", "entrants");
        f->kind = SPIE_VK_COUNT;
        f->ival = 5;
        f = fig(t, R, "76", "Occitanie", SPIE_BD_COHORTE, "2021-T4", "entrants");
        f->kind = SPIE_VK_COUNT;
        f->ival = 6;
    }
    /* Every other figure the engine would publish, as nd (a figure a sheet looks up and
     * does not find fails the workbook). */
    assert_true(tu_table_complete(t, &fx->terr, &fx->params, fx->plan.period));

    /* The plan: a territory sends everything, one nothing, one is late; NAT is missing. */
    entry(fx, 0, &fx->items[0], "11", SPIE_KIND_BENEFICIAIRES, "spie_11_2022-06_beneficiaires.csv.gz");
    entry(fx, 1, &fx->items[0], "11", SPIE_KIND_BUDGET, "spie_11_2022-05_budget.csv.gz");
    fx->entries[1].month = fx->plan.period - 1; /* late: the budget extract of May */
    fx->entries[1].late_months = 1;
    entry(fx, 2, &fx->items[0], "11", SPIE_KIND_ETAPES, "spie_11_2022-06_etapes.csv.gz");
    entry(fx, 3, &fx->items[1], "29", SPIE_KIND_BENEFICIAIRES, NULL);
    entry(fx, 4, &fx->items[1], "29", SPIE_KIND_BUDGET, NULL);
    entry(fx, 5, &fx->items[1], "29", SPIE_KIND_ETAPES, NULL);
    entry(fx, 6, &fx->items[2], "31", SPIE_KIND_BENEFICIAIRES, "spie_31_2022-06_beneficiaires.csv");
    entry(fx, 7, &fx->items[2], "31", SPIE_KIND_BUDGET, "spie_31_2022-06_budget.csv");
    entry(fx, 8, &fx->items[2], "31", SPIE_KIND_ETAPES, "spie_31_2022-06_etapes.csv");
    entry(fx, 9, NULL, "NAT", SPIE_KIND_BUDGET, NULL);
    snprintf(fx->results[7].rep.motif, sizeof fx->results[7].rep.motif, "=1+1");
    fx->plan.entries = fx->entries;
    fx->plan.n_entries = 10;

    /* Other entries of the inbox whose names look like formulas, are not UTF-8, or are
     * longer than a cell can hold. */
    fx->long_name = malloc(40001);
    assert_non_null(fx->long_name);
    memset(fx->long_name, 'a', 40000);
    fx->long_name[40000] = 0;
    static const char *const names[6] = {"+1", "-2", "=HYPERLINK(\"http://example.org\",\"clic\")", "@x",
                                         "caf\xE9.csv", "spie_31_2022-05_budget.csv"};
    for (int i = 0; i < 6; i++) {
        fx->others[i].name = (char *)(uintptr_t)names[i];
        fx->others[i].status = i == 5 ? SPIE_OTHER_NOT_RETAINED : SPIE_OTHER_IGNORED;
        snprintf(fx->others[i].reason, sizeof fx->others[i].reason, "%s",
                 i == 5 ? "mois antérieur au fichier retenu" : "nom hors format");
    }
    fx->others[6].name = fx->long_name;
    fx->others[6].status = SPIE_OTHER_IGNORED;
    snprintf(fx->others[6].reason, sizeof fx->others[6].reason, "nom hors format");
    fx->plan.others = fx->others;
    fx->plan.n_others = 7;

    fx->in = (spie_workbook_input){.table = &fx->table, .plan = &fx->plan, .results = fx->results,
                                   .terr = &fx->terr, .params = &fx->params, .engine_version = "9.9.9"};
    *state = fx;
    return 0;
}

int teardown(void **state)
{
    fixture *fx = *state;
    spie_table_release(&fx->table);
    free(fx->long_name);
    free(fx);
    return 0;
}

unsigned char *read_all(const char *dir, const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *b = tu_read_file(path, n);
    assert_non_null(b);
    return (unsigned char *)b;
}
