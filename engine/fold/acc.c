/* The accumulators of the person-based indicators (spie/acc.h): a person's contributions
 * worked out once (struct contrib: which counts, which day of which histogram), then
 * added to every cell of a cube it belongs to by index arithmetic only; cubes added cell
 * by cell. The addition is exact, so the figures do not depend on the order of the
 * persons or the territories. Histograms hold the days the data reach, no more.
 *
 * This file holds counts only: it may not compute a statistic (engine/figures does), keep
 * a person, or depend on a thread. */
#include "spie/acc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "spie/date.h"

const char *const spie_breakdown_names[SPIE_BD_COUNT] = {"ensemble", "public", "sexe", "age", "cohorte"};
const char *const spie_age_names[SPIE_AGE_COUNT] = {"moins_26", "26_49", "50_plus", "inconnu"};
const char *const spie_sex_names[SPIE_SEX_COUNT] = {"F", "M", "inconnu"};

#define HIST_STEP 64u /* histogram bounds are rounded out to multiples of this many days */

void spie_fold_ctx_init(spie_fold_ctx *c, const spie_params *params, spie_month period)
{
    c->params = params;
    c->period = period;
    c->last_day = spie_month_last_day(period);
    c->first_day = spie_month_first_day(period);
    spie_day_from_ymd(SPIE_PROGRAMME_START_YEAR, 1, 1, &c->origin);
    c->len = c->last_day >= c->origin ? (size_t)(c->last_day - c->origin) + 1 : 1;
}

/* ---- histograms ---------------------------------------------------------------------------
 * A histogram is at most two runs of days (struct spie_hist). The censoring times show
 * why: those at an exit are short delays, near day 0; those at D are D - F(A), near the
 * top whatever the period; one run from one to the other would span the calendar. Days
 * outside both runs take the cheapest way in (the fewest new days): extending the nearer
 * run, or, when they are far from both (more than RUN_GAP days from a single run), a new
 * run, the two runs becoming one first if need be; runs that meet become one. */

#define RUN_GAP (4 * HIST_STEP)

static uint64_t run_get(const spie_hist_run *r, size_t i)
{
    return r->w ? r->w[i] : r->c[i];
}

static bool run_has(const spie_hist_run *r, size_t d)
{
    return r->n && d >= r->lo && d - r->lo < r->n;
}

uint64_t spie_hist_at(const spie_hist *h, size_t d)
{
    for (int k = 0; k < 2; k++)
        if (run_has(&h->run[k], d))
            return run_get(&h->run[k], d - h->run[k].lo);
    return 0;
}

static void run_free(spie_hist_run *r)
{
    free(r->c);
    free(r->w);
    memset(r, 0, sizeof *r);
}

static void hist_free(spie_hist *h)
{
    run_free(&h->run[0]);
    run_free(&h->run[1]);
}

/* A run holding days [lo, hi) (bounds rounded out to HIST_STEP, hi at most cap) with the
 * counts of the runs src[0..nsrc) (64-bit when one of them is). false when memory runs
 * out. */
static bool run_make(spie_hist_run *out, size_t lo, size_t hi, size_t cap, const spie_hist_run *src, int nsrc)
{
    lo -= lo % HIST_STEP;
    hi = hi + (HIST_STEP - 1) - (hi + HIST_STEP - 1) % HIST_STEP;
    if (hi > cap)
        hi = cap;
    bool wide = false;
    for (int k = 0; k < nsrc; k++)
        wide = wide || src[k].w;
    spie_hist_run r = {NULL, NULL, (uint32_t)lo, (uint32_t)(hi - lo)};
    if (wide)
        r.w = calloc(r.n, sizeof *r.w);
    else
        r.c = calloc(r.n, sizeof *r.c);
    if (!r.w && !r.c)
        return false;
    for (int k = 0; k < nsrc; k++)
        for (size_t i = 0; i < src[k].n; i++) {
            if (wide)
                r.w[src[k].lo - lo + i] = run_get(&src[k], i);
            else
                r.c[src[k].lo - lo + i] = src[k].c[i];
        }
    *out = r;
    return true;
}

