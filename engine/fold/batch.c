/* The per-territory stage of a batch (spie/batch.h): worker threads take the plan's
 * groups, largest first, read each with spie_read_group, fold its persons into a local
 * cube and add it, under the lock, into the cubes of its département, région, wave and the
 * nation; rejects go to the caller's sink, one handle per group.
 *
 * The results do not depend on the number of workers or their order: cubes add exactly,
 * rejects are concatenated by the caller in plan order. This file may not write an output
 * itself or print; it reports a failure in its status and message. */
#include "spie/batch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spie/geo.h"

typedef struct shared {
    const spie_batch_cfg *cfg;
    spie_batch *b;
    pthread_mutex_t lock;
    size_t next;          /* next plan entry to take */
    size_t *group_first;  /* first plan entry of each group */
    size_t *order;        /* groups in the order workers take them: largest files first */
    size_t n_groups;
    spie_rc status;       /* the first failure of a worker (SPIE_OK while none) */
    char msg[256];
} shared;

typedef struct sink {
    const spie_rejects_sink *out;
    void *handle;
    spie_entry_result *results;
    const spie_plan *plan;
    size_t first, count;
} sink;

static int sink_row(void *ctx, const spie_reject *r)
{
    sink *s = ctx;
    for (size_t i = s->first; i < s->first + s->count; i++) {
        if (s->plan->entries[i].file && strcmp(s->plan->entries[i].file, r->file) == 0) {
            spie_entry_result *res = &s->results[i];
            if (res->n_first_rejects < SPIE_FIRST_REJECTS) {
                spie_reject_note *n = &res->first_rejects[res->n_first_rejects++];
                n->line = r->line;
                n->reason = r->reason;
                n->column = r->column;
            }
            break;
        }
    }
    return s->out->row(s->handle, r);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long territory_index(const spie_territories *t, const char *dept)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].dept->code, dept) == 0)
            return (long)i;
    return -1;
}

static long region_index(const char *code)
{
    for (size_t i = 0; i < spie_region_count(); i++)
        if (strcmp(spie_region_at(i)->code, code) == 0)
            return (long)i;
    return -1;
}

static void set_error(shared *sh, spie_rc st, const char *msg)
{
    pthread_mutex_lock(&sh->lock);
    if (sh->status == SPIE_OK) {
        sh->status = st;
        snprintf(sh->msg, sizeof sh->msg, "%s", msg);
    }
    pthread_mutex_unlock(&sh->lock);
}

/* Copies the group's accepted budget lines (they are few; the worker's store is reused
 * for the next group). false when memory runs out. */
static bool keep_budget(const spie_territory_data *data, spie_budget *kept)
{
    memset(kept, 0, sizeof *kept);
    if (!data->budget_ok || !data->budget.count)
        return true;
    kept->lines = malloc(data->budget.count * sizeof *kept->lines);
    if (!kept->lines)
        return false;
    memcpy(kept->lines, data->budget.lines, data->budget.count * sizeof *kept->lines);
    kept->count = kept->cap = data->budget.count;
    return true;
}

/* Under the batch's lock: what group [first, first + count) gave goes into the batch,
 * territory ti's cube into its département, wave and région (ti < 0: NAT), or into the
 * nation for a territory of no région; the régions go into the nation once every group
 * is in (add_regions), 18 additions instead of one per territory.
 * false when a cube's histograms could not grow (memory ran out). */
