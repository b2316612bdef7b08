/* Private to the workbook renderer (the files of reports/workbook/): the state of one
 * workbook being written, and what its files give each other:
 *   workbook.c            which files, in which order, with which properties
 *   lookup.c              figures by identity, the units and modalities of the tables, the
 *                         territories' extracts (late, missing), ranks
 *   cells.c               cell writers and formats
 *   page.c                the layout every sheet shares: print setup, columns, paragraphs
 *                         with their row heights, header rows, numbered tables
 *   text_fr.c             French words and labels, number words, the sentences every
 *                         sheet shares (signs, notes on late and missing territories)
 *   tables.c              tables of figures with one column per figure
 *   sheet_<name>.c        one sheet each
 *   synthese_charts.c     the Synthèse's three charts
 *
 * Error handling: every libxlsxwriter call goes through the writers of cells.c and page.c,
 * which keep the first error in the spie_wb (sticky, as spie_csvw does); a sheet function
 * never stops half-way on its own, and spie_workbooks_write looks at the error once the
 * workbook is closed. A figure looked up and not found is kept in the same way
 * (w->missing) and fails the workbook. Nothing here prints. */
#ifndef SPIE_WORKBOOK_INT_H
#define SPIE_WORKBOOK_INT_H

#include <xlsxwriter.h>

#include "spie/acc.h"
#include "spie/geo.h"
#include "spie/workbook.h"

/* Call marks of a unit's name (docs/classeurs.md, "Territoires en retard ou manquants"). */
enum {
    SPIE_WB_MARK_LATE = 1,    /* (r) a département with an extract of a month before P */
    SPIE_WB_MARK_MISSING = 2, /* (m) a département with an extract missing or unusable */
    SPIE_WB_MARK_PARTIAL = 4  /* (p) an aggregate lacking months or territories */
};

/* A group shown as one row of the per-territory tables. */
typedef struct spie_wb_unit {
    spie_level level;
    const char *code;   /* code in the table: "FR", "76", "AMI1", "31" */
    const char *name;   /* "France", "Occitanie", "AMI1", "Haute-Garonne" (static) */
    unsigned marks;     /* SPIE_WB_MARK_* */
    bool comparison;    /* the France row of a regional workbook */
    size_t terr;        /* a département's index in in->terr; SIZE_MAX for a group */
} spie_wb_unit;

/* A territory's selected extracts (from the plan and the reading results). */
typedef struct spie_wb_terr {
    spie_month month[SPIE_KIND_COUNT]; /* the selected file's month, SPIE_NO_MONTH when none */
    spie_entry_status status[SPIE_KIND_COUNT];
    bool late;    /* an extract of a month before P */
    bool missing; /* an extract missing or unusable */
} spie_wb_terr;

typedef struct spie_wb_formats {
    lxw_format *title, *subtitle, *note, *alert, *para, *para_bold;
    lxw_format *header;          /* table header: bold, wrapped, shaded */
    lxw_format *header_rot;      /* the same, turned a quarter (narrow columns of counts) */
    lxw_format *text, *text_bold, *text_italic, *wrap, *link;
    lxw_format *count, *pct, *days, *money, *date, *month, *real, *ratio;
    lxw_format *count_i, *pct_i, *days_i, *money_i, *ratio_i; /* italic: the France row of a regional workbook */
    lxw_format *mark, *mark_i;   /* "s", "nd", "non atteinte": text, centred */
    lxw_format *small;           /* SHA-256 digests */
    lxw_format *text10;          /* text of 10 pt (the Sommaire's list) */
    lxw_format *flag;            /* a word that must be seen ("rupture"): bold, red, not wrapped */
    /* changes since the previous publication: signed ("+12", "-1,5 %") */
    lxw_format *count_sgn, *pct_sgn, *days_sgn, *money_sgn, *real_sgn;
} spie_wb_formats;

/* A numbered table or chart, listed on the Sommaire with a link to it. */
typedef struct spie_wb_toc {
    char title[240];    /* "Tableau 3 : Entrées, parcours et solutions" */
    const char *sheet;  /* its sheet's name (static) */
    lxw_row_t row;
    lxw_col_t col;
} spie_wb_toc;

