/* The byte source of one extract file (see spie/source.h for the contract).
 *
 * gzip is decoded member by member with ISA-L's isal_inflate (SPIE_INFLATER_DEFAULT, the
 * fast path) or zlib's inflate (SPIE_INFLATER_ZLIB, the reference path), never with
 * gzread: gzread treats a truncated stream as a normal end, passes a non-gzip file
 * through and ignores trailing bytes. Here every member boundary goes through one small
 * state machine that looks at the bytes itself:
 *
 *   MAGIC  -- 1f 8b --> MEMBER -- Z_STREAM_END (trailer checked) --> MAGIC
 *   MAGIC  -- 00 (after a member) --> PADDING -- end of file --> END
 *   MAGIC  -- end of file (after a member) --> END
 *
 * anything else is an error, which is sticky. The two inflaters differ only in "inflate
 * some bytes of this member" (src_member_zlib, src_member_isal): both read from the same
 * input cursor (z.next_in / z.avail_in, the z_stream serving as the cursor for ISA-L too)
 * and write to the same output cursor (z.next_out / z.avail_out).
 *
 * ISA-L (crc_flag ISAL_GZIP) parses the gzip header (FEXTRA, FNAME, FCOMMENT, FHCRC
 * checked), checks the trailer (CRC-32 and ISIZE) and, at the member's end, gives back
 * the bytes its 64-bit bit buffer took beyond it; it ignores the reserved FLG bits, which
 * src_member_isal checks. On anything but a clean member (an error, the end of the file
 * inside the member, no progress) src_to_zlib rewinds the input to the member's first
 * byte (pread for a file, the borrowed bytes for memory) and zlib takes over for the rest
 * of the source: it decodes that member again, drops what was already handed out, and
 * finds the error itself. Errors, offsets and bytes_in are therefore zlib's. When the
 * caller's buffer is full, ISA-L is asked for one byte more (kept for the next call) so
 * that it looks as far ahead as zlib does (src_read_gzip). The header of spie/source.h
 * says where the two paths may still differ (code sets that ISA-L accepts and zlib
 * refuses; an error within the last 8 bytes read, where ISA-L cannot look ahead).
 *
 * Tuned for the batch's workload (a few large CSV extracts read once, front to back):
 * the file is read with read(2) into one 128 KiB buffer and the inflater writes straight
 * into the caller's buffer, so the only copy is the decompression itself and memory does
 * not depend on the file's size.
 *
 * The source hands out bytes: it may not split lines or look at their content (the
 * extract reader does), and it reports errors in its status, never by printing. */
#define ZLIB_CONST /* next_in is const: the memory variant lends its bytes */

#include "spie/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "spie/digest.h"

#define SRC_INBUF_SIZE ((size_t)128 * 1024)
/* Largest count one call hands out: fits uInt (zlib), ssize_t (read) and long. */
#define SRC_MAX_CALL ((size_t)1 << 30)
#define SRC_GZIP_WBITS (15 + 16) /* 32 KiB window, gzip wrapper only */

typedef enum src_state {
    SRC_ST_MAGIC,   /* before a member: 1f 8b, or (after one) NUL padding or end of file */
    SRC_ST_MEMBER,  /* inside a member: inflate until Z_STREAM_END */
    SRC_ST_PADDING, /* NUL bytes after the last member: only NULs until end of file */
    SRC_ST_PLAIN,   /* plain mode: bytes passed through */
    SRC_ST_END,     /* clean end: reads return 0 */
    SRC_ST_ERROR    /* reads return -1 */
} src_state;

