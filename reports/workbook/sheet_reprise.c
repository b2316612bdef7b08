/* The Reprise d'activité sheet (docs/classeurs.md): a "Comment lire" block in plain French
 * (a rate at h months and on whom, the durable rate, the interval, the incidence curve),
 * the return rates of every horizon with their intervals, per unit, by breakdown and by
 * entry quarter, and the cumulative incidence curve of every unit (one row per unit, one
 * column per 30 days) (§6 of the dictionary).
 *
 * It may not write a figure other than through the tables of tables.c and the cell
 * writers of cells.c. */
#include <stdio.h>
#include <string.h>

#include "workbook_int.h"

/* The rates of a return to activity: entrants and returns, then per horizon the rate,
 * its bounds and the eligible persons, then the Kaplan–Meier median. */
static void return_cols(spie_wb *w, spie_wb_cols *cs)
{
    const spie_params *p = w->in->params;
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), SPIE_WB_VALUE, NULL, 9);
    spie_wb_col_add(w, cs, "Avec une reprise", spie_id(SPIE_IND_AVEC_REPRISE, 0), SPIE_WB_VALUE, NULL, 9);
    for (size_t i = 0; i < p->n_horizons; i++) {
        int h = p->horizons[i];
        char label[112];
        snprintf(label, sizeof label, "Taux de reprise à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_TAUX_REPRISE, h), SPIE_WB_VALUE, w->f.pct, 9);
        spie_wb_col_add(w, cs, "Borne basse", spie_id(SPIE_IND_TAUX_REPRISE, h), SPIE_WB_LO, w->f.pct, 8);
        spie_wb_col_add(w, cs, "Borne haute", spie_id(SPIE_IND_TAUX_REPRISE, h), SPIE_WB_HI, w->f.pct, 8);
        snprintf(label, sizeof label, "Éligibles à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_TAUX_REPRISE, h), SPIE_WB_EFFECTIF, NULL, 9);
    }
    spie_wb_col_add(w, cs, "Médiane de Kaplan–Meier du délai de reprise (jours)",
                    spie_id(SPIE_IND_REPRISE_KM_MEDIANE, 0), SPIE_WB_VALUE, w->f.days, 11);
}

/* The durable rates: per horizon the rate and its bounds (same eligible persons). */
static void durable_cols(spie_wb *w, spie_wb_cols *cs)
{
    const spie_params *p = w->in->params;
    for (size_t i = 0; i < p->n_horizons; i++) {
        int h = p->horizons[i];
        char label[112];
        snprintf(label, sizeof label, "Taux de reprise durable à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), SPIE_WB_VALUE, w->f.pct, 9);
        spie_wb_col_add(w, cs, "Borne basse", spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), SPIE_WB_LO, w->f.pct, 8);
        spie_wb_col_add(w, cs, "Borne haute", spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), SPIE_WB_HI, w->f.pct, 8);
    }
}

/* The Lecture line: the key horizon's rate in words when it is shown. */
static void lecture_text(spie_wb *w, char *buf, size_t size)
{
    const spie_params *p = w->in->params;
    int kh = spie_wb_key_horizon(w);
    const spie_figure *f =
        kh >= 0 ? spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_TAUX_REPRISE, p->horizons[kh])) : NULL;
    char a[40], n[40], lv[40], lo[40], hi[40];
    if (f && spie_wb_fr_figure(a, sizeof a, f, true) && f->has_effectif && f->has_ci) {
        spie_wb_fr_int(n, sizeof n, f->effectif);
        spie_wb_fr_level(lv, sizeof lv, p->level);
        spie_wb_fr_pct1(lo, sizeof lo, f->lo);
        spie_wb_fr_pct1(hi, sizeof hi, f->hi);
        snprintf(buf, size,
                 "Lecture : %s, parmi les %s bénéficiaires entrés depuis %d mois au moins, %s ont repris une "
                 "activité dans les %d mois suivant leur entrée ; le vrai taux se trouve entre %s et %s avec une "
                 "confiance de %s.",
                 spie_wb_scope(w), n, p->horizons[kh], a, p->horizons[kh], lo, hi, lv);
    } else {
        snprintf(buf, size,
                 "Lecture : le taux de reprise à h mois rapporte les bénéficiaires ayant repris une activité au plus "
                 "tard h mois après leur entrée aux bénéficiaires entrés depuis h mois au moins.");
    }
}

static lxw_row_t how_to_read(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    char lv[16], t[1400];
    spie_wb_fr_level(lv, sizeof lv, w->in->params->level);
    r = spie_wb_para(w, pg, r, "Comment lire ces tableaux", w->f.para_bold);
    r = spie_wb_para(w, pg, r,
                     "Le taux de reprise d'activité à h mois est la part des bénéficiaires qui ont repris une activité "
                     "(emploi, formation qualifiante, création d'entreprise) dans les h mois qui ont suivi leur "
                     "entrée. Il ne porte que sur les bénéficiaires entrés depuis h mois au moins, les « éligibles » : "
                     "ceux entrés plus récemment n'ont pas encore eu h mois pour reprendre, et les compter ferait "
                     "baisser le taux à tort. Le taux de reprise durable ne compte que les reprises en emploi durable "
                     "(CDI, CDD ou intérim de 6 mois ou plus) ou en création d'entreprise.",
                     w->f.para);
    snprintf(t, sizeof t,
             "Chaque taux est donné avec son intervalle de confiance à %s (bornes basse et haute) : la fourchette "
             "où se trouve le vrai taux avec une confiance de %s. Elle est d'autant plus large que les éligibles "
             "sont peu nombreux : deux territoires dont les fourchettes se chevauchent ne sont pas nettement "
             "différents. L'incidence cumulée (dernier tableau) donne, jour après jour depuis l'entrée, la part des "
             "bénéficiaires qui ont repris une activité, en tenant compte de ceux entrés trop récemment pour être "
             "suivis aussi longtemps (méthode de Kaplan–Meier) ; sa médiane est la durée au bout de laquelle la "
             "moitié ont repris.",
             lv, lv);
    return spie_wb_para(w, pg, r, t, w->f.para) + 1;
}

