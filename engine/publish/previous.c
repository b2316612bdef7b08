/* The previous publication and the continuity of the extracts (include/spie/previous.h,
 * docs/methodologie.md §11). It reads the period folders of the output folder and never
 * writes; each file used is read once into memory, and what is parsed is what was hashed. */
#include "spie/previous.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spie/date.h"
#include "spie/manifest.h"
#include "spie/numfmt.h"
#include "spie/table.h"
#include "spie/util.h"

#define MAX_MANIFEST ((size_t)64 << 20)     /* a manifest is tens of kilobytes */
#define MAX_INDICATORS ((size_t)4 << 30)    /* the national file is tens of megabytes */

void spie_previous_free(spie_previous *p)
{
    if (!p)
        return;
    free(p->skips);
    free(p->entries);
    free(p->figures);
    free(p->arena);
    memset(p, 0, sizeof *p);
}

static bool add_skip(spie_previous *p, size_t *cap, spie_month period, const char *why)
{
    if (!spie_grow((void **)&p->skips, cap, p->n_skips + 1, sizeof *p->skips))
        return false;
    spie_previous_skip *s = &p->skips[p->n_skips++];
    s->period = period;
    snprintf(s->why, sizeof s->why, "%s", why);
    return true;
}

/* ---- the figures of indicateurs_<Q>.csv ------------------------------------------- */

enum { C_NIVEAU, C_CODE, C_VENTILATION, C_MODALITE, C_INDICATEUR, C_VALEUR, C_STATUT, C_COUNT };
static const char *const col_names[C_COUNT] = {"niveau", "code", "ventilation", "modalite", "indicateur",
                                               "valeur", "statut"};

/* A figure while the file is parsed: offsets into the arena (which moves as it grows). */
typedef struct raw_figure {
    size_t off[C_COUNT];
} raw_figure;

typedef struct csv_ctx {
    int col_of[C_COUNT]; /* the file's column of each needed field */
    int n_cols;          /* columns of the header */
    bool header_done;
    uint64_t line;       /* record being parsed (1 = the header) */
    int field;           /* index of the next field in the record */
    raw_figure cur;
    raw_figure *rows;
    size_t n_rows, cap_rows;
    char *arena;
    size_t n_arena, cap_arena;
    char why[300];       /* first problem */
    bool oom;
} csv_ctx;

static size_t arena_add(csv_ctx *c, const char *s, size_t n)
{
    if (!spie_grow((void **)&c->arena, &c->cap_arena, c->n_arena + n + 1, 1)) {
        c->oom = true;
        return 0;
    }
    size_t off = c->n_arena;
    memcpy(c->arena + off, s, n);
    c->arena[off + n] = 0;
    c->n_arena += n + 1;
    return off;
}

static void on_field(void *s, size_t n, void *data)
{
    csv_ctx *c = data;
    int k = c->field++;
    if (c->oom || c->why[0])
        return;
    if (!c->header_done) {
        for (int i = 0; i < C_COUNT; i++)
            if (strlen(col_names[i]) == n && !memcmp(col_names[i], s, n)) {
                if (c->col_of[i] >= 0)
                    snprintf(c->why, sizeof c->why, "ligne 1 : colonne %s en double", col_names[i]);
                c->col_of[i] = k;
            }
        return;
    }
    for (int i = 0; i < C_COUNT; i++)
        if (c->col_of[i] == k)
            c->cur.off[i] = arena_add(c, s ? s : "", s ? n : 0);
}

static void on_row(int term, void *data)
{
    (void)term;
    csv_ctx *c = data;
    int fields = c->field;
    c->field = 0;
    c->line++;
    if (c->oom || c->why[0])
        return;
    if (!c->header_done) {
        c->header_done = true;
        c->n_cols = fields;
        for (int i = 0; i < C_COUNT; i++)
            if (c->col_of[i] < 0) {
                snprintf(c->why, sizeof c->why, "ligne 1 : colonne %s absente", col_names[i]);
                return;
            }
        return;
    }
    if (fields != c->n_cols) {
        snprintf(c->why, sizeof c->why, "ligne %llu : %d champs, %d attendus", (unsigned long long)c->line, fields,
                 c->n_cols);
        return;
    }
    const char *st = c->arena + c->cur.off[C_STATUT];
    if (strcmp(st, "ok") && strcmp(st, "s") && strcmp(st, "nd")) {
        snprintf(c->why, sizeof c->why, "ligne %llu : statut « %.20s » inconnu", (unsigned long long)c->line, st);
        return;
    }
    if (!spie_grow((void **)&c->rows, &c->cap_rows, c->n_rows + 1, sizeof *c->rows)) {
        c->oom = true;
        return;
    }
    c->rows[c->n_rows++] = c->cur;
}