struct spie_src {
    int fd;                   /* -1 for a memory source */
    const unsigned char *mem; /* memory source: borrowed bytes */
    size_t mem_n;
    size_t mem_pos;           /* mem[0..mem_pos) has been handed to the decoder */
    unsigned char *inbuf;     /* file source in gzip mode: SRC_INBUF_SIZE bytes */
    bool gzip;
    bool z_ready;             /* inflateInit2 succeeded: inflateEnd is owed */
    z_stream z;               /* next_in/avail_in: input read but not yet consumed;
                                 next_out/avail_out: room left in the caller's buffer */
    spie_inflater engine;     /* ZLIB or ISAL: the inflater of the current member */
    struct inflate_state *isal; /* ISA-L's state (ISAL path), NULL otherwise */
    /* The current member, for the fall back to zlib. */
    uint64_t m_start;         /* file offset of its first byte */
    uint64_t m_b0;            /* bytes_in when it began: [m_start, m_b0) was buffered */
    uint64_t m_handed;        /* its output handed out by earlier calls */
    size_t m_call0;           /* where its output starts in the current call's buffer */
    bool m_flg_seen;          /* ISA-L path: its FLG byte has been checked */
    bool has_pend;            /* ISA-L path: pend is owed to the next call */
    unsigned char pend;       /* the byte of the look-ahead (see src_read_gzip) */
    src_state state;
    spie_src_status status;
    uint64_t err_off;
    int err_no;
    bool nul_padding;
    unsigned members;
    uint64_t bytes_in;        /* bytes read from the file (or lent by the memory) */
    uint64_t bytes_out;
    size_t heap;              /* heap bytes held, zlib's allocations included */
    /* The file as read (spie_src_fingerprint): every byte of the file joins the hash once,
     * as read(2) brings it; bytes [0, hashed) are in. */
    size_t err_partial;       /* bytes the failing call wrote before its error (see the header) */
    spie_sha256 *sha;
    uint64_t hashed;
    int hash_err;             /* the hash is lost (libcrypto failed, or a gap) */
    struct stat opened;       /* the file when it was opened */
};

/* The file's bytes [off, off + n) were just read into p: the part not yet hashed joins
 * the hash. A member given back to zlib is read again from its start (src_to_zlib): its
 * bytes count once. */
static void src_hash(spie_src *src, const unsigned char *p, uint64_t off, size_t n)
{
    if (!src->sha || src->hash_err || off + n <= src->hashed)
        return;
    if (off > src->hashed) { /* a byte skipped: cannot happen, reads are in order */
        src->hash_err = EIO;
        return;
    }
    size_t skip = (size_t)(src->hashed - off);
    src->hash_err = spie_sha256_update(src->sha, p + skip, n - skip);
    src->hashed = off + n;
}

/* zlib's allocations go through here so that spie_src_heap_bytes is exact. */
typedef union src_zhdr {
    size_t n;
    max_align_t align;
} src_zhdr;

static voidpf src_zalloc(voidpf opaque, uInt items, uInt size)
{
    spie_src *src = opaque;
    if (size != 0 && items > (SIZE_MAX - sizeof(src_zhdr)) / size)
        return Z_NULL;
    size_t n = (size_t)items * size;
    src_zhdr *h = malloc(sizeof *h + n);
    if (!h)
        return Z_NULL;
    h->n = n;
    src->heap += sizeof *h + n;
    return h + 1;
}

static void src_zfree(voidpf opaque, voidpf p)
{
    spie_src *src = opaque;
    if (!p)
        return;
    src_zhdr *h = (src_zhdr *)p - 1;
    src->heap -= sizeof *h + h->n;
    free(h);
}

/* Records an error (sticky) and returns -1 for the read call. */
static long src_fail(spie_src *src, spie_src_status st, uint64_t off)
{
    src->state = SRC_ST_ERROR;
    src->status = st;
    src->err_off = off;
    return -1;
}

/* File offset of the next unconsumed input byte. */
static uint64_t src_in_offset(const spie_src *src)
{
    return src->bytes_in - src->z.avail_in;
}

/* Appends input after the unconsumed bytes (which are kept). Returns 1 when bytes were
 * added, 0 at end of file, -1 after a read error (recorded). Needs avail_in to be less
 * than SRC_INBUF_SIZE, which holds: it is called only with 0 or 1 byte left. */
