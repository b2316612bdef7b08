/* The person-based rows of the publication table (include/spie/indicators.h): for one
 * group, every indicator of the catalogue's families ACTIVITE, DELAI and REPRISE, and the
 * territory counts, computed from the group's accumulators with the statistics of stats.c.
 * Each row gets its identity; its name is the catalogue's.
 *
 * It may not print, render or apply the secret (secret.c does, on the whole table). */
#include "spie/indicators.h"

#include <stdio.h>
#include <string.h>

#include "spie/stats.h"
#include "spie/util.h"

typedef struct emitter {
    spie_table *t;
    const spie_group_id *g;
    spie_breakdown bd;
    const char *modality;
    bool available;
    const spie_params *params;
    bool oom;
    char *err;
    size_t err_size;
} emitter;

/* The first error of the group, when none is kept yet. */
static void fail(emitter *e, const char *name, const char *what)
{
    if (e->err_size && !e->err[0])
        snprintf(e->err, e->err_size, "%s %s %s : %s", spie_level_names[e->g->level], e->g->code, name, what);
}

static spie_figure *row(emitter *e, spie_ind_id id)
{
    spie_figure *f = spie_table_push(e->t);
    if (!f) {
        e->oom = true;
        return NULL;
    }
    f->id = id;
    f->level = (uint8_t)e->g->level;
    f->breakdown = (uint8_t)e->bd;
    spie_copy_str(f->code, sizeof f->code, e->g->code);
    spie_copy_str(f->modality, sizeof f->modality, e->modality);
    if (!spie_ind_name(id, e->params, f->indicator, sizeof f->indicator)) {
        char what[64];
        snprintf(what, sizeof what, "indicateur %u (%ld) inconnu du catalogue", (unsigned)id.ind, (long)id.arg);
        fail(e, "?", what);
    }
    f->libelle = e->g->libelle;
    if (!e->available) {
        f->status = SPIE_STATUS_ND;
        f->kind = SPIE_VK_NONE;
        f->has_effectif = false;
    }
    return f;
}

/* A count whose effectif is itself. */
static void count(emitter *e, spie_ind_id id, uint64_t v)
{
    spie_figure *f = row(e, id);
    if (!f || !e->available)
        return;
    f->kind = SPIE_VK_COUNT;
    f->ival = (int64_t)v;
    f->has_effectif = true;
    f->effectif = (int64_t)v;
}

static void real(emitter *e, spie_ind_id id, spie_stat_status st, double v, uint64_t effectif)
{
    spie_figure *f = row(e, id);
    if (!f || !e->available)
        return;
    f->has_effectif = true;
    f->effectif = (int64_t)effectif;
    if (st == SPIE_STAT_OK) {
        f->kind = SPIE_VK_REAL;
        f->real = v;
    } else {
        f->status = SPIE_STATUS_ND;
        if (st != SPIE_STAT_NA && st != SPIE_STAT_NOT_REACHED)
            fail(e, f->indicator, spie_stat_strerror(st));
    }
}

/* A Kaplan–Meier median. When it is not reached, num keeps the longest observed time of
 * the group (days), for the workbooks' note ("non atteinte"); the CSV does not print it. */
static void km_median(emitter *e, spie_ind_id id, const spie_km_summary *km, uint64_t effectif)
{
    real(e, id, km->median_status, km->median, effectif);
    spie_figure *f = e->t->n ? &e->t->rows[e->t->n - 1] : NULL;
    if (f && !e->oom && e->available && km->median_status == SPIE_STAT_NOT_REACHED && km->has_last)
        f->num = (int64_t)km->last_time;
}

static void days(emitter *e, spie_ind_id id, bool ok, uint64_t v, uint64_t effectif)
{
    spie_figure *f = row(e, id);
    if (!f || !e->available)
        return;
    f->has_effectif = true;
    f->effectif = (int64_t)effectif;
    if (ok) {
        f->kind = SPIE_VK_COUNT;
        f->ival = (int64_t)v;
    } else {
        f->status = SPIE_STATUS_ND;
    }
}

