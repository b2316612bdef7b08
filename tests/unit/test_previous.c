/* Tests of the previous publication (spie/previous.h) and the change since it
 * (spie/evolution.h), docs/methodologie.md §11: the continuity rule at the tolerance's
 * edge, the continuity of plan entries, the search for the latest publication that
 * verifies (a tampered one skipped, with its reason; an unreadable indicators file; the
 * pin of spie verify --recompute), the parsing of indicateurs_<Q>.csv (quoted fields, a
 * column order of its own), and the changes: exact differences in cents, relative change
 * for counts and money only, nothing for a figure secret or nd on either side. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spie/acc.h"
#include "spie/date.h"
#include "spie/digest.h"
#include "spie/catalogue.h"
#include "spie/evolution.h"
#include "spie/manifest.h"
#include "spie/previous.h"
#include "testutil.h"

static spie_month month(int y, int m)
{
    spie_month r;
    assert_true(spie_month_from_ym(y, m, &r));
    return r;
}

/* ---- the continuity rule ------------------------------------------------------------------ */

static void test_drop_rule(void **state)
{
    (void)state;
    /* Exactly the tolerance is not a break; just above is. */
    assert_false(spie_continuity_drop_is_break(100, 99, 0.01));
    assert_true(spie_continuity_drop_is_break(100, 98, 0.01));
    assert_false(spie_continuity_drop_is_break(300, 297, 0.01));
    assert_true(spie_continuity_drop_is_break(300, 296, 0.01));
    assert_false(spie_continuity_drop_is_break(10000, 9900, 0.01));
    assert_true(spie_continuity_drop_is_break(10000, 9899, 0.01));
    assert_false(spie_continuity_drop_is_break(1000, 975, 0.025));
    assert_true(spie_continuity_drop_is_break(1000, 974, 0.025));
    /* More rows, the same, none before: never a break. */
    assert_false(spie_continuity_drop_is_break(100, 150, 0.01));
    assert_false(spie_continuity_drop_is_break(100, 100, 0.0));
    assert_false(spie_continuity_drop_is_break(0, 0, 0.0));
    /* A tolerance of 0: any drop; of 1: none (a drop to 0 is a share of exactly 1). */
    assert_true(spie_continuity_drop_is_break(100000, 99999, 0.0));
    assert_false(spie_continuity_drop_is_break(100, 0, 1.0));
    assert_true(spie_continuity_drop_is_break(100, 0, 0.99));
}

