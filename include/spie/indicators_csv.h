/* Writing the publication table as indicateurs_<P>.csv (docs/sorties.md §4). */
#ifndef SPIE_INDICATORS_CSV_H
#define SPIE_INDICATORS_CSV_H

#include "spie/table.h"

/* Writes the table, sorted as it is, to path. 0 or an errno value. */
int spie_table_write_csv(const spie_table *t, const char *path);

#endif
