/* Building and writing manifest.json, and the parameters to and from its JSON
 * (include/spie/manifest.h). Deterministic: the same run gives the same bytes. It lists
 * and hashes the staging folder's files and never changes them. */
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
#include "spie/fields.h"
#include "spie/util.h"
#include "spie/version.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))


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
           *cont = child(o, "continuite", json_object()), *del = child(o, "delais", json_array());
    json_t *hor = rep ? child(rep, "horizons", json_array()) : NULL;
    bool ok = env && rep && itv && sec && proj && rej && cont && del && hor &&
              set(env, "montant_centimes", json_integer(p->envelope)) && set(env, "debut", jmonth(p->window_start)) &&
              set(env, "fin", jmonth(p->window_end)) && set(itv, "niveau", json_real(p->level)) &&
              set(itv, "methode", json_string(p->clopper_pearson ? "clopper-pearson" : "wilson")) &&
              set(sec, "seuil", json_integer(p->secret_k)) && set(proj, "mois", json_integer(p->projection_months)) &&
              set(rej, "taux_alerte", json_real(p->reject_alert_rate)) &&
              set(cont, "baisse_max", json_real(p->continuity_max_drop));
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

static json_t *outputs_json(const char *dir, spie_error *err)
{
    char **names;
    size_t n;
    int rc = spie_dir_list(dir, &names, &n);
    if (rc) {
        spie_fail_errno(err, SPIE_E_OUTPUT, rc, dir, "%s", "");
        return NULL;
    }
    json_t *arr = json_array();
    bool ok = arr != NULL;
    if (!ok)
        spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    for (size_t i = 0; ok && i < n; i++) {
        if (!strcmp(names[i], SPIE_MANIFEST_NAME))
            continue;
        char *path = spie_path_join(dir, names[i]);
        struct stat st;
        if (!path) {
            spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
            ok = false;
        } else if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            spie_fail(err, SPIE_E_OUTPUT, path, 0, "n'est pas un fichier ordinaire");
            ok = false;
        } else {
            char hex[SPIE_SHA256_HEX];
            uint64_t size;
            if ((rc = spie_sha256_file(path, hex, &size)) != 0) {
                spie_fail_errno(err, SPIE_E_OUTPUT, rc, path, "%s", "");
                ok = false;
            } else {
                json_t *o = json_object();
                ok = o && set(o, "fichier", jstr(names[i])) && set(o, "taille", ju64(size)) &&
                     set(o, "sha256", json_string(hex));
                if (o && json_array_append_new(arr, o) != 0)
                    ok = false;
                if (!ok)
                    spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
            }
        }
        free(path);
    }
    spie_dir_list_free(names, n);
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *spie_manifest_build(const spie_manifest_info *info, const char *dir, spie_error *err)
{
    const spie_plan *plan = info->plan;
    json_t *m = json_object();
    if (!m) {
        spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
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
              set(m, "parametres", spie_manifest_params_json(info->params)) &&
              set(m, "precedente", info->previous ? spie_previous_json(info->previous) : json_null());
    for (size_t i = 0; ok && i < plan->n_entries; i++)
        ok = json_array_append_new(entrees, entry_json(plan, i, &info->results[i], &info->inputs[i])) == 0;
    for (size_t i = 0; ok && i < plan->n_others; i++) {
        const spie_plan_other *o = &plan->others[i];
        json_t *e = json_object();
        ok = e && json_array_append_new(ecartes, e) == 0 && set(e, "fichier", jstr(o->name)) &&
             set(e, "statut", json_string(o->status == SPIE_OTHER_NOT_RETAINED ? "non_retenu" : "ignore")) &&
             set(e, "motif", jstr(o->reason));
    }
    spie_error local = {0};
    if (!ok)
        spie_fail(&local, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    /* The outputs last: everything else is known before the folder is listed. */
    else if (!set(m, "sorties", outputs_json(dir, &local)) && !local.rc)
        spie_fail(&local, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    if (local.rc) {
        if (err)
            *err = local;
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

spie_rc spie_manifest_write(const spie_manifest_info *info, const char *dir, spie_error *err)
{
    spie_error local = {0};
    json_t *m = spie_manifest_build(info, dir, &local);
    if (!m) {
        if (err)
            *err = local;
        return local.rc;
    }
    char *text = spie_manifest_dumps(m);
    json_decref(m);
    char *path = spie_path_join(dir, SPIE_MANIFEST_NAME);
    spie_rc rc = SPIE_OK;
    int fd = -1;
    if (!text || !path)
        rc = spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    else if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        rc = spie_fail_errno(err, SPIE_E_OUTPUT, errno, path, "%s", "");
    if (fd >= 0) {
        int e = write_all(fd, text, strlen(text));
        if (!e && fsync(fd) != 0)
            e = errno;
        if (close(fd) != 0 && !e)
            e = errno;
        if (e) {
            rc = spie_fail_errno(err, SPIE_E_OUTPUT, e, path, "%s", "");
            unlink(path);
        }
    }
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

spie_rc spie_manifest_params_from_json(const json_t *obj, spie_params *params, spie_error *err)
{
    spie_params p;
    spie_params_default(&p);
    const char *bad = NULL;
    const json_t *env = json_object_get(obj, "enveloppe"), *rep = json_object_get(obj, "reprise"),
                 *itv = json_object_get(obj, "intervalles"), *sec = json_object_get(obj, "secret"),
                 *proj = json_object_get(obj, "projection"), *rej = json_object_get(obj, "rejets"),
                 *cont = json_object_get(obj, "continuite"), *del = json_object_get(obj, "delais");
    json_t *env_amount = json_object_get(env, "montant_centimes");
    json_t *hor = json_object_get(rep, "horizons");
    json_t *lvl = json_object_get(itv, "niveau"), *rate = json_object_get(rej, "taux_alerte");
    json_t *drop = json_object_get(cont, "baisse_max");
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
    /* A manifest written before [continuite] existed has no "continuite": the default. */
    else if (cont && !(json_is_number(drop) && json_number_value(drop) >= 0.0 && json_number_value(drop) <= 1.0))
        bad = "continuite.baisse_max";
    else if (!json_is_array(del) || json_array_size(del) > SPIE_MAX_PAIRS)
        bad = "delais";
    long x;
    if (!bad) {
        p.envelope = json_integer_value(env_amount);
        p.secret_k = (int)k;
        p.projection_months = (int)months;
        p.level = json_number_value(lvl);
        p.reject_alert_rate = json_number_value(rate);
        if (cont)
            p.continuity_max_drop = json_number_value(drop);
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
    if (bad)
        return spie_fail(err, SPIE_E_INPUT, NULL, 0, "paramètre absent ou mal formé dans le manifeste : %s", bad);
    p.secret = params->secret;
    *params = p;
    return SPIE_OK;
}
