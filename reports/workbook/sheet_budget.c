/* The Budget sheet (docs/sorties.md §6): money per unit, the national envelope and its
 * projection (national workbook), the State's monthly payments per unit (§9 of the
 * dictionary).
 *
 * It may not write a figure other than through the tables of tables.c and the cell
 * writers of cells.c. */
#include <stdio.h>

#include "spie/date.h"
#include "workbook_int.h"

static void budget_cols(spie_wb *w, spie_wb_cols *cs)
{
#define B(ind) spie_id(SPIE_IND_##ind, 0)
    spie_wb_col_add(w, cs, NULL, B(ALLOCATION_ETAT), SPIE_WB_VALUE, NULL, 15);
    spie_wb_col_add(w, cs, NULL, B(ENGAGE_ETAT), SPIE_WB_VALUE, NULL, 15);
    spie_wb_col_add(w, cs, NULL, B(PAYE_ETAT), SPIE_WB_VALUE, NULL, 15);
    spie_wb_col_add(w, cs, NULL, B(TAUX_ENGAGEMENT), SPIE_WB_VALUE, w->f.pct, 12);
    spie_wb_col_add(w, cs, NULL, B(TAUX_CONSOMMATION), SPIE_WB_VALUE, w->f.pct, 12);
    for (int f = SPIE_FIN_DEPARTEMENT; f < SPIE_FIN_COUNT; f++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_COFINANCEMENT, f), SPIE_WB_VALUE, NULL, 14);
    spie_wb_col_add(w, cs, NULL, B(COUT_PAR_ENTRANT), SPIE_WB_VALUE, NULL, 12);
    spie_wb_col_add(w, cs, "Entrants (diviseur)", B(COUT_PAR_ENTRANT), SPIE_WB_EFFECTIF, NULL, 10);
    spie_wb_col_add(w, cs, NULL, B(COUT_PAR_REPRISE), SPIE_WB_VALUE, NULL, 12);
    spie_wb_col_add(w, cs, "Bénéficiaires avec reprise (diviseur)", B(COUT_PAR_REPRISE), SPIE_WB_EFFECTIF, NULL, 11);
#undef B
}

static lxw_row_t envelope_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    static const spie_ind rows[] = {
        SPIE_IND_ENVELOPPE,          SPIE_IND_PART_ENVELOPPE_ALLOUEE,    SPIE_IND_PART_ENVELOPPE_ENGAGEE,
        SPIE_IND_PART_ENVELOPPE_PAYEE, SPIE_IND_RESTE_ENVELOPPE,         SPIE_IND_ENGAGE_ETAT_NATIONAL,
        SPIE_IND_PAYE_ETAT_NATIONAL, SPIE_IND_PROJECTION_PAYE_FIN,       SPIE_IND_PROJECTION_PART_ENVELOPPE,
        SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS,
    };
    static const char *const heads[5] = {"Indicateur", "Valeur", "Borne basse", "Borne haute",
                                         "Effectif (mois de l'ajustement)"};
    char t[200], a[64], b[64];
    spie_wb_fr_month(a, sizeof a, w->in->params->window_start);
    spie_wb_fr_month(b, sizeof b, w->in->params->window_end);
    snprintf(t, sizeof t, "Enveloppe nationale (fenêtre de %s à %s) et projection", a, b);
    spie_wb_text(w, ws, r++, 0, t, w->f.subtitle);
    spie_wb_header_row(w, ws, r, 0, heads, 1);
    spie_wb_header_row(w, ws, r, 3, heads + 1, 4);
    r++;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(rows); i++, r++) {
        spie_ind_id id = spie_id(rows[i], 0);
        const spie_figure *f = spie_wb_fig(w, &w->units[0], id);
        bool pct = spie_ind_unit(id) == SPIE_UNIT_SHARE;
        char label[160];
        spie_ind_label(id, w->in->params, label, sizeof label);
        spie_wb_text(w, ws, r, 0, label, w->f.text);
        spie_wb_value(w, ws, r, 3, f, pct ? w->f.pct : w->f.real);
        spie_wb_interval(w, ws, r, 4, f, pct ? w->f.pct : w->f.money);
        spie_wb_effectif(w, ws, r, 6, f);
    }
    return r + 1;
}

