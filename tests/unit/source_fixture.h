/* The fixture the byte source's tests share (test_source_contract.c,
 * test_source_inflaters.c, test_source_read.c): generated text, gzip members built by
 * hand or with zlib, a source read to its end as a file and from memory, the expected
 * ends, the temporary folder, and the inflater each test runs with. */
#ifndef SPIE_SOURCE_FIXTURE_H
#define SPIE_SOURCE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define FUZZ_CHECK(c) assert_true(c)
#include "../fuzz/fuzz_inflate_run.h"

#include "spie/source.h"

extern char *g_dir; /* temporary folder of the whole run (group_setup) */
/* The inflater of the test being run: every test of the contract runs once with each. */
extern spie_inflater g_inf;

/* A growable byte buffer for building inputs. */
typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

/* What reading a whole source gave, and the reading itself (to its end, checking that
 * the end is sticky and that bytes_out counts exactly what was handed out): the fuzz
 * target's, with FUZZ_CHECK as an assertion. */
typedef fi_result result;

static inline void result_free(result *r) { fi_result_free(r); }

static inline result drain(spie_src *src, size_t cap) { return fi_drain(src, cap); }

/* The helpers, each described where source_fixture.c defines it. */
uint32_t rnd_next(uint32_t *s);
void gen_text_into(unsigned char *p, size_t n, uint32_t *seed);
unsigned char *gen_text(size_t n, uint32_t seed);
unsigned char *gz(const void *data, size_t n, size_t *out_n);
void bytes_add(bytes *b, const void *data, size_t n);
void bytes_add_byte(bytes *b, unsigned char c, size_t count);
void bytes_add_gz(bytes *b, const void *data, size_t n);
result run_mem_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf);
result run_mem(const void *data, size_t n, bool gzip, size_t cap);
result run_file_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf);
result run_file(const void *data, size_t n, bool gzip, size_t cap);
void assert_same_result(const result *a, const result *b);
result run_both(const void *data, size_t n, bool gzip, size_t cap);
void assert_clean(const result *r, const void *expect, size_t n, size_t in_n);
void assert_error(const result *r, spie_src_status st, uint64_t off);
void bytes_add_gz_fields(bytes *b, const void *data, size_t n, bool hcrc);
size_t bytes_add_gz_extra(bytes *b, const void *data, size_t n, unsigned xlen);
int group_setup(void **state);
int group_teardown(void **state);
int use_zlib(void **state);
int use_isal(void **state);

/* Each test of the contract runs once with each inflater. */
#define BOTH(f) {#f " (zlib)", f, use_zlib, NULL, NULL}, {#f " (isal)", f, use_isal, NULL, NULL}

#endif
