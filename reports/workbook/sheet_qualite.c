/* The Qualité des données sheet (docs/sorties.md §6): what was read, from the plan and the
 * reading results (the rows of qualite_<P>.csv for the workbook's territories), and the
 * other entries of the inbox. File names and motifs are extract text: written as text,
 * never as a formula.
 *
 * It may not look a figure up: this sheet shows no figure of the table. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "spie/quality.h"
#include "workbook_int.h"

enum { FIXED = 13 }; /* columns before the rejects by reason */

static bool entry_in_scope(const spie_wb *w, const spie_plan_entry *e)
{
    if (!w->region)
        return true;
    return e->terr && spie_wb_in_scope(w, e->terr->dept);
}

/* Whether another entry of the inbox belongs to the workbook; *named says whether its
 * name parsed (into *nm). The national workbook lists them all; a regional one those of
 * its départements. */
static bool other_in_scope(const spie_wb *w, const spie_plan_other *o, spie_extract_name *nm, bool *named)
{
    *named = spie_extract_name_parse(o->name, nm) == SPIE_NAME_OK;
    if (!w->region)
        return true;
    if (!*named)
        return false;
    const spie_dept *d = spie_dept_find(nm->dept, strlen(nm->dept));
    return d && spie_wb_in_scope(w, d);
}

static void month_cell(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_month m)
{
    spie_wb_day(w, ws, r, c, spie_month_first_day(m), w->f.month);
}

/* The header of the table of retained files in row r (the rejects, one column per reason). */
static void entries_header(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    static const char *const heads[FIXED] = {"Département", "Nom", "Type d'extrait", "Fichier retenu",
                                             "Mois du fichier", "Retard (mois)", "Statut", "Motif",
                                             "Lignes lues", "Lignes acceptées", "Lignes rejetées", "Lignes vides",
                                             "Transcodage (Windows-1252)"};
    static const double widths[FIXED] = {12, 24, 14, 40, 10, 9, 12, 50, 10, 10, 10, 9, 13};
    spie_wb_header_row(w, ws, r, 0, heads, FIXED);
    spie_wb_widths(w, ws, 0, widths, FIXED);
    for (int k = 0; k < SPIE_R_COUNT; k++) {
        char label[200];
        snprintf(label, sizeof label, "Rejets : %s (%s)", spie_reason_label((spie_reason)k),
                 spie_reason_code((spie_reason)k));
        const char *l = label;
        spie_wb_header_row(w, ws, r, (lxw_col_t)(FIXED + k), &l, 1);
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(FIXED + k), (lxw_col_t)(FIXED + k), 14, NULL));
    }
    spie_wb_check(w, worksheet_set_row(ws, r, 80, NULL));
}

/* One row per territory and kind (and NAT), from row r. Returns the row after them. */
static lxw_row_t entries_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_plan *plan = w->in->plan;
    lxw_row_t hdr = r;
    entries_header(w, ws, r++);
    for (size_t i = 0; i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        const spie_entry_result *res = &w->in->results[i];
        if (!entry_in_scope(w, e))
            continue;
        spie_wb_text(w, ws, r, 0, e->dept, w->f.text);
        spie_wb_text(w, ws, r, 1, e->terr ? e->terr->dept->name : "Frais nationaux de fonctionnement", w->f.text);
        spie_wb_text(w, ws, r, 2, spie_kind_name(e->kind), w->f.text);
        if (e->file) {
            spie_wb_text(w, ws, r, 3, e->file, w->f.text);
            month_cell(w, ws, r, 4, e->month);
            spie_wb_number(w, ws, r, 5, (double)(plan->period - e->month), w->f.count);
        }
        spie_wb_text(w, ws, r, 6, spie_entry_status_word(res->status), w->f.text);
        if (res->status == SPIE_ENTRY_MISSING) {
            spie_wb_text(w, ws, r, 7, "aucun fichier pour ce territoire et ce type", w->f.text);
        } else {
            const spie_file_report *rep = &res->rep;
            spie_wb_text(w, ws, r, 7, rep->motif, w->f.text);
            spie_wb_number(w, ws, r, 8, (double)rep->rows_read, w->f.count);
            spie_wb_number(w, ws, r, 9, (double)rep->rows_accepted, w->f.count);
            spie_wb_number(w, ws, r, 10, (double)rep->rows_rejected, w->f.count);
            spie_wb_number(w, ws, r, 11, (double)rep->empty_lines, w->f.count);
            spie_wb_text(w, ws, r, 12, rep->transcoded ? "oui" : "non", w->f.text);
            for (int k = 0; k < SPIE_R_COUNT; k++)
                spie_wb_number(w, ws, r, (lxw_col_t)(FIXED + k), (double)rep->by_reason[k], w->f.count);
        }
        r++;
    }
    worksheet_freeze_panes(ws, hdr + 1, 2);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r > hdr + 1 ? r - 1 : hdr + 1, FIXED + SPIE_R_COUNT - 1));
    return r;
}

/* The other entries of the inbox (not retained or ignored), from row r. */
static void others_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    const spie_plan *plan = w->in->plan;
    spie_wb_text(w, ws, r++, 0, "Autres fichiers de la boîte de dépôt (non retenus ou ignorés)", w->f.subtitle);
    static const char *const oh[6] = {"Département", "Type d'extrait", "Fichier", "Mois du fichier", "Statut",
                                      "Motif"};
    /* Same columns as above where they mean the same thing. */
    spie_wb_header_row(w, ws, r, 0, oh, 1);
    spie_wb_header_row(w, ws, r, 2, oh + 1, 1);
    spie_wb_header_row(w, ws, r, 3, oh + 2, 2);
    spie_wb_header_row(w, ws, r, 6, oh + 4, 2);
    r++;
    size_t shown = 0;
    for (size_t i = 0; i < plan->n_others; i++) {
        const spie_plan_other *o = &plan->others[i];
        spie_extract_name nm;
        bool named;
        if (!other_in_scope(w, o, &nm, &named))
            continue;
        if (named) {
            spie_wb_text(w, ws, r, 0, nm.dept, w->f.text);
            spie_wb_text(w, ws, r, 2, spie_kind_name(nm.kind), w->f.text);
            month_cell(w, ws, r, 4, nm.month);
        }
        spie_wb_text(w, ws, r, 3, o->name, w->f.text);
        spie_wb_text(w, ws, r, 6, o->status == SPIE_OTHER_NOT_RETAINED ? "non_retenu" : "ignore", w->f.text);
        spie_wb_text(w, ws, r, 7, o->reason, w->f.text);
        r++;
        shown++;
    }
    if (!shown)
        spie_wb_text(w, ws, r, 0, "Aucun.", w->f.note);
}

void spie_wb_sheet_qualite(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Qualité des données");
    if (!ws)
        return;
    char title[200], champ[400];
    snprintf(title, sizeof title, "Qualité des données : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : extraits de la boîte de dépôt pour %s, territoires du programme (%s)%s.", w->period_words,
             spie_wb_scope(w), w->region ? "" : " et budget national de fonctionnement (NAT)");
    lxw_row_t r = spie_wb_head(
        w, ws, title, champ,
        "Lecture : une ligne par territoire et par type d'extrait : le fichier retenu (le plus récent mois "
        "antérieur ou égal à la période), son retard en mois et ce que sa lecture a donné ; les colonnes « Rejets » "
        "comptent les lignes rejetées par motif, leur somme est le nombre de lignes rejetées.");
    r = entries_table(w, ws, r);
    others_table(w, ws, r + 2);
}
