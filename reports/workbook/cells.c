/* The cell writers and formats that every sheet of the workbooks shares. Every
 * libxlsxwriter call of a cell goes through here and keeps its first error in the
 * spie_wb; a figure is written as the publication table holds it: counts as the same
 * integer, reals as the same double (libxlsxwriter prints "%.16G" in the C locale: the
 * program never calls setlocale), money as cents / 100, s and nd as centred text.
 *
 * A figure that is not published shows its sign (spie_wb_sign): "s", "nd", "non atteinte"
 * for a Kaplan–Meier median not reached (its effectif is positive), "non atteint avant fin
 * <month>" for the exhaustion month beyond the window; an effectif is never a blank where
 * the figure has one by nature ("s" when the secret hides it, "nd" without data).
 *
 * It may not look a figure up, decide what a sheet shows, or lay a sheet out (page.c). */
#include "workbook_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"
#include "spie/fields.h"
#include "spie/stats.h"

#define WB_STR_MAX 32767u /* characters in a cell (Excel's limit, libxlsxwriter's check) */

/* ---- cell writers --------------------------------------------------------------------- */

void spie_wb_check(spie_wb *w, lxw_error e)
{
    if (e != LXW_NO_ERROR && w->err == LXW_NO_ERROR)
        w->err = e;
}

void spie_wb_text(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt)
{
    if (!ws || !s || !*s)
        return;
    size_t n = strlen(s);
    char *own = NULL;
    const char *t = s;
    if (!spie_utf8_valid(s, n)) {
        /* As the quality report does: bytes that are not UTF-8 are read as Windows-1252. */
        if (!(own = malloc(3 * n + 1))) {
            w->oom = true;
            return;
        }
        n = spie_cp1252_to_utf8(s, n, own);
        own[n] = 0;
        t = own;
    }
    size_t chars = 0, i = 0;
    for (; i < n; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80 && chars++ == WB_STR_MAX)
            break;
    if (i < n) { /* cut on a character boundary */
        char *cut = malloc(i + 1);
        if (!cut) {
            free(own);
            w->oom = true;
            return;
        }
        memcpy(cut, t, i);
        cut[i] = 0;
        free(own);
        own = cut;
        t = cut;
    }
    spie_wb_check(w, worksheet_write_string(ws, r, c, t, fmt));
    free(own);
}

void spie_wb_mark(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_status st)
{
    if (ws)
        spie_wb_check(w, worksheet_write_string(ws, r, c, st == SPIE_STATUS_SECRET ? "s" : "nd", w->f.mark));
}

void spie_wb_number(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *fmt)
{
    if (!ws)
        return;
    if (!isfinite(v)) { /* never reaches the file (pitfalls: Excel reports it damaged) */
        spie_wb_mark(w, ws, r, c, SPIE_STATUS_ND);
        return;
    }
    spie_wb_check(w, worksheet_write_number(ws, r, c, v, fmt));
}

static double euros(spie_cents c)
{
    return (double)c / 100.0;
}

double spie_wb_fig_number(const spie_figure *f)
{
    if (!f)
        return 0;
    switch (f->kind) {
    case SPIE_VK_COUNT: return (double)f->ival;
    case SPIE_VK_CENTS: return (double)f->ival / 100.0;
    default: return f->real;
    }
}

bool spie_wb_fig_ok(const spie_figure *f)
{
    return f && f->status == SPIE_STATUS_OK && f->kind != SPIE_VK_NONE;
}

