/* Verifying a published folder against its manifest.json, and comparing two folders
 * byte by byte (include/spie/manifest.h, "verification"). It reads and never writes. */
#include "spie/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/util.h"

/* A name that stays inside its folder: not empty, no '/', not . or .. */
static bool safe_name(const char *s)
{
    return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static bool is_sha(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static json_t *check_shape(json_t *m, const char *path, spie_error *err);

/* Reads a whole regular file into memory (at most max bytes; a NUL is appended). 0 or an
 * errno value (EFBIG when larger than max). */
int spie_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rbe");
    if (!f)
        return errno;
    size_t cap = 0, n = 0;
    char *b = NULL;
    int rc = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 65536 * 2;
            char *nb = realloc(b, ncap);
            if (!nb) {
                rc = ENOMEM;
                break;
            }
            b = nb;
            cap = ncap;
        }
        size_t k = fread(b + n, 1, cap - n - 1, f);
        n += k;
        if (n > max) {
            rc = EFBIG;
            break;
        }
        if (k == 0) {
            if (ferror(f))
                rc = EIO;
            break;
        }
    }
    if (fclose(f) != 0 && !rc)
        rc = errno;
    if (rc) {
        free(b);
        return rc;
    }
    if (!b && !(b = malloc(1)))
        return ENOMEM;
    b[n] = 0;
    *buf = b;
    *len = n;
    return 0;
}

json_t *spie_manifest_load(const char *dir, spie_error *err)
{
    char *path = spie_path_join(dir, SPIE_MANIFEST_NAME);
    if (!path) {
        spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
        return NULL;
    }
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!m) {
        if (je.line > 0)
            spie_fail(err, SPIE_E_INPUT, path, (uint64_t)je.line, "JSON invalide : %s", je.text);
        else
            spie_fail(err, SPIE_E_INPUT, path, 0, "%s", je.text);
        free(path);
        return NULL;
    }
    m = check_shape(m, path, err);
    free(path);
    return m;
}

json_t *spie_manifest_parse(const char *buf, size_t n, const char *path, spie_error *err)
{
    json_error_t je;
    json_t *m = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
    if (!m) {
        if (je.line > 0)
            spie_fail(err, SPIE_E_INPUT, path, (uint64_t)je.line, "JSON invalide : %s", je.text);
        else
            spie_fail(err, SPIE_E_INPUT, path, 0, "%s", je.text);
        return NULL;
    }
    return check_shape(m, path, err);
}

/* The fields verification needs are there and well formed: m, or NULL (m released) with
 * *err naming path. */
static json_t *check_shape(json_t *m, const char *path, spie_error *err)
{
    const char *bad = NULL;
    const char *per = json_string_value(json_object_get(m, "periode"));
    const char *cmd = json_string_value(json_object_get(m, "commande"));
    json_t *outs = json_object_get(m, "sorties"), *ins = json_object_get(m, "entrees");
    spie_month pm;
    if (!json_is_object(m))
        bad = "un objet est attendu";
    else if (!per || !spie_month_parse_iso(per, strlen(per), &pm))
        bad = "« periode » absente ou mal formée";
    else if (!cmd || (strcmp(cmd, "run") && strcmp(cmd, "check")))
        bad = "« commande » absente ou mal formée";
    else if (!json_is_array(outs))
        bad = "« sorties » absente";
    else if (!json_is_array(ins))
        bad = "« entrees » absente";
    for (size_t i = 0; !bad && i < json_array_size(outs); i++) {
        json_t *o = json_array_get(outs, i);
        json_t *t = json_object_get(o, "taille");
        if (!safe_name(json_string_value(json_object_get(o, "fichier"))) || !json_is_integer(t) ||
            json_integer_value(t) < 0 || !is_sha(json_string_value(json_object_get(o, "sha256"))))
            bad = "une entrée de « sorties » est mal formée";
    }
    for (size_t i = 0; !bad && i < json_array_size(ins); i++) {
        json_t *o = json_array_get(ins, i);
        json_t *f = json_object_get(o, "fichier"), *t = json_object_get(o, "taille"), *h = json_object_get(o, "sha256");
        if (!json_is_object(o) || (!json_is_null(f) && !safe_name(json_string_value(f))) ||
            (!json_is_null(t) && !(json_is_integer(t) && json_integer_value(t) >= 0)) ||
            (!json_is_null(h) && !is_sha(json_string_value(h))))
            bad = "une entrée de « entrees » est mal formée";
    }
    if (bad) {
        spie_fail(err, SPIE_E_INPUT, path, 0, "n'est pas un manifeste spie : %s", bad);
        json_decref(m);
        m = NULL;
    }
    return m;
}

