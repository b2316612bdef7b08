/* FUZZ_CHECK(cond), shared by the fuzz targets' run headers: a broken invariant is
 * reported with its place and __builtin_trap() (libFuzzer keeps the input), unless the
 * includer has defined FUZZ_CHECK first (the unit tests that replay the corpus make it a
 * cmocka assertion). */
#ifndef SPIE_FUZZ_CHECK_H
#define SPIE_FUZZ_CHECK_H

#include <stdio.h>

#ifndef FUZZ_CHECK
#define FUZZ_CHECK(c)                                                              \
    do {                                                                           \
        if (!(c)) {                                                                \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #c); \
            __builtin_trap();                                                      \
        }                                                                          \
    } while (0)
#endif

#endif
