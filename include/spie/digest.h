/* SHA-256 of memory and files (OpenSSL's EVP interface: a reviewed implementation rather
 * than a hand-written one), and byte comparison of two files. */
#ifndef SPIE_DIGEST_H
#define SPIE_DIGEST_H

#include "spie/common.h"

#define SPIE_SHA256_HEX 65 /* 64 lower-case hex digits and a NUL */

/* SHA-256 of n bytes. 0, or EIO when libcrypto fails. */
int spie_sha256_mem(const void *data, size_t n, char hex[SPIE_SHA256_HEX]);
/* SHA-256 of a file (opened without following a final symbolic link), streamed in 64 KiB
 * blocks; *size (may be NULL) gets the bytes read. 0 or an errno value. */
int spie_sha256_file(const char *path, char hex[SPIE_SHA256_HEX], uint64_t *size);
/* A SHA-256 computed piece by piece, for bytes seen once as they stream past (the reader
 * hashes an extract's bytes as it reads them). new: NULL when memory runs out. update and
 * final: 0, or EIO when libcrypto fails (the state is then unusable: final fails too).
 * final may be called once; free accepts NULL. */
typedef struct spie_sha256 spie_sha256;
spie_sha256 *spie_sha256_new(void);
int spie_sha256_update(spie_sha256 *h, const void *data, size_t n);
int spie_sha256_final(spie_sha256 *h, char hex[SPIE_SHA256_HEX]);
void spie_sha256_free(spie_sha256 *h);

/* Compares two files byte by byte: *same is set. 0 or an errno value (either file). */
int spie_files_equal(const char *a, const char *b, bool *same);

#endif