#define INC_STEP 90 /* the sheet's columns: every 90 days (every 30 in the CSV) */

/* The cumulative incidence curve of every unit: one row per unit, one column per 90 days. */
static lxw_row_t incidence_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    lxw_worksheet *ws = pg->ws;
    char t[200];
    snprintf(t, sizeof t, "Incidence cumulée de la reprise selon les jours depuis l'entrée");
    r = spie_wb_table_title(w, pg, r, t);
    static const char *const heads[3] = {"Niveau", "Code", "Territoire"};
    spie_wb_header_row(w, pg, r, 0, heads, 3);
    char labels[32][24];
    const char *ls[32];
    size_t n = 0;
    for (int32_t d = 0; d <= SPIE_INCIDENCE_LAST && n < 32; d += INC_STEP, n++) {
        snprintf(labels[n], sizeof labels[n], "%d jours", d);
        ls[n] = labels[n];
    }
    spie_wb_header_row(w, pg, r, 3, ls, n);
    r++;
    /* the national workbook: France, the régions and the waves (each département's curve is
     * in its région's workbook); a regional one: every row */
    size_t last = w->region ? w->n_units : w->first_dept;
    for (size_t u = 0; u < last; u++, r++) {
        r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        spie_wb_unit_cells(w, ws, r, 0, &w->units[u]);
        size_t k = 0;
        for (int32_t d = 0; d <= SPIE_INCIDENCE_LAST; d += INC_STEP, k++) {
            const spie_figure *f = spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_REPRISE_INCIDENCE, d));
            spie_wb_value_fmt(w, ws, r, (lxw_col_t)(3 + k), f, w->f.pct, w->units[u].comparison);
        }
    }
    spie_wb_table_end(pg);
    char note[600];
    snprintf(note, sizeof note,
             "Lecture : chaque case est la part des bénéficiaires qui ont repris une activité au plus tard ce nombre "
             "de jours après leur entrée ; nd au-delà du plus long suivi observé du territoire. Les valeurs de 30 en "
             "30 jours sont dans le fichier %s (reprise_incidence_j0 à reprise_incidence_j720)%s.",
             w->csv_name, w->region ? "" : ", avec la courbe de chaque département, aussi donnée dans le classeur de sa "
                                          "région");
    r = spie_wb_para(w, pg, r, note, w->f.note);
    return spie_wb_table_notes(w, pg, r, 0, false);
}

void spie_wb_sheet_reprise(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Reprise d'activité");
    if (!ws)
        return;
    spie_wb_cols cs = {.n = 0}, cd = {.n = 0};
    return_cols(w, &cs);
    durable_cols(w, &cd);
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, &pg, c, spie_wb_unit_widths[c]);
    for (size_t i = 0; i < cs.n; i++)
        spie_wb_page_width(w, &pg, (lxw_col_t)(3 + i), cs.c[i].width);
    pg.ncols = (lxw_col_t)(3 + cs.n);

    char title[200], champ[400], lecture[600];
    snprintf(title, sizeof title, "Reprise d'activité : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires éligibles à chaque horizon h (entrés depuis h mois au moins à la date de "
             "référence), dans les territoires du programme (%s) dont les extraits bénéficiaires et étapes sont "
             "utilisables.",
             spie_wb_scope(w));
    lecture_text(w, lecture, sizeof lecture);
    lxw_row_t r = spie_wb_head(w, &pg, title, champ, lecture);
    r = how_to_read(w, &pg, r);
    char t[200];
    snprintf(t, sizeof t, "Taux de reprise d'activité, par territoire");
    r = spie_wb_unit_table(w, &pg, r, t, &cs, true);
    r = spie_wb_table_notes(w, &pg, r, SPIE_WB_SIGNS_MEDIAN, false) + 1;
    snprintf(t, sizeof t, "Taux de reprise durable, par territoire");
    r = spie_wb_unit_table(w, &pg, r, t, &cd, false);
    r = spie_wb_table_notes(w, &pg, r, 0, false) + 1;

    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE, SPIE_BD_COHORTE};
    snprintf(t, sizeof t, "Taux de reprise par catégorie de bénéficiaires (%s)", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, &pg, r, t, bds, SPIE_ARRAY_LEN(bds), &cs) + 1;
    snprintf(t, sizeof t, "Taux de reprise durable par catégorie de bénéficiaires (%s)", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, &pg, r, t, bds, SPIE_ARRAY_LEN(bds), &cd);
    char signs[600];
    spie_wb_fr_signs(w, SPIE_WB_SIGNS_MEDIAN, signs, sizeof signs);
    r = spie_wb_para(w, &pg, r, signs, w->f.note) + 1;
    incidence_table(w, &pg, r);
    spie_wb_page_close(w, &pg);
}
