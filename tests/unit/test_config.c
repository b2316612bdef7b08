/* Tests of the configuration file (spie/config.h): the defaults of docs/methodologie.md §0 when
 * nothing is set, every key of every section, the delay pairs (changed, added, replaced),
 * the locale-free decimals (compared with the C compiler's own conversion of the same
 * literal, which C11 §6.4.4.2 requires correctly rounded on an IEEE machine), and every
 * error with its line and key, the parameters left untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/config.h"
#include "spie/date.h"
#include "testutil.h"

static bool parse(const char *text, spie_params *p, spie_error *err)
{
    /* true when accepted */
    return spie_config_parse(text, strlen(text), "t.ini", p, err) == SPIE_OK;
}

static spie_month month(int y, int m)
{
    spie_month x;
    assert_true(spie_month_from_ym(y, m, &x));
    return x;
}

static void assert_params_equal(const spie_params *a, const spie_params *b)
{
    assert_int_equal(a->envelope, b->envelope);
    assert_int_equal(a->window_start, b->window_start);
    assert_int_equal(a->window_end, b->window_end);
    assert_int_equal(a->n_horizons, b->n_horizons);
    for (size_t i = 0; i < a->n_horizons; i++)
        assert_int_equal(a->horizons[i], b->horizons[i]);
    assert_int_equal(a->n_pairs, b->n_pairs);
    for (size_t i = 0; i < a->n_pairs; i++) {
        assert_string_equal(a->pairs[i].code, b->pairs[i].code);
        assert_int_equal(a->pairs[i].from, b->pairs[i].from);
        assert_int_equal(a->pairs[i].to, b->pairs[i].to);
        assert_int_equal(a->pairs[i].target, b->pairs[i].target);
    }
    assert_true(a->level == b->level);
    assert_int_equal(a->clopper_pearson, b->clopper_pearson);
    assert_int_equal(a->secret_k, b->secret_k);
    assert_int_equal(a->secret, b->secret);
    assert_int_equal(a->projection_months, b->projection_months);
    assert_true(a->reject_alert_rate == b->reject_alert_rate);
    assert_true(a->continuity_max_drop == b->continuity_max_drop);
}

/* An empty file, comments and blank lines leave the defaults of docs/methodologie.md §0. */
static void test_defaults(void **state)
{
    (void)state;
    spie_params p, d;
    spie_params_default(&d);
    assert_int_equal(d.envelope, 8000000000LL);
    assert_int_equal(d.window_start, month(2021, 1));
    assert_int_equal(d.window_end, month(2023, 12));
    assert_int_equal(d.n_horizons, 3);
    assert_int_equal(d.horizons[1], 6);
    assert_int_equal(d.n_pairs, 6);
    assert_true(d.level == 0.95);
    assert_int_equal(d.secret_k, 5);
    assert_int_equal(d.projection_months, 12);
    spie_error err;
    spie_params_default(&p);
    assert_true(parse("", &p, &err));
    assert_params_equal(&p, &d);
    assert_true(parse("; a comment\n# another\n\n   \n[secret]\n", &p, &err));
    assert_params_equal(&p, &d);
}

/* Every key of every section, with values that are not the defaults. */
static void test_every_key(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF; BOM, CRLF line ends, comments after values\r\n"
                       "[enveloppe]\r\n"
                       "montant = 75 000 000,50 ; euros\r\n"
                       "debut = 2020-07\r\n"
                       "fin = 12/2024\r\n"
                       "[reprise]\n"
                       "horizons = 1, 3 6,24\n"
                       "[intervalles]\n"
                       "niveau = 90 %\n"
                       "methode = Clopper-Pearson\n"
                       "[secret]\n"
                       "seuil = 11\n"
                       "[projection]\n"
                       "mois = 6\n"
                       "[rejets]\n"
                       "taux_alerte = 0,125\n"
                       "[continuite]\n"
                       "baisse_max = 2,5 %\n"
                       "[delais]\n"
                       "remplacer = non\n";
    spie_params p;
    spie_params_default(&p);
    spie_error err;
    assert_true(parse(text, &p, &err));
    assert_int_equal(p.envelope, 7500000050LL);
    assert_int_equal(p.window_start, month(2020, 7));
    assert_int_equal(p.window_end, month(2024, 12));
    assert_int_equal(p.n_horizons, 4);
    assert_int_equal(p.horizons[0], 1);
    assert_int_equal(p.horizons[1], 3);
    assert_int_equal(p.horizons[2], 6);
    assert_int_equal(p.horizons[3], 24);
    assert_true(p.level == 0.9);
    assert_true(p.clopper_pearson);
    assert_int_equal(p.secret_k, 11);
    assert_int_equal(p.projection_months, 6);
    assert_true(p.reject_alert_rate == 0.125);
    assert_true(p.continuity_max_drop == 0.025);
    assert_int_equal(p.n_pairs, 6); /* remplacer = non keeps the default pairs */
    assert_true(p.secret);          /* the secret is switched off by --no-secret only */

    /* Section and key names are matched case-insensitively. */
    assert_true(parse("[SECRET]\nSeuil = 7\n[Intervalles]\nMETHODE = wilson\n", &p, &err));
    assert_int_equal(p.secret_k, 7);
    assert_false(p.clopper_pearson);
}

