/* The configuration file, read with inih (Debian's libinih, built with its defaults: no
 * line number given to the handler, continuation lines on, 200-byte lines).
 *
 * inih reads through our own line reader (ini_parse_stream), which counts lines, so every
 * handler call knows its line; the reader also hands inih each line with its leading
 * blanks removed (so inih never takes an indented line as the continuation of the
 * previous value), sees the section headers first (inih does not report a section that
 * holds no key), and refuses over-long lines rather than let inih cut them in two.
 * Values are checked as they come; the cross-key rules (window order, complete delay
 * pairs) at the end. The first error in file order is the one reported. */
#include "spie/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spie/date.h"
#include "spie/fields.h"
#include "spie/numfmt.h"

#define MAX_FILE (1u << 20) /* a configuration file is a few hundred bytes */
#define MAX_SECTIONS 64     /* [delai.*] sections kept */

/* Every key, by section; the index is the key's slot in the "seen" table. */
enum key_id {
    K_MONTANT = 0, K_DEBUT, K_FIN,  /* enveloppe */
    K_HORIZONS,                     /* reprise */
    K_NIVEAU, K_METHODE,            /* intervalles */
    K_SEUIL,                        /* secret */
    K_MOIS,                         /* projection */
    K_TAUX_ALERTE,                  /* rejets */
    K_BAISSE_MAX,                   /* continuite */
    K_REMPLACER,                    /* delais */
    K_COUNT
};

typedef struct key_def {
    const char *section, *key;
} key_def;

static const key_def keys[K_COUNT] = {
    {"enveloppe", "montant"},      {"enveloppe", "debut"},   {"enveloppe", "fin"},
    {"reprise", "horizons"},       {"intervalles", "niveau"}, {"intervalles", "methode"},
    {"secret", "seuil"},           {"projection", "mois"},   {"rejets", "taux_alerte"},
    {"continuite", "baisse_max"},  {"delais", "remplacer"}};

/* A [delai.CODE] section: the keys it set, with their lines. */
typedef struct pair_sec {
    char code[24];                   /* as spie_pair.code */
    unsigned line;                   /* first [delai.CODE] header */
    unsigned from_line, to_line, target_line;
    spie_endpoint from, to;
    int target;
} pair_sec;

typedef struct ctx {
    const char *name;
    const char *text;
    size_t n, pos;
    unsigned lineno;     /* line handed to inih last */
    bool section_ok;     /* the current section is known (keys of an unknown one are skipped) */
    long cur_pair;       /* index in secs of the current [delai.*] section, or -1 */
    spie_params p;       /* working copy */
    unsigned seen[K_COUNT];
    bool replace_pairs;
    pair_sec secs[MAX_SECTIONS];
    size_t n_secs;
    spie_error *err;
    bool failed;
} ctx;

/* Records an error unless an earlier line already has one (inih goes on after an error;
 * the first in file order is kept). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void fail(ctx *c, unsigned line, const char *section, const char *key, const char *fmt, ...)
{
    if (c->failed && c->err->line <= line)
        return;
    c->failed = true;
    if (!section)
        section = "";
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    char where[160];
    if (key && *key && *section)
        snprintf(where, sizeof where, "[%s] %s : ", section, key);
    else if (key && *key)
        snprintf(where, sizeof where, "%s : ", key);
    else if (section && *section)
        snprintf(where, sizeof where, "[%s] : ", section);
    else
        where[0] = 0;
    spie_fail(c->err, SPIE_E_USAGE, c->name, line, "%s%s", where, why);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* Unsigned integer of 1 to 9 ASCII digits, nothing else. */
