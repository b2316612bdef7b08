/* The Synthèse's three charts (docs/classeurs.md), on a page of their own, each reading
 * its data from cells below the printed area (sheet_synthese.c writes the rest of the
 * sheet):
 *   1. State paid, cumulative per month, against the State allocation (line, axis titles;
 *      the first point holds the payments of 2020);
 *   2. a funnel plot of the return rate at the key horizon: one point per département
 *      (x = eligible persons, y = rate), the national rate as a line, and the 95 % and
 *      99.8 % control limits p0 ± z·√(p0(1 − p0)/n) drawn over the range of n (scatter);
 *      in a regional workbook the région's départements are their own series, labelled;
 *      masked or nd points are left out and the note says how many;
 *   3. the cumulative incidence of a return to activity: the région and France (national:
 *      France and the three waves).
 * A chart never plots text: a figure that is not published is left out of the chart data.
 *
 * It may not write a figure other than through the cell writers of cells.c. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "workbook_int.h"

#define ID(ind) spie_id(SPIE_IND_##ind, 0)

double spie_wb_funnel_limit(double p0, double n, double z, bool upper)
{
    if (!(n > 0) || !isfinite(p0))
        return NAN;
    double half = z * sqrt(p0 * (1.0 - p0) / n);
    double v = upper ? p0 + half : p0 - half;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static lxw_chart *new_chart(spie_wb *w, uint8_t type, const char *title)
{
    lxw_chart *ch = workbook_add_chart(w->wb, type);
    if (!ch) {
        spie_wb_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_title_set_name(ch, title);
    lxw_chart_font tf = {.size = 11, .bold = LXW_TRUE};
    chart_title_set_name_font(ch, &tf);
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

/* A header row of the charts' data (below the printed area: not paginated, no column
 * widened). */
static void data_header(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *const *labels, size_t n)
{
    int lines = 1;
    for (size_t i = 0; i < n; i++) {
        if (labels[i][0])
            spie_wb_text(w, pg->ws, r, (lxw_col_t)i, labels[i], w->f.header);
        int k = spie_wb_lines(labels[i], pg->width[i] > 0 ? pg->width[i] : 8.43, true);
        lines = k > lines ? k : lines;
    }
    spie_wb_check(w, worksheet_set_row(pg->ws, r, spie_wb_line_height(lines, 11), NULL));
}

#define SIDE_ROWS 11   /* rows of charts 1 and 3, side by side (20 px each) */
#define FUNNEL_ROWS 12 /* rows of chart 2, across the page */
#define CHART_WIDTH 160.0 /* the sheet's width (characters) those rows are drawn for */

/* The rows of the charts for the sheet's width: a wider sheet prints smaller, so its charts
 * take more rows (up to what one page holds), keeping their shape on paper. */
void spie_wb_chart_rows(const spie_wb_page *pg, int *side, int *funnel)
{
    double width = 0;
    for (lxw_col_t c = 0; c < pg->ncols && c < SPIE_WB_PAGE_COLS; c++)
        width += pg->width[c];
    double k = width / CHART_WIDTH;
    /* the titles and notes of the block take about 10 rows */
    double fit = spie_wb_page_capacity(pg) / SPIE_WB_ROW - 10;
    if (k * (SIDE_ROWS + FUNNEL_ROWS) > fit)
        k = fit / (SIDE_ROWS + FUNNEL_ROWS);
    if (k < 1)
        k = 1;
    *side = (int)(SIDE_ROWS * k + 0.5);
    *funnel = (int)(FUNNEL_ROWS * k + 0.5);
}

/* Where a chart goes: the rows of its title, of the chart, of its note; its columns; and
 * the heights its paragraphs need (two charts side by side share their rows). */
typedef struct slot {
    lxw_row_t title, top, note;
    lxw_col_t c0, c1;
    int rows;
    double h_title, h_note;
} slot;

/* A paragraph of a slot in row r over its columns, without pagination (the block of
 * charts counts its rows). Returns its height. */
static double slot_para(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const slot *sl, const char *text, lxw_format *fmt)
{
    double h = spie_wb_para_height(w, pg, sl->c0, sl->c1, text, fmt);
    if (sl->c1 > sl->c0)
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, sl->c0, r, sl->c1, text, fmt));
    else
        spie_wb_text(w, pg->ws, r, sl->c0, text, fmt);
    return h;
}

