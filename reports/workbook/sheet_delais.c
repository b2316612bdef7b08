/* The Délais sheet (docs/sorties.md §6): for every configured pair and every unit, the counts,
 * statistics, Kaplan–Meier median and share within target of §5 of the dictionary.
 *
 * It may not write a figure other than through the tables of tables.c. */
#include <stdio.h>

#include "workbook_int.h"

/* The columns of pair i: its figures with their catalogue labels, the effectifs and bounds. */
static void delay_cols(spie_wb *w, spie_wb_cols *cs, int i)
{
#define D(label, ind, what, width) spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_DELAI_##ind, i), what, NULL, width)
    D(NULL, POPULATION, SPIE_WB_VALUE, 12);
    D(NULL, TERMINES, SPIE_WB_VALUE, 10);
    D(NULL, CENSURES, SPIE_WB_VALUE, 10);
    D(NULL, INCOHERENTS, SPIE_WB_VALUE, 11);
    D(NULL, MOYENNE, SPIE_WB_VALUE, 10);
    D(NULL, ECART_TYPE, SPIE_WB_VALUE, 10);
    D(NULL, MIN, SPIE_WB_VALUE, 9);
    D(NULL, P25, SPIE_WB_VALUE, 9);
    D(NULL, MEDIANE, SPIE_WB_VALUE, 9);
    D(NULL, P75, SPIE_WB_VALUE, 9);
    D(NULL, P90, SPIE_WB_VALUE, 9);
    D(NULL, MAX, SPIE_WB_VALUE, 9);
    D(NULL, KM_MEDIANE, SPIE_WB_VALUE, 14);
    D("Effectif Kaplan–Meier", KM_MEDIANE, SPIE_WB_EFFECTIF, 11);
    D(NULL, PART_CIBLE, SPIE_WB_VALUE, 11);
    D("Borne basse", PART_CIBLE, SPIE_WB_LO, 10);
    D("Borne haute", PART_CIBLE, SPIE_WB_HI, 10);
    D("Effectif de la part (dénominateur)", PART_CIBLE, SPIE_WB_EFFECTIF, 12);
#undef D
    /* reals here are days, with one decimal; the share is a percentage */
    for (size_t k = 0; k < cs->n; k++)
        cs->c[k].fmt = spie_ind_unit(cs->c[k].id) == SPIE_UNIT_SHARE ? w->f.pct : w->f.days;
}

void spie_wb_sheet_delais(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Délais");
    if (!ws)
        return;
    const spie_params *p = w->in->params;
    char title[200], champ[400], lecture[600];
    snprintf(title, sizeof title, "Délais entre étapes du parcours : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : pour chaque délai, bénéficiaires ayant atteint l'étape de départ A, dans les territoires du "
             "programme (%s) dont les extraits bénéficiaires et étapes sont utilisables ; délais en jours entiers.",
             spie_wb_scope(w));
    int kp = spie_wb_key_pair(w);
    char km[40], part[40];
    if (kp >= 0) {
        const spie_pair *pr = &p->pairs[kp];
        const spie_figure *fkm = spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_KM_MEDIANE, kp));
        bool ok_km = spie_wb_fr_figure(km, sizeof km, fkm, false);
        bool ok_part = spie_wb_fr_figure(part, sizeof part,
                                         spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_PART_CIBLE, kp)), true);
        if (ok_km && ok_part)
            snprintf(lecture, sizeof lecture,
                     "Lecture : %s, la moitié des bénéficiaires atteignent l'étape « %s » %s jours au plus après "
                     "l'étape « %s » (médiane de Kaplan–Meier, délais en cours compris) ; %s l'atteignent dans la "
                     "cible de %d jours.",
                     spie_wb_scope(w), spie_wb_endpoint_label(pr->to), km, spie_wb_endpoint_label(pr->from), part,
                     pr->target);
        else
            kp = -1;
    }
    if (kp < 0)
        snprintf(lecture, sizeof lecture,
                 "Lecture : la médiane de Kaplan–Meier est le délai au bout duquel la moitié des bénéficiaires ont "
                 "atteint l'étape B, en tenant compte des délais encore en cours.");
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);

    static const char *const heads[7] = {"Délai", "De (étape A)", "À (étape B)", "Cible (jours)",
                                         "Niveau", "Code", "Territoire"};
    static const double widths[7] = {12, 16, 20, 9, 12, 8, 30};
    lxw_row_t hdr = r;
    spie_wb_header_row(w, ws, r, 0, heads, 7);
    spie_wb_widths(w, ws, 0, widths, 7);
    spie_wb_cols cs = {.n = 0};
    delay_cols(w, &cs, 0); /* the headers (and the columns' count) are those of every pair */
    spie_wb_col_headers(w, ws, r, 7, &cs);
    r++;
    for (size_t i = 0; i < p->n_pairs; i++) {
        const spie_pair *pr = &p->pairs[i];
        cs.n = 0;
        delay_cols(w, &cs, (int)i);
        for (size_t u = 0; u < w->n_units; u++, r++) {
            spie_wb_text(w, ws, r, 0, pr->code, w->f.text);
            spie_wb_text(w, ws, r, 1, spie_wb_endpoint_label(pr->from), w->f.text);
            spie_wb_text(w, ws, r, 2, spie_wb_endpoint_label(pr->to), w->f.text);
            spie_wb_number(w, ws, r, 3, pr->target, w->f.count);
            spie_wb_unit_cells(w, ws, r, 4, &w->units[u]);
            spie_wb_fig_cells(w, ws, r, 7, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", &cs);
        }
    }
    worksheet_freeze_panes(ws, hdr + 1, 7);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r > hdr + 1 ? r - 1 : hdr + 1, (lxw_col_t)(6 + cs.n)));
}
