/* indicateurs_<P>.csv (docs/sorties.md §4): the publication table, one figure per row,
 * in the table's order. Numbers are printed by the project's locale-free formatters
 * (numfmt.c).
 *
 * It may not compute, mask or reorder a figure: it prints the table as it is. */
#include "spie/indicators_csv.h"

#include <errno.h>

#include "spie/acc.h"
#include "spie/csvw.h"
#include "spie/numfmt.h"
#include "spie/stats.h"

static void real_field(spie_csvw *w, double v)
{
    char buf[SPIE_NUM_BUF];
    size_t n = spie_format_double(v, buf);
    spie_csvw_field(w, buf, n);
}

void spie_csv_figure_identity(spie_csvw *w, const spie_figure *f)
{
    spie_csvw_str(w, spie_level_names[f->level]);
    spie_csvw_str(w, f->code);
    spie_csvw_str(w, f->libelle);
    spie_csvw_str(w, spie_breakdown_names[f->breakdown]);
    spie_csvw_str(w, f->modality);
    spie_csvw_str(w, f->indicator);
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
        spie_csv_figure_identity(w, f);
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
