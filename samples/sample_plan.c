/* The sample plan: which territories a scale uses, the role each one plays (late, missing,
 * French-style export...), and how many persons enter each territory in each month.
 *
 * Person counts are a deterministic allocation (no random draw), so a test can check the
 * national scale's size without generating it: the persons of the scale are shared out
 * across territories in proportion to population x months of activity (largest remainder,
 * so the total is exact), then across each territory's months in proportion to a monthly
 * activity curve (a six-month ramp-up after the territory's start, a seasonal dip in
 * August and December, slow growth over the years).
 *
 * May not: draw a random number or write a file (it reads the territories table only). */
#include "spie/sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"

#define UNTIL_MIN (2020 * 12 + 3 - 1)  /* 2020-03: the first wave's start */
#define UNTIL_MAX (2030 * 12 + 12 - 1) /* 2030-12: injected "future" dates are in 2031 */
#define UNTIL_DEFAULT (2023 * 12 + 12 - 1)
#define UNTIL_REF UNTIL_DEFAULT        /* the demo and national person counts hold at 2023-12 */

static const char *const status_msgs[SPIE_SAMPLE_E_COUNT] = {
    "terminé",
    "option invalide ou dossier de sortie non vide",
    "table des territoires illisible",
    "écriture impossible",
    "mémoire insuffisante",
};

const char *spie_sample_strerror(spie_sample_status st)
{
    return (unsigned)st < SPIE_SAMPLE_E_COUNT ? status_msgs[st] : "?";
}

void spie_sample_options_init(spie_sample_options *o)
{
    memset(o, 0, sizeof *o);
    o->scale = SPIE_SAMPLE_SCALE_DEMO;
    o->persons = 0;
    o->seed = 1;
    o->until = UNTIL_DEFAULT;
    o->history = 0;
    o->clean = false;
    o->territories = NULL;
}

bool spie_sample_parse_scale(const char *s, spie_sample_options *o)
{
    if (!s || !o)
        return false;
    if (!strcmp(s, "demo")) {
        o->scale = SPIE_SAMPLE_SCALE_DEMO;
        return true;
    }
    if (!strcmp(s, "national")) {
        o->scale = SPIE_SAMPLE_SCALE_NATIONAL;
        return true;
    }
    uint64_t v = 0;
    if (!*s)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10u + (uint64_t)(*p - '0');
        if (v > SPIE_SAMPLE_MAX_PERSONS)
            return false;
    }
    if (v == 0)
        return false;
    o->scale = SPIE_SAMPLE_SCALE_PERSONS;
    o->persons = v;
    return true;
}

/* ---- roles ------------------------------------------------------------------------- */

/* The demo: Bretagne (EXP2020), Occitanie (AMI1, AMI2), Hauts-de-France (EXP2020). */
static const char *const demo_codes[] = {"11", "29", "30", "31", "35", "56", "59", "80"};

typedef struct role_pref {
    unsigned role;
    int late;                   /* months, for SPIE_SAMPLE_ROLE_LATE */
    bool dirt;                  /* off with --clean */
    const char *demo;           /* preferred code at demo scale */
    const char *national;       /* preferred code at the other scales */
} role_pref;

/* One territory per entry. Preferred codes first; when a preferred code is not in the
 * scale's set, the first territory (code order) without a role of this list takes it. A
 * missing or late role is not given to the last territory that is neither (a small table
 * from --territories must keep one territory sending every extract). */
static const role_pref role_prefs[] = {
    {SPIE_SAMPLE_ROLE_MISSING, 0, false, "30", "976"},
    {SPIE_SAMPLE_ROLE_LATE, 1, false, "80", "973"},
    {SPIE_SAMPLE_ROLE_LATE, 2, false, NULL, "2A"},
    {SPIE_SAMPLE_ROLE_FRENCH, 0, true, "31", "31"},
    {SPIE_SAMPLE_ROLE_FRENCH, 0, true, NULL, "974"},
    {SPIE_SAMPLE_ROLE_FRENCH, 0, true, NULL, "62"},
    {SPIE_SAMPLE_ROLE_QUOTED, 0, true, "35", "35"},
    {SPIE_SAMPLE_ROLE_QUOTED, 0, true, NULL, "69"},
    {SPIE_SAMPLE_ROLE_PLAIN, 0, true, "56", "23"},
    {SPIE_SAMPLE_ROLE_MULTI, 0, true, "59", "59"},
};

