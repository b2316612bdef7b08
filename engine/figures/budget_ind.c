/* The budget rows of the publication table (include/spie/budget_ind.h): exact int64-cent
 * sums per territory, région, vague and the nation, the envelope, the NAT lines and the
 * projection; each row gets its identity in the catalogue (family BUDGET) and its name.
 *
 * It may not print, render or apply the secret. Money stays in cents until a share or the
 * projection needs a double. */
#include "spie/budget_ind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"
#include "spie/geo.h"
#include "spie/stats.h"
#include "spie/util.h"

/* Sums of one group over its budget-included territories. */
typedef struct money {
    bool any;                 /* at least one territory included */
    bool overflow;            /* a sum went beyond int64 cents: the group's money is nd */
    spie_cents allocation;
    spie_cents engaged, paid; /* ETAT, mois <= P */
    spie_cents cofin[SPIE_FIN_COUNT];
    spie_cents *paid_month;   /* ETAT paid per month, index = month - series_start */
    /* unit costs: over territories included for both activity and budget */
    bool any_both;
    spie_cents paid_both;
    uint64_t entrants_both, returns_both;
    /* A territory's: the month of its budget extract when it is before P (late,
     * docs/methodologie.md §10): its series are nd after it. SPIE_NO_MONTH otherwise and
     * for every aggregate, whose sums stay over the territories included. */
    spie_month known_until;
} money;

typedef struct ctx {
    spie_table *t;
    const spie_params *params;
    spie_month period;
    spie_month first;     /* first month of the series (window start) */
    size_t n_months;      /* months from first to P (0 when P < first) */
    bool oom;
    bool bad_id;
} ctx;

static spie_figure *row(ctx *c, spie_level lv, const char *code, const char *lib, spie_ind_id id)
{
    spie_figure *f = spie_table_push(c->t);
    if (!f) {
        c->oom = true;
        return NULL;
    }
    f->id = id;
    f->level = (uint8_t)lv;
    f->breakdown = 0;
    spie_copy_str(f->code, sizeof f->code, code);
    if (!spie_ind_name(id, c->params, f->indicator, sizeof f->indicator))
        c->bad_id = true; /* a bug: an identity the catalogue does not know */
    f->libelle = lib;
    return f;
}

static void cents_row(ctx *c, spie_level lv, const char *code, const char *lib, spie_ind_id id, bool ok, spie_cents v)
{
    spie_figure *f = row(c, lv, code, lib, id);
    if (!f)
        return;
    if (ok) {
        f->kind = SPIE_VK_CENTS;
        f->ival = v;
    } else {
        f->status = SPIE_STATUS_ND;
    }
}

static void share_row(ctx *c, spie_level lv, const char *code, const char *lib, spie_ind_id id, bool ok,
                      spie_cents num, spie_cents den)
{
    spie_figure *f = row(c, lv, code, lib, id);
    if (!f)
        return;
    if (ok && den != 0) {
        f->kind = SPIE_VK_REAL;
        f->real = (double)num / (double)den;
    } else {
        f->status = SPIE_STATUS_ND;
    }
}

static void cost_row(ctx *c, spie_level lv, const char *code, const char *lib, spie_ind_id id, bool any,
                     spie_cents paid, uint64_t divisor)
{
    spie_figure *f = row(c, lv, code, lib, id);
    if (!f)
        return;
    if (!any) {
        f->status = SPIE_STATUS_ND;
        return;
    }
    f->has_effectif = true;
    f->effectif = (int64_t)divisor;
    spie_cents v;
    if (spie_cents_div_round(paid, (int64_t)divisor, &v) == SPIE_STAT_OK) {
        f->kind = SPIE_VK_CENTS;
        f->ival = v;
    } else {
        f->status = SPIE_STATUS_ND;
    }
}

#define ID(ind) spie_id(SPIE_IND_##ind, 0)

/* *acc += v, exactly; on overflow *acc is left as it was and *ovf is set. */
static void add_c(spie_cents *acc, spie_cents v, bool *ovf)
{
    spie_cents r;
    if (__builtin_add_overflow(*acc, v, &r))
        *ovf = true;
    else
        *acc = r;
}

