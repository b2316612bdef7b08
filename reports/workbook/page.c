/* The layout every sheet of the workbooks shares (docs/classeurs.md, "Impression"):
 *   - the print setup: A4 (paper 9) landscape, one page wide, narrow margins, a footer
 *     with the workbook's title, the source and "page x / y"; the main table's header row
 *     and the label columns repeated on every printed page;
 *   - paragraphs (Champ, Source, Lecture, notes, "Comment lire") merged across the printed
 *     width, wrapped, with an explicit row height: LibreOffice does not size a wrapped
 *     row by itself, so every wrapped row is given the height its lines need;
 *   - header rows whose columns are widened until no word of a label is broken;
 *   - numbered tables and charts, listed on the Sommaire.
 * Widths and heights are estimated from Calibri's character widths (the workbook's font,
 * metric-compatible with Carlito in LibreOffice), with a margin.
 *
 * It may not look a figure up or decide what a sheet shows. */
#include "workbook_int.h"

#include <stdio.h>
#include <string.h>

#include "spie/version.h"

/* ---- text widths ------------------------------------------------------------------------ */

/* Width in pixels of a character of Calibri 11 regular (a digit is 7). */
static double char_px(uint32_t c)
{
    static const unsigned char ascii[95] = {
        /* ' ' ! " # $ % & ' ( ) * + , - . / */ 3, 3, 5, 7, 7, 10, 10, 3, 4, 4, 7, 7, 3, 4, 3, 5,
        /* 0-9 */ 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        /* : ; < = > ? @ */ 3, 3, 7, 7, 7, 6, 12,
        /* A-Z */ 8, 7, 7, 8, 6, 6, 8, 8, 3, 4, 7, 5, 11, 8, 9, 7, 9, 7, 6, 6, 8, 8, 11, 7, 7, 6,
        /* [ \ ] ^ _ ` */ 4, 5, 4, 7, 7, 4,
        /* a-z */ 7, 7, 6, 7, 7, 4, 7, 7, 3, 3, 6, 3, 11, 7, 7, 7, 7, 5, 6, 4, 7, 6, 10, 6, 6, 5,
        /* { | } ~ */ 4, 6, 4, 7};
    if (c >= 32 && c < 127)
        return ascii[c - 32];
    if (c == 0xA0 || c == 0x202F || c == 0x2019)
        return 3;
    if (c >= 0xC0 && c <= 0xDE)
        return 8; /* capitals with an accent */
    if (c >= 0xDF && c <= 0x17F)
        return 7; /* small letters with an accent */
    if (c == 0x2014 || c == 0x2192)
        return 11;
    return 8;
}

/* The next code point of s (advances *s); 0 at the end. */
static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    if (!*p)
        return 0;
    uint32_t c = *p++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more)
        c &= 0x3Fu >> more;
    while (more-- > 0 && (*p & 0xC0) == 0x80)
        c = (c << 6) | (*p++ & 0x3Fu);
    *s = (const char *)p;
    return c;
}

/* Pixels of s[0 .. n) (bold about 7 % wider), with a margin of 8 %. */
static double px_of(const char *s, size_t n, bool bold)
{
    const char *p = s, *end = s + n;
    double px = 0;
    while (p < end) {
        uint32_t c = next_cp(&p);
        if (!c)
            break;
        px += char_px(c);
    }
    return px * (bold ? 1.05 : 1.0) * 1.04;
}

/* The usable pixels of a cell `width` characters wide (Excel: width·7 + 5, less padding). */
static double cell_px(double width)
{
    return width * 7.0 + 1.0;
}