/* Makes h hold days [lo, hi) (hi <= cap, the days a histogram may span). false when memory
 * runs out (h unchanged). */
static bool hist_cover(spie_hist *h, size_t lo, size_t hi, size_t cap)
{
    spie_hist_run *r0 = &h->run[0], *r1 = &h->run[1];
    if ((run_has(r0, lo) && run_has(r0, hi - 1)) || (run_has(r1, lo) && run_has(r1, hi - 1)))
        return true;
    if (!r0->n)
        return run_make(r0, lo, hi, cap, NULL, 0);
    size_t e0 = (size_t)r0->lo + r0->n;
    /* The distance from [lo, hi) to each run (0 when they overlap). */
    size_t g0 = hi <= r0->lo ? r0->lo - hi : lo >= e0 ? lo - e0 : 0;
    int k; /* the run to extend, or 2 for a new run */
    spie_hist_run nr;
    if (!r1->n) {
        k = g0 <= RUN_GAP ? 0 : 2;
    } else {
        size_t e1 = (size_t)r1->lo + r1->n;
        size_t g1 = hi <= r1->lo ? r1->lo - hi : lo >= e1 ? lo - e1 : 0;
        k = g0 <= g1 ? 0 : 1;
        /* Far from both: the two runs become one, and these days a run of their own,
         * when that costs fewer days. */
        size_t gap = r1->lo - e0, g = g0 < g1 ? g0 : g1;
        if (g > RUN_GAP && gap + (hi - lo) < g) {
            spie_hist_run both[2] = {*r0, *r1};
            if (!run_make(&nr, r0->lo, e1, cap, both, 2))
                return false;
            run_free(r0);
            run_free(r1);
            *r0 = nr;
            k = 2;
        }
    }
    if (k == 2) { /* the second run, in order */
        if (!run_make(&nr, lo, hi, cap, NULL, 0))
            return false;
        if (hi <= r0->lo) {
            *r1 = *r0;
            *r0 = nr;
        } else {
            *r1 = nr;
        }
        return true;
    }
    spie_hist_run *r = &h->run[k];
    size_t nlo = lo < r->lo ? lo : r->lo, nhi = hi > (size_t)r->lo + r->n ? hi : (size_t)r->lo + r->n;
    spie_hist_run *other = &h->run[1 - k];
    /* Runs that would meet (after rounding) become one. */
    size_t rlo = nlo - nlo % HIST_STEP, rhi = nhi + (HIST_STEP - 1) - (nhi + HIST_STEP - 1) % HIST_STEP;
    bool merge = other->n && rlo <= (size_t)other->lo + other->n && other->lo <= rhi;
    if (merge) {
        nlo = nlo < other->lo ? nlo : other->lo;
        nhi = nhi > (size_t)other->lo + other->n ? nhi : (size_t)other->lo + other->n;
        spie_hist_run both[2] = {*r0, *r1};
        if (!run_make(&nr, nlo, nhi, cap, both, 2))
            return false;
        run_free(r0);
        run_free(r1);
        *r0 = nr;
        return true;
    }
    if (!run_make(&nr, nlo, nhi, cap, r, 1))
        return false;
    run_free(r);
    *r = nr;
    return true;
}

/* Turns run r's counts to 64 bits. false when memory runs out (r unchanged). */
static bool run_widen(spie_hist_run *r)
{
    uint64_t *w = malloc((size_t)r->n * sizeof *w);
    if (!w)
        return false;
    for (size_t i = 0; i < r->n; i++)
        w[i] = r->c[i];
    free(r->c);
    r->c = NULL;
    r->w = w;
    return true;
}

/* Adds v to day d of h, which holds it. false when memory runs out. */
static bool hist_put(spie_hist *h, size_t d, uint64_t v)
{
    spie_hist_run *r = run_has(&h->run[0], d) ? &h->run[0] : &h->run[1];
    size_t i = d - r->lo;
    if (!r->w && v > UINT32_MAX - r->c[i] && !run_widen(r))
        return false;
    if (r->w)
        r->w[i] += v;
    else
        r->c[i] += (uint32_t)v;
    return true;
}