/* Decimals without the locale: the same double as the compiler's conversion. */
static void test_decimals(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double want;
    } ok[] = {{"0.95", 0.95},   {"0,95", 0.95},   {"95 %", 0.95},   {"95%", 0.95},
              {"0.05", 0.05},   {"5e-2", 0.05},   {"5E-2", 0.05},   {"0.1", 0.1},
              {"1", 1.0},       {"0", 0.0},       {"12.5 %", 0.125}, {"0.999999999999999", 0.999999999999999},
              {"1e3", 1000.0},  {"0.3", 0.3},     {" 0.3 ", 0.3},   {"33.3 %", 0.333}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -1;
        assert_true(spie_config_parse_decimal(ok[i].text, &v));
        if (v != ok[i].want)
            fail_msg("%s: got %.17g, want %.17g", ok[i].text, v, ok[i].want);
    }
    static const char *const bad[] = {"",   ".5",       "5.",      "1.2.3", "1,2,3", "-0.5",  "+0.5",  "0.5x",
                                      "%",  "1e",       "1e1000",  "nan",   "inf",   "0x1p3", "1 000", "5 %%",
                                      "0.1234567890123456" /* 16 significant digits */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        if (spie_config_parse_decimal(bad[i], &v))
            fail_msg("\"%s\" accepted (%.17g)", bad[i], v);
        assert_true(v == 42);
    }
}

/* Delay pairs: a default pair changed in part, a pair added, all replaced. */
static void test_pairs(void **state)
{
    (void)state;
    spie_params p;
    spie_error err;
    spie_params_default(&p);
    assert_true(parse("[delai.D_ORIENT]\ncible = 45\n"
                      "[delai.d_sortie]\nde = entree\na = REPRISE_DURABLE\ncible = 365\n",
                      &p, &err));
    assert_int_equal(p.n_pairs, 7);
    assert_string_equal(p.pairs[0].code, "D_ORIENT");
    assert_int_equal(p.pairs[0].from, SPIE_EP_ENTREE);
    assert_int_equal(p.pairs[0].to, SPIE_EP_ORIENTATION);
    assert_int_equal(p.pairs[0].target, 45);
    assert_string_equal(p.pairs[6].code, "D_SORTIE"); /* upper-cased */
    assert_int_equal(p.pairs[6].from, SPIE_EP_ENTREE);
    assert_int_equal(p.pairs[6].to, SPIE_EP_REPRISE_DURABLE);
    assert_int_equal(p.pairs[6].target, 365);

    /* remplacer = oui drops the defaults, wherever it stands; order of the file kept. */
    spie_params_default(&p);
    assert_true(parse("[delai.B]\nde = SUIVI\na = ENTREE\ncible = 0\n"
                      "[delai.A]\nde = CONTRAT\na = SOLUTION\ncible = 10\n"
                      "[delais]\nremplacer = oui\n",
                      &p, &err));
    assert_int_equal(p.n_pairs, 2);
    assert_string_equal(p.pairs[0].code, "B");
    assert_int_equal(p.pairs[0].target, 0);
    assert_string_equal(p.pairs[1].code, "A");
    assert_int_equal(p.pairs[1].from, SPIE_EP_CONTRAT);

    /* A section given twice is the same pair. */
    spie_params_default(&p);
    assert_true(parse("[delai.X]\nde = ENTREE\n[secret]\nseuil = 6\n[delai.x]\na = SUIVI\ncible = 7\n", &p, &err));
    assert_int_equal(p.n_pairs, 7);
    assert_int_equal(p.pairs[6].to, SPIE_EP_SUIVI);

    /* At most SPIE_MAX_PAIRS pairs. */
    char text[4096] = "";
    for (int i = 0; i < SPIE_MAX_PAIRS - 6 + 1; i++) {
        size_t l = strlen(text);
        snprintf(text + l, sizeof text - l, "[delai.P%d]\nde = ENTREE\na = SUIVI\ncible = 1\n", i);
    }
    spie_params_default(&p);
    assert_false(parse(text, &p, &err));
    assert_non_null(strstr(err.msg, "au plus 16 couples"));
}

