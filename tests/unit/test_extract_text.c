/* Tests of the text layer of the reading layer (spie/extract.h) against
 * docs/format-extraits.md §2 and §6: BOM, separator, line ends, empty lines, quoting,
 * header matching, Windows-1252, size caps, the raw line of a reject, a failing reject
 * sink and reads cut at every place.
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

/* ---------------------------------------------------------------- text layer */

static void test_bom(void **state)
{
    (void)state;
    run *r = run_new();
    /* A BOM glued to the first column name would make id_beneficiaire missing. */
    run_str(r, SPIE_KIND_BENEFICIAIRES, "\xEF\xBB\xBF" HB3 "\nB1;2021-03-05;RSA\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_null(strstr(r->rep.motif, "id_beneficiaire"));
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "\xEF\xBB\xBFid_beneficiaire,date_entree,public\r\nB1,2021-03-05,RSA\r\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    /* A BOM alone: no header. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "\xEF\xBB\xBF");
    assert_false(r->rep.usable);
    run_free(r);
}

static void test_separator_detection(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, "id_beneficiaire,date_entree,public\nB1,2021-03-05,RSA\nB@,2021-03-05,RSA\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_int_equal(r->rep.by_reason[SPIE_R_ID_INVALIDE], 1);
    /* ';' wins 3 to 1 even with a ',' in a (quoted, unknown) column name. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 ";\"a,b\"\nB1;2021-03-05;RSA;x\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    /* A tie means ',': 3 against 3. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "id_beneficiaire,date_entree,public,\"a;b;c;d\"\nB1,2021-03-05,RSA,z\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    /* 1 against 1: ',' splits "id_beneficiaire;date_entree" | "public": columns missing. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "id_beneficiaire;date_entree,public\nB1;2021-03-05,RSA\n");
    assert_false(r->rep.usable);
    /* ';' file with decimal commas in the rows. */
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;1,5;2,05;;a, b\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_true(r->budget.lines[0].engaged == 150);
    assert_true(r->budget.lines[0].paid == 205);
    run_free(r);
}

/* The same rows under every line-end convention: same counts, same physical lines, and
 * the raw content of a reject carries no CR. */
static void test_line_endings(void **state)
{
    (void)state;
    static const char *const texts[] = {
        HB3 "\nB1;2021-03-05;RSA\nB@;2021-03-05;RSA\nB3;2021-03-05;RSA\n",
        HB3 "\r\nB1;2021-03-05;RSA\r\nB@;2021-03-05;RSA\r\nB3;2021-03-05;RSA\r\n",
        HB3 "\rB1;2021-03-05;RSA\rB@;2021-03-05;RSA\rB3;2021-03-05;RSA\r",
        HB3 "\r\nB1;2021-03-05;RSA\rB@;2021-03-05;RSA\nB3;2021-03-05;RSA\r\n",
        HB3 "\nB1;2021-03-05;RSA\nB@;2021-03-05;RSA\nB3;2021-03-05;RSA",
        HB3 "\r\nB1;2021-03-05;RSA\r\nB@;2021-03-05;RSA\r\nB3;2021-03-05;RSA",
        HB3 "\rB1;2021-03-05;RSA\rB@;2021-03-05;RSA\rB3;2021-03-05;RSA",
    };
    run *r = run_new();
    for (size_t i = 0; i < SPIE_ARRAY_LEN(texts); i++) {
        spie_persons_clear(r->ps);
        run_str(r, SPIE_KIND_BENEFICIAIRES, texts[i]);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_read, 3);
        assert_int_equal(r->rep.rows_accepted, 2);
        assert_int_equal(r->rep.empty_lines, 0);
        static const xrej want[] = {{3, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {0, 0, NULL}};
        expect_rejects(r, want, 2, "line endings");
        assert_string_equal(r->sk.r[0].raw, "B@;2021-03-05;RSA");
        assert_true(spie_persons_find(r->ps, "B3", 2) >= 0);
    }
    /* A rejected final line without a newline: still a line, with its number. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\r\nB1;2021-03-05;RSA\r\nB1;2021-03-05;RSA");
    static const xrej want2[] = {{3, SPIE_R_DOUBLON, ANY_COLUMN}, {0, 0, NULL}};
    expect_rejects(r, want2, 2, "final line");
    /* CR CR LF: a line end, then an empty line; LF CR: the same. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\r\r\nB1;2021-03-05;RSA\n\rB@;2021-03-05;RSA\n");
    assert_int_equal(r->rep.empty_lines, 2);
    assert_int_equal(r->rep.rows_read, 2);
    static const xrej want3[] = {{5, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {0, 0, NULL}};
    expect_rejects(r, want3, 2, "CR CR LF");
    run_free(r);
}

static void test_empty_lines(void **state)
{
    (void)state;
    /* lines: 1 "", 2 "  ", 3 "\t", 4 header, 5 "", 6 B1, 7 " \t ", 8 B@, 9 "" */
    static const char *const texts[] = {
        "\n  \n\t\n" HB3 "\n\nB1;2021-03-05;RSA\n \t \nB@;2021-03-05;RSA\n\n",
        "\r\n  \r\n\t\r\n" HB3 "\r\n\r\nB1;2021-03-05;RSA\r\n \t \r\nB@;2021-03-05;RSA\r\n\r\n",
        "\r  \r\t\r" HB3 "\r\rB1;2021-03-05;RSA\r \t \rB@;2021-03-05;RSA\r\r",
        "\n  \n\t\n" HB3 "\n\nB1;2021-03-05;RSA\n \t \nB@;2021-03-05;RSA\n  ",
    };
    run *r = run_new();
    for (size_t i = 0; i < SPIE_ARRAY_LEN(texts); i++) {
        spie_persons_clear(r->ps);
        run_str(r, SPIE_KIND_BENEFICIAIRES, texts[i]);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.empty_lines, 6);
        assert_int_equal(r->rep.rows_read, 2);
        assert_int_equal(r->rep.rows_accepted, 1);
        static const xrej want[] = {{8, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {0, 0, NULL}};
        expect_rejects(r, want, 2, "empty lines");
    }
    /* Only empty lines: no header. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "\n \n\t\r\n");
    assert_false(r->rep.usable);
    run_free(r);
}

/* A line of separators only is a row (docs/format-extraits.md §2). */
static void test_separator_only_rows(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\n;;\n;\n;;;\n ; ;\t\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 4);
    assert_int_equal(r->rep.empty_lines, 0);
    static const xrej want[] = {{2, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"},
                                {3, SPIE_R_NB_CHAMPS, NULL},
                                {4, SPIE_R_NB_CHAMPS, NULL},
                                {5, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"},
                                {0, 0, NULL}};
    expect_rejects(r, want, SPIE_ARRAY_LEN(want), "separators only");
    run_free(r);
}

/* Quoted fields holding separators and line ends; the line number of what follows. */
static void test_quoted_fields(void **state)
{
    (void)state;
    static const char *const texts[] = {
        HG "\n2021-05;XX;1;1;;\"a;b\nc\"\n2021-13;ETAT;1;1;;x\n2021-05;ETAT;1;1;;\"x\n\n\ny\"\n2021-05;ETAT;1;x;;\n",
        HG "\r\n2021-05;XX;1;1;;\"a;b\r\nc\"\r\n2021-13;ETAT;1;1;;x\r\n2021-05;ETAT;1;1;;\"x\r\n\r\n\r\ny\"\r\n"
           "2021-05;ETAT;1;x;;\r\n",
        HG "\r2021-05;XX;1;1;;\"a;b\rc\"\r2021-13;ETAT;1;1;;x\r2021-05;ETAT;1;1;;\"x\r\r\ry\"\r2021-05;ETAT;1;x;;",
    };
    run *r = run_new();
    for (size_t i = 0; i < SPIE_ARRAY_LEN(texts); i++) {
        spie_budget_clear(&r->budget);
        run_str(r, SPIE_KIND_BUDGET, texts[i]);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_read, 4);
        assert_int_equal(r->rep.rows_accepted, 1);
        assert_int_equal(r->rep.empty_lines, 0); /* the blank lines are inside a field */
        static const xrej want[] = {{2, SPIE_R_CODE_INVALIDE, "financeur"},
                                    {4, SPIE_R_DATE_INVALIDE, "mois"},
                                    {9, SPIE_R_MONTANT_INVALIDE, "montant_paye"},
                                    {0, 0, NULL}};
        expect_rejects(r, want, SPIE_ARRAY_LEN(want), "quoted fields");
        /* The raw record of a multi-line reject holds both lines. */
        assert_non_null(strstr(r->sk.r[0].raw, "2021-05;XX;1;1;;\"a;b"));
        assert_non_null(strstr(r->sk.r[0].raw, "c\""));
    }
    run_free(r);
}

/* RFC 4180 "" inside quotes; a quote inside an unquoted field is literal: both give a"b,
 * so the second row is a DOUBLON of the first (budget DOUBLON compares the libellé). */
static void test_quote_rules(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BUDGET,
            HG "\n2021-05;ETAT;1;1;;\"a\"\"b\"\n2021-05;ETAT;1;1;;a\"b\n2021-05;ETAT;1;1;;\"a;b\"\n2021-05;ETAT;1;1;;a;b\n");
    assert_true(r->rep.usable);
    static const xrej want[] = {{3, SPIE_R_DOUBLON, ANY_COLUMN}, {5, SPIE_R_NB_CHAMPS, NULL}, {0, 0, NULL}};
    expect_rejects(r, want, SPIE_ARRAY_LEN(want), "quote rules");
    assert_int_equal(r->rep.rows_accepted, 2);

    /* B"1: the quote is part of the id, which is then invalid; the next lines are rows. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\nB\"1;2021-03-05;RSA\nB3;2021-03-05;RSA\nB4\";2021-03-05;RSA\nB5;2021-03-05;RSA\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 4);
    static const xrej want2[] = {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {4, SPIE_R_ID_INVALIDE, "id_beneficiaire"},
                                 {0, 0, NULL}};
    expect_rejects(r, want2, SPIE_ARRAY_LEN(want2), "quote in unquoted field");
    assert_string_equal(r->sk.r[0].raw, "B\"1;2021-03-05;RSA");
    assert_true(spie_persons_find(r->ps, "B3", 2) >= 0);
    assert_true(spie_persons_find(r->ps, "B5", 2) >= 0);

    /* "B2"x: characters after the closing quote are appended: B2x, a valid id. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES,
            HB3 "\n\"B2\"x;2021-03-05;RSA\nB2x;2021-03-05;RSA\n\"B5\" ;2021-03-05;RSA\n\"B6\";\"2021\"-03-05;RSA\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 4);
    static const xrej want3[] = {{3, SPIE_R_DOUBLON, ANY_COLUMN}, {0, 0, NULL}};
    expect_rejects(r, want3, SPIE_ARRAY_LEN(want3), "after the closing quote");
    assert_true(spie_persons_find(r->ps, "B2x", 3) >= 0);
    assert_true(spie_persons_find(r->ps, "B5", 2) >= 0);
    long i6 = spie_persons_find(r->ps, "B6", 2);
    assert_true(i6 >= 0);
    assert_int_equal(spie_persons_at_const(r->ps, (size_t)i6)->entry, day_of(2021, 3, 5));

    /* Spaces after a closing quote at the end of a line. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\nB1;2021-03-05;\"RSA\"  \r\nB2;2021-03-05;\"RSA\"\t\n");
    assert_int_equal(r->rep.rows_accepted, 2);

    /* Quoted fields are trimmed too: " B7 " is B7. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\n\" B7 \";\"\t2021-03-05 \";\" RSA\"\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_true(spie_persons_find(r->ps, "B7", 2) >= 0);
    run_free(r);
}

static void test_open_quote_at_end(void **state)
{
    (void)state;
    static const char *const texts[] = {
        HB3 "\nB1;2021-03-05;RSA\n\"B2;2021-03-05;RSA\nB3;2021-03-05;RSA\n",
        HB3 "\nB1;2021-03-05;RSA\nB2;2021-03-05;\"RSA\nB3;2021-03-05;RSA",
        HB3 "\nB1;2021-03-05;RSA\nB2;2021-03-05;\"RSA\"\"\n",
        "\"id_beneficiaire;date_entree;public\nB1;2021-03-05;RSA\n",
    };
    run *r = run_new();
    for (size_t i = 0; i < SPIE_ARRAY_LEN(texts); i++) {
        spie_persons_clear(r->ps);
        run_str(r, SPIE_KIND_BENEFICIAIRES, texts[i]);
        if (r->rep.usable)
            print_message("open quote case %zu usable\n", i);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
    }
    run_free(r);
}

static void test_header_matching(void **state)
{
    (void)state;
    run *r = run_new();
    /* Case-insensitive, trimmed, quoted. */
    run_str(r, SPIE_KIND_BENEFICIAIRES, " ID_Beneficiaire ;\tDATE_ENTREE;\"Public\" \nB1;2021-03-05;RSA\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    /* Column order free: the values land in the right fields. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "annee_naissance;public;sexe;date_entree;id_beneficiaire\n1980;TH;F;2021-03-05;B1\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    long i = spie_persons_find(r->ps, "B1", 2);
    assert_true(i >= 0);
    const spie_person *p = spie_persons_at_const(r->ps, (size_t)i);
    assert_int_equal(p->entry, day_of(2021, 3, 5));
    assert_int_equal(p->public_, SPIE_PUBLIC_TH);
    assert_int_equal(p->sex, SPIE_SEX_F);
    assert_int_equal(p->birth_year, 1980);
    /* Unknown columns ignored, listed in the motif of a usable file. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, "id_beneficiaire;commune;date_entree;public;Age_Calc\nB1;Paris;2021-03-05;RSA;33\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_non_null(strstr(r->rep.motif, "commune"));
    assert_non_null(strstr(r->rep.motif, "Age_Calc"));
    /* A required column missing: unusable, the motif names it. */
    static const struct {
        spie_kind kind;
        const char *text;
        const char *col;
    } missing[] = {
        {SPIE_KIND_BENEFICIAIRES, "id_beneficiaire;public;sexe\nB1;RSA;F\n", "date_entree"},
        {SPIE_KIND_BENEFICIAIRES, "date_entree;public\n2021-03-05;RSA\n", "id_beneficiaire"},
        {SPIE_KIND_BENEFICIAIRES, "id_beneficiaire;date_entree;publics\nB1;2021-03-05;RSA\n", "public"},
        {SPIE_KIND_ETAPES, "id_beneficiaire;date_etape;type\nB1;2021-03-05;\n", "etape"},
        {SPIE_KIND_BUDGET, "mois;financeur;montant_engage;departement\n2021-05;ETAT;1;\n", "montant_paye"},
        {SPIE_KIND_BUDGET, "mois;financeur;montant_paye;montant_engage;montant\n2021-05;ETAT;1;1;1\n", NULL},
    };
    for (size_t k = 0; k < SPIE_ARRAY_LEN(missing); k++) {
        spie_persons_clear(r->ps);
        spie_budget_clear(&r->budget);
        run_str(r, missing[k].kind, missing[k].text);
        if (missing[k].col) {
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
            assert_non_null(strstr(r->rep.motif, missing[k].col));
        } else {
            assert_true(r->rep.usable); /* "montant" is only an unknown column */
            assert_int_equal(r->rep.rows_accepted, 1);
        }
    }
    /* A column named twice, required or optional: unusable. */
    static const char *const doubled[] = {
        HB3 ";ID_BENEFICIAIRE\nB1;2021-03-05;RSA;B1\n",
        HB3 ";sexe; Sexe \nB1;2021-03-05;RSA;F;F\n",
        "id_beneficiaire;date_entree;date_entree;public\nB1;2021-03-05;2021-03-05;RSA\n",
    };
    for (size_t k = 0; k < SPIE_ARRAY_LEN(doubled); k++) {
        spie_persons_clear(r->ps);
        run_str(r, SPIE_KIND_BENEFICIAIRES, doubled[k]);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
    }
    /* The type column of etapes and every optional column may be absent. */
    load_base_persons(r);
    run_str(r, SPIE_KIND_ETAPES, "etape;id_beneficiaire;date_etape\nSUIVI;B1;2021-03-06\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    run_str(r, SPIE_KIND_BUDGET, "montant_paye;montant_engage;financeur;mois\n2;1;ETAT;2021-05\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_accepted, 1);
    run_free(r);
}

/* "A column named twice makes the whole file unusable" (docs/format-extraits.md §2) says nothing
 * about the column being one of the spec's: an unknown column named twice is a column
 * named twice. */
static void test_header_unknown_column_twice(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 ";commune;Commune\nB1;2021-03-05;RSA;a;b\n");
    bool usable = r->rep.usable;
    run_free(r);
    assert_false(usable);
}

/* The unknown columns listed in the motif keep their UTF-8 names (note_unknown's own
 * comment says so); only bytes that are not UTF-8 may be replaced. */
static void test_unknown_column_utf8_name(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 ";libell\xC3\xA9_court\nB1;2021-03-05;RSA;x\n");
    assert_true(r->rep.usable);
    assert_true(spie_utf8_valid(r->rep.motif, strlen(r->rep.motif)));
    char motif[sizeof r->rep.motif];
    memcpy(motif, r->rep.motif, sizeof motif);
    run_free(r);
    /* motif is "colonnes inconnues ignorées : libell??_court": note_unknown() replaces every
     * byte >= 0x80 by '?'. */
    assert_non_null(strstr(motif, "libell\xC3\xA9_court"));
}

