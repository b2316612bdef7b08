/* The per-territory stage of a batch, in parallel: each worker takes the next territory
 * of the plan, reads its files (reading.h), writes its rejects as one gzip member, folds
 * its persons into a cube with breakdowns, and adds that cube into the shared cubes of
 * its département, region, wave and the nation under a lock. Integer accumulators add
 * exactly in any order, so the result is the same for every number of workers.
 *
 * Memory: one territory's persons per worker, plus the group cubes (their size depends
 * on the number of groups and days, not on the number of persons). */
#ifndef SPIE_BATCH_H
#define SPIE_BATCH_H

#include <signal.h>

#include "spie/acc.h"
#include "spie/error.h"
#include "spie/manifest.h"
#include "spie/reading.h"
#include "spie/territories.h"

/* Called once per territory (or NAT) when its files are read, from a worker thread,
 * under the batch's lock (so calls never overlap). first is the first plan entry of the
 * group, count its entries. */
typedef void (*spie_batch_log_fn)(void *ctx, const spie_plan *plan, size_t first, size_t count,
                                  const spie_entry_result *results, double seconds);

/* Where the rejected rows go. The batch opens one handle per group of plan entries (a
 * territory, or NAT; group g is the g-th in plan order), from the worker that reads it,
 * passes it every reject of the group in line order, then closes it. Handles of two
 * groups may be open at once in two threads. */
typedef struct spie_rejects_sink {
    void *(*open_group)(void *ctx, size_t group); /* NULL with errno set on failure */
    spie_reject_fn row;                           /* row(handle, reject) */
    int (*close_group)(void *ctx, void *handle);  /* 0 or an errno value */
    void *ctx;
} spie_rejects_sink;

/* The number of groups of the plan (territories, plus NAT when it has an entry). */
size_t spie_plan_group_count(const spie_plan *plan);

typedef struct spie_batch_cfg {
    const char *inbox;
    const spie_plan *plan;
    const spie_territories *terr;
    const spie_params *params;
    spie_rejects_sink rejects; /* where each group's rejected rows go (the caller's) */
    int jobs;                 /* worker threads, >= 1 */
    bool fold;                /* compute the accumulators (spie run), not only read (spie check) */
    spie_batch_log_fn log;
    void *log_ctx;
    const volatile sig_atomic_t *cancel; /* optional: non-zero asks the workers to stop */
    spie_input_hash *hashes;  /* optional, one per plan entry: SHA-256 of each selected file,
                                 of the bytes the worker read (spie_input_hashes_of_reading) */
} spie_batch_cfg;

typedef struct spie_batch {
    spie_fold_ctx fold;
    spie_entry_result *results; /* per plan entry */
    /* per territory, in the order of terr->items */
    spie_cube *dept;
    bool *persons_ok;
    bool *budget_ok;
    spie_budget *budgets;
    /* NAT */
    bool nat_ok;
    spie_budget nat_budget;
    /* aggregates */
    spie_cube nation;
    spie_cube *regions;        /* per region index of geo.h */
    spie_cube waves[SPIE_WAVE_COUNT];
    uint64_t bytes_in, bytes_out, rows_read;
} spie_batch;

/* Runs the stage. On failure the batch is released and err says why: SPIE_E_MEMORY,
 * SPIE_E_OUTPUT (the rejects could not be written; err has no file: the caller's sink
 * knows it), SPIE_E_CANCELLED (*cfg->cancel was set: the workers stopped between two
 * reads of a file or two territories), SPIE_E_INTERNAL (no thread could start). */
spie_rc spie_batch_run(const spie_batch_cfg *cfg, spie_batch *out, spie_error *err);
void spie_batch_release(spie_batch *b, const spie_batch_cfg *cfg);

#endif
