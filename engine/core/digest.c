/* SHA-256 of memory and files, file comparison
 * (include/spie/digest.h). OpenSSL's EVP interface computes the hashes; files are streamed
 * in 64 KiB blocks. It reads files and never writes one. */
#include "spie/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/util.h"

#define BLOCK (64u * 1024u)

static void to_hex(const unsigned char *md, unsigned n, char hex[SPIE_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n && i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = 0;
}

int spie_sha256_mem(const void *data, size_t n, char hex[SPIE_SHA256_HEX])
{
    hex[0] = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c)
        return ENOMEM;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdn = 0;
    int rc = EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, data, n) == 1 &&
                     EVP_DigestFinal_ex(c, md, &mdn) == 1 && mdn == 32
                 ? 0
                 : EIO;
    EVP_MD_CTX_free(c);
    if (!rc)
        to_hex(md, mdn, hex);
    return rc;
}

struct spie_sha256 {
    EVP_MD_CTX *c;
    bool failed;
};

spie_sha256 *spie_sha256_new(void)
{
    spie_sha256 *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->c = EVP_MD_CTX_new();
    if (!h->c) {
        free(h);
        return NULL;
    }
    h->failed = EVP_DigestInit_ex(h->c, EVP_sha256(), NULL) != 1;
    return h;
}

int spie_sha256_update(spie_sha256 *h, const void *data, size_t n)
{
    if (!h->failed && n > 0 && EVP_DigestUpdate(h->c, data, n) != 1)
        h->failed = true;
    return h->failed ? EIO : 0;
}

int spie_sha256_final(spie_sha256 *h, char hex[SPIE_SHA256_HEX])
{
    hex[0] = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdn = 0;
    if (h->failed || EVP_DigestFinal_ex(h->c, md, &mdn) != 1 || mdn != 32) {
        h->failed = true;
        return EIO;
    }
    h->failed = true; /* finalised: no more updates */
    to_hex(md, mdn, hex);
    return 0;
}

void spie_sha256_free(spie_sha256 *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->c);
    free(h);
}

int spie_sha256_file(const char *path, char hex[SPIE_SHA256_HEX], uint64_t *size)
{
    hex[0] = 0;
    if (size)
        *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno;
    int rc = 0;
    uint64_t total = 0;
    unsigned char *buf = malloc(BLOCK);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!buf || !c) {
        rc = ENOMEM;
        goto out;
    }
    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        rc = EIO;
        goto out;
    }
    for (;;) {
        ssize_t k = read(fd, buf, BLOCK);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rc = errno;
            goto out;
        }
        if (k == 0)
            break;
        if (EVP_DigestUpdate(c, buf, (size_t)k) != 1) {
            rc = EIO;
            goto out;
        }
        total += (uint64_t)k;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdn = 0;
    if (EVP_DigestFinal_ex(c, md, &mdn) != 1 || mdn != 32) {
        rc = EIO;
        goto out;
    }
    to_hex(md, mdn, hex);
    if (size)
        *size = total;
out:
    EVP_MD_CTX_free(c);
    free(buf);
    close(fd);
    return rc;
}

/* Reads up to n bytes (fewer only at the end of the file). */
static ssize_t read_full(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int spie_files_equal(const char *a, const char *b, bool *same)
{
    *same = false;
    int fa = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fa < 0)
        return errno;
    int fb = open(b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fb < 0) {
        int e = errno;
        close(fa);
        return e;
    }
    int rc = 0;
    unsigned char *ba = malloc(BLOCK), *bb = malloc(BLOCK);
    struct stat sa, sb;
    if (!ba || !bb) {
        rc = ENOMEM;
        goto out;
    }
    if (fstat(fa, &sa) != 0 || fstat(fb, &sb) != 0) {
        rc = errno;
        goto out;
    }
    if (sa.st_size != sb.st_size)
        goto out;
    for (;;) {
        ssize_t ka = read_full(fa, ba, BLOCK), kb = read_full(fb, bb, BLOCK);
        if (ka < 0 || kb < 0) {
            rc = errno;
            goto out;
        }
        if (ka != kb || memcmp(ba, bb, (size_t)ka) != 0)
            goto out;
        if (ka == 0)
            break;
    }
    *same = true;
out:
    free(ba);
    free(bb);
    close(fa);
    close(fb);
    return rc;
}
