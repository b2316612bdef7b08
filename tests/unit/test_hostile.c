/* Hostile input at the level of the reading layer (issue 10): the fuzz inputs replayed
 * through the very code of the fuzz targets, and the outcome of the inputs the fuzzers
 * found to break it.
 *
 * - Every file of tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ goes
 *   through fx_extract_one (fuzz_extract_run.h) or ff_fields_one (fuzz_fields_run.h)
 *   with FUZZ_CHECK turned into a cmocka assertion: no crash, no sanitizer report (make
 *   asan), and the report invariants hold (rows_read = accepted + rejected on a usable
 *   file, by_reason adds up to rejected, an unusable file accepts nothing and says why in
 *   valid UTF-8, each reject is valid UTF-8 of at most 500 characters), plus the
 *   differential checks of modes 2 and 3 (gzip members, read boundaries).
 * - Each crashing input found by the fuzzers, with the outcome the contract asks for
 *   (docs/format-extraits.md §2, docs/sorties.md §5), written out by hand here.
 * - A decompression bomb in memory stops at the record cap: the reader does not inflate
 *   the gigabyte.
 *
 * The files are found from $SPIE_SRCDIR, else the current directory (make test runs from
 * the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(c) assert_true(c)
#include "../fuzz/fuzz_extract_run.h"
#include "../fuzz/fuzz_fields_run.h"

#include "spie/extract.h"
#include "spie/fields.h"
#include "spie/persons.h"
#include "testutil.h"

#define P_2021_06 ((spie_month)(2021 * 12 + 5))

/* ---------------------------------------------------------------- replay of the files */

static char *src_path(const char *rel)
{
    char *p = tu_src_path(rel);
    assert_non_null(p);
    return p;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one(data, n) on every regular file of dir (relative to the source tree), in name
 * order; returns how many. A missing directory counts as empty when may_be_absent. */
static size_t replay_dir(const char *rel, bool may_be_absent, void (*one)(const uint8_t *, size_t))
{
    char *dir = src_path(rel);
    DIR *d = opendir(dir);
    if (!d) {
        if (!may_be_absent)
            print_error("cannot open %s (run from the repository root or set SPIE_SRCDIR)\n", dir);
        assert_true(may_be_absent);
        free(dir);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[n] = strdup(e->d_name);
        assert_non_null(names[n]);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        assert_non_null(path);
        snprintf(path, len, "%s/%s", dir, names[i]);
        size_t sz = 0;
        char *data = tu_read_file(path, &sz);
        if (!data)
            print_error("cannot read %s\n", path);
        assert_non_null(data);
        /* An exact-size copy, as libFuzzer hands it: a read past the end is caught. */
        uint8_t *copy = malloc(sz ? sz : 1);
        assert_non_null(copy);
        memcpy(copy, data, sz);
        one(copy, sz);
        free(copy);
        free(data);
        free(path);
        free(names[i]);
    }
    free(names);
    free(dir);
    return n;
}

static void test_replay_extract_regressions(void **state)
{
    (void)state;
    /* Two findings so far (see tests/fuzz/regressions/README.md). */
    assert_true(replay_dir("tests/fuzz/regressions/fuzz_extract", false, fx_extract_one) >= 2);
}

static void test_replay_extract_corpus(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/fuzz_extract", false, fx_extract_one) >= 100);
}

static void test_replay_fields(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/fuzz/corpus/fuzz_fields", false, ff_fields_one) >= 50);
    replay_dir("tests/fuzz/regressions/fuzz_fields", true, ff_fields_one);
}

/* ---------------------------------------------------------------- the findings, by hand */

typedef struct one_read {
    spie_persons *ps;
    spie_budget budget;
    spie_file_report rep;
} one_read;

static void read_mem(one_read *o, spie_kind kind, bool gzip, const void *data, size_t n)
{
    memset(o, 0, sizeof *o);
    o->ps = spie_persons_new();
    assert_non_null(o->ps);
    spie_extract_job job = {.relname = "spie_31_2021-06_x.csv", .kind = kind, .dept = "31", .gzip = gzip,
                            .period = P_2021_06, .persons = o->ps, .budget = &o->budget};
    assert_true(spie_extract_read_mem(&job, data, n, &o->rep));
    fx_check_report(&o->rep);
}

static void read_free(one_read *o)
{
    spie_persons_free(o->ps);
    spie_budget_release(&o->budget);
}

/* regressions/fuzz_extract/dup-column-name-not-utf8: a column named twice whose name is
 * not UTF-8 and holds control bytes. The motif quoted the raw bytes, so qualite_<P>.csv
 * (UTF-8 by docs/sorties.md §5) got invalid UTF-8 and NULs. Now the name is shown as the
 * unknown columns are: Windows-1252 transcoded, controls as '?'. */
static void test_duplicate_column_name_not_utf8(void **state)
{
    (void)state;
    static const char text[] = "id_beneficiaire,etape,da\xac\x02\x00\x00tape,date_etape,DA\xac\x02\x00\x00TAPE\n"
                               "B1,SUIVI,x,2021-03-01,y\n";
    one_read o;
    read_mem(&o, SPIE_KIND_ETAPES, false, text, sizeof text - 1);
    assert_false(o.rep.usable);
    assert_int_equal(o.rep.fail_line, 1);
    /* The second name is quoted; 0xAC is U+00AC in Windows-1252 (C2 AC in UTF-8). */
    assert_string_equal(o.rep.motif, "ligne 1 : colonne « DA\xc2\xac???TAPE » en double dans l'en-tête");
    read_free(&o);

    /* A long UTF-8 name is cut between characters: 63 ASCII bytes then "éé", the first
     * "é" crossing byte 64, shows as the 63 bytes and "…" (not as a byte C3 read as
     * Windows-1252). */
    char hdr[256];
    char name[70];
    memset(name, 'a', 63);
    memcpy(name + 63, "\xc3\xa9\xc3\xa9", 4);
    name[67] = '\0';
    snprintf(hdr, sizeof hdr, "mois;financeur;montant_engage;montant_paye;%s;%s\n", name, name);
    read_mem(&o, SPIE_KIND_BUDGET, false, hdr, strlen(hdr));
    assert_false(o.rep.usable);
    char want[200];
    snprintf(want, sizeof want, "ligne 1 : colonne « %.63s… » en double dans l'en-tête", name);
    assert_string_equal(o.rep.motif, want);
    read_free(&o);
}

/* regressions/fuzz_extract/header-of-separators-only: a first record whose fields are
 * all empty stored no byte, and the header was read through a NULL pointer plus offset 0
 * (undefined behaviour; clang's UBSan stops there). Now an empty header is just a header
 * without the required columns. */
static void test_header_of_separators_only(void **state)
{
    (void)state;
    static const char text[] = ";;;\nB1;2021-03-01;RSA\n";
    one_read o;
    read_mem(&o, SPIE_KIND_BENEFICIAIRES, false, text, sizeof text - 1);
    assert_false(o.rep.usable);
    assert_string_equal(o.rep.motif, "ligne 1 : colonne obligatoire « id_beneficiaire » absente de l'en-tête");
    read_free(&o);
    /* The same record as a data row is a row (docs/format-extraits.md §2), CHAMP_MANQUANT. */
    static const char rows[] = "id_beneficiaire;date_entree;public\n;;\n";
    read_mem(&o, SPIE_KIND_BENEFICIAIRES, false, rows, sizeof rows - 1);
    assert_true(o.rep.usable);
    assert_int_equal(o.rep.rows_read, 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_CHAMP_MANQUANT], 1);
    read_free(&o);
}