static int src_fill(spie_src *src)
{
    z_stream *z = &src->z;
    size_t room = SRC_INBUF_SIZE - z->avail_in;

    if (src->fd < 0) {
        /* Memory: the unconsumed bytes are the ones just before mem_pos. Lent in chunks
         * of the file buffer's size, so both variants behave the same. */
        size_t left = src->mem_n - src->mem_pos;
        if (left == 0)
            return 0;
        size_t k = left < room ? left : room;
        z->next_in = src->mem + src->mem_pos - z->avail_in;
        z->avail_in += (uInt)k;
        src->mem_pos += k;
        src->bytes_in += k;
        return 1;
    }

    if (z->avail_in > 0 && z->next_in != src->inbuf)
        memmove(src->inbuf, z->next_in, z->avail_in);
    z->next_in = src->inbuf;
    for (;;) {
        ssize_t r = read(src->fd, src->inbuf + z->avail_in, room);
        if (r > 0) {
            src_hash(src, src->inbuf + z->avail_in, src->bytes_in, (size_t)r);
            z->avail_in += (uInt)r;
            src->bytes_in += (uint64_t)r;
            return 1;
        }
        if (r == 0)
            return 0;
        if (errno == EINTR)
            continue;
        src->err_no = errno;
        src_fail(src, SPIE_SRC_E_READ, src->bytes_in);
        return -1;
    }
}

/* Plain mode: one read(2) straight into the caller's buffer. */
static long src_read_plain(spie_src *src, unsigned char *buf, size_t cap)
{
    size_t k;
    if (src->fd < 0) {
        size_t left = src->mem_n - src->mem_pos;
        k = left < cap ? left : cap;
        if (k > 0)
            memcpy(buf, src->mem + src->mem_pos, k);
        src->mem_pos += k;
    } else {
        ssize_t r;
        do
            r = read(src->fd, buf, cap);
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            src->err_no = errno;
            return src_fail(src, SPIE_SRC_E_READ, src->bytes_in);
        }
        k = (size_t)r;
        src_hash(src, buf, src->bytes_in, k);
    }
    if (k == 0) {
        src->state = SRC_ST_END;
        return 0;
    }
    src->bytes_in += k;
    src->bytes_out += k;
    return (long)k;
}

/* What one step of an inflater did. */
enum {
    SRC_STEP_ERROR = -1, /* error recorded */
    SRC_STEP_MORE = 0,   /* progress; the member goes on */
    SRC_STEP_END = 1,    /* the member ended, trailer checked */
    SRC_STEP_ZLIB = 2    /* ISA-L path: let zlib decode this member (src_to_zlib) */
};

/* zlib: refills the input when it is used up, then one inflate call. */
static int src_member_zlib(spie_src *src)
{
    z_stream *z = &src->z;
    if (z->avail_in == 0) {
        int f = src_fill(src);
        if (f < 0)
            return SRC_STEP_ERROR;
        if (f == 0) { /* in the header, the data or the trailer */
            src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
            return SRC_STEP_ERROR;
        }
    }
    int rc = inflate(z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END)
        return SRC_STEP_END;
    if (rc == Z_OK)
        return SRC_STEP_MORE;
    if (rc == Z_MEM_ERROR) {
        src_fail(src, SPIE_SRC_E_MEMORY, src_in_offset(src));
        return SRC_STEP_ERROR;
    }
    /* Z_BUF_ERROR: no progress, normal only when the input ran out (refilled above on
     * the next turn); with input and room left it cannot happen, and must not loop.
     * Otherwise Z_DATA_ERROR (bad header, deflate data, CRC or length), Z_NEED_DICT
     * (impossible in gzip), Z_STREAM_ERROR. */
    if (rc == Z_BUF_ERROR && !(z->avail_in > 0 && z->avail_out > 0))
        return SRC_STEP_MORE;
    src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
    return SRC_STEP_ERROR;
}

/* ISA-L: refills the input when it is used up (if may_fill), then one isal_inflate
 * call. Anything but progress or a clean end is left to zlib (SRC_STEP_ZLIB), including
 * the end of the file: zlib then says whether the member is cut short or corrupt before
 * that. */
