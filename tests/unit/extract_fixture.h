/* The fixture the extract tests share (test_extract_rules.c, test_extract_text.c,
 * test_extract_files.c): the reference period, a reject sink that keeps what it is given,
 * a reader run over memory with the reconciliation checked on every input, the expected
 * rejects of a case, and the three ways every test runs (the plain-line path, every line
 * through libcsv, one scratch reused by every read). */
#ifndef SPIE_EXTRACT_FIXTURE_H
#define SPIE_EXTRACT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "spie/persons.h"

#define M(y, m) ((spie_month)((y) * 12 + (m) - 1))
#define P_2021_06 M(2021, 6)

#define MAX_REJ 64
#define RAW_CAP 2100

typedef struct got_rej {
    uint64_t line;
    bool has_column;
    char column[40];
    spie_reason reason;
    char raw[RAW_CAP];
    size_t raw_len;
} got_rej;

typedef struct sink {
    got_rej r[MAX_REJ];
    size_t n;     /* kept */
    size_t total; /* seen */
    int fail_after; /* > 0: return non-zero from that call on (sink failure test) */
} sink;

typedef struct run {
    spie_persons *ps;
    spie_budget budget;
    spie_file_report rep;
    sink sk;
    spie_inflater inflater; /* of run_file: 0 = the default */
} run;

/* column: NULL = no column (NB_CHAMPS); ANY_COLUMN = not checked (the spec does not name
 * one, e.g. DOUBLON). line 0 ends a list. */
#define ANY_COLUMN "*"
typedef struct xrej {
    unsigned line;
    spie_reason reason;
    const char *column;
} xrej;

typedef struct rcase {
    const char *name;
    const char *rows; /* lines after the header (the header is line 1) */
    unsigned accepted;
    xrej rej[4];
    const char *dept; /* NULL: "31" */
} rcase;

/* The test's switches (set by the group setups below). */
extern bool g_csv_reference; /* every line through libcsv (job.csv_reference) */
extern spie_extract_scratch *g_scratch; /* kept across tests; main frees it */
extern bool g_use_scratch;

/* The header of a beneficiaires file with its three required columns, and of a budget
 * file with all its columns. */
#define HB3 "id_beneficiaire;date_entree;public"
#define HG "mois;financeur;montant_engage;montant_paye;departement;libelle"

spie_day day_of(int y, int m, int d);
/* The characters of a UTF-8 string of n bytes. */
size_t utf8_chars(const char *s, size_t n);
/* The reject sink: keeps the first MAX_REJ rejects in ctx (a sink), counts them all. */
int sink_fn(void *ctx, const spie_reject *rj);
/* A reader run over memory (run_mem_p: of a département and period; run_mem and run_str:
 * "31" at P_2021_06), its invariants checked after every read. */
run *run_new(void);
void run_free(run *r);
void check_invariants(const run *r);
spie_extract_job make_job(run *r, spie_kind kind, const char *dept, spie_month period);
void run_mem_p(run *r, spie_kind kind, const char *dept, spie_month period, const void *text, size_t n);
void run_mem(run *r, spie_kind kind, const char *text, size_t n);
void run_str(run *r, spie_kind kind, const char *text);
/* The beneficiaries every etapes test starts from (extract_fixture.c). */
void load_base_persons(run *r);
void expect_rejects(const run *r, const xrej *x, size_t max, const char *name);
/* Runs each case's rows under header and checks its accepted rows and rejects. */
void run_cases(spie_kind kind, const char *header, const rcase *cases, size_t ncases, bool etapes_base);
int use_scratch(void **state);
int no_scratch(void **state);
int use_libcsv(void **state);
int use_default(void **state);

/* Every test runs three times: with the plain-line path (the default), with every line
 * through libcsv (job.csv_reference), and with one scratch (job.scratch) reused by every
 * read of every test, as a worker reuses it from file to file: the same expectations
 * hold for all three. */
#define BOTH_PATHS(f)                                                                              \
    cmocka_unit_test(f), {#f " [libcsv]", f, use_libcsv, use_default, NULL},                      \
        {#f " [scratch]", f, use_scratch, no_scratch, NULL}

#endif
