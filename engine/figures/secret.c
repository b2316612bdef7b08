/* The statistical secret on the publication table (include/spie/secret.h): primary
 * masking by each figure's rule in the catalogue, secondary masking along the lines of
 * counts that add up to a total, then the effectifs that would give a masked count away.
 * Figures are told apart by their identity (spie_ind_id), never by their names.
 *
 * It may not change a value, an identity or the order of the table: only statuses and the
 * has_ci / has_effectif flags move, and only towards s / hidden. */
#include "spie/secret.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/geo.h"
#include "spie/standardise.h"
#include "spie/territories.h"
#include "spie/util.h"

static const spie_ind_def *def_of(const spie_figure *f)
{
    return spie_ind_def_of(f->id.ind);
}

static spie_rule rule_of(const spie_figure *f)
{
    const spie_ind_def *d = def_of(f);
    return d ? d->rule : SPIE_RULE_NONE;
}

static bool primary(const spie_figure *f, int64_t k)
{
    if (f->status != SPIE_STATUS_OK)
        return false;
    switch (rule_of(f)) {
    case SPIE_RULE_COUNT: return f->ival >= 1 && f->ival < k;
    case SPIE_RULE_STAT: return f->has_effectif && f->effectif < k;
    case SPIE_RULE_RATE: {
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

/* A line: a set of published counts that add up to a published total. Its kind:
 *   'B' the modalities of a breakdown of a national or regional count (total: ensemble);
 *   'D' a delay pair's termines, censures, incoherents in a cell (total: population);
 *   'G' the départements of a région (total: the région's ensemble);
 *   'R' the régions of the nation, breakdown by breakdown (total: the nation);
 *   'T' the types of the first return or of the first exit in a cell (total: avec_reprise,
 *       sorties);
 *   'V' the départements of a wave (total: the wave); 'W' the waves of the nation.
 * The fields a kind does not use stay zero. */
typedef struct line_key {
    char kind;
    uint8_t level;      /* B, D, T */
    uint8_t breakdown;  /* B, D, R, T */
    uint8_t part;       /* D, T: spie_part */
    char code[8];       /* B, D, T: the group; G: the région; V: the wave */
    char modality[12];  /* D, R, T */
    spie_ind_id id;     /* B, G, R, V, W: the count; D: {0, the pair} */
} line_key;

/* 8 and 4 bytes as big-endian numbers (compilers make each a load and a byte swap): for
 * two strings in fields zero-padded after their end, as key() and spie_copy_str leave
 * every line_key, the order of these numbers, word after word, is strcmp's order. */
static inline uint64_t be64(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 | (uint64_t)p[3] << 32 |
           (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 | (uint64_t)p[6] << 8 | p[7];
}

static inline uint32_t be32(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define ORDER_(x, y) ((x) < (y) ? -1 : 1)
_Static_assert(sizeof(((line_key *)0)->code) == 8 && sizeof(((line_key *)0)->modality) == 12,
               "cmp_key reads the code as one word and the modality as a word and a half");

/* The order in which the lines are visited matters only between lines that share a cell
 * (a visit may mask a cell that a later line then sees). Lines are visited kind by kind in
 * the order B, D, G, R, T, V, W; within a kind, the only lines that share a cell are the
 * breakdown lines of one total, visited breakdown by breakdown. */
static int cmp_key(const line_key *x, const line_key *y)
{
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    uint64_t a = be64(x->code), b = be64(y->code);
    if (a != b)
        return ORDER_(a, b);
    if (x->breakdown != y->breakdown)
        return x->breakdown < y->breakdown ? -1 : 1;
    if ((a = be64(x->modality)) != (b = be64(y->modality)))
        return ORDER_(a, b);
    if ((a = be32(x->modality + 8)) != (b = be32(y->modality + 8)))
        return ORDER_(a, b);
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    if (x->id.ind != y->id.ind)
        return x->id.ind < y->id.ind ? -1 : 1;
    if (x->id.arg != y->id.arg)
        return x->id.arg < y->id.arg ? -1 : 1;
    return 0;
}

/* A cell of a line: the line's key, the row, and whether it is the line's total. */
typedef struct member {
    line_key key;
    size_t row;
    bool total;
} member;

static int cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = cmp_key(&x->key, &y->key);
    if (c)
        return c;
    return x->row < y->row ? -1 : x->row > y->row;
}

typedef struct members {
    member *v;
    size_t n, cap;
    bool oom;
} members;

static line_key key(char kind)
{
    line_key k;
    memset(&k, 0, sizeof k);
    k.kind = kind;
    return k;
}

static void add(members *m, size_t row, bool total, const line_key *k)
{
    if (m->oom)
        return;
    if (!spie_grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v)) {
        m->oom = true;
        return;
    }
    member *e = &m->v[m->n++];
    e->key = *k;
    e->row = row;
    e->total = total;
}

/* A line of one count across groups: kind, the group field it needs, the count. */
static void add_across(members *m, size_t row, bool total, char kind, const char *code, const spie_figure *f)
{
    line_key k = key(kind);
    spie_copy_str(k.code, sizeof k.code, code);
    k.id = f->id;
    if (kind == 'R') {
        k.breakdown = f->breakdown;
        spie_copy_str(k.modality, sizeof k.modality, f->modality);
    }
    add(m, row, total, &k);
}

/* The région and the wave of a département of the table (no wave without terr). */
static void dept_groups(const spie_territories *terr, const char *code, const char **region, const char **wave)
{
    const spie_territory *t = terr ? spie_territories_find(terr, code, strlen(code)) : NULL;
    const spie_dept *d = t ? t->dept : spie_dept_find(code, strlen(code));
    *region = d ? d->region_code : NULL;
    *wave = t ? spie_wave_code(t->wave) : NULL;
}

/* The lines a count row belongs to, as a cell or as the total. */
static void lines_of(members *m, const spie_figure *f, size_t i, const spie_territories *terr)
{
    const spie_ind_def *d = def_of(f);
    bool ens = f->breakdown == SPIE_BD_ENSEMBLE;
    line_key k = key('B');
    k.level = f->level;
    spie_copy_str(k.code, sizeof k.code, f->code);
    k.id = f->id;
    switch (f->level) {
    case SPIE_LEVEL_NATIONAL:
    case SPIE_LEVEL_REGION:
        /* the modalities of a breakdown add up to the ensemble, the total of one line
         * per breakdown */
        for (int b = SPIE_BD_PUBLIC; b < SPIE_BD_COUNT; b++) {
            if (!ens && b != f->breakdown)
                continue;
            k.breakdown = (uint8_t)b;
            add(m, i, ens, &k);
        }
        /* the régions add up to the nation, breakdown by breakdown */
        add_across(m, i, f->level == SPIE_LEVEL_NATIONAL, 'R', "", f);
        if (f->level == SPIE_LEVEL_REGION && ens)
            add_across(m, i, true, 'G', f->code, f);
        if (f->level == SPIE_LEVEL_NATIONAL && ens)
            add_across(m, i, true, 'W', "", f);
        break;
    case SPIE_LEVEL_DEPARTEMENT: {
        /* the départements add up to their région and to their wave */
        const char *region, *wave;
        dept_groups(terr, f->code, &region, &wave);
        if (region)
            add_across(m, i, false, 'G', region, f);
        if (wave)
            add_across(m, i, false, 'V', wave, f);
        break;
    }
    case SPIE_LEVEL_VAGUE:
        add_across(m, i, false, 'W', "", f);
        add_across(m, i, true, 'V', f->code, f);
        break;
    default:
        break;
    }
    /* partitions inside a cell */
    if (d->part != SPIE_PART_NONE) {
        line_key p = key(d->part == SPIE_PART_DELAI ? 'D' : 'T');
        p.level = f->level;
        p.breakdown = f->breakdown;
        p.part = (uint8_t)d->part;
        spie_copy_str(p.code, sizeof p.code, f->code);
        spie_copy_str(p.modality, sizeof p.modality, f->modality);
        p.id.arg = spie_part_per_arg(d->part) ? f->id.arg : 0;
        add(m, i, (d->flags & SPIE_IF_TOTAL) != 0, &p);
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
        while (b < m->n && !cmp_key(&m->v[b].key, &m->v[a].key))
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

/* The figures of a rate on the national mix (docs/methodologie.md §12: expected rate,
 * ratio, standardised rate) follow their rate: each shown one whose rate, in the same
 * group, is masked (primary or secondary) is masked too. Their own primary rule is the
 * rate's (the same effectif and numerator), so this adds a mask only where the rate was
 * masked for another reason. Returns the number of figures masked. */
static size_t follow_rates(spie_table *t)
{
    size_t added = 0;
    for (size_t i = 0; i < t->n; i++) {
        spie_figure *f = &t->rows[i];
        spie_figure key;
        memset(&key, 0, sizeof key);
        if (f->status != SPIE_STATUS_OK || !spie_std_rate_of(f->id, &key.id))
            continue;
        key.level = f->level;
        key.breakdown = f->breakdown;
        memcpy(key.code, f->code, sizeof key.code);
        memcpy(key.modality, f->modality, sizeof key.modality);
        /* a rate's name needs no parameters but its horizon */
        if (!spie_ind_name(key.id, NULL, key.indicator, sizeof key.indicator))
            continue;
        const spie_figure *r = bsearch(&key, t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
        if (r && spie_id_eq(r->id, key.id) && r->status == SPIE_STATUS_SECRET) {
            mask(f);
            added++;
        }
    }
    return added;
}

/* Whether o's effectif is made of the counts of m's partition (a delay's Kaplan–Meier
 * median: population - incoherents = termines + censures). */
static bool effectif_of_part(const spie_figure *o, const spie_figure *m)
{
    const spie_ind_def *od = def_of(o), *md = def_of(m);
    return od && md && md->part != SPIE_PART_NONE && (od->flags & SPIE_IF_EFFECTIF_OF_PART) && od->part == md->part &&
           (!spie_part_per_arg(md->part) || o->id.arg == m->id.arg);
}

/* Hides the effectif of figures of a cell that equals the true value of a masked count,
 * or that is made of counts of a partition one of whose counts is masked. A count of
 * territories is left alone: its effectif is its own value, shown anyway, and counts no
 * person, so an equal number is a coincidence that gives nothing away. */
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
            if (rule_of(m) != SPIE_RULE_COUNT || m->status != SPIE_STATUS_SECRET)
                continue;
            for (size_t j = a; j < b; j++) {
                spie_figure *o = &t->rows[j];
                if (!o->has_effectif || spie_ind_unit(o->id) == SPIE_UNIT_TERRITORIES)
                    continue;
                if (o->effectif == m->ival || effectif_of_part(o, m)) {
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
        if (rule_of(&t->rows[i]) == SPIE_RULE_COUNT)
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
    c.secondary += follow_rates(t);
    c.effectifs_hidden = hide_effectifs(t);
    if (counts)
        *counts = c;
    return true;
}