static int src_member_isal(spie_src *src, bool may_fill)
{
    z_stream *z = &src->z;
    struct inflate_state *s = src->isal;
    if (z->avail_in == 0 && may_fill) {
        int f = src_fill(src);
        if (f < 0)
            return SRC_STEP_ERROR;
        if (f == 0)
            return SRC_STEP_ZLIB;
    }
    if (!src->m_flg_seen) {
        /* FLG is the member's byte 3; ISA-L does not refuse its reserved bits 5-7,
         * zlib does. It is checked while it is still in the buffer. */
        uint64_t at = src_in_offset(src);
        if (at > src->m_start + 3)
            return SRC_STEP_ZLIB; /* cannot happen: it was consumed unseen */
        if (at + z->avail_in > src->m_start + 3) {
            src->m_flg_seen = true;
            if (z->next_in[src->m_start + 3 - at] & 0xe0)
                return SRC_STEP_ZLIB;
        }
    }
    uInt in0 = z->avail_in, out0 = z->avail_out;
    s->next_in = (uint8_t *)z->next_in; /* ISA-L does not write its input */
    s->avail_in = in0;
    s->next_out = z->next_out;
    s->avail_out = out0;
    int rc = isal_inflate(s);
    /* ISA-L gives back at the member's end the whole bytes of its bit buffer; more than
     * it was given in this call would point before the input: never seen, left to zlib
     * rather than trusted. */
    if (rc != ISAL_DECOMP_OK || s->avail_in > in0)
        return SRC_STEP_ZLIB;
    z->next_in = s->next_in;
    z->avail_in = s->avail_in;
    z->next_out = s->next_out;
    z->avail_out = s->avail_out;
    if (s->block_state == ISAL_BLOCK_FINISH)
        return SRC_STEP_END;
    if (z->avail_in == in0 && z->avail_out == out0 && in0 > 0 && out0 > 0)
        return SRC_STEP_ZLIB; /* no progress with input and room: never loop */
    return SRC_STEP_MORE;
}

/* pread of exactly n bytes at off; 0, or -1 with errno set (EIO when the file is
 * shorter than it was: it changed under the reader). */
static int src_pread_full(int fd, unsigned char *p, size_t n, uint64_t off)
{
    while (n > 0) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = EIO;
            return -1;
        }
        p += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}

/* The ISA-L path gives the current member to zlib, for good: the input goes back to
 * the member's first byte with exactly the bytes the zlib path would have had buffered
 * then ([m_start, m_b0), so the later refills and bytes_in are the same), zlib decodes
 * again the m_handed bytes already handed out (into ISA-L's state, dead from now on:
 * 85 KiB of scratch owned by the source) and then writes from buf + m_call0, where the
 * member's output of this call began. Returns a SRC_STEP_ value (never ZLIB). */
static int src_to_zlib(spie_src *src, unsigned char *buf, size_t cap)
{
    z_stream *z = &src->z;
    src->engine = SPIE_INFLATER_ZLIB;
    if (!src->z_ready) {
        if (inflateInit2(z, SRC_GZIP_WBITS) != Z_OK) {
            src_fail(src, SPIE_SRC_E_MEMORY, src_in_offset(src));
            return SRC_STEP_ERROR;
        }
        src->z_ready = true;
    } else if (inflateReset(z) != Z_OK) {
        src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
        return SRC_STEP_ERROR;
    }
    size_t held = (size_t)(src->m_b0 - src->m_start); /* <= SRC_INBUF_SIZE */
    if (src->fd < 0) {
        z->next_in = src->mem + src->m_start;
        src->mem_pos = (size_t)src->m_b0;
    } else {
        if (src_pread_full(src->fd, src->inbuf, held, src->m_start) != 0 ||
            lseek(src->fd, (off_t)src->m_b0, SEEK_SET) < 0) {
            src->err_no = errno;
            src_fail(src, SPIE_SRC_E_READ, src->bytes_in);
            return SRC_STEP_ERROR;
        }
        z->next_in = src->inbuf;
    }
    z->avail_in = (uInt)held;
    src->bytes_in = src->m_b0;

    unsigned char *scratch = (unsigned char *)src->isal;
    const uint64_t scratch_n = sizeof *src->isal;
    uint64_t left = src->m_handed;
    while (left > 0) {
        uInt chunk = (uInt)(left < scratch_n ? left : scratch_n);
        z->next_out = scratch;
        z->avail_out = chunk;
        int r = SRC_STEP_MORE;
        while (z->avail_out > 0 && r == SRC_STEP_MORE)
            r = src_member_zlib(src);
        if (r == SRC_STEP_ERROR)
            return r;
        left -= chunk - z->avail_out;
        if (r == SRC_STEP_END && left > 0) {
            /* zlib's member is shorter than what ISA-L handed out: only possible with a
             * code set that zlib refuses, which ends in an error before this. */
            src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
            return SRC_STEP_ERROR;
        }
        if (r == SRC_STEP_END) {
            z->next_out = buf + src->m_call0;
            z->avail_out = (uInt)(cap - src->m_call0);
            return r;
        }
    }
    z->next_out = buf + src->m_call0;
    z->avail_out = (uInt)(cap - src->m_call0);
    return SRC_STEP_MORE;
}

