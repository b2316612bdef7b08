/* The Synthèse sheet (docs/sorties.md §6): title, reference date, the key figures of the
 * workbook's level, and three charts that read their data from cells of the sheet (the
 * "Données des graphiques" blocks under the key figures):
 *   1. State paid, cumulative per month, against the State allocation (line);
 *   2. the 6-month return rate per département with its interval: libxlsxwriter 1.1.4 has
 *      neither per-point error bars nor combined charts (no chart_combine), so this is a
 *      line chart without lines: the rate as a diamond marker, the two bounds as small
 *      circles, joined by high-low lines (an interval plot);
 *   3. the cumulative incidence of a return to activity over days since entry (line).
 * A chart never plots text: a figure that is s or nd is left empty in the chart data
 * (the chart shows a gap) and its status is written in the Note column beside it.
 *
 * It may not write a figure other than through the cell writers of cells.c. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "workbook_int.h"

typedef struct key_row {
    spie_ind_id id;
    char label[160];
} key_row;

/* A key figure: its label here when given, else its catalogue label. */
static void key(const spie_wb *w, key_row *rows, size_t *n, size_t max, spie_ind_id id, const char *label)
{
    if (*n == max)
        return;
    rows[*n].id = id;
    if (label)
        snprintf(rows[*n].label, sizeof rows[*n].label, "%s", label);
    else
        spie_ind_label(id, w->in->params, rows[*n].label, sizeof rows[*n].label);
    (*n)++;
}

#define ID(ind) spie_id(SPIE_IND_##ind, 0)

static size_t key_rows(const spie_wb *w, key_row *rows, size_t max)
{
    const spie_params *p = w->in->params;
    size_t n = 0;
    char label[160];
    key(w, rows, &n, max, ID(TERRITOIRES_ATTENDUS), NULL);
    key(w, rows, &n, max, ID(TERRITOIRES_INCLUS), NULL);
    key(w, rows, &n, max, ID(TERRITOIRES_INCLUS_BUDGET), NULL);
    key(w, rows, &n, max, ID(ENTRANTS), "Bénéficiaires entrés dans le parcours");
    key(w, rows, &n, max, ID(ENTRANTS_MOIS), "dont entrés dans le mois");
    snprintf(label, sizeof label, "En parcours au %s (aucune sortie)", w->ref_text);
    key(w, rows, &n, max, ID(EN_PARCOURS), label);
    key(w, rows, &n, max, ID(AVEC_REPRISE), "Bénéficiaires avec une reprise d'activité");
    int kh = spie_wb_key_horizon(w);
    if (kh >= 0) {
        int h = p->horizons[kh];
        key(w, rows, &n, max, spie_id(SPIE_IND_TAUX_REPRISE, h), NULL);
        snprintf(label, sizeof label, "Taux de reprise durable (emploi durable, création d'entreprise) à %d mois", h);
        key(w, rows, &n, max, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, h), label);
    }
    int kp = spie_wb_key_pair(w);
    if (kp >= 0) {
        const spie_pair *pr = &p->pairs[kp];
        snprintf(label, sizeof label, "Délai de l'%s à l'%s (%s) : médiane de Kaplan–Meier (jours)",
                 spie_wb_endpoint_label(pr->from), spie_wb_endpoint_label(pr->to), pr->code);
        if (pr->from != SPIE_EP_ENTREE || pr->to != SPIE_EP_ORIENTATION)
            snprintf(label, sizeof label, "Délai %s (%s → %s) : médiane de Kaplan–Meier (jours)", pr->code,
                     spie_wb_endpoint_label(pr->from), spie_wb_endpoint_label(pr->to));
        key(w, rows, &n, max, spie_id(SPIE_IND_DELAI_KM_MEDIANE, kp), label);
        snprintf(label, sizeof label, "Délai %s : part atteinte dans la cible de %d jours", pr->code, pr->target);
        key(w, rows, &n, max, spie_id(SPIE_IND_DELAI_PART_CIBLE, kp), label);
    }
    key(w, rows, &n, max, ID(REPRISE_KM_MEDIANE),
        "Délai de l'entrée à la reprise d'activité : médiane de Kaplan–Meier (jours)");
    key(w, rows, &n, max, ID(ALLOCATION_ETAT), NULL);
    key(w, rows, &n, max, ID(PAYE_ETAT), NULL);
    key(w, rows, &n, max, ID(TAUX_CONSOMMATION), "Payé par l'État / allocation de l'État");
    if (!w->region) {
        key(w, rows, &n, max, ID(ENVELOPPE), NULL);
        key(w, rows, &n, max, ID(PART_ENVELOPPE_PAYEE), "Part de l'enveloppe payée (territoires et NAT)");
        key(w, rows, &n, max, ID(RESTE_ENVELOPPE), "Reste de l'enveloppe");
        key(w, rows, &n, max, ID(PROJECTION_PAYE_FIN), NULL);
        key(w, rows, &n, max, ID(PROJECTION_EPUISEMENT_DANS_MOIS), "Projection : mois d'épuisement de l'enveloppe");
    }
    return n;
}

