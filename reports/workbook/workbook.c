/* The workbooks (outputs.md §6): which files, in which order, with which properties; and
 * the cell writers the sheets share. Every figure comes from the publication table that
 * indicateurs_<P>.csv is printed from, looked up by its key, so a cell and its CSV row
 * cannot disagree: counts are written as the same integer, reals as the same double
 * (libxlsxwriter prints "%.16G" in the C locale: the program never calls setlocale),
 * money as cents / 100.
 *
 * Reproducibility: the creation date is the reference date D at 00:00 UTC and
 * libxlsxwriter dates every zip entry 1980-01-01, so the same table gives the same bytes. */
#include "workbook_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/fields.h"
#include "spie/stats.h"
#include "spie/version.h"

#define WB_STR_MAX 32767u /* characters in a cell (Excel's limit, libxlsxwriter's check) */
#define NBSP "\xC2\xA0"   /* U+00A0: French thousands separator and space before % and € */

/* ---- lookups ------------------------------------------------------------------------ */

static void record_missing(spie_wb *w, spie_level level, const char *code, spie_breakdown bd, const char *modality,
                           spie_ind_id id, const char *name)
{
    if (w->missing[0])
        return;
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    if (!name)
        snprintf(w->missing, sizeof w->missing, "identité inconnue du catalogue : indicateur %s, paramètre %ld",
                 d ? d->id : "?", (long)id.arg);
    else
        snprintf(w->missing, sizeof w->missing, "figure absente de la table : %s %s %s%s%s %s",
                 spie_level_names[level], code, spie_breakdown_names[bd], modality[0] ? " " : "", modality, name);
}

/* The row of the sorted table, NULL when absent (or when the identity is unknown: then
 * *unknown is set). */
