/* Tables of figures with one column per figure, shared by the Parcours, Délais, Reprise
 * d'activité and Budget sheets: a main table with one row per unit of the workbook (its
 * own level first, then in the national workbook the régions and the waves, then the
 * départements), with frozen header and filters, and breakdown tables below it. Every
 * cell is one figure of the table, looked up by its identity.
 *
 * It may not choose which figures a sheet shows (the sheets give the columns). */
#include "workbook_int.h"

#include <stdio.h>
#include <string.h>

void spie_wb_col_add(spie_wb *w, spie_wb_cols *cs, const char *label, spie_ind_id id, spie_wb_col_what what,
                     lxw_format *fmt, double width)
{
    if (cs->n == SPIE_WB_MAX_COLS)
        return;
    spie_wb_col *c = &cs->c[cs->n++];
    if (label) {
        snprintf(c->label, sizeof c->label, "%s", label);
    } else if (!spie_ind_label(id, w->in->params, c->label, sizeof c->label)) {
        /* a label that does not show the parameter needs none (the headers of the Délais
         * sheet are written even without a pair) */
        const spie_ind_def *d = spie_ind_def_of(id.ind);
        if (d && !strchr(d->label, '<'))
            snprintf(c->label, sizeof c->label, "%s", d->label);
        else
            spie_wb_has(w, SPIE_LEVEL_NATIONAL, "FR", SPIE_BD_ENSEMBLE, "", id); /* records the unknown identity */
    }
    c->id = id;
    c->what = what;
    c->fmt = fmt;
    c->width = width;
}

void spie_wb_col_rate(spie_wb *w, spie_wb_cols *cs, spie_ind_id id, lxw_format *pct)
{
    spie_wb_col_add(w, cs, NULL, id, SPIE_WB_VALUE, pct, 12);
    spie_wb_col_add(w, cs, "Borne basse", id, SPIE_WB_LO, pct, 10);
    spie_wb_col_add(w, cs, "Borne haute", id, SPIE_WB_HI, pct, 10);
}

static void bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                  lxw_format *fmt)
{
    if (!f)
        return;
    if (f->status != SPIE_STATUS_OK) {
        spie_wb_value(w, ws, r, c, f, fmt); /* the same "s" or "nd" */
        return;
    }
    if (f->has_ci)
        spie_wb_bound(w, ws, r, c, f, hi, fmt);
}

void spie_wb_fig_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, spie_level lv, const char *code,
                       spie_breakdown bd, const char *mod, const spie_wb_cols *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        const spie_wb_col *c = &cs->c[i];
        const spie_figure *f = spie_wb_get(w, lv, code, bd, mod, c->id);
        lxw_col_t cc = (lxw_col_t)(c0 + i);
        switch (c->what) {
        case SPIE_WB_VALUE: spie_wb_value(w, ws, r, cc, f, c->fmt); break;
        case SPIE_WB_LO: bound(w, ws, r, cc, f, false, c->fmt); break;
        case SPIE_WB_HI: bound(w, ws, r, cc, f, true, c->fmt); break;
        default: spie_wb_effectif(w, ws, r, cc, f); break;
        }
    }
}

void spie_wb_col_headers(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, const spie_wb_cols *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        const char *l = cs->c[i].label;
        spie_wb_header_row(w, ws, r, (lxw_col_t)(c0 + i), &l, 1);
        if (ws)
            spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(c0 + i), (lxw_col_t)(c0 + i), cs->c[i].width, NULL));
    }
}

static const char *const unit_heads[3] = {"Niveau", "Code", "Territoire"};
static const double unit_widths[3] = {12, 8, 30};

lxw_row_t spie_wb_unit_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const spie_wb_cols *cs)
{
    lxw_row_t hdr = r;
    spie_wb_header_row(w, ws, r, 0, unit_heads, 3);
    spie_wb_widths(w, ws, 0, unit_widths, 3);
    spie_wb_col_headers(w, ws, r, 3, cs);
    r++;
    for (size_t u = 0; u < w->n_units; u++, r++) {
        spie_wb_unit_cells(w, ws, r, 0, &w->units[u]);
        spie_wb_fig_cells(w, ws, r, 3, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", cs);
    }
    if (ws) {
        worksheet_freeze_panes(ws, hdr + 1, 3);
        spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, (lxw_col_t)(2 + cs->n)));
    }
    return r;
}

lxw_row_t spie_wb_breakdown_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const char *title,
                                  const spie_breakdown *bds, size_t nbd, const spie_wb_cols *cs)
{
    static const char *const heads[3] = {"Ventilation", "Code", "Modalité"};
    const spie_wb_unit *u = &w->units[0];
    spie_wb_text(w, ws, r++, 0, title, w->f.subtitle);
    spie_wb_header_row(w, ws, r, 0, heads, 3);
    spie_wb_col_headers(w, ws, r, 3, cs);
    r++;
    size_t rows = 0;
    for (size_t b = 0; b < nbd; b++) {
        const char *mods[64];
        size_t n = spie_wb_modalities(w, bds[b], mods, SPIE_ARRAY_LEN(mods));
        for (size_t m = 0; m < n; m++) {
            /* A group without an included territory has no breakdown rows at all. */
            if (!spie_wb_has(w, u->level, u->code, bds[b], mods[m], cs->c[0].id))
                continue;
            spie_wb_text(w, ws, r, 0, spie_wb_breakdown_label(bds[b]), w->f.text);
            spie_wb_text(w, ws, r, 1, mods[m], w->f.text);
            spie_wb_text(w, ws, r, 2, spie_wb_modality_label(bds[b], mods[m]), w->f.text);
            spie_wb_fig_cells(w, ws, r, 3, u->level, u->code, bds[b], mods[m], cs);
            r++;
            rows++;
        }
    }
    if (!rows)
        spie_wb_text(w, ws, r++, 0, "Pas de ventilation : aucun territoire pris en compte.", w->f.note);
    return r + 1;
}
