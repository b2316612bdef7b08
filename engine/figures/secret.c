#include "spie/secret.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/geo.h"
#include "spie/territories.h"

static bool primary(const spie_figure *f, int64_t k)
{
    if (f->status != SPIE_STATUS_OK)
        return false;
    switch (f->role) {
    case SPIE_ROLE_COUNT: return f->ival >= 1 && f->ival < k;
    case SPIE_ROLE_STAT: return f->has_effectif && f->effectif < k;
    case SPIE_ROLE_RATE: {
        int64_t n = f->effectif, x = f->num;
        return n < k || (x >= 1 && x < k) || (n - x >= 1 && n - x < k);
    }
    default: return false;
    }
}

static void mask(spie_figure *f)
{
    f->status = SPIE_STATUS_SECRET;
    f->has_ci = false;
    f->has_effectif = false;
}

/* A cell of a line: the line's key, the row, and whether it is the line's total. */
typedef struct member {
    char key[96];
    size_t row;
    bool total;
} member;

static int cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct members {
    member *v;
    size_t n, cap;
    bool oom;
} members;

static void add(members *m, size_t row, bool total, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void add(members *m, size_t row, bool total, const char *fmt, ...)
{
    if (m->oom)
        return;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 4096;
        member *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv) {
            m->oom = true;
            return;
        }
        m->v = nv;
        m->cap = nc;
    }
    member *e = &m->v[m->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->key, sizeof e->key, fmt, ap);
    va_end(ap);
    e->row = row;
    e->total = total;
}

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static const char *wave_of(const spie_territories *terr, const char *dept)
{
    if (!terr)
        return NULL;
    const spie_territory *t = spie_territories_find(terr, dept, strlen(dept));
    return t ? spie_wave_code(t->wave) : NULL;
}

/* The lines a count row belongs to, as a cell or as the total. Every line is a set of
 * published counts that add up to a published total. */
static void lines_of(members *m, const spie_figure *f, size_t i, const spie_territories *terr)
{
    const char *ind = f->indicator;
    bool ens = f->breakdown == SPIE_BD_ENSEMBLE;
    switch (f->level) {
    case SPIE_LEVEL_NATIONAL:
    case SPIE_LEVEL_REGION:
        /* the modalities of a breakdown add up to the ensemble */
        if (ens)
            for (int b = SPIE_BD_PUBLIC; b < SPIE_BD_COUNT; b++)
                add(m, i, true, "B|%d|%s|%d|%s", f->level, f->code, b, ind);
        else
            add(m, i, false, "B|%d|%s|%d|%s", f->level, f->code, f->breakdown, ind);
        /* the régions add up to the nation, breakdown by breakdown */
        add(m, i, f->level == SPIE_LEVEL_NATIONAL, "R|%d|%s|%s", f->breakdown, f->modality, ind);
        if (f->level == SPIE_LEVEL_REGION && ens)
            add(m, i, true, "G|%s|%s", f->code, ind);
        if (f->level == SPIE_LEVEL_NATIONAL && ens)
            add(m, i, true, "W|%s", ind);
        break;
    case SPIE_LEVEL_DEPARTEMENT: {
        /* the départements add up to their région and to their wave */
        const spie_dept *d = spie_dept_find(f->code, strlen(f->code));
        if (d)
            add(m, i, false, "G|%s|%s", d->region_code, ind);
        const char *w = wave_of(terr, f->code);
        if (w)
            add(m, i, false, "V|%s|%s", w, ind);
        break;
    }
    case SPIE_LEVEL_VAGUE:
        add(m, i, false, "W|%s", ind);
        add(m, i, true, "V|%s|%s", f->code, ind);
        break;
    default:
        break;
    }
    /* partitions inside a cell */
    if (!strcmp(ind, "avec_reprise"))
        add(m, i, true, "T|%d|%s|%d|%s|reprise", f->level, f->code, f->breakdown, f->modality);
    else if (starts(ind, "reprise_") && !starts(ind, "reprise_incidence") && !starts(ind, "reprise_km"))
        add(m, i, false, "T|%d|%s|%d|%s|reprise", f->level, f->code, f->breakdown, f->modality);
    else if (!strcmp(ind, "sorties"))
        add(m, i, true, "T|%d|%s|%d|%s|sortie", f->level, f->code, f->breakdown, f->modality);
    else if (starts(ind, "sortie_"))
        add(m, i, false, "T|%d|%s|%d|%s|sortie", f->level, f->code, f->breakdown, f->modality);
    else if (starts(ind, "delai_")) {
        const char *tail = strrchr(ind, '_');
        if (tail && (!strcmp(tail, "_termines") || !strcmp(tail, "_censures") || !strcmp(tail, "_incoherents") ||
                     !strcmp(tail, "_population")))
            add(m, i, !strcmp(tail, "_population"), "D|%d|%s|%d|%s|%.*s", f->level, f->code, f->breakdown,
                f->modality, (int)(tail - ind), ind);
    }
}

