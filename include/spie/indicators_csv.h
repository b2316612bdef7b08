/* Writing the publication table as indicateurs_<P>.csv (docs/sorties.md §4). */
#ifndef SPIE_INDICATORS_CSV_H
#define SPIE_INDICATORS_CSV_H

#include "spie/csvw.h"
#include "spie/table.h"

/* Writes the table, sorted as it is, to path. 0 or an errno value. */
int spie_table_write_csv(const spie_table *t, const char *path);

/* The six columns that identify a figure (niveau, code, libelle, ventilation, modalite,
 * indicateur), as indicateurs_<P>.csv writes them; evolution_<P>.csv begins the same. */
void spie_csv_figure_identity(spie_csvw *w, const spie_figure *f);

#endif