const char *spie_wb_sign(spie_wb *w, const spie_figure *f, char *buf, size_t size)
{
    if (f->status == SPIE_STATUS_OK && f->kind != SPIE_VK_NONE)
        return NULL;
    if (f->status == SPIE_STATUS_SECRET)
        return "s";
    switch (f->id.ind) {
    case SPIE_IND_DELAI_KM_MEDIANE:
    case SPIE_IND_REPRISE_KM_MEDIANE:
        /* nd over a non-empty group: the survival curve never fell below one half */
        return f->status == SPIE_STATUS_ND && f->has_effectif && f->effectif > 0 ? "non atteinte" : "nd";
    case SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS: {
        /* a fit (3 points at least) with P inside the window: the line does not reach V
         * before the window's end */
        const spie_params *p = w->in->params;
        if (f->status == SPIE_STATUS_ND && f->has_effectif && f->effectif >= 3 && w->period <= p->window_end &&
            w->period >= p->window_start) {
            char m[24];
            spie_wb_fr_month(m, sizeof m, p->window_end);
            snprintf(buf, size, "non atteint avant fin %s", m);
            return buf;
        }
        return "nd";
    }
    default: return "nd";
    }
}

void spie_wb_value_fmt(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                       lxw_format *real_fmt, bool italic)
{
    if (!f || !ws)
        return;
    char buf[64];
    const char *sign = spie_wb_sign(w, f, buf, sizeof buf);
    if (sign) {
        /* a sign of a few letters centred; a longer one from the left, over the next cells */
        lxw_format *fmt = strlen(sign) > 12 ? (italic ? w->f.text_italic : w->f.text) : italic ? w->f.mark_i : w->f.mark;
        spie_wb_check(w, worksheet_write_string(ws, r, c, sign, fmt));
        return;
    }
    if (f->id.ind == SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS && f->kind == SPIE_VK_COUNT) {
        /* a number of months from P in the CSV, the month in words here */
        spie_wb_fr_month(buf, sizeof buf, w->period + (spie_month)f->ival);
        spie_wb_text(w, ws, r, c, buf, w->f.text);
        return;
    }
    if (italic) {
        if (real_fmt == w->f.pct)
            real_fmt = w->f.pct_i;
        else if (real_fmt == w->f.days)
            real_fmt = w->f.days_i;
        else if (real_fmt == w->f.ratio)
            real_fmt = w->f.ratio_i;
    }
    switch (f->kind) {
    case SPIE_VK_COUNT: spie_wb_number(w, ws, r, c, (double)f->ival, italic ? w->f.count_i : w->f.count); break;
    case SPIE_VK_CENTS: spie_wb_number(w, ws, r, c, euros(f->ival), italic ? w->f.money_i : w->f.money); break;
    case SPIE_VK_TEXT: spie_wb_text(w, ws, r, c, f->text, w->f.text); break;
    default: spie_wb_number(w, ws, r, c, f->real, real_fmt ? real_fmt : w->f.real); break;
    }
}

void spie_wb_value(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                   lxw_format *real_fmt)
{
    spie_wb_value_fmt(w, ws, r, c, f, real_fmt, false);
}

void spie_wb_cents(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_cents v)
{
    spie_wb_number(w, ws, r, c, euros(v), w->f.money);
}

void spie_wb_bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                   lxw_format *fmt)
{
    double v = hi ? f->hi : f->lo;
    if (f->kind == SPIE_VK_CENTS) {
        /* money bounds: rounded to the cent exactly as the CSV prints them */
        spie_cents ct;
        if (spie_round_cents(v, &ct) != SPIE_STAT_OK) {
            spie_wb_mark(w, ws, r, c, SPIE_STATUS_ND);
            return;
        }
        spie_wb_number(w, ws, r, c, euros(ct), w->f.money);
    } else {
        spie_wb_number(w, ws, r, c, v, fmt);
    }
}

void spie_wb_interval(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                      lxw_format *fmt)
{
    if (!f || !ws)
        return;
    if (f->status != SPIE_STATUS_OK) {
        if (spie_ind_has_interval(f->id)) {
            spie_wb_mark(w, ws, r, c, (spie_status)f->status);
            spie_wb_mark(w, ws, r, c + 1, (spie_status)f->status);
        }
        return;
    }
    if (!f->has_ci)
        return;
    spie_wb_bound(w, ws, r, c, f, false, fmt);
    spie_wb_bound(w, ws, r, c + 1, f, true, fmt);
}

