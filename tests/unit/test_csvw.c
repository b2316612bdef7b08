/* Tests of the CSV writer (spie/csvw.h): RFC 4180 quoting (RFC 4180 §2: fields holding a
 * separator, a double quote or a line break are enclosed in double quotes, a double quote
 * inside is doubled), the header's extra rule (a leading or trailing space is quoted),
 * integers written exactly (INT64_MIN included), gzip output that zlib reads back and that
 * is byte-identical for identical rows (no name, mtime 0), and errors: an unwritable path,
 * a full device (sticky error reported by close), abort removing the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "spie/csvw.h"
#include "testutil.h"

static char *g_dir;

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
    return rc;
}

static char *path_of(const char *name)
{
    size_t n = strlen(g_dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", g_dir, name);
    return p;
}

/* Reads a gzip file back through zlib; checks the stream ended cleanly. */
static char *gunzip_file(const char *path, size_t *out_n)
{
    gzFile g = gzopen(path, "rb");
    assert_non_null(g);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        int k = gzread(g, buf + n, (unsigned)(cap - n));
        assert_true(k >= 0);
        if (k == 0)
            break;
        n += (size_t)k;
    }
    int errnum;
    gzerror(g, &errnum);
    assert_int_equal(errnum, Z_OK);
    assert_int_equal(gzdirect(g), 0); /* it was gzip, not passed through */
    assert_int_equal(gzclose(g), Z_OK);
    buf[n] = '\0';
    *out_n = n;
    return buf;
}

typedef struct qcase {
    const char *in;
    size_t n;
    const char *out;
} qcase;
#define Q(s, o) {s, sizeof s - 1, o}

static const qcase quoting[] = {
    Q("plain", "plain"),
    Q("", ""),
    Q("a,b", "\"a,b\""),
    Q("a\"b", "\"a\"\"b\""),
    Q("\"", "\"\"\"\""),
    Q("\"\"", "\"\"\"\"\"\""),
    Q("a\nb", "\"a\nb\""),
    Q("a\rb", "\"a\rb\""),
    Q("a\r\nb", "\"a\r\nb\""),
    Q(" lead", "\" lead\""),
    Q("trail ", "\"trail \""),
    Q(" ", "\" \""),
    Q("in side", "in side"),
    Q("a;b", "a;b"),
    Q("=HYPERLINK(\"x\")", "\"=HYPERLINK(\"\"x\"\")\""),
    Q("caf\xC3\xA9", "caf\xC3\xA9"),
    Q(",", "\",\""),
};

static void write_quoting_rows(spie_csvw *w)
{
    for (size_t i = 0; i < SPIE_ARRAY_LEN(quoting); i++) {
        assert_int_equal(spie_csvw_field(w, quoting[i].in, quoting[i].n), 0);
        assert_int_equal(spie_csvw_str(w, "x"), 0);
        assert_int_equal(spie_csvw_end_row(w), 0);
    }
}

static char *expected_quoting(size_t *n)
{
    size_t cap = 4096, len = 0;
    char *e = malloc(cap);
    assert_non_null(e);
    for (size_t i = 0; i < SPIE_ARRAY_LEN(quoting); i++)
        len += (size_t)snprintf(e + len, cap - len, "%s,x\n", quoting[i].out);
    assert_true(len < cap);
    *n = len;
    return e;
}

static void test_quoting(void **state)
{
    (void)state;
    char *p = path_of("q.csv");
    spie_csvw *w = spie_csvw_open(p, false);
    assert_non_null(w);
    write_quoting_rows(w);
    assert_int_equal(spie_csvw_close(w), 0);
    size_t n, en;
    char *got = tu_read_file(p, &n);
    assert_non_null(got);
    char *want = expected_quoting(&en);
    assert_int_equal(n, en);
    assert_memory_equal(got, want, n);
    /* Created with mode 0644 (umask permitting). */
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0600, 0600);
    free(got);
    free(want);
    free(p);
}