#define SPIE_WB_TOC_MAX 48
#define SPIE_WB_PAGE_COLS 64

/* The sheet being written: its columns, and its pagination. Every printed page repeats
 * the sheet's first two rows (its title and period); a table that goes on to a new page
 * repeats its own title ("(suite)") and header there, so that no printed page shows
 * figures without their labels, whatever the tables of the sheet. */
typedef struct spie_wb_page {
    lxw_worksheet *ws;
    const char *name;                   /* the sheet's name (static) */
    double width[SPIE_WB_PAGE_COLS];    /* column widths (characters), 0 = not set yet */
    lxw_col_t ncols;                    /* columns that paragraphs span (the printed width) */
    lxw_col_t label_cols;               /* label columns repeated on every printed page */
    lxw_row_t last_header;              /* the last header row written, + 1 (0: none) */
    double last_height;                 /* and its height */
    /* pagination: points (at 100 %) used on the current printed page, up to row next */
    double y;
    lxw_row_t next;
    lxw_row_t breaks[512];              /* page breaks: before these rows */
    size_t n_breaks;
    /* the table being written: repeated at the top of a new page */
    bool in_table;
    char table_title[240];
    char head[SPIE_WB_PAGE_COLS][120];  /* its header's labels by column ("" none) */
    bool head_set[SPIE_WB_PAGE_COLS];
    bool head_rot[SPIE_WB_PAGE_COLS];   /* turned labels */
    double head_height;
} spie_wb_page;

typedef struct spie_wb_index spie_wb_index;

typedef struct spie_wb {
    const spie_workbook_input *in;
    const spie_wb_index *index;  /* the table's rows by identity (NULL, as in some tests: the
                                    look-ups bisect the sorted table) */
    lxw_workbook *wb;
    spie_wb_formats f;
    const spie_region *region;   /* NULL for the national workbook */
    spie_wb_unit *units;         /* [0] the workbook's own level; regional: [1] France; national:
                                    the regions and the waves; then the départements */
    size_t n_units;
    size_t first_dept;           /* index of the first département in units */
    spie_wb_terr *terrs;         /* per territory of in->terr */
    spie_month period;
    spie_day ref_day;            /* D, last day of the period */
    char period_words[24];       /* "juin 2022" */
    char ref_text[16];           /* "30/06/2022" */
    char csv_name[40];           /* "indicateurs_2022-06.csv" */
    char footer_title[120];      /* "SPIE, Occitanie, juin 2022" */
    lxw_worksheet *sommaire;     /* written last, shown first */
    spie_wb_toc toc[SPIE_WB_TOC_MAX];
    size_t n_toc;
    unsigned n_tables, n_charts;
    lxw_error err;               /* first libxlsxwriter error, LXW_NO_ERROR if none */
    bool oom;                    /* an allocation failed */
    char missing[200];           /* the first figure looked up and not found: a bug */
} spie_wb;

/* ---- lookups (lookup.c) ------------------------------------------------------------- */

/* The rows of a sorted table by identity (level, code, breakdown, modality, indicator
 * name), hashed once for all the workbooks a process writes: a workbook looks up tens of
 * thousands of figures, and bisecting the table costs about 17 comparisons of up to five
 * strings each. spie_wb_index_find gives what the bisection gives, the row equal to the
 * identity under spie_figure_cmp (the first of them in the table if there were several),
 * or NULL. spie_wb_index_new returns NULL when memory runs out. */
spie_wb_index *spie_wb_index_new(const spie_table *t);
void spie_wb_index_free(spie_wb_index *x); /* accepts NULL */
const spie_figure *spie_wb_index_find(const spie_wb_index *x, spie_level level, const char *code, spie_breakdown bd,
                                      const char *modality, const char *indicator);

/* Figures are looked up by identity (spie/catalogue.h). A figure that the table lacks, or
 * an identity the catalogue does not know, is recorded in w->missing (the first one) and
 * fails the workbook: never a silently empty cell. */

/* The figure (level, code, breakdown, modality, id) of the sorted table, or NULL (then
 * recorded in w->missing). */
