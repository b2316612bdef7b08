/* The figures of every group of a batch (docs/methodologie.md §5, §9): each territory's
 * département, each région with a programme territory, each wave, the nation, their
 * territory counts and the budget, into one sorted publication table. The accumulators
 * were merged by the batch (include/spie/batch.h); this stage only reads them, so it can
 * be tested on a hand-built batch. */
#ifndef SPIE_AGGREGATE_H
#define SPIE_AGGREGATE_H

#include "spie/batch.h"
#include "spie/error.h"
#include "spie/plan.h"
#include "spie/table.h"

/* The territory counts of one group (docs/methodologie.md §9, §10). */
typedef struct spie_group_counts {
    uint64_t expected;        /* territories of the group in the table */
    uint64_t included;        /* with usable beneficiaires and etapes */
    uint64_t included_budget; /* with a usable budget */
    uint64_t late;            /* with at least one extract of a month before P */
} spie_group_counts;

/* The counts of région r (index of spie_region_at), of wave w, of the nation. late: per
 * territory of terr, whether it is late (NULL: none is). */
spie_group_counts spie_region_counts(const spie_batch *b, const spie_territories *terr, const bool *late, size_t r);
spie_group_counts spie_wave_counts(const spie_batch *b, const spie_territories *terr, const bool *late, spie_wave w);
spie_group_counts spie_nation_counts(const spie_batch *b, const spie_territories *terr, const bool *late);

/* Every figure of every group into t (appended), then sorts t. The plan gives the month of
 * each territory's extracts: a late territory's figures of the months its extracts do not
 * cover are nd, and the groups count their late territories (docs/methodologie.md §10);
 * plan NULL: no territory is late. SPIE_OK, SPIE_E_MEMORY, or SPIE_E_INTERNAL when a
 * statistic failed (err says which). */
spie_rc spie_figures_build(spie_table *t, const spie_batch *b, const spie_plan *plan, const spie_territories *terr,
                           const spie_params *params, spie_error *err);

#endif