/* The continuity of plan entries against a previous publication's entries. */
static void test_continuity(void **state)
{
    (void)state;
    spie_plan_entry e[6] = {
        {.dept = "11", .kind = SPIE_KIND_BENEFICIAIRES, .file = "a", .month = month(2023, 6)}, /* ok */
        {.dept = "11", .kind = SPIE_KIND_ETAPES, .file = "b", .month = month(2023, 6)},        /* drop */
        {.dept = "29", .kind = SPIE_KIND_BUDGET, .file = NULL, .month = SPIE_NO_MONTH},         /* gone */
        {.dept = "29", .kind = SPIE_KIND_ETAPES, .file = "c", .month = month(2023, 4)},        /* back */
        {.dept = "30", .kind = SPIE_KIND_BUDGET, .file = "d", .month = month(2023, 6)},        /* new */
        {.dept = "NAT", .kind = SPIE_KIND_BUDGET, .file = "e", .month = month(2023, 6)},       /* was unusable */
    };
    spie_plan plan = {.period = month(2023, 6), .entries = e, .n_entries = 6};
    spie_entry_result r[6] = {0};
    uint64_t acc[6] = {120, 97, 0, 500, 10, 3};
    for (int i = 0; i < 6; i++) {
        r[i].status = e[i].file ? SPIE_ENTRY_OK : SPIE_ENTRY_MISSING;
        r[i].rep.rows_accepted = acc[i];
    }
    spie_prev_entry pe[6] = {
        {.dept = "11", .kind = SPIE_KIND_BENEFICIAIRES, .status = SPIE_ENTRY_OK, .month = month(2023, 5),
         .has_accepted = true, .accepted = 100},
        {.dept = "11", .kind = SPIE_KIND_ETAPES, .status = SPIE_ENTRY_OK, .month = month(2023, 5),
         .has_accepted = true, .accepted = 100},
        {.dept = "29", .kind = SPIE_KIND_BUDGET, .status = SPIE_ENTRY_OK, .month = month(2023, 5),
         .has_accepted = true, .accepted = 40},
        {.dept = "29", .kind = SPIE_KIND_ETAPES, .status = SPIE_ENTRY_OK, .month = month(2023, 5),
         .has_accepted = true, .accepted = 400},
        {.dept = "30", .kind = SPIE_KIND_BUDGET, .status = SPIE_ENTRY_MISSING, .month = SPIE_NO_MONTH},
        {.dept = "NAT", .kind = SPIE_KIND_BUDGET, .status = SPIE_ENTRY_UNUSABLE, .month = month(2023, 5),
         .has_accepted = true, .accepted = 0},
    };
    spie_previous prev = {.found = true, .period = month(2023, 5), .period_s = "2023-05", .entries = pe,
                          .n_entries = 6};
    spie_params params;
    spie_params_default(&params);
    spie_continuity c[6];
    assert_int_equal(spie_continuity_compute(&prev, &plan, r, &params, c), 3);
    assert_int_equal(c[0].status, SPIE_CONT_OK);
    assert_true(c[0].has_prev_accepted);
    assert_int_equal(c[0].prev_accepted, 100);
    assert_string_equal(c[0].motif, "");
    assert_int_equal(c[1].status, SPIE_CONT_BREAK);
    assert_true(c[1].drop);
    assert_string_equal(c[1].motif, "rupture de continuité : 97 lignes acceptées, 100 dans la publication 2023-05 "
                                    "(baisse de 3, au-delà de la tolérance de 0.01)");
    assert_int_equal(c[2].status, SPIE_CONT_BREAK);
    assert_true(c[2].now_missing);
    assert_non_null(strstr(c[2].motif, "aucun fichier, alors que la publication 2023-05 en avait un utilisable (40"));
    assert_int_equal(c[3].status, SPIE_CONT_BREAK);
    assert_true(c[3].month_back && !c[3].drop);
    assert_string_equal(c[3].motif, "rupture de continuité : extrait de 2023-04, plus ancien que celui de la "
                                    "publication 2023-05 (2023-05)");
    assert_int_equal(c[4].status, SPIE_CONT_NONE); /* missing in Q */
    assert_false(c[4].has_prev_accepted);
    assert_int_equal(c[5].status, SPIE_CONT_OK); /* unusable in Q: no reference to lose */
    assert_int_equal(c[5].prev_accepted, 0);
    assert_string_equal(spie_continuity_word(c[1].status), "rupture");
    assert_string_equal(spie_continuity_word(c[4].status), "sans_reference");
    assert_string_equal(spie_continuity_word(c[0].status), "ok");

    /* A tolerance of 5 %: the drop of 3 % passes. */
    params.continuity_max_drop = 0.05;
    assert_int_equal(spie_continuity_compute(&prev, &plan, r, &params, c), 2);
    assert_int_equal(c[1].status, SPIE_CONT_OK);
    /* No previous publication: every entry sans_reference. */
    assert_int_equal(spie_continuity_compute(NULL, &plan, r, &params, c), 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(c[i].status, SPIE_CONT_NONE);
}

/* ---- finding the previous publication ---------------------------------------------------- */

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Writes a publication of period q in root: its indicators (when given) and a manifest
 * listing them with their SHA-256 (listed_sha: another one, to plant a mismatch). */
static void publish(const char *root, const char *q, const char *command, const char *indicators,
                    const char *listed_sha)
{
    char *dir = join(root, q);
    assert_int_equal(mkdir(dir, 0755), 0);
    char name[64], sha[SPIE_SHA256_HEX], outs[400] = "";
    if (indicators) {
        snprintf(name, sizeof name, "indicateurs_%s.csv", q);
        free(tu_write_file(dir, name, indicators, strlen(indicators)));
        assert_int_equal(spie_sha256_mem(indicators, strlen(indicators), sha), 0);
        snprintf(outs, sizeof outs, "{\"fichier\": \"%s\", \"taille\": %zu, \"sha256\": \"%s\"}", name,
                 strlen(indicators), listed_sha ? listed_sha : sha);
    }
    char m[2000];
    snprintf(m, sizeof m,
             "{\"commande\": \"%s\", \"periode\": \"%s\", \"sorties\": [%s], \"entrees\": ["
             "{\"departement\": \"31\", \"type\": \"etapes\", \"fichier\": \"spie_31_%s_etapes.csv\", \"mois\": "
             "\"%s\", \"statut\": \"ok\", \"lignes_acceptees\": 42, \"taille\": 1, \"sha256\": null}]}\n",
             command, q, outs, q, q);
    free(tu_write_file(dir, SPIE_MANIFEST_NAME, m, strlen(m)));
    free(dir);
}

static const char *const IND =
    "niveau,code,libelle,ventilation,modalite,indicateur,valeur,ic_bas,ic_haut,effectif,statut\n"
    "national,FR,France,ensemble,,entrants,200,,,200,ok\n"
    "departement,2A,\"Corse-du-Sud, \"\"la\"\"\",ensemble,,paye_etat,0.10,,,,ok\n"
    "departement,31,Haute-Garonne,ensemble,,entrants,,,,,s\n";

static void test_find(void **state)
{
    (void)state;
    char *root = tu_mkdtemp();
    assert_non_null(root);
    spie_previous p;
    spie_error err = {0};
    /* No folder at all, or nothing before P: none, and nothing examined. */
    char *none = join(root, "absent");
    assert_int_equal(spie_previous_find(none, month(2023, 6), true, NULL, &p, &err), SPIE_OK);
    assert_false(p.found);
    assert_false(p.examined_any);
    assert_true(json_is_null(spie_previous_json(&p)));
    free(none);

    publish(root, "2023-03", "run", IND, NULL);
    publish(root, "2023-04", "run", IND, NULL);
    publish(root, "2023-05", "check", NULL, NULL);
    publish(root, "2023-06", "run", IND, NULL); /* P itself is never a candidate */
    char *notes = join(root, "2023-02x");
    assert_int_equal(mkdir(notes, 0755), 0); /* not a period's name: not looked at */
    free(notes);

    /* spie run: the check of 2023-05 is skipped, 2023-04 is used. */
    assert_int_equal(spie_previous_find(root, month(2023, 6), true, NULL, &p, &err), SPIE_OK);
    assert_true(p.found);
    assert_string_equal(p.period_s, "2023-04");
    assert_int_equal(p.n_skips, 1);
    assert_int_equal(p.skips[0].period, month(2023, 5));
    assert_non_null(strstr(p.skips[0].why, "publication de spie check"));
    char *mp = join(root, "2023-04/manifest.json"), sha[SPIE_SHA256_HEX];
    assert_int_equal(spie_sha256_file(mp, sha, NULL), 0);
    free(mp);
    assert_string_equal(p.sha256, sha);
    assert_int_equal(p.n_entries, 1);
    assert_int_equal(p.entries[0].accepted, 42);
    assert_int_equal(p.entries[0].kind, SPIE_KIND_ETAPES);
    /* The figures, quoted fields unquoted, sorted on the key. */
    assert_int_equal(p.n_figures, 3);
    const spie_prev_figure *f = spie_prev_figure_find(&p, "departement", "2A", "ensemble", "", "paye_etat");
    assert_non_null(f);
    assert_string_equal(f->valeur, "0.10");
    assert_int_equal(f->status, SPIE_STATUS_OK);
    f = spie_prev_figure_find(&p, "departement", "31", "ensemble", "", "entrants");
    assert_non_null(f);
    assert_int_equal(f->status, SPIE_STATUS_SECRET);
    assert_null(spie_prev_figure_find(&p, "national", "FR", "ensemble", "", "sorties"));
    json_t *j = spie_previous_json(&p);
    assert_string_equal(json_string_value(json_object_get(j, "periode")), "2023-04");
    assert_string_equal(json_string_value(json_object_get(j, "sha256")), sha);
    spie_previous_pin pin;
    assert_true(spie_previous_pin_from_json(j, &pin));
    assert_int_equal(pin.mode, SPIE_PREVIOUS_EXACT);
    assert_int_equal(pin.period, month(2023, 4));
    json_decref(j);
    spie_previous_free(&p);

    /* spie check: the check of 2023-05 will do. */
    assert_int_equal(spie_previous_find(root, month(2023, 6), false, NULL, &p, &err), SPIE_OK);
    assert_string_equal(p.period_s, "2023-05");
    assert_int_equal(p.n_figures, 0);
    spie_previous_free(&p);

    /* The pin: exactly 2023-04 with its manifest's SHA-256 ... */
    assert_int_equal(spie_previous_find(root, month(2023, 6), true, &pin, &p, &err), SPIE_OK);
    assert_true(p.found && !p.pin_failed);
    spie_previous_free(&p);
    /* ... and a manifest that changed since is named. */
    pin.sha256[0] = pin.sha256[0] == '0' ? '1' : '0';
    assert_int_equal(spie_previous_find(root, month(2023, 6), true, &pin, &p, &err), SPIE_OK);
    assert_false(p.found);
    assert_true(p.pin_failed);
    assert_non_null(strstr(p.skips[0].why, "n'est plus celle enregistrée"));
    spie_previous_free(&p);
    spie_previous_pin nopin = {.mode = SPIE_PREVIOUS_NONE};
    assert_int_equal(spie_previous_find(root, month(2023, 6), true, &nopin, &p, &err), SPIE_OK);
    assert_false(p.found || p.examined_any);
    spie_previous_free(&p);

    /* One byte of 2023-04's indicators changed: skipped with the file named, back to
     * 2023-03. */
    char *ip = join(root, "2023-04/indicateurs_2023-04.csv");
    size_t n;
    char *text = tu_read_file(ip, &n);
    assert_non_null(text);
    text[n - 4] = 'x';
    FILE *fp = fopen(ip, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
    free(text);
    free(ip);
    assert_int_equal(spie_previous_find(root, month(2023, 6), true, NULL, &p, &err), SPIE_OK);
    assert_string_equal(p.period_s, "2023-03");
    assert_int_equal(p.n_skips, 2);
    assert_int_equal(p.skips[1].period, month(2023, 4));
    assert_string_equal(p.skips[1].why, "manifeste non conforme (indicateurs_2023-04.csv : empreinte SHA-256 "
                                        "différente de celle du manifeste)");
    spie_previous_free(&p);
    /* None left that verifies: the reason object, and a pin that searches again. */
    assert_int_equal(spie_previous_find(root, month(2023, 4), true, NULL, &p, &err), SPIE_OK);
    assert_string_equal(p.period_s, "2023-03");
    spie_previous_free(&p);
    char *three = join(root, "2023-03");
    free(tu_write_file(three, "en-trop.txt", "x", 1));
    free(three);
    assert_int_equal(spie_previous_find(root, month(2023, 5), true, NULL, &p, &err), SPIE_OK);
    assert_false(p.found);
    assert_int_equal(p.n_skips, 2);
    assert_non_null(strstr(p.skips[1].why, "en-trop.txt : présent dans le dossier mais absent du manifeste"));
    j = spie_previous_json(&p);
    assert_true(json_is_null(json_object_get(j, "periode")));
    assert_int_equal(json_array_size(json_object_get(j, "ecartees")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "ecartees"), 0),
                                                          "periode")),
                        "2023-04");
    assert_true(spie_previous_pin_from_json(j, &pin));
    assert_int_equal(pin.mode, SPIE_PREVIOUS_SEARCH);
    json_decref(j);
    spie_previous_free(&p);
    assert_true(spie_previous_pin_from_json(NULL, &pin));
    assert_int_equal(pin.mode, SPIE_PREVIOUS_NONE);
    json_t *badj = json_pack("{s:s, s:s}", "periode", "2023-13", "sha256", sha);
    assert_false(spie_previous_pin_from_json(badj, &pin));
    json_decref(badj);
    assert_int_equal(tu_rmtree(root), 0);
    free(root);
}

