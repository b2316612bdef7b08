/* Tests of the byte source (spie/source.h). Every input is built here with zlib: normal
 * files, several members, NUL padding, trailing bytes, files cut at every offset, files
 * with one flipped byte, hand-made headers with optional fields. Each gzip case runs
 * through the file variant and the memory variant, which must agree exactly, and every
 * test of the contract runs once with each inflater (zlib, ISA-L). Then the two
 * inflaters are compared directly (same results, field by field) on every .gz fixture of
 * the repository and on generated broken streams, and the one documented exception is
 * shown on a member written by hand.
 *
 * Reference facts used (RFC 1952, "GZIP file format specification version 4.3"):
 * header = 1f 8b, CM = 8, FLG (FTEXT 1, FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16, bits
 * 5-7 reserved and must be zero), MTIME (4 bytes), XFL, OS; optional fields in the order
 * FEXTRA (XLEN little-endian + bytes), FNAME (NUL-terminated), FCOMMENT (NUL-terminated),
 * FHCRC (low 16 bits of the CRC-32 of the header bytes before it); then deflate data;
 * trailer = CRC-32 then ISIZE, both little-endian. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#define FUZZ_CHECK(c) assert_true(c)
#include "../fuzz/fuzz_inflate_run.h"

#include "spie/source.h"
#include "testutil.h"

static char *g_dir; /* temporary folder of the whole run */
/* The inflater of the test being run: every test runs once with each (see main). */
static spie_inflater g_inf = SPIE_INFLATER_ZLIB;

/* ---------------------------------------------------------------- helpers */

/* Deterministic CSV-like text (random hex ids, so it compresses to about 40 % and a
 * megabyte of it spans several 128 KiB input buffers). */
static uint32_t rnd_next(uint32_t *s) /* xorshift32 (Marsaglia 2003); *s != 0 */
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void gen_text_into(unsigned char *p, size_t n, uint32_t *seed)
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

static unsigned char *gen_text(size_t n, uint32_t seed)
{
    unsigned char *p = malloc(n ? n : 1);
    assert_non_null(p);
    gen_text_into(p, n, &seed);
    return p;
}

static unsigned char *gz(const void *data, size_t n, size_t *out_n)
{
    unsigned char *g = tu_gzip(data, n, out_n);
    assert_non_null(g);
    return g;
}

/* A growable byte buffer for building inputs. */
typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void bytes_add(bytes *b, const void *data, size_t n)
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

static void bytes_add_byte(bytes *b, unsigned char c, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bytes_add(b, &c, 1);
}

static void bytes_add_gz(bytes *b, const void *data, size_t n)
{
    size_t gn;
    unsigned char *g = gz(data, n, &gn);
    bytes_add(b, g, gn);
    free(g);
}

/* What reading a whole source gave, and the reading itself (to its end, checking that
 * the end is sticky and that bytes_out counts exactly what was handed out): the fuzz
 * target's, with FUZZ_CHECK as an assertion. */
typedef fi_result result;

static void result_free(result *r) { fi_result_free(r); }

static result drain(spie_src *src, size_t cap) { return fi_drain(src, cap); }

static result run_mem_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf)
{
    spie_src_status st = SPIE_SRC_E_MEMORY;
    spie_src *src = spie_src_open_mem_ex(data, n, gzip, inf, &st);
    assert_non_null(src);
    assert_int_equal(st, SPIE_SRC_OK);
    result r = drain(src, cap);
    spie_src_close(src);
    return r;
}

static result run_mem(const void *data, size_t n, bool gzip, size_t cap)
{
    return run_mem_inf(data, n, gzip, cap, g_inf);
}

static result run_file_inf(const void *data, size_t n, bool gzip, size_t cap, spie_inflater inf)
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

static result run_file(const void *data, size_t n, bool gzip, size_t cap)
{
    return run_file_inf(data, n, gzip, cap, g_inf);
}

static void assert_same_result(const result *a, const result *b)
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
static result run_both(const void *data, size_t n, bool gzip, size_t cap)
{
    result f = run_file(data, n, gzip, cap);
    result m = run_mem(data, n, gzip, cap);
    assert_same_result(&f, &m);
    result_free(&m);
    return f;
}

/* Clean end with exactly `expect` as output and the whole input consumed. */
static void assert_clean(const result *r, const void *expect, size_t n, size_t in_n)
{
    assert_int_equal(r->last, 0);
    assert_int_equal(r->st, SPIE_SRC_OK);
    assert_int_equal(r->n, n);
    if (n)
        assert_memory_equal(r->out, expect, n);
    assert_int_equal(r->bytes_in, in_n);
}

static void assert_error(const result *r, spie_src_status st, uint64_t off)
{
    assert_int_equal(r->last, -1);
    assert_int_equal(r->st, st);
    assert_int_equal(r->off, off);
}

/* A gzip member of data whose header carries FEXTRA, FNAME, FCOMMENT (and FHCRC when
 * hcrc): tu_gzip's body and trailer behind a header built by hand. */
static void bytes_add_gz_fields(bytes *b, const void *data, size_t n, bool hcrc)
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
static size_t bytes_add_gz_extra(bytes *b, const void *data, size_t n, unsigned xlen)
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

static int group_setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp();
    return g_dir ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    int rc = tu_rmtree(g_dir);
    free(g_dir);
    g_dir = NULL;
    return rc;
}

/* ---------------------------------------------------------------- tests */

/* A normal file comes back byte for byte whatever the read size; its compressed size
 * (about 320 KB) spans three input buffers. */
static void test_roundtrip(void **state)
{
    (void)state;
    size_t n = 800000;
    unsigned char *text = gen_text(n, 1);
    size_t gn;
    unsigned char *g = gz(text, n, &gn);
    assert_true(gn > 2 * 128 * 1024);
    const size_t caps[] = {1, 7, 4096, 65536, 1 << 20};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(caps); i++) {
        result r = run_both(g, gn, true, caps[i]);
        assert_clean(&r, text, n, gn);
        assert_int_equal(r.members, 1);
        assert_false(r.nul_padding);
        result_free(&r);
    }
    free(g);
    free(text);
}

/* cat a.gz b.gz (c.gz): all members are data. */
static void test_concatenated_members(void **state)
{
    (void)state;
    unsigned char *t[3];
    size_t len[3] = {5000, 150000, 3};
    bytes all = {0}, in = {0};
    for (int i = 0; i < 3; i++) {
        t[i] = gen_text(len[i], (uint32_t)(10 + i));
        bytes_add(&all, t[i], len[i]);
        bytes_add_gz(&in, t[i], len[i]);
        if (i == 0)
            continue;
        /* after 2 and after 3 members */
        const size_t caps[] = {1, 65536};
        for (size_t c = 0; c < 2; c++) {
            result r = run_both(in.p, in.n, true, caps[c]);
            assert_clean(&r, all.p, all.n, in.n);
            assert_int_equal(r.members, (unsigned)i + 1);
            assert_false(r.nul_padding);
            result_free(&r);
        }
    }
    for (int i = 0; i < 3; i++)
        free(t[i]);
    free(all.p);
    free(in.p);
}

/* A member of 0 bytes (20 bytes of gzip) is a member: first, between others, last,
 * alone. */
static void test_empty_member(void **state)
{
    (void)state;
    unsigned char *a = gen_text(3000, 20), *b = gen_text(4000, 21);
    bytes all = {0};
    bytes_add(&all, a, 3000);
    bytes_add(&all, b, 4000);

    bytes in = {0};
    bytes_add_gz(&in, "", 0);
    bytes_add_gz(&in, a, 3000);
    bytes_add_gz(&in, "", 0);
    bytes_add_gz(&in, "", 0);
    bytes_add_gz(&in, b, 4000);
    bytes_add_gz(&in, "", 0);
    result r = run_both(in.p, in.n, true, 4096);
    assert_clean(&r, all.p, all.n, in.n);
    assert_int_equal(r.members, 6);
    result_free(&r);

    bytes only = {0};
    bytes_add_gz(&only, "", 0);
    assert_int_equal(only.n, 20); /* 10 header + 2 empty final block + 8 trailer */
    r = run_both(only.p, only.n, true, 100);
    assert_clean(&r, NULL, 0, 20);
    assert_int_equal(r.members, 1);
    result_free(&r);

    free(only.p);
    free(in.p);
    free(all.p);
    free(a);
    free(b);
}