static bool parse_uint(const char *s, size_t n, long *out)
{
    if (n == 0 || n > 9)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool spie_config_parse_decimal(const char *s, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t n = strlen(s);
    trim(&s, &n);
    bool percent = n && s[n - 1] == '%'; /* "95 %", "95%" */
    if (percent) {
        n--;
        trim(&s, &n);
    }
    int64_t m = 0;  /* the digits, as an integer */
    int sig = 0;    /* significant digits so far (leading zeros are not) */
    long frac = 0;  /* digits after the decimal separator */
    size_t i = 0, int_digits = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, int_digits++) {
        if (m || s[i] != '0')
            sig++;
        m = m * 10 + (s[i] - '0');
        if (sig > 15)
            return false;
    }
    if (int_digits == 0)
        return false;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, frac++) {
            if (m || s[i] != '0')
                sig++;
            m = m * 10 + (s[i] - '0');
            if (sig > 15 || frac >= 40)
                return false;
        }
        if (frac == 0)
            return false;
    }
    long ex = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool neg = false;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            neg = s[i++] == '-';
        size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i - start > 3 || !parse_uint(s + start, i - start, &ex))
            return false;
        if (neg)
            ex = -ex;
    }
    if (i != n)
        return false;
    long k = ex - frac - (percent ? 2 : 0);
    double v = (double)m; /* exact: m < 10^15 < 2^53 */
    if (m == 0)
        v = 0.0;
    else if (k >= 0 && k <= 22)
        v *= pow10[k]; /* one rounding: both factors are exact */
    else if (k < 0 && k >= -22)
        v /= pow10[-k];
    else
        return false;
    *out = v;
    return true;
}

/* ---- the values ------------------------------------------------------------------- */

static bool parse_month_value(const char *v, spie_month *out)
{
    return spie_parse_month((spie_str){v, strlen(v)}, out);
}

static bool parse_yes_no(const char *v, bool *out)
{
    if (!strcasecmp(v, "oui") || !strcasecmp(v, "vrai") || !strcmp(v, "1")) {
        *out = true;
        return true;
    }
    if (!strcasecmp(v, "non") || !strcasecmp(v, "faux") || !strcmp(v, "0")) {
        *out = false;
        return true;
    }
    return false;
}

/* "3, 6, 12" or "3 6 12": 1 to SPIE_MAX_HORIZONS months, 1..240, strictly increasing. */
static bool parse_horizons(ctx *c, const char *v, const char *key)
{
    int h[SPIE_MAX_HORIZONS];
    size_t nh = 0;
    const char *s = v;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != ',')
            e++;
        long x;
        if (!parse_uint(s, (size_t)(e - s), &x) || x < 1 || x > 240) {
            fail(c, c->lineno, "reprise", key, "« %.*s » : un nombre de mois entre 1 et 240 est attendu", (int)(e - s),
                 s);
            return false;
        }
        if (nh == SPIE_MAX_HORIZONS) {
            fail(c, c->lineno, "reprise", key, "au plus %d horizons", SPIE_MAX_HORIZONS);
            return false;
        }
        if (nh && x <= h[nh - 1]) {
            fail(c, c->lineno, "reprise", key, "les horizons vont en ordre croissant, sans doublon (%ld après %d)", x,
                 h[nh - 1]);
            return false;
        }
        h[nh++] = (int)x;
        s = e;
    }
    if (!nh) {
        fail(c, c->lineno, "reprise", key, "au moins un horizon est attendu");
        return false;
    }
    memcpy(c->p.horizons, h, nh * sizeof *h);
    c->p.n_horizons = nh;
    return true;
}

/* A delay code: 1 to 23 of A-Z a-z 0-9 _, kept in upper case. */
static bool parse_code(const char *s, size_t n, char out[24])
{
    if (n == 0 || n > 23)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!(ch < 0x80 && (isalnum(ch) || ch == '_')))
            return false;
        out[i] = (char)toupper(ch);
    }
    out[n] = 0;
    return true;
}

/* ---- the reader: lines to inih, section headers checked here ------------------------ */

static bool known_section(const char *s)
{
    for (int k = 0; k < K_COUNT; k++)
        if (!strcasecmp(s, keys[k].section))
            return true;
    return false;
}

