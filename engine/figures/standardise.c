/* Return rates on the national mix (include/spie/standardise.h, docs/methodologie.md §12):
 * the exact Poisson interval of a ratio O / E, the expected rate, ratio and standardised
 * rate of a group from its strata and the nation's, and their rows in the publication
 * table.
 *
 * Why not gsl_cdf_chisq_Pinv (GSL 2.7): its inverse of the incomplete gamma stops at a
 * relative step of 1e-10 and gives up with NaN for many usual counts: at 95 %,
 * gsl_cdf_chisq_Pinv(0.975, 2 O + 2) is NaN for O = 2316, 10797, 11351, and one bound or
 * the other is NaN for most O above 15 000; and GSL's incomplete gamma itself (gsl_cdf_gamma_P / _Q, which a root search
 * on them would need) loses digits near its mean once the shape is near 10^6 (its series
 * and continued fraction run out of terms): the lower bound of O = 990 106 came out
 * 10^-5 off. The shape here is a whole number (O or O + 1), and then the gamma tail is a
 * Poisson tail: P(Gamma(O) <= lambda) = P(N >= O) and P(Gamma(O + 1) > lambda) =
 * P(N <= O) for N Poisson of mean lambda. Those tails are summed term by term here, each
 * term from Loader's saddle-point form of the Poisson probability (C. Loader, "Fast and
 * accurate computation of binomial probabilities", 2000; what R's dpois uses), which
 * keeps full relative precision for any count; Brent's method (GSL's root solver) then
 * finds the lambda where the tail is alpha/2, to the resolution of the double. The
 * bounds agree with the exact quantiles (40 digits) to about 1e-16 relative, so with R's
 * poisson.test(O, E) to R's own precision.
 *
 * It may not print, mask or render a figure (secret.c masks, on the whole table). */
#include "spie/standardise.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

#include "spie/util.h"

/* ---- the Poisson tails ----------------------------------------------------------------- */

/* ln k! - (k + 1/2) ln k + k - ln sqrt(2 pi) for k = 1 .. 15 (computed with 40 digits),
 * the error of Stirling's formula. */
static const double stirl_small[16] = {
    0.0, /* unused */
    0.08106146679532725822,   0.041340695955409294094,  0.027677925684998339149, 0.020790672103765093112,
    0.016644691189821192163,  0.013876128823070747999,  0.011896709945891770095, 0.010411265261972096497,
    0.0092554621827127329177, 0.0083305634333628712565, 0.007573675487951840795, 0.0069428401072095298657,
    0.0064089941880042070684, 0.0059513701127588477356, 0.005554733551962801371,
};

/* The error of Stirling's formula for a whole k >= 1: the table, then its asymptotic
 * series 1/(12k) - 1/(360k^3) + 1/(1260k^5) - 1/(1680k^7) + 1/(1188k^9) (the next term
 * is below 1e-16 of the sum from k = 16 on). */
static double stirlerr(double k)
{
    if (k <= 15.0)
        return stirl_small[(int)k];
    const double k2 = k * k;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * k2)) / k2) / k2) / k2) / k;
}

/* k ln(k / m) + m - k, the deviance term, without cancellation when k is near m: the
 * series 2k sum v^(2j+1) / (2j+1) - (k - m) v ... with v = (k - m) / (k + m). */
static double bd0(double k, double m)
{
    if (fabs(k - m) < 0.1 * (k + m)) {
        double v = (k - m) / (k + m);
        double s = (k - m) * v;
        double ej = 2.0 * k * v;
        const double v2 = v * v;
        for (int j = 1; j < 1000; j++) {
            ej *= v2;
            const double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                return s1;
            s = s1;
        }
        return s;
    }
    return k * log(k / m) + m - k;
}

/* P(N = k) for N Poisson of mean lambda > 0: exp(-stirlerr(k) - bd0(k, lambda)) /
 * sqrt(2 pi k) (e^-lambda for k = 0). */
static double dpois(double k, double lambda)
{
    if (k == 0.0)
        return exp(-lambda);
    return exp(-stirlerr(k) - bd0(k, lambda)) / sqrt(2.0 * M_PI * k);
}

/* A sum of positive terms stops when the next term no longer changes it. */
#define TAIL_EPS (DBL_EPSILON / 4)

