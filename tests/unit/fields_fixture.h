/* The fixture the tests of spie/fields.h share (test_fields_parsers.c,
 * test_fields_codes.c, test_fields_text.c): a byte string with its length, so that
 * fields may hold NUL bytes, and the heap copy of exactly its bytes that every parser
 * call goes through, so that AddressSanitizer catches a parser that reads past the
 * field. */
#ifndef SPIE_FIELDS_FIXTURE_H
#define SPIE_FIELDS_FIXTURE_H

#include <stddef.h>

typedef struct bytes {
    const char *s;
    size_t n;
} bytes;
#define B(lit) {(lit), sizeof(lit) - 1}

/* A malloc'd copy of exactly n bytes (never NUL-terminated); free with free(). */
char *exact_copy(const char *s, size_t n);

#endif
