/* Private to the workbook renderer (the files of reports/workbook/): the state of one
 * workbook being written, and what its files give each other:
 *   workbook.c            which files, in which order, with which properties
 *   lookup.c              figures by identity, the units and modalities of the tables
 *   cells.c               cell writers, formats and the layout every sheet shares
 *   text_fr.c             French words and labels, number words, the sentences every
 *                         sheet shares
 *   tables.c              tables of figures with one column per figure (four sheets)
 *   sheet_<name>.c        one sheet each
 *
 * Error handling: every libxlsxwriter call goes through the writers of cells.c, which keep
 * the first error in the spie_wb (sticky, as spie_csvw does); a sheet function never
 * stops half-way on its own, and spie_workbooks_write looks at the error once the
 * workbook is closed. A figure looked up and not found is kept in the same way
 * (w->missing) and fails the workbook. Nothing here prints. */
#ifndef SPIE_WORKBOOK_INT_H
#define SPIE_WORKBOOK_INT_H

#include <xlsxwriter.h>

#include "spie/acc.h"
#include "spie/geo.h"
#include "spie/workbook.h"

/* A group shown as one row of the per-territory tables. */
typedef struct spie_wb_unit {
    spie_level level;
    const char *code;   /* code in the table: "FR", "76", "AMI1", "31" */
    const char *name;   /* "France", "Occitanie", "AMI1", "Haute-Garonne" (static) */
} spie_wb_unit;

typedef struct spie_wb_formats {
    lxw_format *title, *subtitle, *note, *alert;
    lxw_format *header;          /* table header: bold, wrapped, shaded */
    lxw_format *text, *text_bold, *wrap;
    lxw_format *count, *pct, *days, *money, *date, *month, *real;
    lxw_format *mark;            /* "s" and "nd": text, centred */
} spie_wb_formats;

typedef struct spie_wb {
    const spie_workbook_input *in;
    lxw_workbook *wb;
    spie_wb_formats f;
    const spie_region *region;   /* NULL for the national workbook */
    spie_wb_unit *units;         /* [0] the workbook's own level; then, national only, the
                                    regions and the waves; then the départements */
    size_t n_units;
    size_t first_dept;           /* index of the first département in units */
    spie_month period;
    spie_day ref_day;            /* D, last day of the period */
    char period_words[24];       /* "juin 2022" */
    char ref_text[16];           /* "30/06/2022" */
    lxw_error err;               /* first libxlsxwriter error, LXW_NO_ERROR if none */
    bool oom;                    /* an allocation failed */
    char missing[200];           /* the first figure looked up and not found: a bug */
} spie_wb;

/* ---- lookups (lookup.c) ------------------------------------------------------------- */

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
/* The rows of the per-territory tables: the workbook's level, then (national) every région
 * with a programme territory and every wave that has one, then the départements. false
 * when memory runs out. */
bool spie_wb_units_build(spie_wb *w);

/* Rows of a breakdown table for the workbook's level: the modalities of bd, in the
 * engine's order for public, sexe, age and in time order for cohorte. Returns the number
 * written into mods (at most max); each points into static data or the table. */
size_t spie_wb_modalities(const spie_wb *w, spie_breakdown bd, const char **mods, size_t max);

/* The horizon and the pair the key figures use: 6 months and D_ORIENT when configured,
 * else the first of each. -1 when there is none. */
int spie_wb_key_horizon(const spie_wb *w);
int spie_wb_key_pair(const spie_wb *w);

/* ---- cell writers (cells.c); errors are kept in w->err ----------------------------- */

void spie_wb_check(spie_wb *w, lxw_error e);
/* Text from anywhere (extracts included): never a formula; invalid UTF-8 is read as
 * Windows-1252; cut at 32 767 characters. NULL or "" writes nothing. */
void spie_wb_text(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *fmt);
/* A number; a non-finite value is never written ("nd" instead). */
void spie_wb_number(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *fmt);
/* "s" or "nd" (centred text) for a status that is not ok. */
void spie_wb_mark(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_status st);
/* A figure's value: "s" or "nd" (centred text) unless its status is ok; counts with the
 * count format, money in euros, text as text, a real with real_fmt. NULL writes nothing. */
void spie_wb_value(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                   lxw_format *real_fmt);
/* Its interval in (r, c) and (r, c + 1): both bounds, or nothing; "s"/"nd" when it is
 * not ok and its indicator has an interval (the catalogue's SPIE_IF_INTERVAL). */
void spie_wb_interval(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f,
                      lxw_format *fmt);
/* One bound of an ok figure with an interval (money rounded to the cent, as the CSV). */
void spie_wb_bound(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f, bool hi,
                   lxw_format *fmt);
/* Its effectif, or nothing. */
void spie_wb_effectif(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_figure *f);
/* A calendar day as a date cell (dd/mm/yyyy unless fmt says otherwise). */
void spie_wb_day(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_day d, lxw_format *fmt);

/* The formats of a new workbook (false when libxlsxwriter runs out of memory). */
bool spie_wb_formats_init(spie_wb *w);

/* ---- layout (cells.c) ----------------------------------------------------------------- */

/* Title, period and reference date, Champ, Source, Lecture (when not NULL), the legend
 * of s and nd (or "Diffusion restreinte" without the secret). Returns the first free row
 * after a blank one. */
