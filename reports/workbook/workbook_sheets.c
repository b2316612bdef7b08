/* The four tables of figures: Parcours, Délais, Reprise d'activité, Budget (outputs.md §6).
 * Each has a main table, one row per unit of the workbook (its own level first, then in
 * the national workbook the regions and the waves, then the départements), with frozen
 * header and filters; breakdowns and series follow below it. Every cell is one figure of
 * the table, looked up by its key. */
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "workbook_int.h"

/* What a column shows of its figure. */
typedef enum col_what { COL_VALUE = 0, COL_LO, COL_HI, COL_EFFECTIF } col_what;

typedef struct col {
    char label[112];
    spie_ind_id id;
    col_what what;
    lxw_format *fmt; /* for reals and bounds */
    double width;
} col;

#define MAX_COLS 96

typedef struct cols {
    col c[MAX_COLS];
    size_t n;
} cols;

/* A column of figure id, headed by label (the catalogue's label when NULL). */
static col *add(spie_wb *w, cols *cs, const char *label, spie_ind_id id, col_what what, lxw_format *fmt,
                double width)
{
    if (cs->n == MAX_COLS)
        return NULL;
    col *c = &cs->c[cs->n++];
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    if (label)
        snprintf(c->label, sizeof c->label, "%s", label);
    else if (spie_ind_label(id, w->in->params, c->label, sizeof c->label))
        ;
    else if (d && !strchr(d->label, '<')) /* a label without the parameter: no pair is needed */
        snprintf(c->label, sizeof c->label, "%s", d->label);
    else
        spie_wb_has(w, SPIE_LEVEL_NATIONAL, "FR", SPIE_BD_ENSEMBLE, "", id); /* records the unknown identity */
    c->id = id;
    c->what = what;
    c->fmt = fmt;
    c->width = width;
    return c;
}

/* A rate with its interval: value (its catalogue label), lower, upper. */
static void add_rate(spie_wb *w, cols *cs, spie_ind_id id, lxw_format *pct)
{
    add(w, cs, NULL, id, COL_VALUE, pct, 12);
    add(w, cs, "Borne basse", id, COL_LO, pct, 10);
    add(w, cs, "Borne haute", id, COL_HI, pct, 10);
}

static void bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                  lxw_format *fmt)
{
    if (!f)
        return;
    if (f->status != SPIE_STATUS_OK) {
        spie_wb_value(w, ws, r, c, f, fmt); /* the same "s" or "nd" */
        return;
    }
    if (f->has_ci)
        spie_wb_bound(w, ws, r, c, f, hi, fmt);
}

/* The cells of one row of figures (level, code, bd, modality) from column c0. */
static void fig_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, spie_level lv, const char *code,
                      spie_breakdown bd, const char *mod, const cols *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        const col *c = &cs->c[i];
        const spie_figure *f = spie_wb_get(w, lv, code, bd, mod, c->id);
        lxw_col_t cc = (lxw_col_t)(c0 + i);
        switch (c->what) {
        case COL_VALUE: spie_wb_value(w, ws, r, cc, f, c->fmt); break;
        case COL_LO: bound(w, ws, r, cc, f, false, c->fmt); break;
        case COL_HI: bound(w, ws, r, cc, f, true, c->fmt); break;
        default: spie_wb_effectif(w, ws, r, cc, f); break;
        }
    }
}

static void col_headers(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, const cols *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        const char *l = cs->c[i].label;
        spie_wb_header_row(w, ws, r, (lxw_col_t)(c0 + i), &l, 1);
        if (ws)
            spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(c0 + i), (lxw_col_t)(c0 + i), cs->c[i].width, NULL));
    }
}

static const char *const unit_heads[3] = {"Niveau", "Code", "Territoire"};
static const double unit_widths[3] = {12, 8, 30};

/* The main table: one row per unit. Returns the row after it. Freezes the header and the
 * unit columns, filters the table. */
static lxw_row_t unit_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const cols *cs)
{
    lxw_row_t hdr = r;
    spie_wb_header_row(w, ws, r, 0, unit_heads, 3);
    spie_wb_widths(w, ws, 0, unit_widths, 3);
    col_headers(w, ws, r, 3, cs);
    r++;
    for (size_t u = 0; u < w->n_units; u++, r++) {
        spie_wb_unit_cells(w, ws, r, 0, &w->units[u]);
        fig_cells(w, ws, r, 3, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", cs);
    }
    if (ws) {
        worksheet_freeze_panes(ws, hdr + 1, 3);
        spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r - 1, (lxw_col_t)(2 + cs->n)));
    }
    return r;
}

