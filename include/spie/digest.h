/* SHA-256 of memory and files (OpenSSL's EVP interface: a reviewed implementation rather
 * than a hand-written one), byte comparison of two files, and the digests of the files a
 * plan selected, for the manifest. */
#ifndef SPIE_DIGEST_H
#define SPIE_DIGEST_H

#include "spie/plan.h"

#define SPIE_SHA256_HEX 65 /* 64 lower-case hex digits and a NUL */

/* SHA-256 of n bytes. 0, or EIO when libcrypto fails. */
int spie_sha256_mem(const void *data, size_t n, char hex[SPIE_SHA256_HEX]);
/* SHA-256 of a file (opened without following a final symbolic link), streamed in 64 KiB
 * blocks; *size (may be NULL) gets the bytes read. 0 or an errno value. */
int spie_sha256_file(const char *path, char hex[SPIE_SHA256_HEX], uint64_t *size);
/* Compares two files byte by byte: *same is set. 0 or an errno value (either file). */
int spie_files_equal(const char *a, const char *b, bool *same);

/* The digest of one selected input file. */
typedef struct spie_input_hash {
    char sha256[SPIE_SHA256_HEX]; /* "" when not hashed */
    uint64_t size;
    int err;                      /* errno of the hashing, 0 when hashed or no file */
} spie_input_hash;

/* Hashes every selected file of the plan (entries with a file), from inbox/<file>, into
 * out[0 .. plan->n_entries). Returns the number of files that could not be read (their
 * err is set). */
size_t spie_manifest_hash_inputs(const char *inbox, const spie_plan *plan, spie_input_hash *out);
/* The same for the entries [first, first + count) only, into out[first ..): the batch's
 * workers hash each territory's files just after reading them (still in the page cache),
 * in parallel, instead of a second pass over every file at the end. */
size_t spie_manifest_hash_range(const char *inbox, const spie_plan *plan, size_t first, size_t count,
                                spie_input_hash *out);

#endif
