/* The fixture the secret tests share (test_secret_primary.c, test_secret_secondary.c,
 * test_secret_masked_rows.c, test_secret_national_mix.c): publication tables built by hand
 * with spie_table_push (the rows engine/figures/indicators.c and engine/figures/budget_ind.c
 * would emit, each with its identity in the catalogue, which gives its secret rule: COUNT,
 * STAT, RATE or NONE), the secret applied to a sorted table, the lookup of a row, and the
 * checks of a masked figure (status s, no interval, no effectif: docs/methodologie.md §7,
 * docs/sorties.md §4) and of a shown one. */
#ifndef SPIE_SECRET_FIXTURE_H
#define SPIE_SECRET_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "spie/acc.h"
#include "spie/secret.h"
#include "spie/table.h"

#define DEP SPIE_LEVEL_DEPARTEMENT
#define NAT SPIE_LEVEL_NATIONAL
#define REG SPIE_LEVEL_REGION
#define VAG SPIE_LEVEL_VAGUE
#define ENS SPIE_BD_ENSEMBLE
#define PUB SPIE_BD_PUBLIC
#define COH SPIE_BD_COHORTE

/* A row of the table with its identity in the catalogue (fails on a name it does not
 * know), status ok and no value yet. */
spie_figure *push(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
                  const char *ind);
/* A count of persons (indicators.c count()): valeur = effectif = v. */
void cnt(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *ind,
         int64_t v);
/* A share x / n with an interval (indicators.c rate()); n = 0 is nd. */
void rate(spie_table *t, const char *ind, int64_t x, int64_t n);

/* A statistic over `effectif` persons (mean, quantile, KM median, incidence). */
void statistic(spie_table *t, spie_level lv, const char *code, const char *ind, double v, int64_t effectif);

/* Money (budget_ind.c cents_row()): rule NONE, no effectif. */
void money(spie_table *t, const char *ind, int64_t cents);
/* The four publics of a count (RSA, JEUNE, DE, TH) and their ensemble (the sum). */
void publics(spie_table *t, spie_level lv, const char *code, const char *ind, int64_t rsa, int64_t jeune,
             int64_t de, int64_t th);
/* A delay pair's four counts in one cell (population = the sum). */
void delay(spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod, const char *c,
           int64_t termines, int64_t censures, int64_t incoherents);

/* Sorts the table and applies the secret with threshold k; returns its counts. */
spie_secret_counts apply(spie_table *t, int k);
/* The row, failing when absent or present twice; nat: the national ensemble row. */
spie_figure *get(const spie_table *t, spie_level lv, const char *code, spie_breakdown bd, const char *mod,
                 const char *ind);
spie_figure *nat(const spie_table *t, const char *ind);
/* A masked figure (docs/methodologie.md §7, docs/sorties.md §4): status s, no interval, no effectif. */
void assert_masked(const spie_figure *f);
/* A shown figure: status ok, its effectif kept. */
void assert_shown(const spie_figure *f);
/* The number of masked rows. */
size_t n_masked(const spie_table *t);

#endif
