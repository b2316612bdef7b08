/* The Budget sheet (docs/classeurs.md): money per unit, the national envelope and its
 * projection (national workbook), and the State's monthly payments with months in rows:
 * in the national workbook France, the envelope and the waves, then the régions'
 * cumulative payments; in a regional one the région and each of its départements (a late
 * département's months after its extract's show nd). Wide series are cut into tables of
 * a few columns, so that the sheet prints one page wide at a readable size.
 *
 * It may not write a figure other than through the tables of tables.c and the cell
 * writers of cells.c. */
#include <stdio.h>

#include "spie/date.h"
#include "workbook_int.h"

#define MONEY_W 12   /* an amount's column */
#define SERIES_MAX 10 /* columns of amounts in one monthly table */

static void budget_cols(spie_wb *w, spie_wb_cols *cs)
{
#define B(ind) spie_id(SPIE_IND_##ind, 0)
    spie_wb_col_add(w, cs, "Allocation de l'État", B(ALLOCATION_ETAT), SPIE_WB_VALUE, NULL, MONEY_W);
    spie_wb_col_add(w, cs, "Engagé par l'État", B(ENGAGE_ETAT), SPIE_WB_VALUE, NULL, MONEY_W);
    spie_wb_col_add(w, cs, "Payé par l'État", B(PAYE_ETAT), SPIE_WB_VALUE, NULL, MONEY_W);
    spie_wb_col_add(w, cs, "Taux d'engagement (engagé / allocation)", B(TAUX_ENGAGEMENT), SPIE_WB_VALUE, w->f.pct, 11);
    spie_wb_col_add(w, cs, "Taux de consommation (payé / allocation)", B(TAUX_CONSOMMATION), SPIE_WB_VALUE, w->f.pct,
                    11);
    for (int f = SPIE_FIN_DEPARTEMENT; f < SPIE_FIN_COUNT; f++)
        spie_wb_col_add(w, cs, NULL, spie_id(SPIE_IND_COFINANCEMENT, f), SPIE_WB_VALUE, NULL, MONEY_W);
    spie_wb_col_add(w, cs, "Coût par entrant (payé / entrants)", B(COUT_PAR_ENTRANT), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, "Entrants (diviseur)", B(COUT_PAR_ENTRANT), SPIE_WB_EFFECTIF, NULL, 9);
    spie_wb_col_add(w, cs, "Coût par reprise (payé / reprises)", B(COUT_PAR_REPRISE), SPIE_WB_VALUE, NULL, 10);
    spie_wb_col_add(w, cs, "Bénéficiaires avec reprise (diviseur)", B(COUT_PAR_REPRISE), SPIE_WB_EFFECTIF, NULL, 10);
#undef B
}

/* The envelope's figures and the projection (national workbook). */
static lxw_row_t envelope_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    static const spie_ind rows[] = {
        SPIE_IND_ENVELOPPE,          SPIE_IND_PART_ENVELOPPE_ALLOUEE,    SPIE_IND_PART_ENVELOPPE_ENGAGEE,
        SPIE_IND_PART_ENVELOPPE_PAYEE, SPIE_IND_RESTE_ENVELOPPE,         SPIE_IND_ENGAGE_ETAT_NATIONAL,
        SPIE_IND_PAYE_ETAT_NATIONAL, SPIE_IND_PROJECTION_PAYE_FIN,       SPIE_IND_PROJECTION_PART_ENVELOPPE,
        SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS,
    };
    const char *heads[4] = {"Valeur", "Borne basse", "Borne haute", "Mois de l'ajustement"};
    char t[300], a[64], b[64];
    spie_wb_fr_month(a, sizeof a, w->in->params->window_start);
    spie_wb_fr_month(b, sizeof b, w->in->params->window_end);
    snprintf(t, sizeof t, "Enveloppe nationale de l'État, frais nationaux et projection");
    r = spie_wb_table_title(w, pg, r, t);
    static const char *const h0[1] = {"Indicateur"};
    spie_wb_header_row(w, pg, r, 0, h0, 1);
    spie_wb_header_row(w, pg, r, 1, (const char *const[]){""}, 1);
    spie_wb_header_row(w, pg, r, 2, (const char *const[]){""}, 1);
    spie_wb_header_row(w, pg, r, 3, heads, 4);
    r++;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(rows); i++, r++) {
        spie_ind_id id = spie_id(rows[i], 0);
        const spie_figure *f = spie_wb_fig(w, &w->units[0], id);
        bool pct = spie_ind_unit(id) == SPIE_UNIT_SHARE;
        char label[160];
        spie_ind_label(id, w->in->params, label, sizeof label);
        /* the label across the three label columns, wrapped */
        double h = spie_wb_para_height(w, pg, 0, 2, label, w->f.wrap);
        if (h < SPIE_WB_ROW)
            h = SPIE_WB_ROW;
        r = spie_wb_data_row(w, pg, r, h);
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, 0, r, 2, label, w->f.wrap));
        spie_wb_check(w, worksheet_set_row(pg->ws, r, h, NULL));
        spie_wb_value(w, pg->ws, r, 3, f, pct ? w->f.pct : w->f.real);
        spie_wb_interval(w, pg->ws, r, 4, f, pct ? w->f.pct : w->f.money);
        spie_wb_effectif(w, pg->ws, r, 6, f);
    }
    spie_wb_table_end(pg);
    char signs[600];
    spie_wb_fr_signs(w, SPIE_WB_SIGNS_EXHAUSTION, signs, sizeof signs);
    char note[600];
    snprintf(note, sizeof note,
             "L'enveloppe compte les paiements de %s à %s. Les frais nationaux de fonctionnement (NAT) ne sont les "
             "dépenses d'aucun territoire : ils comptent dans l'enveloppe et dans aucun total territorial. La feuille "
             "Synthèse décompose l'enveloppe en payé aux territoires, frais nationaux et reste.",
             a, b);
    r = spie_wb_para(w, pg, r, note, w->f.note);
    return spie_wb_para(w, pg, r, signs, w->f.note);
}

