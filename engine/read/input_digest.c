/* The SHA-256 of the files a plan selected (include/spie/input_digest.h), for the
 * manifest: what each file's reader computed as it read (spie_src_fingerprint), copied
 * per plan entry. It reads and writes no file. */
#include "spie/input_digest.h"

#include <errno.h>
#include <string.h>

void spie_input_hashes_of_reading(const spie_plan *plan, size_t first, size_t count,
                                  const spie_entry_result *results, spie_input_hash *out)
{
    for (size_t i = 0; i < count && first + i < plan->n_entries; i++) {
        spie_input_hash *h = &out[first + i];
        const spie_file_report *rep = &results[i].rep;
        memset(h, 0, sizeof *h);
        if (!plan->entries[first + i].file)
            continue;
        if (rep->sha256[0]) {
            memcpy(h->sha256, rep->sha256, sizeof h->sha256);
            h->size = rep->size;
        } else {
            h->err = rep->hash_err ? rep->hash_err : EIO;
        }
    }
}
