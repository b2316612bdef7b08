/* The publication table (include/spie/table.h): rows, their order, their release, and
 * which groups publish an indicator (the catalogue's scope). The renderers (reports/) turn
 * it into the CSV and the workbooks.
 *
 * It may not compute, mask or render a figure. */
#include "spie/table.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spie/acc.h"
#include "spie/util.h"

const char *const spie_level_names[SPIE_LEVEL_COUNT] = {"departement", "national", "region", "vague"};
const char *const spie_status_names[3] = {"ok", "s", "nd"};

bool spie_ind_published_at(unsigned ind, spie_level lv)
{
    const spie_ind_def *d = spie_ind_def_of(ind);
    if (!d || (unsigned)lv >= SPIE_LEVEL_COUNT)
        return false;
    switch (d->scope) {
    case SPIE_SCOPE_TERRITORIES: return lv != SPIE_LEVEL_DEPARTEMENT;
    case SPIE_SCOPE_NATIONAL: return lv == SPIE_LEVEL_NATIONAL;
    case SPIE_SCOPE_SUBNATIONAL: return lv != SPIE_LEVEL_NATIONAL;
    default: return true;
    }
}

spie_figure *spie_table_push(spie_table *t)
{
    if (!spie_grow((void **)&t->rows, &t->cap, t->n + 1, sizeof *t->rows))
        return NULL;
    spie_figure *f = &t->rows[t->n++];
    memset(f, 0, sizeof *f);
    return f;
}

int spie_figure_cmp(const void *a, const void *b)
{
    const spie_figure *x = a, *y = b;
    /* The level's and the breakdown's names compared only when they differ: most
     * comparisons of a sort or a look-up are between rows of one level. */
    int c = x->level == y->level ? 0 : strcmp(spie_level_names[x->level], spie_level_names[y->level]);
    if (c)
        return c;
    if ((c = strcmp(x->code, y->code)))
        return c;
    if (x->breakdown != y->breakdown &&
        (c = strcmp(spie_breakdown_names[x->breakdown], spie_breakdown_names[y->breakdown])))
        return c;
    if ((c = strcmp(x->modality, y->modality)))
        return c;
    return strcmp(x->indicator, y->indicator);
}

/* ---- the sort ------------------------------------------------------------------------------
 * spie_figure_cmp compares five strings; a table of tens of thousands of rows sorted with it
 * spends its time in the comparisons. A table holds few distinct strings in each column
 * (codes, modalities, indicator names: hundreds), so each distinct string is ranked once,
 * in strcmp order, and each row gets one number: its level's, code's, breakdown's,
 * modality's and indicator's ranks in mixed radix, in that order, so that the numbers'
 * order is spie_figure_cmp's order. The numbers are then sorted by a radix sort on their
 * bytes, least significant first, which keeps rows with equal numbers in their order, as
 * the merge sort of qsort in the C library does. A table whose strings have no end within
 * their field, whose ranks do not fit 64 bits, or whose sort runs out of memory is sorted
 * with spie_figure_cmp, which stays the definition of the order. */

typedef struct sort_item {
    uint64_t key;
    size_t row;
} sort_item;

/* The distinct strings of one column, each with the order in which it was first seen. */
typedef struct str_slot {
    uint64_t hash;
    const char *s; /* NULL: empty slot */
    size_t len;
    uint32_t first;
} str_slot;

/* A distinct string and the order in which it was first seen. */
typedef struct seen_str {
    const char *s;
    uint32_t first;
} seen_str;

static int cmp_seen(const void *a, const void *b)
{
    return strcmp(((const seen_str *)a)->s, ((const seen_str *)b)->s);
}

/* The bytes s[0..len) as a number, a word at a time. */
static uint64_t str_hash(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xE7037ED1A0B428DBULL;
    }
    uint64_t w = 0;
    for (; i < len; i++)
        w = w << 8 | (unsigned char)s[i];
    h = (h ^ w) * 0xE7037ED1A0B428DBULL;
    return h ^ h >> 32;
}

/* The slot of s in a table of nslots (a power of two, never full). */
static size_t str_slot_of(const str_slot *slots, size_t nslots, uint64_t h, const char *s, size_t len)
{
    size_t i = (size_t)h & (nslots - 1);
    while (slots[i].s && !(slots[i].hash == h && slots[i].len == len && memcmp(slots[i].s, s, len) == 0))
        i = (i + 1) & (nslots - 1);
    return i;
}

/* rank[r] = the rank of row r's string at byte offset off (a field of cap bytes) among the
 * column's distinct strings; *count = how many there are. false: a string without its
 * end, or memory. */
