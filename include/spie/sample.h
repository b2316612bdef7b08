/* The synthetic-inbox generator (`spie sample`, docs/sorties.md §1; docs/format-extraits.md is the format).
 *
 * spie_sample_write() writes, under an output folder DIR:
 *   DIR/inbox/          the extracts: spie_<DEPT>_<YYYY-MM>_<kind>.csv.gz (a few .csv), the
 *                       three kinds for every territory and every month from the territory's
 *                       wave start to --until (cumulative), and the NAT budget;
 *   DIR/territoires.csv the territories table used (docs/format-extraits.md §7);
 *   DIR/defauts.csv     `fichier,code,nombre`: for every file written and every reason code
 *                       of docs/format-extraits.md §6 (in the order of its table), the number of rows of
 *                       that file that `spie check` must reject for that reason (zeros
 *                       included; all zeros with --clean);
 *   DIR/fichiers.csv    `fichier,particularite`: file-level facts in French (French-style
 *                       export, plain .csv, two gzip members, empty lines, a late or a
 *                       missing territory; `fichier` is empty for a territory-level fact).
 *
 * Same options and seed give byte-identical files: random draws come from GSL's MT19937,
 * seeded per territory from (seed, département code), so a territory's data do not depend
 * on the other territories; gzip members carry mtime 0 and a fixed OS byte; nothing depends
 * on the clock, the locale, readdir order or threads.
 *
 * Library code: nothing is printed; every function returns a status and fills an error
 * record (French message). */
#ifndef SPIE_SAMPLE_H
#define SPIE_SAMPLE_H

#include "spie/common.h"
#include "spie/territories.h"

typedef enum spie_sample_scale {
    SPIE_SAMPLE_SCALE_DEMO = 0, /* a handful of territories in three regions, a few thousand persons */
    SPIE_SAMPLE_SCALE_NATIONAL, /* every territory of the table, about 2 million persons (shipped table) */
    SPIE_SAMPLE_SCALE_PERSONS   /* every territory of the table, exactly N persons */
} spie_sample_scale;

/* Persons of the demo and national scales when --until is 2023-12; another --until keeps
 * the same monthly rates (so fewer persons for an earlier month). With another table than
 * the shipped one (spie_sample_options.territories), the national scale keeps the shipped
 * national sample's persons PER TERRITORY: its total is SPIE_SAMPLE_NATIONAL_PERSONS x
 * (weight of the table) / (weight of the shipped table), a territory's weight being its
 * population x its months of activity; the demo keeps SPIE_SAMPLE_DEMO_PERSONS. */
#define SPIE_SAMPLE_DEMO_PERSONS 3000u
#define SPIE_SAMPLE_NATIONAL_PERSONS 2000000u
#define SPIE_SAMPLE_MAX_PERSONS 50000000u /* numeric scale: 1 .. this */

typedef struct spie_sample_options {
    spie_sample_scale scale;
    uint64_t persons;   /* SPIE_SAMPLE_SCALE_PERSONS only */
    uint64_t seed;
    spie_month until;   /* last month of the extracts; 2020-03 .. 2030-12 */
    unsigned history;   /* 0: every month; N: only the last N monthly extracts per territory */
    bool clean;         /* no dirt: no rejected row, no empty line, every file ',' LF ISO gzip */
    const char *territories; /* NULL: the shipped table (samples/territoires-defaut.csv); else a
                              * territories table file (docs/format-extraits.md §7, spie_territories_load):
                              * the sample's territories are that table's (not owned) */
} spie_sample_options;

/* Defaults: demo scale, seed 1, until 2023-12, every month, dirt on, the shipped table. */
void spie_sample_options_init(spie_sample_options *o);
/* "demo", "national" or a decimal number of persons (1 .. SPIE_SAMPLE_MAX_PERSONS). */
bool spie_sample_parse_scale(const char *s, spie_sample_options *o);

typedef enum spie_sample_status {
    SPIE_SAMPLE_OK = 0,
    SPIE_SAMPLE_E_USAGE,  /* bad options, or DIR/inbox not empty: nothing written */
    SPIE_SAMPLE_E_TABLE,  /* the territories table (shipped or options.territories) cannot be
                           * loaded: the message names the file, the line and the reason */
    SPIE_SAMPLE_E_WRITE,  /* a file or folder could not be written */
    SPIE_SAMPLE_E_MEMORY, /* out of memory (or a GSL allocation failed) */
    SPIE_SAMPLE_E_COUNT
} spie_sample_status;

const char *spie_sample_strerror(spie_sample_status st); /* French */

typedef struct spie_sample_error {
    char msg[512]; /* French, names the file when there is one */
} spie_sample_error;

/* ---- the plan: which territories, their roles, how many persons ----------------------- */

/* Roles of a territory in the sample (bits). The dirt roles are off with --clean. */
enum {
    SPIE_SAMPLE_ROLE_MISSING = 1u << 0, /* in the table, no extract at all */
    SPIE_SAMPLE_ROLE_LATE = 1u << 1,    /* last extract 1 or 2 months before --until */
    SPIE_SAMPLE_ROLE_FRENCH = 1u << 2,  /* ';', dd/mm/yyyy, "1 234,56", CRLF, BOM, a Windows-1252 libellé */
    SPIE_SAMPLE_ROLE_QUOTED = 1u << 3,  /* every field quoted, upper-case header, other column order */
    SPIE_SAMPLE_ROLE_PLAIN = 1u << 4,   /* uncompressed .csv files */
    SPIE_SAMPLE_ROLE_MULTI = 1u << 5,   /* its last etapes extract is two gzip members */
    SPIE_SAMPLE_ROLE_HEXID = 1u << 6    /* pseudonymised ids as 16 hex digits (else "B31-000123") */
};

