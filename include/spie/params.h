/* Parameters of the methodology (docs/methodologie.md §0) with their defaults. The
 * configuration file (when given) overrides them; every value in force is echoed in the
 * outputs. */
#ifndef SPIE_PARAMS_H
#define SPIE_PARAMS_H

#include "spie/common.h"

/* End points of a delay pair: ENTREE, the steps of persons.h (SORTIE excluded), and
 * REPRISE_DURABLE. */
typedef enum spie_endpoint {
    SPIE_EP_ENTREE = 0,
    SPIE_EP_ORIENTATION,
    SPIE_EP_DIAGNOSTIC,
    SPIE_EP_CONTRAT,
    SPIE_EP_SOLUTION,
    SPIE_EP_REPRISE,
    SPIE_EP_SUIVI,
    SPIE_EP_REPRISE_DURABLE,
    SPIE_EP_COUNT
} spie_endpoint;
extern const char *const spie_endpoint_codes[SPIE_EP_COUNT];

/* The periods a batch may be run for, and the months an envelope window may span: from
 * the programme's first month to the end of the century (docs/sorties.md §1). A period
 * outside is a usage error: a typo such as 9999-12 must not make the accumulators of
 * eight thousand years. Months as spie_month (year * 12 + month - 1). */
#define SPIE_PERIOD_MIN (2020 * 12 + 0)  /* 2020-01 */
#define SPIE_PERIOD_MAX (2099 * 12 + 11) /* 2099-12 */

#define SPIE_MAX_PAIRS 16
#define SPIE_MAX_HORIZONS 8

typedef struct spie_pair {
    char code[24];   /* "D_ORIENT" (upper case; indicator names use it in lower case) */
    spie_endpoint from, to;
    int target;      /* days */
} spie_pair;

typedef struct spie_params {
    spie_cents envelope;        /* V: 80 000 000,00 € */
    spie_month window_start;    /* 2021-01 */
    spie_month window_end;      /* 2023-12 */
    int horizons[SPIE_MAX_HORIZONS]; /* 3, 6, 12 months */
    size_t n_horizons;
    spie_pair pairs[SPIE_MAX_PAIRS];
    size_t n_pairs;
    double level;               /* confidence level, 0.95 */
    bool clopper_pearson;       /* exact intervals instead of Wilson */
    int secret_k;               /* statistical-secret threshold, 5 */
    bool secret;                /* apply the secret (false only with --no-secret) */
    int projection_months;      /* K, 12 */
    double reject_alert_rate;   /* share of rejected rows above which the exit status is 1 */
    double continuity_max_drop; /* [continuite] baisse_max: the share of accepted rows an extract
                                   may lose against the previous publication (0.01) before it is a
                                   continuity break (docs/methodologie.md §11) */
} spie_params;

void spie_params_default(spie_params *p);

#endif