static bool merge_group(shared *sh, size_t first, size_t count, long ti, const spie_territory_data *data,
                        const spie_cube *local, spie_budget kept, double secs)
{
    const spie_batch_cfg *cfg = sh->cfg;
    spie_batch *b = sh->b;
    for (size_t i = first; i < first + count; i++) {
        b->results[i].seconds = secs;
        b->bytes_in += b->results[i].rep.bytes_in;
        b->bytes_out += b->results[i].rep.bytes_out;
        b->rows_read += b->results[i].rep.rows_read;
    }
    if (ti >= 0) {
        b->persons_ok[ti] = data->persons_ok;
        b->budget_ok[ti] = data->budget_ok;
        b->budgets[ti] = kept;
        if (cfg->fold && data->persons_ok) {
            const spie_territory *t = &cfg->terr->items[ti];
            spie_cube_add(&b->dept[ti], local);
            spie_cube_add(&b->waves[t->wave], local);
            long ri = region_index(t->dept->region_code);
            spie_cube_add(ri >= 0 ? &b->regions[ri] : &b->nation, local);
            if (!spie_cube_ok(&b->dept[ti]) || !spie_cube_ok(&b->nation) || !spie_cube_ok(&b->waves[t->wave]) ||
                (ri >= 0 && !spie_cube_ok(&b->regions[ri])))
                return false;
        }
    } else {
        b->nat_ok = data->budget_ok;
        b->nat_budget = kept;
    }
    if (cfg->log)
        cfg->log(cfg->log_ctx, cfg->plan, first, count, b->results, secs);
    return true;
}

static void *worker(void *arg)
{
    shared *sh = arg;
    const spie_batch_cfg *cfg = sh->cfg;
    spie_batch *b = sh->b;
    spie_territory_data data = {0};
    spie_cube local = {0};
    data.persons = spie_persons_new();
    data.scratch = spie_extract_scratch_new();
    if (!data.persons || !data.scratch || (cfg->fold && !spie_cube_init(&local, &b->fold, true))) {
        set_error(sh, SPIE_E_MEMORY, "mémoire insuffisante");
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        if (cfg->cancel && *cfg->cancel && sh->status == SPIE_OK) {
            sh->status = SPIE_E_CANCELLED;
            snprintf(sh->msg, sizeof sh->msg, "interrompu");
        }
        bool stop = sh->status != SPIE_OK || sh->next >= sh->n_groups;
        size_t gi = stop ? 0 : sh->order[sh->next++];
        pthread_mutex_unlock(&sh->lock);
        if (stop)
            break;
        size_t first = sh->group_first[gi];
        size_t count = (gi + 1 < sh->n_groups ? sh->group_first[gi + 1] : cfg->plan->n_entries) - first;
        const spie_plan_entry *e0 = &cfg->plan->entries[first];

        void *handle = cfg->rejects.open_group(cfg->rejects.ctx, gi);
        if (!handle) {
            char m[256];
            snprintf(m, sizeof m, "%s", strerror(errno));
            set_error(sh, SPIE_E_OUTPUT, m);
            break;
        }
        sink s = {.out = &cfg->rejects, .handle = handle, .results = b->results, .plan = cfg->plan,
                  .first = first, .count = count};
        double t0 = now_seconds();
        data.cancel = cfg->cancel;
        bool ok = spie_read_group(cfg->inbox, cfg->plan, first, count, sink_row, &s, &data, b->results + first);
        if (cfg->hashes)
            spie_input_hashes_of_reading(cfg->plan, first, count, b->results + first, cfg->hashes);
        int werr = cfg->rejects.close_group(cfg->rejects.ctx, handle);
        if (!ok || werr) {
            char m[256];
            snprintf(m, sizeof m, "%s", werr ? strerror(werr) : "écriture impossible ou mémoire insuffisante");
            set_error(sh, werr ? SPIE_E_OUTPUT : SPIE_E_MEMORY, m);
            break;
        }
        if (cfg->cancel && *cfg->cancel) { /* the group may have been cut short: not merged */
            set_error(sh, SPIE_E_CANCELLED, "interrompu");
            break;
        }
        long ti = e0->terr ? territory_index(cfg->terr, e0->dept) : -1;
        if (cfg->fold && ti >= 0) {
            spie_cube_reset(&local);
            if (data.persons_ok) {
                size_t n = spie_persons_count(data.persons);
                for (size_t i = 0; i < n; i++)
                    spie_cube_fold_deferred(&local, &b->fold, spie_persons_at_const(data.persons, i));
            }
            spie_cube_settle(&local);
            if (!spie_cube_ok(&local)) {
                set_error(sh, SPIE_E_MEMORY, "mémoire insuffisante");
                break;
            }
        }
        spie_budget kept;
        if (!keep_budget(&data, &kept)) {
            set_error(sh, SPIE_E_MEMORY, "mémoire insuffisante");
            break;
        }
        double secs = now_seconds() - t0;
        pthread_mutex_lock(&sh->lock);
        bool merged = merge_group(sh, first, count, ti, &data, &local, kept, secs);
        pthread_mutex_unlock(&sh->lock);
        if (!merged) {
            set_error(sh, SPIE_E_MEMORY, "mémoire insuffisante");
            break;
        }
    }
out:
    spie_cube_release(&local);
    spie_persons_free(data.persons);
    spie_extract_scratch_free(data.scratch);
    spie_budget_release(&data.budget);
    return NULL;
}

