/* The synthetic-inbox generator's driver (spie sample; see spie/sample.h): make the plan,
 * then one territory at a time draw its data (persons, their journeys, its budget
 * movements, and last the dirt) and write its cumulative monthly extracts, then the NAT
 * budget, then the side files. Also the public entry points and the seeds.
 *
 * Realism (docs/references.md): entries follow the plan (population x activity curve); the
 * orientation comes after a lognormal delay averaging 60-90 days depending on the territory
 * (shorter for later entrants), the contract about 50 days after the orientation (gamma);
 * about a third of the persons return to activity within 12 months (more for young people
 * and job seekers, fewer for RSA recipients and disabled workers); follow-ups after a
 * return; some exits. Budget: State lines paced to consume about the allocation in 2-3
 * years, co-financing, a few negative corrections. Dirt: sample_dirt.c.
 *
 * May not: draw a figure or format a row itself (sample_persons.c, sample_budget.c,
 * sample_dirt.c, sample_rows.c do), or change the order in which a territory's stream is
 * consumed, or share a stream between territories: same options and seed must give the
 * same bytes, and a territory's data must not depend on the others. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sample_int.h"
#include "spie/geo.h"

/* ---- errors ------------------------------------------------------------------------- */

void spie_smp_seterr(spie_sample_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* ---- seeds ---------------------------------------------------------------------------- */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 0xCBF29CE484222325u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3u;
    return h;
}

/* The seed of one territory's stream: depends on the run's seed and the code only. */
static unsigned long terr_seed(uint64_t seed, const char *code)
{
    return (unsigned long)(spie_smp_mix64(seed ^ spie_smp_mix64(str_hash(code))) & 0xFFFFFFFFu);
}

/* ---- one territory ----------------------------------------------------------------- */

static void terr_data_release(terr_data *d)
{
    free(d->persons);
    free(d->steps);
    free(d->budget);
    for (int k = 0; k < K_N; k++)
        free(d->dirt[k].v);
    memset(d, 0, sizeof *d);
}

/* Draws everything of one territory (persons, steps, budget, then the dirt last, so the
 * persons and steps do not depend on --clean; the budget: see sample_budget.c). */
static spie_sample_status gen_territory(gen *g, const spie_sample_plan *plan, size_t index, const dists *d)
{
    static const double pub_base[PUB_N] = {0.45, 0.25, 0.20, 0.10};
    memset(g, 0, sizeof *g);
    g->plan = plan;
    g->index = index;
    g->it = &plan->items[index];
    g->d = d;
    g->dirty = !plan->opt.clean;
    if (g->it->last < g->it->first)
        return SPIE_SAMPLE_OK;
    g->r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g->r)
        return SPIE_SAMPLE_E_MEMORY;
    gsl_rng_set(g->r, terr_seed(plan->opt.seed, g->it->terr->dept->code));
    g->first_day = spie_month_first_day(g->it->first);
    g->horizon = spie_month_last_day(g->it->last);
    g->orient_mean = 68.0 + 28.0 * gsl_rng_uniform(g->r);
    g->contract_mean = 42.0 + 16.0 * gsl_rng_uniform(g->r);
    g->p12_mult = 0.85 + 0.30 * gsl_rng_uniform(g->r);
    g->dirt_mult = gsl_ran_gamma(g->r, 2.0, 0.5);
    double alpha[PUB_N], theta[PUB_N];
    const char *code = g->it->terr->dept->code;
    bool poorer = !strcmp(code, "93") || (code[0] == '9' && code[1] == '7' && code[2]);
    for (int i = 0; i < PUB_N; i++)
        alpha[i] = 300.0 * (poorer ? (i == PUB_RSA ? 0.55 : pub_base[i] * 0.45 / 0.55) : pub_base[i]);
    gsl_ran_dirichlet(g->r, PUB_N, alpha, theta);
    g->pub_dist = gsl_ran_discrete_preproc(PUB_N, theta);
    if (!g->pub_dist)
        return SPIE_SAMPLE_E_MEMORY;
    spie_sample_status st = spie_smp_gen_persons(g);
    if (st == SPIE_SAMPLE_OK)
        st = spie_smp_gen_steps(g);
    if (st == SPIE_SAMPLE_OK)
        st = spie_smp_gen_budget(g);
    if (st == SPIE_SAMPLE_OK && g->dirty)
        st = spie_smp_gen_dirt(g);
    return st;
}

