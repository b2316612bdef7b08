/* Private to the extract reader (engine/read/extract*.c and keyset.c): the state of one
 * file being read, and what each file of the reader lends the others. The interface of
 * the library is include/spie/extract.h; nothing here goes beyond engine/read/.
 *
 * The way of a byte, file by file:
 *   extract.c          the entry points, the reader's life (start, end, failure), memory
 *                      kept from one file to the next
 *   extract_lines.c    BOM, physical lines, the header line's separator, plain lines split
 *                      in place
 *   extract_quotes.c   every other line: the quote normaliser, then libcsv
 *   extract_header.c   the header record: which column is which
 *   extract_rules.c    every data record: fields trimmed and transcoded, the row rules of
 *                      docs/format-extraits.md §6 for beneficiaires, etapes and budget
 *   extract_ring.c     etapes rows waiting for their person (the prefetch ring), and the
 *                      rules that need the person
 *   extract_reject.c   reason codes and labels, a rejected row handed to the sink
 *   keyset.c           the set of accepted budget keys (DOUBLON; etapes keys are kept
 *                      beside the persons, persons.h) */
#ifndef SPIE_EXTRACT_INT_H
#define SPIE_EXTRACT_INT_H

#include <csv.h>

#include "spie/extract.h"
#include "spie/fields.h"

/* ---- growable byte buffer (extract.c) ------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

bool spie_rd_buf_reserve(buf *b, size_t extra);
bool spie_rd_buf_append(buf *b, const void *d, size_t n);

/* ---- the set of accepted budget keys (keyset.c) ------------------------------------------ */

/* Byte keys (DOUBLON of budget rows). */
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

uint64_t spie_keyset_hash(const void *k, size_t n);
void spie_keyset_free(keyset *s);
bool spie_keyset_contains(const keyset *s, const void *k, size_t n, uint64_t h);
/* Adds a key known to be absent. Returns false when memory runs out. */
bool spie_keyset_add(keyset *s, const void *k, size_t n, uint64_t h);

/* ---- columns of each kind (docs/format-extraits.md §3-§5; extract_header.c) ----------------------- */

typedef struct colspec {
    const char *name;
    bool required;
} colspec;

enum { B_ID, B_DATE, B_PUBLIC, B_SEXE, B_ANNEE, B_DEPT, B_NCOLS };
enum { E_ID, E_ETAPE, E_DATE, E_TYPE, E_NCOLS };
enum { G_MOIS, G_FIN, G_ENG, G_PAYE, G_DEPT, G_LIB, G_NCOLS };
#define MAX_SPEC_COLS 6

const colspec *spie_rd_kind_cols(spie_kind k, size_t *n);

/* ---- the reader -------------------------------------------------------------------------- */

#define RAW_KEEP (SPIE_REJECT_RAW_MAX * 4u) /* bytes of a record kept for the rejects */
#define MAX_UNKNOWN_NOTE 300u
#define PIPE 32u                            /* etapes rows in flight, a power of two */
#define READ_CHUNK (256u * 1024u)           /* bytes asked of the source at a time */
#define CHUNK_BYTES (2 * READ_CHUNK)        /* the read buffer: a read after the last line's start */
/* Its allocation: the row rules may read a field of a plain line SPIE_FIELD_PAD bytes
 * past its end (spie_codeset_find_padded), and so may they in every buffer a record's
 * fields lie in (spie_rd_buf_reserve keeps as many after the bytes). */
#define CHUNK_ALLOC (CHUNK_BYTES + SPIE_FIELD_PAD)

/* An etapes row waiting for its person, or a beneficiaires row for its slot
 * (extract_ring.c). Its id and bytes stay where
 * they are when the row is a plain line of the read buffer (the ring is emptied before
 * the buffer is reused); a row that came through libcsv is copied into own_id, own_raw. */
typedef struct pending {
    uint64_t line;   /* the row's line, for its reject */
    uint64_t h;      /* hash of its id */
    long cand;       /* candidate person (spie_persons_candidate), -2 before the probe */
    const char *id;
    const char *raw; /* its first RAW_KEEP bytes, raw_len of them */
    size_t raw_len;
    spie_day day;    /* etapes: the step's day; beneficiaires: the entry */
    uint32_t key;    /* etapes: the step's key among the person's accepted ones (step_key) */
    uint8_t step, type, id_len;
    uint8_t pub, sex; /* beneficiaires */
    int16_t year;
    char own_id[SPIE_ID_MAX]; /* spie_valid_id: at most SPIE_ID_MAX bytes */
    char *own_raw;   /* RAW_KEEP bytes */
} pending;