/* NUL bytes up to the end of file after the last member: tolerated and flagged, even
 * when they fill more than one input buffer. */
static void test_nul_padding(void **state)
{
    (void)state;
    unsigned char *a = gen_text(20000, 30);
    const size_t pads[] = {1, 511, 300000};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(pads); i++) {
        bytes in = {0};
        bytes_add_gz(&in, a, 10000);
        bytes_add_gz(&in, a + 10000, 10000);
        bytes_add_byte(&in, 0, pads[i]);
        result r = run_both(in.p, in.n, true, 65536);
        assert_clean(&r, a, 20000, in.n);
        assert_true(r.nul_padding);
        assert_int_equal(r.members, 2);
        result_free(&r);
        free(in.p);
    }
    free(a);
}

/* NULs followed by anything else (even a gzip member: padding only at the very end) are
 * trailing garbage, reported at the first non-NUL byte. */
static void test_nul_then_garbage(void **state)
{
    (void)state;
    unsigned char *a = gen_text(8000, 40);
    size_t gn;
    unsigned char *g = gz(a, 8000, &gn);

    bytes in = {0};
    bytes_add(&in, g, gn);
    bytes_add_byte(&in, 0, 3);
    bytes_add(&in, "x", 1);
    result r = run_both(in.p, in.n, true, 65536);
    assert_error(&r, SPIE_SRC_E_TRAILING, gn + 3);
    assert_false(r.nul_padding);
    result_free(&r);
    free(in.p);

    /* the non-NUL byte beyond the first input buffer */
    in = (bytes){0};
    bytes_add(&in, g, gn);
    bytes_add_byte(&in, 0, 200000);
    bytes_add(&in, "\x01", 1);
    bytes_add_byte(&in, 0, 10);
    r = run_both(in.p, in.n, true, 65536);
    assert_error(&r, SPIE_SRC_E_TRAILING, gn + 200000);
    result_free(&r);
    free(in.p);

    in = (bytes){0};
    bytes_add(&in, g, gn);
    bytes_add_byte(&in, 0, 4);
    bytes_add(&in, g, gn);
    r = run_both(in.p, in.n, true, 65536);
    assert_error(&r, SPIE_SRC_E_TRAILING, gn + 4);
    result_free(&r);
    free(in.p);

    free(g);
    free(a);
}

/* Bytes after the last member that are neither a member nor NUL padding. */
static void test_trailing_garbage(void **state)
{
    (void)state;
    unsigned char *a = gen_text(8000, 50);
    size_t gn;
    unsigned char *g = gz(a, 8000, &gn);
    struct {
        const char *tail;
        size_t n;
        spie_src_status st;
        uint64_t off; /* after the member */
    } cases[] = {
        {"garbage\n", 8, SPIE_SRC_E_TRAILING, 0},
        {"\n", 1, SPIE_SRC_E_TRAILING, 0},
        {"\x1f", 1, SPIE_SRC_E_TRUNCATED, 1},    /* a next member's magic, cut */
        {"\x1fx", 2, SPIE_SRC_E_TRAILING, 0},    /* not a magic */
        {"\x8b\x1f", 2, SPIE_SRC_E_TRAILING, 0},
        {"\x1f\x8b", 2, SPIE_SRC_E_TRUNCATED, 2}, /* a next member's header, cut */
        /* CM 7: zlib stops after reading CM and FLG */
        {"\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03xxxxxxxxxx", 20, SPIE_SRC_E_CORRUPT, 4},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(cases); i++) {
        bytes in = {0};
        bytes_add(&in, g, gn);
        bytes_add(&in, cases[i].tail, cases[i].n);
        result r = run_both(in.p, in.n, true, 65536);
        assert_error(&r, cases[i].st, gn + cases[i].off);
        assert_int_equal(r.members, 1);
        result_free(&r);
        free(in.p);
    }
    free(g);
    free(a);
}

