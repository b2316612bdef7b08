/* Figures of the publication table by identity, and what the tables of the sheets show
 * (include/spie/catalogue.h, workbook_int.h): the units (rows) of a workbook with their
 * call marks, the territories' selected extracts from the plan (late, missing: the marks
 * and notes of docs/classeurs.md), the modalities, the key horizon and pair, a région's
 * rank among the régions. A figure looked up and not found is recorded in w->missing,
 * which fails the workbook.
 *
 * It may not write a cell or hold French text beyond the messages of w->missing. */
#include "workbook_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"

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

/* The search key of a row of the sorted table; false when a field is longer than the
 * table's (such a row cannot be in the table). */
static bool search_key(spie_figure *key, spie_level level, const char *code, spie_breakdown bd,
                       const char *modality, const char *name)
{
    memset(key, 0, sizeof *key);
    key->level = (uint8_t)level;
    key->breakdown = (uint8_t)bd;
    size_t nc = strlen(code), nm = strlen(modality), ni = strlen(name);
    if (nc >= sizeof key->code || nm >= sizeof key->modality || ni >= sizeof key->indicator)
        return false;
    memcpy(key->code, code, nc + 1);
    memcpy(key->modality, modality, nm + 1);
    memcpy(key->indicator, name, ni + 1);
    return true;
}

/* ---- the index of the table ------------------------------------------------------------
 * Open addressing over the row positions, at most half full, each probe comparing the
 * numbers first and the strings only on a hash match. A row is added only when no earlier
 * row has its identity, so a look-up finds the first of equal rows. */

struct spie_wb_index {
    const spie_table *t;
    uint32_t *slot; /* row position + 1; 0 = empty */
    uint32_t *hash; /* the hash of the row in the same slot (its low bits choose the slot) */
    size_t mask;
};

/* FNV-1a over the identity: the level and breakdown numbers, then the three strings each
 * with its end. */
static uint32_t identity_hash(spie_level level, const char *code, spie_breakdown bd, const char *modality,
                              const char *indicator)
{
    uint32_t h = 2166136261u;
    h = (h ^ (uint32_t)level) * 16777619u;
    h = (h ^ (uint32_t)bd) * 16777619u;
    const char *parts[3] = {code, modality, indicator};
    for (int k = 0; k < 3; k++) {
        for (const unsigned char *c = (const unsigned char *)parts[k]; *c; c++)
            h = (h ^ *c) * 16777619u;
        h = (h ^ 0xFFu) * 16777619u;
    }
    return h;
}

/* Equal under spie_figure_cmp (which compares the level's and the breakdown's names:
 * distinct for distinct values, as the catalogue's test checks). */
static bool same_identity(const spie_figure *f, spie_level level, const char *code, spie_breakdown bd,
                          const char *modality, const char *indicator)
{
    return f->level == level && f->breakdown == bd && !strcmp(f->code, code) && !strcmp(f->modality, modality) &&
           !strcmp(f->indicator, indicator);
}

/* The slot holding the identity, or the empty slot where it would go. */
static size_t probe(const spie_wb_index *x, uint32_t h, spie_level level, const char *code, spie_breakdown bd,
                    const char *modality, const char *indicator)
{
    size_t i = h & x->mask;
    while (x->slot[i] &&
           (x->hash[i] != h || !same_identity(&x->t->rows[x->slot[i] - 1], level, code, bd, modality, indicator)))
        i = (i + 1) & x->mask;
    return i;
}

spie_wb_index *spie_wb_index_new(const spie_table *t)
{
    if (t->n >= UINT32_MAX / 4)
        return NULL;
    size_t n = 16;
    while (n < 2 * t->n)
        n *= 2;
    spie_wb_index *x = malloc(sizeof *x);
    uint32_t *slot = calloc(n, sizeof *slot), *hash = malloc(n * sizeof *hash);
    if (!x || !slot || !hash) {
        free(x);
        free(slot);
        free(hash);
        return NULL;
    }
    *x = (spie_wb_index){.t = t, .slot = slot, .hash = hash, .mask = n - 1};
    for (size_t r = 0; r < t->n; r++) {
        const spie_figure *f = &t->rows[r];
        spie_level lv = (spie_level)f->level;
        spie_breakdown bd = (spie_breakdown)f->breakdown;
        uint32_t h = identity_hash(lv, f->code, bd, f->modality, f->indicator);
        size_t i = probe(x, h, lv, f->code, bd, f->modality, f->indicator);
        if (!slot[i]) { /* a later row of the same identity is never found, as documented */
            slot[i] = (uint32_t)r + 1;
            hash[i] = h;
        }
    }
    return x;
}

void spie_wb_index_free(spie_wb_index *x)
{
    if (!x)
        return;
    free(x->slot);
    free(x->hash);
    free(x);
}