static void rate(emitter *e, spie_ind_id id, uint64_t x, uint64_t n)
{
    spie_figure *f = row(e, id);
    if (!f || !e->available)
        return;
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
        fail(e, f->indicator, spie_stat_strerror(st));
        return;
    }
    f->kind = SPIE_VK_REAL;
    f->real = (double)x / (double)n;
    f->has_ci = true;
    f->lo = iv.lower;
    f->hi = iv.upper;
}

/* The counts of §4, then the delays of §5 and the returns of §6 of one cell. */
static void activity_rows(emitter *e, const spie_acc *a)
{
    count(e, spie_id(SPIE_IND_ENTRANTS, 0), a->entrants);
    count(e, spie_id(SPIE_IND_ENTRANTS_MOIS, 0), a->entrants_month);
    count(e, spie_id(SPIE_IND_EN_PARCOURS, 0), a->in_journey);
    count(e, spie_id(SPIE_IND_AVEC_SOLUTION, 0), a->with_solution);
    for (int i = 0; i < SPIE_SOLUTION_TYPES; i++)
        count(e, spie_id(SPIE_IND_SOLUTION, i), a->solution[i]);
    count(e, spie_id(SPIE_IND_AVEC_REPRISE, 0), a->with_return);
    for (int i = 0; i < SPIE_REPRISE_TYPES; i++)
        count(e, spie_id(SPIE_IND_REPRISE, i), a->first_return[i]);
    count(e, spie_id(SPIE_IND_SORTIES, 0), a->exits);
    for (int i = 0; i < SPIE_SORTIE_TYPES; i++)
        count(e, spie_id(SPIE_IND_SORTIE, i), a->exit_type[i]);
}

static void delay_rows(emitter *e, const spie_acc *a, const spie_acc_dense *hd, int pair)
{
    const spie_delay_acc *d = &a->delay[pair];
#define ID(ind) spie_id(SPIE_IND_DELAI_##ind, pair)
    count(e, ID(POPULATION), d->population);
    count(e, ID(TERMINES), d->completed);
    count(e, ID(CENSURES), d->censored);
    count(e, ID(INCOHERENTS), d->inverted);
    spie_delay_stats ds;
    spie_stat_status st = e->available ? spie_delay_stats_compute(hd->done[pair], hd->len, &ds) : SPIE_STAT_NA;
    bool ok = st == SPIE_STAT_OK;
    uint64_t n = d->completed;
    real(e, ID(MOYENNE), st, ds.mean, n);
    real(e, ID(ECART_TYPE), ok && ds.has_sd ? SPIE_STAT_OK : SPIE_STAT_NA, ds.sd, n);
    days(e, ID(MIN), ok, ds.min, n);
    real(e, ID(P25), st, ds.p25, n);
    real(e, ID(MEDIANE), st, ds.median, n);
    real(e, ID(P75), st, ds.p75, n);
    real(e, ID(P90), st, ds.p90, n);
    days(e, ID(MAX), ok, ds.max, n);
    spie_km_summary km;
    memset(&km, 0, sizeof km);
    km.median_status = SPIE_STAT_NA;
    if (e->available && spie_km_summarise(hd->done[pair], hd->cens[pair], hd->len, &km) != SPIE_STAT_OK)
        km.median_status = SPIE_STAT_E_OVERFLOW;
    km_median(e, ID(KM_MEDIANE), &km, d->population - d->inverted);
    rate(e, ID(PART_CIBLE), d->target_num, d->target_den);
#undef ID
}

