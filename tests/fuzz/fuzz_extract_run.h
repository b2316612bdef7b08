/* One fuzz input through the whole reading layer (gzip source, BOM, lines, quote
 * normaliser, libcsv, header, fields, row rules), with the invariants every outcome must
 * keep. Shared by the libFuzzer target tests/fuzz/fuzz_extract.c and the unit test
 * tests/unit/test_hostile.c, which replays the corpus and the crashing inputs kept under
 * tests/fuzz/regressions/fuzz_extract/ through this very code.
 *
 * Input layout: byte 0 chooses the job, byte 1 is a parameter, the rest is the file.
 *   byte 0 bits 0-1  kind: 0 beneficiaires, 1 budget, 2 etapes (empty persons),
 *                    3 etapes with persons B1..B9 already known
 *          bits 2-3  mode: 0 the bytes as a plain .csv
 *                          1 the bytes as a .csv.gz (raw: mostly broken gzip)
 *                          2 the bytes compressed here into two gzip members split at
 *                            (byte 1 >> 1) / 127 of the file, NUL padding when byte 1 is
 *                            odd; read as .csv.gz and compared with the plain read
 *                          3 the bytes after a blank line that puts the 256 KiB read
 *                            boundary at byte (byte 1) of the file; compared with the
 *                            plain read (one more empty line, lines shifted by one)
 *          bits 4-5  reject sink: 0 none, 1 and 3 a checking sink, 2 a sink that fails
 *                    at its ((byte 1 & 3) + 1)-th call
 *          bits 6-7  period P: 2021-06, 2022-06, 0001-01, 9999-12
 *
 * Invariants (docs/sorties.md §5 and extract.h): the reader returns true (memory does not run
 * out here); sum of by_reason = rows_rejected; a usable file has rows_read = accepted +
 * rejected and its stores hold exactly the accepted rows; an unusable file has 0 accepted
 * and a motif; the motif is NUL-terminated valid UTF-8 without control characters (it
 * goes to a CSV and a workbook); every reject names the file, a line >= 1, a reason, a
 * column of the kind or none, and holds valid UTF-8 of at most 500 characters; the sink
 * is called once per rejected row unless it failed, and a failed sink makes the file
 * unusable. Modes 2 and 3 add a differential check: compression, member boundaries,
 * padding and read boundaries change nothing but bytes_in and the line numbers. Every
 * input is also read a second time with job.csv_reference (every line through libcsv):
 * the plain-line path must give the same report, the same rejects (line, reason,
 * column, bytes) and the same stores, byte for byte.
 *
 * FUZZ_CHECK(cond) reports a broken invariant: __builtin_trap() by default (libFuzzer
 * keeps the input), an assertion when the unit test defines it first. */
#ifndef SPIE_FUZZ_EXTRACT_RUN_H
#define SPIE_FUZZ_EXTRACT_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "spie/fields.h"
#include "spie/persons.h"

#include "fuzz_check.h"

/* The reader's chunk (READ_CHUNK in engine/read/extract_int.h). If it changes, mode 3 still
 * compares the two reads, it only stops aiming at the boundary. */
#define FX_READ_CHUNK (256u * 1024u)
#define FX_RELNAME "spie_31_2021-06_fuzz.csv"

typedef struct fx_sink {
    spie_kind kind;
    size_t calls;
    size_t fail_at; /* 0: never fails */
    uint64_t digest; /* of every reject received, in order */
} fx_sink;

static uint64_t fx_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static bool fx_column_of_kind(spie_kind kind, const char *col)
{
    static const char *const benef[] = {"id_beneficiaire", "date_entree", "public", "sexe", "annee_naissance",
                                        "departement"};
    static const char *const etapes[] = {"id_beneficiaire", "etape", "date_etape", "type"};
    static const char *const budget[] = {"mois", "financeur", "montant_engage", "montant_paye", "departement",
                                         "libelle"};
    const char *const *names = kind == SPIE_KIND_BENEFICIAIRES ? benef : kind == SPIE_KIND_ETAPES ? etapes : budget;
    size_t n = kind == SPIE_KIND_BENEFICIAIRES ? 6 : kind == SPIE_KIND_ETAPES ? 4 : 6;
    for (size_t i = 0; i < n; i++)
        if (strcmp(col, names[i]) == 0)
            return true;
    return false;
}

