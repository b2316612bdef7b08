/* The publication table: one figure per row, as indicateurs_<P>.csv lists them
 * (docs/sorties.md §4). The statistical secret marks this table once, and both the CSV and the
 * workbooks are rendered from it, so they cannot disagree. Each figure carries its
 * identity in the indicator catalogue (spie/catalogue.h) and the name derived from it. */
#ifndef SPIE_TABLE_H
#define SPIE_TABLE_H

#include "spie/catalogue.h"
#include "spie/common.h"

/* Levels in byte order of their names (the CSV's sort order). */
typedef enum spie_level {
    SPIE_LEVEL_DEPARTEMENT = 0,
    SPIE_LEVEL_NATIONAL,
    SPIE_LEVEL_REGION,
    SPIE_LEVEL_VAGUE,
    SPIE_LEVEL_COUNT
} spie_level;
extern const char *const spie_level_names[SPIE_LEVEL_COUNT];

typedef enum spie_status { SPIE_STATUS_OK = 0, SPIE_STATUS_SECRET, SPIE_STATUS_ND } spie_status;
extern const char *const spie_status_names[3]; /* "ok", "s", "nd" */

typedef enum spie_value_kind {
    SPIE_VK_NONE = 0, /* no value (nd, s) */
    SPIE_VK_COUNT,    /* an integer: a count or whole days */
    SPIE_VK_REAL,     /* a double: share, mean, quantile... */
    SPIE_VK_CENTS,    /* money, printed in euros with 2 decimals */
    SPIE_VK_TEXT      /* a short text ("2023-04") */
} spie_value_kind;

typedef struct spie_figure {
    spie_ind_id id;         /* what it is (its secret rule, unit, interval: spie_ind_def_of) */
    uint8_t level;          /* spie_level */
    uint8_t breakdown;      /* spie_breakdown (acc.h) */
    uint8_t kind;           /* spie_value_kind */
    uint8_t status;         /* spie_status */
    bool has_ci;
    bool has_effectif;
    char code[8];           /* "FR", region, département or wave code */
    char modality[12];      /* empty for ensemble */
    char indicator[SPIE_IND_NAME_MAX]; /* spie_ind_name(id): the CSV's name, and the sort key */
    const char *libelle;    /* static: "France", a region's or département's name, a wave */
    int64_t ival;           /* COUNT or CENTS */
    double real;            /* REAL */
    char text[8];           /* TEXT */
    double lo, hi;          /* interval (REAL bounds, or CENTS converted to euros for money) */
    int64_t effectif;
    int64_t num;            /* numerator of a RATE */
} spie_figure;

typedef struct spie_table {
    spie_figure *rows;
    size_t n, cap;
} spie_table;

/* Whether a group of level lv publishes the ensemble row of ind (the catalogue's scope). */
bool spie_ind_published_at(unsigned ind, spie_level lv);

/* A new zeroed row at the end (no identity yet), or NULL when memory runs out. */
spie_figure *spie_table_push(spie_table *t);
/* Sorts byte-wise on (niveau, code, ventilation, modalite, indicateur). */
void spie_table_sort(spie_table *t);
/* That order, as a qsort/bsearch comparator of two spie_figure. */
int spie_figure_cmp(const void *a, const void *b);
void spie_table_release(spie_table *t); /* accepts NULL */

#endif
