/* The digests of the files a plan selected, for the manifest: hashed by the batch's
 * workers just after reading them. */
#ifndef SPIE_INPUT_DIGEST_H
#define SPIE_INPUT_DIGEST_H

#include "spie/digest.h"
#include "spie/plan.h"

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