static int no_space(unsigned char ch)
{
    (void)ch;
    return 0; /* fields are taken as written: the writer quotes those with edge spaces */
}

static int cmp_key(const spie_prev_figure *a, const spie_prev_figure *b)
{
    int r = strcmp(a->niveau, b->niveau);
    if (!r)
        r = strcmp(a->code, b->code);
    if (!r)
        r = strcmp(a->ventilation, b->ventilation);
    if (!r)
        r = strcmp(a->modalite, b->modalite);
    if (!r)
        r = strcmp(a->indicateur, b->indicateur);
    return r;
}

static int cmp_fig(const void *a, const void *b) { return cmp_key(a, b); }

/* Parses the n bytes of an indicators file into p->figures. SPIE_OK; SPIE_E_INPUT with
 * why filled when the file is not one; SPIE_E_MEMORY. */
static spie_rc parse_indicators(const char *buf, size_t n, spie_previous *p, char *why, size_t why_size)
{
    csv_ctx *c = calloc(1, sizeof *c);
    struct csv_parser csv;
    if (!c)
        return SPIE_E_MEMORY;
    for (int i = 0; i < C_COUNT; i++)
        c->col_of[i] = -1;
    c->line = 0;
    spie_rc rc = SPIE_OK;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        free(c);
        return SPIE_E_MEMORY;
    }
    csv_set_space_func(&csv, no_space);
    size_t done = csv_parse(&csv, buf, n, on_field, on_row, c);
    if (done != n) {
        if (csv_error(&csv) == CSV_EPARSE)
            snprintf(c->why, sizeof c->why, "ligne %llu : guillemets mal formés", (unsigned long long)c->line + 1);
        else
            c->oom = true;
    } else if (csv_fini(&csv, on_field, on_row, c) != 0 && !c->why[0]) {
        snprintf(c->why, sizeof c->why, "ligne %llu : guillemet non fermé", (unsigned long long)c->line + 1);
    }
    csv_free(&csv);
    if (!c->oom && !c->why[0] && !c->header_done)
        snprintf(c->why, sizeof c->why, "fichier vide");
    if (c->oom) {
        rc = SPIE_E_MEMORY;
    } else if (c->why[0]) {
        snprintf(why, why_size, "%s", c->why);
        rc = SPIE_E_INPUT;
    } else {
        p->figures = calloc(c->n_rows ? c->n_rows : 1, sizeof *p->figures);
        if (!p->figures) {
            rc = SPIE_E_MEMORY;
        } else {
            p->arena = c->arena;
            c->arena = NULL;
            p->n_figures = c->n_rows;
            for (size_t i = 0; i < c->n_rows; i++) {
                const size_t *o = c->rows[i].off;
                spie_prev_figure *f = &p->figures[i];
                f->niveau = p->arena + o[C_NIVEAU];
                f->code = p->arena + o[C_CODE];
                f->ventilation = p->arena + o[C_VENTILATION];
                f->modalite = p->arena + o[C_MODALITE];
                f->indicateur = p->arena + o[C_INDICATEUR];
                f->valeur = p->arena + o[C_VALEUR];
                const char *st = p->arena + o[C_STATUT];
                f->status = !strcmp(st, "ok") ? SPIE_STATUS_OK : !strcmp(st, "s") ? SPIE_STATUS_SECRET : SPIE_STATUS_ND;
            }
            qsort(p->figures, p->n_figures, sizeof *p->figures, cmp_fig);
            for (size_t i = 1; i < p->n_figures; i++)
                if (!cmp_key(&p->figures[i - 1], &p->figures[i])) {
                    snprintf(why, why_size, "la ligne %s %s %s %s %s est en double", p->figures[i].niveau,
                             p->figures[i].code, p->figures[i].ventilation, p->figures[i].modalite,
                             p->figures[i].indicateur);
                    rc = SPIE_E_INPUT;
                    break;
                }
        }
    }
    free(c->rows);
    free(c->arena);
    free(c);
    return rc;
}

/* ---- one candidate folder ------------------------------------------------------------ */

typedef struct diff_note {
    char first[300];
    size_t n;
} diff_note;

static void note_diff(void *ctx, const char *file, const char *why)
{
    diff_note *d = ctx;
    if (!d->n++)
        snprintf(d->first, sizeof d->first, "%s : %s", file, why);
}