/* One column of a monthly table: a unit's figure id(m) for each month m. */
typedef struct mcol {
    const spie_wb_unit *u;     /* NULL: France's envelope series */
    spie_ind mois;             /* the indicator whose argument is the month */
    char label[200];
} mcol;

/* Monthly tables: Mois, then the columns, cut into tables of SERIES_MAX columns. */
static lxw_row_t monthly_tables(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title, const mcol *cols,
                                size_t n)
{
    const spie_params *p = w->in->params;
    for (size_t first = 0; first < n; first += SERIES_MAX) {
        size_t k = n - first < SERIES_MAX ? n - first : SERIES_MAX;
        char t[240];
        snprintf(t, sizeof t, "%s%s", title, first ? " (suite)" : "");
        r = spie_wb_table_title(w, pg, r, t);
        static const char *const mh[3] = {"Mois", "", ""};
        spie_wb_header_row(w, pg, r, 0, mh, 3);
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, 0, r, 2, "Mois", w->f.header));
        const char *ls[SERIES_MAX];
        for (size_t i = 0; i < k; i++)
            ls[i] = cols[first + i].label;
        spie_wb_header_row(w, pg, r, 3, ls, k);
        r++;
        for (spie_month m = p->window_start; m <= w->period; m++, r++) {
            r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
            /* the month across the three label columns */
            spie_wb_check(w, worksheet_merge_range(pg->ws, r, 0, r, 2, "", w->f.month));
            spie_wb_day(w, pg->ws, r, 0, spie_month_first_day(m), w->f.month);
            for (size_t i = 0; i < k; i++) {
                const mcol *c = &cols[first + i];
                lxw_col_t cc = (lxw_col_t)(3 + i);
                if (c->mois == SPIE_IND_PAYE_ENVELOPPE_MOIS || c->mois == SPIE_IND_PAYE_ENVELOPPE_CUMUL) {
                    if (m > p->window_end) /* the envelope's series stops at the window's end */
                        continue;
                    spie_wb_value(w, pg->ws, r, cc, spie_wb_fig(w, &w->units[0], spie_id(c->mois, m)), NULL);
                } else {
                    spie_wb_value(w, pg->ws, r, cc, spie_wb_fig(w, c->u, spie_id(c->mois, m)), NULL);
                }
            }
        }
        spie_wb_table_end(pg);
    }
    return r;
}

static void mcol_set(mcol *c, const spie_wb_unit *u, spie_ind ind, const char *label)
{
    c->u = u;
    c->mois = ind;
    snprintf(c->label, sizeof c->label, "%s", label);
}

/* The monthly series: national: France, the envelope and the waves, then the régions'
 * cumulative; regional: the région and its départements, paid in the month, then
 * cumulative. */
