/* The Délais sheet (docs/classeurs.md): a "Comment lire" block in plain French (completed
 * and ongoing delays, the two medians, the share within target and its interval), then
 * one numbered table per configured pair, one row per unit (the national workbook: France,
 * the régions and the waves, then every département's Kaplan–Meier medians and shares
 * within target in one table), with the counts, statistics, Kaplan–Meier median and share
 * within target of §5 of the dictionary. A table that goes on to a new page repeats its
 * title there, so every printed page names its pair.
 *
 * It may not write a figure other than through the tables of tables.c. */
#include <stdio.h>
#include <string.h>

#include "workbook_int.h"

/* The short name of a pair for its column: "Entrée → orientation", "Diagnostic → contrat". */
static void pair_short(const spie_pair *pr, char *buf, size_t size)
{
    static const char *const words[SPIE_EP_COUNT] = {"Entrée",   "Orientation", "Diagnostic", "Contrat",
                                                     "Solution", "Reprise",     "Suivi",      "Reprise durable"};
    const char *a = (unsigned)pr->from < SPIE_EP_COUNT ? words[pr->from] : "?";
    const char *b = (unsigned)pr->to < SPIE_EP_COUNT ? words[pr->to] : "?";
    char lb[40];
    snprintf(lb, sizeof lb, "%s", b);
    if (lb[0] >= 'A' && lb[0] <= 'Z')
        lb[0] = (char)(lb[0] - 'A' + 'a');
    snprintf(buf, size, "%s → %s", a, lb);
}

/* The columns of pair i. */
static void delay_cols(spie_wb *w, spie_wb_cols *cs, int i, int target)
{
    char part[112];
    snprintf(part, sizeof part, "Part dans la cible (délai terminé en %d jours au plus)", target);
#define D(label, ind, what, width) spie_wb_col_add(w, cs, label, spie_id(SPIE_IND_DELAI_##ind, i), what, NULL, width)
    D("Population (étape de départ atteinte)", POPULATION, SPIE_WB_VALUE, 11);
    D("Délais terminés", TERMINES, SPIE_WB_VALUE, 9);
    D("Délais en cours (censurés)", CENSURES, SPIE_WB_VALUE, 9);
    D("Incohérents (arrivée avant départ)", INCOHERENTS, SPIE_WB_VALUE, 11);
    D("Moyenne des délais terminés", MOYENNE, SPIE_WB_VALUE, 9);
    D("Écart-type", ECART_TYPE, SPIE_WB_VALUE, 9);
    D("Minimum", MIN, SPIE_WB_VALUE, 8);
    D("1er quartile", P25, SPIE_WB_VALUE, 8);
    D("Médiane des délais terminés", MEDIANE, SPIE_WB_VALUE, 9);
    D("3e quartile", P75, SPIE_WB_VALUE, 8);
    D("9e décile", P90, SPIE_WB_VALUE, 8);
    D("Maximum", MAX, SPIE_WB_VALUE, 8);
    D("Médiane de Kaplan–Meier (délais en cours compris)", KM_MEDIANE, SPIE_WB_VALUE, 12);
    D("Effectif Kaplan–Meier", KM_MEDIANE, SPIE_WB_EFFECTIF, 9);
    D(part, PART_CIBLE, SPIE_WB_VALUE, 10);
    D("Borne basse", PART_CIBLE, SPIE_WB_LO, 8);
    D("Borne haute", PART_CIBLE, SPIE_WB_HI, 8);
    D("Effectif de la part", PART_CIBLE, SPIE_WB_EFFECTIF, 9);
#undef D
    /* reals here are days, with one decimal; the share is a percentage */
    for (size_t k = 0; k < cs->n; k++)
        cs->c[k].fmt = spie_ind_unit(cs->c[k].id) == SPIE_UNIT_SHARE ? w->f.pct : w->f.days;
}

/* The plain French of the sheet: what a completed and an ongoing delay are, the two
 * medians, the share within target and its interval. */