static bool entries_of(const json_t *m, spie_previous *p)
{
    const json_t *ins = json_object_get(m, "entrees");
    size_t n = json_array_size(ins);
    p->entries = calloc(n ? n : 1, sizeof *p->entries);
    if (!p->entries)
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(ins, i);
        const char *dept = json_string_value(json_object_get(o, "departement"));
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *st = json_string_value(json_object_get(o, "statut"));
        const char *mois = json_string_value(json_object_get(o, "mois"));
        const json_t *acc = json_object_get(o, "lignes_acceptees");
        spie_prev_entry e = {.month = SPIE_NO_MONTH};
        int kind = -1;
        for (int k = 0; type && k < SPIE_KIND_COUNT; k++)
            if (!strcmp(type, spie_kind_name((spie_kind)k)))
                kind = k;
        if (!dept || strlen(dept) >= sizeof e.dept || kind < 0 || !st)
            continue; /* not an entry this engine knows: nothing to compare with */
        memcpy(e.dept, dept, strlen(dept) + 1);
        e.kind = (spie_kind)kind;
        e.status = !strcmp(st, "ok") ? SPIE_ENTRY_OK : !strcmp(st, "inutilisable") ? SPIE_ENTRY_UNUSABLE
                                                                                      : SPIE_ENTRY_MISSING;
        if (mois && !spie_month_parse_iso(mois, strlen(mois), &e.month))
            e.month = SPIE_NO_MONTH;
        if (json_is_integer(acc) && json_integer_value(acc) >= 0) {
            e.has_accepted = true;
            e.accepted = (uint64_t)json_integer_value(acc);
        }
        p->entries[p->n_entries++] = e;
    }
    return true;
}

/* The SHA-256 the manifest records for its output name, or NULL. */
static const char *output_sha(const json_t *m, const char *name)
{
    const json_t *outs = json_object_get(m, "sorties");
    for (size_t i = 0; i < json_array_size(outs); i++) {
        const json_t *o = json_array_get(outs, i);
        const char *f = json_string_value(json_object_get(o, "fichier"));
        if (f && !strcmp(f, name))
            return json_string_value(json_object_get(o, "sha256"));
    }
    return NULL;
}

/* Looks at dir/name (the period q) as the previous publication: SPIE_OK with p filled
 * (found), SPIE_E_INPUT with why filled (not used), SPIE_E_MEMORY. */
/* The manifest of folder: read, hashed (hex) and parsed into *m. SPIE_E_INPUT with why
 * when it is not a publication's manifest; SPIE_E_MEMORY. */
static spie_rc read_manifest(const char *folder, const char *mpath, json_t **m, char hex[SPIE_SHA256_HEX],
                             char *why, size_t why_size)
{
    struct stat st;
    if (lstat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, why_size, "n'est pas un dossier");
        return SPIE_E_INPUT;
    }
    if (lstat(mpath, &st) != 0) {
        snprintf(why, why_size, "pas de %s : n'est pas une publication de spie", SPIE_MANIFEST_NAME);
        return SPIE_E_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "%s n'est pas un fichier ordinaire", SPIE_MANIFEST_NAME);
        return SPIE_E_INPUT;
    }
    char *buf = NULL;
    size_t len = 0;
    int e = spie_read_file(mpath, MAX_MANIFEST, &buf, &len);
    if (e == ENOMEM)
        return SPIE_E_MEMORY;
    if (e) {
        snprintf(why, why_size, "%s illisible : %s", SPIE_MANIFEST_NAME, strerror(e));
        return SPIE_E_INPUT;
    }
    spie_rc rc = SPIE_E_INPUT;
    spie_error me = {0};
    if ((e = spie_sha256_mem(buf, len, hex)) != 0) {
        snprintf(why, why_size, "%s : empreinte SHA-256 impossible : %s", SPIE_MANIFEST_NAME, strerror(e));
    } else if (!(*m = spie_manifest_parse(buf, len, SPIE_MANIFEST_NAME, &me))) {
        if (me.rc == SPIE_E_MEMORY)
            rc = SPIE_E_MEMORY;
        else if (me.line)
            snprintf(why, why_size, "%s:%llu : %.300s", SPIE_MANIFEST_NAME, (unsigned long long)me.line, me.msg);
        else
            snprintf(why, why_size, "%s : %.300s", SPIE_MANIFEST_NAME, me.msg);
    } else {
        rc = SPIE_OK;
    }
    free(buf);
    return rc;
}

