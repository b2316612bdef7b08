/* The byte source of one extract file (see spie/source.h for the contract).
 *
 * gzip is decoded with zlib's inflate, not gzread: gzread treats a truncated stream as a
 * normal end, passes a non-gzip file through and ignores trailing bytes. Here every
 * member boundary goes through one small state machine that looks at the bytes itself:
 *
 *   MAGIC  -- 1f 8b --> MEMBER -- Z_STREAM_END (trailer checked) --> MAGIC
 *   MAGIC  -- 00 (after a member) --> PADDING -- end of file --> END
 *   MAGIC  -- end of file (after a member) --> END
 *
 * anything else is an error, which is sticky. Tuned for the batch's workload (a few
 * large CSV extracts read once, front to back): the file is read with read(2) into one
 * 128 KiB buffer and inflate writes straight into the caller's buffer, so the only copy
 * is the decompression itself and memory does not depend on the file's size. */
#define ZLIB_CONST /* next_in is const: the memory variant lends its bytes */

#include "spie/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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
    z_stream z;               /* next_in/avail_in: input read but not yet consumed */
    src_state state;
    spie_src_status status;
    uint64_t err_off;
    int err_no;
    bool nul_padding;
    unsigned members;
    uint64_t bytes_in;        /* bytes read from the file (or lent by the memory) */
    uint64_t bytes_out;
    size_t heap;              /* heap bytes held, zlib's allocations included */
};

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
    }
    if (k == 0) {
        src->state = SRC_ST_END;
        return 0;
    }
    src->bytes_in += k;
    src->bytes_out += k;
    return (long)k;
}

/* gzip mode: runs the state machine until buf is full or the file has ended. */
static long src_read_gzip(spie_src *src, unsigned char *buf, size_t cap)
{
    z_stream *z = &src->z;
    z->next_out = buf;
    z->avail_out = (uInt)cap;

    while (z->avail_out > 0 && src->state != SRC_ST_END) {
        if (src->state == SRC_ST_MAGIC) {
            /* Two bytes decide: 1f 8b starts a member, a NUL after a member starts the
             * padding, the end of file after a member is the clean end. */
            if (z->avail_in < 2) {
                int f = src_fill(src);
                if (f < 0)
                    return -1;
                if (f > 0)
                    continue;
                if (z->avail_in == 0) {
                    if (src->members == 0) /* empty file */
                        return src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
                    src->state = SRC_ST_END;
                    continue;
                }
            }
            const unsigned char *p = z->next_in;
            if (src->members > 0 && p[0] == 0) {
                src->state = SRC_ST_PADDING;
                continue;
            }
            if (p[0] != 0x1f || (z->avail_in >= 2 && p[1] != 0x8b))
                return src_fail(src,
                                src->members == 0 ? SPIE_SRC_E_NOT_GZIP : SPIE_SRC_E_TRAILING,
                                src_in_offset(src));
            if (z->avail_in < 2) /* a lone 1f at the end: a header cut short */
                return src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
            if (src->members > 0 && inflateReset(z) != Z_OK)
                return src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
            src->state = SRC_ST_MEMBER;
        } else if (src->state == SRC_ST_MEMBER) {
            if (z->avail_in == 0) {
                int f = src_fill(src);
                if (f < 0)
                    return -1;
                if (f == 0) /* in the header, the data or the trailer */
                    return src_fail(src, SPIE_SRC_E_TRUNCATED, src->bytes_in);
            }
            int rc = inflate(z, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                src->members++;
                src->state = SRC_ST_MAGIC;
            } else if (rc == Z_MEM_ERROR) {
                return src_fail(src, SPIE_SRC_E_MEMORY, src_in_offset(src));
            } else if (rc == Z_BUF_ERROR) {
                /* No progress: normal only when the input ran out (refilled above on
                 * the next turn); with input and room left it cannot happen, and must
                 * not loop. */
                if (z->avail_in > 0 && z->avail_out > 0)
                    return src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
            } else if (rc != Z_OK) {
                /* Z_DATA_ERROR (bad header, deflate data, CRC or length), Z_NEED_DICT
                 * (impossible in gzip), Z_STREAM_ERROR. */
                return src_fail(src, SPIE_SRC_E_CORRUPT, src_in_offset(src));
            }
        } else { /* SRC_ST_PADDING */
            const unsigned char *p = z->next_in;
            uInt n = z->avail_in;
            uInt i = 0;
            while (i < n && p[i] == 0)
                i++;
            z->next_in += i;
            z->avail_in -= i;
            if (i < n)
                return src_fail(src, SPIE_SRC_E_TRAILING, src_in_offset(src));
            int f = src_fill(src);
            if (f < 0)
                return -1;
            if (f == 0) {
                src->nul_padding = true;
                src->state = SRC_ST_END;
            }
        }
    }

    size_t k = cap - z->avail_out;
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

/* The common part of both constructors: state, input buffer (file + gzip), inflate. */
static spie_src *src_new(bool gzip, bool with_inbuf)
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
    /* Fails only for lack of memory (or a zlib.h/libz mismatch, which the build rules
     * out): reported as memory. */
    if (inflateInit2(&src->z, SRC_GZIP_WBITS) != Z_OK)
        goto out_close_src;
    src->z_ready = true;
    return src;

out_close_src:
    spie_src_close(src);
    return NULL;
}

spie_src *spie_src_open(const char *path, bool gzip, spie_src_status *st, int *err_no)
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

    spie_src *src = src_new(gzip, true);
    if (!src) {
        s = SPIE_SRC_E_MEMORY;
        e = ENOMEM;
        goto out_close_fd;
    }
    src->fd = fd;
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
    spie_src *src = src_new(gzip, false);
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
    free(src->inbuf);
    free(src);
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
