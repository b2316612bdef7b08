/* Reading one group of the plan (a territory's beneficiaires, etapes and budget, or the
 * NAT budget) into the worker's stores, in the order the rules need: persons before their
 * steps, and the stores cleared of what an unusable file gave (see spie/reading.h).
 *
 * It opens nothing itself beyond building each file's path: the reader (extract.c) reads,
 * the caller's sink writes the rejects. It may not fold, merge or print. */
#include "spie/reading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t spie_plan_group_len(const spie_plan *plan, size_t first)
{
    size_t n = 1;
    while (first + n < plan->n_entries && strcmp(plan->entries[first + n].dept, plan->entries[first].dept) == 0)
        n++;
    return n;
}

static bool read_entry(const char *inbox, const spie_plan *plan, const spie_plan_entry *e, spie_reject_fn reject,
                       void *reject_ctx, spie_territory_data *data, spie_entry_result *res)
{
    memset(res, 0, sizeof *res);
    if (!e->file) {
        res->status = SPIE_ENTRY_MISSING;
        return true;
    }
    size_t n = strlen(inbox) + strlen(e->file) + 2;
    char *path = malloc(n);
    if (!path)
        return false;
    snprintf(path, n, "%s/%s", inbox, e->file);
    spie_extract_job job = {
        .path = path,
        .relname = e->file,
        .kind = e->kind,
        .dept = e->dept,
        .gzip = e->gzip,
        .period = plan->period,
        .persons = data->persons,
        .budget = &data->budget,
        .reject = reject,
        .reject_ctx = reject_ctx,
        .scratch = data->scratch,
        .cancel = data->cancel,
    };
    bool ok = spie_extract_read(&job, &res->rep);
    free(path);
    res->status = res->rep.usable ? SPIE_ENTRY_OK : SPIE_ENTRY_UNUSABLE;
    return ok && !res->rep.sink_failed;
}

bool spie_read_group(const char *inbox, const spie_plan *plan, size_t first, size_t count,
                     spie_reject_fn reject, void *reject_ctx, spie_territory_data *data,
                     spie_entry_result *results)
{
    const spie_plan_entry *by_kind[SPIE_KIND_COUNT] = {NULL};
    spie_entry_result *res_kind[SPIE_KIND_COUNT] = {NULL};
    for (size_t i = 0; i < count; i++) {
        const spie_plan_entry *e = &plan->entries[first + i];
        by_kind[e->kind] = e;
        res_kind[e->kind] = &results[i];
        memset(&results[i], 0, sizeof results[i]);
    }
    data->persons_ok = false;
    data->budget_ok = false;
    spie_persons_clear(data->persons);
    spie_budget_clear(&data->budget);

    bool benef_ok = false;
    if (by_kind[SPIE_KIND_BENEFICIAIRES]) {
        if (!read_entry(inbox, plan, by_kind[SPIE_KIND_BENEFICIAIRES], reject, reject_ctx, data,
                        res_kind[SPIE_KIND_BENEFICIAIRES]))
            return false;
        benef_ok = res_kind[SPIE_KIND_BENEFICIAIRES]->status == SPIE_ENTRY_OK;
        if (!benef_ok)
            spie_persons_clear(data->persons);
    }
    if (by_kind[SPIE_KIND_ETAPES]) {
        if (!read_entry(inbox, plan, by_kind[SPIE_KIND_ETAPES], reject, reject_ctx, data,
                        res_kind[SPIE_KIND_ETAPES]))
            return false;
        data->persons_ok = benef_ok && res_kind[SPIE_KIND_ETAPES]->status == SPIE_ENTRY_OK;
    }
    if (!data->persons_ok)
        spie_persons_clear(data->persons);
    if (by_kind[SPIE_KIND_BUDGET]) {
        if (!read_entry(inbox, plan, by_kind[SPIE_KIND_BUDGET], reject, reject_ctx, data,
                        res_kind[SPIE_KIND_BUDGET]))
            return false;
        data->budget_ok = res_kind[SPIE_KIND_BUDGET]->status == SPIE_ENTRY_OK;
        if (!data->budget_ok)
            spie_budget_clear(&data->budget);
    }
    return true;
}

const char *spie_entry_status_word(spie_entry_status st)
{
    switch (st) {
    case SPIE_ENTRY_OK: return "ok";
    case SPIE_ENTRY_UNUSABLE: return "inutilisable";
    default: return "manquant";
    }
}