/* Inserts a chart in its slot. */
static void place(spie_wb *w, spie_wb_page *pg, const slot *sl, lxw_chart *ch)
{
    double wpx = 0;
    for (lxw_col_t c = sl->c0; c <= sl->c1; c++)
        wpx += pg->width[c] * 7.0 + 5.0;
    wpx -= 12;
    lxw_chart_options o = {.x_offset = 2, .y_offset = 4, .x_scale = wpx / 480.0,
                           .y_scale = (sl->rows * 20.0 - 10) / 288.0, .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    spie_wb_check(w, worksheet_insert_chart_opt(pg->ws, sl->top, sl->c0, ch, &o));
}

/* Chart 1: its data from row *d (then moved past them), the chart at row r. Returns the
 * row after the chart and its note. */
static void chart_paid(spie_wb *w, spie_wb_page *pg, slot *sl, lxw_row_t *d)
{
    const spie_wb_unit *u0 = &w->units[0];
    const spie_params *p = w->in->params;
    lxw_worksheet *ws = pg->ws;
    sl->h_title = spie_wb_chart_caption(w, pg, sl->title, sl->c0, sl->c1,
                                        "Payé cumulé par l'État et allocation de l'État, mois par mois");
    lxw_row_t dr = *d;
    spie_wb_text(w, ws, dr++, 0, "Données du graphique 1", w->f.subtitle);
    static const char *const h1[3] = {"Mois", "Payé cumulé par l'État", "Allocation de l'État"};
    data_header(w, pg, dr++, h1, 3);
    lxw_row_t d1 = dr;
    const spie_figure *alloc = spie_wb_fig(w, u0, ID(ALLOCATION_ETAT));
    size_t left_out = 0;
    for (spie_month m = p->window_start; m <= w->period; m++) {
        const spie_figure *f = spie_wb_fig(w, u0, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, m));
        spie_wb_day(w, ws, dr, 0, spie_month_first_day(m), w->f.month);
        if (spie_wb_fig_ok(f))
            spie_wb_number(w, ws, dr, 1, spie_wb_fig_number(f), w->f.money);
        else
            left_out++;
        if (spie_wb_fig_ok(alloc))
            spie_wb_number(w, ws, dr, 2, spie_wb_fig_number(alloc), w->f.money);
        dr++;
    }
    *d = dr + 2;
    if (dr == d1) {
        sl->h_note = slot_para(w, pg, sl->note, sl, "Aucun mois de la fenêtre de l'enveloppe avant la période.",
                               w->f.note);
        return;
    }
    lxw_chart *ch = new_chart(w, LXW_CHART_LINE, "Payé cumulé par l'État et allocation de l'État");
    if (ch) {
        lxw_chart_series *s = series(w, ch, "Payé cumulé par l'État", d1, dr - 1, 0, 1);
        lxw_chart_line blue = {.color = 0x1F4E79, .width = 2.25};
        if (s)
            chart_series_set_line(s, &blue);
        s = series(w, ch, "Allocation de l'État", d1, dr - 1, 0, 2);
        lxw_chart_line dash = {.color = LXW_COLOR_RED, .dash_type = LXW_CHART_LINE_DASH_DASH, .width = 1.5};
        if (s)
            chart_series_set_line(s, &dash);
        chart_axis_set_name(ch->x_axis, "Mois");
        chart_axis_set_name(ch->y_axis, "Euros");
        chart_axis_set_interval_unit(ch->x_axis, 6); /* a label every six months */
        chart_axis_set_num_format(ch->x_axis, "mm/yyyy");
        chart_axis_set_num_format(ch->y_axis, "#,##0 \"€\"");
        chart_axis_set_min(ch->y_axis, 0);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
        place(w, pg, sl, ch);
    }
    char first[40], note[500], before[48];
    spie_wb_fr_month(first, sizeof first, p->window_start);
    const spie_figure *cum0 = spie_wb_fig(w, u0, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, p->window_start));
    const spie_figure *mon0 = spie_wb_fig(w, u0, spie_id(SPIE_IND_PAYE_ETAT_MOIS, p->window_start));
    if (spie_wb_fig_ok(cum0) && spie_wb_fig_ok(mon0))
        spie_wb_fr_euros0(before, sizeof before, cum0->ival - mon0->ival);
    else
        snprintf(before, sizeof before, "non disponibles");
    snprintf(note, sizeof note,
             "Note : le premier point (%s) compte aussi les paiements de 2020 (%s) : la courbe ne part donc pas de "
             "zéro. L'allocation est celle des territoires pris en compte pour le budget.%s",
             first, before,
             left_out ? " Les mois nd (territoire en retard, extrait inutilisable) sont laissés en blanc." : "");
    sl->h_note = slot_para(w, pg, sl->note, sl, note, w->f.note);
}

