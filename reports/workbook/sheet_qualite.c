/* The Qualité des données sheet (docs/classeurs.md): what was read, from the plan and the
 * reading results (the rows of qualite_<P>.csv for the workbook's territories, in words:
 * "bénéficiaires", "lu", "aucun fichier"), the previous publication's accepted rows and the
 * continuity of each extract ("continu", "rupture" with its reasons in the motif, "sans
 * référence": docs/methodologie.md §11), the rejected rows by reason (narrow columns under
 * turned headers), and the other entries of the inbox ("non retenu", "ignoré").
 * File names and motifs are extract text: written as text, never as a formula.
 *
 * It may not look a figure up: this sheet shows no figure of the table. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "workbook_int.h"

enum { FIXED = 14 }; /* columns before the rejects by reason */
enum { COL_PREV = 9 }; /* the previous publication's accepted rows, then the continuity */

static const double widths[FIXED] = {22, 12, 34, 9, 8, 12, 28, 9, 9, 12, 11, 9, 7, 11};

/* The reasons in a few words, for the turned headers. */
static const char *const reason_short[SPIE_R_COUNT] = {
    "Nombre de champs", "Champ obligatoire vide", "Identifiant invalide", "Date invalide",
    "Code inconnu",     "Montant invalide",      "Autre département",    "Date après la période",
    "Date avant 2020",  "Année de naissance",    "Doublon",              "Bénéficiaire inconnu",
    "Étape avant l'entrée", "Type manquant"};

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

/* "Somme (80)", or the code alone when it names no département ("NAT": national costs). */
static void dept_label(const char *code, char *buf, size_t size)
{
    const spie_dept *d = strcmp(code, "NAT") ? spie_dept_find(code, strlen(code)) : NULL;
    if (d)
        snprintf(buf, size, "%s (%s)", d->name, d->code);
    else if (!strcmp(code, "NAT"))
        snprintf(buf, size, "Frais nationaux (NAT)");
    else
        snprintf(buf, size, "%s", code);
}

/* The header of the table of retained files in row r (the rejects, one turned column per
 * reason). */
static void entries_header(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    char prev[80];
    spie_month q = spie_wb_previous_month(w);
    if (q != SPIE_NO_MONTH) {
        char m[24];
        spie_wb_fr_month(m, sizeof m, q);
        snprintf(prev, sizeof prev, "Lignes acceptées en %s", m);
    } else {
        snprintf(prev, sizeof prev, "Lignes acceptées, publication précédente");
    }
    const char *const heads[FIXED] = {
        "Territoire",         "Type d'extrait", "Fichier retenu", "Mois du fichier",  "Retard (mois)",
        "Lecture du fichier", "Motif",          "Lignes lues",    "Lignes acceptées", prev,
        "Continuité",         "Lignes rejetées", "Lignes vides",  "Transcodage (Windows-1252)"};
    spie_wb_header_row(w, pg, r, 0, heads, FIXED);
    spie_wb_header_row_rot(w, pg, r, FIXED, reason_short, SPIE_R_COUNT);
}

/* What the continuity columns say, under the table. */
static lxw_row_t continuity_note(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    char note[1200], q[40], list[400];
    spie_month qm = spie_wb_previous_month(w);
    if (qm == SPIE_NO_MONTH)
        return spie_wb_para(w, pg, r,
                            "Continuité : aucune publication précédente dans le dossier de sortie : la continuité des "
                            "extraits n'est pas contrôlée ce mois-ci (sans référence).",
                            w->f.note);
    spie_wb_fr_of_month(q, sizeof q, qm);
    size_t n = spie_wb_breaks(w, list, sizeof list);
    char pct[24];
    spie_wb_fr_pct1(pct, sizeof pct, w->in->params->continuity_max_drop);
    snprintf(note, sizeof note,
             "Continuité : les extraits sont cumulatifs ; chacun est comparé au même territoire et au même type de la "
             "publication %s. Rupture : les lignes acceptées baissent de plus de %s, ou l'extrait, utilisable dans "
             "la publication %s, est devenu inutilisable ou manquant, ou son mois a reculé (le motif dit "
             "laquelle) ; continu : aucune de ces conditions ; sans référence : pas de ligne à comparer dans la "
             "publication %s. %s%s%s",
             q, pct, q, q, n ? "Ruptures : " : "Aucune rupture.", n ? list : "", n ? "." : "");
    return spie_wb_para(w, pg, r, note, n ? w->f.alert : w->f.note);
}

