/* The figures of every group (include/spie/aggregate.h): which territories each group
 * counts, and the rows of départements, régions, waves and the nation, in that order,
 * then sorted. It reads the batch's merged accumulators and never reads a file. */
#include "spie/aggregate.h"

#include "spie/budget_ind.h"
#include "spie/geo.h"
#include "spie/indicators.h"
#include "spie/standardise.h"

static void count(spie_group_counts *c, const spie_batch *b, size_t i)
{
    c->expected++;
    c->included += b->persons_ok[i];
    c->included_budget += b->budget_ok[i];
}

spie_group_counts spie_region_counts(const spie_batch *b, const spie_territories *terr, size_t r)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        if (spie_region_index(spie_dept_region(terr->items[i].dept)) == r)
            count(&c, b, i);
    return c;
}

spie_group_counts spie_wave_counts(const spie_batch *b, const spie_territories *terr, spie_wave w)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        if (terr->items[i].wave == w)
            count(&c, b, i);
    return c;
}

spie_group_counts spie_nation_counts(const spie_batch *b, const spie_territories *terr)
{
    spie_group_counts c = {0};
    for (size_t i = 0; i < terr->count; i++)
        count(&c, b, i);
    return c;
}

/* The person-based rows of one group, and its territory counts unless it is a département. */
static spie_rc group_rows(spie_table *t, const spie_group_id *g, const spie_cube *cube, const spie_group_counts *c,
                          const spie_params *params, spie_error *err)
{
    char msg[512] = "";
    bool available = c->included > 0;
    if (!spie_indicators_rows(t, g, cube, available, params, msg, sizeof msg))
        return msg[0] ? spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "%s", msg)
                      : spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    if (g->level != SPIE_LEVEL_DEPARTEMENT &&
        !spie_indicators_territory_counts(t, g, c->expected, c->included, c->included_budget))
        return spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    return SPIE_OK;
}

/* The rates on the national mix (docs/methodologie.md §12) of every département, région
 * and wave, against the nation's strata: the same groups, and the same availability, as
 * their other person-based rows. */
static spie_rc std_rows(spie_table *t, const spie_batch *b, const spie_territories *terr, const spie_params *params,
                        spie_error *err)
{
    char msg[512] = "";
    bool ok = true;
    for (size_t i = 0; ok && i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name};
        ok = spie_std_rows(t, &g, &b->dept[i], &b->nation, b->persons_ok[i], params, msg, sizeof msg);
    }
    for (size_t r = 0; ok && r < spie_region_count(); r++) {
        spie_group_counts c = spie_region_counts(b, terr, r);
        if (!c.expected)
            continue;
        const spie_region *reg = spie_region_at(r);
        spie_group_id g = {SPIE_LEVEL_REGION, reg->code, reg->name};
        ok = spie_std_rows(t, &g, &b->regions[r], &b->nation, c.included > 0, params, msg, sizeof msg);
    }
    for (int w = 0; ok && w < SPIE_WAVE_COUNT; w++) {
        spie_group_counts c = spie_wave_counts(b, terr, (spie_wave)w);
        spie_group_id g = {SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w)};
        ok = spie_std_rows(t, &g, &b->waves[w], &b->nation, c.included > 0, params, msg, sizeof msg);
    }
    if (ok)
        return SPIE_OK;
    return msg[0] ? spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "%s", msg)
                  : spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
}

spie_rc spie_figures_build(spie_table *t, const spie_batch *b, const spie_territories *terr,
                           const spie_params *params, spie_error *err)
{
    spie_rc rc;
    for (size_t i = 0; i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_group_id g = {SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name};
        spie_group_counts c = {1, b->persons_ok[i], b->budget_ok[i]};
        if ((rc = group_rows(t, &g, &b->dept[i], &c, params, err)))
            return rc;
    }
    for (size_t r = 0; r < spie_region_count(); r++) {
        spie_group_counts c = spie_region_counts(b, terr, r);
        if (!c.expected)
            continue;
        const spie_region *reg = spie_region_at(r);
        spie_group_id g = {SPIE_LEVEL_REGION, reg->code, reg->name};
        if ((rc = group_rows(t, &g, &b->regions[r], &c, params, err)))
            return rc;
    }
    for (int w = 0; w < SPIE_WAVE_COUNT; w++) {
        spie_group_counts c = spie_wave_counts(b, terr, (spie_wave)w);
        spie_group_id g = {SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w)};
        if ((rc = group_rows(t, &g, &b->waves[w], &c, params, err)))
            return rc;
    }
    spie_group_counts c = spie_nation_counts(b, terr);
    spie_group_id g = {SPIE_LEVEL_NATIONAL, "FR", "France"};
    if ((rc = group_rows(t, &g, &b->nation, &c, params, err)))
        return rc;
    if ((rc = std_rows(t, b, terr, params, err)))
        return rc;
    char msg[512] = "";
    if (!spie_budget_rows(t, b, terr, params, msg, sizeof msg))
        return msg[0] ? spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "%s", msg)
                      : spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    spie_table_sort(t);
    return SPIE_OK;
}