typedef struct bad_case {
    const char *text;
    unsigned line;
    const char *key;
    const char *words; /* a piece of the message */
} bad_case;

/* Each error: the line, the key, a message saying why; the parameters untouched. */
static void test_errors(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"[secret]\nseuil = 5\n\n[inconnue]\nx = 1\n", 4, "[inconnue]", "section inconnue"},
        {"[vide]\n", 1, "[vide]", "section inconnue"},
        {"[secret]\nseuill = 5\n", 2, "secret.seuill", "clé inconnue"},
        {"[secret]\nseuil = cinq\n", 2, "secret.seuil", "entre 1 et 1000"},
        {"[secret]\nseuil = 0\n", 2, "secret.seuil", "entre 1 et 1000"},
        {"[secret]\nseuil = 5\n[projection]\nmois = 6\n[secret]\nseuil = 6\n", 6, "secret.seuil", "déjà donnée ligne 2"},
        {"seuil = 5\n", 1, "seuil", "hors de toute section"},
        {"[secret]\nseuil 5\n", 2, "", "mal formée"},
        {"[secret\nseuil = 5\n", 1, "", "mal formée"},
        {"[secret]\nseuil =\n", 2, "secret.seuil", "valeur vide"},
        {"[secret]\nseuil = 5\n   mois = 6\n", 3, "secret.mois", "clé inconnue"}, /* not a continuation */
        {"[intervalles]\nniveau = 1.5\n", 2, "intervalles.niveau", "entre 0.5 et 1"},
        {"[intervalles]\nniveau = 95\n", 2, "intervalles.niveau", "entre 0.5 et 1"},
        {"[intervalles]\nniveau = 0.95.0\n", 2, "intervalles.niveau", "0.95"},
        {"[intervalles]\nmethode = bayes\n", 2, "intervalles.methode", "wilson ou clopper-pearson"},
        {"[enveloppe]\nmontant = 12,345\n", 2, "enveloppe.montant", "montant"},
        {"[enveloppe]\nmontant = -5\n", 2, "enveloppe.montant", "positif"},
        {"[enveloppe]\nmontant = 1e6\n", 2, "enveloppe.montant", "montant"},
        {"[enveloppe]\ndebut = 2021-13\n", 2, "enveloppe.debut", "AAAA-MM"},
        {"[enveloppe]\ndebut = 2022-01\nfin = 2021-12\n", 3, "enveloppe.fin", "avant de commencer"},
        {"[enveloppe]\nfin = 2020-12\n", 2, "enveloppe.fin", "avant de commencer"},
        {"[reprise]\nhorizons = 6, 3\n", 2, "reprise.horizons", "croissant"},
        {"[reprise]\nhorizons = 3, 3\n", 2, "reprise.horizons", "sans doublon"},
        {"[reprise]\nhorizons = 3, x\n", 2, "reprise.horizons", "« x »"},
        {"[reprise]\nhorizons = 0\n", 2, "reprise.horizons", "entre 1 et 240"},
        {"[reprise]\nhorizons = 1 2 3 4 5 6 7 8 9\n", 2, "reprise.horizons", "au plus 8"},
        {"[reprise]\nhorizons = ,\n", 2, "reprise.horizons", "au moins un"},
        {"[rejets]\ntaux_alerte = 1.5\n", 2, "rejets.taux_alerte", "entre 0 et 1"},
        {"[rejets]\ntaux_alerte = -0.1\n", 2, "rejets.taux_alerte", "entre 0 et 1"},
        {"[continuite]\nbaisse_max = 1.01\n", 2, "continuite.baisse_max", "entre 0 et 1"},
        {"[continuite]\nbaisse_max = 150 %\n", 2, "continuite.baisse_max", "entre 0 et 1"},
        {"[continuite]\nbaisse_max = -0.01\n", 2, "continuite.baisse_max", "entre 0 et 1"},
        {"[continuite]\nbaisse = 0.01\n", 2, "continuite.baisse", "clé inconnue (clés de la section : baisse_max)"},
        {"[projection]\nmois = 2\n", 2, "projection.mois", "entre 3 et 120"},
        {"[delais]\nremplacer = peut-être\n", 2, "delais.remplacer", "oui ou non"},
        {"[delais]\nremplacer = oui\n", 2, "delais.remplacer", "aucune section"},
        {"\n[delai.D_X]\nde = ENTREE\na = SUIVI\n", 2, "[delai.D_X]", "« cible » manque"},
        {"[delai.D_X]\na = SUIVI\ncible = 3\n", 1, "[delai.D_X]", "« de » manque"},
        {"[delai.D_ORIENT]\nde = ORIENTATION\n", 2, "delai.D_ORIENT.de", "les mêmes"},
        {"[delai.D_X]\nde = ENTREE\na = SORTIE\ncible = 3\n", 3, "delai.D_X.a", "étape inconnue"},
        {"[delai.D_X]\nde = ENTREE\na = SUIVI\ncible = -3\n", 4, "delai.D_X.cible", "nombre de jours"},
        {"[delai.D_X]\nde = ENTREE\nvers = SUIVI\n", 3, "delai.D_X.vers", "clé inconnue (de, a, cible)"},
        {"[delai.D_X]\nde = ENTREE\nde = SUIVI\n", 3, "delai.D_X.de", "déjà donnée ligne 2"},
        {"[delai.D-X]\n", 1, "[delai.D-X]", "code de délai invalide"},
        {"[delai.]\n", 1, "[delai.]", "code de délai invalide"},
        {"[delai.ABCDEFGHIJKLMNOPQRSTUVWXYZ]\n", 1, "[delai.ABCDEFGHIJKLMNOPQRSTUVWXYZ]", "invalide"},
        /* the window stays within the periods a batch can have */
        {"[enveloppe]\ndebut = 0001-01\n", 2, "enveloppe.debut", "entre 2020-01 et 2099-12"},
        {"[enveloppe]\nfin = 9999-12\n", 2, "enveloppe.fin", "entre 2020-01 et 2099-12"},
        {"[enveloppe]\ndebut = 2019-12\n", 2, "enveloppe.debut", "entre 2020-01 et 2099-12"},
        /* the first error in file order is the one reported */
        {"[secret]\nseuil = 0\n[projection]\nmois = 1\n", 2, "secret.seuil", "entre 1 et 1000"},
        {"[x]\n[secret]\nseuil = 0\n", 1, "[x]", "section inconnue"},
        {"[secret]\nseuil = 0\nligne sans signe égal\n", 2, "secret.seuil", ""},
        {"ligne sans signe égal\n[secret]\nseuil = 0\n", 1, "", "mal formée"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spie_params p, d;
        spie_params_default(&p);
        spie_params_default(&d);
        spie_error err;
        if (parse(cases[i].text, &p, &err))
            fail_msg("case %zu accepted: %s", i, cases[i].text);
        /* The message starts with where the error is: "[section] key : ", "[section] : ",
         * or nothing for a line that is no key at all. */
        char where[96] = "";
        const char *dot = strrchr(cases[i].key, '.'); /* sections hold dots: delai.D_ORIENT */
        if (cases[i].key[0] == '[')
            snprintf(where, sizeof where, "%s : ", cases[i].key);
        else if (dot)
            snprintf(where, sizeof where, "[%.*s] %s : ", (int)(dot - cases[i].key), cases[i].key, dot + 1);
        else if (cases[i].key[0])
            snprintf(where, sizeof where, "%s : ", cases[i].key);
        if (err.line != cases[i].line || strncmp(err.msg, where, strlen(where)) != 0 ||
            (!cases[i].key[0] && err.msg[0] == '[') || !strstr(err.msg, cases[i].words))
            fail_msg("case %zu: line %llu msg \"%s\"; want line %u, \"%s\" then \"%s\"", i,
                     (unsigned long long)err.line, err.msg, cases[i].line, where, cases[i].words);
        if (strcmp(err.file, "t.ini") != 0 || err.rc != SPIE_E_USAGE)
            fail_msg("case %zu: file \"%s\", rc %d", i, err.file, (int)err.rc);
        assert_params_equal(&p, &d); /* untouched */
    }
}