/* After a step of a member: a hand-over to zlib is carried out, the end of the member is
 * counted. -1 on error (the status is set), else 0. */
static int src_step_done(spie_src *src, int r, unsigned char *buf, size_t cap)
{
    if (r == SRC_STEP_ZLIB)
        r = src_to_zlib(src, buf, cap);
    if (r == SRC_STEP_ERROR)
        return -1;
    if (r == SRC_STEP_END) {
        src->members++;
        src->state = SRC_ST_MAGIC;
    }
    return 0;
}

/* SRC_ST_MAGIC: two bytes decide. 1f 8b starts a member, a NUL after a member starts the
 * padding, the end of file after a member is the clean end. -1 on error (the status is
 * set), else 0 (the state may have changed). */
static int src_at_magic(spie_src *src, size_t cap)
{
    z_stream *z = &src->z;
    if (z->avail_in < 2) {
        int f = src_fill(src);
        if (f < 0)
            return -1;
        if (f > 0)
            return 0;
        if (z->avail_in == 0) {
            if (src->members == 0) /* empty file */
                return (int)src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
            src->state = SRC_ST_END;
            return 0;
        }
    }
    const unsigned char *p = z->next_in;
    if (src->members > 0 && p[0] == 0) {
        src->state = SRC_ST_PADDING;
        return 0;
    }
    if (p[0] != 0x1f || (z->avail_in >= 2 && p[1] != 0x8b))
        return (int)src_fail(src, src->members == 0 ? SPIE_SRC_E_NOT_GZIP : SPIE_SRC_E_TRAILING,
                             src_in_offset(src));
    if (z->avail_in < 2) /* a lone 1f at the end: a header cut short */
        return (int)src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
    if (src->engine == SPIE_INFLATER_ISAL) {
        isal_inflate_reset(src->isal);
        src->isal->crc_flag = ISAL_GZIP; /* header and trailer checked */
    } else if (src->members > 0 && inflateReset(z) != Z_OK) {
        return (int)src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
    }
    src->m_start = src_in_offset(src);
    src->m_b0 = src->bytes_in;
    src->m_handed = 0;
    src->m_call0 = cap - z->avail_out;
    src->m_flg_seen = false;
    src->state = SRC_ST_MEMBER;
    return 0;
}

/* SRC_ST_PADDING: only NUL bytes until the end of the file. -1 on error, else 0. */
static int src_in_padding(spie_src *src)
{
    z_stream *z = &src->z;
    const unsigned char *p = z->next_in;
    uInt n = z->avail_in;
    uInt i = 0;
    while (i < n && p[i] == 0)
        i++;
    z->next_in += i;
    z->avail_in -= i;
    if (i < n)
        return (int)src_fail(src, SPIE_SRC_E_TRAILING, src_in_offset(src));
    int f = src_fill(src);
    if (f < 0)
        return -1;
    if (f == 0) {
        src->nul_padding = true;
        src->state = SRC_ST_END;
    }
    return 0;
}

