/* Budget indicators against the envelope (docs/methodologie.md §6, §9): exact int64-cent sums of
 * the territories' State lines per territory, region, wave and nation, co-financing per
 * financer, the NAT lines apart, the envelope's shares and series, the least-squares
 * projection to the end of the window, and the unit costs. */
#ifndef SPIE_BUDGET_IND_H
#define SPIE_BUDGET_IND_H

#include "spie/batch.h"
#include "spie/error.h"
#include "spie/table.h"

/* Adds every budget row of every group to t. budget_month (NULL: none) gives, per
 * territory of terr, the month of its budget extract (SPIE_NO_MONTH when it has none): a
 * month before P makes its paye_etat_mois_<M> and paye_etat_cumul_<M> nd for every M after
 * it (docs/methodologie.md §10); aggregates keep their sums. SPIE_OK, SPIE_E_MEMORY, or
 * SPIE_E_INTERNAL when a statistic failed (*err says which). */
spie_rc spie_budget_rows(spie_table *t, const spie_batch *b, const spie_territories *terr,
                         const spie_params *params, const spie_month *budget_month, spie_error *err);

#endif