/* Characters after a closing quote are appended to the field (docs/format-extraits.md §2): a tab
 * stays a tab. "a"<TAB>b is a<TAB>b, the same libellé as the unquoted a<TAB>b: DOUBLON. */
static void test_tab_after_closing_quote(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;1;1;;a\tb\n2021-05;ETAT;1;1;;\"a\"\tb\n");
    uint64_t doublons = r->rep.by_reason[SPIE_R_DOUBLON];
    run_free(r);
    /* Both rows are accepted: the held-back blanks after the closing quote are re-emitted
     * as spaces (emit_held_spaces), so "a"<TAB>b reads as "a b". */
    assert_int_equal(doublons, 1);
}

static void test_windows_1252(void **state)
{
    (void)state;
    run *r = run_new();
    /* é (E9) in an id: transcoded, then invalid as an id; the raw content is UTF-8. */
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\nB\xE9;2021-03-05;RSA\nB\x81;2021-03-05;RSA\nB3;2021-03-05;RSA\n");
    assert_true(r->rep.usable);
    assert_true(r->rep.transcoded);
    assert_int_equal(r->rep.rows_accepted, 1);
    static const xrej want[] = {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {3, SPIE_R_ID_INVALIDE, "id_beneficiaire"},
                                {0, 0, NULL}};
    expect_rejects(r, want, SPIE_ARRAY_LEN(want), "cp1252");
    assert_string_equal(r->sk.r[0].raw, "B\xC3\xA9;2021-03-05;RSA");
    assert_string_equal(r->sk.r[1].raw, "B\xC2\x81;2021-03-05;RSA"); /* undefined byte -> C1 control */
    /* A Windows-1252 libellé is accepted, and flagged. */
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;1;1;;Caf\xE9 cr\xE8me \x80\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_true(r->rep.transcoded);
    /* Valid UTF-8 is not transcoding. */
    spie_budget_clear(&r->budget);
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;1;1;;Caf\xC3\xA9 \xE2\x82\xAC\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_false(r->rep.transcoded);
    /* The same libellé in UTF-8 and in Windows-1252 is one value: DOUBLON. */
    spie_budget_clear(&r->budget);
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;1;1;;Caf\xC3\xA9\n2021-05;ETAT;1;1;;Caf\xE9\n");
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_int_equal(r->rep.by_reason[SPIE_R_DOUBLON], 1);
    run_free(r);
}