static void return_rows(emitter *e, const spie_acc *a, const spie_acc_dense *hd)
{
    const spie_params *p = e->params;
    for (size_t i = 0; i < p->n_horizons; i++) {
        rate(e, spie_id(SPIE_IND_TAUX_REPRISE, p->horizons[i]), a->horizon[i].success, a->horizon[i].eligible);
        rate(e, spie_id(SPIE_IND_TAUX_REPRISE_DURABLE, p->horizons[i]), a->horizon[i].durable_success,
             a->horizon[i].eligible);
    }
    enum { N_INCIDENCE = SPIE_INCIDENCE_LAST / SPIE_INCIDENCE_STEP + 1 };
    double ci[N_INCIDENCE] = {0};
    spie_stat_status st[N_INCIDENCE];
    if (e->available)
        (void)spie_km_incidence_grid(hd->inc_events, hd->inc_cens, hd->len, SPIE_INCIDENCE_STEP, N_INCIDENCE, ci, st);
    else
        for (size_t k = 0; k < N_INCIDENCE; k++)
            st[k] = SPIE_STAT_NA;
    for (size_t k = 0; k < N_INCIDENCE; k++)
        real(e, spie_id(SPIE_IND_REPRISE_INCIDENCE, (int32_t)(k * SPIE_INCIDENCE_STEP)), st[k], ci[k], a->entrants);
    spie_km_summary km;
    memset(&km, 0, sizeof km);
    km.median_status = SPIE_STAT_NA;
    if (e->available && spie_km_summarise(hd->inc_events, hd->inc_cens, hd->len, &km) != SPIE_STAT_OK)
        km.median_status = SPIE_STAT_E_OVERFLOW;
    km_median(e, spie_id(SPIE_IND_REPRISE_KM_MEDIANE, 0), &km, a->entrants);
}

/* The statistics read the cell's histograms as a dense copy (include/spie/acc.h). */
static void cell_rows(emitter *e, const spie_acc *a)
{
    spie_acc_dense hd;
    if (!spie_acc_dense_get(a, &hd)) {
        e->oom = true;
        return;
    }
    activity_rows(e, a);
    for (size_t i = 0; i < e->params->n_pairs; i++)
        delay_rows(e, a, &hd, (int)i);
    return_rows(e, a, &hd);
    spie_acc_dense_release(&hd);
}

spie_rc spie_indicators_rows(spie_table *t, const spie_group_id *g, const spie_cube *cube, bool available,
                             const spie_params *params, spie_error *error)
{
    char err[512] = "";
    const size_t err_size = sizeof err;
    emitter e = {.t = t, .g = g, .bd = SPIE_BD_ENSEMBLE, .modality = "", .available = available,
                 .params = params, .err = err, .err_size = err_size};
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
    if (e.oom)
        return spie_fail(error, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
    return err[0] ? spie_fail(error, SPIE_E_INTERNAL, NULL, 0, "%s", err) : SPIE_OK;
}

bool spie_indicators_territory_counts(spie_table *t, const spie_group_id *g, uint64_t expected, uint64_t included,
                                      uint64_t included_budget, uint64_t late)
{
    emitter e = {.t = t, .g = g, .bd = SPIE_BD_ENSEMBLE, .modality = "", .available = true};
    count(&e, spie_id(SPIE_IND_TERRITOIRES_ATTENDUS, 0), expected);
    count(&e, spie_id(SPIE_IND_TERRITOIRES_INCLUS, 0), included);
    count(&e, spie_id(SPIE_IND_TERRITOIRES_INCLUS_BUDGET, 0), included_budget);
    count(&e, spie_id(SPIE_IND_TERRITOIRES_EN_RETARD, 0), late);
    return !e.oom;
}

bool spie_indicators_month_unknown(spie_table *t, size_t first)
{
    for (size_t i = first; i < t->n; i++) {
        spie_figure *f = &t->rows[i];
        if (f->breakdown != SPIE_BD_ENSEMBLE || f->id.ind != SPIE_IND_ENTRANTS_MOIS)
            continue;
        f->status = SPIE_STATUS_ND;
        f->kind = SPIE_VK_NONE;
        f->ival = 0;
        f->has_effectif = false;
        f->effectif = 0;
        return true;
    }
    return false;
}