/* P(N >= o | lambda) for o >= 1, summed upwards from o. Terms shrink once k > lambda. */
static double upper_tail(double o, double lambda)
{
    if (lambda <= 0.0)
        return 0.0;
    double t = dpois(o, lambda), sum = 0.0;
    for (double k = o; t > 0.0; k++) {
        sum += t;
        if (k > lambda && t <= sum * TAIL_EPS)
            break;
        t *= lambda / (k + 1.0);
    }
    return sum;
}

/* P(N <= o | lambda) for lambda > 0, summed downwards from o. Terms shrink once k < lambda. */
static double lower_tail(double o, double lambda)
{
    double t = dpois(o, lambda), sum = 0.0;
    for (double k = o; k >= 0.0 && t > 0.0; k--) {
        sum += t;
        if (k < lambda && t <= sum * TAIL_EPS)
            break;
        t *= k / lambda;
    }
    return sum;
}

typedef struct tail_eq {
    double o, target;
    bool lower; /* P(N <= o) (the upper bound); else P(N >= o) (the lower bound) */
} tail_eq;

/* f(lambda) = tail - target, increasing in lambda for the lower bound's tail P(N >= o),
 * decreasing for the upper bound's P(N <= o). */
static double tail_fn(double lambda, void *params)
{
    const tail_eq *q = params;
    return (q->lower ? lower_tail(q->o, lambda) : upper_tail(q->o, lambda)) - q->target;
}

/* The lambda in [a, b] where tail_fn changes sign (the caller brackets it), by Brent's
 * method to the resolution of the double, as stats.c solves the Clopper–Pearson tails. */
static spie_stat_status tail_root(tail_eq *q, double a, double b, double *root)
{
    gsl_function fn = {tail_fn, q};
    spie_stat_status st = SPIE_STAT_E_NUMERIC;
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return SPIE_STAT_E_MEMORY;
    if (gsl_root_fsolver_set(s, &fn, a, b) != GSL_SUCCESS)
        goto out;
    for (int iter = 0; iter < 1000; iter++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            goto out;
        const double lo = gsl_root_fsolver_x_lower(s), hi = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(lo, hi, 0.0, 2.0 * DBL_EPSILON) == GSL_SUCCESS) {
            const double r = gsl_root_fsolver_root(s);
            if (gsl_finite(r) && r >= a && r <= b) {
                *root = r;
                st = SPIE_STAT_OK;
            }
            goto out;
        }
    }
out:
    gsl_root_fsolver_free(s);
    return st;
}

static bool level_ok(double level)
{
    return gsl_finite(level) && level > 0.0 && level < 1.0;
}

spie_stat_status spie_poisson_ratio_interval(uint64_t o, double e, double level, spie_interval *out)
{
    if (!level_ok(level) || !gsl_finite(e) || !(e > 0.0))
        return SPIE_STAT_E_ARG;
    const double tail = (1.0 - level) / 2.0, od = (double)o;
    double lo = 0.0, hi = 0.0;
    spie_stat_status st;
    if (o > 0) {
        /* P(N >= O | lambda) is 0 at lambda = 0 and at least 1/2 at lambda = O (the median
         * of a Poisson law of whole mean O is O), above alpha/2 < 1/2. */
        tail_eq q = {od, tail, false};
        if ((st = tail_root(&q, 0.0, od, &lo)) != SPIE_STAT_OK)
            return st;
    }
    if (o == 0) {
        hi = -log(tail); /* P(N = 0 | lambda) = e^-lambda = alpha/2 */
    } else {
        /* P(N <= O | lambda) is at least 1/2 at lambda = O; beyond the root once the
         * distance from O is a few standard deviations: doubled until it is. */
        tail_eq q = {od, tail, true};
        double b = od + 4.0 * sqrt(od + 1.0) + 10.0;
        for (int i = 0; tail_fn(b, &q) >= 0.0; i++) {
            if (i == 60)
                return SPIE_STAT_E_NUMERIC;
            b = od + 2.0 * (b - od);
        }
        if ((st = tail_root(&q, od, b, &hi)) != SPIE_STAT_OK)
            return st;
    }
    out->lower = lo / e;
    out->upper = hi / e;
    if (!gsl_finite(out->lower) || !gsl_finite(out->upper))
        return SPIE_STAT_E_NUMERIC;
    return SPIE_STAT_OK;
}

/* ---- the figures of a group ------------------------------------------------------------- */