/* Whether the parsed manifest m of folder name is usable: its own period, a run when one
 * is needed, the pinned hash, and every output as it lists it. false with why. */
static bool manifest_usable(const json_t *m, const char *folder, const char *name, bool need_run,
                            const spie_previous_pin *pin, const char *hex, char *why, size_t why_size)
{
    const char *per = json_string_value(json_object_get(m, "periode"));
    const char *cmd = json_string_value(json_object_get(m, "commande"));
    if (strcmp(per, name) != 0) {
        snprintf(why, why_size, "son manifeste est celui de la période %s", per);
        return false;
    }
    if (need_run && strcmp(cmd, "run") != 0) {
        snprintf(why, why_size, "publication de spie %s (spie run ne compare qu'avec une publication de spie run)",
                 cmd);
        return false;
    }
    if (pin && pin->mode == SPIE_PREVIOUS_EXACT && strcmp(hex, pin->sha256) != 0) {
        snprintf(why, why_size, "l'empreinte SHA-256 de son %s n'est plus celle enregistrée (%.12s…, %.12s… enregistrée)",
                 SPIE_MANIFEST_NAME, hex, pin->sha256);
        return false;
    }
    diff_note dn = {.n = 0};
    spie_manifest_check_outputs(m, folder, note_diff, &dn);
    if (dn.n > 1)
        snprintf(why, why_size, "manifeste non conforme (%s ; et %zu autre%s différence%s)", dn.first, dn.n - 1,
                 dn.n > 2 ? "s" : "", dn.n > 2 ? "s" : "");
    else if (dn.n)
        snprintf(why, why_size, "manifeste non conforme (%s)", dn.first);
    return dn.n == 0;
}

/* The figures of a run's indicators_<name>.csv, checked against the manifest's hash. */
static spie_rc load_figures(const json_t *m, const char *folder, const char *name, spie_previous *p, char *why,
                            size_t why_size)
{
    char iname[64];
    snprintf(iname, sizeof iname, "indicateurs_%s.csv", name);
    const char *want = output_sha(m, iname);
    if (!want) {
        snprintf(why, why_size, "%s absent du manifeste", iname);
        return SPIE_E_INPUT;
    }
    char *ipath = spie_path_join(folder, iname), *ibuf = NULL;
    size_t ilen = 0;
    if (!ipath)
        return SPIE_E_MEMORY;
    spie_rc rc = SPIE_E_INPUT;
    int e = spie_read_file(ipath, MAX_INDICATORS, &ibuf, &ilen);
    char ihex[SPIE_SHA256_HEX], pwhy[300];
    if (e == ENOMEM) {
        rc = SPIE_E_MEMORY;
    } else if (e) {
        snprintf(why, why_size, "%s illisible : %s", iname, strerror(e));
    } else if (spie_sha256_mem(ibuf, ilen, ihex) != 0 || strcmp(ihex, want) != 0) {
        snprintf(why, why_size, "manifeste non conforme (%s : empreinte SHA-256 différente de celle du manifeste)",
                 iname);
    } else if ((rc = parse_indicators(ibuf, ilen, p, pwhy, sizeof pwhy)) != SPIE_OK && rc != SPIE_E_MEMORY) {
        snprintf(why, why_size, "%s illisible : %s", iname, pwhy);
        rc = SPIE_E_INPUT;
    }
    free(ibuf);
    free(ipath);
    return rc;
}

static spie_rc examine(const char *dir, const char *name, spie_month q, bool need_run, const spie_previous_pin *pin,
                       spie_previous *p, char *why, size_t why_size)
{
    char *folder = spie_path_join(dir, name);
    char *mpath = folder ? spie_path_join(folder, SPIE_MANIFEST_NAME) : NULL;
    json_t *m = NULL;
    char hex[SPIE_SHA256_HEX];
    spie_rc rc = folder && mpath ? read_manifest(folder, mpath, &m, hex, why, why_size) : SPIE_E_MEMORY;
    if (rc == SPIE_OK && !manifest_usable(m, folder, name, need_run, pin, hex, why, why_size))
        rc = SPIE_E_INPUT;
    if (rc == SPIE_OK && !entries_of(m, p))
        rc = SPIE_E_MEMORY;
    const char *cmd = m ? json_string_value(json_object_get(m, "commande")) : NULL;
    if (rc == SPIE_OK && need_run && !strcmp(cmd, "run"))
        rc = load_figures(m, folder, name, p, why, why_size);
    if (rc == SPIE_OK) {
        p->found = true;
        p->period = q;
        memcpy(p->period_s, name, 8);
        memcpy(p->sha256, hex, sizeof hex);
        snprintf(p->command, sizeof p->command, "%s", cmd);
    } else {
        free(p->entries);
        free(p->figures);
        free(p->arena);
        p->entries = NULL;
        p->figures = NULL;
        p->arena = NULL;
        p->n_entries = p->n_figures = 0;
    }
    json_decref(m);
    free(mpath);
    free(folder);
    return rc;
}