static void test_integers_and_rows(void **state)
{
    (void)state;
    char *p = path_of("i.csv");
    spie_csvw *w = spie_csvw_open(p, false);
    assert_non_null(w);
    assert_int_equal(spie_csvw_i64(w, INT64_MIN), 0);
    assert_int_equal(spie_csvw_i64(w, INT64_MAX), 0);
    assert_int_equal(spie_csvw_i64(w, -1), 0);
    assert_int_equal(spie_csvw_i64(w, 0), 0);
    assert_int_equal(spie_csvw_i64(w, -10), 0);
    assert_int_equal(spie_csvw_end_row(w), 0);
    assert_int_equal(spie_csvw_u64(w, 0), 0);
    assert_int_equal(spie_csvw_u64(w, UINT64_MAX), 0);
    assert_int_equal(spie_csvw_u64(w, 1000000), 0);
    assert_int_equal(spie_csvw_end_row(w), 0);
    assert_int_equal(spie_csvw_end_row(w), 0); /* an empty row */
    assert_int_equal(spie_csvw_str(w, NULL), 0);
    assert_int_equal(spie_csvw_str(w, NULL), 0);
    assert_int_equal(spie_csvw_end_row(w), 0);
    assert_int_equal(spie_csvw_field(w, "ab", 1), 0); /* n bytes only */
    assert_int_equal(spie_csvw_end_row(w), 0);
    assert_int_equal(spie_csvw_close(w), 0);
    size_t n;
    char *got = tu_read_file(p, &n);
    assert_non_null(got);
    assert_string_equal(got, "-9223372036854775808,9223372036854775807,-1,0,-10\n"
                             "0,18446744073709551615,1000000\n"
                             "\n"
                             ",\n"
                             "a\n");
    free(got);
    free(p);
}

/* Rows enough to go through the 64 KiB buffer many times. */
static void write_many(spie_csvw *w, unsigned rows)
{
    for (unsigned i = 0; i < rows; i++) {
        char f[64];
        snprintf(f, sizeof f, "spie_31_2021-06_beneficiaires.csv.gz");
        assert_int_equal(spie_csvw_str(w, f), 0);
        assert_int_equal(spie_csvw_u64(w, i), 0);
        assert_int_equal(spie_csvw_str(w, i % 3 ? "id_beneficiaire" : "date, \"entree\""), 0);
        assert_int_equal(spie_csvw_i64(w, -(int64_t)i * 7919), 0);
        assert_int_equal(spie_csvw_end_row(w), 0);
    }
}

static void test_gzip(void **state)
{
    (void)state;
    char *pa = path_of("a.csv.gz"), *pb = path_of("b.csv.gz"), *pp = path_of("plain.csv");
    const unsigned rows = 50000;
    spie_csvw *wa = spie_csvw_open(pa, true), *wp = spie_csvw_open(pp, false);
    assert_non_null(wa);
    assert_non_null(wp);
    write_quoting_rows(wa);
    write_quoting_rows(wp);
    write_many(wa, rows);
    write_many(wp, rows);
    assert_true(spie_csvw_bytes(wp) > 0); /* the buffer was flushed on the way */
    assert_int_equal(spie_csvw_close(wa), 0);
    assert_int_equal(spie_csvw_close(wp), 0);
    /* The same rows in a second file, written a second later: the same bytes. */
    sleep(1);
    spie_csvw *wb = spie_csvw_open(pb, true);
    assert_non_null(wb);
    write_quoting_rows(wb);
    write_many(wb, rows);
    assert_int_equal(spie_csvw_close(wb), 0);
    size_t na, nb, np, nz;
    char *a = tu_read_file(pa, &na), *b = tu_read_file(pb, &nb), *plain = tu_read_file(pp, &np);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(plain);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    /* RFC 1952 header: 1f 8b 08, FLG 0 (no name), MTIME 0. */
    assert_true(na > 18);
    assert_int_equal((unsigned char)a[0], 0x1f);
    assert_int_equal((unsigned char)a[1], 0x8b);
    assert_int_equal((unsigned char)a[2], 8);
    assert_int_equal((unsigned char)a[3], 0);
    assert_memory_equal(a + 4, "\0\0\0\0", 4);
    /* zlib reads it back to exactly the plain file. */
    char *z = gunzip_file(pa, &nz);
    assert_int_equal(nz, np);
    assert_memory_equal(z, plain, np);
    assert_true(na < np); /* and it is compressed */
    free(z);
    free(a);
    free(b);
    free(plain);
    /* An empty gzip file is still a valid gzip stream. */
    spie_csvw *we = spie_csvw_open(pb, true);
    assert_non_null(we);
    assert_int_equal(spie_csvw_close(we), 0);
    z = gunzip_file(pb, &nz);
    assert_int_equal(nz, 0);
    free(z);
    free(pa);
    free(pb);
    free(pp);
}

