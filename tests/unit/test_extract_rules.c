/* Tests of the row rules of the reading layer (spie/extract.h) against
 * docs/format-extraits.md §3-§6 and docs/sorties.md §5: the reason codes, and for each
 * kind (beneficiaires, etapes, budget) every reason, the order of the rules, the column
 * and the physical line reported, the values kept, and the reconciliation rows read =
 * accepted + rejected on every input.
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

/* ---------------------------------------------------------------- reason codes */

static void test_reason_codes_and_labels(void **state)
{
    (void)state;
    /* docs/format-extraits.md §6, in the order of its table. */
    static const char *const want[SPIE_R_COUNT][2] = {
        {"NB_CHAMPS", "nombre de champs incorrect"},
        {"CHAMP_MANQUANT", "champ obligatoire vide"},
        {"ID_INVALIDE", "identifiant invalide"},
        {"DATE_INVALIDE", "date ou mois invalide"},
        {"CODE_INVALIDE", "code inconnu (public, étape, type, financeur, sexe)"},
        {"MONTANT_INVALIDE", "montant invalide"},
        {"DEPT_INCOHERENT", "département différent de celui du fichier"},
        {"DATE_FUTURE", "date postérieure à la fin de la période traitée"},
        {"DATE_HORS_PROGRAMME", "date antérieure au 1er janvier 2020"},
        {"ANNEE_NAISSANCE", "année de naissance invraisemblable"},
        {"DOUBLON", "ligne en double"},
        {"BENEFICIAIRE_INCONNU", "bénéficiaire absent du fichier beneficiaires"},
        {"ETAPE_AVANT_ENTREE", "étape datée avant l'entrée du bénéficiaire"},
        {"TYPE_MANQUANT", "type obligatoire absent (REPRISE)"},
    };
    for (int k = 0; k < SPIE_R_COUNT; k++) {
        assert_string_equal(spie_reason_code((spie_reason)k), want[k][0]);
        assert_string_equal(spie_reason_label((spie_reason)k), want[k][1]);
    }
    assert_string_equal(spie_financer_codes[SPIE_FIN_FRANCE_TRAVAIL], "FRANCE_TRAVAIL");
}

/* ---------------------------------------------------------------- beneficiaires */

#define HB "id_beneficiaire;date_entree;public;sexe;annee_naissance;departement"
#define ID64 "a123456789b123456789c123456789d123456789e123456789f123456789g123"
#define ID65 ID64 "4"

