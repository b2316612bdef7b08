/* Unit tests of the small helpers of engine/core/util.c that have no other test:
 * spie_copy_str, which names the rows of the publication table in place of snprintf
 * ("%s"), must write exactly the bytes snprintf writes, for every size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spie/util.h"

/* Every source of 0 to 20 bytes into every size from 1 to 24, over a field full of a
 * marker byte: the bytes written (the copy, the NUL, what is cut) and the bytes left
 * alone are snprintf's, and so is the return value, capped as the copy is. */
static void test_copy_str_is_snprintf(void **state)
{
    (void)state;
    const char *src = "ABCDEFGHIJKLMNOPQRST";
    char part[32];
    for (size_t len = 0; len <= 20; len++) {
        memcpy(part, src, len);
        part[len] = '\0';
        for (size_t n = 1; n <= 24; n++) {
            char want[32], got[32];
            memset(want, 0x5A, sizeof want);
            memset(got, 0x5A, sizeof got);
            int w = snprintf(want, n, "%s", part);
            size_t k = spie_copy_str(got, n, part);
            assert_memory_equal(got, want, sizeof want);
            assert_int_equal(k, (size_t)w < n ? (size_t)w : n - 1);
        }
    }
}

/* The source is read up to the size only: a source without its end beyond the size is
 * never read past it (a fixed-size field of a record). */
static void test_copy_str_reads_no_further(void **state)
{
    (void)state;
    const char field[8] = {'R', '9', '4', 'X', 'Y', 'Z', 'W', 'V'}; /* no NUL */
    char out[5];
    assert_int_equal(spie_copy_str(out, sizeof out, field), 4);
    assert_string_equal(out, "R94X");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_str_is_snprintf),
        cmocka_unit_test(test_copy_str_reads_no_further),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
