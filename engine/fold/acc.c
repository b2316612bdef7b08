/* The accumulators of the person-based indicators (spie/acc.h): a person folded into the
 * counts and day-indexed histograms of every cell of a cube it belongs to, and cubes added
 * cell by cell. The addition is exact, so the figures do not depend on the order of the
 * persons or the territories.
 *
 * This file holds counts only: it may not compute a statistic (engine/figures does), keep
 * a person, or depend on a thread. */
#include "spie/acc.h"

#include <stdlib.h>
#include <string.h>

#include "spie/date.h"

const char *const spie_breakdown_names[SPIE_BD_COUNT] = {"ensemble", "public", "sexe", "age", "cohorte"};
const char *const spie_age_names[SPIE_AGE_COUNT] = {"moins_26", "26_49", "50_plus", "inconnu"};
const char *const spie_sex_names[SPIE_SEX_COUNT] = {"F", "M", "inconnu"};

void spie_fold_ctx_init(spie_fold_ctx *c, const spie_params *params, spie_month period)
{
    c->params = params;
    c->period = period;
    c->last_day = spie_month_last_day(period);
    spie_day_from_ymd(SPIE_PROGRAMME_START_YEAR, 1, 1, &c->origin);
    c->len = c->last_day >= c->origin ? (size_t)(c->last_day - c->origin) + 1 : 1;
}

static size_t hist_count(const spie_fold_ctx *c)
{
    return 2 * c->params->n_pairs + 2;
}

bool spie_acc_init(spie_acc *a, const spie_fold_ctx *c)
{
    memset(a, 0, sizeof *a);
    size_t nh = hist_count(c);
    a->len = c->len;
    a->block = calloc(nh * c->len, sizeof *a->block);
    if (!a->block)
        return false;
    uint64_t *h = a->block;
    for (size_t i = 0; i < c->params->n_pairs; i++) {
        a->delay[i].done = h;
        h += c->len;
        a->delay[i].cens = h;
        h += c->len;
    }
    a->inc_events = h;
    h += c->len;
    a->inc_cens = h;
    return true;
}

void spie_acc_release(spie_acc *a)
{
    free(a->block);
    memset(a, 0, sizeof *a);
}

void spie_acc_reset(spie_acc *a)
{
    uint64_t *block = a->block;
    size_t len = a->len;
    /* Pointers into block stay; counts go back to zero. */
    spie_delay_acc d[SPIE_MAX_PAIRS];
    memcpy(d, a->delay, sizeof d);
    uint64_t *ie = a->inc_events, *ic = a->inc_cens;
    size_t total = (size_t)(ic + len - block);
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < SPIE_MAX_PAIRS; i++) {
        a->delay[i].done = d[i].done;
        a->delay[i].cens = d[i].cens;
    }
    a->inc_events = ie;
    a->inc_cens = ic;
    a->len = len;
    a->block = block;
    memset(block, 0, total * sizeof *block);
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
    }
    for (size_t i = 0; i < SPIE_MAX_HORIZONS; i++) {
        dst->horizon[i].eligible += src->horizon[i].eligible;
        dst->horizon[i].success += src->horizon[i].success;
        dst->horizon[i].durable_success += src->horizon[i].durable_success;
    }
    /* Every histogram lives in one block, in the same layout. */
    size_t total = (size_t)(src->inc_cens + src->len - src->block);
    for (size_t i = 0; i < total; i++)
        dst->block[i] += src->block[i];
}

static spie_day endpoint_day(const spie_person *p, spie_endpoint e)
{
    switch (e) {
    case SPIE_EP_ENTREE: return p->entry;
    case SPIE_EP_ORIENTATION: return p->first[SPIE_STEP_ORIENTATION];
    case SPIE_EP_DIAGNOSTIC: return p->first[SPIE_STEP_DIAGNOSTIC];
    case SPIE_EP_CONTRAT: return p->first[SPIE_STEP_CONTRAT];
    case SPIE_EP_SOLUTION: return p->first[SPIE_STEP_SOLUTION];
    case SPIE_EP_REPRISE: return p->first[SPIE_STEP_REPRISE];
    case SPIE_EP_SUIVI: return p->first[SPIE_STEP_SUIVI];
    default: return p->first_durable;
    }
}

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

static size_t clamp_day(const spie_fold_ctx *c, int64_t d)
{
    if (d < 0)
        return 0;
    if ((uint64_t)d >= c->len)
        return c->len - 1;
    return (size_t)d;
}

/* What folding needs of a person's dates, computed once for all the cells it goes to. */
typedef struct person_dates {
    bool entered_in_period;
    spie_day horizon_end[SPIE_MAX_HORIZONS]; /* add_months(E, h) */
    spie_day ep[SPIE_EP_COUNT];              /* the day of each endpoint */
    int entry_year, entry_month;
} person_dates;

static void person_dates_of(person_dates *pd, const spie_fold_ctx *c, const spie_person *p)
{
    pd->entered_in_period = p->entry >= spie_month_first_day(c->period) && p->entry <= c->last_day;
    for (size_t i = 0; i < c->params->n_horizons; i++)
        pd->horizon_end[i] = spie_add_months(p->entry, c->params->horizons[i]);
    for (int e = 0; e < SPIE_EP_COUNT; e++)
        pd->ep[e] = endpoint_day(p, (spie_endpoint)e);
    int d;
    spie_day_to_ymd(p->entry, &pd->entry_year, &pd->entry_month, &d);
}

