/* Tests of the reading layer (spie/extract.h) on files: plain and gzip, cut short or
 * corrupt (the lines read before the defect counted, docs/format-extraits.md §6), a stop
 * asked while a file is read, and what cannot be opened.
 *
 * Every input is written here by hand; every expected value is read off the spec, not
 * off the code. The reference period is P = 2021-06 (D = 2021-06-30) unless a test says
 * otherwise. The fixture (reader runs, reject sink, expected rejects, the three ways every
 * test runs) is extract_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "extract_fixture.h"
#include "spie/fields.h"
#include "testutil.h"

/* ---------------------------------------------------------------- files and gzip */

static char *g_dir; /* temporary folder of the whole run */

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

static void run_file(run *r, spie_kind kind, const char *name, const void *data, size_t n, bool gzip)
{
    char *path = tu_write_file(g_dir, name, data, n);
    assert_non_null(path);
    memset(&r->sk, 0, sizeof r->sk);
    spie_extract_job job = make_job(r, kind, "31", P_2021_06);
    job.path = path;
    job.gzip = gzip;
    job.inflater = r->inflater;
    spie_persons_clear(r->ps);
    spie_budget_clear(&r->budget);
    assert_true(spie_extract_read(&job, &r->rep));
    check_invariants(r);
    free(path);
}

/* The motif of an unusable file gives the byte offset: "octet N". */
static void expect_offset(const run *r, unsigned long long off)
{
    char want[48];
    snprintf(want, sizeof want, "octet %llu", off);
    if (!strstr(r->rep.motif, want))
        print_message("motif \"%s\", expected \"%s\"\n", r->rep.motif, want);
    assert_non_null(strstr(r->rep.motif, want));
    assert_int_equal(r->rep.fail_offset, off);
}

/* n bytes of rows (about), a header first. */
static char *gen_rows(size_t n, size_t *out_n, unsigned *rows)
{
    char *t = malloc(n + 64);
    assert_non_null(t);
    size_t len = (size_t)sprintf(t, HB3 "\n");
    unsigned k = 0;
    while (len < n)
        len += (size_t)sprintf(t + len, "B%07u;2021-03-05;RSA\n", k++);
    *out_n = len;
    *rows = k;
    return t;
}

/* The data lines complete in what zlib alone decodes of gz[0..n) (a stream cut short),
 * the header line excluded: the lines read before the defect. */
static unsigned complete_rows_before_cut(const unsigned char *gz, size_t n, size_t text_n)
{
    unsigned char *out = malloc(text_n);
    assert_non_null(out);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 31), Z_OK);
    z.next_in = (unsigned char *)(uintptr_t)gz;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)text_n;
    int zr = inflate(&z, Z_NO_FLUSH);
    assert_true(zr == Z_OK || zr == Z_BUF_ERROR);
    size_t got = text_n - z.avail_out;
    inflateEnd(&z);
    unsigned lines = 0;
    for (size_t i = 0; i < got; i++)
        lines += out[i] == '\n';
    free(out);
    assert_true(lines >= 1);
    return lines - 1;
}