/* The raw content of a reject that mixes a Windows-1252 field and a UTF-8 field: each
 * field as it reads (docs/format-extraits.md §2 transcodes a field that is not valid UTF-8, not the
 * line), so the UTF-8 "café" must not become "cafÃ©". */
static void test_reject_raw_mixed_encodings(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 ";commune\nB\xE9;2021-03-05;RSA;Caf\xC3\xA9\n");
    assert_int_equal(r->sk.n, 1);
    char raw[RAW_CAP];
    memcpy(raw, r->sk.r[0].raw, sizeof raw);
    run_free(r);
    /* raw is "B\xC3\xA9;2021-03-05;RSA;Caf\xC3\x83\xC2\xA9": the whole line was taken
     * as Windows-1252 (raw_for_reject in engine/read/extract_reject.c). */
    assert_string_equal(raw, "B\xC3\xA9;2021-03-05;RSA;Caf\xC3\xA9");
}

static void test_utf16_refused(void **state)
{
    (void)state;
    static const char le[] = "\xFF\xFEi\0d\0_\0b\0;\0";
    static const char be[] = "\xFE\xFF\0i\0d\0_\0b\0;";
    char motif[2][sizeof ((spie_file_report *)0)->motif];
    run *r = run_new();
    run_mem(r, SPIE_KIND_BENEFICIAIRES, le, sizeof le - 1);
    assert_false(r->rep.usable);
    memcpy(motif[0], r->rep.motif, sizeof motif[0]);
    run_mem(r, SPIE_KIND_BENEFICIAIRES, be, sizeof be - 1);
    assert_false(r->rep.usable);
    memcpy(motif[1], r->rep.motif, sizeof motif[1]);
    run_free(r);
    /* The file is unusable, but for the wrong reason: feed() compares the bytes held so far
     * with the UTF-8 BOM after each byte, so FF or FE (not EF) leaves the BOM check at the
     * first byte and the "UTF-16" test at the second byte is never reached; the motif then
     * says "colonne obligatoire « id_beneficiaire » absente de l'en-tête". */
    assert_non_null(strstr(motif[0], "UTF-16"));
    assert_non_null(strstr(motif[1], "UTF-16"));
}