static long find_item(const spie_sample_plan *p, const char *code)
{
    for (size_t i = 0; i < p->count; i++)
        if (!strcmp(p->items[i].terr->dept->code, code))
            return (long)i;
    return -1;
}

static void assign_roles(spie_sample_plan *p)
{
    const unsigned exclusive = SPIE_SAMPLE_ROLE_MISSING | SPIE_SAMPLE_ROLE_LATE | SPIE_SAMPLE_ROLE_FRENCH |
                               SPIE_SAMPLE_ROLE_QUOTED | SPIE_SAMPLE_ROLE_PLAIN | SPIE_SAMPLE_ROLE_MULTI;
    const unsigned incomplete = SPIE_SAMPLE_ROLE_MISSING | SPIE_SAMPLE_ROLE_LATE;
    bool demo = p->opt.scale == SPIE_SAMPLE_SCALE_DEMO;
    size_t complete = p->count; /* territories neither missing nor late */
    for (size_t r = 0; r < SPIE_ARRAY_LEN(role_prefs); r++) {
        const role_pref *rp = &role_prefs[r];
        const char *code = demo ? rp->demo : rp->national;
        if (!code || (rp->dirt && p->opt.clean))
            continue;
        if ((rp->role & incomplete) && complete <= 1)
            continue;
        long i = find_item(p, code);
        if (i >= 0 && (p->items[i].roles & exclusive))
            i = -1;
        for (size_t j = 0; i < 0 && j < p->count; j++)
            if (!(p->items[j].roles & exclusive))
                i = (long)j;
        if (i < 0)
            continue;
        p->items[i].roles |= rp->role;
        if (rp->role & incomplete)
            complete--;
        if (rp->role == SPIE_SAMPLE_ROLE_LATE)
            p->items[i].late_months = rp->late;
    }
    /* Pseudonymised ids: some information systems write hex digests, others "B31-000123". */
    static const char *const demo_hex[] = {"11", "29", "59"};
    for (size_t i = 0; i < p->count; i++) {
        const char *code = p->items[i].terr->dept->code;
        bool hex = false;
        if (demo) {
            for (size_t k = 0; k < SPIE_ARRAY_LEN(demo_hex); k++)
                hex = hex || !strcmp(code, demo_hex[k]);
        } else {
            unsigned h = 0;
            for (const char *c = code; *c; c++)
                h = h * 31u + (unsigned char)*c;
            hex = h % 3u == 0;
        }
        if (hex)
            p->items[i].roles |= SPIE_SAMPLE_ROLE_HEXID;
    }
}

/* ---- activity curve and allocation ---------------------------------------------------- */

/* Relative entries of a territory in month m, s months after its start (s >= 0). */
static double month_weight(spie_month m, spie_month start)
{
    static const double season[12] = {1.05, 1.00, 1.05, 1.00, 0.95, 1.00,
                                      0.85, 0.65, 1.20, 1.15, 1.05, 0.80};
    int s = m - start;
    double ramp = s >= 5 ? 1.0 : (double)(s + 1) / 6.0;
    int y, mo;
    spie_month_to_ym(m, &y, &mo);
    double growth = 1.0 + 0.06 * (double)(y - 2020);
    return ramp * season[mo - 1] * growth;
}

/* Months of item it's extracts when --until is `until`. */
static void item_months(const spie_sample_terr *it, spie_month until, spie_month *first, spie_month *last)
{
    *first = spie_wave_start(it->terr->wave);
    if (it->roles & SPIE_SAMPLE_ROLE_MISSING)
        *last = *first - 1;
    else
        *last = until - it->late_months;
}

static double item_weight(const spie_sample_terr *it, spie_month until)
{
    spie_month first, last;
    item_months(it, until, &first, &last);
    double w = 0;
    for (spie_month m = first; m <= last; m++)
        w += month_weight(m, first);
    return w * (double)it->population;
}

/* Shares total among n weights by largest remainder (ties: lowest index): exact sum. */
static bool allocate(uint64_t total, const double *w, size_t n, uint64_t *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    for (size_t i = 0; i < n; i++)
        out[i] = 0;
    if (n == 0 || total == 0 || !(sum > 0))
        return true;
    double *rem = malloc(n * sizeof *rem);
    if (!rem)
        return false;
    uint64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        double x = (double)total * w[i] / sum;
        double f = floor(x);
        out[i] = (uint64_t)f;
        rem[i] = x - f;
        given += out[i];
    }
    while (given < total) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1.0;
        given++;
    }
    free(rem);
    return true;
}

