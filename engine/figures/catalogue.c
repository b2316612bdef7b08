/* The indicator catalogue (include/spie/catalogue.h): the table of rows built from
 * SPIE_CATALOGUE, names and labels derived from an identity, names read back into an
 * identity, and the values each parameter takes.
 *
 * It may not compute a figure, read the publication table or know a renderer: it says what
 * a figure is called and what it is, nothing else. Numbers in names are written by hand
 * (no printf of a double, no locale). */
#include "spie/catalogue.h"

#include <stdio.h>
#include <string.h>

#include "spie/date.h"
#include "spie/extract.h"
#include "spie/persons.h"
#include "spie/util.h"

static const spie_ind_def rows[SPIE_IND_COUNT] = {
#define ROW(id_, fam, pre, par, suf, unit_, rule_, part_, flags_, scope_, label_, def_)                           \
    [SPIE_IND_##id_] = {.id = #id_,                                                                            \
                        .family = SPIE_FAM_##fam,                                                              \
                        .prefix = pre,                                                                         \
                        .param = SPIE_PARAM_##par,                                                             \
                        .suffix = suf,                                                                         \
                        .unit = SPIE_UNIT_##unit_,                                                             \
                        .rule = SPIE_RULE_##rule_,                                                             \
                        .part = SPIE_PART_##part_,                                                             \
                        .flags = flags_,                                                                       \
                        .scope = SPIE_SCOPE_##scope_,                                                          \
                        .label = label_,                                                                       \
                        .definition = def_},
    SPIE_CATALOGUE(ROW)
#undef ROW
};

const spie_ind_def *spie_ind_def_of(unsigned ind)
{
    return ind > SPIE_IND_NONE && ind < SPIE_IND_COUNT ? &rows[ind] : NULL;
}

/* ---- parameters ------------------------------------------------------------------------ */

/* The codes of a type or financer parameter (upper case), and how many; NULL for others.
 * *first is the first valid index (financers: ETAT is not a co-financer). */
static const char *const *codes_of(spie_param param, size_t *n, size_t *first)
{
    *first = 0;
    switch (param) {
    case SPIE_PARAM_SOLUTION: *n = SPIE_SOLUTION_TYPES; return spie_solution_type_codes;
    case SPIE_PARAM_REPRISE: *n = SPIE_REPRISE_TYPES; return spie_reprise_type_codes;
    case SPIE_PARAM_SORTIE: *n = SPIE_SORTIE_TYPES; return spie_sortie_type_codes;
    case SPIE_PARAM_FINANCER:
        *n = SPIE_FIN_COUNT;
        *first = SPIE_FIN_DEPARTEMENT;
        return spie_financer_codes;
    default: *n = 0; return NULL;
    }
}

#define HORIZON_MAX 240

/* Whether arg is a value of the parameter (p may be NULL but for pairs). */
static bool arg_valid(spie_param param, int32_t arg, const spie_params *p)
{
    size_t n, first;
    switch (param) {
    case SPIE_PARAM_NONE: return arg == 0;
    case SPIE_PARAM_SOLUTION:
    case SPIE_PARAM_REPRISE:
    case SPIE_PARAM_SORTIE:
    case SPIE_PARAM_FINANCER:
        codes_of(param, &n, &first);
        return arg >= 0 && (size_t)arg >= first && (size_t)arg < n;
    case SPIE_PARAM_PAIR: return p && arg >= 0 && (size_t)arg < p->n_pairs;
    case SPIE_PARAM_HORIZON: return arg >= 1 && arg <= HORIZON_MAX;
    case SPIE_PARAM_DAY: return arg >= 0 && arg <= SPIE_INCIDENCE_LAST && arg % SPIE_INCIDENCE_STEP == 0;
    case SPIE_PARAM_MONTH:
    case SPIE_PARAM_WINDOW_MONTH: {
        char m[8];
        spie_month_format(arg, m);
        return strlen(m) == 7;
    }
    default: return false;
    }
}