static void fold(spie_acc *a, const spie_fold_ctx *c, const spie_person *p, const person_dates *pd)
{
    const spie_params *prm = c->params;
    spie_day D = c->last_day;
    spie_day exit_day = p->first[SPIE_STEP_SORTIE];

    /* §5 activity counts. Accepted entries are never after D. */
    a->entrants++;
    if (pd->entered_in_period)
        a->entrants_month++;
    if (exit_day == SPIE_NO_DAY)
        a->in_journey++;
    if (p->first[SPIE_STEP_SOLUTION] != SPIE_NO_DAY) {
        a->with_solution++;
        for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
            if (p->solution_types & (1u << i))
                a->solution[i]++;
    }
    if (p->first[SPIE_STEP_REPRISE] != SPIE_NO_DAY) {
        a->with_return++;
        if (p->reprise_type < SPIE_REPRISE_TYPES)
            a->first_return[p->reprise_type]++;
    }
    if (exit_day != SPIE_NO_DAY) {
        a->exits++;
        if (p->sortie_type < SPIE_SORTIE_TYPES)
            a->exit_type[p->sortie_type]++;
    }

    /* §1 delays. */
    for (size_t i = 0; i < prm->n_pairs; i++) {
        const spie_pair *pr = &prm->pairs[i];
        spie_delay_acc *d = &a->delay[i];
        spie_day fa = pd->ep[pr->from];
        if (fa == SPIE_NO_DAY)
            continue;
        spie_day fb = pd->ep[pr->to];
        d->population++;
        if (fb != SPIE_NO_DAY && fb < fa) {
            d->inverted++;
            continue;
        }
        bool in_target_den = (int64_t)fa + pr->target <= (int64_t)D;
        if (in_target_den)
            d->target_den++;
        if (fb != SPIE_NO_DAY) {
            d->completed++;
            d->done[clamp_day(c, (int64_t)fb - fa)]++;
            if (in_target_den && fb - fa <= pr->target)
                d->target_num++;
        } else {
            d->censored++;
            spie_day end = D;
            if (exit_day != SPIE_NO_DAY && exit_day >= fa && exit_day < end)
                end = exit_day;
            d->cens[clamp_day(c, (int64_t)end - fa)]++;
        }
    }

    /* §2 return to activity. */
    spie_day rep = p->first[SPIE_STEP_REPRISE];
    for (size_t i = 0; i < prm->n_horizons; i++) {
        spie_day lim = pd->horizon_end[i];
        if (lim == SPIE_NO_DAY || lim > D)
            continue;
        spie_horizon_acc *h = &a->horizon[i];
        h->eligible++;
        if (rep != SPIE_NO_DAY && rep <= lim)
            h->success++;
        if (p->first_durable != SPIE_NO_DAY && p->first_durable <= lim)
            h->durable_success++;
    }
    if (rep != SPIE_NO_DAY) {
        a->inc_events[clamp_day(c, (int64_t)rep - p->entry)]++;
    } else {
        spie_day end = D;
        if (exit_day != SPIE_NO_DAY && exit_day >= p->entry && exit_day < end)
            end = exit_day;
        a->inc_cens[clamp_day(c, (int64_t)end - p->entry)]++;
    }
}

void spie_acc_fold(spie_acc *a, const spie_fold_ctx *c, const spie_person *p)
{
    person_dates pd;
    person_dates_of(&pd, c, p);
    fold(a, c, p, &pd);
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
        if (!spie_acc_init(&c->cells[i], ctx)) {
            spie_cube_release(c);
            return false;
        }
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
}

void spie_cube_fold(spie_cube *c, const spie_fold_ctx *ctx, const spie_person *p)
{
    person_dates pd;
    person_dates_of(&pd, ctx, p);
    fold(&c->cells[0], ctx, p, &pd);
    if (!c->with_breakdowns)
        return;
    fold(&c->cells[spie_cube_cell(c, SPIE_BD_PUBLIC, p->public_)], ctx, p, &pd);
    fold(&c->cells[spie_cube_cell(c, SPIE_BD_SEXE, p->sex)], ctx, p, &pd);
    fold(&c->cells[spie_cube_cell(c, SPIE_BD_AGE, (size_t)age_band(pd.entry_year, p->birth_year))], ctx, p, &pd);
    int q = cohort(pd.entry_year, pd.entry_month);
    if (q >= 0 && (size_t)q < c->n_cohorts)
        fold(&c->cells[spie_cube_cell(c, SPIE_BD_COHORTE, (size_t)q)], ctx, p, &pd);
}

void spie_cube_add(spie_cube *dst, const spie_cube *src)
{
    size_t n = dst->n_cells < src->n_cells ? dst->n_cells : src->n_cells;
    for (size_t i = 0; i < n; i++)
        spie_acc_add(&dst->cells[i], &src->cells[i]);
}
