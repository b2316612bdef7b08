/* The batch as one library call (docs/sorties.md §1, §2): spie_run plans the inbox,
 * reads and validates every selected extract in parallel, folds the persons, builds the
 * figures of every group, applies the statistical secret, renders the quality report,
 * the rejects, the indicators CSV, the change since the previous publication
 * (docs/methodologie.md §11) and the workbooks, writes the manifest and publishes
 * the period's folder atomically. spie check is the same call with compute = false (the
 * quality report and the rejects only).
 *
 * It prints nothing: what a person should see while it runs goes through the observer's
 * callbacks, and the outcome comes back in a spie_run_report. The command line (cli/)
 * and spie verify --recompute are its two callers. */
#ifndef SPIE_RUN_H
#define SPIE_RUN_H

#include "spie/batch.h"
#include "spie/error.h"
#include "spie/params.h"
#include "spie/plan.h"
#include "spie/previous.h"
#include "spie/secret.h"

/* What a caller may want to say while the batch runs. Every callback is optional and is
 * called from the calling thread, except territory_done (a worker, under the batch's lock:
 * calls never overlap). */
typedef struct spie_run_observer {
    void *ctx;
    /* The plan is made: the inbox entries set aside (plan->others) can be named. */
    void (*planned)(void *ctx, const spie_plan *plan);
    /* One territory (or NAT) read: see spie_batch_log_fn. */
    spie_batch_log_fn territory_done;
    /* A data problem found after the reading (an input that changed or could not be read
     * again for its SHA-256): makes the run end with data errors. */
    void (*data_error)(void *ctx, const spie_error *e);
    /* The previous publication was looked for (docs/methodologie.md §11), under the
     * output folder's lock, before the reading: prev->found says whether one is used
     * (prev->period_s), prev->skips the newer candidates not used and why. */
    void (*previous)(void *ctx, const spie_previous *prev);
    /* A continuity break of plan entry i against the previous publication prev: makes
     * the run end with data errors. */
    void (*continuity_break)(void *ctx, const spie_plan *plan, size_t i, const spie_continuity *c,
                             const spie_previous *prev);
} spie_run_observer;

/* For tests only: the production command line never sets them (see cli/hooks.c). */
typedef struct spie_run_hooks {
    /* Called when the n-th file of the staging folder is complete (the rejects, the
     * quality report, the indicators, the manifest). */
    void (*file_done)(void *ctx, unsigned n);
    void *ctx;
    /* The second workbook writer (with jobs >= 2) writes where it cannot. */
    bool workbook_writer_fails;
    /* Sees each rejected row before it is written, in the worker reading its file (so
     * while that file is open). */
    void (*reject)(void *ctx, const spie_reject *r);
} spie_run_hooks;

typedef struct spie_run_opts {
    bool compute;                 /* spie run (true) or spie check (false) */
    spie_month period;
    const char *inbox;
    const char *out;              /* the period's folder is out/<YYYY-MM> */
    const char *territories_path; /* NULL: the built-in table */
    const spie_params *params;    /* in force: defaults, configuration, --no-secret */
    int jobs;                     /* >= 1 */
    spie_run_observer observer;
    /* Optional: when it becomes non-zero (a signal handler sets it), the batch stops at
     * the next territory or stage, removes its staging folder and returns
     * SPIE_E_CANCELLED; the previous publication is left as it was. */
    const volatile sig_atomic_t *cancel;
    const spie_run_hooks *hooks;  /* NULL in production */
    /* Where the previous publication is looked for (docs/methodologie.md §11): NULL means
     * out (the batch); spie verify --recompute names the verified folder's parent, since
     * it publishes in a temporary folder. previous_pin NULL: the latest period folder
     * Q < P that verifies; otherwise as the pin says (none, or exactly Q with its
     * manifest's SHA-256, as the manifest being verified records). */
    const char *previous_dir;
    const spie_previous_pin *previous_pin;
} spie_run_opts;

typedef struct spie_run_report {
    bool data_errors;            /* done, with data errors (exit status 1) */
    bool secret_applied;
    spie_secret_counts secret;   /* when secret_applied */
    uint64_t bytes_in, rows_read;
    /* The previous publication (docs/methodologie.md §11). */
    bool previous_found;
    char previous_period[8];     /* "YYYY-MM" when found */
    bool previous_pin_failed;    /* previous_pin EXACT, and that publication could not be used */
    char previous_pin_why[400];  /* why (French), when previous_pin_failed */
    size_t continuity_breaks;    /* plan entries whose continuity is broken */
    bool evolution_written;      /* evolution_<P>.csv is among the outputs */
} spie_run_report;

/* The data problems of one plan entry that make a batch end with status 1
 * (docs/sorties.md §1): a territory's file missing (a missing NAT file is not one), late,
 * unusable, or with a share of rejected rows above the alert rate. */
typedef struct spie_entry_problems {
    bool missing, late, unusable, over_alert;
    double reject_share; /* rejected / read (0 when nothing was read) */
} spie_entry_problems;
spie_entry_problems spie_entry_problems_of(const spie_plan_entry *e, const spie_entry_result *r,
                                           const spie_params *params);

/* Runs the batch. SPIE_OK when the folder is published (report->data_errors says whether
 * the data had errors); otherwise nothing new is published, the previous folder is intact
 * and err says why: SPIE_E_USAGE or SPIE_E_INPUT before anything was written (the
 * territories table, the inbox), SPIE_E_OUTPUT, SPIE_E_MEMORY or SPIE_E_INTERNAL after,
 * SPIE_E_CANCELLED when opts->cancel was set. */
spie_rc spie_run(const spie_run_opts *opts, spie_run_report *report, spie_error *err);

#endif