/* A file given as gzip whose first two bytes are not 1f 8b. */
static void test_not_gzip(void **state)
{
    (void)state;
    static const char csv[] = "id_beneficiaire;date_entree;public\nA1;2021-03-05;RSA\n";
    result r = run_both(csv, sizeof csv - 1, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    assert_int_equal(r.n, 0);
    result_free(&r);

    unsigned char rnd[4096];
    uint32_t s = 77;
    for (size_t i = 0; i < sizeof rnd; i++)
        rnd[i] = (unsigned char)rnd_next(&s);
    rnd[0] = 0xa5;
    r = run_both(rnd, sizeof rnd, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    result_free(&r);

    /* a zlib stream (RFC 1950, starts 78 9c) is not gzip */
    unsigned char z[256];
    uLongf zn = sizeof z;
    assert_int_equal(compress(z, &zn, (const Bytef *)csv, sizeof csv - 1), Z_OK);
    assert_int_equal(z[0], 0x78);
    r = run_both(z, zn, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    result_free(&r);

    const unsigned char nuls[16] = {0};
    r = run_both(nuls, sizeof nuls, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    result_free(&r);

    r = run_both("\x1f\x8c rest", 7, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    result_free(&r);

    r = run_both("x", 1, true, 65536);
    assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
    result_free(&r);
}

/* An empty file given as gzip is an upload cut before its first byte: truncated at 0.
 * Given as plain, it is an empty (clean) file. */
static void test_empty_file(void **state)
{
    (void)state;
    result r = run_both("", 0, true, 65536);
    assert_error(&r, SPIE_SRC_E_TRUNCATED, 0);
    assert_int_equal(r.bytes_in, 0);
    result_free(&r);

    r = run_both("", 0, false, 65536);
    assert_clean(&r, NULL, 0, 0);
    result_free(&r);
}

/* The key test: a gzip file cut at any offset from 1 to size-1 is an error (truncated,
 * at the file size), never a clean end with less data. */
static void check_every_cut(const unsigned char *in, size_t n, size_t clean_cut)
{
    for (size_t cut = 1; cut < n; cut++) {
        if (cut == clean_cut)
            continue;
        result f = run_file(in, cut, true, 65536);
        assert_error(&f, SPIE_SRC_E_TRUNCATED, cut);
        assert_int_equal(f.bytes_in, cut);
        result m1 = run_mem(in, cut, true, 1); /* hands out data before the error */
        assert_error(&m1, SPIE_SRC_E_TRUNCATED, cut);
        assert_int_equal(m1.bytes_in, cut);
        result m2 = run_mem(in, cut, true, 65536);
        assert_same_result(&f, &m2);
        result_free(&f);
        result_free(&m1);
        result_free(&m2);
    }
}

static void test_truncation_every_offset(void **state)
{
    (void)state;
    unsigned char *a = gen_text(2000, 60);
    size_t gn;
    unsigned char *g = gz(a, 2000, &gn);
    check_every_cut(g, gn, 0);

    /* header with optional fields: cuts inside FEXTRA, FNAME, FCOMMENT, FHCRC */
    bytes h = {0};
    bytes_add_gz_fields(&h, a, 2000, true);
    check_every_cut(h.p, h.n, 0);

    /* two members: every cut is an error but the one exactly at the boundary, which
     * is a complete one-member file (nothing in gzip tells that another follows) */
    bytes two = {0};
    bytes_add(&two, g, gn);
    bytes_add_gz(&two, a, 500);
    check_every_cut(two.p, two.n, gn);
    result r = run_both(two.p, gn, true, 65536);
    assert_clean(&r, a, 2000, gn);
    result_free(&r);

    free(two.p);
    free(h.p);
    free(g);
    free(a);
}

/* One flipped byte anywhere never ends cleanly with wrong data. It is an error, or
 * (where RFC 1952 leaves a field unchecked: MTIME, XFL, OS, FTEXT, or the unused bits
 * after the last deflate block) the output is identical. The CRC-32 and ISIZE fields are
 * checked: corrupt. */
static void test_flipped_byte(void **state)
{
    (void)state;
    size_t n = 3000;
    unsigned char *a = gen_text(n, 70);
    size_t gn;
    unsigned char *g = gz(a, n, &gn);
    unsigned char *m = malloc(gn);
    assert_non_null(m);
    const unsigned char masks[] = {0x01, 0x10, 0x80, 0xff};
    size_t body_total = 0, body_errors = 0;

    for (size_t pos = 0; pos < gn; pos++) {
        for (size_t k = 0; k < SPIE_ARRAY_LEN(masks); k++) {
            memcpy(m, g, gn);
            m[pos] ^= masks[k];
            result r = run_mem(m, gn, true, 65536);
            if (r.last == 0) {
                assert_int_equal(r.n, n);
                assert_memory_equal(r.out, a, n);
            }
            if (pos < 2) {
                assert_error(&r, SPIE_SRC_E_NOT_GZIP, 0);
            } else if (pos == 2) {
                assert_int_equal(r.st, SPIE_SRC_E_CORRUPT); /* CM != 8 */
            } else if (pos == 3) {
                if (masks[k] == 0x01) /* FTEXT: a hint only */
                    assert_int_equal(r.last, 0);
                if (masks[k] & 0xe0) /* reserved bits */
                    assert_int_equal(r.st, SPIE_SRC_E_CORRUPT);
                else if (masks[k] != 0x01)
                    assert_int_equal(r.last, -1);
            } else if (pos < 10) {
                assert_int_equal(r.last, 0); /* MTIME, XFL, OS: not checked */
            } else if (pos >= gn - 4) {
                assert_error(&r, SPIE_SRC_E_CORRUPT, gn); /* ISIZE, found after it */
            } else if (pos >= gn - 8) {
                assert_error(&r, SPIE_SRC_E_CORRUPT, gn - 4); /* CRC-32, after it */
            } else {
                body_total++;
                if (r.last == -1)
                    body_errors++;
            }
            result_free(&r);
        }
    }
    /* Only the unused padding bits of the last deflate byte may be flipped without
     * effect: nearly every body flip is detected. */
    assert_true(body_errors + 8 >= body_total);

    /* a few cases through the file variant too */
    const size_t poss[] = {20, gn / 2, gn - 8, gn - 1};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(poss); i++) {
        memcpy(m, g, gn);
        m[poss[i]] ^= 0x10;
        result r = run_both(m, gn, true, 4096);
        assert_int_equal(r.last, -1);
        assert_int_equal(r.st, SPIE_SRC_E_CORRUPT);
        result_free(&r);
    }
    free(m);
    free(g);
    free(a);
}

/* A header with FEXTRA, FNAME, FCOMMENT (and FHCRC) is read; a wrong header CRC is
 * corrupt; such a member may follow another one. */
static void test_header_fields(void **state)
{
    (void)state;
    unsigned char *a = gen_text(5000, 80);
    for (int hcrc = 0; hcrc < 2; hcrc++) {
        bytes in = {0};
        bytes_add_gz_fields(&in, a, 5000, hcrc != 0);
        assert_int_equal(in.p[3], 4 | 8 | 16 | (hcrc ? 2 : 0));
        result r = run_both(in.p, in.n, true, 1000);
        assert_clean(&r, a, 5000, in.n);
        assert_int_equal(r.members, 1);
        result_free(&r);

        bytes two = {0};
        bytes_add_gz(&two, a, 2000);
        bytes_add_gz_fields(&two, a + 2000, 3000, hcrc != 0);
        r = run_both(two.p, two.n, true, 1000);
        assert_clean(&r, a, 5000, two.n);
        assert_int_equal(r.members, 2);
        result_free(&r);
        free(two.p);

        if (hcrc) {
            /* header CRC at bytes 10 + 11 (XLEN) + 27 (name) + 16 (comment) = 64 */
            in.p[64] ^= 0x01;
            r = run_both(in.p, in.n, true, 1000);
            assert_int_equal(r.last, -1);
            assert_int_equal(r.st, SPIE_SRC_E_CORRUPT);
            assert_int_equal(r.n, 0);
            result_free(&r);
        }
        free(in.p);
    }
    free(a);
}

/* Plain mode passes bytes through, gzip-looking or not. */
static void test_plain_mode(void **state)
{
    (void)state;
    unsigned char *a = gen_text(300000, 90);
    size_t gn;
    unsigned char *g = gz(a, 300000, &gn);
    const size_t caps[] = {1, 65536};
    for (size_t c = 0; c < 2; c++) {
        result r = run_both(a, 300000, false, caps[c]);
        assert_clean(&r, a, 300000, 300000);
        assert_int_equal(r.bytes_out, 300000);
        assert_int_equal(r.members, 0);
        assert_false(r.nul_padding);
        result_free(&r);

        r = run_both(g, gn, false, caps[c]); /* not decoded */
        assert_clean(&r, g, gn, gn);
        result_free(&r);
    }
    /* NUL bytes are data in plain mode */
    const unsigned char z[5] = {'a', 0, 0, 0, 0};
    result r = run_both(z, 5, false, 3);
    assert_clean(&r, z, 5, 5);
    assert_false(r.nul_padding);
    result_free(&r);
    free(g);
    free(a);
}

/* The end of a member, and the first NUL of the padding, at and around the end of the
 * 128 KiB input buffer: the magic 1f 8b split over two reads, the padding starting in
 * the next read. */
static void test_boundary_at_buffer_edge(void **state)
{
    (void)state;
    size_t n1 = 200000;
    unsigned char *a = gen_text(n1 + 1000, 130);
    size_t gn;
    unsigned char *g = gz(a, n1, &gn);
    free(g);
    const size_t buf = 128 * 1024;
    assert_true(gn + 2 < buf && gn + 2 + 0xffff > buf + 2);
    for (size_t target = buf - 2; target <= buf + 2; target++) {
        unsigned xlen = (unsigned)(target - 2 - gn);
        for (int padded = 0; padded < 2; padded++) {
            bytes in = {0};
            assert_int_equal(bytes_add_gz_extra(&in, a, n1, xlen), target);
            if (padded) {
                bytes_add_byte(&in, 0, 5);
            } else {
                bytes_add_gz(&in, a + n1, 1000);
            }
            const size_t caps[] = {1, 65536};
            for (size_t c = 0; c < 2; c++) {
                result r = run_both(in.p, in.n, true, caps[c]);
                assert_clean(&r, a, padded ? n1 : n1 + 1000, in.n);
                assert_int_equal(r.members, padded ? 1 : 2);
                assert_int_equal(r.nul_padding, padded != 0);
                result_free(&r);
            }
            /* cut just after the boundary: a lone 1f, or NULs then garbage */
            if (padded) {
                in.p[in.n - 1] = 'x';
                result r = run_both(in.p, in.n, true, 65536);
                assert_error(&r, SPIE_SRC_E_TRAILING, in.n - 1);
                result_free(&r);
            } else {
                result r = run_both(in.p, target + 1, true, 65536);
                assert_error(&r, SPIE_SRC_E_TRUNCATED, target + 1);
                result_free(&r);
            }
            free(in.p);
        }
    }
    free(a);
}

/* A symbolic link is refused, even to a good file; a missing file too. */
static void test_symlink_refused(void **state)
{
    (void)state;
    size_t gn;
    unsigned char *g = gz("a;b\n", 4, &gn);
    char *target = tu_write_file(g_dir, "target.csv.gz", g, gn);
    assert_non_null(target);
    size_t ln = strlen(g_dir) + 32;
    char *link = malloc(ln);
    assert_non_null(link);
    snprintf(link, ln, "%s/link.csv.gz", g_dir);
    assert_int_equal(symlink(target, link), 0);

    spie_src_status st = SPIE_SRC_OK;
    int e = 0;
    assert_null(spie_src_open_ex(link, true, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);
    assert_int_equal(e, ELOOP);
    assert_null(spie_src_open_ex(link, false, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);

    /* the target itself opens */
    spie_src *src = spie_src_open_ex(target, true, g_inf, &st, &e);
    assert_non_null(src);
    char buf[16];
    assert_int_equal(spie_src_read(src, buf, sizeof buf), 4);
    assert_memory_equal(buf, "a;b\n", 4);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), 0);
    spie_src_close(src);

    snprintf(link, ln, "%s/missing.csv.gz", g_dir);
    assert_null(spie_src_open_ex(link, true, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);
    assert_int_equal(e, ENOENT);
    assert_null(spie_src_open_ex(link, true, g_inf, NULL, NULL)); /* st, err_no optional */

    assert_int_equal(unlink(target), 0);
    snprintf(link, ln, "%s/link.csv.gz", g_dir);
    assert_int_equal(unlink(link), 0);
    free(link);
    free(target);
    free(g);
}

/* A directory and a FIFO are refused, without waiting for a writer (an alarm kills the
 * test if the open blocks). */
static void test_directory_and_fifo_refused(void **state)
{
    (void)state;
    size_t ln = strlen(g_dir) + 32;
    char *p = malloc(ln);
    assert_non_null(p);

    spie_src_status st = SPIE_SRC_OK;
    int e = -1;
    assert_null(spie_src_open_ex(g_dir, true, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);
    assert_int_equal(e, 0);

    snprintf(p, ln, "%s/fifo.csv.gz", g_dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    alarm(10);
    st = SPIE_SRC_OK;
    e = -1;
    assert_null(spie_src_open_ex(p, true, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);
    assert_int_equal(e, 0);
    assert_null(spie_src_open_ex(p, false, g_inf, &st, &e));
    assert_int_equal(st, SPIE_SRC_E_OPEN);
    alarm(0);
    assert_int_equal(unlink(p), 0);
    free(p);
}

/* bytes_in counts what was read from the file, one input buffer (128 KiB) at a time;
 * bytes_out what was handed out. */
static void test_counters(void **state)
{
    (void)state;
    size_t n = 800000;
    unsigned char *a = gen_text(n, 100);
    size_t gn;
    unsigned char *g = gz(a, n, &gn);
    assert_true(gn > 300000);
    char *path = tu_write_file(g_dir, "count.csv.gz", g, gn);
    assert_non_null(path);

    for (int variant = 0; variant < 2; variant++) {
        spie_src_status st;
        int e;
        spie_src *src = variant == 0 ? spie_src_open_ex(path, true, g_inf, &st, &e)
                                     : spie_src_open_mem_ex(g, gn, true, g_inf, &st);
        assert_non_null(src);
        assert_int_equal(spie_src_bytes_in(src), 0);
        assert_int_equal(spie_src_bytes_out(src), 0);
        assert_int_equal(spie_src_members(src), 0);

        unsigned char buf[100];
        assert_int_equal(spie_src_read(src, buf, 0), 0); /* cap 0: nothing, no end */
        assert_int_equal(spie_src_read(src, buf, 10), 10);
        assert_memory_equal(buf, a, 10);
        assert_int_equal(spie_src_bytes_out(src), 10);
        assert_int_equal(spie_src_bytes_in(src), 128 * 1024);
        assert_int_equal(spie_src_members(src), 0); /* not complete yet */

        size_t total = 10;
        long k;
        while ((k = spie_src_read(src, buf, sizeof buf)) > 0) {
            assert_memory_equal(buf, a + total, (size_t)k);
            total += (size_t)k;
            assert_int_equal(spie_src_bytes_out(src), total);
            assert_true(spie_src_bytes_in(src) <= gn);
        }
        assert_int_equal(k, 0);
        assert_int_equal(total, n);
        assert_int_equal(spie_src_bytes_in(src), gn);
        assert_int_equal(spie_src_bytes_out(src), n);
        assert_int_equal(spie_src_members(src), 1);
        assert_int_equal(spie_src_error(src), SPIE_SRC_OK);
        assert_int_equal(spie_src_errno(src), 0);
        spie_src_close(src);
    }
    assert_int_equal(unlink(path), 0);
    free(path);
    free(g);
    free(a);
}

/* 20 MB read with a 4096-byte cap: the CRC-32 of the output is that of the input. */
static void test_large_crc(void **state)
{
    (void)state;
    size_t n = 20u * 1000 * 1000;
    unsigned char *a = gen_text(n, 110);
    uLong want = crc32(crc32(0L, Z_NULL, 0), a, (uInt)n);
    size_t gn;
    unsigned char *g = gz(a, n, &gn);
    free(a);
    char *path = tu_write_file(g_dir, "large.csv.gz", g, gn);
    assert_non_null(path);
    free(g);

    spie_src_status st;
    int e;
    spie_src *src = spie_src_open_ex(path, true, g_inf, &st, &e);
    assert_non_null(src);
    unsigned char buf[4096];
    uLong got = crc32(0L, Z_NULL, 0);
    long k;
    while ((k = spie_src_read(src, buf, sizeof buf)) > 0)
        got = crc32(got, buf, (uInt)k);
    assert_int_equal(k, 0);
    assert_int_equal(got, want);
    assert_int_equal(spie_src_bytes_out(src), n);
    assert_int_equal(spie_src_bytes_in(src), gn);
    spie_src_close(src);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* Memory check: a 50 MB stream (3 members, then NUL padding), written by streaming
 * deflate so that not even the test holds it whole, is read while the source's heap
 * stays constant after the first read and far below the file's size. */
static void write_gz_member_streaming(FILE *f, size_t n, uint32_t *seed, uLong *crc)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t chunk = 1u << 20;
    unsigned char *in = malloc(chunk), *out = malloc(chunk);
    assert_non_null(in);
    assert_non_null(out);
    size_t done = 0;
    int flush;
    do {
        size_t k = n - done < chunk ? n - done : chunk;
        gen_text_into(in, k, seed);
        *crc = crc32(*crc, in, (uInt)k);
        done += k;
        flush = done == n ? Z_FINISH : Z_NO_FLUSH;
        z.next_in = in;
        z.avail_in = (uInt)k;
        do {
            z.next_out = out;
            z.avail_out = (uInt)chunk;
            int rc = deflate(&z, flush);
            assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
            size_t w = chunk - z.avail_out;
            assert_int_equal(fwrite(out, 1, w, f), w);
        } while (z.avail_out == 0);
    } while (flush != Z_FINISH);
    assert_int_equal(deflateEnd(&z), Z_OK);
    free(in);
    free(out);
}

static void test_streaming_memory_50mb(void **state)
{
    (void)state;
    size_t ln = strlen(g_dir) + 32;
    char *path = malloc(ln);
    assert_non_null(path);
    snprintf(path, ln, "%s/big.csv.gz", g_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint32_t seed = 120;
    uLong want = crc32(0L, Z_NULL, 0);
    const size_t sizes[] = {30u * 1000 * 1000, 5, 20u * 1000 * 1000 - 5};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(sizes); i++)
        write_gz_member_streaming(f, sizes[i], &seed, &want);
    static const unsigned char pad[1000];
    assert_int_equal(fwrite(pad, 1, sizeof pad, f), sizeof pad);
    assert_int_equal(fclose(f), 0);

    spie_src_status st;
    int e;
    spie_src *src = spie_src_open_ex(path, true, g_inf, &st, &e);
    assert_non_null(src);
    size_t heap0 = spie_src_heap_bytes(src);
    assert_true(heap0 >= 128 * 1024); /* the input buffer is allocated at open */
    unsigned char *buf = malloc(65536);
    assert_non_null(buf);
    long k = spie_src_read(src, buf, 65536);
    assert_int_equal(k, 65536);
    uLong got = crc32(crc32(0L, Z_NULL, 0), buf, (uInt)k);
    size_t heap1 = spie_src_heap_bytes(src);
    if (g_inf == SPIE_INFLATER_ZLIB) {
        assert_true(heap1 >= heap0 + 32 * 1024); /* + zlib's 32 KiB window */
    } else {
        /* ISA-L's state is allocated at open, nothing after */
        assert_true(heap0 >= 128 * 1024 + sizeof(struct inflate_state));
        assert_int_equal(heap1, heap0);
    }
    assert_true(heap1 < 256 * 1024);
    while ((k = spie_src_read(src, buf, 65536)) > 0) {
        got = crc32(got, buf, (uInt)k);
        assert_int_equal(spie_src_heap_bytes(src), heap1);
    }
    assert_int_equal(k, 0);
    assert_int_equal(got, want);
    assert_int_equal(spie_src_bytes_out(src), 50u * 1000 * 1000);
    assert_int_equal(spie_src_members(src), 3);
    assert_true(spie_src_nul_padding(src));
    assert_int_equal(spie_src_heap_bytes(src), heap1);
    spie_src_close(src);
    free(buf);
    assert_int_equal(unlink(path), 0);
    free(path);
}

/* A read(2) error: /proc/self/mem is a regular file whose offset 0 (an unmapped
 * address) gives EIO. */
static void test_read_error(void **state)
{
    (void)state;
    for (int gzip = 0; gzip < 2; gzip++) {
        spie_src_status st;
        int e;
        spie_src *src = spie_src_open_ex("/proc/self/mem", gzip != 0, g_inf, &st, &e);
        assert_non_null(src); /* /proc is mounted wherever the tests run */
        char buf[64];
        assert_int_equal(spie_src_read(src, buf, sizeof buf), -1);
        assert_int_equal(spie_src_read(src, buf, sizeof buf), -1);
        assert_int_equal(spie_src_error(src), SPIE_SRC_E_READ);
        assert_int_equal(spie_src_errno(src), EIO);
        assert_int_equal(spie_src_error_offset(src), 0);
        assert_int_equal(spie_src_bytes_out(src), 0);
        spie_src_close(src);
    }
}

/* Errors are sticky and keep their offset; a memory source with no data is empty. */
static void test_sticky_and_misc(void **state)
{
    (void)state;
    spie_src *src = spie_src_open_mem_ex("plain text", 10, true, g_inf, NULL);
    assert_non_null(src);
    char buf[64];
    assert_int_equal(spie_src_read(src, buf, sizeof buf), -1);
    assert_int_equal(spie_src_read(src, buf, 0), -1);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), -1);
    assert_int_equal(spie_src_error(src), SPIE_SRC_E_NOT_GZIP);
    assert_int_equal(spie_src_error_offset(src), 0);
    assert_int_equal(spie_src_bytes_out(src), 0);
    spie_src_close(src);

    src = spie_src_open_mem_ex(NULL, 0, false, g_inf, NULL);
    assert_non_null(src);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), 0);
    spie_src_close(src);
    spie_src_close(NULL);
}

/* Messages: French, distinct, never NULL. */
static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_OPEN), "fichier illisible");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_READ), "erreur de lecture");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_NOT_GZIP), "pas un fichier gzip");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_TRUNCATED), "flux gzip tronqué");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_CORRUPT),
                        "flux gzip corrompu (données ou CRC invalides)");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_TRAILING),
                        "octets parasites après la fin du flux gzip");
    assert_string_equal(spie_src_strerror(SPIE_SRC_E_MEMORY), "mémoire insuffisante");
    for (int i = SPIE_SRC_OK; i <= SPIE_SRC_E_MEMORY; i++)
        for (int j = i + 1; j <= SPIE_SRC_E_MEMORY; j++)
            assert_string_not_equal(spie_src_strerror((spie_src_status)i),
                                    spie_src_strerror((spie_src_status)j));
    assert_non_null(spie_src_strerror((spie_src_status)99));
}

