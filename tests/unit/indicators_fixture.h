/* The fixture the indicator tests share (test_indicators_delays.c,
 * test_indicators_rates.c, test_indicators_table.c): persons built by hand, a fold for a
 * period P into one cube and the rows of one group (the national group), the checks of
 * one row (a count, whole days, a real, nd, a rate with its Wilson interval recomputed
 * here), the names of one cell written out independently of the engine, and the persons
 * several tests fold. */
#ifndef SPIE_INDICATORS_FIXTURE_H
#define SPIE_INDICATORS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spie/acc.h"
#include "spie/date.h"
#include "spie/indicators.h"
#include "spie/params.h"
#include "spie/persons.h"
#include "spie/table.h"

/* Parameters, fold context, one cube and the table of one group. The fold context keeps
 * a pointer to params, so a fixture never moves once initialised. */
typedef struct fx {
    spie_params params;
    spie_fold_ctx ctx;
    spie_cube cube;
    spie_table table;
} fx;

/* The group every table is produced for: national, FR, France. */
extern const spie_group_id nation_id;

spie_day day(int y, int m, int d);
/* A person who entered on y-m-d and reached no step: public RSA, sex and birth year
 * unknown. */
spie_person mk(int y, int m, int d);
/* A fixture for the period y-m (with or without breakdowns), the persons folded into its
 * cube, the rows of its group (available or not), and its release. */
void fx_init(fx *f, int y, int m, bool breakdowns);
void fx_fold(fx *f, const spie_person *ps, size_t n);
void fx_rows(fx *f, bool available);
void fx_release(fx *f);

/* The row (bd, modality, indicator), failing when it is absent or present twice. */
const spie_figure *row_of(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind);
bool row_exists(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind);
/* The checks of one row (indicators_fixture.c): a count (valeur = effectif), whole days
 * with their effectif, a real within tol, nd (eff < 0: no effectif), a rate x/n with its
 * Wilson interval and the published reference bounds. */
void check_count_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v);
void check_days_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t v,
                   int64_t eff);
void check_real_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, double v,
                   int64_t eff, double tol);
void check_nd_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, int64_t eff);
/* The Wilson score interval of docs/methodologie.md §4, written out in long double. */
void wilson_ref(uint64_t x, uint64_t n, double *lo, double *hi);
void check_rate_in(const spie_table *t, spie_breakdown bd, const char *mod, const char *ind, uint64_t x,
                   uint64_t n, double r_lo, double r_hi);

/* The ensemble breakdown, the common case. */
#define E_COUNT(f, ind, v) check_count_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v))
#define E_DAYS(f, ind, v, eff) check_days_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v), (eff))
#define E_REAL(f, ind, v, eff) check_real_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (v), (eff), 1e-12)
#define E_ND(f, ind, eff) check_nd_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (eff))
#define E_RATE(f, ind, x, n, lo, hi) check_rate_in(&(f)->table, SPIE_BD_ENSEMBLE, "", (ind), (x), (n), (lo), (hi))

/* The names of one cell, written out independently of the engine: the default delay
 * codes and the suffixes of their counts. */
extern const char *const delay_codes[6];
extern const char *const delay_count_suffixes[4];

enum { NAME_LEN = 48, MAX_NAMES = 200 };

/* Every indicator name of one cell with the default parameters (docs/sorties.md §4). */
size_t cell_names(char names[][NAME_LEN]);

/* 23 counts + 6 pairs x 14 + 3 horizons x 2 + 25 incidence points + 1 median. */
enum { ROWS_PER_CELL = 23 + 6 * 14 + 6 + 25 + 1 };

/* Checks that the cell (bd, mod) has exactly the rows of cell_names, once each. */
void check_cell_complete(const spie_table *t, spie_breakdown bd, const char *mod);

/* A step of type type (NULL: none) on day d, through spie_person_add_step. */
void add_step(spie_person *p, spie_step s, const char *type, spie_day d);
/* The persons several tests fold, written into ps; each returns how many. set_km: the
 * Kaplan–Meier persons (test_indicators_delays.c); set_returns: the return rates' and
 * set_breakdowns: the breakdowns' (test_indicators_rates.c). */
size_t set_km(spie_person *ps);
size_t set_returns(spie_person *ps);
size_t set_breakdowns(spie_person *ps);

#endif
