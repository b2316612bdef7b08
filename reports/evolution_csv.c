/* Change since the previous publication and evolution_<P>.csv (include/spie/evolution.h,
 * docs/dictionnaire.md §10). Previous values are read from the text the previous run
 * wrote, without the locale: integers and cents exactly, doubles with strtod_l in a "C"
 * locale object (the shortest round-trip form reads back to the very double written). */
#include "spie/evolution.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/csvw.h"
#include "spie/date.h"
#include "spie/catalogue.h"
#include "spie/fields.h"
#include "spie/indicators_csv.h"
#include "spie/numfmt.h"

spie_change_kind spie_figure_change_kind(const spie_figure *f)
{
    /* Counts of persons or territories and money get a difference and a relative change;
     * days, months, shares and ratios a difference only; a month written as text, neither. The
     * catalogue gives the unit, the value kind how the number is held (whole days are
     * integers, mean days and shares doubles). */
    if (f->kind == SPIE_VK_NONE)
        return SPIE_CHANGE_NONE;
    if (f->kind == SPIE_VK_TEXT)
        return SPIE_CHANGE_MONTH;
    switch (spie_ind_unit(f->id)) {
    case SPIE_UNIT_PERSONS:
    case SPIE_UNIT_TERRITORIES: return f->kind == SPIE_VK_COUNT ? SPIE_CHANGE_COUNT : SPIE_CHANGE_REAL;
    case SPIE_UNIT_EUROS: return f->kind == SPIE_VK_CENTS ? SPIE_CHANGE_MONEY : SPIE_CHANGE_REAL;
    case SPIE_UNIT_DAYS:
    case SPIE_UNIT_MONTHS: return f->kind == SPIE_VK_COUNT ? SPIE_CHANGE_DAYS : SPIE_CHANGE_REAL;
    case SPIE_UNIT_SHARE:
    case SPIE_UNIT_RATIO:
    case SPIE_UNIT_COUNT: break;
    }
    return SPIE_CHANGE_REAL;
}

static int cmp_prev(const void *a, const void *b)
{
    const spie_prev_figure *x = a, *y = b;
    int r = strcmp(x->niveau, y->niveau);
    if (!r)
        r = strcmp(x->code, y->code);
    if (!r)
        r = strcmp(x->ventilation, y->ventilation);
    if (!r)
        r = strcmp(x->modalite, y->modalite);
    if (!r)
        r = strcmp(x->indicateur, y->indicateur);
    return r;
}

const spie_prev_figure *spie_prev_figure_find(const spie_previous *p, const char *niveau, const char *code,
                                              const char *ventilation, const char *modalite, const char *indicateur)
{
    if (!p || !p->n_figures)
        return NULL;
    spie_prev_figure key = {.niveau = niveau, .code = code, .ventilation = ventilation, .modalite = modalite,
                            .indicateur = indicateur};
    return bsearch(&key, p->figures, p->n_figures, sizeof *p->figures, cmp_prev);
}

