/* Lines that are not plain (extract_lines.c) go through here: the quote normaliser, then
 * libcsv, whose callbacks collect the fields of a record and hand the record to the
 * header (extract_header.c) or the row rules (extract_rules.c). libcsv stays the
 * reference reader: job->csv_reference sends every line here, and the tests and the
 * fuzzer compare both paths.
 *
 * Quote normalisation. docs/format-extraits.md §2 wants: a quote inside an unquoted field is a literal
 * character, and characters after a closing quote are appended to the field ("B2"x ->
 * B2x). libcsv (non strict) takes the first as the spec says but, on the second, goes
 * back into quoted mode and swallows the following separators and lines. So the bytes
 * pass through this small state machine before libcsv: a closing quote followed by other
 * characters is held back and re-emitted just before the field's end, and the characters
 * in between reach libcsv inside the quotes (a '"' among them doubled), which gives the
 * field the spec asks for. Rows without any '"' take a fast path.
 *
 * This file never splits lines (each physical line reaches it with one '\n' after it)
 * and decides no row rule. */
#include <string.h>

#include "extract_int.h"

/* libcsv: end of a field. */
static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (len > SPIE_FIELD_MAX)
        { spie_rd_failf(r, 0, "ligne %llu : champ de plus de %u octets", (unsigned long long)r->rec_start,
                     SPIE_FIELD_MAX); return; }
    if (r->nf == SPIE_COLUMNS_MAX)
        { spie_rd_failf(r, 0, "ligne %llu : plus de %u champs", (unsigned long long)r->rec_start, SPIE_COLUMNS_MAX); return; }
    if (r->nf == r->fcap && !spie_rd_grow_fields(r))
        { spie_rd_fail_memory(r); return; }
    r->foff[r->nf] = r->fields.len;
    r->flen[r->nf] = len;
    if (len && !spie_rd_buf_append(&r->fields, s, len))
        { spie_rd_fail_memory(r); return; }
    r->nf++;
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
        spie_rd_process_header(r);
    } else {
        spie_rd_data_record(r);
    }
    spie_rd_end_record(r);
    r->rec_start = r->cur_line + 1;
}

void spie_rd_csv_feed(reader *r, const char *p, size_t n)
{
    if (n && csv_parse(&r->csv, p, n, on_field, on_row, r) != n)
        spie_rd_failf(r, 0, "ligne %llu : %s", (unsigned long long)r->cur_line, csv_strerror(csv_error(&r->csv)));
}

static void out_flush(reader *r)
{
    spie_rd_csv_feed(r, r->qout, r->qout_len);
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
void spie_rd_quote_eol(reader *r)
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

void spie_rd_quote_feed(reader *r, const char *p, size_t n)
{
    const char delim = (char)csv_get_delim(&r->csv);
    if ((r->qstate == Q_FIELD_START || r->qstate == Q_UNQUOTED || r->qstate == Q_IN_QUOTES) &&
        !memchr(p, '"', n)) {
        spie_rd_csv_feed(r, p, n);
        if (r->qstate != Q_IN_QUOTES) {
            const char *d = memrchr(p, delim, n);
            const char *rest = d ? d + 1 : p;
            if (d)
                r->qstate = Q_FIELD_START;
            if (!spie_rd_blank(rest, (size_t)(p + n - rest)))
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
                if (!spie_rd_buf_append(&r->held_ws, &c, 1)) {
                    spie_rd_fail_memory(r);
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

