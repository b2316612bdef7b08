/* The SHA-256 of the files a plan selected (include/spie/input_digest.h), for the
 * manifest. It reads the inputs and never writes. */
#include "spie/input_digest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spie/util.h"

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

size_t spie_manifest_hash_inputs(const char *inbox, const spie_plan *plan, spie_input_hash *out)
{
    size_t failed = 0;
    for (size_t i = 0; i < plan->n_entries; i++) {
        spie_input_hash *h = &out[i];
        memset(h, 0, sizeof *h);
        const char *file = plan->entries[i].file;
        if (!file)
            continue;
        char *path = spie_path_join(inbox, file);
        h->err = path ? spie_sha256_file(path, h->sha256, &h->size) : ENOMEM;
        free(path);
        if (h->err) {
            h->sha256[0] = 0;
            failed++;
        }
    }
    return failed;
}
