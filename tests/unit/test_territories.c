/* Unit tests of engine/core/territories.c: the territories table (docs/format-extraits.md §7 and §2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>

#include "spie/territories.h"
#include "testutil.h"

/* Parses a C string; the caller frees *t. */
static bool parse(const char *s, spie_territories *t, spie_error *err)
{
    return spie_territories_parse(s, strlen(s), t, err) == SPIE_OK;
}

/* Expects failure at line `line` with a message containing `part`, and an empty result. */
static void expect_error(const char *csv, size_t line, const char *part)
{
    spie_territories t = {(spie_territory *)1, 99};
    spie_error err;
    bool ok = parse(csv, &t, &err);
    if (ok || err.line != line || !strstr(err.msg, part))
        print_error("input <%s>: ok=%d line=%zu msg=<%s>, expected line %zu <%s>\n", csv, ok,
                    err.line, err.msg, line, part);
    assert_false(ok);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.msg, part));
    assert_null(t.items);
    assert_int_equal(t.count, 0);
    spie_territories_free(&t);
}

static void test_waves(void **state)
{
    (void)state;
    assert_string_equal(spie_wave_code(SPIE_WAVE_EXP2020), "EXP2020");
    assert_string_equal(spie_wave_code(SPIE_WAVE_AMI1), "AMI1");
    assert_string_equal(spie_wave_code(SPIE_WAVE_AMI2), "AMI2");
    assert_string_equal(spie_wave_code(SPIE_WAVE_COUNT), "");
    /* y * 12 + m - 1: 2020-03 = 24242, 2021-05 = 24256, 2022-02 = 24265. */
    assert_int_equal(spie_wave_start(SPIE_WAVE_EXP2020), 24242);
    assert_int_equal(spie_wave_start(SPIE_WAVE_AMI1), 24256);
    assert_int_equal(spie_wave_start(SPIE_WAVE_AMI2), 24265);
}

static void test_basic(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    assert_true(parse("departement,vague,allocation_etat\n"
                      "31,AMI2,370000.00\n"
                      "2B,AMI2,1000\n"
                      "29,EXP2020,600000.5\n"
                      "30,ami1,0\n",
                      &t, &err));
    assert_int_equal(t.count, 4);
    /* Sorted by code in byte order: 29 < 2B < 30 < 31. */
    assert_string_equal(t.items[0].dept->code, "29");
    assert_string_equal(t.items[1].dept->code, "2B");
    assert_string_equal(t.items[2].dept->code, "30");
    assert_string_equal(t.items[3].dept->code, "31");
    assert_int_equal(t.items[0].wave, SPIE_WAVE_EXP2020);
    assert_int_equal(t.items[0].allocation, 60000050);
    assert_int_equal(t.items[1].allocation, 100000);
    assert_int_equal(t.items[2].wave, SPIE_WAVE_AMI1); /* codes are case-insensitive */
    assert_int_equal(t.items[2].allocation, 0);        /* zero is a valid grant */
    assert_int_equal(t.items[3].allocation, 37000000);

    const spie_territory *f = spie_territories_find(&t, "2B", 2);
    assert_ptr_equal(f, &t.items[1]);
    assert_ptr_equal(spie_territories_find(&t, "310", 2), &t.items[3]);
    assert_null(spie_territories_find(&t, "2b", 2));
    assert_null(spie_territories_find(&t, "32", 2));
    assert_null(spie_territories_find(&t, "3", 1));
    assert_null(spie_territories_find(NULL, "31", 2));
    spie_territories_free(&t);
    assert_null(t.items);
    assert_int_equal(t.count, 0);
    spie_territories_free(&t);
    spie_territories_free(NULL);
}

static void test_bom_semicolon_crlf(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    assert_true(parse("\xEF\xBB\xBF"
                      "departement;vague;allocation_etat\r\n"
                      "31;AMI2;1 234,56\r\n"
                      "2a;AMI2;1.234,5\r\n"
                      "974;EXP2020;\"600 000,00\"\r\n",
                      &t, &err));
    assert_int_equal(t.count, 3);
    assert_string_equal(t.items[0].dept->code, "2A"); /* "2a" stored in INSEE's spelling */
    assert_int_equal(t.items[0].allocation, 123450);
    assert_string_equal(t.items[1].dept->code, "31");
    assert_int_equal(t.items[1].allocation, 123456);
    assert_string_equal(t.items[2].dept->code, "974");
    assert_int_equal(t.items[2].allocation, 60000000);
    spie_territories_free(&t);

    /* U+00A0 and U+202F as thousands separators, ';' file, lone CR endings, no final
     * newline. */
    assert_true(parse("departement;vague;allocation_etat\r"
                      "31;AMI2;1\xC2\xA0"
                      "234,56\r"
                      "59;EXP2020;2\xE2\x80\xAF"
                      "000\xE2\x80\xAF"
                      "000",
                      &t, &err));
    assert_int_equal(t.count, 2);
    assert_int_equal(t.items[0].allocation, 123456);
    assert_int_equal(t.items[1].allocation, 200000000);
    spie_territories_free(&t);
}