/* A funnel point: a département with a published rate. */
typedef struct point {
    const char *name;
    double n, p;
    bool mine; /* one of the région's départements (regional workbook) */
} point;

/* The funnel plot's material: its points, the national rate, where its data went. */
typedef struct funnel_plot {
    int h;                   /* the key horizon, in months */
    point pts[512];
    size_t np, n_mine, left_out;
    double nmin, nmax;       /* the points' range of n */
    bool has_p0;
    double p0;               /* the national rate */
    lxw_row_t d0, d1;        /* the points' data rows */
    lxw_row_t g0, g1;        /* the limits' data rows */
    double z95, z998;
} funnel_plot;

/* Every département of the table with a published rate at the key horizon; in a
 * regional workbook the région's first (their own series), the others after. */
static void funnel_points(spie_wb *w, funnel_plot *fn)
{
    const spie_territories *terr = w->in->terr;
    for (int pass = 0; pass < (w->region ? 2 : 1); pass++)
        for (size_t i = 0; i < terr->count && fn->np < SPIE_ARRAY_LEN(fn->pts); i++) {
            const spie_dept *dp = terr->items[i].dept;
            bool mine = w->region && spie_wb_in_scope(w, dp);
            if (w->region && mine != (pass == 0))
                continue;
            const spie_figure *f = spie_wb_get(w, SPIE_LEVEL_DEPARTEMENT, dp->code, SPIE_BD_ENSEMBLE, "",
                                               spie_id(SPIE_IND_TAUX_REPRISE, fn->h));
            if (!spie_wb_fig_ok(f) || !f->has_effectif || f->effectif <= 0) {
                fn->left_out++;
                continue;
            }
            fn->pts[fn->np++] = (point){dp->name, (double)f->effectif, f->real, mine};
        }
    const spie_figure *nat = spie_wb_fig(w, spie_wb_france(w), spie_id(SPIE_IND_TAUX_REPRISE, fn->h));
    fn->has_p0 = spie_wb_fig_ok(nat);
    fn->p0 = fn->has_p0 ? nat->real : 0;
}

/* The chart's data: a row per point, then the national line and the control limits over
 * a grid of n (41 values, logarithmic). */
