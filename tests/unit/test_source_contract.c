/* Tests of the byte source's contract (spie/source.h). Every input is built here with
 * zlib: normal files, several members, NUL padding, trailing bytes, files cut at every
 * offset, files with one flipped byte, hand-made headers with optional fields. Each gzip
 * case runs through the file variant and the memory variant, which must agree exactly,
 * and every test runs once with each inflater (zlib, ISA-L); the fixture is
 * source_fixture.c.
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

#include "source_fixture.h"
#include "testutil.h"

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
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