/* A period folder name: exactly "YYYY-MM", a period a batch may have run for. */
static bool period_name(const char *s, spie_month *out)
{
    return strlen(s) == 7 && spie_month_parse_iso(s, 7, out) && *out >= SPIE_PERIOD_MIN && *out <= SPIE_PERIOD_MAX;
}

spie_rc spie_previous_find(const char *dir, spie_month period, bool need_run, const spie_previous_pin *pin,
                           spie_previous *out, spie_error *err)
{
    memset(out, 0, sizeof *out);
    if (pin && pin->mode == SPIE_PREVIOUS_NONE)
        return SPIE_OK;
    size_t cap = 0;
    char why[400];
    if (pin && pin->mode == SPIE_PREVIOUS_EXACT) {
        char name[8];
        spie_month_format(pin->period, name);
        out->examined_any = true;
        spie_rc rc = pin->period < period && name[0]
                         ? examine(dir, name, pin->period, need_run, pin, out, why, sizeof why)
                         : (snprintf(why, sizeof why, "période enregistrée invalide"), SPIE_E_INPUT);
        if (rc == SPIE_E_MEMORY)
            goto oom;
        if (rc) {
            out->pin_failed = true;
            if (!add_skip(out, &cap, pin->period, why))
                goto oom;
        }
        return SPIE_OK;
    }
    char **names;
    size_t n;
    int e = spie_dir_list(dir, &names, &n);
    if (e == ENOENT)
        return SPIE_OK;
    if (e)
        return spie_fail_errno(err, e == ENOMEM ? SPIE_E_MEMORY : SPIE_E_OUTPUT, e, dir, "%s", "");
    spie_rc rc = SPIE_OK;
    /* Names sorted byte-wise: "YYYY-MM" sorts in time order; the latest first. */
    for (size_t k = n; k-- > 0;) {
        spie_month q;
        if (!period_name(names[k], &q) || q >= period)
            continue;
        out->examined_any = true;
        rc = examine(dir, names[k], q, need_run, pin, out, why, sizeof why);
        if (rc == SPIE_OK || rc == SPIE_E_MEMORY)
            break;
        rc = SPIE_OK;
        if (!add_skip(out, &cap, q, why)) {
            rc = SPIE_E_MEMORY;
            break;
        }
    }
    spie_dir_list_free(names, n);
    if (rc == SPIE_E_MEMORY)
        goto oom;
    return SPIE_OK;
oom:
    spie_previous_free(out);
    return spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
}

/* ---- the manifest's "precedente" ------------------------------------------------------ */

