/* Persons and their journeys: for one territory, the persons who enter in each month of
 * the plan (entry day, public, sex, birth year) and the steps of their journeys
 * (orientation, diagnostic, contracts, solutions, returns to activity, follow-ups, exits),
 * drawn from the territory's stream with the magnitudes of docs/references.md.
 *
 * May not: write or format anything, draw the dirt (a person's formatting varieties are
 * drawn here whatever --clean says, and kept only when the sample is dirty, so the valid
 * data do not depend on --clean), or use any stream but g->r. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sample_int.h"
#include "spie/util.h"

/* ---- shared distributions ------------------------------------------------------------ */

void spie_smp_dists_free(dists *d)
{
    for (int i = 0; i < PUB_N; i++) {
        if (d->orient[i])
            gsl_ran_discrete_free(d->orient[i]);
        if (d->reprise[i])
            gsl_ran_discrete_free(d->reprise[i]);
    }
    if (d->solution)
        gsl_ran_discrete_free(d->solution);
    if (d->sortie_rsa)
        gsl_ran_discrete_free(d->sortie_rsa);
    if (d->sortie_other)
        gsl_ran_discrete_free(d->sortie_other);
    memset(d, 0, sizeof *d);
}

bool spie_smp_dists_init(dists *d)
{
    /* Orientation paths: RSA recipients more often social, job seekers professional. */
    static const double orient[PUB_N][3] = {{0.45, 0.30, 0.25}, {0.15, 0.60, 0.25}, {0.08, 0.77, 0.15}, {0.25, 0.45, 0.30}};
    /* Returns: young people more often training, job seekers durable employment. */
    static const double reprise[PUB_N][RP_N] = {
        {0.30, 0.50, 0.15, 0.05}, {0.25, 0.40, 0.33, 0.02}, {0.42, 0.38, 0.14, 0.06}, {0.35, 0.45, 0.17, 0.03}};
    static const double solution[9] = {0.24, 0.12, 0.10, 0.03, 0.08, 0.08, 0.15, 0.06, 0.14};
    static const double sortie_rsa[SO_N] = {0.22, 0.25, 0.40, 0.13};
    static const double sortie_other[SO_N] = {0.28, 0.00, 0.55, 0.17};
    memset(d, 0, sizeof *d);
    for (int i = 0; i < PUB_N; i++) {
        d->orient[i] = gsl_ran_discrete_preproc(3, orient[i]);
        d->reprise[i] = gsl_ran_discrete_preproc(RP_N, reprise[i]);
        if (!d->orient[i] || !d->reprise[i])
            goto out_fail;
    }
    d->solution = gsl_ran_discrete_preproc(9, solution);
    d->sortie_rsa = gsl_ran_discrete_preproc(SO_N, sortie_rsa);
    d->sortie_other = gsl_ran_discrete_preproc(SO_N, sortie_other);
    if (!d->solution || !d->sortie_rsa || !d->sortie_other)
        goto out_fail;
    return true;
out_fail:
    spie_smp_dists_free(d);
    return false;
}

/* ---- journeys ----------------------------------------------------------------------- */

static spie_day plus(spie_day d, double days)
{
    return d + (spie_day)floor(days + 0.5);
}

static bool push_step(step_row *buf, size_t *n, size_t cap, uint32_t pid, int step, spie_day date, unsigned type)
{
    if (*n >= cap)
        return false;
    buf[*n].date = date;
    buf[*n].person = pid;
    buf[*n].step = (uint8_t)step;
    buf[*n].type = (uint8_t)type;
    (*n)++;
    return true;
}

static int cmp_step_local(const step_row *x, const step_row *y)
{
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return 0;
}

#define PERSON_STEPS_MAX 64

/* Orientation for 80-88 % of the persons (by public), then a diagnostic, the engagement
 * contract and its renewals, and solutions. */