/* One more count on day d (< len), the slow way: a new run or a wider one. */
static void hist_inc_slow(spie_acc *a, spie_hist *h, size_t d)
{
    if (!hist_cover(h, d, d + 1, a->len) || !hist_put(h, d, 1))
        a->oom = true;
}

/* One more count on day d (< len). */
static inline void hist_inc(spie_acc *a, spie_hist *h, size_t d)
{
    for (int k = 0; k < 2; k++) { /* the common case: a 32-bit count of a run that holds d */
        spie_hist_run *r = &h->run[k];
        if (r->c && d - r->lo < r->n && d >= r->lo && r->c[d - r->lo] != UINT32_MAX) {
            r->c[d - r->lo]++;
            return;
        }
    }
    hist_inc_slow(a, h, d);
}

/* The run of h that holds days [lo, hi) (hist_cover made one). */
static spie_hist_run *run_of(spie_hist *h, size_t lo)
{
    return run_has(&h->run[0], lo) ? &h->run[0] : &h->run[1];
}

/* dst += src. */
static void hist_add(spie_acc *a, spie_hist *dst, const spie_hist *src)
{
    for (int k = 0; k < 2; k++) {
        const spie_hist_run *s = &src->run[k];
        /* Only the days with a count: a reused cube's runs span the data of all it has
         * seen, the counts of the last group may not. */
        size_t i0 = 0, i1 = s->n;
        if (s->w) {
            while (i0 < i1 && !s->w[i0])
                i0++;
            while (i1 > i0 && !s->w[i1 - 1])
                i1--;
        } else {
            while (i0 < i1 && !s->c[i0])
                i0++;
            while (i1 > i0 && !s->c[i1 - 1])
                i1--;
        }
        if (i0 == i1)
            continue;
        if (!hist_cover(dst, s->lo + i0, (size_t)s->lo + i1, a->len)) {
            a->oom = true;
            return;
        }
        spie_hist_run *d = run_of(dst, s->lo + i0);
        /* d holds days s->lo + i0 .. s->lo + i1 - 1: day s->lo + i is d's base + i (an
         * unsigned wrap of base is undone by the addition) */
        size_t base = (size_t)s->lo - (size_t)d->lo;
        if (!d->w && !s->w) {
            uint32_t *dc = d->c;
            const uint32_t *sc = s->c;
            /* 32-bit counts: a sum that wraps is smaller than what was added; then the run
             * is widened. */
            uint32_t wrapped = 0;
            for (size_t i = i0; i < i1; i++) {
                uint32_t v = dc[base + i] + sc[i];
                wrapped |= v < sc[i];
                dc[base + i] = v;
            }
            if (!wrapped)
                continue;
            for (size_t i = i0; i < i1; i++) /* undo (modulo 2^32), widen, redo */
                dc[base + i] -= sc[i];
            if (!run_widen(d)) {
                a->oom = true;
                return;
            }
        } else if (!d->w && !run_widen(d)) {
            a->oom = true;
            return;
        }
        for (size_t i = i0; i < i1; i++)
            d->w[base + i] += run_get(s, i);
    }
}

static void hist_zero(spie_hist *h)
{
    for (int k = 0; k < 2; k++) {
        spie_hist_run *r = &h->run[k];
        if (r->c)
            memset(r->c, 0, (size_t)r->n * sizeof *r->c);
        if (r->w)
            memset(r->w, 0, (size_t)r->n * sizeof *r->w);
    }
}

static size_t hist_bytes(const spie_hist *h)
{
    size_t n = 0;
    for (int k = 0; k < 2; k++)
        n += (size_t)h->run[k].n * (h->run[k].w ? sizeof(uint64_t) : sizeof(uint32_t));
    return n;
}

/* The end of h's counted days: the largest day with a count, plus one (0 when none). */
static size_t hist_end(const spie_hist *h)
{
    for (int k = 1; k >= 0; k--) {
        const spie_hist_run *r = &h->run[k];
        for (size_t i = r->n; i-- > 0;)
            if (run_get(r, i))
                return r->lo + i + 1;
    }
    return 0;
}