/* The rows every level has (territory, region, wave, nation). */
static void group_rows(ctx *c, spie_level lv, const char *code, const char *lib, const money *mm)
{
    /* A group whose sums overflowed publishes its money as nd (its allocation too). */
    money ovf_copy;
    const money *m = mm;
    if (mm->overflow) {
        ovf_copy = *mm;
        ovf_copy.any = false;
        ovf_copy.any_both = false;
        m = &ovf_copy;
    }
    cents_row(c, lv, code, lib, ID(ALLOCATION_ETAT), (lv == SPIE_LEVEL_DEPARTEMENT && !mm->overflow) || m->any,
              m->allocation);
    cents_row(c, lv, code, lib, ID(ENGAGE_ETAT), m->any, m->engaged);
    cents_row(c, lv, code, lib, ID(PAYE_ETAT), m->any, m->paid);
    share_row(c, lv, code, lib, ID(TAUX_ENGAGEMENT), m->any, m->engaged, m->allocation);
    share_row(c, lv, code, lib, ID(TAUX_CONSOMMATION), m->any, m->paid, m->allocation);
    for (int f = SPIE_FIN_DEPARTEMENT; f < SPIE_FIN_COUNT; f++)
        cents_row(c, lv, code, lib, spie_id(SPIE_IND_COFINANCEMENT, f), m->any, m->cofin[f]);
    /* Series from the window's start to P; the cumulative starts with every earlier month:
     * paid = (paid before the series) + the months of the series, sums checked for
     * overflow, so these subtractions and additions are exact. */
    spie_cents cum = m->paid;
    for (size_t i = 0; i < c->n_months && m->any; i++)
        cum -= m->paid_month[i];
    for (size_t i = 0; i < c->n_months; i++) {
        spie_month mon = c->first + (spie_month)i;
        bool known = m->any && (m->known_until == SPIE_NO_MONTH || mon <= m->known_until);
        cents_row(c, lv, code, lib, spie_id(SPIE_IND_PAYE_ETAT_MOIS, mon), known, m->paid_month[i]);
        if (m->any)
            cum += m->paid_month[i];
        cents_row(c, lv, code, lib, spie_id(SPIE_IND_PAYE_ETAT_CUMUL, mon), known, cum);
    }
    cost_row(c, lv, code, lib, ID(COUT_PAR_ENTRANT), m->any_both, m->paid_both, m->entrants_both);
    cost_row(c, lv, code, lib, ID(COUT_PAR_REPRISE), m->any_both, m->paid_both, m->returns_both);
}

static void add_lines(money *m, const spie_budget *bud, const ctx *c)
{
    for (size_t i = 0; i < bud->count; i++) {
        const spie_budget_line *l = &bud->lines[i];
        if (l->month > c->period)
            continue;
        if (l->financer == SPIE_FIN_ETAT) {
            add_c(&m->engaged, l->engaged, &m->overflow);
            add_c(&m->paid, l->paid, &m->overflow);
            if (l->month >= c->first && (size_t)(l->month - c->first) < c->n_months)
                add_c(&m->paid_month[l->month - c->first], l->paid, &m->overflow);
        } else {
            add_c(&m->cofin[l->financer], l->paid, &m->overflow);
        }
    }
}

static void add_money(money *dst, const money *src, size_t n_months)
{
    dst->any |= src->any;
    dst->overflow |= src->overflow;
    add_c(&dst->allocation, src->allocation, &dst->overflow);
    add_c(&dst->engaged, src->engaged, &dst->overflow);
    add_c(&dst->paid, src->paid, &dst->overflow);
    for (int f = 0; f < SPIE_FIN_COUNT; f++)
        add_c(&dst->cofin[f], src->cofin[f], &dst->overflow);
    for (size_t i = 0; i < n_months; i++)
        add_c(&dst->paid_month[i], src->paid_month[i], &dst->overflow);
    dst->any_both |= src->any_both;
    add_c(&dst->paid_both, src->paid_both, &dst->overflow);
    dst->entrants_both += src->entrants_both;
    dst->returns_both += src->returns_both;
}

static bool money_init(money *m, size_t n_months)
{
    memset(m, 0, sizeof *m);
    m->known_until = SPIE_NO_MONTH;
    m->paid_month = calloc(n_months ? n_months : 1, sizeof *m->paid_month);
    return m->paid_month != NULL;
}