static lxw_row_t how_to_read(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    char lv[16], t[1600];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    r = spie_wb_para(w, pg, r, "Comment lire ces tableaux", w->f.para_bold);
    r = spie_wb_para(w, pg, r,
                     "Un délai est le nombre de jours entre deux étapes du parcours d'un bénéficiaire, par exemple de "
                     "son entrée à sa première orientation. Il est terminé quand le bénéficiaire a franchi la seconde "
                     "étape. Il est en cours (on dit « censuré ») quand il ne l'a pas encore franchie : on sait "
                     "seulement que son délai dépasse déjà le temps écoulé depuis la première étape.",
                     w->f.para);
    r = spie_wb_para(w, pg, r,
                     "La moyenne, la médiane et les quartiles ne portent que sur les délais terminés : ils laissent de "
                     "côté les bénéficiaires qui attendent encore, et sont donc courts par construction quand beaucoup "
                     "de délais sont en cours. La médiane de Kaplan–Meier compte aussi les délais en cours : c'est la "
                     "durée au bout de laquelle la moitié de tous les bénéficiaires ont franchi l'étape. Elle est "
                     "plus longue que la médiane des délais terminés quand beaucoup attendent encore, et « non "
                     "atteinte » quand moins de la moitié l'ont franchie à la fin du suivi observé.",
                     w->f.para);
    snprintf(t, sizeof t,
             "La part dans la cible est la part des bénéficiaires dont le délai s'est terminé dans la cible (30 jours "
             "pour l'orientation, par exemple), parmi ceux dont l'étape de départ date d'au moins la cible. Elle est "
             "donnée avec son intervalle de confiance à %s : la fourchette où se trouve la vraie part avec une "
             "confiance de %s, d'autant plus large que l'effectif est petit. Pour le délai de l'entrée à la reprise "
             "d'activité, la part dans la cible de 180 jours est proche du taux de reprise à 6 mois (feuille Reprise "
             "d'activité) sans lui être égale : elle compte 180 jours exactement et non 6 mois de calendrier (181 à "
             "184 jours), sur les bénéficiaires entrés depuis 180 jours au moins.",
             lv, lv);
    return spie_wb_para(w, pg, r, t, w->f.para) + 1;
}

/* The note of the medians not reached: the longest follow-up observed, per unit (a few). */
static lxw_row_t not_reached(spie_wb *w, spie_wb_page *pg, lxw_row_t r, int pair, size_t last)
{
    char note[900];
    size_t k = 0;
    int n = 0, more = 0;
    for (size_t u = 0; u < last; u++) {
        const spie_figure *f = spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_DELAI_KM_MEDIANE, pair));
        char buf[64];
        const char *sign = f ? spie_wb_sign(w, f, buf, sizeof buf) : NULL;
        if (!sign || strcmp(sign, "non atteinte") != 0)
            continue;
        if (f->num <= 0 || (w->in->params->secret && f->effectif < w->in->params->secret_k))
            continue;
        if (n == 8) {
            more++;
            continue;
        }
        char nm[96], d[32];
        spie_wb_fr_unit_name(&w->units[u], !n, nm, sizeof nm);
        spie_wb_fr_int(d, sizeof d, f->num);
        k += (size_t)snprintf(note + k, sizeof note - k, "%s%s %s jours", n ? " ; " : "", nm, d);
        n++;
        if (k >= sizeof note)
            return r;
    }
    if (!n)
        return r;
    char all[1100];
    snprintf(all, sizeof all,
             "Médiane de Kaplan–Meier non atteinte : moins de la moitié des bénéficiaires ont franchi l'étape au "
             "terme du plus long suivi observé, qui est de : %s%s.",
             note, more ? " ; …" : "");
    return spie_wb_para(w, pg, r, all, w->f.note);
}

/* National workbook: every département's Kaplan–Meier median and share within target of
 * every pair. Returns the row after its notes. */
static lxw_row_t dept_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    const spie_params *p = w->in->params;
    spie_wb_cols cs = {.n = 0};
    for (size_t i = 0; i < p->n_pairs && cs.n + 2 <= SPIE_WB_MAX_COLS; i++) {
        char ps[48], l[112];
        pair_short(&p->pairs[i], ps, sizeof ps);
        snprintf(l, sizeof l, "%s : médiane de Kaplan–Meier", ps);
        spie_wb_col_add(w, &cs, l, spie_id(SPIE_IND_DELAI_KM_MEDIANE, (int32_t)i), SPIE_WB_VALUE, w->f.days, 11);
        snprintf(l, sizeof l, "%s : part en %d jours au plus", ps, p->pairs[i].target);
        spie_wb_col_add(w, &cs, l, spie_id(SPIE_IND_DELAI_PART_CIBLE, (int32_t)i), SPIE_WB_VALUE, w->f.pct, 10);
    }
    r = spie_wb_table_title(w, pg, r, "Délais par département : médianes de Kaplan–Meier et parts dans la cible");
    static const char *const heads[3] = {"Niveau", "Code", "Territoire"};
    spie_wb_header_row(w, pg, r, 0, heads, 3);
    spie_wb_col_headers(w, pg, r, 3, &cs);
    r++;
    for (size_t u = w->first_dept; u < w->n_units; u++, r++) {
        r = spie_wb_data_row(w, pg, r, SPIE_WB_ROW);
        spie_wb_unit_cells(w, pg->ws, r, 0, &w->units[u]);
        spie_wb_fig_cells(w, pg->ws, r, 3, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", &cs, false);
    }
    spie_wb_table_end(pg);
    r = spie_wb_para(w, pg, r,
                     "Toutes les statistiques de chaque département (délais terminés, quartiles, effectifs) sont dans "
                     "le classeur de sa région et dans le fichier des indicateurs.",
                     w->f.note);
    return spie_wb_table_notes(w, pg, r, SPIE_WB_SIGNS_MEDIAN, false) + 1;
}