/* out[0..len) = the counts of h, every day written once (0 outside the runs). */
static void hist_fill(const spie_hist *h, uint64_t *out, size_t len)
{
    size_t at = 0;
    for (int k = 0; k < 2; k++) {
        const spie_hist_run *r = &h->run[k];
        size_t lo = r->lo < len ? r->lo : len, end = (size_t)r->lo + r->n < len ? (size_t)r->lo + r->n : len;
        if (!r->n || lo >= end)
            continue;
        memset(out + at, 0, (lo - at) * sizeof *out);
        if (r->w)
            memcpy(out + lo, r->w, (end - lo) * sizeof *out);
        else
            for (size_t i = 0; i < end - lo; i++)
                out[lo + i] = r->c[i];
        at = end;
    }
    memset(out + at, 0, (len - at) * sizeof *out);
}

/* ---- accumulators ------------------------------------------------------------------------- */

bool spie_acc_init(spie_acc *a, const spie_fold_ctx *c)
{
    memset(a, 0, sizeof *a);
    a->len = c->len;
    a->n_pairs = c->params->n_pairs;
    return true;
}

void spie_acc_release(spie_acc *a)
{
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++) {
        hist_free(&a->delay[i].done);
        hist_free(&a->delay[i].cens);
    }
    hist_free(&a->inc_events);
    hist_free(&a->inc_cens);
    memset(a, 0, sizeof *a);
}

void spie_acc_reset(spie_acc *a)
{
    /* Histograms keep their memory and bounds; every count goes back to zero. */
    spie_acc keep = *a;
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++) {
        a->delay[i].done = keep.delay[i].done;
        a->delay[i].cens = keep.delay[i].cens;
        hist_zero(&a->delay[i].done);
        hist_zero(&a->delay[i].cens);
    }
    a->inc_events = keep.inc_events;
    a->inc_cens = keep.inc_cens;
    hist_zero(&a->inc_events);
    hist_zero(&a->inc_cens);
    a->len = keep.len;
    a->n_pairs = keep.n_pairs;
}

void spie_acc_add(spie_acc *dst, const spie_acc *src)
{
    dst->entrants += src->entrants;
    dst->entrants_month += src->entrants_month;
    dst->in_journey += src->in_journey;
    dst->with_solution += src->with_solution;
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        dst->solution[i] += src->solution[i];
    dst->with_return += src->with_return;
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        dst->first_return[i] += src->first_return[i];
    dst->exits += src->exits;
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        dst->exit_type[i] += src->exit_type[i];
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++) {
        spie_delay_acc *d = &dst->delay[i];
        const spie_delay_acc *s = &src->delay[i];
        d->population += s->population;
        d->completed += s->completed;
        d->censored += s->censored;
        d->inverted += s->inverted;
        d->target_den += s->target_den;
        d->target_num += s->target_num;
        hist_add(dst, &d->done, &s->done);
        hist_add(dst, &d->cens, &s->cens);
    }
    for (size_t i = 0; i < SPIE_MAX_HORIZONS; i++) {
        dst->horizon[i].eligible += src->horizon[i].eligible;
        dst->horizon[i].success += src->horizon[i].success;
        dst->horizon[i].durable_success += src->horizon[i].durable_success;
    }
    hist_add(dst, &dst->inc_events, &src->inc_events);
    hist_add(dst, &dst->inc_cens, &src->inc_cens);
    dst->oom = dst->oom || src->oom;
}

bool spie_acc_ok(const spie_acc *a) { return !a->oom; }

size_t spie_acc_bytes(const spie_acc *a)
{
    size_t n = hist_bytes(&a->inc_events) + hist_bytes(&a->inc_cens);
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++)
        n += hist_bytes(&a->delay[i].done) + hist_bytes(&a->delay[i].cens);
    return n;
}

