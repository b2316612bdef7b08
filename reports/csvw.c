/* CSV writer: a 64 KiB output buffer in front of write(2), with an optional deflate
 * stage (zlib, gzip wrapper, level 6). */
#include "spie/csvw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define OUT_BUF (64u * 1024u)

struct spie_csvw {
    int fd;
    char *path;
    bool gzip;
    z_stream z;
    bool z_ready;
    unsigned char *buf; /* rows (before deflate) */
    size_t len;
    unsigned char *zbuf; /* deflate output */
    bool row_started;
    int err;
    uint64_t bytes;
};

static int write_all(spie_csvw *w, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->err = errno;
            return -1;
        }
        if (k == 0) {
            w->err = ENOSPC;
            return -1;
        }
        p += k;
        n -= (size_t)k;
        w->bytes += (uint64_t)k;
    }
    return 0;
}

static int flush_buf(spie_csvw *w, bool finish)
{
    if (w->err)
        return -1;
    if (!w->gzip) {
        int rc = write_all(w, w->buf, w->len);
        w->len = 0;
        return rc;
    }
    w->z.next_in = w->buf;
    w->z.avail_in = (uInt)w->len;
    for (;;) {
        w->z.next_out = w->zbuf;
        w->z.avail_out = OUT_BUF;
        int zr = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (zr == Z_STREAM_ERROR) {
            w->err = EIO;
            return -1;
        }
        size_t have = OUT_BUF - w->z.avail_out;
        if (have && write_all(w, w->zbuf, have) != 0)
            return -1;
        if (finish ? zr == Z_STREAM_END : w->z.avail_in == 0)
            break;
    }
    w->len = 0;
    return 0;
}

static int put(spie_csvw *w, const void *p, size_t n)
{
    if (w->err)
        return -1;
    const unsigned char *s = p;
    while (n > 0) {
        if (w->len == OUT_BUF && flush_buf(w, false) != 0)
            return -1;
        size_t k = OUT_BUF - w->len;
        if (k > n)
            k = n;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
    }
    return 0;
}

spie_csvw *spie_csvw_open(const char *path, bool gzip)
{
    spie_csvw *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->fd = -1;
    w->gzip = gzip;
    w->path = strdup(path);
    w->buf = malloc(OUT_BUF);
    if (gzip)
        w->zbuf = malloc(OUT_BUF);
    if (!w->path || !w->buf || (gzip && !w->zbuf)) {
        errno = ENOMEM;
        goto fail;
    }
    if (gzip) {
        if (deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            errno = ENOMEM;
            goto fail;
        }
        w->z_ready = true;
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0)
        goto fail;
    return w;
fail:;
    int e = errno;
    spie_csvw_abort(w);
    errno = e;
    return NULL;
}

/* The bytes that make a field quoted: ',', '"', LF and CR. */
static const bool special[256] = {[','] = true, ['"'] = true, ['\n'] = true, ['\r'] = true};

static bool needs_quotes(const char *s, size_t n)
{
    if (n && (s[0] == ' ' || s[n - 1] == ' '))
        return true;
    for (size_t i = 0; i < n; i++)
        if (special[(unsigned char)s[i]])
            return true;
    return false;
}

static int sep(spie_csvw *w)
{
    if (w->row_started)
        return put(w, ",", 1);
    w->row_started = true;
    return 0;
}

int spie_csvw_field(spie_csvw *w, const char *s, size_t n)
{
    /* Most fields need no quotes and fit in the buffer with their separator: copied at
     * once (an indicators CSV has close to a million fields). */
    if (!w->err && n < OUT_BUF - w->len && !needs_quotes(s, n)) {
        if (w->row_started)
            w->buf[w->len++] = ',';
        w->row_started = true;
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        return 0;
    }
    if (sep(w) != 0)
        return -1;
    if (!needs_quotes(s, n))
        return put(w, s, n);
    if (put(w, "\"", 1) != 0)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            if (put(w, s + start, i + 1 - start) != 0 || put(w, "\"", 1) != 0)
                return -1;
            start = i + 1;
        }
    }
    if (put(w, s + start, n - start) != 0)
        return -1;
    return put(w, "\"", 1);
}

int spie_csvw_str(spie_csvw *w, const char *s)
{
    return spie_csvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

int spie_csvw_u64(spie_csvw *w, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (sep(w) != 0)
        return -1;
    return put(w, tmp + i, sizeof tmp - i);
}

int spie_csvw_i64(spie_csvw *w, int64_t v)
{
    if (v >= 0)
        return spie_csvw_u64(w, (uint64_t)v);
    char tmp[24];
    size_t i = sizeof tmp;
    uint64_t u = (uint64_t)(-(v + 1)) + 1;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    tmp[--i] = '-';
    if (sep(w) != 0)
        return -1;
    return put(w, tmp + i, sizeof tmp - i);
}

int spie_csvw_end_row(spie_csvw *w)
{
    w->row_started = false;
    return put(w, "\n", 1);
}

uint64_t spie_csvw_bytes(const spie_csvw *w) { return w->bytes; }

int spie_csvw_close(spie_csvw *w)
{
    if (!w)
        return 0;
    int err = w->err;
    if (!err && flush_buf(w, true) != 0)
        err = w->err;
    if (!err && fsync(w->fd) != 0)
        err = errno;
    if (close(w->fd) != 0 && !err)
        err = errno;
    w->fd = -1;
    if (w->z_ready)
        deflateEnd(&w->z);
    free(w->buf);
    free(w->zbuf);
    free(w->path);
    free(w);
    return err;
}

void spie_csvw_abort(spie_csvw *w)
{
    if (!w)
        return;
    if (w->fd >= 0) {
        close(w->fd);
        if (w->path)
            unlink(w->path);
    }
    if (w->z_ready)
        deflateEnd(&w->z);
    free(w->buf);
    free(w->zbuf);
    free(w->path);
    free(w);
}
