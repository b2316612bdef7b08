#include "spie/indicators.h"

#include <stdio.h>
#include <string.h>

#include "spie/util.h"
#include "spie/stats.h"

typedef struct emitter {
    spie_table *t;
    const spie_group_id *g;
    spie_breakdown bd;
    const char *modality;
    bool available;
    bool person_counts; /* counts are of persons (false for the territory counts) */
    const spie_params *params;
    bool oom;
    char *err;
    size_t err_size;
} emitter;

static spie_figure *row(emitter *e, const char *name)
{
    spie_figure *f = spie_table_push(e->t);
    if (!f) {
        e->oom = true;
        return NULL;
    }
    f->level = (uint8_t)e->g->level;
    f->breakdown = (uint8_t)e->bd;
    snprintf(f->code, sizeof f->code, "%s", e->g->code);
    snprintf(f->modality, sizeof f->modality, "%s", e->modality);
    snprintf(f->indicator, sizeof f->indicator, "%s", name);
    f->libelle = e->g->libelle;
    if (!e->available) {
        f->status = SPIE_STATUS_ND;
        f->kind = SPIE_VK_NONE;
        f->has_effectif = false;
    }
    return f;
}

/* A count whose effectif is itself. */
static void count(emitter *e, const char *name, uint64_t v)
{
    spie_figure *f = row(e, name);
    if (!f || !e->available)
        return;
    f->kind = SPIE_VK_COUNT;
    f->ival = (int64_t)v;
    f->has_effectif = true;
    f->effectif = (int64_t)v;
    f->role = e->person_counts ? SPIE_ROLE_COUNT : SPIE_ROLE_NONE;
}

static void real(emitter *e, const char *name, spie_stat_status st, double v, uint64_t effectif)
{
    spie_figure *f = row(e, name);
    if (!f || !e->available)
        return;
    f->role = SPIE_ROLE_STAT;
    f->has_effectif = true;
    f->effectif = (int64_t)effectif;
    if (st == SPIE_STAT_OK) {
        f->kind = SPIE_VK_REAL;
        f->real = v;
    } else {
        f->status = SPIE_STATUS_ND;
        if (st != SPIE_STAT_NA && st != SPIE_STAT_NOT_REACHED && e->err_size && !e->err[0])
            snprintf(e->err, e->err_size, "%s %s %s : %s", spie_level_names[e->g->level], e->g->code, name,
                     spie_stat_strerror(st));
    }
}

static void days(emitter *e, const char *name, bool ok, uint64_t v, uint64_t effectif)
{
    spie_figure *f = row(e, name);
    if (!f || !e->available)
        return;
    f->role = SPIE_ROLE_STAT;
    f->has_effectif = true;
    f->effectif = (int64_t)effectif;
    if (ok) {
        f->kind = SPIE_VK_COUNT;
        f->ival = (int64_t)v;
    } else {
        f->status = SPIE_STATUS_ND;
    }
}

static void rate(emitter *e, const char *name, uint64_t x, uint64_t n)
{
    spie_figure *f = row(e, name);
    if (!f || !e->available)
        return;
    f->role = SPIE_ROLE_RATE;
    f->num = (int64_t)x;
    f->has_effectif = true;
    f->effectif = (int64_t)n;
    if (n == 0) {
        f->status = SPIE_STATUS_ND;
        return;
    }
    spie_interval iv;
    spie_stat_status st = e->params->clopper_pearson ? spie_clopper_pearson(x, n, e->params->level, &iv)
                                                     : spie_wilson(x, n, e->params->level, &iv);
    if (st != SPIE_STAT_OK) {
        f->status = SPIE_STATUS_ND;
        if (e->err_size && !e->err[0])
            snprintf(e->err, e->err_size, "%s %s %s : %s", spie_level_names[e->g->level], e->g->code, name,
                     spie_stat_strerror(st));
        return;
    }
    f->kind = SPIE_VK_REAL;
    f->real = (double)x / (double)n;
    f->has_ci = true;
    f->lo = iv.lower;
    f->hi = iv.upper;
}