/* The message names file, line, section and key as the CLI prints it. */
static void test_message_format(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    spie_error err;
    assert_false(parse("[secret]\n\nseuil = 0\n", &p, &err));
    assert_string_equal(err.file, "t.ini");
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "[secret] seuil : « 0 » : un entier entre 1 et 1000 est attendu");
}

/* Lines longer than inih's buffer, NUL bytes: refused with their line. */
static void test_long_lines(void **state)
{
    (void)state;
    char text[600];
    snprintf(text, sizeof text, "[secret]\nseuil = 5 ; %0300d\n", 0);
    spie_params p;
    spie_params_default(&p);
    spie_error err;
    assert_false(parse(text, &p, &err));
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "trop longue"));
    static const char nul[] = "[secret]\nseuil = 5\0\n";
    assert_int_equal(spie_config_parse(nul, sizeof nul - 1, "t.ini", &p, &err), SPIE_E_USAGE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "NUL"));
}

/* spie_config_format writes every key; parsing it back gives the same parameters, over
 * any starting values. */
static void test_format_round_trip(void **state)
{
    (void)state;
    spie_params a, b;
    spie_error err;
    spie_params_default(&a);
    a.envelope = 12345678901LL;
    a.level = 0.9;
    a.clopper_pearson = true;
    a.reject_alert_rate = 0.0125;
    a.continuity_max_drop = 0.015;
    a.secret_k = 3;
    a.projection_months = 9;
    a.horizons[3] = 24;
    a.n_horizons = 4;
    a.pairs[2].target = 15;
    a.n_pairs = 5;
    spie_month_from_ym(2020, 2, &a.window_start);
    char *text = spie_config_format(&a);
    assert_non_null(text);
    assert_non_null(strstr(text, "montant = 123456789.01\n"));
    assert_non_null(strstr(text, "niveau = 0.9\n"));
    assert_non_null(strstr(text, "taux_alerte = 0.0125\n"));
    assert_non_null(strstr(text, "[continuite]\nbaisse_max = 0.015\n"));
    assert_non_null(strstr(text, "[delai.D_CONTRAT]\nde = DIAGNOSTIC\na = CONTRAT\ncible = 15\n"));
    assert_null(strstr(text, "D_SUIVI")); /* n_pairs = 5 */
    spie_params_default(&b);
    assert_true(parse(text, &b, &err));
    assert_params_equal(&a, &b);
    free(text);

    spie_params_default(&a);
    text = spie_config_format(&a);
    assert_non_null(text);
    b = a;
    b.level = 0.5001;
    b.n_pairs = 1;
    assert_true(parse(text, &b, &err));
    assert_params_equal(&a, &b);
    free(text);
}