int spie_wb_lines(const char *s, double width, bool bold)
{
    if (!s || !*s)
        return 1;
    double avail = cell_px(width), space = px_of(" ", 1, bold), line = 0;
    int lines = 1;
    const char *p = s;
    while (*p) {
        if (*p == '\n') {
            lines++;
            line = 0;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \n");
        double word = px_of(p, n, bold);
        if (line > 0 && line + space + word > avail) {
            lines++;
            line = 0;
        }
        if (line == 0) {
            while (word > avail && avail > 0) { /* a word longer than the cell: broken */
                lines++;
                word -= avail;
            }
            line = word;
        } else {
            line += space + word;
        }
        p += n;
    }
    return lines;
}

double spie_wb_line_height(int n, double points)
{
    return (double)(n < 1 ? 1 : n) * points * 1.28 + 3.0;
}

/* The longest word of s, in characters of column width. */
static double longest_word(const char *s, bool bold)
{
    double best = 0;
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, " \n");
        double px = px_of(p, n, bold);
        if (px > best)
            best = px;
        p += n;
        p += strspn(p, " \n");
    }
    return (best + 2.0) / 7.0;
}

/* ---- the sheet -------------------------------------------------------------------------- */

/* s with every '&' doubled (a header/footer's control character), into buf. */
static void escape_amp(char *buf, size_t size, const char *s)
{
    size_t k = 0;
    for (; *s && k + 2 < size; s++) {
        buf[k++] = *s;
        if (*s == '&')
            buf[k++] = '&';
    }
    buf[k] = 0;
}

lxw_worksheet *spie_wb_page_open(spie_wb *w, spie_wb_page *pg, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(w->wb, name);
    if (!ws) {
        memset(pg, 0, sizeof *pg);
        spie_wb_check(w, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    return spie_wb_page_attach(w, pg, ws, name);
}

lxw_worksheet *spie_wb_page_attach(spie_wb *w, spie_wb_page *pg, lxw_worksheet *ws, const char *name)
{
    memset(pg, 0, sizeof *pg);
    pg->name = name;
    pg->ws = ws;
    if (!ws)
        return NULL;
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0); /* one page wide, as many pages down as needed */
    worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.6);
    char title[200], footer[400];
    escape_amp(title, sizeof title, w->footer_title);
    snprintf(footer, sizeof footer, "&L&8%s&C&8Source : extraits SPIE, traitement %s %s&R&8page &P / &N", title,
             SPIE_ENGINE, spie_wb_version(w));
    lxw_header_footer_options o = {.margin = 0.25};
    spie_wb_check(w, worksheet_set_footer_opt(ws, footer, &o));
    return ws;
}

void spie_wb_page_close(spie_wb *w, spie_wb_page *pg)
{
    lxw_worksheet *ws = pg->ws;
    if (!ws)
        return;
    for (lxw_col_t c = 0; c < SPIE_WB_PAGE_COLS; c++)
        if (pg->width[c] > 0)
            spie_wb_check(w, worksheet_set_column(ws, c, c, pg->width[c], NULL));
    /* the sheet's title and period on every printed page; the tables repeat their own
     * headers (spie_wb_data_row) */
    spie_wb_check(w, worksheet_repeat_rows(ws, 0, 1));
    if (pg->label_cols)
        spie_wb_check(w, worksheet_repeat_columns(ws, 0, (lxw_col_t)(pg->label_cols - 1)));
    if (pg->n_breaks) {
        lxw_row_t breaks[513];
        memcpy(breaks, pg->breaks, pg->n_breaks * sizeof *breaks);
        breaks[pg->n_breaks] = 0;
        spie_wb_check(w, worksheet_set_h_pagebreaks(ws, breaks));
    }
}

/* ---- pagination --------------------------------------------------------------------------- */

/* A4 landscape with the margins of spie_wb_page_open, in points; the sheet's first two rows
 * (14 pt title, period) take TITLE_ROWS of every page. */
#define PAGE_W (841.89 - (0.4 + 0.4) * 72.0)
#define PAGE_H (595.28 - (0.5 + 0.6) * 72.0)
#define TITLE_ROWS (19.0 + SPIE_WB_ROW)
#define PAGE_SAFETY 0.94 /* what LibreOffice and Excel may lay out differently */

