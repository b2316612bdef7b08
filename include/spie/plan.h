/* Inbox planning (docs/format-extraits.md §1): scan the inbox once, pick for each programme territory
 * and kind the file with the latest month M <= P, and list every other entry of the inbox
 * with the reason it is not used. Nothing is opened here except the directory itself:
 * entries are examined with lstat, never followed. */
#ifndef SPIE_PLAN_H
#define SPIE_PLAN_H

#include "spie/common.h"
#include "spie/error.h"
#include "spie/territories.h"

/* Kinds in byte order of their names (the order of the quality report). */
typedef enum spie_kind {
    SPIE_KIND_BENEFICIAIRES = 0,
    SPIE_KIND_BUDGET,
    SPIE_KIND_ETAPES,
    SPIE_KIND_COUNT
} spie_kind;

const char *spie_kind_name(spie_kind k); /* "beneficiaires", "budget", "etapes" */

/* A well-named extract file of the inbox. */
typedef struct spie_extract_name {
    char dept[4];      /* "31", "2A", "971", or "NAT" */
    spie_kind kind;
    spie_month month;
    bool gzip;         /* .csv.gz (true) or .csv */
} spie_extract_name;

typedef enum spie_name_status {
    SPIE_NAME_OK = 0,
    SPIE_NAME_BAD_PATTERN,  /* not spie_<DEPT>_<YYYY-MM>_<kind>.csv[.gz], NAT with a kind other than budget, month 13 */
    SPIE_NAME_UNKNOWN_DEPT  /* pattern right, code not in INSEE's list (20, 975...) */
} spie_name_status;

/* Parses a file name (no directory part). Case-sensitive. *out is filled on SPIE_NAME_OK
 * and on SPIE_NAME_UNKNOWN_DEPT, left untouched on SPIE_NAME_BAD_PATTERN; out may be NULL. */
spie_name_status spie_extract_name_parse(const char *name, spie_extract_name *out);

/* One row per programme territory and kind, plus the NAT budget. */
typedef struct spie_plan_entry {
    const spie_territory *terr; /* NULL for the NAT budget; points into the table given to
                                   spie_plan_build, which must outlive the plan */
    char dept[4];               /* département code, or "NAT" */
    spie_kind kind;
    char *file;                 /* selected file name relative to the inbox; NULL when missing */
    bool gzip;
    spie_month month;           /* month of the selected file; SPIE_NO_MONTH (date.h) when missing */
    int late_months;            /* P - month, 0 when on time (and when missing) */
    uint64_t size;              /* bytes, from lstat; 0 when missing */
} spie_plan_entry;

typedef enum spie_other_status { SPIE_OTHER_NOT_RETAINED = 0, SPIE_OTHER_IGNORED } spie_other_status;

/* Any other entry of the inbox. */
typedef struct spie_plan_other {
    char *name;
    spie_other_status status;
    /* For a well-named extract not retained (SPIE_OTHER_NOT_RETAINED): its parsed name,
     * so that no later stage parses the name again. Zeroed for an ignored entry. */
    spie_extract_name x;
    char reason[200]; /* French: "mois postérieur à la période", "département hors programme"... */
} spie_plan_other;

typedef struct spie_plan {
    spie_month period;
    spie_plan_entry *entries; /* sorted by dept then kind (byte order); NAT last */
    size_t n_entries;
    spie_plan_other *others;  /* sorted by name (byte order) */
    size_t n_others;
} spie_plan;

/* Scans inbox and plans the batch of period P. On success *out owns everything (free with
 * spie_plan_free); on failure *out is empty, nothing is left allocated and err (may be
 * NULL) says why: SPIE_E_INPUT when the inbox cannot be opened or read, or holds a .csv
 * and a .csv.gz for the same territory and kind at the selected month (the message names
 * them); SPIE_E_MEMORY. Entries come from terr (NULL means no territory: only the NAT
 * budget). */
spie_rc spie_plan_build(const char *inbox, spie_month period, const spie_territories *terr, spie_plan *out,
                        spie_error *err);
void spie_plan_free(spie_plan *plan); /* accepts NULL */

#endif
