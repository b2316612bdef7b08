/* The extract reader's entry points and its life: a reader starts (its tables, its code
 * lists, the memory lent by the caller's scratch), takes the source's bytes chunk by
 * chunk, ends (the last line, the open-quote and header checks), and fills the report.
 * A file-level failure is recorded here, once.
 *
 * Bytes come from a spie_src (gzip or plain). They are split into physical lines by
 * extract_lines.c, not by libcsv, because the rejects and messages must name the physical
 * line of a row and libcsv counts nothing. What each file of the reader does is listed in
 * extract_int.h.
 *
 * This file does not look at the bytes of a line, and knows no row rule: it may not
 * print, exit or read the environment (library code). Memory is bounded by the caps of
 * extract.h (one record at a time), whatever the file size; the stores the rows go into
 * grow with the territory. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "spie/date.h"
#include "spie/source.h"
#include "spie/util.h"

/* ---- growable byte buffer ------------------------------------------------------------ */

bool spie_rd_buf_reserve(buf *b, size_t extra)
{
    /* SPIE_FIELD_PAD more: a field at the end of the bytes may be read that far past its
     * end (spie_codeset_find_padded). */
    if (b->len + extra + SPIE_FIELD_PAD <= b->cap)
        return true;
    void *p = b->p;
    if (extra > SIZE_MAX - SPIE_FIELD_PAD - b->len || !spie_grow(&p, &b->cap, b->len + extra + SPIE_FIELD_PAD, 1))
        return false;
    b->p = p;
    return true;
}

bool spie_rd_buf_append(buf *b, const void *d, size_t n)
{
    if (!spie_rd_buf_reserve(b, n))
        return false;
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return true;
}

/* ---- file-level failures -------------------------------------------------------------- */

