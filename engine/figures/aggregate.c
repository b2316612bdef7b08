/* The figures of every group (include/spie/aggregate.h): which territories each group
 * counts, and the rows of départements, régions, waves and the nation, in that order,
 * then sorted. It reads the batch's merged accumulators and the plan's months, and never
 * reads a file. */
#include "spie/aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "spie/budget_ind.h"
#include "spie/date.h"
#include "spie/geo.h"
#include "spie/indicators.h"
#include "spie/standardise.h"

/* The months of each territory's selected extracts (docs/methodologie.md §10), from the
 * plan: month[i * SPIE_KIND_COUNT + kind], SPIE_NO_MONTH when it has none. */
typedef struct months {
    spie_month *month;
    spie_month *budget; /* per territory: its budget extract's month */
    bool *late;         /* per territory: at least one extract of a month before P */
} months;

/* The index in terr of a plan entry's territory, or terr->count when it has none. */
static size_t terr_index(const spie_territories *terr, const spie_plan_entry *e)
{
    if (!e->terr)
        return terr->count;
    if (e->terr >= terr->items && e->terr < terr->items + terr->count)
        return (size_t)(e->terr - terr->items);
    const spie_territory *t = spie_territories_find(terr, e->dept, strlen(e->dept));
    return t ? (size_t)(t - terr->items) : terr->count;
}

static bool months_of(months *m, const spie_plan *plan, const spie_territories *terr)
{
    size_t n = terr->count ? terr->count : 1;
    m->month = malloc(n * SPIE_KIND_COUNT * sizeof *m->month);
    m->budget = malloc(n * sizeof *m->budget);
    m->late = calloc(n, sizeof *m->late);
    if (!m->month || !m->budget || !m->late)
        return false;
    for (size_t i = 0; i < n * SPIE_KIND_COUNT; i++)
        m->month[i] = SPIE_NO_MONTH;
    for (size_t i = 0; plan && i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        size_t t = terr_index(terr, e);
        if (t == terr->count || !e->file || (unsigned)e->kind >= SPIE_KIND_COUNT)
            continue;
        m->month[t * SPIE_KIND_COUNT + e->kind] = e->month;
        if (e->month < plan->period)
            m->late[t] = true;
    }
    for (size_t i = 0; i < terr->count; i++)
        m->budget[i] = m->month[i * SPIE_KIND_COUNT + SPIE_KIND_BUDGET];
    return true;
}

static void months_free(months *m)
{
    free(m->month);
    free(m->budget);
    free(m->late);
}

static void count(spie_group_counts *c, const spie_batch *b, const bool *late, size_t i)
{
    c->expected++;
    c->included += b->persons_ok[i];
    c->included_budget += b->budget_ok[i];
    c->late += late && late[i];
}

spie_group_counts spie_region_counts(const spie_batch *b, const spie_territories *terr, const bool *late, size_t r)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        if (spie_region_index(spie_dept_region(terr->items[i].dept)) == r)
            count(&c, b, late, i);
    return c;
}

spie_group_counts spie_wave_counts(const spie_batch *b, const spie_territories *terr, const bool *late, spie_wave w)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        if (terr->items[i].wave == w)
            count(&c, b, late, i);
    return c;
}

spie_group_counts spie_nation_counts(const spie_batch *b, const spie_territories *terr, const bool *late)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        count(&c, b, late, i);
    return c;
}

/* The person-based rows of one group, and its territory counts unless it is a département. */
static spie_rc group_rows(spie_table *t, const spie_group_id *g, const spie_cube *cube, const spie_group_counts *c,
                          const spie_params *params, spie_error *err)
{
    spie_rc rc = spie_indicators_rows(t, g, cube, c->included > 0, params, err);
    if (rc)
        return rc;
    if (g->level != SPIE_LEVEL_DEPARTEMENT &&
        !spie_indicators_territory_counts(t, g, c->expected, c->included, c->included_budget, c->late))
        return spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    return SPIE_OK;
}

