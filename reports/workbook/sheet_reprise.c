/* The Reprise d'activité sheet (docs/sorties.md §6): the return rates of every horizon with
 * their intervals, per unit, by breakdown and by cohort, and the cumulative incidence
 * curve of every unit (§6 of the dictionary).
 *
 * It may not write a figure other than through the tables of tables.c and the cell
 * writers of cells.c. */
#include <stdio.h>

#include "workbook_int.h"

static void return_cols(spie_wb *w, spie_wb_cols *cs, bool with_entrants)
{
    const spie_params *p = w->in->params;
    if (with_entrants) {
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), SPIE_WB_VALUE, NULL, 11);
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_AVEC_REPRISE, 0), SPIE_WB_VALUE, NULL, 12);
    }
    for (size_t i = 0; i < p->n_horizons; i++) {
        int h = p->horizons[i];
        char label[112];
        spie_wb_col_rate(w, cs, spie_id(SPIE_IND_TAUX_REPRISE, h), w->f.pct);
        snprintf(label, sizeof label, "Éligibles à %d mois (entrés depuis %d mois au moins)", h, h);
        spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_TAUX_REPRISE, h), SPIE_WB_EFFECTIF, NULL, 12);
        spie_wb_col_rate(w, cs, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), w->f.pct);
    }
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_REPRISE_KM_MEDIANE, 0), SPIE_WB_VALUE, w->f.days, 14);
}

/* The Lecture line: the key horizon's rate in words when it is shown. */
static void lecture_text(spie_wb *w, char *buf, size_t size)
{
    const spie_params *p = w->in->params;
    int kh = spie_wb_key_horizon(w);
    const spie_figure *f =
        kh >= 0 ? spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_TAUX_REPRISE, p->horizons[kh])) : NULL;
    char a[40], n[40], lv[40];
    if (f && spie_wb_fr_figure(a, sizeof a, f, true) && f->has_effectif) {
        spie_wb_fr_int(n, sizeof n, f->effectif);
        spie_wb_fr_level(lv, sizeof lv, p->level);
        snprintf(buf, size,
                 "Lecture : %s, parmi les %s bénéficiaires entrés depuis %d mois au moins, %s ont repris une "
                 "activité dans les %d mois suivant leur entrée ; l'intervalle de confiance est au niveau de %s.",
                 spie_wb_scope(w), n, p->horizons[kh], a, p->horizons[kh], lv);
    } else {
        snprintf(buf, size,
                 "Lecture : le taux de reprise à h mois rapporte les bénéficiaires ayant repris une activité au plus "
                 "tard h mois après leur entrée aux bénéficiaires entrés depuis h mois au moins.");
    }
}

/* The cumulative incidence curve of every unit: one column per unit, from column 3 (the
 * main table has main_cols columns there). */
static void incidence_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, size_t main_cols)
{
    spie_wb_text(w, ws, r++, 0,
                 "Incidence cumulée de la reprise d'activité selon le nombre de jours depuis l'entrée "
                 "(Kaplan–Meier : 1 − S(t))",
                 w->f.subtitle);
    static const char *const h3[1] = {"Jours depuis l'entrée"};
    spie_wb_header_row(w, ws, r, 0, h3, 1);
    for (size_t u = 0; u < w->n_units; u++) {
        char label[96];
        spie_wb_fr_unit_name(&w->units[u], true, label, sizeof label);
        const char *l = label;
        spie_wb_header_row(w, ws, r, (lxw_col_t)(3 + u), &l, 1);
    }
    if (w->n_units > main_cols) /* columns past the main table's */
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(3 + main_cols), (lxw_col_t)(2 + w->n_units), 12, NULL));
    r++;
    for (int32_t t = 0; t <= SPIE_INCIDENCE_LAST; t += SPIE_INCIDENCE_STEP, r++) {
        spie_wb_number(w, ws, r, 0, t, w->f.count);
        for (size_t u = 0; u < w->n_units; u++) {
            const spie_figure *f = spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_REPRISE_INCIDENCE, t));
            spie_wb_value(w, ws, r, (lxw_col_t)(3 + u), f, w->f.pct);
        }
    }
}

void spie_wb_sheet_reprise(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Reprise d'activité");
    if (!ws)
        return;
    char title[200], champ[400], lecture[600];
    snprintf(title, sizeof title, "Reprise d'activité : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires éligibles à chaque horizon h (entrés depuis h mois au moins à la date de "
             "référence), dans les territoires du programme (%s) dont les extraits bénéficiaires et étapes sont "
             "utilisables.",
             spie_wb_scope(w));
    lecture_text(w, lecture, sizeof lecture);
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);
    spie_wb_cols cs = {.n = 0};
    return_cols(w, &cs, true);
    r = spie_wb_unit_table(w, ws, r, &cs) + 2;

    char t2[200];
    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE};
    snprintf(t2, sizeof t2, "Ventilations : %s (public, sexe, âge à l'entrée)", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, ws, r, t2, bds, SPIE_ARRAY_LEN(bds), &cs) + 1;
    static const spie_breakdown coh[] = {SPIE_BD_COHORTE};
    snprintf(t2, sizeof t2, "Par cohorte d'entrée (trimestre civil de l'entrée) : %s", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, ws, r, t2, coh, 1, &cs) + 1;
    incidence_table(w, ws, r, cs.n);
}
