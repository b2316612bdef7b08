#include "spie/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/date.h"
#include "spie/fields.h"
#include "spie/quality.h"
#include "spie/version.h"

#define BLOCK (64u * 1024u)
#define DUMP_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* ---- SHA-256 ------------------------------------------------------------------------ */

static void to_hex(const unsigned char *md, unsigned n, char hex[SPIE_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n && i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = 0;
}

int spie_sha256_mem(const void *data, size_t n, char hex[SPIE_SHA256_HEX])
{
    hex[0] = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c)
        return ENOMEM;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdn = 0;
    int rc = EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, data, n) == 1 &&
                     EVP_DigestFinal_ex(c, md, &mdn) == 1 && mdn == 32
                 ? 0
                 : EIO;
    EVP_MD_CTX_free(c);
    if (!rc)
        to_hex(md, mdn, hex);
    return rc;
}

int spie_sha256_file(const char *path, char hex[SPIE_SHA256_HEX], uint64_t *size)
{
    hex[0] = 0;
    if (size)
        *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno;
    int rc = 0;
    uint64_t total = 0;
    unsigned char *buf = malloc(BLOCK);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!buf || !c) {
        rc = ENOMEM;
        goto out;
    }
    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        rc = EIO;
        goto out;
    }
    for (;;) {
        ssize_t k = read(fd, buf, BLOCK);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            rc = errno;
            goto out;
        }
        if (k == 0)
            break;
        if (EVP_DigestUpdate(c, buf, (size_t)k) != 1) {
            rc = EIO;
            goto out;
        }
        total += (uint64_t)k;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdn = 0;
    if (EVP_DigestFinal_ex(c, md, &mdn) != 1 || mdn != 32) {
        rc = EIO;
        goto out;
    }
    to_hex(md, mdn, hex);
    if (size)
        *size = total;
out:
    EVP_MD_CTX_free(c);
    free(buf);
    close(fd);
    return rc;
}

/* Reads up to n bytes (fewer only at the end of the file). */
static ssize_t read_full(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int spie_files_equal(const char *a, const char *b, bool *same)
{
    *same = false;
    int fa = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fa < 0)
        return errno;
    int fb = open(b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fb < 0) {
        int e = errno;
        close(fa);
        return e;
    }
    int rc = 0;
    unsigned char *ba = malloc(BLOCK), *bb = malloc(BLOCK);
    struct stat sa, sb;
    if (!ba || !bb) {
        rc = ENOMEM;
        goto out;
    }
    if (fstat(fa, &sa) != 0 || fstat(fb, &sb) != 0) {
        rc = errno;
        goto out;
    }
    if (sa.st_size != sb.st_size)
        goto out;
    for (;;) {
        ssize_t ka = read_full(fa, ba, BLOCK), kb = read_full(fb, bb, BLOCK);
        if (ka < 0 || kb < 0) {
            rc = errno;
            goto out;
        }
        if (ka != kb || memcmp(ba, bb, (size_t)ka) != 0)
            goto out;
        if (ka == 0)
            break;
    }
    *same = true;
out:
    free(ba);
    free(bb);
    close(fa);
    close(fb);
    return rc;
}

size_t spie_manifest_hash_inputs(const char *inbox, const spie_plan *plan, spie_input_hash *out)
{
    return spie_manifest_hash_range(inbox, plan, 0, plan->n_entries, out);
}

size_t spie_manifest_hash_range(const char *inbox, const spie_plan *plan, size_t first, size_t count,
                                spie_input_hash *out)
{
    size_t failed = 0;
    for (size_t i = first; i < first + count && i < plan->n_entries; i++) {
        spie_input_hash *h = &out[i];
        memset(h, 0, sizeof *h);
        const char *file = plan->entries[i].file;
        if (!file)
            continue;
        char *path = join(inbox, file);
        h->err = path ? spie_sha256_file(path, h->sha256, &h->size) : ENOMEM;
        free(path);
        if (h->err) {
            h->sha256[0] = 0;
            failed++;
        }
    }
    return failed;
}