spie_stat_status spie_std_compute(const uint64_t group_n[SPIE_STRATA], const uint64_t group_x[SPIE_STRATA],
                                  const uint64_t nat_n[SPIE_STRATA], const uint64_t nat_x[SPIE_STRATA],
                                  double level, spie_std *out)
{
    memset(out, 0, sizeof *out);
    out->expected_st = out->ratio_st = out->std_st = SPIE_STAT_NA;
    if (!level_ok(level))
        return SPIE_STAT_E_ARG;
    uint64_t n = 0, o = 0, nn = 0, nx = 0;
    double e = 0.0;
    for (size_t s = 0; s < SPIE_STRATA; s++) {
        if (group_x[s] > group_n[s] || nat_x[s] > nat_n[s])
            return SPIE_STAT_E_ARG;
        if (n + group_n[s] < n || nn + nat_n[s] < nn)
            return SPIE_STAT_E_OVERFLOW;
        n += group_n[s];
        o += group_x[s];
        nn += nat_n[s];
        nx += nat_x[s];
        if (nat_n[s] > 0) /* a stratum without a national eligible has no rate, no weight */
            e += (double)group_n[s] * ((double)nat_x[s] / (double)nat_n[s]);
    }
    out->n = n;
    out->o = o;
    out->expected = e;
    out->national_rate = nn > 0 ? (double)nx / (double)nn : 0.0;
    if (n == 0)
        return SPIE_STAT_OK;
    out->expected_st = SPIE_STAT_OK;
    out->expected_rate = e / (double)n;
    if (!(e > 0.0))
        return SPIE_STAT_OK;
    spie_stat_status st = spie_poisson_ratio_interval(o, e, level, &out->ratio_ci);
    if (st != SPIE_STAT_OK)
        return st;
    out->ratio = (double)o / e;
    out->std_rate = out->ratio * out->national_rate;
    out->std_ci.lower = out->ratio_ci.lower * out->national_rate;
    out->std_ci.upper = out->ratio_ci.upper * out->national_rate;
    if (!gsl_finite(out->expected_rate) || !gsl_finite(out->ratio) || !gsl_finite(out->std_rate) ||
        !gsl_finite(out->std_ci.upper))
        return SPIE_STAT_E_NUMERIC;
    out->ratio_st = out->std_st = SPIE_STAT_OK;
    return SPIE_STAT_OK;
}

/* ---- rows -------------------------------------------------------------------------------- */

typedef struct emit {
    spie_table *t;
    const spie_group_id *g;
    const spie_params *params;
    bool available;
    char *err;
    size_t err_size;
} emit;

/* A row of the group's ensemble with its identity and name; not available: nd, no
 * effectif. NULL when memory runs out or the identity has no name (then *err says so). */
static spie_figure *row(emit *e, spie_ind_id id)
{
    spie_figure *f = spie_table_push(e->t);
    if (!f)
        return NULL;
    f->id = id;
    f->level = (uint8_t)e->g->level;
    f->breakdown = SPIE_BD_ENSEMBLE;
    spie_copy_str(f->code, sizeof f->code, e->g->code);
    f->libelle = e->g->libelle;
    if (!spie_ind_name(id, e->params, f->indicator, sizeof f->indicator)) {
        snprintf(e->err, e->err_size, "%s %s : indicateur %u (%ld) inconnu du catalogue", spie_level_names[e->g->level],
                 e->g->code, (unsigned)id.ind, (long)id.arg);
        return NULL;
    }
    f->status = SPIE_STATUS_ND;
    f->kind = SPIE_VK_NONE;
    return f;
}

/* One figure: value (and interval) when st is OK, else nd; effectif n and num O (the
 * rate rule of the secret) when the group is available. */
static bool figure(emit *e, spie_ind_id id, const spie_std *s, spie_stat_status st, double v,
                   const spie_interval *ci)
{
    spie_figure *f = row(e, id);
    if (!f)
        return false;
    if (!e->available)
        return true;
    f->has_effectif = true;
    f->effectif = (int64_t)s->n;
    f->num = (int64_t)s->o;
    if (st != SPIE_STAT_OK)
        return true;
    f->status = SPIE_STATUS_OK;
    f->kind = SPIE_VK_REAL;
    f->real = v;
    if (ci) {
        f->has_ci = true;
        f->lo = ci->lower;
        f->hi = ci->upper;
    }
    return true;
}