static void test_header_only_and_empty(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 0);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3);
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 0);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\n\n\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 0);
    assert_int_equal(r->rep.empty_lines, 2);
    run_mem(r, SPIE_KIND_BENEFICIAIRES, "", 0);
    assert_false(r->rep.usable);
    run_free(r);
}

/* A text of n copies of byte c. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A budget file whose libellé has n bytes. */
static void run_libelle(run *r, size_t n, bool quoted)
{
    char *lib = repeat('x', n);
    size_t cap = n + 200;
    char *t = malloc(cap);
    assert_non_null(t);
    int len = snprintf(t, cap, HG "\n2021-05;ETAT;1;1;;%s%s%s\n2021-05;ETAT;2;2;;y\n", quoted ? "\"" : "", lib,
                       quoted ? "\"" : "");
    spie_budget_clear(&r->budget);
    run_mem(r, SPIE_KIND_BUDGET, t, (size_t)len);
    free(t);
    free(lib);
}

static void test_size_caps(void **state)
{
    (void)state;
    run *r = run_new();
    /* A field of SPIE_FIELD_MAX bytes is fine, one more makes the file unusable. */
    for (int q = 0; q < 2; q++) {
        run_libelle(r, SPIE_FIELD_MAX, q != 0);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 2);
        run_libelle(r, SPIE_FIELD_MAX + 1, q != 0);
        assert_false(r->rep.usable);
        assert_int_equal(r->rep.rows_accepted, 0);
    }
    /* A record over SPIE_RECORD_MAX (fields under the field cap): 40 fields of 30000. */
    for (int over = 0; over < 2; over++) {
        size_t nf = over ? 40 : 34, fl = 30000;
        size_t cap = 200 + nf * 8 + nf * (fl + 1) + 64;
        char *t = malloc(cap);
        assert_non_null(t);
        size_t len = (size_t)snprintf(t, cap, "%s", HG);
        for (size_t k = 0; k < nf; k++)
            len += (size_t)snprintf(t + len, cap - len, ";c%zu", k);
        len += (size_t)snprintf(t + len, cap - len, "\n2021-05;ETAT;1;1;;");
        for (size_t k = 0; k < nf; k++) {
            t[len++] = ';';
            memset(t + len, 'z', fl);
            len += fl;
        }
        t[len++] = '\n';
        assert_true(len < cap);
        spie_budget_clear(&r->budget);
        run_mem(r, SPIE_KIND_BUDGET, t, len);
        assert_true(len - strlen(HG) > (over ? SPIE_RECORD_MAX : 0));
        if (over) {
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
        } else {
            assert_true(len - strlen(HG) < SPIE_RECORD_MAX);
            assert_true(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 1);
        }
        free(t);
    }
    /* The same with quoted fields spanning 4 lines each (the quoted line ends count). */
    for (int over = 0; over < 2; over++) {
        size_t nf = over ? 40 : 34, ql = 7500;
        size_t cap = 200 + nf * 8 + nf * (4 * (ql + 1) + 3) + 64;
        char *t = malloc(cap);
        assert_non_null(t);
        size_t len = (size_t)snprintf(t, cap, "%s", HG);
        for (size_t k = 0; k < nf; k++)
            len += (size_t)snprintf(t + len, cap - len, ";c%zu", k);
        len += (size_t)snprintf(t + len, cap - len, "\n2021-05;ETAT;1;1;;");
        for (size_t k = 0; k < nf; k++) {
            t[len++] = ';';
            t[len++] = '"';
            for (size_t j = 0; j < 4; j++) {
                memset(t + len, 'q', ql);
                len += ql;
                if (j < 3)
                    t[len++] = '\n';
            }
            t[len++] = '"';
        }
        memcpy(t + len, "\n2021-05;ETAT;2;2;;", 19);
        len += 19;
        for (size_t k = 0; k < nf; k++)
            t[len++] = ';';
        t[len++] = '\n';
        assert_true(len < cap);
        spie_budget_clear(&r->budget);
        run_mem(r, SPIE_KIND_BUDGET, t, len);
        if (over) {
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
        } else {
            assert_true(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 2);
            assert_int_equal(r->rep.rows_read, 2);
        }
        free(t);
    }
    /* SPIE_COLUMNS_MAX fields is a row (NB_CHAMPS here); one more makes the file unusable. */
    for (int over = 0; over < 2; over++) {
        size_t seps = SPIE_COLUMNS_MAX - 1 + (size_t)over;
        char *row = repeat(';', seps);
        size_t cap = seps + 100;
        char *t = malloc(cap);
        assert_non_null(t);
        int len = snprintf(t, cap, HB3 "\n%s\nB1;2021-03-05;RSA\n", row);
        spie_persons_clear(r->ps);
        run_mem(r, SPIE_KIND_BENEFICIAIRES, t, (size_t)len);
        if (over) {
            assert_false(r->rep.usable);
            assert_int_equal(r->rep.rows_accepted, 0);
        } else {
            assert_true(r->rep.usable);
            assert_int_equal(r->rep.by_reason[SPIE_R_NB_CHAMPS], 1);
            assert_int_equal(r->rep.rows_accepted, 1);
        }
        /* The same in the header: 3 names and SPIE_COLUMNS_MAX - 3 (+ 1) empty ones. */
        row[SPIE_COLUMNS_MAX - 3 + (size_t)over] = '\0';
        len = snprintf(t, cap, HB3 "%s\nB1;2021-03-05;RSA\n", row);
        spie_persons_clear(r->ps);
        run_mem(r, SPIE_KIND_BENEFICIAIRES, t, (size_t)len);
        assert_true(r->rep.usable == !over);
        free(t);
        free(row);
    }
    run_free(r);
}

