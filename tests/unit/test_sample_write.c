/* Unit tests of samples/: the synthetic-inbox generator (spie sample), what it writes:
 * the same files byte for byte for the same options and seed, the file set (the three
 * kinds per territory and month, the NAT budget, territoires.csv, fichiers.csv and
 * defauts.csv in the order of docs/format-extraits.md §6), cumulative extracts, the dirt
 * (every reason of docs/format-extraits.md §6, the French-style territory, two gzip
 * members, a plain .csv), --clean, and the refusals. The fixture (months, folder listings,
 * paths and file contents) is sample_fixture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <sys/stat.h>
#include <zlib.h>

#include "sample_fixture.h"
#include "spie/date.h"
#include "spie/fields.h"
#include "spie/sample.h"
#include "testutil.h"

static const char *const reason_codes[14] = {
    "NB_CHAMPS",        "CHAMP_MANQUANT",  "ID_INVALIDE",          "DATE_INVALIDE",      "CODE_INVALIDE",
    "MONTANT_INVALIDE", "DEPT_INCOHERENT", "DATE_FUTURE",          "DATE_HORS_PROGRAMME", "ANNEE_NAISSANCE",
    "DOUBLON",          "BENEFICIAIRE_INCONNU", "ETAPE_AVANT_ENTREE", "TYPE_MANQUANT"};

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- helpers: extracts and generated folders ------------------------------------------ */

/* Decompresses every gzip member of a buffer; *members counts them. */
static char *gunzip(const char *data, size_t n, size_t *out_n, int *members)
{
    size_t cap = n * 8 + 1024, len = 0;
    char *out = malloc(cap + 1);
    assert_non_null(out);
    *members = 0;
    size_t pos = 0;
    while (pos < n) {
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
        z.next_in = (Bytef *)(uintptr_t)(data + pos);
        z.avail_in = (uInt)(n - pos);
        int rc;
        do {
            if (cap - len < 65536) {
                cap *= 2;
                char *no = realloc(out, cap + 1);
                assert_non_null(no);
                out = no;
            }
            z.next_out = (Bytef *)(out + len);
            z.avail_out = (uInt)(cap - len);
            rc = inflate(&z, Z_NO_FLUSH);
            len = cap - z.avail_out;
            assert_true(rc == Z_OK || rc == Z_STREAM_END);
        } while (rc != Z_STREAM_END);
        pos = n - z.avail_in;
        inflateEnd(&z);
        (*members)++;
    }
    out[len] = '\0';
    *out_n = len;
    return out;
}

/* An extract's text: gunzipped when its name ends with .gz. */
static char *extract_text(const char *inbox, const char *name, size_t *n, int *members)
{
    size_t raw_n;
    char *raw = read_in(inbox, name, &raw_n);
    size_t ln = strlen(name);
    if (ln > 3 && !strcmp(name + ln - 3, ".gz")) {
        char *t = gunzip(raw, raw_n, n, members);
        free(raw);
        return t;
    }
    *members = 0;
    *n = raw_n;
    return raw;
}

static spie_sample_options demo_options(spie_month until, uint64_t seed)
{
    spie_sample_options o;
    spie_sample_options_init(&o);
    o.until = until;
    o.seed = seed;
    return o;
}

/* Generates into a fresh temporary folder; returns it (caller removes it). */
static char *generate(const spie_sample_options *o)
{
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    spie_sample_error err;
    spie_sample_summary sum;
    spie_sample_status st = spie_sample_write(dir, o, &sum, &err);
    if (st != SPIE_SAMPLE_OK)
        print_error("spie_sample_write: %s\n", err.msg);
    assert_int_equal(st, SPIE_SAMPLE_OK);
    assert_true(sum.files > 0);
    return dir;
}

/* ---- writing --------------------------------------------------------------------------- */