/* ---- building ----------------------------------------------------------------------- */

/* Sets key to value (stolen, even on failure); false when value is NULL or on failure. */
static bool set(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new(obj, key, value) == 0;
}

/* A string from the inbox as valid UTF-8 (Windows-1252 when it is not, as the quality
 * report shows it). */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s);
    if (spie_utf8_valid(s, n))
        return json_stringn(s, n);
    char *u = malloc(3 * n + 1);
    if (!u)
        return NULL;
    json_t *j = json_stringn(u, spie_cp1252_to_utf8(s, n, u));
    free(u);
    return j;
}

static json_t *jmonth(spie_month m)
{
    char buf[8];
    spie_month_format(m, buf);
    return json_string(buf);
}

static json_t *ju64(uint64_t v) { return json_integer((json_int_t)v); }

/* A child object or array, attached to parent at once (so that freeing the root frees
 * it); NULL when memory ran out. */
static json_t *child(json_t *parent, const char *key, json_t *c)
{
    return set(parent, key, c) ? c : NULL;
}

json_t *spie_manifest_params_json(const spie_params *p)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_t *env = child(o, "enveloppe", json_object()), *rep = child(o, "reprise", json_object()),
           *itv = child(o, "intervalles", json_object()), *sec = child(o, "secret", json_object()),
           *proj = child(o, "projection", json_object()), *rej = child(o, "rejets", json_object()),
           *del = child(o, "delais", json_array());
    json_t *hor = rep ? child(rep, "horizons", json_array()) : NULL;
    bool ok = env && rep && itv && sec && proj && rej && del && hor &&
              set(env, "montant_centimes", json_integer(p->envelope)) && set(env, "debut", jmonth(p->window_start)) &&
              set(env, "fin", jmonth(p->window_end)) && set(itv, "niveau", json_real(p->level)) &&
              set(itv, "methode", json_string(p->clopper_pearson ? "clopper-pearson" : "wilson")) &&
              set(sec, "seuil", json_integer(p->secret_k)) && set(proj, "mois", json_integer(p->projection_months)) &&
              set(rej, "taux_alerte", json_real(p->reject_alert_rate));
    for (size_t i = 0; ok && i < p->n_horizons; i++)
        ok = json_array_append_new(hor, json_integer(p->horizons[i])) == 0;
    for (size_t i = 0; ok && i < p->n_pairs; i++) {
        const spie_pair *q = &p->pairs[i];
        json_t *pj = json_object();
        ok = pj && json_array_append_new(del, pj) == 0 && set(pj, "code", json_string(q->code)) &&
             set(pj, "de", json_string(spie_endpoint_codes[q->from])) &&
             set(pj, "a", json_string(spie_endpoint_codes[q->to])) && set(pj, "cible", json_integer(q->target));
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *entry_json(const spie_plan *plan, size_t i, const spie_entry_result *res, const spie_input_hash *h)
{
    const spie_plan_entry *e = &plan->entries[i];
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool has = e->file != NULL, read = has && res->status != SPIE_ENTRY_MISSING, hashed = has && !h->err;
    const spie_file_report *r = &res->rep;
    bool ok = set(o, "departement", json_string(e->dept)) && set(o, "type", json_string(spie_kind_name(e->kind))) &&
              set(o, "fichier", jstr(e->file)) && set(o, "mois", has ? jmonth(e->month) : json_null()) &&
              set(o, "retard_mois", has ? json_integer(e->late_months) : json_null()) &&
              set(o, "taille", hashed ? ju64(h->size) : json_null()) &&
              set(o, "sha256", hashed ? json_string(h->sha256) : json_null()) &&
              set(o, "statut", json_string(spie_entry_status_word(res->status))) &&
              set(o, "motif", res->status == SPIE_ENTRY_MISSING ? json_string("aucun fichier pour ce territoire et ce type")
                                                                : jstr(r->motif)) &&
              set(o, "lignes_lues", read ? ju64(r->rows_read) : json_null()) &&
              set(o, "lignes_acceptees", read ? ju64(r->rows_accepted) : json_null()) &&
              set(o, "lignes_rejetees", read ? ju64(r->rows_rejected) : json_null()) &&
              set(o, "lignes_vides", read ? ju64(r->empty_lines) : json_null()) &&
              set(o, "transcodage", read ? json_boolean(r->transcoded) : json_null());
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names of the entries of dir but . and .. (malloc'd, sorted byte-wise). 0 or errno. */
static int list_dir(const char *dir, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno;
    char **v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = ENOMEM;
                break;
            }
            v = nv;
            cap = nc;
        }
        if (!(v[n] = strdup(e->d_name))) {
            rc = ENOMEM;
            break;
        }
        n++;
        errno = 0;
    }
    if (!rc && errno)
        rc = errno;
    closedir(d);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return rc;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *names = v;
    *count = n;
    return 0;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static json_t *outputs_json(const char *dir, char *msg, size_t msg_size)
{
    char **names;
    size_t n;
    int rc = list_dir(dir, &names, &n);
    if (rc) {
        snprintf(msg, msg_size, "%s : %s", dir, strerror(rc));
        return NULL;
    }
    json_t *arr = json_array();
    bool ok = arr != NULL;
    if (!ok)
        snprintf(msg, msg_size, "mémoire insuffisante");
    for (size_t i = 0; ok && i < n; i++) {
        if (!strcmp(names[i], SPIE_MANIFEST_NAME))
            continue;
        char *path = join(dir, names[i]);
        struct stat st;
        if (!path) {
            snprintf(msg, msg_size, "mémoire insuffisante");
            ok = false;
        } else if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            snprintf(msg, msg_size, "%s : n'est pas un fichier ordinaire", path);
            ok = false;
        } else {
            char hex[SPIE_SHA256_HEX];
            uint64_t size;
            if ((rc = spie_sha256_file(path, hex, &size)) != 0) {
                snprintf(msg, msg_size, "%s : %s", path, strerror(rc));
                ok = false;
            } else {
                json_t *o = json_object();
                ok = o && set(o, "fichier", jstr(names[i])) && set(o, "taille", ju64(size)) &&
                     set(o, "sha256", json_string(hex));
                if (o && json_array_append_new(arr, o) != 0)
                    ok = false;
                if (!ok)
                    snprintf(msg, msg_size, "mémoire insuffisante");
            }
        }
        free(path);
    }
    free_names(names, n);
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *spie_manifest_build(const spie_manifest_info *info, const char *dir, char *msg, size_t msg_size)
{
    const spie_plan *plan = info->plan;
    msg[0] = 0;
    json_t *m = json_object();
    if (!m) {
        snprintf(msg, msg_size, "mémoire insuffisante");
        return NULL;
    }
    json_t *moteur = child(m, "moteur", json_object()), *terr = child(m, "territoires", json_object()),
           *entrees = child(m, "entrees", json_array()), *ecartes = child(m, "ecartes", json_array());
    char p[8], d[11];
    spie_month_format(plan->period, p);
    spie_day_format(spie_month_last_day(plan->period), d);
    bool restricted = !info->secret_applied && !strcmp(info->command, "run");
    bool ok = moteur && terr && entrees && ecartes && set(moteur, "nom", json_string(SPIE_ENGINE)) &&
              set(moteur, "version", json_string(SPIE_VERSION)) &&
              set(terr, "source", json_string(info->territories_default ? "defaut" : "fichier")) &&
              set(terr, "sha256", info->territories_sha256 ? json_string(info->territories_sha256) : json_null()) &&
              set(m, "commande", json_string(info->command)) && set(m, "periode", json_string(p)) &&
              set(m, "date_reference", json_string(d)) && set(m, "secret_applique", json_boolean(info->secret_applied)) &&
              set(m, "diffusion", json_string(restricted ? "restreinte" : "normale")) &&
              set(m, "parametres", spie_manifest_params_json(info->params));
    for (size_t i = 0; ok && i < plan->n_entries; i++)
        ok = json_array_append_new(entrees, entry_json(plan, i, &info->results[i], &info->inputs[i])) == 0;
    for (size_t i = 0; ok && i < plan->n_others; i++) {
        const spie_plan_other *o = &plan->others[i];
        json_t *e = json_object();
        ok = e && json_array_append_new(ecartes, e) == 0 && set(e, "fichier", jstr(o->name)) &&
             set(e, "statut", json_string(o->status == SPIE_OTHER_NOT_RETAINED ? "non_retenu" : "ignore")) &&
             set(e, "motif", jstr(o->reason));
    }
    if (!ok)
        snprintf(msg, msg_size, "mémoire insuffisante");
    /* The outputs last: everything else is known before the folder is listed. */
    else if (!set(m, "sorties", outputs_json(dir, msg, msg_size)) && !*msg)
        snprintf(msg, msg_size, "mémoire insuffisante");
    if (*msg) {
        json_decref(m);
        return NULL;
    }
    return m;
}

char *spie_manifest_dumps(const json_t *manifest)
{
    char *s = json_dumps(manifest, DUMP_FLAGS);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t) {
        free(s);
        return NULL;
    }
    t[n] = '\n';
    t[n + 1] = 0;
    return t;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (k == 0)
            return ENOSPC;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int spie_manifest_write(const spie_manifest_info *info, const char *dir, char *msg, size_t msg_size)
{
    msg[0] = 0;
    json_t *m = spie_manifest_build(info, dir, msg, msg_size);
    if (!m)
        return EIO;
    char *text = spie_manifest_dumps(m);
    json_decref(m);
    char *path = join(dir, SPIE_MANIFEST_NAME);
    int rc = 0;
    if (!text || !path) {
        snprintf(msg, msg_size, "mémoire insuffisante");
        rc = ENOMEM;
        goto out;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = errno;
        snprintf(msg, msg_size, "%s : %s", path, strerror(rc));
        goto out;
    }
    rc = write_all(fd, text, strlen(text));
    if (!rc && fsync(fd) != 0)
        rc = errno;
    if (close(fd) != 0 && !rc)
        rc = errno;
    if (rc) {
        snprintf(msg, msg_size, "%s : %s", path, strerror(rc));
        unlink(path);
    }
out:
    free(text);
    free(path);
    return rc;
}

/* ---- reading back ---------------------------------------------------------------------- */

static bool get_int(const json_t *o, const char *key, long lo, long hi, long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return false;
    *out = (long)x;
    return true;
}

static bool get_month(const json_t *o, const char *key, spie_month *out)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && spie_month_parse_iso(s, strlen(s), out);
}