static void test_column_order_unknown_columns(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    /* Header names trimmed and matched case-insensitively, in any order; the unknown
     * columns (one with a quoted separator and a quoted newline) are ignored. Fields are
     * trimmed. */
    assert_true(parse("commentaire, Allocation_Etat ,VAGUE,\tDepartement,x\n"
                      "\"a, b\nc\",  500 000 , AMI1 ,\t13 ,\n"
                      "z,1,AMI1,04,\n",
                      &t, &err));
    assert_int_equal(t.count, 2);
    assert_string_equal(t.items[0].dept->code, "04");
    assert_int_equal(t.items[0].allocation, 100);
    assert_string_equal(t.items[1].dept->code, "13");
    assert_int_equal(t.items[1].wave, SPIE_WAVE_AMI1);
    assert_int_equal(t.items[1].allocation, 50000000);
    spie_territories_free(&t);
}

static void test_separator_detection(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    /* More ';' than ',' in the header: ';', so "1,5" is an amount, not two fields. */
    assert_true(parse("departement;vague;allocation_etat;x,y\n31;AMI2;1,5;a,b\n", &t, &err));
    assert_int_equal(t.count, 1);
    assert_int_equal(t.items[0].allocation, 150);
    spie_territories_free(&t);
    /* A tie means ',': the header then has two columns, "vague;allocation_etat" being one. */
    expect_error("departement,vague;allocation_etat\n31,AMI2;5\n", 1,
                 "colonne obligatoire « vague » absente");
    /* Detection reads the header line, the first that is not blank. */
    assert_true(parse("\n  \t\ndepartement;vague;allocation_etat\n31;AMI2;1,5\n", &t, &err));
    assert_int_equal(t.items[0].allocation, 150);
    spie_territories_free(&t);
}

static void test_empty_lines(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    assert_true(parse("\r\n\n departement,vague,allocation_etat\n\n31,AMI2,1\n \t \n\n59,EXP2020,2\n\n",
                      &t, &err));
    assert_int_equal(t.count, 2);
    spie_territories_free(&t);
    /* Line numbers count the blank lines: header on line 3, the bad row on line 6. */
    expect_error("\n\ndepartement,vague,allocation_etat\n31,AMI2,1\n\n20,AMI2,1\n", 6,
                 "département inconnu : « 20 »");
}

