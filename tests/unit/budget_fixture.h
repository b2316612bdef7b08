/* The fixture the budget tests share (test_budget_sums.c, test_budget_territories.c,
 * test_budget_projection.c): a spie_batch built by hand (include/spie/batch.h) for a
 * period P over a small territories table parsed with spie_territories_parse, budget
 * lines whose amounts are parsed with spie_parse_amount from the forms of
 * docs/format-extraits.md §2, one spie_cube per territory holding only the ensemble
 * counts that the unit costs read, and the usability flags; spie_budget_rows run over it,
 * the lookup of a row in the table, and the checks of a row (money, a share, nd). */
#ifndef SPIE_BUDGET_FIXTURE_H
#define SPIE_BUDGET_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spie/batch.h"
#include "spie/date.h"
#include "spie/extract.h"
#include "spie/params.h"
#include "spie/table.h"
#include "spie/territories.h"

#define MAXT 8

typedef struct fx {
    spie_params params;
    spie_territories terr;
    spie_batch b;
    spie_acc acc[MAXT];
    spie_cube cube[MAXT];
    bool persons_ok[MAXT];
    bool budget_ok[MAXT];
    spie_budget budgets[MAXT];
    spie_table table;
    const spie_month *budget_month; /* NULL: no territory is late */
} fx;

/* The month s (a form spie_parse_month accepts), failing when it is not one. */
spie_month month(const char *s);
/* A batch for period p over the territories of terr_csv: every territory's budget and
 * persons usable, no budget line, no entrant, no NAT file; default parameters. */
fx *fx_new(const char *terr_csv, const char *p);
void fx_free(fx *f);
/* Index of a territory in the table. */
size_t ti(const fx *f, const char *dept);
/* One budget line of dept ("NAT": the national file, which becomes usable); etat: a
 * line of the State (SPIE_FIN_ETAT). */
void line(fx *f, const char *dept, const char *mois, spie_financer fin, const char *engaged, const char *paid);
void etat(fx *f, const char *dept, const char *mois, const char *engaged, const char *paid);
/* spie_budget_rows over the batch, into f->table (released first). */
void fx_run(fx *f);

/* The row (lv, code, ind): find returns NULL when it is absent and fails when it is
 * present twice; get fails when it is absent or not in the ensemble breakdown. */
const spie_figure *find(const fx *f, spie_level lv, const char *code, const char *ind);
const spie_figure *get(const fx *f, spie_level lv, const char *code, const char *ind);

#define DEP SPIE_LEVEL_DEPARTEMENT
#define NAT SPIE_LEVEL_NATIONAL
#define REG SPIE_LEVEL_REGION
#define WAV SPIE_LEVEL_VAGUE

/* The checks of one row (budget_fixture.c): money (status ok, exactly want cents, no
 * interval, empty effectif), a share (status ok, exactly the double want, empty
 * effectif), nd (effectif empty when eff < 0, else exactly eff). */
void check_cents(const fx *f, spie_level lv, const char *code, const char *ind, spie_cents want);
void check_share(const fx *f, spie_level lv, const char *code, const char *ind, double want);
void check_nd(const fx *f, spie_level lv, const char *code, const char *ind, int64_t eff);
/* How many rows of (lv, code) have an indicator starting with prefix. */
size_t count_prefix(const fx *f, spie_level lv, const char *code, const char *prefix);

#endif