void spie_wb_sheet_delais(spie_wb *w)
{
    spie_wb_page pg;
    lxw_worksheet *ws = spie_wb_page_open(w, &pg, "Délais");
    if (!ws)
        return;
    const spie_params *p = w->in->params;
    spie_wb_cols cs = {.n = 0};
    delay_cols(w, &cs, 0, p->n_pairs ? p->pairs[0].target : 30); /* the columns are those of every pair */
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, &pg, c, spie_wb_unit_widths[c]);
    for (size_t i = 0; i < cs.n; i++)
        spie_wb_page_width(w, &pg, (lxw_col_t)(3 + i), cs.c[i].width);
    pg.ncols = (lxw_col_t)(3 + cs.n);

    char title[200], champ[400], lecture[600];
    snprintf(title, sizeof title, "Délais entre étapes du parcours : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : pour chaque délai, bénéficiaires ayant atteint l'étape de départ, dans les territoires du "
             "programme (%s) dont les extraits bénéficiaires et étapes sont utilisables ; délais en jours entiers.",
             spie_wb_scope(w));
    int kp = spie_wb_key_pair(w);
    char km[40], part[40];
    lecture[0] = 0;
    if (kp >= 0) {
        const spie_pair *pr = &p->pairs[kp];
        const spie_figure *fkm = spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_KM_MEDIANE, kp));
        bool ok_km = spie_wb_fr_figure(km, sizeof km, fkm, false);
        bool ok_part = spie_wb_fr_figure(part, sizeof part,
                                         spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_PART_CIBLE, kp)), true);
        if (ok_km && ok_part)
            snprintf(lecture, sizeof lecture,
                     "Lecture : %s, la moitié des bénéficiaires atteignent l'étape « %s » %s jours au plus après "
                     "l'étape « %s » (médiane de Kaplan–Meier, délais en cours compris) ; %s l'atteignent en %d jours "
                     "au plus.",
                     spie_wb_scope(w), spie_wb_endpoint_label(pr->to), km, spie_wb_endpoint_label(pr->from), part,
                     pr->target);
    }
    if (!lecture[0])
        snprintf(lecture, sizeof lecture,
                 "Lecture : la médiane de Kaplan–Meier est le délai au bout duquel la moitié des bénéficiaires ont "
                 "franchi l'étape, en tenant compte des délais encore en cours.");
    lxw_row_t r = spie_wb_head(w, &pg, title, champ, lecture);
    r = how_to_read(w, &pg, r);

    static const char *const heads[3] = {"Niveau", "Code", "Territoire"};
    bool first = true;
    for (size_t i = 0; i < p->n_pairs; i++) {
        const spie_pair *pr = &p->pairs[i];
        char t[200], pl[80];
        spie_wb_pair_label(pr, false, pl, sizeof pl);
        snprintf(t, sizeof t, "Délai %s, en jours (cible : %d jours)", pl, pr->target);
        r = spie_wb_table_title(w, &pg, r, t);
        cs.n = 0;
        delay_cols(w, &cs, (int)i, pr->target);
        lxw_row_t hdr = r;
        spie_wb_header_row(w, &pg, r, 0, heads, 3);
        spie_wb_col_headers(w, &pg, r, 3, &cs);
        r++;
        /* the national workbook: France, the régions and the waves (each département's
         * statistics are in its région's workbook, and its key figures in the table below) */
        size_t last = w->region ? w->n_units : w->first_dept;
        for (size_t u = 0; u < last; u++, r++) {
            r = spie_wb_data_row(w, &pg, r, SPIE_WB_ROW);
            spie_wb_unit_cells(w, ws, r, 0, &w->units[u]);
            spie_wb_fig_cells(w, ws, r, 3, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", &cs,
                              w->units[u].comparison);
        }
        spie_wb_table_end(&pg);
        if (first) {
            pg.label_cols = 3;
            worksheet_freeze_panes(ws, hdr + 1, 3);
            spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, (lxw_col_t)(2 + cs.n)));
            first = false;
        }
        r = not_reached(w, &pg, r, (int)i, last);
        r = spie_wb_table_notes(w, &pg, r, SPIE_WB_SIGNS_MEDIAN, false) + 1;
    }
    if (!w->region && p->n_pairs)
        r = dept_table(w, &pg, r);
    if (!p->n_pairs) {
        /* no pair in force: the header alone, so that the sheet keeps its columns */
        lxw_row_t hdr = r;
        spie_wb_header_row(w, &pg, r, 0, heads, 3);
        spie_wb_col_headers(w, &pg, r, 3, &cs);
        worksheet_freeze_panes(ws, hdr + 1, 3);
        spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, hdr + 1, (lxw_col_t)(2 + cs.n)));
        spie_wb_para(w, &pg, r + 1, "Aucun délai n'est configuré.", w->f.note);
    }
    spie_wb_page_close(w, &pg);
}
