/* The budget tests' fixture (budget_fixture.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "budget_fixture.h"
#include "spie/batch.h"
#include "spie/budget_ind.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/params.h"
#include "spie/table.h"
#include "spie/territories.h"
#include "testutil.h"

/* ---- fixture -------------------------------------------------------------------------- */

spie_month month(const char *s)
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
fx *fx_new(const char *terr_csv, const char *p)
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

void fx_free(fx *f)
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
size_t ti(const fx *f, const char *dept)
{
    const spie_territory *t = spie_territories_find(&f->terr, dept, strlen(dept));
    if (!t)
        fail_msg("territory %s is not in the table", dept);
    return (size_t)(t - f->terr.items);
}

/* One budget line of dept ("NAT": the national file, which becomes usable). */
void line(fx *f, const char *dept, const char *mois, spie_financer fin, const char *engaged, const char *paid)
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

void etat(fx *f, const char *dept, const char *mois, const char *engaged, const char *paid)
{
    line(f, dept, mois, SPIE_FIN_ETAT, engaged, paid);
}

void fx_run(fx *f)
{
    spie_table_release(&f->table);
    spie_error err = {0};
    if (spie_budget_rows(&f->table, &f->b, &f->terr, &f->params, f->budget_month, &err) != SPIE_OK)
        fail_msg("spie_budget_rows failed: %s", err.msg);
}

/* ---- lookups and assertions ------------------------------------------------------------ */

const spie_figure *find(const fx *f, spie_level lv, const char *code, const char *ind)
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

const spie_figure *get(const fx *f, spie_level lv, const char *code, const char *ind)
{
    const spie_figure *r = find(f, lv, code, ind);
    if (!r)
        fail_msg("row %s/%s/%s is missing", spie_level_names[lv], code, ind);
    if (r->breakdown != 0 || r->modality[0])
        fail_msg("row %s/%s/%s is not in the ensemble breakdown", spie_level_names[lv], code, ind);
    return r;
}

/* Money: status ok, exactly `want` cents, no interval, empty effectif. */
void check_cents(const fx *f, spie_level lv, const char *code, const char *ind, spie_cents want)
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
void check_share(const fx *f, spie_level lv, const char *code, const char *ind, double want)
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
void check_nd(const fx *f, spie_level lv, const char *code, const char *ind, int64_t eff)
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

size_t count_prefix(const fx *f, spie_level lv, const char *code, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < f->table.n; i++) {
        const spie_figure *r = &f->table.rows[i];
        if (r->level == lv && strcmp(r->code, code) == 0 && strncmp(r->indicator, prefix, strlen(prefix)) == 0)
            n++;
    }
    return n;
}
