/* The reading layer: one extract file from bytes to accepted and rejected rows.
 *
 * Bytes come from a spie_src (gzip or plain). They are split into physical lines here,
 * not by libcsv, because the rejects and messages must name the physical line of a row
 * and libcsv counts nothing: each physical line (LF, CRLF or a lone CR) is fed to libcsv
 * followed by a single '\n', so exactly one terminator reaches the parser per line and a
 * record ends, if it ends, at the end of the line being fed. A CRLF inside a quoted field
 * therefore reaches the field as '\n'.
 *
 * The first non-blank line is the header: its count of ';' against ',' chooses the
 * separator before libcsv sees it. Blank lines (empty or spaces and tabs only) are
 * counted apart, before the header too (libcsv reports them as rows without fields under
 * CSV_REPALL_NL).
 *
 * Memory is bounded by the caps of extract.h (one record at a time), whatever the file
 * size; the stores the rows go into grow with the territory. */
#include "spie/extract.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"
#include "spie/fields.h"
#include "spie/source.h"

static const char *const reason_codes[SPIE_R_COUNT] = {
    "NB_CHAMPS", "CHAMP_MANQUANT", "ID_INVALIDE", "DATE_INVALIDE", "CODE_INVALIDE",
    "MONTANT_INVALIDE", "DEPT_INCOHERENT", "DATE_FUTURE", "DATE_HORS_PROGRAMME",
    "ANNEE_NAISSANCE", "DOUBLON", "BENEFICIAIRE_INCONNU", "ETAPE_AVANT_ENTREE", "TYPE_MANQUANT"};
static const char *const reason_labels[SPIE_R_COUNT] = {
    "nombre de champs incorrect",
    "champ obligatoire vide",
    "identifiant invalide",
    "date ou mois invalide",
    "code inconnu (public, étape, type, financeur, sexe)",
    "montant invalide",
    "département différent de celui du fichier",
    "date postérieure à la fin de la période traitée",
    "date antérieure au 1er janvier 2020",
    "année de naissance invraisemblable",
    "ligne en double",
    "bénéficiaire absent du fichier beneficiaires",
    "étape datée avant l'entrée du bénéficiaire",
    "type obligatoire absent (REPRISE)"};

const char *spie_reason_code(spie_reason r) { return (unsigned)r < SPIE_R_COUNT ? reason_codes[r] : "?"; }
const char *spie_reason_label(spie_reason r) { return (unsigned)r < SPIE_R_COUNT ? reason_labels[r] : "?"; }

const char *const spie_financer_codes[SPIE_FIN_COUNT] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE"};
static const char *const financer_read_codes[] = {"ETAT", "DEPARTEMENT", "FRANCE_TRAVAIL", "CAF", "AUTRE", "POLE_EMPLOI"};

void spie_budget_clear(spie_budget *b) { b->count = 0; }
void spie_budget_release(spie_budget *b)
{
    if (!b)
        return;
    free(b->lines);
    b->lines = NULL;
    b->count = b->cap = 0;
}

/* ---- columns of each kind (docs/format-extraits.md §3-§5) ---------------------------------------- */

typedef struct colspec {
    const char *name;
    bool required;
} colspec;

enum { B_ID, B_DATE, B_PUBLIC, B_SEXE, B_ANNEE, B_DEPT, B_NCOLS };
enum { E_ID, E_ETAPE, E_DATE, E_TYPE, E_NCOLS };
enum { G_MOIS, G_FIN, G_ENG, G_PAYE, G_DEPT, G_LIB, G_NCOLS };
#define MAX_SPEC_COLS 6

static const colspec benef_cols[B_NCOLS] = {
    {"id_beneficiaire", true}, {"date_entree", true}, {"public", true},
    {"sexe", false}, {"annee_naissance", false}, {"departement", false}};
static const colspec etapes_cols[E_NCOLS] = {
    {"id_beneficiaire", true}, {"etape", true}, {"date_etape", true}, {"type", false}};
static const colspec budget_cols[G_NCOLS] = {
    {"mois", true}, {"financeur", true}, {"montant_engage", true},
    {"montant_paye", true}, {"departement", false}, {"libelle", false}};

static const colspec *kind_cols(spie_kind k, size_t *n)
{
    switch (k) {
    case SPIE_KIND_BENEFICIAIRES: *n = B_NCOLS; return benef_cols;
    case SPIE_KIND_ETAPES: *n = E_NCOLS; return etapes_cols;
    default: *n = G_NCOLS; return budget_cols;
    }
}

/* ---- a set of byte keys (DOUBLON of etapes and budget rows) -------------------------- */

typedef struct key_slot {
    uint64_t hash;
    uint32_t off, len; /* len 0 = empty slot (keys are never empty) */
} key_slot;

typedef struct keyset {
    key_slot *slots;
    size_t nslots, count;
    char *arena;
    size_t arena_len, arena_cap;
} keyset;

static uint64_t key_hash(const void *k, size_t n)
{
    const unsigned char *p = k;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ULL;
    }
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 29;
    return h;
}

static void keyset_free(keyset *s)
{
    free(s->slots);
    free(s->arena);
    memset(s, 0, sizeof *s);
}

static bool keyset_contains(const keyset *s, const void *k, size_t n, uint64_t h)
{
    if (!s->nslots)
        return false;
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i].len; i = (i + 1) & mask)
        if (s->slots[i].hash == h && s->slots[i].len == n && memcmp(s->arena + s->slots[i].off, k, n) == 0)
            return true;
    return false;
}

static void keyset_place(key_slot *slots, size_t nslots, key_slot v)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)v.hash & mask;
    while (slots[i].len)
        i = (i + 1) & mask;
    slots[i] = v;
}

/* Adds a key known to be absent. Returns false when memory runs out. */
static bool keyset_add(keyset *s, const void *k, size_t n, uint64_t h)
{
    if ((s->count + 1) * 2 > s->nslots) {
        size_t nn = s->nslots ? s->nslots * 2 : 4096;
        key_slot *ns = calloc(nn, sizeof *ns);
        if (!ns)
            return false;
        for (size_t i = 0; i < s->nslots; i++)
            if (s->slots[i].len)
                keyset_place(ns, nn, s->slots[i]);
        free(s->slots);
        s->slots = ns;
        s->nslots = nn;
    }
    if (s->arena_len + n > s->arena_cap) {
        size_t nc = s->arena_cap ? s->arena_cap * 2 : 65536;
        while (nc < s->arena_len + n)
            nc *= 2;
        if (nc > UINT32_MAX)
            return false;
        char *a = realloc(s->arena, nc);
        if (!a)
            return false;
        s->arena = a;
        s->arena_cap = nc;
    }
    memcpy(s->arena + s->arena_len, k, n);
    key_slot v = {h, (uint32_t)s->arena_len, (uint32_t)n};
    keyset_place(s->slots, s->nslots, v);
    s->arena_len += n;
    s->count++;
    return true;
}

/* ---- the accepted steps of etapes (DOUBLON), keys held in the slots ------------------ */

typedef struct step_key {
    uint32_t person1; /* person index + 1; 0 = empty slot */
    spie_day day;
    uint8_t step, type;
    uint16_t pad;
} step_key;

