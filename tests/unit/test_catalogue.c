/* Tests of the indicator catalogue (engine/figures/catalogue.c, include/spie/catalogue.h):
 * - every row is filled, and no two rows have the same name pattern;
 * - names and identities round-trip for every indicator and every value of its parameter,
 *   with the default parameters and with configured delay pairs (new codes, the longest
 *   code, a replaced set), and no two identities give the same name;
 * - identities out of the catalogue (no indicator, a parameter off its range, a pair the
 *   configuration does not have) give no name, and names that are not the catalogue's are
 *   not read;
 * - labels put the parameter in words;
 * - docs/dictionnaire.md documents exactly the names the CSV can contain (with the default
 *   parameters; the month series as their <AAAA-MM> pattern), each in the section of its
 *   family and with its unit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/catalogue.h"
#include "spie/date.h"
#include "spie/extract.h"
#include "spie/table.h"
#include "testutil.h"

static spie_month month(int y, int m)
{
    spie_month x = 0;
    assert_true(spie_month_from_ym(y, m, &x));
    return x;
}

/* ---- the rows --------------------------------------------------------------------------- */

static void test_rows_filled(void **state)
{
    (void)state;
    assert_null(spie_ind_def_of(SPIE_IND_NONE));
    assert_null(spie_ind_def_of(SPIE_IND_COUNT));
    char pat[SPIE_IND_COUNT][SPIE_IND_NAME_MAX];
    for (unsigned i = SPIE_IND_NONE + 1; i < SPIE_IND_COUNT; i++) {
        const spie_ind_def *d = spie_ind_def_of(i);
        assert_non_null(d);
        assert_true(d->id && d->id[0] && d->prefix[0] && d->label[0] && d->definition[0]);
        assert_true((unsigned)d->family < SPIE_FAM_COUNT && (unsigned)d->param < SPIE_PARAM_COUNT &&
                    (unsigned)d->unit < SPIE_UNIT_COUNT && (unsigned)d->part < SPIE_PART_COUNT);
        /* a label or definition speaks of the parameter when it has one, else of none */
        const char *ph = spie_param_placeholder(d->param);
        if (d->param != SPIE_PARAM_NONE && d->param != SPIE_PARAM_PAIR && !strstr(d->label, ph))
            fail_msg("%s: label without %s", d->id, ph);
        if (d->param == SPIE_PARAM_NONE && strchr(d->label, '<'))
            fail_msg("%s: label with a placeholder", d->id);
        /* only counts of persons are in partitions as cells or totals */
        if (d->part != SPIE_PART_NONE && !(d->flags & SPIE_IF_EFFECTIF_OF_PART))
            assert_int_equal(d->rule, SPIE_RULE_COUNT);
        assert_true(spie_ind_pattern(i, pat[i], sizeof pat[i]) > 0);
        for (unsigned j = SPIE_IND_NONE + 1; j < i; j++)
            if (strcmp(pat[i], pat[j]) == 0)
                fail_msg("%s and %s have the same pattern %s", d->id, spie_ind_def_of(j)->id, pat[i]);
    }
    char buf[SPIE_IND_NAME_MAX];
    spie_ind_pattern(SPIE_IND_DELAI_KM_MEDIANE, buf, sizeof buf);
    assert_string_equal(buf, "delai_<c>_km_mediane");
    spie_ind_pattern(SPIE_IND_PAYE_ENVELOPPE_CUMUL, buf, sizeof buf);
    assert_string_equal(buf, "paye_enveloppe_cumul_<AAAA-MM>");
    spie_ind_pattern(SPIE_IND_TAUX_REPRISE_DURABLE, buf, sizeof buf);
    assert_string_equal(buf, "taux_reprise_durable_<h>m");
    assert_int_equal(spie_ind_pattern(SPIE_IND_NONE, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
}

/* ---- round trips -------------------------------------------------------------------------- */

typedef struct seen {
    char (*names)[SPIE_IND_NAME_MAX];
    size_t n, cap;
} seen;

/* Every identity of the catalogue under p and period P: its name reads back to it, no
 * other identity has the same name. Returns the number of identities. */
static size_t round_trips(const spie_params *p, spie_month period)
{
    seen s = {calloc(8192, SPIE_IND_NAME_MAX), 0, 8192};
    assert_non_null(s.names);
    for (unsigned i = SPIE_IND_NONE + 1; i < SPIE_IND_COUNT; i++) {
        int32_t args[256];
        size_t na = spie_ind_args(i, p, period, args, 256);
        assert_true(na <= 256);
        spie_param par = spie_ind_def_of(i)->param;
        if ((par != SPIE_PARAM_PAIR || p->n_pairs) && par != SPIE_PARAM_MONTH && par != SPIE_PARAM_WINDOW_MONTH)
            assert_true(na > 0);
        for (size_t a = 0; a < na; a++) {
            spie_ind_id id = spie_id((spie_ind)i, args[a]), back = {0, 0};
            char name[SPIE_IND_NAME_MAX], label[200];
            size_t n = spie_ind_name(id, p, name, sizeof name);
            if (n == 0)
                fail_msg("%s (%ld): no name", spie_ind_def_of(i)->id, (long)args[a]);
            assert_int_equal(n, strlen(name));
            if (!spie_ind_parse(name, p, &back) || !spie_id_eq(back, id))
                fail_msg("%s reads back as indicator %u (%ld), not %u (%ld)", name, back.ind, (long)back.arg, id.ind,
                         (long)id.arg);
            assert_true(spie_ind_label(id, p, label, sizeof label) > 0);
            assert_null(strchr(label, '<'));
            for (size_t k = 0; k < s.n; k++)
                if (strcmp(s.names[k], name) == 0)
                    fail_msg("two identities are named %s", name);
            assert_true(s.n < s.cap);
            memcpy(s.names[s.n++], name, sizeof name);
        }
    }
    free(s.names);
    return s.n;
}

static void test_round_trip_defaults(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    /* 23 counts + 6 pairs x 14 + 3 horizons x 2 + 25 points + 1, 4 territory counts, budget:
     * 9 + 2 x 18 months (2021-01 .. 2022-06) + 2, national: 8 + 2 x 18 + 3; the rates on
     * the national mix (docs/methodologie.md §12): 3 horizons x 6 */
    assert_int_equal(round_trips(&p, month(2022, 6)), 139 + 4 + 9 + 36 + 2 + 7 + 36 + 3 + 18);
    /* after the window's end the envelope series stops, the territories' goes on */
    assert_int_equal(round_trips(&p, month(2024, 2)), 139 + 4 + 9 + 2 * 38 + 2 + 7 + 2 * 36 + 3 + 18);
    /* before the window's start, no series */
    assert_int_equal(round_trips(&p, month(2020, 6)), 139 + 4 + 9 + 2 + 7 + 3 + 18);

    char name[SPIE_IND_NAME_MAX];
    spie_ind_name(spie_id(SPIE_IND_DELAI_PART_CIBLE, 0), &p, name, sizeof name);
    assert_string_equal(name, "delai_d_orient_part_cible");
    spie_ind_name(spie_id(SPIE_IND_REPRISE, 3), &p, name, sizeof name);
    assert_string_equal(name, "reprise_creation_entreprise");
    spie_ind_name(spie_id(SPIE_IND_COFINANCEMENT, SPIE_FIN_FRANCE_TRAVAIL), &p, name, sizeof name);
    assert_string_equal(name, "cofinancement_france_travail");
    spie_ind_name(spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, 12), &p, name, sizeof name);
    assert_string_equal(name, "taux_reprise_durable_12m");
    spie_ind_name(spie_id(SPIE_IND_REPRISE_INCIDENCE, 0), &p, name, sizeof name);
    assert_string_equal(name, "reprise_incidence_j0");
    spie_ind_name(spie_id(SPIE_IND_PAYE_ETAT_CUMUL, month(2023, 4)), &p, name, sizeof name);
    assert_string_equal(name, "paye_etat_cumul_2023-04");
    spie_ind_name(spie_id(SPIE_IND_TERRITOIRES_INCLUS_BUDGET, 0), NULL, name, sizeof name);
    assert_string_equal(name, "territoires_inclus_budget");
}

/* Pairs come from the configuration: new codes (digits, the longest code of 23
 * characters), a set that replaces the defaults; the identity holds the pair's index. */
static void test_round_trip_configured_pairs(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    static const char *const extra[] = {"D_X9", "ABCDEFGHIJKLMNOPQRSTUVW", "D_ORIENT2"};
    for (size_t i = 0; i < SPIE_ARRAY_LEN(extra); i++) {
        spie_pair *q = &p.pairs[p.n_pairs++];
        memset(q, 0, sizeof *q);
        snprintf(q->code, sizeof q->code, "%s", extra[i]);
        q->from = SPIE_EP_DIAGNOSTIC;
        q->to = SPIE_EP_SUIVI;
        q->target = 45;
    }
    size_t n = round_trips(&p, month(2022, 6));
    assert_int_equal(n, 139 + 3 * 14 + 4 + 9 + 36 + 2 + 7 + 36 + 3 + 18);
    char name[SPIE_IND_NAME_MAX];
    assert_true(spie_ind_name(spie_id(SPIE_IND_DELAI_INCOHERENTS, 7), &p, name, sizeof name) > 0);
    assert_string_equal(name, "delai_abcdefghijklmnopqrstuvw_incoherents");
    spie_ind_id id;
    assert_true(spie_ind_parse("delai_d_x9_km_mediane", &p, &id));
    assert_true(spie_id_eq(id, spie_id(SPIE_IND_DELAI_KM_MEDIANE, 6)));
    assert_true(spie_ind_parse("delai_d_orient2_p25", &p, &id));
    assert_true(spie_id_eq(id, spie_id(SPIE_IND_DELAI_P25, 8)));

    /* A configuration that replaces the pairs: index 0 is its first pair. */
    spie_params q;
    spie_params_default(&q);
    q.n_pairs = 1;
    snprintf(q.pairs[0].code, sizeof q.pairs[0].code, "D_SEUL");
    assert_int_equal(round_trips(&q, month(2022, 6)), 139 - 5 * 14 + 4 + 9 + 36 + 2 + 7 + 36 + 3 + 18);
    spie_ind_name(spie_id(SPIE_IND_DELAI_MOYENNE, 0), &q, name, sizeof name);
    assert_string_equal(name, "delai_d_seul_moyenne");
    assert_false(spie_ind_parse("delai_d_orient_moyenne", &q, &id)); /* not configured */
    assert_int_equal(spie_ind_name(spie_id(SPIE_IND_DELAI_MOYENNE, 1), &q, name, sizeof name), 0);

    /* No pair at all: no delay figure. */
    q.n_pairs = 0;
    assert_int_equal(spie_ind_args(SPIE_IND_DELAI_MOYENNE, &q, month(2022, 6), NULL, 0), 0);
    assert_int_equal(round_trips(&q, month(2022, 6)), 139 - 6 * 14 + 4 + 9 + 36 + 2 + 7 + 36 + 3 + 18);
}

/* ---- out of the catalogue ------------------------------------------------------------------- */

static void test_unknown_identities(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    const spie_ind_id bad[] = {
        {SPIE_IND_NONE, 0},
        {SPIE_IND_COUNT, 0},
        {SPIE_IND_COUNT + 7, 0},
        {SPIE_IND_ENTRANTS, 1},                         /* no parameter */
        {SPIE_IND_SOLUTION, -1},
        {SPIE_IND_SOLUTION, 9},                         /* 9 solution types */
        {SPIE_IND_SORTIE, 4},
        {SPIE_IND_COFINANCEMENT, 0},                    /* ETAT is not a co-financer */
        {SPIE_IND_COFINANCEMENT, 5},
        {SPIE_IND_DELAI_MOYENNE, 6},                    /* six pairs by default */
        {SPIE_IND_DELAI_MOYENNE, -1},
        {SPIE_IND_TAUX_REPRISE, 0},
        {SPIE_IND_TAUX_REPRISE, 241},
        {SPIE_IND_REPRISE_INCIDENCE, 15},               /* off the grid */
        {SPIE_IND_REPRISE_INCIDENCE, 750},
        {SPIE_IND_PAYE_ETAT_MOIS, -1},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(bad); i++) {
        char name[SPIE_IND_NAME_MAX] = "x", label[100] = "x";
        if (spie_ind_name(bad[i], &p, name, sizeof name) != 0 || name[0])
            fail_msg("identity %u (%ld) named %s", bad[i].ind, (long)bad[i].arg, name);
        assert_int_equal(spie_ind_label(bad[i], &p, label, sizeof label), 0);
        assert_string_equal(label, "");
    }
    /* pairs need the parameters */
    char name[SPIE_IND_NAME_MAX];
    assert_int_equal(spie_ind_name(spie_id(SPIE_IND_DELAI_MOYENNE, 0), NULL, name, sizeof name), 0);
    /* a buffer too small */
    assert_int_equal(spie_ind_name(spie_id(SPIE_IND_ENTRANTS, 0), &p, name, 8), 0);
    assert_string_equal(name, "");
    assert_int_equal(spie_ind_name(spie_id(SPIE_IND_ENTRANTS, 0), &p, name, 9), 8);

    static const char *const not_names[] = {
        "", "entrant", "entrants_", "ENTRANTS", "solution_FORMATION", "solution_", "solution_inconnue",
        "reprise_", "taux_reprise_m", "taux_reprise_06m", "taux_reprise_6", "taux_reprise_0m", "taux_reprise_241m",
        "taux_reprise_durable_m", "reprise_incidence_j", "reprise_incidence_j045", "reprise_incidence_j45",
        "paye_etat_mois_2023-4", "paye_etat_mois_2023-13", "paye_etat_cumul_", "delai__moyenne",
        "delai_d_inconnu_moyenne", "delai_d_orient_", "cofinancement_etat", "territoires",
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(not_names); i++) {
        spie_ind_id id;
        if (spie_ind_parse(not_names[i], &p, &id))
            fail_msg("\"%s\" read as indicator %u (%ld)", not_names[i], id.ind, (long)id.arg);
    }
    /* _km_mediane is not the _mediane of a pair "d_orient_km" */
    spie_ind_id id;
    assert_true(spie_ind_parse("delai_d_orient_km_mediane", &p, &id));
    assert_true(spie_id_eq(id, spie_id(SPIE_IND_DELAI_KM_MEDIANE, 0)));
    assert_true(spie_ind_parse("reprise_incidence_j720", &p, &id));
    assert_true(spie_id_eq(id, spie_id(SPIE_IND_REPRISE_INCIDENCE, 720)));
}

static void test_labels(void **state)
{
    (void)state;
    spie_params p;
    spie_params_default(&p);
    char l[200];
    spie_ind_label(spie_id(SPIE_IND_SOLUTION, 1), &p, l, sizeof l);
    assert_string_equal(l, "Solution : immersion en entreprise");
    spie_ind_label(spie_id(SPIE_IND_REPRISE, 0), &p, l, sizeof l);
    assert_string_equal(l, "Première reprise : emploi durable");
    spie_ind_label(spie_id(SPIE_IND_COFINANCEMENT, SPIE_FIN_AUTRE), &p, l, sizeof l);
    assert_string_equal(l, "Cofinancement payé : autres financeurs");
    spie_ind_label(spie_id(SPIE_IND_TAUX_REPRISE, 12), &p, l, sizeof l);
    assert_string_equal(l, "Taux de reprise d'activité à 12 mois");
    spie_ind_label(spie_id(SPIE_IND_DELAI_KM_MEDIANE, 2), &p, l, sizeof l);
    assert_string_equal(l, "Médiane de Kaplan–Meier (jours, délais en cours compris)");
    spie_ind_label(spie_id(SPIE_IND_PAYE_ENVELOPPE_MOIS, month(2021, 3)), &p, l, sizeof l);
    assert_string_equal(l, "Enveloppe (territoires et NAT) : payé dans le mois 2021-03");
    /* properties the secret and the workbooks read */
    assert_true(spie_ind_has_interval(spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, 6)));
    assert_true(spie_ind_has_interval(spie_id(SPIE_IND_PROJECTION_PAYE_FIN, 0)));
    assert_false(spie_ind_has_interval(spie_id(SPIE_IND_PROJECTION_PART_ENVELOPPE, 0)));
    assert_false(spie_ind_has_interval(spie_id(SPIE_IND_NONE, 0)));
    assert_int_equal(spie_ind_rule(spie_id(SPIE_IND_TERRITOIRES_INCLUS, 0)), SPIE_RULE_NONE);
    assert_int_equal(spie_ind_rule(spie_id(SPIE_IND_COUT_PAR_ENTRANT, 0)), SPIE_RULE_STAT);
    assert_int_equal(spie_ind_rule(spie_id(SPIE_IND_DELAI_PART_CIBLE, 0)), SPIE_RULE_RATE);
    assert_true(spie_ind_published_at(SPIE_IND_ENVELOPPE, SPIE_LEVEL_NATIONAL));
    assert_false(spie_ind_published_at(SPIE_IND_ENVELOPPE, SPIE_LEVEL_REGION));
    assert_false(spie_ind_published_at(SPIE_IND_TERRITOIRES_INCLUS, SPIE_LEVEL_DEPARTEMENT));
    assert_true(spie_ind_published_at(SPIE_IND_TERRITOIRES_INCLUS, SPIE_LEVEL_VAGUE));
    assert_true(spie_ind_published_at(SPIE_IND_PAYE_ETAT_MOIS, SPIE_LEVEL_DEPARTEMENT));
}

