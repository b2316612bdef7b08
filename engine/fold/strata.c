/* The stratum counts of the rates on the national mix (include/spie/strata.h): a person's
 * stratum, its eligibility and successes at every horizon (docs/methodologie.md §2, the
 * tests of engine/fold/acc.c's horizon counters), and the exact sums.
 *
 * It may not allocate, print or compute a rate (engine/figures/standardise.c does). */
#include "spie/strata.h"

#include <string.h>

#include "spie/acc.h"
#include "spie/date.h"

_Static_assert(SPIE_STRATA_AGES == SPIE_AGE_COUNT, "the strata's age bands are the age breakdown's");

void spie_strata_fold(spie_strata *s, const struct spie_fold_ctx *c, const spie_person *p, int age_band,
                      const spie_day *horizon_end)
{
    int age = age_band < 0 ? spie_person_age_band(p) : age_band;
    if (p->public_ >= SPIE_PUBLIC_COUNT || age < 0 || age >= SPIE_STRATA_AGES)
        return;
    size_t st = spie_stratum(p->public_, (unsigned)age);
    spie_day rep = p->first[SPIE_STEP_REPRISE];
    for (size_t i = 0; i < c->params->n_horizons; i++) {
        spie_day lim = horizon_end ? horizon_end[i] : spie_add_months(p->entry, c->params->horizons[i]);
        if (lim == SPIE_NO_DAY || lim > c->last_day)
            continue;
        s->eligible[i][st]++;
        if (rep != SPIE_NO_DAY && rep <= lim)
            s->success[i][st]++;
        if (p->first_durable != SPIE_NO_DAY && p->first_durable <= lim)
            s->durable[i][st]++;
    }
}

void spie_strata_add(spie_strata *dst, const spie_strata *src)
{
    for (size_t i = 0; i < SPIE_MAX_HORIZONS; i++)
        for (size_t st = 0; st < SPIE_STRATA; st++) {
            dst->eligible[i][st] += src->eligible[i][st];
            dst->success[i][st] += src->success[i][st];
            dst->durable[i][st] += src->durable[i][st];
        }
}

void spie_strata_reset(spie_strata *s)
{
    memset(s, 0, sizeof *s);
}