/* The breakdowns of the workbook's level (bds), same columns. Returns the row after it. */
static lxw_row_t breakdown_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const char *title,
                                 const spie_breakdown *bds, size_t nbd, const cols *cs)
{
    static const char *const heads[3] = {"Ventilation", "Code", "Modalité"};
    const spie_wb_unit *u = &w->units[0];
    spie_wb_text(w, ws, r++, 0, title, w->f.subtitle);
    spie_wb_header_row(w, ws, r, 0, heads, 3);
    col_headers(w, ws, r, 3, cs);
    r++;
    size_t rows = 0;
    for (size_t b = 0; b < nbd; b++) {
        const char *mods[64];
        size_t n = spie_wb_modalities(w, bds[b], mods, SPIE_ARRAY_LEN(mods));
        for (size_t m = 0; m < n; m++) {
            /* A group without an included territory has no breakdown rows at all. */
            if (!spie_wb_has(w, u->level, u->code, bds[b], mods[m], cs->c[0].id))
                continue;
            spie_wb_text(w, ws, r, 0, spie_wb_breakdown_label(bds[b]), w->f.text);
            spie_wb_text(w, ws, r, 1, mods[m], w->f.text);
            spie_wb_text(w, ws, r, 2, spie_wb_modality_label(bds[b], mods[m]), w->f.text);
            fig_cells(w, ws, r, 3, u->level, u->code, bds[b], mods[m], cs);
            r++;
            rows++;
        }
    }
    if (!rows)
        spie_wb_text(w, ws, r++, 0, "Pas de ventilation : aucun territoire pris en compte.", w->f.note);
    return r + 1;
}

/* ---- Parcours ------------------------------------------------------------------------ */

static void activity_cols(spie_wb *w, cols *cs)
{
    add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), COL_VALUE, NULL, 11);
    add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS_MOIS, 0), COL_VALUE, NULL, 11);
    add(w, cs, NULL, spie_id(SPIE_IND_EN_PARCOURS, 0), COL_VALUE, NULL, 13);
    add(w, cs, NULL, spie_id(SPIE_IND_AVEC_SOLUTION, 0), COL_VALUE, NULL, 12);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        add(w, cs, NULL, spie_id(SPIE_IND_SOLUTION, i), COL_VALUE, NULL, 13);
    add(w, cs, NULL, spie_id(SPIE_IND_AVEC_REPRISE, 0), COL_VALUE, NULL, 12);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        add(w, cs, NULL, spie_id(SPIE_IND_REPRISE, i), COL_VALUE, NULL, 13);
    add(w, cs, NULL, spie_id(SPIE_IND_SORTIES, 0), COL_VALUE, NULL, 11);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        add(w, cs, NULL, spie_id(SPIE_IND_SORTIE, i), COL_VALUE, NULL, 13);
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
    cols cs = {.n = 0};
    activity_cols(w, &cs);
    r = unit_table(w, ws, r, &cs) + 2;
    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE, SPIE_BD_COHORTE};
    char t2[200];
    snprintf(t2, sizeof t2, "Ventilations : %s (public, sexe, âge à l'entrée, trimestre d'entrée)", spie_wb_scope(w));
    breakdown_table(w, ws, r, t2, bds, SPIE_ARRAY_LEN(bds), &cs);
}

/* ---- Délais --------------------------------------------------------------------------- */

/* The columns of pair i: its figures with their catalogue labels, the effectifs and bounds. */
static void delay_cols(spie_wb *w, cols *cs, int i)
{
#define D(label, ind, what, width) add(w, cs, label, spie_id(SPIE_IND_DELAI_##ind, i), what, NULL, width)
    D(NULL, POPULATION, COL_VALUE, 12);
    D(NULL, TERMINES, COL_VALUE, 10);
    D(NULL, CENSURES, COL_VALUE, 10);
    D(NULL, INCOHERENTS, COL_VALUE, 11);
    D(NULL, MOYENNE, COL_VALUE, 10);
    D(NULL, ECART_TYPE, COL_VALUE, 10);
    D(NULL, MIN, COL_VALUE, 9);
    D(NULL, P25, COL_VALUE, 9);
    D(NULL, MEDIANE, COL_VALUE, 9);
    D(NULL, P75, COL_VALUE, 9);
    D(NULL, P90, COL_VALUE, 9);
    D(NULL, MAX, COL_VALUE, 9);
    D(NULL, KM_MEDIANE, COL_VALUE, 14);
    D("Effectif Kaplan–Meier", KM_MEDIANE, COL_EFFECTIF, 11);
    D(NULL, PART_CIBLE, COL_VALUE, 11);
    D("Borne basse", PART_CIBLE, COL_LO, 10);
    D("Borne haute", PART_CIBLE, COL_HI, 10);
    D("Effectif de la part (dénominateur)", PART_CIBLE, COL_EFFECTIF, 12);
#undef D
    /* reals here are days, with one decimal; the share is a percentage */
    for (size_t k = 0; k < cs->n; k++)
        cs->c[k].fmt = spie_ind_unit(cs->c[k].id) == SPIE_UNIT_SHARE ? w->f.pct : w->f.days;
}

