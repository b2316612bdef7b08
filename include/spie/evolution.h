/* Change since the previous publication (docs/methodologie.md §11, docs/dictionnaire.md
 * §10): for every figure of the publication table that is `ok` here and `ok` with the same
 * key in the previous publication's indicateurs_<Q>.csv, the previous value, the
 * difference and, for counts and money, the relative change; and evolution_<P>.csv,
 * written from them. A figure secret (`s`) or not available (`nd`) on either side has no
 * change, so the secret cannot be undone by difference. */
#ifndef SPIE_EVOLUTION_H
#define SPIE_EVOLUTION_H

#include "spie/previous.h"
#include "spie/table.h"

/* How a figure's change is computed (from its unit in the catalogue and how its value is
 * held). */
typedef enum spie_change_kind {
    SPIE_CHANGE_NONE = 0, /* no value */
    SPIE_CHANGE_COUNT,    /* a count (integer): difference and relative change */
    SPIE_CHANGE_MONEY,    /* euros (integer cents): difference in cents and relative change */
    SPIE_CHANGE_DAYS,     /* whole days or months (an integer): difference only */
    SPIE_CHANGE_REAL,     /* a double, days or a share: difference only */
    SPIE_CHANGE_MONTH     /* a month written as text: neither */
} spie_change_kind;

/* The change kind of a figure: its catalogue unit (include/spie/catalogue.h) and value
 * kind. The one place this is decided. */
spie_change_kind spie_figure_change_kind(const spie_figure *f);

/* The figure of the previous publication with that key, or NULL. */
const spie_prev_figure *spie_prev_figure_find(const spie_previous *p, const char *niveau, const char *code,
                                              const char *ventilation, const char *modalite,
                                              const char *indicateur);

/* The change of one figure of the table. */
typedef struct spie_change {
    bool present;          /* a row of evolution_<P>.csv: ok on both sides, the previous
                              value read in the figure's unit */
    spie_change_kind unit;
    int64_t prev_ival;     /* COUNT, DAYS: the previous value; MONEY: in cents */
    double prev_real;      /* REAL */
    char prev_text[8];     /* MONTH: "YYYY-MM" */
    bool has_ecart;        /* every unit but MONTH */
    int64_t ecart_ival;    /* COUNT, DAYS, MONEY (cents): value - previous, exact */
    double ecart_real;     /* REAL: value - previous, in double */
    bool has_evolution;    /* COUNT and MONEY with a previous value other than 0 */
    double evolution;      /* ecart / previous, correctly rounded */
} spie_change;

/* One spie_change per row of t (changes[i] for t->rows[i]), from the previous
 * publication's figures, into *out (malloc'd, t->n of them, or NULL when t is empty);
 * *n_present the rows of the file. false when memory ran out. */
bool spie_evolution_build(const spie_table *t, const spie_previous *prev, spie_change **out, size_t *n_present);

/* Writes evolution_<P>.csv (docs/dictionnaire.md §10): the rows of t whose change is
 * present, in t's order (sorted byte-wise on the key), with prev_period as
 * periode_precedente. 0 or an errno value. */
int spie_evolution_write_csv(const spie_table *t, const spie_change *changes, const char *prev_period,
                             const char *path);

#endif
