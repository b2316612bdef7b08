/* The byte source's tests' fixture (source_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "source_fixture.h"
#include "testutil.h"

char *g_dir; /* temporary folder of the whole run */
/* The inflater of the test being run: every test runs once with each (see main). */
spie_inflater g_inf = SPIE_INFLATER_ZLIB;

/* ---------------------------------------------------------------- helpers */

/* Deterministic CSV-like text (random hex ids, so it compresses to about 40 % and a
 * megabyte of it spans several 128 KiB input buffers). */
uint32_t rnd_next(uint32_t *s) /* xorshift32 (Marsaglia 2003); *s != 0 */
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

void gen_text_into(unsigned char *p, size_t n, uint32_t *seed)
{
    static const char hex[] = "0123456789abcdef";
    static const char tail[] = ";2021-03-05;RSA\n";
    size_t i = 0;
    while (i < n) {
        for (int k = 0; k < 24 && i < n; k++)
            p[i++] = (unsigned char)hex[rnd_next(seed) & 15];
        for (size_t k = 0; k < sizeof tail - 1 && i < n; k++)
            p[i++] = (unsigned char)tail[k];
    }
}

unsigned char *gen_text(size_t n, uint32_t seed)
{
    unsigned char *p = malloc(n ? n : 1);
    assert_non_null(p);
    gen_text_into(p, n, &seed);
    return p;
}

unsigned char *gz(const void *data, size_t n, size_t *out_n)
{
    unsigned char *g = tu_gzip(data, n, out_n);
    assert_non_null(g);
    return g;
}


void bytes_add(bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2 + 64;
        unsigned char *np = realloc(b->p, cap);
        assert_non_null(np);
        b->p = np;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

void bytes_add_byte(bytes *b, unsigned char c, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bytes_add(b, &c, 1);
}

void bytes_add_gz(bytes *b, const void *data, size_t n)
{
    size_t gn;
    unsigned char *g = gz(data, n, &gn);
    bytes_add(b, g, gn);
    free(g);
}




result run_mem_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf)
{
    spie_src_status st = SPIE_SRC_E_MEMORY;
    spie_src *src = spie_src_open_mem_ex(data, n, gzip, inf, &st);
    assert_non_null(src);
    assert_int_equal(st, SPIE_SRC_OK);
    result r = drain(src, cap);
    spie_src_close(src);
    return r;
}

result run_mem(const void *data, size_t n, bool gzip, size_t cap)
{
    return run_mem_inf(data, n, gzip, cap, g_inf);
}

result run_file_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf)
{
    char *path = tu_write_file(g_dir, "in.csv.gz", data, n);
    assert_non_null(path);
    spie_src_status st = SPIE_SRC_E_MEMORY;
    int e = -1;
    spie_src *src = spie_src_open_ex(path, gzip, inf, &st, &e);
    assert_non_null(src);
    assert_int_equal(st, SPIE_SRC_OK);
    assert_int_equal(e, 0);
    result r = drain(src, cap);
    spie_src_close(src);
    assert_int_equal(unlink(path), 0);
    free(path);
    return r;
}

result run_file(const void *data, size_t n, bool gzip, size_t cap)
{
    return run_file_inf(data, n, gzip, cap, g_inf);
}

void assert_same_result(const result *a, const result *b)
{
    assert_int_equal(a->last, b->last);
    assert_int_equal(a->st, b->st);
    assert_int_equal(a->off, b->off);
    assert_int_equal(a->n, b->n);
    if (a->n)
        assert_memory_equal(a->out, b->out, a->n);
    assert_int_equal(a->bytes_in, b->bytes_in);
    assert_int_equal(a->members, b->members);
    assert_int_equal(a->nul_padding, b->nul_padding);
}

