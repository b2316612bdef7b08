/* From accumulators to publication rows: every person-based indicator of
 * docs/methodologie.md §1-§5 for one group (national, a region, a département, a wave), with the
 * names, values, intervals, `effectif` and status of docs/sorties.md §4 and the edge cases of
 * docs/methodologie.md §9. */
#ifndef SPIE_INDICATORS_H
#define SPIE_INDICATORS_H

#include "spie/acc.h"
#include "spie/error.h"
#include "spie/table.h"

typedef struct spie_group_id {
    spie_level level;
    const char *code;    /* "FR", "76", "31", "AMI1" */
    const char *libelle; /* static */
} spie_group_id;

/* Rows of a group. available = false: the group has no included territory (or, for a
 * département, its extracts are not usable): the ensemble rows are nd with an empty
 * effectif and no breakdown row is written. SPIE_OK, SPIE_E_MEMORY, or SPIE_E_INTERNAL
 * when a statistic failed in a way that is a bug (*err says which). */
spie_rc spie_indicators_rows(spie_table *t, const spie_group_id *g, const spie_cube *cube, bool available,
                             const spie_params *params, spie_error *err);

/* The counts of territories of a region, wave or the nation; late: those with at least one
 * extract of a month before P (docs/methodologie.md §10). */
bool spie_indicators_territory_counts(spie_table *t, const spie_group_id *g, uint64_t expected,
                                      uint64_t included, uint64_t included_budget, uint64_t late);

/* A département whose beneficiaires extract is late (docs/methodologie.md §10): its
 * entrants_mois, among the rows t->rows[first ..], becomes nd with an empty effectif (its
 * extract says nothing of the month P). false when there is no such row. */
bool spie_indicators_month_unknown(spie_table *t, size_t first);

#endif