/* The NAT lines apart and the envelope itself (nation only). */
static void nat_rows(ctx *c, const spie_batch *b)
{
    spie_cents nat_eng = 0, nat_paid = 0;
    bool nat_ovf = false;
    if (b->nat_ok)
        for (size_t i = 0; i < b->nat_budget.count; i++) {
            const spie_budget_line *l = &b->nat_budget.lines[i];
            if (l->financer == SPIE_FIN_ETAT && l->month <= c->period) {
                add_c(&nat_eng, l->engaged, &nat_ovf);
                add_c(&nat_paid, l->paid, &nat_ovf);
            }
        }
    cents_row(c, SPIE_LEVEL_NATIONAL, "FR", "France", ID(ENGAGE_ETAT_NATIONAL), b->nat_ok && !nat_ovf, nat_eng);
    cents_row(c, SPIE_LEVEL_NATIONAL, "FR", "France", ID(PAYE_ETAT_NATIONAL), b->nat_ok && !nat_ovf, nat_paid);
    cents_row(c, SPIE_LEVEL_NATIONAL, "FR", "France", ID(ENVELOPPE), true, c->params->envelope);
}

/* State money inside the envelope's window, up to min(P, window end): territories
 * included for budget, and NAT. */
typedef struct window {
    size_t nw;            /* months of the window up to min(P, window end) */
    spie_cents *paid;     /* paid per month of the window */
    spie_cents engaged_sum, paid_sum, alloc_all;
    bool ovf;             /* a sum overflowed: the envelope's figures are nd */
} window;

/* Fills *wd (wd->paid allocated: false when memory runs out). */
static bool window_sums(const ctx *c, const spie_batch *b, const spie_territories *terr, window *wd)
{
    const spie_params *p = c->params;
    spie_month wend = c->period < p->window_end ? c->period : p->window_end;
    memset(wd, 0, sizeof *wd);
    wd->nw = wend >= p->window_start ? (size_t)(wend - p->window_start) + 1 : 0;
    if (!(wd->paid = calloc(wd->nw ? wd->nw : 1, sizeof *wd->paid)))
        return false;
    for (size_t i = 0; i < terr->count; i++)
        add_c(&wd->alloc_all, terr->items[i].allocation, &wd->ovf);
    for (size_t i = 0; i <= terr->count; i++) {
        const spie_budget *bud = i < terr->count ? (b->budget_ok[i] ? &b->budgets[i] : NULL)
                                                 : (b->nat_ok ? &b->nat_budget : NULL);
        if (!bud)
            continue;
        for (size_t k = 0; k < bud->count; k++) {
            const spie_budget_line *l = &bud->lines[k];
            if (l->financer != SPIE_FIN_ETAT || l->month < p->window_start || l->month > wend)
                continue;
            add_c(&wd->engaged_sum, l->engaged, &wd->ovf);
            add_c(&wd->paid_sum, l->paid, &wd->ovf);
            add_c(&wd->paid[l->month - p->window_start], l->paid, &wd->ovf);
        }
    }
    return true;
}

/* The envelope's shares, rest and monthly series; ys[i] receives the cumulative paid of
 * month i in euros (the projection's points). A cumulative sum that overflows makes the
 * rest of the series nd (wd->ovf). */
static void window_rows(ctx *c, window *wd, double *ys)
{
    const spie_params *p = c->params;
    const spie_level lv = SPIE_LEVEL_NATIONAL;
    const char *code = "FR", *lib = "France";
    spie_cents rest = p->envelope;
    add_c(&rest, -wd->paid_sum, &wd->ovf);
    share_row(c, lv, code, lib, ID(PART_ENVELOPPE_ALLOUEE), !wd->ovf, wd->alloc_all, p->envelope);
    share_row(c, lv, code, lib, ID(PART_ENVELOPPE_ENGAGEE), !wd->ovf, wd->engaged_sum, p->envelope);
    share_row(c, lv, code, lib, ID(PART_ENVELOPPE_PAYEE), !wd->ovf, wd->paid_sum, p->envelope);
    cents_row(c, lv, code, lib, ID(RESTE_ENVELOPPE), !wd->ovf, rest);
    spie_cents cum = 0;
    for (size_t i = 0; i < wd->nw; i++) {
        spie_month mon = p->window_start + (spie_month)i;
        cents_row(c, lv, code, lib, spie_id(SPIE_IND_PAYE_ENVELOPPE_MOIS, mon), !wd->ovf, wd->paid[i]);
        add_c(&cum, wd->paid[i], &wd->ovf);
        ys[i] = (double)cum / 100.0;
        cents_row(c, lv, code, lib, spie_id(SPIE_IND_PAYE_ENVELOPPE_CUMUL, mon), !wd->ovf, cum);
    }
}

