/* The previous publication (docs/methodologie.md §11): the latest period folder Q < P of
 * the output folder whose manifest.json verifies, what it read (its manifest's entries,
 * for the continuity of the extracts) and, for spie run, the figures of its
 * indicateurs_<Q>.csv (for evolution_<P>.csv and the workbooks).
 *
 * Finding it reads and never writes; it is done under the output folder's lock (the
 * batch's exclusive lock, or spie verify's shared one), so no batch publishes while the
 * folders are read. The bytes that are used (the manifest, the indicators) are the bytes
 * that were hashed: each file is read once into memory, hashed, then parsed. */
#ifndef SPIE_PREVIOUS_H
#define SPIE_PREVIOUS_H

#include <jansson.h>

#include "spie/digest.h"
#include "spie/error.h"
#include "spie/params.h"
#include "spie/plan.h"
#include "spie/reading.h"

/* How to choose the previous publication. */
typedef enum spie_previous_mode {
    SPIE_PREVIOUS_SEARCH = 0, /* the latest Q < P that verifies (the batch) */
    SPIE_PREVIOUS_NONE,       /* none (spie verify --recompute of a batch that had none) */
    SPIE_PREVIOUS_EXACT       /* exactly period Q with that manifest SHA-256 (recomputation) */
} spie_previous_mode;

typedef struct spie_previous_pin {
    spie_previous_mode mode;
    spie_month period;               /* EXACT: Q */
    char sha256[SPIE_SHA256_HEX];    /* EXACT: the SHA-256 of Q's manifest.json */
} spie_previous_pin;

/* A period folder looked at and not used, with the reason (French, without the period:
 * "manifeste non conforme (indicateurs_2023-05.csv : empreinte SHA-256 différente de
 * celle du manifeste)"). */
typedef struct spie_previous_skip {
    spie_month period;
    char why[400];
} spie_previous_skip;

/* One entry of Q's manifest ("entrees"): a territory (or NAT) and kind. */
typedef struct spie_prev_entry {
    char dept[4];
    spie_kind kind;
    spie_entry_status status;
    spie_month month;     /* SPIE_NO_MONTH when Q had no file */
    bool has_accepted;    /* lignes_acceptees was a number (not null: a missing file) */
    uint64_t accepted;
} spie_prev_entry;

/* One row of Q's indicateurs_<Q>.csv: the key, the value as written, the status. The
 * strings point into the previous publication's arena. */
typedef struct spie_prev_figure {
    const char *niveau, *code, *ventilation, *modalite, *indicateur;
    const char *valeur;   /* "" when empty */
    uint8_t status;       /* spie_status (table.h): ok, s, nd */
} spie_prev_figure;

typedef struct spie_previous {
    bool found;
    spie_month period;               /* Q, when found */
    char period_s[8];                /* "YYYY-MM", when found */
    char sha256[SPIE_SHA256_HEX];    /* of Q's manifest.json, when found */
    char command[8];                 /* "run" or "check", when found */
    bool examined_any;               /* a candidate folder was looked at (found or skipped) */
    spie_previous_skip *skips;       /* the newer candidates not used, latest first */
    size_t n_skips;
    spie_prev_entry *entries;        /* Q's manifest entries, when found */
    size_t n_entries;
    /* Q's figures (spie run: read from indicateurs_<Q>.csv, sorted byte-wise on the key
     * (niveau, code, ventilation, modalite, indicateur), no key twice; spie check: none;
     * spie_prev_figure_find (evolution.h) looks one up). */
    spie_prev_figure *figures;
    size_t n_figures;
    char *arena;                     /* the strings of figures */
    /* EXACT mode only: the pinned publication could not be used; why says why (also
     * recorded as a skip). */
    bool pin_failed;
} spie_previous;

/* Looks in dir for the previous publication of a batch of period P. need_run: spie run
 * (only a publication of spie run will do); otherwise a run or a check. pin NULL means
 * SPIE_PREVIOUS_SEARCH. Every candidate not used is in out->skips, with its reason; none
 * at all is out->found = false. SPIE_OK (a missing dir is no previous publication);
 * SPIE_E_MEMORY (err filled) when memory ran out; out is then empty. */
spie_rc spie_previous_find(const char *dir, spie_month period, bool need_run, const spie_previous_pin *pin,
                           spie_previous *out, spie_error *err);
void spie_previous_free(spie_previous *p); /* accepts NULL; leaves *p empty */

/* The manifest's "precedente" value (docs/sorties.md §3): null when there was no
 * candidate at all (or mode NONE); {"periode", "sha256"} when found; otherwise
 * {"periode": null, "sha256": null, "ecartees": [{"periode", "motif"}…]}. NULL when
 * memory ran out. */
json_t *spie_previous_json(const spie_previous *p);
/* The inverse, for spie verify --recompute: a manifest's "precedente" value (NULL when
 * the key is absent) as a pin: {"periode", "sha256"} gives EXACT, null or absent gives
 * NONE, a reason object gives SEARCH (the same search, done again). false on a malformed
 * value. */
bool spie_previous_pin_from_json(const json_t *v, spie_previous_pin *pin);

/* ---- continuity of the extracts ------------------------------------------------- */

typedef enum spie_continuity_status {
    SPIE_CONT_NONE = 0,        /* no previous publication, or the entry is absent from it */
    SPIE_CONT_OK,
    SPIE_CONT_BREAK
} spie_continuity_status;
/* "sans_reference", "ok", "rupture" (the quality report's continuite column). */
static inline const char *spie_continuity_word(spie_continuity_status st)
{
    return st == SPIE_CONT_OK ? "ok" : st == SPIE_CONT_BREAK ? "rupture" : "sans_reference";
}

/* The continuity of one plan entry with the same territory and kind in Q. */
typedef struct spie_continuity {
    spie_continuity_status status;
    bool has_prev_accepted;         /* Q's lignes_acceptees is known */
    uint64_t prev_accepted;
    spie_month prev_month;          /* month of Q's file, SPIE_NO_MONTH when none */
    spie_entry_status prev_status;  /* meaningful unless status is SPIE_CONT_NONE */
    /* The reasons of a break, each as its own flag, and their French text for the
     * quality report's motif ("rupture de continuité : …"). */
    bool drop, now_unusable, now_missing, month_back;
    char motif[400];
} spie_continuity;

/* The continuity rule of the accepted rows: a break when prev > 0 and
 * (prev - now) / prev > max_drop (the share computed in double, so an exact 1 % drop
 * against a tolerance of 0.01 is not a break). */
bool spie_continuity_drop_is_break(uint64_t prev, uint64_t now, double max_drop);

/* Fills out[i] for every plan entry (results[i] its reading), against prev (NULL or not
 * found: every entry SPIE_CONT_NONE). Returns the number of breaks. */
size_t spie_continuity_compute(const spie_previous *prev, const spie_plan *plan, const spie_entry_result *results,
                               const spie_params *params, spie_continuity *out);

#endif
