/* Bytes to physical lines: a UTF-8 BOM at the start is dropped (UTF-16 refused); lines
 * end at LF, CRLF or a lone CR, and each row and reject carries its physical line number;
 * blank lines (empty or spaces and tabs only) are counted apart, before the header too;
 * the first non-blank line is the header, whose count of ';' against ',' chooses the
 * separator.
 *
 * The plain-line path. Almost every line of a real extract is a whole record whose fields
 * are either unquoted without any '"', or quoted from their first byte to a closing quote
 * that is followed by the separator or the end of the line, with no '"' inside. For such
 * a line, splitting at the separators gives exactly the fields that the quote normaliser
 * and libcsv give (libcsv's trimming of unquoted fields is redone by the row rules
 * anyway), so the line is split here, in place, without copying a byte. Any other line (a
 * doubled or stray quote, characters after a closing quote, a quote left open, a blank
 * line, a field or a field count over the limits) goes to extract_quotes.c and libcsv,
 * which stays the reference: job->csv_reference sends every line there, and the tests
 * and the fuzzer compare both paths.
 *
 * Each physical line reaches libcsv followed by a single '\n', so exactly one terminator
 * reaches the parser per line and a record ends, if it ends, at the end of the line being
 * fed; a CRLF inside a quoted field therefore reaches the field as '\n'. This file knows
 * the lines and where fields start and end, and nothing of what a field means. */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"
#include "spie/util.h"

/* Room for one more field in foff/flen. */
bool spie_rd_grow_fields(reader *r)
{
    /* foff and flen share fcap: when the second fails, fcap stays at the smaller size. */
    size_t lcap = r->fcap, ocap = r->fcap;
    void *l = r->flen, *o = r->foff;
    if (!spie_grow(&l, &lcap, r->fcap + 1, sizeof *r->flen))
        return false;
    r->flen = l;
    if (!spie_grow(&o, &ocap, r->fcap + 1, sizeof *r->foff))
        return false;
    r->foff = o;
    r->fcap = ocap;
    return true;
}


bool spie_rd_blank(const char *p, size_t n)
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
        { spie_rd_failf(r, 0, "ligne %llu : enregistrement de plus de %u octets", (unsigned long long)r->rec_start,
                     SPIE_RECORD_MAX); return; }
    if (!r->header_fed) {
        if (!spie_rd_buf_append(&r->hdr, p, n))
            spie_rd_fail_memory(r);
        return;
    }
    if (r->raw.len < RAW_KEEP) {
        size_t k = RAW_KEEP - r->raw.len;
        if (!spie_rd_buf_append(&r->raw, p, n < k ? n : k))
            { spie_rd_fail_memory(r); return; }
    }
    spie_rd_quote_feed(r, p, n);
}

/* The end of a physical line. */
void spie_rd_end_of_line(reader *r)
{
    if (!r->header_fed) {
        if (spie_rd_blank(r->hdr.p, r->hdr.len)) {
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
            spie_rd_quote_feed(r, r->hdr.p, r->hdr.len);
            spie_rd_quote_eol(r);
            spie_rd_csv_feed(r, "\n", 1);
            r->hdr.len = 0;
        }
    } else {
        spie_rd_quote_eol(r);
        spie_rd_csv_feed(r, "\n", 1);
        if (r->qstate == Q_IN_QUOTES) {
            r->rec_bytes++;
            if (r->raw.len < RAW_KEEP && !spie_rd_buf_append(&r->raw, "\n", 1))
                spie_rd_fail_memory(r);
        }
    }
    r->cur_line++;
    r->line_has_bytes = false;
}

/* Splits a plain line in place and hands it to the row rules; false for any other line
 * (see the top of this file). */
static bool plain_line(reader *r, const char *p, size_t n)
{
    if (n > SPIE_RECORD_MAX || spie_rd_blank(p, n))
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
        if (nf == r->fcap && !spie_rd_grow_fields(r))
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
    spie_rd_data_record(r);
    spie_rd_end_record(r);
    r->rec_start = r->cur_line + 1;
    return true;
}

void spie_rd_feed(reader *r, const char *p, size_t n)
{
    /* A UTF-8 BOM at the very start is not data; UTF-16 is refused. The first bytes are
     * held back until they can be told apart from the start of either BOM. */
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while (r->bom_seen < 3 && n > 0) {
        r->bom_buf[r->bom_seen++] = (unsigned char)*p++;
        n--;
        unsigned char b0 = r->bom_buf[0];
        if (r->bom_seen == 2 && ((b0 == 0xFF && r->bom_buf[1] == 0xFE) || (b0 == 0xFE && r->bom_buf[1] == 0xFF))) {
            spie_rd_failf(r, 0, "encodage UTF-16 non pris en charge (UTF-8 ou Windows-1252 attendu)");
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
        spie_rd_feed(r, (const char *)r->bom_buf, held);
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
            spie_rd_end_of_line(r);
        }
        r->prev_cr = *eol == '\r';
        p = eol + 1;
    }
}