static lxw_row_t funnel_data(spie_wb *w, spie_wb_page *pg, funnel_plot *fn, lxw_row_t dr)
{
    lxw_worksheet *ws = pg->ws;
    spie_wb_text(w, ws, dr++, 0, "Données du graphique 2 : un point par département", w->f.subtitle);
    static const char *const h2[4] = {"Département", "Bénéficiaires éligibles", "Taux de reprise", "Série"};
    data_header(w, pg, dr++, h2, 4);
    fn->d0 = dr;
    for (size_t i = 0; i < fn->np; i++, dr++) {
        const point *pt = &fn->pts[i];
        spie_wb_text(w, ws, dr, 0, pt->name, w->f.text);
        spie_wb_number(w, ws, dr, 1, pt->n, w->f.count);
        spie_wb_number(w, ws, dr, 2, pt->p, w->f.pct);
        spie_wb_text(w, ws, dr, 3, pt->mine ? "région" : w->region ? "autres départements" : "départements",
                     w->f.text);
        fn->n_mine += pt->mine;
        if (i == 0 || pt->n < fn->nmin)
            fn->nmin = pt->n;
        if (i == 0 || pt->n > fn->nmax)
            fn->nmax = pt->n;
    }
    fn->d1 = dr;
    dr += 2;
    spie_wb_text(w, ws, dr++, 0, "Données du graphique 2 : taux national et limites de contrôle", w->f.subtitle);
    static const char *const h3[7] = {"", "Bénéficiaires éligibles (n)", "Taux national",
                                      "Limite basse à 95 %", "Limite haute à 95 %", "Limite basse à 99,8 %",
                                      "Limite haute à 99,8 %"};
    data_header(w, pg, dr++, h3, 7);
    fn->g0 = dr;
    const int grid = 41;
    fn->z95 = gsl_cdf_ugaussian_Pinv(0.975);
    fn->z998 = gsl_cdf_ugaussian_Pinv(0.999);
    if (fn->np && fn->has_p0) {
        double lo = fn->nmin, hi = fn->nmax, p0 = fn->p0;
        if (!(hi > lo)) {
            lo = fn->nmin / 2;
            hi = fn->nmax * 2;
        }
        if (lo < 1)
            lo = 1;
        for (int i = 0; i < grid; i++, dr++) {
            double n = lo * pow(hi / lo, (double)i / (grid - 1));
            spie_wb_number(w, ws, dr, 1, n, w->f.real);
            spie_wb_number(w, ws, dr, 2, p0, w->f.pct);
            spie_wb_number(w, ws, dr, 3, spie_wb_funnel_limit(p0, n, fn->z95, false), w->f.pct);
            spie_wb_number(w, ws, dr, 4, spie_wb_funnel_limit(p0, n, fn->z95, true), w->f.pct);
            spie_wb_number(w, ws, dr, 5, spie_wb_funnel_limit(p0, n, fn->z998, false), w->f.pct);
            spie_wb_number(w, ws, dr, 6, spie_wb_funnel_limit(p0, n, fn->z998, true), w->f.pct);
        }
    }
    fn->g1 = dr;
    return dr;
}

/* The y axis over the points and the 99.8 % limits, by tenths. */
static void funnel_y_range(const funnel_plot *fn, double *ymin, double *ymax)
{
    double lo = 1, hi = 0;
    for (size_t i = 0; i < fn->np; i++) {
        lo = fn->pts[i].p < lo ? fn->pts[i].p : lo;
        hi = fn->pts[i].p > hi ? fn->pts[i].p : hi;
    }
    if (fn->np && fn->has_p0) {
        double n = fn->nmin > 1 ? fn->nmin : 1;
        double l = spie_wb_funnel_limit(fn->p0, n, fn->z998, false);
        double u = spie_wb_funnel_limit(fn->p0, n, fn->z998, true);
        lo = l < lo ? l : lo;
        hi = u > hi ? u : hi;
    }
    lo = floor(lo * 10.0) / 10.0;
    hi = ceil(hi * 10.0) / 10.0;
    if (hi <= lo)
        hi = lo + 0.1;
    *ymin = lo < 0 ? 0 : lo;
    *ymax = hi > 1 ? 1 : hi;
}

/* The points: the région's départements one series each, labelled with their names (a
 * regional workbook), the others in one series. Returns the number of series. */
static unsigned funnel_point_series(spie_wb *w, lxw_chart *ch, const funnel_plot *fn)
{
    lxw_chart_line none = {.none = LXW_TRUE};
    lxw_chart_fill grey = {.color = 0xA6A6A6}, blue = {.color = 0x1F4E79};
    lxw_chart_line grey_l = {.color = 0x7F7F7F}, blue_l = {.color = 0x1F4E79};
    unsigned idx = 0;
    for (size_t i = 0; i < fn->n_mine; i++) {
        lxw_chart_series *s = series(w, ch, fn->pts[i].name, fn->d0 + (lxw_row_t)i, fn->d0 + (lxw_row_t)i, 1, 2);
        idx++;
        if (!s)
            continue;
        chart_series_set_line(s, &none);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_DIAMOND);
        chart_series_set_marker_size(s, 9);
        chart_series_set_marker_fill(s, &blue);
        chart_series_set_marker_line(s, &blue_l);
        /* the département's name and its rate beside its point */
        chart_series_set_labels(s);
        chart_series_set_labels_options(s, LXW_TRUE, LXW_FALSE, LXW_TRUE);
        chart_series_set_labels_position(s, LXW_CHART_LABEL_POSITION_RIGHT);
    }
    if (fn->np > fn->n_mine) {
        lxw_chart_series *s = series(w, ch, w->region ? "Autres départements" : "Départements",
                                     fn->d0 + (lxw_row_t)fn->n_mine, fn->d1 - 1, 1, 2);
        idx++;
        if (s) {
            chart_series_set_line(s, &none);
            chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
            chart_series_set_marker_size(s, 6);
            chart_series_set_marker_fill(s, w->region ? &grey : &blue);
            chart_series_set_marker_line(s, w->region ? &grey_l : &blue_l);
        }
    }
    return idx;
}

