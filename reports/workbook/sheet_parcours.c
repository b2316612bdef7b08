/* The Parcours sheet (docs/sorties.md §6): the activity counts of §4 of the dictionary, one row
 * per unit, then the breakdowns of the workbook's level (public, sexe, âge, cohorte).
 *
 * It may not write a figure other than through the tables of tables.c. */
#include <stdio.h>

#include "workbook_int.h"

static void activity_cols(spie_wb *w, spie_wb_cols *cs)
{
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), SPIE_WB_VALUE, NULL, 11);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS_MOIS, 0), SPIE_WB_VALUE, NULL, 11);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_EN_PARCOURS, 0), SPIE_WB_VALUE, NULL, 13);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_AVEC_SOLUTION, 0), SPIE_WB_VALUE, NULL, 12);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SOLUTION, i), SPIE_WB_VALUE, NULL, 13);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_AVEC_REPRISE, 0), SPIE_WB_VALUE, NULL, 12);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_REPRISE, i), SPIE_WB_VALUE, NULL, 13);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SORTIES, 0), SPIE_WB_VALUE, NULL, 11);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SORTIE, i), SPIE_WB_VALUE, NULL, 13);
}

void spie_wb_sheet_parcours(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Parcours");
    if (!ws)
        return;
    char title[200], lecture[400], a[40], b[40];
    snprintf(title, sizeof title, "Parcours des bénéficiaires : %s, %s", spie_wb_scope(w), w->period_words);
    const spie_wb_unit *u0 = &w->units[0];
    if (spie_wb_fr_figure(a, sizeof a, spie_wb_fig(w, u0, spie_id(SPIE_IND_ENTRANTS, 0)), false) &&
        spie_wb_fr_figure(b, sizeof b, spie_wb_fig(w, u0, spie_id(SPIE_IND_EN_PARCOURS, 0)), false))
        snprintf(lecture, sizeof lecture,
                 "Lecture : au %s, %s bénéficiaires sont entrés dans le parcours (%s) ; %s n'en sont pas sortis.",
                 w->ref_text, a, spie_wb_scope(w), b);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : la colonne « Entrants » compte les bénéficiaires entrés dans le parcours au plus tard "
                 "le %s ; un bénéficiaire compte une fois par type de solution.",
                 w->ref_text);
    char champ[400];
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires entrés au plus tard le %s dans les territoires du programme (%s) dont les "
             "extraits bénéficiaires et étapes de la période sont utilisables.",
             w->ref_text, spie_wb_scope(w));
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);
    spie_wb_cols cs = {.n = 0};
    activity_cols(w, &cs);
    r = spie_wb_unit_table(w, ws, r, &cs) + 2;
    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE, SPIE_BD_COHORTE};
    char t2[200];
    snprintf(t2, sizeof t2, "Ventilations : %s (public, sexe, âge à l'entrée, trimestre d'entrée)", spie_wb_scope(w));
    spie_wb_breakdown_table(w, ws, r, t2, bds, SPIE_ARRAY_LEN(bds), &cs);
}