/* The raw content of a reject: the record as read, cut at 500 characters. */
static void test_reject_raw(void **state)
{
    (void)state;
    run *r = run_new();
    char *lib = repeat('L', 700);
    size_t cap = 1000;
    char *t = malloc(cap);
    assert_non_null(t);
    int len = snprintf(t, cap, HG "\n2021-13;ETAT;1;1;;%s\n", lib);
    run_mem(r, SPIE_KIND_BUDGET, t, (size_t)len);
    assert_int_equal(r->sk.n, 1);
    assert_int_equal(r->sk.r[0].raw_len, 500);
    assert_memory_equal(r->sk.r[0].raw, "2021-13;ETAT;1;1;;LLL", 21);
    free(t);
    free(lib);
    /* 600 two-byte characters: 500 characters kept, never a cut sequence. */
    size_t n2 = 600 * 2 + 100;
    t = malloc(n2 + 200);
    assert_non_null(t);
    len = snprintf(t, n2 + 200, HG "\n2021-13;ETAT;1;1;;");
    for (int k = 0; k < 600; k++) {
        t[len++] = '\xC3';
        t[len++] = '\xA9';
    }
    t[len++] = '\n';
    run_mem(r, SPIE_KIND_BUDGET, t, (size_t)len);
    assert_int_equal(r->sk.n, 1);
    assert_int_equal(utf8_chars(r->sk.r[0].raw, r->sk.r[0].raw_len), 500);
    assert_int_equal(r->sk.r[0].raw_len, 18 + 482 * 2);
    /* The same in Windows-1252: transcoded, 500 characters. */
    len = snprintf(t, n2 + 200, HG "\n2021-13;ETAT;1;1;;");
    for (int k = 0; k < 600; k++)
        t[len++] = '\xE9';
    t[len++] = '\n';
    run_mem(r, SPIE_KIND_BUDGET, t, (size_t)len);
    assert_int_equal(r->sk.n, 1);
    assert_int_equal(utf8_chars(r->sk.r[0].raw, r->sk.r[0].raw_len), 500);
    free(t);
    run_free(r);
}