/* ---------------------------------------------------------------- both inflaters */

/* Inputs on which the two inflaters differed under one of the documented exceptions
 * (spie/source.h: an error in the last 8 bytes read; code sets that zlib refuses and
 * ISA-L decodes). Counted, and the counts asserted, so that a difference cannot hide
 * behind an exception. */
static unsigned g_exceptions[3];

/* Both inflaters on data read as gzip with reads of cap bytes: fi_compare
 * (fuzz_inflate_run.h) asserts identical results from memory (return, status, error
 * offset, bytes handed out, bytes_in, bytes_out, members, nul_padding) unless the
 * documented exception applies; with file, each inflater also gives the same as a file
 * (read(2) and, on a fall back to zlib, pread). */
static void engines_agree(const void *data, size_t n, size_t cap, bool file)
{
    int e = fi_compare(data, n, cap);
    g_exceptions[e]++;
    if (e)
        return;
    if (!file)
        return;
    const spie_inflater infs[2] = {SPIE_INFLATER_ZLIB, SPIE_INFLATER_ISAL};
    result ref = run_mem_inf(data, n, true, cap, SPIE_INFLATER_ZLIB);
    for (int k = 0; k < 2; k++) {
        result f = run_file_inf(data, n, true, cap, infs[k]);
        assert_same_result(&ref, &f);
        result_free(&f);
    }
    result_free(&ref);
}