/* Sums of the strata of horizon i against the ensemble cell's counters. */
static bool strata_add_up(const spie_cube *c, size_t i)
{
    uint64_t n = 0, x = 0, d = 0;
    for (size_t s = 0; s < SPIE_STRATA; s++) {
        n += c->strata.eligible[i][s];
        x += c->strata.success[i][s];
        d += c->strata.durable[i][s];
    }
    const spie_horizon_acc *h = &c->cells[0].horizon[i];
    return n == h->eligible && x == h->success && d == h->durable_success;
}

/* The rows; false with err saying why a statistic failed, or err "" when memory ran out. */
static bool std_rows(spie_table *t, const spie_group_id *g, const spie_cube *group, const spie_cube *nation,
                     bool available, const spie_params *params, char *err, size_t err_size)
{
    char none[1];
    emit e = {t, g, params, available, err_size ? err : none, err_size ? err_size : sizeof none};
    e.err[0] = 0;
    static const spie_ind ids[2][3] = {
        {SPIE_IND_TAUX_REPRISE_ATTENDU, SPIE_IND_RATIO_REPRISE, SPIE_IND_TAUX_REPRISE_STANDARDISE},
        {SPIE_IND_TAUX_REPRISE_DURABLE_ATTENDU, SPIE_IND_RATIO_REPRISE_DURABLE,
         SPIE_IND_TAUX_REPRISE_DURABLE_STANDARDISE},
    };
    for (size_t i = 0; i < params->n_horizons && i < SPIE_MAX_HORIZONS; i++) {
        int32_t h = params->horizons[i];
        if (available && (!strata_add_up(group, i) || !strata_add_up(nation, i))) {
            snprintf(e.err, e.err_size, "%s %s : strates public × âge incohérentes avec les taux de reprise à %ld mois",
                     spie_level_names[g->level], g->code, (long)h);
            return false;
        }
        for (int kind = 0; kind < 2; kind++) {
            spie_std s;
            memset(&s, 0, sizeof s);
            if (available) {
                const uint64_t *gx = kind ? group->strata.durable[i] : group->strata.success[i];
                const uint64_t *nx = kind ? nation->strata.durable[i] : nation->strata.success[i];
                spie_stat_status st =
                    spie_std_compute(group->strata.eligible[i], gx, nation->strata.eligible[i], nx, params->level, &s);
                if (st != SPIE_STAT_OK) {
                    char name[SPIE_IND_NAME_MAX];
                    if (!spie_ind_name(spie_id(ids[kind][1], h), params, name, sizeof name))
                        snprintf(name, sizeof name, "?");
                    snprintf(e.err, e.err_size, "%s %s %s : %s", spie_level_names[g->level], g->code, name,
                             spie_stat_strerror(st));
                    return false;
                }
            }
            if (!figure(&e, spie_id(ids[kind][0], h), &s, s.expected_st, s.expected_rate, NULL) ||
                !figure(&e, spie_id(ids[kind][1], h), &s, s.ratio_st, s.ratio, &s.ratio_ci) ||
                !figure(&e, spie_id(ids[kind][2], h), &s, s.std_st, s.std_rate, &s.std_ci))
                return false; /* memory (err ""), or an identity without a name */
        }
    }
    return true;
}

spie_rc spie_std_rows(spie_table *t, const spie_group_id *g, const spie_cube *group, const spie_cube *nation,
                      bool available, const spie_params *params, spie_error *err)
{
    char msg[512] = "";
    if (std_rows(t, g, group, nation, available, params, msg, sizeof msg))
        return SPIE_OK;
    return msg[0] ? spie_fail(err, SPIE_E_INTERNAL, NULL, 0, "%s", msg)
                  : spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
}

bool spie_std_rate_of(spie_ind_id id, spie_ind_id *rate)
{
    switch (id.ind) {
    case SPIE_IND_TAUX_REPRISE_ATTENDU:
    case SPIE_IND_RATIO_REPRISE:
    case SPIE_IND_TAUX_REPRISE_STANDARDISE: *rate = spie_id(SPIE_IND_TAUX_REPRISE, id.arg); return true;
    case SPIE_IND_TAUX_REPRISE_DURABLE_ATTENDU:
    case SPIE_IND_RATIO_REPRISE_DURABLE:
    case SPIE_IND_TAUX_REPRISE_DURABLE_STANDARDISE:
        *rate = spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, id.arg);
        return true;
    default: return false;
    }
}
