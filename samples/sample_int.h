/* Private to the synthetic-inbox generator (samples/sample*.c): the codes it writes, one
 * territory's drawn data, the draw state, the row formatting shared by the valid rows and
 * the defects, and the functions one file of samples/ calls in another. The public
 * interface is include/spie/sample.h; nothing here is for the engine or the tests.
 *
 * The files, by subject:
 *   sample.c          the driver: plan, one territory after the other (draw, then write),
 *                     the NAT budget, the side files; the public entry points
 *   sample_persons.c  persons and their journeys (steps)
 *   sample_budget.c   the budget movements of a territory and of NAT
 *   sample_dirt.c     the deliberate defects: which rows, and what each looks like
 *   sample_rows.c     one record as one line of text (codes, dates, amounts, quoting)
 *   sample_write.c    one extract file: the rows recorded by the month's end, in order
 *   sample_side.c     territoires.csv, defauts.csv, fichiers.csv
 *   sample_plan.c     options, scales, roles, the person allocation
 *   sample_file.c     output files (temporary name + rename, deterministic gzip)
 *   sample_fmt.c      amounts as text;  sample_pop.c  the population weights
 *
 * Same options and seed give the same bytes: each territory's random stream is consumed
 * in one fixed order (persons, steps, budget, then the dirt), so a change of order in any
 * of these files changes every sample. Types keep short names (they are private and leave
 * no linker symbol); functions and tables shared between files are spie_smp_*. */
#ifndef SPIE_SAMPLE_INT_H
#define SPIE_SAMPLE_INT_H

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "spie/date.h"
#include "spie/sample.h"

/* ---- codes of the extract format (docs/format-extraits.md §3-§6) ------------------------------------ */

enum { PUB_RSA = 0, PUB_JEUNE, PUB_DE, PUB_TH, PUB_N };
enum { ST_ORIENTATION = 0, ST_DIAGNOSTIC, ST_CONTRAT, ST_SOLUTION, ST_REPRISE, ST_SUIVI, ST_SORTIE, ST_N };
enum { RP_DURABLE = 0, RP_TEMPORAIRE, RP_FORMATION, RP_CREATION, RP_N };
enum { SO_DEMENAGEMENT = 0, SO_FIN_DROITS, SO_ABANDON, SO_AUTRE, SO_N };
#define NO_TYPE 0xFF
enum { FIN_ETAT = 0, FIN_DEPARTEMENT, FIN_FRANCE_TRAVAIL, FIN_CAF, FIN_AUTRE, FIN_POLE_EMPLOI, FIN_N };

/* Reject reasons, in the order of the table of the row rules. */
enum {
    R_NB_CHAMPS = 0, R_CHAMP_MANQUANT, R_ID_INVALIDE, R_DATE_INVALIDE, R_CODE_INVALIDE,
    R_MONTANT_INVALIDE, R_DEPT_INCOHERENT, R_DATE_FUTURE, R_DATE_HORS_PROGRAMME, R_ANNEE_NAISSANCE,
    R_DOUBLON, R_BENEFICIAIRE_INCONNU, R_ETAPE_AVANT_ENTREE, R_TYPE_MANQUANT, R_N,
    D_EMPTY = R_N /* an empty line: not a row, counted apart */
};
extern const char *const spie_smp_reason_codes[R_N]; /* sample_dirt.c */

enum { K_BENE = 0, K_BUDGET, K_ETAPES, K_N }; /* byte order of the kind names */

/* Budget libellés (sample_budget.c; UTF-8, except the Windows-1252 one). */
enum {
    L_CONVENTION = 0, L_PAIEMENT, L_TRANCHE, L_PRESTATIONS, L_NUMERIQUE, L_FORMATION_REF, L_ANNULATION,
    L_REVERSEMENT, L_DEPARTEMENT, L_DEPARTEMENT_FREINS, L_PE, L_FT, L_CAF, L_FSE, L_REGION, L_COMMUNE,
    L_CP1252, L_NAT_APPUI, L_NAT_NUMERIQUE, L_NAT_EVALUATION, L_NAT_ANIMATION, L_NAT_FSE, L_N
};
extern const char *const spie_smp_labels[L_N];

/* ---- a territory's data ----------------------------------------------------------------- */

enum { PF_DEPT_EMPTY = 1u, PF_LOWER = 2u }; /* formatting varieties of a valid row */