/* The national rate and the control limits, series idx onwards; the low limits are
 * kept out of the legend (one entry per pair of limits). */
static void funnel_limit_series(spie_wb *w, lxw_chart *ch, const funnel_plot *fn, unsigned idx)
{
    static const struct {
        const char *name;
        lxw_col_t col;
        uint8_t dash;
        lxw_color_t color;
        bool legend;
    } lines[5] = {{"Taux de la France", 2, LXW_CHART_LINE_DASH_SOLID, 0x000000, true},
                  {"Limites à 95 %", 4, LXW_CHART_LINE_DASH_DASH, 0xED7D31, true},
                  {"Limite basse à 95 %", 3, LXW_CHART_LINE_DASH_DASH, 0xED7D31, false},
                  {"Limites à 99,8 %", 6, LXW_CHART_LINE_DASH_LONG_DASH, 0xC00000, true},
                  {"Limite basse à 99,8 %", 5, LXW_CHART_LINE_DASH_LONG_DASH, 0xC00000, false}};
    int16_t hide[4];
    size_t nh = 0;
    for (size_t k = 0; k < 5; k++) {
        lxw_chart_series *s = series(w, ch, lines[k].name, fn->g0, fn->g1 - 1, 1, lines[k].col);
        if (!lines[k].legend && nh < 4)
            hide[nh++] = (int16_t)idx;
        idx++;
        if (!s)
            continue;
        lxw_chart_line ln = {.color = lines[k].color, .width = k ? 1.25 : 1.5, .dash_type = lines[k].dash};
        chart_series_set_line(s, &ln);
        chart_series_set_marker_type(s, LXW_CHART_MARKER_NONE);
    }
    hide[nh] = -1;
    spie_wb_check(w, chart_legend_delete_series(ch, hide));
}

/* The reading note under the chart. */
static void funnel_note(spie_wb *w, spie_wb_page *pg, slot *sl, const funnel_plot *fn)
{
    char p0t[40], note[900];
    if (fn->has_p0)
        spie_wb_fr_pct1(p0t, sizeof p0t, fn->p0);
    else
        snprintf(p0t, sizeof p0t, "non publié");
    size_t k = (size_t)snprintf(
        note, sizeof note,
        "Lecture : un point par département%s : en abscisse ses éligibles (entrés depuis %d mois au moins), en "
        "ordonnée la part d'entre eux qui ont repris une activité dans les %d mois. Ligne horizontale : le taux de la "
        "France (%s) ; courbes : les limites de contrôle à 95 %% et à 99,8 %% (taux national ± 1,96 ou 3,09 "
        "écarts-types d'un taux sur n personnes). Un département hors des courbes s'écarte du taux national plus que "
        "le hasard ne l'expliquerait.",
        w->region ? " (ceux de la région en bleu, avec leur nom ; les autres en gris)" : "", fn->h, fn->h, p0t);
    if (fn->left_out && k < sizeof note)
        snprintf(note + k, sizeof note - k,
                 " %zu département%s ne figure%s pas : taux masqué (s) ou non disponible (nd).", fn->left_out,
                 fn->left_out > 1 ? "s" : "", fn->left_out > 1 ? "nt" : "");
    sl->h_note = slot_para(w, pg, sl->note, sl, note, w->f.note);
}