/* Largest territories first, so that no worker starts a big one when the others are done
 * (the results do not depend on the order: accumulators add exactly, rejects are
 * concatenated in plan order). */
typedef struct group_size {
    uint64_t bytes;
    size_t group;
} group_size;

static int cmp_group_size(const void *a, const void *b)
{
    const group_size *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    return x->group < y->group ? -1 : x->group > y->group;
}

/* Fills sh->order. false when memory runs out. */
static bool order_groups(shared *sh, const spie_plan *plan)
{
    group_size *gs = calloc(sh->n_groups + 1, sizeof *gs);
    sh->order = calloc(sh->n_groups + 1, sizeof *sh->order);
    if (!gs || !sh->order) {
        free(gs);
        return false;
    }
    for (size_t g = 0; g < sh->n_groups; g++) {
        size_t end = g + 1 < sh->n_groups ? sh->group_first[g + 1] : plan->n_entries;
        gs[g].group = g;
        for (size_t i = sh->group_first[g]; i < end; i++)
            gs[g].bytes += plan->entries[i].size;
    }
    if (sh->n_groups > 1)
        qsort(gs, sh->n_groups, sizeof *gs, cmp_group_size);
    for (size_t g = 0; g < sh->n_groups; g++)
        sh->order[g] = gs[g].group;
    free(gs);
    return true;
}

static bool alloc_batch(const spie_batch_cfg *cfg, spie_batch *b)
{
    size_t nt = cfg->terr->count, nr = spie_region_count();
    b->results = calloc(cfg->plan->n_entries ? cfg->plan->n_entries : 1, sizeof *b->results);
    b->dept = calloc(nt ? nt : 1, sizeof *b->dept);
    b->persons_ok = calloc(nt ? nt : 1, sizeof *b->persons_ok);
    b->budget_ok = calloc(nt ? nt : 1, sizeof *b->budget_ok);
    b->budgets = calloc(nt ? nt : 1, sizeof *b->budgets);
    b->regions = calloc(nr, sizeof *b->regions);
    if (!b->results || !b->dept || !b->persons_ok || !b->budget_ok || !b->budgets || !b->regions)
        return false;
    if (!cfg->fold)
        return true;
    if (!spie_cube_init(&b->nation, &b->fold, true))
        return false;
    for (size_t i = 0; i < nt; i++)
        if (!spie_cube_init(&b->dept[i], &b->fold, false))
            return false;
    for (int w = 0; w < SPIE_WAVE_COUNT; w++)
        if (!spie_cube_init(&b->waves[w], &b->fold, false))
            return false;
    for (size_t r = 0; r < nr; r++) {
        /* Only regions with a programme territory get accumulators. */
        bool has = false;
        for (size_t i = 0; i < nt && !has; i++)
            has = strcmp(cfg->terr->items[i].dept->region_code, spie_region_at(r)->code) == 0;
        if (has && !spie_cube_init(&b->regions[r], &b->fold, true))
            return false;
    }
    return true;
}