const spie_figure *spie_wb_get(spie_wb *w, spie_level level, const char *code, spie_breakdown bd,
                               const char *modality, spie_ind_id id);
/* The same for a unit's ensemble row. */
const spie_figure *spie_wb_fig(spie_wb *w, const spie_wb_unit *u, spie_ind_id id);
/* Whether the table has that figure, for rows that exist only sometimes (a group's
 * breakdowns): an absent figure is not recorded, an unknown identity is. */
bool spie_wb_has(spie_wb *w, spie_level level, const char *code, spie_breakdown bd, const char *modality,
                 spie_ind_id id);
/* The number format of an indicator's reals and bounds: pct for shares, days for days,
 * NULL (the writer's default) otherwise. */
lxw_format *spie_wb_unit_format(const spie_wb *w, spie_ind_id id);

/* Whether a département belongs to the workbook: every one for the national workbook,
 * those of its région for a regional one. */
bool spie_wb_in_scope(const spie_wb *w, const spie_dept *d);
/* Whether a région has a territory of the programme (then it has a workbook). */
bool spie_wb_region_has_territory(const spie_territories *terr, const spie_region *reg);
/* The territories' extracts (w->terrs), then the rows of the per-territory tables: the
 * workbook's level, then (regional) France, or (national) every région with a programme
 * territory and every wave that has one, then the départements, each with its call marks.
 * false when memory runs out. */
bool spie_wb_units_build(spie_wb *w);
/* The France unit (the national workbook's first row, a regional one's second). */
const spie_wb_unit *spie_wb_france(const spie_wb *w);

/* Rows of a breakdown table for the workbook's level: the modalities of bd, in the
 * engine's order for public, sexe, age and in time order for cohorte. Returns the number
 * written into mods (at most max); each points into static data or the table. */
size_t spie_wb_modalities(const spie_wb *w, spie_breakdown bd, const char **mods, size_t max);

/* The horizon and the pair the key figures use: 6 months and D_ORIENT when configured,
 * else the first of each. -1 when there is none. */
int spie_wb_key_horizon(const spie_wb *w);
int spie_wb_key_pair(const spie_wb *w);

/* The rank of région `code` among the régions with a programme territory for the figure
 * id (1 = the highest), over the régions whose figure is published (ok): *rank and *of.
 * false when the région's own figure is not published. */
bool spie_wb_region_rank(spie_wb *w, const char *code, spie_ind_id id, int *rank, int *of);

/* Whether a unit's group holds territory i of in->terr. */
bool spie_wb_unit_holds(const spie_wb_unit *u, const spie_territories *terr, size_t i);

/* ---- cell writers (cells.c); errors are kept in w->err ----------------------------- */

void spie_wb_check(spie_wb *w, lxw_error e);
/* Text from anywhere (extracts included): never a formula; invalid UTF-8 is read as
 * Windows-1252; cut at 32 767 characters. NULL or "" writes nothing. */
void spie_wb_text(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt);
/* A number; a non-finite value is never written ("nd" instead). */
void spie_wb_number(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *fmt);
/* "s" or "nd" (centred text) for a status that is not ok. */
void spie_wb_mark(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_status st);
/* A published figure's value as a number for a chart (money in euros); 0 for NULL. */
double spie_wb_fig_number(const spie_figure *f);
/* Whether f is published with a value (status ok). */
bool spie_wb_fig_ok(const spie_figure *f);
/* The sign a figure shows when it is not published: "s", "nd", "non atteinte" (a
 * Kaplan–Meier median not reached), "non atteint avant fin <month>" (the exhaustion
 * month); NULL when it is published. */
const char *spie_wb_sign(spie_wb *w, const spie_figure *f, char *buf, size_t size);
/* A figure's value: its sign unless its status is ok; counts with the count format, money
 * in euros, the exhaustion month in words, a real with real_fmt. NULL writes nothing.
 * italic: the France row of a regional workbook. */
void spie_wb_value_fmt(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                       lxw_format *real_fmt, bool italic);
void spie_wb_value(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                   lxw_format *real_fmt);
/* Its interval in (r, c) and (r, c + 1): both bounds, or nothing; "s"/"nd" when it is
 * not ok and its indicator has an interval (the catalogue's SPIE_IF_INTERVAL). */