static void journey_orientation(gen *g, const person *p, uint32_t pid, step_row *buf, size_t *n)
{
    static const double p_orient[PUB_N] = {0.88, 0.85, 0.86, 0.80};
    gsl_rng *r = g->r;
    const dists *d = g->d;
    spie_day e = p->entry;
    if (bern(r, p_orient[p->pub])) {
        double trend = 1.10 - 0.06 * (double)(year_of(e) - 2020);
        double mean = g->orient_mean * trend, sigma = 0.75;
        spie_day o = plus(e, gsl_ran_lognormal(r, log(mean) - sigma * sigma / 2, sigma));
        unsigned ot = bern(r, 0.92) ? (unsigned)gsl_ran_discrete(r, d->orient[p->pub]) : NO_TYPE;
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_ORIENTATION, o, ot);
        if (bern(r, 0.82))
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_DIAGNOSTIC, plus(o, gsl_ran_gamma(r, 2.0, 9.0)), NO_TYPE);
        double k_sol = 0;
        spie_day t = o;
        if (bern(r, 0.80)) {
            spie_day c = plus(o, gsl_ran_gamma(r, 2.5, g->contract_mean / 2.5));
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_CONTRAT, c, NO_TYPE);
            /* Engagement contracts are renewed about every six months while the person
             * stays in the programme. */
            for (spie_day cr = c; bern(r, 0.75) && *n < PERSON_STEPS_MAX / 2;) {
                cr = plus(cr, 150 + gsl_ran_gamma(r, 2.0, 20.0));
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_CONTRAT, cr, NO_TYPE);
            }
            if (bern(r, 0.92)) {
                k_sol = 1 + gsl_ran_poisson(r, 5.0);
                t = plus(c, gsl_ran_gamma(r, 2.0, 20.0));
            }
        } else if (bern(r, 0.30)) {
            k_sol = 1 + gsl_ran_poisson(r, 0.5);
            t = plus(o, gsl_ran_gamma(r, 2.0, 30.0));
        }
        for (unsigned s = 0; s < (unsigned)k_sol && s < 12; s++) {
            unsigned st = bern(r, 0.93) ? (unsigned)gsl_ran_discrete(r, d->solution) : NO_TYPE;
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SOLUTION, t, st);
            t = plus(t, 7 + gsl_ran_gamma(r, 2.0, 25.0));
        }
    }
}

/* The return to activity, its follow-ups, a second return after a temporary job, and the
 * exit: *sortie_out and *sortie_type_out (SPIE_NO_DAY and NO_TYPE when there is none). */
static void journey_return(gen *g, const person *p, uint32_t pid, step_row *buf, size_t *n, spie_day *sortie_out,
                           unsigned *sortie_type_out)
{
    static const double p12[PUB_N] = {0.27, 0.41, 0.43, 0.21}; /* return within 12 months */
    gsl_rng *r = g->r;
    const dists *d = g->d;
    spie_day e = p->entry;
    /* Return to activity: a share `ever` returns some day, after 15 days plus an
     * exponential time whose rate gives P(return within 365 days) = p12. */
    double ever = 0.80;
    double q = p12[p->pub] * g->p12_mult;
    if (q > 0.75)
        q = 0.75;
    spie_day sortie = SPIE_NO_DAY;
    unsigned sortie_type = NO_TYPE;
    if (bern(r, ever)) {
        double lambda = -log(1.0 - q / ever) / 350.0;
        spie_day r1 = plus(e, 15 + gsl_ran_exponential(r, 1.0 / lambda));
        unsigned t1 = (unsigned)gsl_ran_discrete(r, d->reprise[p->pub]);
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_REPRISE, r1, t1);
        static const int suivi_days[] = {30, 60, 90, 120, 150, 180, 240, 300, 365};
        static const double suivi_p[] = {0.92, 0.75, 0.85, 0.6, 0.55, 0.75, 0.55, 0.5, 0.60};
        for (size_t s = 0; s < SPIE_ARRAY_LEN(suivi_days); s++)
            if (bern(r, suivi_p[s]))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI,
                          r1 + suivi_days[s] - 7 + (spie_day)gsl_rng_uniform_int(r, 15), NO_TYPE);
        if (t1 == RP_TEMPORAIRE && bern(r, 0.40)) {
            spie_day r2 = plus(r1, 30 + gsl_ran_gamma(r, 2.0, 80.0));
            push_step(buf, n, PERSON_STEPS_MAX, pid, ST_REPRISE, r2,
                      (unsigned)gsl_ran_discrete(r, d->reprise[p->pub]));
            if (bern(r, 0.8))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI, r2 + 30, NO_TYPE);
            if (bern(r, 0.6))
                push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SUIVI, r2 + 90, NO_TYPE);
        }
        if ((t1 == RP_DURABLE || t1 == RP_CREATION) && bern(r, 0.35)) {
            sortie = plus(r1, 90 + gsl_ran_gamma(r, 2.0, 60.0));
            sortie_type = bern(r, 0.7) ? SO_AUTRE : NO_TYPE;
        }
    } else if (bern(r, 0.35)) {
        sortie = plus(e, 60 + gsl_ran_gamma(r, 2.0, 120.0));
        sortie_type = (unsigned)gsl_ran_discrete(r, p->pub == PUB_RSA ? d->sortie_rsa : d->sortie_other);
        if (bern(r, 0.10))
            sortie_type = NO_TYPE;
    }
    *sortie_out = sortie;
    *sortie_type_out = sortie_type;
}