static int fx_sink_fn(void *ctx, const spie_reject *rj)
{
    fx_sink *s = ctx;
    FUZZ_CHECK(rj->file != NULL && strcmp(rj->file, FX_RELNAME) == 0);
    FUZZ_CHECK(rj->line >= 1);
    FUZZ_CHECK((unsigned)rj->reason < SPIE_R_COUNT);
    FUZZ_CHECK((rj->column == NULL) == (rj->reason == SPIE_R_NB_CHAMPS));
    FUZZ_CHECK(rj->column == NULL || fx_column_of_kind(s->kind, rj->column));
    FUZZ_CHECK(rj->raw != NULL && spie_utf8_valid(rj->raw, rj->raw_len));
    size_t chars = 0;
    for (size_t i = 0; i < rj->raw_len; i++)
        chars += ((unsigned char)rj->raw[i] & 0xC0) != 0x80;
    FUZZ_CHECK(chars <= SPIE_REJECT_RAW_MAX);
    uint64_t line = rj->line;
    unsigned reason = (unsigned)rj->reason;
    s->digest = fx_fnv(s->digest, &line, sizeof line);
    s->digest = fx_fnv(s->digest, &reason, sizeof reason);
    s->digest = fx_fnv(s->digest, rj->column ? rj->column : "-", rj->column ? strlen(rj->column) : 1);
    s->digest = fx_fnv(s->digest, rj->raw, rj->raw_len);
    s->calls++;
    return s->fail_at && s->calls >= s->fail_at ? -1 : 0;
}

/* What one read gave. */
typedef struct fx_out {
    spie_file_report rep;
    size_t persons, budget_lines, sink_calls;
    uint64_t reject_digest, store_digest;
} fx_out;

static void fx_check_report(const spie_file_report *rep)
{
    size_t len = strnlen(rep->motif, sizeof rep->motif);
    FUZZ_CHECK(len < sizeof rep->motif);
    FUZZ_CHECK(spie_utf8_valid(rep->motif, len));
    for (size_t i = 0; i < len; i++)
        FUZZ_CHECK((unsigned char)rep->motif[i] >= 0x20);
    uint64_t sum = 0;
    for (int k = 0; k < SPIE_R_COUNT; k++)
        sum += rep->by_reason[k];
    FUZZ_CHECK(sum == rep->rows_rejected);
    if (rep->usable) {
        FUZZ_CHECK(rep->rows_read == rep->rows_accepted + rep->rows_rejected);
        FUZZ_CHECK(!rep->sink_failed);
    } else {
        FUZZ_CHECK(rep->rows_accepted == 0);
        FUZZ_CHECK(len > 0);
    }
}