/* Decimal digits of a non-negative int. */
static size_t put_uint(char *buf, size_t size, uint32_t v)
{
    char d[12];
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (n >= size)
        return 0;
    for (size_t i = 0; i < n; i++)
        buf[i] = d[n - 1 - i];
    buf[n] = 0;
    return n;
}

/* s (lower-cased when lower) into buf: its length, 0 when it does not fit. */
static size_t copy(char *buf, size_t size, const char *s, bool lower)
{
    size_t n = strlen(s);
    if (n >= size)
        return 0;
    if (lower)
        spie_ascii_lower(buf, size, s);
    else
        memcpy(buf, s, n + 1);
    return n;
}

/* The parameter as it is written in a name: "emploi_durable", "d_orient", "6", "2023-04".
 * arg must be valid. Returns the length, 0 when it does not fit. */
static size_t arg_name(spie_param param, int32_t arg, const spie_params *p, char *buf, size_t size)
{
    size_t n, first;
    const char *const *codes = codes_of(param, &n, &first);
    if (codes)
        return copy(buf, size, codes[arg], true);
    switch (param) {
    case SPIE_PARAM_PAIR: return copy(buf, size, p->pairs[arg].code, true);
    case SPIE_PARAM_HORIZON:
    case SPIE_PARAM_DAY: return put_uint(buf, size, (uint32_t)arg);
    case SPIE_PARAM_MONTH:
    case SPIE_PARAM_WINDOW_MONTH: {
        char m[8];
        spie_month_format(arg, m);
        return copy(buf, size, m, false);
    }
    default: return 0;
    }
}

/* The French words of a type or financer ("emploi durable", "France Travail"). */
typedef struct words {
    const char *code;
    const char *text;
} words;

static const char *type_words(const char *code)
{
    static const words types[] = {
        /* SOLUTION */
        {"FORMATION", "formation"},
        {"IMMERSION", "immersion en entreprise"},
        {"EMPLOI_AIDE", "emploi aidé"},
        {"CREATION", "accompagnement à la création d'activité"},
        {"LOGEMENT", "logement"},
        {"SANTE", "santé"},
        {"MOBILITE", "mobilité"},
        {"GARDE_ENFANTS", "garde d'enfants"},
        /* REPRISE */
        {"EMPLOI_DURABLE", "emploi durable"},
        {"EMPLOI_TEMPORAIRE", "emploi temporaire"},
        {"FORMATION_QUALIFIANTE", "formation qualifiante"},
        {"CREATION_ENTREPRISE", "création d'entreprise"},
        /* SORTIE */
        {"DEMENAGEMENT", "déménagement"},
        {"FIN_DROITS", "fin des droits"},
        {"ABANDON", "abandon"},
        {"AUTRE", "autre"},
    };
    for (size_t i = 0; i < SPIE_ARRAY_LEN(types); i++)
        if (strcmp(types[i].code, code) == 0)
            return types[i].text;
    return code; /* a code the table does not know is shown as it is */
}

/* The parameter in words, for labels: a type or financer in French, a pair's code, a
 * number, a month "AAAA-MM". */
static size_t arg_words(spie_param param, int32_t arg, const spie_params *p, char *buf, size_t size)
{
    static const char *const financers[SPIE_FIN_COUNT] = {"État", "département", "France Travail", "CAF",
                                                          "autres financeurs"};
    size_t n, first;
    const char *const *codes = codes_of(param, &n, &first);
    const char *s = NULL;
    if (param == SPIE_PARAM_FINANCER)
        s = financers[arg];
    else if (codes)
        s = type_words(codes[arg]);
    else if (param == SPIE_PARAM_PAIR)
        s = p->pairs[arg].code;
    return s ? copy(buf, size, s, false) : arg_name(param, arg, p, buf, size);
}