bool spie_acc_dense_get(const spie_acc *a, spie_acc_dense *d)
{
    memset(d, 0, sizeof *d);
    size_t np = a->n_pairs < SPIE_MAX_PAIRS ? a->n_pairs : SPIE_MAX_PAIRS;
    size_t len = 1;
    for (size_t i = 0; i < np; i++) {
        size_t e1 = hist_end(&a->delay[i].done), e2 = hist_end(&a->delay[i].cens);
        len = e1 > len ? e1 : len;
        len = e2 > len ? e2 : len;
    }
    size_t e3 = hist_end(&a->inc_events), e4 = hist_end(&a->inc_cens);
    len = e3 > len ? e3 : len;
    len = e4 > len ? e4 : len;
    size_t rows = 2 * np + 3; /* the last row stays zero: the pairs not in use point to it */
    if (len > SIZE_MAX / sizeof(uint64_t) / rows)
        return false;
    uint64_t *block = malloc(rows * len * sizeof *block); /* every row is written in full */
    if (!block)
        return false;
    uint64_t *r = block;
    memset(block + (rows - 1) * len, 0, len * sizeof *block);
    for (size_t i = np; i < SPIE_MAX_PAIRS; i++)
        d->done[i] = d->cens[i] = block + (rows - 1) * len;
    for (size_t i = 0; i < np; i++) {
        hist_fill(&a->delay[i].done, r, len);
        d->done[i] = r;
        r += len;
        hist_fill(&a->delay[i].cens, r, len);
        d->cens[i] = r;
        r += len;
    }
    hist_fill(&a->inc_events, r, len);
    d->inc_events = r;
    r += len;
    hist_fill(&a->inc_cens, r, len);
    d->inc_cens = r;
    d->block = block;
    d->len = len;
    return true;
}

void spie_acc_dense_release(spie_acc_dense *d)
{
    free(d->block);
    memset(d, 0, sizeof *d);
}

/* ---- a person's contributions ----------------------------------------------------------------
 * What folding a person adds to any cell it belongs to, worked out once: the counters to
 * add one to and the day of each histogram that gets a count, as offsets into a
 * spie_acc. Adding it to a cell is then index arithmetic only. */

#define MAX_COUNTS (10 + 5 + SPIE_SOLUTION_TYPES + 4 * SPIE_MAX_PAIRS + 3 * SPIE_MAX_HORIZONS)

typedef struct contrib {
    uint16_t count[MAX_COUNTS];      /* byte offsets of uint64_t counters of spie_acc */
    uint16_t hist[SPIE_MAX_PAIRS + 1]; /* byte offsets of spie_hist of spie_acc */
    uint32_t day[SPIE_MAX_PAIRS + 1];  /* the day each of them counts */
    unsigned ncount, nhist;
    int entry_year, entry_month;
    spie_day horizon_end[SPIE_MAX_HORIZONS]; /* h months after the entry (the strata read them too) */
} contrib;

_Static_assert(sizeof(spie_acc) < 65536, "offsets into an accumulator fit 16 bits");
#define ACC_AT(field) ((uint16_t)offsetof(spie_acc, field))
#define DELAY_AT(i, field) \
    ((uint16_t)(offsetof(spie_acc, delay) + (i) * sizeof(spie_delay_acc) + offsetof(spie_delay_acc, field)))
#define HORIZON_AT(i, field) \
    ((uint16_t)(offsetof(spie_acc, horizon) + (i) * sizeof(spie_horizon_acc) + offsetof(spie_horizon_acc, field)))

static int age_band(int entry_year, int birth_year)
{
    if (birth_year <= 0)
        return SPIE_AGE_UNKNOWN;
    int age = entry_year - birth_year;
    return age < 26 ? SPIE_AGE_LT26 : age < 50 ? SPIE_AGE_26_49 : SPIE_AGE_50P;
}

static int cohort(int entry_year, int entry_month)
{
    return (entry_year - SPIE_PROGRAMME_START_YEAR) * 4 + (entry_month - 1) / 3;
}

static uint32_t clamp_day(const spie_fold_ctx *c, int64_t d)
{
    if (d < 0)
        return 0;
    if ((uint64_t)d >= c->len)
        return (uint32_t)(c->len - 1);
    return (uint32_t)d;
}

/* The day h months after (y, m, d), clamped to the target month's last day
 * (spie_add_months, from a day already split). */
