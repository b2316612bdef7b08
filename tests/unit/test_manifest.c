/* Tests of manifest.json and its verification (spie/manifest.h): SHA-256 against the
 * test vectors of FIPS 180-2 (appendix B: "abc", the 448-bit message, a million "a",
 * this one streamed from a file across several 64 KiB blocks) and the empty string; the
 * manifest's structure (docs/sorties.md §3) on a small inbox; its determinism (the same
 * inputs give the same bytes, with no absolute path); the parameters written and read
 * back; and verification: one changed byte in an output or in an input is found and
 * named, so is a file missing or not listed, and a folder compared with a recomputation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/manifest.h"
#include "spie/util.h"
#include "testutil.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char *p = tu_write_file(dir, name, text, strlen(text));
    assert_non_null(p);
    free(p);
}

/* Flips one byte of dir/name at offset. */
static void flip_byte(const char *dir, const char *name, long offset)
{
    char *p = join(dir, name);
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    int c = fgetc(f);
    assert_true(c != EOF);
    assert_int_equal(fseek(f, offset, SEEK_SET), 0);
    assert_int_equal(fputc(c ^ 1, f), c ^ 1);
    assert_int_equal(fclose(f), 0);
    free(p);
}

/* ---- SHA-256 ----------------------------------------------------------------------- */

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[SPIE_SHA256_HEX];
    assert_int_equal(spie_sha256_mem("abc", 3, hex), 0);
    assert_string_equal(hex, SHA_ABC);
    assert_int_equal(spie_sha256_mem("", 0, hex), 0);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(spie_sha256_mem(m448, strlen(m448), hex), 0);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* A million "a", from a file: 15 full blocks of 64 KiB and a partial one. */
    char *dir = tu_mkdtemp();
    assert_non_null(dir);
    char *a = malloc(1000000);
    assert_non_null(a);
    memset(a, 'a', 1000000);
    char *path = tu_write_file(dir, "a.bin", a, 1000000);
    assert_non_null(path);
    uint64_t size = 0;
    assert_int_equal(spie_sha256_file(path, hex, &size), 0);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    assert_int_equal(size, 1000000);

    /* Errors: a missing file, a symbolic link (never followed). */
    char *missing = join(dir, "absent");
    assert_int_equal(spie_sha256_file(missing, hex, NULL), ENOENT);
    assert_string_equal(hex, "");
    char *link = join(dir, "lien");
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(spie_sha256_file(link, hex, NULL), ELOOP);

    /* Byte-by-byte comparison: equal, one byte changed in the second block, a size. */
    a[70000] = 'b';
    char *other = tu_write_file(dir, "b.bin", a, 1000000);
    assert_non_null(other);
    char *shorter = tu_write_file(dir, "c.bin", a, 999999);
    assert_non_null(shorter);
    bool same = false;
    assert_int_equal(spie_files_equal(path, path, &same), 0);
    assert_true(same);
    assert_int_equal(spie_files_equal(path, other, &same), 0);
    assert_false(same);
    assert_int_equal(spie_files_equal(other, shorter, &same), 0);
    assert_false(same);
    assert_int_equal(spie_files_equal(path, missing, &same), ENOENT);

    free(a);
    free(path);
    free(other);
    free(shorter);
    free(missing);
    free(link);
    assert_int_equal(tu_rmtree(dir), 0);
    free(dir);
}

/* ---- a manifest over a small inbox --------------------------------------------------- */

static const char terr_csv[] = "departement,vague,allocation_etat\n"
                               "31,AMI2,370000\n"
                               "11,AMI1,100000\n";

