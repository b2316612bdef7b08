/* Return rates on the national mix (docs/methodologie.md §12): indirect standardisation of
 * the return-to-activity rates of §2 on the strata public × age band at entry.
 *
 * For a horizon h and a kind (any return, durable return), with the national stratum
 * rates p_s = x_s / n_s over every included territory (a stratum without a national
 * eligible person has no rate and no weight), a group of n eligible persons, O successes
 * and n_s eligible persons in stratum s has:
 *   - expected successes E = sum_s n_s * p_s, and the expected rate E / n
 *     (taux_reprise_<h>m_attendu; nd when n = 0);
 *   - the ratio O / E with the exact Poisson interval (ratio_reprise_<h>m; nd when n = 0
 *     or E = 0): lower qchisq(alpha/2, 2 O) / (2 E) (0 when O = 0), upper
 *     qchisq(1 - alpha/2, 2 O + 2) / (2 E), as R's poisson.test(O, E);
 *   - the standardised rate: the ratio and its bounds times the national rate X / N
 *     (taux_reprise_<h>m_standardise; nd as the ratio);
 * and the same three for the durable return. Rows at the ensemble of départements,
 * régions and waves only; nd with an empty effectif for a group that is not available.
 *
 * Nothing here prints or reads the environment; every function is thread-safe. */
#ifndef SPIE_STANDARDISE_H
#define SPIE_STANDARDISE_H

#include "spie/acc.h"
#include "spie/error.h"
#include "spie/indicators.h"
#include "spie/stats.h"
#include "spie/strata.h"
#include "spie/table.h"

/* The exact Poisson interval of the ratio O / E at confidence level `level`:
 * lower = qgamma(alpha/2; O) / E (0 when O = 0), upper = qgamma(1 - alpha/2; O + 1) / E,
 * where qgamma(p; a) = qchisq(p, 2a) / 2 is the p-quantile of the gamma law of shape a.
 * The quantiles are the roots of the Poisson tail equations P(N >= O | lambda) = alpha/2
 * and P(N <= O | lambda) = alpha/2 (N Poisson of mean lambda), found by Brent's method on
 * tails summed here (see standardise.c for why not gsl_cdf_chisq_Pinv).
 * SPIE_STAT_E_ARG when E is not a finite positive number or level is not in (0, 1);
 * SPIE_STAT_E_NUMERIC / SPIE_STAT_E_MEMORY from the root search. */
spie_stat_status spie_poisson_ratio_interval(uint64_t o, double e, double level, spie_interval *out);

/* The three figures of one horizon and kind for one group. */
typedef struct spie_std {
    uint64_t n;                  /* eligible persons of the group */
    uint64_t o;                  /* observed successes */
    double expected;             /* E */
    spie_stat_status expected_st; /* SPIE_STAT_OK, or SPIE_STAT_NA when n = 0 */
    double expected_rate;        /* E / n */
    spie_stat_status ratio_st;   /* SPIE_STAT_OK, or SPIE_STAT_NA when n = 0 or E = 0 */
    double ratio;                /* O / E */
    spie_interval ratio_ci;
    spie_stat_status std_st;     /* as ratio_st */
    double national_rate;        /* X / N (0 when N = 0) */
    double std_rate;             /* ratio * X / N */
    spie_interval std_ci;        /* the ratio's bounds * X / N */
} spie_std;

/* The figures of a group whose strata hold group_n[s] eligible and group_x[s] successes,
 * against national strata nat_n[s], nat_x[s] (s = 0 .. SPIE_STRATA - 1). Returns
 * SPIE_STAT_OK (the statuses of *out say which figures are available), SPIE_STAT_E_ARG
 * (a count of successes above its eligible, a level outside (0, 1)),
 * SPIE_STAT_E_OVERFLOW (the counts do not add up in uint64), or an error of the interval. */
spie_stat_status spie_std_compute(const uint64_t group_n[SPIE_STRATA], const uint64_t group_x[SPIE_STRATA],
                                  const uint64_t nat_n[SPIE_STRATA], const uint64_t nat_x[SPIE_STRATA],
                                  double level, spie_std *out);

/* The rows of a group (departement, region or vague; ensemble) into t, for every horizon
 * of params: the three figures of the return rate and of the durable return rate, with
 * the identities of the catalogue, effectif n and num O (the secret's rate rule).
 * available = false: every row nd with an empty effectif. The strata must add up to the
 * horizon counters of the ensemble cell, the group's and the nation's: when they do not,
 * or a statistic fails, SPIE_E_INTERNAL with *err saying which; SPIE_E_MEMORY when memory
 * runs out. */
spie_rc spie_std_rows(spie_table *t, const spie_group_id *g, const spie_cube *group, const spie_cube *nation,
                      bool available, const spie_params *params, spie_error *err);

/* For a figure of a rate on the national mix, the rate it belongs to (taux_reprise_<h>m
 * or taux_reprise_durable_<h>m, same horizon): true with *rate; false for any other
 * identity. The secret masks such a figure whenever its rate is masked. */
bool spie_std_rate_of(spie_ind_id id, spie_ind_id *rate);

#endif
