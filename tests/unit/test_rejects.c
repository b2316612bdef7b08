/* Unit tests of reports/rejects.c: the rejects file written through the batch's sink
 * (include/spie/batch.h, spie_rejects_sink): groups concatenated in group order whatever
 * order they are written in, at most SPIE_REJECTS_MAX_PER_FILE rows per input file (the
 * rest counted), NUL bytes of a raw line written as U+FFFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "spie/rejects.h"
#include "testutil.h"

/* The whole decompressed file (every gzip member), malloc'd; *n its length. */
static char *gunzip_file(const char *path, size_t *n)
{
    gzFile g = gzopen(path, "rb");
    assert_non_null(g);
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        int k = gzread(g, buf + len, (unsigned)(cap - len));
        assert_true(k >= 0);
        if (k == 0)
            break;
        len += (size_t)k;
    }
    gzclose(g);
    buf[len] = 0;
    *n = len;
    return buf;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

static spie_reject reject(const char *file, uint64_t line, const char *raw, size_t raw_len)
{
    return (spie_reject){.file = file, .line = line, .column = "id", .reason = SPIE_R_DOUBLON, .raw = raw,
                         .raw_len = raw_len};
}

/* Two groups written in reverse order: the file lists group 0 first. */
static void test_group_order(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    snprintf(path, n, "%s/rejets.csv.gz", dir);
    spie_rejects_file *f = spie_rejects_file_new(path, 2);
    assert_non_null(f);
    spie_rejects_sink s = spie_rejects_file_sink(f);
    void *g1 = s.open_group(s.ctx, 1), *g0 = s.open_group(s.ctx, 0);
    assert_non_null(g0);
    assert_non_null(g1);
    spie_reject r1 = reject("b.csv", 7, "B", 1), r0 = reject("a.csv", 3, "A", 1);
    assert_int_equal(s.row(g1, &r1), 0);
    assert_int_equal(s.row(g0, &r0), 0);
    assert_int_equal(s.close_group(s.ctx, g1), 0);
    assert_int_equal(s.close_group(s.ctx, g0), 0);
    assert_int_equal(spie_rejects_file_finish(f), 0);
    size_t len;
    char *text = gunzip_file(path, &len);
    assert_string_equal(text, "fichier,ligne,colonne,code,motif,contenu\n"
                              "a.csv,3,id,DOUBLON,ligne en double,A\n"
                              "b.csv,7,id,DOUBLON,ligne en double,B\n");
    free(text);
    spie_rejects_file_free(f);
    free(path);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* 100 005 rejects of one file and 3 of another in the same group: the first file's first
 * 100 000 are written and 5 counted; the other's 3 are written. A NUL byte becomes
 * U+FFFD (EF BF BD). */
static void test_cap_and_nul(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    snprintf(path, n, "%s/rejets.csv.gz", dir);
    spie_rejects_file *f = spie_rejects_file_new(path, 1);
    spie_rejects_sink s = spie_rejects_file_sink(f);
    void *g = s.open_group(s.ctx, 0);
    assert_non_null(g);
    for (uint64_t i = 0; i < SPIE_REJECTS_MAX_PER_FILE + 5; i++) {
        spie_reject r = reject("gros.csv", i + 2, "x", 1);
        assert_int_equal(s.row(g, &r), 0);
    }
    for (uint64_t i = 0; i < 3; i++) {
        spie_reject r = reject("petit.csv", i + 2, "a\0b", 3);
        assert_int_equal(s.row(g, &r), 0);
    }
    assert_int_equal(s.close_group(s.ctx, g), 0);
    assert_int_equal(spie_rejects_file_finish(f), 0);
    assert_int_equal(spie_rejects_file_dropped(f, "gros.csv"), 5);
    assert_int_equal(spie_rejects_file_dropped(f, "petit.csv"), 0);
    assert_int_equal(spie_rejects_file_dropped(f, "absent.csv"), 0);
    size_t len;
    char *text = gunzip_file(path, &len);
    assert_int_equal(count_lines(text, len), 1 + SPIE_REJECTS_MAX_PER_FILE + 3);
    assert_non_null(strstr(text, "\ngros.csv,100001,id,"));     /* the 100 000th row */
    assert_null(strstr(text, "\ngros.csv,100002,id,"));         /* the first left out */
    assert_non_null(strstr(text, "\npetit.csv,2,id,DOUBLON,ligne en double,a\xEF\xBF\xBD" "b\n"));
    assert_int_equal(memchr(text, 0, len) == NULL, 1);
    free(text);
    spie_rejects_file_free(f);
    free(path);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_order),
        cmocka_unit_test(test_cap_and_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
