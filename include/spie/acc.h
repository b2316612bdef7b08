/* Accumulators of the person-based indicators (docs/methodologie.md §1-§5) for one group of
 * beneficiaries: counts, and day-indexed histograms of completed delays, censoring times
 * and times to a return to activity. Adding two accumulators is exact and
 * order-independent, so a territory's accumulators merge into its region, the nation and
 * its wave without keeping persons, and the result does not depend on threads.
 *
 * Histograms have `len` days: len = D - 2020-01-01 + 1 covers every delay between two
 * accepted dates (all dates of accepted rows lie in [2020-01-01, D]). */
#ifndef SPIE_ACC_H
#define SPIE_ACC_H

#include "spie/params.h"
#include "spie/persons.h"
#include "spie/strata.h"

typedef struct spie_delay_acc {
    uint64_t population, completed, censored, inverted;
    uint64_t target_den, target_num;
    uint64_t *done; /* completed delays by day (the Kaplan–Meier events) */
    uint64_t *cens; /* censoring times by day */
} spie_delay_acc;

typedef struct spie_horizon_acc {
    uint64_t eligible, success, durable_success;
} spie_horizon_acc;

typedef struct spie_acc {
    uint64_t entrants, entrants_month, in_journey;
    uint64_t with_solution, solution[SPIE_SOLUTION_TYPES];
    uint64_t with_return, first_return[SPIE_REPRISE_TYPES];
    uint64_t exits, exit_type[SPIE_SORTIE_TYPES];
    spie_delay_acc delay[SPIE_MAX_PAIRS];
    spie_horizon_acc horizon[SPIE_MAX_HORIZONS];
    uint64_t *inc_events; /* days from entry to the first REPRISE */
    uint64_t *inc_cens;
    size_t len;           /* days in every histogram */
    uint64_t *block;      /* the histograms' storage */
} spie_acc;

/* The context of the folding: parameters, the reference date, the period. */
typedef struct spie_fold_ctx {
    const spie_params *params;
    spie_month period;
    spie_day last_day;    /* D */
    spie_day origin;      /* 2020-01-01 */
    size_t len;           /* D - origin + 1 */
} spie_fold_ctx;

void spie_fold_ctx_init(spie_fold_ctx *c, const spie_params *params, spie_month period);

/* Allocates the histograms (zeroed). false when memory runs out. */
bool spie_acc_init(spie_acc *a, const spie_fold_ctx *c);
void spie_acc_release(spie_acc *a); /* accepts a zeroed or released accumulator */
void spie_acc_reset(spie_acc *a);   /* back to zero, keeps the memory */
/* dst += src (same len). */
void spie_acc_add(spie_acc *dst, const spie_acc *src);
/* Folds one person. */
void spie_acc_fold(spie_acc *a, const spie_fold_ctx *c, const spie_person *p);

/* Breakdowns of docs/methodologie.md §5. */
typedef enum spie_breakdown {
    SPIE_BD_ENSEMBLE = 0,
    SPIE_BD_PUBLIC,
    SPIE_BD_SEXE,
    SPIE_BD_AGE,
    SPIE_BD_COHORTE,
    SPIE_BD_COUNT
} spie_breakdown;
extern const char *const spie_breakdown_names[SPIE_BD_COUNT]; /* "ensemble", "public", ... */

enum { SPIE_AGE_LT26 = 0, SPIE_AGE_26_49, SPIE_AGE_50P, SPIE_AGE_UNKNOWN, SPIE_AGE_COUNT };
extern const char *const spie_age_names[SPIE_AGE_COUNT];  /* "moins_26", "26_49", "50_plus", "inconnu" */
extern const char *const spie_sex_names[SPIE_SEX_COUNT];  /* "F", "M", "inconnu" */

int spie_person_age_band(const spie_person *p);
/* Entry quarter index: 0 = 2020-T1. */
int spie_person_cohort(const spie_person *p);
/* "2021-T3" for a cohort index. */
void spie_cohort_label(int q, char buf[8]);

/* The cells of a group with its breakdowns: ensemble, 4 publics, 3 sexes, 4 age bands,
 * one per entry quarter from 2020-T1 to the period's quarter. */
typedef struct spie_cube {
    size_t n_cohorts;
    size_t n_cells;
    spie_acc *cells;
    bool with_breakdowns; /* false: the ensemble cell only (départements, waves) */
    spie_strata strata;   /* every cube: the public × age strata of the horizons (spie/strata.h) */
} spie_cube;

size_t spie_cube_cell(const spie_cube *c, spie_breakdown b, size_t modality);
size_t spie_cube_modalities(const spie_cube *c, spie_breakdown b);
bool spie_cube_init(spie_cube *c, const spie_fold_ctx *ctx, bool with_breakdowns);
void spie_cube_release(spie_cube *c);
void spie_cube_reset(spie_cube *c);
/* Folds a person into every cell it belongs to, and into the strata. */
void spie_cube_fold(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p);
/* dst += src; a cube without breakdowns takes only the ensemble cell of src (and the
 * strata, which every cube has). */
void spie_cube_add(spie_cube *dst, const spie_cube *src);

#endif