/* An indicators file that does not read is a reason not to use the publication. */
static void test_bad_indicators(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"niveau,code,libelle,ventilation,modalite,indicateur,valeur,effectif\n", "colonne statut absente"},
        {"niveau,code,libelle,ventilation,modalite,indicateur,valeur,statut\nnational,FR,France,ensemble,,e,1,x\n",
         "ligne 2 : statut « x » inconnu"},
        {"niveau,code,libelle,ventilation,modalite,indicateur,valeur,statut\nnational,FR,France,ensemble,,e,1\n",
         "ligne 2 : 7 champs, 8 attendus"},
        {"niveau,code,libelle,ventilation,modalite,indicateur,valeur,statut\nnational,FR,France,ensemble,,e,1,ok\n"
         "national,FR,France,ensemble,,e,2,ok\n",
         "la ligne national FR ensemble  e est en double"},
        {"niveau,code,libelle,ventilation,modalite,indicateur,valeur,statut\nnational,FR,\"France,ensemble,,e,1,ok\n",
         "guillemet"},
        {"", "fichier vide"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *root = tu_mkdtemp();
        publish(root, "2023-05", "run", cases[i].text, NULL);
        spie_previous p;
        assert_int_equal(spie_previous_find(root, month(2023, 6), true, NULL, &p, NULL), SPIE_OK);
        if (p.found || p.n_skips != 1 || !strstr(p.skips[0].why, cases[i].why))
            fail_msg("case %zu: found %d, %zu skips, \"%s\"", i, p.found, p.n_skips, p.n_skips ? p.skips[0].why : "");
        assert_non_null(strstr(p.skips[0].why, "indicateurs_2023-05.csv illisible"));
        spie_previous_free(&p);
        /* The same publication is fine for spie check, which does not read the figures. */
        assert_int_equal(spie_previous_find(root, month(2023, 6), false, NULL, &p, NULL), SPIE_OK);
        assert_true(p.found);
        spie_previous_free(&p);
        assert_int_equal(tu_rmtree(root), 0);
        free(root);
    }
}

