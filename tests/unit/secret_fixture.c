/* The secret tests' fixture (secret_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "secret_fixture.h"
#include "spie/acc.h"
#include "spie/secret.h"
#include "spie/table.h"
#include "spie/indicators_csv.h"
#include "testutil.h"

spie_figure *push(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
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
void cnt(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *ind,
                int64_t v)
{
    spie_figure *f = push(t, lv, code, bd, mod, ind);
    f->kind = SPIE_VK_COUNT;
    f->ival = v;
    f->has_effectif = true;
    f->effectif = v;
}

/* A statistic over `effectif` persons (mean, quantile, KM median, incidence). */
void statistic(spie_table *t, spie_level lv, const char *code, const char *ind, double v, int64_t effectif)
{
    spie_figure *f = push(t, lv, code, ENS, "", ind);
    f->kind = SPIE_VK_REAL;
    f->real = v;
    f->has_effectif = true;
    f->effectif = effectif;
}

/* A share x / n with an interval (indicators.c rate()); n = 0 is nd. */
void rate(spie_table *t, const char *ind, int64_t x, int64_t n)
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

/* Money (budget_ind.c cents_row()): rule NONE, no effectif. */
void money(spie_table *t, const char *ind, int64_t cents)
{
    spie_figure *f = push(t, NAT, "FR", ENS, "", ind);
    f->kind = SPIE_VK_CENTS;
    f->ival = cents;
}

/* The four publics of a count (RSA, JEUNE, DE, TH) and their ensemble (the sum). */
void publics(spie_table *t, spie_level lv, const char *code, const char *ind, int64_t rsa, int64_t jeune,
                    int64_t de, int64_t th)
{
    cnt(t, lv, code, PUB, "RSA", ind, rsa);
    cnt(t, lv, code, PUB, "JEUNE", ind, jeune);
    cnt(t, lv, code, PUB, "DE", ind, de);
    cnt(t, lv, code, PUB, "TH", ind, th);
    cnt(t, lv, code, ENS, "", ind, rsa + jeune + de + th);
}

/* A delay pair's four counts in one cell (population = the sum). */
void delay(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *c,
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

spie_secret_counts apply(spie_table *t, int k)
{
    spie_secret_counts c = {99, 99, 99};
    spie_table_sort(t);
    assert_true(spie_secret_apply(t, k, NULL, &c));
    return c;
}

/* The row, failing when absent or present twice. */
spie_figure *get(const spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
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

spie_figure *nat(const spie_table *t, const char *ind) { return get(t, NAT, "FR", ENS, "", ind); }

/* A masked figure (docs/methodologie.md §7, docs/sorties.md §4): status s, no interval, no effectif. */
void assert_masked(const spie_figure *f)
{
    if (f->status != SPIE_STATUS_SECRET || f->has_ci || f->has_effectif)
        fail_msg("%s %s %s/%s %s: status %s, interval %d, effectif %d; expected s with neither",
                 spie_level_names[f->level], f->code, spie_breakdown_names[f->breakdown], f->modality, f->indicator,
                 spie_status_names[f->status], f->has_ci, f->has_effectif);
}

/* A shown figure: status ok, its effectif kept. */
void assert_shown(const spie_figure *f)
{
    if (f->status != SPIE_STATUS_OK || !f->has_effectif)
        fail_msg("%s %s %s/%s %s: status %s, effectif %d; expected ok with its effectif",
                 spie_level_names[f->level], f->code, spie_breakdown_names[f->breakdown], f->modality, f->indicator,
                 spie_status_names[f->status], f->has_effectif);
}

size_t n_masked(const spie_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->rows[i].status == SPIE_STATUS_SECRET;
    return n;
}
