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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* ---- the plain-line scanner ------------------------------------------------------------
 * Plain lines are split 64 bytes at a time. For each block, bit masks say where the
 * quotes, separators, LF, CR and bytes >= 0x80 are (SSE2, the x86-64 baseline, or a
 * byte loop elsewhere). A prefix XOR of the quote mask tells the bytes inside quotes (the
 * scan starts at a line start, outside quotes, and stops at the first line that is not
 * plain, so the parity is right for every line it splits). Fields end at the separators
 * outside quotes and at the line's end. A line is plain when each quote that opens is the
 * first byte of a field, each quote that closes is followed by the field's end, and no
 * line ends inside quotes: plain_line's definition of the top of this file, so the
 * fields are the same. */

typedef struct masks {
    uint64_t q, d, e, h; /* quote, separator, LF or CR, byte >= 0x80 */
} masks;

static inline masks block_masks(const char *s, char delim)
{
    masks m = {0, 0, 0, 0};
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8(delim), vq = _mm_set1_epi8('"');
    const __m128i vl = _mm_set1_epi8('\n'), vc = _mm_set1_epi8('\r');
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * i));
        m.q |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << (16 * i);
        m.d |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd)) << (16 * i);
        m.e |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vl), _mm_cmpeq_epi8(v, vc)))
               << (16 * i);
        m.h |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * i);
    }
#else
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        char c = s[i];
        m.q |= c == '"' ? bit : 0;
        m.d |= c == delim ? bit : 0;
        m.e |= c == '\n' || c == '\r' ? bit : 0;
        m.h |= (unsigned char)c >= 0x80 ? bit : 0;
    }
#endif
    return m;
}

/* Bit i set when an odd number of bits <= i are set in x. */
static inline uint64_t prefix_xor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

static inline unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* Bits k..63 (none when k >= 64; all when k <= 0). */
static inline uint64_t bits_from(ptrdiff_t k)
{
    return k >= 64 ? 0 : k <= 0 ? ~(uint64_t)0 : ~(uint64_t)0 << k;
}

/* Hands the plain line p[0..n), whose nf fields are in r->foff and r->flen, to the row
 * rules. */
static void plain_record(reader *r, const char *p, size_t n, size_t nf, bool high)
{
    r->nf = nf;
    r->fbase = p;
    r->rawp = p;
    r->rawn = n < RAW_KEEP ? n : RAW_KEEP;
    r->in_place = true;
    r->rec_high = high;
    spie_rd_data_record(r);
    r->in_place = false;
    r->rec_high = true;
    spie_rd_end_record(r);
    r->rec_start = r->cur_line + 1;
    r->cur_line++;
}

/* Splits and hands to the row rules every plain line from p (a line start) on; stops at
 * the first line that is not plain or has no end before `end`, or at a failure. Returns
 * where it stopped: that line's start, or end. */
static const char *plain_lines(reader *r, const char *p, const char *end)
{
    /* Room for the most fields a line may have, once: no check per field. */
    while (r->fcap < SPIE_COLUMNS_MAX)
        if (!spie_rd_grow_fields(r)) {
            spie_rd_fail_memory(r);
            return end;
        }
    size_t *const foff = r->foff, *const flen = r->flen;
    const char *line = p, *fs = p; /* the current line's and field's first byte */
    size_t nf = 0;
    bool badc = false, hc = false; /* in the current line, in the blocks before this one: a
                                      byte that makes it not plain, a byte >= 0x80 */
    uint64_t carry = 0;    /* all ones when the block starts inside quotes */
    uint64_t end_before = 1; /* the byte before the block ends a field (or p starts a line) */
    uint64_t close_last = 0; /* a closing quote on the block's last byte before this one */
    for (const char *b = p; b < end; b += 64) {
        masks m;
        if (end - b >= 64) {
            m = block_masks(b, r->delim);
        } else { /* the last bytes, in a block of their own padded with NULs */
            char tmp[64] = {0};
            memcpy(tmp, b, (size_t)(end - b));
            m = block_masks(tmp, r->delim);
        }
        uint64_t inq = prefix_xor(m.q) ^ carry;
        carry = (uint64_t)0 - (inq >> 63);
        uint64_t ends = (m.d & ~inq) | m.e;
        uint64_t closing = m.q & ~inq;
        uint64_t bad = (m.q & inq & ~((ends << 1) | end_before)) /* a quote opens inside a field */
                       | (closing & ~(ends >> 1) & ~((uint64_t)1 << 63)) /* a field goes on after its closing quote */
                       | (m.e & inq)                              /* the line ends inside quotes */
                       | (close_last & ~ends & 1u);               /* the same, across the blocks */
        end_before = ends >> 63;
        close_last = closing >> 63;
        for (uint64_t left = ends; left; left &= left - 1) { /* each field end, lowest first */
            unsigned bit = lowest_bit(left);
            const char *c = b + bit;
            if (c < fs)
                continue; /* the LF of a CRLF, already taken */
            size_t len = (size_t)(c - fs);
            size_t q = *fs == '"' && len >= 2; /* a quoted field (when the line is plain) */
            len -= 2 * q;
            if (len > SPIE_FIELD_MAX || nf == SPIE_COLUMNS_MAX)
                return line; /* libcsv's path says why */
            foff[nf] = (size_t)(fs - line) + q;
            flen[nf] = len;
            nf++;
            fs = c + 1;
            if (!((m.e >> bit) & 1u))
                continue;
            size_t n = (size_t)(c - line);
            uint64_t in_line = bits_from(line - b) & ~bits_from((ptrdiff_t)bit + 1);
            if (badc || (bad & in_line) || n == 0 || n > SPIE_RECORD_MAX || (nf == 1 && spie_rd_blank(line, n)))
                return line;
            plain_record(r, line, n, nf, hc || (m.h & in_line) != 0);
            if (r->failed)
                return end;
            if (*c == '\r') {
                if (c + 1 == end) {
                    r->prev_cr = true; /* a LF at the start of the next bytes belongs to it */
                    return end;
                }
                if (c[1] == '\n')
                    fs++;
            }
            line = fs;
            nf = 0;
            hc = false;
        }
        badc = badc || (bad & bits_from(line - b)) != 0;
        hc = hc || (m.h & bits_from(line - b)) != 0;
    }
    return line;
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
    while (p < end && !r->failed) {
        if (r->prev_cr) {
            r->prev_cr = false;
            if (*p == '\n') {
                p++;
                continue;
            }
        }
        if (!r->line_has_bytes && r->have_header && r->qstate == Q_FIELD_START && !r->job->csv_reference) {
            p = plain_lines(r, p, end);
            if (p == end || r->failed)
                break;
        }
        /* A line that is not plain (or the header, or a record's next line): libcsv's path. */
        const char *lf = memchr(p, '\n', (size_t)(end - p));
        const char *cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));
        const char *eol = cr ? cr : lf;
        size_t seg = (size_t)((eol ? eol : end) - p);
        if (seg)
            segment(r, p, seg);
        if (!eol || r->failed)
            break;
        spie_rd_end_of_line(r);
        r->prev_cr = *eol == '\r';
        p = eol + 1;
    }
    spie_rd_pipe_flush(r); /* rows in flight point into these bytes */
}

