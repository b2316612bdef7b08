/* The Reprise d'activité sheet (docs/classeurs.md): a "Comment lire" block in plain French
 * (a rate at h months and on whom, the durable rate, the interval, the incidence curve,
 * the rates on the national mix), the return rates of every horizon with their intervals,
 * per unit; the rates on the national mix of publics (docs/methodologie.md §12) beside the
 * observed rates, per unit, for any return and for a durable one: expected rate, observed /
 * expected ratio with its interval and its mark (▲ ▼ when the interval excludes 1),
 * standardised rate; the rates by breakdown and by entry quarter, and the cumulative
 * incidence curve of every unit (one row per unit, one column per 90 days) (§6 of the
 * dictionary). Every table's columns are set before the first row is written: the sheet
 * prints at the scale of its widest table.
 *
 * It may not write a figure other than through the tables of tables.c and the cell
 * writers of cells.c. */
#include <math.h>
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

/* The rates on the national mix of publics (docs/methodologie.md §12), per horizon: the
 * observed rate beside the expected rate, the observed / expected ratio with its interval
 * and its mark, and the standardised rate. */
static void mix_cols(spie_wb *w, spie_wb_cols *cs, bool durable)
{
    const spie_params *p = w->in->params;
    spie_ind rate = durable ? SPIE_IND_TAUX_REPRISE_DURABLE : SPIE_IND_TAUX_REPRISE;
    spie_ind expected = durable ? SPIE_IND_TAUX_REPRISE_DURABLE_ATTENDU : SPIE_IND_TAUX_REPRISE_ATTENDU;
    spie_ind ratio = durable ? SPIE_IND_RATIO_REPRISE_DURABLE : SPIE_IND_RATIO_REPRISE;
    spie_ind std = durable ? SPIE_IND_TAUX_REPRISE_DURABLE_STANDARDISE : SPIE_IND_TAUX_REPRISE_STANDARDISE;
    for (size_t i = 0; i < p->n_horizons; i++) {
        int h = p->horizons[i];
        char label[112];
        snprintf(label, sizeof label, "Taux observé à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(rate, h), SPIE_WB_VALUE, w->f.pct, 8);
        snprintf(label, sizeof label, "Taux attendu à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(expected, h), SPIE_WB_VALUE, w->f.pct, 8);
        snprintf(label, sizeof label, "Ratio observé / attendu à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(ratio, h), SPIE_WB_VALUE, w->f.ratio, 8);
        spie_wb_col_add(w, cs, "Borne basse", spie_id(ratio, h), SPIE_WB_LO, w->f.ratio, 7);
        spie_wb_col_add(w, cs, "Borne haute", spie_id(ratio, h), SPIE_WB_HI, w->f.ratio, 7);
        spie_wb_col_add(w, cs, "Écart", spie_id(ratio, h), SPIE_WB_SIGNIF, NULL, 5);
        snprintf(label, sizeof label, "Taux standardisé à %d mois", h);
        spie_wb_col_add(w, cs, label, spie_id(std, h), SPIE_WB_VALUE, w->f.pct, 9);
    }
}

/* How to read the rates on the national mix, with the first département whose ratio at
 * the key horizon is published. */
static lxw_row_t mix_lecture(spie_wb *w, spie_wb_page *pg, lxw_row_t r, bool durable)
{
    const spie_params *p = w->in->params;
    int kh = spie_wb_key_horizon(w);
    if (kh < 0)
        return r;
    int h = p->horizons[kh];
    spie_ind ri = durable ? SPIE_IND_TAUX_REPRISE_DURABLE : SPIE_IND_TAUX_REPRISE;
    spie_ind ei = durable ? SPIE_IND_TAUX_REPRISE_DURABLE_ATTENDU : SPIE_IND_TAUX_REPRISE_ATTENDU;
    spie_ind qi = durable ? SPIE_IND_RATIO_REPRISE_DURABLE : SPIE_IND_RATIO_REPRISE;
    spie_ind si = durable ? SPIE_IND_TAUX_REPRISE_DURABLE_STANDARDISE : SPIE_IND_TAUX_REPRISE_STANDARDISE;
    for (size_t u = w->first_dept; u < w->n_units; u++) {
        const spie_wb_unit *un = &w->units[u];
        const spie_figure *rate = spie_wb_fig(w, un, spie_id(ri, h)), *exp = spie_wb_fig(w, un, spie_id(ei, h));
        const spie_figure *q = spie_wb_fig(w, un, spie_id(qi, h)), *std = spie_wb_fig(w, un, spie_id(si, h));
        char a[40], b[40], c[40], lo[40], hi[40], d[40], pc[40], note[1000];
        if (!spie_wb_fr_figure(a, sizeof a, rate, true) || !spie_wb_fr_figure(b, sizeof b, exp, true) ||
            !q || q->status != SPIE_STATUS_OK || !q->has_ci || !isfinite(q->real) ||
            !spie_wb_fr_figure(d, sizeof d, std, true))
            continue;
        spie_wb_fr_dec2(c, sizeof c, q->real);
        spie_wb_fr_dec2(lo, sizeof lo, q->lo);
        spie_wb_fr_dec2(hi, sizeof hi, q->hi);
        double gap = q->real - 1.0;
        spie_wb_fr_pct1(pc, sizeof pc, fabs(gap));
        const char *m = spie_wb_signif(q);
        snprintf(note, sizeof note,
                 "Lecture : à %d mois, %s a un taux de reprise%s de %s ; la composition de son public (publics et "
                 "âges) lui en donnerait %s aux taux nationaux (taux attendu). Ratio de %s (intervalle de %s à %s) : "
                 "%s de reprises %s qu'attendu%s. Ramené à la structure nationale des publics, son taux est de %s "
                 "(taux standardisé).",
                 h, un->name, durable ? " durable" : "", a, b, c, lo, hi, pc, gap >= 0 ? "de plus" : "de moins",
                 m ? " : l'écart dépasse ce que le hasard expliquerait"
                   : " ; l'intervalle contient 1 : l'écart reste dans ce que le hasard peut expliquer",
                 d);
        return spie_wb_para(w, pg, r, note, w->f.note);
    }
    return r;
}

/* Tableau: the rates on the national mix, per unit. */
static lxw_row_t mix_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const spie_wb_cols *cs, bool durable)
{
    r = spie_wb_unit_table(w, pg, r,
                           durable ? "Taux de reprise durable sur la structure nationale des publics, par territoire"
                                   : "Taux de reprise sur la structure nationale des publics, par territoire",
                           cs, false);
    r = mix_lecture(w, pg, r, durable);
    return spie_wb_table_notes(w, pg, r, SPIE_WB_SIGNS_RATIO, false);
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
    r = spie_wb_para(w, pg, r, t, w->f.para);
    snprintf(t, sizeof t,
             "Taux sur la structure nationale des publics : le taux de reprise d'un territoire dépend de qui il "
             "accompagne (les jeunes et les demandeurs d'emploi reprennent plus souvent une activité que les "
             "allocataires du RSA). Le taux attendu est celui qu'aurait le territoire si chacun de ses publics, à "
             "chaque âge, reprenait au rythme national ; le ratio rapporte ses reprises observées aux reprises "
             "attendues : un ratio de 1,20 : 20 %% de reprises de plus que n'en donnerait la composition de son public "
             "aux taux nationaux ; un ratio de 0,80 : 20 %% de moins. Le taux standardisé (ratio × taux de la France) "
             "se compare d'un territoire à l'autre et au taux de la France à publics égaux. %s : le ratio est "
             "nettement au-dessus de 1 (son intervalle de confiance à %s est tout entier au-dessus de 1) ; %s : "
             "nettement au-dessous.",
             SPIE_WB_ABOVE, lv, SPIE_WB_BELOW);
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
    spie_wb_cols cs = {.n = 0}, cd = {.n = 0}, ms = {.n = 0}, md = {.n = 0};
    return_cols(w, &cs);
    durable_cols(w, &cd);
    mix_cols(w, &ms, false);
    mix_cols(w, &md, true);
    for (lxw_col_t c = 0; c < 3; c++)
        spie_wb_page_width(w, &pg, c, spie_wb_unit_widths[c]);
    /* every table's columns from the start: the widest sets the printed scale */
    const spie_wb_cols *all[4] = {&cs, &cd, &ms, &md};
    size_t widest = 0;
    for (size_t i = 0; i < 4; i++) {
        spie_wb_col_widths(w, &pg, 3, all[i]);
        widest = all[i]->n > widest ? all[i]->n : widest;
    }
    pg.ncols = (lxw_col_t)(3 + widest);

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
    r = mix_table(w, &pg, r, &ms, false) + 1;
    r = mix_table(w, &pg, r, &md, true) + 1;

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