/* Chart 2: the funnel plot. Its data from row *d (then moved past them). */
static void chart_funnel(spie_wb *w, spie_wb_page *pg, slot *sl, lxw_row_t *d)
{
    const spie_params *p = w->in->params;
    int kh = spie_wb_key_horizon(w);
    funnel_plot f = {0}, *fn = &f;
    fn->h = kh >= 0 ? p->horizons[kh] : 0;
    char t[240];
    snprintf(t, sizeof t, "Taux de reprise à %d mois des départements selon leur nombre d'éligibles", fn->h);
    sl->h_title = spie_wb_chart_caption(w, pg, sl->title, sl->c0, sl->c1, t);
    if (kh < 0) {
        sl->h_note = slot_para(w, pg, sl->note, sl, "Aucun horizon de reprise n'est configuré.", w->f.note);
        return;
    }
    funnel_points(w, fn);
    *d = funnel_data(w, pg, fn, *d) + 2;
    if (!fn->np) {
        sl->h_note = slot_para(w, pg, sl->note, sl, "Aucun département n'a de taux publié : pas de graphique.",
                               w->f.note);
        return;
    }
    snprintf(t, sizeof t, "Taux de reprise d'activité à %d mois et bénéficiaires éligibles, par département", fn->h);
    lxw_chart *ch = new_chart(w, LXW_CHART_SCATTER_STRAIGHT, t);
    if (ch) {
        unsigned idx = funnel_point_series(w, ch, fn);
        if (fn->has_p0)
            funnel_limit_series(w, ch, fn, idx);
        double ymin, ymax;
        funnel_y_range(fn, &ymin, &ymax);
        chart_axis_set_name(ch->x_axis, "Bénéficiaires éligibles (échelle logarithmique)");
        chart_axis_set_name(ch->y_axis, "Taux de reprise");
        chart_axis_set_log_base(ch->x_axis, 10);
        chart_axis_set_num_format(ch->x_axis, "#,##0");
        chart_axis_set_num_format(ch->y_axis, "0 %");
        chart_axis_set_min(ch->y_axis, ymin);
        chart_axis_set_max(ch->y_axis, ymax);
        chart_axis_major_gridlines_set_visible(ch->x_axis, LXW_FALSE);
        place(w, pg, sl, ch);
    }
    funnel_note(w, pg, sl, fn);
}

/* Chart 3: the cumulative incidence of the units compared: région and France, or France
 * and the waves. */
static void chart_incidence(spie_wb *w, spie_wb_page *pg, slot *sl, lxw_row_t *d)
{
    lxw_worksheet *ws = pg->ws;
    sl->h_title = spie_wb_chart_caption(w, pg, sl->title, sl->c0, sl->c1,
                                        "Incidence cumulée de la reprise d'activité selon les jours depuis l'entrée");
    const spie_wb_unit *us[4];
    size_t nu = 0;
    if (w->region) {
        us[nu++] = &w->units[0];
        us[nu++] = spie_wb_france(w);
    } else {
        us[nu++] = &w->units[0];
        for (size_t u = 1; u < w->first_dept && nu < 4; u++)
            if (w->units[u].level == SPIE_LEVEL_VAGUE)
                us[nu++] = &w->units[u];
    }
    lxw_row_t dr = *d;
    spie_wb_text(w, ws, dr++, 0, "Données du graphique 3", w->f.subtitle);
    char names[4][96];
    const char *heads[5] = {"Jours depuis l'entrée"};
    for (size_t i = 0; i < nu; i++) {
        spie_wb_fr_unit_name(us[i], true, names[i], sizeof names[i]);
        heads[1 + i] = names[i];
    }
    data_header(w, pg, dr++, heads, 1 + nu);
    lxw_row_t d0 = dr;
    for (int32_t t = 0; t <= SPIE_INCIDENCE_LAST; t += SPIE_INCIDENCE_STEP, dr++) {
        spie_wb_number(w, ws, dr, 0, t, w->f.count);
        for (size_t i = 0; i < nu; i++) {
            const spie_figure *f = spie_wb_fig(w, us[i], spie_id(SPIE_IND_REPRISE_INCIDENCE, t));
            if (spie_wb_fig_ok(f))
                spie_wb_number(w, ws, dr, (lxw_col_t)(1 + i), f->real, w->f.pct);
        }
    }
    *d = dr + 2;
    lxw_chart *ch = new_chart(w, LXW_CHART_LINE, "Part des bénéficiaires ayant repris une activité");
    if (ch) {
        /* régional: the région in blue, France in black dashes; national: France in blue,
         * the waves in orange, green, purple */
        const lxw_color_t colors[4] = {0x1F4E79, w->region ? 0x000000 : 0xED7D31, 0x70AD47, 0x7030A0};
        for (size_t i = 0; i < nu; i++) {
            lxw_chart_series *s = series(w, ch, names[i], d0, dr - 1, 0, (lxw_col_t)(1 + i));
            lxw_chart_line ln = {.color = colors[i], .width = i == 0 ? 2.25 : 1.5,
                                 .dash_type = w->region && i == 1 ? LXW_CHART_LINE_DASH_DASH : LXW_CHART_LINE_DASH_SOLID};
            if (s)
                chart_series_set_line(s, &ln);
        }
        chart_axis_set_name(ch->x_axis, "Jours depuis l'entrée");
        chart_axis_set_name(ch->y_axis, "Part ayant repris une activité");
        chart_axis_set_interval_unit(ch->x_axis, 3); /* a label every 90 days */
        chart_axis_set_num_format(ch->y_axis, "0 %");
        chart_axis_set_min(ch->y_axis, 0);
        chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
        place(w, pg, sl, ch);
    }
    sl->h_note = slot_para(w, pg, sl->note, sl,
                           "Lecture : la part des bénéficiaires qui ont repris une activité selon le nombre de jours "
                           "depuis leur entrée (estimation de Kaplan–Meier, qui tient compte des bénéficiaires entrés "
                           "trop récemment pour être suivis aussi longtemps) ; la courbe s'arrête au plus long suivi "
                           "observé.",
                           w->f.note);
}