static spie_day months_after(int y, int m, int d, int h)
{
    static const uint8_t dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int64_t target = (int64_t)y * 12 + (m - 1) + h;
    if (target < SPIE_MONTH_MIN || target > SPIE_MONTH_MAX)
        return SPIE_NO_DAY;
    const int ty = (int)(target / 12), tm = (int)(target % 12) + 1;
    int last = dim[tm - 1];
    if (tm == 2 && ty % 4 == 0 && (ty % 100 != 0 || ty % 400 == 0))
        last = 29;
    return spie_day_of_valid_ymd(ty, tm, d < last ? d : last);
}

static void add_count(contrib *k, uint16_t off)
{
    k->count[k->ncount++] = off;
}

static void add_hist(contrib *k, uint16_t off, uint32_t day)
{
    k->hist[k->nhist] = off;
    k->day[k->nhist++] = day;
}

/* The delays of docs/methodologie.md §1, for every pair; ep: the day of each end point. */
static void contrib_delays(contrib *k, const spie_fold_ctx *c, const spie_day *ep, spie_day exit_day)
{
    const spie_params *prm = c->params;
    spie_day D = c->last_day;
    for (size_t i = 0; i < prm->n_pairs; i++) {
        const spie_pair *pr = &prm->pairs[i];
        spie_day fa = ep[pr->from];
        if (fa == SPIE_NO_DAY)
            continue;
        spie_day fb = ep[pr->to];
        add_count(k, DELAY_AT(i, population));
        if (fb != SPIE_NO_DAY && fb < fa) {
            add_count(k, DELAY_AT(i, inverted));
            continue;
        }
        bool in_target_den = (int64_t)fa + pr->target <= (int64_t)D;
        if (in_target_den)
            add_count(k, DELAY_AT(i, target_den));
        if (fb != SPIE_NO_DAY) {
            add_count(k, DELAY_AT(i, completed));
            add_hist(k, DELAY_AT(i, done), clamp_day(c, (int64_t)fb - fa));
            if (in_target_den && fb - fa <= pr->target)
                add_count(k, DELAY_AT(i, target_num));
        } else {
            add_count(k, DELAY_AT(i, censored));
            spie_day end = D;
            if (exit_day != SPIE_NO_DAY && exit_day >= fa && exit_day < end)
                end = exit_day;
            add_hist(k, DELAY_AT(i, cens), clamp_day(c, (int64_t)end - fa));
        }
    }
}