void spie_batch_release(spie_batch *b, const spie_batch_cfg *cfg)
{
    if (!b)
        return;
    size_t nt = cfg->terr->count;
    if (b->dept)
        for (size_t i = 0; i < nt; i++)
            spie_cube_release(&b->dept[i]);
    if (b->budgets)
        for (size_t i = 0; i < nt; i++)
            spie_budget_release(&b->budgets[i]);
    if (b->regions)
        for (size_t r = 0; r < spie_region_count(); r++)
            spie_cube_release(&b->regions[r]);
    for (int w = 0; w < SPIE_WAVE_COUNT; w++)
        spie_cube_release(&b->waves[w]);
    spie_cube_release(&b->nation);
    spie_budget_release(&b->nat_budget);
    free(b->results);
    free(b->dept);
    free(b->persons_ok);
    free(b->budget_ok);
    free(b->budgets);
    free(b->regions);
    memset(b, 0, sizeof *b);
}

/* The nation: what territories of no région gave (merge_group), plus every région. false
 * when a histogram could not grow (memory ran out). */
static bool add_regions(spie_batch *b, const spie_batch_cfg *cfg)
{
    if (!cfg->fold)
        return true;
    for (size_t r = 0; r < spie_region_count(); r++)
        if (b->regions[r].cells) /* a région with territories */
            spie_cube_add(&b->nation, &b->regions[r]);
    return spie_cube_ok(&b->nation);
}

size_t spie_plan_group_count(const spie_plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_entries; i += spie_plan_group_len(plan, i))
        n++;
    return n;
}

spie_rc spie_batch_run(const spie_batch_cfg *cfg, spie_batch *b, spie_error *err)
{
    memset(b, 0, sizeof *b);
    spie_fold_ctx_init(&b->fold, cfg->params, cfg->plan->period);
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.cfg = cfg;
    sh.b = b;
    spie_rc st = SPIE_OK;
    pthread_t *threads = NULL;
    int started = 0;
    int jobs = cfg->jobs < 1 ? 1 : cfg->jobs;

    if (!alloc_batch(cfg, b))
        goto out_nomem;
    sh.group_first = calloc(cfg->plan->n_entries + 1, sizeof *sh.group_first);
    if (!sh.group_first)
        goto out_nomem;
    for (size_t i = 0; i < cfg->plan->n_entries; i += spie_plan_group_len(cfg->plan, i))
        sh.group_first[sh.n_groups++] = i;
    if (!order_groups(&sh, cfg->plan))
        goto out_nomem;
    if (pthread_mutex_init(&sh.lock, NULL) != 0)
        goto out_nomem;
    threads = calloc((size_t)jobs, sizeof *threads);
    if (!threads)
        goto out_mutex_nomem;
    for (; started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, &sh) != 0)
            break;
    if (started == 0) {
        sh.status = SPIE_E_INTERNAL;
        snprintf(sh.msg, sizeof sh.msg, "impossible de lancer un fil d'exécution");
    }
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&sh.lock);
    st = sh.status;
    if (st == SPIE_OK && !add_regions(b, cfg)) {
        st = SPIE_E_MEMORY;
        snprintf(sh.msg, sizeof sh.msg, "mémoire insuffisante");
    }
    goto out;
out_mutex_nomem:
    pthread_mutex_destroy(&sh.lock);
out_nomem:
    st = SPIE_E_MEMORY;
    snprintf(sh.msg, sizeof sh.msg, "mémoire insuffisante");
out:
    free(sh.group_first);
    free(sh.order);
    if (st != SPIE_OK) {
        spie_batch_release(b, cfg);
        return spie_fail(err, st, NULL, 0, "%s", sh.msg);
    }
    return SPIE_OK;
}