typedef struct stepset {
    step_key *slots;
    size_t nslots, count; /* table size in use (a power of two), keys */
    size_t cap;           /* slots allocated (>= nslots): a scratch's table outlives a file */
} stepset;

static uint64_t step_hash(const step_key *k)
{
    uint64_t h = ((uint64_t)k->person1 << 32) ^ (uint32_t)k->day ^ ((uint64_t)k->step << 56) ^ ((uint64_t)k->type << 48);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static bool step_equal(const step_key *a, const step_key *b)
{
    return a->person1 == b->person1 && a->day == b->day && a->step == b->step && a->type == b->type;
}

static bool stepset_contains(const stepset *s, const step_key *k, uint64_t h)
{
    if (!s->nslots)
        return false;
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask; s->slots[i].person1; i = (i + 1) & mask)
        if (step_equal(&s->slots[i], k))
            return true;
    return false;
}

static void stepset_place(step_key *slots, size_t nslots, const step_key *k, uint64_t h)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)h & mask;
    while (slots[i].person1)
        i = (i + 1) & mask;
    slots[i] = *k;
}

/* Adds a key known to be absent. false when memory runs out. */
static bool stepset_add(stepset *s, const step_key *k, uint64_t h)
{
    if ((s->count + 1) * 2 > s->nslots) {
        size_t nn = s->nslots ? s->nslots * 2 : 4096;
        step_key *ns = calloc(nn, sizeof *ns);
        if (!ns)
            return false;
        for (size_t i = 0; i < s->nslots; i++)
            if (s->slots[i].person1)
                stepset_place(ns, nn, &s->slots[i], step_hash(&s->slots[i]));
        free(s->slots);
        s->slots = ns;
        s->nslots = nn;
        s->cap = nn;
    }
    stepset_place(s->slots, s->nslots, k, h);
    s->count++;
    return true;
}

/* Empties the set and sizes it for about `expect` keys (no rehash on the way there),
 * reusing the memory it has. false when memory runs out. */
static bool stepset_reset(stepset *s, size_t expect)
{
    size_t n = 4096;
    while (n < 2 * expect && n < ((size_t)1 << 26))
        n *= 2;
    if (n > s->cap) {
        step_key *ns = calloc(n, sizeof *ns);
        if (!ns)
            return false;
        free(s->slots);
        s->slots = ns;
        s->cap = n;
    } else {
        memset(s->slots, 0, n * sizeof *s->slots);
    }
    s->nslots = n;
    s->count = 0;
    return true;
}

static void stepset_prefetch(const stepset *s, uint64_t h)
{
#if defined(__GNUC__)
    if (s->nslots)
        __builtin_prefetch(&s->slots[(size_t)h & (s->nslots - 1)]);
#else
    (void)s;
    (void)h;
#endif
}

/* ---- growable byte buffer ------------------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static bool buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return true;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->len + extra)
        nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np)
        return false;
    b->p = np;
    b->cap = nc;
    return true;
}

static bool buf_append(buf *b, const void *d, size_t n)
{
    if (!buf_reserve(b, n))
        return false;
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return true;
}

/* ---- the reader ---------------------------------------------------------------------- */

#define RAW_KEEP (SPIE_REJECT_RAW_MAX * 4u) /* bytes of a record kept for the rejects */
#define MAX_UNKNOWN_NOTE 300u

struct reader {
    const spie_extract_job *job;
    spie_file_report *rep;
    struct csv_parser csv;

    /* physical lines */
    uint64_t cur_line;   /* line being fed, 1-based */
    uint64_t rec_start;  /* line where the current record started */
    bool line_has_bytes; /* bytes seen since the last terminator */
    bool prev_cr;        /* the previous byte was a CR (a following LF belongs to it) */
    enum { Q_FIELD_START, Q_UNQUOTED, Q_IN_QUOTES, Q_CLOSE_PENDING, Q_CONTINUATION } qstate;
    buf held_ws;         /* spaces and tabs after a closing quote, held back as they are */
    char qout[4096];     /* normalised bytes on their way to libcsv */
    size_t qout_len;
    size_t bom_seen;     /* bytes examined for a BOM at the start, 3 = done */
    unsigned char bom_buf[3];

    /* header phase */
    char delim;          /* the separator, once the header line is seen */
    bool header_fed;     /* the header line went to libcsv */
    bool have_header;    /* and came back as a row */
    buf hdr;
    int colmap[MAX_SPEC_COLS]; /* spec column -> header field index, -1 absent */
    size_t ncols;              /* fields in the header */
    const colspec *cols;
    size_t ncols_spec;
    char unknown[MAX_UNKNOWN_NOTE];

    /* current record */
    buf raw;             /* first RAW_KEEP bytes of the record (libcsv path) */
    const char *rawp;    /* the record's bytes for the rejects: raw.p, or the line itself */
    size_t rawn;
    uint64_t rec_bytes;
    buf fields;          /* field bytes, back to back (libcsv path) */
    const char *fbase;   /* fields.p, or the line itself: field h is fbase[foff[h]..+flen[h]) */
    size_t *foff, *flen;
    size_t nf, fcap;
    buf xcode;           /* transcoded fields of the current record */
    spie_str val[MAX_SPEC_COLS];

    /* row rules */
    spie_codeset cs_step, cs_type[SPIE_STEP_COUNT], cs_public, cs_sex;
    spie_day last_day;   /* D */
    spie_day first_day;  /* 2020-01-01 */
    spie_month first_month;
    keyset seen;         /* accepted budget keys */
    stepset *steps;      /* accepted etapes keys: own_steps or the scratch's */
    stepset own_steps;
    buf key;

    /* etapes rows waiting for their person (see "etapes rows in flight"): own or the scratch's */
    struct pending *pipe;
    char *pipe_raw;
    bool own_pipe;
    size_t pipe_head, pipe_len;
    bool in_flush;

    bool failed;
};

typedef struct reader reader;

/* Field h of the current record. A record whose fields are all empty has stored no byte
 * (fields.p may still be NULL): its fields point to "". */
static spie_str field_at(const reader *r, size_t h)
{
    spie_str f = {r->fbase ? r->fbase + r->foff[h] : "", r->flen[h]};
    return f;
}

static void failf(reader *r, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void pipe_flush(reader *r);

static void failf(reader *r, uint64_t offset, const char *fmt, ...)
{
    if (r->failed)
        return;
    pipe_flush(r); /* the rows before the failure are judged first, as they came */
    if (r->failed)
        return;
    r->failed = true;
    r->rep->usable = false;
    r->rep->fail_line = r->cur_line;
    r->rep->fail_offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->rep->motif, sizeof r->rep->motif, fmt, ap);
    va_end(ap);
}

static void fail_memory(reader *r)
{
    failf(r, 0, "ligne %llu : mémoire insuffisante", (unsigned long long)r->cur_line);
}

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n || !spie_utf8_valid(s, len))
        return 0;
    return len;
}

