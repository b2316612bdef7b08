#include "spie/params.h"

#include <string.h>

#include "spie/date.h"

const char *const spie_endpoint_codes[SPIE_EP_COUNT] = {
    "ENTREE", "ORIENTATION", "DIAGNOSTIC", "CONTRAT", "SOLUTION", "REPRISE", "SUIVI", "REPRISE_DURABLE"};

static void pair(spie_params *p, const char *code, spie_endpoint from, spie_endpoint to, int target)
{
    spie_pair *q = &p->pairs[p->n_pairs++];
    memset(q, 0, sizeof *q);
    strncpy(q->code, code, sizeof q->code - 1);
    q->from = from;
    q->to = to;
    q->target = target;
}

void spie_params_default(spie_params *p)
{
    memset(p, 0, sizeof *p);
    p->envelope = (spie_cents)80000000 * 100;
    spie_month_from_ym(2021, 1, &p->window_start);
    spie_month_from_ym(2023, 12, &p->window_end);
    p->horizons[0] = 3;
    p->horizons[1] = 6;
    p->horizons[2] = 12;
    p->n_horizons = 3;
    pair(p, "D_ORIENT", SPIE_EP_ENTREE, SPIE_EP_ORIENTATION, 30);
    pair(p, "D_DIAG", SPIE_EP_ORIENTATION, SPIE_EP_DIAGNOSTIC, 30);
    pair(p, "D_CONTRAT", SPIE_EP_DIAGNOSTIC, SPIE_EP_CONTRAT, 30);
    pair(p, "D_SOLUTION", SPIE_EP_CONTRAT, SPIE_EP_SOLUTION, 30);
    pair(p, "D_REPRISE", SPIE_EP_ENTREE, SPIE_EP_REPRISE, 180);
    pair(p, "D_SUIVI", SPIE_EP_REPRISE, SPIE_EP_SUIVI, 30);
    p->level = 0.95;
    p->clopper_pearson = false;
    p->secret_k = 5;
    p->secret = true;
    p->projection_months = 12;
    p->reject_alert_rate = 0.05;
    p->continuity_max_drop = 0.01;
}