/* The buffer is full. zlib still decodes, without writing, up to the next symbol that
 * needs room (through an end of block, the trailer, the next block's header, a match's
 * distance), so an error there falls in this call, whose bytes are then not handed out.
 * ISA-L stops before: it is asked for one byte more (no refill, as zlib), kept for the
 * next call. What it meets there, zlib meets too (it then decodes the member again), or
 * an error further on, found by ISA-L's own look-ahead, which zlib then finds later, in
 * the same call as on its own path. Not when ISA-L has taken all the input into its bit
 * buffer: called with no input, it decodes the missing bits as zeros (seen with ISA-L
 * 2.30), so there is no look-ahead there (exception (1) of spie/source.h: the last 8
 * bytes read). Returns 1 when there is nothing to peek (the call ends), -1 on error,
 * else 0. */
static int src_peek_one(spie_src *src, unsigned char *buf, size_t cap)
{
    z_stream *z = &src->z;
    if (src->state != SRC_ST_MEMBER || src->engine != SPIE_INFLATER_ISAL ||
        src->isal->block_state == ISAL_BLOCK_FINISH || z->avail_in == 0)
        return 1;
    z->next_out = &src->pend;
    z->avail_out = 1;
    int r = src_member_isal(src, false);
    src->has_pend = r != SRC_STEP_ZLIB && z->avail_out == 0;
    z->next_out = buf + cap;
    z->avail_out = 0;
    return src_step_done(src, r, buf, cap);
}

/* gzip mode: runs the state machine until buf is full or the file has ended. */
static long src_read_gzip(spie_src *src, unsigned char *buf, size_t cap)
{
    z_stream *z = &src->z;
    z->next_out = buf;
    z->avail_out = (uInt)cap;
    if (src->has_pend) { /* cap > 0 */
        buf[0] = src->pend;
        src->has_pend = false;
        z->next_out++;
        z->avail_out--;
    }
    bool peeked = false;

    while (src->state != SRC_ST_END) {
        int r;
        if (z->avail_out == 0) {
            if (peeked)
                break;
            peeked = true;
            r = src_peek_one(src, buf, cap);
            if (r > 0)
                break;
        } else if (src->state == SRC_ST_MAGIC) {
            r = src_at_magic(src, cap);
        } else if (src->state == SRC_ST_MEMBER) {
            r = src_step_done(src, src->engine == SPIE_INFLATER_ISAL ? src_member_isal(src, true)
                                                                     : src_member_zlib(src), buf, cap);
        } else { /* SRC_ST_PADDING */
            r = src_in_padding(src);
        }
        if (r < 0) {
            /* What this call wrote before the error: up to the output cursor when it is in
             * buf; when zlib was decoding again a member's start into scratch, up to where
             * that member's output began in buf; when the error came from the look-ahead
             * byte, buf was full. */
            const unsigned char *o = z->next_out;
            if (o >= buf && o <= buf + cap)
                src->err_partial = (size_t)(o - buf);
            else if (o == &src->pend || o == &src->pend + 1)
                src->err_partial = cap;
            else
                src->err_partial = src->m_call0 <= cap ? src->m_call0 : 0;
            return -1;
        }
    }

    size_t k = cap - z->avail_out;
    if (src->state == SRC_ST_MEMBER) { /* what the fall back to zlib must skip */
        src->m_handed += k - src->m_call0;
        src->m_call0 = 0;
    }
    src->bytes_out += k;
    return (long)k;
}

long spie_src_read(spie_src *src, void *buf, size_t cap)
{
    if (src->state == SRC_ST_ERROR)
        return -1;
    if (src->state == SRC_ST_END || cap == 0)
        return 0;
    if (cap > SRC_MAX_CALL)
        cap = SRC_MAX_CALL;
    if (src->state == SRC_ST_PLAIN)
        return src_read_plain(src, buf, cap);
    return src_read_gzip(src, buf, cap);
}