static lxw_row_t monthly(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    if (w->period < p->window_start)
        return spie_wb_para(w, pg, r, "Paiements mensuels : aucun mois de la fenêtre de l'enveloppe avant la période.",
                            w->f.note);
    mcol cols[128];
    size_t n = 0;
    char nm[128], l[160];
    if (!w->region) {
        mcol_set(&cols[n++], &w->units[0], SPIE_IND_PAYE_ETAT_MOIS, "France : payé dans le mois");
        mcol_set(&cols[n++], &w->units[0], SPIE_IND_PAYE_ETAT_CUMUL, "France : payé cumulé (depuis 2020)");
        mcol_set(&cols[n++], NULL, SPIE_IND_PAYE_ENVELOPPE_MOIS, "Enveloppe (territoires et NAT) : payé dans le mois");
        mcol_set(&cols[n++], NULL, SPIE_IND_PAYE_ENVELOPPE_CUMUL,
                 "Enveloppe (territoires et NAT) : payé cumulé dans la fenêtre");
        for (size_t u = 1; u < w->first_dept && n < 128; u++)
            if (w->units[u].level == SPIE_LEVEL_VAGUE) {
                spie_wb_fr_unit_marked(&w->units[u], true, nm, sizeof nm);
                snprintf(l, sizeof l, "%s : payé cumulé", nm);
                mcol_set(&cols[n++], &w->units[u], SPIE_IND_PAYE_ETAT_CUMUL, l);
            }
        r = monthly_tables(w, pg, r, "Paiements mensuels de l'État : France, enveloppe et vagues", cols, n);
        r = spie_wb_table_notes(w, pg, r, 0, true) + 1;
        n = 0;
        for (size_t u = 1; u < w->first_dept && n < 128; u++)
            if (w->units[u].level == SPIE_LEVEL_REGION) {
                spie_wb_fr_unit_marked(&w->units[u], true, nm, sizeof nm);
                mcol_set(&cols[n++], &w->units[u], SPIE_IND_PAYE_ETAT_CUMUL, nm);
            }
        r = monthly_tables(w, pg, r, "Payé cumulé par l'État (depuis 2020), par région", cols, n);
        return spie_wb_para(w, pg, r,
                            "Les séries mensuelles de chaque département sont dans le classeur de sa région et dans le "
                            "fichier des indicateurs.",
                            w->f.note);
    }
    for (int pass = 0; pass < 2; pass++) {
        spie_ind ind = pass ? SPIE_IND_PAYE_ETAT_CUMUL : SPIE_IND_PAYE_ETAT_MOIS;
        n = 0;
        for (size_t u = 0; u < w->n_units && n < 128; u++) {
            if (w->units[u].comparison)
                continue;
            spie_wb_fr_unit_marked(&w->units[u], true, nm, sizeof nm);
            mcol_set(&cols[n++], &w->units[u], ind, nm);
        }
        r = monthly_tables(w, pg, r,
                           pass ? "Payé cumulé par l'État (depuis 2020), par territoire"
                                : "Payé par l'État dans le mois, par territoire",
                           cols, n);
        r = spie_wb_table_notes(w, pg, r, 0, true) + 1;
    }
    return r;
}

void spie_wb_sheet_budget(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Budget");
    if (!ws)
        return;
    spie_wb_cols cs = {.n = 0};
    budget_cols(w, &cs);
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, &pg, c, spie_wb_unit_widths[c]);
    for (size_t i = 0; i < cs.n; i++)
        spie_wb_page_width(w, &pg, (lxw_col_t)(3 + i), cs.c[i].width);
    pg.ncols = (lxw_col_t)(3 + cs.n);

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
                 "Lecture : au %s, l'État a payé %s aux territoires pris en compte (%s%s), soit %s de leur "
                 "allocation.",
                 w->ref_text, a, spie_wb_scope(w),
                 w->units[0].marks & SPIE_WB_MARK_PARTIAL ? ", chiffre partiel (p) : voir les notes" : "", b);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : le taux de consommation rapporte le payé par l'État à l'allocation de l'État.");
    lxw_row_t r = spie_wb_head(w, &pg, title, champ, lecture);
    char t[200];
    snprintf(t, sizeof t, "Budget de l'État et cofinancements, par territoire");
    r = spie_wb_unit_table(w, &pg, r, t, &cs, true);
    r = spie_wb_para(w, &pg, r,
                     "Un taux d'engagement au-dessus de 100 % est un engagement au-delà de l'allocation ; un paiement "
                     "mensuel négatif est une correction (reversement, annulation). Les coûts unitaires ne portent que "
                     "sur les territoires pris en compte à la fois pour les personnes et pour le budget.",
                     w->f.note);
    r = spie_wb_table_notes(w, &pg, r, 0, true) + 1;
    if (!w->region)
        r = envelope_table(w, &pg, r) + 1;
    monthly(w, &pg, r);
    spie_wb_page_close(w, &pg);
}