/* A sink that fails stops the reading and is told apart from a bad file. */
static void test_sink_failure(void **state)
{
    (void)state;
    run *r = run_new();
    r->sk.fail_after = 1;
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB3 "\nB@;2021-03-05;RSA\nB#;2021-03-05;RSA\nB$;2021-03-05;RSA\n");
    assert_true(r->rep.sink_failed);
    assert_int_equal(r->sk.total, 1);
    assert_false(r->rep.usable);
    run_free(r);
}

/* The reader gets its bytes in chunks of 256 KiB: every byte position of a tricky
 * passage (quotes, CR LF, empty lines, a final line without newline) is put on a chunk
 * boundary in turn, and the result must be the one of the passage read alone. */
static const char TRICKY[] = "\"B1\";2021-03-05;RSA\r\n"
                             "\"B\"\"2\";2021-03-05;RSA\r\n"
                             "\"B3\"x;2021-03-05;RSA\r\n"
                             "B3x;2021-03-05;RSA\r"
                             "B\"4;2021-03-05;RSA\n"
                             "\"B5\";\"2021-03-05\";\"R\r\nSA\"\n"
                             "\r\n"
                             " \t \r\n"
                             ";;\n"
                             "\"B6\" ;2021-03-05;RSA\r\n"
                             "B7;2021-03-05;\"RS\"\"A\"\r\n"
                             "B8;2021-03-05;RSA";