/* ---------------------------------------------------------------- hostile inputs */

/* A decompression bomb: a header, then one line of 1 GiB of 'a' (1024 gzip members of
 * 1 MiB each, about 1 MB compressed). The record cap stops the reading after about
 * SPIE_RECORD_MAX bytes of output: the gigabyte is never inflated, nothing grows. */
static void test_decompression_bomb(void **state)
{
    (void)state;
    const size_t mib = (size_t)1 << 20;
    char *block = malloc(mib);
    assert_non_null(block);
    memset(block, 'a', mib);
    size_t one_n = 0, head_n = 0;
    unsigned char *one = tu_gzip(block, mib, &one_n);
    static const char head[] = "id_beneficiaire;date_entree;public\n";
    unsigned char *hgz = tu_gzip(head, sizeof head - 1, &head_n);
    assert_non_null(one);
    assert_non_null(hgz);
    free(block);
    size_t n = head_n + 1024 * one_n;
    unsigned char *bomb = malloc(n);
    assert_non_null(bomb);
    memcpy(bomb, hgz, head_n);
    for (size_t i = 0; i < 1024; i++)
        memcpy(bomb + head_n + i * one_n, one, one_n);
    assert_true(n < 4 * mib); /* a 1 GiB line in a few MB */

    one_read o;
    read_mem(&o, SPIE_KIND_BENEFICIAIRES, true, bomb, n);
    assert_false(o.rep.usable);
    assert_int_equal(o.rep.fail_line, 2);
    assert_string_equal(o.rep.motif, "ligne 2 : enregistrement de plus de 1048576 octets");
    /* Stopped early: at most one read chunk beyond the cap was inflated. */
    assert_true(o.rep.bytes_out <= SPIE_RECORD_MAX + sizeof head + FX_READ_CHUNK);
    assert_true(o.rep.bytes_in < n);
    read_free(&o);
    free(bomb);
    free(one);
    free(hgz);
}

