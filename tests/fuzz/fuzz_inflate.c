/* libFuzzer target: the byte source over gzip bytes with both inflaters, zlib (the
 * reference) and ISA-L (the default), which must agree; see fuzz_inflate_run.h for the
 * input layout and the invariants checked. Built and run by `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_inflate_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fi_inflate_one(data, size);
    return 0;
}
