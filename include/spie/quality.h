/* The data-quality report qualite_<P>.csv (outputs.md §5) and the rejects file
 * rejets_<P>.csv.gz, rendered from the plan and the reading results. */
#ifndef SPIE_QUALITY_H
#define SPIE_QUALITY_H

#include "spie/csvw.h"
#include "spie/extract.h"
#include "spie/plan.h"
#include "spie/reading.h"

/* Writes the whole report; results[i] belongs to plan->entries[i]. 0 or an errno. */
int spie_quality_write(const char *path, const spie_plan *plan, const spie_entry_result *results);

/* The rejects file: the header row, then one row per reject (usable as a spie_reject_fn
 * with the spie_csvw as context). */
int spie_rejects_header(spie_csvw *w);
int spie_rejects_row(void *csvw, const spie_reject *r);

/* French status words of the report. */
const char *spie_entry_status_word(spie_entry_status st); /* "ok", "inutilisable", "manquant" */

#endif