/* The least-squares fit over the last K months up to min(P, window end), at least 3
 * points: *k receives the number of points. SPIE_STAT_NA without enough points or after
 * an overflow; a failure of the fit is said in msg. false when memory runs out. */
static bool projection_fit(ctx *c, const window *wd, const double *ys, spie_projection *pr, size_t *k,
                           spie_stat_status *st, char *msg, size_t msg_size)
{
    const spie_params *p = c->params;
    *k = wd->nw < (size_t)p->projection_months ? wd->nw : (size_t)p->projection_months;
    memset(pr, 0, sizeof *pr);
    *st = SPIE_STAT_NA;
    if (*k < 3 || wd->ovf)
        return true;
    double *xs = malloc(*k * sizeof *xs);
    if (!xs)
        return false;
    for (size_t i = 0; i < *k; i++)
        xs[i] = (double)(wd->nw - *k + i);
    double x_e = (double)(p->window_end - p->window_start);
    *st = spie_projection_fit(xs, ys + (wd->nw - *k), *k, x_e, p->level, pr);
    if (*st != SPIE_STAT_OK && *st != SPIE_STAT_NA && msg_size && !msg[0])
        snprintf(msg, msg_size, "projection : %s", spie_stat_strerror(*st));
    free(xs);
    return true;
}

/* The three projection rows, each with the number of points as effectif. */
static void projection_rows(ctx *c, const window *wd, const spie_projection *pr, size_t k, spie_stat_status st)
{
    const spie_params *p = c->params;
    const spie_level lv = SPIE_LEVEL_NATIONAL;
    const char *code = "FR", *lib = "France";
    spie_figure *f = row(c, lv, code, lib, ID(PROJECTION_PAYE_FIN));
    if (f) {
        f->has_effectif = true;
        f->effectif = (int64_t)k;
        spie_cents v;
        if (st == SPIE_STAT_OK && spie_round_cents(pr->yhat, &v) == SPIE_STAT_OK) {
            f->kind = SPIE_VK_CENTS;
            f->ival = v;
            f->has_ci = true;
            f->lo = pr->lower;
            f->hi = pr->upper;
        } else {
            f->status = SPIE_STATUS_ND;
        }
    }
    f = row(c, lv, code, lib, ID(PROJECTION_PART_ENVELOPPE));
    if (f) {
        f->has_effectif = true;
        f->effectif = (int64_t)k;
        if (st == SPIE_STAT_OK && p->envelope != 0) {
            f->kind = SPIE_VK_REAL;
            f->real = pr->yhat / ((double)p->envelope / 100.0);
        } else {
            f->status = SPIE_STATUS_ND;
        }
    }
    /* v2: the exhaustion month as a number of months from P (0 = P itself). */
    f = row(c, lv, code, lib, ID(PROJECTION_EPUISEMENT_DANS_MOIS));
    if (f) {
        f->has_effectif = true;
        f->effectif = (int64_t)k;
        int64_t xr;
        int64_t x_p = (int64_t)(wd->nw - 1), x_e = (int64_t)(p->window_end - p->window_start);
        if (st == SPIE_STAT_OK && c->period <= p->window_end &&
            spie_projection_exhaustion(pr, x_p, x_e, (double)p->envelope / 100.0, &xr) == SPIE_STAT_OK) {
            f->kind = SPIE_VK_COUNT;
            f->ival = xr - x_p;
        } else {
            f->status = SPIE_STATUS_ND;
        }
    }
}

/* The envelope, the NAT lines and the projection (nation only). */
static void envelope_rows(ctx *c, const spie_batch *b, const spie_territories *terr, char *msg, size_t msg_size)
{
    nat_rows(c, b);
    window wd;
    if (!window_sums(c, b, terr, &wd)) {
        c->oom = true;
        return;
    }
    double *ys = calloc(wd.nw ? wd.nw : 1, sizeof *ys);
    spie_projection pr;
    size_t k;
    spie_stat_status st;
    if (!ys) {
        c->oom = true;
    } else {
        window_rows(c, &wd, ys);
        if (projection_fit(c, &wd, ys, &pr, &k, &st, msg, msg_size))
            projection_rows(c, &wd, &pr, k, st);
        else
            c->oom = true;
    }
    free(ys);
    free(wd.paid);
}