/* A section header seen by the reader: name (trimmed, NUL-terminated). */
static void section_header(ctx *c, const char *name)
{
    c->cur_pair = -1;
    c->section_ok = false;
    if (!strncasecmp(name, "delai.", 6)) {
        char code[24];
        if (!parse_code(name + 6, strlen(name + 6), code)) {
            fail(c, c->lineno, name, NULL,
                 "code de délai invalide (1 à 23 lettres, chiffres ou _ après « delai. »)");
            return;
        }
        for (size_t i = 0; i < c->n_secs; i++)
            if (!strcmp(c->secs[i].code, code)) {
                c->cur_pair = (long)i;
                c->section_ok = true;
                return;
            }
        if (c->n_secs == MAX_SECTIONS) {
            fail(c, c->lineno, name, NULL, "trop de sections [delai.*]");
            return;
        }
        pair_sec *ps = &c->secs[c->n_secs];
        memset(ps, 0, sizeof *ps);
        memcpy(ps->code, code, sizeof code);
        ps->line = c->lineno;
        c->cur_pair = (long)c->n_secs++;
        c->section_ok = true;
        return;
    }
    if (!known_section(name)) {
        fail(c, c->lineno, name, NULL,
             "section inconnue (enveloppe, reprise, intervalles, secret, projection, rejets, continuite, delais, "
             "delai.CODE)");
        return;
    }
    c->section_ok = true;
}

static char *reader(char *str, int num, void *stream)
{
    ctx *c = stream;
    if (c->pos >= c->n)
        return NULL;
    const char *s = c->text + c->pos;
    const char *nl = memchr(s, '\n', c->n - c->pos);
    size_t len = nl ? (size_t)(nl - s) + 1 : c->n - c->pos;
    c->pos += len;
    c->lineno++;
    if (c->lineno == 1 && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) { /* UTF-8 BOM */
        s += 3;
        len -= 3;
    }
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    if (memchr(s, 0, len)) {
        fail(c, c->lineno, NULL, NULL, "caractère NUL dans la ligne");
        len = 0;
    } else if (num < 4 || len + 2 > (size_t)num) {
        fail(c, c->lineno, NULL, NULL, "ligne trop longue (au plus %d caractères)", num - 3);
        len = 0;
    }
    if (len && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (close) {
            char name[200];
            const char *b = s + 1;
            size_t bn = (size_t)(close - b);
            trim(&b, &bn);
            memcpy(name, b, bn);
            name[bn] = 0;
            section_header(c, name);
        }
    }
    memcpy(str, s, len);
    str[len] = 0;
    if (len == 0) {
        str[0] = '\n';
        str[1] = 0;
    }
    return str;
}

/* ---- the handler: one key ------------------------------------------------------------ */

static void pair_key(ctx *c, const char *section, const char *name, const char *v)
{
    pair_sec *ps = &c->secs[c->cur_pair];
    unsigned *seen;
    if (!strcasecmp(name, "de"))
        seen = &ps->from_line;
    else if (!strcasecmp(name, "a"))
        seen = &ps->to_line;
    else if (!strcasecmp(name, "cible"))
        seen = &ps->target_line;
    else {
        fail(c, c->lineno, section, name, "clé inconnue (de, a, cible)");
        return;
    }
    if (*seen) {
        fail(c, c->lineno, section, name, "clé déjà donnée ligne %u", *seen);
        return;
    }
    if (seen == &ps->target_line) {
        long t;
        if (!parse_uint(v, strlen(v), &t) || t > 3650) {
            fail(c, c->lineno, section, name, "« %s » : un nombre de jours entre 0 et 3650 est attendu", v);
            return;
        }
        ps->target = (int)t;
    } else {
        int ep = spie_parse_code((spie_str){v, strlen(v)}, spie_endpoint_codes, SPIE_EP_COUNT);
        if (ep < 0) {
            fail(c, c->lineno, section, name,
                 "« %s » : étape inconnue (ENTREE, ORIENTATION, DIAGNOSTIC, CONTRAT, SOLUTION, REPRISE, "
                 "REPRISE_DURABLE, SUIVI)",
                 v);
            return;
        }
        if (seen == &ps->from_line)
            ps->from = (spie_endpoint)ep;
        else
            ps->to = (spie_endpoint)ep;
    }
    *seen = c->lineno;
}

