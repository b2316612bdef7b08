/* libFuzzer target: every field parser of spie/fields.h against an independent reference;
 * byte 0 of the input chooses the parser (see fuzz_fields_run.h). Built and run by
 * `make fuzz`. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_fields_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ff_fields_one(data, size);
    return 0;
}