/* Loads the options' table (o->territories, else the shipped one) into *t. */
static spie_sample_status load_table(const spie_sample_options *o, spie_territories *t, spie_sample_error *err)
{
    spie_error te;
    if (o->territories) {
        if (spie_territories_load(o->territories, t, &te) == SPIE_OK)
            return SPIE_SAMPLE_OK;
        if (te.line > 0)
            snprintf(err->msg, sizeof err->msg, "table des territoires %s, ligne %llu : %.300s", o->territories, (unsigned long long)te.line,
                     te.msg);
        else
            snprintf(err->msg, sizeof err->msg, "table des territoires %s : %.300s", o->territories, te.msg);
        return SPIE_SAMPLE_E_TABLE;
    }
    if (spie_territories_default(t, &te) == SPIE_OK)
        return SPIE_SAMPLE_OK;
    snprintf(err->msg, sizeof err->msg, "table des territoires par défaut, ligne %llu : %.300s", (unsigned long long)te.line, te.msg);
    return SPIE_SAMPLE_E_TABLE;
}

/* Fills p->items (p->opt and p->table set, p->items NULL) with the territories of the
 * scale, their size weights and their roles. False when out of memory. */
static bool select_items(spie_sample_plan *p)
{
    const spie_territories *t = &p->table;
    p->items = calloc(t->count ? t->count : 1, sizeof *p->items);
    if (!p->items)
        return false;
    p->count = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (p->opt.scale == SPIE_SAMPLE_SCALE_DEMO) {
            bool in = false;
            for (size_t k = 0; k < SPIE_ARRAY_LEN(demo_codes); k++)
                in = in || !strcmp(t->items[i].dept->code, demo_codes[k]);
            if (!in)
                continue;
        }
        p->items[p->count++].terr = &t->items[i];
    }
    /* A table without any demo code: its first territories make the demo. */
    if (p->opt.scale == SPIE_SAMPLE_SCALE_DEMO && p->count == 0)
        for (size_t i = 0; i < t->count && i < SPIE_ARRAY_LEN(demo_codes); i++)
            p->items[p->count++].terr = &t->items[i];
    for (size_t i = 0; i < p->count; i++) {
        spie_sample_terr *it = &p->items[i];
        it->population = spie_sample_population(it->terr->dept->code);
        if (it->population == 0)
            it->population = 300; /* a code the size table does not know: a median size */
    }
    assign_roles(p);
    return true;
}

/* Sum of the item weights (population x months of activity up to until). */
static double plan_weight(const spie_sample_plan *p, spie_month until)
{
    double w = 0;
    for (size_t i = 0; i < p->count; i++)
        w += item_weight(&p->items[i], until);
    return w;
}

static double table_allocations(const spie_territories *t)
{
    double all = 0;
    for (size_t i = 0; i < t->count; i++)
        all += (double)t->items[i].allocation;
    return all;
}

/* The shipped table's national sample: its weight at UNTIL_REF (the denominator of the
 * national scale) and its allocations (the denominator of the NAT ratio). */