static void cell_rows(emitter *e, const spie_acc *a)
{
    const spie_params *p = e->params;
    char name[64], low[32];
    spie_acc_dense hd; /* the cell's histograms as the statistics read them */
    if (!spie_acc_dense_get(a, &hd)) {
        e->oom = true;
        return;
    }

    count(e, "entrants", a->entrants);
    count(e, "entrants_mois", a->entrants_month);
    count(e, "en_parcours", a->in_journey);
    count(e, "avec_solution", a->with_solution);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++) {
        spie_ascii_lower(low, sizeof low, spie_solution_type_codes[i]);
        snprintf(name, sizeof name, "solution_%s", low);
        count(e, name, a->solution[i]);
    }
    count(e, "avec_reprise", a->with_return);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++) {
        spie_ascii_lower(low, sizeof low, spie_reprise_type_codes[i]);
        snprintf(name, sizeof name, "reprise_%s", low);
        count(e, name, a->first_return[i]);
    }
    count(e, "sorties", a->exits);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++) {
        spie_ascii_lower(low, sizeof low, spie_sortie_type_codes[i]);
        snprintf(name, sizeof name, "sortie_%s", low);
        count(e, name, a->exit_type[i]);
    }

    for (size_t i = 0; i < p->n_pairs; i++) {
        const spie_delay_acc *d = &a->delay[i];
        char c[24];
        spie_ascii_lower(c, sizeof c, p->pairs[i].code);
#define DNAME(suffix) (snprintf(name, sizeof name, "delai_%s_%s", c, suffix), name)
        count(e, DNAME("population"), d->population);
        count(e, DNAME("termines"), d->completed);
        count(e, DNAME("censures"), d->censored);
        count(e, DNAME("incoherents"), d->inverted);
        spie_delay_stats ds;
        spie_stat_status st = e->available ? spie_delay_stats_compute(hd.done[i], hd.len, &ds) : SPIE_STAT_NA;
        bool ok = st == SPIE_STAT_OK;
        uint64_t n = d->completed;
        real(e, DNAME("moyenne"), st, ds.mean, n);
        real(e, DNAME("ecart_type"), ok && ds.has_sd ? SPIE_STAT_OK : SPIE_STAT_NA, ds.sd, n);
        days(e, DNAME("min"), ok, ds.min, n);
        real(e, DNAME("p25"), st, ds.p25, n);
        real(e, DNAME("mediane"), st, ds.median, n);
        real(e, DNAME("p75"), st, ds.p75, n);
        real(e, DNAME("p90"), st, ds.p90, n);
        days(e, DNAME("max"), ok, ds.max, n);
        spie_km_summary km;
        memset(&km, 0, sizeof km);
        km.median_status = SPIE_STAT_NA;
        if (e->available && spie_km_summarise(hd.done[i], hd.cens[i], hd.len, &km) != SPIE_STAT_OK)
            km.median_status = SPIE_STAT_E_OVERFLOW;
        real(e, DNAME("km_mediane"), km.median_status, km.median, d->population - d->inverted);
        rate(e, DNAME("part_cible"), d->target_num, d->target_den);
#undef DNAME
    }

    for (size_t i = 0; i < p->n_horizons; i++) {
        snprintf(name, sizeof name, "taux_reprise_%dm", p->horizons[i]);
        rate(e, name, a->horizon[i].success, a->horizon[i].eligible);
        snprintf(name, sizeof name, "taux_reprise_durable_%dm", p->horizons[i]);
        rate(e, name, a->horizon[i].durable_success, a->horizon[i].eligible);
    }

    for (uint64_t t = 0; t <= 720; t += 30) {
        double ci = 0;
        spie_stat_status st = e->available ? spie_km_incidence(hd.inc_events, hd.inc_cens, hd.len, t, &ci) : SPIE_STAT_NA;
        snprintf(name, sizeof name, "reprise_incidence_j%llu", (unsigned long long)t);
        real(e, name, st, ci, a->entrants);
    }
    spie_km_summary km;
    memset(&km, 0, sizeof km);
    km.median_status = SPIE_STAT_NA;
    if (e->available && spie_km_summarise(hd.inc_events, hd.inc_cens, hd.len, &km) != SPIE_STAT_OK)
        km.median_status = SPIE_STAT_E_OVERFLOW;
    real(e, "reprise_km_mediane", km.median_status, km.median, a->entrants);
    spie_acc_dense_release(&hd);
}

bool spie_indicators_rows(spie_table *t, const spie_group_id *g, const spie_cube *cube, bool available,
                          const spie_params *params, char *err, size_t err_size)
{
    emitter e = {.t = t, .g = g, .bd = SPIE_BD_ENSEMBLE, .modality = "", .available = available,
                 .person_counts = true, .params = params, .err = err, .err_size = err_size};
    if (err_size)
        err[0] = 0;
    cell_rows(&e, &cube->cells[0]);
    if (available && cube->with_breakdowns) {
        for (int b = SPIE_BD_PUBLIC; b < SPIE_BD_COUNT; b++) {
            e.bd = (spie_breakdown)b;
            for (size_t m = 0; m < spie_cube_modalities(cube, (spie_breakdown)b); m++) {
                const spie_acc *a = &cube->cells[spie_cube_cell(cube, (spie_breakdown)b, m)];
                char label[12];
                switch (b) {
                case SPIE_BD_PUBLIC: snprintf(label, sizeof label, "%s", spie_public_codes[m]); break;
                case SPIE_BD_SEXE: snprintf(label, sizeof label, "%s", spie_sex_names[m]); break;
                case SPIE_BD_AGE: snprintf(label, sizeof label, "%s", spie_age_names[m]); break;
                default:
                    if (a->entrants == 0)
                        continue; /* cohorts only for quarters with an entrant */
                    spie_cohort_label((int)m, label);
                    break;
                }
                e.modality = label;
                cell_rows(&e, a);
            }
        }
    }
    if (e.oom && err_size)
        snprintf(err, err_size, "mémoire insuffisante");
    return !e.oom && !(err_size && err[0]);
}

bool spie_indicators_territory_counts(spie_table *t, const spie_group_id *g, uint64_t expected, uint64_t included,
                                      uint64_t included_budget)
{
    emitter e = {.t = t, .g = g, .bd = SPIE_BD_ENSEMBLE, .modality = "", .available = true};
    count(&e, "territoires_attendus", expected);
    count(&e, "territoires_inclus", included);
    count(&e, "territoires_inclus_budget", included_budget);
    return !e.oom;
}