typedef struct person {
    spie_day entry;
    int16_t birth; /* 0: unknown */
    uint8_t pub;
    uint8_t sex;   /* 0 unknown, 1 F, 2 M */
    uint8_t flags; /* PF_* */
} person;

typedef struct step_row {
    spie_day date;
    uint32_t person; /* index into persons */
    uint8_t step;
    uint8_t type;    /* index into the step's type list, NO_TYPE */
} step_row;

typedef struct bline {
    spie_month mois;
    spie_cents eng, paye;
    uint8_t fin;
    uint8_t lab;
    uint8_t dept_empty;
} bline;

/* An injected row (or empty line): recorded on day/month `vis`, ordered by (vis, seq)
 * after the valid rows of the same vis. */
typedef struct dirt_row {
    int32_t vis;
    uint32_t seq;
    uint32_t id; /* id number written (1-based) */
    uint8_t code; /* R_* or D_EMPTY */
    uint8_t variant;
    union {
        person p;
        step_row s;
        bline b;
    } u;
} dirt_row;

typedef struct dirt_list {
    dirt_row *v;
    size_t n, cap;
} dirt_list;

typedef struct terr_data {
    person *persons; /* sorted by entry day; id number = index + 1 */
    size_t np;
    step_row *steps; /* sorted by date (stable) */
    size_t ns, caps;
    bline *budget;   /* sorted by month */
    size_t nb, capb;
    dirt_list dirt[K_N];
    uint32_t n_ghost, n_unknown;
} terr_data;

/* The discrete distributions every territory shares (sample_persons.c). */
typedef struct dists {
    gsl_ran_discrete_t *orient[PUB_N];
    gsl_ran_discrete_t *reprise[PUB_N];
    gsl_ran_discrete_t *solution;
    gsl_ran_discrete_t *sortie_rsa, *sortie_other;
} dists;

/* The draw of one territory: its stream, its parameters, what was drawn. */
typedef struct gen {
    const spie_sample_plan *plan;
    size_t index;
    const spie_sample_terr *it;
    const dists *d;
    gsl_rng *r;
    spie_day first_day, horizon; /* first day of the first month, last day of the last */
    double orient_mean, contract_mean, p12_mult, dirt_mult;
    gsl_ran_discrete_t *pub_dist;
    bool dirty;
    terr_data td;
} gen;

/* ---- small helpers of the draws --------------------------------------------------------- */

static inline int year_of(spie_day d)
{
    int y, m, dd;
    spie_day_to_ymd(d, &y, &m, &dd);
    return y;
}

static inline bool bern(gsl_rng *r, double p)
{
    return gsl_rng_uniform(r) < p;
}

/* splitmix64's finaliser: a bijection of 64-bit integers. */
static inline uint64_t spie_smp_mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15u;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* ---- sample.c ------------------------------------------------------------------------- */