/* One person's journey (docs/references.md magnitudes). Steps are never before the entry; rows
 * with the same (step, date, type) are merged so that no valid row is a DOUBLON. */
static void person_steps(gen *g, const person *p, uint32_t pid, step_row *buf, size_t *n)
{
    *n = 0;
    journey_orientation(g, p, pid, buf, n);
    spie_day sortie;
    unsigned sortie_type;
    journey_return(g, p, pid, buf, n, &sortie, &sortie_type);
    if (sortie != SPIE_NO_DAY) {
        size_t k = 0;
        for (size_t i = 0; i < *n; i++)
            if (buf[i].date <= sortie)
                buf[k++] = buf[i];
        *n = k;
        push_step(buf, n, PERSON_STEPS_MAX, pid, ST_SORTIE, sortie, sortie_type);
    }
    for (size_t i = 1; i < *n; i++) { /* insertion sort: a few rows */
        step_row x = buf[i];
        size_t j = i;
        for (; j > 0 && cmp_step_local(&buf[j - 1], &x) > 0; j--)
            buf[j] = buf[j - 1];
        buf[j] = x;
    }
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (k == 0 || cmp_step_local(&buf[k - 1], &buf[i]) != 0)
            buf[k++] = buf[i];
    *n = k;
}

static bool steps_reserve(terr_data *td, size_t extra)
{
    return spie_grow((void **)&td->steps, &td->caps, td->ns + extra, sizeof *td->steps);
}

/* Stable counting sort of the valid steps by date (dates lie in first_day..horizon). */
static bool sort_steps(gen *g)
{
    terr_data *td = &g->td;
    if (td->ns == 0)
        return true;
    size_t range = (size_t)(g->horizon - g->first_day + 1);
    size_t *cnt = calloc(range + 1, sizeof *cnt);
    step_row *out = malloc(td->ns * sizeof *out);
    if (!cnt || !out) {
        free(cnt);
        free(out);
        return false;
    }
    for (size_t i = 0; i < td->ns; i++)
        cnt[(size_t)(td->steps[i].date - g->first_day) + 1]++;
    for (size_t i = 1; i <= range; i++)
        cnt[i] += cnt[i - 1];
    for (size_t i = 0; i < td->ns; i++)
        out[cnt[(size_t)(td->steps[i].date - g->first_day)]++] = td->steps[i];
    free(td->steps);
    free(cnt);
    td->steps = out;
    td->caps = td->ns;
    return true;
}

/* Persons of the territory, sorted by entry day, the draw order breaking ties (a stable
 * counting sort within each month: the order does not depend on the libc's qsort). */