/* Memory kept from one file to the next (spie_extract_scratch). A worker reads file after
 * file; without this, the read buffer, the ring and the step table (tens of MB for a
 * large territory) would be allocated and freed for each file, and the kernel would map,
 * zero and unmap those pages each time. */
struct spie_extract_scratch {
    char *chunk; /* CHUNK_BYTES */
    struct pending *pipe;
    char *pipe_raw;
};

typedef enum quote_state { Q_FIELD_START, Q_UNQUOTED, Q_IN_QUOTES, Q_CLOSE_PENDING, Q_CONTINUATION } quote_state;

typedef struct reader {
    const spie_extract_job *job;
    spie_file_report *rep;
    struct csv_parser csv;

    /* physical lines */
    uint64_t cur_line;   /* line being fed, 1-based */
    uint64_t rec_start;  /* line where the current record started */
    bool line_has_bytes; /* bytes seen since the last terminator */
    bool prev_cr;        /* the previous byte was a CR (a following LF belongs to it) */
    quote_state qstate;
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
    bool in_place;       /* the record's fields and bytes are in the read buffer (a plain line) */
    bool rec_high;       /* the record may hold a byte >= 0x80 (always true on libcsv's path) */
    buf xcode;           /* transcoded fields of the current record */
    spie_str val[MAX_SPEC_COLS];
    int missing;         /* the first empty required column, -1 if none (prepare_fields) */

    /* row rules */
    spie_codeset cs_step, cs_type[SPIE_STEP_COUNT], cs_public, cs_sex;
    spie_day last_day;   /* D */
    spie_day first_day;  /* the programme's first day */
    spie_month first_month;
    bool date_known;     /* the last date parsed: its 10 bytes and its day */
    uint64_t date_a;
    uint16_t date_b;
    spie_day date_day;
    keyset seen;         /* accepted budget keys */
    buf key;

    /* etapes rows waiting for their person (extract_ring.c): own or the scratch's */
    struct pending *pipe;
    char *pipe_raw;
    bool own_pipe;
    size_t pipe_head, pipe_len;
    bool in_flush;

    bool failed;
} reader;

/* Field h of the current record. A record whose fields are all empty has stored no byte
 * (fields.p may still be NULL): its fields point to "". */
static inline spie_str spie_rd_field(const reader *r, size_t h)
{
    spie_str f = {r->fbase ? r->fbase + r->foff[h] : "", r->flen[h]};
    return f;
}

/* extract.c: a file-level failure (the first one counts; the rows waiting in the ring are
 * judged first), and the one for memory. */
void spie_rd_failf(reader *r, uint64_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void spie_rd_fail_memory(reader *r);

/* extract_lines.c */
void spie_rd_feed(reader *r, const char *p, size_t n);
void spie_rd_end_of_line(reader *r);
bool spie_rd_blank(const char *p, size_t n);
bool spie_rd_grow_fields(reader *r); /* room for one more field in foff/flen */

/* extract_quotes.c */
void spie_rd_csv_feed(reader *r, const char *p, size_t n);
void spie_rd_quote_feed(reader *r, const char *p, size_t n);
void spie_rd_quote_eol(reader *r);

/* extract_header.c */
void spie_rd_process_header(reader *r);

/* extract_rules.c */
void spie_rd_data_record(reader *r);
void spie_rd_end_record(reader *r);

/* extract_ring.c */
bool spie_rd_pipe_alloc(struct pending **pipe, char **raw);
void spie_rd_pipe_push(reader *r, spie_str id, spie_day day, uint8_t step, uint8_t type);
void spie_rd_pipe_push_person(reader *r, spie_str id, spie_day entry, uint8_t pub, uint8_t sex, int16_t year);
void spie_rd_pipe_flush(reader *r);

/* extract_reject.c */
size_t spie_rd_utf8_seq(const char *s, size_t n);
void spie_rd_reject(reader *r, spie_reason why, int col);

#endif
