/* The file as the byte source read it (spie/source.h): the SHA-256 and size of the bytes
 * read, a file that changed while it was read, and the bytes a failing read had decoded
 * before its defect. Each test runs once with each inflater; the fixture is
 * source_fixture.c. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_fingerprint_of_bytes_read),
        BOTH(test_fingerprint_changed_while_read),
        BOTH(test_error_partial),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
