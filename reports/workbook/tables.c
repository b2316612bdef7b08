/* Tables of figures with one column per figure, shared by the Parcours, Délais, Reprise
 * d'activité and Budget sheets: a table with one row per unit of the workbook (its own
 * level first, then France in a regional workbook, or the régions and the waves in the
 * national one, then the départements), and breakdown tables. Every cell is one figure of
 * the table, looked up by its identity; a unit's name carries its call marks ("Somme (r)").
 *
 * It may not choose which figures a sheet shows (the sheets give the columns). */
#include "workbook_int.h"

#include <stdio.h>
#include <string.h>

const double spie_wb_unit_widths[3] = {11, 6, 27};

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

void spie_wb_col_rate(spie_wb *w, spie_wb_cols *cs, spie_ind_id id, lxw_format *pct, double width)
{
    spie_wb_col_add(w, cs, NULL, id, SPIE_WB_VALUE, pct, width);
    spie_wb_col_add(w, cs, "Borne basse", id, SPIE_WB_LO, pct, 8);
    spie_wb_col_add(w, cs, "Borne haute", id, SPIE_WB_HI, pct, 8);
}

static void bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                  lxw_format *fmt, bool italic)
{
    if (!f)
        return;
    if (f->status != SPIE_STATUS_OK) {
        spie_wb_value_fmt(w, ws, r, c, f, fmt, italic); /* the same sign */
        return;
    }
    if (f->has_ci)
        spie_wb_bound(w, ws, r, c, f, hi, italic && fmt == w->f.pct ? w->f.pct_i : fmt);
}

const char *spie_wb_signif(const spie_figure *f)
{
    if (!f || f->status != SPIE_STATUS_OK || f->kind != SPIE_VK_REAL || !f->has_ci)
        return NULL;
    if (f->lo > 1.0)
        return SPIE_WB_ABOVE;
    if (f->hi < 1.0)
        return SPIE_WB_BELOW;
    return NULL;
}

/* Whether only the groups below the nation publish the indicator. */
static bool subnational(spie_ind_id id)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    return d && d->scope == SPIE_SCOPE_SUBNATIONAL;
}

void spie_wb_fig_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, spie_level lv, const char *code,
                       spie_breakdown bd, const char *mod, const spie_wb_cols *cs, bool italic)
{
    for (size_t i = 0; i < cs->n; i++) {
        const spie_wb_col *c = &cs->c[i];
        lxw_col_t cc = (lxw_col_t)(c0 + i);
        if (lv == SPIE_LEVEL_NATIONAL && subnational(c->id)) {
            /* the nation is the reference of these figures: none by construction */
            if (c->what != SPIE_WB_SIGNIF)
                spie_wb_text(w, ws, r, cc, SPIE_WB_NOT_APPLICABLE, italic ? w->f.mark_i : w->f.mark);
            continue;
        }
        const spie_figure *f = spie_wb_get(w, lv, code, bd, mod, c->id);
        switch (c->what) {
        case SPIE_WB_VALUE: spie_wb_value_fmt(w, ws, r, cc, f, c->fmt, italic); break;
        case SPIE_WB_LO: bound(w, ws, r, cc, f, false, c->fmt, italic); break;
        case SPIE_WB_HI: bound(w, ws, r, cc, f, true, c->fmt, italic); break;
        case SPIE_WB_SIGNIF: {
            const char *m = spie_wb_signif(f);
            if (m)
                spie_wb_text(w, ws, r, cc, m, w->f.mark);
            break;
        }
        default: spie_wb_effectif(w, ws, r, cc, f); break;
        }
    }
}

void spie_wb_col_widths(spie_wb *w, spie_wb_page *pg, lxw_col_t c0, const spie_wb_cols *cs)
{
    const char *labels[SPIE_WB_MAX_COLS];
    for (size_t i = 0; i < cs->n; i++) {
        labels[i] = cs->c[i].label;
        spie_wb_page_width(w, pg, (lxw_col_t)(c0 + i), cs->c[i].width);
    }
    spie_wb_header_widths(w, pg, c0, labels, cs->n);
}

