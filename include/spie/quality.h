/* The data-quality report qualite_<P>.csv (docs/sorties.md §5), rendered from the plan and
 * the reading results. */
#ifndef SPIE_QUALITY_H
#define SPIE_QUALITY_H

#include "spie/csvw.h"
#include "spie/extract.h"
#include "spie/plan.h"
#include "spie/previous.h"
#include "spie/reading.h"

/* Writes the whole report; results[i] and continuity[i] belong to plan->entries[i]. The
 * last two columns are lignes_acceptees_precedentes and continuite; a break's reasons are
 * appended to the motif. 0 or an errno. */
int spie_quality_write(const char *path, const spie_plan *plan, const spie_entry_result *results,
                       const spie_continuity *continuity);

#endif