/* Every prefix of in (cut at each byte) and every byte of in flipped with a few masks,
 * each read with reads of 1, 7 and 4096 bytes. */
static void engines_agree_cuts_flips(const unsigned char *in, size_t n)
{
    const size_t caps[] = {1, 7, 4096};
    unsigned char *m = malloc(n);
    assert_non_null(m);
    for (size_t c = 0; c < SPIE_ARRAY_LEN(caps); c++) {
        for (size_t cut = 0; cut <= n; cut++)
            engines_agree(in, cut, caps[c], false);
        const unsigned char masks[] = {0x01, 0x10, 0x80, 0xff};
        for (size_t pos = 0; pos < n; pos++) {
            for (size_t k = 0; k < SPIE_ARRAY_LEN(masks); k++) {
                memcpy(m, in, n);
                m[pos] ^= masks[k];
                engines_agree(m, n, caps[c], false);
            }
        }
    }
    free(m);
}

/* Appends every regular *.gz file under dir (recursively, no symbolic link followed). */
static void collect_gz(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        assert_non_null(path);
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat sb;
        assert_int_equal(lstat(path, &sb), 0);
        size_t nl = strlen(e->d_name);
        if (S_ISDIR(sb.st_mode)) {
            collect_gz(path, names, n);
            free(path);
        } else if (S_ISREG(sb.st_mode) && nl > 3 && strcmp(e->d_name + nl - 3, ".gz") == 0) {
            char **np = realloc(*names, (*n + 1) * sizeof *np);
            assert_non_null(np);
            *names = np;
            (*names)[(*n)++] = path;
        } else {
            free(path);
        }
    }
    closedir(d);
}

static char *src_path(const char *rel)
{
    char *p = tu_src_path(rel);
    assert_non_null(p);
    return p;
}

/* Every .gz fixture of the repository (tests/data, samples/demo; broken ones included)
 * gives the same with both inflaters, as a file and from memory, whatever the read size;
 * so do a few cuts and flipped bytes of each. */