/* The common part of both constructors: state, input buffer (file + gzip), inflater. */
static spie_src *src_new(bool gzip, bool with_inbuf, spie_inflater inf)
{
    spie_src *src = calloc(1, sizeof *src);
    if (!src)
        return NULL;
    src->fd = -1;
    src->gzip = gzip;
    src->heap = sizeof *src;
    src->state = gzip ? SRC_ST_MAGIC : SRC_ST_PLAIN;
    if (!gzip)
        return src;
    if (with_inbuf) {
        src->inbuf = malloc(SRC_INBUF_SIZE);
        if (!src->inbuf)
            goto out_close_src;
        src->heap += SRC_INBUF_SIZE;
    }
    src->z.zalloc = src_zalloc;
    src->z.zfree = src_zfree;
    src->z.opaque = src;
    src->z.next_in = Z_NULL;
    src->z.avail_in = 0;
    if (inf == SPIE_INFLATER_ZLIB) {
        src->engine = SPIE_INFLATER_ZLIB;
        /* Fails only for lack of memory (or a zlib.h/libz mismatch, which the build
         * rules out): reported as memory. */
        if (inflateInit2(&src->z, SRC_GZIP_WBITS) != Z_OK)
            goto out_close_src;
        src->z_ready = true;
        return src;
    }
    /* ISA-L: the state (tables, 64 KiB of output buffer) is plain memory, reset for
     * each member; zlib is set up only if a member falls back to it. */
    src->engine = SPIE_INFLATER_ISAL;
    src->isal = malloc(sizeof *src->isal);
    if (!src->isal)
        goto out_close_src;
    src->heap += sizeof *src->isal;
    isal_inflate_init(src->isal);
    return src;

out_close_src:
    spie_src_close(src);
    return NULL;
}

spie_src *spie_src_open(const char *path, bool gzip, spie_src_status *st, int *err_no)
{
    return spie_src_open_ex(path, gzip, SPIE_INFLATER_DEFAULT, st, err_no);
}

spie_src *spie_src_open_ex(const char *path, bool gzip, spie_inflater inf, spie_src_status *st,
                           int *err_no)
{
    spie_src_status s = SPIE_SRC_E_OPEN;
    int e = 0;
    int fd;

    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just after. */
    do
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        e = errno;
        goto out;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        e = errno;
        goto out_close_fd;
    }
    if (!S_ISREG(sb.st_mode)) /* directory, FIFO, device, socket: e stays 0 */
        goto out_close_fd;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        e = errno;
        goto out_close_fd;
    }
    /* Advice only: the batch reads each file once, front to back. Its failure changes
     * nothing, so its result is deliberately ignored. */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    spie_src *src = src_new(gzip, true, inf);
    spie_sha256 *sha = src ? spie_sha256_new() : NULL;
    if (!src || !sha) {
        spie_src_close(src);
        s = SPIE_SRC_E_MEMORY;
        e = ENOMEM;
        goto out_close_fd;
    }
    src->fd = fd;
    src->sha = sha;
    src->opened = sb;
    if (st)
        *st = SPIE_SRC_OK;
    if (err_no)
        *err_no = 0;
    return src;

out_close_fd:
    (void)close(fd); /* read-only descriptor, nothing to flush */
out:
    if (st)
        *st = s;
    if (err_no)
        *err_no = e;
    return NULL;
}

spie_src *spie_src_open_mem(const void *data, size_t n, bool gzip, spie_src_status *st)
{
    return spie_src_open_mem_ex(data, n, gzip, SPIE_INFLATER_DEFAULT, st);
}

spie_src *spie_src_open_mem_ex(const void *data, size_t n, bool gzip, spie_inflater inf,
                               spie_src_status *st)
{
    spie_src *src = src_new(gzip, false, inf);
    if (st)
        *st = src ? SPIE_SRC_OK : SPIE_SRC_E_MEMORY;
    if (!src)
        return NULL;
    src->mem = data;
    src->mem_n = data ? n : 0;
    return src;
}