/* The rates on the national mix (docs/methodologie.md §12) of every département, région
 * and wave, against the nation's strata: the same groups, and the same availability, as
 * their other person-based rows. */
static spie_rc std_rows(spie_table *t, const spie_batch *b, const spie_territories *terr, const spie_params *params,
                        spie_error *err)
{
    spie_rc rc = SPIE_OK;
    for (size_t i = 0; !rc && i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name};
        rc = spie_std_rows(t, &g, &b->dept[i], &b->nation, b->persons_ok[i], params, err);
    }
    for (size_t r = 0; !rc && r < spie_region_count(); r++) {
        spie_group_counts c = spie_region_counts(b, terr, NULL, r);
        if (!c.expected)
            continue;
        const spie_region *reg = spie_region_at(r);
        spie_group_id g = {SPIE_LEVEL_REGION, reg->code, reg->name};
        rc = spie_std_rows(t, &g, &b->regions[r], &b->nation, c.included > 0, params, err);
    }
    for (int w = 0; !rc && w < SPIE_WAVE_COUNT; w++) {
        spie_group_counts c = spie_wave_counts(b, terr, NULL, (spie_wave)w);
        spie_group_id g = {SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w)};
        rc = spie_std_rows(t, &g, &b->waves[w], &b->nation, c.included > 0, params, err);
    }
    return rc;
}

static spie_rc build(spie_table *t, const spie_batch *b, const spie_plan *plan, const spie_territories *terr,
                     const spie_params *params, const months *mo, spie_error *err)
{
    spie_rc rc;
    for (size_t i = 0; i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name};
        spie_group_counts c = {1, b->persons_ok[i], b->budget_ok[i], mo->late[i]};
        size_t first = t->n;
        if ((rc = group_rows(t, &g, &b->dept[i], &c, params, err)))
            return rc;
        /* A late beneficiaires extract says nothing of the entries of P (§10). */
        spie_month bm = mo->month[i * SPIE_KIND_COUNT + SPIE_KIND_BENEFICIAIRES];
        if (plan && bm != SPIE_NO_MONTH && bm < plan->period && b->persons_ok[i])
            spie_indicators_month_unknown(t, first);
    }
    for (size_t r = 0; r < spie_region_count(); r++) {
        spie_group_counts c = spie_region_counts(b, terr, mo->late, r);
        if (!c.expected)
            continue;
        const spie_region *reg = spie_region_at(r);
        spie_group_id g = {SPIE_LEVEL_REGION, reg->code, reg->name};
        if ((rc = group_rows(t, &g, &b->regions[r], &c, params, err)))
            return rc;
    }
    for (int w = 0; w < SPIE_WAVE_COUNT; w++) {
        spie_group_counts c = spie_wave_counts(b, terr, mo->late, (spie_wave)w);
        spie_group_id g = {SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w)};
        if ((rc = group_rows(t, &g, &b->waves[w], &c, params, err)))
            return rc;
    }
    spie_group_counts c = spie_nation_counts(b, terr, mo->late);
    spie_group_id g = {SPIE_LEVEL_NATIONAL, "FR", "France"};
    if ((rc = group_rows(t, &g, &b->nation, &c, params, err)))
        return rc;
    if ((rc = std_rows(t, b, terr, params, err)))
        return rc;
    if ((rc = spie_budget_rows(t, b, terr, params, plan ? mo->budget : NULL, err)))
        return rc;
    spie_table_sort(t);
    return SPIE_OK;
}

spie_rc spie_figures_build(spie_table *t, const spie_batch *b, const spie_plan *plan, const spie_territories *terr,
                           const spie_params *params, spie_error *err)
{
    months mo = {0};
    spie_rc rc = months_of(&mo, plan, terr) ? build(t, b, plan, terr, params, &mo, err)
                                             : spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    months_free(&mo);
    return rc;
}