static const spie_figure *lookup(const spie_wb *w, spie_level level, const char *code, spie_breakdown bd,
                                 const char *modality, spie_ind_id id, char name[SPIE_IND_NAME_MAX], bool *unknown)
{
    const spie_table *t = w->in->table;
    *unknown = !spie_ind_name(id, w->in->params, name, SPIE_IND_NAME_MAX);
    if (*unknown || !t->n)
        return NULL;
    spie_figure key;
    memset(&key, 0, sizeof key);
    key.level = (uint8_t)level;
    key.breakdown = (uint8_t)bd;
    /* A key longer than the table's fields cannot be in the table. */
    if (strlen(code) >= sizeof key.code || strlen(modality) >= sizeof key.modality)
        return NULL;
    memcpy(key.code, code, strlen(code) + 1);
    memcpy(key.modality, modality, strlen(modality) + 1);
    memcpy(key.indicator, name, strlen(name) + 1);
    const spie_figure *f = bsearch(&key, t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
    return f && spie_id_eq(f->id, id) ? f : NULL; /* a row whose identity is not its name's is not it */
}

const spie_figure *spie_wb_get(spie_wb *w, spie_level level, const char *code, spie_breakdown bd,
                               const char *modality, spie_ind_id id)
{
    char name[SPIE_IND_NAME_MAX];
    bool unknown;
    const spie_figure *f = lookup(w, level, code, bd, modality, id, name, &unknown);
    if (!f)
        record_missing(w, level, code, bd, modality, id, unknown ? NULL : name);
    return f;
}

const spie_figure *spie_wb_fig(spie_wb *w, const spie_wb_unit *u, spie_ind_id id)
{
    return spie_wb_get(w, u->level, u->code, SPIE_BD_ENSEMBLE, "", id);
}

bool spie_wb_has(spie_wb *w, spie_level level, const char *code, spie_breakdown bd, const char *modality,
                 spie_ind_id id)
{
    char name[SPIE_IND_NAME_MAX];
    bool unknown;
    const spie_figure *f = lookup(w, level, code, bd, modality, id, name, &unknown);
    if (unknown)
        record_missing(w, level, code, bd, modality, id, NULL);
    return f != NULL;
}

lxw_format *spie_wb_unit_format(const spie_wb *w, spie_ind_id id)
{
    switch (spie_ind_unit(id)) {
    case SPIE_UNIT_SHARE: return w->f.pct;
    case SPIE_UNIT_DAYS: return w->f.days;
    default: return NULL;
    }
}

/* ---- cell writers ----------------------------------------------------------------- */

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

static void mark(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, spie_status st)
{
    if (ws)
        spie_wb_check(w, worksheet_write_string(ws, r, c, st == SPIE_STATUS_SECRET ? "s" : "nd", w->f.mark));
}

void spie_wb_number(spie_wb *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *fmt)
{
    if (!ws)
        return;
    if (!isfinite(v)) { /* never reaches the file (pitfalls: Excel reports it damaged) */
        mark(w, ws, r, c, SPIE_STATUS_ND);
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
        mark(w, ws, r, c, f->status == SPIE_STATUS_OK ? SPIE_STATUS_ND : (spie_status)f->status);
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
            mark(w, ws, r, c, SPIE_STATUS_ND);
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
            mark(w, ws, r, c, (spie_status)f->status);
            mark(w, ws, r, c + 1, (spie_status)f->status);
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

/* ---- French text -------------------------------------------------------------------- */

/* Digits of v grouped by three with NBSP; v >= 0. */
static void grouped(char *buf, size_t size, uint64_t v)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t k = 0;
    for (int i = n - 1; i >= 0; i--) {
        if (k + 4 >= size)
            break;
        buf[k++] = d[i];
        if (i > 0 && i % 3 == 0) {
            memcpy(buf + k, NBSP, 2);
            k += 2;
        }
    }
    buf[k] = 0;
}

void spie_wb_fr_int(char *buf, size_t size, int64_t v)
{
    if (size < 2)
        return;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t k = 0;
    if (v < 0)
        buf[k++] = '-';
    grouped(buf + k, size - k, a);
}

void spie_wb_fr_dec1(char *buf, size_t size, double v)
{
    if (!isfinite(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "nd");
        return;
    }
    long long t = llround(v * 10.0); /* half away from zero */
    char ip[40];
    unsigned long long a = t < 0 ? (unsigned long long)(-t) : (unsigned long long)t;
    grouped(ip, sizeof ip, a / 10);
    snprintf(buf, size, "%s%s,%u", t < 0 ? "-" : "", ip, (unsigned)(a % 10));
}

void spie_wb_fr_pct1(char *buf, size_t size, double v)
{
    char d[48];
    spie_wb_fr_dec1(d, sizeof d, v * 100.0);
    snprintf(buf, size, "%s" NBSP "%%", d);
}

void spie_wb_fr_level(char *buf, size_t size, double level)
{
    char d[48];
    spie_wb_fr_dec1(d, sizeof d, level * 100.0);
    size_t n = strlen(d);
    if (n > 2 && strcmp(d + n - 2, ",0") == 0)
        d[n - 2] = 0;
    snprintf(buf, size, "%s" NBSP "%%", d);
}

void spie_wb_fr_euros(char *buf, size_t size, spie_cents v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char ip[40];
    grouped(ip, sizeof ip, a / 100);
    snprintf(buf, size, "%s%s,%02u" NBSP "€", v < 0 ? "-" : "", ip, (unsigned)(a % 100));
}

void spie_wb_fr_month(char *buf, size_t size, spie_month m)
{
    static const char *const names[12] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                          "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    int y, mo;
    spie_month_to_ym(m, &y, &mo);
    if (mo < 1 || mo > 12)
        snprintf(buf, size, "?");
    else
        snprintf(buf, size, "%s %04d", names[mo - 1], y);
}

bool spie_wb_fr_figure(char *buf, size_t size, const spie_figure *f, bool pct)
{
    if (!f || f->status != SPIE_STATUS_OK)
        return false;
    switch (f->kind) {
    case SPIE_VK_COUNT: spie_wb_fr_int(buf, size, f->ival); return true;
    case SPIE_VK_CENTS: spie_wb_fr_euros(buf, size, f->ival); return true;
    case SPIE_VK_REAL:
        if (!isfinite(f->real))
            return false;
        if (pct)
            spie_wb_fr_pct1(buf, size, f->real);
        else
            spie_wb_fr_dec1(buf, size, f->real);
        return true;
    case SPIE_VK_TEXT: snprintf(buf, size, "%s", f->text); return true;
    default: return false;
    }
}

/* ---- layout ------------------------------------------------------------------------- */

const char *spie_wb_version(const spie_wb *w)
{
    return w->in->engine_version ? w->in->engine_version : SPIE_VERSION;
}

const char *spie_wb_scope(const spie_wb *w)
{
    return w->region ? w->region->name : "France";
}

const char *spie_wb_level_word(spie_level level)
{
    switch (level) {
    case SPIE_LEVEL_NATIONAL: return "France";
    case SPIE_LEVEL_REGION: return "Région";
    case SPIE_LEVEL_VAGUE: return "Vague";
    default: return "Département";
    }
}

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
    snprintf(buf, sizeof buf, "Période : %s ; date de référence : %s", w->period_words, w->ref_text);
    spie_wb_text(w, ws, r++, 0, buf, w->f.text);
    if (champ)
        spie_wb_text(w, ws, r++, 0, champ, w->f.note);
    snprintf(buf, sizeof buf,
             "Source : extraits mensuels du SPIE (bénéficiaires, étapes, budget) retenus pour %s, "
             "table des territoires du programme ; traitement %s %s.",
             w->period_words, SPIE_ENGINE, spie_wb_version(w));
    spie_wb_text(w, ws, r++, 0, buf, w->f.note);
    if (lecture)
        spie_wb_text(w, ws, r++, 0, lecture, w->f.note);
    if (w->in->params->secret) {
        snprintf(buf, sizeof buf,
                 "s : secret statistique (moins de %d personnes, ou masqué pour ne pas être retrouvé par "
                 "différence) ; nd : non disponible.",
                 w->in->params->secret_k);
        spie_wb_text(w, ws, r++, 0, buf, w->f.note);
    } else {
        spie_wb_text(w, ws, r++, 0,
                     "Diffusion restreinte : secret statistique non appliqué (chiffres sur de petits effectifs "
                     "non masqués). nd : non disponible.",
                     w->f.alert);
    }
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
    if (u->level == SPIE_LEVEL_VAGUE) {
        char buf[40];
        snprintf(buf, sizeof buf, "Vague %s", u->name);
        spie_wb_text(w, ws, r, (lxw_col_t)(c + 2), buf, f);
    } else {
        spie_wb_text(w, ws, r, (lxw_col_t)(c + 2), u->name, f);
    }
}

void spie_wb_widths(spie_wb *w, lxw_worksheet *ws, lxw_col_t c0, const double *widths, size_t n)
{
    if (!ws)
        return;
    for (size_t i = 0; i < n; i++)
        spie_wb_check(w, worksheet_set_column(ws, (lxw_col_t)(c0 + i), (lxw_col_t)(c0 + i), widths[i], NULL));
}

int spie_wb_key_horizon(const spie_wb *w)
{
    const spie_params *p = w->in->params;
    for (size_t i = 0; i < p->n_horizons; i++)
        if (p->horizons[i] == 6)
            return (int)i;
    return p->n_horizons ? 0 : -1;
}

int spie_wb_key_pair(const spie_wb *w)
{
    const spie_params *p = w->in->params;
    for (size_t i = 0; i < p->n_pairs; i++)
        if (strcmp(p->pairs[i].code, "D_ORIENT") == 0)
            return (int)i;
    return p->n_pairs ? 0 : -1;
}

size_t spie_wb_modalities(const spie_wb *w, spie_breakdown bd, const char **mods, size_t max)
{
    size_t n = 0;
    switch (bd) {
    case SPIE_BD_PUBLIC:
        for (size_t i = 0; i < SPIE_PUBLIC_COUNT && n < max; i++)
            mods[n++] = spie_public_codes[i];
        break;
    case SPIE_BD_SEXE:
        for (size_t i = 0; i < SPIE_SEX_COUNT && n < max; i++)
            mods[n++] = spie_sex_names[i];
        break;
    case SPIE_BD_AGE:
        for (size_t i = 0; i < SPIE_AGE_COUNT && n < max; i++)
            mods[n++] = spie_age_names[i];
        break;
    case SPIE_BD_COHORTE: {
        /* Cohorts exist only for quarters with an entrant: take them from the table, whose
         * byte order ("2021-T3" < "2021-T4" < "2022-T1") is the time order. */
        const spie_table *t = w->in->table;
        const spie_wb_unit *u = &w->units[0];
        for (size_t i = 0; i < t->n && n < max; i++) {
            const spie_figure *f = &t->rows[i];
            if (f->level != u->level || f->breakdown != SPIE_BD_COHORTE || strcmp(f->code, u->code) != 0 ||
                f->id.ind != SPIE_IND_ENTRANTS)
                continue;
            mods[n++] = f->modality;
        }
        break;
    }
    default: break;
    }
    return n;
}

/* ---- formats ------------------------------------------------------------------------ */

static lxw_format *fmt_num(lxw_workbook *wb, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    if (f)
        format_set_num_format(f, num);
    return f;
}

static bool formats_init(spie_wb *w)
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

/* ---- one workbook ------------------------------------------------------------------- */

static bool region_has_territory(const spie_territories *terr, const spie_region *reg)
{
    for (size_t i = 0; i < terr->count; i++)
        if (strcmp(terr->items[i].dept->region_code, reg->code) == 0)
            return true;
    return false;
}

/* The rows of the per-territory tables: the workbook's level, then (national) every region
 * with a programme territory and every wave that has one, then the départements. */
static bool units_build(spie_wb *w)
{
    const spie_territories *terr = w->in->terr;
    size_t cap = 1 + spie_region_count() + SPIE_WAVE_COUNT + terr->count;
    if (!(w->units = calloc(cap, sizeof *w->units)))
        return false;
    size_t n = 0;
    if (w->region) {
        w->units[n++] = (spie_wb_unit){SPIE_LEVEL_REGION, w->region->code, w->region->name};
    } else {
        w->units[n++] = (spie_wb_unit){SPIE_LEVEL_NATIONAL, "FR", "France"};
        for (size_t r = 0; r < spie_region_count(); r++) {
            const spie_region *reg = spie_region_at(r);
            if (region_has_territory(terr, reg))
                w->units[n++] = (spie_wb_unit){SPIE_LEVEL_REGION, reg->code, reg->name};
        }
        for (int v = 0; v < SPIE_WAVE_COUNT; v++) {
            bool any = false;
            for (size_t i = 0; i < terr->count; i++)
                any |= terr->items[i].wave == (spie_wave)v;
            const char *code = spie_wave_code((spie_wave)v);
            if (any)
                w->units[n++] = (spie_wb_unit){SPIE_LEVEL_VAGUE, code, code};
        }
    }
    w->first_dept = n;
    for (size_t i = 0; i < terr->count; i++) {
        const spie_dept *d = terr->items[i].dept;
        if (!w->region || strcmp(d->region_code, w->region->code) == 0)
            w->units[n++] = (spie_wb_unit){SPIE_LEVEL_DEPARTEMENT, d->code, d->name};
    }
    w->n_units = n;
    return true;
}

/* Flushes a closed file to the disk (publish.h: each file fsync'ed by its writer). */
static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno ? errno : EIO;
    int e = 0;
    if (fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (close(fd) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

static int lxw_to_errno(lxw_error e, int saved_errno)
{
    switch (e) {
    case LXW_ERROR_MEMORY_MALLOC_FAILED: return ENOMEM;
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE: return saved_errno ? saved_errno : EIO;
    default: return EINVAL; /* a caller bug: a value or a string out of Excel's limits */
    }
}

/* Writes one workbook at path. 0 or an errno value, with msg. */
static int write_one(const spie_workbook_input *in, const spie_region *region, const char *dir, const char *path,
                     const char *name, char *msg, size_t msg_size)
{
    spie_wb w;
    memset(&w, 0, sizeof w);
    w.in = in;
    w.region = region;
    w.period = in->plan->period;
    w.ref_day = spie_month_last_day(w.period);
    spie_wb_fr_month(w.period_words, sizeof w.period_words, w.period);
    {
        int y, m, d;
        spie_day_to_ymd(w.ref_day, &y, &m, &d);
        snprintf(w.ref_text, sizeof w.ref_text, "%02d/%02d/%04d", d, m, y);
    }
    int ret = 0;
    if (!units_build(&w)) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        return ENOMEM;
    }
    /* The file is created here first: a folder that cannot take it is reported cleanly
     * (libxlsxwriter itself prints its errors to standard error, which library code of
     * this project must not do; only write errors during workbook_close still do). */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || close(fd) != 0) {
        ret = errno ? errno : EIO;
        snprintf(msg, msg_size, "%s : %s", name, strerror(ret));
        if (fd >= 0)
            unlink(path);
        goto out_units;
    }
    /* libxlsxwriter's temporary files go beside the output (unlinked as soon as made),
     * not to /tmp. */
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = (char *)(uintptr_t)dir,
                                .use_zip64 = LXW_FALSE};
    w.wb = workbook_new_opt(path, &opt);
    if (!w.wb) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        ret = ENOMEM;
        unlink(path);
        goto out_units;
    }
    if (!formats_init(&w)) {
        w.oom = true;
    } else {
        spie_wb_sheet_synthese(&w);
        spie_wb_sheet_parcours(&w);
        spie_wb_sheet_delais(&w);
        spie_wb_sheet_reprise(&w);
        spie_wb_sheet_budget(&w);
        spie_wb_sheet_qualite(&w);
        spie_wb_sheet_methodologie(&w);
    }

    char title[160], subject[200], author[64], comments[200];
    snprintf(title, sizeof title, "SPIE : indicateurs de %s, %s", w.period_words, spie_wb_scope(&w));
    snprintf(subject, sizeof subject,
             "Service public de l'insertion et de l'emploi : parcours, délais, reprise d'activité, budget "
             "et qualité des données, %s",
             spie_wb_scope(&w));
    snprintf(author, sizeof author, "%s %s", SPIE_ENGINE, in->engine_version ? in->engine_version : SPIE_VERSION);
    char pm[8];
    spie_month_format(w.period, pm);
    snprintf(comments, sizeof comments, "Date de référence : %s. Chiffres identiques à ceux de indicateurs_%s.csv.",
             w.ref_text, pm);
    lxw_doc_properties props = {.title = title,
                                .subject = subject,
                                .author = author,
                                .company = "Programme SPIE",
                                .category = "Statistiques",
                                .keywords = "SPIE, insertion, emploi, indicateurs",
                                .comments = comments,
                                /* D at 00:00 UTC, never 0 (0 means "now": pitfalls) */
                                .created = w.ref_day > 0 ? (time_t)w.ref_day * 86400 : 86400};
    spie_wb_check(&w, workbook_set_properties(w.wb, &props));

    errno = 0;
    lxw_error ce = workbook_close(w.wb); /* frees the workbook in every case */
    int saved = errno;
    if (w.oom) {
        snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
        ret = ENOMEM;
    } else if (w.missing[0]) {
        snprintf(msg, msg_size, "%s : %s", name, w.missing);
        ret = EINVAL;
    } else if (w.err != LXW_NO_ERROR) {
        snprintf(msg, msg_size, "%s : écriture du classeur impossible (libxlsxwriter : %s)", name,
                 lxw_strerror(w.err));
        ret = lxw_to_errno(w.err, 0);
    } else if (ce != LXW_NO_ERROR) {
        ret = lxw_to_errno(ce, saved);
        snprintf(msg, msg_size, "%s : écriture du classeur impossible (%s ; libxlsxwriter : %s)", name,
                 strerror(ret), lxw_strerror(ce));
    } else if ((ret = fsync_path(path)) != 0) {
        snprintf(msg, msg_size, "%s : %s", name, strerror(ret));
    }
    if (ret)
        unlink(path); /* never a partial workbook */