/* The record as UTF-8 for the rejects file, cut at SPIE_REJECT_RAW_MAX characters. Valid
 * UTF-8 sequences are kept; any other byte is taken as Windows-1252, as the fields are, so
 * a line mixing a Windows-1252 field and a UTF-8 field shows both right. A sequence cut by
 * the RAW_KEEP limit is dropped, not transcoded. *out is NULL when memory ran out. */
static size_t raw_for_reject(reader *r, const char **out)
{
    const char *s = r->rawp ? r->rawp : "";
    size_t n = r->rawn;
    if (spie_utf8_valid(s, n)) {
        *out = s;
    } else {
        r->xcode.len = 0;
        if (!buf_reserve(&r->xcode, 3 * n + 1)) {
            *out = NULL; /* memory ran out: the caller fails the file */
            return 0;
        }
        char *d = r->xcode.p;
        size_t w = 0;
        for (size_t i = 0; i < n;) {
            size_t k = utf8_seq(s + i, n - i);
            if (k) {
                memcpy(d + w, s + i, k);
                w += k;
                i += k;
                continue;
            }
            if (n == RAW_KEEP && n - i < 4 && (unsigned char)s[i] >= 0xC0)
                break; /* a sequence cut by the limit */
            w += spie_cp1252_to_utf8(s + i, 1, d + w);
            i++;
        }
        *out = d;
        s = d;
        n = w;
    }
    size_t chars = 0, i = 0;
    while (i < n && chars < SPIE_REJECT_RAW_MAX) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        chars++;
    }
    return i;
}

static void reject(reader *r, spie_reason why, int col)
{
    spie_file_report *rep = r->rep;
    if (r->pipe_len && !r->in_flush) {
        pipe_flush(r); /* the rejects keep the order of the lines */
        if (r->failed) {
            rep->rows_read--; /* this row comes after the failure: it was never read */
            return;
        }
    }
    rep->rows_rejected++;
    rep->by_reason[why]++;
    if (!r->job->reject)
        return;
    spie_reject rj;
    rj.file = r->job->relname;
    rj.line = r->rec_start;
    rj.column = col >= 0 ? r->cols[col].name : NULL;
    rj.reason = why;
    rj.raw_len = raw_for_reject(r, &rj.raw);
    if (!rj.raw) { /* never a reject written without its line */
        fail_memory(r);
        return;
    }
    if (r->job->reject(r->job->reject_ctx, &rj) != 0) {
        rep->sink_failed = true;
        failf(r, 0, "ligne %llu : écriture du fichier des rejets impossible", (unsigned long long)r->rec_start);
    }
}

static bool has_high_byte(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            return true;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return true;
    return false;
}

/* Fills r->val for the spec columns: trimmed, UTF-8 (Windows-1252 transcoded). */
static bool prepare_fields(reader *r)
{
    r->xcode.len = 0;
    /* Reserve once so that pointers into xcode stay valid while filling. */
    size_t need = 0;
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->colmap[c] >= 0)
            need += 3 * r->flen[r->colmap[c]];
    if (!buf_reserve(&r->xcode, need + 1))
        return false;
    for (size_t c = 0; c < r->ncols_spec; c++) {
        int h = r->colmap[c];
        if (h < 0) {
            r->val[c].s = "";
            r->val[c].n = 0;
            continue;
        }
        spie_str f = field_at(r, (size_t)h);
        f = spie_trim(f);
        if (has_high_byte(f.s, f.n) && !spie_utf8_valid(f.s, f.n)) {
            char *dst = r->xcode.p + r->xcode.len;
            size_t w = spie_cp1252_to_utf8(f.s, f.n, dst);
            r->xcode.len += w;
            f.s = dst;
            f.n = w;
            r->rep->transcoded = true;
        }
        r->val[c] = f;
    }
    return true;
}

static bool dept_equal(spie_str v, const char *dept)
{
    size_t n = strlen(dept);
    if (v.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = v.s[i], b = dept[i];
        if (a >= 'a' && a <= 'z')
            a = (char)(a - 'a' + 'A');
        if (a != b)
            return false;
    }
    return true;
}

/* The first empty required column (in the spec's order), or -1. */
static int first_missing(const reader *r)
{
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->cols[c].required && r->val[c].n == 0)
            return (int)c;
    return -1;
}

static int date_rules(reader *r, spie_day d, spie_reason *why)
{
    if (d > r->last_day) {
        *why = SPIE_R_DATE_FUTURE;
        return 1;
    }
    if (d < r->first_day) {
        *why = SPIE_R_DATE_HORS_PROGRAMME;
        return 1;
    }
    return 0;
}