typedef struct fixture {
    char *root, *inbox, *out, *out2;
    spie_territories terr;
    spie_plan plan;
    spie_entry_result *results;
    spie_input_hash *hashes;
    spie_params params;
    spie_manifest_info info;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->root = tu_mkdtemp();
    if (!f->root)
        return -1;
    f->inbox = join(f->root, "inbox");
    f->out = join(f->root, "out");
    f->out2 = join(f->root, "out2");
    if (mkdir(f->inbox, 0755) || mkdir(f->out, 0755) || mkdir(f->out2, 0755))
        return -1;
    spie_error te;
    if (SPIE_OK != spie_territories_parse(terr_csv, sizeof terr_csv - 1, &f->terr, &te))
        return -1;
    /* 31: the three kinds at P; 11: beneficiaires a month late, nothing else; NAT: none.
     * Plus an older month (not retained) and a stray file (ignored). */
    write_text(f->inbox, "spie_31_2022-06_beneficiaires.csv.gz", "abc");
    write_text(f->inbox, "spie_31_2022-06_etapes.csv", "etapes\n");
    write_text(f->inbox, "spie_31_2022-06_budget.csv", "budget\n");
    write_text(f->inbox, "spie_31_2022-05_budget.csv", "old\n");
    write_text(f->inbox, "spie_11_2022-05_beneficiaires.csv", "late\n");
    write_text(f->inbox, "notes.txt", "hello\n");
    spie_month p;
    spie_month_from_ym(2022, 6, &p);
    spie_error pe;
    if (spie_plan_build(f->inbox, p, &f->terr, &f->plan, &pe) != SPIE_OK)
        return -1;
    f->results = calloc(f->plan.n_entries, sizeof *f->results);
    f->hashes = calloc(f->plan.n_entries, sizeof *f->hashes);
    if (!f->results || !f->hashes)
        return -1;
    for (size_t i = 0; i < f->plan.n_entries; i++) {
        spie_entry_result *r = &f->results[i];
        if (!f->plan.entries[i].file)
            continue;
        r->status = SPIE_ENTRY_OK;
        r->rep.usable = true;
        r->rep.rows_read = 10 + i;
        r->rep.rows_rejected = i;
        r->rep.rows_accepted = 10;
        r->rep.empty_lines = 1;
    }
    for (size_t i = 0; i < f->plan.n_entries; i++) { /* as the reader would have hashed them */
        if (!f->plan.entries[i].file)
            continue;
        char *path = spie_path_join(f->inbox, f->plan.entries[i].file);
        if (!path || spie_sha256_file(path, f->hashes[i].sha256, &f->hashes[i].size) != 0)
            return -1;
        free(path);
    }
    spie_params_default(&f->params);
    write_text(f->out, "qualite_2022-06.csv", "q\n");
    write_text(f->out, "indicateurs_2022-06.csv", "niveau,code\n");
    write_text(f->out, "rejets_2022-06.csv.gz", "r");
    write_text(f->out2, "rejets_2022-06.csv.gz", "r");
    write_text(f->out2, "indicateurs_2022-06.csv", "niveau,code\n");
    write_text(f->out2, "qualite_2022-06.csv", "q\n");
    f->info = (spie_manifest_info){.command = "run",
                                   .plan = &f->plan,
                                   .results = f->results,
                                   .inputs = f->hashes,
                                   .params = &f->params,
                                   .secret_applied = true,
                                   .territories_default = false,
                                   .territories_sha256 = SHA_ABC};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    int rc = tu_rmtree(f->root);
    free(f->root);
    free(f->inbox);
    free(f->out);
    free(f->out2);
    spie_plan_free(&f->plan);
    spie_territories_free(&f->terr);
    free(f->results);
    free(f->hashes);
    free(f);
    return rc;
}

static json_t *load_json(const char *dir)
{
    char *p = join(dir, SPIE_MANIFEST_NAME);
    json_error_t je;
    json_t *m = json_load_file(p, JSON_REJECT_DUPLICATES, &je);
    if (!m)
        fail_msg("%s: %s", p, je.text);
    free(p);
    return m;
}

