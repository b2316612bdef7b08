/* The digests of the files a plan selected, for the manifest: the SHA-256 of the bytes
 * each file's reader took, as it read them (spie_src_fingerprint), so that the manifest
 * describes exactly what the figures come from. */
#ifndef SPIE_INPUT_DIGEST_H
#define SPIE_INPUT_DIGEST_H

#include "spie/digest.h"
#include "spie/plan.h"
#include "spie/reading.h"

/* The digest of one selected input file. */
typedef struct spie_input_hash {
    char sha256[SPIE_SHA256_HEX]; /* "" when not hashed */
    uint64_t size;                /* bytes read and hashed */
    int err;                      /* errno of the hashing, 0 when hashed or no file */
} spie_input_hash;

/* The digests of the entries [first, first + count) of the plan, from their reading
 * results (results[0 .. count), as spie_read_group fills them), into out[first ..).
 * An entry without a file gets an empty digest; a file that could not be opened or
 * hashed gets its errno (EIO when none is known). */
void spie_input_hashes_of_reading(const spie_plan *plan, size_t first, size_t count,
                                  const spie_entry_result *results, spie_input_hash *out);

#endif