/* Checks one listed file: present, regular, size, digest. 1 when it differs, else 0. */
static size_t check_file(const char *dir, const char *name, json_int_t size, const char *sha, const char *where,
                         spie_diff_fn diff, void *ctx)
{
    char *path = spie_path_join(dir, name);
    char why[200];
    struct stat st;
    size_t n = 1;
    if (!path) {
        diff(ctx, name, "mémoire insuffisante");
    } else if (lstat(path, &st) != 0) {
        snprintf(why, sizeof why, "%s (%s)", where, strerror(errno));
        diff(ctx, name, why);
    } else if (!S_ISREG(st.st_mode)) {
        diff(ctx, name, "n'est pas un fichier ordinaire");
    } else if (size >= 0 && (json_int_t)st.st_size != size) {
        snprintf(why, sizeof why, "taille %lld octets, %lld dans le manifeste", (long long)st.st_size, (long long)size);
        diff(ctx, name, why);
    } else {
        char hex[SPIE_SHA256_HEX];
        int rc = spie_sha256_file(path, hex, NULL);
        if (rc) {
            snprintf(why, sizeof why, "lecture impossible : %s", strerror(rc));
            diff(ctx, name, why);
        } else if (sha && strcmp(hex, sha) != 0) {
            diff(ctx, name, "empreinte SHA-256 différente de celle du manifeste");
        } else {
            n = 0;
        }
    }
    free(path);
    return n;
}

size_t spie_manifest_check_outputs(const json_t *manifest, const char *dir, spie_diff_fn diff, void *ctx)
{
    json_t *outs = json_object_get(manifest, "sorties");
    size_t bad = 0;
    for (size_t i = 0; i < json_array_size(outs); i++) {
        json_t *o = json_array_get(outs, i);
        bad += check_file(dir, json_string_value(json_object_get(o, "fichier")),
                          json_integer_value(json_object_get(o, "taille")),
                          json_string_value(json_object_get(o, "sha256")), "absent du dossier", diff, ctx);
    }
    char **names;
    size_t n;
    int rc = spie_dir_list(dir, &names, &n);
    if (rc) {
        diff(ctx, ".", strerror(rc));
        return bad + 1;
    }
    for (size_t k = 0; k < n; k++) {
        if (!strcmp(names[k], SPIE_MANIFEST_NAME))
            continue;
        bool listed = false;
        for (size_t i = 0; !listed && i < json_array_size(outs); i++)
            listed = !strcmp(names[k], json_string_value(json_object_get(json_array_get(outs, i), "fichier")));
        if (!listed) {
            diff(ctx, names[k], "présent dans le dossier mais absent du manifeste");
            bad++;
        }
    }
    spie_dir_list_free(names, n);
    return bad;
}

size_t spie_manifest_check_inputs(const json_t *manifest, const char *inbox, spie_diff_fn diff, void *ctx,
                                  size_t *checked)
{
    json_t *ins = json_object_get(manifest, "entrees");
    size_t bad = 0, n = 0;
    for (size_t i = 0; i < json_array_size(ins); i++) {
        json_t *o = json_array_get(ins, i);
        const char *name = json_string_value(json_object_get(o, "fichier"));
        const char *sha = json_string_value(json_object_get(o, "sha256"));
        if (!name)
            continue;
        json_t *t = json_object_get(o, "taille");
        n++;
        if (!sha) { /* it could not be read when the batch ran: say so again */
            diff(ctx, name, "fichier illisible lors du traitement (pas d'empreinte dans le manifeste)");
            bad++;
            continue;
        }
        bad += check_file(inbox, name, json_is_integer(t) ? json_integer_value(t) : -1, sha,
                          "absent de la boîte de dépôt", diff, ctx);
    }
    if (checked)
        *checked = n;
    return bad;
}

size_t spie_compare_dirs(const char *expected, const char *got, spie_diff_fn diff, void *ctx)
{
    char **a, **b;
    size_t na, nb;
    int rc = spie_dir_list(expected, &a, &na);
    if (rc) {
        diff(ctx, expected, strerror(rc));
        return 1;
    }
    if ((rc = spie_dir_list(got, &b, &nb)) != 0) {
        spie_dir_list_free(a, na);
        diff(ctx, got, strerror(rc));
        return 1;
    }
    size_t bad = 0, i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
        if (c < 0) {
            diff(ctx, a[i++], "absent du recalcul");
            bad++;
        } else if (c > 0) {
            diff(ctx, b[j++], "produit par le recalcul mais absent du dossier");
            bad++;
        } else {
            char *pa = spie_path_join(expected, a[i]), *pb = spie_path_join(got, b[j]);
            bool same = false;
            rc = pa && pb ? spie_files_equal(pa, pb, &same) : ENOMEM;
            if (rc) {
                char why[160];
                snprintf(why, sizeof why, "comparaison impossible : %s", strerror(rc));
                diff(ctx, a[i], why);
                bad++;
            } else if (!same) {
                diff(ctx, a[i], "diffère du recalcul");
                bad++;
            }
            free(pa);
            free(pb);
            i++;
            j++;
        }
    }
    spie_dir_list_free(a, na);
    spie_dir_list_free(b, nb);
    return bad;
}