/* Whether a figure has an effectif by nature (persons, territories, a divisor, the points
 * of a fit), even when this one is hidden or missing. */
static bool has_effectif_by_nature(const spie_figure *f)
{
    const spie_ind_def *d = spie_ind_def_of(f->id.ind);
    if (!d)
        return false;
    return d->rule != SPIE_RULE_NONE || d->family == SPIE_FAM_TERRITOIRES || f->id.ind == SPIE_IND_PROJECTION_PAYE_FIN ||
           f->id.ind == SPIE_IND_PROJECTION_PART_ENVELOPPE || f->id.ind == SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS;
}

void spie_wb_effectif(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f)
{
    if (!f)
        return;
    if (f->has_effectif)
        spie_wb_number(w, ws, r, c, (double)f->effectif, w->f.count);
    else if (has_effectif_by_nature(f))
        spie_wb_mark(w, ws, r, c, f->status == SPIE_STATUS_SECRET ? SPIE_STATUS_SECRET : SPIE_STATUS_ND);
}

void spie_wb_day(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_day d, lxw_format *fmt)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    if (!ws || y < 1900) /* Excel's calendar starts in 1900 */
        return;
    lxw_datetime dt = {.year = y, .month = m, .day = dd};
    spie_wb_check(w, worksheet_write_datetime(ws, r, c, &dt, fmt ? fmt : w->f.date));
}

/* ---- formats ---------------------------------------------------------------------------- */

/* A new format, NULL when libxlsxwriter runs out of memory. */
static lxw_format *fmt_new(lxw_workbook *wb, bool *ok)
{
    lxw_format *f = *ok ? workbook_add_format(wb) : NULL;
    if (!f)
        *ok = false;
    return f;
}

static lxw_format *fmt_num(lxw_workbook *wb, const char *num, bool italic, bool *ok)
{
    lxw_format *f = fmt_new(wb, ok);
    if (f) {
        format_set_num_format(f, num);
        if (italic)
            format_set_italic(f);
    }
    return f;
}

/* Wrapped text at the top of its cell, of `points`. */
static lxw_format *fmt_para(lxw_workbook *wb, double points, bool italic, bool bold, bool *ok)
{
    lxw_format *f = fmt_new(wb, ok);
    if (f) {
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        format_set_font_size(f, points);
        if (italic)
            format_set_italic(f);
        if (bold)
            format_set_bold(f);
    }
    return f;
}