/* ---- the dictionary ------------------------------------------------------------------------- */

typedef struct doc_name {
    char name[64];
    int section; /* "## N." */
    char unit[64];
    bool matched;
} doc_name;

/* The cell `col` of a table row "| a | b | ... |" (trimmed), into out. */
static bool cell(const char *line, int col, char *out, size_t size)
{
    const char *p = line;
    for (int c = 0; c <= col; c++) {
        p = strchr(p, '|');
        if (!p)
            return false;
        p++;
    }
    const char *e = strchr(p, '|');
    if (!e)
        return false;
    while (p < e && *p == ' ')
        p++;
    while (e > p && e[-1] == ' ')
        e--;
    if ((size_t)(e - p) >= size)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return true;
}

/* The names of the dictionary's indicator tables (those whose header begins
 * "| indicateur |"), with their section and unit. */
static size_t read_dictionary(doc_name *out, size_t max)
{
    char *path = tu_src_path("docs/dictionnaire.md");
    assert_non_null(path);
    char *text = tu_read_file(path, NULL);
    if (!text)
        fail_msg("cannot read %s", path);
    size_t n = 0;
    int section = 0;
    bool in_table = false;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "## ", 3) == 0)
            section = atoi(line + 3);
        if (line[0] != '|') {
            in_table = false;
            continue;
        }
        char first[128], unit[64];
        if (!cell(line, 0, first, sizeof first))
            continue;
        if (first[0] != '`') { /* a header (an indicator table's or another's) or |---| */
            if (first[0] != '-')
                in_table = strcmp(first, "indicateur") == 0;
            continue;
        }
        if (!in_table)
            continue;
        size_t k = strlen(first);
        if (k < 3 || first[k - 1] != '`' || strchr(first + 1, '`') != first + k - 1)
            fail_msg("dictionary row whose name is not one `name`: %s", line);
        assert_true(n < max);
        memcpy(out[n].name, first + 1, k - 2);
        out[n].name[k - 2] = 0;
        out[n].section = section;
        assert_true(cell(line, 2, unit, sizeof unit));
        snprintf(out[n].unit, sizeof out[n].unit, "%s", unit);
        out[n].matched = false;
        n++;
    }
    free(text);
    free(path);
    return n;
}