/* The money of territory i (tr) into m, whose paid_month is reused. m->overflow is not
 * reset: once set it stays for the territories that follow (as it always has). known_until:
 * the month of its budget extract when late, else SPIE_NO_MONTH. */
static void territory_money(const ctx *c, const spie_batch *b, const spie_territory *tr, size_t i,
                            spie_month known_until, money *m)
{
    memset(m->cofin, 0, sizeof m->cofin);
    memset(m->paid_month, 0, (c->n_months ? c->n_months : 1) * sizeof *m->paid_month);
    m->engaged = m->paid = 0;
    m->allocation = tr->allocation;
    m->known_until = known_until;
    m->any = b->budget_ok[i];
    m->any_both = b->budget_ok[i] && b->persons_ok[i];
    if (m->any)
        add_lines(m, &b->budgets[i], c);
    m->paid_both = m->any_both ? m->paid : 0;
    m->entrants_both = m->any_both ? b->dept[i].cells[0].entrants : 0;
    m->returns_both = m->any_both ? b->dept[i].cells[0].with_return : 0;
}

spie_rc spie_budget_rows(spie_table *t, const spie_batch *b, const spie_territories *terr,
                         const spie_params *params, const spie_month *budget_month, spie_error *err)
{
    char msg[512];
    const size_t msg_size = sizeof msg;
    ctx c = {.t = t, .params = params, .period = b->fold.period, .first = params->window_start};
    c.n_months = c.period >= c.first ? (size_t)(c.period - c.first) + 1 : 0;
    if (msg_size)
        msg[0] = 0;
    size_t nr = spie_region_count();
    money nat = {0}, waves[SPIE_WAVE_COUNT] = {{0}}, terr_m = {0};
    money *regions = calloc(nr, sizeof *regions);
    bool ok = regions && money_init(&nat, c.n_months) && money_init(&terr_m, c.n_months);
    for (int w = 0; ok && w < SPIE_WAVE_COUNT; w++)
        ok = money_init(&waves[w], c.n_months);
    for (size_t r = 0; ok && r < nr; r++)
        ok = money_init(&regions[r], c.n_months);
    /* when !ok, every paid_month is NULL or allocated: freed below */
    bool region_has[64] = {false};
    for (size_t i = 0; ok && i < terr->count; i++) {
        const spie_territory *tr = &terr->items[i];
        spie_month known = budget_month && budget_month[i] != SPIE_NO_MONTH && budget_month[i] < c.period
                               ? budget_month[i]
                               : SPIE_NO_MONTH;
        territory_money(&c, b, tr, i, known, &terr_m);
        group_rows(&c, SPIE_LEVEL_DEPARTEMENT, tr->dept->code, tr->dept->name, &terr_m);
        size_t ri = spie_region_index(spie_dept_region(tr->dept));
        bool in_table = ri < nr && ri < 64;
        if (in_table)
            region_has[ri] = true;
        if (!terr_m.any) /* out of the budget aggregates; its allocation too (§9) */
            continue;
        add_money(&nat, &terr_m, c.n_months);
        add_money(&waves[tr->wave], &terr_m, c.n_months);
        if (in_table)
            add_money(&regions[ri], &terr_m, c.n_months);
    }
    for (size_t r = 0; ok && r < nr && r < 64; r++)
        if (region_has[r])
            group_rows(&c, SPIE_LEVEL_REGION, spie_region_at(r)->code, spie_region_at(r)->name, &regions[r]);
    for (int w = 0; ok && w < SPIE_WAVE_COUNT; w++)
        group_rows(&c, SPIE_LEVEL_VAGUE, spie_wave_code((spie_wave)w), spie_wave_code((spie_wave)w), &waves[w]);
    if (ok) {
        group_rows(&c, SPIE_LEVEL_NATIONAL, "FR", "France", &nat);
        envelope_rows(&c, b, terr, msg, msg_size);
    }
    free(nat.paid_month);
    free(terr_m.paid_month);
    for (int w = 0; w < SPIE_WAVE_COUNT; w++)
        free(waves[w].paid_month);
    if (regions)
        for (size_t r = 0; r < nr; r++)
            free(regions[r].paid_month);
    free(regions);
    if (!ok || c.oom)
        return spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    if (c.bad_id)
        return spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "budget : indicateur inconnu du catalogue");
    return msg[0] ? spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "%s", msg) : SPIE_OK;
}