static bool column_ranks(const spie_table *t, size_t off, size_t cap, uint32_t *rank, uint64_t *count)
{
    size_t nslots = 256, distinct = 0;
    str_slot *slots = calloc(nslots, sizeof *slots);
    bool ok = slots != NULL;
    const char *prev = NULL; /* the row before's string: rows come in runs of one code */
    size_t prev_len = 0;
    for (size_t r = 0; ok && r < t->n; r++) {
        const char *s = (const char *)&t->rows[r] + off;
        size_t len = strnlen(s, cap);
        if (len == cap) {
            ok = false;
            break;
        }
        if (prev && len == prev_len && memcmp(s, prev, len) == 0) {
            rank[r] = rank[r - 1];
            continue;
        }
        prev = s;
        prev_len = len;
        uint64_t h = str_hash(s, len);
        size_t i = str_slot_of(slots, nslots, h, s, len);
        if (!slots[i].s) {
            if (2 * (distinct + 1) > nslots) { /* half full: twice the slots */
                str_slot *grown = calloc(2 * nslots, sizeof *grown);
                if (!grown) {
                    ok = false;
                    break;
                }
                for (size_t k = 0; k < nslots; k++)
                    if (slots[k].s)
                        grown[str_slot_of(grown, 2 * nslots, slots[k].hash, slots[k].s, slots[k].len)] = slots[k];
                free(slots);
                slots = grown;
                nslots *= 2;
                i = str_slot_of(slots, nslots, h, s, len);
            }
            slots[i] = (str_slot){h, s, len, (uint32_t)distinct++};
        }
        rank[r] = slots[i].first; /* the order of first sight for now; the rank below */
    }
    /* The distinct strings sorted: the k-th of them has rank k. */
    seen_str *sorted = ok ? malloc(distinct * sizeof *sorted) : NULL;
    uint32_t *to_rank = ok ? malloc(distinct * sizeof *to_rank) : NULL;
    ok = ok && sorted && to_rank;
    if (ok) {
        for (size_t i = 0; i < nslots; i++)
            if (slots[i].s)
                sorted[slots[i].first] = (seen_str){slots[i].s, slots[i].first};
        qsort(sorted, distinct, sizeof *sorted, cmp_seen);
        for (size_t k = 0; k < distinct; k++)
            to_rank[sorted[k].first] = (uint32_t)k;
        for (size_t r = 0; r < t->n; r++)
            rank[r] = to_rank[rank[r]];
        *count = distinct;
    }
    free(to_rank);
    free(sorted);
    free(slots);
    return ok;
}

/* Ranks of n names in strcmp order (equal names, equal ranks). */
static void name_ranks(const char *const *names, size_t n, uint64_t *rank)
{
    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        for (size_t j = 0; j < n; j++)
            rank[i] += strcmp(names[j], names[i]) < 0;
    }
}

/* acc = acc * radix + digit, false when it leaves 64 bits. */
static bool mixed(uint64_t *acc, uint64_t radix, uint64_t digit)
{
    if (radix && *acc > (UINT64_MAX - digit) / radix)
        return false;
    *acc = *acc * radix + digit;
    return true;
}

/* Each row's number (see above); false when it cannot be made. */
static bool sort_keys(const spie_table *t, sort_item *item)
{
    uint64_t level_rank[SPIE_LEVEL_COUNT], bd_rank[SPIE_BD_COUNT];
    name_ranks(spie_level_names, SPIE_LEVEL_COUNT, level_rank);
    name_ranks(spie_breakdown_names, SPIE_BD_COUNT, bd_rank);
    uint32_t *code = malloc(t->n * sizeof *code), *mod = malloc(t->n * sizeof *mod), *ind = malloc(t->n * sizeof *ind);
    uint64_t ncode = 0, nmod = 0, nind = 0;
    bool ok = code && mod && ind && column_ranks(t, offsetof(spie_figure, code), sizeof t->rows->code, code, &ncode) &&
              column_ranks(t, offsetof(spie_figure, modality), sizeof t->rows->modality, mod, &nmod) &&
              column_ranks(t, offsetof(spie_figure, indicator), sizeof t->rows->indicator, ind, &nind);
    for (size_t r = 0; ok && r < t->n; r++) {
        const spie_figure *f = &t->rows[r];
        uint64_t k = 0;
        ok = f->level < SPIE_LEVEL_COUNT && f->breakdown < SPIE_BD_COUNT && mixed(&k, 0, level_rank[f->level]) &&
             mixed(&k, ncode, code[r]) && mixed(&k, SPIE_BD_COUNT, bd_rank[f->breakdown]) && mixed(&k, nmod, mod[r]) &&
             mixed(&k, nind, ind[r]);
        item[r] = (sort_item){k, r};
    }
    free(ind);
    free(mod);
    free(code);
    return ok;
}

/* Stable sort of items by key: one counting pass per byte, least significant first, up to
 * the largest key's highest byte. false: memory. */
static bool radix_sort(sort_item *item, size_t n)
{
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++)
        top |= item[i].key;
    sort_item *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return false;
    sort_item *src = item, *dst = tmp;
    for (unsigned shift = 0; shift < 64 && (top >> shift) != 0; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((src[i].key >> shift) & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xFF]++] = src[i];
        sort_item *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != item)
        memcpy(item, src, n * sizeof *item);
    free(tmp);
    return true;
}

void spie_table_sort(spie_table *t)
{
    if (t->n < 2)
        return;
    sort_item *item = malloc(t->n * sizeof *item);
    if (!item || !sort_keys(t, item) || !radix_sort(item, t->n)) {
        free(item);
        qsort(t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
        return;
    }
    /* Row j takes row item[j].row, cycle by cycle, in place (no second table). */
    for (size_t i = 0; i < t->n; i++) {
        if (item[i].row == i)
            continue;
        spie_figure held = t->rows[i];
        size_t j = i;
        for (;;) {
            size_t from = item[j].row;
            item[j].row = j;
            if (from == i) {
                t->rows[j] = held;
                break;
            }
            t->rows[j] = t->rows[from];
            j = from;
        }
    }
    free(item);
}

void spie_table_release(spie_table *t)
{
    if (!t)
        return;
    free(t->rows);
    memset(t, 0, sizeof *t);
}