out_units:
    free(w.units);
    return ret;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

int spie_workbooks_write(const char *dir, const spie_workbook_input *in, char *msg, size_t msg_size)
{
    if (msg_size)
        msg[0] = 0;
    if (!dir || !in || !in->table || !in->plan || !in->results || !in->terr || !in->params) {
        snprintf(msg, msg_size, "classeurs : argument manquant");
        return EINVAL;
    }
    char pm[8], name[128];
    spie_month_format(in->plan->period, pm);
    if (!pm[0]) {
        snprintf(msg, msg_size, "classeurs : période invalide");
        return EINVAL;
    }
    /* The national workbook, then one per region with a programme territory, in the
     * order of the region codes; the k-th of them when it is in this writer's share. */
    unsigned parts = in->parts > 1 ? in->parts : 1, k = 0;
    for (size_t r = 0; r <= spie_region_count(); r++) {
        const spie_region *reg = r ? spie_region_at(r - 1) : NULL;
        if (reg && !region_has_territory(in->terr, reg))
            continue;
        if (k++ % parts != in->part % parts)
            continue;
        if (reg)
            snprintf(name, sizeof name, "SPIE_%s_R%s_%s.xlsx", pm, reg->code, reg->slug);
        else
            snprintf(name, sizeof name, "SPIE_%s_national.xlsx", pm);
        char *path = join(dir, name);
        if (!path) {
            snprintf(msg, msg_size, "%s : mémoire insuffisante", name);
            return ENOMEM;
        }
        int e = write_one(in, reg, dir, path, name, msg, msg_size);
        free(path);
        if (e)
            return e;
    }
    return 0;
}