void spie_wb_sheet_delais(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Délais");
    if (!ws)
        return;
    const spie_params *p = w->in->params;
    char title[200], champ[400], lecture[600];
    snprintf(title, sizeof title, "Délais entre étapes du parcours : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : pour chaque délai, bénéficiaires ayant atteint l'étape de départ A, dans les territoires du "
             "programme (%s) dont les extraits bénéficiaires et étapes sont utilisables ; délais en jours entiers.",
             spie_wb_scope(w));
    int kp = spie_wb_key_pair(w);
    char km[40], part[40];
    if (kp >= 0) {
        const spie_pair *pr = &p->pairs[kp];
        bool ok_km = spie_wb_fr_figure(km, sizeof km, spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_KM_MEDIANE, kp)),
                                       false);
        bool ok_part = spie_wb_fr_figure(part, sizeof part,
                                         spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_DELAI_PART_CIBLE, kp)), true);
        if (ok_km && ok_part)
            snprintf(lecture, sizeof lecture,
                     "Lecture : %s, la moitié des bénéficiaires atteignent l'étape « %s » %s jours au plus après "
                     "l'étape « %s » (médiane de Kaplan–Meier, délais en cours compris) ; %s l'atteignent dans la "
                     "cible de %d jours.",
                     spie_wb_scope(w), spie_wb_endpoint_label(pr->to), km, spie_wb_endpoint_label(pr->from), part,
                     pr->target);
        else
            kp = -1;
    }
    if (kp < 0)
        snprintf(lecture, sizeof lecture,
                 "Lecture : la médiane de Kaplan–Meier est le délai au bout duquel la moitié des bénéficiaires ont "
                 "atteint l'étape B, en tenant compte des délais encore en cours.");
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);

    static const char *const heads[7] = {"Délai", "De (étape A)", "À (étape B)", "Cible (jours)",
                                         "Niveau", "Code", "Territoire"};
    static const double widths[7] = {12, 16, 20, 9, 12, 8, 30};
    lxw_row_t hdr = r;
    spie_wb_header_row(w, ws, r, 0, heads, 7);
    spie_wb_widths(w, ws, 0, widths, 7);
    cols cs = {.n = 0};
    delay_cols(w, &cs, 0); /* the headers (and the columns' count) are those of every pair */
    col_headers(w, ws, r, 7, &cs);
    r++;
    for (size_t i = 0; i < p->n_pairs; i++) {
        const spie_pair *pr = &p->pairs[i];
        cs.n = 0;
        delay_cols(w, &cs, (int)i);
        for (size_t u = 0; u < w->n_units; u++, r++) {
            spie_wb_text(w, ws, r, 0, pr->code, w->f.text);
            spie_wb_text(w, ws, r, 1, spie_wb_endpoint_label(pr->from), w->f.text);
            spie_wb_text(w, ws, r, 2, spie_wb_endpoint_label(pr->to), w->f.text);
            spie_wb_number(w, ws, r, 3, pr->target, w->f.count);
            spie_wb_unit_cells(w, ws, r, 4, &w->units[u]);
            fig_cells(w, ws, r, 7, w->units[u].level, w->units[u].code, SPIE_BD_ENSEMBLE, "", &cs);
        }
    }
    worksheet_freeze_panes(ws, hdr + 1, 7);
    spie_wb_check(w, worksheet_autofilter(ws, hdr, 0, r > hdr + 1 ? r - 1 : hdr + 1, (lxw_col_t)(6 + cs.n)));
}

/* ---- Reprise d'activité --------------------------------------------------------------- */