void spie_smp_seterr(spie_sample_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- sample_persons.c ------------------------------------------------------------------- */

bool spie_smp_dists_init(dists *d);
void spie_smp_dists_free(dists *d);
/* The persons of g's territory (td.persons, sorted by entry day), then their steps
 * (td.steps, sorted by date, only those up to g->horizon). */
spie_sample_status spie_smp_gen_persons(gen *g);
spie_sample_status spie_smp_gen_steps(gen *g);

/* ---- sample_budget.c -------------------------------------------------------------------- */

spie_sample_status spie_smp_gen_budget(gen *g);
spie_sample_status spie_smp_gen_nat_budget(gen *g, spie_month first, spie_month last);

/* ---- sample_dirt.c ---------------------------------------------------------------------- */

/* Draws the defects of g's territory into td.dirt (after everything else). */
spie_sample_status spie_smp_gen_dirt(gen *g);

/* ---- sample_rows.c ---------------------------------------------------------------------- */

/* How a territory's files are written (docs/format-extraits.md §2). */
typedef struct style {
    char sep;
    bool crlf, bom, fr_dates, fr_amounts, quote_all, upper_header;
    const uint8_t *perm[K_N]; /* output column -> canonical column */
} style;

/* Canonical columns of each kind. */
enum { B_ID = 0, B_DATE, B_PUBLIC, B_SEXE, B_ANNEE, B_DEPT };
enum { G_MOIS = 0, G_FIN, G_ENG, G_PAYE, G_DEPT, G_LIB };
enum { E_ID = 0, E_ETAPE, E_DATE, E_TYPE };

#define ROW_FIELDS 6
#define ROW_BYTES 2048
/* One row as a line: ROW_LINE bytes is always enough (fields are at most ROW_BYTES in all,
 * doubled by quoting, plus separators). */
#define ROW_LINE (2 * ROW_BYTES + 64)

/* The fields of one row in canonical column order, built in a scratch buffer. */
typedef struct rowb {
    char data[ROW_BYTES];
    size_t used;
    size_t off[ROW_FIELDS], len[ROW_FIELDS];
    bool raw[ROW_FIELDS]; /* written as is, never quoted (an injected bare separator) */
    int nb;               /* NB_CHAMPS: -1 none, 0 last field dropped, 1 a field added */
} rowb;

/* What a row writer needs to know about its territory. */
typedef struct rowctx {
    const char *code; /* "31", "NAT" */
    uint64_t salt;    /* of the hex ids */
    bool hex;
    const style *st;
} rowctx;

void spie_smp_style_for(style *st, unsigned roles, bool dirty);
void spie_smp_rb_set(rowb *rb, int col, const char *s, size_t n);
void spie_smp_rb_sets(rowb *rb, int col, const char *s);
void spie_smp_rb_lower(rowb *rb, int col);
void spie_smp_fmt_date(char *b, spie_day d, bool fr);     /* 10 bytes, no NUL */
void spie_smp_fmt_month(char *b, spie_month mo, bool fr); /* 7 bytes, no NUL */
/* The amount style of a budget line: French forms alternate ASCII space and U+00A0 by
 * line; swap takes the other one (a DOUBLON written another way). */
spie_sample_amount_style spie_smp_amount_style(const style *st, const bline *b, bool swap);
bool spie_smp_needs_quotes(const char *s, size_t n, char sep);

/* The fields of a row: a valid one (code -1), or one spoiled with defect `code` of
 * variant v (sample_dirt.c does the spoiling). */
void spie_smp_bene_row(rowb *rb, const rowctx *cx, const person *p, uint32_t id, int code, int v);
void spie_smp_step_row(rowb *rb, const rowctx *cx, const step_row *s, uint32_t id, int code, int v);
void spie_smp_budget_row(rowb *rb, const rowctx *cx, const bline *b, int code, int v);
/* Lines (into ROW_LINE bytes), with the style's separator, quoting and line end. */
size_t spie_smp_row_line(char *line, const style *st, int kind, const rowb *rb);
size_t spie_smp_header_line(char *line, const style *st, int kind);
size_t spie_smp_empty_line(char *line, const style *st, int v);

/* sample_dirt.c: a valid row's fields (already in rb) turned into defect `code`. idb is
 * the row's id as written. */
void spie_smp_spoil_bene(rowb *rb, const rowctx *cx, const person *p, const char *idb, size_t idn, int code, int v);
void spie_smp_spoil_step(rowb *rb, const rowctx *cx, const step_row *s, const char *idb, size_t idn, int code,
                         int v);
void spie_smp_spoil_budget(rowb *rb, const rowctx *cx, const bline *b, int code, int v);

/* ---- sample_write.c --------------------------------------------------------------------- */

enum { F_FRENCH = 1u, F_QUOTED = 2u, F_PLAIN = 4u, F_MULTI = 8u, F_CP1252 = 16u };

/* What was written in one file, for defauts.csv and fichiers.csv. */
typedef struct file_rec {
    char name[64];
    int kind;
    uint32_t counts[R_N];
    uint32_t empty;
    unsigned facts; /* F_* */
} file_rec;

/* The writing of a whole sample. */
typedef struct wctx {
    const spie_sample_plan *plan;
    char *inbox;
    int level;
    file_rec *recs;
    size_t nrec, caprec;
    spie_sample_summary sum;
    spie_sample_error *err;
} wctx;

/* Writes the extract of kind `kind` and month M of g's data. */
spie_sample_status spie_smp_write_extract(wctx *w, gen *g, const rowctx *cx, int kind, spie_month M,
                                          unsigned roles);

/* ---- sample_side.c ---------------------------------------------------------------------- */

/* territoires.csv, defauts.csv and fichiers.csv in out_dir, once every extract is written
 * (sorts w->recs by name). */
spie_sample_status spie_smp_write_side_files(wctx *w, const char *out_dir);

#endif