static void test_chunk_boundaries(void **state)
{
    (void)state;
    run *r = run_new();
    /* The passage alone. Lines: 2 B1 ok, 3 B"2 ID_INVALIDE, 4 B3x ok, 5 B3x DOUBLON,
     * 6 B"4 ID_INVALIDE, 7-8 public "R\nSA" CODE_INVALIDE, 9 and 10 empty, 11 ;;
     * CHAMP_MANQUANT, 12 B6 ok, 13 public RS"A CODE_INVALIDE, 14 B8 ok. */
    char ref_text[512];
    int rl = snprintf(ref_text, sizeof ref_text, HB3 "\n%s", TRICKY);
    run_mem(r, SPIE_KIND_BENEFICIAIRES, ref_text, (size_t)rl);
    static const xrej want[] = {{3, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {5, SPIE_R_DOUBLON, ANY_COLUMN},
                                {6, SPIE_R_ID_INVALIDE, "id_beneficiaire"}, {7, SPIE_R_CODE_INVALIDE, "public"},
                                {11, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"}, {13, SPIE_R_CODE_INVALIDE, "public"},
                                {0, 0, NULL}};
    expect_rejects(r, want, SPIE_ARRAY_LEN(want), "tricky passage");
    assert_int_equal(r->rep.rows_accepted, 4);
    assert_int_equal(r->rep.empty_lines, 2);

    const size_t chunk = 256u * 1024u;
    const size_t hl = strlen(HB3) + 1;
    const size_t filler_row = 22; /* "F%05zu;2021-03-05;RSA\n" */
    char *t = malloc(chunk + sizeof TRICKY + 256);
    assert_non_null(t);
    for (size_t j = 0; j <= sizeof TRICKY - 1; j++) {
        /* prefix = header + rows * 21 + (spaces + 1): the passage starts at chunk - j. */
        size_t prefix = chunk - j;
        size_t rows = (prefix - hl - 1) / filler_row;
        size_t spaces = prefix - hl - 1 - rows * filler_row;
        size_t len = 0;
        memcpy(t, HB3 "\n", hl);
        len = hl;
        for (size_t k = 0; k < rows; k++)
            len += (size_t)sprintf(t + len, "F%05zu;2021-03-05;RSA\n", k);
        memset(t + len, ' ', spaces);
        len += spaces;
        t[len++] = '\n';
        assert_int_equal(len, prefix);
        memcpy(t + len, TRICKY, sizeof TRICKY - 1);
        len += sizeof TRICKY - 1;
        spie_persons_clear(r->ps);
        run_mem(r, SPIE_KIND_BENEFICIAIRES, t, len);
        assert_true(r->rep.usable);
        assert_int_equal(r->rep.rows_read, rows + 10);
        assert_int_equal(r->rep.rows_accepted, rows + 4);
        assert_int_equal(r->rep.empty_lines, 3);
        xrej shifted[SPIE_ARRAY_LEN(want)];
        for (size_t k = 0; k < SPIE_ARRAY_LEN(want); k++) {
            shifted[k] = want[k];
            if (want[k].line)
                shifted[k].line = want[k].line + (unsigned)rows + 1;
        }
        expect_rejects(r, shifted, SPIE_ARRAY_LEN(shifted), "chunk boundary");
        assert_true(spie_persons_find(r->ps, "B3x", 3) >= 0);
        assert_true(spie_persons_find(r->ps, "B6", 2) >= 0);
        assert_true(spie_persons_find(r->ps, "B8", 2) >= 0);
    }
    free(t);
    run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_PATHS(test_bom),
        BOTH_PATHS(test_separator_detection),
        BOTH_PATHS(test_line_endings),
        BOTH_PATHS(test_empty_lines),
        BOTH_PATHS(test_separator_only_rows),
        BOTH_PATHS(test_quoted_fields),
        BOTH_PATHS(test_quote_rules),
        BOTH_PATHS(test_open_quote_at_end),
        BOTH_PATHS(test_header_matching),
        BOTH_PATHS(test_header_unknown_column_twice),
        BOTH_PATHS(test_unknown_column_utf8_name),
        BOTH_PATHS(test_tab_after_closing_quote),
        BOTH_PATHS(test_windows_1252),
        BOTH_PATHS(test_reject_raw_mixed_encodings),
        BOTH_PATHS(test_utf16_refused),
        BOTH_PATHS(test_header_only_and_empty),
        BOTH_PATHS(test_size_caps),
        BOTH_PATHS(test_reject_raw),
        BOTH_PATHS(test_sink_failure),
        BOTH_PATHS(test_chunk_boundaries),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    spie_extract_scratch_free(g_scratch);
    return failed;
}