/* One pass over the lines: a line with exactly one masked cell (total included) gets one
 * more: its smallest non-zero shown cell, or its total when every other cell is 0.
 * Returns the number of cells masked. */
static size_t secondary_pass(spie_table *t, const members *m)
{
    size_t added = 0;
    for (size_t a = 0; a < m->n;) {
        size_t b = a;
        while (b < m->n && !strcmp(m->v[b].key, m->v[a].key))
            b++;
        size_t masked = 0, cells = 0;
        long best = -1, total = -1;
        for (size_t j = a; j < b; j++) {
            const spie_figure *f = &t->rows[m->v[j].row];
            if (m->v[j].total) {
                total = (long)m->v[j].row;
            } else {
                cells++;
                if (f->status == SPIE_STATUS_OK && f->ival > 0 && (best < 0 || f->ival < t->rows[best].ival))
                    best = (long)m->v[j].row;
            }
            if (f->status == SPIE_STATUS_SECRET)
                masked++;
        }
        if (masked == 1 && cells > 0) {
            long pick = best;
            if (pick < 0 && total >= 0 && t->rows[total].status == SPIE_STATUS_OK && t->rows[total].ival > 0)
                pick = total;
            if (pick >= 0) {
                mask(&t->rows[pick]);
                added++;
            }
        }
        a = b;
    }
    return added;
}

/* Hides the effectif of figures of a cell that equals the true value of a masked count. */
static size_t hide_effectifs(spie_table *t)
{
    size_t hidden = 0;
    for (size_t a = 0; a < t->n;) {
        size_t b = a;
        const spie_figure *fa = &t->rows[a];
        while (b < t->n && t->rows[b].level == fa->level && !strcmp(t->rows[b].code, fa->code) &&
               t->rows[b].breakdown == fa->breakdown && !strcmp(t->rows[b].modality, fa->modality))
            b++;
        for (size_t i = a; i < b; i++) {
            const spie_figure *m = &t->rows[i];
            if (m->role != SPIE_ROLE_COUNT || m->status != SPIE_STATUS_SECRET)
                continue;
            /* the effectif of a delay's Kaplan–Meier median is population - incoherents
             * = termines + censures: hidden when any count of that delay is masked */
            const char *tail = starts(m->indicator, "delai_") ? strrchr(m->indicator, '_') : NULL;
            for (size_t j = a; j < b; j++) {
                spie_figure *o = &t->rows[j];
                if (!o->has_effectif)
                    continue;
                bool same_delay_km = tail && !strncmp(o->indicator, m->indicator, (size_t)(tail - m->indicator)) &&
                                     !strcmp(o->indicator + (tail - m->indicator), "_km_mediane");
                if (o->effectif == m->ival || same_delay_km) {
                    o->has_effectif = false;
                    hidden++;
                }
            }
        }
        a = b;
    }
    return hidden;
}

bool spie_secret_apply(spie_table *t, int k, const spie_territories *terr, spie_secret_counts *counts)
{
    spie_secret_counts c = {0, 0, 0};
    members m = {0};
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].role == SPIE_ROLE_COUNT)
            lines_of(&m, &t->rows[i], i, terr);
    if (m.oom) {
        free(m.v);
        return false;
    }
    if (m.n > 1)
        qsort(m.v, m.n, sizeof *m.v, cmp_member);

    for (size_t i = 0; i < t->n; i++)
        if (primary(&t->rows[i], k)) {
            mask(&t->rows[i]);
            c.primary++;
        }
    /* Until no line has a single masked cell: each pass can create new such lines. */
    for (size_t added; (added = secondary_pass(t, &m)) > 0;)
        c.secondary += added;
    free(m.v);
    c.effectifs_hidden = hide_effectifs(t);
    if (counts)
        *counts = c;
    return true;
}