/* Reads data[0..n) as one file of the given kind and checks the outcome. */
static void fx_read(spie_kind kind, bool prefill, spie_month period, bool gzip, bool reference, int sink_mode,
                    unsigned param, const uint8_t *data, size_t n, fx_out *out)
{
    memset(out, 0, sizeof *out);
    spie_persons *ps = spie_persons_new();
    FUZZ_CHECK(ps != NULL);
    if (prefill) {
        /* B1..B9, entered on 2021-01-04 + 7 i: etapes rows can pass every rule. */
        spie_day d0;
        FUZZ_CHECK(spie_day_from_ymd(2021, 1, 4, &d0));
        for (int i = 1; i <= 9; i++) {
            char id[3] = {'B', (char)('0' + i), 0};
            long idx = spie_persons_add(ps, id, 2);
            FUZZ_CHECK(idx >= 0);
            spie_persons_at(ps, (size_t)idx)->entry = d0 + 7 * i;
        }
    }
    size_t persons_before = spie_persons_count(ps);
    spie_budget budget = {0};
    fx_sink sink = {kind, 0, sink_mode == 2 ? (size_t)(param & 3u) + 1 : 0, 1469598103934665603ULL};
    spie_extract_job job = {
        .path = NULL,
        .relname = FX_RELNAME,
        .kind = kind,
        .dept = "31",
        .gzip = gzip,
        .period = period,
        .persons = ps,
        .budget = &budget,
        .reject = sink_mode ? fx_sink_fn : NULL,
        .reject_ctx = sink_mode ? &sink : NULL,
        .csv_reference = reference,
    };
    FUZZ_CHECK(spie_extract_read_mem(&job, data, n, &out->rep));
    fx_check_report(&out->rep);
    const spie_file_report *rep = &out->rep;
    if (sink_mode && !rep->sink_failed)
        FUZZ_CHECK(sink.calls == rep->rows_rejected);
    if (rep->sink_failed)
        FUZZ_CHECK(sink_mode == 2 && !rep->usable);
    /* A usable file was read to its end; a failure may stop the reading early. */
    FUZZ_CHECK(rep->bytes_in <= n && (!rep->usable || rep->bytes_in == n));
    if (!gzip)
        FUZZ_CHECK(rep->bytes_out == rep->bytes_in);
    out->persons = spie_persons_count(ps);
    out->budget_lines = budget.count;
    out->sink_calls = sink.calls;
    out->reject_digest = sink.digest;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < out->persons; i++)
        h = fx_fnv(h, spie_persons_at_const(ps, i), sizeof(spie_person));
    for (size_t i = 0; i < budget.count; i++) { /* field by field: the struct has padding */
        const spie_budget_line *l = &budget.lines[i];
        h = fx_fnv(h, &l->month, sizeof l->month);
        h = fx_fnv(h, &l->financer, sizeof l->financer);
        h = fx_fnv(h, &l->engaged, sizeof l->engaged);
        h = fx_fnv(h, &l->paid, sizeof l->paid);
    }
    out->store_digest = h;
    if (rep->usable) {
        if (kind == SPIE_KIND_BENEFICIAIRES)
            FUZZ_CHECK(out->persons == rep->rows_accepted);
        else
            FUZZ_CHECK(out->persons == persons_before); /* etapes never adds a person */
        if (kind == SPIE_KIND_BUDGET)
            FUZZ_CHECK(out->budget_lines == rep->rows_accepted);
        else
            FUZZ_CHECK(out->budget_lines == 0);
    }
    spie_budget_release(&budget);
    spie_persons_free(ps);
}

/* One gzip member of data[0..n) appended to out (which has room: see fx_gzip_bound). */
static size_t fx_gzip_member(const uint8_t *data, size_t n, uint8_t *out, size_t room)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)room;
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    size_t w = room - z.avail_out;
    FUZZ_CHECK(deflateEnd(&z) == Z_OK);
    return w;
}

static size_t fx_gzip_bound(size_t n)
{
    return n + n / 1000 + 64; /* deflate's stored-block overhead plus the gzip wrapper */
}

/* Modes 2 and 3: the other read must give the same outcome; shift is the number of lines
 * added in front (mode 3), same_motif whether the motifs must be equal too. */
static void fx_same(const fx_out *a, const fx_out *b, uint64_t shift, bool same_motif)
{
    const spie_file_report *x = &a->rep, *y = &b->rep;
    FUZZ_CHECK(x->usable == y->usable);
    FUZZ_CHECK(x->sink_failed == y->sink_failed);
    FUZZ_CHECK(x->transcoded == y->transcoded);
    FUZZ_CHECK(x->rows_read == y->rows_read);
    FUZZ_CHECK(x->rows_accepted == y->rows_accepted);
    FUZZ_CHECK(x->rows_rejected == y->rows_rejected);
    FUZZ_CHECK(x->empty_lines + shift == y->empty_lines);
    for (int k = 0; k < SPIE_R_COUNT; k++)
        FUZZ_CHECK(x->by_reason[k] == y->by_reason[k]);
    FUZZ_CHECK((x->fail_line ? x->fail_line + shift : 0) == y->fail_line);
    FUZZ_CHECK(x->fail_offset == y->fail_offset);
    if (same_motif)
        FUZZ_CHECK(strcmp(x->motif, y->motif) == 0);
    FUZZ_CHECK(a->persons == b->persons);
    FUZZ_CHECK(a->budget_lines == b->budget_lines);
    FUZZ_CHECK(a->sink_calls == b->sink_calls);
}

