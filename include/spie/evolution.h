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

/* What a figure's value is measured in, as far as a change is concerned. */
typedef enum spie_unit {
    SPIE_UNIT_NONE = 0, /* no value */
    SPIE_UNIT_COUNT,    /* a count (integer): difference and relative change */
    SPIE_UNIT_MONEY,    /* euros (integer cents): difference in cents and relative change */
    SPIE_UNIT_DAYS,     /* whole days (an integer): difference only */
    SPIE_UNIT_REAL,     /* a double, days or a share: difference only */
    SPIE_UNIT_MONTH     /* a month written as text: neither */
} spie_unit;

/* The unit of a figure, from its value kind and role (the one place this is decided; an
 * indicator catalogue will give it per indicator). */
spie_unit spie_figure_unit(const spie_figure *f);

/* The figure of the previous publication with that key, or NULL. */
const spie_prev_figure *spie_prev_figure_find(const spie_previous *p, const char *niveau, const char *code,
                                              const char *ventilation, const char *modalite,
                                              const char *indicateur);

/* The change of one figure of the table. */
typedef struct spie_change {
    bool present;          /* a row of evolution_<P>.csv: ok on both sides, the previous
                              value read in the figure's unit */
    spie_unit unit;
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