/* Everything folding p adds to a cell (docs/methodologie.md §1, §2, §5). */
static void contrib_of(contrib *k, const spie_fold_ctx *c, const spie_person *p)
{
    k->ncount = k->nhist = 0;
    const spie_params *prm = c->params;
    spie_day D = c->last_day, exit_day = p->first[SPIE_STEP_SORTIE];
    int ed;
    spie_day_to_ymd(p->entry, &k->entry_year, &k->entry_month, &ed);

    /* §5 activity counts. Accepted entries are never after D. */
    add_count(k, ACC_AT(entrants));
    if (p->entry >= c->first_day && p->entry <= D)
        add_count(k, ACC_AT(entrants_month));
    if (exit_day == SPIE_NO_DAY)
        add_count(k, ACC_AT(in_journey));
    if (p->first[SPIE_STEP_SOLUTION] != SPIE_NO_DAY) {
        add_count(k, ACC_AT(with_solution));
        for (unsigned t = p->solution_types; t; t &= t - 1) {
            unsigned i = (unsigned)__builtin_ctz(t);
            if (i < SPIE_SOLUTION_TYPES)
                add_count(k, (uint16_t)(ACC_AT(solution) + i * sizeof(uint64_t)));
        }
    }
    if (p->first[SPIE_STEP_REPRISE] != SPIE_NO_DAY) {
        add_count(k, ACC_AT(with_return));
        if (p->reprise_type < SPIE_REPRISE_TYPES)
            add_count(k, (uint16_t)(ACC_AT(first_return) + p->reprise_type * sizeof(uint64_t)));
    }
    if (exit_day != SPIE_NO_DAY) {
        add_count(k, ACC_AT(exits));
        if (p->sortie_type < SPIE_SORTIE_TYPES)
            add_count(k, (uint16_t)(ACC_AT(exit_type) + p->sortie_type * sizeof(uint64_t)));
    }

    /* §1 delays: the day of each end point. */
    spie_day ep[SPIE_EP_COUNT];
    ep[SPIE_EP_ENTREE] = p->entry;
    ep[SPIE_EP_ORIENTATION] = p->first[SPIE_STEP_ORIENTATION];
    ep[SPIE_EP_DIAGNOSTIC] = p->first[SPIE_STEP_DIAGNOSTIC];
    ep[SPIE_EP_CONTRAT] = p->first[SPIE_STEP_CONTRAT];
    ep[SPIE_EP_SOLUTION] = p->first[SPIE_STEP_SOLUTION];
    ep[SPIE_EP_REPRISE] = p->first[SPIE_STEP_REPRISE];
    ep[SPIE_EP_SUIVI] = p->first[SPIE_STEP_SUIVI];
    ep[SPIE_EP_REPRISE_DURABLE] = p->first_durable;
    contrib_delays(k, c, ep, exit_day);

    /* §2 return to activity. */
    spie_day rep = p->first[SPIE_STEP_REPRISE];
    for (size_t i = 0; i < prm->n_horizons; i++) {
        spie_day lim = k->entry_year ? months_after(k->entry_year, k->entry_month, ed, prm->horizons[i]) : SPIE_NO_DAY;
        k->horizon_end[i] = lim;
        if (lim == SPIE_NO_DAY || lim > D)
            continue;
        add_count(k, HORIZON_AT(i, eligible));
        if (rep != SPIE_NO_DAY && rep <= lim)
            add_count(k, HORIZON_AT(i, success));
        if (p->first_durable != SPIE_NO_DAY && p->first_durable <= lim)
            add_count(k, HORIZON_AT(i, durable_success));
    }
    if (rep != SPIE_NO_DAY) {
        add_hist(k, ACC_AT(inc_events), clamp_day(c, (int64_t)rep - p->entry));
    } else {
        spie_day end = D;
        if (exit_day != SPIE_NO_DAY && exit_day >= p->entry && exit_day < end)
            end = exit_day;
        add_hist(k, ACC_AT(inc_cens), clamp_day(c, (int64_t)end - p->entry));
    }
}

/* Adds k to cell a. */
static void apply(spie_acc *a, const contrib *k)
{
    char *base = (char *)a;
    for (unsigned i = 0; i < k->ncount; i++)
        (*(uint64_t *)(void *)(base + k->count[i]))++;
    for (unsigned i = 0; i < k->nhist; i++)
        hist_inc(a, (spie_hist *)(void *)(base + k->hist[i]), k->day[i]);
}

void spie_acc_fold(spie_acc *a, const spie_fold_ctx *c, const spie_person *p)
{
    contrib k;
    contrib_of(&k, c, p);
    apply(a, &k);
}

int spie_person_age_band(const spie_person *p)
{
    int y, m, d;
    spie_day_to_ymd(p->entry, &y, &m, &d);
    return age_band(y, p->birth_year);
}

int spie_person_cohort(const spie_person *p)
{
    int y, m, d;
    spie_day_to_ymd(p->entry, &y, &m, &d);
    return cohort(y, m);
}

void spie_cohort_label(int q, char buf[8])
{
    int y = SPIE_PROGRAMME_START_YEAR + q / 4;
    buf[0] = (char)('0' + y / 1000 % 10);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = 'T';
    buf[6] = (char)('1' + q % 4);
    buf[7] = '\0';
}

/* ---- cubes ------------------------------------------------------------------------------------ */

static const size_t bd_count[SPIE_BD_COUNT] = {1, SPIE_PUBLIC_COUNT, SPIE_SEX_COUNT, SPIE_AGE_COUNT, 0};

size_t spie_cube_modalities(const spie_cube *c, spie_breakdown b)
{
    if (!c->with_breakdowns && b != SPIE_BD_ENSEMBLE)
        return 0;
    return b == SPIE_BD_COHORTE ? c->n_cohorts : bd_count[b];
}