/* A chart's data cell: the number when ok, else empty with the status in note_col. */
static void chart_cell(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_col_t note_col,
                       const spie_figure *f, double v, lxw_format *fmt)
{
    if (f && f->status == SPIE_STATUS_OK && f->kind != SPIE_VK_NONE && isfinite(v)) {
        spie_wb_number(w, ws, r, c, v, fmt);
        return;
    }
    spie_wb_text(w, ws, r, note_col, f && f->status == SPIE_STATUS_SECRET ? "s" : "nd", w->f.mark);
}

static double fig_number(const spie_figure *f)
{
    if (!f)
        return 0;
    switch (f->kind) {
    case SPIE_VK_COUNT: return (double)f->ival;
    case SPIE_VK_CENTS: return (double)f->ival / 100.0;
    default: return f->real;
    }
}

static lxw_chart *new_chart(spie_wb *w, uint8_t type, const char *title)
{
    lxw_chart *ch = workbook_add_chart(w->wb, type);
    if (!ch) {
        spie_wb_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_title_set_name(ch, title);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    return ch;
}

static lxw_chart_series *series(spie_wb *w, lxw_chart *ch, const char *name, lxw_row_t r0, lxw_row_t r1,
                                lxw_col_t cat, lxw_col_t val)
{
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    if (!s) {
        spie_wb_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_series_set_categories(s, "Synthèse", r0, cat, r1, cat);
    chart_series_set_values(s, "Synthèse", r0, val, r1, val);
    chart_series_set_name(s, name);
    return s;
}

static void insert(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_chart *ch)
{
    lxw_chart_options o = {.x_scale = 1.6, .y_scale = 1.1, .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    spie_wb_check(w, worksheet_insert_chart_opt(ws, r, c, ch, &o));
}

/* Title, Champ, Lecture (the key figures in words when they are shown), the reference
 * date. Returns the row after them. */
static lxw_row_t synthese_head(spie_wb *w, lxw_worksheet *ws)
{
    const spie_params *p = w->in->params;
    const spie_wb_unit *u0 = &w->units[0];
    char title[200], champ[500], lecture[500], a[40], b[40];
    snprintf(title, sizeof title, "Service public de l'insertion et de l'emploi (SPIE) : %s, %s", spie_wb_scope(w),
             w->period_words);
    snprintf(champ, sizeof champ,
             "Champ : bénéficiaires entrés au plus tard le %s dans les territoires du programme (%s) dont les "
             "extraits bénéficiaires et étapes sont utilisables ; budget : territoires dont l'extrait budget est "
             "utilisable.",
             w->ref_text, spie_wb_scope(w));
    int kh = spie_wb_key_horizon(w);
    const spie_figure *rate = kh >= 0 ? spie_wb_fig(w, u0, spie_id(SPIE_IND_TAUX_REPRISE, p->horizons[kh])) : NULL;
    if (spie_wb_fr_figure(a, sizeof a, spie_wb_fig(w, u0, ID(ENTRANTS)), false) &&
        spie_wb_fr_figure(b, sizeof b, rate, true))
        snprintf(lecture, sizeof lecture,
                 "Lecture : au %s, %s bénéficiaires sont entrés dans le parcours (%s) ; %s de ceux qui sont entrés "
                 "depuis %d mois au moins ont repris une activité dans les %d mois.",
                 w->ref_text, a, spie_wb_scope(w), b, p->horizons[kh], p->horizons[kh]);
    else
        snprintf(lecture, sizeof lecture,
                 "Lecture : chaque chiffre clé est détaillé par territoire dans les feuilles suivantes ; « s » et "
                 "« nd » y ont le même sens.");
    lxw_row_t r = spie_wb_head(w, ws, title, champ, lecture);
    spie_wb_text(w, ws, r, 0, "Date de référence", w->f.text_bold);
    spie_wb_day(w, ws, r, 1, w->ref_day, w->f.date);
    return r + 2;
}

/* The key figures from row r, with their header (frozen, filtered) in row *hdr. Returns
 * the row after the table. */
static lxw_row_t key_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_row_t *hdr)
{
    static const char *const heads[6] = {"Chiffres clés", "Valeur", "Borne basse", "Borne haute", "Effectif",
                                         "Nom dans indicateurs_<P>.csv"};
    static const double widths[6] = {62, 16, 14, 14, 12, 28};
    spie_wb_widths(w, ws, 0, widths, 6);
    *hdr = r;
    spie_wb_header_row(w, ws, r, 0, heads, 6);
    spie_wb_check(w, worksheet_set_row(ws, r, 20, NULL));
    r++;
    key_row rows[32];
    size_t n = key_rows(w, rows, SPIE_ARRAY_LEN(rows));
    for (size_t i = 0; i < n; i++, r++) {
        const spie_figure *f = spie_wb_fig(w, &w->units[0], rows[i].id);
        lxw_format *fmt = spie_wb_unit_format(w, rows[i].id);
        char name[SPIE_IND_NAME_MAX];
        spie_ind_name(rows[i].id, w->in->params, name, sizeof name);
        spie_wb_text(w, ws, r, 0, rows[i].label, w->f.text);
        spie_wb_value(w, ws, r, 1, f, fmt);
        spie_wb_interval(w, ws, r, 2, f, fmt);
        spie_wb_effectif(w, ws, r, 4, f);
        spie_wb_text(w, ws, r, 5, name, w->f.text);
    }
    worksheet_freeze_panes(ws, *hdr + 1, 0);
    spie_wb_check(w, worksheet_autofilter(ws, *hdr, 0, r - 1, 5));
    return r;
}

/* 1. Cumulative State paid against the allocation: its data from row r, the chart at
 * row at. Returns the row after the data. */
static lxw_row_t chart_paid(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_row_t at)
{
    const spie_wb_unit *u0 = &w->units[0];
    spie_wb_text(w, ws, r++, 0, "Graphique 1 : payé cumulé par l'État et allocation de l'État", w->f.subtitle);
    static const char *const h1[4] = {"Mois", "Payé cumulé par l'État", "Allocation de l'État", "Note"};
    spie_wb_header_row(w, ws, r, 0, h1, 4);
    r++;
    lxw_row_t d1 = r;
    const spie_figure *alloc = spie_wb_fig(w, u0, ID(ALLOCATION_ETAT));
    for (spie_month m = w->in->params->window_start; m <= w->period; m++, r++) {
        const spie_figure *f = spie_wb_fig(w, u0, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, m));
        spie_wb_day(w, ws, r, 0, spie_month_first_day(m), w->f.month);
        chart_cell(w, ws, r, 1, 3, f, fig_number(f), w->f.money);
        if (alloc && alloc->status == SPIE_STATUS_OK)
            spie_wb_number(w, ws, r, 2, fig_number(alloc), w->f.money);
    }
    if (r == d1) {
        spie_wb_text(w, ws, r++, 0, "Aucun mois de la fenêtre de l'enveloppe avant la période.", w->f.note);
        return r;
    }
    lxw_chart *ch = new_chart(w, LXW_CHART_LINE, "Payé cumulé par l'État et allocation de l'État");
    if (ch) {
        series(w, ch, "Payé cumulé par l'État", d1, r - 1, 0, 1);
        lxw_chart_series *s = series(w, ch, "Allocation de l'État", d1, r - 1, 0, 2);
        lxw_chart_line dash = {.color = LXW_COLOR_RED, .dash_type = LXW_CHART_LINE_DASH_DASH, .width = 1.5};
        if (s)
            chart_series_set_line(s, &dash);
        chart_axis_set_num_format(ch->x_axis, "mm/yyyy");
        chart_axis_set_num_format(ch->y_axis, "#,##0 \"€\"");
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
        insert(w, ws, at, 7, ch);
    }
    return r;
}

/* The interval plot of chart 2 over the data rows d0 .. d1: the rate as a diamond, the
 * bounds as small circles, joined by high-low lines. */
static void interval_plot(spie_wb *w, lxw_chart *ch, lxw_row_t d0, lxw_row_t d1)
{
    lxw_chart_line none = {.none = LXW_TRUE};
    lxw_chart_line hl = {.color = LXW_COLOR_GRAY, .width = 1.25};
    lxw_chart_series *s = series(w, ch, "Taux", d0, d1, 0, 1);
    lxw_chart_fill blue = {.color = 0x1F4E79}, grey = {.color = 0x595959};
    lxw_chart_line blue_l = {.color = 0x1F4E79}, grey_l = {.color = 0x595959};
    if (s) {
        chart_series_set_line(s, &none);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_DIAMOND);
        chart_series_set_marker_size(s, 10);
        chart_series_set_marker_fill(s, &blue);
        chart_series_set_marker_line(s, &blue_l);
    }
    for (lxw_col_t c = 2; c <= 3; c++) {
        s = series(w, ch, c == 2 ? "Borne basse" : "Borne haute", d0, d1, 0, c);
        if (s) {
            chart_series_set_line(s, &none);
            /* not LXW_CHART_MARKER_LONG_DASH or _SHORT_DASH: libxlsxwriter 1.1.4
             * writes them as "long_dash"/"short_dash", which are not OOXML marker
             * symbols (Excel repairs the file, openpyxl refuses it) */
            chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
            chart_series_set_marker_size(s, 6);
            chart_series_set_marker_fill(s, &grey);
            chart_series_set_marker_line(s, &grey_l);
        }
    }
    chart_set_high_low_lines(ch, &hl);
    chart_axis_set_num_format(ch->y_axis, "0%");
    chart_axis_set_min(ch->y_axis, 0);
    chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
}