static void test_gzip_files(void **state)
{
    (void)state;
    run *r = run_new();
    static const char text[] = HB3 "\nB1;2021-03-05;RSA\nB@;2021-03-05;RSA\nB3;2021-03-05;RSA\n";
    size_t gn;
    unsigned char *gz = tu_gzip(text, sizeof text - 1, &gn);
    assert_non_null(gz);

    /* A good .csv.gz, and the same as .csv: the same result. */
    run_file(r, SPIE_KIND_BENEFICIAIRES, "good.csv.gz", gz, gn, true);
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 2);
    assert_int_equal(r->sk.r[0].line, 3);
    run_file(r, SPIE_KIND_BENEFICIAIRES, "good.csv", text, sizeof text - 1, false);
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 2);

    /* Two members, the cut in the middle of a line: all members are data. */
    {
        size_t cut = strlen(HB3) + 8;
        size_t n1, n2;
        unsigned char *g1 = tu_gzip(text, cut, &n1), *g2 = tu_gzip(text + cut, sizeof text - 1 - cut, &n2);
        assert_non_null(g1);
        assert_non_null(g2);
        unsigned char *both = malloc(n1 + n2);
        assert_non_null(both);
        memcpy(both, g1, n1);
        memcpy(both + n1, g2, n2);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "two.csv.gz", both, n1 + n2, true);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_read, 3);
        assert_int_equal(r->rep.rows_accepted, 2);
        assert_int_equal(r->sk.r[0].line, 3);
        free(both);
        free(g1);
        free(g2);
    }
    /* NUL padding after the last member: usable, noted in the motif. */
    {
        unsigned char *pad = calloc(gn + 512, 1);
        assert_non_null(pad);
        memcpy(pad, gz, gn);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "pad.csv.gz", pad, gn + 512, true);
        assert_true(r->rep.usable);
        assert_true(r->rep.nul_padding);
        assert_int_equal(r->rep.rows_accepted, 2);
        assert_non_null(strstr(r->rep.motif, "nuls"));
        /* NUL padding then a stray byte: trailing garbage at the stray byte. */
        pad[gn + 100] = 'x';
        run_file(r, SPIE_KIND_BENEFICIAIRES, "pad2.csv.gz", pad, gn + 512, true);
        assert_false(r->rep.usable);
        expect_offset(r, gn + 100);
        free(pad);
    }
    /* Cut in the header, in the data, before the trailer, in the trailer: unusable, the
     * offset is the file size. */
    {
        const size_t cuts[] = {5, gn / 2, gn - 8, gn - 1};
        for (size_t k = 0; k < SPIE_ARRAY_LEN(cuts); k++) {
            run_file(r, SPIE_KIND_BENEFICIAIRES, "cut.csv.gz", gz, cuts[k], true);
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
            expect_offset(r, cuts[k]);
        }
    }
    /* One flipped byte in the data, or in the CRC: unusable with an offset. */
    {
        unsigned char *bad = malloc(gn);
        assert_non_null(bad);
        const size_t at[] = {12, gn / 2, gn - 6};
        for (size_t k = 0; k < SPIE_ARRAY_LEN(at); k++) {
            memcpy(bad, gz, gn);
            bad[at[k]] ^= 0x10;
            run_file(r, SPIE_KIND_BENEFICIAIRES, "flip.csv.gz", bad, gn, true);
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
            assert_non_null(strstr(r->rep.motif, "octet "));
        }
        free(bad);
    }
    /* Trailing garbage after the member. */
    {
        unsigned char *tg = malloc(gn + 7);
        assert_non_null(tg);
        memcpy(tg, gz, gn);
        memcpy(tg + gn, "garbage", 7);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "tail.csv.gz", tg, gn + 7, true);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
        expect_offset(r, gn);
        free(tg);
    }
    /* Not gzip at all; an empty .gz. */
    {
        unsigned char rnd[1000];
        uint32_t x = 2463534242u; /* xorshift32 (Marsaglia 2003) */
        for (size_t k = 0; k < sizeof rnd; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            rnd[k] = (unsigned char)x;
        }
        rnd[0] = 'R';
        run_file(r, SPIE_KIND_BENEFICIAIRES, "random.csv.gz", rnd, sizeof rnd, true);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
        expect_offset(r, 0);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "text.csv.gz", text, sizeof text - 1, true);
        assert_false(r->rep.usable);
        expect_offset(r, 0);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "empty.csv.gz", "", 0, true);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
        expect_offset(r, 0);
    }
    free(gz);

    /* Files cut in the middle, large and small (under one read of the reader): the
     * complete lines decoded before the defect are counted and validated, exactly as
     * many as zlib decodes of the cut stream (a line the cut splits is not one), and
     * none is accepted. */
    for (int k = 0; k < 2; k++) {
        size_t tn;
        unsigned rows;
        char *big = gen_rows(k == 0 ? 3u << 20 : 40u << 10, &tn, &rows);
        size_t bn;
        unsigned char *bgz = tu_gzip(big, tn, &bn);
        assert_non_null(bgz);
        run_file(r, SPIE_KIND_BENEFICIAIRES, "big.csv.gz", bgz, bn, true);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, rows);
        size_t cut = k == 0 ? bn * 3 / 4 : bn * 2 / 3;
        unsigned before = complete_rows_before_cut(bgz, cut, tn);
        assert_true(before > 0 && before < rows);
        for (int inf = 0; inf < 2; inf++) {
            r->inflater = inf ? SPIE_INFLATER_ZLIB : SPIE_INFLATER_DEFAULT;
            run_file(r, SPIE_KIND_BENEFICIAIRES, "bigcut.csv.gz", bgz, cut, true);
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
            assert_int_equal(r->rep.rows_read, before);
            expect_offset(r, cut);
        }
        r->inflater = SPIE_INFLATER_DEFAULT;
        free(bgz);
        free(big);
    }
    run_free(r);
}