void spie_wb_interval(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                      lxw_format *fmt);
/* One bound of an ok figure with an interval (money rounded to the cent, as the CSV). */
void spie_wb_bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                   lxw_format *fmt);
/* Its effectif: the number, or "s" when the secret hides it, or "nd" when the figure has
 * none (a group without a usable extract); nothing for a figure that has no effectif by
 * nature (money). */
void spie_wb_effectif(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f);
/* A calendar day as a date cell (dd/mm/yyyy unless fmt says otherwise). */
void spie_wb_day(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_day d, lxw_format *fmt);
/* Money in cents as euros with the money format. */
void spie_wb_cents(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_cents v);

/* The formats of a new workbook (false when libxlsxwriter runs out of memory). */
bool spie_wb_formats_init(spie_wb *w);

/* ---- layout (page.c) ------------------------------------------------------------------ */

/* A new sheet with its print setup: A4 landscape, one page wide, narrow margins, the
 * footer (workbook title, source, page x / y). NULL only after an error (w->err). */
lxw_worksheet *spie_wb_page_open(spie_wb *w, spie_wb_page *pg, const char *name);
/* The same for a sheet already added (the Sommaire). */
lxw_worksheet *spie_wb_page_attach(spie_wb *w, spie_wb_page *pg, lxw_worksheet *ws, const char *name);
/* The column widths, the repeated rows and columns, the page breaks, once the sheet is
 * written. */
void spie_wb_page_close(spie_wb *w, spie_wb_page *pg);
/* Column c at least `width` characters wide. */
void spie_wb_page_width(spie_wb *w, spie_wb_page *pg, lxw_col_t c, double width);
/* Pagination. The points of a printed page, at the sheet's scale (fit to one page wide). */
double spie_wb_page_capacity(const spie_wb_page *pg);
/* Row r, h points high, goes on the current page or, when it does not fit, starts a new
 * one (a page break before it). Returns true when it starts a new page. */
bool spie_wb_page_take(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h);
/* The same for a paragraph (a table's notes), which may use the page's reserve: a note
 * alone at the top of a page is worse than a page filled to the estimate's very end. */
bool spie_wb_page_take_note(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h);
/* A new page before row r unless h more points fit on the current one (to keep a title
 * with what follows, a chart whole). */
void spie_wb_page_need(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h);
/* Row r of the current table, h points high: on a new page, the table's title "(suite)"
 * and its header are written first. Returns the row the figures go in. */
lxw_row_t spie_wb_data_row(spie_wb *w, spie_wb_page *pg, lxw_row_t r, double h);
/* The end of the current table: what follows repeats nothing. */
void spie_wb_table_end(spie_wb_page *pg);
/* A paragraph in row r across the printed width (merged when it spans columns), wrapped,
 * with its row height. NULL or "" writes nothing and returns r. Returns the next row. */
lxw_row_t spie_wb_para(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *text, lxw_format *fmt);
/* The height of a paragraph across columns c0 .. c1. */
double spie_wb_para_height(const spie_wb *w, const spie_wb_page *pg, lxw_col_t c0, lxw_col_t c1, const char *text,
                           const lxw_format *fmt);
/* A paragraph across columns c0 .. c1. Returns the next row. */
lxw_row_t spie_wb_para_span(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *text,
                            lxw_format *fmt);
/* Header labels in row r from column c0: each column widened so that no word of its label
 * is broken, the row as high as its longest label needs; they become the current table's
 * header (repeated on its next pages). Turned labels (rot) are one line each. */
void spie_wb_header_row(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                        size_t n);
/* The widths a header row of these labels will need, set before the sheet is written:
 * the printed scale of a sheet is that of its widest table, and pagination needs it from
 * the first row. */
void spie_wb_header_widths(spie_wb *w, spie_wb_page *pg, lxw_col_t c0, const char *const *labels, size_t n);
void spie_wb_header_row_rot(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                            size_t n);
/* "Tableau N : title" in row r (N the next number), listed on the Sommaire; it starts the
 * current table, on a new page unless its header and a few rows fit. Returns the next row. */