static void test_unwritable(void **state)
{
    (void)state;
    for (int gz = 0; gz < 2; gz++) {
        errno = 0;
        assert_null(spie_csvw_open("/nonexistent-spie-dir/x.csv", gz != 0));
        assert_int_equal(errno, ENOENT);
        /* A path under a regular file. */
        char *f = tu_write_file(g_dir, "regular", "x", 1);
        assert_non_null(f);
        size_t n = strlen(f) + 16;
        char *under = malloc(n);
        assert_non_null(under);
        snprintf(under, n, "%s/x.csv", f);
        errno = 0;
        assert_null(spie_csvw_open(under, gz != 0));
        assert_int_equal(errno, ENOTDIR);
        /* A directory. */
        errno = 0;
        assert_null(spie_csvw_open(g_dir, gz != 0));
        assert_int_equal(errno, EISDIR);
        free(under);
        free(f);
    }
}

/* A full device: the first failed write is sticky and close reports it. */
static void test_full_device(void **state)
{
    (void)state;
    for (int gz = 0; gz < 2; gz++) {
        spie_csvw *w = spie_csvw_open("/dev/full", gz != 0);
        if (!w) {
            print_message("# SKIP /dev/full cannot be opened\n");
            return;
        }
        int failed = 0;
        for (unsigned i = 0; i < 200000 && !failed; i++)
            failed = spie_csvw_str(w, "some text that fills the output buffer quickly") != 0 ||
                     spie_csvw_end_row(w) != 0;
        /* Plain: the buffer flush fails within the loop; gzip may hold it all until close. */
        if (failed) {
            assert_int_equal(spie_csvw_str(w, "x"), -1);
            assert_int_equal(spie_csvw_u64(w, 1), -1);
            assert_int_equal(spie_csvw_end_row(w), -1);
        }
        assert_int_equal(spie_csvw_close(w), ENOSPC);
    }
}

static void test_abort_removes(void **state)
{
    (void)state;
    for (int gz = 0; gz < 2; gz++) {
        char *p = path_of("aborted.csv");
        spie_csvw *w = spie_csvw_open(p, gz != 0);
        assert_non_null(w);
        assert_int_equal(spie_csvw_str(w, "x"), 0);
        assert_int_equal(spie_csvw_end_row(w), 0);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        spie_csvw_abort(w);
        assert_int_equal(stat(p, &st), -1);
        assert_int_equal(errno, ENOENT);
        free(p);
    }
    spie_csvw_abort(NULL);
    assert_int_equal(spie_csvw_close(NULL), 0);
    /* Open truncates an existing file. */
    char *p = path_of("trunc.csv");
    char *f = tu_write_file(g_dir, "trunc.csv", "old content that is long\n", 25);
    assert_non_null(f);
    spie_csvw *w = spie_csvw_open(p, false);
    assert_non_null(w);
    assert_int_equal(spie_csvw_str(w, "new"), 0);
    assert_int_equal(spie_csvw_end_row(w), 0);
    assert_int_equal(spie_csvw_close(w), 0);
    size_t n;
    char *got = tu_read_file(p, &n);
    assert_non_null(got);
    assert_string_equal(got, "new\n");
    free(got);
    free(f);
    free(p);
}

/* Fields of every length from 0 to 300 bytes, some of which need quotes, written until
 * the 64 KiB buffer has filled about 20 times, so that fields end on, before and after
 * its last byte: the file is what a plain encoder written here gives, byte for byte. */
static void test_buffer_edges(void **state)
{
    (void)state;
    char *p = path_of("edges.csv");
    spie_csvw *w = spie_csvw_open(p, false);
    assert_non_null(w);
    size_t cap = (size_t)2 << 20, len = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    char field[301];
    unsigned k = 0;
    while (len < (size_t)1300 << 10) {
        for (unsigned f = 0; f < 5; f++, k++) {
            size_t n = (k * 37u + f * 11u) % 301;
            for (size_t i = 0; i < n; i++)
                field[i] = (char)('a' + (k + i) % 26);
            bool quoted = n > 0 && k % 7 == 0; /* a comma inside: quoted */
            if (quoted)
                field[n / 2] = ',';
            assert_int_equal(spie_csvw_field(w, field, n), 0);
            if (f)
                want[len++] = ',';
            if (quoted)
                want[len++] = '"';
            memcpy(want + len, field, n);
            len += n;
            if (quoted)
                want[len++] = '"';
        }
        assert_int_equal(spie_csvw_end_row(w), 0);
        want[len++] = '\n';
        assert_true(len + 2000 < cap);
    }
    assert_int_equal(spie_csvw_close(w), 0);
    size_t n;
    char *got = tu_read_file(p, &n);
    assert_non_null(got);
    assert_int_equal(n, len);
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),     cmocka_unit_test(test_integers_and_rows),
        cmocka_unit_test(test_gzip),        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_full_device), cmocka_unit_test(test_abort_removes),
        cmocka_unit_test(test_buffer_edges),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