static void test_errors(void **state)
{
    (void)state;
    const char *h = "departement,vague,allocation_etat\n";
    char buf[512];

#define WITH_HEADER(rows) (snprintf(buf, sizeof buf, "%s%s", h, rows), buf)
    /* An absurd allocation (a typo of a few digits) is refused with its line, not summed
     * into an overflowing région; the largest accepted is ten billion euros. */
    expect_error(WITH_HEADER("31,AMI2,1\n59,AMI1,10000000000000\n"), 3, "allocation_etat absurde");
    expect_error(WITH_HEADER("31,AMI2,\"10 000 000 000,01\"\n"), 2, "allocation_etat absurde");
    {
        spie_territories t;
        spie_error err;
        assert_true(parse(WITH_HEADER("31,AMI2,\"10 000 000 000,00\"\n"), &t, &err));
        assert_int_equal(t.items[0].allocation, SPIE_ALLOCATION_MAX);
        spie_territories_free(&t);
    }
    expect_error(WITH_HEADER("31,AMI2,1\n975,AMI2,1\n"), 3, "département inconnu : « 975 »");
    expect_error(WITH_HEADER("1,AMI2,1\n"), 2, "département inconnu : « 1 »");
    expect_error(WITH_HEADER("31,AMI2,1\n,AMI2,1\n"), 3, "département manquant");
    expect_error(WITH_HEADER("31,AMI3,1\n"), 2, "vague inconnue : « AMI3 »");
    expect_error(WITH_HEADER("31,,1\n"), 2, "vague manquante");
    expect_error(WITH_HEADER("31,AMI2,\n"), 2, "allocation_etat vide");
    expect_error(WITH_HEADER("31,AMI2,  \n"), 2, "allocation_etat vide");
    expect_error(WITH_HEADER("31,AMI2,1\n59,EXP2020,12.345\n"), 3, "allocation_etat invalide : « 12.345 »");
    expect_error(WITH_HEADER("31,AMI2,abc\n"), 2, "allocation_etat invalide");
    expect_error(WITH_HEADER("31,AMI2,+5\n"), 2, "allocation_etat invalide");
    expect_error(WITH_HEADER("31,AMI2,1e5\n"), 2, "allocation_etat invalide");
    expect_error(WITH_HEADER("31,AMI2,\"-250,00\"\n"), 2, "allocation_etat négative : « -250,00 »");
    expect_error(WITH_HEADER("31,AMI2,1\n59,EXP2020,1\n31,AMI2,1\n"), 4,
                 "département 31 en double (déjà ligne 2)");
    /* "2a" and "2A" are the same département. */
    expect_error(WITH_HEADER("2A,AMI2,1\n2a,AMI2,1\n"), 3, "département 2A en double");
    expect_error(WITH_HEADER("31,AMI2,1\n59,EXP2020\n"), 3, "nombre de champs incorrect : 2 au lieu de 3");
    expect_error(WITH_HEADER("31,AMI2,1,\n"), 2, "nombre de champs incorrect : 4 au lieu de 3");
    /* A line of separators only is a row (docs/format-extraits.md §2). */
    expect_error(WITH_HEADER(",,\n"), 2, "département manquant");
#undef WITH_HEADER

    expect_error("departement,allocation_etat\n31,1\n", 1, "colonne obligatoire « vague » absente");
    expect_error("\ndepartement,vague\n31,AMI2\n", 2, "colonne obligatoire « allocation_etat » absente");
    expect_error("departement,vague,allocation_etat,Vague\n31,AMI2,1,AMI2\n", 1,
                 "colonne « Vague » en double");
    expect_error("departement,vague,allocation_etat,x,X\n31,AMI2,1,,\n", 1, "colonne « X » en double");
    expect_error("", 0, "pas de ligne d'en-tête");
    expect_error("\xEF\xBB\xBF", 0, "pas de ligne d'en-tête");
    expect_error("\n \r\n\t\n", 0, "pas de ligne d'en-tête");
    expect_error("departement,vague,allocation_etat\n\n", 0, "aucun territoire");
    /* A quote never closed: the row starting on line 3 cannot be trusted. */
    expect_error("departement,vague,allocation_etat\n31,AMI2,1\n59,\"EXP2020,1\n\n", 3,
                 "guillemet");
    /* A row after a multi-line quoted field: its line is the physical line. */
    expect_error("departement,vague,allocation_etat,note\n31,AMI2,1,\"a\nb\n\nc\"\n20,AMI2,1,\n", 6,
                 "département inconnu");
    /* The row that starts on line 2 and holds a quoted newline is named by line 2. */
    expect_error("departement,vague,allocation_etat,note\n20,AMI2,1,\"a\nb\"\n", 2, "département inconnu");
    /* Unprintable bytes are not copied into the message. */
    expect_error("departement,vague,allocation_etat\n\xC3\xA9\x01,AMI2,1\n", 2, "« ??? »");
}

/* The directory holding samples/: $SPIE_SRCDIR when set, else the current directory
 * (tests run from the repository root). */
static char *default_csv_path(void)
{
    const char *root = getenv("SPIE_SRCDIR");
    if (!root || !*root)
        root = ".";
    size_t n = strlen(root) + 64;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/samples/territoires-defaut.csv", root);
    return p;
}