static void return_cols(spie_wb *w, cols *cs, bool with_entrants)
{
    const spie_params *p = w->in->params;
    if (with_entrants) {
        add(w, cs, NULL, spie_id(SPIE_IND_ENTRANTS, 0), COL_VALUE, NULL, 11);
        add(w, cs, NULL, spie_id(SPIE_IND_AVEC_REPRISE, 0), COL_VALUE, NULL, 12);
    }
    for (size_t i = 0; i < p->n_horizons; i++) {
        int h = p->horizons[i];
        char label[112];
        add_rate(w, cs, spie_id(SPIE_IND_TAUX_REPRISE, h), w->f.pct);
        snprintf(label, sizeof label, "Éligibles à %d mois (entrés depuis %d mois au moins)", h, h);
        add(w, cs, label, spie_id(SPIE_IND_TAUX_REPRISE, h), COL_EFFECTIF, NULL, 12);
        add_rate(w, cs, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), w->f.pct);
    }
    add(w, cs, NULL, spie_id(SPIE_IND_REPRISE_KM_MEDIANE, 0), COL_VALUE, w->f.days, 14);
}

void spie_wb_sheet_reprise(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Reprise d'activité");
    if (!ws)
        return;
    char title[200], champ[400], lecture[600], a[40], n[40];
    snprintf(title, sizeof title, "Reprise d'activité : %s, %s", spie_wb_scope(w), w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires éligibles à chaque horizon h (entrés depuis h mois au moins à la date de "
             "référence), dans les territoires du programme (%s) dont les extraits bénéficiaires et étapes sont "
             "utilisables.",
             spie_wb_scope(w));
    int kh = spie_wb_key_horizon(w);
    const spie_figure *f =
        kh >= 0 ? spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_TAUX_REPRISE, w->in->params->horizons[kh])) : NULL;
    if (f && spie_wb_fr_figure(a, sizeof a, f, true) && f->has_effectif) {
        char lv[40];
        spie_wb_fr_int(n, sizeof n, f->effectif);
        spie_wb_fr_level(lv, sizeof lv, w->in->params->level);
        snprintf(lecture, sizeof lecture,
                 "Lecture : %s, parmi les %s bénéficiaires entrés depuis %d mois au moins, %s ont repris une "
                 "activité dans les %d mois suivant leur entrée ; l'intervalle de confiance est au niveau de %s.",
                 spie_wb_scope(w), n, w->in->params->horizons[kh], a, w->in->params->horizons[kh], lv);
    } else {
        snprintf(lecture, sizeof lecture,
                 "Lecture : le taux de reprise à h mois rapporte les bénéficiaires ayant repris une activité au plus "
                 "tard h mois après leur entrée aux bénéficiaires entrés depuis h mois au moins.");
    }
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);
    cols cs = {.n = 0};
    return_cols(w, &cs, true);
    r = unit_table(w, ws, r, &cs) + 2;

    char t2[200];
    static const spie_breakdown bds[] = {SPIE_BD_PUBLIC, SPIE_BD_SEXE, SPIE_BD_AGE};
    snprintf(t2, sizeof t2, "Ventilations : %s (public, sexe, âge à l'entrée)", spie_wb_scope(w));
    r = breakdown_table(w, ws, r, t2, bds, SPIE_ARRAY_LEN(bds), &cs) + 1;
    static const spie_breakdown coh[] = {SPIE_BD_COHORTE};
    snprintf(t2, sizeof t2, "Par cohorte d'entrée (trimestre civil de l'entrée) : %s", spie_wb_scope(w));
    r = breakdown_table(w, ws, r, t2, coh, 1, &cs) + 1;

    /* The cumulative incidence curve of every unit: one column per unit. */
    spie_wb_text(w, ws, r++, 0,
                 "Incidence cumulée de la reprise d'activité selon le nombre de jours depuis l'entrée "
                 "(Kaplan–Meier : 1 − S(t))",
                 w->f.subtitle);
    static const char *const h3[1] = {"Jours depuis l'entrée"};
    spie_wb_header_row(w, ws, r, 0, h3, 1);
    for (size_t u = 0; u < w->n_units; u++) {
        char label[96];
        if (w->units[u].level == SPIE_LEVEL_VAGUE)
            snprintf(label, sizeof label, "Vague %s", w->units[u].name);
        else
            snprintf(label, sizeof label, "%s", w->units[u].name);
        const char *l = label;
        spie_wb_header_row(w, ws, r, (lxw_col_t)(3 + u), &l, 1);
    }
    if (w->n_units > cs.n) /* columns past the main table's */
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(3 + cs.n), (lxw_col_t)(2 + w->n_units), 12, NULL));
    r++;
    for (unsigned t = 0; t <= 720; t += 30, r++) {
        spie_wb_number(w, ws, r, 0, t, w->f.count);
        for (size_t u = 0; u < w->n_units; u++)
            spie_wb_value(w, ws, r, (lxw_col_t)(3 + u),
                          spie_wb_fig(w, &w->units[u], spie_id(SPIE_IND_REPRISE_INCIDENCE, (int32_t)t)), w->f.pct);
    }
}

