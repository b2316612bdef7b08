/* libFuzzer target: the whole reading layer (gzip source, text layer, libcsv, header,
 * fields, row rules) over the three kinds, plain and gzip; see fuzz_extract_run.h for the
 * input layout and the invariants checked. Built and run by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_extract_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fx_extract_one(data, size);
    return 0;
}
