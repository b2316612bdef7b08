/* The statistical secret (indicators.md §7), applied once to the publication table from
 * which the CSV and the workbooks are rendered.
 *
 * Primary: a count of persons 1 <= n < k; a statistic over fewer than k persons; a rate
 * whose denominator is below k or whose numerator or complement is between 1 and k - 1.
 * Secondary: in every line of cells that adds up to a published total, when exactly one
 * cell is masked, the smallest other non-zero cell is masked too; repeated until no line
 * has a single masked cell. The lines: the modalities of a breakdown (public, sexe, age,
 * cohorte) of a count, with the ensemble as total; the départements of a région, the
 * régions of the nation and the waves of the nation; the types of the first return (reprise_<S>, total avec_reprise)
 * and of the exits (sortie_<S>, total sorties); a delay pair's termines, censures and
 * incoherents (total population).
 * A masked figure loses its value, interval and effectif; any other figure of the same
 * cell whose effectif equals a masked count loses its effectif. Zero stays 0; no total
 * is changed (only statuses are). */
#ifndef SPIE_SECRET_H
#define SPIE_SECRET_H

#include "spie/table.h"

typedef struct spie_secret_counts {
    size_t primary;
    size_t secondary;
    size_t effectifs_hidden;
} spie_secret_counts;

/* t must be sorted (spie_table_sort). false when memory runs out (t unchanged then). */
bool spie_secret_apply(spie_table *t, int k, spie_secret_counts *counts);

#endif