lxw_row_t spie_wb_table_title(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title);
/* "Graphique N : title" in row r across columns c0 .. c1, listed on the Sommaire; not
 * paginated (the caller lays its charts out). Returns the row height it needs. */
double spie_wb_chart_caption(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *title);
/* The head of a sheet: title, period and reference date, Champ, Source, Lecture (when
 * not NULL), the "Diffusion restreinte" warning without the secret. Returns the first
 * free row after a blank one. */
lxw_row_t spie_wb_head(spie_wb *w, spie_wb_page *pg, const char *title, const char *champ, const char *lecture);
/* The lines of text a string takes in a column `width` characters wide (an estimate from
 * Calibri's widths), and the row height of n lines of a font of `points`. */
int spie_wb_lines(const char *s, double width, bool bold);
double spie_wb_line_height(int n, double points);
/* The height of a row of the default font. */
#define SPIE_WB_ROW 15.0

/* ---- French text (text_fr.c): locale-free, "1 234", "12,3 %", "80 000 000 €" ---------- */

void spie_wb_fr_int(char *buf, size_t size, int64_t v);
void spie_wb_fr_dec1(char *buf, size_t size, double v);   /* one decimal: "35,0" */
void spie_wb_fr_dec2(char *buf, size_t size, double v);   /* two decimals: "1,20" (a ratio) */
void spie_wb_fr_pct1(char *buf, size_t size, double v);   /* share as "12,3 %" */
void spie_wb_fr_level(char *buf, size_t size, double level); /* 0.95 -> "95 %", 0.975 -> "97,5 %" */
void spie_wb_fr_euros(char *buf, size_t size, spie_cents v);  /* "80 000 000,00 €" */
void spie_wb_fr_euros0(char *buf, size_t size, spie_cents v); /* to the euro: "80 000 000 €" */
void spie_wb_fr_month(char *buf, size_t size, spie_month m); /* "juin 2022" */
/* "de juin 2022" or "d'avril 2022". */
void spie_wb_fr_of_month(char *buf, size_t size, spie_month m);
/* A figure in words ("1 234", "12,3 %", "35,0 jours"...) when its status is ok, else
 * false. pct: a share. Money is rounded to the euro (Lecture lines). */
bool spie_wb_fr_figure(char *buf, size_t size, const spie_figure *f, bool pct);
/* The horizons in force, "3, 6, 12". */
void spie_wb_fr_horizons(char *buf, size_t size, const spie_params *p);

const char *spie_wb_level_word(spie_level level); /* "France", "Région", "Vague", "Département" */
const char *spie_wb_endpoint_label(spie_endpoint ep);  /* "orientation" */
/* A delay pair in words: "entrée → orientation" ("Entrée → orientation" when capital). */
void spie_wb_pair_label(const spie_pair *pr, bool capital, char *buf, size_t size);
const char *spie_wb_modality_label(spie_breakdown bd, const char *modality);
const char *spie_wb_breakdown_label(spie_breakdown bd);
const char *spie_wb_kind_label(spie_kind k);               /* "bénéficiaires", "budget", "étapes" */
const char *spie_wb_entry_status_label(spie_entry_status st); /* "lu", "inutilisable", "aucun fichier" */
/* The engine version: in->engine_version, or this library's SPIE_VERSION when NULL. */
const char *spie_wb_version(const spie_wb *w);
/* The scope in words for titles: "France" or the region's name. */
const char *spie_wb_scope(const spie_wb *w);

/* A unit's name in a text: "Occitanie", "Vague AMI1" (capital) or "vague AMI1". */
void spie_wb_fr_unit_name(const spie_wb_unit *u, bool capital, char *buf, size_t size);
/* The same with its call marks: "Somme (r)", "Occitanie (p)". */
void spie_wb_fr_unit_marked(const spie_wb_unit *u, bool capital, char *buf, size_t size);

/* The sentences of every sheet's head: the period and reference date; the source of the
 * figures; the "Diffusion restreinte" warning without the secret (false when the secret
 * was applied: nothing to say). */