/* Same options, same seed: the same files, byte for byte. Another seed: other data. */
static void test_reproducible(void **state)
{
    (void)state;
    spie_sample_options o = demo_options(ym(2022, 4), 7);
    o.history = 2;
    char *a = generate(&o);
    char *b = generate(&o);
    o.seed = 8;
    char *c = generate(&o);
    const char *sub[] = {"", "inbox"};
    size_t compared = 0, differ = 0;
    for (size_t s = 0; s < 2; s++) {
        char *da = path2(a, sub[s]), *db = path2(b, sub[s]), *dc = path2(c, sub[s]);
        names la = list_dir(da), lb = list_dir(db), lc = list_dir(dc);
        assert_int_equal(la.n, lb.n);
        assert_int_equal(la.n, lc.n);
        for (size_t i = 0; i < la.n; i++) {
            assert_string_equal(la.v[i], lb.v[i]);
            assert_string_equal(la.v[i], lc.v[i]);
            if (!strcmp(la.v[i], "inbox"))
                continue;
            size_t na, nb, nc;
            char *fa = read_in(da, la.v[i], &na), *fb = read_in(db, lb.v[i], &nb), *fc = read_in(dc, lc.v[i], &nc);
            assert_int_equal(na, nb);
            assert_memory_equal(fa, fb, na);
            compared++;
            if (s == 1 && (na != nc || memcmp(fa, fc, na) != 0))
                differ++;
            free(fa);
            free(fb);
            free(fc);
        }
        names_free(&la);
        names_free(&lb);
        names_free(&lc);
        free(da);
        free(db);
        free(dc);
    }
    /* 7 territories x 2 months x 3 kinds + 2 NAT + 3 side files. */
    assert_int_equal(compared, 7 * 2 * 3 + 2 + 3);
    /* Every extract depends on the seed. */
    assert_int_equal(differ, 7 * 2 * 3 + 2);
    assert_int_equal(tu_rmtree(a), 0);
    assert_int_equal(tu_rmtree(b), 0);
    assert_int_equal(tu_rmtree(c), 0);
    free(a);
    free(b);
    free(c);
}

/* The file set: every territory but the missing one has the three kinds for each month
 * from its wave's start to --until (one month less for the late one), the NAT budget every
 * month from 2020-03; nothing else. Demo territories: 29, 35, 56, 59, 80 (EXP2020, 2020-03),
 * 11 (AMI1, 2021-05), 31 (AMI2, 2022-02), 30 (missing), 80 late by a month, 56 plain. */
static void test_file_set(void **state)
{
    (void)state;
    spie_sample_options o = demo_options(ym(2022, 4), 2026);
    char *dir = generate(&o);
    char *inbox = path2(dir, "inbox");
    names got = list_dir(inbox);
    struct {
        const char *code;
        int y0, m0, y1, m1;
        const char *ext;
    } terr[] = {
        {"11", 2021, 5, 2022, 4, ".csv.gz"}, {"29", 2020, 3, 2022, 4, ".csv.gz"}, {"31", 2022, 2, 2022, 4, ".csv.gz"},
        {"35", 2020, 3, 2022, 4, ".csv.gz"}, {"56", 2020, 3, 2022, 4, ".csv"},    {"59", 2020, 3, 2022, 4, ".csv.gz"},
        {"80", 2020, 3, 2022, 3, ".csv.gz"},
    };
    static const char *const kinds[] = {"beneficiaires", "budget", "etapes"};
    size_t expected = 0;
    char name[80];
    for (size_t t = 0; t < SPIE_ARRAY_LEN(terr); t++)
        for (spie_month m = ym(terr[t].y0, terr[t].m0); m <= ym(terr[t].y1, terr[t].m1); m++)
            for (size_t k = 0; k < 3; k++) {
                char mm[8];
                spie_month_format(m, mm);
                snprintf(name, sizeof name, "spie_%s_%s_%s%s", terr[t].code, mm, kinds[k], terr[t].ext);
                if (!names_has(&got, name))
                    print_error("missing %s\n", name);
                assert_true(names_has(&got, name));
                expected++;
            }
    for (spie_month m = ym(2020, 3); m <= ym(2022, 4); m++) {
        char mm[8];
        spie_month_format(m, mm);
        snprintf(name, sizeof name, "spie_NAT_%s_budget.csv.gz", mm);
        assert_true(names_has(&got, name));
        expected++;
    }
    assert_int_equal(got.n, expected);
    for (size_t i = 0; i < got.n; i++)
        assert_null(strstr(got.v[i], "_30_"));

    /* The territories table lists the missing territory too. */
    size_t n;
    char *terrs = read_in(dir, "territoires.csv", &n);
    assert_true(starts_with(terrs, "departement,vague,allocation_etat\n"));
    assert_non_null(strstr(terrs, "\n30,AMI2,"));
    assert_non_null(strstr(terrs, "\n11,AMI1,"));
    free(terrs);
    char *facts = read_in(dir, "fichiers.csv", &n);
    assert_non_null(strstr(facts, "aucun extrait"));
    assert_non_null(strstr(facts, "en retard de 1 mois"));
    free(facts);

    /* defauts.csv: 14 rows per file, in the order of docs/format-extraits.md §6. */
    char *def = read_in(dir, "defauts.csv", &n);
    assert_true(starts_with(def, "fichier,code,nombre\n"));
    size_t rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(def + 20, "\n", &save); line; line = strtok_r(NULL, "\n", &save), rows++) {
        char *c1 = strchr(line, ',');
        assert_non_null(c1);
        char *c2 = strchr(c1 + 1, ',');
        assert_non_null(c2);
        *c2 = '\0';
        assert_string_equal(c1 + 1, reason_codes[rows % 14]);
    }
    assert_int_equal(rows, 14 * got.n);
    free(def);

    names_free(&got);
    free(inbox);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* Counts of one (file, code) in defauts.csv, -1 when absent. */