/* Every name of the CSV (default parameters; a month series as its pattern) is a row of
 * the dictionary's indicator tables, in the section of its family, with its unit; and
 * every such row is a name of the catalogue. */
static void test_dictionary(void **state)
{
    (void)state;
    static doc_name doc[600];
    size_t nd = read_dictionary(doc, SPIE_ARRAY_LEN(doc));
    assert_true(nd > 150);
    spie_params p;
    spie_params_default(&p);
    size_t missing = 0, checked = 0;
    for (unsigned i = SPIE_IND_NONE + 1; i < SPIE_IND_COUNT; i++) {
        const spie_ind_def *d = spie_ind_def_of(i);
        int32_t args[64];
        bool series = d->param == SPIE_PARAM_MONTH || d->param == SPIE_PARAM_WINDOW_MONTH;
        size_t na = series ? 1 : spie_ind_args(i, &p, 0, args, 64);
        assert_true(na <= 64);
        for (size_t a = 0; a < na; a++) {
            char name[SPIE_IND_NAME_MAX];
            if (series)
                spie_ind_pattern(i, name, sizeof name);
            else
                assert_true(spie_ind_name(spie_id((spie_ind)i, args[a]), &p, name, sizeof name) > 0);
            checked++;
            size_t k = 0;
            while (k < nd && strcmp(doc[k].name, name) != 0)
                k++;
            if (k == nd) {
                print_error("%s (%s) is not in docs/dictionnaire.md\n", name, d->id);
                missing++;
                continue;
            }
            if (doc[k].matched)
                fail_msg("%s is documented twice", name);
            doc[k].matched = true;
            if (doc[k].section != spie_family_section(d->family))
                fail_msg("%s is documented in section %d, its family is section %d", name, doc[k].section,
                         spie_family_section(d->family));
            if (strncmp(doc[k].unit, spie_unit_word(d->unit), strlen(spie_unit_word(d->unit))) != 0)
                fail_msg("%s: unit \"%s\" in the dictionary, \"%s\" in the catalogue", name, doc[k].unit,
                         spie_unit_word(d->unit));
        }
    }
    size_t extra = 0;
    for (size_t k = 0; k < nd; k++)
        if (!doc[k].matched) {
            print_error("docs/dictionnaire.md documents %s, which the catalogue does not have\n", doc[k].name);
            extra++;
        }
    if (missing || extra)
        fail_msg("%zu names not documented, %zu documented names not in the catalogue", missing, extra);
    assert_int_equal(checked, nd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_filled),
        cmocka_unit_test(test_round_trip_defaults),
        cmocka_unit_test(test_round_trip_configured_pairs),
        cmocka_unit_test(test_unknown_identities),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_dictionary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