/* ---- Budget ----------------------------------------------------------------------------- */

static void budget_cols(spie_wb *w, cols *cs)
{
#define B(ind) spie_id(SPIE_IND_##ind, 0)
    add(w, cs, NULL, B(ALLOCATION_ETAT), COL_VALUE, NULL, 15);
    add(w, cs, NULL, B(ENGAGE_ETAT), COL_VALUE, NULL, 15);
    add(w, cs, NULL, B(PAYE_ETAT), COL_VALUE, NULL, 15);
    add(w, cs, NULL, B(TAUX_ENGAGEMENT), COL_VALUE, w->f.pct, 12);
    add(w, cs, NULL, B(TAUX_CONSOMMATION), COL_VALUE, w->f.pct, 12);
    for (int f = SPIE_FIN_DEPARTEMENT; f < SPIE_FIN_COUNT; f++)
        add(w, cs, NULL, spie_id(SPIE_IND_COFINANCEMENT, f), COL_VALUE, NULL, 14);
    add(w, cs, NULL, B(COUT_PAR_ENTRANT), COL_VALUE, NULL, 12);
    add(w, cs, "Entrants (diviseur)", B(COUT_PAR_ENTRANT), COL_EFFECTIF, NULL, 10);
    add(w, cs, NULL, B(COUT_PAR_REPRISE), COL_VALUE, NULL, 12);
    add(w, cs, "Bénéficiaires avec reprise (diviseur)", B(COUT_PAR_REPRISE), COL_EFFECTIF, NULL, 11);
#undef B
}

static lxw_row_t envelope_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r)
{
    static const spie_ind rows[] = {
        SPIE_IND_ENVELOPPE,          SPIE_IND_PART_ENVELOPPE_ALLOUEE,    SPIE_IND_PART_ENVELOPPE_ENGAGEE,
        SPIE_IND_PART_ENVELOPPE_PAYEE, SPIE_IND_RESTE_ENVELOPPE,         SPIE_IND_ENGAGE_ETAT_NATIONAL,
        SPIE_IND_PAYE_ETAT_NATIONAL, SPIE_IND_PROJECTION_PAYE_FIN,       SPIE_IND_PROJECTION_PART_ENVELOPPE,
        SPIE_IND_PROJECTION_MOIS_EPUISEMENT,
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

void spie_wb_sheet_budget(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Budget");
    if (!ws)
        return;
    const spie_params *p = w->in->params;
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
    cols cs = {.n = 0};
    budget_cols(w, &cs);
    r = unit_table(w, ws, r, &cs) + 2;
    if (!w->region)
        r = envelope_table(w, ws, r) + 1;

    /* Monthly series: one row per month from the window's start to P. */
    spie_month first = p->window_start;
    spie_wb_text(w, ws, r++, 0, "Paiements mensuels de l'État (payé dans le mois et cumulé, paiements de 2020 inclus)",
                 w->f.subtitle);
    if (w->period < first) {
        spie_wb_text(w, ws, r, 0, "Aucun mois de la fenêtre de l'enveloppe avant la période.", w->f.note);
        return;
    }
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
        char l1[160], l2[160], nm[80];
        if (w->units[u].level == SPIE_LEVEL_VAGUE)
            snprintf(nm, sizeof nm, "vague %s", w->units[u].name);
        else
            snprintf(nm, sizeof nm, "%s", w->units[u].name);
        snprintf(l1, sizeof l1, "%s : payé dans le mois", nm);
        snprintf(l2, sizeof l2, "%s : payé cumulé", nm);
        const char *ls[2] = {l1, l2};
        spie_wb_header_row(w, ws, r, c, ls, 2);
    }
    if (c > 3 + cs.n) /* columns past the main table's: wide enough for an amount */
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(3 + cs.n), (lxw_col_t)(c - 1), 15, NULL));
    r++;
    for (spie_month m = first; m <= w->period; m++, r++) {
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