/* The key k of the fixed sections: checks value and sets it in the working copy. */
static void apply_value(ctx *c, int k, const char *value)
{
    const char *sc = keys[k].section, *kn = keys[k].key;
    spie_params *p = &c->p;
    long x;
    double d;
    switch ((enum key_id)k) {
    case K_MONTANT: {
        spie_cents v;
        if (!spie_parse_amount((spie_str){value, strlen(value)}, &v) || v <= 0)
            fail(c, c->lineno, sc, kn, "« %s » : un montant en euros positif est attendu (80 000 000,00)", value);
        else
            p->envelope = v;
        break;
    }
    case K_DEBUT:
    case K_FIN: {
        spie_month m;
        if (!parse_month_value(value, &m) || m < SPIE_PERIOD_MIN || m > SPIE_PERIOD_MAX)
            fail(c, c->lineno, sc, kn, "« %s » : un mois AAAA-MM entre 2020-01 et 2099-12 est attendu", value);
        else if (k == K_DEBUT)
            p->window_start = m;
        else
            p->window_end = m;
        break;
    }
    case K_HORIZONS: parse_horizons(c, value, kn); break;
    case K_NIVEAU:
        if (!spie_config_parse_decimal(value, &d) || !(d > 0.5 && d < 1.0))
            fail(c, c->lineno, sc, kn, "« %s » : un niveau entre 0.5 et 1 exclus est attendu (0.95 ou 95 %%)", value);
        else
            p->level = d;
        break;
    case K_METHODE:
        if (!strcasecmp(value, "wilson"))
            p->clopper_pearson = false;
        else if (!strcasecmp(value, "clopper-pearson"))
            p->clopper_pearson = true;
        else
            fail(c, c->lineno, sc, kn, "« %s » : wilson ou clopper-pearson est attendu", value);
        break;
    case K_SEUIL:
        if (!parse_uint(value, strlen(value), &x) || x < 1 || x > 1000)
            fail(c, c->lineno, sc, kn, "« %s » : un entier entre 1 et 1000 est attendu", value);
        else
            p->secret_k = (int)x;
        break;
    case K_MOIS:
        if (!parse_uint(value, strlen(value), &x) || x < 3 || x > 120)
            fail(c, c->lineno, sc, kn, "« %s » : un nombre de mois entre 3 et 120 est attendu", value);
        else
            p->projection_months = (int)x;
        break;
    case K_TAUX_ALERTE:
        if (!spie_config_parse_decimal(value, &d) || !(d >= 0.0 && d <= 1.0))
            fail(c, c->lineno, sc, kn, "« %s » : une part entre 0 et 1 est attendue (0.05 ou 5 %%)", value);
        else
            p->reject_alert_rate = d;
        break;
    case K_BAISSE_MAX:
        if (!spie_config_parse_decimal(value, &d) || !(d >= 0.0 && d <= 1.0))
            fail(c, c->lineno, sc, kn, "« %s » : une part entre 0 et 1 est attendue (0.01 ou 1 %%)", value);
        else
            p->continuity_max_drop = d;
        break;
    case K_REMPLACER:
        if (!parse_yes_no(value, &c->replace_pairs))
            fail(c, c->lineno, sc, kn, "« %s » : oui ou non est attendu", value);
        break;
    case K_COUNT: break;
    }
}