void spie_rd_failf(reader *r, uint64_t offset, const char *fmt, ...)
{
    if (r->failed)
        return;
    spie_rd_pipe_flush(r); /* the rows before the failure are judged first, as they came */
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

void spie_rd_fail_memory(reader *r)
{
    spie_rd_failf(r, 0, "ligne %llu : mémoire insuffisante", (unsigned long long)r->cur_line);
}


/* ---- memory kept from one file to the next (spie_extract_scratch, extract_int.h) ----- */

spie_extract_scratch *spie_extract_scratch_new(void)
{
    spie_extract_scratch *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    sc->chunk = malloc(CHUNK_ALLOC);
    if (!sc->chunk || !spie_rd_pipe_alloc(&sc->pipe, &sc->pipe_raw)) {
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
    free(sc->pipe);
    free(sc->pipe_raw);
    free(sc);
}

/* ---- the reader's life ------------------------------------------------------------------ */

static bool reader_init(reader *r, const spie_extract_job *job, spie_file_report *rep)
{
    memset(r, 0, sizeof *r);
    memset(rep, 0, sizeof *rep);
    r->job = job;
    r->rep = rep;
    rep->usable = true;
    r->cur_line = 1;
    r->rec_start = 1;
    r->rec_high = true;
    r->cols = spie_rd_kind_cols(job->kind, &r->ncols_spec);
    r->last_day = spie_month_last_day(job->period);
    spie_day_from_ymd(SPIE_PROGRAMME_START_YEAR, 1, 1, &r->first_day);
    spie_month_from_ym(SPIE_PROGRAMME_START_YEAR, 1, &r->first_month);
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
    bool ok = csv_init(&r->csv, CSV_REPALL_NL) == 0;
    if (ok && job->kind != SPIE_KIND_BUDGET) {
        if (sc) {
            r->pipe = sc->pipe;
            r->pipe_raw = sc->pipe_raw;
        } else {
            r->own_pipe = true;
            ok = spie_rd_pipe_alloc(&r->pipe, &r->pipe_raw);
        }
        if (ok && job->kind == SPIE_KIND_ETAPES)
            spie_persons_steps_clear(job->persons); /* DOUBLON is within the file */
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
    spie_keyset_free(&r->seen);
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
            spie_rd_feed(r, (const char *)r->bom_buf, held);
    }
    if (r->line_has_bytes) /* a final line without a newline is a line */
        spie_rd_end_of_line(r);
    spie_rd_pipe_flush(r);
    if (r->failed)
        return;
    if (r->qstate == Q_IN_QUOTES)
        { spie_rd_failf(r, 0, "guillemet ouvert ligne %llu et jamais fermé avant la fin du fichier",
                     (unsigned long long)r->rec_start); return; }
    if (!r->have_header)
        { spie_rd_failf(r, 0, "fichier sans ligne d'en-tête"); return; }
    if (csv_fini(&r->csv, NULL, NULL, NULL) != 0)
        { spie_rd_failf(r, 0, "ligne %llu : fin de fichier CSV invalide", (unsigned long long)r->cur_line); return; }
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

/* The file as it was read (spie_src_fingerprint): its SHA-256 and size for the
 * manifest, from the bytes this reading took; a file that changed while it was read is
 * unusable, its figures would describe bytes that no longer exist. */
static void fingerprint(reader *r, spie_src *src)
{
    spie_file_report *rep = r->rep;
    rep->hash_err = spie_src_fingerprint(src, rep->sha256, &rep->size, &rep->changed);
    if (!rep->changed)
        return;
    const char *what = "le fichier a changé pendant sa lecture (réécrit, allongé ou raccourci)";
    if (!r->failed) {
        spie_rd_failf(r, 0, "%s", what);
        rep->fail_line = 0; /* the whole file is in question, not a line */
        return;
    }
    size_t len = strlen(rep->motif);
    snprintf(rep->motif + len, sizeof rep->motif - len, " ; %s", what);
}

/* The length of b[0..n) up to its last LF or CR included; 0 when it has none. */
static size_t last_line_end(const char *b, size_t n)
{
    const char *lf = memrchr(b, '\n', n);
    size_t from = lf ? (size_t)(lf - b) + 1 : 0;
    const char *cr = memrchr(b + from, '\r', n - from);
    return cr ? (size_t)(cr - b) + 1 : from;
}

/* The source's defect (gzip cut short or corrupt, read error) is why the file is
 * unusable, even when the reader failed first on the bytes just before it: those may be
 * the defect's own garbage (a corrupt block decodes to anything before its CRC fails). */
static void source_failure(reader *r, spie_src *src)
{
    spie_src_status st = spie_src_error(src);
    uint64_t off = spie_src_error_offset(src);
    char m[160];
    if (st == SPIE_SRC_E_READ)
        snprintf(m, sizeof m, "%s à l'octet %llu (errno %d)", spie_src_strerror(st), (unsigned long long)off,
                 spie_src_errno(src));
    else
        snprintf(m, sizeof m, "%s à l'octet %llu", spie_src_strerror(st), (unsigned long long)off);
    if (!r->failed) {
        spie_rd_failf(r, off, "%s", m);
        return;
    }
    r->rep->fail_offset = off;
    snprintf(r->rep->motif, sizeof r->rep->motif, "%s", m);
}

static bool read_source(const spie_extract_job *job, spie_src *src, spie_file_report *rep)
{
    reader r;
    if (!reader_init(&r, job, rep)) {
        reader_release(&r);
        return false;
    }
    char *chunk = job->scratch ? job->scratch->chunk : malloc(CHUNK_ALLOC);
    if (!chunk) {
        reader_release(&r);
        snprintf(rep->motif, sizeof rep->motif, "mémoire insuffisante");
        rep->usable = false;
        return false;
    }
    /* The bytes after the last line end of a read wait at the front of the buffer for the
     * next one, so that the line scanner sees whole lines. A read without any line end goes
     * to the reader at once (its line then goes on in pieces, through libcsv), so that no
     * more than one read is inflated beyond a record over the size cap. */
    long got = 0;
    size_t keep = 0;
    const volatile sig_atomic_t *cancel = job->cancel;
    while (!r.failed && !(cancel && *cancel) && (got = spie_src_read(src, chunk + keep, READ_CHUNK)) > 0) {
        size_t n = keep + (size_t)got;
        size_t cut = last_line_end(chunk, n);
        if (cut == 0)
            cut = n;
        spie_rd_feed(&r, chunk, cut);
        keep = n - cut;
        memmove(chunk, chunk + cut, keep);
    }
    const bool src_failed = !r.failed && got < 0; /* the source's defect, not the reader's */
    if (!r.failed && cancel && *cancel) {
        spie_rd_failf(&r, 0, "lecture interrompue");
    } else if (src_failed) {
        /* The read that met the defect: its complete lines are read (judged, counted,
         * their rejects written) so that the counts say what came before the defect
         * (docs/format-extraits.md §6); the line it cuts is not a line. */
        size_t cut = last_line_end(chunk, keep + spie_src_error_partial(src));
        if (cut > 0)
            spie_rd_feed(&r, chunk, cut);
    } else if (!r.failed && keep) { /* the last line, without its end: as if it had come in pieces */
        spie_rd_feed(&r, chunk, keep);
    }
    if (src_failed)
        source_failure(&r, src);
    else if (!r.failed)
        reader_finish(&r);
    rep->nul_padding = spie_src_nul_padding(src);
    rep->bytes_in = spie_src_bytes_in(src);
    rep->bytes_out = spie_src_bytes_out(src);
    fingerprint(&r, src);
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
        rep->hash_err = err_no ? err_no : EIO; /* not read: no digest */
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
