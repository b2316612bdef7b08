/* Reading one extract file: bytes (source.h) -> lines -> libcsv -> header matching ->
 * typed fields -> the row rules of docs/format-extraits.md §6, in that order. Every data row is
 * accepted or rejected with one reason; accepted rows go into the territory's stores
 * (persons, budget lines), rejected ones to a reject sink with the physical line number
 * in the decompressed file (header = line 1 when no empty line precedes it).
 *
 * A file-level failure (stream error, missing or doubled required column, a quote still
 * open at the end, a record or field over the size caps) makes the file unusable: the
 * report says why, with the byte offset or line, and the caller must not use the rows
 * accepted so far (they are provisional until the stream ended cleanly). */
#ifndef SPIE_EXTRACT_H
#define SPIE_EXTRACT_H

#include <signal.h>

#include "spie/common.h"
#include "spie/persons.h"
#include "spie/plan.h"
#include "spie/source.h"

typedef enum spie_reason {
    SPIE_R_NB_CHAMPS = 0,
    SPIE_R_CHAMP_MANQUANT,
    SPIE_R_ID_INVALIDE,
    SPIE_R_DATE_INVALIDE,
    SPIE_R_CODE_INVALIDE,
    SPIE_R_MONTANT_INVALIDE,
    SPIE_R_DEPT_INCOHERENT,
    SPIE_R_DATE_FUTURE,
    SPIE_R_DATE_HORS_PROGRAMME,
    SPIE_R_ANNEE_NAISSANCE,
    SPIE_R_DOUBLON,
    SPIE_R_BENEFICIAIRE_INCONNU,
    SPIE_R_ETAPE_AVANT_ENTREE,
    SPIE_R_TYPE_MANQUANT,
    SPIE_R_COUNT
} spie_reason;

const char *spie_reason_code(spie_reason r);  /* "NB_CHAMPS" */
const char *spie_reason_label(spie_reason r); /* "nombre de champs incorrect" */

/* Size caps: beyond them the file is unusable (a sane extract never comes close). */
#define SPIE_FIELD_MAX 32767u        /* bytes in one field (a workbook cell's limit) */
#define SPIE_RECORD_MAX (1u << 20)   /* bytes in one record, quoted newlines included */
#define SPIE_COLUMNS_MAX 1024u       /* fields in one record */
#define SPIE_REJECT_RAW_MAX 500u     /* characters of the raw line kept in the rejects */

/* Financers of docs/format-extraits.md §5 (POLE_EMPLOI is read as FRANCE_TRAVAIL). */
typedef enum spie_financer {
    SPIE_FIN_ETAT = 0,
    SPIE_FIN_DEPARTEMENT,
    SPIE_FIN_FRANCE_TRAVAIL,
    SPIE_FIN_CAF,
    SPIE_FIN_AUTRE,
    SPIE_FIN_COUNT
} spie_financer;
extern const char *const spie_financer_codes[SPIE_FIN_COUNT];

/* One accepted budget line (the libellé is never interpreted, so it is not kept). */
typedef struct spie_budget_line {
    spie_month month;
    uint8_t financer; /* spie_financer */
    spie_cents engaged;
    spie_cents paid;
} spie_budget_line;

typedef struct spie_budget {
    spie_budget_line *lines;
    size_t count, cap;
} spie_budget;
void spie_budget_clear(spie_budget *b);
void spie_budget_release(spie_budget *b); /* frees the lines, accepts NULL */

/* A rejected row handed to the sink. Every pointer is borrowed for the call. */
typedef struct spie_reject {
    const char *file;    /* path relative to the inbox */
    uint64_t line;       /* physical line in the decompressed file */
    const char *column;  /* column name, NULL for NB_CHAMPS */
    spie_reason reason;
    const char *raw;     /* the raw record, valid UTF-8, at most SPIE_REJECT_RAW_MAX characters */
    size_t raw_len;
} spie_reject;
/* Returns 0, or non-zero to stop reading (the sink could not write). */
typedef int (*spie_reject_fn)(void *ctx, const spie_reject *r);

typedef struct spie_file_report {
    bool usable;
    bool sink_failed;       /* the reject sink returned non-zero: an output error, not the file's fault */
    bool transcoded;        /* at least one field was taken as Windows-1252 */
    bool nul_padding;
    uint64_t rows_read, rows_accepted, rows_rejected, empty_lines;
    uint64_t by_reason[SPIE_R_COUNT];
    uint64_t fail_line;     /* line being read at a file-level failure, 0 if none */
    uint64_t fail_offset;   /* byte offset in the file at a file-level failure */
    uint64_t bytes_in, bytes_out;
    /* The file as read (spie_src_fingerprint): SHA-256 of its bytes ("" when hash_err, an
     * errno value, is set), their count, and whether it changed while it was read (then
     * it is unusable and motif says so). */
    char sha256[SPIE_SHA256_HEX];
    uint64_t size;
    int hash_err;
    bool changed;
    char motif[512];        /* French: why unusable (with offset), or notes for a usable file */
} spie_file_report;

/* What the reader needs to know and where it puts accepted rows. */
/* Memory that one thread reuses from file to file (the read buffer, the step table):
 * optional, never shared by two reads at once. */
typedef struct spie_extract_scratch spie_extract_scratch;
spie_extract_scratch *spie_extract_scratch_new(void);
void spie_extract_scratch_free(spie_extract_scratch *sc); /* accepts NULL */

typedef struct spie_extract_job {
    const char *path;      /* path to open */
    const char *relname;   /* path relative to the inbox, as written in reports */
    spie_kind kind;
    const char *dept;      /* the file's <DEPT>: "31", "2A", "NAT" */
    bool gzip;
    spie_month period;     /* P: DATE_FUTURE is after the last day of P */
    spie_persons *persons; /* beneficiaires: filled (must be empty); etapes: read and updated */
    spie_budget *budget;   /* budget: accepted lines appended */
    spie_reject_fn reject;
    void *reject_ctx;
    bool csv_reference;    /* every line through libcsv (see extract.c: the plain-line
                              path and libcsv give the same fields; tests compare them) */
    spie_extract_scratch *scratch; /* optional: memory reused from one file to the next */
    spie_inflater inflater; /* gzip decoder: 0 = the default (ISA-L), or zlib, the reference */
    const volatile sig_atomic_t *cancel; /* optional: non-zero stops the reading at the next
                                            read of the file (unusable, "lecture interrompue") */
} spie_extract_job;

/* Reads one file. Returns false only when memory ran out before anything could be read
 * (the report then says so too); every other outcome is in *rep. */
bool spie_extract_read(const spie_extract_job *job, spie_file_report *rep);

/* The same reader over bytes in memory (tests and fuzzing). */
bool spie_extract_read_mem(const spie_extract_job *job, const void *data, size_t n, spie_file_report *rep);

#endif
