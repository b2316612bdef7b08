/* Output files of the sample generator: written under a temporary name beside the final
 * one and renamed only when complete, so an interrupted run never leaves a partial extract
 * under a real name. gzip output is deterministic: zlib's deflate with windowBits 31, a gzip
 * header with mtime 0 and OS byte 3 (set explicitly, not zlib's build-time default), a
 * fixed level. Every write, deflate, fflush and fclose result is checked.
 *
 * May not: look at what it writes (bytes in, bytes out), or leave a file under its final
 * name before it is complete. */
#include "sample_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define FILE_BUF_BYTES (1u << 20) /* text buffered before deflate */
#define ZOUT_BYTES (1u << 18)     /* deflate output chunk */

struct spie_sample_file {
    char *final_path;
    char *tmp_path;
    FILE *fp;
    bool gzip;
    bool zs_ready;
    z_stream zs;
    gz_header hdr;
    unsigned char *zout;
    char *buf; /* pending text; the bytes of the last write are always still here */
    size_t len, cap;
};

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return p;
}

static bool put_out(spie_sample_file *f, const void *p, size_t n, spie_sample_error *err)
{
    if (n && fwrite(p, 1, n, f->fp) != n) {
        spie_smp_seterr(err, "écriture impossible de %s : %s", f->tmp_path, strerror(errno));
        return false;
    }
    return true;
}

/* Feeds n bytes of text to the output with the given flush mode (gzip: deflate). */
static bool emit(spie_sample_file *f, const char *p, size_t n, int mode, spie_sample_error *err)
{
    if (!f->gzip)
        return put_out(f, p, n, err);
    f->zs.next_in = (unsigned char *)(uintptr_t)p;
    f->zs.avail_in = (uInt)n;
    for (;;) {
        f->zs.next_out = f->zout;
        f->zs.avail_out = ZOUT_BYTES;
        int rc = deflate(&f->zs, mode);
        if (rc == Z_STREAM_ERROR) {
            spie_smp_seterr(err, "compression impossible de %s", f->tmp_path);
            return false;
        }
        if (!put_out(f, f->zout, ZOUT_BYTES - f->zs.avail_out, err))
            return false;
        if (mode == Z_FINISH) {
            if (rc == Z_STREAM_END)
                return true;
        } else if (f->zs.avail_in == 0 && f->zs.avail_out != 0) {
            return true;
        }
    }
}

/* Starts a gzip member: deflate with a gzip wrapper, header with mtime 0 and OS 3. */
static bool start_member(spie_sample_file *f, spie_sample_error *err)
{
    memset(&f->hdr, 0, sizeof f->hdr);
    f->hdr.os = 3;
    f->hdr.time = 0;
    if (deflateSetHeader(&f->zs, &f->hdr) != Z_OK) {
        spie_smp_seterr(err, "compression impossible de %s", f->tmp_path);
        return false;
    }
    return true;
}

spie_sample_file *spie_sample_file_open(const char *dir, const char *name, bool gzip, int level,
                                        spie_sample_error *err)
{
    spie_sample_file *f = calloc(1, sizeof *f);
    if (!f) {
        spie_smp_seterr(err, "mémoire insuffisante");
        return NULL;
    }
    f->gzip = gzip;
    f->final_path = join(dir, "", name, "");
    f->tmp_path = join(dir, ".", name, ".tmp");
    f->cap = FILE_BUF_BYTES;
    f->buf = malloc(f->cap);
    f->zout = gzip ? malloc(ZOUT_BYTES) : NULL;
    if (!f->final_path || !f->tmp_path || !f->buf || (gzip && !f->zout)) {
        spie_smp_seterr(err, "mémoire insuffisante");
        goto out_free;
    }
    if (gzip) {
        if (deflateInit2(&f->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            spie_smp_seterr(err, "compression impossible de %s", name);
            goto out_free;
        }
        f->zs_ready = true;
        if (!start_member(f, err))
            goto out_free;
    }
    f->fp = fopen(f->tmp_path, "wb");
    if (!f->fp) {
        spie_smp_seterr(err, "création impossible de %s : %s", f->tmp_path, strerror(errno));
        goto out_free;
    }
    return f;

out_free:
    if (f->zs_ready)
        deflateEnd(&f->zs);
    free(f->zout);
    free(f->buf);
    free(f->tmp_path);
    free(f->final_path);
    free(f);
    return NULL;
}

bool spie_sample_file_write(spie_sample_file *f, const void *data, size_t n, spie_sample_error *err)
{
    if (f->len + n > f->cap) {
        if (!emit(f, f->buf, f->len, Z_NO_FLUSH, err))
            return false;
        f->len = 0;
        if (n > f->cap) {
            char *nb = realloc(f->buf, n);
            if (!nb) {
                spie_smp_seterr(err, "mémoire insuffisante");
                return false;
            }
            f->buf = nb;
            f->cap = n;
        }
    }
    memcpy(f->buf + f->len, data, n);
    f->len += n;
    return true;
}

bool spie_sample_file_new_member(spie_sample_file *f, size_t keep_tail, spie_sample_error *err)
{
    if (!f->gzip || keep_tail > f->len) {
        spie_smp_seterr(err, "coupure de membre gzip impossible dans %s", f->tmp_path);
        return false;
    }
    size_t head = f->len - keep_tail;
    if (!emit(f, f->buf, head, Z_FINISH, err))
        return false;
    memmove(f->buf, f->buf + head, keep_tail);
    f->len = keep_tail;
    if (deflateReset(&f->zs) != Z_OK) {
        spie_smp_seterr(err, "compression impossible de %s", f->tmp_path);
        return false;
    }
    return start_member(f, err);
}

static void file_free(spie_sample_file *f)
{
    if (f->zs_ready)
        deflateEnd(&f->zs);
    free(f->zout);
    free(f->buf);
    free(f->tmp_path);
    free(f->final_path);
    free(f);
}

bool spie_sample_file_close(spie_sample_file *f, uint64_t *size, spie_sample_error *err)
{
    bool ok = emit(f, f->buf, f->len, f->gzip ? Z_FINISH : Z_NO_FLUSH, err);
    f->len = 0;
    if (ok && fflush(f->fp) != 0) {
        spie_smp_seterr(err, "écriture impossible de %s : %s", f->tmp_path, strerror(errno));
        ok = false;
    }
    long end = ok ? ftell(f->fp) : -1;
    if (ok && end < 0) {
        spie_smp_seterr(err, "écriture impossible de %s : %s", f->tmp_path, strerror(errno));
        ok = false;
    }
    if (fclose(f->fp) != 0 && ok) {
        spie_smp_seterr(err, "écriture impossible de %s : %s", f->tmp_path, strerror(errno));
        ok = false;
    }
    f->fp = NULL;
    if (ok && rename(f->tmp_path, f->final_path) != 0) {
        spie_smp_seterr(err, "renommage impossible vers %s : %s", f->final_path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(f->tmp_path);
    else if (size)
        *size = (uint64_t)end;
    file_free(f);
    return ok;
}

void spie_sample_file_abort(spie_sample_file *f)
{
    if (!f)
        return;
    if (f->fp)
        fclose(f->fp);
    unlink(f->tmp_path);
    file_free(f);
}