/* From a file: read whole; a missing file names the path. */
static void test_load(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    const char *text = "[projection]\nmois = 24\n";
    char *path = tu_write_file(dir, "spie.ini", text, strlen(text));
    assert_non_null(path);
    spie_params p;
    spie_params_default(&p);
    spie_error err;
    assert_int_equal(spie_config_load(path, &p, &err), SPIE_OK);
    assert_int_equal(p.projection_months, 24);
    free(path);
    path = tu_write_file(dir, "bad.ini", "[x]\n", 4);
    assert_non_null(path);
    assert_int_equal(spie_config_load(path, &p, &err), SPIE_E_USAGE);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 1);
    free(path);
    size_t n = strlen(dir) + 16;
    char *missing = malloc(n);
    assert_non_null(missing);
    snprintf(missing, n, "%s/absent.ini", dir);
    assert_int_equal(spie_config_load(missing, &p, &err), SPIE_E_USAGE);
    assert_string_equal(err.file, missing);
    assert_int_equal(err.errnum, ENOENT);
    assert_int_equal(err.line, 0);
    free(missing);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),   cmocka_unit_test(test_every_key),      cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_pairs),      cmocka_unit_test(test_errors),         cmocka_unit_test(test_message_format),
        cmocka_unit_test(test_long_lines), cmocka_unit_test(test_format_round_trip), cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