static const char *str(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
static json_int_t num(const json_t *o, const char *key) { return json_integer_value(json_object_get(o, key)); }

static void test_structure(void **state)
{
    fixture *f = *state;
    spie_error msg = {0};
    assert_int_equal(spie_manifest_write(&f->info, f->out, &msg), SPIE_OK);
    json_t *m = load_json(f->out);

    static const char *const keys[] = {"commande", "date_reference", "diffusion", "ecartes", "entrees", "moteur",
                                       "parametres", "periode", "precedente", "secret_applique", "sorties",
                                       "territoires"};
    assert_int_equal(json_object_size(m), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(m, keys[i]));
    assert_string_equal(str(m, "commande"), "run");
    assert_string_equal(str(m, "periode"), "2022-06");
    assert_string_equal(str(m, "date_reference"), "2022-06-30");
    assert_true(json_is_true(json_object_get(m, "secret_applique")));
    assert_string_equal(str(m, "diffusion"), "normale");
    assert_true(json_is_null(json_object_get(m, "precedente"))); /* no previous publication looked for */
    assert_string_equal(str(json_object_get(m, "moteur"), "nom"), "spie");
    assert_non_null(str(json_object_get(m, "moteur"), "version"));
    assert_string_equal(str(json_object_get(m, "territoires"), "source"), "fichier");
    assert_string_equal(str(json_object_get(m, "territoires"), "sha256"), SHA_ABC);

    /* One input per plan entry: 11 (3 kinds), 31 (3 kinds), NAT budget. */
    json_t *in = json_object_get(m, "entrees");
    assert_int_equal(json_array_size(in), 7);
    assert_int_equal(f->plan.n_entries, 7);
    json_t *late = json_array_get(in, 0);
    assert_string_equal(str(late, "departement"), "11");
    assert_string_equal(str(late, "type"), "beneficiaires");
    assert_string_equal(str(late, "fichier"), "spie_11_2022-05_beneficiaires.csv");
    assert_string_equal(str(late, "mois"), "2022-05");
    assert_int_equal(num(late, "retard_mois"), 1);
    assert_int_equal(num(late, "taille"), 5);
    assert_string_equal(str(late, "statut"), "ok");
    assert_int_equal(num(late, "lignes_lues"), 10);
    assert_int_equal(num(late, "lignes_acceptees"), 10);
    assert_int_equal(num(late, "lignes_rejetees"), 0);
    assert_int_equal(num(late, "lignes_vides"), 1);
    assert_true(json_is_false(json_object_get(late, "transcodage")));
    json_t *miss = json_array_get(in, 1); /* 11 budget: no file */
    assert_string_equal(str(miss, "type"), "budget");
    assert_string_equal(str(miss, "statut"), "manquant");
    assert_true(json_is_null(json_object_get(miss, "fichier")));
    assert_true(json_is_null(json_object_get(miss, "sha256")));
    assert_true(json_is_null(json_object_get(miss, "lignes_lues")));
    json_t *abc = json_array_get(in, 3);
    assert_string_equal(str(abc, "fichier"), "spie_31_2022-06_beneficiaires.csv.gz");
    assert_string_equal(str(abc, "sha256"), SHA_ABC); /* its bytes are "abc" */
    assert_int_equal(num(abc, "taille"), 3);
    assert_int_equal(num(abc, "lignes_rejetees"), 3);
    json_t *nat = json_array_get(in, 6);
    assert_string_equal(str(nat, "departement"), "NAT");

    /* The files set aside, by name, with reasons. */
    json_t *ec = json_object_get(m, "ecartes");
    assert_int_equal(json_array_size(ec), 2);
    assert_string_equal(str(json_array_get(ec, 0), "fichier"), "notes.txt");
    assert_string_equal(str(json_array_get(ec, 0), "statut"), "ignore");
    assert_true(strlen(str(json_array_get(ec, 0), "motif")) > 0);
    assert_string_equal(str(json_array_get(ec, 1), "fichier"), "spie_31_2022-05_budget.csv");
    assert_string_equal(str(json_array_get(ec, 1), "statut"), "non_retenu");

    /* The outputs: every file of the folder but the manifest, by name, size, digest. */
    json_t *out = json_object_get(m, "sorties");
    assert_int_equal(json_array_size(out), 3);
    assert_string_equal(str(json_array_get(out, 0), "fichier"), "indicateurs_2022-06.csv");
    assert_string_equal(str(json_array_get(out, 1), "fichier"), "qualite_2022-06.csv");
    assert_string_equal(str(json_array_get(out, 2), "fichier"), "rejets_2022-06.csv.gz");
    assert_int_equal(num(json_array_get(out, 1), "taille"), 2);
    char hex[SPIE_SHA256_HEX];
    assert_int_equal(spie_sha256_mem("q\n", 2, hex), 0);
    assert_string_equal(str(json_array_get(out, 1), "sha256"), hex);

    /* Every parameter in force. */
    json_t *pa = json_object_get(m, "parametres");
    assert_int_equal(num(json_object_get(pa, "enveloppe"), "montant_centimes"), 8000000000LL);
    assert_string_equal(str(json_object_get(pa, "enveloppe"), "debut"), "2021-01");
    assert_string_equal(str(json_object_get(pa, "enveloppe"), "fin"), "2023-12");
    assert_int_equal(json_array_size(json_object_get(json_object_get(pa, "reprise"), "horizons")), 3);
    assert_true(json_real_value(json_object_get(json_object_get(pa, "intervalles"), "niveau")) == 0.95);
    assert_string_equal(str(json_object_get(pa, "intervalles"), "methode"), "wilson");
    assert_int_equal(num(json_object_get(pa, "secret"), "seuil"), 5);
    assert_int_equal(num(json_object_get(pa, "projection"), "mois"), 12);
    assert_true(json_real_value(json_object_get(json_object_get(pa, "rejets"), "taux_alerte")) == 0.05);
    assert_true(json_real_value(json_object_get(json_object_get(pa, "continuite"), "baisse_max")) == 0.01);
    json_t *d0 = json_array_get(json_object_get(pa, "delais"), 0);
    assert_string_equal(str(d0, "code"), "D_ORIENT");
    assert_string_equal(str(d0, "de"), "ENTREE");
    assert_string_equal(str(d0, "a"), "ORIENTATION");
    assert_int_equal(num(d0, "cible"), 30);
    json_decref(m);
}

static char *manifest_text(const char *dir)
{
    char *p = join(dir, SPIE_MANIFEST_NAME);
    size_t n;
    char *t = tu_read_file(p, &n);
    assert_non_null(t);
    free(p);
    return t;
}

/* The same inputs give the same bytes, in another folder too; nothing of the machine in
 * it; reals as written in a configuration; keys sorted; a final newline. */
/* The digests the manifest records are the reader's (spie_input_hashes_of_reading): for
 * each group of the plan, from its results, into its own range only; an entry without a
 * file has none; a file without a digest (not opened) carries its errno, EIO when none. */
static void test_hash_range(void **state)
{
    fixture *f = *state;
    size_t n = f->plan.n_entries;
    spie_entry_result *res = calloc(n, sizeof *res);
    spie_input_hash *h = calloc(n + 1, sizeof *h);
    assert_non_null(res);
    assert_non_null(h);
    for (size_t i = 0; i < n; i++) { /* what the reader would have said: the file's digest */
        memcpy(res[i].rep.sha256, f->hashes[i].sha256, sizeof res[i].rep.sha256);
        res[i].rep.size = f->hashes[i].size;
    }
    size_t unopened = 0; /* the first entry with a file */
    while (unopened + 1 < n && !f->plan.entries[unopened].file)
        unopened++;
    assert_non_null(f->plan.entries[unopened].file);
    res[unopened].rep.sha256[0] = 0;
    res[unopened].rep.hash_err = EACCES;
    memset(&h[n], 0x5A, sizeof h[n]); /* a guard past the end */
    size_t done = 0;
    for (size_t i = 0; i < n; i += spie_plan_group_len(&f->plan, i)) {
        size_t k = spie_plan_group_len(&f->plan, i);
        for (size_t j = i + k; j < n; j++)
            assert_int_equal(h[j].sha256[0], 0); /* not yet */
        spie_input_hashes_of_reading(&f->plan, i, k, res + i, h);
        done += k;
    }
    assert_int_equal(done, n);
    for (size_t i = 0; i < n; i++) {
        if (!f->plan.entries[i].file) {
            assert_int_equal(h[i].sha256[0], 0);
            assert_int_equal(h[i].err, 0);
        } else if (i == unopened) {
            assert_int_equal(h[i].sha256[0], 0);
            assert_int_equal(h[i].err, EACCES);
        } else {
            assert_string_equal(h[i].sha256, f->hashes[i].sha256);
            assert_int_equal(strlen(h[i].sha256), 64);
            assert_int_equal(h[i].size, f->hashes[i].size);
            assert_int_equal(h[i].err, 0);
        }
    }
    assert_int_equal(((unsigned char *)&h[n])[0], 0x5A);
    res[unopened].rep.hash_err = 0; /* no errno known: EIO */
    spie_input_hashes_of_reading(&f->plan, unopened, 1, res + unopened, h);
    assert_int_equal(h[unopened].err, EIO);
    /* A range past the end stops at the end. */
    spie_input_hashes_of_reading(&f->plan, n - 1, 5, res + n - 1, h);
    assert_int_equal(((unsigned char *)&h[n])[0], 0x5A);
    free(h);
    free(res);
}

static void test_deterministic(void **state)
{
    fixture *f = *state;
    spie_error msg = {0};
    assert_int_equal(spie_manifest_write(&f->info, f->out, &msg), SPIE_OK);
    char *a = manifest_text(f->out);
    assert_int_equal(spie_manifest_write(&f->info, f->out, &msg), SPIE_OK); /* the old manifest is not an output */
    char *b = manifest_text(f->out);
    assert_int_equal(spie_manifest_write(&f->info, f->out2, &msg), SPIE_OK);
    char *c = manifest_text(f->out2);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    assert_null(strstr(a, f->root));
    assert_null(strstr(a, "/tmp"));
    assert_non_null(strstr(a, "\"niveau\": 0.95\n"));
    assert_non_null(strstr(a, "\"taux_alerte\": 0.05\n"));
    assert_non_null(strstr(a, "\"baisse_max\": 0.01\n"));
    assert_non_null(strstr(a, "\"precedente\": null,\n"));
    assert_true(strstr(a, "\"commande\"") < strstr(a, "\"date_reference\""));
    assert_int_equal(a[strlen(a) - 1], '\n');
    assert_int_equal(a[strlen(a) - 2], '}');

    /* A parameter or the secret changes the text. */
    f->params.secret_k = 6;
    assert_int_equal(spie_manifest_write(&f->info, f->out2, &msg), SPIE_OK);
    char *d = manifest_text(f->out2);
    assert_string_not_equal(a, d);
    f->params.secret_k = 5;
    f->info.secret_applied = false;
    assert_int_equal(spie_manifest_write(&f->info, f->out2, &msg), SPIE_OK);
    char *e = manifest_text(f->out2);
    assert_non_null(strstr(e, "\"diffusion\": \"restreinte\""));
    assert_non_null(strstr(e, "\"secret_applique\": false"));
    f->info.secret_applied = true;
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
}

/* The parameters written and read back, and through a configuration file. */
static void test_params_round_trip(void **state)
{
    (void)state;
    spie_params p, q;
    spie_params_default(&p);
    p.level = 0.9;
    p.reject_alert_rate = 0.0125;
    p.continuity_max_drop = 0.035;
    p.clopper_pearson = true;
    p.n_horizons = 2;
    p.horizons[1] = 18;
    p.pairs[5].target = 77;
    p.n_pairs = 6;
    p.envelope = 1;
    json_t *j = spie_manifest_params_json(&p);
    assert_non_null(j);
    char *t = json_dumps(j, JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    json_decref(j);
    assert_non_null(t);
    json_t *back = json_loads(t, 0, NULL);
    free(t);
    assert_non_null(back);
    spie_params_default(&q);
    spie_error msg = {0};
    assert_int_equal(spie_manifest_params_from_json(back, &q, &msg), SPIE_OK);
    assert_true(q.level == 0.9);
    assert_true(q.reject_alert_rate == 0.0125);
    assert_true(q.continuity_max_drop == 0.035);
    assert_true(q.clopper_pearson);
    assert_int_equal(q.n_horizons, 2);
    assert_int_equal(q.horizons[1], 18);
    assert_int_equal(q.pairs[5].target, 77);
    assert_int_equal(q.envelope, 1);
    /* a manifest written before [continuite] existed: the default tolerance */
    json_t *cont = json_incref(json_object_get(back, "continuite"));
    json_object_del(back, "continuite");
    assert_int_equal(spie_manifest_params_from_json(back, &q, &msg), SPIE_OK);
    assert_true(q.continuity_max_drop == 0.01);
    /* a malformed tolerance is named */
    json_object_set_new(cont, "baisse_max", json_real(1.5));
    json_object_set_new(back, "continuite", cont);
    assert_int_equal(spie_manifest_params_from_json(back, &q, &msg), SPIE_E_INPUT);
    assert_non_null(strstr(msg.msg, "continuite.baisse_max"));
    json_object_set_new(cont, "baisse_max", json_real(0.035));
    /* a field missing is named */
    json_object_del(json_object_get(back, "secret"), "seuil");
    assert_int_equal(spie_manifest_params_from_json(back, &q, &msg), SPIE_E_INPUT);
    assert_non_null(strstr(msg.msg, "secret.seuil"));
    json_decref(back);
}

typedef struct diffs {
    size_t n;
    char names[8][128];
} diffs;

static void on_diff(void *ctx, const char *file, const char *why)
{
    diffs *d = ctx;
    assert_true(why && *why);
    if (d->n < 8)
        snprintf(d->names[d->n], sizeof d->names[0], "%s", file);
    d->n++;
}

/* Verification finds one changed byte in an output and in an input, a missing or extra
 * file, and names it. */
static void test_verify(void **state)
{
    fixture *f = *state;
    spie_error msg = {0};
    assert_int_equal(spie_manifest_write(&f->info, f->out, &msg), SPIE_OK);
    json_t *m = spie_manifest_load(f->out, &msg);
    assert_non_null(m);
    diffs d = {0};
    assert_int_equal(spie_manifest_check_outputs(m, f->out, on_diff, &d), 0);
    size_t checked = 0;
    assert_int_equal(spie_manifest_check_inputs(m, f->inbox, on_diff, &d, &checked), 0);
    assert_int_equal(checked, 4);
    assert_int_equal(d.n, 0);

    flip_byte(f->out, "indicateurs_2022-06.csv", 3);
    assert_int_equal(spie_manifest_check_outputs(m, f->out, on_diff, &d), 1);
    assert_string_equal(d.names[0], "indicateurs_2022-06.csv");
    flip_byte(f->out, "indicateurs_2022-06.csv", 3);

    d.n = 0;
    flip_byte(f->inbox, "spie_31_2022-06_etapes.csv", 0);
    assert_int_equal(spie_manifest_check_inputs(m, f->inbox, on_diff, &d, NULL), 1);
    assert_string_equal(d.names[0], "spie_31_2022-06_etapes.csv");
    flip_byte(f->inbox, "spie_31_2022-06_etapes.csv", 0);

    d.n = 0; /* a file not listed, a file gone */
    write_text(f->out, "en_trop.txt", "x");
    char *q = join(f->out, "qualite_2022-06.csv");
    char *q2 = join(f->root, "qualite.bak");
    assert_int_equal(rename(q, q2), 0);
    assert_int_equal(spie_manifest_check_outputs(m, f->out, on_diff, &d), 2);
    assert_string_equal(d.names[0], "qualite_2022-06.csv");
    assert_string_equal(d.names[1], "en_trop.txt");
    assert_int_equal(rename(q2, q), 0);
    char *extra = join(f->out, "en_trop.txt");
    assert_int_equal(unlink(extra), 0);
    free(extra);
    free(q);
    free(q2);

    /* A truncated input: its size differs. */
    d.n = 0;
    write_text(f->inbox, "spie_31_2022-06_budget.csv", "budget");
    assert_int_equal(spie_manifest_check_inputs(m, f->inbox, on_diff, &d, NULL), 1);
    assert_string_equal(d.names[0], "spie_31_2022-06_budget.csv");
    write_text(f->inbox, "spie_31_2022-06_budget.csv", "budget\n");
    json_decref(m);
}

/* Two folders compared byte by byte (the recomputation of spie verify --recompute). */
static void test_compare_dirs(void **state)
{
    fixture *f = *state;
    diffs d = {0};
    assert_int_equal(spie_compare_dirs(f->out, f->out2, on_diff, &d), 0);
    flip_byte(f->out2, "rejets_2022-06.csv.gz", 0);
    write_text(f->out2, "z.txt", "z");
    assert_int_equal(spie_compare_dirs(f->out, f->out2, on_diff, &d), 2);
    assert_string_equal(d.names[0], "rejets_2022-06.csv.gz");
    assert_string_equal(d.names[1], "z.txt");
    flip_byte(f->out2, "rejets_2022-06.csv.gz", 0);
    char *z = join(f->out2, "z.txt");
    assert_int_equal(unlink(z), 0);
    free(z);
}

/* What is not a manifest is refused with a message; a folder holding something else than
 * regular files cannot be described. */
static void test_bad_manifests(void **state)
{
    fixture *f = *state;
    char *dir = join(f->root, "bad");
    assert_int_equal(mkdir(dir, 0755), 0);
    spie_error msg = {0};
    assert_null(spie_manifest_load(dir, &msg)); /* none */
    assert_non_null(strstr(msg.file, SPIE_MANIFEST_NAME));
    write_text(dir, SPIE_MANIFEST_NAME, "{\n  \"periode\": \n");
    assert_null(spie_manifest_load(dir, &msg));
    assert_non_null(strstr(msg.msg, "JSON invalide"));
    write_text(dir, SPIE_MANIFEST_NAME,
               "{\"periode\": \"2022-06\", \"commande\": \"run\", \"entrees\": [], "
               "\"sorties\": [{\"fichier\": \"../etc/passwd\", \"taille\": 1, \"sha256\": \"" SHA_ABC "\"}]}");
    assert_null(spie_manifest_load(dir, &msg));
    assert_non_null(strstr(msg.msg, "sorties"));
    write_text(dir, SPIE_MANIFEST_NAME, "{\"periode\": \"2022-06\", \"commande\": \"run\", \"entrees\": [], \"sorties\": []}");
    json_t *m = spie_manifest_load(dir, &msg);
    assert_non_null(m);
    json_decref(m);

    char *sub = join(dir, "sous-dossier");
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(spie_manifest_write(&f->info, dir, &msg), SPIE_E_OUTPUT);
    assert_non_null(strstr(msg.file, "sous-dossier"));
    assert_non_null(strstr(msg.msg, "n'est pas un fichier ordinaire"));
    free(sub);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_params_round_trip),
        cmocka_unit_test_setup_teardown(test_structure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_dirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_manifests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