static int endpoint(const char *s)
{
    for (int i = 0; s && i < SPIE_EP_COUNT; i++)
        if (!strcmp(s, spie_endpoint_codes[i]))
            return i;
    return -1;
}

bool spie_manifest_params_from_json(const json_t *obj, spie_params *params, char *msg, size_t msg_size)
{
    spie_params p;
    spie_params_default(&p);
    const char *bad = NULL;
    const json_t *env = json_object_get(obj, "enveloppe"), *rep = json_object_get(obj, "reprise"),
                 *itv = json_object_get(obj, "intervalles"), *sec = json_object_get(obj, "secret"),
                 *proj = json_object_get(obj, "projection"), *rej = json_object_get(obj, "rejets"),
                 *del = json_object_get(obj, "delais");
    json_t *env_amount = json_object_get(env, "montant_centimes");
    json_t *hor = json_object_get(rep, "horizons");
    json_t *lvl = json_object_get(itv, "niveau"), *rate = json_object_get(rej, "taux_alerte");
    const char *meth = json_string_value(json_object_get(itv, "methode"));
    long k = 0, months = 0;
    if (!json_is_integer(env_amount))
        bad = "enveloppe.montant_centimes";
    else if (!get_month(env, "debut", &p.window_start))
        bad = "enveloppe.debut";
    else if (!get_month(env, "fin", &p.window_end))
        bad = "enveloppe.fin";
    else if (!json_is_array(hor) || json_array_size(hor) < 1 || json_array_size(hor) > SPIE_MAX_HORIZONS)
        bad = "reprise.horizons";
    else if (!json_is_number(lvl))
        bad = "intervalles.niveau";
    else if (!meth || (strcmp(meth, "wilson") && strcmp(meth, "clopper-pearson")))
        bad = "intervalles.methode";
    else if (!get_int(sec, "seuil", 1, 1000, &k))
        bad = "secret.seuil";
    else if (!get_int(proj, "mois", 1, 1000, &months))
        bad = "projection.mois";
    else if (!json_is_number(rate))
        bad = "rejets.taux_alerte";
    else if (!json_is_array(del) || json_array_size(del) > SPIE_MAX_PAIRS)
        bad = "delais";
    long x;
    if (!bad) {
        p.envelope = json_integer_value(env_amount);
        p.secret_k = (int)k;
        p.projection_months = (int)months;
        p.level = json_number_value(lvl);
        p.reject_alert_rate = json_number_value(rate);
        p.clopper_pearson = !strcmp(meth, "clopper-pearson");
        p.n_horizons = json_array_size(hor);
        for (size_t i = 0; !bad && i < p.n_horizons; i++) {
            json_t *h = json_array_get(hor, i);
            if (!json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 1000)
                bad = "reprise.horizons";
            else
                p.horizons[i] = (int)json_integer_value(h);
        }
        p.n_pairs = json_array_size(del);
        for (size_t i = 0; !bad && i < p.n_pairs; i++) {
            json_t *q = json_array_get(del, i);
            const char *code = json_string_value(json_object_get(q, "code"));
            int from = endpoint(json_string_value(json_object_get(q, "de")));
            int to = endpoint(json_string_value(json_object_get(q, "a")));
            if (!code || !*code || strlen(code) >= sizeof p.pairs[i].code || from < 0 || to < 0 ||
                !get_int(q, "cible", 0, 100000, &x)) {
                bad = "delais";
                break;
            }
            memset(&p.pairs[i], 0, sizeof p.pairs[i]);
            memcpy(p.pairs[i].code, code, strlen(code));
            p.pairs[i].from = (spie_endpoint)from;
            p.pairs[i].to = (spie_endpoint)to;
            p.pairs[i].target = (int)x;
        }
    }
    if (bad) {
        snprintf(msg, msg_size, "paramètre absent ou mal formé dans le manifeste : %s", bad);
        return false;
    }
    p.secret = params->secret;
    *params = p;
    return true;
}

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

