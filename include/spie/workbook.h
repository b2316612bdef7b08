/* The workbooks (docs/sorties.md §6, docs/classeurs.md): SPIE_<P>_national.xlsx and one
 * SPIE_<P>_R<code>_<slug>.xlsx per region with at least one programme territory, in
 * French, rendered with libxlsxwriter from the same publication table as
 * indicateurs_<P>.csv (so every figure is the same), plus the quality results and the
 * parameters: a Sommaire with links to every numbered table, late and missing territories
 * marked from the plan's months and the reading results, A4 pages with their headers. */
#ifndef SPIE_WORKBOOK_H
#define SPIE_WORKBOOK_H

#include "spie/evolution.h"
#include "spie/params.h"
#include "spie/plan.h"
#include "spie/reading.h"
#include "spie/table.h"
#include "spie/territories.h"

typedef struct spie_input_digest {
    const char *name;   /* path relative to the inbox */
    const char *sha256; /* 64 lower-case hex digits */
} spie_input_digest;

typedef struct spie_workbook_input {
    const spie_table *table;          /* sorted, marked by the secret */
    const spie_plan *plan;
    const spie_entry_result *results; /* one per plan entry */
    const spie_territories *terr;
    const spie_params *params;        /* params->secret says whether the secret was applied */
    const char *engine_version;
    const spie_input_digest *inputs;  /* may be NULL */
    size_t n_inputs;
    /* The previous publication (docs/methodologie.md §11), for the workbooks to show, for
     * key figures, the previous value, its period and the change, and, on the quality
     * sheet, the previous accepted rows and the continuity of each territory and kind.
     * previous_period: "YYYY-MM" of the publication compared with, NULL when there is
     * none (then changes is NULL). changes: NULL, or one per table row (changes[i] is
     * the change of table->rows[i]; changes[i].present when the figure is `ok` on both
     * sides: exactly the rows of evolution_<P>.csv). continuity: NULL, or one per plan
     * entry (continuity[i] for plan->entries[i]: status ok / rupture / sans_reference,
     * the previous accepted rows, the reasons of a break). */
    const char *previous_period;
    const spie_change *changes;
    const spie_continuity *continuity;
    /* A share of the workbooks, for writers working side by side: the k-th workbook (the
     * national one is 0, then the régions with a territory in code order) is written when
     * first <= k < end. end 0: every workbook. */
    size_t first, end;
} spie_workbook_input;

/* How many workbooks there are: the national one and one per région with a territory. */
size_t spie_workbooks_count(const spie_territories *terr);

/* Writes the workbooks (all of them, or the share [in->first, in->end)) into dir. 0, or
 * an errno value with msg naming the file. */
int spie_workbooks_write(const char *dir, const spie_workbook_input *in, char *msg, size_t msg_size);

#endif