static void test_fixtures_both_inflaters(void **state)
{
    (void)state;
    const char *dirs[] = {"tests/data", "samples/demo"};
    char **names = NULL;
    size_t n = 0;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(dirs); i++) {
        char *d = src_path(dirs[i]);
        collect_gz(d, &names, &n);
        free(d);
    }
    if (n < 50)
        print_error("only %zu .gz fixtures found (run from the repository root or set "
                    "SPIE_SRCDIR)\n", n);
    assert_true(n >= 50); /* 57 when this was written */
    unsigned clean = 0;
    for (size_t f = 0; f < n; f++) {
        size_t sz = 0;
        char *data = tu_read_file(names[f], &sz);
        assert_non_null(data);
        const size_t caps[] = {1, 7, 4096, 65536};
        for (size_t c = 0; c < SPIE_ARRAY_LEN(caps); c++)
            engines_agree(data, sz, caps[c], caps[c] >= 4096);
        result r = run_mem_inf(data, sz, true, 65536, SPIE_INFLATER_ISAL);
        clean += r.last == 0;
        result_free(&r);
        unsigned char *m = malloc(sz ? sz : 1);
        assert_non_null(m);
        for (size_t k = 1; k <= 16 && sz > 0; k++) {
            engines_agree(data, sz * k / 17, 4096, false);
            memcpy(m, data, sz);
            m[sz * k / 17] ^= (unsigned char)(1u << (k & 7));
            engines_agree(m, sz, 4096, false);
        }
        free(m);
        free(data);
        free(names[f]);
    }
    free(names);
    assert_true(clean > 0);
    assert_int_equal(g_exceptions[1] + g_exceptions[2], 0);
}

/* Generated streams, clean and broken, small and over several input buffers: cut at
 * every byte, every byte flipped, trailing garbage, NUL padding, several members, empty
 * members, optional header fields, reserved flag bits (ISA-L ignores them: the source
 * checks them), bad CRC-32, bad ISIZE, read with reads of 1, 7 and 4096 bytes. */
static void test_generated_both_inflaters(void **state)
{
    (void)state;
    unsigned char *a = gen_text(700000, 150);
    memset(g_exceptions, 0, sizeof g_exceptions);
    size_t gn;
    unsigned char *g = gz(a, 3000, &gn);

    /* one member; header with every optional field; three members with empty ones */
    engines_agree_cuts_flips(g, gn);
    bytes h = {0};
    bytes_add_gz_fields(&h, a, 1500, true);
    engines_agree_cuts_flips(h.p, h.n);
    bytes three = {0};
    bytes_add_gz(&three, a, 700);
    bytes_add_gz(&three, "", 0);
    bytes_add_gz(&three, a + 700, 300);
    bytes_add_gz(&three, "", 0);
    engines_agree_cuts_flips(three.p, three.n);

    /* tails after a member, reserved flags on the first and the second member, bad
     * trailer fields, a wrong method, as a file and from memory */
    const size_t caps[] = {1, 7, 4096, 65536};
    struct {
        const char *tail;
        size_t n;
    } tails[] = {{"", 0},         {"garbage\n", 8}, {"\x1f", 1},           {"\x1f\x8b", 2},
                 {"\0\0\0", 3},   {"\0\0x", 3},     {"\x1f\x8b\x08\x00", 4}, {"\n", 1}};
    for (size_t c = 0; c < SPIE_ARRAY_LEN(caps); c++) {
        for (size_t t = 0; t < SPIE_ARRAY_LEN(tails); t++) {
            bytes in = {0};
            bytes_add(&in, g, gn);
            bytes_add(&in, tails[t].tail, tails[t].n);
            engines_agree(in.p, in.n, caps[c], true);
            free(in.p);
        }
        for (int second = 0; second < 2; second++) {
            const unsigned char flg[] = {0x20, 0x40, 0x80, 0x02, 0x04};
            for (size_t f = 0; f < SPIE_ARRAY_LEN(flg); f++) {
                bytes in = {0};
                if (second)
                    bytes_add(&in, g, gn);
                size_t at = in.n;
                bytes_add(&in, g, gn);
                in.p[at + 3] |= flg[f];
                engines_agree(in.p, in.n, caps[c], true);
                free(in.p);
            }
        }
        const size_t fields[] = {2, gn - 8, gn - 5, gn - 4, gn - 1};
        for (size_t f = 0; f < SPIE_ARRAY_LEN(fields); f++) {
            unsigned char *m = malloc(gn);
            assert_non_null(m);
            memcpy(m, g, gn);
            m[fields[f]] ^= 0x04;
            engines_agree(m, gn, caps[c], true);
            free(m);
        }
    }

    /* a member over several 128 KiB input buffers (the fall back to zlib rereads the
     * file with pread): clean, then padding, bad CRC, bad ISIZE, cut in the second and
     * third buffer, a flipped byte in the middle, garbage after it, two of them */
    size_t bn;
    unsigned char *big = gz(a, 700000, &bn);
    assert_true(bn > 2 * 128 * 1024);
    const size_t bcaps[] = {1, 4096, 1 << 20};
    for (size_t c = 0; c < SPIE_ARRAY_LEN(bcaps); c++) {
        bool file = bcaps[c] != 1;
        engines_agree(big, bn, bcaps[c], file);
        engines_agree(big, 150000, bcaps[c], file);
        engines_agree(big, 300000, bcaps[c], file);
        engines_agree(big, bn - 1, bcaps[c], file);
        const size_t poss[] = {bn / 2, bn - 8, bn - 1};
        for (size_t k = 0; k < SPIE_ARRAY_LEN(poss); k++) {
            big[poss[k]] ^= 0x20;
            engines_agree(big, bn, bcaps[c], file);
            big[poss[k]] ^= 0x20;
        }
        bytes in = {0};
        bytes_add(&in, big, bn);
        bytes_add_byte(&in, 0, 200000);
        engines_agree(in.p, in.n, bcaps[c], file);
        in.p[in.n - 7] = 'x';
        engines_agree(in.p, in.n, bcaps[c], file);
        in.n = bn;
        bytes_add(&in, big, bn);
        engines_agree(in.p, in.n, bcaps[c], file);
        in.p[bn + bn / 3] ^= 0x01;
        engines_agree(in.p, in.n, bcaps[c], file);
        free(in.p);
    }
    /* The exceptions are rare: 3 inputs under (1) (the last deflate byte of a member
     * flipped, read 1 byte at a time) and 8 under (2) (flips in a block header) out of
     * about 35 500 when this was written; a fall back to zlib that went wrong would
     * show in thousands. */
    print_message("generated streams: %u equal, %u under exception (1), %u under (2)\n",
                  g_exceptions[0], g_exceptions[1], g_exceptions[2]);
    assert_true(g_exceptions[0] > 30000);
    assert_true(g_exceptions[1] + g_exceptions[2] <= 20);
    free(big);
    free(three.p);
    free(h.p);
    free(g);
    free(a);
}

/* The fall back itself: an ISA-L source whose large member ends with a bad CRC hands out
 * the bytes zlib would (all but those of the last call), then fails at zlib's offset,
 * having set up zlib (its state is now counted in the heap). */
static void test_isal_falls_back_to_zlib(void **state)
{
    (void)state;
    size_t n = 300000;
    unsigned char *a = gen_text(n, 160);
    size_t gn;
    unsigned char *g = gz(a, n, &gn);
    g[gn - 6] ^= 0x01; /* CRC-32 */
    for (int file = 0; file < 2; file++) {
        spie_src *src;
        char *path = NULL;
        if (file) {
            path = tu_write_file(g_dir, "crc.csv.gz", g, gn);
            assert_non_null(path);
            src = spie_src_open_ex(path, true, SPIE_INFLATER_ISAL, NULL, NULL);
        } else {
            src = spie_src_open_mem_ex(g, gn, true, SPIE_INFLATER_ISAL, NULL);
        }
        assert_non_null(src);
        size_t heap0 = spie_src_heap_bytes(src);
        unsigned char buf[4096];
        size_t total = 0;
        long k;
        while ((k = spie_src_read(src, buf, sizeof buf)) > 0) {
            assert_memory_equal(buf, a + total, (size_t)k);
            total += (size_t)k;
        }
        assert_int_equal(k, -1);
        assert_int_equal(spie_src_error(src), SPIE_SRC_E_CORRUPT);
        assert_int_equal(spie_src_error_offset(src), gn - 4); /* after the CRC field */
        /* zlib reads the trailer in the call that ends the data: that call fails */
        assert_int_equal(total, (n - 1) / 4096 * 4096);
        assert_true(spie_src_heap_bytes(src) > heap0);
        spie_src_close(src);
        if (path) {
            assert_int_equal(unlink(path), 0);
            free(path);
        }
    }
    free(g);
    free(a);
}

