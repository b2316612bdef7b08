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
/* Compares two files byte by byte: *same is set. 0 or an errno value (either file). */
int spie_files_equal(const char *a, const char *b, bool *same);

#endif