static void gen_release(gen *g)
{
    if (g->pub_dist)
        gsl_ran_discrete_free(g->pub_dist);
    if (g->r)
        gsl_rng_free(g->r);
    terr_data_release(&g->td);
    g->pub_dist = NULL;
    g->r = NULL;
}

/* ---- writing --------------------------------------------------------------------------- */

/* First month written for a territory whose extracts span first..last. */
static spie_month history_start(const spie_sample_options *o, spie_month first, spie_month last)
{
    if (o->history == 0 || (spie_month)o->history > last - first)
        return first;
    return last - (spie_month)o->history + 1;
}

static spie_sample_status write_territory(wctx *w, const dists *d, size_t index)
{
    const spie_sample_plan *p = w->plan;
    const spie_sample_terr *it = &p->items[index];
    if (it->last < it->first)
        return SPIE_SAMPLE_OK;
    gen g;
    spie_sample_status st = gen_territory(&g, p, index, d);
    if (st != SPIE_SAMPLE_OK) {
        spie_smp_seterr(w->err, "génération du département %s : %s", it->terr->dept->code, spie_sample_strerror(st));
        goto out_release;
    }
    style sty;
    spie_smp_style_for(&sty, it->roles, !p->opt.clean);
    rowctx cx = {it->terr->dept->code, str_hash(it->terr->dept->code) & 0xFFFFFFFFu,
                 (it->roles & SPIE_SAMPLE_ROLE_HEXID) != 0, &sty};
    for (spie_month m = history_start(&p->opt, it->first, it->last); m <= it->last; m++)
        for (int k = 0; k < K_N; k++)
            if ((st = spie_smp_write_extract(w, &g, &cx, k, m, it->roles)) != SPIE_SAMPLE_OK)
                goto out_release;
    w->sum.persons += g.td.np;
    w->sum.steps += g.td.ns;
out_release:
    gen_release(&g);
    return st;
}

static spie_sample_status write_nat(wctx *w)
{
    const spie_sample_plan *p = w->plan;
    gen g;
    memset(&g, 0, sizeof g);
    g.plan = p;
    spie_sample_status st = SPIE_SAMPLE_E_MEMORY;
    g.r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!g.r) {
        spie_smp_seterr(w->err, "mémoire insuffisante");
        goto out_release;
    }
    gsl_rng_set(g.r, terr_seed(p->opt.seed, "NAT"));
    spie_month last = p->opt.until;
    if ((st = spie_smp_gen_nat_budget(&g, p->nat_first, last)) != SPIE_SAMPLE_OK) {
        spie_smp_seterr(w->err, "mémoire insuffisante");
        goto out_release;
    }
    style sty;
    spie_smp_style_for(&sty, 0, false);
    rowctx cx = {"NAT", 0, false, &sty};
    for (spie_month m = history_start(&p->opt, p->nat_first, last); m <= last; m++)
        if ((st = spie_smp_write_extract(w, &g, &cx, K_BUDGET, m, 0)) != SPIE_SAMPLE_OK)
            goto out_release;
out_release:
    gen_release(&g);
    return st;
}


/* ---- folders --------------------------------------------------------------------------- */