typedef struct spie_sample_terr {
    const spie_territory *terr; /* into spie_sample_plan.table */
    unsigned roles;             /* SPIE_SAMPLE_ROLE_* */
    int late_months;            /* 0, 1 or 2 */
    spie_month first, last;     /* months of its extracts; last < first when it has none */
    uint64_t persons;           /* persons who entered by the end of month `last` */
    unsigned population;        /* size weight: population in thousands (spie_sample_population) */
} spie_sample_terr;

typedef struct spie_sample_plan {
    spie_sample_options opt;
    spie_territories table;  /* the territories table used: options.territories or the shipped one (owned) */
    spie_sample_terr *items; /* the territories of the scale, sorted by code */
    size_t count;
    uint64_t persons;        /* sum of items[].persons */
    spie_month nat_first;    /* months of the NAT budget extracts */
    double nat_ratio;        /* NAT amounts scale: allocations used / the shipped table's allocations */
} spie_sample_plan;

/* Builds the plan for the options (err must not be NULL; no file is touched, no random draw is made: person
 * counts are a deterministic allocation by population and months of activity).
 *
 * Territories: demo, the demo codes (11 29 30 31 35 56 59 80) that the table holds, or the
 * table's first 8 territories (code order) when it holds none of them; the other scales,
 * every territory of the table. Roles go to their preferred codes when the scale has them,
 * else to the first territory (code order) without one; a missing or late role never takes
 * the last territory that is neither missing nor late, so a sample always has a territory
 * that sends every extract up to --until (with a 1-territory table: neither role). */
spie_sample_status spie_sample_plan_make(const spie_sample_options *o, spie_sample_plan *out,
                                         spie_sample_error *err);
void spie_sample_plan_free(spie_sample_plan *p); /* accepts NULL; leaves it empty */

/* Persons entering item i in each of its months: counts[k] for month first + k, so counts
 * must hold last - first + 1 values; they sum to items[i].persons. */
spie_sample_status spie_sample_plan_months(const spie_sample_plan *p, size_t i, uint64_t *counts);

/* Clean rows of one territory's last extract, generated in memory without writing. */
typedef struct spie_sample_counts {
    uint64_t persons;      /* beneficiaires rows */
    uint64_t steps;        /* etapes rows */
    uint64_t budget_lines; /* budget rows */
    uint64_t returns_12m;  /* persons with a REPRISE within 365 days of entry */
    uint64_t eligible_12m; /* persons who entered at least 365 days before the end of `last` */
} spie_sample_counts;

spie_sample_status spie_sample_plan_count(const spie_sample_plan *p, size_t i, spie_sample_counts *out,
                                          spie_sample_error *err);

/* ---- writing ------------------------------------------------------------------------ */

typedef struct spie_sample_summary {
    size_t files;          /* inbox files written */
    uint64_t bytes;        /* their total size */
    uint64_t persons;      /* persons in the territories' last extracts */
    uint64_t steps;        /* clean etapes rows in the last extracts */
    uint64_t defects;      /* rejects injected, summed over every file written */
} spie_sample_summary;

/* Writes the sample under out_dir (created if needed, parents included). out_dir/inbox must
 * not exist or be empty (SPIE_SAMPLE_E_USAGE otherwise). Each file is written under a
 * temporary name and renamed when complete. sum may be NULL. */
spie_sample_status spie_sample_write(const char *out_dir, const spie_sample_options *o,
                                     spie_sample_summary *sum, spie_sample_error *err);

/* ---- building blocks (exposed for the tests) ------------------------------------------ */

/* Approximate population of a département in thousands (INSEE 2020, rounded; a size weight
 * for the samples, illustrative only), 0 for an unknown code. */
unsigned spie_sample_population(const char *code);

typedef enum spie_sample_amount_style {
    SPIE_SAMPLE_AMOUNT_PLAIN = 0, /* -1234.56 */
    SPIE_SAMPLE_AMOUNT_FR_SPACE,  /* -1 234,56 (ASCII space between thousands) */
    SPIE_SAMPLE_AMOUNT_FR_NBSP,   /* -1 234,56 with U+00A0 (2 bytes) between thousands */
    SPIE_SAMPLE_AMOUNT_GROUPED    /* -1 234.56 (space between thousands, '.' decimal) */
} spie_sample_amount_style;

#define SPIE_SAMPLE_AMOUNT_MAX 48 /* buffer size that fits any int64 in any style, with NUL */

/* Formats cents as euros with exactly two decimals, locale-free; returns the length. */
size_t spie_sample_format_amount(spie_cents c, spie_sample_amount_style st, char buf[SPIE_SAMPLE_AMOUNT_MAX]);

/* An output file written under a temporary name and renamed by _close: gzip (zlib,
 * windowBits 31, mtime 0, OS byte 3, a fixed level) or plain bytes. */
typedef struct spie_sample_file spie_sample_file;

spie_sample_file *spie_sample_file_open(const char *dir, const char *name, bool gzip, int level,
                                        spie_sample_error *err);
/* Appends bytes (buffered). */
bool spie_sample_file_write(spie_sample_file *f, const void *data, size_t n, spie_sample_error *err);
/* gzip only: ends the current member after all bytes written so far except the last
 * keep_tail ones, and starts a new member (what `cat a.gz b.gz` produces). */
bool spie_sample_file_new_member(spie_sample_file *f, size_t keep_tail, spie_sample_error *err);
/* Finishes, closes and renames to the final name; the file object is freed in every case.
 * On failure the temporary file is removed. *size gets the final size (may be NULL). */
bool spie_sample_file_close(spie_sample_file *f, uint64_t *size, spie_sample_error *err);
/* Abandons the file: closes and removes the temporary file. Accepts NULL. */
void spie_sample_file_abort(spie_sample_file *f);

#endif