bool spie_wb_formats_init(spie_wb *w)
{
    lxw_workbook *wb = w->wb;
    spie_wb_formats *f = &w->f;
    bool ok = true;
    f->title = fmt_new(wb, &ok);
    f->subtitle = fmt_new(wb, &ok);
    f->header = fmt_new(wb, &ok);
    f->header_rot = fmt_new(wb, &ok);
    f->text = fmt_num(wb, "@", false, &ok);
    f->text_bold = fmt_num(wb, "@", false, &ok);
    f->text_italic = fmt_num(wb, "@", true, &ok);
    f->mark = fmt_new(wb, &ok);
    f->mark_i = fmt_new(wb, &ok);
    f->link = fmt_new(wb, &ok);
    f->small = fmt_num(wb, "@", false, &ok);
    f->text10 = fmt_num(wb, "@", false, &ok);
    f->note = fmt_para(wb, 10, true, false, &ok);  /* Champ, Source, Lecture, notes */
    f->para = fmt_para(wb, 10, false, false, &ok); /* "Comment lire" */
    f->para_bold = fmt_para(wb, 10, false, true, &ok);
    f->alert = fmt_para(wb, 10, false, true, &ok);
    f->wrap = fmt_para(wb, 10, false, false, &ok); /* Méthodologie, motifs */
    /* Number formats use the file format's separators ("," thousands, "." decimal); Excel
     * and LibreOffice show them in the reader's locale: "1 234", "12,3 %" (the space
     * before % is in the format). */
    f->count = fmt_num(wb, "#,##0", false, &ok);
    f->pct = fmt_num(wb, "0.0 %", false, &ok);
    f->days = fmt_num(wb, "0.0", false, &ok);
    f->money = fmt_num(wb, "#,##0 \"€\"", false, &ok);
    f->count_i = fmt_num(wb, "#,##0", true, &ok);
    f->pct_i = fmt_num(wb, "0.0 %", true, &ok);
    f->days_i = fmt_num(wb, "0.0", true, &ok);
    f->money_i = fmt_num(wb, "#,##0 \"€\"", true, &ok);
    f->date = fmt_num(wb, "dd/mm/yyyy", false, &ok);
    f->month = fmt_num(wb, "mm/yyyy", false, &ok);
    f->real = fmt_num(wb, "0.000", false, &ok);
    f->ratio = fmt_num(wb, "0.00", false, &ok); /* observed / expected: "1,20" */
    f->ratio_i = fmt_num(wb, "0.00", true, &ok);
    f->flag = fmt_num(wb, "@", false, &ok);
    /* a change shows its sign; a rate's change is in points of percentage ("+1,2 %") */
    f->count_sgn = fmt_num(wb, "+#,##0;-#,##0;0", false, &ok);
    f->pct_sgn = fmt_num(wb, "+0.0 %;-0.0 %;0.0 %", false, &ok);
    f->days_sgn = fmt_num(wb, "+0.0;-0.0;0.0", false, &ok);
    f->money_sgn = fmt_num(wb, "+#,##0 \"€\";-#,##0 \"€\";0 \"€\"", false, &ok);
    f->real_sgn = fmt_num(wb, "+0.000;-0.000;0.000", false, &ok);
    if (!ok)
        return false;
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_bold(f->subtitle);
    format_set_font_size(f->subtitle, 12);
    format_set_font_color(f->alert, LXW_COLOR_RED);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_bold(f->header_rot);
    format_set_rotation(f->header_rot, 90);
    format_set_align(f->header_rot, LXW_ALIGN_CENTER);
    format_set_align(f->header_rot, LXW_ALIGN_VERTICAL_BOTTOM);
    format_set_bg_color(f->header_rot, 0xD9E1F2);
    format_set_border(f->header_rot, LXW_BORDER_THIN);
    format_set_bold(f->text_bold);
    format_set_align(f->date, LXW_ALIGN_LEFT);
    format_set_align(f->month, LXW_ALIGN_LEFT);
    format_set_align(f->mark, LXW_ALIGN_CENTER);
    format_set_align(f->mark_i, LXW_ALIGN_CENTER);
    format_set_italic(f->mark_i);
    format_set_font_color(f->link, LXW_COLOR_BLUE);
    format_set_font_size(f->link, 10);
    /* every cell at the top of its row: a row made higher by a wrapped cell reads across */
    lxw_format *top[] = {f->text,  f->text_bold, f->text_italic, f->mark,   f->mark_i, f->link,    f->small, f->text10,
                         f->count, f->pct,       f->days,        f->money,  f->count_i, f->pct_i, f->days_i,
                         f->money_i, f->date,    f->month,       f->real, f->ratio, f->ratio_i};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(top); i++)
        format_set_align(top[i], LXW_ALIGN_VERTICAL_TOP);
    format_set_bold(f->flag);
    format_set_font_color(f->flag, LXW_COLOR_RED);
    format_set_align(f->flag, LXW_ALIGN_VERTICAL_TOP);
    lxw_format *sgn[] = {f->count_sgn, f->pct_sgn, f->days_sgn, f->money_sgn, f->real_sgn};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(sgn); i++)
        format_set_align(sgn[i], LXW_ALIGN_VERTICAL_TOP);
    format_set_underline(f->link, LXW_UNDERLINE_SINGLE);
    format_set_font_size(f->small, 9);
    format_set_font_size(f->text10, 10);
    return true;
}