void spie_wb_fr_period(const spie_wb *w, char *buf, size_t size);
void spie_wb_fr_source(const spie_wb *w, char *buf, size_t size);
bool spie_wb_fr_restricted(const spie_wb *w, char *buf, size_t size);
/* The signs under a table: s, nd, and when asked "non atteinte", the exhaustion month, the
 * marks of a ratio's interval and the call marks. */
enum { SPIE_WB_SIGNS_MEDIAN = 1, SPIE_WB_SIGNS_MARKS = 2, SPIE_WB_SIGNS_EXHAUSTION = 4, SPIE_WB_SIGNS_RATIO = 8 };
void spie_wb_fr_signs(const spie_wb *w, unsigned what, char *buf, size_t size);

/* ---- notes under the tables (text_fr.c) -------------------------------------------------- */

/* The notes on the late, missing and partial rows of the units shown, one paragraph each,
 * from row r. budget: say also what a missing budget extract leaves out of the totals.
 * Returns the next row. */
lxw_row_t spie_wb_territory_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, bool budget);
/* The same notes and the signs: what every table of territories ends with. */
lxw_row_t spie_wb_table_notes(spie_wb *w, spie_wb_page *pg, lxw_row_t r, unsigned signs, bool budget);

/* ---- tables of figures (tables.c) -------------------------------------------------------- */

/* What a column shows of its figure: its value, a bound, its effectif, or (SIGNIF) the
 * mark of a ratio whose interval lies wholly above 1 ("▲") or below it ("▼"). */
typedef enum spie_wb_col_what {
    SPIE_WB_VALUE = 0,
    SPIE_WB_LO,
    SPIE_WB_HI,
    SPIE_WB_EFFECTIF,
    SPIE_WB_SIGNIF
} spie_wb_col_what;

/* The marks of a ratio's interval (docs/classeurs.md, "Signes"), and the sign of a figure
 * that the France row has not by construction (a rate on the national mix). */
#define SPIE_WB_ABOVE "\xE2\x96\xB2"      /* ▲ U+25B2 */
#define SPIE_WB_BELOW "\xE2\x96\xBC"      /* ▼ U+25BC */
#define SPIE_WB_NOT_APPLICABLE "\xE2\x80\x94" /* — U+2014 */
/* The mark of a figure's interval against 1: SPIE_WB_ABOVE, SPIE_WB_BELOW, or NULL (not
 * published, no interval, or 1 inside it). */
const char *spie_wb_signif(const spie_figure *f);

typedef struct spie_wb_col {
    char label[112];
    spie_ind_id id;
    spie_wb_col_what what;
    lxw_format *fmt; /* for reals and bounds */
    double width;
} spie_wb_col;

#define SPIE_WB_MAX_COLS 48

typedef struct spie_wb_cols {
    spie_wb_col c[SPIE_WB_MAX_COLS];
    size_t n;
} spie_wb_cols;

/* A column of figure id, headed by label (the catalogue's label when NULL). */
void spie_wb_col_add(spie_wb *w, spie_wb_cols *cs, const char *label, spie_ind_id id, spie_wb_col_what what,
                     lxw_format *fmt, double width);
/* A rate with its interval: value (its catalogue label), lower, upper. */
void spie_wb_col_rate(spie_wb *w, spie_wb_cols *cs, spie_ind_id id, lxw_format *pct, double width);
/* The columns' widths (their own and what their headers need) from column c0, before the
 * table is written. */
void spie_wb_col_widths(spie_wb *w, spie_wb_page *pg, lxw_col_t c0, const spie_wb_cols *cs);
/* The columns' headers in row r from column c0, and their widths. */
void spie_wb_col_headers(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_col_t c0, const spie_wb_cols *cs);
/* The cells of one row of figures (level, code, bd, modality) from column c0. A figure
 * that only groups below the nation publish (SPIE_SCOPE_SUBNATIONAL: the rates on the
 * national mix) shows SPIE_WB_NOT_APPLICABLE on the France row. */
void spie_wb_fig_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, spie_level lv, const char *code,
                       spie_breakdown bd, const char *mod, const spie_wb_cols *cs, bool italic);