/* The index of (sec, name) among the fixed keys; K_COUNT (reported) when unknown. */
static int find_key(ctx *c, const char *sec, const char *name)
{
    for (int k = 0; k < K_COUNT; k++)
        if (!strcasecmp(sec, keys[k].section) && !strcasecmp(name, keys[k].key))
            return k;
    char known[160] = "";
    for (int j = 0; j < K_COUNT; j++)
        if (!strcasecmp(sec, keys[j].section)) {
            size_t l = strlen(known);
            snprintf(known + l, sizeof known - l, "%s%s", l ? ", " : "", keys[j].key);
        }
    fail(c, c->lineno, sec, name, "clé inconnue (clés de la section : %s)", known);
    return K_COUNT;
}

/* inih's callback: one key = value line. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
    ctx *c = user;
    char sec[64];
    size_t sn = strlen(section);
    const char *sb = section;
    trim(&sb, &sn);
    if (sn >= sizeof sec)
        sn = sizeof sec - 1;
    memcpy(sec, sb, sn);
    sec[sn] = 0;
    if (!*sec) {
        fail(c, c->lineno, NULL, name, "clé hors de toute section");
        return 0;
    }
    if (!c->section_ok) /* already reported at the header */
        return 0;
    if (!*value) {
        fail(c, c->lineno, sec, name, "valeur vide");
        return 0;
    }
    if (c->cur_pair >= 0) {
        pair_key(c, sec, name, value);
        return !c->failed;
    }
    int k = find_key(c, sec, name);
    if (k == K_COUNT)
        return 0;
    if (c->seen[k]) {
        fail(c, c->lineno, keys[k].section, keys[k].key, "clé déjà donnée ligne %u", c->seen[k]);
        return 0;
    }
    c->seen[k] = c->lineno;
    apply_value(c, k, value);
    return !c->failed;
}

/* ---- the cross-key rules ------------------------------------------------------------ */

static void finish(ctx *c)
{
    spie_params *p = &c->p;
    if (p->window_end < p->window_start) {
        unsigned line = c->seen[K_FIN] > c->seen[K_DEBUT] ? c->seen[K_FIN] : c->seen[K_DEBUT];
        char a[8], b[8];
        spie_month_format(p->window_start, a);
        spie_month_format(p->window_end, b);
        fail(c, line, "enveloppe", c->seen[K_FIN] >= c->seen[K_DEBUT] ? "fin" : "debut",
             "la fenêtre finit (%s) avant de commencer (%s)", b, a);
    }
    if (c->replace_pairs) {
        if (!c->n_secs)
            fail(c, c->seen[K_REMPLACER], "delais", "remplacer", "oui, mais aucune section [delai.CODE] ne suit");
        p->n_pairs = 0;
    }
    for (size_t i = 0; i < c->n_secs; i++) {
        pair_sec *ps = &c->secs[i];
        char sec[40];
        snprintf(sec, sizeof sec, "delai.%s", ps->code);
        spie_pair *q = NULL;
        for (size_t j = 0; j < p->n_pairs; j++)
            if (!strcmp(p->pairs[j].code, ps->code))
                q = &p->pairs[j];
        if (!q) { /* a new pair: every key is needed */
            const char *missing = !ps->from_line ? "de" : !ps->to_line ? "a" : !ps->target_line ? "cible" : NULL;
            if (missing) {
                fail(c, ps->line, sec, NULL, "nouveau couple : la clé « %s » manque (de, a et cible sont attendues)",
                     missing);
                continue;
            }
            if (p->n_pairs == SPIE_MAX_PAIRS) {
                fail(c, ps->line, sec, NULL, "au plus %d couples de délai", SPIE_MAX_PAIRS);
                continue;
            }
            q = &p->pairs[p->n_pairs++];
            memset(q, 0, sizeof *q);
            memcpy(q->code, ps->code, sizeof q->code);
        }
        if (ps->from_line)
            q->from = ps->from;
        if (ps->to_line)
            q->to = ps->to;
        if (ps->target_line)
            q->target = ps->target;
        if (q->from == q->to) {
            unsigned line = ps->to_line > ps->from_line ? ps->to_line : ps->from_line;
            fail(c, line ? line : ps->line, sec, line == ps->to_line ? "a" : "de",
                 "les deux étapes du couple sont les mêmes (%s)", spie_endpoint_codes[q->from]);
        }
    }
}