/* 2. The return rate per département with its interval: data from row r, chart at row
 * at. Returns the row after the data. */
static lxw_row_t chart_rates(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_row_t at)
{
    const spie_params *p = w->in->params;
    int kh = spie_wb_key_horizon(w);
    int h = kh >= 0 ? p->horizons[kh] : 0;
    char t2[200], lv[40];
    spie_wb_fr_level(lv, sizeof lv, p->level);
    snprintf(t2, sizeof t2, "Graphique 2 : taux de reprise d'activité à %d mois par département (intervalle à %s)", h,
             lv);
    spie_wb_text(w, ws, r++, 0, t2, w->f.subtitle);
    static const char *const h2[6] = {"Département", "Taux", "Borne basse", "Borne haute", "Éligibles", "Note"};
    spie_wb_header_row(w, ws, r, 0, h2, 6);
    r++;
    lxw_row_t d2 = r;
    for (size_t u = w->first_dept; kh >= 0 && u < w->n_units; u++, r++) {
        const spie_wb_unit *un = &w->units[u];
        const spie_figure *f = spie_wb_fig(w, un, spie_id(SPIE_IND_TAUX_REPRISE, h));
        char nm[80];
        snprintf(nm, sizeof nm, "%s (%s)", un->name, un->code);
        spie_wb_text(w, ws, r, 0, nm, w->f.text);
        chart_cell(w, ws, r, 1, 5, f, f ? f->real : 0, w->f.pct);
        if (f && f->status == SPIE_STATUS_OK && f->has_ci) {
            spie_wb_number(w, ws, r, 2, f->lo, w->f.pct);
            spie_wb_number(w, ws, r, 3, f->hi, w->f.pct);
        }
        spie_wb_effectif(w, ws, r, 4, f);
    }
    if (r == d2) {
        spie_wb_text(w, ws, r++, 0, "Aucun département.", w->f.note);
        return r;
    }
    snprintf(t2, sizeof t2, "Taux de reprise d'activité à %d mois par département", h);
    lxw_chart *ch = new_chart(w, LXW_CHART_LINE, t2);
    if (ch) {
        interval_plot(w, ch, d2, r - 1);
        insert(w, ws, at, 7, ch);
    }
    return r;
}