static spie_sample_status shipped_reference(const spie_sample_options *o, double *weight, double *allocations,
                                            spie_sample_error *err)
{
    spie_sample_plan ref;
    memset(&ref, 0, sizeof ref);
    ref.opt = *o;
    ref.opt.territories = NULL;
    ref.opt.scale = SPIE_SAMPLE_SCALE_NATIONAL;
    spie_sample_status st = load_table(&ref.opt, &ref.table, err);
    if (st != SPIE_SAMPLE_OK)
        return st;
    if (!select_items(&ref)) {
        snprintf(err->msg, sizeof err->msg, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    *weight = plan_weight(&ref, UNTIL_REF);
    *allocations = table_allocations(&ref.table);

out_free:
    spie_sample_plan_free(&ref);
    return st;
}

spie_sample_status spie_sample_plan_make(const spie_sample_options *o, spie_sample_plan *out,
                                         spie_sample_error *err)
{
    memset(out, 0, sizeof *out);
    if (o->until < UNTIL_MIN || o->until > UNTIL_MAX) {
        snprintf(err->msg, sizeof err->msg, "--until doit être entre 2020-03 et 2030-12");
        return SPIE_SAMPLE_E_USAGE;
    }
    if (o->scale == SPIE_SAMPLE_SCALE_PERSONS && (o->persons < 1 || o->persons > SPIE_SAMPLE_MAX_PERSONS)) {
        snprintf(err->msg, sizeof err->msg, "nombre de personnes hors de 1..%u", SPIE_SAMPLE_MAX_PERSONS);
        return SPIE_SAMPLE_E_USAGE;
    }
    out->opt = *o;
    spie_sample_status st = load_table(o, &out->table, err);
    if (st != SPIE_SAMPLE_OK)
        return st;
    double *w = NULL;
    uint64_t *alloc = NULL;
    if (!select_items(out))
        goto out_oom;
    w = calloc(out->count ? out->count : 1, sizeof *w);
    alloc = malloc((out->count ? out->count : 1) * sizeof *alloc);
    if (!w || !alloc)
        goto out_oom;

    /* The shipped table's figures: the plan's own when it uses that table. */
    double ship_weight = 0, ship_alloc = 0;
    if (o->territories) {
        if ((st = shipped_reference(o, &ship_weight, &ship_alloc, err)) != SPIE_SAMPLE_OK)
            goto out_fail;
    } else {
        ship_weight = plan_weight(out, UNTIL_REF); /* meaningful at national scale only */
        ship_alloc = table_allocations(&out->table);
    }

    /* Persons of the scale. */
    uint64_t total;
    if (o->scale == SPIE_SAMPLE_SCALE_PERSONS) {
        total = o->persons;
    } else {
        double wu = plan_weight(out, o->until);
        double wr = o->scale == SPIE_SAMPLE_SCALE_DEMO ? plan_weight(out, UNTIL_REF) : ship_weight;
        double ref = o->scale == SPIE_SAMPLE_SCALE_DEMO ? SPIE_SAMPLE_DEMO_PERSONS : SPIE_SAMPLE_NATIONAL_PERSONS;
        total = wr > 0 ? (uint64_t)floor(ref * wu / wr + 0.5) : 0;
    }
    for (size_t i = 0; i < out->count; i++) {
        w[i] = item_weight(&out->items[i], o->until);
        item_months(&out->items[i], o->until, &out->items[i].first, &out->items[i].last);
    }
    if (!allocate(total, w, out->count, alloc))
        goto out_oom;
    out->persons = 0;
    for (size_t i = 0; i < out->count; i++) {
        out->items[i].persons = alloc[i];
        out->persons += alloc[i];
    }

    /* NAT: national costs from the first wave's start, scaled to the territories used
     * (their share of the shipped table's allocations). */
    out->nat_first = spie_wave_start(SPIE_WAVE_EXP2020);
    double used = 0;
    for (size_t i = 0; i < out->count; i++)
        used += (double)out->items[i].terr->allocation;
    out->nat_ratio = ship_alloc > 0 ? used / ship_alloc : 1.0;

    free(alloc);
    free(w);
    return SPIE_SAMPLE_OK;

out_oom:
    snprintf(err->msg, sizeof err->msg, "mémoire insuffisante");
    st = SPIE_SAMPLE_E_MEMORY;
out_fail:
    free(alloc);
    free(w);
    spie_sample_plan_free(out);
    return st;
}

void spie_sample_plan_free(spie_sample_plan *p)
{
    if (!p)
        return;
    free(p->items);
    spie_territories_free(&p->table);
    memset(p, 0, sizeof *p);
}

spie_sample_status spie_sample_plan_months(const spie_sample_plan *p, size_t i, uint64_t *counts)
{
    const spie_sample_terr *it = &p->items[i];
    if (it->last < it->first)
        return SPIE_SAMPLE_OK;
    size_t n = (size_t)(it->last - it->first + 1);
    double *w = malloc(n * sizeof *w);
    if (!w)
        return SPIE_SAMPLE_E_MEMORY;
    for (size_t k = 0; k < n; k++)
        w[k] = month_weight(it->first + (spie_month)k, it->first);
    bool ok = allocate(it->persons, w, n, counts);
    free(w);
    return ok ? SPIE_SAMPLE_OK : SPIE_SAMPLE_E_MEMORY;
}