void spie_wb_col_headers(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const spie_wb_cols *cs)
{
    const char *labels[SPIE_WB_MAX_COLS];
    for (size_t i = 0; i < cs->n; i++) {
        labels[i] = cs->c[i].label;
        spie_wb_page_width(w, pg, (lxw_col_t)(c0 + i), cs->c[i].width);
    }
    spie_wb_header_row(w, pg, r, c0, labels, cs->n);
}

void spie_wb_unit_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_wb_unit *u)
{
    bool total = u == &w->units[0];
    lxw_format *f = total ? w->f.text_bold : u->comparison ? w->f.text_italic : w->f.text;
    spie_wb_text(w, ws, r, c, spie_wb_level_word(u->level), f);
    spie_wb_text(w, ws, r, (lxw_col_t)(c + 1), u->code, f);
    char name[128];
    spie_wb_fr_unit_marked(u, true, name, sizeof name);
    spie_wb_text(w, ws, r, (lxw_col_t)(c + 2), name, f);
}

static const char *const unit_heads[3] = {"Niveau", "Code", "Territoire"};

lxw_row_t spie_wb_unit_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title, const spie_wb_cols *cs,
                             bool main)
{
    lxw_worksheet *ws = pg->ws;
    r = spie_wb_table_title(w, pg, r, title);
    lxw_row_t hdr = r;
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, pg, c, spie_wb_unit_widths[c]);
    spie_wb_header_row(w, pg, r, 0, unit_heads, 3);
    spie_wb_col_headers(w, pg, r, 3, cs);
    r++;
    for (size_t u = 0; u < w->n_units; u++, r++) {
        r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        spie_wb_unit_cells(w, ws, r, 0, &w->units[u]);
        spie_wb_fig_cells(w, ws, r, 3, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", cs,
                          w->units[u].comparison);
    }
    spie_wb_table_end(pg);
    if (main && ws) {
        pg->label_cols = 3;
        worksheet_freeze_panes(ws, hdr + 1, 3);
        spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, (lxw_col_t)(2 + cs->n)));
    }
    return r;
}

lxw_row_t spie_wb_breakdown_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title,
                                  const spie_breakdown *bds, size_t nbd, const spie_wb_cols *cs)
{
    static const char *const heads[3] = {"Selon", "", "Catégorie de bénéficiaires"};
    const spie_wb_unit *u = &w->units[0];
    r = spie_wb_table_title(w, pg, r, title);
    spie_wb_header_row(w, pg, r, 0, heads, 3);
    spie_wb_col_headers(w, pg, r, 3, cs);
    r++;
    size_t rows = 0;
    for (size_t b = 0; b < nbd; b++) {
        const char *mods[64];
        size_t n = spie_wb_modalities(w, bds[b], mods, SPIE_ARRAY_LEN(mods));
        for (size_t m = 0; m < n; m++) {
            /* A group without an included territory has no breakdown rows at all. */
            if (!spie_wb_has(w, u->level, u->code, bds[b], mods[m], cs->c[0].id))
                continue;
            r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
            static const char *const short_bd[SPIE_BD_COUNT] = {"Ensemble", "Public", "Sexe", "Âge", "Entrée"};
            char label[64];
            int y, q;
            if (bds[b] == SPIE_BD_COHORTE && sscanf(mods[m], "%4d-T%1d", &y, &q) == 2)
                snprintf(label, sizeof label, "%d%s trimestre %d", q, q == 1 ? "er" : "e", y);
            else
                snprintf(label, sizeof label, "%s", spie_wb_modality_label(bds[b], mods[m]));
            spie_wb_text(w, pg->ws, r, 0, short_bd[bds[b]], w->f.text);
            spie_wb_text(w, pg->ws, r, 2, label, w->f.text);
            spie_wb_fig_cells(w, pg->ws, r, 3, u->level, u->code, bds[b], mods[m], cs, false);
            r++;
            rows++;
        }
    }
    spie_wb_table_end(pg);
    if (!rows)
        r = spie_wb_para(w, pg, r, "Pas de ventilation : aucun territoire pris en compte.", w->f.note);
    return r;
}