size_t spie_cube_cell(const spie_cube *c, spie_breakdown b, size_t modality)
{
    (void)c;
    size_t base = 0;
    for (int i = 0; i < (int)b; i++)
        base += bd_count[i];
    return base + modality;
}

bool spie_cube_init(spie_cube *c, const spie_fold_ctx *ctx, bool with_breakdowns)
{
    memset(c, 0, sizeof *c);
    int y, m;
    spie_month_to_ym(ctx->period, &y, &m);
    c->n_cohorts = y >= SPIE_PROGRAMME_START_YEAR ? (size_t)((y - SPIE_PROGRAMME_START_YEAR) * 4 + (m - 1) / 3 + 1) : 1;
    c->with_breakdowns = with_breakdowns;
    c->n_cells = with_breakdowns ? 1 + SPIE_PUBLIC_COUNT + SPIE_SEX_COUNT + SPIE_AGE_COUNT + c->n_cohorts : 1;
    c->cells = calloc(c->n_cells, sizeof *c->cells);
    if (!c->cells)
        return false;
    for (size_t i = 0; i < c->n_cells; i++)
        (void)spie_acc_init(&c->cells[i], ctx); /* takes no memory yet */
    return true;
}

void spie_cube_release(spie_cube *c)
{
    if (c->cells)
        for (size_t i = 0; i < c->n_cells; i++)
            spie_acc_release(&c->cells[i]);
    free(c->cells);
    memset(c, 0, sizeof *c);
}

void spie_cube_reset(spie_cube *c)
{
    for (size_t i = 0; i < c->n_cells; i++)
        spie_acc_reset(&c->cells[i]);
    spie_strata_reset(&c->strata);
}

/* Folds p into its cells and the strata; into the ensemble cell only when `ensemble`. */
static void cube_fold(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p, bool ensemble)
{
    contrib k;
    contrib_of(&k, ctx, p);
    if (ensemble)
        apply(&c->cells[0], &k);
    spie_strata_fold(&c->strata, ctx, p, age_band(k.entry_year, p->birth_year), k.horizon_end);
    if (!c->with_breakdowns)
        return;
    apply(&c->cells[spie_cube_cell(c, SPIE_BD_PUBLIC, p->public_)], &k);
    apply(&c->cells[spie_cube_cell(c, SPIE_BD_SEXE, p->sex)], &k);
    apply(&c->cells[spie_cube_cell(c, SPIE_BD_AGE, (size_t)age_band(k.entry_year, p->birth_year))], &k);
    int q = cohort(k.entry_year, k.entry_month);
    if (q >= 0 && (size_t)q < c->n_cohorts)
        apply(&c->cells[spie_cube_cell(c, SPIE_BD_COHORTE, (size_t)q)], &k);
}

void spie_cube_fold(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p) { cube_fold(c, ctx, p, true); }

void spie_cube_fold_deferred(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p)
{
    cube_fold(c, ctx, p, !c->with_breakdowns);
}

void spie_cube_settle(spie_cube *c)
{
    if (!c->with_breakdowns)
        return;
    spie_acc_reset(&c->cells[0]);
    size_t first = spie_cube_cell(c, SPIE_BD_PUBLIC, 0);
    for (size_t i = 0; i < SPIE_PUBLIC_COUNT; i++)
        spie_acc_add(&c->cells[0], &c->cells[first + i]);
}

void spie_cube_add(spie_cube *dst, const spie_cube *src)
{
    size_t n = dst->n_cells < src->n_cells ? dst->n_cells : src->n_cells;
    for (size_t i = 0; i < n; i++)
        spie_acc_add(&dst->cells[i], &src->cells[i]);
    spie_strata_add(&dst->strata, &src->strata);
}

bool spie_cube_ok(const spie_cube *c)
{
    for (size_t i = 0; i < c->n_cells; i++)
        if (!spie_acc_ok(&c->cells[i]))
            return false;
    return true;
}

size_t spie_cube_bytes(const spie_cube *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_cells; i++)
        n += spie_acc_bytes(&c->cells[i]);
    return n;
}