static const rcase benef_cases[] = {
    {"accepted, all columns", "B1;2021-03-05;RSA;F;1980;31\n", 1, {{0, 0, NULL}}, NULL},
    {"accepted, optional empty, codes any case", "B1;05/03/2021;rsa;m;;\n", 1, {{0, 0, NULL}}, NULL},
    {"accepted, fields trimmed", "  B1 ;\t2021-03-05 ; RSA ; F ; 1980 ; 31 \n", 1, {{0, 0, NULL}}, NULL},
    {"id of 64 characters", ID64 ";2021-03-05;DE;;;\n", 1, {{0, 0, NULL}}, NULL},
    {"id of every allowed character", "aZ09_-.;2021-03-05;TH;;;\n", 1, {{0, 0, NULL}}, NULL},
    {"NB_CHAMPS short", "B1;2021-03-05;RSA\n", 0, {{2, SPIE_R_NB_CHAMPS, NULL}}, NULL},
    {"NB_CHAMPS long", "B1;2021-03-05;RSA;F;1980;31;x\n", 0, {{2, SPIE_R_NB_CHAMPS, NULL}}, NULL},
    {"NB_CHAMPS first", "B@;2021-02-30;XX;Z\n", 0, {{2, SPIE_R_NB_CHAMPS, NULL}}, NULL},
    {"CHAMP_MANQUANT id", ";2021-03-05;RSA;;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"}}, NULL},
    {"CHAMP_MANQUANT date of spaces", "B1;   ;RSA;;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "date_entree"}}, NULL},
    {"CHAMP_MANQUANT public quoted empty", "B1;2021-03-05;\"\";;;\n", 0,
     {{2, SPIE_R_CHAMP_MANQUANT, "public"}}, NULL},
    {"CHAMP_MANQUANT public quoted spaces", "B1;2021-03-05;\"  \";;;\n", 0,
     {{2, SPIE_R_CHAMP_MANQUANT, "public"}}, NULL},
    {"CHAMP_MANQUANT before ID_INVALIDE", "B@;;RSA;;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "date_entree"}}, NULL},
    {"separators only", ";;;;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"}}, NULL},
    {"ID_INVALIDE character", "B@1;2021-03-05;RSA;;;\n", 0, {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"ID_INVALIDE inner space", "B 1;2021-03-05;RSA;;;\n", 0, {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"ID_INVALIDE 65 characters", ID65 ";2021-03-05;RSA;;;\n", 0,
     {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"ID_INVALIDE UTF-8 letter", "B\xC3\xA9;2021-03-05;RSA;;;\n", 0,
     {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"ID_INVALIDE before DATE_INVALIDE", "B#1;2021-02-30;RSA;;;\n", 0,
     {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"DATE_INVALIDE 30 February", "B1;2021-02-30;RSA;;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"DATE_INVALIDE 29/02 of a common year", "B1;29/02/2021;RSA;;;\n", 0,
     {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"29/02 of a leap year", "B1;29/02/2020;RSA;;;\n", 1, {{0, 0, NULL}}, NULL},
    {"DATE_INVALIDE one-digit day and month", "B1;5/3/2021;RSA;;;\n", 0,
     {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"DATE_INVALIDE 2021-3-5", "B1;2021-3-5;RSA;;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"DATE_INVALIDE two-digit year", "B1;05/03/21;RSA;;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"DATE_INVALIDE slashes ISO order", "B1;2021/03/05;RSA;;;\n", 0,
     {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"DATE_INVALIDE before CODE_INVALIDE", "B1;2021-02-30;XX;;;\n", 0,
     {{2, SPIE_R_DATE_INVALIDE, "date_entree"}}, NULL},
    {"CODE_INVALIDE public", "B1;2021-03-05;RSAX;;;\n", 0, {{2, SPIE_R_CODE_INVALIDE, "public"}}, NULL},
    {"CODE_INVALIDE sexe", "B1;2021-03-05;RSA;X;;\n", 0, {{2, SPIE_R_CODE_INVALIDE, "sexe"}}, NULL},
    {"CODE_INVALIDE before DEPT_INCOHERENT", "B1;2021-03-05;XX;;;32\n", 0,
     {{2, SPIE_R_CODE_INVALIDE, "public"}}, NULL},
    {"DEPT_INCOHERENT", "B1;2021-03-05;RSA;;;32\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, NULL},
    {"DEPT_INCOHERENT 031", "B1;2021-03-05;RSA;;;031\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, NULL},
    {"DEPT_INCOHERENT before DATE_FUTURE", "B1;2021-07-01;RSA;;;32\n", 0,
     {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, NULL},
    {"DATE_FUTURE", "B1;2021-07-01;RSA;;;\n", 0, {{2, SPIE_R_DATE_FUTURE, "date_entree"}}, NULL},
    {"last day of P accepted", "B1;30/06/2021;RSA;;;\n", 1, {{0, 0, NULL}}, NULL},
    {"DATE_FUTURE before ANNEE_NAISSANCE", "B1;2021-07-01;RSA;;1800;\n", 0,
     {{2, SPIE_R_DATE_FUTURE, "date_entree"}}, NULL},
    {"DATE_HORS_PROGRAMME", "B1;2019-12-31;RSA;;;\n", 0, {{2, SPIE_R_DATE_HORS_PROGRAMME, "date_entree"}}, NULL},
    {"2020-01-01 accepted", "B1;01/01/2020;RSA;;;\n", 1, {{0, 0, NULL}}, NULL},
    {"DATE_HORS_PROGRAMME before ANNEE_NAISSANCE", "B1;2019-12-31;RSA;;1800;\n", 0,
     {{2, SPIE_R_DATE_HORS_PROGRAMME, "date_entree"}}, NULL},
    {"ANNEE_NAISSANCE 1899", "B1;2021-03-05;RSA;;1899;\n", 0, {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"annee 1900 accepted", "B1;2021-03-05;RSA;;1900;\n", 1, {{0, 0, NULL}}, NULL},
    {"annee = year(entry) - 14 accepted", "B1;2021-03-05;RSA;;2007;\n", 1, {{0, 0, NULL}}, NULL},
    {"annee = year(entry) - 14, entry in 2020", "B1;2020-12-31;RSA;;2006;\n", 1, {{0, 0, NULL}}, NULL},
    {"ANNEE_NAISSANCE year(entry) - 13", "B1;2021-03-05;RSA;;2008;\n", 0,
     {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"ANNEE_NAISSANCE year(entry) - 13, entry in 2020", "B1;2020-12-31;RSA;;2007;\n", 0,
     {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"ANNEE_NAISSANCE 19a0", "B1;2021-03-05;RSA;;19a0;\n", 0, {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"ANNEE_NAISSANCE two digits", "B1;2021-03-05;RSA;;80;\n", 0,
     {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"ANNEE_NAISSANCE five digits", "B1;2021-03-05;RSA;;01980;\n", 0,
     {{2, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"ANNEE_NAISSANCE before DOUBLON", "B1;2021-03-05;RSA;;;\nB1;2021-03-05;RSA;;1899;\n", 1,
     {{3, SPIE_R_ANNEE_NAISSANCE, "annee_naissance"}}, NULL},
    {"DOUBLON on the id", "B1;2021-03-05;RSA;;;\nB1;2021-04-01;DE;M;1990;\n", 1, {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"DOUBLON on the trimmed id", "B1;2021-03-05;RSA;;;\n \"B1\" ;2021-03-05;RSA;;;\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"a future date in a DOUBLON row is DATE_FUTURE", "B1;2021-03-05;RSA;;;\nB1;2021-07-01;RSA;;;\n", 1,
     {{3, SPIE_R_DATE_FUTURE, "date_entree"}}, NULL},
    {"a duplicate of a rejected row is not a DOUBLON",
     "B1;2021-02-30;RSA;;;\nB1;2021-03-05;RSA;;;\nB1;2021-03-05;RSA;;;\n", 1,
     {{2, SPIE_R_DATE_INVALIDE, "date_entree"}, {4, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"ids are case-sensitive", "B1;2021-03-05;RSA;;;\nb1;2021-03-05;RSA;;;\n", 2, {{0, 0, NULL}}, NULL},
    {"departement 2a in a 2A file", "B1;2021-03-05;RSA;;;2a\n", 1, {{0, 0, NULL}}, "2A"},
    {"departement 2B in a 2A file", "B1;2021-03-05;RSA;;;2B\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, "2A"},
    {"departement 1 in a 01 file", "B1;2021-03-05;RSA;;;1\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, "01"},
    {"departement 01 in a 01 file", "B1;2021-03-05;RSA;;;01\n", 1, {{0, 0, NULL}}, "01"},
    {"departement 971", "B1;2021-03-05;RSA;;;971\n", 1, {{0, 0, NULL}}, "971"},
};

static void test_benef_rules(void **state)
{
    (void)state;
    run_cases(SPIE_KIND_BENEFICIAIRES, HB, benef_cases, SPIE_ARRAY_LEN(benef_cases), false);
}

/* The accepted row's values reach the person store. */
static void test_benef_values(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_BENEFICIAIRES,
            HB "\nB1;05/03/2021;jeune;f;1999;31\nB2;2021-04-01;TH;;;\nB3;2021-04-02;de;M;;\n");
    assert_int_equal(r->rep.rows_accepted, 3);
    assert_int_equal(spie_persons_count(r->ps), 3);
    long i = spie_persons_find(r->ps, "B1", 2);
    assert_true(i >= 0);
    const spie_person *p = spie_persons_at_const(r->ps, (size_t)i);
    assert_int_equal(p->entry, day_of(2021, 3, 5));
    assert_int_equal(p->public_, SPIE_PUBLIC_JEUNE);
    assert_int_equal(p->sex, SPIE_SEX_F);
    assert_int_equal(p->birth_year, 1999);
    for (int s = 0; s < SPIE_STEP_COUNT; s++)
        assert_int_equal(p->first[s], SPIE_NO_DAY);
    i = spie_persons_find(r->ps, "B2", 2);
    assert_true(i >= 0);
    p = spie_persons_at_const(r->ps, (size_t)i);
    assert_int_equal(p->sex, SPIE_SEX_UNKNOWN);
    assert_int_equal(p->birth_year, 0);
    assert_int_equal(p->public_, SPIE_PUBLIC_TH);
    i = spie_persons_find(r->ps, "B3", 2);
    assert_true(i >= 0);
    p = spie_persons_at_const(r->ps, (size_t)i);
    assert_int_equal(p->sex, SPIE_SEX_M);
    assert_int_equal(p->public_, SPIE_PUBLIC_DE);
    /* A rejected row leaves no person behind. */
    spie_persons_clear(r->ps);
    run_str(r, SPIE_KIND_BENEFICIAIRES, HB "\nB1;2021-07-01;RSA;;;\nB2;2021-03-05;RSA;;1899;\n");
    assert_int_equal(r->rep.rows_accepted, 0);
    assert_int_equal(spie_persons_count(r->ps), 0);
    run_free(r);
}

/* DATE_FUTURE follows P: the same row is future for P = 2021-06 and accepted for 2021-07. */
static void test_period_bound(void **state)
{
    (void)state;
    run *r = run_new();
    static const char t[] = HB "\nB1;2021-07-31;RSA;;;\nB2;2021-08-01;RSA;;;\n";
    run_mem_p(r, SPIE_KIND_BENEFICIAIRES, "31", M(2021, 7), t, sizeof t - 1);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_int_equal(r->rep.by_reason[SPIE_R_DATE_FUTURE], 1);
    assert_int_equal(r->sk.r[0].line, 3);
    spie_persons_clear(r->ps);
    /* P = 2020-02, a leap February: D = 2020-02-29. */
    static const char t2[] = HB "\nB1;2020-02-29;RSA;;;\nB2;2020-03-01;RSA;;;\n";
    run_mem_p(r, SPIE_KIND_BENEFICIAIRES, "31", M(2020, 2), t2, sizeof t2 - 1);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_int_equal(r->rep.by_reason[SPIE_R_DATE_FUTURE], 1);
    run_free(r);
}

/* ---------------------------------------------------------------- etapes */

#define HE "id_beneficiaire;etape;date_etape;type"

static const rcase etapes_cases[] = {
    {"accepted typed", "B1;ORIENTATION;2021-03-06;SOCIALE\n", 1, {{0, 0, NULL}}, NULL},
    {"accepted optional type empty", "B1;SOLUTION;2021-03-06;\n", 1, {{0, 0, NULL}}, NULL},
    {"codes any case", "B1;reprise;06/03/2021;emploi_durable\n", 1, {{0, 0, NULL}}, NULL},
    {"every step", "B1;ORIENTATION;2021-03-05;\nB1;DIAGNOSTIC;2021-03-06;\nB1;CONTRAT;2021-03-07;\n"
                   "B1;SOLUTION;2021-03-08;GARDE_ENFANTS\nB1;REPRISE;2021-03-09;CREATION_ENTREPRISE\n"
                   "B1;SUIVI;2021-03-10;\nB1;SORTIE;2021-03-11;FIN_DROITS\n", 7, {{0, 0, NULL}}, NULL},
    {"NB_CHAMPS", "B1;ORIENTATION;2021-03-06\n", 0, {{2, SPIE_R_NB_CHAMPS, NULL}}, NULL},
    {"CHAMP_MANQUANT id", ";ORIENTATION;2021-03-06;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "id_beneficiaire"}}, NULL},
    {"CHAMP_MANQUANT etape", "B1;;2021-03-06;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "etape"}}, NULL},
    {"CHAMP_MANQUANT date", "B1;ORIENTATION; ;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "date_etape"}}, NULL},
    {"ID_INVALIDE before DATE_INVALIDE", "B#;FOO;2021-02-30;\n", 0, {{2, SPIE_R_ID_INVALIDE, "id_beneficiaire"}}, NULL},
    {"DATE_INVALIDE before CODE_INVALIDE", "B1;FOO;2021-02-30;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "date_etape"}}, NULL},
    {"CODE_INVALIDE etape", "B1;FOO;2021-03-06;\n", 0, {{2, SPIE_R_CODE_INVALIDE, "etape"}}, NULL},
    {"CODE_INVALIDE type of another step", "B1;ORIENTATION;2021-03-06;FORMATION\n", 0,
     {{2, SPIE_R_CODE_INVALIDE, "type"}}, NULL},
    {"CODE_INVALIDE type on a step without types", "B1;DIAGNOSTIC;2021-03-06;SOCIALE\n", 0,
     {{2, SPIE_R_CODE_INVALIDE, "type"}}, NULL},
    {"CODE_INVALIDE type of REPRISE", "B1;REPRISE;2021-03-06;EMPLOI\n", 0, {{2, SPIE_R_CODE_INVALIDE, "type"}}, NULL},
    {"CODE_INVALIDE before DATE_FUTURE", "B1;FOO;2021-07-01;\n", 0, {{2, SPIE_R_CODE_INVALIDE, "etape"}}, NULL},
    {"DATE_FUTURE", "B1;ORIENTATION;2021-07-01;\n", 0, {{2, SPIE_R_DATE_FUTURE, "date_etape"}}, NULL},
    {"DATE_FUTURE before BENEFICIAIRE_INCONNU", "B9;ORIENTATION;2021-07-01;\n", 0,
     {{2, SPIE_R_DATE_FUTURE, "date_etape"}}, NULL},
    {"DATE_FUTURE before TYPE_MANQUANT", "B1;REPRISE;2021-07-01;\n", 0, {{2, SPIE_R_DATE_FUTURE, "date_etape"}}, NULL},
    {"DATE_HORS_PROGRAMME", "B1;ORIENTATION;2019-12-31;\n", 0, {{2, SPIE_R_DATE_HORS_PROGRAMME, "date_etape"}}, NULL},
    {"DATE_HORS_PROGRAMME before BENEFICIAIRE_INCONNU", "B9;ORIENTATION;31/12/2019;\n", 0,
     {{2, SPIE_R_DATE_HORS_PROGRAMME, "date_etape"}}, NULL},
    {"BENEFICIAIRE_INCONNU", "B9;ORIENTATION;2021-03-06;\n", 0,
     {{2, SPIE_R_BENEFICIAIRE_INCONNU, "id_beneficiaire"}}, NULL},
    {"BENEFICIAIRE_INCONNU ids case-sensitive", "b1;ORIENTATION;2021-03-06;\n", 0,
     {{2, SPIE_R_BENEFICIAIRE_INCONNU, "id_beneficiaire"}}, NULL},
    {"BENEFICIAIRE_INCONNU before TYPE_MANQUANT", "B9;REPRISE;2021-03-06;\n", 0,
     {{2, SPIE_R_BENEFICIAIRE_INCONNU, "id_beneficiaire"}}, NULL},
    {"ETAPE_AVANT_ENTREE", "B1;ORIENTATION;2021-03-04;\n", 0, {{2, SPIE_R_ETAPE_AVANT_ENTREE, "date_etape"}}, NULL},
    {"step on the entry day accepted", "B1;ORIENTATION;05/03/2021;\n", 1, {{0, 0, NULL}}, NULL},
    {"ETAPE_AVANT_ENTREE before TYPE_MANQUANT", "B1;REPRISE;2021-03-04;\n", 0,
     {{2, SPIE_R_ETAPE_AVANT_ENTREE, "date_etape"}}, NULL},
    {"TYPE_MANQUANT, type column empty", "B1;REPRISE;2021-03-06;\n", 0, {{2, SPIE_R_TYPE_MANQUANT, "type"}}, NULL},
    {"TYPE_MANQUANT, type of spaces", "B1;REPRISE;2021-03-06;  \n", 0, {{2, SPIE_R_TYPE_MANQUANT, "type"}}, NULL},
    {"DOUBLON: a date written two ways, suivi = SUIVI", "B1;SUIVI;2021-03-06;\nB1;suivi;06/03/2021;\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"DOUBLON with a type", "B1;REPRISE;2021-03-06;EMPLOI_DURABLE\nB1;REPRISE;2021-03-06; emploi_durable\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"not a DOUBLON: other type, or none", "B1;SOLUTION;2021-03-06;FORMATION\nB1;SOLUTION;2021-03-06;IMMERSION\n"
                                           "B1;SOLUTION;2021-03-06;\n", 3, {{0, 0, NULL}}, NULL},
    {"not a DOUBLON: other step, other date, other person",
     "B2;SUIVI;2021-06-20;\nB2;SORTIE;2021-06-20;\nB2;SUIVI;2021-06-21;\nB1;SUIVI;2021-06-20;\n", 4,
     {{0, 0, NULL}}, NULL},
    {"a duplicate of a rejected row is not a DOUBLON", "B1;REPRISE;2021-03-06;\nB1;REPRISE;2021-03-06;\n", 0,
     {{2, SPIE_R_TYPE_MANQUANT, "type"}, {3, SPIE_R_TYPE_MANQUANT, "type"}}, NULL},
};

static void test_etapes_rules(void **state)
{
    (void)state;
    run_cases(SPIE_KIND_ETAPES, HE, etapes_cases, SPIE_ARRAY_LEN(etapes_cases), true);
}

/* The type column absent: every REPRISE is TYPE_MANQUANT (docs/format-extraits.md §4); the others
 * are accepted. */
static void test_etapes_type_column_absent(void **state)
{
    (void)state;
    run *r = run_new();
    load_base_persons(r);
    run_str(r, SPIE_KIND_ETAPES,
            "id_beneficiaire;etape;date_etape\nB1;REPRISE;2021-03-06\nB1;SORTIE;2021-03-07\n"
            "B1;SOLUTION;2021-03-07\nB1;reprise;2021-04-01\n");
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, 4);
    assert_int_equal(r->rep.rows_accepted, 2);
    static const xrej want[] = {{2, SPIE_R_TYPE_MANQUANT, "type"}, {5, SPIE_R_TYPE_MANQUANT, "type"}, {0, 0, NULL}};
    expect_rejects(r, want, SPIE_ARRAY_LEN(want), "type column absent");
    run_free(r);
}

/* Accepted steps reach the person: the first day of each step and the type rules. */
static void test_etapes_values(void **state)
{
    (void)state;
    run *r = run_new();
    load_base_persons(r);
    run_str(r, SPIE_KIND_ETAPES,
            HE "\nB1;ORIENTATION;2021-04-01;\nB1;ORIENTATION;2021-03-20;SOCIALE\n"
               "B1;REPRISE;2021-05-10;EMPLOI_TEMPORAIRE\nB1;REPRISE;2021-05-10;FORMATION_QUALIFIANTE\n"
               "B1;REPRISE;2021-06-01;EMPLOI_DURABLE\nB1;SOLUTION;2021-04-02;LOGEMENT\nB1;SOLUTION;2021-04-03;SANTE\n"
               "B1;SORTIE;2021-06-02;\nB1;SORTIE;2021-06-02;ABANDON\n");
    assert_int_equal(r->rep.rows_accepted, 9);
    long i = spie_persons_find(r->ps, "B1", 2);
    assert_true(i >= 0);
    const spie_person *p = spie_persons_at_const(r->ps, (size_t)i);
    assert_int_equal(p->first[SPIE_STEP_ORIENTATION], day_of(2021, 3, 20));
    assert_int_equal(p->first[SPIE_STEP_REPRISE], day_of(2021, 5, 10));
    assert_int_equal(p->reprise_type, 1); /* EMPLOI_TEMPORAIRE listed before FORMATION_QUALIFIANTE */
    assert_int_equal(p->first_durable, day_of(2021, 6, 1));
    assert_int_equal(p->solution_types, (1u << 4) | (1u << 5)); /* LOGEMENT, SANTE */
    assert_int_equal(p->first[SPIE_STEP_SORTIE], day_of(2021, 6, 2));
    assert_int_equal(p->sortie_type, 2); /* ABANDON: typed beats untyped */
    assert_int_equal(p->first[SPIE_STEP_DIAGNOSTIC], SPIE_NO_DAY);
    /* B2 untouched. */
    i = spie_persons_find(r->ps, "B2", 2);
    assert_true(i >= 0);
    assert_int_equal(spie_persons_at_const(r->ps, (size_t)i)->first[SPIE_STEP_ORIENTATION], SPIE_NO_DAY);
    run_free(r);
}

/* Rows that need their person wait in a ring of 32 before they are judged (extract_ring.c,
 * "rows in flight"). 100 rows mix rejects decided at once (ID_INVALIDE) and rejects
 * decided later (BENEFICIAIRE_INCONNU, DOUBLON, ETAPE_AVANT_ENTREE, TYPE_MANQUANT) at
 * distances shorter and longer than the ring: the rejects must come in line order with
 * their own line, and a sink failing at the k-th reject must leave rows_read at that
 * row, as a row-by-row reading does (the rows after a failure are not read). */
#define FLIGHT_ROWS 100

static spie_reason flight_row(int i, char *line, size_t cap, int *col)
{
    spie_day d0 = day_of(2021, 3, 10);
    int y, m, d;
    spie_day_to_ymd(d0 + i, &y, &m, &d);
    spie_reason why = SPIE_R_COUNT; /* accepted */
    if (i % 7 == 3) {
        snprintf(line, cap, "X%d;ORIENTATION;%04d-%02d-%02d;", i, y, m, d);
        why = SPIE_R_BENEFICIAIRE_INCONNU, *col = 0;
    } else if (i % 11 == 5) {
        snprintf(line, cap, "B@;ORIENTATION;%04d-%02d-%02d;", y, m, d);
        why = SPIE_R_ID_INVALIDE, *col = 0;
    } else if (i % 13 == 8) {
        snprintf(line, cap, "B2;DIAGNOSTIC;2021-04-%02d;", 1 + i % 28); /* B2 enters on 2021-06-15 */
        why = SPIE_R_ETAPE_AVANT_ENTREE, *col = 2;
    } else if (i % 17 == 9) {
        snprintf(line, cap, "B1;SUIVI;2021-03-10;"); /* row 0 again */
        why = SPIE_R_DOUBLON, *col = 0;
    } else if (i % 19 == 12) {
        snprintf(line, cap, "B1;REPRISE;%04d-%02d-%02d;", y, m, d);
        why = SPIE_R_TYPE_MANQUANT, *col = 3;
    } else {
        snprintf(line, cap, "B1;SUIVI;%04d-%02d-%02d;", y, m, d);
    }
    return why;
}

static void test_etapes_rows_in_flight(void **state)
{
    (void)state;
    static const char *const colname[] = {"id_beneficiaire", "etape", "date_etape", "type"};
    char *text = malloc(64 * (FLIGHT_ROWS + 1));
    assert_non_null(text);
    size_t len = (size_t)sprintf(text, "%s\n", HE);
    int reject_row[FLIGHT_ROWS], nrej = 0, accepted = 0;
    spie_reason reason[FLIGHT_ROWS];
    int col[FLIGHT_ROWS];
    for (int i = 0; i < FLIGHT_ROWS; i++) {
        char line[64];
        reason[i] = flight_row(i, line, sizeof line, &col[i]);
        len += (size_t)sprintf(text + len, "%s\n", line);
        if (reason[i] == SPIE_R_COUNT)
            accepted++;
        else
            reject_row[nrej++] = i;
    }
    assert_true(nrej > 20 && nrej < MAX_REJ);
    run *r = run_new();
    load_base_persons(r);
    run_mem(r, SPIE_KIND_ETAPES, text, len);
    assert_true(r->rep.usable);
    assert_int_equal(r->rep.rows_read, FLIGHT_ROWS);
    assert_int_equal(r->rep.rows_accepted, accepted);
    assert_int_equal(r->sk.n, nrej);
    for (int k = 0; k < nrej; k++) {
        int i = reject_row[k];
        const got_rej *g = &r->sk.r[k];
        assert_int_equal(g->line, i + 2);
        assert_int_equal(g->reason, reason[i]);
        assert_string_equal(g->column, colname[col[i]]);
        char line[64];
        int unused;
        flight_row(i, line, sizeof line, &unused);
        assert_string_equal(g->raw, line); /* its own bytes, not those of a later row */
    }
    for (int k = 1; k <= nrej; k++) {
        load_base_persons(r);
        r->sk.fail_after = k;
        run_mem(r, SPIE_KIND_ETAPES, text, len);
        r->sk.fail_after = 0;
        assert_false(r->rep.usable);
        assert_true(r->rep.sink_failed);
        assert_int_equal(r->sk.total, k);
        assert_int_equal(r->rep.rows_read, reject_row[k - 1] + 1);
        assert_int_equal(r->rep.rows_rejected, k);
    }
    run_free(r);
    free(text);
}

/* An empty person store (unusable beneficiaires, docs/methodologie.md §9): every row is
 * BENEFICIAIRE_INCONNU, whatever else it would be after that rule. */
static void test_etapes_without_persons(void **state)
{
    (void)state;
    run *r = run_new();
    run_str(r, SPIE_KIND_ETAPES, HE "\nB1;ORIENTATION;2021-03-06;\nB1;ORIENTATION;2021-03-06;\nB2;REPRISE;2021-06-16;\n");
    assert_int_equal(r->rep.rows_accepted, 0);
    assert_int_equal(r->rep.rows_rejected, 3);
    assert_int_equal(r->rep.by_reason[SPIE_R_BENEFICIAIRE_INCONNU], 3);
    run_free(r);
}

/* ---------------------------------------------------------------- budget */

static const rcase budget_cases[] = {
    {"accepted", "2021-05;ETAT;1 234,50;1234.5;31;Convention\n", 1, {{0, 0, NULL}}, NULL},
    {"MM/YYYY, codes any case, negative", "05/2021;caf;-250,00;-1;;\n", 1, {{0, 0, NULL}}, NULL},
    {"every financer", "2021-05;ETAT;1;1;;\n2021-05;DEPARTEMENT;1;1;;\n2021-05;FRANCE_TRAVAIL;1;1;;\n"
                       "2021-05;CAF;1;1;;\n2021-05;AUTRE;1;1;;\n", 5, {{0, 0, NULL}}, NULL},
    {"a libelle that looks like a formula", "2021-05;ETAT;1;1;;=HYPERLINK(\"http://x\")\n", 1, {{0, 0, NULL}}, NULL},
    {"NB_CHAMPS", "2021-05;ETAT;1;1\n", 0, {{2, SPIE_R_NB_CHAMPS, NULL}}, NULL},
    {"CHAMP_MANQUANT mois", ";ETAT;1;1;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "mois"}}, NULL},
    {"CHAMP_MANQUANT financeur", "2021-05;;1;1;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "financeur"}}, NULL},
    {"CHAMP_MANQUANT montant_engage", "2021-05;ETAT;;1;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "montant_engage"}}, NULL},
    {"CHAMP_MANQUANT montant_paye", "2021-05;ETAT;1; ;;\n", 0, {{2, SPIE_R_CHAMP_MANQUANT, "montant_paye"}}, NULL},
    {"CHAMP_MANQUANT before DATE_INVALIDE", "2021-13;ETAT;;1;;\n", 0,
     {{2, SPIE_R_CHAMP_MANQUANT, "montant_engage"}}, NULL},
    {"DATE_INVALIDE month 13", "2021-13;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "mois"}}, NULL},
    {"DATE_INVALIDE one-digit month", "2021-5;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "mois"}}, NULL},
    {"DATE_INVALIDE a date", "2021-05-01;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "mois"}}, NULL},
    {"DATE_INVALIDE 5/2021", "5/2021;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "mois"}}, NULL},
    {"DATE_INVALIDE before CODE_INVALIDE", "2021-13;REGION;1;1;;\n", 0, {{2, SPIE_R_DATE_INVALIDE, "mois"}}, NULL},
    {"CODE_INVALIDE financeur", "2021-05;REGION;1;1;;\n", 0, {{2, SPIE_R_CODE_INVALIDE, "financeur"}}, NULL},
    {"CODE_INVALIDE before MONTANT_INVALIDE", "2021-05;REGION;1e3;1;;\n", 0,
     {{2, SPIE_R_CODE_INVALIDE, "financeur"}}, NULL},
    {"MONTANT_INVALIDE exponent", "2021-05;ETAT;1e3;1;;\n", 0, {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE plus sign", "2021-05;ETAT;+5;1;;\n", 0, {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE NaN", "2021-05;ETAT;NaN;1;;\n", 0, {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE three decimals", "2021-05;ETAT;\"12,345\";1;;\n", 0,
     {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE no digit before the separator", "2021-05;ETAT;,5;1;;\n", 0,
     {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE paye", "2021-05;ETAT;1;abc;;\n", 0, {{2, SPIE_R_MONTANT_INVALIDE, "montant_paye"}}, NULL},
    {"MONTANT_INVALIDE engage before paye", "2021-05;ETAT;x;y;;\n", 0,
     {{2, SPIE_R_MONTANT_INVALIDE, "montant_engage"}}, NULL},
    {"MONTANT_INVALIDE before DEPT_INCOHERENT", "2021-05;ETAT;1;y;32;\n", 0,
     {{2, SPIE_R_MONTANT_INVALIDE, "montant_paye"}}, NULL},
    {"DEPT_INCOHERENT", "2021-05;ETAT;1;1;32;\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, NULL},
    {"DEPT_INCOHERENT before DATE_FUTURE", "2021-07;ETAT;1;1;32;\n", 0,
     {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, NULL},
    {"DATE_FUTURE", "2021-07;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_FUTURE, "mois"}}, NULL},
    {"the month of P accepted", "06/2021;ETAT;1;1;;\n", 1, {{0, 0, NULL}}, NULL},
    {"DATE_HORS_PROGRAMME", "2019-12;ETAT;1;1;;\n", 0, {{2, SPIE_R_DATE_HORS_PROGRAMME, "mois"}}, NULL},
    {"2020-01 accepted", "2020-01;ETAT;1;1;;\n", 1, {{0, 0, NULL}}, NULL},
    {"DOUBLON on parsed values", "2021-05;ETAT;1 234,50;0;31;a\n05/2021;etat;1234.5;0,00;31;a\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"DOUBLON POLE_EMPLOI = FRANCE_TRAVAIL", "2021-05;POLE_EMPLOI;10;10;;\n2021-05;france_travail;10,00;10.0;;\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"DOUBLON departement any case", "2021-05;ETAT;1;1;2a;x\n2021-05;ETAT;1;1;2A;x\n", 1,
     {{3, SPIE_R_DOUBLON, ANY_COLUMN}}, "2A"},
    {"not a DOUBLON: libelle differs (case too)", "2021-05;ETAT;1;1;;a\n2021-05;ETAT;1;1;;A\n2021-05;ETAT;1;1;;b\n", 3,
     {{0, 0, NULL}}, NULL},
    {"not a DOUBLON: an amount differs", "2021-05;ETAT;1;1;;\n2021-05;ETAT;1;1,01;;\n2021-05;ETAT;-1;1;;\n", 3,
     {{0, 0, NULL}}, NULL},
    {"not a DOUBLON: financer or month differs", "2021-05;ETAT;1;1;;\n2021-05;CAF;1;1;;\n2021-04;ETAT;1;1;;\n", 3,
     {{0, 0, NULL}}, NULL},
    {"a duplicate of a rejected row is not a DOUBLON", "2021-05;ETAT;1;1;32;\n2021-05;ETAT;1;1;31;\n2021-05;ETAT;1;1;31;\n",
     1, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}, {4, SPIE_R_DOUBLON, ANY_COLUMN}}, NULL},
    {"NAT: departement empty", "2021-05;ETAT;1;1;;\n", 1, {{0, 0, NULL}}, "NAT"},
    {"NAT: departement NAT, any case", "2021-05;ETAT;1;1;NAT;\n2021-05;ETAT;2;2;nat;\n", 2, {{0, 0, NULL}}, "NAT"},
    {"NAT: departement 31", "2021-05;ETAT;1;1;31;\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, "NAT"},
    {"departement 2a in a 2A file", "2021-05;ETAT;1;1;2a;\n", 1, {{0, 0, NULL}}, "2A"},
    {"departement 1 in a 01 file", "2021-05;ETAT;1;1;1;\n", 0, {{2, SPIE_R_DEPT_INCOHERENT, "departement"}}, "01"},
};

static void test_budget_rules(void **state)
{
    (void)state;
    run_cases(SPIE_KIND_BUDGET, HG, budget_cases, SPIE_ARRAY_LEN(budget_cases), false);
}

/* Amounts as integer cents (docs/format-extraits.md §2 "amount"), and financers as read. */
typedef struct amount_case {
    const char *text; /* the montant_engage field, as written in a ';' file */
    spie_cents cents;
} amount_case;

static const amount_case amounts[] = {
    {"1 234,50", 123450},
    {"1234.5", 123450},
    {"1234,50", 123450},
    {"1 234", 123400},
    {"-250,00", -25000},
    {"1.234,56", 123456},
    {"1\xC2\xA0" "234,5", 123450},          /* U+00A0 */
    {"1\xE2\x80\xAF" "234,05", 123405},     /* U+202F */
    {"0,5", 50},
    {"0.05", 5},
    {"007,50", 750},
    {"10 000 000 000,00", SPIE_AMOUNT_MAX},  /* the bounds of a budget line (the parser's */
    {"-10000000000.00", -SPIE_AMOUNT_MAX},  /* own, int64, are in test_fields_parsers.c) */
};

static void check_budget_amounts(void)
{
    run *r = run_new();
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text, "%s\n", HG);
    for (size_t i = 0; i < SPIE_ARRAY_LEN(amounts); i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "2021-05;ETAT;%s;%zu;;\n", amounts[i].text, i);
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "2021-05;POLE_EMPLOI;1;1;;\n2021-05;FRANCE_TRAVAIL;1;2;;\n2021-05;Caf;1;1;;\n");
    assert_true(len < sizeof text);
    run_mem(r, SPIE_KIND_BUDGET, text, len);
    assert_int_equal(r->rep.rows_rejected, 0);
    assert_int_equal(r->budget.count, SPIE_ARRAY_LEN(amounts) + 3);
    for (size_t i = 0; i < SPIE_ARRAY_LEN(amounts); i++) {
        const spie_budget_line *l = &r->budget.lines[i];
        if (l->engaged != amounts[i].cents)
            print_message("amount \"%s\": %lld cents\n", amounts[i].text, (long long)l->engaged);
        assert_true(l->engaged == amounts[i].cents);
        assert_true(l->paid == (spie_cents)(100 * i));
        assert_int_equal(l->month, M(2021, 5));
        assert_int_equal(l->financer, SPIE_FIN_ETAT);
    }
    size_t k = SPIE_ARRAY_LEN(amounts);
    assert_int_equal(r->budget.lines[k].financer, SPIE_FIN_FRANCE_TRAVAIL);
    assert_int_equal(r->budget.lines[k + 1].financer, SPIE_FIN_FRANCE_TRAVAIL);
    assert_int_equal(r->budget.lines[k + 2].financer, SPIE_FIN_CAF);
    /* Beyond int64 cents: invalid. */
    spie_budget_clear(&r->budget);
    run_str(r, SPIE_KIND_BUDGET, HG "\n2021-05;ETAT;92233720368547758.08;1;;\n2021-05;ETAT;1;-92233720368547758,09;;\n");
    assert_int_equal(r->rep.rows_accepted, 0);
    assert_int_equal(r->rep.by_reason[SPIE_R_MONTANT_INVALIDE], 2);
    assert_int_equal(r->budget.count, 0);
    /* Within int64 but beyond ten billion euros either way (INT64_MIN cents among them):
     * a typo, MONTANT_INVALIDE; ten billion itself is a (huge) movement. */
    spie_budget_clear(&r->budget);
    run_str(r, SPIE_KIND_BUDGET,
            HG "\n2021-05;ETAT;-92233720368547758,08;1;;\n2021-05;ETAT;1;-92233720368547758,08;;\n"
               "2021-05;ETAT;10000000000,01;1;;\n2021-05;ETAT;1;-10000000000,01;;\n"
               "2021-05;ETAT;10000000000,00;-10000000000,00;;\n");
    assert_int_equal(r->rep.by_reason[SPIE_R_MONTANT_INVALIDE], 4);
    assert_int_equal(r->rep.rows_accepted, 1);
    assert_int_equal(r->budget.count, 1);
    assert_true(r->budget.lines[0].engaged == SPIE_AMOUNT_MAX);
    assert_true(r->budget.lines[0].paid == -SPIE_AMOUNT_MAX);
    run_free(r);
}

static void test_budget_amounts(void **state)
{
    (void)state;
    check_budget_amounts();
}

/* The same budget file gives the same cents under a decimal-comma LC_ALL. */
static void test_budget_decimal_comma_locale(void **state)
{
    (void)state;
    static const char *const names[] = {"fr_FR.UTF-8", "fr_FR.utf8", "de_DE.UTF-8", "de_DE.utf8", "fr_FR", "de_DE"};
    const char *used = NULL;
    for (size_t i = 0; i < SPIE_ARRAY_LEN(names) && !used; i++)
        if (setlocale(LC_ALL, names[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            used = names[i];
    char *dir = NULL;
    if (!used) {
        dir = tu_mkdtemp();
        assert_non_null(dir);
        const char *name = tu_build_comma_locale(dir);
        if (name && setlocale(LC_ALL, name) && strcmp(localeconv()->decimal_point, ",") == 0)
            used = name;
    }
    if (used) {
        char buf[16];
        snprintf(buf, sizeof buf, "%.1f", 1.5);
        assert_string_equal(buf, "1,5"); /* the locale is live */
        print_message("# budget amounts re-read under LC_ALL=%s\n", used);
        check_budget_amounts();
    } else {
        print_message("# SKIP no decimal-comma locale available (none installed, no localedef)\n");
    }
    assert_non_null(setlocale(LC_ALL, "C"));
    unsetenv("LOCPATH");
    if (dir) {
        assert_int_equal(tu_rmtree(dir), 0);
        free(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH_PATHS(test_reason_codes_and_labels),
        BOTH_PATHS(test_benef_rules),
        BOTH_PATHS(test_benef_values),
        BOTH_PATHS(test_period_bound),
        BOTH_PATHS(test_etapes_rules),
        BOTH_PATHS(test_etapes_type_column_absent),
        BOTH_PATHS(test_etapes_values),
        BOTH_PATHS(test_etapes_without_persons),
        BOTH_PATHS(test_etapes_rows_in_flight),
        BOTH_PATHS(test_budget_rules),
        BOTH_PATHS(test_budget_amounts),
        BOTH_PATHS(test_budget_decimal_comma_locale),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    spie_extract_scratch_free(g_scratch);
    return failed;
}