/* An integer as the writer prints it: an optional '-' and 1 to 19 digits, in range. */
static bool parse_i64(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    if (!*s || strlen(s) > 19)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return true;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;
static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* A double as spie_format_double writes it: finite, the whole text consumed. */
static bool parse_real(const char *s, double *out)
{
    pthread_once(&c_locale_once, c_locale_init);
    if (!c_locale || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' || *p == 'e'))
            return false; /* no "inf", "nan", hexadecimal or spaces */
    char *end;
    errno = 0;
    double v = strtod_l(s, &end, c_locale);
    if (*end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* The previous value of f read in f's unit into c; false when it does not read (a
 * figure whose unit changed between the two publications has no change). */
static bool read_previous(const spie_figure *f, const char *v, spie_change *c)
{
    switch (c->unit) {
    case SPIE_CHANGE_COUNT:
    case SPIE_CHANGE_DAYS: return parse_i64(v, &c->prev_ival);
    case SPIE_CHANGE_MONEY: return spie_parse_amount((spie_str){v, strlen(v)}, &c->prev_ival) && strchr(v, '.');
    case SPIE_CHANGE_REAL: return parse_real(v, &c->prev_real);
    case SPIE_CHANGE_MONTH: {
        spie_month m;
        if (strlen(v) != 7 || !spie_month_parse_iso(v, 7, &m))
            return false;
        memcpy(c->prev_text, v, 8);
        return true;
    }
    case SPIE_CHANGE_NONE: break;
    }
    (void)f;
    return false;
}

static void compute(const spie_figure *f, spie_change *c)
{
    switch (c->unit) {
    case SPIE_CHANGE_COUNT:
    case SPIE_CHANGE_DAYS:
    case SPIE_CHANGE_MONEY:
        if (__builtin_sub_overflow(f->ival, c->prev_ival, &c->ecart_ival)) {
            c->present = false;
            return;
        }
        c->has_ecart = true;
        if (c->unit != SPIE_CHANGE_DAYS && c->prev_ival != 0) {
            c->has_evolution = true;
            c->evolution = (double)c->ecart_ival / (double)c->prev_ival;
        }
        break;
    case SPIE_CHANGE_REAL:
        c->ecart_real = f->real - c->prev_real;
        c->has_ecart = isfinite(c->ecart_real);
        break;
    case SPIE_CHANGE_MONTH:
    case SPIE_CHANGE_NONE: break;
    }
}

bool spie_evolution_build(const spie_table *t, const spie_previous *prev, spie_change **out, size_t *n_present)
{
    *out = NULL;
    *n_present = 0;
    if (!t->n)
        return true;
    spie_change *ch = calloc(t->n, sizeof *ch);
    if (!ch)
        return false;
    for (size_t i = 0; prev && prev->found && i < t->n; i++) {
        const spie_figure *f = &t->rows[i];
        spie_change *c = &ch[i];
        c->unit = spie_figure_change_kind(f);
        if (f->status != SPIE_STATUS_OK || c->unit == SPIE_CHANGE_NONE)
            continue;
        const spie_prev_figure *p = spie_prev_figure_find(prev, spie_level_names[f->level], f->code,
                                                         spie_breakdown_names[f->breakdown], f->modality,
                                                         f->indicator);
        if (!p || p->status != SPIE_STATUS_OK || !read_previous(f, p->valeur, c)) {
            memset(c, 0, sizeof *c);
            continue;
        }
        c->present = true;
        compute(f, c);
        if (c->present)
            (*n_present)++;
        else
            memset(c, 0, sizeof *c);
    }
    *out = ch;
    return true;
}

static void value_field(spie_csvw *w, spie_change_kind u, int64_t ival, double real, const char *text)
{
    char buf[SPIE_NUM_BUF];
    switch (u) {
    case SPIE_CHANGE_COUNT:
    case SPIE_CHANGE_DAYS: spie_csvw_i64(w, ival); return;
    case SPIE_CHANGE_MONEY: spie_csvw_field(w, buf, spie_format_cents(ival, buf)); return;
    case SPIE_CHANGE_REAL: spie_csvw_field(w, buf, spie_format_double(real, buf)); return;
    case SPIE_CHANGE_MONTH: spie_csvw_str(w, text); return;
    case SPIE_CHANGE_NONE: break;
    }
    spie_csvw_field(w, "", 0);
}

int spie_evolution_write_csv(const spie_table *t, const spie_change *changes, const char *prev_period,
                             const char *path)
{
    spie_csvw *w = spie_csvw_open(path, false);
    if (!w)
        return errno ? errno : EIO;
    static const char *const head[] = {"niveau",     "code",  "libelle", "ventilation",
                                       "modalite",   "indicateur", "periode_precedente", "valeur_precedente",
                                       "valeur",     "ecart", "evolution"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(head); i++)
        spie_csvw_str(w, head[i]);
    spie_csvw_end_row(w);
    char buf[SPIE_NUM_BUF];
    for (size_t i = 0; changes && i < t->n; i++) {
        const spie_change *c = &changes[i];
        const spie_figure *f = &t->rows[i];
        if (!c->present)
            continue;
        spie_csv_figure_identity(w, f);
        spie_csvw_str(w, prev_period);
        value_field(w, c->unit, c->prev_ival, c->prev_real, c->prev_text);
        value_field(w, c->unit, f->ival, f->real, f->text);
        if (c->has_ecart)
            value_field(w, c->unit, c->ecart_ival, c->ecart_real, NULL);
        else
            spie_csvw_field(w, "", 0);
        if (c->has_evolution)
            spie_csvw_field(w, buf, spie_format_double(c->evolution, buf));
        else
            spie_csvw_field(w, "", 0);
        spie_csvw_end_row(w);
    }
    return spie_csvw_close(w);
}