/* Reads data as a file and from memory with the same cap; both must agree. */
result run_both(const void *data, size_t n, bool gzip, size_t cap)
{
    result f = run_file(data, n, gzip, cap);
    result m = run_mem(data, n, gzip, cap);
    assert_same_result(&f, &m);
    result_free(&m);
    return f;
}

/* Clean end with exactly `expect` as output and the whole input consumed. */
void assert_clean(const result *r, const void *expect, size_t n, size_t in_n)
{
    assert_int_equal(r->last, 0);
    assert_int_equal(r->st, SPIE_SRC_OK);
    assert_int_equal(r->n, n);
    if (n)
        assert_memory_equal(r->out, expect, n);
    assert_int_equal(r->bytes_in, in_n);
}

void assert_error(const result *r, spie_src_status st, uint64_t off)
{
    assert_int_equal(r->last, -1);
    assert_int_equal(r->st, st);
    assert_int_equal(r->off, off);
}

/* A gzip member of data whose header carries FEXTRA, FNAME, FCOMMENT (and FHCRC when
 * hcrc): tu_gzip's body and trailer behind a header built by hand. */
void bytes_add_gz_fields(bytes *b, const void *data, size_t n, bool hcrc)
{
    size_t gn;
    unsigned char *g = gz(data, n, &gn);
    assert_true(gn >= 18);
    assert_int_equal(g[0], 0x1f);
    assert_int_equal(g[1], 0x8b);
    assert_int_equal(g[3], 0); /* zlib's default gzip header: no optional field */

    bytes h = {0};
    const unsigned char fixed[10] = {0x1f, 0x8b, 8, (unsigned char)(4 | 8 | 16 | (hcrc ? 2 : 0)),
                                     0x78, 0x56, 0x34, 0x12, 0, 3};
    bytes_add(&h, fixed, sizeof fixed);
    const unsigned char extra[] = {9, 0, 'S', 'P', 5, 0, 'v', '1', '.', '0', '!'};
    bytes_add(&h, extra, sizeof extra); /* XLEN 9: one subfield SI "SP", LEN 5 */
    static const char name[] = "spie_31_2022-06_etapes.csv";
    bytes_add(&h, name, sizeof name); /* with its NUL */
    static const char comment[] = "extrait mensuel";
    bytes_add(&h, comment, sizeof comment);
    if (hcrc) {
        uLong c = crc32(0L, h.p, (uInt)h.n);
        const unsigned char c16[2] = {(unsigned char)(c & 0xff), (unsigned char)((c >> 8) & 0xff)};
        bytes_add(&h, c16, 2);
    }
    bytes_add(b, h.p, h.n);
    bytes_add(b, g + 10, gn - 10);
    free(h.p);
    free(g);
}

/* A gzip member of data whose header carries only FEXTRA with xlen bytes: a member of
 * an exact size, to put a member boundary anywhere in the file. Returns its size. */
size_t bytes_add_gz_extra(bytes *b, const void *data, size_t n, unsigned xlen)
{
    size_t gn;
    unsigned char *g = gz(data, n, &gn);
    assert_true(xlen <= 0xffff);
    const unsigned char fixed[12] = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3,
                                     (unsigned char)(xlen & 0xff), (unsigned char)(xlen >> 8)};
    bytes_add(b, fixed, sizeof fixed);
    bytes_add_byte(b, 'X', xlen);
    bytes_add(b, g + 10, gn - 10);
    free(g);
    return 12 + xlen + gn - 10;
}

/* ---------------------------------------------------------------- fixtures */

int group_setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp();
    return g_dir ? 0 : -1;
}

int group_teardown(void **state)
{
    (void)state;
    int rc = tu_rmtree(g_dir);
    free(g_dir);
    g_dir = NULL;
    return rc;
}

int use_zlib(void **state)
{
    (void)state;
    g_inf = SPIE_INFLATER_ZLIB;
    return 0;
}

int use_isal(void **state)
{
    (void)state;
    g_inf = SPIE_INFLATER_ISAL;
    return 0;
}