void spie_src_close(spie_src *src)
{
    if (!src)
        return;
    if (src->z_ready)
        (void)inflateEnd(&src->z); /* only fails on an inconsistent stream: freed anyway */
    if (src->fd >= 0)
        (void)close(src->fd); /* read-only descriptor, nothing to flush */
    free(src->isal);
    free(src->inbuf);
    spie_sha256_free(src->sha);
    free(src);
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int spie_src_fingerprint(spie_src *src, char hex[SPIE_SHA256_HEX], uint64_t *size, bool *changed)
{
    hex[0] = 0;
    *size = 0;
    *changed = false;
    if (src->fd < 0) {
        *size = src->mem_n;
        return spie_sha256_mem(src->mem, src->mem_n, hex);
    }
    if (!src->sha)
        return EINVAL; /* already taken */
    /* The rest of the file, when the reading stopped before its end: up to the size it had
     * when it was opened (a file that grows meanwhile has changed; reading on after a
     * writer could last for ever). */
    const uint64_t at_open = (uint64_t)src->opened.st_size;
    unsigned char *buf = NULL;
    while (!src->hash_err && src->hashed < at_open) {
        if (!buf && !(buf = malloc(SRC_INBUF_SIZE))) {
            src->hash_err = ENOMEM;
            break;
        }
        uint64_t want = at_open - src->hashed;
        size_t n = want < SRC_INBUF_SIZE ? (size_t)want : SRC_INBUF_SIZE;
        ssize_t r = pread(src->fd, buf, n, (off_t)src->hashed);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            src->hash_err = errno;
        if (r <= 0)
            break; /* shorter than at open: changed */
        src_hash(src, buf, src->hashed, (size_t)r);
    }
    free(buf);
    struct stat now;
    if (!src->hash_err && fstat(src->fd, &now) != 0)
        src->hash_err = errno;
    int rc = src->hash_err ? src->hash_err : spie_sha256_final(src->sha, hex);
    spie_sha256_free(src->sha);
    src->sha = NULL;
    if (rc) {
        hex[0] = 0;
        return rc;
    }
    *size = src->hashed;
    *changed = src->hashed != at_open || now.st_size != src->opened.st_size ||
               !same_time(now.st_mtim, src->opened.st_mtim) || !same_time(now.st_ctim, src->opened.st_ctim);
    return 0;
}

const char *spie_src_strerror(spie_src_status st)
{
    switch (st) {
    case SPIE_SRC_OK:
        return "aucune erreur";
    case SPIE_SRC_E_OPEN:
        return "fichier illisible";
    case SPIE_SRC_E_READ:
        return "erreur de lecture";
    case SPIE_SRC_E_NOT_GZIP:
        return "pas un fichier gzip";
    case SPIE_SRC_E_TRUNCATED:
        return "flux gzip tronqué";
    case SPIE_SRC_E_CORRUPT:
        return "flux gzip corrompu (données ou CRC invalides)";
    case SPIE_SRC_E_TRAILING:
        return "octets parasites après la fin du flux gzip";
    case SPIE_SRC_E_MEMORY:
        return "mémoire insuffisante";
    }
    return "erreur inconnue";
}

spie_src_status spie_src_error(const spie_src *src)
{
    return src->status;
}

uint64_t spie_src_error_offset(const spie_src *src)
{
    return src->err_off;
}

size_t spie_src_error_partial(const spie_src *src)
{
    return src->state == SRC_ST_ERROR ? src->err_partial : 0;
}

int spie_src_errno(const spie_src *src)
{
    return src->err_no;
}

bool spie_src_nul_padding(const spie_src *src)
{
    return src->nul_padding;
}

unsigned spie_src_members(const spie_src *src)
{
    return src->members;
}

uint64_t spie_src_bytes_in(const spie_src *src)
{
    return src->bytes_in;
}

uint64_t spie_src_bytes_out(const spie_src *src)
{
    return src->bytes_out;
}

size_t spie_src_heap_bytes(const spie_src *src)
{
    return src->heap;
}