/* ---- the changes ---------------------------------------------------------------------------- */

/* A figure named ind, held as kind, with the unit of the catalogue's indicator cat (the
 * change rules follow the catalogue's unit: persons, days, share, euros, month). */
static spie_figure *fig(spie_table *t, const char *code, const char *ind, spie_value_kind kind, spie_ind cat)
{
    spie_figure *f = spie_table_push(t);
    assert_non_null(f);
    f->level = SPIE_LEVEL_DEPARTEMENT;
    f->breakdown = 0;
    snprintf(f->code, sizeof f->code, "%s", code);
    snprintf(f->indicator, sizeof f->indicator, "%s", ind);
    f->libelle = "Test";
    f->kind = (uint8_t)kind;
    f->id = (spie_ind_id){.ind = cat};
    return f;
}

static void test_changes(void **state)
{
    (void)state;
    spie_table t = {0};
    fig(&t, "11", "a_count", SPIE_VK_COUNT, SPIE_IND_ENTRANTS)->ival = 54;
    fig(&t, "11", "b_money", SPIE_VK_CENTS, SPIE_IND_PAYE_ETAT)->ival = 30;          /* 0.30 € */
    fig(&t, "11", "c_days_max", SPIE_VK_COUNT, SPIE_IND_DELAI_MAX)->ival = 40;
    fig(&t, "11", "d_share", SPIE_VK_REAL, SPIE_IND_TAUX_REPRISE)->real = 0.3;
    fig(&t, "11", "e_month", SPIE_VK_TEXT, SPIE_IND_PROJECTION_EPUISEMENT_DANS_MOIS); /* a month as text: no change */
    snprintf(t.rows[t.n - 1].text, 8, "2024-03");
    fig(&t, "11", "f_secret_now", SPIE_VK_COUNT, SPIE_IND_ENTRANTS)->status = SPIE_STATUS_SECRET;
    fig(&t, "11", "g_secret_before", SPIE_VK_COUNT, SPIE_IND_ENTRANTS)->ival = 9;
    fig(&t, "11", "h_nd_before", SPIE_VK_REAL, SPIE_IND_DELAI_MOYENNE)->real = 1.5;
    fig(&t, "11", "i_new", SPIE_VK_COUNT, SPIE_IND_ENTRANTS)->ival = 1;
    fig(&t, "11", "j_from_zero", SPIE_VK_CENTS, SPIE_IND_PAYE_ETAT)->ival = -12345;
    fig(&t, "11", "k_unit_changed", SPIE_VK_COUNT, SPIE_IND_ENTRANTS)->ival = 3;
    fig(&t, "11", "l_big_money", SPIE_VK_CENTS, SPIE_IND_PAYE_ETAT)->ival = 900719925474099300LL;
    spie_table_sort(&t);
    spie_prev_figure pf[] = {
        {"departement", "11", "ensemble", "", "a_count", "50", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "b_money", "0.10", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "c_days_max", "45", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "d_share", "0.1", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "e_month", "2024-05", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "f_secret_now", "12", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "g_secret_before", "", SPIE_STATUS_SECRET},
        {"departement", "11", "ensemble", "", "h_nd_before", "", SPIE_STATUS_ND},
        {"departement", "11", "ensemble", "", "j_from_zero", "0.00", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "k_unit_changed", "2.5", SPIE_STATUS_OK},
        {"departement", "11", "ensemble", "", "l_big_money", "9007199254740991.99", SPIE_STATUS_OK},
    };
    spie_previous prev = {.found = true, .period_s = "2023-05", .figures = pf, .n_figures = SPIE_ARRAY_LEN(pf)};
    spie_change *c;
    size_t present;
    assert_true(spie_evolution_build(&t, &prev, &c, &present));
    assert_int_equal(present, 7);
    /* a_count: 54 against 50 */
    assert_true(c[0].present && c[0].unit == SPIE_CHANGE_COUNT);
    assert_int_equal(c[0].ecart_ival, 4);
    assert_true(c[0].has_evolution && c[0].evolution == 0.08);
    /* b_money: 0.30 against 0.10, exactly 20 cents (0.3 - 0.1 in double is not 0.2) */
    assert_true(c[1].unit == SPIE_CHANGE_MONEY);
    assert_int_equal(c[1].prev_ival, 10);
    assert_int_equal(c[1].ecart_ival, 20);
    assert_true(c[1].evolution == 2.0);
    /* c_days_max: days, no relative change */
    assert_true(c[2].unit == SPIE_CHANGE_DAYS && c[2].ecart_ival == -5 && !c[2].has_evolution);
    /* d_share: a double difference, no relative change */
    assert_true(c[3].unit == SPIE_CHANGE_REAL && c[3].ecart_real == 0.3 - 0.1 && !c[3].has_evolution);
    /* e_month: both values, no difference */
    assert_true(c[4].present && !c[4].has_ecart);
    assert_string_equal(c[4].prev_text, "2024-05");
    /* secret or nd on either side, new, or a previous value that does not read: nothing */
    assert_false(c[5].present);
    assert_false(c[6].present);
    assert_false(c[7].present);
    assert_false(c[8].present);
    assert_false(c[10].present);
    /* j_from_zero: a difference, no relative change from 0 */
    assert_true(c[9].present && c[9].ecart_ival == -12345 && !c[9].has_evolution);
    /* l_big_money: cents beyond 2^53, exact */
    assert_int_equal(c[11].ecart_ival, 900719925474099300LL - 900719925474099199LL);

    /* The file: header, the rows present only, in the table's order. */
    char *root = tu_mkdtemp();
    char *path = join(root, "evolution_2023-06.csv");
    assert_int_equal(spie_evolution_write_csv(&t, c, "2023-05", path), 0);
    char *text = tu_read_file(path, NULL);
    assert_string_equal(text,
                        "niveau,code,libelle,ventilation,modalite,indicateur,periode_precedente,valeur_precedente,"
                        "valeur,ecart,evolution\n"
                        "departement,11,Test,ensemble,,a_count,2023-05,50,54,4,0.08\n"
                        "departement,11,Test,ensemble,,b_money,2023-05,0.10,0.30,0.20,2\n"
                        "departement,11,Test,ensemble,,c_days_max,2023-05,45,40,-5,\n"
                        "departement,11,Test,ensemble,,d_share,2023-05,0.1,0.3,0.19999999999999998,\n"
                        "departement,11,Test,ensemble,,e_month,2023-05,2024-05,2024-03,,\n"
                        "departement,11,Test,ensemble,,j_from_zero,2023-05,0.00,-123.45,-123.45,\n"
                        "departement,11,Test,ensemble,,l_big_money,2023-05,9007199254740991.99,9007199254740993.00,"
                        "1.01,1.121325254871408e-16\n");
    free(text);
    free(path);
    free(c);
    /* No previous publication: nothing present. */
    prev.found = false;
    assert_true(spie_evolution_build(&t, &prev, &c, &present));
    assert_int_equal(present, 0);
    free(c);
    assert_int_equal(tu_rmtree(root), 0);
    free(root);
    spie_table_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_rule),      cmocka_unit_test(test_continuity), cmocka_unit_test(test_find),
        cmocka_unit_test(test_bad_indicators), cmocka_unit_test(test_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
