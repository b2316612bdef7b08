#include "spie/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/csvw.h"
#include "spie/stats.h"

const char *const spie_level_names[SPIE_LEVEL_COUNT] = {"departement", "national", "region", "vague"};
const char *const spie_status_names[3] = {"ok", "s", "nd"};

spie_figure *spie_table_push(spie_table *t)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 4096;
        spie_figure *r = realloc(t->rows, nc * sizeof *r);
        if (!r)
            return NULL;
        t->rows = r;
        t->cap = nc;
    }
    spie_figure *f = &t->rows[t->n++];
    memset(f, 0, sizeof *f);
    return f;
}

int spie_figure_cmp(const void *a, const void *b)
{
    const spie_figure *x = a, *y = b;
    int c = strcmp(spie_level_names[x->level], spie_level_names[y->level]);
    if (c)
        return c;
    if ((c = strcmp(x->code, y->code)))
        return c;
    if ((c = strcmp(spie_breakdown_names[x->breakdown], spie_breakdown_names[y->breakdown])))
        return c;
    if ((c = strcmp(x->modality, y->modality)))
        return c;
    return strcmp(x->indicator, y->indicator);
}

void spie_table_sort(spie_table *t)
{
    if (t->n > 1)
        qsort(t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
}

void spie_table_release(spie_table *t)
{
    if (!t)
        return;
    free(t->rows);
    memset(t, 0, sizeof *t);
}

static void real_field(spie_csvw *w, double v)
{
    char buf[SPIE_NUM_BUF];
    size_t n = spie_format_double(v, buf);
    spie_csvw_field(w, buf, n);
}

int spie_table_write_csv(const spie_table *t, const char *path)
{
    spie_csvw *w = spie_csvw_open(path, false);
    if (!w)
        return errno ? errno : EIO;
    static const char *const head[] = {"niveau", "code", "libelle", "ventilation", "modalite", "indicateur",
                                       "valeur", "ic_bas", "ic_haut", "effectif", "statut"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(head); i++)
        spie_csvw_str(w, head[i]);
    spie_csvw_end_row(w);
    char buf[SPIE_NUM_BUF];
    for (size_t i = 0; i < t->n; i++) {
        const spie_figure *f = &t->rows[i];
        spie_csvw_str(w, spie_level_names[f->level]);
        spie_csvw_str(w, f->code);
        spie_csvw_str(w, f->libelle);
        spie_csvw_str(w, spie_breakdown_names[f->breakdown]);
        spie_csvw_str(w, f->modality);
        spie_csvw_str(w, f->indicator);
        bool shown = f->status == SPIE_STATUS_OK;
        if (!shown || f->kind == SPIE_VK_NONE) {
            spie_csvw_field(w, "", 0);
        } else if (f->kind == SPIE_VK_COUNT) {
            spie_csvw_i64(w, f->ival);
        } else if (f->kind == SPIE_VK_CENTS) {
            spie_csvw_field(w, buf, spie_format_cents(f->ival, buf));
        } else if (f->kind == SPIE_VK_TEXT) {
            spie_csvw_str(w, f->text);
        } else {
            real_field(w, f->real);
        }
        if (shown && f->has_ci) {
            if (f->kind == SPIE_VK_CENTS) {
                spie_cents lo = 0, hi = 0;
                spie_round_cents(f->lo, &lo);
                spie_round_cents(f->hi, &hi);
                spie_csvw_field(w, buf, spie_format_cents(lo, buf));
                spie_csvw_field(w, buf, spie_format_cents(hi, buf));
            } else {
                real_field(w, f->lo);
                real_field(w, f->hi);
            }
        } else {
            spie_csvw_field(w, "", 0);
            spie_csvw_field(w, "", 0);
        }
        if (f->has_effectif)
            spie_csvw_i64(w, f->effectif);
        else
            spie_csvw_field(w, "", 0);
        spie_csvw_str(w, spie_status_names[f->status]);
        spie_csvw_end_row(w);
    }
    return spie_csvw_close(w);
}