/* The documented exception (spie/source.h), on a member written by hand (RFC 1951
 * section 3.2.7): one dynamic block whose literal/length code gives 'a' 1 bit and
 * end-of-block 2 bits, leaving the code 11 unused (incomplete), then 100 'a'. zlib
 * refuses the set at the block header ("invalid literal/lengths set"); ISA-L decodes it,
 * and as the CRC-32 and length are those of 100 'a' the member ends cleanly. The same
 * member with the set made complete (a 'b' of 2 bits) is read alike by both. */
static void test_code_set_exception(void **state)
{
    (void)state;
    static const unsigned char incomplete[44] = {
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0xc0, 0x01, 0x09, 0x00,
        0x00, 0x00, 0x80, 0xa0, 0xad, 0xfe, 0x3f, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x64, 0x7a, 0x70, 0xaf, 0x64, 0x00, 0x00, 0x00};
    static const unsigned char complete[44] = {
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0xc0, 0x01, 0x09, 0x00,
        0x00, 0x00, 0x80, 0xa0, 0xad, 0xf6, 0x7f, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x64, 0x7a, 0x70, 0xaf, 0x64, 0x00, 0x00, 0x00};
    unsigned char hundred[100];
    memset(hundred, 'a', sizeof hundred);

    char msg[128];
    assert_string_equal(fi_zlib_first_msg(incomplete, 44, msg, sizeof msg),
                        "invalid literal/lengths set");
    result z = run_mem_inf(incomplete, 44, true, 4096, SPIE_INFLATER_ZLIB);
    assert_error(&z, SPIE_SRC_E_CORRUPT, 23);
    assert_int_equal(z.n, 0);
    result i = run_mem_inf(incomplete, 44, true, 4096, SPIE_INFLATER_ISAL);
    assert_clean(&i, hundred, 100, 44);
    assert_int_equal(fi_compare(incomplete, 44, 4096), 2); /* the exception, its rule */
    result_free(&z);
    result_free(&i);

    assert_null(fi_zlib_first_msg(complete, 44, msg, sizeof msg));
    for (int k = 1; k <= 2; k++) {
        result r = run_mem_inf(complete, 44, true, 7, (spie_inflater)k);
        assert_clean(&r, hundred, 100, 44);
        result_free(&r);
    }
    assert_int_equal(fi_compare(complete, 44, 7), 0);
}

/* The default inflater is ISA-L (its state is in the heap from the open on), for
 * spie_src_open, spie_src_open_mem and a value outside the enum; plain mode allocates
 * no inflater. */
static void test_default_is_isal(void **state)
{
    (void)state;
    size_t gn;
    unsigned char *g = gz("a;b\n", 4, &gn);
    spie_src *d = spie_src_open_mem(g, gn, true, NULL);
    spie_src *i = spie_src_open_mem_ex(g, gn, true, SPIE_INFLATER_ISAL, NULL);
    spie_src *z = spie_src_open_mem_ex(g, gn, true, SPIE_INFLATER_ZLIB, NULL);
    spie_src *o = spie_src_open_mem_ex(g, gn, true, (spie_inflater)99, NULL);
    spie_src *p = spie_src_open_mem_ex(g, gn, false, SPIE_INFLATER_ISAL, NULL);
    spie_src *pz = spie_src_open_mem_ex(g, gn, false, SPIE_INFLATER_ZLIB, NULL);
    assert_true(d && i && z && o && p && pz);
    assert_int_equal(spie_src_heap_bytes(d), spie_src_heap_bytes(i));
    assert_int_equal(spie_src_heap_bytes(o), spie_src_heap_bytes(i));
    assert_true(spie_src_heap_bytes(i) >= sizeof(struct inflate_state));
    assert_true(spie_src_heap_bytes(z) < sizeof(struct inflate_state));
    assert_int_equal(spie_src_heap_bytes(p), spie_src_heap_bytes(pz));
    assert_true(spie_src_heap_bytes(p) < spie_src_heap_bytes(z));
    char buf[8];
    assert_int_equal(spie_src_read(d, buf, sizeof buf), 4);
    assert_memory_equal(buf, "a;b\n", 4);
    spie_src_close(d);
    spie_src_close(i);
    spie_src_close(z);
    spie_src_close(o);
    spie_src_close(p);
    spie_src_close(pz);

    char *path = tu_write_file(g_dir, "default.csv.gz", g, gn);
    assert_non_null(path);
    d = spie_src_open(path, true, NULL, NULL);
    i = spie_src_open_ex(path, true, SPIE_INFLATER_ISAL, NULL, NULL);
    z = spie_src_open_ex(path, true, SPIE_INFLATER_ZLIB, NULL, NULL);
    assert_true(d && i && z);
    assert_int_equal(spie_src_heap_bytes(d), spie_src_heap_bytes(i));
    assert_true(spie_src_heap_bytes(i) > spie_src_heap_bytes(z));
    spie_src_close(d);
    spie_src_close(i);
    spie_src_close(z);
    assert_int_equal(unlink(path), 0);
    free(path);
    free(g);
}

/* The seeds of the fuzz target (tests/fuzz/corpus/fuzz_inflate/) and its regressions,
 * if any, through the target's own code (fi_inflate_one, FUZZ_CHECK as an assertion). */
static size_t replay_dir(const char *rel)
{
    char *dir = src_path(rel);
    DIR *d = opendir(dir);
    size_t count = 0;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
                continue;
            size_t len = strlen(dir) + strlen(e->d_name) + 2;
            char *path = malloc(len);
            assert_non_null(path);
            snprintf(path, len, "%s/%s", dir, e->d_name);
            size_t sz = 0;
            char *data = tu_read_file(path, &sz);
            assert_non_null(data);
            uint8_t *copy = malloc(sz ? sz : 1); /* exact size, as libFuzzer hands it */
            assert_non_null(copy);
            memcpy(copy, data, sz);
            fi_inflate_one(copy, sz);
            free(copy);
            free(data);
            free(path);
            count++;
        }
        closedir(d);
    }
    free(dir);
    return count;
}

static void test_replay_fuzz_inflate(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/fuzz_inflate") >= 10);
    (void)replay_dir("tests/fuzz/regressions/fuzz_inflate"); /* none so far */
}

/* ---------------------------------------------------------------- the file as read */

/* Reads src to its end (or its error) in reads of cap bytes. */
static void drain_quiet(spie_src *src, size_t cap)
{
    unsigned char *buf = malloc(cap);
    assert_non_null(buf);
    while (spie_src_read(src, buf, cap) > 0)
        ;
    free(buf);
}

static spie_src *open_file(const char *path, bool gzip)
{
    spie_src_status st;
    int e;
    spie_src *src = spie_src_open_ex(path, gzip, g_inf, &st, &e);
    assert_non_null(src);
    return src;
}

static void expect_fingerprint(spie_src *src, const void *data, size_t n, bool changed)
{
    char want[SPIE_SHA256_HEX], got[SPIE_SHA256_HEX];
    assert_int_equal(spie_sha256_mem(data, n, want), 0);
    uint64_t size = 1;
    bool ch = !changed;
    assert_int_equal(spie_src_fingerprint(src, got, &size, &ch), 0);
    assert_string_equal(got, want);
    assert_int_equal(size, n);
    assert_int_equal(ch, changed);
}

/* The SHA-256 of the file is that of its bytes as the source read them: whole files,
 * plain or gzip; a file cut short (the rest read for the hash: here there is none) and a
 * file with bytes after a bad member (the rest of the file joins the hash); memory. */