/* 3. Cumulative incidence of a return to activity: data from row r, chart at row at. */
static void chart_incidence(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_row_t at)
{
    spie_wb_text(w, ws, r++, 0,
                 "Graphique 3 : incidence cumulée de la reprise d'activité selon les jours depuis l'entrée",
                 w->f.subtitle);
    static const char *const h3[4] = {"Jours depuis l'entrée", "Incidence cumulée", "Effectif (entrants)", "Note"};
    spie_wb_header_row(w, ws, r, 0, h3, 4);
    r++;
    lxw_row_t d3 = r;
    for (int32_t t = 0; t <= SPIE_INCIDENCE_LAST; t += SPIE_INCIDENCE_STEP, r++) {
        const spie_figure *f = spie_wb_fig(w, &w->units[0], spie_id(SPIE_IND_REPRISE_INCIDENCE, t));
        spie_wb_number(w, ws, r, 0, t, w->f.count);
        chart_cell(w, ws, r, 1, 3, f, f ? f->real : 0, w->f.pct);
        spie_wb_effectif(w, ws, r, 2, f);
    }
    lxw_chart *ch = new_chart(w, LXW_CHART_LINE, "Incidence cumulée de la reprise d'activité");
    if (ch) {
        series(w, ch, spie_wb_scope(w), d3, r - 1, 0, 1);
        chart_axis_set_name(ch->x_axis, "Jours depuis l'entrée");
        chart_axis_set_num_format(ch->y_axis, "0%");
        chart_axis_set_min(ch->y_axis, 0);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
        insert(w, ws, at, 7, ch);
    }
}

void spie_wb_sheet_synthese(spie_wb *w)
{
    lxw_worksheet *ws = spie_wb_sheet(w, "Synthèse");
    if (!ws)
        return;
    worksheet_activate(ws);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0); /* printed one page wide, charts included */
    lxw_row_t hdr, r = synthese_head(w, ws);
    r = key_table(w, ws, r, &hdr) + 2;
    lxw_row_t chart_row = hdr + 1; /* the charts stand beside the key figures */
    spie_wb_text(w, ws, r++, 0, "Données des graphiques (cellule vide : chiffre s ou nd, voir la colonne Note)",
                 w->f.subtitle);
    r++;
    r = chart_paid(w, ws, r, chart_row) + 2;
    r = chart_rates(w, ws, r, chart_row + 17) + 2;
    chart_incidence(w, ws, r, chart_row + 34);
}