const spie_figure *spie_wb_index_find(const spie_wb_index *x, spie_level level, const char *code, spie_breakdown bd,
                                      const char *modality, const char *indicator)
{
    size_t i = probe(x, identity_hash(level, code, bd, modality, indicator), level, code, bd, modality, indicator);
    return x->slot[i] ? &x->t->rows[x->slot[i] - 1] : NULL;
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
    const spie_figure *f;
    if (w->index) {
        f = spie_wb_index_find(w->index, level, code, bd, modality, name);
    } else {
        spie_figure key;
        if (!search_key(&key, level, code, bd, modality, name))
            return NULL;
        f = bsearch(&key, t->rows, t->n, sizeof *t->rows, spie_figure_cmp);
    }
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
    case SPIE_UNIT_RATIO: return w->f.ratio;
    default: return NULL;
    }
}

/* ---- units and modalities ------------------------------------------------------------ */

bool spie_wb_in_scope(const spie_wb *w, const spie_dept *d)
{
    return !w->region || spie_dept_region(d) == w->region;
}

bool spie_wb_region_has_territory(const spie_territories *terr, const spie_region *reg)
{
    for (size_t i = 0; i < terr->count; i++)
        if (spie_dept_region(terr->items[i].dept) == reg)
            return true;
    return false;
}

/* The territories' extracts from the plan (an entry's territory points into in->terr). */
static void terrs_build(spie_wb *w)
{
    const spie_territories *terr = w->in->terr;
    const spie_plan *plan = w->in->plan;
    for (size_t i = 0; i < terr->count; i++)
        for (int k = 0; k < SPIE_KIND_COUNT; k++) {
            w->terrs[i].month[k] = SPIE_NO_MONTH;
            w->terrs[i].status[k] = SPIE_ENTRY_MISSING;
        }
    for (size_t e = 0; e < plan->n_entries; e++) {
        const spie_plan_entry *pe = &plan->entries[e];
        if (!pe->terr || (unsigned)pe->kind >= SPIE_KIND_COUNT)
            continue;
        size_t i = terr->count;
        if (pe->terr >= terr->items && pe->terr < terr->items + terr->count) {
            i = (size_t)(pe->terr - terr->items);
        } else {
            const spie_territory *t = spie_territories_find(terr, pe->dept, strlen(pe->dept));
            if (t)
                i = (size_t)(t - terr->items);
        }
        if (i == terr->count)
            continue;
        spie_wb_terr *t = &w->terrs[i];
        t->status[pe->kind] = w->in->results[e].status;
        if (pe->file) {
            t->month[pe->kind] = pe->month;
            if (pe->month < plan->period)
                t->late = true;
        }
        if (w->in->results[e].status != SPIE_ENTRY_OK)
            t->missing = true;
    }
    /* a territory the plan does not list has no extract at all */
    for (size_t i = 0; i < terr->count; i++)
        for (int k = 0; k < SPIE_KIND_COUNT; k++)
            if (w->terrs[i].status[k] == SPIE_ENTRY_MISSING)
                w->terrs[i].missing = true;
}

bool spie_wb_unit_holds(const spie_wb_unit *u, const spie_territories *terr, size_t i)
{
    const spie_territory *t = &terr->items[i];
    switch (u->level) {
    case SPIE_LEVEL_NATIONAL: return true;
    case SPIE_LEVEL_REGION: return strcmp(spie_dept_region(t->dept)->code, u->code) == 0;
    case SPIE_LEVEL_VAGUE: return strcmp(spie_wave_code(t->wave), u->code) == 0;
    default: return u->terr == i;
    }
}

/* A unit's call marks: (r) and (m) for a département from its extracts, (p) for a group
 * that holds one of them. */
static unsigned marks_of(const spie_wb *w, const spie_wb_unit *u)
{
    const spie_territories *terr = w->in->terr;
    if (u->level == SPIE_LEVEL_DEPARTEMENT) {
        const spie_wb_terr *t = &w->terrs[u->terr];
        return (t->late ? SPIE_WB_MARK_LATE : 0u) | (t->missing ? SPIE_WB_MARK_MISSING : 0u);
    }
    for (size_t i = 0; i < terr->count; i++)
        if (spie_wb_unit_holds(u, terr, i) && (w->terrs[i].late || w->terrs[i].missing))
            return SPIE_WB_MARK_PARTIAL;
    return 0;
}

static void add_unit(spie_wb *w, size_t *n, spie_level lv, const char *code, const char *name, size_t terr_i)
{
    spie_wb_unit *u = &w->units[(*n)++];
    *u = (spie_wb_unit){lv, code, name, 0, false, terr_i};
    u->marks = marks_of(w, u);
}

