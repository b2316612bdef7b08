/* Reading a territory: its beneficiaires, then its etapes (which need the persons), then
 * its budget, as the plan selected them. The stores hold only what a usable file gave:
 * when beneficiaires is unusable or missing the persons are cleared before etapes is read
 * (so every etapes row is BENEFICIAIRE_INCONNU, docs/methodologie.md §9), and a territory's
 * person-based data count only when both files are usable. */
#ifndef SPIE_READING_H
#define SPIE_READING_H

#include <signal.h>

#include "spie/extract.h"
#include "spie/plan.h"

typedef enum spie_entry_status {
    SPIE_ENTRY_MISSING = 0, /* no file selected */
    SPIE_ENTRY_OK,
    SPIE_ENTRY_UNUSABLE
} spie_entry_status;

/* The first rejects of a file, kept so that messages can name file and line. */
#define SPIE_FIRST_REJECTS 3
typedef struct spie_reject_note {
    uint64_t line;
    spie_reason reason;
    const char *column; /* static column name, NULL for NB_CHAMPS */
} spie_reject_note;

typedef struct spie_entry_result {
    spie_entry_status status;
    spie_file_report rep; /* meaningful unless MISSING */
    spie_reject_note first_rejects[SPIE_FIRST_REJECTS];
    unsigned n_first_rejects;
    double seconds;       /* wall time spent reading the file */
} spie_entry_result;

typedef struct spie_territory_data {
    spie_persons *persons; /* owned by the caller */
    spie_extract_scratch *scratch; /* owned by the caller, optional (one per thread) */
    spie_budget budget;
    bool persons_ok;       /* beneficiaires and etapes both usable */
    bool budget_ok;        /* budget usable */
    const volatile sig_atomic_t *cancel; /* optional: non-zero stops the reading between two
                                            reads of a file (the file is then unusable) */
} spie_territory_data;

/* The status word of the quality report and the manifest: "ok", "inutilisable",
 * "manquant". */
const char *spie_entry_status_word(spie_entry_status st);

/* Number of consecutive plan entries, from first, that belong to the same département
 * (3 for a territory, 1 for NAT). */
size_t spie_plan_group_len(const spie_plan *plan, size_t first);

/* Reads the entries [first, first + count) of the plan (one territory, or NAT), with the
 * files found under inbox. results[i] receives the outcome of entry first + i. Returns
 * false when memory ran out or the reject sink failed (an output error: stop the batch). */
bool spie_read_group(const char *inbox, const spie_plan *plan, size_t first, size_t count,
                     spie_reject_fn reject, void *reject_ctx, spie_territory_data *data,
                     spie_entry_result *results);

#endif
