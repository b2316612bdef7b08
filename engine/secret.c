#include "spie/secret.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/geo.h"

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

/* A member of a line: the line's key and the row. */
typedef struct member {
    char key[96];
    size_t row;
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

static void add(members *m, size_t row, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void add(members *m, size_t row, const char *fmt, ...)
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
}

static bool starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* The lines a count row belongs to. */
static void lines_of(members *m, const spie_figure *f, size_t i)
{
    const char *ind = f->indicator;
    /* breakdown lines: national and regional modalities of a count */
    if (f->breakdown != SPIE_BD_ENSEMBLE)
        add(m, i, "B|%d|%s|%d|%s", f->level, f->code, f->breakdown, ind);
    /* geographic lines (ensemble only) */
    if (f->breakdown == SPIE_BD_ENSEMBLE) {
        if (f->level == SPIE_LEVEL_DEPARTEMENT) {
            const spie_dept *d = spie_dept_find(f->code, strlen(f->code));
            if (d)
                add(m, i, "G|%s|%s", d->region_code, ind);
        } else if (f->level == SPIE_LEVEL_REGION) {
            add(m, i, "N|%s", ind);
        } else if (f->level == SPIE_LEVEL_VAGUE) {
            add(m, i, "W|%s", ind);
        }
    }
    /* partitions inside a cell */
    if (starts(ind, "reprise_") && !starts(ind, "reprise_incidence") && !starts(ind, "reprise_km"))
        add(m, i, "T|%d|%s|%d|%s|reprise", f->level, f->code, f->breakdown, f->modality);
    else if (starts(ind, "sortie_"))
        add(m, i, "T|%d|%s|%d|%s|sortie", f->level, f->code, f->breakdown, f->modality);
    else if (starts(ind, "delai_")) {
        const char *tail = strrchr(ind, '_');
        if (tail && (!strcmp(tail, "_termines") || !strcmp(tail, "_censures") || !strcmp(tail, "_incoherents")))
            add(m, i, "D|%d|%s|%d|%s|%.*s", f->level, f->code, f->breakdown, f->modality, (int)(tail - ind), ind);
    }
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
            for (size_t j = a; j < b; j++) {
                spie_figure *o = &t->rows[j];
                if (o->has_effectif && o->effectif == m->ival) {
                    o->has_effectif = false;
                    hidden++;
                }
            }
        }
        a = b;
    }
    return hidden;
}

bool spie_secret_apply(spie_table *t, int k, spie_secret_counts *counts)
{
    spie_secret_counts c = {0, 0, 0};
    members m = {0};
    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].role == SPIE_ROLE_COUNT)
            lines_of(&m, &t->rows[i], i);
    if (m.oom) {
        free(m.v);
        return false;
    }
    qsort(m.v, m.n, sizeof *m.v, cmp_member);

    for (size_t i = 0; i < t->n; i++)
        if (primary(&t->rows[i], k)) {
            mask(&t->rows[i]);
            c.primary++;
        }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t a = 0; a < m.n;) {
            size_t b = a;
            while (b < m.n && !strcmp(m.v[b].key, m.v[a].key))
                b++;
            size_t masked = 0;
            long best = -1;
            for (size_t j = a; j < b; j++) {
                const spie_figure *f = &t->rows[m.v[j].row];
                if (f->status == SPIE_STATUS_SECRET)
                    masked++;
                else if (f->status == SPIE_STATUS_OK && f->ival > 0 &&
                         (best < 0 || f->ival < t->rows[best].ival))
                    best = (long)m.v[j].row;
            }
            if (masked == 1 && best >= 0) {
                mask(&t->rows[best]);
                c.secondary++;
                changed = true;
            }
            a = b;
        }
    }
    free(m.v);
    c.effectifs_hidden = hide_effectifs(t);
    if (counts)
        *counts = c;
    return true;
}