const char *spie_param_placeholder(spie_param param)
{
    switch (param) {
    case SPIE_PARAM_SOLUTION:
    case SPIE_PARAM_REPRISE:
    case SPIE_PARAM_SORTIE: return "<type>";
    case SPIE_PARAM_FINANCER: return "<financeur>";
    case SPIE_PARAM_PAIR: return "<c>";
    case SPIE_PARAM_HORIZON: return "<h>";
    case SPIE_PARAM_DAY: return "<t>";
    case SPIE_PARAM_MONTH:
    case SPIE_PARAM_WINDOW_MONTH: return "<AAAA-MM>";
    default: return "";
    }
}

/* ---- names ------------------------------------------------------------------------------- */

/* a + b + c into buf; the length, or 0 (buf "") when it does not fit. */
static size_t cat3(char *buf, size_t size, const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    if (na + nb + nc >= size) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    memcpy(buf, a, na);
    memcpy(buf + na, b, nb);
    memcpy(buf + na + nb, c, nc + 1);
    return na + nb + nc;
}

size_t spie_ind_name(spie_ind_id id, const spie_params *p, char *buf, size_t size)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    char arg[32] = "";
    if (!d || !arg_valid(d->param, id.arg, p) ||
        (d->param != SPIE_PARAM_NONE && !arg_name(d->param, id.arg, p, arg, sizeof arg))) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    return cat3(buf, size, d->prefix, arg, d->suffix);
}

size_t spie_ind_pattern(unsigned ind, char *buf, size_t size)
{
    const spie_ind_def *d = spie_ind_def_of(ind);
    if (!d) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    return cat3(buf, size, d->prefix, spie_param_placeholder(d->param), d->suffix);
}

size_t spie_ind_label(spie_ind_id id, const spie_params *p, char *buf, size_t size)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    char w[64] = "";
    if (!d || !arg_valid(d->param, id.arg, p) ||
        (d->param != SPIE_PARAM_NONE && !arg_words(d->param, id.arg, p, w, sizeof w))) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    /* The first "<...>" of the label is the parameter. */
    const char *lt = strchr(d->label, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!gt)
        return cat3(buf, size, d->label, "", "");
    size_t head = (size_t)(lt - d->label), tail = strlen(gt + 1), nw = strlen(w);
    if (head + nw + tail >= size) {
        if (size)
            buf[0] = 0;
        return 0;
    }
    memcpy(buf, d->label, head);
    memcpy(buf + head, w, nw);
    memcpy(buf + head + nw, gt + 1, tail + 1);
    return head + nw + tail;
}