bool spie_wb_units_build(spie_wb *w)
{
    const spie_territories *terr = w->in->terr;
    size_t cap = 2 + spie_region_count() + SPIE_WAVE_COUNT + terr->count;
    if (!(w->units = calloc(cap, sizeof *w->units)) || !(w->terrs = calloc(terr->count + 1, sizeof *w->terrs)))
        return false;
    terrs_build(w);
    size_t n = 0;
    if (w->region) {
        add_unit(w, &n, SPIE_LEVEL_REGION, w->region->code, w->region->name, SIZE_MAX);
        add_unit(w, &n, SPIE_LEVEL_NATIONAL, "FR", "France", SIZE_MAX);
        w->units[n - 1].comparison = true;
    } else {
        add_unit(w, &n, SPIE_LEVEL_NATIONAL, "FR", "France", SIZE_MAX);
        for (size_t r = 0; r < spie_region_count(); r++) {
            const spie_region *reg = spie_region_at(r);
            if (spie_wb_region_has_territory(terr, reg))
                add_unit(w, &n, SPIE_LEVEL_REGION, reg->code, reg->name, SIZE_MAX);
        }
        for (int v = 0; v < SPIE_WAVE_COUNT; v++) {
            bool any = false;
            for (size_t i = 0; i < terr->count; i++)
                any |= terr->items[i].wave == (spie_wave)v;
            const char *code = spie_wave_code((spie_wave)v);
            if (any)
                add_unit(w, &n, SPIE_LEVEL_VAGUE, code, code, SIZE_MAX);
        }
    }
    w->first_dept = n;
    for (size_t i = 0; i < terr->count; i++) {
        const spie_dept *d = terr->items[i].dept;
        if (spie_wb_in_scope(w, d))
            add_unit(w, &n, SPIE_LEVEL_DEPARTEMENT, d->code, d->name, i);
    }
    w->n_units = n;
    return true;
}

const spie_wb_unit *spie_wb_france(const spie_wb *w)
{
    return &w->units[w->region ? 1 : 0];
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
         * byte order ("2021-T3" < "2021-T4" < "2022-T1") is the time order. The unit's
         * cohort rows are one run of the sorted table: found by bisection, not by a walk
         * through every row (a workbook asks for them once per breakdown table). */
        const spie_table *t = w->in->table;
        const spie_wb_unit *u = &w->units[0];
        spie_figure key;
        if (!search_key(&key, u->level, u->code, SPIE_BD_COHORTE, "", ""))
            break;
        size_t lo = 0, hi = t->n; /* the first row not below key (empty modality and name) */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (spie_figure_cmp(&t->rows[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < t->n && n < max; i++) {
            const spie_figure *f = &t->rows[i];
            if (f->level != u->level || f->breakdown != SPIE_BD_COHORTE || strcmp(f->code, u->code) != 0)
                break;
            if (f->id.ind == SPIE_IND_ENTRANTS)
                mods[n++] = f->modality;
        }
        break;
    }
    default: break;
    }
    return n;
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

/* The value a rank compares: the figure's number when it is published. */
static bool rank_value(const spie_figure *f, double *v)
{
    if (!f || f->status != SPIE_STATUS_OK)
        return false;
    switch (f->kind) {
    case SPIE_VK_COUNT: *v = (double)f->ival; return true;
    case SPIE_VK_CENTS: *v = (double)f->ival; return true;
    case SPIE_VK_REAL: *v = f->real; return true;
    default: return false;
    }
}

bool spie_wb_region_rank(spie_wb *w, const char *code, spie_ind_id id, int *rank, int *of)
{
    double mine;
    if (!rank_value(spie_wb_get(w, SPIE_LEVEL_REGION, code, SPIE_BD_ENSEMBLE, "", id), &mine))
        return false;
    int higher = 0, n = 0;
    for (size_t r = 0; r < spie_region_count(); r++) {
        const spie_region *reg = spie_region_at(r);
        double v;
        if (!spie_wb_region_has_territory(w->in->terr, reg) ||
            !rank_value(spie_wb_get(w, SPIE_LEVEL_REGION, reg->code, SPIE_BD_ENSEMBLE, "", id), &v))
            continue;
        n++;
        higher += v > mine;
    }
    *rank = higher + 1; /* ties share the best rank */
    *of = n;
    return true;
}

/* ---- the previous publication --------------------------------------------------------- */

spie_month spie_wb_previous_month(const spie_wb *w)
{
    const char *q = w->in->previous_period;
    spie_month m;
    if (!q || !spie_month_parse_iso(q, strlen(q), &m))
        return SPIE_NO_MONTH;
    return m;
}

const spie_change *spie_wb_change(const spie_wb *w, const spie_figure *f)
{
    const spie_table *t = w->in->table;
    if (!f || !w->in->changes || !w->in->previous_period || f < t->rows || f >= t->rows + t->n)
        return NULL;
    const spie_change *c = &w->in->changes[f - t->rows];
    return c->present ? c : NULL;
}

bool spie_wb_entry_in_scope(const spie_wb *w, const spie_plan_entry *e)
{
    if (!w->region)
        return true;
    return e->terr && spie_wb_in_scope(w, e->terr->dept);
}