/* A NUL byte is a byte like any other: in a field it makes the value invalid (a row
 * reject, the file stays usable), in an unknown column it is kept as it is. */
static void test_nul_bytes(void **state)
{
    (void)state;
    static const char text[] = "id_beneficiaire;date_entree;public;note\n"
                               "B\0001;2021-03-01;RSA;x\n"
                               "B2;2021-03-\0001;RSA;x\n"
                               "B3;2021-03-01;RSA;a\000b\n";
    one_read o;
    read_mem(&o, SPIE_KIND_BENEFICIAIRES, false, text, sizeof text - 1);
    assert_true(o.rep.usable);
    assert_int_equal(o.rep.rows_read, 3);
    assert_int_equal(o.rep.rows_accepted, 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_ID_INVALIDE], 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_DATE_INVALIDE], 1);
    read_free(&o);
}

/* Impossible dates and amounts of issue 10, one row each: every one a row reject with its
 * reason (docs/format-extraits.md §2 field types), the file usable. */
static void test_impossible_values(void **state)
{
    (void)state;
    static const char benef[] = "id_beneficiaire;date_entree;public\n"
                                "B1;2021-02-29;RSA\n" /* 2021 is not a leap year */
                                "B2;0000-00-00;RSA\n"
                                "B3;2021-13-01;RSA\n"
                                "B4;2020-02-29;RSA\n"; /* 2020 is: accepted */
    one_read o;
    read_mem(&o, SPIE_KIND_BENEFICIAIRES, false, benef, sizeof benef - 1);
    assert_true(o.rep.usable);
    assert_int_equal(o.rep.rows_accepted, 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_DATE_INVALIDE], 3);
    read_free(&o);

    static const char budget[] = "mois;financeur;montant_engage;montant_paye\n"
                                 "2021-05;ETAT;1234567890123456789012345678901234567890;0\n" /* 40 digits */
                                 "2021-05;ETAT;12,345;0\n"                                   /* 3 decimals */
                                 "2021-05;ETAT;1e5;0\n"
                                 "2021-05;ETAT;NaN;0\n"
                                 "2021-05;ETAT;92233720368547758,07;0\n"  /* INT64_MAX cents */
                                 "2021-05;ETAT;-92233720368547758,08;0\n" /* INT64_MIN cents */
                                 "2021-05;ETAT;92233720368547758,08;0\n"  /* beyond int64 */
                                 "2021-05;ETAT;10000000000,01;0\n"         /* over ten billion euros */
                                 "2021-05;ETAT;10000000000,00;0\n";        /* the bound: fine */
    read_mem(&o, SPIE_KIND_BUDGET, false, budget, sizeof budget - 1);
    assert_true(o.rep.usable);
    assert_int_equal(o.rep.rows_accepted, 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_MONTANT_INVALIDE], 8);
    assert_int_equal(o.budget.count, 1);
    assert_true(o.budget.lines[0].engaged == SPIE_AMOUNT_MAX);
    read_free(&o);
}

/* Invalid UTF-8 in every field: each field is taken as Windows-1252 (docs/format-extraits.md §2), so
 * nothing is lost and the report says the file needed it. */
static void test_invalid_utf8_everywhere(void **state)
{
    (void)state;
    static const char text[] = "mois;financeur;montant_engage;montant_paye;libelle;r\xe9gion\n"
                               "2021-05\xff;ETAT;1;1;x;y\n"
                               "2021-05;\xc9TAT;1;1;x;y\n"
                               "2021-05;ETAT;1\xa0\x30\x30\x30;1;\xe9t\xe9;\x80\n";
    one_read o;
    read_mem(&o, SPIE_KIND_BUDGET, false, text, sizeof text - 1);
    assert_true(o.rep.usable);
    assert_true(o.rep.transcoded);
    assert_int_equal(o.rep.rows_read, 3);
    assert_int_equal(o.rep.by_reason[SPIE_R_DATE_INVALIDE], 1);
    assert_int_equal(o.rep.by_reason[SPIE_R_CODE_INVALIDE], 1); /* "ÉTAT" is not "ETAT" */
    /* 0xA0 is U+00A0 in Windows-1252, a thousands separator: 1 000 euros. */
    assert_int_equal(o.rep.rows_accepted, 1);
    assert_true(o.budget.lines[0].engaged == 100000);
    assert_non_null(strstr(o.rep.motif, "colonnes inconnues ignorées : r\xc3\xa9gion"));
    read_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_extract_regressions),
        cmocka_unit_test(test_replay_extract_corpus),
        cmocka_unit_test(test_replay_fields),
        cmocka_unit_test(test_duplicate_column_name_not_utf8),
        cmocka_unit_test(test_header_of_separators_only),
        cmocka_unit_test(test_decompression_bomb),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_impossible_values),
        cmocka_unit_test(test_invalid_utf8_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