/* One row per territory and kind (and NAT), from row r. Returns the row after them. */
static lxw_row_t entries_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_plan *plan = w->in->plan;
    lxw_worksheet *ws = pg->ws;
    char t[200];
    snprintf(t, sizeof t, "Extraits retenus et lignes rejetées, par territoire et type d'extrait");
    r = spie_wb_table_title(w, pg, r, t);
    lxw_row_t hdr = r;
    entries_header(w, pg, r++);
    for (size_t i = 0; i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        const spie_entry_result *res = &w->in->results[i];
        if (!spie_wb_entry_in_scope(w, e))
            continue;
        const char *base = res->status == SPIE_ENTRY_MISSING ? "aucun fichier pour ce territoire et ce type"
                                                            : res->rep.motif;
        /* a continuity break's reasons after the motif, as in qualite_<P>.csv */
        const spie_continuity *ct = w->in->continuity && w->in->previous_period ? &w->in->continuity[i] : NULL;
        bool rupture = ct && ct->status == SPIE_CONT_BREAK;
        char motif[sizeof res->rep.motif + sizeof ct->motif + 4];
        snprintf(motif, sizeof motif, "%s%s%s", base, rupture && base[0] && ct->motif[0] ? " ; " : "",
                 rupture ? ct->motif : "");
        /* the motif wrapped in its column, the row as high as it needs */
        int lines = motif[0] ? spie_wb_lines(motif, widths[6] * 1.1, false) : 1;
        double h = lines > 1 ? spie_wb_line_height(lines, 10) : SPIE_WB_ROW;
        r = spie_wb_data_row(w, pg, r, h);
        if (lines > 1)
            spie_wb_check(w, worksheet_set_row(ws, r, h, NULL));
        char lab[96];
        dept_label(e->dept, lab, sizeof lab);
        spie_wb_text(w, ws, r, 0, lab, w->f.text);
        spie_wb_text(w, ws, r, 1, spie_wb_kind_label(e->kind), w->f.text);
        if (e->file) {
            spie_wb_text(w, ws, r, 2, e->file, w->f.text);
            month_cell(w, ws, r, 3, e->month);
            spie_wb_number(w, ws, r, 4, (double)(plan->period - e->month), w->f.count);
        }
        spie_wb_text(w, ws, r, 5, spie_wb_entry_status_label(res->status), w->f.text);
        if (motif[0])
            spie_wb_text(w, ws, r, 6, motif, lines > 1 ? w->f.wrap : w->f.text);
        if (res->status != SPIE_ENTRY_MISSING) {
            const spie_file_report *rep = &res->rep;
            spie_wb_number(w, ws, r, 7, (double)rep->rows_read, w->f.count);
            spie_wb_number(w, ws, r, 8, (double)rep->rows_accepted, w->f.count);
            spie_wb_number(w, ws, r, 11, (double)rep->rows_rejected, w->f.count);
            spie_wb_number(w, ws, r, 12, (double)rep->empty_lines, w->f.count);
            spie_wb_text(w, ws, r, 13, rep->transcoded ? "oui" : "non", w->f.text);
            for (int k = 0; k < SPIE_R_COUNT; k++)
                spie_wb_number(w, ws, r, (lxw_col_t)(FIXED + k), (double)rep->by_reason[k], w->f.count);
        }
        bool has_prev = ct && ct->status != SPIE_CONT_NONE && ct->has_prev_accepted;
        spie_wb_continuity_cells(w, ws, r, COL_PREV, has_prev, has_prev ? ct->prev_accepted : 0, rupture);
        r++;
    }
    spie_wb_table_end(pg);
    pg->label_cols = 2;
    worksheet_freeze_panes(ws, hdr + 1, 2);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r > hdr + 1 ? r - 1 : hdr + 1, FIXED + SPIE_R_COUNT - 1));
    r = spie_wb_para(w, pg, r,
                     "Retard : nombre de mois entre le mois du fichier retenu et la période (le fichier retenu est le "
                     "plus récent d'un mois antérieur ou égal à la période). Lecture du fichier : lu, inutilisable "
                     "(le motif dit pourquoi) ou aucun fichier. Les colonnes de motifs comptent les lignes rejetées ; "
                     "leur somme est le nombre de lignes rejetées ; chaque ligne rejetée est dans le fichier des rejets "
                     "avec son motif en toutes lettres.",
                     w->f.note);
    r = continuity_note(w, pg, r);
    return spie_wb_table_notes(w, pg, r, 0, false);
}