static double maxd(double a, double b)
{
    return a > b ? a : b;
}

/* The three charts on a page of their own: charts 1 and 3 side by side, chart 2 across
 * the page under them; their data from row *d. Returns the row after the block. */
lxw_row_t spie_wb_synthese_charts(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_row_t *d, lxw_col_t ncols)
{
    spie_wb_page_need(w, pg, r, 1e9); /* a new page */
    /* charts 1 and 3 share the width: chart 1 over the first columns that make half of it */
    double total = 0, half = 0;
    for (lxw_col_t k = 0; k < ncols; k++)
        total += pg->width[k];
    lxw_col_t split = 1;
    for (lxw_col_t k = 0; k + 1 < ncols; k++) {
        half += pg->width[k];
        split = (lxw_col_t)(k + 1);
        if (half >= total / 2)
            break;
    }
    int side, funnel;
    spie_wb_chart_rows(pg, &side, &funnel);
    slot a = {r, r + 1, (lxw_row_t)(r + 1 + side), 0, (lxw_col_t)(split - 1), side, 0, 0};
    slot c = {r, r + 1, (lxw_row_t)(r + 1 + side), split, (lxw_col_t)(ncols - 1), side, 0, 0};
    lxw_row_t r2 = a.note + 2;
    slot b = {r2, r2 + 1, (lxw_row_t)(r2 + 1 + funnel), 0, (lxw_col_t)(ncols - 1), funnel, 0, 0};
    chart_paid(w, pg, &a, d);
    chart_funnel(w, pg, &b, d);
    chart_incidence(w, pg, &c, d);
    /* the rows' heights and their place on the page */
    const struct {
        lxw_row_t row;
        double h;
    } rows[4] = {{a.title, maxd(a.h_title, c.h_title)},
                 {a.note, maxd(maxd(a.h_note, c.h_note), SPIE_WB_ROW)},
                 {b.title, b.h_title},
                 {b.note, maxd(b.h_note, SPIE_WB_ROW)}};
    for (size_t i = 0; i < 4; i++) {
        spie_wb_check(w, worksheet_set_row(pg->ws, rows[i].row, rows[i].h, NULL));
        if (i % 2) /* a note */
            spie_wb_page_take_note(w, pg, rows[i].row, rows[i].h);
        else
            spie_wb_page_take(w, pg, rows[i].row, rows[i].h);
        if (i == 0 || i == 2) { /* the chart's rows, counted once */
            lxw_row_t top = rows[i].row + 1;
            int n = i == 0 ? side : funnel;
            spie_wb_page_take(w, pg, top, n * SPIE_WB_ROW);
            pg->next = (lxw_row_t)(top + n);
        }
    }
    return b.note + 1;
}