lxw_row_t spie_wb_head(spie_wb *w, lxw_worksheet *ws, const char *title, const char *champ, const char *lecture);
/* A header row of n labels from column c0. */
void spie_wb_header_row(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, const char *const *labels,
                        size_t n);
/* Niveau, Code, Territoire of a unit in columns c .. c + 2. */
void spie_wb_unit_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const spie_wb_unit *u);
void spie_wb_widths(spie_wb *w, lxw_worksheet *ws, lxw_col_t c0, const double *widths, size_t n);
/* A new worksheet (NULL only after an error, which w->err then holds). */
lxw_worksheet *spie_wb_sheet(spie_wb *w, const char *name);

/* ---- French text (text_fr.c): locale-free, "1 234", "12,3 %", "80 000 000,00 €" ------ */

void spie_wb_fr_int(char *buf, size_t size, int64_t v);
void spie_wb_fr_dec1(char *buf, size_t size, double v);   /* one decimal: "35,0" */
void spie_wb_fr_pct1(char *buf, size_t size, double v);   /* share as "12,3 %" */
void spie_wb_fr_level(char *buf, size_t size, double level); /* 0.95 -> "95 %", 0.975 -> "97,5 %" */
void spie_wb_fr_euros(char *buf, size_t size, spie_cents v);
void spie_wb_fr_month(char *buf, size_t size, spie_month m); /* "juin 2022" */
/* A figure in words ("1 234", "12,3 %", "35,0 jours"...) when its status is ok, else
 * false. pct: a share; days: a duration. */
bool spie_wb_fr_figure(char *buf, size_t size, const spie_figure *f, bool pct);
/* The horizons in force, "3, 6, 12". */
void spie_wb_fr_horizons(char *buf, size_t size, const spie_params *p);

const char *spie_wb_level_word(spie_level level); /* "France", "Région", "Vague", "Département" */
const char *spie_wb_endpoint_label(spie_endpoint ep);  /* "orientation" */
const char *spie_wb_modality_label(spie_breakdown bd, const char *modality);
const char *spie_wb_breakdown_label(spie_breakdown bd);
/* The engine version: in->engine_version, or this library's SPIE_VERSION when NULL. */
const char *spie_wb_version(const spie_wb *w);
/* The scope in words for titles: "France" or the region's name. */
const char *spie_wb_scope(const spie_wb *w);

/* A unit's name in a text: "Occitanie", "Vague AMI1" (capital) or "vague AMI1". */
void spie_wb_fr_unit_name(const spie_wb_unit *u, bool capital, char *buf, size_t size);

/* The sentences of every sheet's head: the period and reference date; the source of the
 * figures; the legend of s and nd (the secret applied) or the "Diffusion restreinte"
 * warning (returns true then: it is written as an alert). */
void spie_wb_fr_period(const spie_wb *w, char *buf, size_t size);
void spie_wb_fr_source(const spie_wb *w, char *buf, size_t size);
bool spie_wb_fr_legend(const spie_wb *w, char *buf, size_t size);

/* ---- tables of figures (tables.c) -------------------------------------------------------- */

/* What a column shows of its figure. */
typedef enum spie_wb_col_what { SPIE_WB_VALUE = 0, SPIE_WB_LO, SPIE_WB_HI, SPIE_WB_EFFECTIF } spie_wb_col_what;

typedef struct spie_wb_col {
    char label[112];
    spie_ind_id id;
    spie_wb_col_what what;
    lxw_format *fmt; /* for reals and bounds */
    double width;
} spie_wb_col;

#define SPIE_WB_MAX_COLS 96

typedef struct spie_wb_cols {
    spie_wb_col c[SPIE_WB_MAX_COLS];
    size_t n;
} spie_wb_cols;

/* A column of figure id, headed by label (the catalogue's label when NULL). */
void spie_wb_col_add(spie_wb *w, spie_wb_cols *cs, const char *label, spie_ind_id id, spie_wb_col_what what,
                     lxw_format *fmt, double width);
/* A rate with its interval: value (its catalogue label), lower, upper. */
void spie_wb_col_rate(spie_wb *w, spie_wb_cols *cs, spie_ind_id id, lxw_format *pct);
/* The columns' headers in row r from column c0, and their widths. */
void spie_wb_col_headers(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, const spie_wb_cols *cs);
/* The cells of one row of figures (level, code, bd, modality) from column c0. */
void spie_wb_fig_cells(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, spie_level lv, const char *code,
                       spie_breakdown bd, const char *mod, const spie_wb_cols *cs);
/* The main table: one row per unit. Returns the row after it. Freezes the header and the
 * unit columns, filters the table. */
lxw_row_t spie_wb_unit_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const spie_wb_cols *cs);
/* The breakdowns of the workbook's level (bds), same columns. Returns the row after it. */
lxw_row_t spie_wb_breakdown_table(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, const char *title,
                                  const spie_breakdown *bds, size_t nbd, const spie_wb_cols *cs);

/* ---- sheets (sheet_<name>.c), in the workbook's order ----------------------------------- */

void spie_wb_sheet_synthese(spie_wb *w);
void spie_wb_sheet_parcours(spie_wb *w);
void spie_wb_sheet_delais(spie_wb *w);
void spie_wb_sheet_reprise(spie_wb *w);
void spie_wb_sheet_budget(spie_wb *w);
void spie_wb_sheet_qualite(spie_wb *w);
void spie_wb_sheet_methodologie(spie_wb *w);

#endif
