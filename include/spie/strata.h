/* The stratum counts of the rates on the national mix (docs/methodologie.md §12): for
 * every horizon of the return-to-activity rates (§2), the eligible persons, the successes
 * and the durable successes of each stratum public × age band at entry (4 × 4 = 16
 * strata, age band `inconnu` included, as the `public` and `age` breakdowns define them).
 *
 * Every cube (spie/acc.h) holds one, folded once per person from the same eligibility and
 * success tests as the cube's horizon counters, so that the strata of a group add up to
 * its ensemble counters. Integer counters: adding two is exact and order-independent,
 * like the rest of the accumulators. Nothing here allocates or prints. */
#ifndef SPIE_STRATA_H
#define SPIE_STRATA_H

#include "spie/params.h"
#include "spie/persons.h"

/* Age bands as spie/acc.h numbers them (SPIE_AGE_COUNT there: moins_26, 26_49, 50_plus,
 * inconnu); engine/fold/strata.c checks that the two agree. */
#define SPIE_STRATA_AGES 4
#define SPIE_STRATA (SPIE_PUBLIC_COUNT * SPIE_STRATA_AGES)

/* Counters by [horizon index of params->horizons][stratum]. */
typedef struct spie_strata {
    uint64_t eligible[SPIE_MAX_HORIZONS][SPIE_STRATA];
    uint64_t success[SPIE_MAX_HORIZONS][SPIE_STRATA]; /* first REPRISE by add_months(E, h) */
    uint64_t durable[SPIE_MAX_HORIZONS][SPIE_STRATA]; /* first durable REPRISE by then */
} spie_strata;

/* The stratum of a public and an age band: public * SPIE_STRATA_AGES + age. */
static inline size_t spie_stratum(unsigned public_, unsigned age_band)
{
    return (size_t)public_ * SPIE_STRATA_AGES + age_band;
}

struct spie_fold_ctx;
/* Folds one person into s: its stratum is its public and age_band, its age band at entry
 * (spie_person_age_band; -1: computed here); horizon_end[i] is add_months(E, horizons[i])
 * for every horizon of c's parameters (NULL: computed here). The fold of a cube passes
 * what it has already computed. A person whose public or age band is out of range is
 * not folded (the reader never makes one). */
void spie_strata_fold(spie_strata *s, const struct spie_fold_ctx *c, const spie_person *p, int age_band,
                      const spie_day *horizon_end);
/* dst += src. */
void spie_strata_add(spie_strata *dst, const spie_strata *src);
void spie_strata_reset(spie_strata *s);

#endif