/* The header of the monthly series from row r: Mois, the envelope's two columns
 * (national workbook), two per unit. Returns the column after the last. */
static lxw_col_t monthly_header(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    static const char *const mh[1] = {"Mois"};
    spie_wb_header_row(w, ws, r, 0, mh, 1);
    lxw_col_t c = 3;
    if (!w->region) {
        static const char *const eh[2] = {"Enveloppe (territoires et NAT) : payé dans le mois",
                                          "Enveloppe (territoires et NAT) : payé cumulé dans la fenêtre"};
        spie_wb_header_row(w, ws, r, c, eh, 2);
        c += 2;
    }
    for (size_t u = 0; u < w->n_units; u++, c += 2) {
        char l1[160], l2[160], nm[96];
        spie_wb_fr_unit_name(&w->units[u], false, nm, sizeof nm);
        snprintf(l1, sizeof l1, "%s : payé dans le mois", nm);
        snprintf(l2, sizeof l2, "%s : payé cumulé", nm);
        const char *ls[2] = {l1, l2};
        spie_wb_header_row(w, ws, r, c, ls, 2);
    }
    return c;
}

/* Monthly series from row r: one row per month from the window's start to P (the main
 * table has main_cols columns from column 3). */
static void monthly_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, size_t main_cols)
{
    const spie_params *p = w->in->params;
    spie_wb_text(w, ws, r++, 0, "Paiements mensuels de l'État (payé dans le mois et cumulé, paiements de 2020 inclus)",
                 w->f.subtitle);
    if (w->period < p->window_start) {
        spie_wb_text(w, ws, r, 0, "Aucun mois de la fenêtre de l'enveloppe avant la période.", w->f.note);
        return;
    }
    lxw_col_t c = monthly_header(w, ws, r);
    if (c > 3 + main_cols) /* columns past the main table's: wide enough for an amount */
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(3 + main_cols), (lxw_col_t)(c - 1), 15, NULL));
    r++;
    for (spie_month m = p->window_start; m <= w->period; m++, r++) {
        spie_wb_day(w, ws, r, 0, spie_month_first_day(m), w->f.month);
        c = 3;
        if (!w->region) {
            /* the envelope's series stops at the window's end: later months stay empty */
            if (m <= p->window_end) {
                spie_wb_value(w, ws, r, c, spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_PAYE_ENVELOPPE_MOIS, m)),
                              NULL);
                spie_wb_value(w, ws, r, c + 1,
                              spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_PAYE_ENVELOPPE_CUMUL, m)), NULL);
            }
            c += 2;
        }
        for (size_t u = 0; u < w->n_units; u++, c += 2) {
            spie_wb_value(w, ws, r, c, spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_PAYE_ETAT_MOIS, m)), NULL);
            spie_wb_value(w, ws, r, c + 1, spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_PAYE_ETAT_CUMUL, m)), NULL);
        }
    }
}

void spie_wb_sheet_budget(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Budget");
    if (!ws)
        return;
    char title[200], champ[500], lecture[500], a[64], b[64];
    snprintf(title, sizeof title, "Budget : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : lignes budgétaires des mois antérieurs ou égaux à %s (depuis 2020) des territoires du "
             "programme (%s) dont l'extrait budget est utilisable ; seules les lignes du financeur ÉTAT sont de "
             "l'argent de l'État ; les frais nationaux (NAT) n'entrent dans aucun total territorial.",
             w->period_words, spie_wb_scope(w));
    if (spie_wb_fr_figure(a, sizeof a, spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_PAYE_ETAT, 0)), false) &&
        spie_wb_fr_figure(b, sizeof b, spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_TAUX_CONSOMMATION, 0)), true))
        snprintf(lecture, sizeof lecture,
                 "Lecture : au %s, l'État a payé %s aux territoires pris en compte (%s), soit %s de leur allocation.",
                 w->ref_text, a, spie_wb_scope(w), b);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : le taux de consommation rapporte le payé par l'État à l'allocation de l'État.");
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);
    spie_wb_cols cs = {.n = 0};
    budget_cols(w, &cs);
    r = spie_wb_unit_table(w, ws, r, &cs) + 2;
    if (!w->region)
        r = envelope_table(w, ws, r) + 1;
    monthly_table(w, ws, r, cs.n);
}