static void row_beneficiaires(reader *r)
{
    const spie_str *v = r->val;
    spie_reason why;
    int col;
    if ((col = first_missing(r)) >= 0)
        { reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    if (!spie_valid_id(v[B_ID]))
        { reject(r, SPIE_R_ID_INVALIDE, B_ID); return; }
    spie_day entry;
    if (!spie_parse_date(v[B_DATE], &entry))
        { reject(r, SPIE_R_DATE_INVALIDE, B_DATE); return; }
    int pub = spie_codeset_find(&r->cs_public, v[B_PUBLIC]);
    if (pub < 0)
        { reject(r, SPIE_R_CODE_INVALIDE, B_PUBLIC); return; }
    int sex = SPIE_SEX_UNKNOWN;
    if (v[B_SEXE].n && (sex = spie_codeset_find(&r->cs_sex, v[B_SEXE])) < 0)
        { reject(r, SPIE_R_CODE_INVALIDE, B_SEXE); return; }
    if (v[B_DEPT].n && !dept_equal(v[B_DEPT], r->job->dept))
        { reject(r, SPIE_R_DEPT_INCOHERENT, B_DEPT); return; }
    if (date_rules(r, entry, &why))
        { reject(r, why, B_DATE); return; }
    int year = 0;
    if (v[B_ANNEE].n) {
        int ey, em, ed;
        spie_day_to_ymd(entry, &ey, &em, &ed);
        if (!spie_parse_year(v[B_ANNEE], &year) || year < 1900 || year > ey - 14)
            { reject(r, SPIE_R_ANNEE_NAISSANCE, B_ANNEE); return; }
    }
    spie_persons *ps = r->job->persons;
    if (spie_persons_find(ps, v[B_ID].s, v[B_ID].n) >= 0)
        { reject(r, SPIE_R_DOUBLON, B_ID); return; }
    long idx = spie_persons_add(ps, v[B_ID].s, v[B_ID].n);
    if (idx < 0)
        { fail_memory(r); return; }
    spie_person *p = spie_persons_at(ps, (size_t)idx);
    p->entry = entry;
    p->public_ = (uint8_t)pub;
    p->sex = (uint8_t)sex;
    p->birth_year = (int16_t)year;
    r->rep->rows_accepted++;
}

/* ---- etapes rows in flight ------------------------------------------------------------
 * The rules of an etapes row that need its person (unknown person, DOUBLON, step before
 * entry, REPRISE without type) touch two places of tables far larger than the caches: the
 * person's hash slot and record, and the slot of the step key. The rows come in date
 * order, so each is a cache miss. So a row that passed the other rules waits in a ring of
 * PIPE rows: when it enters, the load of its hash slot starts; PIPE/2 rows later its
 * candidate record and step slot start loading; when it leaves, the rules run as they
 * would have at once, on lines already in cache. Nothing else changes: rows are judged in
 * the order of the lines, and every other reject, a failure and the end of the file first
 * let the waiting rows through, so the rejects, the counts and the stores are those of a
 * row-by-row reading. */

#define PIPE 16u /* a power of two */

typedef struct pending {
    uint64_t line;   /* the row's line, for its reject */
    uint64_t h;      /* hash of its id */
    uint64_t key_h;  /* hash of its step key with the candidate person */
    long cand;       /* candidate person (spie_persons_candidate), -2 before the probe */
    spie_day day;
    uint8_t step, type, id_len;
    char id[64];     /* spie_valid_id: at most 64 bytes */
    size_t raw_len;  /* its first RAW_KEEP bytes, at raw */
    char *raw;
} pending;

static bool pipe_alloc(struct pending **pipe, char **raw)
{
    *pipe = calloc(PIPE, sizeof **pipe);
    *raw = malloc((size_t)PIPE * RAW_KEEP);
    if (!*pipe || !*raw)
        return false;
    for (size_t i = 0; i < PIPE; i++)
        (*pipe)[i].raw = *raw + i * RAW_KEEP;
    return true;
}

/* ---- memory kept from one file to the next (spie_extract_scratch) ------------------------
 * A worker reads file after file; without this, the read buffer, the ring and the step
 * table (tens of MB for a large territory) would be allocated and freed for each file,
 * and the kernel would map, zero and unmap those pages each time. */

#define READ_CHUNK (256u * 1024u)

struct spie_extract_scratch {
    char *chunk; /* READ_CHUNK bytes */
    stepset steps;
    struct pending *pipe;
    char *pipe_raw;
};

spie_extract_scratch *spie_extract_scratch_new(void)
{
    spie_extract_scratch *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->chunk = malloc(READ_CHUNK);
    if (!sc->chunk || !pipe_alloc(&sc->pipe, &sc->pipe_raw)) {
        spie_extract_scratch_free(sc);
        return NULL;
    }
    return sc;
}

void spie_extract_scratch_free(spie_extract_scratch *sc)
{
    if (!sc)
        return;
    free(sc->chunk);
    free(sc->steps.slots);
    free(sc->pipe);
    free(sc->pipe_raw);
    free(sc);
}

static void etapes_judge(reader *r, pending *e);

/* Judges the oldest waiting row. */
static void pipe_pop(reader *r)
{
    pending *e = &r->pipe[r->pipe_head];
    r->pipe_head = (r->pipe_head + 1) & (PIPE - 1);
    r->pipe_len--;
    etapes_judge(r, e);
}

static void pipe_flush(reader *r)
{
    if (r->in_flush)
        return;
    r->in_flush = true;
    while (r->pipe_len && !r->failed)
        pipe_pop(r);
    if (r->failed) { /* rows after the failure were never read */
        r->rep->rows_read -= r->pipe_len;
        r->pipe_len = 0;
    }
    r->in_flush = false;
}

static void pipe_probe(reader *r, pending *e)
{
    e->cand = spie_persons_candidate(r->job->persons, e->h);
    if (e->cand >= 0) {
        step_key key = {(uint32_t)e->cand + 1, e->day, e->step, e->type, 0};
        e->key_h = step_hash(&key);
        stepset_prefetch(r->steps, e->key_h);
    }
}

static void pipe_push(reader *r, spie_str id, spie_day day, uint8_t step, uint8_t type)
{
    if (r->pipe_len == PIPE) {
        r->in_flush = true;
        pipe_pop(r);
        r->in_flush = false;
        if (r->failed) {
            r->rep->rows_read -= r->pipe_len + 1; /* these rows and this one come after the failure */
            r->pipe_len = 0;
            return;
        }
    }
    pending *e = &r->pipe[(r->pipe_head + r->pipe_len) & (PIPE - 1)];
    e->line = r->rec_start;
    e->day = day;
    e->step = step;
    e->type = type;
    e->id_len = (uint8_t)id.n;
    memcpy(e->id, id.s, id.n);
    e->raw_len = r->rawn;
    if (r->rawn)
        memcpy(e->raw, r->rawp, r->rawn);
    e->h = spie_persons_hash(id.s, id.n);
    e->cand = -2;
    spie_persons_prefetch(r->job->persons, e->h);
    r->pipe_len++;
    if (r->pipe_len > PIPE / 2)
        pipe_probe(r, &r->pipe[(r->pipe_head + r->pipe_len - 1 - PIPE / 2) & (PIPE - 1)]);
}

/* A reject of a waiting row: its own line and bytes. */
static void reject_pending(reader *r, const pending *e, spie_reason why, int col)
{
    uint64_t line = r->rec_start;
    const char *rawp = r->rawp;
    size_t rawn = r->rawn;
    r->rec_start = e->line;
    r->rawp = e->raw;
    r->rawn = e->raw_len;
    reject(r, why, col);
    r->rec_start = line;
    r->rawp = rawp;
    r->rawn = rawn;
}

/* The rules of docs/format-extraits.md §6 that need the person, in their order. */
static void etapes_judge(reader *r, pending *e)
{
    spie_persons *ps = r->job->persons;
    long idx = spie_persons_find_hashed(ps, e->id, e->id_len, e->h);
    /* DOUBLON compares with accepted rows only; an unknown person has none. */
    step_key key = {0, e->day, e->step, e->type, 0};
    uint64_t h = 0;
    if (idx >= 0) {
        key.person1 = (uint32_t)idx + 1;
        h = idx == e->cand ? e->key_h : step_hash(&key);
        if (stepset_contains(r->steps, &key, h))
            { reject_pending(r, e, SPIE_R_DOUBLON, E_ID); return; }
    }
    if (idx < 0)
        { reject_pending(r, e, SPIE_R_BENEFICIAIRE_INCONNU, E_ID); return; }
    spie_person *p = spie_persons_at(ps, (size_t)idx);
    if (e->day < p->entry)
        { reject_pending(r, e, SPIE_R_ETAPE_AVANT_ENTREE, E_DATE); return; }
    if (e->step == SPIE_STEP_REPRISE && e->type == SPIE_NO_TYPE)
        { reject_pending(r, e, SPIE_R_TYPE_MANQUANT, E_TYPE); return; }
    if (!stepset_add(r->steps, &key, h))
        { fail_memory(r); return; }
    spie_person_add_step(p, (spie_step)e->step, e->type, e->day);
    r->rep->rows_accepted++;
}

static void row_etapes(reader *r)
{
    const spie_str *v = r->val;
    spie_reason why;
    int col;
    if ((col = first_missing(r)) >= 0)
        { reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    if (!spie_valid_id(v[E_ID]))
        { reject(r, SPIE_R_ID_INVALIDE, E_ID); return; }
    spie_day day;
    if (!spie_parse_date(v[E_DATE], &day))
        { reject(r, SPIE_R_DATE_INVALIDE, E_DATE); return; }
    int step = spie_codeset_find(&r->cs_step, v[E_ETAPE]);
    if (step < 0)
        { reject(r, SPIE_R_CODE_INVALIDE, E_ETAPE); return; }
    unsigned type = SPIE_NO_TYPE;
    if (v[E_TYPE].n) {
        int t = spie_codeset_find(&r->cs_type[step], v[E_TYPE]); /* -1 for a step without types */
        if (t < 0)
            { reject(r, SPIE_R_CODE_INVALIDE, E_TYPE); return; }
        type = (unsigned)t;
    }
    if (date_rules(r, day, &why))
        { reject(r, why, E_DATE); return; }
    pipe_push(r, v[E_ID], day, (uint8_t)step, (uint8_t)type);
}

static void row_budget(reader *r)
{
    const spie_str *v = r->val;
    int col;
    if ((col = first_missing(r)) >= 0)
        { reject(r, SPIE_R_CHAMP_MANQUANT, col); return; }
    spie_month m;
    if (!spie_parse_month(v[G_MOIS], &m))
        { reject(r, SPIE_R_DATE_INVALIDE, G_MOIS); return; }
    int fin = spie_parse_code(v[G_FIN], financer_read_codes, SPIE_ARRAY_LEN(financer_read_codes));
    if (fin < 0)
        { reject(r, SPIE_R_CODE_INVALIDE, G_FIN); return; }
    if (fin == 5)
        fin = SPIE_FIN_FRANCE_TRAVAIL;
    spie_cents eng, paid;
    if (!spie_parse_amount(v[G_ENG], &eng))
        { reject(r, SPIE_R_MONTANT_INVALIDE, G_ENG); return; }
    if (!spie_parse_amount(v[G_PAYE], &paid))
        { reject(r, SPIE_R_MONTANT_INVALIDE, G_PAYE); return; }
    if (v[G_DEPT].n && !dept_equal(v[G_DEPT], r->job->dept))
        { reject(r, SPIE_R_DEPT_INCOHERENT, G_DEPT); return; }
    if (m > spie_month_of_day(r->last_day))
        { reject(r, SPIE_R_DATE_FUTURE, G_MOIS); return; }
    if (m < r->first_month)
        { reject(r, SPIE_R_DATE_HORS_PROGRAMME, G_MOIS); return; }
    /* Key on parsed values: month, financer, amounts, upper-cased département, libellé. */
    r->key.len = 0;
    unsigned char head[21];
    memcpy(head, &m, 4);
    head[4] = (unsigned char)fin;
    memcpy(head + 5, &eng, 8);
    memcpy(head + 13, &paid, 8);
    char dept[8] = {0};
    size_t dn = v[G_DEPT].n < 7 ? v[G_DEPT].n : 7;
    for (size_t i = 0; i < dn; i++) {
        char c = v[G_DEPT].s[i];
        dept[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    uint32_t ln = (uint32_t)v[G_LIB].n;
    if (!buf_append(&r->key, head, sizeof head) || !buf_append(&r->key, dept, sizeof dept) ||
        !buf_append(&r->key, &ln, 4) || !buf_append(&r->key, v[G_LIB].s, v[G_LIB].n))
        { fail_memory(r); return; }
    uint64_t h = key_hash(r->key.p, r->key.len);
    if (keyset_contains(&r->seen, r->key.p, r->key.len, h))
        { reject(r, SPIE_R_DOUBLON, G_MOIS); return; }
    spie_budget *b = r->job->budget;
    if (b->count == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        spie_budget_line *nl = realloc(b->lines, nc * sizeof *nl);
        if (!nl)
            { fail_memory(r); return; }
        b->lines = nl;
        b->cap = nc;
    }
    if (!keyset_add(&r->seen, r->key.p, r->key.len, h))
        { fail_memory(r); return; }
    spie_budget_line *l = &b->lines[b->count++];
    l->month = m;
    l->financer = (uint8_t)fin;
    l->engaged = eng;
    l->paid = paid;
    r->rep->rows_accepted++;
}

static bool name_equal(spie_str f, const char *name)
{
    size_t n = strlen(name);
    if (f.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = f.s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != name[i])
            return false;
    }
    return true;
}

/* Writes a header name into dst[len..cap) as reports may show it (the motif goes to a
 * UTF-8 CSV and a workbook): its first 64 bytes as UTF-8 (Windows-1252 transcoded when
 * they are not), control characters as '?', whole characters only, "…" when cut.
 * Needs cap >= len + 4; keeps dst NUL-terminated. */
static void append_name(char *dst, size_t len, size_t cap, spie_str f)
{
    char tmp[3 * 64];
    size_t tn = f.n < 64 ? f.n : 64;
    while (tn < f.n && tn > 60 && ((unsigned char)f.s[tn] & 0xC0) == 0x80)
        tn--; /* a UTF-8 name is cut between characters, not inside one */
    const char *src = f.s;
    if (!spie_utf8_valid(f.s, tn)) {
        tn = spie_cp1252_to_utf8(f.s, tn, tmp);
        src = tmp;
    }
    size_t room = cap - len - 4;
    size_t n = 0;
    while (n < tn) {
        size_t k = utf8_seq(src + n, tn - n);
        if (!k || n + k > room)
            break;
        for (size_t i = 0; i < k; i++)
            dst[len + n + i] = (unsigned char)src[n + i] < 0x20 ? '?' : src[n + i];
        n += k;
    }
    dst[len + n] = 0;
    if (n < tn || f.n > 64)
        memcpy(dst + len + n, "…", sizeof "…");
}

static void note_unknown(reader *r, spie_str f)
{
    size_t len = strlen(r->unknown);
    if (len + 8 >= sizeof r->unknown)
        return;
    if (len) {
        r->unknown[len++] = ',';
        r->unknown[len++] = ' ';
        r->unknown[len] = 0;
    }
    append_name(r->unknown, len, sizeof r->unknown, f);
}

static bool same_name(spie_str a, spie_str b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++) {
        char x = a.s[i], y = b.s[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

static void process_header(reader *r)
{
    r->have_header = true;
    r->ncols = r->nf;
    for (size_t c = 0; c < r->ncols_spec; c++)
        r->colmap[c] = -1;
    for (size_t h = 0; h < r->nf; h++) {
        spie_str f = spie_trim(field_at(r, h));
        size_t c = 0;
        while (c < r->ncols_spec && !name_equal(f, r->cols[c].name))
            c++;
        if (c == r->ncols_spec) {
            /* docs/format-extraits.md §2: a column named twice makes the file unusable, known or not. */
            for (size_t k = 0; f.n && k < h; k++)
                if (same_name(f, spie_trim(field_at(r, k)))) {
                    char shown[3 * 64 + 8];
                    append_name(shown, 0, sizeof shown, f);
                    failf(r, 0, "ligne %llu : colonne « %s » en double dans l'en-tête",
                          (unsigned long long)r->rec_start, shown);
                    return;
                }
            note_unknown(r, f);
            continue;
        }
        if (r->colmap[c] >= 0)
            { failf(r, 0, "ligne %llu : colonne « %s » en double dans l'en-tête",
                         (unsigned long long)r->rec_start, r->cols[c].name); return; }
        r->colmap[c] = (int)h;
    }
    for (size_t c = 0; c < r->ncols_spec; c++)
        if (r->cols[c].required && r->colmap[c] < 0)
            { failf(r, 0, "ligne %llu : colonne obligatoire « %s » absente de l'en-tête",
                         (unsigned long long)r->rec_start, r->cols[c].name); return; }
}

/* Room for one more field in foff/flen. */
static bool grow_fields(reader *r)
{
    size_t nc = r->fcap ? r->fcap * 2 : 16;
    size_t *no = realloc(r->foff, nc * sizeof *no);
    if (!no)
        return false;
    r->foff = no;
    size_t *nl = realloc(r->flen, nc * sizeof *nl);
    if (!nl)
        return false;
    r->flen = nl;
    r->fcap = nc;
    return true;
}

/* libcsv: end of a field. */
static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (len > SPIE_FIELD_MAX)
        { failf(r, 0, "ligne %llu : champ de plus de %u octets", (unsigned long long)r->rec_start,
                     SPIE_FIELD_MAX); return; }
    if (r->nf == SPIE_COLUMNS_MAX)
        { failf(r, 0, "ligne %llu : plus de %u champs", (unsigned long long)r->rec_start, SPIE_COLUMNS_MAX); return; }
    if (r->nf == r->fcap && !grow_fields(r))
        { fail_memory(r); return; }
    r->foff[r->nf] = r->fields.len;
    r->flen[r->nf] = len;
    if (len && !buf_append(&r->fields, s, len))
        { fail_memory(r); return; }
    r->nf++;
}

static void end_record(reader *r)
{
    r->nf = 0;
    r->fields.len = 0;
    r->raw.len = 0;
    r->rec_bytes = 0;
}

static void data_record(reader *r)
{
    r->rep->rows_read++;
    if (r->nf != r->ncols) {
        reject(r, SPIE_R_NB_CHAMPS, -1);
    } else if (!prepare_fields(r)) {
        fail_memory(r);
    } else {
        switch (r->job->kind) {
        case SPIE_KIND_BENEFICIAIRES: row_beneficiaires(r); break;
        case SPIE_KIND_ETAPES: row_etapes(r); break;
        default: row_budget(r); break;
        }
    }
}

/* libcsv: end of a record (or of a blank line, under CSV_REPALL_NL). */
static void on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (r->failed)
        return;
    r->fbase = r->fields.p;
    r->rawp = r->raw.p;
    r->rawn = r->raw.len;
    if (r->nf == 0) {
        r->rep->empty_lines++;
    } else if (!r->have_header) {
        process_header(r);
    } else {
        data_record(r);
    }
    end_record(r);
    r->rec_start = r->cur_line + 1;
}

static bool blank(const char *p, size_t n);

static void csv_feed(reader *r, const char *p, size_t n)
{
    if (n && csv_parse(&r->csv, p, n, on_field, on_row, r) != n)
        failf(r, 0, "ligne %llu : %s", (unsigned long long)r->cur_line, csv_strerror(csv_error(&r->csv)));
}

/* ---- quote normalisation ----------------------------------------------------------------
 * docs/format-extraits.md §2 wants: a quote inside an unquoted field is a literal character, and
 * characters after a closing quote are appended to the field ("B2"x -> B2x). libcsv (non
 * strict) takes the first as the spec says but, on the second, goes back into quoted mode
 * and swallows the following separators and lines. So the bytes pass through this small
 * state machine before libcsv: a closing quote followed by other characters is held back
 * and re-emitted just before the field's end, and the characters in between reach libcsv
 * inside the quotes (a '"' among them doubled), which gives the field the spec asks for.
 * Rows without any '"' take a fast path. */

static void out_flush(reader *r)
{
    csv_feed(r, r->qout, r->qout_len);
    r->qout_len = 0;
}

static void out_byte(reader *r, char c)
{
    if (r->qout_len == sizeof r->qout)
        out_flush(r);
    r->qout[r->qout_len++] = c;
}

static void out_bytes(reader *r, const char *p, size_t n)
{
    while (n > 0) {
        if (r->qout_len == sizeof r->qout)
            out_flush(r);
        size_t k = sizeof r->qout - r->qout_len;
        if (k > n)
            k = n;
        memcpy(r->qout + r->qout_len, p, k);
        r->qout_len += k;
        p += k;
        n -= k;
    }
}

static void emit_held_spaces(reader *r)
{
    for (size_t i = 0; i < r->held_ws.len; i++)
        out_byte(r, r->held_ws.p[i]);
    r->held_ws.len = 0;
}

/* The end of a physical line, seen by the quote state machine. */
static void quote_eol(reader *r)
{
    switch (r->qstate) {
    case Q_CLOSE_PENDING:
        out_byte(r, '"');
        emit_held_spaces(r);
        r->qstate = Q_FIELD_START;
        break;
    case Q_CONTINUATION:
        out_byte(r, '"');
        r->qstate = Q_FIELD_START;
        break;
    case Q_IN_QUOTES:
        break; /* the record goes on to the next line */
    default:
        r->qstate = Q_FIELD_START;
        break;
    }
    out_flush(r);
}

static void quote_feed(reader *r, const char *p, size_t n)
{
    const char delim = (char)csv_get_delim(&r->csv);
    if ((r->qstate == Q_FIELD_START || r->qstate == Q_UNQUOTED || r->qstate == Q_IN_QUOTES) &&
        !memchr(p, '"', n)) {
        csv_feed(r, p, n);
        if (r->qstate != Q_IN_QUOTES) {
            const char *d = memrchr(p, delim, n);
            const char *rest = d ? d + 1 : p;
            if (d)
                r->qstate = Q_FIELD_START;
            if (!blank(rest, (size_t)(p + n - rest)))
                r->qstate = Q_UNQUOTED;
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        /* Runs that need no decision go in bulk: the inside of a quoted field up to the
         * next quote, an unquoted field up to the next separator. */
        if (r->qstate == Q_IN_QUOTES || r->qstate == Q_UNQUOTED) {
            const char *stop = memchr(p + i, r->qstate == Q_IN_QUOTES ? '"' : delim, n - i);
            size_t run = stop ? (size_t)(stop - (p + i)) : n - i;
            out_bytes(r, p + i, run);
            i += run;
            if (i == n)
                break;
        }
        char c = p[i];
        switch (r->qstate) {
        case Q_FIELD_START:
            if (c == '"')
                r->qstate = Q_IN_QUOTES;
            else if (c != delim && c != ' ' && c != '\t')
                r->qstate = Q_UNQUOTED;
            out_byte(r, c);
            break;
        case Q_UNQUOTED:
            if (c == delim)
                r->qstate = Q_FIELD_START;
            out_byte(r, c);
            break;
        case Q_IN_QUOTES:
            if (c == '"')
                r->qstate = Q_CLOSE_PENDING; /* held back */
            else
                out_byte(r, c);
            break;
        case Q_CLOSE_PENDING:
            if (c == '"' && r->held_ws.len == 0) { /* "" inside quotes */
                out_byte(r, '"');
                out_byte(r, '"');
                r->qstate = Q_IN_QUOTES;
            } else if (c == ' ' || c == '\t') {
                if (!buf_append(&r->held_ws, &c, 1)) {
                    fail_memory(r);
                    return;
                }
            } else if (c == delim) {
                out_byte(r, '"');
                emit_held_spaces(r);
                out_byte(r, c);
                r->qstate = Q_FIELD_START;
            } else { /* characters after the closing quote: appended to the field */
                emit_held_spaces(r);
                if (c == '"')
                    out_byte(r, '"');
                out_byte(r, c);
                r->qstate = Q_CONTINUATION;
            }
            break;
        case Q_CONTINUATION:
            if (c == delim) {
                out_byte(r, '"');
                out_byte(r, c);
                r->qstate = Q_FIELD_START;
            } else {
                if (c == '"')
                    out_byte(r, '"');
                out_byte(r, c);
            }
            break;
        }
    }
    out_flush(r);
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return false;
    return true;
}

/* Bytes of one physical line (no terminator); a line may come in several pieces. */
static void segment(reader *r, const char *p, size_t n)
{
    r->line_has_bytes = true;
    r->rec_bytes += n;
    if (r->rec_bytes > SPIE_RECORD_MAX)
        { failf(r, 0, "ligne %llu : enregistrement de plus de %u octets", (unsigned long long)r->rec_start,
                     SPIE_RECORD_MAX); return; }
    if (!r->header_fed) {
        if (!buf_append(&r->hdr, p, n))
            fail_memory(r);
        return;
    }
    if (r->raw.len < RAW_KEEP) {
        size_t k = RAW_KEEP - r->raw.len;
        if (!buf_append(&r->raw, p, n < k ? n : k))
            { fail_memory(r); return; }
    }
    quote_feed(r, p, n);
}

/* The end of a physical line. */
static void end_of_line(reader *r)
{
    if (!r->header_fed) {
        if (blank(r->hdr.p, r->hdr.len)) {
            r->rep->empty_lines++;
            r->hdr.len = 0;
            r->rec_bytes = 0;
            r->rec_start = r->cur_line + 1;
        } else {
            size_t semi = 0, comma = 0;
            for (size_t i = 0; i < r->hdr.len; i++) {
                semi += r->hdr.p[i] == ';';
                comma += r->hdr.p[i] == ',';
            }
            r->delim = semi > comma ? ';' : ',';
            csv_set_delim(&r->csv, (unsigned char)r->delim);
            r->header_fed = true;
            quote_feed(r, r->hdr.p, r->hdr.len);
            quote_eol(r);
            csv_feed(r, "\n", 1);
            r->hdr.len = 0;
        }
    } else {
        quote_eol(r);
        csv_feed(r, "\n", 1);
        if (r->qstate == Q_IN_QUOTES) {
            r->rec_bytes++;
            if (r->raw.len < RAW_KEEP && !buf_append(&r->raw, "\n", 1))
                fail_memory(r);
        }
    }
    r->cur_line++;
    r->line_has_bytes = false;
}

/* ---- the plain-line path ---------------------------------------------------------------
 * Almost every line of a real extract is a whole record whose fields are either unquoted
 * without any '"', or quoted from their first byte to a closing quote that is followed by
 * the separator or the end of the line, with no '"' inside. For such a line, splitting at
 * the separators gives exactly the fields that the quote normaliser and libcsv give
 * (libcsv's trimming of unquoted fields is redone by prepare_fields anyway), so the line
 * is split here, in place, without copying a byte. Any other line (a doubled or stray
 * quote, characters after a closing quote, a quote left open, a blank line, a field or a
 * field count over the limits) returns false and goes to libcsv, which stays the
 * reference: job->csv_reference sends every line there, and the tests and the fuzzer
 * compare both paths. */
static bool plain_line(reader *r, const char *p, size_t n)
{
    if (n > SPIE_RECORD_MAX || blank(p, n))
        return false;
    const char *s = p, *const end = p + n;
    size_t nf = 0;
    for (;;) {
        const char *fs, *fe, *next;
        if (s < end && *s == '"') {
            const char *q = memchr(s + 1, '"', (size_t)(end - s - 1));
            if (!q || (q + 1 < end && q[1] != r->delim))
                return false;
            fs = s + 1;
            fe = q;
            next = q + 1;
        } else {
            const char *d = memchr(s, r->delim, (size_t)(end - s));
            fe = d ? d : end;
            if (memchr(s, '"', (size_t)(fe - s)))
                return false;
            fs = s;
            next = fe;
        }
        if ((size_t)(fe - fs) > SPIE_FIELD_MAX || nf == SPIE_COLUMNS_MAX)
            return false;
        if (nf == r->fcap && !grow_fields(r))
            return false; /* libcsv's path meets the same shortage and says so */
        r->foff[nf] = (size_t)(fs - p);
        r->flen[nf] = (size_t)(fe - fs);
        nf++;
        if (next == end)
            break;
        s = next + 1;
    }
    r->nf = nf;
    r->fbase = p;
    r->rawp = p;
    r->rawn = n < RAW_KEEP ? n : RAW_KEEP;
    data_record(r);
    end_record(r);
    r->rec_start = r->cur_line + 1;
    return true;
}

static void feed(reader *r, const char *p, size_t n)
{
    /* A UTF-8 BOM at the very start is not data; UTF-16 is refused. The first bytes are
     * held back until they can be told apart from the start of either BOM. */
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (r->bom_seen < 3 && n > 0) {
        r->bom_buf[r->bom_seen++] = (unsigned char)*p++;
        n--;
        unsigned char b0 = r->bom_buf[0];
        if (r->bom_seen == 2 && ((b0 == 0xFF && r->bom_buf[1] == 0xFE) || (b0 == 0xFE && r->bom_buf[1] == 0xFF))) {
            failf(r, 0, "encodage UTF-16 non pris en charge (UTF-8 ou Windows-1252 attendu)");
            return;
        }
        if (memcmp(r->bom_buf, bom, r->bom_seen) == 0) {
            if (r->bom_seen == 3)
                break; /* a UTF-8 BOM: dropped */
            continue;
        }
        if (r->bom_seen == 1 && (b0 == 0xFF || b0 == 0xFE))
            continue;
        /* Not a BOM: what was held back is data. */
        size_t held = r->bom_seen;
        r->bom_seen = 3;
        feed(r, (const char *)r->bom_buf, held);
        break;
    }
    const char *end = p + n;
    const char *cr = n ? memchr(p, '\r', n) : NULL;
    while (p < end && !r->failed) {
        if (r->prev_cr) {
            r->prev_cr = false;
            if (*p == '\n') {
                p++;
                continue;
            }
        }
        if (cr && cr < p)
            cr = memchr(p, '\r', (size_t)(end - p));
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        const char *eol = lf;
        if (cr && (!eol || cr < eol))
            eol = cr;
        size_t seg = (size_t)((eol ? eol : end) - p);
        if (eol && seg && !r->line_has_bytes && r->have_header && r->qstate == Q_FIELD_START &&
            !r->job->csv_reference && plain_line(r, p, seg)) {
            r->cur_line++;
        } else {
            if (seg)
                segment(r, p, seg);
            if (!eol || r->failed)
                break;
            end_of_line(r);
        }
        r->prev_cr = *eol == '\r';
        p = eol + 1;
    }
}

static bool reader_init(reader *r, const spie_extract_job *job, spie_file_report *rep)
{
    memset(r, 0, sizeof *r);
    memset(rep, 0, sizeof *rep);
    r->job = job;
    r->rep = rep;
    rep->usable = true;
    r->cur_line = 1;
    r->rec_start = 1;
    r->cols = kind_cols(job->kind, &r->ncols_spec);
    r->last_day = spie_month_last_day(job->period);
    spie_day_from_ymd(2020, 1, 1, &r->first_day);
    spie_month_from_ym(2020, 1, &r->first_month);
    /* The code lists are short: spie_codeset_init cannot fail on them. */
    static const char *const sexes[] = {"F", "M"};
    (void)spie_codeset_init(&r->cs_public, spie_public_codes, SPIE_PUBLIC_COUNT);
    (void)spie_codeset_init(&r->cs_sex, sexes, SPIE_ARRAY_LEN(sexes));
    (void)spie_codeset_init(&r->cs_step, spie_step_codes, SPIE_STEP_COUNT);
    for (int s = 0; s < SPIE_STEP_COUNT; s++) {
        size_t nt;
        const char *const *types = spie_step_types((spie_step)s, &nt);
        (void)spie_codeset_init(&r->cs_type[s], types, types ? nt : 0);
    }
    spie_extract_scratch *sc = job->scratch;
    r->steps = sc ? &sc->steps : &r->own_steps;
    bool ok = csv_init(&r->csv, CSV_REPALL_NL) == 0;
    if (ok && job->kind == SPIE_KIND_ETAPES) {
        if (sc) {
            r->pipe = sc->pipe;
            r->pipe_raw = sc->pipe_raw;
        } else {
            r->own_pipe = true;
            ok = pipe_alloc(&r->pipe, &r->pipe_raw);
        }
        /* About 8 steps a person at most, on average: the table is sized once. */
        ok = ok && stepset_reset(r->steps, 8 * spie_persons_count(job->persons));
    }
    if (!ok) {
        snprintf(rep->motif, sizeof rep->motif, "mémoire insuffisante");
        rep->usable = false;
        return false;
    }
    return true;
}

static void reader_release(reader *r)
{
    csv_free(&r->csv);
    free(r->hdr.p);
    free(r->held_ws.p);
    free(r->raw.p);
    free(r->fields.p);
    free(r->xcode.p);
    free(r->key.p);
    free(r->foff);
    free(r->flen);
    keyset_free(&r->seen);
    free(r->own_steps.slots);
    if (r->own_pipe) {
        free(r->pipe);
        free(r->pipe_raw);
    }
}

/* End of the bytes: the last line, the header check, an open quote. */
static void reader_finish(reader *r)
{
    if (r->failed)
        return;
    if (r->bom_seen > 0 && r->bom_seen < 3) {
        size_t held = r->bom_seen;
        r->bom_seen = 3;
        static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
        if (memcmp(r->bom_buf, bom, held) != 0)
            feed(r, (const char *)r->bom_buf, held);
    }
    if (r->line_has_bytes) /* a final line without a newline is a line */
        end_of_line(r);
    pipe_flush(r);
    if (r->failed)
        return;
    if (r->qstate == Q_IN_QUOTES)
        { failf(r, 0, "guillemet ouvert ligne %llu et jamais fermé avant la fin du fichier",
                     (unsigned long long)r->rec_start); return; }
    if (!r->have_header)
        { failf(r, 0, "fichier sans ligne d'en-tête"); return; }
    if (csv_fini(&r->csv, NULL, NULL, NULL) != 0)
        { failf(r, 0, "ligne %llu : fin de fichier CSV invalide", (unsigned long long)r->cur_line); return; }
}

static void report_notes(reader *r)
{
    spie_file_report *rep = r->rep;
    if (!rep->usable) {
        rep->rows_accepted = 0;
        return;
    }
    size_t len = strlen(rep->motif);
    if (rep->nul_padding)
        len += (size_t)snprintf(rep->motif + len, sizeof rep->motif - len, "%sremplissage d'octets nuls après le flux gzip",
                                len ? " ; " : "");
    if (r->unknown[0] && len < sizeof rep->motif)
        snprintf(rep->motif + len, sizeof rep->motif - len, "%scolonnes inconnues ignorées : %s", len ? " ; " : "",
                 r->unknown);
}

static bool read_source(const spie_extract_job *job, spie_src *src, spie_file_report *rep)
{
    reader r;
    if (!reader_init(&r, job, rep)) {
        reader_release(&r);
        return false;
    }
    char *chunk = job->scratch ? job->scratch->chunk : malloc(READ_CHUNK);
    if (!chunk) {
        reader_release(&r);
        snprintf(rep->motif, sizeof rep->motif, "mémoire insuffisante");
        rep->usable = false;
        return false;
    }
    long got;
    while (!r.failed && (got = spie_src_read(src, chunk, READ_CHUNK)) > 0)
        feed(&r, chunk, (size_t)got);
    if (!r.failed) {
        spie_src_status st = spie_src_error(src);
        if (st != SPIE_SRC_OK) {
            if (st == SPIE_SRC_E_READ)
                failf(&r, spie_src_error_offset(src), "%s à l'octet %llu (errno %d)", spie_src_strerror(st),
                      (unsigned long long)spie_src_error_offset(src), spie_src_errno(src));
            else
                failf(&r, spie_src_error_offset(src), "%s à l'octet %llu", spie_src_strerror(st),
                      (unsigned long long)spie_src_error_offset(src));
        } else {
            reader_finish(&r);
        }
    }
    rep->nul_padding = spie_src_nul_padding(src);
    rep->bytes_in = spie_src_bytes_in(src);
    rep->bytes_out = spie_src_bytes_out(src);
    report_notes(&r);
    if (!job->scratch)
        free(chunk);
    reader_release(&r);
    return true;
}

bool spie_extract_read(const spie_extract_job *job, spie_file_report *rep)
{
    spie_src_status st = SPIE_SRC_OK;
    int err_no = 0;
    spie_src *src = spie_src_open_ex(job->path, job->gzip, job->inflater, &st, &err_no);
    if (!src) {
        memset(rep, 0, sizeof *rep);
        rep->usable = false;
        snprintf(rep->motif, sizeof rep->motif, "%s%s%s", spie_src_strerror(st), err_no ? " : " : "",
                 err_no ? strerror(err_no) : "");
        return st != SPIE_SRC_E_MEMORY;
    }
    bool ok = read_source(job, src, rep);
    spie_src_close(src);
    return ok;
}

bool spie_extract_read_mem(const spie_extract_job *job, const void *data, size_t n, spie_file_report *rep)
{
    spie_src_status st = SPIE_SRC_OK;
    spie_src *src = spie_src_open_mem_ex(data, n, job->gzip, job->inflater, &st);
    if (!src) {
        memset(rep, 0, sizeof *rep);
        rep->usable = false;
        snprintf(rep->motif, sizeof rep->motif, "%s", spie_src_strerror(st));
        return false;
    }
    bool ok = read_source(job, src, rep);
    spie_src_close(src);
    return ok;
}