/* A decimal number without sign or leading zero (but "0"), at most 9 digits. */
static bool read_uint(const char *s, size_t n, int32_t *v)
{
    if (n == 0 || n > 9 || (n > 1 && s[0] == '0'))
        return false;
    int32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* The value of param whose text in a name is s[0 .. n). */
static bool read_arg(spie_param param, const char *s, size_t n, const spie_params *p, int32_t *arg)
{
    size_t count, first;
    const char *const *codes = codes_of(param, &count, &first);
    char low[32];
    if (codes || param == SPIE_PARAM_PAIR) {
        size_t k = codes ? count : (p ? p->n_pairs : 0);
        for (size_t i = codes ? first : 0; i < k; i++) {
            const char *c = codes ? codes[i] : p->pairs[i].code;
            spie_ascii_lower(low, sizeof low, c);
            if (strlen(low) == n && memcmp(low, s, n) == 0) {
                *arg = (int32_t)i;
                return true;
            }
        }
        return false;
    }
    switch (param) {
    case SPIE_PARAM_HORIZON:
    case SPIE_PARAM_DAY: return read_uint(s, n, arg);
    case SPIE_PARAM_MONTH:
    case SPIE_PARAM_WINDOW_MONTH: {
        spie_month m;
        if (!spie_month_parse_iso(s, n, &m))
            return false;
        *arg = m;
        return true;
    }
    default: return false;
    }
}

bool spie_ind_parse(const char *name, const spie_params *p, spie_ind_id *id)
{
    size_t n = strlen(name);
    for (unsigned i = SPIE_IND_NONE + 1; i < SPIE_IND_COUNT; i++) {
        const spie_ind_def *d = &rows[i];
        size_t np = strlen(d->prefix), ns = strlen(d->suffix);
        if (n < np + ns || memcmp(name, d->prefix, np) != 0 || memcmp(name + n - ns, d->suffix, ns) != 0)
            continue;
        int32_t arg = 0;
        if (d->param == SPIE_PARAM_NONE ? n != np + ns : !read_arg(d->param, name + np, n - np - ns, p, &arg))
            continue;
        if (!arg_valid(d->param, arg, p))
            continue;
        /* the name it gives must be this one ("2023-4" is not read as a month) */
        char back[SPIE_IND_NAME_MAX];
        if (!spie_ind_name(spie_id((spie_ind)i, arg), p, back, sizeof back) || strcmp(back, name) != 0)
            continue;
        *id = spie_id((spie_ind)i, arg);
        return true;
    }
    return false;
}

/* ---- values of a parameter --------------------------------------------------------------- */

static size_t put(int32_t *out, size_t max, size_t k, int32_t v)
{
    if (k < max)
        out[k] = v;
    return k + 1;
}

size_t spie_ind_args(unsigned ind, const spie_params *p, spie_month period, int32_t *out, size_t max)
{
    const spie_ind_def *d = spie_ind_def_of(ind);
    if (!d)
        return 0;
    size_t k = 0, n, first;
    switch (d->param) {
    case SPIE_PARAM_NONE: return put(out, max, 0, 0);
    case SPIE_PARAM_SOLUTION:
    case SPIE_PARAM_REPRISE:
    case SPIE_PARAM_SORTIE:
    case SPIE_PARAM_FINANCER:
        codes_of(d->param, &n, &first);
        for (size_t i = first; i < n; i++)
            k = put(out, max, k, (int32_t)i);
        return k;
    case SPIE_PARAM_PAIR:
        for (size_t i = 0; p && i < p->n_pairs; i++)
            k = put(out, max, k, (int32_t)i);
        return k;
    case SPIE_PARAM_HORIZON:
        for (size_t i = 0; p && i < p->n_horizons; i++)
            k = put(out, max, k, p->horizons[i]);
        return k;
    case SPIE_PARAM_DAY:
        for (int32_t t = 0; t <= SPIE_INCIDENCE_LAST; t += SPIE_INCIDENCE_STEP)
            k = put(out, max, k, t);
        return k;
    case SPIE_PARAM_MONTH:
    case SPIE_PARAM_WINDOW_MONTH: {
        if (!p)
            return 0;
        spie_month last = period;
        if (d->param == SPIE_PARAM_WINDOW_MONTH && p->window_end < last)
            last = p->window_end;
        for (spie_month m = p->window_start; m <= last; m++)
            k = put(out, max, k, m);
        return k;
    }
    default: return 0;
    }
}

/* ---- properties ---------------------------------------------------------------------------- */

bool spie_ind_has_interval(spie_ind_id id)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    return d && (d->flags & SPIE_IF_INTERVAL);
}

spie_rule spie_ind_rule(spie_ind_id id)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    return d ? d->rule : SPIE_RULE_NONE;
}

spie_unit spie_ind_unit(spie_ind_id id)
{
    const spie_ind_def *d = spie_ind_def_of(id.ind);
    return d ? d->unit : SPIE_UNIT_COUNT;
}

bool spie_part_per_arg(spie_part part)
{
    return part == SPIE_PART_DELAI;
}

const char *spie_unit_word(spie_unit unit)
{
    static const char *const w[SPIE_UNIT_COUNT] = {"bénéficiaires", "territoires", "jours", "part", "euros", "mois",
                                                          "ratio"};
    return (unsigned)unit < SPIE_UNIT_COUNT ? w[unit] : "";
}

int spie_family_section(spie_family family)
{
    static const int s[SPIE_FAM_COUNT] = {4, 5, 6, 8, 9};
    return (unsigned)family < SPIE_FAM_COUNT ? s[family] : 0;
}