spie_sample_status spie_smp_gen_persons(gen *g)
{
    const spie_sample_terr *it = g->it;
    terr_data *td = &g->td;
    size_t nm = (size_t)(it->last - it->first + 1);
    person *tmp = NULL;
    uint64_t *counts = calloc(nm, sizeof *counts);
    if (!counts)
        return SPIE_SAMPLE_E_MEMORY;
    spie_sample_status st = spie_sample_plan_months(g->plan, g->index, counts);
    if (st != SPIE_SAMPLE_OK)
        goto out_counts;
    uint64_t most = 0;
    for (size_t mi = 0; mi < nm; mi++)
        most = counts[mi] > most ? counts[mi] : most;
    td->np = (size_t)it->persons;
    td->persons = malloc((td->np ? td->np : 1) * sizeof *td->persons);
    tmp = malloc((most ? (size_t)most : 1) * sizeof *tmp);
    if (!td->persons || !tmp) {
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_counts;
    }
    size_t k = 0;
    for (size_t mi = 0; mi < nm; mi++) {
        spie_month m = it->first + (spie_month)mi;
        spie_day d0 = spie_month_first_day(m);
        int ndays = (int)(spie_month_last_day(m) - d0 + 1);
        size_t start = k;
        for (uint64_t c = 0; c < counts[mi]; c++) {
            person *p = &td->persons[k++];
            /* Entries on working days (1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays). */
            spie_day e;
            do
                e = d0 + (spie_day)gsl_rng_uniform_int(g->r, (unsigned long)ndays);
            while ((((e + 3) % 7) + 7) % 7 >= 5);
            p->entry = e;
            p->pub = (uint8_t)gsl_ran_discrete(g->r, g->pub_dist);
            static const double female[PUB_N] = {0.58, 0.46, 0.48, 0.43};
            double u = gsl_rng_uniform(g->r);
            p->sex = u < 0.02 ? 0 : (u < 0.02 + 0.98 * female[p->pub] ? 1 : 2);
            int age;
            switch (p->pub) {
            case PUB_JEUNE: /* under 26 whatever the birthday: year(entry) - birth <= 25 */
                age = 16 + (int)gsl_rng_uniform_int(g->r, 10);
                break;
            case PUB_RSA:
                age = 25 + (int)floor(gsl_ran_gamma(g->r, 2.5, 6.0));
                break;
            case PUB_DE:
                age = 22 + (int)floor(gsl_ran_gamma(g->r, 2.5, 8.0));
                break;
            default:
                age = 25 + (int)floor(gsl_ran_gamma(g->r, 3.0, 7.0));
                break;
            }
            if (age > 64)
                age = 64;
            p->birth = bern(g->r, 0.03) ? 0 : (int16_t)(year_of(e) - age);
            unsigned fl = 0;
            if (bern(g->r, 0.04))
                fl |= PF_DEPT_EMPTY;
            if (bern(g->r, 0.02))
                fl |= PF_LOWER;
            p->flags = g->dirty ? (uint8_t)fl : 0;
        }
        size_t cnt[33] = {0};
        for (size_t i = start; i < k; i++)
            cnt[td->persons[i].entry - d0 + 1]++;
        for (int i = 1; i < 33; i++)
            cnt[i] += cnt[i - 1];
        for (size_t i = start; i < k; i++)
            tmp[cnt[td->persons[i].entry - d0]++] = td->persons[i];
        memcpy(td->persons + start, tmp, (k - start) * sizeof *tmp);
    }
    st = SPIE_SAMPLE_OK;
out_counts:
    free(tmp);
    free(counts);
    return st;
}

spie_sample_status spie_smp_gen_steps(gen *g)
{
    terr_data *td = &g->td;
    step_row buf[PERSON_STEPS_MAX];
    for (size_t i = 0; i < td->np; i++) {
        size_t n;
        person_steps(g, &td->persons[i], (uint32_t)i, buf, &n);
        if (!steps_reserve(td, n))
            return SPIE_SAMPLE_E_MEMORY;
        for (size_t s = 0; s < n; s++)
            if (buf[s].date <= g->horizon)
                td->steps[td->ns++] = buf[s];
    }
    return sort_steps(g) ? SPIE_SAMPLE_OK : SPIE_SAMPLE_E_MEMORY;
}