static void fx_extract_one(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    static const spie_month periods[4] = {2021 * 12 + 5, 2022 * 12 + 5, SPIE_MONTH_MIN, SPIE_MONTH_MAX};
    const unsigned b0 = data[0], param = data[1];
    const spie_kind kind = (b0 & 3u) == 0 ? SPIE_KIND_BENEFICIAIRES
                           : (b0 & 3u) == 1 ? SPIE_KIND_BUDGET
                                            : SPIE_KIND_ETAPES;
    const bool prefill = (b0 & 3u) == 3;
    const unsigned mode = (b0 >> 2) & 3u;
    const int sink_mode = (int)((b0 >> 4) & 3u);
    const spie_month period = periods[(b0 >> 6) & 3u];
    data += 2;
    size -= 2;

    fx_out plain, ref;
    if (mode == 0 || mode == 1) {
        fx_read(kind, prefill, period, mode == 1, false, sink_mode, param, data, size, &plain);
        fx_read(kind, prefill, period, mode == 1, true, sink_mode, param, data, size, &ref);
        fx_same(&plain, &ref, 0, true);
        FUZZ_CHECK(plain.reject_digest == ref.reject_digest && plain.store_digest == ref.store_digest);
        return;
    }
    fx_read(kind, prefill, period, false, false, sink_mode, param, data, size, &plain);
    fx_read(kind, prefill, period, false, true, sink_mode, param, data, size, &ref);
    fx_same(&plain, &ref, 0, true);
    FUZZ_CHECK(plain.reject_digest == ref.reject_digest && plain.store_digest == ref.store_digest);
    if (mode == 2) {
        size_t split = (size_t)((uint64_t)size * (param >> 1) / 127u);
        bool pad = param & 1u;
        size_t room = fx_gzip_bound(split) + fx_gzip_bound(size - split) + (pad ? 700 : 0);
        uint8_t *gz = malloc(room);
        FUZZ_CHECK(gz != NULL);
        size_t w = fx_gzip_member(data, split, gz, room);
        w += fx_gzip_member(data + split, size - split, gz + w, room - w);
        if (pad) {
            memset(gz + w, 0, 700);
            w += 700;
        }
        fx_out z;
        fx_read(kind, prefill, period, true, false, sink_mode, param, gz, w, &z);
        if (z.rep.usable) /* the whole stream was read, the padding seen */
            FUZZ_CHECK(z.rep.bytes_in == w && z.rep.nul_padding == pad);
        fx_same(&plain, &z, 0, !pad);
        free(gz);
        return;
    }
    /* mode 3: a blank line of spaces so that the file starts param bytes before the
     * reader's chunk boundary. A BOM is only a BOM at the very start: skip those. */
    size_t pre = FX_READ_CHUNK - param;
    uint8_t *buf = malloc(pre + size);
    FUZZ_CHECK(buf != NULL);
    memset(buf, ' ', pre - 1);
    buf[pre - 1] = '\n';
    if (size)
        memcpy(buf + pre, data, size);
    fx_out s;
    fx_read(kind, prefill, period, false, false, sink_mode, param, buf, pre + size, &s);
    if (!(size > 0 && (data[0] == 0xEF || data[0] == 0xFE || data[0] == 0xFF)))
        fx_same(&plain, &s, 1, false);
    free(buf);
}

#endif