/* The other entries of the inbox (not retained or ignored), from row r. */
static void others_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_plan *plan = w->in->plan;
    lxw_worksheet *ws = pg->ws;
    r = spie_wb_table_title(w, pg, r, "Autres fichiers de la boîte de dépôt (non retenus ou ignorés)");
    static const char *const oh[7] = {"Territoire", "Type d'extrait", "Fichier", "Mois du fichier", "",
                                      "Statut", "Motif"};
    spie_wb_header_row(w, pg, r, 0, oh, 7);
    r++;
    size_t shown = 0;
    for (size_t i = 0; i < plan->n_others; i++) {
        const spie_plan_other *o = &plan->others[i];
        spie_extract_name nm;
        bool named;
        if (!other_in_scope(w, o, &nm, &named))
            continue;
        int lines = spie_wb_lines(o->reason, widths[6] * 1.1, false);
        double h = lines > 1 ? spie_wb_line_height(lines, 10) : SPIE_WB_ROW;
        r = spie_wb_data_row(w, pg, r, h);
        if (lines > 1)
            spie_wb_check(w, worksheet_set_row(ws, r, h, NULL));
        if (named) {
            char lab[96];
            dept_label(nm.dept, lab, sizeof lab);
            spie_wb_text(w, ws, r, 0, lab, w->f.text);
            spie_wb_text(w, ws, r, 1, spie_wb_kind_label(nm.kind), w->f.text);
            month_cell(w, ws, r, 3, nm.month);
        }
        spie_wb_text(w, ws, r, 2, o->name, w->f.text);
        spie_wb_text(w, ws, r, 5, o->status == SPIE_OTHER_NOT_RETAINED ? "non retenu" : "ignoré", w->f.text);
        spie_wb_text(w, ws, r, 6, o->reason, lines > 1 ? w->f.wrap : w->f.text);
        r++;
        shown++;
    }
    spie_wb_table_end(pg);
    if (!shown)
        spie_wb_para(w, pg, r, "Aucun.", w->f.note);
}

void spie_wb_continuity_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, bool has_previous,
                              uint64_t previous_accepted, bool rupture)
{
    if (!has_previous) {
        spie_wb_text(w, ws, r, c + 1, "sans référence", w->f.text);
        return;
    }
    spie_wb_number(w, ws, r, c, (double)previous_accepted, w->f.count);
    spie_wb_text(w, ws, r, c + 1, rupture ? "rupture" : "continu", rupture ? w->f.flag : w->f.text);
}

void spie_wb_sheet_qualite(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Qualité des données");
    if (!ws)
        return;
    for (lxw_col_t c = 0; c < FIXED; c++)
        spie_wb_page_width(w, &pg, c, widths[c]);
    for (lxw_col_t c = FIXED; c < FIXED + SPIE_R_COUNT; c++)
        spie_wb_page_width(w, &pg, c, 5);
    pg.ncols = FIXED + SPIE_R_COUNT;
    char title[200], champ[400];
    snprintf(title, sizeof title, "Qualité des données : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : extraits de la boîte de dépôt pour %s, territoires du programme (%s)%s.", w->period_words,
             spie_wb_scope(w), w->region ? "" : " et budget national de fonctionnement (NAT)");
    lxw_row_t r = spie_wb_head(
        w, &pg, title, champ,
        "Lecture : une ligne par territoire et par type d'extrait : le fichier retenu, son retard en mois et ce que "
        "sa lecture a donné ; les colonnes de motifs comptent les lignes rejetées par motif.");
    r = entries_table(w, &pg, r);
    others_table(w, &pg, r + 1);
    spie_wb_page_close(w, &pg);
}