json_t *spie_previous_json(const spie_previous *p)
{
    if (!p->found && !p->n_skips)
        return json_null();
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool ok;
    if (p->found) {
        ok = json_object_set_new(o, "periode", json_string(p->period_s)) == 0 &&
             json_object_set_new(o, "sha256", json_string(p->sha256)) == 0;
    } else {
        json_t *arr = json_array();
        ok = arr && json_object_set_new(o, "ecartees", arr) == 0 &&
             json_object_set_new(o, "periode", json_null()) == 0 && json_object_set_new(o, "sha256", json_null()) == 0;
        for (size_t i = 0; ok && i < p->n_skips; i++) {
            char m[8];
            spie_month_format(p->skips[i].period, m);
            json_t *s = json_object();
            ok = s && json_array_append_new(arr, s) == 0 && json_object_set_new(s, "periode", json_string(m)) == 0 &&
                 json_object_set_new(s, "motif", json_string(p->skips[i].why)) == 0;
        }
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

bool spie_previous_pin_from_json(const json_t *v, spie_previous_pin *pin)
{
    memset(pin, 0, sizeof *pin);
    if (!v || json_is_null(v)) {
        pin->mode = SPIE_PREVIOUS_NONE;
        return true;
    }
    if (!json_is_object(v))
        return false;
    const json_t *per = json_object_get(v, "periode");
    if (json_is_null(per)) {
        pin->mode = SPIE_PREVIOUS_SEARCH;
        return true;
    }
    const char *ps = json_string_value(per), *sha = json_string_value(json_object_get(v, "sha256"));
    if (!ps || !period_name(ps, &pin->period) || !sha || strlen(sha) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
            return false;
    memcpy(pin->sha256, sha, 65);
    pin->mode = SPIE_PREVIOUS_EXACT;
    return true;
}

/* ---- continuity ------------------------------------------------------------------------ */

bool spie_continuity_drop_is_break(uint64_t prev, uint64_t now, double max_drop)
{
    if (prev == 0 || now >= prev)
        return false;
    /* The share lost, correctly rounded: equal to the tolerance's double when the drop is
     * exactly the tolerance (3 of 300 against 0.01), so that is not a break. */
    double share = (double)(prev - now) / (double)prev;
    return share > max_drop;
}

static const spie_prev_entry *prev_entry(const spie_previous *p, const spie_plan_entry *e)
{
    for (size_t i = 0; i < p->n_entries; i++)
        if (p->entries[i].kind == e->kind && !strcmp(p->entries[i].dept, e->dept))
            return &p->entries[i];
    return NULL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add_reason(spie_continuity *c, const char *fmt, ...)
{
    size_t l = strlen(c->motif);
    if (l)
        l += (size_t)snprintf(c->motif + l, sizeof c->motif - l, " ; ");
    if (l >= sizeof c->motif)
        return;
    l += (size_t)snprintf(c->motif + l, sizeof c->motif - l, "rupture de continuité : ");
    if (l >= sizeof c->motif)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->motif + l, sizeof c->motif - l, fmt, ap);
    va_end(ap);
}

size_t spie_continuity_compute(const spie_previous *prev, const spie_plan *plan, const spie_entry_result *results,
                               const spie_params *params, spie_continuity *out)
{
    size_t breaks = 0;
    char tol[SPIE_NUM_BUF];
    spie_format_double(params->continuity_max_drop, tol);
    for (size_t i = 0; i < plan->n_entries; i++) {
        const spie_plan_entry *e = &plan->entries[i];
        const spie_entry_result *r = &results[i];
        spie_continuity *c = &out[i];
        memset(c, 0, sizeof *c);
        c->prev_month = SPIE_NO_MONTH;
        const spie_prev_entry *pe = prev && prev->found ? prev_entry(prev, e) : NULL;
        if (!pe || pe->status == SPIE_ENTRY_MISSING) {
            c->status = SPIE_CONT_NONE;
            continue;
        }
        c->status = SPIE_CONT_OK;
        c->prev_status = pe->status;
        c->has_prev_accepted = pe->has_accepted;
        c->prev_accepted = pe->accepted;
        c->prev_month = pe->month;
        const char *q = prev->period_s;
        if (pe->status == SPIE_ENTRY_OK && r->status == SPIE_ENTRY_MISSING) {
            c->now_missing = true;
            add_reason(c, "aucun fichier, alors que la publication %s en avait un utilisable (%llu lignes acceptées)",
                       q, (unsigned long long)pe->accepted);
        } else if (pe->status == SPIE_ENTRY_OK && r->status == SPIE_ENTRY_UNUSABLE) {
            c->now_unusable = true;
            add_reason(c, "fichier inutilisable, utilisable dans la publication %s (%llu lignes acceptées)", q,
                       (unsigned long long)pe->accepted);
        }
        if (r->status != SPIE_ENTRY_MISSING && e->file && pe->month != SPIE_NO_MONTH && e->month < pe->month) {
            char a[8], b[8];
            spie_month_format(e->month, a);
            spie_month_format(pe->month, b);
            c->month_back = true;
            add_reason(c, "extrait de %s, plus ancien que celui de la publication %s (%s)", a, q, b);
        }
        if (r->status == SPIE_ENTRY_OK && pe->has_accepted &&
            spie_continuity_drop_is_break(pe->accepted, r->rep.rows_accepted, params->continuity_max_drop)) {
            c->drop = true;
            add_reason(c, "%llu lignes acceptées, %llu dans la publication %s (baisse de %llu, au-delà de la "
                          "tolérance de %s)",
                       (unsigned long long)r->rep.rows_accepted, (unsigned long long)pe->accepted, q,
                       (unsigned long long)(pe->accepted - r->rep.rows_accepted), tol);
        }
        if (c->drop || c->now_missing || c->now_unusable || c->month_back) {
            c->status = SPIE_CONT_BREAK;
            breaks++;
        }
    }
    return breaks;
}