/* mkdir -p */
static bool make_dirs(const char *path, spie_sample_error *err)
{
    size_t n = strlen(path);
    char *b = malloc(n + 1);
    if (!b) {
        spie_smp_seterr(err, "mémoire insuffisante");
        return false;
    }
    memcpy(b, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (b[i] != '/' && b[i] != '\0')
            continue;
        char keep = b[i];
        b[i] = '\0';
        struct stat sb;
        if (mkdir(b, 0777) != 0 && errno != EEXIST) {
            spie_smp_seterr(err, "création du dossier %s impossible : %s", b, strerror(errno));
            free(b);
            return false;
        }
        if (stat(b, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            spie_smp_seterr(err, "%s n'est pas un dossier", b);
            free(b);
            return false;
        }
        b[i] = keep;
    }
    free(b);
    return true;
}

/* 1 empty, 0 not empty, -1 error. */
static int dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

/* ---- public ----------------------------------------------------------------------------- */

spie_sample_status spie_sample_plan_count(const spie_sample_plan *p, size_t i, spie_sample_counts *out,
                                          spie_sample_error *err)
{
    memset(out, 0, sizeof *out);
    if (i >= p->count) {
        spie_smp_seterr(err, "territoire %zu hors du plan", i);
        return SPIE_SAMPLE_E_USAGE;
    }
    dists d;
    if (!spie_smp_dists_init(&d)) {
        spie_smp_seterr(err, "mémoire insuffisante");
        return SPIE_SAMPLE_E_MEMORY;
    }
    gen g;
    spie_sample_status st = gen_territory(&g, p, i, &d);
    if (st != SPIE_SAMPLE_OK) {
        spie_smp_seterr(err, "%s", spie_sample_strerror(st));
        goto out_release;
    }
    out->persons = g.td.np;
    out->steps = g.td.ns;
    out->budget_lines = g.td.nb;
    if (g.td.np) {
        /* First REPRISE per person (steps are sorted by date). */
        spie_day *first = malloc(g.td.np * sizeof *first);
        if (!first) {
            st = SPIE_SAMPLE_E_MEMORY;
            spie_smp_seterr(err, "mémoire insuffisante");
            goto out_release;
        }
        for (size_t k = 0; k < g.td.np; k++)
            first[k] = SPIE_NO_DAY;
        for (size_t k = 0; k < g.td.ns; k++) {
            const step_row *s = &g.td.steps[k];
            if (s->step == ST_REPRISE && first[s->person] == SPIE_NO_DAY)
                first[s->person] = s->date;
        }
        for (size_t k = 0; k < g.td.np; k++) {
            const person *ps = &g.td.persons[k];
            if (ps->entry + 365 > g.horizon)
                continue;
            out->eligible_12m++;
            if (first[k] != SPIE_NO_DAY && first[k] - ps->entry <= 365)
                out->returns_12m++;
        }
        free(first);
    }
out_release:
    gen_release(&g);
    spie_smp_dists_free(&d);
    return st;
}

spie_sample_status spie_sample_write(const char *out_dir, const spie_sample_options *o, spie_sample_summary *sum,
                                     spie_sample_error *err)
{
    spie_sample_error dummy;
    if (!err)
        err = &dummy;
    err->msg[0] = '\0';
    if (sum)
        memset(sum, 0, sizeof *sum);
    wctx w;
    memset(&w, 0, sizeof w);
    w.err = err;
    spie_sample_plan plan;
    spie_sample_status st = spie_sample_plan_make(o, &plan, err);
    if (st != SPIE_SAMPLE_OK)
        return st;
    w.plan = &plan;
    /* Level 6 (zlib's default) for demo and numeric scales; level 1 at national scale,
     * where deflate would otherwise dominate the run time. */
    w.level = o->scale == SPIE_SAMPLE_SCALE_NATIONAL ? 1 : 6;
    dists d;
    bool have_dists = false;

    size_t n = strlen(out_dir);
    w.inbox = malloc(n + 8);
    if (!w.inbox) {
        spie_smp_seterr(err, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    snprintf(w.inbox, n + 8, "%s/inbox", out_dir);
    struct stat sb;
    if (lstat(w.inbox, &sb) == 0) {
        int e = S_ISDIR(sb.st_mode) ? dir_empty(w.inbox) : 0;
        if (e != 1) {
            spie_smp_seterr(err, "%s existe et n'est pas un dossier vide : choisir un autre --out ou le supprimer", w.inbox);
            st = SPIE_SAMPLE_E_USAGE;
            goto out_free;
        }
    }
    if (!make_dirs(w.inbox, err)) {
        st = SPIE_SAMPLE_E_WRITE;
        goto out_free;
    }
    if (!spie_smp_dists_init(&d)) {
        spie_smp_seterr(err, "mémoire insuffisante");
        st = SPIE_SAMPLE_E_MEMORY;
        goto out_free;
    }
    have_dists = true;
    for (size_t i = 0; i < plan.count; i++)
        if ((st = write_territory(&w, &d, i)) != SPIE_SAMPLE_OK)
            goto out_free;
    if ((st = write_nat(&w)) != SPIE_SAMPLE_OK)
        goto out_free;
    st = spie_smp_write_side_files(&w, out_dir);
    if (st == SPIE_SAMPLE_OK && sum)
        *sum = w.sum;

out_free:
    if (have_dists)
        spie_smp_dists_free(&d);
    free(w.recs);
    free(w.inbox);
    spie_sample_plan_free(&plan);
    return st;
}
