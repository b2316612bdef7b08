/* The Parcours sheet (docs/classeurs.md): the activity counts of §4 of the dictionary in
 * two tables (entries, journeys and solutions; returns to activity and exits), one row per
 * unit, then the same counts by breakdown of the workbook's level (public, sexe, âge,
 * trimestre d'entrée).
 *
 * It may not write a figure other than through the tables of tables.c. */
#include <stdio.h>

#include "workbook_int.h"

static void entry_cols(spie_wb *w, spie_wb_cols *cs)
{
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS_MOIS, 0), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_EN_PARCOURS, 0), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_AVEC_SOLUTION, 0), SPIE_WB_VALUE, NULL, 10);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SOLUTION, i), SPIE_WB_VALUE, NULL, 10);
}

static void exit_cols(spie_wb *w, spie_wb_cols *cs)
{
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_AVEC_REPRISE, 0), SPIE_WB_VALUE, NULL, 10);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_REPRISE, i), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SORTIES, 0), SPIE_WB_VALUE, NULL, 10);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_SORTIE, i), SPIE_WB_VALUE, NULL, 10);
}

void spie_wb_sheet_parcours(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Parcours");
    if (!ws)
        return;
    spie_wb_cols c1 = {.n = 0}, c2 = {.n = 0};
    entry_cols(w, &c1);
    exit_cols(w, &c2);
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, &pg, c, spie_wb_unit_widths[c]);
    for (size_t i = 0; i < c1.n; i++)
        spie_wb_page_width(w, &pg, (lxw_col_t)(3 + i), c1.c[i].width);
    pg.ncols = (lxw_col_t)(3 + c1.n);

    char title[200], lecture[500], champ[400], a[40], b[40];
    snprintf(title, sizeof title, "Parcours des bénéficiaires : %s, %s", spie_wb_scope(w), w->period_words);
    const spie_wb_unit *u0 = &w->units[0];
    if (spie_wb_fr_figure(a, sizeof a, spie_wb_fig(w, u0, spie_id(SPIE_IND_ENTRANTS, 0)), false) &&
        spie_wb_fr_figure(b, sizeof b, spie_wb_fig(w, u0, spie_id(SPIE_IND_EN_PARCOURS, 0)), false))
        snprintf(lecture, sizeof lecture,
                 "Lecture : au %s, %s bénéficiaires sont entrés dans le parcours (%s%s) ; %s d'entre eux n'en sont pas "
                 "sortis. Un bénéficiaire compte une fois dans chaque type de solution qu'il a eu.",
                 w->ref_text, a, spie_wb_scope(w),
                 u0->marks & SPIE_WB_MARK_PARTIAL ? ", chiffre partiel (p) : voir les notes" : "", b);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : la colonne « Entrants » compte les bénéficiaires entrés dans le parcours au plus tard "
                 "le %s ; un bénéficiaire compte une fois dans chaque type de solution qu'il a eu.",
                 w->ref_text);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires entrés au plus tard le %s dans les territoires du programme (%s) dont les "
             "extraits bénéficiaires et étapes de la période sont utilisables.",
             w->ref_text, spie_wb_scope(w));
    lxw_row_t r = spie_wb_head(w, &pg, title, champ, lecture);
    char t[200];
    snprintf(t, sizeof t, "Entrées, parcours et solutions, par territoire");
    r = spie_wb_unit_table(w, &pg, r, t, &c1, true);
    r = spie_wb_table_notes(w, &pg, r, 0, false) + 1;
    snprintf(t, sizeof t, "Reprises d'activité et sorties du programme, par type, par territoire");
    r = spie_wb_unit_table(w, &pg, r, t, &c2, false);
    r = spie_wb_table_notes(w, &pg, r, 0, false) + 1;

    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE, SPIE_BD_COHORTE};
    snprintf(t, sizeof t, "Entrées, parcours et solutions par catégorie de bénéficiaires (%s)", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, &pg, r, t, bds, SPIE_ARRAY_LEN(bds), &c1) + 1;
    snprintf(t, sizeof t, "Reprises d'activité et sorties par catégorie de bénéficiaires (%s)", spie_wb_scope(w));
    r = spie_wb_breakdown_table(w, &pg, r, t, bds, SPIE_ARRAY_LEN(bds), &c2);
    char signs[600];
    spie_wb_fr_signs(w, 0, signs, sizeof signs);
    spie_wb_para(w, &pg, r, signs, w->f.note);
    spie_wb_page_close(w, &pg);
}