/* A stop asked while a file is read (a signal): the reading ends at its next read of the
 * file, the file is unusable ("lecture interrompue") and nothing of it is accepted. The
 * flag is raised by the reject sink at the first rejected row, early in a 3 MiB file. */
static volatile sig_atomic_t g_stop;

static int stop_at_reject(void *ctx, const spie_reject *rj)
{
    (void)ctx;
    (void)rj;
    g_stop = 1;
    return 0;
}

static void test_cancel_while_reading(void **state)
{
    (void)state;
    run *r = run_new();
    size_t tn;
    unsigned rows;
    char *big = gen_rows(3u << 20, &tn, &rows);
    memcpy(strchr(big, '\n') + 1, "B@", 2); /* the first row: ID_INVALIDE */
    for (int gzip = 0; gzip < 2; gzip++) {
        size_t n = tn;
        unsigned char *data = gzip ? tu_gzip(big, tn, &n) : (unsigned char *)big;
        assert_non_null(data);
        char *path = tu_write_file(g_dir, gzip ? "stop.csv.gz" : "stop.csv", data, n);
        assert_non_null(path);
        spie_extract_job job = make_job(r, SPIE_KIND_BENEFICIAIRES, "31", P_2021_06);
        job.path = path;
        job.gzip = gzip != 0;
        job.reject = stop_at_reject;
        job.cancel = &g_stop;
        g_stop = 0;
        spie_persons_clear(r->ps);
        assert_true(spie_extract_read(&job, &r->rep));
        assert_false(r->rep.usable);
        assert_non_null(strstr(r->rep.motif, "lecture interrompue"));
        assert_int_equal(r->rep.rows_accepted, 0);
        assert_true(r->rep.rows_read >= 1 && r->rep.rows_read < rows / 2);
        /* without the stop, the same file is read whole */
        job.cancel = NULL;
        spie_persons_clear(r->ps);
        assert_true(spie_extract_read(&job, &r->rep));
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_read, rows);
        if (gzip)
            free(data);
        free(path);
    }
    free(big);
    run_free(r);
}

/* What cannot be opened: a missing file, a directory, a symbolic link. */
static void test_unopenable(void **state)
{
    (void)state;
    run *r = run_new();
    char path[4096];
    static const char text[] = HB3 "\nB1;2021-03-05;RSA\n";
    char *target = tu_write_file(g_dir, "target.csv", text, sizeof text - 1);
    assert_non_null(target);
    snprintf(path, sizeof path, "%s/link.csv", g_dir);
    assert_int_equal(symlink(target, path), 0);
    const char *names[] = {"nothere.csv", "adir.csv", "link.csv"};
    snprintf(path, sizeof path, "%s/adir.csv", g_dir);
    assert_int_equal(mkdir(path, 0755), 0);
    for (size_t k = 0; k < SPIE_ARRAY_LEN(names); k++) {
        for (int gzip = 0; gzip < 2; gzip++) {
            snprintf(path, sizeof path, "%s/%s", g_dir, names[k]);
            memset(&r->sk, 0, sizeof r->sk);
            spie_extract_job job = make_job(r, SPIE_KIND_BENEFICIAIRES, "31", P_2021_06);
            job.path = path;
            job.gzip = gzip != 0;
            spie_persons_clear(r->ps);
            assert_true(spie_extract_read(&job, &r->rep));
            check_invariants(r);
            assert_false(r->rep.usable);
            assert_int_equal(spie_persons_count(r->ps), 0);
        }
    }
    /* Gone again, so that the test can run a second time (see main). */
    snprintf(path, sizeof path, "%s/link.csv", g_dir);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/adir.csv", g_dir);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(unlink(target), 0);
    free(target);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_PATHS(test_gzip_files),
        cmocka_unit_test(test_cancel_while_reading),
        BOTH_PATHS(test_unopenable),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    spie_extract_scratch_free(g_scratch);
    return failed;
}
