/* Accumulators of the person-based indicators (docs/methodologie.md §1-§5) for one group of
 * beneficiaries: counts, and day-indexed histograms of completed delays, censoring times
 * and times to a return to activity. Adding two accumulators is exact and
 * order-independent, so a territory's accumulators merge into its region, the nation and
 * its wave without keeping persons, and the result does not depend on threads.
 *
 * Histograms are sized from the data, not from the calendar: each holds the days around
 * its counts (at most two runs of days, rounded out to 64 days: see acc.c), so that
 * memory does not grow with the span from the programme's start to the period. A day is clamped to
 * len - 1 with len = D - programme start + 1, which covers every delay between two
 * accepted dates (all dates of accepted rows lie in [programme start, D]). Counts are 32
 * bits and a histogram turns to 64 bits the first time one of its counts would pass
 * 2^32 - 1 (in practice never: a count is at most the group's persons). */
#ifndef SPIE_ACC_H
#define SPIE_ACC_H

#include "spie/params.h"
#include "spie/persons.h"
#include "spie/strata.h"

/* Counts of days lo .. lo + n - 1: 32-bit counts in c, or, once widened, 64-bit counts in
 * w (one of them is set when n > 0). */
typedef struct spie_hist_run {
    uint32_t *c;
    uint64_t *w;
    uint32_t lo, n;
} spie_hist_run;

/* A histogram: counts by day in at most two runs, run[0] below run[1] (every other day
 * counts 0). A zeroed histogram is empty. */
typedef struct spie_hist {
    spie_hist_run run[2];
} spie_hist;

/* The count of day d. */
uint64_t spie_hist_at(const spie_hist *h, size_t d);

typedef struct spie_delay_acc {
    uint64_t population, completed, censored, inverted;
    uint64_t target_den, target_num;
    spie_hist done; /* completed delays by day (the Kaplan–Meier events) */
    spie_hist cens; /* censoring times by day */
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
    spie_hist inc_events; /* days from entry to the first REPRISE */
    spie_hist inc_cens;
    size_t len;           /* days a histogram may span: D - programme start + 1 */
    size_t n_pairs;       /* delay pairs in use (the parameters') */
    bool oom;             /* a histogram could not grow: the counts are incomplete */
} spie_acc;

/* A cell's histograms as the statistics read them (stats.h): dense from day 0 to len - 1,
 * 64 bits; len is the largest day counted plus one (at least 1). The statistics give the
 * same results for any len beyond the last count. Pairs beyond the accumulator's n_pairs
 * read as empty. */
typedef struct spie_acc_dense {
    size_t len;
    const uint64_t *done[SPIE_MAX_PAIRS];
    const uint64_t *cens[SPIE_MAX_PAIRS];
    const uint64_t *inc_events, *inc_cens;
    uint64_t *block;
} spie_acc_dense;

/* false when memory runs out (then nothing to release). */
bool spie_acc_dense_get(const spie_acc *a, spie_acc_dense *d);
void spie_acc_dense_release(spie_acc_dense *d);

/* The context of the folding: parameters, the reference date, the period. */
typedef struct spie_fold_ctx {
    const spie_params *params;
    spie_month period;
    spie_day last_day;    /* D */
    spie_day first_day;   /* the first day of the period */
    spie_day origin;      /* the programme's first day */
    size_t len;           /* D - origin + 1 */
} spie_fold_ctx;

void spie_fold_ctx_init(spie_fold_ctx *c, const spie_params *params, spie_month period);

/* An empty accumulator (no histogram is allocated before a count needs it). Returns true
 * (memory is taken later, as the data need it: see spie_acc_ok). */
bool spie_acc_init(spie_acc *a, const spie_fold_ctx *c);
void spie_acc_release(spie_acc *a); /* accepts a zeroed or released accumulator */
void spie_acc_reset(spie_acc *a);   /* back to zero, keeps the memory */
/* dst += src (same len). */
void spie_acc_add(spie_acc *dst, const spie_acc *src);
/* Folds one person. */
void spie_acc_fold(spie_acc *a, const spie_fold_ctx *c, const spie_person *p);
/* false when a histogram could not grow since the accumulator's start (memory ran out):
 * its counts are then incomplete and must not be published. */
bool spie_acc_ok(const spie_acc *a);
/* Bytes of histogram counts the accumulator holds. */
size_t spie_acc_bytes(const spie_acc *a);

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
/* spie_cube_fold, less the ensemble cell of a cube with breakdowns: every person has
 * exactly one public, so that cell is the sum of the public cells, which spie_cube_settle
 * sets once every person is in (a fifth fewer cell updates per person). From the cube's
 * init or reset to spie_cube_settle, every person must come this way. */
void spie_cube_fold_deferred(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p);
/* The ensemble cell of a cube filled by spie_cube_fold_deferred: the sum of its public
 * cells (nothing to do for a cube without breakdowns, whose ensemble cell was folded). */
void spie_cube_settle(spie_cube *c);
/* dst += src; a cube without breakdowns takes only the ensemble cell of src (and the
 * strata, which every cube has). */
void spie_cube_add(spie_cube *dst, const spie_cube *src);
/* false when a cell's histogram could not grow (memory ran out): see spie_acc_ok. */
bool spie_cube_ok(const spie_cube *c);
/* Bytes of histogram counts the cube holds (its cells' spie_acc_bytes). */
size_t spie_cube_bytes(const spie_cube *c);

#endif