static void test_default(void **state)
{
    (void)state;
    spie_territories t;
    spie_error err;
    assert_int_equal(spie_territories_default(&t, &err), SPIE_OK);
    /* ref/territoires-spie.csv lists 72 départements: 17 EXP2020 (14 experimentations,
     * Bretagne counting four départements), 31 AMI1, 24 AMI2. */
    assert_int_equal(t.count, 72);
    size_t per_wave[SPIE_WAVE_COUNT] = {0};
    spie_cents total = 0;
    for (size_t i = 0; i < t.count; i++) {
        if (i > 0)
            assert_true(strcmp(t.items[i - 1].dept->code, t.items[i].dept->code) < 0);
        per_wave[t.items[i].wave]++;
        total += t.items[i].allocation;
        assert_true(t.items[i].allocation > 0);
        /* AMI 1 grants were capped at 500 000 € per territory. */
        if (t.items[i].wave == SPIE_WAVE_AMI1)
            assert_true(t.items[i].allocation <= 50000000);
    }
    assert_int_equal(per_wave[SPIE_WAVE_EXP2020], 17);
    assert_int_equal(per_wave[SPIE_WAVE_AMI1], 31);
    assert_int_equal(per_wave[SPIE_WAVE_AMI2], 24);
    /* Below the 80 M€ national envelope. */
    assert_true(total < (spie_cents)80000000 * 100);

    const spie_territory *hg = spie_territories_find(&t, "31", 2);
    assert_non_null(hg);
    assert_int_equal(hg->wave, SPIE_WAVE_AMI2);
    assert_int_equal(hg->allocation, 37000000); /* Haute-Garonne: 370 000 € from the State */
    assert_int_equal(spie_territories_find(&t, "51", 2)->allocation, 50000000); /* Marne */
    assert_int_equal(spie_territories_find(&t, "69", 2)->wave, SPIE_WAVE_EXP2020);
    assert_int_equal(spie_territories_find(&t, "68", 2)->wave, SPIE_WAVE_AMI1);
    assert_int_equal(spie_territories_find(&t, "67", 2)->wave, SPIE_WAVE_EXP2020);
    assert_non_null(spie_territories_find(&t, "2A", 2));
    assert_non_null(spie_territories_find(&t, "2B", 2));
    assert_non_null(spie_territories_find(&t, "976", 3));
    assert_null(spie_territories_find(&t, "75", 2));
    assert_null(spie_territories_find(&t, "NAT", 3));
    spie_territories_free(&t);
}

static void test_default_matches_sample_file(void **state)
{
    (void)state;
    char *path = default_csv_path();
    assert_non_null(path);
    size_t n = 0;
    char *file = tu_read_file(path, &n);
    if (!file)
        print_error("cannot read %s (run from the repository root or set SPIE_SRCDIR)\n", path);
    assert_non_null(file);
    const char *embedded = spie_territories_default_csv();
    assert_int_equal(strlen(embedded), n);
    assert_memory_equal(embedded, file, n);

    /* And the file parses to the same table through the loader. */
    spie_territories a, b;
    spie_error err;
    assert_int_equal(spie_territories_load(path, &a, &err), SPIE_OK);
    assert_int_equal(spie_territories_default(&b, &err), SPIE_OK);
    assert_int_equal(a.count, b.count);
    for (size_t i = 0; i < a.count; i++) {
        assert_ptr_equal(a.items[i].dept, b.items[i].dept);
        assert_int_equal(a.items[i].wave, b.items[i].wave);
        assert_int_equal(a.items[i].allocation, b.items[i].allocation);
    }
    spie_territories_free(&a);
    spie_territories_free(&b);
    free(file);
    free(path);
}

static void test_load(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    static const char csv[] = "departement;vague;allocation_etat\n59;EXP2020;1 000,00\n";
    char *path = tu_write_file(dir, "t.csv", csv, sizeof csv - 1);
    assert_non_null(path);
    spie_territories t;
    spie_error err;
    assert_int_equal(spie_territories_load(path, &t, &err), SPIE_OK);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.items[0].allocation, 100000);
    spie_territories_free(&t);

    char *bad = tu_write_file(dir, "bad.csv", "departement;vague;allocation_etat\n59;X;1\n", 40);
    assert_non_null(bad);
    assert_int_not_equal(spie_territories_load(bad, &t, &err), SPIE_OK);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "vague inconnue"));

    size_t n = strlen(dir) + 32;
    char *missing = malloc(n);
    assert_non_null(missing);
    snprintf(missing, n, "%s/absent.csv", dir);
    assert_int_not_equal(spie_territories_load(missing, &t, &err), SPIE_OK);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "introuvable"));
    assert_null(t.items);

    assert_int_not_equal(spie_territories_load(dir, &t, &err), SPIE_OK); /* a directory */
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "n'est pas un fichier ordinaire"));

    /* A FIFO with no writer: refused at once, where a blocking open would wait for ever
     * (the test would hang). */
    snprintf(missing, n, "%s/fifo.csv", dir);
    assert_int_equal(mkfifo(missing, 0600), 0);
    assert_int_equal(spie_territories_load(missing, &t, &err), SPIE_E_INPUT);
    assert_non_null(strstr(err.msg, "n'est pas un fichier ordinaire"));
    assert_null(t.items);

    free(missing);
    free(bad);
    free(path);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waves),
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_bom_semicolon_crlf),
        cmocka_unit_test(test_column_order_unknown_columns),
        cmocka_unit_test(test_separator_detection),
        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_default_matches_sample_file),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