double spie_wb_page_capacity(const spie_wb_page *pg)
{
    double px = 0;
    lxw_col_t last = 0;
    for (lxw_col_t c = 0; c < SPIE_WB_PAGE_COLS; c++)
        if (pg->width[c] > 0)
            last = (lxw_col_t)(c + 1);
    for (lxw_col_t c = 0; c < last; c++)
        px += (pg->width[c] > 0 ? pg->width[c] : 8.43) * 7.0 + 5.0;
    double pt = px * 0.75;
    double scale = pt > PAGE_W ? PAGE_W / pt : 1.0;
    return (PAGE_H - TITLE_ROWS) / scale * PAGE_SAFETY;
}

static void page_break(spie_wb_page *pg, lxw_row_t r)
{
    if (pg->n_breaks < SPIE_ARRAY_LEN(pg->breaks) && (!pg->n_breaks || pg->breaks[pg->n_breaks - 1] < r))
        pg->breaks[pg->n_breaks++] = r;
    pg->y = 0;
}

/* The rows before r that nothing took (blank rows, rows of the default height): counted
 * one by one, each on the page where it falls. */
static void advance_to(spie_wb_page *pg, lxw_row_t r)
{
    if (pg->next < 2)
        pg->next = 2;
    double cap = spie_wb_page_capacity(pg);
    for (lxw_row_t g = pg->next; g < r; g++) {
        if (pg->y > 0 && pg->y + SPIE_WB_ROW > cap)
            page_break(pg, g);
        pg->y += SPIE_WB_ROW;
    }
    if (r > pg->next)
        pg->next = r;
}

/* Row r, h points high, against a capacity of cap points. */
static bool take_cap(spie_wb_page *pg, lxw_row_t r, double h, double cap)
{
    if (r < 2) /* the title rows: counted in every page's capacity */
        return false;
    advance_to(pg, r);
    pg->next = r + 1;
    if (pg->y > 0 && pg->y + h > cap) {
        page_break(pg, r);
        pg->y = h;
        return true;
    }
    pg->y += h;
    return false;
}

bool spie_wb_page_take(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h)
{
    (void)w;
    return take_cap(pg, r, h, spie_wb_page_capacity(pg));
}

/* A paragraph (a table's notes, most often) may use the page's reserve: a note alone at
 * the top of a page is worse than a page filled to the estimate's very end. */
bool spie_wb_page_take_note(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h)
{
    (void)w;
    return take_cap(pg, r, h, spie_wb_page_capacity(pg) / PAGE_SAFETY * 0.99);
}

void spie_wb_page_need(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h)
{
    (void)w;
    if (r < 2)
        return;
    advance_to(pg, r);
    if (pg->y > 0 && pg->y + h > spie_wb_page_capacity(pg))
        page_break(pg, r);
}

void spie_wb_table_end(spie_wb_page *pg)
{
    pg->in_table = false;
}

/* Writes the current table's header in row r (as spie_wb_header_row wrote it). */
static void header_again(spie_wb *w, spie_wb_page *pg, lxw_row_t r)
{
    for (lxw_col_t c = 0; c < SPIE_WB_PAGE_COLS; c++) {
        if (!pg->head_set[c])
            continue;
        lxw_format *f = pg->head_rot[c] ? w->f.header_rot : w->f.header;
        if (pg->head[c][0])
            spie_wb_text(w, pg->ws, r, c, pg->head[c], f);
        else
            spie_wb_check(w, worksheet_write_blank(pg->ws, r, c, f));
    }
    spie_wb_check(w, worksheet_set_row(pg->ws, r, pg->head_height, NULL));
}