spie_rc spie_config_parse(const char *text, size_t n, const char *name, spie_params *params, spie_error *err)
{
    ctx *c = calloc(1, sizeof *c);
    memset(err, 0, sizeof *err);
    if (!c)
        return spie_fail(err, SPIE_E_MEMORY, name, 0, "mémoire insuffisante");
    c->name = name;
    c->text = text;
    c->n = n;
    c->cur_pair = -1;
    c->p = *params;
    c->err = err;
    int ini = ini_parse_stream(reader, c, handler, c);
    if (ini > 0)
        fail(c, (unsigned)ini, NULL, NULL, "ligne mal formée (ni [section], ni clé = valeur, ni commentaire)");
    else if (ini < 0)
        fail(c, 0, NULL, NULL, "lecture impossible (mémoire insuffisante)");
    if (!c->failed)
        finish(c);
    spie_rc rc = c->failed ? err->rc : SPIE_OK;
    if (!rc)
        *params = c->p;
    free(c);
    return rc;
}

spie_rc spie_config_load(const char *path, spie_params *params, spie_error *err)
{
    memset(err, 0, sizeof *err);
    FILE *f = fopen(path, "rb");
    if (!f)
        return spie_fail_errno(err, SPIE_E_USAGE, errno, path, "%s", "");
    char *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    spie_rc rc;
    if (!buf)
        rc = spie_fail(err, SPIE_E_MEMORY, path, 0, "mémoire insuffisante");
    else if (ferror(f))
        rc = spie_fail(err, SPIE_E_USAGE, path, 0, "erreur de lecture");
    else if (n > MAX_FILE)
        rc = spie_fail(err, SPIE_E_USAGE, path, 0, "fichier trop grand pour une configuration (plus de %u octets)",
                       MAX_FILE);
    else
        rc = spie_config_parse(buf, n, path, params, err);
    free(buf);
    fclose(f);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------ */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)k < b->cap - b->len) {
            b->len += (size_t)k;
            return;
        }
        size_t cap = (b->cap + (size_t)k + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

char *spie_config_format(const spie_params *p)
{
    sbuf b = {.s = malloc(1024), .cap = 1024};
    if (!b.s)
        return NULL;
    b.s[0] = 0;
    char num[SPIE_NUM_BUF], m1[8], m2[8];
    spie_format_cents(p->envelope, num);
    spie_month_format(p->window_start, m1);
    spie_month_format(p->window_end, m2);
    sb_printf(&b, "[enveloppe]\nmontant = %s\ndebut = %s\nfin = %s\n\n[reprise]\nhorizons = ", num, m1, m2);
    for (size_t i = 0; i < p->n_horizons; i++)
        sb_printf(&b, "%s%d", i ? ", " : "", p->horizons[i]);
    spie_format_double(p->level, num);
    sb_printf(&b, "\n\n[intervalles]\nniveau = %s\nmethode = %s\n\n", num,
              p->clopper_pearson ? "clopper-pearson" : "wilson");
    sb_printf(&b, "[secret]\nseuil = %d\n\n[projection]\nmois = %d\n\n", p->secret_k, p->projection_months);
    spie_format_double(p->reject_alert_rate, num);
    sb_printf(&b, "[rejets]\ntaux_alerte = %s\n\n", num);
    spie_format_double(p->continuity_max_drop, num);
    sb_printf(&b, "[continuite]\nbaisse_max = %s\n\n[delais]\nremplacer = oui\n", num);
    for (size_t i = 0; i < p->n_pairs; i++) {
        const spie_pair *q = &p->pairs[i];
        sb_printf(&b, "\n[delai.%s]\nde = %s\na = %s\ncible = %d\n", q->code, spie_endpoint_codes[q->from],
                  spie_endpoint_codes[q->to], q->target);
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