static void test_fingerprint_of_bytes_read(void **state)
{
    (void)state;
    size_t tn = 2u << 20, gn; /* its gzip spans several 128 KiB reads */
    unsigned char *text = gen_text(tn, 7);
    unsigned char *g = gz(text, tn, &gn);

    char *path = tu_write_file(g_dir, "fp.csv.gz", g, gn);
    assert_non_null(path);
    spie_src *src = open_file(path, true);
    drain_quiet(src, 4096);
    assert_int_equal(spie_src_error(src), SPIE_SRC_OK);
    expect_fingerprint(src, g, gn, false);
    uint64_t size;
    bool ch;
    char hex[SPIE_SHA256_HEX];
    assert_int_not_equal(spie_src_fingerprint(src, hex, &size, &ch), 0); /* once only */
    spie_src_close(src);
    free(path);

    path = tu_write_file(g_dir, "fp.csv", text, tn);
    src = open_file(path, false);
    drain_quiet(src, 1000);
    expect_fingerprint(src, text, tn, false);
    spie_src_close(src);
    free(path);

    /* A flipped byte early in the stream: the reading stops at the error, the rest of
     * the file is still hashed, from the same descriptor. */
    unsigned char *bad = malloc(gn);
    assert_non_null(bad);
    memcpy(bad, g, gn);
    bad[40] ^= 0x55;
    path = tu_write_file(g_dir, "fpbad.csv.gz", bad, gn);
    src = open_file(path, true);
    drain_quiet(src, 4096);
    assert_int_not_equal(spie_src_error(src), SPIE_SRC_OK);
    assert_true(spie_src_bytes_in(src) < gn);
    expect_fingerprint(src, bad, gn, false);
    spie_src_close(src);
    free(path);

    spie_src_status st;
    src = spie_src_open_mem_ex(g, gn, true, g_inf, &st);
    assert_non_null(src);
    drain_quiet(src, 4096);
    expect_fingerprint(src, g, gn, false);
    spie_src_close(src);
    free(bad);
    free(g);
    free(text);
}

/* A file written to while it is read has changed: appended to, rewritten in place with
 * the same size, or replaced by a rename (the descriptor already open still reads the
 * old bytes, but the inbox no longer holds them). */
static void test_fingerprint_changed_while_read(void **state)
{
    (void)state;
    size_t tn = 200 * 1024;
    unsigned char *text = gen_text(tn, 11);
    unsigned char buf[100];

    /* appended to */
    char *path = tu_write_file(g_dir, "grow.csv", text, tn);
    spie_src *src = open_file(path, false);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), (long)sizeof buf);
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    assert_int_equal(fputs("a;b;c\n", f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    drain_quiet(src, 4096);
    char hex[SPIE_SHA256_HEX];
    uint64_t size = 0;
    bool ch = false;
    assert_int_equal(spie_src_fingerprint(src, hex, &size, &ch), 0);
    assert_true(ch);
    assert_int_equal(size, tn + 6); /* what was read: the new line too */
    spie_src_close(src);
    free(path);

    /* rewritten in place, same size (a copy over the file); its times say so */
    path = tu_write_file(g_dir, "same.csv", text, tn);
    src = open_file(path, false);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), (long)sizeof buf);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, "ZZZZ", 4, 150000), 4);
    const struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}}; /* 2001 */
    assert_int_equal(futimens(fd, old), 0);
    assert_int_equal(close(fd), 0);
    drain_quiet(src, 4096);
    assert_int_equal(spie_src_fingerprint(src, hex, &size, &ch), 0);
    assert_true(ch);
    assert_int_equal(size, tn);
    spie_src_close(src);
    free(path);

    /* replaced by a rename: the descriptor reads the old bytes to their end, and they
     * are what the hash describes; but the inbox no longer holds them (the old file's
     * status-change time says it lost its name), so it has changed too */
    path = tu_write_file(g_dir, "renamed.csv", text, tn);
    src = open_file(path, false);
    assert_int_equal(spie_src_read(src, buf, sizeof buf), (long)sizeof buf);
    char *other = tu_write_file(g_dir, "other.csv", "x;y\n", 4);
    assert_non_null(other);
    assert_int_equal(rename(other, path), 0);
    drain_quiet(src, 4096);
    expect_fingerprint(src, text, tn, true);
    spie_src_close(src);
    free(other);
    free(path);
    free(text);
}

/* What a failing read had decoded before the defect (spie_src_error_partial): exactly
 * what zlib gives of the cut stream, decoded as far as it goes, and the first bytes of
 * the text. */
static void test_error_partial(void **state)
{
    (void)state;
    size_t tn = 200 * 1024, gn;
    unsigned char *text = gen_text(tn, 5);
    unsigned char *g = gz(text, tn, &gn);
    size_t cut = gn * 2 / 3;
    /* zlib alone on the cut stream */
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 31), Z_OK);
    unsigned char *ref = malloc(tn);
    assert_non_null(ref);
    z.next_in = g;
    z.avail_in = (uInt)cut;
    z.next_out = ref;
    z.avail_out = (uInt)tn;
    assert_int_equal(inflate(&z, Z_NO_FLUSH), Z_OK); /* no end: the input ran out */
    size_t want = tn - z.avail_out;
    inflateEnd(&z);
    assert_true(want > tn / 3 && want < tn);

    char *path = tu_write_file(g_dir, "cut.csv.gz", g, cut);
    spie_src *src = open_file(path, true);
    unsigned char *buf = malloc(tn);
    assert_non_null(buf);
    assert_int_equal(spie_src_error_partial(src), 0); /* no error yet */
    assert_int_equal(spie_src_read(src, buf, tn), -1);
    assert_int_equal(spie_src_error(src), SPIE_SRC_E_TRUNCATED);
    assert_int_equal(spie_src_error_partial(src), want);
    assert_memory_equal(buf, text, want);
    assert_int_equal(spie_src_bytes_out(src), 0);
    spie_src_close(src);
    free(path);
    free(buf);
    free(ref);
    free(g);
    free(text);
}

static int use_zlib(void **state)
{
    (void)state;
    g_inf = SPIE_INFLATER_ZLIB;
    return 0;
}

static int use_isal(void **state)
{
    (void)state;
    g_inf = SPIE_INFLATER_ISAL;
    return 0;
}

/* Each test of the contract runs once with each inflater. */
#define BOTH(f) {#f " (zlib)", f, use_zlib, NULL, NULL}, {#f " (isal)", f, use_isal, NULL, NULL}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_roundtrip),
        BOTH(test_concatenated_members),
        BOTH(test_empty_member),
        BOTH(test_nul_padding),
        BOTH(test_nul_then_garbage),
        BOTH(test_trailing_garbage),
        BOTH(test_not_gzip),
        BOTH(test_empty_file),
        BOTH(test_truncation_every_offset),
        BOTH(test_flipped_byte),
        BOTH(test_header_fields),
        BOTH(test_plain_mode),
        BOTH(test_boundary_at_buffer_edge),
        BOTH(test_symlink_refused),
        BOTH(test_directory_and_fifo_refused),
        BOTH(test_counters),
        BOTH(test_large_crc),
        BOTH(test_streaming_memory_50mb),
        BOTH(test_read_error),
        BOTH(test_sticky_and_misc),
        BOTH(test_strerror),
        BOTH(test_fingerprint_of_bytes_read),
        BOTH(test_fingerprint_changed_while_read),
        BOTH(test_error_partial),
        cmocka_unit_test(test_default_is_isal),
        cmocka_unit_test(test_fixtures_both_inflaters),
        cmocka_unit_test(test_generated_both_inflaters),
        cmocka_unit_test(test_isal_falls_back_to_zlib),
        cmocka_unit_test(test_code_set_exception),
        cmocka_unit_test(test_replay_fuzz_inflate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