json_t *spie_manifest_load(const char *dir, char *msg, size_t msg_size)
{
    char *path = join(dir, SPIE_MANIFEST_NAME);
    if (!path) {
        snprintf(msg, msg_size, "mémoire insuffisante");
        return NULL;
    }
    json_error_t je;
    json_t *m = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!m) {
        if (je.line > 0)
            snprintf(msg, msg_size, "%s:%d: JSON invalide : %s", path, je.line, je.text);
        else
            snprintf(msg, msg_size, "%s : %s", path, je.text);
        free(path);
        return NULL;
    }
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
        snprintf(msg, msg_size, "%s : n'est pas un manifeste spie : %s", path, bad);
        json_decref(m);
        m = NULL;
    }
    free(path);
    return m;
}

/* Checks one listed file: present, regular, size, digest. 1 when it differs, else 0. */
static size_t check_file(const char *dir, const char *name, json_int_t size, const char *sha, const char *where,
                         spie_diff_fn diff, void *ctx)
{
    char *path = join(dir, name);
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
    int rc = list_dir(dir, &names, &n);
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
    free_names(names, n);
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
    int rc = list_dir(expected, &a, &na);
    if (rc) {
        diff(ctx, expected, strerror(rc));
        return 1;
    }
    if ((rc = list_dir(got, &b, &nb)) != 0) {
        free_names(a, na);
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
            char *pa = join(expected, a[i]), *pb = join(got, b[j]);
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
    free_names(a, na);
    free_names(b, nb);
    return bad;
}