/* Niveau, Code, Territoire of a unit in columns c .. c + 2 (the name with its marks). */
void spie_wb_unit_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_wb_unit *u);
/* The main table of a sheet: "Tableau N : title", its header (repeated on every printed
 * page, frozen, filtered), one row per unit. Returns the row after it. */
lxw_row_t spie_wb_unit_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title, const spie_wb_cols *cs,
                             bool main);
/* The breakdowns of the workbook's level (bds), same columns: "Tableau N : title".
 * Returns the row after it. */
lxw_row_t spie_wb_breakdown_table(spie_wb *w, spie_wb_page *pg, lxw_row_t r, const char *title,
                                  const spie_breakdown *bds, size_t nbd, const spie_wb_cols *cs);
/* The widths of the label columns of the unit tables (Niveau, Code, Territoire). */
extern const double spie_wb_unit_widths[3];

/* ---- charts (synthese_charts.c) ------------------------------------------------------------ */

/* The funnel plot's control limits: p0 ± z·√(p0(1 − p0)/n), clipped to [0, 1]. */
double spie_wb_funnel_limit(double p0, double n, double z, bool upper);
/* The rows the charts take on their page: charts 1 and 3 side by side (*side rows), chart 2
 * across the page under them (*funnel rows), more when the page is wider. */
void spie_wb_chart_rows(const spie_wb_page *pg, int *side, int *funnel);
/* The Synthèse's three charts on a page of their own from row r, their data from row *d
 * (then moved past them). Returns the row after the block. */
lxw_row_t spie_wb_synthese_charts(spie_wb *w, spie_wb_page *pg, lxw_row_t r, lxw_row_t *d, lxw_col_t ncols);

/* ---- the previous publication (lookup.c, sheet_synthese.c, sheet_qualite.c) ------------ */

/* The month of the publication compared with (in->previous_period), SPIE_NO_MONTH when
 * there is none. */
spie_month spie_wb_previous_month(const spie_wb *w);
/* A figure's change since the previous publication (in->changes, for a row of the table),
 * NULL when there is no previous publication or the figure has no change (s or nd on
 * either side, or absent from the previous publication). */
const spie_change *spie_wb_change(const spie_wb *w, const spie_figure *f);
/* Whether a plan entry belongs to the workbook: every one for the national workbook, those
 * of its départements for a regional one (NAT only in the national workbook). */
bool spie_wb_entry_in_scope(const spie_wb *w, const spie_plan_entry *e);
/* The continuity breaks of the workbook's entries (in->continuity): how many, and the
 * first ones in words into buf ("Finistère, étapes ; Aude, budget"); 0 without a previous
 * publication. */
size_t spie_wb_breaks(const spie_wb *w, char *buf, size_t size);

/* The Synthèse's comparison with the previous publication (docs/classeurs.md;
 * docs/methodologie.md §11), in columns c .. c + 3 of row r: the previous value, the period
 * compared in words ("mai 2023"), the change and, for counts and money, the relative
 * change. A figure without a change (ch NULL or not present) shows "non comparé". fmt: the
 * indicator's format (spie_wb_unit_format). */
void spie_wb_key_previous(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_change *ch,
                          spie_month prev_period, lxw_format *fmt);
/* The Qualité sheet's continuity cells: the previous publication's accepted rows and the
 * continuity ("continu", "rupture", "sans référence"), in columns c and c + 1 of row r. */
void spie_wb_continuity_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, bool has_previous,
                              uint64_t previous_accepted, bool rupture);

/* ---- sheets (sheet_<name>.c), in the workbook's order ----------------------------------- */

void spie_wb_sheet_sommaire(spie_wb *w); /* written last, into w->sommaire */
void spie_wb_sheet_synthese(spie_wb *w);
void spie_wb_sheet_parcours(spie_wb *w);
void spie_wb_sheet_delais(spie_wb *w);
void spie_wb_sheet_reprise(spie_wb *w);
void spie_wb_sheet_budget(spie_wb *w);
void spie_wb_sheet_qualite(spie_wb *w);
void spie_wb_sheet_methodologie(spie_wb *w);

#endif