static long defect_count(const char *def, const char *file, const char *code)
{
    char key[160];
    snprintf(key, sizeof key, "\n%s,%s,", file, code);
    const char *p = strstr(def, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Extracts are cumulative: each data line of a month is in the next month's file, and no
 * valid date is after the month's end. The dirt is the same from month to month. */
static void test_cumulative(void **state)
{
    (void)state;
    spie_sample_options o = demo_options(ym(2021, 7), 2026);
    char *dir = generate(&o);
    char *inbox = path2(dir, "inbox");
    size_t dn;
    char *def = read_in(dir, "defauts.csv", &dn);
    static const char *const files[][2] = {
        {"spie_29_2021-06_etapes.csv.gz", "spie_29_2021-07_etapes.csv.gz"},
        {"spie_29_2021-06_beneficiaires.csv.gz", "spie_29_2021-07_beneficiaires.csv.gz"},
        {"spie_59_2021-06_budget.csv.gz", "spie_59_2021-07_budget.csv.gz"},
    };
    static const char *const headers[] = {"id_beneficiaire,etape,date_etape,type\n",
                                          "id_beneficiaire,date_entree,public,sexe,annee_naissance,departement\n",
                                          "mois,financeur,montant_engage,montant_paye,departement,libelle\n"};
    spie_day end_june = spie_month_last_day(ym(2021, 6));
    for (size_t f = 0; f < SPIE_ARRAY_LEN(files); f++) {
        size_t n1, n2;
        int m1, m2;
        char *t1 = extract_text(inbox, files[f][0], &n1, &m1);
        char *t2 = extract_text(inbox, files[f][1], &n2, &m2);
        assert_int_equal(m1, 1);
        assert_int_equal(m2, 1);
        assert_true(starts_with(t1, headers[f]));
        assert_true(starts_with(t2, headers[f]));
        assert_true(n2 > n1);
        /* Rows are written in the order they were recorded: the earlier file is a prefix of
         * the later one, line for line. */
        assert_memory_equal(t1, t2, n1);
        size_t lines = 0;
        char *save = NULL;
        for (char *line = strtok_r(t1 + strlen(headers[f]), "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            lines++;
            if (f == 2)
                continue;
            /* The date field of each kind: 3rd for etapes, 2nd for beneficiaires. */
            char *p = line;
            for (int k = 0; k < (f == 0 ? 2 : 1) && p; k++) {
                p = strchr(p, ',');
                if (p)
                    p++;
            }
            spie_day d;
            if (p && spie_parse_date((spie_str){p, strcspn(p, ",")}, &d) && d > end_june) {
                int y, m, dd;
                spie_day_to_ymd(d, &y, &m, &dd);
                assert_int_equal(y, 2031); /* only the injected DATE_FUTURE rows */
            }
        }
        assert_true(lines > 10);
        /* The defects of the earlier month are still there a month later. */
        for (size_t c = 0; c < 14; c++) {
            long a = defect_count(def, files[f][0], reason_codes[c]);
            long b = defect_count(def, files[f][1], reason_codes[c]);
            assert_true(a >= 0 && b >= a);
        }
        free(t1);
        free(t2);
    }
    free(def);
    free(inbox);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* The dirt: every reason of docs/format-extraits.md §6 somewhere in the last files, the French-style
 * territory, the two-member gzip file, the plain .csv, empty lines. */
static void test_dirt(void **state)
{
    (void)state;
    spie_sample_options o = demo_options(ym(2023, 6), 2026);
    o.history = 1;
    char *dir = generate(&o);
    char *inbox = path2(dir, "inbox");
    size_t n;
    char *def = read_in(dir, "defauts.csv", &n);
    long total[14] = {0};
    for (size_t c = 0; c < 14; c++) {
        char key[40];
        snprintf(key, sizeof key, ",%s,", reason_codes[c]);
        for (const char *p = strstr(def, key); p; p = strstr(p + 1, key))
            total[c] += strtol(p + strlen(key), NULL, 10);
        if (total[c] == 0)
            print_error("no %s injected\n", reason_codes[c]);
        assert_true(total[c] > 0);
    }
    /* Reasons that do not apply to a kind are never counted for it. */
    for (const char *p = strstr(def, "budget.csv.gz,ID_INVALIDE,"); p; p = strstr(p + 1, "budget.csv.gz,ID_INVALIDE,"))
        assert_int_equal(strtol(p + strlen("budget.csv.gz,ID_INVALIDE,"), NULL, 10), 0);
    assert_int_equal(defect_count(def, "spie_NAT_2023-06_budget.csv.gz", "DOUBLON"), 0);
    free(def);

    int members;
    char *t = extract_text(inbox, "spie_31_2023-06_budget.csv.gz", &n, &members);
    assert_int_equal(members, 1);
    assert_true(starts_with(t, "\xEF\xBB\xBFmois;financeur;"));
    assert_non_null(strstr(t, "\r\n"));
    assert_non_null(strstr(t, ";ETAT;"));
    assert_non_null(strstr(t, "\xE0 l'emploi")); /* a Windows-1252 à */
    assert_false(spie_utf8_valid(t, n));
    free(t);
    t = extract_text(inbox, "spie_31_2023-06_etapes.csv.gz", &n, &members);
    assert_true(starts_with(t, "\xEF\xBB\xBFid_beneficiaire;etape;date_etape;type\r\n"));
    free(t);
    t = extract_text(inbox, "spie_59_2023-06_etapes.csv.gz", &n, &members);
    assert_int_equal(members, 2);
    free(t);
    t = extract_text(inbox, "spie_56_2023-06_etapes.csv", &n, &members);
    assert_true(starts_with(t, "id_beneficiaire,etape,date_etape,type\n"));
    free(t);
    char *facts = read_in(dir, "fichiers.csv", &n);
    assert_non_null(strstr(facts, "spie_59_2023-06_etapes.csv.gz,deux membres gzip"));
    assert_non_null(strstr(facts, "spie_56_2023-06_etapes.csv,fichier non compressé"));
    assert_non_null(strstr(facts, "spie_31_2023-06_budget.csv.gz,un libellé en Windows-1252"));
    assert_non_null(strstr(facts, "ligne"));
    free(facts);
    free(inbox);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* --clean: nothing to reject, every file ',' LF UTF-8 gzip with one member. */
static void test_clean(void **state)
{
    (void)state;
    spie_sample_options o = demo_options(ym(2023, 6), 2026);
    o.history = 1;
    o.clean = true;
    char *dir = generate(&o);
    char *inbox = path2(dir, "inbox");
    size_t n;
    char *def = read_in(dir, "defauts.csv", &n);
    size_t rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(def + 20, "\n", &save); line; line = strtok_r(NULL, "\n", &save), rows++) {
        size_t len = strlen(line);
        assert_true(len > 2 && !strcmp(line + len - 2, ",0"));
    }
    free(def);
    names got = list_dir(inbox);
    assert_int_equal(rows, 14 * got.n);
    for (size_t i = 0; i < got.n; i++) {
        size_t ln = strlen(got.v[i]);
        assert_true(ln > 7 && !strcmp(got.v[i] + ln - 7, ".csv.gz"));
        int members;
        char *t = extract_text(inbox, got.v[i], &n, &members);
        assert_int_equal(members, 1);
        assert_true(t[0] == 'i' || t[0] == 'm'); /* no BOM, no quotes */
        assert_null(strchr(t, '\r'));
        assert_null(strstr(t, "\n\n"));
        assert_true(spie_utf8_valid(t, n));
        free(t);
    }
    names_free(&got);
    char *facts = read_in(dir, "fichiers.csv", &n);
    assert_null(strstr(facts, "française"));
    assert_null(strstr(facts, "vide"));
    assert_null(strstr(facts, "membres"));
    assert_non_null(strstr(facts, "aucun extrait"));
    free(facts);
    free(inbox);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* Refusals: an inbox that is not empty, an output that cannot be created. */
static void test_errors(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    spie_sample_options o = demo_options(ym(2020, 4), 1);
    spie_sample_error err;
    char *inbox = path2(dir, "inbox");
    assert_int_equal(mkdir(inbox, 0777), 0);
    char *p = tu_write_file(inbox, "autre.txt", "x", 1);
    assert_non_null(p);
    free(p);
    assert_int_equal(spie_sample_write(dir, &o, NULL, &err), SPIE_SAMPLE_E_USAGE);
    assert_non_null(strstr(err.msg, "inbox"));
    /* Nothing was added. */
    names l = list_dir(inbox);
    assert_int_equal(l.n, 1);
    names_free(&l);

    /* Output under a regular file. */
    p = tu_write_file(dir, "fichier", "x", 1);
    assert_non_null(p);
    char *under = path2(p, "sortie");
    assert_int_equal(spie_sample_write(under, &o, NULL, &err), SPIE_SAMPLE_E_WRITE);
    free(under);
    free(p);

    o.until = ym(2019, 12);
    assert_int_equal(spie_sample_write(dir, &o, NULL, &err), SPIE_SAMPLE_E_USAGE);
    free(inbox);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_file_set),
        cmocka_unit_test(test_cumulative),
        cmocka_unit_test(test_dirt),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