lxw_row_t spie_wb_data_row(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h)
{
    if (!spie_wb_page_take(w, pg, r, h) || !pg->in_table)
        return r;
    /* a new page: the table's title and header again, then the row */
    char t[260];
    snprintf(t, sizeof t, "%s (suite)", pg->table_title);
    pg->y = 0;
    bool keep = pg->in_table;
    pg->in_table = false; /* the paragraph below is not a row of the table */
    r = spie_wb_para(w, pg, r, t, w->f.subtitle);
    pg->in_table = keep;
    header_again(w, pg, r);
    pg->y += pg->head_height + h;
    pg->next = r + 2;
    return r + 1;
}

void spie_wb_page_width(spie_wb *w, spie_wb_page *pg, lxw_col_t c, double width)
{
    (void)w;
    if (c < SPIE_WB_PAGE_COLS && width > pg->width[c])
        pg->width[c] = width;
}

/* The font size of a paragraph format. */
static double points_of(const spie_wb *w, const lxw_format *fmt)
{
    if (fmt == w->f.title)
        return 14;
    if (fmt == w->f.subtitle)
        return 12;
    if (fmt == w->f.note || fmt == w->f.para || fmt == w->f.para_bold || fmt == w->f.alert || fmt == w->f.wrap)
        return 10;
    return 11;
}

/* The characters of columns c0 .. c1 together (the pixels of the gaps counted). */
static double span_width(const spie_wb_page *pg, lxw_col_t c0, lxw_col_t c1)
{
    double wdt = 0;
    for (lxw_col_t c = c0; c <= c1 && c < SPIE_WB_PAGE_COLS; c++)
        wdt += (pg->width[c] > 0 ? pg->width[c] : 8.43) + 5.0 / 7.0;
    return wdt - 5.0 / 7.0;
}

double spie_wb_para_height(const spie_wb *w, const spie_wb_page *pg, lxw_col_t c0, lxw_col_t c1, const char *text,
                           const lxw_format *fmt)
{
    double pts = points_of(w, fmt);
    /* 10 pt text is narrower than the 11 pt of the widths */
    double scale = 11.0 / pts;
    bool bold = fmt == w->f.subtitle || fmt == w->f.title || fmt == w->f.para_bold || fmt == w->f.alert;
    int lines = spie_wb_lines(text, span_width(pg, c0, c1) * scale, bold);
    return spie_wb_line_height(lines, pts);
}

lxw_row_t spie_wb_para_span(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *text,
                            lxw_format *fmt)
{
    if (!pg->ws || !text || !*text)
        return r;
    double h = spie_wb_para_height(w, pg, c0, c1, text, fmt);
    spie_wb_page_take_note(w, pg, r, h);
    if (c1 > c0)
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, c0, r, c1, text, fmt));
    else
        spie_wb_text(w, pg->ws, r, c0, text, fmt);
    spie_wb_check(w, worksheet_set_row(pg->ws, r, h, NULL));
    return r + 1;
}

lxw_row_t spie_wb_para(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *text, lxw_format *fmt)
{
    lxw_col_t last = pg->ncols > 0 ? (lxw_col_t)(pg->ncols - 1) : 0;
    return spie_wb_para_span(w, pg, r, 0, last, text, fmt);
}

