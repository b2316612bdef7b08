/* The cell writers, formats and layout that every sheet of the workbooks shares. Every
 * libxlsxwriter call of a cell goes through here and keeps its first error in the
 * spie_wb; a figure is written as the publication table holds it: counts as the same
 * integer, reals as the same double (libxlsxwriter prints "%.16G" in the C locale: the
 * program never calls setlocale), money as cents / 100, s and nd as centred text.
 *
 * It may not look a figure up, decide what a sheet shows, or hold French sentences
 * (text_fr.c gives them). */
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

void spie_wb_value(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                   lxw_format *real_fmt)
{
    if (!f || !ws)
        return;
    if (f->status != SPIE_STATUS_OK || f->kind == SPIE_VK_NONE) {
        spie_wb_mark(w, ws, r, c, f->status == SPIE_STATUS_OK ? SPIE_STATUS_ND : (spie_status)f->status);
        return;
    }
    if (f->id.ind == SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS && f->kind == SPIE_VK_COUNT) {
        /* a number of months from P in the CSV, the month in words here */
        char buf[40];
        spie_wb_fr_month(buf, sizeof buf, w->period + (spie_month)f->ival);
        spie_wb_text(w, ws, r, c, buf, w->f.text);
        return;
    }
    switch (f->kind) {
    case SPIE_VK_COUNT: spie_wb_number(w, ws, r, c, (double)f->ival, w->f.count); break;
    case SPIE_VK_CENTS: spie_wb_number(w, ws, r, c, euros(f->ival), w->f.money); break;
    case SPIE_VK_TEXT: {
        spie_month m;
        char buf[40];
        if (spie_month_parse_iso(f->text, strlen(f->text), &m)) { /* a month: "avril 2023" */
            spie_wb_fr_month(buf, sizeof buf, m);
            spie_wb_text(w, ws, r, c, buf, w->f.text);
        } else {
            spie_wb_text(w, ws, r, c, f->text, w->f.text);
        }
        break;
    }
    default: spie_wb_number(w, ws, r, c, f->real, real_fmt ? real_fmt : w->f.real); break;
    }
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

void spie_wb_effectif(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f)
{
    if (f && f->has_effectif)
        spie_wb_number(w, ws, r, c, (double)f->effectif, w->f.count);
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

static lxw_format *fmt_num(lxw_workbook *wb, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    if (f)
        format_set_num_format(f, num);
    return f;
}

bool spie_wb_formats_init(spie_wb *w)
{
    lxw_workbook *wb = w->wb;
    spie_wb_formats *f = &w->f;
    if (!(f->title = workbook_add_format(wb)) || !(f->subtitle = workbook_add_format(wb)) ||
        !(f->note = workbook_add_format(wb)) || !(f->alert = workbook_add_format(wb)) ||
        !(f->header = workbook_add_format(wb)) || !(f->text = workbook_add_format(wb)) ||
        !(f->text_bold = workbook_add_format(wb)) || !(f->wrap = workbook_add_format(wb)) ||
        !(f->mark = workbook_add_format(wb)))
        return false;
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_bold(f->subtitle);
    format_set_font_size(f->subtitle, 12);
    format_set_italic(f->note);
    format_set_bold(f->alert);
    format_set_font_color(f->alert, LXW_COLOR_RED);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(f->header, 0xD9E1F2);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_num_format(f->text, "@");
    format_set_num_format(f->text_bold, "@");
    format_set_bold(f->text_bold);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(f->mark, LXW_ALIGN_CENTER);
    /* Number formats use the file format's separators ("," thousands, "." decimal);
     * Excel and LibreOffice show them in the reader's locale: "1 234", "12,3 %". */
    if (!(f->count = fmt_num(wb, "#,##0")) || !(f->pct = fmt_num(wb, "0.0%")) || !(f->days = fmt_num(wb, "0.0")) ||
        !(f->money = fmt_num(wb, "#,##0 \"€\"")) || !(f->date = fmt_num(wb, "dd/mm/yyyy")) ||
        !(f->month = fmt_num(wb, "mm/yyyy")) || !(f->real = fmt_num(wb, "0.000")))
        return false;
    return true;
}

/* ---- layout ----------------------------------------------------------------------------- */

lxw_worksheet *spie_wb_sheet(spie_wb *w, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws)
        spie_wb_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ws;
}

lxw_row_t spie_wb_head(spie_wb *w, lxw_worksheet *ws, const char *title, const char *champ, const char *lecture)
{
    char buf[512];
    lxw_row_t r = 0;
    spie_wb_text(w, ws, r++, 0, title, w->f.title);
    spie_wb_fr_period(w, buf, sizeof buf);
    spie_wb_text(w, ws, r++, 0, buf, w->f.text);
    if (champ)
        spie_wb_text(w, ws, r++, 0, champ, w->f.note);
    spie_wb_fr_source(w, buf, sizeof buf);
    spie_wb_text(w, ws, r++, 0, buf, w->f.note);
    if (lecture)
        spie_wb_text(w, ws, r++, 0, lecture, w->f.note);
    bool restricted = spie_wb_fr_legend(w, buf, sizeof buf);
    spie_wb_text(w, ws, r++, 0, buf, restricted ? w->f.alert : w->f.note);
    return r + 1;
}

void spie_wb_header_row(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                        size_t n)
{
    for (size_t i = 0; i < n; i++)
        spie_wb_text(w, ws, r, (lxw_col_t)(c0 + i), labels[i], w->f.header);
    if (ws)
        spie_wb_check(w, worksheet_set_row(ws, r, 48, NULL));
}

void spie_wb_unit_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_wb_unit *u)
{
    bool total = u == &w->units[0];
    lxw_format *f = total ? w->f.text_bold : w->f.text;
    spie_wb_text(w, ws, r, c, spie_wb_level_word(u->level), f);
    spie_wb_text(w, ws, r, (lxw_col_t)(c + 1), u->code, f);
    char name[96];
    spie_wb_fr_unit_name(u, true, name, sizeof name);
    spie_wb_text(w, ws, r, (lxw_col_t)(c + 2), name, f);
}

void spie_wb_widths(spie_wb *w, lxw_worksheet *ws, lxw_col_t c0, const double *widths, size_t n)
{
    if (!ws)
        return;
    for (size_t i = 0; i < n; i++)
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(c0 + i), (lxw_col_t)(c0 + i), widths[i], NULL));
}
