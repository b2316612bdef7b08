/* The statistical secret (docs/methodologie.md §7), applied once to the publication table from
 * which the CSV and the workbooks are rendered.
 *
 * Primary: a count of persons 1 <= n < k; a statistic over fewer than k persons; a rate
 * whose denominator is below k or whose numerator or complement is between 1 and k - 1.
 * Secondary: a line is a set of published counts that add up to a published total; when
 * exactly one of its cells, the total included, is masked, the smallest other non-zero
 * cell is masked too (the total when every other cell is 0), and so on until no line has
 * a single masked cell, so that nothing can be recovered by subtraction. The lines: the
 * modalities of a breakdown (public, sexe, age, cohorte) with the ensemble as total, at
 * the national and each regional level; the régions of the nation, breakdown by
 * breakdown; the départements of a région; the départements of a wave; the waves of the
 * nation; the types of the first return (reprise_<S>, total avec_reprise) and of the
 * exits (sortie_<S>, total sorties); a delay pair's termines, censures and incoherents
 * (total population).
 * The figures of a rate on the national mix (taux_reprise_<h>m_attendu, ratio_reprise_<h>m,
 * taux_reprise_<h>m_standardise and their durable kin) have the rate's primary rule (its
 * effectif and numerator), and are masked whenever that rate is masked in the same group.
 * A masked figure loses its value, interval and effectif; any other figure of the same
 * cell whose effectif equals a masked count loses its effectif, and so does a delay's
 * km_mediane (effectif termines + censures) when a count of that delay is masked. Zero stays 0; no total
 * is changed (only statuses are). */
#ifndef SPIE_SECRET_H
#define SPIE_SECRET_H

#include "spie/table.h"
#include "spie/territories.h"

typedef struct spie_secret_counts {
    size_t primary;
    size_t secondary;
    size_t effectifs_hidden;
} spie_secret_counts;

/* t must be sorted (spie_table_sort). terr gives each département's wave (NULL: no
 * wave lines). false when memory runs out (t unchanged then). */
bool spie_secret_apply(spie_table *t, int k, const spie_territories *terr, spie_secret_counts *counts);

#endif