static void header_cells(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                         size_t n, bool rot)
{
    /* a new header row: the current table's header starts over */
    if (pg->last_header != r + 1) {
        memset(pg->head_set, 0, sizeof pg->head_set);
        pg->last_height = 0;
    }
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        lxw_col_t c = (lxw_col_t)(c0 + i);
        if (c >= SPIE_WB_PAGE_COLS)
            break;
        double hh;
        if (rot) {
            /* a turned label is one line, as long as the row is high */
            hh = px_of(labels[i], strlen(labels[i]), true) * 0.75 + 8;
        } else {
            spie_wb_page_width(w, pg, c, longest_word(labels[i], true));
            hh = spie_wb_line_height(spie_wb_lines(labels[i], pg->width[c], true), 11);
        }
        if (hh > h)
            h = hh;
        lxw_format *f = rot ? w->f.header_rot : w->f.header;
        if (labels[i][0])
            spie_wb_text(w, pg->ws, r, c, labels[i], f);
        else if (pg->ws)
            spie_wb_check(w, worksheet_write_blank(pg->ws, r, c, f));
        snprintf(pg->head[c], sizeof pg->head[c], "%s", labels[i]);
        pg->head_set[c] = true;
        pg->head_rot[c] = rot;
    }
    /* a row written in two calls keeps the larger height, counted once */
    double before = pg->last_header == r + 1 ? pg->last_height : 0;
    if (before > h)
        h = before;
    if (before == 0)
        spie_wb_page_take(w, pg, r, h);
    else
        pg->y += h - before;
    pg->last_header = r + 1;
    pg->last_height = h;
    pg->head_height = h;
    if (pg->ws)
        spie_wb_check(w, worksheet_set_row(pg->ws, r, h, NULL));
}

void spie_wb_header_widths(spie_wb *w, spie_wb_page *pg, lxw_col_t c0, const char *const *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spie_wb_page_width(w, pg, (lxw_col_t)(c0 + i), longest_word(labels[i], true));
}

void spie_wb_header_row(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                        size_t n)
{
    header_cells(w, pg, r, c0, labels, n, false);
}

void spie_wb_header_row_rot(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                            size_t n)
{
    header_cells(w, pg, r, c0, labels, n, true);
}

static void toc_add(spie_wb *w, const spie_wb_page *pg, lxw_row_t r, const char *title)
{
    if (w->n_toc == SPIE_WB_TOC_MAX)
        return;
    spie_wb_toc *t = &w->toc[w->n_toc++];
    snprintf(t->title, sizeof t->title, "%s", title);
    t->sheet = pg->name;
    t->row = r;
    t->col = 0;
}

lxw_row_t spie_wb_table_title(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title)
{
    char t[240];
    snprintf(t, sizeof t, "Tableau %u : %s", ++w->n_tables, title);
    /* the title, a header of two or three lines and three rows on the same page */
    spie_wb_page_need(w, pg, r, 22 + 45 + 3 * SPIE_WB_ROW);
    pg->in_table = false;
    r = spie_wb_para(w, pg, r, t, w->f.subtitle);
    toc_add(w, pg, r - 1, t);
    snprintf(pg->table_title, sizeof pg->table_title, "%s", t);
    pg->in_table = true;
    return r;
}

double spie_wb_chart_caption(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *title)
{
    char t[240];
    snprintf(t, sizeof t, "Graphique %u : %s", ++w->n_charts, title);
    toc_add(w, pg, r, t);
    w->toc[w->n_toc - 1].col = c0;
    double h = spie_wb_para_height(w, pg, c0, c1, t, w->f.subtitle);
    if (c1 > c0)
        spie_wb_check(w, worksheet_merge_range(pg->ws, r, c0, r, c1, t, w->f.subtitle));
    else
        spie_wb_text(w, pg->ws, r, c0, t, w->f.subtitle);
    return h;
}

lxw_row_t spie_wb_head(spie_wb *w, spie_wb_page *pg, const char *title, const char *champ, const char *lecture)
{
    char buf[600];
    lxw_row_t r = 0;
    spie_wb_text(w, pg->ws, r++, 0, title, w->f.title);
    spie_wb_fr_period(w, buf, sizeof buf);
    spie_wb_text(w, pg->ws, r++, 0, buf, w->f.text);
    r = spie_wb_para(w, pg, r, champ, w->f.note);
    spie_wb_fr_source(w, buf, sizeof buf);
    r = spie_wb_para(w, pg, r, buf, w->f.note);
    r = spie_wb_para(w, pg, r, lecture, w->f.note);
    if (spie_wb_fr_restricted(w, buf, sizeof buf))
        r = spie_wb_para(w, pg, r, buf, w->f.alert);
    return r + 1;
}
